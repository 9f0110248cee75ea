//! The pages people use. Each handler resolves its context, calls one use case and renders.

pub mod admin;
pub mod audit;
pub mod auth;

use crate::ctx::Ctx;
use crate::i18n::Tr;
use crate::render::{self, render, Page};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::access::{decide, Action, Resource};
use domain::org::{Organisation, Role, ServiceUnit, User};

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
            soteri_number: u.soteri_number.clone(),
            oid: u.oid.clone(),
            languages: u
                .languages
                .iter()
                .map(|l| t.t(&format!("language-{}", l.code())))
                .collect::<Vec<_>>()
                .join(", "),
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
    let page = HomePage {
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
        can_create_org: decide(&actor, Action::Create, Resource::Organisations).is_ok(),
    };
    render(&page)
}
