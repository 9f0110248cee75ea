//! Open contracting data out: what each purchaser procured, whom it admitted, what it called off
//! and what it paid, as an OCDS 1.1 release package (`notice::ocds`), public and without
//! sign-in.
//!
//! One release per procurement: the procurement and its lots as the tender; each lot's
//! admitted providers as an award (in framework order where the lot is ranked); and, per lot,
//! provider and month, one contract for the call-offs (payment commitments) in force that month
//! with the payments (approved invoices) billed for it as its transactions.
//!
//! No person may be identified (Client Data Act 703/2023; data minimisation, GDPR art. 5):
//! call-offs and payments are published only as such cells, never per commitment or client,
//! and a cell of fewer than [`SMALLEST_CELL`] clients is not published at all, neither its
//! contract nor its payments. Nothing else of a commitment (client, need, unit, dates) leaves.
//! `docs/ocds.md` writes the rule down.

use crate::admin::system_event;
use crate::{Service, ServiceResult};
use chrono::NaiveDate;
use db::doc::{self, Doc, Filter, Table};
use db::organisation;
use domain::application::{rank, AppStatus, Application};
use domain::audit::{AuditAction, Purpose, RecordKind};
use domain::commitment::{in_force, Commitment};
use domain::delivery::{month_end, month_of};
use domain::money::Money;
use domain::org::Organisation;
use domain::procurement::{Lot, Procurement, ProcurementKind};
use notice::ocds::{
    add_party, Award, Classification, Contract, Identifier, Implementation, Item, Organization,
    OrganizationReference, Period, Publisher, Release, ReleasePackage, Tender, Transaction, Value,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

/// The fewest clients a published call-off cell may have.
pub const SMALLEST_CELL: usize = 5;

/// The ocid prefix until the publisher registers its own.
pub const DEFAULT_OCID_PREFIX: &str = "ocds-kumppani";

/// How the package is made: the package's own address, and the smallest cell published.
/// The ocid prefix is the service's setting ([`crate::Settings::ocid_prefix`]).
#[derive(Debug, Clone)]
pub struct OcdsOptions {
    pub uri: String,
    /// [`SMALLEST_CELL`]; a test may lower it to see what a cell holds.
    pub smallest_cell: usize,
}

impl OcdsOptions {
    /// The published package: named by the moment it is made, cells of [`SMALLEST_CELL`].
    pub fn new(svc: &Service) -> OcdsOptions {
        OcdsOptions {
            uri: format!("urn:kumppani:ocds:{}", svc.now().format("%Y%m%dT%H%M%SZ")),
            smallest_cell: SMALLEST_CELL,
        }
    }
}

/// A call-off cell: one lot, one provider, one month.
#[derive(Default)]
struct Cell {
    clients: BTreeSet<Uuid>,
    value_cents: i64,
    paid_cents: i64,
}

/// "3 Perhetyö": a lot as its procurement numbers it.
fn lot_title(l: &Lot) -> String {
    format!("{} {}", l.number, l.title.fi).trim().to_owned()
}

fn rfc3339_day(d: NaiveDate) -> String {
    format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
}

fn party(o: &Organisation, role: &str) -> Organization {
    Organization {
        id: o.business_id.to_string(),
        name: o.name.clone(),
        identifier: Some(Identifier {
            scheme: Some("FI-PRO".into()),
            id: o.business_id.to_string(),
            legal_name: Some(o.name.clone()),
        }),
        address: (!o.city.is_empty()).then(|| notice::ocds::Address {
            locality: Some(o.city.clone()),
            country_name: Some("FI".into()),
            ..Default::default()
        }),
        contact_point: None,
        roles: vec![role.to_owned()],
    }
}

/// The OCDS procurement method of a kind of procurement; none for what is no procurement
/// (service vouchers, own production).
fn method(kind: ProcurementKind) -> Option<&'static str> {
    match kind {
        // A DPS admits every qualified applicant: a restricted procedure.
        ProcurementKind::DynamicPurchasingSystem => Some("selective"),
        ProcurementKind::FrameworkAgreement | ProcurementKind::PublicContract => Some("open"),
        ProcurementKind::DirectAward => Some("direct"),
        ProcurementKind::ServiceVoucherRules | ProcurementKind::OwnProduction => None,
    }
}

fn reference(o: &Organisation) -> OrganizationReference {
    OrganizationReference {
        id: o.business_id.to_string(),
        name: o.name.clone(),
    }
}

impl Service {
    /// The OCDS release package of every purchaser's procurements. Public: it names no person,
    /// and reading it is one `system` row in the access log.
    pub async fn ocds_package(&self, o: &OcdsOptions) -> ServiceResult<ReleasePackage> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let now = self.now();
            let today = now.date_naive();
            let stamp = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
            let orgs: HashMap<Uuid, Organisation> = organisation::list(&mut tx)
                .await?
                .into_iter()
                .map(|o| (o.id, o))
                .collect();
            let procurements: Vec<Doc<Procurement>> =
                doc::list(&mut tx, Table::Procurements, Filter::default()).await?;
            let lots: Vec<Doc<Lot>> = doc::list(&mut tx, Table::Lots, Filter::default()).await?;
            let admitted: Vec<Doc<Application>> = doc::list(
                &mut tx,
                Table::Applications,
                Filter {
                    status: Some(AppStatus::Admitted.code()),
                    ..Filter::default()
                },
            )
            .await?;
            let commitments: Vec<Doc<Commitment>> =
                doc::list(&mut tx, Table::Commitments, Filter::default()).await?;

            // Call-off cells from the commitments in force, month by month up to this one.
            let mut by_number: BTreeMap<&str, Vec<&Commitment>> = BTreeMap::new();
            for c in &commitments {
                by_number
                    .entry(c.data.number.as_str())
                    .or_default()
                    .push(&c.data);
            }
            let mut cells: BTreeMap<(Uuid, Uuid, NaiveDate), Cell> = BTreeMap::new();
            let mut lot_of: HashMap<&str, (Uuid, Uuid)> = HashMap::new();
            for (number, versions) in &by_number {
                let Some(c) = in_force(versions.iter().copied()) else {
                    continue;
                };
                lot_of.insert(number, (c.lot, c.provider));
                let mut m = month_of(c.starts_on);
                let last = month_of(c.ends_on.min(today));
                while m <= last {
                    let cell = cells.entry((c.lot, c.provider, m)).or_default();
                    cell.clients.insert(c.client);
                    cell.value_cents +=
                        domain::commitment::value_between(c, m, month_end(m)).cents();
                    match month_end(m).succ_opt() {
                        Some(next) => m = next,
                        None => break,
                    }
                }
            }
            // Payments: each approved invoice, in the cell of the month it bills.
            for owner in orgs.values().filter(|o| o.kind.is_purchaser()) {
                for i in db::invoice::of_purchaser(&mut tx, owner.id).await? {
                    let Some(paid) = i.data.paid() else { continue };
                    let Some(number) = i.data.commitment_numbers.first() else {
                        continue;
                    };
                    let Some(&(lot, provider)) = lot_of.get(number.as_str()) else {
                        continue;
                    };
                    let Some(day) = i.data.period_start.or(i.data.issue_date) else {
                        continue;
                    };
                    if let Some(cell) = cells.get_mut(&(lot, provider, month_of(day))) {
                        cell.paid_cents += paid.cents();
                    }
                }
            }

            let (mut published, mut suppressed) = (0usize, 0usize);
            let mut releases = Vec::new();
            for p in &procurements {
                let Some(buyer) = orgs.get(&p.owner_id) else {
                    continue;
                };
                let mut parties = vec![party(buyer, "buyer")];
                let own_lots: Vec<&Doc<Lot>> =
                    lots.iter().filter(|l| l.parent_id == Some(p.id)).collect();
                let mut awards = Vec::new();
                let mut contracts = Vec::new();
                for l in &own_lots {
                    // The admitted providers, in framework order where the lot is ranked.
                    let apps: Vec<&Doc<Application>> = admitted
                        .iter()
                        .filter(|a| a.parent_id == Some(l.id))
                        .collect();
                    let mut providers: Vec<Uuid> = apps.iter().map(|a| a.owner_id).collect();
                    if p.data.kind.is_ranked() {
                        providers = rank(
                            apps.iter()
                                .map(|a| {
                                    (
                                        a.owner_id,
                                        a.data.price.unwrap_or(Money::ZERO),
                                        a.data.quality_points.unwrap_or(0),
                                    )
                                })
                                .collect(),
                            l.data.price_weight,
                        )
                        .into_iter()
                        .map(|r| r.item)
                        .collect();
                    }
                    providers.dedup();
                    let mut suppliers: Vec<OrganizationReference> = Vec::new();
                    for id in &providers {
                        let Some(org) = orgs.get(id) else { continue };
                        let Some(r) = add_party(&mut parties, party(org, "supplier")) else {
                            continue;
                        };
                        if !suppliers.iter().any(|s| s.id == r.id) {
                            suppliers.push(r);
                        }
                    }
                    if suppliers.is_empty() {
                        continue;
                    }
                    let award_id = format!("admission-{}", l.id);
                    awards.push(Award {
                        id: award_id.clone(),
                        title: Some(lot_title(&l.data)),
                        status: Some("active".into()),
                        date: None,
                        value: None,
                        suppliers: suppliers.clone(),
                        contract_period: Some(Period {
                            start_date: Some(rfc3339_day(p.data.starts_on)),
                            end_date: Some(rfc3339_day(p.data.ends_on)),
                            duration_in_days: None,
                        }),
                        related_lots: vec![l.id.to_string()],
                    });
                    // The call-off cells of this lot.
                    for ((lot, provider, month), cell) in
                        cells.range((l.id, Uuid::nil(), NaiveDate::MIN)..)
                    {
                        if *lot != l.id {
                            break;
                        }
                        if cell.clients.len() < o.smallest_cell {
                            suppressed += 1;
                            continue;
                        }
                        let Some(org) = orgs.get(provider) else {
                            continue;
                        };
                        published += 1;
                        let ym = month.format("%Y-%m").to_string();
                        let id = format!("calloff-{}-{}-{ym}", l.id, org.business_id);
                        let paid = (cell.paid_cents != 0).then(|| Implementation {
                            transactions: vec![Transaction {
                                id: format!("{id}-paid"),
                                source: None,
                                date: rfc3339_day(month_end(*month)),
                                value: Value::euros(cell.paid_cents),
                                payer: Some(reference(buyer)),
                                payee: Some(reference(org)),
                            }],
                        });
                        contracts.push(Contract {
                            id,
                            award_id: award_id.clone(),
                            title: Some(format!("{} {ym}", org.name)),
                            description: Some(format!(
                                "payment commitments in force in {ym}: {} clients",
                                cell.clients.len()
                            )),
                            status: Some(
                                if month_end(*month) < today {
                                    "terminated"
                                } else {
                                    "active"
                                }
                                .into(),
                            ),
                            period: Some(Period {
                                start_date: Some(rfc3339_day(*month)),
                                end_date: Some(rfc3339_day(month_end(*month))),
                                duration_in_days: None,
                            }),
                            value: Some(Value::euros(cell.value_cents)),
                            implementation: paid,
                        });
                    }
                }
                let mut tag = vec!["tender".to_owned()];
                if !awards.is_empty() {
                    tag.push("award".into());
                }
                if !contracts.is_empty() {
                    tag.push("contract".into());
                    if contracts.iter().any(|c| c.implementation.is_some()) {
                        tag.push("implementation".into());
                    }
                }
                let items = own_lots
                    .iter()
                    .filter(|_| !p.data.cpv_main.is_empty())
                    .enumerate()
                    .map(|(i, l)| Item {
                        id: format!("{}", i + 1),
                        description: (!l.data.title.fi.is_empty()).then(|| l.data.title.fi.clone()),
                        classification: Classification::cpv(&p.data.cpv_main),
                        additional_classifications: Vec::new(),
                        related_lot: Some(l.id.to_string()),
                    })
                    .collect();
                let open = own_lots.iter().any(|l| l.data.open) && p.data.ends_on >= today;
                releases.push(Release {
                    ocid: format!("{}-{}", self.settings().ocid_prefix, p.id),
                    id: format!("{}-{}", p.id, now.format("%Y%m%dT%H%M%S")),
                    date: stamp.clone(),
                    tag,
                    initiation_type: "tender".into(),
                    language: Some("fi".into()),
                    buyer: Some(reference(buyer)),
                    parties,
                    tender: Tender {
                        id: p.id.to_string(),
                        title: Some(p.data.title.fi.clone()),
                        description: (!p.data.description.fi.is_empty())
                            .then(|| p.data.description.fi.clone()),
                        status: Some(if open { "active" } else { "complete" }.into()),
                        procurement_method: method(p.data.kind).map(str::to_owned),
                        procurement_method_details: Some(p.data.kind.code().into()),
                        main_procurement_category: Some("services".into()),
                        items,
                        value: p.data.estimated_value.map(|m| Value::euros(m.cents())),
                        contract_period: Some(Period {
                            start_date: Some(rfc3339_day(p.data.starts_on)),
                            end_date: Some(rfc3339_day(p.data.ends_on)),
                            duration_in_days: None,
                        }),
                        techniques: matches!(
                            p.data.kind,
                            ProcurementKind::FrameworkAgreement
                                | ProcurementKind::DynamicPurchasingSystem
                        )
                        .then(|| notice::ocds::Techniques {
                            has_framework_agreement: p.data.kind
                                == ProcurementKind::FrameworkAgreement,
                            has_dynamic_purchasing_system: p.data.kind
                                == ProcurementKind::DynamicPurchasingSystem,
                        }),
                        lots: own_lots
                            .iter()
                            .map(|l| notice::ocds::Lot {
                                id: l.id.to_string(),
                                title: Some(lot_title(&l.data)),
                                description: None,
                                value: None,
                                contract_period: None,
                            })
                            .collect(),
                        ..Tender::default()
                    },
                    awards,
                    contracts,
                });
            }
            let mut ev = system_event(AuditAction::List, RecordKind::Commitment);
            ev.purpose = Purpose::Procurement;
            ev.details = format!(
                "open contracting data: {} releases, {published} call-off cells published, \
                 {suppressed} of fewer than {} clients withheld",
                releases.len(),
                o.smallest_cell
            );
            self.record(&mut tx, ev).await?;
            Ok(notice::ocds::package(
                &o.uri,
                &stamp,
                Publisher {
                    name: "Kumppani".into(),
                    scheme: None,
                    uid: None,
                },
                releases,
            ))
        }
        .await;
        self.finish(tx, r).await
    }
}
