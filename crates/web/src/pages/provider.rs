//! A provider's staff register and evidence.

use super::{actor, done, form_page};
use crate::ctx::Ctx;
use crate::describe;
use crate::extract::{Id, PageResult, SignedIn};
use crate::forms::{attach_errors, Field, FormData, Opt, SummaryItem};
use crate::i18n::Tr;
use crate::render::{self, render, render_status, Page};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::evidence::{EvidenceForm, EvidenceKind, Validity};
use domain::locale::Lang;
use domain::staff::{experience_field, format_years, Area, StaffForm, StaffRole, Training};
use domain::validate::FieldErrors;
use service::provider::EvidenceRow;
use service::ServiceError;
use std::collections::HashMap;

pub struct StaffRow {
    id: String,
    name: String,
    role: String,
    degrees: String,
    experience: String,
    review: bool,
}

#[derive(Template)]
#[template(path = "staff.html")]
struct StaffPage {
    p: Page,
    notice: Option<String>,
    rows: Vec<StaffRow>,
}

pub async fn staff(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let t = ctx.tr();
    let list = match app.service.staff(&actor).await {
        Ok(l) => l,
        Err(e) => return render::service_error(&ctx, e),
    };
    render(&StaffPage {
        p: Page::new(&ctx, t.t("staff-title")),
        notice: q.get("saved").map(|_| t.t("notice-saved")),
        rows: list
            .iter()
            .map(|m| StaffRow {
                id: m.id.to_string(),
                name: m.data.name.clone(),
                role: describe::staff_role(&t, m.data.role),
                degrees: m.data.degrees.join("; "),
                experience: m
                    .data
                    .experience
                    .iter()
                    .map(|(a, months)| {
                        format!(
                            "{} {}",
                            describe::area(&t, *a),
                            describe::years(&t, *months)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                review: !m.data.unknown_degrees().is_empty(),
            })
            .collect(),
    })
}

fn staff_fields(t: &Tr, f: &StaffForm) -> Vec<Field> {
    let mut v = vec![
        Field::new(t, "name", "text", &f.name).required(),
        Field::new(t, "role", "select", &f.role).required().options(
            StaffRole::ALL
                .iter()
                .map(|r| Opt {
                    value: r.code().into(),
                    label: describe::staff_role(t, *r),
                    selected: f.role == r.code(),
                })
                .collect(),
        ),
        Field::new(t, "degrees", "textarea", &f.degrees).hint(t, "hint-degrees"),
    ];
    for a in Area::ALL {
        let value = f.experience.get(&a).map(String::as_str).unwrap_or("");
        let mut field =
            Field::new(t, experience_field(a), "text", value).hint(t, "hint-years-blank");
        field.label = t.t1("field-experience-in", "area", describe::area(t, a));
        v.push(field);
    }
    v.extend([
        Field::new(t, "trainings", "checkboxes", "").options(
            Training::ALL
                .iter()
                .map(|x| Opt {
                    value: x.code().into(),
                    label: describe::training(t, *x),
                    selected: f.trainings.iter().any(|s| s == x.code()),
                })
                .collect(),
        ),
        Field::new(t, "other_training", "text", &f.other_training),
        Field::new(t, "languages", "checkboxes", "").options(
            Lang::ALL
                .iter()
                .map(|l| Opt {
                    value: l.code().into(),
                    label: describe::lang_name(t, *l),
                    selected: f.languages.iter().any(|s| s == l.code()),
                })
                .collect(),
        ),
        Field::new(t, "supervision", "select", &f.supervision).options(vec![
            Opt {
                value: "yes".into(),
                label: t.t("answer-yes"),
                selected: f.supervision == "yes",
            },
            Opt {
                value: "no".into(),
                label: t.t("answer-no"),
                selected: f.supervision == "no",
            },
        ]),
        Field::new(
            t,
            "criminal_record_checked_on",
            "date",
            &f.criminal_record_checked_on,
        )
        .hint(t, "hint-criminal-record"),
    ]);
    v
}

fn staff_form(d: &FormData) -> StaffForm {
    StaffForm {
        name: d.get("name"),
        role: d.get("role"),
        degrees: d.get("degrees"),
        experience: Area::ALL
            .into_iter()
            .map(|a| (a, d.get(experience_field(a))))
            .collect(),
        trainings: d.all("trainings"),
        other_training: d.get("other_training"),
        languages: d.all("languages"),
        supervision: d.get("supervision"),
        criminal_record_checked_on: d.get("criminal_record_checked_on"),
    }
}

pub async fn new_staff(ctx: Ctx) -> Response {
    let _ = try_page!(actor(&ctx));
    let t = ctx.tr();
    let form = StaffForm {
        languages: vec!["fi".into()],
        ..StaffForm::default()
    };
    form_page(
        &ctx,
        t.t("staff-new-title"),
        "/staff".into(),
        "action-create",
        "/staff".into(),
        staff_fields(&t, &form),
        None,
    )
}

pub async fn create_staff(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    body: Bytes,
) -> Response {
    let form = staff_form(&FormData::parse(&body));
    match app.service.save_staff_member(&actor, None, &form).await {
        Ok(_) => done("/staff?saved=1".into()),
        Err(ServiceError::Invalid(errs)) => {
            let t = ctx.tr();
            form_page(
                &ctx,
                t.t("staff-new-title"),
                "/staff".into(),
                "action-create",
                "/staff".into(),
                staff_fields(&t, &form),
                Some(&errs),
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn edit_staff(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> Response {
    let m = match app.service.staff_member(&actor, id).await {
        Ok(m) => m,
        Err(e) => return render::service_error(&ctx, e),
    };
    let t = ctx.tr();
    let mut form = StaffForm::from_member(&m.data);
    // Shown in the reader's own decimal style.
    if t.lang == Lang::En {
        for (a, months) in &m.data.experience {
            form.experience
                .insert(*a, format_years(*months).replace(',', "."));
        }
    }
    form_page(
        &ctx,
        t.t1("staff-edit-title", "name", &m.data.name),
        format!("/staff/{id}"),
        "action-save",
        "/staff".into(),
        staff_fields(&t, &form),
        None,
    )
}

pub async fn update_staff(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let form = staff_form(&FormData::parse(&body));
    match app.service.save_staff_member(&actor, Some(id), &form).await {
        Ok(_) => done("/staff?saved=1".into()),
        Err(ServiceError::Invalid(errs)) => {
            let t = ctx.tr();
            form_page(
                &ctx,
                t.t1("staff-edit-title", "name", &form.name),
                format!("/staff/{id}"),
                "action-save",
                "/staff".into(),
                staff_fields(&t, &form),
                Some(&errs),
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

// ---- evidence --------------------------------------------------------------------------------

pub struct EvidenceLine {
    kind: String,
    issued: String,
    until: String,
    reference: String,
    state: &'static str,
    state_label: String,
    superseded: bool,
}

#[derive(Template)]
#[template(path = "evidence.html")]
struct EvidencePage {
    p: Page,
    notice: Option<String>,
    rows: Vec<EvidenceLine>,
    fields: Vec<Field>,
    summary: Vec<SummaryItem>,
}

pub fn evidence_state(t: &Tr, v: Validity) -> (&'static str, String) {
    match v {
        Validity::Valid => ("valid", t.t("evidence-state-valid")),
        Validity::Expiring { days_left } => (
            "expiring",
            t.tn("evidence-state-expiring", "days", days_left),
        ),
        Validity::Expired => ("expired", t.t("evidence-state-expired")),
    }
}

fn evidence_fields(t: &Tr, f: &EvidenceForm) -> Vec<Field> {
    vec![
        Field::new(t, "kind", "select", &f.kind).required().options(
            EvidenceKind::ALL
                .iter()
                .map(|k| Opt {
                    value: k.code().into(),
                    label: describe::evidence_kind(t, *k),
                    selected: f.kind == k.code(),
                })
                .collect(),
        ),
        Field::new(t, "issued_on", "date", &f.issued_on).required(),
        Field::new(t, "valid_until", "date", &f.valid_until).hint(t, "hint-valid-until"),
        Field::new(t, "reference", "text", &f.reference).hint(t, "hint-evidence-reference"),
    ]
}

fn evidence_page(
    ctx: &Ctx,
    rows: &[EvidenceRow],
    form: &EvidenceForm,
    errs: Option<&FieldErrors>,
    notice: Option<String>,
) -> Response {
    let t = ctx.tr();
    let mut fields = evidence_fields(&t, form);
    let summary = errs
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    let mut p = Page::new(ctx, t.t("evidence-title"));
    if errs.is_some() {
        p.title = t.t1("title-with-errors", "title", &p.title);
    }
    let page = EvidencePage {
        p,
        notice,
        rows: rows
            .iter()
            .map(|r| {
                let (state, state_label) = evidence_state(&t, r.validity);
                EvidenceLine {
                    kind: describe::evidence_kind(&t, r.evidence.kind),
                    issued: t.date(r.evidence.issued_on),
                    until: r
                        .evidence
                        .valid_until
                        .map(|d| t.date(d))
                        .unwrap_or_else(|| t.t("evidence-no-expiry")),
                    reference: r.evidence.reference.clone(),
                    state,
                    state_label,
                    superseded: r.superseded,
                }
            })
            .collect(),
        fields,
        summary,
    };
    let status = if errs.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(status, &page)
}

pub async fn evidence(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let t = ctx.tr();
    let rows = app.service.evidence(&actor).await?;
    Ok(evidence_page(
        &ctx,
        &rows,
        &EvidenceForm::default(),
        None,
        q.get("saved").map(|_| t.t("notice-saved")),
    ))
}

pub async fn add_evidence(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    let form = d.read::<EvidenceForm>();
    match app.service.add_evidence(&actor, &form).await {
        Ok(_) => done("/evidence?saved=1".into()),
        Err(ServiceError::Invalid(errs)) => match app.service.evidence(&actor).await {
            Ok(rows) => evidence_page(&ctx, &rows, &form, Some(&errs), None),
            Err(e) => render::service_error(&ctx, e),
        },
        Err(e) => render::service_error(&ctx, e),
    }
}
