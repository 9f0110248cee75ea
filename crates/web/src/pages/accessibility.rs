//! The accessibility statement (Act on the Provision of Digital Services 306/2019, 15 §): how
//! far the service meets WCAG 2.1 AA, how that was checked, what is known not to, and where
//! feedback goes with its two-week answer. Public, since a barrier may stop someone before
//! they can sign in.

use crate::ctx::Ctx;
use crate::i18n::Arg;
use crate::render::{render, Page};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;

#[derive(Template)]
#[template(path = "accessibility.html")]
struct StatementPage {
    p: Page,
    contact: String,
    gaps: Vec<String>,
}

pub async fn statement(State(app): State<AppState>, ctx: Ctx) -> Response {
    let t = ctx.tr();
    let configured = app
        .service
        .settings()
        .accessibility_contact
        .trim()
        .to_owned();
    let contact = if configured.is_empty() {
        t.t("accessibility-contact-admin")
    } else {
        t.ta(
            "accessibility-contact-at",
            &[("contact", Arg::S(configured))],
        )
    };
    let gaps = [
        "accessibility-gap-pdf",
        "accessibility-gap-attachments",
        "accessibility-gap-manual",
    ]
    .iter()
    .map(|k| t.t(k))
    .collect();
    render(&StatementPage {
        p: Page::new(&ctx, t.t("accessibility-title")),
        contact,
        gaps,
    })
}
