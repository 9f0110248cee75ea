//! Versions, never overwrites (Client Data Act 703/2023, 22 §): a corrected visit, an answered
//! visit, a report returned and resubmitted, a need decided, a commitment accepted and a
//! client's end recorded each keep what they said before, with who replaced it, when and why.

use crate::delivery::{oct, row, setup};
use chrono::NaiveDate;
use domain::client::EndForm;
use domain::delivery::{PlanForm, ReportForm, ReportStatus};
use domain::version::{newest_first, Reason};
use domain::visit::ConfirmationState;
use service::client::ClientRecord;
use testkit::World;

#[tokio::test]
async fn a_corrected_visit_and_a_returned_report_keep_every_earlier_content() {
    let w = World::new().await;
    let s = &w.service;
    let x = setup(&w).await;
    let k = x.roster[0];
    s.record_visits(
        &x.worker,
        &[row(&x.number, "v1", "2026-10-06", "09:00", "10:30", &[k])],
    )
    .await
    .unwrap();
    // The provider sends the same visit again with another end: a correction, not a new visit.
    s.record_visits(
        &x.worker,
        &[row(&x.number, "v1", "2026-10-06", "09:00", "11:00", &[k])],
    )
    .await
    .unwrap();
    let v = s.delivery(&x.social, &x.number, oct(1)).await.unwrap();
    assert_eq!(v.visits.len(), 1);
    let id = v.visits[0].id;
    s.answer_visit(&x.guardian, id, false, "Käynti päättyi jo kymmeneltä.")
        .await
        .unwrap();

    // A second answer is refused and keeps no version of its own.
    assert!(s.answer_visit(&x.guardian, id, true, "").await.is_err());
    let v = s.delivery(&x.social, &x.number, oct(1)).await.unwrap();
    assert_eq!(v.visits[0].record.visit.minutes(), 120);
    let (vid, kept) = &v.visit_versions[0];
    assert_eq!(*vid, id);
    assert_eq!(kept.len(), 2);
    // The first record: 90 minutes, replaced by the provider's correction.
    assert_eq!(kept[0].number, 1);
    assert_eq!(kept[0].content.visit.minutes(), 90);
    assert_eq!(kept[0].reason, Reason::Corrected);
    assert_eq!(kept[0].replaced_by, x.worker.display_name);
    // The corrected record, still unconfirmed, replaced by the guardian's dispute and its reason.
    assert_eq!(kept[1].content.visit.minutes(), 120);
    assert_eq!(
        kept[1].content.confirmation.state,
        ConfirmationState::Unconfirmed
    );
    assert_eq!(kept[1].reason, Reason::Answered);
    assert_eq!(kept[1].note, "Käynti päättyi jo kymmeneltä.");
    assert!(kept[0].replaced_at <= kept[1].replaced_at);

    // The report: submitted, returned with comments, resubmitted with a new summary, approved.
    let plan = PlanForm {
        meeting_date: "2026-10-01".into(),
        participants: "Veeti\nSaara Kuvitelma".into(),
        goals: "Arki rytmittyy | aamut sujuvat".into(),
        estimated_duration: "6 kuukautta".into(),
        weekly_hours: "3".into(),
        evaluation_date: "2027-01-15".into(),
    };
    s.save_plan(&x.worker, &x.number, &plan).await.unwrap();
    let mut form = ReportForm {
        ratings: vec!["4".into()],
        texts: vec!["Aamut sujuvat.".into()],
        gone_through_with_family: true,
        summary: "Ensimmäinen yhteenveto.".into(),
    };
    s.save_report(&x.worker, &x.number, oct(1), &form, true)
        .await
        .unwrap();
    s.decide_report(&x.social, &x.number, oct(1), false, "Kerro kiistasta.")
        .await
        .unwrap();
    form.summary = "Toinen yhteenveto: käynti päättyi kymmeneltä.".into();
    s.save_report(&x.worker, &x.number, oct(1), &form, true)
        .await
        .unwrap();
    s.decide_report(&x.social, &x.number, oct(1), true, "")
        .await
        .unwrap();

    let v = s.delivery(&x.worker, &x.number, oct(1)).await.unwrap();
    let (_, now) = v.report.clone().unwrap();
    assert_eq!(now.status, ReportStatus::Approved);
    let kept = &v.report_versions;
    let seen: Vec<(u32, ReportStatus, Reason, &str)> = kept
        .iter()
        .map(|k| {
            (
                k.number,
                k.content.status,
                k.reason,
                k.content.summary.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                1,
                ReportStatus::Submitted,
                Reason::Returned,
                "Ensimmäinen yhteenveto."
            ),
            (
                2,
                ReportStatus::Returned,
                Reason::Submitted,
                "Ensimmäinen yhteenveto."
            ),
            (
                3,
                ReportStatus::Submitted,
                Reason::Approved,
                "Toinen yhteenveto: käynti päättyi kymmeneltä."
            ),
        ]
    );
    assert_eq!(kept[0].note, "Kerro kiistasta.");
    assert_eq!(kept[0].replaced_by, x.social.display_name);
    assert_eq!(newest_first(kept.clone())[0].number, 3);

    // The client's record: recording the end keeps the record as it was, dates and all.
    let client = v.engagement.commitment.client;
    s.record_client_end(
        &x.social,
        client,
        &EndForm {
            closed_on: "2026-11-20".into(),
            died_on: String::new(),
        },
    )
    .await
    .unwrap();
    let ClientRecord::Register(c) = s.client_record(&x.social, client).await.unwrap() else {
        panic!("the social worker reads the register's record");
    };
    assert_eq!(c.versions.len(), 1);
    assert_eq!(c.versions[0].reason, Reason::Ended);
    assert_eq!(c.versions[0].content.closed_on, None);
    assert_eq!(
        c.client.closed_on,
        Some(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap())
    );

    // A version is never changed afterwards, not even by the application's own connection.
    let e = w
        .test_db
        .db
        .execute_raw("UPDATE record_versions SET note = 'muutettu'")
        .await;
    assert!(e.is_err(), "a version was changed");

    // Whole rows can go, as the retention engine removes a client's: the commitment's
    // acceptance kept its sent version, the need's decision its recommendation.
    let removed = w
        .test_db
        .db
        .execute_raw(
            "DELETE FROM record_versions WHERE record_table IN ('commitments', 'service_needs')",
        )
        .await
        .unwrap();
    assert!(removed >= 2, "{removed} versions of commitments and needs");
}
