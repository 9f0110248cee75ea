//! Processing times across the chain: how long a step took (or has been waiting), against its
//! target, in calendar or working days on the Finnish calendar ([`crate::calendar`]).
//!
//! A case is late when it ended after its due day, or is still open after it; the due day is
//! the target counted from the start as the Act on the Calculation of Statutory Time Limits
//! (150/1930) counts a time limit ([`crate::calendar::deadline`]). The share within the target
//! is of the cases that ended; open cases past their due day are breaches too.

use crate::calendar::{deadline, is_weekday, working_days_between, DayCount};
use chrono::NaiveDate;

/// One case of a step: a need waiting for its decision, an application for its admission
/// decision, a report for its approval, an invoice for its approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case<K> {
    pub key: K,
    pub started: NaiveDate,
    pub ended: Option<NaiveDate>,
    pub target: u32,
    pub count: DayCount,
}

/// A case measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timed<K> {
    pub key: K,
    /// Days from the start to the end (or to today while open), of the case's kind.
    pub days: i64,
    pub due: NaiveDate,
    pub open: bool,
    pub late: bool,
}

/// A step's cases summed up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary<K> {
    pub cases: usize,
    pub ended: usize,
    pub ended_within: usize,
    /// Per cent of the ended cases that ended within the target, rounded down; `None` when
    /// none has ended.
    pub share_within: Option<u32>,
    /// Every case past its due day, open or ended, the longest first.
    pub breaches: Vec<Timed<K>>,
}

/// Days from `from` to `to` of the given kind: the start day not counted, the end day counted.
pub fn days_between(from: NaiveDate, to: NaiveDate, count: DayCount) -> i64 {
    match count {
        DayCount::Calendar => (to - from).num_days(),
        DayCount::WorkingDays => working_days_between(from, to),
        DayCount::Weekdays => {
            let (low, high, sign) = if to >= from {
                (from, to, 1)
            } else {
                (to, from, -1)
            };
            let mut n = 0i64;
            let mut d = low;
            while d < high {
                match d.succ_opt() {
                    Some(next) => d = next,
                    None => break,
                }
                if is_weekday(d) {
                    n += 1;
                }
            }
            sign * n
        }
    }
}

/// Measures one case on `today`.
pub fn measure<K: Clone>(c: &Case<K>, today: NaiveDate) -> Timed<K> {
    let due = deadline(c.started, c.target, c.count);
    let end = c.ended.unwrap_or(today);
    Timed {
        key: c.key.clone(),
        days: days_between(c.started, end, c.count),
        due,
        open: c.ended.is_none(),
        late: end > due,
    }
}

/// Sums up the cases of a step on `today`.
pub fn summarize<K: Clone>(cases: &[Case<K>], today: NaiveDate) -> Summary<K> {
    let timed: Vec<Timed<K>> = cases.iter().map(|c| measure(c, today)).collect();
    let ended = timed.iter().filter(|t| !t.open).count();
    let ended_within = timed.iter().filter(|t| !t.open && !t.late).count();
    let mut breaches: Vec<Timed<K>> = timed.into_iter().filter(|t| t.late).collect();
    breaches.sort_by_key(|t| std::cmp::Reverse(t.days));
    Summary {
        cases: cases.len(),
        ended,
        ended_within,
        share_within: (ended > 0).then(|| (ended_within * 100 / ended) as u32),
        breaches,
    }
}

/// A step of the chain whose time the purchaser follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A service need from its receipt to the leading social worker's decision.
    NeedDecision,
    /// A provider's application from its submission to the admission decision.
    Admission,
    /// A monthly report from its deadline to the social worker's approval.
    ReportApproval,
    /// A provider's invoice from its receipt to its approval for payment.
    InvoiceApproval,
}

impl Step {
    pub const ALL: [Step; 4] = [
        Step::NeedDecision,
        Step::Admission,
        Step::ReportApproval,
        Step::InvoiceApproval,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Step::NeedDecision => "need_decision",
            Step::Admission => "admission",
            Step::ReportApproval => "report_approval",
            Step::InvoiceApproval => "invoice_approval",
        }
    }

    /// The target of a case that does not carry its own (an application carries its
    /// procurement's decision time):
    ///
    /// - a need: five working days. Child-welfare services are to start without delay (Child
    ///   Welfare Act 417/2007, 36 §); a week of working days is when the steering group's page
    ///   warns of a need still waiting, and the same day is its due day here;
    /// - an application: the admission time of its procurement (the regime's), in working days;
    /// - a monthly report: ten working days after its deadline, the purchaser's own practice
    ///   (no statute sets it);
    /// - an invoice: thirty days from receipt, the longest payment time the Interest Act
    ///   (633/1982) 4 a § allows a public authority.
    pub fn target(self) -> (u32, DayCount) {
        match self {
            Step::NeedDecision => (5, DayCount::WorkingDays),
            Step::Admission => (30, DayCount::WorkingDays),
            Step::ReportApproval => (10, DayCount::WorkingDays),
            Step::InvoiceApproval => (30, DayCount::Calendar),
        }
    }
}
