//! The client register: client documents with the identity code in a column of its own, found
//! only by exact match and never read back into a document.
//!
//! A client's personal data is read here and nowhere else, and only with the gate's
//! [`Grant`] for the purchaser whose register it is: the register's tables are not in
//! `doc::Table`, so a use case that has not passed the gate has no way to name them.
//!
//! ```no_run
//! // With the gate's grant it compiles (the two below differ only in what they leave out).
//! async fn read(tx: &mut db::Tx, grant: &domain::access::Grant, id: uuid::Uuid) {
//!     let c: Option<db::doc::Doc<serde_json::Value>> =
//!         db::client::get(tx, grant, id).await.unwrap();
//! }
//! ```
//!
//! ```compile_fail,E0061
//! // Reading a client needs a grant, which only the gate (service's `authorize`) hands out.
//! async fn peek(tx: &mut db::Tx, id: uuid::Uuid) {
//!     let c: Option<db::doc::Doc<serde_json::Value>> = db::client::get(tx, id).await.unwrap();
//! }
//! ```
//!
//! ```compile_fail,E0599
//! // Nor through the generic documents: the register's tables are not among them.
//! async fn peek(tx: &mut db::Tx, id: uuid::Uuid) {
//!     let c: Option<db::doc::Doc<serde_json::Value>> =
//!         db::doc::get(tx, db::doc::Table::Clients, id).await.unwrap();
//! }
//! ```

use crate::doc::{self, Doc, Filter, Store, Table};
use crate::{on_tx, DbError, Result, Tx};
use chrono::{DateTime, Utc};
use domain::access::Grant;
use domain::version::{Change, Version};
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

/// A new client in the register the grant opens.
pub async fn insert<T: Serialize>(
    tx: &mut Tx,
    grant: &Grant,
    id: Uuid,
    identity_code: &str,
    data: &T,
    now: DateTime<Utc>,
) -> Result<()> {
    let owner_id = register(grant)?;
    let json = serde_json::to_string(data).map_err(|e| DbError::Corrupt {
        what: "clients",
        value: e.to_string(),
    })?;
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO clients (id, owner_id, parent_id, status, identity_code, data, created_at, updated_at) \
             VALUES ($1, $2, NULL, 'active', $3, $4, $5, $5)",
        )
        .bind(id)
        .bind(owner_id)
        .bind(identity_code)
        .bind(&json)
        .bind(now)
        .execute(c)
        .await?;
    });
    Ok(())
}

/// The register a grant opens, or the refusal of a grant that opens none.
fn register(grant: &Grant) -> Result<Uuid> {
    grant.register().ok_or(DbError::Corrupt {
        what: "grant",
        value: format!("{:?} opens no client register", grant.resource()),
    })
}

/// The register a client is kept in, and nothing else about them: what the gate needs to ask
/// the policy before anything of the client is read.
pub async fn owner_of(tx: &mut Tx, id: Uuid) -> Result<Option<Uuid>> {
    Ok(on_tx!(tx, c => {
        sqlx::query_scalar("SELECT owner_id FROM clients WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await?
    }))
}

/// Updates a client of the grant's register; false when the register holds no such client.
/// `status` is `active` or `closed`.
#[allow(clippy::too_many_arguments)]
pub async fn update<T: Serialize>(
    tx: &mut Tx,
    grant: &Grant,
    id: Uuid,
    status: &str,
    data: &T,
    now: DateTime<Utc>,
    change: &Change,
) -> Result<bool> {
    let owner = register(grant)?;
    if owner_of(tx, id).await? != Some(owner) {
        return Ok(false);
    }
    doc::revise_in(tx, Store::Clients, id, status, data, now, change).await
}

/// The earlier versions of a client's record in the grant's register, oldest first.
pub async fn versions<T: DeserializeOwned>(
    tx: &mut Tx,
    grant: &Grant,
    id: Uuid,
) -> Result<Vec<Version<T>>> {
    let owner = register(grant)?;
    if owner_of(tx, id).await? != Some(owner) {
        return Ok(Vec::new());
    }
    crate::versions::of(tx, crate::versions::Versioned::Clients, id).await
}

/// Who holds a client by task: the client's team and responsible worker, and nothing else of
/// the record. Read before the gate is asked, since a county worker's access follows them
/// (703/2023 9 §); no personal data leaves this function.
pub async fn task_of(tx: &mut Tx, id: Uuid) -> Result<Option<(String, Option<Uuid>)>> {
    #[derive(serde::Deserialize)]
    struct Task {
        #[serde(default)]
        team: String,
        #[serde(default)]
        responsible_worker: Option<Uuid>,
    }
    let data: Option<String> = on_tx!(tx, c => {
        sqlx::query_scalar("SELECT data FROM clients WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await?
    });
    match data {
        None => Ok(None),
        Some(d) => {
            let t: Task = serde_json::from_str(&d).map_err(|e| crate::DbError::Corrupt {
                what: "clients",
                value: e.to_string(),
            })?;
            Ok(Some((t.team, t.responsible_worker)))
        }
    }
}

/// The registers these people are kept in, by person, in one query per 500: for the rows that
/// must name whose register a list's people belong to. People not in any register are left out.
pub async fn owners_of(tx: &mut Tx, ids: &[Uuid]) -> Result<std::collections::HashMap<Uuid, Uuid>> {
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(Uuid, Uuid)> = on_tx!(tx, c => {
            let mut qb = sqlx::QueryBuilder::new("SELECT id, owner_id FROM clients WHERE id IN (");
            let mut sep = qb.separated(", ");
            for id in chunk {
                sep.push_bind(*id);
            }
            qb.push(")");
            qb.build_query_as().persistent(false).fetch_all(c).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// What decisions about a client need, and nothing that names them: the register, the
/// guardians (who may confirm for them), the birth date (from which age a client confirms their
/// own visits; the age group of an anonymous competition) and the home municipality.
#[derive(Debug, Clone)]
pub struct ClientKeys {
    pub owner_id: Uuid,
    pub guardians: Vec<Uuid>,
    pub birth_date: chrono::NaiveDate,
    pub home_municipality: String,
}

#[derive(serde::Deserialize)]
struct KeyFields {
    #[serde(default)]
    guardians: Vec<Uuid>,
    birth_date: chrono::NaiveDate,
    #[serde(default)]
    home_municipality: String,
}

/// The [`ClientKeys`] of a client, without a grant: they are what the gate asks the policy with.
pub async fn keys(tx: &mut Tx, id: Uuid) -> Result<Option<ClientKeys>> {
    let Some(d) = doc::get_in::<KeyFields>(tx, Store::Clients, id).await? else {
        return Ok(None);
    };
    Ok(Some(ClientKeys {
        owner_id: d.owner_id,
        guardians: d.data.guardians,
        birth_date: d.data.birth_date,
        home_municipality: d.data.home_municipality,
    }))
}

/// The client, if the grant opens the register they are kept in.
pub async fn get<T: serde::de::DeserializeOwned>(
    tx: &mut Tx,
    grant: &Grant,
    id: Uuid,
) -> Result<Option<Doc<T>>> {
    let owner = register(grant)?;
    Ok(doc::get_in(tx, Store::Clients, id)
        .await?
        .filter(|d: &Doc<T>| d.owner_id == owner))
}

/// The clients of the register the grant opens, oldest first.
pub async fn list<T: serde::de::DeserializeOwned>(
    tx: &mut Tx,
    grant: &Grant,
    parent: Option<Uuid>,
) -> Result<Vec<Doc<T>>> {
    let owner = register(grant)?;
    let f = Filter {
        owner: Some(owner),
        parent,
        status: None,
    };
    doc::list_in(tx, Store::Clients, f).await
}

/// The clients of the grant's register that `person` is, or is a guardian of: a family's own
/// account sees these and no one else. Chosen in the query (the person's id in the client's
/// row); the caller still checks the guardianship on each row it gets.
pub async fn family_of<T: serde::de::DeserializeOwned>(
    tx: &mut Tx,
    grant: &Grant,
    person: Uuid,
) -> Result<Vec<Doc<T>>> {
    let owner = register(grant)?;
    doc::query_owner_id_like(
        tx,
        Store::Clients,
        "SELECT id, owner_id, parent_id, status, data, created_at, updated_at FROM clients \
         WHERE owner_id = $1 AND (id = $2 OR data LIKE $3) ORDER BY created_at, id",
        (owner, person, &format!("%{person}%")),
    )
    .await
}

/// A family of the register the grant opens.
pub async fn insert_family<T: Serialize>(
    tx: &mut Tx,
    grant: &Grant,
    id: Uuid,
    data: &T,
    now: DateTime<Utc>,
) -> Result<()> {
    let owner = register(grant)?;
    doc::insert_in(tx, Store::Families, id, owner, None, "active", data, now).await
}

/// The client of the grant's register with exactly this identity code.
pub async fn by_identity_code<T: serde::de::DeserializeOwned>(
    tx: &mut Tx,
    grant: &Grant,
    identity_code: &str,
) -> Result<Option<Doc<T>>> {
    let owner_id = register(grant)?;
    let id: Option<Uuid> = on_tx!(tx, c => {
        sqlx::query_scalar("SELECT id FROM clients WHERE owner_id = $1 AND identity_code = $2")
            .bind(owner_id)
            .bind(identity_code)
            .fetch_optional(c)
            .await?
    });
    match id {
        Some(id) => get(tx, grant, id).await,
        None => Ok(None),
    }
}

/// Every identity code the grant's register holds, by client id: for the checks that look
/// for a code where it must not be (the route walk of the tests), never for a page.
pub async fn identity_codes(tx: &mut Tx, grant: &Grant) -> Result<Vec<(Uuid, String)>> {
    let owner_id = register(grant)?;
    Ok(on_tx!(tx, c => {
        sqlx::query_as("SELECT id, identity_code FROM clients WHERE owner_id = $1")
            .bind(owner_id)
            .fetch_all(c)
            .await?
    }))
}

/// Next commitment serial for a year, counted in the same transaction as the commitment. The
/// serial runs over all purchasers (each keeps its own row, the next is one past the highest),
/// so that a number names one commitment: providers send visits by number.
pub async fn next_commitment_serial(tx: &mut Tx, owner_id: Uuid, year: i32) -> Result<u32> {
    let y = i64::from(year);
    let last: i64 = on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO commitment_serials (owner_id, year, last) VALUES ($1, $2, 0) \
             ON CONFLICT (owner_id, year) DO NOTHING",
        )
        .bind(owner_id)
        .bind(y)
        .execute(&mut *c)
        .await?;
        sqlx::query_scalar(
            "UPDATE commitment_serials SET last = (SELECT MAX(s.last) FROM commitment_serials s \
             WHERE s.year = $2) + 1 WHERE owner_id = $1 AND year = $2 RETURNING last",
        )
        .bind(owner_id)
        .bind(y)
        .fetch_one(&mut *c)
        .await?
    });
    u32::try_from(last).map_err(|_| DbError::Corrupt {
        what: "commitment serial",
        value: last.to_string(),
    })
}

/// Keeps the commitment's number and provider in columns of their own, so that visits sent by
/// number find their commitment and a provider's list is filtered in the query, without reading
/// every document.
pub async fn set_commitment_keys(
    tx: &mut Tx,
    id: Uuid,
    number: &str,
    provider: Uuid,
) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE commitments SET number = $1, provider_id = $2 WHERE id = $3")
            .bind(number)
            .bind(provider)
            .bind(id)
            .execute(c)
            .await?;
    });
    Ok(())
}

/// Whose commitments a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitmentScope {
    /// Those a purchaser sent.
    Purchaser(Uuid),
    /// Those sent to a provider.
    Provider(Uuid),
}

/// Every version of the commitments in `scope`, oldest first.
pub async fn commitments_in<T: serde::de::DeserializeOwned>(
    tx: &mut Tx,
    scope: CommitmentScope,
) -> Result<Vec<Doc<T>>> {
    let (sql, org) = match scope {
        CommitmentScope::Purchaser(o) => (
            "SELECT id, owner_id, parent_id, status, data, created_at, updated_at FROM commitments \
             WHERE owner_id = $1 ORDER BY created_at, id",
            o,
        ),
        CommitmentScope::Provider(o) => (
            "SELECT id, owner_id, parent_id, status, data, created_at, updated_at FROM commitments \
             WHERE provider_id = $1 ORDER BY created_at, id",
            o,
        ),
    };
    crate::doc::query(tx, Table::Commitments, sql, org).await
}

/// Every version of the commitments with these numbers, in one query per 500 numbers (a bulk
/// request names thousands).
pub async fn commitments_by_numbers<T: serde::de::DeserializeOwned>(
    tx: &mut Tx,
    numbers: &[&str],
) -> Result<Vec<Doc<T>>> {
    let mut out = Vec::new();
    for chunk in numbers.chunks(500) {
        out.extend(
            crate::doc::query_in(
                tx,
                Table::Commitments,
                "SELECT id, owner_id, parent_id, status, data, created_at, updated_at \
                 FROM commitments WHERE number IN (",
                chunk,
            )
            .await?,
        );
    }
    Ok(out)
}
