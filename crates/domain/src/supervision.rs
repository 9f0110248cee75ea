//! The county's supervision of the services it buys (Act on the Supervision of Social and
//! Health Care 741/2023, 23–25 § and 29 §; Act on Organising Social and Health Care 612/2021,
//! 15 §): a deviation found in a monthly report, a family's dispute, an inspection or a
//! complaint gets a correction deadline; the provider answers what it did; and when the
//! deadline passes uncorrected the county decides a measure — a fee reduction for the months
//! the deviation lasts, which the invoice match applies ([`reduction_for`]), and finally the
//! termination of the commitment or contract. Every step is kept with who took it, when and
//! why.
//!
//! A provider notifies a serious incident (741/2023 29 §: an event or deficiency that has
//! endangered or may endanger a client's safety) on its own form. The notification is a
//! deviation of its own kind with a deadline for the county's response: the county answers it
//! either by closing it with its assessment or by setting a correction deadline.
//!
//! A deviation names a provider and, where it concerns one client's service, the commitment
//! number. Its text is about the service, not the person: the client's own data stays in the
//! client's records, where access follows the commitment.

use crate::calendar::{deadline, DayCount};
use crate::delivery::{month_of, parse_month};
use crate::validate::FieldErrors;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Working days the county has to respond to a serious-incident notification.
pub const INCIDENT_RESPONSE_WORKING_DAYS: u32 = 5;
/// The fee reduction a form proposes, in hundredths of a percent (10 %).
pub const DEFAULT_REDUCTION_BP: i64 = 1_000;

/// Where the deviation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Found in a provider's monthly report.
    Report,
    /// A family disputed visits.
    Dispute,
    /// The county's own inspection (741/2023 23 §: the organiser supervises the provider).
    Inspection,
    /// A complaint or a suggestion from a client or a third party.
    Complaint,
    /// The provider's own serious-incident notification (741/2023 29 §).
    Incident,
}

impl Source {
    /// The sources the county records; an incident comes from the provider.
    pub const RECORDED: [Source; 4] = [
        Source::Report,
        Source::Dispute,
        Source::Inspection,
        Source::Complaint,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Source::Report => "report",
            Source::Dispute => "dispute",
            Source::Inspection => "inspection",
            Source::Complaint => "complaint",
            Source::Incident => "incident",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        [Source::Incident]
            .into_iter()
            .chain(Source::RECORDED)
            .find(|x| x.code() == s.trim())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A serious-incident notification waiting for the county's response.
    Notified,
    /// Waiting for the provider's correction by the deadline.
    Open,
    /// The provider says it corrected it; the county reviews.
    Answered,
    /// Closed: corrected, or an incident assessed with nothing to correct.
    Closed,
    /// Closed by terminating the commitment or contract.
    Terminated,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Notified => "notified",
            Status::Open => "open",
            Status::Answered => "answered",
            Status::Closed => "closed",
            Status::Terminated => "terminated",
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, Status::Closed | Status::Terminated)
    }
}

/// A step in a deviation's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The county recorded the deviation with its deadline.
    Found,
    /// The provider notified a serious incident.
    Notified,
    /// The provider said what it corrected.
    Answered,
    /// The county found the correction insufficient; the deviation stays open.
    Returned,
    /// The county accepted the correction (or closed an incident with its assessment).
    Accepted,
    /// The county set a correction deadline on an incident.
    DeadlineSet,
    /// The county decided a fee reduction.
    FeeReduction,
    /// The county decided to terminate.
    Termination,
}

impl StepKind {
    pub fn code(self) -> &'static str {
        match self {
            StepKind::Found => "found",
            StepKind::Notified => "notified",
            StepKind::Answered => "answered",
            StepKind::Returned => "returned",
            StepKind::Accepted => "accepted",
            StepKind::DeadlineSet => "deadline_set",
            StepKind::FeeReduction => "fee_reduction",
            StepKind::Termination => "termination",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub kind: StepKind,
    pub at: DateTime<Utc>,
    pub by: Uuid,
    pub by_name: String,
    /// The reason or the answer, as written.
    pub text: String,
}

/// A fee reduction in force: `rate_bp` hundredths of a percent off what the match finds due
/// for each month from `from` to `to` (first days of months; `to` open while the deviation
/// is not corrected).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeReduction {
    pub rate_bp: i64,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deviation {
    pub provider: Uuid,
    pub provider_name: String,
    /// The commitment the deviation concerns; empty when it concerns the provider's service as
    /// a whole (then a fee reduction applies to every commitment of the provider).
    pub commitment: String,
    pub source: Source,
    pub found_on: NaiveDate,
    pub description: String,
    /// The correction deadline; of a notified incident, the county's response deadline.
    pub deadline: NaiveDate,
    pub status: Status,
    pub reductions: Vec<FeeReduction>,
    pub steps: Vec<Step>,
}

impl Deviation {
    /// Past its deadline and not answered or closed.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        matches!(self.status, Status::Open | Status::Notified) && today > self.deadline
    }

    /// Whether a fee reduction or a termination may be decided: the correction deadline has
    /// passed without an accepted correction.
    pub fn measure_possible(&self, today: NaiveDate) -> bool {
        matches!(self.status, Status::Open | Status::Answered) && today > self.deadline
    }

    /// Whether a fee reduction is in force with no end month.
    pub fn reducing(&self) -> bool {
        self.reductions.iter().any(|r| r.to.is_none())
    }

    fn close_reductions(&mut self, month: NaiveDate) {
        for r in self.reductions.iter_mut().filter(|r| r.to.is_none()) {
            r.to = Some(month.max(r.from));
        }
    }
}

/// The county records a deviation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DeviationForm {
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub commitment: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub found_on: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub deadline: String,
}

/// A deviation form as read: the provider and the commitment are checked against the records
/// by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadDeviation {
    pub provider: Uuid,
    pub commitment: String,
    pub source: Source,
    pub found_on: NaiveDate,
    pub description: String,
    pub deadline: NaiveDate,
}

fn date_field(e: &mut FieldErrors, field: &str, s: &str) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        e.add(field, "required");
        return None;
    }
    let d = crate::staff::parse_date(s);
    if d.is_none() {
        e.add(field, "date-format");
    }
    d
}

impl DeviationForm {
    pub fn read(&self, today: NaiveDate) -> Result<ReadDeviation, FieldErrors> {
        let mut e = FieldErrors::default();
        let provider = Uuid::parse_str(self.provider.trim()).ok();
        if provider.is_none() {
            e.add("provider", "required");
        }
        let commitment = e.optional("commitment", &self.commitment, 40);
        let source = Source::parse(&self.source).filter(|s| Source::RECORDED.contains(s));
        if source.is_none() {
            e.add("source", "required");
        }
        let found_on = date_field(&mut e, "found_on", &self.found_on);
        if found_on.is_some_and(|d| d > today) {
            e.add("found_on", "date-in-future");
        }
        let description = e.required("description", &self.description, 4000);
        let dl = date_field(&mut e, "deadline", &self.deadline);
        if let (Some(f), Some(d)) = (found_on, dl) {
            if d <= f.max(today) {
                e.add("deadline", "deviation-deadline-past");
            }
        }
        match (provider, source, found_on, dl, e.is_empty()) {
            (Some(provider), Some(source), Some(found_on), Some(deadline), true) => {
                Ok(ReadDeviation {
                    provider,
                    commitment,
                    source,
                    found_on,
                    description,
                    deadline,
                })
            }
            _ => Err(e),
        }
    }
}

/// A provider notifies a serious incident to one of its purchasers.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IncidentForm {
    #[serde(default)]
    pub purchaser: String,
    #[serde(default)]
    pub commitment: String,
    #[serde(default)]
    pub occurred_on: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadIncident {
    pub purchaser: Uuid,
    pub commitment: String,
    pub occurred_on: NaiveDate,
    pub description: String,
    /// The county's response deadline.
    pub respond_by: NaiveDate,
}

impl IncidentForm {
    pub fn read(&self, today: NaiveDate) -> Result<ReadIncident, FieldErrors> {
        let mut e = FieldErrors::default();
        let purchaser = Uuid::parse_str(self.purchaser.trim()).ok();
        if purchaser.is_none() {
            e.add("purchaser", "required");
        }
        let commitment = e.optional("commitment", &self.commitment, 40);
        let occurred_on = date_field(&mut e, "occurred_on", &self.occurred_on);
        if occurred_on.is_some_and(|d| d > today) {
            e.add("occurred_on", "date-in-future");
        }
        let description = e.required("description", &self.description, 4000);
        match (purchaser, occurred_on, e.is_empty()) {
            (Some(purchaser), Some(occurred_on), true) => Ok(ReadIncident {
                purchaser,
                commitment,
                occurred_on,
                description,
                respond_by: deadline(today, INCIDENT_RESPONSE_WORKING_DAYS, DayCount::WorkingDays),
            }),
            _ => Err(e),
        }
    }
}

/// The provider's answer, or the county's decision on a deviation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StepForm {
    /// `answer` (the provider), `accept`, `return`, `deadline`, `fee_reduction`,
    /// `termination` (the county).
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub text: String,
    /// The fee reduction in per cent (`10`, `7,5`).
    #[serde(default)]
    pub rate: String,
    /// The first month reduced (`2026-11`); empty: the month after the deadline.
    #[serde(default)]
    pub from: String,
    /// A new correction deadline (an incident or a returned correction).
    #[serde(default)]
    pub deadline: String,
}

/// Who takes a step: the provider answers; the county decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Provider,
    County,
}

impl Deviation {
    /// Takes a step from the form and records it, or says what is wrong next to the field.
    pub fn take(
        &mut self,
        side: Side,
        form: &StepForm,
        by: (Uuid, &str),
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<StepKind, FieldErrors> {
        let mut e = FieldErrors::default();
        let text: String = form.text.trim().chars().take(4000).collect();
        let not_possible = || FieldErrors::single("step", "deviation-step-not-possible");
        let kind = match (side, form.step.trim()) {
            (Side::Provider, "answer") if matches!(self.status, Status::Open) => StepKind::Answered,
            (Side::County, "accept")
                if matches!(
                    self.status,
                    Status::Open | Status::Answered | Status::Notified
                ) =>
            {
                StepKind::Accepted
            }
            (Side::County, "return") if self.status == Status::Answered => StepKind::Returned,
            (Side::County, "deadline") if self.status == Status::Notified => StepKind::DeadlineSet,
            (Side::County, "fee_reduction") if self.measure_possible(today) => {
                StepKind::FeeReduction
            }
            (Side::County, "termination") if self.measure_possible(today) => StepKind::Termination,
            _ => return Err(not_possible()),
        };
        if text.is_empty() {
            e.add("text", "required");
        }
        let new_deadline = if matches!(kind, StepKind::DeadlineSet | StepKind::Returned) {
            match date_field(&mut e, "deadline", &form.deadline) {
                Some(d) if d <= today => {
                    e.add("deadline", "deviation-deadline-past");
                    None
                }
                d => d,
            }
        } else {
            None
        };
        let reduction = if kind == StepKind::FeeReduction {
            let rate = crate::settlement::scaled(&form.rate, 2).filter(|r| *r > 0 && *r <= 10_000);
            if rate.is_none() {
                e.add("rate", "deviation-rate-invalid");
            }
            let from = if form.from.trim().is_empty() {
                // The month in which the deadline passed uncorrected.
                Some(month_of(self.deadline.succ_opt().unwrap_or(self.deadline)))
            } else {
                let m = parse_month(&form.from);
                if m.is_none() {
                    e.add("from", "deviation-month-format");
                }
                m
            };
            rate.zip(from).map(|(rate_bp, from)| FeeReduction {
                rate_bp,
                from: month_of(from),
                to: None,
            })
        } else {
            None
        };
        if !e.is_empty() {
            return Err(e);
        }
        match kind {
            StepKind::Answered => self.status = Status::Answered,
            StepKind::Returned => {
                self.status = Status::Open;
                if let Some(d) = new_deadline {
                    self.deadline = d;
                }
            }
            StepKind::DeadlineSet => {
                self.status = Status::Open;
                if let Some(d) = new_deadline {
                    self.deadline = d;
                }
            }
            StepKind::Accepted => {
                self.status = Status::Closed;
                self.close_reductions(month_of(today));
            }
            StepKind::FeeReduction => {
                if let Some(r) = reduction {
                    self.reductions.push(r);
                }
            }
            StepKind::Termination => {
                self.status = Status::Terminated;
                self.close_reductions(month_of(today));
            }
            StepKind::Found | StepKind::Notified => return Err(not_possible()),
        }
        self.steps.push(Step {
            kind,
            at: now,
            by: by.0,
            by_name: by.1.to_owned(),
            text,
        });
        Ok(kind)
    }
}

/// A fee reduction as the invoice match reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reduction {
    pub provider: Uuid,
    /// Empty: every commitment of the provider.
    pub commitment: String,
    pub rate_bp: i64,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// Every fee reduction the deviations decided.
pub fn reductions<'a>(deviations: impl IntoIterator<Item = &'a Deviation>) -> Vec<Reduction> {
    deviations
        .into_iter()
        .flat_map(|d| {
            d.reductions.iter().map(|r| Reduction {
                provider: d.provider,
                commitment: d.commitment.clone(),
                rate_bp: r.rate_bp,
                from: r.from,
                to: r.to,
            })
        })
        .collect()
}

/// The fee reduction on a commitment's month, in hundredths of a percent: the reductions in
/// force for that month add up (each deviation is its own breach), to at most the whole fee.
pub fn reduction_for(
    reductions: &[Reduction],
    provider: Uuid,
    commitment: &str,
    month: NaiveDate,
) -> i64 {
    let month = month_of(month);
    reductions
        .iter()
        .filter(|r| r.provider == provider)
        .filter(|r| r.commitment.is_empty() || r.commitment == commitment)
        .filter(|r| r.from <= month && r.to.is_none_or(|to| month <= to))
        .map(|r| r.rate_bp)
        .sum::<i64>()
        .min(10_000)
}

/// What a reduction of `rate_bp` takes off `due`, rounded half up to the cent.
pub fn reduction_of(due: crate::money::Money, rate_bp: i64) -> crate::money::Money {
    let c = due.cents() * rate_bp;
    crate::money::Money::from_cents(if c >= 0 {
        (c + 5_000) / 10_000
    } else {
        (c - 5_000) / 10_000
    })
}

/// A provider's supervision history in figures, for the scorecard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub deviations: usize,
    /// Still open or answered and waiting.
    pub open: usize,
    /// Past the deadline and not answered.
    pub overdue: usize,
    pub fee_reductions: usize,
    pub terminations: usize,
    pub incidents: usize,
}

/// The supervision history of each provider from its deviations.
pub fn history<'a>(
    deviations: impl IntoIterator<Item = &'a Deviation>,
    today: NaiveDate,
) -> std::collections::BTreeMap<Uuid, History> {
    let mut out: std::collections::BTreeMap<Uuid, History> = Default::default();
    for d in deviations {
        let h = out.entry(d.provider).or_default();
        if d.source == Source::Incident {
            h.incidents += 1;
        } else {
            h.deviations += 1;
        }
        if !d.status.is_closed() {
            h.open += 1;
        }
        if d.overdue(today) {
            h.overdue += 1;
        }
        h.fee_reductions += d.reductions.len();
        if d.status == Status::Terminated {
            h.terminations += 1;
        }
    }
    out
}
