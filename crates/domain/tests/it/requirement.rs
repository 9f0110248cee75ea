//! Requirement rules as a table: every `Rule` variant against small offers, with the status,
//! reason and subject of each finding; the precedence of `Evaluation::overall`; and a realistic
//! lot (intensive family work) where one worker of three falls short.
//!
//! All people here are made up.

// A failing unwrap is exactly how a test should fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use chrono::NaiveDate;
use domain::evidence::{Evidence, EvidenceKind};
use domain::locale::Lang;
use domain::requirement::{
    evaluate, DegreeAlternative, Evaluation, ExperienceNeed, LocalText, Offer, Reason, Requirement,
    RequirementResult, Rule, Status, Subject,
};
use domain::staff::{Area, Degree, StaffMember, StaffRole, Training};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 3, 2)
}

// --- people --------------------------------------------------------------------------------

fn person(name: &str, role: StaffRole) -> StaffMember {
    StaffMember {
        name: name.to_owned(),
        role,
        degrees: Vec::new(),
        experience: Default::default(),
        trainings: Vec::new(),
        other_training: String::new(),
        languages: vec![Lang::Fi],
        supervision: None,
        criminal_record_checked_on: None,
    }
}

fn worker(name: &str) -> StaffMember {
    person(name, StaffRole::Worker)
}

fn responsible(name: &str) -> StaffMember {
    person(name, StaffRole::ResponsiblePerson)
}

/// Small builders so that each row says only what matters to it.
trait Build {
    fn degree(self, text: &str) -> Self;
    fn months(self, area: Area, months: u32) -> Self;
    fn trained(self, t: Training) -> Self;
    fn other(self, text: &str) -> Self;
    fn speaks(self, langs: &[Lang]) -> Self;
    fn supervised(self, s: Option<bool>) -> Self;
    fn record_checked(self, on: NaiveDate) -> Self;
}

impl Build for StaffMember {
    fn degree(mut self, text: &str) -> Self {
        self.degrees.push(text.to_owned());
        self
    }
    fn months(mut self, area: Area, months: u32) -> Self {
        self.experience.insert(area, months);
        self
    }
    fn trained(mut self, t: Training) -> Self {
        self.trainings.push(t);
        self
    }
    fn other(mut self, text: &str) -> Self {
        self.other_training = text.to_owned();
        self
    }
    fn speaks(mut self, langs: &[Lang]) -> Self {
        self.languages = langs.to_vec();
        self
    }
    fn supervised(mut self, s: Option<bool>) -> Self {
        self.supervision = s;
        self
    }
    fn record_checked(mut self, on: NaiveDate) -> Self {
        self.criminal_record_checked_on = Some(on);
        self
    }
}

// --- offers --------------------------------------------------------------------------------

/// What an `Offer` borrows, owned by the test row.
#[derive(Default)]
struct Given {
    staff: Vec<StaffMember>,
    employees: Option<u32>,
    municipality: Option<&'static str>,
    unit_languages: Vec<Lang>,
    evidence: Vec<Evidence>,
}

impl Given {
    fn offer(&self) -> Offer<'_> {
        Offer {
            staff: &self.staff,
            employees: self.employees,
            unit_municipality: self.municipality,
            unit_languages: &self.unit_languages,
            evidence: &self.evidence,
            today: today(),
        }
    }
}

fn roster(staff: Vec<StaffMember>) -> Given {
    Given {
        staff,
        ..Given::default()
    }
}

fn provider(employees: Option<u32>, staff: Vec<StaffMember>) -> Given {
    Given {
        staff,
        employees,
        ..Given::default()
    }
}

fn unit_in(municipality: Option<&'static str>) -> Given {
    Given {
        municipality,
        ..Given::default()
    }
}

fn languages(unit: &[Lang], staff: Vec<StaffMember>) -> Given {
    Given {
        staff,
        unit_languages: unit.to_vec(),
        ..Given::default()
    }
}

fn holding(evidence: Vec<Evidence>) -> Given {
    Given {
        evidence,
        ..Given::default()
    }
}

fn ev(kind: EvidenceKind, issued_on: NaiveDate, valid_until: Option<NaiveDate>) -> Evidence {
    Evidence {
        kind,
        issued_on,
        valid_until,
        reference: String::new(),
    }
}

// --- subjects ------------------------------------------------------------------------------

fn w(index: usize, of: usize, name: &str) -> Subject {
    Subject::Worker {
        index,
        of,
        name: name.to_owned(),
    }
}

// --- rules used by several rows ------------------------------------------------------------

fn social_degree(alternative: Option<DegreeAlternative>) -> Rule {
    Rule::Degree {
        roles: vec![StaffRole::Worker],
        any_of: vec![Degree::SocialUas, Degree::SocialCollege],
        alternative,
    }
}

/// "A nurse with two years of child-welfare work also qualifies."
fn nurse_with_experience(areas: Vec<Area>) -> Option<DegreeAlternative> {
    Some(DegreeAlternative {
        any_of: vec![Degree::HealthUas],
        experience: Some(ExperienceNeed {
            areas,
            min_months: 24,
        }),
        ..DegreeAlternative::default()
    })
}

/// "Another higher-education degree with basic university studies in social work."
fn higher_with_studies() -> Option<DegreeAlternative> {
    Some(DegreeAlternative {
        any_higher: true,
        training_any_of: vec![Training::SocialWelfareStudies],
        ..DegreeAlternative::default()
    })
}

/// "Another higher-education degree and sufficient competence in social welfare" (judged).
fn higher_judged() -> Option<DegreeAlternative> {
    Some(DegreeAlternative {
        any_higher: true,
        judged: true,
        ..DegreeAlternative::default()
    })
}

fn child_welfare(min_months: u32) -> Rule {
    Rule::Experience {
        roles: vec![StaffRole::Worker],
        areas: vec![Area::ChildWelfare],
        min_months,
    }
}

fn families(min_months: u32) -> Rule {
    Rule::Experience {
        roles: vec![StaffRole::Worker],
        areas: vec![Area::ChildWelfare, Area::ChildrenAndFamilies],
        min_months,
    }
}

fn management() -> Rule {
    Rule::ResponsibleManagement {
        more_than_employees: 3,
        min_months: 12,
    }
}

fn neuro_coach() -> Rule {
    Rule::Training {
        roles: vec![StaffRole::Worker],
        any_of: vec![Training::NeuropsychiatricCoach],
    }
}

fn kymenlaakso() -> Rule {
    Rule::MeetingPlace {
        municipalities: vec!["Kotka".into(), " Hamina ".into(), "Kouvola".into()],
    }
}

fn fi_sv() -> Rule {
    Rule::Languages {
        languages: vec![Lang::Fi, Lang::Sv],
    }
}

fn certificates() -> Rule {
    Rule::Evidence {
        kinds: vec![EvidenceKind::TaxCertificate],
    }
}

struct Case {
    what: &'static str,
    rule: Rule,
    given: Given,
    want: Vec<(Subject, Status, Reason)>,
}

fn cases() -> Vec<Case> {
    use Reason as R;
    use Status::*;
    let cw = || vec![Area::ChildWelfare];
    let cw_fam = || vec![Area::ChildWelfare, Area::ChildrenAndFamilies];
    vec![
        // ---- Degree ----
        Case {
            what: "degree: accepted degree",
            rule: social_degree(None),
            given: roster(vec![worker("Helmi Testinen").degree("Sosionomi (AMK)")]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                Met,
                R::DegreeAccepted {
                    degree: Degree::SocialUas,
                },
            )],
        },
        Case {
            what: "degree: the accepted one of several degrees is found",
            rule: social_degree(None),
            given: roster(vec![worker("Helmi Testinen")
                .degree("Lähihoitaja")
                .degree("Sosiaaliohjaaja")]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                Met,
                R::DegreeAccepted {
                    degree: Degree::SocialCollege,
                },
            )],
        },
        Case {
            what: "degree: known degree that is not accepted, no alternative",
            rule: social_degree(None),
            given: roster(vec![worker("Helmi Testinen").degree("Lähihoitaja")]),
            want: vec![(w(1, 1, "Helmi Testinen"), NotMet, R::DegreeNotAccepted)],
        },
        Case {
            what: "degree: no degree given",
            rule: social_degree(None),
            given: roster(vec![worker("Helmi Testinen")]),
            want: vec![(w(1, 1, "Helmi Testinen"), CannotEvaluate, R::DegreeNone)],
        },
        Case {
            what: "degree: text no rule can read goes to a person",
            rule: social_degree(None),
            given: roster(vec![worker("Helmi Testinen").degree("Diakoni")]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                ManualReview,
                R::DegreeUnknown {
                    text: "Diakoni".into(),
                },
            )],
        },
        Case {
            what: "degree: an unaccepted known degree beside unreadable text is still reviewed",
            rule: social_degree(None),
            given: roster(vec![worker("Helmi Testinen")
                .degree("Lähihoitaja")
                .degree("Diakoni")]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                ManualReview,
                R::DegreeUnknown {
                    text: "Diakoni".into(),
                },
            )],
        },
        Case {
            what: "degree alternative: other degree with enough experience",
            rule: social_degree(nurse_with_experience(cw())),
            given: roster(vec![worker("Helmi Testinen")
                .degree("Sairaanhoitaja (AMK)")
                .months(Area::ChildWelfare, 30)]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                Met,
                R::DegreeAlternative {
                    degree: Degree::HealthUas,
                },
            )],
        },
        Case {
            what: "degree alternative: experience summed over the alternative's areas",
            rule: social_degree(nurse_with_experience(cw_fam())),
            given: roster(vec![worker("Helmi Testinen")
                .degree("Sairaanhoitaja (AMK)")
                .months(Area::ChildWelfare, 12)
                .months(Area::ChildrenAndFamilies, 12)]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                Met,
                R::DegreeAlternative {
                    degree: Degree::HealthUas,
                },
            )],
        },
        Case {
            what: "degree alternative: other degree with too little experience",
            rule: social_degree(nurse_with_experience(cw())),
            given: roster(vec![worker("Helmi Testinen")
                .degree("Sairaanhoitaja (AMK)")
                .months(Area::ChildWelfare, 23)]),
            want: vec![(w(1, 1, "Helmi Testinen"), NotMet, R::DegreeNotAccepted)],
        },
        Case {
            what: "degree alternative: degree not in the alternative's list",
            rule: social_degree(nurse_with_experience(cw())),
            given: roster(vec![worker("Helmi Testinen")
                .degree("Yhteisöpedagogi (AMK)")
                .months(Area::ChildWelfare, 60)]),
            want: vec![(w(1, 1, "Helmi Testinen"), NotMet, R::DegreeNotAccepted)],
        },
        Case {
            what: "degree alternative: any higher degree with the named training",
            rule: social_degree(higher_with_studies()),
            given: roster(vec![worker("Helmi Testinen")
                .degree("Tradenomi (AMK)")
                .trained(Training::SocialWelfareStudies)]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                Met,
                R::DegreeAlternative {
                    degree: Degree::OtherHigher,
                },
            )],
        },
        Case {
            what: "degree alternative: other training text instead of the named one is judged",
            rule: social_degree(higher_with_studies()),
            given: roster(vec![worker("Helmi Testinen")
                .degree("Tradenomi (AMK)")
                .other("Sosiaalialan täydennyskoulutus 30 op")]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                ManualReview,
                R::DegreeAlternativeJudged {
                    degree: Degree::OtherHigher,
                },
            )],
        },
        Case {
            what: "degree alternative: training missing",
            rule: social_degree(higher_with_studies()),
            given: roster(vec![worker("Helmi Testinen")
                .degree("Tradenomi (AMK)")
                .trained(Training::Management)]),
            want: vec![(w(1, 1, "Helmi Testinen"), NotMet, R::DegreeNotAccepted)],
        },
        Case {
            what: "degree alternative: judged route goes to review",
            rule: social_degree(higher_judged()),
            given: roster(vec![worker("Helmi Testinen").degree("Filosofian maisteri")]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                ManualReview,
                R::DegreeAlternativeJudged {
                    degree: Degree::OtherHigher,
                },
            )],
        },
        Case {
            what: "degree alternative: any_higher does not take a vocational qualification",
            rule: social_degree(higher_judged()),
            given: roster(vec![worker("Helmi Testinen").degree("Lähihoitaja")]),
            want: vec![(w(1, 1, "Helmi Testinen"), NotMet, R::DegreeNotAccepted)],
        },
        Case {
            what: "degree: only people in the rule's roles, numbered among them",
            rule: social_degree(None),
            given: roster(vec![
                responsible("Saara Malli"),
                worker("Oona Esimerkki").degree("Sosionomi (AMK)"),
                person("Lumi Satunen", StaffRole::FamilyTherapist),
                worker("Veikko Kuvitelma").degree("Lähihoitaja"),
            ]),
            want: vec![
                (
                    w(1, 2, "Oona Esimerkki"),
                    Met,
                    R::DegreeAccepted {
                        degree: Degree::SocialUas,
                    },
                ),
                (w(2, 2, "Veikko Kuvitelma"), NotMet, R::DegreeNotAccepted),
            ],
        },
        Case {
            what: "degree: no one in the rule's roles",
            rule: Rule::Degree {
                roles: vec![StaffRole::FamilyTherapist],
                any_of: vec![Degree::Psychologist],
                alternative: None,
            },
            given: roster(vec![worker("Helmi Testinen").degree("Psykologi")]),
            want: vec![(
                Subject::Roster,
                CannotEvaluate,
                R::NoOneInRoles {
                    roles: vec![StaffRole::FamilyTherapist],
                },
            )],
        },
        // ---- Experience ----
        Case {
            what: "experience: exactly enough",
            rule: child_welfare(24),
            given: roster(vec![worker("Helmi Testinen").months(Area::ChildWelfare, 24)]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                Met,
                R::ExperienceEnough {
                    months: 24,
                    needed: 24,
                    areas: cw(),
                },
            )],
        },
        Case {
            what: "experience: one month short",
            rule: child_welfare(24),
            given: roster(vec![worker("Helmi Testinen").months(Area::ChildWelfare, 23)]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                NotMet,
                R::ExperienceShort {
                    months: 23,
                    needed: 24,
                    areas: cw(),
                },
            )],
        },
        Case {
            what: "experience: told zero is short, not unknown",
            rule: child_welfare(24),
            given: roster(vec![worker("Helmi Testinen").months(Area::ChildWelfare, 0)]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                NotMet,
                R::ExperienceShort {
                    months: 0,
                    needed: 24,
                    areas: cw(),
                },
            )],
        },
        Case {
            what: "experience: area absent (only another area told) is unknown",
            rule: child_welfare(24),
            given: roster(vec![
                worker("Helmi Testinen").months(Area::DemandingClientWork, 48)
            ]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                CannotEvaluate,
                R::ExperienceUnknown {
                    needed: 24,
                    areas: cw(),
                },
            )],
        },
        Case {
            what: "experience: months summed over several areas",
            rule: families(24),
            given: roster(vec![worker("Helmi Testinen")
                .months(Area::ChildWelfare, 10)
                .months(Area::ChildrenAndFamilies, 14)
                .months(Area::Management, 100)]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                Met,
                R::ExperienceEnough {
                    months: 24,
                    needed: 24,
                    areas: cw_fam(),
                },
            )],
        },
        Case {
            what: "experience: one of several areas told, the other absent, counts what is told",
            rule: families(24),
            given: roster(vec![
                worker("Helmi Testinen").months(Area::ChildrenAndFamilies, 10)
            ]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                NotMet,
                R::ExperienceShort {
                    months: 10,
                    needed: 24,
                    areas: cw_fam(),
                },
            )],
        },
        Case {
            what: "experience: each worker judged alone (worker 2 of 3 short)",
            rule: child_welfare(24),
            given: roster(vec![
                worker("Helmi Testinen").months(Area::ChildWelfare, 36),
                worker("Oona Esimerkki").months(Area::ChildWelfare, 12),
                worker("Veikko Kuvitelma"),
            ]),
            want: vec![
                (
                    w(1, 3, "Helmi Testinen"),
                    Met,
                    R::ExperienceEnough {
                        months: 36,
                        needed: 24,
                        areas: cw(),
                    },
                ),
                (
                    w(2, 3, "Oona Esimerkki"),
                    NotMet,
                    R::ExperienceShort {
                        months: 12,
                        needed: 24,
                        areas: cw(),
                    },
                ),
                (
                    w(3, 3, "Veikko Kuvitelma"),
                    CannotEvaluate,
                    R::ExperienceUnknown {
                        needed: 24,
                        areas: cw(),
                    },
                ),
            ],
        },
        Case {
            what: "experience: no one in the rule's roles",
            rule: child_welfare(24),
            given: roster(vec![
                responsible("Saara Malli").months(Area::ChildWelfare, 99)
            ]),
            want: vec![(
                Subject::Roster,
                CannotEvaluate,
                R::NoOneInRoles {
                    roles: vec![StaffRole::Worker],
                },
            )],
        },
        // ---- ResponsibleManagement ----
        Case {
            what: "management: small provider (at the limit) needs nothing more",
            rule: management(),
            given: provider(Some(3), vec![responsible("Saara Malli")]),
            want: vec![(
                Subject::Provider,
                Met,
                R::SmallProvider {
                    employees: 3,
                    limit: 3,
                },
            )],
        },
        Case {
            what: "management: employees not told",
            rule: management(),
            given: provider(
                None,
                vec![responsible("Saara Malli").months(Area::Management, 60)],
            ),
            want: vec![(Subject::Provider, CannotEvaluate, R::EmployeesUnknown)],
        },
        Case {
            what: "management: enough management experience",
            rule: management(),
            given: provider(
                Some(4),
                vec![responsible("Saara Malli").months(Area::Management, 12)],
            ),
            want: vec![(
                w(1, 1, "Saara Malli"),
                Met,
                R::ManagementEnough {
                    months: 12,
                    needed: 12,
                },
            )],
        },
        Case {
            what: "management: too little management experience",
            rule: management(),
            given: provider(
                Some(20),
                vec![responsible("Saara Malli").months(Area::Management, 11)],
            ),
            want: vec![(
                w(1, 1, "Saara Malli"),
                NotMet,
                R::ManagementShort {
                    months: 11,
                    needed: 12,
                },
            )],
        },
        Case {
            what: "management: management experience not told",
            rule: management(),
            given: provider(
                Some(20),
                vec![responsible("Saara Malli").months(Area::ChildWelfare, 60)],
            ),
            want: vec![(
                w(1, 1, "Saara Malli"),
                CannotEvaluate,
                R::ManagementUnknown { needed: 12 },
            )],
        },
        Case {
            what: "management: management training suffices, only the responsible person counts",
            rule: management(),
            given: provider(
                Some(20),
                vec![
                    worker("Oona Esimerkki"),
                    responsible("Saara Malli")
                        .trained(Training::Management)
                        .months(Area::Management, 2),
                ],
            ),
            want: vec![(w(1, 1, "Saara Malli"), Met, R::ManagementDegree)],
        },
        Case {
            what: "management: large provider without a responsible person",
            rule: management(),
            given: provider(Some(20), vec![worker("Oona Esimerkki")]),
            want: vec![(
                Subject::Roster,
                CannotEvaluate,
                R::NoOneInRoles {
                    roles: vec![StaffRole::ResponsiblePerson],
                },
            )],
        },
        // ---- Training ----
        Case {
            what: "training: held, other text, missing",
            rule: neuro_coach(),
            given: roster(vec![
                worker("Helmi Testinen")
                    .trained(Training::Management)
                    .trained(Training::NeuropsychiatricCoach),
                worker("Oona Esimerkki").other("Nepsy-valmentajan koulutus, 2019"),
                worker("Veikko Kuvitelma").trained(Training::Psychotherapist),
            ]),
            want: vec![
                (
                    w(1, 3, "Helmi Testinen"),
                    Met,
                    R::TrainingHeld {
                        training: Training::NeuropsychiatricCoach,
                    },
                ),
                (
                    w(2, 3, "Oona Esimerkki"),
                    ManualReview,
                    R::TrainingOther {
                        text: "Nepsy-valmentajan koulutus, 2019".into(),
                    },
                ),
                (w(3, 3, "Veikko Kuvitelma"), NotMet, R::TrainingMissing),
            ],
        },
        Case {
            what: "training: a listed training wins over other text",
            rule: neuro_coach(),
            given: roster(vec![worker("Helmi Testinen")
                .trained(Training::NeuropsychiatricCoach)
                .other("Jotain muuta")]),
            want: vec![(
                w(1, 1, "Helmi Testinen"),
                Met,
                R::TrainingHeld {
                    training: Training::NeuropsychiatricCoach,
                },
            )],
        },
        // ---- Supervision ----
        Case {
            what: "supervision: yes, no, not told (everyone, whatever the role)",
            rule: Rule::Supervision,
            given: roster(vec![
                responsible("Saara Malli").supervised(Some(true)),
                worker("Oona Esimerkki").supervised(Some(false)),
                worker("Veikko Kuvitelma"),
            ]),
            want: vec![
                (w(1, 3, "Saara Malli"), Met, R::SupervisionYes),
                (w(2, 3, "Oona Esimerkki"), NotMet, R::SupervisionNo),
                (
                    w(3, 3, "Veikko Kuvitelma"),
                    CannotEvaluate,
                    R::SupervisionUnknown,
                ),
            ],
        },
        Case {
            what: "supervision: empty roster",
            rule: Rule::Supervision,
            given: roster(vec![]),
            want: vec![(
                Subject::Roster,
                CannotEvaluate,
                R::NoOneInRoles { roles: vec![] },
            )],
        },
        // ---- PairWork ----
        Case {
            what: "pair work: one worker",
            rule: Rule::PairWork {
                more_than_participants: 6,
            },
            given: roster(vec![worker("Helmi Testinen")]),
            want: vec![(Subject::Roster, NotMet, R::PairWorkShort { workers: 1 })],
        },
        Case {
            what: "pair work: a worker and the responsible person",
            rule: Rule::PairWork {
                more_than_participants: 6,
            },
            given: roster(vec![worker("Helmi Testinen"), responsible("Saara Malli")]),
            want: vec![(Subject::Roster, Met, R::PairWorkEnough { workers: 2 })],
        },
        // ---- MeetingPlace ----
        Case {
            what: "meeting place: inside, case-insensitive and trimmed",
            rule: kymenlaakso(),
            given: unit_in(Some(" KOTKA ")),
            want: vec![(
                Subject::Unit,
                Met,
                R::PlaceInRegion {
                    municipality: "KOTKA".into(),
                },
            )],
        },
        Case {
            what: "meeting place: inside, the purchaser's list entry has spaces",
            rule: kymenlaakso(),
            given: unit_in(Some("hamina")),
            want: vec![(
                Subject::Unit,
                Met,
                R::PlaceInRegion {
                    municipality: "hamina".into(),
                },
            )],
        },
        Case {
            what: "meeting place: outside",
            rule: kymenlaakso(),
            given: unit_in(Some("Lappeenranta")),
            want: vec![(
                Subject::Unit,
                NotMet,
                R::PlaceOutside {
                    municipality: "Lappeenranta".into(),
                },
            )],
        },
        Case {
            what: "meeting place: no unit municipality",
            rule: kymenlaakso(),
            given: unit_in(None),
            want: vec![(Subject::Unit, CannotEvaluate, R::PlaceUnknown)],
        },
        Case {
            what: "meeting place: blank unit municipality",
            rule: kymenlaakso(),
            given: unit_in(Some("   ")),
            want: vec![(Subject::Unit, CannotEvaluate, R::PlaceUnknown)],
        },
        // ---- Languages ----
        Case {
            what: "languages: unit offers both and someone speaks each",
            rule: fi_sv(),
            given: languages(
                &[Lang::Fi, Lang::Sv, Lang::En],
                vec![
                    worker("Helmi Testinen").speaks(&[Lang::Fi]),
                    worker("Oona Esimerkki").speaks(&[Lang::Sv]),
                ],
            ),
            want: vec![(Subject::Unit, Met, R::LanguagesCovered)],
        },
        Case {
            what: "languages: the unit lacks Swedish though staff speaks it",
            rule: fi_sv(),
            given: languages(
                &[Lang::Fi],
                vec![worker("Helmi Testinen").speaks(&[Lang::Fi, Lang::Sv])],
            ),
            want: vec![(
                Subject::Unit,
                NotMet,
                R::LanguagesMissing {
                    missing: vec![Lang::Sv],
                },
            )],
        },
        Case {
            what: "languages: the unit offers Swedish but no one on the roster speaks it",
            rule: fi_sv(),
            given: languages(
                &[Lang::Fi, Lang::Sv],
                vec![worker("Helmi Testinen").speaks(&[Lang::Fi, Lang::En])],
            ),
            want: vec![(
                Subject::Unit,
                NotMet,
                R::LanguagesMissing {
                    missing: vec![Lang::Sv],
                },
            )],
        },
        Case {
            what: "languages: no unit chosen, so its languages cannot be evaluated",
            rule: fi_sv(),
            given: languages(&[], vec![worker("Helmi Testinen").speaks(&[Lang::Fi])]),
            want: vec![(Subject::Unit, CannotEvaluate, R::UnitLanguagesUnknown)],
        },
        Case {
            what: "languages: nothing covered with an empty roster",
            rule: fi_sv(),
            given: languages(&[Lang::Fi, Lang::Sv], vec![]),
            want: vec![(
                Subject::Unit,
                NotMet,
                R::LanguagesMissing {
                    missing: vec![Lang::Fi, Lang::Sv],
                },
            )],
        },
        // ---- Evidence ----
        Case {
            what: "evidence: valid, valid on its last day, valid until replaced, missing",
            rule: Rule::Evidence {
                kinds: vec![
                    EvidenceKind::TaxCertificate,
                    EvidenceKind::PensionCertificate,
                    EvidenceKind::SelfMonitoringPlan,
                    EvidenceKind::LiabilityInsurance,
                ],
            },
            given: holding(vec![
                ev(EvidenceKind::SelfMonitoringPlan, d(2024, 5, 1), None),
                ev(
                    EvidenceKind::TaxCertificate,
                    d(2026, 1, 15),
                    Some(d(2026, 4, 15)),
                ),
                ev(
                    EvidenceKind::PensionCertificate,
                    d(2025, 12, 2),
                    Some(today()),
                ),
            ]),
            want: vec![
                (
                    Subject::Provider,
                    Met,
                    R::EvidenceValid {
                        evidence: EvidenceKind::TaxCertificate,
                        until: Some(d(2026, 4, 15)),
                    },
                ),
                (
                    Subject::Provider,
                    Met,
                    R::EvidenceValid {
                        evidence: EvidenceKind::PensionCertificate,
                        until: Some(today()),
                    },
                ),
                (
                    Subject::Provider,
                    Met,
                    R::EvidenceValid {
                        evidence: EvidenceKind::SelfMonitoringPlan,
                        until: None,
                    },
                ),
                (
                    Subject::Provider,
                    NotMet,
                    R::EvidenceMissing {
                        evidence: EvidenceKind::LiabilityInsurance,
                    },
                ),
            ],
        },
        Case {
            what: "evidence: expired the day after its last day",
            rule: certificates(),
            given: holding(vec![ev(
                EvidenceKind::TaxCertificate,
                d(2025, 11, 1),
                Some(d(2026, 3, 1)),
            )]),
            want: vec![(
                Subject::Provider,
                NotMet,
                R::EvidenceExpired {
                    evidence: EvidenceKind::TaxCertificate,
                    on: d(2026, 3, 1),
                },
            )],
        },
        Case {
            what: "evidence: the newest of a kind counts (newer valid, listed first)",
            rule: certificates(),
            given: holding(vec![
                ev(
                    EvidenceKind::TaxCertificate,
                    d(2026, 2, 1),
                    Some(d(2026, 5, 1)),
                ),
                ev(
                    EvidenceKind::TaxCertificate,
                    d(2025, 1, 1),
                    Some(d(2025, 4, 1)),
                ),
            ]),
            want: vec![(
                Subject::Provider,
                Met,
                R::EvidenceValid {
                    evidence: EvidenceKind::TaxCertificate,
                    until: Some(d(2026, 5, 1)),
                },
            )],
        },
        Case {
            what: "evidence: the newest of a kind counts even when an older one is still valid",
            rule: certificates(),
            given: holding(vec![
                ev(
                    EvidenceKind::TaxCertificate,
                    d(2025, 6, 1),
                    Some(d(2027, 1, 1)),
                ),
                ev(
                    EvidenceKind::TaxCertificate,
                    d(2025, 9, 1),
                    Some(d(2026, 1, 1)),
                ),
            ]),
            want: vec![(
                Subject::Provider,
                NotMet,
                R::EvidenceExpired {
                    evidence: EvidenceKind::TaxCertificate,
                    on: d(2026, 1, 1),
                },
            )],
        },
        Case {
            what: "evidence: another kind does not stand in",
            rule: certificates(),
            given: holding(vec![ev(
                EvidenceKind::PensionCertificate,
                d(2026, 2, 1),
                Some(d(2026, 5, 1)),
            )]),
            want: vec![(
                Subject::Provider,
                NotMet,
                R::EvidenceMissing {
                    evidence: EvidenceKind::TaxCertificate,
                },
            )],
        },
        // ---- CriminalRecord ----
        Case {
            what: "criminal record: shown and missing",
            rule: Rule::CriminalRecord,
            given: roster(vec![
                worker("Helmi Testinen").record_checked(d(2025, 8, 20)),
                responsible("Saara Malli"),
            ]),
            want: vec![
                (
                    w(1, 2, "Helmi Testinen"),
                    Met,
                    R::CriminalRecordShown { on: d(2025, 8, 20) },
                ),
                (w(2, 2, "Saara Malli"), NotMet, R::CriminalRecordMissing),
            ],
        },
        Case {
            what: "criminal record: empty roster",
            rule: Rule::CriminalRecord,
            given: roster(vec![]),
            want: vec![(
                Subject::Roster,
                CannotEvaluate,
                R::NoOneInRoles { roles: vec![] },
            )],
        },
    ]
}

#[test]
fn evaluate_each_rule() {
    for case in cases() {
        let reqs = [Requirement {
            text: LocalText::fi(case.what),
            rule: case.rule.clone(),
        }];
        let eval = evaluate(&reqs, &case.given.offer());
        assert_eq!(eval.results.len(), 1, "{}", case.what);
        let result = &eval.results[0];
        assert_eq!(result.requirement, 0, "{}", case.what);
        let got: Vec<(Subject, Status, Reason)> = result
            .findings
            .iter()
            .map(|f| (f.subject.clone(), f.status, f.reason.clone()))
            .collect();
        assert_eq!(got, case.want, "{}", case.what);
        assert!(
            result.findings.iter().all(|f| f.requirement == 0),
            "{}",
            case.what
        );
        let worst = case
            .want
            .iter()
            .map(|(_, s, _)| *s)
            .max()
            .unwrap_or(Status::Met);
        assert_eq!(result.status, worst, "{}", case.what);
        assert_eq!(eval.overall(), worst, "{}", case.what);
    }
}

#[test]
fn the_table_covers_every_rule_kind() {
    let covered: BTreeSet<&str> = cases().iter().map(|c| c.rule.kind_code()).collect();
    let all: BTreeSet<&str> = [
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
    ]
    .into_iter()
    .collect();
    assert_eq!(covered, all);
}

#[test]
fn findings_carry_their_requirement_index() {
    let g = roster(vec![worker("Helmi Testinen").supervised(Some(true))]);
    let reqs = [
        Requirement {
            text: LocalText::fi("Työnohjaus"),
            rule: Rule::Supervision,
        },
        Requirement {
            text: LocalText::fi("Rikostaustaote"),
            rule: Rule::CriminalRecord,
        },
    ];
    let eval = evaluate(&reqs, &g.offer());
    let idx: Vec<(usize, Vec<usize>)> = eval
        .results
        .iter()
        .map(|r| {
            (
                r.requirement,
                r.findings.iter().map(|f| f.requirement).collect(),
            )
        })
        .collect();
    assert_eq!(idx, vec![(0, vec![0]), (1, vec![1])]);
    assert_eq!(eval.count(Status::Met), 1);
    assert_eq!(eval.count(Status::NotMet), 1);
    assert_eq!(eval.overall(), Status::NotMet);
}

#[test]
fn overall_takes_the_worst_status() {
    use Status::*;
    let cases: &[(&[Status], Status)] = &[
        (&[], Met),
        (&[Met], Met),
        (&[Met, Met], Met),
        (&[Met, ManualReview], ManualReview),
        (&[ManualReview, Met], ManualReview),
        (&[ManualReview, CannotEvaluate], CannotEvaluate),
        (&[CannotEvaluate, ManualReview, Met], CannotEvaluate),
        (&[CannotEvaluate, NotMet], NotMet),
        (&[NotMet, CannotEvaluate, ManualReview, Met], NotMet),
        (&[Met, ManualReview, CannotEvaluate, NotMet], NotMet),
    ];
    for (statuses, want) in cases {
        let eval = Evaluation {
            results: statuses
                .iter()
                .enumerate()
                .map(|(i, s)| RequirementResult {
                    requirement: i,
                    status: *s,
                    findings: Vec::new(),
                })
                .collect(),
        };
        assert_eq!(eval.overall(), *want, "{statuses:?}");
        for s in [Met, ManualReview, CannotEvaluate, NotMet] {
            let n = statuses.iter().filter(|x| **x == s).count();
            assert_eq!(eval.count(s), n, "{statuses:?} count {s:?}");
        }
    }
}

/// Tehostettu perhetyö as a lot might state it: a social-care degree (or another higher degree
/// and competence a person judges), two years of child welfare for everyone doing the work,
/// management experience for larger providers, and supervision.
#[test]
fn intensive_family_work_with_one_worker_short_of_experience() {
    let reqs = [
        Requirement {
            text: LocalText::fi("Sosionomi (AMK) tai sosiaaliohjaaja"),
            rule: Rule::Degree {
                roles: vec![StaffRole::ResponsiblePerson, StaffRole::Worker],
                any_of: vec![Degree::SocialUas, Degree::SocialCollege],
                alternative: higher_judged(),
            },
        },
        Requirement {
            text: LocalText::fi("Vähintään kahden vuoden kokemus lastensuojelutyöstä"),
            rule: Rule::Experience {
                roles: vec![StaffRole::ResponsiblePerson, StaffRole::Worker],
                areas: vec![Area::ChildWelfare],
                min_months: 24,
            },
        },
        Requirement {
            text: LocalText::fi("Vastuuhenkilöllä johtamiskokemusta"),
            rule: Rule::ResponsibleManagement {
                more_than_employees: 3,
                min_months: 12,
            },
        },
        Requirement {
            text: LocalText::fi("Työnohjaus"),
            rule: Rule::Supervision,
        },
    ];
    let given = provider(
        Some(8),
        vec![
            responsible("Saara Malli")
                .degree("Sosionomi (AMK)")
                .months(Area::ChildWelfare, 60)
                .months(Area::Management, 36)
                .supervised(Some(true)),
            worker("Oona Esimerkki")
                .degree("sosiaaliohjaaja")
                .months(Area::ChildWelfare, 12)
                .supervised(Some(true)),
            worker("Veikko Kuvitelma")
                .degree("socionom YH")
                .months(Area::ChildWelfare, 30)
                .supervised(Some(true)),
        ],
    );
    let eval = evaluate(&reqs, &given.offer());

    let statuses: Vec<Status> = eval.results.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        vec![Status::Met, Status::NotMet, Status::Met, Status::Met]
    );
    assert_eq!(eval.overall(), Status::NotMet);

    let not_met: Vec<_> = eval
        .results
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.status != Status::Met)
        .collect();
    assert_eq!(not_met.len(), 1, "{not_met:?}");
    let f = not_met[0];
    assert_eq!(f.requirement, 1);
    assert_eq!(f.status, Status::NotMet);
    assert_eq!(f.subject, w(2, 3, "Oona Esimerkki"));
    assert_eq!(
        f.reason,
        Reason::ExperienceShort {
            months: 12,
            needed: 24,
            areas: vec![Area::ChildWelfare],
        }
    );
    // Every requirement about people speaks of all three, in roster order.
    let experience_subjects: Vec<&Subject> = eval.results[1]
        .findings
        .iter()
        .map(|f| &f.subject)
        .collect();
    assert_eq!(
        experience_subjects,
        vec![
            &w(1, 3, "Saara Malli"),
            &w(2, 3, "Oona Esimerkki"),
            &w(3, 3, "Veikko Kuvitelma"),
        ]
    );
    assert_eq!(
        eval.results[2].findings[0].reason,
        Reason::ManagementEnough {
            months: 36,
            needed: 12
        }
    );
}

/// Was a bug: the degree alternative's experience treats an area that was not told as zero
/// (`months_in(..).unwrap_or(0)`), so a nurse whose child-welfare experience is unknown gets
/// `NotMet` / `DegreeNotAccepted`, where missing data should give `CannotEvaluate`.
#[test]
fn degree_alternative_with_unknown_experience_cannot_be_evaluated() {
    let given = roster(vec![worker("Helmi Testinen").degree("Sairaanhoitaja (AMK)")]);
    let reqs = [Requirement {
        text: LocalText::fi("Sosionomi tai sairaanhoitaja ja kaksi vuotta lastensuojelua"),
        rule: social_degree(nurse_with_experience(vec![Area::ChildWelfare])),
    }];
    let eval = evaluate(&reqs, &given.offer());
    assert_eq!(eval.results[0].status, Status::CannotEvaluate);
}
