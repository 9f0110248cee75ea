//! The demo's invoices: Kasvun Polku bills Kymenlaakso for last month of four more families
//! under lot 1, so that the controllers' inbox holds every case the match knows. One invoice
//! matches and is checked and approved by two controllers, and then a new commitment version
//! cuts the month it paid (a correction after close, due on the corrections page); one bills a
//! visit the family disputed, and a credit note for that visit follows; one bills a month whose
//! report is not approved (held until the social worker approves it); one bills more hours than
//! the commitment allows. And Tukiverkko bills Vantaa for work activity with the work
//! participation money. Made through the same use cases as the screens, relative to today.

use crate::demo::Credential;
use crate::demo_delivery::{actor, err, family, plan, report, visit_days, visit_rows, Family};
use crate::invoice_file::{credit_note, invoice, template, Billed};
use anyhow::{Context, Result};
use chrono::{Datelike, Months, NaiveDate, Weekday};
use domain::commitment::BudgetLine;
use domain::delivery::{month_end, month_of};
use domain::invoice::{Channel, DecisionForm};
use domain::money::Money;
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
    // Every case bills last month: it is over, and all of it is within the days a visit may
    // still be logged, whatever today is.
    let days = |m: NaiveDate, weekdays: &[Weekday]| -> Vec<NaiveDate> {
        m.iter_days()
            .take_while(|d| d.month() == m.month())
            .filter(|d| *d >= earliest && weekdays.contains(&d.weekday()))
            .collect()
    };
    let fi = domain::locale::Lang::Fi;

    // 1. Tuesdays only, well within three hours a week: it matches, and is checked by one
    //    controller and approved by another. Then the commitment is cut to one hour a week from
    //    its start: the paid month is to be corrected.
    let paid = family(
        svc,
        actors,
        lot,
        prev,
        984,
        ("Tilinen", "Aatu", "Maija", "Pekka"),
        "tilinen.huoltaja",
    )
    .await?;
    svc.save_plan(worker, &paid.number, &plan(prev))
        .await
        .map_err(err)?;
    let minutes = month(
        svc,
        actors,
        &paid,
        "e",
        prev,
        &days(prev, &[Weekday::Tue]),
        None,
        true,
    )
    .await?;
    let id = send(
        "kasvunpolku-demo-1.xml",
        einvoice::write::finvoice(&invoice(
            &t,
            "KP-DEMO-1",
            &[Billed::hours(&paid.number, prev, minutes, PRICE)],
        ))
        .into_bytes(),
    )
    .await?;
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

    // 2. A visit the family disputed, billed; then a credit note for that visit.
    let disputed = family(
        svc,
        actors,
        lot,
        prev,
        987,
        ("Summala", "Iiris", "Johanna", "Mikko"),
        "summala.huoltaja",
    )
    .await?;
    svc.save_plan(worker, &disputed.number, &plan(prev))
        .await
        .map_err(err)?;
    let minutes = month(
        svc,
        actors,
        &disputed,
        "f",
        prev,
        &days(prev, &[Weekday::Tue]),
        Some(1),
        true,
    )
    .await?;
    send(
        "kasvunpolku-demo-2.xml",
        einvoice::write::finvoice(&invoice(
            &t,
            "KP-DEMO-2",
            &[Billed::hours(&disputed.number, prev, minutes, PRICE)],
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
            &[Billed::hours(&disputed.number, prev, 90, PRICE)],
        ),
    )
    .await?;

    // 3. Billed while the month's report waits for the social worker: held until approved.
    let held = family(
        svc,
        actors,
        lot,
        prev,
        996,
        ("Odotus", "Vilho", "Sanni", "Joonas"),
        "odotus.huoltaja",
    )
    .await?;
    svc.save_plan(worker, &held.number, &plan(prev))
        .await
        .map_err(err)?;
    let minutes = month(
        svc,
        actors,
        &held,
        "g",
        prev,
        &days(prev, &[Weekday::Tue]),
        None,
        false,
    )
    .await?;
    send(
        "kasvunpolku-demo-4.xml",
        einvoice::write::finvoice(&invoice(
            &t,
            "KP-DEMO-4",
            &[Billed::hours(&held.number, prev, minutes, PRICE)],
        ))
        .into_bytes(),
    )
    .await?;

    // 4. Visits on every weekday, all confirmed: more hours than three a week allow.
    let over = family(
        svc,
        actors,
        lot,
        prev,
        990,
        ("Ylikäs", "Kasper", "Laura", "Antti"),
        "ylikas.huoltaja",
    )
    .await?;
    svc.save_plan(worker, &over.number, &plan(prev))
        .await
        .map_err(err)?;
    let every_weekday = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    let minutes = month(
        svc,
        actors,
        &over,
        "h",
        prev,
        &days(prev, &every_weekday),
        None,
        true,
    )
    .await?;
    send(
        "kasvunpolku-demo-5.xml",
        einvoice::write::finvoice(&invoice(
            &t,
            "KP-DEMO-5",
            &[Billed::hours(&over.number, prev, minutes, PRICE)],
        ))
        .into_bytes(),
    )
    .await?;

    for f in [&paid, &disputed, &held, &over] {
        creds.push(Credential {
            username: f.username.clone(),
            password: f.password.clone(),
            role: "client_or_guardian".into(),
            organisation: "Kymenlaakson hyvinvointialue".into(),
        });
    }
    Ok(())
}

/// Vantaa's work activity (seed 004): a rehabilitee in Tukiverkko's work activity two days a
/// week last month, one day off sick; the attendance confirmed on a signed
/// paper, the report approved, and Tukiverkko's invoice with the hours and, on a line of its
/// own without VAT, the work participation money it paid (2 € per attended hour, the board's
/// decision of 21.1.2019).
pub async fn work_activity(
    svc: &Service,
    actors: &HashMap<String, Actor>,
    lot: Uuid,
) -> Result<()> {
    use domain::client::ClientForm;
    use domain::ident::PersonalIdentityCode;
    use domain::visit::VisitForm;
    use service::commitment::CommitmentForm;
    use service::need::{NeedForm, RecommendForm};
    use service::visit::VisitRow;

    let today = svc.today();
    // Last month: over, and all of it still open to logging.
    let before = month_of(today)
        .checked_sub_months(Months::new(1))
        .context("month")?;
    let earliest = earliest_allowed(today, svc.settings().delivery.backdating_days);
    let social = actor(actors, "vantaa.social-worker")?;
    let lead = actor(actors, "vantaa.leading-social-worker")?;
    // Vantaa's work-activity budget: small enough that the forecast shows it running out.
    let line = svc
        .add_budget_line(
            actor(actors, "vantaa.controller")?,
            &BudgetLine {
                cost_centre: "5200".into(),
                service: "Mielenterveyskuntoutujien työtoiminta".into(),
                year: today.year(),
                amount: Money::from_cents(250_000),
            },
        )
        .await
        .map_err(err)?;
    let signer = actor(actors, "tukiverkko.provider-signatory")?;
    let worker = actor(actors, "tukiverkko.worker")?;

    let birth = NaiveDate::from_ymd_opt(1995, 9, 14).context("birth")?;
    let client = svc
        .register_client(
            social,
            &ClientForm {
                identity_code: PersonalIdentityCode::new_made_up(birth, 993)
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                    .as_str()
                    .to_owned(),
                first_name: "Joel".into(),
                last_name: "Työnkuva".into(),
                home_municipality: "Vantaa".into(),
                language: "fi".into(),
                street_address: "Kuvitelmantie 3".into(),
                postal_code: "01300".into(),
                city: "Vantaa".into(),
                phone: "040 000 0000".into(),
                turvakielto: String::new(),
                service_task: "Sosiaalinen kuntoutus".into(),
                legal_basis: "Sosiaalihuoltolaki 17 §".into(),
            },
            &[],
        )
        .await
        .map_err(|e| anyhow::anyhow!("client Joel Työnkuva: {e:?}"))?;
    let need = svc
        .create_need(
            social,
            client,
            &NeedForm {
                lot: lot.to_string(),
                justification: "Työtoiminta tukee arjen rytmiä ja valmiuksia työelämään.".into(),
                urgent: String::new(),
                requested_start: before.to_string(),
                hours_per_week: "8".into(),
            },
        )
        .await
        .map_err(err)?;
    let order = svc.setup().demo_lot_order(lot).await.map_err(err)?;
    let first = order
        .first()
        .context("Vantaa's lot has an admitted provider")?;
    svc.recommend(
        social,
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
    svc.decide_need(lead, need, true, "Työtoiminta myönnetään.")
        .await
        .map_err(err)?;
    let cid = svc
        .send_commitment(
            social,
            need,
            &CommitmentForm {
                starts_on: before.to_string(),
                ends_on: before
                    .checked_add_months(Months::new(6))
                    .context("commitment end")?
                    .to_string(),
                cost_centre: "5200".into(),
                budget_line: line.to_string(),
            },
        )
        .await
        .map_err(err)?;
    svc.answer_commitment(signer, cid, true, "")
        .await
        .map_err(err)?;
    let view = svc.commitment_view(social, cid).await.map_err(err)?;
    let number = view.commitment.number;
    let price = view.commitment.unit_price.cents();
    svc.save_plan(
        worker,
        &number,
        &domain::delivery::PlanForm {
            meeting_date: before.to_string(),
            participants: "Asiakas\nSosiaalityöntekijä\nTyötoiminnan ohjaaja".into(),
            goals: "Työnomainen päivärytmi vakiintuu | läsnäolopäivät\n\
                    Valmiudet tavoitteelliseen työllisyyspolkuun arvioidaan | ohjaajan arvio"
                .into(),
            estimated_duration: "6 kuukautta".into(),
            weekly_hours: "8".into(),
            evaluation_date: before
                .checked_add_months(Months::new(3))
                .unwrap_or(before)
                .to_string(),
        },
    )
    .await
    .map_err(err)?;
    let roster: Vec<Uuid> = svc
        .delivery(worker, &number, before)
        .await
        .map_err(err)?
        .engagement
        .roster
        .iter()
        .map(|(id, _)| *id)
        .collect();
    // Four hours on Tuesdays and Thursdays; the third day the rehabilitee was ill.
    let days = visit_days(before, earliest.max(before), month_end(before));
    let rows: Vec<VisitRow> = days
        .iter()
        .enumerate()
        .map(|(i, d)| VisitRow {
            commitment: number.clone(),
            form: VisitForm {
                provider_ref: format!("demo-tt-{d}"),
                date: d.to_string(),
                start: "09:00".into(),
                end: "13:00".into(),
                kind: "group_session".into(),
                status: if i == 2 { "cancelled_early" } else { "done" }.into(),
                workers: roster
                    .first()
                    .map(|w| vec![w.to_string()])
                    .unwrap_or_default(),
                participants: "1".into(),
                place: "Tukiverkon työpaja".into(),
                description: "Puutyöt ja kahvion tehtävät.".into(),
            },
        })
        .collect();
    let recorded = svc.record_visits(worker, &rows).await.map_err(err)?;
    let ids: Vec<Uuid> = recorded.iter().filter_map(|r| r.visit).collect();
    svc.paper_confirm(
        worker,
        &number,
        &ids,
        "lasnaololista.txt",
        "text/plain",
        "Läsnäolot tarkistettu. Joel Työnkuva".as_bytes().to_vec(),
        "Joel Työnkuva",
    )
    .await
    .map_err(err)?;
    svc.save_report(
        worker,
        &number,
        before,
        &report("Läsnäolo on ollut säännöllistä yhtä sairauspäivää lukuun ottamatta."),
        true,
    )
    .await
    .map_err(err)?;
    svc.decide_report(social, &number, before, true, "")
        .await
        .map_err(err)?;

    let totals = svc
        .delivery(social, &number, before)
        .await
        .map_err(err)?
        .totals;
    let money = totals
        .work_money
        .context("Vantaa's lot carries work participation money")?;
    let seller = svc
        .organisation(signer, signer.org_id)
        .await
        .map_err(err)?
        .organisation
        .business_id
        .as_str()
        .to_owned();
    let t = template(&seller, "0124610-9")?;
    let inv = invoice(
        &t,
        "TV-DEMO-1",
        &[
            Billed::hours(&number, before, totals.billable_minutes, price),
            Billed {
                commitment: &number,
                month: before,
                minutes: money.minutes,
                price_cents: None,
                net_cents: Some(money.amount.cents()),
                name: "Työosuusraha",
                item: Some(domain::work_money::ITEM_ID),
            },
        ],
    );
    svc.send_invoice(
        signer,
        Channel::Upload,
        "tukiverkko-tyotoiminta.xml",
        einvoice::write::finvoice(&inv).as_bytes(),
    )
    .await
    .map_err(err)?
    .invoice
    .context("Tukiverkko's invoice was not taken in")?;
    Ok(())
}
