//! The use cases of Kumppani. Each one opens a transaction, resolves the actor, asks the access
//! policy in `domain`, applies the change, writes the access-log row in the same transaction, and
//! commits. The web tier and the command line come in only through here.

pub mod admin;
pub mod application;
pub mod audit;
pub mod auth;
pub mod client;
mod error;
pub mod import;
pub mod password;
pub mod procurement;
pub mod provider;
pub mod registration;

pub use db::doc::Doc;
pub use db::{Backend, Db};
pub use error::{ServiceError, ServiceResult};

use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Where "now" comes from: the system clock in production, a settable one in tests.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Settings of the use cases that operators may change.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A session ends after this long without requests.
    pub session_idle: chrono::Duration,
    /// …and after this long in any case.
    pub session_max: chrono::Duration,
    /// Failed sign-ins in a row before the account is locked.
    pub lockout_after: i64,
    pub lockout_for: chrono::Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_idle: chrono::Duration::minutes(30),
            session_max: chrono::Duration::hours(12),
            lockout_after: 5,
            lockout_for: chrono::Duration::minutes(15),
        }
    }
}

/// The entry point to every use case. Cheap to clone.
#[derive(Clone)]
pub struct Service {
    db: Db,
    clock: Arc<dyn Clock>,
    settings: Arc<Settings>,
}

impl Service {
    pub fn new(db: Db, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        Service {
            db,
            clock,
            settings: Arc::new(settings),
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }
}
