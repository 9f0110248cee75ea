//! A provider's API keys for its own systems: listed, created (the secret shown once) and
//! revoked by the provider's administrator.

use super::{actor, done};
use crate::ctx::Ctx;
use crate::extract::{Id, PageResult, SignedIn};
use crate::forms::{attach_errors, Field, FormData, Opt, SummaryItem};
use crate::render::{self, render_status, Page};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::api_key::{ApiKeyForm, Operation, MAX_VALID_DAYS};
use domain::validate::FieldErrors;
use service::ServiceError;

pub struct KeyRow {
    id: String,
    name: String,
    operations: String,
    until: String,
    last_used: String,
    active: bool,
    status: String,
    revoke_label: String,
}

#[derive(Template)]
#[template(path = "api_keys.html")]
struct ApiKeysPage {
    p: Page,
    secret: Option<String>,
    rows: Vec<KeyRow>,
    fields: Vec<Field>,
    summary: Vec<SummaryItem>,
}

fn fields(t: &crate::i18n::Tr, f: &ApiKeyForm) -> Vec<Field> {
    vec![
        Field::new(t, "name", "text", &f.name).required(),
        Field::new(t, "operations", "checkboxes", "").options(
            Operation::ALL
                .iter()
                .map(|o| Opt {
                    value: o.code().into(),
                    label: t.t(&format!("api-key-op-{}", o.code().replace('.', "-"))),
                    selected: f.operations.iter().any(|s| s == o.code()),
                })
                .collect(),
        ),
        Field::new(t, "valid_days", "number", &f.valid_days)
            .required()
            .hint(t, "api-key-valid-days-hint"),
    ]
}

async fn page(
    app: &AppState,
    ctx: &Ctx,
    form: &ApiKeyForm,
    errs: Option<&FieldErrors>,
    secret: Option<String>,
) -> Response {
    let actor = try_page!(actor(ctx));
    let t = ctx.tr();
    let keys = match app.service.api_keys(&actor).await {
        Ok(k) => k,
        Err(e) => return render::service_error(ctx, e),
    };
    let now = app.service.now();
    let rows = keys
        .iter()
        .map(|k| {
            let active = k.revoked_at.is_none() && k.expires_at > now;
            KeyRow {
                id: k.id.to_string(),
                name: k.name.clone(),
                operations: k
                    .operations
                    .iter()
                    .map(|o| t.t(&format!("api-key-op-{}", o.code().replace('.', "-"))))
                    .collect::<Vec<_>>()
                    .join(", "),
                until: t.date(k.expires_at.date_naive()),
                last_used: k
                    .last_used_at
                    .map(|d| t.datetime(d))
                    .unwrap_or_else(|| t.t("api-key-never-used")),
                active,
                status: t.t(if k.revoked_at.is_some() {
                    "api-key-revoked"
                } else {
                    "api-key-expired"
                }),
                revoke_label: t.t1("api-key-revoke", "name", &k.name),
            }
        })
        .collect();
    let mut fields = fields(&t, form);
    let summary = errs
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    let mut p = Page::new(ctx, t.t("api-keys-title"));
    if errs.is_some() {
        p.title = t.t1("title-with-errors", "title", &p.title);
    }
    render_status(
        if errs.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ApiKeysPage {
            p,
            secret,
            rows,
            fields,
            summary,
        },
    )
}

fn default_form() -> ApiKeyForm {
    ApiKeyForm {
        valid_days: MAX_VALID_DAYS.to_string(),
        ..ApiKeyForm::default()
    }
}

pub async fn api_keys(State(app): State<AppState>, ctx: Ctx) -> Response {
    page(&app, &ctx, &default_form(), None, None).await
}

pub async fn create(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    let form = d.read::<ApiKeyForm>();
    match app.service.create_api_key(&actor, &form).await {
        // The secret is shown on this answer only; a reload shows the list without it.
        Ok(k) => page(&app, &ctx, &default_form(), None, Some(k.secret)).await,
        Err(ServiceError::Invalid(e)) => page(&app, &ctx, &form, Some(&e), None).await,
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn revoke(
    State(app): State<AppState>,
    SignedIn { actor, .. }: SignedIn,
    Id(id): Id,
) -> PageResult {
    app.service.revoke_api_key(&actor, id).await?;
    Ok(done("/api-keys".into()))
}
