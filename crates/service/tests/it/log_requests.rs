//! A guardian's request for a child's own log data (Client Data Act 703/2023, 11 §): the
//! report names every use of the child's data in the period, the provider's and the list
//! views' among them; a refusal is a decision with its reasons; nobody else reads either.

use crate::delivery::setup;
use chrono::NaiveDate;
use domain::log_request::{LogRequestForm, LogRequestStatus};
use service::ServiceError;
use testkit::World;

fn form(client: uuid::Uuid, from: &str, to: &str, reason: &str) -> LogRequestForm {
    LogRequestForm {
        client: client.to_string(),
        from: from.into(),
        to: to.into(),
        reason: reason.into(),
    }
}

fn field(e: ServiceError, f: &str) -> Option<String> {
    match e {
        ServiceError::Invalid(errs) => errs.get(f).map(str::to_owned),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_guardian_gets_every_use_of_the_childs_data_and_a_refusal_is_a_decision() {
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let auditor = w.actor("county.auditor").await;
    let lead = w.actor("county.lead").await;

    // The provider's worker opens the child's delivery page, and the social worker the list of
    // clients: both are uses of the child's data.
    let oct = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    svc.delivery(&s.worker, &s.number, oct).await.unwrap();
    svc.clients(&s.social).await.unwrap();

    // The guardian may ask for itself and the child, nobody else.
    let own = svc.own_log_requests(&s.guardian).await.unwrap();
    assert_eq!(own.people.len(), 2, "{:?}", own.people);
    let (child, _) = own
        .people
        .iter()
        .find(|(_, n)| n.starts_with("Veeti"))
        .cloned()
        .unwrap();
    // More than two years back without a reason, a period ending tomorrow: refused.
    let e = svc
        .request_log(&s.guardian, &form(child, "2024-01-01", "", ""))
        .await
        .unwrap_err();
    assert_eq!(field(e, "reason"), Some("log-reason-required".into()));
    let e = svc
        .request_log(&s.guardian, &form(child, "", "2026-11-25", ""))
        .await
        .unwrap_err();
    assert_eq!(field(e, "to"), Some("date-in-future".into()));
    // Another family's guardian cannot ask for this child.
    let e = svc
        .request_log(&s.stranger, &form(child, "", "", ""))
        .await
        .unwrap_err();
    assert_eq!(field(e, "client"), Some("required".into()));

    let id = svc
        .request_log(&s.guardian, &form(child, "", "", ""))
        .await
        .unwrap();
    let v = svc.log_request(&s.guardian, id).await.unwrap();
    assert_eq!(v.request.data.status, LogRequestStatus::Pending);
    // Due two months from the request (the clock is at 24.11.2026).
    assert_eq!(
        v.request.data.due,
        NaiveDate::from_ymd_opt(2027, 1, 24).unwrap()
    );
    assert!(!v.may_answer && !v.overdue);

    // The social worker neither lists nor answers; the stranger does not read it.
    assert!(matches!(
        svc.log_requests(&s.social).await,
        Err(ServiceError::Denied(_))
    ));
    assert!(matches!(
        svc.deliver_log_report(&s.social, id).await,
        Err(ServiceError::Denied(_))
    ));
    assert!(matches!(
        svc.log_request(&s.stranger, id).await,
        Err(ServiceError::Denied(_))
    ));
    let listed = svc.log_requests(&auditor).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(svc.log_request(&auditor, id).await.unwrap().may_answer);

    svc.deliver_log_report(&auditor, id).await.unwrap();
    let v = svc.log_request(&s.guardian, id).await.unwrap();
    assert_eq!(v.request.data.status, LogRequestStatus::Delivered);
    let lines = &v.request.data.answer.as_ref().unwrap().lines;
    // Oldest first, and every kind of use is there: the provider's read of the delivery
    // page, the social worker's list of clients, the child's registration.
    assert!(lines.windows(2).all(|p| p[0].at <= p[1].at));
    let provider_name = svc
        .organisation_names()
        .await
        .unwrap()
        .get(&w.provider)
        .cloned()
        .unwrap();
    assert!(
        lines.iter().any(|l| l.organisation == provider_name
            && l.action == "read"
            && l.who == s.worker.display_name),
        "{lines:?}"
    );
    assert!(lines
        .iter()
        .any(|l| l.action == "list" && l.who == s.social.display_name));
    assert!(lines
        .iter()
        .any(|l| l.action == "create" && l.record_kind == "client"));
    // Names, not user names.
    assert!(
        lines.iter().all(|l| l.who != s.worker.username),
        "{lines:?}"
    );
    // Answered once.
    let e = svc.deliver_log_report(&lead, id).await.unwrap_err();
    assert_eq!(field(e, "status"), Some("log-request-answered".into()));

    // The other guardian asks too, and is refused by a decision, with its reasons required.
    let tero = svc.client(&s.social, child).await.unwrap().client.guardians[1];
    svc.create_person_account(&s.social, tero, "tero.k", testkit::PASSWORD)
        .await
        .unwrap();
    let tero = w.actor("tero.k").await;
    let second = svc
        .request_log(&tero, &form(child, "", "", ""))
        .await
        .unwrap();
    // Each guardian sees only their own request.
    assert_eq!(svc.own_log_requests(&tero).await.unwrap().requests.len(), 1);
    assert!(matches!(
        svc.log_request(&tero, id).await,
        Err(ServiceError::Denied(_))
    ));
    let e = svc
        .refuse_log_request(&lead, second, "  ")
        .await
        .unwrap_err();
    assert_eq!(field(e, "reasons"), Some("required".into()));
    svc.refuse_log_request(&lead, second, "Tietojen antaminen vaarantaisi lapsen edun.")
        .await
        .unwrap();
    let v = svc.log_request(&tero, second).await.unwrap();
    assert_eq!(v.request.data.status, LogRequestStatus::Refused);
    let answer = v.request.data.answer.unwrap();
    assert_eq!(
        answer.reasons,
        "Tietojen antaminen vaarantaisi lapsen edun."
    );
    assert!(answer.lines.is_empty());

    // Every step is in the log with the child as its subject.
    let log = crate::log(&w).await;
    for details in [
        "log data 2024-11-24 – 2026-11-24".to_owned(),
        format!("log report of {} entries", lines.len()),
        "log request refused".to_owned(),
    ] {
        assert!(
            log.iter()
                .any(|e| e.details == details && e.subject_id == Some(child)),
            "{details}"
        );
    }
}

#[tokio::test]
async fn an_accepted_commitment_and_a_provider_systems_read_are_logged_as_disclosures() {
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let provider = svc
        .organisation_names()
        .await
        .unwrap()
        .get(&w.provider)
        .cloned()
        .unwrap();
    let log = crate::log(&w).await;
    // The provider's acceptance opened the child's minimal data to it: one disclosure row
    // naming the provider, the legal basis and what, with the child as its subject.
    let accepted: Vec<_> = log
        .iter()
        .filter(|e| e.action == "disclose" && e.details.contains(&s.number))
        .collect();
    assert_eq!(accepted.len(), 1, "{accepted:?}");
    let d = accepted[0];
    assert!(d.subject_id.is_some());
    assert!(
        d.details
            .starts_with(&format!("to {provider} (0737546-2); basis 703/2023 14 §")),
        "{}",
        d.details
    );
    assert!(d.details.contains("version 1"), "{}", d.details);

    // The provider's own system reads the commitments with an API key: the read is logged,
    // and beside it a disclosure to that system. The same read on a page discloses nothing.
    let before = crate::log(&w).await.len();
    svc.commitments(&s.worker).await.unwrap();
    let page_rows = crate::log(&w).await.split_off(before);
    assert!(
        page_rows.iter().all(|e| e.action != "disclose"),
        "{page_rows:?}"
    );
    let mut system = s.worker.clone();
    system.key = Some(vec![domain::api_key::Operation::CommitmentsRead]);
    let before = crate::log(&w).await.len();
    svc.commitments(&system).await.unwrap();
    let rows = crate::log(&w).await.split_off(before);
    let actions: Vec<&str> = rows.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["list", "disclose"], "{rows:?}");
    assert_eq!(rows[1].subjects, rows[0].subjects);
    assert!(!rows[1].subjects.is_empty());
    // Filed under the county whose clients they are, not the provider whose list it was.
    assert_eq!(rows[0].register_owner, Some(w.provider));
    assert_eq!(rows[1].register_owner, Some(w.county));
    assert!(
        rows[1]
            .details
            .contains("its system by API key; basis 703/2023 14 §"),
        "{}",
        rows[1].details
    );
    // The county's auditor reads the disclosure log: the disclosures only, the acceptance's
    // and the system's read of the county's client.
    let auditor = w.actor("county.auditor").await;
    let found = svc
        .audit_search(
            &auditor,
            &service::audit::AuditQuery {
                action: Some(domain::audit::AuditAction::Disclose),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(found.iter().all(|e| e.action == "disclose"));
    assert!(found.iter().any(|e| e.details.contains(&s.number)));
    assert!(found.iter().any(|e| e.details.contains("by API key")));
    // A refused read discloses nothing.
    let mut outside = s.worker.clone();
    outside.key = Some(vec![domain::api_key::Operation::VisitsWrite]);
    let before = crate::log(&w).await.len();
    assert!(svc.commitments(&outside).await.is_err());
    let rows = crate::log(&w).await.split_off(before);
    assert!(rows.iter().all(|e| e.action != "disclose"), "{rows:?}");
}
