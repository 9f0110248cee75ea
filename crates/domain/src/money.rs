//! Money in euro cents.
//!
//! Amounts are integers so sums are exact; there is no VAT handling because social-welfare services
//! are VAT-exempt. Arithmetic is only offered as `checked_*` methods: an overflowing sum of money
//! must surface as an error, never wrap, saturate or panic, which is why `Add`/`Sub` are not
//! implemented.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::locale::Lang;

/// An amount of euros, stored as whole cents. Serialised as an integer number of cents.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

/// Why a money amount could not be parsed or computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount is empty")]
    Empty,
    #[error("amount is not a number")]
    Format,
    #[error("amount has more than two decimals")]
    Precision,
    #[error("amount is too large")]
    Overflow,
}

/// Every code [`MoneyError::code`] can return; a test checks that each `error-<code>` has a
/// translation in every locale.
pub const ALL_CODES: &[&str] = &[
    "money-empty",
    "money-format",
    "money-precision",
    "money-overflow",
];

impl MoneyError {
    /// A stable code for the UI (`error-<code>` in the Fluent files) and for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            MoneyError::Empty => "money-empty",
            MoneyError::Format => "money-format",
            MoneyError::Precision => "money-precision",
            MoneyError::Overflow => "money-overflow",
        }
    }
}

/// No-break space: keeps "1 234,50 €" on one line.
const NBSP: char = '\u{00A0}';
/// The typographic minus sign used in Finnish and Swedish text.
const MINUS: char = '\u{2212}';

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_cents(cents: i64) -> Money {
        Money(cents)
    }

    pub const fn cents(self) -> i64 {
        self.0
    }

    /// Whole euros; `None` if the amount does not fit.
    pub fn from_euros(euros: i64) -> Option<Money> {
        euros.checked_mul(100).map(Money)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// Multiplies by a whole quantity, e.g. a unit price by a number of visits.
    pub fn checked_mul(self, factor: i64) -> Option<Money> {
        self.0.checked_mul(factor).map(Money)
    }

    pub fn checked_neg(self) -> Option<Money> {
        self.0.checked_neg().map(Money)
    }

    /// The sum of all amounts, or `None` if any partial sum overflows.
    pub fn checked_sum<I: IntoIterator<Item = Money>>(amounts: I) -> Option<Money> {
        amounts
            .into_iter()
            .try_fold(Money::ZERO, |acc, m| acc.checked_add(m))
    }

    /// Parses an amount typed by a person or read from a document.
    ///
    /// Accepts `1 234,50`, `1234.50`, `1234,5 €`, `€1,234.50`, `-12` and `−12`, with ordinary,
    /// no-break or narrow no-break spaces between thousands. When a single `,` or `.` could be
    /// either a decimal or a thousands separator, the language decides: in Finnish and Swedish `,`
    /// is always the decimal separator (and a `.` is too, as typed on a computer keyboard); in
    /// English `,` separates thousands when the groups have three digits. Amounts with more than
    /// two decimals are rejected rather than rounded, so nobody loses a cent silently.
    pub fn parse(input: &str, lang: Lang) -> Result<Money, MoneyError> {
        let trimmed = input.trim();
        // An "EUR" suffix means the same as the euro sign; `get` keeps the slice on a character
        // boundary whatever the input.
        let trimmed = match trimmed
            .len()
            .checked_sub(3)
            .and_then(|i| trimmed.get(i..).map(|t| (i, t)))
        {
            Some((i, tail)) if tail.eq_ignore_ascii_case("eur") => {
                trimmed.get(..i).unwrap_or(trimmed)
            }
            _ => trimmed,
        };
        // Spaces of any kind and the euro sign carry no value.
        let compact: String = trimmed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '€')
            .collect();
        if compact.is_empty() {
            return Err(MoneyError::Empty);
        }
        let (negative, unsigned) = if let Some(rest) = compact.strip_prefix(['-', MINUS]) {
            (true, rest)
        } else if let Some(rest) = compact.strip_prefix('+') {
            (false, rest)
        } else {
            (false, compact.as_str())
        };
        if unsigned.is_empty()
            || !unsigned
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        {
            return Err(MoneyError::Format);
        }

        let (integer, fraction) = split_decimal(unsigned, lang)?;
        if integer.is_empty() && fraction.is_empty() {
            return Err(MoneyError::Format);
        }
        if fraction.len() > 2 {
            return Err(MoneyError::Precision);
        }

        // Accumulate the magnitude in i128 so that the most negative amount, whose magnitude does
        // not fit in i64, still parses.
        let cent_digits = fraction.bytes().chain(std::iter::repeat(b'0')).take(2);
        let magnitude = integer
            .bytes()
            .chain(cent_digits)
            .try_fold(0i128, |acc, b| {
                acc.checked_mul(10)?.checked_add(i128::from(b - b'0'))
            })
            .ok_or(MoneyError::Overflow)?;
        let signed = if negative { -magnitude } else { magnitude };
        i64::try_from(signed)
            .map(Money)
            .map_err(|_| MoneyError::Overflow)
    }

    /// The amount as a machine reads it, whatever the language: `1234.50`, `-12.00`. For files
    /// that spreadsheets and accounting systems import as numbers.
    pub fn decimal(self) -> String {
        let c = self.0;
        let sign = if c < 0 { "-" } else { "" };
        format!(
            "{sign}{}.{:02}",
            c.unsigned_abs() / 100,
            c.unsigned_abs() % 100
        )
    }

    /// Formats the amount for people: `1 234,50 €` in Finnish and Swedish, `€1,234.50` in English.
    /// Finnish and Swedish use no-break spaces and the minus sign `−`; English uses `-`.
    pub fn format(self, lang: Lang) -> String {
        let magnitude = self.0.unsigned_abs();
        let euros = magnitude / 100;
        let cents = magnitude % 100;
        let negative = self.0 < 0;
        let mut out = String::new();
        match lang {
            Lang::Fi | Lang::Sv => {
                if negative {
                    out.push(MINUS);
                }
                push_grouped(&mut out, euros, NBSP);
                // Writing to a String cannot fail.
                let _ = write!(out, ",{cents:02}{NBSP}€");
            }
            Lang::En => {
                if negative {
                    out.push('-');
                }
                out.push('€');
                push_grouped(&mut out, euros, ',');
                let _ = write!(out, ".{cents:02}");
            }
        }
        out
    }
}

/// Splits the digits into the integer and the fraction part, dropping thousands separators.
/// `text` holds only ASCII digits, `,` and `.`.
fn split_decimal(text: &str, lang: Lang) -> Result<(String, String), MoneyError> {
    let has_comma = text.contains(',');
    let has_dot = text.contains('.');
    let decimal = match (has_comma, has_dot) {
        (false, false) => return Ok((text.to_owned(), String::new())),
        // Both present: the last one is the decimal separator (1,234.50 or 1.234,50).
        (true, true) => {
            if text.rfind(',') > text.rfind('.') {
                Some(',')
            } else {
                Some('.')
            }
        }
        (true, false) => match lang {
            Lang::Fi | Lang::Sv => Some(','),
            Lang::En if valid_grouping(text, ',') => None,
            Lang::En => Some(','),
        },
        (false, true) => Some('.'),
    };
    let Some(decimal) = decimal else {
        return Ok((text.replace(',', ""), String::new()));
    };
    let (integer, fraction) = match text.rsplit_once(decimal) {
        Some(parts) => parts,
        None => (text, ""),
    };
    if fraction.contains([',', '.']) {
        return Err(MoneyError::Format);
    }
    let thousands = if decimal == ',' { '.' } else { ',' };
    if integer.contains(decimal) {
        return Err(MoneyError::Format);
    }
    if integer.contains(thousands) && !valid_grouping(integer, thousands) {
        return Err(MoneyError::Format);
    }
    Ok((integer.replace(thousands, ""), fraction.to_owned()))
}

/// Whether `separator` splits `text` into a leading group of 1–3 digits followed by groups of
/// exactly three, as thousands separators do.
fn valid_grouping(text: &str, separator: char) -> bool {
    let mut groups = text.split(separator);
    let first_ok = groups
        .next()
        .is_some_and(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()));
    first_ok && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// Appends `value` with `separator` between groups of three digits.
fn push_grouped(out: &mut String, value: u64, separator: char) {
    let digits = value.to_string();
    let first = match digits.len() % 3 {
        0 => 3,
        r => r,
    };
    for (i, c) in digits.chars().enumerate() {
        if i >= first && (i - first) % 3 == 0 {
            out.push(separator);
        }
        out.push(c);
    }
}
