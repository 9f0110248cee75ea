//! API keys for a provider's own systems (`domain::api_key`): kept by the provider's
//! administrator, shown once, stored as a hash; a call with a key acts as the provider's worker
//! would within the key's operations, and is logged with the key as its actor.

use crate::gate::Target;
use crate::password::{random_token, sha256_hex};
use crate::{Service, ServiceError, ServiceResult};
use db::api_key::ApiKey;
use domain::access::{Action, Resource};
use domain::api_key::ApiKeyForm;
use domain::audit::{AuditAction, RecordKind};
use domain::org::{Actor, Role};
use uuid::Uuid;

/// The prefix that tells a key from other bearer tokens, and a person reading a config file
/// what it is.
pub const KEY_PREFIX: &str = "kpk_";

/// A new key: its record, and the secret, which is shown this once and never again.
pub struct NewKey {
    pub key: ApiKey,
    pub secret: String,
}

fn target(org: Uuid, id: Option<Uuid>) -> Target {
    Target {
        kind: RecordKind::ApiKey,
        id,
        owner: Some(org),
        subject: None,
    }
}

impl Service {
    /// The keys of the actor's organisation.
    pub async fn api_keys(&self, actor: &Actor) -> ServiceResult<Vec<ApiKey>> {
        let t = target(actor.org_id, None);
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let res = Resource::ApiKeys {
                org_id: actor.org_id,
            };
            self.authorize(&mut tx, actor, Action::List, res, AuditAction::List, &t)
                .await?;
            let keys = db::api_key::list_for(&mut tx, actor.org_id).await?;
            let mut ev = self.ev(actor, AuditAction::List, &t);
            ev.details = format!("{} API keys shown", keys.len());
            self.record(&mut tx, ev).await?;
            Ok(keys)
        }
        .await;
        self.finish(tx, r).await
    }

    /// Creates a key; the secret comes back once.
    pub async fn create_api_key(&self, actor: &Actor, form: &ApiKeyForm) -> ServiceResult<NewKey> {
        let id = Uuid::now_v7();
        let t = target(actor.org_id, Some(id));
        let mut tx = self.db.begin().await?;
        let r = async {
            let res = Resource::ApiKeys {
                org_id: actor.org_id,
            };
            self.authorize(&mut tx, actor, Action::Create, res, AuditAction::Create, &t)
                .await?;
            let data = form.validate().map_err(ServiceError::Invalid)?;
            let secret = format!("{KEY_PREFIX}{}", random_token()?);
            let key = ApiKey {
                id,
                org_id: actor.org_id,
                name: data.name,
                operations: data.operations,
                created_by: actor.user_id,
                created_at: self.now(),
                expires_at: self.now() + chrono::Duration::days(data.valid_days),
                revoked_at: None,
                last_used_at: None,
            };
            db::api_key::insert(&mut tx, &key, &sha256_hex(&secret)).await?;
            let mut ev = self.ev(actor, AuditAction::Create, &t);
            ev.details = format!(
                "API key {:?} for {} until {}",
                key.name,
                key.operations
                    .iter()
                    .map(|o| o.code())
                    .collect::<Vec<_>>()
                    .join(", "),
                key.expires_at.date_naive()
            );
            self.record(&mut tx, ev).await?;
            Ok(NewKey { key, secret })
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    /// Revokes a key at once: calls with it are refused from now on.
    pub async fn revoke_api_key(&self, actor: &Actor, id: Uuid) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let r = async {
            let k = db::api_key::get(&mut tx, id).await?;
            let k = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Deactivate,
                    RecordKind::ApiKey,
                    id,
                    k,
                )
                .await?;
            let t = target(k.org_id, Some(id));
            let res = Resource::ApiKeys { org_id: k.org_id };
            self.authorize(
                &mut tx,
                actor,
                Action::Deactivate,
                res,
                AuditAction::Deactivate,
                &t,
            )
            .await?;
            db::api_key::revoke(&mut tx, id, self.now()).await?;
            let mut ev = self.ev(actor, AuditAction::Deactivate, &t);
            ev.details = format!("API key {:?} revoked", k.name);
            self.record(&mut tx, ev).await?;
            Ok(())
        }
        .await;
        self.finish(tx, r).await
    }

    /// The actor behind a key sent as a bearer token, if the key is known, not revoked, not
    /// expired, and its organisation is active.
    pub async fn key_actor(&self, secret: &str) -> ServiceResult<Option<Actor>> {
        if !secret.starts_with(KEY_PREFIX) {
            return Ok(None);
        }
        let now = self.now();
        let mut tx = self.db.begin_read().await?;
        let k = db::api_key::by_secret(&mut tx, &sha256_hex(secret)).await?;
        let org = match &k {
            Some(k) => db::organisation::get(&mut tx, k.org_id).await?,
            None => None,
        };
        tx.rollback().await?;
        let (Some(k), Some(org)) = (k, org) else {
            return Ok(None);
        };
        if k.revoked_at.is_some() || k.expires_at <= now || !org.active {
            return Ok(None);
        }
        // When it was last used helps the administrator find keys no system uses any more;
        // written at most once a minute.
        if k.last_used_at.is_none_or(|t| (now - t).num_seconds() >= 60) {
            let mut tx = self.db.begin().await?;
            db::api_key::used(&mut tx, k.id, now).await?;
            tx.commit().await?;
        }
        Ok(Some(Actor {
            user_id: k.id,
            username: format!("api-key:{}", k.name),
            display_name: k.name,
            org_id: org.id,
            org_kind: org.kind,
            roles: vec![Role::Worker],
            person: None,
            key: Some(k.operations),
            team: String::new(),
            unit: None,
        }))
    }
}
