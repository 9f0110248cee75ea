//! Registers of people a region shares (seed 002, Länsi-Pohja): the expert ring, family group
//! conference conveners (who gave a written consent), work supervisors, mentors, and the
//! register of foster and support families, whose controller is an NGO (Pelastakaa Lapset ry).
//!
//! Each register names its controller, purpose, legal basis, fields, whether it rests on the
//! person's consent, how long an entry is kept after it ends, and who may read it: named roles
//! of named organisations (need to know). The controller's keepers add and change entries. The
//! persons in a register see and correct their own entry, and withdraw their consent, with a
//! personal code the keeper hands them; a withdrawn entry keeps only what shows the consent
//! was given and withdrawn.

use crate::org::{Actor, Role};
use crate::validate::FieldErrors;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// The kinds of register seed 002 names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegisterKind {
    /// Asiantuntijarengas: experts the region's workers may consult.
    Experts,
    /// Läheisneuvonpidon koollekutsujat: family group conference conveners.
    ConferenceConveners,
    /// Työnohjaajarekisteri: work supervisors.
    WorkSupervisors,
    /// Mentors for new social workers.
    Mentors,
    /// Sijais- ja tukiperheet: foster and support families.
    FosterFamilies,
}

impl RegisterKind {
    pub const ALL: [RegisterKind; 5] = [
        RegisterKind::Experts,
        RegisterKind::ConferenceConveners,
        RegisterKind::WorkSupervisors,
        RegisterKind::Mentors,
        RegisterKind::FosterFamilies,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RegisterKind::Experts => "experts",
            RegisterKind::ConferenceConveners => "conference_conveners",
            RegisterKind::WorkSupervisors => "work_supervisors",
            RegisterKind::Mentors => "mentors",
            RegisterKind::FosterFamilies => "foster_families",
        }
    }

    pub fn parse(s: &str) -> Option<RegisterKind> {
        RegisterKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The fields an entry of this register has, in the order the form shows them; the name,
    /// the languages and the municipalities served are in every register.
    pub fn fields(self) -> &'static [EntryField] {
        use EntryField::*;
        match self {
            RegisterKind::Experts => &[Profession, Organisation, Expertise, Email, Phone],
            RegisterKind::ConferenceConveners => &[Qualification, Email, Phone],
            RegisterKind::WorkSupervisors => &[Qualification, Expertise, Email, Phone],
            RegisterKind::Mentors => &[Profession, Organisation, Expertise, Email, Phone],
            RegisterKind::FosterFamilies => &[FamilyKind, Capacity, Qualification, Phone],
        }
    }
}

/// A field of an entry beyond its name, languages and areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryField {
    Profession,
    Organisation,
    /// Areas of expertise or working methods, in words.
    Expertise,
    /// The training that qualifies: the convener's, the supervisor's, the family's.
    Qualification,
    Email,
    Phone,
    /// Foster family, support family, or both.
    FamilyKind,
    /// How many children a family can take.
    Capacity,
}

impl EntryField {
    pub fn code(self) -> &'static str {
        match self {
            EntryField::Profession => "profession",
            EntryField::Organisation => "organisation",
            EntryField::Expertise => "expertise",
            EntryField::Qualification => "qualification",
            EntryField::Email => "email",
            EntryField::Phone => "phone",
            EntryField::FamilyKind => "family_kind",
            EntryField::Capacity => "capacity",
        }
    }
}

/// The languages an entry may name, as ISO 639-1 codes: the national languages, Sámi and
/// English, and a few the region's families speak.
pub const LANGUAGES: [&str; 8] = ["fi", "sv", "se", "en", "ru", "et", "ar", "so"];

/// The names a language goes by in Finnish, Swedish and English, for the search: "ruotsi"
/// finds a work supervisor who speaks Swedish.
pub fn language_names(code: &str) -> &'static str {
    match code {
        "fi" => "suomi finska finnish",
        "sv" => "ruotsi svenska swedish",
        "se" => "saame saamelainen samiska sámi sami",
        "en" => "englanti engelska english",
        "ru" => "venäjä ryska russian",
        "et" => "viro estniska estonian",
        "ar" => "arabia arabiska arabic",
        "so" => "somali somaliska somali",
        _ => "",
    }
}

/// Who may read a register besides its keepers: roles of one organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub org: Uuid,
    pub org_name: String,
    pub roles: Vec<Role>,
}

/// A register's definition, kept by its controller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    pub kind: RegisterKind,
    pub name: String,
    /// The controller (rekisterinpitäjä): a municipality, or an NGO for the families.
    pub controller: Uuid,
    pub controller_name: String,
    pub purpose: String,
    /// The legal basis of the processing, in words (consent, a task in the public interest
    /// under an agreement between municipalities, …).
    pub legal_basis: String,
    /// Whether an entry rests on the person's own written consent.
    pub consent_required: bool,
    /// Years an entry is kept after it ended (the person left, or withdrew the consent).
    pub retention_years: u32,
    pub grants: Vec<Grant>,
}

impl Register {
    /// Whether a grant names the actor's organisation and one of its roles.
    pub fn named(&self, actor: &Actor) -> bool {
        self.grants
            .iter()
            .any(|g| g.org == actor.org_id && actor.roles.iter().any(|r| g.roles.contains(r)))
    }
}

/// The roles that keep a register in the controller's organisation.
pub fn keeper_role(actor: &Actor) -> bool {
    if actor.org_kind.is_purchaser() {
        actor.has(Role::PurchaserAdmin) || actor.has(Role::LeadingSocialWorker)
    } else {
        actor.has(Role::ProviderSignatory) || actor.has(Role::ServiceManager)
    }
}

/// The person's consent, where the register rests on one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub given_on: NaiveDate,
    /// Where the signed consent is kept ("paper form in the Tornio archive, 12/2025").
    pub document: String,
    pub withdrawn_on: Option<NaiveDate>,
}

/// One person or family in a register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    /// ISO 639-1 codes from [`LANGUAGES`].
    pub languages: Vec<String>,
    /// The municipalities the person works in or the family lives in.
    pub areas: Vec<String>,
    pub profession: String,
    pub organisation: String,
    pub expertise: String,
    pub qualification: String,
    pub email: String,
    pub phone: String,
    pub family_kind: String,
    pub capacity: Option<u32>,
    pub consent: Option<Consent>,
    /// The day the entry ended (the person left the register, or withdrew the consent); it is
    /// kept for the register's retention period after it.
    pub ended_on: Option<NaiveDate>,
}

impl Entry {
    pub fn active(&self) -> bool {
        self.ended_on.is_none()
    }

    /// The day the entry may be destroyed: the register's retention after it ended.
    pub fn remove_after(&self, register: &Register) -> Option<NaiveDate> {
        self.ended_on
            .and_then(|d| d.checked_add_months(chrono::Months::new(register.retention_years * 12)))
    }

    /// The words a search finds the entry by, with each language's names.
    pub fn search_text(&self) -> String {
        let mut t = vec![
            self.name.clone(),
            self.areas.join(" "),
            self.profession.clone(),
            self.organisation.clone(),
            self.expertise.clone(),
            self.qualification.clone(),
            self.family_kind.clone(),
        ];
        for l in &self.languages {
            t.push(language_names(l).to_owned());
        }
        t.join(" ")
    }

    pub fn stems(&self) -> BTreeSet<String> {
        crate::search::stems(&self.search_text())
    }

    /// What is kept of an entry whose consent was withdrawn: the name, and the consent with
    /// its withdrawal, which show why the entry existed and that it ended.
    pub fn withdrawn(&self, on: NaiveDate) -> Entry {
        Entry {
            name: self.name.clone(),
            languages: Vec::new(),
            areas: Vec::new(),
            profession: String::new(),
            organisation: String::new(),
            expertise: String::new(),
            qualification: String::new(),
            email: String::new(),
            phone: String::new(),
            family_kind: String::new(),
            capacity: None,
            consent: self.consent.clone().map(|c| Consent {
                withdrawn_on: Some(on),
                ..c
            }),
            ended_on: Some(on),
        }
    }
}

/// An entry as typed.
#[derive(Debug, Clone, Default)]
pub struct EntryForm {
    pub name: String,
    pub languages: Vec<String>,
    /// Comma- or line-separated.
    pub areas: String,
    pub profession: String,
    pub organisation: String,
    pub expertise: String,
    pub qualification: String,
    pub email: String,
    pub phone: String,
    pub family_kind: String,
    pub capacity: String,
    pub consent_given_on: String,
    pub consent_document: String,
}

/// The family kinds of the foster and support families' register.
pub const FAMILY_KINDS: [&str; 3] = ["foster", "support", "both"];

impl EntryForm {
    pub fn of(e: &Entry) -> EntryForm {
        EntryForm {
            name: e.name.clone(),
            languages: e.languages.clone(),
            areas: e.areas.join(", "),
            profession: e.profession.clone(),
            organisation: e.organisation.clone(),
            expertise: e.expertise.clone(),
            qualification: e.qualification.clone(),
            email: e.email.clone(),
            phone: e.phone.clone(),
            family_kind: e.family_kind.clone(),
            capacity: e.capacity.map(|c| c.to_string()).unwrap_or_default(),
            consent_given_on: e
                .consent
                .as_ref()
                .map(|c| c.given_on.to_string())
                .unwrap_or_default(),
            consent_document: e
                .consent
                .as_ref()
                .map(|c| c.document.clone())
                .unwrap_or_default(),
        }
    }

    /// Reads the form into an entry of `register`: the fields the register has, each checked;
    /// a register that rests on consent requires the day it was given and where it is kept,
    /// not in the future (`today`). `keep_consent` is the consent already on record, which a
    /// person correcting their own entry cannot change.
    pub fn read(
        &self,
        register: &Register,
        today: NaiveDate,
        keep_consent: Option<&Consent>,
    ) -> Result<Entry, FieldErrors> {
        let mut e = FieldErrors::default();
        let fields = register.kind.fields();
        let has = |f: EntryField| fields.contains(&f);
        let name = e.required("name", &self.name, 200);
        let mut languages: Vec<String> = Vec::new();
        for l in &self.languages {
            let l = l.trim();
            if !LANGUAGES.contains(&l) {
                e.add("languages", "language-unknown");
            } else if !languages.iter().any(|x| x == l) {
                languages.push(l.to_owned());
            }
        }
        if languages.is_empty() {
            e.add("languages", "required");
        }
        let areas: Vec<String> = self
            .areas
            .split([',', '\n', ';'])
            .map(|a| a.trim().chars().take(100).collect::<String>())
            .filter(|a| !a.is_empty())
            .take(40)
            .collect();
        if areas.is_empty() {
            e.add("areas", "required");
        }
        let text = |e: &mut FieldErrors, f: EntryField, value: &str, max: usize| {
            if has(f) {
                e.optional(f.code(), value, max)
            } else {
                String::new()
            }
        };
        let profession = text(&mut e, EntryField::Profession, &self.profession, 200);
        let organisation = text(&mut e, EntryField::Organisation, &self.organisation, 200);
        let expertise = text(&mut e, EntryField::Expertise, &self.expertise, 2000);
        let qualification = text(&mut e, EntryField::Qualification, &self.qualification, 500);
        let email = if has(EntryField::Email) {
            e.email("email", &self.email, false)
        } else {
            String::new()
        };
        let phone = text(&mut e, EntryField::Phone, &self.phone, 40);
        let family_kind = if has(EntryField::FamilyKind) {
            let k = self.family_kind.trim();
            if !FAMILY_KINDS.contains(&k) {
                e.add("family_kind", "required");
            }
            k.to_owned()
        } else {
            String::new()
        };
        let capacity = if has(EntryField::Capacity) {
            match self.capacity.trim().parse::<u32>() {
                Ok(c) if (1..=10).contains(&c) => Some(c),
                _ => {
                    e.add("capacity", "capacity-range");
                    None
                }
            }
        } else {
            None
        };
        let consent = match keep_consent {
            Some(c) => Some(c.clone()),
            None if register.consent_required => {
                let given = crate::staff::parse_date(&self.consent_given_on);
                match given {
                    None if self.consent_given_on.trim().is_empty() => {
                        e.add("consent_given_on", "consent-required")
                    }
                    None => e.add("consent_given_on", "date-format"),
                    Some(d) if d > today => e.add("consent_given_on", "date-in-future"),
                    Some(_) => {}
                }
                let document = e.optional("consent_document", &self.consent_document, 300);
                if document.is_empty() {
                    e.add("consent_document", "consent-required");
                }
                given.map(|given_on| Consent {
                    given_on,
                    document,
                    withdrawn_on: None,
                })
            }
            None => None,
        };
        if !e.is_empty() {
            return Err(e);
        }
        Ok(Entry {
            name,
            languages,
            areas,
            profession,
            organisation,
            expertise,
            qualification,
            email,
            phone,
            family_kind,
            capacity,
            consent,
            ended_on: None,
        })
    }
}
