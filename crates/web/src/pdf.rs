//! Text documents as PDF (ISO 32000-1): A4 pages of headings, paragraphs and tables in the
//! standard Helvetica fonts, for minutes and reports that people file or send.
//!
//! The standard fonts are not embedded, so the file is not PDF/A (ISO 19005 requires embedded
//! fonts); every PDF reader has them. Text is written in WinAnsiEncoding, which holds the
//! Finnish and Swedish letters and the euro sign; anything else becomes `?`. Lines are wrapped
//! by Helvetica's average width, a little generously, so that no line runs off the page.

use chrono::{DateTime, Utc};
use std::fmt::Write as _;

/// A part of a document, from the top down.
#[derive(Debug, Clone)]
pub enum Block {
    Title(String),
    Heading(String),
    Text(String),
    /// A table: the header row, the rows, and each column's share of the width in per cent.
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
        widths: Vec<u32>,
    },
}

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;

/// One character in WinAnsiEncoding (Windows-1252).
fn win_ansi(c: char) -> u8 {
    match c {
        '€' => 0x80,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '–' | '−' => 0x96,
        '—' => 0x97,
        '\u{a0}' | '\u{202f}' => b' ',
        c if (c as u32) < 0x100 && (c as u32) >= 0x20 => c as u8,
        _ => b'?',
    }
}

/// A PDF string literal of the text.
fn literal(s: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in s.chars() {
        let b = win_ansi(c);
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
}

/// Splits text into lines of at most `max` characters at spaces (a longer word is cut).
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let mut word = word.to_owned();
            while word.chars().count() > max {
                let head: String = word.chars().take(max).collect();
                word = word.chars().skip(max).collect();
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                lines.push(head);
            }
            if line.chars().count() + word.chars().count() + usize::from(!line.is_empty()) > max {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        lines.push(line);
    }
    lines
}

/// Characters that fit in `width` points at `size`: Helvetica averages about half an em.
fn fit(width: f32, size: f32) -> usize {
    ((width / (size * 0.55)).floor() as usize).max(1)
}

struct Layout {
    pages: Vec<Vec<u8>>,
    page: Vec<u8>,
    y: f32,
}

impl Layout {
    fn new() -> Layout {
        Layout {
            pages: Vec::new(),
            page: Vec::new(),
            y: PAGE_H - MARGIN,
        }
    }

    fn room(&mut self, height: f32) {
        if self.y - height < MARGIN {
            self.pages.push(std::mem::take(&mut self.page));
            self.y = PAGE_H - MARGIN;
        }
    }

    fn text(&mut self, x: f32, font: &str, size: f32, s: &str) {
        let _ = write!(
            PageWriter(&mut self.page),
            "BT /{font} {size} Tf {x:.1} {:.1} Td ",
            self.y
        );
        self.page.extend(literal(s));
        self.page.extend_from_slice(b" Tj ET\n");
    }

    fn line(&mut self, font: &str, size: f32, s: &str, gap: f32) {
        self.room(size + gap);
        self.y -= size + gap;
        self.text(MARGIN, font, size, s);
    }
}

/// `write!` into the page's bytes.
struct PageWriter<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for PageWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// The document as PDF bytes.
pub fn write(title: &str, blocks: &[Block], created: DateTime<Utc>) -> Vec<u8> {
    let width = PAGE_W - 2.0 * MARGIN;
    let mut l = Layout::new();
    for b in blocks {
        match b {
            Block::Title(s) => {
                for line in wrap(s, fit(width, 16.0)) {
                    l.line("F2", 16.0, &line, 6.0);
                }
                l.y -= 6.0;
            }
            Block::Heading(s) => {
                l.room(40.0);
                l.y -= 8.0;
                for line in wrap(s, fit(width, 12.0)) {
                    l.line("F2", 12.0, &line, 4.0);
                }
            }
            Block::Text(s) => {
                for line in wrap(s, fit(width, 10.0)) {
                    l.line("F1", 10.0, &line, 4.0);
                }
            }
            Block::Table { head, rows, widths } => {
                let xs: Vec<(f32, f32)> = {
                    let mut x = MARGIN;
                    widths
                        .iter()
                        .map(|w| {
                            let cw = width * (*w as f32) / 100.0;
                            let at = x;
                            x += cw;
                            (at, cw - 6.0)
                        })
                        .collect()
                };
                let row_out = |l: &mut Layout, cells: &[String], font: &str| {
                    let wrapped: Vec<Vec<String>> = cells
                        .iter()
                        .zip(&xs)
                        .map(|(c, (_, w))| wrap(c, fit(*w, 9.0)))
                        .collect();
                    let n = wrapped.iter().map(Vec::len).max().unwrap_or(1);
                    l.room(n as f32 * 12.0 + 4.0);
                    for i in 0..n {
                        l.y -= 12.0;
                        for (lines, (x, _)) in wrapped.iter().zip(&xs) {
                            if let Some(s) = lines.get(i) {
                                l.text(*x, font, 9.0, s);
                            }
                        }
                    }
                    l.y -= 3.0;
                };
                row_out(&mut l, head, "F2");
                for r in rows {
                    row_out(&mut l, r, "F1");
                }
            }
        }
    }
    l.pages.push(std::mem::take(&mut l.page));

    // Objects: 1 catalog, 2 pages, 3 and 4 fonts, 5 info, then a page and its content each.
    let n_pages = l.pages.len();
    let page_id = |i: usize| 6 + 2 * i;
    let mut objects: Vec<Vec<u8>> = Vec::new();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = (0..n_pages)
        .map(|i| format!("{} 0 R", page_id(i)))
        .collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {n_pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
    );
    for font in ["Helvetica", "Helvetica-Bold"] {
        objects.push(
            format!(
                "<< /Type /Font /Subtype /Type1 /BaseFont /{font} /Encoding /WinAnsiEncoding >>"
            )
            .into_bytes(),
        );
    }
    let mut info = b"<< /Title ".to_vec();
    info.extend(literal(title));
    info.extend(
        format!(
            " /Producer (Kumppani) /CreationDate (D:{}Z) >>",
            created.format("%Y%m%d%H%M%S")
        )
        .into_bytes(),
    );
    objects.push(info);
    for (i, content) in l.pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] \
                 /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                page_id(i) + 1
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(content);
        stream.extend_from_slice(b"\nendstream");
        objects.push(stream);
    }
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).into_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").into_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .into_bytes(),
    );
    out
}
