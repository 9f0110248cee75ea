//! Visits a provider's workers log under a payment commitment, and the checks against the lot's
//! service description that the monthly report collects. Checks flag rather than block where a
//! person must judge (seed 001: visits mostly 1–2 a week on weekdays 7–18, evenings and
//! weekends when needed; supervised meetings 1–3 hours, at most 4).

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    HomeVisit,
    Meeting,
    PhoneOrVideo,
    GroupSession,
    SupervisedMeeting,
}

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
