//! A client's or guardian's request for the client's own log data (Client Data Act 703/2023,
//! 11 §), and the county's answer: the report of who used the data, when and why, taken from
//! the access log, or a decision refusing it with its reasons. Every step is itself in the
//! log, with the client as its subject.

use crate::gate::Target;
use crate::{Service, ServiceError, ServiceResult};
use db::doc::{self, Doc, Table};
use db::Tx;
use domain::access::{Action, Resource};
use domain::audit::{AuditAction, Outcome, Purpose, RecordKind};
use domain::client::Client;
use domain::log_request::{
    due_date, read_refusal, LogAnswer, LogLine, LogRequest, LogRequestForm, LogRequestStatus,
};
use domain::org::Actor;
use domain::validate::FieldErrors;
use std::collections::HashMap;
use uuid::Uuid;

/// The most log entries one report gives; a request over a longer period is answered in parts.
const MOST_LINES: i64 = 20_000;

/// What a family account sees: the people whose log data it may ask for (itself and the
/// children it is a guardian of) and the requests it made, newest first.
#[derive(Debug, Clone)]
pub struct OwnLogRequests {
    pub people: Vec<(Uuid, String)>,
    pub requests: Vec<Doc<LogRequest>>,
}

/// One request for its reader: the requester sees the answer; a handler may answer it.
#[derive(Debug, Clone)]
pub struct LogRequestView {
    pub request: Doc<LogRequest>,
    pub overdue: bool,
    pub may_answer: bool,
}

fn name(c: &Client) -> String {
    format!("{} {}", c.first_name, c.last_name)
}

impl Service {
    fn log_request_target(&self, id: Option<Uuid>, owner: Uuid, client: Option<Uuid>) -> Target {
        Target {
            kind: RecordKind::LogRequest,
            id,
            owner: Some(owner),
            subject: client,
        }
    }

    /// The people a family account may ask the log data of: the client itself and the
    /// clients it is a guardian of, in its purchaser's register.
    async fn log_people(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        grant: &domain::access::Grant,
    ) -> ServiceResult<Vec<Doc<Client>>> {
        let Some(person) = actor.person else {
            return Ok(Vec::new());
        };
        let all: Vec<Doc<Client>> = db::client::family_of(tx, grant, person).await?;
        Ok(all
            .into_iter()
            .filter(|c| c.id == person || c.data.guardians.contains(&person))
            .collect())
    }

    /// A family account's own requests and the people it may ask for.
    pub async fn own_log_requests(&self, actor: &Actor) -> ServiceResult<OwnLogRequests> {
        let t = self.log_request_target(None, actor.org_id, None);
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let grant = self
                .authorize(
                    &mut tx,
                    actor,
                    Action::List,
                    Resource::LogRequests {
                        org_id: actor.org_id,
                    },
                    AuditAction::List,
                    &t,
                )
                .await?;
            let people = self.log_people(&mut tx, actor, &grant).await?;
            let mut requests: Vec<Doc<LogRequest>> = Vec::new();
            if let Some(person) = actor.person {
                for p in &people {
                    let mut of: Vec<Doc<LogRequest>> =
                        doc::children(&mut tx, Table::LogRequests, p.id).await?;
                    of.retain(|d| d.owner_id == actor.org_id && d.data.requester == person);
                    requests.extend(of);
                }
            }
            requests.sort_by_key(|d| std::cmp::Reverse(d.created_at));
            let mut ev = self.ev_for(
                actor,
                AuditAction::List,
                &t,
                Purpose::Supervision,
                format!("{} own log requests", requests.len()),
            );
            ev.subjects = people.iter().map(|p| p.id).collect();
            self.record(&mut tx, ev).await?;
            Ok(OwnLogRequests {
                people: people.iter().map(|p| (p.id, name(&p.data))).collect(),
                requests,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    /// A client or guardian asks for the client's log data over a period.
    pub async fn request_log(&self, actor: &Actor, form: &LogRequestForm) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let t = self.log_request_target(Some(id), actor.org_id, None);
        let mut tx = self.db.begin().await?;
        let r = async {
            let grant = self
                .authorize(
                    &mut tx,
                    actor,
                    Action::Create,
                    Resource::LogRequests {
                        org_id: actor.org_id,
                    },
                    AuditAction::Create,
                    &t,
                )
                .await?;
            let read = form.read(self.today()).map_err(ServiceError::Invalid)?;
            let people = self.log_people(&mut tx, actor, &grant).await?;
            let (Some(person), Some(client)) =
                (actor.person, people.iter().find(|p| p.id == read.client))
            else {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "client", "required",
                )));
            };
            let requester_name = people
                .iter()
                .find(|p| p.id == person)
                .map(|p| name(&p.data))
                .unwrap_or_else(|| actor.display_name.clone());
            let now = self.now();
            let req = LogRequest {
                client: client.id,
                client_name: name(&client.data),
                requester: person,
                requester_name,
                from: read.from,
                to: read.to,
                reason: read.reason,
                requested_at: now,
                due: due_date(now.date_naive()),
                status: LogRequestStatus::Pending,
                answer: None,
            };
            doc::insert(
                &mut tx,
                Table::LogRequests,
                id,
                actor.org_id,
                Some(client.id),
                LogRequestStatus::Pending.code(),
                &req,
                now,
            )
            .await?;
            let t = self.log_request_target(Some(id), actor.org_id, Some(client.id));
            let ev = self.ev_for(
                actor,
                AuditAction::Create,
                &t,
                Purpose::Supervision,
                format!("log data {} – {}", req.from, req.to),
            );
            self.record(&mut tx, ev).await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    /// The county's requests, pending first and the oldest due first among them.
    pub async fn log_requests(&self, actor: &Actor) -> ServiceResult<Vec<Doc<LogRequest>>> {
        let t = self.log_request_target(None, actor.org_id, None);
        let mut tx = self.db.begin_read().await?;
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::List,
                Resource::LogRequests {
                    org_id: actor.org_id,
                },
                AuditAction::List,
                &t,
            )
            .await?;
            let mut all: Vec<Doc<LogRequest>> = doc::list(
                &mut tx,
                Table::LogRequests,
                doc::Filter {
                    owner: Some(actor.org_id),
                    ..doc::Filter::default()
                },
            )
            .await?;
            all.sort_by(|a, b| {
                (a.data.status != LogRequestStatus::Pending)
                    .cmp(&(b.data.status != LogRequestStatus::Pending))
                    .then(a.data.due.cmp(&b.data.due))
                    .then(b.created_at.cmp(&a.created_at))
            });
            let mut ev = self.ev_for(
                actor,
                AuditAction::List,
                &t,
                Purpose::Supervision,
                format!("{} log requests", all.len()),
            );
            let mut subjects: Vec<Uuid> = all.iter().map(|d| d.data.client).collect();
            subjects.sort_unstable();
            subjects.dedup();
            ev.subjects = subjects;
            self.record(&mut tx, ev).await?;
            Ok(all)
        }
        .await;
        self.finish(tx, r).await
    }

    /// A request through the gate: `Read` for its reader, `Decide` for the one answering.
    async fn log_request_doc(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: Uuid,
        action: Action,
        audit_action: AuditAction,
    ) -> ServiceResult<Doc<LogRequest>> {
        self.gated_doc(
            tx,
            actor,
            (Table::LogRequests, RecordKind::LogRequest, id),
            action,
            audit_action,
            |d: &Doc<LogRequest>| Self::log_request_resource(actor, d),
            |d| self.log_request_target(Some(id), d.owner_id, Some(d.data.client)),
        )
        .await
    }

    fn log_request_resource(actor: &Actor, d: &Doc<LogRequest>) -> Resource {
        Resource::LogRequest {
            owner_id: d.owner_id,
            own: actor.person == Some(d.data.requester),
        }
    }

    /// One request with its answer, for the requester or a handler.
    pub async fn log_request(&self, actor: &Actor, id: Uuid) -> ServiceResult<LogRequestView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let d = self
                .log_request_doc(&mut tx, actor, id, Action::Read, AuditAction::Read)
                .await?;
            let t = self.log_request_target(Some(id), d.owner_id, Some(d.data.client));
            let ev = self.ev_for(
                actor,
                AuditAction::Read,
                &t,
                Purpose::Supervision,
                format!("log request, {}", d.data.status.code()),
            );
            self.record(&mut tx, ev).await?;
            let may_answer = d.data.status == LogRequestStatus::Pending
                && self.may(actor, Action::Decide, Self::log_request_resource(actor, &d));
            Ok(LogRequestView {
                overdue: d.data.overdue(self.today()),
                may_answer,
                request: d,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    /// The access log's entries about the client in the request's period, oldest first, as
    /// the report gives them: the user's name and organisation in place of their ids. A
    /// refused attempt used no data and is left out; one that failed on bad input is kept.
    async fn log_lines(&self, tx: &mut Tx, req: &LogRequest) -> ServiceResult<Vec<LogLine>> {
        let start = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        let entries = db::audit::search(
            tx,
            &db::audit::Filter {
                record: Some(req.client),
                from: start(req.from),
                until: req.to.succ_opt().and_then(start),
                limit: MOST_LINES,
                ..Default::default()
            },
        )
        .await?;
        let orgs: HashMap<Uuid, String> = db::organisation::list(tx)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
        let mut people: HashMap<Uuid, String> = HashMap::new();
        let mut lines = Vec::new();
        for e in entries.iter().rev() {
            if e.outcome == Outcome::Denied.code() {
                continue;
            }
            let who = match e.actor_id {
                Some(u) => {
                    if let Some(n) = people.get(&u) {
                        n.clone()
                    } else {
                        let n = db::user::get(tx, u)
                            .await?
                            .map_or_else(|| e.actor_name.clone(), |u| u.display_name);
                        people.insert(u, n.clone());
                        n
                    }
                }
                None => e.actor_name.clone(),
            };
            lines.push(LogLine {
                at: e.at,
                who,
                organisation: e
                    .actor_org
                    .and_then(|o| orgs.get(&o).cloned())
                    .unwrap_or_default(),
                action: e.action.clone(),
                record_kind: e.record_kind.clone(),
                purpose: e.purpose.clone(),
            });
        }
        Ok(lines)
    }

    /// Answers a request with the report: the log's entries about the client in the period,
    /// kept with the request as they were given.
    pub async fn deliver_log_report(&self, actor: &Actor, id: Uuid) -> ServiceResult<()> {
        self.answer_log_request(actor, id, None).await
    }

    /// Refuses a request by a decision with its reasons (703/2023 11 § 2 mom); the requester
    /// sees the decision with its appeal instructions.
    pub async fn refuse_log_request(
        &self,
        actor: &Actor,
        id: Uuid,
        reasons: &str,
    ) -> ServiceResult<()> {
        self.answer_log_request(actor, id, Some(reasons)).await
    }

    async fn answer_log_request(
        &self,
        actor: &Actor,
        id: Uuid,
        refusal: Option<&str>,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let d = self
                .log_request_doc(&mut tx, actor, id, Action::Decide, AuditAction::Update)
                .await?;
            let t = self.log_request_target(Some(id), d.owner_id, Some(d.data.client));
            target = Some(t.clone());
            if d.data.status != LogRequestStatus::Pending {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "status",
                    "log-request-answered",
                )));
            }
            let mut req = d.data.clone();
            let (status, reasons, lines) = match refusal {
                Some(r) => (
                    LogRequestStatus::Refused,
                    read_refusal(r).map_err(ServiceError::Invalid)?,
                    Vec::new(),
                ),
                None => (
                    LogRequestStatus::Delivered,
                    String::new(),
                    self.log_lines(&mut tx, &req).await?,
                ),
            };
            let count = lines.len();
            req.status = status;
            req.answer = Some(LogAnswer {
                by: actor.display_name.clone(),
                at: self.now(),
                reasons,
                lines,
            });
            doc::update(
                &mut tx,
                Table::LogRequests,
                id,
                status.code(),
                &req,
                self.now(),
            )
            .await?;
            let ev = self.ev_for(
                actor,
                AuditAction::Update,
                &t,
                Purpose::Supervision,
                match status {
                    LogRequestStatus::Refused => "log request refused".to_owned(),
                    _ => format!("log report of {count} entries"),
                },
            );
            self.record(&mut tx, ev).await
        }
        .await;
        let t = target;
        self.finish_logged(tx, r, actor, AuditAction::Update, t.as_ref())
            .await
    }
}
