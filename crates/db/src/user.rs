//! User accounts, their roles and the history of their rights.

use crate::{decode, on_tx, Result, Tx};
use chrono::{DateTime, Utc};
use domain::locale::Lang;
use domain::org::{Role, RoleChange, User};
use sqlx::Row;
use uuid::Uuid;

const COLUMNS: &str =
    "id, organisation_id, username, display_name, email, language, active, person_id, team, unit_id, created_at, updated_at";

/// What signing in needs to know about an account.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user_id: Uuid,
    pub organisation_id: Uuid,
    pub password_hash: String,
    pub active: bool,
    pub failed_sign_ins: i64,
    pub locked_until: Option<DateTime<Utc>>,
}

macro_rules! map_row {
    ($r:expr) => {{
        let r = $r;
        let lang: String = r.try_get("language")?;
        Ok::<_, crate::DbError>(User {
            id: r.try_get("id")?,
            organisation_id: r.try_get("organisation_id")?,
            username: r.try_get("username")?,
            display_name: r.try_get("display_name")?,
            email: r.try_get("email")?,
            language: decode("user language", &lang, Lang::parse)?,
            active: r.try_get("active")?,
            roles: Vec::new(),
            person_id: r.try_get("person_id")?,
            team: r.try_get("team")?,
            unit: r.try_get("unit_id")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
        })
    }};
}

pub struct NewUser<'a> {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: &'a str,
    pub language: Lang,
    pub password_hash: &'a str,
}

pub async fn insert(tx: &mut Tx, u: &NewUser<'_>, now: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO users (id, organisation_id, username, display_name, email, password_hash, language, \
             active, failed_sign_ins, locked_until, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, 0, NULL, $8, $8)",
        )
        .bind(u.id)
        .bind(u.organisation_id)
        .bind(u.username)
        .bind(u.display_name)
        .bind(u.email)
        .bind(u.password_hash)
        .bind(u.language.code())
        .bind(now)
        .execute(c)
        .await?;
    });
    Ok(())
}

/// Ties an account to a person of the client register (a client's or guardian's account).
pub async fn set_person(tx: &mut Tx, id: Uuid, person: Uuid) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE users SET person_id = $1 WHERE id = $2")
            .bind(person)
            .bind(id)
            .execute(c)
            .await?;
    });
    Ok(())
}

pub async fn update_profile(
    tx: &mut Tx,
    id: Uuid,
    username: &str,
    display_name: &str,
    email: &str,
    language: Lang,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, c => {
        sqlx::query(
            "UPDATE users SET username = $2, display_name = $3, email = $4, language = $5, updated_at = $6 \
             WHERE id = $1",
        )
        .bind(id)
        .bind(username)
        .bind(display_name)
        .bind(email)
        .bind(language.code())
        .bind(now)
        .execute(c)
        .await?
        .rows_affected()
    });
    Ok(n == 1)
}

/// Sets a provider user's service unit (703/2023 9 §: their access follows the commitments
/// that name it); none for every unit.
pub async fn set_unit(tx: &mut Tx, id: Uuid, unit: Option<Uuid>) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE users SET unit_id = $2 WHERE id = $1")
            .bind(id)
            .bind(unit)
            .execute(c)
            .await?;
    });
    Ok(())
}

/// Sets the user's team (703/2023 9 §: a county worker's access to clients follows it).
pub async fn set_team(tx: &mut Tx, id: Uuid, team: &str) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE users SET team = $2 WHERE id = $1")
            .bind(id)
            .bind(team)
            .execute(c)
            .await?;
    });
    Ok(())
}

pub async fn set_language(tx: &mut Tx, id: Uuid, language: Lang) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE users SET language = $2 WHERE id = $1")
            .bind(id)
            .bind(language.code())
            .execute(c)
            .await?;
    });
    Ok(())
}

pub async fn set_password(tx: &mut Tx, id: Uuid, hash: &str, now: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(hash)
            .bind(now)
            .execute(c)
            .await?;
    });
    Ok(())
}

pub async fn set_active(tx: &mut Tx, id: Uuid, active: bool, now: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, c => {
        sqlx::query("UPDATE users SET active = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(active)
            .bind(now)
            .execute(c)
            .await?
            .rows_affected()
    });
    Ok(n == 1)
}

async fn roles_of(tx: &mut Tx, id: Uuid) -> Result<Vec<Role>> {
    let codes: Vec<String> = on_tx!(tx, c => {
        sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
            .bind(id)
            .fetch_all(c)
            .await?
    });
    let mut roles = codes
        .iter()
        .map(|r| decode("role", r, Role::parse))
        .collect::<Result<Vec<_>>>()?;
    roles.sort();
    Ok(roles)
}

/// Who a session signs in, in one statement outside any transaction, since every request asks:
/// the session, its user with roles, and the kind and state of the user's organisation.
pub async fn by_session(db: &crate::Db, token_hash: &str) -> Result<Option<SignedIn>> {
    // Built once: every request runs it.
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "SELECT s.csrf_token, s.created_at AS session_created, s.expires_at AS session_expires, \
             o.kind AS org_kind, o.active AS org_active, r.role, {} \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             JOIN organisations o ON o.id = u.organisation_id \
             LEFT JOIN user_roles r ON r.user_id = u.id \
             WHERE s.token_hash = $1",
            COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    let rows = crate::on_pool!(db, p => sqlx::query(SQL.as_str()).bind(token_hash).fetch_all(p).await?
        .into_iter()
        .map(|r| {
            let role: Option<String> = r.try_get("role")?;
            let kind: String = r.try_get("org_kind")?;
            Ok::<_, crate::DbError>((
                map_row!(&r)?,
                role,
                r.try_get("csrf_token")?,
                r.try_get("session_created")?,
                r.try_get("session_expires")?,
                decode("organisation kind", &kind, domain::org::OrgKind::parse)?,
                r.try_get("org_active")?,
            ))
        })
        .collect::<Result<Vec<_>>>()?);
    let mut roles = Vec::new();
    let mut first = None;
    for (user, role, csrf_token, created_at, expires_at, org_kind, org_active) in rows {
        if let Some(r) = role {
            roles.push(decode("role", &r, Role::parse)?);
        }
        first.get_or_insert((
            user, csrf_token, created_at, expires_at, org_kind, org_active,
        ));
    }
    Ok(first.map(
        |(mut user, csrf_token, created_at, expires_at, org_kind, org_active)| {
            roles.sort();
            user.roles = roles;
            SignedIn {
                session: crate::session::SessionRow {
                    user_id: user.id,
                    csrf_token,
                    created_at,
                    expires_at,
                },
                user,
                org_kind,
                org_active,
            }
        },
    ))
}

/// What [`by_session`] finds.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session: crate::session::SessionRow,
    pub user: User,
    pub org_kind: domain::org::OrgKind,
    pub org_active: bool,
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    let user = on_tx!(tx, c => {
        match sqlx::query(&sql).bind(id).fetch_optional(c).await? {
            Some(r) => Some(map_row!(r)?),
            None => None,
        }
    });
    match user {
        Some(mut u) => {
            u.roles = roles_of(tx, id).await?;
            Ok(Some(u))
        }
        None => Ok(None),
    }
}

pub async fn id_by_username(tx: &mut Tx, username: &str) -> Result<Option<Uuid>> {
    on_tx!(tx, c => {
        Ok(sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(c)
            .await?)
    })
}

/// The users of an organisation with their roles, by name.
pub async fn list_for(tx: &mut Tx, org_id: Uuid) -> Result<Vec<User>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM users WHERE organisation_id = $1 ORDER BY display_name, username"
    );
    let mut users: Vec<User> = on_tx!(tx, c => {
        sqlx::query(&sql)
            .bind(org_id)
            .fetch_all(c)
            .await?
            .into_iter()
            .map(|r| map_row!(r))
            .collect::<Result<Vec<_>>>()?
    });
    // One query for all roles rather than one per user.
    let pairs: Vec<(Uuid, String)> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT r.user_id, r.role FROM user_roles r JOIN users u ON u.id = r.user_id \
             WHERE u.organisation_id = $1",
        )
        .bind(org_id)
        .fetch_all(c)
        .await?
    });
    for (uid, code) in pairs {
        let role = decode("role", &code, Role::parse)?;
        if let Some(u) = users.iter_mut().find(|u| u.id == uid) {
            u.roles.push(role);
        }
    }
    for u in &mut users {
        u.roles.sort();
    }
    Ok(users)
}

/// Sets the user's roles to `roles`, recording each grant and revocation.
pub async fn set_roles(
    tx: &mut Tx,
    id: Uuid,
    roles: &[Role],
    changed_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Vec<(Role, bool)>> {
    let old = roles_of(tx, id).await?;
    let diff = domain::org::role_diff(&old, roles);
    for (role, granted) in &diff {
        on_tx!(tx, c => {
            if *granted {
                sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                    .bind(id)
                    .bind(role.code())
                    .execute(&mut *c)
                    .await?;
            } else {
                sqlx::query("DELETE FROM user_roles WHERE user_id = $1 AND role = $2")
                    .bind(id)
                    .bind(role.code())
                    .execute(&mut *c)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO role_changes (id, user_id, role, granted, changed_by, changed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(Uuid::now_v7())
            .bind(id)
            .bind(role.code())
            .bind(*granted)
            .bind(changed_by)
            .bind(now)
            .execute(&mut *c)
            .await?;
        });
    }
    Ok(diff)
}

/// The history of the user's rights, oldest first.
pub async fn role_history(tx: &mut Tx, id: Uuid) -> Result<Vec<RoleChange>> {
    let rows = on_tx!(tx, c => {
        sqlx::query(
            "SELECT rc.role, rc.granted, rc.changed_by, rc.changed_at, u.display_name AS by_name \
             FROM role_changes rc LEFT JOIN users u ON u.id = rc.changed_by \
             WHERE rc.user_id = $1 ORDER BY rc.changed_at, rc.id",
        )
        .bind(id)
        .fetch_all(c)
        .await?
        .into_iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            Ok::<_, crate::DbError>(RoleChange {
                user_id: id,
                role: decode("role", &role, Role::parse)?,
                granted: r.try_get("granted")?,
                changed_by: r.try_get("changed_by")?,
                changed_by_name: r.try_get("by_name")?,
                changed_at: r.try_get("changed_at")?,
            })
        })
        .collect::<Result<Vec<_>>>()?
    });
    Ok(rows)
}

pub async fn credentials(tx: &mut Tx, username: &str) -> Result<Option<Credentials>> {
    on_tx!(tx, c => {
        match sqlx::query(
            "SELECT id, organisation_id, password_hash, active, failed_sign_ins, locked_until \
             FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(c)
        .await?
        {
            Some(r) => Ok(Some(Credentials {
                user_id: r.try_get("id")?,
                organisation_id: r.try_get("organisation_id")?,
                password_hash: r.try_get("password_hash")?,
                active: r.try_get("active")?,
                failed_sign_ins: r.try_get("failed_sign_ins")?,
                locked_until: r.try_get("locked_until")?,
            })),
            None => Ok(None),
        }
    })
}

/// Records a failed sign-in: the failures in a row so far, and the lock they led to, if any.
pub async fn record_failure(
    tx: &mut Tx,
    id: Uuid,
    failures: i64,
    lock_until: Option<DateTime<Utc>>,
) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE users SET failed_sign_ins = $2, locked_until = $3 WHERE id = $1")
        .bind(id)
        .bind(failures)
        .bind(lock_until)
        .execute(c)
        .await?;
    });
    Ok(())
}

pub async fn reset_failures(tx: &mut Tx, id: Uuid) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1")
            .bind(id)
            .execute(c)
            .await?;
    });
    Ok(())
}
