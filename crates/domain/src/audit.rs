//! The access and audit log (Client Data Act 703/2023, 10 §): who did what to which record, on
//! whose register, for what purpose, when, and with what outcome.
//!
//! Entries are chained: each carries the hash of the one before it, so an entry edited or removed
//! directly in the database breaks the chain at that point and `kumppani audit verify` names it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The hash the first entry links to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What was done.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Read,
    List,
    Search,
    Create,
    Update,
    Deactivate,
    SignIn,
    SignOut,
    /// Client data given outside the register's organisation (703/2023 10 § 3 mom): the
    /// details name the recipient, the legal basis and what was given ([`Disclosure`]).
    Disclose,
    /// A record destroyed when its retention period ran out (703/2023 24 §); the destruction
    /// log names the rule.
    Destroy,
}

impl AuditAction {
    pub const ALL: [AuditAction; 10] = [
        AuditAction::Read,
        AuditAction::List,
        AuditAction::Search,
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Deactivate,
        AuditAction::SignIn,
        AuditAction::SignOut,
        AuditAction::Disclose,
        AuditAction::Destroy,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuditAction::Read => "read",
            AuditAction::List => "list",
            AuditAction::Search => "search",
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Deactivate => "deactivate",
            AuditAction::SignIn => "sign_in",
            AuditAction::SignOut => "sign_out",
            AuditAction::Disclose => "disclose",
            AuditAction::Destroy => "destroy",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == s)
    }
}

/// How it ended.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    /// The access policy refused it.
    Denied,
    /// It was allowed but failed (bad input, wrong password).
    Failed,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Ok, Outcome::Denied, Outcome::Failed];

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == s)
    }
}

/// The kind of record an entry is about.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Organisation,
    ServiceUnit,
    User,
    Session,
    AuditLog,
    Procurement,
    Lot,
    Application,
    StaffMember,
    Evidence,
    /// The register of admitted providers (searches).
    ProviderRegister,
    Client,
    ServiceNeed,
    Commitment,
    Budget,
    Visit,
    ServicePlan,
    MonthlyReport,
    ApiKey,
    /// A purchase invoice from a provider (it never names a client).
    Invoice,
    /// An agreement, its versions and the volumes reported under it (they never name a client).
    Agreement,
    /// The purchaser's follow-up figures over many records (processing times, the providers'
    /// scorecard); they never name a client.
    FollowUp,
    /// A cost-sharing agreement, its bases, the host's costs and its quarters (no client data).
    CostSharing,
    /// A recharge invoice from the host of a cost-sharing agreement to one party.
    Recharge,
    /// A register of people (experts, conveners, work supervisors, mentors, foster families).
    Register,
    /// A person or family in such a register.
    RegisterEntry,
    /// A client's request for their own log data (703/2023 11 §).
    LogRequest,
    /// A deviation in a purchased service or a serious-incident notification.
    Deviation,
    /// A page or API address that was refused without a record found to name: the gate's
    /// backstop row (see `service::gate`).
    Address,
}

impl RecordKind {
    pub const ALL: [RecordKind; 29] = [
        RecordKind::Organisation,
        RecordKind::ServiceUnit,
        RecordKind::User,
        RecordKind::Session,
        RecordKind::AuditLog,
        RecordKind::Procurement,
        RecordKind::Lot,
        RecordKind::Application,
        RecordKind::StaffMember,
        RecordKind::Evidence,
        RecordKind::ProviderRegister,
        RecordKind::Client,
        RecordKind::ServiceNeed,
        RecordKind::Commitment,
        RecordKind::Budget,
        RecordKind::Visit,
        RecordKind::ServicePlan,
        RecordKind::MonthlyReport,
        RecordKind::ApiKey,
        RecordKind::Invoice,
        RecordKind::Agreement,
        RecordKind::FollowUp,
        RecordKind::CostSharing,
        RecordKind::Recharge,
        RecordKind::Register,
        RecordKind::RegisterEntry,
        RecordKind::LogRequest,
        RecordKind::Deviation,
        RecordKind::Address,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RecordKind::Organisation => "organisation",
            RecordKind::ServiceUnit => "service_unit",
            RecordKind::User => "user",
            RecordKind::Session => "session",
            RecordKind::AuditLog => "audit_log",
            RecordKind::Procurement => "procurement",
            RecordKind::Lot => "lot",
            RecordKind::Application => "application",
            RecordKind::StaffMember => "staff_member",
            RecordKind::Evidence => "evidence",
            RecordKind::ProviderRegister => "provider_register",
            RecordKind::Client => "client",
            RecordKind::ServiceNeed => "service_need",
            RecordKind::Commitment => "commitment",
            RecordKind::Budget => "budget",
            RecordKind::Visit => "visit",
            RecordKind::ServicePlan => "service_plan",
            RecordKind::MonthlyReport => "monthly_report",
            RecordKind::ApiKey => "api_key",
            RecordKind::Invoice => "invoice",
            RecordKind::Agreement => "agreement",
            RecordKind::FollowUp => "follow_up",
            RecordKind::CostSharing => "cost_sharing",
            RecordKind::Recharge => "recharge",
            RecordKind::Register => "register",
            RecordKind::RegisterEntry => "register_entry",
            RecordKind::LogRequest => "log_request",
            RecordKind::Deviation => "deviation",
            RecordKind::Address => "address",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == s)
    }
}

/// Why the data was used; the Act asks for the purpose of each use.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Administering organisations, units, users and rights.
    Administration,
    Authentication,
    /// Supervising use of the registers (the auditor's own reads).
    Supervision,
    /// Procurement and admission of providers.
    Procurement,
    /// Work with clients: needs, decisions, commitments (Client Data Act 703/2023).
    ClientWork,
    /// Receiving, checking and paying providers' invoices.
    Settlement,
    /// Keeping and using the region's shared registers of people (seed 002): experts,
    /// conveners, work supervisors, mentors, foster and support families.
    RegionalCooperation,
}

impl Purpose {
    pub const ALL: [Purpose; 7] = [
        Purpose::Administration,
        Purpose::Authentication,
        Purpose::Supervision,
        Purpose::Procurement,
        Purpose::ClientWork,
        Purpose::Settlement,
        Purpose::RegionalCooperation,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::Administration => "administration",
            Purpose::Authentication => "authentication",
            Purpose::Supervision => "supervision",
            Purpose::Procurement => "procurement",
            Purpose::ClientWork => "client_work",
            Purpose::Settlement => "settlement",
            Purpose::RegionalCooperation => "regional_cooperation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == s)
    }
}

/// The legal basis on which a provider receives client data: it produces the service on the
/// county's behalf under the payment commitment, and the county stays the controller
/// (703/2023 14 §).
pub const BASIS_PURCHASED_SERVICE: &str = "703/2023 14 § (purchased service)";

/// A disclosure of client data, as its log row says it: to whom (the organisation, by name and
/// business ID), on what legal basis, and what was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure<'a> {
    pub recipient: &'a str,
    pub basis: &'a str,
    pub what: &'a str,
}

impl Disclosure<'_> {
    /// The row's details: `to RECIPIENT; basis BASIS; WHAT`.
    pub fn details(&self) -> String {
        format!("to {}; basis {}; {}", self.recipient, self.basis, self.what)
    }
}

/// One entry as a use case describes it, before it is numbered and chained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub actor_id: Option<Uuid>,
    /// The user name as typed for failed sign-ins; the account's user name otherwise.
    pub actor_name: String,
    pub actor_org: Option<Uuid>,
    pub actor_unit: Option<Uuid>,
    pub action: AuditAction,
    pub outcome: Outcome,
    pub record_kind: RecordKind,
    /// The record, or none for list views and searches.
    pub record_id: Option<Uuid>,
    /// Whose register the record belongs to: the controller organisation.
    pub register_owner: Option<Uuid>,
    /// The person the data is about, where there is one (a user now; clients later).
    pub subject_id: Option<Uuid>,
    /// Every other person whose data was shown: the clients of a list view, the guardians on a
    /// client's page (Client Data Act 703/2023, 10 §: whose data was used).
    pub subjects: Vec<Uuid>,
    pub purpose: Purpose,
    /// Free detail such as the filter of a list view or the fields changed. Never identity codes.
    pub details: String,
    /// Whether the actor was a provider's system calling with an API key. Not stored: a read
    /// of client data that way is also a disclosure, which the writer logs beside it.
    pub via_api_key: bool,
    /// The reason code of an exceptional access outside the worker's team and responsibility
    /// ([`crate::access::AccessReason`]); empty for an access by task. Flagged for the
    /// county's follow-up (703/2023 9 §).
    pub exception: String,
}

/// A stored, chained entry.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub actor_org: Option<Uuid>,
    pub actor_unit: Option<Uuid>,
    pub action: String,
    pub outcome: String,
    pub record_kind: String,
    pub record_id: Option<Uuid>,
    pub register_owner: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    pub subjects: Vec<Uuid>,
    pub purpose: String,
    pub details: String,
    /// The reason code of an exceptional access; empty for none.
    pub exception: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// Numbers and chains an event. `at` is truncated to microseconds, the precision both
    /// databases keep, so that the hash can be recomputed from what was stored.
    pub fn chain(seq: i64, id: Uuid, at: DateTime<Utc>, prev_hash: &str, e: AuditEvent) -> Self {
        let at = truncate_micros(at);
        let mut entry = AuditEntry {
            seq,
            id,
            at,
            actor_id: e.actor_id,
            actor_name: e.actor_name,
            actor_org: e.actor_org,
            actor_unit: e.actor_unit,
            action: e.action.code().to_owned(),
            outcome: e.outcome.code().to_owned(),
            record_kind: e.record_kind.code().to_owned(),
            record_id: e.record_id,
            register_owner: e.register_owner,
            subject_id: e.subject_id,
            subjects: e.subjects,
            purpose: e.purpose.code().to_owned(),
            details: e.details,
            exception: e.exception,
            prev_hash: prev_hash.to_owned(),
            hash: String::new(),
        };
        entry.hash = entry.compute_hash();
        entry
    }

    /// The SHA-256 over every field but the hash itself, each length-prefixed so that no two
    /// different entries can produce the same input.
    pub fn compute_hash(&self) -> String {
        let opt = |u: Option<Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
        let fields: [String; 16] = [
            self.seq.to_string(),
            self.id.to_string(),
            self.at.timestamp_micros().to_string(),
            opt(self.actor_id),
            self.actor_name.clone(),
            opt(self.actor_org),
            opt(self.actor_unit),
            self.action.clone(),
            self.outcome.clone(),
            self.record_kind.clone(),
            opt(self.record_id),
            opt(self.register_owner),
            opt(self.subject_id),
            self.purpose.clone(),
            self.details.clone(),
            self.prev_hash.clone(),
        ];
        let mut h = Sha256::new();
        for f in &fields {
            h.update((f.len() as u64).to_be_bytes());
            h.update(f.as_bytes());
        }
        // Entries from before subjects were kept have none, and hash as they always did.
        if !self.subjects.is_empty() {
            let f = subjects_text(&self.subjects);
            h.update((f.len() as u64).to_be_bytes());
            h.update(f.as_bytes());
        }
        // Likewise the flag of an exceptional access, kept since access by task.
        if !self.exception.is_empty() {
            h.update(b"exception");
            h.update((self.exception.len() as u64).to_be_bytes());
            h.update(self.exception.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

/// The subjects as stored: ids separated by spaces.
pub fn subjects_text(subjects: &[Uuid]) -> String {
    subjects
        .iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The stored subjects back as ids; what does not parse is left out.
pub fn parse_subjects(text: &str) -> Vec<Uuid> {
    text.split_whitespace()
        .filter_map(|s| Uuid::parse_str(s).ok())
        .collect()
}

pub fn truncate_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

/// Where a chain first goes wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry's content does not match its own hash: it was edited.
    Altered { seq: i64 },
    /// The entry does not link to the one before it: something before it was removed or
    /// reordered, or the link itself was edited.
    Unlinked { seq: i64 },
    /// Sequence numbers jump: entries were removed.
    Gap { after: i64, next: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::Altered { seq } => {
                write!(
                    f,
                    "entry {seq} has been altered: its content does not match its hash"
                )
            }
            ChainBreak::Unlinked { seq } => write!(
                f,
                "entry {seq} does not link to the entry before it: the chain is broken there"
            ),
            ChainBreak::Gap { after, next } => {
                write!(f, "entries between {after} and {next} are missing")
            }
        }
    }
}

/// Checks entries in sequence order, continuing a chain whose previous entry had `prev`
/// (`(seq, hash)`, or `None` at the start). Returns the state to continue from.
pub fn verify_chain<'a>(
    prev: Option<(i64, String)>,
    entries: impl IntoIterator<Item = &'a AuditEntry>,
) -> Result<Option<(i64, String)>, ChainBreak> {
    let mut prev = prev;
    for e in entries {
        let expected_prev = prev
            .as_ref()
            .map(|(_, h)| h.as_str())
            .unwrap_or(GENESIS_HASH);
        if let Some((pseq, _)) = &prev {
            if e.seq != pseq + 1 {
                return Err(ChainBreak::Gap {
                    after: *pseq,
                    next: e.seq,
                });
            }
        }
        if e.compute_hash() != e.hash {
            return Err(ChainBreak::Altered { seq: e.seq });
        }
        if e.prev_hash != expected_prev {
            return Err(ChainBreak::Unlinked { seq: e.seq });
        }
        prev = Some((e.seq, e.hash.clone()));
    }
    Ok(prev)
}
