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

/// Vantaa's cooperation agreement with the mental health society (seed 004, "Järjestöyhteistyö":
/// support-person activity and agreed group activity; the city supports them through the
/// agreement, and two or three joint meetings a year agree the support persons' fees and the
/// number of people supported). The fees, volumes, meeting days and payments are the demo's
/// own; the seed gives none. The second version is the September joint meeting's.
pub(crate) async fn cooperation(
    svc: &Service,
    orgs: &HashMap<String, Uuid>,
    actors: &HashMap<String, Actor>,
) -> Result<Uuid> {
    use domain::agreement::{Indicator, Measure, PaymentForm, Unit, YearPrice};
    use domain::money::Money;
    let purchaser = *orgs.get("Vantaan kaupunki").context("Vantaa")?;
    let provider = *orgs
        .get("Vantaan mielenterveysseura ry")
        .context("the mental health society")?;
    let buyer = user_of(actors, purchaser, "procurement_specialist")?;
    let controller = user_of(actors, purchaser, "controller")?;
    let signer = user_of(actors, provider, "provider_signatory")?;
    let product = |code: &str, fi: &str, sv: &str, en: &str, unit, price| Product {
        code: code.into(),
        name_fi: fi.into(),
        name_sv: sv.into(),
        name_en: en.into(),
        unit,
        prices: vec![YearPrice {
            year: 2026,
            price: Money::from_cents(price),
        }],
        indicators: vec![Indicator {
            code: "tapaamiset".into(),
            name: "Tapaamiset".into(),
            measure: Measure::Count,
            definition: "Tukihenkilöiden ja tuettavien tai ryhmän tapaamiset".into(),
        }],
        target: None,
    };
    let terms = |fee: i64, supported: i64, reason: &str| Agreement {
        title: "Yhteistyösopimus 2026: tukihenkilötoiminta ja ryhmätoiminta".into(),
        kind: AgreementKind::Cooperation,
        provider,
        procurement: None,
        purchaser_contact: "Aikuisten ja nuorten palvelut, johtava sosiaalityöntekijä".into(),
        provider_contact: "Toiminnanjohtaja".into(),
        valid_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
        valid_to: NaiveDate::from_ymd_opt(2026, 12, 31),
        inspection_right: false,
        products: vec![
            product(
                "tukihenkilotoiminta",
                "Tukihenkilötoiminta (vapaaehtoiset)",
                "Stödpersonsverksamhet (frivilliga)",
                "Support persons (volunteers)",
                Unit::Client,
                fee,
            ),
            product(
                "ryhmatoiminta",
                "Sovittu ryhmätoiminta",
                "Överenskommen gruppverksamhet",
                "Agreed group activity",
                Unit::Month,
                65_000,
            ),
        ],
        orders: vec![
            Order {
                year: 2026,
                product: "tukihenkilotoiminta".into(),
                volume: supported,
            },
            Order {
                year: 2026,
                product: "ryhmatoiminta".into(),
                volume: 12,
            },
        ],
        version: 0,
        change_reason: reason.into(),
        proposed: Signature {
            name: String::new(),
            at: chrono::Utc::now(),
        },
        agreed: None,
    };
    // The February joint meeting: a fee of 40 € a month for each of 30 people supported.
    let id = svc
        .create_agreement(buyer, &terms(48_000, 30, ""))
        .await
        .map_err(err)?;
    svc.agree_to_agreement(signer, id, 1).await.map_err(err)?;
    svc.change_agreement(
        buyer,
        id,
        &terms(54_000, 34, ""),
        "Yhteinen kokous 16.9.2026: tukihenkilöpalkkio 45 €/kk, tuettavia 34.",
    )
    .await
    .map_err(err)?;
    svc.agree_to_agreement(signer, id, 2).await.map_err(err)?;
    for (day, amount, purpose) in [
        (
            "2026-03-31",
            "5 550,00",
            "Tukihenkilöpalkkiot ja ryhmätoiminta 1–3/2026",
        ),
        (
            "2026-06-30",
            "5 550,00",
            "Tukihenkilöpalkkiot ja ryhmätoiminta 4–6/2026",
        ),
        (
            "2026-09-30",
            "6 540,00",
            "Tukihenkilöpalkkiot ja ryhmätoiminta 7–9/2026",
        ),
    ] {
        svc.record_agreement_payment(
            controller,
            id,
            &PaymentForm {
                paid_on: day.into(),
                amount: amount.into(),
                purpose: purpose.into(),
                reference: format!("VNT-AVUSTUS-{}", &day[..7]),
            },
            Lang::Fi,
        )
        .await
        .map_err(err)?;
    }
    Ok(id)
}
