//! Service needs: what the social worker applies for on a client's behalf, the steering
//! group's agenda with each lot's order of providers, its recommendation, and the decision.
//! Every read of client data is in the access log with the client as its subject.

use crate::competition::Competition;
use crate::gate::Target;
use crate::steering_group::next_meeting;
use crate::{Service, ServiceError, ServiceResult};
use chrono::NaiveDate;
use db::doc::{self, Doc, Filter, Table};
use db::Tx;
use domain::access::{Action, Resource};
use domain::application::{rank, AppStatus, Application};
use domain::audit::{AuditAction, RecordKind};
use domain::calendar::{deadline, DayCount};
use domain::client::Client;
use domain::commitment::{check_order, Recommendation, Skip};
use domain::money::Money;
use domain::org::Actor;
use domain::procurement::Lot;
use domain::validate::FieldErrors;
use domain::version::{Change, Reason};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedStatus {
    /// In the steering group's queue.
    Queued,
    Recommended,
    Decided,
    /// Decided against, or closed without service.
    Closed,
}

/// A service need: what the social worker applies for on the client's behalf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    pub client: Uuid,
    pub family: Option<Uuid>,
    pub lot: Uuid,
    pub justification: String,
    pub urgent: bool,
    pub requested_start: NaiveDate,
    pub hours_per_week: u32,
    pub received_on: NaiveDate,
    /// The meeting whose agenda it is on.
    pub meeting_on: NaiveDate,
    pub status: NeedStatus,
    pub recommendation: Option<Recommendation>,
    pub decided_by: Option<String>,
    pub decided_on: Option<NaiveDate>,
    #[serde(default)]
    pub decision_text: String,
    /// When the group sent the need to all the lot's admitted providers.
    #[serde(default)]
    pub competition: Option<Competition>,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NeedForm {
    pub lot: String,
    pub justification: String,
    pub urgent: String,
    pub requested_start: String,
    pub hours_per_week: String,
}

/// One provider in the lot's order, as the steering group sees it.
#[derive(Debug, Clone)]
pub struct OrderedProvider {
    pub application: Uuid,
    pub provider: Uuid,
    pub provider_name: String,
    pub unit: Uuid,
    pub free_capacity: Option<i64>,
    pub price: Money,
}

#[derive(Debug, Clone, Default)]
pub struct RecommendForm {
    /// `ordered_provider`, `own_service`, `competition`, `separate_purchase`,
    /// `more_information`, `no_service`.
    pub kind: String,
    pub application: String,
    /// Reasons by skipped application id.
    pub skips: Vec<(String, String)>,
    pub note: String,
}

/// A decided need with what its decision document shows.
pub struct NeedView {
    pub id: Uuid,
    pub need: Need,
    pub client: Client,
    pub purchaser: String,
    pub lot: Lot,
    pub provider: Option<String>,
}

impl Service {
    /// Applies for a service for a client: the need goes to the next meeting's agenda.
    pub async fn create_need(
        &self,
        actor: &Actor,
        client: Uuid,
        form: &NeedForm,
    ) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let mut tx = self.db.begin().await?;
        let t = Target {
            kind: RecordKind::ServiceNeed,
            id: Some(id),
            owner: Some(actor.org_id),
            subject: Some(client),
        };
        let r = async {
            let grant = self
                .authorize(
                    &mut tx,
                    actor,
                    Action::Create,
                    Resource::ServiceNeeds {
                        org_id: actor.org_id,
                    },
                    AuditAction::Create,
                    &t,
                )
                .await?;
            // A client of another register is refused as one that does not exist is.
            let c = db::client::get::<Client>(&mut tx, &grant, client).await?;
            let c = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Create,
                    RecordKind::Client,
                    client,
                    c,
                )
                .await?;
            let mut e = FieldErrors::default();
            let lot = match Uuid::parse_str(form.lot.trim()) {
                Ok(l) => match doc::get::<Lot>(&mut tx, Table::Lots, l).await? {
                    Some(d) if d.owner_id == actor.org_id => Some(l),
                    _ => {
                        e.add("lot", "invalid-choice");
                        None
                    }
                },
                Err(_) => {
                    e.add("lot", "required");
                    None
                }
            };
            let justification = e.required("justification", &form.justification, 4000);
            let requested_start = match domain::staff::parse_date(&form.requested_start) {
                Some(d) => Some(d),
                None => {
                    e.add("requested_start", "date-format");
                    None
                }
            };
            let hours = match form.hours_per_week.trim().parse::<u32>() {
                Ok(h) if (1..=80).contains(&h) => h,
                _ => {
                    e.add("hours_per_week", "number-format");
                    0
                }
            };
            let (Some(lot), Some(requested_start)) = (lot, requested_start) else {
                return Err(ServiceError::Invalid(e));
            };
            if !e.is_empty() {
                return Err(ServiceError::Invalid(e));
            }
            let group = self.steering_group_of(&mut tx, actor.org_id).await?;
            let today = self.today();
            let need = Need {
                client,
                family: c.data.family,
                lot,
                justification,
                urgent: form.urgent == "yes",
                requested_start,
                hours_per_week: hours,
                received_on: today,
                meeting_on: next_meeting(&group, today),
                status: NeedStatus::Queued,
                recommendation: None,
                decided_by: None,
                decided_on: None,
                decision_text: String::new(),
                competition: None,
            };
            doc::insert(
                &mut tx,
                Table::ServiceNeeds,
                id,
                actor.org_id,
                Some(client),
                "queued",
                &need,
                self.now(),
            )
            .await?;
            self.log_client(
                &mut tx,
                actor,
                AuditAction::Create,
                &t,
                format!("meeting {}", need.meeting_on),
            )
            .await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    /// The providers of a lot in the order the steering group must follow: the framework's
    /// ranking, or for other lots the cheapest first.
    pub async fn lot_order(&self, tx: &mut Tx, lot: Uuid) -> ServiceResult<Vec<OrderedProvider>> {
        let l: Doc<Lot> = doc::get(tx, Table::Lots, lot)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let apps: Vec<Doc<Application>> = doc::list(
            tx,
            Table::Applications,
            Filter {
                parent: Some(lot),
                status: Some(AppStatus::Admitted.code()),
                ..Filter::default()
            },
        )
        .await?;
        let offers = apps
            .into_iter()
            .map(|a| {
                let price = a.data.price.unwrap_or(Money::ZERO);
                let q = a.data.quality_points.unwrap_or(0);
                (a, price, q)
            })
            .collect();
        let mut out = Vec::new();
        for r in rank(offers, l.data.price_weight) {
            let unit_id = r.item.data.unit_id.unwrap_or_default();
            let unit = db::unit::get(tx, unit_id).await?;
            let name = db::organisation::get(tx, r.item.owner_id)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            out.push(OrderedProvider {
                application: r.item.id,
                provider: r.item.owner_id,
                provider_name: name,
                unit: unit_id,
                free_capacity: unit.and_then(|u| u.free_capacity),
                price: r.price,
            });
        }
        Ok(out)
    }

    /// The agenda of the meeting on `day`: every queued need for it, with its lot's order.
    pub async fn agenda(
        &self,
        actor: &Actor,
        day: NaiveDate,
    ) -> ServiceResult<Vec<(Doc<Need>, Client, Vec<OrderedProvider>)>> {
        let mut tx = self.db.begin_read().await?;
        let t = Target {
            kind: RecordKind::ServiceNeed,
            id: None,
            owner: Some(actor.org_id),
            subject: None,
        };
        let r = async {
            let grant = self
                .authorize(
                    &mut tx,
                    actor,
                    Action::List,
                    Resource::ServiceNeeds {
                        org_id: actor.org_id,
                    },
                    AuditAction::List,
                    &t,
                )
                .await?;
            let needs: Vec<Doc<Need>> = doc::list(
                &mut tx,
                Table::ServiceNeeds,
                Filter {
                    owner: Some(actor.org_id),
                    ..Filter::default()
                },
            )
            .await?;
            let mut out = Vec::new();
            for n in needs.into_iter().filter(|n| n.data.meeting_on == day) {
                let c: Option<Doc<Client>> =
                    db::client::get(&mut tx, &grant, n.data.client).await?;
                let Some(c) = c else { continue };
                let order = self.lot_order(&mut tx, n.data.lot).await?;
                // Each client on the agenda is a read of client data.
                let ct = self.client_target(actor.org_id, Some(c.id));
                self.log_client(
                    &mut tx,
                    actor,
                    AuditAction::Read,
                    &ct,
                    format!("agenda {day}"),
                )
                .await?;
                out.push((n, c.data, order));
            }
            Ok(out)
        }
        .await;
        self.finish(tx, r).await
    }

    pub(crate) async fn need_for_update(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: Uuid,
        action: Action,
    ) -> ServiceResult<(Doc<Need>, Target)> {
        let n = doc::get::<Need>(tx, Table::ServiceNeeds, id).await?;
        let n = self
            .found(
                tx,
                actor,
                AuditAction::Update,
                RecordKind::ServiceNeed,
                id,
                n,
            )
            .await?;
        let t = Target {
            kind: RecordKind::ServiceNeed,
            id: Some(id),
            owner: Some(n.owner_id),
            subject: Some(n.data.client),
        };
        self.authorize(
            tx,
            actor,
            action,
            Resource::ServiceNeeds { org_id: n.owner_id },
            AuditAction::Update,
            &t,
        )
        .await?;
        Ok((n, t))
    }

    /// Records the steering group's recommendation, holding the order of choice: a provider
    /// other than the first needs a reason for each one skipped.
    pub async fn recommend(
        &self,
        actor: &Actor,
        need: Uuid,
        form: &RecommendForm,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let (mut n, t) = self
                .need_for_update(&mut tx, actor, need, Action::Update)
                .await?;
            target = Some(t.clone());
            let rec = match form.kind.as_str() {
                "ordered_provider" => {
                    let order = self.lot_order(&mut tx, n.data.lot).await?;
                    let ids: Vec<Uuid> = order.iter().map(|o| o.application).collect();
                    let chosen = Uuid::parse_str(form.application.trim()).map_err(|_| {
                        ServiceError::Invalid(FieldErrors::single(
                            "provider",
                            "provider-not-in-order",
                        ))
                    })?;
                    let skips: Vec<Skip> = form
                        .skips
                        .iter()
                        .filter_map(|(a, reason)| {
                            Uuid::parse_str(a).ok().map(|application| Skip {
                                application,
                                reason: reason.clone(),
                            })
                        })
                        .collect();
                    let skipped =
                        check_order(&ids, chosen, &skips).map_err(ServiceError::Invalid)?;
                    Recommendation::OrderedProvider {
                        application: chosen,
                        skipped,
                    }
                }
                "own_service" => Recommendation::OwnService,
                "competition" => {
                    n.data.competition = Some(Competition {
                        answer_by: Some(deadline(self.today(), 5, DayCount::WorkingDays)),
                        offers: Vec::new(),
                        winner: None,
                    });
                    Recommendation::Competition
                }
                "separate_purchase" | "more_information" | "no_service" => {
                    let note = form.note.trim().to_owned();
                    if note.is_empty() {
                        return Err(ServiceError::Invalid(FieldErrors::single(
                            "note",
                            "note-required",
                        )));
                    }
                    match form.kind.as_str() {
                        "separate_purchase" => Recommendation::SeparatePurchase {
                            justification: note,
                        },
                        "more_information" => Recommendation::MoreInformation { note },
                        _ => Recommendation::NoService { note },
                    }
                }
                _ => {
                    return Err(ServiceError::Invalid(FieldErrors::single(
                        "kind",
                        "invalid-choice",
                    )))
                }
            };
            n.data.status = NeedStatus::Recommended;
            let code = rec.code();
            n.data.recommendation = Some(rec);
            doc::revise(
                &mut tx,
                Table::ServiceNeeds,
                need,
                "recommended",
                &n.data,
                self.now(),
                &Change::new(&actor.display_name, Reason::Recommended),
            )
            .await?;
            self.log_client(
                &mut tx,
                actor,
                AuditAction::Update,
                &t,
                format!("recommendation {code}"),
            )
            .await?;
            Ok(())
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    /// The decision on a recommended need, by a person authorised to decide.
    pub async fn decide_need(
        &self,
        actor: &Actor,
        need: Uuid,
        approve: bool,
        text: &str,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let r = async {
            let (mut n, t) = self
                .need_for_update(&mut tx, actor, need, Action::Decide)
                .await?;
            if n.data.status != NeedStatus::Recommended {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "status",
                    "step-not-possible",
                )));
            }
            n.data.status = if approve {
                NeedStatus::Decided
            } else {
                NeedStatus::Closed
            };
            n.data.decided_by = Some(actor.display_name.clone());
            n.data.decided_on = Some(self.today());
            n.data.decision_text = text.trim().to_owned();
            doc::revise(
                &mut tx,
                Table::ServiceNeeds,
                need,
                if approve { "decided" } else { "closed" },
                &n.data,
                self.now(),
                &Change::new(&actor.display_name, Reason::Decided).with_note(&n.data.decision_text),
            )
            .await?;
            self.log_client(
                &mut tx,
                actor,
                AuditAction::Update,
                &t,
                format!(
                    "decision: {}",
                    if approve { "service" } else { "no service" }
                ),
            )
            .await?;
            Ok(())
        }
        .await;
        self.finish(tx, r).await
    }

    /// A need with its client, for the decision document (purchaser's social workers).
    pub async fn need_view(&self, actor: &Actor, id: Uuid) -> ServiceResult<NeedView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let n = doc::get::<Need>(&mut tx, Table::ServiceNeeds, id).await?;
            let n = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Read,
                    RecordKind::ServiceNeed,
                    id,
                    n,
                )
                .await?;
            let t = Target {
                kind: RecordKind::ServiceNeed,
                id: Some(id),
                owner: Some(n.owner_id),
                subject: Some(n.data.client),
            };
            let grant = self
                .authorize(
                    &mut tx,
                    actor,
                    Action::Read,
                    Resource::ServiceNeeds { org_id: n.owner_id },
                    AuditAction::Read,
                    &t,
                )
                .await?;
            let c: Doc<Client> = db::client::get(&mut tx, &grant, n.data.client)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let lot: Doc<Lot> = doc::get(&mut tx, Table::Lots, n.data.lot)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let purchaser = db::organisation::get(&mut tx, n.owner_id)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            let provider = match &n.data.recommendation {
                Some(Recommendation::OrderedProvider { application, .. }) => {
                    match doc::get::<Application>(&mut tx, Table::Applications, *application)
                        .await?
                    {
                        Some(a) => db::organisation::get(&mut tx, a.owner_id)
                            .await?
                            .map(|o| o.name),
                        None => None,
                    }
                }
                _ => None,
            };
            self.log_client(
                &mut tx,
                actor,
                AuditAction::Read,
                &t,
                "decision document".into(),
            )
            .await?;
            Ok(NeedView {
                id,
                need: n.data,
                client: c.data,
                purchaser,
                lot: lot.data,
                provider,
            })
        }
        .await;
        self.finish(tx, r).await
    }
}
