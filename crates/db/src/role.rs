//! The application's own PostgreSQL role. Migrations run as the schema's owner; the server runs
//! as a role that may read and change the application's tables but may only read and add to the
//! access log, so that not even the application itself (or whoever takes it over) can edit or
//! shorten the log that the Client Data Act (703/2023, 10 §) requires. The triggers of the
//! migrations refuse the same on both databases; the role's rights are the second wall.

use crate::{Backend, Db, DbError, Result};

/// What the role may do, as SQL for the owner to run: every table read and written, the
/// migration record only read, the access log only read and appended to, the versions of
/// client documents never changed.
fn grants(role: &str) -> Vec<String> {
    let r = format!("\"{role}\"");
    vec![
        format!("GRANT USAGE ON SCHEMA public TO {r}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}"),
        format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}"),
        format!("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM {r}"),
        format!("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {r}"),
        // Versions of client documents are added and, by the retention run, deleted; never
        // changed (703/2023 22 §).
        format!("REVOKE UPDATE, TRUNCATE ON record_versions FROM {r}"),
    ]
}

/// Gives an existing PostgreSQL role the rights the application needs to serve, and no more on
/// the access log. Run by the owner after each migration (new tables need their grants).
pub async fn grant_app_role(db: &Db, role: &str) -> Result<()> {
    let valid = !role.is_empty()
        && role.len() <= 63
        && role
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !role.starts_with(|c: char| c.is_ascii_digit());
    if !valid {
        return Err(DbError::InvalidRole(role.to_owned()));
    }
    if db.backend() != Backend::Postgres {
        return Err(DbError::InvalidRole(format!(
            "{role}: SQLite has no roles; the access log's triggers guard it there"
        )));
    }
    let mut tx = db.begin().await?;
    for sql in grants(role) {
        crate::on_tx!(tx, c => { sqlx::query(&sql).execute(&mut *c).await?; });
    }
    tx.commit().await
}
