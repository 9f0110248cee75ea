//! Payment commitments: sent to the recommended provider for a decided need, accepted or
//! declined by it, changed, extended or terminated, and read as documents. Every read of
//! client data is in the access log with the client as its subject.

use crate::competition::Competition;
use crate::gate::Target;
use crate::need::{Need, NeedStatus};
use crate::{Service, ServiceError, ServiceResult};
use chrono::Datelike;
use db::doc::{self, Doc, Filter, Table};
use domain::access::{serves_unit, Action, Resource};
use domain::application::Application;
use domain::audit::{AuditAction, Purpose, RecordKind};
use domain::calendar::{deadline, DayCount};
use domain::client::Client;
use domain::commitment::{
    commitment_number, max_total, BudgetLine, Commitment, CommitmentStatus, Recommendation,
};
use domain::money::Money;
use domain::org::Actor;
use domain::procurement::{Lot, Procurement};
use domain::validate::FieldErrors;
use domain::version::{Change, Reason};
use uuid::Uuid;

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CommitmentForm {
    pub starts_on: String,
    pub ends_on: String,
    pub cost_centre: String,
    pub budget_line: String,
}

/// A budget line now and with a commitment about to be sent ([`Service::commitment_effect`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitmentEffect {
    pub before: crate::budget::BudgetFigures,
    pub after: crate::budget::BudgetFigures,
}

/// A commitment with what its document shows. `client` is `None` for a provider until the
/// commitment gives it access.
pub struct CommitmentView {
    pub id: Uuid,
    pub commitment: Commitment,
    pub purchaser: String,
    pub provider: String,
    pub unit: String,
    pub lot: Lot,
    pub client: Option<(String, String)>,
    /// What the commitment, a client document, carries (703/2023 37 §).
    pub metadata: domain::metadata::Metadata,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ChangeForm {
    /// `change` (new end and/or quantity: a new version the provider accepts) or `terminate`.
    pub kind: String,
    pub ends_on: String,
    pub hours_per_week: String,
    pub reason: String,
}

impl Service {
    /// The commitment a decided need's form makes, checked and authorized, without its number
    /// and unsaved: what [`Service::send_commitment`] sends and [`Service::commitment_effect`]
    /// shows the budget line's forecast with. `id` names the commitment in the log rows.
    async fn prepare_commitment(
        &self,
        tx: &mut db::Tx,
        actor: &Actor,
        need: Uuid,
        form: &CommitmentForm,
        id: Option<Uuid>,
        target: &mut Option<Target>,
    ) -> ServiceResult<(Uuid, Commitment)> {
        let n = doc::get::<Need>(tx, Table::ServiceNeeds, need).await?;
        let n = self
            .found(
                tx,
                actor,
                AuditAction::Create,
                RecordKind::Commitment,
                need,
                n,
            )
            .await?;
        let t = Target {
            kind: RecordKind::Commitment,
            id,
            owner: Some(n.owner_id),
            subject: Some(n.data.client),
        };
        // Who may send the purchaser's commitments is decided before anything about the
        // need is looked at, so that its state is told to no one else. The provider is
        // checked again below, once the recommendation names it.
        self.authorize(
            tx,
            actor,
            Action::Create,
            Resource::Commitment {
                purchaser_id: n.owner_id,
                provider_id: Uuid::nil(),
                unit: None,
            },
            AuditAction::Create,
            &t,
        )
        .await?;
        let application = match (&n.data.recommendation, &n.data.competition) {
            (Some(Recommendation::OrderedProvider { application, .. }), _) => *application,
            (
                Some(Recommendation::Competition),
                Some(Competition {
                    winner: Some(w), ..
                }),
            ) => *w,
            _ => {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "status",
                    "step-not-possible",
                )))
            }
        };
        let app: Doc<Application> = doc::get(tx, Table::Applications, application)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.authorize(
            tx,
            actor,
            Action::Create,
            Resource::Commitment {
                purchaser_id: n.owner_id,
                provider_id: app.owner_id,
                unit: None,
            },
            AuditAction::Create,
            &t,
        )
        .await?;
        *target = Some(t.clone());
        if n.data.status != NeedStatus::Decided {
            return Err(ServiceError::Invalid(FieldErrors::single(
                "status",
                "step-not-possible",
            )));
        }
        let lot: Doc<Lot> = doc::get(tx, Table::Lots, n.data.lot)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let p: Doc<Procurement> =
            doc::get(tx, Table::Procurements, lot.parent_id.unwrap_or_default())
                .await?
                .ok_or(ServiceError::NotFound)?;
        let mut e = FieldErrors::default();
        let starts_on = domain::staff::parse_date(&form.starts_on);
        let ends_on = domain::staff::parse_date(&form.ends_on);
        if starts_on.is_none() {
            e.add("starts_on", "date-format");
        }
        if ends_on.is_none() {
            e.add("ends_on", "date-format");
        }
        let unit_price = app.data.price.unwrap_or(Money::ZERO);
        if lot.data.price_cap.is_some_and(|cap| unit_price > cap) {
            e.add("unit_price", "price-over-cap");
        }
        // The service is bought only from a unit in Soteri on the day it is sent (741/2023 5 §).
        let unit = match app.data.unit_id {
            Some(u) => db::unit::get(tx, u).await?,
            None => None,
        };
        if !unit.is_some_and(|u| u.registered_in_soteri(self.today())) {
            e.add("application", "unit-not-in-soteri");
        }
        if let (Some(s), Some(end)) = (starts_on, ends_on) {
            if end < s {
                e.add("ends_on", "date-range");
            } else if s < p.data.starts_on || end > p.data.ends_with_options() {
                e.add("ends_on", "commitment-outside-period");
            }
        }
        let budget_line = match form.budget_line.trim() {
            "" => None,
            b => match Uuid::parse_str(b) {
                Ok(b) => Some(b),
                Err(_) => {
                    e.add("budget_line", "invalid-choice");
                    None
                }
            },
        };
        if let Some(b) = budget_line {
            // A commitment reserves money in its purchaser's own budget, never another's: a
            // line that is not the purchaser's is refused as any record of another is.
            let owner = doc::get::<BudgetLine>(tx, Table::BudgetLines, b)
                .await?
                .map(|l| l.owner_id)
                .unwrap_or_else(Uuid::nil);
            let bt = Target {
                kind: RecordKind::Budget,
                id: Some(b),
                owner: Some(owner),
                subject: None,
            };
            let res = if owner == n.owner_id {
                Resource::Budget { org_id: owner }
            } else {
                // Not the commitment's purchaser's line, whoever may read it otherwise.
                Resource::Budget {
                    org_id: Uuid::nil(),
                }
            };
            self.authorize(tx, actor, Action::Read, res, AuditAction::Create, &bt)
                .await?;
        }
        let cost_centre = e.required("cost_centre", &form.cost_centre, 40);
        let (Some(starts_on), Some(ends_on)) = (starts_on, ends_on) else {
            return Err(ServiceError::Invalid(e));
        };
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let total = max_total(unit_price, n.data.hours_per_week, starts_on, ends_on)
            .ok_or_else(|| ServiceError::Invalid(FieldErrors::single("ends_on", "date-range")))?;
        let c = Commitment {
            number: String::new(),
            version: 1,
            status: CommitmentStatus::Sent,
            client: n.data.client,
            family: n.data.family,
            need,
            lot: n.data.lot,
            application,
            provider: app.owner_id,
            unit: app.data.unit_id.unwrap_or_default(),
            quantity_per_week: n.data.hours_per_week,
            unit_price,
            starts_on,
            ends_on,
            cost_centre,
            budget_line,
            max_total: total,
            answer_by: deadline(self.today(), 5, DayCount::WorkingDays),
            reason: String::new(),
        };
        Ok((n.owner_id, c))
    }

    /// What sending this commitment would do to its budget line: the line's figures and
    /// forecast now and with the commitment counted as accepted. Checked and authorized as the
    /// sending itself; nothing is saved. `None` when the form names no budget line.
    pub async fn commitment_effect(
        &self,
        actor: &Actor,
        need: Uuid,
        form: &CommitmentForm,
    ) -> ServiceResult<Option<CommitmentEffect>> {
        let mut tx = self.db.begin_read().await?;
        let mut target = None;
        let r = async {
            let (owner, c) = self
                .prepare_commitment(&mut tx, actor, need, form, None, &mut target)
                .await?;
            let t = target.clone().ok_or(ServiceError::NotFound)?;
            // The need was read to make it: a read of the client's data.
            self.log_client(
                &mut tx,
                actor,
                AuditAction::Read,
                &t,
                "the budget effect of a commitment before it is sent".into(),
            )
            .await?;
            let Some(line) = c.budget_line else {
                return Ok(None);
            };
            let book = self.budget_book(&mut tx, owner).await?;
            let (before, after) = (book.figures(None), book.figures(Some(&c)));
            let find = |v: Vec<crate::budget::BudgetFigures>| v.into_iter().find(|b| b.id == line);
            Ok(match (find(before), find(after)) {
                (Some(before), Some(after)) => Some(CommitmentEffect { before, after }),
                _ => None,
            })
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Read, target.as_ref())
            .await
    }

    /// Sends the payment commitment of a decided need to the recommended provider, at its
    /// contract price, within the procurement's period.
    pub async fn send_commitment(
        &self,
        actor: &Actor,
        need: Uuid,
        form: &CommitmentForm,
    ) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let (owner, mut c) = self
                .prepare_commitment(&mut tx, actor, need, form, Some(id), &mut target)
                .await?;
            let t = target.clone().ok_or(ServiceError::NotFound)?;
            let serial =
                db::client::next_commitment_serial(&mut tx, owner, self.today().year()).await?;
            c.number = commitment_number(self.today().year(), serial);
            doc::insert(
                &mut tx,
                Table::Commitments,
                id,
                owner,
                Some(c.client),
                "sent",
                &c,
                self.now(),
            )
            .await?;
            db::client::set_commitment_keys(&mut tx, id, &c.number, c.provider).await?;
            self.log_client(
                &mut tx,
                actor,
                AuditAction::Create,
                &t,
                format!("commitment {}", c.number),
            )
            .await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, target.as_ref())
            .await
    }

    /// The provider accepts or declines a commitment sent to it.
    pub async fn answer_commitment(
        &self,
        actor: &Actor,
        id: Uuid,
        accept: bool,
        reason: &str,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let r = async {
            let c = doc::get::<Commitment>(&mut tx, Table::Commitments, id).await?;
            let mut c = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Update,
                    RecordKind::Commitment,
                    id,
                    c,
                )
                .await?;
            let t = Target {
                kind: RecordKind::Commitment,
                id: Some(id),
                owner: Some(c.owner_id),
                subject: Some(c.data.client),
            };
            self.authorize(
                &mut tx,
                actor,
                Action::Decide,
                Resource::Commitment {
                    purchaser_id: c.owner_id,
                    provider_id: c.data.provider,
                    unit: Some(c.data.unit),
                },
                AuditAction::Update,
                &t,
            )
            .await?;
            if c.data.status != CommitmentStatus::Sent {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "status",
                    "step-not-possible",
                )));
            }
            if !accept && reason.trim().is_empty() {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "reason",
                    "reasons-required",
                )));
            }
            c.data.status = if accept {
                CommitmentStatus::Accepted
            } else {
                CommitmentStatus::Declined
            };
            c.data.reason = reason.trim().to_owned();
            doc::revise(
                &mut tx,
                Table::Commitments,
                id,
                c.data.status.code(),
                &c.data,
                self.now(),
                &Change::new(
                    &actor.display_name,
                    if accept {
                        Reason::Accepted
                    } else {
                        Reason::Declined
                    },
                )
                .with_note(&c.data.reason),
            )
            .await?;
            // An accepted new version replaces the one in force.
            if accept && c.data.version > 1 {
                let versions: Vec<Doc<Commitment>> = doc::list(
                    &mut tx,
                    Table::Commitments,
                    Filter {
                        parent: Some(c.data.client),
                        status: Some(CommitmentStatus::Accepted.code()),
                        ..Filter::default()
                    },
                )
                .await?;
                for mut old in versions
                    .into_iter()
                    .filter(|o| o.id != id && o.data.number == c.data.number)
                {
                    old.data.status = CommitmentStatus::Superseded;
                    doc::revise(
                        &mut tx,
                        Table::Commitments,
                        old.id,
                        old.data.status.code(),
                        &old.data,
                        self.now(),
                        &Change::new(&actor.display_name, Reason::Superseded),
                    )
                    .await?;
                }
            }
            self.log_client(
                &mut tx,
                actor,
                AuditAction::Update,
                &t,
                format!("commitment {} {}", c.data.number, c.data.status.code()),
            )
            .await?;
            if accept {
                // The provider now reads the client's minimal data for the commitment's
                // period: a disclosure outside the county, in the same chain.
                let recipient = db::organisation::get(&mut tx, c.data.provider)
                    .await?
                    .map(|o| format!("{} ({})", o.name, o.business_id))
                    .unwrap_or_default();
                let what = format!(
                    "commitment {} version {}: the client's name, age, home municipality, \
                     language and guardians, {} – {}",
                    c.data.number, c.data.version, c.data.starts_on, c.data.ends_on
                );
                let ev = self.ev_for(
                    actor,
                    AuditAction::Disclose,
                    &t,
                    Purpose::ClientWork,
                    domain::audit::Disclosure {
                        recipient: &recipient,
                        basis: domain::audit::BASIS_PURCHASED_SERVICE,
                        what: &what,
                    }
                    .details(),
                );
                self.record(&mut tx, ev).await?;
            }
            Ok(())
        }
        .await;
        self.finish(tx, r).await
    }

    /// Commitments the actor's organisation may see: sent by the purchaser, or sent to the
    /// provider; filtered in the query by the actor's organisation.
    pub async fn commitments(&self, actor: &Actor) -> ServiceResult<Vec<Doc<Commitment>>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let t = Target {
                kind: RecordKind::Commitment,
                id: None,
                owner: Some(actor.org_id),
                subject: None,
            };
            self.authorize(
                &mut tx,
                actor,
                Action::List,
                Resource::Commitments {
                    org_id: actor.org_id,
                },
                AuditAction::List,
                &t,
            )
            .await?;
            let scope = if actor.org_kind.is_purchaser() {
                db::client::CommitmentScope::Purchaser(actor.org_id)
            } else {
                db::client::CommitmentScope::Provider(actor.org_id)
            };
            // A provider's user of one service unit sees that unit's commitments (703/2023 9 §).
            let mine: Vec<Doc<Commitment>> =
                db::client::commitments_in::<Commitment>(&mut tx, scope)
                    .await?
                    .into_iter()
                    .filter(|c| serves_unit(actor, c.data.unit))
                    .collect();
            // Every row names its client (by id, with a link): each is a subject of the view.
            let shown = mine.iter().map(|c| c.data.client).collect();
            self.log_shown(
                &mut tx,
                actor,
                AuditAction::List,
                &t,
                format!("{} commitments shown", mine.len()),
                shown,
            )
            .await?;
            Ok(mine)
        }
        .await;
        self.finish(tx, r).await
    }

    /// A commitment for its document: the purchaser's staff and the provider's users may read
    /// it; the provider sees who the client is only once the commitment gives it access.
    pub async fn commitment_view(&self, actor: &Actor, id: Uuid) -> ServiceResult<CommitmentView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let c = doc::get::<Commitment>(&mut tx, Table::Commitments, id).await?;
            let c = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Read,
                    RecordKind::Commitment,
                    id,
                    c,
                )
                .await?;
            let t = Target {
                kind: RecordKind::Commitment,
                id: Some(id),
                owner: Some(c.owner_id),
                subject: Some(c.data.client),
            };
            let grant = self
                .authorize(
                    &mut tx,
                    actor,
                    Action::Read,
                    Resource::Commitment {
                        purchaser_id: c.owner_id,
                        provider_id: c.data.provider,
                        unit: Some(c.data.unit),
                    },
                    AuditAction::Read,
                    &t,
                )
                .await?;
            // The provider sees who the client is exactly when it may see the client's page:
            // the same rule, asked the same way.
            let client_grant = if actor.org_kind.is_purchaser() {
                Some(grant)
            } else {
                let (follow, unit) = self
                    .reach_of(&mut tx, actor, c.data.provider, c.data.client)
                    .await?;
                self.granted(
                    actor,
                    Action::Read,
                    Resource::Client {
                        purchaser_id: c.owner_id,
                        follow,
                        tie: domain::access::Tie::None,
                        unit,
                    },
                )
            };
            let record = match &client_grant {
                Some(g) => db::client::get::<Client>(&mut tx, g, c.data.client).await?,
                None => None,
            };
            let client = record
                .as_ref()
                .map(|d| (d.data.name(), d.data.masked_code.clone()));
            let lot: Doc<Lot> = doc::get(&mut tx, Table::Lots, c.data.lot)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let purchaser = db::organisation::get(&mut tx, c.owner_id)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            let provider = db::organisation::get(&mut tx, c.data.provider)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            let unit = db::unit::get(&mut tx, c.data.unit).await?;
            let metadata = domain::metadata::for_commitment(
                Some(&lot.data),
                record.as_ref().map(|r| &r.data),
                &purchaser,
                &provider,
                unit.as_ref(),
            );
            let unit = unit.map(|u| u.name).unwrap_or_default();
            self.log_client(
                &mut tx,
                actor,
                AuditAction::Read,
                &t,
                format!(
                    "commitment document {}",
                    if client.is_some() {
                        "with client"
                    } else {
                        "without client"
                    }
                ),
            )
            .await?;
            Ok(CommitmentView {
                id,
                commitment: c.data,
                purchaser,
                provider,
                unit,
                lot: lot.data,
                client,
                metadata,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    /// Changes, extends or terminates a commitment. A change is a new version with the same
    /// number, sent to the provider; the old version stays in force until the new one is
    /// accepted. A termination ends the commitment, and the provider's access, today.
    pub async fn change_commitment(
        &self,
        actor: &Actor,
        id: Uuid,
        form: &ChangeForm,
    ) -> ServiceResult<Uuid> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let c = doc::get::<Commitment>(&mut tx, Table::Commitments, id).await?;
            let c = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Update,
                    RecordKind::Commitment,
                    id,
                    c,
                )
                .await?;
            let t = Target {
                kind: RecordKind::Commitment,
                id: Some(id),
                owner: Some(c.owner_id),
                subject: Some(c.data.client),
            };
            self.authorize(
                &mut tx,
                actor,
                Action::Update,
                Resource::Commitment {
                    purchaser_id: c.owner_id,
                    provider_id: c.data.provider,
                    unit: Some(c.data.unit),
                },
                AuditAction::Update,
                &t,
            )
            .await?;
            target = Some(t.clone());
            let reason = form.reason.trim().to_owned();
            let mut e = FieldErrors::default();
            if reason.is_empty() {
                e.add("reason", "reasons-required");
            }
            let today = self.today();
            match form.kind.as_str() {
                "terminate" => {
                    if !matches!(
                        c.data.status,
                        CommitmentStatus::Accepted | CommitmentStatus::Sent
                    ) {
                        e.add("kind", "step-not-possible");
                    }
                    if !e.is_empty() {
                        return Err(ServiceError::Invalid(e));
                    }
                    let mut d = c.data.clone();
                    d.status = CommitmentStatus::Terminated;
                    // Access ends with the day: the last day of the commitment is yesterday.
                    d.ends_on = d
                        .ends_on
                        .min(today.pred_opt().unwrap_or(today))
                        .max(d.starts_on);
                    d.reason = reason;
                    doc::revise(
                        &mut tx,
                        Table::Commitments,
                        id,
                        d.status.code(),
                        &d,
                        self.now(),
                        &Change::new(&actor.display_name, Reason::Terminated).with_note(&d.reason),
                    )
                    .await?;
                    self.log_client(
                        &mut tx,
                        actor,
                        AuditAction::Update,
                        &t,
                        format!("commitment {} terminated", d.number),
                    )
                    .await?;
                    Ok(id)
                }
                "change" => {
                    if c.data.status != CommitmentStatus::Accepted {
                        e.add("kind", "step-not-possible");
                    }
                    let ends_on = match form.ends_on.trim() {
                        "" => Some(c.data.ends_on),
                        s => domain::staff::parse_date(s).or_else(|| {
                            e.add("ends_on", "date-format");
                            None
                        }),
                    };
                    let hours = match form.hours_per_week.trim() {
                        "" => c.data.quantity_per_week,
                        s => match s.parse::<u32>() {
                            Ok(h) if (1..=80).contains(&h) => h,
                            _ => {
                                e.add("hours_per_week", "number-format");
                                c.data.quantity_per_week
                            }
                        },
                    };
                    let lot: Doc<Lot> = doc::get(&mut tx, Table::Lots, c.data.lot)
                        .await?
                        .ok_or(ServiceError::NotFound)?;
                    let p: Doc<Procurement> = doc::get(
                        &mut tx,
                        Table::Procurements,
                        lot.parent_id.unwrap_or_default(),
                    )
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                    if let Some(end) = ends_on {
                        if end < c.data.starts_on {
                            e.add("ends_on", "date-range");
                        } else if end > p.data.ends_with_options() {
                            e.add("ends_on", "commitment-outside-period");
                        }
                    }
                    let Some(ends_on) = ends_on else {
                        return Err(ServiceError::Invalid(e));
                    };
                    if !e.is_empty() {
                        return Err(ServiceError::Invalid(e));
                    }
                    let mut d = c.data.clone();
                    d.version += 1;
                    d.status = CommitmentStatus::Sent;
                    d.ends_on = ends_on;
                    d.quantity_per_week = hours;
                    d.max_total =
                        max_total(d.unit_price, hours, d.starts_on, ends_on).ok_or_else(|| {
                            ServiceError::Invalid(FieldErrors::single("ends_on", "date-range"))
                        })?;
                    d.answer_by = deadline(today, 5, DayCount::WorkingDays);
                    d.reason = reason;
                    let new_id = Uuid::now_v7();
                    doc::insert(
                        &mut tx,
                        Table::Commitments,
                        new_id,
                        c.owner_id,
                        Some(c.data.client),
                        "sent",
                        &d,
                        self.now(),
                    )
                    .await?;
                    db::client::set_commitment_keys(&mut tx, new_id, &d.number, d.provider).await?;
                    self.log_client(
                        &mut tx,
                        actor,
                        AuditAction::Create,
                        &t,
                        format!("commitment {} version {}", d.number, d.version),
                    )
                    .await?;
                    Ok(new_id)
                }
                _ => Err(ServiceError::Invalid(FieldErrors::single(
                    "kind",
                    "invalid-choice",
                ))),
            }
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }
}
