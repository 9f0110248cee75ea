//! Procurement notices: the upload screen that turns a notice into a procurement, and a readable
//! page for any notice in fi, sv and en with the eForms SDK's labels.

use super::{actor, parse_id};
use crate::ctx::Ctx;
use crate::render::{self, render, render_status, Page};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::{Action, Resource};
use domain::codes::{cpv, notice_label, nuts};
use domain::locale::Lang;
use notice::{Notice, Reading};
use service::ServiceError;

pub struct Line {
    label: String,
    value: String,
    lang: &'static str,
}

pub struct LotView {
    heading: String,
    lines: Vec<Line>,
    description: Vec<String>,
    /// The lot's further information (BT-300), as paragraphs.
    additional_info: Vec<String>,
    lang: &'static str,
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    p: Page,
    title_lang: &'static str,
    back: Option<(String, String)>,
    facts: Vec<Line>,
    description: Vec<String>,
    description_lang: &'static str,
    /// The notice's further information (BT-300): a DPS's real period, its application rounds.
    additional_info: Vec<String>,
    additional_info_lang: &'static str,
    additional_info_title: String,
    lots: Vec<LotView>,
    results: Vec<LotView>,
    warnings: Vec<String>,
    warning_count: i64,
    attribution: String,
}

#[derive(Template)]
#[template(path = "notice_import.html")]
struct ImportPage {
    p: Page,
    /// Why the file was refused, next to the file field.
    error: Option<String>,
    /// Why the import needs the importer's word that it procures on the buyer's behalf, next
    /// to that checkbox.
    buyer_error: Option<String>,
}

/// Text in the reader's language if the notice has it, else in the notice's own; with the
/// language it is really in.
fn pick(t: &notice::Text, lang: Lang, n: &Notice) -> (String, &'static str) {
    if let Some(s) = t.get(lang.code()) {
        return (s.clone(), lang.code());
    }
    for l in &n.languages {
        if let Some(s) = t.get(l) {
            return (s.clone(), Lang::parse(l).map(|x| x.code()).unwrap_or("und"));
        }
    }
    match t.iter().next() {
        Some((l, s)) => (s.clone(), Lang::parse(l).map(|x| x.code()).unwrap_or("und")),
        None => (String::new(), lang.code()),
    }
}

fn label(key: &str, lang: Lang) -> String {
    notice_label(key, lang).unwrap_or(key).to_owned()
}

fn code(list: &domain::codes::CodeList, c: &str, lang: Lang) -> String {
    match list.get(c) {
        Some(x) => format!("{c} {}", x.label(lang)),
        None => c.to_owned(),
    }
}

fn amount(a: &notice::Amount, lang: Lang) -> String {
    match (a.currency.as_str(), a.cents()) {
        ("EUR", Some(c)) => domain::money::Money::from_cents(c).format(lang),
        _ => format!("{} {}", a.value, a.currency),
    }
}

use crate::describe::paragraphs;

fn page(ctx: &Ctx, r: &Reading, back: Option<(String, String)>) -> Response {
    let t = ctx.tr();
    let lang = ctx.lang;
    let n = &r.notice;
    let line = |key: &str, value: String| Line {
        label: label(key, lang),
        value,
        lang: lang.code(),
    };
    let mut facts = Vec::new();
    let subtype = notice_label(&format!("notice:{}", n.subtype), lang)
        .map(str::to_owned)
        .unwrap_or_else(|| n.subtype.clone());
    facts.push(line("business-term:BT-02", subtype));
    if let Some(x) = &n.identifiers.notice_number {
        facts.push(line("business-term:BT-701", x.clone()));
    }
    if let Some(x) = &n.identifiers.ted_number {
        facts.push(Line {
            label: "TED".into(),
            value: x.clone(),
            lang: lang.code(),
        });
    }
    if let Some(x) = &n.identifiers.procedure_id {
        facts.push(line("business-term:BT-04", x.clone()));
    }
    if let Some(x) = &n.dates.issued {
        facts.push(line("business-term:BT-05", x.clone()));
    }
    if let Some(x) = &n.dates.submission_deadline {
        facts.push(line("business-term:BT-131", x.clone()));
    }
    for b in &n.buyers {
        let (name, l) = pick(&b.name, lang, n);
        let mut v = name;
        if let Some(id) = &b.national_id {
            v.push_str(&format!(" ({id})"));
        }
        let addr: Vec<&str> = [&b.address.street, &b.address.postal_code, &b.address.city]
            .into_iter()
            .filter_map(|x| x.as_deref())
            .collect();
        if !addr.is_empty() {
            v.push_str(&format!(", {}", addr.join(" ")));
        }
        facts.push(Line {
            label: label("business-term:BT-500", lang),
            value: v,
            lang: l,
        });
    }
    if let Some(p) = &n.procedure.kind {
        facts.push(line(
            "business-term:BT-105",
            notice_label(&format!("code:procurement-procedure-type.{p}"), lang)
                .unwrap_or(p)
                .to_owned(),
        ));
    }
    if let Some(lb) = &n.procedure.legal_basis {
        facts.push(line(
            "business-term:BT-01",
            notice_label(&format!("code:legal-basis.{lb}"), lang)
                .unwrap_or(lb)
                .to_owned(),
        ));
    }
    if let Some(c) = &n.main_cpv {
        facts.push(line("business-term:BT-262", code(cpv(), c, lang)));
    }
    if !n.additional_cpv.is_empty() {
        facts.push(line(
            "business-term:BT-263",
            n.additional_cpv
                .iter()
                .map(|c| code(cpv(), c, lang))
                .collect::<Vec<_>>()
                .join("; "),
        ));
    }
    if !n.nuts.is_empty() {
        facts.push(line(
            "business-term:BT-5071",
            n.nuts
                .iter()
                .map(|c| code(nuts(), c, lang))
                .collect::<Vec<_>>()
                .join("; "),
        ));
    }
    if let Some(v) = &n.estimated_value {
        facts.push(line("business-term:BT-27", amount(v, lang)));
    }
    if let Some(v) = &n.total_value {
        facts.push(line("business-term:BT-161", amount(v, lang)));
    }
    if n.framework_agreement {
        facts.push(line("business-term:BT-765", t.t("answer-yes")));
    }
    if n.dynamic_purchasing_system {
        facts.push(line("business-term:BT-766", t.t("answer-yes")));
    }
    if let Some(u) = &n.documents_url {
        facts.push(line("business-term:BT-15", u.clone()));
    }
    if let Some(u) = &n.participation_url {
        facts.push(line("business-term:BT-18", u.clone()));
    }
    if let Some(r) = &n.review_body {
        let (name, l) = pick(&r.name, lang, n);
        let place: Vec<&str> = [&r.address.city, &r.address.country]
            .into_iter()
            .filter_map(|x| x.as_deref())
            .collect();
        facts.push(Line {
            label: label("field:OPT-301-Lot-ReviewOrg", lang),
            value: if place.is_empty() {
                name
            } else {
                format!("{name}, {}", place.join(" "))
            },
            lang: l,
        });
    }
    let (description, description_lang) = pick(&n.description, lang, n);
    let (additional_info, additional_info_lang) = pick(&n.additional_info, lang, n);
    let lots = n
        .lots
        .iter()
        .map(|l| {
            let (title, tl) = pick(&l.title, lang, n);
            let mut lines = Vec::new();
            if let Some(c) = &l.main_cpv {
                lines.push(line("business-term:BT-262", code(cpv(), c, lang)));
            }
            if !l.nuts.is_empty() {
                lines.push(line(
                    "business-term:BT-5071",
                    l.nuts
                        .iter()
                        .map(|c| code(nuts(), c, lang))
                        .collect::<Vec<_>>()
                        .join("; "),
                ));
            }
            if let Some(v) = &l.estimated_value {
                lines.push(line("business-term:BT-27", amount(v, lang)));
            }
            if let Some(d) = &l.duration {
                let unit = notice_label(
                    &format!("code:duration-unit.{}", d.unit.to_uppercase()),
                    lang,
                )
                .unwrap_or(&d.unit)
                .to_lowercase();
                lines.push(line("business-term:BT-36", format!("{} × {unit}", d.value)));
            }
            if let (Some(s), Some(e)) = (&l.start_date, &l.end_date) {
                lines.push(line("business-term:BT-536", format!("{s} – {e}")));
            }
            for c in &l.award_criteria {
                let (name, _) = pick(&c.name, lang, n);
                let kind = notice_label(&format!("code:award-criterion-type.{}", c.kind), lang)
                    .unwrap_or(&c.kind)
                    .to_owned();
                let weight = c
                    .weight
                    .as_deref()
                    .map(|w| format!(" ({w})"))
                    .unwrap_or_default();
                lines.push(Line {
                    label: kind,
                    value: format!("{name}{weight}"),
                    lang: lang.code(),
                });
            }
            let (options, _) = pick(&l.options, lang, n);
            if !options.is_empty() {
                lines.push(line("business-term:BT-54", options));
            }
            let (desc, _) = pick(&l.description, lang, n);
            let (info, _) = pick(&l.additional_info, lang, n);
            LotView {
                heading: format!("{} {}: {title}", label("business-term:BT-137", lang), l.id),
                lines,
                description: paragraphs(&desc),
                additional_info: paragraphs(&info),
                lang: tl,
            }
        })
        .collect();
    let results = n
        .results
        .iter()
        .map(|res| {
            let status = if res.awarded {
                "code:winner-selection-status.selec-w"
            } else {
                "code:winner-selection-status.clos-nw"
            };
            let mut lines = vec![line("business-term:BT-142", label(status, lang))];
            for w in &res.winners {
                let (name, l) = pick(&w.name, lang, n);
                lines.push(Line {
                    label: label("business-term:BT-500", lang),
                    value: match &w.national_id {
                        Some(id) => format!("{name} ({id})"),
                        None => name,
                    },
                    lang: l,
                });
            }
            if let Some(v) = &res.value {
                lines.push(line("business-term:BT-720", amount(v, lang)));
            }
            LotView {
                heading: format!(
                    "{} {}",
                    label("business-term:BT-137", lang),
                    res.lot_ids.join(", ")
                ),
                lines,
                description: Vec::new(),
                additional_info: Vec::new(),
                lang: lang.code(),
            }
        })
        .collect();
    let (title, title_lang) = pick(&n.title, lang, n);
    let page = NoticePage {
        p: Page::new(
            ctx,
            if title.is_empty() {
                t.t("notice-title")
            } else {
                title
            },
        ),
        title_lang,
        back,
        facts,
        description: paragraphs(&description),
        description_lang,
        additional_info: paragraphs(&additional_info),
        additional_info_lang,
        additional_info_title: label("business-term:BT-300", lang),
        lots,
        results,
        warnings: r
            .warnings
            .iter()
            .map(|w| match w.line {
                Some(l) => t.ta(
                    "notice-warning-at-line",
                    &[
                        ("location", crate::i18n::Arg::S(w.location.clone())),
                        ("line", crate::i18n::Arg::N(l as i64)),
                        ("message", crate::i18n::Arg::S(w.message.clone())),
                    ],
                ),
                None => format!("{}: {}", w.location, w.message),
            })
            .collect(),
        warning_count: r.warnings.len() as i64,
        attribution: t.t("notice-attribution"),
    };
    render(&page)
}

async fn may_import(app: &AppState, ctx: &Ctx) -> Result<domain::org::Actor, Response> {
    let a = actor(ctx)?;
    app.service
        .permit(
            &a,
            Action::Create,
            Resource::Procurements,
            domain::audit::RecordKind::Procurement,
            None,
        )
        .await
        .map_err(|e| render::service_error(ctx, e))?;
    Ok(a)
}

pub async fn import_form(State(app): State<AppState>, ctx: Ctx) -> Response {
    let _ = try_page!(may_import(&app, &ctx).await);
    let t = ctx.tr();
    render(&ImportPage {
        p: Page::new(&ctx, t.t("notice-import-title")),
        error: None,
        buyer_error: None,
    })
}

pub async fn import(State(app): State<AppState>, ctx: Ctx, mut form: Multipart) -> Response {
    let actor = try_page!(may_import(&app, &ctx).await);
    let t = ctx.tr();
    let mut bytes = Vec::new();
    let mut name = String::from("notice");
    let mut action = String::from("import");
    let mut on_behalf = false;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let field_name = field.name().unwrap_or("").to_owned();
                if field_name == "file" {
                    name = field.file_name().unwrap_or("notice").to_owned();
                    match field.bytes().await {
                        Ok(b) => bytes = b.to_vec(),
                        Err(_) => break,
                    }
                } else if field_name == "action" {
                    action = field.text().await.unwrap_or_default();
                } else if field_name == "on_behalf" {
                    on_behalf = field.text().await.is_ok_and(|v| v == "yes");
                }
            }
            Ok(None) => break,
            Err(_) => break,
        }
    }
    let refuse_with = |error: Option<String>, buyer_error: Option<String>| {
        let mut p = Page::new(
            &ctx,
            t.t1("title-with-errors", "title", t.t("notice-import-title")),
        );
        p.title = t.t1("title-with-errors", "title", t.t("notice-import-title"));
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ImportPage {
                p,
                error,
                buyer_error,
            },
        )
    };
    let refuse = |msg: String| refuse_with(Some(msg), None);
    if bytes.is_empty() {
        return refuse(t.t("notice-import-empty"));
    }
    let reading = match notice::read(&bytes, &name) {
        Ok(r) => r,
        Err(e) => return refuse(format!("{}: {e}", t.error("notice-unreadable"))),
    };
    if action == "preview" {
        return page(
            &ctx,
            &reading,
            Some(("/notices/import".into(), t.t("notice-import-title"))),
        );
    }
    match app
        .service
        .import_notice(Some(&actor), None, &reading.notice, on_behalf)
        .await
    {
        Ok(o) => Redirect::to(&format!(
            "/procurements/{}?imported={}&lots={}&buyer={}",
            o.procurement_id,
            o.action.code(),
            o.lots,
            o.buyer.code()
        ))
        .into_response(),
        // Another organisation's notice: say whose, next to the box that imports it anyway.
        Err(service::ServiceError::Invalid(e)) if e.get("on_behalf").is_some() => {
            let n = &reading.notice;
            let buyers: Vec<String> = n
                .buyers
                .iter()
                .map(|b| {
                    let name = pick(&b.name, t.lang, n).0;
                    match &b.national_id {
                        Some(id) => format!("{name} ({id})"),
                        None => name,
                    }
                })
                .collect();
            refuse_with(
                None,
                Some(t.t1("error-notice-buyer-other", "buyers", buyers.join(", "))),
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

/// A notice stored with a procurement, by its position in the procurement's list.
pub async fn stored(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((id, index)): Path<(String, usize)>,
) -> Response {
    let a = try_page!(actor(&ctx));
    let id = try_page!(parse_id(&ctx, &id));
    let v = match app.service.procurement(&a, id).await {
        Ok(v) => v,
        Err(e) => return render::service_error(&ctx, e),
    };
    let Some(content) = v.data.notices.get(index).and_then(|r| r.content.clone()) else {
        return render::service_error(&ctx, ServiceError::NotFound);
    };
    let Ok(notice) = serde_json::from_value::<Notice>(content) else {
        return render::service_error(&ctx, ServiceError::NotFound);
    };
    let reading = Reading {
        notice,
        warnings: Vec::new(),
    };
    page(
        &ctx,
        &reading,
        Some((
            format!("/procurements/{id}"),
            v.data.title.get(ctx.lang).0.to_owned(),
        )),
    )
}
