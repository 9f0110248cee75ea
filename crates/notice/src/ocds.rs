//! Open Contracting Data Standard 1.1: the release and release package types that Kumppani
//! writes, and a release from any notice this crate reads.
//!
//! The mapping follows the EU profile of OCDS for the forms it covers: the procedure identifier
//! (BT-04) makes the `ocid`, buyers and review bodies are `parties` with their roles, each lot
//! is a `tender.lots` entry (the lots extension) whose CPV codes are `tender.items`, and an
//! award notice's results are `awards` with their suppliers. The types are the view of OCDS
//! that Kumppani publishes: every field is optional unless the schema requires it, and nothing
//! is written that the source does not say.

use crate::model::{with_further, Amount, Notice, NoticeKind, Party, Text};
use serde::Serialize;

/// The OCDS version written into every package.
pub const VERSION: &str = "1.1";

/// The lots extension, used for `tender.lots` and `relatedLot(s)`.
pub const LOTS_EXTENSION: &str =
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json";

/// The techniques extension, used for `tender.techniques` (framework agreement, DPS).
pub const TECHNIQUES_EXTENSION: &str =
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_techniques_extension/v1.1.5/extension.json";

/// A release package: releases with the publisher's metadata.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleasePackage {
    pub uri: String,
    pub version: String,
    pub extensions: Vec<String>,
    pub published_date: String,
    pub publisher: Publisher,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publication_policy: Option<String>,
    pub releases: Vec<Release>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Publisher {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    pub ocid: String,
    pub id: String,
    pub date: String,
    pub tag: Vec<String>,
    pub initiation_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub parties: Vec<Organization>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer: Option<OrganizationReference>,
    pub tender: Tender,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<Award>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contracts: Vec<Contract>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_point: Option<ContactPoint>,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identifier {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_name: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_name: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ContactPoint {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrganizationReference {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tender {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub procurement_method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub procurement_method_details: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub main_procurement_category: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tender_period: Option<Period>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract_period: Option<Period>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_enquiries: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub techniques: Option<Techniques>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lots: Vec<Lot>,
}

/// The techniques extension's flags, written only as the notice states them.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Techniques {
    pub has_framework_agreement: bool,
    pub has_dynamic_purchasing_system: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub classification: Classification,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub additional_classifications: Vec<Classification>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related_lot: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Classification {
    pub scheme: String,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Classification {
    /// A CPV code.
    pub fn cpv(code: &str) -> Classification {
        Classification {
            scheme: "CPV".into(),
            id: code.to_owned(),
            description: None,
        }
    }
}

/// An amount: a JSON number and its currency.
#[derive(Debug, Clone, Serialize)]
pub struct Value {
    pub amount: serde_json::Number,
    pub currency: String,
}

impl Value {
    /// From a decimal string (`1234.50`); `None` if it is not one.
    pub fn from_decimal(value: &str, currency: &str) -> Option<Value> {
        let amount: serde_json::Number = value.parse().ok()?;
        Some(Value {
            amount,
            currency: currency.to_owned(),
        })
    }

    /// From cents, in euros.
    pub fn euros(cents: i64) -> Value {
        let amount = if cents % 100 == 0 {
            serde_json::Number::from(cents / 100)
        } else {
            serde_json::Number::from_f64(cents as f64 / 100.0)
                .unwrap_or_else(|| serde_json::Number::from(cents / 100))
        };
        Value {
            amount,
            currency: "EUR".to_owned(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_in_days: Option<u32>,
}

impl Period {
    fn is_empty(&self) -> bool {
        self.start_date.is_none() && self.end_date.is_none() && self.duration_in_days.is_none()
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub url: String,
}

/// A lot (the lots extension).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lot {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract_period: Option<Period>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Award {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppliers: Vec<OrganizationReference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract_period: Option<Period>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_lots: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contract {
    pub id: String,
    #[serde(rename = "awardID")]
    pub award_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implementation: Option<Implementation>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Implementation {
    pub transactions: Vec<Transaction>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub date: String,
    pub value: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer: Option<OrganizationReference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payee: Option<OrganizationReference>,
}

/// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]` as a notice writes a date or time, made
/// the RFC 3339 date-time OCDS requires: a day starts at midnight UTC, a time without an
/// offset is taken as given in UTC.
pub fn date_time(s: &str) -> Option<String> {
    let s = s.trim();
    let date = s.get(..10)?;
    let ok_date = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !ok_date {
        return None;
    }
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(format!("{date}T00:00:00Z"));
    }
    let time = rest.strip_prefix('T')?;
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(i) => (&time[..i], &time[i..]),
        None => (time, "Z"),
    };
    let clock = match clock.len() {
        5 => format!("{clock}:00"),
        8 => clock.to_owned(),
        _ => return None,
    };
    let ok_clock = clock.bytes().enumerate().all(|(i, b)| match i {
        2 | 5 => b == b':',
        _ => b.is_ascii_digit(),
    });
    let ok_zone = zone == "Z"
        || (zone.len() == 6
            && zone.bytes().enumerate().all(|(i, b)| match i {
                0 => b == b'+' || b == b'-',
                3 => b == b':',
                _ => b.is_ascii_digit(),
            }));
    (ok_clock && ok_zone).then(|| format!("{date}T{clock}{zone}"))
}

/// A URL as notices write it, made an absolute URI as OCDS requires: an address without a
/// scheme (`www.example.fi`) is taken as `http://`, and characters a URI may not hold
/// (spaces, letters outside ASCII) are percent-encoded. `None` for what is no address at all.
pub fn uri(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let has_scheme = s.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme.as_bytes()[0].is_ascii_alphabetic()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
    });
    let whole = if has_scheme {
        s.to_owned()
    } else if s.contains('.') && !s.contains(char::is_whitespace) && !s.contains('@') {
        format!("http://{s}")
    } else {
        return None;
    };
    let mut out = String::with_capacity(whole.len());
    for b in whole.bytes() {
        if b.is_ascii_graphic()
            && !matches!(
                b,
                b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
            )
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Some(out)
}

/// The OCDS procurement method of a procedure type code (eForms `procurement-procedure-type`,
/// TED's as the reader writes them), with the code itself as the details.
fn procurement_method(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "open" => "open",
        "restricted" | "neg-w-call" | "comp-dial" | "innovation" | "comp-tend" => "selective",
        "neg-wo-call" | "oth-single" => "limited",
        "oth-mult" => "selective",
        _ => return None,
    })
}

/// Why a notice has no release.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcdsError {
    #[error("neither the notice nor the caller gives a date, which a release requires")]
    NoDate,
    #[error("the notice gives no procedure identifier, notice number or TED number")]
    NoIdentifier,
}

fn text_in(t: &Text, n: &Notice) -> Option<String> {
    Notice::text_in(
        t,
        n.languages.first().map(String::as_str).unwrap_or("en"),
        &n.languages,
    )
    .filter(|s| !s.is_empty())
    .map(str::to_owned)
}

/// A Finnish business ID (`1234567-8`) is in the org-id.guide list as `FI-PRO`; other national
/// identifiers are given without a scheme.
fn identifier(national_id: &str) -> Identifier {
    let b = national_id.as_bytes();
    let finnish = b.len() == 9
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 7 || c.is_ascii_digit());
    Identifier {
        scheme: finnish.then(|| "FI-PRO".to_owned()),
        id: national_id.to_owned(),
        legal_name: None,
    }
}

fn organization(p: &Party, id: String, role: &str, n: &Notice) -> Organization {
    let a = &p.address;
    let address = Address {
        street_address: a.street.clone(),
        locality: a.city.clone(),
        region: a.nuts.clone(),
        postal_code: a.postal_code.clone(),
        country_name: a.country.clone(),
    };
    let has_address = address.street_address.is_some()
        || address.locality.is_some()
        || address.postal_code.is_some()
        || address.country_name.is_some();
    let contact = ContactPoint {
        email: p.email.clone(),
        url: p.url.as_deref().and_then(uri),
    };
    Organization {
        id,
        // A party without a name is named by its identifier; one with neither is left out.
        name: text_in(&p.name, n)
            .or_else(|| p.national_id.clone())
            .unwrap_or_default(),
        identifier: p.national_id.as_deref().map(identifier),
        address: has_address.then_some(address),
        contact_point: (contact.email.is_some() || contact.url.is_some()).then_some(contact),
        roles: vec![role.to_owned()],
    }
}

/// Adds a party, or the role to the party already there with the same identifier or name;
/// `None` for a party with neither a name nor an identifier, which OCDS cannot refer to.
pub fn add_party(
    parties: &mut Vec<Organization>,
    mut o: Organization,
) -> Option<OrganizationReference> {
    if o.name.is_empty() {
        return None;
    }
    let same = parties
        .iter_mut()
        .find(|p| match (&p.identifier, &o.identifier) {
            (Some(a), Some(b)) => a.id == b.id,
            _ => !p.name.is_empty() && p.name == o.name,
        });
    match same {
        Some(p) => {
            for r in o.roles.drain(..) {
                if !p.roles.contains(&r) {
                    p.roles.push(r);
                }
            }
            Some(OrganizationReference {
                id: p.id.clone(),
                name: p.name.clone(),
            })
        }
        None => {
            let r = OrganizationReference {
                id: o.id.clone(),
                name: o.name.clone(),
            };
            parties.push(o);
            Some(r)
        }
    }
}

fn value(a: &Option<Amount>) -> Option<Value> {
    a.as_ref()
        .and_then(|a| Value::from_decimal(&a.value, &a.currency))
}

fn days(d: &crate::model::Duration) -> Option<u32> {
    let v: f64 = d.value.parse().ok()?;
    let per = match d.unit.as_str() {
        "day" => 1.0,
        "week" => 7.0,
        "month" => 30.0,
        "year" => 365.0,
        _ => return None,
    };
    let days = (v * per).round();
    (days >= 0.0 && days <= f64::from(u32::MAX)).then_some(days as u32)
}

/// A stable identifier from the notice's content (FNV-1a of its JSON), for a notice without one.
fn content_id(n: &Notice) -> Option<String> {
    let json = serde_json::to_vec(n).ok()?;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in json {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    Some(format!("notice-{h:016x}"))
}

/// The release of one notice. `ocid_prefix` is the publisher's prefix registered with the Open
/// Contracting Partnership (`ocds-…`); `recorded` (RFC 3339) is when the release is made, its
/// date where the notice gives neither its dispatch nor its publication date (OCDS: "first
/// recorded in, or published by, any system").
pub fn release(n: &Notice, ocid_prefix: &str, recorded: &str) -> Result<Release, OcdsError> {
    let ids = &n.identifiers;
    // A notice that names neither its procedure nor itself (a form sent but not yet
    // published) is identified by its buyer's reference, else by its content.
    let process = ids
        .procedure_id
        .clone()
        .or_else(|| ids.notice_number.clone())
        .or_else(|| ids.ted_number.clone())
        .or_else(|| ids.reference.clone())
        .or_else(|| content_id(n))
        .ok_or(OcdsError::NoIdentifier)?;
    let notice_id = ids
        .notice_number
        .clone()
        .or_else(|| ids.ted_number.clone())
        .unwrap_or_else(|| process.clone());
    let date = n
        .dates
        .published
        .as_deref()
        .or(n.dates.issued.as_deref())
        .and_then(date_time)
        .or_else(|| date_time(recorded))
        .ok_or(OcdsError::NoDate)?;
    let (tag, status) = match n.kind {
        NoticeKind::PriorInformation => ("planning", "planned"),
        NoticeKind::ContractNotice => ("tender", "active"),
        NoticeKind::ContractAward | NoticeKind::VoluntaryExAnte => ("award", "complete"),
        NoticeKind::Modification => ("contractAmendment", "complete"),
        NoticeKind::Corrigendum => ("tenderAmendment", "active"),
        NoticeKind::Other => ("tender", "active"),
    };

    let mut parties = Vec::new();
    let mut buyer = None;
    for (i, b) in n.buyers.iter().enumerate() {
        let r = add_party(
            &mut parties,
            organization(b, format!("buyer-{}", i + 1), "buyer", n),
        );
        if buyer.is_none() {
            buyer = r;
        }
    }
    if let Some(r) = &n.review_body {
        add_party(
            &mut parties,
            organization(r, "review-body".into(), "reviewBody", n),
        );
    }

    // Items: the lots' CPV codes, or the procedure's where it has no lots.
    let mut items = Vec::new();
    let mut lots = Vec::new();
    for l in &n.lots {
        let main = l.main_cpv.clone().or_else(|| n.main_cpv.clone());
        if let Some(code) = main {
            items.push(Item {
                id: format!("{}", items.len() + 1),
                description: text_in(&l.title, n),
                classification: Classification::cpv(&code),
                additional_classifications: l
                    .additional_cpv
                    .iter()
                    .map(|c| Classification::cpv(c))
                    .collect(),
                related_lot: Some(l.id.clone()),
            });
        }
        let period = Period {
            start_date: l.start_date.as_deref().and_then(date_time),
            end_date: l.end_date.as_deref().and_then(date_time),
            duration_in_days: l.duration.as_ref().and_then(days),
        };
        let description = text_in(&with_further(&l.description, &l.additional_info), n);
        lots.push(Lot {
            id: l.id.clone(),
            title: text_in(&l.title, n),
            description,
            value: value(&l.estimated_value),
            contract_period: (!period.is_empty()).then_some(period),
        });
    }
    if n.lots.is_empty() {
        if let Some(code) = &n.main_cpv {
            items.push(Item {
                id: "1".into(),
                description: None,
                classification: Classification::cpv(code),
                additional_classifications: n
                    .additional_cpv
                    .iter()
                    .map(|c| Classification::cpv(c))
                    .collect(),
                related_lot: None,
            });
        }
    }
    let mut documents = Vec::new();
    if let Some(u) = n.documents_url.as_deref().and_then(uri) {
        documents.push(Document {
            id: "procurement-documents".into(),
            document_type: Some("biddingDocuments".into()),
            title: None,
            url: u,
        });
    }
    if let Some(u) = n.participation_url.as_deref().and_then(uri) {
        documents.push(Document {
            id: "participation".into(),
            document_type: Some("tenderNotice".into()),
            title: None,
            url: u,
        });
    }
    let description = text_in(&with_further(&n.description, &n.additional_info), n);
    let tender = Tender {
        id: process.clone(),
        title: text_in(&n.title, n),
        description,
        status: Some(status.into()),
        procurement_method: n
            .procedure
            .kind
            .as_deref()
            .and_then(procurement_method)
            .map(str::to_owned),
        procurement_method_details: n.procedure.kind.clone(),
        main_procurement_category: None,
        items,
        value: value(&n.estimated_value),
        tender_period: n
            .dates
            .submission_deadline
            .as_deref()
            .and_then(date_time)
            .map(|end| Period {
                end_date: Some(end),
                ..Period::default()
            }),
        contract_period: None,
        has_enquiries: None,
        techniques: (n.framework_agreement || n.dynamic_purchasing_system).then_some(Techniques {
            has_framework_agreement: n.framework_agreement,
            has_dynamic_purchasing_system: n.dynamic_purchasing_system,
        }),
        documents,
        lots,
    };

    let mut awards = Vec::new();
    for (i, res) in n.results.iter().enumerate() {
        let mut suppliers: Vec<OrganizationReference> = Vec::new();
        for (j, w) in res.winners.iter().enumerate() {
            let Some(r) = add_party(
                &mut parties,
                organization(w, format!("supplier-{}-{}", i + 1, j + 1), "supplier", n),
            ) else {
                continue;
            };
            // A winner named twice in one result is one supplier.
            if !suppliers.iter().any(|s| s.id == r.id) {
                suppliers.push(r);
            }
        }
        awards.push(Award {
            id: format!("award-{}", i + 1),
            title: None,
            status: Some(
                if res.awarded {
                    "active"
                } else {
                    "unsuccessful"
                }
                .into(),
            ),
            date: res.contract_date.as_deref().and_then(date_time),
            value: value(&res.value),
            suppliers,
            contract_period: None,
            related_lots: res.lot_ids.clone(),
        });
    }

    Ok(Release {
        ocid: format!("{ocid_prefix}-{process}"),
        id: format!("{notice_id}-{tag}"),
        date,
        tag: vec![tag.into()],
        initiation_type: "tender".into(),
        language: n.languages.first().cloned(),
        parties,
        buyer,
        tender,
        awards,
        contracts: Vec::new(),
    })
}

/// A package of releases.
pub fn package(
    uri: &str,
    published_date: &str,
    publisher: Publisher,
    releases: Vec<Release>,
) -> ReleasePackage {
    ReleasePackage {
        uri: uri.to_owned(),
        version: VERSION.to_owned(),
        extensions: vec![LOTS_EXTENSION.to_owned(), TECHNIQUES_EXTENSION.to_owned()],
        published_date: published_date.to_owned(),
        publisher,
        license: None,
        publication_policy: None,
        releases,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_rfc3339_date_times() {
        assert_eq!(
            date_time("2021-04-01").as_deref(),
            Some("2021-04-01T00:00:00Z")
        );
        assert_eq!(
            date_time("2025-04-01T16:55").as_deref(),
            Some("2025-04-01T16:55:00Z")
        );
        assert_eq!(
            date_time("2025-04-01T16:55:10+02:00").as_deref(),
            Some("2025-04-01T16:55:10+02:00")
        );
        assert_eq!(date_time("1.4.2021"), None);
        assert_eq!(date_time("2021-04-01T25"), None);
    }

    #[test]
    fn addresses_become_absolute_uris() {
        assert_eq!(
            uri("www.oikeus.fi").as_deref(),
            Some("http://www.oikeus.fi")
        );
        assert_eq!(
            uri("https://tarjouspalvelu.fi/a?id=1&b=2").as_deref(),
            Some("https://tarjouspalvelu.fi/a?id=1&b=2")
        );
        assert_eq!(
            uri("https://x.fi/hä n").as_deref(),
            Some("https://x.fi/h%C3%A4%20n")
        );
        assert_eq!(uri("kirjaamo@example.fi"), None);
        assert_eq!(uri("ei osoitetta"), None);
    }

    #[test]
    fn euros_are_numbers() {
        assert_eq!(
            serde_json::to_string(&Value::euros(123450).amount).unwrap(),
            "1234.5"
        );
        assert_eq!(
            serde_json::to_string(&Value::euros(100).amount).unwrap(),
            "1"
        );
    }
}
