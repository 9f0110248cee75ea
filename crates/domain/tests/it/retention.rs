//! The annex of 703/2023 as rules: each service task's period from its trigger, the
//! permanently archived birthdays, and the free-text service tasks as counties write them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use domain::retention::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

fn facts(task: &str, closed: Option<NaiveDate>, died: Option<NaiveDate>) -> Facts<'_> {
    Facts {
        service_task: task,
        birth: d(2010, 3, 14),
        closed_on: closed,
        died_on: died,
    }
}

#[test]
fn each_task_is_kept_its_period_from_its_trigger() {
    let today = d(2026, 12, 7);
    // Child welfare: two years after death; while the client lives, never.
    let alive = facts("Lastensuojelun avohuolto", Some(d(2000, 1, 1)), None);
    assert_eq!(
        verdict(&alive, today),
        Verdict::Kept {
            why: Keep::NoTrigger,
            task: Some(ServiceTask::ChildWelfare),
            until: None
        }
    );
    let died = facts("lastensuojelu", None, Some(d(2024, 12, 6)));
    assert!(matches!(
        verdict(&died, today),
        Verdict::Due { since, .. } if since == d(2026, 12, 6)
    ));
    // The last day of the period is still kept.
    let died = facts("lastensuojelu", None, Some(d(2024, 12, 7)));
    assert!(matches!(
        verdict(&died, today),
        Verdict::Kept { why: Keep::Running, until: Some(u), .. } if u == d(2026, 12, 7)
    ));
    // Families with children: thirty years after the matter closed.
    let f = facts("Lapsiperheiden kotipalvelu", Some(d(1996, 12, 6)), None);
    assert!(matches!(
        verdict(&f, today),
        Verdict::Due {
            task: ServiceTask::FamiliesWithChildren,
            trigger: Trigger::Closure,
            ..
        }
    ));
    let f = facts("Lapsiperheiden kotipalvelu", Some(d(2000, 1, 1)), None);
    assert!(matches!(
        verdict(&f, today),
        Verdict::Kept { why: Keep::Running, until: Some(u), .. } if u == d(2030, 1, 1)
    ));
    // Working-age services: ten years; not closed, not due.
    let w = facts("Sosiaalinen kuntoutus", Some(d(2014, 5, 31)), None);
    assert_eq!(
        verdict(&w, today),
        Verdict::Due {
            task: ServiceTask::WorkingAge,
            trigger: Trigger::Closure,
            from: d(2014, 5, 31),
            since: d(2024, 5, 31)
        }
    );
    assert!(matches!(
        verdict(&facts("Sosiaalinen kuntoutus", None, None), today),
        Verdict::Kept {
            why: Keep::NoTrigger,
            ..
        }
    ));
    // Family law, child matters: 120 years from the birth.
    let mut fl = facts("perheoikeudelliset palvelut", None, None);
    assert!(matches!(
        verdict(&fl, today),
        Verdict::Kept { why: Keep::Running, until: Some(u), .. } if u == d(2130, 3, 14)
    ));
    fl.birth = d(1900, 3, 14);
    assert!(matches!(verdict(&fl, today), Verdict::Due { .. }));
    // A task the annex does not name keeps the documents, and says so.
    assert!(matches!(
        verdict(&facts("Jotain muuta", Some(d(1990, 1, 1)), None), today),
        Verdict::Kept {
            why: Keep::UnknownTask,
            task: None,
            ..
        }
    ));
}

#[test]
fn people_born_on_the_8th_18th_and_28th_are_kept_permanently() {
    let today = d(2026, 12, 7);
    for day in [8, 18, 28] {
        let f = Facts {
            service_task: "Sosiaalinen kuntoutus",
            birth: d(1970, 1, day),
            closed_on: Some(d(2000, 1, 1)),
            died_on: None,
        };
        assert!(permanently_archived(f.birth));
        assert!(matches!(
            verdict(&f, today),
            Verdict::Kept {
                why: Keep::Archived,
                ..
            }
        ));
    }
    assert!(!permanently_archived(d(1970, 1, 9)));
}

#[test]
fn service_tasks_are_read_as_counties_write_them() {
    for (text, task) in [
        ("Lastensuojelun avohuolto", ServiceTask::ChildWelfare),
        (
            "Tehostettu perhetyö (lastensuojelu)",
            ServiceTask::ChildWelfare,
        ),
        ("barnskyddets öppenvård", ServiceTask::ChildWelfare),
        ("Perhetyö", ServiceTask::FamiliesWithChildren),
        ("Lapsiperheiden palvelut", ServiceTask::FamiliesWithChildren),
        ("Sosiaalinen kuntoutus", ServiceTask::WorkingAge),
        ("Työikäisten palvelut", ServiceTask::WorkingAge),
        ("Päihdehuolto", ServiceTask::SubstanceAbuse),
        ("Vammaispalvelut", ServiceTask::Disability),
        ("Iäkkäiden palvelut", ServiceTask::OlderPeople),
        ("Perheoikeudelliset palvelut", ServiceTask::FamilyLaw),
        ("working_age", ServiceTask::WorkingAge),
    ] {
        assert_eq!(ServiceTask::classify(text), Some(task), "{text}");
    }
    assert_eq!(ServiceTask::classify(""), None);
    assert_eq!(ServiceTask::classify("Kuljetuspalvelu"), None);
}
