//! A provider's application to a lot, from draft to admission, and the framework ranking of the
//! admitted.

use crate::calendar::{deadline, DayCount};
use crate::money::Money;
use crate::procurement::{Lot, Regime};
use crate::requirement::Evaluation;
use crate::staff::StaffMember;
use crate::validate::FieldErrors;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppStatus {
    Draft,
    Submitted,
    UnderReview,
    InfoRequested,
    Admitted,
    Rejected,
}

impl AppStatus {
    pub const ALL: [AppStatus; 6] = [
        AppStatus::Draft,
        AppStatus::Submitted,
        AppStatus::UnderReview,
        AppStatus::InfoRequested,
        AppStatus::Admitted,
        AppStatus::Rejected,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AppStatus::Draft => "draft",
            AppStatus::Submitted => "submitted",
            AppStatus::UnderReview => "under_review",
            AppStatus::InfoRequested => "info_requested",
            AppStatus::Admitted => "admitted",
            AppStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<AppStatus> {
        AppStatus::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The provider may change the application: before submitting, and when asked for more.
    pub fn provider_may_edit(self) -> bool {
        matches!(self, AppStatus::Draft | AppStatus::InfoRequested)
    }

    /// Waiting for the purchaser's decision.
    pub fn is_pending(self) -> bool {
        matches!(self, AppStatus::Submitted | AppStatus::UnderReview)
    }

    pub fn is_final(self) -> bool {
        matches!(self, AppStatus::Admitted | AppStatus::Rejected)
    }
}

/// What moves an application from one status to the next.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Submit,
    StartReview,
    AskInfo,
    Admit,
    Reject,
    /// The provider takes a submitted application back to draft to change it.
    Withdraw,
}

impl Step {
    pub fn code(self) -> &'static str {
        match self {
            Step::Submit => "submit",
            Step::StartReview => "start_review",
            Step::AskInfo => "ask_info",
            Step::Admit => "admit",
            Step::Reject => "reject",
            Step::Withdraw => "withdraw",
        }
    }

    /// Whether the provider (true) or the purchaser (false) takes this step.
    pub fn by_provider(self) -> bool {
        matches!(self, Step::Submit | Step::Withdraw)
    }
}

/// The status after `step`, or `None` when the step is not possible from `from`.
pub fn next(from: AppStatus, step: Step) -> Option<AppStatus> {
    use AppStatus::*;
    match (from, step) {
        (Draft | InfoRequested, Step::Submit) => Some(Submitted),
        (Submitted, Step::Withdraw) => Some(Draft),
        (Submitted, Step::StartReview) => Some(UnderReview),
        (Submitted | UnderReview, Step::AskInfo) => Some(InfoRequested),
        (Submitted | UnderReview, Step::Admit) => Some(Admitted),
        (Submitted | UnderReview, Step::Reject) => Some(Rejected),
        _ => None,
    }
}

/// One step taken, for the application's history.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub step: Step,
    pub at: chrono::DateTime<chrono::Utc>,
    pub by: String,
    #[serde(default)]
    pub note: String,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub status: AppStatus,
    pub unit_id: Option<Uuid>,
    /// The staff register entries on the roster, in the order the provider listed them.
    pub roster: Vec<Uuid>,
    /// The roster as it was when last submitted, so that the evaluation the purchaser decides
    /// on does not change under them.
    #[serde(default)]
    pub roster_snapshot: Vec<StaffMember>,
    pub price: Option<Money>,
    pub employees: Option<u32>,
    #[serde(default)]
    pub note: String,
    pub submitted_on: Option<NaiveDate>,
    /// Working days the purchaser has for the decision, from the regime (extendable).
    pub decision_days: u32,
    pub evaluation: Option<Evaluation>,
    /// Quality points (0–100) given at admission, for the framework ranking.
    pub quality_points: Option<u32>,
    /// The reasons of the decision as the purchaser wrote them.
    #[serde(default)]
    pub decision_reasons: String,
    pub decided_on: Option<NaiveDate>,
    #[serde(default)]
    pub history: Vec<Event>,
}

impl Application {
    pub fn new(regime: &Regime) -> Application {
        Application {
            status: AppStatus::Draft,
            unit_id: None,
            roster: Vec::new(),
            roster_snapshot: Vec::new(),
            price: None,
            employees: None,
            note: String::new(),
            submitted_on: None,
            decision_days: regime.admission_days,
            evaluation: None,
            quality_points: None,
            decision_reasons: String::new(),
            decided_on: None,
            history: Vec::new(),
        }
    }

    /// The day by which the purchaser must decide: `decision_days` working days after
    /// submission, on the Finnish calendar.
    pub fn decision_due(&self) -> Option<NaiveDate> {
        self.submitted_on
            .map(|d| deadline(d, self.decision_days, DayCount::WorkingDays))
    }

    /// What stops submission, field by field: everything a submitted application must have.
    pub fn submission_errors(&self, lot: &Lot, lot_open: bool) -> FieldErrors {
        let mut e = FieldErrors::default();
        if !lot_open {
            e.add("lot", "lot-closed");
        }
        if self.unit_id.is_none() {
            e.add("unit_id", "required");
        }
        if self.roster.is_empty() {
            e.add("roster", "roster-empty");
        }
        match self.price {
            None => e.add("price", "required"),
            Some(p) if p.is_negative() || p.is_zero() => e.add("price", "money-format"),
            Some(p) => {
                if let Some(cap) = lot.price_cap {
                    if p > cap {
                        e.add("price", "price-over-cap");
                    }
                }
            }
        }
        if self.employees.is_none() {
            e.add("employees", "required");
        }
        e
    }
}

/// One admitted provider in a framework lot's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked<T> {
    pub item: T,
    pub price: Money,
    pub quality_points: u32,
    /// Comparison points out of 100.
    pub points: f64,
}

/// Orders admitted offers by comparison points: `price_weight` per cent for price (the lowest
/// price gets full price points, others in proportion) and the rest for quality points
/// (0–100). Ties go to the lower price, then to the earlier offer (input order).
pub fn rank<T>(offers: Vec<(T, Money, u32)>, price_weight: u32) -> Vec<Ranked<T>> {
    let pw = f64::from(price_weight.min(100)) / 100.0;
    let lowest = offers
        .iter()
        .map(|(_, p, _)| p.cents())
        .filter(|c| *c > 0)
        .min()
        .unwrap_or(1);
    let mut ranked: Vec<(usize, Ranked<T>)> = offers
        .into_iter()
        .enumerate()
        .map(|(i, (item, price, q))| {
            let price_points = if price.cents() > 0 {
                100.0 * lowest as f64 / price.cents() as f64
            } else {
                0.0
            };
            let points = pw * price_points + (1.0 - pw) * f64::from(q.min(100));
            (
                i,
                Ranked {
                    item,
                    price,
                    quality_points: q,
                    points: (points * 100.0).round() / 100.0,
                },
            )
        })
        .collect();
    ranked.sort_by(|(ia, a), (ib, b)| {
        b.points
            .total_cmp(&a.points)
            .then(a.price.cmp(&b.price))
            .then(ia.cmp(ib))
    });
    ranked.into_iter().map(|(_, r)| r).collect()
}
