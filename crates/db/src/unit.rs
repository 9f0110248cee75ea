//! Providers' service units.

use crate::{decode, on_tx, Result, Tx};
use chrono::{DateTime, Utc};
use domain::locale::Lang;
use domain::org::{ServiceUnit, ServiceUnitData};
use sqlx::Row;
use uuid::Uuid;

const COLUMNS: &str =
    "id, organisation_id, name, street_address, postal_code, city, municipality, \
                       soteri_number, soteri_registered, oid, languages, served_municipalities, capacity, \
                       free_capacity, active, created_at, updated_at";

fn langs_to_db(l: &[Lang]) -> String {
    l.iter().map(|l| l.code()).collect::<Vec<_>>().join(",")
}

fn langs_from_db(s: &str) -> Result<Vec<Lang>> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| decode("unit language", p, Lang::parse))
        .collect()
}

macro_rules! map_row {
    ($r:expr) => {{
        let r = $r;
        let langs: String = r.try_get("languages")?;
        Ok::<_, crate::DbError>(ServiceUnit {
            id: r.try_get("id")?,
            organisation_id: r.try_get("organisation_id")?,
            name: r.try_get("name")?,
            street_address: r.try_get("street_address")?,
            postal_code: r.try_get("postal_code")?,
            city: r.try_get("city")?,
            municipality: r.try_get("municipality")?,
            soteri_number: r.try_get("soteri_number")?,
            soteri_registered: r.try_get("soteri_registered")?,
            oid: r.try_get("oid")?,
            languages: langs_from_db(&langs)?,
            served_municipalities: {
                let s: String = r.try_get("served_municipalities")?;
                s.split('\n')
                    .filter(|m| !m.is_empty())
                    .map(str::to_owned)
                    .collect()
            },
            capacity: r.try_get("capacity")?,
            free_capacity: r.try_get("free_capacity")?,
            active: r.try_get("active")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
        })
    }};
}

pub async fn insert(
    tx: &mut Tx,
    id: Uuid,
    org_id: Uuid,
    d: &ServiceUnitData,
    now: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO service_units (id, organisation_id, name, street_address, postal_code, city, \
             municipality, soteri_number, oid, languages, served_municipalities, capacity, \
             free_capacity, active, created_at, updated_at, soteri_registered) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $12, $13, $14, TRUE, $11, $11, $15)",
        )
        .bind(id)
        .bind(org_id)
        .bind(&d.name)
        .bind(&d.street_address)
        .bind(&d.postal_code)
        .bind(&d.city)
        .bind(&d.municipality)
        .bind(&d.soteri_number)
        .bind(&d.oid)
        .bind(langs_to_db(&d.languages))
        .bind(now)
        .bind(d.served_municipalities.join("\n"))
        .bind(d.capacity)
        .bind(d.free_capacity)
        .bind(d.soteri_registered)
        .execute(c)
        .await?;
    });
    Ok(())
}

pub async fn update(
    tx: &mut Tx,
    id: Uuid,
    d: &ServiceUnitData,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, c => {
        sqlx::query(
            "UPDATE service_units SET name = $2, street_address = $3, postal_code = $4, city = $5, \
             municipality = $6, soteri_number = $7, oid = $8, languages = $9, updated_at = $10, \
             served_municipalities = $11, capacity = $12, free_capacity = $13, \
             soteri_registered = $14 WHERE id = $1",
        )
        .bind(id)
        .bind(&d.name)
        .bind(&d.street_address)
        .bind(&d.postal_code)
        .bind(&d.city)
        .bind(&d.municipality)
        .bind(&d.soteri_number)
        .bind(&d.oid)
        .bind(langs_to_db(&d.languages))
        .bind(now)
        .bind(d.served_municipalities.join("\n"))
        .bind(d.capacity)
        .bind(d.free_capacity)
        .bind(d.soteri_registered)
        .execute(c)
        .await?
        .rows_affected()
    });
    Ok(n == 1)
}

pub async fn set_active(tx: &mut Tx, id: Uuid, active: bool, now: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, c => {
        sqlx::query("UPDATE service_units SET active = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(active)
            .bind(now)
            .execute(c)
            .await?
            .rows_affected()
    });
    Ok(n == 1)
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<ServiceUnit>> {
    let sql = format!("SELECT {COLUMNS} FROM service_units WHERE id = $1");
    on_tx!(tx, c => {
        match sqlx::query(&sql).bind(id).fetch_optional(c).await? {
            Some(r) => Ok(Some(map_row!(r)?)),
            None => Ok(None),
        }
    })
}

pub async fn list_for(tx: &mut Tx, org_id: Uuid) -> Result<Vec<ServiceUnit>> {
    let sql =
        format!("SELECT {COLUMNS} FROM service_units WHERE organisation_id = $1 ORDER BY name");
    on_tx!(tx, c => {
        sqlx::query(&sql)
            .bind(org_id)
            .fetch_all(c)
            .await?
            .into_iter()
            .map(|r| map_row!(r))
            .collect()
    })
}
