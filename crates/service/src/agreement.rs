//! Agreements between a purchaser and a provider ([`domain::agreement`]): the purchaser's
//! procurement staff make one and propose changes as new versions, the provider's signatory
//! agrees to each, and the provider reports what was delivered under the version in force, on a
//! form or in a file ([`domain::volume_report`]). The follow-up of a year compares the order
//! with what was reported. Nothing here names a client.

use crate::gate::Target;
use crate::{Service, ServiceError, ServiceResult};
use chrono::Datelike;
use db::doc::{self, Doc, Table};
use db::Tx;
use domain::access::{Action, Resource};
use domain::agreement::{
    agenda, follow_up, in_force, latest, minutes, quarter_of, Agreement, Meeting, MeetingItem,
    Period, ProductFollowUp, Realised, ReportedCase, Signature,
};
use domain::audit::{AuditAction, Purpose, RecordKind};
use domain::locale::Lang;
use domain::org::Actor;
use domain::validate::FieldErrors;
use domain::volume_report::{self, check_volume, CaseRow, Upload, VolumeRow};
use std::collections::BTreeMap;
use uuid::Uuid;

const PROPOSED: &str = "proposed";
const AGREED: &str = "agreed";
const REPORTED: &str = "reported";

/// An agreement in a list: its newest version's terms and where it stands.
#[derive(Debug, Clone)]
pub struct AgreementSummary {
    /// The first version's id: the agreement's.
    pub id: Uuid,
    pub newest: Agreement,
    pub provider_name: String,
    pub purchaser_name: String,
    /// The version in force, if any was agreed.
    pub in_force: Option<u32>,
}

/// One agreement with every version and what was reported under it.
#[derive(Debug, Clone)]
pub struct AgreementView {
    pub id: Uuid,
    /// Oldest first.
    pub versions: Vec<Doc<Agreement>>,
    pub provider_name: String,
    pub purchaser_name: String,
    /// The newest version of each product's report for each period, by period.
    pub reports: Vec<Realised>,
    pub may_change: bool,
    /// The newest version waits for the provider, and the actor may agree to it.
    pub may_agree: bool,
    pub may_report: bool,
}

impl AgreementView {
    pub fn newest(&self) -> Option<&Agreement> {
        self.versions.last().map(|d| &d.data)
    }

    pub fn in_force(&self) -> Option<&Agreement> {
        let v: Vec<Agreement> = self.versions.iter().map(|d| d.data.clone()).collect();
        let n = in_force(&v)?.version;
        self.versions
            .iter()
            .map(|d| &d.data)
            .find(|a| a.version == n)
    }
}

/// A year's follow-up up to a period: the version in force and each product's figures.
#[derive(Debug, Clone)]
pub struct FollowUp {
    pub id: Uuid,
    pub agreement: Agreement,
    pub provider_name: String,
    pub upto: Period,
    pub products: Vec<ProductFollowUp>,
}

/// A quarter's meeting: the follow-up it goes through, its agenda and the minutes so far.
#[derive(Debug, Clone)]
pub struct MeetingView {
    pub follow_up: FollowUp,
    /// The agenda items' keys ([`domain::agreement::agenda`]).
    pub agenda: Vec<String>,
    pub meeting: Option<Meeting>,
    pub purchaser_name: String,
    pub may_record: bool,
}

/// One product's line on the reporting form as typed.
#[derive(Debug, Clone, Default)]
pub struct VolumeEntry {
    pub product: String,
    pub count: String,
    /// By indicator code.
    pub indicators: Vec<(String, String)>,
}

fn invalid(e: FieldErrors) -> ServiceError {
    ServiceError::Invalid(e)
}

/// Versions of agreements grouped by agreement (the first version's id), each oldest first:
/// the newest is the last.
pub(crate) fn by_agreement(all: Vec<Doc<Agreement>>) -> BTreeMap<Uuid, Vec<Doc<Agreement>>> {
    let mut by: BTreeMap<Uuid, Vec<Doc<Agreement>>> = BTreeMap::new();
    for d in all {
        by.entry(d.parent_id.unwrap_or(d.id)).or_default().push(d);
    }
    for versions in by.values_mut() {
        versions.sort_by_key(|d| d.data.version);
    }
    by
}

impl Service {
    fn agreement_target(&self, id: Option<Uuid>, owner: Option<Uuid>) -> Target {
        Target {
            kind: RecordKind::Agreement,
            id,
            owner,
            subject: None,
        }
    }

    fn agreement_event(
        &self,
        actor: &Actor,
        action: AuditAction,
        t: &Target,
        details: String,
    ) -> domain::audit::AuditEvent {
        self.ev_for(actor, action, t, Purpose::Procurement, details)
    }

    /// Checks what a version says beyond its own rules: the provider is an active provider
    /// organisation, and a procurement it names is the purchaser's own.
    async fn check_terms(
        &self,
        tx: &mut Tx,
        purchaser: Uuid,
        a: &Agreement,
    ) -> ServiceResult<FieldErrors> {
        let mut e = a.validate();
        match db::organisation::get(tx, a.provider).await? {
            Some(o) if o.active && o.kind.is_provider() => {}
            _ => e.add("provider", "provider-unknown"),
        }
        if let Some(p) = a.procurement {
            let d: Option<Doc<serde_json::Value>> = doc::get(tx, Table::Procurements, p).await?;
            if d.is_none_or(|d| d.owner_id != purchaser) {
                e.add("procurement", "procurement-unknown");
            }
        }
        Ok(e)
    }

    fn signature(&self, actor: &Actor) -> Signature {
        Signature {
            name: actor.display_name.clone(),
            at: self.now(),
        }
    }

    /// Makes an agreement: its first version, proposed to the provider. The service sets the
    /// version number and who proposed it; what `a` says of them is ignored.
    pub async fn create_agreement(&self, actor: &Actor, a: &Agreement) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let t = self.agreement_target(Some(id), Some(actor.org_id));
        let mut tx = self.db.begin().await?;
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::Create,
                Resource::Agreements {
                    org_id: actor.org_id,
                },
                AuditAction::Create,
                &t,
            )
            .await?;
            let mut a = a.clone();
            a.version = 1;
            a.change_reason = String::new();
            a.proposed = self.signature(actor);
            a.agreed = None;
            let e = self.check_terms(&mut tx, actor.org_id, &a).await?;
            if !e.is_empty() {
                return Err(invalid(e));
            }
            db::agreement::insert(&mut tx, id, actor.org_id, None, PROPOSED, &a, self.now())
                .await?;
            let ev = self.agreement_event(
                actor,
                AuditAction::Create,
                &t,
                format!(
                    "agreement v1: {} products, {} orders",
                    a.products.len(),
                    a.orders.len()
                ),
            );
            self.record(&mut tx, ev).await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    /// Every version of an agreement, oldest first, after the gate allowed `action` on it; an
    /// unknown id, or a later version's id, is refused as another organisation's agreement.
    async fn agreement_versions(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: Uuid,
        action: Action,
        audit_action: AuditAction,
    ) -> ServiceResult<Vec<Doc<Agreement>>> {
        let root: Option<Doc<Agreement>> = doc::get(tx, Table::Agreements, id).await?;
        let root = root.filter(|d| d.parent_id.is_none());
        let t = self.agreement_target(Some(id), root.as_ref().map(|r| r.owner_id));
        let root = self
            .found(tx, actor, audit_action, RecordKind::Agreement, id, root)
            .await?;
        self.authorize(
            tx,
            actor,
            action,
            Resource::Agreement {
                purchaser_id: root.owner_id,
                provider_id: root.data.provider,
            },
            audit_action,
            &t,
        )
        .await?;
        let mut all = vec![root];
        all.extend(doc::children::<Agreement>(tx, Table::Agreements, id).await?);
        all.sort_by_key(|d| d.data.version);
        Ok(all)
    }

    /// Proposes a change: a new version with `reason`, which takes effect when the provider
    /// agrees to it. The earlier versions stay as they were; the provider does not change.
    pub async fn change_agreement(
        &self,
        actor: &Actor,
        id: Uuid,
        a: &Agreement,
        reason: &str,
    ) -> ServiceResult<Uuid> {
        let new_id = Uuid::now_v7();
        let t = self.agreement_target(Some(id), Some(actor.org_id));
        let mut tx = self.db.begin().await?;
        let r = async {
            let versions = self
                .agreement_versions(&mut tx, actor, id, Action::Update, AuditAction::Update)
                .await?;
            let newest = versions.last().ok_or(ServiceError::NotFound)?;
            let mut a = a.clone();
            a.version = newest.data.version + 1;
            a.change_reason = reason.trim().chars().take(2000).collect();
            a.proposed = self.signature(actor);
            a.agreed = None;
            let mut e = self.check_terms(&mut tx, newest.owner_id, &a).await?;
            if a.provider != newest.data.provider {
                e.add("provider", "provider-fixed");
            }
            if a.change_reason.is_empty() {
                e.add("change_reason", "required");
            }
            if !e.is_empty() {
                return Err(invalid(e));
            }
            db::agreement::insert(
                &mut tx,
                new_id,
                newest.owner_id,
                Some(id),
                PROPOSED,
                &a,
                self.now(),
            )
            .await?;
            let ev = self.agreement_event(
                actor,
                AuditAction::Update,
                &t,
                format!("agreement v{} proposed", a.version),
            );
            self.record(&mut tx, ev).await?;
            Ok(new_id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, Some(&t))
            .await
    }

    /// The provider's signatory agrees to the newest version, which is then in force. An
    /// older proposal cannot be agreed to once a newer one was made.
    pub async fn agree_to_agreement(
        &self,
        actor: &Actor,
        id: Uuid,
        version: u32,
    ) -> ServiceResult<()> {
        let t = self.agreement_target(Some(id), None);
        let mut tx = self.db.begin().await?;
        let r = async {
            let versions = self
                .agreement_versions(&mut tx, actor, id, Action::Decide, AuditAction::Update)
                .await?;
            let newest = versions.last().ok_or(ServiceError::NotFound)?;
            if newest.data.version != version || newest.data.agreed.is_some() {
                return Err(invalid(FieldErrors::single(
                    "version",
                    "version-superseded",
                )));
            }
            let mut a = newest.data.clone();
            a.agreed = Some(self.signature(actor));
            doc::update(
                &mut tx,
                Table::Agreements,
                newest.id,
                AGREED,
                &a,
                self.now(),
            )
            .await?;
            let t = self.agreement_target(Some(id), Some(newest.owner_id));
            let ev = self.agreement_event(
                actor,
                AuditAction::Update,
                &t,
                format!("agreement v{version} agreed"),
            );
            self.record(&mut tx, ev).await?;
            Ok(())
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, Some(&t))
            .await
    }

    /// The agreements the actor's organisation made (a purchaser) or is party to (a provider).
    pub async fn agreements(&self, actor: &Actor) -> ServiceResult<Vec<AgreementSummary>> {
        let t = self.agreement_target(None, Some(actor.org_id));
        let mut tx = self.db.begin_read().await?;
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::List,
                Resource::Agreements {
                    org_id: actor.org_id,
                },
                AuditAction::List,
                &t,
            )
            .await?;
            let all: Vec<Doc<Agreement>> = if actor.org_kind.is_purchaser() {
                doc::list(
                    &mut tx,
                    Table::Agreements,
                    doc::Filter {
                        owner: Some(actor.org_id),
                        ..doc::Filter::default()
                    },
                )
                .await?
            } else {
                db::agreement::of_provider(&mut tx, actor.org_id).await?
            };
            let mut names = BTreeMap::new();
            let mut out = Vec::new();
            for (id, versions) in by_agreement(all) {
                let Some(newest) = versions.last() else {
                    continue;
                };
                let data: Vec<Agreement> = versions.iter().map(|d| d.data.clone()).collect();
                let provider_name = self
                    .org_name(&mut tx, &mut names, newest.data.provider)
                    .await?;
                let purchaser_name = self.org_name(&mut tx, &mut names, newest.owner_id).await?;
                out.push(AgreementSummary {
                    id,
                    newest: newest.data.clone(),
                    provider_name,
                    purchaser_name,
                    in_force: in_force(&data).map(|a| a.version),
                });
            }
            out.sort_by(|a, b| {
                b.newest
                    .valid_from
                    .cmp(&a.newest.valid_from)
                    .then_with(|| a.newest.title.cmp(&b.newest.title))
            });
            let ev = self.agreement_event(
                actor,
                AuditAction::List,
                &t,
                format!("{} agreements", out.len()),
            );
            self.record(&mut tx, ev).await?;
            Ok(out)
        }
        .await;
        self.finish(tx, r).await
    }

    /// An organisation's name, looked up once per use case (`cache`).
    pub(crate) async fn org_name(
        &self,
        tx: &mut Tx,
        cache: &mut BTreeMap<Uuid, String>,
        id: Uuid,
    ) -> ServiceResult<String> {
        if let Some(n) = cache.get(&id) {
            return Ok(n.clone());
        }
        let n = db::organisation::get(tx, id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        cache.insert(id, n.clone());
        Ok(n)
    }

    /// One agreement, every version, and the newest reports under it.
    pub async fn agreement(&self, actor: &Actor, id: Uuid) -> ServiceResult<AgreementView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let versions = self
                .agreement_versions(&mut tx, actor, id, Action::Read, AuditAction::Read)
                .await?;
            let newest = versions.last().ok_or(ServiceError::NotFound)?;
            let (owner, provider) = (newest.owner_id, newest.data.provider);
            let reports = self.realised(&mut tx, id).await?;
            let mut names = BTreeMap::new();
            let provider_name = self.org_name(&mut tx, &mut names, provider).await?;
            let purchaser_name = self.org_name(&mut tx, &mut names, owner).await?;
            let res = Resource::Agreement {
                purchaser_id: owner,
                provider_id: provider,
            };
            let v = AgreementView {
                id,
                may_change: self.may(actor, Action::Update, res),
                may_agree: newest.data.agreed.is_none() && self.may(actor, Action::Decide, res),
                may_report: self.may(actor, Action::Create, res),
                provider_name,
                purchaser_name,
                reports: latest(&reports).into_iter().cloned().collect(),
                versions,
            };
            let t = self.agreement_target(Some(id), Some(owner));
            let ev = self.agreement_event(
                actor,
                AuditAction::Read,
                &t,
                format!("agreement, {} versions", v.versions.len()),
            );
            self.record(&mut tx, ev).await?;
            Ok(v)
        }
        .await;
        self.finish(tx, r).await
    }

    async fn realised(&self, tx: &mut Tx, id: Uuid) -> ServiceResult<Vec<Realised>> {
        let docs: Vec<Doc<Realised>> = doc::children(tx, Table::RealisedVolumes, id).await?;
        Ok(docs.into_iter().map(|d| d.data).collect())
    }

    /// The provider reports one period's volumes on the form: a line per product; a line left
    /// blank is not reported. Refusals name the field (`period`, `{product}.count`,
    /// `{product}.{indicator}`).
    pub async fn report_volumes(
        &self,
        actor: &Actor,
        id: Uuid,
        period: &str,
        entries: &[VolumeEntry],
        lang: Lang,
    ) -> ServiceResult<usize> {
        self.report(actor, id, |a| {
            let mut e = FieldErrors::default();
            let mut rows = Vec::new();
            for entry in entries {
                let blank = entry.count.trim().is_empty()
                    && entry.indicators.iter().all(|(_, v)| v.trim().is_empty());
                if blank {
                    continue;
                }
                let product = entry.product.clone();
                let field = |c: &str| {
                    if c == "period" {
                        "period".to_owned()
                    } else {
                        format!("{product}.{c}")
                    }
                };
                let ind: Vec<(&str, &str)> = entry
                    .indicators
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                if let Some(r) = check_volume(
                    a,
                    &entry.product,
                    period,
                    &entry.count,
                    &ind,
                    lang,
                    &field,
                    &mut e,
                ) {
                    rows.push(r);
                }
            }
            if rows.is_empty() && e.is_empty() {
                e.add("period", "report-empty");
            }
            if e.is_empty() {
                Ok(Upload::Volumes(rows))
            } else {
                Err(e)
            }
        })
        .await
    }

    /// The provider reports volumes or cases in a file, read into rows first (CSV or XLSX,
    /// [`domain::volume_report`]); refusals name the row and column (`3:count`). Nothing is
    /// stored unless every row reads.
    pub async fn report_file(
        &self,
        actor: &Actor,
        id: Uuid,
        rows: &[Vec<String>],
        lang: Lang,
    ) -> ServiceResult<usize> {
        self.report(actor, id, |a| volume_report::read(rows, a, lang))
            .await
    }

    /// Stores what `read` makes of the entry under the version in force, each product and
    /// period as a new version of its report; all or nothing.
    async fn report<F>(&self, actor: &Actor, id: Uuid, read: F) -> ServiceResult<usize>
    where
        F: FnOnce(&Agreement) -> Result<Upload, FieldErrors>,
    {
        let t = self.agreement_target(Some(id), None);
        let mut tx = self.db.begin().await?;
        let r = async {
            let versions = self
                .agreement_versions(&mut tx, actor, id, Action::Create, AuditAction::Create)
                .await?;
            let owner = versions.first().map(|d| d.owner_id).unwrap_or(actor.org_id);
            let data: Vec<Agreement> = versions.iter().map(|d| d.data.clone()).collect();
            let Some(a) = in_force(&data) else {
                return Err(invalid(FieldErrors::single(
                    "period",
                    "agreement-not-agreed",
                )));
            };
            let upload = read(a).map_err(invalid)?;
            let existing = self.realised(&mut tx, id).await?;
            let now = self.now();
            let reported = self.signature(actor);
            let docs = match upload {
                Upload::Volumes(rows) => volumes(&existing, rows, &reported)?,
                Upload::Cases(rows) => cases(&existing, rows, &reported),
            };
            let n = docs.len();
            for d in &docs {
                doc::insert(
                    &mut tx,
                    Table::RealisedVolumes,
                    Uuid::now_v7(),
                    owner,
                    Some(id),
                    REPORTED,
                    d,
                    now,
                )
                .await?;
            }
            let t = self.agreement_target(Some(id), Some(owner));
            let periods: Vec<String> = {
                let mut p: Vec<String> = docs.iter().map(|d| d.period.code()).collect();
                p.sort();
                p.dedup();
                p
            };
            let ev = self.agreement_event(
                actor,
                AuditAction::Create,
                &t,
                format!("realised volumes: {n} reports for {}", periods.join(", ")),
            );
            self.record(&mut tx, ev).await?;
            Ok(n)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    /// The follow-up of the agreement's year up to the end of `upto` ([`follow_up`]), under
    /// the version in force (the newest one before any was agreed).
    pub async fn agreement_follow_up(
        &self,
        actor: &Actor,
        id: Uuid,
        upto: Period,
    ) -> ServiceResult<FollowUp> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let versions = self
                .agreement_versions(&mut tx, actor, id, Action::Read, AuditAction::Read)
                .await?;
            let f = self.follow_up_of(&mut tx, id, &versions, upto).await?;
            let t = self.agreement_target(Some(id), versions.first().map(|d| d.owner_id));
            let ev = self.agreement_event(
                actor,
                AuditAction::Read,
                &t,
                format!("follow-up to {}", upto.code()),
            );
            self.record(&mut tx, ev).await?;
            Ok(f)
        }
        .await;
        self.finish(tx, r).await
    }

    /// The follow-up of `versions`' agreement to the end of `upto`, under the version in force.
    async fn follow_up_of(
        &self,
        tx: &mut Tx,
        id: Uuid,
        versions: &[Doc<Agreement>],
        upto: Period,
    ) -> ServiceResult<FollowUp> {
        let data: Vec<Agreement> = versions.iter().map(|d| d.data.clone()).collect();
        let a = in_force(&data)
            .or(data.last())
            .cloned()
            .ok_or(ServiceError::NotFound)?;
        let reports = self.realised(tx, id).await?;
        let products = follow_up(&a, upto, &reports, self.now().date_naive());
        let mut names = BTreeMap::new();
        let provider_name = self.org_name(tx, &mut names, a.provider).await?;
        Ok(FollowUp {
            id,
            agreement: a,
            provider_name,
            upto,
            products,
        })
    }

    /// A quarter's meeting of the follow-up group: the agenda's figures and the minutes
    /// recorded so far. Both parties' followers read it; the purchaser's procurement staff,
    /// who call the group, record the minutes.
    pub async fn follow_up_meeting(
        &self,
        actor: &Actor,
        id: Uuid,
        quarter: Period,
    ) -> ServiceResult<MeetingView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let versions = self
                .agreement_versions(&mut tx, actor, id, Action::Read, AuditAction::Read)
                .await?;
            let follow_up = self.follow_up_of(&mut tx, id, &versions, quarter).await?;
            let meeting = self
                .meeting_doc(&mut tx, id, quarter)
                .await?
                .map(|d| d.data);
            let owner = versions.first().map(|d| d.owner_id).unwrap_or(actor.org_id);
            let mut names = BTreeMap::new();
            let purchaser_name = self.org_name(&mut tx, &mut names, owner).await?;
            let may_record = self.may(
                actor,
                Action::Update,
                Resource::Agreement {
                    purchaser_id: owner,
                    provider_id: follow_up.agreement.provider,
                },
            );
            let t = self.agreement_target(Some(id), Some(owner));
            let ev = self.agreement_event(
                actor,
                AuditAction::Read,
                &t,
                format!("follow-up meeting {}", quarter.code()),
            );
            self.record(&mut tx, ev).await?;
            Ok(MeetingView {
                agenda: agenda(&follow_up.agreement),
                follow_up,
                meeting,
                purchaser_name,
                may_record,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    /// A quarter's minutes of the group following `id` (an agreement, or a cost-sharing
    /// agreement's regional steering group).
    pub(crate) async fn meeting_doc(
        &self,
        tx: &mut Tx,
        id: Uuid,
        quarter: Period,
    ) -> ServiceResult<Option<Doc<Meeting>>> {
        let all: Vec<Doc<Meeting>> = doc::children(tx, Table::FollowUpMeetings, id).await?;
        Ok(all.into_iter().rev().find(|d| d.data.period == quarter))
    }

    /// Files a quarter's minutes of the group following `id`, owned by `owner`; recording again
    /// replaces them.
    pub(crate) async fn save_minutes(
        &self,
        tx: &mut Tx,
        id: Uuid,
        owner: Uuid,
        m: &Meeting,
    ) -> ServiceResult<()> {
        let now = self.now();
        match self.meeting_doc(tx, id, m.period).await? {
            Some(d) => {
                doc::update(tx, Table::FollowUpMeetings, d.id, "recorded", m, now).await?;
            }
            None => {
                doc::insert(
                    tx,
                    Table::FollowUpMeetings,
                    Uuid::now_v7(),
                    owner,
                    Some(id),
                    "recorded",
                    m,
                    now,
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Records a quarter's minutes: when it was held, who were there, and what was said and
    /// decided on each agenda item. Recording again replaces the minutes of that quarter.
    pub async fn record_meeting(
        &self,
        actor: &Actor,
        id: Uuid,
        quarter: Period,
        held_on: &str,
        members: &str,
        items: &[MeetingItem],
    ) -> ServiceResult<()> {
        let t = self.agreement_target(Some(id), None);
        let mut tx = self.db.begin().await?;
        let r = async {
            let versions = self
                .agreement_versions(&mut tx, actor, id, Action::Update, AuditAction::Update)
                .await?;
            let owner = versions.first().map(|d| d.owner_id).unwrap_or(actor.org_id);
            let data: Vec<Agreement> = versions.iter().map(|d| d.data.clone()).collect();
            let a = in_force(&data)
                .or(data.last())
                .ok_or(ServiceError::NotFound)?;
            let m = minutes(
                quarter,
                held_on,
                members,
                &agenda(a),
                items,
                self.signature(actor),
            )
            .map_err(invalid)?;
            self.save_minutes(&mut tx, id, owner, &m).await?;
            let t = self.agreement_target(Some(id), Some(owner));
            let ev = self.agreement_event(
                actor,
                AuditAction::Update,
                &t,
                format!("follow-up meeting {} minutes", quarter.code()),
            );
            self.record(&mut tx, ev).await?;
            Ok(())
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, Some(&t))
            .await
    }
}

/// New report versions for volume rows: each keeps the cases its previous version had. A
/// product's year is reported by quarters or by months, not both (they would count twice).
fn volumes(
    existing: &[Realised],
    rows: Vec<VolumeRow>,
    reported: &Signature,
) -> ServiceResult<Vec<Realised>> {
    let mut e = FieldErrors::default();
    let current = latest(existing);
    let mut out = Vec::new();
    for r in rows {
        // A report that holds only cases (no count, no indicators) counts nothing twice.
        let mixed = current.iter().any(|x| {
            x.product == r.product
                && x.period.year() == r.period.year()
                && x.period.is_quarter() != r.period.is_quarter()
                && (x.count != 0 || !x.indicators.is_empty())
        });
        if mixed {
            e.add("period", "period-mixed");
            continue;
        }
        let prev = current
            .iter()
            .find(|x| x.product == r.product && x.period == r.period);
        out.push(Realised {
            version: prev.map_or(1, |p| p.version + 1),
            cases: prev.map(|p| p.cases.clone()).unwrap_or_default(),
            product: r.product,
            period: r.period,
            count: r.count,
            indicators: r.indicators,
            reported: reported.clone(),
        });
    }
    if e.is_empty() {
        Ok(out)
    } else {
        Err(invalid(e))
    }
}

/// New report versions for case rows, by product and the period each case arrived in (a
/// month where the product is reported by months, else a quarter): the previous version's
/// count and indicators stay, and a case with the same reference is replaced.
fn cases(existing: &[Realised], rows: Vec<CaseRow>, reported: &Signature) -> Vec<Realised> {
    let current = latest(existing);
    let mut by: BTreeMap<(String, Period), Vec<ReportedCase>> = BTreeMap::new();
    for r in rows {
        let monthly = current.iter().any(|x| {
            x.product == r.product
                && x.period.year() == r.case.received.year()
                && !x.period.is_quarter()
        });
        let period = if monthly {
            Period::Month {
                year: r.case.received.year(),
                month: r.case.received.month(),
            }
        } else {
            quarter_of(r.case.received)
        };
        by.entry((r.product, period)).or_default().push(r.case);
    }
    by.into_iter()
        .map(|((product, period), new)| {
            let prev = current
                .iter()
                .find(|x| x.product == product && x.period == period);
            let mut all: Vec<ReportedCase> = prev.map(|p| p.cases.clone()).unwrap_or_default();
            for c in new {
                all.retain(|x| x.reference != c.reference);
                all.push(c);
            }
            Realised {
                version: prev.map_or(1, |p| p.version + 1),
                count: prev.map_or(0, |p| p.count),
                indicators: prev.map(|p| p.indicators.clone()).unwrap_or_default(),
                cases: all,
                product,
                period,
                reported: reported.clone(),
            }
        })
        .collect()
}
