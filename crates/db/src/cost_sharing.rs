//! Cost-sharing agreements: a document each (`doc::Table::CostSharings`) with its parties
//! beside it, so that a party's agreements are found by an index rather than by reading every
//! host's. Costs, rounds and recharges are plain documents under the agreement.

use crate::doc::{self, Doc, Table};
use crate::{on_tx, Result, Tx};
use chrono::{DateTime, Utc};
use domain::cost_sharing::Sharing;
use uuid::Uuid;

const COLUMNS: &str = "id, owner_id, parent_id, status, data, created_at, updated_at";

/// Inserts an agreement and indexes its parties.
pub async fn insert(tx: &mut Tx, id: Uuid, data: &Sharing, now: DateTime<Utc>) -> Result<()> {
    doc::insert(
        tx,
        Table::CostSharings,
        id,
        data.host,
        None,
        "active",
        data,
        now,
    )
    .await?;
    for p in &data.parties {
        on_tx!(tx, c => {
            sqlx::query("INSERT INTO cost_sharing_parties (sharing_id, org_id) VALUES ($1, $2)")
                .bind(id)
                .bind(p.org)
                .execute(c)
                .await?;
        });
    }
    Ok(())
}

/// Every agreement an organisation hosts or is party to, oldest first.
pub async fn of_party(tx: &mut Tx, org: Uuid) -> Result<Vec<Doc<Sharing>>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM cost_sharings WHERE id IN \
         (SELECT sharing_id FROM cost_sharing_parties WHERE org_id = $1) \
         ORDER BY created_at, id"
    );
    doc::query(tx, Table::CostSharings, &sql, org).await
}
