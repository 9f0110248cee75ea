//! Delivery under a payment commitment: the service plan, the visits the provider's workers log
//! (one on the page, or a month at a time through the bulk API), their confirmation by the
//! client or a guardian (signed in, with a one-time code, or on paper), and the monthly report
//! that the social worker approves or returns. Every read and write is in the access log with
//! the client as its subject.

use crate::auth::event;
use crate::gate::{codes, Target};
use crate::password::sha256_hex;
use crate::{Service, ServiceError, ServiceResult};
use chrono::{Days, NaiveDate};
use db::doc::{self, Doc, Filter, Table};
use db::Tx;
use domain::access::{Action, Denial, Follow, Part, Resource};
use domain::application::Application;
use domain::audit::{AuditAction, AuditEvent, Outcome, Purpose, RecordKind};
use domain::client::Client;
use domain::commitment::Commitment;
use domain::delivery::{
    month_end, month_of, reminder, report_deadline, totals, GoalProgress, MonthlyReport, PlanForm,
    Reminder, ReportEvent, ReportForm, ReportStatus, ServicePlan, Totals,
};
use domain::org::{Actor, Role};
use domain::procurement::Lot;
use domain::requirement::Rule;
use domain::validate::FieldErrors;
use domain::visit::{
    accepted_by_default, admissible, check, earliest_allowed, may_confirm_own, week_of,
    Confirmation, ConfirmationState, ConfirmationWay, Flag, Limits, Visit, VisitForm, VisitRecord,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A commitment as delivery sees it: the version in force and what the checks need.
#[derive(Debug, Clone)]
pub struct Engagement {
    /// The version in force (accepted, or terminated early).
    pub id: Uuid,
    pub commitment: Commitment,
    pub purchaser: Uuid,
    /// Where the provider stands with it today (`domain::access::follow`).
    pub follow: Follow,
    /// From the first version's start to the version in force's end.
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub limits: Limits,
    /// The last day of the last approved month: no visit can be added or changed up to it.
    pub closed_until: Option<NaiveDate>,
    /// The admitted roster: staff id and name.
    pub roster: Vec<(Uuid, String)>,
    /// What the gate allowed on it, once it has been asked (the key to the client's data).
    pub grant: Option<domain::access::Grant>,
}

/// What became of one row of a bulk request, or of the one visit of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    Created,
    /// Sent before with the same content: nothing was written.
    Unchanged,
    Updated,
    Refused,
}

impl RowOutcome {
    pub fn code(&self) -> &'static str {
        match self {
            RowOutcome::Created => "created",
            RowOutcome::Unchanged => "unchanged",
            RowOutcome::Updated => "updated",
            RowOutcome::Refused => "refused",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RowResult {
    pub index: usize,
    pub provider_ref: Option<String>,
    pub outcome: RowOutcome,
    pub visit: Option<Uuid>,
    pub errors: FieldErrors,
    pub flags: Vec<Flag>,
    /// Set when the actor may not log visits under the row's commitment at all, so that a page
    /// answers as for any refused access; the bulk API reports it as the row's error.
    pub denied: Option<domain::access::Denial>,
}

/// One row of a bulk request: the commitment's number and the visit.
#[derive(Debug, Clone, Default)]
pub struct VisitRow {
    pub commitment: String,
    pub form: VisitForm,
}

/// A visit with its id, as pages show it.
#[derive(Debug, Clone)]
pub struct VisitItem {
    pub id: Uuid,
    pub record: VisitRecord,
}

/// The delivery page of a commitment and month.
#[derive(Debug, Clone)]
pub struct DeliveryView {
    pub engagement: Engagement,
    pub client_name: String,
    pub purchaser_name: String,
    pub provider_name: String,
    pub month: NaiveDate,
    pub visits: Vec<VisitItem>,
    pub totals: Totals,
    pub plan: Option<ServicePlan>,
    pub plan_versions: usize,
    pub report: Option<(Uuid, MonthlyReport)>,
    /// Whether the actor may log visits and write the report (the provider's staff).
    pub provider_side: bool,
    /// Whether the actor may approve or return the report (the purchaser's social workers).
    pub may_decide: bool,
    pub earliest: NaiveDate,
}

/// A visit as the client or a guardian sees it.
#[derive(Debug, Clone)]
pub struct FamilyVisit {
    pub id: Uuid,
    pub record: VisitRecord,
    pub child: String,
    pub provider: String,
    pub workers: Vec<String>,
    /// Whether it can still be confirmed or disputed (not yet answered, month not closed).
    pub open: bool,
}

/// What a one-time code shows before it is used: no names, only the visit.
#[derive(Debug, Clone)]
pub struct CodeVisit {
    pub record: VisitRecord,
    pub provider: String,
}

/// A report due or overdue, for the provider's home page.
#[derive(Debug, Clone)]
pub struct ReportReminder {
    pub commitment_number: String,
    pub month: NaiveDate,
    pub deadline: NaiveDate,
    pub reminder: Reminder,
}

/// What a use case does on a delivery: the policy's action, the log's action, the record
/// kind and the part of delivery it touches (each part has its own rule in the policy).
#[derive(Debug, Clone, Copy)]
struct Step {
    action: Action,
    audit: AuditAction,
    kind: RecordKind,
    part: Part,
}

impl Step {
    fn new(action: Action, audit: AuditAction, kind: RecordKind, part: Part) -> Step {
        Step {
            action,
            audit,
            kind,
            part,
        }
    }
}

/// Per (lot, admitted application): pair work above how many, and the roster with names.
type LotCache = HashMap<(Uuid, Uuid), (Option<u32>, Vec<(Uuid, String)>)>;

fn invalid(field: &str, code: &str) -> ServiceError {
    ServiceError::Invalid(FieldErrors::single(field, code))
}

fn pair_work_above(lot: &Lot) -> Option<u32> {
    lot.requirements.iter().find_map(|r| match r.rule {
        Rule::PairWork {
            more_than_participants,
        } => Some(more_than_participants),
        _ => None,
    })
}

/// The version in force among a commitment's versions (`domain::commitment::in_force`).
fn in_force(versions: &[Doc<Commitment>]) -> Option<&Doc<Commitment>> {
    let current = domain::commitment::in_force(versions.iter().map(|v| &v.data))?;
    versions.iter().find(|v| std::ptr::eq(&v.data, current))
}

impl Service {
    fn delivery_target(&self, kind: RecordKind, id: Option<Uuid>, e: &Engagement) -> Target {
        Target {
            kind,
            id,
            owner: Some(e.purchaser),
            subject: Some(e.commitment.client),
        }
    }

    fn delivery_event(
        &self,
        actor: Option<&Actor>,
        action: AuditAction,
        t: &Target,
        details: String,
    ) -> AuditEvent {
        let mut ev = event(actor, action, t.kind);
        ev.record_id = t.id;
        ev.register_owner = t.owner;
        ev.subject_id = t.subject;
        ev.purpose = Purpose::ClientWork;
        ev.details = details;
        ev
    }

    /// A refused or failed step, for the log.
    fn refused_event(
        &self,
        actor: Option<&Actor>,
        action: AuditAction,
        t: &Target,
        outcome: Outcome,
        details: String,
    ) -> AuditEvent {
        let mut ev = self.delivery_event(actor, action, t, details);
        ev.outcome = outcome;
        ev
    }

    /// Logs a refused one-time code on its own, after the try was rolled back: guessing must
    /// leave a trace.
    async fn log_code_refusal(&self, action: AuditAction, f: &FieldErrors) -> ServiceResult<()> {
        let mut tx = self.db.begin_read().await?;
        let t = Target {
            kind: RecordKind::Visit,
            id: None,
            owner: None,
            subject: None,
        };
        let ev = self.refused_event(
            None,
            action,
            &t,
            Outcome::Failed,
            format!("one-time code: {}", codes(f)),
        );
        self.record(&mut tx, ev).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn log_delivery(
        &self,
        tx: &mut Tx,
        actor: Option<&Actor>,
        action: AuditAction,
        t: &Target,
        details: String,
    ) -> ServiceResult<()> {
        let ev = self.delivery_event(actor, action, t, details);
        self.record(tx, ev).await?;
        Ok(())
    }

    /// Whether the actor is the client (old enough to confirm) or one of the guardians.
    async fn own_person(&self, tx: &mut Tx, actor: &Actor, client: Uuid) -> ServiceResult<bool> {
        let Some(person) = actor.person.filter(|_| actor.has(Role::ClientOrGuardian)) else {
            return Ok(false);
        };
        let Some(c) = db::client::keys(tx, client).await? else {
            return Ok(false);
        };
        if c.owner_id != actor.org_id {
            return Ok(false);
        }
        let age = self.today().years_since(c.birth_date).unwrap_or(0);
        Ok(c.guardians.contains(&person)
            || (person == client
                && may_confirm_own(age, self.settings.delivery.own_confirmation_age)))
    }

    /// The versions of the commitments with these numbers, by number.
    async fn commitments_by_number(
        &self,
        tx: &mut Tx,
        numbers: &[&str],
    ) -> ServiceResult<HashMap<String, Vec<Doc<Commitment>>>> {
        let mut unique: Vec<&str> = numbers.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let all: Vec<Doc<Commitment>> = db::client::commitments_by_numbers(tx, &unique).await?;
        let mut m: HashMap<String, Vec<Doc<Commitment>>> = HashMap::new();
        for c in all {
            m.entry(c.data.number.clone()).or_default().push(c);
        }
        Ok(m)
    }

    async fn engagement_of(
        &self,
        tx: &mut Tx,
        versions: &[Doc<Commitment>],
    ) -> ServiceResult<Engagement> {
        self.engagement_cached(tx, versions, &mut HashMap::new())
            .await
    }

    /// As `engagement_of`, with the lot's and the admitted application's part kept in `cache`:
    /// a bulk request has thousands of commitments under a handful of lots.
    async fn engagement_cached(
        &self,
        tx: &mut Tx,
        versions: &[Doc<Commitment>],
        cache: &mut LotCache,
    ) -> ServiceResult<Engagement> {
        let Some(c) = in_force(versions) else {
            return Err(invalid("commitment", "visit-commitment-not-accepted"));
        };
        let period = domain::commitment::period_in_force(versions.iter().map(|v| &v.data));
        let starts_on = period.map(|p| p.0).unwrap_or(c.data.starts_on);
        let follow = self.follow_period(period);
        let key = (c.data.lot, c.data.application);
        #[allow(clippy::map_entry)] // the value needs awaits that an entry would borrow across
        if !cache.contains_key(&key) {
            let lot: Option<Doc<Lot>> = doc::get(tx, Table::Lots, c.data.lot).await?;
            let app: Option<Doc<Application>> =
                doc::get(tx, Table::Applications, c.data.application).await?;
            let roster: Vec<(Uuid, String)> = match &app {
                Some(a) => a
                    .data
                    .roster
                    .iter()
                    .enumerate()
                    .map(|(i, id)| {
                        let name = a
                            .data
                            .roster_snapshot
                            .get(i)
                            .map(|s| s.name.clone())
                            .unwrap_or_default();
                        (*id, name)
                    })
                    .collect(),
                None => Vec::new(),
            };
            cache.insert(
                key,
                (lot.as_ref().and_then(|l| pair_work_above(&l.data)), roster),
            );
        }
        let (pair_work, roster) = cache.get(&key).cloned().unwrap_or_default();
        let reports = self.reports_of(tx, c.owner_id, &c.data).await?;
        let closed_until = reports
            .iter()
            .filter(|(_, r)| r.status == ReportStatus::Approved)
            .map(|(_, r)| month_end(r.month))
            .max();
        Ok(Engagement {
            id: c.id,
            purchaser: c.owner_id,
            follow,
            starts_on,
            ends_on: c.data.ends_on,
            limits: Limits {
                roster: roster.iter().map(|(id, _)| *id).collect(),
                min_minutes: None,
                max_minutes: None,
                pair_work_above: pair_work,
                hours_per_week: c.data.quantity_per_week,
            },
            closed_until,
            roster,
            commitment: c.data.clone(),
            grant: None,
        })
    }

    async fn engagement(&self, tx: &mut Tx, number: &str) -> ServiceResult<Engagement> {
        let versions: Vec<Doc<Commitment>> =
            db::client::commitments_by_numbers(tx, &[number.trim()]).await?;
        if versions.is_empty() {
            return Err(ServiceError::NotFound);
        }
        self.engagement_of(tx, &versions).await
    }

    async fn reports_of(
        &self,
        tx: &mut Tx,
        purchaser: Uuid,
        c: &Commitment,
    ) -> ServiceResult<Vec<(Uuid, MonthlyReport)>> {
        let docs: Vec<Doc<MonthlyReport>> = doc::list(
            tx,
            Table::MonthlyReports,
            Filter {
                owner: Some(purchaser),
                parent: Some(c.client),
                ..Filter::default()
            },
        )
        .await?;
        Ok(docs
            .into_iter()
            .filter(|d| d.data.commitment_number == c.number)
            .map(|d| (d.id, d.data))
            .collect())
    }

    /// The commitment with this number, if the actor may take this step on its delivery. A
    /// refusal is logged, and looks the same whether the commitment does not exist, belongs to
    /// others, or was never accepted.
    async fn enter(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        number: &str,
        step: Step,
    ) -> ServiceResult<Engagement> {
        if step.action != Action::Read {
            // A step that checks a state and then changes it runs alone (see `lock_head`).
            db::audit::lock_head(tx).await?;
        }
        let versions: Vec<Doc<Commitment>> =
            db::client::commitments_by_numbers(tx, &[number.trim()]).await?;
        let Some(newest) = versions.iter().max_by_key(|v| v.data.version) else {
            let t = Target {
                kind: step.kind,
                id: None,
                owner: None,
                subject: None,
            };
            return Err(self.missing(tx, actor, step.audit, &t).await);
        };
        if in_force(&versions).is_none() {
            // Sent or declined: there is no delivery. The policy refuses every step of it.
            let own_person = self.own_person(tx, actor, newest.data.client).await?;
            let t = Target {
                kind: step.kind,
                id: Some(newest.id),
                owner: Some(newest.owner_id),
                subject: Some(newest.data.client),
            };
            let res = Resource::Delivery {
                purchaser_id: newest.owner_id,
                provider_id: newest.data.provider,
                part: step.part,
                follow: Follow::NotInForce,
                own_person,
            };
            self.authorize(tx, actor, step.action, res, step.audit, &t)
                .await?;
            return Err(ServiceError::Internal(
                "the policy allowed delivery of a commitment never accepted".into(),
            ));
        }
        let mut e = self.engagement_of(tx, &versions).await?;
        e.grant = Some(self.authorize_delivery(tx, actor, &e, step).await?);
        Ok(e)
    }

    /// The policy's resource for a part of an engagement's delivery.
    fn delivery_resource(&self, e: &Engagement, part: Part, own_person: bool) -> Resource {
        Resource::Delivery {
            purchaser_id: e.purchaser,
            provider_id: e.commitment.provider,
            part,
            follow: e.follow,
            own_person,
        }
    }

    async fn authorize_delivery(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        e: &Engagement,
        step: Step,
    ) -> ServiceResult<domain::access::Grant> {
        let own_person = self.own_person(tx, actor, e.commitment.client).await?;
        let t = self.delivery_target(step.kind, Some(e.id), e);
        let res = self.delivery_resource(e, step.part, own_person);
        self.authorize(tx, actor, step.action, res, step.audit, &t)
            .await
    }

    /// Records visits: the page sends one, a provider's own system a month at a time. Each row
    /// gets its own result; valid rows are saved even when others are refused, refused rows are
    /// saved nowhere, and a row sent again with the same provider id is not counted twice.
    pub async fn record_visits(
        &self,
        actor: &Actor,
        rows: &[VisitRow],
    ) -> ServiceResult<Vec<RowResult>> {
        let today = self.today();
        let now = self.now();
        let earliest = earliest_allowed(today, self.settings.delivery.backdating_days);
        let mut tx = self.db.begin().await?;
        let r = async {
            // Checks read what is there; no other writer may add to it before this commits.
            db::audit::lock_head(&mut tx).await?;
            // Whether the actor sends visits at all; each row is then decided on its own.
            let t = Target {
                kind: RecordKind::Visit,
                id: None,
                owner: Some(actor.org_id),
                subject: None,
            };
            let batch = Resource::VisitBatch {
                org_id: actor.org_id,
            };
            self.authorize(
                &mut tx,
                actor,
                Action::Create,
                batch,
                AuditAction::Create,
                &t,
            )
            .await?;
            let numbers: Vec<&str> = rows.iter().map(|r| r.commitment.trim()).collect();
            let by_number = self.commitments_by_number(&mut tx, &numbers).await?;
            let known_numbers: Vec<&str> = by_number.keys().map(String::as_str).collect();
            // From the start of the earliest week or month a new visit can fall in: the weekly
            // and monthly checks need what those already hold.
            let history_from = week_of(earliest).min(month_of(earliest));
            let mut history =
                db::visit::for_commitments(&mut tx, &known_numbers, history_from, today).await?;
            // Per commitment: the engagement (or why none), and the minutes already counted per
            // day in the window, kept up to date as rows are accepted.
            struct Loaded {
                /// Or the code why no row may go under it, and the access refusal if it is one.
                e: Result<Engagement, (String, Option<domain::access::Denial>)>,
                days: HashMap<NaiveDate, i64>,
                keys: HashSet<(NaiveDate, chrono::NaiveTime, chrono::NaiveTime, Vec<Uuid>)>,
            }
            let mut loaded: HashMap<String, Loaded> = HashMap::new();
            let mut cache = HashMap::new();
            let refs: Vec<&str> = rows
                .iter()
                .map(|r| r.form.provider_ref.trim())
                .filter(|s| !s.is_empty())
                .collect();
            let known = if actor.org_kind.is_purchaser() {
                HashMap::new()
            } else {
                db::visit::by_refs(&mut tx, actor.org_id, &refs).await?
            };
            let mut seen_refs: HashSet<String> = HashSet::new();
            let mut results = Vec::with_capacity(rows.len());
            let mut inserts: Vec<(Uuid, VisitRecord)> = Vec::new();
            let mut events: Vec<AuditEvent> = Vec::new();
            for (index, row) in rows.iter().enumerate() {
                let number = row.commitment.trim().to_owned();
                let pref = Some(row.form.provider_ref.trim().to_owned()).filter(|s| !s.is_empty());
                let mut res = RowResult {
                    index,
                    provider_ref: pref.clone(),
                    outcome: RowOutcome::Refused,
                    visit: None,
                    errors: FieldErrors::default(),
                    flags: Vec::new(),
                    denied: None,
                };
                if !loaded.contains_key(&number) {
                    let e = match by_number.get(&number) {
                        None => Err(("visit-commitment-unknown".to_owned(), None)),
                        Some(versions) => match self
                            .engagement_cached(&mut tx, versions, &mut cache)
                            .await
                        {
                            Err(ServiceError::Invalid(f)) => Err((
                                f.0.first()
                                    .map(|e| e.code.clone())
                                    .unwrap_or_else(|| "invalid-input".into()),
                                None,
                            )),
                            Err(e) => return Err(e),
                            Ok(e) => {
                                let own_person =
                                    self.own_person(&mut tx, actor, e.commitment.client).await?;
                                let res = self.delivery_resource(&e, Part::Visits, own_person);
                                match self.policy(actor, Action::Create, res) {
                                    Err(d) => {
                                        // Refusals are logged per row, in the request's batch.
                                        let t = self.delivery_target(RecordKind::Visit, None, &e);
                                        events.push(self.refused_event(
                                            Some(actor),
                                            AuditAction::Create,
                                            &t,
                                            Outcome::Denied,
                                            format!("visits: {}", d.code()),
                                        ));
                                        if d == Denial::OutsidePeriod {
                                            Err(("visit-outside-commitment".to_owned(), None))
                                        } else {
                                            Err((d.code().to_owned(), Some(d)))
                                        }
                                    }
                                    Ok(()) => Ok(e),
                                }
                            }
                        },
                    };
                    let mut days = HashMap::new();
                    let mut keys = HashSet::new();
                    if e.is_ok() {
                        for s in history.remove(&number).unwrap_or_default() {
                            let v = &s.record.visit;
                            if v.status.billable() {
                                *days.entry(v.date).or_insert(0) += v.minutes();
                            }
                            keys.insert((v.date, v.start, v.end, sorted(&v.workers)));
                        }
                    }
                    loaded.insert(number.clone(), Loaded { e, days, keys });
                }
                let Some(l) = loaded.get_mut(&number) else {
                    continue;
                };
                let e = match &l.e {
                    Ok(e) => e,
                    Err((code, denied)) => {
                        res.errors.add("commitment", code);
                        res.denied = *denied;
                        results.push(res);
                        continue;
                    }
                };
                let visit = match row.form.validate(e.id) {
                    Ok(v) => v,
                    Err(f) => {
                        res.errors = f;
                        events.push(self.refusal_event(actor, e, &res));
                        results.push(res);
                        continue;
                    }
                };
                // The same row again is recognised before any rule: sending a month twice, even
                // after the month closed or the commitment changed version, counts nothing twice.
                let known_old = pref.as_ref().and_then(|r| known.get(r));
                if let Some(old) = known_old {
                    let mut same = visit.clone();
                    same.commitment = old.record.visit.commitment;
                    if same == old.record.visit && old.record.commitment_number == number {
                        if let Some(r) = &pref {
                            seen_refs.insert(r.clone());
                        }
                        res.outcome = RowOutcome::Unchanged;
                        res.visit = Some(old.id);
                        res.flags = old.record.flags.clone();
                        results.push(res);
                        continue;
                    }
                }
                if let Err(refusal) = admissible(
                    &visit,
                    today,
                    self.settings.delivery.backdating_days,
                    e.closed_until,
                    (e.starts_on, e.ends_on),
                ) {
                    let field = if refusal == domain::visit::Refusal::EndsBeforeStart {
                        "end"
                    } else {
                        "date"
                    };
                    res.errors.add(field, refusal.code());
                    events.push(self.refusal_event(actor, e, &res));
                    results.push(res);
                    continue;
                }
                if let Some(r) = &pref {
                    if !seen_refs.insert(r.clone()) {
                        res.errors.add("id", "visit-duplicate");
                        events.push(self.refusal_event(actor, e, &res));
                        results.push(res);
                        continue;
                    }
                }
                // The week's minutes without this visit.
                let week = week_of(visit.date);
                let week_minutes: i64 = (0..7)
                    .filter_map(|d| week.checked_add_days(Days::new(d)))
                    .map(|d| l.days.get(&d).copied().unwrap_or(0))
                    .sum();
                if let Some(old) = known_old {
                    let refusal = if e.closed_until.is_some_and(|c| old.record.visit.date <= c) {
                        Some(("date", "visit-period-closed"))
                    } else if old.record.confirmation.state != ConfirmationState::Unconfirmed
                        || old.record.commitment_number != number
                    {
                        Some(("id", "visit-already-confirmed"))
                    } else {
                        None
                    };
                    if let Some((field, code)) = refusal {
                        res.errors.add(field, code);
                        events.push(self.refusal_event(actor, e, &res));
                        results.push(res);
                        continue;
                    }
                    // A correction must not land on another visit's slot.
                    let old_key = (
                        old.record.visit.date,
                        old.record.visit.start,
                        old.record.visit.end,
                        sorted(&old.record.visit.workers),
                    );
                    let new_key = (visit.date, visit.start, visit.end, sorted(&visit.workers));
                    if new_key != old_key && l.keys.contains(&new_key) {
                        res.errors.add("date", "visit-duplicate");
                        events.push(self.refusal_event(actor, e, &res));
                        results.push(res);
                        continue;
                    }
                    l.keys.remove(&old_key);
                    l.keys.insert(new_key);
                    let old_minutes = if old.record.visit.status.billable() {
                        old.record.visit.minutes()
                    } else {
                        0
                    };
                    let same_week = week_of(old.record.visit.date) == week;
                    let flags = check(
                        &visit,
                        &e.limits,
                        week_minutes - if same_week { old_minutes } else { 0 },
                    );
                    let mut rec = old.record.clone();
                    if old.record.visit.status.billable() {
                        *l.days.entry(old.record.visit.date).or_insert(0) -= old_minutes;
                    }
                    if visit.status.billable() {
                        *l.days.entry(visit.date).or_insert(0) += visit.minutes();
                    }
                    let mut flags = flags;
                    flags.extend(month_check(&visit, &l.days, e));
                    rec.visit = visit;
                    rec.flags = flags.clone();
                    db::visit::update(&mut tx, old.id, &rec, now).await?;
                    let t = self.delivery_target(RecordKind::Visit, Some(old.id), e);
                    events.push(self.delivery_event(
                        Some(actor),
                        AuditAction::Update,
                        &t,
                        visit_details(&rec),
                    ));
                    res.outcome = RowOutcome::Updated;
                    res.visit = Some(old.id);
                    res.flags = flags;
                    results.push(res);
                    continue;
                }
                let key = (visit.date, visit.start, visit.end, sorted(&visit.workers));
                if !l.keys.insert(key) {
                    res.errors.add("date", "visit-duplicate");
                    events.push(self.refusal_event(actor, e, &res));
                    results.push(res);
                    continue;
                }
                let mut flags = check(&visit, &e.limits, week_minutes);
                if visit.status.billable() {
                    *l.days.entry(visit.date).or_insert(0) += visit.minutes();
                }
                flags.extend(month_check(&visit, &l.days, e));
                let id = Uuid::now_v7();
                let rec = VisitRecord {
                    commitment_number: number.clone(),
                    client: e.commitment.client,
                    purchaser: e.purchaser,
                    provider: e.commitment.provider,
                    provider_ref: pref.clone(),
                    flags: flags.clone(),
                    confirmation: Confirmation::default(),
                    logged_by: actor.username.clone(),
                    visit,
                };
                let t = self.delivery_target(RecordKind::Visit, Some(id), e);
                events.push(self.delivery_event(
                    Some(actor),
                    AuditAction::Create,
                    &t,
                    visit_details(&rec),
                ));
                inserts.push((id, rec));
                res.outcome = RowOutcome::Created;
                res.visit = Some(id);
                res.flags = flags;
                results.push(res);
            }
            let refs: Vec<(Uuid, &VisitRecord)> = inserts.iter().map(|(i, r)| (*i, r)).collect();
            db::visit::insert_many(&mut tx, &refs, now).await?;
            self.record_many(&mut tx, events, now).await?;
            Ok(results)
        }
        .await;
        self.finish(tx, r).await
    }

    fn refusal_event(&self, actor: &Actor, e: &Engagement, res: &RowResult) -> AuditEvent {
        let t = self.delivery_target(RecordKind::Visit, None, e);
        let reference = res
            .provider_ref
            .as_ref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        let details = format!("visit refused{reference}: {}", codes(&res.errors));
        self.refused_event(
            Some(actor),
            AuditAction::Create,
            &t,
            Outcome::Failed,
            details,
        )
    }

    /// A one-time code for the worker to hand over at the visit; only its hash is kept. The
    /// code is eight digits in two groups, easy to read aloud.
    pub async fn issue_code(&self, actor: &Actor, visit: Uuid) -> ServiceResult<String> {
        let mut tx = self.db.begin().await?;
        let r = async {
            let s = db::visit::get(&mut tx, visit).await?;
            let s = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Update,
                    RecordKind::Visit,
                    visit,
                    s,
                )
                .await?;
            let step = Step::new(
                Action::Update,
                AuditAction::Update,
                RecordKind::Visit,
                Part::Visits,
            );
            let e = self
                .enter(&mut tx, actor, &s.record.commitment_number, step)
                .await?;
            if s.record.confirmation.state != ConfirmationState::Unconfirmed {
                return Err(invalid("code", "visit-already-confirmed"));
            }
            let mut b = [0u8; 8];
            getrandom::fill(&mut b).map_err(|e| ServiceError::Internal(format!("random: {e}")))?;
            let n = u64::from_le_bytes(b) % 100_000_000;
            let code = format!("{:04}-{:04}", n / 10_000, n % 10_000);
            let expires =
                self.now() + chrono::Duration::days(self.settings.delivery.code_valid_days);
            // A new code voids the ones handed out before: only the latest is in anyone's hand.
            let voided = db::visit::void_codes(&mut tx, visit, self.now()).await?;
            db::visit::insert_code(&mut tx, &code_hash(&code), visit, expires, self.now()).await?;
            let t = self.delivery_target(RecordKind::Visit, Some(visit), &e);
            self.log_delivery(
                &mut tx,
                Some(actor),
                AuditAction::Update,
                &t,
                if voided > 0 {
                    format!("one-time confirmation code issued; {voided} earlier voided")
                } else {
                    "one-time confirmation code issued".into()
                },
            )
            .await?;
            Ok(code)
        }
        .await;
        self.finish(tx, r).await
    }

    /// The delivery page of a commitment for a month: plan, visits, totals and report.
    pub async fn delivery(
        &self,
        actor: &Actor,
        number: &str,
        month: NaiveDate,
    ) -> ServiceResult<DeliveryView> {
        let month = month_of(month);
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let step = Step::new(
                Action::Read,
                AuditAction::Read,
                RecordKind::Visit,
                Part::Page,
            );
            let e = self.enter(&mut tx, actor, number, step).await?;
            let visits: Vec<VisitItem> =
                db::visit::for_commitment(&mut tx, &e.commitment.number, month, month_end(month))
                    .await?
                    .into_iter()
                    .map(|s| VisitItem {
                        id: s.id,
                        record: self.effective(s.record),
                    })
                    .collect();
            let records: Vec<VisitRecord> = visits.iter().map(|v| v.record.clone()).collect();
            let t = totals(
                &records,
                month,
                (e.starts_on, e.ends_on),
                e.commitment.quantity_per_week,
                e.commitment.unit_price,
            );
            let plans = self.plans_of(&mut tx, &e).await?;
            let reports = self.reports_of(&mut tx, e.purchaser, &e.commitment).await?;
            let report = reports.into_iter().find(|(_, r)| r.month == month);
            let client: Option<Doc<Client>> = match &e.grant {
                Some(g) => db::client::get(&mut tx, g, e.commitment.client).await?,
                None => None,
            };
            let names = db::organisation::list(&mut tx).await?;
            let name_of = |id: Uuid| {
                names
                    .iter()
                    .find(|o| o.id == id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default()
            };
            // What the page offers is what the policy allows, asked the same way as the steps.
            let provider_side = self.may(
                actor,
                Action::Create,
                self.delivery_resource(&e, Part::Visits, false),
            );
            let may_decide = self.may(
                actor,
                Action::Decide,
                self.delivery_resource(&e, Part::Report, false),
            );
            let tt = self.delivery_target(RecordKind::Visit, Some(e.id), &e);
            self.log_delivery(
                &mut tx,
                Some(actor),
                AuditAction::Read,
                &tt,
                format!(
                    "delivery {} {}: {} visits",
                    e.commitment.number,
                    month.format("%Y-%m"),
                    visits.len()
                ),
            )
            .await?;
            Ok(DeliveryView {
                client_name: client.map(|c| c.data.name()).unwrap_or_default(),
                purchaser_name: name_of(e.purchaser),
                provider_name: name_of(e.commitment.provider),
                month,
                visits,
                totals: t,
                plan_versions: plans.len(),
                plan: plans.into_iter().last(),
                report,
                provider_side,
                may_decide,
                earliest: earliest_allowed(self.today(), self.settings.delivery.backdating_days)
                    .max(e.starts_on),
                engagement: e,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    /// An unconfirmed visit counts as accepted once the purchaser's days have passed (if set).
    fn effective(&self, mut r: VisitRecord) -> VisitRecord {
        if r.confirmation.state == ConfirmationState::Unconfirmed
            && accepted_by_default(
                r.visit.date,
                self.today(),
                self.settings.delivery.accept_after_days,
            )
        {
            r.confirmation.state = ConfirmationState::AcceptedByDefault;
            r.confirmation.way = Some(ConfirmationWay::Timeout);
        }
        r
    }

    async fn plans_of(&self, tx: &mut Tx, e: &Engagement) -> ServiceResult<Vec<ServicePlan>> {
        let docs: Vec<Doc<ServicePlan>> = doc::list(
            tx,
            Table::ServicePlans,
            Filter {
                owner: Some(e.purchaser),
                parent: Some(e.commitment.client),
                ..Filter::default()
            },
        )
        .await?;
        let mut v: Vec<ServicePlan> = docs
            .into_iter()
            .map(|d| d.data)
            .filter(|p| p.commitment_number == e.commitment.number)
            .collect();
        v.sort_by_key(|p| p.version);
        Ok(v)
    }

    /// Saves the service plan as a new version (the provider's staff or the social worker).
    pub async fn save_plan(
        &self,
        actor: &Actor,
        number: &str,
        form: &PlanForm,
    ) -> ServiceResult<u32> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let step = Step::new(
                Action::Update,
                AuditAction::Update,
                RecordKind::ServicePlan,
                Part::Plan,
            );
            let e = self.enter(&mut tx, actor, number, step).await?;
            target = Some(self.delivery_target(RecordKind::ServicePlan, None, &e));
            let (
                meeting_date,
                participants,
                goals,
                estimated_duration,
                weekly_hours,
                evaluation_date,
            ) = form.validate().map_err(ServiceError::Invalid)?;
            let plans = self.plans_of(&mut tx, &e).await?;
            let version = plans.last().map(|p| p.version + 1).unwrap_or(1);
            let plan = ServicePlan {
                commitment_number: e.commitment.number.clone(),
                client: e.commitment.client,
                provider: e.commitment.provider,
                version,
                meeting_date,
                participants,
                goals,
                estimated_duration,
                weekly_hours,
                evaluation_date,
                saved_by: actor.display_name.clone(),
                saved_on: self.today(),
            };
            let id = Uuid::now_v7();
            doc::insert(
                &mut tx,
                Table::ServicePlans,
                id,
                e.purchaser,
                Some(e.commitment.client),
                "current",
                &plan,
                self.now(),
            )
            .await?;
            let t = self.delivery_target(RecordKind::ServicePlan, Some(id), &e);
            self.log_delivery(
                &mut tx,
                Some(actor),
                AuditAction::Create,
                &t,
                format!("service plan {} version {version}", e.commitment.number),
            )
            .await?;
            Ok(version)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    /// Every version of the plan, oldest first.
    pub async fn plan_versions(
        &self,
        actor: &Actor,
        number: &str,
    ) -> ServiceResult<Vec<ServicePlan>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let step = Step::new(
                Action::Read,
                AuditAction::Read,
                RecordKind::ServicePlan,
                Part::Plan,
            );
            let e = self.enter(&mut tx, actor, number, step).await?;
            let plans = self.plans_of(&mut tx, &e).await?;
            let t = self.delivery_target(RecordKind::ServicePlan, None, &e);
            self.log_delivery(
                &mut tx,
                Some(actor),
                AuditAction::Read,
                &t,
                format!(
                    "service plan {}: {} versions",
                    e.commitment.number,
                    plans.len()
                ),
            )
            .await?;
            Ok(plans)
        }
        .await;
        self.finish(tx, r).await
    }

    /// The people whose visits a client's or guardian's account sees: its own (when old
    /// enough) and its children's.
    async fn family_clients(&self, tx: &mut Tx, actor: &Actor) -> ServiceResult<Vec<Doc<Client>>> {
        let t = Target {
            kind: RecordKind::Visit,
            id: None,
            owner: Some(actor.org_id),
            subject: None,
        };
        let grant = self
            .authorize(
                tx,
                actor,
                Action::List,
                Resource::FamilyVisits,
                AuditAction::List,
                &t,
            )
            .await?;
        let Some(person) = actor.person else {
            return Ok(Vec::new());
        };
        let all: Vec<Doc<Client>> = db::client::list(tx, &grant, None).await?;
        let age = self.settings.delivery.own_confirmation_age;
        Ok(all
            .into_iter()
            .filter(|c| {
                c.data.guardians.contains(&person)
                    || (c.id == person && may_confirm_own(c.data.age_on(self.today()), age))
            })
            .collect())
    }

    /// The visits a client or guardian sees: their own and their children's, newest first.
    pub async fn family_visits(&self, actor: &Actor) -> ServiceResult<Vec<FamilyVisit>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let clients = self.family_clients(&mut tx, actor).await?;
            let ids: Vec<Uuid> = clients.iter().map(|c| c.id).collect();
            let from = self.today() - Days::new(400);
            let stored = db::visit::for_clients(&mut tx, &ids, from).await?;
            let numbers: Vec<&str> = stored
                .iter()
                .map(|s| s.record.commitment_number.as_str())
                .collect();
            let by_number = self.commitments_by_number(&mut tx, &numbers).await?;
            let names = db::organisation::list(&mut tx).await?;
            let mut closed: HashMap<String, Option<NaiveDate>> = HashMap::new();
            let mut rosters: HashMap<String, Vec<(Uuid, String)>> = HashMap::new();
            let mut out = Vec::new();
            for s in stored {
                let number = s.record.commitment_number.clone();
                if !closed.contains_key(&number) {
                    let e = match by_number.get(&number) {
                        Some(v) => self.engagement_of(&mut tx, v).await.ok(),
                        None => None,
                    };
                    closed.insert(number.clone(), e.as_ref().and_then(|e| e.closed_until));
                    rosters.insert(number.clone(), e.map(|e| e.roster).unwrap_or_default());
                }
                let record = self.effective(s.record);
                let closed_until = closed.get(&number).copied().flatten();
                let open = record.confirmation.state == ConfirmationState::Unconfirmed
                    && closed_until.is_none_or(|c| record.visit.date > c);
                let roster = rosters.get(&number).cloned().unwrap_or_default();
                out.push(FamilyVisit {
                    id: s.id,
                    child: clients
                        .iter()
                        .find(|c| c.id == record.client)
                        .map(|c| c.data.first_name.clone())
                        .unwrap_or_default(),
                    provider: names
                        .iter()
                        .find(|o| o.id == record.provider)
                        .map(|o| o.name.clone())
                        .unwrap_or_default(),
                    workers: record
                        .visit
                        .workers
                        .iter()
                        .map(|w| {
                            roster
                                .iter()
                                .find(|(id, _)| id == w)
                                .map(|(_, n)| n.clone())
                                .unwrap_or_default()
                        })
                        .collect(),
                    open,
                    record,
                });
            }
            for c in &clients {
                let mut ev = event(Some(actor), AuditAction::List, RecordKind::Visit);
                ev.purpose = Purpose::ClientWork;
                ev.register_owner = Some(c.owner_id);
                ev.subject_id = Some(c.id);
                ev.details = format!(
                    "family visits: {} shown",
                    out.iter().filter(|v| v.record.client == c.id).count()
                );
                self.record(&mut tx, ev).await?;
            }
            Ok(out)
        }
        .await;
        self.finish(tx, r).await
    }

    /// Confirms or disputes a visit as the client or a guardian, signed in.
    pub async fn answer_visit(
        &self,
        actor: &Actor,
        visit: Uuid,
        confirm: bool,
        reason: &str,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let s = db::visit::get(&mut tx, visit).await?;
            let s = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Update,
                    RecordKind::Visit,
                    visit,
                    s,
                )
                .await?;
            let step = Step::new(
                Action::Decide,
                AuditAction::Update,
                RecordKind::Visit,
                Part::Answer,
            );
            let e = self
                .enter(&mut tx, actor, &s.record.commitment_number, step)
                .await?;
            target = Some(self.delivery_target(RecordKind::Visit, Some(visit), &e));
            self.answer(
                &mut tx,
                Some(actor),
                &e,
                visit,
                s.record,
                confirm,
                reason,
                ConfirmationWay::Account,
                &actor.display_name,
            )
            .await
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn answer(
        &self,
        tx: &mut Tx,
        actor: Option<&Actor>,
        e: &Engagement,
        visit: Uuid,
        mut rec: VisitRecord,
        confirm: bool,
        reason: &str,
        way: ConfirmationWay,
        by: &str,
    ) -> ServiceResult<()> {
        if rec.confirmation.state != ConfirmationState::Unconfirmed {
            return Err(invalid("visit", "visit-already-confirmed"));
        }
        if e.closed_until.is_some_and(|c| rec.visit.date <= c) {
            return Err(invalid("visit", "visit-period-closed"));
        }
        let reason = reason.trim();
        if !confirm && reason.is_empty() {
            return Err(invalid("reason", "dispute-reason-required"));
        }
        if reason.chars().count() > 1000 {
            return Err(invalid("reason", "too-long"));
        }
        rec.confirmation = Confirmation {
            state: if confirm {
                ConfirmationState::Confirmed
            } else {
                ConfirmationState::Disputed
            },
            way: Some(way),
            by: by.to_owned(),
            on: Some(self.today()),
            reason: reason.to_owned(),
            document: None,
        };
        // Only an unconfirmed visit changes: two answers at once cannot both count.
        if !db::visit::update_unconfirmed(tx, visit, &rec, self.now()).await? {
            return Err(invalid("visit", "visit-already-confirmed"));
        }
        let t = self.delivery_target(RecordKind::Visit, Some(visit), e);
        self.log_delivery(
            tx,
            actor,
            AuditAction::Update,
            &t,
            format!(
                "visit {} {} ({:?})",
                rec.visit.date,
                rec.confirmation.state.code(),
                way
            ),
        )
        .await
    }

    /// Refuses a try from `from` while its address, or everyone together, has failed too often.
    async fn code_throttled(&self, from: &str, action: AuditAction) -> ServiceResult<()> {
        use crate::throttle::Kind;
        let (s, now) = (&self.settings.throttle, self.now());
        if self.throttle.blocked(s, Kind::CodeFromAddress, from, now)
            || self.throttle.blocked(s, Kind::CodeFromAll, "", now)
        {
            self.log_code_refusal(action, &FieldErrors::single("code", "too-many-tries"))
                .await?;
            return Err(ServiceError::Throttled);
        }
        Ok(())
    }

    /// Logs a refused code with its real reason, counts it against the address, and hands back
    /// one error whatever the reason: a guesser must not learn that a code exists but was used
    /// or has expired.
    async fn code_refused<T>(
        &self,
        r: ServiceResult<T>,
        from: &str,
        action: AuditAction,
    ) -> ServiceResult<T> {
        use crate::throttle::Kind;
        let Err(ServiceError::Invalid(f)) = &r else {
            return r;
        };
        self.log_code_refusal(action, f).await?;
        let code_refused = f.get("code").is_some();
        if !code_refused {
            return r;
        }
        let (s, now) = (&self.settings.throttle, self.now());
        self.throttle.failed(s, Kind::CodeFromAddress, from, now);
        self.throttle.failed(s, Kind::CodeFromAll, "", now);
        Err(invalid("code", "code-invalid"))
    }

    /// What a one-time code is for, before it is used. Unknown, used and expired codes get one
    /// message; every try is logged with its reason; wrong tries are limited per client address
    /// `from` and from everywhere together.
    pub async fn code_visit(&self, code: &str, from: &str) -> ServiceResult<CodeVisit> {
        self.code_throttled(from, AuditAction::Read).await?;
        let r = self.code_visit_checked(code).await;
        self.code_refused(r, from, AuditAction::Read).await
    }

    async fn code_visit_checked(&self, code: &str) -> ServiceResult<CodeVisit> {
        let mut tx = self.db.begin().await?;
        let r = async {
            let (s, _) = self.check_code(&mut tx, code).await?;
            let mut ev = event(None, AuditAction::Read, RecordKind::Visit);
            ev.purpose = Purpose::ClientWork;
            ev.record_id = Some(s.id);
            ev.register_owner = Some(s.record.purchaser);
            ev.subject_id = Some(s.record.client);
            ev.details = "visit shown for a one-time code".into();
            self.record(&mut tx, ev).await?;
            let names = db::organisation::list(&mut tx).await?;
            Ok(CodeVisit {
                provider: names
                    .iter()
                    .find(|o| o.id == s.record.provider)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                record: s.record,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    async fn check_code(
        &self,
        tx: &mut Tx,
        code: &str,
    ) -> ServiceResult<(db::visit::Stored, String)> {
        let normalized: String = code.chars().filter(char::is_ascii_digit).collect();
        if normalized.len() != 8 {
            return Err(invalid("code", "code-unknown"));
        }
        let hash = code_hash(&normalized);
        let Some(c) = db::visit::code(tx, &hash).await? else {
            return Err(invalid("code", "code-unknown"));
        };
        if c.used_at.is_some() {
            return Err(invalid("code", "code-used"));
        }
        if c.expires_at <= self.now() {
            return Err(invalid("code", "code-expired"));
        }
        let s = db::visit::get(tx, c.visit)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok((s, hash))
    }

    /// Confirms or disputes a visit with the one-time code the worker handed over; the code is
    /// then used up. `name` is who answers, as they typed it.
    pub async fn answer_with_code(
        &self,
        code: &str,
        confirm: bool,
        reason: &str,
        name: &str,
        from: &str,
    ) -> ServiceResult<()> {
        self.code_throttled(from, AuditAction::Update).await?;
        let r = self
            .answer_with_code_checked(code, confirm, reason, name)
            .await;
        self.code_refused(r, from, AuditAction::Update).await
    }

    async fn answer_with_code_checked(
        &self,
        code: &str,
        confirm: bool,
        reason: &str,
        name: &str,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let r = async {
            db::audit::lock_head(&mut tx).await?;
            let (s, hash) = self.check_code(&mut tx, code).await?;
            let name = name.trim();
            if name.is_empty() {
                return Err(invalid("name", "required"));
            }
            let e = self
                .engagement(&mut tx, &s.record.commitment_number)
                .await?;
            if !db::visit::use_code(&mut tx, &hash, self.now()).await? {
                return Err(invalid("code", "code-used"));
            }
            let by: String = name.chars().take(100).collect();
            self.answer(
                &mut tx,
                None,
                &e,
                s.id,
                s.record,
                confirm,
                reason,
                ConfirmationWay::Code,
                &by,
            )
            .await
        }
        .await;
        self.finish(tx, r).await
    }

    /// The provider uploads a report the family signed on paper and marks its visits
    /// paper-confirmed. Visits already answered are left as they are and named in the error.
    #[allow(clippy::too_many_arguments)]
    pub async fn paper_confirm(
        &self,
        actor: &Actor,
        number: &str,
        visits: &[Uuid],
        filename: &str,
        content_type: &str,
        bytes: Vec<u8>,
        signed_by: &str,
    ) -> ServiceResult<usize> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let step = Step::new(
                Action::Update,
                AuditAction::Update,
                RecordKind::Visit,
                Part::Visits,
            );
            let e = self.enter(&mut tx, actor, number, step).await?;
            target = Some(self.delivery_target(RecordKind::Visit, None, &e));
            let mut errs = FieldErrors::default();
            if bytes.is_empty() {
                errs.add("file", "file-required");
            }
            if visits.is_empty() {
                errs.add("visits", "visits-required");
            }
            let signed_by = signed_by.trim();
            if signed_by.is_empty() {
                errs.add("signed_by", "required");
            }
            if !errs.is_empty() {
                return Err(ServiceError::Invalid(errs));
            }
            let doc_id = Uuid::now_v7();
            let mut changed = Vec::new();
            for id in visits {
                let s = db::visit::get(&mut tx, *id)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                if s.record.commitment_number != e.commitment.number {
                    return Err(ServiceError::NotFound);
                }
                if e.closed_until.is_some_and(|c| s.record.visit.date <= c) {
                    return Err(invalid("visits", "visit-period-closed"));
                }
                if s.record.confirmation.state != ConfirmationState::Unconfirmed {
                    return Err(invalid("visits", "visit-already-confirmed"));
                }
                changed.push(s);
            }
            let sha = {
                use sha2::{Digest, Sha256};
                hex::encode(Sha256::digest(&bytes))
            };
            db::visit::insert_attachment(
                &mut tx,
                &db::visit::Attachment {
                    id: doc_id,
                    owner_id: e.purchaser,
                    parent_id: Some(e.commitment.client),
                    uploaded_by: actor.org_id,
                    filename: filename.chars().take(200).collect(),
                    content_type: content_type.chars().take(100).collect(),
                    sha256: sha,
                    bytes,
                },
                self.now(),
            )
            .await?;
            let n = changed.len();
            for mut s in changed {
                s.record.confirmation = Confirmation {
                    state: ConfirmationState::PaperConfirmed,
                    way: Some(ConfirmationWay::Paper),
                    by: signed_by.chars().take(100).collect(),
                    on: Some(self.today()),
                    reason: String::new(),
                    document: Some(doc_id),
                };
                if !db::visit::update_unconfirmed(&mut tx, s.id, &s.record, self.now()).await? {
                    return Err(invalid("visits", "visit-already-confirmed"));
                }
                let t = self.delivery_target(RecordKind::Visit, Some(s.id), &e);
                self.log_delivery(
                    &mut tx,
                    Some(actor),
                    AuditAction::Update,
                    &t,
                    format!(
                        "visit {} paper_confirmed, document {doc_id}",
                        s.record.visit.date
                    ),
                )
                .await?;
            }
            Ok(n)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    /// Saves the provider's monthly report; `submit` sends it to the social worker. Submitting
    /// with unconfirmed visits is allowed, but the report keeps which they were.
    pub async fn save_report(
        &self,
        actor: &Actor,
        number: &str,
        month: NaiveDate,
        form: &ReportForm,
        submit: bool,
    ) -> ServiceResult<Uuid> {
        let month = month_of(month);
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let step = Step::new(
                Action::Update,
                AuditAction::Update,
                RecordKind::MonthlyReport,
                Part::Report,
            );
            let e = self.enter(&mut tx, actor, number, step).await?;
            target = Some(self.delivery_target(RecordKind::MonthlyReport, None, &e));
            if month > month_of(self.today()) || month_end(month) < e.starts_on || month > e.ends_on
            {
                return Err(invalid("month", "report-month-outside"));
            }
            if submit && month_end(month) >= self.today() && month_end(month) < e.ends_on {
                return Err(invalid("month", "report-month-not-over"));
            }
            let plans = self.plans_of(&mut tx, &e).await?;
            let goals = plans.last().map(|p| p.goals.clone()).unwrap_or_default();
            let (progress, summary) = form
                .validate(&goals, submit)
                .map_err(ServiceError::Invalid)?;
            let reports = self.reports_of(&mut tx, e.purchaser, &e.commitment).await?;
            let existing = reports.into_iter().find(|(_, r)| r.month == month);
            if let Some((_, r)) = &existing {
                if !r.status.editable() {
                    return Err(invalid("status", "step-not-possible"));
                }
            }
            let visits =
                db::visit::for_commitment(&mut tx, &e.commitment.number, month, month_end(month))
                    .await?;
            let unconfirmed: Vec<Uuid> = visits
                .iter()
                .filter(|s| {
                    self.effective(s.record.clone()).confirmation.state
                        == ConfirmationState::Unconfirmed
                })
                .map(|s| s.id)
                .collect();
            let status = if submit {
                ReportStatus::Submitted
            } else {
                existing
                    .as_ref()
                    .map(|(_, r)| r.status)
                    .unwrap_or(ReportStatus::Draft)
            };
            let mut history = existing
                .as_ref()
                .map(|(_, r)| r.history.clone())
                .unwrap_or_default();
            history.push(ReportEvent {
                on: self.today(),
                status,
                by: actor.display_name.clone(),
                note: String::new(),
            });
            let report = MonthlyReport {
                commitment_number: e.commitment.number.clone(),
                client: e.commitment.client,
                provider: e.commitment.provider,
                month,
                status,
                progress: progress.into_iter().map(|p| GoalProgress { ..p }).collect(),
                gone_through_with_family: form.gone_through_with_family,
                summary,
                deadline: report_deadline(month, self.settings.delivery.report_deadline_day),
                submitted_on: if submit {
                    Some(self.today())
                } else {
                    existing.as_ref().and_then(|(_, r)| r.submitted_on)
                },
                unconfirmed_at_submission: if submit {
                    unconfirmed
                } else {
                    existing
                        .as_ref()
                        .map(|(_, r)| r.unconfirmed_at_submission.clone())
                        .unwrap_or_default()
                },
                comments: existing
                    .as_ref()
                    .map(|(_, r)| r.comments.clone())
                    .unwrap_or_default(),
                history,
            };
            let id = match &existing {
                Some((id, _)) => {
                    doc::update(
                        &mut tx,
                        Table::MonthlyReports,
                        *id,
                        status.code(),
                        &report,
                        self.now(),
                    )
                    .await?;
                    *id
                }
                None => {
                    let id = Uuid::now_v7();
                    doc::insert(
                        &mut tx,
                        Table::MonthlyReports,
                        id,
                        e.purchaser,
                        Some(e.commitment.client),
                        status.code(),
                        &report,
                        self.now(),
                    )
                    .await?;
                    id
                }
            };
            let t = self.delivery_target(RecordKind::MonthlyReport, Some(id), &e);
            self.log_delivery(
                &mut tx,
                Some(actor),
                if existing.is_some() {
                    AuditAction::Update
                } else {
                    AuditAction::Create
                },
                &t,
                format!(
                    "report {} {} {}; {} unconfirmed",
                    e.commitment.number,
                    month.format("%Y-%m"),
                    status.code(),
                    report.unconfirmed_at_submission.len()
                ),
            )
            .await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    /// The social worker approves a submitted report, which closes the month to new and changed
    /// visits, or returns it with comments.
    pub async fn decide_report(
        &self,
        actor: &Actor,
        number: &str,
        month: NaiveDate,
        approve: bool,
        comments: &str,
    ) -> ServiceResult<()> {
        let month = month_of(month);
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let step = Step::new(
                Action::Decide,
                AuditAction::Update,
                RecordKind::MonthlyReport,
                Part::Report,
            );
            let e = self.enter(&mut tx, actor, number, step).await?;
            target = Some(self.delivery_target(RecordKind::MonthlyReport, None, &e));
            let reports = self.reports_of(&mut tx, e.purchaser, &e.commitment).await?;
            let Some((id, mut report)) = reports.into_iter().find(|(_, r)| r.month == month) else {
                return Err(ServiceError::NotFound);
            };
            if report.status != ReportStatus::Submitted {
                return Err(invalid("status", "step-not-possible"));
            }
            let comments = comments.trim();
            if !approve && comments.is_empty() {
                return Err(invalid("comments", "comments-required"));
            }
            report.status = if approve {
                ReportStatus::Approved
            } else {
                ReportStatus::Returned
            };
            report.comments = comments.chars().take(4000).collect();
            report.history.push(ReportEvent {
                on: self.today(),
                status: report.status,
                by: actor.display_name.clone(),
                note: report.comments.clone(),
            });
            doc::update(
                &mut tx,
                Table::MonthlyReports,
                id,
                report.status.code(),
                &report,
                self.now(),
            )
            .await?;
            let t = self.delivery_target(RecordKind::MonthlyReport, Some(id), &e);
            self.log_delivery(
                &mut tx,
                Some(actor),
                AuditAction::Update,
                &t,
                format!(
                    "report {} {} {}",
                    e.commitment.number,
                    month.format("%Y-%m"),
                    report.status.code()
                ),
            )
            .await?;
            Ok(())
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    /// Reports the provider's organisation owes: due within a week, or overdue. Only months
    /// that have ended and lie in a commitment's period count.
    pub async fn report_reminders(&self, actor: &Actor) -> ServiceResult<Vec<ReportReminder>> {
        if actor.org_kind.is_purchaser() {
            return Ok(Vec::new());
        }
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let today = self.today();
            let all: Vec<Doc<Commitment>> =
                doc::list(&mut tx, Table::Commitments, Filter::default()).await?;
            let mut by_number: HashMap<String, Vec<Doc<Commitment>>> = HashMap::new();
            for c in all.into_iter().filter(|c| c.data.provider == actor.org_id) {
                by_number.entry(c.data.number.clone()).or_default().push(c);
            }
            let mut out = Vec::new();
            for versions in by_number.values() {
                let Some(c) = in_force(versions) else {
                    continue;
                };
                if c.data.provider != actor.org_id {
                    continue;
                }
                let reports = self.reports_of(&mut tx, c.owner_id, &c.data).await?;
                // The last two ended months: older ones are the social worker's to chase.
                let this_month = month_of(today);
                for back in 1..=2u32 {
                    let Some(month) = this_month.checked_sub_months(chrono::Months::new(back))
                    else {
                        continue;
                    };
                    if month_end(month) < c.data.starts_on || month > c.data.ends_on {
                        continue;
                    }
                    let submitted = reports.iter().any(|(_, r)| {
                        r.month == month
                            && matches!(r.status, ReportStatus::Submitted | ReportStatus::Approved)
                    });
                    let deadline =
                        report_deadline(month, self.settings.delivery.report_deadline_day);
                    if let Some(rem) = reminder(deadline, today, submitted) {
                        out.push(ReportReminder {
                            commitment_number: c.data.number.clone(),
                            month,
                            deadline,
                            reminder: rem,
                        });
                    }
                }
            }
            out.sort_by(|a, b| {
                (a.deadline, &a.commitment_number).cmp(&(b.deadline, &b.commitment_number))
            });
            Ok(out)
        }
        .await;
        // Reminders show numbers and months only, no client data: nothing to log.
        self.finish(tx, r).await
    }

    /// Reports waiting for the purchaser's social workers.
    pub async fn submitted_reports(
        &self,
        actor: &Actor,
    ) -> ServiceResult<Vec<(Uuid, MonthlyReport)>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let t = Target {
                kind: RecordKind::MonthlyReport,
                id: None,
                owner: Some(actor.org_id),
                subject: None,
            };
            self.authorize(
                &mut tx,
                actor,
                Action::List,
                Resource::Reports {
                    org_id: actor.org_id,
                },
                AuditAction::List,
                &t,
            )
            .await?;
            let docs: Vec<Doc<MonthlyReport>> = doc::list(
                &mut tx,
                Table::MonthlyReports,
                Filter {
                    owner: Some(actor.org_id),
                    status: Some(ReportStatus::Submitted.code()),
                    ..Filter::default()
                },
            )
            .await?;
            self.log_shown(
                &mut tx,
                actor,
                AuditAction::List,
                &t,
                format!("{} submitted reports shown", docs.len()),
                docs.iter().filter_map(|d| d.parent_id).collect(),
            )
            .await?;
            Ok(docs.into_iter().map(|d| (d.id, d.data)).collect())
        }
        .await;
        self.finish(tx, r).await
    }

    /// Gives a client or guardian of the register an account of their own (local for now).
    pub async fn create_person_account(
        &self,
        actor: &Actor,
        person: Uuid,
        username: &str,
        password: &str,
    ) -> ServiceResult<Uuid> {
        let mut tx = self.db.begin().await?;
        let r = async {
            let Some(owner) = db::client::owner_of(&mut tx, person).await? else {
                let t = Target {
                    kind: RecordKind::User,
                    id: None,
                    owner: None,
                    subject: Some(person),
                };
                return Err(self.missing(&mut tx, actor, AuditAction::Create, &t).await);
            };
            let t = Target {
                kind: RecordKind::User,
                id: None,
                owner: Some(owner),
                subject: Some(person),
            };
            let grant = self
                .authorize(
                    &mut tx,
                    actor,
                    Action::Update,
                    Resource::Client {
                        purchaser_id: owner,
                        follow: Follow::NotInForce,
                    },
                    AuditAction::Create,
                    &t,
                )
                .await?;
            let c: Doc<Client> = db::client::get(&mut tx, &grant, person)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let username = username.trim().to_lowercase();
            let mut errs = FieldErrors::default();
            if username.len() < 3 || username.len() > 100 {
                errs.add("username", "username-format");
            } else if db::user::id_by_username(&mut tx, &username)
                .await?
                .is_some()
            {
                errs.add("username", "username-taken");
            }
            if password.chars().count() < 12 {
                errs.add("password", "password-too-short");
            }
            if !errs.is_empty() {
                return Err(ServiceError::Invalid(errs));
            }
            let id = Uuid::now_v7();
            let hash = crate::password::hash(password)?;
            db::user::insert(
                &mut tx,
                &db::user::NewUser {
                    id,
                    organisation_id: c.owner_id,
                    username: &username,
                    display_name: &c.data.name(),
                    email: "",
                    language: c.data.language,
                    password_hash: &hash,
                },
                self.now(),
            )
            .await?;
            db::user::set_person(&mut tx, id, person).await?;
            db::user::set_roles(
                &mut tx,
                id,
                &[Role::ClientOrGuardian],
                Some(actor.user_id),
                self.now(),
            )
            .await?;
            let t = Target { id: Some(id), ..t };
            let mut ev = self.ev(actor, AuditAction::Create, &t);
            ev.purpose = Purpose::ClientWork;
            ev.details = format!("account {username} for a client or guardian");
            self.record(&mut tx, ev).await?;
            Ok(id)
        }
        .await;
        self.finish(tx, r).await
    }
}

/// The month's flag for a visit, from the minutes per day already counted (this visit included).
fn month_check(v: &Visit, days: &HashMap<NaiveDate, i64>, e: &Engagement) -> Option<Flag> {
    let month = month_of(v.date);
    let minutes: i64 = days
        .iter()
        .filter(|(d, _)| month_of(**d) == month)
        .map(|(_, m)| m)
        .sum();
    let allowed = domain::delivery::allowed_minutes(
        month,
        (e.starts_on, e.ends_on),
        e.commitment.quantity_per_week,
    );
    domain::visit::month_flag(v, minutes, allowed)
}

fn sorted(v: &[Uuid]) -> Vec<Uuid> {
    let mut v = v.to_vec();
    v.sort();
    v
}

fn code_hash(code: &str) -> String {
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    sha256_hex(&format!("kumppani-visit-code:{digits}"))
}

fn visit_details(r: &VisitRecord) -> String {
    let v: &Visit = &r.visit;
    let flags: Vec<&str> = r.flags.iter().map(Flag::code).collect();
    format!(
        "visit {} {}–{} {} {}{}{}",
        v.date,
        v.start.format("%H:%M"),
        v.end.format("%H:%M"),
        v.kind.code(),
        v.status.code(),
        r.provider_ref
            .as_ref()
            .map(|p| format!(" ref {p}"))
            .unwrap_or_default(),
        if flags.is_empty() {
            String::new()
        } else {
            format!("; flags: {}", flags.join(", "))
        }
    )
}

impl Service {
    /// A signed paper report as uploaded: for the purchaser's social workers and controller and
    /// for the provider that uploaded it. The read is logged with the client as its subject.
    pub async fn attachment(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<db::visit::Attachment> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let Some(a) = db::visit::attachment(&mut tx, id).await? else {
                let t = Target {
                    kind: RecordKind::Visit,
                    id: Some(id),
                    owner: None,
                    subject: None,
                };
                return Err(self.missing(&mut tx, actor, AuditAction::Read, &t).await);
            };
            let t = Target {
                kind: RecordKind::Visit,
                id: Some(id),
                owner: Some(a.owner_id),
                subject: a.parent_id,
            };
            // Uploaded under the uploader's commitments for the client: the purchaser's staff
            // read it as delivery of their own register, the uploader during the follow period.
            let follow = match a.parent_id {
                Some(client) => self.follow_of(&mut tx, a.uploaded_by, client).await?,
                None => Follow::NotInForce,
            };
            self.authorize(
                &mut tx,
                actor,
                Action::Read,
                Resource::Delivery {
                    purchaser_id: a.owner_id,
                    provider_id: a.uploaded_by,
                    part: Part::Attachment,
                    follow,
                    own_person: false,
                },
                AuditAction::Read,
                &t,
            )
            .await?;
            self.log_delivery(
                &mut tx,
                Some(actor),
                AuditAction::Read,
                &t,
                format!("signed paper report {} ({} bytes)", a.sha256, a.bytes.len()),
            )
            .await?;
            Ok(a)
        }
        .await;
        self.finish(tx, r).await
    }
}
