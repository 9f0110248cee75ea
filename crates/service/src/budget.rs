//! The purchaser's budget lines and what accepted payment commitments reserve of them.

use crate::gate::Target;
use crate::{Service, ServiceError, ServiceResult};
use db::doc::{self, Doc, Filter, Table};
use domain::access::{Action, Resource};
use domain::audit::{AuditAction, RecordKind};
use domain::commitment::{BudgetLine, Commitment, CommitmentStatus};
use domain::money::Money;
use domain::org::Actor;
use uuid::Uuid;

impl Service {
    /// Adds a budget line (controller, purchaser admin).
    pub async fn add_budget_line(&self, actor: &Actor, line: &BudgetLine) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let mut tx = self.db.begin().await?;
        let t = Target {
            kind: RecordKind::Budget,
            id: Some(id),
            owner: Some(actor.org_id),
            subject: None,
        };
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::Create,
                Resource::Budget {
                    org_id: actor.org_id,
                },
                AuditAction::Create,
                &t,
            )
            .await?;
            doc::insert(
                &mut tx,
                Table::BudgetLines,
                id,
                actor.org_id,
                None,
                "active",
                line,
                self.now(),
            )
            .await?;
            let mut ev = self.ev(actor, AuditAction::Create, &t);
            ev.details = format!("{} {} {}", line.cost_centre, line.year, line.service);
            self.record(&mut tx, ev).await?;
            Ok(id)
        }
        .await;
        self.finish(tx, r).await
    }

    /// Budget lines with what accepted commitments reserve of them: (id, line, reserved, free).
    pub async fn budget(
        &self,
        actor: &Actor,
    ) -> ServiceResult<Vec<(Uuid, BudgetLine, Money, Money)>> {
        let mut tx = self.db.begin_read().await?;
        let t = Target {
            kind: RecordKind::Budget,
            id: None,
            owner: Some(actor.org_id),
            subject: None,
        };
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::List,
                Resource::Budget {
                    org_id: actor.org_id,
                },
                AuditAction::List,
                &t,
            )
            .await?;
            let lines: Vec<Doc<BudgetLine>> = doc::list(
                &mut tx,
                Table::BudgetLines,
                Filter {
                    owner: Some(actor.org_id),
                    ..Filter::default()
                },
            )
            .await?;
            let commitments: Vec<Doc<Commitment>> = doc::list(
                &mut tx,
                Table::Commitments,
                Filter {
                    owner: Some(actor.org_id),
                    status: Some(CommitmentStatus::Accepted.code()),
                    ..Filter::default()
                },
            )
            .await?;
            let mut out = Vec::new();
            for l in lines {
                let reserved = Money::checked_sum(
                    commitments
                        .iter()
                        .filter(|c| c.data.budget_line == Some(l.id))
                        .map(|c| c.data.max_total),
                )
                .ok_or_else(|| ServiceError::Internal("budget overflow".into()))?;
                let free = l
                    .data
                    .amount
                    .checked_sub(reserved)
                    .ok_or_else(|| ServiceError::Internal("budget overflow".into()))?;
                out.push((l.id, l.data, reserved, free));
            }
            let mut ev = self.ev(actor, AuditAction::List, &t);
            ev.details = format!("{} budget lines", out.len());
            self.record(&mut tx, ev).await?;
            Ok(out)
        }
        .await;
        self.finish(tx, r).await
    }
}
