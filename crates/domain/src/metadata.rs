//! The metadata every client document carries (Client Data Act 703/2023, 37 §): the service
//! task (palvelutehtävä) and legal basis it was made under, the organiser (järjestäjä) and the
//! producer (tuottaja) with the service unit and its OID, and the retention period the annex
//! sets for the service task. Kumppani's documents under a commitment — the need's decision,
//! the commitment, the service plan, the visits and the monthly reports — are all made in the
//! purchased service of one lot, so they share the lot's service task and legal basis; the
//! client's own (set when they were registered) stands in where the lot names none.

use crate::client::Client;
use crate::org::ServiceUnit;
use crate::procurement::Lot;
use crate::retention::{ServiceTask, Trigger};

/// Where the metadata comes from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sources<'a> {
    pub lot_task: &'a str,
    pub lot_basis: &'a str,
    pub client_task: &'a str,
    pub client_basis: &'a str,
    pub organiser: &'a str,
    pub producer: &'a str,
    pub unit: &'a str,
    pub unit_oid: &'a str,
}

/// A client document's metadata, as its page, its export and the Kanta archive later read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub service_task: String,
    pub legal_basis: String,
    pub organiser: String,
    pub producer: String,
    pub unit: String,
    pub unit_oid: String,
    /// Years after the trigger, when the service task is one the annex names.
    pub retention: Option<(u32, Trigger)>,
}

fn first<'a>(a: &'a str, b: &'a str) -> String {
    let a = a.trim();
    if a.is_empty() {
        b.trim().to_owned()
    } else {
        a.to_owned()
    }
}

/// The one rule for a document's metadata.
pub fn of(s: Sources<'_>) -> Metadata {
    let service_task = first(s.lot_task, s.client_task);
    let retention = ServiceTask::classify(&service_task).map(ServiceTask::rule);
    Metadata {
        legal_basis: first(s.lot_basis, s.client_basis),
        organiser: s.organiser.trim().to_owned(),
        producer: s.producer.trim().to_owned(),
        unit: s.unit.trim().to_owned(),
        unit_oid: s.unit_oid.trim().to_owned(),
        retention,
        service_task,
    }
}

/// The metadata of a document under a commitment, from the records it is read from: the
/// commitment's lot, the client where the reader may see the record, the two organisations'
/// names and the commitment's unit.
pub fn for_commitment(
    lot: Option<&Lot>,
    client: Option<&Client>,
    organiser: &str,
    producer: &str,
    unit: Option<&ServiceUnit>,
) -> Metadata {
    of(Sources {
        lot_task: lot.map_or("", |l| l.service_task.as_str()),
        lot_basis: lot.map_or("", |l| l.legal_basis.as_str()),
        client_task: client.map_or("", |c| c.service_task.as_str()),
        client_basis: client.map_or("", |c| c.legal_basis.as_str()),
        organiser,
        producer,
        unit: unit.map_or("", |u| u.name.as_str()),
        unit_oid: unit.map_or("", |u| u.oid.as_str()),
    })
}
