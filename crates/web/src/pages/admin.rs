//! Organisations, service units and users: the administration screens.

use super::{done, form_page, role_name, status, OrgRow, UnitRow, UserRow};
use crate::ctx::Ctx;
use crate::extract::{Form, Id, PageResult, SignedIn};
use crate::forms::{self, FormData};
use crate::render::{self, render, Page};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::access::{Action, Resource};
use domain::audit::RecordKind;
use domain::org::{Actor, OrgKind, OrganisationForm, ServiceUnitForm, UserForm};
use service::ServiceError;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "organisations.html")]
struct OrganisationsPage {
    p: Page,
    orgs: Vec<OrgRow>,
    can_create_org: bool,
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    p: Page,
    notice: Option<String>,
    org: OrgRow,
    can_edit: bool,
    show_units: bool,
    can_edit_units: bool,
    units: Vec<UnitRow>,
    users: Option<Vec<UserRow>>,
}

pub struct HistoryRow {
    at: String,
    role: String,
    change: String,
    by: String,
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    p: Page,
    notice: Option<String>,
    user: UserRow,
    org_id: String,
    org_name: String,
    language: String,
    can_edit: bool,
    is_self: bool,
    history: Vec<HistoryRow>,
}

// ---- organisations ----------------------------------------------------------------------

pub async fn organisations(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
) -> PageResult {
    let t = ctx.tr();
    let list = app.service.organisations(&actor).await?;
    Ok(render(&OrganisationsPage {
        p: Page::new(&ctx, t.t("organisations-title")),
        orgs: list.iter().map(|o| OrgRow::new(&t, o)).collect(),
        can_create_org: ctx.caps.create_organisation,
    }))
}

pub async fn new_organisation(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
) -> Response {
    if let Err(e) = app
        .service
        .permit(
            &actor,
            Action::Create,
            Resource::Organisations,
            RecordKind::Organisation,
            None,
        )
        .await
    {
        return render::service_error(&ctx, e);
    }
    let t = ctx.tr();
    form_page(
        &ctx,
        t.t("organisation-new-title"),
        "/organisations".into(),
        "action-create",
        "/organisations".into(),
        forms::organisation_fields(&t, &OrganisationForm::default(), true),
        None,
    )
}

pub async fn create_organisation(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Form(form): Form<OrganisationForm>,
) -> Response {
    match app.service.create_organisation(&actor, &form).await {
        Ok(id) => done(format!("/organisations/{id}")),
        Err(ServiceError::Invalid(errs)) => {
            let t = ctx.tr();
            form_page(
                &ctx,
                t.t("organisation-new-title"),
                "/organisations".into(),
                "action-create",
                "/organisations".into(),
                forms::organisation_fields(&t, &form, true),
                Some(&errs),
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn organisation(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> Response {
    let t = ctx.tr();
    let view = match app.service.organisation(&actor, id).await {
        Ok(v) => v,
        Err(e) => return render::service_error(&ctx, e),
    };
    let o = &view.organisation;
    render(&OrganisationPage {
        p: Page::new(&ctx, o.name.clone()),
        notice: None,
        org: OrgRow::new(&t, o),
        can_edit: view.may_update,
        show_units: view.may_list_units,
        can_edit_units: view.may_create_units,
        units: view.units.iter().map(|u| UnitRow::new(&t, u)).collect(),
        users: view
            .users
            .map(|us| us.iter().map(|u| UserRow::new(&t, u)).collect()),
    })
}

pub async fn edit_organisation(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> Response {
    if let Err(e) = app
        .service
        .permit(
            &actor,
            Action::Update,
            Resource::Organisation { org_id: id },
            RecordKind::Organisation,
            Some(id),
        )
        .await
    {
        return render::service_error(&ctx, e);
    }
    let view = match app.service.organisation(&actor, id).await {
        Ok(v) => v,
        Err(e) => return render::service_error(&ctx, e),
    };
    let t = ctx.tr();
    form_page(
        &ctx,
        t.t1("organisation-edit-title", "name", &view.organisation.name),
        format!("/organisations/{id}"),
        "action-save",
        format!("/organisations/{id}"),
        forms::organisation_fields(&t, &OrganisationForm::from(&view.organisation), false),
        None,
    )
}

pub async fn update_organisation(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Form(form): Form<OrganisationForm>,
) -> Response {
    match app.service.update_organisation(&actor, id, &form).await {
        Ok(()) => done(format!("/organisations/{id}")),
        Err(ServiceError::Invalid(errs)) => {
            let t = ctx.tr();
            form_page(
                &ctx,
                t.t1("organisation-edit-title", "name", &form.name),
                format!("/organisations/{id}"),
                "action-save",
                format!("/organisations/{id}"),
                forms::organisation_fields(&t, &form, false),
                Some(&errs),
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

fn active_flag(body: &[u8]) -> bool {
    FormData::parse(body).get("active") == "true"
}

pub async fn set_organisation_active(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    match app
        .service
        .set_organisation_active(&actor, id, active_flag(&body))
        .await
    {
        Ok(()) => done(format!("/organisations/{id}")),
        Err(e) => render::service_error(&ctx, e),
    }
}

// ---- service units ----------------------------------------------------------------------

pub async fn new_unit(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> Response {
    let view = match app.service.organisation(&actor, id).await {
        Ok(v) => v,
        Err(e) => return render::service_error(&ctx, e),
    };
    let res = Resource::ServiceUnits {
        org_id: id,
        org_kind: view.organisation.kind,
    };
    if let Err(e) = app
        .service
        .permit(&actor, Action::Create, res, RecordKind::ServiceUnit, None)
        .await
    {
        return render::service_error(&ctx, e);
    }
    let t = ctx.tr();
    form_page(
        &ctx,
        t.t1("unit-new-title", "name", &view.organisation.name),
        format!("/organisations/{id}/units"),
        "action-create",
        format!("/organisations/{id}"),
        forms::unit_fields(&t, &ServiceUnitForm::default()),
        None,
    )
}

pub async fn create_unit(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Form(form): Form<ServiceUnitForm>,
) -> Response {
    match app.service.create_service_unit(&actor, id, &form).await {
        Ok(_) => done(format!("/organisations/{id}")),
        Err(ServiceError::Invalid(errs)) => {
            let t = ctx.tr();
            form_page(
                &ctx,
                t.t1("unit-new-title", "name", ""),
                format!("/organisations/{id}/units"),
                "action-create",
                format!("/organisations/{id}"),
                forms::unit_fields(&t, &form),
                Some(&errs),
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn edit_unit(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> Response {
    let (unit, org) = match app.service.service_unit(&actor, id).await {
        Ok(v) => v,
        Err(e) => return render::service_error(&ctx, e),
    };
    let res = Resource::ServiceUnit {
        org_id: org.id,
        org_kind: org.kind,
    };
    if let Err(e) = app
        .service
        .permit(
            &actor,
            Action::Update,
            res,
            RecordKind::ServiceUnit,
            Some(id),
        )
        .await
    {
        return render::service_error(&ctx, e);
    }
    let t = ctx.tr();
    form_page(
        &ctx,
        t.t1("unit-edit-title", "name", &unit.name),
        format!("/units/{id}"),
        "action-save",
        format!("/organisations/{}", org.id),
        forms::unit_fields(&t, &ServiceUnitForm::from(&unit)),
        None,
    )
}

pub async fn update_unit(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Form(form): Form<ServiceUnitForm>,
) -> Response {
    match app.service.update_service_unit(&actor, id, &form).await {
        Ok(()) => match app.service.service_unit(&actor, id).await {
            Ok((_, org)) => done(format!("/organisations/{}", org.id)),
            Err(e) => render::service_error(&ctx, e),
        },
        Err(ServiceError::Invalid(errs)) => {
            let t = ctx.tr();
            form_page(
                &ctx,
                t.t1("unit-edit-title", "name", &form.name),
                format!("/units/{id}"),
                "action-save",
                "/".into(),
                forms::unit_fields(&t, &form),
                Some(&errs),
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn set_unit_active(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    match app
        .service
        .set_service_unit_active(&actor, id, active_flag(&body))
        .await
    {
        Ok(()) => match app.service.service_unit(&actor, id).await {
            Ok((_, org)) => done(format!("/organisations/{}", org.id)),
            Err(e) => render::service_error(&ctx, e),
        },
        Err(e) => render::service_error(&ctx, e),
    }
}

// ---- users ------------------------------------------------------------------------------

async fn org_kind(
    app: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    org_id: Uuid,
) -> Result<(OrgKind, String), Response> {
    match app.service.organisation(actor, org_id).await {
        Ok(v) => Ok((v.organisation.kind, v.organisation.name)),
        Err(e) => Err(render::service_error(ctx, e)),
    }
}

pub async fn new_user(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> Response {
    if let Err(e) = app
        .service
        .permit(
            &actor,
            Action::Create,
            Resource::Users { org_id: id },
            RecordKind::User,
            None,
        )
        .await
    {
        return render::service_error(&ctx, e);
    }
    let (kind, name) = try_page!(org_kind(&app, &ctx, &actor, id).await);
    let units = app
        .service
        .unit_choices(&actor, id)
        .await
        .unwrap_or_default();
    let t = ctx.tr();
    let form = UserForm {
        language: ctx.lang.code().into(),
        ..Default::default()
    };
    form_page(
        &ctx,
        t.t1("user-new-title", "name", &name),
        format!("/organisations/{id}/users"),
        "action-create",
        format!("/organisations/{id}"),
        forms::user_fields(&t, &form, kind, true, &units),
        None,
    )
}

pub async fn create_user(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Form(form): Form<UserForm>,
) -> Response {
    match app.service.create_user(&actor, id, &form).await {
        Ok(uid) => done(format!("/users/{uid}")),
        Err(ServiceError::Invalid(errs)) => {
            let (kind, name) = try_page!(org_kind(&app, &ctx, &actor, id).await);
            let t = ctx.tr();
            form_page(
                &ctx,
                t.t1("user-new-title", "name", &name),
                format!("/organisations/{id}/users"),
                "action-create",
                format!("/organisations/{id}"),
                forms::user_fields(
                    &t,
                    &form,
                    kind,
                    true,
                    &app.service
                        .unit_choices(&actor, id)
                        .await
                        .unwrap_or_default(),
                ),
                Some(&errs),
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn user(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> Response {
    let t = ctx.tr();
    let view = match app.service.user(&actor, id).await {
        Ok(v) => v,
        Err(e) => return render::service_error(&ctx, e),
    };
    let u = &view.user;
    let history = view
        .history
        .iter()
        .map(|h| HistoryRow {
            at: t.datetime(h.changed_at),
            role: role_name(&t, h.role),
            change: t.t(if h.granted {
                "role-granted"
            } else {
                "role-revoked"
            }),
            by: h
                .changed_by_name
                .clone()
                .unwrap_or_else(|| t.t("actor-system")),
        })
        .collect();
    let _ = status;
    render(&UserPage {
        p: Page::new(&ctx, u.display_name.clone()),
        notice: None,
        user: UserRow::new(&t, u),
        org_id: view.organisation.id.to_string(),
        org_name: view.organisation.name.clone(),
        language: t.t(&format!("language-{}", u.language.code())),
        can_edit: view.may_update,
        is_self: u.id == actor.user_id,
        history,
    })
}

pub async fn edit_user(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> Response {
    let view = match app.service.user(&actor, id).await {
        Ok(v) => v,
        Err(e) => return render::service_error(&ctx, e),
    };
    if !view.may_update {
        let res = Resource::User {
            org_id: view.user.organisation_id,
            user_id: id,
            family_account: view.user.person_id.is_some(),
        };
        // Refused; through the gate, so that the refusal is logged.
        let e = app
            .service
            .permit(&actor, Action::Update, res, RecordKind::User, Some(id))
            .await
            .err()
            .unwrap_or(ServiceError::Denied(domain::access::Denial::MissingRole));
        return render::service_error(&ctx, e);
    }
    let t = ctx.tr();
    form_page(
        &ctx,
        t.t1("user-edit-title", "name", &view.user.display_name),
        format!("/users/{id}"),
        "action-save",
        format!("/users/{id}"),
        forms::user_fields(
            &t,
            &UserForm::from(&view.user),
            view.organisation.kind,
            false,
            &app.service
                .unit_choices(&actor, view.organisation.id)
                .await
                .unwrap_or_default(),
        ),
        None,
    )
}

pub async fn update_user(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Form(form): Form<UserForm>,
) -> Response {
    match app.service.update_user(&actor, id, &form).await {
        Ok(()) => done(format!("/users/{id}")),
        Err(ServiceError::Invalid(errs)) => {
            let view = match app.service.user(&actor, id).await {
                Ok(v) => v,
                Err(e) => return render::service_error(&ctx, e),
            };
            let t = ctx.tr();
            form_page(
                &ctx,
                t.t1("user-edit-title", "name", &view.user.display_name),
                format!("/users/{id}"),
                "action-save",
                format!("/users/{id}"),
                forms::user_fields(
                    &t,
                    &form,
                    view.organisation.kind,
                    false,
                    &app.service
                        .unit_choices(&actor, view.organisation.id)
                        .await
                        .unwrap_or_default(),
                ),
                Some(&errs),
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn set_user_active(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    match app
        .service
        .set_user_active(&actor, id, active_flag(&body))
        .await
    {
        Ok(()) => done(format!("/users/{id}")),
        Err(ServiceError::Invalid(errs)) => render::error_page(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "title-error",
            errs.0
                .iter()
                .map(|e| ctx.tr().error(&e.code))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Err(e) => render::service_error(&ctx, e),
    }
}
