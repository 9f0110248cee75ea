//! Opening a client outside one's team and responsibility (Client Data Act 703/2023, 9 §): the
//! page that asks for the reason code instead of the client, and its answer. The client is
//! not shown until a reason is given; the reason flags the access in the log.

use super::done;
use crate::ctx::Ctx;
use crate::extract::{Id, SignedIn};
use crate::forms::{attach_errors, Field, FormData, Opt, SummaryItem};
use crate::render::{self, render_status, Page};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::access::AccessReason;
use domain::exceptional_access::ExceptionForm;
use domain::validate::FieldErrors;
use service::ServiceError;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "exceptional_access.html")]
struct ReasonPage {
    p: Page,
    id: Uuid,
    fields: Vec<Field>,
    summary: Vec<SummaryItem>,
}

/// The reason form, answered 403: the client itself is refused until a reason is given.
pub fn reason_page(
    ctx: &Ctx,
    id: Uuid,
    form: Option<&ExceptionForm>,
    errs: Option<&FieldErrors>,
) -> Response {
    let t = ctx.tr();
    let empty = ExceptionForm::default();
    let f = form.unwrap_or(&empty);
    let mut fields = vec![
        Field::named(
            "reason".into(),
            t.t("exceptional-reason"),
            "select",
            &f.reason,
        )
        .required()
        .options(
            AccessReason::ALL
                .iter()
                .map(|r| Opt {
                    value: r.code().into(),
                    label: t.t(&format!("access-reason-{}", r.code())),
                    selected: f.reason == r.code(),
                })
                .collect(),
        ),
        Field::named("note".into(), t.t("exceptional-note"), "textarea", &f.note)
            .hint(&t, "hint-access-note"),
    ];
    let summary = errs
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    let p = Page::with_errors(ctx, t.t("exceptional-title"), &summary);
    render_status(
        if errs.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::FORBIDDEN
        },
        &ReasonPage {
            p,
            id,
            fields,
            summary,
        },
    )
}

pub async fn open(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    let f = ExceptionForm {
        reason: d.get("reason"),
        note: d.get("note"),
    };
    match app.service.open_client_exceptionally(&actor, id, &f).await {
        Ok(()) => done(format!("/clients/{id}")),
        Err(ServiceError::Invalid(e)) => reason_page(&ctx, id, Some(&f), Some(&e)),
        Err(e) => render::service_error(&ctx, e),
    }
}
