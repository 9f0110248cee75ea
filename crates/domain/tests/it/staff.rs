//! Staff register: degree classification as people write degrees, the staff form, and years
//! typed as text. All people here are made up.

// A failing unwrap is exactly how a test should fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::locale::Lang;
use domain::staff::{
    classify_degree, format_years, parse_date, parse_years, Area, Degree, StaffForm, StaffMember,
    StaffRole, Training,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 3, 2)
}

#[test]
fn classify_degree_in_three_languages() {
    use Degree::*;
    let cases: &[(&str, Option<Degree>)] = &[
        // Finnish
        ("Sosionomi (AMK)", Some(SocialUas)),
        ("sosionomi", Some(SocialUas)),
        ("Sosiaalialan AMK-tutkinto", Some(SocialUas)),
        ("sosiaaliohjaaja", Some(SocialCollege)),
        ("Sosiaalikasvattaja", Some(SocialCollege)),
        ("Kehitysvammaohjaaja", Some(SocialCollege)),
        ("Lähihoitaja", Some(SocialHealthVocational)),
        ("LÄHIHOITAJA", Some(SocialHealthVocational)),
        ("sairaanhoitaja AMK", Some(HealthUas)),
        ("Terveydenhoitaja (AMK)", Some(HealthUas)),
        ("YTM, sosiaalityö", Some(SocialWorkMaster)),
        ("Laillistettu sosiaalityöntekijä", Some(SocialWorkMaster)),
        ("Psykologian maisteri, psykologi", Some(Psychologist)),
        ("Yhteisöpedagogi (AMK)", Some(EducationUas)),
        ("Varhaiskasvatuksen opettaja", Some(EducationUas)),
        ("Kasvatustieteen maisteri", Some(EducationUas)),
        ("Filosofian maisteri", Some(OtherHigher)),
        ("Tradenomi (AMK)", Some(OtherHigher)),
        ("Insinööri AMK", Some(OtherHigher)),
        ("Hallintotieteiden kandidaatti", Some(OtherHigher)),
        // Swedish
        ("socionom YH", Some(SocialUas)),
        ("Socionom (YH)", Some(SocialUas)),
        ("Närvårdare", Some(SocialHealthVocational)),
        ("Sjukskötare (YH)", Some(HealthUas)),
        ("Hälsovårdare", Some(HealthUas)),
        ("Samhällspedagog (YH)", Some(EducationUas)),
        ("Psykolog", Some(Psychologist)),
        ("Socialarbetare", Some(SocialWorkMaster)),
        ("Politices magister", Some(OtherHigher)),
        ("Tradenom (YH)", Some(OtherHigher)),
        // English
        ("Bachelor of Social Services", Some(SocialUas)),
        ("Master of Social Work", Some(SocialWorkMaster)),
        ("Registered Nurse", Some(HealthUas)),
        ("Practical nurse", Some(SocialHealthVocational)),
        ("Psychologist", Some(Psychologist)),
        ("Community Educator", Some(EducationUas)),
        ("Bachelor of Business Administration", Some(OtherHigher)),
        ("Master of Arts", Some(OtherHigher)),
        // Unreadable: a person decides.
        ("kokki", None),
        ("Diakoni", None),
        ("Tradenom YH", None),
        ("", None),
        ("   ", None),
    ];
    for (text, want) in cases {
        assert_eq!(classify_degree(text), *want, "{text:?}");
    }
}

#[test]
fn only_vocational_is_not_higher_education() {
    for d in Degree::ALL {
        assert_eq!(
            d.is_higher_education(),
            d != Degree::SocialHealthVocational,
            "{d:?}"
        );
    }
}

fn good_form() -> StaffForm {
    StaffForm {
        name: "  Helmi Testinen ".into(),
        role: "worker".into(),
        degrees: "Sosionomi (AMK)\n\n  Lähihoitaja  \n".into(),
        experience: BTreeMap::from([
            (Area::ChildWelfare, "2".into()),
            (Area::ChildrenAndFamilies, "1,5".into()),
            (Area::DemandingClientWork, "  ".into()),
            (Area::Management, "0.5".into()),
        ]),
        trainings: vec!["neuropsychiatric_coach".into(), "management".into()],
        other_training: "  Ratkaisukeskeinen työote  ".into(),
        languages: vec!["fi".into(), "sv-FI".into()],
        supervision: "yes".into(),
        criminal_record_checked_on: "15.1.2026".into(),
    }
}

#[test]
fn staff_form_happy_path() {
    let m = good_form().validate(today()).unwrap();
    assert_eq!(
        m,
        StaffMember {
            name: "Helmi Testinen".into(),
            role: StaffRole::Worker,
            degrees: vec!["Sosionomi (AMK)".into(), "Lähihoitaja".into()],
            // The blank area stays absent (unknown), not zero.
            experience: BTreeMap::from([
                (Area::ChildWelfare, 24),
                (Area::ChildrenAndFamilies, 18),
                (Area::Management, 6),
            ]),
            trainings: vec![Training::NeuropsychiatricCoach, Training::Management],
            other_training: "Ratkaisukeskeinen työote".into(),
            languages: vec![Lang::Fi, Lang::Sv],
            supervision: Some(true),
            criminal_record_checked_on: Some(d(2026, 1, 15)),
        }
    );
    assert_eq!(m.unknown_degrees(), Vec::<&str>::new());
}

#[test]
fn staff_form_round_trips_through_from_member() {
    let m = good_form().validate(today()).unwrap();
    let again = StaffForm::from_member(&m).validate(today()).unwrap();
    assert_eq!(again, m);
}

/// One field changed from the good form, and what it becomes.
#[test]
fn staff_form_fields_parse() {
    type Edit = fn(&mut StaffForm);
    type Check = fn(&StaffMember) -> bool;
    let cases: &[(&str, Edit, Check)] = &[
        (
            "role responsible_person",
            |f| f.role = " responsible_person ".into(),
            |m| m.role == StaffRole::ResponsiblePerson,
        ),
        (
            "years 1,5 -> 18 months",
            |f| {
                f.experience.insert(Area::ChildWelfare, "1,5".into());
            },
            |m| m.experience.get(&Area::ChildWelfare) == Some(&18),
        ),
        (
            "years 0 is told, not absent",
            |f| {
                f.experience.insert(Area::ChildWelfare, "0".into());
            },
            |m| m.experience.get(&Area::ChildWelfare) == Some(&0),
        ),
        (
            "blank years stay absent",
            |f| {
                f.experience.insert(Area::ChildWelfare, String::new());
            },
            |m| !m.experience.contains_key(&Area::ChildWelfare),
        ),
        (
            "supervision yes",
            |f| f.supervision = "yes".into(),
            |m| m.supervision == Some(true),
        ),
        (
            "supervision no",
            |f| f.supervision = " no ".into(),
            |m| m.supervision == Some(false),
        ),
        (
            "supervision blank",
            |f| f.supervision = String::new(),
            |m| m.supervision.is_none(),
        ),
        (
            "criminal record ISO date",
            |f| f.criminal_record_checked_on = "2026-01-15".into(),
            |m| m.criminal_record_checked_on == Some(d(2026, 1, 15)),
        ),
        (
            "criminal record d.m.yyyy with zeros",
            |f| f.criminal_record_checked_on = "05.01.2026".into(),
            |m| m.criminal_record_checked_on == Some(d(2026, 1, 5)),
        ),
        (
            "criminal record today is not in the future",
            |f| f.criminal_record_checked_on = "2.3.2026".into(),
            |m| m.criminal_record_checked_on == Some(today()),
        ),
        (
            "criminal record blank",
            |f| f.criminal_record_checked_on = " ".into(),
            |m| m.criminal_record_checked_on.is_none(),
        ),
        (
            "no degrees",
            |f| f.degrees = "\n \n".into(),
            |m| m.degrees.is_empty(),
        ),
        (
            "unknown degree text is kept",
            |f| f.degrees = "Diakoni".into(),
            |m| m.degrees == ["Diakoni"] && m.unknown_degrees() == ["Diakoni"],
        ),
    ];
    for (what, edit, check) in cases {
        let mut f = good_form();
        edit(&mut f);
        let m = f
            .validate(today())
            .unwrap_or_else(|e| panic!("{what}: {e:?}"));
        assert!(check(&m), "{what}: {m:?}");
    }
}

#[test]
fn staff_form_errors() {
    type Edit = fn(&mut StaffForm);
    type Want = &'static [(&'static str, &'static str)];
    let cases: &[(&str, Edit, Want)] = &[
        (
            "missing name",
            |f| f.name = "  ".into(),
            &[("name", "required")],
        ),
        (
            "name too long",
            |f| f.name = "a".repeat(201),
            &[("name", "too-long")],
        ),
        (
            "missing role",
            |f| f.role = String::new(),
            &[("role", "required")],
        ),
        (
            "unknown role",
            |f| f.role = "boss".into(),
            &[("role", "invalid-choice")],
        ),
        (
            "years abc",
            |f| {
                f.experience.insert(Area::ChildWelfare, "abc".into());
            },
            &[("exp_child_welfare", "years-invalid")],
        ),
        (
            "negative years",
            |f| {
                f.experience.insert(Area::Management, "-1".into());
            },
            &[("exp_management", "years-invalid")],
        ),
        (
            "more than 60 years",
            |f| {
                f.experience.insert(Area::DemandingClientWork, "61".into());
            },
            &[("exp_demanding_client_work", "years-invalid")],
        ),
        (
            "unknown training",
            |f| f.trainings.push("juggling".into()),
            &[("trainings", "invalid-choice")],
        ),
        (
            "unknown language",
            |f| f.languages.push("de".into()),
            &[("languages", "invalid-choice")],
        ),
        (
            "supervision maybe",
            |f| f.supervision = "maybe".into(),
            &[("supervision", "invalid-choice")],
        ),
        (
            "criminal record date in the future",
            |f| f.criminal_record_checked_on = "3.3.2026".into(),
            &[("criminal_record_checked_on", "date-in-future")],
        ),
        (
            "criminal record no such day",
            |f| f.criminal_record_checked_on = "31.2.2026".into(),
            &[("criminal_record_checked_on", "date-format")],
        ),
        (
            "criminal record slashes",
            |f| f.criminal_record_checked_on = "2026/01/15".into(),
            &[("criminal_record_checked_on", "date-format")],
        ),
        (
            "several at once, in form order",
            |f| {
                f.name = String::new();
                f.role = String::new();
                f.experience.insert(Area::ChildWelfare, "x".into());
                f.experience.insert(Area::Management, "y".into());
                f.supervision = "?".into();
                f.criminal_record_checked_on = "eilen".into();
            },
            &[
                ("name", "required"),
                ("role", "required"),
                ("exp_child_welfare", "years-invalid"),
                ("exp_management", "years-invalid"),
                ("supervision", "invalid-choice"),
                ("criminal_record_checked_on", "date-format"),
            ],
        ),
    ];
    for (what, edit, want) in cases {
        let mut f = good_form();
        edit(&mut f);
        let e = f.validate(today()).expect_err(what);
        let got: Vec<(&str, &str)> =
            e.0.iter()
                .map(|x| (x.field.as_str(), x.code.as_str()))
                .collect();
        assert_eq!(got, *want, "{what}");
    }
}

#[test]
fn parse_years_as_typed() {
    let cases: &[(&str, Option<u32>)] = &[
        ("2", Some(24)),
        ("1,5", Some(18)),
        ("1.5", Some(18)),
        (" 0,5 ", Some(6)),
        ("0", Some(0)),
        ("0,25", Some(3)),
        ("10", Some(120)),
        ("60", Some(720)),
        ("60,1", None),
        ("-1", None),
        ("abc", None),
        ("", None),
        ("1,5 v", None),
        ("NaN", None),
        ("inf", None),
    ];
    for (s, want) in cases {
        assert_eq!(parse_years(s), *want, "{s:?}");
    }
}

#[test]
fn format_years_as_a_form_shows_them() {
    let cases: &[(u32, &str)] = &[
        (0, "0"),
        (12, "1"),
        (24, "2"),
        (18, "1,5"),
        (6, "0,5"),
        (1, "0,08"),
        (4, "0,33"),
        (3, "0,25"),
        (30, "2,5"),
        (720, "60"),
    ];
    for (months, want) in cases {
        assert_eq!(format_years(*months), *want, "{months}");
    }
}

/// What a form shows parses back to the same months.
#[test]
fn format_then_parse_years_round_trips() {
    for months in 0..=720u32 {
        assert_eq!(
            parse_years(&format_years(months)),
            Some(months),
            "{months} -> {:?}",
            format_years(months)
        );
    }
}

/// Was a bug: `format_years` rounds to one decimal, so 3 months shows as "0,2" and saving the
/// form unchanged stores 2 months (9 -> "0,8" -> 10, 15 -> "1,2" -> 14, 21 -> "1,8" -> 22).
#[test]
fn format_years_loses_quarter_years() {
    for months in [3u32, 9, 15, 21] {
        assert_eq!(
            parse_years(&format_years(months)),
            Some(months),
            "{months} -> {:?}",
            format_years(months)
        );
    }
}

#[test]
fn parse_date_in_both_forms() {
    let cases: &[(&str, Option<NaiveDate>)] = &[
        ("2026-01-15", Some(d(2026, 1, 15))),
        ("15.1.2026", Some(d(2026, 1, 15))),
        ("15.01.2026", Some(d(2026, 1, 15))),
        (" 29.2.2024 ", Some(d(2024, 2, 29))),
        ("29.2.2026", None),
        ("2026-13-01", None),
        ("15/1/2026", None),
        ("", None),
    ];
    for (s, want) in cases {
        assert_eq!(parse_date(s), *want, "{s:?}");
    }
}
