//! The purchaser's steering group: who sits in it and when it meets, which sets the meeting a
//! new service need goes to.

use crate::gate::Target;
use crate::{Service, ServiceError, ServiceResult};
use chrono::{Datelike, NaiveDate, Weekday};
use db::doc::{self, Doc, Filter, Table};
use db::Tx;
use domain::access::{Action, Resource};
use domain::audit::{AuditAction, RecordKind};
use domain::org::Actor;
use domain::validate::FieldErrors;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The steering group: when it meets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SteeringGroup {
    pub name: String,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    pub time: String,
    #[serde(default)]
    pub chair: String,
    #[serde(default)]
    pub members: Vec<String>,
}

impl Default for SteeringGroup {
    fn default() -> Self {
        // Vantaa's client steering group meets on Tuesday mornings (seed 004).
        SteeringGroup {
            name: "Asiakasohjausryhmä".into(),
            weekday: 2,
            time: "09:00".into(),
            chair: String::new(),
            members: Vec::new(),
        }
    }
}

/// The next meeting on or after `day`.
pub fn next_meeting(group: &SteeringGroup, day: NaiveDate) -> NaiveDate {
    let target = Weekday::try_from((group.weekday.clamp(1, 7) - 1) as u8).unwrap_or(Weekday::Tue);
    let mut d = day;
    while d.weekday() != target {
        d = d.succ_opt().unwrap_or(d);
    }
    d
}

impl Service {
    pub(crate) async fn steering_group_of(
        &self,
        tx: &mut Tx,
        org: Uuid,
    ) -> ServiceResult<SteeringGroup> {
        let groups: Vec<Doc<SteeringGroup>> = doc::list(
            tx,
            Table::SteeringGroups,
            Filter {
                owner: Some(org),
                ..Filter::default()
            },
        )
        .await?;
        Ok(groups
            .into_iter()
            .next()
            .map(|g| g.data)
            .unwrap_or_default())
    }

    /// The purchaser's steering group: name, meeting day and time, chair and members.
    pub async fn steering_group(&self, actor: &Actor) -> ServiceResult<SteeringGroup> {
        if !self.may(
            actor,
            Action::List,
            Resource::ServiceNeeds {
                org_id: actor.org_id,
            },
        ) {
            return Err(ServiceError::Denied(domain::access::Denial::MissingRole));
        }
        let mut tx = self.db.begin_read().await?;
        let g = self.steering_group_of(&mut tx, actor.org_id).await?;
        tx.rollback().await?;
        Ok(g)
    }

    /// Sets the steering group (a leading social worker). Needs already queued keep their
    /// meeting; new ones go to the next meeting on the new day.
    pub async fn save_steering_group(&self, actor: &Actor, g: &SteeringGroup) -> ServiceResult<()> {
        let t = Target {
            kind: RecordKind::ServiceNeed,
            id: None,
            owner: Some(actor.org_id),
            subject: None,
        };
        let mut tx = self.db.begin().await?;
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::Decide,
                Resource::ServiceNeeds {
                    org_id: actor.org_id,
                },
                AuditAction::Update,
                &t,
            )
            .await?;
            let mut e = FieldErrors::default();
            let name = e.required("name", &g.name, 200);
            if !(1..=7).contains(&g.weekday) {
                e.add("weekday", "invalid-choice");
            }
            let time_ok = chrono::NaiveTime::parse_from_str(g.time.trim(), "%H:%M").is_ok();
            if !time_ok {
                e.add("time", "time-format");
            }
            if !e.is_empty() {
                return Err(ServiceError::Invalid(e));
            }
            let clean = SteeringGroup {
                name,
                weekday: g.weekday,
                time: g.time.trim().to_owned(),
                chair: g.chair.trim().to_owned(),
                members: g
                    .members
                    .iter()
                    .map(|m| m.trim().to_owned())
                    .filter(|m| !m.is_empty())
                    .collect(),
            };
            let existing: Vec<Doc<SteeringGroup>> = doc::list(
                &mut tx,
                Table::SteeringGroups,
                Filter {
                    owner: Some(actor.org_id),
                    ..Filter::default()
                },
            )
            .await?;
            match existing.first() {
                Some(d) => {
                    doc::update(
                        &mut tx,
                        Table::SteeringGroups,
                        d.id,
                        "active",
                        &clean,
                        self.now(),
                    )
                    .await?;
                }
                None => {
                    doc::insert(
                        &mut tx,
                        Table::SteeringGroups,
                        Uuid::now_v7(),
                        actor.org_id,
                        None,
                        "active",
                        &clean,
                        self.now(),
                    )
                    .await?;
                }
            }
            let mut ev = self.ev(actor, AuditAction::Update, &t);
            ev.details = format!("steering group: weekday {} {}", clean.weekday, clean.time);
            self.record(&mut tx, ev).await?;
            Ok(())
        }
        .await;
        self.finish(tx, r).await
    }
}
