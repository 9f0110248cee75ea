//! Clients and payment commitments: the client form, what a provider sees of a client, the order
//! in which a provider is chosen, the commitment number, the maximum total and when a commitment
//! links a provider to a client.
//!
//! Every person here is made up: identity codes use the individual numbers 900–999 only.

// A failing unwrap is exactly how a test should fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use domain::client::{Client, ClientForm, MinimalClient};
use domain::commitment::{
    check_order, commitment_number, max_total, valid_commitment_number, Commitment,
    CommitmentStatus, Skip,
};
use domain::ident::PersonalIdentityCode;
use domain::locale::Lang;
use domain::money::Money;
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The made-up child of most tests: born 3 May 2014, individual number 915.
fn made_up_code() -> PersonalIdentityCode {
    PersonalIdentityCode::new_made_up(d(2014, 5, 3), 915).unwrap()
}

fn form() -> ClientForm {
    ClientForm {
        identity_code: made_up_code().as_str().to_owned(),
        first_name: "Testi".into(),
        last_name: "Lapsi".into(),
        home_municipality: "Kuvitteela".into(),
        language: "fi".into(),
        street_address: "Esimerkkikatu 1 A 2".into(),
        postal_code: "00100".into(),
        city: "Kuvitteela".into(),
        phone: "040 000 0000".into(),
        turvakielto: String::new(),
        service_task: "lastensuojelun avohuolto".into(),
        legal_basis: "SHL 19 a §".into(),
    }
}

/// The errors of a form as (field, code), in the order they were found.
fn errors(f: &ClientForm) -> Vec<(String, String)> {
    match f.validate() {
        Ok(_) => Vec::new(),
        Err(e) => e.0.into_iter().map(|e| (e.field, e.code)).collect(),
    }
}

fn client(first: &str, last: &str, turvakielto: bool) -> Client {
    Client {
        first_name: first.into(),
        last_name: last.into(),
        birth_date: d(2014, 5, 3),
        masked_code: "030514A****".into(),
        home_municipality: "Kuvitteela".into(),
        language: Lang::Sv,
        street_address: "Esimerkkikatu 1 A 2".into(),
        postal_code: "00100".into(),
        city: "Kuvitteela".into(),
        phone: "040 000 0000".into(),
        turvakielto,
        guardians: Vec::new(),
        family: None,
        responsible_worker: None,
        team: String::new(),
        closed_on: None,
        died_on: None,
        service_task: String::new(),
        legal_basis: String::new(),
    }
}

// ---- the client form ------------------------------------------------------------------------

#[test]
fn the_made_up_code_is_what_the_tests_expect() {
    let code = made_up_code();
    assert!(code.is_made_up());
    assert_eq!(code.individual_number(), 915);
    assert_eq!(&code.as_str()[..10], "030514A915");
}

#[test]
fn a_complete_form_gives_the_client_and_the_code() {
    let mut f = form();
    f.first_name = "  Testi ".into();
    f.service_task = " lastensuojelun avohuolto ".into();
    let (code, c) = f.validate().unwrap();
    assert_eq!(code, made_up_code());
    assert_eq!(c.first_name, "Testi");
    assert_eq!(c.last_name, "Lapsi");
    assert_eq!(c.name(), "Testi Lapsi");
    assert_eq!(c.birth_date, d(2014, 5, 3));
    assert_eq!(c.masked_code, "030514A****");
    assert_eq!(c.language, Lang::Fi);
    assert_eq!(c.postal_code, "00100");
    assert_eq!(c.service_task, "lastensuojelun avohuolto");
    assert_eq!(c.legal_basis, "SHL 19 a §");
    assert!(!c.turvakielto);
    assert!(c.guardians.is_empty());
    assert_eq!(c.family, None);
    assert_eq!(c.responsible_worker, None);
}

#[test]
fn lowercase_and_padded_identity_codes_are_accepted() {
    let mut f = form();
    f.identity_code = format!("  {}  ", made_up_code().as_str().to_lowercase());
    let (code, _) = f.validate().unwrap();
    assert_eq!(code, made_up_code());
}

#[test]
fn a_bad_identity_code_is_named_with_the_ident_error() {
    let good = made_up_code().as_str().to_owned();
    // The same code with another (valid-looking) check character.
    let last = good.chars().last().unwrap();
    let other = if last == 'Y' { 'X' } else { 'Y' };
    let wrong_check = format!("{}{other}", &good[..10]);
    let cases = [
        ("", "hetu-empty"),
        ("   ", "hetu-empty"),
        ("030514A915", "hetu-length"),
        (wrong_check.as_str(), "hetu-checksum"),
        ("310214A9150", "hetu-date"),
        ("030514Q9150", "hetu-century"),
    ];
    for (input, want) in cases {
        let mut f = form();
        f.identity_code = input.into();
        let parsed = PersonalIdentityCode::parse(input).unwrap_err();
        assert_eq!(parsed.code(), want, "{input:?}");
        assert_eq!(
            errors(&f),
            vec![("identity_code".to_owned(), want.to_owned())],
            "{input:?}"
        );
    }
}

#[test]
fn names_and_home_municipality_are_required() {
    let mut f = form();
    f.first_name = "  ".into();
    f.last_name = String::new();
    f.home_municipality = "\t".into();
    assert_eq!(
        errors(&f),
        vec![
            ("first_name".to_owned(), "required".to_owned()),
            ("last_name".to_owned(), "required".to_owned()),
            ("home_municipality".to_owned(), "required".to_owned()),
        ]
    );
    let mut f = form();
    f.last_name = "x".repeat(101);
    assert_eq!(
        errors(&f),
        vec![("last_name".to_owned(), "too-long".to_owned())]
    );
    f.last_name = "ä".repeat(100);
    assert!(f.validate().is_ok());
}

#[test]
fn every_error_is_reported_at_once() {
    let mut f = form();
    f.identity_code = "nonsense".into();
    f.first_name = String::new();
    f.language = "de".into();
    f.postal_code = "123".into();
    assert_eq!(
        errors(&f),
        vec![
            ("identity_code".to_owned(), "hetu-length".to_owned()),
            ("first_name".to_owned(), "required".to_owned()),
            ("language".to_owned(), "language-unknown".to_owned()),
            ("postal_code".to_owned(), "postal-code-format".to_owned()),
        ]
    );
}

#[test]
fn postal_codes_are_five_digits_or_nothing() {
    let cases: [(&str, Option<&str>); 7] = [
        ("00100", None),
        (" 96100 ", None),
        ("", None),
        ("123", Some("postal-code-format")),
        ("001000", Some("postal-code-format")),
        ("0010A", Some("postal-code-format")),
        ("00 100", Some("postal-code-format")),
    ];
    for (input, want) in cases {
        let mut f = form();
        f.postal_code = input.into();
        match want {
            None => {
                let (_, c) = f.validate().unwrap();
                assert_eq!(c.postal_code, input.trim(), "{input:?}");
            }
            Some(code) => assert_eq!(
                errors(&f),
                vec![("postal_code".to_owned(), code.to_owned())],
                "{input:?}"
            ),
        }
    }
}

#[test]
fn language_codes() {
    let cases: [(&str, Option<Lang>); 10] = [
        ("fi", Some(Lang::Fi)),
        ("sv", Some(Lang::Sv)),
        ("en", Some(Lang::En)),
        ("SV", Some(Lang::Sv)),
        ("sv-FI", Some(Lang::Sv)),
        (" en_GB ", Some(Lang::En)),
        ("", None),
        ("  ", None),
        ("de", None),
        ("suomi", None),
    ];
    for (input, want) in cases {
        let mut f = form();
        f.language = input.into();
        match want {
            Some(lang) => assert_eq!(f.validate().unwrap().1.language, lang, "{input:?}"),
            None => assert_eq!(
                errors(&f),
                vec![("language".to_owned(), "language-unknown".to_owned())],
                "{input:?}"
            ),
        }
    }
}

#[test]
fn turvakielto_is_set_only_by_yes() {
    for (input, want) in [("yes", true), ("", false), ("no", false)] {
        let mut f = form();
        f.turvakielto = input.into();
        assert_eq!(f.validate().unwrap().1.turvakielto, want, "{input:?}");
    }
}

#[test]
fn optional_fields_may_be_empty_but_not_too_long() {
    let mut f = form();
    f.street_address = String::new();
    f.city = String::new();
    f.phone = String::new();
    f.postal_code = String::new();
    assert!(f.validate().is_ok());
    f.street_address = "k".repeat(201);
    f.city = "c".repeat(101);
    f.phone = "0".repeat(41);
    assert_eq!(
        errors(&f),
        vec![
            ("street_address".to_owned(), "too-long".to_owned()),
            ("city".to_owned(), "too-long".to_owned()),
            ("phone".to_owned(), "too-long".to_owned()),
        ]
    );
}

// ---- age and the masked code ----------------------------------------------------------------

#[test]
fn age_in_whole_years() {
    let c = client("Testi", "Lapsi", false);
    let cases = [
        (d(2014, 5, 3), 0),
        (d(2015, 5, 2), 0),
        (d(2015, 5, 3), 1),
        (d(2024, 5, 2), 9),
        (d(2024, 5, 3), 10),
        (d(2032, 5, 3), 18),
        // Before birth there is no age; it is not negative.
        (d(2014, 5, 2), 0),
        (d(2000, 1, 1), 0),
    ];
    for (day, want) in cases {
        assert_eq!(c.age_on(day), want, "{day}");
    }
}

#[test]
fn a_leap_day_child_turns_a_year_older_on_the_first_of_march() {
    let mut c = client("Testi", "Karkauslapsi", false);
    c.birth_date = d(2012, 2, 29);
    assert_eq!(c.age_on(d(2013, 2, 28)), 0);
    assert_eq!(c.age_on(d(2013, 3, 1)), 1);
    assert_eq!(c.age_on(d(2016, 2, 29)), 4);
}

#[test]
fn the_masked_code_hides_the_individual_number_and_check_character() {
    // Dates without the digit 9, so that no 9xx can appear in the visible part by chance.
    let dates = [
        d(2014, 5, 3),
        d(1956, 12, 24),
        d(2001, 2, 3),
        d(1880, 8, 15),
    ];
    let mut checked = 0;
    for birth in dates {
        for individual in 900..=999u16 {
            let code = PersonalIdentityCode::new_made_up(birth, individual).unwrap();
            let full = code.as_str();
            let masked = code.masked();
            assert_eq!(masked.len(), 11, "{masked}");
            assert_eq!(&masked[..7], &full[..7]);
            assert_eq!(&masked[7..], "****");
            assert!(!masked.contains(&full[7..10]), "{masked}");
            let check = full.chars().nth(10).unwrap();
            if !full[..7].contains(check) {
                assert!(!masked.contains(check), "{masked}");
            }
            // Debug and Display show only the masked form as well.
            assert!(!format!("{code:?}").contains(&full[7..]));
            assert_eq!(code.to_string(), masked);
            checked += 1;
        }
    }
    assert_eq!(checked, 400);
}

// ---- what a provider sees -------------------------------------------------------------------

#[test]
fn a_provider_sees_address_and_phone_without_turvakielto() {
    let c = client("Testi", "Lapsi", false);
    let guardians = [
        client("Maija", "Esimerkki", false),
        client("Matti", "Esimerkki", true),
    ];
    let m = MinimalClient::of(&c, &guardians, d(2024, 5, 3));
    assert_eq!(m.name, "Testi Lapsi");
    assert_eq!(m.age, 10);
    assert_eq!(m.language, Lang::Sv);
    assert_eq!(m.home_municipality, "Kuvitteela");
    assert_eq!(
        m.address.as_deref(),
        Some("Esimerkkikatu 1 A 2, 00100 Kuvitteela")
    );
    assert_eq!(m.phone.as_deref(), Some("040 000 0000"));
    assert_eq!(m.guardians, vec!["Maija Esimerkki", "Matti Esimerkki"]);
}

#[test]
fn turvakielto_hides_address_and_phone_from_a_provider() {
    let c = client("Testi", "Lapsi", true);
    let guardians = [client("Maija", "Esimerkki", true)];
    let m = MinimalClient::of(&c, &guardians, d(2024, 5, 2));
    assert_eq!(m.address, None);
    assert_eq!(m.phone, None);
    assert_eq!(m.name, "Testi Lapsi");
    assert_eq!(m.age, 9);
    assert_eq!(m.guardians, vec!["Maija Esimerkki"]);
    // Nothing of the address leaks through the serialised form either.
    let json = serde_json::to_string(&m).unwrap();
    for hidden in ["Esimerkkikatu", "00100", "040"] {
        assert!(!json.contains(hidden), "{json}");
    }
}

#[test]
fn an_empty_phone_is_not_shown_and_no_guardians_is_an_empty_list() {
    let mut c = client("Testi", "Lapsi", false);
    c.phone = String::new();
    let m = MinimalClient::of(&c, &[], d(2024, 5, 3));
    assert_eq!(m.phone, None);
    assert!(m.address.is_some());
    assert!(m.guardians.is_empty());
}

// ---- the order of choice --------------------------------------------------------------------

fn skip(application: Uuid, reason: &str) -> Skip {
    Skip {
        application,
        reason: reason.into(),
    }
}

#[test]
fn check_order_table() {
    let a = Uuid::from_u128(101);
    let b = Uuid::from_u128(102);
    let c = Uuid::from_u128(103);
    let outsider = Uuid::from_u128(199);
    let order = [a, b, c];
    type Want = Result<Vec<Skip>, Vec<(&'static str, &'static str)>>;
    let cases: Vec<(&str, Uuid, Vec<Skip>, Want)> = vec![
        ("first, nothing to skip", a, vec![], Ok(vec![])),
        (
            "first, skips of later providers ignored",
            a,
            vec![skip(b, "ei tilaa"), skip(c, "kaukana")],
            Ok(vec![]),
        ),
        (
            "second with a reason",
            b,
            vec![skip(a, "  ei vapaita paikkoja  ")],
            Ok(vec![skip(a, "ei vapaita paikkoja")]),
        ),
        (
            "second, reason missing",
            b,
            vec![],
            Err(vec![("skip_1", "skip-reason-required")]),
        ),
        (
            "second, blank reason",
            b,
            vec![skip(a, " \t ")],
            Err(vec![("skip_1", "skip-reason-required")]),
        ),
        (
            "second, reason given for the wrong provider",
            b,
            vec![skip(c, "kaukana")],
            Err(vec![("skip_1", "skip-reason-required")]),
        ),
        (
            "second, extra skip after the chosen one ignored",
            b,
            vec![skip(c, "kaukana"), skip(a, "ei tilaa")],
            Ok(vec![skip(a, "ei tilaa")]),
        ),
        (
            "third with both reasons, in order of the list",
            c,
            vec![skip(b, "kieli"), skip(a, "ei tilaa")],
            Ok(vec![skip(a, "ei tilaa"), skip(b, "kieli")]),
        ),
        (
            "third, first reason missing",
            c,
            vec![skip(b, "kieli")],
            Err(vec![("skip_1", "skip-reason-required")]),
        ),
        (
            "third, second reason blank",
            c,
            vec![skip(a, "ei tilaa"), skip(b, "")],
            Err(vec![("skip_2", "skip-reason-required")]),
        ),
        (
            "third, both missing",
            c,
            vec![],
            Err(vec![
                ("skip_1", "skip-reason-required"),
                ("skip_2", "skip-reason-required"),
            ]),
        ),
        (
            "not in the order",
            outsider,
            vec![skip(a, "x"), skip(b, "y"), skip(c, "z")],
            Err(vec![("provider", "provider-not-in-order")]),
        ),
    ];
    let n = cases.len();
    for (name, chosen, skipped, want) in cases {
        let got = check_order(&order, chosen, &skipped).map_err(|e| {
            e.0.into_iter()
                .map(|e| (e.field, e.code))
                .collect::<Vec<_>>()
        });
        let want = want.map_err(|v| {
            v.into_iter()
                .map(|(f, c)| (f.to_owned(), c.to_owned()))
                .collect::<Vec<_>>()
        });
        assert_eq!(got, want, "{name}");
    }
    assert_eq!(n, 12);
}

#[test]
fn an_empty_order_has_no_provider_to_choose() {
    let e = check_order(&[], Uuid::from_u128(1), &[]).unwrap_err();
    assert_eq!(e.get("provider"), Some("provider-not-in-order"));
}

// ---- the commitment number ------------------------------------------------------------------

#[test]
fn commitment_numbers_computed_by_hand() {
    // 2026, serial 1: the digits 2026000001 from the right are 1,0,0,0,0,0,6,2,0,2; with the
    // weights 7,3,1,7,3,1,7,3,1,7 the products are 7,0,0,0,0,0,42,6,0,14, sum 69; the check
    // digit is (10 - 69 mod 10) mod 10 = 1.
    assert_eq!(commitment_number(2026, 1), "MS-2026-0000011");
    // 2026, serial 123: digits from the right 3,2,1,0,0,0,6,2,0,2; products 21,6,1,0,0,0,42,6,0,14,
    // sum 90, check digit (10 - 0) mod 10 = 0.
    assert_eq!(commitment_number(2026, 123), "MS-2026-0001230");
    // 2025, serial 42: digits from the right 2,4,0,0,0,0,5,2,0,2; products 14,12,0,0,0,0,35,6,0,14,
    // sum 81, check digit 9.
    assert_eq!(commitment_number(2025, 42), "MS-2025-0000429");
}

#[test]
fn commitment_numbers_round_trip() {
    for year in [1999, 2025, 2026, 2099] {
        for serial in [0, 1, 9, 10, 123, 4567, 99_999, 100_000, 999_999] {
            let n = commitment_number(year, serial);
            assert_eq!(n.len(), "MS-2026-0001230".len(), "{n}");
            assert!(valid_commitment_number(&n), "{n}");
            assert!(valid_commitment_number(&format!("  {n}\n")), "{n}");
        }
    }
}

#[test]
fn a_changed_digit_fails() {
    let n = commitment_number(2026, 4567);
    let bytes = n.as_bytes();
    let mut tried = 0;
    for (i, b) in bytes.iter().enumerate() {
        if !b.is_ascii_digit() {
            continue;
        }
        for digit in b'0'..=b'9' {
            if digit == *b {
                continue;
            }
            let mut changed = bytes.to_vec();
            changed[i] = digit;
            let changed = String::from_utf8(changed).unwrap();
            assert!(!valid_commitment_number(&changed), "{changed}");
            tried += 1;
        }
    }
    // 4 year digits, 6 serial digits and the check digit, 9 other digits each.
    assert_eq!(tried, 11 * 9);
}

#[test]
fn malformed_commitment_numbers_fail() {
    for s in [
        "",
        "MS-",
        "MS-2026",
        "MS-2026-",
        "MS-2026-000123",
        "MS-2026-00012300",
        "ms-2026-0001230",
        "MT-2026-0001230",
        "MS2026-0001230",
        "MS-2026 0001230",
        "MS-226-0001230",
        "MS-20260-001230",
        "MS-2026-00012A0",
        "MS-2026-+001230",
        "MS-２０２６-0001230",
        "MS-2026-0001230-",
        "2026-0001230",
    ] {
        assert!(!valid_commitment_number(s), "{s:?}");
    }
}

// ---- maximum total --------------------------------------------------------------------------

#[test]
fn max_total_counts_started_weeks() {
    let price = Money::from_cents(5_000); // 50,00 € an hour
    let start = d(2026, 1, 5);
    // (last day, weeks)
    let cases = [
        (d(2026, 1, 5), 1),    // 1 day
        (d(2026, 1, 11), 1),   // 7 days
        (d(2026, 1, 12), 2),   // 8 days
        (d(2026, 1, 18), 2),   // 14 days
        (d(2026, 1, 19), 3),   // 15 days
        (d(2026, 12, 31), 52), // 361 days
    ];
    for (end, weeks) in cases {
        assert_eq!(
            max_total(price, 3, start, end),
            Some(Money::from_cents(5_000 * 3 * weeks)),
            "{end}"
        );
    }
    assert_eq!(max_total(price, 0, start, d(2026, 3, 1)), Some(Money::ZERO));
}

#[test]
fn max_total_of_a_backwards_period_is_none() {
    let price = Money::from_cents(5_000);
    assert_eq!(max_total(price, 3, d(2026, 1, 5), d(2026, 1, 4)), None);
    assert_eq!(max_total(price, 3, d(2026, 1, 5), d(2025, 1, 5)), None);
}

#[test]
fn max_total_overflow_is_none() {
    let price = Money::from_cents(i64::MAX / 2);
    assert_eq!(max_total(price, 3, d(2026, 1, 5), d(2026, 1, 5)), None);
}

// ---- when a commitment links a provider to a client -----------------------------------------

fn commitment(status: CommitmentStatus) -> Commitment {
    Commitment {
        number: commitment_number(2026, 1),
        version: 1,
        status,
        client: Uuid::from_u128(1),
        family: None,
        need: Uuid::from_u128(2),
        lot: Uuid::from_u128(3),
        application: Uuid::from_u128(4),
        provider: Uuid::from_u128(5),
        unit: Uuid::from_u128(6),
        quantity_per_week: 3,
        unit_price: Money::from_cents(5_000),
        starts_on: d(2026, 2, 1),
        ends_on: d(2026, 4, 30),
        cost_centre: "1234".into(),
        budget_line: None,
        max_total: Money::from_cents(5_000 * 3 * 13),
        answer_by: d(2026, 1, 20),
        reason: String::new(),
    }
}

#[test]
fn the_period_in_force_runs_from_the_first_acceptance_to_the_version_in_force() {
    use domain::commitment::{in_force, period_in_force};
    // Sent and declined versions bind nothing.
    for status in [CommitmentStatus::Sent, CommitmentStatus::Declined] {
        assert_eq!(period_in_force([&commitment(status)]), None, "{status:?}");
    }
    let accepted = commitment(CommitmentStatus::Accepted);
    assert_eq!(
        period_in_force([&accepted]),
        Some((d(2026, 2, 1), d(2026, 4, 30)))
    );
    // Extended by a second version: the first one's start, the second one's end.
    let mut v1 = commitment(CommitmentStatus::Superseded);
    v1.starts_on = d(2026, 1, 15);
    let mut v2 = commitment(CommitmentStatus::Accepted);
    v2.version = 2;
    v2.ends_on = d(2026, 6, 30);
    // A third version still waiting for an answer changes nothing yet.
    let mut v3 = commitment(CommitmentStatus::Sent);
    v3.version = 3;
    v3.ends_on = d(2026, 12, 31);
    assert_eq!(in_force([&v1, &v2, &v3]).map(|c| c.version), Some(2));
    assert_eq!(
        period_in_force([&v1, &v2, &v3]),
        Some((d(2026, 1, 15), d(2026, 6, 30)))
    );
    // A terminated commitment is in force until its termination date.
    let mut t = commitment(CommitmentStatus::Terminated);
    t.ends_on = d(2026, 3, 10);
    assert_eq!(period_in_force([&t]), Some((d(2026, 2, 1), d(2026, 3, 10))));
}

#[test]
fn an_empty_address_is_not_shown_as_punctuation() {
    use domain::client::{ClientForm, MinimalClient};
    let code = domain::ident::PersonalIdentityCode::new_made_up(
        chrono::NaiveDate::from_ymd_opt(2015, 3, 1).unwrap(),
        951,
    )
    .unwrap();
    let form = ClientForm {
        identity_code: code.as_str().into(),
        first_name: "Lumi".into(),
        last_name: "Satunen".into(),
        home_municipality: "Kotka".into(),
        language: "fi".into(),
        ..ClientForm::default()
    };
    let (_, mut c) = form.validate().unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    assert_eq!(MinimalClient::of(&c, &[], today).address, None);
    c.city = "Kotka".into();
    assert_eq!(
        MinimalClient::of(&c, &[], today).address.as_deref(),
        Some("Kotka")
    );
}
