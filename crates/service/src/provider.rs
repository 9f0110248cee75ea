//! A provider's own records for procurement: its staff register and its evidence (certificates
//! with their expiry dates). Only the provider's signatory and service managers see them;
//! purchasers see what an application's roster carries.

use crate::gate::Target;
use crate::{Service, ServiceError, ServiceResult};
use db::doc::{self, Doc, Filter, Table};
use db::Tx;
use domain::access::{Action, Resource};
use domain::audit::{AuditAction, RecordKind};
use domain::evidence::{Evidence, EvidenceForm, Validity};
use domain::org::Actor;
use domain::staff::{StaffForm, StaffMember};
use uuid::Uuid;

/// Evidence that has run out or will within this many days is shown as a warning to both the
/// provider and the purchasers it applies to.
pub const EVIDENCE_WARN_DAYS: i64 = 30;

pub struct EvidenceRow {
    pub id: Uuid,
    pub evidence: Evidence,
    pub validity: Validity,
    /// Superseded by a newer piece of the same kind.
    pub superseded: bool,
}

impl Service {
    #[allow(clippy::too_many_arguments)]
    async fn records_allowed(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        org_id: Uuid,
        action: Action,
        audit: AuditAction,
        kind: RecordKind,
        id: Option<Uuid>,
    ) -> ServiceResult<Target> {
        let t = self.proc_target(kind, id, Some(org_id));
        self.authorize(
            tx,
            actor,
            action,
            Resource::ProviderRecords { org_id },
            audit,
            &t,
        )
        .await?;
        Ok(t)
    }

    /// The actor's organisation's staff register, active people first.
    pub async fn staff(&self, actor: &Actor) -> ServiceResult<Vec<Doc<StaffMember>>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let t = self
                .records_allowed(
                    &mut tx,
                    actor,
                    actor.org_id,
                    Action::List,
                    AuditAction::List,
                    RecordKind::StaffMember,
                    None,
                )
                .await?;
            let mut list: Vec<Doc<StaffMember>> = doc::list(
                &mut tx,
                Table::StaffMembers,
                Filter {
                    owner: Some(actor.org_id),
                    ..Filter::default()
                },
            )
            .await?;
            list.sort_by(|a, b| {
                (a.status != "active")
                    .cmp(&(b.status != "active"))
                    .then(a.data.name.cmp(&b.data.name))
            });
            self.log_proc(
                &mut tx,
                actor,
                AuditAction::List,
                &t,
                format!("{} staff shown", list.len()),
            )
            .await?;
            Ok(list)
        }
        .await;
        self.finish(tx, r).await
    }

    pub async fn staff_member(&self, actor: &Actor, id: Uuid) -> ServiceResult<Doc<StaffMember>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let m: Doc<StaffMember> = doc::get(&mut tx, Table::StaffMembers, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let t = self
                .records_allowed(
                    &mut tx,
                    actor,
                    m.owner_id,
                    Action::Read,
                    AuditAction::Read,
                    RecordKind::StaffMember,
                    Some(id),
                )
                .await?;
            self.log_proc(&mut tx, actor, AuditAction::Read, &t, String::new())
                .await?;
            Ok(m)
        }
        .await;
        self.finish(tx, r).await
    }

    /// Adds a person to the actor's staff register, or changes one (`id`).
    pub async fn save_staff_member(
        &self,
        actor: &Actor,
        id: Option<Uuid>,
        form: &StaffForm,
    ) -> ServiceResult<Uuid> {
        let new_id = id.unwrap_or_else(Uuid::now_v7);
        let action = if id.is_some() {
            AuditAction::Update
        } else {
            AuditAction::Create
        };
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let owner = match id {
                Some(id) => {
                    doc::get::<StaffMember>(&mut tx, Table::StaffMembers, id)
                        .await?
                        .ok_or(ServiceError::NotFound)?
                        .owner_id
                }
                None => actor.org_id,
            };
            let t = self
                .records_allowed(
                    &mut tx,
                    actor,
                    owner,
                    if id.is_some() {
                        Action::Update
                    } else {
                        Action::Create
                    },
                    action,
                    RecordKind::StaffMember,
                    Some(new_id),
                )
                .await?;
            target = Some(self.proc_target(t.kind, t.id, t.owner));
            let m = form.validate(self.today()).map_err(ServiceError::Invalid)?;
            if id.is_some() {
                doc::update(
                    &mut tx,
                    Table::StaffMembers,
                    new_id,
                    "active",
                    &m,
                    self.now(),
                )
                .await?;
            } else {
                doc::insert(
                    &mut tx,
                    Table::StaffMembers,
                    new_id,
                    owner,
                    None,
                    "active",
                    &m,
                    self.now(),
                )
                .await?;
            }
            // Unknown degree text is kept as written and flagged, never dropped.
            let unknown = m.unknown_degrees();
            let details = if unknown.is_empty() {
                String::new()
            } else {
                format!("{} degree(s) for manual review", unknown.len())
            };
            self.log_proc(&mut tx, actor, action, &t, details).await?;
            Ok(new_id)
        }
        .await;
        self.finish_logged(tx, r, actor, action, target.as_ref())
            .await
    }

    pub async fn evidence(&self, actor: &Actor) -> ServiceResult<Vec<EvidenceRow>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let t = self
                .records_allowed(
                    &mut tx,
                    actor,
                    actor.org_id,
                    Action::List,
                    AuditAction::List,
                    RecordKind::Evidence,
                    None,
                )
                .await?;
            let rows = self.evidence_of(&mut tx, actor.org_id).await?;
            self.log_proc(
                &mut tx,
                actor,
                AuditAction::List,
                &t,
                format!("{} evidence shown", rows.len()),
            )
            .await?;
            Ok(rows)
        }
        .await;
        self.finish(tx, r).await
    }

    /// A provider's evidence with its validity today, newest of each kind first.
    pub(crate) async fn evidence_of(
        &self,
        tx: &mut Tx,
        org_id: Uuid,
    ) -> ServiceResult<Vec<EvidenceRow>> {
        let docs: Vec<Doc<Evidence>> = doc::list(
            tx,
            Table::Evidence,
            Filter {
                owner: Some(org_id),
                ..Filter::default()
            },
        )
        .await?;
        let today = self.today();
        let all: Vec<Evidence> = docs.iter().map(|d| d.data.clone()).collect();
        let current = domain::evidence::current(&all);
        let mut rows: Vec<EvidenceRow> = docs
            .into_iter()
            .map(|d| EvidenceRow {
                id: d.id,
                validity: d.data.validity(today, EVIDENCE_WARN_DAYS),
                superseded: !current.iter().any(|c| **c == d.data),
                evidence: d.data,
            })
            .collect();
        rows.sort_by(|a, b| {
            a.evidence
                .kind
                .cmp(&b.evidence.kind)
                .then(b.evidence.issued_on.cmp(&a.evidence.issued_on))
        });
        Ok(rows)
    }

    pub async fn add_evidence(&self, actor: &Actor, form: &EvidenceForm) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let t = self
                .records_allowed(
                    &mut tx,
                    actor,
                    actor.org_id,
                    Action::Create,
                    AuditAction::Create,
                    RecordKind::Evidence,
                    Some(id),
                )
                .await?;
            target = Some(self.proc_target(t.kind, t.id, t.owner));
            let e = form.validate(self.today()).map_err(ServiceError::Invalid)?;
            doc::insert(
                &mut tx,
                Table::Evidence,
                id,
                actor.org_id,
                None,
                e.kind.code(),
                &e,
                self.now(),
            )
            .await?;
            self.log_proc(
                &mut tx,
                actor,
                AuditAction::Create,
                &t,
                e.kind.code().into(),
            )
            .await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, target.as_ref())
            .await
    }

    /// Current evidence of the actor's own organisation that has run out or soon will: the
    /// warnings on a provider's home page. Empty for purchasers.
    pub async fn evidence_warnings(&self, actor: &Actor) -> ServiceResult<Vec<EvidenceRow>> {
        if actor.org_kind.is_purchaser()
            || self
                .policy(
                    actor,
                    Action::List,
                    Resource::ProviderRecords {
                        org_id: actor.org_id,
                    },
                )
                .is_err()
        {
            return Ok(Vec::new());
        }
        let mut tx = self.db.begin_read().await?;
        let rows = self.evidence_of(&mut tx, actor.org_id).await?;
        tx.rollback().await?;
        Ok(rows
            .into_iter()
            .filter(|r| !r.superseded && r.validity != Validity::Valid)
            .collect())
    }
}
