//! What handlers take from a request, typed, and the one error type they return with `?`.
//!
//! - [`SignedIn`] (pages) and [`Caller`] (API): the actor of a signed-in request. Without one, a
//!   page answers with the sign-in page and the API with 401, before the handler runs.
//! - [`Id`]: a record's id from the path. Anything that is not an id is refused exactly as a
//!   record of another organisation is (and the refusal backstop logs it), so that the answer
//!   never tells what exists.
//! - [`Body`]: a JSON body read into the handler's type; one that does not read is a field
//!   error (`body: json-invalid`), not a bare 400.
//! - [`Form`]: a submitted form read into the domain's form type by `serde_html_form`
//!   (repeated keys, such as check boxes, fill a `Vec`; fields the type does not name, such as
//!   the CSRF token, are ignored).
//! - [`Failure`]: a use case's error on its way out. A handler returns `Result<_, Failure>` and
//!   writes `app.service.x(…).await?`; the request context renders it in the user's language, as
//!   a page or as the API's JSON error, with the same status and code for the same error.

use crate::ctx::{is_api, Ctx};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::org::Actor;
use domain::validate::FieldErrors;
use service::ServiceError;
use std::sync::{Arc, Mutex, PoisonError};
use uuid::Uuid;

/// A use case's error, rendered by the request context (see the module comment).
#[derive(Debug)]
pub struct Failure(pub ServiceError);

impl From<ServiceError> for Failure {
    fn from(e: ServiceError) -> Self {
        Failure(e)
    }
}

/// The error inside a response until the request context renders it. Extensions must be
/// `Clone`; the error is taken out once.
#[derive(Clone)]
pub(crate) struct Pending(Arc<Mutex<Option<ServiceError>>>);

impl Pending {
    pub(crate) fn take(&self) -> Option<ServiceError> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut r = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        r.extensions_mut()
            .insert(Pending(Arc::new(Mutex::new(Some(self.0)))));
        r
    }
}

/// A page's answer: the page, or a [`Failure`] to render.
pub type PageResult = Result<Response, Failure>;

/// The API's answer: the JSON, or a [`Failure`] to render as the API's error.
pub type ApiResult = Result<Response, Failure>;

/// Renders a failed handler's error for the request it failed; other responses pass as they are.
pub(crate) fn render_failure(ctx: &Ctx, resp: Response) -> Response {
    let Some(e) = resp.extensions().get::<Pending>().and_then(Pending::take) else {
        return resp;
    };
    if is_api(&ctx.path) {
        crate::api::fail(ctx, e)
    } else {
        crate::render::service_error(ctx, e)
    }
}

fn ctx_of(parts: &Parts) -> Result<Ctx, Response> {
    parts
        .extensions
        .get::<Ctx>()
        .cloned()
        .ok_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// The signed-in actor of a page, with the request's context.
pub struct SignedIn {
    pub ctx: Ctx,
    pub actor: Actor,
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        let ctx = ctx_of(parts)?;
        match ctx.actor().cloned() {
            Some(actor) => Ok(SignedIn { ctx, actor }),
            None => Err(crate::render::redirect_to_login(&ctx.path)),
        }
    }
}

/// The actor of an API call (a session or an API key).
pub struct Caller(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        let ctx = ctx_of(parts)?;
        match ctx.actor().cloned() {
            Some(actor) => Ok(Caller(actor)),
            None => Err(crate::api::unauthenticated(ctx.lang)),
        }
    }
}

/// A record's id: the one parameter of the route's path.
pub struct Id(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let refused = || Failure(ServiceError::NotFound).into_response();
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| refused())?;
        Uuid::parse_str(&raw).map(Id).map_err(|_| refused())
    }
}

/// A JSON body of type `T`.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let lang = req
            .extensions()
            .get::<Ctx>()
            .map(|c| c.lang)
            .unwrap_or_default();
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(e) => {
                tracing::debug!(error = %e, "bad JSON body");
                let mut f = FieldErrors::default();
                f.add("body", "json-invalid");
                Err(crate::api::error_json(
                    lang,
                    StatusCode::BAD_REQUEST,
                    "invalid-input",
                    Some(&f),
                ))
            }
        }
    }
}

/// A form (`application/x-www-form-urlencoded`) read into `T`.
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let lang = req
            .extensions()
            .get::<Ctx>()
            .map(|c| c.lang)
            .unwrap_or_default();
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        serde_html_form::from_bytes(&bytes).map(Form).map_err(|e| {
            tracing::debug!(error = %e, "a form that does not read");
            crate::render::plain_error(StatusCode::BAD_REQUEST, lang)
        })
    }
}
