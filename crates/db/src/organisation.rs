//! Organisations: purchasers and providers.

use crate::{decode, on_tx, Result, Tx};
use chrono::{DateTime, Utc};
use domain::ident::BusinessId;
use domain::org::{OrgKind, Organisation, OrganisationData};
use sqlx::Row;
use uuid::Uuid;

const COLUMNS: &str =
    "id, kind, name, business_id, street_address, postal_code, city, email, phone, \
                       active, created_at, updated_at";

macro_rules! map_row {
    ($r:expr) => {{
        let r = $r;
        let kind: String = r.try_get("kind")?;
        let bid: String = r.try_get("business_id")?;
        Ok::<_, crate::DbError>(Organisation {
            id: r.try_get("id")?,
            kind: decode("organisation kind", &kind, OrgKind::parse)?,
            name: r.try_get("name")?,
            business_id: decode("business ID", &bid, |s| BusinessId::parse(s).ok())?,
            street_address: r.try_get("street_address")?,
            postal_code: r.try_get("postal_code")?,
            city: r.try_get("city")?,
            email: r.try_get("email")?,
            phone: r.try_get("phone")?,
            active: r.try_get("active")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
        })
    }};
}

pub async fn insert(tx: &mut Tx, id: Uuid, d: &OrganisationData, now: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO organisations (id, kind, name, business_id, street_address, postal_code, city, \
             email, phone, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, $10, $10)",
        )
        .bind(id)
        .bind(d.kind.code())
        .bind(&d.name)
        .bind(d.business_id.as_str())
        .bind(&d.street_address)
        .bind(&d.postal_code)
        .bind(&d.city)
        .bind(&d.email)
        .bind(&d.phone)
        .bind(now)
        .execute(c)
        .await?;
    });
    Ok(())
}

/// Updates the details; the kind of an organisation never changes.
pub async fn update(
    tx: &mut Tx,
    id: Uuid,
    d: &OrganisationData,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, c => {
        sqlx::query(
            "UPDATE organisations SET name = $2, business_id = $3, street_address = $4, postal_code = $5, \
             city = $6, email = $7, phone = $8, updated_at = $9 WHERE id = $1",
        )
        .bind(id)
        .bind(&d.name)
        .bind(d.business_id.as_str())
        .bind(&d.street_address)
        .bind(&d.postal_code)
        .bind(&d.city)
        .bind(&d.email)
        .bind(&d.phone)
        .bind(now)
        .execute(c)
        .await?
        .rows_affected()
    });
    Ok(n == 1)
}

pub async fn set_active(tx: &mut Tx, id: Uuid, active: bool, now: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, c => {
        sqlx::query("UPDATE organisations SET active = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(active)
            .bind(now)
            .execute(c)
            .await?
            .rows_affected()
    });
    Ok(n == 1)
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<Organisation>> {
    let sql = format!("SELECT {COLUMNS} FROM organisations WHERE id = $1");
    on_tx!(tx, c => {
        match sqlx::query(&sql).bind(id).fetch_optional(c).await? {
            Some(r) => Ok(Some(map_row!(r)?)),
            None => Ok(None),
        }
    })
}

pub async fn by_business_id(tx: &mut Tx, bid: &BusinessId) -> Result<Option<Organisation>> {
    let sql = format!("SELECT {COLUMNS} FROM organisations WHERE business_id = $1");
    on_tx!(tx, c => {
        match sqlx::query(&sql).bind(bid.as_str()).fetch_optional(c).await? {
            Some(r) => Ok(Some(map_row!(r)?)),
            None => Ok(None),
        }
    })
}

/// All organisations, purchasers first, then by name.
pub async fn list(tx: &mut Tx) -> Result<Vec<Organisation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM organisations \
         ORDER BY CASE WHEN kind IN ('county', 'municipality') THEN 0 ELSE 1 END, name"
    );
    on_tx!(tx, c => {
        sqlx::query(&sql)
            .fetch_all(c)
            .await?
            .into_iter()
            .map(|r| map_row!(r))
            .collect()
    })
}
