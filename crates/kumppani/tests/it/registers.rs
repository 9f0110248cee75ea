//! The registers of people in the demo (seed 002), walked as every demo user: only the
//! controller's keepers and the roles a register's grants name read it, and every read, and
//! every refusal, is in the access log naming the user and the register.
//!
//! Who may read is worked out here from `data/demo/registers.toml` itself and the keepers'
//! roles as the registers' rules state them, not from the access policy under test.

use domain::audit::{AuditAction, Outcome, RecordKind};
use std::collections::HashMap;

const DATA: &str = include_str!("../../../../data/demo/registers.toml");

#[derive(serde::Deserialize)]
struct File {
    register: Vec<Spec>,
}

#[derive(serde::Deserialize)]
struct Spec {
    name: String,
    controller: String,
    grants: Vec<GrantSpec>,
}

#[derive(serde::Deserialize)]
struct GrantSpec {
    org: String,
    roles: Vec<String>,
}

/// The controller's own keepers: a municipality's administrator and leading social workers, an
/// NGO's signatory and service managers.
const KEEPER_ROLES: [&str; 4] = [
    "purchaser_admin",
    "leading_social_worker",
    "provider_signatory",
    "service_manager",
];

#[tokio::test]
async fn only_the_named_roles_read_each_register_and_every_read_is_logged() {
    let t = testkit::migrated_db().await;
    let svc = service::Service::new(
        t.db.clone(),
        testkit::TestClock::new(testkit::start_time()),
        service::Settings::default(),
    );
    let creds = kumppani::demo::populate(&svc).await.unwrap();
    let file: File = toml::from_str(DATA).unwrap();
    // Every register of the demo, by name, as its keeper lists them.
    let listed: HashMap<String, uuid::Uuid> = {
        let mut tx = t.db.begin_read().await.unwrap();
        let all: Vec<db::doc::Doc<domain::register::Register>> = db::doc::list(
            &mut tx,
            db::doc::Table::PeopleRegisters,
            db::doc::Filter::default(),
        )
        .await
        .unwrap();
        tx.rollback().await.unwrap();
        all.into_iter().map(|d| (d.data.name, d.id)).collect()
    };
    assert_eq!(listed.len(), file.register.len());

    let (mut allowed, mut refused) = (0, 0);
    for c in &creds {
        let actor = svc
            .sign_in(&c.username, &c.password)
            .await
            .unwrap()
            .session
            .actor;
        // A family's account has no list of registers at all.
        let visible = match svc.people_registers(&actor).await {
            Ok(v) => v,
            Err(e) => {
                assert_eq!(c.role, "client_or_guardian", "{}: {e:?}", c.username);
                Vec::new()
            }
        };
        for spec in &file.register {
            let id = listed[&spec.name];
            let keeper =
                c.organisation == spec.controller && KEEPER_ROLES.contains(&c.role.as_str());
            let named = spec
                .grants
                .iter()
                .any(|g| g.org == c.organisation && g.roles.contains(&c.role));
            let expected = keeper || named;
            let got = svc.people_register(&actor, id, "").await;
            assert_eq!(
                got.is_ok(),
                expected,
                "{} ({} in {}) reading {}: {:?}",
                c.username,
                c.role,
                c.organisation,
                spec.name,
                got.as_ref().err()
            );
            // The list shows the same registers.
            assert_eq!(
                visible.iter().any(|s| s.id == id),
                expected,
                "{} lists {}",
                c.username,
                spec.name
            );
            if expected {
                allowed += 1;
            } else {
                refused += 1;
            }
            // The read is in the log with its outcome, the user and the register; an allowed
            // read names every person it showed.
            let log = testkit::audit_log(&t.db).await;
            let row = log
                .iter()
                .rev()
                .find(|e| {
                    e.record_kind == RecordKind::Register.code()
                        && e.record_id == Some(id)
                        && e.actor_id == Some(actor.user_id)
                        && e.action == AuditAction::Read.code()
                })
                .unwrap_or_else(|| panic!("no log row for {} reading {}", c.username, spec.name));
            let outcome = if expected {
                Outcome::Ok
            } else {
                Outcome::Denied
            };
            assert_eq!(row.outcome, outcome.code(), "{} {}", c.username, spec.name);
            if let Ok(v) = &got {
                let shown: Vec<uuid::Uuid> =
                    v.entries.iter().chain(&v.ended).map(|e| e.id).collect();
                assert!(!shown.is_empty());
                assert_eq!(row.subjects, shown);
            }
        }
    }
    // The walk saw both answers: the demo's grants are not all or nothing.
    assert!(
        allowed >= 10 && refused >= 100,
        "{allowed} allowed, {refused} refused"
    );
}
