//! The EN 16931-1 business rules that follow from the model alone, by their ids, with the
//! tolerances of the CEN/Peppol schematron where it allows one: presence of the required terms
//! (BR-01…BR-CO-25), the document's sums (BR-CO-10…BR-CO-16), the VAT breakdown per category
//! (BR-S-08 and its siblings, BR-CO-17) and Peppol's line arithmetic (PEPPOL-EN16931-R120).
//! Code lists (currency, country, unit codes) are not checked here.

use crate::model::*;
use rust_decimal::Decimal;

/// PEPPOL-EN16931-R120 accepts a line amount within 0.02 of quantity × price.
const LINE_SLACK: Decimal = Decimal::from_parts(2, 0, 0, false, 2);
/// BR-CO-17 in the CEN schematron accepts a VAT amount within one currency unit of the rate
/// applied to the base, so that a seller's per-line rounding does not break it.
const VAT_SLACK: Decimal = Decimal::ONE;

struct Out(Vec<Finding>);

impl Out {
    fn missing(&mut self, rule: &'static str, location: impl Into<String>, what: &str) {
        self.0.push(Finding {
            rule,
            location: location.into(),
            expected: None,
            found: None,
            message: format!("{what} is missing"),
        });
    }

    fn sum(
        &mut self,
        rule: &'static str,
        location: impl Into<String>,
        what: &str,
        expected: Decimal,
        found: Decimal,
        slack: Decimal,
    ) {
        if (expected - found).abs() > slack {
            self.0.push(Finding {
                rule,
                location: location.into(),
                expected: Some(expected),
                found: Some(found),
                message: format!("{what} is {found}, the parts give {expected}"),
            });
        }
    }

    fn wrong(&mut self, rule: &'static str, location: impl Into<String>, message: String) {
        self.0.push(Finding {
            rule,
            location: location.into(),
            expected: None,
            found: None,
            message,
        });
    }
}

fn total(items: &[AllowanceCharge]) -> Decimal {
    items.iter().map(|a| a.amount).sum()
}

fn present(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|s| !s.trim().is_empty())
}

/// The rule id of a category's "taxable amount is the sum of its lines" rule (BR-S-08 etc.).
fn category_sum_rule(category: &str) -> &'static str {
    match category {
        "S" => "BR-S-08",
        "Z" => "BR-Z-08",
        "E" => "BR-E-08",
        "AE" => "BR-AE-08",
        "K" => "BR-IC-08",
        "G" => "BR-G-08",
        "O" => "BR-O-08",
        "L" => "BR-AF-08",
        "M" => "BR-AG-08",
        _ => "BR-CO-18",
    }
}

/// Categories in which no VAT is charged, and the rule that says so for a breakdown.
fn zero_tax_rule(category: &str) -> Option<&'static str> {
    match category {
        "Z" => Some("BR-Z-09"),
        "E" => Some("BR-E-09"),
        "AE" => Some("BR-AE-09"),
        "K" => Some("BR-IC-09"),
        "G" => Some("BR-G-09"),
        "O" => Some("BR-O-09"),
        _ => None,
    }
}

fn same_rate(a: Option<Decimal>, b: Option<Decimal>) -> bool {
    a.unwrap_or_default() == b.unwrap_or_default()
}

fn header(inv: &Invoice, out: &mut Out) {
    if inv.number.trim().is_empty() {
        out.missing("BR-02", "number", "The invoice number (BT-1)");
    }
    if inv.issue_date.is_none() {
        out.missing("BR-03", "issue_date", "The issue date (BT-2)");
    }
    if !present(&inv.type_code) {
        out.missing("BR-04", "type_code", "The invoice type code (BT-3)");
    }
    if !present(&inv.currency) {
        out.missing("BR-05", "currency", "The currency code (BT-5)");
    }
    if inv.seller.name.trim().is_empty() {
        out.missing("BR-06", "seller", "The seller's name (BT-27)");
    }
    if inv.buyer.name.trim().is_empty() {
        out.missing("BR-07", "buyer", "The buyer's name (BT-44)");
    }
    match &inv.seller.address {
        None => out.missing("BR-08", "seller", "The seller's postal address (BG-5)"),
        Some(a) if !present(&a.country) => {
            out.missing("BR-09", "seller", "The seller's country code (BT-40)")
        }
        Some(_) => {}
    }
    match &inv.buyer.address {
        None => out.missing("BR-10", "buyer", "The buyer's postal address (BG-8)"),
        Some(a) if !present(&a.country) => {
            out.missing("BR-11", "buyer", "The buyer's country code (BT-55)")
        }
        Some(_) => {}
    }
    if inv.lines.is_empty() {
        out.missing("BR-16", "lines", "An invoice line (BG-25)");
    }
    let payable = inv.totals.payable.unwrap_or_default();
    if payable > Decimal::ZERO && inv.due_date.is_none() && !present(&inv.payment.terms) {
        out.missing(
            "BR-CO-25",
            "due_date",
            "With an amount due, the due date (BT-9) or the payment terms (BT-20)",
        );
    }
}

fn lines(inv: &Invoice, out: &mut Out) {
    for (i, l) in inv.lines.iter().enumerate() {
        let at = format!("lines[{i}]");
        if l.id.trim().is_empty() {
            out.missing("BR-21", &at, "The line identifier (BT-126)");
        }
        if l.quantity.is_none() {
            out.missing("BR-22", &at, "The invoiced quantity (BT-129)");
        }
        if !present(&l.unit) {
            out.missing("BR-23", &at, "The unit of measure (BT-130)");
        }
        if l.net_amount.is_none() {
            out.missing("BR-24", &at, "The line net amount (BT-131)");
        }
        if !present(&l.name) {
            out.missing("BR-25", &at, "The item name (BT-153)");
        }
        match l.net_price {
            None => out.missing("BR-26", &at, "The item net price (BT-146)"),
            Some(p) if p < Decimal::ZERO => out.wrong(
                "BR-27",
                &at,
                format!("The item net price (BT-146) is negative: {p}"),
            ),
            Some(_) => {}
        }
        if l.gross_price.is_some_and(|p| p < Decimal::ZERO) {
            out.wrong(
                "BR-28",
                &at,
                "The item gross price (BT-148) is negative".into(),
            );
        }
        if !present(&l.vat_category) {
            out.missing("BR-CO-04", &at, "The line's VAT category (BT-151)");
        }
        match (l.vat_category.as_deref(), l.vat_rate) {
            (Some("S"), Some(r)) if r <= Decimal::ZERO => out.wrong(
                "BR-S-05",
                &at,
                "A standard-rated line has a VAT rate above zero".into(),
            ),
            (Some(c), Some(r)) if zero_tax_rule(c).is_some() && !r.is_zero() && c != "O" => out
                .wrong(
                    match c {
                        "E" => "BR-E-05",
                        "Z" => "BR-Z-05",
                        "AE" => "BR-AE-05",
                        "K" => "BR-IC-05",
                        _ => "BR-G-05",
                    },
                    &at,
                    format!("A line in VAT category {c} has the rate 0, not {r}"),
                ),
            _ => {}
        }
        if l.price_base_quantity.is_some_and(|q| q <= Decimal::ZERO) {
            out.wrong(
                "PEPPOL-EN16931-R121",
                &at,
                "The price base quantity (BT-149) is above zero".into(),
            );
        }
        if let (Some(q), Some(p), Some(net)) = (l.quantity, l.net_price, l.net_amount) {
            let base = l
                .price_base_quantity
                .filter(|b| *b > Decimal::ZERO)
                .unwrap_or(Decimal::ONE);
            let expected = (q * p / base + total(&l.charges) - total(&l.allowances)).round_dp(2);
            out.sum(
                "PEPPOL-EN16931-R120",
                &at,
                "The line net amount (BT-131)",
                expected,
                net,
                LINE_SLACK,
            );
        }
    }
}

fn totals(inv: &Invoice, out: &mut Out) {
    let t = &inv.totals;
    let lines: Decimal = inv.lines.iter().filter_map(|l| l.net_amount).sum();
    let allowances = total(&inv.allowances);
    let charges = total(&inv.charges);
    match t.line_total {
        None => out.missing("BR-12", "totals", "The sum of line net amounts (BT-106)"),
        Some(found) => out.sum(
            "BR-CO-10",
            "totals",
            "The sum of line net amounts (BT-106)",
            lines,
            found,
            Decimal::ZERO,
        ),
    }
    if let Some(found) = t.allowance_total {
        out.sum(
            "BR-CO-11",
            "totals",
            "The sum of allowances (BT-107)",
            allowances,
            found,
            Decimal::ZERO,
        );
    }
    if let Some(found) = t.charge_total {
        out.sum(
            "BR-CO-12",
            "totals",
            "The sum of charges (BT-108)",
            charges,
            found,
            Decimal::ZERO,
        );
    }
    let line_total = t.line_total.unwrap_or(lines);
    let exclusive = match t.tax_exclusive {
        None => {
            out.missing("BR-13", "totals", "The total without VAT (BT-109)");
            line_total - t.allowance_total.unwrap_or(allowances) + t.charge_total.unwrap_or(charges)
        }
        Some(found) => {
            out.sum(
                "BR-CO-13",
                "totals",
                "The total without VAT (BT-109)",
                line_total - t.allowance_total.unwrap_or(allowances)
                    + t.charge_total.unwrap_or(charges),
                found,
                Decimal::ZERO,
            );
            found
        }
    };
    let breakdown_tax: Decimal = inv.vat_breakdown.iter().filter_map(|v| v.tax).sum();
    if let Some(found) = t.vat_total {
        out.sum(
            "BR-CO-14",
            "totals",
            "The total VAT (BT-110)",
            breakdown_tax,
            found,
            Decimal::ZERO,
        );
    }
    let vat = t.vat_total.unwrap_or(breakdown_tax);
    let inclusive = match t.tax_inclusive {
        None => {
            out.missing("BR-14", "totals", "The total with VAT (BT-112)");
            exclusive + vat
        }
        Some(found) => {
            out.sum(
                "BR-CO-15",
                "totals",
                "The total with VAT (BT-112)",
                exclusive + vat,
                found,
                Decimal::ZERO,
            );
            found
        }
    };
    match t.payable {
        None => out.missing("BR-15", "totals", "The amount due (BT-115)"),
        Some(found) => out.sum(
            "BR-CO-16",
            "totals",
            "The amount due (BT-115)",
            inclusive - t.prepaid.unwrap_or_default() + t.rounding.unwrap_or_default(),
            found,
            Decimal::ZERO,
        ),
    }
}

fn breakdown(inv: &Invoice, out: &mut Out) {
    if inv.vat_breakdown.is_empty() {
        out.missing("BR-CO-18", "vat_breakdown", "A VAT breakdown (BG-23)");
        return;
    }
    for (i, v) in inv.vat_breakdown.iter().enumerate() {
        let at = format!("vat_breakdown[{i}]");
        let Some(category) = v.category.as_deref() else {
            out.missing("BR-47", &at, "The VAT category (BT-118)");
            continue;
        };
        let Some(taxable) = v.taxable else {
            out.missing("BR-45", &at, "The taxable amount (BT-116)");
            continue;
        };
        let Some(tax) = v.tax else {
            out.missing("BR-46", &at, "The VAT amount (BT-117)");
            continue;
        };
        if v.rate.is_none() && category != "O" {
            out.missing("BR-48", &at, "The VAT rate (BT-119)");
        }
        let in_category = |c: &Option<String>, r: Option<Decimal>| {
            c.as_deref() == Some(category) && same_rate(r, v.rate)
        };
        let expected: Decimal = inv
            .lines
            .iter()
            .filter(|l| in_category(&l.vat_category, l.vat_rate))
            .filter_map(|l| l.net_amount)
            .sum::<Decimal>()
            + inv
                .charges
                .iter()
                .filter(|c| in_category(&c.vat_category, c.vat_rate))
                .map(|c| c.amount)
                .sum::<Decimal>()
            - inv
                .allowances
                .iter()
                .filter(|a| in_category(&a.vat_category, a.vat_rate))
                .map(|a| a.amount)
                .sum::<Decimal>();
        out.sum(
            category_sum_rule(category),
            &at,
            &format!("The taxable amount of VAT category {category} (BT-116)"),
            expected,
            taxable,
            Decimal::ZERO,
        );
        match zero_tax_rule(category) {
            Some(rule) => out.sum(
                rule,
                &at,
                &format!("The VAT amount of category {category} (BT-117)"),
                Decimal::ZERO,
                tax,
                Decimal::ZERO,
            ),
            None => {
                if let Some(rate) = v.rate {
                    out.sum(
                        "BR-CO-17",
                        &at,
                        "The VAT amount (BT-117)",
                        (taxable * rate / Decimal::ONE_HUNDRED).round_dp(2),
                        tax,
                        VAT_SLACK,
                    );
                }
            }
        }
        if category == "E" && !present(&v.exemption_reason) && !present(&v.exemption_code) {
            out.missing(
                "BR-E-10",
                &at,
                "For an exempt category, the exemption reason (BT-120) or its code (BT-121)",
            );
        }
    }
}

/// Every rule the document breaks, in the order of the standard's sections.
pub fn check(inv: &Invoice) -> Vec<Finding> {
    let mut out = Out(Vec::new());
    header(inv, &mut out);
    lines(inv, &mut out);
    totals(inv, &mut out);
    breakdown(inv, &mut out);
    out.0
}
