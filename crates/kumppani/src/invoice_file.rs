//! Invoices as a provider's billing system writes them, for the demo and the benchmark: the
//! `einvoice` crate's own Finvoice fixture with the seller, the buyer, the number and the lines
//! replaced, every line VAT-exempt (Arvonlisäverolaki 37 §) and the totals made to add up.

use anyhow::{anyhow, Result};
use chrono::NaiveDate;
use domain::delivery::month_end;
use einvoice::{Decimal, DocumentKind, Invoice, InvoiceReference};

/// One line: a commitment's month, as hours at a price or (for work participation money) as a
/// sum of its own.
#[derive(Debug, Clone)]
pub struct Billed<'a> {
    pub commitment: &'a str,
    pub month: NaiveDate,
    pub minutes: i64,
    /// Per hour, in cents; `None` for a line billed as a sum.
    pub price_cents: Option<i64>,
    /// The line's sum in cents when it is not hours × price.
    pub net_cents: Option<i64>,
    pub name: &'a str,
    /// The seller's item identifier (`TYOOSUUSRAHA` for work participation money).
    pub item: Option<&'a str>,
}

impl<'a> Billed<'a> {
    /// Hours of service at the price.
    pub fn hours(commitment: &'a str, month: NaiveDate, minutes: i64, price_cents: i64) -> Self {
        Billed {
            commitment,
            month,
            minutes,
            price_cents: Some(price_cents),
            net_cents: None,
            name: "",
            item: None,
        }
    }

    fn net(&self) -> i64 {
        self.net_cents.unwrap_or_else(|| {
            let cents = self.price_cents.unwrap_or(0) * self.minutes;
            (cents + 30).div_euclid(60)
        })
    }
}

fn cents(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

/// The fixture with this seller and buyer, ready for [`invoice`].
pub fn template(seller_business_id: &str, buyer_business_id: &str) -> Result<Invoice> {
    let fixture = include_bytes!("../../einvoice/tests/fixtures/finvoice30-perhetyo-lokakuu.xml");
    let mut t = einvoice::read(fixture, "template.xml")
        .map_err(|e| anyhow!("{e}"))?
        .invoice;
    t.seller.business_id = Some(seller_business_id.into());
    t.seller.legal_id = None;
    t.seller.vat_id = None;
    t.buyer.business_id = Some(buyer_business_id.into());
    t.buyer.legal_id = None;
    t.buyer_reference = None;
    t.order_reference = None;
    t.notes.clear();
    Ok(t)
}

/// An invoice numbered `number` with these lines; its period is the first line's month.
pub fn invoice(template: &Invoice, number: &str, lines: &[Billed]) -> Invoice {
    let mut inv = template.clone();
    inv.number = number.into();
    inv.period = lines.first().map(|l| einvoice::Period {
        start: Some(l.month),
        end: Some(month_end(l.month)),
    });
    let base = template.lines[0].clone();
    let total: i64 = lines.iter().map(Billed::net).sum();
    inv.lines = lines
        .iter()
        .enumerate()
        .map(|(j, b)| {
            let mut l = base.clone();
            l.id = (j + 1).to_string();
            l.note = None;
            l.order_reference = Some(b.commitment.into());
            l.quantity = Some(Decimal::new(b.minutes * 100 / 60, 2).normalize());
            l.net_price = b.price_cents.map(cents);
            l.net_amount = Some(cents(b.net()));
            if !b.name.is_empty() {
                l.name = Some(b.name.into());
            }
            l.seller_item_id = b.item.map(Into::into);
            l.period = Some(einvoice::Period {
                start: Some(b.month),
                end: Some(month_end(b.month)),
            });
            l
        })
        .collect();
    for v in [
        &mut inv.totals.line_total,
        &mut inv.totals.tax_exclusive,
        &mut inv.totals.tax_inclusive,
        &mut inv.totals.payable,
    ] {
        *v = Some(cents(total));
    }
    inv.totals.vat_total = Some(Decimal::ZERO);
    inv.vat_breakdown.truncate(1);
    if let Some(v) = inv.vat_breakdown.first_mut() {
        v.taxable = Some(cents(total));
        v.tax = Some(Decimal::ZERO);
    }
    inv
}

/// A credit note of these lines for the invoice `credits`, as UBL (Peppol BIS Billing 3.0).
pub fn credit_note(template: &Invoice, number: &str, credits: &str, lines: &[Billed]) -> Vec<u8> {
    let mut c = invoice(template, number, lines);
    c.kind = DocumentKind::CreditNote;
    c.type_code = Some("381".into());
    c.preceding_invoices = vec![InvoiceReference {
        number: credits.into(),
        date: None,
    }];
    einvoice::write::ubl(&c).into_bytes()
}
