//! Corrections after a month is closed ([`domain::correction`]): which settled months changed
//! since their invoices were approved, and the controller's record of each as a credit request
//! or an accepted additional line. The provider sees the corrections addressed to it. A
//! correction stays open until the provider's next approved document for the month answers it
//! (an invoice for an additional line, a credit note for a credit request).

use crate::delivery::invalid;
use crate::gate::Target;
use crate::invoice::billed_minutes;
use crate::{Service, ServiceResult};
use chrono::NaiveDate;
use db::doc::{Doc, Filter, Table};
use db::Tx;
use domain::access::{Action, Resource};
use domain::audit::{AuditAction, Purpose, RecordKind};
use domain::commitment::in_force;
use domain::correction::{Correction, Difference};
use domain::invoice::{InvoiceKind, ReceivedInvoice};
use domain::money::Money;
use domain::org::Actor;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The corrections page: what is due (for the purchaser's controller) and what was recorded.
#[derive(Debug, Clone)]
pub struct CorrectionsView {
    pub due: Vec<Difference>,
    /// Newest first.
    pub recorded: Vec<Doc<Correction>>,
    /// Whether the actor may record the ones due.
    pub may_record: bool,
}

/// Status of a recorded correction's row.
const OPEN: &str = "open";
const SETTLED: &str = "settled";

impl Service {
    /// The months to correct and the corrections recorded: a purchaser's controller sees its
    /// own, a provider those addressed to it. No client is named: a correction is of a
    /// commitment number and a month.
    pub async fn corrections(&self, actor: &Actor) -> ServiceResult<CorrectionsView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let t = self
                .authorize_own_invoices(&mut tx, actor, Action::List, AuditAction::List)
                .await?;
            let purchaser = actor.org_kind.is_purchaser();
            let (due, mut recorded) = if purchaser {
                let due = self.due_corrections(&mut tx, actor.org_id).await?;
                (due, self.recorded(&mut tx, actor.org_id).await?)
            } else {
                let all: Vec<Doc<Correction>> =
                    db::doc::list(&mut tx, Table::Corrections, Filter::default()).await?;
                let own = all
                    .into_iter()
                    .filter(|c| c.data.provider == actor.org_id)
                    .collect();
                (Vec::new(), own)
            };
            recorded.reverse();
            let may_record = purchaser
                && self.may(
                    actor,
                    Action::Decide,
                    Resource::Invoice {
                        purchaser_id: actor.org_id,
                        provider_id: Uuid::nil(),
                    },
                );
            let mut ev = self.ev(actor, AuditAction::List, &t);
            ev.purpose = Purpose::Settlement;
            ev.details = format!(
                "corrections: {} due, {} recorded",
                due.len(),
                recorded.len()
            );
            self.record(&mut tx, ev).await?;
            Ok(CorrectionsView {
                due,
                recorded,
                may_record,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    /// Records the correction of a month that changed: its rows as they are now, a credit
    /// request when the provider was paid too much and an accepted additional line when it is
    /// owed more. `reason` tells the provider why the month changed.
    pub async fn record_correction(
        &self,
        actor: &Actor,
        number: &str,
        month: NaiveDate,
        reason: &str,
    ) -> ServiceResult<Uuid> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let month = domain::delivery::month_of(month);
            let by_number = self.commitments_by_number(&mut tx, &[number]).await?;
            let c = by_number
                .get(number)
                .and_then(|v| {
                    let c = in_force(v.iter().map(|d| &d.data))?;
                    v.iter().find(|d| std::ptr::eq(&d.data, c))
                })
                .cloned();
            let t = Target {
                kind: RecordKind::Invoice,
                id: None,
                owner: Some(actor.org_id),
                subject: None,
            };
            target = Some(t.clone());
            // An unknown number is refused as another organisation's would be.
            let (purchaser, provider) = c
                .as_ref()
                .map(|c| (c.owner_id, c.data.provider))
                .unwrap_or((Uuid::nil(), Uuid::nil()));
            self.authorize(
                &mut tx,
                actor,
                Action::Decide,
                Resource::Invoice {
                    purchaser_id: purchaser,
                    provider_id: provider,
                },
                AuditAction::Create,
                &t,
            )
            .await?;
            let Some(c) = c else {
                return Err(invalid("month", "correction-none"));
            };
            let reason: String = reason.trim().chars().take(2000).collect();
            let due = self.due_corrections(&mut tx, purchaser).await?;
            let Some(d) = due
                .into_iter()
                .find(|d| d.commitment == number && d.month == month)
            else {
                return Err(invalid("month", "correction-none"));
            };
            if reason.is_empty() {
                return Err(invalid("reason", "required"));
            }
            let invoices = db::invoice::billing(&mut tx, &[number])
                .await?
                .into_iter()
                .filter(|i| i.owner_id == purchaser && i.data.status.approved())
                .filter(|i| i.data.kind == InvoiceKind::Invoice)
                .filter(|i| i.data.settled.iter().any(|s| s.month == month))
                .map(|i| i.data.number)
                .collect();
            let now = self.now();
            let record = Correction {
                commitment: d.commitment,
                month: d.month,
                provider,
                rows: d.rows,
                difference: d.difference,
                outcome: d.outcome,
                reason,
                invoices,
                by: actor.user_id,
                by_name: actor.display_name.clone(),
                at: now,
                settled_by: None,
            };
            let id = Uuid::now_v7();
            db::doc::insert(
                &mut tx,
                Table::Corrections,
                id,
                purchaser,
                Some(c.id),
                OPEN,
                &record,
                now,
            )
            .await?;
            let mut ev = self.ev(actor, AuditAction::Create, &t);
            ev.purpose = Purpose::Settlement;
            ev.details = format!(
                "correction {} {} {} {}",
                number,
                month.format("%Y-%m"),
                record.outcome.code(),
                record.difference.cents()
            );
            self.record(&mut tx, ev).await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, target.as_ref())
            .await
    }

    async fn recorded(&self, tx: &mut Tx, purchaser: Uuid) -> ServiceResult<Vec<Doc<Correction>>> {
        Ok(db::doc::list(
            tx,
            Table::Corrections,
            Filter {
                owner: Some(purchaser),
                ..Filter::default()
            },
        )
        .await?)
    }

    /// Every settled month of the purchaser whose figures now differ from what was settled of
    /// it (approved invoices and credit notes, and the corrections recorded and not yet
    /// answered), by more than the tolerance.
    pub(crate) async fn due_corrections(
        &self,
        tx: &mut Tx,
        purchaser: Uuid,
    ) -> ServiceResult<Vec<Difference>> {
        let approved: Vec<Doc<ReceivedInvoice>> = db::invoice::of_purchaser(tx, purchaser)
            .await?
            .into_iter()
            .filter(|d| d.data.status.approved())
            .collect();
        // Per month: the minutes settled and their price, and the minutes billed in all.
        let mut months: BTreeMap<(String, NaiveDate), (i64, i64, i64)> = BTreeMap::new();
        for d in &approved {
            for s in &d.data.settled {
                let e = months.entry((s.commitment.clone(), s.month)).or_default();
                e.0 += s.minutes;
                e.1 += s.amount.cents();
                e.2 += billed_minutes(&d.data, &s.commitment, s.month);
            }
        }
        for c in self.recorded(tx, purchaser).await? {
            if c.data.settled_by.is_some() {
                continue;
            }
            if let Some(e) = months.get_mut(&(c.data.commitment.clone(), c.data.month)) {
                let before = c.data.rows.first().map(|r| r.minutes).unwrap_or(0);
                let after = c.data.rows.last().map(|r| r.minutes).unwrap_or(0);
                e.0 += after - before;
                e.1 += c.data.difference.cents();
            }
        }
        let keys: Vec<(String, NaiveDate)> = months.keys().cloned().collect();
        let facts = self.facts_for(tx, &keys, purchaser, |_| false).await?;
        let tolerance = self.settings.settlement.tolerance;
        Ok(facts
            .iter()
            .filter_map(|f| {
                let (minutes, cents, billed) = months.get(&(f.commitment.clone(), f.month))?;
                domain::correction::difference(
                    f,
                    (*minutes, Money::from_cents(*cents)),
                    *billed,
                    tolerance,
                )
            })
            .collect())
    }

    /// An invoice or credit note is approved: the open corrections of the months it settles
    /// that it answers (an invoice an additional line, a credit note a credit request) are
    /// settled by it. Runs in the approval's transaction.
    pub(crate) async fn settle_corrections(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        d: &Doc<ReceivedInvoice>,
    ) -> ServiceResult<()> {
        let sign = if d.data.kind == InvoiceKind::CreditNote {
            -1
        } else {
            1
        };
        for mut c in self.recorded(tx, d.owner_id).await? {
            let answers = c.data.settled_by.is_none()
                && c.data.settled_by_sign(sign)
                && d.data
                    .settled
                    .iter()
                    .any(|s| s.commitment == c.data.commitment && s.month == c.data.month);
            if !answers {
                continue;
            }
            c.data.settled_by = Some(d.id);
            db::doc::update(tx, Table::Corrections, c.id, SETTLED, &c.data, self.now()).await?;
            let t = Target {
                kind: RecordKind::Invoice,
                id: Some(d.id),
                owner: Some(d.owner_id),
                subject: None,
            };
            let mut ev = self.ev(actor, AuditAction::Update, &t);
            ev.purpose = Purpose::Settlement;
            ev.details = format!(
                "correction {} {} settled by {}",
                c.data.commitment,
                c.data.month.format("%Y-%m"),
                d.data.number
            );
            self.record(tx, ev).await?;
        }
        Ok(())
    }
}
