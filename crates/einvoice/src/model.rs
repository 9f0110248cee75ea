//! One model for every syntax: the semantic model of EN 16931-1, with the business term (BT) and
//! group (BG) numbers in the comments, so that a Finvoice row and a UBL `InvoiceLine` become the
//! same [`Line`].
//!
//! Amounts keep the sign the document gives them. A UBL `CreditNote` states positive amounts that
//! are credited; a Finvoice credit note (`INV02`) usually states them negative. [`Invoice::sign`]
//! says which way a document's amounts count.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// The version of the JSON shape (`docs/invoice-json.md`).
pub const SCHEMA: &str = "kumppani-invoice/1";

/// The syntax a document was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Syntax {
    /// Finvoice, with the version its root declares (`3.0`, `2.01`, `2.0`, `1.3`).
    Finvoice {
        version: String,
        /// Whether the file carried the SOAP/ebXML transport frame before the invoice.
        soap_frame: bool,
    },
    /// UBL 2.1 `Invoice` or `CreditNote`; `customization` is BT-24 (e.g. Peppol BIS 3.0's).
    Ubl { customization: Option<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Invoice,
    CreditNote,
}

/// A period (BG-14, BG-26), both ends inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// An identifier with the scheme it belongs to (an ISO 6523 ICD such as `0212` or `0216`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identifier {
    pub value: String,
    pub scheme: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Address {
    /// BT-35/36/162 (BT-50/51/163): street lines.
    pub lines: Vec<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// The seller (BG-4) or the buyer (BG-7).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Party {
    /// BT-27 / BT-44.
    pub name: String,
    /// The Finnish business ID (Y-tunnus, `1234567-8`) when the document gives one: as the
    /// legal registration (BT-30/BT-47, scheme 0212), Finvoice's party identifier, or derived
    /// from a Finnish VAT number (`FI12345678`).
    pub business_id: Option<String>,
    /// BT-30 / BT-47 as written.
    pub legal_id: Option<Identifier>,
    /// BT-31 / BT-48.
    pub vat_id: Option<String>,
    /// BT-34 / BT-49: the electronic address (OVT code, Peppol participant id).
    pub electronic_address: Option<Identifier>,
    pub address: Option<Address>,
    pub contact: Option<Contact>,
}

/// BG-16 and BG-17: how to pay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Payment {
    /// BT-81 (UNTDID 4461; 58 is a SEPA credit transfer).
    pub means_code: Option<String>,
    /// BT-83: the remittance information, the payment reference (viite).
    pub reference: Option<String>,
    /// BT-84: the account, an IBAN.
    pub account: Option<String>,
    /// BT-86: the bank, a BIC.
    pub bank: Option<String>,
    /// BT-20.
    pub terms: Option<String>,
}

/// A document-level or line-level allowance (BG-20, BG-27) or charge (BG-21, BG-28).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllowanceCharge {
    pub amount: Decimal,
    pub base_amount: Option<Decimal>,
    pub percentage: Option<Decimal>,
    pub reason: Option<String>,
    pub reason_code: Option<String>,
    /// Document level only: BT-95 / BT-102 and BT-96 / BT-103.
    pub vat_category: Option<String>,
    pub vat_rate: Option<Decimal>,
}

/// BG-22: the document totals as the document states them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// BT-106: sum of the lines' net amounts.
    pub line_total: Option<Decimal>,
    /// BT-107.
    pub allowance_total: Option<Decimal>,
    /// BT-108.
    pub charge_total: Option<Decimal>,
    /// BT-109: without VAT.
    pub tax_exclusive: Option<Decimal>,
    /// BT-110.
    pub vat_total: Option<Decimal>,
    /// BT-112: with VAT.
    pub tax_inclusive: Option<Decimal>,
    /// BT-113.
    pub prepaid: Option<Decimal>,
    /// BT-114.
    pub rounding: Option<Decimal>,
    /// BT-115: the amount due.
    pub payable: Option<Decimal>,
}

/// BG-23: one VAT category and rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VatBreakdown {
    /// BT-118 (UNTDID 5305: `S`, `Z`, `E`, `AE`, `K`, `G`, `O`, `L`, `M`).
    pub category: Option<String>,
    /// BT-119.
    pub rate: Option<Decimal>,
    /// BT-116.
    pub taxable: Option<Decimal>,
    /// BT-117.
    pub tax: Option<Decimal>,
    /// BT-120.
    pub exemption_reason: Option<String>,
    /// BT-121.
    pub exemption_code: Option<String>,
}

/// A reference to an earlier invoice (BG-3), as a credit note gives the invoice it corrects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceReference {
    pub number: String,
    pub date: Option<NaiveDate>,
}

/// BG-25: an invoice line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// BT-126: the line's identifier (a Finvoice row is numbered by its position when it has
    /// none).
    pub id: String,
    /// BT-127.
    pub note: Option<String>,
    /// BT-128: an object the line is about.
    pub object_id: Option<String>,
    /// BT-129.
    pub quantity: Option<Decimal>,
    /// BT-130: UN/ECE Recommendation 20 (`HUR`, `DAY`, `MON`, `C62`) or as written.
    pub unit: Option<String>,
    /// BT-131: quantity × net price, with the line's charges and less its allowances.
    pub net_amount: Option<Decimal>,
    /// The buyer's order the line belongs to (Finvoice `RowIdentifier`, UBL
    /// `OrderLineReference/OrderReference`); not an EN 16931 term of its own.
    pub order_reference: Option<String>,
    /// BT-132: the line of the buyer's order.
    pub order_line_reference: Option<String>,
    /// BT-133: the buyer's accounting reference.
    pub accounting_reference: Option<String>,
    /// Finvoice only (`RowBuyerReferenceIdentifier`, `RowAgreementIdentifier`): the buyer's
    /// reference and the agreement, given per row.
    pub buyer_reference: Option<String>,
    pub contract_reference: Option<String>,
    /// BG-26.
    pub period: Option<Period>,
    pub allowances: Vec<AllowanceCharge>,
    pub charges: Vec<AllowanceCharge>,
    /// BT-146.
    pub net_price: Option<Decimal>,
    /// BT-148.
    pub gross_price: Option<Decimal>,
    /// BT-149: the quantity the price is for (1 when absent).
    pub price_base_quantity: Option<Decimal>,
    /// BT-151.
    pub vat_category: Option<String>,
    /// BT-152.
    pub vat_rate: Option<Decimal>,
    /// Stated VAT amount of the line (Finvoice `RowVatAmount`; not an EN 16931 term).
    pub vat_amount: Option<Decimal>,
    /// BT-153.
    pub name: Option<String>,
    /// BT-154.
    pub description: Option<String>,
    /// BT-155.
    pub seller_item_id: Option<String>,
}

impl Line {
    /// A line with only its identifier; the readers fill in the rest.
    pub fn new(id: impl Into<String>) -> Line {
        Line {
            id: id.into(),
            note: None,
            object_id: None,
            quantity: None,
            unit: None,
            net_amount: None,
            order_reference: None,
            order_line_reference: None,
            accounting_reference: None,
            buyer_reference: None,
            contract_reference: None,
            period: None,
            allowances: Vec::new(),
            charges: Vec::new(),
            net_price: None,
            gross_price: None,
            price_base_quantity: None,
            vat_category: None,
            vat_rate: None,
            vat_amount: None,
            name: None,
            description: None,
            seller_item_id: None,
        }
    }
}

/// An invoice or credit note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invoice {
    pub kind: DocumentKind,
    /// BT-3 (UNTDID 1001: 380 invoice, 381 credit note, 384 corrected invoice). Finvoice's own
    /// code (`INV01`) is mapped.
    pub type_code: Option<String>,
    /// BT-1.
    pub number: String,
    /// BT-2.
    pub issue_date: Option<NaiveDate>,
    /// BT-9.
    pub due_date: Option<NaiveDate>,
    /// BT-5.
    pub currency: Option<String>,
    /// BT-10.
    pub buyer_reference: Option<String>,
    /// BT-13.
    pub order_reference: Option<String>,
    /// BT-12.
    pub contract_reference: Option<String>,
    /// BG-3.
    pub preceding_invoices: Vec<InvoiceReference>,
    /// BG-14.
    pub period: Option<Period>,
    /// BT-22.
    pub notes: Vec<String>,
    pub seller: Party,
    pub buyer: Party,
    pub payment: Payment,
    pub allowances: Vec<AllowanceCharge>,
    pub charges: Vec<AllowanceCharge>,
    pub totals: Totals,
    pub vat_breakdown: Vec<VatBreakdown>,
    pub lines: Vec<Line>,
}

impl Invoice {
    /// An empty document of a kind; readers and Kumppani's own writers fill it in.
    pub fn new(kind: DocumentKind, number: impl Into<String>) -> Invoice {
        Invoice {
            kind,
            type_code: None,
            number: number.into(),
            issue_date: None,
            due_date: None,
            currency: None,
            buyer_reference: None,
            order_reference: None,
            contract_reference: None,
            preceding_invoices: Vec::new(),
            period: None,
            notes: Vec::new(),
            seller: Party::default(),
            buyer: Party::default(),
            payment: Payment::default(),
            allowances: Vec::new(),
            charges: Vec::new(),
            totals: Totals::default(),
            vat_breakdown: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// +1 when the document's amounts are owed to the seller, -1 when they are credited back.
    /// A credit note with positive amounts credits them (UBL); one with a negative amount due
    /// already carries the sign (Finvoice).
    pub fn sign(&self) -> Decimal {
        let payable_negative = self
            .totals
            .payable
            .or(self.totals.tax_inclusive)
            .is_some_and(|p| p.is_sign_negative() && !p.is_zero());
        match (self.kind, payable_negative) {
            (DocumentKind::CreditNote, false) => Decimal::NEGATIVE_ONE,
            _ => Decimal::ONE,
        }
    }

    /// Every piece of free text the document carries, with where it was: what a reader must
    /// look through before storing anything (Kumppani refuses invoices that name a client).
    pub fn texts(&self) -> Vec<(String, &str)> {
        let mut out: Vec<(String, &str)> = vec![("number".into(), self.number.as_str())];
        let header = [
            ("buyer_reference", &self.buyer_reference),
            ("order_reference", &self.order_reference),
            ("contract_reference", &self.contract_reference),
            ("payment.reference", &self.payment.reference),
            ("payment.terms", &self.payment.terms),
        ];
        for (field, t) in header {
            if let Some(t) = t {
                out.push((field.into(), t.as_str()));
            }
        }
        for (i, n) in self.notes.iter().enumerate() {
            out.push((format!("notes[{i}]"), n.as_str()));
        }
        for (i, l) in self.lines.iter().enumerate() {
            let fields = [
                ("id", Some(&l.id)),
                ("note", l.note.as_ref()),
                ("object_id", l.object_id.as_ref()),
                ("order_reference", l.order_reference.as_ref()),
                ("order_line_reference", l.order_line_reference.as_ref()),
                ("accounting_reference", l.accounting_reference.as_ref()),
                ("buyer_reference", l.buyer_reference.as_ref()),
                ("contract_reference", l.contract_reference.as_ref()),
                ("name", l.name.as_ref()),
                ("description", l.description.as_ref()),
                ("seller_item_id", l.seller_item_id.as_ref()),
            ];
            for (field, t) in fields {
                if let Some(t) = t {
                    out.push((format!("lines[{i}].{field}"), t.as_str()));
                }
            }
            for ac in l.allowances.iter().chain(&l.charges) {
                if let Some(r) = &ac.reason {
                    out.push((format!("lines[{i}].allowance_charge"), r.as_str()));
                }
            }
        }
        for ac in self.allowances.iter().chain(&self.charges) {
            if let Some(r) = &ac.reason {
                out.push(("allowance_charge".into(), r.as_str()));
            }
        }
        out
    }
}

/// A rule of EN 16931 (or of Peppol BIS 3.0) that the document breaks, by its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's id as the standard names it: `BR-CO-10`, `BR-S-08`, `PEPPOL-EN16931-R120`.
    pub rule: &'static str,
    /// Where: `totals`, `lines[2]`, `vat_breakdown[0]`.
    pub location: String,
    /// The value the rule expects and the value the document states, where the rule is a sum.
    pub expected: Option<Decimal>,
    pub found: Option<Decimal>,
    /// What is wrong, in English; a user interface words it again from the rule id.
    pub message: String,
}

/// Something in the file the reader did not understand, never dropped silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub location: String,
    pub line: Option<usize>,
    pub message: String,
}

/// What was read from one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reading {
    pub schema: &'static str,
    pub syntax: Syntax,
    /// The SHA-256 of the file exactly as received, lower-case hex.
    pub sha256: String,
    /// The encoding the file was decoded from (`UTF-8`, `ISO-8859-15`).
    pub encoding: &'static str,
    pub invoice: Invoice,
    /// Every rule the document breaks; empty when it is consistent.
    pub findings: Vec<Finding>,
    pub warnings: Vec<Warning>,
}
