//! The access policy: who may do what to which record. Decided here, enforced by `service`,
//! and tested as a table of roles × records × actions.
//!
//! Each organisation administers itself: its own details, its own users (and so their rights) and,
//! for providers, its own service units. Organisation names, business IDs and units are register
//! data every signed-in user may read; users and the access log are not.
//!
//! A provider reaches a client only through a payment commitment, and only for its follow
//! period ([`follow`]): from acceptance but at most [`PREPARATION_DAYS`] before the start (to
//! arrange the start meeting and write the plan), through the period, and until
//! [`FINISHING_DAYS`] after the deadline of the last month's report (to log the last visits and
//! write that report). Every page and API answer about a client or its delivery asks this one
//! rule; the table test in `tests/it/access.rs` covers every phase.

use crate::org::{Actor, OrgKind, Role};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Days before a commitment's start from which its provider, once it has accepted, may see the
/// client and the plan: enough to arrange the start meeting, no more.
pub const PREPARATION_DAYS: u64 = 30;
/// Days after the deadline of the last month's report during which the provider still may log
/// that month's visits and write its report.
pub const FINISHING_DAYS: u64 = 30;

/// Where a provider stands on a day with a commitment: the phases of its follow period.
/// Ordered from least to most access, so that the best of several commitments is the largest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Follow {
    /// No version was ever accepted (sent, declined), or there is no commitment at all.
    NotInForce,
    /// Accepted, but the preparation window before the start has not begun.
    Before,
    /// The period is over and so is the time to finish the last report.
    Over,
    /// Accepted, within [`PREPARATION_DAYS`] of the start: the start meeting and the plan.
    Preparing,
    /// After the period, until [`FINISHING_DAYS`] past the last report's deadline.
    Finishing,
    /// In the period.
    Delivering,
}

impl Follow {
    /// Whether the provider may see the client and follow the delivery.
    pub fn reaches_client(self) -> bool {
        matches!(
            self,
            Follow::Preparing | Follow::Delivering | Follow::Finishing
        )
    }

    /// Whether the provider may log visits and write reports.
    pub fn delivers(self) -> bool {
        matches!(self, Follow::Delivering | Follow::Finishing)
    }
}

/// The phase of a commitment in force over `period` (the first accepted version's start and
/// the version in force's end, a termination's date included) on `today`; `None` when no
/// version was ever accepted. Monthly reports are due on `report_deadline_day` of the next month.
pub fn follow(
    period: Option<(NaiveDate, NaiveDate)>,
    today: NaiveDate,
    report_deadline_day: u32,
) -> Follow {
    let Some((starts_on, ends_on)) = period else {
        return Follow::NotInForce;
    };
    let prepare_from = starts_on
        .checked_sub_days(Days::new(PREPARATION_DAYS))
        .unwrap_or(starts_on);
    let finish_until =
        crate::delivery::report_deadline(crate::delivery::month_of(ends_on), report_deadline_day)
            .checked_add_days(Days::new(FINISHING_DAYS))
            .unwrap_or(ends_on);
    if today < prepare_from {
        Follow::Before
    } else if today < starts_on {
        Follow::Preparing
    } else if today <= ends_on {
        Follow::Delivering
    } else if today <= finish_until {
        Follow::Finishing
    } else {
        Follow::Over
    }
}

/// The parts of delivery under a commitment; each has its own rule of who does what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The month's page: visits with the provider's notes and checks, totals, plan, report.
    Page,
    /// The service plan from the start meeting.
    Plan,
    /// Logging and correcting visits, one-time codes, paper confirmations.
    Visits,
    /// The monthly report.
    Report,
    /// A family's own answer to a visit: confirm or dispute.
    Answer,
    /// A signed paper report as uploaded.
    Attachment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Read,
    List,
    Create,
    Update,
    Deactivate,
    /// Deciding on someone else's request: admitting or rejecting an application.
    Decide,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Read,
        Action::List,
        Action::Create,
        Action::Update,
        Action::Deactivate,
        Action::Decide,
    ];
}

/// The record an action touches, with the relationships that decide access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// The organisation register as a whole (list, create).
    Organisations,
    Organisation {
        org_id: Uuid,
    },
    /// An organisation's users as a whole (list, create).
    Users {
        org_id: Uuid,
    },
    User {
        org_id: Uuid,
        user_id: Uuid,
        /// A client's or guardian's own account: given and managed from the client's page,
        /// so the user form never changes it (it could grant a staff role to a guardian).
        family_account: bool,
    },
    /// A provider's service units (list, create).
    ServiceUnits {
        org_id: Uuid,
        org_kind: OrgKind,
    },
    ServiceUnit {
        org_id: Uuid,
        org_kind: OrgKind,
    },
    /// The access and audit log of the actor's own organisation.
    AuditLog,
    /// Procurements as a whole (list, create).
    Procurements,
    /// A procurement and its lots, owned by the purchaser that runs it.
    Procurement {
        purchaser_id: Uuid,
    },
    /// A provider's applications as a whole (list, create).
    Applications {
        org_id: Uuid,
    },
    /// An application of `provider_id` to a lot of `purchaser_id`'s procurement.
    Application {
        provider_id: Uuid,
        purchaser_id: Uuid,
    },
    /// A provider's staff register and evidence (list, create, read, update, remove).
    ProviderRecords {
        org_id: Uuid,
    },
    /// The register of admitted providers.
    ProviderRegister,
    /// The purchaser's client register as a whole (list, search, create).
    Clients {
        org_id: Uuid,
    },
    /// A client of `purchaser_id`. `follow` is the best phase today of the commitments the
    /// actor's organisation holds for the client ([`follow`]): only while it reaches the client
    /// may a provider see it, and only the minimal data.
    Client {
        purchaser_id: Uuid,
        follow: Follow,
        /// The county worker's tie to the client ([`tie`]); a provider's users pass
        /// [`Tie::None`], their access follows the commitment.
        tie: Tie,
        /// For a provider's user: the service unit of the commitment through which the client
        /// is reached, the user's own where one of theirs does ([`serves_unit`]).
        unit: Option<Uuid>,
    },
    /// Service needs, steering groups and their meetings of a purchaser.
    ServiceNeeds {
        org_id: Uuid,
    },
    /// The commitments an organisation sent (a purchaser) or was sent (a provider), as a whole.
    Commitments {
        org_id: Uuid,
    },
    /// A payment commitment from `purchaser_id` to `provider_id`.
    Commitment {
        purchaser_id: Uuid,
        provider_id: Uuid,
        /// The service unit the commitment names; none before one is chosen.
        unit: Option<Uuid>,
    },
    /// A purchaser's budget lines.
    Budget {
        org_id: Uuid,
    },
    /// A purchaser's follow-up of its own chain: processing times and the providers'
    /// scorecard, figures without a client's name (list).
    FollowUp {
        org_id: Uuid,
    },
    /// The payments a purchaser made under an agreement between `purchaser_id` and
    /// `provider_id` (list, create).
    AgreementPayments {
        purchaser_id: Uuid,
        provider_id: Uuid,
    },
    /// The agreements a purchaser made (list, create) or a provider is party to (list).
    Agreements {
        org_id: Uuid,
    },
    /// An agreement between `purchaser_id` and `provider_id`, its versions and what the
    /// provider reported under it.
    Agreement {
        purchaser_id: Uuid,
        provider_id: Uuid,
    },
    /// A part of delivery under a commitment from `purchaser_id` to `provider_id`, whose phase
    /// today is `follow`. `own_person` says whether the actor is the client (old enough to
    /// confirm) or one of the client's guardians.
    Delivery {
        purchaser_id: Uuid,
        provider_id: Uuid,
        /// The service unit the commitment names (for an attachment, the unit through which
        /// the client is reached).
        unit: Option<Uuid>,
        part: Part,
        follow: Follow,
        own_person: bool,
    },
    /// The monthly reports of a purchaser's register as a whole (the list waiting for decision).
    Reports {
        org_id: Uuid,
    },
    /// The visits of a family account's own people, as a whole.
    FamilyVisits,
    /// Visits sent in bulk by a provider as a whole, before each row is decided under its own
    /// commitment.
    VisitBatch {
        org_id: Uuid,
    },
    /// A provider's API keys (list, create, revoke).
    ApiKeys {
        org_id: Uuid,
    },
    /// The invoices a provider sent (list, send) or a purchaser received (list).
    Invoices {
        org_id: Uuid,
    },
    /// An invoice from `provider_id` to `purchaser_id`.
    Invoice {
        purchaser_id: Uuid,
        provider_id: Uuid,
    },
    /// The cost-sharing agreements an organisation hosts or is party to (list, create).
    CostSharings {
        org_id: Uuid,
    },
    /// A cost-sharing agreement hosted by `host_id`; `is_party` says whether the actor's
    /// organisation is one of its parties. Its costs, bases and quarters carry no client data.
    CostSharing {
        host_id: Uuid,
        is_party: bool,
    },
    /// A recharge invoice from the host `host_id` to the party `recipient_id`: only the two
    /// see it, not the other parties.
    Recharge {
        host_id: Uuid,
        recipient_id: Uuid,
    },
    /// The registers of people (experts, conveners, work supervisors, mentors, foster
    /// families) as a whole: the list shows only those the actor may read.
    Registers,
    /// A register kept by `controller_id` and its entries; `named` says whether one of the
    /// register's grants names the actor's organisation and one of its roles (need to know).
    Register {
        controller_id: Uuid,
        named: bool,
    },
    /// The requests for clients' own log data in a purchaser's register (703/2023 11 §):
    /// a family account makes its own and lists them; the county's handlers list them all.
    LogRequests {
        org_id: Uuid,
    },
    /// One request in `owner_id`'s register; `own` says whether the actor's person made it.
    LogRequest {
        owner_id: Uuid,
        own: bool,
    },
    /// The deviations a purchaser recorded and the incidents providers notified to it (list,
    /// record), or those of a provider (list, notify an incident).
    Deviations {
        org_id: Uuid,
    },
    /// A deviation in the service `provider_id` delivers to `purchaser_id`, or an incident it
    /// notified: no client data, only the service's.
    Deviation {
        purchaser_id: Uuid,
        provider_id: Uuid,
    },
}

/// Why a county worker opens a client outside their team and responsibility: the reason codes
/// of an exceptional access (703/2023 9 §). The access is flagged in the log with its code and
/// listed for the county's follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessReason {
    /// Standing in for the responsible worker (sijaisuus).
    Substitution,
    /// An urgent matter that cannot wait for the team (kiireellinen).
    Urgent,
    /// The client or a guardian contacted the worker (asiakkaan yhteydenotto).
    ClientContact,
    /// Another reason, written out.
    Other,
}

impl AccessReason {
    pub const ALL: [AccessReason; 4] = [
        AccessReason::Substitution,
        AccessReason::Urgent,
        AccessReason::ClientContact,
        AccessReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AccessReason::Substitution => "substitution",
            AccessReason::Urgent => "urgent",
            AccessReason::ClientContact => "client_contact",
            AccessReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<AccessReason> {
        Self::ALL.into_iter().find(|r| r.code() == s.trim())
    }
}

/// A county worker's tie to a client (703/2023 9 §: access by task, not by organisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tie {
    /// The client's responsible worker, a worker of the client's team, a leading social worker
    /// (who brings every team's needs to the steering group), or a client no team holds yet.
    Task,
    /// An exceptional access the worker opened with this reason, still in force.
    Reason(AccessReason),
    /// None: a worker of another team with no reason given.
    None,
}

/// The one rule for a county worker's tie to a client: the client's team and responsible
/// worker against the actor's team and id, and an exceptional access in force.
pub fn tie(
    actor: &Actor,
    client_team: &str,
    responsible: Option<Uuid>,
    exception: Option<AccessReason>,
) -> Tie {
    let team = client_team.trim();
    if responsible == Some(actor.user_id)
        || team.is_empty()
        || (!actor.team.trim().is_empty() && actor.team.trim() == team)
        || actor.has(Role::LeadingSocialWorker)
    {
        Tie::Task
    } else if let Some(r) = exception {
        Tie::Reason(r)
    } else {
        Tie::None
    }
}

/// Why access was refused, for the log and the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// The action does not exist for this record (e.g. deactivating the audit log).
    NotApplicable,
    /// The record belongs to another organisation.
    OtherOrganisation,
    /// The actor's roles do not include one that may do this.
    MissingRole,
    /// A client's or guardian's account is changed only from the client's page.
    FamilyAccount,
    /// The API key used does not allow this operation.
    KeyScope,
    /// No version of the commitment was ever accepted: there is no delivery to follow.
    NotInForce,
    /// The commitment's follow period does not cover this today (see [`follow`]).
    OutsidePeriod,
    /// The client is not in the worker's team or responsibility, and no reason for an
    /// exceptional access was given (703/2023 9 §).
    NoTask,
    /// The commitment is served by another service unit of the provider than the user's
    /// (703/2023 9 §: a provider's access follows the unit named on the commitment).
    OtherUnit,
}

impl Denial {
    pub fn code(self) -> &'static str {
        match self {
            Denial::NotApplicable => "access-not-applicable",
            Denial::OtherOrganisation => "access-other-organisation",
            Denial::MissingRole => "access-missing-role",
            Denial::FamilyAccount => "access-family-account",
            Denial::KeyScope => "access-key-scope",
            Denial::NotInForce => "access-not-in-force",
            Denial::OutsidePeriod => "access-outside-period",
            Denial::NoTask => "access-no-task",
            Denial::OtherUnit => "access-other-unit",
        }
    }
}

/// Refuses a provider's user a commitment of another unit than theirs ([`serves_unit`]).
fn unit_of(actor: &Actor, unit: Option<Uuid>) -> Result<(), Denial> {
    match unit {
        Some(u) if !serves_unit(actor, u) => Err(Denial::OtherUnit),
        _ => Ok(()),
    }
}

fn procurement_staff(actor: &Actor) -> bool {
    actor.org_kind.is_purchaser()
        && (actor.has(Role::ProcurementSpecialist) || actor.has(Role::PurchaserAdmin))
}

/// Those who follow shared costs in a purchaser: its controller, leading social workers,
/// procurement staff.
fn sharing_reader(actor: &Actor) -> bool {
    actor.org_kind.is_purchaser()
        && (actor.has(Role::Controller)
            || actor.has(Role::LeadingSocialWorker)
            || procurement_staff(actor))
}

/// Those who keep a hosted cost-sharing agreement: the host's controller and procurement staff.
fn sharing_keeper(actor: &Actor) -> bool {
    actor.org_kind.is_purchaser() && (actor.has(Role::Controller) || procurement_staff(actor))
}

/// Social workers keep the client register.
fn client_staff(actor: &Actor) -> bool {
    actor.org_kind.is_purchaser()
        && (actor.has(Role::SocialWorker) || actor.has(Role::LeadingSocialWorker))
}

/// A provider's staff who deliver: the signatory, service managers and workers.
fn provider_reader(actor: &Actor) -> bool {
    actor.has(Role::ProviderSignatory) || actor.has(Role::ServiceManager) || actor.has(Role::Worker)
}

/// Who follows the supervision of purchased services in a purchaser: those who buy and follow
/// the service and the social workers who find deviations in reports and disputes; in a
/// provider, its managers.
fn supervision_reader(actor: &Actor) -> bool {
    if actor.org_kind.is_purchaser() {
        agreement_reader(actor) || actor.has(Role::SocialWorker)
    } else {
        provider_staff_manager(actor)
    }
}

/// Who decides measures on a deviation (accepting a correction, a fee reduction, a
/// termination): the purchaser's procurement staff and leading social workers.
fn supervision_decider(actor: &Actor) -> bool {
    procurement_staff(actor)
        || (actor.org_kind.is_purchaser() && actor.has(Role::LeadingSocialWorker))
}

fn provider_staff_manager(actor: &Actor) -> bool {
    actor.has(Role::ProviderSignatory) || actor.has(Role::ServiceManager)
}

/// Who follows an agreement: on the purchaser's side those who make it, its controller and its
/// leading social workers (seed 003's follow-up group: the purchaser's director and manager);
/// on the provider's side its signatory and service managers.
fn agreement_reader(actor: &Actor) -> bool {
    if actor.org_kind.is_purchaser() {
        procurement_staff(actor)
            || actor.has(Role::Controller)
            || actor.has(Role::LeadingSocialWorker)
    } else {
        provider_staff_manager(actor)
    }
}

/// Proof that the policy allowed an action on a resource: what the database functions that read
/// a client's personal data ask for (`db::client`). Its field is private and [`grant`] is the
/// only way to make one, so a use case that has not asked the policy cannot read a client; clippy
/// refuses `grant` outside the gate (see `clippy.toml`), which also writes the refusals to the log.
///
/// ```compile_fail,E0451
/// // A grant cannot be made by hand: its fields are private.
/// let g = domain::access::Grant {
///     resource: domain::access::Resource::AuditLog,
///     actor_org: uuid::Uuid::nil(),
/// };
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    resource: Resource,
    actor_org: Uuid,
}

impl Grant {
    pub fn resource(&self) -> Resource {
        self.resource
    }

    /// The purchaser whose client register the grant opens, if it opens one: a client, the
    /// register's lists, and what a commitment or its delivery shows of the client.
    pub fn register(&self) -> Option<Uuid> {
        match self.resource {
            Resource::Clients { org_id }
            | Resource::ServiceNeeds { org_id }
            | Resource::Commitments { org_id }
            | Resource::Reports { org_id }
            | Resource::VisitBatch { org_id } => Some(org_id),
            Resource::Client { purchaser_id, .. }
            | Resource::Commitment { purchaser_id, .. }
            | Resource::Delivery { purchaser_id, .. } => Some(purchaser_id),
            // A family account is kept in its purchaser's register; so are the people it
            // may ask the log data of.
            Resource::FamilyVisits => Some(self.actor_org),
            Resource::LogRequests { org_id } => Some(org_id),
            _ => None,
        }
    }

    /// Whether the grant opens only the minimal data of a client (name, age, home
    /// municipality, language, guardians; the address and phone not under turvakielto): so for
    /// anyone outside the register's own organisation, that is a provider following a
    /// commitment (data minimisation, 703/2023 and the GDPR's article 5). The register's own
    /// staff read the record.
    pub fn minimal(&self) -> bool {
        self.register() != Some(self.actor_org)
    }
}

/// The policy's answer as a [`Grant`] for the resource, or the reason for refusing.
pub fn grant(actor: &Actor, action: Action, resource: Resource) -> Result<Grant, Denial> {
    #[allow(clippy::disallowed_methods)] // the grant is the policy's answer
    decide(actor, action, resource)?;
    Ok(Grant {
        resource,
        actor_org: actor.org_id,
    })
}

/// Who answers a client's request for their own log data.
fn log_request_handler(actor: &Actor) -> bool {
    actor.org_kind.is_purchaser()
        && (actor.has(Role::Auditor) || actor.has(Role::LeadingSocialWorker))
}

/// Decides whether `actor` may do `action` on `resource`.
/// The one rule for a provider user's tie to a service unit: a user with a unit serves only
/// the commitments that name it; one without (and every purchaser's user) serves all.
pub fn serves_unit(actor: &Actor, unit: Uuid) -> bool {
    actor.org_kind.is_purchaser() || actor.unit.is_none_or(|u| u == unit)
}

pub fn decide(actor: &Actor, action: Action, resource: Resource) -> Result<(), Denial> {
    use Action::*;
    let own = |org_id: Uuid| {
        if org_id == actor.org_id {
            Ok(())
        } else {
            Err(Denial::OtherOrganisation)
        }
    };
    let role = |ok: bool| if ok { Ok(()) } else { Err(Denial::MissingRole) };

    // A provider system's key does only what it was given, and otherwise what the provider's
    // worker may: the rules below still apply.
    if let Some(ops) = &actor.key {
        use crate::api_key::Operation;
        let op = match (resource, action) {
            (
                Resource::Delivery {
                    part: Part::Visits, ..
                },
                Create | Update,
            )
            | (Resource::VisitBatch { .. }, Create) => Some(Operation::VisitsWrite),
            (
                Resource::Delivery {
                    part: Part::Page | Part::Visits,
                    ..
                },
                Read,
            ) => Some(Operation::VisitsRead),
            (Resource::Commitments { .. }, List) | (Resource::Commitment { .. }, Read) => {
                Some(Operation::CommitmentsRead)
            }
            (Resource::Invoices { .. }, Create | List) | (Resource::Invoice { .. }, Read) => {
                Some(Operation::InvoicesWrite)
            }
            _ => None,
        };
        if !op.is_some_and(|o| ops.contains(&o)) {
            return Err(Denial::KeyScope);
        }
    }

    // A client's or guardian's account reads public records and answers its own visits,
    // nothing more.
    if actor.has(Role::ClientOrGuardian) {
        return match (resource, action) {
            (
                Resource::Delivery {
                    part: Part::Answer,
                    own_person,
                    follow,
                    ..
                },
                Read | Decide,
            ) => {
                if !own_person {
                    Err(Denial::OtherOrganisation)
                } else if follow == Follow::NotInForce {
                    Err(Denial::NotInForce)
                } else {
                    Ok(())
                }
            }
            (Resource::FamilyVisits, List) => Ok(()),
            // The client's own log data, asked for and read by the client or a guardian.
            (Resource::LogRequests { org_id }, List | Create) => own(org_id),
            (
                Resource::LogRequest {
                    own: true,
                    owner_id,
                },
                Read,
            ) => own(owner_id),
            (Resource::User { user_id, .. }, Read) if user_id == actor.user_id => Ok(()),
            (Resource::Procurements | Resource::ProviderRegister, List) => Ok(()),
            (Resource::Procurement { .. } | Resource::Organisation { .. }, Read) => Ok(()),
            _ => Err(Denial::MissingRole),
        };
    }

    match (resource, action) {
        (Resource::Organisations, List) => Ok(()),
        // New organisations (municipalities, providers) are entered by a county's administrator.
        (Resource::Organisations, Create) => role(actor.has(Role::PurchaserAdmin)),
        (Resource::Organisations, _) => Err(Denial::NotApplicable),

        (Resource::Organisation { .. }, Read) => Ok(()),
        (Resource::Organisation { org_id }, Update | Deactivate) => {
            own(org_id)?;
            role(actor.is_org_admin())
        }
        (Resource::Organisation { .. }, _) => Err(Denial::NotApplicable),

        (Resource::Users { org_id }, List | Create) => {
            own(org_id)?;
            role(actor.is_org_admin())
        }
        (Resource::Users { .. }, _) => Err(Denial::NotApplicable),

        // Everyone may see their own account and its history of rights.
        (Resource::User { user_id, .. }, Read) if user_id == actor.user_id => Ok(()),
        (
            Resource::User {
                org_id,
                family_account: true,
                ..
            },
            Update,
        ) => {
            own(org_id)?;
            Err(Denial::FamilyAccount)
        }
        (Resource::User { org_id, .. }, Read | Update | Deactivate) => {
            own(org_id)?;
            role(actor.is_org_admin())
        }
        (Resource::User { .. }, _) => Err(Denial::NotApplicable),

        (Resource::ServiceUnits { org_kind, .. } | Resource::ServiceUnit { org_kind, .. }, _)
            if org_kind.is_purchaser() =>
        {
            Err(Denial::NotApplicable)
        }
        (Resource::ServiceUnits { org_id, .. }, List)
        | (Resource::ServiceUnit { org_id, .. }, Read) => {
            // Purchasers choose among units; a provider sees only its own.
            if actor.org_kind.is_purchaser() {
                Ok(())
            } else {
                own(org_id)
            }
        }
        (Resource::ServiceUnits { org_id, .. }, Create)
        | (Resource::ServiceUnit { org_id, .. }, Update | Deactivate) => {
            own(org_id)?;
            role(actor.has(Role::ProviderSignatory) || actor.has(Role::ServiceManager))
        }
        (Resource::ServiceUnits { .. } | Resource::ServiceUnit { .. }, _) => {
            Err(Denial::NotApplicable)
        }

        (Resource::AuditLog, List | Read) => role(actor.has(Role::Auditor)),
        (Resource::AuditLog, _) => Err(Denial::NotApplicable),

        // Procurements and lots are public: anyone signed in reads them. The purchaser's
        // procurement staff set them up.
        (Resource::Procurements, List) => Ok(()),
        (Resource::Procurements, Create) => role(procurement_staff(actor)),
        (Resource::Procurements, _) => Err(Denial::NotApplicable),
        (Resource::Procurement { .. }, Read) => Ok(()),
        (Resource::Procurement { purchaser_id }, Update) => {
            own(purchaser_id)?;
            role(procurement_staff(actor))
        }
        (Resource::Procurement { .. }, _) => Err(Denial::NotApplicable),

        // A provider's signatory and service managers apply; a purchaser's procurement staff
        // see every application to their own procurements, and only those.
        (Resource::Applications { org_id }, List) => {
            if actor.org_kind.is_purchaser() {
                own(org_id)?;
                role(procurement_staff(actor) || actor.has(Role::Auditor))
            } else {
                own(org_id)?;
                role(provider_staff_manager(actor))
            }
        }
        (Resource::Applications { org_id }, Create) => {
            own(org_id)?;
            role(!actor.org_kind.is_purchaser() && provider_staff_manager(actor))
        }
        (Resource::Applications { .. }, _) => Err(Denial::NotApplicable),
        (Resource::Application { provider_id, .. }, Read | Update)
            if !actor.org_kind.is_purchaser() =>
        {
            own(provider_id)?;
            role(provider_staff_manager(actor))
        }
        (Resource::Application { purchaser_id, .. }, Read) => {
            own(purchaser_id)?;
            role(procurement_staff(actor) || actor.has(Role::Auditor))
        }
        (Resource::Application { purchaser_id, .. }, Decide) if actor.org_kind.is_purchaser() => {
            own(purchaser_id)?;
            role(actor.has(Role::ProcurementSpecialist))
        }
        (Resource::Application { .. }, Update | Decide) => Err(Denial::MissingRole),
        (Resource::Application { .. }, _) => Err(Denial::NotApplicable),

        // Staff and evidence are the provider's own. Purchasers see them only through
        // applications, whose rosters carry what the evaluation used.
        (Resource::ProviderRecords { org_id }, List | Read | Create | Update | Deactivate) => {
            own(org_id)?;
            role(!actor.org_kind.is_purchaser() && provider_staff_manager(actor))
        }
        (Resource::ProviderRecords { .. }, _) => Err(Denial::NotApplicable),

        (Resource::ProviderRegister, List) => Ok(()),
        (Resource::ProviderRegister, _) => Err(Denial::NotApplicable),

        // Clients are the purchaser's register; its social workers keep it. A provider sees a
        // client only through an accepted commitment in its period, and only reads.
        (Resource::Clients { org_id }, List | Create) => {
            own(org_id)?;
            role(client_staff(actor))
        }
        (Resource::Clients { .. }, _) => Err(Denial::NotApplicable),
        (
            Resource::Client {
                purchaser_id, tie, ..
            },
            Read | Update,
        ) if actor.org_kind.is_purchaser() => {
            own(purchaser_id)?;
            role(client_staff(actor))?;
            if tie == Tie::None {
                Err(Denial::NoTask)
            } else {
                Ok(())
            }
        }
        (Resource::Client { follow, unit, .. }, Read) => {
            match follow {
                Follow::NotInForce => return Err(Denial::OtherOrganisation),
                f if !f.reaches_client() => return Err(Denial::OutsidePeriod),
                _ => {}
            }
            role(provider_reader(actor))?;
            unit_of(actor, unit)
        }
        (Resource::Client { .. }, Update) => Err(Denial::OtherOrganisation),
        (Resource::Client { .. }, _) => Err(Denial::NotApplicable),

        // Needs go to the steering group; only a leading social worker decides.
        (Resource::ServiceNeeds { org_id }, List | Read | Create | Update) => {
            own(org_id)?;
            role(client_staff(actor))
        }
        (Resource::ServiceNeeds { org_id }, Decide) => {
            own(org_id)?;
            role(actor.has(Role::LeadingSocialWorker))
        }
        (Resource::ServiceNeeds { .. }, _) => Err(Denial::NotApplicable),

        // A commitment is the purchaser's to send and the provider's to answer.
        (Resource::Commitments { org_id }, List) => {
            own(org_id)?;
            if actor.org_kind.is_purchaser() {
                role(client_staff(actor) || actor.has(Role::Controller))
            } else {
                role(provider_reader(actor))
            }
        }
        (Resource::Commitments { .. }, _) => Err(Denial::NotApplicable),
        (Resource::Commitment { purchaser_id, .. }, Read | Create | Update)
            if actor.org_kind.is_purchaser() =>
        {
            own(purchaser_id)?;
            role(client_staff(actor) || actor.has(Role::Controller))
        }
        (
            Resource::Commitment {
                provider_id, unit, ..
            },
            Read,
        ) => {
            own(provider_id)?;
            role(
                actor.has(Role::ProviderSignatory)
                    || actor.has(Role::ServiceManager)
                    || actor.has(Role::Worker),
            )?;
            unit_of(actor, unit)
        }
        (
            Resource::Commitment {
                provider_id, unit, ..
            },
            Decide,
        ) if !actor.org_kind.is_purchaser() => {
            own(provider_id)?;
            role(provider_staff_manager(actor))?;
            unit_of(actor, unit)
        }
        (Resource::Commitment { .. }, Create | Update | Decide) => Err(Denial::MissingRole),
        (Resource::Commitment { .. }, _) => Err(Denial::NotApplicable),

        (Resource::Budget { org_id }, List | Read) => {
            own(org_id)?;
            role(actor.org_kind.is_purchaser())
        }
        (Resource::Budget { org_id }, Create | Update) => {
            own(org_id)?;
            role(actor.has(Role::Controller) || actor.has(Role::PurchaserAdmin))
        }
        (Resource::Budget { .. }, _) => Err(Denial::NotApplicable),

        // Agreements: the purchaser's procurement staff make and change them, its controller and
        // leading social workers follow them; the provider's managers read theirs and report what
        // was delivered, and its signatory agrees to each version.
        (Resource::Agreements { org_id }, List) => {
            own(org_id)?;
            role(agreement_reader(actor))
        }
        (Resource::Agreements { org_id }, Create) => {
            own(org_id)?;
            role(actor.org_kind.is_purchaser() && procurement_staff(actor))
        }
        (Resource::Agreements { .. }, _) => Err(Denial::NotApplicable),
        (Resource::FollowUp { org_id }, List) => {
            own(org_id)?;
            role(actor.org_kind.is_purchaser() && agreement_reader(actor))
        }
        (Resource::FollowUp { .. }, _) => Err(Denial::NotApplicable),
        (
            Resource::Agreement {
                purchaser_id,
                provider_id,
            },
            action,
        ) => {
            let purchaser = actor.org_kind.is_purchaser();
            own(if purchaser { purchaser_id } else { provider_id })?;
            match action {
                Read => role(agreement_reader(actor)),
                Update => role(purchaser && procurement_staff(actor)),
                Decide => role(!purchaser && actor.has(Role::ProviderSignatory)),
                Create => role(!purchaser && agreement_reader(actor)),
                _ => Err(Denial::NotApplicable),
            }
        }

        // Shared costs (seed 002): the host's controller and procurement staff keep the
        // agreement and enter its costs, only the controller issues the recharges; every
        // party's followers read the agreement and the computation, and each sees only its own
        // recharge invoices.
        (Resource::CostSharings { org_id }, List) => {
            own(org_id)?;
            role(sharing_reader(actor))
        }
        (Resource::CostSharings { org_id }, Create) => {
            own(org_id)?;
            role(sharing_keeper(actor))
        }
        (Resource::CostSharings { .. }, _) => Err(Denial::NotApplicable),
        (Resource::CostSharing { host_id, is_party }, action) => {
            let host = actor.org_id == host_id;
            if !host && !is_party {
                return Err(Denial::OtherOrganisation);
            }
            match action {
                Read => role(sharing_reader(actor)),
                Update => role(host && sharing_keeper(actor)),
                Decide => role(host && actor.has(Role::Controller)),
                _ => Err(Denial::NotApplicable),
            }
        }
        (
            Resource::Recharge {
                host_id,
                recipient_id,
            },
            Read,
        ) => {
            if actor.org_id != host_id {
                own(recipient_id)?;
            }
            role(sharing_reader(actor))
        }
        (Resource::Recharge { .. }, _) => Err(Denial::NotApplicable),

        // Registers of people (seed 002): the controller's keepers read and keep them; others
        // read only where a grant names their organisation and role.
        (Resource::Registers, List) => Ok(()),
        (Resource::Registers, _) => Err(Denial::NotApplicable),
        (
            Resource::Register {
                controller_id,
                named,
            },
            Read,
        ) => {
            if actor.org_id == controller_id && crate::register::keeper_role(actor) || named {
                Ok(())
            } else {
                own(controller_id)?;
                Err(Denial::MissingRole)
            }
        }
        (Resource::Register { controller_id, .. }, Create | Update | Deactivate) => {
            own(controller_id)?;
            role(crate::register::keeper_role(actor))
        }
        (Resource::Register { .. }, _) => Err(Denial::NotApplicable),

        // Clients' requests for their own log data: the county's auditor, who reads the log,
        // and its leading social workers, who know whether giving it would endanger the
        // child, answer them (703/2023 11 §).
        (Resource::LogRequests { org_id }, List)
        | (
            Resource::LogRequest {
                owner_id: org_id, ..
            },
            Read | Decide,
        ) => {
            own(org_id)?;
            role(log_request_handler(actor))
        }
        (Resource::LogRequests { .. } | Resource::LogRequest { .. }, _) => {
            Err(Denial::NotApplicable)
        }

        // Supervision of purchased services (741/2023 23–25 §, 29 §): the purchaser's
        // followers record deviations and its deciders take measures; the provider's managers
        // answer them and notify serious incidents.
        (Resource::Deviations { org_id }, List) => {
            own(org_id)?;
            role(supervision_reader(actor))
        }
        (Resource::Deviations { org_id }, Create) => {
            own(org_id)?;
            role(if actor.org_kind.is_purchaser() {
                supervision_decider(actor) || actor.has(Role::SocialWorker)
            } else {
                provider_staff_manager(actor)
            })
        }
        (Resource::Deviations { .. }, _) => Err(Denial::NotApplicable),
        (
            Resource::Deviation {
                purchaser_id,
                provider_id,
            },
            action,
        ) => {
            let purchaser = actor.org_kind.is_purchaser();
            own(if purchaser { purchaser_id } else { provider_id })?;
            match action {
                Read => role(supervision_reader(actor)),
                Update => role(!purchaser && provider_staff_manager(actor)),
                Decide => role(supervision_decider(actor)),
                _ => Err(Denial::NotApplicable),
            }
        }

        // Payments under an agreement: both sides' followers see them; the purchaser's
        // controller and procurement staff record them.
        (
            Resource::AgreementPayments {
                purchaser_id,
                provider_id,
            },
            action,
        ) => {
            let purchaser = actor.org_kind.is_purchaser();
            own(if purchaser { purchaser_id } else { provider_id })?;
            match action {
                List => role(agreement_reader(actor)),
                Create => {
                    role(purchaser && (actor.has(Role::Controller) || procurement_staff(actor)))
                }
                _ => Err(Denial::NotApplicable),
            }
        }

        // The provider's staff plan, log visits, mark paper confirmations and write reports
        // for their own commitments during the follow period; the purchaser's social workers
        // follow, write the plan with them and approve or return reports; the controller reads.
        // Only a family answers a visit.
        (
            Resource::Delivery {
                purchaser_id,
                provider_id,
                unit,
                part,
                follow,
                ..
            },
            _,
        ) => {
            if actor.org_kind.is_purchaser() {
                own(purchaser_id)?;
            } else {
                own(provider_id)?;
                role(provider_reader(actor))?;
                unit_of(actor, unit)?;
            }
            if follow == Follow::NotInForce {
                return Err(Denial::NotInForce);
            }
            let purchaser = actor.org_kind.is_purchaser();
            let reads = client_staff(actor) || actor.has(Role::Controller);
            match (part, action) {
                (Part::Answer, Read | Decide) => Err(Denial::MissingRole),
                (Part::Answer, _) => Err(Denial::NotApplicable),
                (_, Read) if purchaser => role(reads),
                (Part::Plan, Update) | (Part::Report, Decide) if purchaser => {
                    role(client_staff(actor))
                }
                (Part::Visits | Part::Report, Create | Update) if purchaser => {
                    Err(Denial::MissingRole)
                }
                (Part::Report, Decide) => Err(Denial::MissingRole),
                (
                    Part::Page | Part::Plan | Part::Report | Part::Attachment | Part::Visits,
                    Read,
                )
                | (Part::Plan, Update) => {
                    if follow.reaches_client() {
                        Ok(())
                    } else {
                        Err(Denial::OutsidePeriod)
                    }
                }
                (Part::Visits | Part::Report, Create | Update) => {
                    if follow.delivers() {
                        Ok(())
                    } else {
                        Err(Denial::OutsidePeriod)
                    }
                }
                _ => Err(Denial::NotApplicable),
            }
        }

        // Only a provider's delivering staff send visits.
        (Resource::VisitBatch { org_id }, Create) => {
            own(org_id)?;
            role(!actor.org_kind.is_purchaser() && provider_reader(actor))
        }
        (Resource::VisitBatch { .. }, _) => Err(Denial::NotApplicable),
        // A provider's administrator keeps the keys of its own systems.
        (Resource::ApiKeys { org_id }, List | Create | Deactivate) => {
            own(org_id)?;
            role(!actor.org_kind.is_purchaser() && actor.has(Role::ProviderSignatory))
        }
        (Resource::ApiKeys { .. }, _) => Err(Denial::NotApplicable),

        // The reports waiting for a decision: the register's social workers and controller.
        (Resource::Reports { org_id }, List) => {
            own(org_id)?;
            role(client_staff(actor) || actor.has(Role::Controller))
        }
        (Resource::Reports { .. }, _) => Err(Denial::NotApplicable),
        // Invoices: a provider's signatory and service managers send theirs and follow where
        // they stand, as does its billing system with a key that the signatory gave
        // `invoices.write` (checked above); the purchaser's controller receives them. An invoice
        // names no client, so no client relationship is asked for.
        (Resource::Invoices { org_id }, List) => {
            own(org_id)?;
            if actor.org_kind.is_purchaser() {
                role(actor.has(Role::Controller))
            } else {
                role(provider_staff_manager(actor) || actor.key.is_some())
            }
        }
        (Resource::Invoices { org_id }, Create) => {
            own(org_id)?;
            role(
                !actor.org_kind.is_purchaser()
                    && (provider_staff_manager(actor) || actor.key.is_some()),
            )
        }
        // Exporting the approved invoices to accounts payable is the controller's.
        (Resource::Invoices { org_id }, Decide) => {
            own(org_id)?;
            role(actor.org_kind.is_purchaser() && actor.has(Role::Controller))
        }
        (Resource::Invoices { .. }, _) => Err(Denial::NotApplicable),
        (Resource::Invoice { purchaser_id, .. }, Read | Decide)
            if actor.org_kind.is_purchaser() =>
        {
            own(purchaser_id)?;
            role(actor.has(Role::Controller))
        }
        (Resource::Invoice { provider_id, .. }, Read) => {
            own(provider_id)?;
            role(provider_staff_manager(actor) || actor.key.is_some())
        }
        (Resource::Invoice { .. }, Decide) => Err(Denial::MissingRole),
        (Resource::Invoice { .. }, _) => Err(Denial::NotApplicable),

        // A family's own visits are for a family's account only.
        (Resource::FamilyVisits, List) => Err(Denial::MissingRole),
        (Resource::FamilyVisits, _) => Err(Denial::NotApplicable),
    }
}
