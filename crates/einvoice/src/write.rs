//! Writes the model as Finvoice 3.0 or as UBL 2.1 (Peppol BIS Billing 3.0), for what Kumppani
//! sends itself. Elements come in the order the schemas' sequences require; amounts are written
//! as the model holds them, so a credit note's sign is the caller's choice (UBL credits positive
//! amounts, Finvoice usually states them negative).

use crate::model::*;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Peppol BIS Billing 3.0's customisation (BT-24) and profile (BT-23).
pub const PEPPOL_CUSTOMIZATION: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
pub const PEPPOL_PROFILE: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/// A small XML writer: indentation, escaping, and nothing written for an absent value.
struct Xml {
    out: String,
    depth: usize,
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

impl Xml {
    fn new() -> Xml {
        Xml {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            depth: 0,
        }
    }

    fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            escape(v, &mut self.out);
            self.out.push('"');
        }
    }

    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start(name, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.start(name, attrs);
        self.out.push('>');
        escape(text, &mut self.out);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn opt(&mut self, name: &str, attrs: &[(&str, &str)], text: Option<&str>) {
        if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
            self.leaf(name, attrs, t);
        }
    }
}

// --- Finvoice 3.0 -----------------------------------------------------------------------------

/// Finvoice's decimal form: a comma, at least `min` and at most `max` decimals.
fn fi_decimal(d: Decimal, min: u32, max: u32) -> String {
    let mut d = d.round_dp(max).normalize();
    if d.scale() < min {
        d.rescale(min);
    }
    d.to_string().replace('.', ",")
}

fn fi_amount(d: Decimal) -> String {
    fi_decimal(d, 2, 2)
}

fn fi_date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

const CCYYMMDD: (&str, &str) = ("Format", "CCYYMMDD");

fn fi_party(x: &mut Xml, p: &Party, who: &str) {
    x.open(&format!("{who}PartyDetails"), &[]);
    let id = p
        .business_id
        .as_deref()
        .or(p.legal_id.as_ref().map(|l| l.value.as_str()));
    match p.legal_id.as_ref().and_then(|l| l.scheme.as_deref()) {
        Some(scheme) => x.opt(
            &format!("{who}PartyIdentifier"),
            &[("SchemeID", scheme)],
            id,
        ),
        None => x.opt(&format!("{who}PartyIdentifier"), &[], id),
    }
    x.leaf(&format!("{who}OrganisationName"), &[], &p.name);
    x.opt(
        &format!("{who}OrganisationTaxCode"),
        &[],
        p.vat_id.as_deref(),
    );
    if let Some(a) = &p.address {
        x.open(&format!("{who}PostalAddressDetails"), &[]);
        let street = if a.lines.is_empty() {
            vec![String::new()]
        } else {
            a.lines.clone()
        };
        for l in &street {
            x.leaf(&format!("{who}StreetName"), &[], l);
        }
        x.leaf(
            &format!("{who}TownName"),
            &[],
            a.city.as_deref().unwrap_or(""),
        );
        x.leaf(
            &format!("{who}PostCodeIdentifier"),
            &[],
            a.postal_code.as_deref().unwrap_or(""),
        );
        x.opt("CountryCode", &[], a.country.as_deref());
        x.close(&format!("{who}PostalAddressDetails"));
    }
    x.close(&format!("{who}PartyDetails"));
    x.opt(
        &format!("{who}OrganisationUnitNumber"),
        &[],
        p.electronic_address.as_ref().map(|e| e.value.as_str()),
    );
    let contact = p.contact.clone().unwrap_or_default();
    x.opt(
        &format!("{who}ContactPersonName"),
        &[],
        contact.name.as_deref(),
    );
    if contact.phone.is_some() || contact.email.is_some() {
        x.open(&format!("{who}CommunicationDetails"), &[]);
        x.opt(
            &format!("{who}PhoneNumberIdentifier"),
            &[],
            contact.phone.as_deref(),
        );
        x.opt(
            &format!("{who}EmailaddressIdentifier"),
            &[],
            contact.email.as_deref(),
        );
        x.close(&format!("{who}CommunicationDetails"));
    }
}

fn fi_allowance_charge(x: &mut Xml, name: &str, text_name: &str, a: &AllowanceCharge, cur: &str) {
    x.open(name, &[]);
    x.opt(text_name, &[], a.reason.as_deref());
    x.opt("ReasonCode", &[], a.reason_code.as_deref());
    if let Some(p) = a.percentage {
        x.leaf("Percent", &[], &fi_decimal(p, 0, 3));
    }
    x.leaf(
        "Amount",
        &[("AmountCurrencyIdentifier", cur)],
        &fi_amount(a.amount),
    );
    if let Some(b) = a.base_amount {
        x.leaf(
            "BaseAmount",
            &[("AmountCurrencyIdentifier", cur)],
            &fi_amount(b),
        );
    }
    x.opt("VatCategoryCode", &[], a.vat_category.as_deref());
    if let Some(r) = a.vat_rate {
        x.leaf("VatRatePercent", &[], &fi_decimal(r, 0, 3));
    }
    x.close(name);
}

/// A Finnish creditor reference (digits) or an RF reference, as Finvoice's pattern allows.
fn reference_scheme(r: &str) -> Option<&'static str> {
    if r.len() >= 2 && r.len() <= 20 && r.bytes().all(|b| b.is_ascii_digit()) {
        Some("SPY")
    } else if r.starts_with("RF")
        && r.len() <= 25
        && r[2..].bytes().all(|b| b.is_ascii_alphanumeric())
    {
        Some("ISO")
    } else {
        None
    }
}

/// The document as Finvoice 3.0.
pub fn finvoice(inv: &Invoice) -> String {
    let cur = inv.currency.as_deref().unwrap_or("EUR");
    let amt = [("AmountCurrencyIdentifier", cur)];
    let mut x = Xml::new();
    x.open("Finvoice", &[("Version", "3.0")]);
    fi_party(&mut x, &inv.seller, "Seller");
    // Finvoice requires the BIC beside the account here; without it the account goes only in
    // the payment details (EpiDetails).
    if let (Some(account), Some(bic)) = (&inv.payment.account, &inv.payment.bank) {
        x.open("SellerInformationDetails", &[]);
        x.open("SellerAccountDetails", &[]);
        x.leaf(
            "SellerAccountID",
            &[("IdentificationSchemeName", "IBAN")],
            account,
        );
        x.leaf("SellerBic", &[("IdentificationSchemeName", "BIC")], bic);
        x.close("SellerAccountDetails");
        x.close("SellerInformationDetails");
    }
    fi_party(&mut x, &inv.buyer, "Buyer");

    x.open("InvoiceDetails", &[]);
    let credit = inv.kind == DocumentKind::CreditNote;
    x.leaf(
        "InvoiceTypeCode",
        &[],
        if credit { "INV02" } else { "INV01" },
    );
    x.opt("InvoiceTypeCodeUN", &[], inv.type_code.as_deref());
    x.leaf(
        "InvoiceTypeText",
        &[],
        if credit { "HYVITYSLASKU" } else { "LASKU" },
    );
    x.leaf("OriginCode", &[], "Original");
    x.leaf("InvoiceNumber", &[], &inv.number);
    if let Some(d) = inv.issue_date {
        x.leaf("InvoiceDate", &[CCYYMMDD], &fi_date(d));
    }
    for p in &inv.preceding_invoices {
        x.open("OriginalInvoiceReference", &[]);
        x.leaf("InvoiceNumber", &[], &p.number);
        if let Some(d) = p.date {
            x.leaf("InvoiceDate", &[CCYYMMDD], &fi_date(d));
        }
        x.close("OriginalInvoiceReference");
    }
    if let Some(p) = &inv.period {
        if let Some(d) = p.start {
            x.leaf("InvoicingPeriodStartDate", &[CCYYMMDD], &fi_date(d));
        }
        if let Some(d) = p.end {
            x.leaf("InvoicingPeriodEndDate", &[CCYYMMDD], &fi_date(d));
        }
    }
    x.opt("OrderIdentifier", &[], inv.order_reference.as_deref());
    x.opt(
        "AgreementIdentifier",
        &[],
        inv.contract_reference.as_deref(),
    );
    x.opt(
        "BuyerReferenceIdentifier",
        &[],
        inv.buyer_reference.as_deref(),
    );
    let t = &inv.totals;
    let amounts = [
        ("RowsTotalVatExcludedAmount", t.line_total),
        ("DiscountsTotalVatExcludedAmount", t.allowance_total),
        ("ChargesTotalVatExcludedAmount", t.charge_total),
        ("InvoiceTotalVatExcludedAmount", t.tax_exclusive),
        ("InvoiceTotalVatAmount", t.vat_total),
        (
            "InvoiceTotalVatIncludedAmount",
            Some(t.tax_inclusive.unwrap_or_default()),
        ),
        ("InvoiceTotalRoundoffAmount", t.rounding),
        ("InvoicePaidAmount", t.prepaid),
    ];
    for (name, value) in amounts {
        if let Some(v) = value {
            x.leaf(name, &amt, &fi_amount(v));
        }
    }
    for v in &inv.vat_breakdown {
        x.open("VatSpecificationDetails", &[]);
        if let Some(b) = v.taxable {
            x.leaf("VatBaseAmount", &amt, &fi_amount(b));
        }
        if let Some(r) = v.rate {
            x.leaf("VatRatePercent", &[], &fi_decimal(r, 0, 3));
        }
        x.opt("VatCode", &[], v.category.as_deref());
        if let Some(a) = v.tax {
            x.leaf("VatRateAmount", &amt, &fi_amount(a));
        }
        x.opt("VatFreeText", &[], v.exemption_reason.as_deref());
        x.opt("VatExemptionReasonCode", &[], v.exemption_code.as_deref());
        x.close("VatSpecificationDetails");
    }
    for n in &inv.notes {
        x.leaf("InvoiceFreeText", &[], n);
    }
    if inv.payment.terms.is_some() || inv.due_date.is_some() {
        x.open("PaymentTermsDetails", &[]);
        x.opt("PaymentTermsFreeText", &[], inv.payment.terms.as_deref());
        if let Some(d) = inv.due_date {
            x.leaf("InvoiceDueDate", &[CCYYMMDD], &fi_date(d));
        }
        x.close("PaymentTermsDetails");
    }
    for a in &inv.allowances {
        fi_allowance_charge(&mut x, "DiscountDetails", "FreeText", a, cur);
    }
    for c in &inv.charges {
        fi_allowance_charge(&mut x, "ChargeDetails", "ReasonText", c, cur);
    }
    x.close("InvoiceDetails");

    for l in &inv.lines {
        x.open("InvoiceRow", &[]);
        x.opt("ArticleIdentifier", &[], l.seller_item_id.as_deref());
        x.opt("ArticleName", &[], l.name.as_deref());
        x.opt("ArticleDescription", &[], l.description.as_deref());
        if let Some(q) = l.quantity {
            let unit = l.unit.as_deref().unwrap_or("C62");
            x.leaf(
                "InvoicedQuantity",
                &[("QuantityUnitCode", unit), ("QuantityUnitCodeUN", unit)],
                &fi_decimal(q, 0, 6),
            );
        }
        if let Some(p) = &l.period {
            if let Some(d) = p.start {
                x.leaf("StartDate", &[CCYYMMDD], &fi_date(d));
            }
            if let Some(d) = p.end {
                x.leaf("EndDate", &[CCYYMMDD], &fi_date(d));
            }
        }
        let price_attrs = [("AmountCurrencyIdentifier", cur)];
        match (l.gross_price, l.net_price) {
            (Some(g), Some(n)) => {
                x.leaf("UnitPriceAmount", &price_attrs, &fi_decimal(g, 2, 5));
                x.leaf("UnitPriceNetAmount", &price_attrs, &fi_decimal(n, 2, 5));
            }
            (None, Some(n)) => x.leaf("UnitPriceAmount", &price_attrs, &fi_decimal(n, 2, 5)),
            _ => {}
        }
        if let Some(b) = l.price_base_quantity {
            x.leaf("UnitPriceBaseQuantity", &[], &fi_decimal(b, 0, 6));
        }
        x.opt("RowIdentifier", &[], l.order_reference.as_deref());
        x.opt(
            "RowOrderPositionIdentifier",
            &[],
            l.order_line_reference.as_deref(),
        );
        x.leaf("RowPositionIdentifier", &[], &l.id);
        x.opt(
            "RowAgreementIdentifier",
            &[],
            l.contract_reference.as_deref(),
        );
        x.opt(
            "RowBuyerReferenceIdentifier",
            &[],
            l.buyer_reference.as_deref(),
        );
        x.opt(
            "RowAccountDimensionText",
            &[],
            l.accounting_reference.as_deref(),
        );
        x.opt("RowFreeText", &[], l.note.as_deref());
        // Finvoice has one row discount; further allowances are summed into it.
        if !l.allowances.is_empty() {
            let total: Decimal = l.allowances.iter().map(|a| a.amount).sum();
            let first = &l.allowances[0];
            if let (Some(p), 1) = (first.percentage, l.allowances.len()) {
                x.leaf("RowDiscountPercent", &[], &fi_decimal(p, 0, 3));
            }
            x.leaf("RowDiscountAmount", &amt, &fi_amount(total));
            x.opt("RowDiscountTypeCode", &[], first.reason_code.as_deref());
            x.opt("RowDiscountTypeText", &[], first.reason.as_deref());
        }
        for c in &l.charges {
            x.open("RowChargeDetails", &[]);
            x.opt("ReasonText", &[], c.reason.as_deref());
            x.opt("ReasonCode", &[], c.reason_code.as_deref());
            if let Some(p) = c.percentage {
                x.leaf("Percent", &[], &fi_decimal(p, 0, 3));
            }
            x.leaf("Amount", &amt, &fi_amount(c.amount));
            if let Some(b) = c.base_amount {
                x.leaf("BaseAmount", &amt, &fi_amount(b));
            }
            x.close("RowChargeDetails");
        }
        let rate = l.vat_rate.unwrap_or_default();
        x.leaf("RowVatRatePercent", &[], &fi_decimal(rate, 0, 3));
        x.opt("RowVatCode", &[], l.vat_category.as_deref());
        let net = l.net_amount.unwrap_or_default();
        let vat = l
            .vat_amount
            .unwrap_or_else(|| (net * rate / Decimal::ONE_HUNDRED).round_dp(2));
        x.leaf("RowVatAmount", &amt, &fi_amount(vat));
        x.leaf("RowVatExcludedAmount", &amt, &fi_amount(net));
        x.leaf("RowAmount", &amt, &fi_amount(net + vat));
        x.close("InvoiceRow");
    }

    x.open("EpiDetails", &[]);
    x.open("EpiIdentificationDetails", &[]);
    let epi_date = inv.issue_date.unwrap_or_default();
    x.leaf("EpiDate", &[CCYYMMDD], &fi_date(epi_date));
    let epi_ref: String = inv
        .number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(35)
        .collect();
    x.leaf("EpiReference", &[], &epi_ref);
    x.close("EpiIdentificationDetails");
    x.open("EpiPartyDetails", &[]);
    x.open("EpiBfiPartyDetails", &[]);
    x.opt(
        "EpiBfiIdentifier",
        &[("IdentificationSchemeName", "BIC")],
        inv.payment.bank.as_deref(),
    );
    x.close("EpiBfiPartyDetails");
    x.open("EpiBeneficiaryPartyDetails", &[]);
    let beneficiary: String = inv.seller.name.chars().take(35).collect();
    x.opt("EpiNameAddressDetails", &[], Some(beneficiary.trim()));
    x.leaf(
        "EpiAccountID",
        &[("IdentificationSchemeName", "IBAN")],
        inv.payment.account.as_deref().unwrap_or(""),
    );
    x.close("EpiBeneficiaryPartyDetails");
    x.close("EpiPartyDetails");
    x.open("EpiPaymentInstructionDetails", &[]);
    if let Some(r) = inv.payment.reference.as_deref() {
        if let Some(scheme) = reference_scheme(r) {
            x.leaf(
                "EpiRemittanceInfoIdentifier",
                &[("IdentificationSchemeName", scheme)],
                r,
            );
        }
    }
    // The payment order carries no sign: a credit note's amount due is written as its size.
    let payable = t.payable.unwrap_or_default().abs();
    x.leaf("EpiInstructedAmount", &amt, &fi_amount(payable));
    x.leaf("EpiCharge", &[("ChargeOption", "SHA")], "SHA");
    let due = inv.due_date.or(inv.issue_date).unwrap_or_default();
    x.leaf("EpiDateOptionDate", &[CCYYMMDD], &fi_date(due));
    x.opt(
        "EpiPaymentMeansCode",
        &[],
        inv.payment.means_code.as_deref(),
    );
    x.close("EpiPaymentInstructionDetails");
    x.close("EpiDetails");
    x.close("Finvoice");
    x.out
}

// --- UBL 2.1 ----------------------------------------------------------------------------------

fn ubl_amount(d: Decimal) -> String {
    let mut d = d.round_dp(2);
    d.rescale(2);
    d.to_string()
}

fn ubl_decimal(d: Decimal) -> String {
    d.normalize().to_string()
}

fn ubl_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn ubl_party(x: &mut Xml, p: &Party, role: &str) {
    x.open(&format!("cac:{role}"), &[]);
    x.open("cac:Party", &[]);
    if let Some(e) = &p.electronic_address {
        let scheme = e.scheme.as_deref().unwrap_or("0216");
        x.leaf("cbc:EndpointID", &[("schemeID", scheme)], &e.value);
    }
    if let Some(id) = &p.business_id {
        x.open("cac:PartyIdentification", &[]);
        x.leaf("cbc:ID", &[("schemeID", "0212")], id);
        x.close("cac:PartyIdentification");
    }
    x.open("cac:PartyName", &[]);
    x.leaf("cbc:Name", &[], &p.name);
    x.close("cac:PartyName");
    if let Some(a) = &p.address {
        x.open("cac:PostalAddress", &[]);
        x.opt("cbc:StreetName", &[], a.lines.first().map(String::as_str));
        x.opt(
            "cbc:AdditionalStreetName",
            &[],
            a.lines.get(1).map(String::as_str),
        );
        x.opt("cbc:CityName", &[], a.city.as_deref());
        x.opt("cbc:PostalZone", &[], a.postal_code.as_deref());
        x.open("cac:Country", &[]);
        x.leaf(
            "cbc:IdentificationCode",
            &[],
            a.country.as_deref().unwrap_or("FI"),
        );
        x.close("cac:Country");
        x.close("cac:PostalAddress");
    }
    if let Some(vat) = &p.vat_id {
        x.open("cac:PartyTaxScheme", &[]);
        x.leaf("cbc:CompanyID", &[], vat);
        x.open("cac:TaxScheme", &[]);
        x.leaf("cbc:ID", &[], "VAT");
        x.close("cac:TaxScheme");
        x.close("cac:PartyTaxScheme");
    }
    x.open("cac:PartyLegalEntity", &[]);
    x.leaf("cbc:RegistrationName", &[], &p.name);
    if let Some(id) = &p.business_id {
        x.leaf("cbc:CompanyID", &[("schemeID", "0212")], id);
    }
    x.close("cac:PartyLegalEntity");
    if let Some(c) = &p.contact {
        x.open("cac:Contact", &[]);
        x.opt("cbc:Name", &[], c.name.as_deref());
        x.opt("cbc:Telephone", &[], c.phone.as_deref());
        x.opt("cbc:ElectronicMail", &[], c.email.as_deref());
        x.close("cac:Contact");
    }
    x.close("cac:Party");
    x.close(&format!("cac:{role}"));
}

fn ubl_period(x: &mut Xml, p: &Period) {
    x.open("cac:InvoicePeriod", &[]);
    if let Some(d) = p.start {
        x.leaf("cbc:StartDate", &[], &ubl_date(d));
    }
    if let Some(d) = p.end {
        x.leaf("cbc:EndDate", &[], &ubl_date(d));
    }
    x.close("cac:InvoicePeriod");
}

fn ubl_tax_category(x: &mut Xml, name: &str, category: Option<&str>, rate: Option<Decimal>) {
    x.open(name, &[]);
    x.leaf("cbc:ID", &[], category.unwrap_or("S"));
    if let Some(r) = rate {
        x.leaf("cbc:Percent", &[], &ubl_decimal(r));
    }
    x.open("cac:TaxScheme", &[]);
    x.leaf("cbc:ID", &[], "VAT");
    x.close("cac:TaxScheme");
    x.close(name);
}

fn ubl_allowance_charge(
    x: &mut Xml,
    a: &AllowanceCharge,
    charge: bool,
    cur: &str,
    doc_level: bool,
) {
    let amt = [("currencyID", cur)];
    x.open("cac:AllowanceCharge", &[]);
    x.leaf(
        "cbc:ChargeIndicator",
        &[],
        if charge { "true" } else { "false" },
    );
    x.opt(
        "cbc:AllowanceChargeReasonCode",
        &[],
        a.reason_code.as_deref(),
    );
    x.opt("cbc:AllowanceChargeReason", &[], a.reason.as_deref());
    if let Some(p) = a.percentage {
        x.leaf("cbc:MultiplierFactorNumeric", &[], &ubl_decimal(p));
    }
    x.leaf("cbc:Amount", &amt, &ubl_amount(a.amount));
    if let Some(b) = a.base_amount {
        x.leaf("cbc:BaseAmount", &amt, &ubl_amount(b));
    }
    if doc_level {
        ubl_tax_category(x, "cac:TaxCategory", a.vat_category.as_deref(), a.vat_rate);
    }
    x.close("cac:AllowanceCharge");
}

/// The document as UBL 2.1 under Peppol BIS Billing 3.0: an `Invoice`, or a `CreditNote` for a
/// credit note.
pub fn ubl(inv: &Invoice) -> String {
    let credit = inv.kind == DocumentKind::CreditNote;
    let (root, ns) = if credit {
        ("CreditNote", crate::ubl::CREDIT_NOTE_NS)
    } else {
        ("Invoice", crate::ubl::INVOICE_NS)
    };
    let cur = inv.currency.as_deref().unwrap_or("EUR");
    let amt = [("currencyID", cur)];
    let mut x = Xml::new();
    x.open(
        root,
        &[
            ("xmlns", ns),
            (
                "xmlns:cac",
                "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
            ),
            (
                "xmlns:cbc",
                "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
            ),
        ],
    );
    x.leaf("cbc:CustomizationID", &[], PEPPOL_CUSTOMIZATION);
    x.leaf("cbc:ProfileID", &[], PEPPOL_PROFILE);
    x.leaf("cbc:ID", &[], &inv.number);
    if let Some(d) = inv.issue_date {
        x.leaf("cbc:IssueDate", &[], &ubl_date(d));
    }
    if !credit {
        if let Some(d) = inv.due_date {
            x.leaf("cbc:DueDate", &[], &ubl_date(d));
        }
    }
    let default_type = if credit { "381" } else { "380" };
    x.leaf(
        if credit {
            "cbc:CreditNoteTypeCode"
        } else {
            "cbc:InvoiceTypeCode"
        },
        &[],
        inv.type_code.as_deref().unwrap_or(default_type),
    );
    for n in &inv.notes {
        x.leaf("cbc:Note", &[], n);
    }
    x.leaf("cbc:DocumentCurrencyCode", &[], cur);
    x.opt("cbc:BuyerReference", &[], inv.buyer_reference.as_deref());
    if let Some(p) = &inv.period {
        ubl_period(&mut x, p);
    }
    if let Some(o) = &inv.order_reference {
        x.open("cac:OrderReference", &[]);
        x.leaf("cbc:ID", &[], o);
        x.close("cac:OrderReference");
    }
    for p in &inv.preceding_invoices {
        x.open("cac:BillingReference", &[]);
        x.open("cac:InvoiceDocumentReference", &[]);
        x.leaf("cbc:ID", &[], &p.number);
        if let Some(d) = p.date {
            x.leaf("cbc:IssueDate", &[], &ubl_date(d));
        }
        x.close("cac:InvoiceDocumentReference");
        x.close("cac:BillingReference");
    }
    if let Some(c) = &inv.contract_reference {
        x.open("cac:ContractDocumentReference", &[]);
        x.leaf("cbc:ID", &[], c);
        x.close("cac:ContractDocumentReference");
    }
    ubl_party(&mut x, &inv.seller, "AccountingSupplierParty");
    ubl_party(&mut x, &inv.buyer, "AccountingCustomerParty");
    let p = &inv.payment;
    if p.account.is_some() || p.reference.is_some() || p.means_code.is_some() {
        x.open("cac:PaymentMeans", &[]);
        x.leaf(
            "cbc:PaymentMeansCode",
            &[],
            p.means_code.as_deref().unwrap_or("58"),
        );
        if credit {
            if let Some(d) = inv.due_date {
                x.leaf("cbc:PaymentDueDate", &[], &ubl_date(d));
            }
        }
        x.opt("cbc:PaymentID", &[], p.reference.as_deref());
        if let Some(acc) = &p.account {
            x.open("cac:PayeeFinancialAccount", &[]);
            x.leaf("cbc:ID", &[], acc);
            if let Some(bic) = &p.bank {
                x.open("cac:FinancialInstitutionBranch", &[]);
                x.leaf("cbc:ID", &[], bic);
                x.close("cac:FinancialInstitutionBranch");
            }
            x.close("cac:PayeeFinancialAccount");
        }
        x.close("cac:PaymentMeans");
    }
    if let Some(terms) = &p.terms {
        x.open("cac:PaymentTerms", &[]);
        x.leaf("cbc:Note", &[], terms);
        x.close("cac:PaymentTerms");
    }
    for a in &inv.allowances {
        ubl_allowance_charge(&mut x, a, false, cur, true);
    }
    for c in &inv.charges {
        ubl_allowance_charge(&mut x, c, true, cur, true);
    }
    let t = &inv.totals;
    x.open("cac:TaxTotal", &[]);
    x.leaf(
        "cbc:TaxAmount",
        &amt,
        &ubl_amount(t.vat_total.unwrap_or_default()),
    );
    for v in &inv.vat_breakdown {
        x.open("cac:TaxSubtotal", &[]);
        x.leaf(
            "cbc:TaxableAmount",
            &amt,
            &ubl_amount(v.taxable.unwrap_or_default()),
        );
        x.leaf(
            "cbc:TaxAmount",
            &amt,
            &ubl_amount(v.tax.unwrap_or_default()),
        );
        x.open("cac:TaxCategory", &[]);
        x.leaf("cbc:ID", &[], v.category.as_deref().unwrap_or("S"));
        if let Some(r) = v.rate {
            x.leaf("cbc:Percent", &[], &ubl_decimal(r));
        }
        x.opt(
            "cbc:TaxExemptionReasonCode",
            &[],
            v.exemption_code.as_deref(),
        );
        x.opt("cbc:TaxExemptionReason", &[], v.exemption_reason.as_deref());
        x.open("cac:TaxScheme", &[]);
        x.leaf("cbc:ID", &[], "VAT");
        x.close("cac:TaxScheme");
        x.close("cac:TaxCategory");
        x.close("cac:TaxSubtotal");
    }
    x.close("cac:TaxTotal");
    x.open("cac:LegalMonetaryTotal", &[]);
    let totals = [
        (
            "cbc:LineExtensionAmount",
            Some(t.line_total.unwrap_or_default()),
        ),
        (
            "cbc:TaxExclusiveAmount",
            Some(t.tax_exclusive.unwrap_or_default()),
        ),
        (
            "cbc:TaxInclusiveAmount",
            Some(t.tax_inclusive.unwrap_or_default()),
        ),
        ("cbc:AllowanceTotalAmount", t.allowance_total),
        ("cbc:ChargeTotalAmount", t.charge_total),
        ("cbc:PrepaidAmount", t.prepaid),
        ("cbc:PayableRoundingAmount", t.rounding),
        ("cbc:PayableAmount", Some(t.payable.unwrap_or_default())),
    ];
    for (name, value) in totals {
        if let Some(v) = value {
            x.leaf(name, &amt, &ubl_amount(v));
        }
    }
    x.close("cac:LegalMonetaryTotal");
    let (line_el, qty_el) = if credit {
        ("cac:CreditNoteLine", "cbc:CreditedQuantity")
    } else {
        ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    };
    for l in &inv.lines {
        x.open(line_el, &[]);
        x.leaf("cbc:ID", &[], &l.id);
        x.opt("cbc:Note", &[], l.note.as_deref());
        x.leaf(
            qty_el,
            &[("unitCode", l.unit.as_deref().unwrap_or("C62"))],
            &ubl_decimal(l.quantity.unwrap_or_default()),
        );
        x.leaf(
            "cbc:LineExtensionAmount",
            &amt,
            &ubl_amount(l.net_amount.unwrap_or_default()),
        );
        x.opt("cbc:AccountingCost", &[], l.accounting_reference.as_deref());
        if let Some(p) = &l.period {
            ubl_period(&mut x, p);
        }
        if l.order_line_reference.is_some() || l.order_reference.is_some() {
            x.open("cac:OrderLineReference", &[]);
            x.leaf(
                "cbc:LineID",
                &[],
                l.order_line_reference.as_deref().unwrap_or("NA"),
            );
            if let Some(o) = &l.order_reference {
                x.open("cac:OrderReference", &[]);
                x.leaf("cbc:ID", &[], o);
                x.close("cac:OrderReference");
            }
            x.close("cac:OrderLineReference");
        }
        if let Some(o) = &l.object_id {
            x.open("cac:DocumentReference", &[]);
            x.leaf("cbc:ID", &[], o);
            x.leaf("cbc:DocumentTypeCode", &[], "130");
            x.close("cac:DocumentReference");
        }
        for a in &l.allowances {
            ubl_allowance_charge(&mut x, a, false, cur, false);
        }
        for c in &l.charges {
            ubl_allowance_charge(&mut x, c, true, cur, false);
        }
        x.open("cac:Item", &[]);
        x.opt("cbc:Description", &[], l.description.as_deref());
        x.leaf("cbc:Name", &[], l.name.as_deref().unwrap_or(""));
        if let Some(id) = &l.seller_item_id {
            x.open("cac:SellersItemIdentification", &[]);
            x.leaf("cbc:ID", &[], id);
            x.close("cac:SellersItemIdentification");
        }
        ubl_tax_category(
            &mut x,
            "cac:ClassifiedTaxCategory",
            l.vat_category.as_deref(),
            l.vat_rate,
        );
        x.close("cac:Item");
        x.open("cac:Price", &[]);
        x.leaf(
            "cbc:PriceAmount",
            &amt,
            &ubl_decimal(l.net_price.unwrap_or_default()),
        );
        if let Some(b) = l.price_base_quantity {
            x.leaf("cbc:BaseQuantity", &[], &ubl_decimal(b));
        }
        if let (Some(g), Some(n)) = (l.gross_price, l.net_price) {
            x.open("cac:AllowanceCharge", &[]);
            x.leaf("cbc:ChargeIndicator", &[], "false");
            x.leaf("cbc:Amount", &amt, &ubl_decimal(g - n));
            x.leaf("cbc:BaseAmount", &amt, &ubl_decimal(g));
            x.close("cac:AllowanceCharge");
        }
        x.close("cac:Price");
        x.close(line_el);
    }
    x.close(root);
    x.out
}
