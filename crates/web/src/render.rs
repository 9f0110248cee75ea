//! What every page shares: the frame (header, navigation by role, language switch), rendering,
//! redirects and the error pages.

use crate::ctx::Ctx;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::locale::Lang;
use service::ServiceError;

pub struct NavItem {
    pub href: String,
    pub label: String,
    pub current: bool,
}

pub struct LangOption {
    pub code: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The frame of a page.
pub struct Page {
    pub t: Tr,
    pub lang: Lang,
    pub csrf: String,
    pub title: String,
    /// Where the language switch returns to.
    pub path: String,
    /// The signed-in person's name, if any.
    pub user: Option<String>,
    pub nav: Vec<NavItem>,
    pub langs: Vec<LangOption>,
}

impl Page {
    pub fn new(ctx: &Ctx, title: String) -> Page {
        let t = ctx.tr();
        let current_path = ctx.path.split('?').next().unwrap_or("/").to_owned();
        let mut nav = Vec::new();
        if let Some(a) = ctx.actor() {
            'nav: {
                let mut add = |href: String, key: &str| {
                    let current = href == current_path;
                    nav.push(NavItem {
                        href,
                        label: t.t(key),
                        current,
                    });
                };
                // What the policy lets the actor open, computed by the service.
                let c = ctx.caps;
                if c.family {
                    add("/my/visits".into(), "nav-family-visits");
                    add("/my/log-requests".into(), "nav-own-log");
                    add(format!("/users/{}", a.user_id), "nav-my-account");
                    break 'nav;
                }
                add("/".into(), "nav-home");
                add("/procurements".into(), "nav-procurements");
                if c.applications {
                    add("/applications".into(), "nav-applications");
                }
                if c.competitions {
                    add("/competitions".into(), "nav-competitions");
                }
                if c.provider_records {
                    add("/staff".into(), "nav-staff");
                    add("/evidence".into(), "nav-evidence");
                }
                if c.clients {
                    add("/clients".into(), "nav-clients");
                }
                if c.meeting {
                    add("/meeting".into(), "nav-meeting");
                }
                if c.commitments {
                    add("/commitments".into(), "nav-commitments");
                }
                if c.reports {
                    add("/reports".into(), "nav-reports");
                }
                if c.budget {
                    add("/budget".into(), "nav-budget");
                }
                if c.invoices {
                    add("/invoices".into(), "nav-invoices");
                }
                if c.agreements {
                    add("/agreements".into(), "nav-agreements");
                }
                if c.cost_sharing {
                    add("/cost-sharing".into(), "nav-cost-sharing");
                }
                if c.registers {
                    add("/registers".into(), "nav-registers");
                }
                if c.supervision {
                    add("/deviations".into(), "nav-deviations");
                }
                if c.follow_up {
                    add("/processing-times".into(), "nav-processing-times");
                    add("/scorecard".into(), "nav-scorecard");
                }
                add("/register".into(), "nav-register");
                add("/organisations".into(), "nav-organisations");
                if c.own_organisation {
                    add(
                        format!("/organisations/{}", a.org_id),
                        "nav-own-organisation",
                    );
                }
                if c.audit {
                    add("/audit".into(), "nav-audit");
                }
                if c.log_requests {
                    add("/log-requests".into(), "nav-log-requests");
                }
                if c.api_keys {
                    add("/api-keys".into(), "nav-api-keys");
                }
                add(format!("/users/{}", a.user_id), "nav-my-account");
            }
        }
        Page {
            t,
            lang: ctx.lang,
            csrf: ctx.csrf.clone(),
            title,
            path: ctx.path.clone(),
            user: ctx.actor().map(|a| a.display_name.clone()),
            nav,
            langs: Lang::ALL
                .into_iter()
                .map(|l| LangOption {
                    code: l.code(),
                    label: match l {
                        Lang::Fi => "Suomeksi",
                        Lang::Sv => "På svenska",
                        Lang::En => "In English",
                    },
                    current: l == ctx.lang,
                })
                .collect(),
        }
    }
}

impl Page {
    /// A page of a form; its title says the form came back with errors when `summary` lists
    /// any, so that a screen reader hears it first.
    pub fn with_errors(ctx: &Ctx, title: String, summary: &[crate::forms::SummaryItem]) -> Page {
        let mut p = Page::new(ctx, title);
        if !summary.is_empty() {
            p.title = p.t.t1("title-with-errors", "title", &p.title);
        }
        p
    }
}

pub fn render<T: Template>(t: &T) -> Response {
    render_status(StatusCode::OK, t)
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub p: Page,
    pub message: String,
}

pub fn error_page(ctx: &Ctx, status: StatusCode, title_key: &str, message: String) -> Response {
    let p = Page::new(ctx, ctx.tr().t(title_key));
    render_status(status, &ErrorPage { p, message })
}

/// A failed use case as a page.
pub fn service_error(ctx: &Ctx, e: ServiceError) -> Response {
    let t = ctx.tr();
    match e {
        ServiceError::Unauthenticated => redirect_to_login(&ctx.path),
        ServiceError::Denied(d) => error_page(
            ctx,
            StatusCode::FORBIDDEN,
            "title-forbidden",
            t.error(d.code()),
        ),
        ServiceError::Throttled => error_page(
            ctx,
            StatusCode::TOO_MANY_REQUESTS,
            "title-error",
            t.error("too-many-tries"),
        ),
        // A record that is not there is refused exactly as one of another organisation is, so
        // that the answer never tells whether it exists (the gate logs both alike).
        ServiceError::NotFound => error_page(
            ctx,
            StatusCode::FORBIDDEN,
            "title-forbidden",
            t.error(domain::access::Denial::OtherOrganisation.code()),
        ),
        // A button that sends no form (apply, revoke) can still meet a rule: say which.
        ServiceError::Invalid(errs) => error_page(
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "title-error",
            errs.0
                .iter()
                .map(|e| t.error(&e.code))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        other => {
            tracing::error!(error = %other, "use case failed");
            error_page(
                ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                "title-error",
                t.error("internal"),
            )
        }
    }
}

pub fn redirect_to_login(next: &str) -> Response {
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("next", next)
        .finish();
    Redirect::to(&format!("/login?{q}")).into_response()
}

/// Only paths of this site: never `//host` or `https://…`, which would send people elsewhere.
/// Browsers drop tabs and line breaks from a URL before reading it (so `/<TAB>/host` is
/// `//host` to them), and a line break cannot go into a header at all: any byte outside
/// printable ASCII, and the backslash that some read as a slash, sends the person home.
pub fn safe_next(next: &str) -> String {
    let printable = next
        .bytes()
        .all(|b| (0x21..=0x7e).contains(&b) && b != b'\\');
    if printable && next.starts_with('/') && !next.starts_with("//") {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

pub fn csrf_failed(ctx: &Ctx) -> Response {
    error_page(
        ctx,
        StatusCode::FORBIDDEN,
        "title-error",
        ctx.tr().error("csrf"),
    )
}

pub fn plain_error(status: StatusCode, lang: Lang) -> Response {
    (status, Tr::new(lang).t("error-internal")).into_response()
}

pub async fn not_found(ctx: Ctx) -> Response {
    if crate::ctx::is_api(&ctx.path) {
        return crate::api::error_json(ctx.lang, StatusCode::NOT_FOUND, "not-found", None);
    }
    error_page(
        &ctx,
        StatusCode::NOT_FOUND,
        "title-not-found",
        ctx.tr().error("not-found"),
    )
}

pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/app.css"),
    )
        .into_response()
}

/// Liveness: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers too.
pub async fn readyz(State(app): State<AppState>) -> Response {
    match app.service.db().ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}
