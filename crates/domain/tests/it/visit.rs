//! Visits: the hard rules (backdating window, closed periods, the commitment's period) and the
//! checks that flag for a person to judge.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, NaiveTime};
use domain::visit::{
    admissible, check, earliest_allowed, week_of, Flag, Limits, Refusal, Visit, VisitKind,
    VisitStatus,
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
