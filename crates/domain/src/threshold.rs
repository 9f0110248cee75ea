//! Which procurement rules apply, by the estimated value. Social and health services are
//! bought under the light regime: below the national threshold the Procurement Act's procedures
//! do not apply (only the social welfare acts' requirements do), from it chapter 12 of the Act
//! applies with a national notice in Hilma, and from the EU threshold for social and other
//! specific services (Directive 2014/24/EU, art. 4(d) and Annex XIV) a contract notice goes to
//! TED through Hilma. The value is the estimate when the procurement starts, options and
//! extensions included (Procurement Act 1397/2016, 25–27 §). The thresholds are dated data: a
//! change in the law is a new row, and an older procurement keeps the row of its day.

use crate::money::Money;
use chrono::NaiveDate;

/// The thresholds in force from a day on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// The first day these apply, as (year, month, day).
    pub from: (i32, u32, u32),
    /// The national threshold for social and health services (1397/2016 25 §, Annex E 1–4).
    pub national_social: Money,
    /// The EU threshold for social and other specific services (2014/24/EU art. 4(d)).
    pub eu_social: Money,
}

/// Oldest first. The EU threshold for these services has been 750 000 € since the directive
/// applied (18.4.2016) and is not revised every two years like the others; the national 400 000 €
/// came with the Act of 1.1.2017.
pub const THRESHOLDS: &[Thresholds] = &[Thresholds {
    from: (2017, 1, 1),
    national_social: Money::from_cents(400_000 * 100),
    eu_social: Money::from_cents(750_000 * 100),
}];

/// Where a procurement of social services falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// Below the national threshold: the procedures of the Procurement Act do not apply.
    BelowNational,
    /// From the national threshold: chapter 12, a national notice in Hilma.
    National,
    /// From the EU threshold: the light regime of the directive, a contract notice in TED.
    Eu,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::BelowNational, Tier::National, Tier::Eu];

    pub fn code(self) -> &'static str {
        match self {
            Tier::BelowNational => "below-national",
            Tier::National => "national",
            Tier::Eu => "eu",
        }
    }
}

/// The thresholds in force on `day`; none before the first row.
pub fn thresholds_on(day: NaiveDate) -> Option<Thresholds> {
    THRESHOLDS
        .iter()
        .rev()
        .find(|t| {
            NaiveDate::from_ymd_opt(t.from.0, t.from.1, t.from.2).is_some_and(|from| from <= day)
        })
        .copied()
}

/// The tier of an estimated value on `day`; a value at a threshold is at or above it.
pub fn tier(value: Money, day: NaiveDate) -> Option<(Tier, Thresholds)> {
    let t = thresholds_on(day)?;
    let tier = if value.cents() >= t.eu_social.cents() {
        Tier::Eu
    } else if value.cents() >= t.national_social.cents() {
        Tier::National
    } else {
        Tier::BelowNational
    };
    Some((tier, t))
}
