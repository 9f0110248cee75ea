//! From a service need to a payment commitment (maksusitoumus): the order in which a provider
//! is chosen, the commitment with its readable number, and the budget it reserves.

use crate::money::Money;
use crate::validate::FieldErrors;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the steering group recommends for a need.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Recommendation {
    OwnService,
    /// A provider from the lot's order; everyone before it is skipped with a reason.
    OrderedProvider {
        application: Uuid,
        skipped: Vec<Skip>,
    },
    /// The need goes to every admitted provider of the lot without personal data.
    Competition,
    SeparatePurchase {
        justification: String,
    },
    MoreInformation {
        note: String,
    },
    NoService {
        note: String,
    },
}

impl Recommendation {
    pub fn code(&self) -> &'static str {
        match self {
            Recommendation::OwnService => "own_service",
            Recommendation::OrderedProvider { .. } => "ordered_provider",
            Recommendation::Competition => "competition",
            Recommendation::SeparatePurchase { .. } => "separate_purchase",
            Recommendation::MoreInformation { .. } => "more_information",
            Recommendation::NoService { .. } => "no_service",
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skip {
    pub application: Uuid,
    pub reason: String,
}

/// Checks the order of choice: choosing the `k`th provider of `order` needs a written reason
/// for each of the `k - 1` before it, and nothing else. Errors name the field of the skipped
/// provider (`skip_<position>`, from 1).
pub fn check_order(
    order: &[Uuid],
    chosen: Uuid,
    skipped: &[Skip],
) -> Result<Vec<Skip>, FieldErrors> {
    let mut e = FieldErrors::default();
    let Some(pos) = order.iter().position(|a| *a == chosen) else {
        e.add("provider", "provider-not-in-order");
        return Err(e);
    };
    let mut out = Vec::new();
    for (i, before) in order[..pos].iter().enumerate() {
        match skipped.iter().find(|s| s.application == *before) {
            Some(s) if !s.reason.trim().is_empty() => out.push(Skip {
                application: *before,
                reason: s.reason.trim().to_owned(),
            }),
            _ => e.add(&format!("skip_{}", i + 1), "skip-reason-required"),
        }
    }
    if e.is_empty() {
        Ok(out)
    } else {
        Err(e)
    }
}

/// A payment commitment's readable number: `MS-2026-000123` and a check digit computed as for
/// Finnish bank reference numbers (weights 7, 3, 1 from the right), so that a mistyped number is
/// caught: serial 123 of 2026 is `MS-2026-0001230`.
pub fn commitment_number(year: i32, serial: u32) -> String {
    let base = format!("{year:04}{serial:06}");
    format!("MS-{year:04}-{serial:06}{}", check_digit(&base))
}

fn check_digit(digits: &str) -> u32 {
    let weights = [7u32, 3, 1];
    let sum: u32 = digits
        .bytes()
        .rev()
        .filter(u8::is_ascii_digit)
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * weights[i % 3])
        .sum();
    (10 - sum % 10) % 10
}

/// Whether a typed commitment number is well formed and its check digit right.
pub fn valid_commitment_number(s: &str) -> bool {
    let s = s.trim();
    let Some(rest) = s.strip_prefix("MS-") else {
        return false;
    };
    let Some((year, tail)) = rest.split_once('-') else {
        return false;
    };
    if year.len() != 4
        || tail.len() != 7
        || !(year.chars().chain(tail.chars())).all(|c| c.is_ascii_digit())
    {
        return false;
    }
    let (serial, check) = tail.split_at(6);
    check_digit(&format!("{year}{serial}")).to_string() == check
}

/// Every well-formed commitment number with a right check digit in a free text, in order and
/// each once: how an invoice names the commitments it bills, wherever the provider wrote them.
pub fn commitment_numbers_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("MS-") {
        let at = from + i;
        if let Some(candidate) = text.get(at..at + 15) {
            let ends_word = text[at + 15..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_alphanumeric());
            if ends_word
                && valid_commitment_number(candidate)
                && !out.iter().any(|n| n == candidate)
            {
                out.push(candidate.to_owned());
            }
        }
        from = at + 3;
    }
    out
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentStatus {
    /// Sent to the provider, waiting for an answer by the deadline.
    Sent,
    Accepted,
    Declined,
    /// Replaced by a newer version (a change, an extension).
    Superseded,
    Terminated,
}

impl CommitmentStatus {
    pub const ALL: [CommitmentStatus; 5] = [
        CommitmentStatus::Sent,
        CommitmentStatus::Accepted,
        CommitmentStatus::Declined,
        CommitmentStatus::Superseded,
        CommitmentStatus::Terminated,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CommitmentStatus::Sent => "sent",
            CommitmentStatus::Accepted => "accepted",
            CommitmentStatus::Declined => "declined",
            CommitmentStatus::Superseded => "superseded",
            CommitmentStatus::Terminated => "terminated",
        }
    }
}

/// A payment commitment as sent to a provider.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    pub number: String,
    pub version: u32,
    pub status: CommitmentStatus,
    pub client: Uuid,
    /// Where the service is for the family.
    pub family: Option<Uuid>,
    pub need: Uuid,
    pub lot: Uuid,
    /// The admitted application whose price the commitment uses.
    pub application: Uuid,
    pub provider: Uuid,
    pub unit: Uuid,
    /// Hours (or the lot's unit) per week.
    pub quantity_per_week: u32,
    pub unit_price: Money,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub cost_centre: String,
    pub budget_line: Option<Uuid>,
    pub max_total: Money,
    /// The provider answers by this day.
    pub answer_by: NaiveDate,
    #[serde(default)]
    pub reason: String,
}

/// The version in force among the versions of one commitment (one number): the newest
/// accepted, or else the newest terminated. `None` while no version was ever accepted.
pub fn in_force<'a, I>(versions: I) -> Option<&'a Commitment>
where
    I: IntoIterator<Item = &'a Commitment>,
    I::IntoIter: Clone,
{
    let all = versions.into_iter();
    let newest = |status: CommitmentStatus| {
        all.clone()
            .filter(move |c| c.status == status)
            .max_by_key(|c| c.version)
    };
    newest(CommitmentStatus::Accepted).or_else(|| newest(CommitmentStatus::Terminated))
}

/// The period a commitment binds over: from the start of its first accepted version to the end
/// of the version in force (a termination's date). `None` while no version was ever accepted.
/// The provider's access follows it ([`crate::access::follow`]).
pub fn period_in_force<'a, I>(versions: I) -> Option<(NaiveDate, NaiveDate)>
where
    I: IntoIterator<Item = &'a Commitment>,
    I::IntoIter: Clone,
{
    let all = versions.into_iter();
    let current = in_force(all.clone())?;
    let starts_on = all
        .filter(|v| {
            matches!(
                v.status,
                CommitmentStatus::Accepted
                    | CommitmentStatus::Superseded
                    | CommitmentStatus::Terminated
            )
        })
        .map(|v| v.starts_on)
        .min()
        .unwrap_or(current.starts_on);
    Some((starts_on, current.ends_on))
}

/// The most a commitment can cost: the weekly quantity at the unit price for every week of the
/// period (a started week counts).
pub fn max_total(
    unit_price: Money,
    per_week: u32,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> Option<Money> {
    let days = (ends_on - starts_on).num_days() + 1;
    if days <= 0 {
        return None;
    }
    let weeks = (days + 6) / 7;
    unit_price.checked_mul(i64::from(per_week) * weeks)
}

/// What a commitment is worth between two days (both included, clipped to its period): its
/// weekly quantity at its unit price for those days, to the cent (half a cent up). The
/// forecast's remaining months and the published call-offs' monthly value are this figure.
pub fn value_between(c: &Commitment, from: NaiveDate, to: NaiveDate) -> Money {
    let from = from.max(c.starts_on);
    let to = to.min(c.ends_on);
    let days = (to - from).num_days() + 1;
    if days <= 0 {
        return Money::ZERO;
    }
    let week = c.unit_price.cents() * i64::from(c.quantity_per_week);
    Money::from_cents((week * days * 2 + 7) / 14)
}

/// A line of the purchaser's budget.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetLine {
    pub cost_centre: String,
    pub service: String,
    pub year: i32,
    pub amount: Money,
}
