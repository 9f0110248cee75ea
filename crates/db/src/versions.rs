//! Versions of client documents (Client Data Act 703/2023, 22 §): before a versioned record is
//! changed, the row's content is copied into `record_versions` in the same transaction, so a
//! change and the version it replaced are kept or rolled back together. The copy is made in
//! SQL from the row itself, so what is kept is exactly what was stored.

use crate::{on_tx, DbError, Result, Tx};
use chrono::{DateTime, Utc};
use domain::version::{Change, Reason, Version};
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// The tables whose rows are versioned, and the column that names the client of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Versioned {
    Clients,
    ServiceNeeds,
    Commitments,
    MonthlyReports,
    Visits,
}

impl Versioned {
    pub(crate) fn table(self) -> &'static str {
        match self {
            Versioned::Clients => "clients",
            Versioned::ServiceNeeds => "service_needs",
            Versioned::Commitments => "commitments",
            Versioned::MonthlyReports => "monthly_reports",
            Versioned::Visits => "visits",
        }
    }

    fn client_column(self) -> &'static str {
        match self {
            Versioned::Clients => "id",
            Versioned::Visits => "client_id",
            _ => "parent_id",
        }
    }
}

/// Copies the row's present content as its next version, before the caller replaces it.
/// Nothing is copied when there is no such row (the caller's update then finds none either).
pub(crate) async fn keep(
    tx: &mut Tx,
    v: Versioned,
    id: Uuid,
    change: &Change,
    now: DateTime<Utc>,
) -> Result<()> {
    keep_if(tx, v, id, "TRUE", change, now).await
}

/// [`keep`], only when the row also meets `condition` (SQL over the row's own columns, a
/// constant of the caller): the same condition its conditional update then asks, so that
/// an update that changes nothing keeps no version.
pub(crate) async fn keep_if(
    tx: &mut Tx,
    v: Versioned,
    id: Uuid,
    condition: &'static str,
    change: &Change,
    now: DateTime<Utc>,
) -> Result<()> {
    // The table and column names come from the enum above, never from input.
    let sql = format!(
        "INSERT INTO record_versions (id, record_table, record_id, client_id, version, status, \
         data, written_at, replaced_at, replaced_by, reason, note) \
         SELECT $1, '{table}', id, {client}, \
         (SELECT COALESCE(MAX(version), 0) + 1 FROM record_versions \
          WHERE record_table = '{table}' AND record_id = $2), \
         status, data, updated_at, $3, $4, $5, $6 FROM {table} WHERE id = $2 AND ({condition})",
        table = v.table(),
        client = v.client_column(),
    );
    on_tx!(tx, c => {
        sqlx::query(&sql)
            .bind(Uuid::now_v7())
            .bind(id)
            .bind(now)
            .bind(&change.by)
            .bind(change.reason.code())
            .bind(&change.note)
            .execute(c)
            .await?;
    });
    Ok(())
}

type Row = (
    Uuid,
    i64,
    String,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
    String,
    String,
    String,
);

/// The earlier versions of one row, oldest first, decoded as `T`.
pub(crate) async fn of<T: DeserializeOwned>(
    tx: &mut Tx,
    v: Versioned,
    id: Uuid,
) -> Result<Vec<Version<T>>> {
    let rows: Vec<Row> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT record_id, version, status, data, written_at, replaced_at, replaced_by, \
             reason, note FROM record_versions WHERE record_table = $1 AND record_id = $2 \
             ORDER BY version",
        )
        .bind(v.table())
        .bind(id)
        .fetch_all(c)
        .await?
    });
    Ok(decode(rows)?.into_iter().map(|(_, v)| v).collect())
}

/// The earlier versions of every row of `v` about one client, by row, oldest first: one
/// query for a page that shows many rows.
pub(crate) async fn of_client<T: DeserializeOwned>(
    tx: &mut Tx,
    v: Versioned,
    client: Uuid,
) -> Result<Vec<(Uuid, Version<T>)>> {
    let rows: Vec<Row> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT record_id, version, status, data, written_at, replaced_at, replaced_by, \
             reason, note FROM record_versions WHERE record_table = $1 AND client_id = $2 \
             ORDER BY record_id, version",
        )
        .bind(v.table())
        .bind(client)
        .fetch_all(c)
        .await?
    });
    decode(rows)
}

fn decode<T: DeserializeOwned>(rows: Vec<Row>) -> Result<Vec<(Uuid, Version<T>)>> {
    rows.into_iter()
        .map(
            |(record, number, status, data, written_at, replaced_at, replaced_by, reason, note)| {
                let corrupt = |value: String| DbError::Corrupt {
                    what: "record_versions",
                    value,
                };
                Ok((
                    record,
                    Version {
                        number: u32::try_from(number).map_err(|e| corrupt(e.to_string()))?,
                        status,
                        content: serde_json::from_str(&data).map_err(|e| corrupt(e.to_string()))?,
                        written_at,
                        replaced_at,
                        replaced_by,
                        reason: Reason::parse(&reason).ok_or_else(|| corrupt(reason.clone()))?,
                        note,
                    },
                ))
            },
        )
        .collect()
}
