//! Test support: a fresh database per test on the backend the run is for, a settable clock, and
//! a small world of organisations and users to act in. Used only by tests.
//!
//! The backend comes from `KUMPPANI_TEST_DATABASE_URL`: unset means a temporary SQLite file;
//! `postgres://…` means a new database on that server for each test (`scripts/test` starts a
//! throwaway server and sets it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::org::{OrganisationForm, UserForm};
use service::{Clock, Db, Service, Settings};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub mod xsd;
use uuid::Uuid;

pub const ENV: &str = "KUMPPANI_TEST_DATABASE_URL";

/// A database for one test. SQLite files are removed when it is dropped; PostgreSQL test
/// databases live on the throwaway server until it stops.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    file: Option<PathBuf>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(f) = &self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
            }
        }
    }
}

pub fn postgres_url() -> Option<String> {
    std::env::var(ENV)
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

/// A fresh SQLite database in a temporary file.
pub async fn sqlite_db() -> TestDb {
    let file = std::env::temp_dir().join(format!("kumppani-test-{}.db", Uuid::now_v7().simple()));
    let url = file.display().to_string();
    let db = Db::connect(&url)
        .await
        .expect("opening a SQLite test database");
    TestDb {
        db,
        url,
        file: Some(file),
    }
}

/// A fresh, empty PostgreSQL database on the server at `base`.
pub async fn postgres_db(base: &str) -> TestDb {
    let admin = Db::connect(base)
        .await
        .expect("connecting to the test PostgreSQL server");
    let name = format!("kumppani_test_{}", Uuid::now_v7().simple());
    admin
        .execute_raw(&format!("CREATE DATABASE {name}"))
        .await
        .expect("creating a test database");
    admin.close().await;
    let (root, query) = match base.split_once('?') {
        Some((r, q)) => (r, format!("?{q}")),
        None => (base, String::new()),
    };
    let root = match root.rfind('/') {
        Some(i) if i > "postgres://".len() => &root[..i],
        _ => root,
    };
    let url = format!("{root}/{name}{query}");
    let db = Db::connect(&url)
        .await
        .expect("connecting to the test database");
    TestDb {
        db,
        url,
        file: None,
    }
}

/// A fresh, empty database on the backend this run is for.
pub async fn empty_db() -> TestDb {
    match postgres_url() {
        Some(base) => postgres_db(&base).await,
        None => sqlite_db().await,
    }
}

/// A fresh database with the schema applied.
pub async fn migrated_db() -> TestDb {
    let t = empty_db().await;
    t.db.migrate().await.expect("migrating the test database");
    t
}

/// A clock tests move by hand.
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn new(at: DateTime<Utc>) -> Arc<Self> {
        Arc::new(TestClock(Mutex::new(at)))
    }

    pub fn advance(&self, d: Duration) {
        let mut t = self.0.lock().unwrap();
        *t += d;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// 2026-11-24 09:00 Helsinki, a Tuesday.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 7, 0, 0).unwrap()
}

pub const PASSWORD: &str = "correct horse battery";

/// Two purchasers and a provider, each with an administrator, plus a social worker and an
/// auditor in the first purchaser.
pub struct World {
    pub test_db: TestDb,
    pub service: Service,
    pub clock: Arc<TestClock>,
    pub county: Uuid,
    pub city: Uuid,
    pub provider: Uuid,
    pub county_admin: Uuid,
    pub city_admin: Uuid,
    pub provider_admin: Uuid,
    pub social_worker: Uuid,
    pub auditor: Uuid,
}

pub fn org_form(kind: &str, name: &str, business_id: &str) -> OrganisationForm {
    OrganisationForm {
        kind: kind.into(),
        name: name.into(),
        business_id: business_id.into(),
        street_address: "Testikatu 1".into(),
        postal_code: "00100".into(),
        city: "Helsinki".into(),
        email: "kirjaamo@example.fi".into(),
        phone: String::new(),
    }
}

pub fn user_form(username: &str, role: &str) -> UserForm {
    UserForm {
        username: username.into(),
        display_name: format!("Test {username}"),
        email: String::new(),
        language: "fi".into(),
        roles: vec![role.into()],
        password: PASSWORD.into(),
        team: String::new(),
        unit: String::new(),
    }
}

impl World {
    pub async fn new() -> World {
        Self::with_settings(Settings::default()).await
    }

    /// As [`World::new`], with the use cases' settings changed.
    pub async fn with_settings(settings: Settings) -> World {
        let test_db = migrated_db().await;
        let clock = TestClock::new(start_time());
        let service = Service::new(test_db.db.clone(), clock.clone(), settings);
        let s = &service;
        let county = s
            .setup()
            .bootstrap_organisation(&org_form("county", "Testin hyvinvointialue", "3221311-5"))
            .await
            .unwrap();
        let city = s
            .setup()
            .bootstrap_organisation(&org_form("municipality", "Vantaan kaupunki", "0124610-9"))
            .await
            .unwrap();
        let provider = s
            .setup()
            .bootstrap_organisation(&org_form("company", "Testituottaja Oy", "0737546-2"))
            .await
            .unwrap();
        let county_admin = s
            .setup()
            .bootstrap_user(county, &user_form("county.admin", "purchaser_admin"))
            .await
            .unwrap();
        let city_admin = s
            .setup()
            .bootstrap_user(city, &user_form("city.admin", "purchaser_admin"))
            .await
            .unwrap();
        let provider_admin = s
            .setup()
            .bootstrap_user(provider, &user_form("provider.admin", "provider_signatory"))
            .await
            .unwrap();
        let social_worker = s
            .setup()
            .bootstrap_user(county, &user_form("county.worker", "social_worker"))
            .await
            .unwrap();
        let auditor = s
            .setup()
            .bootstrap_user(county, &user_form("county.auditor", "auditor"))
            .await
            .unwrap();
        World {
            test_db,
            service,
            clock,
            county,
            city,
            provider,
            county_admin,
            city_admin,
            provider_admin,
            social_worker,
            auditor,
        }
    }

    /// Signs in and returns the actor.
    pub async fn actor(&self, username: &str) -> domain::org::Actor {
        self.service
            .sign_in(username, PASSWORD)
            .await
            .unwrap()
            .session
            .actor
    }
}

/// Every entry of the access log, oldest first, read behind the application's back.
pub async fn audit_log(db: &Db) -> Vec<domain::audit::AuditEntry> {
    let mut tx = db.begin().await.unwrap();
    let mut all = db::audit::search(
        &mut tx,
        &db::audit::Filter {
            limit: 10_000,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    all.reverse();
    all
}

/// Changes the access log behind the application's back, as someone with the database owner's
/// rights could: first removes the triggers that refuse it, then runs `sql`. For the tests that
/// show `audit verify` catching such a change.
pub async fn tamper_with_log(db: &Db, sql: &str) {
    let drop = match db.backend() {
        service::Backend::Sqlite => {
            "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;"
        }
        service::Backend::Postgres => "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log;",
    };
    db.execute_raw(drop)
        .await
        .expect("dropping the log's triggers");
    db.execute_raw(sql).await.expect("changing the log");
}
