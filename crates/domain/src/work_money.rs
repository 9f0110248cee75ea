//! Work participation money (työosuusraha, arbetsandelspeng). In work activity the provider pays
//! the client a sum per hour of work activity, at a rate the purchaser sets by decision, and
//! bills it to the purchaser as a line of its own. Seed 004 (Vantaa, sosiaali- ja
//! terveyslautakunta 21.1.2019): 2 € per work-activity hour, paid for attendance days only and
//! not for sick leave. It is money handed on to the client, not a service sold, so its line
//! carries no VAT.
//!
//! A lot carries the rates ([`WorkMoneyRate`], versioned by the day each takes effect); every
//! visit of a commitment in such a lot is a work-activity visit. The monthly report and the
//! match both take the month's figure from [`work_money`].

use crate::money::Money;
use crate::visit::{ConfirmationState, VisitRecord, VisitStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A rate decided for a lot, in force from its day until the next rate's.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkMoneyRate {
    pub from: NaiveDate,
    pub per_hour: Money,
    /// The decision that set it (body, date, section), as the invoice's checker cites it.
    #[serde(default)]
    pub decision: String,
}

/// The rate in force on `day`: the latest that took effect on or before it.
pub fn rate_on(rates: &[WorkMoneyRate], day: NaiveDate) -> Option<Money> {
    rates
        .iter()
        .filter(|r| r.from <= day)
        .max_by_key(|r| r.from)
        .map(|r| r.per_hour)
}

/// Whether a visit is attendance: the client was there (done; a sick day is a cancellation or a
/// no-show) and the family did not dispute it.
pub fn attended(v: &VisitRecord) -> bool {
    v.visit.status == VisitStatus::Done && v.confirmation.state != ConfirmationState::Disputed
}

/// A month's work participation money: the attended hours and what they earn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WorkMoney {
    pub minutes: i64,
    pub amount: Money,
}

/// The work participation money of the visits given (one client's month): the attended minutes
/// under each rate, each rate's sum rounded half up to the cent once. `None` when the lot
/// carries no work participation money.
pub fn work_money<'a, I>(visits: I, rates: &[WorkMoneyRate]) -> Option<WorkMoney>
where
    I: IntoIterator<Item = &'a VisitRecord>,
{
    if rates.is_empty() {
        return None;
    }
    // Minutes per rate, so that a rate changing mid-month is applied from its day.
    let mut per_rate: Vec<(Money, i64)> = Vec::new();
    let mut minutes = 0;
    for v in visits.into_iter().filter(|v| attended(v)) {
        let Some(rate) = rate_on(rates, v.visit.date) else {
            continue;
        };
        let m = v.visit.minutes();
        minutes += m;
        match per_rate.iter_mut().find(|(r, _)| *r == rate) {
            Some((_, sum)) => *sum += m,
            None => per_rate.push((rate, m)),
        }
    }
    let amount = per_rate
        .iter()
        .map(|(rate, m)| crate::settlement::price_of(*m, *rate).cents())
        .sum();
    Some(WorkMoney {
        minutes,
        amount: Money::from_cents(amount),
    })
}

/// The seller's item identifier (EN 16931 BT-155; Finvoice `ArticleIdentifier`) a provider
/// gives a line of work participation money.
pub const ITEM_ID: &str = "TYOOSUUSRAHA";

/// Whether an invoice line bills work participation money: by its item identifier, or by its
/// name in Finnish, Swedish or English.
pub fn is_work_money_line(item_id: &str, name: &str) -> bool {
    let id = item_id.trim().to_uppercase();
    if id == ITEM_ID || id == "TYÖOSUUSRAHA" {
        return true;
    }
    let name = name.to_lowercase();
    [
        "työosuusraha",
        "tyoosuusraha",
        "arbetsandelspeng",
        "work participation money",
    ]
    .iter()
    .any(|w| name.contains(w))
}
