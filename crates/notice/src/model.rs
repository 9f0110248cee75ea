//! The normalized notice: one shape for eForms, TED XML and legacy Hilma JSON.
//!
//! Serialised as JSON it follows schema [`SCHEMA`] (documented in `docs/notice-json.md`): fields
//! are only ever added within a version; renaming or removing one makes a new version.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The JSON schema identifier written into every serialised notice.
pub const SCHEMA: &str = "kumppani-notice/1";

/// Text in the languages the notice gives it in, keyed by ISO 639-1 code in lower case
/// (`fi`, `sv`, `en`, …). Notices use three-letter codes (eForms) or upper case (TED); readers
/// normalise them with [`lang2`].
pub type Text = BTreeMap<String, String>;

/// The notice format and the schema version it declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Format {
    /// eForms UBL; `sdk` from the CustomizationID (e.g. `eforms-sdk-1.13`).
    Eforms { sdk: String },
    /// A published TED XML document (`TED_EXPORT`), e.g. `R2.0.9.S05.E01`.
    TedExport { schema: String },
    /// The TED eSender reception format (a form element as root, or `TED_ESENDERS`).
    TedEsender { schema: String },
    /// A legacy Hilma write-API notice (JSON).
    HilmaJson { notice_type: String },
}

/// What kind of notice it is, across formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    PriorInformation,
    ContractNotice,
    ContractAward,
    /// Voluntary ex-ante transparency notice.
    VoluntaryExAnte,
    Modification,
    Corrigendum,
    /// Design contests, concessions, and others without a better class.
    Other,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifiers {
    /// The publication's own number: the Hilma notice number or the eForms notice ID.
    pub notice_number: Option<String>,
    /// The TED publication number, e.g. `2023/S 070-212469` or `212469-2023`.
    pub ted_number: Option<String>,
    /// The procedure's identifier across its notices (eForms `ContractFolderID`, Hilma
    /// procurement id). Notices of one procedure share it.
    pub procedure_id: Option<String>,
    /// The buyer's own reference number for the procedure.
    pub reference: Option<String>,
    /// The notice version, where given.
    pub version: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dates {
    /// Dates as `YYYY-MM-DD`, times as `YYYY-MM-DDTHH:MM[:SS][±HH:MM]` when the notice gives them.
    pub issued: Option<String>,
    pub published: Option<String>,
    pub submission_deadline: Option<String>,
    pub contract_start: Option<String>,
    pub contract_end: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2 where known.
    pub country: Option<String>,
    pub nuts: Option<String>,
}

/// A buyer, a winner or another organisation named in the notice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub name: Text,
    /// The organisation's national registration number as given (a Finnish business ID for
    /// Finnish organisations).
    pub national_id: Option<String>,
    pub address: Address,
    pub url: Option<String>,
    pub email: Option<String>,
}

/// An amount of money as written in the notice, with its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    /// Decimal with a point, no thousands separators, e.g. `10000000` or `1234.50`.
    pub value: String,
    /// ISO 4217, e.g. `EUR`.
    pub currency: String,
}

impl Amount {
    /// Parses a decimal as notices write it (`10 000 000,00`, `1234.5`).
    pub fn parse(value: &str, currency: &str) -> Option<Amount> {
        let cleaned: String = value
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        let ok = !cleaned.is_empty()
            && cleaned.chars().filter(|c| *c == '.').count() <= 1
            && cleaned
                .chars()
                .enumerate()
                .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && c == '-'));
        ok.then(|| Amount {
            value: cleaned,
            currency: currency.trim().to_uppercase(),
        })
    }

    /// The amount in hundredths (cents), if it has at most two decimals and fits.
    pub fn cents(&self) -> Option<i64> {
        let (whole, frac) = match self.value.split_once('.') {
            Some((w, f)) => (w, f),
            None => (self.value.as_str(), ""),
        };
        if frac.len() > 2 {
            return None;
        }
        let w: i64 = if whole.is_empty() || whole == "-" {
            0
        } else {
            whole.parse().ok()?
        };
        let f: i64 = format!("{frac:0<2}").parse().ok()?;
        let sign = if whole.starts_with('-') { -1 } else { 1 };
        w.checked_mul(100)?.checked_add(sign * f)
    }
}

/// A duration as the notice states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duration {
    pub value: String,
    /// `day`, `week`, `month` or `year`.
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwardCriterion {
    /// `price`, `cost` or `quality`.
    pub kind: String,
    pub name: Text,
    /// The weight as written (points or per cent).
    pub weight: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot {
    /// The lot's identifier as the notice gives it (`LOT-0001`, `1`).
    pub id: String,
    pub title: Text,
    pub description: Text,
    pub main_cpv: Option<String>,
    pub additional_cpv: Vec<String>,
    pub nuts: Vec<String>,
    pub estimated_value: Option<Amount>,
    pub duration: Option<Duration>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// Options or renewals described in the notice.
    pub options: Text,
    pub renewal: Option<bool>,
    pub award_criteria: Vec<AwardCriterion>,
    /// The lot's further information (TED `OBJECT_DESCR/INFO_ADD`, eForms BT-300 of the lot).
    #[serde(default)]
    pub additional_info: Text,
}

/// The outcome for one lot or group of lots in an award notice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotResult {
    pub lot_ids: Vec<String>,
    /// False when no contract was awarded (unsuccessful or discontinued).
    pub awarded: bool,
    pub winners: Vec<Party>,
    pub value: Option<Amount>,
    pub contract_date: Option<String>,
    pub tenders_received: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    /// The procedure type as a code of the notice's own list, lower case (`open`, `restricted`,
    /// `neg-w-call`, `oth-single`, …).
    pub kind: Option<String>,
    /// The legal basis (directive or national law) as a code, e.g. `32014L0024`.
    pub legal_basis: Option<String>,
    pub accelerated: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub schema: String,
    pub format: Format,
    pub kind: NoticeKind,
    /// The format's own subtype: eForms notice subtype (`16`, `E3`), TED form (`F02`), Hilma
    /// notice type.
    pub subtype: String,
    pub identifiers: Identifiers,
    /// The languages the notice is in; the first is the original.
    pub languages: Vec<String>,
    pub dates: Dates,
    pub buyers: Vec<Party>,
    pub title: Text,
    pub description: Text,
    pub procedure: Procedure,
    pub main_cpv: Option<String>,
    pub additional_cpv: Vec<String>,
    pub nuts: Vec<String>,
    pub estimated_value: Option<Amount>,
    /// The total value of the awarded contracts (award notices).
    pub total_value: Option<Amount>,
    pub framework_agreement: bool,
    pub dynamic_purchasing_system: bool,
    pub lots: Vec<Lot>,
    pub results: Vec<LotResult>,
    /// Further information (TED `COMPLEMENTARY_INFO/INFO_ADD`, eForms BT-300 of the procedure):
    /// where a Finnish notice of a dynamic purchasing system tells its real period and its
    /// application rounds.
    #[serde(default)]
    pub additional_info: Text,
    /// Where the procurement documents are (TED `URL_DOCUMENT`, eForms BT-15).
    #[serde(default)]
    pub documents_url: Option<String>,
    /// Where to apply or tender (TED `URL_PARTICIPATION`, eForms BT-18).
    #[serde(default)]
    pub participation_url: Option<String>,
    /// The body that hears appeals (TED `ADDRESS_REVIEW_BODY`, eForms BT-784 review
    /// organisation).
    #[serde(default)]
    pub review_body: Option<Party>,
}

impl Notice {
    pub fn new(format: Format, kind: NoticeKind, subtype: String) -> Notice {
        Notice {
            schema: SCHEMA.to_owned(),
            format,
            kind,
            subtype,
            identifiers: Identifiers::default(),
            languages: Vec::new(),
            dates: Dates::default(),
            buyers: Vec::new(),
            title: Text::new(),
            description: Text::new(),
            procedure: Procedure::default(),
            main_cpv: None,
            additional_cpv: Vec::new(),
            nuts: Vec::new(),
            estimated_value: None,
            total_value: None,
            framework_agreement: false,
            dynamic_purchasing_system: false,
            lots: Vec::new(),
            results: Vec::new(),
            additional_info: Text::new(),
            documents_url: None,
            participation_url: None,
            review_body: None,
        }
    }

    /// Text in `lang`, else the notice's first language, else any.
    pub fn text_in<'t>(text: &'t Text, lang: &str, languages: &[String]) -> Option<&'t str> {
        text.get(lang)
            .or_else(|| languages.iter().find_map(|l| text.get(l)))
            .or_else(|| text.values().next())
            .map(String::as_str)
    }

    /// The names of the fields of the model that hold something, for coverage reports.
    pub fn filled(&self) -> Vec<&'static str> {
        let mut f = Vec::new();
        let mut add = |name: &'static str, yes: bool| {
            if yes {
                f.push(name)
            }
        };
        add("notice_number", self.identifiers.notice_number.is_some());
        add("ted_number", self.identifiers.ted_number.is_some());
        add("procedure_id", self.identifiers.procedure_id.is_some());
        add("languages", !self.languages.is_empty());
        add("issued", self.dates.issued.is_some());
        add("published", self.dates.published.is_some());
        add(
            "submission_deadline",
            self.dates.submission_deadline.is_some(),
        );
        add("buyers", !self.buyers.is_empty());
        add("buyer_name", self.buyers.iter().any(|b| !b.name.is_empty()));
        add(
            "buyer_id",
            self.buyers.iter().any(|b| b.national_id.is_some()),
        );
        add("title", !self.title.is_empty());
        add("description", !self.description.is_empty());
        add("procedure", self.procedure.kind.is_some());
        add("legal_basis", self.procedure.legal_basis.is_some());
        add("main_cpv", self.main_cpv.is_some());
        add("additional_cpv", !self.additional_cpv.is_empty());
        add("nuts", !self.nuts.is_empty());
        add("estimated_value", self.estimated_value.is_some());
        add("total_value", self.total_value.is_some());
        add("framework", self.framework_agreement);
        add("dps", self.dynamic_purchasing_system);
        add("lots", !self.lots.is_empty());
        add(
            "lot_titles",
            !self.lots.is_empty() && self.lots.iter().all(|l| !l.title.is_empty()),
        );
        add("lot_cpv", self.lots.iter().any(|l| l.main_cpv.is_some()));
        add(
            "award_criteria",
            self.lots.iter().any(|l| !l.award_criteria.is_empty()),
        );
        add("results", !self.results.is_empty());
        add(
            "winners",
            self.results.iter().any(|r| !r.winners.is_empty()),
        );
        f
    }
}

/// Three-letter (eForms, ISO 639-2/B) or upper-case two-letter language codes to ISO 639-1
/// lower case. Unknown codes are kept in lower case.
pub fn lang2(code: &str) -> String {
    let c = code.trim().to_lowercase();
    let two = match c.as_str() {
        "bul" => "bg",
        "ces" | "cze" => "cs",
        "dan" => "da",
        "deu" | "ger" => "de",
        "ell" | "gre" => "el",
        "eng" => "en",
        "spa" => "es",
        "est" => "et",
        "fin" => "fi",
        "fra" | "fre" => "fr",
        "gle" => "ga",
        "hrv" => "hr",
        "hun" => "hu",
        "ita" => "it",
        "lit" => "lt",
        "lav" => "lv",
        "mlt" => "mt",
        "nld" | "dut" => "nl",
        "pol" => "pl",
        "por" => "pt",
        "ron" | "rum" => "ro",
        "slk" | "slo" => "sk",
        "slv" => "sl",
        "swe" => "sv",
        "nor" => "no",
        "isl" | "ice" => "is",
        _ => return c,
    };
    two.to_owned()
}

/// Something the reader did not understand or had to guess, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// An XPath-like location (`/TED_EXPORT/FORM_SECTION/F02_2014/…`) or a JSON pointer.
    pub location: String,
    pub line: Option<usize>,
    pub message: String,
}

/// A notice as read, with what the reader could not place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub notice: Notice,
    pub warnings: Vec<Warning>,
}

/// A description with the notice's further information after it, as paragraphs of their own:
/// a DPS notice tells its real period and application rounds there (TED `INFO_ADD`, BT-300).
pub fn with_further(description: &Text, further: &Text) -> Text {
    let mut out = description.clone();
    for (lang, info) in further {
        let d = out.entry(lang.clone()).or_default();
        if !d.is_empty() {
            d.push('\n');
        }
        d.push_str(info);
    }
    out
}
