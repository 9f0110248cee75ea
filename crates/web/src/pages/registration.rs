//! A provider registers itself: the organisation with its business ID, and its first user.

use super::form_page;
use crate::ctx::Ctx;
use crate::forms::{self, Field, FormData, Opt};
use crate::i18n::Tr;
use crate::render;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::org::{OrgKind, OrganisationForm, UserForm};
use service::ServiceError;

use crate::AppState;

fn fields(t: &Tr, o: &OrganisationForm, u: &UserForm) -> Vec<Field> {
    let mut v = forms::organisation_fields(t, o, true);
    // Only providers register themselves; purchasers are set up by the operator.
    if let Some(kind) = v.first_mut() {
        kind.options = [OrgKind::Company, OrgKind::Ngo]
            .into_iter()
            .map(|k| Opt {
                value: k.code().into(),
                label: t.t(&format!("org-kind-{}", k.code())),
                selected: o.kind == k.code(),
            })
            .collect();
    }
    v.extend([
        Field::new(t, "user_display_name", "text", &u.display_name)
            .required()
            .autocomplete("name"),
        Field::new(t, "user_username", "text", &u.username)
            .required()
            .autocomplete("username")
            .hint(t, "hint-username"),
        Field::new(t, "user_email", "email", &u.email).autocomplete("email"),
        Field::new(t, "user_language", "select", &u.language)
            .required()
            .options(forms::language_options(
                t,
                std::slice::from_ref(&u.language),
            )),
        Field::new(t, "user_password", "password", "")
            .required()
            .autocomplete("new-password")
            .hint(t, "hint-password"),
    ]);
    v
}

/// The organisation's fields are the organisation form's own; the first user's are prefixed
/// `user_` on the same page.
fn parse(body: &[u8]) -> (OrganisationForm, UserForm) {
    let o: OrganisationForm = serde_html_form::from_bytes(body).unwrap_or_default();
    let d = FormData::parse(body);
    let u = UserForm {
        username: d.get("user_username"),
        display_name: d.get("user_display_name"),
        email: d.get("user_email"),
        language: d.get("user_language"),
        roles: vec!["provider_signatory".into()],
        password: d.get("user_password"),
        team: String::new(),
        unit: String::new(),
    };
    (o, u)
}

pub async fn join(ctx: Ctx) -> Response {
    if ctx.actor().is_some() {
        return Redirect::to("/").into_response();
    }
    let t = ctx.tr();
    let u = UserForm {
        language: ctx.lang.code().into(),
        ..UserForm::default()
    };
    form_page(
        &ctx,
        t.t("join-title"),
        "/join".into(),
        "action-register",
        "/login".into(),
        fields(&t, &OrganisationForm::default(), &u),
        None,
    )
}

pub async fn register(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let (o, u) = parse(&body);
    match app.service.register_provider(&o, &u).await {
        Ok(_) => Redirect::to("/login?registered=1").into_response(),
        Err(ServiceError::Invalid(errs)) => {
            let t = ctx.tr();
            form_page(
                &ctx,
                t.t("join-title"),
                "/join".into(),
                "action-register",
                "/login".into(),
                fields(&t, &o, &u),
                Some(&errs),
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}
