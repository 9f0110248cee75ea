//! Legacy Hilma write-API notices: the `EtsNoticeContract` JSON of Hilma's ETS API v1
//! (`PUT /external-api/v1/notice/{etsIdentifier}`), used before eForms.
//!
//! No real instances are public, so the reader follows the API's model and is strict about what
//! it does not know: a field the model does not have, or one this reader does not map, becomes a
//! warning with its JSON pointer; a field of the wrong type is an error naming it.

use crate::model::*;
use crate::{ErrorKind, NoticeError};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::BTreeSet;

/// What the model's notice type code says (from the API's enum and the form it maps to).
fn notice_type(code: i64) -> Option<(NoticeKind, &'static str, &'static str)> {
    use NoticeKind::*;
    Some(match code {
        100 => (PriorInformation, "PriorInformation", "F01"),
        101 => (PriorInformation, "PriorInformationReduceTimeLimits", "F01"),
        200 => (ContractNotice, "Contract", "F02"),
        300 => (ContractAward, "ContractAward", "F03"),
        301 => (ContractAward, "DpsAward", "F03"),
        400 => (PriorInformation, "PeriodicIndicativeUtilities", "F04"),
        401 => (
            PriorInformation,
            "PeriodicIndicativeUtilitiesReduceTimeLimits",
            "F04",
        ),
        500 => (ContractNotice, "ContractUtilities", "F05"),
        600 => (ContractAward, "ContractAwardUtilities", "F06"),
        700 => (Other, "QualificationSystemUtilities", "F07"),
        800 => (Other, "BuyerProfile", "F08"),
        900 => (ContractNotice, "DefenceSimplifiedContract", "F09"),
        1000 => (ContractNotice, "DefenceConcession", "F10"),
        1100 => (ContractNotice, "DefenceContractConcessionnaire", "F11"),
        1200 => (Other, "DesignContest", "F12"),
        1300 => (ContractAward, "DesignContestResults", "F13"),
        1500 => (VoluntaryExAnte, "ExAnte", "F15"),
        1600 => (PriorInformation, "DefencePriorInformation", "F16"),
        1700 => (ContractNotice, "DefenceContract", "F17"),
        1800 => (ContractAward, "DefenceContractAward", "F18"),
        1900 => (ContractNotice, "DefenceContractSub", "F19"),
        2000 => (Modification, "Modification", "F20"),
        2100 => (ContractNotice, "SocialContract", "F21"),
        2101 => (PriorInformation, "SocialPriorInformation", "F21"),
        2102 => (ContractAward, "SocialContractAward", "F21"),
        2200 => (ContractNotice, "SocialUtilities", "F22"),
        2201 => (PriorInformation, "SocialUtilitiesPriorInformation", "F22"),
        2202 => (ContractAward, "SocialUtilitiesContractAward", "F22"),
        2203 => (Other, "SocialUtilitiesQualificationSystem", "F22"),
        2300 => (PriorInformation, "SocialConcessionPriorInformation", "F23"),
        2301 => (ContractAward, "SocialConcessionAward", "F23"),
        2400 => (ContractNotice, "Concession", "F24"),
        2500 => (ContractAward, "ConcessionAward", "F25"),
        9901 => (PriorInformation, "NationalPriorInformation", "national"),
        9902 => (ContractNotice, "NationalContract", "national"),
        9903 => (ContractNotice, "NationalAgricultureContract", "national"),
        9904 => (VoluntaryExAnte, "NationalTransparency", "national"),
        9905 => (ContractAward, "NationalDirectAward", "national"),
        9906 => (Other, "NationalDesignContest", "national"),
        9910 => (
            PriorInformation,
            "NationalDefencePriorInformation",
            "national",
        ),
        9911 => (ContractNotice, "NationalDefenceContract", "national"),
        9912 => (ContractNotice, "NationalSmallValueProcurement", "national"),
        9913 => (
            ContractNotice,
            "NationalSmallValueProcurementSocial",
            "national",
        ),
        _ => return None,
    })
}

/// `ProcedureInformation.procedureType` to the procedure codes the other readers use.
fn procedure_type(code: i64) -> Option<&'static str> {
    Some(match code {
        1 => "open",
        2 => "restricted",
        3 | 7 | 11 | 13 => "neg-w-call",
        4 => "comp-dial",
        5 => "innovation",
        6 | 8 | 9 | 10 | 15 | 16 | 18 => "neg-wo-call",
        12 => "concession",
        14 => "oth-mult",
        17 => "oth-single",
        _ => return None,
    })
}

/// Every field of the API's model that this reader knows to exist, by definition; used to tell
/// "not in the model" (strictness) from "in the model, not mapped" (a plain warning).
const KNOWN_TOP: &[&str] = &[
    "id",
    "legalBasis",
    "communicationInformation",
    "complementaryInformation",
    "conditionsInformation",
    "conditionsInformationDefence",
    "conditionsInformationNational",
    "contactPerson",
    "estimatedValue",
    "links",
    "lotsInfo",
    "mainCpvCode",
    "objectDescriptions",
    "organisation",
    "noticeOjsNumber",
    "previousNoticeOjsNumber",
    "project",
    "shortDescription",
    "type",
    "tenderingInformation",
    "rewardsAndJury",
    "language",
    "procedureInformation",
    "proceduresForReview",
    "modifications",
    "defence",
    "isCorrigendum",
    "isCancelled",
    "cancelledReason",
    "changes",
    "corrigendumAdditionalInformation",
    "contractAwardsDefence",
    "annexes",
    "tedPublicationInfo",
    "hilmaPublicationDate",
    "datePublished",
];

struct Reader<'v> {
    file: String,
    root: &'v Value,
    read: RefCell<BTreeSet<String>>,
}

impl<'v> Reader<'v> {
    fn get(&self, pointer: &str) -> Option<&'v Value> {
        let v = self.root.pointer(pointer)?;
        if v.is_null() {
            return None;
        }
        self.read.borrow_mut().insert(pointer.to_owned());
        Some(v)
    }

    fn invalid(&self, pointer: &str, what: &str) -> NoticeError {
        NoticeError {
            file: self.file.clone(),
            line: 1,
            element: pointer.to_owned(),
            kind: ErrorKind::Invalid(format!("{pointer} should be {what}")),
        }
    }

    fn str(&self, pointer: &str) -> Result<Option<String>, NoticeError> {
        match self.get(pointer) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(self.invalid(pointer, "text")),
        }
    }

    fn int(&self, pointer: &str) -> Result<Option<i64>, NoticeError> {
        match self.get(pointer) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.invalid(pointer, "a whole number")),
            Some(_) => Err(self.invalid(pointer, "a whole number")),
        }
    }

    fn bool(&self, pointer: &str) -> Result<Option<bool>, NoticeError> {
        match self.get(pointer) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.invalid(pointer, "true or false")),
        }
    }

    /// `string[]` paragraphs joined with new lines.
    fn paragraphs(&self, pointer: &str) -> Result<Option<String>, NoticeError> {
        match self.get(pointer) {
            None => Ok(None),
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    self.read.borrow_mut().insert(format!("{pointer}/{i}"));
                    match item {
                        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
                        Value::String(_) | Value::Null => {}
                        _ => return Err(self.invalid(&format!("{pointer}/{i}"), "text")),
                    }
                }
                Ok((!out.is_empty()).then(|| out.join("\n")))
            }
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_owned())),
            Some(_) => Err(self.invalid(pointer, "a list of paragraphs")),
        }
    }

    fn array_len(&self, pointer: &str) -> Result<usize, NoticeError> {
        match self.root.pointer(pointer) {
            None | Some(Value::Null) => Ok(0),
            Some(Value::Array(a)) => {
                self.read.borrow_mut().insert(pointer.to_owned());
                Ok(a.len())
            }
            Some(_) => Err(self.invalid(pointer, "a list")),
        }
    }

    fn amount(&self, pointer: &str) -> Result<Option<Amount>, NoticeError> {
        if self.get(pointer).is_none() {
            return Ok(None);
        }
        let _ = self.int(&format!("{pointer}/type"))?;
        let currency = self
            .str(&format!("{pointer}/currency"))?
            .unwrap_or_else(|| "EUR".into());
        let value = match self.get(&format!("{pointer}/value")) {
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => return Err(self.invalid(&format!("{pointer}/value"), "a number")),
            None => None,
        };
        // A range (type 2) is kept as its upper bound, which is what an estimate is compared by.
        let value = match value {
            Some(v) => Some(v),
            None => match self.get(&format!("{pointer}/maxValue")) {
                Some(Value::Number(n)) => {
                    let _ = self.get(&format!("{pointer}/minValue"));
                    Some(n.to_string())
                }
                Some(_) => return Err(self.invalid(&format!("{pointer}/maxValue"), "a number")),
                None => None,
            },
        };
        let _ = self.bool(&format!("{pointer}/disagreeToBePublished"))?;
        Ok(value.and_then(|v| Amount::parse(&v, &currency)))
    }

    fn cpv(&self, pointer: &str) -> Result<Option<String>, NoticeError> {
        let _ = self.get(&format!("{pointer}/name"));
        Ok(self
            .str(&format!("{pointer}/code"))?
            .map(|c| c.split('-').next().unwrap_or(&c).to_owned()))
    }

    fn strings(&self, pointer: &str) -> Result<Vec<String>, NoticeError> {
        let n = self.array_len(pointer)?;
        let mut out = Vec::new();
        for i in 0..n {
            if let Some(s) = self.str(&format!("{pointer}/{i}"))? {
                out.push(s);
            }
        }
        Ok(out)
    }

    fn party(&self, pointer: &str, lang: &str) -> Result<Party, NoticeError> {
        let mut p = Party::default();
        if let Some(n) = self.str(&format!("{pointer}/officialName"))? {
            p.name.insert(lang.to_owned(), n);
        }
        p.national_id = self.str(&format!("{pointer}/nationalRegistrationNumber"))?;
        p.address = Address {
            street: self.str(&format!("{pointer}/postalAddress/streetAddress"))?,
            postal_code: self.str(&format!("{pointer}/postalAddress/postalCode"))?,
            city: self.str(&format!("{pointer}/postalAddress/town"))?,
            country: self.str(&format!("{pointer}/postalAddress/country"))?,
            nuts: self
                .strings(&format!("{pointer}/nutsCodes"))?
                .into_iter()
                .next(),
        };
        p.url = self.str(&format!("{pointer}/mainUrl"))?;
        p.email = self.str(&format!("{pointer}/email"))?;
        Ok(p)
    }

    /// Every non-empty leaf not read, as a JSON pointer.
    fn unread(&self, v: &Value, pointer: &str, out: &mut Vec<String>) {
        if self.read.borrow().contains(pointer) && !v.is_object() && !v.is_array() {
            return;
        }
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    self.unread(x, &format!("{pointer}/{}", escape(k)), out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    self.unread(x, &format!("{pointer}/{i}"), out);
                }
            }
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            _ => out.push(pointer.to_owned()),
        }
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

pub(crate) fn read(text: &str, file: &str) -> Result<Reading, NoticeError> {
    let root: Value = serde_json::from_str(text).map_err(|e| NoticeError {
        file: file.to_owned(),
        line: e.line(),
        element: String::new(),
        kind: ErrorKind::Json(e.to_string()),
    })?;
    let Value::Object(top) = &root else {
        return Err(NoticeError::whole(
            file,
            ErrorKind::UnknownFormat("a JSON notice is an object".into()),
        ));
    };
    let r = Reader {
        file: file.to_owned(),
        root: &root,
        read: RefCell::new(BTreeSet::new()),
    };
    let code = r
        .int("/type")?
        .ok_or_else(|| r.invalid("/type", "the notice type code of the Hilma API"))?;
    let (kind, type_name, form) = notice_type(code)
        .ok_or_else(|| r.invalid("/type", "a notice type code of the Hilma API (e.g. 2100)"))?;
    let lang = r
        .str("/language")?
        .map(|l| l.to_lowercase())
        .unwrap_or_else(|| "fi".into());
    let mut n = Notice::new(
        Format::HilmaJson {
            notice_type: type_name.to_owned(),
        },
        kind,
        form.to_owned(),
    );
    if r.bool("/isCorrigendum")? == Some(true) {
        n.kind = NoticeKind::Corrigendum;
    }
    n.languages = vec![lang.clone()];
    n.identifiers.notice_number = r.str("/id")?;
    n.identifiers.ted_number = r.str("/noticeOjsNumber")?;
    n.identifiers.procedure_id = r.str("/project/id")?;
    n.identifiers.reference = r.str("/project/referenceNumber")?;
    n.dates.published = r
        .str("/tedPublicationInfo/publicationDate")?
        .or(r.str("/datePublished")?)
        .map(|d| d.chars().take(10).collect());
    n.dates.submission_deadline =
        r.str("/tenderingInformation/tendersOrRequestsToParticipateDueDateTime")?;
    if r.get("/organisation").is_some() {
        n.buyers.push(r.party("/organisation/information", &lang)?);
    }
    for i in 0..r.array_len("/project/coPurchasers")? {
        n.buyers
            .push(r.party(&format!("/project/coPurchasers/{i}"), &lang)?);
    }
    if let Some(t) = r.str("/project/title")? {
        n.title.insert(lang.clone(), t);
    }
    if let Some(d) = r.paragraphs("/shortDescription")? {
        n.description.insert(lang.clone(), d);
    }
    n.procedure.kind = match r.int("/procedureInformation/procedureType")? {
        None | Some(0) => None,
        Some(c) => Some(
            procedure_type(c)
                .ok_or_else(|| {
                    r.invalid(
                        "/procedureInformation/procedureType",
                        "a procedure type code",
                    )
                })?
                .to_owned(),
        ),
    };
    n.procedure.accelerated = r.bool("/procedureInformation/acceleratedProcedure")?;
    n.procedure.legal_basis = r.str("/legalBasis")?;
    n.main_cpv = r.cpv("/mainCpvCode")?;
    n.estimated_value = r.amount("/estimatedValue")?;
    n.framework_agreement = r
        .bool("/procedureInformation/frameworkAgreement/includesFrameworkAgreement")?
        .unwrap_or(false)
        || r.bool(
            "/procedureInformation/frameworkAgreement/includesConclusionOfFrameworkAgreement",
        )? == Some(true);
    n.dynamic_purchasing_system = r
        .bool("/procedureInformation/frameworkAgreement/includesDynamicPurchasingSystem")?
        .unwrap_or(false);
    let _ = r.bool("/lotsInfo/divisionLots")?;
    let _ = r.int("/lotsInfo/quantityOfLots")?;

    let mut nuts = BTreeSet::new();
    let mut additional = BTreeSet::new();
    let lots = r.array_len("/objectDescriptions")?;
    for i in 0..lots {
        let p = format!("/objectDescriptions/{i}");
        let mut lot = Lot {
            id: r
                .int(&format!("{p}/lotNumber"))?
                .map(|n| n.to_string())
                .unwrap_or_else(|| (i + 1).to_string()),
            ..Lot::default()
        };
        if let Some(t) = r.str(&format!("{p}/title"))? {
            lot.title.insert(lang.clone(), t);
        }
        if let Some(d) = r.paragraphs(&format!("{p}/descrProcurement"))? {
            lot.description.insert(lang.clone(), d);
        }
        lot.main_cpv = r.cpv(&format!("{p}/mainCpvCode"))?;
        for j in 0..r.array_len(&format!("{p}/additionalCpvCodes"))? {
            if let Some(c) = r.cpv(&format!("{p}/additionalCpvCodes/{j}"))? {
                additional.insert(c.clone());
                lot.additional_cpv.push(c);
            }
        }
        lot.nuts = r.strings(&format!("{p}/nutsCodes"))?;
        nuts.extend(lot.nuts.iter().cloned());
        lot.estimated_value = r.amount(&format!("{p}/estimatedValue"))?;
        let tf = format!("{p}/timeFrame");
        let _ = r.int(&format!("{tf}/type"))?;
        for (field, unit) in [("days", "day"), ("months", "month"), ("years", "year")] {
            if let Some(v) = r.int(&format!("{tf}/{field}"))? {
                if v > 0 && lot.duration.is_none() {
                    lot.duration = Some(Duration {
                        value: v.to_string(),
                        unit: unit.into(),
                    });
                }
            }
        }
        lot.start_date = r
            .str(&format!("{tf}/beginDate"))?
            .map(|d| d.chars().take(10).collect());
        lot.end_date = r
            .str(&format!("{tf}/endDate"))?
            .map(|d| d.chars().take(10).collect());
        lot.renewal = r.bool(&format!("{tf}/canBeRenewed"))?;
        if r.bool(&format!("{p}/optionsAndVariants/options"))? == Some(true) {
            let text = r
                .paragraphs(&format!("{p}/optionsAndVariants/optionsDescription"))?
                .unwrap_or_default();
            lot.options.insert(lang.clone(), text);
        }
        let ac = format!("{p}/awardCriteria");
        let _ = r.int(&format!("{ac}/criterionTypes"))?;
        for (list, kind) in [("qualityCriteria", "quality"), ("costCriteria", "cost")] {
            for j in 0..r.array_len(&format!("{ac}/{list}"))? {
                let q = format!("{ac}/{list}/{j}");
                let mut name = Text::new();
                if let Some(c) = r.str(&format!("{q}/criterion"))? {
                    name.insert(lang.clone(), c);
                }
                lot.award_criteria.push(AwardCriterion {
                    kind: kind.into(),
                    name,
                    weight: r.str(&format!("{q}/weighting"))?,
                });
            }
        }
        if r.get(&format!("{ac}/priceCriterion")).is_some() {
            let mut name = Text::new();
            if let Some(c) = r.str(&format!("{ac}/priceCriterion/criterion"))? {
                name.insert(lang.clone(), c);
            }
            lot.award_criteria.push(AwardCriterion {
                kind: "price".into(),
                name,
                weight: r.str(&format!("{ac}/priceCriterion/weighting"))?,
            });
        }
        let aw = format!("{p}/awardContract");
        if r.get(&aw).is_some() {
            let awarded = r.int(&format!("{aw}/contractAwarded"))?;
            let c = format!("{aw}/awardedContract");
            let mut res = LotResult {
                lot_ids: vec![lot.id.clone()],
                awarded: awarded == Some(1),
                ..LotResult::default()
            };
            res.contract_date = r
                .str(&format!("{c}/conclusionDate"))?
                .map(|d| d.chars().take(10).collect());
            res.tenders_received = r
                .int(&format!("{c}/numberOfTenders/total"))?
                .and_then(|t| u32::try_from(t).ok());
            for k in 0..r.array_len(&format!("{c}/contractors"))? {
                res.winners
                    .push(r.party(&format!("{c}/contractors/{k}"), &lang)?);
            }
            res.value = r.amount(&format!("{c}/finalTotalValue"))?;
            if awarded == Some(2) {
                let _ = r.int(&format!("{aw}/noAwardedContract/failureReason"))?;
            }
            n.results.push(res);
        }
        n.lots.push(lot);
    }
    n.additional_cpv = additional.into_iter().collect();
    n.nuts = nuts.into_iter().collect();
    if let Some(v) = n.results.iter().try_fold(0i64, |acc, r| {
        r.value.as_ref().and_then(|a| a.cents()).map(|c| acc + c)
    }) {
        if !n.results.is_empty() && v > 0 {
            n.total_value = Some(Amount {
                value: format!("{}.{:02}", v / 100, v % 100),
                currency: "EUR".into(),
            });
        }
    }

    let mut warnings = Vec::new();
    for k in top.keys() {
        if !KNOWN_TOP.contains(&k.as_str()) {
            warnings.push(Warning {
                location: format!("/{}", escape(k)),
                line: None,
                message: "not a field of the Hilma API's EtsNoticeContract".into(),
            });
        }
    }
    let mut unread = Vec::new();
    r.unread(&root, "", &mut unread);
    for p in unread {
        let top_key = p.split('/').nth(1).unwrap_or("");
        if KNOWN_TOP.contains(&top_key) {
            warnings.push(Warning {
                location: p,
                line: None,
                message: "not read".into(),
            });
        }
    }
    let _: &Map<String, Value> = top;
    Ok(Reading {
        notice: n,
        warnings,
    })
}
