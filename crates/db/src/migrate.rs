//! Migrations, embedded in the binary: one folder per backend, kept in lockstep (same versions,
//! same names, and a test that the resulting schemas match).

use crate::{Db, DbError, Result};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

pub static MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "skeleton",
        sqlite: include_str!("../../../migrations/sqlite/0001_skeleton.sql"),
        postgres: include_str!("../../../migrations/postgres/0001_skeleton.sql"),
    },
    Migration {
        version: 2,
        name: "procurement",
        sqlite: include_str!("../../../migrations/sqlite/0002_procurement.sql"),
        postgres: include_str!("../../../migrations/postgres/0002_procurement.sql"),
    },
    Migration {
        version: 3,
        name: "clients",
        sqlite: include_str!("../../../migrations/sqlite/0003_clients.sql"),
        postgres: include_str!("../../../migrations/postgres/0003_clients.sql"),
    },
    Migration {
        version: 4,
        name: "delivery",
        sqlite: include_str!("../../../migrations/sqlite/0004_delivery.sql"),
        postgres: include_str!("../../../migrations/postgres/0004_delivery.sql"),
    },
    Migration {
        version: 5,
        name: "gate",
        sqlite: include_str!("../../../migrations/sqlite/0005_gate.sql"),
        postgres: include_str!("../../../migrations/postgres/0005_gate.sql"),
    },
    Migration {
        version: 6,
        name: "invoices",
        sqlite: include_str!("../../../migrations/sqlite/0006_invoices.sql"),
        postgres: include_str!("../../../migrations/postgres/0006_invoices.sql"),
    },
    Migration {
        version: 7,
        name: "invoice_exports",
        sqlite: include_str!("../../../migrations/sqlite/0007_invoice_exports.sql"),
        postgres: include_str!("../../../migrations/postgres/0007_invoice_exports.sql"),
    },
    Migration {
        version: 8,
        name: "invoice_commitments",
        sqlite: include_str!("../../../migrations/sqlite/0008_invoice_commitments.sql"),
        postgres: include_str!("../../../migrations/postgres/0008_invoice_commitments.sql"),
    },
    Migration {
        version: 9,
        name: "refused_files",
        sqlite: include_str!("../../../migrations/sqlite/0009_refused_files.sql"),
        postgres: include_str!("../../../migrations/postgres/0009_refused_files.sql"),
    },
    Migration {
        version: 10,
        name: "agreements",
        sqlite: include_str!("../../../migrations/sqlite/0010_agreements.sql"),
        postgres: include_str!("../../../migrations/postgres/0010_agreements.sql"),
    },
    Migration {
        version: 11,
        name: "follow_up_meetings",
        sqlite: include_str!("../../../migrations/sqlite/0011_follow_up_meetings.sql"),
        postgres: include_str!("../../../migrations/postgres/0011_follow_up_meetings.sql"),
    },
    Migration {
        version: 12,
        name: "cost_sharing",
        sqlite: include_str!("../../../migrations/sqlite/0012_cost_sharing.sql"),
        postgres: include_str!("../../../migrations/postgres/0012_cost_sharing.sql"),
    },
    Migration {
        version: 13,
        name: "registers",
        sqlite: include_str!("../../../migrations/sqlite/0013_registers.sql"),
        postgres: include_str!("../../../migrations/postgres/0013_registers.sql"),
    },
    Migration {
        version: 14,
        name: "agreement_payments",
        sqlite: include_str!("../../../migrations/sqlite/0014_agreement_payments.sql"),
        postgres: include_str!("../../../migrations/postgres/0014_agreement_payments.sql"),
    },
    Migration {
        version: 15,
        name: "log_requests",
        sqlite: include_str!("../../../migrations/sqlite/0015_log_requests.sql"),
        postgres: include_str!("../../../migrations/postgres/0015_log_requests.sql"),
    },
    Migration {
        version: 16,
        name: "soteri_registration",
        sqlite: include_str!("../../../migrations/sqlite/0016_soteri_registration.sql"),
        postgres: include_str!("../../../migrations/postgres/0016_soteri_registration.sql"),
    },
    Migration {
        version: 17,
        name: "deviations",
        sqlite: include_str!("../../../migrations/sqlite/0017_deviations.sql"),
        postgres: include_str!("../../../migrations/postgres/0017_deviations.sql"),
    },
    Migration {
        version: 18,
        name: "task_access",
        sqlite: include_str!("../../../migrations/sqlite/0018_task_access.sql"),
        postgres: include_str!("../../../migrations/postgres/0018_task_access.sql"),
    },
    Migration {
        version: 19,
        name: "retention",
        sqlite: include_str!("../../../migrations/sqlite/0019_retention.sql"),
        postgres: include_str!("../../../migrations/postgres/0019_retention.sql"),
    },
    Migration {
        version: 20,
        name: "record_versions",
        sqlite: include_str!("../../../migrations/sqlite/0020_record_versions.sql"),
        postgres: include_str!("../../../migrations/postgres/0020_record_versions.sql"),
    },
    Migration {
        version: 21,
        name: "user_unit",
        sqlite: include_str!("../../../migrations/sqlite/0021_user_unit.sql"),
        postgres: include_str!("../../../migrations/postgres/0021_user_unit.sql"),
    },
];

const CREATE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

pub(crate) async fn run(db: &Db) -> Result<Vec<&'static Migration>> {
    let mut applied = Vec::new();
    for m in MIGRATIONS {
        let mut tx = db.begin().await?;
        let now = chrono::Utc::now().to_rfc3339();
        let done: bool = crate::on_tx!(&mut tx, c => {
            sqlx::raw_sql(CREATE).execute(&mut *c).await?;
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migrations WHERE version = $1")
                .bind(m.version)
                .fetch_one(&mut *c)
                .await?;
            n > 0
        });
        if done {
            tx.rollback().await?;
            continue;
        }
        let sql = match db.backend() {
            crate::Backend::Sqlite => m.sqlite,
            crate::Backend::Postgres => m.postgres,
        };
        let wrap = |source| DbError::Migration {
            version: m.version,
            name: m.name,
            source,
        };
        crate::on_tx!(&mut tx, c => {
            sqlx::raw_sql(sql).execute(&mut *c).await.map_err(wrap)?;
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(m.version)
                .bind(m.name)
                .bind(&now)
                .execute(&mut *c)
                .await
                .map_err(wrap)?;
        });
        tx.commit().await?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
        applied.push(m);
    }
    Ok(applied)
}
