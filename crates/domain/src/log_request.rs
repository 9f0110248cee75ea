//! A client's request for their own log data (Client Data Act 703/2023, 11 §): who used or
//! received the client's data, when, and on what basis.
//!
//! The law's terms, which this module keeps:
//!
//! - the client (or a guardian for a child) asks, and gets the report free of charge within
//!   two months of the request;
//! - log data older than two years are given only for a special reason, which the request
//!   states;
//! - the county may refuse where giving the data would seriously endanger the client's
//!   health or care or another person's rights; a refusal is a written decision with its
//!   reasons and appeal instructions (the Data Protection Ombudsman, GDPR article 77).
//!
//! The report is the access log's own entries about the client (as the record, its subject,
//! or one of the people a list showed), taken as they stand when the request is answered and
//! kept with the answer, so that what the client was given can be shown later as it was.

use crate::validate::FieldErrors;
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Months from the request within which it must be answered (703/2023 11 § 1 mom).
pub const ANSWER_MONTHS: u32 = 2;
/// Log data older than this many years need a special reason (703/2023 11 § 1 mom).
pub const PLAIN_YEARS: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogRequestStatus {
    Pending,
    Delivered,
    Refused,
}

impl LogRequestStatus {
    pub fn code(self) -> &'static str {
        match self {
            LogRequestStatus::Pending => "pending",
            LogRequestStatus::Delivered => "delivered",
            LogRequestStatus::Refused => "refused",
        }
    }
}

/// One use of the client's data, as the report gives it to a lay reader: who (name and
/// organisation), when, what was done to which kind of record, and why (the purpose).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub at: DateTime<Utc>,
    pub who: String,
    pub organisation: String,
    /// The access log's codes: `read`, `list`…; `client`, `visit`…; `client_work`….
    pub action: String,
    pub record_kind: String,
    pub purpose: String,
}

/// The answer to a request: the report, or the decision refusing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogAnswer {
    pub by: String,
    pub at: DateTime<Utc>,
    /// For a refusal: the reasons of the decision. Empty for a report.
    pub reasons: String,
    pub lines: Vec<LogLine>,
}

/// A request for a client's log data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRequest {
    /// Whose data: the client in the county's register.
    pub client: Uuid,
    pub client_name: String,
    /// Who asked: the client or a guardian, by their person in the register.
    pub requester: Uuid,
    pub requester_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Why data older than two years are asked for; empty when they are not.
    pub reason: String,
    pub requested_at: DateTime<Utc>,
    pub due: NaiveDate,
    pub status: LogRequestStatus,
    pub answer: Option<LogAnswer>,
}

impl LogRequest {
    /// Whether the answer is late: still pending after its due date.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status == LogRequestStatus::Pending && today > self.due
    }
}

/// The due date of a request made on `day`: two months later.
pub fn due_date(day: NaiveDate) -> NaiveDate {
    day.checked_add_months(Months::new(ANSWER_MONTHS))
        .unwrap_or(day)
}

/// A request as typed: whose data, the period, and the reason for older data.
#[derive(Debug, Clone, Default)]
pub struct LogRequestForm {
    pub client: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

/// A request read from its form: the client's id as given and the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadRequest {
    pub client: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
}

impl LogRequestForm {
    /// Reads the form on `today`. An empty start asks for the two years before today; a
    /// start more than two years back needs a reason; the period ends today at the latest.
    pub fn read(&self, today: NaiveDate) -> Result<ReadRequest, FieldErrors> {
        let mut e = FieldErrors::default();
        let client = Uuid::parse_str(self.client.trim()).ok();
        if client.is_none() {
            e.add("client", "required");
        }
        let plain_from = today
            .checked_sub_months(Months::new(PLAIN_YEARS * 12))
            .unwrap_or(today);
        let date = |e: &mut FieldErrors, field: &str, s: &str, default: NaiveDate| {
            if s.trim().is_empty() {
                return Some(default);
            }
            let d = crate::staff::parse_date(s);
            if d.is_none() {
                e.add(field, "date-format");
            }
            d
        };
        let from = date(&mut e, "from", &self.from, plain_from);
        let to = date(&mut e, "to", &self.to, today);
        let reason = e.optional("reason", &self.reason, 2000);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                e.add("to", "date-range");
            } else if t > today {
                e.add("to", "date-in-future");
            }
            if f < plain_from && reason.is_empty() {
                e.add("reason", "log-reason-required");
            }
        }
        match (client, from, to) {
            (Some(client), Some(from), Some(to)) if e.is_empty() => Ok(ReadRequest {
                client,
                from,
                to,
                reason,
            }),
            _ => Err(e),
        }
    }
}

/// Reads a refusal's reasons: required, as the decision must give them.
pub fn read_refusal(reasons: &str) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    let r = e.required("reasons", reasons, 4000);
    if e.is_empty() {
        Ok(r)
    } else {
        Err(e)
    }
}
