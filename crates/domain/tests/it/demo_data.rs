//! The demo procurements in `data/demo/procurements.toml`: they parse into the domain types and
//! say what the seeds say where the demo and the browser tests rely on it.

// A failing unwrap is exactly how a test should fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use domain::codes::{cpv, nuts};
use domain::ident::BusinessId;
use domain::procurement::{Lot, Procurement, ProcurementKind};
use domain::requirement::Rule;
use serde::Deserialize;

const TOML: &str = include_str!("../../../../data/demo/procurements.toml");

#[derive(Deserialize)]
struct File {
    procurement: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    purchaser: String,
    data: Procurement,
    lots: Vec<Lot>,
}

fn file() -> File {
    toml::from_str(TOML).expect("data/demo/procurements.toml parses")
}

fn by_kind(f: &File, kind: ProcurementKind) -> &Entry {
    f.procurement
        .iter()
        .find(|e| e.data.kind == kind)
        .expect("a procurement of this kind")
}

fn kymenlaakso(f: &File) -> &Entry {
    by_kind(f, ProcurementKind::DynamicPurchasingSystem)
}

fn by_purchaser<'a>(f: &'a File, business_id: &str) -> &'a Entry {
    f.procurement
        .iter()
        .find(|e| e.purchaser == business_id)
        .expect("a procurement of this purchaser")
}

fn kerava(f: &File) -> &Entry {
    let k = by_purchaser(f, "9900022-9");
    assert_eq!(k.data.kind, ProcurementKind::FrameworkAgreement);
    k
}

#[test]
fn the_demo_file_has_the_three_seed_procurements() {
    let f = file();
    assert_eq!(f.procurement.len(), 3);
    for e in &f.procurement {
        assert!(
            BusinessId::parse(&e.purchaser).is_ok(),
            "purchaser {} is a valid business ID",
            e.purchaser
        );
        assert!(!e.data.title.fi.is_empty());
        assert!(e.data.starts_on <= e.data.ends_on);
    }
    let k = kymenlaakso(&f);
    assert_eq!(k.purchaser, "3221311-5");
    assert_eq!(k.data.notice_number, "2023-125079");
    assert_eq!(
        k.data.estimated_value.map(|m| m.cents()),
        Some(1_000_000_000)
    );
}

#[test]
fn kymenlaakso_has_ten_lots_of_which_nine_and_ten_are_closed() {
    let f = file();
    let k = kymenlaakso(&f);
    let numbers: Vec<u32> = k.lots.iter().map(|l| l.number).collect();
    assert_eq!(numbers, (1..=10).collect::<Vec<u32>>());
    for lot in &k.lots {
        let closed = lot.number >= 9;
        assert_eq!(lot.open, !closed, "lot {}", lot.number);
        if closed {
            assert!(!lot.closed_note.fi.is_empty(), "lot {}", lot.number);
            assert!(lot.requirements.is_empty(), "lot {}", lot.number);
        }
        assert_eq!(
            lot.price_weight, 100,
            "a DPS ranks no one: lot {}",
            lot.number
        );
    }
    let first = &k.lots[0];
    assert!(first.title.fi.contains("Tehostettu perhetyö"));
    assert_eq!(first.title.en, "Intensive family work");
    assert_eq!((first.age_min, first.age_max), (Some(0), Some(18)));
}

#[test]
fn every_open_lot_asks_for_a_degree_and_experience() {
    let f = file();
    for e in &f.procurement {
        for lot in e.lots.iter().filter(|l| l.open) {
            let has = |kind: &str| lot.requirements.iter().any(|r| r.rule.kind_code() == kind);
            assert!(has("degree"), "{} lot {}", e.data.title.fi, lot.number);
            assert!(has("experience"), "{} lot {}", e.data.title.fi, lot.number);
            assert!(
                !lot.sections.is_empty(),
                "{} lot {}",
                e.data.title.fi,
                lot.number
            );
        }
    }
}

#[test]
fn every_text_is_there_in_finnish_and_every_requirement_in_three_languages() {
    let f = file();
    for e in &f.procurement {
        for t in [&e.data.title, &e.data.description] {
            assert!(t.all().iter().all(|s| !s.trim().is_empty()));
        }
        for lot in &e.lots {
            assert!(lot.title.all().iter().all(|s| !s.trim().is_empty()));
            for s in &lot.sections {
                assert!(!s.text.fi.trim().is_empty(), "lot {}", lot.number);
            }
            for r in &lot.requirements {
                assert!(
                    r.text.all().iter().all(|s| !s.trim().is_empty()),
                    "lot {}: {:?}",
                    lot.number,
                    r.text
                );
            }
        }
    }
}

#[test]
fn every_code_exists_in_the_code_lists() {
    let f = file();
    for e in &f.procurement {
        let p = &e.data;
        for code in std::iter::once(&p.cpv_main).chain(&p.cpv_additional) {
            assert!(cpv().get(code).is_some(), "CPV {code}");
        }
        assert!(nuts().get(&p.nuts).is_some(), "NUTS {}", p.nuts);
    }
}

#[test]
fn kerava_runs_to_2024_with_its_options_and_demands_management() {
    let f = file();
    let k = kerava(&f);
    assert_eq!(
        k.data.starts_on,
        NaiveDate::from_ymd_opt(2019, 3, 1).unwrap()
    );
    assert_eq!(k.data.option_years, vec![1, 1]);
    assert_eq!(
        k.data.ends_with_options(),
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()
    );
    assert_eq!(k.lots.len(), 1);
    let lot = &k.lots[0];
    assert_eq!(lot.price_weight, 70);
    assert!(lot.requirements.iter().any(|r| matches!(
        r.rule,
        Rule::ResponsibleManagement {
            more_than_employees: 0,
            ..
        }
    )));
}

#[test]
fn vantaas_work_activity_carries_the_boards_work_participation_money() {
    let f = file();
    let v = by_purchaser(&f, "0124610-9");
    assert_eq!(v.lots.len(), 1);
    let rates = &v.lots[0].work_money;
    assert_eq!(rates.len(), 1);
    assert_eq!(rates[0].from, NaiveDate::from_ymd_opt(2019, 1, 21).unwrap());
    assert_eq!(rates[0].per_hour.cents(), 200);
    // It runs, with its demo option years, past the demo's months.
    assert!(v.data.ends_with_options() >= NaiveDate::from_ymd_opt(2027, 12, 31).unwrap());
}
