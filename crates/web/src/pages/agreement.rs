//! Agreements and their follow-up: the purchaser's procurement staff make an agreement with its
//! service products and the year's order and propose changes as new versions; the provider's
//! signatory agrees; the provider reports volumes and cases on a form or in a CSV file; the
//! follow-up page compares the order with what was reported, for the group that meets each
//! quarter (seed 003: March, June, September, December).

use super::done;
use super::invoice::euros;
use crate::ctx::Ctx;
use crate::extract::{Id, PageResult, SignedIn};
use crate::forms::{attach_errors, Field, FormData, Opt, SummaryItem};
use crate::i18n::{Arg, Tr};
use crate::render::{render_status, Page};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use domain::agreement::{
    Agreement, AgreementKind, Indicator, Measure, Order, Period, ProcessingTarget, Product,
    ProductFollowUp, Signature, Unit, YearPrice,
};
use domain::calendar::DayCount;
use domain::money::Money;
use domain::org::Actor;
use domain::validate::FieldErrors;
use serde::Deserialize;
use service::agreement::{AgreementView, FollowUp, VolumeEntry};
use service::ServiceError;
use sheet::Cell;
use std::collections::HashMap;
use uuid::Uuid;

/// Product blocks shown on an empty form, and the most a form takes.
const BLANK_PRODUCTS: usize = 2;
const MAX_PRODUCTS: usize = 40;

fn unit_label(t: &Tr, u: Unit) -> String {
    t.t(&format!("agreement-unit-{}", u.code().replace('_', "-")))
}

fn kind_label(t: &Tr, k: AgreementKind) -> String {
    t.t(&format!("agreement-kind-{}", k.code().replace('_', "-")))
}

fn count_label(t: &Tr, c: DayCount) -> String {
    t.t(match c {
        DayCount::Calendar => "agreement-days-calendar",
        DayCount::Weekdays => "agreement-days-weekdays",
        DayCount::WorkingDays => "agreement-days-working",
    })
}

/// A processing-time target in words ("7 calendar days"): the agreement, follow-up, meeting
/// and processing-times pages all say it this way.
pub(crate) fn target_text(t: &Tr, days: u32, count: DayCount) -> String {
    t.ta(
        "agreement-target-text",
        &[
            ("days", Arg::N(i64::from(days))),
            ("count", Arg::S(count_label(t, count))),
        ],
    )
}

fn day_count_code(c: DayCount) -> &'static str {
    match c {
        DayCount::Calendar => "calendar",
        DayCount::Weekdays => "weekdays",
        DayCount::WorkingDays => "working_days",
    }
}

fn parse_day_count(s: &str) -> Option<DayCount> {
    match s.trim() {
        "calendar" => Some(DayCount::Calendar),
        "weekdays" => Some(DayCount::Weekdays),
        "working_days" => Some(DayCount::WorkingDays),
        _ => None,
    }
}

// ---- the list --------------------------------------------------------------------------------

pub struct ListRow {
    pub id: Uuid,
    pub title: String,
    pub party: String,
    pub kind: String,
    pub validity: String,
    pub status: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "agreements.html")]
struct ListPage {
    p: Page,
    rows: Vec<ListRow>,
    may_create: bool,
    purchaser: bool,
}

fn validity(t: &Tr, a: &Agreement) -> String {
    match a.valid_to {
        Some(to) => format!("{} – {}", t.date(a.valid_from), t.date(to)),
        None => format!("{} –", t.date(a.valid_from)),
    }
}

/// The contract value of the agreement's first ordered year, as "2013: 1 393 213,70 €".
fn value_text(t: &Tr, a: &Agreement) -> String {
    a.order_years()
        .first()
        .and_then(|y| {
            a.contract_value(*y)
                .map(|v| format!("{y}: {}", euros(t, v)))
        })
        .unwrap_or_default()
}

pub async fn agreements(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
) -> PageResult {
    let t = ctx.tr();
    let list = app.service.agreements(&actor).await?;
    let purchaser = actor.org_kind.is_purchaser();
    let rows = list
        .iter()
        .map(|s| ListRow {
            id: s.id,
            title: s.newest.title.clone(),
            party: if purchaser {
                s.provider_name.clone()
            } else {
                s.purchaser_name.clone()
            },
            kind: kind_label(&t, s.newest.kind),
            validity: validity(&t, &s.newest),
            status: match s.in_force {
                Some(v) if v == s.newest.version => t.t1("agreement-in-force", "version", v),
                Some(v) => t.ta(
                    "agreement-in-force-with-proposal",
                    &[
                        ("version", Arg::N(i64::from(v))),
                        ("proposed", Arg::N(i64::from(s.newest.version))),
                    ],
                ),
                None => t.t("agreement-waiting"),
            },
            value: value_text(&t, &s.newest),
        })
        .collect();
    Ok(render_status(
        StatusCode::OK,
        &ListPage {
            p: Page::new(&ctx, t.t("agreements-title")),
            rows,
            may_create: ctx.caps.create_agreement,
            purchaser,
        },
    ))
}

// ---- the agreement form ----------------------------------------------------------------------

/// One product block as typed.
#[derive(Debug, Clone, Default)]
pub struct ProductForm {
    pub code: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    pub unit: String,
    pub price: String,
    pub volume: String,
    pub target_days: String,
    pub target_count: String,
    /// One indicator a line: `code; name; count|amount; definition`.
    pub indicators: String,
}

impl ProductForm {
    fn is_blank(&self) -> bool {
        [
            &self.code,
            &self.name_fi,
            &self.name_sv,
            &self.name_en,
            &self.unit,
            &self.price,
            &self.volume,
            &self.target_days,
            &self.indicators,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }
}

/// The agreement form as typed.
#[derive(Debug, Clone, Default)]
pub struct AgreementForm {
    pub title: String,
    pub kind: String,
    pub provider: String,
    pub purchaser_contact: String,
    pub provider_contact: String,
    pub valid_from: String,
    pub valid_to: String,
    pub inspection_right: bool,
    /// The year the prices and the order are for.
    pub year: String,
    pub change_reason: String,
    pub products: Vec<ProductForm>,
}

impl AgreementForm {
    fn read(d: &FormData) -> AgreementForm {
        let n = d
            .get("products")
            .trim()
            .parse::<usize>()
            .unwrap_or(BLANK_PRODUCTS)
            .clamp(1, MAX_PRODUCTS);
        let products = (0..n)
            .map(|i| {
                let g = |k: &str| d.get(&format!("p{i}_{k}"));
                ProductForm {
                    code: g("code"),
                    name_fi: g("name_fi"),
                    name_sv: g("name_sv"),
                    name_en: g("name_en"),
                    unit: g("unit"),
                    price: g("price"),
                    volume: g("volume"),
                    target_days: g("target_days"),
                    target_count: g("target_count"),
                    indicators: g("indicators"),
                }
            })
            .collect();
        AgreementForm {
            title: d.get("title"),
            kind: d.get("kind"),
            provider: d.get("provider"),
            purchaser_contact: d.get("purchaser_contact"),
            provider_contact: d.get("provider_contact"),
            valid_from: d.get("valid_from"),
            valid_to: d.get("valid_to"),
            inspection_right: !d.get("inspection_right").is_empty(),
            year: d.get("year"),
            change_reason: d.get("change_reason"),
            products,
        }
    }

    /// The form of a version, for its change: the year is its first ordered year.
    fn of(a: &Agreement, t: &Tr) -> AgreementForm {
        let year = a
            .order_years()
            .first()
            .copied()
            .unwrap_or(chrono::Datelike::year(&a.valid_from));
        let money = |m: Money| m.format(t.lang);
        AgreementForm {
            title: a.title.clone(),
            kind: a.kind.code().into(),
            provider: a.provider.to_string(),
            purchaser_contact: a.purchaser_contact.clone(),
            provider_contact: a.provider_contact.clone(),
            valid_from: a.valid_from.to_string(),
            valid_to: a.valid_to.map(|d| d.to_string()).unwrap_or_default(),
            inspection_right: a.inspection_right,
            year: year.to_string(),
            change_reason: String::new(),
            products: a
                .products
                .iter()
                .map(|p| ProductForm {
                    code: p.code.clone(),
                    name_fi: p.name_fi.clone(),
                    name_sv: p.name_sv.clone(),
                    name_en: p.name_en.clone(),
                    unit: p.unit.code().into(),
                    price: p.price(year).map(money).unwrap_or_default(),
                    volume: a
                        .orders
                        .iter()
                        .find(|o| o.year == year && o.product == p.code)
                        .map(|o| o.volume.to_string())
                        .unwrap_or_default(),
                    target_days: p.target.map(|x| x.days.to_string()).unwrap_or_default(),
                    target_count: p
                        .target
                        .map(|x| day_count_code(x.count).to_owned())
                        .unwrap_or_default(),
                    indicators: p
                        .indicators
                        .iter()
                        .map(|i| {
                            format!(
                                "{}; {}; {}; {}",
                                i.code,
                                i.name,
                                match i.measure {
                                    Measure::Count => "count",
                                    Measure::Amount => "amount",
                                },
                                i.definition
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                })
                .collect(),
        }
    }

    /// The version the form describes, or what is wrong with it, by field. `before` is the
    /// version it changes: the prices of other years stay as they were.
    fn agreement(
        &self,
        lang: domain::locale::Lang,
        before: Option<&Agreement>,
    ) -> (Agreement, FieldErrors) {
        let mut e = FieldErrors::default();
        let title = e.required("title", &self.title, 300);
        let kind = AgreementKind::parse(&self.kind).unwrap_or_else(|| {
            e.add("kind", "agreement-kind-unknown");
            AgreementKind::Internal
        });
        let provider = Uuid::parse_str(self.provider.trim()).unwrap_or_else(|_| {
            e.add("provider", "provider-unknown");
            Uuid::nil()
        });
        let purchaser_contact = e.optional("purchaser_contact", &self.purchaser_contact, 300);
        let provider_contact = e.optional("provider_contact", &self.provider_contact, 300);
        let valid_from = domain::staff::parse_date(&self.valid_from).unwrap_or_else(|| {
            e.add("valid_from", "date-format");
            chrono::NaiveDate::MIN
        });
        let valid_to = match self.valid_to.trim() {
            "" => None,
            s => match domain::staff::parse_date(s) {
                Some(d) => Some(d),
                None => {
                    e.add("valid_to", "date-format");
                    None
                }
            },
        };
        let year = match self.year.trim() {
            "" => chrono::Datelike::year(&valid_from),
            s => match s.parse::<i32>() {
                Ok(y) if (2000..=2100).contains(&y) => y,
                _ => {
                    e.add("year", "number-format");
                    0
                }
            },
        };
        // Which block each product and each order came from, to put the domain's refusals of
        // `products[i]` and `orders[k]` next to the block's fields.
        let mut product_block = Vec::new();
        let mut order_block = Vec::new();
        let mut products = Vec::new();
        let mut orders = Vec::new();
        for (b, p) in self.products.iter().enumerate() {
            if p.is_blank() {
                continue;
            }
            let f = |k: &str| format!("p{b}_{k}");
            let unit = Unit::parse(&p.unit).unwrap_or_else(|| {
                e.add(&f("unit"), "unit-unknown");
                Unit::Client
            });
            let price = match p.price.trim() {
                "" => {
                    e.add(&f("price"), "required");
                    None
                }
                s => match Money::parse(s, lang) {
                    Ok(m) if !m.is_negative() => Some(m),
                    Ok(_) => {
                        e.add(&f("price"), "money-format");
                        None
                    }
                    Err(err) => {
                        e.add(&f("price"), err.code());
                        None
                    }
                },
            };
            let target = match p.target_days.trim() {
                "" => None,
                s => match (s.parse::<u32>(), parse_day_count(&p.target_count)) {
                    (Ok(days), Some(count)) if days <= 365 => {
                        Some(ProcessingTarget { days, count })
                    }
                    (Ok(_), None) => {
                        e.add(&f("target_count"), "invalid-choice");
                        None
                    }
                    _ => {
                        e.add(&f("target_days"), "number-format");
                        None
                    }
                },
            };
            let mut indicators = Vec::new();
            for line in p.indicators.lines().filter(|l| !l.trim().is_empty()) {
                let mut parts = line.split(';').map(str::trim);
                let code = parts.next().unwrap_or_default().to_owned();
                let name = parts.next().unwrap_or_default().to_owned();
                let measure = match parts.next().unwrap_or_default() {
                    "amount" | "summa" | "belopp" | "€" => Measure::Amount,
                    _ => Measure::Count,
                };
                let definition = parts.collect::<Vec<_>>().join("; ");
                indicators.push(Indicator {
                    name: if name.is_empty() { code.clone() } else { name },
                    code,
                    measure,
                    definition,
                });
            }
            let code = p.code.trim().to_owned();
            let mut prices: Vec<YearPrice> = before
                .and_then(|a| a.product(&code))
                .map(|old| {
                    old.prices
                        .iter()
                        .filter(|x| x.year != year)
                        .copied()
                        .collect()
                })
                .unwrap_or_default();
            if let Some(price) = price {
                prices.push(YearPrice { year, price });
                prices.sort_by_key(|x| x.year);
            }
            match p.volume.trim() {
                "" => {}
                s => match s.replace([' ', '\u{a0}'], "").parse::<i64>() {
                    Ok(v) if v >= 0 => {
                        order_block.push(b);
                        orders.push(Order {
                            year,
                            product: code.clone(),
                            volume: v,
                        });
                    }
                    _ => e.add(&f("volume"), "number-format"),
                },
            }
            product_block.push(b);
            products.push(Product {
                code,
                name_fi: p.name_fi.trim().to_owned(),
                name_sv: p.name_sv.trim().to_owned(),
                name_en: p.name_en.trim().to_owned(),
                unit,
                prices: if price.is_some() || before.is_some() {
                    prices
                } else {
                    Vec::new()
                },
                indicators,
                target,
            });
        }
        // Orders of other years stay as the version before had them.
        if let Some(b) = before {
            orders.extend(b.orders.iter().filter(|o| o.year != year).cloned());
        }
        let a = Agreement {
            title,
            kind,
            provider,
            procurement: before.and_then(|b| b.procurement),
            purchaser_contact,
            provider_contact,
            valid_from,
            valid_to,
            inspection_right: self.inspection_right,
            products,
            orders,
            version: 0,
            change_reason: String::new(),
            proposed: Signature {
                name: String::new(),
                at: chrono::DateTime::<chrono::Utc>::MIN_UTC,
            },
            agreed: None,
        };
        // A block's own refusals are already named; the domain's rules follow, renamed.
        let domain_errs = a.validate();
        for err in domain_errs.0 {
            e.add(
                &block_field(&err.field, &product_block, &order_block),
                &err.code,
            );
        }
        dedup(&mut e);
        (a, e)
    }
}

/// Keeps the first refusal of each field.
fn dedup(e: &mut FieldErrors) {
    let mut seen = std::collections::HashSet::new();
    e.0.retain(|x| seen.insert(x.field.clone()));
}

/// The form field of a domain refusal: `products[i].price` → `p{block}_price`,
/// `orders[k].…` → the block's volume, anything else as it is.
fn block_field(field: &str, product_block: &[usize], order_block: &[usize]) -> String {
    let index = |s: &str| -> Option<(usize, String)> {
        let (i, rest) = s.split_once(']')?;
        Some((i.parse().ok()?, rest.trim_start_matches('.').to_owned()))
    };
    if let Some((i, rest)) = field.strip_prefix("products[").and_then(index) {
        if let Some(b) = product_block.get(i) {
            let key = if rest.starts_with("indicators") {
                "indicators"
            } else {
                rest.as_str()
            };
            return format!("p{b}_{key}");
        }
    }
    if let Some((k, _)) = field.strip_prefix("orders[").and_then(index) {
        if let Some(b) = order_block.get(k) {
            return format!("p{b}_volume");
        }
    }
    field.to_owned()
}

/// One product block's fields.
pub struct Block {
    pub legend: String,
    pub fields: Vec<Field>,
}

#[derive(Template)]
#[template(path = "agreement_form.html")]
struct FormPage {
    p: Page,
    action: String,
    cancel: String,
    fields: Vec<Field>,
    blocks: Vec<Block>,
    products: usize,
    summary: Vec<SummaryItem>,
}

fn select(t: &Tr, name: &'static str, value: &str, opts: Vec<(String, String)>) -> Field {
    Field::new(t, name, "select", value).options(
        opts.into_iter()
            .map(|(v, label)| Opt {
                selected: v == value,
                value: v,
                label,
            })
            .collect(),
    )
}

fn head_fields(
    t: &Tr,
    f: &AgreementForm,
    providers: &[(Uuid, String)],
    change: bool,
) -> Vec<Field> {
    let mut v = Vec::new();
    if change {
        v.push(Field::new(t, "change_reason", "textarea", &f.change_reason).required());
    }
    v.push(Field::new(t, "title", "text", &f.title).required());
    v.push(
        select(
            t,
            "kind",
            &f.kind,
            AgreementKind::ALL
                .iter()
                .map(|k| (k.code().to_owned(), kind_label(t, *k)))
                .collect(),
        )
        .required(),
    );
    if !change {
        v.push(
            select(
                t,
                "provider",
                &f.provider,
                providers
                    .iter()
                    .map(|(id, n)| (id.to_string(), n.clone()))
                    .collect(),
            )
            .required(),
        );
    }
    v.push(Field::new(
        t,
        "purchaser_contact",
        "text",
        &f.purchaser_contact,
    ));
    v.push(Field::new(
        t,
        "provider_contact",
        "text",
        &f.provider_contact,
    ));
    v.push(Field::new(t, "valid_from", "date", &f.valid_from).required());
    v.push(Field::new(t, "valid_to", "date", &f.valid_to));
    v.push(
        Field::new(t, "inspection_right", "checkboxes", "").options(vec![Opt {
            value: "1".into(),
            label: t.t("agreement-inspection-right-label"),
            selected: f.inspection_right,
        }]),
    );
    v.push(
        Field::new(t, "year", "text", &f.year)
            .required()
            .hint(t, "hint-agreement-year"),
    );
    v
}

fn product_block(t: &Tr, i: usize, p: &ProductForm) -> Block {
    let label = |k: &str| t.t(&format!("field-product-{}", k.replace('_', "-")));
    let field = |k: &str, kind: &'static str, value: &str| {
        Field::named(format!("p{i}_{k}"), label(k), kind, value)
    };
    let mut unit = field("unit", "select", &p.unit);
    unit.options = Unit::ALL
        .iter()
        .map(|u| Opt {
            value: u.code().into(),
            label: unit_label(t, *u),
            selected: u.code() == p.unit,
        })
        .collect();
    unit.required = true;
    let mut count = field("target_count", "select", &p.target_count);
    count.options = [
        DayCount::Calendar,
        DayCount::WorkingDays,
        DayCount::Weekdays,
    ]
    .iter()
    .map(|c| Opt {
        value: day_count_code(*c).into(),
        label: count_label(t, *c),
        selected: day_count_code(*c) == p.target_count,
    })
    .collect();
    let mut code = field("code", "text", &p.code);
    code.hint = Some(t.t("hint-product-code"));
    let mut price = field("price", "text", &p.price);
    price.hint = Some(t.t("hint-money"));
    price.required = true;
    let mut indicators = field("indicators", "textarea", &p.indicators);
    indicators.hint = Some(t.t("hint-product-indicators"));
    let mut name = field("name_fi", "text", &p.name_fi);
    name.required = true;
    code.required = true;
    Block {
        legend: t.t1("agreement-product-n", "n", i + 1),
        fields: vec![
            code,
            name,
            field("name_sv", "text", &p.name_sv),
            field("name_en", "text", &p.name_en),
            unit,
            price,
            field("volume", "text", &p.volume),
            field("target_days", "text", &p.target_days),
            count,
            indicators,
        ],
    }
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    ctx: &Ctx,
    title: String,
    action: String,
    cancel: String,
    f: &AgreementForm,
    providers: &[(Uuid, String)],
    change: bool,
    errs: Option<&FieldErrors>,
) -> axum::response::Response {
    let t = ctx.tr();
    let mut fields = head_fields(&t, f, providers, change);
    let mut blocks: Vec<Block> = f
        .products
        .iter()
        .enumerate()
        .map(|(i, p)| product_block(&t, i, p))
        .collect();
    let summary = errs
        .map(|e| {
            // One summary over the head and every block, in the form's order.
            let mut all: Vec<Field> = std::mem::take(&mut fields);
            let counts: Vec<usize> = blocks.iter().map(|b| b.fields.len()).collect();
            for b in &mut blocks {
                all.append(&mut b.fields);
            }
            let s = attach_errors(&t, &mut all, e);
            let mut rest = all.split_off(all.len() - counts.iter().sum::<usize>());
            fields = all;
            for (b, n) in blocks.iter_mut().zip(counts) {
                let tail = rest.split_off(n);
                b.fields = rest;
                rest = tail;
            }
            s
        })
        .unwrap_or_default();
    let mut p = Page::new(ctx, title);
    if !summary.is_empty() {
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
            action,
            cancel,
            fields,
            products: blocks.len(),
            blocks,
            summary,
        },
    )
}

async fn providers(app: &AppState, actor: &Actor) -> Result<Vec<(Uuid, String)>, ServiceError> {
    let mut v: Vec<(Uuid, String)> = app
        .service
        .organisations(actor)
        .await?
        .into_iter()
        .filter(|o| o.active && o.kind.is_provider())
        .map(|o| (o.id, o.name))
        .collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(v)
}

pub async fn new_form(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
) -> PageResult {
    let t = ctx.tr();
    app.service
        .permit(
            &actor,
            domain::access::Action::Create,
            domain::access::Resource::Agreements {
                org_id: actor.org_id,
            },
            domain::audit::RecordKind::Agreement,
            None,
        )
        .await?;
    let f = AgreementForm {
        inspection_right: true,
        products: vec![ProductForm::default(); BLANK_PRODUCTS],
        ..AgreementForm::default()
    };
    let providers = providers(&app, &actor).await?;
    Ok(form_page(
        &ctx,
        t.t("agreement-new-title"),
        "/agreements".into(),
        "/agreements".into(),
        &f,
        &providers,
        false,
        None,
    ))
}

/// "Add a product" re-renders the form with one more block; otherwise the form is saved.
fn wants_more(d: &FormData, f: &mut AgreementForm) -> bool {
    if d.get("more").is_empty() {
        return false;
    }
    if f.products.len() < MAX_PRODUCTS {
        f.products.push(ProductForm::default());
    }
    true
}

pub async fn create(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    body: Bytes,
) -> PageResult {
    let t = ctx.tr();
    let d = FormData::parse(&body);
    let mut f = AgreementForm::read(&d);
    let providers = providers(&app, &actor).await?;
    let page = |f: &AgreementForm, e: Option<&FieldErrors>| {
        form_page(
            &ctx,
            t.t("agreement-new-title"),
            "/agreements".into(),
            "/agreements".into(),
            f,
            &providers,
            false,
            e,
        )
    };
    if wants_more(&d, &mut f) {
        return Ok(page(&f, None));
    }
    let (a, e) = f.agreement(ctx.lang, None);
    if !e.is_empty() {
        return Ok(page(&f, Some(&e)));
    }
    match app.service.create_agreement(&actor, &a).await {
        Ok(id) => Ok(done(format!("/agreements/{id}"))),
        Err(ServiceError::Invalid(e)) => Ok(page(&f, Some(&rename(&e, &f)))),
        Err(e) => Err(e.into()),
    }
}

/// The service's refusals of a version, named as the form's fields.
fn rename(e: &FieldErrors, f: &AgreementForm) -> FieldErrors {
    let product_block: Vec<usize> = f
        .products
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.is_blank())
        .map(|(b, _)| b)
        .collect();
    let order_block: Vec<usize> = f
        .products
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.is_blank() && !p.volume.trim().is_empty())
        .map(|(b, _)| b)
        .collect();
    let mut out = FieldErrors::default();
    for x in &e.0 {
        out.add(
            &block_field(&x.field, &product_block, &order_block),
            &x.code,
        );
    }
    out
}

pub async fn change_form(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> PageResult {
    let t = ctx.tr();
    let v = app.service.agreement(&actor, id).await?;
    if !v.may_change {
        return Err(ServiceError::Denied(domain::access::Denial::MissingRole).into());
    }
    let Some(newest) = v.newest() else {
        return Err(ServiceError::NotFound.into());
    };
    let mut f = AgreementForm::of(newest, &t);
    f.products.push(ProductForm::default());
    Ok(form_page(
        &ctx,
        t.t1("agreement-change-title", "title", &newest.title),
        format!("/agreements/{id}/change"),
        format!("/agreements/{id}"),
        &f,
        &[],
        true,
        None,
    ))
}

pub async fn change(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> PageResult {
    let t = ctx.tr();
    let d = FormData::parse(&body);
    let mut f = AgreementForm::read(&d);
    let v = app.service.agreement(&actor, id).await?;
    let Some(before) = v.newest().cloned() else {
        return Err(ServiceError::NotFound.into());
    };
    f.provider = before.provider.to_string();
    let page = |f: &AgreementForm, e: Option<&FieldErrors>| {
        form_page(
            &ctx,
            t.t1("agreement-change-title", "title", &before.title),
            format!("/agreements/{id}/change"),
            format!("/agreements/{id}"),
            f,
            &[],
            true,
            e,
        )
    };
    if wants_more(&d, &mut f) {
        return Ok(page(&f, None));
    }
    let (a, mut e) = f.agreement(ctx.lang, Some(&before));
    if f.change_reason.trim().is_empty() {
        e.add("change_reason", "required");
    }
    if !e.is_empty() {
        return Ok(page(&f, Some(&e)));
    }
    match app
        .service
        .change_agreement(&actor, id, &a, &f.change_reason)
        .await
    {
        Ok(_) => Ok(done(format!("/agreements/{id}"))),
        Err(ServiceError::Invalid(e)) => Ok(page(&f, Some(&rename(&e, &f)))),
        Err(e) => Err(e.into()),
    }
}

// ---- one agreement ---------------------------------------------------------------------------

pub struct ProductRow {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub price: String,
    pub ordered: String,
    pub value: String,
    pub target: String,
    pub indicators: String,
}

pub struct VersionRow {
    pub version: u32,
    pub proposed: String,
    pub agreed: String,
    pub reason: String,
    pub value: String,
}

/// A product's line on the reporting form.
pub struct ReportLine {
    pub name: String,
    pub count: Field,
    pub indicators: Vec<Field>,
}

impl ReportLine {
    /// The count and the indicators, as the form shows them.
    pub fn all(&self) -> Vec<Field> {
        std::iter::once(self.count.clone())
            .chain(self.indicators.iter().cloned())
            .collect()
    }
}

pub struct ReportRow {
    pub period: String,
    pub product: String,
    pub count: String,
    pub indicators: String,
    pub cases: usize,
    pub version: u32,
    pub reported: String,
}

#[derive(Template)]
#[template(path = "agreement.html")]
struct ShowPage {
    p: Page,
    id: Uuid,
    purchaser: String,
    provider: String,
    kind: String,
    validity: String,
    contacts: String,
    inspection: String,
    /// The version shown: the newest.
    version: u32,
    status: String,
    products: Vec<ProductRow>,
    value: String,
    versions: Vec<VersionRow>,
    may_change: bool,
    may_agree: bool,
    may_report: bool,
    /// The reporting form's period field, alone in a list as the fields template takes it.
    period_fields: Vec<Field>,
    lines: Vec<ReportLine>,
    reports: Vec<ReportRow>,
    follow_up: Option<String>,
    summary: Vec<SummaryItem>,
    upload_errors: Vec<String>,
    notice: Option<String>,
}

fn product_rows(t: &Tr, a: &Agreement) -> Vec<ProductRow> {
    let year = a.order_years().first().copied();
    a.products
        .iter()
        .map(|p| {
            let ordered = year.and_then(|y| {
                a.orders
                    .iter()
                    .find(|o| o.year == y && o.product == p.code)
                    .map(|o| o.volume)
            });
            let price = year.and_then(|y| p.price(y));
            ProductRow {
                code: p.code.clone(),
                name: p.name(t.lang).to_owned(),
                unit: unit_label(t, p.unit),
                price: p
                    .prices
                    .iter()
                    .map(|x| format!("{}: {}", x.year, euros(t, x.price)))
                    .collect::<Vec<_>>()
                    .join(", "),
                ordered: ordered.map(|n| n.to_string()).unwrap_or_default(),
                value: match (ordered, price) {
                    (Some(n), Some(pr)) => {
                        pr.checked_mul(n).map(|m| euros(t, m)).unwrap_or_default()
                    }
                    _ => String::new(),
                },
                target: p
                    .target
                    .map(|x| target_text(t, x.days, x.count))
                    .unwrap_or_default(),
                indicators: p
                    .indicators
                    .iter()
                    .map(|i| format!("{} ({})", i.name, i.code))
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        })
        .collect()
}

/// The figures typed on the reporting form, kept when it comes back refused.
type Typed = HashMap<String, String>;

fn report_lines(t: &Tr, a: &Agreement, typed: &Typed) -> Vec<ReportLine> {
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    a.products
        .iter()
        .map(|p| {
            let count_name = format!("{}.count", p.code);
            ReportLine {
                name: p.name(t.lang).to_owned(),
                count: Field::named(
                    count_name.clone(),
                    t.t1("agreement-report-count", "unit", unit_label(t, p.unit)),
                    "text",
                    &get(&count_name),
                ),
                indicators: p
                    .indicators
                    .iter()
                    .map(|i| {
                        let name = format!("{}.{}", p.code, i.code);
                        let mut f = Field::named(name.clone(), i.name.clone(), "text", &get(&name));
                        if i.measure == Measure::Amount {
                            f.hint = Some(t.t("hint-money"));
                        }
                        f
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The quarter of the follow-up to open first: the last one reported, else the first of the
/// order.
fn default_period(v: &AgreementView) -> Option<Period> {
    let reported = v
        .reports
        .iter()
        .map(|r| r.period)
        .max_by_key(|p| (p.year(), p.last_month()));
    let q = |p: Period| Period::Quarter {
        year: p.year(),
        quarter: p.last_month().div_ceil(3),
    };
    reported.map(q).or_else(|| {
        let a = v.in_force().or(v.newest())?;
        let y = a.order_years().first().copied()?;
        Some(Period::Quarter {
            year: y,
            quarter: 1,
        })
    })
}

struct ShowState<'a> {
    typed: Typed,
    errs: Option<&'a FieldErrors>,
    upload_errors: Vec<String>,
    notice: Option<String>,
}

async fn show_page(
    app: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: Uuid,
    s: ShowState<'_>,
) -> PageResult {
    let t = ctx.tr();
    let v = app.service.agreement(actor, id).await?;
    let Some(newest) = v.newest() else {
        return Err(ServiceError::NotFound.into());
    };
    let in_force = v.in_force();
    let status = match in_force {
        Some(a) if a.version == newest.version => t.t1("agreement-in-force", "version", a.version),
        Some(a) => t.ta(
            "agreement-in-force-with-proposal",
            &[
                ("version", Arg::N(i64::from(a.version))),
                ("proposed", Arg::N(i64::from(newest.version))),
            ],
        ),
        None => t.t("agreement-waiting"),
    };
    let reporting = in_force.unwrap_or(newest);
    let mut period = Field::named(
        "period".into(),
        t.t("agreement-report-period"),
        "text",
        &s.typed.get("period").cloned().unwrap_or_default(),
    )
    .required()
    .hint(&t, "hint-period");
    let mut lines = report_lines(&t, reporting, &s.typed);
    let summary = match s.errs {
        Some(e) => {
            let mut all = vec![std::mem::replace(
                &mut period,
                Field::named(String::new(), String::new(), "text", ""),
            )];
            let shape: Vec<usize> = lines.iter().map(|l| l.indicators.len()).collect();
            for l in &mut lines {
                all.push(std::mem::replace(
                    &mut l.count,
                    Field::named(String::new(), String::new(), "text", ""),
                ));
                all.append(&mut l.indicators);
            }
            let summary = attach_errors(&t, &mut all, e);
            let mut it = all.into_iter();
            if let Some(f) = it.next() {
                period = f;
            }
            for (l, n) in lines.iter_mut().zip(shape) {
                if let Some(f) = it.next() {
                    l.count = f;
                }
                l.indicators = it.by_ref().take(n).collect();
            }
            summary
        }
        None => Vec::new(),
    };
    let mut reports: Vec<ReportRow> = v
        .reports
        .iter()
        .map(|r| {
            let product = reporting.product(&r.product);
            ReportRow {
                period: r.period.code(),
                product: product
                    .map(|p| p.name(t.lang).to_owned())
                    .unwrap_or_else(|| r.product.clone()),
                count: r.count.to_string(),
                indicators: r
                    .indicators
                    .iter()
                    .map(|(k, n)| {
                        let ind = product.and_then(|p| p.indicators.iter().find(|i| &i.code == k));
                        let value = match ind.map(|i| i.measure) {
                            Some(Measure::Amount) => euros(&t, Money::from_cents(*n)),
                            _ => n.to_string(),
                        };
                        format!("{}: {value}", ind.map(|i| i.name.as_str()).unwrap_or(k))
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                cases: r.cases.len(),
                version: r.version,
                reported: format!("{}, {}", r.reported.name, t.datetime(r.reported.at)),
            }
        })
        .collect();
    reports.sort_by(|a, b| {
        a.period
            .cmp(&b.period)
            .then_with(|| a.product.cmp(&b.product))
    });
    let mut p = Page::new(ctx, newest.title.clone());
    if !summary.is_empty() || !s.upload_errors.is_empty() {
        p.title = t.t1("title-with-errors", "title", &p.title);
    }
    let refused = s.errs.is_some() || !s.upload_errors.is_empty();
    Ok(render_status(
        if refused {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ShowPage {
            p,
            id,
            purchaser: v.purchaser_name.clone(),
            provider: v.provider_name.clone(),
            kind: kind_label(&t, newest.kind),
            validity: validity(&t, newest),
            contacts: [
                newest.purchaser_contact.as_str(),
                newest.provider_contact.as_str(),
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" · "),
            inspection: t.t(if newest.inspection_right {
                "agreement-inspection-yes"
            } else {
                "agreement-inspection-no"
            }),
            version: newest.version,
            status,
            products: product_rows(&t, newest),
            value: value_text(&t, newest),
            versions: v
                .versions
                .iter()
                .rev()
                .map(|d| VersionRow {
                    version: d.data.version,
                    proposed: format!(
                        "{}, {}",
                        d.data.proposed.name,
                        t.datetime(d.data.proposed.at)
                    ),
                    agreed: d
                        .data
                        .agreed
                        .as_ref()
                        .map(|s| format!("{}, {}", s.name, t.datetime(s.at)))
                        .unwrap_or_default(),
                    reason: d.data.change_reason.clone(),
                    value: value_text(&t, &d.data),
                })
                .collect(),
            may_change: v.may_change,
            may_agree: v.may_agree,
            may_report: v.may_report && in_force.is_some(),
            period_fields: vec![period],
            lines,
            reports,
            follow_up: default_period(&v).map(|p| p.code()),
            summary,
            upload_errors: s.upload_errors,
            notice: s.notice,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    pub reported: Option<usize>,
}

pub async fn show(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let notice = q
        .reported
        .map(|n| ctx.tr().tn("agreement-reported", "n", n as i64));
    show_page(
        &app,
        &ctx,
        &actor,
        id,
        ShowState {
            typed: Typed::new(),
            errs: None,
            upload_errors: Vec::new(),
            notice,
        },
    )
    .await
}

pub async fn agree(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> PageResult {
    let d = FormData::parse(&body);
    let version = d.get("version").trim().parse::<u32>().unwrap_or(0);
    match app.service.agree_to_agreement(&actor, id, version).await {
        Ok(()) => Ok(done(format!("/agreements/{id}"))),
        Err(ServiceError::Invalid(e)) => {
            let t = ctx.tr();
            let msgs = e.0.iter().map(|x| t.error(&x.code)).collect();
            show_page(
                &app,
                &ctx,
                &actor,
                id,
                ShowState {
                    typed: Typed::new(),
                    errs: None,
                    upload_errors: msgs,
                    notice: None,
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The provider's figures for one period, a line per product.
pub async fn report(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> PageResult {
    let d = FormData::parse(&body);
    let typed: Typed = d
        .all_pairs()
        .into_iter()
        .filter(|(k, _)| k != "csrf")
        .collect();
    let v = app.service.agreement(&actor, id).await?;
    let Some(a) = v.in_force().or(v.newest()).cloned() else {
        return Err(ServiceError::NotFound.into());
    };
    let entries: Vec<VolumeEntry> = a
        .products
        .iter()
        .map(|p| VolumeEntry {
            product: p.code.clone(),
            count: d.get(&format!("{}.count", p.code)),
            indicators: p
                .indicators
                .iter()
                .map(|i| (i.code.clone(), d.get(&format!("{}.{}", p.code, i.code))))
                .collect(),
        })
        .collect();
    match app
        .service
        .report_volumes(&actor, id, &d.get("period"), &entries, ctx.lang)
        .await
    {
        Ok(n) => Ok(done(format!("/agreements/{id}?reported={n}"))),
        Err(ServiceError::Invalid(e)) => {
            show_page(
                &app,
                &ctx,
                &actor,
                id,
                ShowState {
                    typed,
                    errs: Some(&e),
                    upload_errors: Vec::new(),
                    notice: None,
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The words for a file's refusal: "Rivi 3, sarake count: Anna kokonaisluku."
fn upload_messages(t: &Tr, e: &FieldErrors) -> Vec<String> {
    e.0.iter()
        .map(|x| match x.field.split_once(':') {
            Some((row, column)) => t.ta(
                "agreement-upload-error",
                &[
                    ("row", Arg::S(row.to_owned())),
                    ("column", Arg::S(column.to_owned())),
                    ("message", Arg::S(t.error(&x.code))),
                ],
            ),
            None => t.error(&x.code),
        })
        .collect()
}

/// Largest upload read: far above any agreement's year of volumes or cases.
pub(crate) const MAX_UPLOAD: usize = 8 * 1024 * 1024;

pub async fn upload(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    mut form: Multipart,
) -> PageResult {
    let t = ctx.tr();
    // The gate first: a file is read only for whom may report under this agreement.
    let v = app.service.agreement(&actor, id).await?;
    let (purchaser_id, provider_id) = v
        .versions
        .first()
        .map(|d| (d.owner_id, d.data.provider))
        .ok_or(ServiceError::NotFound)?;
    app.service
        .permit(
            &actor,
            domain::access::Action::Create,
            domain::access::Resource::Agreement {
                purchaser_id,
                provider_id,
            },
            domain::audit::RecordKind::Agreement,
            Some(id),
        )
        .await?;
    let mut bytes = Vec::new();
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("file") {
            match field.bytes().await {
                Ok(b) => bytes = b.to_vec(),
                Err(_) => break,
            }
        }
    }
    let refuse = |msgs: Vec<String>| ShowState {
        typed: Typed::new(),
        errs: None,
        upload_errors: msgs,
        notice: None,
    };
    if bytes.is_empty() {
        let s = refuse(vec![t.error("file-required")]);
        return show_page(&app, &ctx, &actor, id, s).await;
    }
    if bytes.len() > MAX_UPLOAD {
        let s = refuse(vec![t.error("file-too-long")]);
        return show_page(&app, &ctx, &actor, id, s).await;
    }
    // CSV or XLSX alike, read into rows first, off the request threads (unzipping and
    // parsing a workbook is work for the CPU).
    let read = tokio::task::spawn_blocking(move || sheet::read(&bytes))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let rows = match read {
        Ok(rows) => rows,
        Err(e) => {
            let s = refuse(vec![t.error(e.code())]);
            return show_page(&app, &ctx, &actor, id, s).await;
        }
    };
    match app.service.report_file(&actor, id, &rows, ctx.lang).await {
        Ok(n) => Ok(done(format!("/agreements/{id}?reported={n}"))),
        Err(ServiceError::Invalid(e)) => {
            let s = refuse(upload_messages(&t, &e));
            show_page(&app, &ctx, &actor, id, s).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- the follow-up ---------------------------------------------------------------------------

pub struct FollowRow {
    pub name: String,
    pub unit: String,
    pub ordered: String,
    pub realised: String,
    pub share: String,
    pub projected: String,
    pub ordered_value: String,
    pub realised_value: String,
    pub projected_value: String,
    /// Projected above the order.
    pub over: bool,
}

pub struct IndicatorRow {
    pub product: String,
    pub name: String,
    pub value: String,
}

pub struct ProcessingRow {
    pub product: String,
    /// "Target 7 calendar days: 120 cases, 118 decided, 96 % within the target."
    pub summary: String,
    pub breaches: Vec<BreachRow>,
}

pub struct BreachRow {
    pub reference: String,
    pub due: String,
    pub days: i64,
    pub state: String,
}

/// A bar of the chart: its label, lengths in the drawing's units and the figures it shows.
pub struct Bar {
    pub label: String,
    pub y: u32,
    pub ordered: u32,
    pub realised: u32,
    pub projected: u32,
}

#[derive(Template)]
#[template(path = "follow_up.html")]
struct FollowUpPage {
    p: Page,
    id: Uuid,
    provider: String,
    version: u32,
    period: String,
    periods: Vec<Opt>,
    rows: Vec<FollowRow>,
    indicators: Vec<IndicatorRow>,
    processing: Vec<ProcessingRow>,
    bars: Vec<Bar>,
    chart_height: u32,
    csv: String,
    xlsx: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FollowQuery {
    pub period: String,
}

fn follow_rows(t: &Tr, f: &FollowUp) -> Vec<FollowRow> {
    f.products
        .iter()
        .map(|x: &ProductFollowUp| {
            let p = f.agreement.product(&x.product);
            FollowRow {
                name: p.map(|p| p.name(t.lang).to_owned()).unwrap_or_default(),
                unit: p.map(|p| unit_label(t, p.unit)).unwrap_or_default(),
                ordered: x.ordered.to_string(),
                realised: x.realised.to_string(),
                share: x.share.map(|s| format!("{s} %")).unwrap_or_default(),
                projected: x.projected.to_string(),
                ordered_value: euros(t, x.ordered_value),
                realised_value: euros(t, x.realised_value),
                projected_value: euros(t, x.projected_value),
                over: x.ordered > 0 && x.projected > x.ordered,
            }
        })
        .collect()
}

/// The periods a follow-up can be opened for: each quarter of the years the order covers.
fn period_options(a: &Agreement, chosen: Period) -> Vec<Opt> {
    let mut years = a.order_years();
    if years.is_empty() {
        years.push(chosen.year());
    }
    years
        .iter()
        .flat_map(|y| {
            (1..=4).map(move |q| Period::Quarter {
                year: *y,
                quarter: q,
            })
        })
        .map(|p| Opt {
            value: p.code(),
            label: p.code(),
            selected: p == chosen,
        })
        .collect()
}

async fn follow_up_of(
    app: &AppState,
    actor: &Actor,
    id: Uuid,
    q: &FollowQuery,
) -> Result<FollowUp, ServiceError> {
    let period = match Period::parse(&q.period) {
        Some(p) => p,
        None => {
            let v = app.service.agreement(actor, id).await?;
            default_period(&v).ok_or(ServiceError::NotFound)?
        }
    };
    app.service.agreement_follow_up(actor, id, period).await
}

pub async fn follow_up(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Query(q): Query<FollowQuery>,
) -> PageResult {
    let t = ctx.tr();
    let f = follow_up_of(&app, &actor, id, &q).await?;
    let rows = follow_rows(&t, &f);
    let mut indicators = Vec::new();
    let mut processing = Vec::new();
    for x in &f.products {
        let Some(p) = f.agreement.product(&x.product) else {
            continue;
        };
        for (code, n) in &x.indicators {
            if let Some(i) = p.indicators.iter().find(|i| &i.code == code) {
                indicators.push(IndicatorRow {
                    product: p.name(t.lang).to_owned(),
                    name: i.name.clone(),
                    value: match i.measure {
                        Measure::Amount => euros(&t, Money::from_cents(*n)),
                        Measure::Count => n.to_string(),
                    },
                });
            }
        }
        if let (Some(s), Some(target)) = (&x.processing, p.target) {
            let target = target_text(&t, target.days, target.count);
            let count = |n: usize| Arg::N(i64::try_from(n).unwrap_or(i64::MAX));
            processing.push(ProcessingRow {
                product: p.name(t.lang).to_owned(),
                summary: t.ta(
                    "agreement-processing-summary",
                    &[
                        ("target", Arg::S(target)),
                        ("cases", count(s.cases)),
                        ("ended", count(s.ended)),
                        (
                            "within",
                            Arg::S(
                                s.share_within
                                    .map(|n| format!("{n} %"))
                                    .unwrap_or_else(|| "–".into()),
                            ),
                        ),
                    ],
                ),
                breaches: s
                    .breaches
                    .iter()
                    .map(|b| BreachRow {
                        reference: b.key.clone(),
                        due: t.date(b.due),
                        days: b.days,
                        state: t.t(if b.open {
                            "agreement-case-open"
                        } else {
                            "agreement-case-decided"
                        }),
                    })
                    .collect(),
            });
        }
    }
    // The chart: one group of three bars per product, scaled to the largest figure.
    let max = f
        .products
        .iter()
        .map(|x| x.ordered.max(x.realised).max(x.projected))
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = |n: i64| u32::try_from(n.max(0) * 400 / max).unwrap_or(400);
    let bars: Vec<Bar> = f
        .products
        .iter()
        .zip(&rows)
        .enumerate()
        .map(|(i, (x, r))| Bar {
            label: r.name.clone(),
            y: u32::try_from(i).unwrap_or(0) * 70 + 10,
            ordered: scale(x.ordered),
            realised: scale(x.realised),
            projected: scale(x.projected),
        })
        .collect();
    let chart_height = u32::try_from(bars.len()).unwrap_or(0) * 70 + 20;
    let period = f.upto.code();
    Ok(render_status(
        StatusCode::OK,
        &FollowUpPage {
            p: Page::new(
                &ctx,
                t.ta(
                    "agreement-follow-up-title",
                    &[
                        ("title", Arg::S(f.agreement.title.clone())),
                        ("period", Arg::S(period.clone())),
                    ],
                ),
            ),
            id,
            provider: f.provider_name.clone(),
            version: f.agreement.version,
            periods: period_options(&f.agreement, f.upto),
            csv: format!("/agreements/{id}/follow-up.csv?period={period}"),
            xlsx: format!("/agreements/{id}/follow-up.xlsx?period={period}"),
            period,
            rows,
            indicators,
            processing,
            bars,
            chart_height,
        },
    ))
}

/// The follow-up table for a spreadsheet: the page's columns, amounts in euros as numbers.
/// The CSV and the XLSX are both made from it.
fn follow_table(t: &Tr, f: &FollowUp) -> Vec<Vec<Cell>> {
    let head = [
        "agreement-col-product",
        "agreement-col-unit",
        "agreement-col-ordered",
        "agreement-col-realised",
        "agreement-col-share",
        "agreement-col-projected",
        "agreement-col-ordered-value",
        "agreement-col-realised-value",
        "agreement-col-projected-value",
    ];
    let mut rows = vec![head.iter().map(|k| Cell::text(t.t(k))).collect()];
    for x in &f.products {
        let p = f.agreement.product(&x.product);
        rows.push(vec![
            Cell::text(p.map(|p| p.name(t.lang).to_owned()).unwrap_or_default()),
            Cell::text(p.map(|p| unit_label(t, p.unit)).unwrap_or_default()),
            Cell::int(x.ordered),
            Cell::int(x.realised),
            x.share
                .map(|s| Cell::int(i64::from(s)))
                .unwrap_or(Cell::text("")),
            Cell::int(x.projected),
            Cell::Number(x.ordered_value.decimal()),
            Cell::Number(x.realised_value.decimal()),
            Cell::Number(x.projected_value.decimal()),
        ]);
    }
    rows
}

/// A file to download, named.
pub(crate) fn download(
    content_type: &str,
    name: String,
    body: Vec<u8>,
) -> axum::response::Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// A table downloaded as XLSX (`format == "xlsx"`) or else CSV, named `name` (without its
/// extension), its worksheet `sheet_name`.
pub(crate) fn table_download(
    rows: &[Vec<Cell>],
    name: &str,
    sheet_name: &str,
    format: &str,
) -> PageResult {
    if format == "xlsx" {
        let bytes = sheet::xlsx::write(sheet_name, rows)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        Ok(download(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("{name}.xlsx"),
            bytes,
        ))
    } else {
        Ok(download(
            "text/csv; charset=utf-8",
            format!("{name}.csv"),
            sheet::csv::write(rows).into_bytes(),
        ))
    }
}

/// The year a yearly page opens on: the one asked for, or this year in Helsinki.
pub(crate) fn year_or_this(year: Option<i32>) -> i32 {
    use chrono::Datelike;
    year.filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| domain::time::helsinki_today(chrono::Utc::now()).year())
}

/// The follow-up table as CSV.
pub async fn follow_up_csv(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Query(q): Query<FollowQuery>,
) -> PageResult {
    follow_up_file(&app, &ctx, &actor, id, &q, "csv").await
}

/// The follow-up table as an XLSX workbook.
pub async fn follow_up_xlsx(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    Query(q): Query<FollowQuery>,
) -> PageResult {
    follow_up_file(&app, &ctx, &actor, id, &q, "xlsx").await
}

async fn follow_up_file(
    app: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: Uuid,
    q: &FollowQuery,
    format: &str,
) -> PageResult {
    let f = follow_up_of(app, actor, id, q).await?;
    let code = f.upto.code();
    table_download(
        &follow_table(&ctx.tr(), &f),
        &format!("kumppani-follow-up-{code}"),
        &code,
        format,
    )
}
