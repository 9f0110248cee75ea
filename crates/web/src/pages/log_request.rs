//! A client's own log data (Client Data Act 703/2023, 11 §): the family's request form and
//! its requests, the county's list of requests with their due dates, and one request with
//! its answer — the report of who used the data, when and why, or the decision refusing it.

use super::done;
use crate::ctx::Ctx;
use crate::extract::{Id, PageResult, SignedIn};
use crate::forms::{attach_errors, Field, FormData, Opt, SummaryItem};
use crate::i18n::Tr;
use crate::render::{render_status, Page};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use domain::log_request::{LogRequest, LogRequestForm, LogRequestStatus};
use domain::org::Actor;
use domain::validate::FieldErrors;
use service::ServiceError;
use uuid::Uuid;

/// A request in a list.
pub struct RequestRow {
    pub id: Uuid,
    pub client: String,
    pub requester: String,
    pub period: String,
    pub requested: String,
    pub due: String,
    pub status: String,
    pub overdue: bool,
}

fn status_text(t: &Tr, s: LogRequestStatus) -> String {
    t.t(&format!("log-request-status-{}", s.code()))
}

fn period(t: &Tr, r: &LogRequest) -> String {
    format!("{} – {}", t.date(r.from), t.date(r.to))
}

fn rows(t: &Tr, list: &[service::Doc<LogRequest>], today: chrono::NaiveDate) -> Vec<RequestRow> {
    list.iter()
        .map(|d| RequestRow {
            id: d.id,
            client: d.data.client_name.clone(),
            requester: d.data.requester_name.clone(),
            period: period(t, &d.data),
            requested: t.date(d.data.requested_at.date_naive()),
            due: t.date(d.data.due),
            status: status_text(t, d.data.status),
            overdue: d.data.overdue(today),
        })
        .collect()
}

// ---- the family's requests -------------------------------------------------------------

#[derive(Template)]
#[template(path = "my_log_requests.html")]
struct OwnPage {
    p: Page,
    requests: Vec<RequestRow>,
    fields: Vec<Field>,
    summary: Vec<SummaryItem>,
}

async fn own_page(
    app: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    typed: Option<(&LogRequestForm, &FieldErrors)>,
) -> PageResult {
    let t = ctx.tr();
    let v = app.service.own_log_requests(actor).await?;
    let empty = LogRequestForm::default();
    let (f, e) = match typed {
        Some((f, e)) => (f, Some(e)),
        None => (&empty, None),
    };
    let mut client = Field::named(
        "client".into(),
        t.t("log-request-whose"),
        "select",
        &f.client,
    )
    .required();
    client.options = v
        .people
        .iter()
        .map(|(id, name)| Opt {
            value: id.to_string(),
            label: name.clone(),
            selected: f.client == id.to_string(),
        })
        .collect();
    let mut fields = vec![
        client,
        Field::new(&t, "from", "date", &f.from).hint(&t, "hint-log-request-from"),
        Field::new(&t, "to", "date", &f.to).hint(&t, "hint-log-request-to"),
        Field::named(
            "reason".into(),
            t.t("log-request-reason"),
            "textarea",
            &f.reason,
        )
        .hint(&t, "hint-log-request-reason"),
    ];
    let summary = e
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    let p = Page::with_errors(ctx, t.t("log-requests-own-title"), &summary);
    Ok(render_status(
        if e.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &OwnPage {
            p,
            requests: rows(&t, &v.requests, app.service.today()),
            fields,
            summary,
        },
    ))
}

pub async fn own(State(app): State<AppState>, SignedIn { ctx, actor }: SignedIn) -> PageResult {
    own_page(&app, &ctx, &actor, None).await
}

pub async fn request(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    body: Bytes,
) -> PageResult {
    let d = FormData::parse(&body);
    let f = LogRequestForm {
        client: d.get("client"),
        from: d.get("from"),
        to: d.get("to"),
        reason: d.get("reason"),
    };
    match app.service.request_log(&actor, &f).await {
        Ok(id) => Ok(done(format!("/log-requests/{id}"))),
        Err(ServiceError::Invalid(e)) => own_page(&app, &ctx, &actor, Some((&f, &e))).await,
        Err(e) => Err(e.into()),
    }
}

// ---- the county's list -----------------------------------------------------------------

#[derive(Template)]
#[template(path = "log_requests.html")]
struct ListPage {
    p: Page,
    requests: Vec<RequestRow>,
}

pub async fn list(State(app): State<AppState>, SignedIn { ctx, actor }: SignedIn) -> PageResult {
    let t = ctx.tr();
    let list = app.service.log_requests(&actor).await?;
    Ok(render_status(
        StatusCode::OK,
        &ListPage {
            p: Page::new(&ctx, t.t("log-requests-title")),
            requests: rows(&t, &list, app.service.today()),
        },
    ))
}

// ---- one request -----------------------------------------------------------------------

/// One use of the data as the report shows it.
pub struct LineRow {
    pub at: String,
    pub who: String,
    pub organisation: String,
    pub what: String,
    pub why: String,
}

#[derive(Template)]
#[template(path = "log_request.html")]
struct OnePage {
    p: Page,
    id: Uuid,
    facts: Vec<(String, String)>,
    status: String,
    delivered: bool,
    refused: bool,
    overdue: bool,
    answered_by: String,
    reasons: String,
    lines: Vec<LineRow>,
    may_answer: bool,
    /// The family's own view links back to its requests; a handler's to the county's list.
    back: String,
    reasons_field: Vec<Field>,
    summary: Vec<SummaryItem>,
}

async fn one_page(
    app: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: Uuid,
    typed: Option<(&str, &FieldErrors)>,
) -> PageResult {
    let t = ctx.tr();
    let v = app.service.log_request(actor, id).await?;
    let r = &v.request.data;
    let facts = vec![
        (t.t("log-request-whose"), r.client_name.clone()),
        (t.t("log-request-requester"), r.requester_name.clone()),
        (t.t("log-request-period"), period(&t, r)),
        (t.t("log-request-requested"), t.datetime(r.requested_at)),
        (t.t("log-request-due"), t.date(r.due)),
    ]
    .into_iter()
    .chain((!r.reason.is_empty()).then(|| (t.t("log-request-reason"), r.reason.clone())))
    .collect();
    let (answered_by, reasons, lines) = match &r.answer {
        Some(a) => (
            format!("{}, {}", a.by, t.datetime(a.at)),
            a.reasons.clone(),
            a.lines
                .iter()
                .map(|l| LineRow {
                    at: t.datetime(l.at),
                    who: l.who.clone(),
                    organisation: l.organisation.clone(),
                    what: format!(
                        "{}: {}",
                        t.t(&format!("audit-action-{}", l.action)),
                        t.t(&format!("audit-record-{}", l.record_kind))
                    ),
                    why: t.t(&format!("audit-purpose-{}", l.purpose)),
                })
                .collect(),
        ),
        None => (String::new(), String::new(), Vec::new()),
    };
    let mut reasons_field = vec![Field::named(
        "reasons".into(),
        t.t("log-request-reasons"),
        "textarea",
        typed.map_or("", |(r, _)| r),
    )
    .hint(&t, "hint-log-request-reasons")];
    let summary = typed
        .map(|(_, e)| attach_errors(&t, &mut reasons_field, e))
        .unwrap_or_default();
    let p = Page::with_errors(
        ctx,
        t.t1("log-request-title", "name", r.client_name.clone()),
        &summary,
    );
    Ok(render_status(
        if typed.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &OnePage {
            p,
            id,
            facts,
            status: status_text(&t, r.status),
            delivered: r.status == LogRequestStatus::Delivered,
            refused: r.status == LogRequestStatus::Refused,
            overdue: v.overdue,
            answered_by,
            reasons,
            lines,
            may_answer: v.may_answer,
            back: if ctx.caps.family {
                "/my/log-requests".into()
            } else {
                "/log-requests".into()
            },
            reasons_field,
            summary,
        },
    ))
}

pub async fn show(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> PageResult {
    one_page(&app, &ctx, &actor, id, None).await
}

pub async fn deliver(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> PageResult {
    match app.service.deliver_log_report(&actor, id).await {
        Ok(()) => Ok(done(format!("/log-requests/{id}"))),
        Err(ServiceError::Invalid(e)) => one_page(&app, &ctx, &actor, id, Some(("", &e))).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn refuse(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> PageResult {
    let d = FormData::parse(&body);
    let reasons = d.get("reasons");
    match app.service.refuse_log_request(&actor, id, &reasons).await {
        Ok(()) => Ok(done(format!("/log-requests/{id}"))),
        Err(ServiceError::Invalid(e)) => {
            one_page(&app, &ctx, &actor, id, Some((&reasons, &e))).await
        }
        Err(e) => Err(e.into()),
    }
}
