//! UBL 2.1 `Invoice` and `CreditNote` into the EN 16931 model, by the syntax binding that
//! Peppol BIS Billing 3.0 and EN 16931-3-2 give.

use crate::model::*;
use crate::text::{self, Fields};
use crate::ErrorKind;
use xmldoc::{Doc, El};

pub const INVOICE_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
pub const CREDIT_NOTE_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";

/// The root's namespace: its default namespace, or the one its prefix is bound to.
fn namespace(root: El<'_, '_>) -> Option<String> {
    let qname = root.qname();
    let attr = match qname.split_once(':') {
        Some((prefix, _)) => format!("xmlns:{prefix}"),
        None => "xmlns".to_owned(),
    };
    // `attr` looks names up without their prefix, so look for the declaration by hand.
    root.raw_attr(&attr).map(|v| v.into_owned())
}

pub fn is_ubl(root: El<'_, '_>) -> bool {
    matches!(
        namespace(root).as_deref(),
        Some(INVOICE_NS | CREDIT_NOTE_NS)
    )
}

type Read = (Syntax, Invoice, Vec<Warning>);

fn identifier(el: Option<El<'_, '_>>) -> Option<Identifier> {
    let el = el?;
    el.text_opt().map(|v| Identifier {
        value: v.to_owned(),
        scheme: el.attr("schemeID").map(|s| s.into_owned()),
    })
}

fn party(f: &mut Fields, el: Option<El<'_, '_>>) -> Party {
    let Some(outer) = el else {
        return Party::default();
    };
    outer.touch();
    let Some(p) = outer.child("Party") else {
        return Party::default();
    };
    p.touch();
    let legal = p.child("PartyLegalEntity");
    let name = f
        .string(legal.and_then(|l| l.child("RegistrationName")))
        .or_else(|| f.string(p.at("PartyName/Name")))
        .unwrap_or_default();
    // Trading name and registration name are often both given; either names the party.
    if let Some(n) = p.at("PartyName/Name") {
        n.touch();
    }
    let legal_id = identifier(legal.and_then(|l| l.child("CompanyID")));
    if let Some(l) = legal {
        l.touch();
        if let Some(form) = l.child("CompanyLegalForm") {
            form.touch();
        }
    }
    let ids: Vec<Identifier> = p
        .children_named("PartyIdentification")
        .filter_map(|pi| {
            pi.touch();
            identifier(pi.child("ID"))
        })
        .collect();
    let vat_id = p.children_named("PartyTaxScheme").find_map(|ts| {
        ts.touch();
        if let Some(s) = ts.at("TaxScheme/ID") {
            s.touch();
        }
        ts.child("CompanyID")
            .and_then(|c| c.text_opt())
            .map(str::to_owned)
    });
    let business_id = std::iter::once(&legal_id)
        .flatten()
        .chain(ids.iter())
        .find(|i| {
            i.scheme
                .as_deref()
                .is_none_or(|s| s == "0212" || s == "FI:YTUNNUS")
        })
        .and_then(|i| text::business_id(&i.value))
        .or_else(|| vat_id.as_deref().and_then(text::business_id_of_vat));
    let address = p.child("PostalAddress").map(|a| {
        a.touch();
        let mut lines = Vec::new();
        for n in ["StreetName", "AdditionalStreetName"] {
            if let Some(t) = f.string(a.child(n)) {
                lines.push(t);
            }
        }
        for l in a.children_named("AddressLine") {
            l.touch();
            if let Some(t) = f.string(l.child("Line")) {
                lines.push(t);
            }
        }
        let country = f.string(a.at("Country/IdentificationCode"));
        if let Some(c) = a.child("Country") {
            c.touch();
        }
        if let Some(s) = a.child("CountrySubentity") {
            s.touch();
        }
        Address {
            lines,
            postal_code: f.string(a.child("PostalZone")),
            city: f.string(a.child("CityName")),
            country,
        }
    });
    let contact = p.child("Contact").map(|c| {
        c.touch();
        Contact {
            name: f.string(c.child("Name")),
            phone: f.string(c.child("Telephone")),
            email: f.string(c.child("ElectronicMail")),
        }
    });
    Party {
        name,
        business_id,
        legal_id: legal_id.or_else(|| ids.into_iter().next()),
        vat_id,
        electronic_address: identifier(p.child("EndpointID")),
        address,
        contact,
    }
}

fn allowance_charge(f: &mut Fields, ac: El<'_, '_>) -> Option<(bool, AllowanceCharge)> {
    ac.touch();
    let is_charge = ac.child("ChargeIndicator")?.text() == "true";
    let cat = ac.child("TaxCategory");
    if let Some(c) = cat {
        c.touch();
        if let Some(s) = c.at("TaxScheme/ID") {
            s.touch();
        }
    }
    Some((
        is_charge,
        AllowanceCharge {
            amount: f.decimal(ac.child("Amount"))?,
            base_amount: f.decimal(ac.child("BaseAmount")),
            percentage: f.decimal(ac.child("MultiplierFactorNumeric")),
            reason: f.string(ac.child("AllowanceChargeReason")),
            reason_code: f.string(ac.child("AllowanceChargeReasonCode")),
            vat_category: f.string(cat.and_then(|c| c.child("ID"))),
            vat_rate: f.decimal(cat.and_then(|c| c.child("Percent"))),
        },
    ))
}

fn period(f: &mut Fields, el: Option<El<'_, '_>>) -> Option<Period> {
    let el = el?.touch();
    Some(Period {
        start: f.date(el.child("StartDate")),
        end: f.date(el.child("EndDate")),
    })
}

fn line(f: &mut Fields, l: El<'_, '_>, credit: bool) -> Line {
    l.touch();
    let mut line = Line::new(f.string(l.child("ID")).unwrap_or_default());
    line.note = f.string(l.child("Note"));
    let qty = l.child(if credit {
        "CreditedQuantity"
    } else {
        "InvoicedQuantity"
    });
    line.quantity = f.decimal(qty);
    line.unit = qty.and_then(|q| q.attr("unitCode")).map(|u| u.into_owned());
    line.net_amount = f.decimal(l.child("LineExtensionAmount"));
    line.accounting_reference = f.string(l.child("AccountingCost"));
    line.period = period(f, l.child("InvoicePeriod"));
    if let Some(o) = l.child("OrderLineReference") {
        o.touch();
        // Peppol requires a line id here and writes `NA` when the order has none.
        line.order_line_reference = f.string(o.child("LineID")).filter(|id| id != "NA");
        line.order_reference = f.string(o.at("OrderReference/ID"));
    }
    for d in l.children_named("DocumentReference") {
        d.touch();
        if let Some(code) = d.child("DocumentTypeCode") {
            code.touch();
        }
        line.object_id = line.object_id.or_else(|| f.string(d.child("ID")));
    }
    for ac in l.children_named("AllowanceCharge") {
        if let Some((is_charge, a)) = allowance_charge(f, ac) {
            if is_charge {
                line.charges.push(a);
            } else {
                line.allowances.push(a);
            }
        }
    }
    if let Some(item) = l.child("Item") {
        item.touch();
        line.name = f.string(item.child("Name"));
        line.description = f.string(item.child("Description"));
        line.seller_item_id = f.string(item.at("SellersItemIdentification/ID"));
        let cat = item.child("ClassifiedTaxCategory");
        if let Some(c) = cat {
            c.touch();
            if let Some(s) = c.at("TaxScheme/ID") {
                s.touch();
            }
        }
        line.vat_category = f.string(cat.and_then(|c| c.child("ID")));
        line.vat_rate = f.decimal(cat.and_then(|c| c.child("Percent")));
    }
    if let Some(price) = l.child("Price") {
        price.touch();
        line.net_price = f.decimal(price.child("PriceAmount"));
        line.price_base_quantity = f.decimal(price.child("BaseQuantity"));
        if let Some(ac) = price.child("AllowanceCharge") {
            ac.touch();
            line.gross_price = f.decimal(ac.child("BaseAmount"));
            if let Some(flag) = ac.child("ChargeIndicator") {
                flag.touch();
            }
            if let Some(a) = ac.child("Amount") {
                a.touch();
            }
        }
    }
    line
}

pub fn read(doc: &Doc<'_>) -> Result<Read, ErrorKind> {
    let root = doc.root();
    let credit = root.name() == "CreditNote";
    let mut f = Fields::default();
    let kind = if credit {
        DocumentKind::CreditNote
    } else {
        DocumentKind::Invoice
    };
    let mut inv = Invoice::new(kind, f.string(root.child("ID")).unwrap_or_default());
    let customization = f.string(root.child("CustomizationID"));
    for name in ["ProfileID", "UBLVersionID", "UUID"] {
        if let Some(e) = root.child(name) {
            e.touch();
        }
    }
    inv.type_code = f.string(root.child(if credit {
        "CreditNoteTypeCode"
    } else {
        "InvoiceTypeCode"
    }));
    inv.issue_date = f.date(root.child("IssueDate"));
    inv.due_date = f.date(root.child("DueDate"));
    inv.notes = root
        .children_named("Note")
        .filter_map(|n| n.text_opt().map(str::to_owned))
        .collect();
    inv.currency = f.string(root.child("DocumentCurrencyCode"));
    inv.buyer_reference = f.string(root.child("BuyerReference"));
    inv.period = period(&mut f, root.child("InvoicePeriod"));
    if let Some(o) = root.child("OrderReference") {
        o.touch();
        inv.order_reference = f.string(o.child("ID"));
    }
    if let Some(c) = root.child("ContractDocumentReference") {
        c.touch();
        inv.contract_reference = f.string(c.child("ID"));
    }
    for b in root.children_named("BillingReference") {
        b.touch();
        if let Some(d) = b.child("InvoiceDocumentReference") {
            d.touch();
            if let Some(number) = f.string(d.child("ID")) {
                inv.preceding_invoices.push(InvoiceReference {
                    number,
                    date: f.date(d.child("IssueDate")),
                });
            }
        }
    }
    inv.seller = party(&mut f, root.child("AccountingSupplierParty"));
    inv.buyer = party(&mut f, root.child("AccountingCustomerParty"));
    if let Some(pm) = root.child("PaymentMeans") {
        pm.touch();
        inv.payment.means_code = f.string(pm.child("PaymentMeansCode"));
        inv.payment.reference = f.string(pm.child("PaymentID"));
        inv.due_date = inv.due_date.or_else(|| f.date(pm.child("PaymentDueDate")));
        if let Some(acc) = pm.child("PayeeFinancialAccount") {
            acc.touch();
            inv.payment.account = f.string(acc.child("ID"));
            inv.payment.bank = f.string(acc.at("FinancialInstitutionBranch/ID"));
            if let Some(n) = acc.child("Name") {
                n.touch();
            }
        }
    }
    if let Some(t) = root.child("PaymentTerms") {
        t.touch();
        inv.payment.terms = f.string(t.child("Note"));
    }
    for ac in root.children_named("AllowanceCharge") {
        if let Some((is_charge, a)) = allowance_charge(&mut f, ac) {
            if is_charge {
                inv.charges.push(a);
            } else {
                inv.allowances.push(a);
            }
        }
    }
    // BT-110 is the TaxTotal in the document currency, the one with subtotals; a second
    // TaxTotal (BT-111, in the tax currency) has none.
    for tt in root.children_named("TaxTotal") {
        tt.touch();
        let subtotals: Vec<El<'_, '_>> = tt.children_named("TaxSubtotal").collect();
        let amount = f.decimal(tt.child("TaxAmount"));
        if subtotals.is_empty() && inv.totals.vat_total.is_some() {
            continue;
        }
        inv.totals.vat_total = amount;
        for s in subtotals {
            s.touch();
            let cat = s.child("TaxCategory");
            if let Some(c) = cat {
                c.touch();
                if let Some(id) = c.at("TaxScheme/ID") {
                    id.touch();
                }
            }
            let get = |n: &str| cat.and_then(|c| c.child(n));
            inv.vat_breakdown.push(VatBreakdown {
                category: f.string(get("ID")),
                rate: f.decimal(get("Percent")),
                taxable: f.decimal(s.child("TaxableAmount")),
                tax: f.decimal(s.child("TaxAmount")),
                exemption_reason: f.string(get("TaxExemptionReason")),
                exemption_code: f.string(get("TaxExemptionReasonCode")),
            });
        }
    }
    if let Some(m) = root.child("LegalMonetaryTotal") {
        m.touch();
        let get = |n: &str| m.child(n);
        inv.totals.line_total = f.decimal(get("LineExtensionAmount"));
        inv.totals.tax_exclusive = f.decimal(get("TaxExclusiveAmount"));
        inv.totals.tax_inclusive = f.decimal(get("TaxInclusiveAmount"));
        inv.totals.allowance_total = f.decimal(get("AllowanceTotalAmount"));
        inv.totals.charge_total = f.decimal(get("ChargeTotalAmount"));
        inv.totals.prepaid = f.decimal(get("PrepaidAmount"));
        inv.totals.rounding = f.decimal(get("PayableRoundingAmount"));
        inv.totals.payable = f.decimal(get("PayableAmount"));
    }
    let line_name = if credit {
        "CreditNoteLine"
    } else {
        "InvoiceLine"
    };
    for l in root.children_named(line_name) {
        inv.lines.push(line(&mut f, l, credit));
    }
    Ok((Syntax::Ubl { customization }, inv, f.warnings))
}
