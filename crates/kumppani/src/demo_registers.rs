//! The demo's registers of people (`data/demo/registers.toml`, after seed 002): Tornio's
//! expert ring, conveners, work supervisors and mentors, and Pelastakaa Lapset ry's foster and
//! support families, each set up and filled by its controller's keeper.

use crate::demo_delivery::err;
use anyhow::{Context, Result};
use domain::org::{Actor, Role};
use domain::register::{EntryForm, Grant, Register, RegisterKind};
use serde::Deserialize;
use service::Service;
use std::collections::HashMap;
use uuid::Uuid;

const DATA: &str = include_str!("../../../data/demo/registers.toml");

#[derive(Deserialize)]
struct File {
    register: Vec<Spec>,
}

#[derive(Deserialize)]
struct GrantSpec {
    org: String,
    roles: Vec<String>,
}

#[derive(Deserialize)]
struct Spec {
    kind: String,
    controller: String,
    name: String,
    purpose: String,
    legal_basis: String,
    consent_required: bool,
    retention_years: u32,
    grants: Vec<GrantSpec>,
    #[serde(default)]
    entry: Vec<EntrySpec>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EntrySpec {
    name: String,
    languages: Vec<String>,
    areas: String,
    profession: String,
    organisation: String,
    expertise: String,
    qualification: String,
    email: String,
    phone: String,
    family_kind: String,
    capacity: String,
    consent_given_on: String,
    consent_document: String,
}

/// The keeper who sets a register up: the controller's administrator or signatory.
fn keeper(actors: &HashMap<String, Actor>, org: Uuid) -> Result<&Actor> {
    actors
        .values()
        .filter(|a| a.org_id == org)
        .find(|a| domain::register::keeper_role(a))
        .with_context(|| format!("a demo keeper in organisation {org}"))
}

pub(crate) async fn populate(
    svc: &Service,
    orgs: &HashMap<String, Uuid>,
    actors: &HashMap<String, Actor>,
) -> Result<Vec<Uuid>> {
    let f: File = toml::from_str(DATA).context("data/demo/registers.toml")?;
    let org = |name: &str| {
        orgs.get(name)
            .copied()
            .with_context(|| format!("demo organisation {name}"))
    };
    let mut ids = Vec::new();
    for s in f.register {
        let controller = org(&s.controller)?;
        let grants = s
            .grants
            .iter()
            .map(|g| {
                Ok(Grant {
                    org: org(&g.org)?,
                    org_name: g.org.clone(),
                    roles: g
                        .roles
                        .iter()
                        .map(|r| Role::parse(r).with_context(|| format!("role {r}")))
                        .collect::<Result<Vec<_>>>()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let r = Register {
            kind: RegisterKind::parse(&s.kind).context("register kind")?,
            name: s.name.clone(),
            controller,
            controller_name: s.controller.clone(),
            purpose: s.purpose.clone(),
            legal_basis: s.legal_basis.clone(),
            consent_required: s.consent_required,
            retention_years: s.retention_years,
            grants,
        };
        let k = keeper(actors, controller)?;
        let id = svc.create_register(k, &r).await.map_err(err)?;
        for e in &s.entry {
            let form = EntryForm {
                name: e.name.clone(),
                languages: e.languages.clone(),
                areas: e.areas.clone(),
                profession: e.profession.clone(),
                organisation: e.organisation.clone(),
                expertise: e.expertise.clone(),
                qualification: e.qualification.clone(),
                email: e.email.clone(),
                phone: e.phone.clone(),
                family_kind: e.family_kind.clone(),
                capacity: e.capacity.clone(),
                consent_given_on: e.consent_given_on.clone(),
                consent_document: e.consent_document.clone(),
            };
            svc.add_register_entry(k, id, &form).await.map_err(err)?;
        }
        ids.push(id);
    }
    Ok(ids)
}
