//! The forecast of a budget line, on a case computed by hand.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::commitment::{commitment_number, value_between, Commitment, CommitmentStatus};
use domain::forecast::{forecast, Committed};
use domain::money::Money;
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn commitment(price_cents: i64, per_week: u32, from: NaiveDate, to: NaiveDate) -> Commitment {
    Commitment {
        number: commitment_number(2026, 7),
        version: 1,
        status: CommitmentStatus::Accepted,
        client: Uuid::from_u128(1),
        family: None,
        need: Uuid::from_u128(2),
        lot: Uuid::from_u128(3),
        application: Uuid::from_u128(4),
        provider: Uuid::from_u128(5),
        unit: Uuid::from_u128(6),
        quantity_per_week: per_week,
        unit_price: Money::from_cents(price_cents),
        starts_on: from,
        ends_on: to,
        cost_centre: "1234".into(),
        budget_line: None,
        max_total: Money::ZERO,
        answer_by: from,
        reason: String::new(),
    }
}

#[test]
fn a_commitment_is_worth_its_weekly_quantity_for_the_days_within_its_period() {
    // 82,00 €/h, 10 h a week: 820,00 € a week; October's 31 days 3 631,43 €.
    let c = commitment(8_200, 10, d(2026, 1, 1), d(2026, 12, 31));
    assert_eq!(
        value_between(&c, d(2026, 10, 1), d(2026, 10, 31)).cents(),
        363_143
    );
    // Clipped to the period; nothing outside it.
    assert_eq!(
        value_between(&c, d(2025, 12, 25), d(2026, 1, 7)).cents(),
        82_000
    );
    assert_eq!(
        value_between(&c, d(2027, 1, 1), d(2027, 1, 31)),
        Money::ZERO
    );
}

#[test]
fn the_forecast_to_the_cent_and_the_month_the_line_runs_out() {
    // A line of 10 000,00 € for 2026, on 15 October: 3 000,00 € paid, 500,00 € invoiced.
    // A: 82,00 €/h × 10 h/week all year, billed to the end of September.
    // B: 50,00 €/h × 2 h/week from 16 November into next year, nothing billed yet.
    let a = commitment(8_200, 10, d(2026, 1, 1), d(2026, 12, 31));
    let b = commitment(5_000, 2, d(2026, 11, 16), d(2027, 3, 31));
    let f = forecast(
        2026,
        Money::from_cents(1_000_000),
        Money::from_cents(300_000),
        Money::from_cents(50_000),
        &[
            Committed {
                commitment: &a,
                billed_until: Some(d(2026, 9, 30)),
            },
            Committed {
                commitment: &b,
                billed_until: None,
            },
        ],
        d(2026, 10, 15),
    );
    // A: October to December, 92 days at 820,00 € a week = 10 777,14 € (rounded once);
    //    by month: to October's end 3 631,43, to November's 7 145,71.
    // B: 16 November to 31 December, 46 days at 100,00 € a week = 657,14 €;
    //    to November's end 15 days, 214,29.
    assert_eq!(f.remaining.cents(), 1_077_714 + 65_714);
    assert_eq!(f.expected.cents(), 350_000 + 1_077_714 + 65_714);
    assert_eq!(f.margin.cents(), 1_000_000 - 1_493_428);
    let months: Vec<(NaiveDate, i64)> = f.months.iter().map(|(m, t)| (*m, t.cents())).collect();
    assert_eq!(
        months,
        [
            (d(2026, 10, 1), 350_000 + 363_143),
            (d(2026, 11, 1), 350_000 + 714_571 + 21_429),
            (d(2026, 12, 1), 1_493_428)
        ]
    );
    // The running total passes 10 000,00 € in November.
    assert_eq!(f.runs_out, Some(d(2026, 11, 1)));

    // Days no invoice has billed yet before this month are due this month.
    let late = forecast(
        2026,
        Money::from_cents(1_000_000),
        Money::ZERO,
        Money::ZERO,
        &[Committed {
            commitment: &a,
            billed_until: Some(d(2026, 8, 31)),
        }],
        d(2026, 10, 15),
    );
    // September and October, 61 days at 820,00 € a week: 7 145,71 €.
    assert_eq!(late.months[0].1.cents(), 714_571);

    // A line that suffices never runs out.
    let ample = forecast(
        2026,
        Money::from_cents(5_000_000),
        Money::ZERO,
        Money::ZERO,
        &[Committed {
            commitment: &b,
            billed_until: None,
        }],
        d(2026, 10, 15),
    );
    assert_eq!((ample.runs_out, ample.expected.cents()), (None, 65_714));
}
