//! The forecast of a budget line to the end of its year: what will it cost, and in which month
//! does it run out? Seed 004 ("johtavat sosiaalityöntekijät kirjaavat jokaisen ostopalvelun,
//! jotta ostopalvelubudjetin toteutumista voidaan seurata") asks for exactly this follow-up.
//!
//! Expected cost = paid + invoiced (not approved yet) + what each accepted commitment on the
//! line is still worth in the year: from the day after the last day an invoice billed on it
//! (or its start), to its end or the year's end, at its weekly quantity and unit price
//! ([`crate::commitment::value_between`], rounded once over the whole rest). What is paid and
//! invoiced counts in the month it is known (the current one); the rest in the month it falls
//! in. The line runs out in the first month whose running total passes the line's amount.

use crate::commitment::{value_between, Commitment};
use crate::delivery::{month_end, month_of};
use crate::money::Money;
use chrono::{Datelike, NaiveDate};

/// One accepted commitment on the line, with the last day an invoice billed on it.
pub struct Committed<'a> {
    pub commitment: &'a Commitment,
    pub billed_until: Option<NaiveDate>,
}

/// A budget line's year as the forecast sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forecast {
    /// What the open commitments are still worth in the year.
    pub remaining: Money,
    /// Paid + invoiced + remaining.
    pub expected: Money,
    /// The line's amount less the expected cost (negative: it will not suffice).
    pub margin: Money,
    /// The first month (its first day) whose running total passes the line's amount.
    pub runs_out: Option<NaiveDate>,
    /// The running total at the end of each month from the current one to December.
    pub months: Vec<(NaiveDate, Money)>,
}

/// The forecast of a line of `amount` for `year`, on `today`, given what was paid and invoiced
/// on it and its accepted commitments.
pub fn forecast(
    year: i32,
    amount: Money,
    paid: Money,
    invoiced: Money,
    committed: &[Committed<'_>],
    today: NaiveDate,
) -> Forecast {
    let (Some(jan), Some(dec)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        let spent = paid.cents() + invoiced.cents();
        return Forecast {
            remaining: Money::ZERO,
            expected: Money::from_cents(spent),
            margin: Money::from_cents(amount.cents() - spent),
            runs_out: None,
            months: Vec::new(),
        };
    };
    // A past year is what it was; a future one is forecast from its start.
    let first = month_of(today.clamp(jan, dec));
    let mut months = Vec::new();
    let mut total = paid.cents() + invoiced.cents();
    let mut remaining = 0i64;
    let mut runs_out = None;
    // Where each commitment's unbilled days start, and how much of it is counted so far: each
    // month adds what its running value grew by, so that the year's rest is rounded once.
    let mut counted: Vec<(NaiveDate, i64)> = committed
        .iter()
        .map(|c| {
            let from = match c.billed_until {
                Some(d) => d.succ_opt().unwrap_or(d),
                None => c.commitment.starts_on,
            };
            (from.max(jan), 0)
        })
        .collect();
    let mut m = first;
    loop {
        for (c, (from, so_far)) in committed.iter().zip(counted.iter_mut()) {
            // Days before the current month that no invoice has billed yet are due this month.
            let upto = value_between(c.commitment, *from, month_end(m).min(dec)).cents();
            remaining += upto - *so_far;
            total += upto - *so_far;
            *so_far = upto;
        }
        months.push((m, Money::from_cents(total)));
        if runs_out.is_none() && total > amount.cents() {
            runs_out = Some(m);
        }
        if m.month() == 12 {
            break;
        }
        match month_end(m).succ_opt() {
            Some(next) => m = next,
            None => break,
        }
    }
    Forecast {
        remaining: Money::from_cents(remaining),
        expected: Money::from_cents(total),
        margin: Money::from_cents(amount.cents() - total),
        runs_out,
        months,
    }
}
