//! The pages people use. Each handler resolves its context, calls one use case and renders.

/// Unwraps a page step or returns the response it carries (a sign-in redirect, an error page).
macro_rules! try_page {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(r) => return r,
        }
    };
}

pub mod accessibility;
pub mod admin;
pub mod agreement;
pub mod agreement_payment;
pub mod api_key;
pub mod application;
pub mod audit;
pub mod auth;
pub mod clients;
pub mod correction;
pub mod cost_sharing;
pub mod delivery;
pub mod exceptional;
pub mod invoice;
pub mod log_request;
pub mod meeting;
pub mod notice;
pub mod people_register;
pub mod processing;
pub mod procurement;
pub mod provider;
pub mod registration;
pub mod scorecard;
pub mod supervision;

use crate::ctx::Ctx;
use crate::forms::{attach_errors, Field, SummaryItem};
use crate::i18n::Tr;
use crate::render::render_status;
use crate::render::{self, render, Page};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::response::{IntoResponse, Redirect};
use domain::org::{Actor, Organisation, Role, ServiceUnit, User};
use domain::validate::FieldErrors;
use service::ServiceError;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "form.html")]
pub(crate) struct FormPage {
    pub(crate) p: Page,
    pub(crate) lead: Option<String>,
    pub(crate) action: String,
    pub(crate) submit: String,
    pub(crate) cancel: String,
    pub(crate) fields: Vec<Field>,
    pub(crate) summary: Vec<SummaryItem>,
}

/// The signed-in actor, or the response that sends the person to sign in.
pub(crate) fn actor(ctx: &Ctx) -> Result<Actor, Response> {
    ctx.actor()
        .cloned()
        .ok_or_else(|| render::redirect_to_login(&ctx.path))
}

pub(crate) fn parse_id(ctx: &Ctx, id: &str) -> Result<Uuid, Response> {
    Uuid::parse_str(id).map_err(|_| render::service_error(ctx, ServiceError::NotFound))
}

/// A form page, with errors attached when the use case refused the input.
#[allow(clippy::too_many_arguments)]
pub(crate) fn form_page(
    ctx: &Ctx,
    title: String,
    action: String,
    submit_key: &str,
    cancel: String,
    mut fields: Vec<Field>,
    errs: Option<&FieldErrors>,
) -> Response {
    let t = ctx.tr();
    let summary = errs
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    let mut p = Page::new(ctx, title);
    if !summary.is_empty() {
        p.title = t.t1("title-with-errors", "title", &p.title);
    }
    let page = FormPage {
        p,
        lead: None,
        action,
        submit: t.t(submit_key),
        cancel,
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

pub(crate) fn done(path: String) -> Response {
    Redirect::to(&path).into_response()
}

/// An organisation as a table row.
pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub business_id: String,
    pub city: String,
    pub address: String,
    pub email: String,
    pub phone: String,
    pub status: String,
    pub active: bool,
}

impl OrgRow {
    pub fn new(t: &Tr, o: &Organisation) -> Self {
        OrgRow {
            id: o.id.to_string(),
            name: o.name.clone(),
            kind: t.t(&format!("org-kind-{}", o.kind.code())),
            business_id: o.business_id.to_string(),
            city: o.city.clone(),
            address: format!("{}, {} {}", o.street_address, o.postal_code, o.city),
            email: o.email.clone(),
            phone: o.phone.clone(),
            status: status(t, o.active),
            active: o.active,
        }
    }
}

pub struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub roles: Vec<String>,
    pub status: String,
    pub active: bool,
}

impl UserRow {
    pub fn new(t: &Tr, u: &User) -> Self {
        UserRow {
            id: u.id.to_string(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            email: u.email.clone(),
            roles: u.roles.iter().map(|r| role_name(t, *r)).collect(),
            status: status(t, u.active),
            active: u.active,
        }
    }
}

pub struct UnitRow {
    pub id: String,
    pub name: String,
    pub address: String,
    pub municipality: String,
    pub soteri_number: String,
    pub oid: String,
    pub languages: String,
    pub served: String,
    pub capacity: String,
    pub status: String,
    pub active: bool,
}

impl UnitRow {
    pub fn new(t: &Tr, u: &ServiceUnit) -> Self {
        UnitRow {
            id: u.id.to_string(),
            name: u.name.clone(),
            address: format!("{}, {} {}", u.street_address, u.postal_code, u.city),
            municipality: u.municipality.clone(),
            soteri_number: match u.soteri_registered {
                Some(d) if !u.soteri_number.is_empty() => {
                    format!("{} ({})", u.soteri_number, t.date(d))
                }
                _ => u.soteri_number.clone(),
            },
            oid: u.oid.clone(),
            languages: u
                .languages
                .iter()
                .map(|l| t.t(&format!("language-{}", l.code())))
                .collect::<Vec<_>>()
                .join(", "),
            served: u.served_municipalities.join(", "),
            capacity: match (u.free_capacity, u.capacity) {
                (Some(f), Some(c)) => format!("{f} / {c}"),
                (Some(f), None) => f.to_string(),
                (None, Some(c)) => format!("– / {c}"),
                (None, None) => String::new(),
            },
            status: status(t, u.active),
            active: u.active,
        }
    }
}

pub fn role_name(t: &Tr, r: Role) -> String {
    t.t(&format!("role-{}", r.code()))
}

pub fn status(t: &Tr, active: bool) -> String {
    t.t(if active {
        "status-active"
    } else {
        "status-inactive"
    })
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    evidence_warnings: Vec<String>,
    report_reminders: Vec<(String, String)>,
    p: Page,
    greeting: String,
    org: OrgRow,
    roles: Vec<String>,
    users: Option<Vec<UserRow>>,
    units: Vec<UnitRow>,
    audit: Option<Vec<audit::AuditRow>>,
    orgs: Vec<OrgRow>,
    can_create_org: bool,
}

/// The home page shows each role what it works with: administrators their users and the
/// organisation register, auditors the latest access-log entries, providers their units.
pub async fn home(State(app): State<AppState>, ctx: Ctx) -> Response {
    let Some(actor) = ctx.actor().cloned() else {
        return render::redirect_to_login("/");
    };
    // A family's account has one thing to do here: its visits.
    if actor.has(Role::ClientOrGuardian) {
        return done("/my/visits".into());
    }
    let t = ctx.tr();
    let view = match app.service.organisation(&actor, actor.org_id).await {
        Ok(v) => v,
        Err(e) => return render::service_error(&ctx, e),
    };
    let orgs = if actor.is_org_admin() {
        match app.service.organisations(&actor).await {
            Ok(list) => list.iter().map(|o| OrgRow::new(&t, o)).collect(),
            Err(e) => return render::service_error(&ctx, e),
        }
    } else {
        Vec::new()
    };
    let audit = if actor.has(Role::Auditor) {
        let q = service::audit::AuditQuery {
            limit: 20,
            ..Default::default()
        };
        match app.service.audit_search(&actor, &q).await {
            Ok(entries) => Some(audit::rows(&app, &t, &entries).await),
            Err(e) => return render::service_error(&ctx, e),
        }
    } else {
        None
    };
    // Certificates running out, so that the provider renews them before purchasers see a gap.
    let evidence_warnings = match app.service.evidence_warnings(&actor).await {
        Ok(rows) => rows
            .iter()
            .map(|r| {
                let (_, state) = provider::evidence_state(&t, r.validity);
                format!(
                    "{}: {}",
                    crate::describe::evidence_kind(&t, r.evidence.kind),
                    state
                )
            })
            .collect(),
        Err(e) => return render::service_error(&ctx, e),
    };
    // Monthly reports due within a week or overdue: the provider is reminded before and after.
    let report_reminders = match app.service.report_reminders(&actor).await {
        Ok(list) => list
            .iter()
            .map(|r| {
                let (key, days) = match r.reminder {
                    domain::delivery::Reminder::DueSoon { days } => ("report-reminder-due", days),
                    domain::delivery::Reminder::Overdue { days } => {
                        ("report-reminder-overdue", days)
                    }
                };
                (
                    format!(
                        "/commitments/{}/reports/{}",
                        r.commitment_number,
                        r.month.format("%Y-%m")
                    ),
                    t.ta(
                        key,
                        &[
                            ("number", crate::i18n::Arg::S(r.commitment_number.clone())),
                            (
                                "month",
                                crate::i18n::Arg::S(r.month.format("%-m/%Y").to_string()),
                            ),
                            ("deadline", crate::i18n::Arg::S(t.date(r.deadline))),
                            ("days", crate::i18n::Arg::N(days)),
                        ],
                    ),
                )
            })
            .collect(),
        Err(e) => return render::service_error(&ctx, e),
    };
    let page = HomePage {
        evidence_warnings,
        report_reminders,
        p: Page::new(&ctx, t.t("home-title")),
        greeting: t.t1("home-greeting", "name", &actor.display_name),
        org: OrgRow::new(&t, &view.organisation),
        roles: actor.roles.iter().map(|r| role_name(&t, *r)).collect(),
        users: view
            .users
            .map(|us| us.iter().map(|u| UserRow::new(&t, u)).collect()),
        units: view.units.iter().map(|u| UnitRow::new(&t, u)).collect(),
        audit,
        orgs,
        can_create_org: ctx.caps.create_organisation,
    };
    render(&page)
}
