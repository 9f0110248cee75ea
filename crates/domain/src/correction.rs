//! Corrections after a month is closed. An approved invoice fixes what the purchaser owes for
//! each commitment and month it bills ([`SettledMonth`]). When that month changes afterwards — a
//! new commitment version (fewer hours a week, an earlier end), a disputed visit accepted after
//! review — what is owed now is computed again and the difference is shown as three rows, as
//! eVaka does for its voucher value reports: the original (what was settled), its refund, and
//! the correction (what is owed now). A difference in the provider's favour becomes an accepted
//! additional line; one in the purchaser's favour, a request for a credit note.

use crate::delivery::allowed_minutes;
use crate::money::Money;
use crate::settlement::{price_of, MonthFacts};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What an approved invoice (or credit note) settled of one commitment and month: the minutes
/// the match found due of what it billed, and their price. A credit note settles its own
/// (negative) lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettledMonth {
    pub commitment: String,
    pub month: NaiveDate,
    pub minutes: i64,
    pub amount: Money,
}

/// The minutes a month is worth paying of `billed` minutes billed in all: no more than the
/// family confirmed, and no more than the commitment allows.
pub fn due_minutes(f: &MonthFacts, billed: i64) -> i64 {
    let allowed = allowed_minutes(f.month, f.period, f.hours_per_week);
    billed.min(f.confirmed).min(allowed).max(0)
}

/// What one invoice settles of a month at its approval: of its own `billed` minutes, those due
/// on top of what earlier invoices settled (`f.billed_before`).
pub fn settle(f: &MonthFacts, billed: i64) -> SettledMonth {
    let due_total = due_minutes(f, f.billed_before + billed);
    let minutes = (due_total - f.billed_before).clamp(0, billed.max(0));
    SettledMonth {
        commitment: f.commitment.clone(),
        month: f.month,
        minutes,
        amount: price_of(minutes, f.unit_price),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// What was settled before.
    Original,
    /// The same, taken back.
    Refund,
    /// What is owed now.
    Correction,
}

impl RowKind {
    pub fn code(self) -> &'static str {
        match self {
            RowKind::Original => "original",
            RowKind::Refund => "refund",
            RowKind::Correction => "correction",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionRow {
    pub kind: RowKind,
    pub minutes: i64,
    pub amount: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The provider is owed more: an additional line for the month is accepted.
    AdditionalLine,
    /// The provider was paid too much: it is asked for a credit note.
    CreditRequest,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::AdditionalLine => "additional_line",
            Outcome::CreditRequest => "credit_request",
        }
    }
}

/// A month's figures now against what was settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub commitment: String,
    pub month: NaiveDate,
    pub rows: Vec<CorrectionRow>,
    /// The correction less the original: positive in the provider's favour.
    pub difference: Money,
    pub outcome: Outcome,
}

/// Compares a closed month with what was settled of it. `settled` is what approved invoices and
/// credit notes settled plus the corrections not yet settled by one; `billed` the minutes they
/// billed in all (credit notes counted off). `None` while the difference is within `tolerance`.
pub fn difference(
    f: &MonthFacts,
    settled: (i64, Money),
    billed: i64,
    tolerance: Money,
) -> Option<Difference> {
    let minutes = due_minutes(f, billed);
    let amount = price_of(minutes, f.unit_price);
    let difference = Money::from_cents(amount.cents() - settled.1.cents());
    if difference.cents().abs() <= tolerance.cents() {
        return None;
    }
    Some(Difference {
        commitment: f.commitment.clone(),
        month: f.month,
        rows: vec![
            CorrectionRow {
                kind: RowKind::Original,
                minutes: settled.0,
                amount: settled.1,
            },
            CorrectionRow {
                kind: RowKind::Refund,
                minutes: -settled.0,
                amount: Money::from_cents(-settled.1.cents()),
            },
            CorrectionRow {
                kind: RowKind::Correction,
                minutes,
                amount,
            },
        ],
        difference,
        outcome: if difference.cents() > 0 {
            Outcome::AdditionalLine
        } else {
            Outcome::CreditRequest
        },
    })
}

/// A correction as recorded by the purchaser's controller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub commitment: String,
    pub month: NaiveDate,
    pub provider: Uuid,
    pub rows: Vec<CorrectionRow>,
    pub difference: Money,
    pub outcome: Outcome,
    /// Why the month changed, as the controller writes it to the provider.
    pub reason: String,
    /// For a credit request, the numbers of the approved invoices of the month to be credited.
    pub invoices: Vec<String>,
    pub by: Uuid,
    pub by_name: String,
    pub at: DateTime<Utc>,
    /// The provider's invoice or credit note for the month approved after it, which settles it.
    #[serde(default)]
    pub settled_by: Option<Uuid>,
}

impl Correction {
    /// Whether an approved document of `sign` (1 an invoice, −1 a credit note) settles it.
    pub fn settled_by_sign(&self, sign: i64) -> bool {
        match self.outcome {
            Outcome::AdditionalLine => sign > 0,
            Outcome::CreditRequest => sign < 0,
        }
    }
}
