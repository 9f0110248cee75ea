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

/// A notice file over the limit is refused by its size, before it is read: a sparse file of
/// 64 GiB (more than the machine's memory) is refused at once.
#[test]
fn a_notice_file_over_the_limit_is_refused_before_it_is_read() {
    let dir = std::env::temp_dir().join(format!("notice-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big.xml");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(64 << 30)
        .unwrap();
    let e = notice::read_file(&big).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge(notice::MAX_BYTES));
    let e = notice::read_file(&dir.join("missing.xml")).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Io(_)));
    std::fs::remove_dir_all(&dir).unwrap();
}
