//! The provider scorecard: a row per provider and lot for a year, with shares where a figure
//! is read against another (confirmed of visits, late of reports), downloadable as CSV and XLSX.

use super::agreement::{table_download, year_or_this};
use crate::extract::{PageResult, SignedIn};
use crate::i18n::Tr;
use crate::render::{render_status, Page};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::Datelike;
use domain::scorecard::Score;
use serde::Deserialize;
use service::scorecard::ScoreRow;
use sheet::Cell;

pub struct Row {
    pub provider: String,
    pub lot: String,
    pub commitments: usize,
    pub declined: usize,
    pub visits: usize,
    pub confirmed: String,
    pub disputed: usize,
    pub reports: usize,
    pub late: String,
    pub returned: usize,
    pub invoices: usize,
    pub discrepancies: usize,
    pub changes: String,
}

#[derive(Template)]
#[template(path = "scorecard.html")]
struct ScorecardPage {
    p: Page,
    year: i32,
    years: Vec<i32>,
    rows: Vec<Row>,
    /// The supervision history by provider: (provider, deviations, open, overdue, fee
    /// reductions, terminations, incidents).
    supervision: Vec<(String, [usize; 6])>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScoreQuery {
    pub year: Option<i32>,
    pub format: String,
}

fn pct(part: usize, whole: usize) -> String {
    Score::share(part, whole)
        .map(|p| format!("{part} ({p} %)"))
        .unwrap_or_else(|| part.to_string())
}

fn lot_label(t: &Tr, r: &ScoreRow) -> String {
    format!("{} {}", r.lot_number, r.lot_title.get(t.lang).0)
}

pub async fn scorecard(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Query(q): Query<ScoreQuery>,
) -> PageResult {
    let t = ctx.tr();
    let year = year_or_this(q.year);
    let rows = app.service.scorecard(&actor, year).await?;
    let supervision = app
        .service
        .supervision_history(&actor, year)
        .await?
        .into_iter()
        .map(|r| {
            let h = r.history;
            (
                r.provider_name,
                [
                    h.deviations,
                    h.open,
                    h.overdue,
                    h.fee_reductions,
                    h.terminations,
                    h.incidents,
                ],
            )
        })
        .collect();
    let this = domain::time::helsinki_today(chrono::Utc::now()).year();
    Ok(render_status(
        StatusCode::OK,
        &ScorecardPage {
            p: Page::new(&ctx, t.t1("scorecard-title", "year", year)),
            year,
            years: ((this - 4)..=this).rev().collect(),
            supervision,
            rows: rows
                .iter()
                .map(|r| {
                    let s = &r.score;
                    Row {
                        provider: r.provider_name.clone(),
                        lot: lot_label(&t, r),
                        commitments: s.commitments,
                        declined: s.declined,
                        visits: s.visits,
                        confirmed: pct(s.confirmed, s.visits),
                        disputed: s.disputed,
                        reports: s.reports,
                        late: pct(s.late_reports, s.reports),
                        returned: s.returned_reports,
                        invoices: s.invoices,
                        discrepancies: s.invoices_with_discrepancies,
                        changes: format!("{} / {}", s.worker_changes, s.families),
                    }
                })
                .collect(),
        },
    ))
}

/// The scorecard for a spreadsheet: the page's columns, counts as numbers.
fn table(t: &Tr, rows: &[ScoreRow]) -> Vec<Vec<Cell>> {
    let head = [
        "scorecard-col-provider",
        "scorecard-col-lot",
        "scorecard-col-commitments",
        "scorecard-col-declined",
        "scorecard-col-visits",
        "scorecard-col-confirmed",
        "scorecard-col-disputed",
        "scorecard-col-reports",
        "scorecard-col-late",
        "scorecard-col-returned",
        "scorecard-col-invoices",
        "scorecard-col-discrepancies",
        "scorecard-col-families",
        "scorecard-col-changes",
    ];
    let mut out = vec![head.iter().map(|k| Cell::text(t.t(k))).collect()];
    let n = |x: usize| Cell::int(i64::try_from(x).unwrap_or(i64::MAX));
    for r in rows {
        let s = &r.score;
        out.push(vec![
            Cell::text(r.provider_name.clone()),
            Cell::text(lot_label(t, r)),
            n(s.commitments),
            n(s.declined),
            n(s.visits),
            n(s.confirmed),
            n(s.disputed),
            n(s.reports),
            n(s.late_reports),
            n(s.returned_reports),
            n(s.invoices),
            n(s.invoices_with_discrepancies),
            n(s.families),
            n(s.worker_changes),
        ]);
    }
    out
}

/// The scorecard as CSV (`format=csv`) or XLSX (`format=xlsx`).
pub async fn export(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Query(q): Query<ScoreQuery>,
) -> PageResult {
    let year = year_or_this(q.year);
    let rows = table(&ctx.tr(), &app.service.scorecard(&actor, year).await?);
    table_download(
        &rows,
        &format!("kumppani-scorecard-{year}"),
        &year.to_string(),
        &q.format,
    )
}
