//! Versions of client documents, never overwrites (Client Data Act 703/2023, 22 §). When a
//! client's record, a need and its decision, a payment commitment, a visit or a monthly report
//! changes, the content it had is kept as a version with who replaced it, when and why. The
//! storage keeps the versions beside the record; this module names the reasons and orders
//! what is shown.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Why a version was replaced: the step that changed the record. Each has a sentence in the
/// Fluent files (`version-reason-<code>`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The provider saved a draft of a report again.
    Saved,
    /// The provider submitted a report.
    Submitted,
    /// The social worker returned a report with comments.
    Returned,
    /// The social worker approved a report.
    Approved,
    /// The family (or a paper form) answered a visit.
    Answered,
    /// The provider corrected a visit it had logged.
    Corrected,
    /// The steering group recommended on a need.
    Recommended,
    /// The need was decided (granted or closed).
    Decided,
    /// A provider offered in a need's competition.
    Offered,
    /// The purchaser chose a competition's winner.
    Awarded,
    /// The provider accepted a commitment.
    Accepted,
    /// The provider declined a commitment.
    Declined,
    /// A newer accepted version replaced the commitment.
    Superseded,
    /// The commitment was terminated.
    Terminated,
    /// The end of the customership or the date of death was recorded.
    Ended,
}

impl Reason {
    pub const ALL: [Reason; 15] = [
        Reason::Saved,
        Reason::Submitted,
        Reason::Returned,
        Reason::Approved,
        Reason::Answered,
        Reason::Corrected,
        Reason::Recommended,
        Reason::Decided,
        Reason::Offered,
        Reason::Awarded,
        Reason::Accepted,
        Reason::Declined,
        Reason::Superseded,
        Reason::Terminated,
        Reason::Ended,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Reason::Saved => "saved",
            Reason::Submitted => "submitted",
            Reason::Returned => "returned",
            Reason::Approved => "approved",
            Reason::Answered => "answered",
            Reason::Corrected => "corrected",
            Reason::Recommended => "recommended",
            Reason::Decided => "decided",
            Reason::Offered => "offered",
            Reason::Awarded => "awarded",
            Reason::Accepted => "accepted",
            Reason::Declined => "declined",
            Reason::Superseded => "superseded",
            Reason::Terminated => "terminated",
            Reason::Ended => "ended",
        }
    }

    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == s)
    }
}

/// Who replaced a record's content, and why. `note` is what the person wrote with the step
/// (a report's return comments, a dispute's reason), empty when nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub by: String,
    pub reason: Reason,
    pub note: String,
}

impl Change {
    pub fn new(by: &str, reason: Reason) -> Change {
        Change {
            by: by.to_owned(),
            reason,
            note: String::new(),
        }
    }

    pub fn with_note(mut self, note: &str) -> Change {
        self.note = note.chars().take(4000).collect();
        self
    }
}

/// One earlier content of a record: the number counts from 1 for the first content the record
/// had; `written_at` is when that content was written, `replaced_at` when the change in
/// `reason` replaced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version<T> {
    pub number: u32,
    pub status: String,
    pub content: T,
    pub written_at: DateTime<Utc>,
    pub replaced_at: DateTime<Utc>,
    pub replaced_by: String,
    pub reason: Reason,
    pub note: String,
}

/// The versions to show, the newest first: the reader asks "what did it say before this
/// change", and the latest change is the one that matters most often.
pub fn newest_first<T>(mut versions: Vec<Version<T>>) -> Vec<Version<T>> {
    versions.sort_by_key(|v| std::cmp::Reverse(v.number));
    versions
}
