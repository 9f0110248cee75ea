//! Payments under an agreement: each year's total against its contract value, the payments,
//! and for the purchaser's controller the form to record one (seed 004's cooperation
//! agreement is paid this way, not by invoices).

use super::done;
use super::invoice::euros;
use crate::ctx::Ctx;
use crate::extract::{Id, PageResult, SignedIn};
use crate::forms::{attach_errors, Field, FormData, SummaryItem};
use crate::render::{render_status, Page};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use domain::agreement::PaymentForm;
use domain::org::Actor;
use domain::validate::FieldErrors;
use service::ServiceError;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "agreement_payments.html")]
struct PaymentsPage {
    p: Page,
    id: Uuid,
    title: String,
    provider: String,
    /// Year, paid, contract value, left.
    years: Vec<(i32, String, String, String)>,
    /// Paid on, purpose, reference, amount, entered.
    rows: Vec<(String, String, String, String, String)>,
    may_pay: bool,
    fields: Vec<Field>,
    summary: Vec<SummaryItem>,
}

async fn page(
    app: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: Uuid,
    typed: Option<(&PaymentForm, &FieldErrors)>,
) -> PageResult {
    let t = ctx.tr();
    let v = app.service.agreement_payments(actor, id).await?;
    let empty = PaymentForm::default();
    let (f, e) = match typed {
        Some((f, e)) => (f, Some(e)),
        None => (&empty, None),
    };
    let mut fields = vec![
        Field::new(&t, "paid_on", "date", &f.paid_on).required(),
        Field::new(&t, "amount", "text", &f.amount).required(),
        Field::new(&t, "purpose", "text", &f.purpose).required(),
        Field::new(&t, "reference", "text", &f.reference),
    ];
    let summary = e
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    let p = Page::with_errors(
        ctx,
        t.t1("payments-page-title", "title", &v.agreement.title),
        &summary,
    );
    Ok(render_status(
        if e.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &PaymentsPage {
            p,
            id,
            title: v.agreement.title.clone(),
            provider: v.provider_name.clone(),
            years: v
                .years
                .iter()
                .map(|(y, paid, value)| {
                    (
                        *y,
                        euros(&t, *paid),
                        value.map(|x| euros(&t, x)).unwrap_or_default(),
                        value
                            .and_then(|x| x.checked_sub(*paid))
                            .map(|x| euros(&t, x))
                            .unwrap_or_default(),
                    )
                })
                .collect(),
            rows: v
                .payments
                .iter()
                .map(|d| {
                    (
                        t.date(d.data.paid_on),
                        d.data.purpose.clone(),
                        d.data.reference.clone(),
                        euros(&t, d.data.amount),
                        format!("{}, {}", d.data.entered.name, t.datetime(d.data.entered.at)),
                    )
                })
                .collect(),
            may_pay: v.may_pay,
            fields,
            summary,
        },
    ))
}

pub async fn payments(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> PageResult {
    page(&app, &ctx, &actor, id, None).await
}

pub async fn record(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> PageResult {
    let d = FormData::parse(&body);
    let f = PaymentForm {
        paid_on: d.get("paid_on"),
        amount: d.get("amount"),
        purpose: d.get("purpose"),
        reference: d.get("reference"),
    };
    match app
        .service
        .record_agreement_payment(&actor, id, &f, ctx.lang)
        .await
    {
        Ok(_) => Ok(done(format!("/agreements/{id}/payments"))),
        Err(ServiceError::Invalid(e)) => page(&app, &ctx, &actor, id, Some((&f, &e))).await,
        Err(e) => Err(e.into()),
    }
}
