//! Words for the procurement vocabulary and sentences for evaluation findings, in the reader's
//! language. Every code here has a Fluent message; the locale test walks the `ALL` lists.

use crate::i18n::{Arg, Tr};
use domain::application::{AppStatus, Step};
use domain::evidence::EvidenceKind;
use domain::locale::Lang;
use domain::procurement::{PriceModel, ProcurementKind, SectionKind};
use domain::requirement::{Finding, Reason, Status, Subject};
use domain::staff::{format_years, Area, Degree, StaffRole, Training};

pub fn degree(t: &Tr, d: Degree) -> String {
    t.t(&format!("degree-{}", d.code().replace('_', "-")))
}

pub fn training(t: &Tr, x: Training) -> String {
    t.t(&format!("training-{}", x.code().replace('_', "-")))
}

pub fn area(t: &Tr, a: Area) -> String {
    t.t(&format!("area-{}", a.code().replace('_', "-")))
}

pub fn staff_role(t: &Tr, r: StaffRole) -> String {
    t.t(&format!("staff-role-{}", r.code().replace('_', "-")))
}

pub fn evidence_kind(t: &Tr, k: EvidenceKind) -> String {
    t.t(&format!("evidence-{}", k.code().replace('_', "-")))
}

pub fn app_status(t: &Tr, s: AppStatus) -> String {
    t.t(&format!("app-status-{}", s.code().replace('_', "-")))
}

pub fn step(t: &Tr, s: Step) -> String {
    t.t(&format!("step-{}", s.code().replace('_', "-")))
}

pub fn price_model(t: &Tr, m: PriceModel) -> String {
    t.t(&format!("price-model-{}", m.code().replace('_', "-")))
}

pub fn procurement_kind(t: &Tr, k: ProcurementKind) -> String {
    t.t(&format!("procurement-kind-{}", k.code().replace('_', "-")))
}

pub fn section(t: &Tr, k: SectionKind) -> String {
    t.t(&format!("section-{}", k.code().replace('_', "-")))
}

pub fn eval_status(t: &Tr, s: Status) -> String {
    t.t(&format!("eval-status-{}", s.code().replace('_', "-")))
}

pub fn rule_kind(t: &Tr, code: &str) -> String {
    t.t(&format!("rule-{}", code.replace('_', "-")))
}

pub fn lang_name(t: &Tr, l: Lang) -> String {
    t.t(&format!("language-{}", l.code()))
}

/// "2 years", "1,5 years".
pub fn years(t: &Tr, months: u32) -> String {
    let mut s = format_years(months);
    if t.lang == Lang::En {
        s = s.replace(',', ".");
    }
    // Plural forms choose on the whole number; fractions take the plural.
    let n = if months == 12 { 1 } else { 2 };
    t.ta("years", &[("years", Arg::S(s)), ("count", Arg::N(n))])
}

fn list(items: Vec<String>, t: &Tr) -> String {
    items.join(&t.t("list-or"))
}

pub fn subject(t: &Tr, s: &Subject) -> String {
    match s {
        Subject::Provider => t.t("subject-provider"),
        Subject::Roster => t.t("subject-roster"),
        Subject::Unit => t.t("subject-unit"),
        Subject::Worker { index, of, name } => t.ta(
            "subject-worker",
            &[
                ("index", Arg::N(*index as i64)),
                ("of", Arg::N(*of as i64)),
                ("name", Arg::S(name.clone())),
            ],
        ),
    }
}

/// The sentence that says why, with the figures.
pub fn reason(t: &Tr, r: &Reason) -> String {
    let s = |v: String| Arg::S(v);
    let areas = |a: &[Area]| list(a.iter().map(|x| area(t, *x)).collect(), t);
    match r {
        Reason::DegreeAccepted { degree: d } => {
            t.ta("reason-degree-accepted", &[("degree", s(degree(t, *d)))])
        }
        Reason::DegreeAlternative { degree: d } => {
            t.ta("reason-degree-alternative", &[("degree", s(degree(t, *d)))])
        }
        Reason::DegreeAlternativeJudged { degree: d } => t.ta(
            "reason-degree-alternative-judged",
            &[("degree", s(degree(t, *d)))],
        ),
        Reason::DegreeNotAccepted => t.t("reason-degree-not-accepted"),
        Reason::DegreeNone => t.t("reason-degree-none"),
        Reason::DegreeUnknown { text } => {
            t.ta("reason-degree-unknown", &[("text", s(text.clone()))])
        }
        Reason::ExperienceEnough {
            months,
            needed,
            areas: a,
        } => t.ta(
            "reason-experience-enough",
            &[
                ("has", s(years(t, *months))),
                ("needed", s(years(t, *needed))),
                ("areas", s(areas(a))),
            ],
        ),
        Reason::ExperienceShort {
            months,
            needed,
            areas: a,
        } => t.ta(
            "reason-experience-short",
            &[
                ("has", s(years(t, *months))),
                ("needed", s(years(t, *needed))),
                ("areas", s(areas(a))),
            ],
        ),
        Reason::ExperienceUnknown { needed, areas: a } => t.ta(
            "reason-experience-unknown",
            &[("needed", s(years(t, *needed))), ("areas", s(areas(a)))],
        ),
        Reason::NoOneInRoles { roles } => {
            let names = if roles.is_empty() {
                t.t("staff-role-any")
            } else {
                list(roles.iter().map(|r| staff_role(t, *r)).collect(), t)
            };
            t.ta("reason-no-one-in-roles", &[("roles", s(names))])
        }
        Reason::SmallProvider { employees, limit } => t.ta(
            "reason-small-provider",
            &[
                ("employees", Arg::N(i64::from(*employees))),
                ("limit", Arg::N(i64::from(*limit))),
            ],
        ),
        Reason::EmployeesUnknown => t.t("reason-employees-unknown"),
        Reason::ManagementEnough { months, needed } => t.ta(
            "reason-management-enough",
            &[
                ("has", s(years(t, *months))),
                ("needed", s(years(t, *needed))),
            ],
        ),
        Reason::ManagementDegree => t.t("reason-management-degree"),
        Reason::ManagementShort { months, needed } => t.ta(
            "reason-management-short",
            &[
                ("has", s(years(t, *months))),
                ("needed", s(years(t, *needed))),
            ],
        ),
        Reason::ManagementUnknown { needed } => t.ta(
            "reason-management-unknown",
            &[("needed", s(years(t, *needed)))],
        ),
        Reason::TrainingHeld { training: x } => {
            t.ta("reason-training-held", &[("training", s(training(t, *x)))])
        }
        Reason::TrainingOther { text } => {
            t.ta("reason-training-other", &[("text", s(text.clone()))])
        }
        Reason::TrainingMissing => t.t("reason-training-missing"),
        Reason::SupervisionYes => t.t("reason-supervision-yes"),
        Reason::SupervisionNo => t.t("reason-supervision-no"),
        Reason::SupervisionUnknown => t.t("reason-supervision-unknown"),
        Reason::PairWorkEnough { workers } => t.ta(
            "reason-pair-work-enough",
            &[("workers", Arg::N(*workers as i64))],
        ),
        Reason::PairWorkShort { workers } => t.ta(
            "reason-pair-work-short",
            &[("workers", Arg::N(*workers as i64))],
        ),
        Reason::PlaceInRegion { municipality } => t.ta(
            "reason-place-in-region",
            &[("municipality", s(municipality.clone()))],
        ),
        Reason::PlaceOutside { municipality } => t.ta(
            "reason-place-outside",
            &[("municipality", s(municipality.clone()))],
        ),
        Reason::PlaceUnknown => t.t("reason-place-unknown"),
        Reason::LanguagesCovered => t.t("reason-languages-covered"),
        Reason::UnitLanguagesUnknown => t.t("reason-unit-languages-unknown"),
        Reason::LanguagesMissing { missing } => t.ta(
            "reason-languages-missing",
            &[(
                "languages",
                s(missing
                    .iter()
                    .map(|l| lang_name(t, *l))
                    .collect::<Vec<_>>()
                    .join(", ")),
            )],
        ),
        Reason::EvidenceValid { evidence, until } => match until {
            Some(d) => t.ta(
                "reason-evidence-valid-until",
                &[
                    ("evidence", s(evidence_kind(t, *evidence))),
                    ("until", s(t.date(*d))),
                ],
            ),
            None => t.ta(
                "reason-evidence-valid",
                &[("evidence", s(evidence_kind(t, *evidence)))],
            ),
        },
        Reason::EvidenceExpired { evidence, on } => t.ta(
            "reason-evidence-expired",
            &[
                ("evidence", s(evidence_kind(t, *evidence))),
                ("on", s(t.date(*on))),
            ],
        ),
        Reason::EvidenceMissing { evidence } => t.ta(
            "reason-evidence-missing",
            &[("evidence", s(evidence_kind(t, *evidence)))],
        ),
        Reason::CriminalRecordShown { on } => {
            t.ta("reason-criminal-record-shown", &[("on", s(t.date(*on)))])
        }
        Reason::CriminalRecordMissing => t.t("reason-criminal-record-missing"),
    }
}

/// One finding as the evaluation table shows it.
pub struct FindingRow {
    pub status: &'static str,
    pub status_label: String,
    pub subject: String,
    pub reason: String,
}

pub fn finding(t: &Tr, f: &Finding) -> FindingRow {
    FindingRow {
        status: f.status.code(),
        status_label: eval_status(t, f.status),
        subject: subject(t, &f.subject),
        reason: reason(t, &f.reason),
    }
}

/// Every code with a message, for the locale test.
pub fn all_keys() -> Vec<String> {
    let mut k = Vec::new();
    let key = |p: &str, c: &str| format!("{p}-{}", c.replace('_', "-"));
    k.extend(Degree::ALL.iter().map(|d| key("degree", d.code())));
    k.extend(Training::ALL.iter().map(|d| key("training", d.code())));
    k.extend(Area::ALL.iter().map(|d| key("area", d.code())));
    k.extend(StaffRole::ALL.iter().map(|d| key("staff-role", d.code())));
    k.extend(EvidenceKind::ALL.iter().map(|d| key("evidence", d.code())));
    k.extend(AppStatus::ALL.iter().map(|d| key("app-status", d.code())));
    k.extend(
        [
            Step::Submit,
            Step::Withdraw,
            Step::StartReview,
            Step::AskInfo,
            Step::Admit,
            Step::Reject,
        ]
        .iter()
        .map(|d| key("step", d.code())),
    );
    k.extend(PriceModel::ALL.iter().map(|d| key("price-model", d.code())));
    k.extend(
        ProcurementKind::ALL
            .iter()
            .map(|d| key("procurement-kind", d.code())),
    );
    k.extend(SectionKind::ALL.iter().map(|d| key("section", d.code())));
    k.extend(
        [
            Status::Met,
            Status::ManualReview,
            Status::CannotEvaluate,
            Status::NotMet,
        ]
        .iter()
        .map(|d| key("eval-status", d.code())),
    );
    k.extend(
        domain::requirement::RULE_KINDS
            .iter()
            .map(|d| key("rule", d)),
    );
    k
}

/// A text's paragraphs: notices and the procurements made from them keep one paragraph per line.
pub fn paragraphs(s: &str) -> Vec<String> {
    s.split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}
