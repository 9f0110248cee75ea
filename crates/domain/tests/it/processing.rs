//! Processing times in working days across Christmas and Midsummer, and in calendar days.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::calendar::DayCount;
use domain::processing::{days_between, measure, summarize, Case};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn case(key: &str, started: NaiveDate, ended: Option<NaiveDate>, target: u32) -> Case<String> {
    Case {
        key: key.into(),
        started,
        ended,
        target,
        count: DayCount::WorkingDays,
    }
}

#[test]
fn working_days_skip_christmas_and_midsummer() {
    // Received Friday 19.12.2025, decided Monday 29.12.2025: Christmas Eve, Christmas Day,
    // Boxing Day and the weekend between do not count: 22, 23 and 29 December.
    let xmas = measure(
        &case("need", d(2025, 12, 19), Some(d(2025, 12, 29)), 5),
        d(2026, 1, 15),
    );
    assert_eq!(xmas.days, 3);
    assert_eq!(xmas.due, d(2025, 12, 31));
    assert!(!xmas.late && !xmas.open);
    // Wednesday 17.6.2026 with five working days: Midsummer Eve (Friday 19.6) is off, so the
    // fifth is Thursday 25.6; decided Friday 26.6, six working days: late.
    let summer = measure(
        &case("app", d(2026, 6, 17), Some(d(2026, 6, 26)), 5),
        d(2026, 7, 1),
    );
    assert_eq!(summer.due, d(2026, 6, 25));
    assert_eq!(summer.days, 6);
    assert!(summer.late);
    // The same span in calendar days.
    assert_eq!(
        days_between(d(2026, 6, 17), d(2026, 6, 26), DayCount::Calendar),
        9
    );
}

#[test]
fn the_share_within_the_target_and_every_breach_listed() {
    let today = d(2026, 10, 20);
    let cases = [
        // Within: 2 working days.
        case("a", d(2026, 10, 1), Some(d(2026, 10, 5)), 5),
        // Late: 10 working days.
        case("b", d(2026, 9, 21), Some(d(2026, 10, 5)), 5),
        // Open and late: 14 working days by today.
        case("c", d(2026, 9, 30), None, 5),
        // Open, not yet due.
        case("d", d(2026, 10, 19), None, 5),
    ];
    let s = summarize(&cases, today);
    assert_eq!((s.cases, s.ended, s.ended_within), (4, 2, 1));
    assert_eq!(s.share_within, Some(50));
    let breaches: Vec<(&str, i64, bool)> = s
        .breaches
        .iter()
        .map(|t| (t.key.as_str(), t.days, t.open))
        .collect();
    assert_eq!(breaches, [("c", 14, true), ("b", 10, false)]);
    assert_eq!(summarize::<String>(&[], today).share_within, None);
}

mod scorecard {
    use domain::scorecard::{worker_changes, Score};
    use uuid::Uuid;

    #[test]
    fn a_visit_by_none_of_the_previous_workers_is_a_change() {
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let visits: Vec<Vec<Uuid>> = vec![
            vec![a],
            vec![a, b], // a stays: no change
            vec![b],    // b was there: no change
            vec![],     // no workers named: skipped
            vec![c],    // a change
            vec![a],    // a change
            vec![a],
        ];
        assert_eq!(worker_changes(visits.iter().map(|v| v.as_slice())), 2);
        assert_eq!(worker_changes(std::iter::empty()), 0);
        assert_eq!(Score::share(1, 3), Some(33));
        assert_eq!(Score::share(0, 0), None);
    }
}
