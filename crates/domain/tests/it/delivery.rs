//! Delivery: the service plan's form, the monthly report's form, the month's totals against the
//! commitment, the report deadline and its reminders, and the month helpers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, NaiveTime};
use domain::delivery::{
    month_end, month_of, parse_month, reminder, report_deadline, totals, Goal, PlanForm, Reminder,
    ReportForm, ReportStatus, ServicePlan, Totals,
};
use domain::money::Money;
use domain::validate::{FieldError, FieldErrors};
use domain::visit::{Confirmation, ConfirmationState, Visit, VisitKind, VisitRecord, VisitStatus};
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
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

fn goal(text: &str, evaluation: &str) -> Goal {
    Goal {
        text: text.to_owned(),
        evaluation: evaluation.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// The plan form
// ---------------------------------------------------------------------------------------------

fn plan_form() -> PlanForm {
    PlanForm {
        meeting_date: "2026-11-02".into(),
        participants: "Lapsi\n\n  Äiti  \nSosiaalityöntekijä\n".into(),
        goals: "Koulunkäynti säännöllistyy | poissaolot kuukausittain\n\n\
                Arjen rytmi | perheen arvio 1–5\n"
            .into(),
        estimated_duration: " 6 kuukautta ".into(),
        weekly_hours: " 3 ".into(),
        evaluation_date: "2.5.2027".into(),
    }
}

#[test]
fn plan_form_reads_goals_as_lines_goal_and_how_evaluated() {
    let (meeting, participants, goals, duration, hours, evaluation) =
        plan_form().validate().unwrap();
    assert_eq!(meeting, d(2026, 11, 2));
    assert_eq!(participants, vec!["Lapsi", "Äiti", "Sosiaalityöntekijä"]);
    assert_eq!(
        goals,
        vec![
            goal("Koulunkäynti säännöllistyy", "poissaolot kuukausittain"),
            goal("Arjen rytmi", "perheen arvio 1–5"),
        ]
    );
    assert_eq!(duration, "6 kuukautta");
    assert_eq!(hours, 3);
    assert_eq!(evaluation, d(2027, 5, 2));
}

#[test]
fn plan_form_accepts_the_edges() {
    type Case = (&'static str, fn(&mut PlanForm));
    let cases: Vec<Case> = vec![
        ("evaluation on the meeting day", |f| {
            f.evaluation_date = f.meeting_date.clone();
        }),
        ("60 hours a week", |f| f.weekly_hours = "60".into()),
        ("Finnish date format", |f| {
            f.meeting_date = "2.11.2026".into()
        }),
        ("a single goal", |f| f.goals = "Goal | evaluated".into()),
        (
            "a goal with more than one bar keeps the rest in the evaluation",
            |f| {
                f.goals = "Goal | first | second".into();
            },
        ),
        ("estimated duration of exactly 100 characters", |f| {
            f.estimated_duration = "x".repeat(100);
        }),
    ];
    for (what, change) in cases {
        let mut f = plan_form();
        change(&mut f);
        assert!(f.validate().is_ok(), "{what}: {:?}", f.validate());
    }
    let mut f = plan_form();
    f.goals = "Goal | first | second".into();
    assert_eq!(
        f.validate().unwrap().2,
        vec![goal("Goal", "first | second")]
    );
}

#[test]
fn plan_form_errors_each_on_its_field() {
    type Case = (
        &'static str,
        fn(&mut PlanForm),
        Vec<(&'static str, &'static str)>,
    );
    let cases: Vec<Case> = vec![
        (
            "no meeting date",
            |f| f.meeting_date = "  ".into(),
            vec![("meeting_date", "required")],
        ),
        (
            "a meeting date that is no date",
            |f| f.meeting_date = "31.2.2026".into(),
            vec![("meeting_date", "date-format")],
        ),
        (
            "no participants",
            |f| f.participants = "\n  \n".into(),
            vec![("participants", "required")],
        ),
        (
            "no goals",
            |f| f.goals = " \n ".into(),
            vec![("goals", "required")],
        ),
        (
            "a goal line without a bar",
            |f| f.goals = "Koulunkäynti säännöllistyy".into(),
            vec![("goals", "goal-evaluation-required")],
        ),
        (
            "one good goal and one without a bar",
            |f| f.goals = "Goal | evaluated\nGoal without evaluation".into(),
            vec![("goals", "goal-evaluation-required")],
        ),
        (
            "two goal lines without a bar give the error once",
            |f| f.goals = "One\nTwo".into(),
            vec![("goals", "goal-evaluation-required")],
        ),
        (
            "a goal with an empty evaluation",
            |f| f.goals = "Goal |  ".into(),
            vec![("goals", "goal-evaluation-required")],
        ),
        (
            "an evaluation with an empty goal",
            |f| f.goals = " | evaluated".into(),
            vec![("goals", "goal-evaluation-required")],
        ),
        (
            "no estimated duration",
            |f| f.estimated_duration = String::new(),
            vec![("estimated_duration", "required")],
        ),
        (
            "an estimated duration over 100 characters",
            |f| f.estimated_duration = "x".repeat(101),
            vec![("estimated_duration", "too-long")],
        ),
        (
            "61 hours a week",
            |f| f.weekly_hours = "61".into(),
            vec![("weekly_hours", "hours-format")],
        ),
        (
            "hours not a number",
            |f| f.weekly_hours = "kolme".into(),
            vec![("weekly_hours", "hours-format")],
        ),
        (
            "hours with decimals",
            |f| f.weekly_hours = "2,5".into(),
            vec![("weekly_hours", "hours-format")],
        ),
        (
            "negative hours",
            |f| f.weekly_hours = "-1".into(),
            vec![("weekly_hours", "hours-format")],
        ),
        (
            "no hours",
            |f| f.weekly_hours = String::new(),
            vec![("weekly_hours", "hours-format")],
        ),
        (
            "no evaluation date",
            |f| f.evaluation_date = String::new(),
            vec![("evaluation_date", "required")],
        ),
        (
            "an evaluation date that is no date",
            |f| f.evaluation_date = "2027-13-01".into(),
            vec![("evaluation_date", "date-format")],
        ),
        (
            "evaluation the day before the meeting",
            |f| f.evaluation_date = "1.11.2026".into(),
            vec![("evaluation_date", "evaluation-before-meeting")],
        ),
        (
            "everything wrong at once, in field order",
            |f| *f = PlanForm::default(),
            vec![
                ("meeting_date", "required"),
                ("participants", "required"),
                ("goals", "required"),
                ("estimated_duration", "required"),
                ("weekly_hours", "hours-format"),
                ("evaluation_date", "required"),
            ],
        ),
    ];
    for (what, change, want) in cases {
        let mut f = plan_form();
        change(&mut f);
        assert_eq!(f.validate(), Err(errors(&want)), "{what}");
    }
}

#[test]
fn plan_form_from_a_plan_validates_back_to_the_same_plan() {
    let plan = ServicePlan {
        commitment_number: "MS-2026-0001".into(),
        client: Uuid::from_u128(1),
        provider: Uuid::from_u128(2),
        version: 2,
        meeting_date: d(2026, 11, 2),
        participants: vec!["Lapsi".into(), "Äiti".into()],
        goals: vec![goal("Arjen rytmi", "perheen arvio")],
        estimated_duration: "6 kuukautta".into(),
        weekly_hours: 3,
        evaluation_date: d(2027, 5, 2),
        saved_by: "tt".into(),
        saved_on: d(2026, 11, 2),
    };
    let (meeting, participants, goals, duration, hours, evaluation) =
        PlanForm::from_plan(&plan).validate().unwrap();
    assert_eq!(meeting, plan.meeting_date);
    assert_eq!(participants, plan.participants);
    assert_eq!(goals, plan.goals);
    assert_eq!(duration, plan.estimated_duration);
    assert_eq!(hours, plan.weekly_hours);
    assert_eq!(evaluation, plan.evaluation_date);
}

// ---------------------------------------------------------------------------------------------
// The report form
// ---------------------------------------------------------------------------------------------

fn goals() -> Vec<Goal> {
    vec![
        goal("Koulunkäynti", "poissaolot"),
        goal("Arjen rytmi", "perheen arvio"),
    ]
}

fn report_form(ratings: &[&str], texts: &[&str], summary: &str) -> ReportForm {
    ReportForm {
        ratings: ratings.iter().map(|s| (*s).to_owned()).collect(),
        texts: texts.iter().map(|s| (*s).to_owned()).collect(),
        gone_through_with_family: true,
        summary: summary.to_owned(),
    }
}

#[test]
fn report_draft_accepts_empty_ratings_and_texts() {
    let cases: Vec<(&str, ReportForm)> = vec![
        ("nothing at all", ReportForm::default()),
        ("empty strings", report_form(&["", " "], &["", ""], "")),
        ("only the first goal", report_form(&["3"], &["Hyvin"], "")),
    ];
    for (what, f) in cases {
        let (progress, summary) = f.validate(&goals(), false).unwrap();
        assert_eq!(progress.len(), 2, "{what}");
        assert_eq!(progress[0].goal, "Koulunkäynti", "{what}");
        assert_eq!(progress[1].goal, "Arjen rytmi", "{what}");
        assert_eq!(progress[1].rating, None, "{what}");
        assert_eq!(progress[1].text, "", "{what}");
        assert_eq!(summary, "", "{what}");
    }
}

#[test]
fn report_submitted_complete_keeps_ratings_and_trimmed_texts() {
    let f = report_form(
        &[" 1 ", "5"],
        &[" Ei muutosta ", "Saavutettu"],
        " Kaikki hyvin ",
    );
    let (progress, summary) = f.validate(&goals(), true).unwrap();
    assert_eq!(progress[0].rating, Some(1));
    assert_eq!(progress[0].text, "Ei muutosta");
    assert_eq!(progress[1].rating, Some(5));
    assert_eq!(progress[1].text, "Saavutettu");
    assert_eq!(summary, "Kaikki hyvin");
    // A plan without goals needs only the summary.
    assert!(report_form(&[], &[], "Yhteenveto")
        .validate(&[], true)
        .is_ok());
}

#[test]
fn report_form_errors_each_on_its_field() {
    type Case = (
        &'static str,
        ReportForm,
        bool,
        Vec<(&'static str, &'static str)>,
    );
    let cases: Vec<Case> = vec![
        (
            "submitting an empty report",
            ReportForm::default(),
            true,
            vec![
                ("rating_0", "required"),
                ("progress_0", "required"),
                ("rating_1", "required"),
                ("progress_1", "required"),
                ("summary", "required"),
            ],
        ),
        (
            "submitting without the second goal",
            report_form(&["3"], &["Hyvin"], "Yhteenveto"),
            true,
            vec![("rating_1", "required"), ("progress_1", "required")],
        ),
        (
            "submitting without a summary",
            report_form(&["3", "4"], &["a", "b"], "  "),
            true,
            vec![("summary", "required")],
        ),
        (
            "submitting with a rating but blank text",
            report_form(&["3", "4"], &["a", "   "], "s"),
            true,
            vec![("progress_1", "required")],
        ),
        (
            "rating 0",
            report_form(&["0", "4"], &["a", "b"], "s"),
            true,
            vec![("rating_0", "rating-format")],
        ),
        (
            "rating 6",
            report_form(&["3", "6"], &["a", "b"], "s"),
            true,
            vec![("rating_1", "rating-format")],
        ),
        (
            "rating x, not also required",
            report_form(&["x", "4"], &["a", "b"], "s"),
            true,
            vec![("rating_0", "rating-format")],
        ),
        (
            "rating 2.5",
            report_form(&["2.5", "4"], &["a", "b"], "s"),
            true,
            vec![("rating_0", "rating-format")],
        ),
        (
            "rating -1",
            report_form(&["-1", "4"], &["a", "b"], "s"),
            true,
            vec![("rating_0", "rating-format")],
        ),
        (
            "rating 300 in a draft",
            report_form(&["300"], &[], ""),
            false,
            vec![("rating_0", "rating-format")],
        ),
        (
            "rating 6 in a draft",
            report_form(&["", "6"], &[], ""),
            false,
            vec![("rating_1", "rating-format")],
        ),
        (
            "progress text over 4000 characters in a draft",
            report_form(&[], &[&"x".repeat(4001)], ""),
            false,
            vec![("progress_0", "too-long")],
        ),
        (
            "summary over 8000 characters in a draft",
            report_form(&[], &[], &"x".repeat(8001)),
            false,
            vec![("summary", "too-long")],
        ),
        (
            "summary over 8000 characters when submitting",
            report_form(&["3", "4"], &["a", "b"], &"x".repeat(8001)),
            true,
            vec![("summary", "too-long")],
        ),
    ];
    for (what, f, submit, want) in cases {
        assert_eq!(f.validate(&goals(), submit), Err(errors(&want)), "{what}");
    }
    // The limits themselves are allowed.
    let f = report_form(&["5", "1"], &[&"x".repeat(4000), "b"], &"x".repeat(8000));
    assert!(f.validate(&goals(), true).is_ok());
}

#[test]
fn only_draft_and_returned_reports_are_editable() {
    let cases = [
        (ReportStatus::Draft, true),
        (ReportStatus::Submitted, false),
        (ReportStatus::Returned, true),
        (ReportStatus::Approved, false),
    ];
    for (status, want) in cases {
        assert_eq!(status.editable(), want, "{}", status.code());
    }
    assert_eq!(ReportStatus::ALL.len(), cases.len());
}

// ---------------------------------------------------------------------------------------------
// Totals
// ---------------------------------------------------------------------------------------------

fn record(status: VisitStatus, minutes: u32, state: ConfirmationState) -> VisitRecord {
    VisitRecord {
        visit: Visit {
            commitment: Uuid::from_u128(9),
            date: d(2026, 11, 18),
            start: t(9, 0),
            end: t(9 + minutes / 60, minutes % 60),
            kind: VisitKind::HomeVisit,
            status,
            workers: vec![Uuid::from_u128(1)],
            participants: 1,
            place: String::new(),
            description: String::new(),
        },
        commitment_number: "MS-2026-0001".into(),
        client: Uuid::from_u128(10),
        purchaser: Uuid::from_u128(11),
        provider: Uuid::from_u128(12),
        provider_ref: None,
        flags: vec![],
        confirmation: Confirmation {
            state,
            ..Confirmation::default()
        },
        logged_by: "worker".into(),
    }
}

const NOV: (i32, u32) = (2026, 11);

fn nov() -> NaiveDate {
    d(NOV.0, NOV.1, 1)
}

fn whole_year() -> (NaiveDate, NaiveDate) {
    (d(2026, 1, 1), d(2026, 12, 31))
}

#[test]
fn totals_bill_done_and_late_cancellations_only() {
    use ConfirmationState::Confirmed;
    let cases: Vec<(VisitStatus, i64, usize, usize)> = vec![
        // status, billable minutes of a 90-minute visit, done, cancelled
        (VisitStatus::Done, 90, 1, 0),
        (VisitStatus::CancelledLate, 90, 0, 1),
        (VisitStatus::CancelledEarly, 0, 0, 1),
        (VisitStatus::CancelledByProvider, 0, 0, 1),
        (VisitStatus::NoShow, 0, 0, 1),
    ];
    for (status, billable, done, cancelled) in cases {
        let price = Money::from_cents(7_800);
        let t = totals(
            &[record(status, 90, Confirmed)],
            nov(),
            whole_year(),
            3,
            price,
        );
        let what = status.code();
        assert_eq!(t.visits, 1, "{what}");
        assert_eq!(t.billable_minutes, billable, "{what}");
        assert_eq!(t.done, done, "{what}");
        assert_eq!(t.cancelled, cancelled, "{what}");
        assert_eq!(t.amount, Money::from_cents(7_800 * billable / 60), "{what}");
        assert_eq!(status.billable(), billable > 0, "{what}");
    }
}

#[test]
fn totals_of_a_mixed_month() {
    use ConfirmationState::*;
    let visits = vec![
        record(VisitStatus::Done, 90, Confirmed),
        record(VisitStatus::Done, 60, PaperConfirmed),
        record(VisitStatus::CancelledLate, 45, AcceptedByDefault),
        record(VisitStatus::CancelledEarly, 60, Unconfirmed),
        record(VisitStatus::NoShow, 60, Disputed),
        record(VisitStatus::Done, 30, Unconfirmed),
    ];
    let t = totals(&visits, nov(), whole_year(), 3, Money::from_cents(7_800));
    assert_eq!(
        t,
        Totals {
            visits: 6,
            done: 3,
            cancelled: 3,
            billable_minutes: 225,
            // 3 h × 60 × 30 days / 7 = 771.4
            allowed_minutes: 771,
            confirmed: 3,
            disputed: 1,
            unconfirmed: 2,
            // 78.00 €/h × 225 min = 292.50 €
            amount: Money::from_cents(29_250),
            // Set by the service from the lot, not by the totals.
            work_money: None,
        }
    );
    let empty = totals(&[], nov(), whole_year(), 3, Money::from_cents(7_800));
    assert_eq!(
        empty,
        Totals {
            allowed_minutes: 771,
            ..Totals::default()
        }
    );
}

#[test]
fn totals_count_confirmations() {
    use ConfirmationState::*;
    // state, confirmed, disputed, unconfirmed
    let cases = [
        (Unconfirmed, 0, 0, 1),
        (Confirmed, 1, 0, 0),
        (Disputed, 0, 1, 0),
        (PaperConfirmed, 1, 0, 0),
        (AcceptedByDefault, 1, 0, 0),
    ];
    for (state, confirmed, disputed, unconfirmed) in cases {
        let v = [record(VisitStatus::Done, 60, state)];
        let t = totals(&v, nov(), whole_year(), 3, Money::ZERO);
        assert_eq!(
            (t.confirmed, t.disputed, t.unconfirmed),
            (confirmed, disputed, unconfirmed),
            "{}",
            state.code()
        );
        assert_eq!(state.accepted(), confirmed == 1, "{}", state.code());
    }
    assert_eq!(ConfirmationState::ALL.len(), cases.len());
}

#[test]
fn totals_allow_the_weekly_hours_for_the_days_of_the_month_in_the_period() {
    // month, period, hours per week, allowed minutes
    type Case = (&'static str, NaiveDate, (NaiveDate, NaiveDate), u32, i64);
    let cases: Vec<Case> = vec![
        (
            "all of November: 3 × 60 × 30 / 7",
            nov(),
            whole_year(),
            3,
            771,
        ),
        (
            "from 16 November: 15 days, 3 × 60 × 15 / 7",
            nov(),
            (d(2026, 11, 16), d(2027, 5, 15)),
            3,
            385,
        ),
        (
            "until 14 November: 14 days, exactly two weeks",
            nov(),
            (d(2026, 5, 1), d(2026, 11, 14)),
            3,
            360,
        ),
        (
            "a period of one day",
            nov(),
            (d(2026, 11, 7), d(2026, 11, 7)),
            7,
            60,
        ),
        (
            "a period that ends before the month",
            nov(),
            (d(2026, 1, 1), d(2026, 10, 31)),
            3,
            0,
        ),
        (
            "a period that starts after the month",
            nov(),
            (d(2026, 12, 1), d(2027, 6, 30)),
            3,
            0,
        ),
        (
            "the month given by a day within it",
            d(2026, 11, 20),
            (d(2026, 11, 16), d(2027, 5, 15)),
            3,
            385,
        ),
        (
            "February 2027: 28 days, four weeks",
            d(2027, 2, 1),
            (d(2027, 1, 1), d(2027, 12, 31)),
            5,
            1_200,
        ),
        (
            "February 2028: 29 days",
            d(2028, 2, 1),
            (d(2028, 1, 1), d(2028, 12, 31)),
            7,
            1_740,
        ),
        ("no hours", nov(), whole_year(), 0, 0),
    ];
    for (what, month, period, hours, want) in cases {
        let t = totals(&[], month, period, hours, Money::ZERO);
        assert_eq!(t.allowed_minutes, want, "{what}");
    }
}

#[test]
fn totals_price_the_billable_minutes_to_the_cent() {
    // price per hour in cents, billable minutes, amount in cents
    let cases: Vec<(&str, i64, u32, i64)> = vec![
        ("78.00 €/h × 90 min", 7_800, 90, 11_700),
        ("82.50 €/h × 50 min", 8_250, 50, 6_875),
        ("82.50 €/h × 45 min = 61.875, half up", 8_250, 45, 6_188),
        ("78.00 €/h × 60 min", 7_800, 60, 7_800),
        ("0.01 €/h × 30 min = half a cent, up", 1, 30, 1),
        ("0.01 €/h × 29 min = under half a cent, down", 1, 29, 0),
        ("99.99 €/h × 7 min = 11.6655", 9_999, 7, 1_167),
        ("no price", 0, 90, 0),
    ];
    for (what, price, minutes, want) in cases {
        let v = [record(
            VisitStatus::Done,
            minutes,
            ConfirmationState::Confirmed,
        )];
        let t = totals(&v, nov(), whole_year(), 3, Money::from_cents(price));
        assert_eq!(t.billable_minutes, i64::from(minutes), "{what}");
        assert_eq!(t.amount, Money::from_cents(want), "{what}");
    }
    // The rounding applies to the month's sum, not visit by visit.
    let v = [
        record(VisitStatus::Done, 45, ConfirmationState::Confirmed),
        record(VisitStatus::Done, 45, ConfirmationState::Confirmed),
    ];
    let t = totals(&v, nov(), whole_year(), 3, Money::from_cents(8_250));
    assert_eq!(t.amount, Money::from_cents(12_375));
}

// ---------------------------------------------------------------------------------------------
// The deadline, reminders, months
// ---------------------------------------------------------------------------------------------

#[test]
fn the_report_is_due_on_the_set_day_of_the_next_month() {
    let cases: Vec<(&str, NaiveDate, u32, NaiveDate)> = vec![
        ("November, the 5th", nov(), 5, d(2026, 12, 5)),
        ("a day in November", d(2026, 11, 30), 5, d(2026, 12, 5)),
        (
            "December, into the next year",
            d(2026, 12, 1),
            5,
            d(2027, 1, 5),
        ),
        (
            "January, the 31st clamped to 28",
            d(2027, 1, 1),
            31,
            d(2027, 2, 28),
        ),
        (
            "November, the 31st clamped to 28",
            nov(),
            31,
            d(2026, 12, 28),
        ),
        ("the 28th as is", nov(), 28, d(2026, 12, 28)),
        ("day 0 clamped to the 1st", nov(), 0, d(2026, 12, 1)),
        ("the 1st", nov(), 1, d(2026, 12, 1)),
    ];
    for (what, month, day, want) in cases {
        assert_eq!(report_deadline(month, day), want, "{what}");
    }
}

#[test]
fn reminders_run_from_a_week_before_the_deadline_until_submitted() {
    let deadline = d(2026, 12, 5);
    let cases: Vec<(&str, NaiveDate, bool, Option<Reminder>)> = vec![
        ("a month before", d(2026, 11, 5), false, None),
        ("8 days before", d(2026, 11, 27), false, None),
        (
            "7 days before",
            d(2026, 11, 28),
            false,
            Some(Reminder::DueSoon { days: 7 }),
        ),
        (
            "1 day before",
            d(2026, 12, 4),
            false,
            Some(Reminder::DueSoon { days: 1 }),
        ),
        (
            "on the day",
            deadline,
            false,
            Some(Reminder::DueSoon { days: 0 }),
        ),
        (
            "the day after",
            d(2026, 12, 6),
            false,
            Some(Reminder::Overdue { days: 1 }),
        ),
        (
            "a month after",
            d(2027, 1, 5),
            false,
            Some(Reminder::Overdue { days: 31 }),
        ),
        ("submitted, a week before", d(2026, 11, 28), true, None),
        ("submitted, on the day", deadline, true, None),
        ("submitted, after the deadline", d(2026, 12, 6), true, None),
    ];
    for (what, today, submitted, want) in cases {
        assert_eq!(reminder(deadline, today, submitted), want, "{what}");
    }
}

#[test]
fn months_start_on_the_first_and_end_on_their_last_day() {
    let cases: Vec<(NaiveDate, NaiveDate, NaiveDate)> = vec![
        // a day, its month, the month's end
        (d(2026, 11, 17), nov(), d(2026, 11, 30)),
        (nov(), nov(), d(2026, 11, 30)),
        (d(2026, 12, 31), d(2026, 12, 1), d(2026, 12, 31)),
        (d(2027, 2, 14), d(2027, 2, 1), d(2027, 2, 28)),
        (d(2028, 2, 1), d(2028, 2, 1), d(2028, 2, 29)),
        (d(2100, 2, 1), d(2100, 2, 1), d(2100, 2, 28)),
        (d(2000, 2, 1), d(2000, 2, 1), d(2000, 2, 29)),
        (d(2027, 1, 31), d(2027, 1, 1), d(2027, 1, 31)),
        (d(2027, 4, 30), d(2027, 4, 1), d(2027, 4, 30)),
    ];
    for (day, first, last) in cases {
        assert_eq!(month_of(day), first, "month_of {day}");
        assert_eq!(month_end(day), last, "month_end {day}");
    }
}

#[test]
fn parse_month_reads_a_month_or_a_date() {
    let cases: Vec<(&str, Option<NaiveDate>)> = vec![
        ("2026-11", Some(nov())),
        (" 2026-11 ", Some(nov())),
        ("2026-11-17", Some(nov())),
        ("17.11.2026", Some(nov())),
        ("2026-12", Some(d(2026, 12, 1))),
        ("2027-01", Some(d(2027, 1, 1))),
        ("2026-13", None),
        ("2026-00", None),
        ("2026-11-31", None),
        ("2026", None),
        ("marraskuu", None),
        ("", None),
    ];
    for (input, want) in cases {
        assert_eq!(parse_month(input), want, "{input:?}");
    }
}
