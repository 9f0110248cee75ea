//! The CPV and NUTS code lists with their fi/sv/en labels, embedded from `data/codes/`
//! (eForms SDK, CC BY 4.0: see `data/codes/README.md`). Parsed once, on first use.

use crate::locale::Lang;
use std::collections::HashMap;
use std::sync::OnceLock;

const CPV_CSV: &str = include_str!("../../../data/codes/cpv-2008-labels-fi-sv-en.csv");
const NUTS_CSV: &str = include_str!("../../../data/codes/nuts-labels-fi-sv-en.csv");

/// One code with its labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub code: String,
    pub fi: String,
    pub sv: String,
    pub en: String,
    /// CPV only: one of the social and other specific services of the procurement directive.
    pub social_service: bool,
}

impl Code {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fi => &self.fi,
            Lang::Sv => &self.sv,
            Lang::En => &self.en,
        }
    }
}

pub struct CodeList {
    codes: Vec<Code>,
    index: HashMap<String, usize>,
}

impl CodeList {
    fn parse(csv: &str) -> CodeList {
        let mut codes = Vec::new();
        for line in csv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let f = split_csv_line(line);
            let get = |i: usize| f.get(i).map(|s| s.trim().to_owned()).unwrap_or_default();
            codes.push(Code {
                code: get(0),
                fi: get(1),
                sv: get(2),
                en: get(3),
                social_service: get(4).trim() == "1",
            });
        }
        let index = codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        CodeList { codes, index }
    }

    /// Looks a code up; CPV codes may be given with their check digit (`85311300-5`).
    pub fn get(&self, code: &str) -> Option<&Code> {
        let code = code.trim();
        let base = code.split('-').next().unwrap_or(code);
        self.index.get(base).map(|&i| &self.codes[i])
    }

    pub fn all(&self) -> &[Code] {
        &self.codes
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

/// Splits one CSV line with RFC 4180 quoting (`"a, b"`, `""` for a quote). The embedded files
/// have no line breaks inside fields.
fn split_csv_line(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

pub fn cpv() -> &'static CodeList {
    static L: OnceLock<CodeList> = OnceLock::new();
    L.get_or_init(|| CodeList::parse(CPV_CSV))
}

pub fn nuts() -> &'static CodeList {
    static L: OnceLock<CodeList> = OnceLock::new();
    L.get_or_init(|| CodeList::parse(NUTS_CSV))
}

const NOTICE_CSV: &str = include_str!("../../../data/notice/labels-fi-sv-en.csv");

/// The eForms SDK's names for business terms, notice subtypes and codes, keyed as in
/// `data/notice/labels-fi-sv-en.csv` (`business-term:BT-21`, `notice:16`,
/// `code:procurement-procedure-type.open`).
pub fn notice_labels() -> &'static CodeList {
    static L: OnceLock<CodeList> = OnceLock::new();
    L.get_or_init(|| CodeList::parse(NOTICE_CSV))
}

/// One notice label in `lang`, looked up by its exact key.
pub fn notice_label(key: &str, lang: Lang) -> Option<&'static str> {
    let list = notice_labels();
    list.index.get(key).map(|&i| list.codes[i].label(lang))
}
