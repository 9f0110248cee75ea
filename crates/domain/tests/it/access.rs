//! The access policy as a table: every role, in its own and in another organisation, against
//! every record and action.

// The policy's own table test asks it directly; everything else goes through the gate.
#![allow(clippy::disallowed_methods, clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::access::{
    decide, follow, tie, AccessReason, Action, Denial, Follow, Part, Resource, Tie,
};
use domain::org::{Actor, OrgKind, Role};
use uuid::Uuid;

const OWN_PURCHASER: Uuid = Uuid::from_u128(1);
const OTHER_PURCHASER: Uuid = Uuid::from_u128(2);
const OWN_PROVIDER: Uuid = Uuid::from_u128(3);
const OTHER_PROVIDER: Uuid = Uuid::from_u128(4);
const SELF_USER: Uuid = Uuid::from_u128(10);
const OTHER_USER: Uuid = Uuid::from_u128(11);

fn actor(role: Role) -> Actor {
    // A client's or guardian's account lives in the purchaser's register of people.
    let (org_id, org_kind) = if role.is_purchaser_role() || role == Role::ClientOrGuardian {
        (OWN_PURCHASER, OrgKind::County)
    } else {
        (OWN_PROVIDER, OrgKind::Company)
    };
    Actor {
        user_id: SELF_USER,
        username: "u".into(),
        display_name: "U".into(),
        org_id,
        org_kind,
        roles: vec![role],
        person: (role == Role::ClientOrGuardian).then_some(OTHER_USER),
        key: None,
        unit: None,
        team: String::new(),
    }
}

/// The expected outcome for one role against one record and action. Written out by hand from
/// the rules in `access.rs`'s module comment, not computed by the same code.
fn expected(role: Role, action: Action, resource: &str) -> bool {
    use Action::*;
    use Role::*;
    let org_admin = matches!(role, PurchaserAdmin | ProviderSignatory);
    let provider_unit_manager = matches!(role, ProviderSignatory | ServiceManager);
    let purchaser = role.is_purchaser_role();
    let procurement_staff = matches!(role, ProcurementSpecialist | PurchaserAdmin);
    let client_staff = matches!(role, SocialWorker | LeadingSocialWorker);
    let provider_reader = matches!(role, ProviderSignatory | ServiceManager | Worker);
    // A client's or guardian's account sees public records, itself, and its own family's
    // delivery, which it reads and confirms.
    if role == ClientOrGuardian {
        return matches!(
            (resource, action),
            ("procurements" | "register", List)
                | (
                    "own_org" | "other_org" | "own_procurement" | "other_procurement",
                    Read
                )
                | ("self", Read)
                | ("family_visits", List)
                | ("own_log_requests", List | Create)
                | ("my_log_request", Read)
        );
    }
    match (resource, action) {
        ("organisations", List) => true,
        ("organisations", Create) => role == PurchaserAdmin,
        ("own_org", Read) | ("other_org", Read) => true,
        ("own_org", Update | Deactivate) => org_admin,
        ("own_users", List | Create) => org_admin,
        ("own_user", Read | Update | Deactivate) => org_admin,
        // A family's account is given from the client's page: the user form never changes it.
        ("own_family_user", Read | Deactivate) => org_admin,
        ("self", Read) => true,
        ("self", Update | Deactivate) => org_admin,
        ("own_units", List) => !purchaser,
        ("own_units", Create) => provider_unit_manager,
        ("own_unit", Read) => !purchaser,
        ("own_unit", Update | Deactivate) => provider_unit_manager,
        ("other_units", List) | ("other_unit", Read) => purchaser,
        ("audit", List | Read) => role == Auditor,
        // Procurements are public; the purchaser's procurement staff set up their own.
        ("procurements", List) => true,
        ("procurements", Create) => procurement_staff,
        ("own_procurement", Read) | ("other_procurement", Read) => true,
        ("own_procurement", Update) => procurement_staff,
        // Providers' managers apply and see their own; purchasers' procurement staff (and
        // auditors, read only) see applications to their own procurements; the specialist decides.
        ("own_applications", List) => provider_unit_manager || procurement_staff || role == Auditor,
        ("own_applications", Create) => provider_unit_manager,
        ("own_application", Read) => provider_unit_manager || procurement_staff || role == Auditor,
        ("own_application", Update) => provider_unit_manager,
        ("own_application", Decide) => role == ProcurementSpecialist,
        // Staff and certificates: the provider's managers only.
        ("own_records", List | Read | Create | Update | Deactivate) => provider_unit_manager,
        ("register", List) => true,
        // Clients: the purchaser's social workers keep the register; a provider's signatory,
        // service manager and worker only read a client linked to them by an accepted
        // commitment in its period, never an unlinked one, and never update.
        ("own_clients", List | Create) => client_staff,
        ("own_client", Read | Update) => client_staff,
        // Service needs: social workers keep them; only the leading social worker decides.
        ("own_needs", List | Read | Create | Update) => client_staff,
        ("own_needs", Decide) => role == LeadingSocialWorker,
        // Commitments: the purchaser's social workers and controller send and change them; the
        // provider's staff read them and its signatory or service manager answers.
        ("commitment_as_purchaser", Read | Create | Update) => client_staff || role == Controller,
        ("commitment_as_provider", Read) => provider_reader,
        ("commitment_as_provider", Decide) => provider_unit_manager,
        // Budget: every purchaser role of the organisation reads; controller and admin keep it.
        ("own_budget", List | Read) => purchaser,
        ("own_budget", Create | Update) => matches!(role, Controller | PurchaserAdmin),
        // Reports waiting for a decision: the register's social workers and controller.
        ("own_reports", List) => client_staff || role == Controller,
        // A provider's signatory keeps the API keys of its systems.
        ("own_api_keys", List | Create | Deactivate) => role == ProviderSignatory,
        ("own_visit_batch", Create) => provider_reader,
        // The commitments list: the purchaser's social workers and controller, the provider's
        // staff who deliver.
        ("own_commitments", List) => client_staff || role == Controller || provider_reader,
        // Invoices: the provider's managers send and follow theirs; the controller receives,
        // reads and decides.
        ("own_invoices", List) => provider_unit_manager || role == Controller,
        ("own_invoices", Create) => provider_unit_manager,
        ("own_invoices", Decide) => role == Controller,
        ("invoice_as_purchaser", Read | Decide) => role == Controller,
        ("invoice_as_provider", Read) => provider_unit_manager,
        // Agreements: the purchaser's procurement staff make and change them; its controller
        // and leading social workers follow; the provider's managers read and report, and its
        // signatory agrees to a version.
        ("own_agreements", List) => {
            procurement_staff
                || matches!(role, Controller | LeadingSocialWorker)
                || provider_unit_manager
        }
        ("own_agreements", Create) => procurement_staff,
        // The purchaser's follow-up (processing times, scorecard): those who follow agreements.
        ("own_follow_up", List) => {
            procurement_staff || matches!(role, Controller | LeadingSocialWorker)
        }
        ("agreement_as_purchaser", Read) => {
            procurement_staff || matches!(role, Controller | LeadingSocialWorker)
        }
        ("agreement_as_purchaser", Update) => procurement_staff,
        ("agreement_as_provider", Read | Create) => provider_unit_manager,
        ("agreement_as_provider", Decide) => role == ProviderSignatory,
        // Shared costs: those who follow them in a purchaser read what they host or are party
        // to; the host's controller and procurement staff keep it, its controller recharges;
        // a recharge is seen by the host and its recipient only.
        ("own_sharings", List) | ("hosted_sharing" | "party_sharing", Read) => {
            procurement_staff || matches!(role, Controller | LeadingSocialWorker)
        }
        ("own_sharings", Create) | ("hosted_sharing", Update) => {
            procurement_staff || role == Controller
        }
        ("hosted_sharing", Decide) => role == Controller,
        ("own_recharge" | "hosted_recharge", Read) => {
            procurement_staff || matches!(role, Controller | LeadingSocialWorker)
        }
        // Registers of people: the controller's keepers (administrator or leading social
        // worker in a municipality, signatory or service manager in a provider) read and keep
        // them; a role a grant names reads; nobody else.
        ("registers", List) => true,
        // Payments under an agreement: both sides' followers list them; the purchaser's
        // controller and procurement staff record them.
        ("payments_as_purchaser", List) => {
            procurement_staff || matches!(role, Controller | LeadingSocialWorker)
        }
        ("payments_as_purchaser", Create) => procurement_staff || role == Controller,
        ("payments_as_provider", List) => provider_unit_manager,
        ("own_register", Read | Create | Update | Deactivate) => {
            matches!(
                role,
                PurchaserAdmin | LeadingSocialWorker | ProviderSignatory | ServiceManager
            )
        }
        ("named_register", Read) => true,
        // A client's request for their own log data: the purchaser's auditor and leading
        // social workers list, read and answer them.
        ("own_log_requests", List) | ("own_log_request" | "my_log_request", Read | Decide) => {
            matches!(role, Auditor | LeadingSocialWorker)
        }
        _ => false,
    }
}

#[test]
fn every_role_record_and_action() {
    let mut checked = 0;
    for role in Role::ALL {
        let a = actor(role);
        let (own_prov, other_prov) = if a.org_kind.is_provider() {
            (a.org_id, OTHER_PROVIDER)
        } else {
            // A purchaser's "own" units do not exist; use another provider for both.
            (OTHER_PROVIDER, OTHER_PROVIDER)
        };
        let other_org = if a.org_kind.is_purchaser() {
            OTHER_PURCHASER
        } else {
            OTHER_PROVIDER
        };
        let mut resources = vec![
            ("organisations", Resource::Organisations),
            ("own_org", Resource::Organisation { org_id: a.org_id }),
            ("other_org", Resource::Organisation { org_id: other_org }),
            ("own_users", Resource::Users { org_id: a.org_id }),
            ("other_users", Resource::Users { org_id: other_org }),
            (
                "own_user",
                Resource::User {
                    org_id: a.org_id,
                    user_id: OTHER_USER,
                    family_account: false,
                },
            ),
            (
                "own_family_user",
                Resource::User {
                    org_id: a.org_id,
                    user_id: OTHER_USER,
                    family_account: true,
                },
            ),
            (
                "self",
                Resource::User {
                    org_id: a.org_id,
                    user_id: SELF_USER,
                    family_account: false,
                },
            ),
            (
                "other_user",
                Resource::User {
                    org_id: other_org,
                    user_id: OTHER_USER,
                    family_account: false,
                },
            ),
            ("audit", Resource::AuditLog),
            (
                "purchaser_units",
                Resource::ServiceUnits {
                    org_id: OWN_PURCHASER,
                    org_kind: OrgKind::County,
                },
            ),
        ];
        if a.org_kind.is_provider() {
            resources.push((
                "own_units",
                Resource::ServiceUnits {
                    org_id: own_prov,
                    org_kind: OrgKind::Company,
                },
            ));
            resources.push((
                "own_unit",
                Resource::ServiceUnit {
                    org_id: own_prov,
                    org_kind: OrgKind::Company,
                },
            ));
        }
        resources.push((
            "other_units",
            Resource::ServiceUnits {
                org_id: other_prov,
                org_kind: OrgKind::Ngo,
            },
        ));
        resources.push((
            "other_unit",
            Resource::ServiceUnit {
                org_id: other_prov,
                org_kind: OrgKind::Ngo,
            },
        ));
        // Procurement records. "own" is the actor's side of the relationship: the purchaser's
        // procurement, or the provider's application; "other" belongs to someone else entirely.
        let (app_provider, app_purchaser) = if a.org_kind.is_provider() {
            (a.org_id, OTHER_PURCHASER)
        } else {
            (OTHER_PROVIDER, a.org_id)
        };
        resources.extend([
            ("procurements", Resource::Procurements),
            (
                "own_procurement",
                Resource::Procurement {
                    purchaser_id: a.org_id,
                },
            ),
            (
                "other_procurement",
                Resource::Procurement {
                    purchaser_id: OTHER_PURCHASER,
                },
            ),
            (
                "own_applications",
                Resource::Applications { org_id: a.org_id },
            ),
            (
                "other_applications",
                Resource::Applications { org_id: other_org },
            ),
            (
                "own_application",
                Resource::Application {
                    provider_id: app_provider,
                    purchaser_id: app_purchaser,
                },
            ),
            (
                "other_application",
                Resource::Application {
                    provider_id: OTHER_PROVIDER,
                    purchaser_id: OTHER_PURCHASER,
                },
            ),
            (
                "own_records",
                Resource::ProviderRecords { org_id: a.org_id },
            ),
            (
                "other_records",
                Resource::ProviderRecords { org_id: other_org },
            ),
            ("register", Resource::ProviderRegister),
        ]);
        // Clients and what hangs on them. Every row is given to every role: a provider's "own"
        // client register or a purchaser's "linked" client of another purchaser must be refused
        // just like any other organisation's records.
        resources.extend([
            ("own_clients", Resource::Clients { org_id: a.org_id }),
            ("other_clients", Resource::Clients { org_id: other_org }),
            (
                "own_client",
                Resource::Client {
                    purchaser_id: a.org_id,
                    follow: Follow::NotInForce,
                    tie: Tie::Task,
                    unit: None,
                },
            ),
            (
                "other_client",
                Resource::Client {
                    purchaser_id: OTHER_PURCHASER,
                    follow: Follow::NotInForce,
                    tie: Tie::Task,
                    unit: None,
                },
            ),
            ("own_reports", Resource::Reports { org_id: a.org_id }),
            ("own_api_keys", Resource::ApiKeys { org_id: a.org_id }),
            ("own_visit_batch", Resource::VisitBatch { org_id: a.org_id }),
            (
                "other_visit_batch",
                Resource::VisitBatch { org_id: other_org },
            ),
            ("other_api_keys", Resource::ApiKeys { org_id: other_org }),
            (
                "own_commitments",
                Resource::Commitments { org_id: a.org_id },
            ),
            (
                "other_commitments",
                Resource::Commitments { org_id: other_org },
            ),
            ("other_reports", Resource::Reports { org_id: other_org }),
            ("family_visits", Resource::FamilyVisits),
            ("own_needs", Resource::ServiceNeeds { org_id: a.org_id }),
            ("other_needs", Resource::ServiceNeeds { org_id: other_org }),
            (
                "commitment_as_purchaser",
                Resource::Commitment {
                    purchaser_id: a.org_id,
                    provider_id: OTHER_PROVIDER,
                    unit: None,
                },
            ),
            (
                "commitment_as_provider",
                Resource::Commitment {
                    purchaser_id: OTHER_PURCHASER,
                    provider_id: a.org_id,
                    unit: None,
                },
            ),
            (
                "commitment_of_others",
                Resource::Commitment {
                    purchaser_id: OTHER_PURCHASER,
                    provider_id: OTHER_PROVIDER,
                    unit: None,
                },
            ),
            ("own_budget", Resource::Budget { org_id: a.org_id }),
            ("other_budget", Resource::Budget { org_id: other_org }),
            ("own_invoices", Resource::Invoices { org_id: a.org_id }),
            ("other_invoices", Resource::Invoices { org_id: other_org }),
            (
                if a.org_kind.is_purchaser() {
                    "invoice_as_purchaser"
                } else {
                    "invoice_as_provider"
                },
                Resource::Invoice {
                    purchaser_id: if a.org_kind.is_purchaser() {
                        a.org_id
                    } else {
                        OTHER_PURCHASER
                    },
                    provider_id: if a.org_kind.is_purchaser() {
                        OTHER_PROVIDER
                    } else {
                        a.org_id
                    },
                },
            ),
            ("own_agreements", Resource::Agreements { org_id: a.org_id }),
            ("own_follow_up", Resource::FollowUp { org_id: a.org_id }),
            ("other_follow_up", Resource::FollowUp { org_id: other_org }),
            (
                "other_agreements",
                Resource::Agreements { org_id: other_org },
            ),
            (
                if a.org_kind.is_purchaser() {
                    "agreement_as_purchaser"
                } else {
                    "agreement_as_provider"
                },
                Resource::Agreement {
                    purchaser_id: if a.org_kind.is_purchaser() {
                        a.org_id
                    } else {
                        OTHER_PURCHASER
                    },
                    provider_id: if a.org_kind.is_purchaser() {
                        OTHER_PROVIDER
                    } else {
                        a.org_id
                    },
                },
            ),
            (
                "other_agreement",
                Resource::Agreement {
                    purchaser_id: OTHER_PURCHASER,
                    provider_id: OTHER_PROVIDER,
                },
            ),
            (
                "other_invoice",
                Resource::Invoice {
                    purchaser_id: OTHER_PURCHASER,
                    provider_id: OTHER_PROVIDER,
                },
            ),
            ("own_sharings", Resource::CostSharings { org_id: a.org_id }),
            (
                "other_sharings",
                Resource::CostSharings { org_id: other_org },
            ),
            (
                "hosted_sharing",
                Resource::CostSharing {
                    host_id: a.org_id,
                    is_party: true,
                },
            ),
            (
                "party_sharing",
                Resource::CostSharing {
                    host_id: other_org,
                    is_party: true,
                },
            ),
            (
                "other_sharing",
                Resource::CostSharing {
                    host_id: other_org,
                    is_party: false,
                },
            ),
            (
                "hosted_recharge",
                Resource::Recharge {
                    host_id: a.org_id,
                    recipient_id: other_org,
                },
            ),
            (
                "own_recharge",
                Resource::Recharge {
                    host_id: other_org,
                    recipient_id: a.org_id,
                },
            ),
            (
                "others_recharge",
                Resource::Recharge {
                    host_id: other_org,
                    recipient_id: Uuid::from_u128(99),
                },
            ),
            ("registers", Resource::Registers),
            (
                "own_log_requests",
                Resource::LogRequests { org_id: a.org_id },
            ),
            (
                "other_log_requests",
                Resource::LogRequests { org_id: other_org },
            ),
            (
                "own_log_request",
                Resource::LogRequest {
                    owner_id: a.org_id,
                    own: false,
                },
            ),
            (
                "my_log_request",
                Resource::LogRequest {
                    owner_id: a.org_id,
                    own: true,
                },
            ),
            (
                "other_log_request",
                Resource::LogRequest {
                    owner_id: other_org,
                    own: true,
                },
            ),
            (
                if a.org_kind.is_purchaser() {
                    "payments_as_purchaser"
                } else {
                    "payments_as_provider"
                },
                Resource::AgreementPayments {
                    purchaser_id: if a.org_kind.is_purchaser() {
                        a.org_id
                    } else {
                        OTHER_PURCHASER
                    },
                    provider_id: if a.org_kind.is_purchaser() {
                        OTHER_PROVIDER
                    } else {
                        a.org_id
                    },
                },
            ),
            (
                "other_payments",
                Resource::AgreementPayments {
                    purchaser_id: OTHER_PURCHASER,
                    provider_id: OTHER_PROVIDER,
                },
            ),
            (
                "own_register",
                Resource::Register {
                    controller_id: a.org_id,
                    named: false,
                },
            ),
            (
                "named_register",
                Resource::Register {
                    controller_id: other_org,
                    named: true,
                },
            ),
            (
                "other_register",
                Resource::Register {
                    controller_id: other_org,
                    named: false,
                },
            ),
        ]);
        for (name, res) in &resources {
            for action in Action::ALL {
                let got = decide(&a, action, *res).is_ok();
                assert_eq!(
                    got,
                    expected(role, action, name),
                    "{role:?} {action:?} {name}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1800, "only {checked} cases");
}

#[test]
fn another_organisation_is_named_as_the_reason() {
    let a = actor(Role::PurchaserAdmin);
    assert_eq!(
        decide(
            &a,
            Action::Update,
            Resource::User {
                org_id: OTHER_PURCHASER,
                user_id: OTHER_USER,
                family_account: false,
            }
        ),
        Err(Denial::OtherOrganisation)
    );
    let w = actor(Role::SocialWorker);
    assert_eq!(
        decide(&w, Action::List, Resource::Users { org_id: w.org_id }),
        Err(Denial::MissingRole)
    );
}

#[test]
fn commitment_answers_and_needs_decisions_name_the_missing_role() {
    let commitment = Resource::Commitment {
        purchaser_id: OWN_PURCHASER,
        provider_id: OWN_PROVIDER,
        unit: None,
    };
    // The purchaser sends; it does not answer its own commitment.
    let c = actor(Role::Controller);
    assert_eq!(
        decide(&c, Action::Decide, commitment),
        Err(Denial::MissingRole)
    );
    // A worker reads the commitment but does not accept it.
    let w = actor(Role::Worker);
    assert_eq!(decide(&w, Action::Read, commitment), Ok(()));
    assert_eq!(
        decide(&w, Action::Decide, commitment),
        Err(Denial::MissingRole)
    );
    // A social worker prepares needs; the leading social worker decides.
    let needs = Resource::ServiceNeeds {
        org_id: OWN_PURCHASER,
    };
    assert_eq!(
        decide(&actor(Role::SocialWorker), Action::Decide, needs),
        Err(Denial::MissingRole)
    );
    assert_eq!(
        decide(&actor(Role::LeadingSocialWorker), Action::Decide, needs),
        Ok(())
    );
}

const FOLLOWS: [Follow; 6] = [
    Follow::NotInForce,
    Follow::Before,
    Follow::Preparing,
    Follow::Delivering,
    Follow::Finishing,
    Follow::Over,
];

const PARTS: [Part; 6] = [
    Part::Page,
    Part::Plan,
    Part::Visits,
    Part::Report,
    Part::Answer,
    Part::Attachment,
];

/// Whose delivery it is, seen from the actor.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Side {
    /// The actor's organisation bought it.
    Purchaser,
    /// The actor's organisation delivers it.
    Provider,
    /// Neither.
    Others,
}

/// Written out by hand from the module comment of `access.rs` and the rules of delivery: the
/// provider reaches the client from the preparation window through the finishing window, and
/// delivers (visits, reports) only in the period and the finishing window after it.
fn expected_delivery(
    role: Role,
    action: Action,
    side: Side,
    part: Part,
    f: Follow,
    own: bool,
) -> bool {
    use Action::*;
    use Role::*;
    if f == Follow::NotInForce {
        return false;
    }
    if role == ClientOrGuardian {
        return part == Part::Answer && own && matches!(action, Read | Decide);
    }
    let client_staff = matches!(role, SocialWorker | LeadingSocialWorker);
    let reaches = matches!(
        f,
        Follow::Preparing | Follow::Delivering | Follow::Finishing
    );
    let delivers = matches!(f, Follow::Delivering | Follow::Finishing);
    match side {
        Side::Others => false,
        Side::Purchaser if role.is_purchaser_role() => match (part, action) {
            (Part::Answer, _) => false,
            (_, Read) => client_staff || role == Controller,
            (Part::Plan, Update) | (Part::Report, Decide) => client_staff,
            _ => false,
        },
        Side::Provider if !role.is_purchaser_role() => match (part, action) {
            (Part::Answer, _) | (Part::Report, Decide) => false,
            (_, Read) | (Part::Plan, Update) => reaches && part != Part::Answer,
            (Part::Visits | Part::Report, Create | Update) => delivers,
            _ => false,
        },
        _ => false,
    }
}

#[test]
fn delivery_every_role_part_phase_and_action() {
    let mut checked = 0;
    for role in Role::ALL {
        let a = actor(role);
        for side in [Side::Purchaser, Side::Provider, Side::Others] {
            let (purchaser_id, provider_id) = match side {
                Side::Purchaser => (a.org_id, OTHER_PROVIDER),
                Side::Provider => (OTHER_PURCHASER, a.org_id),
                Side::Others => (OTHER_PURCHASER, OTHER_PROVIDER),
            };
            for part in PARTS {
                for f in FOLLOWS {
                    for own in [false, true] {
                        let res = Resource::Delivery {
                            purchaser_id,
                            provider_id,
                            part,
                            follow: f,
                            own_person: own,
                            unit: None,
                        };
                        for action in Action::ALL {
                            let want = expected_delivery(role, action, side, part, f, own);
                            assert_eq!(
                                decide(&a, action, res).is_ok(),
                                want,
                                "{role:?} {action:?} {side:?} {part:?} {f:?} own={own}"
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(checked, 10 * 3 * 6 * 6 * 2 * 6);
}

#[test]
fn a_provider_sees_a_client_only_in_the_follow_period_and_only_reads() {
    for role in Role::ALL {
        let a = actor(role);
        for f in FOLLOWS {
            let res = Resource::Client {
                purchaser_id: OTHER_PURCHASER,
                follow: f,
                tie: Tie::None,
                unit: None,
            };
            for action in Action::ALL {
                let want = !role.is_purchaser_role()
                    && role != Role::ClientOrGuardian
                    && action == Action::Read
                    && matches!(
                        f,
                        Follow::Preparing | Follow::Delivering | Follow::Finishing
                    );
                assert_eq!(
                    decide(&a, action, res).is_ok(),
                    want,
                    "{role:?} {action:?} {f:?}"
                );
            }
        }
    }
    // Outside the period the provider is told so; without any commitment, nothing is told.
    let w = actor(Role::Worker);
    let client = |f| Resource::Client {
        purchaser_id: OTHER_PURCHASER,
        follow: f,
        tie: Tie::None,
        unit: None,
    };
    assert_eq!(
        decide(&w, Action::Read, client(Follow::Over)),
        Err(Denial::OutsidePeriod)
    );
    assert_eq!(
        decide(&w, Action::Read, client(Follow::NotInForce)),
        Err(Denial::OtherOrganisation)
    );
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn the_follow_period_from_preparation_to_the_last_report() {
    // A commitment for 1.12.2026–28.2.2027; reports are due on the 5th of the next month, so
    // February's is due 5.3.2027 and the provider finishes until 30 days after: 4.4.2027.
    let p = Some((day(2026, 12, 1), day(2027, 2, 28)));
    let cases = [
        (day(2026, 10, 31), Follow::Before),
        (day(2026, 11, 1), Follow::Preparing),
        (day(2026, 11, 30), Follow::Preparing),
        (day(2026, 12, 1), Follow::Delivering),
        (day(2027, 2, 28), Follow::Delivering),
        (day(2027, 3, 1), Follow::Finishing),
        (day(2027, 4, 4), Follow::Finishing),
        (day(2027, 4, 5), Follow::Over),
    ];
    for (today, want) in cases {
        assert_eq!(follow(p, today, 5), want, "{today}");
    }
    assert_eq!(follow(None, day(2026, 12, 15), 5), Follow::NotInForce);
    // A termination on 15.1.2027 ends the period there: January's report, due 5.2., closes it.
    let t = Some((day(2026, 12, 1), day(2027, 1, 15)));
    assert_eq!(follow(t, day(2027, 3, 7), 5), Follow::Finishing);
    assert_eq!(follow(t, day(2027, 3, 8), 5), Follow::Over);
    // The best of several commitments counts.
    assert_eq!(
        [Follow::Over, Follow::Delivering, Follow::NotInForce]
            .iter()
            .max(),
        Some(&Follow::Delivering)
    );
}

#[test]
fn an_api_key_does_only_its_operations_and_what_a_worker_may() {
    use domain::api_key::Operation;
    let mut k = actor(Role::Worker);
    k.key = Some(vec![Operation::VisitsWrite]);
    let visits = |part, f| Resource::Delivery {
        purchaser_id: OTHER_PURCHASER,
        provider_id: k.org_id,
        part,
        follow: f,
        own_person: false,
        unit: None,
    };
    assert_eq!(
        decide(&k, Action::Create, visits(Part::Visits, Follow::Delivering)),
        Ok(())
    );
    // Still only in the period the worker could log in.
    assert_eq!(
        decide(&k, Action::Create, visits(Part::Visits, Follow::Preparing)),
        Err(Denial::OutsidePeriod)
    );
    // Not reading, not the plan, not the client, not the commitments, not another's delivery.
    for (action, res) in [
        (Action::Read, visits(Part::Page, Follow::Delivering)),
        (Action::Update, visits(Part::Plan, Follow::Delivering)),
        (
            Action::Read,
            Resource::Client {
                purchaser_id: OTHER_PURCHASER,
                follow: Follow::Delivering,
                tie: Tie::None,
                unit: None,
            },
        ),
        (Action::List, Resource::Commitments { org_id: k.org_id }),
        (Action::List, Resource::ApiKeys { org_id: k.org_id }),
    ] {
        assert_eq!(
            decide(&k, action, res),
            Err(Denial::KeyScope),
            "{action:?} {res:?}"
        );
    }
    let other = Resource::Delivery {
        purchaser_id: OTHER_PURCHASER,
        provider_id: OTHER_PROVIDER,
        part: Part::Visits,
        follow: Follow::Delivering,
        own_person: false,
        unit: None,
    };
    assert_eq!(
        decide(&k, Action::Create, other),
        Err(Denial::OtherOrganisation)
    );
    k.key = Some(vec![Operation::VisitsRead, Operation::CommitmentsRead]);
    assert_eq!(
        decide(&k, Action::Read, visits(Part::Page, Follow::Delivering)),
        Ok(())
    );
    assert_eq!(
        decide(&k, Action::List, Resource::Commitments { org_id: k.org_id }),
        Ok(())
    );
    assert_eq!(
        decide(&k, Action::Create, visits(Part::Visits, Follow::Delivering)),
        Err(Denial::KeyScope)
    );
    // Invoices only with `invoices.write`, and then only the provider's own: a billing system
    // sends and follows its invoices though the key acts with a worker's role.
    let invoices = Resource::Invoices { org_id: k.org_id };
    assert_eq!(decide(&k, Action::Create, invoices), Err(Denial::KeyScope));
    k.key = Some(vec![Operation::InvoicesWrite]);
    assert_eq!(decide(&k, Action::Create, invoices), Ok(()));
    assert_eq!(decide(&k, Action::List, invoices), Ok(()));
    let own = Resource::Invoice {
        purchaser_id: OTHER_PURCHASER,
        provider_id: k.org_id,
    };
    assert_eq!(decide(&k, Action::Read, own), Ok(()));
    assert_eq!(decide(&k, Action::Decide, own), Err(Denial::KeyScope));
    assert_eq!(
        decide(
            &k,
            Action::Create,
            Resource::Invoices {
                org_id: OTHER_PROVIDER
            }
        ),
        Err(Denial::OtherOrganisation)
    );
    assert_eq!(
        decide(&k, Action::List, Resource::Commitments { org_id: k.org_id }),
        Err(Denial::KeyScope)
    );
}

/// 703/2023 9 §: a county worker reaches the clients of their own team and responsibility; a
/// client of another team only with a reason, which the tie carries to the log.
#[test]
fn a_county_worker_reaches_their_teams_clients_and_others_only_with_a_reason() {
    let mut w = actor(Role::SocialWorker);
    w.team = "Lastensuojelu Kotka".into();
    let other = Some(OTHER_USER);
    assert_eq!(tie(&w, "Lastensuojelu Kotka", other, None), Tie::Task);
    // Spaces around a team name do not part a worker from the team.
    assert_eq!(tie(&w, " Lastensuojelu Kotka ", other, None), Tie::Task);
    assert_eq!(
        tie(&w, "Perhesosiaalityö Kouvola", Some(SELF_USER), None),
        Tie::Task
    );
    assert_eq!(tie(&w, "Perhesosiaalityö Kouvola", other, None), Tie::None);
    assert_eq!(
        tie(
            &w,
            "Perhesosiaalityö Kouvola",
            other,
            Some(AccessReason::Substitution)
        ),
        Tie::Reason(AccessReason::Substitution)
    );
    // A client no team holds yet is the organisation's; a worker with no team reaches no team's.
    assert_eq!(tie(&w, "", other, None), Tie::Task);
    let mut none = actor(Role::SocialWorker);
    none.team.clear();
    assert_eq!(tie(&none, "Lastensuojelu Kotka", other, None), Tie::None);
    // The leading social worker brings every team's needs to the steering group.
    assert_eq!(
        tie(
            &actor(Role::LeadingSocialWorker),
            "Lastensuojelu Kotka",
            other,
            None
        ),
        Tie::Task
    );

    let client = |tie| Resource::Client {
        purchaser_id: OWN_PURCHASER,
        follow: Follow::NotInForce,
        tie,
        unit: None,
    };
    for action in [Action::Read, Action::Update] {
        assert_eq!(decide(&w, action, client(Tie::None)), Err(Denial::NoTask));
        assert!(decide(&w, action, client(Tie::Task)).is_ok());
        assert!(decide(&w, action, client(Tie::Reason(AccessReason::Urgent))).is_ok());
    }
    // A reason opens nothing the role or the organisation does not: the controller still
    // reads no client, another county's worker none of ours.
    assert_eq!(
        decide(
            &actor(Role::Controller),
            Action::Read,
            client(Tie::Reason(AccessReason::Urgent))
        ),
        Err(Denial::MissingRole)
    );
    let mut stranger = w.clone();
    stranger.org_id = OTHER_PURCHASER;
    assert_eq!(
        decide(
            &stranger,
            Action::Read,
            client(Tie::Reason(AccessReason::Other))
        ),
        Err(Denial::OtherOrganisation)
    );
    for r in AccessReason::ALL {
        assert_eq!(AccessReason::parse(r.code()), Some(r));
    }
    assert_eq!(AccessReason::parse("curiosity"), None);
}

#[test]
fn a_provider_user_of_one_unit_reaches_only_the_commitments_that_name_it() {
    let (unit_a, unit_b) = (Uuid::from_u128(0xA), Uuid::from_u128(0xB));
    let delivery = |unit| Resource::Delivery {
        purchaser_id: OTHER_PURCHASER,
        provider_id: OWN_PROVIDER,
        unit: Some(unit),
        part: Part::Visits,
        follow: Follow::Delivering,
        own_person: false,
    };
    let commitment = |unit| Resource::Commitment {
        purchaser_id: OTHER_PURCHASER,
        provider_id: OWN_PROVIDER,
        unit: Some(unit),
    };
    let client = |unit| Resource::Client {
        purchaser_id: OTHER_PURCHASER,
        follow: Follow::Delivering,
        tie: Tie::None,
        unit: Some(unit),
    };
    // Without a unit, every unit of the organisation.
    let mut w = actor(Role::Worker);
    assert!(decide(&w, Action::Create, delivery(unit_b)).is_ok());
    assert!(decide(&w, Action::Read, client(unit_b)).is_ok());
    // Tied to unit A: A's commitments, their delivery and clients; B's refused as another unit's.
    w.unit = Some(unit_a);
    assert!(decide(&w, Action::Create, delivery(unit_a)).is_ok());
    assert!(decide(&w, Action::Read, commitment(unit_a)).is_ok());
    assert!(decide(&w, Action::Read, client(unit_a)).is_ok());
    for action in [Action::Read, Action::Create] {
        assert_eq!(decide(&w, action, delivery(unit_b)), Err(Denial::OtherUnit));
    }
    assert_eq!(
        decide(&w, Action::Read, commitment(unit_b)),
        Err(Denial::OtherUnit)
    );
    assert_eq!(
        decide(&w, Action::Read, client(unit_b)),
        Err(Denial::OtherUnit)
    );
    let mut m = actor(Role::ServiceManager);
    m.unit = Some(unit_a);
    assert_eq!(
        decide(&m, Action::Decide, commitment(unit_b)),
        Err(Denial::OtherUnit)
    );
    // Another organisation is refused as such first: the unit tells it nothing.
    let other = Resource::Delivery {
        purchaser_id: OTHER_PURCHASER,
        provider_id: OTHER_PROVIDER,
        unit: Some(unit_b),
        part: Part::Visits,
        follow: Follow::Delivering,
        own_person: false,
    };
    assert_eq!(
        decide(&w, Action::Read, other),
        Err(Denial::OtherOrganisation)
    );
    // The purchaser's staff are not tied to a provider's units.
    let s = actor(Role::SocialWorker);
    let own = Resource::Delivery {
        purchaser_id: OWN_PURCHASER,
        provider_id: OTHER_PROVIDER,
        unit: Some(unit_b),
        part: Part::Page,
        follow: Follow::Delivering,
        own_person: false,
    };
    assert!(decide(&s, Action::Read, own).is_ok());
}
