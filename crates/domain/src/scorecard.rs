//! The provider scorecard: how each provider delivered in each lot over a year, from what
//! Kumppani already holds. Confirmed and disputed visits, reports late or returned, invoices
//! whose match found a discrepancy, commitments declined, and how often a family's worker
//! changed: seed 001 stresses the continuity of the worker ("sama työntekijä"), so a change is
//! counted whenever a visit is made by none of the workers of the family's previous visit.

use crate::commitment::{Commitment, CommitmentStatus};
use crate::delivery::{MonthlyReport, ReportStatus};
use crate::invoice::ReceivedInvoice;
use crate::visit::{ConfirmationState, VisitRecord};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// One provider's year in one lot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Score {
    /// Commitments sent to it (each number once, whatever its versions).
    pub commitments: usize,
    pub declined: usize,
    pub visits: usize,
    /// Confirmed by the family, on a signed paper, or not disputed in time.
    pub confirmed: usize,
    pub disputed: usize,
    pub reports: usize,
    /// Submitted after the deadline, or not submitted by it.
    pub late_reports: usize,
    /// Returned by the social worker at least once.
    pub returned_reports: usize,
    pub invoices: usize,
    /// Invoices whose match found at least one discrepancy.
    pub invoices_with_discrepancies: usize,
    /// Families (commitment numbers) with visits, and the changes of worker among them.
    pub families: usize,
    pub worker_changes: usize,
}

impl Score {
    /// Per cent, rounded down; `None` of nothing.
    pub fn share(part: usize, whole: usize) -> Option<u32> {
        (whole > 0).then(|| u32::try_from(part * 100 / whole).unwrap_or(100))
    }
}

/// The changes of worker in a family's visits, in the order they were made: a visit by none
/// of the previous visit's workers is a change. Visits without workers are skipped.
pub fn worker_changes<'a>(visits: impl IntoIterator<Item = &'a [Uuid]>) -> usize {
    let mut last: Option<&[Uuid]> = None;
    let mut n = 0;
    for w in visits.into_iter().filter(|w| !w.is_empty()) {
        if let Some(prev) = last {
            if !w.iter().any(|x| prev.contains(x)) {
                n += 1;
            }
        }
        last = Some(w);
    }
    n
}

/// What the scorecard is computed from, for one purchaser and one year.
pub struct Inputs<'a> {
    /// Every version of the commitments whose period touches the year.
    pub commitments: &'a [Commitment],
    /// The year's visits of those commitments.
    pub visits: &'a [VisitRecord],
    /// The year's monthly reports.
    pub reports: &'a [MonthlyReport],
    /// The invoices received in the year.
    pub invoices: &'a [ReceivedInvoice],
    pub today: NaiveDate,
}

/// The scorecard by provider and lot.
pub fn scorecard(i: &Inputs<'_>) -> BTreeMap<(Uuid, Uuid), Score> {
    let mut out: BTreeMap<(Uuid, Uuid), Score> = BTreeMap::new();
    // A commitment number belongs to one provider and lot over its versions.
    let mut of_number: HashMap<&str, (Uuid, Uuid)> = HashMap::new();
    let mut declined: HashSet<&str> = HashSet::new();
    for c in i.commitments {
        of_number.insert(c.number.as_str(), (c.provider, c.lot));
        if c.status == CommitmentStatus::Declined {
            declined.insert(c.number.as_str());
        }
    }
    for (number, key) in &of_number {
        let s = out.entry(*key).or_default();
        s.commitments += 1;
        if declined.contains(number) {
            s.declined += 1;
        }
    }
    let mut by_family: HashMap<&str, Vec<&VisitRecord>> = HashMap::new();
    for v in i.visits {
        let Some(key) = of_number.get(v.commitment_number.as_str()) else {
            continue;
        };
        let s = out.entry(*key).or_default();
        s.visits += 1;
        match v.confirmation.state {
            ConfirmationState::Confirmed
            | ConfirmationState::PaperConfirmed
            | ConfirmationState::AcceptedByDefault => s.confirmed += 1,
            ConfirmationState::Disputed => s.disputed += 1,
            ConfirmationState::Unconfirmed => {}
        }
        by_family
            .entry(v.commitment_number.as_str())
            .or_default()
            .push(v);
    }
    for (number, mut visits) in by_family {
        let Some(key) = of_number.get(number) else {
            continue;
        };
        visits.sort_by_key(|v| (v.visit.date, v.visit.start));
        let s = out.entry(*key).or_default();
        s.families += 1;
        s.worker_changes += worker_changes(visits.iter().map(|v| v.visit.workers.as_slice()));
    }
    for r in i.reports {
        let Some(key) = of_number.get(r.commitment_number.as_str()) else {
            continue;
        };
        let s = out.entry(*key).or_default();
        s.reports += 1;
        let late = match r.submitted_on {
            Some(d) => d > r.deadline,
            None => r.deadline < i.today,
        };
        if late {
            s.late_reports += 1;
        }
        if r.history.iter().any(|e| e.status == ReportStatus::Returned) {
            s.returned_reports += 1;
        }
    }
    for inv in i.invoices {
        let key = inv
            .commitment_numbers
            .iter()
            .find_map(|n| of_number.get(n.as_str()));
        let Some(key) = key else {
            continue;
        };
        let s = out.entry(*key).or_default();
        s.invoices += 1;
        if !inv.discrepancies.is_empty() {
            s.invoices_with_discrepancies += 1;
        }
    }
    out
}
