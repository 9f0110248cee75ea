//! The client register: client documents with the identity code in a column of its own, found
//! only by exact match and never read back into a document.

use crate::doc::{self, Doc, Table};
use crate::{on_tx, DbError, Result, Tx};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

pub async fn insert<T: Serialize>(
    tx: &mut Tx,
    id: Uuid,
    owner_id: Uuid,
    identity_code: &str,
    data: &T,
    now: DateTime<Utc>,
) -> Result<()> {
    let json = serde_json::to_string(data).map_err(|e| DbError::Corrupt {
        what: "clients",
        value: e.to_string(),
    })?;
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO clients (id, owner_id, parent_id, status, identity_code, data, created_at, updated_at) \
             VALUES ($1, $2, NULL, 'active', $3, $4, $5, $5)",
        )
        .bind(id)
        .bind(owner_id)
        .bind(identity_code)
        .bind(&json)
        .bind(now)
        .execute(c)
        .await?;
    });
    Ok(())
}

/// The client of `owner_id` with exactly this identity code.
pub async fn by_identity_code<T: serde::de::DeserializeOwned>(
    tx: &mut Tx,
    owner_id: Uuid,
    identity_code: &str,
) -> Result<Option<Doc<T>>> {
    let id: Option<Uuid> = on_tx!(tx, c => {
        sqlx::query_scalar("SELECT id FROM clients WHERE owner_id = $1 AND identity_code = $2")
            .bind(owner_id)
            .bind(identity_code)
            .fetch_optional(c)
            .await?
    });
    match id {
        Some(id) => doc::get(tx, Table::Clients, id).await,
        None => Ok(None),
    }
}

/// Every identity code the register of `owner_id` holds, by client id: for the checks that look
/// for a code where it must not be (the route walk of the tests), never for a page.
pub async fn identity_codes(tx: &mut Tx, owner_id: Uuid) -> Result<Vec<(Uuid, String)>> {
    Ok(on_tx!(tx, c => {
        sqlx::query_as("SELECT id, identity_code FROM clients WHERE owner_id = $1")
            .bind(owner_id)
            .fetch_all(c)
            .await?
    }))
}

/// Next commitment serial for a year, counted in the same transaction as the commitment. The
/// serial runs over all purchasers (each keeps its own row, the next is one past the highest),
/// so that a number names one commitment: providers send visits by number.
pub async fn next_commitment_serial(tx: &mut Tx, owner_id: Uuid, year: i32) -> Result<u32> {
    let y = i64::from(year);
    let last: i64 = on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO commitment_serials (owner_id, year, last) VALUES ($1, $2, 0) \
             ON CONFLICT (owner_id, year) DO NOTHING",
        )
        .bind(owner_id)
        .bind(y)
        .execute(&mut *c)
        .await?;
        sqlx::query_scalar(
            "UPDATE commitment_serials SET last = (SELECT MAX(s.last) FROM commitment_serials s \
             WHERE s.year = $2) + 1 WHERE owner_id = $1 AND year = $2 RETURNING last",
        )
        .bind(owner_id)
        .bind(y)
        .fetch_one(&mut *c)
        .await?
    });
    u32::try_from(last).map_err(|_| DbError::Corrupt {
        what: "commitment serial",
        value: last.to_string(),
    })
}

/// Keeps the commitment's number and provider in columns of their own, so that visits sent by
/// number find their commitment and a provider's list is filtered in the query, without reading
/// every document.
pub async fn set_commitment_keys(
    tx: &mut Tx,
    id: Uuid,
    number: &str,
    provider: Uuid,
) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE commitments SET number = $1, provider_id = $2 WHERE id = $3")
            .bind(number)
            .bind(provider)
            .bind(id)
            .execute(c)
            .await?;
    });
    Ok(())
}

/// Whose commitments a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitmentScope {
    /// Those a purchaser sent.
    Purchaser(Uuid),
    /// Those sent to a provider.
    Provider(Uuid),
}

/// Every version of the commitments in `scope`, oldest first.
pub async fn commitments_in<T: serde::de::DeserializeOwned>(
    tx: &mut Tx,
    scope: CommitmentScope,
) -> Result<Vec<Doc<T>>> {
    let (sql, org) = match scope {
        CommitmentScope::Purchaser(o) => (
            "SELECT id, owner_id, parent_id, status, data, created_at, updated_at FROM commitments \
             WHERE owner_id = $1 ORDER BY created_at, id",
            o,
        ),
        CommitmentScope::Provider(o) => (
            "SELECT id, owner_id, parent_id, status, data, created_at, updated_at FROM commitments \
             WHERE provider_id = $1 ORDER BY created_at, id",
            o,
        ),
    };
    crate::doc::query(tx, Table::Commitments, sql, org).await
}

/// Every version of the commitments with these numbers, in one query per 500 numbers (a bulk
/// request names thousands).
pub async fn commitments_by_numbers<T: serde::de::DeserializeOwned>(
    tx: &mut Tx,
    numbers: &[&str],
) -> Result<Vec<Doc<T>>> {
    let mut out = Vec::new();
    for chunk in numbers.chunks(500) {
        out.extend(
            crate::doc::query_in(
                tx,
                Table::Commitments,
                "SELECT id, owner_id, parent_id, status, data, created_at, updated_at \
                 FROM commitments WHERE number IN (",
                chunk,
            )
            .await?,
        );
    }
    Ok(out)
}
