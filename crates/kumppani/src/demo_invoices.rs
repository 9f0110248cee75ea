//! The demo's invoices: Kasvun Polku bills Kymenlaakso for three more families under lot 1, so
//! that the controllers' inbox holds every case the match knows. One invoice matches and is
//! checked and approved by two controllers, and then a new commitment version cuts the month
//! it paid (a correction after close, due on the corrections page); one bills a visit the
//! family disputed, and a credit note for that visit follows; one bills a month whose report is
//! not approved (held until the social worker approves it); one bills more hours than the
//! commitment allows. Made through the same use cases as the screens, relative to today.

use crate::demo::Credential;
use crate::demo_delivery::{actor, err, family, plan, report, visit_days, visit_rows, Family};
use crate::invoice_file::{credit_note, invoice, template, Billed};
use anyhow::{Context, Result};
use chrono::{Datelike, Months, NaiveDate, Weekday};
use domain::delivery::{month_end, month_of};
use domain::invoice::{Channel, DecisionForm};
use domain::org::Actor;
use domain::visit::earliest_allowed;
use service::Service;
use std::collections::HashMap;
use uuid::Uuid;

/// Kasvun Polku's price in lot 1 (its admitted application), per hour in cents.
const PRICE: i64 = 8_200;

/// One month of a family: visits on `days` (the one at `disputed` disputed by the guardian,
/// the rest confirmed) and the report, approved or only submitted. Returns the month's
/// billable minutes.
#[allow(clippy::too_many_arguments)]
async fn month(
    svc: &Service,
    actors: &HashMap<String, Actor>,
    f: &Family,
    key: &str,
    month: NaiveDate,
    days: &[NaiveDate],
    disputed: Option<usize>,
    approve: bool,
) -> Result<i64> {
    let worker = actor(actors, "kasvunpolku.worker")?;
    let social = actor(actors, "kymenlaakso.social-worker")?;
    let roster: Vec<Uuid> = svc
        .delivery(worker, &f.number, month)
        .await
        .map_err(err)?
        .engagement
        .roster
        .iter()
        .map(|(id, _)| *id)
        .collect();
    let rows = svc
        .record_visits(worker, &visit_rows(&f.number, key, days, &roster))
        .await
        .map_err(err)?;
    for (i, id) in rows.iter().filter_map(|r| r.visit).enumerate() {
        let confirm = Some(i) != disputed;
        svc.answer_visit(&f.guardian, id, confirm, "Käyntiä ei pidetty sovitusti.")
            .await
            .map_err(err)?;
    }
    svc.save_report(
        worker,
        &f.number,
        month,
        &report("Työskentely eteni suunnitelman mukaan."),
        true,
    )
    .await
    .map_err(err)?;
    if approve {
        svc.decide_report(social, &f.number, month, true, "")
            .await
            .map_err(err)?;
    }
    Ok(svc
        .delivery(social, &f.number, month)
        .await
        .map_err(err)?
        .totals
        .billable_minutes)
}

fn step(step: &str) -> DecisionForm {
    DecisionForm {
        step: step.into(),
        amount: String::new(),
        reason: String::new(),
    }
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
    let signer = actor(actors, "kasvunpolku.provider-signatory")?;
    let checker = actor(actors, "kymenlaakso.controller")?;
    let approver = actor(actors, "kymenlaakso.approver")?;
    let seller = svc
        .organisation(signer, signer.org_id)
        .await
        .map_err(err)?
        .organisation
        .business_id
        .as_str()
        .to_owned();
    let t = template(&seller, "3221311-5")?;
    let send = |name: &'static str, bytes: Vec<u8>| async move {
        svc.send_invoice(signer, Channel::Upload, name, &bytes)
            .await
            .map_err(err)?
            .invoice
            .with_context(|| format!("demo invoice {name} was not taken in"))
    };
    let tue_thu = |m: NaiveDate| visit_days(m, earliest.max(m), month_end(m));

    // 1. Matches; checked by one controller and approved by another. Then the commitment is cut
    //    to one hour a week from its start: the paid month is to be corrected.
    let paid = family(
        svc,
        actors,
        lot,
        before,
        984,
        ("Tilinen", "Aatu", "Maija", "Pekka"),
        "tilinen.huoltaja",
    )
    .await?;
    svc.save_plan(worker, &paid.number, &plan(before))
        .await
        .map_err(err)?;
    let minutes = month(
        svc,
        actors,
        &paid,
        "e",
        before,
        &tue_thu(before),
        None,
        true,
    )
    .await?;
    let id = send(
        "kasvunpolku-demo-1.xml",
        einvoice::write::finvoice(&invoice(
            &t,
            "KP-DEMO-1",
            &[Billed::hours(&paid.number, before, minutes, PRICE)],
        ))
        .into_bytes(),
    )
    .await?;
    let fi = domain::locale::Lang::Fi;
    svc.decide_invoice(checker, id, &step("check"), fi)
        .await
        .map_err(err)?;
    svc.decide_invoice(approver, id, &step("approve"), fi)
        .await
        .map_err(err)?;
    let current = svc
        .commitments(social)
        .await
        .map_err(err)?
        .into_iter()
        .filter(|c| c.data.number == paid.number)
        .max_by_key(|c| c.data.version)
        .context("the paid family's commitment")?;
    let v2 = svc
        .change_commitment(
            social,
            current.id,
            &service::commitment::ChangeForm {
                kind: "change".into(),
                ends_on: String::new(),
                hours_per_week: "1".into(),
                reason: "Tuen tarve arvioitiin uudelleen alusta alkaen.".into(),
            },
        )
        .await
        .map_err(err)?;
    svc.answer_commitment(signer, v2, true, "")
        .await
        .map_err(err)?;

    // 2. A disputed visit billed, and a credit note for it; next month billed before its
    //    report is approved, so held.
    let disputed = family(
        svc,
        actors,
        lot,
        before,
        987,
        ("Summala", "Iiris", "Johanna", "Mikko"),
        "summala.huoltaja",
    )
    .await?;
    svc.save_plan(worker, &disputed.number, &plan(before))
        .await
        .map_err(err)?;
    let minutes = month(
        svc,
        actors,
        &disputed,
        "f",
        before,
        &tue_thu(before),
        Some(1),
        true,
    )
    .await?;
    send(
        "kasvunpolku-demo-2.xml",
        einvoice::write::finvoice(&invoice(
            &t,
            "KP-DEMO-2",
            &[Billed::hours(&disputed.number, before, minutes, PRICE)],
        ))
        .into_bytes(),
    )
    .await?;
    send(
        "kasvunpolku-demo-3.xml",
        credit_note(
            &t,
            "KP-DEMO-3",
            "KP-DEMO-2",
            &[Billed::hours(&disputed.number, before, 90, PRICE)],
        ),
    )
    .await?;
    let minutes = month(
        svc,
        actors,
        &disputed,
        "g",
        prev,
        &tue_thu(prev),
        None,
        false,
    )
    .await?;
    send(
        "kasvunpolku-demo-4.xml",
        einvoice::write::finvoice(&invoice(
            &t,
            "KP-DEMO-4",
            &[Billed::hours(&disputed.number, prev, minutes, PRICE)],
        ))
        .into_bytes(),
    )
    .await?;

    // 3. Visits on every weekday, all confirmed: more hours than three a week allow.
    let over = family(
        svc,
        actors,
        lot,
        before,
        990,
        ("Ylikäs", "Kasper", "Laura", "Antti"),
        "ylikas.huoltaja",
    )
    .await?;
    svc.save_plan(worker, &over.number, &plan(before))
        .await
        .map_err(err)?;
    let weekdays: Vec<NaiveDate> = before
        .iter_days()
        .take_while(|d| d.month() == before.month())
        .filter(|d| *d >= earliest && !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect();
    let minutes = month(svc, actors, &over, "h", before, &weekdays, None, true).await?;
    send(
        "kasvunpolku-demo-5.xml",
        einvoice::write::finvoice(&invoice(
            &t,
            "KP-DEMO-5",
            &[Billed::hours(&over.number, before, minutes, PRICE)],
        ))
        .into_bytes(),
    )
    .await?;

    for f in [&paid, &disputed, &over] {
        creds.push(Credential {
            username: f.username.clone(),
            password: f.password.clone(),
            role: "client_or_guardian".into(),
            organisation: "Kymenlaakson hyvinvointialue".into(),
        });
    }
    Ok(())
}
