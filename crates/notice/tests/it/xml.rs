use notice::ErrorKind;

#[test]
fn the_size_limit_holds_before_parsing() {
    let big = vec![b' '; notice::MAX_BYTES + 1];
    let e = notice::read(&big, "big.xml").unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge(notice::MAX_BYTES));
    let e = notice::read(b"\xff\xfe<r/>", "latin.xml").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Encoding(_)));
}

#[test]
fn a_dtd_in_a_notice_is_refused_with_its_line() {
    let xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<r>&x;</r>";
    let e = notice::read(xxe.as_bytes(), "xxe.xml").unwrap_err();
    assert_eq!((e.kind, e.line), (ErrorKind::Dtd, 2));
}
