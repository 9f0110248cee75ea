//! API keys of providers' own systems: the SHA-256 of the secret, never the secret.

use crate::{on_tx, Result, Tx};
use chrono::{DateTime, Utc};
use domain::api_key::Operation;
use sqlx::Row;
use uuid::Uuid;

/// A key as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub operations: Vec<Operation>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str =
    "id, org_id, name, operations, created_by, created_at, expires_at, revoked_at, last_used_at";

fn ops_text(ops: &[Operation]) -> String {
    ops.iter().map(|o| o.code()).collect::<Vec<_>>().join(" ")
}

macro_rules! map_key {
    ($r:expr) => {{
        let r = $r;
        let ops: String = r.try_get("operations")?;
        Ok::<_, crate::DbError>(ApiKey {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            name: r.try_get("name")?,
            operations: ops
                .split_whitespace()
                .filter_map(Operation::parse)
                .collect(),
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
            expires_at: r.try_get("expires_at")?,
            revoked_at: r.try_get("revoked_at")?,
            last_used_at: r.try_get("last_used_at")?,
        })
    }};
}

pub async fn insert(tx: &mut Tx, k: &ApiKey, secret_hash: &str) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO api_keys (id, org_id, name, secret_hash, operations, created_by, created_at, \
             expires_at, revoked_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL)",
        )
        .bind(k.id)
        .bind(k.org_id)
        .bind(&k.name)
        .bind(secret_hash)
        .bind(ops_text(&k.operations))
        .bind(k.created_by)
        .bind(k.created_at)
        .bind(k.expires_at)
        .execute(c)
        .await?;
    });
    Ok(())
}

/// The key whose secret hashes to this.
pub async fn by_secret(tx: &mut Tx, secret_hash: &str) -> Result<Option<ApiKey>> {
    let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE secret_hash = $1");
    on_tx!(tx, c => {
        match sqlx::query(&sql).bind(secret_hash).fetch_optional(c).await? {
            Some(r) => Ok(Some(map_key!(r)?)),
            None => Ok(None),
        }
    })
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<ApiKey>> {
    let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE id = $1");
    on_tx!(tx, c => {
        match sqlx::query(&sql).bind(id).fetch_optional(c).await? {
            Some(r) => Ok(Some(map_key!(r)?)),
            None => Ok(None),
        }
    })
}

/// An organisation's keys, newest first.
pub async fn list_for(tx: &mut Tx, org_id: Uuid) -> Result<Vec<ApiKey>> {
    let sql =
        format!("SELECT {COLUMNS} FROM api_keys WHERE org_id = $1 ORDER BY created_at DESC, id");
    on_tx!(tx, c => {
        sqlx::query(&sql)
            .bind(org_id)
            .fetch_all(c)
            .await?
            .into_iter()
            .map(|r| map_key!(r))
            .collect()
    })
}

pub async fn revoke(tx: &mut Tx, id: Uuid, now: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, c => {
        sqlx::query("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id)
            .bind(now)
            .execute(c)
            .await?
            .rows_affected()
    });
    Ok(n == 1)
}

pub async fn used(tx: &mut Tx, id: Uuid, now: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(c)
            .await?;
    });
    Ok(())
}
