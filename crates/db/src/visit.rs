//! Visits with their confirmations, one-time confirmation codes and uploaded paper reports.
//! Visits are written many at a time (the bulk API), so inserts go in multi-row statements.

use crate::versions::{self, Versioned};
use crate::{on_tx, DbError, Result, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::version::{Change, Version};
use domain::visit::VisitRecord;
use sqlx::Row;
use std::collections::HashMap;
use uuid::Uuid;

/// A stored visit.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: Uuid,
    pub record: VisitRecord,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, data, created_at";

// The lookups below are not kept as prepared statements (`persistent(false)`): PostgreSQL would
// otherwise reuse a generic plan made while the table was small, a sequential scan, long after a
// month of visits has arrived; planned afresh, they use the indexes.

/// Rows per INSERT: 12 parameters each stays far below SQLite's limit of 32 766.
const CHUNK: usize = 500;

fn to_json(r: &VisitRecord) -> Result<String> {
    serde_json::to_string(r).map_err(|e| DbError::Corrupt {
        what: "visit",
        value: e.to_string(),
    })
}

macro_rules! map_visit {
    ($r:expr) => {{
        let r = $r;
        let data: String = r.try_get("data")?;
        Ok::<_, DbError>(Stored {
            id: r.try_get("id")?,
            record: serde_json::from_str(&data).map_err(|e| DbError::Corrupt {
                what: "visit",
                value: e.to_string(),
            })?,
            created_at: r.try_get("created_at")?,
        })
    }};
}

/// Inserts visits in as few statements as the chunk size allows.
pub async fn insert_many(
    tx: &mut Tx,
    rows: &[(Uuid, &VisitRecord)],
    now: DateTime<Utc>,
) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        let mut prepared = Vec::with_capacity(chunk.len());
        for (id, r) in chunk {
            prepared.push((*id, *r, to_json(r)?));
        }
        on_tx!(tx, c => {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO visits (id, purchaser_id, provider_id, client_id, commitment_number, \
                 provider_ref, visit_date, minutes, status, confirmation, data, created_at, updated_at) ",
            );
            qb.push_values(prepared.iter(), |mut b, (id, r, json)| {
                b.push_bind(*id)
                    .push_bind(r.purchaser)
                    .push_bind(r.provider)
                    .push_bind(r.client)
                    .push_bind(r.commitment_number.clone())
                    .push_bind(r.provider_ref.clone())
                    .push_bind(r.visit.date.to_string())
                    .push_bind(r.visit.minutes())
                    .push_bind(r.visit.status.code())
                    .push_bind(r.confirmation.state.code())
                    .push_bind(json.clone())
                    .push_bind(now)
                    .push_bind(now);
            });
            qb.build().execute(c).await?;
        });
    }
    Ok(())
}

/// Replaces a visit's record (a correction), keeping what it said as a version.
pub async fn update(
    tx: &mut Tx,
    id: Uuid,
    r: &VisitRecord,
    now: DateTime<Utc>,
    change: &Change,
) -> Result<bool> {
    let json = to_json(r)?;
    versions::keep(tx, Versioned::Visits, id, change, now).await?;
    let n = on_tx!(tx, c => {
        sqlx::query(
            "UPDATE visits SET visit_date = $2, minutes = $3, status = $4, confirmation = $5, \
             data = $6, updated_at = $7 WHERE id = $1",
        )
        .bind(id)
        .bind(r.visit.date.to_string())
        .bind(r.visit.minutes())
        .bind(r.visit.status.code())
        .bind(r.confirmation.state.code())
        .bind(&json)
        .bind(now)
        .execute(c)
        .await?
        .rows_affected()
    });
    Ok(n == 1)
}

/// Replaces the record of a visit still unconfirmed; false when it no longer is (an answer
/// given meanwhile), so that two answers cannot both count.
pub async fn update_unconfirmed(
    tx: &mut Tx,
    id: Uuid,
    r: &VisitRecord,
    now: DateTime<Utc>,
    change: &Change,
) -> Result<bool> {
    let json = to_json(r)?;
    // A version is kept only while the row is still unconfirmed, as the update below asks.
    versions::keep_if(
        tx,
        Versioned::Visits,
        id,
        "confirmation = 'unconfirmed'",
        change,
        now,
    )
    .await?;
    let n = on_tx!(tx, c => {
        sqlx::query(
            "UPDATE visits SET confirmation = $2, data = $3, updated_at = $4 \
             WHERE id = $1 AND confirmation = 'unconfirmed'",
        )
        .bind(id)
        .bind(r.confirmation.state.code())
        .bind(&json)
        .bind(now)
        .execute(c)
        .await?
        .rows_affected()
    });
    Ok(n == 1)
}

/// The earlier records of a client's visits that were corrected or answered, by visit,
/// each oldest first.
pub async fn versions_for_client(
    tx: &mut Tx,
    client: Uuid,
) -> Result<Vec<(Uuid, Vec<Version<VisitRecord>>)>> {
    let mut out: Vec<(Uuid, Vec<Version<VisitRecord>>)> = Vec::new();
    for (id, v) in versions::of_client(tx, Versioned::Visits, client).await? {
        match out.last_mut() {
            Some((last, kept)) if *last == id => kept.push(v),
            _ => out.push((id, vec![v])),
        }
    }
    Ok(out)
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<Stored>> {
    let sql = format!("SELECT {COLUMNS} FROM visits WHERE id = $1");
    on_tx!(tx, c => {
        match sqlx::query(&sql).bind(id).fetch_optional(c).await? {
            Some(r) => Ok(Some(map_visit!(r)?)),
            None => Ok(None),
        }
    })
}

/// The visits a provider already sent under these ids of its own.
pub async fn by_refs(
    tx: &mut Tx,
    provider: Uuid,
    refs: &[&str],
) -> Result<HashMap<String, Stored>> {
    let mut out = HashMap::new();
    for chunk in refs.chunks(CHUNK) {
        on_tx!(tx, c => {
            let mut qb = sqlx::QueryBuilder::new(format!(
                "SELECT {COLUMNS} FROM visits WHERE provider_id = "
            ));
            qb.push_bind(provider).push(" AND provider_ref IN (");
            let mut sep = qb.separated(", ");
            for r in chunk {
                sep.push_bind(*r);
            }
            qb.push(")");
            for row in qb.build().persistent(false).fetch_all(c).await? {
                let s = map_visit!(row)?;
                if let Some(r) = s.record.provider_ref.clone() {
                    out.insert(r, s);
                }
            }
        });
    }
    Ok(out)
}

/// A commitment's visits between two days (inclusive), by date and start.
pub async fn for_commitment(
    tx: &mut Tx,
    number: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Stored>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM visits WHERE commitment_number = $1 \
         AND visit_date >= $2 AND visit_date <= $3 ORDER BY visit_date, created_at, id"
    );
    let mut v: Vec<Stored> = on_tx!(tx, c => {
        sqlx::query(&sql)
            .persistent(false)
            .bind(number)
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(c)
            .await?
            .into_iter()
            .map(|r| map_visit!(r))
            .collect::<Result<Vec<_>>>()?
    });
    v.sort_by_key(|s| (s.record.visit.date, s.record.visit.start));
    Ok(v)
}

/// The visits of several commitments between two days, by commitment number: a bulk request
/// reads its commitments' history in one query.
pub async fn for_commitments(
    tx: &mut Tx,
    numbers: &[&str],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<String, Vec<Stored>>> {
    let mut out: HashMap<String, Vec<Stored>> = HashMap::new();
    for chunk in numbers.chunks(CHUNK) {
        on_tx!(tx, c => {
            let mut qb = sqlx::QueryBuilder::new(format!(
                "SELECT {COLUMNS} FROM visits WHERE visit_date >= "
            ));
            qb.push_bind(from.to_string())
                .push(" AND visit_date <= ")
                .push_bind(to.to_string())
                .push(" AND commitment_number IN (");
            let mut sep = qb.separated(", ");
            for n in chunk {
                sep.push_bind(*n);
            }
            qb.push(")");
            for row in qb.build().persistent(false).fetch_all(c).await? {
                let s = map_visit!(row)?;
                out.entry(s.record.commitment_number.clone()).or_default().push(s);
            }
        });
    }
    Ok(out)
}

/// Visits of these clients from a day on, newest first: what a guardian or client sees.
pub async fn for_clients(tx: &mut Tx, clients: &[Uuid], from: NaiveDate) -> Result<Vec<Stored>> {
    let mut out = Vec::new();
    for chunk in clients.chunks(CHUNK) {
        on_tx!(tx, c => {
            let mut qb = sqlx::QueryBuilder::new(format!(
                "SELECT {COLUMNS} FROM visits WHERE visit_date >= "
            ));
            qb.push_bind(from.to_string()).push(" AND client_id IN (");
            let mut sep = qb.separated(", ");
            for id in chunk {
                sep.push_bind(*id);
            }
            qb.push(")");
            for row in qb.build().persistent(false).fetch_all(c).await? {
                out.push(map_visit!(row)?);
            }
        });
    }
    out.sort_by_key(|s| std::cmp::Reverse((s.record.visit.date, s.record.visit.start)));
    Ok(out)
}

/// Stores the hash of a new one-time code for a visit.
pub async fn insert_code(
    tx: &mut Tx,
    code_hash: &str,
    visit: Uuid,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO confirmation_codes (code_hash, visit_id, expires_at, used_at, created_at) \
             VALUES ($1, $2, $3, NULL, $4)",
        )
        .bind(code_hash)
        .bind(visit)
        .bind(expires_at)
        .bind(now)
        .execute(c)
        .await?;
    });
    Ok(())
}

/// Voids the unused codes of a visit (they count as used from `now`); returns how many.
pub async fn void_codes(tx: &mut Tx, visit: Uuid, now: DateTime<Utc>) -> Result<u64> {
    Ok(on_tx!(tx, c => {
        sqlx::query(
            "UPDATE confirmation_codes SET used_at = $2 WHERE visit_id = $1 AND used_at IS NULL",
        )
        .bind(visit)
        .bind(now)
        .execute(c)
        .await?
        .rows_affected()
    }))
}

/// A code as stored.
#[derive(Debug, Clone)]
pub struct Code {
    pub visit: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

pub async fn code(tx: &mut Tx, code_hash: &str) -> Result<Option<Code>> {
    on_tx!(tx, c => {
        match sqlx::query(
            "SELECT visit_id, expires_at, used_at FROM confirmation_codes WHERE code_hash = $1",
        )
        .bind(code_hash)
        .fetch_optional(c)
        .await?
        {
            Some(r) => Ok(Some(Code {
                visit: r.try_get("visit_id")?,
                expires_at: r.try_get("expires_at")?,
                used_at: r.try_get("used_at")?,
            })),
            None => Ok(None),
        }
    })
}

/// Marks a code used; false when it already was (two tabs, a replay).
pub async fn use_code(tx: &mut Tx, code_hash: &str, now: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, c => {
        sqlx::query(
            "UPDATE confirmation_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL",
        )
        .bind(code_hash)
        .bind(now)
        .execute(c)
        .await?
        .rows_affected()
    });
    Ok(n == 1)
}

/// An uploaded file.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub uploaded_by: Uuid,
    pub filename: String,
    pub content_type: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

pub async fn insert_attachment(tx: &mut Tx, a: &Attachment, now: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO attachments (id, owner_id, parent_id, uploaded_by, filename, content_type, \
             sha256, bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(a.id)
        .bind(a.owner_id)
        .bind(a.parent_id)
        .bind(a.uploaded_by)
        .bind(&a.filename)
        .bind(&a.content_type)
        .bind(&a.sha256)
        .bind(&a.bytes)
        .bind(now)
        .execute(c)
        .await?;
    });
    Ok(())
}

pub async fn attachment(tx: &mut Tx, id: Uuid) -> Result<Option<Attachment>> {
    on_tx!(tx, c => {
        match sqlx::query(
            "SELECT id, owner_id, parent_id, uploaded_by, filename, content_type, sha256, bytes \
             FROM attachments WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(c)
        .await?
        {
            Some(r) => Ok(Some(Attachment {
                id: r.try_get("id")?,
                owner_id: r.try_get("owner_id")?,
                parent_id: r.try_get("parent_id")?,
                uploaded_by: r.try_get("uploaded_by")?,
                filename: r.try_get("filename")?,
                content_type: r.try_get("content_type")?,
                sha256: r.try_get("sha256")?,
                bytes: r.try_get("bytes")?,
            })),
            None => Ok(None),
        }
    })
}
