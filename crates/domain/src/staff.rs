//! Providers' staff as the requirements of a lot see them: role, degrees, experience per area,
//! extra training, languages and supervision. Degrees are entered as people write them and
//! classified here; text that matches no known degree is kept and sent to a person for review.

use crate::locale::Lang;
use crate::validate::FieldErrors;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The part a person plays in delivering a lot's service.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Palvelusta vastaava henkilö: answers for the service and, in larger providers, leads it.
    ResponsiblePerson,
    /// Palvelua toteuttava työntekijä.
    Worker,
    FamilyTherapist,
    SocialWorker,
}

impl StaffRole {
    pub const ALL: [StaffRole; 4] = [
        StaffRole::ResponsiblePerson,
        StaffRole::Worker,
        StaffRole::FamilyTherapist,
        StaffRole::SocialWorker,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StaffRole::ResponsiblePerson => "responsible_person",
            StaffRole::Worker => "worker",
            StaffRole::FamilyTherapist => "family_therapist",
            StaffRole::SocialWorker => "social_worker",
        }
    }

    pub fn parse(s: &str) -> Option<StaffRole> {
        StaffRole::ALL.into_iter().find(|r| r.code() == s)
    }
}

/// Degrees that the requirements of Finnish social-service procurements name. "Or a
/// corresponding earlier degree" (vastaava aikaisempi tutkinto) is its own code, because a
/// rule may accept it or not.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Degree {
    /// Sosionomi (AMK): bachelor of social services.
    SocialUas,
    /// Sosiaaliohjaaja, sosiaalikasvattaja and other college-level social-care degrees.
    SocialCollege,
    /// Sairaanhoitaja, terveydenhoitaja and other health-care bachelor degrees.
    HealthUas,
    /// Yhteisöpedagogi, varhaiskasvatuksen opettaja and other education or youth-work degrees.
    EducationUas,
    /// A master's degree qualifying a licensed social worker (laillistettu sosiaalityöntekijä).
    SocialWorkMaster,
    /// A psychologist's master's degree.
    Psychologist,
    /// Lähihoitaja: the vocational upper-secondary qualification in social and health care.
    SocialHealthVocational,
    /// Any other university or university-of-applied-sciences degree.
    OtherHigher,
}

impl Degree {
    pub const ALL: [Degree; 8] = [
        Degree::SocialUas,
        Degree::SocialCollege,
        Degree::HealthUas,
        Degree::EducationUas,
        Degree::SocialWorkMaster,
        Degree::Psychologist,
        Degree::SocialHealthVocational,
        Degree::OtherHigher,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Degree::SocialUas => "social_uas",
            Degree::SocialCollege => "social_college",
            Degree::HealthUas => "health_uas",
            Degree::EducationUas => "education_uas",
            Degree::SocialWorkMaster => "social_work_master",
            Degree::Psychologist => "psychologist",
            Degree::SocialHealthVocational => "social_health_vocational",
            Degree::OtherHigher => "other_higher",
        }
    }

    pub fn is_higher_education(self) -> bool {
        !matches!(self, Degree::SocialHealthVocational)
    }
}

/// Words people write for each degree, in Finnish, Swedish and English, most specific first:
/// the first entry whose word the text contains decides.
const DEGREE_WORDS: &[(&str, Degree)] = &[
    ("psykologian kandidaatti", Degree::OtherHigher),
    ("yhteiskuntatieteiden kandidaatti", Degree::OtherHigher),
    ("ytk", Degree::OtherHigher),
    ("sosiaalityöntekijä", Degree::SocialWorkMaster),
    ("sosiaalityö", Degree::SocialWorkMaster),
    ("socialarbetare", Degree::SocialWorkMaster),
    ("social work", Degree::SocialWorkMaster),
    ("psykologi", Degree::Psychologist),
    ("psykolog", Degree::Psychologist),
    ("psychologist", Degree::Psychologist),
    ("sosionomi", Degree::SocialUas),
    ("socionom", Degree::SocialUas),
    ("social services", Degree::SocialUas),
    ("sosiaalialan amk", Degree::SocialUas),
    ("sosiaaliohjaaja", Degree::SocialCollege),
    ("sosiaalikasvattaja", Degree::SocialCollege),
    ("kehitysvammaohjaaja", Degree::SocialCollege),
    ("sosiaalialan opisto", Degree::SocialCollege),
    ("lähihoitaja", Degree::SocialHealthVocational),
    ("närvårdare", Degree::SocialHealthVocational),
    ("practical nurse", Degree::SocialHealthVocational),
    (
        "sosiaali- ja terveysalan perustutkinto",
        Degree::SocialHealthVocational,
    ),
    (
        "sosiaali- ja terveydenhuollon perustutkinto",
        Degree::SocialHealthVocational,
    ),
    ("sairaanhoitaja", Degree::HealthUas),
    ("terveydenhoitaja", Degree::HealthUas),
    ("sjukskötare", Degree::HealthUas),
    ("hälsovårdare", Degree::HealthUas),
    ("registered nurse", Degree::HealthUas),
    ("public health nurse", Degree::HealthUas),
    ("yhteisöpedagogi", Degree::EducationUas),
    ("varhaiskasvatuksen opettaja", Degree::EducationUas),
    ("lastentarhanopettaja", Degree::EducationUas),
    ("kasvatustiet", Degree::EducationUas),
    ("samhällspedagog", Degree::EducationUas),
    ("community educator", Degree::EducationUas),
    ("early childhood", Degree::EducationUas),
    ("(amk)", Degree::OtherHigher),
    (" amk", Degree::OtherHigher),
    ("(yh)", Degree::OtherHigher),
    ("maisteri", Degree::OtherHigher),
    ("kandidaatti", Degree::OtherHigher),
    ("magister", Degree::OtherHigher),
    ("kandidat", Degree::OtherHigher),
    (" master", Degree::OtherHigher),
    (" bachelor", Degree::OtherHigher),
];

/// Classifies a degree as written. `None` means a person must look at it.
pub fn classify_degree(text: &str) -> Option<Degree> {
    let t = format!(" {}", text.trim().to_lowercase());
    DEGREE_WORDS
        .iter()
        .find(|(w, _)| t.contains(w))
        .map(|(_, d)| *d)
}

/// Extra training or qualifications that lots ask for.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Training {
    NeuropsychiatricCoach,
    /// The right from Valvira to use the title of psychotherapist.
    Psychotherapist,
    /// Erityistason perheterapeutin koulutus.
    FamilyTherapist,
    /// An erikoisammattitutkinto suited to the task.
    SpecialistVocational,
    /// Päihdetyön erikoisammattitutkinto.
    SubstanceAbuseSpecialist,
    /// A management degree, within the main degree or after it.
    Management,
    /// Basic university studies in social work, one way to show competence in social welfare.
    SocialWelfareStudies,
}

impl Training {
    pub const ALL: [Training; 7] = [
        Training::NeuropsychiatricCoach,
        Training::Psychotherapist,
        Training::FamilyTherapist,
        Training::SpecialistVocational,
        Training::SubstanceAbuseSpecialist,
        Training::Management,
        Training::SocialWelfareStudies,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Training::NeuropsychiatricCoach => "neuropsychiatric_coach",
            Training::Psychotherapist => "psychotherapist",
            Training::FamilyTherapist => "family_therapist",
            Training::SpecialistVocational => "specialist_vocational",
            Training::SubstanceAbuseSpecialist => "substance_abuse_specialist",
            Training::Management => "management",
            Training::SocialWelfareStudies => "social_welfare_studies",
        }
    }

    pub fn parse(s: &str) -> Option<Training> {
        Training::ALL.into_iter().find(|t| t.code() == s)
    }
}

/// Areas in which work experience is counted.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// Lastensuojelutyö.
    ChildWelfare,
    /// Työ lasten ja perheiden kanssa.
    ChildrenAndFamilies,
    /// Vaativa tai haasteellinen asiakastyö (e.g. substance abuse, severe mental-health problems).
    DemandingClientWork,
    /// Leading a social-care unit.
    Management,
}

impl Area {
    pub const ALL: [Area; 4] = [
        Area::ChildWelfare,
        Area::ChildrenAndFamilies,
        Area::DemandingClientWork,
        Area::Management,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Area::ChildWelfare => "child_welfare",
            Area::ChildrenAndFamilies => "children_and_families",
            Area::DemandingClientWork => "demanding_client_work",
            Area::Management => "management",
        }
    }

    pub fn parse(s: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.code() == s)
    }
}

/// One person on a provider's staff register.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub name: String,
    pub role: StaffRole,
    /// Degrees as written, one per entry.
    pub degrees: Vec<String>,
    /// Months of experience per area. An area that is absent is unknown, not zero.
    pub experience: BTreeMap<Area, u32>,
    pub trainings: Vec<Training>,
    /// Training the list above does not name; a person judges it.
    #[serde(default)]
    pub other_training: String,
    pub languages: Vec<Lang>,
    /// Whether the worker has access to supervision by a trained supervisor; `None` = not told.
    pub supervision: Option<bool>,
    /// For work with children only the date a criminal-record extract was shown is kept, never
    /// the extract (Act 504/2002).
    pub criminal_record_checked_on: Option<NaiveDate>,
}

impl StaffMember {
    /// Degrees that no rule can read, for manual review.
    pub fn unknown_degrees(&self) -> Vec<&str> {
        self.degrees
            .iter()
            .filter(|d| classify_degree(d).is_none())
            .map(String::as_str)
            .collect()
    }
}

/// The staff form as submitted.
#[derive(Debug, Clone, Default)]
pub struct StaffForm {
    pub name: String,
    pub role: String,
    /// One degree per line.
    pub degrees: String,
    /// Years per area as typed ("2", "1,5"); blank means not told.
    pub experience: BTreeMap<Area, String>,
    pub trainings: Vec<String>,
    pub other_training: String,
    pub languages: Vec<String>,
    /// "yes", "no" or blank.
    pub supervision: String,
    pub criminal_record_checked_on: String,
}

/// Parses years as people type them ("2", "1,5", "0.5") into months.
pub fn parse_years(s: &str) -> Option<u32> {
    let s = s.trim().replace(',', ".");
    let y: f64 = s.parse().ok()?;
    if !(0.0..=60.0).contains(&y) || !y.is_finite() {
        return None;
    }
    Some((y * 12.0).round() as u32)
}

/// Parses a date in the Finnish form d.m.yyyy or ISO yyyy-mm-dd.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(s, "%d.%m.%Y").ok())
}

impl StaffForm {
    pub fn from_member(m: &StaffMember) -> StaffForm {
        StaffForm {
            name: m.name.clone(),
            role: m.role.code().to_owned(),
            degrees: m.degrees.join("\n"),
            experience: m
                .experience
                .iter()
                .map(|(a, months)| (*a, format_years(*months)))
                .collect(),
            trainings: m.trainings.iter().map(|t| t.code().to_owned()).collect(),
            other_training: m.other_training.clone(),
            languages: m.languages.iter().map(|l| l.code().to_owned()).collect(),
            supervision: match m.supervision {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            criminal_record_checked_on: m
                .criminal_record_checked_on
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        }
    }

    pub fn validate(&self, today: NaiveDate) -> Result<StaffMember, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = self.name.trim();
        if name.is_empty() {
            e.add("name", "required");
        } else if name.chars().count() > 200 {
            e.add("name", "too-long");
        }
        let role = StaffRole::parse(self.role.trim());
        if self.role.trim().is_empty() {
            e.add("role", "required");
        } else if role.is_none() {
            e.add("role", "invalid-choice");
        }
        let degrees: Vec<String> = self
            .degrees
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        let mut experience = BTreeMap::new();
        for (area, v) in &self.experience {
            if v.trim().is_empty() {
                continue;
            }
            match parse_years(v) {
                Some(m) => {
                    experience.insert(*area, m);
                }
                None => e.add(experience_field(*area), "years-invalid"),
            }
        }
        let mut trainings = Vec::new();
        for t in &self.trainings {
            match Training::parse(t) {
                Some(t) => trainings.push(t),
                None => e.add("trainings", "invalid-choice"),
            }
        }
        let mut languages = Vec::new();
        for l in &self.languages {
            match Lang::parse(l) {
                Some(l) => languages.push(l),
                None => e.add("languages", "invalid-choice"),
            }
        }
        let supervision = match self.supervision.trim() {
            "" => None,
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                e.add("supervision", "invalid-choice");
                None
            }
        };
        let crc = self.criminal_record_checked_on.trim();
        let criminal_record_checked_on = if crc.is_empty() {
            None
        } else {
            match parse_date(crc) {
                Some(d) if d > today => {
                    e.add("criminal_record_checked_on", "date-in-future");
                    None
                }
                Some(d) => Some(d),
                None => {
                    e.add("criminal_record_checked_on", "date-format");
                    None
                }
            }
        };
        if !e.0.is_empty() {
            return Err(e);
        }
        Ok(StaffMember {
            name: name.to_owned(),
            role: role.unwrap_or(StaffRole::Worker),
            degrees,
            experience,
            trainings,
            other_training: self.other_training.trim().to_owned(),
            languages,
            supervision,
            criminal_record_checked_on,
        })
    }
}

/// The form field that holds the years of one area.
pub fn experience_field(area: Area) -> &'static str {
    match area {
        Area::ChildWelfare => "exp_child_welfare",
        Area::ChildrenAndFamilies => "exp_children_and_families",
        Area::DemandingClientWork => "exp_demanding_client_work",
        Area::Management => "exp_management",
    }
}

/// Months as years the way a form shows them: "2", "1,5", "0,25". Two decimals where one is
/// not exact, so that saving an unchanged form gives back the same months.
pub fn format_years(months: u32) -> String {
    if months.is_multiple_of(12) {
        (months / 12).to_string()
    } else if (months * 10).is_multiple_of(12) {
        format!("{:.1}", f64::from(months) / 12.0).replace('.', ",")
    } else {
        format!("{:.2}", f64::from(months) / 12.0).replace('.', ",")
    }
}
