//! Signing in and out, and the language switch.

use crate::ctx::{set_cookie, Ctx, LANG_COOKIE, SESSION_COOKIE};
use crate::forms::FormData;
use crate::render::{self, render, render_status, safe_next, Page};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::locale::Lang;
use serde::Deserialize;
use service::ServiceError;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    p: Page,
    next: String,
    username: String,
    error: Option<String>,
    notice: Option<String>,
    resume: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "resume.html")]
struct ResumePage {
    p: Page,
    action: String,
    cancel: String,
    fields: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    registered: Option<String>,
    next: Option<String>,
}

pub async fn login_page(ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    let next = safe_next(q.next.as_deref().unwrap_or("/"));
    if ctx.session.is_some() {
        return Redirect::to(&next).into_response();
    }
    render(&LoginPage {
        p: Page::new(&ctx, ctx.tr().t("sign-in-title")),
        next,
        username: String::new(),
        error: None,
        notice: q.registered.is_some().then(|| ctx.tr().t("join-done")),
        resume: Vec::new(),
    })
}

/// The sign-in page shown when a session ended while a form was being sent; the form's fields
/// ride along in hidden inputs and are offered for sending again after sign-in.
pub fn relogin(ctx: &Ctx, csrf: &str, action: &str, fields: Vec<(String, String)>) -> Response {
    let mut p = Page::new(ctx, ctx.tr().t("sign-in-title"));
    p.csrf = csrf.to_owned();
    render_status(
        StatusCode::UNAUTHORIZED,
        &LoginPage {
            p,
            next: safe_next(action),
            username: String::new(),
            error: None,
            notice: Some(ctx.tr().t("session-expired-kept")),
            resume: fields,
        },
    )
}

pub async fn login(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    let username = form.get("username");
    let next = safe_next(&form.get("next"));
    let resume: Vec<(String, String)> = form
        .all_pairs()
        .into_iter()
        .filter_map(|(k, v)| k.strip_prefix("resume:").map(|k| (k.to_owned(), v)))
        .collect();
    match app
        .service
        .sign_in_from(&username, &form.get("password"), &ctx.client)
        .await
    {
        Ok(new) => {
            let secure = app.config.secure_cookies;
            let cookie = set_cookie(SESSION_COOKIE, &new.token, None, secure);
            if resume.is_empty() {
                let mut resp = Redirect::to(&next).into_response();
                resp.headers_mut().append(header::SET_COOKIE, cookie);
                return resp;
            }
            let ctx = Ctx {
                session: Some(new.session.clone()),
                lang: new.session.language,
                csrf: new.session.csrf_token.clone(),
                path: next.clone(),
                caps: app.service.capabilities(&new.session.actor),
                client: ctx.client.clone(),
            };
            let mut resp = render(&ResumePage {
                p: Page::new(&ctx, ctx.tr().t("resume-title")),
                action: next,
                cancel: "/".into(),
                fields: resume,
            });
            resp.headers_mut().append(header::SET_COOKIE, cookie);
            resp
        }
        Err(ServiceError::SignInFailed) => render_status(
            StatusCode::UNAUTHORIZED,
            &LoginPage {
                p: Page::new(&ctx, ctx.tr().t("sign-in-title")),
                next,
                username,
                error: Some(ctx.tr().error("sign-in-failed")),
                notice: None,
                resume,
            },
        ),
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn logout(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
) -> Response {
    let token = crate::ctx::cookies(&headers)
        .into_iter()
        .find(|(k, _)| k == SESSION_COOKIE)
        .map(|(_, v)| v);
    if let Some(t) = token {
        if let Err(e) = app.service.sign_out(&t).await {
            return render::service_error(&ctx, e);
        }
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(0), app.config.secure_cookies),
    );
    resp
}

/// Switches the language: remembered in a cookie for a year, and on the account when signed in.
pub async fn language(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    let next = safe_next(&form.get("next"));
    let Some(lang) = Lang::parse(&form.get("lang")) else {
        return Redirect::to(&next).into_response();
    };
    if let Some(actor) = ctx.actor() {
        if let Err(e) = app.service.set_language(actor, lang).await {
            return render::service_error(&ctx, e);
        }
    }
    let mut resp = Redirect::to(&next).into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            LANG_COOKIE,
            lang.code(),
            Some(365 * 24 * 3600),
            app.config.secure_cookies,
        ),
    );
    resp
}
