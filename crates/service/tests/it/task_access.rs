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
