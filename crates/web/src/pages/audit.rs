//! The auditor's screen: the access log filtered by user, record and period.

use crate::ctx::Ctx;
use crate::forms::{attach_errors, Field, Opt, SummaryItem};
use crate::i18n::Tr;
use crate::render::{self, render_status, Page};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use domain::audit::{AuditAction, AuditEntry};
use domain::validate::FieldErrors;
use serde::Deserialize;
use service::audit::AuditQuery;
use std::collections::HashMap;
use uuid::Uuid;

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub user: String,
    pub user_org: String,
    pub action: String,
    pub outcome: String,
    pub record_kind: String,
    pub record_id: String,
    pub register: String,
    pub purpose: String,
    pub details: String,
    /// An exceptional access outside the worker's team, worded with its reason (703/2023 9 §);
    /// empty for an access by task.
    pub exception: String,
}

/// Entries as rows, with organisation names in place of their ids.
pub async fn rows(app: &AppState, t: &Tr, entries: &[AuditEntry]) -> Vec<AuditRow> {
    let names: HashMap<Uuid, String> = match app.service.organisation_names().await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "organisation names unavailable");
            HashMap::new()
        }
    };
    let org = |id: Option<Uuid>| {
        id.map(|i| names.get(&i).cloned().unwrap_or_else(|| i.to_string()))
            .unwrap_or_default()
    };
    entries
        .iter()
        .map(|e| AuditRow {
            seq: e.seq,
            at: t.datetime(e.at),
            user: if e.actor_name.is_empty() {
                t.t("actor-anonymous")
            } else {
                e.actor_name.clone()
            },
            user_org: org(e.actor_org),
            action: t.t(&format!("audit-action-{}", e.action)),
            outcome: t.t(&format!("audit-outcome-{}", e.outcome)),
            record_kind: t.t(&format!("audit-record-{}", e.record_kind)),
            record_id: e.record_id.map(|i| i.to_string()).unwrap_or_default(),
            register: org(e.register_owner),
            purpose: t.t(&format!("audit-purpose-{}", e.purpose)),
            details: e.details.clone(),
            exception: if e.exception.is_empty() {
                String::new()
            } else {
                t.t1(
                    "audit-exceptional",
                    "reason",
                    t.t(&format!("access-reason-{}", e.exception)),
                )
            },
        })
        .collect()
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    p: Page,
    fields: Vec<Field>,
    summary: Vec<SummaryItem>,
    count_text: String,
    entries: Vec<AuditRow>,
}

#[derive(Deserialize, Default)]
pub struct AuditParams {
    #[serde(default)]
    user: String,
    #[serde(default)]
    record: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    action: String,
    /// `1`: only the exceptional accesses.
    #[serde(default)]
    exceptional: String,
}

/// The action to filter by: any, or one of the log's actions ("disclosure" is the disclosure
/// log of 703/2023 10 § 3 mom).
fn action_field(t: &Tr, value: &str) -> Field {
    let mut f = Field::named("action".into(), t.t("audit-col-action"), "select", value);
    f.options = std::iter::once(Opt {
        value: String::new(),
        label: t.t("audit-action-any"),
        selected: value.is_empty(),
    })
    .chain(AuditAction::ALL.into_iter().map(|a| Opt {
        value: a.code().into(),
        label: t.t(&format!("audit-action-{}", a.code())),
        selected: value == a.code(),
    }))
    .collect();
    f
}

/// Parses the filter; a user may be given by user name or id, dates as `YYYY-MM-DD` (the date
/// input's format) or `d.m.yyyy`.
pub async fn parse_query(app: &AppState, q: &AuditParams) -> Result<AuditQuery, FieldErrors> {
    let mut errs = FieldErrors::default();
    let mut out = AuditQuery {
        limit: 500,
        ..Default::default()
    };
    let user = q.user.trim();
    if !user.is_empty() {
        match Uuid::parse_str(user) {
            Ok(id) => out.actor = Some(id),
            Err(_) => match app.service.user_id_by_username(user).await {
                Ok(Some(id)) => out.actor = Some(id),
                _ => errs.add("user", "audit-user-unknown"),
            },
        }
    }
    let record = q.record.trim();
    if !record.is_empty() {
        match Uuid::parse_str(record) {
            Ok(id) => out.record = Some(id),
            Err(_) => errs.add("record", "audit-record-format"),
        }
    }
    let date = |s: &str| {
        let s = s.trim();
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
            .ok()
    };
    if !q.from.trim().is_empty() {
        match date(&q.from).and_then(|d| d.and_hms_opt(0, 0, 0)) {
            Some(d) => out.from = Some(domain::time::from_helsinki(d)),
            None => errs.add("from", "date-format"),
        }
    }
    if !q.until.trim().is_empty() {
        // Through the end of the given day.
        match date(&q.until)
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
        {
            Some(d) => out.until = Some(domain::time::from_helsinki(d)),
            None => errs.add("until", "date-format"),
        }
    }
    if let (Some(f), Some(u)) = (out.from, out.until) {
        if u <= f {
            errs.add("until", "date-range");
        }
    }
    out.exceptional = q.exceptional.trim() == "1";
    match q.action.trim() {
        "" => {}
        a => match AuditAction::parse(a) {
            Some(a) => out.action = Some(a),
            None => errs.add("action", "invalid-choice"),
        },
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs)
    }
}

pub async fn audit_log(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AuditParams>,
) -> Response {
    let Some(actor) = ctx.actor().cloned() else {
        return render::redirect_to_login(&ctx.path);
    };
    let t = ctx.tr();
    let mut fields = vec![
        Field::new(&t, "user", "text", &q.user).hint(&t, "hint-audit-user"),
        Field::new(&t, "record", "text", &q.record).hint(&t, "hint-audit-record"),
        Field::new(&t, "from", "date", &q.from),
        Field::new(&t, "until", "date", &q.until),
        action_field(&t, &q.action),
        Field::named(
            "exceptional".into(),
            t.t("audit-exceptional-filter"),
            "checkboxes",
            "",
        )
        .options(vec![Opt {
            value: "1".into(),
            label: t.t("audit-exceptional-only"),
            selected: q.exceptional.trim() == "1",
        }]),
    ];
    let (query, summary, status) = match parse_query(&app, &q).await {
        Ok(query) => (query, Vec::new(), StatusCode::OK),
        Err(errs) => {
            let s = attach_errors(&t, &mut fields, &errs);
            (
                AuditQuery {
                    limit: 500,
                    ..Default::default()
                },
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    };
    let entries = match app.service.audit_search(&actor, &query).await {
        Ok(e) => e,
        Err(e) => return render::service_error(&ctx, e),
    };
    let rows = rows(&app, &t, &entries).await;
    render_status(
        status,
        &AuditPage {
            p: Page::new(&ctx, t.t("audit-title")),
            fields,
            summary,
            count_text: t.tn("audit-count", "count", rows.len() as i64),
            entries: rows,
        },
    )
}
