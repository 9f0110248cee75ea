//! How long a client's documents are kept (Client Data Act 703/2023, 23–24 § and its annex,
//! applied to earlier documents too by 101 § 3 mom). The period follows from the client's
//! service task (palvelutehtävä) and its trigger: the client's death, the closing of the
//! matter, or the birth. When it has run out and no archiving order applies, the documents are
//! destroyed without delay (24 §), and the destruction is logged.
//!
//! The annex's periods this module keeps:
//!
//! | service task | kept | trigger |
//! |---|---|---|
//! | child welfare (lastensuojelu) | 2 years | the client's death; while it is not known, never |
//! | services for families with children (lapsiperheet) | 30 years | the matter closed |
//! | working-age, older people's, substance abuse and disability services | 10 years | the matter closed |
//! | family law services, child matters | 120 years | the birth |
//!
//! The National Archives' order to keep permanently the documents of people born on the 8th,
//! 18th and 28th day of a month (seulontapäätös AL/20064/07.01.01.03.01/2014) is kept as
//! [`permanently_archived`]: their documents are never due.
//!
//! The client's service task is written as the county writes it ("Lastensuojelun avohuolto",
//! "Sosiaalinen kuntoutus"); [`ServiceTask::classify`] reads it. A text it cannot read keeps the
//! documents, and says so.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceTask {
    ChildWelfare,
    FamiliesWithChildren,
    WorkingAge,
    OlderPeople,
    SubstanceAbuse,
    Disability,
    FamilyLaw,
}

/// What starts the retention period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Death,
    Closure,
    Birth,
}

impl Trigger {
    pub fn code(self) -> &'static str {
        match self {
            Trigger::Death => "death",
            Trigger::Closure => "closure",
            Trigger::Birth => "birth",
        }
    }
}

impl ServiceTask {
    pub const ALL: [ServiceTask; 7] = [
        ServiceTask::ChildWelfare,
        ServiceTask::FamiliesWithChildren,
        ServiceTask::WorkingAge,
        ServiceTask::OlderPeople,
        ServiceTask::SubstanceAbuse,
        ServiceTask::Disability,
        ServiceTask::FamilyLaw,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ServiceTask::ChildWelfare => "child_welfare",
            ServiceTask::FamiliesWithChildren => "families_with_children",
            ServiceTask::WorkingAge => "working_age",
            ServiceTask::OlderPeople => "older_people",
            ServiceTask::SubstanceAbuse => "substance_abuse",
            ServiceTask::Disability => "disability",
            ServiceTask::FamilyLaw => "family_law",
        }
    }

    /// The annex's period: years after the trigger.
    pub fn rule(self) -> (u32, Trigger) {
        match self {
            ServiceTask::ChildWelfare => (2, Trigger::Death),
            ServiceTask::FamiliesWithChildren => (30, Trigger::Closure),
            ServiceTask::WorkingAge
            | ServiceTask::OlderPeople
            | ServiceTask::SubstanceAbuse
            | ServiceTask::Disability => (10, Trigger::Closure),
            ServiceTask::FamilyLaw => (120, Trigger::Birth),
        }
    }

    /// Reads a service task as written: its code, or the words the annex and the counties use
    /// for it in Finnish, Swedish or English. Child welfare is looked for before families with
    /// children, since "lastensuojelun avohuolto" concerns a family too.
    pub fn classify(text: &str) -> Option<ServiceTask> {
        let t = text.trim().to_lowercase();
        if t.is_empty() {
            return None;
        }
        if let Some(s) = Self::ALL.into_iter().find(|s| s.code() == t) {
            return Some(s);
        }
        let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
        let order: [(ServiceTask, &[&str]); 7] = [
            (
                ServiceTask::ChildWelfare,
                &["lastensuojelu", "barnskydd", "child welfare"],
            ),
            (
                ServiceTask::FamilyLaw,
                &[
                    "perheoikeud",
                    "isyy",
                    "huolto- ja tapaamis",
                    "familjerätt",
                    "family law",
                ],
            ),
            (
                ServiceTask::FamiliesWithChildren,
                &[
                    "lapsiperhe",
                    "perhetyö",
                    "kotipalvelu lapsi",
                    "barnfamilj",
                    "families with children",
                ],
            ),
            (
                ServiceTask::SubstanceAbuse,
                &["päihde", "missbruk", "substance"],
            ),
            (
                ServiceTask::Disability,
                &["vammais", "funktionshind", "disabilit"],
            ),
            (
                ServiceTask::OlderPeople,
                &["iäkkä", "ikääntyn", "äldre", "older people"],
            ),
            (
                ServiceTask::WorkingAge,
                &[
                    "työikäis",
                    "aikuissosiaali",
                    "sosiaalinen kuntoutus",
                    "työtoiminta",
                    "personer i arbetsför",
                    "vuxensocial",
                    "social rehabilitation",
                    "working-age",
                    "working age",
                ],
            ),
        ];
        order.into_iter().find(|(_, w)| has(w)).map(|(s, _)| s)
    }
}

/// What the verdict is read from: one client's service task and dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts<'a> {
    pub service_task: &'a str,
    pub birth: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub died_on: Option<NaiveDate>,
}

/// Why the documents are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// The period runs until `until`.
    Running,
    /// The trigger has not happened or is not known (the death of a child-welfare client, the
    /// closing of a matter still open).
    NoTrigger,
    /// The service task is not one the annex names, as written.
    UnknownTask,
    /// Kept permanently by the National Archives' order.
    Archived,
}

impl Keep {
    pub fn code(self) -> &'static str {
        match self {
            Keep::Running => "running",
            Keep::NoTrigger => "no_trigger",
            Keep::UnknownTask => "unknown_task",
            Keep::Archived => "archived",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Due for destruction since `since`, by the task's rule from the trigger on `from`.
    Due {
        task: ServiceTask,
        trigger: Trigger,
        from: NaiveDate,
        since: NaiveDate,
    },
    Kept {
        why: Keep,
        task: Option<ServiceTask>,
        until: Option<NaiveDate>,
    },
}

/// Born on the 8th, 18th or 28th day of a month: kept permanently.
pub fn permanently_archived(birth: NaiveDate) -> bool {
    matches!(birth.day(), 8 | 18 | 28)
}

/// The verdict on one client's documents on `today`.
pub fn verdict(f: &Facts<'_>, today: NaiveDate) -> Verdict {
    let task = ServiceTask::classify(f.service_task);
    if permanently_archived(f.birth) {
        return Verdict::Kept {
            why: Keep::Archived,
            task,
            until: None,
        };
    }
    let Some(task) = task else {
        return Verdict::Kept {
            why: Keep::UnknownTask,
            task: None,
            until: None,
        };
    };
    let (years, trigger) = task.rule();
    let from = match trigger {
        Trigger::Death => f.died_on,
        Trigger::Closure => f.closed_on,
        Trigger::Birth => Some(f.birth),
    };
    let Some(from) = from else {
        return Verdict::Kept {
            why: Keep::NoTrigger,
            task: Some(task),
            until: None,
        };
    };
    let until = from
        .checked_add_months(Months::new(years * 12))
        .unwrap_or(NaiveDate::MAX);
    if today > until {
        Verdict::Due {
            task,
            trigger,
            from,
            since: until,
        }
    } else {
        Verdict::Kept {
            why: Keep::Running,
            task: Some(task),
            until: Some(until),
        }
    }
}
