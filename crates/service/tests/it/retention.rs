//! The retention run's rules on the register (703/2023 23–24 §): a guardian goes with the last
//! of their children, a matter reopened after the list was made is kept, and the closing date
//! is checked before it is kept.

use crate::clients::{hetu, person_form};
use domain::client::EndForm;
use service::ServiceError;
use testkit::World;

fn end(closed: &str) -> EndForm {
    EndForm {
        closed_on: closed.into(),
        died_on: String::new(),
    }
}

#[tokio::test]
async fn a_guardian_goes_with_the_last_child_and_a_reopened_matter_is_kept() {
    let w = World::new().await;
    let s = &w.service;
    let worker = w.actor("county.worker").await;
    let mut first = person_form(&hetu(1985, 3, 4, 951), "Ensi", "Vanha");
    first.service_task = "Perhetyö".into();
    let mut second = person_form(&hetu(1987, 5, 6, 953), "Toinen", "Vanha");
    second.service_task = "Perhetyö".into();
    // A guardian with no service task of their own: held by the children's matters.
    let mut guardian = person_form(&hetu(1960, 7, 9, 962), "Vanhempi", "Vanha");
    guardian.service_task = String::new();
    let a = s
        .register_client(&worker, &first, std::slice::from_ref(&guardian))
        .await
        .unwrap();
    let b = s
        .register_client(&worker, &second, &[guardian])
        .await
        .unwrap();
    let g = s.client(&worker, a).await.unwrap().client.guardians[0];
    assert_eq!(s.client(&worker, b).await.unwrap().client.guardians, [g]);

    // The closing date is checked: not ahead of today, not before the birth.
    for (typed, code) in [
        ("2099-01-01", "date-in-future"),
        ("1980-01-01", "date-before-birth"),
    ] {
        let e = s
            .record_client_end(&worker, a, &end(typed))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ServiceError::Invalid(f) if f.get("closed_on") == Some(code)),
            "{typed}: {e:?}"
        );
    }
    s.record_client_end(&worker, a, &end("1990-06-30"))
        .await
        .unwrap();
    assert_eq!(
        s.client(&worker, a).await.unwrap().client.closed_on,
        chrono::NaiveDate::from_ymd_opt(1990, 6, 30)
    );

    // Only the first child is due; the guardian stays while the second is kept.
    let setup = s.setup();
    let p = setup.retention_proposal().await.unwrap();
    assert_eq!(p.due.iter().map(|d| d.client).collect::<Vec<_>>(), [a]);
    assert!(p.due[0].with.is_empty());
    assert_eq!(
        p.due[0].rule(),
        "families_with_children: 30 years after closure"
    );

    // Both closed: the guardian goes with the first of them.
    s.record_client_end(&worker, b, &end("1991-01-31"))
        .await
        .unwrap();
    let p = setup.retention_proposal().await.unwrap();
    assert_eq!(p.due.len(), 2);
    assert_eq!(p.due[0].with, [g]);
    // The second is reopened before the run is approved: it is kept, and so is the guardian.
    s.record_client_end(&worker, b, &end("")).await.unwrap();
    let done = setup
        .approve_retention(p.run, "Riitta Arkistonhoitaja")
        .await
        .unwrap();
    assert_eq!(done.destroyed.len(), 1);
    assert_eq!(done.no_longer_due, 1);
    assert_eq!(done.destroyed[0].client_id, a);
    assert!(matches!(
        s.client(&worker, a).await,
        Err(ServiceError::Denied(_) | ServiceError::NotFound)
    ));
    assert_eq!(s.client(&worker, b).await.unwrap().client.guardians, [g]);
    assert_eq!(s.client(&worker, g).await.unwrap().id, g);
    // The run is carried out once.
    assert!(matches!(
        setup.approve_retention(p.run, "X").await,
        Err(ServiceError::Invalid(f)) if f.get("run") == Some("retention-run-approved")
    ));
    assert_eq!(setup.destruction_log().await.unwrap().len(), 1);
    assert_eq!(s.audit_verify().await.unwrap().first_break, None);
}
