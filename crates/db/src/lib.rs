//! Storage on SQLite (the embedded default) and PostgreSQL (production). The only crate that
//! writes SQL.
//!
//! Every query is one SQL text in the dialect both databases accept (`$n` placeholders,
//! `RETURNING`, no `ILIKE`), run through [`on_tx!`], which expands the same code once per backend:
//! the backend is an enum, not a trait object, so each arm is compiled with the concrete driver.

pub mod agreement;
pub mod api_key;
pub mod audit;
pub mod client;
pub mod cost_sharing;
pub mod doc;
pub mod invoice;
mod journal;
mod migrate;
pub mod organisation;
pub mod register;
pub mod retention;
pub mod role;
pub mod schema;
pub mod session;
pub mod unit;
pub mod user;
pub mod versions;
pub mod visit;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub use migrate::Migration;

/// How many migrations the binary carries.
pub fn migrate_count() -> usize {
    migrate::MIGRATIONS.len()
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error(
        "unknown database URL scheme in {0:?}: expected a file path, sqlite:// or postgres://"
    )]
    UnknownUrl(String),
    #[error("stored {what} is not valid: {value:?}")]
    Corrupt { what: &'static str, value: String },
    #[error("not a role name this can grant to (lowercase letters, digits, _): {0}")]
    InvalidRole(String),
    #[error(
        "{0} keeps versions (703/2023 22 §): change it through a function that names the change"
    )]
    Unversioned(&'static str),
    #[error("access log: the group commit failed: {0}")]
    Journal(String),
    #[error("migration {version} ({name}): {source}")]
    Migration {
        version: i64,
        name: &'static str,
        source: sqlx::Error,
    },
}

impl DbError {
    /// Whether the error is a unique-constraint violation (on either backend).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            DbError::Sqlx(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }
}

pub type Result<T> = std::result::Result<T, DbError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool to one of the two backends, and the access log's group commit for the
/// reads made through it.
#[derive(Debug, Clone)]
pub struct Db {
    pool: Pool,
    journal: Arc<journal::Journal>,
}

#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A transaction: a write transaction ([`Db::begin`]; on SQLite `BEGIN IMMEDIATE`, so that it
/// holds the write lock from the start and never fails half-way with `SQLITE_BUSY` on upgrade),
/// or a read transaction ([`Db::begin_read`]) whose access-log rows are kept aside and written at
/// [`Tx::commit`] by the group commit, together with those of every other read finishing then.
pub struct Tx {
    pub(crate) conn: Conn,
    /// `Some` for a read transaction: the log rows to write when it commits.
    deferred: Option<Deferred>,
}

pub(crate) enum Conn {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

struct Deferred {
    db: Db,
    rows: Vec<journal::Row>,
}

/// Runs the same block against whichever backend a [`Tx`] holds. Inside the block `$c` is a
/// `&mut` connection of the concrete driver.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match &mut $tx.conn {
            $crate::Conn::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Conn::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// As [`on_tx!`], for one statement on the pool outside a transaction (a single statement is
/// atomic by itself): `$c` is the concrete pool.
macro_rules! on_pool {
    ($db:expr, $c:ident => $body:expr) => {
        match $db.pool() {
            $crate::Pool::Sqlite($c) => $body,
            $crate::Pool::Postgres($c) => $body,
        }
    };
}
pub(crate) use on_pool;

impl Db {
    /// Connects to `url`: `postgres://…` or `postgresql://…` for PostgreSQL; `sqlite://PATH`,
    /// `sqlite::memory:` or a bare file path for SQLite (the file is created if missing).
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            return Ok(Db::new(Pool::Postgres(pool)));
        }
        let opts = if url.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(url)?
        } else if url.contains("://") {
            return Err(DbError::UnknownUrl(url.to_owned()));
        } else {
            SqliteConnectOptions::new().filename(url)
        };
        let opts = opts
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        Ok(Db::new(Pool::Sqlite(pool)))
    }

    fn new(pool: Pool) -> Db {
        Db {
            pool,
            journal: Arc::new(journal::Journal::default()),
        }
    }

    pub(crate) fn pool(&self) -> &Pool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// A write transaction; its log rows are appended in it, kept or rolled back with the change.
    pub async fn begin(&self) -> Result<Tx> {
        let conn = match &self.pool {
            Pool::Sqlite(p) => Conn::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Conn::Postgres(p.begin().await?),
        };
        Ok(Tx {
            conn,
            deferred: None,
        })
    }

    /// A transaction that only reads. On SQLite it is begun deferred, so that it does not take
    /// the write lock and runs beside the one writer (WAL); it must not write. The access-log rows
    /// of what it read are written when it commits, by the group commit (see `journal`), and
    /// [`Tx::commit`] returns only once they are in the log: a page is never sent before the
    /// row that records its reading.
    pub async fn begin_read(&self) -> Result<Tx> {
        let conn = match &self.pool {
            Pool::Sqlite(p) => Conn::Sqlite(p.begin().await?),
            Pool::Postgres(p) => Conn::Postgres(p.begin().await?),
        };
        Ok(Tx {
            conn,
            deferred: Some(Deferred {
                db: self.clone(),
                rows: Vec::new(),
            }),
        })
    }

    /// Whether the database answers; for `/readyz`.
    pub async fn ping(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::query("SELECT 1").execute(p).await.map(|_| ()),
            Pool::Postgres(p) => sqlx::query("SELECT 1").execute(p).await.map(|_| ()),
        }
        .map_err(DbError::from)
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }

    /// Applies the migrations not yet applied; returns those it applied.
    pub async fn migrate(&self) -> Result<Vec<&'static Migration>> {
        migrate::run(self).await
    }

    /// Runs raw SQL outside the model. For tests and tooling that must reach behind the
    /// application, such as a test that tampers with the access log.
    pub async fn execute_raw(&self, sql: &str) -> Result<u64> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await?.rows_affected(),
            Pool::Postgres(p) => sqlx::raw_sql(sql).execute(p).await?.rows_affected(),
        })
    }
}

impl Conn {
    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            Conn::Sqlite(t) => t.commit().await?,
            Conn::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

impl Tx {
    /// Commits; for a read transaction, then waits until its log rows are in the log.
    pub async fn commit(self) -> Result<()> {
        self.conn.commit().await?;
        if let Some(d) = self.deferred {
            d.db.journal.write(&d.db, d.rows).await?;
        }
        Ok(())
    }

    /// Rolls back; the log rows of a read transaction are dropped with it, as a write
    /// transaction's are.
    pub async fn rollback(self) -> Result<()> {
        match self.conn {
            Conn::Sqlite(t) => t.rollback().await?,
            Conn::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.conn {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }

    /// The read transaction's rows kept for the group commit; `None` for a write transaction,
    /// which appends in itself.
    pub(crate) fn deferred_rows(&mut self) -> Option<&mut Vec<journal::Row>> {
        self.deferred.as_mut().map(|d| &mut d.rows)
    }
}

/// Decodes a stored code into its enum, or reports the stored value as corrupt.
pub(crate) fn decode<T>(
    what: &'static str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T> {
    parse(value).ok_or_else(|| DbError::Corrupt {
        what,
        value: value.to_owned(),
    })
}
