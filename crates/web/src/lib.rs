//! The web tier: server-rendered pages that work without JavaScript, the JSON API and its
//! OpenAPI document, and the request context (session, language, CSRF guard, security headers).
//! No SQL here: every handler calls a use case in `service`.

// Handlers return `Result<_, Response>` to leave early with a finished page; a Response is large
// by design and is built once per request, so boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod api;
mod api_view;
mod ctx;
pub mod describe;
mod extract;
mod forms;
pub mod i18n;
pub mod openapi;
mod pages;
pub mod pdf;
mod render;
pub mod routes;

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

/// The whole application as one router, built from [`routes`].
pub fn router(service: Service, config: WebConfig) -> Router {
    let secure = config.secure_cookies;
    let state = AppState {
        service,
        config: Arc::new(config),
    };
    let table = api::routes(pages(routes::Table::new()));
    let app = table
        .router
        .fallback(render::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::context,
        ))
        .with_state(state);
    ctx::security_headers(app, secure)
}

/// Every route the application answers, method and path, in the order they are declared: the
/// same table the router is built from, so that a test can walk all of them.
pub fn routes() -> Vec<routes::Route> {
    api::routes(pages(routes::Table::new())).routes
}

/// The pages: server-rendered HTML forms and views.
fn pages(table: routes::Table) -> routes::Table {
    table
        .get("/", pages::home)
        .get("/login", pages::auth::login_page)
        .post("/login", pages::auth::login)
        .post("/logout", pages::auth::logout)
        .post("/language", pages::auth::language)
        .get("/organisations", pages::admin::organisations)
        .post("/organisations", pages::admin::create_organisation)
        .get("/organisations/new", pages::admin::new_organisation)
        .get("/organisations/{id}", pages::admin::organisation)
        .post("/organisations/{id}", pages::admin::update_organisation)
        .get("/organisations/{id}/edit", pages::admin::edit_organisation)
        .post(
            "/organisations/{id}/active",
            pages::admin::set_organisation_active,
        )
        .get("/organisations/{id}/units/new", pages::admin::new_unit)
        .post("/organisations/{id}/units", pages::admin::create_unit)
        .post("/units/{id}", pages::admin::update_unit)
        .get("/units/{id}/edit", pages::admin::edit_unit)
        .post("/units/{id}/active", pages::admin::set_unit_active)
        .get("/organisations/{id}/users/new", pages::admin::new_user)
        .post("/organisations/{id}/users", pages::admin::create_user)
        .get("/users/{id}", pages::admin::user)
        .post("/users/{id}", pages::admin::update_user)
        .get("/users/{id}/edit", pages::admin::edit_user)
        .post("/users/{id}/active", pages::admin::set_user_active)
        .get("/audit", pages::audit::audit_log)
        .get("/invoices", pages::invoice::invoices)
        .upload("/invoices", pages::invoice::upload)
        .get("/invoices/corrections", pages::correction::corrections)
        .post("/invoices/corrections", pages::correction::record)
        .get("/invoices/exports", pages::invoice::exports)
        .post("/invoices/exports", pages::invoice::export)
        .get("/invoices/exports/{id}", pages::invoice::export_file)
        .get("/invoices/{id}", pages::invoice::invoice)
        .post("/invoices/{id}/decision", pages::invoice::decide)
        .get("/api-keys", pages::api_key::api_keys)
        .post("/api-keys", pages::api_key::create)
        .post("/api-keys/{id}/revoke", pages::api_key::revoke)
        .get("/procurements", pages::procurement::procurements)
        .post("/procurements", pages::procurement::create_procurement)
        .get("/procurements/new", pages::procurement::new_procurement)
        .get("/procurements/{id}", pages::procurement::procurement)
        .post("/procurements/{id}", pages::procurement::update_procurement)
        .get(
            "/procurements/{id}/edit",
            pages::procurement::edit_procurement,
        )
        .get("/procurements/{id}/lots/new", pages::procurement::new_lot)
        .post("/procurements/{id}/lots", pages::procurement::create_lot)
        .get("/lots/{id}", pages::procurement::lot)
        .post("/lots/{id}", pages::procurement::update_lot)
        .get("/lots/{id}/edit", pages::procurement::edit_lot)
        .get(
            "/lots/{id}/requirements/new",
            pages::procurement::new_requirement,
        )
        .post(
            "/lots/{id}/requirements",
            pages::procurement::create_requirement,
        )
        .post(
            "/lots/{id}/requirements/{index}/remove",
            pages::procurement::remove_requirement,
        )
        .post("/lots/{id}/apply", pages::application::apply)
        .get("/applications", pages::application::applications)
        .get("/applications/{id}", pages::application::application)
        .post("/applications/{id}", pages::application::save)
        .post("/applications/{id}/step", pages::application::step)
        .get("/applications/{id}/decision", pages::application::decision)
        .get("/staff", pages::provider::staff)
        .post("/staff", pages::provider::create_staff)
        .get("/staff/new", pages::provider::new_staff)
        .post("/staff/{id}", pages::provider::update_staff)
        .get("/staff/{id}/edit", pages::provider::edit_staff)
        .get("/evidence", pages::provider::evidence)
        .post("/evidence", pages::provider::add_evidence)
        .get("/register", pages::procurement::register)
        .get("/notices/import", pages::notice::import_form)
        .upload("/notices/import", pages::notice::import)
        .get("/procurements/{id}/notices/{index}", pages::notice::stored)
        .get("/clients", pages::clients::clients)
        .post("/clients", pages::clients::create_client)
        .get("/clients/new", pages::clients::new_client)
        .post("/clients/search", pages::clients::search)
        .get("/clients/{id}", pages::clients::client)
        .post("/clients/{id}/exceptional", pages::exceptional::open)
        .post("/clients/{id}/end", pages::clients::record_end)
        .post("/clients/{id}/needs", pages::clients::create_need)
        .get("/clients/{id}/accounts", pages::delivery::new_account)
        .post("/clients/{id}/accounts", pages::delivery::create_account)
        .get("/meeting", pages::clients::meeting)
        .post("/meeting/group", pages::clients::save_group)
        .post("/needs/{id}/winner", pages::clients::choose_winner)
        .get("/competitions", pages::clients::competitions)
        .post("/competitions/{id}/offer", pages::clients::offer)
        .post("/needs/{id}/recommend", pages::clients::recommend)
        .post("/needs/{id}/decide", pages::clients::decide)
        .post("/needs/{id}/commitment", pages::clients::send_commitment)
        .get("/commitments", pages::clients::commitments)
        .get(
            "/commitments/{id}/document",
            pages::clients::commitment_document,
        )
        .get("/needs/{id}/decision", pages::clients::need_decision)
        .post("/commitments/{id}/answer", pages::clients::answer)
        .post(
            "/commitments/{id}/change",
            pages::clients::change_commitment,
        )
        .get("/commitments/{number}/visits", pages::delivery::delivery)
        .post("/commitments/{number}/visits", pages::delivery::log_visit)
        .post(
            "/commitments/{number}/visits/{id}/code",
            pages::delivery::new_code,
        )
        .upload("/commitments/{number}/paper", pages::delivery::paper)
        .get("/commitments/{number}/plan", pages::delivery::plan)
        .post("/commitments/{number}/plan", pages::delivery::save_plan)
        .get(
            "/commitments/{number}/reports/{month}",
            pages::delivery::report,
        )
        .post(
            "/commitments/{number}/reports/{month}",
            pages::delivery::save_report,
        )
        .post(
            "/commitments/{number}/reports/{month}/decision",
            pages::delivery::decide_report,
        )
        .get("/reports", pages::delivery::reports)
        .get("/attachments/{id}", pages::delivery::attachment)
        .get("/my/visits", pages::delivery::family_visits)
        .get("/deviations", pages::supervision::list)
        .post("/deviations", pages::supervision::record)
        .post("/deviations/incidents", pages::supervision::notify)
        .get("/deviations/{id}", pages::supervision::show)
        .post("/deviations/{id}/steps", pages::supervision::step)
        .get("/my/log-requests", pages::log_request::own)
        .post("/my/log-requests", pages::log_request::request)
        .get("/log-requests", pages::log_request::list)
        .get("/log-requests/{id}", pages::log_request::show)
        .post("/log-requests/{id}/deliver", pages::log_request::deliver)
        .post("/log-requests/{id}/refuse", pages::log_request::refuse)
        .post("/my/visits/{id}", pages::delivery::answer_visit)
        .get("/confirm", pages::delivery::code_form)
        .post("/confirm", pages::delivery::code_lookup)
        .get("/agreements", pages::agreement::agreements)
        .post("/agreements", pages::agreement::create)
        .get("/agreements/new", pages::agreement::new_form)
        .get("/agreements/{id}", pages::agreement::show)
        .get("/agreements/{id}/change", pages::agreement::change_form)
        .post("/agreements/{id}/change", pages::agreement::change)
        .post("/agreements/{id}/agree", pages::agreement::agree)
        .post("/agreements/{id}/volumes", pages::agreement::report)
        .post("/agreements/{id}/upload", pages::agreement::upload)
        .get("/agreements/{id}/follow-up", pages::agreement::follow_up)
        .get(
            "/agreements/{id}/payments",
            pages::agreement_payment::payments,
        )
        .post(
            "/agreements/{id}/payments",
            pages::agreement_payment::record,
        )
        .get(
            "/agreements/{id}/follow-up.csv",
            pages::agreement::follow_up_csv,
        )
        .get(
            "/agreements/{id}/follow-up.xlsx",
            pages::agreement::follow_up_xlsx,
        )
        .get(
            "/agreements/{id}/meetings/{period}",
            pages::meeting::meeting,
        )
        .post("/agreements/{id}/meetings/{period}", pages::meeting::record)
        .get(
            "/agreements/{id}/meetings/{period}/minutes.pdf",
            pages::meeting::minutes_pdf,
        )
        .get("/cost-sharing", pages::cost_sharing::list)
        .post("/cost-sharing", pages::cost_sharing::create)
        .get("/cost-sharing/new", pages::cost_sharing::new_form)
        .get("/cost-sharing/{id}", pages::cost_sharing::show)
        .post("/cost-sharing/{id}/bases", pages::cost_sharing::add_basis)
        .post(
            "/cost-sharing/{id}/sources",
            pages::cost_sharing::add_source,
        )
        .post(
            "/cost-sharing/{id}/sources/{index}/remove",
            pages::cost_sharing::remove_source,
        )
        .upload(
            "/cost-sharing/{id}/bases/import",
            pages::cost_sharing::import_populations,
        )
        .get(
            "/cost-sharing/{id}/quarters/{period}",
            pages::cost_sharing::quarter,
        )
        .post(
            "/cost-sharing/{id}/quarters/{period}/costs",
            pages::cost_sharing::add_cost,
        )
        .post(
            "/cost-sharing/{id}/quarters/{period}/invoices",
            pages::cost_sharing::take_invoice,
        )
        .post(
            "/cost-sharing/{id}/quarters/{period}/recharges",
            pages::cost_sharing::issue,
        )
        .get(
            "/cost-sharing/{id}/steering/{period}",
            pages::cost_sharing::steering,
        )
        .post(
            "/cost-sharing/{id}/steering/{period}",
            pages::cost_sharing::record_steering,
        )
        .get("/recharges/{id}", pages::cost_sharing::recharge)
        .get("/recharges/{id}/{file}", pages::cost_sharing::recharge_file)
        .get("/registers", pages::people_register::list)
        .get("/registers/{id}", pages::people_register::show)
        .post("/registers/{id}/entries", pages::people_register::add_entry)
        .get("/registers/entries/{id}", pages::people_register::entry)
        .post(
            "/registers/entries/{id}",
            pages::people_register::update_entry,
        )
        .post(
            "/registers/entries/{id}/end",
            pages::people_register::end_entry,
        )
        .post(
            "/registers/entries/{id}/code",
            pages::people_register::new_code,
        )
        .get("/my-register-entry", pages::people_register::own_form)
        .post("/my-register-entry", pages::people_register::own_post)
        .get("/processing-times", pages::processing::processing_times)
        .get("/scorecard", pages::scorecard::scorecard)
        .get("/scorecard/export", pages::scorecard::export)
        .get("/processing-times/export", pages::processing::export)
        .get("/budget", pages::clients::budget)
        .post("/budget", pages::clients::add_budget_line)
        .get("/accessibility", pages::accessibility::statement)
        .get("/join", pages::registration::join)
        .post("/join", pages::registration::register)
        .get("/static/app.css", render::stylesheet)
        .get("/healthz", render::healthz)
        .get("/readyz", render::readyz)
}
