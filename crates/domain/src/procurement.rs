//! What a purchaser buys: a procurement with its period and legal settings, and its lots with
//! their service descriptions, price models and requirements.

use crate::money::Money;
use crate::requirement::{LocalText, Requirement};
use crate::staff::parse_date;
use crate::validate::FieldErrors;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcurementKind {
    /// Dynaaminen hankintajärjestelmä: providers may apply at any time while it runs.
    DynamicPurchasingSystem,
    /// Puitejärjestely: providers ranked once; call-offs follow the ranking.
    FrameworkAgreement,
    DirectAward,
    /// Palvelusetelin sääntökirja.
    ServiceVoucherRules,
    OwnProduction,
    /// A single public contract awarded after a competition.
    PublicContract,
}

impl ProcurementKind {
    pub const ALL: [ProcurementKind; 6] = [
        ProcurementKind::DynamicPurchasingSystem,
        ProcurementKind::FrameworkAgreement,
        ProcurementKind::DirectAward,
        ProcurementKind::ServiceVoucherRules,
        ProcurementKind::OwnProduction,
        ProcurementKind::PublicContract,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ProcurementKind::DynamicPurchasingSystem => "dynamic_purchasing_system",
            ProcurementKind::FrameworkAgreement => "framework_agreement",
            ProcurementKind::DirectAward => "direct_award",
            ProcurementKind::ServiceVoucherRules => "service_voucher_rules",
            ProcurementKind::OwnProduction => "own_production",
            ProcurementKind::PublicContract => "public_contract",
        }
    }

    pub fn parse(s: &str) -> Option<ProcurementKind> {
        ProcurementKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Whether admitted providers are ranked and call-offs follow the ranking.
    pub fn is_ranked(self) -> bool {
        self == ProcurementKind::FrameworkAgreement
    }
}

/// Legal settings with the defaults of the Finnish Act on Public Procurement (1397/2016); each
/// procurement keeps its own copy, so a change in law or practice is a change of data.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Regime {
    /// Working days from a complete application to the admission decision (DPS: 10, § 51).
    pub admission_days: u32,
    /// …extendable to this many when justified (15).
    pub admission_days_extended: u32,
    /// Default framework length in years (4, § 42).
    pub framework_years: u32,
    /// Days to appeal to the Market Court after notification (14).
    pub appeal_days: u32,
}

impl Default for Regime {
    fn default() -> Self {
        Regime {
            admission_days: 10,
            admission_days_extended: 15,
            framework_years: 4,
            appeal_days: 14,
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procurement {
    pub kind: ProcurementKind,
    pub title: LocalText,
    #[serde(default)]
    pub description: LocalText,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Option years that may extend the period, in order (Kerava: 1 + 1).
    #[serde(default)]
    pub option_years: Vec<u32>,
    pub estimated_value: Option<Money>,
    pub cpv_main: String,
    #[serde(default)]
    pub cpv_additional: Vec<String>,
    pub nuts: String,
    #[serde(default)]
    pub regime: Regime,
    /// Where it was published: notice number and address.
    #[serde(default)]
    pub notice_number: String,
    #[serde(default)]
    pub notice_url: String,
    /// The procedure's identifier across its notices (eForms ContractFolderID, Hilma project).
    #[serde(default)]
    pub procedure_id: String,
    /// Every notice imported into this procurement: the first, and later changes and awards.
    #[serde(default)]
    pub notices: Vec<NoticeRef>,
}

/// A notice that belongs to a procurement.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeRef {
    pub number: String,
    /// The notice kind code of the `notice` crate (`contract_notice`, `contract_award`, …).
    pub kind: String,
    /// The subtype or form (`16`, `F21`).
    pub subtype: String,
    pub date: Option<NaiveDate>,
    pub imported_at: chrono::DateTime<chrono::Utc>,
    /// The notice as read (the `notice` crate's model), so its page can be shown later.
    #[serde(default)]
    pub content: Option<serde_json::Value>,
}

impl Procurement {
    /// The last day if every option is used.
    pub fn ends_with_options(&self) -> NaiveDate {
        let years: u32 = self.option_years.iter().sum();
        add_years(self.ends_on, years)
    }
}

fn add_years(d: NaiveDate, years: u32) -> NaiveDate {
    let y = d.year() + i32::try_from(years).unwrap_or(0);
    d.with_year(y)
        .or_else(|| NaiveDate::from_ymd_opt(y, d.month(), 28))
        .unwrap_or(d)
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceModel {
    PerHour,
    PerVisit,
    PerDay,
    PerClientMonth,
    PerSession,
    PerParticipant,
    Flat,
}

impl PriceModel {
    pub const ALL: [PriceModel; 7] = [
        PriceModel::PerHour,
        PriceModel::PerVisit,
        PriceModel::PerDay,
        PriceModel::PerClientMonth,
        PriceModel::PerSession,
        PriceModel::PerParticipant,
        PriceModel::Flat,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PriceModel::PerHour => "per_hour",
            PriceModel::PerVisit => "per_visit",
            PriceModel::PerDay => "per_day",
            PriceModel::PerClientMonth => "per_client_month",
            PriceModel::PerSession => "per_session",
            PriceModel::PerParticipant => "per_participant",
            PriceModel::Flat => "flat",
        }
    }

    pub fn parse(s: &str) -> Option<PriceModel> {
        PriceModel::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// A section of a lot's service description.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Description,
    Goals,
    ContentAndQuality,
    Staff,
    Reporting,
}

impl SectionKind {
    pub const ALL: [SectionKind; 5] = [
        SectionKind::Description,
        SectionKind::Goals,
        SectionKind::ContentAndQuality,
        SectionKind::Staff,
        SectionKind::Reporting,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SectionKind::Description => "description",
            SectionKind::Goals => "goals",
            SectionKind::ContentAndQuality => "content_and_quality",
            SectionKind::Staff => "staff",
            SectionKind::Reporting => "reporting",
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub kind: SectionKind,
    pub text: LocalText,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot {
    /// The lot's number in the procurement, from 1.
    pub number: u32,
    pub title: LocalText,
    pub sections: Vec<Section>,
    pub age_min: Option<u32>,
    pub age_max: Option<u32>,
    pub price_model: PriceModel,
    pub price_cap: Option<Money>,
    /// Open for applications; when closed, `closed_note` says why.
    pub open: bool,
    #[serde(default)]
    pub closed_note: LocalText,
    /// Palvelutehtävä, e.g. "lastensuojelun avohuolto".
    #[serde(default)]
    pub service_task: String,
    /// Laws and sections the service rests on, e.g. "lastensuojelulaki 36 §".
    #[serde(default)]
    pub legal_basis: String,
    #[serde(default)]
    pub requirements: Vec<Requirement>,
    /// Weights of the framework ranking: price and quality points, in per cent, summing to 100.
    #[serde(default = "default_price_weight")]
    pub price_weight: u32,
    /// Work participation money the provider pays the client per attended hour, by the
    /// purchaser's decision; empty when the lot carries none ([`crate::work_money`]).
    #[serde(default)]
    pub work_money: Vec<crate::work_money::WorkMoneyRate>,
}

fn default_price_weight() -> u32 {
    100
}

/// The procurement form as submitted.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ProcurementForm {
    pub kind: String,
    pub title_fi: String,
    pub title_sv: String,
    pub title_en: String,
    pub description_fi: String,
    pub starts_on: String,
    pub ends_on: String,
    /// Option years as "1+1".
    pub option_years: String,
    pub estimated_value: String,
    pub cpv_main: String,
    pub cpv_additional: String,
    pub nuts: String,
    pub admission_days: String,
    pub admission_days_extended: String,
    pub framework_years: String,
    pub notice_number: String,
    pub notice_url: String,
}

impl ProcurementForm {
    pub fn from_procurement(p: &Procurement) -> ProcurementForm {
        ProcurementForm {
            kind: p.kind.code().into(),
            title_fi: p.title.fi.clone(),
            title_sv: p.title.sv.clone(),
            title_en: p.title.en.clone(),
            description_fi: p.description.fi.clone(),
            starts_on: p.starts_on.to_string(),
            ends_on: p.ends_on.to_string(),
            option_years: p
                .option_years
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join("+"),
            estimated_value: p
                .estimated_value
                .map(|m| m.format(crate::locale::Lang::Fi))
                .unwrap_or_default(),
            cpv_main: p.cpv_main.clone(),
            cpv_additional: p.cpv_additional.join(" "),
            nuts: p.nuts.clone(),
            admission_days: p.regime.admission_days.to_string(),
            admission_days_extended: p.regime.admission_days_extended.to_string(),
            framework_years: p.regime.framework_years.to_string(),
            notice_number: p.notice_number.clone(),
            notice_url: p.notice_url.clone(),
        }
    }

    pub fn validate(&self, lang: crate::locale::Lang) -> Result<Procurement, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = ProcurementKind::parse(self.kind.trim());
        if kind.is_none() {
            e.add(
                "kind",
                if self.kind.trim().is_empty() {
                    "required"
                } else {
                    "invalid-choice"
                },
            );
        }
        if self.title_fi.trim().is_empty() {
            e.add("title_fi", "required");
        }
        let date = |e: &mut FieldErrors, field: &str, v: &str| match v.trim() {
            "" => {
                e.add(field, "required");
                None
            }
            s => parse_date(s).or_else(|| {
                e.add(field, "date-format");
                None
            }),
        };
        let starts_on = date(&mut e, "starts_on", &self.starts_on);
        let ends_on = date(&mut e, "ends_on", &self.ends_on);
        if let (Some(s), Some(t)) = (starts_on, ends_on) {
            if t < s {
                e.add("ends_on", "date-range");
            }
        }
        let mut option_years = Vec::new();
        for part in self
            .option_years
            .split('+')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match part.parse::<u32>() {
                Ok(y) if (1..=10).contains(&y) => option_years.push(y),
                _ => {
                    e.add("option_years", "option-years-format");
                    break;
                }
            }
        }
        let estimated_value = match self.estimated_value.trim() {
            "" => None,
            s => match Money::parse(s, lang) {
                Ok(m) if !m.is_negative() => Some(m),
                _ => {
                    e.add("estimated_value", "money-format");
                    None
                }
            },
        };
        let cpv = |e: &mut FieldErrors, field: &str, code: &str| -> Option<String> {
            let c = code.trim();
            match crate::codes::cpv().get(c) {
                Some(k) => Some(k.code.clone()),
                None => {
                    e.add(field, "cpv-unknown");
                    None
                }
            }
        };
        let cpv_main = if self.cpv_main.trim().is_empty() {
            e.add("cpv_main", "required");
            None
        } else {
            cpv(&mut e, "cpv_main", &self.cpv_main)
        };
        let mut cpv_additional = Vec::new();
        for c in self
            .cpv_additional
            .split(|ch: char| ch.is_whitespace() || ch == ',')
            .filter(|c| !c.is_empty())
        {
            if let Some(c) = cpv(&mut e, "cpv_additional", c) {
                cpv_additional.push(c);
            }
        }
        let nuts = self.nuts.trim().to_uppercase();
        if nuts.is_empty() {
            e.add("nuts", "required");
        } else if crate::codes::nuts().get(&nuts).is_none() {
            e.add("nuts", "nuts-unknown");
        }
        let days = |e: &mut FieldErrors, field: &str, v: &str, default: u32| -> u32 {
            match v.trim() {
                "" => default,
                s => match s.parse::<u32>() {
                    Ok(n) if (1..=365).contains(&n) => n,
                    _ => {
                        e.add(field, "number-format");
                        default
                    }
                },
            }
        };
        let d = Regime::default();
        let admission_days = days(
            &mut e,
            "admission_days",
            &self.admission_days,
            d.admission_days,
        );
        let admission_days_extended = days(
            &mut e,
            "admission_days_extended",
            &self.admission_days_extended,
            d.admission_days_extended,
        );
        if admission_days_extended < admission_days {
            e.add("admission_days_extended", "extension-shorter");
        }
        let framework_years = days(
            &mut e,
            "framework_years",
            &self.framework_years,
            d.framework_years,
        );
        let url = self.notice_url.trim();
        if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
            e.add("notice_url", "url-format");
        }
        match (kind, starts_on, ends_on, cpv_main) {
            (Some(kind), Some(starts_on), Some(ends_on), Some(cpv_main)) if e.is_empty() => {
                Ok(Procurement {
                    kind,
                    title: LocalText {
                        fi: self.title_fi.trim().into(),
                        sv: self.title_sv.trim().into(),
                        en: self.title_en.trim().into(),
                    },
                    description: LocalText::fi(self.description_fi.trim()),
                    starts_on,
                    ends_on,
                    option_years,
                    estimated_value,
                    cpv_main,
                    cpv_additional,
                    nuts,
                    regime: Regime {
                        admission_days,
                        admission_days_extended,
                        framework_years,
                        appeal_days: d.appeal_days,
                    },
                    notice_number: self.notice_number.trim().into(),
                    notice_url: url.into(),
                    procedure_id: String::new(),
                    notices: Vec::new(),
                })
            }
            _ => Err(e),
        }
    }
}

/// The lot form as submitted. Requirements are edited one by one with their own form.
#[derive(Debug, Clone, Default)]
pub struct LotForm {
    pub title_fi: String,
    pub title_sv: String,
    pub title_en: String,
    /// Section texts in Finnish by section code.
    pub sections: Vec<(SectionKind, String)>,
    pub age_min: String,
    pub age_max: String,
    pub price_model: String,
    pub price_cap: String,
    /// "yes" when open for applications.
    pub open: String,
    pub closed_note_fi: String,
    pub service_task: String,
    pub legal_basis: String,
    pub price_weight: String,
    /// A work participation money rate per hour (`2,00`), the day it takes effect and the
    /// decision; a new day adds a version, the same day replaces it. Empty leaves the rates.
    pub work_money_rate: String,
    pub work_money_from: String,
    pub work_money_decision: String,
}

impl LotForm {
    pub fn from_lot(l: &Lot, lang: crate::locale::Lang) -> LotForm {
        LotForm {
            title_fi: l.title.fi.clone(),
            title_sv: l.title.sv.clone(),
            title_en: l.title.en.clone(),
            sections: SectionKind::ALL
                .into_iter()
                .map(|k| {
                    let text = l
                        .sections
                        .iter()
                        .filter(|s| s.kind == k)
                        .map(|s| s.text.fi.as_str())
                        .collect::<Vec<_>>()
                        .join("\n\n");
                    (k, text)
                })
                .collect(),
            age_min: l.age_min.map(|a| a.to_string()).unwrap_or_default(),
            age_max: l.age_max.map(|a| a.to_string()).unwrap_or_default(),
            price_model: l.price_model.code().into(),
            price_cap: l.price_cap.map(|m| m.format(lang)).unwrap_or_default(),
            open: if l.open { "yes".into() } else { String::new() },
            closed_note_fi: l.closed_note.fi.clone(),
            service_task: l.service_task.clone(),
            legal_basis: l.legal_basis.clone(),
            price_weight: l.price_weight.to_string(),
            work_money_rate: String::new(),
            work_money_from: String::new(),
            work_money_decision: String::new(),
        }
    }

    /// Checks the form and applies it over `base` (which keeps the requirements and the
    /// number); a new lot passes a base from [`Lot::empty`].
    pub fn apply(&self, base: &Lot, lang: crate::locale::Lang) -> Result<Lot, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.title_fi.trim().is_empty() {
            e.add("title_fi", "required");
        }
        let age = |e: &mut FieldErrors, field: &str, v: &str| match v.trim() {
            "" => None,
            s => match s.parse::<u32>() {
                Ok(a) if a <= 120 => Some(a),
                _ => {
                    e.add(field, "number-format");
                    None
                }
            },
        };
        let age_min = age(&mut e, "age_min", &self.age_min);
        let age_max = age(&mut e, "age_max", &self.age_max);
        if let (Some(a), Some(b)) = (age_min, age_max) {
            if b < a {
                e.add("age_max", "age-range");
            }
        }
        let price_model = PriceModel::parse(self.price_model.trim());
        if price_model.is_none() {
            e.add(
                "price_model",
                if self.price_model.trim().is_empty() {
                    "required"
                } else {
                    "invalid-choice"
                },
            );
        }
        let price_cap = match self.price_cap.trim() {
            "" => None,
            s => match Money::parse(s, lang) {
                Ok(m) if !m.is_negative() && !m.is_zero() => Some(m),
                Ok(_) => {
                    e.add("price_cap", "money-format");
                    None
                }
                Err(err) => {
                    e.add("price_cap", err.code());
                    None
                }
            },
        };
        let price_weight = match self.price_weight.trim() {
            "" => 100,
            s => match s.parse::<u32>() {
                Ok(w) if w <= 100 => w,
                _ => {
                    e.add("price_weight", "percent-format");
                    100
                }
            },
        };
        let work_money = self.work_money(base, lang, &mut e);
        let open = self.open == "yes";
        let mut lot = base.clone();
        lot.work_money = work_money;
        lot.title = LocalText {
            fi: self.title_fi.trim().into(),
            sv: self.title_sv.trim().into(),
            en: self.title_en.trim().into(),
        };
        // Each section keeps its other languages when only the Finnish text was edited.
        let mut sections = Vec::new();
        for (kind, text) in &self.sections {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let mut lt = base
                .sections
                .iter()
                .find(|s| s.kind == *kind)
                .map(|s| s.text.clone())
                .unwrap_or_default();
            if lt.fi != text {
                lt = LocalText::fi(text);
            }
            sections.push(Section {
                kind: *kind,
                text: lt,
            });
        }
        lot.sections = sections;
        lot.age_min = age_min;
        lot.age_max = age_max;
        lot.price_model = price_model.unwrap_or(PriceModel::PerHour);
        lot.price_cap = price_cap;
        lot.open = open;
        if lot.closed_note.fi != self.closed_note_fi.trim() {
            lot.closed_note = LocalText::fi(self.closed_note_fi.trim());
        }
        lot.service_task = self.service_task.trim().into();
        lot.legal_basis = self.legal_basis.trim().into();
        lot.price_weight = price_weight;
        if e.is_empty() {
            Ok(lot)
        } else {
            Err(e)
        }
    }
}

impl LotForm {
    /// The lot's rates with the form's one added: both the rate and its day are needed.
    fn work_money(
        &self,
        base: &Lot,
        lang: crate::locale::Lang,
        e: &mut FieldErrors,
    ) -> Vec<crate::work_money::WorkMoneyRate> {
        let mut rates = base.work_money.clone();
        let (rate, from) = (self.work_money_rate.trim(), self.work_money_from.trim());
        if rate.is_empty() && from.is_empty() {
            return rates;
        }
        let per_hour = match Money::parse(rate, lang) {
            Ok(m) if !m.is_negative() => Some(m),
            Ok(_) => {
                e.add("work_money_rate", "money-format");
                None
            }
            Err(err) => {
                e.add("work_money_rate", err.code());
                None
            }
        };
        let day = crate::staff::parse_date(from);
        if day.is_none() {
            e.add("work_money_from", "date-format");
        }
        if let (Some(per_hour), Some(from)) = (per_hour, day) {
            rates.retain(|r| r.from != from);
            rates.push(crate::work_money::WorkMoneyRate {
                from,
                per_hour,
                decision: self.work_money_decision.trim().chars().take(500).collect(),
            });
            rates.sort_by_key(|r| r.from);
        }
        rates
    }
}

impl Lot {
    pub fn empty(number: u32) -> Lot {
        Lot {
            number,
            title: LocalText::default(),
            sections: Vec::new(),
            age_min: None,
            age_max: None,
            price_model: PriceModel::PerHour,
            price_cap: None,
            open: false,
            closed_note: LocalText::default(),
            service_task: String::new(),
            legal_basis: String::new(),
            requirements: Vec::new(),
            price_weight: 100,
            work_money: Vec::new(),
        }
    }
}
