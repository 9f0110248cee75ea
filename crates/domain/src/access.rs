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
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::Read,
        Action::List,
        Action::Create,
        Action::Update,
        Action::Deactivate,
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
}

impl Denial {
    pub fn code(self) -> &'static str {
        match self {
            Denial::NotApplicable => "access-not-applicable",
            Denial::OtherOrganisation => "access-other-organisation",
            Denial::MissingRole => "access-missing-role",
        }
    }
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
    }
}
