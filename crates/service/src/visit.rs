//! Visits the provider's workers log under a payment commitment: one on the page, or a month at
//! a time through the bulk API, each row checked against the commitment and its month; and the
//! read of a signed paper report uploaded with a paper confirmation (`confirmation`).

use crate::delivery::Engagement;
use crate::gate::{codes, Target};
use crate::{Service, ServiceError, ServiceResult};
use chrono::{Days, NaiveDate};
use domain::access::{Action, Denial, Follow, Part, Resource};
use domain::audit::{AuditAction, AuditEvent, Outcome, RecordKind};
use domain::delivery::month_of;
use domain::org::Actor;
use domain::validate::FieldErrors;
use domain::version::{Change, Reason};
use domain::visit::{
    admissible, check, earliest_allowed, week_of, Confirmation, ConfirmationState, Flag, Visit,
    VisitForm, VisitRecord,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

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

impl Service {
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
                    db::visit::update(
                        &mut tx,
                        old.id,
                        &rec,
                        now,
                        &Change::new(&actor.display_name, Reason::Corrected),
                    )
                    .await?;
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
            let (follow, unit) = match a.parent_id {
                Some(client) => self.reach_of(&mut tx, actor, a.uploaded_by, client).await?,
                None => (Follow::NotInForce, None),
            };
            self.authorize(
                &mut tx,
                actor,
                Action::Read,
                Resource::Delivery {
                    purchaser_id: a.owner_id,
                    provider_id: a.uploaded_by,
                    unit,
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
