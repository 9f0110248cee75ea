//! Corrections of settled months: the controller sees which months changed after their
//! invoices were approved, with the original, refund and correction rows, and records each as a
//! credit request or an accepted additional line; the provider sees those addressed to it. A
//! correction names a commitment number and a month, never a client.

use super::delivery::month_label;
use super::done;
use super::invoice::euros;
use crate::ctx::Ctx;
use crate::extract::{Form, PageResult, SignedIn};
use crate::i18n::Tr;
use crate::render::{render_status, Page};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use domain::correction::{CorrectionRow, Outcome};
use serde::Deserialize;

pub struct RowView {
    pub kind: String,
    pub hours: String,
    pub amount: String,
}

pub struct DueView {
    /// The reason field's id.
    pub id: String,
    pub commitment: String,
    pub month: String,
    pub month_value: String,
    pub rows: Vec<RowView>,
    pub difference: String,
    pub outcome: String,
    pub reason: String,
    pub error: Option<String>,
}

pub struct RecordedView {
    pub commitment: String,
    pub month: String,
    pub difference: String,
    pub outcome: String,
    pub reason: String,
    pub invoices: String,
    pub by: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "corrections.html")]
struct CorrectionsPage {
    p: Page,
    due: Vec<DueView>,
    recorded: Vec<RecordedView>,
    may_record: bool,
    error: Option<String>,
}

/// Hours and minutes with their sign (a refund row is negative).
fn signed_hours(t: &Tr, minutes: i64) -> String {
    let h = super::delivery::hours(t, minutes.abs());
    if minutes < 0 {
        format!("−{h}")
    } else {
        h
    }
}

fn rows(t: &Tr, rows: &[CorrectionRow]) -> Vec<RowView> {
    rows.iter()
        .map(|r| RowView {
            kind: t.t(&format!("correction-row-{}", r.kind.code())),
            hours: signed_hours(t, r.minutes),
            amount: euros(t, r.amount),
        })
        .collect()
}

fn outcome(t: &Tr, o: Outcome) -> String {
    t.t(&format!("correction-outcome-{}", o.code()))
}

/// The form of one month's correction.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RecordForm {
    pub commitment: String,
    /// `2026-10`.
    pub month: String,
    pub reason: String,
}

async fn page(
    app: &AppState,
    ctx: &Ctx,
    actor: &domain::org::Actor,
    form: Option<(&RecordForm, String)>,
) -> PageResult {
    let t = ctx.tr();
    let v = app.service.corrections(actor).await?;
    let mut p = Page::new(ctx, t.t("corrections-title"));
    if form.is_some() {
        p.title = t.t1("title-with-errors", "title", &p.title);
    }
    let due = v
        .due
        .iter()
        .map(|d| {
            let month_value = d.month.format("%Y-%m").to_string();
            let mine = form
                .as_ref()
                .filter(|(f, _)| f.commitment == d.commitment && f.month == month_value);
            DueView {
                id: format!("reason-{}-{}", d.commitment, month_value),
                commitment: d.commitment.clone(),
                month: month_label(&t, d.month),
                month_value,
                rows: rows(&t, &d.rows),
                difference: euros(&t, d.difference),
                outcome: outcome(&t, d.outcome),
                reason: mine.map(|(f, _)| f.reason.clone()).unwrap_or_default(),
                error: mine.map(|(_, e)| e.clone()),
            }
        })
        .collect();
    let recorded = v
        .recorded
        .iter()
        .map(|c| {
            let c = &c.data;
            RecordedView {
                commitment: c.commitment.clone(),
                month: month_label(&t, c.month),
                difference: euros(&t, c.difference),
                outcome: outcome(&t, c.outcome),
                reason: c.reason.clone(),
                invoices: c.invoices.join(", "),
                by: format!("{}, {}", c.by_name, t.datetime(c.at)),
                status: t.t(if c.settled_by.is_some() {
                    "correction-settled"
                } else {
                    "correction-open"
                }),
            }
        })
        .collect();
    let error = form.as_ref().map(|(_, e)| e.clone());
    Ok(render_status(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &CorrectionsPage {
            p,
            due,
            recorded,
            may_record: v.may_record,
            error,
        },
    ))
}

pub async fn corrections(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
) -> PageResult {
    page(&app, &ctx, &actor, None).await
}

/// Records one month's correction; a refused one comes back next to its reason field.
pub async fn record(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Form(f): Form<RecordForm>,
) -> PageResult {
    let t = ctx.tr();
    let Some(month) = domain::delivery::parse_month(&f.month) else {
        return page(&app, &ctx, &actor, Some((&f, t.error("correction-none")))).await;
    };
    match app
        .service
        .record_correction(&actor, f.commitment.trim(), month, &f.reason)
        .await
    {
        Ok(_) => Ok(done("/invoices/corrections".into())),
        Err(service::ServiceError::Invalid(errs)) => {
            let msg = errs.0.first().map(|e| t.error(&e.code)).unwrap_or_default();
            page(&app, &ctx, &actor, Some((&f, msg))).await
        }
        Err(e) => Err(e.into()),
    }
}
