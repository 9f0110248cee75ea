//! Reads e-invoices into one EN 16931 model ([`Invoice`]) and writes them back out:
//!
//! - **Finvoice** 3.0, and 2.01, 2.0 and 1.3 where they share its element names, in UTF-8 or
//!   ISO-8859-15, with or without the SOAP/ebXML transport frame in front;
//! - **UBL 2.1** `Invoice` and `CreditNote` as Peppol BIS Billing 3.0 uses them (and other UBL
//!   2.x customisations, read by the same elements).
//!
//! Every document is checked against the EN 16931 rules that can be checked without a
//! schematron engine: the sums and the VAT arithmetic (`BR-CO-10`…`BR-CO-17`, the category rules
//! `BR-S-08` and the like, Peppol's line rule `PEPPOL-EN16931-R120`) and the presence of the
//! terms the standard requires. What breaks a rule is a [`Finding`] with the rule's id; the
//! document is still read, so that a person can see what is wrong with it.
//!
//! Input is checked before it is trusted, as the notice reader does: a size limit before a byte
//! is read ([`read_path`]), no DTD (so no external entities and no entity expansion), an
//! encoding the declaration names and the bytes bear out, and errors that name the file, line
//! and element.
//!
//! The crate depends on nothing of Kumppani and can be published on its own.

mod finvoice;
mod model;
mod rules;
mod text;
mod ubl;
pub mod write;

pub use model::*;
pub use rust_decimal::Decimal;

use sha2::{Digest, Sha256};
use std::path::Path;

/// The largest file accepted. An invoice of a thousand rows is about 2 MB in Finvoice; the rest
/// of the space is for attachments embedded in UBL.
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    #[error("the file is larger than {0} bytes")]
    TooLarge(u64),
    #[error("the file could not be read: {0}")]
    Io(String),
    #[error("the file does not match its declared encoding {declared}: {detail}")]
    Encoding { declared: String, detail: String },
    #[error("the encoding {0} is not supported (UTF-8 and ISO-8859-15 are)")]
    UnsupportedEncoding(String),
    #[error("not well-formed XML: {0}")]
    Malformed(String),
    #[error("a document type declaration (DTD) is not accepted")]
    Dtd,
    #[error("the entity &{0}; is not one of XML's predefined entities")]
    Entity(String),
    #[error("elements nest deeper than {} levels", xmldoc::MAX_DEPTH)]
    TooDeep,
    #[error("not an e-invoice this reader knows: {0}")]
    UnknownFormat(String),
    #[error("{0}")]
    Invalid(String),
}

/// Why a file could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}{}: {kind}", if element.is_empty() { String::new() } else { format!(" in {element}") })]
pub struct InvoiceError {
    pub file: String,
    pub line: usize,
    /// The path of the element being read, e.g. `/Finvoice/InvoiceRow`.
    pub element: String,
    pub kind: ErrorKind,
}

impl InvoiceError {
    fn whole(file: &str, kind: ErrorKind) -> InvoiceError {
        InvoiceError {
            file: file.to_owned(),
            line: 1,
            element: String::new(),
            kind,
        }
    }

    /// An error from the XML parser, with its line moved by the lines that came before the
    /// part parsed (the SOAP frame).
    fn from_xml(e: xmldoc::XmlError, lines_before: usize) -> InvoiceError {
        InvoiceError {
            file: e.file,
            line: e.line + lines_before,
            element: e.element,
            kind: match e.kind {
                xmldoc::ErrorKind::Malformed(m) => ErrorKind::Malformed(m),
                xmldoc::ErrorKind::Dtd => ErrorKind::Dtd,
                xmldoc::ErrorKind::Entity(n) => ErrorKind::Entity(n),
                xmldoc::ErrorKind::TooDeep => ErrorKind::TooDeep,
            },
        }
    }
}

/// Reads a file, refusing it by its size before reading it.
pub fn read_path(path: &Path) -> Result<(Vec<u8>, Result<Reading, InvoiceError>), InvoiceError> {
    let bytes = file_bytes(path)?;
    let reading = read(&bytes, &path.display().to_string());
    Ok((bytes, reading))
}

/// A file's bytes, refused by its size before a byte is read: what every reader of files from
/// outside should use.
pub fn file_bytes(path: &Path) -> Result<Vec<u8>, InvoiceError> {
    let name = path.display().to_string();
    xmldoc::read_bounded(path, MAX_BYTES).map_err(|e| match e {
        xmldoc::BoundedError::TooLarge => {
            InvoiceError::whole(&name, ErrorKind::TooLarge(MAX_BYTES))
        }
        xmldoc::BoundedError::Io(e) => InvoiceError::whole(&name, ErrorKind::Io(e.to_string())),
    })
}

/// The SHA-256 of a file's bytes as received, lower-case hex: how a kept original is named.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Reads one e-invoice. `file` names it in errors and warnings.
pub fn read(bytes: &[u8], file: &str) -> Result<Reading, InvoiceError> {
    if bytes.len() as u64 > MAX_BYTES {
        return Err(InvoiceError::whole(file, ErrorKind::TooLarge(MAX_BYTES)));
    }
    let (text, encoding) = text::decode(bytes, file)?;
    let (body, lines_before, soap_frame) = strip_soap_frame(&text);
    let doc =
        xmldoc::Doc::parse(body, file).map_err(|e| InvoiceError::from_xml(e, lines_before))?;
    let root = doc.root();
    let at_root = |kind: ErrorKind| InvoiceError {
        file: file.to_owned(),
        line: root.line() + lines_before,
        element: format!("/{}", root.qname()),
        kind,
    };
    let (syntax, invoice, mut warnings) = match root.name() {
        "Finvoice" => finvoice::read(&doc, soap_frame).map_err(at_root)?,
        "Invoice" | "CreditNote" if ubl::is_ubl(root) => ubl::read(&doc).map_err(at_root)?,
        "Envelope" => {
            return Err(at_root(ErrorKind::UnknownFormat(
                "a SOAP envelope with no Finvoice after it".into(),
            )))
        }
        other => {
            let ns = root.attr("xmlns").map(|n| format!(" in namespace {n}"));
            return Err(at_root(ErrorKind::UnknownFormat(format!(
                "root element {other}{}",
                ns.unwrap_or_default()
            ))));
        }
    };
    for (path, line, count) in doc.unread() {
        warnings.push(Warning {
            location: path,
            line: Some(line),
            message: if count == 1 {
                "not read".to_owned()
            } else {
                format!("not read ({count} times)")
            },
        });
    }
    for w in &mut warnings {
        w.line = w.line.map(|l| l + lines_before);
    }
    let findings = rules::check(&invoice);
    Ok(Reading {
        schema: SCHEMA,
        syntax,
        sha256: sha256(bytes),
        encoding,
        invoice,
        findings,
        warnings,
    })
}

/// Finvoice's transport frame is a whole SOAP envelope followed by the invoice as a second
/// document in the same file. Returns the invoice part, the number of lines before it, and
/// whether a frame was there.
fn strip_soap_frame(text: &str) -> (&str, usize, bool) {
    let head = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let head = skip_prolog(head);
    let is_envelope = head
        .strip_prefix('<')
        .and_then(|h| h.split([' ', '>', '\n', '\r', '\t']).next())
        .is_some_and(|name| name == "Envelope" || name.ends_with(":Envelope"));
    if !is_envelope {
        return (text, 0, false);
    }
    // The envelope's closing tag, then the invoice with its own declaration.
    let Some(close) = find_envelope_end(text) else {
        return (text, 0, false);
    };
    let rest = &text[close..];
    if skip_prolog(rest).is_empty() {
        // An envelope with nothing after it: read it as it is, to be refused by its root.
        return (text, 0, false);
    }
    let lines_before = text[..close].bytes().filter(|b| *b == b'\n').count();
    (rest, lines_before, true)
}

/// Skips an XML declaration, processing instructions and comments at the start.
fn skip_prolog(mut s: &str) -> &str {
    loop {
        s = s.trim_start();
        if s.starts_with("<?") {
            match s.find("?>") {
                Some(i) => s = &s[i + 2..],
                None => return s,
            }
        } else if s.starts_with("<!--") {
            match s.find("-->") {
                Some(i) => s = &s[i + 3..],
                None => return s,
            }
        } else {
            return s;
        }
    }
}

/// The byte offset just after `</…:Envelope>`.
fn find_envelope_end(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find("</") {
        let at = from + i;
        let end = text[at..].find('>')? + at;
        let name = text[at + 2..end].trim();
        if name == "Envelope" || name.ends_with(":Envelope") {
            return Some(end + 1);
        }
        from = end;
    }
    None
}
