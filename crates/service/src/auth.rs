//! Signing in and out, and resolving the actor of a request from its session.

use crate::password::{self, random_token, sha256_hex};
use crate::{Service, ServiceError, ServiceResult};
use db::{organisation, session, user};
use domain::audit::{AuditAction, AuditEvent, Outcome, Purpose, RecordKind};
use domain::locale::Lang;
use domain::org::Actor;

/// A signed-in session as a request sees it.
#[derive(Debug, Clone)]
pub struct Session {
    pub actor: Actor,
    pub language: Lang,
    pub csrf_token: String,
}

/// What signing in hands back: the cookie value, never stored in clear.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub session: Session,
}

pub(crate) fn event(actor: Option<&Actor>, action: AuditAction, kind: RecordKind) -> AuditEvent {
    AuditEvent {
        actor_id: actor.map(|a| a.user_id),
        actor_name: actor.map(|a| a.username.clone()).unwrap_or_default(),
        actor_org: actor.map(|a| a.org_id),
        actor_unit: None,
        action,
        outcome: Outcome::Ok,
        record_kind: kind,
        record_id: None,
        register_owner: None,
        subject_id: None,
        subjects: Vec::new(),
        purpose: Purpose::Administration,
        details: String::new(),
        via_api_key: actor.is_some_and(|a| a.key.is_some()),
        exception: String::new(),
    }
}

impl Service {
    /// Signs in with a local account. Every failure gives the same error and takes about as long;
    /// after `lockout_after` failures in a row the account is locked for `lockout_for`, during
    /// which even the right password fails. Each attempt is in the access log.
    pub async fn sign_in(&self, username: &str, password: &str) -> ServiceResult<NewSession> {
        self.sign_in_from(username, password, "").await
    }

    /// As [`Service::sign_in`], from the client address `from`: an address that has failed too
    /// often in a while is refused whatever it sends, with the same error.
    pub async fn sign_in_from(
        &self,
        username: &str,
        password: &str,
        from: &str,
    ) -> ServiceResult<NewSession> {
        use crate::throttle::Kind;
        let (limits, now) = (&self.settings.throttle, self.now());
        if self
            .throttle
            .blocked(limits, Kind::SignInFromAddress, from, now)
        {
            let mut tx = self.db.begin().await?;
            let mut ev = event(None, AuditAction::SignIn, RecordKind::Session);
            ev.purpose = Purpose::Authentication;
            ev.outcome = Outcome::Failed;
            ev.actor_name = domain::ident::mask_identity_codes(
                &username
                    .trim()
                    .to_lowercase()
                    .chars()
                    .take(64)
                    .collect::<String>(),
            );
            ev.details = "too many failed sign-ins from this address".into();
            self.record_at(&mut tx, ev, now).await?;
            tx.commit().await?;
            return Err(ServiceError::SignInFailed);
        }
        let r = self.sign_in_checked(username, password).await;
        if matches!(r, Err(ServiceError::SignInFailed)) {
            self.throttle
                .failed(limits, Kind::SignInFromAddress, from, now);
        }
        r
    }

    async fn sign_in_checked(&self, username: &str, password: &str) -> ServiceResult<NewSession> {
        let username = username.trim().to_lowercase();
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let creds = user::credentials(&mut tx, &username).await?;
        let ok_password = password::verify(
            password,
            creds
                .as_ref()
                .map(|c| c.password_hash.as_str())
                .unwrap_or_else(|| password::dummy_hash()),
        );
        let mut ev = event(None, AuditAction::SignIn, RecordKind::Session);
        ev.purpose = Purpose::Authentication;
        // The name as typed, cut short and with anything shaped like an identity code masked: a
        // person may type their password or their identity code into the wrong field.
        ev.actor_name =
            domain::ident::mask_identity_codes(&username.chars().take(64).collect::<String>());
        let Some(creds) = creds else {
            ev.outcome = Outcome::Failed;
            ev.details = "unknown user".into();
            self.record_at(&mut tx, ev, now).await?;
            tx.commit().await?;
            return Err(ServiceError::SignInFailed);
        };
        ev.actor_id = Some(creds.user_id);
        ev.actor_org = Some(creds.organisation_id);
        ev.subject_id = Some(creds.user_id);
        ev.register_owner = Some(creds.organisation_id);
        let locked = creds.locked_until.is_some_and(|t| t > now);
        let org_active = organisation::get(&mut tx, creds.organisation_id)
            .await?
            .is_some_and(|o| o.active);
        if !ok_password || locked || !creds.active || !org_active {
            ev.outcome = Outcome::Failed;
            ev.details = if locked {
                "account locked".into()
            } else if !creds.active || !org_active {
                "account deactivated".into()
            } else {
                "wrong password".into()
            };
            // Failures during a lock are not counted: they would extend it, and anyone who
            // knows a user name could keep that account locked for good. After a lock has run
            // out the count starts again from nothing.
            if !ok_password && !locked {
                let before = if creds.locked_until.is_some() {
                    0
                } else {
                    creds.failed_sign_ins
                };
                let failures = before + 1;
                let lock = (failures >= self.settings.lockout_after)
                    .then(|| now + self.settings.lockout_for);
                if lock.is_some() {
                    ev.details.push_str("; account now locked");
                }
                user::record_failure(&mut tx, creds.user_id, failures, lock).await?;
            }
            self.record_at(&mut tx, ev, now).await?;
            tx.commit().await?;
            return Err(ServiceError::SignInFailed);
        }
        user::reset_failures(&mut tx, creds.user_id).await?;
        // A new token at every sign-in: a session id planted before sign-in is worth nothing.
        let token = random_token()?;
        let csrf = random_token()?;
        let expires = now + self.settings.session_idle;
        session::insert(
            &mut tx,
            &sha256_hex(&token),
            creds.user_id,
            &csrf,
            now,
            expires,
        )
        .await?;
        let Some(s) = self.load_session(&mut tx, creds.user_id, csrf).await? else {
            tx.rollback().await?;
            return Err(ServiceError::SignInFailed);
        };
        ev.actor_name = s.actor.username.clone();
        self.record_at(&mut tx, ev, now).await?;
        tx.commit().await?;
        Ok(NewSession { token, session: s })
    }

    async fn load_session(
        &self,
        tx: &mut db::Tx,
        user_id: uuid::Uuid,
        csrf_token: String,
    ) -> ServiceResult<Option<Session>> {
        let Some(u) = user::get(tx, user_id).await? else {
            return Ok(None);
        };
        let Some(org) = organisation::get(tx, u.organisation_id).await? else {
            return Ok(None);
        };
        if !u.active || !org.active {
            return Ok(None);
        }
        Ok(Some(session_of(u, org.kind, csrf_token)))
    }

    /// The session behind a cookie token, if it is still valid; slides its idle expiry. The
    /// lookup only reads; the expiry is written only when it moves by a minute or more, so that
    /// a busy session does not turn every request into a write.
    pub async fn session(&self, token: &str) -> ServiceResult<Option<Session>> {
        const TOUCH_STEP: i64 = 60;
        let now = self.now();
        let hash = sha256_hex(token);
        // One statement, no transaction: every request asks this before anything else.
        let Some(found) = user::by_session(&self.db, &hash).await? else {
            return Ok(None);
        };
        let row = found.session;
        let expired = row.expires_at <= now || row.created_at + self.settings.session_max <= now;
        let s = if expired || !found.user.active || !found.org_active {
            None
        } else {
            Some(session_of(found.user, found.org_kind, row.csrf_token))
        };
        let expires = now + self.settings.session_idle;
        if s.is_none() {
            let mut tx = self.db.begin().await?;
            session::delete(&mut tx, &hash).await?;
            tx.commit().await?;
        } else if (expires - row.expires_at).num_seconds() >= TOUCH_STEP {
            let mut tx = self.db.begin().await?;
            session::touch(&mut tx, &hash, now, expires).await?;
            tx.commit().await?;
        }
        Ok(s)
    }

    pub async fn sign_out(&self, token: &str) -> ServiceResult<()> {
        let now = self.now();
        let hash = sha256_hex(token);
        let mut tx = self.db.begin().await?;
        if let Some(row) = session::get(&mut tx, &hash).await? {
            session::delete(&mut tx, &hash).await?;
            if let Some(u) = user::get(&mut tx, row.user_id).await? {
                let mut ev = event(None, AuditAction::SignOut, RecordKind::Session);
                ev.purpose = Purpose::Authentication;
                ev.actor_id = Some(u.id);
                ev.actor_name = u.username;
                ev.actor_org = Some(u.organisation_id);
                ev.subject_id = Some(u.id);
                ev.register_owner = Some(u.organisation_id);
                self.record_at(&mut tx, ev, now).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Remembers the actor's language choice.
    pub async fn set_language(&self, actor: &Actor, lang: Lang) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        user::set_language(&mut tx, actor.user_id, lang).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes sessions past their expiry; run now and then.
    pub async fn purge_sessions(&self) -> ServiceResult<u64> {
        let mut tx = self.db.begin().await?;
        let n = session::delete_expired(&mut tx, self.now()).await?;
        tx.commit().await?;
        Ok(n)
    }
}

/// The session of an active user of an active organisation: the user acts as themselves.
fn session_of(u: domain::org::User, org_kind: domain::org::OrgKind, csrf_token: String) -> Session {
    Session {
        actor: Actor {
            user_id: u.id,
            username: u.username,
            display_name: u.display_name,
            org_id: u.organisation_id,
            org_kind,
            roles: u.roles,
            person: u.person_id,
            key: None,
            team: u.team,
            unit: u.unit,
        },
        language: u.language,
        csrf_token,
    }
}
