//! The retention engine's storage (Client Data Act 703/2023, 23–24 §): what it reads of every
//! client to decide (a projection without names, codes or addresses), the destruction of one
//! client's documents, the runs that list what is due and their approval, and the destruction
//! log. The operator's process runs it, not a request: there is no user's grant to ask for, so
//! nothing here returns personal data.

use crate::{on_tx, Result, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// What the verdict needs of one client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFacts {
    pub id: Uuid,
    pub owner: Uuid,
    pub service_task: String,
    pub birth: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub died_on: Option<NaiveDate>,
    pub guardians: Vec<Uuid>,
    pub family: Option<Uuid>,
}

#[derive(serde::Deserialize)]
struct Projection {
    #[serde(default)]
    service_task: String,
    birth_date: NaiveDate,
    #[serde(default)]
    closed_on: Option<NaiveDate>,
    #[serde(default)]
    died_on: Option<NaiveDate>,
    #[serde(default)]
    guardians: Vec<Uuid>,
    #[serde(default)]
    family: Option<Uuid>,
}

/// Every client of every register, as the verdict reads them.
pub async fn client_facts(tx: &mut Tx) -> Result<Vec<ClientFacts>> {
    let rows: Vec<(Uuid, Uuid, String)> = on_tx!(tx, c => {
        sqlx::query_as("SELECT id, owner_id, data FROM clients ORDER BY id")
            .fetch_all(c)
            .await?
    });
    rows.into_iter()
        .map(|(id, owner, data)| {
            let p: Projection =
                serde_json::from_str(&data).map_err(|e| crate::DbError::Corrupt {
                    what: "clients",
                    value: e.to_string(),
                })?;
            Ok(ClientFacts {
                id,
                owner,
                service_task: p.service_task,
                birth: p.birth_date,
                closed_on: p.closed_on,
                died_on: p.died_on,
                guardians: p.guardians,
                family: p.family,
            })
        })
        .collect()
}

/// The document tables whose rows hang under a client (`parent_id`).
const CLIENT_DOCUMENTS: [&str; 7] = [
    "service_needs",
    "commitments",
    "service_plans",
    "monthly_reports",
    "log_requests",
    "exceptional_accesses",
    "attachments",
];

/// Destroys one client's documents and the client's record: the documents under it, its
/// visits and their confirmation codes, the family unit it was registered with, and the
/// person link of a family account (the account itself stays, deactivated, since the register
/// of users and rights keeps who had access). Invoices and settlement corrections are the
/// county's accounting records, kept under the Accounting Act; they carry commitment numbers,
/// no person. Returns the rows destroyed by table.
pub async fn destroy_client(
    tx: &mut Tx,
    id: Uuid,
    family: Option<Uuid>,
) -> Result<Vec<(&'static str, u64)>> {
    let mut out = Vec::new();
    on_tx!(tx, c => {
        let codes = sqlx::query(
            "DELETE FROM confirmation_codes WHERE visit_id IN (SELECT id FROM visits WHERE client_id = $1)",
        )
        .bind(id)
        .execute(&mut *c)
        .await?
        .rows_affected();
        out.push(("confirmation_codes", codes));
        let visits = sqlx::query("DELETE FROM visits WHERE client_id = $1")
            .bind(id)
            .execute(&mut *c)
            .await?
            .rows_affected();
        out.push(("visits", visits));
        let versions = sqlx::query("DELETE FROM record_versions WHERE client_id = $1")
            .bind(id)
            .execute(&mut *c)
            .await?
            .rows_affected();
        out.push(("record_versions", versions));
        for table in CLIENT_DOCUMENTS {
            let n = sqlx::query(&format!("DELETE FROM {table} WHERE parent_id = $1"))
                .bind(id)
                .execute(&mut *c)
                .await?
                .rows_affected();
            out.push((table, n));
        }
        let users = sqlx::query(
            "UPDATE users SET person_id = NULL, active = FALSE WHERE person_id = $1",
        )
        .bind(id)
        .execute(&mut *c)
        .await?
        .rows_affected();
        out.push(("family_accounts_unlinked", users));
        if let Some(f) = family {
            let n = sqlx::query("DELETE FROM families WHERE id = $1")
                .bind(f)
                .execute(&mut *c)
                .await?
                .rows_affected();
            out.push(("families", n));
        }
        let n = sqlx::query("DELETE FROM clients WHERE id = $1")
            .bind(id)
            .execute(&mut *c)
            .await?
            .rows_affected();
        out.push(("clients", n));
    });
    Ok(out)
}

/// A run: what was found due, and its approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub id: Uuid,
    pub proposed_at: DateTime<Utc>,
    /// The items as JSON, as the service wrote them.
    pub items: String,
    pub approved_at: Option<DateTime<Utc>>,
    pub approved_by: Option<String>,
}

pub async fn insert_run(tx: &mut Tx, id: Uuid, at: DateTime<Utc>, items: &str) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("INSERT INTO retention_runs (id, proposed_at, items) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(at)
            .bind(items)
            .execute(c)
            .await?;
    });
    Ok(())
}

pub async fn get_run(tx: &mut Tx, id: Uuid) -> Result<Option<Run>> {
    type Row = (
        Uuid,
        DateTime<Utc>,
        String,
        Option<DateTime<Utc>>,
        Option<String>,
    );
    let row: Option<Row> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT id, proposed_at, items, approved_at, approved_by FROM retention_runs WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(c)
        .await?
    });
    Ok(
        row.map(|(id, proposed_at, items, approved_at, approved_by)| Run {
            id,
            proposed_at,
            items,
            approved_at,
            approved_by,
        }),
    )
}

/// Marks a run approved; false when it already was (a run is carried out once).
pub async fn approve_run(tx: &mut Tx, id: Uuid, at: DateTime<Utc>, by: &str) -> Result<bool> {
    let n = on_tx!(tx, c => {
        sqlx::query(
            "UPDATE retention_runs SET approved_at = $2, approved_by = $3 WHERE id = $1 AND approved_at IS NULL",
        )
        .bind(id)
        .bind(at)
        .bind(by)
        .execute(c)
        .await?
        .rows_affected()
    });
    Ok(n == 1)
}

/// One destroyed client in the destruction log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destruction {
    pub id: Uuid,
    pub run_id: Uuid,
    pub destroyed_at: DateTime<Utc>,
    pub approved_by: String,
    pub register_owner: Uuid,
    pub client_id: Uuid,
    pub service_task: String,
    /// The rule as written, e.g. `working_age: 10 years after closure`.
    pub rule: String,
    pub trigger_date: NaiveDate,
    pub due_since: NaiveDate,
    /// The rows destroyed by table, e.g. `visits=12 commitments=2 clients=1`.
    pub documents: String,
}

pub async fn insert_destruction(tx: &mut Tx, d: &Destruction) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO destruction_log (id, run_id, destroyed_at, approved_by, register_owner, client_id, \
             service_task, rule, trigger_date, due_since, documents) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(d.id)
        .bind(d.run_id)
        .bind(d.destroyed_at)
        .bind(&d.approved_by)
        .bind(d.register_owner)
        .bind(d.client_id)
        .bind(&d.service_task)
        .bind(&d.rule)
        .bind(d.trigger_date.to_string())
        .bind(d.due_since.to_string())
        .bind(&d.documents)
        .execute(c)
        .await?;
    });
    Ok(())
}

/// The destruction log, oldest first.
pub async fn destruction_log(tx: &mut Tx) -> Result<Vec<Destruction>> {
    type Row = (
        Uuid,
        Uuid,
        DateTime<Utc>,
        String,
        Uuid,
        Uuid,
        String,
        String,
        String,
        String,
        String,
    );
    let rows: Vec<Row> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT id, run_id, destroyed_at, approved_by, register_owner, client_id, service_task, rule, \
             trigger_date, due_since, documents FROM destruction_log ORDER BY destroyed_at, id",
        )
        .fetch_all(c)
        .await?
    });
    let date = |s: &str| crate::decode("destruction date", s, |s| s.parse().ok());
    rows.into_iter()
        .map(|r| {
            Ok(Destruction {
                id: r.0,
                run_id: r.1,
                destroyed_at: r.2,
                approved_by: r.3,
                register_owner: r.4,
                client_id: r.5,
                service_task: r.6,
                rule: r.7,
                trigger_date: date(&r.8)?,
                due_since: date(&r.9)?,
                documents: r.10,
            })
        })
        .collect()
}
