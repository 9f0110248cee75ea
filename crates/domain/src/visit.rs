//! Visits a provider's workers log under a payment commitment, and the checks against the lot's
//! service description that the monthly report collects. Checks flag rather than block where a
//! person must judge (seed 001: visits mostly 1–2 a week on weekdays 7–18, evenings and
//! weekends when needed; supervised meetings 1–3 hours, at most 4).

use crate::validate::FieldErrors;
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    HomeVisit,
    Meeting,
    PhoneOrVideo,
    GroupSession,
    SupervisedMeeting,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    Done,
    /// Cancelled by the client less than a day before: usually billable.
    CancelledLate,
    CancelledEarly,
    CancelledByProvider,
    NoShow,
}

/// A visit as logged.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub commitment: Uuid,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub kind: VisitKind,
    pub status: VisitStatus,
    /// Staff register entries of the provider.
    pub workers: Vec<Uuid>,
    pub participants: u32,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub description: String,
}

impl Visit {
    pub fn minutes(&self) -> i64 {
        (self.end - self.start).num_minutes()
    }
}

/// What the lot and the commitment allow, as the checks need it.
#[derive(Debug, Clone, Default)]
pub struct Limits {
    /// Staff admitted for the lot (the roster of the admitted application).
    pub roster: Vec<Uuid>,
    /// Shortest and longest visit in minutes, where the lot sets them.
    pub min_minutes: Option<i64>,
    pub max_minutes: Option<i64>,
    /// Groups of more than this many need two workers.
    pub pair_work_above: Option<u32>,
    /// Hours per week in the commitment.
    pub hours_per_week: u32,
}

/// Supervised meetings last 1–3 hours, with special consideration at most 4 (seed 000, lot 7).
pub fn supervised_meeting_limits() -> (i64, i64, i64) {
    (60, 180, 240)
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Flag {
    /// A worker not on the lot's admitted roster.
    WorkerNotOnRoster {
        worker: Uuid,
    },
    TooShort {
        minutes: i64,
        min: i64,
    },
    /// Longer than usual: a person judges whether it was justified.
    LongerThanUsual {
        minutes: i64,
        usual: i64,
    },
    TooLong {
        minutes: i64,
        max: i64,
    },
    /// Outside weekdays 7–18: allowed when needed, reported.
    OutsideDaytime,
    PairWorkMissing {
        participants: u32,
        workers: usize,
    },
    /// The week's minutes exceed the commitment's hours.
    WeekOverCommitment {
        minutes: i64,
        allowed: i64,
    },
    /// The month's minutes exceed the commitment's hours for the month's days in its period.
    MonthOverCommitment {
        minutes: i64,
        allowed: i64,
    },
}

/// The checks of one visit against the limits; `week_minutes` is what the week already holds
/// without this visit.
pub fn check(v: &Visit, limits: &Limits, week_minutes: i64) -> Vec<Flag> {
    let mut flags = Vec::new();
    for w in &v.workers {
        if !limits.roster.contains(w) {
            flags.push(Flag::WorkerNotOnRoster { worker: *w });
        }
    }
    let minutes = v.minutes();
    if v.kind == VisitKind::SupervisedMeeting {
        let (min, usual, max) = supervised_meeting_limits();
        if minutes < min {
            flags.push(Flag::TooShort { minutes, min });
        } else if minutes > max {
            flags.push(Flag::TooLong { minutes, max });
        } else if minutes > usual {
            flags.push(Flag::LongerThanUsual { minutes, usual });
        }
    } else {
        if let Some(min) = limits.min_minutes {
            if minutes < min {
                flags.push(Flag::TooShort { minutes, min });
            }
        }
        if let Some(max) = limits.max_minutes {
            if minutes > max {
                flags.push(Flag::TooLong { minutes, max });
            }
        }
    }
    let weekend = matches!(v.date.weekday(), Weekday::Sat | Weekday::Sun);
    let day_start = NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default();
    let day_end = NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default();
    if weekend || v.start < day_start || v.end > day_end {
        flags.push(Flag::OutsideDaytime);
    }
    if let Some(above) = limits.pair_work_above {
        if v.kind == VisitKind::GroupSession && v.participants > above && v.workers.len() < 2 {
            flags.push(Flag::PairWorkMissing {
                participants: v.participants,
                workers: v.workers.len(),
            });
        }
    }
    let counts = v.status == VisitStatus::Done || v.status == VisitStatus::CancelledLate;
    if counts {
        let total = week_minutes + minutes;
        if total > i64::from(limits.hours_per_week) * 60 {
            flags.push(Flag::WeekOverCommitment {
                minutes: total,
                allowed: i64::from(limits.hours_per_week) * 60,
            });
        }
    }
    flags
}

/// Why a visit cannot be logged at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    EndsBeforeStart,
    InTheFuture,
    /// Older than the backdating window.
    TooOld,
    /// In a closed period (a month already reported and approved).
    PeriodClosed,
    OutsideCommitment,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::EndsBeforeStart => "visit-ends-before-start",
            Refusal::InTheFuture => "visit-in-future",
            Refusal::TooOld => "visit-too-old",
            Refusal::PeriodClosed => "visit-period-closed",
            Refusal::OutsideCommitment => "visit-outside-commitment",
        }
    }
}

/// The backdating window: the current month and `days` before it (60 by default).
pub fn earliest_allowed(today: NaiveDate, days: u32) -> NaiveDate {
    let first = today.with_day(1).unwrap_or(today);
    first - Duration::days(i64::from(days))
}

/// Whether a visit may be logged today: the hard rules, before any flag.
pub fn admissible(
    v: &Visit,
    today: NaiveDate,
    backdating_days: u32,
    closed_until: Option<NaiveDate>,
    commitment: (NaiveDate, NaiveDate),
) -> Result<(), Refusal> {
    if v.end <= v.start {
        return Err(Refusal::EndsBeforeStart);
    }
    if v.date > today {
        return Err(Refusal::InTheFuture);
    }
    if v.date < earliest_allowed(today, backdating_days) {
        return Err(Refusal::TooOld);
    }
    if closed_until.is_some_and(|c| v.date <= c) {
        return Err(Refusal::PeriodClosed);
    }
    if v.date < commitment.0 || v.date > commitment.1 {
        return Err(Refusal::OutsideCommitment);
    }
    Ok(())
}

/// The Monday of a date's ISO week, the key of the weekly quantity.
pub fn week_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

impl VisitKind {
    pub const ALL: [VisitKind; 5] = [
        VisitKind::HomeVisit,
        VisitKind::Meeting,
        VisitKind::PhoneOrVideo,
        VisitKind::GroupSession,
        VisitKind::SupervisedMeeting,
    ];

    pub fn code(self) -> &'static str {
        match self {
            VisitKind::HomeVisit => "home_visit",
            VisitKind::Meeting => "meeting",
            VisitKind::PhoneOrVideo => "phone_or_video",
            VisitKind::GroupSession => "group_session",
            VisitKind::SupervisedMeeting => "supervised_meeting",
        }
    }

    pub fn parse(s: &str) -> Option<VisitKind> {
        VisitKind::ALL.into_iter().find(|k| k.code() == s.trim())
    }
}

impl VisitStatus {
    pub const ALL: [VisitStatus; 5] = [
        VisitStatus::Done,
        VisitStatus::CancelledLate,
        VisitStatus::CancelledEarly,
        VisitStatus::CancelledByProvider,
        VisitStatus::NoShow,
    ];

    pub fn code(self) -> &'static str {
        match self {
            VisitStatus::Done => "done",
            VisitStatus::CancelledLate => "cancelled_late",
            VisitStatus::CancelledEarly => "cancelled_early",
            VisitStatus::CancelledByProvider => "cancelled_by_provider",
            VisitStatus::NoShow => "no_show",
        }
    }

    pub fn parse(s: &str) -> Option<VisitStatus> {
        VisitStatus::ALL.into_iter().find(|k| k.code() == s.trim())
    }

    /// Whether the visit's time counts against the commitment and is billed: done, or cancelled
    /// by the client too late for the worker to use the time.
    pub fn billable(self) -> bool {
        matches!(self, VisitStatus::Done | VisitStatus::CancelledLate)
    }
}

impl Flag {
    pub fn code(&self) -> &'static str {
        match self {
            Flag::WorkerNotOnRoster { .. } => "worker_not_on_roster",
            Flag::TooShort { .. } => "too_short",
            Flag::LongerThanUsual { .. } => "longer_than_usual",
            Flag::TooLong { .. } => "too_long",
            Flag::OutsideDaytime => "outside_daytime",
            Flag::PairWorkMissing { .. } => "pair_work_missing",
            Flag::WeekOverCommitment { .. } => "week_over_commitment",
            Flag::MonthOverCommitment { .. } => "month_over_commitment",
        }
    }
}

/// A visit as typed on the page or sent in a row of the bulk API.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitForm {
    /// The provider's own id of the visit (bulk API): sending it again changes nothing.
    pub provider_ref: String,
    pub date: String,
    pub start: String,
    pub end: String,
    pub kind: String,
    pub status: String,
    pub workers: Vec<String>,
    pub participants: String,
    pub place: String,
    pub description: String,
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim().replace('.', ":");
    NaiveTime::parse_from_str(&s, "%H:%M")
        .ok()
        .or_else(|| NaiveTime::parse_from_str(&s, "%H:%M:%S").ok())
}

impl VisitForm {
    /// Checks the form on its own; the commitment's rules come after, in [`admissible`].
    pub fn validate(&self, commitment: Uuid) -> Result<Visit, FieldErrors> {
        let mut e = FieldErrors::default();
        e.optional("id", &self.provider_ref, 100);
        let date = crate::staff::parse_date(&self.date);
        if self.date.trim().is_empty() {
            e.add("date", "required");
        } else if date.is_none() {
            e.add("date", "date-format");
        }
        let start = parse_time(&self.start);
        if self.start.trim().is_empty() {
            e.add("start", "required");
        } else if start.is_none() {
            e.add("start", "time-format");
        }
        let end = parse_time(&self.end);
        if self.end.trim().is_empty() {
            e.add("end", "required");
        } else if end.is_none() {
            e.add("end", "time-format");
        }
        if let (Some(s), Some(en)) = (start, end) {
            if en <= s {
                e.add("end", Refusal::EndsBeforeStart.code());
            }
        }
        let kind = VisitKind::parse(&self.kind);
        if kind.is_none() {
            e.add("kind", "visit-kind-unknown");
        }
        let status = if self.status.trim().is_empty() {
            Some(VisitStatus::Done)
        } else {
            VisitStatus::parse(&self.status)
        };
        if status.is_none() {
            e.add("status", "visit-status-unknown");
        }
        let mut workers = Vec::new();
        for w in self.workers.iter().filter(|w| !w.trim().is_empty()) {
            match Uuid::parse_str(w.trim()) {
                Ok(id) if !workers.contains(&id) => workers.push(id),
                Ok(_) => {}
                Err(_) => e.add("workers", "visit-worker-unknown"),
            }
        }
        if workers.is_empty() && e.get("workers").is_none() {
            e.add("workers", "visit-worker-required");
        }
        let participants = if self.participants.trim().is_empty() {
            Some(1)
        } else {
            self.participants
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=100).contains(n))
        };
        if participants.is_none() {
            e.add("participants", "participants-format");
        }
        let place = e.optional("place", &self.place, 200);
        let description = e.optional("description", &self.description, 2000);
        match (date, start, end, kind, status, participants) {
            (Some(date), Some(start), Some(end), Some(kind), Some(status), Some(participants))
                if e.is_empty() =>
            {
                Ok(Visit {
                    commitment,
                    date,
                    start,
                    end,
                    kind,
                    status,
                    workers,
                    participants,
                    place,
                    description,
                })
            }
            _ => Err(e),
        }
    }
}

/// Where a visit stands with the client or guardian.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmationState {
    Unconfirmed,
    Confirmed,
    Disputed,
    /// On a signed paper report the provider uploaded.
    PaperConfirmed,
    /// Not disputed within the purchaser's set number of days (off by default).
    AcceptedByDefault,
}

impl ConfirmationState {
    pub const ALL: [ConfirmationState; 5] = [
        ConfirmationState::Unconfirmed,
        ConfirmationState::Confirmed,
        ConfirmationState::Disputed,
        ConfirmationState::PaperConfirmed,
        ConfirmationState::AcceptedByDefault,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ConfirmationState::Unconfirmed => "unconfirmed",
            ConfirmationState::Confirmed => "confirmed",
            ConfirmationState::Disputed => "disputed",
            ConfirmationState::PaperConfirmed => "paper_confirmed",
            ConfirmationState::AcceptedByDefault => "accepted_by_default",
        }
    }

    pub fn parse(s: &str) -> Option<ConfirmationState> {
        ConfirmationState::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Whether the family has accepted the visit in one of the ways that count.
    pub fn accepted(self) -> bool {
        matches!(
            self,
            ConfirmationState::Confirmed
                | ConfirmationState::PaperConfirmed
                | ConfirmationState::AcceptedByDefault
        )
    }
}

/// How a confirmation was given.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmationWay {
    /// Signed in as the client or a guardian.
    Account,
    /// With the one-time code the worker handed over at the visit.
    Code,
    Paper,
    Timeout,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub state: ConfirmationState,
    pub way: Option<ConfirmationWay>,
    /// Who confirmed or disputed, by name (a guardian, the client, or the provider for paper).
    #[serde(default)]
    pub by: String,
    pub on: Option<NaiveDate>,
    #[serde(default)]
    pub reason: String,
    /// The uploaded signed report, for paper.
    pub document: Option<Uuid>,
}

impl Default for Confirmation {
    fn default() -> Self {
        Confirmation {
            state: ConfirmationState::Unconfirmed,
            way: None,
            by: String::new(),
            on: None,
            reason: String::new(),
            document: None,
        }
    }
}

/// A visit as stored: what was logged, under which commitment, what the checks found and where
/// its confirmation stands.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitRecord {
    pub visit: Visit,
    /// The commitment's number, the same over its versions.
    pub commitment_number: String,
    pub client: Uuid,
    pub purchaser: Uuid,
    pub provider: Uuid,
    pub provider_ref: Option<String>,
    pub flags: Vec<Flag>,
    pub confirmation: Confirmation,
    /// The user who logged it.
    pub logged_by: String,
}

/// Whether a client may confirm their own visits: from `own_age` on (a minor's own say grows
/// with age; the purchaser sets the age).
pub fn may_confirm_own(age: u32, own_age: u32) -> bool {
    age >= own_age
}

/// Whether an unconfirmed visit counts as accepted on `today` when visits not disputed within
/// `days` are accepted (`None`: off, the default).
pub fn accepted_by_default(visit_date: NaiveDate, today: NaiveDate, days: Option<u32>) -> bool {
    days.is_some_and(|d| (today - visit_date).num_days() > i64::from(d))
}

/// The month's flag: `minutes` counted in the month with this visit against `allowed`.
pub fn month_flag(v: &Visit, minutes: i64, allowed: i64) -> Option<Flag> {
    (v.status.billable() && minutes > allowed)
        .then_some(Flag::MonthOverCommitment { minutes, allowed })
}
