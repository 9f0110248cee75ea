//! Word search over stems: inflected Finnish finds its base form and back, every query word
//! must match, Swedish is stemmed as Swedish.

// A failing unwrap is exactly how a test should fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::search::{stems, words, Query};

#[test]
fn query_matches_text() {
    // (query, text, matches)
    let cases: &[(&str, &str, bool)] = &[
        ("perhetyö", "Tehostettua perhetyötä tehdään", true),
        ("perhetyötä", "Perhetyö", true),
        ("Perhetyö", "tehostettu perhetyö", true),
        // The documented uneven cut: query stem "ammatil" begins text stem "ammatillin".
        ("ammatillista", "ammatillinen tukihenkilötyö", true),
        ("ammatillisen", "ammatilliset palvelut", true),
        ("tukihenkilötyö", "ammatillista tukihenkilötyötä", true),
        (
            "perhetyö kotka",
            "Tehostettu perhetyö, Kotka ja Hamina",
            true,
        ),
        ("perhetyö kotka", "Tehostettu perhetyö, Kouvola", false),
        ("Kotka perhetyö", "perhetyötä Kotkassa", true),
        ("familjearbete", "Intensifierat familjearbetet", true),
        ("familjearbetet", "familjearbete", true),
        ("family work", "Intensive family work in Kotka", true),
        ("perheterapia", "Tehostettua perhetyötä tehdään", false),
        ("lastensuojelu", "Tehostettua perhetyötä tehdään", false),
        ("perhetyö", "", false),
        ("perhetyö!", "– perhetyötä –", true),
    ];
    for (q, text, want) in cases {
        let query = Query::parse(q);
        assert!(!query.is_empty(), "{q:?}");
        assert_eq!(query.matches(&stems(text)), *want, "{q:?} in {text:?}");
    }
}

#[test]
fn empty_query() {
    for q in ["", "   ", " ,.- ", "–"] {
        let query = Query::parse(q);
        assert!(query.is_empty(), "{q:?}");
        // A query with no words does not restrict anything.
        assert!(query.matches(&stems("mitä tahansa")), "{q:?}");
    }
}

#[test]
fn words_split_and_lower_case() {
    let got: Vec<String> = words("Tehostettu PERHETYÖ, 2 h/vko (Kotka–Hamina)").collect();
    assert_eq!(
        got,
        vec!["tehostettu", "perhetyö", "2", "h", "vko", "kotka", "hamina"]
    );
}

#[test]
fn stems_keep_the_word_itself() {
    let s = stems("Perhetyötä");
    assert!(s.contains("perhetyötä"), "{s:?}");
    assert!(stems("").is_empty());
}

/// Was a bug: the Finnish stemmer cuts "ammatillinen" to "ammatillin" but "ammatillista" to
/// "ammatil" and "ammatillisen" to "ammatillis". A query stem only matches a text stem it
/// begins, so the base form of a -nen adjective does not find its inflected forms.
#[test]
fn base_form_of_a_nen_adjective_finds_its_inflections() {
    for text in ["ammatillista tukihenkilötyötä", "ammatillisen tuen"] {
        assert!(
            Query::parse("ammatillinen").matches(&stems(text)),
            "ammatillinen in {text:?}"
        );
    }
}
