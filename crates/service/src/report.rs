//! The provider's monthly report, which the social worker approves or returns, and the
//! reminders of reports due.

use crate::delivery::{in_force, invalid, Step};
use crate::gate::Target;
use crate::{Service, ServiceError, ServiceResult};
use chrono::NaiveDate;
use db::doc::{self, Doc, Filter, Table};
use db::Tx;
use domain::access::{serves_unit, Action, Part, Resource};
use domain::audit::{AuditAction, RecordKind};
use domain::commitment::Commitment;
use domain::delivery::{
    month_end, month_of, reminder, report_deadline, GoalProgress, MonthlyReport, Reminder,
    ReportEvent, ReportForm, ReportStatus,
};
use domain::org::Actor;
use domain::version::{Change, Reason};
use domain::visit::ConfirmationState;
use std::collections::HashMap;
use uuid::Uuid;

/// A report due or overdue, for the provider's home page.
#[derive(Debug, Clone)]
pub struct ReportReminder {
    pub commitment_number: String,
    pub month: NaiveDate,
    pub deadline: NaiveDate,
    pub reminder: Reminder,
}

impl Service {
    pub(crate) async fn reports_of(
        &self,
        tx: &mut Tx,
        purchaser: Uuid,
        c: &Commitment,
    ) -> ServiceResult<Vec<(Uuid, MonthlyReport)>> {
        let docs: Vec<Doc<MonthlyReport>> =
            doc::children(tx, Table::MonthlyReports, c.client).await?;
        Ok(docs
            .into_iter()
            .filter(|d| d.owner_id == purchaser && d.data.commitment_number == c.number)
            .map(|d| (d.id, d.data))
            .collect())
    }

    /// Saves the provider's monthly report; `submit` sends it to the social worker. Submitting
    /// with unconfirmed visits is allowed, but the report keeps which they were.
    pub async fn save_report(
        &self,
        actor: &Actor,
        number: &str,
        month: NaiveDate,
        form: &ReportForm,
        submit: bool,
    ) -> ServiceResult<Uuid> {
        let month = month_of(month);
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let step = Step::new(
                Action::Update,
                AuditAction::Update,
                RecordKind::MonthlyReport,
                Part::Report,
            );
            let e = self.enter(&mut tx, actor, number, step).await?;
            target = Some(self.delivery_target(RecordKind::MonthlyReport, None, &e));
            if month > month_of(self.today()) || month_end(month) < e.starts_on || month > e.ends_on
            {
                return Err(invalid("month", "report-month-outside"));
            }
            if submit && month_end(month) >= self.today() && month_end(month) < e.ends_on {
                return Err(invalid("month", "report-month-not-over"));
            }
            let plans = self.plans_of(&mut tx, &e).await?;
            let goals = plans.last().map(|p| p.goals.clone()).unwrap_or_default();
            let (progress, summary) = form
                .validate(&goals, submit)
                .map_err(ServiceError::Invalid)?;
            let reports = self.reports_of(&mut tx, e.purchaser, &e.commitment).await?;
            let existing = reports.into_iter().find(|(_, r)| r.month == month);
            if let Some((_, r)) = &existing {
                if !r.status.editable() {
                    return Err(invalid("status", "step-not-possible"));
                }
            }
            let visits =
                db::visit::for_commitment(&mut tx, &e.commitment.number, month, month_end(month))
                    .await?;
            let unconfirmed: Vec<Uuid> = visits
                .iter()
                .filter(|s| {
                    self.effective(s.record.clone()).confirmation.state
                        == ConfirmationState::Unconfirmed
                })
                .map(|s| s.id)
                .collect();
            let status = if submit {
                ReportStatus::Submitted
            } else {
                existing
                    .as_ref()
                    .map(|(_, r)| r.status)
                    .unwrap_or(ReportStatus::Draft)
            };
            let mut history = existing
                .as_ref()
                .map(|(_, r)| r.history.clone())
                .unwrap_or_default();
            history.push(ReportEvent {
                on: self.today(),
                status,
                by: actor.display_name.clone(),
                note: String::new(),
            });
            let report = MonthlyReport {
                commitment_number: e.commitment.number.clone(),
                client: e.commitment.client,
                provider: e.commitment.provider,
                month,
                status,
                progress: progress.into_iter().map(|p| GoalProgress { ..p }).collect(),
                gone_through_with_family: form.gone_through_with_family,
                summary,
                deadline: report_deadline(month, self.settings.delivery.report_deadline_day),
                submitted_on: if submit {
                    Some(self.today())
                } else {
                    existing.as_ref().and_then(|(_, r)| r.submitted_on)
                },
                unconfirmed_at_submission: if submit {
                    unconfirmed
                } else {
                    existing
                        .as_ref()
                        .map(|(_, r)| r.unconfirmed_at_submission.clone())
                        .unwrap_or_default()
                },
                comments: existing
                    .as_ref()
                    .map(|(_, r)| r.comments.clone())
                    .unwrap_or_default(),
                history,
            };
            let id = match &existing {
                Some((id, _)) => {
                    doc::revise(
                        &mut tx,
                        Table::MonthlyReports,
                        *id,
                        status.code(),
                        &report,
                        self.now(),
                        &Change::new(
                            &actor.display_name,
                            if submit {
                                Reason::Submitted
                            } else {
                                Reason::Saved
                            },
                        ),
                    )
                    .await?;
                    *id
                }
                None => {
                    let id = Uuid::now_v7();
                    doc::insert(
                        &mut tx,
                        Table::MonthlyReports,
                        id,
                        e.purchaser,
                        Some(e.commitment.client),
                        status.code(),
                        &report,
                        self.now(),
                    )
                    .await?;
                    id
                }
            };
            let t = self.delivery_target(RecordKind::MonthlyReport, Some(id), &e);
            self.log_delivery(
                &mut tx,
                Some(actor),
                if existing.is_some() {
                    AuditAction::Update
                } else {
                    AuditAction::Create
                },
                &t,
                format!(
                    "report {} {} {}; {} unconfirmed",
                    e.commitment.number,
                    month.format("%Y-%m"),
                    status.code(),
                    report.unconfirmed_at_submission.len()
                ),
            )
            .await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    /// The social worker approves a submitted report, which closes the month to new and changed
    /// visits, or returns it with comments.
    pub async fn decide_report(
        &self,
        actor: &Actor,
        number: &str,
        month: NaiveDate,
        approve: bool,
        comments: &str,
    ) -> ServiceResult<()> {
        let month = month_of(month);
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let step = Step::new(
                Action::Decide,
                AuditAction::Update,
                RecordKind::MonthlyReport,
                Part::Report,
            );
            let e = self.enter(&mut tx, actor, number, step).await?;
            target = Some(self.delivery_target(RecordKind::MonthlyReport, None, &e));
            let reports = self.reports_of(&mut tx, e.purchaser, &e.commitment).await?;
            let Some((id, mut report)) = reports.into_iter().find(|(_, r)| r.month == month) else {
                return Err(ServiceError::NotFound);
            };
            if report.status != ReportStatus::Submitted {
                return Err(invalid("status", "step-not-possible"));
            }
            let comments = comments.trim();
            if !approve && comments.is_empty() {
                return Err(invalid("comments", "comments-required"));
            }
            report.status = if approve {
                ReportStatus::Approved
            } else {
                ReportStatus::Returned
            };
            report.comments = comments.chars().take(4000).collect();
            report.history.push(ReportEvent {
                on: self.today(),
                status: report.status,
                by: actor.display_name.clone(),
                note: report.comments.clone(),
            });
            doc::revise(
                &mut tx,
                Table::MonthlyReports,
                id,
                report.status.code(),
                &report,
                self.now(),
                &Change::new(
                    &actor.display_name,
                    if approve {
                        Reason::Approved
                    } else {
                        Reason::Returned
                    },
                )
                .with_note(&report.comments),
            )
            .await?;
            let t = self.delivery_target(RecordKind::MonthlyReport, Some(id), &e);
            self.log_delivery(
                &mut tx,
                Some(actor),
                AuditAction::Update,
                &t,
                format!(
                    "report {} {} {}",
                    e.commitment.number,
                    month.format("%Y-%m"),
                    report.status.code()
                ),
            )
            .await?;
            // No report, no payment: the approval releases the invoices held for this month.
            if approve {
                self.release_invoices(&mut tx, actor, e.purchaser, &e.commitment.number, month)
                    .await?;
            }
            Ok(())
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    /// Reports the provider's organisation owes: due within a week, or overdue. Only months
    /// that have ended and lie in a commitment's period count.
    pub async fn report_reminders(&self, actor: &Actor) -> ServiceResult<Vec<ReportReminder>> {
        if actor.org_kind.is_purchaser() {
            return Ok(Vec::new());
        }
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let today = self.today();
            // Only the provider's own commitments are read, chosen in the query.
            let own: Vec<Doc<Commitment>> = db::client::commitments_in(
                &mut tx,
                db::client::CommitmentScope::Provider(actor.org_id),
            )
            .await?;
            let mut by_number: HashMap<String, Vec<Doc<Commitment>>> = HashMap::new();
            for c in own.into_iter().filter(|c| serves_unit(actor, c.data.unit)) {
                by_number.entry(c.data.number.clone()).or_default().push(c);
            }
            let mut out = Vec::new();
            for versions in by_number.values() {
                let Some(c) = in_force(versions) else {
                    continue;
                };
                if c.data.provider != actor.org_id {
                    continue;
                }
                let reports = self.reports_of(&mut tx, c.owner_id, &c.data).await?;
                // The last two ended months: older ones are the social worker's to chase.
                let this_month = month_of(today);
                for back in 1..=2u32 {
                    let Some(month) = this_month.checked_sub_months(chrono::Months::new(back))
                    else {
                        continue;
                    };
                    if month_end(month) < c.data.starts_on || month > c.data.ends_on {
                        continue;
                    }
                    let submitted = reports.iter().any(|(_, r)| {
                        r.month == month
                            && matches!(r.status, ReportStatus::Submitted | ReportStatus::Approved)
                    });
                    let deadline =
                        report_deadline(month, self.settings.delivery.report_deadline_day);
                    if let Some(rem) = reminder(deadline, today, submitted) {
                        out.push(ReportReminder {
                            commitment_number: c.data.number.clone(),
                            month,
                            deadline,
                            reminder: rem,
                        });
                    }
                }
            }
            out.sort_by(|a, b| {
                (a.deadline, &a.commitment_number).cmp(&(b.deadline, &b.commitment_number))
            });
            Ok(out)
        }
        .await;
        // Reminders show numbers and months only, no client data: nothing to log.
        self.finish(tx, r).await
    }

    /// Reports waiting for the purchaser's social workers.
    pub async fn submitted_reports(
        &self,
        actor: &Actor,
    ) -> ServiceResult<Vec<(Uuid, MonthlyReport)>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let t = Target {
                kind: RecordKind::MonthlyReport,
                id: None,
                owner: Some(actor.org_id),
                subject: None,
            };
            self.authorize(
                &mut tx,
                actor,
                Action::List,
                Resource::Reports {
                    org_id: actor.org_id,
                },
                AuditAction::List,
                &t,
            )
            .await?;
            let docs: Vec<Doc<MonthlyReport>> = doc::list(
                &mut tx,
                Table::MonthlyReports,
                Filter {
                    owner: Some(actor.org_id),
                    status: Some(ReportStatus::Submitted.code()),
                    ..Filter::default()
                },
            )
            .await?;
            self.log_shown(
                &mut tx,
                actor,
                AuditAction::List,
                &t,
                format!("{} submitted reports shown", docs.len()),
                docs.iter().filter_map(|d| d.parent_id).collect(),
            )
            .await?;
            Ok(docs.into_iter().map(|d| (d.id, d.data)).collect())
        }
        .await;
        self.finish(tx, r).await
    }
}
