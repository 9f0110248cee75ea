//! Applications to lots: the provider's draft and submission, the purchaser's review and
//! decision, the rule-by-rule evaluation both see, and the decision document in fi and sv.

use super::procurement::{text, Text};
use super::{done, parse_id};
use crate::ctx::Ctx;
use crate::describe::{self, FindingRow};
use crate::extract::{Id, SignedIn};
use crate::forms::{attach_errors, Field, FormData, Opt, SummaryItem};
use crate::i18n::{Arg, Tr};
use crate::render::{self, render, render_status, Page};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::application::AppStatus;
use domain::evidence::Validity;
use domain::locale::Lang;
use domain::requirement::Status;
use domain::validate::FieldErrors;
use service::application::{ApplicationForm, ApplicationView, StepForm};
use service::ServiceError;
use std::collections::HashMap;

pub struct RequirementResultView {
    text: Text,
    status: &'static str,
    status_label: String,
    findings: Vec<FindingRow>,
}

pub struct EvidenceView {
    kind: String,
    until: String,
    state: &'static str,
    state_label: String,
}

pub struct HistoryView {
    at: String,
    step: String,
    by: String,
    note: String,
}

pub struct StepView {
    code: &'static str,
    label: String,
    by_provider: bool,
}

#[derive(Template)]
#[template(path = "application.html")]
struct ApplicationPage {
    p: Page,
    id: String,
    notice: Option<String>,
    status: String,
    status_code: &'static str,
    lot_id: String,
    lot_title: Text,
    procurement_title: Text,
    facts: Vec<(String, String)>,
    overall: &'static str,
    overall_label: String,
    results: Vec<RequirementResultView>,
    roster: Vec<String>,
    evidence: Vec<EvidenceView>,
    history: Vec<HistoryView>,
    may_edit: bool,
    edit_fields: Vec<Field>,
    summary: Vec<SummaryItem>,
    steps: Vec<StepView>,
    ranked: bool,
    decided: bool,
    may_decide: bool,
}

fn evidence_views(t: &Tr, v: &ApplicationView) -> Vec<EvidenceView> {
    v.evidence
        .iter()
        .filter(|e| !e.superseded)
        .map(|e| {
            let (state, state_label) = match e.validity {
                Validity::Valid => ("valid", t.t("evidence-state-valid")),
                Validity::Expiring { days_left } => (
                    "expiring",
                    t.tn("evidence-state-expiring", "days", days_left),
                ),
                Validity::Expired => ("expired", t.t("evidence-state-expired")),
            };
            EvidenceView {
                kind: describe::evidence_kind(t, e.evidence.kind),
                until: e
                    .evidence
                    .valid_until
                    .map(|d| t.date(d))
                    .unwrap_or_else(|| t.t("evidence-no-expiry")),
                state,
                state_label,
            }
        })
        .collect()
}

fn edit_fields(t: &Tr, v: &ApplicationView, f: &ApplicationForm) -> Vec<Field> {
    vec![
        Field::new(t, "unit_id", "select", &f.unit_id)
            .required()
            .options(
                v.units
                    .iter()
                    .map(|u| Opt {
                        value: u.id.to_string(),
                        label: format!("{} ({})", u.name, u.municipality),
                        selected: f.unit_id == u.id.to_string(),
                    })
                    .collect(),
            ),
        Field::new(t, "roster", "checkboxes", "")
            .required()
            .hint(t, "hint-roster")
            .options(
                v.staff
                    .iter()
                    .map(|m| Opt {
                        value: m.id.to_string(),
                        label: format!(
                            "{} – {}",
                            m.data.name,
                            describe::staff_role(t, m.data.role)
                        ),
                        selected: f.roster.iter().any(|r| *r == m.id.to_string()),
                    })
                    .collect(),
            ),
        Field::new(t, "price", "text", &f.price)
            .required()
            .hint(t, "hint-price"),
        Field::new(t, "employees", "text", &f.employees)
            .required()
            .hint(t, "hint-employees"),
        Field::new(t, "note", "textarea", &f.note),
    ]
}

fn form_of(v: &ApplicationView) -> ApplicationForm {
    let a = &v.application;
    ApplicationForm {
        unit_id: a.unit_id.map(|u| u.to_string()).unwrap_or_default(),
        roster: a.roster.iter().map(|r| r.to_string()).collect(),
        price: a.price.map(|p| p.format(Lang::Fi)).unwrap_or_default(),
        employees: a.employees.map(|e| e.to_string()).unwrap_or_default(),
        note: a.note.clone(),
    }
}

fn page(
    ctx: &Ctx,
    v: &ApplicationView,
    form: Option<&ApplicationForm>,
    errs: Option<&FieldErrors>,
    notice: Option<String>,
) -> Response {
    let t = ctx.tr();
    let a = &v.application;
    let mut facts = vec![
        (t.t("field-provider"), v.provider.name.clone()),
        (t.t("field-purchaser"), v.purchaser.name.clone()),
        (
            t.t("field-unit"),
            v.unit
                .as_ref()
                .map(|u| format!("{} ({})", u.name, u.municipality))
                .unwrap_or_else(|| t.t("not-given")),
        ),
        (
            t.t("field-price"),
            a.price
                .map(|p| p.format(t.lang))
                .unwrap_or_else(|| t.t("not-given")),
        ),
        (
            t.t("field-employees"),
            a.employees
                .map(|e| e.to_string())
                .unwrap_or_else(|| t.t("not-given")),
        ),
    ];
    if let Some(s) = a.submitted_on {
        facts.push((t.t("field-submitted-on"), t.date(s)));
    }
    if let (Some(due), false) = (a.decision_due(), a.status.is_final()) {
        facts.push((
            t.t("field-decision-due"),
            t.ta(
                "decision-due-value",
                &[
                    ("date", Arg::S(t.date(due))),
                    ("days", Arg::N(i64::from(a.decision_days))),
                ],
            ),
        ));
    }
    if let Some(q) = a.quality_points {
        facts.push((t.t("field-quality-points"), q.to_string()));
    }
    if let Some(d) = a.decided_on {
        facts.push((t.t("field-decided-on"), t.date(d)));
    }
    let results = v
        .evaluation
        .results
        .iter()
        .map(|r| {
            let req = v.lot.requirements.get(r.requirement);
            RequirementResultView {
                text: req.map(|q| text(&t, &q.text)).unwrap_or(Text {
                    text: String::new(),
                    lang: t.lang.code(),
                }),
                status: r.status.code(),
                status_label: describe::eval_status(&t, r.status),
                findings: r
                    .findings
                    .iter()
                    .map(|f| describe::finding(&t, f))
                    .collect(),
            }
        })
        .collect();
    let overall = v.evaluation.overall();
    let mut fields = if v.may_edit {
        edit_fields(&t, v, form.cloned().as_ref().unwrap_or(&form_of(v)))
    } else {
        Vec::new()
    };
    let summary = match errs {
        Some(e) => attach_errors(&t, &mut fields, e),
        None => Vec::new(),
    };
    let mut p = Page::new(
        ctx,
        t.t1("application-title", "lot", v.lot.title.get(t.lang).0),
    );
    if errs.is_some() {
        p.title = t.t1("title-with-errors", "title", &p.title);
    }
    let page = ApplicationPage {
        p,
        id: v.id.to_string(),
        notice,
        status: describe::app_status(&t, a.status),
        status_code: a.status.code(),
        lot_id: v.lot_id.to_string(),
        lot_title: text(&t, &v.lot.title),
        procurement_title: text(&t, &v.procurement.title),
        facts,
        overall: overall.code(),
        overall_label: t.t(&format!(
            "eval-overall-{}",
            overall.code().replace('_', "-")
        )),
        results,
        roster: v
            .roster
            .iter()
            .enumerate()
            .map(|(i, m)| {
                format!(
                    "{}. {} – {}",
                    i + 1,
                    m.name,
                    describe::staff_role(&t, m.role)
                )
            })
            .collect(),
        evidence: evidence_views(&t, v),
        history: a
            .history
            .iter()
            .map(|h| HistoryView {
                at: t.datetime(h.at),
                step: describe::step(&t, h.step),
                by: h.by.clone(),
                note: h.note.clone(),
            })
            .collect(),
        may_edit: v.may_edit,
        edit_fields: fields,
        summary,
        steps: v
            .steps
            .iter()
            .map(|s| StepView {
                code: s.code(),
                label: describe::step(&t, *s),
                by_provider: s.by_provider(),
            })
            .collect(),
        ranked: v.procurement.kind.is_ranked(),
        decided: a.status.is_final(),
        may_decide: v.may_decide,
    };
    let status = if errs.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(status, &page)
}

pub async fn apply(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path(id): Path<String>,
) -> Response {
    let lot = try_page!(parse_id(&ctx, &id));
    match app.service.start_application(&actor, lot).await {
        Ok(aid) => done(format!("/applications/{aid}")),
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn application(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let t = ctx.tr();
    match app.service.application(&actor, id).await {
        Ok(v) => {
            let notice = q.get("done").map(|k| t.t(&format!("notice-{k}")));
            page(&ctx, &v, None, None, notice)
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn save(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    let form = d.read::<ApplicationForm>();
    match app
        .service
        .save_application(&actor, id, &form, ctx.lang)
        .await
    {
        Ok(()) => done(format!("/applications/{id}?done=saved#evaluation")),
        Err(ServiceError::Invalid(errs)) => match app.service.application(&actor, id).await {
            // What was typed stays on the page beside the messages.
            Ok(v) => page(&ctx, &v, Some(&form), Some(&errs), None),
            Err(e) => render::service_error(&ctx, e),
        },
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn step(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    let form = d.read::<StepForm>();
    match app.service.application_step(&actor, id, &form).await {
        Ok(_) => done(format!(
            "/applications/{id}?done={}",
            form.step.replace('_', "-")
        )),
        Err(ServiceError::Invalid(errs)) => match app.service.application(&actor, id).await {
            Ok(v) => page(&ctx, &v, None, Some(&errs), None),
            Err(e) => render::service_error(&ctx, e),
        },
        Err(e) => render::service_error(&ctx, e),
    }
}

pub struct AppRow {
    id: String,
    status: String,
    pending: bool,
    provider: String,
    lot: Text,
    procurement: Text,
    submitted: String,
    due: String,
}

#[derive(Template)]
#[template(path = "applications.html")]
struct ApplicationsPage {
    p: Page,
    rows: Vec<AppRow>,
}

pub async fn applications(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
) -> Response {
    let t = ctx.tr();
    let rows = match app.service.applications(&actor).await {
        Ok(r) => r,
        Err(e) => return render::service_error(&ctx, e),
    };
    render(&ApplicationsPage {
        p: Page::new(&ctx, t.t("applications-title")),
        rows: rows
            .iter()
            .map(|r| AppRow {
                id: r.id.to_string(),
                status: describe::app_status(&t, r.status),
                pending: r.status.is_pending(),
                provider: r.provider_name.clone(),
                lot: text(&t, &r.lot.title),
                procurement: text(&t, &r.procurement_title),
                submitted: r.submitted_on.map(|d| t.date(d)).unwrap_or_default(),
                due: if r.status.is_pending() {
                    r.decision_due.map(|d| t.date(d)).unwrap_or_default()
                } else {
                    String::new()
                },
            })
            .collect(),
    })
}

// ---- decision document -----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "decision.html")]
struct DecisionPage {
    p: Page,
    /// The document's own language, which may differ from the screen's.
    doc_lang: &'static str,
    d: Tr,
    id: String,
    purchaser: String,
    provider: String,
    business_id: String,
    lot: String,
    procurement: String,
    admitted: bool,
    decided_on: String,
    reasons: String,
    results: Vec<(String, String)>,
    appeal: String,
    other_langs: Vec<(&'static str, String)>,
}

/// The admission decision as a document in Finnish or Swedish (`?lang=`), the two languages
/// the law gives the parties; English is offered as a courtesy translation.
pub async fn decision(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let v = match app.service.application(&actor, id).await {
        Ok(v) => v,
        Err(e) => return render::service_error(&ctx, e),
    };
    let a = &v.application;
    if !a.status.is_final() {
        return render::service_error(&ctx, ServiceError::NotFound);
    }
    let doc_lang = q
        .get("lang")
        .and_then(|l| Lang::parse(l))
        .unwrap_or(if ctx.lang == Lang::Sv {
            Lang::Sv
        } else {
            Lang::Fi
        });
    let d = Tr::new(doc_lang);
    let admitted = a.status == AppStatus::Admitted;
    let reasons = if a.decision_reasons.is_empty() {
        d.t(if admitted {
            "decision-default-admitted"
        } else {
            "decision-default-rejected"
        })
    } else {
        a.decision_reasons.clone()
    };
    let results = v
        .evaluation
        .results
        .iter()
        .map(|r| {
            let req = v
                .lot
                .requirements
                .get(r.requirement)
                .map(|q| q.text.get(doc_lang).0.to_owned())
                .unwrap_or_default();
            let mut line = describe::eval_status(&d, r.status);
            if r.status != Status::Met {
                let why: Vec<String> = r
                    .findings
                    .iter()
                    .filter(|f| f.status != Status::Met)
                    .map(|f| {
                        format!(
                            "{}: {}",
                            describe::subject(&d, &f.subject),
                            describe::reason(&d, &f.reason)
                        )
                    })
                    .collect();
                line = format!("{line} – {}", why.join("; "));
            }
            (req, line)
        })
        .collect();
    let t = ctx.tr();
    let page = DecisionPage {
        p: Page::new(&ctx, t.t("decision-title")),
        doc_lang: doc_lang.code(),
        id: id.to_string(),
        purchaser: v.purchaser.name.clone(),
        provider: v.provider.name.clone(),
        business_id: v.provider.business_id.to_string(),
        lot: format!("{} {}", v.lot.number, v.lot.title.get(doc_lang).0),
        procurement: v.procurement.title.get(doc_lang).0.to_owned(),
        admitted,
        decided_on: a.decided_on.map(|x| d.date(x)).unwrap_or_default(),
        reasons,
        results,
        appeal: d.ta(
            "decision-appeal",
            &[("days", Arg::N(i64::from(v.procurement.regime.appeal_days)))],
        ),
        other_langs: Lang::ALL
            .into_iter()
            .filter(|l| *l != doc_lang)
            .map(|l| (l.code(), describe::lang_name(&t, l)))
            .collect(),
        d,
    };
    render(&page)
}
