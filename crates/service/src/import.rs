//! Turning a procurement notice into a procurement with its lots, for the procurement specialist
//! to complete with requirements and prices.
//!
//! The same notice imported again updates what it created; a later notice of the same procedure
//! (a change, an award) is linked to the procurement instead of making another.

use crate::admin::system_event;
use crate::gate::Target;
use crate::{Service, ServiceError, ServiceResult};
use chrono::{Datelike, NaiveDate};
use db::doc::{self, Doc, Filter, Table};
use db::organisation;
use domain::access::{Action, Resource};
use domain::audit::{AuditAction, Purpose, RecordKind};
use domain::ident::BusinessId;
use domain::locale::Lang;
use domain::money::Money;
use domain::org::Actor;
use domain::procurement::{
    Lot, NoticeRef, PriceModel, Procurement, ProcurementKind, Regime, Section, SectionKind,
};
use domain::requirement::LocalText;
use domain::validate::FieldErrors;
use notice::{Notice, NoticeKind};
use uuid::Uuid;

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportAction {
    Created,
    /// The same notice again: the procurement and its lots were brought up to date.
    Updated,
    /// Another notice of the same procedure, recorded on the procurement.
    Linked,
}

impl ImportAction {
    pub fn code(self) -> &'static str {
        match self {
            ImportAction::Created => "created",
            ImportAction::Updated => "updated",
            ImportAction::Linked => "linked",
        }
    }
}

/// Whose notice it was: the purchaser it is imported for is one of the notice's buyers (by
/// business ID), or the importer said it procures on the buyer's behalf, or the notice names no
/// buyer by a Finnish business ID and nobody could check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuyerCheck {
    Ours,
    OnBehalf,
    Unchecked,
}

impl BuyerCheck {
    pub fn code(self) -> &'static str {
        match self {
            BuyerCheck::Ours => "ours",
            BuyerCheck::OnBehalf => "on-behalf",
            BuyerCheck::Unchecked => "unchecked",
        }
    }
}

/// Compares the notice's buyers with the purchaser it is imported for. A central purchasing
/// body or a joint procurement publishes for others, so another buyer is not refused outright:
/// the importer says so (`on_behalf`), or the import is refused.
pub fn check_buyer(
    n: &Notice,
    purchaser: &BusinessId,
    on_behalf: bool,
) -> Result<BuyerCheck, FieldErrors> {
    let ids: Vec<BusinessId> = n
        .buyers
        .iter()
        .filter_map(|b| b.national_id.as_deref())
        .filter_map(|s| BusinessId::parse(s).ok())
        .collect();
    if ids.is_empty() {
        Ok(BuyerCheck::Unchecked)
    } else if ids.contains(purchaser) {
        Ok(BuyerCheck::Ours)
    } else if on_behalf {
        Ok(BuyerCheck::OnBehalf)
    } else {
        Err(FieldErrors::single("on_behalf", "notice-buyer-other"))
    }
}

#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub procurement_id: Uuid,
    pub action: ImportAction,
    pub lots: usize,
    pub buyer: BuyerCheck,
    /// What was assumed where the notice did not say, for the specialist to check.
    pub notes: Vec<String>,
}

fn local(t: &notice::Text, languages: &[String]) -> LocalText {
    let pick = |l: &str| t.get(l).cloned().unwrap_or_default();
    let mut lt = LocalText {
        fi: pick("fi"),
        sv: pick("sv"),
        en: pick("en"),
    };
    // A notice in another language still needs a main text: take the notice's own.
    if lt.fi.is_empty() {
        lt.fi = Notice::text_in(t, "fi", languages)
            .unwrap_or_default()
            .to_owned();
    }
    lt
}

fn date(s: &Option<String>) -> Option<NaiveDate> {
    s.as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok())
}

fn money(a: &Option<notice::Amount>, notes: &mut Vec<String>) -> Option<Money> {
    let a = a.as_ref()?;
    if a.currency != "EUR" {
        notes.push(format!(
            "value {} {} is not in euros: not imported",
            a.value, a.currency
        ));
        return None;
    }
    a.cents().map(Money::from_cents)
}

fn notice_number(n: &Notice) -> Option<String> {
    n.identifiers
        .notice_number
        .clone()
        .or_else(|| n.identifiers.ted_number.clone())
}

/// The procurement and lots a notice describes.
pub fn from_notice(n: &Notice, notes: &mut Vec<String>) -> (Procurement, Vec<Lot>) {
    let kind = if n.dynamic_purchasing_system {
        ProcurementKind::DynamicPurchasingSystem
    } else if n.framework_agreement {
        ProcurementKind::FrameworkAgreement
    } else if n.procedure.kind.as_deref() == Some("neg-wo-call")
        || n.kind == NoticeKind::VoluntaryExAnte
    {
        ProcurementKind::DirectAward
    } else {
        ProcurementKind::PublicContract
    };
    let regime = Regime::default();
    let issued = date(&n.dates.published)
        .or_else(|| date(&n.dates.issued))
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default());
    let starts_on = date(&n.dates.contract_start)
        .or_else(|| n.lots.iter().filter_map(|l| date(&l.start_date)).min())
        .unwrap_or_else(|| {
            notes.push("the notice gives no start date: the publication date is used".into());
            issued
        });
    let ends_on = date(&n.dates.contract_end)
        .or_else(|| n.lots.iter().filter_map(|l| date(&l.end_date)).max())
        .or_else(|| {
            // A duration in months or years from the start, as the first lot states it.
            let d = n.lots.iter().find_map(|l| l.duration.as_ref())?;
            let v: u32 = d.value.parse().ok()?;
            let months = match d.unit.as_str() {
                "month" => v,
                "year" => v * 12,
                _ => return None,
            };
            starts_on.checked_add_months(chrono::Months::new(months))
        })
        .unwrap_or_else(|| {
            notes.push(format!(
                "the notice gives no end date: {} years from the start are assumed",
                regime.framework_years
            ));
            starts_on
                .with_year(starts_on.year() + regime.framework_years as i32)
                .unwrap_or(starts_on)
        });
    let cpv_main = n
        .main_cpv
        .clone()
        .or_else(|| n.lots.iter().find_map(|l| l.main_cpv.clone()))
        .unwrap_or_default();
    if domain::codes::cpv().get(&cpv_main).is_none() {
        notes.push(format!("CPV code {cpv_main:?} is not in the CPV list"));
    }
    let nuts = n
        .nuts
        .first()
        .cloned()
        .or_else(|| n.buyers.iter().find_map(|b| b.address.nuts.clone()))
        .unwrap_or_default();
    if domain::codes::nuts().get(&nuts).is_none() {
        notes.push(format!(
            "NUTS code {nuts:?} is not in the current NUTS list: check the region"
        ));
    }
    let mut p = Procurement {
        kind,
        title: local(&n.title, &n.languages),
        description: local(
            &notice::with_further(&n.description, &n.additional_info),
            &n.languages,
        ),
        starts_on,
        ends_on: ends_on.max(starts_on),
        option_years: Vec::new(),
        estimated_value: money(&n.estimated_value, notes),
        cpv_main: cpv_main.split('-').next().unwrap_or_default().to_owned(),
        cpv_additional: n.additional_cpv.clone(),
        nuts,
        regime,
        notice_number: notice_number(n).unwrap_or_default(),
        notice_url: String::new(),
        procedure_id: n.identifiers.procedure_id.clone().unwrap_or_default(),
        notices: Vec::new(),
    };
    if p.title.fi.is_empty() {
        p.title = LocalText::fi(&p.notice_number);
    }
    let mut lots = Vec::new();
    let source: Vec<notice::Lot> = if n.lots.is_empty() {
        // A notice without lots is one lot: the procurement itself.
        vec![notice::Lot {
            id: "1".into(),
            title: n.title.clone(),
            description: n.description.clone(),
            main_cpv: n.main_cpv.clone(),
            ..notice::Lot::default()
        }]
    } else {
        n.lots.clone()
    };
    for (i, l) in source.iter().enumerate() {
        let mut lot = Lot::empty(i as u32 + 1);
        lot.title = local(&l.title, &n.languages);
        if lot.title.fi.is_empty() {
            lot.title = LocalText::fi(&format!("{} {}", p.title.fi, l.id));
        }
        let description = local(
            &notice::with_further(&l.description, &l.additional_info),
            &n.languages,
        );
        if !description.fi.is_empty() {
            lot.sections.push(Section {
                kind: SectionKind::Description,
                text: description,
            });
        }
        // New lots take applications only where the notice calls for them; prices and
        // requirements are the specialist's to add.
        lot.open = n.kind == NoticeKind::ContractNotice;
        lot.price_model = PriceModel::PerHour;
        lot.legal_basis = n.procedure.legal_basis.clone().unwrap_or_default();
        lots.push(lot);
    }
    (p, lots)
}

impl Service {
    /// Imports a notice for `purchaser`. With an actor, the actor must be procurement staff of
    /// that purchaser; without one (the command line), the operator's authority applies. A
    /// notice whose buyers are other organisations is imported only `on_behalf` of them.
    pub async fn import_notice(
        &self,
        actor: Option<&Actor>,
        purchaser: Option<Uuid>,
        n: &Notice,
        on_behalf: bool,
    ) -> ServiceResult<ImportOutcome> {
        let mut tx = self.db.begin().await?;
        let r = async {
            let purchaser = match (actor, purchaser) {
                (Some(a), _) => a.org_id,
                (None, Some(p)) => p,
                (None, None) => {
                    // The buyer's business ID names the purchaser.
                    let mut found = None;
                    for b in &n.buyers {
                        if let Some(bid) = b
                            .national_id
                            .as_deref()
                            .and_then(|s| BusinessId::parse(s).ok())
                        {
                            if let Some(o) = organisation::by_business_id(&mut tx, &bid).await? {
                                found = Some(o.id);
                                break;
                            }
                        }
                    }
                    found.ok_or_else(|| {
                        ServiceError::Invalid(FieldErrors::single("purchaser", "buyer-unknown"))
                    })?
                }
            };
            let t = Target {
                kind: RecordKind::Procurement,
                id: None,
                owner: Some(purchaser),
                subject: None,
            };
            if let Some(a) = actor {
                self.authorize(
                    &mut tx,
                    a,
                    Action::Create,
                    Resource::Procurements,
                    AuditAction::Create,
                    &t,
                )
                .await?;
            }
            let ours = organisation::get(&mut tx, purchaser)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let buyer =
                check_buyer(n, &ours.business_id, on_behalf).map_err(ServiceError::Invalid)?;
            let mut notes = Vec::new();
            match buyer {
                BuyerCheck::Ours => {}
                BuyerCheck::OnBehalf => notes.push(format!(
                    "imported for {} on behalf of the notice's buyer",
                    ours.business_id.as_str()
                )),
                BuyerCheck::Unchecked => notes.push(
                    "the notice names no buyer by a Finnish business ID: check that the \
                     procurement is yours"
                        .into(),
                ),
            }
            let (mut p, lots) = from_notice(n, &mut notes);
            let number = notice_number(n).unwrap_or_default();
            let reference = NoticeRef {
                number: number.clone(),
                kind: kind_code(n.kind).into(),
                subtype: n.subtype.clone(),
                date: date(&n.dates.published).or_else(|| date(&n.dates.issued)),
                imported_at: self.now(),
                content: serde_json::to_value(n).ok(),
            };
            let existing: Vec<Doc<Procurement>> = doc::list(
                &mut tx,
                Table::Procurements,
                Filter {
                    owner: Some(purchaser),
                    ..Filter::default()
                },
            )
            .await?;
            let same_notice = existing.iter().find(|d| {
                !number.is_empty()
                    && (d.data.notice_number == number
                        || d.data.notices.iter().any(|r| r.number == number))
            });
            let same_procedure = existing
                .iter()
                .find(|d| !p.procedure_id.is_empty() && d.data.procedure_id == p.procedure_id);
            let now = self.now();
            let (id, action) = match (same_notice, same_procedure) {
                (Some(d), _) => {
                    // The same notice again: bring the procurement and its lots up to date, and
                    // keep what the specialist added (requirements, prices, open or closed).
                    p.notices = d.data.notices.clone();
                    p.regime = d.data.regime.clone();
                    p.option_years = d.data.option_years.clone();
                    match p.notices.iter_mut().find(|r| r.number == number) {
                        Some(r) => *r = reference,
                        None => p.notices.push(reference),
                    }
                    doc::update(&mut tx, Table::Procurements, d.id, p.kind.code(), &p, now).await?;
                    let old: Vec<Doc<Lot>> = doc::list(
                        &mut tx,
                        Table::Lots,
                        Filter {
                            parent: Some(d.id),
                            ..Filter::default()
                        },
                    )
                    .await?;
                    for l in &lots {
                        match old.iter().find(|o| o.data.number == l.number) {
                            Some(o) => {
                                let mut merged = o.data.clone();
                                merged.title = l.title.clone();
                                merged
                                    .sections
                                    .retain(|s| s.kind != SectionKind::Description);
                                merged.sections.splice(0..0, l.sections.iter().cloned());
                                doc::update(&mut tx, Table::Lots, o.id, &o.status, &merged, now)
                                    .await?;
                            }
                            None => {
                                insert_lot(&mut tx, purchaser, d.id, l, now).await?;
                            }
                        }
                    }
                    (d.id, ImportAction::Updated)
                }
                (None, Some(d)) => {
                    let mut q = d.data.clone();
                    q.notices.push(reference);
                    doc::update(&mut tx, Table::Procurements, d.id, q.kind.code(), &q, now).await?;
                    (d.id, ImportAction::Linked)
                }
                (None, None) => {
                    let id = Uuid::now_v7();
                    p.notices.push(reference);
                    doc::insert(
                        &mut tx,
                        Table::Procurements,
                        id,
                        purchaser,
                        None,
                        p.kind.code(),
                        &p,
                        now,
                    )
                    .await?;
                    for l in &lots {
                        insert_lot(&mut tx, purchaser, id, l, now).await?;
                    }
                    (id, ImportAction::Created)
                }
            };
            let mut ev = match actor {
                Some(a) => self.ev(a, AuditAction::Create, &t),
                None => system_event(AuditAction::Create, RecordKind::Procurement),
            };
            ev.record_id = Some(id);
            ev.register_owner = Some(purchaser);
            ev.purpose = Purpose::Procurement;
            ev.details = format!(
                "notice {number} {}: {} lots, buyer {}",
                action.code(),
                lots.len(),
                buyer.code()
            );
            self.record_at(&mut tx, ev, now).await?;
            Ok(ImportOutcome {
                procurement_id: id,
                action,
                lots: lots.len(),
                buyer,
                notes,
            })
        }
        .await;
        self.finish(tx, r).await
    }
}

async fn insert_lot(
    tx: &mut db::Tx,
    purchaser: Uuid,
    procurement: Uuid,
    l: &Lot,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<()> {
    doc::insert(
        tx,
        Table::Lots,
        Uuid::now_v7(),
        purchaser,
        Some(procurement),
        crate::procurement::lot_status(l),
        l,
        now,
    )
    .await?;
    Ok(())
}

pub fn kind_code(k: NoticeKind) -> &'static str {
    match k {
        NoticeKind::PriorInformation => "prior_information",
        NoticeKind::ContractNotice => "contract_notice",
        NoticeKind::ContractAward => "contract_award",
        NoticeKind::VoluntaryExAnte => "voluntary_ex_ante",
        NoticeKind::Modification => "modification",
        NoticeKind::Corrigendum => "corrigendum",
        NoticeKind::Other => "other",
    }
}

/// The language a notice's text is shown in by default.
pub fn default_lang(n: &Notice) -> Lang {
    n.languages
        .iter()
        .find_map(|l| Lang::parse(l))
        .unwrap_or(Lang::Fi)
}

impl Service {
    /// The organisation with this business ID, for the command line's `--purchaser`.
    pub async fn organisation_by_business_id(
        &self,
        business_id: &str,
    ) -> ServiceResult<Option<Uuid>> {
        let bid = BusinessId::parse(business_id)
            .map_err(|e| ServiceError::Invalid(FieldErrors::single("business_id", e.code())))?;
        let mut tx = self.db.begin_read().await?;
        let o = organisation::by_business_id(&mut tx, &bid).await?;
        tx.rollback().await?;
        Ok(o.map(|o| o.id))
    }
}
