//! Bytes to text, and the number and date forms the syntaxes write.

use crate::{ErrorKind, InvoiceError};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::str::FromStr;

/// The encoding named by the first XML declaration in the file (a SOAP-framed Finvoice may carry
/// its declaration only on the invoice part), or `None`.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let at = head.windows(5).position(|w| w == b"<?xml")?;
    let rest = &head[at..];
    let end = rest.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&rest[..end]).ok()?;
    let i = decl.find("encoding")?;
    let after = decl[i + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let after = after.trim_start();
    let quote = after.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let value = &after[1..];
    let close = value.find(quote)?;
    Some(value[..close].trim().to_owned())
}

fn line_at(bytes: &[u8], pos: usize) -> usize {
    bytes[..pos.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Decodes the file by its declaration. Returns the text and the encoding's name.
///
/// A file declared UTF-8 (or declaring nothing) must be UTF-8. A file declared ISO-8859-15 whose
/// non-ASCII bytes form valid UTF-8 was written as UTF-8 and labelled wrongly: read as declared
/// it would turn every `ä` into `Ã¤`, so it is refused rather than guessed at.
pub fn decode<'b>(
    bytes: &'b [u8],
    file: &str,
) -> Result<(Cow<'b, str>, &'static str), InvoiceError> {
    let (bytes, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    let declared = declared_encoding(bytes);
    let label = declared.as_deref().unwrap_or("UTF-8");
    let encoding = encoding_rs::Encoding::for_label(label.as_bytes());
    let err = |line: usize, detail: String| InvoiceError {
        file: file.to_owned(),
        line,
        element: String::new(),
        kind: ErrorKind::Encoding {
            declared: label.to_owned(),
            detail,
        },
    };
    match encoding {
        Some(e) if e == encoding_rs::UTF_8 => match std::str::from_utf8(bytes) {
            Ok(s) => Ok((Cow::Borrowed(s), "UTF-8")),
            Err(e) => Err(err(
                line_at(bytes, e.valid_up_to()),
                format!("a byte at offset {} is not UTF-8", e.valid_up_to()),
            )),
        },
        Some(e)
            if e == encoding_rs::ISO_8859_15
                || e == encoding_rs::WINDOWS_1252
                || e == encoding_rs::ISO_8859_2 =>
        {
            if bom {
                return Err(err(
                    1,
                    "the file starts with a UTF-8 byte order mark".into(),
                ));
            }
            if !bytes.is_ascii() {
                if let Ok(s) = std::str::from_utf8(bytes) {
                    let pos = s.bytes().position(|b| !b.is_ascii()).unwrap_or(0);
                    return Err(err(
                        line_at(bytes, pos),
                        "the text is UTF-8, not the declared single-byte encoding".into(),
                    ));
                }
            }
            let (text, _) = e.decode_without_bom_handling(bytes);
            Ok((text, e.name()))
        }
        _ => Err(InvoiceError {
            file: file.to_owned(),
            line: 1,
            element: String::new(),
            kind: ErrorKind::UnsupportedEncoding(label.to_owned()),
        }),
    }
}

/// A decimal as either syntax writes it: Finvoice with a comma (`1088,36`), UBL with a point.
/// Spaces (thousands groups) are ignored.
pub fn decimal(s: &str) -> Option<Decimal> {
    let s = s.trim();
    if s.is_empty() || s.len() > 40 {
        return None;
    }
    let cleaned: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let cleaned = cleaned.strip_prefix('+').unwrap_or(&cleaned);
    Decimal::from_str(cleaned).ok()
}

/// A date as `CCYYMMDD` (Finvoice) or `YYYY-MM-DD` (UBL).
pub fn date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        NaiveDate::parse_from_str(s, "%Y%m%d").ok()
    } else {
        NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
    }
}

/// The Finnish business ID in a Finnish VAT number: `FI12345678` → `1234567-8`.
pub fn business_id_of_vat(vat: &str) -> Option<String> {
    let digits = vat.trim().strip_prefix("FI")?;
    if digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()) {
        Some(format!("{}-{}", &digits[..7], &digits[7..]))
    } else {
        None
    }
}

/// A business ID as written (`1234567-8`, or `12345678` without the hyphen), in its usual form.
pub fn business_id(s: &str) -> Option<String> {
    let s = s.trim();
    let digits: String = s.chars().filter(|c| *c != '-').collect();
    let shaped = s.len() == 9 && s.as_bytes().get(7) == Some(&b'-') || s.len() == 8;
    if shaped && digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()) {
        Some(format!("{}-{}", &digits[..7], &digits[7..]))
    } else {
        None
    }
}

/// Reads values out of elements and keeps a warning for each one that does not parse, so that
/// a bad amount is reported where it is rather than dropped.
#[derive(Default)]
pub struct Fields {
    pub warnings: Vec<crate::Warning>,
}

type El<'d, 'a> = xmldoc::El<'d, 'a>;

impl Fields {
    fn warn(&mut self, el: El<'_, '_>, message: String) {
        self.warnings.push(crate::Warning {
            location: el.path(),
            line: Some(el.line()),
            message,
        });
    }

    /// The element's text, or `None` when absent or empty.
    pub fn string(&mut self, el: Option<El<'_, '_>>) -> Option<String> {
        el.and_then(|e| e.text_opt()).map(str::to_owned)
    }

    pub fn decimal(&mut self, el: Option<El<'_, '_>>) -> Option<Decimal> {
        let el = el?;
        let t = el.text_opt()?;
        let d = decimal(t);
        if d.is_none() {
            self.warn(el, format!("not a number: {t:?}"));
        }
        d
    }

    pub fn date(&mut self, el: Option<El<'_, '_>>) -> Option<NaiveDate> {
        let el = el?;
        let t = el.text_opt()?;
        if let Some(format) = el.attr("Format") {
            if format != "CCYYMMDD" {
                self.warn(el, format!("date format {format} is not CCYYMMDD"));
            }
        }
        let d = date(t);
        if d.is_none() {
            self.warn(el, format!("not a date: {t:?}"));
        }
        d
    }
}
