//! Delivery under a payment commitment (seed 001): the start meeting and the service plan with
//! goals that can be evaluated, and the monthly report that evaluates progress against them,
//! lists every visit with its confirmation, and is approved or returned by the social worker.
//! No report, no payment: an approved month is closed to new visits.

use crate::money::Money;
use crate::validate::FieldErrors;
use crate::visit::{ConfirmationState, VisitRecord};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A goal of the plan, each with how it is evaluated.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub text: String,
    pub evaluation: String,
}

/// The service plan made at the start meeting; a change makes a new version.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePlan {
    pub commitment_number: String,
    pub client: Uuid,
    pub provider: Uuid,
    pub version: u32,
    pub meeting_date: NaiveDate,
    /// One participant per line: the child, the family, the social worker, the support worker.
    pub participants: Vec<String>,
    pub goals: Vec<Goal>,
    /// E.g. "6 kuukautta".
    pub estimated_duration: String,
    pub weekly_hours: u32,
    pub evaluation_date: NaiveDate,
    pub saved_by: String,
    pub saved_on: NaiveDate,
}

/// The plan form: goals come as lines "goal | how it is evaluated".
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PlanForm {
    pub meeting_date: String,
    pub participants: String,
    pub goals: String,
    pub estimated_duration: String,
    pub weekly_hours: String,
    pub evaluation_date: String,
}

fn date_field(e: &mut FieldErrors, field: &str, v: &str) -> Option<NaiveDate> {
    if v.trim().is_empty() {
        e.add(field, "required");
        return None;
    }
    let d = crate::staff::parse_date(v);
    if d.is_none() {
        e.add(field, "date-format");
    }
    d
}

impl PlanForm {
    pub fn from_plan(p: &ServicePlan) -> PlanForm {
        PlanForm {
            meeting_date: p.meeting_date.to_string(),
            participants: p.participants.join("\n"),
            goals: p
                .goals
                .iter()
                .map(|g| format!("{} | {}", g.text, g.evaluation))
                .collect::<Vec<_>>()
                .join("\n"),
            estimated_duration: p.estimated_duration.clone(),
            weekly_hours: p.weekly_hours.to_string(),
            evaluation_date: p.evaluation_date.to_string(),
        }
    }

    /// The plan's own fields; who, which commitment and which version come from the caller.
    #[allow(clippy::type_complexity)]
    pub fn validate(
        &self,
    ) -> Result<(NaiveDate, Vec<String>, Vec<Goal>, String, u32, NaiveDate), FieldErrors> {
        let mut e = FieldErrors::default();
        let meeting = date_field(&mut e, "meeting_date", &self.meeting_date);
        let participants: Vec<String> = self
            .participants
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if participants.is_empty() {
            e.add("participants", "required");
        }
        let mut goals = Vec::new();
        for line in self.goals.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match line.split_once('|') {
                Some((g, ev)) if !g.trim().is_empty() && !ev.trim().is_empty() => {
                    goals.push(Goal {
                        text: g.trim().to_owned(),
                        evaluation: ev.trim().to_owned(),
                    })
                }
                _ => {
                    if e.get("goals").is_none() {
                        e.add("goals", "goal-evaluation-required");
                    }
                }
            }
        }
        if goals.is_empty() && e.get("goals").is_none() {
            e.add("goals", "required");
        }
        let duration = e.required("estimated_duration", &self.estimated_duration, 100);
        let hours = self
            .weekly_hours
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|h| *h <= 60);
        if hours.is_none() {
            e.add("weekly_hours", "hours-format");
        }
        let evaluation = date_field(&mut e, "evaluation_date", &self.evaluation_date);
        if let (Some(m), Some(ev)) = (meeting, evaluation) {
            if ev < m {
                e.add("evaluation_date", "evaluation-before-meeting");
            }
        }
        match (meeting, hours, evaluation) {
            (Some(m), Some(h), Some(ev)) if e.is_empty() => {
                Ok((m, participants, goals, duration, h, ev))
            }
            _ => Err(e),
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Draft,
    Submitted,
    Returned,
    Approved,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 4] = [
        ReportStatus::Draft,
        ReportStatus::Submitted,
        ReportStatus::Returned,
        ReportStatus::Approved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Returned => "returned",
            ReportStatus::Approved => "approved",
        }
    }

    /// Whether the provider may still write it.
    pub fn editable(self) -> bool {
        matches!(self, ReportStatus::Draft | ReportStatus::Returned)
    }
}

/// Progress on one goal of the plan: a rating 1 (no progress) – 5 (reached) and words.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalProgress {
    pub goal: String,
    pub rating: Option<u8>,
    pub text: String,
}

/// A step in the report's life, for the record shown on its page.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportEvent {
    pub on: NaiveDate,
    pub status: ReportStatus,
    pub by: String,
    #[serde(default)]
    pub note: String,
}

/// The monthly report of one commitment and month.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyReport {
    pub commitment_number: String,
    pub client: Uuid,
    pub provider: Uuid,
    /// The first day of the month.
    pub month: NaiveDate,
    pub status: ReportStatus,
    pub progress: Vec<GoalProgress>,
    pub gone_through_with_family: bool,
    pub summary: String,
    pub deadline: NaiveDate,
    pub submitted_on: Option<NaiveDate>,
    /// Visits still unconfirmed when it was last submitted, so the social worker sees them.
    #[serde(default)]
    pub unconfirmed_at_submission: Vec<Uuid>,
    /// The social worker's comments when returning or approving.
    #[serde(default)]
    pub comments: String,
    #[serde(default)]
    pub history: Vec<ReportEvent>,
}

/// The first day of the month of `d`.
pub fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The last day of the month that starts on `first`.
pub fn month_end(first: NaiveDate) -> NaiveDate {
    month_of(first)
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(first)
}

/// Parses "2026-11" (or a full date) as the month's first day.
pub fn parse_month(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
        .ok()
        .or_else(|| crate::staff::parse_date(s).map(month_of))
}

/// The report of a month is due on `day` of the next month (the 5th by default).
pub fn report_deadline(month: NaiveDate, day: u32) -> NaiveDate {
    let next = month_of(month)
        .checked_add_months(Months::new(1))
        .unwrap_or(month);
    next.with_day(day.clamp(1, 28)).unwrap_or(next)
}

/// Where a month's report stands against its deadline, for the provider's reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// Due within `days` days.
    DueSoon { days: i64 },
    /// Past the deadline by `days` days.
    Overdue { days: i64 },
}

/// A reminder is shown from a week before the deadline until the report is submitted.
pub fn reminder(deadline: NaiveDate, today: NaiveDate, submitted: bool) -> Option<Reminder> {
    if submitted {
        return None;
    }
    let left = (deadline - today).num_days();
    if left < 0 {
        Some(Reminder::Overdue { days: -left })
    } else if left <= 7 {
        Some(Reminder::DueSoon { days: left })
    } else {
        None
    }
}

/// The figures of a month against the commitment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Totals {
    pub visits: usize,
    pub done: usize,
    pub cancelled: usize,
    /// Minutes that count: done, and cancelled by the client too late.
    pub billable_minutes: i64,
    /// What the commitment allows for the days of the month in its period.
    pub allowed_minutes: i64,
    pub confirmed: usize,
    pub disputed: usize,
    pub unconfirmed: usize,
    /// Billable hours at the unit price, to the cent.
    pub amount: Money,
    /// Work participation money the provider pays the client for the month, when the lot
    /// carries it ([`crate::work_money::work_money`]); set by whoever knows the lot.
    pub work_money: Option<crate::work_money::WorkMoney>,
}

/// Totals of a month's visits against the commitment's weekly hours and unit price.
pub fn totals(
    visits: &[VisitRecord],
    month: NaiveDate,
    period: (NaiveDate, NaiveDate),
    hours_per_week: u32,
    unit_price: Money,
) -> Totals {
    let mut t = Totals::default();
    for v in visits {
        t.visits += 1;
        if v.visit.status == crate::visit::VisitStatus::Done {
            t.done += 1;
        } else {
            t.cancelled += 1;
        }
        if v.visit.status.billable() {
            t.billable_minutes += v.visit.minutes();
        }
        match v.confirmation.state {
            ConfirmationState::Disputed => t.disputed += 1,
            s if s.accepted() => t.confirmed += 1,
            _ => t.unconfirmed += 1,
        }
    }
    t.allowed_minutes = allowed_minutes(month, period, hours_per_week);
    // Price per hour × minutes / 60, rounded half up to the cent.
    let cents = unit_price.cents() * t.billable_minutes;
    t.amount = Money::from_cents((cents + 30) / 60);
    t
}

/// What a commitment allows in a month: its weekly hours for the month's days in its period.
pub fn allowed_minutes(
    month: NaiveDate,
    period: (NaiveDate, NaiveDate),
    hours_per_week: u32,
) -> i64 {
    let first = month_of(month).max(period.0);
    let last = month_end(month).min(period.1);
    let days = if last >= first {
        (last - first).num_days() + 1
    } else {
        0
    };
    i64::from(hours_per_week) * 60 * days / 7
}

/// The report form as submitted: ratings and texts per goal, in the plan's order.
#[derive(Debug, Clone, Default)]
pub struct ReportForm {
    pub ratings: Vec<String>,
    pub texts: Vec<String>,
    pub gone_through_with_family: bool,
    pub summary: String,
}

impl ReportForm {
    /// Checks what the provider wrote. `submit` asks for everything a submitted report needs:
    /// a rating and words for each goal, and the summary.
    pub fn validate(
        &self,
        goals: &[Goal],
        submit: bool,
    ) -> Result<(Vec<GoalProgress>, String), FieldErrors> {
        let mut e = FieldErrors::default();
        let mut progress = Vec::new();
        for (i, g) in goals.iter().enumerate() {
            let raw = self.ratings.get(i).map(|s| s.trim()).unwrap_or("");
            let rating = if raw.is_empty() {
                None
            } else {
                match raw.parse::<u8>() {
                    Ok(r) if (1..=5).contains(&r) => Some(r),
                    _ => {
                        e.add(&format!("rating_{i}"), "rating-format");
                        None
                    }
                }
            };
            let text = e.optional(
                &format!("progress_{i}"),
                self.texts.get(i).map(String::as_str).unwrap_or(""),
                4000,
            );
            if submit {
                if rating.is_none() && raw.is_empty() {
                    e.add(&format!("rating_{i}"), "required");
                }
                if text.is_empty() {
                    e.add(&format!("progress_{i}"), "required");
                }
            }
            progress.push(GoalProgress {
                goal: g.text.clone(),
                rating,
                text,
            });
        }
        let summary = if submit {
            e.required("summary", &self.summary, 8000)
        } else {
            e.optional("summary", &self.summary, 8000)
        };
        if e.is_empty() {
            Ok((progress, summary))
        } else {
            Err(e)
        }
    }
}
