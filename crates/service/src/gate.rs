//! The gate: the one place that asks the access policy (`domain::access::decide`) and writes
//! what it answered to the access log (Client Data Act 703/2023, 10 §).
//!
//! Every use case that touches a protected record comes through here:
//!
//! - [`Service::authorize`] asks the policy and hands out a [`domain::access::Grant`], the only
//!   key to a client's personal data in `db::client`; a refusal is appended to the log in the use
//!   case's transaction, which [`Service::finish`] commits even though nothing else happens.
//! - [`Service::missing`] answers for a record that does not exist exactly as for one the
//!   actor may not reach, and logs it the same way: a refusal never tells whether the record
//!   is there.
//! - [`Service::may`] tells a view what the actor could do next (show a button or not); it
//!   logs nothing because nothing is read or done.
//! - [`Service::finish`] and [`Service::finish_logged`] end the use case: the change and its log
//!   rows are committed together, or bad input is rolled back and logged as `failed`.
//!
//! - [`counting_refusals`] and [`Service::log_refusal`] are the backstop for a whole request:
//!   the web tier runs each request inside the first, and when the answer is a refusal (403 or
//!   404) for which no use case wrote a `denied` row — an id that names no record, a form that
//!   was refused before any use case ran — it asks the second to write one. So every refusal is
//!   in the log, on every route, including routes added later.
//!
//! No other module of the crate calls the policy: clippy's `disallowed-methods` (see
//! `clippy.toml`) refuses `decide` anywhere but here and in the policy's own tests.

use crate::auth::event;
use crate::{Service, ServiceError, ServiceResult};
use db::Tx;
use domain::access::{Action, Denial, Resource};
use domain::audit::{AuditAction, AuditEvent, Outcome, RecordKind};
use domain::org::Actor;
use domain::validate::FieldErrors;
use uuid::Uuid;

tokio::task_local! {
    /// How many `denied` rows the request being answered has written so far.
    static DENIALS: std::cell::Cell<u32>;
}

/// Counts a `denied` row for the request being answered (if it runs in [`counting_refusals`]).
pub(crate) fn note_denial() {
    let _ = DENIALS.try_with(|c| c.set(c.get() + 1));
}

/// Runs one request and tells how many `denied` rows its use cases wrote.
pub async fn counting_refusals<F: std::future::Future>(f: F) -> (F::Output, u32) {
    DENIALS
        .scope(std::cell::Cell::new(0), async move {
            let out = f.await;
            (out, DENIALS.with(std::cell::Cell::get))
        })
        .await
}

/// The thing an access decision and its log row are about.
#[derive(Clone)]
pub(crate) struct Target {
    pub(crate) kind: RecordKind,
    pub(crate) id: Option<Uuid>,
    pub(crate) owner: Option<Uuid>,
    pub(crate) subject: Option<Uuid>,
}

/// "field: code; …" of refused input, for a log row.
pub(crate) fn codes(errs: &FieldErrors) -> String {
    errs.0
        .iter()
        .map(|e| format!("{}: {}", e.field, e.code))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Service {
    /// Asks the policy; a refusal is logged and committed on its own before the error returns,
    /// so that refused attempts are in the log even though nothing else happens.
    pub(crate) async fn authorize(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        action: Action,
        resource: Resource,
        audit_action: AuditAction,
        target: &Target,
    ) -> ServiceResult<domain::access::Grant> {
        #[allow(clippy::disallowed_methods)] // the gate is where grants come from
        match domain::access::grant(actor, action, resource) {
            Ok(grant) => Ok(grant),
            Err(denial) => {
                let mut ev = self.ev(actor, audit_action, target);
                ev.outcome = Outcome::Denied;
                ev.details = denial.code().to_owned();
                self.record(tx, ev).await?;
                note_denial();
                Err(ServiceError::Denied(denial))
            }
        }
    }

    /// The policy's answer, unlogged: for the bulk paths, which log a refusal per row in their
    /// own batch, and for [`Service::may`].
    #[allow(clippy::disallowed_methods)] // the one call of the policy
    pub(crate) fn policy(
        &self,
        actor: &Actor,
        action: Action,
        resource: Resource,
    ) -> Result<(), Denial> {
        domain::access::decide(actor, action, resource)
    }

    /// The grant for what a view may show besides its main record (who the client of a
    /// commitment is), unlogged like [`Service::may`]; `None` when the policy refuses.
    #[allow(clippy::disallowed_methods)] // the gate is where grants come from
    pub(crate) fn granted(
        &self,
        actor: &Actor,
        action: Action,
        resource: Resource,
    ) -> Option<domain::access::Grant> {
        domain::access::grant(actor, action, resource).ok()
    }

    /// Whether the actor may do this: a permission a view carries (a button shown or not).
    pub(crate) fn may(&self, actor: &Actor, action: Action, resource: Resource) -> bool {
        self.policy(actor, action, resource).is_ok()
    }

    /// The refusal for a record that does not exist: logged as denied, with the id asked for,
    /// and answered as a record of another organisation is, so that a refusal never tells
    /// whether the record is there.
    pub(crate) async fn missing(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        audit_action: AuditAction,
        target: &Target,
    ) -> ServiceError {
        let mut ev = self.ev(actor, audit_action, target);
        ev.outcome = Outcome::Denied;
        ev.details = format!("{}: no such record", Denial::OtherOrganisation.code());
        match self.record(tx, ev).await {
            Ok(_) => {
                note_denial();
                ServiceError::Denied(Denial::OtherOrganisation)
            }
            Err(e) => e,
        }
    }

    /// The record if it exists; otherwise the logged refusal of [`Service::missing`] for a
    /// record of `kind` with this id.
    pub(crate) async fn found<T>(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        audit_action: AuditAction,
        kind: RecordKind,
        id: Uuid,
        record: Option<T>,
    ) -> ServiceResult<T> {
        match record {
            Some(r) => Ok(r),
            None => {
                let t = Target {
                    kind,
                    id: Some(id),
                    owner: None,
                    subject: None,
                };
                Err(self.missing(tx, actor, audit_action, &t).await)
            }
        }
    }

    /// Appends a row to the access log in the use case's transaction: the only way the crate
    /// writes the log (clippy's `disallowed-methods` refuses `db::audit::append` elsewhere). In
    /// a write transaction the row is kept or rolled back with the change; in a read
    /// transaction it is written by the group commit when the transaction commits, before the
    /// use case returns.
    #[allow(clippy::disallowed_methods)] // the one writer of the log
    pub(crate) async fn record(&self, tx: &mut Tx, ev: AuditEvent) -> ServiceResult<()> {
        let disclosures = self.api_disclosures(tx, &ev).await?;
        db::audit::append(tx, ev, self.now()).await?;
        for d in disclosures {
            db::audit::append(tx, d, self.now()).await?;
        }
        Ok(())
    }

    /// For a read of client data by a provider's system with an API key, the disclosure rows
    /// that go beside the read (703/2023 10 § 3 mom): the data left Kumppani for the provider's
    /// own system. One row per register the people shown are kept in, filed under that
    /// register, so that each county's disclosure log has its own. Refusals and writes
    /// disclose nothing.
    async fn api_disclosures(
        &self,
        tx: &mut Tx,
        ev: &AuditEvent,
    ) -> ServiceResult<Vec<AuditEvent>> {
        let about_clients = ev.subject_id.is_some() || !ev.subjects.is_empty();
        let read = matches!(
            ev.action,
            AuditAction::Read | AuditAction::List | AuditAction::Search
        );
        if !ev.via_api_key || !about_clients || !read || ev.outcome != Outcome::Ok {
            return Ok(Vec::new());
        }
        let recipient = match ev.actor_org {
            Some(o) => db::organisation::get(tx, o)
                .await?
                .map(|o| format!("{} ({}), its system by API key", o.name, o.business_id))
                .unwrap_or_default(),
            None => String::new(),
        };
        let details = domain::audit::Disclosure {
            recipient: &recipient,
            basis: domain::audit::BASIS_PURCHASED_SERVICE,
            what: &format!("{} {}", ev.record_kind.code(), ev.details),
        }
        .details();
        let people: Vec<Uuid> = ev.subject_id.iter().chain(&ev.subjects).copied().collect();
        let owners = db::client::owners_of(tx, &people).await?;
        let mut registers: Vec<Uuid> = owners.values().copied().collect();
        registers.sort_unstable();
        registers.dedup();
        let row = |register: Option<Uuid>| {
            let mut d = ev.clone();
            d.action = AuditAction::Disclose;
            d.via_api_key = false;
            d.details.clone_from(&details);
            if let Some(r) = register {
                d.register_owner = Some(r);
                d.subject_id = ev.subject_id.filter(|p| owners.get(p) == Some(&r));
                d.subjects = ev
                    .subjects
                    .iter()
                    .filter(|p| owners.get(p) == Some(&r))
                    .copied()
                    .collect();
            }
            d
        };
        Ok(if registers.is_empty() {
            vec![row(None)]
        } else {
            registers.into_iter().map(|r| row(Some(r))).collect()
        })
    }

    /// As [`Service::record`], at a given time (one instant for a whole use case).
    #[allow(clippy::disallowed_methods)] // the one writer of the log
    pub(crate) async fn record_at(
        &self,
        tx: &mut Tx,
        ev: AuditEvent,
        at: chrono::DateTime<chrono::Utc>,
    ) -> ServiceResult<()> {
        let disclosures = self.api_disclosures(tx, &ev).await?;
        db::audit::append(tx, ev, at).await?;
        for d in disclosures {
            db::audit::append(tx, d, at).await?;
        }
        Ok(())
    }

    /// Many rows at once, chained in order (a bulk write logs each of its rows).
    #[allow(clippy::disallowed_methods)] // the one writer of the log
    pub(crate) async fn record_many(
        &self,
        tx: &mut Tx,
        events: Vec<AuditEvent>,
        at: chrono::DateTime<chrono::Utc>,
    ) -> ServiceResult<()> {
        Ok(db::audit::append_many(tx, events, at).await?)
    }

    /// A log row for `t` with its purpose and what was done or shown.
    pub(crate) fn ev_for(
        &self,
        actor: &Actor,
        action: AuditAction,
        t: &Target,
        purpose: domain::audit::Purpose,
        details: String,
    ) -> AuditEvent {
        let mut ev = self.ev(actor, action, t);
        ev.purpose = purpose;
        ev.details = details;
        ev
    }

    /// A document through the gate: held for the rest of the transaction when `action`
    /// writes it (so that two changes at once cannot both read it stale), refused as another
    /// organisation's when it does not exist, and `action` asked of the policy on the
    /// resource `resource` makes of it, logged against the target `target` makes of it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn gated_doc<T: serde::de::DeserializeOwned>(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        (table, kind, id): (db::doc::Table, RecordKind, Uuid),
        action: Action,
        audit_action: AuditAction,
        resource: impl Fn(&db::doc::Doc<T>) -> Resource,
        target: impl Fn(&db::doc::Doc<T>) -> Target,
    ) -> ServiceResult<db::doc::Doc<T>> {
        if action != Action::Read {
            db::doc::lock(tx, table, id).await?;
        }
        let d: Option<db::doc::Doc<T>> = db::doc::get(tx, table, id).await?;
        let d = self.found(tx, actor, audit_action, kind, id, d).await?;
        self.authorize(tx, actor, action, resource(&d), audit_action, &target(&d))
            .await?;
        Ok(d)
    }

    pub(crate) fn ev(&self, actor: &Actor, action: AuditAction, t: &Target) -> AuditEvent {
        let mut ev = event(Some(actor), action, t.kind);
        ev.record_id = t.id;
        ev.register_owner = t.owner;
        ev.subject_id = t.subject;
        ev
    }

    /// Logs a change that failed its checks, after the transaction that tried it was rolled back.
    pub(crate) async fn log_failure(
        &self,
        actor: &Actor,
        action: AuditAction,
        t: &Target,
        errs: &FieldErrors,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin_read().await?;
        let mut ev = self.ev(actor, action, t);
        ev.outcome = Outcome::Failed;
        ev.details = codes(errs);
        self.record(&mut tx, ev).await?;
        tx.commit().await?;
        Ok(())
    }

    /// As [`Service::finish`], and logs a change that bad input refused (after the rollback,
    /// so that the failure is on record though nothing else is).
    pub(crate) async fn finish_logged<T>(
        &self,
        tx: Tx,
        r: ServiceResult<T>,
        actor: &Actor,
        action: AuditAction,
        target: Option<&Target>,
    ) -> ServiceResult<T> {
        let r = self.finish(tx, r).await;
        if let (Err(ServiceError::Invalid(e)), Some(t)) = (&r, target) {
            self.log_failure(actor, action, t, e).await?;
        }
        r
    }

    /// Commits a denial's log row and hands back the error; other errors roll back.
    pub(crate) async fn finish<T>(&self, tx: Tx, r: ServiceResult<T>) -> ServiceResult<T> {
        match r {
            Ok(v) => {
                tx.commit().await?;
                Ok(v)
            }
            Err(e @ ServiceError::Denied(_)) => {
                tx.commit().await?;
                Err(e)
            }
            Err(e) => {
                tx.rollback().await?;
                Err(e)
            }
        }
    }
}

impl Service {
    /// The backstop row for a refused request that no use case logged (see the module
    /// comment): the address asked for, without its query (which may carry what was typed), and
    /// the first id in it as the record, so that the auditor's search by record finds it.
    pub async fn log_refusal(&self, actor: &Actor, method: &str, path: &str) -> ServiceResult<()> {
        let record = path.split('/').find_map(|s| Uuid::parse_str(s).ok());
        let t = Target {
            kind: RecordKind::Address,
            id: record,
            owner: None,
            subject: None,
        };
        let mut ev = self.ev(actor, AuditAction::Read, &t);
        ev.outcome = Outcome::Denied;
        ev.details = format!("{}: {method} {path}", Denial::OtherOrganisation.code());
        let mut tx = self.db.begin_read().await?;
        self.record(&mut tx, ev).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// What an actor may open or start, as the policy answers it: the navigation and the buttons
/// that lead to a form are built from this, so that pages show exactly what the use cases will
/// allow and the web tier never decides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// A client's or guardian's own account: its visits and nothing else.
    pub family: bool,
    pub create_organisation: bool,
    pub create_procurement: bool,
    pub applications: bool,
    pub competitions: bool,
    pub provider_records: bool,
    pub clients: bool,
    pub meeting: bool,
    pub decide_needs: bool,
    pub commitments: bool,
    pub reports: bool,
    pub budget: bool,
    pub add_budget_line: bool,
    pub own_organisation: bool,
    pub audit: bool,
    pub api_keys: bool,
    /// The invoices page: a provider's managers (theirs) and a purchaser's controller (the inbox).
    pub invoices: bool,
    /// The upload form on it: a provider's managers.
    pub send_invoices: bool,
    /// Checking, approving and exporting invoices: a purchaser's controller.
    pub decide_invoices: bool,
    /// The agreements page: those who make, follow or report on agreements.
    pub agreements: bool,
    /// Making an agreement: a purchaser's procurement staff.
    pub create_agreement: bool,
    /// The purchaser's follow-up pages: processing times and the providers' scorecard.
    pub follow_up: bool,
    /// Costs shared with other organisations: those who follow them in a purchaser.
    pub cost_sharing: bool,
    /// Making a cost-sharing agreement hosted by the actor's organisation.
    pub create_cost_sharing: bool,
    /// The registers of people: staff of an organisation that keeps one or is named by one.
    /// Whether any register names the actor is data, so the page lists what it may read.
    pub registers: bool,
    /// The clients' requests for their own log data, for those who answer them.
    pub log_requests: bool,
    /// Deviations in purchased services and incident notifications (741/2023).
    pub supervision: bool,
}

impl Service {
    /// The actor's capabilities, from the policy; nothing is read, so nothing is logged.
    pub fn capabilities(&self, actor: &Actor) -> Capabilities {
        let own = actor.org_id;
        let may = |action, resource| self.may(actor, action, resource);
        let provider = !actor.org_kind.is_purchaser();
        Capabilities {
            family: may(Action::List, Resource::FamilyVisits),
            create_organisation: may(Action::Create, Resource::Organisations),
            create_procurement: may(Action::Create, Resource::Procurements),
            applications: may(Action::List, Resource::Applications { org_id: own })
                && !actor.has(domain::org::Role::Auditor),
            // Needs in competition go to the managers of admitted providers.
            competitions: provider && may(Action::Create, Resource::Applications { org_id: own }),
            provider_records: provider
                && may(Action::List, Resource::ProviderRecords { org_id: own }),
            clients: may(Action::List, Resource::Clients { org_id: own }),
            meeting: may(Action::List, Resource::ServiceNeeds { org_id: own }),
            decide_needs: may(Action::Decide, Resource::ServiceNeeds { org_id: own }),
            commitments: may(Action::List, Resource::Commitments { org_id: own }),
            reports: may(Action::List, Resource::Reports { org_id: own })
                && may(Action::List, Resource::Clients { org_id: own }),
            budget: may(Action::List, Resource::Budget { org_id: own })
                && (may(Action::List, Resource::Clients { org_id: own })
                    || may(Action::Create, Resource::Budget { org_id: own })
                    || may(Action::List, Resource::Commitments { org_id: own })),
            add_budget_line: may(Action::Create, Resource::Budget { org_id: own }),
            own_organisation: may(Action::Update, Resource::Organisation { org_id: own })
                || may(
                    Action::Create,
                    Resource::ServiceUnits {
                        org_id: own,
                        org_kind: actor.org_kind,
                    },
                ),
            audit: may(Action::List, Resource::AuditLog),
            api_keys: may(Action::List, Resource::ApiKeys { org_id: own }),
            invoices: may(Action::List, Resource::Invoices { org_id: own }),
            send_invoices: may(Action::Create, Resource::Invoices { org_id: own }),
            decide_invoices: may(Action::Decide, Resource::Invoices { org_id: own }),
            agreements: may(Action::List, Resource::Agreements { org_id: own }),
            create_agreement: may(Action::Create, Resource::Agreements { org_id: own }),
            follow_up: may(Action::List, Resource::FollowUp { org_id: own }),
            cost_sharing: may(Action::List, Resource::CostSharings { org_id: own }),
            create_cost_sharing: may(Action::Create, Resource::CostSharings { org_id: own }),
            registers: may(Action::List, Resource::Registers),
            log_requests: !actor.has(domain::org::Role::ClientOrGuardian)
                && may(Action::List, Resource::LogRequests { org_id: own }),
            supervision: may(Action::List, Resource::Deviations { org_id: own }),
        }
    }

    /// Whether the actor may open a form for this, before any use case runs; a refusal is
    /// logged like any other. For the pages that show an empty or filled-in form.
    pub async fn permit(
        &self,
        actor: &Actor,
        action: Action,
        resource: Resource,
        kind: RecordKind,
        id: Option<Uuid>,
    ) -> ServiceResult<()> {
        if self.may(actor, action, resource) {
            return Ok(());
        }
        let mut tx = self.db.begin_read().await?;
        let t = Target {
            kind,
            id,
            owner: None,
            subject: None,
        };
        let r = self
            .authorize(&mut tx, actor, action, resource, AuditAction::Read, &t)
            .await
            .map(|_| ());
        self.finish(tx, r).await
    }
}
