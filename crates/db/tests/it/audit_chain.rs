// The storage's own tests append to the log directly; the application goes through the gate.
#![allow(clippy::disallowed_methods)]

use chrono::{Duration, Utc};
use db::audit::{append, verify};
use domain::audit::{AuditAction, AuditEvent, ChainBreak, Outcome, Purpose, RecordKind};
use uuid::Uuid;

fn event(i: usize) -> AuditEvent {
    AuditEvent {
        actor_id: Some(Uuid::now_v7()),
        actor_name: format!("user{i}"),
        actor_org: Some(Uuid::now_v7()),
        actor_unit: None,
        action: AuditAction::Read,
        outcome: Outcome::Ok,
        record_kind: RecordKind::User,
        record_id: Some(Uuid::now_v7()),
        register_owner: None,
        subject_id: None,
        subjects: Vec::new(),
        purpose: Purpose::Administration,
        details: format!("entry {i}"),
        via_api_key: false,
        exception: String::new(),
    }
}

async fn chain_of(n: usize) -> testkit::TestDb {
    let t = testkit::migrated_db().await;
    let start = Utc::now();
    for i in 0..n {
        let mut tx = t.db.begin().await.unwrap();
        append(
            &mut tx,
            event(i),
            start + Duration::milliseconds(i as i64 * 1_234),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    t
}

#[tokio::test]
async fn an_untouched_chain_verifies() {
    let t = chain_of(12).await;
    let v = verify(&t.db).await.unwrap();
    assert_eq!(v.checked, 12);
    assert_eq!(v.first_break, None);
}

#[tokio::test]
async fn an_edited_entry_is_named() {
    let t = chain_of(8).await;
    testkit::tamper_with_log(
        &t.db,
        "UPDATE audit_log SET outcome = 'denied' WHERE seq = 5",
    )
    .await;
    let v = verify(&t.db).await.unwrap();
    assert_eq!(v.first_break, Some(ChainBreak::Altered { seq: 5 }));
    assert_eq!(v.checked, 4);
}

#[tokio::test]
async fn a_removed_entry_is_found() {
    let t = chain_of(6).await;
    testkit::tamper_with_log(&t.db, "DELETE FROM audit_log WHERE seq = 3").await;
    let v = verify(&t.db).await.unwrap();
    assert_eq!(v.first_break, Some(ChainBreak::Gap { after: 2, next: 4 }));
}

#[tokio::test]
async fn removing_the_newest_entry_is_found() {
    let t = chain_of(4).await;
    testkit::tamper_with_log(&t.db, "DELETE FROM audit_log WHERE seq = 4").await;
    let v = verify(&t.db).await.unwrap();
    assert_eq!(v.first_break, Some(ChainBreak::Gap { after: 3, next: 4 }));
}

/// An entry rewritten with a correct hash of its own still breaks the link to the next one.
#[tokio::test]
async fn a_rehashed_entry_breaks_the_next_link() {
    let t = chain_of(5).await;
    let all = testkit::audit_log(&t.db).await;
    let mut e = all[1].clone();
    e.details = "forged".into();
    e.hash = e.compute_hash();
    testkit::tamper_with_log(
        &t.db,
        &format!(
            "UPDATE audit_log SET details = 'forged', hash = '{}' WHERE seq = 2",
            e.hash
        ),
    )
    .await;
    let v = verify(&t.db).await.unwrap();
    assert_eq!(v.first_break, Some(ChainBreak::Unlinked { seq: 3 }));
}

/// Concurrent writers must not fork the chain (PostgreSQL serialises them on the head row,
/// SQLite on its write lock).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_appends_keep_one_chain() {
    let t = testkit::migrated_db().await;
    let mut handles = Vec::new();
    for w in 0..4 {
        let db = t.db.clone();
        handles.push(tokio::spawn(async move {
            for i in 0..10 {
                let mut tx = db.begin().await.unwrap();
                append(&mut tx, event(w * 100 + i), Utc::now())
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let v = verify(&t.db).await.unwrap();
    assert_eq!(v.first_break, None);
    assert_eq!(v.checked, 40);
}

/// Reads hand their rows to the group commit: many readers at once end in one chain, each
/// reader's rows are in the log when its commit returns, a rolled-back read leaves none, and
/// a read transaction never holds the write lock (a writer runs while a reader is open).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_log_through_the_group_commit_in_one_chain() {
    let t = testkit::migrated_db().await;
    let mut handles = Vec::new();
    for w in 0..16 {
        let db = t.db.clone();
        handles.push(tokio::spawn(async move {
            for i in 0..10 {
                let mut tx = db.begin_read().await.unwrap();
                let mut ev = event(w * 100 + i);
                ev.details = format!("reader {w} read {i}");
                append(&mut tx, ev, Utc::now()).await.unwrap();
                tx.commit().await.unwrap();
                // Committed means written: the row is there for anyone who looks now.
                let mut look = db.begin_read().await.unwrap();
                let found = db::audit::search(
                    &mut look,
                    &db::audit::Filter {
                        limit: 10_000,
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
                look.rollback().await.unwrap();
                assert!(
                    found
                        .iter()
                        .any(|e| e.details == format!("reader {w} read {i}")),
                    "reader {w} read {i} is not in the log after its commit"
                );
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }

    // A read rolled back writes nothing.
    let mut tx = t.db.begin_read().await.unwrap();
    append(&mut tx, event(9_999), Utc::now()).await.unwrap();
    tx.rollback().await.unwrap();

    // An open read does not keep a writer out.
    let mut reader = t.db.begin_read().await.unwrap();
    append(&mut reader, event(10_000), Utc::now())
        .await
        .unwrap();
    let mut writer = t.db.begin().await.unwrap();
    append(&mut writer, event(10_001), Utc::now())
        .await
        .unwrap();
    writer.commit().await.unwrap();
    reader.commit().await.unwrap();

    let v = verify(&t.db).await.unwrap();
    assert_eq!(v.first_break, None);
    assert_eq!(v.checked, 16 * 10 + 2);
}

/// The log refuses to be edited or shortened on both databases, even by SQL sent straight to it.
#[tokio::test]
async fn the_database_refuses_to_update_or_delete_log_entries() {
    let t = chain_of(3).await;
    for sql in [
        "UPDATE audit_log SET details = 'x' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 3",
        "DELETE FROM audit_log",
    ] {
        let e = t.db.execute_raw(sql).await.unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    let v = verify(&t.db).await.unwrap();
    assert_eq!((v.checked, v.first_break), (3, None));
}
