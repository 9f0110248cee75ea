//! Supervision of purchased services (741/2023 23–25 §, 29 §): a deviation with a correction
//! deadline, a fee reduction the invoice match applies to the cent, the provider's answer and
//! the history on the scorecard; a serious-incident notification with the county's deadline.

use crate::delivery::{row, setup};
use crate::invoice::{month_invoice, plan, report};
use chrono::NaiveDate;
use domain::invoice::{Channel, InvoiceStatus};
use domain::supervision::{DeviationForm, IncidentForm, Status, StepForm, StepKind};
use service::ServiceError;
use testkit::World;

fn codes(r: Result<impl std::fmt::Debug, ServiceError>) -> Vec<(String, String)> {
    match r {
        Err(ServiceError::Invalid(e)) => {
            e.0.iter()
                .map(|x| (x.field.clone(), x.code.clone()))
                .collect()
        }
        other => panic!("expected refused input, got {other:?}"),
    }
}

fn step(step: &str, text: &str) -> StepForm {
    StepForm {
        step: step.into(),
        text: text.into(),
        ..StepForm::default()
    }
}

#[tokio::test]
async fn an_uncorrected_deviation_takes_ten_per_cent_off_the_next_invoice_to_the_cent() {
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let signer = w.actor("p.signer").await;
    let lead = w.actor("county.lead").await;
    let k = s.roster[0];

    // November, as of Tuesday 24.11: six visits of an hour and a half; the family confirms
    // five and disputes one.
    let days = [3, 5, 10, 12, 17, 19];
    let rows: Vec<_> = days
        .iter()
        .map(|d| {
            row(
                &s.number,
                &format!("n{d}"),
                &format!("2026-11-{d:02}"),
                "09:00",
                "10:30",
                &[k],
            )
        })
        .collect();
    svc.record_visits(&s.worker, &rows).await.unwrap();
    let mine = svc.family_visits(&s.guardian).await.unwrap();
    assert_eq!(mine.len(), 6);
    svc.answer_visit(&s.guardian, mine[0].id, false, "Ei tullut.")
        .await
        .unwrap();
    for v in &mine[1..] {
        svc.answer_visit(&s.guardian, v.id, true, "").await.unwrap();
    }

    // An inspection finds the service short of what the contract says: the correction is due
    // on Friday 27.11. Bad input is refused next to its field, and nothing is kept.
    let mut form = DeviationForm {
        provider: w.provider.to_string(),
        commitment: s.number.clone(),
        source: "inspection".into(),
        found_on: "2026-11-23".into(),
        description: "Työparityö puuttui ryhmätapaamisista.".into(),
        deadline: "2026-11-20".into(),
    };
    assert_eq!(
        codes(svc.record_deviation(&s.buyer, &form).await),
        [("deadline".to_owned(), "deviation-deadline-past".to_owned())]
    );
    form.deadline = "2026-11-27".into();
    let other = DeviationForm {
        commitment: domain::commitment::commitment_number(2026, 999),
        ..form.clone()
    };
    assert_eq!(
        codes(svc.record_deviation(&s.buyer, &other).await),
        [("commitment".to_owned(), "unknown-commitment".to_owned())]
    );
    // The provider's worker records nothing, and the provider cannot record a deviation.
    assert!(matches!(
        svc.record_deviation(&s.worker, &form).await,
        Err(ServiceError::Denied(_))
    ));
    let id = svc.record_deviation(&s.buyer, &form).await.unwrap();
    assert_eq!(svc.deviations(&s.buyer).await.unwrap().deviations.len(), 1);

    // The provider's managers see it and may answer; a measure waits for the deadline.
    let v = svc.deviation(&signer, id).await.unwrap();
    assert!(v.may_answer && !v.may_decide && !v.measure_possible);
    assert_eq!(svc.deviations(&signer).await.unwrap().deviations.len(), 1);
    assert!(matches!(
        svc.deviation(&s.worker, id).await,
        Err(ServiceError::Denied(_))
    ));
    assert_eq!(
        codes(
            svc.deviation_step(&lead, id, &step("fee_reduction", "Ei korjattu."))
                .await
        ),
        [("step".to_owned(), "deviation-step-not-possible".to_owned())]
    );

    // Wednesday 2.12: the deadline passed uncorrected. The leading social worker decides a
    // 10 % fee reduction; empty, the first month reduced is the one the deadline passed in.
    w.clock.advance(chrono::Duration::days(8));
    assert!(svc.deviation(&lead, id).await.unwrap().overdue);
    let mut reduce = step("fee_reduction", "Ei korjattu määräaikaan mennessä.");
    reduce.rate = "abc".into();
    assert_eq!(
        codes(svc.deviation_step(&lead, id, &reduce).await),
        [("rate".to_owned(), "deviation-rate-invalid".to_owned())]
    );
    reduce.rate = "10".into();
    assert_eq!(
        svc.deviation_step(&lead, id, &reduce).await.unwrap(),
        StepKind::FeeReduction
    );
    let nov = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let d = svc.deviation(&lead, id).await.unwrap().deviation.data;
    assert_eq!(d.reductions.len(), 1);
    assert_eq!(
        (d.reductions[0].rate_bp, d.reductions[0].from),
        (1_000, nov)
    );
    assert_eq!(d.reductions[0].to, None);

    // November's report is approved, and the invoice for it comes in: 9 h at 78.00 = 702.00.
    svc.save_plan(&s.worker, &s.number, &plan()).await.unwrap();
    svc.save_report(&s.worker, &s.number, nov, &report(), true)
        .await
        .unwrap();
    svc.decide_report(&s.social, &s.number, nov, true, "")
        .await
        .unwrap();
    let r = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "nov.xml",
            &month_invoice("2026-3001", &s.number, 11, "9", "78"),
        )
        .await
        .unwrap();
    assert_eq!(r.status, Some(InvoiceStatus::ToCheck), "{}", r.detail);
    let inv = svc.invoice(&signer, r.invoice.unwrap()).await.unwrap().data;
    let found: Vec<(&str, i64, String, String)> = inv
        .discrepancies
        .iter()
        .map(|x| {
            (
                x.code.code(),
                x.at_stake.cents(),
                x.expected.text(),
                x.found.text(),
            )
        })
        .collect();
    // The disputed hour and a half at 78.00 is 117.00; what is due is the 7.5 confirmed
    // hours, 585.00, and the reduction is 10 % of that: 58.50, so no euro is taken twice.
    assert_eq!(
        found,
        [
            ("disputed-billed", 11_700, "7.50 h".into(), "9 h".into()),
            ("fee-reduction", 5_850, "10 %".into(), "585.00".into()),
        ]
    );
    assert_eq!(inv.due_after_match().cents(), 70_200 - 11_700 - 5_850);

    // The provider answers; the county accepts. The reduction ends with December, the month
    // the correction was accepted in, and January is paid in full.
    assert_eq!(
        svc.deviation_step(
            &signer,
            id,
            &step("answer", "Työpari lisätty 1.12. alkaen.")
        )
        .await
        .unwrap(),
        StepKind::Answered
    );
    svc.deviation_step(&lead, id, &step("accept", "Korjaus todettu käynnillä."))
        .await
        .unwrap();
    let d = svc.deviation(&lead, id).await.unwrap().deviation.data;
    assert_eq!(d.status, Status::Closed);
    assert_eq!(d.reductions[0].to, NaiveDate::from_ymd_opt(2026, 12, 1));
    let kinds: Vec<&str> = d.steps.iter().map(|s| s.kind.code()).collect();
    assert_eq!(kinds, ["found", "fee_reduction", "answered", "accepted"]);
    assert!(d.steps.iter().skip(1).all(|s| !s.text.is_empty()));
    let rs = domain::supervision::reductions([&d]);
    let jan = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    assert_eq!(
        domain::supervision::reduction_for(&rs, w.provider, &s.number, nov),
        1_000
    );
    assert_eq!(
        domain::supervision::reduction_for(&rs, w.provider, &s.number, jan),
        0
    );

    // The history is on the scorecard; every step is in the log.
    let h = svc.supervision_history(&lead, 2026).await.unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].provider, w.provider);
    assert_eq!(
        (
            h[0].history.deviations,
            h[0].history.open,
            h[0].history.fee_reductions
        ),
        (1, 0, 1)
    );
    let log = crate::log(&w).await;
    let steps: Vec<&str> = log
        .iter()
        .filter(|e| e.record_kind == "deviation" && e.record_id == Some(id))
        .filter(|e| e.action == "update" && e.outcome == "ok")
        .map(|e| e.details.as_str())
        .collect();
    assert_eq!(
        steps,
        ["fee_reduction 1000 bp from 2026-11", "answered", "accepted"]
    );
    assert!(log
        .iter()
        .any(|e| e.record_kind == "deviation" && e.outcome == "denied"));
}

#[tokio::test]
async fn a_serious_incident_waits_five_working_days_for_the_countys_response() {
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let signer = w.actor("p.signer").await;
    let lead = w.actor("county.lead").await;
    let mut form = IncidentForm {
        purchaser: String::new(),
        commitment: s.number.clone(),
        occurred_on: "2026-11-23".into(),
        description: "Lapsi jäi hetkeksi ilman valvontaa retkellä.".into(),
    };
    assert_eq!(
        codes(svc.notify_incident(&signer, &form).await),
        [("purchaser".to_owned(), "required".to_owned())]
    );
    form.purchaser = w.county.to_string();
    // The county does not notify incidents to itself; the provider's worker notifies none.
    assert!(svc.notify_incident(&s.buyer, &form).await.is_err());
    assert!(matches!(
        svc.notify_incident(&s.worker, &form).await,
        Err(ServiceError::Denied(_))
    ));
    let id = svc.notify_incident(&signer, &form).await.unwrap();
    let v = svc.deviation(&lead, id).await.unwrap();
    // Tuesday 24.11 plus five working days is Tuesday 1.12.
    assert_eq!(v.deviation.data.status, Status::Notified);
    assert_eq!(v.deviation.owner_id, w.county);
    assert_eq!(
        v.deviation.data.deadline,
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    );
    assert!(v.may_decide);
    // The provider waits; it has nothing to answer until the county sets a deadline.
    assert!(!svc.deviation(&signer, id).await.unwrap().may_answer);
    let mut set = step("deadline", "Valvontasuunnitelma päivitettävä.");
    set.deadline = "2026-12-15".into();
    svc.deviation_step(&lead, id, &set).await.unwrap();
    let v = svc.deviation(&signer, id).await.unwrap();
    assert_eq!(v.deviation.data.status, Status::Open);
    assert!(v.may_answer);
    let h = svc.supervision_history(&lead, 2026).await.unwrap();
    assert_eq!((h[0].history.incidents, h[0].history.open), (1, 1));
    // Another purchaser neither lists nor opens it.
    svc.setup()
        .bootstrap_user(
            w.city,
            &testkit::user_form("city.lead", "leading_social_worker"),
        )
        .await
        .unwrap();
    let city = w.actor("city.lead").await;
    assert!(svc.deviations(&city).await.unwrap().deviations.is_empty());
    assert!(matches!(
        svc.deviation(&city, id).await,
        Err(ServiceError::Denied(_))
    ));
}
