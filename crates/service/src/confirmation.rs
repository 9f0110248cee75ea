//! Confirmation of visits by the client or a guardian: signed in with an account of their own,
//! with a one-time code the worker hands over, or on paper.

use crate::auth::event;
use crate::delivery::{invalid, Engagement, Step};
use crate::gate::{codes, Target};
use crate::password::sha256_hex;
use crate::{Service, ServiceError, ServiceResult};
use chrono::{Days, NaiveDate};
use db::doc::Doc;
use db::Tx;
use domain::access::{Action, Follow, Part, Resource};
use domain::audit::{AuditAction, Outcome, Purpose, RecordKind};
use domain::client::Client;
use domain::org::{Actor, Role};
use domain::validate::FieldErrors;
use domain::version::{Change, Reason};
use domain::visit::{
    may_confirm_own, Confirmation, ConfirmationState, ConfirmationWay, VisitRecord,
};
use std::collections::HashMap;
use uuid::Uuid;

/// A visit as the client or a guardian sees it.
#[derive(Debug, Clone)]
pub struct FamilyVisit {
    pub id: Uuid,
    pub record: VisitRecord,
    pub child: String,
    pub provider: String,
    pub workers: Vec<String>,
    /// Whether it can still be confirmed or disputed (not yet answered, month not closed).
    pub open: bool,
}

/// What a one-time code shows before it is used: no names, only the visit.
#[derive(Debug, Clone)]
pub struct CodeVisit {
    pub record: VisitRecord,
    pub provider: String,
}

impl Service {
    /// Logs a refused one-time code on its own, after the try was rolled back: guessing must
    /// leave a trace.
    async fn log_code_refusal(&self, action: AuditAction, f: &FieldErrors) -> ServiceResult<()> {
        let mut tx = self.db.begin_read().await?;
        let t = Target {
            kind: RecordKind::Visit,
            id: None,
            owner: None,
            subject: None,
        };
        let ev = self.refused_event(
            None,
            action,
            &t,
            Outcome::Failed,
            format!("one-time code: {}", codes(f)),
        );
        self.record(&mut tx, ev).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A one-time code for the worker to hand over at the visit; only its hash is kept. The
    /// code is eight digits in two groups, easy to read aloud.
    pub async fn issue_code(&self, actor: &Actor, visit: Uuid) -> ServiceResult<String> {
        let mut tx = self.db.begin().await?;
        let r = async {
            let s = db::visit::get(&mut tx, visit).await?;
            let s = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Update,
                    RecordKind::Visit,
                    visit,
                    s,
                )
                .await?;
            let step = Step::new(
                Action::Update,
                AuditAction::Update,
                RecordKind::Visit,
                Part::Visits,
            );
            let e = self
                .enter(&mut tx, actor, &s.record.commitment_number, step)
                .await?;
            if s.record.confirmation.state != ConfirmationState::Unconfirmed {
                return Err(invalid("code", "visit-already-confirmed"));
            }
            let mut b = [0u8; 8];
            getrandom::fill(&mut b).map_err(|e| ServiceError::Internal(format!("random: {e}")))?;
            let n = u64::from_le_bytes(b) % 100_000_000;
            let code = format!("{:04}-{:04}", n / 10_000, n % 10_000);
            let expires =
                self.now() + chrono::Duration::days(self.settings.delivery.code_valid_days);
            // A new code voids the ones handed out before: only the latest is in anyone's hand.
            let voided = db::visit::void_codes(&mut tx, visit, self.now()).await?;
            db::visit::insert_code(&mut tx, &code_hash(&code), visit, expires, self.now()).await?;
            let t = self.delivery_target(RecordKind::Visit, Some(visit), &e);
            self.log_delivery(
                &mut tx,
                Some(actor),
                AuditAction::Update,
                &t,
                if voided > 0 {
                    format!("one-time confirmation code issued; {voided} earlier voided")
                } else {
                    "one-time confirmation code issued".into()
                },
            )
            .await?;
            Ok(code)
        }
        .await;
        self.finish(tx, r).await
    }

    /// The people whose visits a client's or guardian's account sees: its own (when old
    /// enough) and its children's.
    async fn family_clients(&self, tx: &mut Tx, actor: &Actor) -> ServiceResult<Vec<Doc<Client>>> {
        let t = Target {
            kind: RecordKind::Visit,
            id: None,
            owner: Some(actor.org_id),
            subject: None,
        };
        let grant = self
            .authorize(
                tx,
                actor,
                Action::List,
                Resource::FamilyVisits,
                AuditAction::List,
                &t,
            )
            .await?;
        let Some(person) = actor.person else {
            return Ok(Vec::new());
        };
        let candidates: Vec<Doc<Client>> = db::client::family_of(tx, &grant, person).await?;
        let age = self.settings.delivery.own_confirmation_age;
        Ok(candidates
            .into_iter()
            .filter(|c| {
                c.data.guardians.contains(&person)
                    || (c.id == person && may_confirm_own(c.data.age_on(self.today()), age))
            })
            .collect())
    }

    /// The visits a client or guardian sees: their own and their children's, newest first.
    pub async fn family_visits(&self, actor: &Actor) -> ServiceResult<Vec<FamilyVisit>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let clients = self.family_clients(&mut tx, actor).await?;
            let ids: Vec<Uuid> = clients.iter().map(|c| c.id).collect();
            let from = self.today() - Days::new(400);
            let stored = db::visit::for_clients(&mut tx, &ids, from).await?;
            let numbers: Vec<&str> = stored
                .iter()
                .map(|s| s.record.commitment_number.as_str())
                .collect();
            let by_number = self.commitments_by_number(&mut tx, &numbers).await?;
            let names = db::organisation::list(&mut tx).await?;
            let mut closed: HashMap<String, Option<NaiveDate>> = HashMap::new();
            let mut rosters: HashMap<String, Vec<(Uuid, String)>> = HashMap::new();
            let mut out = Vec::new();
            for s in stored {
                let number = s.record.commitment_number.clone();
                if !closed.contains_key(&number) {
                    let e = match by_number.get(&number) {
                        Some(v) => self.engagement_of(&mut tx, v).await.ok(),
                        None => None,
                    };
                    closed.insert(number.clone(), e.as_ref().and_then(|e| e.closed_until));
                    rosters.insert(number.clone(), e.map(|e| e.roster).unwrap_or_default());
                }
                let record = self.effective(s.record);
                let closed_until = closed.get(&number).copied().flatten();
                let open = record.confirmation.state == ConfirmationState::Unconfirmed
                    && closed_until.is_none_or(|c| record.visit.date > c);
                let roster = rosters.get(&number).cloned().unwrap_or_default();
                out.push(FamilyVisit {
                    id: s.id,
                    child: clients
                        .iter()
                        .find(|c| c.id == record.client)
                        .map(|c| c.data.first_name.clone())
                        .unwrap_or_default(),
                    provider: names
                        .iter()
                        .find(|o| o.id == record.provider)
                        .map(|o| o.name.clone())
                        .unwrap_or_default(),
                    workers: record
                        .visit
                        .workers
                        .iter()
                        .map(|w| {
                            roster
                                .iter()
                                .find(|(id, _)| id == w)
                                .map(|(_, n)| n.clone())
                                .unwrap_or_default()
                        })
                        .collect(),
                    open,
                    record,
                });
            }
            for c in &clients {
                let mut ev = event(Some(actor), AuditAction::List, RecordKind::Visit);
                ev.purpose = Purpose::ClientWork;
                ev.register_owner = Some(c.owner_id);
                ev.subject_id = Some(c.id);
                ev.details = format!(
                    "family visits: {} shown",
                    out.iter().filter(|v| v.record.client == c.id).count()
                );
                self.record(&mut tx, ev).await?;
            }
            Ok(out)
        }
        .await;
        self.finish(tx, r).await
    }

    /// Confirms or disputes a visit as the client or a guardian, signed in.
    pub async fn answer_visit(
        &self,
        actor: &Actor,
        visit: Uuid,
        confirm: bool,
        reason: &str,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let s = db::visit::get(&mut tx, visit).await?;
            let s = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Update,
                    RecordKind::Visit,
                    visit,
                    s,
                )
                .await?;
            let step = Step::new(
                Action::Decide,
                AuditAction::Update,
                RecordKind::Visit,
                Part::Answer,
            );
            let e = self
                .enter(&mut tx, actor, &s.record.commitment_number, step)
                .await?;
            target = Some(self.delivery_target(RecordKind::Visit, Some(visit), &e));
            self.answer(
                &mut tx,
                Some(actor),
                &e,
                visit,
                s.record,
                confirm,
                reason,
                ConfirmationWay::Account,
                &actor.display_name,
            )
            .await
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn answer(
        &self,
        tx: &mut Tx,
        actor: Option<&Actor>,
        e: &Engagement,
        visit: Uuid,
        mut rec: VisitRecord,
        confirm: bool,
        reason: &str,
        way: ConfirmationWay,
        by: &str,
    ) -> ServiceResult<()> {
        if rec.confirmation.state != ConfirmationState::Unconfirmed {
            return Err(invalid("visit", "visit-already-confirmed"));
        }
        if e.closed_until.is_some_and(|c| rec.visit.date <= c) {
            return Err(invalid("visit", "visit-period-closed"));
        }
        let reason = reason.trim();
        if !confirm && reason.is_empty() {
            return Err(invalid("reason", "dispute-reason-required"));
        }
        if reason.chars().count() > 1000 {
            return Err(invalid("reason", "too-long"));
        }
        rec.confirmation = Confirmation {
            state: if confirm {
                ConfirmationState::Confirmed
            } else {
                ConfirmationState::Disputed
            },
            way: Some(way),
            by: by.to_owned(),
            on: Some(self.today()),
            reason: reason.to_owned(),
            document: None,
        };
        // Only an unconfirmed visit changes: two answers at once cannot both count.
        if !db::visit::update_unconfirmed(
            tx,
            visit,
            &rec,
            self.now(),
            &Change::new(by, Reason::Answered).with_note(reason),
        )
        .await?
        {
            return Err(invalid("visit", "visit-already-confirmed"));
        }
        let t = self.delivery_target(RecordKind::Visit, Some(visit), e);
        self.log_delivery(
            tx,
            actor,
            AuditAction::Update,
            &t,
            format!(
                "visit {} {} ({:?})",
                rec.visit.date,
                rec.confirmation.state.code(),
                way
            ),
        )
        .await
    }

    /// Refuses a try from `from` while its address, or everyone together, has failed too often.
    async fn code_throttled(&self, from: &str, action: AuditAction) -> ServiceResult<()> {
        use crate::throttle::Kind;
        let (s, now) = (&self.settings.throttle, self.now());
        if self.throttle.blocked(s, Kind::CodeFromAddress, from, now)
            || self.throttle.blocked(s, Kind::CodeFromAll, "", now)
        {
            self.log_code_refusal(action, &FieldErrors::single("code", "too-many-tries"))
                .await?;
            return Err(ServiceError::Throttled);
        }
        Ok(())
    }

    /// Logs a refused code with its real reason, counts it against the address, and hands back
    /// one error whatever the reason: a guesser must not learn that a code exists but was used
    /// or has expired.
    async fn code_refused<T>(
        &self,
        r: ServiceResult<T>,
        from: &str,
        action: AuditAction,
    ) -> ServiceResult<T> {
        use crate::throttle::Kind;
        let Err(ServiceError::Invalid(f)) = &r else {
            return r;
        };
        self.log_code_refusal(action, f).await?;
        let code_refused = f.get("code").is_some();
        if !code_refused {
            return r;
        }
        let (s, now) = (&self.settings.throttle, self.now());
        self.throttle.failed(s, Kind::CodeFromAddress, from, now);
        self.throttle.failed(s, Kind::CodeFromAll, "", now);
        Err(invalid("code", "code-invalid"))
    }

    /// What a one-time code is for, before it is used. Unknown, used and expired codes get one
    /// message; every try is logged with its reason; wrong tries are limited per client address
    /// `from` and from everywhere together.
    pub async fn code_visit(&self, code: &str, from: &str) -> ServiceResult<CodeVisit> {
        self.code_throttled(from, AuditAction::Read).await?;
        let r = self.code_visit_checked(code).await;
        self.code_refused(r, from, AuditAction::Read).await
    }

    async fn code_visit_checked(&self, code: &str) -> ServiceResult<CodeVisit> {
        let mut tx = self.db.begin().await?;
        let r = async {
            let (s, _) = self.check_code(&mut tx, code).await?;
            let mut ev = event(None, AuditAction::Read, RecordKind::Visit);
            ev.purpose = Purpose::ClientWork;
            ev.record_id = Some(s.id);
            ev.register_owner = Some(s.record.purchaser);
            ev.subject_id = Some(s.record.client);
            ev.details = "visit shown for a one-time code".into();
            self.record(&mut tx, ev).await?;
            let names = db::organisation::list(&mut tx).await?;
            Ok(CodeVisit {
                provider: names
                    .iter()
                    .find(|o| o.id == s.record.provider)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                record: s.record,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    async fn check_code(
        &self,
        tx: &mut Tx,
        code: &str,
    ) -> ServiceResult<(db::visit::Stored, String)> {
        let normalized: String = code.chars().filter(char::is_ascii_digit).collect();
        if normalized.len() != 8 {
            return Err(invalid("code", "code-unknown"));
        }
        let hash = code_hash(&normalized);
        let Some(c) = db::visit::code(tx, &hash).await? else {
            return Err(invalid("code", "code-unknown"));
        };
        if c.used_at.is_some() {
            return Err(invalid("code", "code-used"));
        }
        if c.expires_at <= self.now() {
            return Err(invalid("code", "code-expired"));
        }
        let s = db::visit::get(tx, c.visit)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok((s, hash))
    }

    /// Confirms or disputes a visit with the one-time code the worker handed over; the code is
    /// then used up. `name` is who answers, as they typed it.
    pub async fn answer_with_code(
        &self,
        code: &str,
        confirm: bool,
        reason: &str,
        name: &str,
        from: &str,
    ) -> ServiceResult<()> {
        self.code_throttled(from, AuditAction::Update).await?;
        let r = self
            .answer_with_code_checked(code, confirm, reason, name)
            .await;
        self.code_refused(r, from, AuditAction::Update).await
    }

    async fn answer_with_code_checked(
        &self,
        code: &str,
        confirm: bool,
        reason: &str,
        name: &str,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let r = async {
            db::audit::lock_head(&mut tx).await?;
            let (s, hash) = self.check_code(&mut tx, code).await?;
            let name = name.trim();
            if name.is_empty() {
                return Err(invalid("name", "required"));
            }
            let e = self
                .engagement(&mut tx, &s.record.commitment_number)
                .await?;
            if !db::visit::use_code(&mut tx, &hash, self.now()).await? {
                return Err(invalid("code", "code-used"));
            }
            let by: String = name.chars().take(100).collect();
            self.answer(
                &mut tx,
                None,
                &e,
                s.id,
                s.record,
                confirm,
                reason,
                ConfirmationWay::Code,
                &by,
            )
            .await
        }
        .await;
        self.finish(tx, r).await
    }

    /// The provider uploads a report the family signed on paper and marks its visits
    /// paper-confirmed. Visits already answered are left as they are and named in the error.
    #[allow(clippy::too_many_arguments)]
    pub async fn paper_confirm(
        &self,
        actor: &Actor,
        number: &str,
        visits: &[Uuid],
        filename: &str,
        content_type: &str,
        bytes: Vec<u8>,
        signed_by: &str,
    ) -> ServiceResult<usize> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let step = Step::new(
                Action::Update,
                AuditAction::Update,
                RecordKind::Visit,
                Part::Visits,
            );
            let e = self.enter(&mut tx, actor, number, step).await?;
            target = Some(self.delivery_target(RecordKind::Visit, None, &e));
            let mut errs = FieldErrors::default();
            if bytes.is_empty() {
                errs.add("file", "file-required");
            }
            if visits.is_empty() {
                errs.add("visits", "visits-required");
            }
            let signed_by = signed_by.trim();
            if signed_by.is_empty() {
                errs.add("signed_by", "required");
            }
            if !errs.is_empty() {
                return Err(ServiceError::Invalid(errs));
            }
            let doc_id = Uuid::now_v7();
            let mut changed = Vec::new();
            for id in visits {
                let s = db::visit::get(&mut tx, *id)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                if s.record.commitment_number != e.commitment.number {
                    return Err(ServiceError::NotFound);
                }
                if e.closed_until.is_some_and(|c| s.record.visit.date <= c) {
                    return Err(invalid("visits", "visit-period-closed"));
                }
                if s.record.confirmation.state != ConfirmationState::Unconfirmed {
                    return Err(invalid("visits", "visit-already-confirmed"));
                }
                changed.push(s);
            }
            let sha = {
                use sha2::{Digest, Sha256};
                hex::encode(Sha256::digest(&bytes))
            };
            db::visit::insert_attachment(
                &mut tx,
                &db::visit::Attachment {
                    id: doc_id,
                    owner_id: e.purchaser,
                    parent_id: Some(e.commitment.client),
                    uploaded_by: actor.org_id,
                    filename: filename.chars().take(200).collect(),
                    content_type: content_type.chars().take(100).collect(),
                    sha256: sha,
                    bytes,
                },
                self.now(),
            )
            .await?;
            let n = changed.len();
            for mut s in changed {
                s.record.confirmation = Confirmation {
                    state: ConfirmationState::PaperConfirmed,
                    way: Some(ConfirmationWay::Paper),
                    by: signed_by.chars().take(100).collect(),
                    on: Some(self.today()),
                    reason: String::new(),
                    document: Some(doc_id),
                };
                if !db::visit::update_unconfirmed(
                    &mut tx,
                    s.id,
                    &s.record,
                    self.now(),
                    &Change::new(&actor.display_name, Reason::Answered),
                )
                .await?
                {
                    return Err(invalid("visits", "visit-already-confirmed"));
                }
                let t = self.delivery_target(RecordKind::Visit, Some(s.id), &e);
                self.log_delivery(
                    &mut tx,
                    Some(actor),
                    AuditAction::Update,
                    &t,
                    format!(
                        "visit {} paper_confirmed, document {doc_id}",
                        s.record.visit.date
                    ),
                )
                .await?;
            }
            Ok(n)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    /// Gives a client or guardian of the register an account of their own (local for now).
    pub async fn create_person_account(
        &self,
        actor: &Actor,
        person: Uuid,
        username: &str,
        password: &str,
    ) -> ServiceResult<Uuid> {
        let mut tx = self.db.begin().await?;
        let r = async {
            let Some(owner) = db::client::owner_of(&mut tx, person).await? else {
                let t = Target {
                    kind: RecordKind::User,
                    id: None,
                    owner: None,
                    subject: Some(person),
                };
                return Err(self.missing(&mut tx, actor, AuditAction::Create, &t).await);
            };
            let t = Target {
                kind: RecordKind::User,
                id: None,
                owner: Some(owner),
                subject: Some(person),
            };
            let tie = self.client_tie(&mut tx, actor, person).await?;
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
                    AuditAction::Create,
                    &t,
                )
                .await?;
            let c: Doc<Client> = db::client::get(&mut tx, &grant, person)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let username = username.trim().to_lowercase();
            let mut errs = FieldErrors::default();
            if username.len() < 3 || username.len() > 100 {
                errs.add("username", "username-format");
            } else if db::user::id_by_username(&mut tx, &username)
                .await?
                .is_some()
            {
                errs.add("username", "username-taken");
            }
            if password.chars().count() < 12 {
                errs.add("password", "password-too-short");
            }
            if !errs.is_empty() {
                return Err(ServiceError::Invalid(errs));
            }
            let id = Uuid::now_v7();
            let hash = crate::password::hash(password)?;
            db::user::insert(
                &mut tx,
                &db::user::NewUser {
                    id,
                    organisation_id: c.owner_id,
                    username: &username,
                    display_name: &c.data.name(),
                    email: "",
                    language: c.data.language,
                    password_hash: &hash,
                },
                self.now(),
            )
            .await?;
            db::user::set_person(&mut tx, id, person).await?;
            db::user::set_roles(
                &mut tx,
                id,
                &[Role::ClientOrGuardian],
                Some(actor.user_id),
                self.now(),
            )
            .await?;
            let t = Target { id: Some(id), ..t };
            let mut ev = self.ev(actor, AuditAction::Create, &t);
            ev.purpose = Purpose::ClientWork;
            ev.details = format!("account {username} for a client or guardian");
            self.record(&mut tx, ev).await?;
            Ok(id)
        }
        .await;
        self.finish(tx, r).await
    }
}

fn code_hash(code: &str) -> String {
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    sha256_hex(&format!("kumppani-visit-code:{digits}"))
}
