//! The PDF writer: a file any reader takes (every cross-reference entry points at its object,
//! the trailer at the table), text in WinAnsi, and pages added as the text grows.

use web::pdf::{write, Block};

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The cross-reference table's offsets, checked against the objects they point at.
fn check_xref(pdf: &[u8]) -> usize {
    // The trailer and the table are ASCII; the objects before them need not be UTF-8.
    let at = pdf
        .windows(10)
        .rposition(|w| w == b"startxref\n")
        .expect("startxref");
    let tail = std::str::from_utf8(&pdf[at + 10..]).expect("ASCII trailer");
    let start: usize = tail
        .lines()
        .next()
        .and_then(|s| s.trim().parse().ok())
        .expect("offset");
    assert!(
        pdf[start..].starts_with(b"xref\n"),
        "startxref points at the table"
    );
    let table = std::str::from_utf8(&pdf[start..at]).expect("ASCII table");
    let mut lines = table.lines().skip(1);
    let count: usize = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|n| n.parse().ok())
        .expect("xref count");
    lines.next(); // object 0, free
    for n in 1..count {
        let off: usize = lines.next().expect("entry")[..10].parse().expect("offset");
        assert!(
            pdf[off..].starts_with(format!("{n} 0 obj").as_bytes()),
            "object {n} at {off}"
        );
    }
    count - 1
}

#[test]
fn minutes_are_a_well_formed_pdf_with_their_text_in_win_ansi() {
    let when = chrono::DateTime::parse_from_rfc3339("2013-09-30T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let pdf = write(
        "Pöytäkirja (Q3)",
        &[
            Block::Title("Pöytäkirja: sopimusseurantaryhmän kokous 2013-Q3".into()),
            Block::Text("Tilattu 1200, toteutunut 901 (75 %); arvo 353 966,86 €.".into()),
            Block::Table {
                head: vec!["Tuote".into(), "Määrä".into()],
                rows: vec![vec!["Palveluohjaus".into(), "901".into()]],
                widths: vec![70, 30],
            },
        ],
        when,
    );
    assert!(pdf.starts_with(b"%PDF-1.4\n"));
    assert!(pdf.ends_with(b"%%EOF\n"));
    assert_eq!(
        check_xref(&pdf),
        7,
        "catalog, pages, 2 fonts, info, a page and its content"
    );
    // "Pöytäkirja" in WinAnsi: ö is 0xF6, ä 0xE4; the euro sign 0x80; parentheses escaped.
    assert!(find(&pdf, b"(P\xf6yt\xe4kirja: sopimusseurantaryhm\xe4n").is_some());
    assert!(find(&pdf, b"\\(75 %\\); arvo 353 966,86 \x80.").is_some());
    assert!(find(&pdf, b"/CreationDate (D:20130930100000Z)").is_some());
}

#[test]
fn long_text_flows_onto_new_pages() {
    let long: Vec<Block> = (0..200)
        .map(|i| Block::Text(format!("Rivi {i}: {}", "sana ".repeat(30))))
        .collect();
    let pdf = write("pitkä", &long, chrono::Utc::now());
    let objects = check_xref(&pdf);
    let pages = (objects - 5) / 2;
    assert!(pages > 5, "{pages} pages");
    let count = format!("/Count {pages}");
    assert!(find(&pdf, count.as_bytes()).is_some());
}
