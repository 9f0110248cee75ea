//! The JSON API for integrations, under `/api/v1`. Same session, same use cases, same access log
//! as the pages; errors carry a stable code, a message in the caller's language and, for bad
//! input, one entry per field. Unsafe calls send the session's CSRF token in `X-CSRF-Token`
//! (from `GET /api/v1/session`).

use crate::api_view as view;
use crate::ctx::Ctx;
use crate::extract::{ApiResult, Body, Caller, Id};
use crate::i18n::Tr;
use crate::pages::audit::{parse_query, AuditParams};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::locale::Lang;
use domain::org::{OrganisationForm, ServiceUnitForm, UserForm};
use domain::validate::FieldErrors;
use serde::Deserialize;
use serde_json::json;
use service::client::ClientRecord;
use service::ServiceError;
use uuid::Uuid;

/// The JSON API, added to the route table after the pages.
pub(crate) fn routes(table: crate::routes::Table) -> crate::routes::Table {
    table
        .get("/api/openapi.json", openapi)
        .get("/api/v1/session", session)
        .get("/api/v1/ocds", ocds)
        .get("/api/v1/organisations", list_organisations)
        .post("/api/v1/organisations", create_organisation)
        .get("/api/v1/organisations/{id}", get_organisation)
        .put("/api/v1/organisations/{id}", update_organisation)
        .post("/api/v1/organisations/{id}/active", set_organisation_active)
        .get("/api/v1/organisations/{id}/users", list_users)
        .post("/api/v1/organisations/{id}/users", create_user)
        .get("/api/v1/organisations/{id}/units", list_units)
        .post("/api/v1/organisations/{id}/units", create_unit)
        .get("/api/v1/units/{id}", get_unit)
        .put("/api/v1/units/{id}", update_unit)
        .post("/api/v1/units/{id}/active", set_unit_active)
        .get("/api/v1/users/{id}", get_user)
        .put("/api/v1/users/{id}", update_user)
        .post("/api/v1/users/{id}/active", set_user_active)
        .get("/api/v1/audit", audit)
        .get("/api/v1/procurements", list_procurements)
        .get("/api/v1/procurements/{id}", get_procurement)
        .get("/api/v1/lots/{id}", get_lot)
        .post("/api/v1/lots/{id}/applications", start_application)
        .get("/api/v1/applications", list_applications)
        .get("/api/v1/applications/{id}", get_application)
        .put("/api/v1/applications/{id}", save_application)
        .post("/api/v1/applications/{id}/step", application_step)
        .get("/api/v1/register", register)
        .get("/api/v1/clients/{id}", get_client)
        .get("/api/v1/commitments", list_commitments)
        .get("/api/v1/visits", list_visits)
        .upload("/api/v1/visits", send_visits)
        .get("/api/v1/invoices", list_invoices)
        .upload("/api/v1/invoices", send_invoice)
        .get("/api/v1/invoice-exports", list_invoice_exports)
        .post("/api/v1/invoice-exports", create_invoice_export)
}

fn export_view(e: &service::invoice::ExportInfo, csv: Option<String>) -> view::InvoiceExportView {
    view::InvoiceExportView {
        id: e.id,
        number: e.number,
        created_at: e.created_at,
        invoices: e.invoices,
        total_cents: e.total.cents(),
        csv,
    }
}

/// The purchaser's exports to accounts payable, newest first.
async fn list_invoice_exports(State(app): State<AppState>, Caller(a): Caller) -> ApiResult {
    let list = app.service.invoice_exports(&a).await?;
    Ok(ok(list
        .iter()
        .map(|e| export_view(e, None))
        .collect::<Vec<_>>()))
}

/// Exports every approved invoice not yet exported; the answer carries the file.
async fn create_invoice_export(State(app): State<AppState>, Caller(a): Caller) -> ApiResult {
    let e = app.service.export_invoices(&a).await?;
    let (_, csv) = app.service.invoice_export_file(&a, e.id).await?;
    Ok((StatusCode::CREATED, Json(export_view(&e, Some(csv)))).into_response())
}

/// An e-invoice from a provider's own system: the XML as the body (Finvoice or UBL).
async fn send_invoice(
    State(app): State<AppState>,
    ctx: Ctx,
    Caller(a): Caller,
    body: axum::body::Bytes,
) -> ApiResult {
    let t = Tr::new(ctx.lang);
    let r = app
        .service
        .send_invoice(&a, domain::invoice::Channel::Api, "api.xml", &body)
        .await?;
    use service::invoice::Intake;
    let (result, reason, message) = match &r.outcome {
        Intake::Received => (
            "received",
            None,
            t.t1("invoice-received", "number", &r.number),
        ),
        Intake::Quarantined(q) => (
            "quarantined",
            Some(q.code().to_owned()),
            t.t(&format!("invoice-quarantine-{}", q.code())),
        ),
        Intake::Refused(f) => ("refused", Some(f.code().to_owned()), t.error(f.code())),
    };
    let status = if r.invoice.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Json(view::InvoiceReceipt {
            invoice: r.invoice,
            number: r.number.clone(),
            result: result.to_owned(),
            status: r.status.map(|s| s.code().to_owned()),
            reason,
            message,
            detail: r.detail.clone(),
        }),
    )
        .into_response())
}

/// The invoices the caller's organisation sent or received, newest first.
async fn list_invoices(State(app): State<AppState>, Caller(a): Caller) -> ApiResult {
    let list = app.service.invoices(&a).await?;
    Ok(ok(list
        .into_iter()
        .map(|d| view::InvoiceView {
            due_after_match_cents: d.data.due_after_match().cents(),
            id: d.id,
            kind: match d.data.kind {
                domain::invoice::InvoiceKind::Invoice => "invoice",
                domain::invoice::InvoiceKind::CreditNote => "credit_note",
            }
            .to_owned(),
            number: d.data.number,
            seller_business_id: d.data.seller_business_id,
            commitments: d.data.commitment_numbers,
            issue_date: d.data.issue_date,
            period_start: d.data.period_start,
            period_end: d.data.period_end,
            payable_cents: d.data.payable.cents(),
            currency: d.data.currency,
            status: d.data.status.code().to_owned(),
            quarantine: d.data.quarantine.map(|q| q.code().to_owned()),
            discrepancies: d
                .data
                .discrepancies
                .iter()
                .map(|x| view::DiscrepancyView {
                    code: x.code.code().to_owned(),
                    line: x.line.clone(),
                    at_stake_cents: x.at_stake.cents(),
                    expected: x.expected.text(),
                    found: x.found.text(),
                })
                .collect(),
            received_at: d.data.received_at,
            sha256: d.data.sha256,
        })
        .collect::<Vec<_>>()))
}

pub fn error_json(
    lang: Lang,
    status: StatusCode,
    code: &str,
    fields: Option<&FieldErrors>,
) -> Response {
    let t = Tr::new(lang);
    let mut body = json!({ "error": { "code": code, "message": t.error(code) } });
    if let Some(f) = fields {
        body["error"]["fields"] =
            f.0.iter()
                .map(|e| json!({ "field": e.field, "code": e.code, "message": t.error(&e.code) }))
                .collect();
    }
    (status, Json(body)).into_response()
}

pub fn unauthenticated(lang: Lang) -> Response {
    error_json(lang, StatusCode::UNAUTHORIZED, "unauthenticated", None)
}

pub fn csrf_failed(lang: Lang) -> Response {
    error_json(lang, StatusCode::FORBIDDEN, "csrf", None)
}

pub(crate) fn fail(ctx: &Ctx, e: ServiceError) -> Response {
    let (status, fields) = match &e {
        ServiceError::Unauthenticated => (StatusCode::UNAUTHORIZED, None),
        ServiceError::Denied(_) => (StatusCode::FORBIDDEN, None),
        // As on the pages: a missing record is refused as another organisation's is.
        ServiceError::NotFound => (StatusCode::FORBIDDEN, None),
        ServiceError::Invalid(f) => (StatusCode::UNPROCESSABLE_ENTITY, Some(f)),
        ServiceError::SignInFailed => (StatusCode::UNAUTHORIZED, None),
        ServiceError::Throttled => (StatusCode::TOO_MANY_REQUESTS, None),
        ServiceError::Db(_) | ServiceError::Internal(_) => {
            tracing::error!(error = %e, "API call failed");
            (StatusCode::INTERNAL_SERVER_ERROR, None)
        }
    };
    let code = match e {
        ServiceError::NotFound => domain::access::Denial::OtherOrganisation.code(),
        _ => e.code(),
    };
    error_json(ctx.lang, status, code, fields)
}

fn ok<T: serde::Serialize>(v: T) -> Response {
    Json(v).into_response()
}

fn created(id: Uuid) -> Response {
    (StatusCode::CREATED, Json(view::Created { id })).into_response()
}

async fn openapi() -> Response {
    ok(crate::openapi::document())
}

/// Open contracting data: public, no sign-in. The package names no person (see
/// `service::ocds`), and making it is one row in the access log.
async fn ocds(State(app): State<AppState>, ctx: Ctx) -> Response {
    let options = service::ocds::OcdsOptions::new(&app.service);
    match app.service.ocds_package(&options).await {
        Ok(p) => ok(p),
        Err(e) => fail(&ctx, e),
    }
}

async fn session(ctx: Ctx) -> Response {
    match &ctx.session {
        Some(s) => ok(view::SessionView {
            user_id: s.actor.user_id,
            username: s.actor.username.clone(),
            display_name: s.actor.display_name.clone(),
            organisation_id: s.actor.org_id,
            roles: s.actor.roles.clone(),
            language: s.language,
            csrf_token: s.csrf_token.clone(),
        }),
        None => unauthenticated(ctx.lang),
    }
}

async fn list_organisations(State(app): State<AppState>, Caller(a): Caller) -> ApiResult {
    let v = app.service.organisations(&a).await?;
    Ok(ok(v
        .iter()
        .map(view::OrganisationView::from)
        .collect::<Vec<_>>()))
}

async fn create_organisation(
    State(app): State<AppState>,
    Caller(a): Caller,
    Body(f): Body<OrganisationForm>,
) -> ApiResult {
    let id = app.service.create_organisation(&a, &f).await?;
    Ok(created(id))
}

async fn get_organisation(State(app): State<AppState>, Caller(a): Caller, Id(id): Id) -> ApiResult {
    let v = app.service.organisation(&a, id).await?;
    Ok(ok(view::OrganisationDetail {
        organisation: (&v.organisation).into(),
        units: v.units.iter().map(view::UnitView::from).collect(),
    }))
}

async fn update_organisation(
    State(app): State<AppState>,
    Caller(a): Caller,
    Id(id): Id,
    Body(f): Body<OrganisationForm>,
) -> ApiResult {
    app.service.update_organisation(&a, id, &f).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
struct Active {
    active: bool,
}

async fn set_organisation_active(
    State(app): State<AppState>,
    Caller(a): Caller,
    Id(id): Id,
    Body(f): Body<Active>,
) -> ApiResult {
    app.service
        .set_organisation_active(&a, id, f.active)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn list_users(State(app): State<AppState>, Caller(a): Caller, Id(id): Id) -> ApiResult {
    let v = app.service.users(&a, id).await?;
    Ok(ok(v.iter().map(view::UserView::from).collect::<Vec<_>>()))
}

async fn create_user(
    State(app): State<AppState>,
    Caller(a): Caller,
    Id(id): Id,
    Body(f): Body<UserForm>,
) -> ApiResult {
    let uid = app.service.create_user(&a, id, &f).await?;
    Ok(created(uid))
}

async fn get_user(State(app): State<AppState>, Caller(a): Caller, Id(id): Id) -> ApiResult {
    let v = app.service.user(&a, id).await?;
    Ok(ok(view::UserDetail {
        user: (&v.user).into(),
        role_history: v.history.iter().map(view::RoleChangeView::from).collect(),
    }))
}

async fn update_user(
    State(app): State<AppState>,
    Caller(a): Caller,
    Id(id): Id,
    Body(f): Body<UserForm>,
) -> ApiResult {
    app.service.update_user(&a, id, &f).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn set_user_active(
    State(app): State<AppState>,
    Caller(a): Caller,
    Id(id): Id,
    Body(f): Body<Active>,
) -> ApiResult {
    app.service.set_user_active(&a, id, f.active).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn list_units(State(app): State<AppState>, Caller(a): Caller, Id(id): Id) -> ApiResult {
    let v = app.service.organisation(&a, id).await?;
    Ok(ok(v
        .units
        .iter()
        .map(view::UnitView::from)
        .collect::<Vec<_>>()))
}

async fn create_unit(
    State(app): State<AppState>,
    Caller(a): Caller,
    Id(id): Id,
    Body(f): Body<ServiceUnitForm>,
) -> ApiResult {
    let uid = app.service.create_service_unit(&a, id, &f).await?;
    Ok(created(uid))
}

async fn get_unit(State(app): State<AppState>, Caller(a): Caller, Id(id): Id) -> ApiResult {
    let (u, _) = app.service.service_unit(&a, id).await?;
    Ok(ok(view::UnitView::from(&u)))
}

async fn update_unit(
    State(app): State<AppState>,
    Caller(a): Caller,
    Id(id): Id,
    Body(f): Body<ServiceUnitForm>,
) -> ApiResult {
    app.service.update_service_unit(&a, id, &f).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn set_unit_active(
    State(app): State<AppState>,
    Caller(a): Caller,
    Id(id): Id,
    Body(f): Body<Active>,
) -> ApiResult {
    app.service
        .set_service_unit_active(&a, id, f.active)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn audit(
    State(app): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<AuditParams>,
) -> ApiResult {
    let query = parse_query(&app, &q).await.map_err(ServiceError::Invalid)?;
    let entries = app.service.audit_search(&a, &query).await?;
    Ok(ok(entries
        .iter()
        .map(view::AuditEntryView::from)
        .collect::<Vec<_>>()))
}

// ---- procurement ---------------------------------------------------------------------------

async fn list_procurements(State(app): State<AppState>, Caller(a): Caller) -> ApiResult {
    let list = app.service.procurements(&a).await?;
    Ok(ok(list
        .iter()
        .map(|p| view::ProcurementListItem {
            id: p.id,
            purchaser: p.purchaser_name.clone(),
            lots: p.lots,
            open_lots: p.open_lots,
            procurement: (&p.data).into(),
        })
        .collect::<Vec<_>>()))
}

async fn get_procurement(State(app): State<AppState>, Caller(a): Caller, Id(id): Id) -> ApiResult {
    let v = app.service.procurement(&a, id).await?;
    Ok(ok(view::ProcurementDetail {
        id: v.id,
        purchaser: view::PartyRef {
            id: v.purchaser.id,
            name: v.purchaser.name.clone(),
        },
        procurement: (&v.data).into(),
        lots: v
            .lots
            .iter()
            .map(|l| view::LotItem {
                id: l.id,
                lot: l.data.clone(),
            })
            .collect(),
    }))
}

async fn get_lot(State(app): State<AppState>, Caller(a): Caller, Id(id): Id) -> ApiResult {
    let v = app.service.lot(&a, id).await?;
    Ok(ok(view::LotDetail {
        id: v.id,
        procurement_id: v.procurement_id,
        framework_order: v.ranking.iter().map(view::RankView::from).collect(),
        admitted: v.admitted.iter().map(view::RankView::from).collect(),
        lot: v.lot,
    }))
}

async fn start_application(
    State(app): State<AppState>,
    Caller(a): Caller,
    Id(id): Id,
) -> ApiResult {
    let id = app.service.start_application(&a, id).await?;
    Ok(created(id))
}

async fn list_applications(State(app): State<AppState>, Caller(a): Caller) -> ApiResult {
    let rows = app.service.applications(&a).await?;
    Ok(ok(rows
        .iter()
        .map(|r| view::ApplicationListItem {
            id: r.id,
            status: r.status,
            provider: r.provider_name.clone(),
            lot_id: r.lot_id,
            lot_title: r.lot.title.clone(),
            submitted_on: r.submitted_on,
            decision_due: r.decision_due,
        })
        .collect::<Vec<_>>()))
}

async fn get_application(State(app): State<AppState>, Caller(a): Caller, Id(id): Id) -> ApiResult {
    let v = app.service.application(&a, id).await?;
    let overall = v.evaluation.overall();
    Ok(ok(view::ApplicationDetail {
        id: v.id,
        status: v.application.status,
        lot_id: v.lot_id,
        procurement_id: v.procurement_id,
        provider: view::PartyRef {
            id: v.provider.id,
            name: v.provider.name.clone(),
        },
        unit_id: v.application.unit_id,
        price: v.application.price,
        employees: v.application.employees,
        submitted_on: v.application.submitted_on,
        decision_due: v.application.decision_due(),
        decided_on: v.application.decided_on,
        decision_reasons: v.application.decision_reasons.clone(),
        roster: v.roster,
        evaluation: v.evaluation,
        overall,
        history: v.application.history,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ApplicationInput {
    unit_id: String,
    roster: Vec<String>,
    price: String,
    employees: String,
    note: String,
}

async fn save_application(
    State(app): State<AppState>,
    Caller(a): Caller,
    ctx: Ctx,
    Id(id): Id,
    Body(f): Body<ApplicationInput>,
) -> ApiResult {
    let form = service::application::ApplicationForm {
        unit_id: f.unit_id,
        roster: f.roster,
        price: f.price,
        employees: f.employees,
        note: f.note,
    };
    app.service
        .save_application(&a, id, &form, ctx.lang)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StepInput {
    step: String,
    note: String,
    quality_points: String,
    extend: bool,
}

async fn application_step(
    State(app): State<AppState>,
    Caller(a): Caller,
    Id(id): Id,
    Body(f): Body<StepInput>,
) -> ApiResult {
    let form = service::application::StepForm {
        step: f.step,
        note: f.note,
        quality_points: f.quality_points,
        extend: if f.extend {
            "yes".into()
        } else {
            String::new()
        },
    };
    let status = app.service.application_step(&a, id, &form).await?;
    Ok(ok(view::StepDone { status }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RegisterParams {
    q: String,
    lot: String,
    municipality: String,
    language: String,
    free: bool,
}

async fn register(
    State(app): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<RegisterParams>,
) -> ApiResult {
    let query = service::procurement::RegisterQuery {
        lot: Uuid::parse_str(&q.lot).ok(),
        municipality: q.municipality,
        language: Lang::parse(&q.language).filter(|_| !q.language.is_empty()),
        free_capacity: q.free,
        words: q.q,
    };
    let rows = app.service.register(&a, &query).await?;
    Ok(ok(rows
        .iter()
        .map(|r| view::RegisterItem {
            application_id: r.application_id,
            provider_id: r.provider_id,
            provider: r.provider_name.clone(),
            business_id: r.business_id.clone(),
            unit: (&r.unit).into(),
            lot_id: r.lot_id,
            lot_title: r.lot.title.clone(),
            price: r.price,
        })
        .collect::<Vec<_>>()))
}

// ---- clients and commitments ------------------------------------------------------------------

/// A client: the minimal data for a provider linked by an accepted commitment, the purchaser's
/// record (with the identity code masked) for its social workers.
async fn get_client(State(app): State<AppState>, Caller(a): Caller, Id(id): Id) -> ApiResult {
    Ok(ok(match app.service.client_record(&a, id).await? {
        ClientRecord::Minimal(m) => view::ClientAnswer::Minimal(m),
        ClientRecord::Register(v) => view::ClientAnswer::Register(view::ClientRegisterView {
            id: v.id,
            client: v.card(app.service.today()),
            needs: v.needs.iter().map(view::NeedSummary::from).collect(),
            commitments: v
                .commitments
                .iter()
                .map(view::CommitmentView::from)
                .collect(),
        }),
    }))
}

async fn list_commitments(State(app): State<AppState>, Caller(a): Caller) -> ApiResult {
    let list = app.service.commitments(&a).await?;
    Ok(ok(list
        .iter()
        .map(view::CommitmentView::from)
        .collect::<Vec<_>>()))
}

/// The most rows one bulk request may carry; a county's month goes in several requests.
pub const MAX_VISIT_ROWS: usize = 5000;

/// A text field of a row: a string, or a number written as one (participants).
fn text(row: &serde_json::Value, key: &str) -> String {
    match row.get(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Reads one row leniently: a field of the wrong type becomes empty and is refused by the
/// row's own checks, so one bad row never sinks the rest.
fn visit_row(row: &serde_json::Value) -> service::visit::VisitRow {
    service::visit::VisitRow {
        commitment: text(row, "commitment"),
        form: domain::visit::VisitForm {
            provider_ref: text(row, "id"),
            date: text(row, "date"),
            start: text(row, "start"),
            end: text(row, "end"),
            kind: text(row, "kind"),
            status: text(row, "status"),
            workers: row
                .get("workers")
                .and_then(|w| w.as_array())
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().unwrap_or("-").to_owned())
                        .collect()
                })
                .unwrap_or_default(),
            participants: text(row, "participants"),
            place: text(row, "place"),
            description: text(row, "description"),
        },
    }
}

/// Visits in bulk from a provider's own system: one result per row, idempotent by the row's
/// `id` (the provider's own visit id).
async fn send_visits(
    State(app): State<AppState>,
    ctx: Ctx,
    Caller(a): Caller,
    Body(v): Body<serde_json::Value>,
) -> ApiResult {
    let Some(rows) = v.get("visits").and_then(|r| r.as_array()) else {
        return Err(ServiceError::Invalid(FieldErrors::single("visits", "visits-required")).into());
    };
    if rows.is_empty() {
        return Err(ServiceError::Invalid(FieldErrors::single("visits", "visits-required")).into());
    }
    if rows.len() > MAX_VISIT_ROWS {
        return Err(ServiceError::Invalid(FieldErrors::single("visits", "visits-too-many")).into());
    }
    let rows: Vec<service::visit::VisitRow> = rows.iter().map(visit_row).collect();
    let t = Tr::new(ctx.lang);
    let results = app.service.record_visits(&a, &rows).await?;
    let count = |o: service::visit::RowOutcome| results.iter().filter(|r| r.outcome == o).count();
    Ok(ok(view::VisitResults {
        summary: view::VisitSummary {
            created: count(service::visit::RowOutcome::Created),
            unchanged: count(service::visit::RowOutcome::Unchanged),
            updated: count(service::visit::RowOutcome::Updated),
            refused: count(service::visit::RowOutcome::Refused),
        },
        results: results
            .iter()
            .map(|r| view::VisitRowResult {
                index: r.index,
                id: r.provider_ref.clone(),
                result: r.outcome.code().to_owned(),
                visit: r.visit,
                errors: r
                    .errors
                    .0
                    .iter()
                    .map(|e| view::FieldMessage {
                        field: e.field.clone(),
                        code: e.code.clone(),
                        message: t.error(&e.code),
                    })
                    .collect(),
                flags: r.flags.clone(),
            })
            .collect(),
    }))
}

#[derive(Deserialize)]
struct VisitsQuery {
    commitment: Option<String>,
    month: Option<String>,
}

/// A commitment's visits for a month, with their checks and confirmations.
async fn list_visits(
    State(app): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<VisitsQuery>,
) -> ApiResult {
    let Some(number) = q.commitment.filter(|c| !c.trim().is_empty()) else {
        return Err(ServiceError::Invalid(FieldErrors::single("commitment", "required")).into());
    };
    let month = match q.month.as_deref() {
        None | Some("") => domain::delivery::month_of(app.service.today()),
        Some(m) => match domain::delivery::parse_month(m) {
            Some(m) => m,
            None => {
                return Err(
                    ServiceError::Invalid(FieldErrors::single("month", "date-format")).into(),
                )
            }
        },
    };
    let v = app.service.delivery(&a, &number, month).await?;
    Ok(ok(view::MonthView {
        commitment: v.engagement.commitment.number.clone(),
        month: v.month.format("%Y-%m").to_string(),
        visits: v
            .visits
            .into_iter()
            .map(|i| view::VisitItemView {
                id: i.id,
                visit: i.record,
            })
            .collect(),
        totals: view::MonthTotals {
            visits: v.totals.visits,
            billable_minutes: v.totals.billable_minutes,
            allowed_minutes: v.totals.allowed_minutes,
            confirmed: v.totals.confirmed,
            disputed: v.totals.disputed,
            unconfirmed: v.totals.unconfirmed,
            amount_cents: v.totals.amount.cents(),
        },
        report: v.report.map(|(id, report)| view::ReportItem { id, report }),
    }))
}
