//! Procurements, lots and their requirements, and the register of admitted providers.

use super::{done, form_page, parse_id};
use crate::describe;
use crate::extract::{Id, SignedIn};
use crate::forms::{Field, FormData, Opt};
use crate::i18n::{Arg, Tr};
use crate::render::{self, render, Page};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use domain::access::{Action, Resource};
use domain::codes;
use domain::evidence::EvidenceKind;
use domain::locale::Lang;
use domain::procurement::{Lot, LotForm, ProcurementForm, ProcurementKind, SectionKind};
use domain::requirement::{LocalText, RequirementForm, RULE_KINDS};
use domain::staff::{Area, Degree, StaffRole, Training};
use service::procurement::RegisterQuery;
use service::ServiceError;
use std::collections::HashMap;

/// Text in the reader's language, with the language it is really in for the `lang` attribute.
pub struct Text {
    pub text: String,
    pub lang: &'static str,
}

impl Text {
    /// The text's paragraphs, one per line, for a page to show each as its own.
    pub fn paragraphs(&self) -> Vec<String> {
        crate::describe::paragraphs(&self.text)
    }
}

pub fn text(t: &Tr, lt: &LocalText) -> Text {
    let (s, l) = lt.get(t.lang);
    Text {
        text: s.to_owned(),
        lang: l.code(),
    }
}

pub struct ProcRow {
    id: String,
    title: Text,
    purchaser: String,
    kind: String,
    period: String,
    lots: String,
}

#[derive(Template)]
#[template(path = "procurements.html")]
struct ProcurementsPage {
    p: Page,
    rows: Vec<ProcRow>,
    can_create: bool,
}

// The import screen is for the same people who create procurements.

pub struct Fact {
    label: String,
    value: String,
}

pub struct LotRow {
    id: String,
    number: u32,
    title: Text,
    ages: String,
    price: String,
    open: bool,
    status: String,
}

pub struct NoticeLink {
    href: String,
    label: String,
}

#[derive(Template)]
#[template(path = "procurement.html")]
struct ProcurementPage {
    p: Page,
    notice: Option<String>,
    notices: Vec<NoticeLink>,
    id: String,
    facts: Vec<Fact>,
    description: Text,
    notice_url: String,
    lots: Vec<LotRow>,
    may_edit: bool,
}

pub struct SectionView {
    title: String,
    text: Text,
}

pub struct RequirementView {
    index: usize,
    kind: String,
    text: Text,
}

pub struct RankView {
    position: usize,
    provider: String,
    unit: String,
    price: String,
    quality: String,
    points: String,
}

#[derive(Template)]
#[template(path = "lot.html")]
struct LotPage {
    p: Page,
    id: String,
    procurement_id: String,
    procurement_title: Text,
    facts: Vec<Fact>,
    closed_note: Option<Text>,
    sections: Vec<SectionView>,
    requirements: Vec<RequirementView>,
    ranked: bool,
    ranking: Vec<RankView>,
    admitted: Vec<RankView>,
    may_edit: bool,
    may_apply: bool,
    own: Vec<(String, String)>,
}

fn period(t: &Tr, p: &domain::procurement::Procurement) -> String {
    let mut s = format!("{} – {}", t.date(p.starts_on), t.date(p.ends_on));
    if !p.option_years.is_empty() {
        let opts = p
            .option_years
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(" + ");
        s.push_str(&t.t1("period-options", "options", opts));
    }
    s
}

fn ages(t: &Tr, l: &Lot) -> String {
    match (l.age_min, l.age_max) {
        (Some(a), Some(b)) => t.ta(
            "ages-range",
            &[
                ("min", crate::i18n::Arg::N(i64::from(a))),
                ("max", crate::i18n::Arg::N(i64::from(b))),
            ],
        ),
        (Some(a), None) => t.tn("ages-from", "min", i64::from(a)),
        (None, Some(b)) => t.tn("ages-to", "max", i64::from(b)),
        (None, None) => t.t("ages-any"),
    }
}

fn price(t: &Tr, l: &Lot) -> String {
    match l.price_cap {
        Some(c) => t.ta(
            "price-cap-with-model",
            &[
                ("cap", crate::i18n::Arg::S(c.format(t.lang))),
                (
                    "model",
                    crate::i18n::Arg::S(describe::price_model(t, l.price_model)),
                ),
            ],
        ),
        None => describe::price_model(t, l.price_model),
    }
}

fn code_label(list: &codes::CodeList, code: &str, lang: Lang) -> String {
    match list.get(code) {
        Some(c) => format!("{} {}", c.code, c.label(lang)),
        None => code.to_owned(),
    }
}

pub async fn procurements(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
) -> Response {
    let t = ctx.tr();
    let list = match app.service.procurements(&actor).await {
        Ok(l) => l,
        Err(e) => return render::service_error(&ctx, e),
    };
    render(&ProcurementsPage {
        p: Page::new(&ctx, t.t("procurements-title")),
        rows: list
            .iter()
            .map(|s| ProcRow {
                id: s.id.to_string(),
                title: text(&t, &s.data.title),
                purchaser: s.purchaser_name.clone(),
                kind: describe::procurement_kind(&t, s.data.kind),
                period: period(&t, &s.data),
                lots: t.ta(
                    "lots-open-of",
                    &[
                        ("open", crate::i18n::Arg::N(s.open_lots as i64)),
                        ("all", crate::i18n::Arg::N(s.lots as i64)),
                    ],
                ),
            })
            .collect(),
        can_create: ctx.caps.create_procurement,
    })
}

pub async fn procurement(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let t = ctx.tr();
    let v = match app.service.procurement(&actor, id).await {
        Ok(v) => v,
        Err(e) => return render::service_error(&ctx, e),
    };
    let d = &v.data;
    let mut facts = vec![
        Fact {
            label: t.t("field-kind"),
            value: describe::procurement_kind(&t, d.kind),
        },
        Fact {
            label: t.t("field-purchaser"),
            value: v.purchaser.name.clone(),
        },
        Fact {
            label: t.t("field-period"),
            value: period(&t, d),
        },
        Fact {
            label: t.t("field-estimated-value"),
            value: d
                .estimated_value
                .map(|m| m.format(t.lang))
                .unwrap_or_else(|| t.t("not-given")),
        },
        Fact {
            label: t.t("field-procurement-rules"),
            value: match v.tier {
                Some((tier, th)) => t.ta(
                    &format!("procurement-tier-{}", tier.code()),
                    &[
                        ("national", Arg::S(th.national_social.format(t.lang))),
                        ("eu", Arg::S(th.eu_social.format(t.lang))),
                    ],
                ),
                None => t.t("procurement-tier-unknown"),
            },
        },
        Fact {
            label: t.t("field-cpv-main"),
            value: code_label(codes::cpv(), &d.cpv_main, t.lang),
        },
    ];
    if !d.cpv_additional.is_empty() {
        facts.push(Fact {
            label: t.t("field-cpv-additional"),
            value: d
                .cpv_additional
                .iter()
                .map(|c| code_label(codes::cpv(), c, t.lang))
                .collect::<Vec<_>>()
                .join("; "),
        });
    }
    facts.push(Fact {
        label: t.t("field-nuts"),
        value: code_label(codes::nuts(), &d.nuts, t.lang),
    });
    facts.push(Fact {
        label: t.t("field-admission-days"),
        value: t.ta(
            "admission-days-value",
            &[
                (
                    "days",
                    crate::i18n::Arg::N(i64::from(d.regime.admission_days)),
                ),
                (
                    "extended",
                    crate::i18n::Arg::N(i64::from(d.regime.admission_days_extended)),
                ),
            ],
        ),
    });
    if d.kind.is_ranked() {
        facts.push(Fact {
            label: t.t("field-framework-years"),
            value: d.regime.framework_years.to_string(),
        });
    }
    if !d.notice_number.is_empty() {
        facts.push(Fact {
            label: t.t("field-notice-number"),
            value: d.notice_number.clone(),
        });
    }
    // After an import: what it did, in the reader's words.
    let notice = q.get("imported").map(|action| {
        let mut said = t.ta(
            &format!("notice-imported-{}", action.replace('_', "-")),
            &[(
                "lots",
                crate::i18n::Arg::N(q.get("lots").and_then(|l| l.parse().ok()).unwrap_or(0)),
            )],
        );
        // Whose notice it was, where the specialist should know (service::import::BuyerCheck).
        if let Some(b @ ("unchecked" | "on-behalf")) = q.get("buyer").map(String::as_str) {
            said.push(' ');
            said.push_str(&t.t(&format!("notice-imported-buyer-{b}")));
        }
        said
    });
    let notices = d
        .notices
        .iter()
        .enumerate()
        .filter(|(_, r)| r.content.is_some())
        .map(|(i, r)| NoticeLink {
            href: format!("/procurements/{id}/notices/{i}"),
            label: format!(
                "{} {}{}",
                domain::codes::notice_label(&format!("notice:{}", r.subtype), t.lang)
                    .map(str::to_owned)
                    .unwrap_or_else(|| r.subtype.clone()),
                r.number,
                r.date
                    .map(|d| format!(", {}", t.date(d)))
                    .unwrap_or_default()
            ),
        })
        .collect();
    render(&ProcurementPage {
        p: Page::new(&ctx, d.title.get(t.lang).0.to_owned()),
        notice,
        notices,
        id: id.to_string(),
        facts,
        description: text(&t, &d.description),
        notice_url: d.notice_url.clone(),
        lots: v
            .lots
            .iter()
            .map(|l| LotRow {
                id: l.id.to_string(),
                number: l.data.number,
                title: text(&t, &l.data.title),
                ages: ages(&t, &l.data),
                price: price(&t, &l.data),
                open: l.data.open,
                status: t.t(if l.data.open {
                    "lot-open"
                } else {
                    "lot-closed"
                }),
            })
            .collect(),
        may_edit: v.may_edit,
    })
}

fn procurement_fields(t: &Tr, f: &ProcurementForm) -> Vec<Field> {
    vec![
        Field::new(t, "kind", "select", &f.kind).required().options(
            ProcurementKind::ALL
                .iter()
                .map(|k| Opt {
                    value: k.code().into(),
                    label: describe::procurement_kind(t, *k),
                    selected: f.kind == k.code(),
                })
                .collect(),
        ),
        Field::new(t, "title_fi", "text", &f.title_fi).required(),
        Field::new(t, "title_sv", "text", &f.title_sv),
        Field::new(t, "title_en", "text", &f.title_en),
        Field::new(t, "description_fi", "textarea", &f.description_fi),
        Field::new(t, "starts_on", "date", &f.starts_on).required(),
        Field::new(t, "ends_on", "date", &f.ends_on).required(),
        Field::new(t, "option_years", "text", &f.option_years).hint(t, "hint-option-years"),
        Field::new(t, "estimated_value", "text", &f.estimated_value).hint(t, "hint-money"),
        Field::new(t, "cpv_main", "text", &f.cpv_main)
            .required()
            .hint(t, "hint-cpv"),
        Field::new(t, "cpv_additional", "text", &f.cpv_additional).hint(t, "hint-cpv-list"),
        Field::new(t, "nuts", "text", &f.nuts)
            .required()
            .hint(t, "hint-nuts"),
        Field::new(t, "admission_days", "text", &f.admission_days).hint(t, "hint-admission-days"),
        Field::new(
            t,
            "admission_days_extended",
            "text",
            &f.admission_days_extended,
        ),
        Field::new(t, "framework_years", "text", &f.framework_years),
        Field::new(t, "notice_number", "text", &f.notice_number),
        Field::new(t, "notice_url", "url", &f.notice_url),
    ]
}

fn procurement_form(d: &FormData) -> ProcurementForm {
    d.read::<ProcurementForm>()
}

pub async fn new_procurement(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
) -> Response {
    if let Err(e) = app
        .service
        .permit(
            &actor,
            Action::Create,
            Resource::Procurements,
            domain::audit::RecordKind::Procurement,
            None,
        )
        .await
    {
        return render::service_error(&ctx, e);
    }
    let t = ctx.tr();
    let form = ProcurementForm {
        admission_days: "10".into(),
        admission_days_extended: "15".into(),
        framework_years: "4".into(),
        ..ProcurementForm::default()
    };
    form_page(
        &ctx,
        t.t("procurement-new-title"),
        "/procurements".into(),
        "action-create",
        "/procurements".into(),
        procurement_fields(&t, &form),
        None,
    )
}

pub async fn create_procurement(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    body: Bytes,
) -> Response {
    let form = procurement_form(&FormData::parse(&body));
    match app
        .service
        .create_procurement(&actor, &form, ctx.lang)
        .await
    {
        Ok(id) => done(format!("/procurements/{id}")),
        Err(ServiceError::Invalid(errs)) => {
            let t = ctx.tr();
            form_page(
                &ctx,
                t.t("procurement-new-title"),
                "/procurements".into(),
                "action-create",
                "/procurements".into(),
                procurement_fields(&t, &form),
                Some(&errs),
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn edit_procurement(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> Response {
    let v = match app.service.procurement(&actor, id).await {
        Ok(v) if v.may_edit => v,
        Ok(_) => {
            return render::service_error(
                &ctx,
                ServiceError::Denied(domain::access::Denial::OtherOrganisation),
            )
        }
        Err(e) => return render::service_error(&ctx, e),
    };
    let t = ctx.tr();
    form_page(
        &ctx,
        t.t1("procurement-edit-title", "title", &v.data.title.fi),
        format!("/procurements/{id}"),
        "action-save",
        format!("/procurements/{id}"),
        procurement_fields(&t, &ProcurementForm::from_procurement(&v.data)),
        None,
    )
}

pub async fn update_procurement(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let form = procurement_form(&FormData::parse(&body));
    match app
        .service
        .update_procurement(&actor, id, &form, ctx.lang)
        .await
    {
        Ok(()) => done(format!("/procurements/{id}")),
        Err(ServiceError::Invalid(errs)) => {
            let t = ctx.tr();
            form_page(
                &ctx,
                t.t1("procurement-edit-title", "title", &form.title_fi),
                format!("/procurements/{id}"),
                "action-save",
                format!("/procurements/{id}"),
                procurement_fields(&t, &form),
                Some(&errs),
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

// ---- lots ----------------------------------------------------------------------------------

fn lot_fields(t: &Tr, f: &LotForm) -> Vec<Field> {
    let mut v = vec![
        Field::new(t, "title_fi", "text", &f.title_fi).required(),
        Field::new(t, "title_sv", "text", &f.title_sv),
        Field::new(t, "title_en", "text", &f.title_en),
    ];
    for kind in SectionKind::ALL {
        let value = f
            .sections
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, s)| s.as_str())
            .unwrap_or("");
        let mut field = Field::new(t, section_field(kind), "textarea", value);
        field.label = describe::section(t, kind);
        v.push(field);
    }
    v.extend([
        Field::new(t, "age_min", "text", &f.age_min),
        Field::new(t, "age_max", "text", &f.age_max),
        Field::new(t, "price_model", "select", &f.price_model)
            .required()
            .options(
                domain::procurement::PriceModel::ALL
                    .iter()
                    .map(|m| Opt {
                        value: m.code().into(),
                        label: describe::price_model(t, *m),
                        selected: f.price_model == m.code(),
                    })
                    .collect(),
            ),
        Field::new(t, "price_cap", "text", &f.price_cap).hint(t, "hint-money"),
        Field::new(t, "price_weight", "text", &f.price_weight).hint(t, "hint-price-weight"),
        Field::new(t, "open", "checkboxes", "").options(vec![Opt {
            value: "yes".into(),
            label: t.t("lot-open-for-applications"),
            selected: f.open == "yes",
        }]),
        Field::new(t, "closed_note_fi", "text", &f.closed_note_fi),
        Field::new(t, "service_task", "text", &f.service_task),
        Field::new(t, "legal_basis", "text", &f.legal_basis),
        Field::new(t, "work_money_rate", "text", &f.work_money_rate).hint(t, "hint-work-money"),
        Field::new(t, "work_money_from", "date", &f.work_money_from),
        Field::new(t, "work_money_decision", "text", &f.work_money_decision),
    ]);
    v
}

fn section_field(k: SectionKind) -> &'static str {
    match k {
        SectionKind::Description => "section_description",
        SectionKind::Goals => "section_goals",
        SectionKind::ContentAndQuality => "section_content_and_quality",
        SectionKind::Staff => "section_staff",
        SectionKind::Reporting => "section_reporting",
    }
}

fn lot_form(d: &FormData) -> LotForm {
    LotForm {
        title_fi: d.get("title_fi"),
        title_sv: d.get("title_sv"),
        title_en: d.get("title_en"),
        sections: SectionKind::ALL
            .into_iter()
            .map(|k| (k, d.get(section_field(k))))
            .collect(),
        age_min: d.get("age_min"),
        age_max: d.get("age_max"),
        price_model: d.get("price_model"),
        price_cap: d.get("price_cap"),
        open: d.get("open"),
        closed_note_fi: d.get("closed_note_fi"),
        service_task: d.get("service_task"),
        legal_basis: d.get("legal_basis"),
        price_weight: d.get("price_weight"),
        work_money_rate: d.get("work_money_rate"),
        work_money_from: d.get("work_money_from"),
        work_money_decision: d.get("work_money_decision"),
    }
}

pub async fn new_lot(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> Response {
    match app.service.procurement(&actor, id).await {
        Ok(v) if v.may_edit => {}
        Ok(_) => {
            return render::service_error(
                &ctx,
                ServiceError::Denied(domain::access::Denial::OtherOrganisation),
            )
        }
        Err(e) => return render::service_error(&ctx, e),
    }
    let t = ctx.tr();
    let form = LotForm {
        open: "yes".into(),
        price_weight: "100".into(),
        ..LotForm::default()
    };
    form_page(
        &ctx,
        t.t("lot-new-title"),
        format!("/procurements/{id}/lots"),
        "action-create",
        format!("/procurements/{id}"),
        lot_fields(&t, &form),
        None,
    )
}

pub async fn create_lot(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let form = lot_form(&FormData::parse(&body));
    match app.service.create_lot(&actor, id, &form, ctx.lang).await {
        Ok(lot) => done(format!("/lots/{lot}")),
        Err(ServiceError::Invalid(errs)) => {
            let t = ctx.tr();
            form_page(
                &ctx,
                t.t("lot-new-title"),
                format!("/procurements/{id}/lots"),
                "action-create",
                format!("/procurements/{id}"),
                lot_fields(&t, &form),
                Some(&errs),
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn lot(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> Response {
    let t = ctx.tr();
    let v = match app.service.lot(&actor, id).await {
        Ok(v) => v,
        Err(e) => return render::service_error(&ctx, e),
    };
    let l = &v.lot;
    let mut facts = vec![
        Fact {
            label: t.t("field-purchaser"),
            value: v.purchaser.name.clone(),
        },
        Fact {
            label: t.t("field-ages"),
            value: ages(&t, l),
        },
        Fact {
            label: t.t("field-price"),
            value: price(&t, l),
        },
    ];
    if !l.service_task.is_empty() {
        facts.push(Fact {
            label: t.t("field-service-task"),
            value: l.service_task.clone(),
        });
    }
    if !l.legal_basis.is_empty() {
        facts.push(Fact {
            label: t.t("field-legal-basis"),
            value: l.legal_basis.clone(),
        });
    }
    if v.procurement.kind.is_ranked() {
        facts.push(Fact {
            label: t.t("field-price-weight"),
            value: t.ta(
                "price-weight-value",
                &[
                    ("price", crate::i18n::Arg::N(i64::from(l.price_weight))),
                    (
                        "quality",
                        crate::i18n::Arg::N(100 - i64::from(l.price_weight.min(100))),
                    ),
                ],
            ),
        });
    }
    let rank_view = |r: &service::procurement::RankRow| RankView {
        position: r.position,
        provider: r.provider_name.clone(),
        unit: r.unit_name.clone(),
        price: r.price.format(t.lang),
        quality: r.quality_points.to_string(),
        points: format!("{:.2}", r.points).replace('.', if t.lang == Lang::En { "." } else { "," }),
    };
    let title = format!("{} {}", l.number, l.title.get(t.lang).0);
    render(&LotPage {
        p: Page::new(&ctx, title),
        id: id.to_string(),
        procurement_id: v.procurement_id.to_string(),
        procurement_title: text(&t, &v.procurement.title),
        facts,
        closed_note: (!l.open).then(|| {
            if l.closed_note.fi.is_empty() {
                Text {
                    text: t.t("lot-closed-default"),
                    lang: t.lang.code(),
                }
            } else {
                text(&t, &l.closed_note)
            }
        }),
        sections: l
            .sections
            .iter()
            .map(|s| SectionView {
                title: describe::section(&t, s.kind),
                text: text(&t, &s.text),
            })
            .collect(),
        requirements: l
            .requirements
            .iter()
            .enumerate()
            .map(|(i, r)| RequirementView {
                index: i,
                kind: describe::rule_kind(&t, r.rule.kind_code()),
                text: text(&t, &r.text),
            })
            .collect(),
        ranked: v.procurement.kind.is_ranked(),
        ranking: v.ranking.iter().map(rank_view).collect(),
        admitted: v.admitted.iter().map(rank_view).collect(),
        may_edit: v.may_edit,
        may_apply: v.may_apply,
        own: v
            .own_applications
            .iter()
            .map(|(id, s)| (id.to_string(), describe::app_status(&t, *s)))
            .collect(),
    })
}

pub async fn edit_lot(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> Response {
    let v = match app.service.lot(&actor, id).await {
        Ok(v) if v.may_edit => v,
        Ok(_) => {
            return render::service_error(
                &ctx,
                ServiceError::Denied(domain::access::Denial::OtherOrganisation),
            )
        }
        Err(e) => return render::service_error(&ctx, e),
    };
    let t = ctx.tr();
    form_page(
        &ctx,
        t.t1("lot-edit-title", "title", &v.lot.title.fi),
        format!("/lots/{id}"),
        "action-save",
        format!("/lots/{id}"),
        lot_fields(&t, &LotForm::from_lot(&v.lot, ctx.lang)),
        None,
    )
}

pub async fn update_lot(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let form = lot_form(&FormData::parse(&body));
    match app.service.update_lot(&actor, id, &form, ctx.lang).await {
        Ok(()) => done(format!("/lots/{id}")),
        Err(ServiceError::Invalid(errs)) => {
            let t = ctx.tr();
            form_page(
                &ctx,
                t.t1("lot-edit-title", "title", &form.title_fi),
                format!("/lots/{id}"),
                "action-save",
                format!("/lots/{id}"),
                lot_fields(&t, &form),
                Some(&errs),
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

// ---- requirements ----------------------------------------------------------------------------

fn checks<T: Copy>(
    t: &Tr,
    name: &'static str,
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(&Tr, T) -> String,
    selected: &[String],
) -> Field {
    Field::new(t, name, "checkboxes", "").options(
        all.iter()
            .map(|x| Opt {
                value: code(*x).into(),
                label: label(t, *x),
                selected: selected.iter().any(|s| s == code(*x)),
            })
            .collect(),
    )
}

fn requirement_fields(t: &Tr, f: &RequirementForm) -> Vec<Field> {
    vec![
        Field::new(t, "rule_kind", "select", &f.kind)
            .required()
            .options(
                RULE_KINDS
                    .iter()
                    .map(|k| Opt {
                        value: (*k).into(),
                        label: describe::rule_kind(t, k),
                        selected: f.kind == *k,
                    })
                    .collect(),
            ),
        Field::new(t, "text_fi", "textarea", &f.text_fi).required(),
        Field::new(t, "text_sv", "textarea", &f.text_sv),
        Field::new(t, "text_en", "textarea", &f.text_en),
        checks(
            t,
            "roles",
            &StaffRole::ALL,
            StaffRole::code,
            describe::staff_role,
            &f.roles,
        )
        .hint(t, "hint-rule-roles"),
        checks(
            t,
            "degrees",
            &Degree::ALL,
            Degree::code,
            describe::degree,
            &f.degrees,
        ),
        Field::new(t, "alt_any_higher", "checkboxes", "").options(vec![Opt {
            value: "yes".into(),
            label: t.t("rule-alt-any-higher"),
            selected: f.alt_any_higher == "yes",
        }]),
        checks(t, "areas", &Area::ALL, Area::code, describe::area, &f.areas),
        Field::new(t, "years", "text", &f.years).hint(t, "hint-years"),
        checks(
            t,
            "trainings",
            &Training::ALL,
            Training::code,
            describe::training,
            &f.trainings,
        ),
        Field::new(t, "more_than", "text", &f.more_than).hint(t, "hint-more-than"),
        Field::new(t, "municipalities", "text", &f.municipalities),
        checks(
            t,
            "languages",
            &Lang::ALL,
            Lang::code,
            describe::lang_name,
            &f.languages,
        ),
        checks(
            t,
            "evidence",
            &EvidenceKind::ALL,
            EvidenceKind::code,
            describe::evidence_kind,
            &f.evidence,
        ),
    ]
}

fn requirement_form(d: &FormData) -> RequirementForm {
    RequirementForm {
        kind: d.get("rule_kind"),
        text_fi: d.get("text_fi"),
        text_sv: d.get("text_sv"),
        text_en: d.get("text_en"),
        roles: d.all("roles"),
        degrees: d.all("degrees"),
        alt_any_higher: d.get("alt_any_higher"),
        areas: d.all("areas"),
        years: d.get("years"),
        trainings: d.all("trainings"),
        more_than: d.get("more_than"),
        municipalities: d.get("municipalities"),
        languages: d.all("languages"),
        evidence: d.all("evidence"),
    }
}

/// Field errors name the rule's kind `kind`; the form's field is `rule_kind`.
fn rename_kind(mut e: domain::validate::FieldErrors) -> domain::validate::FieldErrors {
    for x in &mut e.0 {
        if x.field == "kind" {
            x.field = "rule_kind".into();
        }
    }
    e
}

pub async fn new_requirement(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> Response {
    match app.service.lot(&actor, id).await {
        Ok(v) if v.may_edit => {}
        Ok(_) => {
            return render::service_error(
                &ctx,
                ServiceError::Denied(domain::access::Denial::OtherOrganisation),
            )
        }
        Err(e) => return render::service_error(&ctx, e),
    }
    let t = ctx.tr();
    form_page(
        &ctx,
        t.t("requirement-new-title"),
        format!("/lots/{id}/requirements"),
        "action-create",
        format!("/lots/{id}"),
        requirement_fields(&t, &RequirementForm::default()),
        None,
    )
}

pub async fn create_requirement(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let form = requirement_form(&FormData::parse(&body));
    match app.service.add_requirement(&actor, id, &form).await {
        Ok(()) => done(format!("/lots/{id}#requirements")),
        Err(ServiceError::Invalid(errs)) => {
            let t = ctx.tr();
            form_page(
                &ctx,
                t.t("requirement-new-title"),
                format!("/lots/{id}/requirements"),
                "action-create",
                format!("/lots/{id}"),
                requirement_fields(&t, &form),
                Some(&rename_kind(errs)),
            )
        }
        Err(e) => render::service_error(&ctx, e),
    }
}

pub async fn remove_requirement(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path((id, index)): Path<(String, usize)>,
) -> Response {
    let id = try_page!(parse_id(&ctx, &id));
    match app.service.remove_requirement(&actor, id, index).await {
        Ok(()) => done(format!("/lots/{id}#requirements")),
        Err(e) => render::service_error(&ctx, e),
    }
}

// ---- register --------------------------------------------------------------------------------

pub struct RegisterView {
    provider: String,
    business_id: String,
    unit: String,
    municipality: String,
    served: String,
    languages: String,
    free: String,
    lot_id: String,
    lot: Text,
    procurement: Text,
    price: String,
}

pub struct LotChoice {
    id: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    p: Page,
    words: String,
    municipality: String,
    free: bool,
    lots: Vec<LotChoice>,
    langs: Vec<(String, String, bool)>,
    count: i64,
    rows: Vec<RegisterView>,
}

pub async fn register(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let t = ctx.tr();
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let query = RegisterQuery {
        lot: uuid::Uuid::parse_str(&get("lot")).ok(),
        municipality: get("municipality"),
        language: Lang::parse(&get("language")).filter(|_| !get("language").is_empty()),
        free_capacity: get("free") == "yes",
        words: get("q"),
    };
    let rows = match app.service.register(&actor, &query).await {
        Ok(r) => r,
        Err(e) => return render::service_error(&ctx, e),
    };
    // The lot filter offers every lot of every procurement.
    let mut lots = Vec::new();
    if let Ok(ps) = app.service.procurements(&actor).await {
        for p in ps {
            if let Ok(v) = app.service.procurement(&actor, p.id).await {
                for l in v.lots {
                    lots.push(LotChoice {
                        id: l.id.to_string(),
                        label: format!(
                            "{} – {} {}",
                            p.data.title.get(t.lang).0,
                            l.data.number,
                            l.data.title.get(t.lang).0
                        ),
                        selected: query.lot == Some(l.id),
                    });
                }
            }
        }
    }
    render(&RegisterPage {
        p: Page::new(&ctx, t.t("register-title")),
        words: query.words.clone(),
        municipality: query.municipality.clone(),
        free: query.free_capacity,
        lots,
        langs: Lang::ALL
            .iter()
            .map(|l| {
                (
                    l.code().to_owned(),
                    describe::lang_name(&t, *l),
                    query.language == Some(*l),
                )
            })
            .collect(),
        count: rows.len() as i64,
        rows: rows
            .iter()
            .map(|r| RegisterView {
                provider: r.provider_name.clone(),
                business_id: r.business_id.clone(),
                unit: r.unit.name.clone(),
                municipality: r.unit.municipality.clone(),
                served: r.unit.served_municipalities.join(", "),
                languages: r
                    .unit
                    .languages
                    .iter()
                    .map(|l| describe::lang_name(&t, *l))
                    .collect::<Vec<_>>()
                    .join(", "),
                free: match (r.unit.free_capacity, r.unit.capacity) {
                    (Some(f), Some(c)) => format!("{f} / {c}"),
                    (Some(f), None) => f.to_string(),
                    _ => t.t("not-given"),
                },
                lot_id: r.lot_id.to_string(),
                lot: text(&t, &r.lot.title),
                procurement: text(&t, &r.procurement_title),
                price: r.price.map(|p| p.format(t.lang)).unwrap_or_default(),
            })
            .collect(),
    })
}
