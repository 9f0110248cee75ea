//! EN 16931 rules by id: each one broken on purpose in the fixture, and nothing else with it.

use crate::fixture_text;
use einvoice::Decimal;
use std::str::FromStr;

/// The Finvoice fixture with `from` replaced by `to` (once), read; the rule ids it breaks.
fn broken(from: &str, to: &str) -> Vec<(&'static str, String, Option<Decimal>, Option<Decimal>)> {
    let text = fixture_text("finvoice30-perhetyo-lokakuu.xml").replacen("ISO-8859-15", "UTF-8", 1);
    assert!(text.contains(from), "{from}");
    let text = text.replacen(from, to, 1);
    let r = einvoice::read(text.as_bytes(), "x.xml").unwrap();
    r.findings
        .into_iter()
        .map(|f| (f.rule, f.location, f.expected, f.found))
        .collect()
}

fn rules(found: &[(&'static str, String, Option<Decimal>, Option<Decimal>)]) -> Vec<&'static str> {
    found.iter().map(|f| f.0).collect()
}

fn d(s: &str) -> Option<Decimal> {
    Some(Decimal::from_str(s).unwrap())
}

#[test]
fn a_line_amount_that_is_not_quantity_times_price_breaks_r120_and_the_sums() {
    let f = broken(
        "<RowVatExcludedAmount AmountCurrencyIdentifier=\"EUR\">775,00",
        "<RowVatExcludedAmount AmountCurrencyIdentifier=\"EUR\">837,00",
    );
    assert_eq!(
        rules(&f),
        ["PEPPOL-EN16931-R120", "BR-CO-10", "BR-E-08"],
        "{f:?}"
    );
    assert_eq!(f[0].1, "lines[0]");
    assert_eq!((f[0].2, f[0].3), (d("775.00"), d("837.00")));
    assert_eq!((f[1].2, f[1].3), (d("1220.50"), d("1158.50")));
}

#[test]
fn totals_that_do_not_add_up_break_br_co_13_15_and_16() {
    let f = broken(
        "<InvoiceTotalVatExcludedAmount AmountCurrencyIdentifier=\"EUR\">1158,50",
        "<InvoiceTotalVatExcludedAmount AmountCurrencyIdentifier=\"EUR\">1158,00",
    );
    assert_eq!(rules(&f), ["BR-CO-13", "BR-CO-15"], "{f:?}");
    let f = broken(
        "<EpiInstructedAmount AmountCurrencyIdentifier=\"EUR\">1158,50",
        "<EpiInstructedAmount AmountCurrencyIdentifier=\"EUR\">1185,50",
    );
    assert_eq!(rules(&f), ["BR-CO-16"], "{f:?}");
    assert_eq!((f[0].2, f[0].3), (d("1158.50"), d("1185.50")));
}

#[test]
fn vat_charged_on_a_line_breaks_the_category_rules() {
    // A standard-rated line at 25.5 % on an invoice whose breakdown says exempt.
    let f = broken(
        "<RowVatRatePercent>0</RowVatRatePercent>\n    <RowVatCode>E</RowVatCode>",
        "<RowVatRatePercent>25,5</RowVatRatePercent>\n    <RowVatCode>S</RowVatCode>",
    );
    assert_eq!(rules(&f), ["BR-E-08"], "{f:?}");
    let f = broken(
        "<RowVatRatePercent>0</RowVatRatePercent>\n    <RowVatCode>E</RowVatCode>",
        "<RowVatRatePercent>10</RowVatRatePercent>\n    <RowVatCode>E</RowVatCode>",
    );
    assert_eq!(rules(&f), ["BR-E-05", "BR-E-08"], "{f:?}");
    let f = broken(
        "<VatRateAmount AmountCurrencyIdentifier=\"EUR\">0,00",
        "<VatRateAmount AmountCurrencyIdentifier=\"EUR\">12,00",
    );
    assert_eq!(rules(&f), ["BR-CO-14", "BR-E-09"], "{f:?}");
}

#[test]
fn an_exempt_category_needs_its_reason_and_a_payable_invoice_its_due_date() {
    let f = broken(
        "<VatFreeText>Arvonlisäveroton sosiaalipalvelu, AVL 37 §</VatFreeText>",
        "",
    );
    assert_eq!(rules(&f), ["BR-E-10"], "{f:?}");
    let text = "<PaymentTermsFreeText>21 päivää netto</PaymentTermsFreeText>\n      <InvoiceDueDate Format=\"CCYYMMDD\">20261124</InvoiceDueDate>";
    let no_terms = fixture_text("finvoice30-perhetyo-lokakuu.xml")
        .replacen("ISO-8859-15", "UTF-8", 1)
        .replacen(text, "", 1)
        .replacen(
            "<EpiDateOptionDate Format=\"CCYYMMDD\">20261124</EpiDateOptionDate>",
            "",
            1,
        );
    let r = einvoice::read(no_terms.as_bytes(), "x.xml").unwrap();
    let ids: Vec<_> = r.findings.iter().map(|f| f.rule).collect();
    assert_eq!(ids, ["BR-CO-25"], "{:?}", r.findings);
}

#[test]
fn missing_terms_are_named_by_their_rules() {
    let f = broken("<InvoiceNumber>2026-1042</InvoiceNumber>", "");
    assert_eq!(rules(&f), ["BR-02"], "{f:?}");
    let f = broken("<ArticleName>Perhetyö, tunti</ArticleName>", "");
    assert_eq!(rules(&f), ["BR-25"], "{f:?}");
    assert_eq!(f[0].1, "lines[0]");
    let f = broken(
        "<UnitPriceAmount AmountCurrencyIdentifier=\"EUR\">62,00</UnitPriceAmount>",
        "",
    );
    assert_eq!(rules(&f), ["BR-26"], "{f:?}");
}

#[test]
fn a_number_that_does_not_parse_is_a_warning_at_its_line_and_the_rule_it_leaves_unmet() {
    let text = fixture_text("finvoice30-perhetyo-lokakuu.xml")
        .replacen("ISO-8859-15", "UTF-8", 1)
        .replacen(">12,5<", ">kaksitoista<", 1);
    let r = einvoice::read(text.as_bytes(), "x.xml").unwrap();
    let w = &r.warnings[0];
    assert!(w.message.contains("kaksitoista"), "{w:?}");
    assert_eq!(w.location, "/Finvoice/InvoiceRow/InvoicedQuantity");
    let line = text
        .lines()
        .position(|l| l.contains("kaksitoista"))
        .unwrap()
        + 1;
    assert_eq!(w.line, Some(line));
    assert_eq!(r.findings[0].rule, "BR-22");
}
