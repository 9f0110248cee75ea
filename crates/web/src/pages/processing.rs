//! Processing times across the purchaser's chain in a year: each step's target, how many cases
//! ended within it, and each breach, longest first, with a chart of the shares drawn on the
//! server and the same figures as a table (downloadable as CSV and XLSX).

use super::agreement::{table_download, target_text, year_or_this};
use crate::extract::{PageResult, SignedIn};
use crate::i18n::Tr;
use crate::render::{render_status, Page};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::Datelike;
use serde::Deserialize;
use service::processing::StepTimes;
use sheet::Cell;

/// Breaches listed per step on the page; the rest are counted.
const LISTED: usize = 50;

pub struct BreachRow {
    pub label: String,
    pub href: String,
    pub due: String,
    pub days: i64,
    pub state: String,
}

pub struct StepRow {
    pub code: &'static str,
    pub name: String,
    pub target: String,
    pub cases: usize,
    pub ended: usize,
    pub within: String,
    pub open: usize,
    pub late: usize,
    pub breaches: Vec<BreachRow>,
    /// "And 12 more breaches", when more were found than listed.
    pub more: Option<String>,
    /// The share's bar length in the chart's units (0–400).
    pub bar: u32,
    pub y: u32,
}

#[derive(Template)]
#[template(path = "processing.html")]
struct ProcessingPage {
    p: Page,
    year: i32,
    years: Vec<i32>,
    rows: Vec<StepRow>,
    chart_height: u32,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: Option<i32>,
}

fn target_of(t: &Tr, s: &StepTimes) -> String {
    target_text(t, s.target, s.count)
}

pub async fn processing_times(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let t = ctx.tr();
    let now = chrono::Utc::now();
    let year = year_or_this(q.year);
    let steps = app.service.processing_times(&actor, year).await?;
    let rows: Vec<StepRow> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let m = &s.summary;
            StepRow {
                code: s.step.code(),
                name: t.t(&format!(
                    "processing-step-{}",
                    s.step.code().replace('_', "-")
                )),
                target: target_of(&t, s),
                cases: m.cases,
                ended: m.ended,
                within: m
                    .share_within
                    .map(|n| format!("{n} %"))
                    .unwrap_or_else(|| "–".into()),
                open: m.cases - m.ended,
                late: m.breaches.len(),
                breaches: m
                    .breaches
                    .iter()
                    .take(LISTED)
                    .map(|b| BreachRow {
                        label: b.key.label.clone(),
                        href: b.key.href.clone(),
                        due: t.date(b.due),
                        days: b.days,
                        state: t.t(if b.open {
                            "agreement-case-open"
                        } else {
                            "agreement-case-decided"
                        }),
                    })
                    .collect(),
                more: match m.breaches.len().saturating_sub(LISTED) {
                    0 => None,
                    n => Some(t.tn("processing-more", "n", i64::try_from(n).unwrap_or(i64::MAX))),
                },
                bar: m.share_within.unwrap_or(0) * 4,
                y: u32::try_from(i).unwrap_or(0) * 30 + 10,
            }
        })
        .collect();
    let this = domain::time::helsinki_today(now).year();
    Ok(render_status(
        StatusCode::OK,
        &ProcessingPage {
            p: Page::new(&ctx, t.t1("processing-title", "year", year)),
            year,
            years: ((this - 4)..=this).rev().collect(),
            chart_height: u32::try_from(rows.len()).unwrap_or(0) * 30 + 20,
            rows,
        },
    ))
}

/// The steps' table for a spreadsheet, the page's columns.
fn table(t: &Tr, steps: &[StepTimes]) -> Vec<Vec<Cell>> {
    let head = [
        "processing-col-step",
        "processing-col-target",
        "processing-col-cases",
        "processing-col-ended",
        "processing-col-within",
        "processing-col-open",
        "processing-col-late",
    ];
    let mut rows = vec![head.iter().map(|k| Cell::text(t.t(k))).collect()];
    for s in steps {
        let m = &s.summary;
        let n = |x: usize| Cell::int(i64::try_from(x).unwrap_or(i64::MAX));
        rows.push(vec![
            Cell::text(t.t(&format!(
                "processing-step-{}",
                s.step.code().replace('_', "-")
            ))),
            Cell::text(target_of(t, s)),
            n(m.cases),
            n(m.ended),
            m.share_within
                .map(|x| Cell::int(i64::from(x)))
                .unwrap_or(Cell::text("")),
            n(m.cases - m.ended),
            n(m.breaches.len()),
        ]);
    }
    rows
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ExportQuery {
    pub year: Option<i32>,
    pub format: String,
}

/// The steps' table as CSV (`format=csv`) or XLSX (`format=xlsx`).
pub async fn export(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Query(q): Query<ExportQuery>,
) -> PageResult {
    let year = year_or_this(q.year);
    let steps = app.service.processing_times(&actor, year).await?;
    table_download(
        &table(&ctx.tr(), &steps),
        &format!("kumppani-processing-times-{year}"),
        &year.to_string(),
        &q.format,
    )
}
