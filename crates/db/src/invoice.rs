//! Purchase invoices and the files they came in. An invoice is a document (`doc::Table::Invoices`)
//! with the seller's columns beside it: the provider, for a provider's own list filtered in the
//! query, and the seller's business ID with the invoice number, which a unique index keeps to one
//! invoice each.

use crate::doc::{self, Doc, Table};
use crate::{on_tx, DbError, Result, Tx};
use chrono::{DateTime, Utc};
use domain::invoice::ReceivedInvoice;
use uuid::Uuid;

const COLUMNS: &str = "id, owner_id, parent_id, status, data, created_at, updated_at";

/// A received file, stored once.
pub struct File<'a> {
    pub id: Uuid,
    pub sha256: &'a str,
    pub name: &'a str,
    pub bytes: &'a [u8],
    pub redacted: bool,
    pub received_at: DateTime<Utc>,
}

pub async fn insert_file(tx: &mut Tx, f: &File<'_>) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO invoice_files (id, sha256, name, bytes, redacted, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(f.id)
        .bind(f.sha256)
        .bind(f.name)
        .bind(f.bytes)
        .bind(f.redacted)
        .bind(f.received_at)
        .execute(c)
        .await?;
    });
    Ok(())
}

/// The bytes of a kept file.
pub async fn file_bytes(tx: &mut Tx, id: Uuid) -> Result<Option<Vec<u8>>> {
    Ok(on_tx!(tx, c => {
        sqlx::query_scalar("SELECT bytes FROM invoice_files WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await?
    }))
}

/// The invoice this seller already sent with this number, if any.
pub async fn by_seller_number(
    tx: &mut Tx,
    seller_business_id: &str,
    number: &str,
) -> Result<Option<Doc<ReceivedInvoice>>> {
    let (seller, key) = ReceivedInvoice::duplicate_key(seller_business_id, number);
    let id: Option<Uuid> = on_tx!(tx, c => {
        sqlx::query_scalar("SELECT id FROM invoices WHERE seller_business_id = $1 AND number_key = $2")
            .bind(&seller)
            .bind(&key)
            .fetch_optional(c)
            .await?
    });
    match id {
        Some(id) => doc::get(tx, Table::Invoices, id).await,
        None => Ok(None),
    }
}

/// Stores a received invoice. `Ok(false)` when the seller already has an invoice with this
/// number (the unique index decides, so two copies sent at once still make one invoice).
pub async fn insert(
    tx: &mut Tx,
    id: Uuid,
    owner_id: Uuid,
    parent_id: Option<Uuid>,
    inv: &ReceivedInvoice,
    now: DateTime<Utc>,
) -> Result<bool> {
    let json = serde_json::to_string(inv).map_err(|e| DbError::Corrupt {
        what: "invoices",
        value: e.to_string(),
    })?;
    let (seller, key) = ReceivedInvoice::duplicate_key(&inv.seller_business_id, &inv.number);
    let sql = format!(
        "INSERT INTO invoices ({COLUMNS}, provider_id, seller_business_id, number_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9)"
    );
    let r = on_tx!(tx, c => {
        sqlx::query(&sql)
            .bind(id)
            .bind(owner_id)
            .bind(parent_id)
            .bind(inv.status.code())
            .bind(&json)
            .bind(now)
            .bind(inv.provider)
            .bind(&seller)
            .bind(&key)
            .execute(c)
            .await
            .map(|done| done.rows_affected())
    });
    match r.map_err(DbError::from) {
        Ok(_) => Ok(true),
        Err(e) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e),
    }
}

/// The invoices a provider sent, newest first.
pub async fn of_provider(tx: &mut Tx, provider: Uuid) -> Result<Vec<Doc<ReceivedInvoice>>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM invoices WHERE provider_id = $1 ORDER BY created_at DESC, id"
    );
    doc::query(tx, Table::Invoices, &sql, provider).await
}

/// The invoices a purchaser received, newest first.
pub async fn of_purchaser(tx: &mut Tx, purchaser: Uuid) -> Result<Vec<Doc<ReceivedInvoice>>> {
    let sql =
        format!("SELECT {COLUMNS} FROM invoices WHERE owner_id = $1 ORDER BY created_at DESC, id");
    doc::query(tx, Table::Invoices, &sql, purchaser).await
}
