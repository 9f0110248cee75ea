//! Access by task (Client Data Act 703/2023, 9 §): a county worker reaches the clients of their
//! own team and responsibility; another team's client only with a reason code, which flags the
//! access in the log for the auditor's follow-up.

use crate::clients::{hetu, person_form};
use domain::access::Denial;
use domain::exceptional_access::ExceptionForm;
use service::audit::AuditQuery;
use service::ServiceError;
use testkit::{user_form, World};

#[tokio::test]
async fn another_teams_worker_opens_a_client_only_with_a_reason_and_the_auditor_sees_the_flag() {
    let w = World::new().await;
    let s = &w.service;
    for (name, role, team) in [
        ("sw.kotka", "social_worker", "Lastensuojelu Kotka"),
        ("sw.kouvola", "social_worker", "Perhesosiaalityö Kouvola"),
        ("county.lsw", "leading_social_worker", ""),
    ] {
        let mut f = user_form(name, role);
        f.team = team.into();
        s.setup().bootstrap_user(w.county, &f).await.unwrap();
    }
    let kotka = w.actor("sw.kotka").await;
    let kouvola = w.actor("sw.kouvola").await;
    let lead = w.actor("county.lsw").await;
    let auditor = w.actor("county.auditor").await;
    assert_eq!(kotka.team, "Lastensuojelu Kotka");

    let child = person_form(&hetu(2015, 3, 4, 951), "Ilona", "Kuvitelma");
    let guardian = person_form(&hetu(1988, 6, 7, 962), "Marja", "Kuvitelma");
    let id = s
        .register_client(&kotka, &child, &[guardian])
        .await
        .unwrap();

    // Kotka's worker and the leading social worker reach the client by task; Kouvola's worker
    // neither lists it nor opens it.
    assert_eq!(s.client(&kotka, id).await.unwrap().id, id);
    assert_eq!(s.client(&lead, id).await.unwrap().id, id);
    let kotka_list = s.clients(&kotka).await.unwrap();
    assert_eq!(kotka_list.len(), 2, "the child and the guardian");
    assert!(s.clients(&kouvola).await.unwrap().is_empty());
    assert!(matches!(
        s.client(&kouvola, id).await,
        Err(ServiceError::Denied(Denial::NoTask))
    ));
    // The guardian is held by the same team.
    let guardian_id = s.client(&kotka, id).await.unwrap().client.guardians[0];
    assert!(matches!(
        s.client(&kouvola, guardian_id).await,
        Err(ServiceError::Denied(Denial::NoTask))
    ));
    // The full identity code still finds the client, so that an urgent matter can be handled.
    assert_eq!(
        s.find_client(&kouvola, &hetu(2015, 3, 4, 951))
            .await
            .unwrap(),
        Some(id)
    );

    // A reason is required; "other" needs words.
    let e = s
        .open_client_exceptionally(&kouvola, id, &ExceptionForm::default())
        .await
        .unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("reason") == Some("required")));
    let other = ExceptionForm {
        reason: "other".into(),
        note: String::new(),
    };
    let e = s
        .open_client_exceptionally(&kouvola, id, &other)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("note") == Some("exception-note-required"))
    );
    // The controller has no client work to give a reason for.
    let controller = {
        s.setup()
            .bootstrap_user(w.county, &user_form("county.ctrl", "controller"))
            .await
            .unwrap();
        w.actor("county.ctrl").await
    };
    let substitution = ExceptionForm {
        reason: "substitution".into(),
        note: "Kotkan tiimin työntekijä lomalla.".into(),
    };
    assert!(matches!(
        s.open_client_exceptionally(&controller, id, &substitution)
            .await,
        Err(ServiceError::Denied(Denial::MissingRole))
    ));

    // With the reason, the client opens to Kouvola's worker, and only to them.
    s.open_client_exceptionally(&kouvola, id, &substitution)
        .await
        .unwrap();
    assert_eq!(s.client(&kouvola, id).await.unwrap().id, id);
    // Ten hours later the reason no longer holds.
    w.clock.advance(chrono::Duration::hours(11));
    assert!(matches!(
        s.client(&kouvola, id).await,
        Err(ServiceError::Denied(Denial::NoTask))
    ));

    // The auditor lists the exceptional accesses: the reason given and the read it opened,
    // both flagged; the accesses by task are not among them.
    let flagged = s
        .audit_search(
            &auditor,
            &AuditQuery {
                exceptional: true,
                ..AuditQuery::default()
            },
        )
        .await
        .unwrap();
    let rows: Vec<(&str, &str, &str)> = flagged
        .iter()
        .map(|e| {
            (
                e.action.as_str(),
                e.actor_name.as_str(),
                e.exception.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("read", "sw.kouvola", "substitution"),
            ("create", "sw.kouvola", "substitution"),
        ]
    );
    assert!(flagged.iter().all(|e| e.subject_id == Some(id)));
    // The refusals are in the log with their reason, unflagged.
    let log = crate::log(&w).await;
    assert!(log
        .iter()
        .any(|e| e.outcome == "denied" && e.details == "access-no-task"));
    // The flag is part of the chain: the log still verifies.
    let v = s.audit_verify().await.unwrap();
    assert_eq!(v.first_break, None);
}

/// A provider's user tied to a service unit reaches only the commitments that name it, their
/// delivery and clients; the same refusal on every page, and the lists leave the rest out.
#[tokio::test]
async fn a_provider_worker_of_another_unit_reaches_neither_the_commitment_nor_its_client() {
    use domain::org::{ServiceUnitForm, UserForm};
    let w = World::new().await;
    let s = &w.service;
    let x = crate::delivery::setup(&w).await;
    let signer = w.actor("p.signer").await;
    let oct = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    let v = s.delivery(&x.worker, &x.number, oct).await.unwrap();
    let unit_a = v.engagement.commitment.unit;
    let client = v.engagement.commitment.client;
    let unit_b = s
        .create_service_unit(
            &signer,
            w.provider,
            &ServiceUnitForm {
                name: "Toinen yksikkö".into(),
                street_address: "Keskuskatu 2".into(),
                postal_code: "45100".into(),
                city: "Kouvola".into(),
                municipality: "Kouvola".into(),
                languages: vec!["fi".into()],
                served_municipalities: "Kouvola".into(),
                free_capacity: "2".into(),
                capacity: "10".into(),
                soteri_number: "S-toinen".into(),
                soteri_registered: "2020-01-02".into(),
                ..ServiceUnitForm::default()
            },
        )
        .await
        .unwrap();
    let tie_to = |unit: uuid::Uuid| {
        let signer = signer.clone();
        let id = x.worker.user_id;
        async move {
            let view = s.user(&signer, id).await.unwrap();
            let mut f = UserForm::from(&view.user);
            f.unit = unit.to_string();
            s.update_user(&signer, id, &f).await.unwrap();
        }
    };
    // A unit of another organisation is not offered, and not taken.
    let mut f = UserForm::from(&s.user(&signer, x.worker.user_id).await.unwrap().user);
    f.unit = uuid::Uuid::now_v7().to_string();
    assert!(matches!(
        s.update_user(&signer, x.worker.user_id, &f).await,
        Err(ServiceError::Invalid(e)) if e.get("unit") == Some("invalid-choice")
    ));

    tie_to(unit_b).await;
    let b = w.actor(&x.worker.username).await;
    assert_eq!(b.unit, Some(unit_b));
    let other_unit = |r| matches!(r, Err(ServiceError::Denied(Denial::OtherUnit)));
    assert!(other_unit(s.delivery(&b, &x.number, oct).await.map(|_| ())));
    assert!(other_unit(s.client_record(&b, client).await.map(|_| ())));
    assert!(!s
        .commitments(&b)
        .await
        .unwrap()
        .iter()
        .any(|c| c.data.number == x.number));
    assert!(s
        .report_reminders(&b)
        .await
        .unwrap()
        .iter()
        .all(|r| r.commitment_number != x.number));

    tie_to(unit_a).await;
    let a = w.actor(&x.worker.username).await;
    assert!(s.delivery(&a, &x.number, oct).await.is_ok());
    assert!(s.client_record(&a, client).await.is_ok());
    assert!(s
        .commitments(&a)
        .await
        .unwrap()
        .iter()
        .any(|c| c.data.number == x.number));
}
