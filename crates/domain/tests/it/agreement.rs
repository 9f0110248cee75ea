//! Agreements, their products and order, and the follow-up of what was reported: on the demo's
//! Hämeenlinna 2013 agreement (`data/demo/agreements.toml`, after seed 003).

// A failing unwrap is exactly how a test should fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use domain::agreement::{
    follow_up, in_force, latest, quarter_of, Agreement, AgreementKind, Order, Period, Product,
    Realised, ReportedCase, Signature, Unit,
};
use domain::calendar::DayCount;
use domain::locale::Lang;
use domain::money::Money;
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

const TOML: &str = include_str!("../../../../data/demo/agreements.toml");

#[derive(Deserialize)]
struct File {
    agreement: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    title: String,
    kind: AgreementKind,
    purchaser_contact: String,
    provider_contact: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    inspection_right: bool,
    products: Vec<Product>,
    orders: Vec<Order>,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn sig() -> Signature {
    Signature {
        name: "Tilaajapäällikkö".into(),
        at: Utc.with_ymd_and_hms(2013, 1, 2, 9, 0, 0).unwrap(),
    }
}

fn hameenlinna() -> Agreement {
    let f: File = toml::from_str(TOML).expect("data/demo/agreements.toml parses");
    let e = f.agreement.into_iter().next().unwrap();
    Agreement {
        title: e.title,
        kind: e.kind,
        provider: Uuid::from_u128(7),
        procurement: None,
        purchaser_contact: e.purchaser_contact,
        provider_contact: e.provider_contact,
        valid_from: e.valid_from,
        valid_to: e.valid_to,
        inspection_right: e.inspection_right,
        products: e.products,
        orders: e.orders,
        version: 1,
        change_reason: String::new(),
        proposed: sig(),
        agreed: Some(sig()),
    }
}

fn report(product: &str, period: &str, count: i64, version: u32) -> Realised {
    Realised {
        product: product.into(),
        period: Period::parse(period).unwrap(),
        count,
        indicators: BTreeMap::new(),
        cases: Vec::new(),
        version,
        reported: sig(),
    }
}

#[test]
fn the_seed_products_have_their_units_prices_and_target() {
    let a = hameenlinna();
    assert!(a.validate().is_empty(), "{:?}", a.validate());
    assert_eq!(a.kind, AgreementKind::Internal);
    let price = |code: &str| a.product(code).unwrap().price(2013).unwrap().cents();
    assert_eq!(price("palveluohjaus"), 39286);
    assert_eq!(price("elamanhallinta"), 21099);
    assert_eq!(price("kriisityo"), 71332);
    assert_eq!(price("toimeentulotuki"), 5710);
    assert_eq!(price("aktivoiva"), 39367);
    assert_eq!(price("kotoutus"), 3382);
    let tt = a.product("toimeentulotuki").unwrap();
    assert_eq!(tt.unit, Unit::Application);
    let target = tt.target.unwrap();
    assert_eq!((target.days, target.count), (7, DayCount::Calendar));
    assert_eq!(tt.name(Lang::Sv), "Handläggning av utkomststöd");
    assert_eq!(a.product("kotoutus").unwrap().unit, Unit::Hour);
    // The seed's one surviving volume.
    assert!(a
        .orders
        .iter()
        .any(|o| o.product == "elamanhallinta" && o.volume == 850));
}

#[test]
fn contract_value_is_each_order_at_its_price() {
    let a = hameenlinna();
    // 1200 × 392.86 + 850 × 210.99 + 60 × 713.32 + 9000 × 57.10 + 300 × 393.67 + 2000 × 33.82
    assert_eq!(a.contract_value(2013), Some(Money::from_cents(139_321_370)));
    // No order for 2014: nothing.
    assert_eq!(a.contract_value(2014), Some(Money::ZERO));
    assert_eq!(a.order_years(), vec![2013]);
}

#[test]
fn an_order_of_a_product_the_agreement_lacks_is_refused() {
    let mut a = hameenlinna();
    a.orders.push(Order {
        year: 2013,
        product: "lastensuojelu".into(),
        volume: 5,
    });
    a.orders.push(Order {
        year: 2014,
        product: "kriisityo".into(),
        volume: 5,
    });
    a.orders.push(Order {
        year: 2013,
        product: "kriisityo".into(),
        volume: -1,
    });
    a.products[0].prices.clear();
    a.valid_to = Some(d(2012, 12, 31));
    let e = a.validate();
    assert_eq!(e.get("orders[6].product"), Some("order-unknown-product"));
    assert_eq!(e.get("orders[7].year"), Some("order-no-price"));
    assert_eq!(e.get("orders[8].volume"), Some("number-format"));
    assert_eq!(e.get("orders[8].product"), Some("order-duplicate"));
    assert_eq!(e.get("products[0].price"), Some("required"));
    assert_eq!(e.get("valid_to"), Some("date-range"));
}

#[test]
fn periods_parse_and_refuse_what_does_not_exist() {
    assert_eq!(
        Period::parse("2013-Q3"),
        Some(Period::Quarter {
            year: 2013,
            quarter: 3
        })
    );
    assert_eq!(
        Period::parse(" 2013-q1 "),
        Some(Period::Quarter {
            year: 2013,
            quarter: 1
        })
    );
    assert_eq!(
        Period::parse("2013-02"),
        Some(Period::Month {
            year: 2013,
            month: 2
        })
    );
    for bad in [
        "2013-Q5", "2013-Q0", "2013-13", "2013-00", "13-Q1", "2013", "Q1", "2013-2",
    ] {
        assert_eq!(Period::parse(bad), None, "{bad}");
    }
    let q3 = Period::parse("2013-Q3").unwrap();
    assert_eq!(q3.first_day(), Some(d(2013, 7, 1)));
    assert_eq!(q3.last_day(), Some(d(2013, 9, 30)));
    assert_eq!(
        Period::parse("2013-Q4").unwrap().last_day(),
        Some(d(2013, 12, 31))
    );
    assert_eq!(quarter_of(d(2013, 8, 15)), q3);
    assert_eq!(q3.code(), "2013-Q3");
}

#[test]
fn the_newest_report_of_a_period_counts() {
    let r = vec![
        report("kriisityo", "2013-Q1", 10, 1),
        report("kriisityo", "2013-Q1", 12, 2),
        report("kriisityo", "2013-Q2", 15, 1),
    ];
    let l = latest(&r);
    assert_eq!(l.len(), 2);
    assert_eq!(l.iter().map(|r| r.count).sum::<i64>(), 27);
}

#[test]
fn follow_up_projects_the_pace_so_far_to_december() {
    let a = hameenlinna();
    let mut reports = vec![
        report("kriisityo", "2013-Q1", 10, 1),
        report("kriisityo", "2013-Q2", 15, 1),
        report("kriisityo", "2013-Q3", 20, 1),
        // A corrected Q1: the newest version counts.
        report("kriisityo", "2013-Q1", 11, 2),
        // After the meeting's quarter: not counted yet.
        report("kriisityo", "2013-Q4", 99, 1),
    ];
    let mut tt = report("toimeentulotuki", "2013-Q3", 3, 1);
    tt.indicators.insert("paatokset".into(), 3);
    tt.indicators.insert("myonnetty".into(), 123_450);
    tt.cases = vec![
        // Decided on the seventh day: within.
        ReportedCase {
            reference: "TT-1".into(),
            received: d(2013, 7, 1),
            decided: Some(d(2013, 7, 8)),
        },
        // On the ninth: a breach of 9 days.
        ReportedCase {
            reference: "TT-2".into(),
            received: d(2013, 8, 1),
            decided: Some(d(2013, 8, 10)),
        },
        // Still open on 30 September, received on the 20th: 10 days, a breach.
        ReportedCase {
            reference: "TT-3".into(),
            received: d(2013, 9, 20),
            decided: None,
        },
    ];
    reports.push(tt);
    let q3 = Period::parse("2013-Q3").unwrap();
    let f = follow_up(&a, q3, &reports, d(2013, 9, 30));
    let k = f.iter().find(|p| p.product == "kriisityo").unwrap();
    assert_eq!(k.ordered, 60);
    assert_eq!(k.realised, 46);
    // 46 × 12 / 9 = 61.33 → 61.
    assert_eq!(k.projected, 61);
    assert_eq!(k.share, Some(76));
    assert_eq!(k.realised_value, Money::from_cents(46 * 71332));
    assert_eq!(k.projected_value, Money::from_cents(61 * 71332));
    assert_eq!(k.ordered_value, Money::from_cents(60 * 71332));
    let t = f.iter().find(|p| p.product == "toimeentulotuki").unwrap();
    assert_eq!(
        t.indicators,
        vec![
            ("paatokset".to_string(), 3),
            ("myonnetty".to_string(), 123_450),
            ("oikaisuvaatimukset".to_string(), 0),
            ("kantelut".to_string(), 0),
        ]
    );
    let p = t.processing.as_ref().unwrap();
    assert_eq!((p.cases, p.ended, p.ended_within), (3, 2, 1));
    assert_eq!(p.share_within, Some(50));
    let breaches: Vec<(&str, i64, bool)> = p
        .breaches
        .iter()
        .map(|b| (b.key.as_str(), b.days, b.open))
        .collect();
    assert_eq!(breaches, vec![("TT-3", 10, true), ("TT-2", 9, false)]);
    // A product without a target has no processing times.
    assert!(k.processing.is_none());
    // Q4's report counts at December's meeting: 46 + 99 over the whole year.
    let q4 = follow_up(
        &a,
        Period::parse("2013-Q4").unwrap(),
        &reports,
        d(2014, 1, 15),
    );
    let k4 = q4.iter().find(|p| p.product == "kriisityo").unwrap();
    assert_eq!((k4.realised, k4.projected), (145, 145));
}

#[test]
fn the_newest_agreed_version_is_in_force() {
    let v1 = hameenlinna();
    let mut v2 = v1.clone();
    v2.version = 2;
    v2.products[3].prices[0].price = Money::from_cents(5900);
    v2.agreed = None;
    let both = vec![v1.clone(), v2.clone()];
    // Proposed, not agreed: the first version stays in force.
    assert_eq!(in_force(&both).map(|a| a.version), Some(1));
    v2.agreed = Some(sig());
    let both = vec![v1, v2];
    let now = in_force(&both).unwrap();
    assert_eq!(now.version, 2);
    assert_eq!(
        now.product("toimeentulotuki").unwrap().price(2013),
        Some(Money::from_cents(5900))
    );
    // The first version keeps its price.
    assert_eq!(
        both[0].product("toimeentulotuki").unwrap().price(2013),
        Some(Money::from_cents(5710))
    );
}

mod upload {
    use super::*;
    use domain::volume_report::{self, Upload};

    /// The table of a CSV text without quotes: the separator is the header's.
    fn rows(text: &str) -> Vec<Vec<String>> {
        let text = text.trim_start_matches('\u{feff}');
        let sep = if text.lines().next().unwrap_or("").contains(';') {
            ';'
        } else {
            ','
        };
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.split(sep).map(str::to_owned).collect())
            .collect()
    }

    fn read(
        text: &str,
        a: &Agreement,
        lang: Lang,
    ) -> Result<Upload, domain::validate::FieldErrors> {
        volume_report::read(&rows(text), a, lang)
    }

    #[test]
    fn a_volumes_file_reads_with_its_indicators() {
        let a = hameenlinna();
        let csv = "\u{feff}product;period;count;paatokset;myonnetty\n\
                   toimeentulotuki;2013-Q1;2210;2198;812 345,50\n\
                   kriisityo;2013-Q1;14;;\n";
        let Upload::Volumes(rows) = read(csv, &a, Lang::Fi).unwrap() else {
            panic!("volumes expected");
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].count, 2210);
        assert_eq!(rows[0].indicators.get("paatokset"), Some(&2198));
        assert_eq!(rows[0].indicators.get("myonnetty"), Some(&81_234_550));
        assert!(rows[1].indicators.is_empty());
    }

    #[test]
    fn every_bad_cell_is_named_by_row_and_column() {
        let a = hameenlinna();
        let csv = "product,period,count,paatokset\n\
                   toimeentulotuki,2013-Q5,-3,x\n\
                   lastensuojelu,2014-Q1,abc,\n\
                   kriisityo,2013-Q2,4,\n\
                   kriisityo,2013-Q2,5,\n";
        let e = read(csv, &a, Lang::Fi).unwrap_err();
        assert_eq!(e.get("2:period"), Some("period-format"));
        assert_eq!(e.get("2:count"), Some("number-negative"));
        assert_eq!(e.get("2:paatokset"), Some("number-format"));
        assert_eq!(e.get("3:product"), Some("order-unknown-product"));
        assert_eq!(e.get("3:period"), Some("period-outside"));
        assert_eq!(e.get("3:count"), Some("number-format"));
        assert_eq!(e.get("5:period"), Some("period-duplicate"));
        assert_eq!(e.get("4:period"), None);
    }

    #[test]
    fn wrong_columns_are_refused_before_any_row() {
        let a = hameenlinna();
        let e = read("tuote;jakso;määrä\nkriisityo;2013-Q1;3\n", &a, Lang::Fi).unwrap_err();
        assert_eq!(e.get("1:product"), Some("column-missing"));
        assert_eq!(e.get("1:count"), Some("column-missing"));
        assert_eq!(e.get("1:tuote"), Some("column-unknown"));
        let e = read("", &a, Lang::Fi).unwrap_err();
        assert_eq!(e.get("1:product"), Some("file-empty"));
    }

    #[test]
    fn a_cases_file_reads_open_and_decided_cases() {
        let a = hameenlinna();
        let csv = "product;reference;received;decided\n\
                   toimeentulotuki;TT-1;2013-07-01;2013-07-08\n\
                   toimeentulotuki;TT-3;2013-09-20;\n";
        let Upload::Cases(rows) = read(csv, &a, Lang::Fi).unwrap() else {
            panic!("cases expected");
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].case.decided, None);
        let bad = "product;reference;received;decided\n\
                   kriisityo;K-1;2013-07-01;2013-06-30\n\
                   toimeentulotuki;;32.7.2013;\n";
        let e = read(bad, &a, Lang::Fi).unwrap_err();
        assert_eq!(e.get("2:product"), Some("product-no-target"));
        assert_eq!(e.get("2:decided"), Some("date-range"));
        assert_eq!(e.get("3:reference"), Some("required"));
        assert_eq!(e.get("3:received"), Some("date-format"));
        // A case is never named by a person: an identity code in the reference is refused.
        let named = "product;reference;received;decided\n\
                     toimeentulotuki;010101A900R;2013-07-01;\n";
        let e = read(named, &a, Lang::Fi).unwrap_err();
        assert_eq!(e.get("2:reference"), Some("reference-identity-code"));
    }

    #[test]
    fn quarters_and_months_of_one_product_and_year_are_not_mixed_in_a_file() {
        let a = hameenlinna();
        let csv = "product;period;count\n\
                   kriisityo;2013-Q1;10\n\
                   kriisityo;2013-04;3\n\
                   palveluohjaus;2013-04;3\n";
        let e = read(csv, &a, Lang::Fi).unwrap_err();
        assert_eq!(e.0.len(), 1, "{e:?}");
        assert_eq!(e.get("3:period"), Some("period-mixed"));
    }
}

#[test]
fn a_meeting_before_its_quarter_is_reported_projects_from_the_quarters_that_are() {
    let a = hameenlinna();
    let reports = vec![
        report("kriisityo", "2013-Q1", 15, 1),
        report("kriisityo", "2013-Q2", 15, 1),
    ];
    let f = follow_up(
        &a,
        Period::parse("2013-Q3").unwrap(),
        &reports,
        d(2013, 9, 30),
    );
    let k = f.iter().find(|p| p.product == "kriisityo").unwrap();
    // 30 over six months reported: 60 for the year, not 40.
    assert_eq!((k.realised, k.projected), (30, 60));
    // Nothing reported: nothing projected.
    let p = f.iter().find(|p| p.product == "palveluohjaus").unwrap();
    assert_eq!((p.realised, p.projected), (0, 0));
}
