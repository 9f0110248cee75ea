//! Agreements: a document per version (`doc::Table::Agreements`) with the provider beside it,
//! so that a provider's own agreements are found by an index rather than by reading every
//! purchaser's.

use crate::doc::{self, Doc, Table};
use crate::{on_tx, Result, Tx};
use chrono::{DateTime, Utc};
use domain::agreement::Agreement;
use uuid::Uuid;

const COLUMNS: &str = "id, owner_id, parent_id, status, data, created_at, updated_at";

/// Inserts one version and indexes its provider.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &mut Tx,
    id: Uuid,
    owner_id: Uuid,
    parent_id: Option<Uuid>,
    status: &str,
    data: &Agreement,
    now: DateTime<Utc>,
) -> Result<()> {
    doc::insert(
        tx,
        Table::Agreements,
        id,
        owner_id,
        parent_id,
        status,
        data,
        now,
    )
    .await?;
    on_tx!(tx, c => {
        sqlx::query("INSERT INTO agreement_parties (agreement_id, provider_id) VALUES ($1, $2)")
            .bind(id)
            .bind(data.provider)
            .execute(c)
            .await?;
    });
    Ok(())
}

/// Every version of every agreement a provider is party to, oldest first.
pub async fn of_provider(tx: &mut Tx, provider: Uuid) -> Result<Vec<Doc<Agreement>>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM agreements WHERE id IN \
         (SELECT agreement_id FROM agreement_parties WHERE provider_id = $1) \
         ORDER BY created_at, id"
    );
    doc::query(tx, Table::Agreements, &sql, provider).await
}
