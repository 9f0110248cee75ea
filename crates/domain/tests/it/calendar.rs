//! The Finnish working-day calendar against the published holiday dates of 2024–2026, deadlines
//! across Easter and Christmas, and properties over 1900–2200.

// A failing unwrap is exactly how a test should fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Datelike, Days, NaiveDate, Weekday};
use domain::calendar::{
    deadline, easter_sunday, holiday_on, is_weekday, is_working_day, public_holidays,
    working_days_between, DayCount, Holiday,
};
use domain::locale::Lang;
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn easter_sundays() {
    let cases = [
        (1818, 3, 22), // the earliest possible date
        (1900, 4, 15),
        (1943, 4, 25), // the latest possible date
        (2000, 4, 23),
        (2008, 3, 23),
        (2011, 4, 24),
        (2019, 4, 21),
        (2024, 3, 31),
        (2025, 4, 20),
        (2026, 4, 5),
        (2038, 4, 25),
        (2200, 4, 6),
        (2285, 3, 22),
    ];
    for (y, m, d) in cases {
        assert_eq!(easter_sunday(y), date(y, m, d), "{y}");
    }
}

#[test]
fn easter_outside_chronos_range_saturates() {
    assert_eq!(easter_sunday(i32::MAX), NaiveDate::MAX);
    assert_eq!(easter_sunday(i32::MIN), NaiveDate::MIN);
    assert!(public_holidays(i32::MAX).is_empty());
}

fn holidays_of(year: i32) -> Vec<(NaiveDate, Holiday)> {
    public_holidays(year)
}

#[test]
fn holidays_2024() {
    use Holiday::*;
    assert_eq!(
        holidays_of(2024),
        vec![
            (date(2024, 1, 1), NewYear),
            (date(2024, 1, 6), Epiphany),
            (date(2024, 3, 29), GoodFriday),
            (date(2024, 3, 31), EasterSunday),
            (date(2024, 4, 1), EasterMonday),
            (date(2024, 5, 1), MayDay),
            (date(2024, 5, 9), Ascension),
            (date(2024, 5, 19), Pentecost),
            (date(2024, 6, 21), MidsummerEve),
            (date(2024, 6, 22), MidsummerDay),
            (date(2024, 11, 2), AllSaints),
            (date(2024, 12, 6), IndependenceDay),
            (date(2024, 12, 24), ChristmasEve),
            (date(2024, 12, 25), ChristmasDay),
            (date(2024, 12, 26), StStephensDay),
        ]
    );
}

#[test]
fn holidays_2025() {
    use Holiday::*;
    assert_eq!(
        holidays_of(2025),
        vec![
            (date(2025, 1, 1), NewYear),
            (date(2025, 1, 6), Epiphany),
            (date(2025, 4, 18), GoodFriday),
            (date(2025, 4, 20), EasterSunday),
            (date(2025, 4, 21), EasterMonday),
            (date(2025, 5, 1), MayDay),
            (date(2025, 5, 29), Ascension),
            (date(2025, 6, 8), Pentecost),
            (date(2025, 6, 20), MidsummerEve),
            (date(2025, 6, 21), MidsummerDay),
            (date(2025, 11, 1), AllSaints),
            (date(2025, 12, 6), IndependenceDay),
            (date(2025, 12, 24), ChristmasEve),
            (date(2025, 12, 25), ChristmasDay),
            (date(2025, 12, 26), StStephensDay),
        ]
    );
}

#[test]
fn holidays_2026() {
    use Holiday::*;
    assert_eq!(
        holidays_of(2026),
        vec![
            (date(2026, 1, 1), NewYear),
            (date(2026, 1, 6), Epiphany),
            (date(2026, 4, 3), GoodFriday),
            (date(2026, 4, 5), EasterSunday),
            (date(2026, 4, 6), EasterMonday),
            (date(2026, 5, 1), MayDay),
            (date(2026, 5, 14), Ascension),
            (date(2026, 5, 24), Pentecost),
            (date(2026, 6, 19), MidsummerEve),
            (date(2026, 6, 20), MidsummerDay),
            (date(2026, 10, 31), AllSaints),
            (date(2026, 12, 6), IndependenceDay),
            (date(2026, 12, 24), ChristmasEve),
            (date(2026, 12, 25), ChristmasDay),
            (date(2026, 12, 26), StStephensDay),
        ]
    );
}

#[test]
fn ascension_on_may_day_2008() {
    let days = public_holidays(2008);
    let may_day: Vec<_> = days
        .iter()
        .filter(|(d, _)| *d == date(2008, 5, 1))
        .collect();
    assert_eq!(may_day.len(), 2);
    assert_eq!(holiday_on(date(2008, 5, 1)), Some(Holiday::MayDay));
    assert!(!is_working_day(date(2008, 5, 1)));
}

#[test]
fn holiday_lookup() {
    assert_eq!(holiday_on(date(2025, 4, 18)), Some(Holiday::GoodFriday));
    assert_eq!(holiday_on(date(2025, 6, 20)), Some(Holiday::MidsummerEve));
    assert_eq!(holiday_on(date(2025, 11, 1)), Some(Holiday::AllSaints));
    assert_eq!(holiday_on(date(2025, 4, 19)), None);
    assert!(Holiday::ChristmasDay.is_public_holiday());
    assert!(!Holiday::ChristmasEve.is_public_holiday());
    assert!(!Holiday::MidsummerEve.is_public_holiday());
}

#[test]
fn holiday_names() {
    assert_eq!(Holiday::NewYear.name(Lang::Fi), "uudenvuodenpäivä");
    assert_eq!(Holiday::NewYear.name(Lang::Sv), "nyårsdagen");
    assert_eq!(Holiday::NewYear.name(Lang::En), "New Year's Day");
    assert_eq!(Holiday::MidsummerEve.name(Lang::Fi), "juhannusaatto");
    assert_eq!(
        Holiday::IndependenceDay.name(Lang::Sv),
        "självständighetsdagen"
    );
    // Every holiday has a distinct, non-empty name in every language.
    for lang in Lang::ALL {
        let mut names: Vec<&str> = public_holidays(2025)
            .into_iter()
            .map(|(_, h)| h.name(lang))
            .collect();
        assert!(names.iter().all(|n| !n.is_empty()));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 15, "{lang}");
    }
}

#[test]
fn working_days_and_weekdays() {
    // (date, working day, weekday)
    let cases = [
        (date(2025, 4, 17), true, true),    // Maundy Thursday
        (date(2025, 4, 18), false, false),  // Good Friday
        (date(2025, 4, 19), false, true),   // Easter Saturday: an ordinary Saturday
        (date(2025, 4, 20), false, false),  // Easter Sunday
        (date(2025, 4, 21), false, false),  // Easter Monday
        (date(2025, 4, 22), true, true),    // Tuesday
        (date(2025, 6, 20), false, false),  // Midsummer Eve
        (date(2025, 6, 21), false, false),  // Midsummer Day
        (date(2025, 12, 6), false, false),  // Independence Day on a Saturday
        (date(2025, 12, 13), false, true),  // an ordinary Saturday
        (date(2025, 12, 14), false, false), // an ordinary Sunday
        (date(2025, 12, 24), false, false), // Christmas Eve
        (date(2025, 12, 29), true, true),
    ];
    for (d, working, weekday) in cases {
        assert_eq!(is_working_day(d), working, "working day {d}");
        assert_eq!(is_weekday(d), weekday, "weekday {d}");
    }
}

#[test]
fn deadlines() {
    use DayCount::*;
    let cases = [
        // Zero days is the start itself.
        (date(2025, 4, 18), 0, Calendar, date(2025, 4, 18)),
        (date(2025, 4, 18), 0, WorkingDays, date(2025, 4, 18)),
        // Calendar days: an ordinary end day stays.
        (date(2025, 3, 3), 14, Calendar, date(2025, 3, 17)),
        // Ends on Good Friday: moves over Easter to Tuesday (150/1930).
        (date(2025, 4, 4), 14, Calendar, date(2025, 4, 22)),
        // Ends on a Saturday: moves to Monday.
        (date(2025, 3, 1), 14, Calendar, date(2025, 3, 17)),
        // Ends on Midsummer Eve: moves to the Monday after.
        (date(2025, 6, 13), 7, Calendar, date(2025, 6, 23)),
        // Ends on Christmas Eve 2025 (Wednesday): moves to Monday 29 December.
        (date(2025, 12, 10), 14, Calendar, date(2025, 12, 29)),
        // Working days across Easter.
        (date(2025, 4, 17), 1, WorkingDays, date(2025, 4, 22)),
        (date(2025, 4, 14), 10, WorkingDays, date(2025, 4, 30)),
        // A DPS admission decision in 10 working days across Christmas and New Year.
        (date(2025, 12, 19), 10, WorkingDays, date(2026, 1, 9)),
        (date(2025, 12, 23), 1, WorkingDays, date(2025, 12, 29)),
        // Weekdays count Saturdays but not holidays or the eves.
        (date(2025, 12, 19), 3, Weekdays, date(2025, 12, 23)),
        (date(2025, 4, 16), 2, Weekdays, date(2025, 4, 22)),
        // A weekday count ending on a Saturday moves to the next working day.
        (date(2025, 3, 6), 2, Weekdays, date(2025, 3, 10)),
        (date(2025, 4, 17), 1, Weekdays, date(2025, 4, 22)),
    ];
    for (start, n, count, expected) in cases {
        assert_eq!(
            deadline(start, n, count),
            expected,
            "{start} + {n} {count:?}"
        );
    }
}

#[test]
fn deadlines_at_the_end_of_time_saturate() {
    let near_end = NaiveDate::MAX.checked_sub_days(Days::new(3)).unwrap();
    assert_eq!(deadline(near_end, 10, DayCount::Calendar), NaiveDate::MAX);
    assert_eq!(
        deadline(near_end, 10, DayCount::WorkingDays),
        NaiveDate::MAX
    );
    assert_eq!(
        deadline(near_end, u32::MAX, DayCount::Calendar),
        NaiveDate::MAX
    );
}

#[test]
fn working_days_between_examples() {
    assert_eq!(
        working_days_between(date(2025, 4, 17), date(2025, 4, 22)),
        1
    );
    assert_eq!(
        working_days_between(date(2025, 4, 22), date(2025, 4, 17)),
        -1
    );
    assert_eq!(
        working_days_between(date(2025, 4, 22), date(2025, 4, 22)),
        0
    );
    // The whole of 2025: 365 days, 104 weekend days, 10 holidays or eves on weekdays.
    assert_eq!(
        working_days_between(date(2024, 12, 31), date(2025, 12, 31)),
        251
    );
    assert_eq!(
        working_days_between(date(2025, 12, 19), date(2026, 1, 9)),
        10
    );
}

proptest! {
    #[test]
    fn easter_is_a_sunday_between_22_march_and_25_april(year in 1583i32..=4000) {
        let e = easter_sunday(year);
        prop_assert_eq!(e.year(), year);
        prop_assert_eq!(e.weekday(), Weekday::Sun);
        prop_assert!(e >= date(year, 3, 22) && e <= date(year, 4, 25));
    }

    #[test]
    fn holidays_have_their_weekdays(year in 1900i32..=2200) {
        let days = public_holidays(year);
        prop_assert_eq!(days.len(), 15);
        prop_assert!(days.windows(2).all(|w| w[0] <= w[1]));
        for (d, h) in days {
            prop_assert_eq!(d.year(), year);
            let expected = match h {
                Holiday::GoodFriday | Holiday::MidsummerEve => Some(Weekday::Fri),
                Holiday::EasterSunday | Holiday::Pentecost => Some(Weekday::Sun),
                Holiday::EasterMonday => Some(Weekday::Mon),
                Holiday::Ascension => Some(Weekday::Thu),
                Holiday::MidsummerDay | Holiday::AllSaints => Some(Weekday::Sat),
                _ => None,
            };
            if let Some(w) = expected {
                prop_assert_eq!(d.weekday(), w, "{:?} {}", h, d);
            }
            prop_assert!(!is_working_day(d));
        }
    }

    #[test]
    fn deadlines_end_on_working_days_and_agree_with_the_count(
        offset in 0u64..(300 * 366),
        n in 1u32..60,
    ) {
        let start = date(1900, 1, 1).checked_add_days(Days::new(offset)).unwrap();
        for count in [DayCount::Calendar, DayCount::Weekdays, DayCount::WorkingDays] {
            let end = deadline(start, n, count);
            prop_assert!(end > start);
            prop_assert!(is_working_day(end), "{} + {} {:?} = {}", start, n, count, end);
        }
        let end = deadline(start, n, DayCount::WorkingDays);
        prop_assert_eq!(working_days_between(start, end), i64::from(n));
        prop_assert_eq!(working_days_between(end, start), -i64::from(n));
        // Working days are weekdays, so a weekday count never ends later.
        prop_assert!(deadline(start, n, DayCount::Weekdays) <= end);
        prop_assert!(deadline(start, n, DayCount::Calendar) <= end);
    }

    #[test]
    fn working_days_are_weekdays(offset in 0u64..(300 * 366)) {
        let d = date(1900, 1, 1).checked_add_days(Days::new(offset)).unwrap();
        if is_working_day(d) {
            prop_assert!(is_weekday(d));
            prop_assert!(d.weekday() != Weekday::Sat);
        }
        if d.weekday() == Weekday::Sun {
            prop_assert!(!is_weekday(d));
        }
    }
}
