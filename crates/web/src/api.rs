//! The JSON API for integrations, under `/api/v1`. Same session, same use cases, same access log
//! as the pages; errors carry a stable code, a message in the caller's language and, for bad
//! input, one entry per field. Unsafe calls send the session's CSRF token in `X-CSRF-Token`
//! (from `GET /api/v1/session`).

use crate::ctx::Ctx;
use crate::i18n::Tr;
use crate::pages::audit::{parse_query, AuditParams};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::locale::Lang;
use domain::org::{Actor, OrganisationForm, ServiceUnitForm, UserForm};
use domain::validate::FieldErrors;
use serde::Deserialize;
use serde_json::json;
use service::ServiceError;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/v1/session", get(session))
        .route(
            "/api/v1/organisations",
            get(list_organisations).post(create_organisation),
        )
        .route(
            "/api/v1/organisations/{id}",
            get(get_organisation).put(update_organisation),
        )
        .route(
            "/api/v1/organisations/{id}/active",
            post(set_organisation_active),
        )
        .route(
            "/api/v1/organisations/{id}/users",
            get(list_users).post(create_user),
        )
        .route(
            "/api/v1/organisations/{id}/units",
            get(list_units).post(create_unit),
        )
        .route("/api/v1/units/{id}", get(get_unit).put(update_unit))
        .route("/api/v1/units/{id}/active", post(set_unit_active))
        .route("/api/v1/users/{id}", get(get_user).put(update_user))
        .route("/api/v1/users/{id}/active", post(set_user_active))
        .route("/api/v1/audit", get(audit))
}

pub fn error_json(
    lang: Lang,
    status: StatusCode,
    code: &str,
    fields: Option<&FieldErrors>,
) -> Response {
    let t = Tr::new(lang);
    let mut body = json!({ "error": { "code": code, "message": t.error(code) } });
    if let Some(f) = fields {
        body["error"]["fields"] =
            f.0.iter()
                .map(|e| json!({ "field": e.field, "code": e.code, "message": t.error(&e.code) }))
                .collect();
    }
    (status, Json(body)).into_response()
}

pub fn unauthenticated(lang: Lang) -> Response {
    error_json(lang, StatusCode::UNAUTHORIZED, "unauthenticated", None)
}

pub fn csrf_failed(lang: Lang) -> Response {
    error_json(lang, StatusCode::FORBIDDEN, "csrf", None)
}

fn fail(ctx: &Ctx, e: ServiceError) -> Response {
    let (status, fields) = match &e {
        ServiceError::Unauthenticated => (StatusCode::UNAUTHORIZED, None),
        ServiceError::Denied(_) => (StatusCode::FORBIDDEN, None),
        ServiceError::NotFound => (StatusCode::NOT_FOUND, None),
        ServiceError::Invalid(f) => (StatusCode::UNPROCESSABLE_ENTITY, Some(f)),
        ServiceError::SignInFailed => (StatusCode::UNAUTHORIZED, None),
        ServiceError::Db(_) | ServiceError::Internal(_) => {
            tracing::error!(error = %e, "API call failed");
            (StatusCode::INTERNAL_SERVER_ERROR, None)
        }
    };
    error_json(ctx.lang, status, e.code(), fields)
}

fn actor(ctx: &Ctx) -> Result<Actor, Response> {
    ctx.actor()
        .cloned()
        .ok_or_else(|| unauthenticated(ctx.lang))
}

fn id(ctx: &Ctx, s: &str) -> Result<Uuid, Response> {
    Uuid::parse_str(s).map_err(|_| fail(ctx, ServiceError::NotFound))
}

macro_rules! try_api {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(r) => return r,
        }
    };
}

fn ok<T: serde::Serialize>(v: T) -> Response {
    Json(v).into_response()
}

fn created(id: Uuid) -> Response {
    (StatusCode::CREATED, Json(json!({ "id": id }))).into_response()
}

/// Bodies that could not be read as JSON become a field error, not a bare 400.
fn body<T>(
    ctx: &Ctx,
    b: Result<Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, Response> {
    b.map(|Json(v)| v).map_err(|e| {
        let mut f = FieldErrors::default();
        f.add("body", "json-invalid");
        tracing::debug!(error = %e, "bad JSON body");
        error_json(ctx.lang, StatusCode::BAD_REQUEST, "invalid-input", Some(&f))
    })
}

async fn openapi() -> Response {
    ok(crate::openapi::document())
}

async fn session(ctx: Ctx) -> Response {
    match &ctx.session {
        Some(s) => ok(json!({
            "user_id": s.actor.user_id,
            "username": s.actor.username,
            "display_name": s.actor.display_name,
            "organisation_id": s.actor.org_id,
            "roles": s.actor.roles,
            "language": s.language,
            "csrf_token": s.csrf_token,
        })),
        None => unauthenticated(ctx.lang),
    }
}

async fn list_organisations(State(app): State<AppState>, ctx: Ctx) -> Response {
    let a = try_api!(actor(&ctx));
    match app.service.organisations(&a).await {
        Ok(v) => ok(v),
        Err(e) => fail(&ctx, e),
    }
}

async fn create_organisation(
    State(app): State<AppState>,
    ctx: Ctx,
    b: Result<Json<OrganisationForm>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let a = try_api!(actor(&ctx));
    let f = try_api!(body(&ctx, b));
    match app.service.create_organisation(&a, &f).await {
        Ok(id) => created(id),
        Err(e) => fail(&ctx, e),
    }
}

async fn get_organisation(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(p): Path<String>,
) -> Response {
    let a = try_api!(actor(&ctx));
    let id = try_api!(id(&ctx, &p));
    match app.service.organisation(&a, id).await {
        Ok(v) => ok(json!({ "organisation": v.organisation, "units": v.units })),
        Err(e) => fail(&ctx, e),
    }
}

async fn update_organisation(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(p): Path<String>,
    b: Result<Json<OrganisationForm>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let a = try_api!(actor(&ctx));
    let id = try_api!(id(&ctx, &p));
    let f = try_api!(body(&ctx, b));
    match app.service.update_organisation(&a, id, &f).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => fail(&ctx, e),
    }
}

#[derive(Deserialize)]
struct Active {
    active: bool,
}

async fn set_organisation_active(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(p): Path<String>,
    b: Result<Json<Active>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let a = try_api!(actor(&ctx));
    let id = try_api!(id(&ctx, &p));
    let f = try_api!(body(&ctx, b));
    match app.service.set_organisation_active(&a, id, f.active).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => fail(&ctx, e),
    }
}

async fn list_users(State(app): State<AppState>, ctx: Ctx, Path(p): Path<String>) -> Response {
    let a = try_api!(actor(&ctx));
    let id = try_api!(id(&ctx, &p));
    match app.service.users(&a, id).await {
        Ok(v) => ok(v),
        Err(e) => fail(&ctx, e),
    }
}

async fn create_user(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(p): Path<String>,
    b: Result<Json<UserForm>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let a = try_api!(actor(&ctx));
    let id = try_api!(id(&ctx, &p));
    let f = try_api!(body(&ctx, b));
    match app.service.create_user(&a, id, &f).await {
        Ok(uid) => created(uid),
        Err(e) => fail(&ctx, e),
    }
}

async fn get_user(State(app): State<AppState>, ctx: Ctx, Path(p): Path<String>) -> Response {
    let a = try_api!(actor(&ctx));
    let id = try_api!(id(&ctx, &p));
    match app.service.user(&a, id).await {
        Ok(v) => ok(json!({ "user": v.user, "role_history": v.history })),
        Err(e) => fail(&ctx, e),
    }
}

async fn update_user(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(p): Path<String>,
    b: Result<Json<UserForm>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let a = try_api!(actor(&ctx));
    let id = try_api!(id(&ctx, &p));
    let f = try_api!(body(&ctx, b));
    match app.service.update_user(&a, id, &f).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => fail(&ctx, e),
    }
}

async fn set_user_active(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(p): Path<String>,
    b: Result<Json<Active>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let a = try_api!(actor(&ctx));
    let id = try_api!(id(&ctx, &p));
    let f = try_api!(body(&ctx, b));
    match app.service.set_user_active(&a, id, f.active).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => fail(&ctx, e),
    }
}

async fn list_units(State(app): State<AppState>, ctx: Ctx, Path(p): Path<String>) -> Response {
    let a = try_api!(actor(&ctx));
    let id = try_api!(id(&ctx, &p));
    match app.service.organisation(&a, id).await {
        Ok(v) => ok(v.units),
        Err(e) => fail(&ctx, e),
    }
}

async fn create_unit(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(p): Path<String>,
    b: Result<Json<ServiceUnitForm>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let a = try_api!(actor(&ctx));
    let id = try_api!(id(&ctx, &p));
    let f = try_api!(body(&ctx, b));
    match app.service.create_service_unit(&a, id, &f).await {
        Ok(uid) => created(uid),
        Err(e) => fail(&ctx, e),
    }
}

async fn get_unit(State(app): State<AppState>, ctx: Ctx, Path(p): Path<String>) -> Response {
    let a = try_api!(actor(&ctx));
    let id = try_api!(id(&ctx, &p));
    match app.service.service_unit(&a, id).await {
        Ok((u, _)) => ok(u),
        Err(e) => fail(&ctx, e),
    }
}

async fn update_unit(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(p): Path<String>,
    b: Result<Json<ServiceUnitForm>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let a = try_api!(actor(&ctx));
    let id = try_api!(id(&ctx, &p));
    let f = try_api!(body(&ctx, b));
    match app.service.update_service_unit(&a, id, &f).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => fail(&ctx, e),
    }
}

async fn set_unit_active(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(p): Path<String>,
    b: Result<Json<Active>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let a = try_api!(actor(&ctx));
    let id = try_api!(id(&ctx, &p));
    let f = try_api!(body(&ctx, b));
    match app.service.set_service_unit_active(&a, id, f.active).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => fail(&ctx, e),
    }
}

async fn audit(State(app): State<AppState>, ctx: Ctx, Query(q): Query<AuditParams>) -> Response {
    let a = try_api!(actor(&ctx));
    let query = match parse_query(&app, &q).await {
        Ok(q) => q,
        Err(f) => {
            return error_json(
                ctx.lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-input",
                Some(&f),
            )
        }
    };
    match app.service.audit_search(&a, &query).await {
        Ok(v) => ok(v),
        Err(e) => fail(&ctx, e),
    }
}
