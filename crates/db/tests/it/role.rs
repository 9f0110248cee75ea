// The storage's own tests append to the log directly; the application goes through the gate.
#![allow(clippy::disallowed_methods)]

use chrono::Utc;
use domain::audit::{AuditAction, AuditEvent, Outcome, Purpose, RecordKind};
use uuid::Uuid;

fn event() -> AuditEvent {
    AuditEvent {
        actor_id: Some(Uuid::now_v7()),
        actor_name: "app role test".into(),
        actor_org: None,
        actor_unit: None,
        action: AuditAction::Read,
        outcome: Outcome::Ok,
        record_kind: RecordKind::User,
        record_id: None,
        register_owner: None,
        subject_id: None,
        subjects: Vec::new(),
        purpose: Purpose::Administration,
        details: "read as the application's role".into(),
        via_api_key: false,
        exception: String::new(),
    }
}

/// Served as the role `grant_app_role` prepares, the application writes its tables and appends
/// to the access log (reads and writes alike), but the server itself refuses it an UPDATE,
/// DELETE or TRUNCATE of the log, before any trigger is reached.
#[tokio::test]
async fn the_application_role_appends_to_the_log_but_cannot_change_it() {
    let Some(base) = testkit::postgres_url() else {
        eprintln!(
            "SKIPPED the_application_role_appends_to_the_log_but_cannot_change_it: set {} to a \
             PostgreSQL server (scripts/test does)",
            testkit::ENV
        );
        return;
    };
    let owner = testkit::postgres_db(&base).await;
    owner.db.migrate().await.unwrap();
    let role = format!("app_{}", Uuid::now_v7().simple());
    owner
        .db
        .execute_raw(&format!("CREATE ROLE {role} LOGIN"))
        .await
        .unwrap();
    db::role::grant_app_role(&owner.db, &role).await.unwrap();

    // The test server trusts local connections: the same database, as the new role.
    let (scheme, rest) = owner.url.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    let app = db::Db::connect(&format!("{scheme}://{role}@{host}"))
        .await
        .unwrap();

    let mut tx = app.begin().await.unwrap();
    db::audit::append(&mut tx, event(), Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = app.begin_read().await.unwrap();
    db::audit::append(&mut tx, event(), Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    app.execute_raw("UPDATE sessions SET expires_at = expires_at")
        .await
        .unwrap();

    for sql in [
        "UPDATE audit_log SET details = 'x' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 2",
        "TRUNCATE audit_log",
        "DELETE FROM schema_migrations",
    ] {
        let e = app.execute_raw(sql).await.unwrap_err();
        assert!(e.to_string().contains("permission denied"), "{sql}: {e}");
    }
    let v = db::audit::verify(&app).await.unwrap();
    assert_eq!((v.checked, v.first_break), (2, None));

    // Only a plain role name is taken: the name is written into the GRANT statements.
    for bad in ["", "x; DROP TABLE audit_log", "Robert", "1app"] {
        assert!(
            db::role::grant_app_role(&owner.db, bad).await.is_err(),
            "{bad:?}"
        );
    }
    app.close().await;
}
