//! Visits: the hard rules (backdating window, closed periods, the commitment's period) and the
//! checks that flag for a person to judge.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, NaiveTime};
use domain::validate::{FieldError, FieldErrors};
use domain::visit::{
    accepted_by_default, admissible, check, earliest_allowed, may_confirm_own, week_of,
    ConfirmationState, Flag, Limits, Refusal, Visit, VisitForm, VisitKind, VisitStatus,
};
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

const W1: Uuid = Uuid::from_u128(1);
const W2: Uuid = Uuid::from_u128(2);
const STRANGER: Uuid = Uuid::from_u128(3);

fn visit(date: NaiveDate, start: NaiveTime, end: NaiveTime, kind: VisitKind) -> Visit {
    Visit {
        commitment: Uuid::from_u128(9),
        date,
        start,
        end,
        kind,
        status: VisitStatus::Done,
        workers: vec![W1],
        participants: 1,
        place: String::new(),
        description: String::new(),
    }
}

fn limits() -> Limits {
    Limits {
        roster: vec![W1, W2],
        min_minutes: None,
        max_minutes: None,
        pair_work_above: Some(3),
        hours_per_week: 4,
    }
}

#[test]
fn the_backdating_window_is_the_current_month_and_sixty_days_before() {
    assert_eq!(earliest_allowed(d(2026, 11, 22), 60), d(2026, 9, 2));
    assert_eq!(earliest_allowed(d(2026, 3, 1), 60), d(2025, 12, 31));
    let today = d(2026, 11, 22);
    let period = (d(2026, 1, 1), d(2026, 12, 31));
    let ok = visit(d(2026, 11, 18), t(9, 0), t(11, 0), VisitKind::HomeVisit);
    type Case = (&'static str, Visit, Option<NaiveDate>, Result<(), Refusal>);
    let cases: Vec<Case> = vec![
        ("an ordinary visit", ok.clone(), None, Ok(())),
        (
            "ends before it starts",
            Visit {
                end: t(8, 0),
                ..ok.clone()
            },
            None,
            Err(Refusal::EndsBeforeStart),
        ),
        (
            "tomorrow",
            Visit {
                date: d(2026, 11, 23),
                ..ok.clone()
            },
            None,
            Err(Refusal::InTheFuture),
        ),
        (
            "the first day of the window",
            Visit {
                date: d(2026, 9, 2),
                ..ok.clone()
            },
            None,
            Ok(()),
        ),
        (
            "the day before the window",
            Visit {
                date: d(2026, 9, 1),
                ..ok.clone()
            },
            None,
            Err(Refusal::TooOld),
        ),
        (
            "in a closed month",
            Visit {
                date: d(2026, 10, 31),
                ..ok.clone()
            },
            Some(d(2026, 10, 31)),
            Err(Refusal::PeriodClosed),
        ),
        (
            "the day after the closed month",
            Visit {
                date: d(2026, 11, 1),
                ..ok.clone()
            },
            Some(d(2026, 10, 31)),
            Ok(()),
        ),
    ];
    for (what, v, closed, want) in cases {
        assert_eq!(admissible(&v, today, 60, closed, period), want, "{what}");
    }
    assert_eq!(
        admissible(&ok, today, 60, None, (d(2026, 11, 19), d(2026, 12, 31))),
        Err(Refusal::OutsideCommitment)
    );
}

#[test]
fn checks_flag_what_a_person_must_judge() {
    // 18.11.2026 is a Wednesday, 21.11. a Saturday.
    let wed = d(2026, 11, 18);
    let base = visit(wed, t(9, 0), t(11, 0), VisitKind::HomeVisit);
    let cases: Vec<(&str, Visit, i64, Vec<Flag>)> = vec![
        (
            "a weekday visit within the week's hours",
            base.clone(),
            0,
            vec![],
        ),
        (
            "a worker not on the roster",
            Visit {
                workers: vec![W1, STRANGER],
                ..base.clone()
            },
            0,
            vec![Flag::WorkerNotOnRoster { worker: STRANGER }],
        ),
        (
            "Saturday",
            Visit {
                date: d(2026, 11, 21),
                ..base.clone()
            },
            0,
            vec![Flag::OutsideDaytime],
        ),
        (
            "ends after 18",
            Visit {
                start: t(17, 0),
                end: t(19, 0),
                ..base.clone()
            },
            0,
            vec![Flag::OutsideDaytime],
        ),
        (
            "the week's hours exceeded",
            base.clone(),
            180,
            vec![Flag::WeekOverCommitment {
                minutes: 300,
                allowed: 240,
            }],
        ),
        (
            "a cancellation by the provider does not count against the week",
            Visit {
                status: VisitStatus::CancelledByProvider,
                ..base.clone()
            },
            180,
            vec![],
        ),
        (
            "a late cancellation by the client counts",
            Visit {
                status: VisitStatus::CancelledLate,
                ..base.clone()
            },
            180,
            vec![Flag::WeekOverCommitment {
                minutes: 300,
                allowed: 240,
            }],
        ),
        (
            "a group of four with one worker",
            Visit {
                kind: VisitKind::GroupSession,
                participants: 4,
                ..base.clone()
            },
            0,
            vec![Flag::PairWorkMissing {
                participants: 4,
                workers: 1,
            }],
        ),
        (
            "a group of four with two workers",
            Visit {
                kind: VisitKind::GroupSession,
                participants: 4,
                workers: vec![W1, W2],
                ..base.clone()
            },
            0,
            vec![],
        ),
        (
            "a group of three with one worker",
            Visit {
                kind: VisitKind::GroupSession,
                participants: 3,
                ..base.clone()
            },
            0,
            vec![],
        ),
        (
            "a supervised meeting of 45 minutes",
            Visit {
                kind: VisitKind::SupervisedMeeting,
                end: t(9, 45),
                ..base.clone()
            },
            0,
            vec![Flag::TooShort {
                minutes: 45,
                min: 60,
            }],
        ),
        (
            "a supervised meeting of 3 hours",
            Visit {
                kind: VisitKind::SupervisedMeeting,
                end: t(12, 0),
                ..base.clone()
            },
            0,
            vec![],
        ),
        (
            "a supervised meeting of 3.5 hours: longer than usual",
            Visit {
                kind: VisitKind::SupervisedMeeting,
                end: t(12, 30),
                ..base.clone()
            },
            0,
            vec![Flag::LongerThanUsual {
                minutes: 210,
                usual: 180,
            }],
        ),
        (
            "a supervised meeting of 4.5 hours: too long",
            Visit {
                kind: VisitKind::SupervisedMeeting,
                end: t(13, 30),
                ..base.clone()
            },
            0,
            vec![
                Flag::TooLong {
                    minutes: 270,
                    max: 240,
                },
                Flag::WeekOverCommitment {
                    minutes: 270,
                    allowed: 240,
                },
            ],
        ),
    ];
    for (what, v, week, want) in cases {
        assert_eq!(check(&v, &limits(), week), want, "{what}");
    }
    let with_limits = Limits {
        min_minutes: Some(60),
        max_minutes: Some(90),
        ..limits()
    };
    assert_eq!(
        check(&base, &with_limits, 0),
        vec![Flag::TooLong {
            minutes: 120,
            max: 90
        }]
    );
}

#[test]
fn weeks_start_on_monday() {
    assert_eq!(week_of(d(2026, 11, 22)), d(2026, 11, 16));
    assert_eq!(week_of(d(2026, 11, 16)), d(2026, 11, 16));
    assert_eq!(week_of(d(2027, 1, 1)), d(2026, 12, 28));
}

// ---------------------------------------------------------------------------------------------
// The visit form
// ---------------------------------------------------------------------------------------------

const COMMITMENT: Uuid = Uuid::from_u128(9);
const W1_TEXT: &str = "00000000-0000-0000-0000-000000000001";
const W2_TEXT: &str = "00000000-0000-0000-0000-000000000002";

fn form() -> VisitForm {
    VisitForm {
        provider_ref: "K-123".into(),
        date: "2026-11-03".into(),
        start: "09:00".into(),
        end: "10:30".into(),
        kind: "home_visit".into(),
        status: "done".into(),
        workers: vec![W1_TEXT.into()],
        participants: "2".into(),
        place: " Kotona ".into(),
        description: " Arjen rytmi ".into(),
    }
}

fn errors(list: &[(&str, &str)]) -> FieldErrors {
    FieldErrors(
        list.iter()
            .map(|(field, code)| FieldError {
                field: (*field).to_owned(),
                code: (*code).to_owned(),
            })
            .collect(),
    )
}

#[test]
fn a_valid_visit_form_gives_the_visit() {
    let v = form().validate(COMMITMENT).unwrap();
    assert_eq!(
        v,
        Visit {
            commitment: COMMITMENT,
            date: d(2026, 11, 3),
            start: t(9, 0),
            end: t(10, 30),
            kind: VisitKind::HomeVisit,
            status: VisitStatus::Done,
            workers: vec![W1],
            participants: 2,
            place: "Kotona".into(),
            description: "Arjen rytmi".into(),
        }
    );
    assert_eq!(v.minutes(), 90);
}

#[test]
fn the_visit_form_accepts_the_usual_ways_of_writing() {
    type Case = (&'static str, fn(&mut VisitForm), fn(&Visit) -> bool);
    let cases: Vec<Case> = vec![
        (
            "a Finnish date",
            |f| f.date = "3.11.2026".into(),
            |v| v.date == d(2026, 11, 3),
        ),
        (
            "a date with spaces around",
            |f| f.date = " 03.11.2026 ".into(),
            |v| v.date == d(2026, 11, 3),
        ),
        (
            "times with a dot and no leading zero",
            |f| {
                f.start = "9.30".into();
                f.end = "11.00".into();
            },
            |v| v.start == t(9, 30) && v.end == t(11, 0),
        ),
        (
            "times with seconds",
            |f| {
                f.start = "09:00:00".into();
                f.end = "10:15:00".into();
            },
            |v| v.start == t(9, 0) && v.end == t(10, 15),
        ),
        (
            "an empty status means done",
            |f| f.status = "  ".into(),
            |v| v.status == VisitStatus::Done,
        ),
        (
            "a status code",
            |f| f.status = "cancelled_late".into(),
            |v| v.status == VisitStatus::CancelledLate,
        ),
        (
            "empty participants means one",
            |f| f.participants = String::new(),
            |v| v.participants == 1,
        ),
        (
            "a hundred participants",
            |f| f.participants = "100".into(),
            |v| v.participants == 100,
        ),
        (
            "a duplicate worker collapses to one",
            |f| f.workers = vec![W1_TEXT.into(), W2_TEXT.into(), format!(" {W1_TEXT} ")],
            |v| v.workers == vec![W1, W2],
        ),
        (
            "blank worker rows are skipped",
            |f| f.workers = vec![String::new(), W2_TEXT.into(), "  ".into()],
            |v| v.workers == vec![W2],
        ),
        (
            "no place, no description, no own id",
            |f| {
                f.place = String::new();
                f.description = String::new();
                f.provider_ref = String::new();
            },
            |v| v.place.is_empty() && v.description.is_empty(),
        ),
        (
            "a kind code with spaces around",
            |f| f.kind = " supervised_meeting ".into(),
            |v| v.kind == VisitKind::SupervisedMeeting,
        ),
        (
            "text at the length limits",
            |f| {
                f.provider_ref = "r".repeat(100);
                f.place = "p".repeat(200);
                f.description = "d".repeat(2000);
            },
            |v| v.place.len() == 200 && v.description.len() == 2000,
        ),
        (
            "one minute long",
            |f| {
                f.start = "23:58".into();
                f.end = "23:59".into();
            },
            |v| v.minutes() == 1,
        ),
    ];
    for (what, change, ok) in cases {
        let mut f = form();
        change(&mut f);
        let v = f.validate(COMMITMENT);
        assert!(v.as_ref().is_ok_and(ok), "{what}: {v:?}");
    }
}

#[test]
fn the_visit_form_errors_each_on_its_field() {
    type Case = (
        &'static str,
        fn(&mut VisitForm),
        Vec<(&'static str, &'static str)>,
    );
    let cases: Vec<Case> = vec![
        (
            "no date",
            |f| f.date = " ".into(),
            vec![("date", "required")],
        ),
        (
            "a date that is no date",
            |f| f.date = "31.11.2026".into(),
            vec![("date", "date-format")],
        ),
        (
            "a date with slashes",
            |f| f.date = "3/11/2026".into(),
            vec![("date", "date-format")],
        ),
        (
            "no start",
            |f| f.start = String::new(),
            vec![("start", "required")],
        ),
        (
            "a start that is no time",
            |f| f.start = "aamulla".into(),
            vec![("start", "time-format")],
        ),
        (
            "start at 24:00",
            |f| f.start = "24:00".into(),
            vec![("start", "time-format")],
        ),
        (
            "no end",
            |f| f.end = String::new(),
            vec![("end", "required")],
        ),
        (
            "an end that is no time",
            |f| f.end = "10:75".into(),
            vec![("end", "time-format")],
        ),
        (
            "an end before the start",
            |f| f.end = "08:30".into(),
            vec![("end", "visit-ends-before-start")],
        ),
        (
            "an end equal to the start",
            |f| f.end = "9.00".into(),
            vec![("end", "visit-ends-before-start")],
        ),
        (
            "no kind",
            |f| f.kind = String::new(),
            vec![("kind", "visit-kind-unknown")],
        ),
        (
            "an unknown kind",
            |f| f.kind = "Home visit".into(),
            vec![("kind", "visit-kind-unknown")],
        ),
        (
            "an unknown status",
            |f| f.status = "cancelled".into(),
            vec![("status", "visit-status-unknown")],
        ),
        (
            "a worker that is no id",
            |f| f.workers = vec!["Maija Meikäläinen".into()],
            vec![("workers", "visit-worker-unknown")],
        ),
        (
            "a good worker and one that is no id",
            |f| f.workers = vec![W1_TEXT.into(), "x".into()],
            vec![("workers", "visit-worker-unknown")],
        ),
        (
            "no workers",
            |f| f.workers = vec![],
            vec![("workers", "visit-worker-required")],
        ),
        (
            "only blank workers",
            |f| f.workers = vec![" ".into(), String::new()],
            vec![("workers", "visit-worker-required")],
        ),
        (
            "participants zero",
            |f| f.participants = "0".into(),
            vec![("participants", "participants-format")],
        ),
        (
            "participants 101",
            |f| f.participants = "101".into(),
            vec![("participants", "participants-format")],
        ),
        (
            "participants not a number",
            |f| f.participants = "kaksi".into(),
            vec![("participants", "participants-format")],
        ),
        (
            "participants negative",
            |f| f.participants = "-2".into(),
            vec![("participants", "participants-format")],
        ),
        (
            "an own id over 100 characters",
            |f| f.provider_ref = "r".repeat(101),
            vec![("id", "too-long")],
        ),
        (
            "a place over 200 characters",
            |f| f.place = "p".repeat(201),
            vec![("place", "too-long")],
        ),
        (
            "a description over 2000 characters",
            |f| f.description = "d".repeat(2001),
            vec![("description", "too-long")],
        ),
        (
            "everything missing, in field order",
            |f| *f = VisitForm::default(),
            vec![
                ("date", "required"),
                ("start", "required"),
                ("end", "required"),
                ("kind", "visit-kind-unknown"),
                ("workers", "visit-worker-required"),
            ],
        ),
    ];
    for (what, change, want) in cases {
        let mut f = form();
        change(&mut f);
        assert_eq!(f.validate(COMMITMENT), Err(errors(&want)), "{what}");
    }
}

#[test]
fn visit_kind_and_status_codes_round_trip() {
    let kinds = [
        (VisitKind::HomeVisit, "home_visit"),
        (VisitKind::Meeting, "meeting"),
        (VisitKind::PhoneOrVideo, "phone_or_video"),
        (VisitKind::GroupSession, "group_session"),
        (VisitKind::SupervisedMeeting, "supervised_meeting"),
    ];
    for (kind, code) in kinds {
        assert_eq!(kind.code(), code);
        assert_eq!(VisitKind::parse(code), Some(kind), "{code}");
        assert_eq!(VisitKind::parse(&format!(" {code} ")), Some(kind), "{code}");
    }
    assert_eq!(VisitKind::ALL.len(), kinds.len());
    for unknown in ["", "HOME_VISIT", "home visit", "kotikäynti"] {
        assert_eq!(VisitKind::parse(unknown), None, "{unknown:?}");
    }
    let statuses = [
        (VisitStatus::Done, "done", true),
        (VisitStatus::CancelledLate, "cancelled_late", true),
        (VisitStatus::CancelledEarly, "cancelled_early", false),
        (
            VisitStatus::CancelledByProvider,
            "cancelled_by_provider",
            false,
        ),
        (VisitStatus::NoShow, "no_show", false),
    ];
    for (status, code, billable) in statuses {
        assert_eq!(status.code(), code);
        assert_eq!(VisitStatus::parse(code), Some(status), "{code}");
        assert_eq!(status.billable(), billable, "{code}");
    }
    assert_eq!(VisitStatus::ALL.len(), statuses.len());
}

#[test]
fn confirmation_states_that_count_as_accepted() {
    let cases = [
        (ConfirmationState::Unconfirmed, false),
        (ConfirmationState::Confirmed, true),
        (ConfirmationState::Disputed, false),
        (ConfirmationState::PaperConfirmed, true),
        (ConfirmationState::AcceptedByDefault, true),
    ];
    for (state, accepted) in cases {
        assert_eq!(state.accepted(), accepted, "{}", state.code());
        assert_eq!(ConfirmationState::parse(state.code()), Some(state));
    }
    assert_eq!(ConfirmationState::ALL.len(), cases.len());
}

#[test]
fn clients_confirm_their_own_visits_from_the_set_age() {
    let cases = [
        (14, 15, false),
        (15, 15, true),
        (16, 15, true),
        (0, 15, false),
        (0, 0, true),
        (17, 18, false),
        (18, 18, true),
    ];
    for (age, own_age, want) in cases {
        assert_eq!(may_confirm_own(age, own_age), want, "{age} / {own_age}");
    }
}

#[test]
fn visits_are_accepted_by_default_only_when_switched_on_and_the_days_have_passed() {
    let visit = d(2026, 11, 3);
    let cases: Vec<(&str, NaiveDate, Option<u32>, bool)> = vec![
        ("off, the same day", visit, None, false),
        ("off, a year later", d(2027, 11, 3), None, false),
        ("14 days, after 13 days", d(2026, 11, 16), Some(14), false),
        (
            "14 days, after exactly 14 days",
            d(2026, 11, 17),
            Some(14),
            false,
        ),
        ("14 days, after 15 days", d(2026, 11, 18), Some(14), true),
        ("14 days, a year later", d(2027, 11, 3), Some(14), true),
        (
            "14 days, the visit in the future",
            d(2026, 11, 1),
            Some(14),
            false,
        ),
        ("0 days, the same day", visit, Some(0), false),
        ("0 days, the next day", d(2026, 11, 4), Some(0), true),
    ];
    for (what, today, days, want) in cases {
        assert_eq!(accepted_by_default(visit, today, days), want, "{what}");
    }
}

#[test]
fn the_month_is_flagged_when_its_minutes_exceed_the_commitment() {
    use domain::delivery::allowed_minutes;
    use domain::visit::month_flag;
    // 3 h a week over October's 31 days: 3 × 60 × 31 / 7 = 797 minutes.
    let oct = d(2026, 10, 1);
    let allowed = allowed_minutes(oct, (d(2026, 1, 1), d(2027, 12, 31)), 3);
    assert_eq!(allowed, 797);
    let mut v = visit(d(2026, 10, 29), t(9, 0), t(10, 30), VisitKind::HomeVisit);
    assert_eq!(month_flag(&v, 797, allowed), None);
    assert_eq!(
        month_flag(&v, 887, allowed),
        Some(Flag::MonthOverCommitment {
            minutes: 887,
            allowed: 797
        })
    );
    // A visit that does not count is never the one that goes over.
    v.status = VisitStatus::CancelledEarly;
    assert_eq!(month_flag(&v, 887, allowed), None);
}
