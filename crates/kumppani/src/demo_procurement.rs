//! The demo's procurements (`data/demo/procurements.toml`: Kymenlaakso's ten lots and Kerava's
//! framework lot, with the seeds' texts and rules), the providers' made-up staff and evidence,
//! and admitted applications so that the register and the framework order have something in
//! them. Everything after the procurements goes through the same use cases as the screens.

use anyhow::{anyhow, Context, Result};
use chrono::{Days, NaiveDate};
use domain::evidence::EvidenceForm;
use domain::org::Actor;
use domain::procurement::{Lot, Procurement};
use domain::staff::{Area, StaffForm};
use serde::Deserialize;
use service::application::{ApplicationForm, StepForm};
use service::Service;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

const DATA: &str = include_str!("../../../data/demo/procurements.toml");

#[derive(Deserialize)]
struct File {
    procurement: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    purchaser: String,
    data: Procurement,
    lots: Vec<Lot>,
}

/// One made-up person on a provider's staff.
struct Person {
    name: &'static str,
    role: &'static str,
    degree: &'static str,
    /// Years per area.
    years: &'static [(Area, &'static str)],
    trainings: &'static [&'static str],
}

const AALLOKKO_STAFF: &[Person] = &[
    Person {
        name: "Kaisa Rinne",
        role: "responsible_person",
        degree: "Sosionomi (AMK)",
        years: &[
            (Area::ChildWelfare, "6"),
            (Area::ChildrenAndFamilies, "8"),
            (Area::Management, "3"),
        ],
        trainings: &[],
    },
    Person {
        name: "Mikko Laine",
        role: "worker",
        degree: "Sosionomi (AMK)",
        years: &[(Area::ChildWelfare, "4")],
        trainings: &["neuropsychiatric_coach"],
    },
    // One year of child-welfare work: short of what the intensive family-work lot asks.
    Person {
        name: "Tiina Aho",
        role: "worker",
        degree: "Sosiaaliohjaaja",
        years: &[(Area::ChildWelfare, "1")],
        trainings: &[],
    },
    Person {
        name: "Jussi Nurmi",
        role: "worker",
        degree: "Sosionomi (AMK)",
        years: &[(Area::ChildWelfare, "3"), (Area::DemandingClientWork, "2")],
        trainings: &[],
    },
    // A degree no rule reads: kept as written and flagged for a person to judge.
    Person {
        name: "Petra Koski",
        role: "worker",
        degree: "Kriisi- ja traumatyön ammattilainen",
        years: &[(Area::ChildWelfare, "5")],
        trainings: &[],
    },
];

const TUKIVERKKO_STAFF: &[Person] = &[
    Person {
        name: "Anders Holm",
        role: "responsible_person",
        degree: "Socionom (YH)",
        years: &[
            (Area::ChildWelfare, "7"),
            (Area::ChildrenAndFamilies, "9"),
            (Area::Management, "4"),
        ],
        trainings: &["management"],
    },
    Person {
        name: "Sari Lehto",
        role: "worker",
        degree: "Sairaanhoitaja (AMK)",
        years: &[(Area::ChildWelfare, "3"), (Area::ChildrenAndFamilies, "5")],
        trainings: &[],
    },
];

const KASVUNPOLKU_STAFF: &[Person] = &[
    Person {
        name: "Laura Vainio",
        role: "responsible_person",
        degree: "Sosionomi (AMK)",
        years: &[(Area::ChildWelfare, "5"), (Area::Management, "2")],
        trainings: &[],
    },
    Person {
        name: "Timo Räsänen",
        role: "worker",
        degree: "Yhteisöpedagogi (AMK)",
        years: &[(Area::ChildWelfare, "3")],
        trainings: &[],
    },
];

fn err(e: service::ServiceError) -> anyhow::Error {
    anyhow!("{e:?}")
}

fn actor<'a>(actors: &'a HashMap<String, Actor>, username: &str) -> Result<&'a Actor> {
    actors
        .get(username)
        .with_context(|| format!("demo user {username}"))
}

async fn add_staff(
    svc: &Service,
    a: &Actor,
    people: &[Person],
    today: NaiveDate,
) -> Result<Vec<Uuid>> {
    let mut ids = Vec::new();
    for p in people {
        let form = StaffForm {
            name: p.name.into(),
            role: p.role.into(),
            degrees: p.degree.into(),
            experience: p
                .years
                .iter()
                .map(|(a, y)| (*a, (*y).to_owned()))
                .collect::<BTreeMap<_, _>>(),
            trainings: p.trainings.iter().map(|t| (*t).to_owned()).collect(),
            other_training: String::new(),
            languages: vec!["fi".into()],
            supervision: "yes".into(),
            criminal_record_checked_on: (today - Days::new(120)).to_string(),
        };
        ids.push(
            svc.save_staff_member(a, None, &form)
                .await
                .map_err(|e| anyhow!("staff {}: {e:?}", p.name))?,
        );
    }
    Ok(ids)
}

/// The five documents the lots ask for; the pension certificate of the first provider runs
/// out in three weeks, so that the warning shows.
async fn add_evidence(svc: &Service, a: &Actor, today: NaiveDate, pension_days: u64) -> Result<()> {
    let docs: [(&str, u64, Option<u64>); 5] = [
        ("tax_certificate", 20, Some(70)),
        ("pension_certificate", 60, Some(pension_days)),
        ("trade_register_extract", 30, Some(150)),
        ("liability_insurance", 200, Some(165)),
        ("self_monitoring_plan", 300, None),
    ];
    for (kind, issued_ago, valid_for) in docs {
        svc.add_evidence(
            a,
            &EvidenceForm {
                kind: kind.into(),
                issued_on: (today - Days::new(issued_ago)).to_string(),
                valid_until: valid_for
                    .map(|d| (today + Days::new(d)).to_string())
                    .unwrap_or_default(),
                reference: String::new(),
            },
        )
        .await
        .map_err(|e| anyhow!("evidence {kind}: {e:?}"))?;
    }
    Ok(())
}

/// Applies, submits and has the purchaser admit.
#[allow(clippy::too_many_arguments)]
async fn admitted(
    svc: &Service,
    provider: &Actor,
    purchaser: &Actor,
    lot_id: Uuid,
    roster: &[Uuid],
    price: &str,
    quality: &str,
) -> Result<()> {
    let id = svc.start_application(provider, lot_id).await.map_err(err)?;
    let view = svc.application(provider, id).await.map_err(err)?;
    let unit = view.units.first().context("demo provider has a unit")?.id;
    svc.save_application(
        provider,
        id,
        &ApplicationForm {
            unit_id: unit.to_string(),
            roster: roster.iter().map(Uuid::to_string).collect(),
            price: price.into(),
            employees: roster.len().to_string(),
            note: String::new(),
        },
        domain::locale::Lang::Fi,
    )
    .await
    .map_err(err)?;
    for (step, note) in [
        ("submit", ""),
        ("admit", "Hakija täyttää kaikki luokan vaatimukset."),
    ] {
        let by = if step == "submit" {
            provider
        } else {
            purchaser
        };
        svc.application_step(
            by,
            id,
            &StepForm {
                step: step.into(),
                note: note.into(),
                quality_points: quality.into(),
                extend: String::new(),
            },
        )
        .await
        .map_err(|e| anyhow!("{step}: {e:?}"))?;
    }
    Ok(())
}

/// The lots the rest of the demo delivers on.
pub struct DemoLots {
    /// Kymenlaakso's intensive family work (lot 1).
    pub kymenlaakso: Uuid,
    /// Vantaa's work activity for mental-health rehabilitees.
    pub vantaa: Uuid,
}

pub async fn populate(
    svc: &Service,
    orgs: &HashMap<String, Uuid>,
    actors: &HashMap<String, Actor>,
) -> Result<DemoLots> {
    let file: File = toml::from_str(DATA).context("data/demo/procurements.toml")?;
    let mut lots_of: Vec<Vec<Uuid>> = Vec::new();
    for e in &file.procurement {
        let purchaser = *orgs
            .get(&e.purchaser)
            .with_context(|| format!("demo purchaser {}", e.purchaser))?;
        let id = svc
            .setup()
            .bootstrap_procurement(purchaser, &e.data, &e.lots)
            .await
            .map_err(err)?;
        let reader = actor(actors, "kymenlaakso.procurement-specialist")?;
        let view = svc.procurement(reader, id).await.map_err(err)?;
        lots_of.push(view.lots.iter().map(|l| l.id).collect());
    }
    let today = domain::time::to_helsinki(svc.now()).date_naive();

    let aallokko = actor(actors, "aallokko.provider-signatory")?;
    add_staff(svc, aallokko, AALLOKKO_STAFF, today).await?;
    add_evidence(svc, aallokko, today, 21).await?;

    let tukiverkko = actor(actors, "tukiverkko.provider-signatory")?;
    let tv = add_staff(svc, tukiverkko, TUKIVERKKO_STAFF, today).await?;
    add_evidence(svc, tukiverkko, today, 120).await?;

    let kasvunpolku = actor(actors, "kasvunpolku.provider-signatory")?;
    let kp = add_staff(svc, kasvunpolku, KASVUNPOLKU_STAFF, today).await?;
    add_evidence(svc, kasvunpolku, today, 120).await?;

    let kymenlaakso = actor(actors, "kymenlaakso.procurement-specialist")?;
    let kerava = actor(actors, "kerava.procurement-specialist")?;
    let kymenlaakso_lots = lots_of.first().context("Kymenlaakso's procurement")?;
    let kerava_lot = *lots_of
        .get(1)
        .and_then(|l| l.first())
        .context("Kerava's lot")?;
    // Tukiverkko is admitted to professional support-person work (lot 5) in Kymenlaakso, and
    // both Tukiverkko and Kasvun Polku to Kerava's framework, where the order follows.
    let lot5 = *kymenlaakso_lots.get(4).context("Kymenlaakso lot 5")?;
    admitted(svc, tukiverkko, kymenlaakso, lot5, &tv, "62,00", "").await?;
    // Intensive family work (lot 1): Tukiverkko is first in the price order but full, Kasvun
    // Polku second.
    let lot1 = *kymenlaakso_lots.first().context("Kymenlaakso lot 1")?;
    admitted(svc, tukiverkko, kymenlaakso, lot1, &tv, "78,00", "").await?;
    admitted(svc, kasvunpolku, kymenlaakso, lot1, &kp, "82,00", "").await?;
    admitted(svc, tukiverkko, kerava, kerava_lot, &tv, "61,00", "85").await?;
    admitted(svc, kasvunpolku, kerava, kerava_lot, &kp, "57,50", "60").await?;
    // Tukiverkko runs Vantaa's work activity, where the board's work participation money is
    // paid (seed 004).
    let vantaa = actor(actors, "vantaa.procurement-specialist")?;
    let vantaa_lot = *lots_of
        .get(2)
        .and_then(|l| l.first())
        .context("Vantaa's lot")?;
    admitted(svc, tukiverkko, vantaa, vantaa_lot, &tv, "38,00", "70").await?;

    // Clients, needs and commitments for every procurement: Kymenlaakso's lots 1 and 5 and
    // Kerava's framework lot.
    crate::demo_clients::populate(
        svc,
        actors,
        &[
            ("kymenlaakso", lot1, 0),
            ("kymenlaakso", lot5, 20),
            ("kerava", kerava_lot, 40),
        ],
    )
    .await?;
    Ok(DemoLots {
        kymenlaakso: lot1,
        vantaa: vantaa_lot,
    })
}
