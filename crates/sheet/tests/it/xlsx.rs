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
