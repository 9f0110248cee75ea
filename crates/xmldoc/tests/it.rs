//! The one integration-test binary of `xmldoc`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use xmldoc::{Doc, ErrorKind};

#[test]
fn reads_names_text_attributes_and_entities() {
    let src = r#"<?xml version="1.0"?>
<r:Root xmlns:r="urn:x" a="1 &amp; 2">
  <Title lang='fi'>Perhetyö &amp; tuki &#x41;</Title>
  <Empty flag="yes"/>
  <P>one</P><P>two</P>
  <![CDATA[<raw>]]>
</r:Root>"#;
    let doc = Doc::parse(src, "t.xml").unwrap();
    let root = doc.root();
    assert_eq!(root.name(), "Root");
    assert_eq!(root.qname(), "r:Root");
    assert_eq!(root.attr("a").as_deref(), Some("1 & 2"));
    let title = root.child("Title").unwrap();
    assert_eq!(title.text(), "Perhetyö & tuki A");
    assert_eq!(title.attr("lang").as_deref(), Some("fi"));
    assert_eq!(title.line(), 3);
    assert_eq!(root.all("P").len(), 2);
    assert_eq!(
        root.at("Empty").unwrap().attr("flag").as_deref(),
        Some("yes")
    );
    assert_eq!(title.path(), "/r:Root/Title");

    // What no reader looked at is reported: here the root's own text (the CDATA), the flag
    // element and the second paragraph.
    let doc = Doc::parse(src, "t.xml").unwrap();
    let root = doc.root();
    let _ = root.child("Title").unwrap().text();
    let _ = root.children_named("P").next().unwrap().text();
    let unread: Vec<_> = doc.unread().into_iter().map(|(p, l, _)| (p, l)).collect();
    assert_eq!(
        unread,
        [
            ("/r:Root".to_owned(), 2),
            ("/r:Root/Empty".to_owned(), 4),
            ("/r:Root/P".to_owned(), 5)
        ]
    );
}

#[test]
fn refuses_dtds_unknown_entities_and_malformed_input_naming_file_line_and_element() {
    let xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<r>&x;</r>";
    let e = Doc::parse(xxe, "xxe.xml").err().unwrap();
    assert_eq!(e.kind, ErrorKind::Dtd);
    assert_eq!((e.file.as_str(), e.line), ("xxe.xml", 2));

    let e = Doc::parse("<r>\n<a>&ouml;</a></r>", "ent.xml")
        .err()
        .unwrap();
    assert_eq!(e.kind, ErrorKind::Entity("ouml".into()));
    assert_eq!(e.line, 2);
    assert_eq!(e.element, "/r/a");

    let e = Doc::parse("<r>\n <a>\n  <b></a></r>", "bad.xml")
        .err()
        .unwrap();
    assert!(matches!(e.kind, ErrorKind::Malformed(_)), "{e}");
    assert_eq!(e.line, 3);
    assert_eq!(e.element, "/r/a/b");
    assert!(
        e.to_string()
            .starts_with("bad.xml:3 in /r/a/b: not well-formed XML"),
        "{e}"
    );

    let e = Doc::parse("<r><a>", "open.xml").err().unwrap();
    assert!(matches!(e.kind, ErrorKind::Malformed(_)));

    let deep = "<a>".repeat(200) + &"</a>".repeat(200);
    assert_eq!(
        Doc::parse(&deep, "deep.xml").err().unwrap().kind,
        ErrorKind::TooDeep
    );
}

#[test]
fn an_element_inside_text_stays_in_its_place() {
    let src = "<Doc>\n  <P>n<FT TYPE=\"SUP\">o</FT> 2016-360, <B>bold</B> <I>italic</I><BR/>next</P>\n  <P>second</P>\n</Doc>";
    let doc = Doc::parse(src, "t.xml").unwrap();
    assert_eq!(
        doc.root().deep_text(),
        "no 2016-360, bold italic next\nsecond"
    );
    // The caller may write an inline element its own way.
    let doc = Doc::parse(src, "t.xml").unwrap();
    let text = doc
        .root()
        .deep_text_with(|el, text| (el.name() == "FT").then(|| format!("^{text}")));
    assert_eq!(text, "n^o 2016-360, bold italic next\nsecond");
}

#[test]
fn a_file_over_the_limit_is_refused_before_it_is_read() {
    let dir = std::env::temp_dir().join(format!("xmldoc-bounded-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A sparse file of 64 GiB: more than this machine's memory, so reading it whole would fail.
    let big = dir.join("big.xml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(64 << 30).unwrap();
    drop(f);
    assert!(matches!(
        xmldoc::read_bounded(&big, 16 << 20),
        Err(xmldoc::BoundedError::TooLarge)
    ));
    let small = dir.join("small.xml");
    std::fs::write(&small, b"<r/>").unwrap();
    assert_eq!(xmldoc::read_bounded(&small, 4).unwrap(), b"<r/>");
    assert!(matches!(
        xmldoc::read_bounded(&small, 3),
        Err(xmldoc::BoundedError::TooLarge)
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}
