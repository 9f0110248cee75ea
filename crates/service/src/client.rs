//! The client register: clients with their guardians and families, found by identity code or
//! listed for the purchaser's social workers, and the follow period that decides what a
//! provider sees of a client. Every read of client data, searches included, is in the access
//! log with the client as its subject; identity codes never are.

use crate::gate::Target;
use crate::need::Need;
use crate::{Service, ServiceError, ServiceResult};
use chrono::NaiveDate;
use db::doc::{self, Doc, Filter, Table};
use db::Tx;
use domain::access::{follow, serves_unit, tie, Action, Follow, Resource, Tie};
use domain::audit::{AuditAction, Purpose, RecordKind};
use domain::client::EndDates;
use domain::client::{Client, ClientForm, Family, MinimalClient};
use domain::commitment::{period_in_force, Commitment};
use domain::exceptional_access::{ExceptionForm, ExceptionalAccess};
use domain::ident::PersonalIdentityCode;
use domain::org::Actor;
use domain::validate::FieldErrors;
use domain::version::{Change, Reason, Version};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct ClientView {
    pub id: Uuid,
    pub client: Client,
    /// The guardians with their ids in the register.
    pub guardians: Vec<(Uuid, Client)>,
    pub needs: Vec<Doc<Need>>,
    pub commitments: Vec<Doc<Commitment>>,
    /// The record's earlier versions (703/2023 22 §), oldest first, with the end dates they had.
    pub versions: Vec<Version<EndDates>>,
}

/// A client as [`Service::client_record`] shows them to the actor.
#[derive(Debug, Clone)]
pub enum ClientRecord {
    /// The register's record, for the purchaser's own staff.
    Register(Box<ClientView>),
    /// The minimal data, for a provider following a commitment.
    Minimal(MinimalClient),
}

impl ClientView {
    /// What a social worker is shown of the client: the same on the page and in the API.
    pub fn card(&self, today: NaiveDate) -> domain::client::ClientCard {
        domain::client::ClientCard::of(&self.client, &self.guardians, today)
    }
}

impl Service {
    pub(crate) fn client_target(&self, owner: Uuid, id: Option<Uuid>) -> Target {
        Target {
            kind: RecordKind::Client,
            id,
            owner: Some(owner),
            subject: id,
        }
    }

    pub(crate) async fn log_client(
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
        subjects: Vec<Uuid>,
    ) -> ServiceResult<()> {
        self.log_shown_by(tx, actor, action, t, details, subjects, Tie::Task)
            .await
    }

    /// As `log_shown`, flagging an exceptional access with its reason code (703/2023 9 §).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn log_shown_by(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        action: AuditAction,
        t: &Target,
        details: String,
        mut subjects: Vec<Uuid>,
        tie: Tie,
    ) -> ServiceResult<()> {
        let mut ev = self.ev(actor, action, t);
        if let Tie::Reason(r) = tie {
            ev.exception = r.code().to_owned();
        }
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
                            // A guardian is held by the task of the child they came with.
                            let mut g = g.clone();
                            g.responsible_worker = Some(actor.user_id);
                            g.team = actor.team.trim().to_owned();
                            db::client::insert(&mut tx, &grant, gid, gcode.as_str(), &g, now)
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
            client.team = actor.team.trim().to_owned();
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
            // A county worker's list is the clients of their own team and responsibility; others
            // are found by identity code and opened with a reason (703/2023 9 §).
            let list: Vec<Doc<Client>> = db::client::list(&mut tx, &grant, None)
                .await?
                .into_iter()
                .filter(|c: &Doc<Client>| {
                    tie(actor, &c.data.team, c.data.responsible_worker, None) == Tie::Task
                })
                .collect();
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

    /// What a provider's user reaches of a client through the commitments `provider` holds
    /// for it (`domain::access::follow`): the best follow phase today among the commitments
    /// the user's unit serves, with that unit. When none of those reaches the client, the best
    /// of all with its unit, so that the policy refuses it as another unit's (703/2023 9 §).
    pub(crate) async fn reach_of(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        provider: Uuid,
        client: Uuid,
    ) -> ServiceResult<(Follow, Option<Uuid>)> {
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
        // Each commitment by its newest version's unit (oldest first from the list).
        let phases: Vec<(Follow, Uuid)> = by_number
            .values()
            .filter_map(|v| {
                let unit = v.last()?.unit;
                Some((self.follow_period(period_in_force(v.iter().copied())), unit))
            })
            .collect();
        let mine = phases
            .iter()
            .filter(|(_, u)| serves_unit(actor, *u))
            .max_by_key(|(f, _)| *f)
            .copied();
        let all = phases.iter().max_by_key(|(f, _)| *f).copied();
        Ok(match (mine, all) {
            (Some((f, u)), _) if f.reaches_client() => (f, Some(u)),
            (_, Some((f, u))) if f.reaches_client() => (f, Some(u)),
            (Some((f, u)), _) | (None, Some((f, u))) => (f, Some(u)),
            (None, None) => (Follow::NotInForce, None),
        })
    }

    /// What the actor's organisation reaches of a client: the follow period for a provider;
    /// nothing through commitments for a purchaser, whose register it is.
    async fn client_follow(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        client: Uuid,
    ) -> ServiceResult<(Follow, Option<Uuid>)> {
        if actor.org_kind.is_purchaser() {
            return Ok((Follow::NotInForce, None));
        }
        self.reach_of(tx, actor, actor.org_id, client).await
    }

    /// A client as the purchaser's social workers see it: everything, with guardians, needs and
    /// commitments.
    pub async fn client(&self, actor: &Actor, id: Uuid) -> ServiceResult<ClientView> {
        match self.client_record(actor, id).await? {
            ClientRecord::Register(v) => Ok(*v),
            // Providers get the minimal data only.
            ClientRecord::Minimal(_) => {
                Err(ServiceError::Denied(domain::access::Denial::MissingRole))
            }
        }
    }

    /// A client as the actor may see them, in one read: the register's record for the
    /// purchaser's own staff, the minimal data for a provider following a commitment. Which of
    /// the two is the grant's to say (`Grant::minimal`), so that the page and the API show the
    /// same. Logged with the guardians shown.
    pub async fn client_record(&self, actor: &Actor, id: Uuid) -> ServiceResult<ClientRecord> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let (t, grant, c, guardians, tie) = self.read_client(&mut tx, actor, id).await?;
            let shown = guardians.iter().map(|d| d.id).collect();
            if grant.minimal() {
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
                return Ok(ClientRecord::Minimal(m));
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
            let versions = db::client::versions(&mut tx, &grant, id).await?;
            self.log_shown_by(
                &mut tx,
                actor,
                AuditAction::Read,
                &t,
                "full".into(),
                shown,
                tie,
            )
            .await?;
            Ok(ClientRecord::Register(Box::new(ClientView {
                id,
                client: c.data,
                guardians,
                needs,
                commitments,
                versions,
            })))
        }
        .await;
        self.finish(tx, r).await
    }

    async fn read_client(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<(
        Target,
        domain::access::Grant,
        Doc<Client>,
        Vec<Doc<Client>>,
        Tie,
    )> {
        let Some(owner) = db::client::owner_of(tx, id).await? else {
            let t = self.client_target(Uuid::nil(), Some(id));
            return Err(self.missing(tx, actor, AuditAction::Read, &t).await);
        };
        let t = self.client_target(owner, Some(id));
        let (follow, unit) = self.client_follow(tx, actor, id).await?;
        let tie = self.client_tie(tx, actor, id).await?;
        let resource = Resource::Client {
            purchaser_id: owner,
            follow,
            tie,
            unit,
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
        Ok((t, grant, c, guardians, tie))
    }

    /// Records that the client's matter was closed, or the client's date of death: the
    /// triggers of the retention periods ([`domain::retention`]). Either date may be cleared
    /// (a matter reopened). The change is logged with both dates before and after.
    pub async fn record_client_end(
        &self,
        actor: &Actor,
        id: Uuid,
        form: &domain::client::EndForm,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let Some(owner) = db::client::owner_of(&mut tx, id).await? else {
                let t = self.client_target(Uuid::nil(), Some(id));
                return Err(self.missing(&mut tx, actor, AuditAction::Update, &t).await);
            };
            let t = self.client_target(owner, Some(id));
            target = Some(t.clone());
            let tie = self.client_tie(&mut tx, actor, id).await?;
            let grant = self
                .authorize(
                    &mut tx,
                    actor,
                    Action::Update,
                    Resource::Client {
                        purchaser_id: owner,
                        follow: Follow::NotInForce,
                        tie,
                        unit: None,
                    },
                    AuditAction::Update,
                    &t,
                )
                .await?;
            let mut c: Doc<Client> = db::client::get(&mut tx, &grant, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let (closed_on, died_on) = form
                .read(c.data.birth_date, self.today())
                .map_err(ServiceError::Invalid)?;
            let text = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            let details = format!(
                "closed {} -> {}; died {} -> {}",
                text(c.data.closed_on),
                text(closed_on),
                text(c.data.died_on),
                text(died_on)
            );
            c.data.closed_on = closed_on;
            c.data.died_on = died_on;
            let status = if closed_on.is_some() || died_on.is_some() {
                "closed"
            } else {
                "active"
            };
            db::client::update(
                &mut tx,
                &grant,
                id,
                status,
                &c.data,
                self.now(),
                &Change::new(&actor.display_name, Reason::Ended),
            )
            .await?;
            self.log_shown_by(
                &mut tx,
                actor,
                AuditAction::Update,
                &t,
                details,
                Vec::new(),
                tie,
            )
            .await?;
            Ok(())
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    /// A county worker's tie to a client ([`domain::access::tie`]): the client's team and
    /// responsible worker, and an exceptional access the worker opened that is still in force.
    /// A provider's users have none; their access follows the commitment.
    pub(crate) async fn client_tie(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        client: Uuid,
    ) -> ServiceResult<Tie> {
        if !actor.org_kind.is_purchaser() {
            return Ok(Tie::None);
        }
        let Some((team, responsible)) = db::client::task_of(tx, client).await? else {
            return Ok(Tie::None);
        };
        let now = self.now();
        let open: Vec<Doc<ExceptionalAccess>> =
            doc::children(tx, Table::ExceptionalAccesses, client).await?;
        let exception = open
            .iter()
            .filter(|d| d.owner_id == actor.org_id && d.data.in_force(actor.user_id, now))
            .map(|d| d.data.reason)
            .next();
        Ok(tie(actor, &team, responsible, exception))
    }

    /// A county worker opens a client outside their team and responsibility with a reason
    /// (703/2023 9 §). The reason is kept, flagged in the log, and opens the client to the
    /// worker for [`domain::exceptional_access::VALID_HOURS`]; every read in that time is
    /// flagged too.
    pub async fn open_client_exceptionally(
        &self,
        actor: &Actor,
        id: Uuid,
        form: &ExceptionForm,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let Some(owner) = db::client::owner_of(&mut tx, id).await? else {
                let t = self.client_target(Uuid::nil(), Some(id));
                return Err(self.missing(&mut tx, actor, AuditAction::Create, &t).await);
            };
            let t = self.client_target(owner, Some(id));
            target = Some(t.clone());
            // The gate is asked as the access will be, with a reason, before the form is read:
            // what is wrong with the form must not tell a stranger that the client exists.
            let asked = domain::access::AccessReason::parse(&form.reason)
                .unwrap_or(domain::access::AccessReason::Other);
            self.authorize(
                &mut tx,
                actor,
                Action::Read,
                Resource::Client {
                    purchaser_id: owner,
                    follow: Follow::NotInForce,
                    tie: Tie::Reason(asked),
                    unit: None,
                },
                AuditAction::Create,
                &t,
            )
            .await?;
            let (reason, note) = form.read().map_err(ServiceError::Invalid)?;
            if !actor.org_kind.is_purchaser() {
                return Err(ServiceError::Denied(
                    domain::access::Denial::OtherOrganisation,
                ));
            }
            let now = self.now();
            let access = domain::exceptional_access::open(
                actor.user_id,
                &actor.display_name,
                reason,
                note,
                now,
            );
            doc::insert(
                &mut tx,
                Table::ExceptionalAccesses,
                Uuid::now_v7(),
                owner,
                Some(id),
                reason.code(),
                &access,
                now,
            )
            .await?;
            let mut ev = self.ev(actor, AuditAction::Create, &t);
            ev.purpose = Purpose::ClientWork;
            ev.exception = reason.code().to_owned();
            ev.details = format!(
                "exceptional access until {}",
                access.until.format("%Y-%m-%d %H:%M UTC")
            );
            self.record(&mut tx, ev).await?;
            Ok(())
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, target.as_ref())
            .await
    }

    /// What a provider's users see of a client: only while an accepted commitment links their
    /// organisation to the client, and only the minimal data (no address under turvakielto).
    pub async fn client_minimal(&self, actor: &Actor, id: Uuid) -> ServiceResult<MinimalClient> {
        Ok(match self.client_record(actor, id).await? {
            ClientRecord::Minimal(m) => m,
            ClientRecord::Register(v) => {
                let guardians: Vec<Client> = v.guardians.into_iter().map(|(_, g)| g).collect();
                MinimalClient::of(&v.client, &guardians, self.today())
            }
        })
    }
}
