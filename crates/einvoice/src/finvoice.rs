//! Finvoice (Finanssiala) into the EN 16931 model, following Finvoice 3.0's own mapping to the
//! business terms. 2.01, 2.0 and 1.3 use the same names for what is read here, so they are read
//! by the same code; what they lack (VAT category codes, the UN type code) is derived.

use crate::model::*;
use crate::text::{self, Fields};
use crate::ErrorKind;
use rust_decimal::Decimal;
use xmldoc::{Doc, El};

type Read = (Syntax, Invoice, Vec<Warning>);

/// Finvoice's own document types that credit rather than charge.
fn is_credit(type_code: &str) -> bool {
    type_code == "INV02"
}

/// A VAT category when an older version gives only the rate: a positive rate is the standard
/// category; a zero rate names none, since it could be exempt, zero-rated or outside scope.
fn category(code: Option<String>, rate: Option<Decimal>) -> Option<String> {
    code.or_else(|| rate.filter(|r| r > &Decimal::ZERO).map(|_| "S".to_owned()))
}

fn address(f: &mut Fields, el: Option<El<'_, '_>>, who: &str) -> Option<Address> {
    let el = el?;
    let lines = el
        .children_named(&format!("{who}StreetName"))
        .filter_map(|e| e.text_opt().map(str::to_owned))
        .collect();
    let address = Address {
        lines,
        postal_code: f.string(el.child(&format!("{who}PostCodeIdentifier"))),
        city: f.string(el.child(&format!("{who}TownName"))),
        country: f.string(el.child("CountryCode")),
    };
    // The rest of an address (country name, post office box) is read as understood.
    el.touch_all();
    Some(address)
}

fn party(f: &mut Fields, root: El<'_, '_>, who: &str) -> Party {
    let details = root.child(&format!("{who}PartyDetails"));
    let get = |name: &str| details.and_then(|d| d.child(&format!("{who}{name}")));
    let legal = get("PartyIdentifier").and_then(|e| {
        e.text_opt().map(|v| Identifier {
            value: v.to_owned(),
            scheme: e.attr("SchemeID").map(|s| s.into_owned()),
        })
    });
    let vat_id = f.string(get("OrganisationTaxCode"));
    let business_id = legal
        .as_ref()
        .and_then(|l| text::business_id(&l.value))
        .or_else(|| vat_id.as_deref().and_then(text::business_id_of_vat));
    let name = details
        .map(|d| {
            d.children_named(&format!("{who}OrganisationName"))
                .filter_map(|e| e.text_opt())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let address = address(f, get("PostalAddressDetails"), who);
    if let Some(d) = details {
        d.touch();
    }
    let unit = root.child(&format!("{who}OrganisationUnitNumber"));
    let electronic_address = unit.and_then(|e| {
        e.text_opt().map(|v| Identifier {
            value: v.to_owned(),
            scheme: Some("0037".to_owned()),
        })
    });
    let comm = root.child(&format!("{who}CommunicationDetails"));
    let contact = Contact {
        name: f.string(root.child(&format!("{who}ContactPersonName"))),
        phone: f.string(comm.and_then(|c| c.child(&format!("{who}PhoneNumberIdentifier")))),
        email: f.string(comm.and_then(|c| c.child(&format!("{who}EmailaddressIdentifier")))),
    };
    if let Some(c) = comm {
        c.touch();
    }
    Party {
        name,
        business_id,
        legal_id: legal,
        vat_id,
        electronic_address,
        address,
        contact: (contact != Contact::default()).then_some(contact),
    }
}

fn allowance_or_charge(f: &mut Fields, el: El<'_, '_>, text_name: &str) -> Option<AllowanceCharge> {
    el.touch();
    Some(AllowanceCharge {
        amount: f.decimal(el.child("Amount"))?,
        base_amount: f.decimal(el.child("BaseAmount")),
        percentage: f.decimal(el.child("Percent")),
        reason: f.string(el.child(text_name)),
        reason_code: f.string(el.child("ReasonCode")),
        vat_category: f.string(el.child("VatCategoryCode")),
        vat_rate: f.decimal(el.child("VatRatePercent")),
    })
}

/// Whether a row carries anything to bill; Finvoice also has rows that are only text.
fn is_text_row(row: El<'_, '_>) -> bool {
    [
        "InvoicedQuantity",
        "DeliveredQuantity",
        "UnitPriceAmount",
        "UnitPriceNetAmount",
        "RowVatExcludedAmount",
        "RowAmount",
    ]
    .iter()
    .all(|n| row.child(n).and_then(|e| e.text_opt()).is_none())
}

fn row(f: &mut Fields, row: El<'_, '_>, position: usize) -> Line {
    row.touch();
    let mut line = Line::new(
        f.string(row.child("RowPositionIdentifier"))
            .unwrap_or_else(|| position.to_string()),
    );
    let quantity = row
        .child("InvoicedQuantity")
        .filter(|e| e.text_opt().is_some())
        .or_else(|| row.child("DeliveredQuantity"));
    line.quantity = f.decimal(quantity);
    line.unit = quantity.and_then(|q| {
        q.attr("QuantityUnitCodeUN")
            .or_else(|| q.attr("QuantityUnitCode"))
            .map(|u| u.into_owned())
    });
    let gross = row.child("UnitPriceAmount");
    let net = row.child("UnitPriceNetAmount");
    if net.is_some() {
        line.net_price = f.decimal(net);
        line.gross_price = f.decimal(gross);
    } else {
        line.net_price = f.decimal(gross);
    }
    if line.unit.is_none() {
        line.unit = gross.and_then(|g| {
            g.attr("QuantityUnitCodeUN")
                .or_else(|| g.attr("UnitPriceUnitCode"))
                .map(|u| u.into_owned())
        });
    }
    line.price_base_quantity = f.decimal(row.child("UnitPriceBaseQuantity"));
    line.name = f.string(row.child("ArticleName"));
    line.description = f.string(row.child("ArticleDescription"));
    line.seller_item_id = f.string(row.child("ArticleIdentifier"));
    line.order_reference = f.string(row.child("RowIdentifier"));
    line.order_line_reference = f.string(row.child("RowOrderPositionIdentifier"));
    line.contract_reference = f.string(row.child("RowAgreementIdentifier"));
    line.buyer_reference = f.string(row.child("RowBuyerReferenceIdentifier"));
    line.accounting_reference = f.string(row.child("RowAccountDimensionText"));
    let notes: Vec<&str> = row
        .children_named("RowFreeText")
        .filter_map(|e| e.text_opt())
        .collect();
    line.note = (!notes.is_empty()).then(|| notes.join("\n"));
    let start = f.date(row.child("StartDate"));
    let end = f.date(row.child("EndDate"));
    line.period = (start.is_some() || end.is_some()).then_some(Period { start, end });
    if let Some(amount) = f.decimal(row.child("RowDiscountAmount")) {
        line.allowances.push(AllowanceCharge {
            amount,
            base_amount: f.decimal(row.child("RowDiscountBaseAmount")),
            percentage: f.decimal(row.child("RowDiscountPercent")),
            reason: f.string(row.child("RowDiscountTypeText")),
            reason_code: f.string(row.child("RowDiscountTypeCode")),
            vat_category: None,
            vat_rate: None,
        });
    }
    for charge in row.children_named("RowChargeDetails") {
        if let Some(c) = allowance_or_charge(f, charge, "ReasonText") {
            line.charges.push(c);
        }
    }
    line.vat_rate = f.decimal(row.child("RowVatRatePercent"));
    line.vat_category = category(f.string(row.child("RowVatCode")), line.vat_rate);
    line.vat_amount = f.decimal(row.child("RowVatAmount"));
    line.net_amount = f.decimal(row.child("RowVatExcludedAmount"));
    // The row total with VAT is not an EN 16931 term; the rules recompute it from the parts.
    if let Some(e) = row.child("RowAmount") {
        e.touch();
    }
    line
}

pub fn read(doc: &Doc<'_>, soap_frame: bool) -> Result<Read, ErrorKind> {
    let root = doc.root();
    let version = root
        .attr("Version")
        .map(|v| v.into_owned())
        .unwrap_or_default();
    if !matches!(version.as_str(), "3.0" | "2.01" | "2.0" | "1.3" | "1.2") {
        return Err(ErrorKind::UnknownFormat(format!(
            "Finvoice version {version:?} (3.0, 2.01, 2.0 and 1.3 are read)"
        )));
    }
    let mut f = Fields::default();
    // The routing envelope says where the message goes, not what it bills; its addresses repeat
    // the parties' own unit numbers.
    if let Some(m) = root.child("MessageTransmissionDetails") {
        m.touch_all();
    }
    let details = root
        .child("InvoiceDetails")
        .ok_or_else(|| ErrorKind::Invalid("InvoiceDetails is missing".into()))?
        .touch();
    let get = |name: &str| details.child(name);
    let fi_type = f.string(get("InvoiceTypeCode")).unwrap_or_default();
    let un_type = f.string(get("InvoiceTypeCodeUN"));
    let kind = if is_credit(&fi_type) || un_type.as_deref() == Some("381") {
        DocumentKind::CreditNote
    } else {
        DocumentKind::Invoice
    };
    let mut inv = Invoice::new(kind, f.string(get("InvoiceNumber")).unwrap_or_default());
    inv.type_code = un_type.or_else(|| match fi_type.as_str() {
        "INV01" => Some("380".to_owned()),
        "INV02" => Some("381".to_owned()),
        _ => None,
    });
    for name in ["InvoiceTypeText", "OriginCode", "OriginText"] {
        if let Some(e) = get(name) {
            e.touch();
        }
    }
    inv.issue_date = f.date(get("InvoiceDate"));
    inv.buyer_reference = f.string(get("BuyerReferenceIdentifier"));
    inv.order_reference = f.string(get("OrderIdentifier"));
    inv.contract_reference = f.string(get("AgreementIdentifier"));
    if let Some(number) = f.string(get("OriginalInvoiceNumber")) {
        inv.preceding_invoices.push(InvoiceReference {
            number,
            date: f.date(get("OriginalInvoiceDate")),
        });
    }
    for r in details.children_named("OriginalInvoiceReference") {
        r.touch();
        if let Some(number) = f.string(r.child("InvoiceNumber")) {
            inv.preceding_invoices.push(InvoiceReference {
                number,
                date: f.date(r.child("InvoiceDate")),
            });
        }
    }
    let start = f.date(get("InvoicingPeriodStartDate"));
    let end = f.date(get("InvoicingPeriodEndDate"));
    inv.period = (start.is_some() || end.is_some()).then_some(Period { start, end });
    inv.notes = details
        .children_named("InvoiceFreeText")
        .filter_map(|e| e.text_opt().map(str::to_owned))
        .collect();
    let total = get("InvoiceTotalVatIncludedAmount");
    inv.currency = total
        .or(get("InvoiceTotalVatExcludedAmount"))
        .and_then(|e| e.attr("AmountCurrencyIdentifier"))
        .map(|c| c.into_owned());
    inv.totals = Totals {
        line_total: f.decimal(get("RowsTotalVatExcludedAmount")),
        allowance_total: f.decimal(get("DiscountsTotalVatExcludedAmount")),
        charge_total: f.decimal(get("ChargesTotalVatExcludedAmount")),
        tax_exclusive: f.decimal(get("InvoiceTotalVatExcludedAmount")),
        vat_total: f.decimal(get("InvoiceTotalVatAmount")),
        tax_inclusive: f.decimal(total),
        prepaid: f.decimal(get("InvoicePaidAmount")),
        rounding: f.decimal(get("InvoiceTotalRoundoffAmount")),
        payable: None,
    };
    for v in details.children_named("VatSpecificationDetails") {
        v.touch();
        let rate = f.decimal(v.child("VatRatePercent"));
        inv.vat_breakdown.push(VatBreakdown {
            category: category(f.string(v.child("VatCode")), rate),
            rate,
            taxable: f.decimal(v.child("VatBaseAmount")),
            tax: f.decimal(v.child("VatRateAmount")),
            exemption_reason: f.string(v.child("VatFreeText")),
            exemption_code: f.string(v.child("VatExemptionReasonCode")),
        });
    }
    let terms = get("PaymentTermsDetails");
    if let Some(t) = terms {
        t.touch();
    }
    inv.payment.terms = f.string(terms.and_then(|t| t.child("PaymentTermsFreeText")));
    inv.due_date = f.date(terms.and_then(|t| t.child("InvoiceDueDate")));
    for d in details.children_named("DiscountDetails") {
        if let Some(a) = allowance_or_charge(&mut f, d, "FreeText") {
            inv.allowances.push(a);
        }
    }
    for c in details.children_named("ChargeDetails") {
        if let Some(a) = allowance_or_charge(&mut f, c, "ReasonText") {
            inv.charges.push(a);
        }
    }

    inv.seller = party(&mut f, root, "Seller");
    inv.buyer = party(&mut f, root, "Buyer");
    let account_details = root.at("SellerInformationDetails/SellerAccountDetails");
    // The seller's official details (registered office, home town) are legal boilerplate.
    if let Some(i) = root.child("SellerInformationDetails") {
        i.touch_all();
    }

    let rows: Vec<El<'_, '_>> = root.children_named("InvoiceRow").collect();
    for r in rows {
        if is_text_row(r) {
            r.touch();
            let texts: Vec<String> = r
                .children()
                .filter_map(|c| {
                    c.touch();
                    matches!(
                        c.name(),
                        "RowFreeText" | "ArticleName" | "ArticleDescription"
                    )
                    .then(|| c.text_opt().map(str::to_owned))
                    .flatten()
                })
                .collect();
            if texts.is_empty() {
                continue;
            }
            match inv.lines.last_mut() {
                Some(prev) => {
                    let note = prev.note.get_or_insert_with(String::new);
                    for t in texts {
                        if !note.is_empty() {
                            note.push('\n');
                        }
                        note.push_str(&t);
                    }
                }
                None => inv.notes.extend(texts),
            }
            continue;
        }
        let position = inv.lines.len() + 1;
        inv.lines.push(row(&mut f, r, position));
    }

    let epi = root.child("EpiDetails");
    if let Some(e) = epi {
        e.touch();
        if let Some(i) = e.child("EpiIdentificationDetails") {
            i.touch_all();
        }
        let party = e.child("EpiPartyDetails");
        inv.payment.bank =
            f.string(party.and_then(|p| p.at("EpiBfiPartyDetails/EpiBfiIdentifier")));
        inv.payment.account =
            f.string(party.and_then(|p| p.at("EpiBeneficiaryPartyDetails/EpiAccountID")));
        if let Some(p) = party {
            p.touch_all();
        }
        let instr = e.child("EpiPaymentInstructionDetails");
        if let Some(i) = instr {
            i.touch();
        }
        let get = |name: &str| instr.and_then(|i| i.child(name));
        inv.payment.reference = f.string(get("EpiRemittanceInfoIdentifier"));
        inv.totals.payable = f.decimal(get("EpiInstructedAmount"));
        let epi_due = f.date(get("EpiDateOptionDate"));
        inv.due_date = inv.due_date.or(epi_due);
        inv.payment.means_code = f.string(get("EpiPaymentMeansCode"));
        if let Some(c) = get("EpiCharge") {
            c.touch_all();
        }
    }
    if inv.payment.account.is_none() {
        inv.payment.account = f.string(account_details.and_then(|a| a.child("SellerAccountID")));
        inv.payment.bank = inv
            .payment
            .bank
            .or_else(|| f.string(account_details.and_then(|a| a.child("SellerBic"))));
    }
    // A link to the invoice image is not part of the invoice's content.
    for name in ["InvoiceUrlNameText", "InvoiceUrlText"] {
        for e in root.children_named(name) {
            e.touch();
        }
    }
    Ok((
        Syntax::Finvoice {
            version,
            soap_frame,
        },
        inv,
        f.warnings,
    ))
}
