//! The one integration-test binary of `kumppani`: the command line, run as a real process against a
//! real database (SQLite, or PostgreSQL when `KUMPPANI_TEST_DATABASE_URL` names a server).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn kumppani(db_url: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kumppani"))
        .arg("--database")
        .arg(db_url)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("KUMPPANI_LOG", "warn")
        .output()
        .expect("running kumppani");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test]
async fn audit_verify_passes_untouched_and_names_the_edited_entry() {
    let w = testkit::World::new().await;
    // Some ordinary use on top of the set-up: sign-ins, a list view, a refused attempt.
    let admin = w.actor("county.admin").await;
    w.service.users(&admin, w.county).await.unwrap();
    let city = w.actor("city.admin").await;
    w.service.users(&city, w.county).await.unwrap_err();
    let url = w.test_db.url.clone();

    let (code, out) = kumppani(&url, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("access log intact"), "{out}");

    w.test_db
        .db
        .execute_raw("UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 7")
        .await
        .unwrap();
    let (code, out) = kumppani(&url, &["audit", "verify"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("entry 7 has been altered"), "{out}");
    assert!(out.contains("after 6 intact entries"), "{out}");
}

#[tokio::test]
async fn migrate_is_idempotent() {
    let t = testkit::empty_db().await;
    let (code, out) = kumppani(&t.url, &["migrate"]);
    assert_eq!(code, 0, "{out}");
    let all = format!("{} migration(s) applied", db::migrate_count());
    assert!(out.contains(&all), "{out}");
    let (code, out) = kumppani(&t.url, &["migrate"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 migration(s) applied"), "{out}");
}
