//! Invoices: a provider's own (with the upload form) and a purchaser controller's inbox on one
//! page, each invoice on its own page. An invoice names commitments, never a client, so these
//! pages show no personal data; every view is logged by the service all the same.

use super::done;
use crate::ctx::Ctx;
use crate::extract::{Form, Id, PageResult, SignedIn};
use crate::forms::{attach_errors, Field, Opt, SummaryItem};
use crate::i18n::Tr;
use crate::render::{render_status, Page};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use domain::invoice::{DecisionForm, InvoiceKind, InvoiceStatus, InvoiceStep, ReceivedInvoice};
use domain::money::Money;
use domain::validate::FieldErrors;
use service::invoice::{Intake, Receipt};
use service::Doc;

pub struct InvoiceRow {
    pub id: String,
    pub number: String,
    pub kind: String,
    pub seller: String,
    pub commitments: String,
    pub period: String,
    pub amount: String,
    pub received: String,
    pub status: String,
    pub reason: String,
    pub quarantined: bool,
}

/// An amount as the user's language writes it (`1 234,50 €`, `€1,234.50`); the sign of the
/// currency is part of it.
pub(crate) fn euros(t: &Tr, m: Money) -> String {
    m.format(t.lang)
}

fn status_text(t: &Tr, d: &ReceivedInvoice) -> (String, String) {
    let status = t.t(&format!("invoice-status-{}", d.status.code()));
    let reason = d
        .quarantine
        .map(|q| t.t(&format!("invoice-quarantine-{}", q.code())))
        .unwrap_or_default();
    (status, reason)
}

fn period(t: &Tr, d: &ReceivedInvoice) -> String {
    match (d.period_start, d.period_end) {
        (Some(a), Some(b)) => format!("{} – {}", t.date(a), t.date(b)),
        (Some(a), None) => t.date(a),
        (None, Some(b)) => t.date(b),
        (None, None) => String::new(),
    }
}

fn row(t: &Tr, d: &Doc<ReceivedInvoice>) -> InvoiceRow {
    let (status, reason) = status_text(t, &d.data);
    InvoiceRow {
        id: d.id.to_string(),
        number: d.data.number.clone(),
        kind: t.t(match d.data.kind {
            InvoiceKind::Invoice => "invoice-kind-invoice",
            InvoiceKind::CreditNote => "invoice-kind-credit-note",
        }),
        seller: d.data.seller_name.clone(),
        commitments: d.data.commitment_numbers.join(", "),
        period: period(t, &d.data),
        amount: euros(t, d.data.payable),
        received: t.datetime(d.data.received_at),
        status,
        reason,
        quarantined: d.data.status == InvoiceStatus::Quarantined,
    }
}

#[derive(Template)]
#[template(path = "invoices.html")]
struct InvoicesPage {
    p: Page,
    rows: Vec<InvoiceRow>,
    /// The upload form is the provider's.
    may_send: bool,
    /// The link to the exports is the controller's.
    may_export: bool,
    /// What became of the file just sent, when it was kept.
    notice: Option<String>,
    /// Why the file just sent was refused, next to the file field.
    error: Option<String>,
    /// The sender's files that became no invoice, with the reason and the hash of what came.
    refused: Vec<RefusedRow>,
}

struct RefusedRow {
    name: String,
    received: String,
    reason: String,
    sha256: String,
}

async fn list_page(
    app: &AppState,
    ctx: &Ctx,
    actor: &domain::org::Actor,
    notice: Option<String>,
    error: Option<String>,
) -> PageResult {
    let t = ctx.tr();
    let list = app.service.invoices(actor).await?;
    let refused = if ctx.caps.send_invoices {
        app.service
            .refused_files(actor)
            .await?
            .into_iter()
            .map(|f| RefusedRow {
                name: f.name,
                received: t.datetime(f.received_at),
                reason: t.error(&f.refusal),
                sha256: f.sha256,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut p = Page::new(ctx, t.t("invoices-title"));
    if error.is_some() {
        p.title = t.t1("title-with-errors", "title", &p.title);
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render_status(
        status,
        &InvoicesPage {
            rows: list.iter().map(|d| row(&t, d)).collect(),
            may_send: ctx.caps.send_invoices,
            may_export: ctx.caps.decide_invoices,
            notice,
            error,
            refused,
            p,
        },
    ))
}

pub async fn invoices(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
) -> PageResult {
    list_page(&app, &ctx, &actor, None, None).await
}

/// The words for what became of a file: a sentence for a kept invoice, or the refusal for the
/// file field.
fn receipt_text(t: &Tr, r: &Receipt) -> Result<String, String> {
    match &r.outcome {
        Intake::Received => Ok(t.t1("invoice-received", "number", &r.number)),
        Intake::Quarantined(q) => Ok(t.ta(
            "invoice-quarantined",
            &[
                ("number", crate::i18n::Arg::S(r.number.clone())),
                (
                    "reason",
                    crate::i18n::Arg::S(t.t(&format!("invoice-quarantine-{}", q.code()))),
                ),
            ],
        )),
        Intake::Refused(refusal) => {
            let mut msg = t.error(refusal.code());
            if !r.detail.is_empty() {
                msg.push_str(" (");
                msg.push_str(&r.detail);
                msg.push(')');
            }
            Err(msg)
        }
    }
}

pub async fn upload(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    mut form: Multipart,
) -> PageResult {
    let t = ctx.tr();
    let mut bytes = Vec::new();
    let mut name = String::from("invoice.xml");
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("file") {
            name = field.file_name().unwrap_or("invoice.xml").to_owned();
            match field.bytes().await {
                Ok(b) => bytes = b.to_vec(),
                Err(_) => break,
            }
        }
    }
    if bytes.is_empty() {
        let msg = t.error("invoice-file-required");
        return list_page(&app, &ctx, &actor, None, Some(msg)).await;
    }
    let r = app
        .service
        .send_invoice(&actor, domain::invoice::Channel::Upload, &name, &bytes)
        .await?;
    match (receipt_text(&t, &r), r.invoice) {
        // A kept invoice opens on its own page, which says what became of it.
        (Ok(_), Some(id)) => Ok(done(format!("/invoices/{id}"))),
        (Ok(msg), None) => list_page(&app, &ctx, &actor, Some(msg), None).await,
        (Err(msg), _) => list_page(&app, &ctx, &actor, None, Some(msg)).await,
    }
}

pub struct LineRow {
    /// The discrepancies of this line, worded; empty when it matches.
    pub discrepancies: Vec<String>,
    pub id: String,
    pub name: String,
    pub commitment: String,
    pub quantity: String,
    pub unit_price: String,
    pub net: String,
    pub vat: String,
    pub period: String,
}

#[derive(Template)]
#[template(path = "invoice.html")]
struct InvoicePage {
    p: Page,
    r: InvoiceRow,
    issued: String,
    due: String,
    reference: String,
    account: String,
    syntax: String,
    sha256: String,
    channel: String,
    detail: String,
    credits: String,
    lines: Vec<LineRow>,
    findings: Vec<String>,
    findings_title: String,
    /// Held: the commitments and months whose reports it waits for.
    held_for: Vec<String>,
    /// Matched (not held, not kept aside): the lines' discrepancies are shown.
    matched: bool,
    discrepancy_title: String,
    /// What the match finds due, when it found something to take off.
    due_after_match: String,
    /// The controller's steps so far, worded.
    decisions: Vec<String>,
    approved: String,
    /// The decision form, for a controller while the invoice is open.
    may_decide: bool,
    fields: Vec<Field>,
    summary: Vec<SummaryItem>,
}

fn decision_fields(t: &Tr, f: &DecisionForm) -> Vec<Field> {
    vec![
        Field::new(t, "step", "select", &f.step).required().options(
            InvoiceStep::ALL
                .iter()
                .map(|s| Opt {
                    value: s.code().into(),
                    label: t.t(&format!("invoice-step-{}", s.code())),
                    selected: f.step == s.code(),
                })
                .collect(),
        ),
        Field::new(t, "amount", "text", &f.amount).hint(t, "invoice-amount-hint"),
        Field::new(t, "reason", "textarea", &f.reason).hint(t, "invoice-reason-hint"),
    ]
}

/// A figure of the match as the user's language writes it.
fn figure(t: &Tr, f: &domain::settlement::Figure) -> String {
    use domain::settlement::{hours_text, percent_text, Figure};
    let sep = if t.lang == domain::locale::Lang::En {
        '.'
    } else {
        ','
    };
    match f {
        Figure::None => String::new(),
        Figure::Hours { minutes } => hours_text(*minutes, sep),
        Figure::HoursLess { of, less } => {
            format!("{} − {}", hours_text(*of, sep), hours_text(*less, sep))
        }
        Figure::Money { cents } => euros(t, Money::from_cents(*cents)),
        Figure::Vat { category, rate_bp } => {
            format!("{category} {} %", percent_text(*rate_bp, sep))
        }
        Figure::Period { from, to } => format!("{} – {}", t.date(*from), t.date(*to)),
        Figure::Month { month } => super::delivery::month_label(t, *month),
        Figure::Unit { unit } => unit.clone(),
        Figure::Percent { rate_bp } => format!("{} %", percent_text(*rate_bp, sep)),
    }
}

/// A discrepancy in words, with its figures and the amount at stake.
fn discrepancy(t: &Tr, d: &domain::settlement::Discrepancy) -> String {
    use crate::i18n::Arg;
    t.ta(
        &format!("discrepancy-{}", d.code.code()),
        &[
            ("expected", Arg::S(figure(t, &d.expected))),
            ("found", Arg::S(figure(t, &d.found))),
            ("amount", Arg::S(euros(t, d.at_stake))),
        ],
    )
}

pub async fn invoice(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> PageResult {
    invoice_page(&app, &ctx, &actor, id, &DecisionForm::default(), None).await
}

/// A controller's step on the invoice; refused input comes back next to its field.
pub async fn decide(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Form(f): Form<DecisionForm>,
) -> PageResult {
    match app.service.decide_invoice(&actor, id, &f, ctx.lang).await {
        Ok(_) => Ok(done(format!("/invoices/{id}"))),
        Err(service::ServiceError::Invalid(errs)) => {
            invoice_page(&app, &ctx, &actor, id, &f, Some(&errs)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn invoice_page(
    app: &AppState,
    ctx: &Ctx,
    actor: &domain::org::Actor,
    id: uuid::Uuid,
    form: &DecisionForm,
    errs: Option<&FieldErrors>,
) -> PageResult {
    let t = ctx.tr();
    let d = app.service.invoice(actor, id).await?;
    let r = row(&t, &d);
    let inv = &d.data;
    let date = |x: Option<chrono::NaiveDate>| x.map(|x| t.date(x)).unwrap_or_default();
    let mut fields = decision_fields(&t, form);
    let summary = errs
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    let mut p = Page::new(ctx, t.t1("invoice-title", "number", &inv.number));
    if errs.is_some() {
        p.title = t.t1("title-with-errors", "title", &p.title);
    }
    let page = InvoicePage {
        p,
        may_decide: ctx.caps.decide_invoices
            && matches!(inv.status, InvoiceStatus::ToCheck | InvoiceStatus::Checked),
        fields,
        summary,
        decisions: inv
            .decisions
            .iter()
            .map(|x| {
                let mut s = format!(
                    "{} {}: {}",
                    t.datetime(x.at),
                    x.by_name,
                    t.t(&format!("invoice-step-{}", x.step.code()))
                );
                if let Some(a) = x.amount {
                    s.push_str(&format!(" {}", euros(&t, a)));
                }
                if !x.reason.is_empty() {
                    s.push_str(&format!(" — {}", x.reason));
                }
                s
            })
            .collect(),
        approved: inv
            .approved_amount
            .map(|a| euros(&t, a))
            .unwrap_or_default(),
        issued: date(inv.issue_date),
        due: date(inv.due_date),
        reference: inv.reference.clone(),
        account: inv.account.clone(),
        syntax: inv.syntax.clone(),
        sha256: inv.sha256.clone(),
        channel: t.t(&format!("invoice-channel-{}", inv.channel.code())),
        detail: inv.quarantine_detail.clone(),
        credits: inv.credits.join(", "),
        held_for: inv
            .held_for
            .iter()
            .map(|h| format!("{} {}", h.commitment, h.month.format("%m/%Y")))
            .collect(),
        matched: inv.status == InvoiceStatus::ToCheck,
        due_after_match: if inv.discrepancies.is_empty() {
            String::new()
        } else {
            euros(&t, inv.due_after_match())
        },
        discrepancy_title: t.tn(
            "invoice-discrepancies",
            "count",
            inv.discrepancies.len() as i64,
        ),
        lines: inv
            .lines
            .iter()
            .map(|l| LineRow {
                discrepancies: inv
                    .discrepancies
                    .iter()
                    .filter(|d| d.line == l.id)
                    .map(|d| discrepancy(&t, d))
                    .collect(),
                id: l.id.clone(),
                name: l.name.clone(),
                commitment: l.commitment.clone().unwrap_or_default(),
                quantity: format!("{} {}", l.quantity, l.unit),
                unit_price: l.unit_price.clone(),
                net: euros(&t, l.net),
                vat: format!("{} {}", l.vat_category, l.vat_rate),
                period: match (l.period_start, l.period_end) {
                    (Some(a), Some(b)) => format!("{} – {}", t.date(a), t.date(b)),
                    _ => String::new(),
                },
            })
            .collect(),
        findings: inv.findings.clone(),
        findings_title: t.tn("invoice-findings", "count", inv.findings.len() as i64),
        r,
    };
    Ok(render_status(
        if errs.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &page,
    ))
}

pub struct ExportRow {
    pub id: String,
    pub number: i64,
    pub created: String,
    pub invoices: i64,
    pub total: String,
}

#[derive(Template)]
#[template(path = "invoice_exports.html")]
struct ExportsPage {
    p: Page,
    rows: Vec<ExportRow>,
    error: Option<String>,
}

async fn exports_page(
    app: &AppState,
    ctx: &Ctx,
    actor: &domain::org::Actor,
    error: Option<String>,
) -> PageResult {
    let t = ctx.tr();
    let list = app.service.invoice_exports(actor).await?;
    let mut p = Page::new(ctx, t.t("invoice-exports-title"));
    if error.is_some() {
        p.title = t.t1("title-with-errors", "title", &p.title);
    }
    Ok(render_status(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ExportsPage {
            p,
            rows: list
                .iter()
                .map(|e| ExportRow {
                    id: e.id.to_string(),
                    number: e.number,
                    created: t.datetime(e.created_at),
                    invoices: e.invoices,
                    total: euros(&t, e.total),
                })
                .collect(),
            error,
        },
    ))
}

/// The exports to accounts payable, and the button that makes the next one.
pub async fn exports(State(app): State<AppState>, SignedIn { ctx, actor }: SignedIn) -> PageResult {
    exports_page(&app, &ctx, &actor, None).await
}

pub async fn export(State(app): State<AppState>, SignedIn { ctx, actor }: SignedIn) -> PageResult {
    match app.service.export_invoices(&actor).await {
        Ok(_) => Ok(done("/invoices/exports".into())),
        Err(service::ServiceError::Invalid(errs)) => {
            let t = ctx.tr();
            let msg = errs.0.first().map(|e| t.error(&e.code)).unwrap_or_default();
            exports_page(&app, &ctx, &actor, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// An export's file, the same bytes every time it is fetched.
pub async fn export_file(
    State(app): State<AppState>,
    SignedIn { actor, .. }: SignedIn,
    Id(id): Id,
) -> PageResult {
    use axum::response::IntoResponse;
    let (number, csv) = app.service.invoice_export_file(&actor, id).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"kumppani-export-{number}.csv\""),
            ),
        ],
        csv,
    )
        .into_response())
}
