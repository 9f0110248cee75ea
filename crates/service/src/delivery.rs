//! Delivery under a payment commitment: the service plan, the visits the provider's workers log
//! (one on the page, or a month at a time through the bulk API), their confirmation by the
//! client or a guardian (signed in, with a one-time code, or on paper), and the monthly report
//! that the social worker approves or returns. Every read and write is in the access log with
//! the client as its subject.
//!
//! This module holds what the parts of delivery share: the commitment as delivery sees it
//! (`Engagement`), entering a part of it through the gate, the access-log rows, and the
//! delivery page of a commitment and month. The parts are in `plan`, `visit`, `confirmation`
//! and `report`.

use crate::auth::event;
use crate::gate::Target;
use crate::visit::VisitItem;
use crate::{Service, ServiceError, ServiceResult};
use chrono::NaiveDate;
use db::doc::{self, Doc, Table};
use db::Tx;
use domain::access::{Action, Follow, Part, Resource};
use domain::application::Application;
use domain::audit::{AuditAction, AuditEvent, Outcome, Purpose, RecordKind};
use domain::client::Client;
use domain::commitment::Commitment;
use domain::delivery::{
    month_end, month_of, totals, MonthlyReport, ReportStatus, ServicePlan, Totals,
};
use domain::metadata::Metadata;
use domain::org::{Actor, Role};
use domain::procurement::Lot;
use domain::requirement::Rule;
use domain::validate::FieldErrors;
use domain::version::Version;
use domain::visit::{
    accepted_by_default, earliest_allowed, may_confirm_own, ConfirmationState, ConfirmationWay,
    Limits, VisitRecord,
};
use std::collections::HashMap;
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

/// The delivery page of a commitment and month.
#[derive(Debug, Clone)]
pub struct DeliveryView {
    pub engagement: Engagement,
    /// What every document of the commitment carries (703/2023, 37 §).
    pub metadata: Metadata,
    pub client_name: String,
    pub purchaser_name: String,
    pub provider_name: String,
    pub month: NaiveDate,
    pub visits: Vec<VisitItem>,
    pub totals: Totals,
    pub plan: Option<ServicePlan>,
    pub plan_versions: usize,
    pub report: Option<(Uuid, MonthlyReport)>,
    /// The report's earlier contents (703/2023 22 §), oldest first.
    pub report_versions: Vec<Version<MonthlyReport>>,
    /// The earlier records of the month's visits that were corrected or answered, oldest
    /// first, by visit.
    pub visit_versions: Vec<(Uuid, Vec<Version<VisitRecord>>)>,
    /// Whether the actor may log visits and write the report (the provider's staff).
    pub provider_side: bool,
    /// Whether the actor may approve or return the report (the purchaser's social workers).
    pub may_decide: bool,
    pub earliest: NaiveDate,
}

/// What a use case does on a delivery: the policy's action, the log's action, the record
/// kind and the part of delivery it touches (each part has its own rule in the policy).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    action: Action,
    audit: AuditAction,
    kind: RecordKind,
    part: Part,
}

impl Step {
    pub(crate) fn new(action: Action, audit: AuditAction, kind: RecordKind, part: Part) -> Step {
        Step {
            action,
            audit,
            kind,
            part,
        }
    }
}

/// Per (lot, admitted application): pair work above how many, and the roster with names.
pub(crate) type LotCache = HashMap<(Uuid, Uuid), (Option<u32>, Vec<(Uuid, String)>)>;

pub(crate) fn invalid(field: &str, code: &str) -> ServiceError {
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
pub(crate) fn in_force(versions: &[Doc<Commitment>]) -> Option<&Doc<Commitment>> {
    let current = domain::commitment::in_force(versions.iter().map(|v| &v.data))?;
    versions.iter().find(|v| std::ptr::eq(&v.data, current))
}

impl Service {
    pub(crate) fn delivery_target(
        &self,
        kind: RecordKind,
        id: Option<Uuid>,
        e: &Engagement,
    ) -> Target {
        Target {
            kind,
            id,
            owner: Some(e.purchaser),
            subject: Some(e.commitment.client),
        }
    }

    pub(crate) fn delivery_event(
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
    pub(crate) fn refused_event(
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

    pub(crate) async fn log_delivery(
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
    pub(crate) async fn own_person(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        client: Uuid,
    ) -> ServiceResult<bool> {
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
    pub(crate) async fn commitments_by_number(
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

    pub(crate) async fn engagement_of(
        &self,
        tx: &mut Tx,
        versions: &[Doc<Commitment>],
    ) -> ServiceResult<Engagement> {
        self.engagement_cached(tx, versions, &mut HashMap::new())
            .await
    }

    /// As `engagement_of`, with the lot's and the admitted application's part kept in `cache`:
    /// a bulk request has thousands of commitments under a handful of lots.
    pub(crate) async fn engagement_cached(
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

    pub(crate) async fn engagement(&self, tx: &mut Tx, number: &str) -> ServiceResult<Engagement> {
        let versions: Vec<Doc<Commitment>> =
            db::client::commitments_by_numbers(tx, &[number.trim()]).await?;
        if versions.is_empty() {
            return Err(ServiceError::NotFound);
        }
        self.engagement_of(tx, &versions).await
    }

    /// The commitment with this number, if the actor may take this step on its delivery. A
    /// refusal is logged, and looks the same whether the commitment does not exist, belongs to
    /// others, or was never accepted.
    pub(crate) async fn enter(
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
                unit: Some(newest.data.unit),
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
    pub(crate) fn delivery_resource(
        &self,
        e: &Engagement,
        part: Part,
        own_person: bool,
    ) -> Resource {
        Resource::Delivery {
            purchaser_id: e.purchaser,
            provider_id: e.commitment.provider,
            unit: Some(e.commitment.unit),
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
            let mut t = totals(
                &records,
                month,
                (e.starts_on, e.ends_on),
                e.commitment.quantity_per_week,
                e.commitment.unit_price,
            );
            let lot: Option<Doc<domain::procurement::Lot>> =
                doc::get(&mut tx, Table::Lots, e.commitment.lot).await?;
            if let Some(lot) = &lot {
                t.work_money = domain::work_money::work_money(&records, &lot.data.work_money);
            }
            let plans = self.plans_of(&mut tx, &e).await?;
            let reports = self.reports_of(&mut tx, e.purchaser, &e.commitment).await?;
            let report = reports.into_iter().find(|(_, r)| r.month == month);
            let report_versions = match &report {
                Some((id, _)) => doc::versions(&mut tx, Table::MonthlyReports, *id).await?,
                None => Vec::new(),
            };
            // One query for the client's visits; the month's are kept.
            let visit_versions: Vec<_> =
                db::visit::versions_for_client(&mut tx, e.commitment.client)
                    .await?
                    .into_iter()
                    .filter(|(id, _)| visits.iter().any(|v| v.id == *id))
                    .collect();
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
            let unit = db::unit::get(&mut tx, e.commitment.unit).await?;
            let (organiser, producer) = (name_of(e.purchaser), name_of(e.commitment.provider));
            let metadata = domain::metadata::for_commitment(
                lot.as_ref().map(|l| &l.data),
                client.as_ref().map(|c| &c.data),
                &organiser,
                &producer,
                unit.as_ref(),
            );
            Ok(DeliveryView {
                metadata,
                client_name: client.map(|c| c.data.name()).unwrap_or_default(),
                purchaser_name: name_of(e.purchaser),
                provider_name: name_of(e.commitment.provider),
                month,
                visits,
                totals: t,
                plan_versions: plans.len(),
                plan: plans.into_iter().last(),
                report,
                report_versions,
                visit_versions,
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
    pub(crate) fn effective(&self, mut r: VisitRecord) -> VisitRecord {
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
}
