//! Sessions live in the database so that any instance behind a load balancer can serve any
//! request. Only a hash of the session token is stored: a copy of the table signs no one in.

use crate::{on_tx, Result, Tx};
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user_id: Uuid,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert(
    tx: &mut Tx,
    token_hash: &str,
    user_id: Uuid,
    csrf_token: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(now)
        .bind(expires_at)
        .execute(c)
        .await?;
    });
    Ok(())
}

pub async fn get(tx: &mut Tx, token_hash: &str) -> Result<Option<SessionRow>> {
    on_tx!(tx, c => {
        match sqlx::query("SELECT user_id, csrf_token, created_at, expires_at FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(c)
            .await?
        {
            Some(r) => Ok(Some(SessionRow {
                user_id: r.try_get("user_id")?,
                csrf_token: r.try_get("csrf_token")?,
                created_at: r.try_get("created_at")?,
                expires_at: r.try_get("expires_at")?,
            })),
            None => Ok(None),
        }
    })
}

/// Slides the idle expiry forward.
pub async fn touch(
    tx: &mut Tx,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(now)
            .bind(expires_at)
            .execute(c)
            .await?;
    });
    Ok(())
}

pub async fn delete(tx: &mut Tx, token_hash: &str) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(c)
            .await?;
    });
    Ok(())
}

/// Ends every session of a user, e.g. when the account is deactivated.
pub async fn delete_for_user(tx: &mut Tx, user_id: Uuid) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(c)
            .await?;
    });
    Ok(())
}

pub async fn delete_expired(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64> {
    Ok(on_tx!(tx, c => {
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(c)
            .await?
            .rows_affected()
    }))
}
