//! Money: parsing what people type, formatting for people, checked arithmetic.

// A failing unwrap is exactly how a test should fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::locale::Lang;
use domain::money::{Money, MoneyError, ALL_CODES};
use proptest::prelude::*;

const NBSP: &str = "\u{a0}";
const NNBSP: &str = "\u{202f}";

fn eur(cents: i64) -> Money {
    Money::from_cents(cents)
}

#[test]
fn parse_accepts_the_usual_forms() {
    let cases: &[(&str, Lang, i64)] = &[
        ("1 234,50", Lang::Fi, 123_450),
        ("1234.50", Lang::Fi, 123_450),
        ("1234,5 €", Lang::Fi, 123_450),
        ("-12", Lang::Fi, -1_200),
        ("−12", Lang::Fi, -1_200),
        ("+12", Lang::Fi, 1_200),
        ("0", Lang::Fi, 0),
        ("0,05", Lang::Fi, 5),
        (",5", Lang::Fi, 50),
        ("12,", Lang::Fi, 1_200),
        ("1\u{a0}234,50\u{a0}€", Lang::Fi, 123_450),
        ("1\u{202f}234\u{202f}567,89", Lang::Sv, 123_456_789),
        ("1 234 567,89 €", Lang::Sv, 123_456_789),
        ("1.234,50", Lang::Fi, 123_450),
        ("1,234.50", Lang::Fi, 123_450),
        ("12 EUR", Lang::Fi, 1_200),
        ("12,30 eur", Lang::Sv, 1_230),
        ("  42  ", Lang::Sv, 4_200),
        ("€1,234.50", Lang::En, 123_450),
        ("-€1,234.50", Lang::En, -123_450),
        ("€-5", Lang::En, -500),
        ("1,234", Lang::En, 123_400),
        ("1,234,567", Lang::En, 123_456_700),
        ("12,5", Lang::En, 1_250),
        ("1234.5", Lang::En, 123_450),
        ("1 234.50 €", Lang::En, 123_450),
    ];
    for &(input, lang, cents) in cases {
        assert_eq!(
            Money::parse(input, lang),
            Ok(eur(cents)),
            "{input:?} in {lang}"
        );
    }
}

#[test]
fn parse_rejections() {
    let cases: &[(&str, Lang, MoneyError)] = &[
        ("", Lang::Fi, MoneyError::Empty),
        ("  € ", Lang::Fi, MoneyError::Empty),
        ("abc", Lang::Fi, MoneyError::Format),
        ("-", Lang::Fi, MoneyError::Format),
        ("12-", Lang::Fi, MoneyError::Format),
        ("--12", Lang::Fi, MoneyError::Format),
        ("1,2,3", Lang::Fi, MoneyError::Format),
        ("1.2.3", Lang::Fi, MoneyError::Format),
        ("1,23.4,5", Lang::Fi, MoneyError::Format),
        ("12,34.56", Lang::En, MoneyError::Format),
        (",", Lang::Fi, MoneyError::Format),
        ("1e3", Lang::Fi, MoneyError::Format),
        ("12$", Lang::En, MoneyError::Format),
        // A comma is a decimal separator in Finnish, so three decimals are too many rather than
        // a thousands group; English reads the same text as thousands.
        ("1,234", Lang::Fi, MoneyError::Precision),
        ("1.234", Lang::Sv, MoneyError::Precision),
        ("0,001", Lang::Fi, MoneyError::Precision),
        ("1.999", Lang::En, MoneyError::Precision),
        ("92233720368547758,08", Lang::Fi, MoneyError::Overflow),
        (
            "999999999999999999999999999999999999999999",
            Lang::Fi,
            MoneyError::Overflow,
        ),
    ];
    for (input, lang, expected) in cases {
        assert_eq!(
            Money::parse(input, *lang),
            Err(expected.clone()),
            "{input:?} in {lang}"
        );
    }
}

#[test]
fn extremes_parse() {
    assert_eq!(
        Money::parse("92 233 720 368 547 758,07", Lang::Fi),
        Ok(eur(i64::MAX))
    );
    assert_eq!(
        Money::parse("−92 233 720 368 547 758,08", Lang::Fi),
        Ok(eur(i64::MIN))
    );
}

#[test]
fn format_in_each_language() {
    let cases: &[(i64, &str, &str)] = &[
        (0, "0,00 €", "€0.00"),
        (5, "0,05 €", "€0.05"),
        (100, "1,00 €", "€1.00"),
        (99_999, "999,99 €", "€999.99"),
        (123_450, "1 234,50 €", "€1,234.50"),
        (123_456_789, "1 234 567,89 €", "€1,234,567.89"),
        (-123_450, "−1 234,50 €", "-€1,234.50"),
        (-1, "−0,01 €", "-€0.01"),
        (
            i64::MIN,
            "−92 233 720 368 547 758,08 €",
            "-€92,233,720,368,547,758.08",
        ),
    ];
    for &(cents, fi, en) in cases {
        let fi = fi.replace(' ', NBSP);
        assert_eq!(eur(cents).format(Lang::Fi), fi, "{cents}");
        assert_eq!(eur(cents).format(Lang::Sv), fi, "{cents}");
        assert_eq!(eur(cents).format(Lang::En), en, "{cents}");
    }
}

#[test]
fn finnish_format_uses_no_break_spaces_and_a_real_minus() {
    let text = eur(-123_450).format(Lang::Fi);
    assert!(!text.contains(' '), "{text:?}");
    assert!(!text.contains(NNBSP), "{text:?}");
    assert!(text.starts_with('\u{2212}'), "{text:?}");
}

#[test]
fn checked_arithmetic() {
    assert_eq!(eur(150).checked_add(eur(250)), Some(eur(400)));
    assert_eq!(eur(150).checked_sub(eur(250)), Some(eur(-100)));
    assert_eq!(eur(4_550).checked_mul(3), Some(eur(13_650)));
    assert_eq!(eur(i64::MAX).checked_add(eur(1)), None);
    assert_eq!(eur(i64::MIN).checked_sub(eur(1)), None);
    assert_eq!(eur(i64::MAX).checked_mul(2), None);
    assert_eq!(eur(i64::MIN).checked_neg(), None);
    assert_eq!(eur(5).checked_neg(), Some(eur(-5)));
    assert_eq!(Money::checked_sum([eur(1), eur(2), eur(3)]), Some(eur(6)));
    assert_eq!(Money::checked_sum([eur(i64::MAX), eur(1)]), None);
    assert_eq!(Money::checked_sum(Vec::new()), Some(Money::ZERO));
    assert_eq!(Money::from_euros(12), Some(eur(1_200)));
    assert_eq!(Money::from_euros(i64::MAX), None);
    assert!(eur(-1).is_negative());
    assert!(Money::ZERO.is_zero());
    assert!(eur(1) > eur(-1));
}

#[test]
fn serde_is_integer_cents() {
    assert_eq!(crate::ident::serde_json_string(&eur(123_450)), "123450");
    let back: Money = serde::Deserialize::deserialize(serde::de::value::I64Deserializer::<
        serde::de::value::Error,
    >::new(-42))
    .unwrap();
    assert_eq!(back, eur(-42));
}

#[test]
fn error_codes_are_listed() {
    let all = [
        MoneyError::Empty,
        MoneyError::Format,
        MoneyError::Precision,
        MoneyError::Overflow,
    ];
    assert_eq!(all.len(), ALL_CODES.len());
    for e in all {
        assert!(ALL_CODES.contains(&e.code()), "{}", e.code());
        assert!(e.code().starts_with("money-"));
    }
}

proptest! {
    #[test]
    fn format_then_parse_round_trips(cents in any::<i64>(), lang_index in 0usize..3) {
        let lang = Lang::ALL[lang_index];
        let money = eur(cents);
        prop_assert_eq!(Money::parse(&money.format(lang), lang), Ok(money));
    }

    #[test]
    fn small_amounts_round_trip_in_every_language(cents in -10_000_000i64..10_000_000) {
        for lang in Lang::ALL {
            let money = eur(cents);
            prop_assert_eq!(Money::parse(&money.format(lang), lang), Ok(money));
        }
    }

    #[test]
    fn plain_decimal_text_parses_everywhere(euros in 0i64..1_000_000_000, cents in 0i64..100) {
        let text = format!("{euros}.{cents:02}");
        for lang in Lang::ALL {
            prop_assert_eq!(Money::parse(&text, lang), Ok(eur(euros * 100 + cents)));
        }
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,40}", lang_index in 0usize..3) {
        let _ = Money::parse(&s, Lang::ALL[lang_index]);
    }
}
