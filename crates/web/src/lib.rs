//! The web tier: server-rendered pages that work without JavaScript, the JSON API and its
//! OpenAPI document, and the request context (session, language, CSRF guard, security headers).
//! No SQL here: every handler calls a use case in `service`.

// Handlers return `Result<_, Response>` to leave early with a finished page; a Response is large
// by design and is built once per request, so boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod api;
mod ctx;
mod forms;
pub mod i18n;
pub mod openapi;
mod pages;
mod render;

use axum::routing::{get, post};
use axum::Router;
use service::Service;
use std::sync::Arc;

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
