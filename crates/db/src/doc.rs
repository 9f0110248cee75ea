//! Records kept as one JSON document each (procurements, lots, staff, evidence, applications),
//! with the columns that queries filter on beside it: the owning organisation, the containing
//! record and a status. Their shape belongs to `domain`; this module only stores it.

use crate::versions::{self, Versioned};
use crate::{on_tx, DbError, Result, Tx};
use chrono::{DateTime, Utc};
use domain::version::{Change, Version};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::Row;
use uuid::Uuid;

/// The document tables; their names never come from input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// owner: purchaser.
    Procurements,
    /// owner: purchaser; parent: procurement.
    Lots,
    /// owner: provider.
    StaffMembers,
    /// owner: provider.
    Evidence,
    /// owner: provider; parent: lot.
    Applications,
    /// owner: purchaser; parent: client.
    ServiceNeeds,
    /// owner: purchaser.
    SteeringGroups,
    /// owner: purchaser; parent: client.
    Commitments,
    /// owner: purchaser.
    BudgetLines,
    /// owner: purchaser; parent: client. One document per version.
    ServicePlans,
    /// owner: purchaser; parent: client. One per commitment number and month.
    MonthlyReports,
    /// owner: purchaser; parent: the first commitment billed. Written through `db::invoice`,
    /// which fills the seller's columns too.
    Invoices,
    /// owner: purchaser; parent: the commitment. Corrections of settled months.
    Corrections,
    /// owner: purchaser; parent: the first version's id (none for the first). One document
    /// per version; written through `db::agreement`, which indexes the provider too.
    Agreements,
    /// owner: purchaser; parent: the agreement. One per product, period and version.
    RealisedVolumes,
    /// owner: purchaser; parent: the agreement. One per quarter.
    FollowUpMeetings,
    /// owner: the host. Written through `db::cost_sharing`, which indexes the parties.
    CostSharings,
    /// owner: the host; parent: the agreement; status: the quarter (`2026-Q3`).
    SharedCosts,
    /// owner: the host; parent: the agreement; status: quarter and round (`2026-Q3/1`).
    SharedQuarters,
    /// owner: the host; parent: the agreement; status: issued, credited.
    Recharges,
    /// owner: the controller. Registers of people.
    PeopleRegisters,
    /// owner: the controller; parent: the register; status: active, ended.
    RegisterEntries,
    /// owner: the purchaser; parent: the agreement; status: paid.
    AgreementPayments,
    /// owner: the purchaser; parent: the client; status: pending, delivered, refused.
    LogRequests,
    /// owner: the purchaser; parent: the provider; status: notified, open, answered, closed,
    /// terminated. Deviations in purchased services and serious incidents (741/2023).
    Deviations,
    /// owner: the purchaser; parent: the client; status: the reason code. A county worker's
    /// exceptional access to a client outside their team (703/2023 9 §).
    ExceptionalAccesses,
}

/// Every document table, the client register's included. The register's tables (`clients`,
/// `families`) are not in [`Table`]: their rows are read and written only through
/// `db::client`, which asks for the gate's grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Store {
    Doc(Table),
    /// owner: purchaser. The identity code is a column of its own.
    Clients,
    /// owner: purchaser.
    Families,
}

impl Store {
    /// The tables of client documents whose changes keep the earlier content.
    pub(crate) fn versioned(self) -> Option<Versioned> {
        match self {
            Store::Clients => Some(Versioned::Clients),
            Store::Doc(Table::ServiceNeeds) => Some(Versioned::ServiceNeeds),
            Store::Doc(Table::Commitments) => Some(Versioned::Commitments),
            Store::Doc(Table::MonthlyReports) => Some(Versioned::MonthlyReports),
            _ => None,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Store::Doc(t) => t.name(),
            Store::Clients => "clients",
            Store::Families => "families",
        }
    }
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Procurements => "procurements",
            Table::Lots => "lots",
            Table::StaffMembers => "staff_members",
            Table::Evidence => "evidence",
            Table::Applications => "applications",
            Table::ServiceNeeds => "service_needs",
            Table::SteeringGroups => "steering_groups",
            Table::Commitments => "commitments",
            Table::BudgetLines => "budget_lines",
            Table::ServicePlans => "service_plans",
            Table::MonthlyReports => "monthly_reports",
            Table::Invoices => "invoices",
            Table::Corrections => "settlement_corrections",
            Table::Agreements => "agreements",
            Table::RealisedVolumes => "realised_volumes",
            Table::FollowUpMeetings => "follow_up_meetings",
            Table::CostSharings => "cost_sharings",
            Table::SharedCosts => "shared_costs",
            Table::SharedQuarters => "shared_quarters",
            Table::Recharges => "recharges",
            Table::PeopleRegisters => "people_registers",
            Table::RegisterEntries => "register_entries",
            Table::AgreementPayments => "agreement_payments",
            Table::LogRequests => "log_requests",
            Table::Deviations => "deviations",
            Table::ExceptionalAccesses => "exceptional_accesses",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Doc<T> {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub status: String,
    pub data: T,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which rows to list; `None` means any.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter<'a> {
    pub owner: Option<Uuid>,
    pub parent: Option<Uuid>,
    pub status: Option<&'a str>,
}

fn to_json<T: Serialize>(what: &'static str, data: &T) -> Result<String> {
    serde_json::to_string(data).map_err(|e| DbError::Corrupt {
        what,
        value: e.to_string(),
    })
}

fn from_json<T: DeserializeOwned>(table: Store, s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| DbError::Corrupt {
        what: table.name(),
        value: e.to_string(),
    })
}

macro_rules! map_doc {
    ($table:expr, $r:expr) => {{
        let r = $r;
        let data: String = r.try_get("data")?;
        Ok::<_, DbError>(Doc {
            id: r.try_get("id")?,
            owner_id: r.try_get("owner_id")?,
            parent_id: r.try_get("parent_id")?,
            status: r.try_get("status")?,
            data: from_json($table, &data)?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
        })
    }};
}

const COLUMNS: &str = "id, owner_id, parent_id, status, data, created_at, updated_at";

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_in<T: Serialize>(
    tx: &mut Tx,
    table: Store,
    id: Uuid,
    owner_id: Uuid,
    parent_id: Option<Uuid>,
    status: &str,
    data: &T,
    now: DateTime<Utc>,
) -> Result<()> {
    let json = to_json(table.name(), data)?;
    let sql = format!(
        "INSERT INTO {} ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        table.name()
    );
    on_tx!(tx, c => {
        sqlx::query(&sql)
            .bind(id)
            .bind(owner_id)
            .bind(parent_id)
            .bind(status)
            .bind(&json)
            .bind(now)
            .execute(c)
            .await?;
    });
    Ok(())
}

/// Replaces the document and its status; false when there is no such row.
pub(crate) async fn update_in<T: Serialize>(
    tx: &mut Tx,
    table: Store,
    id: Uuid,
    status: &str,
    data: &T,
    now: DateTime<Utc>,
) -> Result<bool> {
    let json = to_json(table.name(), data)?;
    let sql = format!(
        "UPDATE {} SET status = $2, data = $3, updated_at = $4 WHERE id = $1",
        table.name()
    );
    let n = on_tx!(tx, c => {
        sqlx::query(&sql)
            .bind(id)
            .bind(status)
            .bind(&json)
            .bind(now)
            .execute(c)
            .await?
            .rows_affected()
    });
    Ok(n == 1)
}

pub(crate) async fn get_in<T: DeserializeOwned>(
    tx: &mut Tx,
    table: Store,
    id: Uuid,
) -> Result<Option<Doc<T>>> {
    let sql = format!("SELECT {COLUMNS} FROM {} WHERE id = $1", table.name());
    on_tx!(tx, c => {
        match sqlx::query(&sql).bind(id).fetch_optional(c).await? {
            Some(r) => Ok(Some(map_doc!(table, r)?)),
            None => Ok(None),
        }
    })
}

/// Rows matching the filter, oldest first.
pub(crate) async fn list_in<T: DeserializeOwned>(
    tx: &mut Tx,
    table: Store,
    f: Filter<'_>,
) -> Result<Vec<Doc<T>>> {
    // Unused conditions compare a column with itself through a NULL parameter test, so that
    // one SQL text serves every filter and both backends.
    let sql = format!(
        "SELECT {COLUMNS} FROM {} WHERE ($1 IS NULL OR owner_id = $1) \
         AND ($2 IS NULL OR parent_id = $2) AND ($3 IS NULL OR status = $3) \
         ORDER BY created_at, id",
        table.name()
    );
    on_tx!(tx, c => {
        sqlx::query(&sql)
            .bind(f.owner)
            .bind(f.parent)
            .bind(f.status)
            .fetch_all(c)
            .await?
            .into_iter()
            .map(|r| map_doc!(table, r))
            .collect()
    })
}

#[allow(clippy::too_many_arguments)]
pub async fn insert<T: Serialize>(
    tx: &mut Tx,
    table: Table,
    id: Uuid,
    owner_id: Uuid,
    parent_id: Option<Uuid>,
    status: &str,
    data: &T,
    now: DateTime<Utc>,
) -> Result<()> {
    let t = Store::Doc(table);
    insert_in(tx, t, id, owner_id, parent_id, status, data, now).await
}

/// Takes the row's write lock for the rest of the transaction (PostgreSQL; SQLite's
/// `BEGIN IMMEDIATE` already serialises writers), so that two changes of one record read and
/// write it one after the other. Read the record after this, not before.
pub async fn lock(tx: &mut Tx, table: Table, id: Uuid) -> Result<()> {
    let sql = format!(
        "UPDATE {} SET updated_at = updated_at WHERE id = $1",
        table.name()
    );
    on_tx!(tx, c => {
        sqlx::query(&sql).bind(id).execute(c).await?;
    });
    Ok(())
}

/// Replaces the document and its status; false when there is no such row.
pub async fn update<T: Serialize>(
    tx: &mut Tx,
    table: Table,
    id: Uuid,
    status: &str,
    data: &T,
    now: DateTime<Utc>,
) -> Result<bool> {
    let store = Store::Doc(table);
    if store.versioned().is_some() {
        return Err(DbError::Unversioned(store.name()));
    }
    update_in(tx, store, id, status, data, now).await
}

/// Replaces a client document, keeping what it said before as a version with `change` (who,
/// why) and `now` (when). Works on any table; only the versioned ones keep a version.
#[allow(clippy::too_many_arguments)]
pub async fn revise<T: Serialize>(
    tx: &mut Tx,
    table: Table,
    id: Uuid,
    status: &str,
    data: &T,
    now: DateTime<Utc>,
    change: &Change,
) -> Result<bool> {
    revise_in(tx, Store::Doc(table), id, status, data, now, change).await
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn revise_in<T: Serialize>(
    tx: &mut Tx,
    store: Store,
    id: Uuid,
    status: &str,
    data: &T,
    now: DateTime<Utc>,
    change: &Change,
) -> Result<bool> {
    if let Some(v) = store.versioned() {
        versions::keep(tx, v, id, change, now).await?;
    }
    update_in(tx, store, id, status, data, now).await
}

/// The earlier versions of a document, oldest first; none for a table that keeps none.
pub async fn versions<T: DeserializeOwned>(
    tx: &mut Tx,
    table: Table,
    id: Uuid,
) -> Result<Vec<Version<T>>> {
    match Store::Doc(table).versioned() {
        Some(v) => versions::of(tx, v, id).await,
        None => Ok(Vec::new()),
    }
}

pub async fn get<T: DeserializeOwned>(
    tx: &mut Tx,
    table: Table,
    id: Uuid,
) -> Result<Option<Doc<T>>> {
    get_in(tx, Store::Doc(table), id).await
}

/// Rows matching the filter, oldest first.
pub async fn list<T: DeserializeOwned>(
    tx: &mut Tx,
    table: Table,
    f: Filter<'_>,
) -> Result<Vec<Doc<T>>> {
    list_in(tx, Store::Doc(table), f).await
}

/// The rows of one parent, oldest first. Unlike [`list`], whose one SQL text for every filter
/// keeps the planner from using an index, this asks by the parent column alone, which is
/// indexed in every document table: the path for the per-record reads that run thousands of
/// times (a month's report for each invoice line).
pub async fn children<T: DeserializeOwned>(
    tx: &mut Tx,
    table: Table,
    parent: Uuid,
) -> Result<Vec<Doc<T>>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {} WHERE parent_id = $1 ORDER BY created_at, id",
        table.name()
    );
    query(tx, table, &sql, parent).await
}

/// The rows of any of these parents, oldest first: [`children`] for many parents in one query.
pub async fn children_of<T: DeserializeOwned>(
    tx: &mut Tx,
    table: Table,
    parents: &[Uuid],
) -> Result<Vec<Doc<T>>> {
    if parents.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    // Under SQLite's parameter limit, whatever the number of parents.
    for chunk in parents.chunks(500) {
        let mut rows: Vec<Doc<T>> = on_tx!(tx, c => {
            let mut qb = sqlx::QueryBuilder::new(format!(
                "SELECT {COLUMNS} FROM {} WHERE parent_id IN (",
                table.name()
            ));
            let mut sep = qb.separated(", ");
            for p in chunk {
                sep.push_bind(*p);
            }
            qb.push(")");
            qb.build()
                .persistent(false)
                .fetch_all(c)
                .await?
                .into_iter()
                .map(|r| map_doc!(Store::Doc(table), r))
                .collect::<Result<Vec<_>>>()?
        });
        out.append(&mut rows);
    }
    out.sort_by_key(|d| (d.created_at, d.id));
    Ok(out)
}

/// For each parent, how many rows of `table` it has, and how many of them have `status`.
pub async fn count_children(
    tx: &mut Tx,
    table: Table,
    status: &str,
) -> Result<std::collections::HashMap<Uuid, (usize, usize)>> {
    let sql = format!(
        "SELECT parent_id, COUNT(*) AS n, SUM(CASE WHEN status = $1 THEN 1 ELSE 0 END) AS k \
         FROM {} WHERE parent_id IS NOT NULL GROUP BY parent_id",
        table.name()
    );
    let rows: Vec<(Uuid, i64, i64)> = on_tx!(tx, c => {
        sqlx::query_as(&sql).bind(status).fetch_all(c).await?
    });
    Ok(rows
        .into_iter()
        .map(|(p, n, k)| {
            let n = usize::try_from(n).unwrap_or_default();
            let k = usize::try_from(k).unwrap_or_default();
            (p, (n, k))
        })
        .collect())
}

/// Rows of `table` selected by `sql` (which names the doc columns) with one id parameter.
pub(crate) async fn query<T: DeserializeOwned>(
    tx: &mut Tx,
    table: Table,
    sql: &str,
    id: Uuid,
) -> Result<Vec<Doc<T>>> {
    on_tx!(tx, c => {
        sqlx::query(sql)
            .bind(id)
            .fetch_all(c)
            .await?
            .into_iter()
            .map(|r| map_doc!(Store::Doc(table), r))
            .collect()
    })
}

/// Rows of `store` selected by `sql` (which names the doc columns) with three parameters: an
/// owner, an id, and a text pattern.
pub(crate) async fn query_owner_id_like<T: DeserializeOwned>(
    tx: &mut Tx,
    store: Store,
    sql: &str,
    (owner, id, pattern): (Uuid, Uuid, &str),
) -> Result<Vec<Doc<T>>> {
    on_tx!(tx, c => {
        sqlx::query(sql)
            .bind(owner)
            .bind(id)
            .bind(pattern)
            .fetch_all(c)
            .await?
            .into_iter()
            .map(|r| map_doc!(store, r))
            .collect()
    })
}

/// As [`query_in`], for a prefix that opens two parentheses (`… IN (SELECT … IN (`).
pub(crate) async fn query_in_nested<T: DeserializeOwned>(
    tx: &mut Tx,
    table: Table,
    sql_prefix: &str,
    values: &[&str],
) -> Result<Vec<Doc<T>>> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    on_tx!(tx, c => {
        let mut qb = sqlx::QueryBuilder::new(sql_prefix);
        let mut sep = qb.separated(", ");
        for v in values {
            sep.push_bind(*v);
        }
        qb.push("))");
        qb.build()
            .persistent(false)
            .fetch_all(c)
            .await?
            .into_iter()
            .map(|r| map_doc!(Store::Doc(table), r))
            .collect()
    })
}

/// Rows of `table` selected by `sql_prefix` (which names the doc columns and ends in `IN (`)
/// with the text values bound in the list. Not kept as a prepared statement: the list's length
/// varies, and on PostgreSQL a plan made while the table was small would stay.
pub(crate) async fn query_in<T: DeserializeOwned>(
    tx: &mut Tx,
    table: Table,
    sql_prefix: &str,
    values: &[&str],
) -> Result<Vec<Doc<T>>> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    on_tx!(tx, c => {
        let mut qb = sqlx::QueryBuilder::new(sql_prefix);
        let mut sep = qb.separated(", ");
        for v in values {
            sep.push_bind(*v);
        }
        qb.push(")");
        qb.build()
            .persistent(false)
            .fetch_all(c)
            .await?
            .into_iter()
            .map(|r| map_doc!(Store::Doc(table), r))
            .collect()
    })
}
