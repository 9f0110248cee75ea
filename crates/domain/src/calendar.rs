//! The Finnish working-day calendar: public holidays, working days, weekdays (arkipäivä) and the
//! statutory deadline rule.
//!
//! Every function is total: dates at the edge of chrono's range saturate instead of panicking.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::locale::Lang;

/// A Finnish public holiday, or one of the two eves that are days off in practice.
///
/// Midsummer Eve and Christmas Eve are not public holidays by law, but offices are closed and the
/// Act on the Calculation of Statutory Time Limits (150/1930) treats them like holidays;
/// [`Holiday::is_public_holiday`] tells them apart.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    NewYear,
    Epiphany,
    GoodFriday,
    EasterSunday,
    EasterMonday,
    MayDay,
    Ascension,
    Pentecost,
    MidsummerEve,
    MidsummerDay,
    AllSaints,
    IndependenceDay,
    ChristmasEve,
    ChristmasDay,
    StStephensDay,
}

impl Holiday {
    /// False only for Midsummer Eve and Christmas Eve.
    pub fn is_public_holiday(self) -> bool {
        !matches!(self, Holiday::MidsummerEve | Holiday::ChristmasEve)
    }

    /// The name as written in running text (Finnish and Swedish names are lowercase).
    pub fn name(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fi => match self {
                Holiday::NewYear => "uudenvuodenpäivä",
                Holiday::Epiphany => "loppiainen",
                Holiday::GoodFriday => "pitkäperjantai",
                Holiday::EasterSunday => "pääsiäispäivä",
                Holiday::EasterMonday => "2. pääsiäispäivä",
                Holiday::MayDay => "vappu",
                Holiday::Ascension => "helatorstai",
                Holiday::Pentecost => "helluntaipäivä",
                Holiday::MidsummerEve => "juhannusaatto",
                Holiday::MidsummerDay => "juhannuspäivä",
                Holiday::AllSaints => "pyhäinpäivä",
                Holiday::IndependenceDay => "itsenäisyyspäivä",
                Holiday::ChristmasEve => "jouluaatto",
                Holiday::ChristmasDay => "joulupäivä",
                Holiday::StStephensDay => "tapaninpäivä",
            },
            Lang::Sv => match self {
                Holiday::NewYear => "nyårsdagen",
                Holiday::Epiphany => "trettondedag jul",
                Holiday::GoodFriday => "långfredagen",
                Holiday::EasterSunday => "påskdagen",
                Holiday::EasterMonday => "annandag påsk",
                Holiday::MayDay => "första maj",
                Holiday::Ascension => "Kristi himmelfärds dag",
                Holiday::Pentecost => "pingstdagen",
                Holiday::MidsummerEve => "midsommarafton",
                Holiday::MidsummerDay => "midsommardagen",
                Holiday::AllSaints => "alla helgons dag",
                Holiday::IndependenceDay => "självständighetsdagen",
                Holiday::ChristmasEve => "julafton",
                Holiday::ChristmasDay => "juldagen",
                Holiday::StStephensDay => "annandag jul",
            },
            Lang::En => match self {
                Holiday::NewYear => "New Year's Day",
                Holiday::Epiphany => "Epiphany",
                Holiday::GoodFriday => "Good Friday",
                Holiday::EasterSunday => "Easter Sunday",
                Holiday::EasterMonday => "Easter Monday",
                Holiday::MayDay => "May Day",
                Holiday::Ascension => "Ascension Day",
                Holiday::Pentecost => "Pentecost",
                Holiday::MidsummerEve => "Midsummer Eve",
                Holiday::MidsummerDay => "Midsummer Day",
                Holiday::AllSaints => "All Saints' Day",
                Holiday::IndependenceDay => "Independence Day",
                Holiday::ChristmasEve => "Christmas Eve",
                Holiday::ChristmasDay => "Christmas Day",
                Holiday::StStephensDay => "St Stephen's Day",
            },
        }
    }
}

/// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm of Meeus, Jones and
/// Butcher). Outside chrono's year range it saturates to `NaiveDate::MIN` or `NaiveDate::MAX`.
pub fn easter_sunday(year: i32) -> NaiveDate {
    // Euclidean division keeps the algorithm correct for proleptic years below zero.
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    // month is 3 or 4 and day 1..=31 by construction, so only the year can be out of range.
    u32::try_from(month)
        .ok()
        .zip(u32::try_from(day).ok())
        .and_then(|(month, day)| NaiveDate::from_ymd_opt(year, month, day))
        .unwrap_or(if year < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// The first day on or after `month`/`from_day` of `year` that falls on `weekday`.
fn first_weekday_from(year: i32, month: u32, from_day: u32, weekday: Weekday) -> Option<NaiveDate> {
    let start = NaiveDate::from_ymd_opt(year, month, from_day)?;
    let offset = (7 + weekday.num_days_from_monday() - start.weekday().num_days_from_monday()) % 7;
    start.checked_add_days(Days::new(u64::from(offset)))
}

/// The public holidays of a year together with Midsummer Eve and Christmas Eve, in date order.
/// Empty for a year chrono cannot represent.
pub fn public_holidays(year: i32) -> Vec<(NaiveDate, Holiday)> {
    let fixed = |month, day| NaiveDate::from_ymd_opt(year, month, day);
    let easter = NaiveDate::from_ymd_opt(year, 1, 1).map(|_| easter_sunday(year));
    let from_easter =
        |days: i64| easter.and_then(|e| e.checked_add_signed(chrono::Duration::days(days)));

    let candidates = [
        (fixed(1, 1), Holiday::NewYear),
        (fixed(1, 6), Holiday::Epiphany),
        (from_easter(-2), Holiday::GoodFriday),
        (easter, Holiday::EasterSunday),
        (from_easter(1), Holiday::EasterMonday),
        (fixed(5, 1), Holiday::MayDay),
        (from_easter(39), Holiday::Ascension),
        (from_easter(49), Holiday::Pentecost),
        // Midsummer Day is the Saturday between 20 and 26 June, its eve the day before.
        (
            first_weekday_from(year, 6, 19, Weekday::Fri),
            Holiday::MidsummerEve,
        ),
        (
            first_weekday_from(year, 6, 20, Weekday::Sat),
            Holiday::MidsummerDay,
        ),
        // All Saints' Day is the Saturday between 31 October and 6 November.
        (
            first_weekday_from(year, 10, 31, Weekday::Sat),
            Holiday::AllSaints,
        ),
        (fixed(12, 6), Holiday::IndependenceDay),
        (fixed(12, 24), Holiday::ChristmasEve),
        (fixed(12, 25), Holiday::ChristmasDay),
        (fixed(12, 26), Holiday::StStephensDay),
    ];
    let mut days: Vec<(NaiveDate, Holiday)> = candidates
        .into_iter()
        .filter_map(|(date, holiday)| date.map(|d| (d, holiday)))
        .collect();
    // Ascension can fall on May Day (as in 2008), so sort rather than trust the listing order.
    days.sort();
    days
}

/// The holiday or eve on `d`, if any. When two coincide, the first in [`Holiday`] order is given.
pub fn holiday_on(d: NaiveDate) -> Option<Holiday> {
    public_holidays(d.year())
        .into_iter()
        .find(|(date, _)| *date == d)
        .map(|(_, h)| h)
}

/// Holidays of the year last asked about, so that walking day by day does not recompute Easter
/// for every day.
struct HolidayCache {
    year: i32,
    days: Vec<NaiveDate>,
}

impl HolidayCache {
    fn new() -> Self {
        HolidayCache {
            year: i32::MIN,
            days: Vec::new(),
        }
    }

    /// Whether `d` is a public holiday, Midsummer Eve or Christmas Eve.
    fn is_day_off(&mut self, d: NaiveDate) -> bool {
        if d.year() != self.year {
            self.year = d.year();
            self.days = public_holidays(self.year)
                .into_iter()
                .map(|(date, _)| date)
                .collect();
        }
        self.days.contains(&d)
    }

    fn is_working_day(&mut self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_day_off(d)
    }

    fn is_weekday(&mut self, d: NaiveDate) -> bool {
        d.weekday() != Weekday::Sun && !self.is_day_off(d)
    }
}

/// A day when offices are open: Monday to Friday, not a public holiday, Midsummer Eve or Christmas
/// Eve.
pub fn is_working_day(d: NaiveDate) -> bool {
    HolidayCache::new().is_working_day(d)
}

/// An arkipäivä: Monday to Saturday, not a public holiday, Midsummer Eve or Christmas Eve.
///
/// Finnish statutes use "arkipäivä" for the days that are not Sundays or holidays; Saturdays count.
/// Midsummer Eve and Christmas Eve are left out because 150/1930 treats them as days off. Easter
/// Saturday is an ordinary Saturday here: no statute makes it a holiday.
pub fn is_weekday(d: NaiveDate) -> bool {
    HolidayCache::new().is_weekday(d)
}

/// How the days of a time limit are counted.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayCount {
    /// Every day counts.
    Calendar,
    /// Arkipäivät: see [`is_weekday`].
    Weekdays,
    /// See [`is_working_day`].
    WorkingDays,
}

/// The last day of a time limit of `n` days of the given kind that starts on `start`. The start day
/// itself is not counted, and `n = 0` gives `start`.
///
/// As in the Act on the Calculation of Statutory Time Limits (150/1930, 5 §), a time limit whose
/// last day is not a working day ends on the next working day. That happens with calendar days and
/// with weekdays (whose last day may be a Saturday); a working-day count always ends on one.
/// Saturates at `NaiveDate::MAX`.
pub fn deadline(start: NaiveDate, n: u32, count: DayCount) -> NaiveDate {
    let mut cache = HolidayCache::new();
    let last = match count {
        DayCount::Calendar => start
            .checked_add_days(Days::new(u64::from(n)))
            .unwrap_or(NaiveDate::MAX),
        DayCount::Weekdays => nth_day_after(start, n, |d| cache.is_weekday(d)),
        DayCount::WorkingDays => nth_day_after(start, n, |d| cache.is_working_day(d)),
    };
    if n == 0 {
        return last;
    }
    let mut day = last;
    while !cache.is_working_day(day) {
        match day.succ_opt() {
            Some(next) => day = next,
            None => return NaiveDate::MAX,
        }
    }
    day
}

/// The `n`th day after `start` for which `counts` holds; `NaiveDate::MAX` if the calendar ends
/// first.
fn nth_day_after(start: NaiveDate, n: u32, mut counts: impl FnMut(NaiveDate) -> bool) -> NaiveDate {
    let mut day = start;
    let mut remaining = n;
    while remaining > 0 {
        match day.succ_opt() {
            Some(next) => day = next,
            None => return NaiveDate::MAX,
        }
        if counts(day) {
            remaining -= 1;
        }
    }
    day
}

/// The number of working days in `(from, to]`, negative when `to` is before `from`; used to show
/// processing times ("decided in 7 working days").
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let (low, high, sign) = if to >= from {
        (from, to, 1)
    } else {
        (to, from, -1)
    };
    let mut cache = HolidayCache::new();
    let mut count = 0i64;
    let mut day = low;
    while day < high {
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
        if cache.is_working_day(day) {
            count += 1;
        }
    }
    sign * count
}
