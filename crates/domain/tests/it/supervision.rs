//! The rules of supervision: which months a fee reduction covers, how reductions add up, how
//! much a reduction takes to the cent, and which step is possible when.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use domain::money::Money;
use domain::supervision::*;
use uuid::Uuid;

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn deviation(provider: Uuid, commitment: &str) -> Deviation {
    Deviation {
        provider,
        provider_name: "Hoiva Oy".into(),
        commitment: commitment.into(),
        source: Source::Inspection,
        found_on: date(2026, 10, 20),
        description: "Työpari puuttui.".into(),
        deadline: date(2026, 10, 30),
        status: Status::Open,
        reductions: Vec::new(),
        steps: Vec::new(),
    }
}

fn form(step: &str) -> StepForm {
    StepForm {
        step: step.into(),
        text: "Perustelu.".into(),
        ..StepForm::default()
    }
}

#[test]
fn a_reduction_is_rounded_half_up_to_the_cent() {
    // 10 % of 585.05 is 58.505: the half cent goes up.
    assert_eq!(
        reduction_of(Money::from_cents(58_505), 1_000).cents(),
        5_851
    );
    assert_eq!(
        reduction_of(Money::from_cents(58_504), 1_000).cents(),
        5_850
    );
    // 7.5 % of 100.10 is 7.5075.
    assert_eq!(reduction_of(Money::from_cents(10_010), 750).cents(), 751);
    assert_eq!(reduction_of(Money::ZERO, 1_000).cents(), 0);
    assert_eq!(
        reduction_of(Money::from_cents(-58_505), 1_000).cents(),
        -5_851
    );
}

#[test]
fn reductions_cover_their_months_and_their_commitment_and_add_up_to_the_whole_fee() {
    let p = Uuid::from_u128(1);
    let other = Uuid::from_u128(2);
    let mut one = deviation(p, "2026-000001");
    one.reductions.push(FeeReduction {
        rate_bp: 1_000,
        from: date(2026, 11, 1),
        to: Some(date(2026, 12, 1)),
    });
    let mut all = deviation(p, "");
    all.reductions.push(FeeReduction {
        rate_bp: 9_500,
        from: date(2026, 12, 1),
        to: None,
    });
    let rs = reductions([&one, &all]);
    let at = |c: &str, y, m| reduction_for(&rs, p, c, date(y, m, 15));
    assert_eq!(at("2026-000001", 2026, 10), 0);
    assert_eq!(at("2026-000001", 2026, 11), 1_000);
    // December: both, at most the whole fee.
    assert_eq!(at("2026-000001", 2026, 12), 10_000);
    // The provider-wide one reaches every commitment from December on, with no end.
    assert_eq!(at("2026-000002", 2026, 11), 0);
    assert_eq!(at("2026-000002", 2027, 6), 9_500);
    assert_eq!(at("2026-000001", 2027, 1), 9_500);
    // Another provider's commitments are not reduced.
    assert_eq!(
        reduction_for(&rs, other, "2026-000001", date(2026, 11, 1)),
        0
    );
}

#[test]
fn a_measure_waits_for_the_deadline_and_an_accepted_correction_ends_the_reduction() {
    let by = (Uuid::from_u128(9), "Liisa Johtava");
    let now = Utc.with_ymd_and_hms(2026, 10, 28, 8, 0, 0).unwrap();
    let mut d = deviation(Uuid::from_u128(1), "2026-000001");
    // Before the deadline: no measure; the provider answers.
    let before = date(2026, 10, 28);
    for s in ["fee_reduction", "termination", "return"] {
        let e = d.take(Side::County, &form(s), by, now, before).unwrap_err();
        assert_eq!(e.0[0].code, "deviation-step-not-possible", "{s}");
    }
    // The provider cannot decide, nor the county answer.
    assert!(d
        .take(Side::Provider, &form("accept"), by, now, before)
        .is_err());
    assert!(d
        .take(Side::County, &form("answer"), by, now, before)
        .is_err());
    // A step needs its reason.
    let mut empty = form("answer");
    empty.text = " ".into();
    assert_eq!(
        d.take(Side::Provider, &empty, by, now, before)
            .unwrap_err()
            .0[0]
            .field,
        "text"
    );
    assert_eq!(
        d.take(Side::Provider, &form("answer"), by, now, before),
        Ok(StepKind::Answered)
    );
    // After it, the answer found insufficient: back to open with a new deadline.
    let after = date(2026, 11, 2);
    let mut ret = form("return");
    ret.deadline = "2026-11-01".into();
    assert_eq!(
        d.take(Side::County, &ret, by, now, after).unwrap_err().0[0].code,
        "deviation-deadline-past"
    );
    ret.deadline = "2026-11-13".into();
    d.take(Side::County, &ret, by, now, after).unwrap();
    assert_eq!((d.status, d.deadline), (Status::Open, date(2026, 11, 13)));
    let later = date(2026, 11, 16);
    let mut r = form("fee_reduction");
    r.rate = "7,5".into();
    r.from = "2026/11".into();
    assert_eq!(
        d.take(Side::County, &r, by, now, later).unwrap_err().0[0].code,
        "deviation-month-format"
    );
    r.from = String::new();
    d.take(Side::County, &r, by, now, later).unwrap();
    // The deadline 13.11 passed in November.
    assert_eq!(
        d.reductions,
        [FeeReduction {
            rate_bp: 750,
            from: date(2026, 11, 1),
            to: None
        }]
    );
    assert!(d.reducing());
    d.take(Side::County, &form("accept"), by, now, date(2027, 1, 5))
        .unwrap();
    assert_eq!(d.status, Status::Closed);
    assert_eq!(d.reductions[0].to, Some(date(2027, 1, 1)));
    assert!(!d.reducing());
    // Closed: nothing more.
    assert!(d
        .take(
            Side::County,
            &form("termination"),
            by,
            now,
            date(2027, 1, 6)
        )
        .is_err());
    let kinds: Vec<_> = d.steps.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            StepKind::Answered,
            StepKind::Returned,
            StepKind::FeeReduction,
            StepKind::Accepted
        ]
    );
}
