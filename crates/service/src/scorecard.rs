//! The provider scorecard of a purchaser's year ([`domain::scorecard`]): what the purchaser's
//! records say of each provider in each lot. Figures only; no client is named.

use crate::gate::Target;
use crate::{Service, ServiceResult};
use chrono::{Datelike, NaiveDate};
use db::doc::{self, Doc, Filter, Table};
use domain::access::{Action, Resource};
use domain::audit::{AuditAction, Purpose, RecordKind};
use domain::commitment::Commitment;
use domain::delivery::MonthlyReport;
use domain::org::Actor;
use domain::procurement::Lot;
use domain::requirement::LocalText;
use domain::scorecard::{scorecard, Inputs, Score};
use std::collections::HashMap;
use uuid::Uuid;

/// One provider in one lot.
#[derive(Debug, Clone)]
pub struct ScoreRow {
    pub provider: Uuid,
    pub provider_name: String,
    pub lot_number: u32,
    pub lot_title: LocalText,
    pub score: Score,
}

/// One provider's supervision history in a year ([`domain::supervision::history`]).
#[derive(Debug, Clone)]
pub struct SupervisionRow {
    pub provider: Uuid,
    pub provider_name: String,
    pub history: domain::supervision::History,
}

impl Service {
    /// The supervision history of the providers for `year`, by provider name: the deviations
    /// found and incidents notified in the year, with their measures. Part of the scorecard.
    pub async fn supervision_history(
        &self,
        actor: &Actor,
        year: i32,
    ) -> ServiceResult<Vec<SupervisionRow>> {
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
            let deviations: Vec<_> = self
                .deviations_of(&mut tx, org)
                .await?
                .into_iter()
                .filter(|d| d.found_on.year() == year)
                .collect();
            let mut names: HashMap<Uuid, String> = HashMap::new();
            for d in &deviations {
                names.insert(d.provider, d.provider_name.clone());
            }
            let mut out: Vec<SupervisionRow> =
                domain::supervision::history(&deviations, self.today())
                    .into_iter()
                    .map(|(provider, history)| SupervisionRow {
                        provider,
                        provider_name: names.get(&provider).cloned().unwrap_or_default(),
                        history,
                    })
                    .collect();
            out.sort_by(|a, b| a.provider_name.cmp(&b.provider_name));
            let mut ev = self.ev(actor, AuditAction::List, &t);
            ev.purpose = Purpose::Procurement;
            ev.details = format!("supervision {year}: {} providers", out.len());
            self.record(&mut tx, ev).await?;
            Ok(out)
        }
        .await;
        self.finish(tx, r).await
    }

    /// The scorecard of the actor's organisation for `year`, by provider name and lot number.
    pub async fn scorecard(&self, actor: &Actor, year: i32) -> ServiceResult<Vec<ScoreRow>> {
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
            let (Some(jan), Some(dec)) = (
                NaiveDate::from_ymd_opt(year, 1, 1),
                NaiveDate::from_ymd_opt(year, 12, 31),
            ) else {
                return Ok(Vec::new());
            };
            let owned = Filter {
                owner: Some(org),
                ..Filter::default()
            };
            let commitments: Vec<Commitment> =
                doc::list::<Commitment>(&mut tx, Table::Commitments, owned)
                    .await?
                    .into_iter()
                    .map(|d| d.data)
                    .filter(|c| c.starts_on <= dec && c.ends_on >= jan)
                    .collect();
            let mut numbers: Vec<&str> = commitments.iter().map(|c| c.number.as_str()).collect();
            numbers.sort_unstable();
            numbers.dedup();
            let visits: Vec<_> = db::visit::for_commitments(&mut tx, &numbers, jan, dec)
                .await?
                .into_values()
                .flatten()
                .map(|s| s.record)
                .collect();
            let reports: Vec<MonthlyReport> =
                doc::list::<MonthlyReport>(&mut tx, Table::MonthlyReports, owned)
                    .await?
                    .into_iter()
                    .map(|d| d.data)
                    .filter(|r| r.month.year() == year)
                    .collect();
            let invoices: Vec<_> = db::invoice::of_purchaser(&mut tx, org)
                .await?
                .into_iter()
                .map(|d| d.data)
                .filter(|i| domain::time::helsinki_today(i.received_at).year() == year)
                .collect();
            let scores = scorecard(&Inputs {
                commitments: &commitments,
                visits: &visits,
                reports: &reports,
                invoices: &invoices,
                today: domain::time::helsinki_today(self.now()),
            });
            let lots: HashMap<Uuid, Lot> = doc::list::<Lot>(&mut tx, Table::Lots, owned)
                .await?
                .into_iter()
                .map(|d: Doc<Lot>| (d.id, d.data))
                .collect();
            let mut names: HashMap<Uuid, String> = HashMap::new();
            let mut out = Vec::new();
            for ((provider, lot), score) in scores {
                if let std::collections::hash_map::Entry::Vacant(e) = names.entry(provider) {
                    let n = db::organisation::get(&mut tx, provider)
                        .await?
                        .map(|o| o.name)
                        .unwrap_or_default();
                    e.insert(n);
                }
                let l = lots.get(&lot);
                out.push(ScoreRow {
                    provider,
                    provider_name: names.get(&provider).cloned().unwrap_or_default(),
                    lot_number: l.map(|l| l.number).unwrap_or(0),
                    lot_title: l.map(|l| l.title.clone()).unwrap_or_default(),
                    score,
                });
            }
            out.sort_by(|a, b| {
                a.provider_name
                    .cmp(&b.provider_name)
                    .then(a.lot_number.cmp(&b.lot_number))
            });
            let mut ev = self.ev(actor, AuditAction::List, &t);
            ev.purpose = Purpose::Settlement;
            ev.details = format!("scorecard {year}: {} rows", out.len());
            self.record(&mut tx, ev).await?;
            Ok(out)
        }
        .await;
        self.finish(tx, r).await
    }
}
