use sheet::{xlsx, Cell, SheetError};

#[test]
fn a_written_workbook_reads_back_with_numbers_as_numbers() {
    let rows = vec![
        vec![
            Cell::text("Tuote"),
            Cell::text("Tilattu"),
            Cell::text("Arvo"),
        ],
        vec![
            Cell::text("Palveluohjaus <&> \"x\""),
            Cell::int(1200),
            Cell::Number("471432.00".into()),
        ],
        vec![Cell::text(""), Cell::int(0), Cell::Number("-0.5".into())],
    ];
    let bytes = xlsx::write("Seuranta 2013-Q3: [kaikki]", &rows).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let back = xlsx::read(&bytes).unwrap();
    assert_eq!(
        back,
        vec![
            vec!["Tuote", "Tilattu", "Arvo"],
            vec!["Palveluohjaus <&> \"x\"", "1200", "471432"],
            vec!["", "0", "-0.5"],
        ]
    );
    // The same through the entry point that tells the kinds apart.
    assert_eq!(sheet::read(&bytes).unwrap(), back);
}

#[test]
fn the_number_cells_are_numbers_in_the_worksheet() {
    let bytes = xlsx::write("t", &[vec![Cell::text("a")], vec![Cell::int(7)]]).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut z.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut s)
        .unwrap();
    assert!(s.contains(r#"<c r="A2"><v>7</v></c>"#), "{s}");
    assert!(s.contains(r#"t="inlineStr""#), "{s}");
}

/// A workbook saved by openpyxl 3.1 (shared strings, a date-formatted column, a float and a
/// gap in a row), made once by `tests/fixtures/make_openpyxl.py`.
#[test]
fn a_workbook_saved_by_another_program_reads() {
    let bytes = include_bytes!("../fixtures/openpyxl.xlsx");
    let rows = xlsx::read(bytes).unwrap();
    assert_eq!(
        rows,
        vec![
            vec!["product", "reference", "received", "decided"],
            vec!["toimeentulotuki", "TT-1", "2013-07-01", "2013-07-08"],
            vec!["toimeentulotuki", "TT-2", "2013-12-20", ""],
            vec!["palveluohjaus", "määrä", "1184320.5", "12"],
        ]
    );
}

#[test]
fn what_is_not_a_workbook_is_refused() {
    assert!(matches!(
        xlsx::read(b"PK\x03\x04 not really"),
        Err(SheetError::Format(_))
    ));
}

#[test]
fn a_small_workbook_cannot_grow_into_a_large_table() {
    // A cell far to the right.
    let far = vec![vec![Cell::text("a")]];
    let mut bytes = xlsx::write("t", &far).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut z.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    let sheet = sheet.replace(r#"r="A1""#, r#"r="XFD1""#);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().to_owned();
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut body).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            body = sheet.clone().into_bytes();
        }
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, &body).unwrap();
    }
    bytes = w.finish().unwrap().into_inner();
    assert_eq!(xlsx::read(&bytes), Err(SheetError::TooLarge));
    // A CSV row wider than any table Kumppani reads.
    let wide = "a;".repeat(sheet::MAX_COLUMNS + 1);
    assert_eq!(sheet::read(wide.as_bytes()), Err(SheetError::TooLarge));
}
