//! The three-way match, line by line: every discrepancy code, the amount at stake to the cent,
//! the tolerance, and the hold while a month's report is not approved.

// A failing unwrap is exactly how a test should fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use domain::delivery::ReportStatus;
use domain::money::Money;
use domain::settlement::{
    hold, hours_as_minutes, match_lines, scaled, BilledLine, DiscrepancyCode as D, MonthFacts,
};

const N: &str = "MS-2026-0000017";

fn oct() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()
}

/// Three hours a week at 78.00 from 1.10.2026 to 31.3.2027; October: 7 h confirmed, 1 h
/// disputed, 1 h unconfirmed.
fn facts() -> MonthFacts {
    MonthFacts {
        commitment: N.into(),
        month: oct(),
        unit_price: Money::from_cents(7800),
        hours_per_week: 3,
        period: (oct(), NaiveDate::from_ymd_opt(2027, 3, 31).unwrap()),
        confirmed: 7 * 60,
        disputed: 60,
        unconfirmed: 60,
        billed_before: 0,
        report: Some(ReportStatus::Approved),
    }
}

fn line(id: &str, hours: &str, price_cents: i64) -> BilledLine {
    let minutes = hours_as_minutes(hours).unwrap();
    BilledLine {
        id: id.into(),
        commitment: Some(N.into()),
        month: Some(NaiveDate::from_ymd_opt(2026, 10, 31).unwrap()),
        minutes: Some(minutes),
        unit_price: Some(Money::from_cents(price_cents)),
        net: Money::from_cents(price_cents * minutes / 60),
        vat_category: "E".into(),
        vat_rate_bp: 0,
    }
}

fn codes(lines: &[BilledLine], f: &[MonthFacts]) -> Vec<(D, String, i64)> {
    match_lines(lines, f, Money::from_cents(5))
        .into_iter()
        .map(|d| (d.code, d.line, d.at_stake.cents()))
        .collect()
}

#[test]
fn decimals_and_hours_are_read_exactly() {
    assert_eq!(hours_as_minutes("12.5"), Some(750));
    assert_eq!(hours_as_minutes("12,5"), Some(750));
    assert_eq!(hours_as_minutes("0.75"), Some(45));
    assert_eq!(hours_as_minutes("3"), Some(180));
    assert_eq!(hours_as_minutes("-1"), Some(-60));
    assert_eq!(hours_as_minutes("1.0083"), Some(60));
    assert_eq!(hours_as_minutes("1.0084"), Some(61));
    assert_eq!(hours_as_minutes("x"), None);
    assert_eq!(hours_as_minutes(""), None);
    assert_eq!(scaled("78", 2), Some(7800));
    assert_eq!(scaled("25.5", 2), Some(2550));
    assert_eq!(scaled("0.595", 2), Some(60));
    assert_eq!(scaled("-0.005", 2), Some(-1));
}

#[test]
fn a_line_within_what_was_confirmed_matches() {
    assert!(codes(&[line("1", "7", 7800)], &[facts()]).is_empty());
    // Split over two lines, still within.
    assert!(codes(&[line("1", "4", 7800), line("2", "3", 7800)], &[facts()]).is_empty());
}

#[test]
fn hours_beyond_the_confirmed_are_named_unconfirmed_first_then_disputed() {
    // 8 h: one unconfirmed hour billed.
    assert_eq!(
        codes(&[line("1", "8", 7800)], &[facts()]),
        [(D::UnconfirmedBilled, "1".into(), 7800)]
    );
    // 9 h: the unconfirmed hour and the disputed one.
    assert_eq!(
        codes(&[line("1", "9", 7800)], &[facts()]),
        [
            (D::UnconfirmedBilled, "1".into(), 7800),
            (D::DisputedBilled, "1".into(), 7800)
        ]
    );
    // A month with everything confirmed but one disputed visit, billed in full.
    let mut f = facts();
    f.unconfirmed = 0;
    assert_eq!(
        codes(&[line("1", "8", 7800)], &[f]),
        [(D::DisputedBilled, "1".into(), 7800)]
    );
}

#[test]
fn hours_never_delivered_or_billed_twice_are_named_so() {
    // 10.5 h against 9 h logged: 1.5 h more than delivered (and the 2 h beyond confirmed).
    let found = codes(&[line("1", "10.5", 7800)], &[facts()]);
    assert!(
        found.contains(&(D::MoreThanDelivered, "1".into(), 11_700)),
        "{found:?}"
    );
    // 7 h already on another invoice; this one bills 7 h again.
    let mut f = facts();
    f.billed_before = 7 * 60;
    let found = codes(&[line("1", "7", 7800)], &[f]);
    assert!(
        found.contains(&(D::AlreadyBilled, "1".into(), 5 * 7800)),
        "{found:?}"
    );
    assert!(
        found.contains(&(D::UnconfirmedBilled, "1".into(), 7800)),
        "{found:?}"
    );
    assert!(
        found.contains(&(D::DisputedBilled, "1".into(), 7800)),
        "{found:?}"
    );
}

#[test]
fn more_than_the_commitment_allows_is_over_commitment() {
    // October: 3 h/week × 31 days / 7 = 13 h 17 min allowed.
    let mut f = facts();
    f.confirmed = 20 * 60;
    let found = codes(&[line("1", "15", 7800)], &[f]);
    let allowed = 3 * 60 * 31 / 7;
    let over = 15 * 60 - allowed;
    assert_eq!(
        found,
        [(D::OverCommitment, "1".into(), (7800 * over + 30) / 60)]
    );
}

#[test]
fn a_price_other_than_the_commitments_is_priced_to_the_cent() {
    assert_eq!(
        codes(&[line("1", "7", 8200)], &[facts()]),
        [(D::PriceDiffers, "1".into(), 7 * 400)]
    );
    // Within the tolerance it is rounding, not a discrepancy.
    assert!(codes(&[line("1", "7", 7800)], &[facts()]).is_empty());
    let cheap = match_lines(&[line("1", "0.5", 7801)], &[facts()], Money::from_cents(5));
    assert!(cheap.is_empty(), "{cheap:?}");
}

#[test]
fn vat_a_foreign_unit_a_month_outside_and_a_missing_commitment_are_each_named() {
    let mut vat = line("1", "7", 7800);
    vat.vat_category = "S".into();
    vat.vat_rate_bp = 2550;
    assert_eq!(
        codes(&[vat], &[facts()]),
        [(D::VatCharged, "1".into(), (54_600 * 2550 + 5_000) / 10_000)]
    );
    let mut km = line("2", "1", 59);
    km.minutes = None;
    km.net = Money::from_cents(8850);
    assert_eq!(
        codes(&[km], &[facts()]),
        [(D::UnitNotInCommitment, "2".into(), 8850)]
    );
    let mut sept = line("3", "2", 7800);
    sept.month = NaiveDate::from_ymd_opt(2026, 9, 30);
    let mut f = facts();
    f.month = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    assert_eq!(
        codes(&[sept], &[f]),
        [(D::OutsidePeriod, "3".into(), 15_600)]
    );
    let mut none = line("4", "2", 7800);
    none.commitment = None;
    assert_eq!(
        codes(&[none], &[facts()]),
        [(D::NoCommitment, "4".into(), 15_600)]
    );
    let mut undated = line("5", "2", 7800);
    undated.month = None;
    assert_eq!(
        codes(&[undated], &[facts()]),
        [(D::NoPeriod, "5".into(), 15_600)]
    );
}

#[test]
fn a_month_whose_report_is_not_approved_holds_the_invoice() {
    let approved = facts();
    let mut nov = facts();
    nov.month = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    nov.report = Some(ReportStatus::Submitted);
    let mut dec = facts();
    dec.month = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    dec.report = None;
    assert!(hold(std::slice::from_ref(&approved)).is_empty());
    // A month outside the commitment is a discrepancy, never a wait.
    let mut sept = facts();
    sept.month = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    sept.report = None;
    assert!(hold(&[sept]).is_empty());
    assert_eq!(
        hold(&[approved, nov.clone(), dec.clone()]),
        [(N.to_owned(), nov.month), (N.to_owned(), dec.month)]
    );
}

#[test]
fn every_code_has_a_distinct_stable_name() {
    let mut names: Vec<&str> = D::ALL.iter().map(|c| c.code()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), D::ALL.len());
}
