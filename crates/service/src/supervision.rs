//! Supervision of purchased services ([`domain::supervision`]; 741/2023 23–25 §, 29 §): the
//! purchaser records a deviation with a correction deadline, the provider answers, and the
//! purchaser accepts the correction or decides a measure. A fee reduction is read by the
//! invoice match from the same records ([`domain::supervision::reduction_for`]). A provider
//! notifies a serious incident, which waits for the purchaser's response by its deadline.

use crate::gate::Target;
use crate::{Service, ServiceError, ServiceResult};
use db::doc::{self, Doc, Filter, Table};
use db::Tx;
use domain::access::{Action, Resource};
use domain::audit::{AuditAction, Purpose, RecordKind};
use domain::org::{Actor, Organisation};
use domain::supervision::{
    Deviation, DeviationForm, IncidentForm, Side, Source, Status, Step, StepForm, StepKind,
};
use domain::validate::FieldErrors;
use uuid::Uuid;

/// The deviations list of an organisation, with what its forms offer.
#[derive(Debug, Clone)]
pub struct DeviationList {
    /// Newest first; those waiting for someone first of all.
    pub deviations: Vec<Doc<Deviation>>,
    /// Of a purchaser: the providers a deviation may name. Of a provider: the purchasers an
    /// incident may be notified to.
    pub counterparts: Vec<(Uuid, String)>,
    pub may_create: bool,
}

/// One deviation for its reader, with the steps the reader may take.
#[derive(Debug, Clone)]
pub struct DeviationView {
    pub deviation: Doc<Deviation>,
    pub purchaser_name: String,
    pub overdue: bool,
    pub may_answer: bool,
    pub may_decide: bool,
    pub measure_possible: bool,
}

fn target(id: Option<Uuid>, owner: Uuid) -> Target {
    Target {
        kind: RecordKind::Deviation,
        id,
        owner: Some(owner),
        subject: None,
    }
}

fn invalid(field: &str, code: &str) -> ServiceError {
    ServiceError::Invalid(FieldErrors::single(field, code))
}

impl Service {
    /// The organisations on the other side: providers for a purchaser, purchasers for a
    /// provider, active ones by name.
    async fn counterparts(&self, tx: &mut Tx, actor: &Actor) -> ServiceResult<Vec<Organisation>> {
        let purchaser = actor.org_kind.is_purchaser();
        let mut orgs: Vec<Organisation> = db::organisation::list(tx)
            .await?
            .into_iter()
            .filter(|o| o.active && o.kind.is_purchaser() != purchaser)
            .collect();
        orgs.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(orgs)
    }

    /// Checks that a commitment number, when given, is one the purchaser sent to the provider.
    async fn check_commitment(
        &self,
        tx: &mut Tx,
        number: &str,
        purchaser: Uuid,
        provider: Uuid,
    ) -> ServiceResult<()> {
        if number.is_empty() {
            return Ok(());
        }
        let found = self.commitments_by_number(tx, &[number]).await?;
        let ours = found.get(number).is_some_and(|v| {
            v.iter()
                .any(|d| d.owner_id == purchaser && d.data.provider == provider)
        });
        if ours {
            Ok(())
        } else {
            Err(invalid("commitment", "unknown-commitment"))
        }
    }

    /// The organisation's deviations: a purchaser's all, a provider's those about it.
    pub async fn deviations(&self, actor: &Actor) -> ServiceResult<DeviationList> {
        let org = actor.org_id;
        let t = target(None, org);
        let mut tx = self.db.begin_read().await?;
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::List,
                Resource::Deviations { org_id: org },
                AuditAction::List,
                &t,
            )
            .await?;
            let filter = if actor.org_kind.is_purchaser() {
                Filter {
                    owner: Some(org),
                    ..Filter::default()
                }
            } else {
                Filter {
                    parent: Some(org),
                    ..Filter::default()
                }
            };
            let mut deviations: Vec<Doc<Deviation>> =
                doc::list(&mut tx, Table::Deviations, filter).await?;
            // Waiting ones first (incidents to respond to, then open ones), each by deadline.
            deviations.sort_by_key(|d| {
                (
                    d.data.status.is_closed(),
                    d.data.status != Status::Notified,
                    d.data.deadline,
                    std::cmp::Reverse(d.created_at),
                )
            });
            let counterparts = self
                .counterparts(&mut tx, actor)
                .await?
                .into_iter()
                .map(|o| (o.id, o.name))
                .collect();
            let ev = self.ev_for(
                actor,
                AuditAction::List,
                &t,
                Purpose::Procurement,
                format!("{} deviations", deviations.len()),
            );
            self.record(&mut tx, ev).await?;
            Ok(DeviationList {
                deviations,
                counterparts,
                may_create: self.may(actor, Action::Create, Resource::Deviations { org_id: org }),
            })
        }
        .await;
        self.finish(tx, r).await
    }

    /// The purchaser records a deviation in a provider's service, with its correction deadline.
    pub async fn record_deviation(
        &self,
        actor: &Actor,
        form: &DeviationForm,
    ) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let org = actor.org_id;
        let t = target(Some(id), org);
        let mut tx = self.db.begin().await?;
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::Create,
                Resource::Deviations { org_id: org },
                AuditAction::Create,
                &t,
            )
            .await?;
            if !actor.org_kind.is_purchaser() {
                return Err(invalid("source", "deviation-step-not-possible"));
            }
            let read = form.read(self.today()).map_err(ServiceError::Invalid)?;
            let provider = db::organisation::get(&mut tx, read.provider)
                .await?
                .filter(|o| o.kind.is_provider())
                .ok_or_else(|| invalid("provider", "provider-unknown"))?;
            self.check_commitment(&mut tx, &read.commitment, org, provider.id)
                .await?;
            let now = self.now();
            let d = Deviation {
                provider: provider.id,
                provider_name: provider.name.clone(),
                commitment: read.commitment,
                source: read.source,
                found_on: read.found_on,
                description: read.description,
                deadline: read.deadline,
                status: Status::Open,
                reductions: Vec::new(),
                steps: vec![Step {
                    kind: StepKind::Found,
                    at: now,
                    by: actor.user_id,
                    by_name: actor.display_name.clone(),
                    text: String::new(),
                }],
            };
            doc::insert(
                &mut tx,
                Table::Deviations,
                id,
                org,
                Some(provider.id),
                d.status.code(),
                &d,
                now,
            )
            .await?;
            let ev = self.ev_for(
                actor,
                AuditAction::Create,
                &t,
                Purpose::Procurement,
                format!(
                    "{} {}, deadline {}",
                    d.source.code(),
                    provider.name,
                    d.deadline
                ),
            );
            self.record(&mut tx, ev).await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    /// A provider notifies a serious incident to a purchaser (741/2023 29 §); the purchaser's
    /// response is due in [`domain::supervision::INCIDENT_RESPONSE_WORKING_DAYS`] working days.
    pub async fn notify_incident(&self, actor: &Actor, form: &IncidentForm) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let org = actor.org_id;
        let t = target(Some(id), org);
        let mut tx = self.db.begin().await?;
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::Create,
                Resource::Deviations { org_id: org },
                AuditAction::Create,
                &t,
            )
            .await?;
            if actor.org_kind.is_purchaser() {
                return Err(invalid("purchaser", "purchaser-unknown"));
            }
            let read = form.read(self.today()).map_err(ServiceError::Invalid)?;
            let purchaser = db::organisation::get(&mut tx, read.purchaser)
                .await?
                .filter(|o| o.kind.is_purchaser())
                .ok_or_else(|| invalid("purchaser", "purchaser-unknown"))?;
            self.check_commitment(&mut tx, &read.commitment, purchaser.id, org)
                .await?;
            let provider_name = db::organisation::get(&mut tx, org)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            let now = self.now();
            let d = Deviation {
                provider: org,
                provider_name,
                commitment: read.commitment,
                source: Source::Incident,
                found_on: read.occurred_on,
                description: read.description,
                deadline: read.respond_by,
                status: Status::Notified,
                reductions: Vec::new(),
                steps: vec![Step {
                    kind: StepKind::Notified,
                    at: now,
                    by: actor.user_id,
                    by_name: actor.display_name.clone(),
                    text: String::new(),
                }],
            };
            // The record is the purchaser's: the county supervises, and keeps what it was told.
            doc::insert(
                &mut tx,
                Table::Deviations,
                id,
                purchaser.id,
                Some(org),
                d.status.code(),
                &d,
                now,
            )
            .await?;
            let t = target(Some(id), purchaser.id);
            let ev = self.ev_for(
                actor,
                AuditAction::Create,
                &t,
                Purpose::Procurement,
                format!("incident to {}, response by {}", purchaser.name, d.deadline),
            );
            self.record(&mut tx, ev).await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    fn deviation_resource(d: &Doc<Deviation>) -> Resource {
        Resource::Deviation {
            purchaser_id: d.owner_id,
            provider_id: d.data.provider,
        }
    }

    /// One deviation with its history.
    pub async fn deviation(&self, actor: &Actor, id: Uuid) -> ServiceResult<DeviationView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let d: Doc<Deviation> = self
                .gated_doc(
                    &mut tx,
                    actor,
                    (Table::Deviations, RecordKind::Deviation, id),
                    Action::Read,
                    AuditAction::Read,
                    Self::deviation_resource,
                    |d| target(Some(d.id), d.owner_id),
                )
                .await?;
            let purchaser_name = db::organisation::get(&mut tx, d.owner_id)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            let today = self.today();
            let resource = Self::deviation_resource(&d);
            let view = DeviationView {
                overdue: d.data.overdue(today),
                may_answer: d.data.status == Status::Open
                    && self.may(actor, Action::Update, resource),
                may_decide: !d.data.status.is_closed() && self.may(actor, Action::Decide, resource),
                measure_possible: d.data.measure_possible(today),
                purchaser_name,
                deviation: d,
            };
            let ev = self.ev_for(
                actor,
                AuditAction::Read,
                &target(Some(id), view.deviation.owner_id),
                Purpose::Procurement,
                String::new(),
            );
            self.record(&mut tx, ev).await?;
            Ok(view)
        }
        .await;
        self.finish(tx, r).await
    }

    /// The provider's answer or the purchaser's decision on a deviation.
    pub async fn deviation_step(
        &self,
        actor: &Actor,
        id: Uuid,
        form: &StepForm,
    ) -> ServiceResult<StepKind> {
        let mut tx = self.db.begin().await?;
        let mut t = None;
        let r = async {
            let side = if actor.org_kind.is_purchaser() {
                Side::County
            } else {
                Side::Provider
            };
            let action = match side {
                Side::County => Action::Decide,
                Side::Provider => Action::Update,
            };
            let mut d: Doc<Deviation> = self
                .gated_doc(
                    &mut tx,
                    actor,
                    (Table::Deviations, RecordKind::Deviation, id),
                    action,
                    AuditAction::Update,
                    Self::deviation_resource,
                    |d| target(Some(d.id), d.owner_id),
                )
                .await?;
            t = Some(target(Some(id), d.owner_id));
            let now = self.now();
            let kind = d
                .data
                .take(
                    side,
                    form,
                    (actor.user_id, &actor.display_name),
                    now,
                    self.today(),
                )
                .map_err(ServiceError::Invalid)?;
            doc::update(
                &mut tx,
                Table::Deviations,
                id,
                d.data.status.code(),
                &d.data,
                now,
            )
            .await?;
            let mut details = kind.code().to_owned();
            if let (StepKind::FeeReduction, Some(r)) = (kind, d.data.reductions.last()) {
                details.push_str(&format!(
                    " {} bp from {}",
                    r.rate_bp,
                    r.from.format("%Y-%m")
                ));
            }
            let ev = self.ev_for(
                actor,
                AuditAction::Update,
                &target(Some(id), d.owner_id),
                Purpose::Procurement,
                details,
            );
            self.record(&mut tx, ev).await?;
            Ok(kind)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, t.as_ref())
            .await
    }

    /// The deviations of a purchaser, for its scorecard: read inside the scorecard's own
    /// gated and logged use case.
    pub(crate) async fn deviations_of(
        &self,
        tx: &mut Tx,
        purchaser: Uuid,
    ) -> ServiceResult<Vec<Deviation>> {
        let all: Vec<Doc<Deviation>> = doc::list(
            tx,
            Table::Deviations,
            Filter {
                owner: Some(purchaser),
                ..Filter::default()
            },
        )
        .await?;
        Ok(all.into_iter().map(|d| d.data).collect())
    }
}
