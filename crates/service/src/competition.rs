//! Competition of a service need: the need is sent without personal data to every admitted
//! provider of the lot, the providers offer, and the social worker chooses the winner.

use crate::gate::Target;
use crate::need::Need;
use crate::{Service, ServiceError, ServiceResult};
use chrono::NaiveDate;
use db::doc::{self, Doc, Filter, Table};
use domain::access::{Action, Resource};
use domain::application::{AppStatus, Application};
use domain::audit::{AuditAction, Purpose, RecordKind};
use domain::org::Actor;
use domain::procurement::Lot;
use domain::validate::FieldErrors;
use domain::version::{Change, Reason};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A need sent without personal data to every admitted provider of the lot; the one chosen
/// gets the commitment, and with it, once accepted, the client's data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Competition {
    pub answer_by: Option<NaiveDate>,
    pub offers: Vec<CompetitionOffer>,
    pub winner: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompetitionOffer {
    /// The provider's admitted application to the lot.
    pub application: Uuid,
    pub provider: Uuid,
    pub can_start: NaiveDate,
    pub note: String,
}

/// What a provider sees of a need in competition: no name, no identity code, no address.
#[derive(Debug, Clone, Serialize)]
pub struct AnonymousNeed {
    pub need: Uuid,
    pub purchaser: String,
    pub lot: Uuid,
    pub lot_title: String,
    pub age_group: String,
    pub municipality: String,
    pub hours_per_week: u32,
    pub requested_start: NaiveDate,
    pub answer_by: Option<NaiveDate>,
    /// The provider's own offer, if it made one.
    pub offered: Option<NaiveDate>,
}

/// Ages in bands, so that a need cannot be traced to a person.
pub fn age_group(age: u32) -> &'static str {
    match age {
        0..=2 => "0–2",
        3..=6 => "3–6",
        7..=12 => "7–12",
        13..=17 => "13–17",
        18..=24 => "18–24",
        _ => "25+",
    }
}

impl Service {
    /// Needs in competition on lots the provider is admitted to, without personal data.
    pub async fn competitions(&self, actor: &Actor) -> ServiceResult<Vec<AnonymousNeed>> {
        if actor.org_kind.is_purchaser() {
            return Ok(Vec::new());
        }
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let own: Vec<Doc<Application>> = doc::list(
                &mut tx,
                Table::Applications,
                Filter {
                    owner: Some(actor.org_id),
                    status: Some(AppStatus::Admitted.code()),
                    ..Filter::default()
                },
            )
            .await?;
            let needs: Vec<Doc<Need>> = doc::list(
                &mut tx,
                Table::ServiceNeeds,
                Filter {
                    status: Some("recommended"),
                    ..Filter::default()
                },
            )
            .await?;
            let today = self.today();
            let mut out = Vec::new();
            for n in needs {
                let Some(comp) = &n.data.competition else {
                    continue;
                };
                if comp.winner.is_some() {
                    continue;
                }
                let Some(app) = own.iter().find(|a| a.parent_id == Some(n.data.lot)) else {
                    continue;
                };
                if !self.may(
                    actor,
                    Action::Read,
                    Resource::Application {
                        provider_id: actor.org_id,
                        purchaser_id: n.owner_id,
                    },
                ) {
                    continue;
                }
                // Only what the anonymous offer request shows: the age group and municipality.
                let Some(c) = db::client::keys(&mut tx, n.data.client).await? else {
                    continue;
                };
                let lot: Option<Doc<Lot>> = doc::get(&mut tx, Table::Lots, n.data.lot).await?;
                let purchaser = db::organisation::get(&mut tx, n.owner_id)
                    .await?
                    .map(|o| o.name)
                    .unwrap_or_default();
                out.push(AnonymousNeed {
                    need: n.id,
                    purchaser,
                    lot: n.data.lot,
                    lot_title: lot.map(|l| l.data.title.fi).unwrap_or_default(),
                    age_group: age_group(today.years_since(c.birth_date).unwrap_or(0)).to_owned(),
                    municipality: c.home_municipality.clone(),
                    hours_per_week: n.data.hours_per_week,
                    requested_start: n.data.requested_start,
                    answer_by: comp.answer_by,
                    offered: comp
                        .offers
                        .iter()
                        .find(|o| o.application == app.id)
                        .map(|o| o.can_start),
                });
            }
            let mut ev =
                crate::auth::event(Some(actor), AuditAction::List, RecordKind::ServiceNeed);
            ev.purpose = Purpose::ClientWork;
            ev.details = format!(
                "{} needs in competition shown, without personal data",
                out.len()
            );
            self.record(&mut tx, ev).await?;
            Ok(out)
        }
        .await;
        self.finish(tx, r).await
    }

    /// A provider offers to take a need in competition.
    pub async fn offer(
        &self,
        actor: &Actor,
        need: Uuid,
        can_start: &str,
        note: &str,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let r = async {
            let n = doc::get::<Need>(&mut tx, Table::ServiceNeeds, need).await?;
            let mut n = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Update,
                    RecordKind::ServiceNeed,
                    need,
                    n,
                )
                .await?;
            let t = Target {
                kind: RecordKind::ServiceNeed,
                id: Some(need),
                owner: Some(n.owner_id),
                subject: None,
            };
            self.authorize(
                &mut tx,
                actor,
                Action::Update,
                Resource::Application {
                    provider_id: actor.org_id,
                    purchaser_id: n.owner_id,
                },
                AuditAction::Update,
                &t,
            )
            .await?;
            let apps: Vec<Doc<Application>> = doc::list(
                &mut tx,
                Table::Applications,
                Filter {
                    owner: Some(actor.org_id),
                    parent: Some(n.data.lot),
                    status: Some(AppStatus::Admitted.code()),
                },
            )
            .await?;
            let (Some(app), Some(comp)) = (apps.first(), n.data.competition.as_mut()) else {
                return Err(ServiceError::NotFound);
            };
            if comp.winner.is_some() {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "can_start",
                    "step-not-possible",
                )));
            }
            let Some(start) = domain::staff::parse_date(can_start) else {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "can_start",
                    "date-format",
                )));
            };
            comp.offers.retain(|o| o.application != app.id);
            comp.offers.push(CompetitionOffer {
                application: app.id,
                provider: actor.org_id,
                can_start: start,
                note: note.trim().to_owned(),
            });
            doc::revise(
                &mut tx,
                Table::ServiceNeeds,
                need,
                "recommended",
                &n.data,
                self.now(),
                &Change::new(&actor.display_name, Reason::Offered),
            )
            .await?;
            let mut ev = self.ev(actor, AuditAction::Update, &t);
            ev.purpose = Purpose::ClientWork;
            ev.details = "offer in competition".into();
            self.record(&mut tx, ev).await?;
            Ok(())
        }
        .await;
        self.finish(tx, r).await
    }

    /// The social worker chooses the winning offer; the decision and the commitment follow.
    pub async fn choose_winner(
        &self,
        actor: &Actor,
        need: Uuid,
        application: Uuid,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let r = async {
            let (mut n, t) = self
                .need_for_update(&mut tx, actor, need, Action::Update)
                .await?;
            let Some(comp) = n.data.competition.as_mut() else {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "application",
                    "step-not-possible",
                )));
            };
            if !comp.offers.iter().any(|o| o.application == application) {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "application",
                    "invalid-choice",
                )));
            }
            comp.winner = Some(application);
            doc::revise(
                &mut tx,
                Table::ServiceNeeds,
                need,
                "recommended",
                &n.data,
                self.now(),
                &Change::new(&actor.display_name, Reason::Awarded),
            )
            .await?;
            self.log_client(
                &mut tx,
                actor,
                AuditAction::Update,
                &t,
                "competition winner chosen".into(),
            )
            .await?;
            Ok(())
        }
        .await;
        self.finish(tx, r).await
    }
}
