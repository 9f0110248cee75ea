//! The demo's delivery: families served by Kasvun Polku under Kymenlaakso's lot 1, with service
//! plans, visits confirmed by a guardian's account, by one-time code and on paper, one disputed,
//! and monthly reports approved, submitted, returned and missing (so the provider is reminded).
//! One family has only its plan, for logging a month of visits by hand (the browser test does).
//! Made through the same use cases as the screens, relative to today.

use crate::demo::Credential;
use anyhow::{anyhow, Context, Result};
use chrono::{Datelike, Months, NaiveDate, Weekday};
use domain::client::ClientForm;
use domain::delivery::{month_end, month_of, PlanForm, ReportForm};
use domain::ident::PersonalIdentityCode;
use domain::org::Actor;
use domain::visit::{earliest_allowed, VisitForm};
use service::commitment::CommitmentForm;
use service::need::{NeedForm, RecommendForm};
use service::visit::VisitRow;
use service::Service;
use std::collections::HashMap;
use uuid::Uuid;

pub(crate) fn err(e: service::ServiceError) -> anyhow::Error {
    anyhow!("{e:?}")
}

fn person(birth: NaiveDate, n: u16, first: &str, last: &str) -> Result<ClientForm> {
    Ok(ClientForm {
        identity_code: PersonalIdentityCode::new_made_up(birth, n)
            .map_err(|e| anyhow!("{e}"))?
            .as_str()
            .to_owned(),
        first_name: first.into(),
        last_name: last.into(),
        home_municipality: "Kotka".into(),
        language: "fi".into(),
        street_address: "Kuvitelmakatu 5".into(),
        postal_code: "48100".into(),
        city: "Kotka".into(),
        phone: "040 000 0000".into(),
        turvakielto: String::new(),
        service_task: "Lastensuojelun avohuolto".into(),
        legal_basis: "Lastensuojelulaki 36 §".into(),
    })
}

pub(crate) fn actor<'a>(actors: &'a HashMap<String, Actor>, name: &str) -> Result<&'a Actor> {
    actors
        .get(name)
        .with_context(|| format!("demo user {name}"))
}

pub(crate) fn plan(start: NaiveDate) -> PlanForm {
    PlanForm {
        meeting_date: start.to_string(),
        participants: "Lapsi\nHuoltajat\nSosiaalityöntekijä\nPerhetyöntekijä".into(),
        goals: "Arjen rytmi vakiintuu | aamut ja nukkumaanmenot sujuvat sovitusti\n\
                Vanhempien keinot rajojen asettamiseen vahvistuvat | vanhempien oma arvio ja havainnot kotikäynneillä"
            .into(),
        estimated_duration: "6 kuukautta".into(),
        weekly_hours: "3".into(),
        evaluation_date: start
            .checked_add_months(Months::new(3))
            .unwrap_or(start)
            .to_string(),
    }
}

/// Tuesdays and Thursdays of a month from `from` to `until`.
pub fn visit_days(month: NaiveDate, from: NaiveDate, until: NaiveDate) -> Vec<NaiveDate> {
    month
        .iter_days()
        .take_while(|d| d.month() == month.month())
        .filter(|d| *d >= from && *d <= until)
        .filter(|d| matches!(d.weekday(), Weekday::Tue | Weekday::Thu))
        .collect()
}

pub(crate) fn visit_rows(
    number: &str,
    key: &str,
    days: &[NaiveDate],
    roster: &[Uuid],
) -> Vec<VisitRow> {
    days.iter()
        .enumerate()
        .map(|(i, d)| VisitRow {
            commitment: number.into(),
            form: VisitForm {
                provider_ref: format!("demo-{key}-{d}"),
                date: d.to_string(),
                start: if i % 2 == 0 { "09:00" } else { "14:00" }.into(),
                end: if i % 2 == 0 { "10:30" } else { "15:30" }.into(),
                kind: if i % 4 == 3 { "meeting" } else { "home_visit" }.into(),
                status: if i == 2 { "cancelled_late" } else { "done" }.into(),
                workers: roster
                    .get(i % roster.len().max(1))
                    .map(|w| vec![w.to_string()])
                    .unwrap_or_default(),
                participants: "1".into(),
                place: "Perheen koti".into(),
                description: "Arjen rutiinit ja vanhempien tukeminen.".into(),
            },
        })
        .collect()
}

/// A month's report on the demo plan's two goals, gone through with the family.
pub(crate) fn report(summary: &str) -> ReportForm {
    ReportForm {
        ratings: vec!["3".into(), "4".into()],
        texts: vec![
            "Aamut sujuvat useimpina päivinä.".into(),
            "Vanhemmat ovat kokeilleet sovittuja keinoja.".into(),
        ],
        gone_through_with_family: true,
        summary: summary.into(),
    }
}

pub(crate) struct Family {
    pub(crate) number: String,
    pub(crate) client: Uuid,
    pub(crate) guardian: Actor,
    pub(crate) username: String,
    pub(crate) password: String,
}

/// A child with two guardians, a decided need and an accepted commitment from `start` with
/// Kasvun Polku (second in the lot's order: the first has no free capacity); the first guardian
/// gets an account.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn family(
    svc: &Service,
    actors: &HashMap<String, Actor>,
    lot: Uuid,
    start: NaiveDate,
    n: u16,
    names: (&str, &str, &str, &str),
    username: &str,
) -> Result<Family> {
    let social = actor(actors, "kymenlaakso.social-worker")?;
    let lead = actor(actors, "kymenlaakso.leading-social-worker")?;
    let signer = actor(actors, "kasvunpolku.provider-signatory")?;
    let (last, child, g1, g2) = names;
    let birth = NaiveDate::from_ymd_opt(2013, 4, 12).context("birth")?;
    let client = svc
        .register_client(
            social,
            &person(birth, n, child, last)?,
            &[
                person(
                    NaiveDate::from_ymd_opt(1986, 8, 2).context("birth")?,
                    n + 1,
                    g1,
                    last,
                )?,
                person(
                    NaiveDate::from_ymd_opt(1984, 1, 23).context("birth")?,
                    n + 2,
                    g2,
                    last,
                )?,
            ],
        )
        .await
        .map_err(|e| anyhow!("client {child} {last}: {e:?}"))?;
    let need = svc
        .create_need(
            social,
            client,
            &NeedForm {
                lot: lot.to_string(),
                justification: "Perheen arki tarvitsee tukea kotiin.".into(),
                urgent: String::new(),
                requested_start: start.to_string(),
                hours_per_week: "3".into(),
            },
        )
        .await
        .map_err(err)?;
    let order = svc.setup().demo_lot_order(lot).await.map_err(err)?;
    let (Some(first), Some(second)) = (order.first(), order.get(1)) else {
        anyhow::bail!("lot 1 needs two admitted providers");
    };
    svc.recommend(
        social,
        need,
        &RecommendForm {
            kind: "ordered_provider".into(),
            application: second.to_string(),
            skips: vec![(first.to_string(), "Ei vapaata kapasiteettia.".into())],
            note: String::new(),
        },
    )
    .await
    .map_err(err)?;
    svc.decide_need(lead, need, true, "Tehostettu perhetyö myönnetään.")
        .await
        .map_err(err)?;
    let ends = start
        .checked_add_months(Months::new(6))
        .context("commitment end")?;
    let cid = svc
        .send_commitment(
            social,
            need,
            &CommitmentForm {
                starts_on: start.to_string(),
                ends_on: ends.to_string(),
                cost_centre: "4100".into(),
                budget_line: String::new(),
            },
        )
        .await
        .map_err(err)?;
    svc.answer_commitment(signer, cid, true, "")
        .await
        .map_err(err)?;
    let number = svc
        .commitment_view(social, cid)
        .await
        .map_err(err)?
        .commitment
        .number;
    let guardian_id = *svc
        .client(social, client)
        .await
        .map_err(err)?
        .client
        .guardians
        .first()
        .context("guardian")?;
    let password = service::password::random_token().map_err(err)?[..16].to_owned();
    svc.create_person_account(social, guardian_id, username, &password)
        .await
        .map_err(err)?;
    let guardian = svc
        .sign_in(username, &password)
        .await
        .map_err(err)?
        .session
        .actor;
    Ok(Family {
        number,
        client,
        guardian,
        username: username.into(),
        password,
    })
}

pub async fn populate(
    svc: &Service,
    actors: &HashMap<String, Actor>,
    lot: Uuid,
    creds: &mut Vec<Credential>,
) -> Result<()> {
    let today = svc.today();
    let this_month = month_of(today);
    let prev = this_month
        .checked_sub_months(Months::new(1))
        .context("month")?;
    let before = this_month
        .checked_sub_months(Months::new(2))
        .context("month")?;
    let earliest = earliest_allowed(today, svc.settings().delivery.backdating_days);
    let worker = actor(actors, "kasvunpolku.worker")?;
    let social = actor(actors, "kymenlaakso.social-worker")?;
    let purchaser = "Kymenlaakson hyvinvointialue";

    // 1. The family whose month is logged by hand: a plan, no visits yet.
    let test = family(
        svc,
        actors,
        lot,
        prev,
        960,
        ("Kokeilu", "Aada", "Mari", "Janne"),
        "kokeilu.huoltaja",
    )
    .await?;
    svc.save_plan(worker, &test.number, &plan(prev))
        .await
        .map_err(err)?;

    // 2. A family two months in: the first month approved (seven confirmed, one disputed), the
    //    last one submitted with visits confirmed by code and on paper, this month under way.
    let shown = family(
        svc,
        actors,
        lot,
        before,
        970,
        ("Näytös", "Eino", "Helena", "Ville"),
        "naytos.huoltaja",
    )
    .await?;
    svc.save_plan(worker, &shown.number, &plan(before))
        .await
        .map_err(err)?;
    let roster = svc
        .delivery(worker, &shown.number, before)
        .await
        .map_err(err)?
        .engagement
        .roster
        .iter()
        .map(|(id, _)| *id)
        .collect::<Vec<_>>();
    let days = visit_days(before, earliest.max(before), month_end(before));
    let first = svc
        .record_visits(worker, &visit_rows(&shown.number, "a", &days, &roster))
        .await
        .map_err(err)?;
    let ids: Vec<Uuid> = first.iter().filter_map(|r| r.visit).collect();
    for (i, id) in ids.iter().enumerate() {
        if i == 1 {
            svc.answer_visit(
                &shown.guardian,
                *id,
                false,
                "Käynti peruttiin, työntekijä ei tullut.",
            )
            .await
            .map_err(err)?;
        } else {
            svc.answer_visit(&shown.guardian, *id, true, "")
                .await
                .map_err(err)?;
        }
    }
    svc.save_report(
        worker,
        &shown.number,
        before,
        &report("Kuukausi sujui suunnitelman mukaan."),
        true,
    )
    .await
    .map_err(err)?;
    svc.decide_report(social, &shown.number, before, true, "")
        .await
        .map_err(err)?;
    let days = visit_days(prev, earliest.max(prev), month_end(prev));
    let second = svc
        .record_visits(worker, &visit_rows(&shown.number, "b", &days, &roster))
        .await
        .map_err(err)?;
    let ids: Vec<Uuid> = second.iter().filter_map(|r| r.visit).collect();
    for (i, id) in ids.iter().enumerate() {
        match i {
            0 => {
                let code = svc.issue_code(worker, *id).await.map_err(err)?;
                svc.answer_with_code(&code, true, "", "Ville Näytös", "")
                    .await
                    .map_err(err)?;
            }
            1 => {
                svc.paper_confirm(
                    worker,
                    &shown.number,
                    &[*id],
                    "allekirjoitettu-raportti.txt",
                    "text/plain",
                    "Käynti vahvistettu. Helena Näytös".as_bytes().to_vec(),
                    "Helena Näytös",
                )
                .await
                .map_err(err)?;
            }
            // The last ones stay unconfirmed: the report says which.
            n if n + 2 >= ids.len() => {}
            _ => svc
                .answer_visit(&shown.guardian, *id, true, "")
                .await
                .map_err(err)?,
        }
    }
    svc.save_report(
        worker,
        &shown.number,
        prev,
        &report("Kaksi viimeistä käyntiä odottavat vahvistusta."),
        true,
    )
    .await
    .map_err(err)?;
    let days = visit_days(
        this_month,
        earliest.max(this_month),
        today.pred_opt().unwrap_or(today),
    );
    if !days.is_empty() {
        svc.record_visits(worker, &visit_rows(&shown.number, "c", &days, &roster))
            .await
            .map_err(err)?;
        svc.save_report(
            worker,
            &shown.number,
            this_month,
            &ReportForm {
                ratings: vec![String::new(), String::new()],
                texts: vec![String::new(), String::new()],
                gone_through_with_family: false,
                summary: "Luonnos: kuukausi on kesken.".into(),
            },
            false,
        )
        .await
        .map_err(err)?;
    }

    // 3. A family whose last report was returned and whose first is missing: the provider's
    //    home page reminds of both.
    let returned = family(
        svc,
        actors,
        lot,
        before,
        980,
        ("Esitys", "Oona", "Pasi", "Riikka"),
        "esitys.huoltaja",
    )
    .await?;
    svc.save_plan(worker, &returned.number, &plan(before))
        .await
        .map_err(err)?;
    let days = visit_days(prev, earliest.max(prev), month_end(prev));
    svc.record_visits(worker, &visit_rows(&returned.number, "d", &days, &roster))
        .await
        .map_err(err)?;
    svc.save_report(
        worker,
        &returned.number,
        prev,
        &report("Perhe on sitoutunut työskentelyyn."),
        true,
    )
    .await
    .map_err(err)?;
    svc.decide_report(
        social,
        &returned.number,
        prev,
        false,
        "Käyntejä ei ole vahvistettu. Käy raportti läpi perheen kanssa ja pyydä vahvistukset.",
    )
    .await
    .map_err(err)?;

    for f in [&test, &shown, &returned] {
        creds.push(Credential {
            username: f.username.clone(),
            password: f.password.clone(),
            role: "client_or_guardian".into(),
            organisation: purchaser.into(),
        });
    }
    // The Näytös child's other guardian has an account too: each guardian asks for the
    // child's log data on their own, and is answered on their own.
    let other = *svc
        .client(social, shown.client)
        .await
        .map_err(err)?
        .client
        .guardians
        .get(1)
        .context("second guardian")?;
    let password = service::password::random_token().map_err(err)?[..16].to_owned();
    svc.create_person_account(social, other, "naytos.huoltaja2", &password)
        .await
        .map_err(err)?;
    creds.push(Credential {
        username: "naytos.huoltaja2".into(),
        password,
        role: "client_or_guardian".into(),
        organisation: purchaser.into(),
    });
    Ok(())
}
