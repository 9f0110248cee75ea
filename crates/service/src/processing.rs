//! Processing times across the purchaser's chain ([`domain::processing`]): how long needs
//! waited for a decision, applications for admission, monthly reports for approval after their
//! deadline and invoices for approval after receipt, in one year, each against its target.
//! A case is named by what the purchaser's staff know it by (an invoice number, a commitment
//! number and month), never by a client.

use crate::gate::Target;
use crate::need::Need;
use crate::{Service, ServiceResult};
use chrono::{Datelike, NaiveDate};
use db::doc::{self, Doc, Filter, Table};
use domain::access::{Action, Resource};
use domain::application::Application;
use domain::audit::{AuditAction, Purpose, RecordKind};
use domain::calendar::DayCount;
use domain::delivery::{MonthlyReport, ReportStatus};
use domain::invoice::InvoiceStep;
use domain::org::Actor;
use domain::processing::{summarize, Case, Step, Summary};
use domain::procurement::Lot;
use std::collections::HashMap;

/// A case as the page lists it: a label and where to open it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRef {
    pub label: String,
    pub href: String,
}

/// One step's year.
#[derive(Debug, Clone)]
pub struct StepTimes {
    pub step: Step,
    /// The step's target; an application carries its own, which may differ.
    pub target: u32,
    pub count: DayCount,
    pub summary: Summary<CaseRef>,
}

fn case(key: CaseRef, started: NaiveDate, ended: Option<NaiveDate>, step: Step) -> Case<CaseRef> {
    let (target, count) = step.target();
    Case {
        key,
        started,
        ended,
        target,
        count,
    }
}

impl Service {
    /// The processing times of the actor's organisation for the cases that started in `year`.
    pub async fn processing_times(
        &self,
        actor: &Actor,
        year: i32,
    ) -> ServiceResult<Vec<StepTimes>> {
        let org = actor.org_id;
        let t = Target {
            kind: RecordKind::FollowUp,
            id: None,
            owner: Some(org),
            subject: None,
        };
        let mut tx = self.db.begin_read().await?;
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::List,
                Resource::FollowUp { org_id: org },
                AuditAction::List,
                &t,
            )
            .await?;
            let today = domain::time::helsinki_today(self.now());
            let in_year = |d: NaiveDate| d.year() == year;
            let mut cases: HashMap<&'static str, Vec<Case<CaseRef>>> = HashMap::new();
            let owned = Filter {
                owner: Some(org),
                ..Filter::default()
            };

            let needs: Vec<Doc<Need>> = doc::list(&mut tx, Table::ServiceNeeds, owned).await?;
            let list = cases.entry(Step::NeedDecision.code()).or_default();
            for n in needs.iter().filter(|n| in_year(n.data.received_on)) {
                let short: String = n.id.simple().to_string().chars().take(8).collect();
                list.push(case(
                    CaseRef {
                        label: format!("{short} ({})", n.data.received_on.format("%-d.%-m.%Y")),
                        href: format!("/needs/{}/decision", n.id),
                    },
                    n.data.received_on,
                    n.data.decided_on,
                    Step::NeedDecision,
                ));
            }

            let lots: Vec<Doc<Lot>> = doc::list(&mut tx, Table::Lots, owned).await?;
            let lot_ids: Vec<_> = lots.iter().map(|l| l.id).collect();
            let number: HashMap<_, _> = lots.iter().map(|l| (l.id, l.data.number)).collect();
            let apps: Vec<Doc<Application>> =
                doc::children_of(&mut tx, Table::Applications, &lot_ids).await?;
            let list = cases.entry(Step::Admission.code()).or_default();
            for a in &apps {
                let Some(submitted) = a.data.submitted_on.filter(|d| in_year(*d)) else {
                    continue;
                };
                let lot = a
                    .parent_id
                    .and_then(|p| number.get(&p))
                    .copied()
                    .unwrap_or(0);
                let mut c = case(
                    CaseRef {
                        label: format!(
                            "{lot}: {}",
                            a.id.simple().to_string().get(..8).unwrap_or("")
                        ),
                        href: format!("/applications/{}", a.id),
                    },
                    submitted,
                    a.data.decided_on,
                    Step::Admission,
                );
                // Each application carries its procurement's decision time.
                c.target = a.data.decision_days;
                c.count = DayCount::WorkingDays;
                list.push(c);
            }

            let reports: Vec<Doc<MonthlyReport>> =
                doc::list(&mut tx, Table::MonthlyReports, owned).await?;
            let list = cases.entry(Step::ReportApproval.code()).or_default();
            for r in reports.iter().filter(|r| in_year(r.data.deadline)) {
                // Only a deadline that has passed starts the clock.
                if r.data.deadline > today {
                    continue;
                }
                let approved = r
                    .data
                    .history
                    .iter()
                    .rev()
                    .find(|e| e.status == ReportStatus::Approved)
                    .map(|e| e.on);
                let month = r.data.month.format("%Y-%m").to_string();
                list.push(case(
                    CaseRef {
                        label: format!("{} {month}", r.data.commitment_number),
                        href: format!("/commitments/{}/reports/{month}", r.data.commitment_number),
                    },
                    r.data.deadline,
                    approved.map(|d| d.max(r.data.deadline)),
                    Step::ReportApproval,
                ));
            }

            let invoices = db::invoice::of_purchaser(&mut tx, org).await?;
            let list = cases.entry(Step::InvoiceApproval.code()).or_default();
            for i in &invoices {
                let received = domain::time::helsinki_today(i.data.received_at);
                if !in_year(received) || i.data.quarantine.is_some() {
                    continue;
                }
                let approved = i
                    .data
                    .decisions
                    .iter()
                    .rev()
                    .find(|d| d.step == InvoiceStep::Approve)
                    .map(|d| domain::time::helsinki_today(d.at));
                list.push(case(
                    CaseRef {
                        label: format!("{} {}", i.data.seller_name, i.data.number),
                        href: format!("/invoices/{}", i.id),
                    },
                    received,
                    approved,
                    Step::InvoiceApproval,
                ));
            }

            let out: Vec<StepTimes> = Step::ALL
                .iter()
                .map(|s| {
                    let (target, count) = s.target();
                    StepTimes {
                        step: *s,
                        target,
                        count,
                        summary: summarize(
                            cases.get(s.code()).map(Vec::as_slice).unwrap_or(&[]),
                            today,
                        ),
                    }
                })
                .collect();
            let mut ev = self.ev(actor, AuditAction::List, &t);
            ev.purpose = Purpose::Settlement;
            ev.details = format!(
                "processing times {year}: {}",
                out.iter()
                    .map(|s| format!("{} {}", s.step.code(), s.summary.cases))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            self.record(&mut tx, ev).await?;
            Ok(out)
        }
        .await;
        self.finish(tx, r).await
    }
}
