//! The access policy: who may do what to which record. Decided here, enforced by `service`,
//! and tested as a table of roles × records × actions.
//!
//! Each organisation administers itself: its own details, its own users (and so their rights) and,
//! for providers, its own service units. Organisation names, business IDs and units are register
//! data every signed-in user may read; users and the access log are not.

use crate::org::{Actor, OrgKind, Role};
use uuid::Uuid;

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
    /// A client of `purchaser_id`. `linked` says whether the actor's organisation holds a
    /// commitment for the client that is accepted and in its period today
    /// ([`crate::commitment::Commitment::grants_access_on`]): only then may a provider see the
    /// client, and only the minimal data.
    Client {
        purchaser_id: Uuid,
        linked: bool,
    },
    /// Service needs, steering groups and their meetings of a purchaser.
    ServiceNeeds {
        org_id: Uuid,
    },
    /// A payment commitment from `purchaser_id` to `provider_id`.
    Commitment {
        purchaser_id: Uuid,
        provider_id: Uuid,
    },
    /// A purchaser's budget lines.
    Budget {
        org_id: Uuid,
    },
    /// Delivery under a commitment from `purchaser_id` to `provider_id`: the service plan, the
    /// visits and their confirmations, the monthly reports. `own_person` says whether the actor
    /// is the client (old enough to confirm) or one of the client's guardians.
    Delivery {
        purchaser_id: Uuid,
        provider_id: Uuid,
        own_person: bool,
    },
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
}

impl Denial {
    pub fn code(self) -> &'static str {
        match self {
            Denial::NotApplicable => "access-not-applicable",
            Denial::OtherOrganisation => "access-other-organisation",
            Denial::MissingRole => "access-missing-role",
            Denial::FamilyAccount => "access-family-account",
        }
    }
}

fn procurement_staff(actor: &Actor) -> bool {
    actor.org_kind.is_purchaser()
        && (actor.has(Role::ProcurementSpecialist) || actor.has(Role::PurchaserAdmin))
}

/// Social workers keep the client register.
fn client_staff(actor: &Actor) -> bool {
    actor.org_kind.is_purchaser()
        && (actor.has(Role::SocialWorker) || actor.has(Role::LeadingSocialWorker))
}

fn provider_staff_manager(actor: &Actor) -> bool {
    actor.has(Role::ProviderSignatory) || actor.has(Role::ServiceManager)
}

/// Decides whether `actor` may do `action` on `resource`.
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

    // A client's or guardian's account reads public records and its own delivery, nothing more.
    if actor.has(Role::ClientOrGuardian) {
        return match (resource, action) {
            (Resource::Delivery { own_person, .. }, Read | Decide) => {
                if own_person {
                    Ok(())
                } else {
                    Err(Denial::OtherOrganisation)
                }
            }
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
        (Resource::Client { purchaser_id, .. }, Read | Update) if actor.org_kind.is_purchaser() => {
            own(purchaser_id)?;
            role(client_staff(actor))
        }
        (Resource::Client { linked, .. }, Read) => {
            if !linked {
                return Err(Denial::OtherOrganisation);
            }
            role(
                actor.has(Role::ProviderSignatory)
                    || actor.has(Role::ServiceManager)
                    || actor.has(Role::Worker),
            )
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
        (Resource::Commitment { purchaser_id, .. }, Read | Create | Update)
            if actor.org_kind.is_purchaser() =>
        {
            own(purchaser_id)?;
            role(client_staff(actor) || actor.has(Role::Controller))
        }
        (Resource::Commitment { provider_id, .. }, Read) => {
            own(provider_id)?;
            role(
                actor.has(Role::ProviderSignatory)
                    || actor.has(Role::ServiceManager)
                    || actor.has(Role::Worker),
            )
        }
        (Resource::Commitment { provider_id, .. }, Decide) if !actor.org_kind.is_purchaser() => {
            own(provider_id)?;
            role(provider_staff_manager(actor))
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

        // The provider's staff plan, log visits, mark paper confirmations and write reports
        // for their own commitments; the purchaser's social workers follow, write the plan
        // with them and approve or return reports; the controller reads.
        (Resource::Delivery { purchaser_id, .. }, Read) if actor.org_kind.is_purchaser() => {
            own(purchaser_id)?;
            role(client_staff(actor) || actor.has(Role::Controller))
        }
        // Visits are the provider's to log: the purchaser plans with them and decides on reports.
        (Resource::Delivery { purchaser_id, .. }, Update | Decide)
            if actor.org_kind.is_purchaser() =>
        {
            own(purchaser_id)?;
            role(client_staff(actor))
        }
        (Resource::Delivery { .. }, Create) if actor.org_kind.is_purchaser() => {
            Err(Denial::MissingRole)
        }
        (Resource::Delivery { provider_id, .. }, Read | Create | Update) => {
            own(provider_id)?;
            role(
                actor.has(Role::ProviderSignatory)
                    || actor.has(Role::ServiceManager)
                    || actor.has(Role::Worker),
            )
        }
        (Resource::Delivery { .. }, Decide) => Err(Denial::MissingRole),
        (Resource::Delivery { .. }, _) => Err(Denial::NotApplicable),
    }
}
