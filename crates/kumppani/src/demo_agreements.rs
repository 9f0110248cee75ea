//! The demo's agreements (`data/demo/agreements.toml`): Hämeenlinna's purchaser–provider
//! agreement for 2013 after seed 003, made by the city's procurement specialist, agreed by its
//! production's signatory, reported on for three quarters through the same CSV upload a
//! provider uses, and gone through at the follow-up group's September meeting.

use crate::demo_delivery::err;
use anyhow::{Context, Result};
use chrono::Datelike;
use chrono::NaiveDate;
use domain::agreement::{
    default_meeting_day, Agreement, AgreementKind, MeetingItem, Order, Period, Product, Signature,
};
use domain::locale::Lang;
use domain::org::Actor;
use serde::Deserialize;
use service::Service;
use std::collections::HashMap;
use uuid::Uuid;

const DATA: &str = include_str!("../../../data/demo/agreements.toml");

#[derive(Deserialize)]
struct File {
    agreement: Vec<Entry>,
}

#[derive(Deserialize)]
struct Reports {
    volumes: String,
    cases: String,
}

#[derive(Deserialize)]
struct Entry {
    purchaser: String,
    provider: String,
    title: String,
    kind: AgreementKind,
    purchaser_contact: String,
    provider_contact: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    inspection_right: bool,
    products: Vec<Product>,
    orders: Vec<Order>,
    reports: Reports,
    /// Who sat in the follow-up group's Q3 meeting, by role.
    meeting_members: Vec<String>,
}

/// The demo user with `role` in organisation `org`.
fn user_of<'a>(actors: &'a HashMap<String, Actor>, org: Uuid, role: &str) -> Result<&'a Actor> {
    actors
        .values()
        .find(|a| a.org_id == org && a.roles.iter().any(|r| r.code() == role))
        .with_context(|| format!("demo {role} of organisation {org}"))
}

pub(crate) async fn populate(
    svc: &Service,
    orgs: &HashMap<String, Uuid>,
    actors: &HashMap<String, Actor>,
) -> Result<()> {
    let file: File = toml::from_str(DATA).context("data/demo/agreements.toml")?;
    for e in file.agreement {
        let purchaser = *orgs.get(&e.purchaser).context("demo agreement purchaser")?;
        let provider = *orgs.get(&e.provider).context("demo agreement provider")?;
        let buyer = user_of(actors, purchaser, "procurement_specialist")?;
        let signer = user_of(actors, provider, "provider_signatory")?;
        let manager = user_of(actors, provider, "service_manager")?;
        let a = Agreement {
            title: e.title,
            kind: e.kind,
            provider,
            procurement: None,
            purchaser_contact: e.purchaser_contact,
            provider_contact: e.provider_contact,
            valid_from: e.valid_from,
            valid_to: e.valid_to,
            inspection_right: e.inspection_right,
            products: e.products,
            orders: e.orders,
            version: 0,
            change_reason: String::new(),
            proposed: Signature {
                name: String::new(),
                at: chrono::Utc::now(),
            },
            agreed: None,
        };
        let id = svc.create_agreement(buyer, &a).await.map_err(err)?;
        svc.agree_to_agreement(signer, id, 1).await.map_err(err)?;
        svc.report_file(manager, id, &sheet::csv::read(&e.reports.volumes), Lang::Fi)
            .await
            .map_err(err)?;
        svc.report_file(manager, id, &sheet::csv::read(&e.reports.cases), Lang::Fi)
            .await
            .map_err(err)?;
        // Q3's meeting of the follow-up group, in September as seed 003 has it.
        let q3 = Period::Quarter {
            year: e.valid_from.year(),
            quarter: 3,
        };
        let decision = |key: &str, comment: &str, decision: &str| MeetingItem {
            key: key.into(),
            comment: comment.into(),
            decision: decision.into(),
        };
        svc.record_meeting(
            buyer,
            id,
            q3,
            &default_meeting_day(q3)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            &e.meeting_members.join("\n"),
            &[
                decision(
                    "product:palveluohjaus",
                    "Palveluohjauksen asiakasmäärä ylittää tilauksen vuoden loppuun mennessä.",
                    "Tilausmäärää tarkistetaan vuoden 2014 palvelusopimuksessa.",
                ),
                decision(
                    "processing:toimeentulotuki",
                    "Kolme hakemusta käsiteltiin seitsemännen päivän jälkeen.",
                    "Tuotanto selvittää viiveiden syyt joulukuun kokoukseen.",
                ),
            ],
        )
        .await
        .map_err(err)?;
    }
    Ok(())
}
