//! Word search in Finnish as people write it: words are reduced to their stems with the Snowball
//! Finnish stemmer, so that "perhetyö" finds "tehostettua perhetyötä". Swedish and English text
//! in the same field is stemmed with their own stemmers, and a query stem also matches a longer
//! stem it begins, which catches the stemmer's uneven cuts ("ammatil" / "ammatillin").

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::BTreeSet;
use std::sync::OnceLock;

struct Stemmers {
    fi: Stemmer,
    sv: Stemmer,
    en: Stemmer,
}

fn stemmers() -> &'static Stemmers {
    static S: OnceLock<Stemmers> = OnceLock::new();
    S.get_or_init(|| Stemmers {
        fi: Stemmer::create(Algorithm::Finnish),
        sv: Stemmer::create(Algorithm::Swedish),
        en: Stemmer::create(Algorithm::English),
    })
}

/// Lower-cased words of a text, split at anything that is not a letter or digit.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Every stem a text's words may have: Finnish, Swedish and English.
pub fn stems(text: &str) -> BTreeSet<String> {
    let s = stemmers();
    let mut out = BTreeSet::new();
    for w in words(text) {
        out.insert(s.fi.stem(&w).into_owned());
        out.insert(s.sv.stem(&w).into_owned());
        out.insert(s.en.stem(&w).into_owned());
        out.insert(w);
    }
    out
}

/// The shortest text stem that a longer query stem may begin with and still match.
pub const MIN_SHARED: usize = 5;

/// A query made of words; each must be found for a text to match.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// For each query word, its stems in the three languages.
    terms: Vec<Vec<String>>,
}

impl Query {
    pub fn parse(q: &str) -> Query {
        let s = stemmers();
        let terms = words(q)
            .map(|w| {
                let mut v = vec![
                    s.fi.stem(&w).into_owned(),
                    s.sv.stem(&w).into_owned(),
                    s.en.stem(&w).into_owned(),
                ];
                v.sort();
                v.dedup();
                v
            })
            .collect();
        Query { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether every query word has a stem that begins one of the text's stems, or shares
    /// with one all but the last letter of the shorter of the two (and at least
    /// [`MIN_SHARED`] letters): the stemmer cuts a base form and its inflections unevenly
    /// ("ammatillin" / "ammatil" / "ammatillis").
    pub fn matches(&self, text_stems: &BTreeSet<String>) -> bool {
        self.terms
            .iter()
            .all(|alts| alts.iter().any(|q| matches_stem(q, text_stems)))
    }
}

fn matches_stem(q: &str, text_stems: &BTreeSet<String>) -> bool {
    let begins = text_stems
        .range(q.to_owned()..)
        .next()
        .is_some_and(|s| s.starts_with(q));
    if begins {
        return true;
    }
    let qc: Vec<char> = q.chars().collect();
    if qc.len() < MIN_SHARED {
        return false;
    }
    // Only stems that share the first MIN_SHARED letters can qualify: scan that range.
    let head: String = qc[..MIN_SHARED].iter().collect();
    text_stems
        .range(head.clone()..)
        .take_while(|s| s.starts_with(head.as_str()))
        .any(|s| {
            let sc: Vec<char> = s.chars().collect();
            let shared = qc.iter().zip(&sc).take_while(|(a, b)| a == b).count();
            let shorter = qc.len().min(sc.len());
            shared >= MIN_SHARED && shared + 1 >= shorter
        })
}
