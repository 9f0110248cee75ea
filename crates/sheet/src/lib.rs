//! Tables in and out of Kumppani: what people upload from a spreadsheet, and the tables they
//! download to one.
//!
//! Reading gives rows of text cells whatever the file was: CSV (UTF-8, or Windows-1252 as
//! Finnish Excel saves it; `;` or `,` between cells, quotes as RFC 4180 has them) or XLSX (the
//! first worksheet of an Office Open XML workbook, ECMA-376 Part 1 §18). Writing takes rows of
//! typed cells, so that a number stays a number in the spreadsheet. Files from outside are
//! refused before they can grow in memory: an XLSX entry is read only up to [`MAX_XML`].

pub mod csv;
pub mod xlsx;

/// A table as read: rows of cells, each the text the cell showed.
pub type Rows = Vec<Vec<String>>;

/// A cell to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// A number as decimal text with a `.` (`1234.50`, `-3`): written as a number.
    Number(String),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn int(n: i64) -> Cell {
        Cell::Number(n.to_string())
    }

    /// The text a cell shows in CSV.
    pub fn as_str(&self) -> &str {
        match self {
            Cell::Text(s) | Cell::Number(s) => s,
        }
    }
}

/// Largest XML part of an XLSX read (a worksheet, the shared strings).
pub const MAX_XML: u64 = 32 * 1024 * 1024;

/// Most cells a table read from outside may hold, counting the empty ones a row is padded
/// with, and most text all its cells may hold together: a small file cannot grow into a large
/// table (one long shared string used by every cell, a cell addressed far to the right).
pub const MAX_CELLS: usize = 2_000_000;
pub const MAX_TEXT: usize = 64 * 1024 * 1024;
/// The rightmost column read.
pub const MAX_COLUMNS: usize = 256;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SheetError {
    #[error("not a workbook this reader knows: {0}")]
    Format(String),
    #[error("a part of the workbook is larger than {MAX_XML} bytes")]
    TooLarge,
    #[error("the workbook has no worksheet")]
    NoSheet,
}

impl SheetError {
    /// A stable code for the message shown to the person who uploaded the file.
    pub fn code(&self) -> &'static str {
        match self {
            SheetError::Format(_) | SheetError::NoSheet => "file-unreadable",
            SheetError::TooLarge => "file-too-long",
        }
    }
}

/// Refuses a table over the limits (CSV grows at most a few times its bytes, so this is a
/// check after reading).
fn bounded(rows: &Rows) -> Result<(), SheetError> {
    let cells: usize = rows.iter().map(Vec::len).sum();
    if cells > MAX_CELLS || rows.iter().any(|r| r.len() > MAX_COLUMNS) {
        return Err(SheetError::TooLarge);
    }
    Ok(())
}

/// Reads an uploaded table: XLSX when the bytes are a ZIP container, CSV otherwise.
pub fn read(bytes: &[u8]) -> Result<Rows, SheetError> {
    if bytes.starts_with(b"PK\x03\x04") {
        xlsx::read(bytes)
    } else {
        let rows = csv::read(&csv::decode(bytes));
        bounded(&rows)?;
        Ok(rows)
    }
}
