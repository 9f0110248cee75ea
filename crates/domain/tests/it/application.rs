//! Applications: the status machine, what stops submission, the decision deadline and the
//! framework ranking; with them the evidence and procurement forms an application rests on.

// A failing unwrap is exactly how a test should fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use domain::application::{next, rank, AppStatus, Application, Step};
use domain::calendar::{deadline, DayCount};
use domain::evidence::{Evidence, EvidenceForm, EvidenceKind, Validity};
use domain::locale::Lang;
use domain::money::Money;
use domain::procurement::{Lot, PriceModel, ProcurementForm, ProcurementKind, Regime};
use domain::requirement::LocalText;
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn eur(cents: i64) -> Money {
    Money::from_cents(cents)
}

/// Expected errors as (field, code), in the order they are found.
type Want = &'static [(&'static str, &'static str)];

/// Items and their comparison points, best first.
type Ranking = Vec<(&'static str, f64)>;

fn errors(e: &domain::validate::FieldErrors) -> Vec<(&str, &str)> {
    e.0.iter()
        .map(|x| (x.field.as_str(), x.code.as_str()))
        .collect()
}

// --- status machine ------------------------------------------------------------------------

const STEPS: [Step; 6] = [
    Step::Submit,
    Step::StartReview,
    Step::AskInfo,
    Step::Admit,
    Step::Reject,
    Step::Withdraw,
];

#[test]
fn every_status_against_every_step() {
    use AppStatus::*;
    // Rows: from; columns in STEPS order: Submit, StartReview, AskInfo, Admit, Reject, Withdraw.
    let table: [(AppStatus, [Option<AppStatus>; 6]); 6] = [
        (Draft, [Some(Submitted), None, None, None, None, None]),
        (
            Submitted,
            [
                None,
                Some(UnderReview),
                Some(InfoRequested),
                Some(Admitted),
                Some(Rejected),
                Some(Draft),
            ],
        ),
        (
            UnderReview,
            [
                None,
                None,
                Some(InfoRequested),
                Some(Admitted),
                Some(Rejected),
                None,
            ],
        ),
        (
            InfoRequested,
            [Some(Submitted), None, None, None, None, None],
        ),
        (Admitted, [None, None, None, None, None, None]),
        (Rejected, [None, None, None, None, None, None]),
    ];
    // The table names every status once.
    let rows: Vec<AppStatus> = table.iter().map(|(s, _)| *s).collect();
    assert_eq!(rows, AppStatus::ALL.to_vec());
    for (from, row) in table {
        for (step, want) in STEPS.into_iter().zip(row) {
            assert_eq!(next(from, step), want, "{from:?} --{step:?}-->");
        }
    }
}

#[test]
fn status_properties() {
    use AppStatus::*;
    // (status, provider may edit, pending, final)
    let cases = [
        (Draft, true, false, false),
        (Submitted, false, true, false),
        (UnderReview, false, true, false),
        (InfoRequested, true, false, false),
        (Admitted, false, false, true),
        (Rejected, false, false, true),
    ];
    for (s, edit, pending, fin) in cases {
        assert_eq!(s.provider_may_edit(), edit, "{s:?}");
        assert_eq!(s.is_pending(), pending, "{s:?}");
        assert_eq!(s.is_final(), fin, "{s:?}");
        assert_eq!(AppStatus::parse(s.code()), Some(s));
        // Only a status the provider may edit can be submitted; a final one goes nowhere.
        assert_eq!(next(s, Step::Submit).is_some(), edit, "{s:?}");
        if fin {
            assert!(STEPS.iter().all(|st| next(s, *st).is_none()), "{s:?}");
        }
    }
    for st in STEPS {
        assert_eq!(
            st.by_provider(),
            matches!(st, Step::Submit | Step::Withdraw),
            "{st:?}"
        );
    }
}

// --- submission ----------------------------------------------------------------------------

fn lot(price_cap: Option<Money>) -> Lot {
    Lot {
        number: 1,
        title: LocalText::fi("Tehostettu perhetyö"),
        sections: Vec::new(),
        age_min: None,
        age_max: Some(17),
        price_model: PriceModel::PerHour,
        price_cap,
        open: true,
        closed_note: LocalText::default(),
        service_task: "lastensuojelun avohuolto".into(),
        legal_basis: "lastensuojelulaki 36 §".into(),
        requirements: Vec::new(),
        price_weight: 100,
        work_money: Vec::new(),
    }
}

fn complete() -> Application {
    let mut a = Application::new(&Regime::default());
    a.unit_id = Some(Uuid::from_u128(7));
    a.roster = vec![Uuid::from_u128(1), Uuid::from_u128(2)];
    a.price = Some(eur(8_950));
    a.employees = Some(5);
    a
}

#[test]
fn submission_errors_field_by_field() {
    type Edit = fn(&mut Application);
    let cap = Some(eur(9_500));
    let cases: &[(&str, Edit, bool, Option<Money>, Want)] = &[
        ("complete", |_| {}, true, cap, &[]),
        ("lot closed", |_| {}, false, cap, &[("lot", "lot-closed")]),
        (
            "no unit",
            |a| a.unit_id = None,
            true,
            cap,
            &[("unit_id", "required")],
        ),
        (
            "empty roster",
            |a| a.roster.clear(),
            true,
            cap,
            &[("roster", "roster-empty")],
        ),
        (
            "no price",
            |a| a.price = None,
            true,
            cap,
            &[("price", "required")],
        ),
        (
            "zero price",
            |a| a.price = Some(Money::ZERO),
            true,
            cap,
            &[("price", "money-format")],
        ),
        (
            "negative price",
            |a| a.price = Some(eur(-1)),
            true,
            cap,
            &[("price", "money-format")],
        ),
        (
            "employees not told",
            |a| a.employees = None,
            true,
            cap,
            &[("employees", "required")],
        ),
        (
            "price one cent over the cap",
            |a| a.price = Some(eur(9_501)),
            true,
            cap,
            &[("price", "price-over-cap")],
        ),
        (
            "price equal to the cap",
            |a| a.price = Some(eur(9_500)),
            true,
            cap,
            &[],
        ),
        (
            "no cap, any price",
            |a| a.price = Some(eur(100_000_000)),
            true,
            None,
            &[],
        ),
        (
            "zero employees is told",
            |a| a.employees = Some(0),
            true,
            cap,
            &[],
        ),
        (
            "a new application on a closed lot: everything",
            |a| *a = Application::new(&Regime::default()),
            false,
            cap,
            &[
                ("lot", "lot-closed"),
                ("unit_id", "required"),
                ("roster", "roster-empty"),
                ("price", "required"),
                ("employees", "required"),
            ],
        ),
    ];
    for (what, edit, open, cap, want) in cases {
        let mut a = complete();
        edit(&mut a);
        let e = a.submission_errors(&lot(*cap), *open);
        assert_eq!(errors(&e), *want, "{what}");
    }
}

#[test]
fn new_application_takes_the_regime() {
    let a = Application::new(&Regime::default());
    assert_eq!(a.status, AppStatus::Draft);
    assert_eq!(a.decision_days, 10);
    assert_eq!(a.decision_due(), None);
}

#[test]
fn decision_due_counts_finnish_working_days() {
    // (submitted, decision days, due)
    let cases = [
        // A plain fortnight: Mon 2.3.2026 + 10 working days = Mon 16.3.
        (d(2026, 3, 2), 10, d(2026, 3, 16)),
        // Over Christmas 2026 (Fri 18.12.): 21, 22, 23 | 24–26 off, 27 Sun | 28, 29, 30, 31 |
        // 1.1. New Year, 2–3 weekend | 4, 5 | 6.1. Epiphany | 7.1. is the tenth.
        (d(2026, 12, 18), 10, d(2027, 1, 7)),
        // Extended to 15: 8.1. (11), 11.–14.1. (12–15).
        (d(2026, 12, 18), 15, d(2027, 1, 14)),
        // Over Easter 2026 (Good Friday 3.4., Easter Monday 6.4.): Thu 2.4. + 1 = Tue 7.4.
        (d(2026, 4, 2), 1, d(2026, 4, 7)),
        // Submitted on a Saturday: Monday is the first day.
        (d(2026, 3, 7), 1, d(2026, 3, 9)),
    ];
    for (submitted, days, due) in cases {
        let mut a = complete();
        a.submitted_on = Some(submitted);
        a.decision_days = days;
        assert_eq!(a.decision_due(), Some(due), "{submitted} + {days}");
        assert_eq!(
            deadline(submitted, days, DayCount::WorkingDays),
            due,
            "{submitted} + {days}"
        );
    }
}

// --- ranking -------------------------------------------------------------------------------

/// Ranks (item, price in cents, quality points) with `weight` per cent for price.
fn ranked(offers: Vec<(&'static str, i64, u32)>, weight: u32) -> Ranking {
    rank(
        offers
            .into_iter()
            .map(|(name, cents, q)| (name, eur(cents), q))
            .collect(),
        weight,
    )
    .into_iter()
    .map(|r| (r.item, r.points))
    .collect()
}

#[test]
fn rank_framework_offers() {
    // (item, price in cents, quality points)
    type Offers = Vec<(&'static str, i64, u32)>;
    let cases: Vec<(&str, Offers, u32, Ranking)> = vec![
        (
            "price only: cheapest first, quality ignored",
            vec![("A", 12_000, 90), ("B", 10_000, 0), ("C", 15_000, 50)],
            100,
            vec![("B", 100.0), ("A", 83.33), ("C", 66.67)],
        ),
        (
            "70/30: the dearer offer with better quality wins",
            vec![("A", 10_000, 40), ("B", 11_000, 90)],
            70,
            // A: 70 + 12 = 82; B: 70 * 100/110 + 27 = 90.64.
            vec![("B", 90.64), ("A", 82.0)],
        ),
        (
            "70/30: quality not enough to beat a much lower price",
            vec![("A", 10_000, 40), ("B", 20_000, 90)],
            70,
            // A: 82; B: 35 + 27 = 62.
            vec![("A", 82.0), ("B", 62.0)],
        ),
        (
            "equal points: the lower price first",
            vec![("first", 20_000, 50), ("second", 10_000, 0)],
            50,
            // first: 25 + 25 = 50; second: 50 + 0 = 50.
            vec![("second", 50.0), ("first", 50.0)],
        ),
        (
            "equal points and price: input order",
            vec![("x", 10_000, 50), ("y", 10_000, 50), ("z", 10_000, 50)],
            60,
            vec![("x", 80.0), ("y", 80.0), ("z", 80.0)],
        ),
        (
            "quality only",
            vec![("a", 10_000, 10), ("b", 30_000, 80)],
            0,
            vec![("b", 80.0), ("a", 10.0)],
        ),
        (
            "a weight over 100 counts as 100",
            vec![("a", 10_000, 0), ("b", 5_000, 100)],
            250,
            vec![("b", 100.0), ("a", 50.0)],
        ),
        ("nothing to rank", vec![], 100, vec![]),
    ];
    for (what, offers, weight, want) in cases {
        assert_eq!(ranked(offers, weight), want, "{what}");
    }
}

#[test]
fn rank_keeps_price_and_quality() {
    let r = rank(vec![("A", eur(8_000), 70), ("B", eur(6_000), 20)], 100);
    let got: Vec<(&str, Money, u32)> = r
        .iter()
        .map(|x| (x.item, x.price, x.quality_points))
        .collect();
    assert_eq!(got, vec![("B", eur(6_000), 20), ("A", eur(8_000), 70)]);
}

// --- evidence ------------------------------------------------------------------------------

#[test]
fn evidence_validity_on_a_day() {
    let today = d(2026, 3, 2);
    // (valid until, warn days, validity)
    let cases = [
        (None, 30, Validity::Valid),
        (Some(d(2026, 6, 1)), 30, Validity::Valid),
        (
            Some(d(2026, 4, 1)),
            30,
            Validity::Expiring { days_left: 30 },
        ),
        (Some(d(2026, 4, 2)), 30, Validity::Valid),
        (
            Some(d(2026, 3, 20)),
            30,
            Validity::Expiring { days_left: 18 },
        ),
        (Some(today), 30, Validity::Expiring { days_left: 0 }),
        (Some(today), 0, Validity::Expiring { days_left: 0 }),
        (Some(d(2026, 3, 3)), 0, Validity::Valid),
        // The day after its last day it has expired.
        (Some(d(2026, 3, 1)), 30, Validity::Expired),
        (Some(d(2025, 1, 1)), 0, Validity::Expired),
    ];
    for (until, warn, want) in cases {
        let e = Evidence {
            kind: EvidenceKind::TaxCertificate,
            issued_on: d(2024, 1, 1),
            valid_until: until,
            reference: String::new(),
        };
        assert_eq!(e.validity(today, warn), want, "{until:?} warn {warn}");
    }
}

fn evidence_form() -> EvidenceForm {
    EvidenceForm {
        kind: "tax_certificate".into(),
        issued_on: "1.2.2026".into(),
        valid_until: "2026-05-01".into(),
        reference: "  VT-2026-0042 ".into(),
    }
}

#[test]
fn evidence_form_happy_path() {
    let today = d(2026, 3, 2);
    assert_eq!(
        evidence_form().validate(today).unwrap(),
        Evidence {
            kind: EvidenceKind::TaxCertificate,
            issued_on: d(2026, 2, 1),
            valid_until: Some(d(2026, 5, 1)),
            reference: "VT-2026-0042".into(),
        }
    );
    let plan = EvidenceForm {
        kind: "self_monitoring_plan".into(),
        issued_on: "2024-05-01".into(),
        valid_until: String::new(),
        reference: String::new(),
    };
    assert_eq!(plan.validate(today).unwrap().valid_until, None);
    // Tax and pension certificates without a date of their own run out three months after issue.
    let tax = EvidenceForm {
        kind: "pension_certificate".into(),
        issued_on: "2026-01-31".into(),
        valid_until: String::new(),
        reference: String::new(),
    };
    assert_eq!(
        tax.validate(today).unwrap().valid_until,
        Some(d(2026, 4, 30))
    );
    let stale = EvidenceForm {
        issued_on: "2025-10-01".into(),
        ..tax
    };
    assert_eq!(
        stale.validate(today).unwrap_err().get("valid_until"),
        Some("evidence-expired")
    );
    // Issued today and valid only today are both fine.
    let edge = EvidenceForm {
        issued_on: "2.3.2026".into(),
        valid_until: "2.3.2026".into(),
        ..evidence_form()
    };
    assert_eq!(edge.validate(today).unwrap().valid_until, Some(today));
}

#[test]
fn evidence_form_errors() {
    type Edit = fn(&mut EvidenceForm);
    let today = d(2026, 3, 2);
    let cases: &[(&str, Edit, Want)] = &[
        (
            "issued in the future",
            |f| f.issued_on = "3.3.2026".into(),
            &[("issued_on", "date-in-future")],
        ),
        (
            "valid until before issued",
            |f| {
                f.issued_on = "2026-02-01".into();
                f.valid_until = "2026-01-31".into();
            },
            &[("valid_until", "date-range")],
        ),
        (
            "already expired",
            |f| {
                f.issued_on = "2025-09-01".into();
                f.valid_until = "1.3.2026".into();
            },
            &[("valid_until", "evidence-expired")],
        ),
        (
            "kind missing",
            |f| f.kind = " ".into(),
            &[("kind", "required")],
        ),
        (
            "kind unknown",
            |f| f.kind = "diploma".into(),
            &[("kind", "invalid-choice")],
        ),
        (
            "issued missing",
            |f| f.issued_on = String::new(),
            &[("issued_on", "required")],
        ),
        (
            "issued not a date",
            |f| f.issued_on = "1.2.26x".into(),
            &[("issued_on", "date-format")],
        ),
        (
            "valid until not a date",
            |f| f.valid_until = "toukokuu".into(),
            &[("valid_until", "date-format")],
        ),
        (
            "reference too long",
            |f| f.reference = "x".repeat(201),
            &[("reference", "too-long")],
        ),
    ];
    for (what, edit, want) in cases {
        let mut f = evidence_form();
        edit(&mut f);
        let e = f.validate(today).expect_err(what);
        assert_eq!(errors(&e), *want, "{what}");
    }
}

// --- procurement form ----------------------------------------------------------------------

fn procurement_form() -> ProcurementForm {
    ProcurementForm {
        kind: "dynamic_purchasing_system".into(),
        title_fi: " Tehostettu perhetyö ".into(),
        title_sv: "Intensifierat familjearbete".into(),
        title_en: String::new(),
        description_fi: "Lastensuojelun avohuollon tukitoimi.".into(),
        starts_on: "1.1.2026".into(),
        ends_on: "2029-12-31".into(),
        option_years: "1+1".into(),
        estimated_value: "1 200 000".into(),
        cpv_main: "85311300-5".into(),
        cpv_additional: "85312000".into(),
        nuts: "fi1c".into(),
        admission_days: String::new(),
        admission_days_extended: String::new(),
        framework_years: String::new(),
        notice_number: "2026-012345".into(),
        notice_url: "https://www.hankintailmoitukset.fi/fi/public/procurement/1".into(),
    }
}

#[test]
fn procurement_form_happy_path() {
    let p = procurement_form().validate(Lang::Fi).unwrap();
    assert_eq!(p.kind, ProcurementKind::DynamicPurchasingSystem);
    assert_eq!(p.title.fi, "Tehostettu perhetyö");
    assert_eq!(p.title.sv, "Intensifierat familjearbete");
    assert_eq!(p.starts_on, d(2026, 1, 1));
    assert_eq!(p.ends_on, d(2029, 12, 31));
    assert_eq!(p.option_years, vec![1, 1]);
    assert_eq!(p.ends_with_options(), d(2031, 12, 31));
    assert_eq!(p.estimated_value, Some(eur(120_000_000)));
    assert_eq!(p.cpv_main, "85311300");
    assert_eq!(p.cpv_additional, vec!["85312000".to_owned()]);
    assert_eq!(p.nuts, "FI1C");
    assert_eq!(p.regime, Regime::default());
}

#[test]
fn procurement_option_years() {
    // (typed, option years, ends with options) with ends_on 31.12.2029.
    let cases: &[(&str, &[u32], NaiveDate)] = &[
        ("", &[], d(2029, 12, 31)),
        ("1+1", &[1, 1], d(2031, 12, 31)),
        (" 1 + 2 ", &[1, 2], d(2032, 12, 31)),
        ("2", &[2], d(2031, 12, 31)),
        ("10", &[10], d(2039, 12, 31)),
    ];
    for (typed, years, ends) in cases {
        let f = ProcurementForm {
            option_years: (*typed).into(),
            ..procurement_form()
        };
        let p = f.validate(Lang::Fi).unwrap();
        assert_eq!(p.option_years, *years, "{typed:?}");
        assert_eq!(p.ends_with_options(), *ends, "{typed:?}");
    }
}

#[test]
fn ends_with_options_from_a_leap_day() {
    let cases: &[(&str, NaiveDate)] = &[("1", d(2029, 2, 28)), ("4", d(2032, 2, 29))];
    for (typed, ends) in cases {
        let f = ProcurementForm {
            starts_on: "2026-01-01".into(),
            ends_on: "29.2.2028".into(),
            option_years: (*typed).into(),
            ..procurement_form()
        };
        assert_eq!(
            f.validate(Lang::Fi).unwrap().ends_with_options(),
            *ends,
            "{typed}"
        );
    }
}

#[test]
fn procurement_form_errors() {
    type Edit = fn(&mut ProcurementForm);
    let cases: &[(&str, Edit, Want)] = &[
        (
            "ends before it starts",
            |f| f.ends_on = "31.12.2025".into(),
            &[("ends_on", "date-range")],
        ),
        (
            "ends the day it starts is fine",
            |f| f.ends_on = "2026-01-01".into(),
            &[],
        ),
        (
            "unknown main CPV",
            |f| f.cpv_main = "12345678".into(),
            &[("cpv_main", "cpv-unknown")],
        ),
        (
            "unknown additional CPV",
            |f| f.cpv_additional = "85312000, 99999999".into(),
            &[("cpv_additional", "cpv-unknown")],
        ),
        (
            "unknown NUTS",
            |f| f.nuts = "XX9".into(),
            &[("nuts", "nuts-unknown")],
        ),
        (
            "missing NUTS",
            |f| f.nuts = " ".into(),
            &[("nuts", "required")],
        ),
        (
            "option years 1+x",
            |f| f.option_years = "1+x".into(),
            &[("option_years", "option-years-format")],
        ),
        (
            "option year 0",
            |f| f.option_years = "0".into(),
            &[("option_years", "option-years-format")],
        ),
        (
            "option year 11",
            |f| f.option_years = "1+11".into(),
            &[("option_years", "option-years-format")],
        ),
        (
            "missing kind",
            |f| f.kind = String::new(),
            &[("kind", "required")],
        ),
        (
            "unknown kind",
            |f| f.kind = "auction".into(),
            &[("kind", "invalid-choice")],
        ),
        (
            "missing Finnish title",
            |f| f.title_fi = "  ".into(),
            &[("title_fi", "required")],
        ),
        (
            "missing start",
            |f| f.starts_on = String::new(),
            &[("starts_on", "required")],
        ),
        (
            "start not a date",
            |f| f.starts_on = "1.13.2026".into(),
            &[("starts_on", "date-format")],
        ),
        (
            "missing main CPV",
            |f| f.cpv_main = String::new(),
            &[("cpv_main", "required")],
        ),
        (
            "estimated value not money",
            |f| f.estimated_value = "paljon".into(),
            &[("estimated_value", "money-format")],
        ),
        (
            "negative estimated value",
            |f| f.estimated_value = "-5".into(),
            &[("estimated_value", "money-format")],
        ),
        (
            "admission days not a number",
            |f| f.admission_days = "abc".into(),
            &[("admission_days", "number-format")],
        ),
        (
            "extension shorter than the admission time",
            |f| {
                f.admission_days = "10".into();
                f.admission_days_extended = "5".into();
            },
            &[("admission_days_extended", "extension-shorter")],
        ),
        (
            "notice address not http(s)",
            |f| f.notice_url = "ftp://example.org".into(),
            &[("notice_url", "url-format")],
        ),
    ];
    for (what, edit, want) in cases {
        let mut f = procurement_form();
        edit(&mut f);
        let got = match f.validate(Lang::Fi) {
            Ok(_) => Vec::new(),
            Err(e) => errors(&e)
                .into_iter()
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
                .collect(),
        };
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        assert_eq!(got, want, "{what}");
    }
}
