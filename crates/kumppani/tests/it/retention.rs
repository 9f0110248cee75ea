//! `kumppani retention` on the demo (Client Data Act 703/2023, 23–24 §): the client whose social
//! rehabilitation closed in 2014 is listed as due ten years later; nothing is destroyed until a
//! named person approves the run; then the record and its documents are gone, the destruction
//! log names the rule, and the access log is intact and verifies.

#[tokio::test]
async fn a_run_lists_the_demos_long_closed_client_and_destroys_it_only_after_approval() {
    let t = testkit::migrated_db().await;
    let svc = service::Service::new(
        t.db.clone(),
        testkit::TestClock::new(testkit::start_time()),
        service::Settings::default(),
    );
    kumppani::demo::populate(&svc).await.unwrap();
    let clients = || async {
        let mut tx = t.db.begin_read().await.unwrap();
        let all = db::retention::client_facts(&mut tx).await.unwrap();
        tx.rollback().await.unwrap();
        all
    };
    let before = clients().await;
    let closed: Vec<_> = before.iter().filter(|c| c.closed_on.is_some()).collect();
    assert_eq!(closed.len(), 1);
    let id = closed[0].id;

    let (code, out) = crate::kumppani(&t.url, &["retention", "run"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("due for destruction (1):"), "{out}");
    assert!(out.contains(&format!("client {id}")), "{out}");
    assert!(
        out.contains(
            "working_age: 10 years after closure  closure 2014-05-31  due since 2024-05-31"
        ),
        "{out}"
    );
    // The demo's child welfare clients are alive: their documents are kept.
    assert!(out.contains("kept: no_trigger"), "{out}");
    // The list names no person.
    assert!(!out.contains("Menneisyys"), "{out}");
    let run = out
        .lines()
        .find_map(|l| l.strip_prefix("retention run "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    // Listing destroyed nothing.
    assert_eq!(clients().await.len(), before.len());

    // Approval needs a name.
    let (code, out) = crate::kumppani(&t.url, &["retention", "run", "--approve", &run]);
    assert_ne!(code, 0, "{out}");
    assert_eq!(clients().await.len(), before.len());

    let (code, out) = crate::kumppani(
        &t.url,
        &[
            "retention",
            "run",
            "--approve",
            &run,
            "--approver",
            "Riitta Arkistonhoitaja",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("1 client(s) destroyed, 0 no longer due"),
        "{out}"
    );
    assert!(out.contains("access log intact"), "{out}");
    let after = clients().await;
    assert_eq!(after.len(), before.len() - 1);
    assert!(after.iter().all(|c| c.id != id));

    // The destruction log keeps who approved, the rule and the dates, and no person.
    let (code, out) = crate::kumppani(&t.url, &["retention", "log"]);
    assert_eq!(code, 0, "{out}");
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 1, "{out}");
    for part in [
        &format!("run {run}"),
        "approved by Riitta Arkistonhoitaja",
        &format!("client {id}"),
        "working_age: 10 years after closure",
        "trigger 2014-05-31",
        "due since 2024-05-31",
        "clients=1",
    ] {
        assert!(rows[0].contains(part), "{part}: {out}");
    }
    // The destruction is in the access log, whose entries about the client stay as they were.
    let log = testkit::audit_log(&t.db).await;
    assert!(log
        .iter()
        .any(|e| e.action == "destroy" && e.record_id == Some(id)));
    assert!(log.iter().filter(|e| e.subject_id == Some(id)).count() > 1);

    // A run is carried out once; the next finds nothing due.
    let (code, out) = crate::kumppani(
        &t.url,
        &["retention", "run", "--approve", &run, "--approver", "X"],
    );
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("retention-run-approved"), "{out}");
    let (code, out) = crate::kumppani(&t.url, &["retention", "run"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("nothing is due for destruction"), "{out}");
    let (code, out) = crate::kumppani(&t.url, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
}
