//! Costs shared between organisations (seed 002, Länsi-Pohja): the host keeps the agreement
//! and its bases, enters each quarter's costs (the NGO's invoice, the shared worker's salary,
//! funding received), and when the quarter is complete issues a recharge invoice to every
//! other party for its share, computed to the cent by [`domain::cost_sharing::settle`]. A cost
//! entered after that is a correction: the next round credits each changed invoice and issues
//! a new one. Each party reads the agreement and the computation, and only its own invoices;
//! nothing here names a client.

use crate::gate::Target;
use crate::{Service, ServiceError, ServiceResult};
use db::doc::{self, Doc, Table};
use db::Tx;
use domain::access::{Action, Resource};
use domain::agreement::{Period, Signature};
use domain::audit::{AuditAction, Purpose, RecordKind};
use domain::cost_sharing::{
    missing_costs, settle, BasisForm, Computation, CostForm, CostItem, ExpectedCost, Party,
    Recharge, Sharing, SharingForm, Unsettled,
};
use domain::ident::ReferenceNumber;
use domain::locale::Lang;
use domain::org::Actor;
use domain::validate::FieldErrors;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const ISSUED: &str = "issued";
const CREDITED: &str = "credited";

/// A round of a quarter's recharges: who issued it, when, and the documents it made.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Round {
    pub round: u32,
    pub issued: Signature,
    pub numbers: Vec<String>,
    /// The first days of the bases in force when it was issued: a basis added later that
    /// covers the quarter calls for a correction.
    pub bases_seen: Vec<chrono::NaiveDate>,
}

/// An agreement in a list.
#[derive(Debug, Clone)]
pub struct SharingSummary {
    pub id: Uuid,
    pub sharing: Sharing,
    pub hosted: bool,
}

/// A quarter in the agreement's overview.
#[derive(Debug, Clone)]
pub struct QuarterLine {
    pub period: Period,
    pub cost: i64,
    pub funding: i64,
    /// Rounds of recharges issued.
    pub rounds: u32,
    /// Costs entered after the last round wait for a correction.
    pub pending: bool,
}

/// One agreement: its terms, its quarters, and the recharges the actor may see.
#[derive(Debug, Clone)]
pub struct SharingView {
    pub id: Uuid,
    pub sharing: Sharing,
    pub hosted: bool,
    pub quarters: Vec<QuarterLine>,
    /// Newest first: all of them for the host, a party's own for a party.
    pub recharges: Vec<Doc<Recharge>>,
    pub may_update: bool,
    pub may_issue: bool,
    /// The host's agreements with providers, for naming one whose invoices are shared; empty
    /// for one who may not change the agreement.
    pub agreement_choices: Vec<(Uuid, String)>,
}

/// A quarter: its costs, the computation (or why there is none yet), its rounds and invoices.
#[derive(Debug, Clone)]
pub struct QuarterView {
    pub id: Uuid,
    pub sharing: Sharing,
    pub period: Period,
    pub items: Vec<Doc<CostItem>>,
    pub computation: Result<Computation, Unsettled>,
    pub missing: Vec<ExpectedCost>,
    pub rounds: Vec<Round>,
    pub pending: bool,
    /// Whether the quarter has ended, so that its costs can be complete.
    pub ended: bool,
    pub recharges: Vec<Doc<Recharge>>,
    pub hosted: bool,
    pub may_enter: bool,
    pub may_issue: bool,
    /// The approved invoices on what is shared that the quarter may take in; only for one who
    /// may enter costs and read the host's invoices.
    pub invoices: Vec<crate::shared_invoice::InvoiceCandidate>,
}

/// The regional steering group's quarter: the year's computations up to it, the region's
/// registers by size, and the minutes so far.
#[derive(Debug, Clone)]
pub struct SteeringView {
    pub id: Uuid,
    pub sharing: Sharing,
    pub period: Period,
    /// Each quarter of the year up to `period` within the agreement, with its computation
    /// where its days have a basis.
    pub quarters: Vec<(Period, Option<Computation>)>,
    /// The registers the host or a party keeps or is named by: name, controller, active entries.
    pub registers: Vec<(String, String, usize)>,
    pub meeting: Option<domain::agreement::Meeting>,
    pub may_record: bool,
}

fn invalid(field: &str, code: &str) -> ServiceError {
    ServiceError::Invalid(FieldErrors::single(field, code))
}

fn quarter_period(year: i32, quarter: u32) -> Period {
    Period::Quarter { year, quarter }
}

/// Whether a recharged quarter waits for a correction: a cost entered after its last round,
/// or a basis covering some of its days that the last round did not see.
fn pending(items: &[Doc<CostItem>], rounds: &[Round], sharing: &Sharing, period: Period) -> bool {
    let (Some(first), Some(last)) = (period.first_day(), period.last_day()) else {
        return false;
    };
    let done = u32::try_from(rounds.len()).unwrap_or(u32::MAX);
    rounds.last().is_some_and(|r| {
        items.iter().any(|i| i.data.after_round == done)
            || sharing
                .bases
                .iter()
                .any(|b| b.overlaps(first, Some(last)) && !r.bases_seen.contains(&b.from))
    })
}

impl Service {
    pub(crate) fn sharing_target(&self, id: Option<Uuid>, owner: Option<Uuid>) -> Target {
        Target {
            kind: RecordKind::CostSharing,
            id,
            owner,
            subject: None,
        }
    }

    pub(crate) fn sharing_event(
        &self,
        actor: &Actor,
        action: AuditAction,
        t: &Target,
        details: String,
    ) -> domain::audit::AuditEvent {
        self.ev_for(actor, action, t, Purpose::Settlement, details)
    }

    pub(crate) fn sharing_resource(actor: &Actor, d: &Doc<Sharing>) -> Resource {
        Resource::CostSharing {
            host_id: d.owner_id,
            is_party: d.data.party_index(actor.org_id).is_some(),
        }
    }

    /// The organisations that may share costs: counties and municipalities, by name.
    pub async fn sharing_candidates(&self, actor: &Actor) -> ServiceResult<Vec<(Uuid, String)>> {
        self.permit(
            actor,
            Action::Create,
            Resource::CostSharings {
                org_id: actor.org_id,
            },
            RecordKind::CostSharing,
            None,
        )
        .await?;
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let mut all: Vec<(Uuid, String)> = db::organisation::list(&mut tx)
                .await?
                .into_iter()
                .filter(|o| o.active && o.kind.is_purchaser())
                .map(|o| (o.id, o.name))
                .collect();
            all.sort_by(|a, b| a.1.cmp(&b.1));
            Ok(all)
        }
        .await;
        self.finish(tx, r).await
    }

    /// Makes a cost-sharing agreement hosted by the actor's organisation, without a basis yet.
    pub async fn create_cost_sharing(
        &self,
        actor: &Actor,
        form: &SharingForm,
    ) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let t = self.sharing_target(Some(id), Some(actor.org_id));
        let mut tx = self.db.begin().await?;
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::Create,
                Resource::CostSharings {
                    org_id: actor.org_id,
                },
                AuditAction::Create,
                &t,
            )
            .await?;
            let known: Vec<(Uuid, String)> = db::organisation::list(&mut tx)
                .await?
                .into_iter()
                .filter(|o| o.active && o.kind.is_purchaser())
                .map(|o| (o.id, o.name))
                .collect();
            let s = form
                .read(actor.org_id, &known)
                .map_err(ServiceError::Invalid)?;
            db::cost_sharing::insert(&mut tx, id, &s, self.now()).await?;
            let ev = self.sharing_event(
                actor,
                AuditAction::Create,
                &t,
                format!("cost sharing: {} parties", s.parties.len()),
            );
            self.record(&mut tx, ev).await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    /// The agreement after the gate allowed `action` on it; an unknown id is refused as
    /// another organisation's.
    pub(crate) async fn sharing_doc(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: Uuid,
        action: Action,
        audit_action: AuditAction,
    ) -> ServiceResult<Doc<Sharing>> {
        // A change (a basis, a cost, a round of recharges) holds the agreement's row: a cost
        // entered while recharges are issued lands either before them or as a correction.
        let d = self
            .gated_doc(
                tx,
                actor,
                (Table::CostSharings, RecordKind::CostSharing, id),
                action,
                audit_action,
                |d: &Doc<Sharing>| Self::sharing_resource(actor, d),
                |d| self.sharing_target(Some(id), Some(d.owner_id)),
            )
            .await?;
        Ok(d)
    }

    /// The agreement for a read of one of its pages, through the gate, with the access-log
    /// row saying what was read (`what`); the row is kept only if the page is built.
    pub(crate) async fn sharing_read(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: Uuid,
        what: String,
    ) -> ServiceResult<Doc<Sharing>> {
        let d = self
            .sharing_doc(tx, actor, id, Action::Read, AuditAction::Read)
            .await?;
        let t = self.sharing_target(Some(id), Some(d.owner_id));
        let ev = self.sharing_event(actor, AuditAction::Read, &t, what);
        self.record(tx, ev).await?;
        Ok(d)
    }

    /// Adds a basis version: percentages or populations from a day, which must not overlap
    /// another version.
    pub async fn add_sharing_basis(
        &self,
        actor: &Actor,
        id: Uuid,
        form: &BasisForm,
    ) -> ServiceResult<()> {
        let t = self.sharing_target(Some(id), None);
        let mut tx = self.db.begin().await?;
        let r = async {
            let d = self
                .sharing_doc(&mut tx, actor, id, Action::Update, AuditAction::Update)
                .await?;
            let entered = Signature {
                name: actor.display_name.clone(),
                at: self.now(),
            };
            let v = form.read(&d.data, entered).map_err(ServiceError::Invalid)?;
            let mut s = d.data.clone();
            let from = v.from;
            s.add_basis(v);
            doc::update(&mut tx, Table::CostSharings, id, "active", &s, self.now()).await?;
            let t = self.sharing_target(Some(id), Some(d.owner_id));
            let ev =
                self.sharing_event(actor, AuditAction::Update, &t, format!("basis from {from}"));
            self.record(&mut tx, ev).await?;
            Ok(())
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, Some(&t))
            .await
    }

    /// The agreements the actor's organisation hosts or is party to.
    pub async fn cost_sharings(&self, actor: &Actor) -> ServiceResult<Vec<SharingSummary>> {
        let t = self.sharing_target(None, Some(actor.org_id));
        let mut tx = self.db.begin_read().await?;
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::List,
                Resource::CostSharings {
                    org_id: actor.org_id,
                },
                AuditAction::List,
                &t,
            )
            .await?;
            let out: Vec<SharingSummary> = db::cost_sharing::of_party(&mut tx, actor.org_id)
                .await?
                .into_iter()
                .map(|d| SharingSummary {
                    id: d.id,
                    hosted: d.owner_id == actor.org_id,
                    sharing: d.data,
                })
                .collect();
            let ev = self.sharing_event(
                actor,
                AuditAction::List,
                &t,
                format!("{} cost-sharing agreements", out.len()),
            );
            self.record(&mut tx, ev).await?;
            Ok(out)
        }
        .await;
        self.finish(tx, r).await
    }

    pub(crate) async fn costs_of(
        &self,
        tx: &mut Tx,
        id: Uuid,
        period: Option<Period>,
    ) -> ServiceResult<Vec<Doc<CostItem>>> {
        let code = period.map(|p| p.code());
        let mut items: Vec<Doc<CostItem>> = doc::list(
            tx,
            Table::SharedCosts,
            doc::Filter {
                parent: Some(id),
                status: code.as_deref(),
                ..doc::Filter::default()
            },
        )
        .await?;
        items.sort_by_key(|d| (d.data.date, d.created_at));
        Ok(items)
    }

    pub(crate) async fn rounds_of(
        &self,
        tx: &mut Tx,
        id: Uuid,
    ) -> ServiceResult<Vec<(Period, Round)>> {
        let docs: Vec<Doc<Round>> = doc::children(tx, Table::SharedQuarters, id).await?;
        let mut out: Vec<(Period, Round)> = docs
            .into_iter()
            .filter_map(|d| {
                let (q, _) = d.status.split_once('/')?;
                Some((Period::parse(q)?, d.data))
            })
            .collect();
        out.sort_by_key(|(p, r)| (p.code(), r.round));
        Ok(out)
    }

    /// The recharges of an agreement the actor may see: every one for the host, a party's
    /// own for a party. Newest first.
    async fn visible_recharges(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<Vec<Doc<Recharge>>> {
        let mut all: Vec<Doc<Recharge>> = doc::children(tx, Table::Recharges, id).await?;
        all.retain(|d| {
            self.may(
                actor,
                Action::Read,
                Resource::Recharge {
                    host_id: d.owner_id,
                    recipient_id: d.data.recipient.org,
                },
            )
        });
        // Newest quarter and round first; within them credit notes before the new invoices,
        // in the parties' order.
        all.sort_by(|a, b| {
            (b.data.year, b.data.quarter, b.data.round)
                .cmp(&(a.data.year, a.data.quarter, a.data.round))
                .then(b.data.credit.cmp(&a.data.credit))
                .then(a.data.number.cmp(&b.data.number))
        });
        Ok(all)
    }

    /// One agreement: its terms and bases, each quarter from its start to this one with its
    /// costs and rounds, and the recharges the actor may see.
    pub async fn cost_sharing(&self, actor: &Actor, id: Uuid) -> ServiceResult<SharingView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let d = self
                .sharing_doc(&mut tx, actor, id, Action::Read, AuditAction::Read)
                .await?;
            let items = self.costs_of(&mut tx, id, None).await?;
            let rounds = self.rounds_of(&mut tx, id).await?;
            let mut quarters = Vec::new();
            let today = self.today();
            let last = d.data.valid_to.map_or(today, |v| v.min(today));
            let mut day = d.data.valid_from;
            while day <= last {
                let p = domain::agreement::quarter_of(day);
                let of: Vec<Doc<CostItem>> = items
                    .iter()
                    .filter(|i| quarter_period(i.data.year, i.data.quarter) == p)
                    .cloned()
                    .collect();
                let data: Vec<CostItem> = of.iter().map(|i| i.data.clone()).collect();
                let (cost, funding) = domain::cost_sharing::quarter_totals(&data);
                let rs: Vec<Round> = rounds
                    .iter()
                    .filter(|(q, _)| *q == p)
                    .map(|(_, r)| r.clone())
                    .collect();
                quarters.push(QuarterLine {
                    period: p,
                    cost,
                    funding,
                    rounds: u32::try_from(rs.len()).unwrap_or(u32::MAX),
                    pending: pending(&of, &rs, &d.data, p),
                });
                match p.last_day().and_then(|l| l.succ_opt()) {
                    Some(next) => day = next,
                    None => break,
                }
            }
            quarters.reverse();
            let recharges = self.visible_recharges(&mut tx, actor, id).await?;
            let res = Self::sharing_resource(actor, &d);
            let t = self.sharing_target(Some(id), Some(d.owner_id));
            let ev = self.sharing_event(
                actor,
                AuditAction::Read,
                &t,
                format!("cost sharing, {} recharges shown", recharges.len()),
            );
            self.record(&mut tx, ev).await?;
            let may_update = self.may(actor, Action::Update, res);
            let agreement_choices = if may_update
                && self.may(
                    actor,
                    Action::List,
                    Resource::Agreements { org_id: d.owner_id },
                ) {
                self.host_agreements(&mut tx, d.owner_id).await?
            } else {
                Vec::new()
            };
            Ok(SharingView {
                id,
                hosted: d.owner_id == actor.org_id,
                may_update,
                agreement_choices,
                may_issue: self.may(actor, Action::Decide, res),
                sharing: d.data,
                quarters,
                recharges,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    /// A quarter of an agreement: its costs, the computation under the bases in force, what
    /// is missing before it can be recharged, and its rounds and invoices.
    pub async fn shared_quarter(
        &self,
        actor: &Actor,
        id: Uuid,
        period: Period,
    ) -> ServiceResult<QuarterView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let d = self
                .sharing_read(&mut tx, actor, id, format!("quarter {}", period.code()))
                .await?;
            self.quarter_view(&mut tx, actor, &d, period).await
        }
        .await;
        self.finish(tx, r).await
    }

    async fn quarter_view(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        d: &Doc<Sharing>,
        period: Period,
    ) -> ServiceResult<QuarterView> {
        let Period::Quarter { year, quarter } = period else {
            return Err(ServiceError::NotFound);
        };
        let items = self.costs_of(tx, d.id, Some(period)).await?;
        let data: Vec<CostItem> = items.iter().map(|i| i.data.clone()).collect();
        let rounds: Vec<Round> = self
            .rounds_of(tx, d.id)
            .await?
            .into_iter()
            .filter(|(p, _)| *p == period)
            .map(|(_, r)| r)
            .collect();
        let mut recharges = self.visible_recharges(tx, actor, d.id).await?;
        recharges.retain(|r| r.data.year == year && r.data.quarter == quarter);
        let res = Self::sharing_resource(actor, d);
        let invoices = if self.may_take_invoices(actor, d) {
            self.invoice_candidates(tx, d, period).await?
        } else {
            Vec::new()
        };
        Ok(QuarterView {
            invoices,
            id: d.id,
            computation: settle(&d.data, year, quarter, &data),
            missing: missing_costs(&d.data, &data).into_iter().cloned().collect(),
            pending: pending(&items, &rounds, &d.data, period),
            ended: period.last_day().is_some_and(|l| l < self.today()),
            hosted: d.owner_id == actor.org_id,
            may_enter: self.may(actor, Action::Update, res),
            may_issue: self.may(actor, Action::Decide, res),
            sharing: d.data.clone(),
            period,
            items,
            rounds,
            recharges,
        })
    }

    /// Enters a cost of a quarter. One entered after the quarter was recharged is a
    /// correction, which the next round of recharges settles.
    pub async fn add_shared_cost(
        &self,
        actor: &Actor,
        id: Uuid,
        period: Period,
        form: &CostForm,
        lang: Lang,
    ) -> ServiceResult<Uuid> {
        let item_id = Uuid::now_v7();
        let t = self.sharing_target(Some(id), None);
        let mut tx = self.db.begin().await?;
        let r = async {
            let d = self
                .sharing_doc(&mut tx, actor, id, Action::Update, AuditAction::Update)
                .await?;
            let Period::Quarter { year, quarter } = period else {
                return Err(ServiceError::NotFound);
            };
            let entered = Signature {
                name: actor.display_name.clone(),
                at: self.now(),
            };
            let item = form
                .read(year, quarter, lang, entered)
                .map_err(ServiceError::Invalid)?;
            if !d.data.covers(quarter_period(year, quarter)) {
                return Err(invalid("date", "outside-agreement"));
            }
            self.enter_cost(&mut tx, actor, &d, item_id, period, item)
                .await?;
            Ok(item_id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, Some(&t))
            .await
    }

    /// Saves a cost of `period` of an agreement whose row the transaction holds, and logs it.
    /// A cost entered after the quarter's recharges is a correction the next round settles.
    pub(crate) async fn enter_cost(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        d: &Doc<Sharing>,
        item_id: Uuid,
        period: Period,
        mut item: CostItem,
    ) -> ServiceResult<()> {
        let done = self
            .rounds_of(tx, d.id)
            .await?
            .iter()
            .filter(|(p, _)| *p == period)
            .count();
        item.after_round = u32::try_from(done).unwrap_or(u32::MAX);
        doc::insert(
            tx,
            Table::SharedCosts,
            item_id,
            d.owner_id,
            Some(d.id),
            &period.code(),
            &item,
            self.now(),
        )
        .await?;
        let t = self.sharing_target(Some(d.id), Some(d.owner_id));
        let ev = self.sharing_event(
            actor,
            AuditAction::Update,
            &t,
            format!(
                "cost {} {} {} cents{}{}",
                period.code(),
                item.kind.code(),
                item.amount,
                item.invoice
                    .map(|i| format!(", invoice {i}"))
                    .unwrap_or_default(),
                if item.is_correction() {
                    ", correction"
                } else {
                    ""
                }
            ),
        );
        self.record(tx, ev).await
    }

    /// Issues the quarter's recharges: in the first round an invoice to every other party
    /// for its share; after a correction, a credit note for each invoice whose share changed
    /// and a new invoice for the new share. Refused while the quarter runs, while an expected
    /// cost is missing, or while days have no basis. Returns the documents' ids.
    pub async fn issue_recharges(
        &self,
        actor: &Actor,
        id: Uuid,
        period: Period,
    ) -> ServiceResult<Vec<Uuid>> {
        let t = self.sharing_target(Some(id), None);
        let mut tx = self.db.begin().await?;
        let r = async {
            let d = self
                .sharing_doc(&mut tx, actor, id, Action::Decide, AuditAction::Create)
                .await?;
            let host_actor_view = self.quarter_view(&mut tx, actor, &d, period).await?;
            let Period::Quarter { year, quarter } = period else {
                return Err(ServiceError::NotFound);
            };
            if !host_actor_view.ended {
                return Err(invalid("quarter", "quarter-not-ended"));
            }
            if !host_actor_view.missing.is_empty() {
                return Err(invalid("quarter", "costs-incomplete"));
            }
            let c = host_actor_view
                .computation
                .clone()
                .map_err(|u| invalid("quarter", u.code()))?;
            let round = u32::try_from(host_actor_view.rounds.len()).unwrap_or(u32::MAX) + 1;
            if round > 1 && !host_actor_view.pending {
                return Err(invalid("quarter", "nothing-to-correct"));
            }
            let host = db::organisation::get(&mut tx, d.owner_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let today = self.today();
            let due = today
                .checked_add_days(chrono::Days::new(u64::from(d.data.payment_days)))
                .unwrap_or(today);
            // The invoices in force for the quarter, by recipient.
            let all: Vec<Doc<Recharge>> = doc::children(&mut tx, Table::Recharges, id).await?;
            let mut made: Vec<(Uuid, Recharge)> = Vec::new();
            let mut credited: Vec<(Doc<Recharge>, Recharge)> = Vec::new();
            for (i, party) in d.data.parties.iter().enumerate() {
                if party.org == d.owner_id {
                    continue;
                }
                let share = c.shares.get(i).copied().unwrap_or(0);
                let current = all.iter().find(|r| {
                    r.status == ISSUED
                        && !r.data.credit
                        && r.data.year == year
                        && r.data.quarter == quarter
                        && r.data.recipient.org == party.org
                });
                if current.is_some_and(|r| r.data.amount == share) {
                    continue;
                }
                let org = db::organisation::get(&mut tx, party.org)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                let base = Recharge {
                    sharing: id,
                    title: d.data.title.clone(),
                    number: String::new(),
                    credit: false,
                    credits: None,
                    credits_date: None,
                    host: Party {
                        org: host.id,
                        name: host.name.clone(),
                    },
                    host_business_id: host.business_id.to_string(),
                    host_address: [
                        host.street_address.clone(),
                        host.postal_code.clone(),
                        host.city.clone(),
                    ],
                    recipient: party.clone(),
                    recipient_business_id: org.business_id.to_string(),
                    recipient_address: [
                        org.street_address.clone(),
                        org.postal_code.clone(),
                        org.city.clone(),
                    ],
                    year,
                    quarter,
                    round,
                    amount: share,
                    issue_date: today,
                    due_date: due,
                    reference: reference(year, quarter, round, i, id)?,
                    account: d.data.account.clone(),
                    bic: d.data.bic.clone(),
                    computation: c.clone(),
                };
                if let Some(old) = current {
                    let mut credit = base.clone();
                    credit.credit = true;
                    credit.amount = old.data.amount;
                    credit.number = format!("{}-H", number(id, period, round, i));
                    credit.credits = Some(old.data.number.clone());
                    // The credit note takes back the old invoice as it was computed.
                    credit.computation = old.data.computation.clone();
                    credit.credits_date = Some(old.data.issue_date);
                    credited.push((old.clone(), credit));
                }
                if share > 0 {
                    let mut inv = base;
                    inv.number = number(id, period, round, i);
                    made.push((Uuid::now_v7(), inv));
                }
            }
            let now = self.now();
            let mut ids = Vec::new();
            let mut events = Vec::new();
            for (old, credit) in credited {
                let mut old_data = old.data.clone();
                old_data.round = old.data.round;
                doc::update(&mut tx, Table::Recharges, old.id, CREDITED, &old_data, now).await?;
                let cid = Uuid::now_v7();
                doc::insert(
                    &mut tx,
                    Table::Recharges,
                    cid,
                    d.owner_id,
                    Some(id),
                    ISSUED,
                    &credit,
                    now,
                )
                .await?;
                events.push(self.recharge_event(actor, cid, &credit));
                ids.push(cid);
            }
            for (rid, inv) in &made {
                doc::insert(
                    &mut tx,
                    Table::Recharges,
                    *rid,
                    d.owner_id,
                    Some(id),
                    ISSUED,
                    inv,
                    now,
                )
                .await?;
                events.push(self.recharge_event(actor, *rid, inv));
                ids.push(*rid);
            }
            let numbers = made.iter().map(|(_, r)| r.number.clone()).collect();
            let r = Round {
                round,
                issued: Signature {
                    name: actor.display_name.clone(),
                    at: now,
                },
                numbers,
                bases_seen: d.data.bases.iter().map(|b| b.from).collect(),
            };
            let inserted = doc::insert(
                &mut tx,
                Table::SharedQuarters,
                Uuid::now_v7(),
                d.owner_id,
                Some(id),
                &format!("{}/{round}", period.code()),
                &r,
                now,
            )
            .await;
            match inserted {
                Ok(()) => {}
                // Another user issued the same round at the same moment.
                Err(e) if e.is_unique_violation() => {
                    return Err(invalid("quarter", "round-already-issued"))
                }
                Err(e) => return Err(e.into()),
            }
            self.record_many(&mut tx, events, now).await?;
            Ok(ids)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    fn recharge_event(&self, actor: &Actor, id: Uuid, r: &Recharge) -> domain::audit::AuditEvent {
        let t = Target {
            kind: RecordKind::Recharge,
            id: Some(id),
            owner: Some(r.host.org),
            subject: None,
        };
        let mut ev = self.ev(actor, AuditAction::Create, &t);
        ev.purpose = Purpose::Settlement;
        ev.details = format!(
            "{} {} to {}: {} cents, {}-Q{} round {}",
            if r.credit { "credit note" } else { "recharge" },
            r.number,
            r.recipient.name,
            r.amount,
            r.year,
            r.quarter,
            r.round
        );
        ev
    }

    /// One recharge invoice or credit note, for the host or its recipient only.
    pub async fn recharge(&self, actor: &Actor, id: Uuid) -> ServiceResult<Doc<Recharge>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let d: Option<Doc<Recharge>> = doc::get(&mut tx, Table::Recharges, id).await?;
            let d = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Read,
                    RecordKind::Recharge,
                    id,
                    d,
                )
                .await?;
            let t = Target {
                kind: RecordKind::Recharge,
                id: Some(id),
                owner: Some(d.owner_id),
                subject: None,
            };
            self.authorize(
                &mut tx,
                actor,
                Action::Read,
                Resource::Recharge {
                    host_id: d.owner_id,
                    recipient_id: d.data.recipient.org,
                },
                AuditAction::Read,
                &t,
            )
            .await?;
            let mut ev = self.ev(actor, AuditAction::Read, &t);
            ev.purpose = Purpose::Settlement;
            ev.details = format!("recharge {}", d.data.number);
            self.record(&mut tx, ev).await?;
            Ok(d)
        }
        .await;
        self.finish(tx, r).await
    }
}

/// A recharge's number: the agreement's short mark, the quarter, the round and the party's
/// place, so that numbers are unique for the host without a counter to race for.
impl Service {
    async fn steering_view(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        d: &Doc<Sharing>,
        period: Period,
    ) -> ServiceResult<SteeringView> {
        let Period::Quarter { year, quarter } = period else {
            return Err(ServiceError::NotFound);
        };
        let items = self.costs_of(tx, d.id, None).await?;
        let mut quarters = Vec::new();
        for q in 1..=quarter {
            let p = quarter_period(year, q);
            if !d.data.covers(p) {
                continue;
            }
            let of: Vec<CostItem> = items
                .iter()
                .filter(|i| i.data.year == year && i.data.quarter == q)
                .map(|i| i.data.clone())
                .collect();
            quarters.push((p, settle(&d.data, year, q, &of).ok()));
        }
        let parties: Vec<Uuid> = d.data.parties.iter().map(|p| p.org).collect();
        let regs: Vec<Doc<domain::register::Register>> =
            doc::list(tx, Table::PeopleRegisters, doc::Filter::default()).await?;
        let mut registers = Vec::new();
        for r in regs {
            let related = parties.contains(&r.owner_id)
                || r.data.grants.iter().any(|g| parties.contains(&g.org));
            if !related {
                continue;
            }
            let active = self.active_entries(tx, r.id).await?;
            registers.push((r.data.name, r.data.controller_name, active));
        }
        Ok(SteeringView {
            id: d.id,
            sharing: d.data.clone(),
            period,
            quarters,
            registers,
            meeting: self.meeting_doc(tx, d.id, period).await?.map(|m| m.data),
            may_record: self.may(actor, Action::Update, Self::sharing_resource(actor, d)),
        })
    }

    /// The regional steering group's meeting on a quarter, for every party's followers.
    pub async fn steering_meeting(
        &self,
        actor: &Actor,
        id: Uuid,
        period: Period,
    ) -> ServiceResult<SteeringView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let d = self
                .sharing_read(
                    &mut tx,
                    actor,
                    id,
                    format!("steering group {}", period.code()),
                )
                .await?;
            self.steering_view(&mut tx, actor, &d, period).await
        }
        .await;
        self.finish(tx, r).await
    }

    /// Records the steering group's minutes of a quarter, as the host's keeper; recording
    /// again replaces them.
    pub async fn record_steering_meeting(
        &self,
        actor: &Actor,
        id: Uuid,
        period: Period,
        held_on: &str,
        members: &str,
        items: &[domain::agreement::MeetingItem],
    ) -> ServiceResult<()> {
        let t = self.sharing_target(Some(id), None);
        let mut tx = self.db.begin().await?;
        let r = async {
            let d = self
                .sharing_doc(&mut tx, actor, id, Action::Update, AuditAction::Update)
                .await?;
            let agenda: Vec<String> = domain::cost_sharing::STEERING_AGENDA
                .iter()
                .map(|s| (*s).to_owned())
                .collect();
            let m = domain::agreement::minutes(
                period,
                held_on,
                members,
                &agenda,
                items,
                Signature {
                    name: actor.display_name.clone(),
                    at: self.now(),
                },
            )
            .map_err(ServiceError::Invalid)?;
            self.save_minutes(&mut tx, id, d.owner_id, &m).await?;
            let t = self.sharing_target(Some(id), Some(d.owner_id));
            let ev = self.sharing_event(
                actor,
                AuditAction::Update,
                &t,
                format!("steering group {} minutes", period.code()),
            );
            self.record(&mut tx, ev).await?;
            Ok(())
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, Some(&t))
            .await
    }
}

/// At most 18 characters, so that a credit note's (with `-H`) fits Finvoice's 20.
fn number(id: Uuid, period: Period, round: u32, party: usize) -> String {
    let hex = id.simple().to_string();
    let mark = hex.get(hex.len() - 6..).unwrap_or("000000").to_uppercase();
    let (year, quarter) = match period {
        Period::Quarter { year, quarter } => (year, quarter),
        Period::Month { year, month } => (year, month.div_ceil(3)),
    };
    format!(
        "{mark}-{:02}Q{quarter}-{}-{:02}",
        year.rem_euclid(100),
        round % 100,
        (party + 1) % 100
    )
}

/// The Finnish reference number a recharge's payment carries: year, quarter, round, party and
/// three digits of the agreement, with the check digit.
fn reference(year: i32, quarter: u32, round: u32, party: usize, id: Uuid) -> ServiceResult<String> {
    let mark = id.as_u128() % 1000;
    ReferenceNumber::from_base(&format!(
        "{mark:03}{year}{quarter}{:02}{:02}",
        round % 100,
        (party + 1) % 100
    ))
    .map(|r| r.as_str().to_owned())
    .map_err(|e| ServiceError::Internal(format!("reference number: {e:?}")))
}

/// The recharge as Finvoice 3.0.
pub fn finvoice_of(r: &Recharge) -> String {
    einvoice::write::finvoice(&einvoice_of(r))
}

/// The recharge as UBL 2.1 (Peppol BIS Billing 3.0).
pub fn ubl_of(r: &Recharge) -> String {
    einvoice::write::ubl(&einvoice_of(r))
}

/// The recharge as an EN 16931 invoice or credit note, for the Finvoice 3.0 and UBL 2.1
/// writers: one line for the party's share of the quarter, outside the scope of VAT (a
/// municipality's share of a statutory social service, VAT Act 1501/1993 37 §: exempt).
pub fn einvoice_of(r: &Recharge) -> einvoice::Invoice {
    use einvoice::{
        Address, Decimal, DocumentKind, Identifier, Invoice, InvoiceReference, Line, Totals,
        VatBreakdown,
    };
    let amount = Decimal::new(r.amount, 2);
    let kind = if r.credit {
        DocumentKind::CreditNote
    } else {
        DocumentKind::Invoice
    };
    let mut inv = Invoice::new(kind, r.number.clone());
    inv.type_code = Some(if r.credit { "381" } else { "380" }.to_owned());
    inv.issue_date = Some(r.issue_date);
    inv.due_date = (!r.credit).then_some(r.due_date);
    inv.currency = Some("EUR".to_owned());
    inv.buyer_reference = Some(format!("{}-Q{}", r.year, r.quarter));
    inv.contract_reference = Some(r.title.chars().take(70).collect());
    let p = quarter_period(r.year, r.quarter);
    inv.period = Some(einvoice::Period {
        start: p.first_day(),
        end: p.last_day(),
    });
    if let Some(n) = &r.credits {
        inv.preceding_invoices.push(InvoiceReference {
            number: n.clone(),
            date: r.credits_date,
        });
    }
    inv.notes.push(format!(
        "{} {}-Q{}: {} / {}",
        r.title,
        r.year,
        r.quarter,
        domain::money::Money::from_cents(r.amount).decimal(),
        domain::money::Money::from_cents(r.computation.cost - r.computation.funding).decimal()
    ));
    let party = |name: &str, bid: &str, addr: &[String; 3]| einvoice::Party {
        name: name.to_owned(),
        business_id: Some(bid.to_owned()),
        legal_id: Some(Identifier {
            value: bid.to_owned(),
            scheme: Some("0212".to_owned()),
        }),
        vat_id: None,
        electronic_address: Some(Identifier {
            value: format!("0037{}", bid.replace('-', "")),
            scheme: Some("0216".to_owned()),
        }),
        address: Some(Address {
            lines: vec![addr[0].clone()],
            postal_code: Some(addr[1].clone()),
            city: Some(addr[2].clone()),
            country: Some("FI".to_owned()),
        }),
        contact: None,
    };
    inv.seller = party(&r.host.name, &r.host_business_id, &r.host_address);
    inv.buyer = party(
        &r.recipient.name,
        &r.recipient_business_id,
        &r.recipient_address,
    );
    inv.payment.means_code = Some("58".to_owned());
    inv.payment.reference = Some(r.reference.clone());
    inv.payment.account = Some(r.account.clone());
    inv.payment.bank = Some(r.bic.clone());
    if let Some(n) = &r.credits {
        // Nothing is paid on a credit note: it is set off against the invoice it cancels.
        inv.payment.terms = Some(format!("Hyvitys laskusta {n}"));
    }
    let mut line = Line::new("1");
    line.name = Some(
        format!("{} {}-Q{}", r.title, r.year, r.quarter)
            .chars()
            .take(100)
            .collect(),
    );
    line.quantity = Some(Decimal::ONE);
    line.unit = Some("C62".to_owned());
    line.net_price = Some(amount);
    line.net_amount = Some(amount);
    line.vat_category = Some("E".to_owned());
    line.vat_rate = Some(Decimal::ZERO);
    line.vat_amount = Some(Decimal::ZERO);
    line.period = inv.period.clone();
    inv.lines.push(line);
    inv.vat_breakdown.push(VatBreakdown {
        category: Some("E".to_owned()),
        rate: Some(Decimal::ZERO),
        taxable: Some(amount),
        tax: Some(Decimal::ZERO),
        exemption_reason: Some("AVL 37 § / VAT Act 37 §: social welfare".to_owned()),
        exemption_code: None,
    });
    inv.totals = Totals {
        line_total: Some(amount),
        allowance_total: None,
        charge_total: None,
        tax_exclusive: Some(amount),
        vat_total: Some(Decimal::ZERO),
        tax_inclusive: Some(amount),
        prepaid: None,
        rounding: None,
        payable: Some(amount),
    };
    inv
}
