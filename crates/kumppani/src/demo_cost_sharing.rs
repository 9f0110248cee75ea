//! The demo's cost sharing (`data/demo/cost_sharing.toml`, after seed 002): Tornio's
//! controller makes the Länsi-Pohja agreement with the seed's shares, enters six quarters of
//! the NGO's invoices and Tornio's own costs, and issues the recharges; the third quarter of
//! 2026 is left for the controller to enter.

use crate::demo_delivery::err;
use anyhow::{Context, Result};
use domain::agreement::Period;
use domain::cost_sharing::{BasisForm, CostForm, SharingForm};
use domain::locale::Lang;
use domain::org::Actor;
use serde::Deserialize;
use service::Service;
use std::collections::HashMap;
use uuid::Uuid;

const DATA: &str = include_str!("../../../data/demo/cost_sharing.toml");

#[derive(Deserialize)]
struct File {
    title: String,
    description: String,
    host: String,
    parties: Vec<String>,
    percent: Vec<String>,
    valid_from: String,
    valid_to: String,
    remainder: String,
    account: String,
    bic: String,
    payment_days: String,
    quarter: Vec<Quarter>,
}

#[derive(Deserialize)]
struct Quarter {
    period: String,
    ngo: String,
    salary: String,
    overhead: String,
    funding: Option<String>,
}

/// The cost form of one demo cost, dated on the quarter's last day.
fn cost(
    kind: &str,
    description: &str,
    counterparty: &str,
    document: &str,
    date: &str,
    amount: &str,
) -> CostForm {
    CostForm {
        kind: kind.into(),
        description: description.into(),
        counterparty: counterparty.into(),
        document: document.into(),
        date: date.into(),
        amount: amount.into(),
    }
}

pub(crate) async fn populate(
    svc: &Service,
    orgs: &HashMap<String, Uuid>,
    actors: &HashMap<String, Actor>,
) -> Result<Uuid> {
    let f: File = toml::from_str(DATA).context("data/demo/cost_sharing.toml")?;
    let controller = actors
        .get("tornio.controller")
        .context("demo user tornio.controller")?;
    let org = |name: &str| {
        orgs.get(name)
            .copied()
            .with_context(|| format!("demo organisation {name}"))
    };
    anyhow::ensure!(org(&f.host)? == controller.org_id, "the host is Tornio");
    let parties = f
        .parties
        .iter()
        .map(|p| org(p).map(|id| id.to_string()))
        .collect::<Result<Vec<_>>>()?;
    let form = SharingForm {
        title: f.title.clone(),
        description: f.description.clone(),
        parties,
        valid_from: f.valid_from.clone(),
        valid_to: f.valid_to.clone(),
        remainder: f.remainder.clone(),
        expected: vec![
            ("provider_invoice".into(), String::new()),
            ("salary".into(), String::new()),
            ("overhead".into(), String::new()),
        ],
        account: f.account.clone(),
        bic: f.bic.clone(),
        payment_days: f.payment_days.clone(),
    };
    let id = svc
        .create_cost_sharing(controller, &form)
        .await
        .map_err(err)?;
    svc.add_sharing_basis(
        controller,
        id,
        &BasisForm {
            from: f.valid_from.clone(),
            to: String::new(),
            kind: "percent".into(),
            figures: f.percent.clone(),
            population_date: String::new(),
            reason: String::new(),
        },
    )
    .await
    .map_err(err)?;
    for (n, q) in f.quarter.iter().enumerate() {
        let period = Period::parse(&q.period).context("demo quarter")?;
        let last = period
            .last_day()
            .context("demo quarter's last day")?
            .to_string();
        let mut costs = vec![
            cost(
                "provider_invoice",
                "Sijais- ja tukiperhetyön sosiaalityöntekijä",
                "Pelastakaa Lapset ry",
                &format!("PL-{}", 4100 + n),
                &last,
                &q.ngo,
            ),
            cost(
                "salary",
                "Seudullisen erityissosiaalityöntekijän palkka sivukuluineen",
                "",
                "",
                &last,
                &q.salary,
            ),
            cost(
                "overhead",
                "Matkat, työtila ja työnohjaus",
                "",
                "",
                &last,
                &q.overhead,
            ),
        ];
        if let Some(amount) = &q.funding {
            costs.push(cost(
                "funding",
                "Valtionavustus, lastensuojelun kehittämishanke",
                "Sosiaali- ja terveysministeriö",
                "STM/2025/118",
                &last,
                amount,
            ));
        }
        for c in &costs {
            svc.add_shared_cost(controller, id, period, c, Lang::Fi)
                .await
                .map_err(err)?;
        }
        svc.issue_recharges(controller, id, period)
            .await
            .map_err(err)?;
    }
    // The regional steering group's June meeting on the second quarter of 2026 (seed 002:
    // "alueellinen ohjausryhmä" follows the shared services).
    let item = |key: &str, comment: &str, decision: &str| domain::agreement::MeetingItem {
        key: key.into(),
        comment: comment.into(),
        decision: decision.into(),
    };
    svc.record_steering_meeting(
        controller,
        id,
        Period::parse("2026-Q2").context("demo quarter")?,
        "2026-06-16",
        "Perusturvajohtaja, Tornio (pj.)\nSosiaalijohtaja, Kemi\nSosiaalijohtaja, Keminmaa\nPerusturvajohtaja, Simo\nPerusturvajohtaja, Tervola\nPerusturvajohtaja, Ylitornio\nAluejohtaja, Pelastakaa Lapset ry",
        &[
            item(
                "costs",
                "Kustannukset vastaavat talousarviota; valtionavustus päättyi kesäkuussa 2025.",
                "Kustannusten jakoperuste käsitellään syksyn kokouksessa kahden toimintavuoden kokemusten perusteella.",
            ),
            item(
                "registers",
                "Työnohjaajarekisterissä on vain kaksi ruotsinkielistä työnohjaajaa.",
                "Kunnat ehdottavat uusia työnohjaajia elokuun loppuun mennessä.",
            ),
        ],
    )
    .await
    .map_err(err)?;
    Ok(id)
}
