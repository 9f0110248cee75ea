//! What Kumppani writes reads back the same, and validates against the Finvoice 3.0 and UBL 2.1
//! schemas in `../shared/data/einvoice` (with xmllint, libxml2's validator).

use crate::fixture;
use einvoice::{write, DocumentKind, Invoice};
use testkit::xsd::{einvoice_schemas, validate};

fn finvoice_invoice() -> Invoice {
    einvoice::read(&fixture("finvoice30-perhetyo-lokakuu.xml"), "f.xml")
        .unwrap()
        .invoice
}

fn ubl_credit_note() -> Invoice {
    einvoice::read(&fixture("ubl-creditnote-perhetyo.xml"), "cn.xml")
        .unwrap()
        .invoice
}

#[test]
fn finvoice_written_reads_back_as_the_same_invoice() {
    for inv in [finvoice_invoice(), ubl_credit_note()] {
        let xml = write::finvoice(&inv);
        let r = einvoice::read(xml.as_bytes(), "w.xml").unwrap();
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let mut back = r.invoice;
        // Finvoice names the electronic address scheme by its own convention (OVT, 0037).
        back.seller.electronic_address = inv.seller.electronic_address.clone();
        back.buyer.electronic_address = inv.buyer.electronic_address.clone();
        // Finvoice requires each row's VAT amount, so the writer states it where UBL had none.
        for (b, l) in back.lines.iter_mut().zip(&inv.lines) {
            if l.vat_amount.is_none() {
                assert_eq!(b.vat_amount, Some(einvoice::Decimal::ZERO));
                b.vat_amount = None;
            }
        }
        assert_eq!(back, inv);
    }
}

#[test]
fn ubl_written_reads_back_as_the_same_invoice() {
    for inv in [finvoice_invoice(), ubl_credit_note()] {
        let xml = write::ubl(&inv);
        let r = einvoice::read(xml.as_bytes(), "w.xml").unwrap();
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        assert!(r.warnings.is_empty(), "{:?}\n{xml}", r.warnings);
        let mut back = r.invoice;
        // UBL names the seller's contact person where Finvoice does; the rest is the same.
        back.seller.contact = inv.seller.contact.clone();
        back.seller.electronic_address = inv.seller.electronic_address.clone();
        back.buyer.electronic_address = inv.buyer.electronic_address.clone();
        back.seller.legal_id = inv.seller.legal_id.clone();
        back.buyer.legal_id = inv.buyer.legal_id.clone();
        // UBL has no VAT amount per line (Finvoice's RowVatAmount).
        for (b, l) in back.lines.iter_mut().zip(&inv.lines) {
            assert_eq!(b.vat_amount, None);
            b.vat_amount = l.vat_amount;
        }
        assert_eq!(back, inv);
    }
}

#[test]
fn what_kumppani_writes_validates_against_the_finvoice_and_ubl_schemas() {
    let Some(schemas) = einvoice_schemas() else {
        return;
    };
    let finvoice_xsd = schemas.finvoice;
    let ubl_invoice_xsd = schemas.ubl_invoice;
    let ubl_credit_xsd = schemas.ubl_credit_note;
    let mut checked = 0;
    for inv in [finvoice_invoice(), ubl_credit_note()] {
        let ubl_xsd = if inv.kind == DocumentKind::CreditNote {
            &ubl_credit_xsd
        } else {
            &ubl_invoice_xsd
        };
        for (xml, xsd) in [
            (write::finvoice(&inv), &finvoice_xsd),
            (write::ubl(&inv), ubl_xsd),
        ] {
            let Some(result) = validate(&xml, xsd) else {
                return;
            };
            if let Err(e) = result {
                panic!("{} does not validate:\n{e}\n{xml}", xsd.display());
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 4);
    // The validator does refuse what breaks the schema: the test can fail.
    let bad = write::finvoice(&finvoice_invoice()).replacen("<InvoiceNumber>", "<InvoiceNumbr>", 1);
    let bad = bad.replacen("</InvoiceNumber>", "</InvoiceNumbr>", 1);
    assert!(validate(&bad, &finvoice_xsd).unwrap().is_err());
}
