//! Providers' applications to lots: a draft with unit, roster, price and size; submission with
//! every requirement evaluated; review, requests for more information, and the admission
//! decision with its working-day deadline.

use crate::gate::Target;
use crate::provider::EvidenceRow;
use crate::{Service, ServiceError, ServiceResult};
use db::doc::{self, Doc, Filter, Table};
use db::{organisation, unit, Tx};
use domain::access::{Action, Resource};
use domain::application::{next, AppStatus, Application, Event, Step};
use domain::audit::{AuditAction, RecordKind};
use domain::evidence::Evidence;
use domain::locale::Lang;
use domain::money::Money;
use domain::org::{Actor, Organisation, ServiceUnit};
use domain::procurement::{Lot, Procurement};
use domain::requirement::{evaluate, Evaluation, Offer};
use domain::staff::StaffMember;
use domain::validate::FieldErrors;
use uuid::Uuid;

/// What the provider fills in on a draft.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ApplicationForm {
    pub unit_id: String,
    pub roster: Vec<String>,
    pub price: String,
    pub employees: String,
    pub note: String,
}

/// A decision step with what it needs.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct StepForm {
    pub step: String,
    pub note: String,
    pub quality_points: String,
    /// "yes" to use the extended decision period.
    pub extend: String,
}

pub struct ApplicationView {
    pub id: Uuid,
    pub application: Application,
    pub lot_id: Uuid,
    pub lot: Lot,
    pub procurement_id: Uuid,
    pub procurement: Procurement,
    pub purchaser: Organisation,
    pub provider: Organisation,
    pub unit: Option<ServiceUnit>,
    /// The roster the evaluation used: the submitted snapshot, or the live staff for drafts.
    pub roster: Vec<StaffMember>,
    pub evaluation: Evaluation,
    pub evidence: Vec<EvidenceRow>,
    /// For drafts the provider can edit: its units and staff to choose from.
    pub units: Vec<ServiceUnit>,
    pub staff: Vec<Doc<StaffMember>>,
    pub may_edit: bool,
    pub may_decide: bool,
    pub steps: Vec<Step>,
}

pub struct ApplicationRow {
    pub id: Uuid,
    pub status: AppStatus,
    pub provider_name: String,
    pub lot_id: Uuid,
    pub lot: Lot,
    pub procurement_title: domain::requirement::LocalText,
    pub submitted_on: Option<chrono::NaiveDate>,
    pub decision_due: Option<chrono::NaiveDate>,
}

struct Loaded {
    app: Doc<Application>,
    lot: Doc<Lot>,
    procurement: Doc<Procurement>,
}

impl Service {
    async fn load_application(&self, tx: &mut Tx, id: Uuid) -> ServiceResult<Loaded> {
        let app: Doc<Application> = doc::get(tx, Table::Applications, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let lot: Doc<Lot> = doc::get(
            tx,
            Table::Lots,
            app.parent_id.ok_or(ServiceError::NotFound)?,
        )
        .await?
        .ok_or(ServiceError::NotFound)?;
        let procurement: Doc<Procurement> = doc::get(
            tx,
            Table::Procurements,
            lot.parent_id.ok_or(ServiceError::NotFound)?,
        )
        .await?
        .ok_or(ServiceError::NotFound)?;
        Ok(Loaded {
            app,
            lot,
            procurement,
        })
    }

    fn app_target(&self, l: &Loaded) -> Target {
        // The application is the provider's record in the purchaser's procurement register.
        self.proc_target(
            RecordKind::Application,
            Some(l.app.id),
            Some(l.procurement.owner_id),
        )
    }

    fn app_resource(l: &Loaded) -> Resource {
        Resource::Application {
            provider_id: l.app.owner_id,
            purchaser_id: l.procurement.owner_id,
        }
    }

    /// Starts a draft application of the actor's organisation to a lot.
    pub async fn start_application(&self, actor: &Actor, lot_id: Uuid) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let lot: Doc<Lot> = doc::get(&mut tx, Table::Lots, lot_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let p: Doc<Procurement> = doc::get(
                &mut tx,
                Table::Procurements,
                lot.parent_id.ok_or(ServiceError::NotFound)?,
            )
            .await?
            .ok_or(ServiceError::NotFound)?;
            let t = self.proc_target(RecordKind::Application, Some(id), Some(p.owner_id));
            self.authorize(
                &mut tx,
                actor,
                Action::Create,
                Resource::Applications {
                    org_id: actor.org_id,
                },
                AuditAction::Create,
                &t,
            )
            .await?;
            target = Some(self.proc_target(t.kind, t.id, t.owner));
            if !lot.data.open {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "lot",
                    "lot-closed",
                )));
            }
            let existing: Vec<Doc<Application>> = doc::list(
                &mut tx,
                Table::Applications,
                Filter {
                    owner: Some(actor.org_id),
                    parent: Some(lot_id),
                    status: None,
                },
            )
            .await?;
            if existing.iter().any(|a| !a.data.status.is_final()) {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "lot",
                    "application-exists",
                )));
            }
            // An admission runs as long as the procurement: a second one would overlap it.
            // A rejected provider may apply again (a dynamic purchasing system stays open).
            if existing
                .iter()
                .any(|a| a.data.status == AppStatus::Admitted)
            {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "lot",
                    "already-admitted",
                )));
            }
            let mut app = Application::new(&p.data.regime);
            // One unit is the obvious choice when the provider has only one.
            let units: Vec<ServiceUnit> = unit::list_for(&mut tx, actor.org_id)
                .await?
                .into_iter()
                .filter(|u| u.active)
                .collect();
            if units.len() == 1 {
                app.unit_id = Some(units[0].id);
            }
            doc::insert(
                &mut tx,
                Table::Applications,
                id,
                actor.org_id,
                Some(lot_id),
                app.status.code(),
                &app,
                self.now(),
            )
            .await?;
            self.log_proc(
                &mut tx,
                actor,
                AuditAction::Create,
                &t,
                format!("lot {}", lot.data.number),
            )
            .await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, target.as_ref())
            .await
    }

    /// The roster as staff records, in the order of the application's list.
    async fn live_roster(
        &self,
        tx: &mut Tx,
        org_id: Uuid,
        ids: &[Uuid],
    ) -> ServiceResult<Vec<StaffMember>> {
        let mut out = Vec::new();
        for id in ids {
            if let Some(m) = doc::get::<StaffMember>(tx, Table::StaffMembers, *id).await? {
                if m.owner_id == org_id {
                    out.push(m.data);
                }
            }
        }
        Ok(out)
    }

    async fn evaluate_offer(
        &self,
        tx: &mut Tx,
        l: &Loaded,
        roster: &[StaffMember],
    ) -> ServiceResult<Evaluation> {
        let unit = match l.app.data.unit_id {
            Some(u) => unit::get(tx, u).await?,
            None => None,
        };
        let evidence: Vec<Evidence> = doc::list::<Evidence>(
            tx,
            Table::Evidence,
            Filter {
                owner: Some(l.app.owner_id),
                ..Filter::default()
            },
        )
        .await?
        .into_iter()
        .map(|d| d.data)
        .collect();
        let langs = unit
            .as_ref()
            .map(|u| u.languages.clone())
            .unwrap_or_default();
        let offer = Offer {
            staff: roster,
            employees: l.app.data.employees,
            unit_municipality: unit.as_ref().map(|u| u.municipality.as_str()),
            unit_languages: &langs,
            evidence: &evidence,
            today: self.today(),
        };
        Ok(evaluate(&l.lot.data.requirements, &offer))
    }

    pub async fn application(&self, actor: &Actor, id: Uuid) -> ServiceResult<ApplicationView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let l = self.load_application(&mut tx, id).await?;
            let t = self.app_target(&l);
            let res = Self::app_resource(&l);
            self.authorize(&mut tx, actor, Action::Read, res, AuditAction::Read, &t)
                .await?;
            let a = &l.app.data;
            // A draft is the provider's own until it is submitted.
            if a.status == AppStatus::Draft && actor.org_kind.is_purchaser() {
                return Err(ServiceError::NotFound);
            }
            let editable = a.status.provider_may_edit();
            let roster = if editable {
                self.live_roster(&mut tx, l.app.owner_id, &a.roster).await?
            } else {
                a.roster_snapshot.clone()
            };
            let evaluation = match (&a.evaluation, editable) {
                (Some(e), false) => e.clone(),
                _ => self.evaluate_offer(&mut tx, &l, &roster).await?,
            };
            let may_edit = editable && self.policy(actor, Action::Update, res).is_ok();
            let may_decide = self.policy(actor, Action::Decide, res).is_ok();
            let (units, staff) = if may_edit {
                let units = unit::list_for(&mut tx, l.app.owner_id).await?;
                let staff: Vec<Doc<StaffMember>> = doc::list(
                    &mut tx,
                    Table::StaffMembers,
                    Filter {
                        owner: Some(l.app.owner_id),
                        status: Some("active"),
                        parent: None,
                    },
                )
                .await?;
                (units.into_iter().filter(|u| u.active).collect(), staff)
            } else {
                (Vec::new(), Vec::new())
            };
            let steps: Vec<Step> = [
                Step::Submit,
                Step::Withdraw,
                Step::StartReview,
                Step::AskInfo,
                Step::Admit,
                Step::Reject,
            ]
            .into_iter()
            .filter(|s| next(a.status, *s).is_some())
            .filter(|s| {
                if s.by_provider() {
                    self.policy(actor, Action::Update, res).is_ok()
                } else {
                    may_decide
                }
            })
            .collect();
            let unit = match a.unit_id {
                Some(u) => unit::get(&mut tx, u).await?,
                None => None,
            };
            let purchaser = organisation::get(&mut tx, l.procurement.owner_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let provider = organisation::get(&mut tx, l.app.owner_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let evidence = self.evidence_of(&mut tx, l.app.owner_id).await?;
            self.log_proc(
                &mut tx,
                actor,
                AuditAction::Read,
                &t,
                format!("{} with {} on the roster", a.status.code(), roster.len()),
            )
            .await?;
            Ok(ApplicationView {
                id,
                application: l.app.data.clone(),
                lot_id: l.lot.id,
                lot: l.lot.data.clone(),
                procurement_id: l.procurement.id,
                procurement: l.procurement.data.clone(),
                purchaser,
                provider,
                unit,
                roster,
                evaluation,
                evidence,
                units,
                staff,
                may_edit,
                may_decide,
                steps,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    /// Saves the provider's draft. Each field is checked as it is saved, so that a price over
    /// the cap is told at once; completeness is checked at submission.
    pub async fn save_application(
        &self,
        actor: &Actor,
        id: Uuid,
        form: &ApplicationForm,
        lang: Lang,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let l = self.load_application(&mut tx, id).await?;
            let t = self.app_target(&l);
            self.authorize(
                &mut tx,
                actor,
                Action::Update,
                Self::app_resource(&l),
                AuditAction::Update,
                &t,
            )
            .await?;
            target = Some(self.proc_target(t.kind, t.id, t.owner));
            let mut a = l.app.data.clone();
            if !a.status.provider_may_edit() {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "status",
                    "step-not-possible",
                )));
            }
            let mut e = FieldErrors::default();
            a.unit_id = match form.unit_id.trim() {
                "" => None,
                s => match Uuid::parse_str(s) {
                    Ok(u) => match unit::get(&mut tx, u).await? {
                        Some(unit) if unit.organisation_id == l.app.owner_id => Some(u),
                        _ => {
                            e.add("unit_id", "unit-not-own");
                            None
                        }
                    },
                    Err(_) => {
                        e.add("unit_id", "unit-not-own");
                        None
                    }
                },
            };
            let mut roster = Vec::new();
            for s in &form.roster {
                match Uuid::parse_str(s.trim()) {
                    Ok(sid) => {
                        match doc::get::<StaffMember>(&mut tx, Table::StaffMembers, sid).await? {
                            Some(m) if m.owner_id == l.app.owner_id => {
                                if !roster.contains(&sid) {
                                    roster.push(sid);
                                }
                            }
                            _ => e.add("roster", "staff-not-own"),
                        }
                    }
                    Err(_) => e.add("roster", "staff-not-own"),
                }
            }
            a.roster = roster;
            a.price = match form.price.trim() {
                "" => None,
                s => match Money::parse(s, lang) {
                    Ok(m) if m.is_negative() || m.is_zero() => {
                        e.add("price", "money-format");
                        None
                    }
                    Ok(m) => {
                        if l.lot.data.price_cap.is_some_and(|cap| m > cap) {
                            e.add("price", "price-over-cap");
                        }
                        Some(m)
                    }
                    Err(err) => {
                        e.add("price", err.code());
                        None
                    }
                },
            };
            a.employees = match form.employees.trim() {
                "" => None,
                s => match s.parse::<u32>() {
                    Ok(n) if n <= 1_000_000 => Some(n),
                    _ => {
                        e.add("employees", "number-format");
                        None
                    }
                },
            };
            a.note = form.note.trim().to_owned();
            if !e.is_empty() {
                return Err(ServiceError::Invalid(e));
            }
            doc::update(
                &mut tx,
                Table::Applications,
                id,
                a.status.code(),
                &a,
                self.now(),
            )
            .await?;
            self.log_proc(
                &mut tx,
                actor,
                AuditAction::Update,
                &t,
                "draft saved".into(),
            )
            .await?;
            Ok(())
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    /// Takes a step: the provider submits or withdraws, the purchaser reviews, asks for more,
    /// admits or rejects.
    pub async fn application_step(
        &self,
        actor: &Actor,
        id: Uuid,
        form: &StepForm,
    ) -> ServiceResult<AppStatus> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let l = self.load_application(&mut tx, id).await?;
            let t = self.app_target(&l);
            // Who may not see the application learns nothing from the step's validation.
            self.authorize(
                &mut tx,
                actor,
                Action::Read,
                Self::app_resource(&l),
                AuditAction::Update,
                &t,
            )
            .await?;
            let step = match form.step.as_str() {
                "submit" => Step::Submit,
                "withdraw" => Step::Withdraw,
                "start_review" => Step::StartReview,
                "ask_info" => Step::AskInfo,
                "admit" => Step::Admit,
                "reject" => Step::Reject,
                _ => {
                    return Err(ServiceError::Invalid(FieldErrors::single(
                        "step",
                        "invalid-choice",
                    )))
                }
            };
            let action = if step.by_provider() {
                Action::Update
            } else {
                Action::Decide
            };
            self.authorize(
                &mut tx,
                actor,
                action,
                Self::app_resource(&l),
                AuditAction::Update,
                &t,
            )
            .await?;
            target = Some(self.proc_target(t.kind, t.id, t.owner));
            let mut a = l.app.data.clone();
            let Some(to) = next(a.status, step) else {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "step",
                    "step-not-possible",
                )));
            };
            let note = form.note.trim().to_owned();
            match step {
                Step::Submit => {
                    let e = a.submission_errors(&l.lot.data, l.lot.data.open);
                    if !e.is_empty() {
                        return Err(ServiceError::Invalid(e));
                    }
                    // The purchaser decides on what was submitted: snapshot the roster.
                    let roster = self.live_roster(&mut tx, l.app.owner_id, &a.roster).await?;
                    a.evaluation = Some(self.evaluate_offer(&mut tx, &l, &roster).await?);
                    a.roster_snapshot = roster;
                    a.submitted_on = Some(self.today());
                    a.decision_days = l.procurement.data.regime.admission_days;
                }
                Step::Withdraw => {
                    a.submitted_on = None;
                }
                Step::StartReview => {
                    if form.extend == "yes" {
                        a.decision_days = l.procurement.data.regime.admission_days_extended;
                    }
                }
                Step::AskInfo => {
                    if note.is_empty() {
                        return Err(ServiceError::Invalid(FieldErrors::single(
                            "note",
                            "note-required",
                        )));
                    }
                }
                Step::Admit => {
                    let mut e = FieldErrors::default();
                    if a.evaluation
                        .as_ref()
                        .is_some_and(|ev| ev.count(domain::requirement::Status::NotMet) > 0)
                    {
                        e.add("step", "admit-unmet-requirements");
                    }
                    // A provider's unit is admitted only once it is in Soteri (741/2023 5 §).
                    let unit = match a.unit_id {
                        Some(u) => db::unit::get(&mut tx, u).await?,
                        None => None,
                    };
                    if !unit.is_some_and(|u| u.registered_in_soteri(self.today())) {
                        e.add("step", "unit-not-in-soteri");
                    }
                    if l.procurement.data.kind.is_ranked() {
                        match form.quality_points.trim().parse::<u32>() {
                            Ok(q) if q <= 100 => a.quality_points = Some(q),
                            _ => e.add("quality_points", "quality-points-format"),
                        }
                    }
                    if !e.is_empty() {
                        return Err(ServiceError::Invalid(e));
                    }
                    a.decision_reasons = note.clone();
                    a.decided_on = Some(self.today());
                }
                Step::Reject => {
                    if note.is_empty() {
                        return Err(ServiceError::Invalid(FieldErrors::single(
                            "note",
                            "reasons-required",
                        )));
                    }
                    a.decision_reasons = note.clone();
                    a.decided_on = Some(self.today());
                }
            }
            a.status = to;
            a.history.push(Event {
                step,
                at: self.now(),
                by: actor.display_name.clone(),
                note: note.clone(),
            });
            doc::update(&mut tx, Table::Applications, id, to.code(), &a, self.now()).await?;
            self.log_proc(
                &mut tx,
                actor,
                AuditAction::Update,
                &t,
                format!("{} → {}", step.code(), to.code()),
            )
            .await?;
            Ok(to)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    /// Applications the actor may see: a provider's own, or every application to the
    /// purchaser's procurements.
    pub async fn applications(&self, actor: &Actor) -> ServiceResult<Vec<ApplicationRow>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let t = self.proc_target(RecordKind::Application, None, Some(actor.org_id));
            self.authorize(
                &mut tx,
                actor,
                Action::List,
                Resource::Applications {
                    org_id: actor.org_id,
                },
                AuditAction::List,
                &t,
            )
            .await?;
            let apps: Vec<Doc<Application>> = if actor.org_kind.is_purchaser() {
                let lots: Vec<Doc<Lot>> = doc::list(
                    &mut tx,
                    Table::Lots,
                    Filter {
                        owner: Some(actor.org_id),
                        ..Filter::default()
                    },
                )
                .await?;
                let mut all = Vec::new();
                for lot in &lots {
                    let mut v: Vec<Doc<Application>> = doc::list(
                        &mut tx,
                        Table::Applications,
                        Filter {
                            parent: Some(lot.id),
                            ..Filter::default()
                        },
                    )
                    .await?;
                    // Drafts are the provider's own until submitted.
                    v.retain(|a| a.data.status != AppStatus::Draft);
                    all.extend(v);
                }
                all
            } else {
                doc::list(
                    &mut tx,
                    Table::Applications,
                    Filter {
                        owner: Some(actor.org_id),
                        ..Filter::default()
                    },
                )
                .await?
            };
            let mut rows = Vec::new();
            for a in apps {
                let Some(lot_id) = a.parent_id else { continue };
                let Some(lot) = doc::get::<Lot>(&mut tx, Table::Lots, lot_id).await? else {
                    continue;
                };
                let p = match lot.parent_id {
                    Some(pid) => doc::get::<Procurement>(&mut tx, Table::Procurements, pid).await?,
                    None => None,
                };
                let provider_name = organisation::get(&mut tx, a.owner_id)
                    .await?
                    .map(|o| o.name)
                    .unwrap_or_default();
                rows.push(ApplicationRow {
                    id: a.id,
                    status: a.data.status,
                    provider_name,
                    lot_id,
                    procurement_title: p.map(|p| p.data.title).unwrap_or_default(),
                    submitted_on: a.data.submitted_on,
                    decision_due: a.data.decision_due(),
                    lot: lot.data,
                });
            }
            // Those waiting for a decision first, the nearest deadline first.
            rows.sort_by_key(|r| (!r.status.is_pending(), r.decision_due, r.submitted_on));
            self.log_proc(
                &mut tx,
                actor,
                AuditAction::List,
                &t,
                format!("{} applications shown", rows.len()),
            )
            .await?;
            Ok(rows)
        }
        .await;
        self.finish(tx, r).await
    }
}
