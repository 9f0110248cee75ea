//! XLSX: the first worksheet of an Office Open XML workbook read into rows of text, and rows
//! of cells written as a workbook of one worksheet (ECMA-376 Part 1, §18.3 worksheets, §18.4
//! shared strings, §18.8.30 number formats).
//!
//! A cell reads as the text a person sees for the values Kumppani's uploads hold: a shared or
//! inline string, a number as its shortest decimal (`2210`, `1184320.5`), a boolean as `1` or
//! `0`, and a number shown as a date (a built-in date format, or a custom one with day, month
//! or year parts) as an ISO date, counted from 1899-12-30 as spreadsheets count serial dates.

use crate::{Cell, Rows, SheetError, MAX_CELLS, MAX_COLUMNS, MAX_TEXT, MAX_XML};
use std::io::{Cursor, Read, Write};
use xmldoc::{Doc, El};

fn part(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, SheetError> {
    let mut f = match archive.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(SheetError::Format(e.to_string())),
    };
    if f.size() > MAX_XML {
        return Err(SheetError::TooLarge);
    }
    let mut s = String::new();
    // The declared size may lie: the read stops at the limit either way.
    (&mut f)
        .take(MAX_XML + 1)
        .read_to_string(&mut s)
        .map_err(|e| SheetError::Format(e.to_string()))?;
    if s.len() as u64 > MAX_XML {
        return Err(SheetError::TooLarge);
    }
    Ok(Some(s))
}

fn parse<'a>(src: &'a str, name: &'a str) -> Result<Doc<'a>, SheetError> {
    Doc::parse(src, name).map_err(|e| SheetError::Format(e.to_string()))
}

/// The worksheet the workbook lists first: its path in the package.
fn first_sheet(archive: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<String, SheetError> {
    let fallback = "xl/worksheets/sheet1.xml".to_owned();
    let (Some(wb), Some(rels)) = (
        part(archive, "xl/workbook.xml")?,
        part(archive, "xl/_rels/workbook.xml.rels")?,
    ) else {
        return Ok(fallback);
    };
    let wb = parse(&wb, "xl/workbook.xml")?;
    let rels = parse(&rels, "xl/_rels/workbook.xml.rels")?;
    let Some(id) = wb
        .root()
        .descendants("sheet")
        .first()
        .and_then(|s| s.raw_attr("r:id").map(|v| v.into_owned()))
    else {
        return Err(SheetError::NoSheet);
    };
    let target = rels
        .root()
        .children_named("Relationship")
        .find(|r| r.attr("Id").as_deref() == Some(id.as_str()))
        .and_then(|r| r.attr("Target").map(|t| t.into_owned()));
    Ok(match target {
        Some(t) if t.starts_with('/') => t.trim_start_matches('/').to_owned(),
        Some(t) => format!("xl/{t}"),
        None => fallback,
    })
}

/// The text of a string item: its `t`, or the runs of rich text one after another.
fn string_item(si: El<'_, '_>) -> String {
    match si.child("t") {
        Some(t) => t.text().to_owned(),
        None => si
            .children_named("r")
            .filter_map(|r| r.child("t").map(|t| t.text().to_owned()))
            .collect(),
    }
}

/// Whether a number format shows dates: the built-in ones (14–22, 45–47) or a custom code with
/// day, month or year parts outside quoted text.
fn is_date_format(id: u32, custom: Option<&str>) -> bool {
    if let Some(code) = custom {
        let mut quoted = false;
        let mut bracket = false;
        return code.chars().any(|c| {
            match c {
                '"' => quoted = !quoted,
                '[' => bracket = true,
                ']' => bracket = false,
                _ => {}
            }
            !quoted && !bracket && matches!(c.to_ascii_lowercase(), 'd' | 'y')
        });
    }
    matches!(id, 14..=22 | 45..=47)
}

/// For each cell style index, whether it shows a date.
fn date_styles(archive: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<Vec<bool>, SheetError> {
    let Some(src) = part(archive, "xl/styles.xml")? else {
        return Ok(Vec::new());
    };
    let doc = parse(&src, "xl/styles.xml")?;
    let root = doc.root();
    let custom: Vec<(u32, String)> = root
        .child("numFmts")
        .map(|n| {
            n.children_named("numFmt")
                .filter_map(|f| {
                    Some((
                        f.attr("numFmtId")?.parse().ok()?,
                        f.attr("formatCode")?.into_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(root
        .child("cellXfs")
        .map(|x| {
            x.children_named("xf")
                .map(|xf| {
                    let id: u32 = xf
                        .attr("numFmtId")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    let code = custom
                        .iter()
                        .find(|(i, _)| *i == id)
                        .map(|(_, c)| c.as_str());
                    is_date_format(id, code)
                })
                .collect()
        })
        .unwrap_or_default())
}

/// A serial date (days since 1899-12-30, the fraction a time of day) as `YYYY-MM-DD`.
fn serial_date(v: &str) -> Option<String> {
    let days = v.parse::<f64>().ok()?.floor();
    if !(1.0..=2_958_465.0).contains(&days) {
        return None;
    }
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm); 1899-12-30 is day -25569.
    let z = days as i64 - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// `B12` → column 1 (zero-based).
fn column(r: &str) -> Option<usize> {
    let letters: String = r.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let n = letters.chars().fold(0usize, |n, c| {
        n * 26 + usize::from(c.to_ascii_uppercase() as u8 - b'A' + 1)
    });
    Some(n - 1)
}

/// A number as its shortest decimal: `2210`, not `2210.0`.
fn number(v: &str) -> String {
    match v.parse::<f64>() {
        Ok(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
        Ok(x) => format!("{x}"),
        Err(_) => v.to_owned(),
    }
}

/// Reads the first worksheet into rows of text; empty rows are dropped and missing cells are
/// empty text.
pub fn read(bytes: &[u8]) -> Result<Rows, SheetError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| SheetError::Format(e.to_string()))?;
    let shared: Vec<String> = match part(&mut archive, "xl/sharedStrings.xml")? {
        Some(src) => {
            let doc = parse(&src, "xl/sharedStrings.xml")?;
            let items = doc.root().children_named("si").map(string_item).collect();
            items
        }
        None => Vec::new(),
    };
    let dates = date_styles(&mut archive)?;
    let path = first_sheet(&mut archive)?;
    let src = part(&mut archive, &path)?.ok_or(SheetError::NoSheet)?;
    let doc = parse(&src, &path)?;
    let Some(data) = doc.root().child("sheetData") else {
        return Err(SheetError::NoSheet);
    };
    let mut rows = Vec::new();
    // What the table holds so far, against MAX_CELLS and MAX_TEXT.
    let (mut cells_read, mut text_read) = (0usize, 0usize);
    for row in data.children_named("row") {
        let mut cells: Vec<String> = Vec::new();
        for c in row.children_named("c") {
            let at = c.attr("r").and_then(|r| column(&r)).unwrap_or(cells.len());
            if at >= MAX_COLUMNS {
                return Err(SheetError::TooLarge);
            }
            let v = c.child("v").map(|v| v.text().to_owned());
            let text = match c.attr("t").as_deref() {
                Some("s") => v
                    .and_then(|i| i.trim().parse::<usize>().ok())
                    .and_then(|i| shared.get(i).cloned())
                    .unwrap_or_default(),
                Some("inlineStr") => c.child("is").map(string_item).unwrap_or_default(),
                Some("str") | Some("e") => v.unwrap_or_default(),
                Some("b") => v.unwrap_or_default(),
                _ => {
                    let style: usize = c.attr("s").and_then(|s| s.parse().ok()).unwrap_or(0);
                    match v {
                        Some(v) if dates.get(style).copied().unwrap_or(false) => {
                            serial_date(&v).unwrap_or(v)
                        }
                        Some(v) => number(&v),
                        None => String::new(),
                    }
                }
            };
            if cells.len() <= at {
                cells_read += at + 1 - cells.len();
                cells.resize(at + 1, String::new());
            }
            text_read += text.len();
            if cells_read > MAX_CELLS || text_read > MAX_TEXT {
                return Err(SheetError::TooLarge);
            }
            cells[at] = text;
        }
        if cells.iter().any(|c| !c.trim().is_empty()) {
            rows.push(cells);
        }
    }
    Ok(rows)
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 cannot carry are left out.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// `0` → `A`, `27` → `AB`.
fn column_name(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// One font, fill, border and cell format: the least a workbook's styles hold for every
/// reader to open it; the header row is bold (format 1).
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs></styleSheet>"#;

/// A workbook of one worksheet named `name` holding `rows`, the first row in bold as a header.
pub fn write(name: &str, rows: &[Vec<Cell>]) -> Result<Vec<u8>, SheetError> {
    // A sheet name is at most 31 characters and holds none of []:*?/\ (ECMA-376 §18.2.19).
    let sheet_name: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        escape(if sheet_name.is_empty() {
            "1"
        } else {
            &sheet_name
        })
    );
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (i, row) in rows.iter().enumerate() {
        let r = i + 1;
        sheet.push_str(&format!(r#"<row r="{r}">"#));
        let style = if i == 0 { r#" s="1""# } else { "" };
        for (j, c) in row.iter().enumerate() {
            let at = format!("{}{r}", column_name(j));
            match c {
                Cell::Number(n) if n.parse::<f64>().is_ok() => {
                    sheet.push_str(&format!(r#"<c r="{at}"{style}><v>{n}</v></c>"#));
                }
                other => sheet.push_str(&format!(
                    r#"<c r="{at}"{style} t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                    escape(other.as_str())
                )),
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (path, body) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", workbook.as_str()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/styles.xml", STYLES),
        ("xl/worksheets/sheet1.xml", sheet.as_str()),
    ] {
        zip.start_file(path, options)
            .map_err(|e| SheetError::Format(e.to_string()))?;
        zip.write_all(body.as_bytes())
            .map_err(|e| SheetError::Format(e.to_string()))?;
    }
    let out = zip
        .finish()
        .map_err(|e| SheetError::Format(e.to_string()))?;
    Ok(out.into_inner())
}
