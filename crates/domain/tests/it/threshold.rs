//! The dated thresholds that say which procurement rules an estimated value falls under.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::money::Money;
use domain::threshold::{thresholds_on, tier, Tier};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn euros(e: i64) -> Money {
    Money::from_cents(e * 100)
}

#[test]
fn the_estimated_value_sets_the_rules_at_the_thresholds_of_its_day() {
    let on = day(2026, 12, 8);
    let of = |e| tier(euros(e), on).map(|(t, _)| t);
    assert_eq!(of(399_999), Some(Tier::BelowNational));
    assert_eq!(of(400_000), Some(Tier::National));
    assert_eq!(of(749_999), Some(Tier::National));
    assert_eq!(of(750_000), Some(Tier::Eu));
    // Kerava's family work: 2 years + 1 + 1 at about 1.2 M€ goes to TED.
    assert_eq!(of(1_200_000), Some(Tier::Eu));
    let t = thresholds_on(on).unwrap();
    assert_eq!(
        (t.national_social, t.eu_social),
        (euros(400_000), euros(750_000))
    );
    // Before the Act of 2017 there is no row: the rules are not guessed.
    assert_eq!(tier(euros(500_000), day(2016, 12, 31)), None);
}
