//! The access and audit log: append-only and chained. Entries are appended inside the
//! transaction of the change or read they describe, so that both are kept or neither.

use crate::{on_tx, Db, Pool, Result, Tx};
use chrono::{DateTime, Utc};
use domain::audit::{verify_chain, AuditEntry, AuditEvent, ChainBreak};
use sqlx::Row;
use uuid::Uuid;

const COLUMNS: &str = "seq, id, at, actor_id, actor_name, actor_org, actor_unit, action, outcome, \
                       record_kind, record_id, register_owner, subject_id, subjects, purpose, details, exception, prev_hash, hash";

macro_rules! map_row {
    ($r:expr) => {{
        let r = $r;
        Ok::<_, crate::DbError>(AuditEntry {
            seq: r.try_get("seq")?,
            id: r.try_get("id")?,
            at: r.try_get("at")?,
            actor_id: r.try_get("actor_id")?,
            actor_name: r.try_get("actor_name")?,
            actor_org: r.try_get("actor_org")?,
            actor_unit: r.try_get("actor_unit")?,
            action: r.try_get("action")?,
            outcome: r.try_get("outcome")?,
            record_kind: r.try_get("record_kind")?,
            record_id: r.try_get("record_id")?,
            register_owner: r.try_get("register_owner")?,
            subject_id: r.try_get("subject_id")?,
            subjects: domain::audit::parse_subjects(&r.try_get::<String, _>("subjects")?),
            purpose: r.try_get("purpose")?,
            details: r.try_get("details")?,
            exception: r.try_get("exception")?,
            prev_hash: r.try_get("prev_hash")?,
            hash: r.try_get("hash")?,
        })
    }};
}

/// Appends one entry to the chain: in a write transaction at once, so that it is kept or rolled
/// back with the change; in a read transaction when it commits, by the group commit
/// (`crate::journal`).
pub async fn append(tx: &mut Tx, event: AuditEvent, at: DateTime<Utc>) -> Result<()> {
    append_rows(tx, vec![(event, at)]).await
}

/// Takes the log's head row for the rest of the transaction, before anything is read. Every
/// write appends to the log, so writers queue here anyway; taking it first makes a use case's
/// read-check-write safe on PostgreSQL as `BEGIN IMMEDIATE` makes it on SQLite.
pub async fn lock_head(tx: &mut Tx) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
            .execute(c)
            .await?;
    });
    Ok(())
}

/// Appends many entries, chained in order, all with the same time: a bulk write (a month of
/// visits) logs every row without a round trip per row.
pub async fn append_many(tx: &mut Tx, events: Vec<AuditEvent>, at: DateTime<Utc>) -> Result<()> {
    append_rows(tx, events.into_iter().map(|e| (e, at)).collect()).await
}

/// Appends rows in order with one head update and multi-row inserts; a read transaction keeps
/// them for the group commit. Taking the head row with an UPDATE first makes concurrent writers
/// on PostgreSQL queue behind each other instead of chaining to the same predecessor; on SQLite
/// the `BEGIN IMMEDIATE` transaction already holds the write lock.
pub(crate) async fn append_rows(tx: &mut Tx, rows: Vec<(AuditEvent, DateTime<Utc>)>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    if let Some(kept) = tx.deferred_rows() {
        kept.extend(rows);
        return Ok(());
    }
    let n = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let (last, mut prev): (i64, String) = on_tx!(tx, c => {
        sqlx::query_as("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
            .bind(n)
            .fetch_one(c)
            .await?
    });
    let mut seq = last - n;
    let mut entries = Vec::with_capacity(rows.len());
    for (event, at) in rows {
        seq += 1;
        let entry = AuditEntry::chain(seq, Uuid::now_v7(), at, &prev, event);
        prev.clone_from(&entry.hash);
        entries.push(entry);
    }
    on_tx!(tx, c => {
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(&prev)
            .execute(&mut *c)
            .await?;
        // 19 parameters a row: 500 rows stay below SQLite's limit of 32 766.
        for chunk in entries.chunks(500) {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO audit_log (seq, id, at, actor_id, actor_name, actor_org, actor_unit, action, \
                 outcome, record_kind, record_id, register_owner, subject_id, purpose, details, prev_hash, hash, \
                 subjects, exception) ",
            );
            qb.push_values(chunk.iter(), |mut b, e| {
                b.push_bind(e.seq)
                    .push_bind(e.id)
                    .push_bind(e.at)
                    .push_bind(e.actor_id)
                    .push_bind(e.actor_name.clone())
                    .push_bind(e.actor_org)
                    .push_bind(e.actor_unit)
                    .push_bind(e.action.clone())
                    .push_bind(e.outcome.clone())
                    .push_bind(e.record_kind.clone())
                    .push_bind(e.record_id)
                    .push_bind(e.register_owner)
                    .push_bind(e.subject_id)
                    .push_bind(e.purpose.clone())
                    .push_bind(e.details.clone())
                    .push_bind(e.prev_hash.clone())
                    .push_bind(e.hash.clone())
                    .push_bind(domain::audit::subjects_text(&e.subjects))
                    .push_bind(e.exception.clone());
            });
            qb.build().execute(&mut *c).await?;
        }
    });
    Ok(())
}

/// What an auditor asks of the log.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only entries made by, or about records of, this organisation.
    pub org: Option<Uuid>,
    pub actor: Option<Uuid>,
    /// The record itself, or the person it is about.
    pub record: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Only entries of this action (its code): `disclose` gives the disclosure log.
    pub action: Option<&'static str>,
    /// Only the exceptional accesses: those with a reason code (703/2023 9 §).
    pub exceptional: bool,
    pub limit: i64,
}

enum Param {
    Uuid(Uuid),
    At(DateTime<Utc>),
    Text(String),
}

/// Entries matching the filter, newest first.
pub async fn search(tx: &mut Tx, f: &Filter) -> Result<Vec<AuditEntry>> {
    let mut sql = format!("SELECT {COLUMNS} FROM audit_log WHERE 1 = 1");
    let mut params = Vec::new();
    let next = |p: Param, params: &mut Vec<Param>| {
        params.push(p);
        params.len()
    };
    if let Some(org) = f.org {
        let n = next(Param::Uuid(org), &mut params);
        sql.push_str(&format!(" AND (actor_org = ${n} OR register_owner = ${n})"));
    }
    if let Some(a) = f.actor {
        let n = next(Param::Uuid(a), &mut params);
        sql.push_str(&format!(" AND actor_id = ${n}"));
    }
    if let Some(r) = f.record {
        let n = next(Param::Uuid(r), &mut params);
        let m = next(Param::Text(format!("%{r}%")), &mut params);
        sql.push_str(&format!(
            " AND (record_id = ${n} OR subject_id = ${n} OR subjects LIKE ${m})"
        ));
    }
    if let Some(a) = f.action {
        let n = next(Param::Text(a.to_owned()), &mut params);
        sql.push_str(&format!(" AND action = ${n}"));
    }
    if f.exceptional {
        sql.push_str(" AND exception <> ''");
    }
    if let Some(t) = f.from {
        let n = next(Param::At(t), &mut params);
        sql.push_str(&format!(" AND at >= ${n}"));
    }
    if let Some(t) = f.until {
        let n = next(Param::At(t), &mut params);
        sql.push_str(&format!(" AND at < ${n}"));
    }
    sql.push_str(&format!(
        " ORDER BY seq DESC LIMIT {}",
        f.limit.clamp(1, 10_000)
    ));
    on_tx!(tx, c => {
        let mut q = sqlx::query(&sql);
        for p in &params {
            q = match p {
                Param::Uuid(u) => q.bind(*u),
                Param::At(t) => q.bind(*t),
                Param::Text(s) => q.bind(s.clone()),
            };
        }
        q.fetch_all(c).await?.into_iter().map(|r| map_row!(r)).collect()
    })
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub checked: i64,
    pub first_break: Option<ChainBreak>,
}

/// Walks the whole chain in order, in pages, and reports the first broken link. Also checks that
/// the head row agrees with the last entry, which catches removal of the newest entries.
pub async fn verify(db: &Db) -> Result<Verification> {
    const PAGE: i64 = 5_000;
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
    let mut state: Option<(i64, String)> = None;
    let mut checked = 0i64;
    loop {
        let after = state.as_ref().map(|(s, _)| *s).unwrap_or(0);
        let page: Vec<AuditEntry> = match db.pool() {
            Pool::Sqlite(p) => sqlx::query(&sql)
                .bind(after)
                .bind(PAGE)
                .fetch_all(p)
                .await?
                .into_iter()
                .map(|r| map_row!(r))
                .collect::<Result<_>>()?,
            Pool::Postgres(p) => sqlx::query(&sql)
                .bind(after)
                .bind(PAGE)
                .fetch_all(p)
                .await?
                .into_iter()
                .map(|r| map_row!(r))
                .collect::<Result<_>>()?,
        };
        if page.is_empty() {
            break;
        }
        if state.is_none() {
            if let Some(first) = page.first() {
                if first.seq != 1 {
                    return Ok(Verification {
                        checked,
                        first_break: Some(ChainBreak::Gap {
                            after: 0,
                            next: first.seq,
                        }),
                    });
                }
            }
        }
        match verify_chain(state.clone(), page.iter()) {
            Ok(s) => {
                checked += page.len() as i64;
                state = s;
            }
            Err(b) => {
                let seq = match &b {
                    ChainBreak::Altered { seq } | ChainBreak::Unlinked { seq } => *seq,
                    ChainBreak::Gap { next, .. } => *next,
                };
                checked += page.iter().filter(|e| e.seq < seq).count() as i64;
                return Ok(Verification {
                    checked,
                    first_break: Some(b),
                });
            }
        }
    }
    let head: (i64, String) = match db.pool() {
        Pool::Sqlite(p) => {
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(p)
                .await?
        }
        Pool::Postgres(p) => {
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(p)
                .await?
        }
    };
    let last = state.unwrap_or((0, domain::audit::GENESIS_HASH.to_owned()));
    let first_break = if head.0 != last.0 {
        Some(ChainBreak::Gap {
            after: last.0,
            next: head.0,
        })
    } else if head.1 != last.1 {
        Some(ChainBreak::Altered { seq: last.0 })
    } else {
        None
    };
    Ok(Verification {
        checked,
        first_break,
    })
}

/// Counts entries matching a record, for tests and the auditor's summary.
pub async fn count(tx: &mut Tx) -> Result<i64> {
    on_tx!(tx, c => {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM audit_log").fetch_one(c).await?;
        Ok(row.try_get("n")?)
    })
}

/// The head row: the newest sequence number and hash as the application last wrote them.
pub async fn head(db: &Db) -> Result<(i64, String)> {
    let sql = "SELECT seq, hash FROM audit_head WHERE id = 1";
    Ok(match db.pool() {
        Pool::Sqlite(p) => sqlx::query_as(sql).fetch_one(p).await?,
        Pool::Postgres(p) => sqlx::query_as(sql).fetch_one(p).await?,
    })
}

/// The sequence numbers and outcomes of the entries after `seq`, oldest first: what a run of
/// requests wrote, read without the entries themselves.
pub async fn outcomes_after(db: &Db, seq: i64) -> Result<Vec<(i64, String)>> {
    let sql = "SELECT seq, outcome FROM audit_log WHERE seq > $1 ORDER BY seq";
    Ok(match db.pool() {
        Pool::Sqlite(p) => sqlx::query_as(sql).bind(seq).fetch_all(p).await?,
        Pool::Postgres(p) => sqlx::query_as(sql).bind(seq).fetch_all(p).await?,
    })
}

/// The newest sequence number actually in the log, and the stored hashes of the entries `seqs`.
pub async fn hashes(
    db: &Db,
    seqs: &[i64],
) -> Result<(i64, std::collections::HashMap<i64, String>)> {
    let last_sql = "SELECT COALESCE(MAX(seq), 0) FROM audit_log";
    let one_sql = "SELECT hash FROM audit_log WHERE seq = $1";
    let mut out = std::collections::HashMap::new();
    let last: i64 = match db.pool() {
        Pool::Sqlite(p) => sqlx::query_scalar(last_sql).fetch_one(p).await?,
        Pool::Postgres(p) => sqlx::query_scalar(last_sql).fetch_one(p).await?,
    };
    for s in seqs {
        let h: Option<String> = match db.pool() {
            Pool::Sqlite(p) => {
                sqlx::query_scalar(one_sql)
                    .bind(s)
                    .fetch_optional(p)
                    .await?
            }
            Pool::Postgres(p) => {
                sqlx::query_scalar(one_sql)
                    .bind(s)
                    .fetch_optional(p)
                    .await?
            }
        };
        if let Some(h) = h {
            out.insert(*s, h);
        }
    }
    Ok((last, out))
}
