//! Payments under an agreement (seed 004: Vantaa pays the mental health society's volunteer
//! support persons' fees by their cooperation agreement): the purchaser's controller records
//! each, both sides see them against the year's contract value. Nothing here names a client.

use crate::gate::Target;
use crate::{Service, ServiceError, ServiceResult};
use db::doc::{self, Doc, Table};
use domain::access::{Action, Resource};
use domain::agreement::{in_force, paid_by_year, Agreement, Payment, PaymentForm, Signature};
use domain::audit::{AuditAction, Purpose, RecordKind};
use domain::locale::Lang;
use domain::money::Money;
use domain::org::Actor;
use uuid::Uuid;

/// An agreement's payments, newest first, and each year's total against its contract value.
#[derive(Debug, Clone)]
pub struct PaymentsView {
    pub id: Uuid,
    /// The version in force, or the newest while none is agreed.
    pub agreement: Agreement,
    pub provider_name: String,
    pub payments: Vec<Doc<Payment>>,
    /// (year, paid, contract value).
    pub years: Vec<(i32, Money, Option<Money>)>,
    pub may_pay: bool,
}

impl Service {
    fn payments_resource(owner: Uuid, a: &Agreement) -> Resource {
        Resource::AgreementPayments {
            purchaser_id: owner,
            provider_id: a.provider,
        }
    }

    /// The agreement's versions as the gate allows `action` on its payments; the agreement's
    /// own id only (a later version's id is refused as another organisation's).
    async fn payment_agreement(
        &self,
        tx: &mut db::Tx,
        actor: &Actor,
        id: Uuid,
        action: Action,
        audit_action: AuditAction,
    ) -> ServiceResult<(Uuid, Agreement)> {
        let root: Option<Doc<Agreement>> = doc::get(tx, Table::Agreements, id).await?;
        let root = root.filter(|d| d.parent_id.is_none());
        let root = self
            .found(tx, actor, audit_action, RecordKind::Agreement, id, root)
            .await?;
        let t = Target {
            kind: RecordKind::Agreement,
            id: Some(id),
            owner: Some(root.owner_id),
            subject: None,
        };
        self.authorize(
            tx,
            actor,
            action,
            Self::payments_resource(root.owner_id, &root.data),
            audit_action,
            &t,
        )
        .await?;
        let mut all = vec![root.data.clone()];
        all.extend(
            doc::children::<Agreement>(tx, Table::Agreements, id)
                .await?
                .into_iter()
                .map(|d| d.data),
        );
        all.sort_by_key(|a| a.version);
        // Payments follow the version in force; before one is agreed, the newest is shown and
        // nothing can be paid.
        let chosen = match in_force(&all) {
            Some(a) => a.clone(),
            None if action == Action::Create => {
                return Err(ServiceError::Invalid(
                    domain::validate::FieldErrors::single("paid_on", "agreement-not-agreed"),
                ))
            }
            None => all.last().cloned().ok_or(ServiceError::NotFound)?,
        };
        Ok((root.owner_id, chosen))
    }

    /// The payments under an agreement, for both sides' followers.
    pub async fn agreement_payments(&self, actor: &Actor, id: Uuid) -> ServiceResult<PaymentsView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let (owner, a) = self
                .payment_agreement(&mut tx, actor, id, Action::List, AuditAction::List)
                .await?;
            let mut payments: Vec<Doc<Payment>> =
                doc::children(&mut tx, Table::AgreementPayments, id).await?;
            payments.sort_by(|x, y| y.data.paid_on.cmp(&x.data.paid_on).then(y.id.cmp(&x.id)));
            let data: Vec<Payment> = payments.iter().map(|p| p.data.clone()).collect();
            let provider_name = self
                .org_name(&mut tx, &mut Default::default(), a.provider)
                .await?;
            let t = Target {
                kind: RecordKind::Agreement,
                id: Some(id),
                owner: Some(owner),
                subject: None,
            };
            let mut ev = self.ev(actor, AuditAction::List, &t);
            ev.purpose = Purpose::Settlement;
            ev.details = format!("{} agreement payments", payments.len());
            self.record(&mut tx, ev).await?;
            Ok(PaymentsView {
                id,
                may_pay: self.may(actor, Action::Create, Self::payments_resource(owner, &a)),
                years: paid_by_year(&a, &data),
                agreement: a,
                provider_name,
                payments,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    /// Records a payment under an agreement.
    pub async fn record_agreement_payment(
        &self,
        actor: &Actor,
        id: Uuid,
        form: &PaymentForm,
        lang: Lang,
    ) -> ServiceResult<Uuid> {
        let pid = Uuid::now_v7();
        let t = Target {
            kind: RecordKind::Agreement,
            id: Some(id),
            owner: None,
            subject: None,
        };
        let mut tx = self.db.begin().await?;
        let r = async {
            let (owner, a) = self
                .payment_agreement(&mut tx, actor, id, Action::Create, AuditAction::Create)
                .await?;
            let entered = Signature {
                name: actor.display_name.clone(),
                at: self.now(),
            };
            let p = form
                .read(&a, self.today(), lang, entered)
                .map_err(ServiceError::Invalid)?;
            doc::insert(
                &mut tx,
                Table::AgreementPayments,
                pid,
                owner,
                Some(id),
                "paid",
                &p,
                self.now(),
            )
            .await?;
            let t = Target {
                kind: RecordKind::Agreement,
                id: Some(id),
                owner: Some(owner),
                subject: None,
            };
            let mut ev = self.ev(actor, AuditAction::Create, &t);
            ev.purpose = Purpose::Settlement;
            ev.details = format!("payment {} cents on {}", p.amount.cents(), p.paid_on);
            self.record(&mut tx, ev).await?;
            Ok(pid)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }
}
