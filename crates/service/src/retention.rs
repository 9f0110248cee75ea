//! The retention run (Client Data Act 703/2023, 23–24 § and annex; [`domain::retention`]):
//! the operator's process lists every client whose documents are due for destruction, and
//! destroys them only once a named person has approved that list. Each destruction is written
//! to the destruction log and to the access log; the access log itself is never touched (its
//! own period is twelve years from each entry).
//!
//! A guardian registered with a child has no service task of their own: their record goes with
//! the last of their children whose documents are destroyed, and stays while any other child
//! names them.

use crate::admin::system_event;
use crate::setup::Setup;
use crate::{ServiceError, ServiceResult};
use chrono::NaiveDate;
use db::retention::{ClientFacts, Destruction};
use domain::audit::{AuditAction, Purpose, RecordKind};
use domain::retention::{verdict, Facts, ServiceTask, Trigger, Verdict};
use domain::validate::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// One client due, with the guardians whose records go with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueItem {
    pub client: Uuid,
    pub owner: Uuid,
    pub task: ServiceTask,
    pub trigger: Trigger,
    pub from: NaiveDate,
    pub since: NaiveDate,
    /// Guardians destroyed with this client: no task of their own, and no other client that is
    /// kept names them.
    pub with: Vec<Uuid>,
    pub family: Option<Uuid>,
}

impl DueItem {
    /// The rule as the destruction log writes it.
    pub fn rule(&self) -> String {
        let (years, trigger) = self.task.rule();
        format!(
            "{}: {years} years after {}",
            self.task.code(),
            trigger.code()
        )
    }
}

/// What a run found: the run's id, the clients due, and how many are kept for each reason.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub run: Uuid,
    pub due: Vec<DueItem>,
    pub kept: BTreeMap<&'static str, usize>,
    /// Guardians kept with their children, not counted among the kept.
    pub guardians: usize,
}

/// What an approval destroyed, and the items no longer due when it was carried out.
#[derive(Debug, Clone)]
pub struct Approval {
    pub destroyed: Vec<Destruction>,
    pub no_longer_due: usize,
}

fn facts(c: &ClientFacts) -> Facts<'_> {
    Facts {
        service_task: &c.service_task,
        birth: c.birth,
        closed_on: c.closed_on,
        died_on: c.died_on,
    }
}

/// The clients due on `today`, with the guardians that go with them; the kept counted by
/// reason.
fn due_items(
    all: &[ClientFacts],
    today: NaiveDate,
) -> (Vec<DueItem>, BTreeMap<&'static str, usize>, usize) {
    // Who names whom as a guardian.
    let mut named_by: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for c in all {
        for g in &c.guardians {
            named_by.entry(*g).or_default().push(c.id);
        }
    }
    let mut due = Vec::new();
    let mut kept: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut guardians = 0;
    let mut due_ids = HashSet::new();
    for c in all {
        // A guardian with no task of their own is held by their children.
        if c.service_task.trim().is_empty() && named_by.contains_key(&c.id) {
            guardians += 1;
            continue;
        }
        match verdict(&facts(c), today) {
            Verdict::Due {
                task,
                trigger,
                from,
                since,
            } => {
                due_ids.insert(c.id);
                due.push(DueItem {
                    client: c.id,
                    owner: c.owner,
                    task,
                    trigger,
                    from,
                    since,
                    with: Vec::new(),
                    family: c.family,
                });
            }
            Verdict::Kept { why, .. } => *kept.entry(why.code()).or_default() += 1,
        }
    }
    // Each guardian goes with the first of its children due, once all of them are.
    let mut placed = HashSet::new();
    for item in &mut due {
        let Some(c) = all.iter().find(|c| c.id == item.client) else {
            continue;
        };
        for g in &c.guardians {
            let own_task = all
                .iter()
                .any(|x| x.id == *g && !x.service_task.trim().is_empty());
            let all_due = named_by
                .get(g)
                .is_some_and(|v| v.iter().all(|k| due_ids.contains(k)));
            if !own_task && all_due && placed.insert(*g) {
                item.with.push(*g);
            }
        }
    }
    (due, kept, guardians)
}

impl Setup {
    /// Lists what is due for destruction today and keeps the list as a run to approve. Nothing
    /// is destroyed.
    pub async fn retention_proposal(&self) -> ServiceResult<Proposal> {
        let mut tx = self.db.begin().await?;
        let all = db::retention::client_facts(&mut tx).await?;
        let (due, kept, guardians) = due_items(&all, self.today());
        let run = Uuid::now_v7();
        let items = serde_json::to_string(&due)
            .map_err(|e| ServiceError::Internal(format!("retention run: {e}")))?;
        db::retention::insert_run(&mut tx, run, self.now(), &items).await?;
        let mut ev = system_event(AuditAction::List, RecordKind::Client);
        ev.purpose = Purpose::Administration;
        ev.details = format!("retention run {run}: {} due", due.len());
        ev.subjects = due
            .iter()
            .flat_map(|d| std::iter::once(d.client).chain(d.with.iter().copied()))
            .collect();
        self.record(&mut tx, ev).await?;
        tx.commit().await?;
        Ok(Proposal {
            run,
            due,
            kept,
            guardians,
        })
    }

    /// Carries out an approved run: each client still due is destroyed with the guardians that
    /// go with it, written to the destruction log with the approver and the rule, and to the
    /// access log. A run is carried out once.
    pub async fn approve_retention(&self, run: Uuid, approver: &str) -> ServiceResult<Approval> {
        let approver = approver.trim();
        if approver.is_empty() {
            return Err(ServiceError::Invalid(FieldErrors::single(
                "approver", "required",
            )));
        }
        let mut tx = self.db.begin().await?;
        let Some(r) = db::retention::get_run(&mut tx, run).await? else {
            return Err(ServiceError::NotFound);
        };
        let now = self.now();
        if !db::retention::approve_run(&mut tx, run, now, approver).await? {
            return Err(ServiceError::Invalid(FieldErrors::single(
                "run",
                "retention-run-approved",
            )));
        }
        let listed: Vec<DueItem> = serde_json::from_str(&r.items)
            .map_err(|e| ServiceError::Internal(format!("retention run {run}: {e}")))?;
        // Carried out on what is due now: a matter reopened since the list was made is kept.
        let all = db::retention::client_facts(&mut tx).await?;
        let (now_due, _, _) = due_items(&all, self.today());
        let mut destroyed = Vec::new();
        let mut no_longer_due = 0;
        for item in &listed {
            let Some(current) = now_due.iter().find(|d| d.client == item.client) else {
                no_longer_due += 1;
                continue;
            };
            let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
            for (id, family) in std::iter::once((current.client, current.family))
                .chain(current.with.iter().map(|g| (*g, None)))
            {
                for (table, n) in db::retention::destroy_client(&mut tx, id, family).await? {
                    *counts.entry(table).or_default() += n;
                }
            }
            let d = Destruction {
                id: Uuid::now_v7(),
                run_id: run,
                destroyed_at: now,
                approved_by: approver.to_owned(),
                register_owner: current.owner,
                client_id: current.client,
                service_task: current.task.code().to_owned(),
                rule: current.rule(),
                trigger_date: current.from,
                due_since: current.since,
                documents: counts
                    .iter()
                    .filter(|(_, n)| **n > 0)
                    .map(|(t, n)| format!("{t}={n}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            db::retention::insert_destruction(&mut tx, &d).await?;
            let mut ev = system_event(AuditAction::Destroy, RecordKind::Client);
            ev.actor_name = format!("retention: {approver}");
            ev.purpose = Purpose::Administration;
            ev.record_id = Some(current.client);
            ev.subject_id = Some(current.client);
            ev.register_owner = Some(current.owner);
            ev.subjects = current.with.clone();
            ev.details = format!("run {run}: {}; {}", d.rule, d.documents);
            self.record(&mut tx, ev).await?;
            destroyed.push(d);
        }
        tx.commit().await?;
        Ok(Approval {
            destroyed,
            no_longer_due,
        })
    }

    /// The destruction log, oldest first.
    pub async fn destruction_log(&self) -> ServiceResult<Vec<Destruction>> {
        let mut tx = self.db.begin_read().await?;
        let log = db::retention::destruction_log(&mut tx).await?;
        tx.rollback().await?;
        Ok(log)
    }
}
