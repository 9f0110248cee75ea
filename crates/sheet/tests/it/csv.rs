use sheet::{csv, Cell};

#[test]
fn semicolons_quotes_and_line_breaks_read_as_spreadsheets_write_them() {
    let text = "product;period;count\r\n\"toimeentulo; tuki\";2013-Q1;\"2 210\"\r\n\r\n\"sanoi \"\"kyllä\"\"\";\"rivi\nkaksi\";3\n";
    let rows = csv::read(text);
    assert_eq!(
        rows,
        vec![
            vec!["product", "period", "count"],
            vec!["toimeentulo; tuki", "2013-Q1", "2 210"],
            vec!["sanoi \"kyllä\"", "rivi\nkaksi", "3"],
        ]
    );
}

#[test]
fn commas_separate_when_the_header_has_more_of_them() {
    let rows = csv::read("a,b,c\n1,\"2,5\",3");
    assert_eq!(rows, vec![vec!["a", "b", "c"], vec!["1", "2,5", "3"]]);
    // Decimal commas in a semicolon file stay in their field.
    let rows = csv::read("a;b\n1,5;2,25\n");
    assert_eq!(rows[1], vec!["1,5", "2,25"]);
}

#[test]
fn windows_1252_and_a_byte_order_mark_decode() {
    // "Määrä;€" in Windows-1252.
    assert_eq!(csv::decode(b"M\xe4\xe4r\xe4;\x80"), "Määrä;€");
    assert_eq!(csv::decode("\u{feff}ok".as_bytes()), "ok");
}

#[test]
fn written_fields_are_quoted_and_never_formulas() {
    let out = csv::write(&[
        vec![
            Cell::text("Tuote"),
            Cell::text("a;b"),
            Cell::text("say \"hi\""),
        ],
        vec![
            Cell::text("=SUM(A1)"),
            Cell::int(-3),
            Cell::Number("1234.50".into()),
        ],
    ]);
    assert_eq!(
        out,
        "Tuote;\"a;b\";\"say \"\"hi\"\"\"\r\n'=SUM(A1);-3;1234.50\r\n"
    );
    // What is written reads back as it was (but the guard).
    let back = csv::read(&out);
    assert_eq!(back[0], vec!["Tuote", "a;b", "say \"hi\""]);
}
