//! The client register, service needs and the steering group's recommendations, decisions,
//! payment commitments and the budget they reserve. Every read of client data, searches
//! included, is in the access log with the client as its subject; identity codes never are.

use crate::gate::Target;
use crate::{Service, ServiceError, ServiceResult};
use chrono::{Datelike, NaiveDate, Weekday};
use db::doc::{self, Doc, Filter, Table};
use db::Tx;
use domain::access::{follow, Action, Follow, Resource};
use domain::application::{rank, AppStatus, Application};
use domain::audit::{AuditAction, Purpose, RecordKind};
use domain::calendar::{deadline, DayCount};
use domain::client::{Client, ClientForm, Family, MinimalClient};
use domain::commitment::{
    check_order, commitment_number, max_total, period_in_force, BudgetLine, Commitment,
    CommitmentStatus, Recommendation, Skip,
};
use domain::ident::PersonalIdentityCode;
use domain::money::Money;
use domain::org::Actor;
use domain::procurement::{Lot, Procurement};
use domain::validate::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
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

#[derive(Debug, Clone, Default)]
pub struct NeedForm {
    pub lot: String,
    pub justification: String,
    pub urgent: String,
    pub requested_start: String,
    pub hours_per_week: String,
}

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

#[derive(Debug, Clone)]
pub struct ClientView {
    pub id: Uuid,
    pub client: Client,
    /// The guardians with their ids in the register.
    pub guardians: Vec<(Uuid, Client)>,
    pub needs: Vec<Doc<Need>>,
    pub commitments: Vec<Doc<Commitment>>,
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

#[derive(Debug, Clone, Default)]
pub struct CommitmentForm {
    pub starts_on: String,
    pub ends_on: String,
    pub cost_centre: String,
    pub budget_line: String,
}

impl ClientView {
    /// What a social worker is shown of the client: the same on the page and in the API.
    pub fn card(&self, today: NaiveDate) -> domain::client::ClientCard {
        domain::client::ClientCard::of(&self.client, &self.guardians, today)
    }
}

impl Service {
    fn client_target(&self, owner: Uuid, id: Option<Uuid>) -> Target {
        Target {
            kind: RecordKind::Client,
            id,
            owner: Some(owner),
            subject: id,
        }
    }

    async fn log_client(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        action: AuditAction,
        t: &Target,
        details: String,
    ) -> ServiceResult<()> {
        self.log_shown(tx, actor, action, t, details, Vec::new())
            .await
    }

    /// As `log_client`, naming everyone else whose data was shown (a list's clients, the
    /// guardians on a client's page).
    pub(crate) async fn log_shown(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        action: AuditAction,
        t: &Target,
        details: String,
        mut subjects: Vec<Uuid>,
    ) -> ServiceResult<()> {
        let mut ev = self.ev(actor, action, t);
        ev.purpose = Purpose::ClientWork;
        ev.details = details;
        subjects.retain(|s| Some(*s) != ev.subject_id);
        subjects.sort();
        subjects.dedup();
        ev.subjects = subjects;
        self.record(tx, ev).await?;
        Ok(())
    }

    /// Registers a client with guardians (themselves clients) and, when there are guardians,
    /// the family as a unit. Nothing is saved unless everything is valid.
    pub async fn register_client(
        &self,
        actor: &Actor,
        child: &ClientForm,
        guardians: &[ClientForm],
    ) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let t = self.client_target(actor.org_id, Some(id));
        let mut tx = self.db.begin().await?;
        let r = async {
            let grant = self
                .authorize(
                    &mut tx,
                    actor,
                    Action::Create,
                    Resource::Clients {
                        org_id: actor.org_id,
                    },
                    AuditAction::Create,
                    &t,
                )
                .await?;
            let mut e = FieldErrors::default();
            let child_v = child.validate();
            if let Err(ce) = &child_v {
                e.0.extend(ce.0.iter().cloned());
            }
            let mut guardian_v = Vec::new();
            for (i, g) in guardians.iter().enumerate() {
                match g.validate() {
                    Ok(v) => guardian_v.push(v),
                    Err(ge) => {
                        for x in ge.0 {
                            e.add(&format!("guardian{}_{}", i + 1, x.field), &x.code);
                        }
                    }
                }
            }
            if let Ok((code, _)) = &child_v {
                if db::client::by_identity_code::<Client>(&mut tx, &grant, code.as_str())
                    .await?
                    .is_some()
                {
                    e.add("identity_code", "identity-code-taken");
                }
                for (i, (g, _)) in guardian_v.iter().enumerate() {
                    if g == code {
                        e.add(
                            &format!("guardian{}_identity_code", i + 1),
                            "guardian-is-client",
                        );
                    }
                }
            }
            let Ok((code, mut client)) = child_v else {
                return Err(ServiceError::Invalid(e));
            };
            if !e.is_empty() {
                return Err(ServiceError::Invalid(e));
            }
            let now = self.now();
            let mut guardian_ids = Vec::new();
            for (gcode, g) in &guardian_v {
                // A guardian already in the register is the same person.
                let gid =
                    match db::client::by_identity_code::<Client>(&mut tx, &grant, gcode.as_str())
                        .await?
                    {
                        Some(d) => d.id,
                        None => {
                            let gid = Uuid::now_v7();
                            db::client::insert(&mut tx, &grant, gid, gcode.as_str(), g, now)
                                .await?;
                            let gt = self.client_target(actor.org_id, Some(gid));
                            self.log_client(
                                &mut tx,
                                actor,
                                AuditAction::Create,
                                &gt,
                                "guardian".into(),
                            )
                            .await?;
                            gid
                        }
                    };
                guardian_ids.push(gid);
            }
            client.guardians = guardian_ids.clone();
            client.responsible_worker = Some(actor.user_id);
            if !guardian_ids.is_empty() {
                let fid = Uuid::now_v7();
                let mut members = vec![id];
                members.extend(guardian_ids.iter().copied());
                let family = Family {
                    name: format!("{} (perhe)", client.last_name),
                    members,
                };
                db::client::insert_family(&mut tx, &grant, fid, &family, now).await?;
                client.family = Some(fid);
            }
            db::client::insert(&mut tx, &grant, id, code.as_str(), &client, now).await?;
            self.log_client(
                &mut tx,
                actor,
                AuditAction::Create,
                &t,
                format!("{} guardian(s)", guardian_ids.len()),
            )
            .await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    /// Finds a client by identity code (exact match). The search is logged, the code is not.
    pub async fn find_client(
        &self,
        actor: &Actor,
        identity_code: &str,
    ) -> ServiceResult<Option<Uuid>> {
        let t = self.client_target(actor.org_id, None);
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let grant = self
                .authorize(
                    &mut tx,
                    actor,
                    Action::List,
                    Resource::Clients {
                        org_id: actor.org_id,
                    },
                    AuditAction::Search,
                    &t,
                )
                .await?;
            let code = PersonalIdentityCode::parse(identity_code).map_err(|e| {
                ServiceError::Invalid(FieldErrors::single("identity_code", e.code()))
            })?;
            let found = db::client::by_identity_code::<Client>(&mut tx, &grant, code.as_str())
                .await?
                .map(|d| d.id);
            let mut st = self.client_target(actor.org_id, found);
            st.id = found;
            self.log_client(
                &mut tx,
                actor,
                AuditAction::Search,
                &st,
                format!(
                    "by identity code: {}",
                    if found.is_some() { "found" } else { "none" }
                ),
            )
            .await?;
            Ok(found)
        }
        .await;
        self.finish(tx, r).await
    }

    /// The purchaser's clients, for social workers. The list view is logged.
    pub async fn clients(&self, actor: &Actor) -> ServiceResult<Vec<Doc<Client>>> {
        let t = self.client_target(actor.org_id, None);
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let grant = self
                .authorize(
                    &mut tx,
                    actor,
                    Action::List,
                    Resource::Clients {
                        org_id: actor.org_id,
                    },
                    AuditAction::List,
                    &t,
                )
                .await?;
            let list: Vec<Doc<Client>> = db::client::list(&mut tx, &grant, None).await?;
            self.log_shown(
                &mut tx,
                actor,
                AuditAction::List,
                &t,
                format!("{} clients shown", list.len()),
                list.iter().map(|c| c.id).collect(),
            )
            .await?;
            Ok(list)
        }
        .await;
        self.finish(tx, r).await
    }

    /// The phase of a commitment's follow period today, from its period in force.
    pub(crate) fn follow_period(&self, period: Option<(NaiveDate, NaiveDate)>) -> Follow {
        follow(
            period,
            self.today(),
            self.settings.delivery.report_deadline_day,
        )
    }

    /// The best follow phase today of the commitments `provider` holds for `client`: what the
    /// provider's staff may see of the client and its delivery (`domain::access::follow`).
    pub(crate) async fn follow_of(
        &self,
        tx: &mut Tx,
        provider: Uuid,
        client: Uuid,
    ) -> ServiceResult<Follow> {
        let cs: Vec<Doc<Commitment>> = doc::list(
            tx,
            Table::Commitments,
            Filter {
                parent: Some(client),
                ..Filter::default()
            },
        )
        .await?;
        let mut by_number: HashMap<&str, Vec<&Commitment>> = HashMap::new();
        for c in cs.iter().filter(|c| c.data.provider == provider) {
            by_number.entry(&c.data.number).or_default().push(&c.data);
        }
        Ok(by_number
            .values()
            .map(|v| self.follow_period(period_in_force(v.iter().copied())))
            .max()
            .unwrap_or(Follow::NotInForce))
    }

    /// What the actor's organisation reaches of a client: the follow period for a provider;
    /// nothing through commitments for a purchaser, whose register it is.
    async fn client_follow(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        client: Uuid,
    ) -> ServiceResult<Follow> {
        if actor.org_kind.is_purchaser() {
            return Ok(Follow::NotInForce);
        }
        self.follow_of(tx, actor.org_id, client).await
    }

    /// A client as the purchaser's social workers see it: everything, with guardians, needs and
    /// commitments.
    pub async fn client(&self, actor: &Actor, id: Uuid) -> ServiceResult<ClientView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let (t, c, guardians) = self.read_client(&mut tx, actor, id).await?;
            if !actor.org_kind.is_purchaser() {
                // Providers get the minimal view only, through `client_minimal`.
                return Err(ServiceError::Denied(domain::access::Denial::MissingRole));
            }
            let guardians: Vec<(Uuid, Client)> =
                guardians.into_iter().map(|d| (d.id, d.data)).collect();
            let needs = doc::list(
                &mut tx,
                Table::ServiceNeeds,
                Filter {
                    parent: Some(id),
                    ..Filter::default()
                },
            )
            .await?;
            let commitments = doc::list(
                &mut tx,
                Table::Commitments,
                Filter {
                    parent: Some(id),
                    ..Filter::default()
                },
            )
            .await?;
            let shown = guardians.iter().map(|(g, _)| *g).collect();
            self.log_shown(&mut tx, actor, AuditAction::Read, &t, "full".into(), shown)
                .await?;
            Ok(ClientView {
                id,
                client: c.data,
                guardians,
                needs,
                commitments,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    /// A client and their guardians, read for `actor` through the gate: the one way the client
    /// page, the API and the provider's minimal view reach a client (refused and logged alike
    /// when the client is not there or not the actor's to read). Returns the log target too.
    async fn read_client(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<(Target, Doc<Client>, Vec<Doc<Client>>)> {
        let Some(owner) = db::client::owner_of(tx, id).await? else {
            let t = self.client_target(Uuid::nil(), Some(id));
            return Err(self.missing(tx, actor, AuditAction::Read, &t).await);
        };
        let t = self.client_target(owner, Some(id));
        let follow = self.client_follow(tx, actor, id).await?;
        let resource = Resource::Client {
            purchaser_id: owner,
            follow,
        };
        let grant = self
            .authorize(tx, actor, Action::Read, resource, AuditAction::Read, &t)
            .await?;
        let c: Doc<Client> = db::client::get(tx, &grant, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut guardians = Vec::new();
        for g in &c.data.guardians {
            if let Some(d) = db::client::get::<Client>(tx, &grant, *g).await? {
                guardians.push(d);
            }
        }
        Ok((t, c, guardians))
    }

    /// What a provider's users see of a client: only while an accepted commitment links their
    /// organisation to the client, and only the minimal data (no address under turvakielto).
    pub async fn client_minimal(&self, actor: &Actor, id: Uuid) -> ServiceResult<MinimalClient> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let (t, c, guardians) = self.read_client(&mut tx, actor, id).await?;
            let shown = guardians.iter().map(|d| d.id).collect();
            let guardians: Vec<Client> = guardians.into_iter().map(|d| d.data).collect();
            let m = MinimalClient::of(&c.data, &guardians, self.today());
            self.log_shown(
                &mut tx,
                actor,
                AuditAction::Read,
                &t,
                "minimal".into(),
                shown,
            )
            .await?;
            Ok(m)
        }
        .await;
        self.finish(tx, r).await
    }

    async fn steering_group_of(&self, tx: &mut Tx, org: Uuid) -> ServiceResult<SteeringGroup> {
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

    async fn need_for_update(
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
            doc::update(
                &mut tx,
                Table::ServiceNeeds,
                need,
                "recommended",
                &n.data,
                self.now(),
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
            doc::update(
                &mut tx,
                Table::ServiceNeeds,
                need,
                if approve { "decided" } else { "closed" },
                &n.data,
                self.now(),
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
            let n = doc::get::<Need>(&mut tx, Table::ServiceNeeds, need).await?;
            let n = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Create,
                    RecordKind::Commitment,
                    need,
                    n,
                )
                .await?;
            let t = Target {
                kind: RecordKind::Commitment,
                id: Some(id),
                owner: Some(n.owner_id),
                subject: Some(n.data.client),
            };
            // Who may send the purchaser's commitments is decided before anything about the
            // need is looked at, so that its state is told to no one else. The provider is
            // checked again below, once the recommendation names it.
            self.authorize(
                &mut tx,
                actor,
                Action::Create,
                Resource::Commitment {
                    purchaser_id: n.owner_id,
                    provider_id: Uuid::nil(),
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
            let app: Doc<Application> = doc::get(&mut tx, Table::Applications, application)
                .await?
                .ok_or(ServiceError::NotFound)?;
            self.authorize(
                &mut tx,
                actor,
                Action::Create,
                Resource::Commitment {
                    purchaser_id: n.owner_id,
                    provider_id: app.owner_id,
                },
                AuditAction::Create,
                &t,
            )
            .await?;
            target = Some(t.clone());
            if n.data.status != NeedStatus::Decided {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "status",
                    "step-not-possible",
                )));
            }
            let lot: Doc<Lot> = doc::get(&mut tx, Table::Lots, n.data.lot)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let p: Doc<Procurement> = doc::get(
                &mut tx,
                Table::Procurements,
                lot.parent_id.unwrap_or_default(),
            )
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
                let owner = doc::get::<BudgetLine>(&mut tx, Table::BudgetLines, b)
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
                self.authorize(&mut tx, actor, Action::Read, res, AuditAction::Create, &bt)
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
                .ok_or_else(|| {
                    ServiceError::Invalid(FieldErrors::single("ends_on", "date-range"))
                })?;
            let serial =
                db::client::next_commitment_serial(&mut tx, n.owner_id, self.today().year())
                    .await?;
            let c = Commitment {
                number: commitment_number(self.today().year(), serial),
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
            doc::insert(
                &mut tx,
                Table::Commitments,
                id,
                n.owner_id,
                Some(n.data.client),
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
            doc::update(
                &mut tx,
                Table::Commitments,
                id,
                c.data.status.code(),
                &c.data,
                self.now(),
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
                    doc::update(
                        &mut tx,
                        Table::Commitments,
                        old.id,
                        old.data.status.code(),
                        &old.data,
                        self.now(),
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
            let mine: Vec<Doc<Commitment>> = db::client::commitments_in(&mut tx, scope).await?;
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

    /// Budget lines with what accepted commitments reserve of them: (id, line, reserved, free).
    pub async fn budget(
        &self,
        actor: &Actor,
    ) -> ServiceResult<Vec<(Uuid, BudgetLine, Money, Money)>> {
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
            let lines: Vec<Doc<BudgetLine>> = doc::list(
                &mut tx,
                Table::BudgetLines,
                Filter {
                    owner: Some(actor.org_id),
                    ..Filter::default()
                },
            )
            .await?;
            let commitments: Vec<Doc<Commitment>> = doc::list(
                &mut tx,
                Table::Commitments,
                Filter {
                    owner: Some(actor.org_id),
                    status: Some(CommitmentStatus::Accepted.code()),
                    ..Filter::default()
                },
            )
            .await?;
            let mut out = Vec::new();
            for l in lines {
                let reserved = Money::checked_sum(
                    commitments
                        .iter()
                        .filter(|c| c.data.budget_line == Some(l.id))
                        .map(|c| c.data.max_total),
                )
                .ok_or_else(|| ServiceError::Internal("budget overflow".into()))?;
                let free = l
                    .data
                    .amount
                    .checked_sub(reserved)
                    .ok_or_else(|| ServiceError::Internal("budget overflow".into()))?;
                out.push((l.id, l.data, reserved, free));
            }
            let mut ev = self.ev(actor, AuditAction::List, &t);
            ev.details = format!("{} budget lines", out.len());
            self.record(&mut tx, ev).await?;
            Ok(out)
        }
        .await;
        self.finish(tx, r).await
    }
}

impl Service {
    /// The lot's order as application ids, for start-up code (the demo).
    pub async fn demo_lot_order(&self, lot: Uuid) -> ServiceResult<Vec<Uuid>> {
        let mut tx = self.db.begin_read().await?;
        let order = self.lot_order(&mut tx, lot).await?;
        tx.rollback().await?;
        Ok(order.into_iter().map(|o| o.application).collect())
    }

    /// A period of about four months within the lot's procurement: from `day` where it still
    /// runs, else its last months (the demo).
    pub async fn demo_commitment_period(
        &self,
        lot: Uuid,
        day: NaiveDate,
    ) -> ServiceResult<(NaiveDate, NaiveDate)> {
        let mut tx = self.db.begin_read().await?;
        let l: Option<Doc<Lot>> = doc::get(&mut tx, Table::Lots, lot).await?;
        let p: Option<Doc<Procurement>> = match l.and_then(|l| l.parent_id) {
            Some(pid) => doc::get(&mut tx, Table::Procurements, pid).await?,
            None => None,
        };
        tx.rollback().await?;
        let p = p.ok_or(ServiceError::NotFound)?;
        let end = p.data.ends_with_options();
        let span = chrono::Days::new(120);
        if p.data.starts_on <= day && day <= end {
            Ok((day, (day + span).min(end)))
        } else {
            let start = (end - span).max(p.data.starts_on);
            Ok((start, end))
        }
    }

    /// The provider a commitment was sent to, for start-up code (the demo).
    pub async fn demo_commitment_provider(&self, id: Uuid) -> ServiceResult<Uuid> {
        let mut tx = self.db.begin_read().await?;
        let c: Option<Doc<Commitment>> = doc::get(&mut tx, Table::Commitments, id).await?;
        tx.rollback().await?;
        c.map(|c| c.data.provider).ok_or(ServiceError::NotFound)
    }
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
}

impl Service {
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
                let follow = self
                    .follow_of(&mut tx, c.data.provider, c.data.client)
                    .await?;
                self.granted(
                    actor,
                    Action::Read,
                    Resource::Client {
                        purchaser_id: c.owner_id,
                        follow,
                    },
                )
            };
            let client = match &client_grant {
                Some(g) => db::client::get::<Client>(&mut tx, g, c.data.client)
                    .await?
                    .map(|d| (d.data.name(), d.data.masked_code)),
                None => None,
            };
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
            let unit = db::unit::get(&mut tx, c.data.unit)
                .await?
                .map(|u| u.name)
                .unwrap_or_default();
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
            })
        }
        .await;
        self.finish(tx, r).await
    }
}

#[derive(Debug, Clone, Default)]
pub struct ChangeForm {
    /// `change` (new end and/or quantity: a new version the provider accepts) or `terminate`.
    pub kind: String,
    pub ends_on: String,
    pub hours_per_week: String,
    pub reason: String,
}

impl Service {
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
                    doc::update(
                        &mut tx,
                        Table::Commitments,
                        id,
                        d.status.code(),
                        &d,
                        self.now(),
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

impl Service {
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
            doc::update(
                &mut tx,
                Table::ServiceNeeds,
                need,
                "recommended",
                &n.data,
                self.now(),
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
            doc::update(
                &mut tx,
                Table::ServiceNeeds,
                need,
                "recommended",
                &n.data,
                self.now(),
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
