//! The demo's supervision of purchased services (741/2023 23–25 §, 29 §): Kymenlaakso's
//! procurement specialist has found a deviation in Aallokko's family work at an inspection,
//! with a correction deadline two weeks ahead, and Aallokko has notified a serious incident
//! that waits for the county's response.

use anyhow::{Context, Result};
use domain::org::Actor;
use domain::supervision::{DeviationForm, IncidentForm};
use service::Service;
use std::collections::HashMap;

fn actor<'a>(actors: &'a HashMap<String, Actor>, name: &str) -> Result<&'a Actor> {
    actors
        .get(name)
        .with_context(|| format!("demo user {name}"))
}

pub async fn populate(svc: &Service, actors: &HashMap<String, Actor>) -> Result<()> {
    let buyer = actor(actors, "kymenlaakso.procurement-specialist")?;
    let signer = actor(actors, "aallokko.provider-signatory")?;
    let today = svc.today();
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    svc.record_deviation(
        buyer,
        &DeviationForm {
            provider: signer.org_id.to_string(),
            commitment: String::new(),
            source: "inspection".into(),
            found_on: day(today - chrono::Duration::days(3)),
            description: "Omavalvontasuunnitelman seurantaraportti puuttuu, ja kahden työntekijän \
                          rikostaustaotteen esittämisestä ei ole merkintää."
                .into(),
            deadline: day(today + chrono::Duration::days(14)),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo deviation: {e:?}"))?;
    svc.notify_incident(
        signer,
        &IncidentForm {
            purchaser: buyer.org_id.to_string(),
            commitment: String::new(),
            occurred_on: day(today - chrono::Duration::days(1)),
            description: "Perhetyöntekijän auto ei käynnistynyt talvipakkasella, ja \
                          iltakäynti peruuntui ilman sijaista. Varajärjestely on laadittu."
                .into(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo incident: {e:?}"))?;
    Ok(())
}
