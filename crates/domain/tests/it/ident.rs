//! Identifiers against published examples, every rejection reason, and round trips.
//!
//! Expected values were computed independently of this code (by hand and with a separate script)
//! before being written down here.

// A failing unwrap is exactly how a test should fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use domain::ident::{
    BusinessId, IdentError, PersonalIdentityCode, ReferenceNumber, RfReference, ALL_CODES,
};
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

// ---- personal identity code -----------------------------------------------------------------

#[test]
fn hetu_valid_examples() {
    // (code, birth date, individual number, made up)
    let cases = [
        // The example code used by the Digital and Population Data Services Agency.
        ("131052-308T", date(1952, 10, 13), 308, false),
        // The 2023 century signs, examples published by the agency.
        ("010594Y9032", date(1994, 5, 1), 903, true),
        ("010594Y9021", date(1994, 5, 1), 902, true),
        ("010594-9032", date(1994, 5, 1), 903, true),
        ("010101A123N", date(2001, 1, 1), 123, false),
        ("020304B902U", date(2004, 3, 2), 902, true),
        ("010100+9503", date(1800, 1, 1), 950, true),
        // 29 February of a leap year in the 2000s.
        ("290200A900B", date(2000, 2, 29), 900, true),
    ];
    for (code, birth, individual, made_up) in cases {
        let hetu = PersonalIdentityCode::parse(code).unwrap();
        assert_eq!(hetu.as_str(), code);
        assert_eq!(hetu.birth_date(), birth, "{code}");
        assert_eq!(hetu.individual_number(), individual, "{code}");
        assert_eq!(hetu.is_made_up(), made_up, "{code}");
    }
}

#[test]
fn hetu_is_normalised() {
    let hetu = PersonalIdentityCode::parse("  131052-308t \n").unwrap();
    assert_eq!(hetu.as_str(), "131052-308T");
    let hetu: PersonalIdentityCode = "020304b902u".parse().unwrap();
    assert_eq!(hetu.as_str(), "020304B902U");
}

#[test]
fn hetu_rejections() {
    let cases = [
        ("", IdentError::HetuEmpty),
        ("   ", IdentError::HetuEmpty),
        ("131052-308", IdentError::HetuLength(10)),
        ("131052-308TT", IdentError::HetuLength(12)),
        ("13105X-308T", IdentError::HetuCharacter(5)),
        ("131052-3O8T", IdentError::HetuCharacter(8)),
        ("131052-308G", IdentError::HetuCharacter(10)),
        ("131052-308ä", IdentError::HetuCharacter(10)),
        ("131052G308T", IdentError::HetuCentury),
        ("131052*308T", IdentError::HetuCentury),
        // 30 February and month 13 do not exist; 1900 was not a leap year.
        ("300252-308T", IdentError::HetuDate),
        ("131352-308T", IdentError::HetuDate),
        ("290200-900B", IdentError::HetuDate),
        ("131052-001T", IdentError::HetuIndividualNumber),
        ("131052-000T", IdentError::HetuIndividualNumber),
        ("131052-308U", IdentError::HetuChecksum),
    ];
    for (input, expected) in cases {
        assert_eq!(
            PersonalIdentityCode::parse(input),
            Err(expected.clone()),
            "{input:?}"
        );
        assert!(expected.code().starts_with("hetu-"), "{}", expected.code());
    }
}

#[test]
fn hetu_century_signs_agree() {
    // The same person data with every sign of the century gives the same birth date.
    for sign in ['-', 'Y', 'X', 'W', 'V', 'U'] {
        let code = PersonalIdentityCode::parse(&format!("010594{sign}9032")).unwrap();
        assert_eq!(code.birth_date(), date(1994, 5, 1));
    }
    for sign in ['A', 'B', 'C', 'D', 'E', 'F'] {
        let code = PersonalIdentityCode::parse(&format!("010101{sign}123N")).unwrap();
        assert_eq!(code.birth_date(), date(2001, 1, 1));
    }
}

#[test]
fn hetu_is_masked_in_debug_and_display() {
    let hetu = PersonalIdentityCode::parse("131052-308T").unwrap();
    assert_eq!(hetu.masked(), "131052-****");
    assert_eq!(hetu.to_string(), "131052-****");
    let debug = format!("{hetu:?}");
    assert!(debug.contains("131052-****"), "{debug}");
    assert!(!debug.contains("308T"), "{debug}");
    let pretty = format!("{:#?}", Some(&hetu));
    assert!(!pretty.contains("308T"), "{pretty}");
}

#[test]
fn hetu_errors_never_contain_the_code() {
    for input in [
        "131052-308U",
        "131052-308",
        "300252-308T",
        "131052*308T",
        "131052-001T",
    ] {
        let error = PersonalIdentityCode::parse(input).unwrap_err();
        let text = format!("{error} {error:?}");
        assert!(!text.contains("308"), "{text}");
        assert!(!text.contains("131052"), "{text}");
    }
}

#[test]
fn hetu_made_up() {
    let hetu = PersonalIdentityCode::new_made_up(date(1952, 10, 13), 950).unwrap();
    assert_eq!(hetu.birth_date(), date(1952, 10, 13));
    assert!(hetu.as_str().starts_with("131052-950"));
    let hetu = PersonalIdentityCode::new_made_up(date(2000, 2, 29), 900).unwrap();
    assert_eq!(hetu.as_str(), "290200A900B");
    let hetu = PersonalIdentityCode::new_made_up(date(1800, 1, 1), 950).unwrap();
    assert_eq!(hetu.as_str(), "010100+9503");

    assert_eq!(
        PersonalIdentityCode::new_made_up(date(1990, 1, 1), 899),
        Err(IdentError::HetuNotMadeUp)
    );
    assert_eq!(
        PersonalIdentityCode::new_made_up(date(1990, 1, 1), 1000),
        Err(IdentError::HetuNotMadeUp)
    );
    assert_eq!(
        PersonalIdentityCode::new_made_up(date(2100, 1, 1), 900),
        Err(IdentError::HetuDate)
    );
    assert_eq!(
        PersonalIdentityCode::new_made_up(date(1799, 12, 31), 900),
        Err(IdentError::HetuDate)
    );
}

// ---- business ID -----------------------------------------------------------------------------

#[test]
fn business_id_valid_examples() {
    for id in [
        "0737546-2",
        // Kymenlaakso wellbeing services county (seed data).
        "3221311-5",
        "2805723-6",
        "1572860-0",
        "0201256-6",
        "0000000-0",
    ] {
        let parsed = BusinessId::parse(id).unwrap();
        assert_eq!(parsed.as_str(), id);
        assert_eq!(parsed.to_string(), id);
    }
}

#[test]
fn business_id_old_six_digit_form_is_padded() {
    assert_eq!(
        BusinessId::parse(" 737546-2 ").unwrap().as_str(),
        "0737546-2"
    );
    assert_eq!(BusinessId::parse("123456-2").unwrap().as_str(), "0123456-2");
}

#[test]
fn business_id_rejections() {
    let cases = [
        ("", IdentError::BusinessIdEmpty),
        ("2805723-9", IdentError::BusinessIdChecksum),
        ("0737546-3", IdentError::BusinessIdChecksum),
        // Bases whose weighted sum leaves remainder 1 have no valid check digit at all.
        ("1111111-0", IdentError::BusinessIdChecksum),
        ("07375462", IdentError::BusinessIdFormat),
        ("07375-462", IdentError::BusinessIdFormat),
        ("12345-6", IdentError::BusinessIdFormat),
        ("12345678-9", IdentError::BusinessIdFormat),
        ("0737546-22", IdentError::BusinessIdFormat),
        ("0737546-", IdentError::BusinessIdFormat),
        ("O737546-2", IdentError::BusinessIdFormat),
        ("FI07375462", IdentError::BusinessIdFormat),
    ];
    for (input, expected) in cases {
        assert_eq!(BusinessId::parse(input), Err(expected), "{input:?}");
    }
}

#[test]
fn business_id_from_digits() {
    assert_eq!(
        BusinessId::from_digits(737_546).unwrap().as_str(),
        "0737546-2"
    );
    assert_eq!(
        BusinessId::from_digits(3_221_311).unwrap().as_str(),
        "3221311-5"
    );
    assert_eq!(BusinessId::from_digits(1_111_111), None);
    assert_eq!(BusinessId::from_digits(10_000_000), None);
}

#[test]
fn business_id_serde_is_a_validated_string() {
    let id = BusinessId::parse("3221311-5").unwrap();
    let json = serde_json_string(&id);
    assert_eq!(json, "\"3221311-5\"");
    let back: BusinessId = from_json_string("\"3221311-5\"").unwrap();
    assert_eq!(back, id);
    assert!(from_json_string::<BusinessId>("\"3221311-6\"").is_err());
}

// ---- Finnish reference number -----------------------------------------------------------------

#[test]
fn reference_examples() {
    // (base, full number, grouped as printed)
    let cases = [
        ("123", "1232", "1232"),
        ("1232", "12328", "12328"),
        ("1234567", "12345672", "123 45672"),
        ("1000", "10003", "10003"),
        ("2023000123", "20230001231", "2 02300 01231"),
        (
            "1234567890123456789",
            "12345678901234567894",
            "12345 67890 12345 67894",
        ),
    ];
    for (base, full, grouped) in cases {
        let from_base = ReferenceNumber::from_base(base).unwrap();
        assert_eq!(from_base.as_str(), full);
        let parsed = ReferenceNumber::parse(grouped).unwrap();
        assert_eq!(parsed, from_base);
        assert_eq!(parsed.grouped(), grouped);
        assert_eq!(parsed.to_string(), grouped);
    }
}

#[test]
fn reference_rejections() {
    let cases = [
        ("", IdentError::ReferenceEmpty),
        ("  ", IdentError::ReferenceEmpty),
        ("12345673", IdentError::ReferenceChecksum),
        ("123", IdentError::ReferenceLength(3)),
        ("123456789012345678901", IdentError::ReferenceLength(21)),
        ("1234-5672", IdentError::ReferenceFormat),
        ("RF18539007547034", IdentError::ReferenceFormat),
    ];
    for (input, expected) in cases {
        assert_eq!(ReferenceNumber::parse(input), Err(expected), "{input:?}");
    }
    assert_eq!(
        ReferenceNumber::from_base("12"),
        Err(IdentError::ReferenceLength(3))
    );
    assert_eq!(
        ReferenceNumber::from_base("12345678901234567890"),
        Err(IdentError::ReferenceLength(21))
    );
    assert_eq!(
        ReferenceNumber::from_base("12a4"),
        Err(IdentError::ReferenceFormat)
    );
}

#[test]
fn reference_spaces_of_any_kind_are_ignored() {
    let parsed = ReferenceNumber::parse("123\u{a0}45672").unwrap();
    assert_eq!(parsed.as_str(), "12345672");
}

#[test]
fn reference_serde() {
    let r = ReferenceNumber::parse("123 45672").unwrap();
    assert_eq!(serde_json_string(&r), "\"12345672\"");
    let back: ReferenceNumber = from_json_string("\"123 45672\"").unwrap();
    assert_eq!(back, r);
    assert!(from_json_string::<ReferenceNumber>("\"12345673\"").is_err());
}

// ---- RF creditor reference ---------------------------------------------------------------------

#[test]
fn rf_examples() {
    // The example of ISO 11649 and the Finnish banks' guide.
    let rf = RfReference::parse("RF18539007547034").unwrap();
    assert_eq!(rf.as_str(), "RF18539007547034");
    assert_eq!(rf.grouped(), "RF18 5390 0754 7034");
    assert_eq!(rf.to_string(), "RF18 5390 0754 7034");
    assert_eq!(RfReference::parse("rf18 5390 0754 7034").unwrap(), rf);

    for valid in ["RF712348231", "RF43H1", "RF8512345672"] {
        assert_eq!(RfReference::parse(valid).unwrap().as_str(), valid);
    }
}

#[test]
fn rf_from_finnish() {
    let finnish = ReferenceNumber::parse("12345672").unwrap();
    let rf = RfReference::from_finnish(&finnish);
    assert_eq!(rf.as_str(), "RF8512345672");
    assert_eq!(rf.to_finnish(), Some(finnish));
    // The body of the ISO example is not a Finnish reference number (its check digit would be 7).
    assert_eq!(
        RfReference::parse("RF18539007547034").unwrap().to_finnish(),
        None
    );
    assert_eq!(RfReference::parse("RF43H1").unwrap().to_finnish(), None);
}

#[test]
fn rf_rejections() {
    let cases = [
        ("", IdentError::RfEmpty),
        ("RF19539007547034", IdentError::RfChecksum),
        ("RF18539007547035", IdentError::RfChecksum),
        ("XX18539007547034", IdentError::RfFormat),
        ("RFAB539007547034", IdentError::RfFormat),
        ("RF18-5390", IdentError::RfFormat),
        ("RF18", IdentError::RfLength(4)),
        ("RF181234567890123456789012", IdentError::RfLength(26)),
    ];
    for (input, expected) in cases {
        assert_eq!(RfReference::parse(input), Err(expected), "{input:?}");
    }
}

#[test]
fn rf_serde() {
    let rf = RfReference::parse("RF18 5390 0754 7034").unwrap();
    assert_eq!(serde_json_string(&rf), "\"RF18539007547034\"");
    let back: RfReference = from_json_string("\"RF18539007547034\"").unwrap();
    assert_eq!(back, rf);
    assert!(from_json_string::<RfReference>("\"RF19539007547034\"").is_err());
}

// ---- error codes ----------------------------------------------------------------------------------

#[test]
fn every_error_code_is_listed_and_well_formed() {
    let samples = [
        IdentError::HetuEmpty,
        IdentError::HetuLength(3),
        IdentError::HetuCharacter(1),
        IdentError::HetuCentury,
        IdentError::HetuDate,
        IdentError::HetuIndividualNumber,
        IdentError::HetuChecksum,
        IdentError::HetuNotMadeUp,
        IdentError::BusinessIdEmpty,
        IdentError::BusinessIdFormat,
        IdentError::BusinessIdChecksum,
        IdentError::ReferenceEmpty,
        IdentError::ReferenceFormat,
        IdentError::ReferenceLength(2),
        IdentError::ReferenceChecksum,
        IdentError::RfEmpty,
        IdentError::RfFormat,
        IdentError::RfLength(2),
        IdentError::RfChecksum,
    ];
    for e in &samples {
        assert!(
            ALL_CODES.contains(&e.code()),
            "{} not in ALL_CODES",
            e.code()
        );
    }
    let mut codes: Vec<&str> = ALL_CODES.to_vec();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), ALL_CODES.len(), "duplicate codes");
    assert_eq!(
        codes.len(),
        samples.len(),
        "ALL_CODES lists a code no error has"
    );
    for code in ALL_CODES {
        assert!(
            code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{code}"
        );
        assert!(
            ["hetu-", "business-id-", "reference-", "rf-"]
                .iter()
                .any(|p| code.starts_with(p)),
            "{code}"
        );
    }
}

// ---- serde helpers (serde_json is not a dependency of this crate) -------------------------------

/// Serialises a value that serialises as a string into its JSON form.
pub(crate) fn serde_json_string<T: serde::Serialize>(value: &T) -> String {
    value.serialize(JsonStr).unwrap()
}

pub(crate) fn from_json_string<T: serde::de::DeserializeOwned>(
    json: &str,
) -> Result<T, serde::de::value::Error> {
    let inner = json.trim_matches('"').to_owned();
    T::deserialize(serde::de::value::StringDeserializer::<
        serde::de::value::Error,
    >::new(inner))
}

/// A serializer that only knows strings; enough to see what the identifiers serialise to.
struct JsonStr;

impl serde::Serializer for JsonStr {
    type Ok = String;
    type Error = serde::de::value::Error;
    type SerializeSeq = serde::ser::Impossible<String, Self::Error>;
    type SerializeTuple = serde::ser::Impossible<String, Self::Error>;
    type SerializeTupleStruct = serde::ser::Impossible<String, Self::Error>;
    type SerializeTupleVariant = serde::ser::Impossible<String, Self::Error>;
    type SerializeMap = serde::ser::Impossible<String, Self::Error>;
    type SerializeStruct = serde::ser::Impossible<String, Self::Error>;
    type SerializeStructVariant = serde::ser::Impossible<String, Self::Error>;

    fn serialize_str(self, v: &str) -> Result<String, Self::Error> {
        Ok(format!("\"{v}\""))
    }
    fn serialize_i64(self, v: i64) -> Result<String, Self::Error> {
        Ok(v.to_string())
    }
    fn serialize_bool(self, _: bool) -> Result<String, Self::Error> {
        unsupported()
    }
    fn serialize_i8(self, v: i8) -> Result<String, Self::Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<String, Self::Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<String, Self::Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_u8(self, v: u8) -> Result<String, Self::Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<String, Self::Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<String, Self::Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<String, Self::Error> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<String, Self::Error> {
        unsupported()
    }
    fn serialize_f64(self, _: f64) -> Result<String, Self::Error> {
        unsupported()
    }
    fn serialize_char(self, v: char) -> Result<String, Self::Error> {
        self.serialize_str(&v.to_string())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, Self::Error> {
        unsupported()
    }
    fn serialize_none(self) -> Result<String, Self::Error> {
        unsupported()
    }
    fn serialize_some<T: ?Sized + serde::Serialize>(self, _: &T) -> Result<String, Self::Error> {
        unsupported()
    }
    fn serialize_unit(self) -> Result<String, Self::Error> {
        unsupported()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Self::Error> {
        unsupported()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<String, Self::Error> {
        unsupported()
    }
    fn serialize_newtype_struct<T: ?Sized + serde::Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, Self::Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + serde::Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Self::Error> {
        unsupported()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
        unsupported()
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> {
        unsupported()
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Self::Error> {
        unsupported()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Self::Error> {
        unsupported()
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
        unsupported()
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Self::Error> {
        unsupported()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Self::Error> {
        unsupported()
    }
}

fn unsupported<T>() -> Result<T, serde::de::value::Error> {
    Err(serde::ser::Error::custom("only strings and integers"))
}

// ---- properties -------------------------------------------------------------------------------------

/// Days from 1 January 1800 to 31 December 2099, the births a made-up code can have.
const BIRTH_DAYS: i64 = 109_573;

proptest! {
    #[test]
    fn made_up_hetu_round_trips(
        day_offset in 0i64..BIRTH_DAYS,
        individual in 900u16..=999,
    ) {
        let birth = date(1800, 1, 1) + chrono::Duration::days(day_offset);
        let hetu = PersonalIdentityCode::new_made_up(birth, individual).unwrap();
        let parsed = PersonalIdentityCode::parse(hetu.as_str()).unwrap();
        prop_assert_eq!(parsed.birth_date(), birth);
        prop_assert_eq!(parsed.individual_number(), individual);
        prop_assert!(parsed.is_made_up());
        prop_assert_eq!(&parsed, &hetu);
    }

    #[test]
    fn hetu_with_another_check_char_fails(
        day_offset in 0i64..BIRTH_DAYS,
        individual in 900u16..=999,
        shift in 1usize..31,
    ) {
        let birth = date(1800, 1, 1) + chrono::Duration::days(day_offset);
        let code = PersonalIdentityCode::new_made_up(birth, individual).unwrap();
        let alphabet = "0123456789ABCDEFHJKLMNPRSTUVWXY";
        let original = code.as_str();
        let old_index = alphabet.find(&original[10..]).unwrap();
        let new_check = alphabet.chars().nth((old_index + shift) % 31).unwrap();
        let mutated = format!("{}{new_check}", &original[..10]);
        prop_assert_eq!(PersonalIdentityCode::parse(&mutated), Err(IdentError::HetuChecksum));
    }

    #[test]
    fn hetu_parse_never_panics(s in "\\PC{0,14}") {
        let _ = PersonalIdentityCode::parse(&s);
    }

    #[test]
    fn business_id_from_digits_round_trips(base in 0u32..10_000_000) {
        match BusinessId::from_digits(base) {
            Some(id) => {
                let parsed = BusinessId::parse(id.as_str()).unwrap();
                prop_assert_eq!(&parsed, &id);
                prop_assert_eq!(&id.as_str()[..7], format!("{base:07}"));
                // Any other check digit is wrong.
                let check = id.as_str().as_bytes()[8];
                for other in b'0'..=b'9' {
                    if other != check {
                        let mutated = format!("{}{}", &id.as_str()[..8], char::from(other));
                        prop_assert_eq!(BusinessId::parse(&mutated), Err(IdentError::BusinessIdChecksum));
                    }
                }
            }
            None => {
                for check in 0..=9 {
                    let input = format!("{base:07}-{check}");
                    prop_assert_eq!(BusinessId::parse(&input), Err(IdentError::BusinessIdChecksum));
                }
            }
        }
    }

    #[test]
    fn reference_from_base_round_trips(base in "[0-9]{3,19}") {
        let reference = ReferenceNumber::from_base(&base).unwrap();
        prop_assert_eq!(&reference.as_str()[..base.len()], base.as_str());
        prop_assert_eq!(&ReferenceNumber::parse(reference.as_str()).unwrap(), &reference);
        prop_assert_eq!(&ReferenceNumber::parse(&reference.grouped()).unwrap(), &reference);
    }

    #[test]
    fn reference_with_another_check_digit_fails(base in "[0-9]{3,19}", shift in 1u32..10) {
        let reference = ReferenceNumber::from_base(&base).unwrap();
        let check = reference.as_str().chars().last().and_then(|c| c.to_digit(10)).unwrap();
        let mutated = format!("{base}{}", (check + shift) % 10);
        prop_assert_eq!(ReferenceNumber::parse(&mutated), Err(IdentError::ReferenceChecksum));
    }

    #[test]
    fn rf_from_finnish_round_trips(base in "[0-9]{3,19}") {
        let finnish = ReferenceNumber::from_base(&base).unwrap();
        let rf = RfReference::from_finnish(&finnish);
        prop_assert_eq!(&RfReference::parse(rf.as_str()).unwrap(), &rf);
        prop_assert_eq!(&RfReference::parse(&rf.grouped()).unwrap(), &rf);
        prop_assert_eq!(rf.to_finnish(), Some(finnish));
    }

    #[test]
    fn rf_parse_never_panics(s in "\\PC{0,30}") {
        let _ = RfReference::parse(&s);
        let _ = ReferenceNumber::parse(&s);
        let _ = BusinessId::parse(&s);
    }
}

#[test]
fn identity_codes_in_free_text_are_masked_valid_or_not() {
    use domain::ident::mask_identity_codes;
    let code = PersonalIdentityCode::new_made_up(NaiveDate::from_ymd_opt(2015, 3, 1).unwrap(), 934)
        .unwrap();
    let full = code.as_str().to_owned();
    assert_eq!(mask_identity_codes(&full), code.masked());
    // Lowercase century letter, a wrong check character, words around it.
    let typed = format!("x {} y", full.to_lowercase());
    let masked = mask_identity_codes(&typed);
    assert!(!masked.to_uppercase().contains(&full[7..]), "{masked}");
    assert_eq!(mask_identity_codes("010190-123Q"), "010190-****");
    // Names and ordinary user names pass unchanged.
    assert_eq!(
        mask_identity_codes("kasvunpolku.worker"),
        "kasvunpolku.worker"
    );
    assert_eq!(mask_identity_codes("ääkkönen 12345"), "ääkkönen 12345");
}

#[test]
fn identity_codes_are_found_and_overwritten_whole_in_a_files_bytes() {
    use domain::ident::{identity_code_offsets, redact_identity_codes, redact_identity_codes_in};
    let code = PersonalIdentityCode::new_made_up(NaiveDate::from_ymd_opt(2014, 5, 3).unwrap(), 915)
        .unwrap();
    let file = format!(
        "<RowFreeText>Asiakas {}</RowFreeText><X a=\"{}\"/>",
        code.as_str(),
        code.as_str()
    );
    let at = identity_code_offsets(file.as_bytes());
    assert_eq!(at.len(), 2);
    assert_eq!(&file[at[0]..at[0] + 11], code.as_str());
    let mut bytes = file.clone().into_bytes();
    assert_eq!(redact_identity_codes(&mut bytes), 2);
    let redacted = String::from_utf8(bytes).unwrap();
    assert_eq!(redacted.len(), file.len());
    assert!(!redacted.contains(&code.as_str()[..6]), "{redacted}");
    assert!(redacted.contains("Asiakas ***********<"), "{redacted}");
    assert_eq!(redact_identity_codes_in(&file), redacted);
    // A date followed by a serial inside a longer run is not a code; nor are commitment
    // numbers, invoice numbers or IBANs.
    for text in [
        "20261031-1234",
        "MS-2026-0001230",
        "2026-1042",
        "FI2112345600000785",
        "x031026-1234567",
    ] {
        assert!(identity_code_offsets(text.as_bytes()).is_empty(), "{text}");
    }
}

#[test]
fn commitment_numbers_are_found_in_free_text_by_their_check_digit() {
    use domain::commitment::{commitment_number, commitment_numbers_in};
    let a = commitment_number(2026, 7);
    let b = commitment_number(2026, 123);
    let text = format!("Maksusitoumus {a}, myös {b} ja taas {a}.");
    assert_eq!(commitment_numbers_in(&text), vec![a.clone(), b]);
    // A wrong check digit, a number inside a longer token, or none at all.
    let mut wrong = a.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == '9' { '0' } else { '9' });
    assert!(commitment_numbers_in(&wrong).is_empty());
    assert!(commitment_numbers_in(&format!("{a}7")).is_empty());
    assert!(commitment_numbers_in("MS-2026-").is_empty());
    assert!(commitment_numbers_in("").is_empty());
}
