//! The demo: the organisations the seeds name, made-up providers and users for every role.
//!
//! Business IDs: Kymenlaakso's (3221311-5) is from seed 000, Vantaa's (0124610-9) from its TED
//! notice in `shared/data/ted-xml-real`. For the other municipalities no source at hand gives the
//! ID, so they get valid made-up IDs from the 99xxxxx range, which the trade register has not
//! reached; replace them from YTJ before using the demo data for anything real. Providers and all
//! people are made up.

use anyhow::{Context, Result};
use domain::ident::BusinessId;
use domain::org::{Actor, OrgKind, OrganisationForm, Role, ServiceUnitForm, UserForm};
use serde::Serialize;
use service::Service;
use std::collections::HashMap;
use std::path::Path;
use uuid::Uuid;

#[derive(Debug, Serialize)]
pub struct Credential {
    pub username: String,
    pub password: String,
    pub role: String,
    pub organisation: String,
}

/// A valid made-up business ID from the 99xxxxx range (see the module comment).
fn made_up_business_id(n: u32) -> Result<String> {
    (0..11)
        .find_map(|k| BusinessId::from_digits(9_900_000 + n * 11 + k))
        .map(|b| b.to_string())
        .context("no valid check digit found")
}

struct OrgSpec {
    kind: &'static str,
    name: &'static str,
    business_id: Option<&'static str>,
    street: &'static str,
    postal: &'static str,
    city: &'static str,
    key: &'static str,
    roles: &'static [&'static str],
}

const ORGS: &[OrgSpec] = &[
    OrgSpec {
        kind: "county",
        name: "Kymenlaakson hyvinvointialue",
        business_id: Some("3221311-5"),
        street: "Kotkantie 41",
        postal: "48210",
        city: "Kotka",
        key: "kymenlaakso",
        roles: &[
            "purchaser_admin",
            "procurement_specialist",
            "social_worker",
            "leading_social_worker",
            "controller",
            // A second controller, so that an invoice above the limit can be checked by one
            // and approved by another.
            "controller/approver",
            "auditor",
            // A social worker of another team, who opens the first team's clients only with a
            // reason (703/2023 9 §).
            "social_worker/kouvola",
        ],
    },
    OrgSpec {
        kind: "municipality",
        name: "Vantaan kaupunki",
        business_id: Some("0124610-9"),
        street: "Asematie 7",
        postal: "01300",
        city: "Vantaa",
        key: "vantaa",
        roles: &[
            "purchaser_admin",
            "procurement_specialist",
            "social_worker",
            "leading_social_worker",
            "controller",
            "auditor",
        ],
    },
    OrgSpec {
        kind: "municipality",
        name: "Keravan kaupunki",
        business_id: None,
        street: "Kauppakaari 11",
        postal: "04200",
        city: "Kerava",
        key: "kerava",
        roles: &[
            "purchaser_admin",
            "procurement_specialist",
            "social_worker",
            "leading_social_worker",
            "controller",
        ],
    },
    OrgSpec {
        kind: "municipality",
        name: "Hämeenlinnan kaupunki",
        business_id: None,
        street: "Raatihuoneenkatu 9",
        postal: "13100",
        city: "Hämeenlinna",
        key: "hameenlinna",
        roles: &[
            "purchaser_admin",
            "procurement_specialist",
            "leading_social_worker",
            "controller",
        ],
    },
    OrgSpec {
        kind: "municipality",
        name: "Tornion kaupunki",
        business_id: None,
        street: "Suensaarenkatu 4",
        postal: "95400",
        city: "Tornio",
        key: "tornio",
        roles: &["purchaser_admin", "controller", "leading_social_worker"],
    },
    OrgSpec {
        kind: "municipality",
        name: "Kemin kaupunki",
        business_id: None,
        street: "Valtakatu 26",
        postal: "94100",
        city: "Kemi",
        key: "kemi",
        // Kemi and Keminmaa follow their shares of Tornio's recharges and read the region's
        // registers (seed 002).
        roles: &["controller", "leading_social_worker"],
    },
    OrgSpec {
        kind: "municipality",
        name: "Keminmaan kunta",
        business_id: None,
        street: "Kauppatie 10",
        postal: "94400",
        city: "Keminmaa",
        key: "keminmaa",
        roles: &["controller", "leading_social_worker"],
    },
    OrgSpec {
        kind: "municipality",
        name: "Simon kunta",
        business_id: None,
        street: "Simontie 27",
        postal: "95200",
        city: "Simo",
        key: "simo",
        roles: &[],
    },
    OrgSpec {
        kind: "municipality",
        name: "Tervolan kunta",
        business_id: None,
        street: "Kirkkotie 2",
        postal: "95300",
        city: "Tervola",
        key: "tervola",
        roles: &[],
    },
    OrgSpec {
        kind: "municipality",
        name: "Ylitornion kunta",
        business_id: None,
        street: "Alkkulanraitti 26",
        postal: "95600",
        city: "Ylitornio",
        key: "ylitornio",
        roles: &[],
    },
    OrgSpec {
        kind: "company",
        name: "Perhetuki Aallokko Oy",
        business_id: None,
        street: "Satamakatu 3",
        postal: "48100",
        city: "Kotka",
        key: "aallokko",
        roles: &["provider_signatory", "service_manager", "worker"],
    },
    OrgSpec {
        kind: "ngo",
        name: "Tukiverkko ry",
        business_id: None,
        street: "Kauppakatu 12",
        postal: "45100",
        city: "Kouvola",
        key: "tukiverkko",
        roles: &["provider_signatory", "service_manager", "worker"],
    },
    OrgSpec {
        kind: "company",
        name: "Kasvun Polku Oy",
        business_id: None,
        street: "Hämeenkatu 5",
        postal: "04200",
        city: "Kerava",
        key: "kasvunpolku",
        roles: &["provider_signatory", "worker"],
    },
    // The production side of Hämeenlinna's purchaser–provider model (seed 003).
    OrgSpec {
        kind: "public_producer",
        name: "Hämeenlinnan kaupungin palvelutuotanto",
        business_id: None,
        street: "Wetterhoffinkatu 2",
        postal: "13100",
        city: "Hämeenlinna",
        key: "hml-tuotanto",
        roles: &["provider_signatory", "service_manager"],
    },
    // The NGO whose foster-family work the Länsi-Pohja municipalities share (seed 002).
    OrgSpec {
        kind: "ngo",
        name: "Pelastakaa Lapset ry",
        business_id: None,
        street: "Koskikatu 27 B",
        postal: "96100",
        city: "Rovaniemi",
        key: "pelastakaa",
        roles: &["provider_signatory"],
    },
    // The society Vantaa supports by a cooperation agreement (seed 004).
    OrgSpec {
        kind: "ngo",
        name: "Vantaan mielenterveysseura ry",
        business_id: None,
        street: "Kielotie 13",
        postal: "01300",
        city: "Vantaa",
        key: "vmts",
        roles: &["provider_signatory"],
    },
];

/// Made-up first and last names, one per demo user.
const NAMES: &[&str] = &[
    "Aino Laaksonen",
    "Elias Virtanen",
    "Helmi Korhonen",
    "Onni Mäkinen",
    "Ella Nieminen",
    "Väinö Hämäläinen",
    "Sofia Koskinen",
    "Leo Heikkinen",
    "Lilja Järvinen",
    "Eino Lehtonen",
    "Olivia Saarinen",
    "Toivo Salminen",
    "Aada Lindqvist",
    "Oskar Björklund",
    "Ronja Heinonen",
    "Veeti Rantanen",
    "Emma Karjalainen",
    "Niilo Turunen",
    "Isla Lindholm",
    "Aarni Salo",
    "Venla Kinnunen",
    "Hugo Ahonen",
    "Kerttu Hiltunen",
];

fn password() -> Result<String> {
    let t = service::password::random_token().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(t[..16].to_owned())
}

/// Fills an empty, migrated database; returns the users and their passwords.
pub async fn populate(svc: &Service) -> Result<Vec<Credential>> {
    let mut creds = Vec::new();
    let mut orgs_by_business_id: HashMap<String, Uuid> = HashMap::new();
    let mut orgs_by_name: HashMap<String, Uuid> = HashMap::new();
    let mut actors: HashMap<String, Actor> = HashMap::new();
    let mut name = NAMES.iter().cycle();
    for (i, o) in ORGS.iter().enumerate() {
        let business_id = match o.business_id {
            Some(b) => b.to_owned(),
            None => made_up_business_id(i as u32)?,
        };
        let org_id: Uuid = svc
            .setup()
            .bootstrap_organisation(&OrganisationForm {
                kind: o.kind.into(),
                name: o.name.into(),
                business_id,
                street_address: o.street.into(),
                postal_code: o.postal.into(),
                city: o.city.into(),
                email: format!("kirjaamo@{}.example", o.key),
                phone: "+358 40 000 0000".into(),
            })
            .await
            .map_err(|e| anyhow::anyhow!("organisation {}: {e:?}", o.name))?;
        orgs_by_business_id.insert(business_id_of(o, i)?, org_id);
        orgs_by_name.insert(o.name.to_owned(), org_id);
        if matches!(o.kind, "company" | "ngo" | "public_producer") {
            let units: &[(&str, &str)] = match o.key {
                "aallokko" => &[
                    ("Aallokko perhetyö Kotka", "Kotka"),
                    ("Aallokko perhetyö Kouvola", "Kouvola"),
                ],
                "tukiverkko" => &[("Tukiverkko tukihenkilötoiminta", "Kouvola")],
                "hml-tuotanto" => &[("Sosiaalisen tuen palvelut", "Hämeenlinna")],
                "pelastakaa" => &[("Pelastakaa Lapset, Pohjois-Suomen aluetoimisto", "Tornio")],
                "vmts" => &[("Tukihenkilö- ja ryhmätoiminta", "Vantaa")],
                _ => &[("Kasvun Polku Kerava", "Kerava")],
            };
            for (n, (unit_name, municipality)) in units.iter().enumerate() {
                svc.setup()
                    .bootstrap_service_unit(
                        org_id,
                        &ServiceUnitForm {
                            name: (*unit_name).into(),
                            street_address: o.street.into(),
                            postal_code: o.postal.into(),
                            city: o.city.into(),
                            municipality: (*municipality).into(),
                            soteri_number: format!("DEMO-{:03}-{n}", i),
                            soteri_registered: "2019-03-01".into(),
                            oid: format!("1.2.246.10.{}.10.{n}", 99_000_000 + i),
                            languages: if o.key == "tukiverkko" {
                                vec!["fi".into(), "sv".into()]
                            } else {
                                vec!["fi".into()]
                            },
                            served_municipalities: served(municipality),
                            capacity: "12".into(),
                            // Tukiverkko is full: the steering group skips it for that reason.
                            free_capacity: if n == 0 && o.key != "tukiverkko" {
                                "4".into()
                            } else {
                                "0".into()
                            },
                        },
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("unit {unit_name}: {e:?}"))?;
            }
        }
        for spec in o.roles {
            // `role/name`: a second user with the role, named `key.name`.
            let (role, name_part) = spec.split_once('/').unwrap_or((spec, spec));
            let role = &role;
            let username = format!("{}.{}", o.key, name_part.replace('_', "-"));
            let password = password()?;
            let display = name.next().copied().unwrap_or("Demo User");
            let user_id = svc
                .setup()
                .bootstrap_user(
                    org_id,
                    &UserForm {
                        username: username.clone(),
                        display_name: display.into(),
                        email: format!("{username}@{}.example", o.key),
                        language: if o.key == "tukiverkko" {
                            "sv".into()
                        } else {
                            "fi".into()
                        },
                        roles: vec![(*role).into()],
                        password: password.clone(),
                        team: demo_team(o.key, name_part).into(),
                        unit: String::new(),
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("user {username}: {e:?}"))?;
            let org_kind = OrgKind::parse(o.kind).context("demo organisation kind")?;
            let role_code = *role;
            let role = Role::parse(role).context("demo role")?;
            actors.insert(
                username.clone(),
                Actor {
                    user_id,
                    username: username.clone(),
                    display_name: display.into(),
                    org_id,
                    org_kind,
                    roles: vec![role],
                    person: None,
                    key: None,
                    team: demo_team(o.key, name_part).into(),
                    unit: None,
                },
            );
            creds.push(Credential {
                username,
                password,
                role: role_code.into(),
                organisation: o.name.into(),
            });
        }
    }
    let lots = crate::demo_procurement::populate(svc, &orgs_by_business_id, &actors).await?;
    crate::demo_delivery::populate(svc, &actors, lots.kymenlaakso, &mut creds).await?;
    crate::demo_invoices::populate(svc, &actors, lots.kymenlaakso, &mut creds).await?;
    crate::demo_invoices::work_activity(svc, &actors, lots.vantaa).await?;
    crate::demo_agreements::populate(svc, &orgs_by_name, &actors).await?;
    crate::demo_agreements::cooperation(svc, &orgs_by_name, &actors).await?;
    crate::demo_cost_sharing::populate(svc, &orgs_by_name, &actors).await?;
    crate::demo_registers::populate(svc, &orgs_by_name, &actors).await?;
    crate::demo_supervision::populate(svc, &actors).await?;
    crate::demo_clients::closed_long_ago(svc, &actors).await?;
    Ok(creds)
}

/// The demo's social work teams: Kymenlaakso's social worker registers the demo's clients in
/// the Kotka child welfare team; the second social worker is in Kouvola's family social work.
fn demo_team(org: &str, user: &str) -> &'static str {
    match (org, user) {
        ("kymenlaakso", "social_worker") => "Lastensuojelu Kotka",
        ("kymenlaakso", "kouvola") => "Perhesosiaalityö Kouvola",
        _ => "",
    }
}

fn business_id_of(o: &OrgSpec, i: usize) -> Result<String> {
    match o.business_id {
        Some(b) => Ok(b.to_owned()),
        None => made_up_business_id(i as u32),
    }
}

/// The municipalities a demo unit serves: its own region's.
fn served(municipality: &str) -> String {
    match municipality {
        "Kotka" | "Kouvola" => "Kotka, Kouvola, Hamina, Pyhtää, Miehikkälä, Virolahti".into(),
        "Kerava" => "Kerava, Vantaa, Järvenpää".into(),
        other => other.into(),
    }
}

pub fn print_credentials(creds: &[Credential], listen: &str) {
    println!("Kumppani demo: sign in at http://{listen}/login with any of these (passwords are new every start):");
    println!(
        "{:<38} {:<18} {:<24} organisation",
        "user name", "password", "role"
    );
    for c in creds {
        println!(
            "{:<38} {:<18} {:<24} {}",
            c.username, c.password, c.role, c.organisation
        );
    }
}

pub fn write_credentials(creds: &[Credential], path: &Path) -> Result<()> {
    let json = serde_json::to_string_pretty(creds).context("serialising the demo users")?;
    std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))
}

/// The demo always starts from an empty database: removes the SQLite file and its WAL files.
/// Refuses to touch anything but a plain SQLite file path.
pub fn remove_sqlite_files(url: &str) -> Result<()> {
    anyhow::ensure!(
        !url.starts_with("postgres"),
        "the demo runs on its own SQLite file; give --database a file path"
    );
    let path = url.strip_prefix("sqlite://").unwrap_or(url);
    for suffix in ["", "-wal", "-shm"] {
        let p = format!("{path}{suffix}");
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("removing the old demo database {p}")),
        }
    }
    Ok(())
}
