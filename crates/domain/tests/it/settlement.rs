//! The three-way match, line by line: every discrepancy code, the amount at stake to the cent,
//! the tolerance, and the hold while a month's report is not approved.

// A failing unwrap is exactly how a test should fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use domain::delivery::ReportStatus;
use domain::money::Money;
use domain::settlement::{
    hold, hours_as_minutes, match_lines, scaled, BilledLine, DiscrepancyCode as D, MonthFacts,
};

const N: &str = "MS-2026-0000017";

fn oct() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()
}

/// Three hours a week at 78.00 from 1.10.2026 to 31.3.2027; October: 7 h confirmed, 1 h
/// disputed, 1 h unconfirmed.
fn facts() -> MonthFacts {
    MonthFacts {
        commitment: N.into(),
        month: oct(),
        unit_price: Money::from_cents(7800),
        hours_per_week: 3,
        period: (oct(), NaiveDate::from_ymd_opt(2027, 3, 31).unwrap()),
        confirmed: 7 * 60,
        disputed: 60,
        unconfirmed: 60,
        billed_before: 0,
        report: Some(ReportStatus::Approved),
        work_money: None,
        reduction_bp: 0,
        work_money_billed_before: Money::from_cents(0),
    }
}

fn line(id: &str, hours: &str, price_cents: i64) -> BilledLine {
    let minutes = hours_as_minutes(hours).unwrap();
    BilledLine {
        id: id.into(),
        commitment: Some(N.into()),
        month: Some(NaiveDate::from_ymd_opt(2026, 10, 31).unwrap()),
        minutes: Some(minutes),
        unit_price: Some(Money::from_cents(price_cents)),
        net: Money::from_cents(price_cents * minutes / 60),
        vat_category: "E".into(),
        vat_rate_bp: 0,
        work_money: false,
        client_fee: false,
    }
}

fn codes(lines: &[BilledLine], f: &[MonthFacts]) -> Vec<(D, String, i64)> {
    match_lines(lines, f, Money::from_cents(5))
        .into_iter()
        .map(|d| (d.code, d.line, d.at_stake.cents()))
        .collect()
}

#[test]
fn decimals_and_hours_are_read_exactly() {
    assert_eq!(hours_as_minutes("12.5"), Some(750));
    assert_eq!(hours_as_minutes("12,5"), Some(750));
    assert_eq!(hours_as_minutes("0.75"), Some(45));
    assert_eq!(hours_as_minutes("3"), Some(180));
    assert_eq!(hours_as_minutes("-1"), Some(-60));
    assert_eq!(hours_as_minutes("1.0083"), Some(60));
    assert_eq!(hours_as_minutes("1.0084"), Some(61));
    assert_eq!(hours_as_minutes("x"), None);
    assert_eq!(hours_as_minutes(""), None);
    assert_eq!(scaled("78", 2), Some(7800));
    assert_eq!(scaled("25.5", 2), Some(2550));
    assert_eq!(scaled("0.595", 2), Some(60));
    assert_eq!(scaled("-0.005", 2), Some(-1));
}

#[test]
fn a_line_within_what_was_confirmed_matches() {
    assert!(codes(&[line("1", "7", 7800)], &[facts()]).is_empty());
    // Split over two lines, still within.
    assert!(codes(&[line("1", "4", 7800), line("2", "3", 7800)], &[facts()]).is_empty());
}

#[test]
fn hours_beyond_the_confirmed_are_named_unconfirmed_first_then_disputed() {
    // 8 h: one unconfirmed hour billed.
    assert_eq!(
        codes(&[line("1", "8", 7800)], &[facts()]),
        [(D::UnconfirmedBilled, "1".into(), 7800)]
    );
    // 9 h: the unconfirmed hour and the disputed one.
    assert_eq!(
        codes(&[line("1", "9", 7800)], &[facts()]),
        [
            (D::UnconfirmedBilled, "1".into(), 7800),
            (D::DisputedBilled, "1".into(), 7800)
        ]
    );
    // A month with everything confirmed but one disputed visit, billed in full.
    let mut f = facts();
    f.unconfirmed = 0;
    assert_eq!(
        codes(&[line("1", "8", 7800)], &[f]),
        [(D::DisputedBilled, "1".into(), 7800)]
    );
}

#[test]
fn hours_never_delivered_or_billed_twice_are_named_so() {
    // 10.5 h against 9 h logged: 1.5 h more than delivered (and the 2 h beyond confirmed).
    let found = codes(&[line("1", "10.5", 7800)], &[facts()]);
    assert!(
        found.contains(&(D::MoreThanDelivered, "1".into(), 11_700)),
        "{found:?}"
    );
    // 7 h already on another invoice; this one bills 7 h again.
    let mut f = facts();
    f.billed_before = 7 * 60;
    let found = codes(&[line("1", "7", 7800)], &[f]);
    assert!(
        found.contains(&(D::AlreadyBilled, "1".into(), 5 * 7800)),
        "{found:?}"
    );
    assert!(
        found.contains(&(D::UnconfirmedBilled, "1".into(), 7800)),
        "{found:?}"
    );
    assert!(
        found.contains(&(D::DisputedBilled, "1".into(), 7800)),
        "{found:?}"
    );
}

#[test]
fn more_than_the_commitment_allows_is_over_commitment() {
    // October: 3 h/week × 31 days / 7 = 13 h 17 min allowed.
    let mut f = facts();
    f.confirmed = 20 * 60;
    let found = codes(&[line("1", "15", 7800)], &[f]);
    let allowed = 3 * 60 * 31 / 7;
    let over = 15 * 60 - allowed;
    assert_eq!(
        found,
        [(D::OverCommitment, "1".into(), (7800 * over + 30) / 60)]
    );
}

#[test]
fn a_price_other_than_the_commitments_is_priced_to_the_cent() {
    assert_eq!(
        codes(&[line("1", "7", 8200)], &[facts()]),
        [(D::PriceDiffers, "1".into(), 7 * 400)]
    );
    // Within the tolerance it is rounding, not a discrepancy.
    assert!(codes(&[line("1", "7", 7800)], &[facts()]).is_empty());
    let cheap = match_lines(&[line("1", "0.5", 7801)], &[facts()], Money::from_cents(5));
    assert!(cheap.is_empty(), "{cheap:?}");
}

#[test]
fn vat_a_foreign_unit_a_month_outside_and_a_missing_commitment_are_each_named() {
    let mut vat = line("1", "7", 7800);
    vat.vat_category = "S".into();
    vat.vat_rate_bp = 2550;
    assert_eq!(
        codes(&[vat], &[facts()]),
        [(D::VatCharged, "1".into(), (54_600 * 2550 + 5_000) / 10_000)]
    );
    let mut km = line("2", "1", 59);
    km.minutes = None;
    km.net = Money::from_cents(8850);
    assert_eq!(
        codes(&[km], &[facts()]),
        [(D::UnitNotInCommitment, "2".into(), 8850)]
    );
    let mut sept = line("3", "2", 7800);
    sept.month = NaiveDate::from_ymd_opt(2026, 9, 30);
    let mut f = facts();
    f.month = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    assert_eq!(
        codes(&[sept], &[f]),
        [(D::OutsidePeriod, "3".into(), 15_600)]
    );
    let mut none = line("4", "2", 7800);
    none.commitment = None;
    assert_eq!(
        codes(&[none], &[facts()]),
        [(D::NoCommitment, "4".into(), 15_600)]
    );
    let mut undated = line("5", "2", 7800);
    undated.month = None;
    assert_eq!(
        codes(&[undated], &[facts()]),
        [(D::NoPeriod, "5".into(), 15_600)]
    );
}

#[test]
fn a_month_whose_report_is_not_approved_holds_the_invoice() {
    let approved = facts();
    let mut nov = facts();
    nov.month = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    nov.report = Some(ReportStatus::Submitted);
    let mut dec = facts();
    dec.month = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    dec.report = None;
    assert!(hold(std::slice::from_ref(&approved)).is_empty());
    // A month outside the commitment is a discrepancy, never a wait.
    let mut sept = facts();
    sept.month = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    sept.report = None;
    assert!(hold(&[sept]).is_empty());
    assert_eq!(
        hold(&[approved, nov.clone(), dec.clone()]),
        [(N.to_owned(), nov.month), (N.to_owned(), dec.month)]
    );
}

#[test]
fn every_code_has_a_distinct_stable_name() {
    let mut names: Vec<&str> = D::ALL.iter().map(|c| c.code()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), D::ALL.len());
}

// ---------------------------------------------------------------------------------------------
// Work participation money
// ---------------------------------------------------------------------------------------------

mod work_money {
    use super::*;
    use chrono::NaiveTime;
    use domain::visit::{
        Confirmation, ConfirmationState as S, Visit, VisitKind, VisitRecord, VisitStatus as V,
    };
    use domain::work_money::{is_work_money_line, work_money, WorkMoney, WorkMoneyRate};
    use uuid::Uuid;

    fn visit(day: u32, minutes: u32, status: V, state: S) -> VisitRecord {
        VisitRecord {
            visit: Visit {
                commitment: Uuid::from_u128(9),
                date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
                start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                end: NaiveTime::from_hms_opt(9 + minutes / 60, minutes % 60, 0).unwrap(),
                kind: VisitKind::GroupSession,
                status,
                workers: vec![Uuid::from_u128(1)],
                participants: 1,
                place: String::new(),
                description: String::new(),
            },
            commitment_number: N.into(),
            client: Uuid::from_u128(10),
            purchaser: Uuid::from_u128(11),
            provider: Uuid::from_u128(12),
            provider_ref: None,
            flags: vec![],
            confirmation: Confirmation {
                state,
                ..Confirmation::default()
            },
            logged_by: "worker".into(),
        }
    }

    /// Vantaa's 2 € an hour from 21.1.2019, and (for the test) 2.50 € from 15.11.2026.
    fn rates() -> Vec<WorkMoneyRate> {
        vec![
            WorkMoneyRate {
                from: NaiveDate::from_ymd_opt(2019, 1, 21).unwrap(),
                per_hour: Money::from_cents(200),
                decision: "Vantaan sosiaali- ja terveyslautakunta 21.1.2019".into(),
            },
            WorkMoneyRate {
                from: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
                per_hour: Money::from_cents(250),
                decision: String::new(),
            },
        ]
    }

    fn month() -> Vec<VisitRecord> {
        vec![
            // 3 h at 2.00 before the change.
            visit(10, 180, V::Done, S::Confirmed),
            // 2.5 h at 2.50 after it; not yet answered by the family, but attended.
            visit(18, 150, V::Done, S::Unconfirmed),
            // A sick day: cancelled, or not come; no work participation money.
            visit(20, 180, V::CancelledEarly, S::Unconfirmed),
            visit(23, 180, V::NoShow, S::Confirmed),
            visit(24, 180, V::CancelledLate, S::Confirmed),
            // The family says it did not happen.
            visit(25, 60, V::Done, S::Disputed),
        ]
    }

    #[test]
    fn attended_hours_earn_the_rate_in_force_on_their_day_and_sick_days_earn_nothing() {
        let w = work_money(&month(), &rates()).unwrap();
        assert_eq!(w.minutes, 330);
        assert_eq!(w.amount, Money::from_cents(600 + 625));
        // A lot without the money has none, not zero.
        assert_eq!(work_money(&month(), &[]), None);
        // 20 minutes at 2.00 is 0.666… €: rounded half up once per rate, to 0.67.
        let short = [visit(10, 20, V::Done, S::Confirmed)];
        assert_eq!(
            work_money(&short, &rates()).unwrap().amount,
            Money::from_cents(67)
        );
    }

    #[test]
    fn a_line_is_work_participation_money_by_its_item_id_or_its_name() {
        assert!(is_work_money_line("TYOOSUUSRAHA", ""));
        assert!(is_work_money_line("", "Työosuusraha marraskuu"));
        assert!(is_work_money_line("", "Arbetsandelspeng"));
        assert!(is_work_money_line(" tyoosuusraha ", "x"));
        assert!(!is_work_money_line("", "Työtoiminta"));
    }

    fn money_line(id: &str, cents: i64, vat_bp: i64) -> BilledLine {
        BilledLine {
            id: id.into(),
            commitment: Some(N.into()),
            month: Some(oct()),
            minutes: Some(330),
            unit_price: None,
            net: Money::from_cents(cents),
            vat_category: if vat_bp > 0 { "S".into() } else { "E".into() },
            vat_rate_bp: vat_bp,
            work_money: true,
            client_fee: false,
        }
    }

    fn with_money(before: i64) -> MonthFacts {
        MonthFacts {
            work_money: Some(WorkMoney {
                minutes: 330,
                amount: Money::from_cents(1225),
            }),
            reduction_bp: 0,
            work_money_billed_before: Money::from_cents(before),
            ..facts()
        }
    }

    #[test]
    fn the_match_checks_work_participation_money_to_the_cent_and_apart_from_the_hours() {
        // Billed as earned, next to 7 confirmed hours: nothing to say; its 5.5 hours are not
        // counted as hours of service.
        let lines = [line("1", "7", 7800), money_line("2", 1225, 0)];
        assert_eq!(codes(&lines, &[with_money(0)]), vec![]);
        // 75 cents more than earned.
        let lines = [line("1", "7", 7800), money_line("2", 1300, 0)];
        assert_eq!(
            codes(&lines, &[with_money(0)]),
            vec![(D::WorkMoneyDiffers, "2".into(), 75)]
        );
        // Part of it billed already on another invoice.
        assert_eq!(
            codes(&[money_line("2", 1225, 0)], &[with_money(1000)]),
            vec![(D::WorkMoneyDiffers, "2".into(), 1000)]
        );
        // Within the tolerance (5 cents): rounding.
        assert_eq!(codes(&[money_line("2", 1229, 0)], &[with_money(0)]), vec![]);
        // With VAT: it is handed on to the client, never sold.
        assert_eq!(
            codes(&[money_line("2", 1225, 2550)], &[with_money(0)]),
            vec![(D::VatCharged, "2".into(), 312)]
        );
        // Billed where the lot carries none: all of it is at stake.
        assert_eq!(
            codes(&[money_line("2", 1225, 0)], &[facts()]),
            vec![(D::WorkMoneyDiffers, "2".into(), 1225)]
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Corrections after a month is closed
// ---------------------------------------------------------------------------------------------

mod corrections {
    use super::*;
    use domain::correction::{difference, settle, Outcome, RowKind};

    #[test]
    fn an_approval_settles_what_the_match_found_due_of_what_it_billed() {
        // 9 h billed, 7 h confirmed: 7 h at 78.00 settled.
        let s = settle(&facts(), 9 * 60);
        assert_eq!((s.minutes, s.amount.cents()), (420, 54600));
        // A second invoice for the month after 5 h were settled: 2 h more are due of its 4.
        let f = MonthFacts {
            billed_before: 300,
            ..facts()
        };
        let s = settle(&f, 240);
        assert_eq!((s.minutes, s.amount.cents()), (120, 15600));
        // Only 6 h billed of 7 confirmed: what was billed.
        assert_eq!(settle(&facts(), 360).minutes, 360);
    }

    #[test]
    fn a_changed_month_gives_original_refund_and_correction_rows() {
        let tolerance = Money::from_cents(5);
        // Settled 7 h; nothing changed: nothing to correct.
        assert_eq!(
            difference(&facts(), (420, Money::from_cents(54600)), 540, tolerance),
            None
        );
        // The disputed hour was accepted after review: 8 h confirmed, 8 h due of the 9 billed.
        let f = MonthFacts {
            confirmed: 480,
            disputed: 0,
            ..facts()
        };
        let d = difference(&f, (420, Money::from_cents(54600)), 540, tolerance).unwrap();
        let rows: Vec<_> = d
            .rows
            .iter()
            .map(|r| (r.kind, r.minutes, r.amount.cents()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (RowKind::Original, 420, 54600),
                (RowKind::Refund, -420, -54600),
                (RowKind::Correction, 480, 62400)
            ]
        );
        assert_eq!(d.difference.cents(), 7800);
        assert_eq!(d.outcome, Outcome::AdditionalLine);
        // A new version cut the hours to one a week from October: 31 days × 1 h / 7 = 4 h 25 min.
        let f = MonthFacts {
            hours_per_week: 1,
            ..facts()
        };
        let d = difference(&f, (420, Money::from_cents(54600)), 540, tolerance).unwrap();
        assert_eq!(d.rows[2].minutes, 265);
        assert_eq!(d.rows[2].amount.cents(), 34450);
        assert_eq!(d.difference.cents(), 34450 - 54600);
        assert_eq!(d.outcome, Outcome::CreditRequest);
        // Ended before October: nothing of it is owed.
        let f = MonthFacts {
            period: (
                NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
                NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
            ),
            ..facts()
        };
        let d = difference(&f, (420, Money::from_cents(54600)), 540, tolerance).unwrap();
        assert_eq!(d.difference.cents(), -54600);
    }
}

#[test]
fn figures_are_written_without_a_language_or_with_its_separator() {
    use domain::settlement::{hours_text, percent_text, Figure};
    assert_eq!(Figure::Hours { minutes: 750 }.text(), "12.50 h");
    assert_eq!(hours_text(750, ','), "12,50 h");
    assert_eq!(hours_text(-45, ','), "-0,75 h");
    assert_eq!(
        Figure::HoursLess { of: 600, less: 420 }.text(),
        "10 h − 7 h"
    );
    assert_eq!(Figure::Money { cents: 7_800 }.text(), "78.00");
    assert_eq!(Figure::Money { cents: -5 }.text(), "-0.05");
    assert_eq!(percent_text(2550, ','), "25,5");
    assert_eq!(
        Figure::Vat {
            category: "S".into(),
            rate_bp: 2400
        }
        .text(),
        "S 24 %"
    );
    assert_eq!(
        Figure::Month {
            month: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()
        }
        .text(),
        "2026-10"
    );
}

#[test]
fn a_client_fee_on_the_invoice_is_named_whether_charged_or_deducted() {
    use domain::settlement::is_client_fee_line;
    assert!(is_client_fee_line("", "Asiakasmaksu 10/2026"));
    assert!(is_client_fee_line("ASIAKASMAKSU", ""));
    assert!(is_client_fee_line("", "Klientavgift oktober"));
    assert!(is_client_fee_line("", "Client fee"));
    assert!(!is_client_fee_line("", "Perhetyö, ohjaus"));
    let f = [facts()];
    let mut fee = line("2", "1", 0);
    fee.minutes = None;
    fee.net = Money::from_cents(-4_500);
    fee.client_fee = true;
    // The hours match; the deducted 45.00 € fee is named, held at its amount.
    assert_eq!(
        codes(&[line("1", "7", 7800), fee], &f),
        vec![(D::ClientFee, "2".to_owned(), 4_500)]
    );
}
