//! What the readers take out of a Finvoice and a UBL document, and how they refuse bad input.

use crate::{fixture, fixture_text};
use einvoice::{Decimal, DocumentKind, ErrorKind, Syntax};
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn date(s: &str) -> Option<chrono::NaiveDate> {
    Some(chrono::NaiveDate::from_str(s).unwrap())
}

#[test]
fn reads_a_finvoice_in_iso_8859_15_into_the_model() {
    let bytes = fixture("finvoice30-perhetyo-lokakuu.xml");
    let r = einvoice::read(&bytes, "f.xml").unwrap();
    assert_eq!(r.encoding, "ISO-8859-15");
    assert_eq!(
        r.syntax,
        Syntax::Finvoice {
            version: "3.0".into(),
            soap_frame: false
        }
    );
    assert_eq!(r.sha256, einvoice::sha256(&bytes));
    assert_eq!(r.sha256.len(), 64);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let inv = &r.invoice;
    assert_eq!(inv.kind, DocumentKind::Invoice);
    assert_eq!(inv.type_code.as_deref(), Some("380"));
    assert_eq!(inv.number, "2026-1042");
    assert_eq!(inv.issue_date, date("2026-11-03"));
    assert_eq!(inv.due_date, date("2026-11-24"));
    assert_eq!(inv.currency.as_deref(), Some("EUR"));
    assert_eq!(inv.buyer_reference.as_deref(), Some("MS-2026-0007"));
    assert_eq!(inv.order_reference.as_deref(), Some("MS-2026-0007"));
    let period = inv.period.as_ref().unwrap();
    assert_eq!(
        (period.start, period.end),
        (date("2026-10-01"), date("2026-10-31"))
    );
    assert_eq!(inv.seller.name, "Perhetyö Pähkinä Oy");
    assert_eq!(inv.seller.business_id.as_deref(), Some("2468013-7"));
    assert_eq!(inv.seller.vat_id.as_deref(), Some("FI24680137"));
    assert_eq!(
        inv.seller
            .electronic_address
            .as_ref()
            .map(|e| e.value.as_str()),
        Some("003724680137")
    );
    assert_eq!(inv.buyer.business_id.as_deref(), Some("0124610-9"));
    assert_eq!(inv.payment.account.as_deref(), Some("FI2112345600000785"));
    assert_eq!(inv.payment.bank.as_deref(), Some("NDEAFIHH"));
    assert_eq!(inv.payment.reference.as_deref(), Some("10425"));
    assert_eq!(inv.totals.payable, Some(d("1158.50")));
    assert_eq!(inv.totals.line_total, Some(d("1158.50")));
    assert_eq!(inv.vat_breakdown.len(), 1);
    let vat = &inv.vat_breakdown[0];
    assert_eq!(vat.category.as_deref(), Some("E"));
    assert_eq!(
        vat.exemption_reason.as_deref(),
        Some("Arvonlisäveroton sosiaalipalvelu, AVL 37 §")
    );
    // Four rows, one of them only text: three lines, the text on the line before it.
    assert_eq!(inv.lines.len(), 3);
    let l = &inv.lines[0];
    assert_eq!(l.id, "1");
    assert_eq!(l.quantity, Some(d("12.5")));
    assert_eq!(l.unit.as_deref(), Some("HUR"));
    assert_eq!(l.net_price, Some(d("62")));
    assert_eq!(l.net_amount, Some(d("775")));
    assert_eq!(l.order_reference.as_deref(), Some("MS-2026-0007"));
    assert_eq!(l.vat_category.as_deref(), Some("E"));
    assert_eq!(
        l.note.as_deref(),
        Some("Käynnit 2.10., 9.10., 16.10., 23.10. ja 30.10.")
    );
    assert_eq!(l.period.as_ref().unwrap().start, date("2026-10-01"));
    assert_eq!(inv.lines[2].name.as_deref(), Some("Aloituspalaveri"));
    assert_eq!(inv.sign(), Decimal::ONE);
}

#[test]
fn reads_a_ubl_credit_note_and_the_invoice_it_credits() {
    let r = einvoice::read(&fixture("ubl-creditnote-perhetyo.xml"), "cn.xml").unwrap();
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let inv = &r.invoice;
    assert_eq!(inv.kind, DocumentKind::CreditNote);
    assert_eq!(inv.type_code.as_deref(), Some("381"));
    assert_eq!(inv.preceding_invoices.len(), 1);
    assert_eq!(inv.preceding_invoices[0].number, "2026-1042");
    assert_eq!(inv.preceding_invoices[0].date, date("2026-11-03"));
    assert_eq!(inv.due_date, date("2026-12-04"));
    assert_eq!(inv.seller.business_id.as_deref(), Some("2468013-7"));
    assert_eq!(inv.lines[0].quantity, Some(d("1")));
    assert_eq!(
        inv.lines[0].order_reference.as_deref(),
        Some("MS-2026-0007")
    );
    assert_eq!(inv.lines[0].order_line_reference.as_deref(), Some("1"));
    // UBL credits positive amounts.
    assert_eq!(inv.totals.payable, Some(d("62")));
    assert_eq!(inv.sign(), Decimal::NEGATIVE_ONE);
}

#[test]
fn reads_a_finvoice_behind_its_soap_frame_with_lines_counted_from_the_file() {
    let envelope = "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\">\n<SOAP-ENV:Header/>\n<SOAP-ENV:Body/>\n</SOAP-ENV:Envelope>\n";
    let invoice =
        fixture_text("finvoice30-perhetyo-lokakuu.xml").replacen("ISO-8859-15", "UTF-8", 1);
    let framed = format!("{envelope}{invoice}");
    let r = einvoice::read(framed.as_bytes(), "soap.xml").unwrap();
    assert_eq!(
        r.syntax,
        Syntax::Finvoice {
            version: "3.0".into(),
            soap_frame: true
        }
    );
    assert_eq!(r.invoice.lines.len(), 3);
    // An error in the invoice part names the line in the whole file.
    let broken = framed.replacen("<InvoiceNumber>", "<InvoiceNumber><b>", 1);
    let e = einvoice::read(broken.as_bytes(), "soap.xml").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Malformed(_)), "{e}");
    let line = broken
        .lines()
        .position(|l| l.contains("</InvoiceNumber>"))
        .unwrap()
        + 1;
    assert_eq!(e.line, line, "{e}");
}

#[test]
fn refuses_what_is_not_safe_or_not_an_invoice_naming_where() {
    let xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE Finvoice [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<Finvoice Version=\"3.0\">&x;</Finvoice>";
    let e = einvoice::read(xxe.as_bytes(), "xxe.xml").unwrap_err();
    assert_eq!((e.kind, e.line), (ErrorKind::Dtd, 2));

    let e = einvoice::read(
        b"<Finvoice Version=\"3.0\">\n<InvoiceDetails>\n</Finvoice>",
        "bad.xml",
    )
    .unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Malformed(_)));
    assert_eq!(e.line, 3);

    let e = einvoice::read(b"<Order xmlns=\"urn:x\"/>", "order.xml").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::UnknownFormat(_)), "{e}");
    assert!(e.to_string().contains("Order"), "{e}");

    let e = einvoice::read(b"<Finvoice Version=\"9.9\"/>", "v.xml").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::UnknownFormat(_)), "{e}");

    let e = einvoice::read(b"<Finvoice Version=\"3.0\"/>", "empty.xml").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Invalid(_)), "{e}");
}

#[test]
fn refuses_a_file_over_the_limit_before_reading_it() {
    let big = vec![b' '; einvoice::MAX_BYTES as usize + 1];
    let e = einvoice::read(&big, "big.xml").unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge(einvoice::MAX_BYTES));
    // A sparse file of a gigabyte: refused by its size, without reading a byte.
    let dir = std::env::temp_dir().join(format!("einvoice-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("huge.xml");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(1 << 30).unwrap();
    let e = einvoice::read_path(&path).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge(einvoice::MAX_BYTES));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn refuses_an_encoding_declaration_the_bytes_do_not_bear_out() {
    // ISO-8859-15 bytes declared as UTF-8.
    let latin = fixture("finvoice30-perhetyo-lokakuu.xml");
    let as_utf8 = String::from_utf8_lossy(&latin).replace("ISO-8859-15", "UTF-8");
    let mut relabelled = latin.clone();
    let at = relabelled
        .windows(11)
        .position(|w| w == b"ISO-8859-15")
        .unwrap();
    relabelled.splice(at..at + 11, b"UTF-8".iter().copied());
    let e = einvoice::read(&relabelled, "l.xml").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Encoding { .. }), "{e}");
    let first_non_ascii_line = as_utf8.lines().position(|l| !l.is_ascii()).unwrap() + 1;
    assert_eq!(e.line, first_non_ascii_line);

    // UTF-8 bytes declared as ISO-8859-15.
    let utf8 = fixture_text("finvoice30-perhetyo-lokakuu.xml");
    let e = einvoice::read(utf8.as_bytes(), "u.xml").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Encoding { .. }), "{e}");

    // The same text in UTF-8, declared so, reads the same as the original.
    let utf8 = utf8.replacen("ISO-8859-15", "UTF-8", 1);
    let a = einvoice::read(utf8.as_bytes(), "u.xml").unwrap();
    let b = einvoice::read(&latin, "l.xml").unwrap();
    assert_eq!(a.invoice, b.invoice);
    assert_eq!(a.encoding, "UTF-8");

    let e = einvoice::read(
        b"<?xml version=\"1.0\" encoding=\"UTF-7\"?><Finvoice/>",
        "7.xml",
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnsupportedEncoding("UTF-7".into()));
}
