//! Language codes and `Accept-Language` negotiation.

use domain::locale::Lang;

#[test]
fn parse_codes() {
    let cases = [
        ("fi", Some(Lang::Fi)),
        ("sv", Some(Lang::Sv)),
        ("en", Some(Lang::En)),
        ("FI", Some(Lang::Fi)),
        ("sv-FI", Some(Lang::Sv)),
        ("en_GB", Some(Lang::En)),
        (" fi-FI ", Some(Lang::Fi)),
        ("de", None),
        ("", None),
        ("finnish", None),
    ];
    for (input, expected) in cases {
        assert_eq!(Lang::parse(input), expected, "{input:?}");
    }
}

#[test]
fn codes_round_trip() {
    for lang in Lang::ALL {
        assert_eq!(Lang::parse(lang.code()), Some(lang));
        assert_eq!(lang.to_string(), lang.code());
    }
    assert_eq!(Lang::default(), Lang::Fi);
}

#[test]
fn accept_language() {
    let cases = [
        ("sv-FI,sv;q=0.9,en;q=0.8", Some(Lang::Sv)),
        ("de,en;q=0.5", Some(Lang::En)),
        ("de", None),
        ("", None),
        ("fi-FI,fi;q=0.9,en-US;q=0.8,en;q=0.7", Some(Lang::Fi)),
        // q-values win over the order of the list.
        ("en;q=0.4, sv;q=0.9, fi;q=0.5", Some(Lang::Sv)),
        // q=0 means "not acceptable".
        ("fi;q=0, de", None),
        ("*", None),
    ];
    for (header, expected) in cases {
        assert_eq!(Lang::from_accept_language(header), expected, "{header:?}");
    }
}
