//! A backend-neutral description of the schema, so that a test can hold the two migration folders
//! in lockstep.

use crate::{Db, Pool, Result};
use sqlx::Row;

/// One column as `table.column type [not null] [pk]`, with PostgreSQL types written as their
/// SQLite twins (UUID and BYTEA → BLOB, TIMESTAMPTZ → TEXT, BIGINT → INTEGER, DATE → TEXT).
pub async fn describe(db: &Db) -> Result<Vec<String>> {
    let mut out = Vec::new();
    match db.pool() {
        Pool::Sqlite(p) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
            .fetch_all(p)
            .await?;
            for t in tables {
                let cols =
                    sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)")
                        .bind(&t)
                        .fetch_all(p)
                        .await?;
                for c in cols {
                    let name: String = c.try_get("name")?;
                    let ty: String = c.try_get("type")?;
                    let notnull: i64 = c.try_get("notnull")?;
                    let pk: i64 = c.try_get("pk")?;
                    // SQLite reports a primary-key column as nullable; PostgreSQL as not null.
                    // BIGINT and INTEGER are one integer type in SQLite.
                    let ty = match ty.to_uppercase().as_str() {
                        "BIGINT" => "INTEGER".to_owned(),
                        other => other.to_owned(),
                    };
                    out.push(column(&t, &name, &ty, notnull != 0 || pk > 0, pk > 0));
                }
            }
            let idx: Vec<(String, String)> = sqlx::query_as(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'",
            )
            .fetch_all(p)
            .await?;
            out.extend(idx.into_iter().map(|(t, i)| format!("{t} index {i}")));
        }
        Pool::Postgres(p) => {
            let cols = sqlx::query(
                "SELECT c.table_name::TEXT AS t, c.column_name::TEXT AS name, c.data_type::TEXT AS ty, \
                        c.is_nullable::TEXT AS nullable, \
                        EXISTS (SELECT 1 FROM information_schema.table_constraints tc \
                                JOIN information_schema.key_column_usage k \
                                  ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema \
                                WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_name = c.table_name \
                                  AND tc.table_schema = c.table_schema AND k.column_name = c.column_name) AS pk \
                 FROM information_schema.columns c \
                 WHERE c.table_schema = current_schema() ORDER BY c.table_name, c.ordinal_position",
            )
            .fetch_all(p)
            .await?;
            for c in cols {
                let t: String = c.try_get("t")?;
                let name: String = c.try_get("name")?;
                let ty: String = c.try_get("ty")?;
                let nullable: String = c.try_get("nullable")?;
                let pk: bool = c.try_get("pk")?;
                let ty = match ty.as_str() {
                    "uuid" | "bytea" => "BLOB",
                    "timestamp with time zone" | "date" | "text" => "TEXT",
                    "bigint" => "INTEGER",
                    "boolean" => "BOOLEAN",
                    other => other,
                };
                out.push(column(&t, &name, ty, nullable == "NO", pk));
            }
            let idx: Vec<(String, String)> = sqlx::query_as(
                "SELECT tablename::TEXT, indexname::TEXT FROM pg_indexes WHERE schemaname = current_schema() \
                 AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key'",
            )
            .fetch_all(p)
            .await?;
            out.extend(idx.into_iter().map(|(t, i)| format!("{t} index {i}")));
        }
    }
    out.sort();
    Ok(out)
}

fn column(table: &str, name: &str, ty: &str, notnull: bool, pk: bool) -> String {
    format!(
        "{table}.{name} {ty}{}{}",
        if notnull { " not null" } else { "" },
        if pk { " pk" } else { "" }
    )
}
