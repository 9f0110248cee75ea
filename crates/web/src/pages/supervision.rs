//! Supervision of purchased services (741/2023 23–25 §, 29 §): the list of deviations and
//! incident notifications with the purchaser's form to record a deviation or the provider's
//! form to notify an incident, and one deviation with its history, its fee reductions and the
//! step its reader may take.

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
use domain::org::Actor;
use domain::settlement::percent_text;
use domain::supervision::{Deviation, DeviationForm, IncidentForm, Source, StepForm};
use domain::validate::FieldErrors;
use service::ServiceError;
use std::collections::HashMap;
use uuid::Uuid;

pub struct Row {
    pub id: Uuid,
    pub found: String,
    pub party: String,
    pub source: String,
    pub commitment: String,
    pub deadline: String,
    pub status: String,
    pub overdue: bool,
}

fn status_text(t: &Tr, d: &Deviation) -> String {
    t.t(&format!("deviation-status-{}", d.status.code()))
}

fn source_text(t: &Tr, s: Source) -> String {
    t.t(&format!("deviation-source-{}", s.code()))
}

fn status_code(errs: Option<&FieldErrors>) -> StatusCode {
    if errs.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

/// The organisations to choose from; the select's own empty option comes first.
fn choose(list: &[(Uuid, String)], selected: &str) -> Vec<Opt> {
    list.iter()
        .map(|(id, name)| Opt {
            value: id.to_string(),
            label: name.clone(),
            selected: selected == id.to_string(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "deviations.html")]
struct ListPage {
    p: Page,
    rows: Vec<Row>,
    purchaser: bool,
    may_create: bool,
    fields: Vec<Field>,
    summary: Vec<SummaryItem>,
}

/// What was typed into the list page's form, of either side.
enum Typed<'a> {
    None,
    Deviation(&'a DeviationForm, &'a FieldErrors),
    Incident(&'a IncidentForm, &'a FieldErrors),
}

async fn list_page(app: &AppState, ctx: &Ctx, actor: &Actor, typed: Typed<'_>) -> PageResult {
    let t = ctx.tr();
    let v = app.service.deviations(actor).await?;
    let purchaser = actor.org_kind.is_purchaser();
    let names: HashMap<Uuid, &String> = v.counterparts.iter().map(|(i, n)| (*i, n)).collect();
    let today = app.service.today();
    let rows = v
        .deviations
        .iter()
        .map(|d| Row {
            id: d.id,
            found: t.date(d.data.found_on),
            party: if purchaser {
                d.data.provider_name.clone()
            } else {
                names
                    .get(&d.owner_id)
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            },
            source: source_text(&t, d.data.source),
            commitment: d.data.commitment.clone(),
            deadline: t.date(d.data.deadline),
            status: status_text(&t, &d.data),
            overdue: d.data.overdue(today),
        })
        .collect();
    let (mut fields, errs) = if purchaser {
        let empty = DeviationForm::default();
        let (f, e) = match typed {
            Typed::Deviation(f, e) => (f, Some(e)),
            _ => (&empty, None),
        };
        let sources = Source::RECORDED
            .iter()
            .map(|s| Opt {
                value: s.code().into(),
                label: source_text(&t, *s),
                selected: f.source == s.code(),
            })
            .collect();
        (
            vec![
                Field::new(&t, "provider", "select", &f.provider)
                    .required()
                    .options(choose(&v.counterparts, &f.provider)),
                Field::new(&t, "commitment", "text", &f.commitment)
                    .hint(&t, "hint-deviation-commitment"),
                Field::new(&t, "source", "select", &f.source)
                    .required()
                    .options(sources),
                Field::new(&t, "found_on", "date", &f.found_on).required(),
                Field::new(&t, "description", "textarea", &f.description)
                    .required()
                    .hint(&t, "hint-deviation-description"),
                Field::new(&t, "deadline", "date", &f.deadline)
                    .required()
                    .hint(&t, "hint-deviation-deadline"),
            ],
            e,
        )
    } else {
        let empty = IncidentForm::default();
        let (f, e) = match typed {
            Typed::Incident(f, e) => (f, Some(e)),
            _ => (&empty, None),
        };
        (
            vec![
                Field::new(&t, "purchaser", "select", &f.purchaser)
                    .required()
                    .options(choose(&v.counterparts, &f.purchaser)),
                Field::new(&t, "commitment", "text", &f.commitment)
                    .hint(&t, "hint-deviation-commitment"),
                Field::new(&t, "occurred_on", "date", &f.occurred_on).required(),
                Field::new(&t, "description", "textarea", &f.description)
                    .required()
                    .hint(&t, "hint-incident-description"),
            ],
            e,
        )
    };
    let summary = errs
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    let p = Page::with_errors(ctx, t.t("deviations-title"), &summary);
    Ok(render_status(
        status_code(errs),
        &ListPage {
            p,
            rows,
            purchaser,
            may_create: v.may_create,
            fields,
            summary,
        },
    ))
}

pub async fn list(State(app): State<AppState>, SignedIn { ctx, actor }: SignedIn) -> PageResult {
    list_page(&app, &ctx, &actor, Typed::None).await
}

pub async fn record(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    body: Bytes,
) -> PageResult {
    let d = FormData::parse(&body);
    let f = DeviationForm {
        provider: d.get("provider"),
        commitment: d.get("commitment"),
        source: d.get("source"),
        found_on: d.get("found_on"),
        description: d.get("description"),
        deadline: d.get("deadline"),
    };
    match app.service.record_deviation(&actor, &f).await {
        Ok(id) => Ok(done(format!("/deviations/{id}"))),
        Err(ServiceError::Invalid(e)) => {
            list_page(&app, &ctx, &actor, Typed::Deviation(&f, &e)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn notify(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    body: Bytes,
) -> PageResult {
    let d = FormData::parse(&body);
    let f = IncidentForm {
        purchaser: d.get("purchaser"),
        commitment: d.get("commitment"),
        occurred_on: d.get("occurred_on"),
        description: d.get("description"),
    };
    match app.service.notify_incident(&actor, &f).await {
        Ok(id) => Ok(done(format!("/deviations/{id}"))),
        Err(ServiceError::Invalid(e)) => {
            list_page(&app, &ctx, &actor, Typed::Incident(&f, &e)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub struct StepRow {
    pub at: String,
    pub by: String,
    pub what: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "deviation.html")]
struct OnePage {
    p: Page,
    id: Uuid,
    facts: Vec<(String, String)>,
    description: String,
    status: String,
    overdue: bool,
    reductions: Vec<String>,
    steps: Vec<StepRow>,
    may_answer: bool,
    may_decide: bool,
    fields: Vec<Field>,
    summary: Vec<SummaryItem>,
}

async fn one_page(
    app: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: Uuid,
    typed: Option<(&StepForm, &FieldErrors)>,
) -> PageResult {
    let t = ctx.tr();
    let v = app.service.deviation(actor, id).await?;
    let d = &v.deviation.data;
    let sep = if t.lang == domain::locale::Lang::En {
        '.'
    } else {
        ','
    };
    let mut facts = vec![
        (t.t("field-provider"), d.provider_name.clone()),
        (t.t("field-purchaser"), v.purchaser_name.clone()),
        (t.t("field-source"), source_text(&t, d.source)),
        (
            t.t(if d.source == Source::Incident {
                "field-occurred-on"
            } else {
                "field-found-on"
            }),
            t.date(d.found_on),
        ),
        (
            t.t(if d.status == domain::supervision::Status::Notified {
                "deviation-respond-by"
            } else {
                "field-deadline"
            }),
            t.date(d.deadline),
        ),
    ];
    if !d.commitment.is_empty() {
        facts.insert(2, (t.t("field-commitment"), d.commitment.clone()));
    }
    let reductions = d
        .reductions
        .iter()
        .map(|r| {
            let rate = percent_text(r.rate_bp, sep);
            let from = super::delivery::month_label(&t, r.from);
            match r.to {
                Some(to) => t.ta(
                    "deviation-reduction-closed",
                    &[
                        ("rate", crate::i18n::Arg::S(rate)),
                        ("from", crate::i18n::Arg::S(from)),
                        (
                            "to",
                            crate::i18n::Arg::S(super::delivery::month_label(&t, to)),
                        ),
                    ],
                ),
                None => t.ta(
                    "deviation-reduction-open",
                    &[
                        ("rate", crate::i18n::Arg::S(rate)),
                        ("from", crate::i18n::Arg::S(from)),
                    ],
                ),
            }
        })
        .collect();
    let steps = d
        .steps
        .iter()
        .map(|s| StepRow {
            at: t.datetime(s.at),
            by: s.by_name.clone(),
            what: t.t(&format!("deviation-step-{}", s.kind.code())),
            text: s.text.clone(),
        })
        .collect();
    let empty = StepForm {
        rate: percent_text(domain::supervision::DEFAULT_REDUCTION_BP, sep),
        ..StepForm::default()
    };
    let (f, e) = match typed {
        Some((f, e)) => (f, Some(e)),
        None => (&empty, None),
    };
    let mut fields = if v.may_decide {
        let status = d.status;
        use domain::supervision::Status;
        let steps: Vec<&str> = [
            ("accept", true),
            ("return", status == Status::Answered),
            ("deadline", status == Status::Notified),
            ("fee_reduction", v.measure_possible),
            ("termination", v.measure_possible),
        ]
        .into_iter()
        .filter(|(_, ok)| *ok)
        .map(|(s, _)| s)
        .collect();
        vec![
            Field::new(&t, "step", "select", &f.step)
                .required()
                .options(
                    steps
                        .iter()
                        .map(|s| Opt {
                            value: (*s).into(),
                            label: t.t(&format!("deviation-do-{s}")),
                            selected: f.step == *s,
                        })
                        .collect(),
                ),
            Field::new(&t, "text", "textarea", &f.text)
                .required()
                .hint(&t, "hint-deviation-reason"),
            Field::new(&t, "rate", "text", &f.rate).hint(&t, "hint-deviation-rate"),
            Field::new(&t, "from", "text", &f.from).hint(&t, "hint-deviation-from"),
            Field::new(&t, "deadline", "date", &f.deadline).hint(&t, "hint-deviation-new-deadline"),
        ]
    } else if v.may_answer {
        vec![Field::named(
            "text".into(),
            t.t("deviation-answer-text"),
            "textarea",
            &f.text,
        )
        .required()
        .hint(&t, "hint-deviation-answer")]
    } else {
        Vec::new()
    };
    let summary = e
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    let title = t.t1("deviation-title", "provider", d.provider_name.clone());
    let p = Page::with_errors(ctx, title, &summary);
    Ok(render_status(
        status_code(e),
        &OnePage {
            p,
            id,
            facts,
            description: d.description.clone(),
            status: status_text(&t, d),
            overdue: v.overdue,
            reductions,
            steps,
            may_answer: v.may_answer,
            may_decide: v.may_decide,
            fields,
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

pub async fn step(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> PageResult {
    let d = FormData::parse(&body);
    let f = StepForm {
        // The provider's form has one step only.
        step: if actor.org_kind.is_purchaser() {
            d.get("step")
        } else {
            "answer".into()
        },
        text: d.get("text"),
        rate: d.get("rate"),
        from: d.get("from"),
        deadline: d.get("deadline"),
    };
    match app.service.deviation_step(&actor, id, &f).await {
        Ok(_) => Ok(done(format!("/deviations/{id}"))),
        Err(ServiceError::Invalid(e)) => one_page(&app, &ctx, &actor, id, Some((&f, &e))).await,
        Err(e) => Err(e.into()),
    }
}
