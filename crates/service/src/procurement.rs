//! Procurements and their lots with requirements, set up by the purchaser's procurement staff
//! and read by everyone signed in; the framework ranking; and the register of admitted
//! providers.

use crate::auth::event;
use crate::gate::Target;
use crate::{Service, ServiceError, ServiceResult};
use db::doc::{self, Doc, Filter, Table};
use db::{organisation, unit, Tx};
use domain::access::{Action, Resource};
use domain::application::{rank, AppStatus, Application};
use domain::audit::{AuditAction, Purpose, RecordKind};
use domain::locale::Lang;
use domain::money::Money;
use domain::org::{Actor, Organisation, ServiceUnit};
use domain::procurement::{Lot, LotForm, Procurement, ProcurementForm};
use domain::requirement::RequirementForm;
use domain::search::{stems, Query};
use domain::threshold::{Thresholds, Tier};
use domain::validate::FieldErrors;
use uuid::Uuid;

pub struct ProcurementSummary {
    pub id: Uuid,
    pub purchaser_name: String,
    pub data: Procurement,
    pub lots: usize,
    pub open_lots: usize,
}

pub struct ProcurementView {
    pub id: Uuid,
    pub purchaser: Organisation,
    pub data: Procurement,
    pub lots: Vec<Doc<Lot>>,
    pub may_edit: bool,
    /// The rules its estimated value falls under, at the thresholds of the day it was entered
    /// (`domain::threshold`); none without an estimate.
    pub tier: Option<(Tier, Thresholds)>,
}

/// One admitted provider in a framework lot's order.
pub struct RankRow {
    pub position: usize,
    pub application_id: Uuid,
    pub provider_name: String,
    pub unit_name: String,
    pub price: Money,
    pub quality_points: u32,
    pub points: f64,
}

pub struct LotView {
    pub id: Uuid,
    pub procurement_id: Uuid,
    pub procurement: Procurement,
    pub purchaser: Organisation,
    pub lot: Lot,
    pub may_edit: bool,
    /// Whether the actor's organisation may start an application now.
    pub may_apply: bool,
    /// The actor's own organisation's applications to this lot.
    pub own_applications: Vec<(Uuid, AppStatus)>,
    /// The framework order; empty for lots that are not ranked.
    pub ranking: Vec<RankRow>,
    /// Admitted providers of a lot that is not ranked.
    pub admitted: Vec<RankRow>,
}

/// Register search: every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct RegisterQuery {
    pub lot: Option<Uuid>,
    pub municipality: String,
    pub language: Option<Lang>,
    pub free_capacity: bool,
    pub words: String,
}

pub struct RegisterRow {
    pub application_id: Uuid,
    pub provider_id: Uuid,
    pub provider_name: String,
    pub business_id: String,
    pub unit: ServiceUnit,
    pub lot_id: Uuid,
    pub lot: Lot,
    pub procurement_title: domain::requirement::LocalText,
    pub price: Option<Money>,
}

impl Service {
    pub(crate) fn proc_target(
        &self,
        kind: RecordKind,
        id: Option<Uuid>,
        owner: Option<Uuid>,
    ) -> Target {
        Target {
            kind,
            id,
            owner,
            subject: None,
        }
    }

    /// Writes an access-log row for procurement work (purpose: procurement).
    pub(crate) async fn log_proc(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        action: AuditAction,
        t: &Target,
        details: String,
    ) -> ServiceResult<()> {
        let mut ev = self.ev(actor, action, t);
        ev.purpose = Purpose::Procurement;
        ev.details = details;
        self.record(tx, ev).await?;
        Ok(())
    }

    pub async fn procurements(&self, actor: &Actor) -> ServiceResult<Vec<ProcurementSummary>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let t = self.proc_target(RecordKind::Procurement, None, None);
            self.authorize(
                &mut tx,
                actor,
                Action::List,
                Resource::Procurements,
                AuditAction::List,
                &t,
            )
            .await?;
            let list: Vec<Doc<Procurement>> =
                doc::list(&mut tx, Table::Procurements, Filter::default()).await?;
            // Counted in the query: the list shows how many lots, not what they say.
            let lots = doc::count_children(&mut tx, Table::Lots, "open").await?;
            let orgs = organisation::list(&mut tx).await?;
            let out: Vec<ProcurementSummary> = list
                .into_iter()
                .map(|p| {
                    let (count, open) = lots.get(&p.id).copied().unwrap_or_default();
                    ProcurementSummary {
                        id: p.id,
                        purchaser_name: orgs
                            .iter()
                            .find(|o| o.id == p.owner_id)
                            .map(|o| o.name.clone())
                            .unwrap_or_default(),
                        lots: count,
                        open_lots: open,
                        data: p.data,
                    }
                })
                .collect();
            self.log_proc(
                &mut tx,
                actor,
                AuditAction::List,
                &t,
                format!("{} procurements shown", out.len()),
            )
            .await?;
            Ok(out)
        }
        .await;
        self.finish(tx, r).await
    }

    pub async fn procurement(&self, actor: &Actor, id: Uuid) -> ServiceResult<ProcurementView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let p: Doc<Procurement> = doc::get(&mut tx, Table::Procurements, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let t = self.proc_target(RecordKind::Procurement, Some(id), Some(p.owner_id));
            let res = Resource::Procurement {
                purchaser_id: p.owner_id,
            };
            self.authorize(&mut tx, actor, Action::Read, res, AuditAction::Read, &t)
                .await?;
            let purchaser = organisation::get(&mut tx, p.owner_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let mut lots: Vec<Doc<Lot>> = doc::list(
                &mut tx,
                Table::Lots,
                Filter {
                    parent: Some(id),
                    ..Filter::default()
                },
            )
            .await?;
            lots.sort_by_key(|l| l.data.number);
            self.log_proc(&mut tx, actor, AuditAction::Read, &t, String::new())
                .await?;
            let tier = p
                .data
                .estimated_value
                .and_then(|v| domain::threshold::tier(v, p.created_at.date_naive()));
            Ok(ProcurementView {
                tier,
                id,
                purchaser,
                data: p.data,
                lots,
                may_edit: self.policy(actor, Action::Update, res).is_ok(),
            })
        }
        .await;
        self.finish(tx, r).await
    }

    pub async fn create_procurement(
        &self,
        actor: &Actor,
        form: &ProcurementForm,
        lang: Lang,
    ) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let t = self.proc_target(RecordKind::Procurement, Some(id), Some(actor.org_id));
        let mut tx = self.db.begin().await?;
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::Create,
                Resource::Procurements,
                AuditAction::Create,
                &t,
            )
            .await?;
            let data = form.validate(lang).map_err(ServiceError::Invalid)?;
            doc::insert(
                &mut tx,
                Table::Procurements,
                id,
                actor.org_id,
                None,
                data.kind.code(),
                &data,
                self.now(),
            )
            .await?;
            self.log_proc(
                &mut tx,
                actor,
                AuditAction::Create,
                &t,
                data.kind.code().into(),
            )
            .await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    /// Loads a procurement for a change and checks that the actor may make it.
    async fn procurement_for_update(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: Uuid,
        t_kind: RecordKind,
        t_id: Uuid,
    ) -> ServiceResult<(Doc<Procurement>, Target)> {
        let p: Doc<Procurement> = doc::get(tx, Table::Procurements, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let t = self.proc_target(t_kind, Some(t_id), Some(p.owner_id));
        self.authorize(
            tx,
            actor,
            Action::Update,
            Resource::Procurement {
                purchaser_id: p.owner_id,
            },
            AuditAction::Update,
            &t,
        )
        .await?;
        Ok((p, t))
    }

    pub async fn update_procurement(
        &self,
        actor: &Actor,
        id: Uuid,
        form: &ProcurementForm,
        lang: Lang,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let (old, t) = self
                .procurement_for_update(&mut tx, actor, id, RecordKind::Procurement, id)
                .await?;
            target = Some(self.proc_target(t.kind, t.id, t.owner));
            let mut data = form.validate(lang).map_err(ServiceError::Invalid)?;
            // The form does not carry the notices behind the procurement: keep them.
            data.procedure_id = old.data.procedure_id;
            data.notices = old.data.notices;
            doc::update(
                &mut tx,
                Table::Procurements,
                id,
                data.kind.code(),
                &data,
                self.now(),
            )
            .await?;
            self.log_proc(&mut tx, actor, AuditAction::Update, &t, String::new())
                .await?;
            Ok(())
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    /// Adds a lot, numbered after the last one.
    pub async fn create_lot(
        &self,
        actor: &Actor,
        procurement_id: Uuid,
        form: &LotForm,
        lang: Lang,
    ) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let (p, t) = self
                .procurement_for_update(&mut tx, actor, procurement_id, RecordKind::Lot, id)
                .await?;
            target = Some(self.proc_target(t.kind, t.id, t.owner));
            let lots: Vec<Doc<Lot>> = doc::list(
                &mut tx,
                Table::Lots,
                Filter {
                    parent: Some(procurement_id),
                    ..Filter::default()
                },
            )
            .await?;
            let number = lots.iter().map(|l| l.data.number).max().unwrap_or(0) + 1;
            let lot = form
                .apply(&Lot::empty(number), lang)
                .map_err(ServiceError::Invalid)?;
            doc::insert(
                &mut tx,
                Table::Lots,
                id,
                p.owner_id,
                Some(procurement_id),
                lot_status(&lot),
                &lot,
                self.now(),
            )
            .await?;
            self.log_proc(
                &mut tx,
                actor,
                AuditAction::Create,
                &t,
                format!("lot {number}"),
            )
            .await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, target.as_ref())
            .await
    }

    /// Loads a lot for a change by the procurement's staff.
    async fn lot_for_update(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        lot_id: Uuid,
    ) -> ServiceResult<(Doc<Lot>, Target)> {
        let lot: Doc<Lot> = doc::get(tx, Table::Lots, lot_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let pid = lot.parent_id.ok_or(ServiceError::NotFound)?;
        let (_, t) = self
            .procurement_for_update(tx, actor, pid, RecordKind::Lot, lot_id)
            .await?;
        Ok((lot, t))
    }

    /// Changes a lot with `f`, which may refuse with field errors.
    async fn change_lot(
        &self,
        actor: &Actor,
        lot_id: Uuid,
        what: &str,
        f: impl FnOnce(&Lot) -> Result<Lot, FieldErrors>,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let (lot, t) = self.lot_for_update(&mut tx, actor, lot_id).await?;
            target = Some(self.proc_target(t.kind, t.id, t.owner));
            let new = f(&lot.data).map_err(ServiceError::Invalid)?;
            doc::update(
                &mut tx,
                Table::Lots,
                lot_id,
                lot_status(&new),
                &new,
                self.now(),
            )
            .await?;
            self.log_proc(&mut tx, actor, AuditAction::Update, &t, what.to_owned())
                .await?;
            Ok(())
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    pub async fn update_lot(
        &self,
        actor: &Actor,
        lot_id: Uuid,
        form: &LotForm,
        lang: Lang,
    ) -> ServiceResult<()> {
        self.change_lot(actor, lot_id, "lot", |l| form.apply(l, lang))
            .await
    }

    pub async fn add_requirement(
        &self,
        actor: &Actor,
        lot_id: Uuid,
        form: &RequirementForm,
    ) -> ServiceResult<()> {
        self.change_lot(actor, lot_id, "requirement added", |l| {
            let req = form.validate()?;
            let mut l = l.clone();
            l.requirements.push(req);
            Ok(l)
        })
        .await
    }

    pub async fn remove_requirement(
        &self,
        actor: &Actor,
        lot_id: Uuid,
        index: usize,
    ) -> ServiceResult<()> {
        self.change_lot(
            actor,
            lot_id,
            &format!("requirement {} removed", index + 1),
            |l| {
                let mut l = l.clone();
                if index < l.requirements.len() {
                    l.requirements.remove(index);
                }
                Ok(l)
            },
        )
        .await
    }

    pub async fn lot(&self, actor: &Actor, lot_id: Uuid) -> ServiceResult<LotView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let lot: Doc<Lot> = doc::get(&mut tx, Table::Lots, lot_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let pid = lot.parent_id.ok_or(ServiceError::NotFound)?;
            let p: Doc<Procurement> = doc::get(&mut tx, Table::Procurements, pid)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let t = self.proc_target(RecordKind::Lot, Some(lot_id), Some(p.owner_id));
            let res = Resource::Procurement {
                purchaser_id: p.owner_id,
            };
            self.authorize(&mut tx, actor, Action::Read, res, AuditAction::Read, &t)
                .await?;
            let purchaser = organisation::get(&mut tx, p.owner_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let apps: Vec<Doc<Application>> = doc::list(
                &mut tx,
                Table::Applications,
                Filter {
                    parent: Some(lot_id),
                    ..Filter::default()
                },
            )
            .await?;
            let own_applications: Vec<(Uuid, AppStatus)> = apps
                .iter()
                .filter(|a| a.owner_id == actor.org_id)
                .map(|a| (a.id, a.data.status))
                .collect();
            let may_apply = lot.data.open
                && self
                    .policy(
                        actor,
                        Action::Create,
                        Resource::Applications {
                            org_id: actor.org_id,
                        },
                    )
                    .is_ok()
                && !own_applications
                    .iter()
                    .any(|(_, s)| !s.is_final() || *s == AppStatus::Admitted);
            let admitted = self.ranked(&mut tx, &apps, lot.data.price_weight).await?;
            let (ranking, admitted) = if p.data.kind.is_ranked() {
                (admitted, Vec::new())
            } else {
                (Vec::new(), admitted)
            };
            self.log_proc(&mut tx, actor, AuditAction::Read, &t, String::new())
                .await?;
            Ok(LotView {
                id: lot_id,
                procurement_id: pid,
                procurement: p.data,
                purchaser,
                lot: lot.data,
                may_edit: self.policy(actor, Action::Update, res).is_ok(),
                may_apply,
                own_applications,
                ranking,
                admitted,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    /// The admitted applications of a lot in framework order (price and quality points).
    async fn ranked(
        &self,
        tx: &mut Tx,
        apps: &[Doc<Application>],
        price_weight: u32,
    ) -> ServiceResult<Vec<RankRow>> {
        let mut offers = Vec::new();
        for a in apps.iter().filter(|a| a.data.status == AppStatus::Admitted) {
            let org = organisation::get(tx, a.owner_id).await?;
            let unit_name = match a.data.unit_id {
                Some(u) => unit::get(tx, u).await?.map(|u| u.name).unwrap_or_default(),
                None => String::new(),
            };
            offers.push((
                (a.id, org.map(|o| o.name).unwrap_or_default(), unit_name),
                a.data.price.unwrap_or(Money::ZERO),
                a.data.quality_points.unwrap_or(0),
            ));
        }
        Ok(rank(offers, price_weight)
            .into_iter()
            .enumerate()
            .map(|(i, r)| RankRow {
                position: i + 1,
                application_id: r.item.0,
                provider_name: r.item.1,
                unit_name: r.item.2,
                price: r.price,
                quality_points: r.quality_points,
                points: r.points,
            })
            .collect())
    }

    /// Searches admitted providers' units. Words match the lot's and procurement's titles and
    /// service descriptions and the provider's and unit's names, stemmed.
    pub async fn register(
        &self,
        actor: &Actor,
        q: &RegisterQuery,
    ) -> ServiceResult<Vec<RegisterRow>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let t = self.proc_target(RecordKind::ProviderRegister, None, None);
            self.authorize(
                &mut tx,
                actor,
                Action::List,
                Resource::ProviderRegister,
                AuditAction::Search,
                &t,
            )
            .await?;
            let apps: Vec<Doc<Application>> = doc::list(
                &mut tx,
                Table::Applications,
                Filter {
                    status: Some(AppStatus::Admitted.code()),
                    ..Filter::default()
                },
            )
            .await?;
            let query = Query::parse(&q.words);
            let municipality = q.municipality.trim().to_lowercase();
            let mut out = Vec::new();
            for a in apps {
                let Some(lot_id) = a.parent_id else { continue };
                if q.lot.is_some_and(|l| l != lot_id) {
                    continue;
                }
                let Some(unit_id) = a.data.unit_id else {
                    continue;
                };
                let Some(u) = unit::get(&mut tx, unit_id).await? else {
                    continue;
                };
                if !u.active {
                    continue;
                }
                if !municipality.is_empty()
                    && u.municipality.to_lowercase() != municipality
                    && !u
                        .served_municipalities
                        .iter()
                        .any(|m| m.to_lowercase() == municipality)
                {
                    continue;
                }
                if q.language.is_some_and(|l| !u.languages.contains(&l)) {
                    continue;
                }
                if q.free_capacity && u.free_capacity.unwrap_or(0) <= 0 {
                    continue;
                }
                let Some(lot) = doc::get::<Lot>(&mut tx, Table::Lots, lot_id).await? else {
                    continue;
                };
                let Some(p) = (match lot.parent_id {
                    Some(pid) => doc::get::<Procurement>(&mut tx, Table::Procurements, pid).await?,
                    None => None,
                }) else {
                    continue;
                };
                let Some(org) = organisation::get(&mut tx, a.owner_id).await? else {
                    continue;
                };
                if !query.is_empty() {
                    let mut text = String::new();
                    for s in lot.data.title.all().into_iter().chain(p.data.title.all()) {
                        text.push_str(s);
                        text.push(' ');
                    }
                    for s in &lot.data.sections {
                        text.push_str(&s.text.fi);
                        text.push(' ');
                    }
                    text.push_str(&org.name);
                    text.push(' ');
                    text.push_str(&u.name);
                    if !query.matches(&stems(&text)) {
                        continue;
                    }
                }
                out.push(RegisterRow {
                    application_id: a.id,
                    provider_id: org.id,
                    provider_name: org.name.clone(),
                    business_id: org.business_id.to_string(),
                    unit: u,
                    lot_id,
                    lot: lot.data,
                    procurement_title: p.data.title,
                    price: a.data.price,
                });
            }
            out.sort_by(|a, b| {
                a.provider_name
                    .cmp(&b.provider_name)
                    .then(a.lot.number.cmp(&b.lot.number))
            });
            let mut ev = event(
                Some(actor),
                AuditAction::Search,
                RecordKind::ProviderRegister,
            );
            ev.purpose = Purpose::Procurement;
            ev.details = format!(
                "words {:?}, municipality {:?}, language {:?}, free capacity {}: {} rows",
                q.words,
                q.municipality,
                q.language.map(|l| l.code()),
                q.free_capacity,
                out.len()
            );
            self.record(&mut tx, ev).await?;
            Ok(out)
        }
        .await;
        self.finish(tx, r).await
    }
}

impl crate::Setup {
    /// Creates a procurement with its lots as given, for the demo and for imports. Skips the
    /// access policy: the caller is start-up code, not a user.
    pub async fn bootstrap_procurement(
        &self,
        purchaser_id: Uuid,
        p: &Procurement,
        lots: &[Lot],
    ) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let mut tx = self.db.begin().await?;
        doc::insert(
            &mut tx,
            Table::Procurements,
            id,
            purchaser_id,
            None,
            p.kind.code(),
            p,
            self.now(),
        )
        .await?;
        for l in lots {
            doc::insert(
                &mut tx,
                Table::Lots,
                Uuid::now_v7(),
                purchaser_id,
                Some(id),
                lot_status(l),
                l,
                self.now(),
            )
            .await?;
        }
        let mut ev = event(None, AuditAction::Create, RecordKind::Procurement);
        ev.record_id = Some(id);
        ev.register_owner = Some(purchaser_id);
        ev.purpose = Purpose::Procurement;
        ev.details = format!("bootstrap with {} lots", lots.len());
        self.record(&mut tx, ev).await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// The status column of a lot's row: what lists count open lots by.
pub(crate) fn lot_status(l: &Lot) -> &'static str {
    if l.open {
        "open"
    } else {
        "closed"
    }
}
