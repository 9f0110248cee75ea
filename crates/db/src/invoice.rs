//! Purchase invoices and the files they came in. An invoice is a document (`doc::Table::Invoices`)
//! with the seller's columns beside it: the provider, for a provider's own list filtered in the
//! query, and the seller's business ID with the invoice number, which a unique index keeps to one
//! invoice each.

use crate::doc::{self, Doc, Table};
use crate::{on_tx, DbError, Result, Tx};
use chrono::{DateTime, Utc};
use domain::invoice::ReceivedInvoice;
use sqlx::Row;
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
    /// The refusal's code, for a file that became no invoice.
    pub refusal: Option<&'a str>,
    /// The organisation that sent it; none for the operator's drop folder.
    pub sender_org_id: Option<Uuid>,
}

pub async fn insert_file(tx: &mut Tx, f: &File<'_>) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO invoice_files \
             (id, sha256, name, bytes, redacted, received_at, refusal, sender_org_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(f.id)
        .bind(f.sha256)
        .bind(f.name)
        .bind(f.bytes)
        .bind(f.redacted)
        .bind(f.received_at)
        .bind(f.refusal)
        .bind(f.sender_org_id)
        .execute(c)
        .await?;
    });
    Ok(())
}

/// A refused file as a list shows it, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedFile {
    pub id: Uuid,
    pub name: String,
    pub sha256: String,
    pub size: i64,
    pub refusal: String,
    pub received_at: DateTime<Utc>,
}

/// The files an organisation sent that were refused, newest first, at most `limit`.
pub async fn refused_of_sender(tx: &mut Tx, sender: Uuid, limit: i64) -> Result<Vec<RefusedFile>> {
    let rows = on_tx!(tx, c => {
        sqlx::query(
            "SELECT id, name, sha256, CAST(LENGTH(bytes) AS BIGINT) AS size, refusal, received_at \
             FROM invoice_files WHERE sender_org_id = $1 AND refusal IS NOT NULL \
             ORDER BY received_at DESC, id DESC LIMIT $2",
        )
        .bind(sender)
        .bind(limit)
        .fetch_all(c)
        .await?
        .into_iter()
        .map(|r| -> std::result::Result<RefusedFile, sqlx::Error> {
            Ok(RefusedFile {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                sha256: r.try_get("sha256")?,
                size: r.try_get("size")?,
                refusal: r.try_get("refusal")?,
                received_at: r.try_get("received_at")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?
    });
    Ok(rows)
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

/// Which of these (seller business ID, number) pairs were already sent, as
/// [`ReceivedInvoice::duplicate_key`] writes them: the duplicate rule for a whole batch at once.
pub async fn sent_already(
    tx: &mut Tx,
    keys: &[(String, String)],
) -> Result<std::collections::HashSet<(String, String)>> {
    let mut out = std::collections::HashSet::new();
    for chunk in keys.chunks(1000) {
        on_tx!(tx, c => {
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT seller_business_id, number_key FROM invoices WHERE number_key IN (",
            );
            let mut sep = qb.separated(", ");
            for (_, key) in chunk {
                sep.push_bind(key);
            }
            qb.push(")");
            let rows: Vec<(String, String)> = qb.build_query_as().fetch_all(c).await?;
            out.extend(rows.into_iter().filter(|k| chunk.contains(k)));
        });
    }
    Ok(out)
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
        Ok(_) => {}
        Err(e) if e.is_unique_violation() => return Ok(false),
        Err(e) => return Err(e),
    }
    let mut numbers: Vec<&str> = inv
        .commitment_numbers
        .iter()
        .map(String::as_str)
        .chain(inv.lines.iter().filter_map(|l| l.commitment.as_deref()))
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    // One statement per thousand numbers (two parameters each), under both databases' limits.
    for chunk in numbers.chunks(1000) {
        on_tx!(tx, c => {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO invoice_commitments (invoice_id, commitment_number) ",
            );
            qb.push_values(chunk, |mut b, n| {
                b.push_bind(id).push_bind(*n);
            });
            qb.build().execute(c).await?;
        });
    }
    Ok(true)
}

/// The invoices that bill any of these commitments, oldest first.
pub async fn billing(tx: &mut Tx, numbers: &[&str]) -> Result<Vec<Doc<ReceivedInvoice>>> {
    let prefix = format!(
        "SELECT {COLUMNS} FROM invoices WHERE id IN \
         (SELECT invoice_id FROM invoice_commitments WHERE commitment_number IN ("
    );
    let mut v: Vec<Doc<ReceivedInvoice>> =
        doc::query_in_nested(tx, Table::Invoices, &prefix, numbers).await?;
    v.sort_by_key(|d| (d.created_at, d.id));
    Ok(v)
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

/// An export to accounts payable, without its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub number: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub invoices: i64,
    pub total_cents: i64,
}

/// The purchaser's next export number.
pub async fn next_export_number(tx: &mut Tx, owner: Uuid) -> Result<i64> {
    let n: Option<i64> = on_tx!(tx, c => {
        sqlx::query_scalar("SELECT MAX(number) FROM invoice_exports WHERE owner_id = $1")
            .bind(owner)
            .fetch_one(c)
            .await?
    });
    Ok(n.unwrap_or(0) + 1)
}

/// Stores an export with its file. The unique index on the purchaser and number keeps two
/// exports made at once from taking the same number (the second fails and is rolled back).
pub async fn insert_export(tx: &mut Tx, e: &Export, csv: &str) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO invoice_exports (id, owner_id, number, created_at, created_by, invoices, total_cents, csv) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(e.id)
        .bind(e.owner_id)
        .bind(e.number)
        .bind(e.created_at)
        .bind(e.created_by)
        .bind(e.invoices)
        .bind(e.total_cents)
        .bind(csv)
        .execute(c)
        .await?;
    });
    Ok(())
}

const EXPORT_COLUMNS: &str = "id, owner_id, number, created_at, created_by, invoices, total_cents";

macro_rules! map_export {
    ($r:expr) => {{
        let r = $r;
        Ok::<_, DbError>(Export {
            id: r.try_get("id")?,
            owner_id: r.try_get("owner_id")?,
            number: r.try_get("number")?,
            created_at: r.try_get("created_at")?,
            created_by: r.try_get("created_by")?,
            invoices: r.try_get("invoices")?,
            total_cents: r.try_get("total_cents")?,
        })
    }};
}

/// The purchaser's exports, newest first.
pub async fn exports(tx: &mut Tx, owner: Uuid) -> Result<Vec<Export>> {
    let sql = format!(
        "SELECT {EXPORT_COLUMNS} FROM invoice_exports WHERE owner_id = $1 ORDER BY number DESC"
    );
    on_tx!(tx, c => {
        sqlx::query(&sql)
            .bind(owner)
            .fetch_all(c)
            .await?
            .into_iter()
            .map(|r| map_export!(r))
            .collect()
    })
}

/// One export with its file.
pub async fn export(tx: &mut Tx, id: Uuid) -> Result<Option<(Export, String)>> {
    let sql = format!("SELECT {EXPORT_COLUMNS}, csv FROM invoice_exports WHERE id = $1");
    on_tx!(tx, c => {
        match sqlx::query(&sql).bind(id).fetch_optional(c).await? {
            Some(r) => {
                let csv: String = r.try_get("csv")?;
                Ok(Some((map_export!(r)?, csv)))
            }
            None => Ok(None),
        }
    })
}
