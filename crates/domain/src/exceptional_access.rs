//! A county worker's exceptional access to a client outside their team and responsibility
//! (Client Data Act 703/2023, 9 §: access follows the task). The worker states a reason code,
//! and for "other" the reason in words; the access is then open to that worker for that
//! client for [`VALID_HOURS`], every read in it is flagged in the access log with the code,
//! and the county follows the flagged entries up from the log.

use crate::access::AccessReason;
use crate::validate::FieldErrors;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long one stated reason keeps the client open to the worker: a working day's task.
pub const VALID_HOURS: i64 = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionalAccess {
    pub user: Uuid,
    pub user_name: String,
    pub reason: AccessReason,
    /// The reason in words; required for [`AccessReason::Other`].
    pub note: String,
    pub at: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

impl ExceptionalAccess {
    pub fn in_force(&self, user: Uuid, now: DateTime<Utc>) -> bool {
        self.user == user && self.at <= now && now < self.until
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExceptionForm {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
}

impl ExceptionForm {
    /// The reason and its words, or what is wrong next to the field.
    pub fn read(&self) -> Result<(AccessReason, String), FieldErrors> {
        let mut e = FieldErrors::default();
        let reason = AccessReason::parse(&self.reason);
        if reason.is_none() {
            e.add("reason", "required");
        }
        let note = e.optional("note", &self.note, 500);
        if reason == Some(AccessReason::Other) && note.is_empty() {
            e.add("note", "exception-note-required");
        }
        match reason {
            Some(r) if e.is_empty() => Ok((r, note)),
            _ => Err(e),
        }
    }
}

/// The access opened now for [`VALID_HOURS`].
pub fn open(
    user: Uuid,
    user_name: &str,
    reason: AccessReason,
    note: String,
    now: DateTime<Utc>,
) -> ExceptionalAccess {
    ExceptionalAccess {
        user,
        user_name: user_name.to_owned(),
        reason,
        note,
        at: now,
        until: now + Duration::hours(VALID_HOURS),
    }
}
