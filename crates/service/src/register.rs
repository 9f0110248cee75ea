//! The region's registers of people ([`domain::register`]): the controller's keepers add,
//! change and end entries; roles a register's grants name read and search it; every read
//! names the people it showed in the access log. A person in a register sees and corrects
//! their own entry, and withdraws their consent, with the personal code a keeper handed them;
//! those tries are limited per address like the visits' one-time codes.

use crate::auth::event;
use crate::gate::{codes, Target};
use crate::password::{random_token, sha256_hex};
use crate::{Service, ServiceError, ServiceResult};
use db::doc::{self, Doc, Table};
use db::Tx;
use domain::access::{Action, Resource};
use domain::audit::{AuditAction, AuditEvent, Outcome, Purpose, RecordKind};
use domain::org::Actor;
use domain::register::{Entry, EntryForm, Register};
use domain::search::Query;
use domain::validate::FieldErrors;
use uuid::Uuid;

const ACTIVE: &str = "active";
const ENDED: &str = "ended";

/// A register in the list: its definition and size.
#[derive(Debug, Clone)]
pub struct RegisterSummary {
    pub id: Uuid,
    pub register: Register,
    pub active: usize,
    pub may_keep: bool,
}

/// A register and the entries a search found (all active ones without a query).
#[derive(Debug, Clone)]
pub struct RegisterView {
    pub id: Uuid,
    pub register: Register,
    pub entries: Vec<Doc<Entry>>,
    /// Ended entries kept for the retention period; listed to keepers only.
    pub ended: Vec<Doc<Entry>>,
    pub may_keep: bool,
}

/// One entry with its register.
#[derive(Debug, Clone)]
pub struct EntryView {
    pub entry: Doc<Entry>,
    pub register_id: Uuid,
    pub register: Register,
    pub may_keep: bool,
}

fn invalid(field: &str, code: &str) -> ServiceError {
    ServiceError::Invalid(FieldErrors::single(field, code))
}

/// A personal code as handed over: sixteen hexadecimal digits in groups of four.
fn new_code() -> ServiceResult<String> {
    let t = random_token()?;
    let digits = t.get(..16).unwrap_or(&t).to_uppercase();
    Ok(digits
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-"))
}

fn code_hash(code: &str) -> Option<String> {
    let digits: String = code
        .chars()
        .filter(char::is_ascii_hexdigit)
        .collect::<String>()
        .to_lowercase();
    (digits.len() == 16).then(|| sha256_hex(&format!("kumppani-register-code:{digits}")))
}

impl Service {
    fn register_target(&self, kind: RecordKind, id: Option<Uuid>, owner: Option<Uuid>) -> Target {
        Target {
            kind,
            id,
            owner,
            subject: None,
        }
    }

    fn register_event(
        &self,
        actor: Option<&Actor>,
        action: AuditAction,
        t: &Target,
        details: String,
    ) -> AuditEvent {
        let mut ev = match actor {
            Some(a) => self.ev(a, action, t),
            None => {
                let mut ev = event(None, action, t.kind);
                ev.record_id = t.id;
                ev.register_owner = t.owner;
                ev.subject_id = t.subject;
                ev
            }
        };
        ev.purpose = Purpose::RegionalCooperation;
        ev.details = details;
        ev
    }

    fn register_resource(actor: &Actor, d: &Doc<Register>) -> Resource {
        Resource::Register {
            controller_id: d.owner_id,
            named: d.data.named(actor),
        }
    }

    /// The register after the gate allowed `action` on it; an unknown id is refused as
    /// another organisation's.
    async fn register_doc(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: Uuid,
        action: Action,
        audit_action: AuditAction,
    ) -> ServiceResult<Doc<Register>> {
        let d: Option<Doc<Register>> = doc::get(tx, Table::PeopleRegisters, id).await?;
        let d = self
            .found(tx, actor, audit_action, RecordKind::Register, id, d)
            .await?;
        let t = self.register_target(RecordKind::Register, Some(id), Some(d.owner_id));
        self.authorize(
            tx,
            actor,
            action,
            Self::register_resource(actor, &d),
            audit_action,
            &t,
        )
        .await?;
        Ok(d)
    }

    /// How many people a register has now: its size, which names no one.
    pub(crate) async fn active_entries(&self, tx: &mut Tx, register: Uuid) -> ServiceResult<usize> {
        Ok(doc::list::<Entry>(
            tx,
            Table::RegisterEntries,
            doc::Filter {
                parent: Some(register),
                status: Some(ACTIVE),
                ..doc::Filter::default()
            },
        )
        .await?
        .len())
    }

    /// Sets up a register kept by the actor's organisation.
    pub async fn create_register(&self, actor: &Actor, r: &Register) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let t = self.register_target(RecordKind::Register, Some(id), Some(actor.org_id));
        let mut tx = self.db.begin().await?;
        let res = async {
            self.authorize(
                &mut tx,
                actor,
                Action::Create,
                Resource::Register {
                    controller_id: actor.org_id,
                    named: false,
                },
                AuditAction::Create,
                &t,
            )
            .await?;
            let mut r = r.clone();
            r.controller = actor.org_id;
            let mut e = FieldErrors::default();
            r.name = e.required("name", &r.name, 200);
            r.purpose = e.required("purpose", &r.purpose, 2000);
            r.legal_basis = e.required("legal_basis", &r.legal_basis, 1000);
            if !e.is_empty() {
                return Err(ServiceError::Invalid(e));
            }
            doc::insert(
                &mut tx,
                Table::PeopleRegisters,
                id,
                actor.org_id,
                None,
                ACTIVE,
                &r,
                self.now(),
            )
            .await?;
            let ev = self.register_event(
                Some(actor),
                AuditAction::Create,
                &t,
                format!("register {}", r.kind.code()),
            );
            self.record(&mut tx, ev).await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, res, actor, AuditAction::Create, Some(&t))
            .await
    }

    /// The registers the actor may read, with how many active entries each has.
    pub async fn people_registers(&self, actor: &Actor) -> ServiceResult<Vec<RegisterSummary>> {
        let t = self.register_target(RecordKind::Register, None, None);
        let mut tx = self.db.begin_read().await?;
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::List,
                Resource::Registers,
                AuditAction::List,
                &t,
            )
            .await?;
            let all: Vec<Doc<Register>> =
                doc::list(&mut tx, Table::PeopleRegisters, doc::Filter::default()).await?;
            let mut out = Vec::new();
            for d in all {
                let res = Self::register_resource(actor, &d);
                if !self.may(actor, Action::Read, res) {
                    continue;
                }
                let active = self.active_entries(&mut tx, d.id).await?;
                out.push(RegisterSummary {
                    id: d.id,
                    may_keep: self.may(actor, Action::Update, res),
                    register: d.data,
                    active,
                });
            }
            let ev = self.register_event(
                Some(actor),
                AuditAction::List,
                &t,
                format!("{} registers", out.len()),
            );
            self.record(&mut tx, ev).await?;
            Ok(out)
        }
        .await;
        self.finish(tx, r).await
    }

    /// A register and its entries matching `query` (stemmed, every word must be found; all
    /// active entries when empty). The log row names every person shown.
    pub async fn people_register(
        &self,
        actor: &Actor,
        id: Uuid,
        query: &str,
    ) -> ServiceResult<RegisterView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let d = self
                .register_doc(&mut tx, actor, id, Action::Read, AuditAction::Read)
                .await?;
            let res = Self::register_resource(actor, &d);
            let may_keep = self.may(actor, Action::Update, res);
            let all: Vec<Doc<Entry>> = doc::children(&mut tx, Table::RegisterEntries, id).await?;
            let q = Query::parse(query);
            let (mut active, mut ended): (Vec<Doc<Entry>>, Vec<Doc<Entry>>) =
                all.into_iter().partition(|e| e.data.active());
            active.retain(|e| q.is_empty() || q.matches(&e.data.stems()));
            active.sort_by(|a, b| a.data.name.cmp(&b.data.name));
            if !may_keep {
                ended.clear();
            }
            ended.sort_by(|a, b| a.data.name.cmp(&b.data.name));
            let t = self.register_target(RecordKind::Register, Some(id), Some(d.owner_id));
            let mut ev = self.register_event(
                Some(actor),
                AuditAction::Read,
                &t,
                if query.trim().is_empty() {
                    format!("{} entries shown", active.len() + ended.len())
                } else {
                    format!(
                        "search {:?}: {} entries shown",
                        query.trim().chars().take(100).collect::<String>(),
                        active.len() + ended.len()
                    )
                },
            );
            ev.subjects = active.iter().chain(&ended).map(|e| e.id).collect();
            self.record(&mut tx, ev).await?;
            Ok(RegisterView {
                id,
                register: d.data,
                entries: active,
                ended,
                may_keep,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    /// Adds a person or family; returns the entry's id and the personal code to hand over,
    /// which is shown only now.
    pub async fn add_register_entry(
        &self,
        actor: &Actor,
        id: Uuid,
        form: &EntryForm,
    ) -> ServiceResult<(Uuid, String)> {
        let entry_id = Uuid::now_v7();
        let t = self.register_target(RecordKind::RegisterEntry, Some(entry_id), None);
        let mut tx = self.db.begin().await?;
        let r = async {
            let d = self
                .register_doc(&mut tx, actor, id, Action::Create, AuditAction::Create)
                .await?;
            let entry = form
                .read(&d.data, self.today(), None)
                .map_err(ServiceError::Invalid)?;
            doc::insert(
                &mut tx,
                Table::RegisterEntries,
                entry_id,
                d.owner_id,
                Some(id),
                ACTIVE,
                &entry,
                self.now(),
            )
            .await?;
            let code = new_code()?;
            let hash = code_hash(&code).ok_or(ServiceError::Internal("register code".into()))?;
            db::register::set_code(&mut tx, entry_id, &hash, self.now()).await?;
            let mut t =
                self.register_target(RecordKind::RegisterEntry, Some(entry_id), Some(d.owner_id));
            t.subject = Some(entry_id);
            let ev = self.register_event(
                Some(actor),
                AuditAction::Create,
                &t,
                format!(
                    "entry in {}{}",
                    d.data.kind.code(),
                    if entry.consent.is_some() {
                        ", consent recorded"
                    } else {
                        ""
                    }
                ),
            );
            self.record(&mut tx, ev).await?;
            Ok((entry_id, code))
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    /// The entry and its register after the gate allowed `action` on the register.
    async fn entry_doc(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        entry_id: Uuid,
        action: Action,
        audit_action: AuditAction,
    ) -> ServiceResult<(Doc<Entry>, Doc<Register>)> {
        let e: Option<Doc<Entry>> = doc::get(tx, Table::RegisterEntries, entry_id).await?;
        let e = self
            .found(
                tx,
                actor,
                audit_action,
                RecordKind::RegisterEntry,
                entry_id,
                e,
            )
            .await?;
        let reg_id = e.parent_id.ok_or(ServiceError::NotFound)?;
        let r: Option<Doc<Register>> = doc::get(tx, Table::PeopleRegisters, reg_id).await?;
        let r = r.ok_or(ServiceError::NotFound)?;
        let mut t =
            self.register_target(RecordKind::RegisterEntry, Some(entry_id), Some(r.owner_id));
        t.subject = Some(entry_id);
        self.authorize(
            tx,
            actor,
            action,
            Self::register_resource(actor, &r),
            audit_action,
            &t,
        )
        .await?;
        Ok((e, r))
    }

    /// One entry, for those who may read its register (an ended one for its keepers only).
    pub async fn register_entry(&self, actor: &Actor, entry_id: Uuid) -> ServiceResult<EntryView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let (e, reg) = self
                .entry_doc(&mut tx, actor, entry_id, Action::Read, AuditAction::Read)
                .await?;
            let may_keep = self.may(actor, Action::Update, Self::register_resource(actor, &reg));
            if !e.data.active() && !may_keep {
                // An ended entry is its keepers' only: refused and logged as any other.
                let t = self.register_target(RecordKind::RegisterEntry, Some(entry_id), None);
                return Err(self.missing(&mut tx, actor, AuditAction::Read, &t).await);
            }
            let mut t = self.register_target(
                RecordKind::RegisterEntry,
                Some(entry_id),
                Some(reg.owner_id),
            );
            t.subject = Some(entry_id);
            let ev = self.register_event(Some(actor), AuditAction::Read, &t, "entry".into());
            self.record(&mut tx, ev).await?;
            Ok(EntryView {
                register_id: reg.id,
                register: reg.data,
                entry: e,
                may_keep,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    /// Changes an entry as its keeper; the consent on record stays as it was.
    pub async fn update_register_entry(
        &self,
        actor: &Actor,
        entry_id: Uuid,
        form: &EntryForm,
    ) -> ServiceResult<()> {
        let t = self.register_target(RecordKind::RegisterEntry, Some(entry_id), None);
        let mut tx = self.db.begin().await?;
        let r = async {
            let (e, reg) = self
                .entry_doc(
                    &mut tx,
                    actor,
                    entry_id,
                    Action::Update,
                    AuditAction::Update,
                )
                .await?;
            if !e.data.active() {
                return Err(invalid("name", "entry-ended"));
            }
            let new = form
                .read(&reg.data, self.today(), e.data.consent.as_ref())
                .map_err(ServiceError::Invalid)?;
            self.save_entry(&mut tx, Some(actor), &e, &reg, new, "changed by the keeper")
                .await
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, Some(&t))
            .await
    }

    async fn save_entry(
        &self,
        tx: &mut Tx,
        actor: Option<&Actor>,
        e: &Doc<Entry>,
        reg: &Doc<Register>,
        new: Entry,
        why: &str,
    ) -> ServiceResult<()> {
        let changed = changed_fields(&e.data, &new);
        let status = if new.active() { ACTIVE } else { ENDED };
        doc::update(tx, Table::RegisterEntries, e.id, status, &new, self.now()).await?;
        let mut t = self.register_target(RecordKind::RegisterEntry, Some(e.id), Some(reg.owner_id));
        t.subject = Some(e.id);
        let ev = self.register_event(
            actor,
            AuditAction::Update,
            &t,
            format!("{why}: {}", changed.join(", ")),
        );
        self.record(tx, ev).await
    }

    /// Ends an entry: the person left the register. It is kept for the register's retention
    /// period, listed to its keepers only.
    pub async fn end_register_entry(&self, actor: &Actor, entry_id: Uuid) -> ServiceResult<()> {
        let t = self.register_target(RecordKind::RegisterEntry, Some(entry_id), None);
        let mut tx = self.db.begin().await?;
        let r = async {
            let (e, reg) = self
                .entry_doc(
                    &mut tx,
                    actor,
                    entry_id,
                    Action::Deactivate,
                    AuditAction::Update,
                )
                .await?;
            if !e.data.active() {
                return Err(invalid("name", "entry-ended"));
            }
            let mut new = e.data.clone();
            new.ended_on = Some(self.today());
            db::register::remove_code(&mut tx, entry_id).await?;
            self.save_entry(&mut tx, Some(actor), &e, &reg, new, "left the register")
                .await
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, Some(&t))
            .await
    }

    /// A new personal code for an entry, replacing the earlier one (lost, or never handed
    /// over); shown only now.
    pub async fn new_register_code(&self, actor: &Actor, entry_id: Uuid) -> ServiceResult<String> {
        let mut tx = self.db.begin().await?;
        let r = async {
            let (e, reg) = self
                .entry_doc(
                    &mut tx,
                    actor,
                    entry_id,
                    Action::Update,
                    AuditAction::Update,
                )
                .await?;
            if !e.data.active() {
                return Err(invalid("name", "entry-ended"));
            }
            let code = new_code()?;
            let hash = code_hash(&code).ok_or(ServiceError::Internal("register code".into()))?;
            db::register::set_code(&mut tx, entry_id, &hash, self.now()).await?;
            let mut t = self.register_target(
                RecordKind::RegisterEntry,
                Some(entry_id),
                Some(reg.owner_id),
            );
            t.subject = Some(entry_id);
            let ev = self.register_event(
                Some(actor),
                AuditAction::Update,
                &t,
                "new personal code".into(),
            );
            self.record(&mut tx, ev).await?;
            Ok(code)
        }
        .await;
        let t = self.register_target(RecordKind::RegisterEntry, Some(entry_id), None);
        self.finish_logged(tx, r, actor, AuditAction::Update, Some(&t))
            .await
    }

    // ---- the person's own entry ------------------------------------------------------------

    /// The entry and register of a personal code; an unknown code (or one of an ended entry,
    /// whose code was removed) is one error, counted against the address.
    async fn own_entry_of(
        &self,
        tx: &mut Tx,
        code: &str,
    ) -> ServiceResult<(Doc<Entry>, Doc<Register>)> {
        let hash = code_hash(code).ok_or_else(|| invalid("code", "register-code-invalid"))?;
        let id = db::register::entry_of(tx, &hash)
            .await?
            .ok_or_else(|| invalid("code", "register-code-invalid"))?;
        let e: Doc<Entry> = doc::get(tx, Table::RegisterEntries, id)
            .await?
            .ok_or_else(|| invalid("code", "register-code-invalid"))?;
        let reg_id = e.parent_id.ok_or(ServiceError::NotFound)?;
        let r: Doc<Register> = doc::get(tx, Table::PeopleRegisters, reg_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok((e, r))
    }

    /// Logs a refused personal code and counts it against the address.
    async fn own_entry_refused<T>(
        &self,
        r: ServiceResult<T>,
        from: &str,
        action: AuditAction,
    ) -> ServiceResult<T> {
        use crate::throttle::Kind;
        let Err(ServiceError::Invalid(f)) = &r else {
            return r;
        };
        if f.get("code").is_some() {
            let (s, now) = (&self.settings.throttle, self.now());
            self.throttle.failed(s, Kind::CodeFromAddress, from, now);
            self.throttle.failed(s, Kind::CodeFromAll, "", now);
        }
        let mut tx = self.db.begin_read().await?;
        let t = self.register_target(RecordKind::RegisterEntry, None, None);
        let mut ev = self.register_event(
            None,
            action,
            &t,
            format!("own register entry: {}", codes(f)),
        );
        ev.outcome = Outcome::Failed;
        self.record(&mut tx, ev).await?;
        tx.commit().await?;
        r
    }

    async fn own_entry_throttled(&self, from: &str, action: AuditAction) -> ServiceResult<()> {
        use crate::throttle::Kind;
        let (s, now) = (&self.settings.throttle, self.now());
        if self.throttle.blocked(s, Kind::CodeFromAddress, from, now)
            || self.throttle.blocked(s, Kind::CodeFromAll, "", now)
        {
            // Logged, not counted again: a blocked address must not use up everyone's tries.
            let mut tx = self.db.begin_read().await?;
            let t = self.register_target(RecordKind::RegisterEntry, None, None);
            let mut ev = self.register_event(
                None,
                action,
                &t,
                "own register entry: code: too-many-tries".into(),
            );
            ev.outcome = Outcome::Failed;
            self.record(&mut tx, ev).await?;
            tx.commit().await?;
            return Err(ServiceError::Throttled);
        }
        Ok(())
    }

    /// A person's own entry, by their personal code.
    pub async fn own_register_entry(&self, code: &str, from: &str) -> ServiceResult<EntryView> {
        self.own_entry_throttled(from, AuditAction::Read).await?;
        let r = async {
            let mut tx = self.db.begin().await?;
            let (e, reg) = self.own_entry_of(&mut tx, code).await?;
            let mut t =
                self.register_target(RecordKind::RegisterEntry, Some(e.id), Some(reg.owner_id));
            t.subject = Some(e.id);
            let ev = self.register_event(
                None,
                AuditAction::Read,
                &t,
                "own entry, by personal code".into(),
            );
            self.record(&mut tx, ev).await?;
            tx.commit().await?;
            Ok(EntryView {
                register_id: reg.id,
                register: reg.data,
                entry: e,
                may_keep: false,
            })
        }
        .await;
        self.own_entry_refused(r, from, AuditAction::Read).await
    }

    /// A person corrects their own entry; the consent on record stays.
    pub async fn correct_own_entry(
        &self,
        code: &str,
        from: &str,
        form: &EntryForm,
    ) -> ServiceResult<()> {
        self.own_entry_throttled(from, AuditAction::Update).await?;
        let r = async {
            let mut tx = self.db.begin().await?;
            let (e, reg) = self.own_entry_of(&mut tx, code).await?;
            let new = form
                .read(&reg.data, self.today(), e.data.consent.as_ref())
                .map_err(ServiceError::Invalid)?;
            self.save_entry(&mut tx, None, &e, &reg, new, "corrected by the person")
                .await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        self.own_entry_refused(r, from, AuditAction::Update).await
    }

    /// A person withdraws their consent: the entry ends at once, and only the name and the
    /// consent with its withdrawal are kept; the personal code stops working.
    pub async fn withdraw_own_consent(&self, code: &str, from: &str) -> ServiceResult<()> {
        self.own_entry_throttled(from, AuditAction::Update).await?;
        let r = async {
            let mut tx = self.db.begin().await?;
            let (e, reg) = self.own_entry_of(&mut tx, code).await?;
            // Only a consent on record can be withdrawn; an entry kept for a public task is
            // corrected, or ended by its keeper.
            if e.data
                .consent
                .as_ref()
                .is_none_or(|c| c.withdrawn_on.is_some())
            {
                return Err(invalid("withdraw", "consent-none"));
            }
            let new = e.data.withdrawn(self.today());
            db::register::remove_code(&mut tx, e.id).await?;
            self.save_entry(
                &mut tx,
                None,
                &e,
                &reg,
                new,
                "consent withdrawn by the person",
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        self.own_entry_refused(r, from, AuditAction::Update).await
    }
}

/// The names of the fields that differ, for the log row (never their values).
fn changed_fields(a: &Entry, b: &Entry) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut cmp = |name: &'static str, same: bool| {
        if !same {
            out.push(name);
        }
    };
    cmp("name", a.name == b.name);
    cmp("languages", a.languages == b.languages);
    cmp("areas", a.areas == b.areas);
    cmp("profession", a.profession == b.profession);
    cmp("organisation", a.organisation == b.organisation);
    cmp("expertise", a.expertise == b.expertise);
    cmp("qualification", a.qualification == b.qualification);
    cmp("email", a.email == b.email);
    cmp("phone", a.phone == b.phone);
    cmp("family_kind", a.family_kind == b.family_kind);
    cmp("capacity", a.capacity == b.capacity);
    cmp("consent", a.consent == b.consent);
    cmp("ended_on", a.ended_on == b.ended_on);
    out
}
