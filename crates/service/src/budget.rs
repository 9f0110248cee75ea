//! The purchaser's budget lines and what accepted payment commitments reserve of them.

use crate::gate::Target;
use crate::{Service, ServiceResult};
use db::doc::{self, Doc, Filter, Table};
use domain::access::{Action, Resource};
use domain::audit::{AuditAction, RecordKind};
use domain::commitment::{BudgetLine, Commitment, CommitmentStatus};
use domain::forecast::{forecast, Committed, Forecast};
use domain::money::Money;
use domain::org::Actor;
use std::collections::HashMap;
use uuid::Uuid;

/// A budget line and what is set against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetFigures {
    pub id: Uuid,
    pub line: BudgetLine,
    /// What accepted commitments still reserve (their maximum less what was approved on them).
    pub reserved: Money,
    /// What invoices billed that are not approved yet (held, to check, checked).
    pub invoiced: Money,
    /// What approved invoices turned into cost (credit notes counted off).
    pub actual: Money,
    /// What is left: the line less the reservations and the cost.
    pub free: Money,
    /// The line's year to December: expected cost and the month it runs out
    /// (`domain::forecast`).
    pub forecast: Forecast,
    /// The same year by lot and provider: what each is paid, invoiced and still worth.
    pub shares: Vec<Share>,
}

/// A lot and provider's part of a budget line's year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    pub lot: Uuid,
    pub provider: Uuid,
    /// Filled by [`Service::budget`]; empty where only the figures are wanted.
    pub lot_number: u32,
    pub lot_title: domain::requirement::LocalText,
    pub provider_name: String,
    pub paid: Money,
    pub invoiced: Money,
    /// Paid + invoiced + what its open commitments are still worth in the year.
    pub expected: Money,
}

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

    /// Budget lines with what accepted commitments reserve of them, what invoices waiting for
    /// approval bill, and what approved invoices turned into actual cost. An approved invoice
    /// turns its commitment's reservation into cost: the reservation left is the commitment's
    /// maximum less what was approved on it, so the free amount does not count it twice.
    pub async fn budget(&self, actor: &Actor) -> ServiceResult<Vec<BudgetFigures>> {
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
            let mut out = self.budget_book(&mut tx, actor.org_id).await?.figures(None);
            self.name_shares(&mut tx, actor.org_id, &mut out).await?;
            let mut ev = self.ev(actor, AuditAction::List, &t);
            ev.details = format!("{} budget lines", out.len());
            self.record(&mut tx, ev).await?;
            Ok(out)
        }
        .await;
        self.finish(tx, r).await
    }

    /// Names the lots and providers of the lines' shares.
    async fn name_shares(
        &self,
        tx: &mut db::Tx,
        org: Uuid,
        lines: &mut [BudgetFigures],
    ) -> ServiceResult<()> {
        let lots: HashMap<Uuid, domain::procurement::Lot> = doc::list(
            tx,
            Table::Lots,
            Filter {
                owner: Some(org),
                ..Filter::default()
            },
        )
        .await?
        .into_iter()
        .map(|d: Doc<domain::procurement::Lot>| (d.id, d.data))
        .collect();
        let mut names: HashMap<Uuid, String> = HashMap::new();
        for s in lines.iter_mut().flat_map(|l| l.shares.iter_mut()) {
            if let Some(l) = lots.get(&s.lot) {
                s.lot_number = l.number;
                s.lot_title = l.title.clone();
            }
            if let std::collections::hash_map::Entry::Vacant(e) = names.entry(s.provider) {
                let n = db::organisation::get(tx, s.provider)
                    .await?
                    .map(|o| o.name)
                    .unwrap_or_default();
                e.insert(n);
            }
            s.provider_name = names.get(&s.provider).cloned().unwrap_or_default();
        }
        Ok(())
    }

    /// What the budget figures of `org` are computed from, read once.
    pub(crate) async fn budget_book(
        &self,
        tx: &mut db::Tx,
        org: Uuid,
    ) -> ServiceResult<BudgetBook> {
        let lines: Vec<Doc<BudgetLine>> = doc::list(
            tx,
            Table::BudgetLines,
            Filter {
                owner: Some(org),
                ..Filter::default()
            },
        )
        .await?;
        let commitments: Vec<Doc<Commitment>> = doc::list(
            tx,
            Table::Commitments,
            Filter {
                owner: Some(org),
                status: Some(CommitmentStatus::Accepted.code()),
                ..Filter::default()
            },
        )
        .await?;
        let mut book = BudgetBook {
            lines,
            commitments,
            approved: HashMap::new(),
            pending: HashMap::new(),
            billed_until: HashMap::new(),
            today: self.now().date_naive(),
        };
        for i in db::invoice::of_purchaser(tx, org).await? {
            if i.data.status.counts() {
                if let Some(end) = i.data.period_end {
                    for n in &i.data.commitment_numbers {
                        let e = book.billed_until.entry(n.clone()).or_insert(end);
                        *e = (*e).max(end);
                    }
                }
            }
            let Some(number) = i.data.commitment_numbers.first() else {
                continue;
            };
            if let Some(paid) = i.data.paid() {
                *book.approved.entry(number.clone()).or_default() += paid.cents();
            } else if i.data.status.counts() {
                *book.pending.entry(number.clone()).or_default() += i.data.payable.cents();
            }
        }
        Ok(book)
    }
}

/// A purchaser's budget lines, accepted commitments and what its invoices set against them.
pub(crate) struct BudgetBook {
    lines: Vec<Doc<BudgetLine>>,
    commitments: Vec<Doc<Commitment>>,
    /// By commitment number: what was approved, and what waits for approval…
    approved: HashMap<String, i64>,
    pending: HashMap<String, i64>,
    /// …and the last day an invoice that counts billed on it.
    billed_until: HashMap<String, chrono::NaiveDate>,
    today: chrono::NaiveDate,
}

impl BudgetBook {
    /// Every line with its figures and forecast; `extra`, a commitment about to be sent,
    /// counts as accepted (the effect a social worker sees before sending it).
    pub(crate) fn figures(&self, extra: Option<&Commitment>) -> Vec<BudgetFigures> {
        let mut out = Vec::new();
        for l in &self.lines {
            let (mut reserved, mut invoiced, mut actual) = (0i64, 0i64, 0i64);
            let on_line: Vec<&Commitment> = self
                .commitments
                .iter()
                .map(|c| &c.data)
                .chain(extra)
                .filter(|c| c.budget_line == Some(l.id))
                .collect();
            let committed: Vec<Committed<'_>> = on_line
                .iter()
                .map(|c| Committed {
                    commitment: c,
                    billed_until: self.billed_until.get(&c.number).copied(),
                })
                .collect();
            for c in &on_line {
                let cost = self.approved.get(&c.number).copied().unwrap_or(0);
                actual += cost;
                invoiced += self.pending.get(&c.number).copied().unwrap_or(0);
                reserved += (c.max_total.cents() - cost).max(0);
            }
            let free = l.data.amount.cents() - reserved - actual;
            let forecast = forecast(
                l.data.year,
                l.data.amount,
                Money::from_cents(actual),
                Money::from_cents(invoiced),
                &committed,
                self.today,
            );
            // The same year by lot and provider, each group forecast alone (no amount of its own).
            let mut groups: std::collections::BTreeMap<(Uuid, Uuid), Vec<&Commitment>> =
                std::collections::BTreeMap::new();
            for c in &on_line {
                groups.entry((c.lot, c.provider)).or_default().push(c);
            }
            let shares = groups
                .into_iter()
                .map(|((lot, provider), cs)| {
                    let paid: i64 = cs
                        .iter()
                        .map(|c| self.approved.get(&c.number).copied().unwrap_or(0))
                        .sum();
                    let invoiced: i64 = cs
                        .iter()
                        .map(|c| self.pending.get(&c.number).copied().unwrap_or(0))
                        .sum();
                    let committed: Vec<Committed<'_>> = cs
                        .iter()
                        .map(|c| Committed {
                            commitment: c,
                            billed_until: self.billed_until.get(&c.number).copied(),
                        })
                        .collect();
                    let f = domain::forecast::forecast(
                        l.data.year,
                        Money::ZERO,
                        Money::from_cents(paid),
                        Money::from_cents(invoiced),
                        &committed,
                        self.today,
                    );
                    Share {
                        lot,
                        provider,
                        lot_number: 0,
                        lot_title: Default::default(),
                        provider_name: String::new(),
                        paid: Money::from_cents(paid),
                        invoiced: Money::from_cents(invoiced),
                        expected: f.expected,
                    }
                })
                .collect();
            out.push(BudgetFigures {
                shares,
                forecast,
                id: l.id,
                line: l.data.clone(),
                reserved: Money::from_cents(reserved),
                invoiced: Money::from_cents(invoiced),
                actual: Money::from_cents(actual),
                free: Money::from_cents(free),
            });
        }
        out
    }
}
