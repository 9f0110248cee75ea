//! CSV as spreadsheets save it and read it: fields separated by `;` (what Excel writes where
//! the decimal separator is a comma, as in Finland) or `,`, quoted with `"` when they hold a
//! separator, a quote or a line break (RFC 4180, with the separator chosen by the first line).

use crate::{Cell, Rows};

/// The text of a file: UTF-8 (a byte order mark dropped), or else Windows-1252, which is what
/// Excel writes for "CSV (semicolon separated)" on a Finnish Windows.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|b| windows_1252(*b)).collect(),
    }
}

/// One byte of Windows-1252: Latin-1, except 0x80–0x9F, where it has the euro sign, dashes
/// and quotes (only the ones a Finnish or Swedish table may hold are mapped; the rest stay
/// Latin-1 control points).
fn windows_1252(b: u8) -> char {
    match b {
        0x80 => '€',
        0x8a => 'Š',
        0x8e => 'Ž',
        0x91 => '‘',
        0x92 => '’',
        0x93 => '“',
        0x94 => '”',
        0x96 => '–',
        0x97 => '—',
        0x9a => 'š',
        0x9e => 'ž',
        _ => char::from(b),
    }
}

/// Splits text into rows of fields. The separator is the one of `;` and `,` that the first
/// line holds more of outside quotes (`;` on a tie). Blank lines are dropped.
pub fn read(text: &str) -> Rows {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| {
        let mut quoted = false;
        first
            .chars()
            .filter(|x| {
                if *x == '"' {
                    quoted = !quoted;
                }
                !quoted && *x == c
            })
            .count()
    };
    let sep = if count(',') > count(';') { ',' } else { ';' };
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, c) if c == sep => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                push_row(&mut rows, std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        push_row(&mut rows, row);
    }
    rows
}

fn push_row(rows: &mut Rows, row: Vec<String>) {
    if row.iter().any(|f| !f.trim().is_empty()) {
        rows.push(row);
    }
}

/// One field as written: quoted when it holds the separator, a quote or a line break; a text
/// that a spreadsheet would take for a formula (`=`, `+`, `-`, `@` first) gets a leading
/// apostrophe, so that opening the file never runs anything (OWASP: CSV injection).
fn field(c: &Cell) -> String {
    let s = match c {
        Cell::Text(s) if s.starts_with(['=', '+', '-', '@']) => format!("'{s}"),
        other => other.as_str().to_owned(),
    };
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Rows as CSV with `;` between fields and CRLF after each row, as Excel writes it.
pub fn write(rows: &[Vec<Cell>]) -> String {
    let mut out = String::new();
    for r in rows {
        out.push_str(&r.iter().map(field).collect::<Vec<_>>().join(";"));
        out.push_str("\r\n");
    }
    out
}
