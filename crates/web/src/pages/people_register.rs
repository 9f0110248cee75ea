//! The region's registers of people (seed 002): the list of registers the signed-in user may
//! read, a register with its stemmed search and, for its keepers, the form to add a person;
//! one entry; and a person's own entry by their personal code, to correct it or withdraw the
//! consent, without an account.

use super::done;
use crate::ctx::Ctx;
use crate::extract::{Id, PageResult, SignedIn};
use crate::forms::{attach_errors, Field, FormData, Opt, SummaryItem};
use crate::i18n::Tr;
use crate::render::{render_status, Page};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::register::{Entry, EntryField, EntryForm, Register, FAMILY_KINDS, LANGUAGES};
use domain::validate::FieldErrors;
use serde::Deserialize;
use service::register::EntryView;
use service::ServiceError;
use uuid::Uuid;

fn language_label(t: &Tr, code: &str) -> String {
    t.t(&format!("language-{code}"))
}

fn family_kind_label(t: &Tr, code: &str) -> String {
    if code.is_empty() {
        String::new()
    } else {
        t.t(&format!("register-family-{code}"))
    }
}

/// The register's definition as facts: controller, purpose, legal basis, consent, retention,
/// who may read it.
fn facts(t: &Tr, r: &Register) -> Vec<(String, String)> {
    vec![
        (t.t("register-controller"), r.controller_name.clone()),
        (t.t("register-purpose"), r.purpose.clone()),
        (t.t("register-legal-basis"), r.legal_basis.clone()),
        (
            t.t("register-consent"),
            t.t(if r.consent_required {
                "register-consent-required"
            } else {
                "register-consent-not-required"
            }),
        ),
        (
            t.t("register-retention"),
            t.t1("register-retention-years", "years", r.retention_years),
        ),
        (
            t.t("register-grants"),
            r.grants
                .iter()
                .map(|g| {
                    format!(
                        "{}: {}",
                        g.org_name,
                        g.roles
                            .iter()
                            .map(|role| t.t(&format!("role-{}", role.code())))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    ]
}

/// An entry as a table row or a fact list: the same texts on every page.
pub struct EntryRow {
    pub id: Uuid,
    pub name: String,
    pub languages: String,
    pub areas: String,
    /// The register's own fields with their labels, filled ones only.
    pub details: Vec<(String, String)>,
    pub consent: String,
    pub ended: String,
}

fn entry_row(t: &Tr, r: &Register, id: Uuid, e: &Entry) -> EntryRow {
    let details = r
        .kind
        .fields()
        .iter()
        .filter_map(|f| {
            let v = match f {
                EntryField::Profession => e.profession.clone(),
                EntryField::Organisation => e.organisation.clone(),
                EntryField::Expertise => e.expertise.clone(),
                EntryField::Qualification => e.qualification.clone(),
                EntryField::Email => e.email.clone(),
                EntryField::Phone => e.phone.clone(),
                EntryField::FamilyKind => family_kind_label(t, &e.family_kind),
                EntryField::Capacity => e.capacity.map(|c| c.to_string()).unwrap_or_default(),
            };
            (!v.is_empty()).then(|| (field_label(t, *f), v))
        })
        .collect();
    EntryRow {
        id,
        name: e.name.clone(),
        languages: e
            .languages
            .iter()
            .map(|l| language_label(t, l))
            .collect::<Vec<_>>()
            .join(", "),
        areas: e.areas.join(", "),
        details,
        consent: match &e.consent {
            Some(c) => match c.withdrawn_on {
                Some(w) => t.ta(
                    "register-consent-withdrawn-on",
                    &[
                        ("given", crate::i18n::Arg::S(t.date(c.given_on))),
                        ("withdrawn", crate::i18n::Arg::S(t.date(w))),
                    ],
                ),
                None => t.ta(
                    "register-consent-given-on",
                    &[
                        ("given", crate::i18n::Arg::S(t.date(c.given_on))),
                        ("document", crate::i18n::Arg::S(c.document.clone())),
                    ],
                ),
            },
            None => String::new(),
        },
        ended: match (e.ended_on, e.remove_after(r)) {
            (Some(end), Some(remove)) => t.ta(
                "register-entry-ended",
                &[
                    ("ended", crate::i18n::Arg::S(t.date(end))),
                    ("remove", crate::i18n::Arg::S(t.date(remove))),
                ],
            ),
            _ => String::new(),
        },
    }
}

fn field_label(t: &Tr, f: EntryField) -> String {
    t.t(&format!("field-register-{}", f.code().replace('_', "-")))
}

/// The entry form's fields for `r`, filled with `f`; the consent fields only where the
/// register rests on consent and none is on record yet.
fn entry_fields(t: &Tr, r: &Register, f: &EntryForm, with_consent: bool) -> Vec<Field> {
    let mut out = vec![Field::new(t, "name", "text", &f.name).required()];
    let mut langs = Field::named(
        "languages".into(),
        t.t("field-register-languages"),
        "checkboxes",
        "",
    )
    .required();
    langs.options = LANGUAGES
        .iter()
        .map(|l| Opt {
            value: (*l).into(),
            label: language_label(t, l),
            selected: f.languages.iter().any(|x| x == l),
        })
        .collect();
    out.push(langs);
    out.push(
        Field::named(
            "areas".into(),
            t.t("field-register-areas"),
            "text",
            &f.areas,
        )
        .required()
        .hint(t, "hint-register-areas"),
    );
    for field in r.kind.fields() {
        let (value, kind) = match field {
            EntryField::Profession => (f.profession.as_str(), "text"),
            EntryField::Organisation => (f.organisation.as_str(), "text"),
            EntryField::Expertise => (f.expertise.as_str(), "textarea"),
            EntryField::Qualification => (f.qualification.as_str(), "text"),
            EntryField::Email => (f.email.as_str(), "email"),
            EntryField::Phone => (f.phone.as_str(), "tel"),
            EntryField::FamilyKind => (f.family_kind.as_str(), "select"),
            EntryField::Capacity => (f.capacity.as_str(), "text"),
        };
        let mut x = Field::named(field.code().into(), field_label(t, *field), kind, value);
        if *field == EntryField::FamilyKind {
            x = x.required();
            x.options = FAMILY_KINDS
                .iter()
                .map(|k| Opt {
                    value: (*k).into(),
                    label: family_kind_label(t, k),
                    selected: f.family_kind == *k,
                })
                .collect();
        }
        if *field == EntryField::Capacity {
            x = x.required();
        }
        out.push(x);
    }
    if with_consent && r.consent_required {
        out.push(
            Field::named(
                "consent_given_on".into(),
                t.t("field-consent-given-on"),
                "date",
                &f.consent_given_on,
            )
            .required(),
        );
        out.push(
            Field::named(
                "consent_document".into(),
                t.t("field-consent-document"),
                "text",
                &f.consent_document,
            )
            .required()
            .hint(t, "hint-consent-document"),
        );
    }
    out
}

fn read_entry_form(d: &FormData) -> EntryForm {
    EntryForm {
        name: d.get("name"),
        languages: d
            .all_pairs()
            .into_iter()
            .filter(|(k, _)| k == "languages")
            .map(|(_, v)| v)
            .collect(),
        areas: d.get("areas"),
        profession: d.get("profession"),
        organisation: d.get("organisation"),
        expertise: d.get("expertise"),
        qualification: d.get("qualification"),
        email: d.get("email"),
        phone: d.get("phone"),
        family_kind: d.get("family_kind"),
        capacity: d.get("capacity"),
        consent_given_on: d.get("consent_given_on"),
        consent_document: d.get("consent_document"),
    }
}

// ---- the list --------------------------------------------------------------------------------

pub struct RegisterRow {
    pub id: Uuid,
    pub name: String,
    pub controller: String,
    pub active: usize,
    pub role: String,
}

#[derive(Template)]
#[template(path = "people_registers.html")]
struct ListPage {
    p: Page,
    rows: Vec<RegisterRow>,
}

pub async fn list(State(app): State<AppState>, SignedIn { ctx, actor }: SignedIn) -> PageResult {
    let t = ctx.tr();
    let rows = app
        .service
        .people_registers(&actor)
        .await?
        .into_iter()
        .map(|s| RegisterRow {
            id: s.id,
            name: s.register.name,
            controller: s.register.controller_name,
            active: s.active,
            role: t.t(if s.may_keep {
                "register-role-keeper"
            } else {
                "register-role-reader"
            }),
        })
        .collect();
    Ok(render_status(
        StatusCode::OK,
        &ListPage {
            p: Page::new(&ctx, t.t("registers-title")),
            rows,
        },
    ))
}

// ---- a register ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "people_register.html")]
struct RegisterPage {
    p: Page,
    id: Uuid,
    facts: Vec<(String, String)>,
    q: String,
    entries: Vec<EntryRow>,
    ended: Vec<EntryRow>,
    may_keep: bool,
    fields: Vec<Field>,
    summary: Vec<SummaryItem>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    pub q: String,
}

async fn register_page(
    app: &AppState,
    ctx: &Ctx,
    actor: &domain::org::Actor,
    id: Uuid,
    q: &str,
    typed: Option<(&EntryForm, &FieldErrors)>,
) -> PageResult {
    let t = ctx.tr();
    let v = app.service.people_register(actor, id, q).await?;
    let empty = EntryForm::default();
    let (f, e) = match typed {
        Some((f, e)) => (f, Some(e)),
        None => (&empty, None),
    };
    let mut fields = entry_fields(&t, &v.register, f, true);
    let summary = e
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    Ok(render_status(
        if e.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &RegisterPage {
            p: Page::with_errors(ctx, v.register.name.clone(), &summary),
            id,
            facts: facts(&t, &v.register),
            q: q.to_owned(),
            entries: v
                .entries
                .iter()
                .map(|d| entry_row(&t, &v.register, d.id, &d.data))
                .collect(),
            ended: v
                .ended
                .iter()
                .map(|d| entry_row(&t, &v.register, d.id, &d.data))
                .collect(),
            may_keep: v.may_keep,
            fields,
            summary,
        },
    ))
}

pub async fn show(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Query(q): Query<SearchQuery>,
) -> PageResult {
    register_page(&app, &ctx, &actor, id, &q.q, None).await
}

#[derive(Template)]
#[template(path = "register_code.html")]
struct CodePage {
    p: Page,
    name: String,
    code: String,
    back: String,
}

fn code_page(ctx: &Ctx, name: String, code: String, back: String) -> Response {
    let t = ctx.tr();
    render_status(
        StatusCode::OK,
        &CodePage {
            p: Page::new(ctx, t.t("register-code-title")),
            name,
            code,
            back,
        },
    )
}

pub async fn add_entry(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> PageResult {
    let d = FormData::parse(&body);
    let f = read_entry_form(&d);
    match app.service.add_register_entry(&actor, id, &f).await {
        Ok((entry, code)) => Ok(code_page(
            &ctx,
            f.name.trim().to_owned(),
            code,
            format!("/registers/entries/{entry}"),
        )),
        Err(ServiceError::Invalid(e)) => {
            register_page(&app, &ctx, &actor, id, "", Some((&f, &e))).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- an entry --------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "register_entry.html")]
struct EntryPage {
    p: Page,
    id: Uuid,
    register_id: Uuid,
    register_name: String,
    row: EntryRow,
    may_keep: bool,
    active: bool,
    fields: Vec<Field>,
    summary: Vec<SummaryItem>,
}

async fn entry_page(
    app: &AppState,
    ctx: &Ctx,
    actor: &domain::org::Actor,
    id: Uuid,
    typed: Option<(&EntryForm, &FieldErrors)>,
) -> PageResult {
    let t = ctx.tr();
    let v = app.service.register_entry(actor, id).await?;
    let stored = EntryForm::of(&v.entry.data);
    let (f, e) = match typed {
        Some((f, e)) => (f, Some(e)),
        None => (&stored, None),
    };
    let mut fields = entry_fields(&t, &v.register, f, false);
    let summary = e
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    Ok(render_status(
        if e.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &EntryPage {
            p: Page::with_errors(ctx, v.entry.data.name.clone(), &summary),
            id,
            register_id: v.register_id,
            register_name: v.register.name.clone(),
            row: entry_row(&t, &v.register, id, &v.entry.data),
            may_keep: v.may_keep,
            active: v.entry.data.active(),
            fields,
            summary,
        },
    ))
}

pub async fn entry(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> PageResult {
    entry_page(&app, &ctx, &actor, id, None).await
}

pub async fn update_entry(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> PageResult {
    let d = FormData::parse(&body);
    let f = read_entry_form(&d);
    match app.service.update_register_entry(&actor, id, &f).await {
        Ok(()) => Ok(done(format!("/registers/entries/{id}"))),
        Err(ServiceError::Invalid(e)) => entry_page(&app, &ctx, &actor, id, Some((&f, &e))).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn end_entry(
    State(app): State<AppState>,
    SignedIn { actor, .. }: SignedIn,
    Id(id): Id,
) -> PageResult {
    app.service.end_register_entry(&actor, id).await?;
    Ok(done(format!("/registers/entries/{id}")))
}

pub async fn new_code(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> PageResult {
    let code = app.service.new_register_code(&actor, id).await?;
    let v = app.service.register_entry(&actor, id).await?;
    Ok(code_page(
        &ctx,
        v.entry.data.name,
        code,
        format!("/registers/entries/{id}"),
    ))
}

// ---- the person's own entry ------------------------------------------------------------------

#[derive(Template)]
#[template(path = "my_register_entry.html")]
struct OwnPage {
    p: Page,
    code: String,
    code_error: Option<String>,
    /// Whose register this is, in a sentence.
    lead: String,
    row: Option<EntryRow>,
    fields: Vec<Field>,
    done: Option<String>,
    summary: Vec<SummaryItem>,
}

fn own_page(
    ctx: &Ctx,
    code: &str,
    v: Option<&EntryView>,
    typed: Option<&EntryForm>,
    errors: Option<&FieldErrors>,
    done: Option<String>,
) -> Response {
    let t = ctx.tr();
    let mut fields = match v {
        Some(v) if v.entry.data.active() => {
            let stored = EntryForm::of(&v.entry.data);
            entry_fields(&t, &v.register, typed.unwrap_or(&stored), false)
        }
        _ => Vec::new(),
    };
    let mut summary = errors
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    let code_error = errors.and_then(|e| e.get("code")).map(|c| t.error(c));
    if let Some(m) = &code_error {
        summary.retain(|s| s.href != "#main");
        summary.push(SummaryItem {
            href: "#f-code".into(),
            text: format!("{}: {m}", t.t("field-register-code")),
        });
    }
    render_status(
        if errors.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &OwnPage {
            p: Page::with_errors(ctx, t.t("register-own-title"), &summary),
            code: if v.is_some() {
                code.to_owned()
            } else {
                String::new()
            },
            code_error,
            lead: v
                .map(|v| {
                    t.ta(
                        "register-own-lead",
                        &[
                            ("register", crate::i18n::Arg::S(v.register.name.clone())),
                            (
                                "controller",
                                crate::i18n::Arg::S(v.register.controller_name.clone()),
                            ),
                        ],
                    )
                })
                .unwrap_or_default(),
            row: v.map(|v| entry_row(&t, &v.register, v.entry.id, &v.entry.data)),
            fields,
            done,
            summary,
        },
    )
}

pub async fn own_form(ctx: Ctx) -> Response {
    own_page(&ctx, "", None, None, None, None)
}

/// The code typed, the entry shown; then a correction or the consent withdrawn, each with the
/// code posted again (it is never put in an address).
pub async fn own_post(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> PageResult {
    let t = ctx.tr();
    let d = FormData::parse(&body);
    let code = d.get("code");
    match d.get("step").as_str() {
        "correct" => {
            let f = read_entry_form(&d);
            match app.service.correct_own_entry(&code, &ctx.client, &f).await {
                Ok(()) => {
                    let v = app.service.own_register_entry(&code, &ctx.client).await?;
                    Ok(own_page(
                        &ctx,
                        &code,
                        Some(&v),
                        None,
                        None,
                        Some(t.t("register-own-corrected")),
                    ))
                }
                Err(ServiceError::Invalid(e)) if e.get("code").is_none() => {
                    let v = app.service.own_register_entry(&code, &ctx.client).await?;
                    Ok(own_page(&ctx, &code, Some(&v), Some(&f), Some(&e), None))
                }
                Err(ServiceError::Invalid(e)) => Ok(own_page(&ctx, "", None, None, Some(&e), None)),
                Err(e) => Err(e.into()),
            }
        }
        "withdraw" => match app.service.withdraw_own_consent(&code, &ctx.client).await {
            Ok(()) => Ok(own_page(
                &ctx,
                "",
                None,
                None,
                None,
                Some(t.t("register-own-withdrawn")),
            )),
            Err(ServiceError::Invalid(e)) => Ok(own_page(&ctx, "", None, None, Some(&e), None)),
            Err(e) => Err(e.into()),
        },
        _ => match app.service.own_register_entry(&code, &ctx.client).await {
            Ok(v) => Ok(own_page(&ctx, &code, Some(&v), None, None, None)),
            Err(ServiceError::Invalid(e)) => Ok(own_page(&ctx, "", None, None, Some(&e), None)),
            Err(e) => Err(e.into()),
        },
    }
}
