//! TED XML R2.0.8 and R2.0.9: published `TED_EXPORT` documents and the eSender format.
//!
//! Two families of forms share these schemas:
//!
//! - the **2014 forms** of R2.0.9 (`F01_2014` … `F25_2014`, and `MOVE` for T01/T02): one
//!   regular layout (`CONTRACTING_BODY`, `OBJECT_CONTRACT` with one `OBJECT_DESCR` per lot,
//!   `PROCEDURE`, `AWARD_CONTRACT`, `COMPLEMENTARY_INFO`), read by path;
//! - the **R2.0.8 forms** (`PRIOR_INFORMATION` … `CONTRACT_MOVE`, and the defence forms
//!   `PRIOR_INFORMATION_DEFENCE`, `CONTRACT_DEFENCE`, `CONTRACT_AWARD_DEFENCE`,
//!   `CONTRACT_CONCESSIONAIRE_DEFENCE`): every form its own container names around shared
//!   building blocks (`CA_CE_CONCESSIONAIRE_PROFILE`, `TITLE_CONTRACT`, `CPV`, `LOCATION_NUTS`,
//!   `*_ANNEX_B` lots, `AWARD_OF_CONTRACT*`, `DAY`/`MONTH`/`YEAR` dates), read by walking the
//!   form and recognising those blocks by name.
//!
//! A published document has one form element per language in `FORM_SECTION`; the one marked
//! `CATEGORY="ORIGINAL"` is read in full, the others give their language's title, description,
//! lot titles and descriptions and buyer names, and are otherwise taken as translations of the
//! original. `CODED_DATA_SECTION` (TED's own coding of the notice) gives the TED number, the
//! publication date, and fallbacks for what the form lacks; `TRANSLATION_SECTION` gives TED's
//! title in every official language (used where no form section has that language).
//!
//! What no model field holds is left unread and so reported by [`crate::read`]. Two subtrees are
//! taken as read on purpose: `LINKS_SECTION` (fixed links to the TED website) and
//! `TECHNICAL_SECTION` (TED's processing data: reception id, deletion date, comments; its
//! language list is used).
//!
//! Element names the samples of the synthetic test set wrap in `choice`, `sequence` and `group`
//! (schema particles, not TED elements) are looked through.

use crate::model::*;
use crate::xml::{Children, Doc, El};
use crate::{ErrorKind, NoticeError};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    /// The R2.0.9 forms of the 2014 directives.
    Y2014,
    /// The R2.0.8 forms (older directives, defence, public passenger transport).
    Legacy,
}

/// The form (`F02`, `T01`, …) and family of a form element name.
fn form_info(name: &str) -> Option<(&'static str, Family)> {
    use Family::*;
    Some(match name {
        "F01_2014" => ("F01", Y2014),
        "F02_2014" => ("F02", Y2014),
        "F03_2014" => ("F03", Y2014),
        "F04_2014" => ("F04", Y2014),
        "F05_2014" => ("F05", Y2014),
        "F06_2014" => ("F06", Y2014),
        "F07_2014" => ("F07", Y2014),
        "F08_2014" => ("F08", Y2014),
        "F12_2014" => ("F12", Y2014),
        "F13_2014" => ("F13", Y2014),
        "F14_2014" => ("F14", Y2014),
        "F15_2014" => ("F15", Y2014),
        "F20_2014" => ("F20", Y2014),
        "F21_2014" => ("F21", Y2014),
        "F22_2014" => ("F22", Y2014),
        "F23_2014" => ("F23", Y2014),
        "F24_2014" => ("F24", Y2014),
        "F25_2014" => ("F25", Y2014),
        // T01 or T02, told by the FORM attribute.
        "MOVE" => ("MOVE", Y2014),
        "PRIOR_INFORMATION" => ("F01", Legacy),
        "CONTRACT" => ("F02", Legacy),
        "CONTRACT_AWARD" => ("F03", Legacy),
        "PERIODIC_INDICATIVE_UTILITIES" => ("F04", Legacy),
        "CONTRACT_UTILITIES" => ("F05", Legacy),
        "CONTRACT_AWARD_UTILITIES" => ("F06", Legacy),
        "QUALIFICATION_SYSTEM_UTILITIES" => ("F07", Legacy),
        "BUYER_PROFILE" => ("F08", Legacy),
        "SIMPLIFIED_CONTRACT" => ("F09", Legacy),
        "CONCESSION" => ("F10", Legacy),
        "CONTRACT_CONCESSIONAIRE" => ("F11", Legacy),
        "DESIGN_CONTEST" => ("F12", Legacy),
        "RESULT_DESIGN_CONTEST" => ("F13", Legacy),
        "ADDITIONAL_INFORMATION_CORRIGENDUM" => ("F14", Legacy),
        "VOLUNTARY_EX_ANTE_TRANSPARENCY_NOTICE" => ("F15", Legacy),
        "PRIOR_INFORMATION_DEFENCE" => ("F16", Legacy),
        "CONTRACT_DEFENCE" => ("F17", Legacy),
        "CONTRACT_AWARD_DEFENCE" => ("F18", Legacy),
        "CONTRACT_CONCESSIONAIRE_DEFENCE" => ("F19", Legacy),
        "PRIOR_INFORMATION_MOVE" => ("T01", Legacy),
        "CONTRACT_MOVE" => ("T02", Legacy),
        _ => return None,
    })
}

/// Root elements of eSender documents that are a form itself (`F02_2014`, `CONTRACT_DEFENCE`, …).
pub(crate) fn is_form_root(name: &str) -> bool {
    form_info(name).is_some()
}

/// What kind of notice a form is, where the form alone tells. F21–F23 tell by their
/// `NOTICE/@TYPE`.
fn form_kind(subtype: &str) -> Option<NoticeKind> {
    use NoticeKind::*;
    Some(match subtype {
        "F01" | "F04" | "F16" | "T01" => PriorInformation,
        // F07: a qualification system is a call for competition (eForms form type
        // "competition"); F09–F11 are the old simplified, concession and concessionaire contract
        // notices; F19 is the defence subcontract notice, a call for competition too.
        "F02" | "F05" | "F07" | "F09" | "F10" | "F11" | "F12" | "F17" | "F19" | "F24" => {
            ContractNotice
        }
        "F03" | "F06" | "F13" | "F18" | "F25" | "T02" => ContractAward,
        "F15" => VoluntaryExAnte,
        "F14" => Corrigendum,
        "F20" => Modification,
        "F08" => Other,
        _ => return None,
    })
}

/// F21–F23 `NOTICE/@TYPE`.
fn notice_type_kind(t: &str) -> Option<NoticeKind> {
    use NoticeKind::*;
    if t.starts_with("PRI") || t.starts_with("PER") {
        return Some(PriorInformation);
    }
    Some(match t {
        "CONTRACT" | "QSU_CALL_COMPETITION" => ContractNotice,
        "AWARD_CONTRACT" | "CONCESSION_AWARD_CONTRACT" => ContractAward,
        "QSU_ONLY" => Other,
        _ => return None,
    })
}

/// TED's document type code (`CODIF_DATA/TD_DOCUMENT_TYPE/@CODE`), the fallback.
fn document_type_kind(code: &str) -> Option<NoticeKind> {
    use NoticeKind::*;
    Some(match code {
        "0" | "A" | "M" | "P" => PriorInformation,
        "3" | "D" | "H" | "O" | "Y" => ContractNotice,
        "7" | "J" | "R" => ContractAward,
        "V" => VoluntaryExAnte,
        "K" => Modification,
        "2" => Corrigendum,
        "B" | "Q" => Other,
        _ => return None,
    })
}

/// A procedure element (`PT_OPEN`, `F17_PT_ACCELERATED_NEGOTIATED`, …) to the procedure code and
/// whether it is accelerated. The codes are eForms' `procurement-procedure-type`.
fn procedure_code(name: &str) -> Option<(&'static str, bool)> {
    let b = name.as_bytes();
    // R2.0.8 prefixes some with the form: `F18_PT_…`, `F03_AWARD_WITHOUT_PRIOR_PUBLICATION`.
    let n = if b.len() > 4
        && b[0] == b'F'
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && b[3] == b'_'
    {
        &name[4..]
    } else {
        name
    };
    let accelerated = n.contains("ACCELERATED");
    let code = if let Some(pt) = n.strip_prefix("PT_") {
        if pt.starts_with("DA_") || pt.contains("WITHOUT") {
            // Direct awards of Regulation 1370/2007 (T01/T02) are negotiated without a call in
            // eForms' list too.
            "neg-wo-call"
        } else if pt == "OPEN" {
            "open"
        } else if pt.contains("RESTRICTED") {
            "restricted"
        } else if pt == "COMPETITIVE_DIALOGUE" {
            "comp-dial"
        } else if pt == "INNOVATION_PARTNERSHIP" {
            "innovation"
        } else if pt.contains("NEGOTIAT") {
            "neg-w-call"
        } else if pt == "COMPETITIVE_TENDERING" {
            "comp-tend"
        } else if pt == "REQUEST_EXPRESSION_INTEREST" {
            "exp-int-rail"
        } else if pt == "AWARD_CONTRACT_WITH_PRIOR_PUBLICATION" {
            // A concession awarded after a concession notice: a procedure of the buyer's own
            // design, as eForms codes concessions.
            "oth-single"
        } else {
            return None;
        }
    } else if n.starts_with("AWARD_WITHOUT_PRIOR_PUBLICATION") {
        "neg-wo-call"
    } else {
        return None;
    };
    Some((code, accelerated))
}

/// `CODIF_DATA/PR_PROC/@CODE`, the fallback when the form names no procedure.
fn coded_procedure(code: &str) -> Option<(&'static str, bool)> {
    Some(match code {
        "1" => ("open", false),
        "2" => ("restricted", false),
        "3" => ("restricted", true),
        "4" | "B" => ("neg-w-call", false),
        "6" => ("neg-w-call", true),
        "C" => ("comp-dial", false),
        "G" => ("innovation", false),
        "A" | "F" | "T" | "V" => ("neg-wo-call", false),
        _ => return None,
    })
}

/// A directive as TED's coded data and older forms write it (`2014/24/EU`) to its CELEX number
/// (`32014L0024`), as `LEGAL_BASIS/@VALUE` gives it.
fn celex(directive: &str) -> String {
    let d = directive.trim();
    let mut parts = d.split('/');
    match (parts.next(), parts.next()) {
        (Some(y), Some(n))
            if y.len() == 4
                && y.bytes().all(|b| b.is_ascii_digit())
                && !n.is_empty()
                && n.len() <= 4
                && n.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("3{y}L{n:0>4}")
        }
        _ => d.to_owned(),
    }
}

/// TED writes the United Kingdom and Greece with their EU codes.
fn country(code: &str) -> String {
    match code.trim() {
        "UK" => "GB".to_owned(),
        "EL" => "GR".to_owned(),
        c => c.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Tree helpers
// ---------------------------------------------------------------------------------------------

/// Schema particles the synthetic samples keep as elements.
fn is_particle(name: &str) -> bool {
    matches!(name, "choice" | "sequence" | "group")
}

/// The children of an element, looking through `choice`/`sequence`/`group` particles. Allocates
/// only when there is a particle, i.e. never for real notices.
struct Kids<'d, 'a> {
    cur: Children<'d, 'a>,
    stack: Vec<Children<'d, 'a>>,
}

impl<'d, 'a> Iterator for Kids<'d, 'a> {
    type Item = El<'d, 'a>;
    fn next(&mut self) -> Option<El<'d, 'a>> {
        loop {
            match self.cur.next() {
                Some(c) if is_particle(c.name()) => {
                    c.touch();
                    let inner = c.children();
                    self.stack.push(std::mem::replace(&mut self.cur, inner));
                }
                Some(c) => return Some(c),
                None => self.cur = self.stack.pop()?,
            }
        }
    }
}

fn kids<'d, 'a>(el: El<'d, 'a>) -> Kids<'d, 'a> {
    Kids {
        cur: el.children(),
        stack: Vec::new(),
    }
}

/// The first child with this name (not marked).
fn kid<'d, 'a>(el: El<'d, 'a>, name: &str) -> Option<El<'d, 'a>> {
    kids(el).find(|c| c.name() == name)
}

fn has_children(el: El<'_, '_>) -> bool {
    el.children().next().is_some()
}

fn warn(w: &mut Vec<Warning>, el: El<'_, '_>, message: String) {
    w.push(Warning {
        location: el.path(),
        line: Some(el.line()),
        message,
    });
}

fn error_at(doc: &Doc<'_>, el: El<'_, '_>, kind: ErrorKind) -> NoticeError {
    NoticeError {
        file: doc.file().to_owned(),
        line: el.line(),
        element: el.path(),
        kind,
    }
}

/// Adds text in a language unless empty or already there.
fn put(t: &mut Text, lang: &str, s: String) {
    if !s.is_empty() && !t.contains_key(lang) {
        t.insert(lang.to_owned(), s);
    }
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !s.is_empty() && !v.iter().any(|x| x == s) {
        v.push(s.to_owned());
    }
}

fn owned(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// A required attribute; its absence is a warning (the element is read either way).
fn attr_of(el: El<'_, '_>, name: &str, w: &mut Vec<Warning>) -> Option<String> {
    match el.attr(name) {
        Some(v) if !v.trim().is_empty() => Some(v.trim().to_owned()),
        _ => {
            warn(w, el, format!("no {name} attribute"));
            None
        }
    }
}

fn digits(s: &str, len: usize) -> Option<u32> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `YYYY-MM-DD` (an offset after it is dropped) or `YYYYMMDD` to `YYYY-MM-DD`.
fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    let (y, m, d) = if s.as_bytes().get(4) == Some(&b'-') {
        (s.get(0..4)?, s.get(5..7)?, s.get(8..10)?)
    } else {
        (s.get(0..4)?, s.get(4..6)?, s.get(6..8)?)
    };
    let (yn, mn, dn) = (digits(y, 4)?, digits(m, 2)?, digits(d, 2)?);
    let leap = yn % 4 == 0 && (yn % 100 != 0 || yn % 400 == 0);
    let days = match mn {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (yn > 0 && (1..=days).contains(&dn)).then(|| format!("{y}-{m}-{d}"))
}

/// `H:MM` or `HH:MM[:SS]` to `HH:MM`.
fn parse_time(s: &str) -> Option<String> {
    let (h, rest) = s.trim().split_once(':')?;
    let m = rest.get(0..2)?;
    let hn: u32 = if h.len() <= 2 && !h.is_empty() && h.bytes().all(|b| b.is_ascii_digit()) {
        h.parse().ok()?
    } else {
        return None;
    };
    let mn = digits(m, 2)?;
    (hn <= 24 && mn <= 59).then(|| format!("{hn:02}:{m}"))
}

fn date_of(el: El<'_, '_>, w: &mut Vec<Warning>) -> Option<String> {
    let t = el.text();
    if t.is_empty() {
        return None;
    }
    let d = parse_date(t);
    if d.is_none() {
        warn(w, el, format!("not a date: {t:?}"));
    }
    d
}

fn time_of(el: El<'_, '_>, w: &mut Vec<Warning>) -> Option<String> {
    let t = el.text();
    if t.is_empty() {
        return None;
    }
    let r = parse_time(t);
    if r.is_none() {
        warn(w, el, format!("not a time: {t:?}"));
    }
    r
}

fn count_of(el: El<'_, '_>, w: &mut Vec<Warning>) -> Option<u32> {
    let t = el.text();
    if t.is_empty() {
        return None;
    }
    let n = t.parse().ok();
    if n.is_none() {
        warn(w, el, format!("not a count: {t:?}"));
    }
    n
}

/// An amount from the element's text and its `CURRENCY` attribute.
fn amount_of(el: El<'_, '_>, w: &mut Vec<Warning>) -> Option<Amount> {
    let currency = el.attr("CURRENCY");
    amount_in(el, el.text(), currency.as_deref(), w)
}

fn amount_in(
    el: El<'_, '_>,
    value: &str,
    currency: Option<&str>,
    w: &mut Vec<Warning>,
) -> Option<Amount> {
    let currency = currency.map(str::trim).filter(|c| !c.is_empty());
    let Some(currency) = currency else {
        warn(w, el, format!("an amount without a currency: {value:?}"));
        return None;
    };
    let a = Amount::parse(value, currency);
    if a.is_none() {
        warn(w, el, format!("not an amount: {value:?} {currency}"));
    }
    a
}

/// `VAL_RANGE_TOTAL` and its kin (`currency` from the element when `None`). A range whose ends
/// are equal is that amount; another range is not one amount: it is reported, not mapped.
fn range_of(
    el: El<'_, '_>,
    low: &str,
    high: &str,
    currency: Option<&str>,
    w: &mut Vec<Warning>,
) -> Option<Amount> {
    let own = el.attr("CURRENCY");
    let currency = currency.or(own.as_deref()).unwrap_or("").trim();
    let (mut lo, mut hi) = ("", "");
    for c in kids(el) {
        if c.name() == low {
            lo = c.text();
        } else if c.name() == high {
            hi = c.text();
        }
    }
    if !lo.is_empty() && lo == hi && !currency.is_empty() {
        if let Some(a) = Amount::parse(lo, currency) {
            return Some(a);
        }
    }
    warn(
        w,
        el,
        format!("a value range {lo}–{hi} {currency}: not one amount, not mapped"),
    );
    None
}

/// An organisation: the 2014 forms' `ADDRESS_*` blocks and R2.0.8's contact blocks (with
/// `ORGANISATION` and `E_MAILS` wrappers).
fn party(el: El<'_, '_>, lang: &str, w: &mut Vec<Warning>) -> Party {
    let mut p = Party::default();
    party_into(el, lang, &mut p, w);
    p
}

fn party_into(el: El<'_, '_>, lang: &str, p: &mut Party, w: &mut Vec<Warning>) {
    el.touch();
    for c in kids(el) {
        match c.name() {
            "ORGANISATION" | "E_MAILS" => {
                c.touch();
                party_into(c, lang, p, w);
            }
            "OFFICIALNAME" => put(&mut p.name, lang, c.text().to_owned()),
            "NATIONALID" => p.national_id = p.national_id.take().or_else(|| owned(c.text())),
            "ADDRESS" => p.address.street = p.address.street.take().or_else(|| owned(c.text())),
            "POSTAL_CODE" => {
                p.address.postal_code = p.address.postal_code.take().or_else(|| owned(c.text()))
            }
            "TOWN" => p.address.city = p.address.city.take().or_else(|| owned(c.text())),
            "COUNTRY" => {
                if let Some(v) = attr_of(c, "VALUE", w) {
                    p.address.country.get_or_insert(country(&v));
                }
            }
            "NUTS" => {
                if let Some(v) = attr_of(c, "CODE", w) {
                    p.address.nuts.get_or_insert(v);
                }
            }
            "URL_GENERAL" | "URL" => p.url = p.url.take().or_else(|| owned(c.text())),
            "E_MAIL" => p.email = p.email.take().or_else(|| owned(c.text())),
            // CONTACT_POINT, ATTENTION, PHONE, FAX, URL_BUYER: not in the model.
            _ => {}
        }
    }
}

/// `CPV_MAIN`/`CPV_ADDITIONAL`: the `CODE` of its `CPV_CODE` (supplementary codes are not in the
/// model).
fn cpv_code(el: El<'_, '_>, w: &mut Vec<Warning>) -> Option<String> {
    el.touch();
    let code = kid(el, "CPV_CODE")?;
    attr_of(code, "CODE", w)
}

// ---------------------------------------------------------------------------------------------
// Reading state
// ---------------------------------------------------------------------------------------------

struct St {
    n: Notice,
    w: Vec<Warning>,
    /// The original's language.
    lang: String,
    /// Where the original form is, for warnings about the whole notice.
    form_path: String,
    form_line: usize,
    notice_type: Option<String>,
    td_kind: Option<NoticeKind>,
    directive: Option<String>,
    /// A value range was met in the form (and reported there if not one amount).
    range_seen: bool,
    /// TED's own headings (`TI_TEXT`: country, town and the CPV's name): the title only when
    /// no form gives the buyer's.
    ted_titles: Text,
}

struct Forms<'d, 'a> {
    original: El<'d, 'a>,
    subtype: &'static str,
    family: Family,
    translations: Vec<(El<'d, 'a>, Family)>,
}

/// The forms of a `FORM_SECTION`: the original and its translations. `NOTICE_UUID`, the
/// eSender's identifier of the notice, goes to `uuid`.
fn forms_in<'d, 'a>(
    doc: &Doc<'a>,
    section: El<'d, 'a>,
    uuid: &mut Option<String>,
) -> Result<Forms<'d, 'a>, NoticeError> {
    section.touch();
    let mut all: Vec<(El<'d, 'a>, &'static str, Family)> = Vec::new();
    for c in kids(section) {
        if c.name() == "NOTICE_UUID" {
            *uuid = owned(c.text());
            continue;
        }
        match form_info(c.name()) {
            Some((subtype, family)) => all.push((c, subtype, family)),
            None => {
                return Err(error_at(
                    doc,
                    c,
                    ErrorKind::UnknownFormat(format!("TED form {}", c.qname())),
                ))
            }
        }
    }
    if all.is_empty() {
        return Err(error_at(
            doc,
            section,
            ErrorKind::Invalid("FORM_SECTION holds no form".into()),
        ));
    }
    let orig = all
        .iter()
        .position(|(e, _, _)| e.attr("CATEGORY").as_deref().map(str::trim) == Some("ORIGINAL"))
        .unwrap_or(0);
    let (original, subtype, family) = all[orig];
    let translations = all
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != orig)
        .map(|(_, (e, _, f))| (*e, *f))
        .collect();
    Ok(Forms {
        original,
        subtype,
        family,
        translations,
    })
}

/// The schema version: `VERSION` of the root or the form, else the namespace, else the family's.
fn schema_of(root: El<'_, '_>, form: El<'_, '_>, family: Family) -> String {
    for el in [root, form] {
        if let Some(v) = el.attr("VERSION") {
            if !v.trim().is_empty() {
                return v.trim().to_owned();
            }
        }
    }
    for el in [root, form] {
        if let Some(ns) = el.attr("xmlns") {
            if let Some(i) = ns.find("R2.0.") {
                let rest = &ns[i..];
                let end = rest.find('/').unwrap_or(rest.len());
                return rest[..end].to_owned();
            }
        }
    }
    match family {
        Family::Y2014 => "R2.0.9".to_owned(),
        Family::Legacy => "R2.0.8".to_owned(),
    }
}

impl St {
    fn start(format: Format, forms: &Forms<'_, '_>) -> St {
        let form = forms.original;
        let subtype = if forms.subtype == "MOVE" {
            match form.attr("FORM").as_deref().map(str::trim) {
                Some(f @ ("T01" | "T02")) => f.to_owned(),
                _ if kid(form, "AWARD_CONTRACT").is_some() => "T02".to_owned(),
                _ => "T01".to_owned(),
            }
        } else {
            forms.subtype.to_owned()
        };
        let lang = form.attr("LG").map(|l| lang2(&l)).unwrap_or_default();
        let mut n = Notice::new(format, NoticeKind::Other, subtype);
        push_unique(&mut n.languages, &lang);
        for (t, _) in &forms.translations {
            if let Some(l) = t.attr("LG") {
                push_unique(&mut n.languages, &lang2(&l));
            }
        }
        St {
            n,
            w: Vec::new(),
            lang,
            form_path: form.path(),
            form_line: form.line(),
            notice_type: None,
            td_kind: None,
            directive: None,
            range_seen: false,
            ted_titles: Text::new(),
        }
    }

    fn read_forms(&mut self, forms: &Forms<'_, '_>) {
        match forms.family {
            Family::Y2014 => read_2014(forms.original, self),
            Family::Legacy => {
                let lang = self.lang.clone();
                Legacy::new(self, lang, false).form(forms.original)
            }
        }
        for (t, family) in &forms.translations {
            let lang = t.attr("LG").map(|l| lang2(&l)).unwrap_or_default();
            if !lang.is_empty() {
                match family {
                    Family::Y2014 => translate_2014(*t, &lang, self),
                    Family::Legacy => Legacy::new(self, lang, true).form(*t),
                }
            }
            // A translation repeats the original; what the model keeps per language is read
            // above.
            t.touch_all();
        }
    }

    fn finish(mut self) -> Reading {
        let form = if self.n.subtype == "F21" || self.n.subtype == "F22" || self.n.subtype == "F23"
        {
            self.notice_type.as_deref().and_then(notice_type_kind)
        } else {
            form_kind(&self.n.subtype)
        };
        let has_award = !self.n.results.is_empty();
        let kind = form
            .or(self.td_kind)
            .or_else(|| has_award.then_some(NoticeKind::ContractAward));
        self.n.kind = match kind {
            Some(k) => k,
            None => {
                self.w.push(Warning {
                    location: self.form_path.clone(),
                    line: Some(self.form_line),
                    message: format!(
                        "{} without a NOTICE TYPE that tells its kind: taken as other",
                        self.n.subtype
                    ),
                });
                NoticeKind::Other
            }
        };
        if self.n.title.is_empty() {
            self.n.title = std::mem::take(&mut self.ted_titles);
        }
        let n = &mut self.n;
        if n.procedure.legal_basis.is_none() {
            n.procedure.legal_basis = self.directive.take();
        }
        // A notice whose own main CPV is empty takes its lots' when they all agree.
        if n.main_cpv.is_none() {
            let mut mains = n.lots.iter().filter_map(|l| l.main_cpv.as_ref());
            if let Some(first) = mains.next() {
                if mains.all(|m| m == first) {
                    n.main_cpv = Some(first.clone());
                }
            }
        }
        // TED forms give the main CPV once for the whole procurement; it is every lot's.
        let mut additional = std::mem::take(&mut n.additional_cpv);
        for lot in &mut n.lots {
            if lot.main_cpv.is_none() {
                lot.main_cpv = n.main_cpv.clone();
            }
            for c in &lot.additional_cpv {
                push_unique(&mut additional, c);
            }
            for c in &lot.nuts {
                push_unique(&mut n.nuts, c);
            }
        }
        additional.retain(|c| Some(c) != n.main_cpv.as_ref());
        n.additional_cpv = additional;
        n.dates.contract_start = n.lots.iter().filter_map(|l| l.start_date.clone()).min();
        n.dates.contract_end = n.lots.iter().filter_map(|l| l.end_date.clone()).max();
        // A result without a lot number in a notice of one lot is that lot's.
        if n.lots.len() == 1 {
            let id = n.lots[0].id.clone();
            for r in &mut n.results {
                if r.lot_ids.is_empty() {
                    r.lot_ids.push(id.clone());
                }
            }
        }
        Reading {
            notice: self.n,
            warnings: self.w,
        }
    }
}

/// Reads a published `TED_EXPORT` document.
pub(crate) fn read_export(doc: &Doc<'_>) -> Result<Reading, NoticeError> {
    let root = doc.root();
    let Some(section) = kid(root, "FORM_SECTION") else {
        return Err(error_at(
            doc,
            root,
            ErrorKind::Invalid("a TED_EXPORT without FORM_SECTION".into()),
        ));
    };
    let mut uuid = None;
    let forms = forms_in(doc, section, &mut uuid)?;
    let schema = schema_of(root, forms.original, forms.family);
    let mut st = St::start(Format::TedExport { schema }, &forms);
    st.n.identifiers.notice_number = uuid;
    st.read_forms(&forms);
    for sec in kids(root) {
        match sec.name() {
            "CODED_DATA_SECTION" => coded_data(sec, &mut st),
            "TRANSLATION_SECTION" => translation_section(sec, &mut st),
            "TECHNICAL_SECTION" => {
                for c in kids(sec) {
                    if c.name() == "FORM_LG_LIST" {
                        for l in c.text().split_whitespace() {
                            push_unique(&mut st.n.languages, &lang2(l));
                        }
                    }
                }
                sec.touch_all();
            }
            "LINKS_SECTION" => {
                sec.touch_all();
            }
            _ => {}
        }
    }
    if st.n.identifiers.ted_number.is_none() {
        st.n.identifiers.ted_number = root.attr("DOC_ID").and_then(|d| owned(&d));
    }
    Ok(st.finish())
}

/// Reads the eSender format: `TED_ESENDERS` (sender and forms) or a form element as root.
pub(crate) fn read_esender(doc: &Doc<'_>) -> Result<Reading, NoticeError> {
    let root = doc.root();
    let mut uuid = None;
    let mut sender_ref = None;
    let forms = if root.name() == "TED_ESENDERS" {
        for c in kids(root) {
            if c.name() == "SENDER" {
                // The sender's own reference of the notice (Hilma's notice number for notices
                // sent from Hilma); the rest of SENDER is about the eSender, not the notice.
                if let Some(r) = kid(c, "IDENTIFICATION").and_then(|i| kid(i, "NO_DOC_EXT")) {
                    sender_ref = owned(r.text());
                }
            }
        }
        let Some(section) = kid(root, "FORM_SECTION") else {
            return Err(error_at(
                doc,
                root,
                ErrorKind::Invalid("a TED_ESENDERS without FORM_SECTION".into()),
            ));
        };
        forms_in(doc, section, &mut uuid)?
    } else {
        let Some((subtype, family)) = form_info(root.name()) else {
            return Err(error_at(
                doc,
                root,
                ErrorKind::UnknownFormat(format!("TED form {}", root.qname())),
            ));
        };
        Forms {
            original: root,
            subtype,
            family,
            translations: Vec::new(),
        }
    };
    let schema = schema_of(root, forms.original, forms.family);
    let mut st = St::start(Format::TedEsender { schema }, &forms);
    st.n.identifiers.notice_number = uuid.or(sender_ref);
    st.read_forms(&forms);
    Ok(st.finish())
}

// ---------------------------------------------------------------------------------------------
// TED_EXPORT sections
// ---------------------------------------------------------------------------------------------

fn coded_data(sec: El<'_, '_>, st: &mut St) {
    sec.touch();
    for part in kids(sec) {
        part.touch();
        match part.name() {
            "REF_OJS" => {
                for c in kids(part) {
                    match c.name() {
                        "DATE_PUB" => st.n.dates.published = date_of(c, &mut st.w),
                        // The OJ S series and issue number, both part of the TED number.
                        "COLL_OJ" | "NO_OJ" => {
                            c.text();
                        }
                        _ => {}
                    }
                }
            }
            "NOTICE_DATA" => notice_data(part, st),
            "CODIF_DATA" => codif_data(part, st),
            _ => {}
        }
    }
}

fn notice_data(part: El<'_, '_>, st: &mut St) {
    for c in kids(part) {
        let (n, w) = (&mut st.n, &mut st.w);
        match c.name() {
            "NO_DOC_OJS" => n.identifiers.ted_number = owned(c.text()),
            // TED's list of the notice's CPV codes: the form's main and additional codes.
            "ORIGINAL_CPV" => {
                if let Some(code) = attr_of(c, "CODE", w) {
                    match &n.main_cpv {
                        None => n.main_cpv = Some(code),
                        Some(m) if *m == code => {}
                        Some(_) => push_unique(&mut n.additional_cpv, &code),
                    }
                }
            }
            "PERFORMANCE_NUTS" | "ORIGINAL_NUTS" => {
                if let Some(code) = attr_of(c, "CODE", w) {
                    push_unique(&mut n.nuts, &code);
                }
            }
            // The buyer's NUTS, country and address, as coded by TED: fallbacks.
            "CA_CE_NUTS" => {
                if let Some(code) = attr_of(c, "CODE", w) {
                    if let Some(b) = n.buyers.first_mut() {
                        b.address.nuts.get_or_insert(code);
                    }
                }
            }
            "ISO_COUNTRY" => {
                if let Some(v) = attr_of(c, "VALUE", w) {
                    if let Some(b) = n.buyers.first_mut() {
                        b.address.country.get_or_insert(country(&v));
                    }
                }
            }
            "IA_URL_GENERAL" => {
                if let (Some(u), Some(b)) = (owned(c.text()), n.buyers.first_mut()) {
                    b.url.get_or_insert(u);
                }
            }
            // The winners' NUTS, coded from the award section read above.
            "TENDERER_NUTS" => {
                c.touch();
            }
            "LG_ORIG" => {
                if let Some(l) = owned(c.text()) {
                    if n.languages.is_empty() {
                        n.languages.push(lang2(&l));
                    }
                }
            }
            "VALUES" => coded_values(c, st),
            "VALUES_LIST" => {
                c.touch();
                for v in kids(c) {
                    if v.name() == "VALUES" {
                        coded_values_list(v, n, w);
                    }
                }
            }
            // URI_LIST (links to the TED website), REF_NOTICE, IA_URL_ETENDERING: not in the
            // model.
            _ => {}
        }
    }
}

/// R2.0.9 coded values: `VALUE` or `VALUE_RANGE` with a `TYPE`. Fallbacks for the form's.
fn coded_values(el: El<'_, '_>, st: &mut St) {
    let (n, w) = (&mut st.n, &mut st.w);
    for v in kids(el) {
        let range = match v.name() {
            "VALUE" => false,
            "VALUE_RANGE" => true,
            _ => continue,
        };
        let slot = match v.attr("TYPE").as_deref() {
            Some("ESTIMATED_TOTAL") => &mut n.estimated_value,
            Some("PROCUREMENT_TOTAL") => &mut n.total_value,
            other => {
                warn(
                    w,
                    v,
                    format!("a value of type {:?}: not mapped", other.unwrap_or("")),
                );
                continue;
            }
        };
        if slot.is_some() || (range && st.range_seen) {
            // The form's value (or range, reported there), coded by TED.
            v.touch_all();
        } else if range {
            *slot = range_of(v, "LOW", "HIGH", None, w);
        } else {
            *slot = amount_of(v, w);
        }
    }
}

/// R2.0.8 coded values: `VALUES TYPE="GLOBAL|CONTRACT|…"` with `SINGLE_VALUE` or `RANGE_VALUE`.
fn coded_values_list(el: El<'_, '_>, n: &mut Notice, w: &mut Vec<Warning>) {
    match el.attr("TYPE").as_deref() {
        Some("GLOBAL") => {
            for s in kids(el) {
                match s.name() {
                    "SINGLE_VALUE" => {
                        s.touch();
                        if let Some(v) = kid(s, "VALUE") {
                            let a = amount_of(v, w);
                            let award = matches!(
                                form_kind(&n.subtype),
                                Some(NoticeKind::ContractAward | NoticeKind::VoluntaryExAnte)
                            );
                            let slot = if award {
                                &mut n.total_value
                            } else {
                                &mut n.estimated_value
                            };
                            if slot.is_none() {
                                *slot = a;
                            }
                        }
                    }
                    "RANGE_VALUE" => {
                        range_of(s, "LOW_VALUE", "HIGH_VALUE", None, w);
                    }
                    _ => {}
                }
            }
        }
        // The values of the single contracts, coded from the award section read above.
        Some("CONTRACT") => {
            el.touch_all();
        }
        other => warn(
            w,
            el,
            format!("values of type {:?}: not mapped", other.unwrap_or("")),
        ),
    }
}

fn codif_data(part: El<'_, '_>, st: &mut St) {
    let n = &mut st.n;
    let w = &mut st.w;
    for c in kids(part) {
        match c.name() {
            "DS_DATE_DISPATCH" => {
                if let Some(d) = date_of(c, w) {
                    n.dates.issued = Some(d);
                }
            }
            "DT_DATE_FOR_SUBMISSION" => {
                let t = c.text();
                let (d, time) = t.split_once(' ').unwrap_or((t, ""));
                match parse_date(d) {
                    Some(d) if n.dates.submission_deadline.is_none() => {
                        n.dates.submission_deadline = Some(match parse_time(time) {
                            Some(t) => format!("{d}T{t}"),
                            None => d,
                        });
                    }
                    Some(_) => {}
                    None if !t.is_empty() => warn(w, c, format!("not a date: {t:?}")),
                    None => {}
                }
            }
            "PR_PROC" => {
                if let Some(code) = attr_of(c, "CODE", w) {
                    if n.procedure.kind.is_none() {
                        if let Some((k, acc)) = coded_procedure(&code) {
                            n.procedure.kind = Some(k.to_owned());
                            if acc {
                                n.procedure.accelerated = Some(true);
                            }
                        }
                    }
                }
            }
            "TD_DOCUMENT_TYPE" => {
                if let Some(code) = attr_of(c, "CODE", w) {
                    st.td_kind = document_type_kind(&code);
                }
            }
            "DIRECTIVE" => {
                if let Some(v) = attr_of(c, "VALUE", w) {
                    st.directive.get_or_insert(celex(&v));
                }
            }
            // AA_AUTHORITY_TYPE, NC_CONTRACT_NATURE, RP_REGULATION, TY_TYPE_BID, AC_AWARD_CRIT,
            // MA_MAIN_ACTIVITIES, HEADING, INITIATOR: not in the model.
            _ => {}
        }
    }
}

fn translation_section(sec: El<'_, '_>, st: &mut St) {
    sec.touch();
    for c in kids(sec) {
        match c.name() {
            "ML_TITLES" => {
                c.touch();
                for d in kids(c) {
                    if d.name() != "ML_TI_DOC" {
                        continue;
                    }
                    d.touch();
                    let lang = d.attr("LG").map(|l| lang2(&l)).unwrap_or_default();
                    for k in kids(d) {
                        match k.name() {
                            // TED's heading of the notice in this language (country, town, the
                            // CPV's name): not the buyer's title, so kept apart and used only
                            // when no form gives a title at all.
                            "TI_TEXT" => {
                                let t = text_of(k);
                                if !lang.is_empty() {
                                    put(&mut st.ted_titles, &lang, t);
                                }
                            }
                            // The buyer's country and town in this language, as the form's
                            // address gives them.
                            "TI_CY" | "TI_TOWN" => {
                                k.text();
                            }
                            _ => {}
                        }
                    }
                }
            }
            "ML_AA_NAMES" => {
                c.touch();
                for d in kids(c) {
                    if d.name() != "AA_NAME" {
                        continue;
                    }
                    let lang = d.attr("LG").map(|l| lang2(&l)).unwrap_or_default();
                    let name = d.text();
                    if let Some(b) = st.n.buyers.first_mut() {
                        if !lang.is_empty() {
                            put(&mut b.name, &lang, name.to_owned());
                        }
                    }
                }
            }
            // TRANSLITERATIONS: the buyer's address in Latin letters, no language: not mapped.
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The 2014 forms (R2.0.9)
// ---------------------------------------------------------------------------------------------

fn read_2014(form: El<'_, '_>, st: &mut St) {
    let lang = st.lang.clone();
    for c in kids(form) {
        if matches!(
            c.name(),
            "CONTRACTING_BODY"
                | "OBJECT_CONTRACT"
                | "PROCEDURE"
                | "AWARD_CONTRACT"
                | "RESULTS"
                | "COMPLEMENTARY_INFO"
        ) {
            c.touch();
        }
        match c.name() {
            "LEGAL_BASIS" => {
                if let Some(v) = attr_of(c, "VALUE", &mut st.w) {
                    st.n.procedure.legal_basis.get_or_insert(v);
                }
            }
            // Forms of R2.0.9.S01 name the directive instead.
            "DIRECTIVE" => {
                if let Some(v) = attr_of(c, "VALUE", &mut st.w) {
                    st.directive = Some(celex(&v));
                }
            }
            "NOTICE" => st.notice_type = attr_of(c, "TYPE", &mut st.w),
            // An empty section says nothing.
            "LEFTI" if !has_children(c) => {
                c.touch();
            }
            "CONTRACTING_BODY" => contracting_body(c, &lang, st),
            "OBJECT_CONTRACT" => object_contract(c, &lang, st),
            "PROCEDURE" => procedure(c, st),
            "AWARD_CONTRACT" => award_contract(c, &lang, st),
            "RESULTS" => design_contest_results(c, &lang, st),
            "COMPLEMENTARY_INFO" => {
                for k in kids(c) {
                    match k.name() {
                        "DATE_DISPATCH_NOTICE" => {
                            if let Some(d) = date_of(k, &mut st.w) {
                                st.n.dates.issued.get_or_insert(d);
                            }
                        }
                        "INFO_ADD" => put(&mut st.n.additional_info, &lang, text_of(k)),
                        "ADDRESS_REVIEW_BODY" => {
                            st.n.review_body = Some(party(k, &lang, &mut st.w));
                        }
                        _ => {}
                    }
                }
            }
            // LEGAL_BASIS_OTHER, LEFTI, CHANGES (F14), MODIFICATIONS_CONTRACT (F20): not in the
            // model.
            _ => {}
        }
    }
}

fn contracting_body(cb: El<'_, '_>, lang: &str, st: &mut St) {
    for c in kids(cb) {
        if matches!(
            c.name(),
            "ADDRESS_CONTRACTING_BODY" | "ADDRESS_CONTRACTING_BODY_ADDITIONAL"
        ) {
            let p = party(c, lang, &mut st.w);
            st.n.buyers.push(p);
        }
        match c.name() {
            "URL_DOCUMENT" => st.n.documents_url = owned(c.text()),
            "URL_PARTICIPATION" => st.n.participation_url = owned(c.text()),
            _ => {}
        }
    }
}

fn object_contract(oc: El<'_, '_>, lang: &str, st: &mut St) {
    let mut position = 0;
    for c in kids(oc) {
        match c.name() {
            "TITLE" => put(&mut st.n.title, lang, text_of(c)),
            "REFERENCE_NUMBER" => st.n.identifiers.reference = owned(c.text()),
            "CPV_MAIN" => {
                if let Some(code) = cpv_code(c, &mut st.w) {
                    st.n.main_cpv = Some(code);
                }
            }
            "SHORT_DESCR" => put(&mut st.n.description, lang, text_of(c)),
            "VAL_ESTIMATED_TOTAL" => st.n.estimated_value = amount_of(c, &mut st.w),
            "VAL_TOTAL" => st.n.total_value = amount_of(c, &mut st.w),
            "VAL_RANGE_TOTAL" => {
                st.range_seen = true;
                st.n.total_value = range_of(c, "LOW", "HIGH", None, &mut st.w);
            }
            "NO_LOT_DIVISION" | "LOT_DIVISION" => {
                c.touch();
            }
            "OBJECT_DESCR" => {
                c.touch();
                position += 1;
                let lot = object_descr(c, lang, position, &mut st.w);
                st.n.lots.push(lot);
            }
            // TYPE_CONTRACT, CATEGORY (T01/T02), DATE_PUBLICATION_NOTICE, CALCULATION_METHOD:
            // not in the model.
            _ => {}
        }
    }
}

/// Options and renewals of a lot, as one text.
fn options_text(od: El<'_, '_>) -> String {
    let mut out = String::new();
    for c in kids(od) {
        if matches!(c.name(), "OPTIONS_DESCR" | "RENEWAL_DESCR") {
            let t = text_of(c);
            if !t.is_empty() {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&t);
            }
        }
    }
    out
}

fn object_descr(od: El<'_, '_>, lang: &str, position: usize, w: &mut Vec<Warning>) -> Lot {
    let mut lot = Lot::default();
    for c in kids(od) {
        match c.name() {
            "TITLE" => put(&mut lot.title, lang, text_of(c)),
            "LOT_NO" => lot.id = c.text().to_owned(),
            "CPV_MAIN" => lot.main_cpv = cpv_code(c, w),
            "CPV_ADDITIONAL" => {
                if let Some(code) = cpv_code(c, w) {
                    push_unique(&mut lot.additional_cpv, &code);
                }
            }
            "NUTS" => {
                if let Some(code) = attr_of(c, "CODE", w) {
                    push_unique(&mut lot.nuts, &code);
                }
            }
            "SHORT_DESCR" => put(&mut lot.description, lang, text_of(c)),
            "VAL_OBJECT" => lot.estimated_value = amount_of(c, w),
            "DURATION" => {
                let unit = attr_of(c, "TYPE", w).map(|t| t.to_lowercase());
                if let (Some(unit), Some(value)) = (unit, owned(c.text())) {
                    lot.duration = Some(Duration { value, unit });
                }
            }
            "DATE_START" => lot.start_date = date_of(c, w),
            "DATE_END" => lot.end_date = date_of(c, w),
            "OPTIONS" | "NO_OPTIONS" => {
                c.touch();
            }
            "RENEWAL" => {
                c.touch();
                lot.renewal = Some(true);
            }
            "NO_RENEWAL" => {
                c.touch();
                lot.renewal = Some(false);
            }
            "AC" => award_criteria(c, lang, &mut lot.award_criteria),
            // F15 gives the criteria under the directive the award was made under.
            n if n.starts_with("DIRECTIVE_") => {
                c.touch();
                for k in kids(c) {
                    if k.name() == "AC" {
                        award_criteria(k, lang, &mut lot.award_criteria);
                    }
                }
            }
            // Older forms put the criteria straight into OBJECT_DESCR.
            "AC_QUALITY" | "AC_COST" | "AC_PRICE" | "AC_PROCUREMENT_DOC" => {
                criterion(c, lang, &mut lot.award_criteria)
            }
            "INFO_ADD" => put(&mut lot.additional_info, lang, text_of(c)),
            // MAIN_SITE, EU_PROGR_RELATED, variants, candidates, ESSENTIAL_ASSETS,
            // JUSTIFICATION (F20), QS (F22): not in the model.
            _ => {}
        }
    }
    put(&mut lot.options, lang, options_text(od));
    if lot.id.is_empty() {
        lot.id = position.to_string();
    }
    lot
}

fn award_criteria(ac: El<'_, '_>, lang: &str, out: &mut Vec<AwardCriterion>) {
    ac.touch();
    for c in kids(ac) {
        criterion(c, lang, out);
    }
}

/// `AC_QUALITY`/`AC_COST` (`AC_CRITERION`, `AC_WEIGHTING`), `AC_PRICE` (`AC_WEIGHTING`). A bare
/// `AC_CRITERION` (concessions: criteria without a kind) is not mapped.
fn criterion(c: El<'_, '_>, lang: &str, out: &mut Vec<AwardCriterion>) {
    let kind = match c.name() {
        "AC_QUALITY" => "quality",
        "AC_COST" => "cost",
        "AC_PRICE" => "price",
        // The criteria are in the procurement documents only: nothing to list.
        "AC_PROCUREMENT_DOC" => {
            c.touch();
            return;
        }
        _ => return,
    };
    c.touch();
    let mut crit = AwardCriterion {
        kind: kind.to_owned(),
        name: Text::new(),
        weight: None,
    };
    for k in kids(c) {
        match k.name() {
            "AC_CRITERION" => put(&mut crit.name, lang, k.text().to_owned()),
            "AC_WEIGHTING" => crit.weight = owned(k.text()),
            _ => {}
        }
    }
    out.push(crit);
}

fn procedure(p: El<'_, '_>, st: &mut St) {
    let (mut date, mut time) = (None, None);
    for c in kids(p) {
        let name = c.name();
        // F15 names the procedure under the directive the award was made under.
        if name.starts_with("DIRECTIVE_") {
            c.touch();
            for k in kids(c) {
                procedure_type(k, st);
            }
            continue;
        }
        if procedure_type(c, st) {
            continue;
        }
        match name {
            // The justification (its P) is not in the model and stays reported.
            "ACCELERATED_PROC" => {
                c.touch();
                st.n.procedure.accelerated = Some(true);
            }
            "FRAMEWORK" => {
                c.touch();
                st.n.framework_agreement = true;
            }
            "DPS" => {
                c.touch();
                st.n.dynamic_purchasing_system = true;
            }
            "DATE_RECEIPT_TENDERS" => date = date_of(c, &mut st.w),
            "TIME_RECEIPT_TENDERS" => time = time_of(c, &mut st.w),
            _ => {}
        }
    }
    if let Some(d) = date {
        st.n.dates.submission_deadline = Some(match time {
            Some(t) => format!("{d}T{t}"),
            None => d,
        });
    }
}

/// A `PT_*` element: the procedure kind (the first one named). Its justification children are
/// not in the model.
fn procedure_type(c: El<'_, '_>, st: &mut St) -> bool {
    let Some((code, accelerated)) = procedure_code(c.name()) else {
        return false;
    };
    c.touch();
    st.n.procedure.kind.get_or_insert_with(|| code.to_owned());
    if accelerated {
        st.n.procedure.accelerated = Some(true);
    }
    true
}

fn award_contract(ac: El<'_, '_>, lang: &str, st: &mut St) {
    let mut r = LotResult::default();
    for c in kids(ac) {
        match c.name() {
            "LOT_NO" => {
                if let Some(id) = owned(c.text()) {
                    r.lot_ids.push(id);
                }
            }
            "AWARDED_CONTRACT" => {
                c.touch();
                r.awarded = true;
                awarded_contract(c, lang, &mut r, &mut st.w);
            }
            // Why not (discontinued, unsuccessful) is not in the model and stays reported.
            "NO_AWARDED_CONTRACT" => {
                c.touch();
                r.awarded = false;
            }
            // CONTRACT_NO, TITLE: not in the model.
            _ => {}
        }
    }
    st.n.results.push(r);
}

fn awarded_contract(el: El<'_, '_>, lang: &str, r: &mut LotResult, w: &mut Vec<Warning>) {
    for c in kids(el) {
        match c.name() {
            "DATE_CONCLUSION_CONTRACT" => r.contract_date = date_of(c, w),
            "NB_TENDERS_RECEIVED" => r.tenders_received = count_of(c, w),
            "TENDERS" => {
                c.touch();
                for k in kids(c) {
                    if k.name() == "NB_TENDERS_RECEIVED" {
                        r.tenders_received = count_of(k, w);
                    }
                }
            }
            "CONTRACTORS" => {
                c.touch();
                for k in kids(c) {
                    if k.name() == "CONTRACTOR" {
                        contractor(k, lang, r, w);
                    }
                }
            }
            "CONTRACTOR" => contractor(c, lang, r, w),
            "VALUES" | "VALUE" => {
                c.touch();
                for k in kids(c) {
                    result_value(k, r, w);
                }
            }
            _ => result_value(c, r, w),
        }
    }
}

fn result_value(c: El<'_, '_>, r: &mut LotResult, w: &mut Vec<Warning>) {
    match c.name() {
        "VAL_TOTAL" => r.value = amount_of(c, w),
        "VAL_RANGE_TOTAL" => r.value = range_of(c, "LOW", "HIGH", None, w),
        // VAL_ESTIMATED_TOTAL (the initial estimate), VAL_REVENUE, VAL_PRICE_PAYMENT,
        // subcontracting: not in the model.
        _ => {}
    }
}

fn contractor(c: El<'_, '_>, lang: &str, r: &mut LotResult, w: &mut Vec<Warning>) {
    c.touch();
    for k in kids(c) {
        // ADDRESS_PARTY (T02: who controls the operator), SME, OWNERSHIP: not in the model.
        if k.name() == "ADDRESS_CONTRACTOR" {
            r.winners.push(party(k, lang, w));
        }
    }
}

/// F13: the prizes of a design contest as results.
fn design_contest_results(el: El<'_, '_>, lang: &str, st: &mut St) {
    for c in kids(el) {
        match c.name() {
            "AWARDED_PRIZE" => {
                c.touch();
                let mut r = LotResult {
                    awarded: true,
                    ..LotResult::default()
                };
                for k in kids(c) {
                    match k.name() {
                        "WINNERS" => {
                            k.touch();
                            for x in kids(k) {
                                if x.name() == "WINNER" {
                                    winner(x, lang, &mut r, &mut st.w);
                                }
                            }
                        }
                        "WINNER" => winner(k, lang, &mut r, &mut st.w),
                        "VAL_PRIZE" => r.value = amount_of(k, &mut st.w),
                        "NB_PARTICIPANTS" => r.tenders_received = count_of(k, &mut st.w),
                        "PARTICIPANTS" => {
                            k.touch();
                            for x in kids(k) {
                                if x.name() == "NB_PARTICIPANTS" {
                                    r.tenders_received = count_of(x, &mut st.w);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                st.n.results.push(r);
            }
            "NO_AWARDED_PRIZE" => {
                c.touch();
                st.n.results.push(LotResult::default());
            }
            _ => {}
        }
    }
}

fn winner(x: El<'_, '_>, lang: &str, r: &mut LotResult, w: &mut Vec<Warning>) {
    x.touch();
    for k in kids(x) {
        if k.name() == "ADDRESS_WINNER" {
            r.winners.push(party(k, lang, w));
        }
    }
}

/// A translation of a 2014 form: its title, description, lot titles, descriptions and options,
/// and the buyers' names where they differ.
fn translate_2014(form: El<'_, '_>, lang: &str, st: &mut St) {
    for c in kids(form) {
        match c.name() {
            "CONTRACTING_BODY" => {
                let mut i = 0;
                for a in kids(c) {
                    if !matches!(
                        a.name(),
                        "ADDRESS_CONTRACTING_BODY" | "ADDRESS_CONTRACTING_BODY_ADDITIONAL"
                    ) {
                        continue;
                    }
                    if let (Some(name), Some(b)) = (
                        kid(a, "OFFICIALNAME").and_then(|e| e.text_opt()),
                        st.n.buyers.get_mut(i),
                    ) {
                        if !b.name.values().any(|v| v == name) {
                            put(&mut b.name, lang, name.to_owned());
                        }
                    }
                    i += 1;
                }
            }
            "OBJECT_CONTRACT" => {
                let mut i = 0;
                for k in kids(c) {
                    match k.name() {
                        "TITLE" => put(&mut st.n.title, lang, text_of(k)),
                        "SHORT_DESCR" => put(&mut st.n.description, lang, text_of(k)),
                        "OBJECT_DESCR" => {
                            if let Some(lot) = st.n.lots.get_mut(i) {
                                for x in kids(k) {
                                    match x.name() {
                                        "TITLE" => put(&mut lot.title, lang, text_of(x)),
                                        "SHORT_DESCR" => {
                                            put(&mut lot.description, lang, text_of(x))
                                        }
                                        _ => {}
                                    }
                                }
                                put(&mut lot.options, lang, options_text(k));
                            }
                            i += 1;
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The R2.0.8 forms
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The notice as a whole.
    Top,
    /// A lot of an annex B (`F17_ANNEX_B`, `LOT_PRIOR_INFORMATION`, …), by index in the lots.
    Lot(usize),
    /// An `AWARD_OF_CONTRACT*`, by index in the results.
    Award(usize),
}

fn is_title(name: &str) -> bool {
    matches!(
        name,
        "TITLE_CONTRACT"
            | "TITLE_QUALIFICATION_SYSTEM"
            | "TITLE_DESIGN_CONTACT_NOTICE"
            | "TITLE_RESULT_DESIGN_CONTEST"
            | "TITLE_NOTICE_BUYER_PROFILE"
    )
}

fn is_description(name: &str) -> bool {
    matches!(
        name,
        "SHORT_CONTRACT_DESCRIPTION" | "SHORT_DESCRIPTION_CONTRACT" | "SHORT_DESCRIPTION"
    )
}

fn is_lot(name: &str) -> bool {
    name.ends_with("ANNEX_B")
        || name == "LOT_PRIOR_INFORMATION"
        || name.starts_with("ANNEX_B_INFORMATION_LOTS")
}

fn is_award(name: &str) -> bool {
    matches!(
        name,
        "AWARD_OF_CONTRACT" | "AWARD_OF_CONTRACT_DEFENCE" | "AWARD_CONTRACT_MOVE"
    )
}

/// `Fnn` followed by `suffix`, e.g. `F17_FRAMEWORK` (not `RESTRICTED_TO_FRAMEWORK`).
fn form_prefixed(name: &str, suffix: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 3 + suffix.len()
        && b[0] == b'F'
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && name.ends_with(suffix)
}

/// `DAY`, `MONTH`, `YEAR` and an optional `TIME`.
fn legacy_date(el: El<'_, '_>, w: &mut Vec<Warning>) -> Option<String> {
    el.touch();
    let (mut d, mut m, mut y, mut t) = ("", "", "", "");
    for c in kids(el) {
        match c.name() {
            "DAY" => d = c.text(),
            "MONTH" => m = c.text(),
            "YEAR" => y = c.text(),
            "TIME" => t = c.text(),
            _ => {}
        }
    }
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return None;
    }
    let date = parse_date(&format!("{y:0>4}-{m:0>2}-{d:0>2}"));
    let Some(date) = date else {
        warn(w, el, format!("not a date: {y}-{m}-{d}"));
        return None;
    };
    Some(match parse_time(t) {
        Some(t) => format!("{date}T{t}"),
        None => date,
    })
}

/// `COSTS_RANGE_AND_CURRENCY[_WITH_VAT_RATE]`: one `VALUE_COST`, or a range (reported).
fn costs(el: El<'_, '_>, w: &mut Vec<Warning>) -> Option<Amount> {
    let currency = el.attr("CURRENCY");
    let mut out = None;
    for k in kids(el) {
        match k.name() {
            "VALUE_COST" => {
                let text = k.text();
                let fmt = k.attr("FMTVAL");
                let raw = fmt.as_deref().map(str::trim).filter(|v| !v.is_empty());
                out = amount_in(k, raw.unwrap_or(text), currency.as_deref(), w);
            }
            "RANGE_VALUE_COST" => {
                out = range_of(k, "LOW_VALUE", "HIGH_VALUE", currency.as_deref(), w)
            }
            // Values exclude VAT unless said otherwise; INCLUDING_VAT and VAT_PRCT are not in
            // the model and stay reported.
            "EXCLUDING_VAT" => {
                k.touch();
            }
            _ => {}
        }
    }
    out
}

/// `CONTRACT_VALUE_INFORMATION`, `TOTAL_FINAL_VALUE`: the amount of their costs block.
fn value_block(el: El<'_, '_>, w: &mut Vec<Warning>) -> Option<Amount> {
    el.touch();
    let mut out = None;
    for c in kids(el) {
        if matches!(
            c.name(),
            "COSTS_RANGE_AND_CURRENCY_WITH_VAT_RATE" | "COSTS_RANGE_AND_CURRENCY"
        ) {
            out = out.or(costs(c, w));
        }
    }
    out
}

/// The lot a scope speaks of: an annex lot, or the form's object as a whole.
fn lot_in<'l>(lots: &'l mut [Lot], whole: &'l mut Lot, scope: Scope) -> Option<&'l mut Lot> {
    match scope {
        Scope::Lot(i) => lots.get_mut(i),
        _ => Some(whole),
    }
}

struct Legacy<'s> {
    st: &'s mut St,
    lang: String,
    translation: bool,
    /// Annex lots met so far (translations match the original's lots by position).
    lots_seen: usize,
    /// The object of a form without annex lots, as its one lot.
    whole: Lot,
    has_object: bool,
    criteria: Vec<AwardCriterion>,
}

impl<'s> Legacy<'s> {
    fn new(st: &'s mut St, lang: String, translation: bool) -> Legacy<'s> {
        Legacy {
            st,
            lang,
            translation,
            lots_seen: 0,
            whole: Lot::default(),
            has_object: false,
            criteria: Vec::new(),
        }
    }

    fn form(mut self, form: El<'_, '_>) {
        self.walk(form, Scope::Top);
        if self.translation {
            return;
        }
        let lots = &mut self.st.n.lots;
        if lots.is_empty() && self.has_object {
            self.whole.id = "1".to_owned();
            lots.push(self.whole);
        }
        for lot in lots.iter_mut() {
            lot.award_criteria.extend(self.criteria.iter().cloned());
        }
    }

    fn walk(&mut self, el: El<'_, '_>, scope: Scope) {
        for c in kids(el) {
            let handled = if self.translation {
                self.visit_translation(c, scope)
            } else {
                self.visit(c, scope)
            };
            if !handled && has_children(c) {
                c.touch();
                self.walk(c, scope);
            }
        }
    }

    fn lot_mut(&mut self, scope: Scope) -> Option<&mut Lot> {
        lot_in(&mut self.st.n.lots, &mut self.whole, scope)
    }

    fn visit_translation(&mut self, c: El<'_, '_>, scope: Scope) -> bool {
        let name = c.name();
        if is_lot(name) {
            let i = self.lots_seen;
            self.lots_seen += 1;
            self.walk(c, Scope::Lot(i));
            return true;
        }
        let lang = self.lang.as_str();
        match (name, scope) {
            (t, Scope::Top) if is_title(t) => put(&mut self.st.n.title, lang, text_of(c)),
            (d, Scope::Top) if is_description(d) => {
                put(&mut self.st.n.description, lang, text_of(c))
            }
            ("LOT_TITLE", Scope::Lot(i)) => {
                if let Some(lot) = self.st.n.lots.get_mut(i) {
                    put(&mut lot.title, lang, text_of(c));
                }
            }
            ("LOT_DESCRIPTION", Scope::Lot(i)) => {
                if let Some(lot) = self.st.n.lots.get_mut(i) {
                    put(&mut lot.description, lang, text_of(c));
                }
            }
            ("CA_CE_CONCESSIONAIRE_PROFILE", Scope::Top) => {
                let name = kid(c, "ORGANISATION")
                    .and_then(|o| kid(o, "OFFICIALNAME"))
                    .and_then(|e| e.text_opt());
                if let (Some(name), Some(b)) = (name, self.st.n.buyers.first_mut()) {
                    if !b.name.values().any(|v| v == name) {
                        put(&mut b.name, lang, name.to_owned());
                    }
                }
            }
            _ => return false,
        }
        true
    }

    fn visit(&mut self, c: El<'_, '_>, scope: Scope) -> bool {
        let name = c.name();
        if is_lot(name) {
            c.touch();
            let i = self.st.n.lots.len();
            self.st.n.lots.push(Lot::default());
            self.lots_seen += 1;
            self.walk(c, Scope::Lot(i));
            let lot = &mut self.st.n.lots[i];
            if lot.id.is_empty() {
                lot.id = self.lots_seen.to_string();
            }
            return true;
        }
        if is_award(name) {
            c.touch();
            let i = self.st.n.results.len();
            self.st.n.results.push(LotResult {
                awarded: true,
                ..LotResult::default()
            });
            self.walk(c, Scope::Award(i));
            return true;
        }
        if scope == Scope::Top && name.starts_with("OBJECT_") {
            self.has_object = true;
            return false;
        }
        if let Some((code, accelerated)) = procedure_code(name) {
            c.touch();
            let p = &mut self.st.n.procedure;
            p.kind.get_or_insert_with(|| code.to_owned());
            if accelerated {
                p.accelerated = Some(true);
            }
            return true;
        }
        let lang = self.lang.as_str();
        let st = &mut *self.st;
        let w = &mut st.w;
        match (name, scope) {
            ("CA_CE_CONCESSIONAIRE_PROFILE", Scope::Top) if st.n.buyers.is_empty() => {
                let p = party(c, lang, w);
                st.n.buyers.push(p);
            }
            ("URL_GENERAL", Scope::Top) if !st.n.buyers.is_empty() => {
                let url = owned(c.text());
                if let Some(b) = st.n.buyers.first_mut() {
                    b.url = b.url.take().or(url);
                }
            }
            (t, Scope::Top) if is_title(t) => put(&mut st.n.title, lang, text_of(c)),
            (d, Scope::Top) if is_description(d) => put(&mut st.n.description, lang, text_of(c)),
            ("FILE_REFERENCE_NUMBER", Scope::Top) => {
                st.n.identifiers.reference = owned(&text_of(c))
            }
            ("NOTICE_DISPATCH_DATE", Scope::Top) => {
                if let Some(d) = legacy_date(c, w) {
                    st.n.dates.issued.get_or_insert(d);
                }
            }
            ("RECEIPT_LIMIT_DATE", Scope::Top) => {
                st.n.dates.submission_deadline = legacy_date(c, w)
            }
            ("TOTAL_FINAL_VALUE", Scope::Top) => st.n.total_value = value_block(c, w),
            ("COSTS_RANGE_AND_CURRENCY", Scope::Top) => st.n.estimated_value = costs(c, w),
            ("COSTS_RANGE_AND_CURRENCY", Scope::Lot(i)) => {
                let a = costs(c, w);
                if let Some(lot) = st.n.lots.get_mut(i) {
                    lot.estimated_value = a;
                }
            }
            ("LOT_NUMBER", Scope::Lot(i)) => {
                if let Some(lot) = st.n.lots.get_mut(i) {
                    lot.id = c.text().to_owned();
                }
            }
            ("LOT_TITLE", Scope::Lot(i)) => {
                if let Some(lot) = st.n.lots.get_mut(i) {
                    put(&mut lot.title, lang, text_of(c));
                }
            }
            ("LOT_DESCRIPTION", Scope::Lot(i)) => {
                if let Some(lot) = st.n.lots.get_mut(i) {
                    put(&mut lot.description, lang, text_of(c));
                }
            }
            ("LOT_NUMBER", Scope::Award(i)) => {
                if let (Some(id), Some(r)) = (owned(c.text()), st.n.results.get_mut(i)) {
                    r.lot_ids.push(id);
                }
            }
            ("ECONOMIC_OPERATOR_NAME_ADDRESS", Scope::Award(i)) => {
                c.touch();
                for k in kids(c) {
                    if kid(k, "ORGANISATION").is_some() || kid(k, "OFFICIALNAME").is_some() {
                        let p = party(k, lang, w);
                        if let Some(r) = st.n.results.get_mut(i) {
                            r.winners.push(p);
                        }
                    }
                }
            }
            ("CONTRACT_AWARD_DATE", Scope::Award(i)) => {
                let d = legacy_date(c, w);
                if let Some(r) = st.n.results.get_mut(i) {
                    r.contract_date = d;
                }
            }
            ("OFFERS_RECEIVED_NUMBER", Scope::Award(i)) => {
                let n = count_of(c, w);
                if let Some(r) = st.n.results.get_mut(i) {
                    r.tenders_received = n;
                }
            }
            ("CONTRACT_VALUE_INFORMATION", Scope::Award(i)) => {
                let a = value_block(c, w);
                if let Some(r) = st.n.results.get_mut(i) {
                    r.value = a;
                }
            }
            ("CPV", s) if !matches!(s, Scope::Award(_)) => {
                c.touch();
                self.cpv(c, s);
            }
            ("NUTS", s) if !matches!(s, Scope::Award(_)) => {
                if let Some(code) = attr_of(c, "CODE", w) {
                    if s == Scope::Top {
                        push_unique(&mut st.n.nuts, &code);
                    }
                    if let Some(lot) = lot_in(&mut st.n.lots, &mut self.whole, s) {
                        push_unique(&mut lot.nuts, &code);
                    }
                }
            }
            ("FRAMEWORK_AGREEMENT", _) => {
                if attr_of(c, "VALUE", w).as_deref() == Some("YES") {
                    st.n.framework_agreement = true;
                }
            }
            // F02_FRAMEWORK, F17_FRAMEWORK, …
            (n, _) if form_prefixed(n, "_FRAMEWORK") => {
                // Its details (duration, operators) are not in the model and stay reported.
                c.touch();
                st.n.framework_agreement = true;
                return false;
            }
            (n, _) if n.starts_with("NOTICE_INVOLVES") && !has_children(c) => {
                match attr_of(c, "VALUE", w).as_deref() {
                    Some(
                        "ESTABLISHMENT_FRAMEWORK_AGREEMENT" | "CONCLUSION_FRAMEWORK_AGREEMENT",
                    ) => st.n.framework_agreement = true,
                    Some("SETTING_UP_DPS" | "CONTRACTS_DPS") => {
                        st.n.dynamic_purchasing_system = true
                    }
                    _ => {}
                }
            }
            ("PERIOD_WORK_DATE_STARTING", s) if !matches!(s, Scope::Award(_)) => {
                c.touch();
                self.period(c, s);
            }
            ("OPTION_DESCRIPTION", s) if !matches!(s, Scope::Award(_)) => {
                let t = text_of(c);
                if let Some(lot) = lot_in(&mut st.n.lots, &mut self.whole, s) {
                    put(&mut lot.options, lang, t);
                }
            }
            // An empty section says nothing.
            (n, _)
                if (n.starts_with("LEFTI") || n.starts_with("INTERNET_ADDRESSES"))
                    && !has_children(c) =>
            {
                c.touch();
            }
            ("NO_OPTIONS" | "DIV_INTO_LOT_NO", _) => {
                c.touch();
            }
            ("LOWEST_PRICE", _) => {
                c.touch();
                self.criteria.push(AwardCriterion {
                    kind: "price".to_owned(),
                    name: Text::new(),
                    weight: None,
                });
            }
            _ => return false,
        }
        true
    }

    fn cpv(&mut self, el: El<'_, '_>, scope: Scope) {
        for k in kids(el) {
            let main = match k.name() {
                "CPV_MAIN" => true,
                "CPV_ADDITIONAL" => false,
                _ => continue,
            };
            let Some(code) = cpv_code(k, &mut self.st.w) else {
                continue;
            };
            if scope == Scope::Top {
                let n = &mut self.st.n;
                if main && n.main_cpv.is_none() {
                    n.main_cpv = Some(code.clone());
                } else if !main {
                    push_unique(&mut n.additional_cpv, &code);
                }
            }
            if let Some(lot) = self.lot_mut(scope) {
                if main {
                    lot.main_cpv.get_or_insert(code);
                } else {
                    push_unique(&mut lot.additional_cpv, &code);
                }
            }
        }
    }

    /// `PERIOD_WORK_DATE_STARTING`: `MONTHS`/`DAYS` or `INTERVAL_DATE` (`START_DATE`,
    /// `END_DATE`).
    fn period(&mut self, el: El<'_, '_>, scope: Scope) {
        let w = &mut self.st.w;
        let (mut duration, mut start, mut end) = (None, None, None);
        for c in kids(el) {
            match c.name() {
                "MONTHS" | "DAYS" => {
                    if let Some(value) = owned(c.text()) {
                        let unit = if c.name() == "MONTHS" { "month" } else { "day" };
                        duration = Some(Duration {
                            value,
                            unit: unit.to_owned(),
                        });
                    }
                }
                "INTERVAL_DATE" => {
                    c.touch();
                    for k in kids(c) {
                        match k.name() {
                            "START_DATE" => start = legacy_date(k, w),
                            "END_DATE" => end = legacy_date(k, w),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(lot) = self.lot_mut(scope) {
            lot.duration = lot.duration.take().or(duration);
            lot.start_date = lot.start_date.take().or(start);
            lot.end_date = lot.end_date.take().or(end);
        }
    }
}

/// The text of a TED element, its paragraphs on their own lines, and inline formatting in its
/// place: TED writes a superscript or subscript as `<FT TYPE="SUP">` / `<FT TYPE="SUB">` inside
/// a paragraph ("n<FT TYPE="SUP">o</FT> 85-891", "m<FT TYPE="SUP">3</FT>"). Where every
/// character has a Unicode superscript or subscript form it is written so ("nº", "m³");
/// otherwise the characters stay as they are.
fn text_of(el: El<'_, '_>) -> String {
    el.deep_text_with(|c, text| {
        if c.name() != "FT" {
            return None;
        }
        let table: fn(char) -> Option<char> = match c.attr("TYPE").as_deref() {
            Some("SUP") => superscript,
            Some("SUB") => subscript,
            _ => return None,
        };
        text.chars().map(table).collect::<Option<String>>()
    })
}

fn superscript(c: char) -> Option<char> {
    Some(match c {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4' => '⁴',
        '5' => '⁵',
        '6' => '⁶',
        '7' => '⁷',
        '8' => '⁸',
        '9' => '⁹',
        '+' => '⁺',
        '-' => '⁻',
        // The ordinal indicators of French, Spanish, Portuguese and Italian: nº, 1ª.
        'o' => 'º',
        'a' => 'ª',
        'e' => 'ᵉ',
        'r' => 'ʳ',
        _ => return None,
    })
}

fn subscript(c: char) -> Option<char> {
    Some(match c {
        '0' => '₀',
        '1' => '₁',
        '2' => '₂',
        '3' => '₃',
        '4' => '₄',
        '5' => '₅',
        '6' => '₆',
        '7' => '₇',
        '8' => '₈',
        '9' => '₉',
        '+' => '₊',
        '-' => '₋',
        _ => return None,
    })
}
