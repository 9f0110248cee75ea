//! Delivery pages: a commitment's month of visits (logged on a phone by the provider's
//! worker), the service plan, the monthly report and its approval, the family's own page for
//! confirming visits, and confirmation with a one-time code without signing in.

use super::{actor, done};
use crate::ctx::Ctx;
use crate::extract::SignedIn;
use crate::forms::{attach_errors, Field, FormData, Opt, SummaryItem};
use crate::i18n::{Arg, Tr};
use crate::render::{self, render, render_status, Page};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Months, NaiveDate};
use domain::delivery::{month_of, parse_month, PlanForm, ReportForm, ReportStatus};
use domain::metadata::Metadata;
use domain::validate::FieldErrors;
use domain::version::{newest_first, Version};
use domain::visit::{ConfirmationState, Flag, VisitForm, VisitKind, VisitRecord, VisitStatus};
use service::delivery::DeliveryView;
use service::visit::VisitRow;
use service::ServiceError;
use uuid::Uuid;

/// A visit as a table row.
#[derive(Clone)]
pub struct VisitLine {
    pub id: String,
    pub date: String,
    pub time: String,
    pub kind: String,
    pub status: String,
    pub workers: String,
    pub confirmation: String,
    pub confirmation_code: &'static str,
    pub reason: String,
    pub flags: Vec<String>,
    pub place: String,
    pub description: String,
    pub unconfirmed: bool,
    /// The signed paper report, for paper confirmations.
    pub document: Option<String>,
    /// Unconfirmed when the report was submitted: the social worker sees it before approving.
    pub unconfirmed_at_submission: bool,
}

pub fn flag_text(t: &Tr, f: &Flag, roster: &[(Uuid, String)]) -> String {
    let key = format!("visit-flag-{}", f.code().replace('_', "-"));
    match f {
        Flag::WorkerNotOnRoster { worker } => t.t1(
            &key,
            "worker",
            roster
                .iter()
                .find(|(id, _)| id == worker)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| worker.to_string()),
        ),
        Flag::TooShort { minutes, min } => t.ta(
            &key,
            &[("minutes", Arg::N(*minutes)), ("limit", Arg::N(*min))],
        ),
        Flag::LongerThanUsual { minutes, usual } => t.ta(
            &key,
            &[("minutes", Arg::N(*minutes)), ("limit", Arg::N(*usual))],
        ),
        Flag::TooLong { minutes, max } => t.ta(
            &key,
            &[("minutes", Arg::N(*minutes)), ("limit", Arg::N(*max))],
        ),
        Flag::OutsideDaytime => t.t(&key),
        Flag::PairWorkMissing {
            participants,
            workers,
        } => t.ta(
            &key,
            &[
                ("participants", Arg::N(i64::from(*participants))),
                ("workers", Arg::N(*workers as i64)),
            ],
        ),
        Flag::WeekOverCommitment { minutes, allowed }
        | Flag::MonthOverCommitment { minutes, allowed } => t.ta(
            &key,
            &[("minutes", Arg::N(*minutes)), ("limit", Arg::N(*allowed))],
        ),
    }
}

pub fn visit_line(
    t: &Tr,
    id: Uuid,
    r: &VisitRecord,
    roster: &[(Uuid, String)],
    unconfirmed_at_submission: &[Uuid],
) -> VisitLine {
    let c = &r.confirmation;
    VisitLine {
        id: id.to_string(),
        date: t.date(r.visit.date),
        time: format!(
            "{}–{}",
            r.visit.start.format("%H.%M"),
            r.visit.end.format("%H.%M")
        ),
        kind: t.t(&format!(
            "visit-kind-{}",
            r.visit.kind.code().replace('_', "-")
        )),
        status: t.t(&format!(
            "visit-status-{}",
            r.visit.status.code().replace('_', "-")
        )),
        workers: r
            .visit
            .workers
            .iter()
            .map(|w| {
                roster
                    .iter()
                    .find(|(id, _)| id == w)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_else(|| t.t("visit-worker-unknown-name"))
            })
            .collect::<Vec<_>>()
            .join(", "),
        confirmation: {
            let state = t.t(&format!(
                "confirmation-{}",
                c.state.code().replace('_', "-")
            ));
            if c.by.is_empty() {
                state
            } else {
                format!("{state} ({})", c.by)
            }
        },
        confirmation_code: c.state.code(),
        reason: c.reason.clone(),
        flags: r.flags.iter().map(|f| flag_text(t, f, roster)).collect(),
        place: r.visit.place.clone(),
        description: r.visit.description.clone(),
        unconfirmed: c.state == ConfirmationState::Unconfirmed,
        document: c.document.map(|d| d.to_string()),
        unconfirmed_at_submission: unconfirmed_at_submission.contains(&id),
    }
}

/// A visit as a family sees it: without the provider's own notes and the checks' remarks.
fn family_line(mut l: VisitLine) -> VisitLine {
    l.description.clear();
    l.flags.clear();
    l.document = None;
    l
}

fn kind_options(t: &Tr, selected: &str) -> Vec<Opt> {
    VisitKind::ALL
        .iter()
        .map(|k| Opt {
            value: k.code().into(),
            label: t.t(&format!("visit-kind-{}", k.code().replace('_', "-"))),
            selected: selected == k.code(),
        })
        .collect()
}

fn status_options(t: &Tr, selected: &str) -> Vec<Opt> {
    VisitStatus::ALL
        .iter()
        .map(|k| Opt {
            value: k.code().into(),
            label: t.t(&format!("visit-status-{}", k.code().replace('_', "-"))),
            selected: selected == k.code() || (selected.is_empty() && *k == VisitStatus::Done),
        })
        .collect()
}

fn visit_fields(t: &Tr, f: &VisitForm, roster: &[(Uuid, String)]) -> Vec<Field> {
    vec![
        Field::new(t, "date", "date", &f.date).required(),
        Field::new(t, "start", "time", &f.start).required(),
        Field::new(t, "end", "time", &f.end).required(),
        Field::new(t, "kind", "select", &f.kind)
            .required()
            .options(kind_options(t, &f.kind)),
        Field::new(t, "status", "select", &f.status)
            .required()
            .options(status_options(t, &f.status)),
        Field::new(t, "workers", "checkboxes", "")
            .required()
            .options(
                roster
                    .iter()
                    .map(|(id, name)| Opt {
                        value: id.to_string(),
                        label: name.clone(),
                        selected: f.workers.contains(&id.to_string()),
                    })
                    .collect(),
            ),
        Field::new(t, "participants", "text", &f.participants).hint(t, "hint-participants"),
        Field::new(t, "place", "text", &f.place),
        Field::new(t, "description", "textarea", &f.description),
    ]
}

fn visit_form(d: &FormData) -> VisitForm {
    VisitForm {
        provider_ref: String::new(),
        date: d.get("date"),
        start: d.get("start"),
        end: d.get("end"),
        kind: d.get("kind"),
        status: d.get("status"),
        workers: d.all("workers"),
        participants: d.get("participants"),
        place: d.get("place"),
        description: d.get("description"),
    }
}

#[derive(Template)]
#[template(path = "delivery.html")]
struct DeliveryPage {
    p: Page,
    number: String,
    month: String,
    month_label: String,
    prev_month: String,
    next_month: Option<String>,
    facts: Vec<(String, String)>,
    visits: Vec<VisitLine>,
    totals: Vec<(String, String)>,
    provider_side: bool,
    code_notice: Option<String>,
    saved_notice: Option<String>,
    fields: Vec<Field>,
    summary: Vec<SummaryItem>,
    plan_goals: Vec<(String, String)>,
    report_status: Option<String>,
    paper_summary: Vec<SummaryItem>,
    has_unconfirmed: bool,
    visit_versions: Vec<VisitVersions>,
    metadata: Vec<(String, String)>,
}

#[derive(serde::Deserialize, Default)]
pub struct MonthQuery {
    month: Option<String>,
    saved: Option<String>,
}

fn month_param(q: Option<&str>, today: NaiveDate) -> NaiveDate {
    q.and_then(parse_month).unwrap_or_else(|| month_of(today))
}

/// The month of a report's address (`…/reports/2026-11`); anything else is not found.
fn month_in_path(ctx: &Ctx, month: &str) -> Result<NaiveDate, Response> {
    parse_month(month).ok_or_else(|| render::service_error(ctx, ServiceError::NotFound))
}

pub(crate) fn month_label(t: &Tr, m: NaiveDate) -> String {
    t.t1(
        "month-label",
        "month",
        format!("{}/{}", m.format("%-m"), m.format("%Y")),
    )
}

fn facts(t: &Tr, v: &DeliveryView) -> Vec<(String, String)> {
    let c = &v.engagement.commitment;
    vec![
        (t.t("field-client"), v.client_name.clone()),
        (t.t("field-provider"), v.provider_name.clone()),
        (t.t("field-purchaser"), v.purchaser_name.clone()),
        (
            t.t("field-period"),
            format!(
                "{} – {}",
                t.date(v.engagement.starts_on),
                t.date(v.engagement.ends_on)
            ),
        ),
        (
            t.t("field-quantity"),
            t.ta(
                "commitment-quantity",
                &[
                    ("hours", Arg::N(i64::from(c.quantity_per_week))),
                    ("price", Arg::S(c.unit_price.format(t.lang))),
                ],
            ),
        ),
    ]
}

/// A client document's metadata (703/2023, 37 §) as the rows of its page.
pub(crate) fn metadata_rows(t: &Tr, m: &Metadata) -> Vec<(String, String)> {
    let or_none = |s: &str| {
        if s.is_empty() {
            "–".to_owned()
        } else {
            s.to_owned()
        }
    };
    let unit = match (m.unit.is_empty(), m.unit_oid.is_empty()) {
        (false, false) => format!("{} ({})", m.unit, m.unit_oid),
        _ => or_none(&m.unit),
    };
    vec![
        (t.t("field-service-task"), or_none(&m.service_task)),
        (t.t("field-legal-basis"), or_none(&m.legal_basis)),
        (t.t("metadata-organiser"), or_none(&m.organiser)),
        (t.t("metadata-producer"), or_none(&m.producer)),
        (t.t("field-unit"), unit),
        (
            t.t("metadata-retention"),
            match m.retention {
                Some((years, trigger)) => t.ta(
                    "metadata-retention-rule",
                    &[
                        ("years", Arg::N(i64::from(years))),
                        (
                            "trigger",
                            Arg::S(t.t(&format!("retention-trigger-{}", trigger.code()))),
                        ),
                    ],
                ),
                None => t.t("metadata-retention-unknown"),
            },
        ),
    ]
}

pub(crate) fn hours(t: &Tr, minutes: i64) -> String {
    t.t1(
        "hours-minutes",
        "value",
        format!("{}.{:02}", minutes / 60, minutes % 60),
    )
}

pub fn totals_rows(t: &Tr, v: &domain::delivery::Totals) -> Vec<(String, String)> {
    let mut rows = vec![
        (t.t("totals-visits"), v.visits.to_string()),
        (t.t("totals-done"), v.done.to_string()),
        (t.t("totals-cancelled"), v.cancelled.to_string()),
        (t.t("totals-billable"), hours(t, v.billable_minutes)),
        (t.t("totals-allowed"), hours(t, v.allowed_minutes)),
        (t.t("totals-confirmed"), v.confirmed.to_string()),
        (t.t("totals-disputed"), v.disputed.to_string()),
        (t.t("totals-unconfirmed"), v.unconfirmed.to_string()),
        (t.t("totals-amount"), v.amount.format(t.lang)),
    ];
    if let Some(w) = v.work_money {
        rows.push((t.t("totals-work-money-hours"), hours(t, w.minutes)));
        rows.push((t.t("totals-work-money"), w.amount.format(t.lang)));
    }
    rows
}

#[allow(clippy::too_many_arguments)]
async fn delivery_page(
    app: &AppState,
    ctx: &Ctx,
    number: &str,
    month: NaiveDate,
    form: Option<&VisitForm>,
    errs: Option<&FieldErrors>,
    code_notice: Option<String>,
    saved_notice: Option<String>,
    paper_errs: Option<&FieldErrors>,
) -> Response {
    let actor = try_page!(actor(ctx));
    let t = ctx.tr();
    let v = match app.service.delivery(&actor, number, month).await {
        Ok(v) => v,
        Err(e) => return render::service_error(ctx, e),
    };
    let empty = VisitForm::default();
    let mut fields = visit_fields(&t, form.unwrap_or(&empty), &v.engagement.roster);
    let summary = errs
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    let paper_summary = paper_errs
        .map(|e| attach_errors(&t, &mut [], e))
        .unwrap_or_default();
    let unconfirmed_at = v
        .report
        .as_ref()
        .map(|(_, r)| r.unconfirmed_at_submission.clone())
        .unwrap_or_default();
    let mut p = Page::new(
        ctx,
        t.t1("delivery-title", "number", &v.engagement.commitment.number),
    );
    if !summary.is_empty() || !paper_summary.is_empty() {
        p.title = t.t1("title-with-errors", "title", &p.title);
    }
    let today_month = month_of(app.service.today());
    let page = DeliveryPage {
        number: v.engagement.commitment.number.clone(),
        month: v.month.format("%Y-%m").to_string(),
        month_label: month_label(&t, v.month),
        prev_month: v
            .month
            .checked_sub_months(Months::new(1))
            .unwrap_or(v.month)
            .format("%Y-%m")
            .to_string(),
        next_month: v
            .month
            .checked_add_months(Months::new(1))
            .filter(|m| *m <= today_month)
            .map(|m| m.format("%Y-%m").to_string()),
        facts: facts(&t, &v),
        visits: v
            .visits
            .iter()
            .map(|i| visit_line(&t, i.id, &i.record, &v.engagement.roster, &unconfirmed_at))
            .collect(),
        totals: totals_rows(&t, &v.totals),
        visit_versions: visit_versions(&t, &v),
        metadata: metadata_rows(&t, &v.metadata),
        provider_side: v.provider_side,
        code_notice,
        saved_notice,
        fields,
        summary,
        plan_goals: v
            .plan
            .as_ref()
            .map(|p| {
                p.goals
                    .iter()
                    .map(|g| (g.text.clone(), g.evaluation.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        report_status: v
            .report
            .as_ref()
            .map(|(_, r)| t.t(&format!("report-status-{}", r.status.code()))),
        paper_summary,
        has_unconfirmed: v
            .visits
            .iter()
            .any(|i| i.record.confirmation.state == ConfirmationState::Unconfirmed),
        p,
    };
    let status = if errs.is_some() || paper_errs.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(status, &page)
}

pub async fn delivery(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Query(q): Query<MonthQuery>,
) -> Response {
    let month = month_param(q.month.as_deref(), app.service.today());
    let saved = q.saved.map(|_| ctx.tr().t("visit-saved"));
    delivery_page(&app, &ctx, &number, month, None, None, None, saved, None).await
}

/// Logs one visit from the page and shows the one-time code for the family.
pub async fn log_visit(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path(number): Path<String>,
    body: Bytes,
) -> Response {
    let t = ctx.tr();
    let d = FormData::parse(&body);
    let form = visit_form(&d);
    // The page shows the month of the visit just typed, or this month.
    let month = domain::staff::parse_date(&form.date)
        .map(month_of)
        .unwrap_or_else(|| month_of(app.service.today()));
    let rows = [VisitRow {
        commitment: number.clone(),
        form: form.clone(),
    }];
    let results = match app.service.record_visits(&actor, &rows).await {
        Ok(r) => r,
        Err(e) => return render::service_error(&ctx, e),
    };
    let Some(r) = results.into_iter().next() else {
        return render::service_error(&ctx, ServiceError::NotFound);
    };
    match r.visit {
        Some(id) if r.errors.is_empty() => {
            let code = match app.service.issue_code(&actor, id).await {
                Ok(c) => c,
                Err(e) => return render::service_error(&ctx, e),
            };
            let notice = t.t1("visit-code-notice", "code", &code);
            delivery_page(
                &app,
                &ctx,
                &number,
                month,
                None,
                None,
                Some(notice),
                Some(t.t("visit-saved")),
                None,
            )
            .await
        }
        _ => {
            if let Some(d) = r.denied {
                return render::service_error(&ctx, ServiceError::Denied(d));
            }
            delivery_page(
                &app,
                &ctx,
                &number,
                month,
                Some(&form),
                Some(&r.errors),
                None,
                None,
                None,
            )
            .await
        }
    }
}

/// A new one-time code for a visit still unconfirmed (the family lost the first one).
pub async fn new_code(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path((number, id)): Path<(String, String)>,
) -> Response {
    let t = ctx.tr();
    let id = try_page!(super::parse_id(&ctx, &id));
    match app.service.issue_code(&actor, id).await {
        Ok(code) => {
            delivery_page(
                &app,
                &ctx,
                &number,
                month_of(app.service.today()),
                None,
                None,
                Some(t.t1("visit-code-notice", "code", &code)),
                None,
                None,
            )
            .await
        }
        Err(ServiceError::Invalid(f)) => {
            delivery_page(
                &app,
                &ctx,
                &number,
                month_of(app.service.today()),
                None,
                None,
                None,
                None,
                Some(&f),
            )
            .await
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

/// The provider uploads the report the family signed on paper and marks its visits.
pub async fn paper(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path(number): Path<String>,
    mut form: Multipart,
) -> Response {
    let mut bytes = Vec::new();
    let mut filename = String::new();
    let mut content_type = String::new();
    let mut visits = Vec::new();
    let mut signed_by = String::new();
    let mut month = String::new();
    while let Ok(Some(field)) = form.next_field().await {
        let name = field.name().unwrap_or("").to_owned();
        match name.as_str() {
            "file" => {
                filename = field.file_name().unwrap_or("").to_owned();
                content_type = field.content_type().unwrap_or("").to_owned();
                match field.bytes().await {
                    Ok(b) => bytes = b.to_vec(),
                    Err(_) => break,
                }
            }
            "visits" => {
                if let Ok(Ok(id)) = field.text().await.map(|s| Uuid::parse_str(s.trim())) {
                    visits.push(id);
                }
            }
            "signed_by" => signed_by = field.text().await.unwrap_or_default(),
            "month" => month = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    let m = month_param(Some(&month), app.service.today());
    match app
        .service
        .paper_confirm(
            &actor,
            &number,
            &visits,
            &filename,
            &content_type,
            bytes,
            &signed_by,
        )
        .await
    {
        Ok(_) => done(format!(
            "/commitments/{number}/visits?month={}&saved=paper",
            m.format("%Y-%m")
        )),
        Err(ServiceError::Invalid(f)) => {
            delivery_page(&app, &ctx, &number, m, None, None, None, None, Some(&f)).await
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    p: Page,
    number: String,
    versions: Vec<(String, String, String)>,
    fields: Vec<Field>,
    summary: Vec<SummaryItem>,
}

fn plan_fields(t: &Tr, f: &PlanForm) -> Vec<Field> {
    vec![
        Field::new(t, "meeting_date", "date", &f.meeting_date).required(),
        Field::new(t, "participants", "textarea", &f.participants)
            .required()
            .hint(t, "hint-plan-participants"),
        Field::new(t, "goals", "textarea", &f.goals)
            .required()
            .hint(t, "hint-plan-goals"),
        Field::new(t, "estimated_duration", "text", &f.estimated_duration).required(),
        Field::new(t, "weekly_hours", "text", &f.weekly_hours).required(),
        Field::new(t, "evaluation_date", "date", &f.evaluation_date).required(),
    ]
}

async fn plan_page(
    app: &AppState,
    ctx: &Ctx,
    number: &str,
    form: Option<&PlanForm>,
    errs: Option<&FieldErrors>,
) -> Response {
    let actor = try_page!(actor(ctx));
    let t = ctx.tr();
    let versions = match app.service.plan_versions(&actor, number).await {
        Ok(v) => v,
        Err(e) => return render::service_error(ctx, e),
    };
    let current = versions.last().map(PlanForm::from_plan).unwrap_or_default();
    let mut fields = plan_fields(&t, form.unwrap_or(&current));
    let summary = errs
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    let mut p = Page::new(ctx, t.t1("plan-title", "number", number));
    if !summary.is_empty() {
        p.title = t.t1("title-with-errors", "title", &p.title);
    }
    let page = PlanPage {
        p,
        number: number.to_owned(),
        versions: versions
            .iter()
            .rev()
            .map(|v| {
                (
                    v.version.to_string(),
                    t.date(v.saved_on),
                    v.saved_by.clone(),
                )
            })
            .collect(),
        fields,
        summary,
    };
    render_status(
        if errs.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &page,
    )
}

pub async fn plan(State(app): State<AppState>, ctx: Ctx, Path(number): Path<String>) -> Response {
    plan_page(&app, &ctx, &number, None, None).await
}

pub async fn save_plan(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path(number): Path<String>,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    let f = d.read::<PlanForm>();
    match app.service.save_plan(&actor, &number, &f).await {
        Ok(_) => done(format!("/commitments/{number}/visits?saved=plan")),
        Err(ServiceError::Invalid(e)) => plan_page(&app, &ctx, &number, Some(&f), Some(&e)).await,
        Err(e) => render::service_error(&ctx, e),
    }
}

/// One goal on the report form.
pub struct GoalRow {
    pub index: usize,
    pub goal: String,
    pub evaluation: String,
    pub rating: String,
    pub text: String,
    pub rating_error: Option<String>,
    pub text_error: Option<String>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    p: Page,
    number: String,
    month: String,
    facts: Vec<(String, String)>,
    status: Option<String>,
    status_code: &'static str,
    deadline: String,
    late: bool,
    editable: bool,
    may_decide: bool,
    goals: Vec<GoalRow>,
    gone_through: bool,
    summary_text: String,
    summary_error: Option<String>,
    comments: String,
    visits: Vec<VisitLine>,
    unconfirmed_at_submission: Vec<VisitLine>,
    totals: Vec<(String, String)>,
    history: Vec<(String, String, String, String)>,
    versions: Vec<ReportVersion>,
    visit_versions: Vec<VisitVersions>,
    metadata: Vec<(String, String)>,
    errors: Vec<SummaryItem>,
}

/// An earlier content of a monthly report, as its page shows it (703/2023 22 §).
pub struct ReportVersion {
    pub heading: String,
    pub replaced: String,
    pub note: String,
    pub progress: Vec<(String, String)>,
    pub summary: String,
}

/// A visit's earlier records: the visit as it stands now, and each earlier record.
pub struct VisitVersions {
    pub visit: String,
    pub versions: Vec<(String, String, String, VisitLine)>,
}

/// Who replaced a version, when and why, in one sentence.
pub(crate) fn replaced_text<T>(t: &Tr, v: &Version<T>) -> String {
    t.ta(
        "version-replaced",
        &[
            ("when", Arg::S(t.datetime(v.replaced_at))),
            ("by", Arg::S(v.replaced_by.clone())),
            (
                "reason",
                Arg::S(t.t(&format!("version-reason-{}", v.reason.code()))),
            ),
        ],
    )
}

fn version_heading(t: &Tr, number: u32, status: String) -> String {
    t.ta(
        "version-heading",
        &[
            ("number", Arg::N(i64::from(number))),
            ("status", Arg::S(status)),
        ],
    )
}

/// The report's earlier versions, newest first, with the goals of the plan they were written on.
fn report_versions(t: &Tr, v: &DeliveryView) -> Vec<ReportVersion> {
    let goals = v.plan.as_ref().map(|p| p.goals.clone()).unwrap_or_default();
    newest_first(v.report_versions.clone())
        .into_iter()
        .map(|x| ReportVersion {
            heading: version_heading(
                t,
                x.number,
                t.t(&format!("report-status-{}", x.content.status.code())),
            ),
            replaced: replaced_text(t, &x),
            note: x.note.clone(),
            progress: x
                .content
                .progress
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let goal = goals
                        .get(i)
                        .map(|g| g.text.clone())
                        .unwrap_or_else(|| p.goal.clone());
                    let rating = p
                        .rating
                        .map(|r| format!("{}. ", t.t1("rating-option", "rating", r)))
                        .unwrap_or_default();
                    (goal, format!("{rating}{}", p.text))
                })
                .collect(),
            summary: x.content.summary.clone(),
        })
        .collect()
}

/// The month's visits that have earlier records, each with its versions newest first.
fn visit_versions(t: &Tr, v: &DeliveryView) -> Vec<VisitVersions> {
    v.visit_versions
        .iter()
        .filter_map(|(id, kept)| {
            let now = v.visits.iter().find(|i| i.id == *id)?;
            let line = |r: &VisitRecord| visit_line(t, *id, r, &v.engagement.roster, &[]);
            let current = line(&now.record);
            Some(VisitVersions {
                visit: format!("{} {} {}", current.date, current.time, current.kind),
                versions: newest_first(kept.clone())
                    .into_iter()
                    .map(|x| {
                        let l = line(&x.content);
                        (
                            version_heading(t, x.number, l.status.clone()),
                            replaced_text(t, &x),
                            x.note.clone(),
                            l,
                        )
                    })
                    .collect(),
            })
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn report_page(
    app: &AppState,
    ctx: &Ctx,
    number: &str,
    month: NaiveDate,
    form: Option<&ReportForm>,
    errs: Option<&FieldErrors>,
) -> Response {
    let actor = try_page!(actor(ctx));
    let t = ctx.tr();
    let v = match app.service.delivery(&actor, number, month).await {
        Ok(v) => v,
        Err(e) => return render::service_error(ctx, e),
    };
    let report = v.report.as_ref().map(|(_, r)| r);
    let goals_of_plan = v.plan.as_ref().map(|p| p.goals.clone()).unwrap_or_default();
    let unconfirmed_ids = report
        .map(|r| r.unconfirmed_at_submission.clone())
        .unwrap_or_default();
    let err_of =
        |field: String| -> Option<String> { errs.and_then(|e| e.get(&field)).map(|c| t.error(c)) };
    let goals: Vec<GoalRow> = goals_of_plan
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let saved = report.and_then(|r| r.progress.get(i));
            GoalRow {
                index: i,
                goal: g.text.clone(),
                evaluation: g.evaluation.clone(),
                rating: form
                    .and_then(|f| f.ratings.get(i).cloned())
                    .or_else(|| saved.and_then(|s| s.rating).map(|r| r.to_string()))
                    .unwrap_or_default(),
                text: form
                    .and_then(|f| f.texts.get(i).cloned())
                    .or_else(|| saved.map(|s| s.text.clone()))
                    .unwrap_or_default(),
                rating_error: err_of(format!("rating_{i}")),
                text_error: err_of(format!("progress_{i}")),
            }
        })
        .collect();
    let errors: Vec<SummaryItem> = errs
        .map(|e| {
            e.0.iter()
                .map(|x| SummaryItem {
                    href: if x.field.starts_with("rating_") || x.field.starts_with("progress_") {
                        format!("#f-{}", x.field)
                    } else if x.field == "summary" {
                        "#f-summary".into()
                    } else if x.field == "comments" {
                        "#f-comments".into()
                    } else {
                        "#main".into()
                    },
                    text: t.error(&x.code),
                })
                .collect()
        })
        .unwrap_or_default();
    let deadline = report.map(|r| r.deadline).unwrap_or_else(|| {
        domain::delivery::report_deadline(
            v.month,
            app.service.settings().delivery.report_deadline_day,
        )
    });
    let submitted_on = report.and_then(|r| r.submitted_on);
    let late = submitted_on.unwrap_or(app.service.today()) > deadline;
    let mut p = Page::new(
        ctx,
        t.ta(
            "report-title",
            &[
                ("number", Arg::S(number.to_owned())),
                ("month", Arg::S(month_label(&t, v.month))),
            ],
        ),
    );
    if !errors.is_empty() {
        p.title = t.t1("title-with-errors", "title", &p.title);
    }
    let lines: Vec<VisitLine> = v
        .visits
        .iter()
        .map(|i| visit_line(&t, i.id, &i.record, &v.engagement.roster, &unconfirmed_ids))
        .collect();
    let unconfirmed_at_submission = v
        .visits
        .iter()
        .filter(|i| unconfirmed_ids.contains(&i.id))
        .map(|i| visit_line(&t, i.id, &i.record, &v.engagement.roster, &unconfirmed_ids))
        .collect();
    let page = ReportPage {
        number: v.engagement.commitment.number.clone(),
        month: v.month.format("%Y-%m").to_string(),
        facts: facts(&t, &v),
        status: report.map(|r| t.t(&format!("report-status-{}", r.status.code()))),
        status_code: report.map(|r| r.status.code()).unwrap_or("none"),
        deadline: t.date(deadline),
        late,
        editable: v.provider_side && report.is_none_or(|r| r.status.editable()),
        may_decide: v.may_decide && report.is_some_and(|r| r.status == ReportStatus::Submitted),
        goals,
        gone_through: form
            .map(|f| f.gone_through_with_family)
            .or(report.map(|r| r.gone_through_with_family))
            .unwrap_or(false),
        summary_text: form
            .map(|f| f.summary.clone())
            .or(report.map(|r| r.summary.clone()))
            .unwrap_or_default(),
        summary_error: err_of("summary".into()),
        comments: report.map(|r| r.comments.clone()).unwrap_or_default(),
        visits: lines,
        unconfirmed_at_submission,
        totals: totals_rows(&t, &v.totals),
        history: report
            .map(|r| {
                r.history
                    .iter()
                    .map(|h| {
                        (
                            t.date(h.on),
                            t.t(&format!("report-status-{}", h.status.code())),
                            h.by.clone(),
                            h.note.clone(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        versions: report_versions(&t, &v),
        visit_versions: visit_versions(&t, &v),
        metadata: metadata_rows(&t, &v.metadata),
        errors,
        p,
    };
    render_status(
        if errs.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &page,
    )
}

pub async fn report(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((number, month)): Path<(String, String)>,
) -> Response {
    let m = try_page!(month_in_path(&ctx, &month));
    report_page(&app, &ctx, &number, m, None, None).await
}

pub async fn save_report(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path((number, month)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let m = try_page!(month_in_path(&ctx, &month));
    let d = FormData::parse(&body);
    let n = d
        .all_pairs()
        .iter()
        .filter(|(k, _)| k.starts_with("rating_"))
        .count();
    let f = ReportForm {
        ratings: (0..n).map(|i| d.get(&format!("rating_{i}"))).collect(),
        texts: (0..n).map(|i| d.get(&format!("progress_{i}"))).collect(),
        gone_through_with_family: d.get("gone_through") == "yes",
        summary: d.get("summary"),
    };
    let submit = d.get("action") == "submit";
    match app
        .service
        .save_report(&actor, &number, m, &f, submit)
        .await
    {
        Ok(_) => done(format!(
            "/commitments/{number}/reports/{}",
            m.format("%Y-%m")
        )),
        Err(ServiceError::Invalid(e)) => {
            report_page(&app, &ctx, &number, m, Some(&f), Some(&e)).await
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn decide_report(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path((number, month)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let m = try_page!(month_in_path(&ctx, &month));
    let d = FormData::parse(&body);
    let approve = d.get("decision") == "approve";
    match app
        .service
        .decide_report(&actor, &number, m, approve, &d.get("comments"))
        .await
    {
        Ok(()) => done(format!(
            "/commitments/{number}/reports/{}",
            m.format("%Y-%m")
        )),
        Err(ServiceError::Invalid(e)) => report_page(&app, &ctx, &number, m, None, Some(&e)).await,
        Err(e) => render::service_error(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    p: Page,
    rows: Vec<(String, String, String, String, String)>,
}

/// Reports waiting for the purchaser's social workers.
pub async fn reports(State(app): State<AppState>, SignedIn { ctx, actor }: SignedIn) -> Response {
    let t = ctx.tr();
    let list = match app.service.submitted_reports(&actor).await {
        Ok(l) => l,
        Err(e) => return render::service_error(&ctx, e),
    };
    let names = app.service.organisation_names().await.unwrap_or_default();
    render(&ReportsPage {
        p: Page::new(&ctx, t.t("reports-title")),
        rows: list
            .iter()
            .map(|(_, r)| {
                (
                    r.commitment_number.clone(),
                    r.month.format("%Y-%m").to_string(),
                    month_label(&t, r.month),
                    names.get(&r.provider).cloned().unwrap_or_default(),
                    r.submitted_on.map(|d| t.date(d)).unwrap_or_default(),
                )
            })
            .collect(),
    })
}

/// A visit on the family's page.
pub struct FamilyLine {
    pub line: VisitLine,
    pub child: String,
    pub provider: String,
    pub open: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "family_visits.html")]
struct FamilyPage {
    p: Page,
    rows: Vec<FamilyLine>,
    summary: Vec<SummaryItem>,
}

async fn family_page(app: &AppState, ctx: &Ctx, failed: Option<(Uuid, &FieldErrors)>) -> Response {
    let actor = try_page!(actor(ctx));
    let t = ctx.tr();
    let list = match app.service.family_visits(&actor).await {
        Ok(l) => l,
        Err(e) => return render::service_error(ctx, e),
    };
    let mut summary = Vec::new();
    let rows = list
        .iter()
        .map(|v| {
            let roster: Vec<(Uuid, String)> = v
                .record
                .visit
                .workers
                .iter()
                .copied()
                .zip(v.workers.iter().cloned())
                .collect();
            let error = failed
                .filter(|(id, _)| *id == v.id)
                .and_then(|(_, e)| e.0.first())
                .map(|e| t.error(&e.code));
            if let Some(msg) = &error {
                summary.push(SummaryItem {
                    href: format!("#r-{}", v.id),
                    text: msg.clone(),
                });
            }
            FamilyLine {
                line: family_line(visit_line(&t, v.id, &v.record, &roster, &[])),
                child: v.child.clone(),
                provider: v.provider.clone(),
                open: v.open,
                error,
            }
        })
        .collect();
    let mut p = Page::new(ctx, t.t("family-visits-title"));
    if !summary.is_empty() {
        p.title = t.t1("title-with-errors", "title", &p.title);
    }
    render_status(
        if failed.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &FamilyPage { p, rows, summary },
    )
}

pub async fn family_visits(State(app): State<AppState>, ctx: Ctx) -> Response {
    family_page(&app, &ctx, None).await
}

pub async fn answer_visit(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let id = try_page!(super::parse_id(&ctx, &id));
    let d = FormData::parse(&body);
    let confirm = d.get("answer") == "confirm";
    match app
        .service
        .answer_visit(&actor, id, confirm, &d.get("reason"))
        .await
    {
        Ok(()) => done("/my/visits".into()),
        Err(ServiceError::Invalid(e)) => family_page(&app, &ctx, Some((id, &e))).await,
        Err(e) => render::service_error(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "confirm_code.html")]
struct CodePage {
    p: Page,
    code: String,
    visit: Option<VisitLine>,
    provider: String,
    name: String,
    reason: String,
    summary: Vec<SummaryItem>,
    code_error: Option<String>,
    name_error: Option<String>,
    reason_error: Option<String>,
    done: Option<String>,
}

fn code_page(ctx: &Ctx, mut page: CodePage, errs: Option<&FieldErrors>) -> Response {
    let t = ctx.tr();
    if let Some(e) = errs {
        for x in &e.0 {
            let msg = t.error(&x.code);
            let anchor = match x.field.as_str() {
                "name" => {
                    page.name_error = Some(msg.clone());
                    "#f-name"
                }
                "reason" => {
                    page.reason_error = Some(msg.clone());
                    "#f-reason"
                }
                _ => {
                    page.code_error = Some(msg.clone());
                    "#f-code"
                }
            };
            page.summary.push(SummaryItem {
                href: anchor.into(),
                text: msg,
            });
        }
        page.p.title = t.t1("title-with-errors", "title", &page.p.title);
    }
    render_status(
        if errs.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &page,
    )
}

fn empty_code_page(ctx: &Ctx) -> CodePage {
    CodePage {
        p: Page::new(ctx, ctx.tr().t("confirm-code-title")),
        code: String::new(),
        visit: None,
        provider: String::new(),
        name: String::new(),
        reason: String::new(),
        summary: Vec::new(),
        code_error: None,
        name_error: None,
        reason_error: None,
        done: None,
    }
}

/// The page where a family types the one-time code; no sign-in needed.
pub async fn code_form(ctx: Ctx) -> Response {
    code_page(&ctx, empty_code_page(&ctx), None)
}

/// Step two: the code shows its visit, and the family confirms or disputes it.
pub async fn code_lookup(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let d = FormData::parse(&body);
    let code = d.get("code");
    let t = ctx.tr();
    let mut page = empty_code_page(&ctx);
    page.code = code.clone();
    if d.get("step") == "answer" {
        let confirm = d.get("answer") == "confirm";
        page.name = d.get("name");
        page.reason = d.get("reason");
        match app
            .service
            .answer_with_code(&code, confirm, &page.reason, &page.name, &ctx.client)
            .await
        {
            Ok(()) => {
                page.done = Some(t.t(if confirm {
                    "confirm-code-confirmed"
                } else {
                    "confirm-code-disputed"
                }));
                page.code = String::new();
                return code_page(&ctx, page, None);
            }
            Err(ServiceError::Invalid(e)) => {
                // Show the visit again when the code itself was fine.
                if e.get("code").is_none() {
                    if let Ok(v) = app.service.code_visit(&code, &ctx.client).await {
                        page.visit = Some(family_line(visit_line(
                            &t,
                            Uuid::nil(),
                            &v.record,
                            &[],
                            &[],
                        )));
                        page.provider = v.provider;
                    }
                }
                return code_page(&ctx, page, Some(&e));
            }
            Err(ServiceError::Throttled) => {
                let e = FieldErrors::single("code", "too-many-tries");
                return code_page(&ctx, page, Some(&e));
            }
            Err(e) => return render::service_error(&ctx, e),
        }
    }
    match app.service.code_visit(&code, &ctx.client).await {
        Ok(v) => {
            page.visit = Some(family_line(visit_line(
                &t,
                Uuid::nil(),
                &v.record,
                &[],
                &[],
            )));
            page.provider = v.provider;
            code_page(&ctx, page, None)
        }
        Err(ServiceError::Invalid(e)) => code_page(&ctx, page, Some(&e)),
        Err(ServiceError::Throttled) => code_page(
            &ctx,
            page,
            Some(&FieldErrors::single("code", "too-many-tries")),
        ),
        Err(e) => render::service_error(&ctx, e),
    }
}

/// The client and the guardians, who may be given an account of their own.
async fn people(app: &AppState, ctx: &Ctx, client: Uuid) -> Result<Vec<(Uuid, String)>, Response> {
    let actor = actor(ctx)?;
    let v = app
        .service
        .client(&actor, client)
        .await
        .map_err(|e| render::service_error(ctx, e))?;
    let mut out = vec![(client, v.client.name())];
    out.extend(v.guardians.iter().map(|(id, g)| (*id, g.name())));
    Ok(out)
}

fn account_fields(t: &Tr, people: &[(Uuid, String)], d: Option<&FormData>) -> Vec<Field> {
    let get = |k: &str| d.map(|d| d.get(k)).unwrap_or_default();
    let person = get("person");
    vec![
        Field::new(t, "person", "select", &person)
            .required()
            .options(
                people
                    .iter()
                    .map(|(id, name)| Opt {
                        value: id.to_string(),
                        label: name.clone(),
                        selected: person == id.to_string(),
                    })
                    .collect(),
            ),
        Field::new(t, "username", "text", &get("username"))
            .required()
            .hint(t, "hint-username"),
        Field::new(t, "password", "password", "")
            .required()
            .hint(t, "hint-password")
            .autocomplete("new-password"),
    ]
}

/// The social worker gives the client or a guardian an account for confirming visits.
pub async fn new_account(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let id = try_page!(super::parse_id(&ctx, &id));
    let people = try_page!(people(&app, &ctx, id).await);
    let t = ctx.tr();
    super::form_page(
        &ctx,
        t.t("account-new-title"),
        format!("/clients/{id}/accounts"),
        "action-create-account",
        format!("/clients/{id}"),
        account_fields(&t, &people, None),
        None,
    )
}

pub async fn create_account(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let id = try_page!(super::parse_id(&ctx, &id));
    let people = try_page!(people(&app, &ctx, id).await);
    let d = FormData::parse(&body);
    let t = ctx.tr();
    let person = Uuid::parse_str(d.get("person").trim())
        .ok()
        .filter(|p| people.iter().any(|(id, _)| id == p));
    let result = match person {
        Some(p) => {
            app.service
                .create_person_account(&actor, p, &d.get("username"), &d.get("password"))
                .await
        }
        None => Err(ServiceError::Invalid(FieldErrors::single(
            "person", "required",
        ))),
    };
    match result {
        Ok(_) => done(format!("/clients/{id}")),
        Err(ServiceError::Invalid(e)) => super::form_page(
            &ctx,
            t.t("account-new-title"),
            format!("/clients/{id}/accounts"),
            "action-create-account",
            format!("/clients/{id}"),
            account_fields(&t, &people, Some(&d)),
            Some(&e),
        ),
        Err(e) => render::service_error(&ctx, e),
    }
}

/// A signed paper report, downloaded; only PDF and common image types keep their type, so that
/// an upload is never served as a page.
pub async fn attachment(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path(id): Path<String>,
) -> Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let id = try_page!(super::parse_id(&ctx, &id));
    match app.service.attachment(&actor, id).await {
        Ok(a) => {
            let ty = match a.content_type.as_str() {
                t @ ("application/pdf" | "image/png" | "image/jpeg") => t,
                _ => "application/octet-stream",
            };
            let name: String = a
                .filename
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                .collect();
            let name = if name.is_empty() {
                "report".to_owned()
            } else {
                name
            };
            (
                [
                    (header::CONTENT_TYPE, ty.to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                ],
                a.bytes,
            )
                .into_response()
        }
        Err(e) => render::service_error(&ctx, e),
    }
}
