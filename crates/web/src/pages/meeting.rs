//! The follow-up group's quarterly meeting on an agreement: the agenda built from the
//! quarter's figures (ordered against delivered and projected, processing times), a comment
//! and a decision per item, and the minutes in Finnish or Swedish as a page and as a PDF.

use super::agreement::{download, target_text};
use crate::extract::{PageResult, SignedIn};
use crate::forms::{attach_errors, Field, FormData, SummaryItem};
use crate::i18n::{Arg, Tr};
use crate::pdf::{self, Block};
use crate::render::{render_status, Page};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::agreement::{default_meeting_day, Meeting, MeetingItem, Period};
use domain::locale::Lang;
use domain::validate::FieldErrors;
use serde::Deserialize;
use service::agreement::MeetingView;
use service::ServiceError;
use uuid::Uuid;

/// An agenda item as shown: its title, the figures it goes through, and its minutes.
pub struct ItemView {
    pub title: String,
    pub figures: Vec<String>,
    pub comment: Field,
    pub decision: Field,
}

impl ItemView {
    /// The item's minutes fields, as the fields template takes them.
    pub fn fields(&self) -> Vec<Field> {
        vec![self.comment.clone(), self.decision.clone()]
    }
}

/// The agenda's items in `t`'s language: title and figures.
fn items(t: &Tr, v: &MeetingView) -> Vec<(String, String, Vec<String>)> {
    let f = &v.follow_up;
    v.agenda
        .iter()
        .map(|key| {
            let (kind, code) = key.split_once(':').unwrap_or((key.as_str(), ""));
            let product = f.agreement.product(code);
            let name = product
                .map(|p| p.name(t.lang).to_owned())
                .unwrap_or_default();
            let figures = f.products.iter().find(|x| x.product == code);
            match (kind, figures) {
                ("product", Some(x)) => (
                    key.clone(),
                    t.t1("meeting-item-product", "product", &name),
                    vec![t.ta(
                        "meeting-product-figures",
                        &[
                            ("ordered", Arg::N(x.ordered)),
                            ("realised", Arg::N(x.realised)),
                            (
                                "share",
                                Arg::S(x.share.map(|s| format!("{s} %")).unwrap_or("–".into())),
                            ),
                            ("projected", Arg::N(x.projected)),
                            ("value", Arg::S(x.realised_value.format(t.lang))),
                        ],
                    )],
                ),
                ("processing", Some(x)) => {
                    let mut lines = Vec::new();
                    if let (Some(s), Some(target)) = (&x.processing, product.and_then(|p| p.target))
                    {
                        let n = |k: usize| Arg::N(i64::try_from(k).unwrap_or(i64::MAX));
                        lines.push(
                            t.ta(
                                "agreement-processing-summary",
                                &[
                                    ("target", Arg::S(target_text(t, target.days, target.count))),
                                    ("cases", n(s.cases)),
                                    ("ended", n(s.ended)),
                                    (
                                        "within",
                                        Arg::S(
                                            s.share_within
                                                .map(|w| format!("{w} %"))
                                                .unwrap_or("–".into()),
                                        ),
                                    ),
                                ],
                            ),
                        );
                        for b in &s.breaches {
                            lines.push(t.ta(
                                "meeting-breach",
                                &[
                                    ("reference", Arg::S(b.key.clone())),
                                    ("due", Arg::S(t.date(b.due))),
                                    ("days", Arg::N(b.days)),
                                ],
                            ));
                        }
                    }
                    (
                        key.clone(),
                        t.t1("meeting-item-processing", "product", &name),
                        lines,
                    )
                }
                _ => (key.clone(), t.t("meeting-item-other"), Vec::new()),
            }
        })
        .collect()
}

/// A quarter's minutes form: the day (the quarter's usual meeting day until recorded) and the
/// members, and each agenda item `(key, title, figures)` with its comment and decision, filled
/// from what was typed (`typed`, when the form came back refused) or else from the minutes on
/// record. The agreements' follow-up group and the regional steering group share it.
pub fn minutes_form(
    t: &Tr,
    m: Option<&Meeting>,
    quarter: Period,
    typed: Option<&FormData>,
    agenda: Vec<(String, String, Vec<String>)>,
    members_hint: &str,
) -> (Vec<Field>, Vec<ItemView>) {
    let get = |name: &str, stored: String| match typed {
        Some(d) => d.get(name),
        None => stored,
    };
    let held = get(
        "held_on",
        m.map(|m| m.held_on)
            .or_else(|| default_meeting_day(quarter))
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let members = get(
        "members",
        m.map(|m| m.members.join("\n")).unwrap_or_default(),
    );
    let head = vec![
        Field::named("held_on".into(), t.t("meeting-held-on"), "date", &held).required(),
        Field::named(
            "members".into(),
            t.t("meeting-members"),
            "textarea",
            &members,
        )
        .required()
        .hint(t, members_hint),
    ];
    let items = agenda
        .into_iter()
        .map(|(key, title, figures)| {
            let stored = m.and_then(|m| m.items.iter().find(|i| i.key == key));
            let comment = get(
                &format!("comment:{key}"),
                stored.map(|i| i.comment.clone()).unwrap_or_default(),
            );
            let decision = get(
                &format!("decision:{key}"),
                stored.map(|i| i.decision.clone()).unwrap_or_default(),
            );
            ItemView {
                comment: Field::named(
                    format!("comment:{key}"),
                    t.t("meeting-comment"),
                    "textarea",
                    &comment,
                ),
                decision: Field::named(
                    format!("decision:{key}"),
                    t.t("meeting-decision"),
                    "textarea",
                    &decision,
                ),
                title,
                figures,
            }
        })
        .collect();
    (head, items)
}

/// The agenda's items as typed back: each key's comment and decision.
pub fn typed_items(d: &FormData, keys: &[String]) -> Vec<MeetingItem> {
    keys.iter()
        .map(|k| MeetingItem {
            key: k.clone(),
            comment: d.get(&format!("comment:{k}")),
            decision: d.get(&format!("decision:{k}")),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "follow_up_meeting.html")]
struct MeetingPage {
    p: Page,
    id: Uuid,
    period: String,
    provider: String,
    head: Vec<Field>,
    items: Vec<ItemView>,
    may_record: bool,
    recorded: Option<String>,
    summary: Vec<SummaryItem>,
}

/// A quarter from the address (`2026-Q3`); anything else is not a page.
pub(crate) fn parse_period(s: &str) -> Result<Period, ServiceError> {
    Period::parse(s)
        .filter(|p| p.is_quarter())
        .ok_or(ServiceError::NotFound)
}

/// The page, with what was typed when the minutes came back refused.
async fn page(
    app: &AppState,
    ctx: &crate::ctx::Ctx,
    actor: &domain::org::Actor,
    id: Uuid,
    quarter: Period,
    typed: Option<(&FormData, &FieldErrors)>,
) -> PageResult {
    let t = ctx.tr();
    let v = app.service.follow_up_meeting(actor, id, quarter).await?;
    let m = v.meeting.as_ref();
    let (mut head, items) = minutes_form(
        &t,
        m,
        quarter,
        typed.map(|(d, _)| d),
        items(&t, &v),
        "hint-meeting-members",
    );
    let summary = match typed {
        Some((_, e)) => attach_errors(&t, &mut head, e),
        None => Vec::new(),
    };
    let p = Page::with_errors(
        ctx,
        t.ta(
            "follow-up-meeting-title",
            &[
                ("period", Arg::S(quarter.code())),
                ("title", Arg::S(v.follow_up.agreement.title.clone())),
            ],
        ),
        &summary,
    );
    Ok(render_status(
        if typed.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &MeetingPage {
            p,
            id,
            period: quarter.code(),
            provider: v.follow_up.provider_name.clone(),
            head,
            items,
            may_record: v.may_record,
            recorded: m.map(|m| format!("{}, {}", m.recorded.name, t.datetime(m.recorded.at))),
            summary,
        },
    ))
}

pub async fn meeting(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path((id, period)): Path<(Uuid, String)>,
) -> PageResult {
    let quarter = parse_period(&period)?;
    page(&app, &ctx, &actor, id, quarter, None).await
}

pub async fn record(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path((id, period)): Path<(Uuid, String)>,
    body: Bytes,
) -> PageResult {
    let quarter = parse_period(&period)?;
    let d = FormData::parse(&body);
    let v = app.service.follow_up_meeting(&actor, id, quarter).await?;
    let items = typed_items(&d, &v.agenda);
    match app
        .service
        .record_meeting(
            &actor,
            id,
            quarter,
            &d.get("held_on"),
            &d.get("members"),
            &items,
        )
        .await
    {
        Ok(()) => Ok(super::done(format!(
            "/agreements/{id}/meetings/{}",
            quarter.code()
        ))),
        Err(ServiceError::Invalid(e)) => {
            page(&app, &ctx, &actor, id, quarter, Some((&d, &e))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MinutesQuery {
    pub lang: String,
}

/// The minutes as a PDF in Finnish or Swedish (`?lang=sv`), or English when asked.
pub async fn minutes_pdf(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path((id, period)): Path<(Uuid, String)>,
    Query(q): Query<MinutesQuery>,
) -> PageResult {
    let quarter = parse_period(&period)?;
    let lang = Lang::parse(&q.lang).unwrap_or(if ctx.lang == Lang::Sv {
        Lang::Sv
    } else {
        Lang::Fi
    });
    let t = Tr::new(lang);
    let v = app.service.follow_up_meeting(&actor, id, quarter).await?;
    let Some(m) = &v.meeting else {
        return Err(ServiceError::NotFound.into());
    };
    let title = t.ta(
        "meeting-minutes-title",
        &[
            ("period", Arg::S(quarter.code())),
            ("title", Arg::S(v.follow_up.agreement.title.clone())),
        ],
    );
    let mut blocks = vec![
        Block::Title(title.clone()),
        Block::Text(t.ta(
            "meeting-minutes-parties",
            &[
                ("purchaser", Arg::S(v.purchaser_name.clone())),
                ("provider", Arg::S(v.follow_up.provider_name.clone())),
                ("date", Arg::S(t.date(m.held_on))),
                ("version", Arg::N(i64::from(v.follow_up.agreement.version))),
            ],
        )),
        Block::Heading(t.t("meeting-members")),
        Block::Text(m.members.join("\n")),
    ];
    for (n, (key, heading, figures)) in items(&t, &v).into_iter().enumerate() {
        blocks.push(Block::Heading(format!("{}. {heading}", n + 1)));
        for f in figures {
            blocks.push(Block::Text(f));
        }
        if let Some(i) = m.items.iter().find(|i| i.key == key) {
            if !i.comment.is_empty() {
                blocks.push(Block::Text(format!(
                    "{}: {}",
                    t.t("meeting-comment"),
                    i.comment
                )));
            }
            if !i.decision.is_empty() {
                blocks.push(Block::Text(format!(
                    "{}: {}",
                    t.t("meeting-decision"),
                    i.decision
                )));
            }
        }
    }
    blocks.push(Block::Text(t.t1(
        "meeting-minutes-recorded",
        "who",
        format!("{}, {}", m.recorded.name, t.datetime(m.recorded.at)),
    )));
    let bytes = pdf::write(&title, &blocks, chrono::Utc::now());
    Ok(download(
        "application/pdf",
        format!("kumppani-minutes-{}-{}.pdf", quarter.code(), lang.code()),
        bytes,
    ))
}
