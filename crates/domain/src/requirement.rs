//! A lot's requirements as data: each has its text in fi/sv/en, as the purchaser wrote it, and a
//! rule that Kumppani evaluates against an application's roster, unit and evidence. The result
//! says for each requirement and each person whether it is met, not met, needs a person's
//! judgement, or cannot be evaluated because data is missing, and why.

use crate::evidence::{current, Evidence, EvidenceKind, Validity};
use crate::locale::Lang;
use crate::staff::{classify_degree, Area, Degree, StaffMember, StaffRole, Training};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Text in the three languages; Finnish is always there, the others fall back to it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalText {
    pub fi: String,
    #[serde(default)]
    pub sv: String,
    #[serde(default)]
    pub en: String,
}

impl LocalText {
    pub fn fi(s: &str) -> LocalText {
        LocalText {
            fi: s.to_owned(),
            ..LocalText::default()
        }
    }

    /// The text in `lang` and the language it is really in, for the `lang` attribute.
    pub fn get(&self, lang: Lang) -> (&str, Lang) {
        let s = match lang {
            Lang::Fi => &self.fi,
            Lang::Sv => &self.sv,
            Lang::En => &self.en,
        };
        if s.trim().is_empty() {
            (&self.fi, Lang::Fi)
        } else {
            (s, lang)
        }
    }

    pub fn all(&self) -> [&str; 3] {
        [&self.fi, &self.sv, &self.en]
    }
}

/// Experience that an alternative route to qualification asks for.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExperienceNeed {
    pub areas: Vec<Area>,
    pub min_months: u32,
}

/// "Another degree may be accepted if …": the second way to meet a degree rule.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DegreeAlternative {
    #[serde(default)]
    pub any_of: Vec<Degree>,
    /// Any higher-education degree qualifies for this route.
    #[serde(default)]
    pub any_higher: bool,
    #[serde(default)]
    pub experience: Option<ExperienceNeed>,
    #[serde(default)]
    pub training_any_of: Vec<Training>,
    /// The route also needs competence that only a person can judge ("sufficient experience",
    /// "competence in social welfare"), so meeting it sends the case to review.
    #[serde(default)]
    pub judged: bool,
}

/// What Kumppani checks. Each kind is one sentence type the seeds' service descriptions use.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// People in `roles` must hold one of `any_of`, or meet the alternative.
    Degree {
        #[serde(default)]
        roles: Vec<StaffRole>,
        any_of: Vec<Degree>,
        #[serde(default)]
        alternative: Option<DegreeAlternative>,
    },
    /// People in `roles` must have at least `min_months` of experience in `areas` together.
    Experience {
        #[serde(default)]
        roles: Vec<StaffRole>,
        areas: Vec<Area>,
        min_months: u32,
    },
    /// If the provider employs more than `more_than_employees`, its responsible person also needs
    /// management experience of `min_months` or a management degree.
    ResponsibleManagement {
        more_than_employees: u32,
        min_months: u32,
    },
    /// People in `roles` must have one of these trainings.
    Training {
        #[serde(default)]
        roles: Vec<StaffRole>,
        any_of: Vec<Training>,
    },
    /// Every worker must have access to supervision by a trained supervisor.
    Supervision,
    /// Groups of more than `more_than_participants` are run by two workers: the roster must
    /// have at least two.
    PairWork { more_than_participants: u32 },
    /// The meeting place (the unit) must be in one of these municipalities.
    MeetingPlace { municipalities: Vec<String> },
    /// The service must be available in these languages.
    Languages { languages: Vec<Lang> },
    /// The provider must hold these documents, valid.
    Evidence { kinds: Vec<EvidenceKind> },
    /// Work with children: every worker's criminal-record extract has been shown.
    CriminalRecord,
}

impl Rule {
    pub fn kind_code(&self) -> &'static str {
        match self {
            Rule::Degree { .. } => "degree",
            Rule::Experience { .. } => "experience",
            Rule::ResponsibleManagement { .. } => "responsible_management",
            Rule::Training { .. } => "training",
            Rule::Supervision => "supervision",
            Rule::PairWork { .. } => "pair_work",
            Rule::MeetingPlace { .. } => "meeting_place",
            Rule::Languages { .. } => "languages",
            Rule::Evidence { .. } => "evidence",
            Rule::CriminalRecord => "criminal_record",
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    pub text: LocalText,
    pub rule: Rule,
}

/// What an application offers, as the rules see it.
#[derive(Debug, Clone)]
pub struct Offer<'a> {
    pub staff: &'a [StaffMember],
    /// How many people the provider employs; `None` when not told.
    pub employees: Option<u32>,
    pub unit_municipality: Option<&'a str>,
    pub unit_languages: &'a [Lang],
    pub evidence: &'a [Evidence],
    pub today: NaiveDate,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    /// A person must judge (unknown degree text, "sufficient" competence, other training).
    ManualReview,
    /// Data the rule needs is missing: not a pass and not a fail.
    CannotEvaluate,
    NotMet,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::ManualReview => "manual_review",
            Status::CannotEvaluate => "cannot_evaluate",
            Status::NotMet => "not_met",
        }
    }
}

/// Who or what a finding is about.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Subject {
    Provider,
    Roster,
    Unit,
    /// The `index`th (from 1) of the `of` people the rule applies to.
    Worker {
        index: usize,
        of: usize,
        name: String,
    },
}

/// Why, with the figures; the UI turns each into a sentence in the reader's language.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    DegreeAccepted {
        degree: Degree,
    },
    DegreeAlternative {
        degree: Degree,
    },
    DegreeAlternativeJudged {
        degree: Degree,
    },
    DegreeNotAccepted,
    DegreeNone,
    DegreeUnknown {
        text: String,
    },
    ExperienceEnough {
        months: u32,
        needed: u32,
        areas: Vec<Area>,
    },
    ExperienceShort {
        months: u32,
        needed: u32,
        areas: Vec<Area>,
    },
    ExperienceUnknown {
        needed: u32,
        areas: Vec<Area>,
    },
    NoOneInRoles {
        roles: Vec<StaffRole>,
    },
    SmallProvider {
        employees: u32,
        limit: u32,
    },
    EmployeesUnknown,
    ManagementEnough {
        months: u32,
        needed: u32,
    },
    ManagementDegree,
    ManagementShort {
        months: u32,
        needed: u32,
    },
    ManagementUnknown {
        needed: u32,
    },
    TrainingHeld {
        training: Training,
    },
    TrainingOther {
        text: String,
    },
    TrainingMissing,
    SupervisionYes,
    SupervisionNo,
    SupervisionUnknown,
    PairWorkEnough {
        workers: usize,
    },
    PairWorkShort {
        workers: usize,
    },
    PlaceInRegion {
        municipality: String,
    },
    PlaceOutside {
        municipality: String,
    },
    PlaceUnknown,
    LanguagesCovered,
    LanguagesMissing {
        missing: Vec<Lang>,
    },
    /// No service unit chosen (or it offers no language), so its languages are unknown.
    UnitLanguagesUnknown,
    EvidenceValid {
        evidence: EvidenceKind,
        until: Option<NaiveDate>,
    },
    EvidenceExpired {
        evidence: EvidenceKind,
        on: NaiveDate,
    },
    EvidenceMissing {
        evidence: EvidenceKind,
    },
    CriminalRecordShown {
        on: NaiveDate,
    },
    CriminalRecordMissing,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Index of the requirement in the lot's list.
    pub requirement: usize,
    pub subject: Subject,
    pub status: Status,
    pub reason: Reason,
}

/// The outcome of one requirement: its findings and the worst of their statuses.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementResult {
    pub requirement: usize,
    pub status: Status,
    pub findings: Vec<Finding>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub results: Vec<RequirementResult>,
}

impl Evaluation {
    /// The worst status over all requirements; `Met` for a lot without requirements.
    pub fn overall(&self) -> Status {
        self.results
            .iter()
            .map(|r| r.status)
            .max()
            .unwrap_or(Status::Met)
    }

    pub fn count(&self, status: Status) -> usize {
        self.results.iter().filter(|r| r.status == status).count()
    }
}

/// Evaluates every requirement against the offer.
pub fn evaluate(requirements: &[Requirement], offer: &Offer<'_>) -> Evaluation {
    let results = requirements
        .iter()
        .enumerate()
        .map(|(i, req)| {
            let findings = evaluate_rule(i, &req.rule, offer);
            let status = findings
                .iter()
                .map(|f| f.status)
                .max()
                .unwrap_or(Status::Met);
            RequirementResult {
                requirement: i,
                status,
                findings,
            }
        })
        .collect();
    Evaluation { results }
}

fn in_roles(roles: &[StaffRole], m: &StaffMember) -> bool {
    roles.is_empty() || roles.contains(&m.role)
}

/// Months in any of `areas` together; `None` when none of them has been told.
fn months_in(m: &StaffMember, areas: &[Area]) -> Option<u32> {
    let told: Vec<u32> = areas
        .iter()
        .filter_map(|a| m.experience.get(a).copied())
        .collect();
    if told.is_empty() {
        None
    } else {
        Some(told.iter().sum())
    }
}

fn evaluate_rule(req: usize, rule: &Rule, offer: &Offer<'_>) -> Vec<Finding> {
    let finding = |subject: Subject, status: Status, reason: Reason| Finding {
        requirement: req,
        subject,
        status,
        reason,
    };
    // Rules about people: one finding per person the rule applies to, numbered among them.
    let per_person = |roles: &[StaffRole], f: &dyn Fn(&StaffMember) -> (Status, Reason)| {
        let people: Vec<&StaffMember> = offer.staff.iter().filter(|m| in_roles(roles, m)).collect();
        if people.is_empty() {
            return vec![finding(
                Subject::Roster,
                Status::CannotEvaluate,
                Reason::NoOneInRoles {
                    roles: roles.to_vec(),
                },
            )];
        }
        let of = people.len();
        people
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let (status, reason) = f(m);
                finding(
                    Subject::Worker {
                        index: i + 1,
                        of,
                        name: m.name.clone(),
                    },
                    status,
                    reason,
                )
            })
            .collect()
    };

    match rule {
        Rule::Degree {
            roles,
            any_of,
            alternative,
        } => per_person(roles, &|m| degree(m, any_of, alternative.as_ref())),
        Rule::Experience {
            roles,
            areas,
            min_months,
        } => per_person(roles, &|m| experience(m, areas, *min_months)),
        Rule::ResponsibleManagement {
            more_than_employees,
            min_months,
        } => {
            let Some(employees) = offer.employees else {
                return vec![finding(
                    Subject::Provider,
                    Status::CannotEvaluate,
                    Reason::EmployeesUnknown,
                )];
            };
            if employees <= *more_than_employees {
                return vec![finding(
                    Subject::Provider,
                    Status::Met,
                    Reason::SmallProvider {
                        employees,
                        limit: *more_than_employees,
                    },
                )];
            }
            per_person(&[StaffRole::ResponsiblePerson], &|m| {
                if m.trainings.contains(&Training::Management) {
                    return (Status::Met, Reason::ManagementDegree);
                }
                match m.experience.get(&Area::Management) {
                    None => (
                        Status::CannotEvaluate,
                        Reason::ManagementUnknown {
                            needed: *min_months,
                        },
                    ),
                    Some(&months) if months >= *min_months => (
                        Status::Met,
                        Reason::ManagementEnough {
                            months,
                            needed: *min_months,
                        },
                    ),
                    Some(&months) => (
                        Status::NotMet,
                        Reason::ManagementShort {
                            months,
                            needed: *min_months,
                        },
                    ),
                }
            })
        }
        Rule::Training { roles, any_of } => per_person(roles, &|m| {
            if let Some(t) = m.trainings.iter().find(|t| any_of.contains(t)) {
                (Status::Met, Reason::TrainingHeld { training: *t })
            } else if !m.other_training.is_empty() {
                (
                    Status::ManualReview,
                    Reason::TrainingOther {
                        text: m.other_training.clone(),
                    },
                )
            } else {
                (Status::NotMet, Reason::TrainingMissing)
            }
        }),
        Rule::Supervision => per_person(&[], &|m| match m.supervision {
            Some(true) => (Status::Met, Reason::SupervisionYes),
            Some(false) => (Status::NotMet, Reason::SupervisionNo),
            None => (Status::CannotEvaluate, Reason::SupervisionUnknown),
        }),
        Rule::PairWork { .. } => {
            let workers = offer
                .staff
                .iter()
                .filter(|m| matches!(m.role, StaffRole::Worker | StaffRole::ResponsiblePerson))
                .count();
            let (status, reason) = if workers >= 2 {
                (Status::Met, Reason::PairWorkEnough { workers })
            } else {
                (Status::NotMet, Reason::PairWorkShort { workers })
            };
            vec![finding(Subject::Roster, status, reason)]
        }
        Rule::MeetingPlace { municipalities } => {
            let (status, reason) = match offer.unit_municipality.map(str::trim) {
                None | Some("") => (Status::CannotEvaluate, Reason::PlaceUnknown),
                Some(m) => {
                    let inside = municipalities
                        .iter()
                        .any(|r| r.trim().to_lowercase() == m.to_lowercase());
                    let municipality = m.to_owned();
                    if inside {
                        (Status::Met, Reason::PlaceInRegion { municipality })
                    } else {
                        (Status::NotMet, Reason::PlaceOutside { municipality })
                    }
                }
            };
            vec![finding(Subject::Unit, status, reason)]
        }
        Rule::Languages { .. } if offer.unit_languages.is_empty() => vec![finding(
            Subject::Unit,
            Status::CannotEvaluate,
            Reason::UnitLanguagesUnknown,
        )],
        Rule::Languages { languages } => {
            // A language counts when the unit offers it and someone on the roster speaks it.
            let missing: Vec<Lang> = languages
                .iter()
                .copied()
                .filter(|l| {
                    !(offer.unit_languages.contains(l)
                        && offer.staff.iter().any(|m| m.languages.contains(l)))
                })
                .collect();
            let (status, reason) = if missing.is_empty() {
                (Status::Met, Reason::LanguagesCovered)
            } else {
                (Status::NotMet, Reason::LanguagesMissing { missing })
            };
            vec![finding(Subject::Unit, status, reason)]
        }
        Rule::Evidence { kinds } => {
            let held = current(offer.evidence);
            kinds
                .iter()
                .map(|k| {
                    let (status, reason) = match held.iter().find(|e| e.kind == *k) {
                        None => (Status::NotMet, Reason::EvidenceMissing { evidence: *k }),
                        Some(e) => match e.validity(offer.today, 0) {
                            Validity::Expired => (
                                Status::NotMet,
                                Reason::EvidenceExpired {
                                    evidence: *k,
                                    on: e.valid_until.unwrap_or(offer.today),
                                },
                            ),
                            _ => (
                                Status::Met,
                                Reason::EvidenceValid {
                                    evidence: *k,
                                    until: e.valid_until,
                                },
                            ),
                        },
                    };
                    finding(Subject::Provider, status, reason)
                })
                .collect()
        }
        Rule::CriminalRecord => per_person(&[], &|m| match m.criminal_record_checked_on {
            Some(on) => (Status::Met, Reason::CriminalRecordShown { on }),
            None => (Status::NotMet, Reason::CriminalRecordMissing),
        }),
    }
}

fn degree(
    m: &StaffMember,
    any_of: &[Degree],
    alternative: Option<&DegreeAlternative>,
) -> (Status, Reason) {
    if m.degrees.is_empty() {
        return (Status::CannotEvaluate, Reason::DegreeNone);
    }
    let known: Vec<Degree> = m
        .degrees
        .iter()
        .filter_map(|d| classify_degree(d))
        .collect();
    if let Some(d) = known.iter().find(|d| any_of.contains(d)) {
        return (Status::Met, Reason::DegreeAccepted { degree: *d });
    }
    if let Some(alt) = alternative {
        let fits = known
            .iter()
            .find(|d| alt.any_of.contains(d) || (alt.any_higher && d.is_higher_education()));
        if let Some(d) = fits {
            // The alternative route hangs on experience that has not been told: say so.
            if let Some(need) = &alt.experience {
                if months_in(m, &need.areas).is_none() {
                    return (
                        Status::CannotEvaluate,
                        Reason::ExperienceUnknown {
                            needed: need.min_months,
                            areas: need.areas.clone(),
                        },
                    );
                }
            }
            let experience_ok = alt
                .experience
                .as_ref()
                .is_none_or(|need| months_in(m, &need.areas).unwrap_or(0) >= need.min_months);
            let training_ok = alt.training_any_of.is_empty()
                || m.trainings.iter().any(|t| alt.training_any_of.contains(t));
            let training_judged = !training_ok && !m.other_training.is_empty();
            if experience_ok && (training_ok || training_judged) {
                return if alt.judged || training_judged {
                    (
                        Status::ManualReview,
                        Reason::DegreeAlternativeJudged { degree: *d },
                    )
                } else {
                    (Status::Met, Reason::DegreeAlternative { degree: *d })
                };
            }
        }
    }
    // Text no rule can read may still be an accepted degree: a person decides, nothing is
    // rejected on a spelling.
    if let Some(text) = m.degrees.iter().find(|d| classify_degree(d).is_none()) {
        return (
            Status::ManualReview,
            Reason::DegreeUnknown { text: text.clone() },
        );
    }
    (Status::NotMet, Reason::DegreeNotAccepted)
}

fn experience(m: &StaffMember, areas: &[Area], needed: u32) -> (Status, Reason) {
    let areas_v = areas.to_vec();
    match months_in(m, areas) {
        None => (
            Status::CannotEvaluate,
            Reason::ExperienceUnknown {
                needed,
                areas: areas_v,
            },
        ),
        Some(months) if months >= needed => (
            Status::Met,
            Reason::ExperienceEnough {
                months,
                needed,
                areas: areas_v,
            },
        ),
        Some(months) => (
            Status::NotMet,
            Reason::ExperienceShort {
                months,
                needed,
                areas: areas_v,
            },
        ),
    }
}

/// The form that adds one requirement to a lot. Only the fields the chosen kind uses are read.
#[derive(Debug, Clone, Default)]
pub struct RequirementForm {
    pub kind: String,
    pub text_fi: String,
    pub text_sv: String,
    pub text_en: String,
    pub roles: Vec<String>,
    pub degrees: Vec<String>,
    /// "yes": any other higher-education degree is accepted after a person's judgement.
    pub alt_any_higher: String,
    pub areas: Vec<String>,
    pub years: String,
    pub trainings: Vec<String>,
    pub more_than: String,
    pub municipalities: String,
    pub languages: Vec<String>,
    pub evidence: Vec<String>,
}

/// The kinds a requirement form may choose.
pub const RULE_KINDS: [&str; 10] = [
    "degree",
    "experience",
    "responsible_management",
    "training",
    "supervision",
    "pair_work",
    "meeting_place",
    "languages",
    "evidence",
    "criminal_record",
];

impl RequirementForm {
    pub fn validate(&self) -> Result<Requirement, crate::validate::FieldErrors> {
        use crate::staff::parse_years;
        let mut e = crate::validate::FieldErrors::default();
        if self.text_fi.trim().is_empty() {
            e.add("text_fi", "required");
        }
        fn parse_all<T>(
            e: &mut crate::validate::FieldErrors,
            field: &str,
            v: &[String],
            f: impl Fn(&str) -> Option<T>,
        ) -> Vec<T> {
            let mut out = Vec::new();
            for s in v {
                match f(s) {
                    Some(x) => out.push(x),
                    None => {
                        e.add(field, "invalid-choice");
                        break;
                    }
                }
            }
            out
        }
        let roles = parse_all(&mut e, "roles", &self.roles, StaffRole::parse);
        let degrees = parse_all(&mut e, "degrees", &self.degrees, |s| {
            Degree::ALL.into_iter().find(|d| d.code() == s)
        });
        let areas = parse_all(&mut e, "areas", &self.areas, Area::parse);
        let trainings = parse_all(&mut e, "trainings", &self.trainings, Training::parse);
        let languages = parse_all(&mut e, "languages", &self.languages, Lang::parse);
        let evidence = parse_all(&mut e, "evidence", &self.evidence, EvidenceKind::parse);
        let months = |e: &mut crate::validate::FieldErrors| match parse_years(&self.years) {
            Some(m) if m > 0 => m,
            _ => {
                e.add("years", "years-invalid");
                0
            }
        };
        let need = |e: &mut crate::validate::FieldErrors, field: &str, empty: bool| {
            if empty {
                e.add(field, "required");
            }
        };
        let rule = match self.kind.trim() {
            "" => {
                e.add("kind", "required");
                None
            }
            "degree" => {
                need(&mut e, "degrees", degrees.is_empty());
                Some(Rule::Degree {
                    roles,
                    any_of: degrees,
                    alternative: (self.alt_any_higher == "yes").then(|| DegreeAlternative {
                        any_higher: true,
                        judged: true,
                        ..DegreeAlternative::default()
                    }),
                })
            }
            "experience" => {
                need(&mut e, "areas", areas.is_empty());
                let min_months = months(&mut e);
                Some(Rule::Experience {
                    roles,
                    areas,
                    min_months,
                })
            }
            "responsible_management" => {
                let more_than_employees = match self.more_than.trim().parse::<u32>() {
                    Ok(n) => n,
                    Err(_) => {
                        e.add("more_than", "number-format");
                        0
                    }
                };
                let min_months = months(&mut e);
                Some(Rule::ResponsibleManagement {
                    more_than_employees,
                    min_months,
                })
            }
            "training" => {
                need(&mut e, "trainings", trainings.is_empty());
                Some(Rule::Training {
                    roles,
                    any_of: trainings,
                })
            }
            "supervision" => Some(Rule::Supervision),
            "pair_work" => match self.more_than.trim().parse::<u32>() {
                Ok(n) => Some(Rule::PairWork {
                    more_than_participants: n,
                }),
                Err(_) => {
                    e.add("more_than", "number-format");
                    None
                }
            },
            "meeting_place" => {
                let municipalities: Vec<String> = self
                    .municipalities
                    .split([',', '\n'])
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .map(str::to_owned)
                    .collect();
                need(&mut e, "municipalities", municipalities.is_empty());
                Some(Rule::MeetingPlace { municipalities })
            }
            "languages" => {
                need(&mut e, "languages", languages.is_empty());
                Some(Rule::Languages { languages })
            }
            "evidence" => {
                need(&mut e, "evidence", evidence.is_empty());
                Some(Rule::Evidence { kinds: evidence })
            }
            "criminal_record" => Some(Rule::CriminalRecord),
            _ => {
                e.add("kind", "invalid-choice");
                None
            }
        };
        match rule {
            Some(rule) if e.is_empty() => Ok(Requirement {
                text: LocalText {
                    fi: self.text_fi.trim().into(),
                    sv: self.text_sv.trim().into(),
                    en: self.text_en.trim().into(),
                },
                rule,
            }),
            _ => Err(e),
        }
    }
}
