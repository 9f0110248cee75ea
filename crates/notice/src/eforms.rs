//! eForms UBL notices: every notice subtype (1–40, E1–E6, CEI, T01, T02, X01, X02) of SDK 1.3
//! and later, with Finland's national extension (`hilma:NationalExtension`).
//!
//! Where things are follows the SDK's `fields/fields.json` (business term → XPath). Organisations
//! are given once in `efac:Organizations` and referred to by their technical identifier
//! (`ORG-0001`) from the buyers (`cac:ContractingParty`) and, through tenders (`efac:LotTender`)
//! and tendering parties (`efac:TenderingParty`), from the results (`efac:LotResult`).
//!
//! What the model has no place for is left unread, so that it is reported as a warning; values
//! that are present but not understood (an unknown unit, a malformed amount, a reference to a
//! missing organisation) are reported by the reader itself.

use crate::model::{
    lang2, Address, Amount, AwardCriterion, Duration, Format, Lot, LotResult, Notice, NoticeKind,
    Party, Reading, Text, Warning,
};
use crate::xml::{Doc, El};
use crate::{ErrorKind, NoticeError};
use std::collections::HashMap;

/// Root elements of eForms notices.
pub(crate) fn is_root(name: &str) -> bool {
    matches!(
        name,
        "ContractNotice"
            | "PriorInformationNotice"
            | "ContractAwardNotice"
            | "BusinessRegistrationInformationNotice"
    )
}

/// Every notice subtype (OPP-070) of the SDK's `notice-types/notice-types.json`: its notice type
/// (BT-02), form type and document type. A test compares this table with the SDK's file.
pub const SUBTYPES: [(&str, &str, &str, &str); 51] = [
    ("1", "pin-buyer", "planning", "PIN"),
    ("2", "pin-buyer", "planning", "PIN"),
    ("3", "pin-buyer", "planning", "PIN"),
    ("4", "pin-only", "planning", "PIN"),
    ("5", "pin-only", "planning", "PIN"),
    ("6", "pin-only", "planning", "PIN"),
    ("7", "pin-rtl", "planning", "PIN"),
    ("8", "pin-rtl", "planning", "PIN"),
    ("9", "pin-rtl", "planning", "PIN"),
    ("10", "pin-cfc-standard", "competition", "PIN"),
    ("11", "pin-cfc-standard", "competition", "PIN"),
    ("12", "pin-cfc-social", "competition", "PIN"),
    ("13", "pin-cfc-social", "competition", "PIN"),
    ("14", "pin-cfc-social", "competition", "PIN"),
    ("15", "qu-sy", "competition", "CN"),
    ("16", "cn-standard", "competition", "CN"),
    ("17", "cn-standard", "competition", "CN"),
    ("18", "cn-standard", "competition", "CN"),
    ("19", "cn-standard", "competition", "CN"),
    ("20", "cn-social", "competition", "CN"),
    ("21", "cn-social", "competition", "CN"),
    ("22", "subco", "competition", "CN"),
    ("23", "cn-desg", "competition", "CN"),
    ("24", "cn-desg", "competition", "CN"),
    ("25", "veat", "dir-awa-pre", "CAN"),
    ("26", "veat", "dir-awa-pre", "CAN"),
    ("27", "veat", "dir-awa-pre", "CAN"),
    ("28", "veat", "dir-awa-pre", "CAN"),
    ("29", "can-standard", "result", "CAN"),
    ("30", "can-standard", "result", "CAN"),
    ("31", "can-standard", "result", "CAN"),
    ("32", "can-standard", "result", "CAN"),
    ("33", "can-social", "result", "CAN"),
    ("34", "can-social", "result", "CAN"),
    ("35", "can-social", "result", "CAN"),
    ("36", "can-desg", "result", "CAN"),
    ("37", "can-desg", "result", "CAN"),
    ("38", "can-modif", "cont-modif", "CAN"),
    ("39", "can-modif", "cont-modif", "CAN"),
    ("40", "can-modif", "cont-modif", "CAN"),
    ("CEI", "pin-cfc-standard", "competition", "PIN"),
    ("E1", "pmc", "consultation", "PIN"),
    ("E2", "pin-only", "planning", "PIN"),
    ("E3", "cn-standard", "competition", "CN"),
    ("E4", "can-standard", "result", "CAN"),
    ("E5", "compl", "completion", "CAN"),
    ("E6", "can-modif", "cont-modif", "CAN"),
    ("T01", "pin-tran", "planning", "PIN"),
    ("T02", "can-tran", "result", "CAN"),
    ("X01", "brin-eeig", "bri", "BRIN"),
    ("X02", "brin-ecs", "bri", "BRIN"),
];

/// The kind of a notice from the SDK's form type and document type. This is the class the TED
/// forms give the same notices: a design contest (TED F12) and a concession notice (F24) are
/// contract notices, their results (F13, F25) contract awards, whatever the directive. A
/// completion notice (E5) and the business registers (X01, X02) have no TED form.
fn form_kind(form_type: &str, document_type: &str) -> NoticeKind {
    use NoticeKind::*;
    match (form_type, document_type) {
        ("planning" | "consultation", _) | ("competition", "PIN") => PriorInformation,
        ("competition", _) => ContractNotice,
        ("dir-awa-pre", _) => VoluntaryExAnte,
        ("result", _) => ContractAward,
        ("cont-modif", _) => Modification,
        _ => Other,
    }
}

/// The notice type (BT-02) and kind of a notice subtype (OPP-070); `None` for one the SDK does
/// not know.
pub fn subtype_kind(subtype: &str) -> Option<(&'static str, NoticeKind)> {
    SUBTYPES
        .iter()
        .find(|(id, ..)| *id == subtype)
        .map(|&(_, notice_type, form, doc)| (notice_type, form_kind(form, doc)))
}

/// The kind of a notice type code (BT-02), for notices whose subtype is missing or unknown:
/// the kind its subtypes share.
fn type_kind(notice_type: &str) -> Option<NoticeKind> {
    // SDK 1.7 and earlier: the change notice had a type of its own.
    if notice_type == "corr" {
        return Some(NoticeKind::Corrigendum);
    }
    SUBTYPES
        .iter()
        .find(|(_, t, ..)| *t == notice_type)
        .map(|&(_, _, form, doc)| form_kind(form, doc))
}

fn root_kind(root: &str) -> NoticeKind {
    match root {
        "PriorInformationNotice" => NoticeKind::PriorInformation,
        "ContractNotice" => NoticeKind::ContractNotice,
        "ContractAwardNotice" => NoticeKind::ContractAward,
        _ => NoticeKind::Other,
    }
}

/// ISO 3166-1 alpha-3 (as eForms writes countries) to alpha-2: the EU and EEA, their neighbours
/// and a few frequent others.
fn alpha2(code: &str) -> Option<&'static str> {
    Some(match code {
        "AUT" => "AT",
        "BEL" => "BE",
        "BGR" => "BG",
        "HRV" => "HR",
        "CYP" => "CY",
        "CZE" => "CZ",
        "DNK" => "DK",
        "EST" => "EE",
        "FIN" => "FI",
        "FRA" => "FR",
        "DEU" => "DE",
        "GRC" => "GR",
        "HUN" => "HU",
        "IRL" => "IE",
        "ITA" => "IT",
        "LVA" => "LV",
        "LTU" => "LT",
        "LUX" => "LU",
        "MLT" => "MT",
        "NLD" => "NL",
        "POL" => "PL",
        "PRT" => "PT",
        "ROU" => "RO",
        "SVK" => "SK",
        "SVN" => "SI",
        "ESP" => "ES",
        "SWE" => "SE",
        "ISL" => "IS",
        "LIE" => "LI",
        "NOR" => "NO",
        "CHE" => "CH",
        "GBR" => "GB",
        "ALA" => "AX",
        "FRO" => "FO",
        "GRL" => "GL",
        "ALB" => "AL",
        "AND" => "AD",
        "BIH" => "BA",
        "MKD" => "MK",
        "MNE" => "ME",
        "SRB" => "RS",
        "TUR" => "TR",
        "UKR" => "UA",
        "MDA" => "MD",
        "GEO" => "GE",
        "MCO" => "MC",
        "SMR" => "SM",
        "VAT" => "VA",
        "RUS" => "RU",
        "BLR" => "BY",
        "USA" => "US",
        "CAN" => "CA",
        "CHN" => "CN",
        "JPN" => "JP",
        "IND" => "IN",
        "AUS" => "AU",
        "ISR" => "IL",
        _ => return None,
    })
}

/// `YYYY-MM-DD` of a date as eForms writes it (`2019-10-24`, `2019-10-24+02:00`, `2019-10-24Z`).
fn plain_date(v: &str) -> Option<&str> {
    let date = v.get(..10)?;
    let ok = date.bytes().enumerate().all(|(i, c)| {
        if i == 4 || i == 7 {
            c == b'-'
        } else {
            c.is_ascii_digit()
        }
    });
    let zone = &v[10..];
    (ok && (zone.is_empty() || zone == "Z" || is_offset(zone))).then_some(date)
}

/// `+02:00`, `-05:00`.
fn is_offset(z: &str) -> bool {
    let b = z.as_bytes();
    b.len() == 6
        && (b[0] == b'+' || b[0] == b'-')
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && b[3] == b':'
        && b[4].is_ascii_digit()
        && b[5].is_ascii_digit()
}

/// A time as eForms writes it (`12:00:00+03:00`, `10:00:00Z`, `09:30:00`), kept as written.
fn is_time(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() >= 5
        && b[0].is_ascii_digit()
        && b[1].is_ascii_digit()
        && b[2] == b':'
        && b[3].is_ascii_digit()
        && b[4].is_ascii_digit()
}

/// The first element at a path of local names below `el`. Unlike [`El::at`] it does not mark
/// the containers it passes: an empty container stays reported.
fn find<'d, 'a>(el: El<'d, 'a>, path: &str) -> Option<El<'d, 'a>> {
    let mut cur = el;
    for part in path.split('/') {
        cur = cur.child(part)?;
    }
    Some(cur)
}

/// Every element at a path of local names below `el`, marking nothing.
fn find_all<'d, 'a>(el: El<'d, 'a>, path: &str) -> Vec<El<'d, 'a>> {
    let mut cur = vec![el];
    for part in path.split('/') {
        cur = cur.iter().flat_map(|c| c.children_named(part)).collect();
    }
    cur
}

fn from_cents(cents: i64, currency: &str) -> Amount {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let value = if abs.is_multiple_of(100) {
        format!("{sign}{}", abs / 100)
    } else {
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    };
    Amount {
        value,
        currency: currency.to_owned(),
    }
}

/// What a lot adds to the notice beyond the lot itself.
#[derive(Default)]
struct LotExtras {
    deadline: Option<String>,
    framework: bool,
    dps: bool,
    /// BT-15, BT-18 and the review organisation (OPT-301 `AppealReceiverParty`): given per lot
    /// in eForms, once per notice in the model.
    documents_url: Option<String>,
    participation_url: Option<String>,
    review_body: Option<Party>,
}

struct Reader<'d, 'a> {
    warnings: Vec<Warning>,
    /// The notice's original language, for texts without a `languageID`.
    lang: String,
    /// Organisations (`efac:Company`) by technical identifier (`ORG-0001`).
    orgs: HashMap<&'d str, El<'d, 'a>>,
}

impl<'d, 'a> Reader<'d, 'a> {
    fn warn(&mut self, el: El<'d, 'a>, message: impl Into<String>) {
        self.warnings.push(Warning {
            location: el.path(),
            line: Some(el.line()),
            message: message.into(),
        });
    }

    /// Reports an element that had to be looked at (its code or attribute decides what it is)
    /// but that the model has no place for: looking marked it read.
    fn unread(&mut self, el: El<'d, 'a>) {
        self.warn(el, "not read");
    }

    /// The element's text; an empty element is reported.
    fn value(&mut self, el: El<'d, 'a>) -> Option<&'d str> {
        let v = el.text_opt();
        if v.is_none() {
            self.warn(el, "empty");
        }
        v
    }

    fn value_at(&mut self, el: El<'d, 'a>, path: &str) -> Option<&'d str> {
        let e = find(el, path)?;
        self.value(e)
    }

    fn owned_at(&mut self, el: El<'d, 'a>, path: &str) -> Option<String> {
        self.value_at(el, path).map(str::to_owned)
    }

    /// Adds a text in the language of its `languageID` (the notice's language without one).
    fn text_into(&mut self, el: El<'d, 'a>, out: &mut Text) {
        let Some(v) = self.value(el) else { return };
        let lang = match el.attr("languageID") {
            Some(l) if !l.trim().is_empty() => lang2(&l),
            _ => self.lang.clone(),
        };
        match out.get_mut(&lang) {
            Some(have) if have.as_str() == v => {}
            Some(have) => {
                have.push('\n');
                have.push_str(v);
            }
            None => {
                out.insert(lang, v.to_owned());
            }
        }
    }

    /// Every child `name` of `parent` as one multilingual text.
    fn texts(&mut self, parent: El<'d, 'a>, name: &str) -> Text {
        let mut out = Text::new();
        for el in parent.children_named(name) {
            self.text_into(el, &mut out);
        }
        out
    }

    fn date(&mut self, el: El<'d, 'a>) -> Option<String> {
        let v = self.value(el)?;
        match plain_date(v) {
            Some(d) => Some(d.to_owned()),
            None => {
                self.warn(el, format!("not a date: {v}"));
                None
            }
        }
    }

    fn date_at(&mut self, el: El<'d, 'a>, path: &str) -> Option<String> {
        let e = find(el, path)?;
        self.date(e)
    }

    /// A period's end (`cbc:EndDate` and `cbc:EndTime`) as `YYYY-MM-DD[THH:MM:SS±HH:MM]`.
    fn end_of(&mut self, period: El<'d, 'a>) -> Option<String> {
        let date = self.date_at(period, "EndDate")?;
        let Some(t) = period.child("EndTime") else {
            return Some(date);
        };
        match self.value(t) {
            Some(time) if is_time(time) => Some(format!("{date}T{time}")),
            Some(time) => {
                self.warn(t, format!("not a time: {time}"));
                Some(date)
            }
            None => Some(date),
        }
    }

    fn amount(&mut self, el: El<'d, 'a>) -> Option<Amount> {
        let v = self.value(el)?;
        let Some(currency) = el.attr("currencyID").filter(|c| !c.trim().is_empty()) else {
            self.warn(el, format!("amount {v} without a currencyID"));
            return None;
        };
        let amount = Amount::parse(v, &currency);
        if amount.is_none() {
            self.warn(el, format!("not an amount: {v}"));
        }
        amount
    }

    fn country(&mut self, el: El<'d, 'a>) -> Option<String> {
        let v = self.value(el)?;
        if v.len() == 2 && v.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Some(v.to_ascii_uppercase());
        }
        match alpha2(&v.to_ascii_uppercase()) {
            Some(c) => Some(c.to_owned()),
            None => {
                self.warn(
                    el,
                    format!("country {v} kept as written: no known two-letter code"),
                );
                Some(v.to_owned())
            }
        }
    }

    /// A CPV code (`cbc:ItemClassificationCode`); other classifications are reported.
    fn cpv(&mut self, el: El<'d, 'a>) -> Option<String> {
        let list = el.attr("listName");
        let v = self.value(el)?;
        match list.as_deref() {
            None | Some("cpv") | Some("") => Some(v.to_owned()),
            Some(other) => {
                self.warn(
                    el,
                    format!("classification {v} of list {other} is not a CPV code"),
                );
                None
            }
        }
    }

    /// Main and additional CPV codes of a `cac:ProcurementProject`.
    fn classifications(&mut self, project: El<'d, 'a>) -> (Option<String>, Vec<String>) {
        let mut main = None;
        for el in find_all(
            project,
            "MainCommodityClassification/ItemClassificationCode",
        ) {
            match (self.cpv(el), &main) {
                (Some(c), None) => main = Some(c),
                (Some(c), Some(_)) => self.warn(el, format!("second main CPV {c} ignored")),
                (None, _) => {}
            }
        }
        let mut additional = Vec::new();
        for el in find_all(
            project,
            "AdditionalCommodityClassification/ItemClassificationCode",
        ) {
            if let Some(c) = self.cpv(el) {
                if !additional.contains(&c) {
                    additional.push(c);
                }
            }
        }
        (main, additional)
    }

    /// NUTS codes of the places of performance of a `cac:ProcurementProject`.
    fn nuts(&mut self, project: El<'d, 'a>) -> Vec<String> {
        let mut out = Vec::new();
        for el in find_all(project, "RealizedLocation/Address/CountrySubentityCode") {
            if let Some(v) = self.value(el) {
                if !out.iter().any(|n| n == v) {
                    out.push(v.to_owned());
                }
            }
        }
        out
    }

    /// The eForms extension (`ext:UBLExtensions/…/efext:EformsExtension`) of an element. Other
    /// extension content is left to be reported, except signatures, which are marked read.
    fn extension(&mut self, el: El<'d, 'a>) -> Option<El<'d, 'a>> {
        let mut found = None;
        for ext in find_all(el, "UBLExtensions/UBLExtension") {
            for content in ext.children_named("ExtensionContent") {
                content.touch();
                for c in content.children() {
                    match c.name() {
                        "EformsExtension" if found.is_none() => found = Some(c.touch()),
                        "UBLDocumentSignatures" | "Signature" => {
                            c.touch_all();
                        }
                        _ => {}
                    }
                }
            }
        }
        found
    }

    /// A party from its `efac:Company`.
    fn party(&mut self, company: El<'d, 'a>) -> Party {
        let mut name = Text::new();
        for n in find_all(company, "PartyName/Name") {
            self.text_into(n, &mut name);
        }
        let national_id = find_all(company, "PartyLegalEntity/CompanyID")
            .into_iter()
            .find_map(|e| self.value(e))
            .map(str::to_owned);
        let mut address = Address::default();
        if let Some(a) = find(company, "PostalAddress") {
            let lines = a
                .children_named("StreetName")
                .chain(a.children_named("AdditionalStreetName"))
                .chain(find_all(a, "AddressLine/Line"));
            let mut parts: Vec<&str> = Vec::new();
            for l in lines {
                if let Some(v) = self.value(l) {
                    if !parts.contains(&v) {
                        parts.push(v);
                    }
                }
            }
            address.street = (!parts.is_empty()).then(|| parts.join(", "));
            address.postal_code = self.owned_at(a, "PostalZone");
            address.city = self.owned_at(a, "CityName");
            address.country = find(a, "Country/IdentificationCode").and_then(|c| self.country(c));
            address.nuts = self.owned_at(a, "CountrySubentityCode");
        }
        Party {
            name,
            national_id,
            address,
            url: self.owned_at(company, "WebsiteURI"),
            email: self.owned_at(company, "Contact/ElectronicMail"),
        }
    }

    /// The organisation a reference (`cbc:ID` holding `ORG-0001`) points to.
    fn org_party(&mut self, reference: El<'d, 'a>) -> Option<(&'d str, Party)> {
        let id = self.value(reference)?;
        match self.orgs.get(id).copied() {
            Some(company) => Some((id, self.party(company))),
            None => {
                self.warn(
                    reference,
                    format!("refers to organisation {id}, which efac:Organizations does not have"),
                );
                None
            }
        }
    }

    fn read_lot(&mut self, lot: El<'d, 'a>, id: String) -> (Lot, LotExtras) {
        let mut out = Lot {
            id,
            ..Lot::default()
        };
        let mut extras = LotExtras::default();
        if let Some(p) = find(lot, "ProcurementProject") {
            out.title = self.texts(p, "Name");
            out.description = self.texts(p, "Description");
            out.additional_info = self.texts(p, "Note");
            let (main, additional) = self.classifications(p);
            out.main_cpv = main;
            out.additional_cpv = additional;
            out.nuts = self.nuts(p);
            out.estimated_value = find(p, "RequestedTenderTotal/EstimatedOverallContractAmount")
                .and_then(|e| self.amount(e));
            if let Some(period) = find(p, "PlannedPeriod") {
                out.start_date = self.date_at(period, "StartDate");
                out.end_date = self.date_at(period, "EndDate");
                // The end's time of day: the model keeps the date.
                if let (Some(_), Some(t)) = (&out.end_date, period.child("EndTime")) {
                    t.touch();
                }
                if let Some(d) = period.child("DurationMeasure") {
                    out.duration = self.duration(d);
                }
            }
            if let Some(ext) = find(p, "ContractExtension") {
                for o in ext.children_named("OptionsDescription") {
                    self.text_into(o, &mut out.options);
                }
                for r in find_all(ext, "Renewal/Period/Description") {
                    self.text_into(r, &mut out.options);
                    out.renewal = Some(true);
                }
                if let Some(max) = ext.child("MaximumNumberNumeric") {
                    if let Some(v) = self.value(max) {
                        match v.parse::<u32>() {
                            Ok(n) => out.renewal = Some(n > 0 || out.renewal == Some(true)),
                            Err(_) => self.warn(max, format!("not a number of renewals: {v}")),
                        }
                    }
                }
            }
        }
        if let Some(tp) = find(lot, "TenderingProcess") {
            let deadline = match find(tp, "TenderSubmissionDeadlinePeriod") {
                Some(period) => self.end_of(period),
                None => None,
            };
            extras.deadline = match deadline {
                Some(d) => Some(d),
                None => match find(tp, "ParticipationRequestReceptionPeriod") {
                    Some(period) => self.end_of(period),
                    None => None,
                },
            };
            for code in find_all(tp, "ContractingSystem/ContractingSystemTypeCode") {
                let list = code.attr("listName");
                let Some(v) = self.value(code) else { continue };
                match list.as_deref() {
                    Some("framework-agreement") => extras.framework |= v != "none",
                    Some("dps-usage") => extras.dps |= v != "none",
                    _ => self.warn(code, format!("contracting system {v} of an unknown list")),
                }
            }
        }
        if let Some(terms) = find(lot, "TenderingTerms") {
            for c in find_all(
                terms,
                "AwardingTerms/AwardingCriterion/SubordinateAwardingCriterion",
            ) {
                if let Some(criterion) = self.criterion(c) {
                    out.award_criteria.push(criterion);
                }
            }
            extras.documents_url = self.owned_at(
                terms,
                "CallForTendersDocumentReference/Attachment/ExternalReference/URI",
            );
            extras.participation_url = self.owned_at(terms, "TenderRecipientParty/EndpointID");
            if let Some(r) = find(
                terms,
                "AppealTerms/AppealReceiverParty/PartyIdentification/ID",
            ) {
                extras.review_body = self.org_party(r).map(|(_, p)| p);
            }
        }
        (out, extras)
    }

    fn duration(&mut self, d: El<'d, 'a>) -> Option<Duration> {
        let unit = d.attr("unitCode");
        let value = self.value(d)?;
        let unit = match unit.as_deref() {
            Some("DAY") => "day",
            Some("WEEK") => "week",
            Some("MONTH") => "month",
            Some("YEAR") => "year",
            Some(other) => {
                self.warn(d, format!("duration {value} in unknown unit {other}"));
                return None;
            }
            None => {
                self.warn(d, format!("duration {value} without a unitCode"));
                return None;
            }
        };
        if value.parse::<f64>().is_err() {
            self.warn(d, format!("not a duration: {value}"));
            return None;
        }
        Some(Duration {
            value: value.to_owned(),
            unit: unit.to_owned(),
        })
    }

    fn criterion(&mut self, c: El<'d, 'a>) -> Option<AwardCriterion> {
        let kind = c
            .child("AwardingCriterionTypeCode")
            .and_then(|k| {
                let v = self.value(k)?;
                if !matches!(v, "price" | "cost" | "quality") {
                    self.warn(k, format!("unknown award criterion type {v}"));
                }
                Some(v.to_ascii_lowercase())
            })
            .unwrap_or_default();
        let mut name = self.texts(c, "Name");
        let description = self.texts(c, "Description");
        for (lang, d) in description {
            match name.get_mut(&lang) {
                Some(n) => {
                    n.push_str(": ");
                    n.push_str(&d);
                }
                None => {
                    name.insert(lang, d);
                }
            }
        }
        let mut weight = None;
        if let Some(ext) = self.extension(c) {
            for p in ext.children_named("AwardCriterionParameter") {
                let is_weight = p
                    .child("ParameterCode")
                    .and_then(|code| code.attr("listName"))
                    .is_some_and(|l| l == "number-weight");
                match (is_weight, p.child("ParameterCode")) {
                    (true, _) => {
                        weight = p.child("ParameterNumeric").and_then(|n| self.value(n));
                    }
                    // A fixed or threshold number, not a weight.
                    (false, Some(code)) => self.unread(code),
                    (false, None) => {}
                }
            }
        }
        if kind.is_empty() && name.is_empty() && weight.is_none() {
            return None;
        }
        Some(AwardCriterion {
            kind,
            name,
            weight: weight.map(str::to_owned),
        })
    }

    fn read_results(
        &mut self,
        nr: El<'d, 'a>,
        notice: &mut Notice,
        national_values: &HashMap<&'d str, El<'d, 'a>>,
    ) {
        notice.total_value = nr.child("TotalAmount").and_then(|e| self.amount(e));
        let mut tenders: HashMap<&'d str, El<'d, 'a>> = HashMap::new();
        let mut parties: HashMap<&'d str, El<'d, 'a>> = HashMap::new();
        let mut contracts: HashMap<&'d str, El<'d, 'a>> = HashMap::new();
        for (name, map) in [
            ("LotTender", &mut tenders),
            ("TenderingParty", &mut parties),
            ("SettledContract", &mut contracts),
        ] {
            for el in nr.children_named(name) {
                if let Some(id) = el.child("ID").and_then(|i| i.text_opt()) {
                    map.insert(id, el);
                }
            }
        }
        for contract in contracts.values() {
            if let Some(f) = contract.child("ContractFrameworkIndicator") {
                if f.text() == "true" {
                    notice.framework_agreement = true;
                }
            }
        }
        for lr in nr.children_named("LotResult") {
            let mut result = LotResult::default();
            // The result's technical identifier (OPT-322).
            if let Some(id) = lr.child("ID") {
                id.touch();
            }
            for id in find_all(lr, "TenderLot/ID") {
                if let Some(v) = self.value(id) {
                    result.lot_ids.push(v.to_owned());
                }
            }
            let mut lot_tenders = Vec::new();
            for r in find_all(lr, "LotTender/ID") {
                let Some(id) = self.value(r) else { continue };
                match tenders.get(id) {
                    Some(t) => lot_tenders.push(*t),
                    None => self.warn(r, format!("refers to tender {id}, which is not given")),
                }
            }
            result.awarded = match lr.child("TenderResultCode") {
                Some(code) => match self.value(code) {
                    Some("selec-w") => true,
                    Some("clos-nw" | "open-nw") | None => false,
                    Some(other) => {
                        self.warn(code, format!("unknown result {other}"));
                        false
                    }
                },
                // VEAT and modification notices give the tender without a result code.
                None => !lot_tenders.is_empty(),
            };
            if result.awarded {
                self.winners(&lot_tenders, &parties, &mut result);
            }
            for r in find_all(lr, "SettledContract/ID") {
                let Some(id) = self.value(r) else { continue };
                let Some(contract) = contracts.get(id).copied() else {
                    self.warn(r, format!("refers to contract {id}, which is not given"));
                    continue;
                };
                if result.contract_date.is_none() {
                    result.contract_date = self.date_at(contract, "IssueDate");
                }
                // The contract's own link to the tender (BT-3202) repeats the result's.
                for t in find_all(contract, "LotTender/ID") {
                    t.touch();
                }
                if result.value.is_none() && result.awarded {
                    if let Some(v) = national_values.get(id) {
                        result.value = self.amount(*v);
                    }
                }
            }
            for s in lr.children_named("ReceivedSubmissionsStatistics") {
                // Only the count of tenders has a place in the model.
                let Some(code) = s.child("StatisticsCode") else {
                    continue;
                };
                if code.text() != "tenders" {
                    self.unread(code);
                    continue;
                }
                if let Some(n) = s.child("StatisticsNumeric") {
                    if let Some(v) = self.value(n) {
                        match v.parse::<u32>() {
                            Ok(count) => result.tenders_received = Some(count),
                            Err(_) => self.warn(n, format!("not a number of tenders: {v}")),
                        }
                    }
                }
            }
            notice.results.push(result);
        }
    }

    /// The winners and the value of an awarded result from its tenders.
    fn winners(
        &mut self,
        lot_tenders: &[El<'d, 'a>],
        parties: &HashMap<&'d str, El<'d, 'a>>,
        result: &mut LotResult,
    ) {
        let mut seen: Vec<&'d str> = Vec::new();
        let mut values: Vec<Amount> = Vec::new();
        for t in lot_tenders {
            // The tender's lot is the result's lot: understood.
            for l in find_all(*t, "TenderLot/ID") {
                l.touch();
            }
            for r in find_all(*t, "TenderingParty/ID") {
                let Some(id) = self.value(r) else { continue };
                let Some(tp) = parties.get(id).copied() else {
                    self.warn(
                        r,
                        format!("refers to tendering party {id}, which is not given"),
                    );
                    continue;
                };
                for tenderer in find_all(tp, "Tenderer/ID") {
                    if let Some((org, party)) = self.org_party(tenderer) {
                        if !seen.contains(&org) {
                            seen.push(org);
                            result.winners.push(party);
                        }
                    }
                }
            }
            if let Some(a) =
                find(*t, "LegalMonetaryTotal/PayableAmount").and_then(|e| self.amount(e))
            {
                values.push(a);
            }
        }
        result.value = match values.len() {
            0 => None,
            1 => values.pop(),
            _ => {
                let currency = values[0].currency.clone();
                let total = values.iter().try_fold(0i64, |sum, a| {
                    (a.currency == currency)
                        .then(|| a.cents())
                        .flatten()
                        .and_then(|c| sum.checked_add(c))
                });
                match total {
                    Some(c) => Some(from_cents(c, &currency)),
                    None => {
                        if let Some(t) = lot_tenders.first() {
                            self.warn(
                                *t,
                                "the winning tenders' values cannot be added up (currencies differ)",
                            );
                        }
                        None
                    }
                }
            }
        };
    }
}

pub(crate) fn read(doc: &Doc<'_>) -> Result<Reading, NoticeError> {
    let root = doc.root();
    let invalid = |el: El<'_, '_>, reason: String| NoticeError {
        file: doc.file().to_owned(),
        line: el.line(),
        element: el.path(),
        kind: ErrorKind::Invalid(reason),
    };
    let customization = root.child("CustomizationID");
    let sdk = match customization.map(|c| (c, c.text())) {
        Some((_, t)) if t.starts_with("eforms-sdk-") => t.to_owned(),
        Some((c, "")) => {
            return Err(invalid(
                c,
                "cbc:CustomizationID is empty: the eForms SDK version is not given".into(),
            ))
        }
        Some((c, t)) => {
            return Err(invalid(
                c,
                format!("cbc:CustomizationID {t} is not an eForms SDK version (eforms-sdk-1.x)"),
            ))
        }
        None => {
            let root_name = root.name();
            return Err(invalid(
                root,
                format!("{root_name} without cbc:CustomizationID: not an eForms notice"),
            ));
        }
    };

    let mut r = Reader {
        warnings: Vec::new(),
        lang: String::new(),
        orgs: HashMap::new(),
    };
    for s in root.children_named("Signature") {
        s.touch_all();
    }
    let ext = r.extension(root);

    // What kind of notice: the subtype (OPP-070), the notice type (BT-02), the root.
    let subtype_el = ext.and_then(|e| find(e, "NoticeSubType/SubTypeCode"));
    let subtype = subtype_el.and_then(|e| r.value(e));
    let type_el = root.child("NoticeTypeCode");
    let notice_type = type_el.and_then(|e| r.value(e));
    // The legal basis (BT-01): the kind does not depend on it, a concession's contract notice
    // is a contract notice as the TED form F24 has it.
    let domain = root.child("RegulatoryDomain").and_then(|e| r.value(e));
    let (subtype, mut kind) =
        match (subtype, notice_type) {
            (None, None) => return Err(invalid(
                ext.unwrap_or(root),
                "neither a notice subtype (efac:NoticeSubType/cbc:SubTypeCode) nor a notice type \
                 (cbc:NoticeTypeCode): not a notice"
                    .into(),
            )),
            (Some(s), t) => match subtype_kind(s) {
                Some((expected, kind)) => {
                    if let (Some(t), Some(el)) = (t, type_el) {
                        if t != expected && t != "corr" {
                            r.warn(
                                el,
                                format!("notice type {t} does not match subtype {s} ({expected})"),
                            );
                        }
                    }
                    (s.to_owned(), kind)
                }
                None => {
                    if let Some(el) = subtype_el {
                        r.warn(el, format!("unknown notice subtype {s}"));
                    }
                    let kind = t
                        .and_then(type_kind)
                        .unwrap_or_else(|| root_kind(root.name()));
                    (s.to_owned(), kind)
                }
            },
            (None, Some(t)) => {
                let kind = match type_kind(t) {
                    Some(k) => k,
                    None => {
                        if let Some(el) = type_el {
                            r.warn(el, format!("unknown notice type {t}"));
                        }
                        root_kind(root.name())
                    }
                };
                (t.to_owned(), kind)
            }
        };
    // A change notice (BT-758, BT-13716) is a corrigendum of the notice it changes.
    if ext.and_then(|e| e.child("Changes")).is_some() {
        kind = NoticeKind::Corrigendum;
    }

    let mut notice = Notice::new(Format::Eforms { sdk }, kind, subtype);

    // Languages first: texts without a languageID are in the notice's language.
    if let Some(l) = root.child("NoticeLanguageCode").and_then(|e| r.value(e)) {
        notice.languages.push(lang2(l));
    }
    for l in find_all(root, "AdditionalNoticeLanguage/ID") {
        if let Some(v) = r.value(l) {
            let code = lang2(v);
            if !notice.languages.contains(&code) {
                notice.languages.push(code);
            }
        }
    }
    r.lang = notice
        .languages
        .first()
        .cloned()
        .unwrap_or_else(|| "und".to_owned());

    // Identifiers and dates.
    if let Some(v) = root.child("UBLVersionID") {
        v.touch();
    }
    if let Some(id) = root.child("ID") {
        notice.identifiers.notice_number = r.value(id).map(str::to_owned);
    }
    notice.identifiers.procedure_id = r.owned_at(root, "ContractFolderID");
    notice.identifiers.version = r.owned_at(root, "VersionID");
    notice.dates.issued = r.date_at(root, "IssueDate");
    // The dispatch time: the model keeps the date.
    if let Some(t) = root.child("IssueTime") {
        t.touch();
    }
    // OPT-999, a dummy date the UBL schema requires.
    if let Some(d) = find(root, "TenderResult/AwardDate") {
        d.touch();
    }
    if let Some(p) = ext.and_then(|e| find(e, "Publication")) {
        for name in ["NoticePublicationID", "PublicationNumber"] {
            if let Some(el) = p.child(name) {
                if let Some(v) = r.value(el) {
                    notice
                        .identifiers
                        .ted_number
                        .get_or_insert_with(|| v.to_owned());
                }
            }
        }
        notice.dates.published = r.date_at(p, "PublicationDate");
    }

    // Organisations, then the buyers that refer to them.
    if let Some(orgs) = ext.and_then(|e| find(e, "Organizations")) {
        // A touch point (TPO-…) is an organisation's contact point, referred to as one: by
        // the review organisation, for one.
        for company in find_all(orgs, "Organization/Company")
            .into_iter()
            .chain(find_all(orgs, "Organization/TouchPoint"))
        {
            let id = find(company, "PartyIdentification/ID").and_then(|i| i.text_opt());
            if let Some(id) = id {
                r.orgs.insert(id, company);
            }
        }
    }
    for party in find_all(root, "ContractingParty/Party") {
        for id in find_all(party, "PartyIdentification/ID") {
            if let Some((_, p)) = r.org_party(id) {
                notice.buyers.push(p);
            }
        }
    }

    // The procedure.
    notice.procedure.legal_basis = domain.map(str::to_owned);
    if let Some(tp) = root.child("TenderingProcess") {
        notice.procedure.kind = tp
            .child("ProcedureCode")
            .and_then(|e| r.value(e))
            .map(str::to_ascii_lowercase);
        for j in tp.children_named("ProcessJustification") {
            let Some(code) = j.child("ProcessReasonCode") else {
                continue;
            };
            if code.attr("listName").as_deref() != Some("accelerated-procedure") {
                r.unread(code);
                continue;
            }
            match r.value(code) {
                Some("true") => notice.procedure.accelerated = Some(true),
                Some("false") => notice.procedure.accelerated = Some(false),
                Some(other) => r.warn(code, format!("not true or false: {other}")),
                None => {}
            }
        }
    }
    if let Some(p) = root.child("ProcurementProject") {
        notice.title = r.texts(p, "Name");
        notice.description = r.texts(p, "Description");
        notice.additional_info = r.texts(p, "Note");
        notice.identifiers.reference = r.owned_at(p, "ID");
        let (main, additional) = r.classifications(p);
        notice.main_cpv = main;
        notice.additional_cpv = additional;
        notice.nuts = r.nuts(p);
        notice.estimated_value = find(p, "RequestedTenderTotal/EstimatedOverallContractAmount")
            .and_then(|e| r.amount(e));
    }

    // The lots.
    for lot in root.children_named("ProcurementProjectLot") {
        let Some(id_el) = lot.child("ID") else {
            r.warn(lot, "lot without cbc:ID");
            continue;
        };
        match id_el.attr("schemeName").as_deref() {
            // A prior information notice divides into parts (PAR-…) as a contract notice into
            // lots; the TED form of the same notice (F01, OBJECT_DESCR) has them as lots.
            Some("Lot" | "Part") => {}
            // Groups of lots are not lots; what they say is about their lots.
            Some("LotsGroup") => {
                lot.touch_all();
                continue;
            }
            other => {
                r.warn(
                    id_el,
                    format!(
                        "lot identifier of unknown scheme {}",
                        other.unwrap_or("(none)")
                    ),
                );
                continue;
            }
        }
        let id = match r.value(id_el) {
            Some(v) => v.to_owned(),
            None => String::new(),
        };
        let (l, extras) = r.read_lot(lot, id);
        notice.documents_url = notice.documents_url.take().or(extras.documents_url);
        notice.participation_url = notice.participation_url.take().or(extras.participation_url);
        notice.review_body = notice.review_body.take().or(extras.review_body);
        notice.framework_agreement |= extras.framework;
        notice.dynamic_purchasing_system |= extras.dps;
        if let Some(d) = extras.deadline {
            if notice
                .dates
                .submission_deadline
                .as_ref()
                .is_none_or(|have| d < *have)
            {
                notice.dates.submission_deadline = Some(d);
            }
        }
        if let Some(s) = &l.start_date {
            if notice
                .dates
                .contract_start
                .as_ref()
                .is_none_or(|have| s < have)
            {
                notice.dates.contract_start = Some(s.clone());
            }
        }
        if let Some(e) = &l.end_date {
            if notice
                .dates
                .contract_end
                .as_ref()
                .is_none_or(|have| e > have)
            {
                notice.dates.contract_end = Some(e.clone());
            }
        }
        notice.lots.push(l);
    }
    if notice.main_cpv.is_none() {
        notice.main_cpv = notice.lots.iter().find_map(|l| l.main_cpv.clone());
    }
    if notice.nuts.is_empty() {
        for l in &notice.lots {
            for n in &l.nuts {
                if !notice.nuts.contains(n) {
                    notice.nuts.push(n.clone());
                }
            }
        }
    }

    // Finland's national extension (hilma-sdk `national-fields.json`).
    let mut national_values: HashMap<&str, El<'_, '_>> = HashMap::new();
    for national in root.children().filter(|c| c.name() == "NationalExtension") {
        // FI-11: the national legislation that applies, where the EU one is "other".
        if let Some(code) = find(national, "ProcurementProject/ApplicableLegislationCode") {
            if matches!(
                notice.procedure.legal_basis.as_deref(),
                None | Some("other")
            ) {
                if let Some(v) = r.value(code) {
                    notice.procedure.legal_basis = Some(v.to_owned());
                }
            }
        }
        // FI-70: contract values by contract, used where the tender gives none.
        for c in find_all(national, "NoticeResult/SettledContracts/SettledContract") {
            if let (Some(id), Some(v)) = (
                c.child("ID").and_then(|i| i.text_opt()),
                c.child("ContractValueAmount"),
            ) {
                national_values.insert(id, v);
            }
        }
    }

    // The results.
    if let Some(nr) = ext.and_then(|e| e.child("NoticeResult")) {
        r.read_results(nr, &mut notice, &national_values);
    }

    Ok(Reading {
        notice,
        warnings: r.warnings,
    })
}
