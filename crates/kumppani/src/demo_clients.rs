//! The demo's clients (made-up people, identity codes with individual numbers 900–999), their
//! service needs in the queue for the next steering-group meeting, and payment commitments in
//! each state for every demo procurement, made through the same use cases as the screens.

use anyhow::{anyhow, Context, Result};
use chrono::{Datelike, NaiveDate};
use domain::client::ClientForm;
use domain::commitment::BudgetLine;
use domain::ident::PersonalIdentityCode;
use domain::money::Money;
use domain::org::Actor;
use service::commitment::CommitmentForm;
use service::need::{NeedForm, RecommendForm};
use service::Service;
use std::collections::HashMap;
use uuid::Uuid;

/// Six families per demo lot, each with a last name of its own in the whole demo, so that a
/// person shown where they must not be is recognised by name (the route-walk test looks for them).
pub const FAMILIES: [[(&str, &str, &str); 6]; 3] = [
    [
        ("Kuvitelma", "Veeti", "Saara"),
        ("Esimerkki", "Ella", "Tero"),
        ("Malli", "Onni", "Aino"),
        ("Satunen", "Lumi", "Juha"),
        ("Keksitty", "Eetu", "Noora"),
        ("Tarinoija", "Siiri", "Pekka"),
    ],
    [
        ("Haaveila", "Iida", "Marko"),
        ("Unelmala", "Topi", "Kaisa"),
        ("Sepitelmä", "Pihla", "Antti"),
        ("Kertomala", "Nooa", "Heidi"),
        ("Lorukka", "Alma", "Sami"),
        ("Satumaa", "Rasmus", "Jenni"),
    ],
    [
        ("Tarunen", "Vilja", "Jari"),
        ("Fiktiola", "Luka", "Tiina"),
        ("Mielikuva", "Hilla", "Mika"),
        ("Kuvaelma", "Elmo", "Sanna"),
        ("Juonikas", "Minea", "Kari"),
        ("Arvoitus", "Otso", "Paula"),
    ],
];

fn code(birth: NaiveDate, n: u16) -> Result<String> {
    Ok(PersonalIdentityCode::new_made_up(birth, n)
        .map_err(|e| anyhow!("{e}"))?
        .as_str()
        .to_owned())
}

fn form(
    code: String,
    first: &str,
    last: &str,
    municipality: &str,
    turvakielto: bool,
) -> ClientForm {
    ClientForm {
        identity_code: code,
        first_name: first.into(),
        last_name: last.into(),
        home_municipality: municipality.into(),
        language: "fi".into(),
        street_address: "Kuvitelmakatu 1".into(),
        postal_code: "48100".into(),
        city: municipality.into(),
        phone: "040 000 0000".into(),
        turvakielto: if turvakielto {
            "yes".into()
        } else {
            String::new()
        },
        service_task: "Lastensuojelun avohuolto".into(),
        legal_basis: "Lastensuojelulaki 36 §".into(),
    }
}

fn err(e: service::ServiceError) -> anyhow::Error {
    anyhow!("{e:?}")
}

/// `lots`: (purchaser key, lot, offset of the made-up individual numbers). Commitments lie in
/// the procurement's period: from today where it still runs, in its last months where it has
/// ended (Kerava's framework ran to 31.12.2024 with its options).
pub async fn populate(
    svc: &Service,
    actors: &HashMap<String, Actor>,
    lots: &[(&str, Uuid, u16)],
) -> Result<()> {
    let today = svc.today();
    let mut budget_lines: HashMap<&str, Uuid> = HashMap::new();
    for key in ["kymenlaakso", "kerava"] {
        let controller = actors
            .get(&format!("{key}.controller"))
            .with_context(|| format!("{key}.controller"))?;
        let line = svc
            .add_budget_line(
                controller,
                &BudgetLine {
                    cost_centre: "4100".into(),
                    service: "Lastensuojelun avohuolto".into(),
                    year: today.year(),
                    amount: Money::from_cents(50_000_000),
                },
            )
            .await
            .map_err(err)?;
        budget_lines.insert(key, line);
    }
    for (key, lot, offset) in lots {
        let worker = actors
            .get(&format!("{key}.social-worker"))
            .with_context(|| format!("{key}.social-worker"))?;
        let lead = actors
            .get(&format!("{key}.leading-social-worker"))
            .with_context(|| format!("{key}.leading-social-worker"))?;
        let municipality = if *key == "kerava" { "Kerava" } else { "Kotka" };
        // Six families: one stays in the queue; the commitments of the others are declined,
        // accepted, waiting for an answer, changed (a superseded and an accepted version), and
        // terminated.
        let families = &FAMILIES[usize::from(*offset / 20) % FAMILIES.len()];
        for (i, (last, child, parent)) in families.iter().enumerate() {
            let n = 900 + offset + i as u16 * 2;
            let child_birth = NaiveDate::from_ymd_opt(2012 + i as i32, 3 + i as u32, 10)
                .context("demo birth date")?;
            let parent_birth =
                NaiveDate::from_ymd_opt(1984 - i as i32, 6, 20).context("demo birth date")?;
            let client = svc
                .register_client(
                    worker,
                    &form(code(child_birth, n)?, child, last, municipality, i == 2),
                    &[form(
                        code(parent_birth, n + 1)?,
                        parent,
                        last,
                        municipality,
                        i == 2,
                    )],
                )
                .await
                .map_err(|e| anyhow!("client {child} {last}: {e:?}"))?;
            let need = svc
                .create_need(
                    worker,
                    client,
                    &NeedForm {
                        lot: lot.to_string(),
                        justification: "Perheen tilanne edellyttää tukea kotiin.".into(),
                        urgent: if i == 1 { "yes".into() } else { String::new() },
                        requested_start: today.to_string(),
                        hours_per_week: "3".into(),
                    },
                )
                .await
                .map_err(err)?;
            if i == 0 {
                continue; // in the queue for the next meeting
            }
            let order = svc.setup().demo_lot_order(*lot).await.map_err(err)?;
            let Some(first) = order.first() else { continue };
            svc.recommend(
                worker,
                need,
                &RecommendForm {
                    kind: "ordered_provider".into(),
                    application: first.to_string(),
                    skips: vec![],
                    note: String::new(),
                },
            )
            .await
            .map_err(err)?;
            svc.decide_need(lead, need, true, "Palvelu myönnetään.")
                .await
                .map_err(err)?;
            let (starts_on, ends_on) = svc
                .setup()
                .demo_commitment_period(*lot, today)
                .await
                .map_err(err)?;
            let commitment = svc
                .send_commitment(
                    worker,
                    need,
                    &CommitmentForm {
                        starts_on: starts_on.to_string(),
                        ends_on: ends_on.to_string(),
                        cost_centre: "4100".into(),
                        budget_line: budget_lines
                            .get(key)
                            .map(Uuid::to_string)
                            .unwrap_or_default(),
                    },
                )
                .await
                .map_err(err)?;
            let provider = svc
                .setup()
                .demo_commitment_provider(commitment)
                .await
                .map_err(err)?;
            let signer = actors
                .values()
                .find(|a| a.org_id == provider && a.has(domain::org::Role::ProviderSignatory))
                .context("the provider's signatory")?;
            match i {
                1 => svc
                    .answer_commitment(
                        signer,
                        commitment,
                        false,
                        "Ei kapasiteettia tällä hetkellä.",
                    )
                    .await
                    .map_err(err)?,
                2 => svc
                    .answer_commitment(signer, commitment, true, "")
                    .await
                    .map_err(err)?,
                4 => {
                    svc.answer_commitment(signer, commitment, true, "")
                        .await
                        .map_err(err)?;
                    let v2 = svc
                        .change_commitment(
                            worker,
                            commitment,
                            &service::commitment::ChangeForm {
                                kind: "change".into(),
                                ends_on: ends_on.to_string(),
                                hours_per_week: "2".into(),
                                reason: "Tuen tarve on vähentynyt.".into(),
                            },
                        )
                        .await
                        .map_err(err)?;
                    svc.answer_commitment(signer, v2, true, "")
                        .await
                        .map_err(err)?;
                }
                5 => {
                    svc.answer_commitment(signer, commitment, true, "")
                        .await
                        .map_err(err)?;
                    svc.change_commitment(
                        worker,
                        commitment,
                        &service::commitment::ChangeForm {
                            kind: "terminate".into(),
                            reason: "Perhe muutti toiselle paikkakunnalle.".into(),
                            ..Default::default()
                        },
                    )
                    .await
                    .map_err(err)?;
                }
                _ => {} // sent, waiting for the answer
            }
        }
    }
    Ok(())
}

/// A client of Kymenlaakso's social rehabilitation (a working-age service task) whose matter
/// was closed in May 2014: ten years after the closing, the retention period of the annex of
/// 703/2023 has run out, so `kumppani retention run` lists the record as due.
pub async fn closed_long_ago(svc: &Service, actors: &HashMap<String, Actor>) -> Result<()> {
    let worker = actors
        .get("kymenlaakso.social-worker")
        .context("kymenlaakso.social-worker")?;
    let birth = NaiveDate::from_ymd_opt(1979, 2, 14).context("demo birth date")?;
    let mut f = form(code(birth, 951)?, "Aaro", "Menneisyys", "Kouvola", false);
    f.service_task = "Sosiaalinen kuntoutus".into();
    f.legal_basis = "Sosiaalihuoltolaki 17 §".into();
    let id = svc.register_client(worker, &f, &[]).await.map_err(err)?;
    svc.record_client_end(
        worker,
        id,
        &domain::client::EndForm {
            closed_on: "2014-05-31".into(),
            died_on: String::new(),
        },
    )
    .await
    .map_err(err)?;
    Ok(())
}
