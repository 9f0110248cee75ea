//! Reads public procurement notices into one normalized model ([`Notice`]):
//!
//! - **eForms** UBL notices (every subtype, SDK 1.3 and later, Finland's national extension),
//! - **TED XML** R2.0.8 and R2.0.9: the published `TED_EXPORT` documents and the eSender
//!   reception format, every standard form F01–F25, defence forms and T01/T02,
//! - **legacy Hilma JSON** notices of the Hilma write API.
//!
//! What a reader does not understand becomes a [`Warning`] with its location; nothing is dropped
//! silently. Input is checked before it is trusted: a size limit, no DTD (so no external
//! entities and no entity expansion), and malformed input is refused naming the file, line and
//! element.
//!
//! The crate depends on nothing of Kumppani and can be published on its own.

mod eforms;
mod hilma;
mod model;
pub mod ocds;
mod ted;
/// The safe XML tree the readers are built on.
pub use xmldoc as xml;

pub use eforms::{subtype_kind, SUBTYPES};
pub use model::*;

/// The largest notice accepted. Real notices are under 1 MB; the largest TED exports a few MB.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    #[error("the file is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the file is not UTF-8: {0}")]
    Encoding(String),
    #[error("not well-formed XML: {0}")]
    Malformed(String),
    #[error("a document type declaration (DTD) is not accepted")]
    Dtd,
    #[error("the entity &{0}; is not one of XML's predefined entities")]
    Entity(String),
    #[error("elements nest deeper than {} levels", xml::MAX_DEPTH)]
    TooDeep,
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("not a notice this reader knows: {0}")]
    UnknownFormat(String),
    #[error("{0}")]
    Invalid(String),
    #[error("the file cannot be read: {0}")]
    Io(String),
}

/// Why a file could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}{}: {kind}", if element.is_empty() { String::new() } else { format!(" in {element}") })]
pub struct NoticeError {
    pub file: String,
    pub line: usize,
    /// The path of the element being read, e.g. `/TED_EXPORT/FORM_SECTION`.
    pub element: String,
    pub kind: ErrorKind,
}

impl From<xml::XmlError> for NoticeError {
    fn from(e: xml::XmlError) -> NoticeError {
        NoticeError {
            file: e.file,
            line: e.line,
            element: e.element,
            kind: match e.kind {
                xml::ErrorKind::Malformed(m) => ErrorKind::Malformed(m),
                xml::ErrorKind::Dtd => ErrorKind::Dtd,
                xml::ErrorKind::Entity(n) => ErrorKind::Entity(n),
                xml::ErrorKind::TooDeep => ErrorKind::TooDeep,
            },
        }
    }
}

impl NoticeError {
    pub(crate) fn whole(file: &str, kind: ErrorKind) -> NoticeError {
        NoticeError {
            file: file.to_owned(),
            line: 1,
            element: String::new(),
            kind,
        }
    }
}

/// Reads a notice from a file, refused by its size before it is read: a file over
/// [`MAX_BYTES`] never occupies more memory than the limit.
pub fn read_file(path: &std::path::Path) -> Result<Reading, NoticeError> {
    let name = path.display().to_string();
    let bytes = xml::read_bounded(path, MAX_BYTES as u64).map_err(|e| {
        NoticeError::whole(
            &name,
            match e {
                xml::BoundedError::TooLarge => ErrorKind::TooLarge(MAX_BYTES),
                xml::BoundedError::Io(e) => ErrorKind::Io(e.to_string()),
            },
        )
    })?;
    read(&bytes, &name)
}

/// Reads one notice. `file` names it in errors and warnings.
pub fn read(bytes: &[u8], file: &str) -> Result<Reading, NoticeError> {
    if bytes.len() > MAX_BYTES {
        return Err(NoticeError::whole(file, ErrorKind::TooLarge(MAX_BYTES)));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // The fast check first; std's, only for a file that fails it, says where.
    let text = simdutf8::basic::from_utf8(bytes)
        .or_else(|_| std::str::from_utf8(bytes))
        .map_err(|e| {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            NoticeError {
                file: file.to_owned(),
                line,
                element: String::new(),
                kind: ErrorKind::Encoding(e.to_string()),
            }
        })?;
    let first = text.trim_start().chars().next();
    if first == Some('{') || first == Some('[') {
        return hilma::read(text, file);
    }
    let doc = xml::Doc::parse(text, file)?;
    let root = doc.root();
    let mut reading = match root.name() {
        "TED_EXPORT" => ted::read_export(&doc)?,
        "TED_ESENDERS" => ted::read_esender(&doc)?,
        n if ted::is_form_root(n) => ted::read_esender(&doc)?,
        n if eforms::is_root(n) => eforms::read(&doc)?,
        other => {
            return Err(NoticeError {
                file: file.to_owned(),
                line: root.line(),
                element: format!("/{}", root.qname()),
                kind: ErrorKind::UnknownFormat(format!("root element {other}")),
            })
        }
    };
    for (path, line, count) in doc.unread() {
        reading.warnings.push(Warning {
            location: path,
            line: Some(line),
            message: if count == 1 {
                "not read".to_owned()
            } else {
                format!("not read ({count} times)")
            },
        });
    }
    Ok(reading)
}

/// The baseline of the benchmark: a bare quick-xml pass over every event of a document, doing
/// nothing with them. Returns the number of events.
pub fn tokenize_only(bytes: &[u8]) -> Result<usize, String> {
    // The fastest way quick-xml offers: events borrowed straight from the input slice.
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut n = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return Ok(n),
            Ok(_) => n += 1,
            Err(e) => return Err(e.to_string()),
        }
    }
}
