//! Finnish identifiers that are validated on construction: the personal identity code
//! (henkilötunnus), the business ID (Y-tunnus), the national reference number (viitenumero) and the
//! ISO 11649 creditor reference (RF reference).
//!
//! A value of any of these types is always valid, so the rest of the system never re-checks them.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why an identifier was rejected.
///
/// The English `Display` text is for logs and developers; the UI shows the translation of
/// `error-<code>`. No variant carries the rejected input, so an invalid identity code cannot leak into
/// a log line through an error message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentError {
    #[error("personal identity code is empty")]
    HetuEmpty,
    #[error("personal identity code must be 11 characters, got {0}")]
    HetuLength(usize),
    #[error("personal identity code has an invalid character at position {0}")]
    HetuCharacter(usize),
    #[error("personal identity code has an unknown century sign")]
    HetuCentury,
    #[error("personal identity code does not contain a valid date of birth")]
    HetuDate,
    #[error("personal identity code has an invalid individual number")]
    HetuIndividualNumber,
    #[error("personal identity code has a wrong check character")]
    HetuChecksum,
    #[error("a made-up personal identity code needs an individual number between 900 and 999")]
    HetuNotMadeUp,

    #[error("business ID is empty")]
    BusinessIdEmpty,
    #[error("business ID must look like 1234567-8")]
    BusinessIdFormat,
    #[error("business ID has a wrong check digit")]
    BusinessIdChecksum,

    #[error("reference number is empty")]
    ReferenceEmpty,
    #[error("reference number may contain only digits and spaces")]
    ReferenceFormat,
    #[error("reference number must have 4 to 20 digits, got {0}")]
    ReferenceLength(usize),
    #[error("reference number has a wrong check digit")]
    ReferenceChecksum,

    #[error("RF reference is empty")]
    RfEmpty,
    #[error("RF reference must start with RF and two check digits followed by letters or digits")]
    RfFormat,
    #[error("RF reference must have 5 to 25 characters, got {0}")]
    RfLength(usize),
    #[error("RF reference has wrong check digits")]
    RfChecksum,
}

/// Every code [`IdentError::code`] can return; a test checks that each `error-<code>` has a
/// translation in every locale.
pub const ALL_CODES: &[&str] = &[
    "hetu-empty",
    "hetu-length",
    "hetu-character",
    "hetu-century",
    "hetu-date",
    "hetu-individual-number",
    "hetu-checksum",
    "hetu-not-made-up",
    "business-id-empty",
    "business-id-format",
    "business-id-checksum",
    "reference-empty",
    "reference-format",
    "reference-length",
    "reference-checksum",
    "rf-empty",
    "rf-format",
    "rf-length",
    "rf-checksum",
];

impl IdentError {
    /// A stable code for the UI (`error-<code>` in the Fluent files) and for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            IdentError::HetuEmpty => "hetu-empty",
            IdentError::HetuLength(_) => "hetu-length",
            IdentError::HetuCharacter(_) => "hetu-character",
            IdentError::HetuCentury => "hetu-century",
            IdentError::HetuDate => "hetu-date",
            IdentError::HetuIndividualNumber => "hetu-individual-number",
            IdentError::HetuChecksum => "hetu-checksum",
            IdentError::HetuNotMadeUp => "hetu-not-made-up",
            IdentError::BusinessIdEmpty => "business-id-empty",
            IdentError::BusinessIdFormat => "business-id-format",
            IdentError::BusinessIdChecksum => "business-id-checksum",
            IdentError::ReferenceEmpty => "reference-empty",
            IdentError::ReferenceFormat => "reference-format",
            IdentError::ReferenceLength(_) => "reference-length",
            IdentError::ReferenceChecksum => "reference-checksum",
            IdentError::RfEmpty => "rf-empty",
            IdentError::RfFormat => "rf-format",
            IdentError::RfLength(_) => "rf-length",
            IdentError::RfChecksum => "rf-checksum",
        }
    }
}

/// Value of an ASCII digit; the callers have already checked that `b` is one.
fn digit_value(b: u8) -> u32 {
    u32::from(b.wrapping_sub(b'0'))
}

/// Value of a run of ASCII digits; `None` on overflow or a non-digit.
fn digits_value(s: &[u8]) -> Option<u32> {
    s.iter().try_fold(0u32, |acc, &b| {
        if b.is_ascii_digit() {
            acc.checked_mul(10)?.checked_add(digit_value(b))
        } else {
            None
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Personal identity code
// ---------------------------------------------------------------------------------------------

/// The 31 check characters of the personal identity code; G, I, O, Q and Z are left out because
/// they are easy to confuse with digits.
const HETU_CHECK_CHARS: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

/// First year of the century a century sign stands for. `Y X W V U` and `B C D E F` were added in
/// 2023 because some birth dates ran out of individual numbers.
fn century_of(sign: u8) -> Option<i32> {
    match sign {
        b'+' => Some(1800),
        b'-' | b'Y' | b'X' | b'W' | b'V' | b'U' => Some(1900),
        b'A' | b'B' | b'C' | b'D' | b'E' | b'F' => Some(2000),
        _ => None,
    }
}

/// The check character of the nine digits DDMMYYZZZ.
fn hetu_check_char(date_part: &[u8], individual_part: &[u8]) -> Option<u8> {
    let date = digits_value(date_part)?;
    let individual = digits_value(individual_part)?;
    let n = date.checked_mul(1000)?.checked_add(individual)?;
    let index = usize::try_from(n % 31).ok()?;
    HETU_CHECK_CHARS.get(index).copied()
}

/// A valid Finnish personal identity code (henkilötunnus).
///
/// It is sensitive personal data: `Debug` and `Display` print only the masked form, and the type
/// deliberately has no serde implementation, so storing or sending the full code always goes through
/// an explicit [`PersonalIdentityCode::as_str`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonalIdentityCode {
    code: String,
    birth: NaiveDate,
    individual: u16,
}

impl PersonalIdentityCode {
    /// Parses and validates a code; surrounding whitespace is ignored and letters may be lowercase.
    pub fn parse(input: &str) -> Result<Self, IdentError> {
        let code = input.trim().to_uppercase();
        if code.is_empty() {
            return Err(IdentError::HetuEmpty);
        }
        let length = code.chars().count();
        if length != 11 {
            return Err(IdentError::HetuLength(length));
        }
        // Non-ASCII characters cannot be valid anywhere; rejecting them first makes byte indexing
        // below equal to character indexing.
        if let Some(position) = code.chars().position(|c| !c.is_ascii()) {
            return Err(IdentError::HetuCharacter(position));
        }
        let bytes = code.as_bytes();
        let (date_part, rest) = bytes.split_at(6);
        let (sign_part, rest) = rest.split_at(1);
        let (individual_part, check_part) = rest.split_at(3);

        if let Some(position) = date_part.iter().position(|b| !b.is_ascii_digit()) {
            return Err(IdentError::HetuCharacter(position));
        }
        let century = sign_part
            .first()
            .and_then(|&s| century_of(s))
            .ok_or(IdentError::HetuCentury)?;
        if let Some(position) = individual_part.iter().position(|b| !b.is_ascii_digit()) {
            return Err(IdentError::HetuCharacter(position + 7));
        }
        let check = check_part.first().copied().unwrap_or_default();
        if !HETU_CHECK_CHARS.contains(&check) {
            return Err(IdentError::HetuCharacter(10));
        }

        let birth = hetu_birth_date(date_part, century).ok_or(IdentError::HetuDate)?;
        let individual = digits_value(individual_part)
            .and_then(|n| u16::try_from(n).ok())
            .ok_or(IdentError::HetuIndividualNumber)?;
        // 000 and 001 are never issued.
        if individual < 2 {
            return Err(IdentError::HetuIndividualNumber);
        }
        if hetu_check_char(date_part, individual_part) != Some(check) {
            return Err(IdentError::HetuChecksum);
        }
        Ok(Self {
            code,
            birth,
            individual,
        })
    }

    /// Builds a code for a made-up person (test data, demos, training). Only the individual numbers
    /// 900–999 are allowed because they are never given to real people.
    pub fn new_made_up(birth: NaiveDate, individual: u16) -> Result<Self, IdentError> {
        if !(900..=999).contains(&individual) {
            return Err(IdentError::HetuNotMadeUp);
        }
        let sign = match birth.year() {
            1800..=1899 => '+',
            1900..=1999 => '-',
            2000..=2099 => 'A',
            _ => return Err(IdentError::HetuDate),
        };
        let date_part = format!(
            "{:02}{:02}{:02}",
            birth.day(),
            birth.month(),
            birth.year().rem_euclid(100)
        );
        let individual_part = format!("{individual:03}");
        let check = hetu_check_char(date_part.as_bytes(), individual_part.as_bytes())
            .ok_or(IdentError::HetuChecksum)?;
        let code = format!("{date_part}{sign}{individual_part}{}", char::from(check));
        Self::parse(&code)
    }

    /// The full code. Use it only to store the code or hand it over under a legal basis; never
    /// for display, logs, invoices or printouts.
    pub fn as_str(&self) -> &str {
        &self.code
    }

    /// The birth date and century sign with the rest hidden, e.g. `010190-****`; the form to show.
    pub fn masked(&self) -> String {
        let visible: String = self.code.chars().take(7).collect();
        format!("{visible}****")
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth
    }

    /// The three-digit individual number (odd for men, even for women in codes issued so far).
    pub fn individual_number(&self) -> u16 {
        self.individual
    }

    /// Whether this is a code for a made-up person (individual number 900–999).
    pub fn is_made_up(&self) -> bool {
        self.individual >= 900
    }
}

/// Whether 11 bytes are shaped like a personal identity code (six digits, a century sign, three
/// digits and a check character), valid or not: a mistyped code is as personal as a right one.
fn identity_code_shaped(w: &[u8]) -> bool {
    w.len() == 11
        && w[..6].iter().all(u8::is_ascii_digit)
        && century_of(w[6].to_ascii_uppercase()).is_some()
        && w[7..10].iter().all(u8::is_ascii_digit)
        && w[10].is_ascii_alphanumeric()
}

/// Where in `bytes` something shaped like a personal identity code starts, each match once. An
/// identity code is ASCII, so this finds it in any text encoding that keeps ASCII as it is
/// (UTF-8, ISO-8859-15): in a whole file as received, attributes and markup included.
pub fn identity_code_offsets(bytes: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 11 <= bytes.len() {
        // Not in the middle of a longer run of digits or letters: `20261031-1234` is a date and
        // a serial, not a code.
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let ends_word = bytes.get(i + 11).is_none_or(|b| !b.is_ascii_alphanumeric());
        if starts_word && ends_word && identity_code_shaped(&bytes[i..i + 11]) {
            out.push(i);
            i += 11;
        } else {
            i += 1;
        }
    }
    out
}

/// Masks everything in `text` shaped like a personal identity code, valid or not, keeping the
/// birth date part. Used where free text typed by a person is kept, such as the user name of a
/// failed sign-in.
pub fn mask_identity_codes(text: &str) -> String {
    let mut bytes: Vec<u8> = text.as_bytes().to_vec();
    let mut i = 0;
    while i + 11 <= bytes.len() {
        if identity_code_shaped(&bytes[i..i + 11]) {
            for b in &mut bytes[i + 7..i + 11] {
                *b = b'*';
            }
            i += 11;
        } else {
            i += 1;
        }
    }
    // Only ASCII bytes were replaced by ASCII, so the text is still UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// As [`redact_identity_codes`], for a text: every code overwritten whole.
pub fn redact_identity_codes_in(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    redact_identity_codes(&mut bytes);
    // Only ASCII bytes were replaced by ASCII, so the text is still UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Overwrites every identity code found by [`identity_code_offsets`] with `*`, whole: for a file
/// that is kept although it named a person.
pub fn redact_identity_codes(bytes: &mut [u8]) -> usize {
    let at = identity_code_offsets(bytes);
    for &i in &at {
        for b in &mut bytes[i..i + 11] {
            *b = b'*';
        }
    }
    at.len()
}

/// Birth date from DDMMYY and the century; `None` if no such day exists.
fn hetu_birth_date(date_part: &[u8], century: i32) -> Option<NaiveDate> {
    let day = digits_value(date_part.get(0..2)?)?;
    let month = digits_value(date_part.get(2..4)?)?;
    let year_in_century = i32::try_from(digits_value(date_part.get(4..6)?)?).ok()?;
    NaiveDate::from_ymd_opt(century + year_in_century, month, day)
}

impl fmt::Debug for PersonalIdentityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PersonalIdentityCode")
            .field(&self.masked())
            .finish()
    }
}

/// Masked on purpose: `{}` in a log line or template must not reveal the code.
impl fmt::Display for PersonalIdentityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl FromStr for PersonalIdentityCode {
    type Err = IdentError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

// ---------------------------------------------------------------------------------------------
// Business ID
// ---------------------------------------------------------------------------------------------

const BUSINESS_ID_WEIGHTS: [u32; 7] = [7, 9, 10, 5, 8, 4, 2];

/// Check digit of a seven-digit base, or `None` when the weighted sum leaves remainder 1 (such
/// bases are never issued).
fn business_id_check(base: &[u8]) -> Option<u8> {
    let sum: u32 = base
        .iter()
        .zip(BUSINESS_ID_WEIGHTS)
        .map(|(&b, w)| digit_value(b) * w)
        .sum();
    match sum % 11 {
        0 => Some(0),
        1 => None,
        r => u8::try_from(11 - r).ok(),
    }
}

/// A valid Finnish business ID (Y-tunnus), always in the form `1234567-8`.
///
/// Business IDs are public, so `Display` and serde use the full value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BusinessId(String);

impl BusinessId {
    /// Parses `1234567-8`; the older six-digit form `123456-7` is accepted and padded with a zero.
    pub fn parse(input: &str) -> Result<Self, IdentError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(IdentError::BusinessIdEmpty);
        }
        let (base, check) = s.split_once('-').ok_or(IdentError::BusinessIdFormat)?;
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if !(all_digits(base) && all_digits(check) && check.len() == 1) {
            return Err(IdentError::BusinessIdFormat);
        }
        let base = match base.len() {
            7 => base.to_owned(),
            6 => format!("0{base}"),
            _ => return Err(IdentError::BusinessIdFormat),
        };
        let expected = business_id_check(base.as_bytes()).ok_or(IdentError::BusinessIdChecksum)?;
        if check.as_bytes() != [b'0' + expected] {
            return Err(IdentError::BusinessIdChecksum);
        }
        Ok(Self(format!("{base}-{check}")))
    }

    /// Builds the ID for a base of at most seven digits, computing its check digit; `None` if the
    /// base is too large or has no valid check digit. Used to make up valid demo IDs.
    pub fn from_digits(base: u32) -> Option<Self> {
        if base > 9_999_999 {
            return None;
        }
        let base = format!("{base:07}");
        let check = business_id_check(base.as_bytes())?;
        Some(Self(format!("{base}-{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BusinessId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for BusinessId {
    type Err = IdentError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A business ID is sent as its text, e.g. `0124610-9`.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for BusinessId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "BusinessId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{7}-[0-9]$",
            "description": "Finnish business ID (Y-tunnus) with its check digit"
        })
    }
}

impl Serialize for BusinessId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for BusinessId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------------
// Finnish reference number
// ---------------------------------------------------------------------------------------------

/// Check digit of a Finnish reference number base: weights 7, 3, 1 repeating from the right, and
/// the distance of the weighted sum to the next multiple of ten.
fn reference_check(base: &[u8]) -> u8 {
    let sum: u32 = base
        .iter()
        .rev()
        .zip([7u32, 3, 1].into_iter().cycle())
        .map(|(&b, w)| digit_value(b) * w)
        .sum();
    // The value is below 10, so the conversion cannot fail.
    u8::try_from((10 - sum % 10) % 10).unwrap_or_default()
}

/// Removes the spaces people and banks put between digit groups (including no-break spaces).
fn strip_spaces(input: &str) -> String {
    input.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A valid Finnish national reference number (viitenumero): 4–20 digits, the last a check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReferenceNumber(String);

impl ReferenceNumber {
    /// Parses a reference number; spaces between groups are ignored.
    pub fn parse(input: &str) -> Result<Self, IdentError> {
        let digits = strip_spaces(input);
        if digits.is_empty() {
            return Err(IdentError::ReferenceEmpty);
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentError::ReferenceFormat);
        }
        if !(4..=20).contains(&digits.len()) {
            return Err(IdentError::ReferenceLength(digits.len()));
        }
        let (base, check) = digits.split_at(digits.len() - 1);
        if check.as_bytes() != [b'0' + reference_check(base.as_bytes())] {
            return Err(IdentError::ReferenceChecksum);
        }
        Ok(Self(digits))
    }

    /// Builds a reference number from a base of 3–19 digits by appending the check digit.
    pub fn from_base(base: &str) -> Result<Self, IdentError> {
        let base = strip_spaces(base);
        if base.is_empty() {
            return Err(IdentError::ReferenceEmpty);
        }
        if !base.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentError::ReferenceFormat);
        }
        if !(3..=19).contains(&base.len()) {
            // Report the length the finished number would have had.
            return Err(IdentError::ReferenceLength(base.len() + 1));
        }
        let check = reference_check(base.as_bytes());
        Ok(Self(format!("{base}{check}")))
    }

    /// The digits without spaces, as sent in e-invoices and payment files.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Groups of five digits counted from the right, as printed on paper invoices: `123 45672`.
    pub fn grouped(&self) -> String {
        group_from_right(&self.0, 5)
    }
}

/// Splits ASCII text into groups of `size` counted from the right, separated by single spaces.
fn group_from_right(s: &str, size: usize) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / size);
    let first = match s.len() % size {
        0 => size,
        r => r,
    };
    for (i, c) in s.chars().enumerate() {
        if i >= first && (i - first) % size == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for ReferenceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

impl FromStr for ReferenceNumber {
    type Err = IdentError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for ReferenceNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ReferenceNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------------
// RF creditor reference (ISO 11649)
// ---------------------------------------------------------------------------------------------

/// The ISO 7064 mod 97-10 remainder of alphanumeric text, letters counting as 10–35. Computed
/// digit by digit because the number can be far longer than any integer type.
fn mod97(chars: impl Iterator<Item = u8>) -> u32 {
    chars.fold(0u32, |acc, b| {
        let value = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => 0,
        };
        if value >= 10 {
            (acc * 100 + value) % 97
        } else {
            (acc * 10 + value) % 97
        }
    })
}

/// A valid ISO 11649 creditor reference: `RF`, two check digits and 1–21 letters or digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RfReference(String);

impl RfReference {
    /// Parses an RF reference; spaces are ignored and letters may be lowercase.
    pub fn parse(input: &str) -> Result<Self, IdentError> {
        let s = strip_spaces(input).to_uppercase();
        if s.is_empty() {
            return Err(IdentError::RfEmpty);
        }
        let bytes = s.as_bytes();
        if !bytes.iter().all(|b| b.is_ascii_alphanumeric()) || !s.starts_with("RF") {
            return Err(IdentError::RfFormat);
        }
        if !(5..=25).contains(&bytes.len()) {
            return Err(IdentError::RfLength(bytes.len()));
        }
        let (head, body) = bytes.split_at(4);
        if !head.iter().skip(2).all(|b| b.is_ascii_digit()) {
            return Err(IdentError::RfFormat);
        }
        // Validation moves "RFnn" behind the body before taking the remainder.
        if mod97(body.iter().chain(head.iter()).copied()) != 1 {
            return Err(IdentError::RfChecksum);
        }
        Ok(Self(s))
    }

    /// The RF form of a Finnish reference number, accepted by Finnish banks in its place.
    pub fn from_finnish(reference: &ReferenceNumber) -> Self {
        let body = reference.as_str();
        let remainder = mod97(body.bytes().chain(*b"RF00"));
        let check = 98 - remainder;
        Self(format!("RF{check:02}{body}"))
    }

    /// The Finnish reference number inside, if the body is one (all RF references made by
    /// [`RfReference::from_finnish`] are).
    pub fn to_finnish(&self) -> Option<ReferenceNumber> {
        ReferenceNumber::parse(self.0.get(4..)?).ok()
    }

    /// The compact form without spaces, for payment files and storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Groups of four from the left, as printed: `RF18 5390 0754 7034`.
    pub fn grouped(&self) -> String {
        let mut out = String::with_capacity(self.0.len() + self.0.len() / 4);
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }
}

impl fmt::Display for RfReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

impl FromStr for RfReference {
    type Err = IdentError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for RfReference {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RfReference {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------------
// IBAN
// ---------------------------------------------------------------------------------------------

/// An international bank account number (ISO 13616): country code, two check digits and the
/// account, whose check is the remainder 1 modulo 97 of the rearranged digits. A Finnish IBAN
/// has 18 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Iban(String);

impl Iban {
    /// Parses an IBAN; spaces between groups are ignored, letters may be lower case. The error
    /// is the message code.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let s: String = strip_spaces(input).to_ascii_uppercase();
        if !(15..=34).contains(&s.len())
            || !s.bytes().all(|b| b.is_ascii_alphanumeric())
            || !s.as_bytes()[..2].iter().all(u8::is_ascii_alphabetic)
            || !s.as_bytes()[2..4].iter().all(u8::is_ascii_digit)
            || (s.starts_with("FI") && s.len() != 18)
        {
            return Err("iban-invalid");
        }
        let rearranged = s[4..].bytes().chain(s[..4].bytes());
        let mut rem: u32 = 0;
        for b in rearranged {
            let v = u32::from(if b.is_ascii_digit() {
                b - b'0'
            } else {
                b - b'A' + 10
            });
            rem = if v >= 10 {
                (rem * 100 + v) % 97
            } else {
                (rem * 10 + v) % 97
            };
        }
        if rem != 1 {
            return Err("iban-invalid");
        }
        Ok(Iban(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// In groups of four, as printed on an invoice.
    pub fn grouped(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}
