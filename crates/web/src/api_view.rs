//! What the JSON API answers, as types made for its readers: each answer is built from one of
//! these, never by serialising a stored record whole, and the OpenAPI document's schemas are
//! generated from the same types (`crate::openapi`), so that the document cannot say other
//! than what is sent.

use chrono::{DateTime, NaiveDate, Utc};
use domain::locale::Lang;
use domain::org::{OrgKind, Organisation, Role, RoleChange, ServiceUnit, User};
use schemars::JsonSchema;
use serde::Serialize;
use uuid::Uuid;

/// The signed-in user and the token unsafe calls send back.
#[derive(Serialize, JsonSchema)]
pub struct SessionView {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub organisation_id: Uuid,
    #[schemars(with = "Vec<String>")]
    pub roles: Vec<Role>,
    #[schemars(with = "String")]
    pub language: Lang,
    pub csrf_token: String,
}

/// An organisation of the register: public register data.
#[derive(Serialize, JsonSchema)]
pub struct OrganisationView {
    pub id: Uuid,
    #[schemars(with = "String")]
    pub kind: OrgKind,
    pub name: String,
    pub business_id: String,
    pub street_address: String,
    pub postal_code: String,
    pub city: String,
    pub email: String,
    pub phone: String,
    pub active: bool,
}

impl From<&Organisation> for OrganisationView {
    fn from(o: &Organisation) -> Self {
        OrganisationView {
            id: o.id,
            kind: o.kind,
            name: o.name.clone(),
            business_id: o.business_id.as_str().to_owned(),
            street_address: o.street_address.clone(),
            postal_code: o.postal_code.clone(),
            city: o.city.clone(),
            email: o.email.clone(),
            phone: o.phone.clone(),
            active: o.active,
        }
    }
}

/// A provider's service unit.
#[derive(Serialize, JsonSchema)]
pub struct UnitView {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    pub street_address: String,
    pub postal_code: String,
    pub city: String,
    pub municipality: String,
    pub soteri_number: String,
    /// The day Soteri registered the unit.
    pub soteri_registered: Option<chrono::NaiveDate>,
    pub oid: String,
    #[schemars(with = "Vec<String>")]
    pub languages: Vec<Lang>,
    pub served_municipalities: Vec<String>,
    pub capacity: Option<i64>,
    pub free_capacity: Option<i64>,
    pub active: bool,
}

impl From<&ServiceUnit> for UnitView {
    fn from(u: &ServiceUnit) -> Self {
        UnitView {
            id: u.id,
            organisation_id: u.organisation_id,
            name: u.name.clone(),
            street_address: u.street_address.clone(),
            postal_code: u.postal_code.clone(),
            city: u.city.clone(),
            municipality: u.municipality.clone(),
            soteri_number: u.soteri_number.clone(),
            soteri_registered: u.soteri_registered,
            oid: u.oid.clone(),
            languages: u.languages.clone(),
            served_municipalities: u.served_municipalities.clone(),
            capacity: u.capacity,
            free_capacity: u.free_capacity,
            active: u.active,
        }
    }
}

/// An organisation and the units the caller may see.
#[derive(Serialize, JsonSchema)]
pub struct OrganisationDetail {
    pub organisation: OrganisationView,
    pub units: Vec<UnitView>,
}

/// A user account as its organisation's administrator sees it. Not which person of the client
/// register a family's account is: that link is the service's, not the administrator's.
#[derive(Serialize, JsonSchema)]
pub struct UserView {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: String,
    #[schemars(with = "String")]
    pub language: Lang,
    pub active: bool,
    #[schemars(with = "Vec<String>")]
    pub roles: Vec<Role>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            organisation_id: u.organisation_id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            email: u.email.clone(),
            language: u.language,
            active: u.active,
            roles: u.roles.clone(),
        }
    }
}

/// One change of a user's rights: who gave or took which role, and when.
#[derive(Serialize, JsonSchema)]
pub struct RoleChangeView {
    #[schemars(with = "String")]
    pub role: Role,
    pub granted: bool,
    pub changed_by: Option<String>,
    pub changed_at: DateTime<Utc>,
}

impl From<&RoleChange> for RoleChangeView {
    fn from(c: &RoleChange) -> Self {
        RoleChangeView {
            role: c.role,
            granted: c.granted,
            changed_by: c.changed_by_name.clone(),
            changed_at: c.changed_at,
        }
    }
}

/// A user and the history of their rights.
#[derive(Serialize, JsonSchema)]
pub struct UserDetail {
    pub user: UserView,
    pub role_history: Vec<RoleChangeView>,
}

/// The id of what a call created.
#[derive(Serialize, JsonSchema)]
pub struct Created {
    pub id: Uuid,
}

/// An entry of the access log as the auditor reads it: every field, the chain's hashes
/// included, so that an entry can be checked outside Kumppani.
#[derive(Serialize, JsonSchema)]
pub struct AuditEntryView {
    pub seq: i64,
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub actor_org: Option<Uuid>,
    pub actor_unit: Option<Uuid>,
    pub action: String,
    pub outcome: String,
    pub record_kind: String,
    pub record_id: Option<Uuid>,
    pub register_owner: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    /// Everyone else whose data the logged page or list showed.
    pub subjects: Vec<Uuid>,
    pub purpose: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl From<&domain::audit::AuditEntry> for AuditEntryView {
    fn from(e: &domain::audit::AuditEntry) -> Self {
        AuditEntryView {
            seq: e.seq,
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            actor_name: e.actor_name.clone(),
            actor_org: e.actor_org,
            actor_unit: e.actor_unit,
            action: e.action.clone(),
            outcome: e.outcome.clone(),
            record_kind: e.record_kind.clone(),
            record_id: e.record_id,
            register_owner: e.register_owner,
            subject_id: e.subject_id,
            subjects: e.subjects.clone(),
            purpose: e.purpose.clone(),
            details: e.details.clone(),
            prev_hash: e.prev_hash.clone(),
            hash: e.hash.clone(),
        }
    }
}

/// A payment commitment as the API shows it: what its document says (`commitment_document`),
/// the cost centre included, since the provider writes it on its invoice; the budget line is the
/// purchaser's own bookkeeping and stays on its budget page. The client is named by id: the
/// client's data comes from `/api/v1/clients/{id}`, under its own access rule.
#[derive(Serialize, JsonSchema)]
pub struct CommitmentView {
    pub id: Uuid,
    pub number: String,
    pub version: u32,
    #[schemars(with = "String")]
    pub status: domain::commitment::CommitmentStatus,
    pub client: Uuid,
    pub lot: Uuid,
    pub provider: Uuid,
    pub unit: Uuid,
    /// Hours (or the lot's unit) per week.
    pub quantity_per_week: u32,
    /// Cents.
    #[schemars(with = "i64")]
    pub unit_price: domain::money::Money,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    /// Cents.
    #[schemars(with = "i64")]
    pub max_total: domain::money::Money,
    /// The provider answers by this day.
    pub answer_by: chrono::NaiveDate,
    /// Why the version was made (a change or a termination).
    pub reason: String,
    pub cost_centre: String,
}

impl From<&service::Doc<domain::commitment::Commitment>> for CommitmentView {
    fn from(c: &service::Doc<domain::commitment::Commitment>) -> Self {
        let d = &c.data;
        CommitmentView {
            id: c.id,
            number: d.number.clone(),
            version: d.version,
            status: d.status,
            client: d.client,
            lot: d.lot,
            provider: d.provider,
            unit: d.unit,
            quantity_per_week: d.quantity_per_week,
            unit_price: d.unit_price,
            starts_on: d.starts_on,
            ends_on: d.ends_on,
            max_total: d.max_total,
            answer_by: d.answer_by,
            reason: d.reason.clone(),
            cost_centre: d.cost_centre.clone(),
        }
    }
}

/// A service need on the client's record: where it stands, without the free texts (the
/// justification and the decision are read on the need's own page).
#[derive(Serialize, JsonSchema)]
pub struct NeedSummary {
    pub id: Uuid,
    pub lot: Uuid,
    #[schemars(with = "String")]
    pub status: service::need::NeedStatus,
    pub urgent: bool,
    pub requested_start: chrono::NaiveDate,
    pub hours_per_week: u32,
    pub received_on: chrono::NaiveDate,
    pub meeting_on: chrono::NaiveDate,
    pub decided_on: Option<chrono::NaiveDate>,
}

impl From<&service::Doc<service::need::Need>> for NeedSummary {
    fn from(n: &service::Doc<service::need::Need>) -> Self {
        let d = &n.data;
        NeedSummary {
            id: n.id,
            lot: d.lot,
            status: d.status,
            urgent: d.urgent,
            requested_start: d.requested_start,
            hours_per_week: d.hours_per_week,
            received_on: d.received_on,
            meeting_on: d.meeting_on,
            decided_on: d.decided_on,
        }
    }
}

/// A client as the purchaser's own staff read them: the card (identity code masked,
/// addresses hidden under turvakielto), the needs and the commitments.
#[derive(Serialize, JsonSchema)]
pub struct ClientRegisterView {
    pub id: Uuid,
    pub client: domain::client::ClientCard,
    pub needs: Vec<NeedSummary>,
    pub commitments: Vec<CommitmentView>,
}

/// A client as the service shows them to the caller: the register's view, or the minimal data
/// a provider following a commitment reads.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ClientAnswer {
    Register(ClientRegisterView),
    Minimal(domain::client::MinimalClient),
}

// ---- procurement: public notice data, the register and applications ----------------------

use domain::application::{AppStatus, Event};
use domain::money::Money;
use domain::procurement::{Lot, Procurement, ProcurementKind, Regime};
use domain::requirement::{Evaluation, LocalText, Status};
use domain::staff::StaffMember;

/// An organisation named in an answer.
#[derive(Serialize, JsonSchema)]
pub struct PartyRef {
    pub id: Uuid,
    pub name: String,
}

/// A notice of the procurement, by number: its content is read on its own page.
#[derive(Serialize, JsonSchema)]
pub struct NoticeSummary {
    pub number: String,
    pub kind: String,
    pub subtype: String,
    pub date: Option<chrono::NaiveDate>,
}

/// A procurement as published: its terms, and its notices by number (not as read).
#[derive(Serialize, JsonSchema)]
pub struct ProcurementData {
    pub kind: ProcurementKind,
    pub title: LocalText,
    pub description: LocalText,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    pub option_years: Vec<u32>,
    /// Cents.
    pub estimated_value: Option<Money>,
    pub cpv_main: String,
    pub cpv_additional: Vec<String>,
    pub nuts: String,
    pub regime: Regime,
    pub notice_number: String,
    pub notice_url: String,
    pub procedure_id: String,
    pub notices: Vec<NoticeSummary>,
}

impl From<&Procurement> for ProcurementData {
    fn from(p: &Procurement) -> Self {
        ProcurementData {
            kind: p.kind,
            title: p.title.clone(),
            description: p.description.clone(),
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            option_years: p.option_years.clone(),
            estimated_value: p.estimated_value,
            cpv_main: p.cpv_main.clone(),
            cpv_additional: p.cpv_additional.clone(),
            nuts: p.nuts.clone(),
            regime: p.regime.clone(),
            notice_number: p.notice_number.clone(),
            notice_url: p.notice_url.clone(),
            procedure_id: p.procedure_id.clone(),
            notices: p
                .notices
                .iter()
                .map(|n| NoticeSummary {
                    number: n.number.clone(),
                    kind: n.kind.clone(),
                    subtype: n.subtype.clone(),
                    date: n.date,
                })
                .collect(),
        }
    }
}

/// A row of the procurement list.
#[derive(Serialize, JsonSchema)]
pub struct ProcurementListItem {
    pub id: Uuid,
    pub purchaser: String,
    pub lots: usize,
    pub open_lots: usize,
    pub procurement: ProcurementData,
}

/// A lot of a procurement as published: its service description, prices and requirements.
#[derive(Serialize, JsonSchema)]
pub struct LotItem {
    pub id: Uuid,
    pub lot: Lot,
}

/// A procurement with its lots.
#[derive(Serialize, JsonSchema)]
pub struct ProcurementDetail {
    pub id: Uuid,
    pub purchaser: PartyRef,
    pub procurement: ProcurementData,
    pub lots: Vec<LotItem>,
}

/// A provider's place in a lot's order.
#[derive(Serialize, JsonSchema)]
pub struct RankView {
    pub position: usize,
    pub provider: String,
    pub unit: String,
    /// Cents.
    pub price: Money,
    pub quality_points: u32,
    pub points: f64,
}

impl From<&service::procurement::RankRow> for RankView {
    fn from(r: &service::procurement::RankRow) -> Self {
        RankView {
            position: r.position,
            provider: r.provider_name.clone(),
            unit: r.unit_name.clone(),
            price: r.price,
            quality_points: r.quality_points,
            points: r.points,
        }
    }
}

/// A lot, its framework order and its admitted providers.
#[derive(Serialize, JsonSchema)]
pub struct LotDetail {
    pub id: Uuid,
    pub procurement_id: Uuid,
    pub lot: Lot,
    pub framework_order: Vec<RankView>,
    pub admitted: Vec<RankView>,
}

/// A row of the applications list.
#[derive(Serialize, JsonSchema)]
pub struct ApplicationListItem {
    pub id: Uuid,
    pub status: AppStatus,
    pub provider: String,
    pub lot_id: Uuid,
    pub lot_title: LocalText,
    pub submitted_on: Option<chrono::NaiveDate>,
    pub decision_due: Option<chrono::NaiveDate>,
}

/// An application with the roster it was evaluated on and the evaluation, for the provider
/// that made it and the purchaser that decides it.
#[derive(Serialize, JsonSchema)]
pub struct ApplicationDetail {
    pub id: Uuid,
    pub status: AppStatus,
    pub lot_id: Uuid,
    pub procurement_id: Uuid,
    pub provider: PartyRef,
    pub unit_id: Option<Uuid>,
    /// Cents.
    pub price: Option<Money>,
    pub employees: Option<u32>,
    pub submitted_on: Option<chrono::NaiveDate>,
    pub decision_due: Option<chrono::NaiveDate>,
    pub decided_on: Option<chrono::NaiveDate>,
    pub decision_reasons: String,
    pub roster: Vec<StaffMember>,
    pub evaluation: Evaluation,
    pub overall: Status,
    pub history: Vec<Event>,
}

/// An admitted provider's unit in the register.
#[derive(Serialize, JsonSchema)]
pub struct RegisterItem {
    pub application_id: Uuid,
    pub provider_id: Uuid,
    pub provider: String,
    pub business_id: String,
    pub unit: UnitView,
    pub lot_id: Uuid,
    pub lot_title: LocalText,
    /// Cents.
    pub price: Option<Money>,
}

// ---- delivery -------------------------------------------------------------------------------

/// A visit with its checks and its confirmation.
#[derive(Serialize, JsonSchema)]
pub struct VisitItemView {
    pub id: Uuid,
    pub visit: domain::visit::VisitRecord,
}

/// The month's totals against the commitment.
#[derive(Serialize, JsonSchema)]
pub struct MonthTotals {
    pub visits: usize,
    pub billable_minutes: i64,
    pub allowed_minutes: i64,
    pub confirmed: usize,
    pub disputed: usize,
    pub unconfirmed: usize,
    pub amount_cents: i64,
}

/// The month's report, if one was written.
#[derive(Serialize, JsonSchema)]
pub struct ReportItem {
    pub id: Uuid,
    pub report: domain::delivery::MonthlyReport,
}

/// A commitment's month: its visits, totals and report.
#[derive(Serialize, JsonSchema)]
pub struct MonthView {
    pub commitment: String,
    /// YYYY-MM.
    pub month: String,
    pub visits: Vec<VisitItemView>,
    pub totals: MonthTotals,
    pub report: Option<ReportItem>,
}

/// An application's status after a step.
#[derive(Serialize, JsonSchema)]
pub struct StepDone {
    pub status: AppStatus,
}

/// How many rows of a bulk request ended each way.
#[derive(Serialize, JsonSchema)]
pub struct VisitSummary {
    pub created: usize,
    pub unchanged: usize,
    pub updated: usize,
    pub refused: usize,
}

/// A refused row's error, in the caller's language.
#[derive(Serialize, JsonSchema)]
pub struct FieldMessage {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// One row's result, in the order sent.
#[derive(Serialize, JsonSchema)]
pub struct VisitRowResult {
    /// The row's place in the request, from 0.
    pub index: usize,
    /// The provider's own id, as sent.
    pub id: Option<String>,
    /// created, unchanged, updated or refused.
    pub result: String,
    pub visit: Option<Uuid>,
    pub errors: Vec<FieldMessage>,
    /// Checks a person must judge, with their figures.
    pub flags: Vec<domain::visit::Flag>,
}

/// The answer to a bulk request of visits: a result per row.
#[derive(Serialize, JsonSchema)]
pub struct VisitResults {
    pub summary: VisitSummary,
    pub results: Vec<VisitRowResult>,
}

/// What became of an e-invoice sent in: kept (received or kept aside with the reason) or
/// refused (nothing kept). Never anything of the file's content beyond its number.
#[derive(Serialize, JsonSchema)]
pub struct InvoiceReceipt {
    /// The invoice, when it was kept.
    pub invoice: Option<Uuid>,
    pub number: String,
    /// `received`, `quarantined` or `refused`.
    pub result: String,
    /// Where a kept invoice stands: `held` (a month's report is not approved), `to_check`
    /// (matched) or `quarantined`.
    pub status: Option<String>,
    /// Why it was kept aside (`identity-code`, `seller-not-provider`, …) or refused
    /// (`invoice-unreadable`, `invoice-duplicate`, …).
    pub reason: Option<String>,
    /// The reason in the caller's language.
    pub message: String,
    /// Where the reason was found: a line of the file, the reader's message, a commitment number.
    pub detail: String,
}

/// An invoice as its provider or the purchaser's controller sees it in a list. Names no client.
#[derive(Serialize, JsonSchema)]
pub struct InvoiceView {
    pub id: Uuid,
    /// `invoice` or `credit_note`.
    pub kind: String,
    pub number: String,
    pub seller_business_id: String,
    pub commitments: Vec<String>,
    pub issue_date: Option<NaiveDate>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    /// The amount due in cents, negative for a credit.
    pub payable_cents: i64,
    pub currency: String,
    /// `held`, `to_check` or `quarantined`.
    pub status: String,
    pub quarantine: Option<String>,
    /// The three-way match's discrepancies by code, once matched.
    pub discrepancies: Vec<DiscrepancyView>,
    /// What the match finds due in cents: the payable less the amounts at stake.
    pub due_after_match_cents: i64,
    pub received_at: DateTime<Utc>,
    /// SHA-256 of the file as received.
    pub sha256: String,
}

/// One discrepancy of the match: its code, the invoice line, the amount at stake in cents and
/// the figures compared.
#[derive(Serialize, JsonSchema)]
pub struct DiscrepancyView {
    pub code: String,
    pub line: String,
    pub at_stake_cents: i64,
    pub expected: String,
    pub found: String,
}

/// An export of approved invoices to accounts payable: numbered per purchaser; `csv` (a row per
/// invoice line: export;invoice_id;seller_business_id;seller;invoice_number;kind;issue_date;
/// due_date;payment_reference;iban;commitment;cost_centre;budget_line;account;vat_code;amount)
/// when it was just made.
#[derive(Serialize, JsonSchema)]
pub struct InvoiceExportView {
    pub id: Uuid,
    pub number: i64,
    pub created_at: DateTime<Utc>,
    pub invoices: i64,
    pub total_cents: i64,
    pub csv: Option<String>,
}
