//! The request context: who is signed in, in which language, and the CSRF guard that every
//! unsafe request passes. Runs as a middleware before every handler.

use crate::i18n::Tr;
use crate::render;
use crate::AppState;
use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::locale::Lang;
use domain::org::Actor;
use service::auth::Session;

pub const SESSION_COOKIE: &str = "kumppani_session";
pub const CSRF_COOKIE: &str = "kumppani_csrf";
pub const LANG_COOKIE: &str = "kumppani_lang";

/// Largest request body accepted. Forms and API calls of this issue are small.
const BODY_LIMIT: usize = 1024 * 1024;
/// A notice upload: the notice reader's own limit and room for the form around it.
pub const UPLOAD_LIMIT: usize = notice::MAX_BYTES + 64 * 1024;

/// What every handler knows about its request.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub session: Option<Session>,
    pub lang: Lang,
    /// The token forms must send back: the session's, or before sign-in the browser's own.
    pub csrf: String,
    /// Path and query of this request, for "back to where you were".
    pub path: String,
    /// What the signed-in actor may open, as the policy answers it (empty before sign-in).
    pub caps: service::Capabilities,
    /// The client's address as the connection shows it ("" when unknown, as in tests run
    /// in process): what guessing limits count per.
    pub client: String,
}

impl Ctx {
    pub fn tr(&self) -> Tr {
        Tr::new(self.lang)
    }

    pub fn actor(&self) -> Option<&Actor> {
        self.session.as_ref().map(|s| &s.actor)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// The request's cookies as name and value; a cookie that does not parse is left out.
pub fn cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .map(|c| (c.name().to_owned(), c.value().to_owned()))
        .collect()
}

fn cookie<'a>(all: &'a [(String, String)], name: &str) -> Option<&'a str> {
    all.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Compares in constant time, so timing does not reveal how much of a token matched.
pub fn same_token(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// A cookie of the whole site that scripts cannot read and other sites' forms do not carry;
/// `max_age` of 0 removes it.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut c = cookie::Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(secure);
    if let Some(a) = max_age {
        c = c.max_age(cookie::time::Duration::seconds(a));
    }
    HeaderValue::from_str(&c.build().to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Browsers say where a request comes from in `Sec-Fetch-Site` and `Origin`. A request that
/// says it comes from another site is refused whatever token it carries.
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return false;
        }
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some("null"), _) => false,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .map(|(_, h)| h == host)
            .unwrap_or(false),
        _ => true,
    }
}

/// Paths that work without a session.
fn public_path(path: &str) -> bool {
    matches!(
        path,
        "/login"
            | "/join"
            | "/language"
            | "/healthz"
            | "/readyz"
            | "/static/app.css"
            // A family confirms a visit with the worker's one-time code, without an account.
            | "/confirm"
            // A person in a register of people sees and corrects their own entry with the
            // personal code the register's keeper gave them (seed 002's registers).
            | "/my-register-entry"
    )
}

pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

pub async fn context(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let jar = cookies(req.headers());
    let path = req.uri().path().to_owned();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| path.clone());
    let session_token = cookie(&jar, SESSION_COOKIE)
        .filter(|t| is_token(t))
        .map(str::to_owned);
    // A provider's system calls the API with its key as a bearer token, not a browser cookie:
    // nothing is sent without being asked for, so neither the origin nor a CSRF token applies.
    let bearer = if is_api(&path) {
        req.headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|v| v.trim().to_owned())
    } else {
        None
    };
    if let Some(secret) = &bearer {
        let lang = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::from_accept_language)
            .unwrap_or_default();
        let actor = match app.service.key_actor(secret).await {
            Ok(Some(a)) => a,
            Ok(None) => return finish(crate::api::unauthenticated(lang), None, false, false),
            Err(e) => {
                tracing::error!(error = %e, "API key lookup failed");
                return render::plain_error(StatusCode::SERVICE_UNAVAILABLE, lang);
            }
        };
        let caps = app.service.capabilities(&actor);
        let ctx = Ctx {
            session: Some(Session {
                actor,
                language: lang,
                csrf_token: String::new(),
            }),
            lang,
            csrf: String::new(),
            path: path_and_query,
            caps,
            client: String::new(),
        };
        let mut req = req;
        req.extensions_mut().insert(ctx.clone());
        let resp = run(&app, &ctx, req, next).await;
        return finish(resp, None, false, app.config.secure_cookies);
    }
    let session = match &session_token {
        Some(t) => match app.service.session(t).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return render::plain_error(StatusCode::SERVICE_UNAVAILABLE, Lang::Fi);
            }
        },
        None => None,
    };
    let stale_session = session_token.is_some() && session.is_none();
    let anon = cookie(&jar, CSRF_COOKIE)
        .filter(|t| is_token(t))
        .map(str::to_owned);
    let new_anon = match anon {
        Some(_) => None,
        None => service::password::random_token().ok(),
    };
    let anon_token = anon.or_else(|| new_anon.clone()).unwrap_or_default();
    let lang = session
        .as_ref()
        .map(|s| s.language)
        .or_else(|| cookie(&jar, LANG_COOKIE).and_then(Lang::parse))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();
    let csrf = session
        .as_ref()
        .map(|s| s.csrf_token.clone())
        .unwrap_or_else(|| anon_token.clone());
    let client = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default();
    let caps = session
        .as_ref()
        .map(|s| app.service.capabilities(&s.actor))
        .unwrap_or_default();
    let ctx = Ctx {
        session,
        lang,
        csrf,
        path: path_and_query,
        caps,
        client,
    };
    let secure = app.config.secure_cookies;

    let mut req = req;
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        if !same_origin(req.headers()) {
            return finish(
                render::csrf_failed(&ctx),
                new_anon.as_deref(),
                stale_session,
                secure,
            );
        }
        let (parts, body) = req.into_parts();
        // Notice files, signed paper reports and bulk visits may be larger than any form.
        let limit = if path == "/notices/import"
            || path == "/api/v1/visits"
            || (path.starts_with("/commitments/") && path.ends_with("/paper"))
        {
            UPLOAD_LIMIT
        } else {
            BODY_LIMIT
        };
        let bytes: Bytes = match to_bytes(body, limit).await {
            Ok(b) => b,
            Err(_) => {
                return finish(
                    render::plain_error(StatusCode::PAYLOAD_TOO_LARGE, lang),
                    new_anon.as_deref(),
                    stale_session,
                    secure,
                )
            }
        };
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let is_form = content_type.starts_with("application/x-www-form-urlencoded");
        let is_multipart = content_type.starts_with("multipart/form-data");
        let sent = if is_form {
            form_urlencoded::parse(&bytes)
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v.into_owned())
        } else if is_multipart {
            multipart_csrf(&content_type, &bytes).await
        } else {
            parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        if ctx.session.is_none() && !public_path(&path) {
            let resp = if is_api(&path) {
                crate::api::unauthenticated(lang)
            } else if stale_session && is_form {
                // The session ended while the person was filling in a form: ask them to sign in
                // again and carry what they sent through the sign-in page, not lose it.
                let fields: Vec<(String, String)> = form_urlencoded::parse(&bytes)
                    .filter(|(k, _)| k != "csrf")
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                crate::pages::auth::relogin(&ctx, &anon_token, &path, fields)
            } else {
                render::redirect_to_login(&ctx.path)
            };
            return finish(resp, new_anon.as_deref(), stale_session, secure);
        }
        if !sent.as_deref().is_some_and(|s| same_token(s, &ctx.csrf)) {
            let resp = if is_api(&path) {
                crate::api::csrf_failed(lang)
            } else {
                render::csrf_failed(&ctx)
            };
            return finish(resp, new_anon.as_deref(), stale_session, secure);
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    req.extensions_mut().insert(ctx.clone());
    let resp = run(&app, &ctx, req, next).await;
    finish(resp, new_anon.as_deref(), stale_session, secure)
}

/// Runs the handler of a signed-in request, and sees to it that a refusal reaches the access
/// log before it is sent: when the answer is 403 or 404 on a route of the table and no use case
/// wrote a `denied` row for it, the gate writes one (`Service::log_refusal`). Addresses that
/// match no route (a browser's `/favicon.ico`) are not refusals of anything and stay out.
async fn run(app: &AppState, ctx: &Ctx, req: Request, next: Next) -> Response {
    let actor = ctx.actor().cloned();
    let routed = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .is_some();
    let (method, path) = (req.method().to_string(), req.uri().path().to_owned());
    // The handler runs as a task of its own: when the client goes away mid-request, the use
    // case still finishes (its log rows committed or rolled back) instead of being dropped
    // inside a transaction, which would hand the pool a connection left mid-transaction.
    let handler = tokio::spawn(service::counting_refusals(next.run(req)));
    let (resp, denials) = match handler.await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "request handler failed");
            return render::plain_error(StatusCode::INTERNAL_SERVER_ERROR, Lang::Fi);
        }
    };
    // A handler's `Failure` becomes the page or the API error, before the backstop looks at it.
    let resp = crate::extract::render_failure(ctx, resp);
    let refused = matches!(resp.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND);
    if let (Some(actor), true, true, 0) = (actor, routed, refused, denials) {
        if let Err(e) = app.service.log_refusal(&actor, &method, &path).await {
            tracing::error!(error = %e, "writing a refusal to the access log failed");
            return render::plain_error(StatusCode::SERVICE_UNAVAILABLE, Lang::Fi);
        }
    }
    resp
}

/// The `csrf` field of a multipart form (file uploads), read by the multipart parser that
/// axum's own extractor uses; `None` when the body is not a well-formed form or has no such
/// field before its end.
async fn multipart_csrf(content_type: &str, body: &Bytes) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let body = body.clone();
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("csrf") {
            return field.text().await.ok();
        }
    }
    None
}

/// Adds the cookies the middleware owes (the security headers are `security_headers`).
fn finish(
    mut resp: Response,
    new_anon: Option<&str>,
    clear_session: bool,
    secure: bool,
) -> Response {
    let h = resp.headers_mut();
    if let Some(t) = new_anon {
        h.append(header::SET_COOKIE, set_cookie(CSRF_COOKIE, t, None, secure));
    }
    if clear_session
        && !h
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.as_bytes().starts_with(SESSION_COOKIE.as_bytes()))
    {
        h.append(
            header::SET_COOKIE,
            set_cookie(SESSION_COOKIE, "", Some(0), secure),
        );
    }
    resp.into_response()
}

/// The headers every response carries, added where a handler did not set its own: a content
/// security policy without inline scripts or styles, no framing, no sniffing, no caching of
/// pages that may show client data, and HSTS behind TLS.
pub fn security_headers(router: axum::Router, secure: bool) -> axum::Router {
    use tower_http::set_header::SetResponseHeaderLayer;
    let fixed: [(&str, &str); 7] = [
        (
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=()",
        ),
        ("cross-origin-opener-policy", "same-origin"),
        ("cache-control", "no-store"),
    ];
    let mut router = router;
    for (k, v) in fixed {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static(k),
            HeaderValue::from_static(v),
        ));
    }
    if secure {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ));
    }
    router
}
