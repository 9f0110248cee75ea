//! The personal codes of register entries: only their hashes, one per entry, so that a
//! person's code finds their entry without reading every register.

use crate::{on_tx, Result, Tx};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Sets the entry's code, replacing any earlier one.
pub async fn set_code(tx: &mut Tx, entry: Uuid, hash: &str, now: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("DELETE FROM register_codes WHERE entry_id = $1")
            .bind(entry)
            .execute(&mut *c)
            .await?;
        sqlx::query("INSERT INTO register_codes (code_hash, entry_id, created_at) VALUES ($1, $2, $3)")
            .bind(hash)
            .bind(entry)
            .bind(now)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

/// The entry a code hash belongs to.
pub async fn entry_of(tx: &mut Tx, hash: &str) -> Result<Option<Uuid>> {
    Ok(on_tx!(tx, c => {
        sqlx::query_scalar("SELECT entry_id FROM register_codes WHERE code_hash = $1")
            .bind(hash)
            .fetch_optional(c)
            .await?
    }))
}

/// Removes an entry's code: its consent was withdrawn, so it has nothing left to show.
pub async fn remove_code(tx: &mut Tx, entry: Uuid) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("DELETE FROM register_codes WHERE entry_id = $1")
            .bind(entry)
            .execute(c)
            .await?;
    });
    Ok(())
}
