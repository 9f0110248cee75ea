//! Clients, service needs, the steering group's meeting, payment commitments and the budget.

use super::{actor, done, parse_id, FormPage};
use crate::ctx::Ctx;
use crate::extract::{Id, PageResult, SignedIn};
use crate::forms::{attach_errors, Field, FormData, Opt, SummaryItem};
use crate::i18n::{Arg, Tr};
use crate::pages::delivery::replaced_text;
use crate::render::{self, render, render_status, Page};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use domain::client::{Client, ClientForm, EndForm};
use domain::commitment::{BudgetLine, CommitmentStatus, Recommendation};
use domain::locale::Lang;
use domain::money::Money;
use domain::validate::FieldErrors;
use domain::version::newest_first;
use service::client::ClientRecord;
use service::commitment::CommitmentForm;
use service::need::{NeedForm, NeedStatus, RecommendForm};
use service::ServiceError;
use std::collections::HashMap;

pub struct ClientRow {
    id: String,
    name: String,
    code: String,
    municipality: String,
}

#[derive(Template)]
#[template(path = "clients.html")]
struct ClientsPage {
    p: Page,
    rows: Vec<ClientRow>,
    search_error: Option<String>,
    not_found: bool,
}

fn person_fields(t: &Tr, prefix: &str, f: &ClientForm, required: bool) -> Vec<Field> {
    let name = |n: &str| -> &'static str {
        // Field names must be 'static: the three prefixes are known.
        match (prefix, n) {
            ("", "identity_code") => "identity_code",
            ("", "first_name") => "first_name",
            ("", "last_name") => "last_name",
            ("guardian1_", "identity_code") => "guardian1_identity_code",
            ("guardian1_", "first_name") => "guardian1_first_name",
            ("guardian1_", "last_name") => "guardian1_last_name",
            ("guardian2_", "identity_code") => "guardian2_identity_code",
            ("guardian2_", "first_name") => "guardian2_first_name",
            _ => "guardian2_last_name",
        }
    };
    let mut v = vec![
        Field::new(t, name("identity_code"), "text", &f.identity_code)
            .hint(t, "hint-identity-code"),
        Field::new(t, name("first_name"), "text", &f.first_name),
        Field::new(t, name("last_name"), "text", &f.last_name),
    ];
    if required {
        v = v.into_iter().map(Field::required).collect();
    }
    v
}

fn client_fields(t: &Tr, f: &ClientForm, g1: &ClientForm, g2: &ClientForm) -> Vec<Field> {
    let mut v = person_fields(t, "", f, true);
    v.extend([
        Field::new(t, "home_municipality", "text", &f.home_municipality).required(),
        Field::new(t, "language", "select", &f.language)
            .required()
            .options(
                Lang::ALL
                    .iter()
                    .map(|l| Opt {
                        value: l.code().into(),
                        label: t.t(&format!("language-{}", l.code())),
                        selected: f.language == l.code(),
                    })
                    .collect(),
            ),
        Field::new(t, "street_address", "text", &f.street_address).autocomplete("off"),
        Field::new(t, "postal_code", "text", &f.postal_code),
        Field::new(t, "city", "text", &f.city),
        Field::new(t, "phone", "tel", &f.phone),
        Field::new(t, "turvakielto", "checkboxes", "").options(vec![Opt {
            value: "yes".into(),
            label: t.t("turvakielto-applies"),
            selected: f.turvakielto == "yes",
        }]),
        Field::new(t, "service_task", "text", &f.service_task),
        Field::new(t, "legal_basis", "text", &f.legal_basis),
    ]);
    v.extend(person_fields(t, "guardian1_", g1, false));
    v.extend(person_fields(t, "guardian2_", g2, false));
    v
}

fn client_forms(d: &FormData) -> (ClientForm, Vec<ClientForm>, ClientForm, ClientForm) {
    let child = d.read::<ClientForm>();
    let guardian = |p: &str| ClientForm {
        identity_code: d.get(&format!("{p}identity_code")),
        first_name: d.get(&format!("{p}first_name")),
        last_name: d.get(&format!("{p}last_name")),
        // A guardian shares the child's home and language unless told otherwise.
        home_municipality: child.home_municipality.clone(),
        language: child.language.clone(),
        street_address: child.street_address.clone(),
        postal_code: child.postal_code.clone(),
        city: child.city.clone(),
        turvakielto: child.turvakielto.clone(),
        ..ClientForm::default()
    };
    let g1 = guardian("guardian1_");
    let g2 = guardian("guardian2_");
    let given: Vec<ClientForm> = [g1.clone(), g2.clone()]
        .into_iter()
        .filter(|g| !g.identity_code.trim().is_empty() || !g.first_name.trim().is_empty())
        .collect();
    (child, given, g1, g2)
}

pub async fn clients(State(app): State<AppState>, SignedIn { ctx, actor }: SignedIn) -> PageResult {
    let t = ctx.tr();
    let list = app.service.clients(&actor).await?;
    Ok(render(&ClientsPage {
        p: Page::new(&ctx, t.t("clients-title")),
        rows: rows(&list),
        search_error: None,
        not_found: false,
    }))
}

fn rows(list: &[service::Doc<Client>]) -> Vec<ClientRow> {
    let mut rows: Vec<ClientRow> = list
        .iter()
        .map(|c| ClientRow {
            id: c.id.to_string(),
            name: format!("{}, {}", c.data.last_name, c.data.first_name),
            code: c.data.masked_code.clone(),
            municipality: c.data.home_municipality.clone(),
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows
}

/// Search by identity code: a POST, so that the code never appears in a URL or a log line.
pub async fn search(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    body: Bytes,
) -> Response {
    let t = ctx.tr();
    let d = FormData::parse(&body);
    // One search, one log row: a miss and a malformed code both come back to the list.
    let (error, not_found) = match app
        .service
        .find_client(&actor, &d.get("identity_code"))
        .await
    {
        Ok(Some(id)) => return done(format!("/clients/{id}")),
        Ok(None) => (None, true),
        Err(ServiceError::Invalid(e)) => (e.0.first().map(|x| t.error(&x.code)), false),
        Err(e) => return render::service_error(&ctx, e),
    };
    let list = app.service.clients(&actor).await.unwrap_or_default();
    render(&ClientsPage {
        p: Page::new(&ctx, t.t("clients-title")),
        rows: rows(&list),
        not_found,
        search_error: error,
    })
}

fn client_form_page(ctx: &Ctx, fields: Vec<Field>, errs: Option<&FieldErrors>) -> Response {
    let t = ctx.tr();
    let mut fields = fields;
    let summary = errs
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    let mut p = Page::new(ctx, t.t("client-new-title"));
    if errs.is_some() {
        p.title = t.t1("title-with-errors", "title", &p.title);
    }
    render_status(
        if errs.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &FormPage {
            p,
            lead: Some(t.t("client-new-lead")),
            action: "/clients".into(),
            submit: t.t("action-create"),
            cancel: "/clients".into(),
            fields,
            summary,
        },
    )
}

pub async fn new_client(ctx: Ctx) -> Response {
    let _ = try_page!(actor(&ctx));
    let t = ctx.tr();
    let f = ClientForm {
        language: "fi".into(),
        ..ClientForm::default()
    };
    client_form_page(
        &ctx,
        client_fields(&t, &f, &ClientForm::default(), &ClientForm::default()),
        None,
    )
}

pub async fn create_client(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    body: Bytes,
) -> Response {
    let (child, guardians, g1, g2) = client_forms(&FormData::parse(&body));
    match app
        .service
        .register_client(&actor, &child, &guardians)
        .await
    {
        Ok(id) => done(format!("/clients/{id}")),
        Err(ServiceError::Invalid(errs)) => {
            let t = ctx.tr();
            client_form_page(&ctx, client_fields(&t, &child, &g1, &g2), Some(&errs))
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

pub struct NeedRow {
    lot: String,
    status: String,
    meeting: String,
    hours: u32,
}

pub struct CommitmentRow {
    id: String,
    number: String,
    status: String,
    status_code: &'static str,
    provider: String,
    period: String,
    quantity: String,
    max_total: String,
    client_id: String,
    answer: bool,
}

#[derive(Template)]
#[template(path = "client.html")]
struct ClientPage {
    p: Page,
    facts: Vec<(String, String)>,
    turvakielto: bool,
    guardians: Vec<String>,
    needs: Vec<NeedRow>,
    commitments: Vec<CommitmentRow>,
    id: String,
    need_fields: Vec<Field>,
    summary: Vec<SummaryItem>,
    minimal: bool,
    /// The closing of the matter and the date of death: the retention triggers.
    end_fields: Vec<Field>,
    end_summary: Vec<SummaryItem>,
    /// The record's earlier versions, newest first: who replaced each, when and why, and the
    /// end dates it had.
    versions: Vec<String>,
}

fn need_fields(t: &Tr, lots: &[(String, String)], f: &NeedForm) -> Vec<Field> {
    vec![
        Field::new(t, "lot", "select", &f.lot).required().options(
            lots.iter()
                .map(|(id, label)| Opt {
                    value: id.clone(),
                    label: label.clone(),
                    selected: &f.lot == id,
                })
                .collect(),
        ),
        Field::new(t, "justification", "textarea", &f.justification).required(),
        Field::new(t, "urgent", "checkboxes", "").options(vec![Opt {
            value: "yes".into(),
            label: t.t("need-urgent"),
            selected: f.urgent == "yes",
        }]),
        Field::new(t, "requested_start", "date", &f.requested_start).required(),
        Field::new(t, "hours_per_week", "text", &f.hours_per_week)
            .required()
            .hint(t, "hint-hours-per-week"),
    ]
}

async fn own_lots(app: &AppState, actor: &domain::org::Actor, lang: Lang) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Ok(ps) = app.service.procurements(actor).await {
        for p in ps {
            if let Ok(v) = app.service.procurement(actor, p.id).await {
                if v.purchaser.id != actor.org_id {
                    continue;
                }
                for l in v.lots {
                    out.push((
                        l.id.to_string(),
                        format!(
                            "{} – {} {}",
                            p.data.title.get(lang).0,
                            l.data.number,
                            l.data.title.get(lang).0
                        ),
                    ));
                }
            }
        }
    }
    out
}

fn commitment_rows(
    t: &Tr,
    list: &[service::Doc<domain::commitment::Commitment>],
    names: &HashMap<uuid::Uuid, String>,
    provider_side: bool,
) -> Vec<CommitmentRow> {
    list.iter()
        .map(|c| CommitmentRow {
            id: c.id.to_string(),
            number: c.data.number.clone(),
            status: t.t(&format!("commitment-status-{}", c.data.status.code())),
            status_code: c.data.status.code(),
            provider: names.get(&c.data.provider).cloned().unwrap_or_default(),
            period: format!("{} – {}", t.date(c.data.starts_on), t.date(c.data.ends_on)),
            quantity: t.ta(
                "commitment-quantity",
                &[
                    ("hours", Arg::N(i64::from(c.data.quantity_per_week))),
                    ("price", Arg::S(c.data.unit_price.format(t.lang))),
                ],
            ),
            max_total: c.data.max_total.format(t.lang),
            client_id: c.data.client.to_string(),
            answer: provider_side && c.data.status == CommitmentStatus::Sent,
        })
        .collect()
}

async fn client_page(
    app: &AppState,
    ctx: &Ctx,
    id: uuid::Uuid,
    form: Option<&NeedForm>,
    errs: Option<&FieldErrors>,
    end: Option<(&EndForm, &FieldErrors)>,
) -> Response {
    let actor = try_page!(actor(ctx));
    let t = ctx.tr();
    let record = match app.service.client_record(&actor, id).await {
        Ok(r) => r,
        // Outside the worker's team and responsibility: the reason form (703/2023 9 §).
        Err(ServiceError::Denied(domain::access::Denial::NoTask)) => {
            return super::exceptional::reason_page(ctx, id, None, None);
        }
        Err(e) => return render::service_error(ctx, e),
    };
    let v = match record {
        // A provider sees the minimal data, while and because a commitment links it.
        ClientRecord::Minimal(m) => {
            let mut facts = vec![
                (t.t("field-age"), m.age.to_string()),
                (t.t("field-home-municipality"), m.home_municipality.clone()),
                (
                    t.t("field-language"),
                    t.t(&format!("language-{}", m.language.code())),
                ),
            ];
            match &m.address {
                Some(a) => facts.push((t.t("field-address"), a.clone())),
                None => facts.push((t.t("field-address"), t.t("turvakielto-hidden"))),
            }
            if let Some(ph) = &m.phone {
                facts.push((t.t("field-phone"), ph.clone()));
            }
            return render(&ClientPage {
                p: Page::new(ctx, m.name.clone()),
                facts,
                turvakielto: m.address.is_none(),
                guardians: m.guardians.clone(),
                needs: Vec::new(),
                commitments: Vec::new(),
                id: id.to_string(),
                need_fields: Vec::new(),
                summary: Vec::new(),
                minimal: true,
                end_fields: Vec::new(),
                end_summary: Vec::new(),
                versions: Vec::new(),
            });
        }
        ClientRecord::Register(v) => v,
    };
    let c = v.card(app.service.today());
    let mut facts = vec![
        (t.t("field-identity-code"), c.masked_code.clone()),
        (t.t("field-age"), c.age.to_string()),
        (t.t("field-home-municipality"), c.home_municipality.clone()),
        (
            t.t("field-language"),
            t.t(&format!("language-{}", c.language.code())),
        ),
    ];
    match (&c.address, c.turvakielto) {
        (_, true) => facts.push((t.t("field-address"), t.t("turvakielto-hidden"))),
        (Some(a), false) => facts.push((t.t("field-address"), a.clone())),
        (None, false) => {}
    }
    if let Some(ph) = &c.phone {
        facts.push((t.t("field-phone"), ph.clone()));
    }
    if !c.service_task.is_empty() {
        facts.push((t.t("field-service-task"), c.service_task.clone()));
    }
    if let Some(d) = v.client.closed_on {
        facts.push((t.t("field-closed-on"), t.date(d)));
    }
    if let Some(d) = v.client.died_on {
        facts.push((t.t("field-died-on"), t.date(d)));
    }
    let date_text = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let shown = EndForm {
        closed_on: date_text(v.client.closed_on),
        died_on: date_text(v.client.died_on),
    };
    let (end_form, end_errs) = match end {
        Some((f, e)) => (f, Some(e)),
        None => (&shown, None),
    };
    let mut end_fields = vec![
        Field::new(&t, "closed_on", "date", &end_form.closed_on).hint(&t, "hint-closed-on"),
        Field::new(&t, "died_on", "date", &end_form.died_on).hint(&t, "hint-died-on"),
    ];
    let end_summary = end_errs
        .map(|e| attach_errors(&t, &mut end_fields, e))
        .unwrap_or_default();
    let lots = own_lots(app, &actor, t.lang).await;
    let lot_names: HashMap<String, String> = lots.iter().cloned().collect();
    let names = app.service.organisation_names().await.unwrap_or_default();
    let mut fields = need_fields(&t, &lots, form.unwrap_or(&NeedForm::default()));
    let summary = errs
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    let page = ClientPage {
        p: Page::new(ctx, c.name.clone()),
        facts,
        turvakielto: c.turvakielto,
        guardians: c.guardians.iter().map(|g| g.name.clone()).collect(),
        needs: v
            .needs
            .iter()
            .map(|n| NeedRow {
                lot: lot_names
                    .get(&n.data.lot.to_string())
                    .cloned()
                    .unwrap_or_default(),
                status: need_status(&t, n.data.status),
                meeting: t.date(n.data.meeting_on),
                hours: n.data.hours_per_week,
            })
            .collect(),
        commitments: commitment_rows(&t, &v.commitments, &names, false),
        id: id.to_string(),
        need_fields: fields,
        summary,
        minimal: false,
        end_fields,
        end_summary,
        versions: newest_first(v.versions.clone())
            .into_iter()
            .map(|x| {
                let date =
                    |d: Option<NaiveDate>| d.map(|d| t.date(d)).unwrap_or_else(|| "–".into());
                format!(
                    "{}. {}: {}, {}: {}",
                    replaced_text(&t, &x),
                    t.t("field-closed-on"),
                    date(x.content.closed_on),
                    t.t("field-died-on"),
                    date(x.content.died_on)
                )
            })
            .collect(),
    };
    render_status(
        if errs.is_some() || end_errs.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &page,
    )
}

fn need_status(t: &Tr, s: NeedStatus) -> String {
    t.t(match s {
        NeedStatus::Queued => "need-status-queued",
        NeedStatus::Recommended => "need-status-recommended",
        NeedStatus::Decided => "need-status-decided",
        NeedStatus::Closed => "need-status-closed",
    })
}

pub async fn client(State(app): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let id = try_page!(parse_id(&ctx, &id));
    client_page(&app, &ctx, id, None, None, None).await
}

/// The social worker records the closing of the client's matter or the date of death.
pub async fn record_end(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    let form = EndForm {
        closed_on: d.get("closed_on"),
        died_on: d.get("died_on"),
    };
    match app.service.record_client_end(&actor, id, &form).await {
        Ok(()) => done(format!("/clients/{id}#end")),
        Err(ServiceError::Invalid(errs)) => {
            client_page(&app, &ctx, id, None, None, Some((&form, &errs))).await
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn create_need(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    let form = d.read::<NeedForm>();
    match app.service.create_need(&actor, id, &form).await {
        Ok(_) => done(format!("/clients/{id}#needs")),
        Err(ServiceError::Invalid(errs)) => {
            client_page(&app, &ctx, id, Some(&form), Some(&errs), None).await
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

// ---- the steering group's meeting ------------------------------------------------------------

/// How long a need has waited (or took) in working days, and whether it is still open on or
/// past its due day: the need step's target of the processing times
/// ([`domain::processing::Step::NeedDecision`]), so that this page and that one agree.
fn need_wait(received: NaiveDate, decided: Option<NaiveDate>, today: NaiveDate) -> (i64, bool) {
    use domain::processing::{measure, Case, Step};
    let (target, count) = Step::NeedDecision.target();
    let t = measure(
        &Case {
            key: (),
            started: received,
            ended: decided,
            target,
            count,
        },
        today,
    );
    (t.days, t.open && today >= t.due)
}

pub struct OrderRow {
    application: String,
    position: usize,
    provider: String,
    free: String,
    price: String,
}

pub struct AgendaItem {
    need_id: String,
    client: String,
    age: u32,
    municipality: String,
    lot: String,
    justification: String,
    hours: u32,
    start: String,
    status: String,
    recommendation: Option<String>,
    order: Vec<OrderRow>,
    may_recommend: bool,
    may_decide: bool,
    may_commit: bool,
    decided: bool,
    /// Offers of a need in competition (application, provider, start), and whether to choose.
    offers: Vec<(String, String, String)>,
    may_choose: bool,
    /// Working days from receipt, with a warning near the limit.
    processing: String,
    late: bool,
    errors: Vec<String>,
    /// The commitment form's values as last entered (a preview or a refusal keeps them).
    commit_starts_on: Option<String>,
    commit_ends_on: Option<String>,
    commit_cost_centre: String,
    commit_budget_line: String,
    /// Sending this commitment's effect on its budget line: (label, now, with it).
    effect: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    p: Page,
    group: String,
    chair: String,
    members: String,
    time: String,
    weekday: u32,
    may_configure: bool,
    group_errors: Vec<String>,
    weekdays: Vec<(u32, String)>,
    date: String,
    items: Vec<AgendaItem>,
    budget_lines: Vec<(String, String)>,
    default_end: String,
}

async fn meeting_page(
    app: &AppState,
    ctx: &Ctx,
    day: Option<NaiveDate>,
    error_for: Option<(uuid::Uuid, &FieldErrors)>,
) -> Response {
    meeting_page_with(app, ctx, day, error_for, None).await
}

/// A commitment form as entered for one need, and what sending it would do to its budget line.
type CommitPreview<'a> = (
    uuid::Uuid,
    &'a CommitmentForm,
    Option<&'a service::commitment::CommitmentEffect>,
);

/// The month a budget line runs out, or that it suffices: the budget page and the effect of a
/// commitment say it alike.
fn runs_out_label(t: &Tr, f: &domain::forecast::Forecast) -> String {
    match f.runs_out {
        Some(m) => crate::pages::delivery::month_label(t, m),
        None => t.t("budget-suffices"),
    }
}

/// The rows that show a budget line now and with the commitment about to be sent.
fn effect_rows(t: &Tr, e: &service::commitment::CommitmentEffect) -> Vec<(String, String, String)> {
    let runs_out = |b: &service::budget::BudgetFigures| runs_out_label(t, &b.forecast);
    vec![
        (
            t.t("budget-reserved"),
            e.before.reserved.format(t.lang),
            e.after.reserved.format(t.lang),
        ),
        (
            t.t("budget-free"),
            e.before.free.format(t.lang),
            e.after.free.format(t.lang),
        ),
        (
            t.t("budget-expected"),
            e.before.forecast.expected.format(t.lang),
            e.after.forecast.expected.format(t.lang),
        ),
        (
            t.t("budget-runs-out"),
            runs_out(&e.before),
            runs_out(&e.after),
        ),
    ]
}

async fn meeting_page_with(
    app: &AppState,
    ctx: &Ctx,
    day: Option<NaiveDate>,
    error_for: Option<(uuid::Uuid, &FieldErrors)>,
    preview: Option<CommitPreview<'_>>,
) -> Response {
    let actor = try_page!(actor(ctx));
    let t = ctx.tr();
    let today = app.service.today();
    let group = app.service.steering_group(&actor).await.unwrap_or_default();
    let day = day.unwrap_or_else(|| service::steering_group::next_meeting(&group, today));
    let items = match app.service.agenda(&actor, day).await {
        Ok(i) => i,
        Err(e) => return render::service_error(ctx, e),
    };
    let lots: HashMap<String, String> = own_lots(app, &actor, t.lang).await.into_iter().collect();
    let may_decide = ctx.caps.decide_needs;
    let budget_lines = app
        .service
        .budget(&actor)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|b| {
            let (id, l, free) = (b.id, b.line, b.free);
            (
                id.to_string(),
                format!(
                    "{} {} ({}: {})",
                    l.cost_centre,
                    l.service,
                    t.t("budget-free"),
                    free.format(t.lang)
                ),
            )
        })
        .collect();
    let page = MeetingPage {
        p: Page::new(ctx, t.t1("meeting-title", "date", t.date(day))),
        group: group.name.clone(),
        chair: group.chair.clone(),
        members: group.members.join(", "),
        time: group.time.clone(),
        weekday: group.weekday,
        may_configure: may_decide,
        group_errors: match error_for {
            Some((id, e)) if id.is_nil() => e.0.iter().map(|x| t.error(&x.code)).collect(),
            _ => Vec::new(),
        },
        weekdays: (1..=7).map(|d| (d, t.t(&format!("weekday-{d}")))).collect(),
        date: day.to_string(),
        default_end: (day + chrono::Duration::days(90)).to_string(),
        budget_lines,
        items: items
            .iter()
            .map(|(n, c, order)| {
                let errors = match error_for {
                    Some((id, e)) if id == n.id => e.0.iter().map(|x| t.error(&x.code)).collect(),
                    _ => Vec::new(),
                };
                AgendaItem {
                    need_id: n.id.to_string(),
                    client: c.name(),
                    age: c.age_on(today),
                    municipality: c.home_municipality.clone(),
                    lot: lots
                        .get(&n.data.lot.to_string())
                        .cloned()
                        .unwrap_or_default(),
                    justification: n.data.justification.clone(),
                    hours: n.data.hours_per_week,
                    start: t.date(n.data.requested_start),
                    status: need_status(&t, n.data.status),
                    recommendation: n.data.recommendation.as_ref().map(|r| match r {
                        Recommendation::OrderedProvider {
                            application,
                            skipped,
                        } => {
                            let name = order
                                .iter()
                                .find(|o| o.application == *application)
                                .map(|o| o.provider_name.clone())
                                .unwrap_or_default();
                            let skips: Vec<String> = skipped
                                .iter()
                                .map(|s| {
                                    let n = order
                                        .iter()
                                        .find(|o| o.application == s.application)
                                        .map(|o| o.provider_name.clone())
                                        .unwrap_or_default();
                                    format!("{n}: {}", s.reason)
                                })
                                .collect();
                            if skips.is_empty() {
                                name
                            } else {
                                format!(
                                    "{name} ({}: {})",
                                    t.t("recommendation-skipped"),
                                    skips.join("; ")
                                )
                            }
                        }
                        other => t.t(&format!(
                            "recommendation-{}",
                            other.code().replace('_', "-")
                        )),
                    }),
                    order: order
                        .iter()
                        .enumerate()
                        .map(|(i, o)| OrderRow {
                            application: o.application.to_string(),
                            position: i + 1,
                            provider: o.provider_name.clone(),
                            free: o
                                .free_capacity
                                .map(|f| f.to_string())
                                .unwrap_or_else(|| t.t("not-given")),
                            price: o.price.format(t.lang),
                        })
                        .collect(),
                    may_recommend: n.data.status == NeedStatus::Queued,
                    may_decide: may_decide && n.data.status == NeedStatus::Recommended,
                    decided: matches!(n.data.status, NeedStatus::Decided | NeedStatus::Closed),
                    offers: n
                        .data
                        .competition
                        .as_ref()
                        .map(|c| {
                            c.offers
                                .iter()
                                .map(|o| {
                                    let mut label = order
                                        .iter()
                                        .find(|x| x.application == o.application)
                                        .map(|x| x.provider_name.clone())
                                        .unwrap_or_default();
                                    if c.winner == Some(o.application) {
                                        label
                                            .push_str(&format!(" ({})", t.t("competition-winner")));
                                    }
                                    (o.application.to_string(), label, t.date(o.can_start))
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    may_choose: n.data.status == NeedStatus::Recommended
                        && n.data
                            .competition
                            .as_ref()
                            .is_some_and(|c| c.winner.is_none() && !c.offers.is_empty()),
                    processing: {
                        let (days, warn) = need_wait(n.data.received_on, n.data.decided_on, today);
                        if warn {
                            t.tn("processing-days-warn", "days", days)
                        } else {
                            t.tn("processing-days", "days", days)
                        }
                    },
                    late: need_wait(n.data.received_on, n.data.decided_on, today).1,
                    may_commit: n.data.status == NeedStatus::Decided
                        && matches!(
                            n.data.recommendation,
                            Some(Recommendation::OrderedProvider { .. })
                        ),
                    errors,
                    commit_starts_on: preview
                        .filter(|(id, ..)| *id == n.id)
                        .map(|(_, f, _)| f.starts_on.clone()),
                    commit_ends_on: preview
                        .filter(|(id, ..)| *id == n.id)
                        .map(|(_, f, _)| f.ends_on.clone()),
                    commit_cost_centre: preview
                        .filter(|(id, ..)| *id == n.id)
                        .map(|(_, f, _)| f.cost_centre.clone())
                        .unwrap_or_default(),
                    commit_budget_line: preview
                        .filter(|(id, ..)| *id == n.id)
                        .map(|(_, f, _)| f.budget_line.clone())
                        .unwrap_or_default(),
                    effect: preview
                        .filter(|(id, ..)| *id == n.id)
                        .and_then(|(_, _, e)| e)
                        .map(|e| effect_rows(&t, e))
                        .unwrap_or_default(),
                }
            })
            .collect(),
    };
    render_status(
        if error_for.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &page,
    )
}

pub async fn meeting(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let day = q
        .get("date")
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    meeting_page(&app, &ctx, day, None).await
}

fn meeting_date(d: &FormData) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&d.get("date"), "%Y-%m-%d").ok()
}

pub async fn recommend(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    let skips = d
        .all_pairs()
        .into_iter()
        .filter_map(|(k, v)| k.strip_prefix("skip_").map(|a| (a.to_owned(), v)))
        .collect();
    let form = RecommendForm {
        kind: d.get("kind"),
        application: d.get("application"),
        skips,
        note: d.get("note"),
    };
    let day = meeting_date(&d);
    match app.service.recommend(&actor, id, &form).await {
        Ok(()) => done(format!(
            "/meeting?date={}#need-{id}",
            day.map(|d| d.to_string()).unwrap_or_default()
        )),
        Err(ServiceError::Invalid(e)) => meeting_page(&app, &ctx, day, Some((id, &e))).await,
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn decide(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    let day = meeting_date(&d);
    match app
        .service
        .decide_need(&actor, id, d.get("decision") == "approve", &d.get("text"))
        .await
    {
        Ok(()) => done(format!(
            "/meeting?date={}#need-{id}",
            day.map(|d| d.to_string()).unwrap_or_default()
        )),
        Err(ServiceError::Invalid(e)) => meeting_page(&app, &ctx, day, Some((id, &e))).await,
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn send_commitment(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    let day = meeting_date(&d);
    let form = d.read::<CommitmentForm>();
    // "Show the effect on the budget": nothing is sent; the page comes back with the line now
    // and with this commitment, and the form as entered.
    if d.get("action") == "preview" {
        return match app.service.commitment_effect(&actor, id, &form).await {
            Ok(effect) => {
                meeting_page_with(&app, &ctx, day, None, Some((id, &form, effect.as_ref()))).await
            }
            Err(ServiceError::Invalid(e)) => {
                meeting_page_with(&app, &ctx, day, Some((id, &e)), Some((id, &form, None))).await
            }
            Err(e) => render::service_error(&ctx, e),
        };
    }
    match app.service.send_commitment(&actor, id, &form).await {
        Ok(_) => done("/commitments".into()),
        Err(ServiceError::Invalid(e)) => {
            meeting_page_with(&app, &ctx, day, Some((id, &e)), Some((id, &form, None))).await
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

// ---- commitments and budget --------------------------------------------------------------------

#[derive(Template)]
#[template(path = "commitments.html")]
struct CommitmentsPage {
    p: Page,
    rows: Vec<CommitmentRow>,
    provider_side: bool,
    errors: Vec<String>,
}

pub async fn commitments(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
) -> Response {
    let t = ctx.tr();
    let list = match app.service.commitments(&actor).await {
        Ok(l) => l,
        Err(e) => return render::service_error(&ctx, e),
    };
    let names = app.service.organisation_names().await.unwrap_or_default();
    let provider_side = !actor.org_kind.is_purchaser();
    render(&CommitmentsPage {
        p: Page::new(&ctx, t.t("commitments-title")),
        rows: commitment_rows(&t, &list, &names, provider_side),
        provider_side,
        errors: Vec::new(),
    })
}

pub async fn answer(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    match app
        .service
        .answer_commitment(&actor, id, d.get("answer") == "accept", &d.get("reason"))
        .await
    {
        Ok(()) => done("/commitments".into()),
        Err(e) => render::service_error(&ctx, e),
    }
}

pub struct BudgetRow {
    line: String,
    year: String,
    amount: String,
    reserved: String,
    invoiced: String,
    actual: String,
    free: String,
    /// The year's expected cost (`domain::forecast`).
    expected: String,
    /// The month it runs out, or that it suffices.
    runs_out: String,
    /// Whether it runs out, for the cell's emphasis.
    short: bool,
    /// The chart's bar for the line, in its units (0–400): paid, then invoiced, then what the
    /// open commitments are still worth, and where the line's amount ends.
    bar: BudgetBar,
}

/// A lot and provider's part of a line's year.
pub struct ShareRow {
    line: String,
    lot: String,
    provider: String,
    paid: String,
    invoiced: String,
    expected: String,
}

pub struct BudgetBar {
    y: u32,
    paid: u32,
    invoiced: u32,
    remaining: u32,
    amount: u32,
}

/// A line's bar, scaled so that the longest of all the lines' amounts and expected costs is 400.
fn budget_bar(i: usize, b: &service::budget::BudgetFigures, max: i64) -> BudgetBar {
    let w = |c: i64| u32::try_from(c.max(0) * 400 / max.max(1)).unwrap_or(400);
    BudgetBar {
        y: u32::try_from(i).unwrap_or(0) * 34 + 10,
        paid: w(b.actual.cents()),
        invoiced: w(b.invoiced.cents()),
        remaining: w(b.forecast.remaining.cents()),
        amount: w(b.line.amount.cents()) + 300,
    }
}

#[derive(Template)]
#[template(path = "budget.html")]
struct BudgetPage {
    p: Page,
    rows: Vec<BudgetRow>,
    shares: Vec<ShareRow>,
    chart_height: u32,
    may_add: bool,
    fields: Vec<Field>,
    summary: Vec<SummaryItem>,
}

fn budget_fields(t: &Tr, d: &[(&'static str, String)]) -> Vec<Field> {
    let get = |k: &str| {
        d.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    vec![
        Field::new(t, "cost_centre", "text", &get("cost_centre")).required(),
        Field::new(t, "service", "text", &get("service")).required(),
        Field::new(t, "year", "text", &get("year")).required(),
        Field::new(t, "amount", "text", &get("amount"))
            .required()
            .hint(t, "hint-money"),
    ]
}

async fn budget_page(
    app: &AppState,
    ctx: &Ctx,
    form: &[(&'static str, String)],
    errs: Option<&FieldErrors>,
) -> Response {
    let actor = try_page!(actor(ctx));
    let t = ctx.tr();
    let lines = match app.service.budget(&actor).await {
        Ok(l) => l,
        Err(e) => return render::service_error(ctx, e),
    };
    let mut fields = budget_fields(&t, form);
    let summary = errs
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    render_status(
        if errs.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &BudgetPage {
            p: Page::new(ctx, t.t("budget-title")),
            chart_height: u32::try_from(lines.len()).unwrap_or(0) * 34 + 20,
            shares: lines
                .iter()
                .flat_map(|b| {
                    b.shares.iter().map(|s| ShareRow {
                        line: format!("{} {} {}", b.line.cost_centre, b.line.service, b.line.year),
                        lot: format!("{} {}", s.lot_number, s.lot_title.get(t.lang).0),
                        provider: s.provider_name.clone(),
                        paid: s.paid.format(t.lang),
                        invoiced: s.invoiced.format(t.lang),
                        expected: s.expected.format(t.lang),
                    })
                })
                .collect(),
            rows: lines
                .iter()
                .enumerate()
                .map(|(i, b)| BudgetRow {
                    bar: budget_bar(
                        i,
                        b,
                        lines
                            .iter()
                            .map(|l| l.line.amount.cents().max(l.forecast.expected.cents()))
                            .max()
                            .unwrap_or(1),
                    ),
                    line: format!("{} {}", b.line.cost_centre, b.line.service),
                    year: b.line.year.to_string(),
                    amount: b.line.amount.format(t.lang),
                    reserved: b.reserved.format(t.lang),
                    invoiced: b.invoiced.format(t.lang),
                    actual: b.actual.format(t.lang),
                    free: b.free.format(t.lang),
                    expected: b.forecast.expected.format(t.lang),
                    runs_out: runs_out_label(&t, &b.forecast),
                    short: b.forecast.runs_out.is_some(),
                })
                .collect(),
            may_add: ctx.caps.add_budget_line,
            fields,
            summary,
        },
    )
}

pub async fn budget(State(app): State<AppState>, ctx: Ctx) -> Response {
    budget_page(&app, &ctx, &[], None).await
}

pub async fn add_budget_line(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    let form: Vec<(&'static str, String)> = ["cost_centre", "service", "year", "amount"]
        .into_iter()
        .map(|k| (k, d.get(k)))
        .collect();
    let mut e = FieldErrors::default();
    let cost_centre = e.required("cost_centre", &d.get("cost_centre"), 40);
    let service = e.required("service", &d.get("service"), 200);
    let year = match d.get("year").trim().parse::<i32>() {
        Ok(y) if (2000..=2100).contains(&y) => y,
        _ => {
            e.add("year", "number-format");
            0
        }
    };
    let amount = match Money::parse(&d.get("amount"), ctx.lang) {
        Ok(m) if !m.is_negative() => m,
        Ok(_) => {
            e.add("amount", "money-format");
            Money::ZERO
        }
        Err(err) => {
            e.add("amount", err.code());
            Money::ZERO
        }
    };
    if !e.is_empty() {
        return budget_page(&app, &ctx, &form, Some(&e)).await;
    }
    match app
        .service
        .add_budget_line(
            &actor,
            &BudgetLine {
                cost_centre,
                service,
                year,
                amount,
            },
        )
        .await
    {
        Ok(_) => done("/budget".into()),
        Err(e) => render::service_error(&ctx, e),
    }
}

// ---- documents ---------------------------------------------------------------------------------

/// The document language: `?lang=fi|sv|en`, else Swedish for a Swedish screen, else Finnish.
fn doc_lang(ctx: &Ctx, q: &HashMap<String, String>) -> Lang {
    q.get("lang")
        .and_then(|l| Lang::parse(l))
        .unwrap_or(if ctx.lang == Lang::Sv {
            Lang::Sv
        } else {
            Lang::Fi
        })
}

#[derive(Template)]
#[template(path = "need_decision.html")]
struct NeedDecisionPage {
    p: Page,
    d: Tr,
    doc_lang: &'static str,
    id: String,
    purchaser: String,
    client: String,
    code: String,
    service: String,
    provider: Option<String>,
    hours: u32,
    granted: bool,
    text: String,
    decided_by: String,
    decided_on: String,
}

pub async fn need_decision(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let v = match app.service.need_view(&actor, id).await {
        Ok(v) => v,
        Err(e) => return render::service_error(&ctx, e),
    };
    if !matches!(v.need.status, NeedStatus::Decided | NeedStatus::Closed) {
        return render::service_error(&ctx, ServiceError::NotFound);
    }
    let lang = doc_lang(&ctx, &q);
    let d = Tr::new(lang);
    let t = ctx.tr();
    render(&NeedDecisionPage {
        p: Page::new(&ctx, t.t("need-decision-title")),
        doc_lang: lang.code(),
        id: id.to_string(),
        purchaser: v.purchaser,
        client: v.client.name(),
        code: v.client.masked_code.clone(),
        service: v.lot.title.get(lang).0.to_owned(),
        provider: v.provider,
        hours: v.need.hours_per_week,
        granted: v.need.status == NeedStatus::Decided,
        text: v.need.decision_text.clone(),
        decided_by: v.need.decided_by.clone().unwrap_or_default(),
        decided_on: v.need.decided_on.map(|x| d.date(x)).unwrap_or_default(),
        d,
    })
}

#[derive(Template)]
#[template(path = "commitment_document.html")]
struct CommitmentDocumentPage {
    p: Page,
    d: Tr,
    doc_lang: &'static str,
    id: String,
    number: String,
    version: u32,
    status: String,
    purchaser: String,
    provider: String,
    unit: String,
    service: String,
    client: Option<(String, String)>,
    quantity: String,
    period: String,
    max_total: String,
    cost_centre: String,
    answer_by: String,
    metadata: Vec<(String, String)>,
}

pub async fn commitment_document(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let v = match app.service.commitment_view(&actor, id).await {
        Ok(v) => v,
        Err(e) => return render::service_error(&ctx, e),
    };
    let lang = doc_lang(&ctx, &q);
    let d = Tr::new(lang);
    let t = ctx.tr();
    let c = &v.commitment;
    render(&CommitmentDocumentPage {
        p: Page::new(&ctx, t.t("commitment-document-title")),
        doc_lang: lang.code(),
        id: id.to_string(),
        number: c.number.clone(),
        version: c.version,
        status: d.t(&format!("commitment-status-{}", c.status.code())),
        purchaser: v.purchaser.clone(),
        provider: v.provider.clone(),
        unit: v.unit.clone(),
        service: v.lot.title.get(lang).0.to_owned(),
        client: v.client.clone(),
        quantity: d.ta(
            "commitment-quantity",
            &[
                ("hours", Arg::N(i64::from(c.quantity_per_week))),
                ("price", Arg::S(c.unit_price.format(lang))),
            ],
        ),
        period: format!("{} – {}", d.date(c.starts_on), d.date(c.ends_on)),
        max_total: c.max_total.format(lang),
        cost_centre: c.cost_centre.clone(),
        answer_by: d.date(c.answer_by),
        metadata: crate::pages::delivery::metadata_rows(&d, &v.metadata),
        d,
    })
}

pub async fn change_commitment(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    let form = d.read::<service::commitment::ChangeForm>();
    match app.service.change_commitment(&actor, id, &form).await {
        Ok(_) => done("/commitments".into()),
        Err(ServiceError::Invalid(e)) => {
            let t = ctx.tr();
            let list = app.service.commitments(&actor).await.unwrap_or_default();
            let names = app.service.organisation_names().await.unwrap_or_default();
            let mut p = Page::new(&ctx, t.t("commitments-title"));
            p.title = t.t1("title-with-errors", "title", &p.title);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &CommitmentsPage {
                    p,
                    rows: commitment_rows(&t, &list, &names, false),
                    provider_side: false,
                    errors: e.0.iter().map(|x| t.error(&x.code)).collect(),
                },
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn save_group(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    let g = service::steering_group::SteeringGroup {
        name: d.get("name"),
        weekday: d.get("weekday").parse().unwrap_or(0),
        time: d.get("time"),
        chair: d.get("chair"),
        members: d
            .get("members")
            .split([',', '\n'])
            .map(str::to_owned)
            .collect(),
    };
    match app.service.save_steering_group(&actor, &g).await {
        Ok(()) => done("/meeting".into()),
        Err(ServiceError::Invalid(e)) => {
            meeting_page(&app, &ctx, None, Some((uuid::Uuid::nil(), &e))).await
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn choose_winner(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    let day = meeting_date(&d);
    let Ok(application) = uuid::Uuid::parse_str(&d.get("application")) else {
        let e = FieldErrors::single("application", "required");
        return meeting_page(&app, &ctx, day, Some((id, &e))).await;
    };
    match app.service.choose_winner(&actor, id, application).await {
        Ok(()) => done(format!(
            "/meeting?date={}#need-{id}",
            day.map(|d| d.to_string()).unwrap_or_default()
        )),
        Err(ServiceError::Invalid(e)) => meeting_page(&app, &ctx, day, Some((id, &e))).await,
        Err(e) => render::service_error(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "competitions.html")]
struct CompetitionsPage {
    p: Page,
    rows: Vec<service::competition::AnonymousNeed>,
    dates: Vec<(String, String, String)>,
}

pub async fn competitions(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
) -> PageResult {
    let t = ctx.tr();
    let rows = app.service.competitions(&actor).await?;
    Ok(render(&CompetitionsPage {
        p: Page::new(&ctx, t.t("competitions-title")),
        dates: rows
            .iter()
            .map(|r| {
                (
                    t.date(r.requested_start),
                    r.answer_by.map(|d| t.date(d)).unwrap_or_default(),
                    r.offered.map(|d| t.date(d)).unwrap_or_default(),
                )
            })
            .collect(),
        rows,
    }))
}

pub async fn offer(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let d = FormData::parse(&body);
    match app
        .service
        .offer(&actor, id, &d.get("can_start"), &d.get("note"))
        .await
    {
        Ok(()) => done("/competitions".into()),
        Err(e) => render::service_error(&ctx, e),
    }
}
