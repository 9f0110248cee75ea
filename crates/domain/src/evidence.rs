//! The documents a provider shows the purchaser, with the dates they stop being valid. Only
//! dates and references are kept: the documents themselves stay with the provider.

use crate::staff::parse_date;
use crate::validate::FieldErrors;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// Verovelkatodistus: certificate of paid taxes.
    TaxCertificate,
    /// Työeläkevakuutustodistus: pension insurance certificate.
    PensionCertificate,
    /// Kaupparekisteriote.
    TradeRegisterExtract,
    /// Vastuuvakuutus: liability insurance.
    LiabilityInsurance,
    /// Omavalvontasuunnitelma: self-monitoring plan.
    SelfMonitoringPlan,
    /// Henkilötietojen käsittelysopimus: data processing agreement.
    DataProcessingAgreement,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 6] = [
        EvidenceKind::TaxCertificate,
        EvidenceKind::PensionCertificate,
        EvidenceKind::TradeRegisterExtract,
        EvidenceKind::LiabilityInsurance,
        EvidenceKind::SelfMonitoringPlan,
        EvidenceKind::DataProcessingAgreement,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EvidenceKind::TaxCertificate => "tax_certificate",
            EvidenceKind::PensionCertificate => "pension_certificate",
            EvidenceKind::TradeRegisterExtract => "trade_register_extract",
            EvidenceKind::LiabilityInsurance => "liability_insurance",
            EvidenceKind::SelfMonitoringPlan => "self_monitoring_plan",
            EvidenceKind::DataProcessingAgreement => "data_processing_agreement",
        }
    }

    pub fn parse(s: &str) -> Option<EvidenceKind> {
        EvidenceKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// One piece of evidence as the provider recorded it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    pub issued_on: NaiveDate,
    /// `None` for documents that stay valid until replaced (a self-monitoring plan).
    pub valid_until: Option<NaiveDate>,
    /// The document's own number or a note, never personal data.
    #[serde(default)]
    pub reference: String,
}

/// How a piece of evidence stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Valid,
    /// Valid, but stops being so within the warning window.
    Expiring {
        days_left: i64,
    },
    Expired,
}

impl Evidence {
    pub fn validity(&self, today: NaiveDate, warn_days: i64) -> Validity {
        match self.valid_until {
            None => Validity::Valid,
            Some(until) if until < today => Validity::Expired,
            Some(until) => {
                let left = (until - today).num_days();
                if left <= warn_days {
                    Validity::Expiring { days_left: left }
                } else {
                    Validity::Valid
                }
            }
        }
    }
}

/// The newest piece of each kind, which is the one that counts.
pub fn current(evidence: &[Evidence]) -> Vec<&Evidence> {
    let mut out: Vec<&Evidence> = Vec::new();
    for e in evidence {
        match out.iter_mut().find(|c| c.kind == e.kind) {
            Some(c) if c.issued_on < e.issued_on => *c = e,
            Some(_) => {}
            None => out.push(e),
        }
    }
    out.sort_by_key(|e| e.kind);
    out
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct EvidenceForm {
    pub kind: String,
    pub issued_on: String,
    pub valid_until: String,
    pub reference: String,
}

impl EvidenceForm {
    pub fn validate(&self, today: NaiveDate) -> Result<Evidence, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = EvidenceKind::parse(self.kind.trim());
        if self.kind.trim().is_empty() {
            e.add("kind", "required");
        } else if kind.is_none() {
            e.add("kind", "invalid-choice");
        }
        let issued_on = match self.issued_on.trim() {
            "" => {
                e.add("issued_on", "required");
                None
            }
            s => match parse_date(s) {
                Some(d) if d > today => {
                    e.add("issued_on", "date-in-future");
                    None
                }
                Some(d) => Some(d),
                None => {
                    e.add("issued_on", "date-format");
                    None
                }
            },
        };
        let valid_until = match self.valid_until.trim() {
            // Certificates under the Contractor's Liability Act (1233/2006) may be at most three
            // months old: without a date of their own, they run out three months after issue.
            "" => match (kind, issued_on) {
                (
                    Some(EvidenceKind::TaxCertificate | EvidenceKind::PensionCertificate),
                    Some(i),
                ) => i.checked_add_months(chrono::Months::new(3)),
                _ => None,
            },
            s => match parse_date(s) {
                Some(d) => Some(d),
                None => {
                    e.add("valid_until", "date-format");
                    None
                }
            },
        };
        if let (Some(i), Some(u)) = (issued_on, valid_until) {
            if u < i {
                e.add("valid_until", "date-range");
            } else if u < today {
                // Recording a document that has already run out helps no one: say so at once.
                e.add("valid_until", "evidence-expired");
            }
        }
        if self.reference.chars().count() > 200 {
            e.add("reference", "too-long");
        }
        match (kind, issued_on) {
            (Some(kind), Some(issued_on)) if e.is_empty() => Ok(Evidence {
                kind,
                issued_on,
                valid_until,
                reference: self.reference.trim().to_owned(),
            }),
            _ => Err(e),
        }
    }
}
