//! The auditor's view of the access log, and the chain check.

use crate::auth::event;
use crate::{Service, ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use domain::access::{Action, Resource};
use domain::audit::{AuditAction, AuditEntry, Outcome, Purpose, RecordKind};
use domain::org::Actor;
use uuid::Uuid;

pub use db::audit::Verification;
use domain::audit::ChainBreak;
use domain::checkpoint::{Checkpoint, Finding};

/// What an auditor filters by. Always limited to the auditor's own organisation: entries made by
/// its users or about records in its register.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor: Option<Uuid>,
    pub record: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Only this action; [`AuditAction::Disclose`] gives the disclosure log (703/2023 10 §).
    pub action: Option<AuditAction>,
    /// Only the exceptional accesses outside a worker's team, each with its reason code
    /// (703/2023 9 §): the county's follow-up list.
    pub exceptional: bool,
    pub limit: i64,
}

impl Service {
    /// Searches the access log. The search itself is logged (supervision is use too).
    pub async fn audit_search(
        &self,
        actor: &Actor,
        q: &AuditQuery,
    ) -> ServiceResult<Vec<AuditEntry>> {
        let mut tx = self.db.begin_read().await?;
        let mut ev = event(Some(actor), AuditAction::Search, RecordKind::AuditLog);
        ev.purpose = Purpose::Supervision;
        ev.register_owner = Some(actor.org_id);
        ev.details = format!(
            "user={} record={} from={} until={} action={} exceptional={}",
            q.actor.map(|u| u.to_string()).unwrap_or_default(),
            q.record.map(|u| u.to_string()).unwrap_or_default(),
            q.from.map(|t| t.to_rfc3339()).unwrap_or_default(),
            q.until.map(|t| t.to_rfc3339()).unwrap_or_default(),
            q.action.map(AuditAction::code).unwrap_or_default(),
            q.exceptional,
        );
        if let Err(d) = self.policy(actor, Action::List, Resource::AuditLog) {
            ev.outcome = Outcome::Denied;
            ev.details = d.code().to_owned();
            self.record(&mut tx, ev).await?;
            tx.commit().await?;
            crate::gate::note_denial();
            return Err(ServiceError::Denied(d));
        }
        let rows = db::audit::search(
            &mut tx,
            &db::audit::Filter {
                org: Some(actor.org_id),
                actor: q.actor,
                record: q.record,
                from: q.from,
                until: q.until,
                action: q.action.map(AuditAction::code),
                exceptional: q.exceptional,
                limit: if q.limit <= 0 { 200 } else { q.limit },
            },
        )
        .await?;
        self.record(&mut tx, ev).await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// The log's head as a checkpoint to sign, once the whole chain has been checked: signing
    /// the head of a broken chain would bless what broke it.
    pub async fn audit_checkpoint(&self) -> ServiceResult<Result<Checkpoint, ChainBreak>> {
        let v = db::audit::verify(&self.db).await?;
        if let Some(b) = v.first_break {
            return Ok(Err(b));
        }
        let (seq, hash) = db::audit::head(&self.db).await?;
        Ok(Ok(Checkpoint {
            seq,
            hash,
            at: self.now(),
        }))
    }

    /// Compares signed checkpoints with the log: finds entries removed from its end, or
    /// rewritten with a chain of new hashes, even when the head row was rewritten to match.
    pub async fn audit_check_checkpoints(
        &self,
        checkpoints: &[Checkpoint],
    ) -> ServiceResult<Option<Finding>> {
        let seqs: Vec<i64> = checkpoints.iter().map(|c| c.seq).collect();
        let (last, hashes) = db::audit::hashes(&self.db, &seqs).await?;
        Ok(domain::checkpoint::check(checkpoints, last, |s| {
            hashes.get(&s).cloned()
        }))
    }

    /// Checks the whole chain; for the operator's `kumppani audit verify`.
    pub async fn audit_verify(&self) -> ServiceResult<Verification> {
        Ok(db::audit::verify(&self.db).await?)
    }
}
