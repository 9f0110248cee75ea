//! Configuration: defaults, then a TOML file, then environment variables, then flags.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::Path;

pub const DEFAULT_DATABASE: &str = "kumppani.db";

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// SQLite file path or URL, or a postgres:// URL. Env: `DATABASE_URL`.
    pub database_url: String,
    /// Env: `KUMPPANI_LISTEN`.
    pub listen: String,
    /// Apply migrations when `serve` starts. Env: `KUMPPANI_MIGRATE_ON_START`.
    pub migrate_on_start: bool,
    /// Mark cookies Secure and send HSTS: set when served over HTTPS. Env: `KUMPPANI_SECURE_COOKIES`.
    pub secure_cookies: bool,
    /// `text` or `json`. Env: `KUMPPANI_LOG_FORMAT`. The filter comes from `KUMPPANI_LOG`
    /// (tracing's env-filter syntax), default `info`.
    pub log_format: String,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    pub lockout_after: i64,
    pub lockout_minutes: i64,
    /// Visits may be logged for the current month and this many days before it.
    pub visit_backdating_days: u32,
    /// From this age a client confirms their own visits.
    pub own_confirmation_age: u32,
    /// Visits not disputed within this many days count as accepted; 0 turns it off (default).
    pub accept_undisputed_after_days: u32,
    /// The monthly report is due on this day of the next month.
    pub report_deadline_day: u32,
    /// Days a one-time confirmation code stays valid.
    pub confirmation_code_days: i64,
    /// An invoice discrepancy at stake within this many cents is rounding.
    pub settlement_tolerance_cents: i64,
    /// Above this many cents due, an invoice needs a checker and a different approver.
    pub settlement_two_person_threshold_cents: i64,
    /// The expense account the accounts-payable export names.
    pub settlement_expense_account: String,
    /// The ocid prefix of the published open contracting data, as registered with the Open
    /// Contracting Partnership. Env: `KUMPPANI_OCID_PREFIX`.
    pub ocid_prefix: String,
    /// Where accessibility feedback goes, shown in the accessibility statement.
    /// Env: `KUMPPANI_ACCESSIBILITY_CONTACT`.
    pub accessibility_contact: String,
}

impl Default for Config {
    fn default() -> Self {
        let s = service::Settings::default();
        Config {
            database_url: DEFAULT_DATABASE.into(),
            listen: "127.0.0.1:8080".into(),
            migrate_on_start: true,
            secure_cookies: false,
            log_format: "text".into(),
            session_idle_minutes: s.session_idle.num_minutes(),
            session_max_hours: s.session_max.num_hours(),
            lockout_after: s.lockout_after,
            lockout_minutes: s.lockout_for.num_minutes(),
            visit_backdating_days: s.delivery.backdating_days,
            own_confirmation_age: s.delivery.own_confirmation_age,
            accept_undisputed_after_days: s.delivery.accept_after_days.unwrap_or(0),
            report_deadline_day: s.delivery.report_deadline_day,
            confirmation_code_days: s.delivery.code_valid_days,
            settlement_tolerance_cents: s.settlement.tolerance.cents(),
            settlement_two_person_threshold_cents: s.settlement.two_person_threshold.cents(),
            settlement_expense_account: s.settlement.expense_account.clone(),
            ocid_prefix: s.ocid_prefix.clone(),
            accessibility_contact: s.accessibility_contact.clone(),
        }
    }
}

fn env_bool(name: &str) -> Result<Option<bool>> {
    match std::env::var(name) {
        Ok(v) => match v.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(Some(true)),
            "0" | "false" | "no" | "off" => Ok(Some(false)),
            other => anyhow::bail!("{name} must be true or false, not {other:?}"),
        },
        Err(_) => Ok(None),
    }
}

impl Config {
    pub fn load(file: Option<&Path>) -> Result<Config> {
        let mut cfg = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!("reading the configuration file {}", path.display())
                })?;
                toml::from_str(&text)
                    .with_context(|| format!("reading the configuration file {}", path.display()))?
            }
            None => Config::default(),
        };
        if let Ok(v) = std::env::var("DATABASE_URL") {
            cfg.database_url = v;
        }
        if let Ok(v) = std::env::var("KUMPPANI_LISTEN") {
            cfg.listen = v;
        }
        if let Some(b) = env_bool("KUMPPANI_MIGRATE_ON_START")? {
            cfg.migrate_on_start = b;
        }
        if let Some(b) = env_bool("KUMPPANI_SECURE_COOKIES")? {
            cfg.secure_cookies = b;
        }
        if let Ok(v) = std::env::var("KUMPPANI_OCID_PREFIX") {
            cfg.ocid_prefix = v;
        }
        if let Ok(v) = std::env::var("KUMPPANI_ACCESSIBILITY_CONTACT") {
            cfg.accessibility_contact = v;
        }
        if let Ok(v) = std::env::var("KUMPPANI_LOG_FORMAT") {
            cfg.log_format = v;
        }
        anyhow::ensure!(
            matches!(cfg.log_format.as_str(), "text" | "json"),
            "log_format must be text or json, not {:?}",
            cfg.log_format
        );
        Ok(cfg)
    }

    pub fn service_settings(&self) -> service::Settings {
        service::Settings {
            session_idle: chrono::Duration::minutes(self.session_idle_minutes),
            session_max: chrono::Duration::hours(self.session_max_hours),
            lockout_after: self.lockout_after,
            lockout_for: chrono::Duration::minutes(self.lockout_minutes),
            delivery: service::DeliverySettings {
                backdating_days: self.visit_backdating_days,
                own_confirmation_age: self.own_confirmation_age,
                accept_after_days: (self.accept_undisputed_after_days > 0)
                    .then_some(self.accept_undisputed_after_days),
                report_deadline_day: self.report_deadline_day.clamp(1, 28),
                code_valid_days: self.confirmation_code_days.max(1),
            },
            throttle: service::throttle::ThrottleSettings::default(),
            settlement: service::SettlementSettings {
                tolerance: domain::money::Money::from_cents(self.settlement_tolerance_cents.max(0)),
                two_person_threshold: domain::money::Money::from_cents(
                    self.settlement_two_person_threshold_cents.max(0),
                ),
                expense_account: self.settlement_expense_account.clone(),
            },
            ocid_prefix: self.ocid_prefix.clone(),
            accessibility_contact: self.accessibility_contact.clone(),
        }
    }

    /// The database location without a password, for messages.
    pub fn database_display(&self) -> String {
        match self.database_url.split_once('@') {
            Some((creds, rest)) if self.database_url.starts_with("postgres") => {
                let scheme = creds.split("://").next().unwrap_or("postgres");
                format!("{scheme}://…@{rest}")
            }
            _ => self.database_url.clone(),
        }
    }
}

pub fn init_tracing(cfg: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("KUMPPANI_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if cfg.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}
