//! The host's received invoices as shared costs (seed 002: Pelastakaa Lapset ry invoices
//! Tornio quarterly, and Tornio shares the invoice). An agreement names the commitments and
//! the provider agreements whose invoices are shared; each approved invoice on them is offered
//! on the quarter its billing period ends in, and the host's controller takes it in as a cost,
//! once. The figure taken is what the host paid on the shared lines
//! ([`domain::cost_sharing::shared_part`]), so that the recharges rest on what was really
//! paid, not on what was typed.

use crate::{Service, ServiceError, ServiceResult};
use chrono::NaiveDate;
use db::doc::{self, Doc, Table};
use db::Tx;
use domain::access::{Action, Resource};
use domain::agreement::{Agreement, Period, Signature};
use domain::audit::AuditAction;
use domain::commitment::Commitment;
use domain::cost_sharing::{
    invoice_cost, invoice_cost_date, shared_part, CostItem, SharedSource, Sharing,
};
use domain::invoice::{InvoiceKind, ReceivedInvoice};
use domain::org::Actor;
use domain::procurement::Lot;
use domain::validate::FieldErrors;
use std::collections::HashSet;
use uuid::Uuid;

/// A commitment or agreement to share the invoices of, as typed: one of the two.
#[derive(Debug, Clone, Default)]
pub struct SourceForm {
    /// A commitment number of the host.
    pub commitment: String,
    /// The id of one of the host's agreements with a provider.
    pub agreement: String,
}

/// An approved invoice on what the agreement shares, not yet taken in: what the quarter's
/// page offers the host's controller.
#[derive(Debug, Clone)]
pub struct InvoiceCandidate {
    pub id: Uuid,
    pub number: String,
    pub seller: String,
    pub credit: bool,
    /// The day that puts it in the quarter ([`invoice_cost_date`]).
    pub date: NaiveDate,
    /// What the host paid on the whole invoice, and on its shared lines; cents, negative for
    /// a credit note.
    pub paid: i64,
    pub shared: i64,
}

fn invalid(field: &str, code: &str) -> ServiceError {
    ServiceError::Invalid(FieldErrors::single(field, code))
}

impl Service {
    /// The host's agreements with providers, by their newest version's title, for naming one
    /// whose invoices are shared. Only for one who may list the organisation's agreements.
    pub(crate) async fn host_agreements(
        &self,
        tx: &mut Tx,
        host: Uuid,
    ) -> ServiceResult<Vec<(Uuid, String)>> {
        let all: Vec<Doc<Agreement>> = doc::list(
            tx,
            Table::Agreements,
            doc::Filter {
                owner: Some(host),
                ..doc::Filter::default()
            },
        )
        .await?;
        let mut out: Vec<(Uuid, String)> = crate::agreement::by_agreement(all)
            .into_iter()
            .filter_map(|(id, versions)| Some((id, versions.last()?.data.title.clone())))
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }

    /// Names a commitment or an agreement of the host whose invoices the agreement shares.
    pub async fn add_shared_source(
        &self,
        actor: &Actor,
        id: Uuid,
        form: &SourceForm,
    ) -> ServiceResult<()> {
        let t = self.sharing_target(Some(id), None);
        let mut tx = self.db.begin().await?;
        let r = async {
            let d = self
                .sharing_doc(&mut tx, actor, id, Action::Update, AuditAction::Update)
                .await?;
            let number = form.commitment.trim();
            let agreement = form.agreement.trim();
            let source = match (number.is_empty(), agreement.is_empty()) {
                (true, true) => return Err(invalid("commitment", "source-required")),
                (false, false) => return Err(invalid("commitment", "source-one")),
                (false, true) => {
                    let found: Vec<Doc<Commitment>> =
                        db::client::commitments_by_numbers(&mut tx, &[number]).await?;
                    // Only the host's own commitments: another organisation's number is as
                    // unknown as one that does not exist.
                    if !found.iter().any(|c| c.owner_id == d.owner_id) {
                        return Err(invalid("commitment", "unknown-commitment"));
                    }
                    SharedSource::Commitment {
                        number: number.to_owned(),
                    }
                }
                (true, false) => {
                    // Naming one reads the organisation's agreements: the gate's to allow.
                    let t = crate::gate::Target {
                        kind: domain::audit::RecordKind::Agreement,
                        id: None,
                        owner: Some(d.owner_id),
                        subject: None,
                    };
                    self.authorize(
                        &mut tx,
                        actor,
                        Action::List,
                        Resource::Agreements { org_id: d.owner_id },
                        AuditAction::Update,
                        &t,
                    )
                    .await?;
                    let choices = self.host_agreements(&mut tx, d.owner_id).await?;
                    let Some((aid, title)) = Uuid::parse_str(agreement)
                        .ok()
                        .and_then(|a| choices.into_iter().find(|(c, _)| *c == a))
                    else {
                        return Err(invalid("agreement", "unknown-agreement"));
                    };
                    SharedSource::Agreement { id: aid, title }
                }
            };
            if d.data.sources.iter().any(|s| s.same_as(&source)) {
                let field = match source {
                    SharedSource::Commitment { .. } => "commitment",
                    SharedSource::Agreement { .. } => "agreement",
                };
                return Err(invalid(field, "source-twice"));
            }
            let details = format!("invoices shared from {}", source.log_text());
            let mut s = d.data.clone();
            s.sources.push(source);
            self.save_sources(&mut tx, actor, &d, &s, details).await
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, Some(&t))
            .await
    }

    /// Stops sharing the invoices of the source at `index`. The costs already taken in stay.
    pub async fn remove_shared_source(
        &self,
        actor: &Actor,
        id: Uuid,
        index: usize,
    ) -> ServiceResult<()> {
        let t = self.sharing_target(Some(id), None);
        let mut tx = self.db.begin().await?;
        let r = async {
            let d = self
                .sharing_doc(&mut tx, actor, id, Action::Update, AuditAction::Update)
                .await?;
            let mut s = d.data.clone();
            if index >= s.sources.len() {
                return Err(ServiceError::NotFound);
            }
            let gone = s.sources.remove(index);
            let details = format!("invoices no longer shared from {}", gone.log_text());
            self.save_sources(&mut tx, actor, &d, &s, details).await
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, Some(&t))
            .await
    }

    /// Writes the agreement with its changed sources and logs what changed.
    async fn save_sources(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        d: &Doc<Sharing>,
        s: &Sharing,
        details: String,
    ) -> ServiceResult<()> {
        doc::update(tx, Table::CostSharings, d.id, "active", s, self.now()).await?;
        let t = self.sharing_target(Some(d.id), Some(d.owner_id));
        let ev = self.sharing_event(actor, AuditAction::Update, &t, details);
        self.record(tx, ev).await
    }

    /// The commitment numbers whose invoices the agreement shares: those it names, and the
    /// host's commitments with each named agreement's provider in that agreement's
    /// procurement (any of the provider's, for an agreement that was not procured).
    async fn shared_numbers(
        &self,
        tx: &mut Tx,
        host: Uuid,
        s: &Sharing,
    ) -> ServiceResult<HashSet<String>> {
        let mut numbers = HashSet::new();
        let mut host_commitments: Option<Vec<Doc<Commitment>>> = None;
        for src in &s.sources {
            match src {
                SharedSource::Commitment { number } => {
                    numbers.insert(number.clone());
                }
                SharedSource::Agreement { id, .. } => {
                    let a: Option<Doc<Agreement>> = doc::get(tx, Table::Agreements, *id).await?;
                    let Some(a) = a.filter(|a| a.owner_id == host) else {
                        continue;
                    };
                    let lots: Option<HashSet<Uuid>> = match a.data.procurement {
                        Some(p) => Some(
                            doc::children::<Lot>(tx, Table::Lots, p)
                                .await?
                                .into_iter()
                                .map(|l| l.id)
                                .collect(),
                        ),
                        None => None,
                    };
                    if host_commitments.is_none() {
                        host_commitments = Some(
                            db::client::commitments_in(
                                tx,
                                db::client::CommitmentScope::Purchaser(host),
                            )
                            .await?,
                        );
                    }
                    for c in host_commitments.iter().flatten() {
                        if c.data.provider == a.data.provider
                            && lots.as_ref().is_none_or(|l| l.contains(&c.data.lot))
                        {
                            numbers.insert(c.data.number.clone());
                        }
                    }
                }
            }
        }
        Ok(numbers)
    }

    /// The approved invoices on what `d` shares whose day falls in `period` and within the
    /// agreement, not yet taken in as a cost of any quarter; oldest first.
    pub(crate) async fn invoice_candidates(
        &self,
        tx: &mut Tx,
        d: &Doc<Sharing>,
        period: Period,
    ) -> ServiceResult<Vec<InvoiceCandidate>> {
        if d.data.sources.is_empty() {
            return Ok(Vec::new());
        }
        let (Some(first), Some(last)) = (period.first_day(), period.last_day()) else {
            return Ok(Vec::new());
        };
        let from = first.max(d.data.valid_from);
        let to = d.data.valid_to.map_or(last, |v| v.min(last));
        let numbers = self.shared_numbers(tx, d.owner_id, &d.data).await?;
        let taken: HashSet<Uuid> = self
            .costs_of(tx, d.id, None)
            .await?
            .into_iter()
            .filter_map(|c| c.data.invoice)
            .collect();
        let is_shared = |n: &str| numbers.contains(n);
        let mut out = Vec::new();
        for inv in db::invoice::of_purchaser(tx, d.owner_id).await? {
            if taken.contains(&inv.id) {
                continue;
            }
            let Some(date) = invoice_cost_date(&inv.data).filter(|x| (from..=to).contains(x))
            else {
                continue;
            };
            let (Some(paid), Some(shared)) = (inv.data.paid(), shared_part(&inv.data, &is_shared))
            else {
                continue;
            };
            out.push(InvoiceCandidate {
                id: inv.id,
                number: inv.data.number.clone(),
                seller: inv.data.seller_name.clone(),
                credit: inv.data.kind == InvoiceKind::CreditNote,
                date,
                paid: paid.cents(),
                shared,
            });
        }
        out.sort_by(|a, b| a.date.cmp(&b.date).then(a.number.cmp(&b.number)));
        Ok(out)
    }

    /// Whether the actor sees the host's invoices offered on a quarter: one who may enter its
    /// costs and read the organisation's invoices.
    pub(crate) fn may_take_invoices(&self, actor: &Actor, d: &Doc<Sharing>) -> bool {
        d.owner_id == actor.org_id
            && self.may(actor, Action::Update, Self::sharing_resource(actor, d))
            && self.may(
                actor,
                Action::List,
                Resource::Invoices {
                    org_id: actor.org_id,
                },
            )
    }

    /// Takes an approved invoice on what the agreement shares in as a cost of `period`: its
    /// shared part, with its seller and number. Each invoice is taken once; one taken after
    /// the quarter's recharges is a correction.
    pub async fn add_shared_invoice(
        &self,
        actor: &Actor,
        id: Uuid,
        period: Period,
        invoice: Uuid,
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
            // Reading the host's invoices is the gate's to allow as well.
            self.authorize_own_invoices(&mut tx, actor, Action::List, AuditAction::Update)
                .await?;
            let offered = self.invoice_candidates(&mut tx, &d, period).await?;
            let Some(c) = offered.into_iter().find(|c| c.id == invoice) else {
                let taken = self
                    .costs_of(&mut tx, id, None)
                    .await?
                    .iter()
                    .any(|c| c.data.invoice == Some(invoice));
                return Err(invalid(
                    "invoice",
                    if taken {
                        "invoice-already-shared"
                    } else {
                        "invoice-not-shareable"
                    },
                ));
            };
            let inv: Option<Doc<ReceivedInvoice>> =
                doc::get(&mut tx, Table::Invoices, invoice).await?;
            let inv = inv.ok_or(ServiceError::NotFound)?;
            let entered = Signature {
                name: actor.display_name.clone(),
                at: self.now(),
            };
            let item: CostItem = invoice_cost(
                invoice,
                &inv.data,
                c.shared,
                c.date,
                (year, quarter),
                entered,
            );
            self.enter_cost(&mut tx, actor, &d, item_id, period, item)
                .await?;
            Ok(item_id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, Some(&t))
            .await
    }
}
