//! The use cases of Kumppani. Each one opens a transaction, resolves the actor, asks the access
//! policy in `domain`, applies the change, writes the access-log row in the same transaction, and
//! commits. The web tier and the command line come in only through here.

pub mod admin;
pub mod agreement;
pub mod agreement_payment;
pub mod api_key;
pub mod application;
pub mod audit;
pub mod auth;
pub mod budget;
pub mod client;
pub mod commitment;
pub mod competition;
pub mod confirmation;
pub mod correction;
pub mod cost_sharing;
pub mod delivery;
pub mod demo;
mod error;
mod gate;
pub mod import;
pub mod invoice;
pub mod log_request;
pub mod need;
pub mod ocds;
pub mod password;
pub mod plan;
pub mod processing;
pub mod procurement;
pub mod provider;
pub mod register;
pub mod registration;
pub mod report;
pub mod retention;
pub mod scorecard;
mod setup;
pub mod shared_invoice;
pub mod steering_group;
pub mod supervision;
pub mod throttle;
pub mod visit;

pub use db::doc::Doc;
pub use db::{Backend, Db};
pub use error::{ServiceError, ServiceResult};
pub use gate::{counting_refusals, Capabilities};
pub use setup::Setup;

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
    pub delivery: DeliverySettings,
    pub throttle: throttle::ThrottleSettings,
    pub settlement: SettlementSettings,
    /// The ocid prefix of the open contracting data Kumppani publishes (`ocds::OcdsOptions`),
    /// registered with the Open Contracting Partnership; a placeholder until it is.
    pub ocid_prefix: String,
    /// Where accessibility feedback goes (an e-mail address or a web form of the county running
    /// the service), shown in the accessibility statement (306/2019 15 §); empty: ask the
    /// organisation's administrator.
    pub accessibility_contact: String,
}

/// The rules of settlement a purchaser may set.
#[derive(Debug, Clone)]
pub struct SettlementSettings {
    /// A discrepancy whose amount at stake is within this is rounding, not a discrepancy.
    pub tolerance: domain::money::Money,
    /// Above this amount due an invoice needs a checker and a different approver.
    pub two_person_threshold: domain::money::Money,
    /// The expense account the export names for purchased services; a county sets its own.
    pub expense_account: String,
}

impl Default for SettlementSettings {
    fn default() -> Self {
        SettlementSettings {
            tolerance: domain::money::Money::from_cents(5),
            two_person_threshold: domain::money::Money::from_cents(50_000),
            expense_account: "4300".into(),
        }
    }
}

/// The rules of delivery a purchaser may set; the defaults are the issue's.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// Visits may be logged for the current month and this many days before it.
    pub backdating_days: u32,
    /// From this age a client confirms their own visits (guardians always may).
    pub own_confirmation_age: u32,
    /// Visits not disputed within this many days count as accepted; `None` (default): off.
    pub accept_after_days: Option<u32>,
    /// The monthly report is due on this day of the next month.
    pub report_deadline_day: u32,
    /// A one-time confirmation code is valid this many days.
    pub code_valid_days: i64,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            backdating_days: 60,
            own_confirmation_age: 15,
            accept_after_days: None,
            report_deadline_day: 5,
            code_valid_days: 14,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_idle: chrono::Duration::minutes(30),
            session_max: chrono::Duration::hours(12),
            lockout_after: 5,
            lockout_for: chrono::Duration::minutes(15),
            delivery: DeliverySettings::default(),
            throttle: throttle::ThrottleSettings::default(),
            settlement: SettlementSettings::default(),
            ocid_prefix: ocds::DEFAULT_OCID_PREFIX.to_owned(),
            accessibility_contact: String::new(),
        }
    }
}

/// The entry point to every use case. Cheap to clone.
#[derive(Clone)]
pub struct Service {
    db: Db,
    clock: Arc<dyn Clock>,
    settings: Arc<Settings>,
    throttle: Arc<throttle::Throttle>,
}

impl Service {
    pub fn new(db: Db, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        Service {
            db,
            clock,
            settings: Arc::new(settings),
            throttle: Arc::new(throttle::Throttle::default()),
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today in Finland.
    pub fn today(&self) -> chrono::NaiveDate {
        domain::time::to_helsinki(self.now()).date_naive()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }
}
