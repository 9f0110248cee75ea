//! Costs shared between municipalities, to the cent: seed 002's Länsi-Pohja percentages.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::cost_sharing::{split, split_by_days, Basis, Remainder};

/// Kemi, Keminmaa, Simo, Tervola, Tornio, Ylitornio: 99.9 % in all.
fn lansi_pohja() -> Basis {
    Basis::Percent(vec![3_460, 1_320, 560, 560, 3_300, 790])
}
const TORNIO: usize = 4;

#[test]
fn shares_that_do_not_add_up_are_normalised_to_the_cent() {
    // 10 000,00 €: each share in proportion to 99.9 %, rounded down; the one cent left goes
    // to the largest fraction (Kemi's ,346).
    let s = split(1_000_000, 0, &lansi_pohja(), Remainder::Normalise);
    assert_eq!(s, [346_347, 132_132, 56_056, 56_056, 330_330, 79_079]);
    assert_eq!(s.iter().sum::<i64>(), 1_000_000);
}

#[test]
fn or_the_host_carries_the_rest() {
    // Each other municipality its percentage of the whole; Tornio its 33 % and the 0.1 % left.
    let s = split(1_000_000, 0, &lansi_pohja(), Remainder::HostCarries(TORNIO));
    assert_eq!(s, [346_000, 132_000, 56_000, 56_000, 331_000, 79_000]);
    assert_eq!(s.iter().sum::<i64>(), 1_000_000);
}

#[test]
fn funding_lowers_every_share_in_proportion() {
    // 12 345,67 € of which the state project pays 2 345,67 €: the same shares as 10 000,00 €.
    let with = split(1_234_567, 234_567, &lansi_pohja(), Remainder::Normalise);
    assert_eq!(
        with,
        split(1_000_000, 0, &lansi_pohja(), Remainder::Normalise)
    );
    // Awkward sums still add up exactly, for every rule.
    for cost in [1, 7, 99_999, 1_234_567, 987_654_321] {
        for rule in [Remainder::Normalise, Remainder::HostCarries(TORNIO)] {
            let s = split(cost, cost / 10, &lansi_pohja(), rule);
            assert_eq!(s.iter().sum::<i64>(), cost - cost / 10, "{cost} {rule:?}");
        }
    }
}

#[test]
fn population_shares_add_up_and_a_credit_splits_the_same_way() {
    let people = Basis::Population(vec![20_000, 20_000, 20_000]);
    assert_eq!(split(100, 0, &people, Remainder::Normalise), [34, 33, 33]);
    assert_eq!(
        split(-100, 0, &people, Remainder::Normalise),
        [-34, -33, -33]
    );
    assert_eq!(split(0, 0, &people, Remainder::Normalise), [0, 0, 0]);
}

#[test]
fn a_basis_changed_within_the_quarter_splits_the_cost_by_days() {
    let d = |m, day| NaiveDate::from_ymd_opt(2027, m, day).unwrap();
    // The first quarter of 2027, 90 days; a new basis from 15 February: 45 days each.
    let s = split_by_days(
        900_000,
        0,
        d(1, 1),
        d(3, 31),
        &[
            (d(1, 1), Basis::Percent(vec![5_000, 5_000])),
            (d(2, 15), Basis::Percent(vec![2_500, 7_500])),
        ],
        Remainder::Normalise,
        2,
    );
    assert_eq!(s, [225_000 + 112_500, 225_000 + 337_500]);
    // A basis agreed before the period applies from its first day.
    let s = split_by_days(
        900_000,
        90_000,
        d(1, 1),
        d(3, 31),
        &[(
            d(1, 1) - chrono::Duration::days(400),
            Basis::Percent(vec![5_000, 5_000]),
        )],
        Remainder::Normalise,
        2,
    );
    assert_eq!(s, [405_000, 405_000]);
}

#[test]
fn percentages_are_read_as_people_type_them() {
    use domain::cost_sharing::parse_percent;
    assert_eq!(parse_percent("34,6"), Ok(3_460));
    assert_eq!(parse_percent("33 %"), Ok(3_300));
    assert_eq!(parse_percent("5.55"), Ok(555));
    assert_eq!(parse_percent("0,05"), Ok(5));
    assert_eq!(parse_percent("100"), Ok(10_000));
    assert_eq!(parse_percent("100,01"), Err("share-over-100"));
    assert_eq!(parse_percent("-1"), Err("share-negative"));
    assert_eq!(parse_percent("1,234"), Err("percent-precision"));
    assert_eq!(parse_percent("kolme"), Err("percent-format"));
    assert_eq!(parse_percent(" "), Err("required"));
}

#[test]
fn an_iban_is_checked_by_its_mod_97_digits() {
    use domain::ident::Iban;
    let i = Iban::parse("fi49 5000 9420 0287 30").unwrap();
    assert_eq!(i.as_str(), "FI4950009420028730");
    assert_eq!(i.grouped(), "FI49 5000 9420 0287 30");
    // One digit changed, a Finnish IBAN of the wrong length, a country code of digits.
    assert!(Iban::parse("FI4950009420028731").is_err());
    assert!(Iban::parse("FI495000942002873").is_err());
    assert!(Iban::parse("1149500094200287301").is_err());
    assert!(Iban::parse("DE89370400440532013000").is_ok());
}

#[test]
fn a_quarter_without_a_basis_for_every_day_is_not_settled() {
    use domain::cost_sharing::uncovered_days;
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    let gaps = uncovered_days(
        d(7, 1),
        d(9, 30),
        &[(d(1, 1), Some(d(7, 31))), (d(9, 1), None)],
    );
    assert_eq!(gaps, [(d(8, 1), d(8, 31))]);
    assert!(uncovered_days(d(7, 1), d(9, 30), &[(d(1, 1), None)]).is_empty());
    assert_eq!(
        uncovered_days(d(7, 1), d(9, 30), &[]),
        [(d(7, 1), d(9, 30))]
    );
}

#[test]
fn populations_are_read_from_a_table_by_the_municipalities_names() {
    use domain::cost_sharing::{populations_from_rows, Party};
    let party = |n: &str| Party {
        org: uuid::Uuid::nil(),
        name: n.into(),
    };
    let parties = [
        party("Kemin kaupunki"),
        party("Keminmaan kunta"),
        party("Simon kunta"),
        party("Tornion kaupunki"),
    ];
    let rows: Vec<Vec<String>> = [
        ["Alue", "Väkiluku 31.12.2025"],
        ["Keminmaa", "7 958"],
        ["Kemi", "19936"],
        ["Tornion kaupunki", "21 107.0"],
        ["Rovaniemi", "65 000"],
    ]
    .iter()
    .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
    .collect();
    let (figures, e) = populations_from_rows(&parties, &rows);
    assert_eq!(figures, ["19936", "7958", "", "21107"]);
    // Simo is in no row: refused next to its figure, the others kept.
    assert_eq!(e.get("figure-2"), Some("population-missing"));
    assert_eq!(e.0.len(), 1);
}

/// An invoice of two lines, 300.00 on commitment A and 100.00 on B, approved for `approved`.
fn two_line_invoice(
    kind: domain::invoice::InvoiceKind,
    approved: Option<i64>,
) -> domain::invoice::ReceivedInvoice {
    use domain::invoice::{Channel, InvoiceLine, InvoiceStatus, ReceivedInvoice};
    use domain::money::Money;
    let line = |id: &str, commitment: &str, cents: i64| InvoiceLine {
        id: id.into(),
        name: format!("Perhetyö {commitment}"),
        item: String::new(),
        quantity: String::new(),
        unit: String::new(),
        unit_price: String::new(),
        net: Money::from_cents(cents),
        vat_category: "E".into(),
        vat_rate: "0".into(),
        commitment: Some(commitment.into()),
        period_start: None,
        period_end: None,
    };
    ReceivedInvoice {
        kind,
        number: "PL-2026-3".into(),
        seller_business_id: "0737546-2".into(),
        seller_name: "Pelastakaa Lapset ry".into(),
        provider: None,
        issue_date: NaiveDate::from_ymd_opt(2026, 10, 5),
        due_date: None,
        period_start: NaiveDate::from_ymd_opt(2026, 7, 1),
        period_end: NaiveDate::from_ymd_opt(2026, 9, 30),
        currency: "EUR".into(),
        payable: Money::from_cents(40_000),
        vat_total: Money::ZERO,
        reference: String::new(),
        account: String::new(),
        commitment_numbers: vec!["A".into(), "B".into()],
        commitments: Vec::new(),
        credits: Vec::new(),
        credited: Vec::new(),
        lines: vec![line("1", "A", 30_000), line("2", "B", 10_000)],
        findings: Vec::new(),
        held_for: Vec::new(),
        discrepancies: Vec::new(),
        decisions: Vec::new(),
        approved_amount: approved.map(Money::from_cents),
        settled: Vec::new(),
        export: None,
        status: if approved.is_some() {
            InvoiceStatus::Approved
        } else {
            InvoiceStatus::ToCheck
        },
        quarantine: None,
        quarantine_detail: String::new(),
        channel: Channel::Upload,
        file: uuid::Uuid::nil(),
        sha256: String::new(),
        syntax: String::new(),
        received_at: chrono::Utc::now(),
        received_by: None,
    }
}

#[test]
fn a_shared_invoice_counts_what_was_paid_on_its_shared_lines() {
    use domain::cost_sharing::{invoice_cost_date, shared_part};
    use domain::invoice::InvoiceKind::{CreditNote, Invoice};
    let a = |n: &str| n == "A";
    let both = |n: &str| n == "A" || n == "B";
    let none = |n: &str| n == "C";
    // Not approved: nothing paid, nothing to share.
    assert_eq!(shared_part(&two_line_invoice(Invoice, None), &a), None);
    // Approved in full: all of it when every line is shared, three quarters for A's line.
    assert_eq!(
        shared_part(&two_line_invoice(Invoice, Some(40_000)), &both),
        Some(40_000)
    );
    assert_eq!(
        shared_part(&two_line_invoice(Invoice, Some(40_000)), &a),
        Some(30_000)
    );
    assert_eq!(
        shared_part(&two_line_invoice(Invoice, Some(40_000)), &none),
        None
    );
    // Approved in part (380.00): A's line carries its proportion of what was paid.
    assert_eq!(
        shared_part(&two_line_invoice(Invoice, Some(38_000)), &a),
        Some(28_500)
    );
    // Half a cent rounds away from zero, for a credit note too.
    assert_eq!(
        shared_part(&two_line_invoice(Invoice, Some(2)), &a),
        Some(2)
    );
    assert_eq!(
        shared_part(&two_line_invoice(Invoice, Some(6)), &a),
        Some(5)
    );
    assert_eq!(
        shared_part(&two_line_invoice(CreditNote, Some(6)), &a),
        Some(-5)
    );
    assert_eq!(
        shared_part(&two_line_invoice(CreditNote, Some(40_000)), &both),
        Some(-40_000)
    );
    // It belongs to the quarter its billing period ends in (Q3), not the one it was issued in.
    assert_eq!(
        invoice_cost_date(&two_line_invoice(Invoice, None)),
        NaiveDate::from_ymd_opt(2026, 9, 30)
    );
}
