//! Finnish local time. Instants are stored in UTC; people see Europe/Helsinki.
//!
//! Finland follows the EU summer-time rule (EET, UTC+2; EEST, UTC+3 from 01:00 UTC on the last
//! Sunday of March to 01:00 UTC on the last Sunday of October). Computing it here keeps a whole
//! time-zone database out of the build for the one zone we need.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, Offset, Utc, Weekday,
};

fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let mut d = first_next.pred_opt()?;
    while d.weekday() != Weekday::Sun {
        d = d.pred_opt()?;
    }
    Some(d)
}

/// The UTC offset in force in Finland at the given instant.
pub fn helsinki_offset(at: DateTime<Utc>) -> FixedOffset {
    const EET: i32 = 2 * 3600;
    const EEST: i32 = 3 * 3600;
    let year = at.year();
    let start = last_sunday(year, 3).and_then(|d| d.and_hms_opt(1, 0, 0));
    let end = last_sunday(year, 10).and_then(|d| d.and_hms_opt(1, 0, 0));
    let secs = match (start, end) {
        (Some(s), Some(e)) if at.naive_utc() >= s && at.naive_utc() < e => EEST,
        _ => EET,
    };
    FixedOffset::east_opt(secs).unwrap_or_else(|| Utc.fix())
}

/// The instant in Finnish local time.
pub fn to_helsinki(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&helsinki_offset(at))
}

/// A Finnish wall-clock time as a UTC instant. In the autumn hour that occurs twice the earlier
/// (summer-time) one is taken; a time in the spring gap is read as winter time.
pub fn from_helsinki(local: NaiveDateTime) -> DateTime<Utc> {
    let summer = DateTime::<Utc>::from_naive_utc_and_offset(local - Duration::hours(3), Utc);
    if helsinki_offset(summer).local_minus_utc() == 3 * 3600 {
        return summer;
    }
    DateTime::<Utc>::from_naive_utc_and_offset(local - Duration::hours(2), Utc)
}

/// Today's date in Finland.
pub fn helsinki_today(now: DateTime<Utc>) -> NaiveDate {
    to_helsinki(now).date_naive()
}

/// `31.12.2027 14.05`, the form Finnish and Swedish readers expect; English uses the same
/// day-first order with a colon in the time.
pub fn format_datetime(at: DateTime<Utc>, lang: crate::locale::Lang) -> String {
    let local = to_helsinki(at);
    match lang {
        crate::locale::Lang::Fi => local.format("%-d.%-m.%Y klo %H.%M").to_string(),
        crate::locale::Lang::Sv => local.format("%-d.%-m.%Y kl. %H.%M").to_string(),
        crate::locale::Lang::En => local.format("%-d.%-m.%Y %H:%M").to_string(),
    }
}

/// `31.12.2027` in every language.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%-d.%-m.%Y").to_string()
}
