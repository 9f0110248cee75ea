//! The service plan of a payment commitment, kept as versions.

use crate::delivery::{Engagement, Step};
use crate::{Service, ServiceError, ServiceResult};
use db::doc::{self, Doc, Filter, Table};
use db::Tx;
use domain::access::{Action, Part};
use domain::audit::{AuditAction, RecordKind};
use domain::delivery::{PlanForm, ServicePlan};
use domain::org::Actor;
use uuid::Uuid;

impl Service {
    pub(crate) async fn plans_of(
        &self,
        tx: &mut Tx,
        e: &Engagement,
    ) -> ServiceResult<Vec<ServicePlan>> {
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
}
