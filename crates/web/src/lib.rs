//! The web tier: server-rendered pages that work without JavaScript, the JSON API and its
//! OpenAPI document, and the request context (session, language, CSRF guard, security headers).
//! No SQL here: every handler calls a use case in `service`.

// Handlers return `Result<_, Response>` to leave early with a finished page; a Response is large
// by design and is built once per request, so boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod api;
mod ctx;
pub mod describe;
mod forms;
pub mod i18n;
pub mod openapi;
mod pages;
mod render;

use axum::routing::{get, post};
use axum::Router;
use service::Service;
use std::sync::Arc;

pub use api::MAX_VISIT_ROWS;
pub use ctx::{CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE};

/// Settings of the web tier.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure`: on whenever the service is reached over HTTPS.
    pub secure_cookies: bool,
}

#[derive(Clone)]
pub struct AppState {
    pub service: Service,
    pub config: Arc<WebConfig>,
}

/// The whole application as one router.
pub fn router(service: Service, config: WebConfig) -> Router {
    let state = AppState {
        service,
        config: Arc::new(config),
    };
    let pages = Router::new()
        .route("/", get(pages::home))
        .route(
            "/login",
            get(pages::auth::login_page).post(pages::auth::login),
        )
        .route("/logout", post(pages::auth::logout))
        .route("/language", post(pages::auth::language))
        .route(
            "/organisations",
            get(pages::admin::organisations).post(pages::admin::create_organisation),
        )
        .route("/organisations/new", get(pages::admin::new_organisation))
        .route(
            "/organisations/{id}",
            get(pages::admin::organisation).post(pages::admin::update_organisation),
        )
        .route(
            "/organisations/{id}/edit",
            get(pages::admin::edit_organisation),
        )
        .route(
            "/organisations/{id}/active",
            post(pages::admin::set_organisation_active),
        )
        .route("/organisations/{id}/units/new", get(pages::admin::new_unit))
        .route("/organisations/{id}/units", post(pages::admin::create_unit))
        .route("/units/{id}", post(pages::admin::update_unit))
        .route("/units/{id}/edit", get(pages::admin::edit_unit))
        .route("/units/{id}/active", post(pages::admin::set_unit_active))
        .route("/organisations/{id}/users/new", get(pages::admin::new_user))
        .route("/organisations/{id}/users", post(pages::admin::create_user))
        .route(
            "/users/{id}",
            get(pages::admin::user).post(pages::admin::update_user),
        )
        .route("/users/{id}/edit", get(pages::admin::edit_user))
        .route("/users/{id}/active", post(pages::admin::set_user_active))
        .route("/audit", get(pages::audit::audit_log))
        .route(
            "/api-keys",
            get(pages::api_key::api_keys).post(pages::api_key::create),
        )
        .route("/api-keys/{id}/revoke", post(pages::api_key::revoke))
        .route(
            "/procurements",
            get(pages::procurement::procurements).post(pages::procurement::create_procurement),
        )
        .route(
            "/procurements/new",
            get(pages::procurement::new_procurement),
        )
        .route(
            "/procurements/{id}",
            get(pages::procurement::procurement).post(pages::procurement::update_procurement),
        )
        .route(
            "/procurements/{id}/edit",
            get(pages::procurement::edit_procurement),
        )
        .route(
            "/procurements/{id}/lots/new",
            get(pages::procurement::new_lot),
        )
        .route(
            "/procurements/{id}/lots",
            post(pages::procurement::create_lot),
        )
        .route(
            "/lots/{id}",
            get(pages::procurement::lot).post(pages::procurement::update_lot),
        )
        .route("/lots/{id}/edit", get(pages::procurement::edit_lot))
        .route(
            "/lots/{id}/requirements/new",
            get(pages::procurement::new_requirement),
        )
        .route(
            "/lots/{id}/requirements",
            post(pages::procurement::create_requirement),
        )
        .route(
            "/lots/{id}/requirements/{index}/remove",
            post(pages::procurement::remove_requirement),
        )
        .route("/lots/{id}/apply", post(pages::application::apply))
        .route("/applications", get(pages::application::applications))
        .route(
            "/applications/{id}",
            get(pages::application::application).post(pages::application::save),
        )
        .route("/applications/{id}/step", post(pages::application::step))
        .route(
            "/applications/{id}/decision",
            get(pages::application::decision),
        )
        .route(
            "/staff",
            get(pages::provider::staff).post(pages::provider::create_staff),
        )
        .route("/staff/new", get(pages::provider::new_staff))
        .route("/staff/{id}", post(pages::provider::update_staff))
        .route("/staff/{id}/edit", get(pages::provider::edit_staff))
        .route(
            "/evidence",
            get(pages::provider::evidence).post(pages::provider::add_evidence),
        )
        .route("/register", get(pages::procurement::register))
        .route(
            "/notices/import",
            get(pages::notice::import_form)
                .post(pages::notice::import)
                .layer(axum::extract::DefaultBodyLimit::max(ctx::UPLOAD_LIMIT)),
        )
        .route(
            "/procurements/{id}/notices/{index}",
            get(pages::notice::stored),
        )
        .route(
            "/clients",
            get(pages::clients::clients).post(pages::clients::create_client),
        )
        .route("/clients/new", get(pages::clients::new_client))
        .route("/clients/search", post(pages::clients::search))
        .route("/clients/{id}", get(pages::clients::client))
        .route("/clients/{id}/needs", post(pages::clients::create_need))
        .route(
            "/clients/{id}/accounts",
            get(pages::delivery::new_account).post(pages::delivery::create_account),
        )
        .route("/meeting", get(pages::clients::meeting))
        .route("/meeting/group", post(pages::clients::save_group))
        .route("/needs/{id}/winner", post(pages::clients::choose_winner))
        .route("/competitions", get(pages::clients::competitions))
        .route("/competitions/{id}/offer", post(pages::clients::offer))
        .route("/needs/{id}/recommend", post(pages::clients::recommend))
        .route("/needs/{id}/decide", post(pages::clients::decide))
        .route(
            "/needs/{id}/commitment",
            post(pages::clients::send_commitment),
        )
        .route("/commitments", get(pages::clients::commitments))
        .route(
            "/commitments/{id}/document",
            get(pages::clients::commitment_document),
        )
        .route("/needs/{id}/decision", get(pages::clients::need_decision))
        .route("/commitments/{id}/answer", post(pages::clients::answer))
        .route(
            "/commitments/{id}/change",
            post(pages::clients::change_commitment),
        )
        .route(
            "/commitments/{number}/visits",
            get(pages::delivery::delivery).post(pages::delivery::log_visit),
        )
        .route(
            "/commitments/{number}/visits/{id}/code",
            post(pages::delivery::new_code),
        )
        .route(
            "/commitments/{number}/paper",
            post(pages::delivery::paper)
                .layer(axum::extract::DefaultBodyLimit::max(ctx::UPLOAD_LIMIT)),
        )
        .route(
            "/commitments/{number}/plan",
            get(pages::delivery::plan).post(pages::delivery::save_plan),
        )
        .route(
            "/commitments/{number}/reports/{month}",
            get(pages::delivery::report).post(pages::delivery::save_report),
        )
        .route(
            "/commitments/{number}/reports/{month}/decision",
            post(pages::delivery::decide_report),
        )
        .route("/reports", get(pages::delivery::reports))
        .route("/attachments/{id}", get(pages::delivery::attachment))
        .route("/my/visits", get(pages::delivery::family_visits))
        .route("/my/visits/{id}", post(pages::delivery::answer_visit))
        .route(
            "/confirm",
            get(pages::delivery::code_form).post(pages::delivery::code_lookup),
        )
        .route(
            "/budget",
            get(pages::clients::budget).post(pages::clients::add_budget_line),
        )
        .route(
            "/join",
            get(pages::registration::join).post(pages::registration::register),
        )
        .route("/static/app.css", get(render::stylesheet))
        .route("/healthz", get(render::healthz))
        .route("/readyz", get(render::readyz));
    pages
        .merge(api::routes())
        .fallback(render::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::context,
        ))
        .with_state(state)
}
