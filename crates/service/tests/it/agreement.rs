//! Agreements, their versions, what the provider reports under them and the year's follow-up:
//! an internal agreement after seed 003 (Hämeenlinna 2013) with two of its products.

use domain::agreement::{
    Agreement, AgreementKind, Indicator, Measure, Order, ProcessingTarget, Product, Signature,
    Unit, YearPrice,
};
use domain::audit::{AuditAction, Outcome, RecordKind};
use domain::calendar::DayCount;
use domain::locale::Lang;
use domain::money::Money;
use service::agreement::VolumeEntry;
use service::ServiceError;
use testkit::{user_form, World};

fn d(y: i32, m: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Service guidance (392.86 € a client) and income-support processing (57.10 € an
/// application), with the seed's target for non-urgent applications: six working days.
pub(crate) fn terms(provider: uuid::Uuid) -> Agreement {
    Agreement {
        title: "Sosiaalisen tuen palvelut 2013".into(),
        kind: AgreementKind::Internal,
        provider,
        procurement: None,
        purchaser_contact: "Tilaajapäällikkö".into(),
        provider_contact: "Palvelutuotantojohtaja".into(),
        valid_from: d(2013, 1, 1),
        valid_to: Some(d(2013, 12, 31)),
        inspection_right: true,
        products: vec![
            Product {
                code: "palveluohjaus".into(),
                name_fi: "Palveluohjaus".into(),
                name_sv: "Servicehandledning".into(),
                name_en: String::new(),
                unit: Unit::Client,
                prices: vec![YearPrice {
                    year: 2013,
                    price: Money::from_cents(39286),
                }],
                indicators: vec![Indicator {
                    code: "kaynnit".into(),
                    name: "Vastaanottokäynnit".into(),
                    measure: Measure::Count,
                    definition: "Vastaanottokäyntien määrä".into(),
                }],
                target: None,
            },
            Product {
                code: "toimeentulotuki".into(),
                name_fi: "Toimeentulotuen käsittely".into(),
                name_sv: "Handläggning av utkomststöd".into(),
                name_en: "Income-support processing".into(),
                unit: Unit::Application,
                prices: vec![YearPrice {
                    year: 2013,
                    price: Money::from_cents(5710),
                }],
                indicators: vec![Indicator {
                    code: "myonnetty".into(),
                    name: "Myönnetty toimeentulotuki".into(),
                    measure: Measure::Amount,
                    definition: "Myönnetty tuki euroina".into(),
                }],
                target: Some(ProcessingTarget {
                    days: 6,
                    count: DayCount::WorkingDays,
                }),
            },
        ],
        orders: vec![
            Order {
                year: 2013,
                product: "palveluohjaus".into(),
                volume: 1200,
            },
            Order {
                year: 2013,
                product: "toimeentulotuki".into(),
                volume: 9000,
            },
        ],
        version: 0,
        change_reason: String::new(),
        proposed: Signature {
            name: String::new(),
            at: testkit::start_time(),
        },
        agreed: None,
    }
}

fn entry(product: &str, count: &str, indicators: &[(&str, &str)]) -> VolumeEntry {
    VolumeEntry {
        product: product.into(),
        count: count.into(),
        indicators: indicators
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn invalid(r: Result<impl std::fmt::Debug, ServiceError>) -> Vec<(String, String)> {
    match r {
        Err(ServiceError::Invalid(e)) => e.0.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected a refusal of the input, got {other:?}"),
    }
}

#[tokio::test]
async fn an_agreement_is_made_agreed_reported_on_and_followed_up() {
    let w = World::new().await;
    let svc = &w.service;
    for (org, name, role) in [
        (w.county, "county.buyer", "procurement_specialist"),
        (w.county, "county.controller", "controller"),
        (w.provider, "p.manager", "service_manager"),
    ] {
        svc.setup()
            .bootstrap_user(org, &user_form(name, role))
            .await
            .unwrap();
    }
    let buyer = w.actor("county.buyer").await;
    let controller = w.actor("county.controller").await;
    let signer = w.actor("provider.admin").await;
    let manager = w.actor("p.manager").await;
    let social = w.actor("county.worker").await;
    let other_county = w.actor("city.admin").await;

    // Bad input: an order of a product the agreement lacks, a purchaser as the provider.
    let mut bad = terms(w.county);
    bad.orders.push(Order {
        year: 2013,
        product: "kriisityo".into(),
        volume: 10,
    });
    let errs = invalid(svc.create_agreement(&buyer, &bad).await);
    assert!(errs.contains(&("orders[2].product".into(), "order-unknown-product".into())));
    assert!(errs.contains(&("provider".into(), "provider-unknown".into())));
    assert!(
        svc.agreements(&buyer).await.unwrap().is_empty(),
        "nothing half-saved"
    );

    // The social worker does not make agreements.
    assert!(matches!(
        svc.create_agreement(&social, &terms(w.provider)).await,
        Err(ServiceError::Denied(_))
    ));
    let id = svc
        .create_agreement(&buyer, &terms(w.provider))
        .await
        .unwrap();
    let list = svc.agreements(&signer).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].id, list[0].in_force), (id, None));
    assert_eq!(list[0].newest.version, 1);
    assert_eq!(
        list[0].newest.contract_value(2013),
        // 1200 × 392.86 + 9000 × 57.10
        Some(Money::from_cents(47_143_200 + 51_390_000))
    );
    assert!(svc.agreements(&other_county).await.unwrap().is_empty());
    assert!(matches!(
        svc.agreement(&other_county, id).await,
        Err(ServiceError::Denied(_))
    ));

    // Nothing is reported before the provider agrees; the manager may not agree.
    let q1 = [
        entry("palveluohjaus", "280", &[("kaynnit", "1 105")]),
        entry("toimeentulotuki", "2210", &[("myonnetty", "812 345,50")]),
    ];
    let errs = invalid(
        svc.report_volumes(&manager, id, "2013-Q1", &q1, Lang::Fi)
            .await,
    );
    assert_eq!(errs, vec![("period".into(), "agreement-not-agreed".into())]);
    assert!(matches!(
        svc.agree_to_agreement(&manager, id, 1).await,
        Err(ServiceError::Denied(_))
    ));
    svc.agree_to_agreement(&signer, id, 1).await.unwrap();

    // Q1 on the form, with a bad line first: nothing of it is kept.
    let errs = invalid(
        svc.report_volumes(
            &manager,
            id,
            "2013-Q1",
            &[
                entry("palveluohjaus", "280", &[]),
                entry("toimeentulotuki", "-4", &[("myonnetty", "x")]),
            ],
            Lang::Fi,
        )
        .await,
    );
    assert!(errs.contains(&("toimeentulotuki.count".into(), "number-negative".into())));
    assert!(errs.contains(&("toimeentulotuki.myonnetty".into(), "money-format".into())));
    assert!(svc.agreement(&buyer, id).await.unwrap().reports.is_empty());
    let errs = invalid(
        svc.report_volumes(&manager, id, "2013-Q5", &q1, Lang::Fi)
            .await,
    );
    assert_eq!(errs, vec![("period".into(), "period-format".into()); 2]);
    assert_eq!(
        svc.report_volumes(&manager, id, "2013-Q1", &q1, Lang::Fi)
            .await
            .unwrap(),
        2
    );
    // Q2 and Q3 in a file, then the cases: two around Midsummer 2013.
    let csv = "product;period;count;kaynnit;myonnetty\n\
               palveluohjaus;2013-Q2;300;1200;\n\
               toimeentulotuki;2013-Q2;2300;;850 000,00\n\
               palveluohjaus;2013-Q3;320;1310;\n\
               toimeentulotuki;2013-Q3;2250;;801 000,00\n";
    assert_eq!(
        svc.report_file(&signer, id, &sheet::csv::read(csv), Lang::Fi)
            .await
            .unwrap(),
        4
    );
    let bad_csv = "product;period;count\npalveluohjaus;2013-Q3;kolme\n";
    let errs = invalid(
        svc.report_file(&signer, id, &sheet::csv::read(bad_csv), Lang::Fi)
            .await,
    );
    assert_eq!(errs, vec![("2:count".into(), "number-format".into())]);
    // Midsummer Eve (Fri 21.6.2013) is a day off: from Wed 19.6, six working days end on
    // Fri 28.6 (MS-1, within, though nine calendar days); Mon 1.7 is the seventh (MS-2).
    // Christmas: from Fri 20.12.2013, 23.12, 27.12, 30.12, 31.12, 2.1 and 3.1.2014 are the six
    // working days (XM-1 within, fourteen calendar days); Mon 6.1.2014 is Epiphany, so Tue
    // 7.1 is the seventh (XM-2).
    let cases = "product;reference;received;decided\n\
                 toimeentulotuki;MS-1;2013-06-19;2013-06-28\n\
                 toimeentulotuki;MS-2;2013-06-19;2013-07-01\n\
                 toimeentulotuki;XM-1;2013-12-20;2014-01-03\n\
                 toimeentulotuki;XM-2;2013-12-20;2014-01-07\n";
    assert_eq!(
        svc.report_file(&manager, id, &sheet::csv::read(cases), Lang::Fi)
            .await
            .unwrap(),
        2,
        "one new version for Q2 and one for Q4"
    );
    // A corrected Q3 count: a new version, the first kept.
    svc.report_volumes(
        &manager,
        id,
        "2013-Q3",
        &[entry("palveluohjaus", "321", &[])],
        Lang::Fi,
    )
    .await
    .unwrap();
    let view = svc.agreement(&controller, id).await.unwrap();
    let q3 = view
        .reports
        .iter()
        .find(|r| r.product == "palveluohjaus" && r.period.code() == "2013-Q3")
        .unwrap();
    assert_eq!((q3.count, q3.version), (321, 2));
    assert_eq!(
        q3.indicators.get("kaynnit"),
        None,
        "the correction replaced the report"
    );
    // Q2's income support kept its count when the cases came.
    let q2 = view
        .reports
        .iter()
        .find(|r| r.product == "toimeentulotuki" && r.period.code() == "2013-Q2")
        .unwrap();
    assert_eq!((q2.count, q2.version, q2.cases.len()), (2300, 2, 2));

    // The Q3 meeting: ordered against realised and projected, and the processing times.
    let f = svc
        .agreement_follow_up(
            &controller,
            id,
            domain::agreement::Period::parse("2013-Q3").unwrap(),
        )
        .await
        .unwrap();
    let po = f
        .products
        .iter()
        .find(|p| p.product == "palveluohjaus")
        .unwrap();
    assert_eq!((po.ordered, po.realised), (1200, 280 + 300 + 321));
    // 901 × 12 / 9 = 1201.33 → 1201.
    assert_eq!(po.projected, 1201);
    assert_eq!(po.realised_value, Money::from_cents(901 * 39286));
    assert_eq!(po.indicators, vec![("kaynnit".to_string(), 1105 + 1200)]);
    let tt = f
        .products
        .iter()
        .find(|p| p.product == "toimeentulotuki")
        .unwrap();
    assert_eq!(tt.realised, 2210 + 2300 + 2250);
    assert_eq!(tt.indicators, vec![("myonnetty".to_string(), 246_334_550)]);
    let p = tt.processing.as_ref().unwrap();
    assert_eq!((p.cases, p.ended_within, p.share_within), (2, 1, Some(50)));
    assert_eq!(
        p.breaches
            .iter()
            .map(|b| (b.key.as_str(), b.days, b.due))
            .collect::<Vec<_>>(),
        vec![("MS-2", 7, d(2013, 6, 28))]
    );
    let q4 = svc
        .agreement_follow_up(
            &controller,
            id,
            domain::agreement::Period::parse("2013-Q4").unwrap(),
        )
        .await
        .unwrap();
    let p = q4
        .products
        .iter()
        .find(|p| p.product == "toimeentulotuki")
        .and_then(|p| p.processing.clone())
        .unwrap();
    assert_eq!((p.cases, p.ended_within), (4, 2));
    assert_eq!(
        p.breaches
            .iter()
            .map(|b| (b.key.as_str(), b.days, b.due))
            .collect::<Vec<_>>(),
        vec![("MS-2", 7, d(2013, 6, 28)), ("XM-2", 7, d(2014, 1, 3))]
    );

    // A versioned price: v2 raises service guidance to 400.00 €. Until the provider agrees,
    // the follow-up is at v1's price; then at v2's, and v1 stays as it was.
    let mut v2 = terms(w.provider);
    v2.products[0].prices[0].price = Money::from_cents(40000);
    let errs = invalid(svc.change_agreement(&buyer, id, &v2, " ").await);
    assert_eq!(errs, vec![("change_reason".into(), "required".into())]);
    assert!(matches!(
        svc.change_agreement(&manager, id, &v2, "hinta").await,
        Err(ServiceError::Denied(_))
    ));
    svc.change_agreement(&buyer, id, &v2, "Palveluohjauksen hinta tarkistettu")
        .await
        .unwrap();
    let upto = domain::agreement::Period::parse("2013-Q3").unwrap();
    let price_of = |f: &service::agreement::FollowUp| {
        f.products
            .iter()
            .find(|p| p.product == "palveluohjaus")
            .unwrap()
            .ordered_value
    };
    let before = svc
        .agreement_follow_up(&controller, id, upto)
        .await
        .unwrap();
    assert_eq!(price_of(&before), Money::from_cents(1200 * 39286));
    assert!(matches!(
        invalid(svc.agree_to_agreement(&signer, id, 1).await).as_slice(),
        [(f, c)] if f == "version" && c == "version-superseded"
    ));
    svc.agree_to_agreement(&signer, id, 2).await.unwrap();
    let after = svc
        .agreement_follow_up(&controller, id, upto)
        .await
        .unwrap();
    assert_eq!(after.agreement.version, 2);
    assert_eq!(price_of(&after), Money::from_cents(1200 * 40000));
    let view = svc.agreement(&buyer, id).await.unwrap();
    assert_eq!(view.versions.len(), 2);
    assert_eq!(
        view.versions[0].data.products[0].price(2013),
        Some(Money::from_cents(39286))
    );
    assert_eq!(
        view.versions[1].data.change_reason,
        "Palveluohjauksen hinta tarkistettu"
    );
    assert!(view.versions.iter().all(|v| v.data.agreed.is_some()));

    // Every step is in the log, refusals and refused input included.
    let log = crate::log(&w).await;
    let rows: Vec<_> = log
        .iter()
        .filter(|e| e.record_kind == RecordKind::Agreement.code())
        .collect();
    let count = |action: AuditAction, outcome: Outcome| {
        rows.iter()
            .filter(|e| e.action == action.code() && e.outcome == outcome.code())
            .count()
    };
    assert_eq!(count(AuditAction::Create, Outcome::Ok), 1 + 4);
    assert!(count(AuditAction::Create, Outcome::Failed) >= 4);
    assert!(count(AuditAction::Create, Outcome::Denied) >= 1);
    assert_eq!(count(AuditAction::Update, Outcome::Ok), 1 + 2);
    assert!(count(AuditAction::Update, Outcome::Denied) >= 2);
    assert!(count(AuditAction::Read, Outcome::Denied) >= 1);
}

#[tokio::test]
async fn the_quarters_meeting_records_minutes_on_its_agenda() {
    use domain::agreement::{MeetingItem, Period};
    let w = World::new().await;
    let svc = &w.service;
    svc.setup()
        .bootstrap_user(
            w.county,
            &user_form("county.buyer", "procurement_specialist"),
        )
        .await
        .unwrap();
    svc.setup()
        .bootstrap_user(w.county, &user_form("county.lead", "leading_social_worker"))
        .await
        .unwrap();
    let buyer = w.actor("county.buyer").await;
    let lead = w.actor("county.lead").await;
    let signer = w.actor("provider.admin").await;
    let id = svc
        .create_agreement(&buyer, &terms(w.provider))
        .await
        .unwrap();
    svc.agree_to_agreement(&signer, id, 1).await.unwrap();
    let q3 = Period::parse("2013-Q3").unwrap();
    let v = svc.follow_up_meeting(&lead, id, q3).await.unwrap();
    // An item per product, one for the product with a target, and other matters.
    assert_eq!(
        v.agenda,
        vec![
            "product:palveluohjaus",
            "product:toimeentulotuki",
            "processing:toimeentulotuki",
            "other"
        ]
    );
    assert!(v.meeting.is_none());
    assert!(
        !v.may_record,
        "the leading social worker reads; the buyer records"
    );
    let item = |key: &str, decision: &str| MeetingItem {
        key: key.into(),
        comment: "Käsitelty.".into(),
        decision: decision.into(),
    };
    // Nobody present and no date: refused, nothing kept.
    let errs = invalid(
        svc.record_meeting(&buyer, id, q3, "", " \n", &[item("other", "")])
            .await,
    );
    assert!(errs.contains(&("held_on".into(), "date-format".into())));
    assert!(errs.contains(&("members".into(), "required".into())));
    assert!(matches!(
        svc.record_meeting(&lead, id, q3, "2013-09-30", "x", &[])
            .await,
        Err(ServiceError::Denied(_))
    ));
    svc.record_meeting(
        &buyer,
        id,
        q3,
        "30.9.2013",
        "Tilaajajohtaja\nPalvelutuotantojohtaja",
        &[
            item(
                "processing:toimeentulotuki",
                "Käsittelyajat seurantaan joulukuussa.",
            ),
            item("not-on-the-agenda", "ohitetaan"),
        ],
    )
    .await
    .unwrap();
    let m = svc
        .follow_up_meeting(&signer, id, q3)
        .await
        .unwrap()
        .meeting
        .unwrap();
    assert_eq!(m.held_on, d(2013, 9, 30));
    assert_eq!(m.members.len(), 2);
    assert_eq!(m.items.len(), 4, "the agenda's items, nothing else");
    let p = m
        .items
        .iter()
        .find(|i| i.key == "processing:toimeentulotuki")
        .unwrap();
    assert_eq!(p.decision, "Käsittelyajat seurantaan joulukuussa.");
    // Recorded again: the quarter's minutes are replaced, not doubled.
    svc.record_meeting(&buyer, id, q3, "2013-09-30", "Tilaajajohtaja", &[])
        .await
        .unwrap();
    let m = svc
        .follow_up_meeting(&buyer, id, q3)
        .await
        .unwrap()
        .meeting
        .unwrap();
    assert_eq!(m.members, vec!["Tilaajajohtaja"]);
    // A month is not a quarter.
    let errs = invalid(
        svc.record_meeting(
            &buyer,
            id,
            Period::parse("2013-09").unwrap(),
            "2013-09-30",
            "x",
            &[],
        )
        .await,
    );
    assert_eq!(errs, vec![("period".into(), "period-format".into())]);
}

#[tokio::test]
async fn a_cooperation_agreement_is_paid_by_the_agreement_and_both_sides_see_it() {
    let w = World::new().await;
    let svc = &w.service;
    for (org, name, role) in [
        (w.county, "county.buyer", "procurement_specialist"),
        (w.county, "county.controller", "controller"),
    ] {
        svc.setup()
            .bootstrap_user(org, &user_form(name, role))
            .await
            .unwrap();
    }
    let buyer = w.actor("county.buyer").await;
    let controller = w.actor("county.controller").await;
    let signer = w.actor("provider.admin").await;
    let social = w.actor("county.worker").await;
    let mut a = terms(w.provider);
    a.kind = AgreementKind::Cooperation;
    a.valid_from = d(2026, 1, 1);
    a.valid_to = Some(d(2026, 12, 31));
    for p in &mut a.products {
        p.prices[0].year = 2026;
    }
    for o in &mut a.orders {
        o.year = 2026;
    }
    let value = a.contract_value(2026).unwrap();
    let id = svc.create_agreement(&buyer, &a).await.unwrap();
    svc.agree_to_agreement(&signer, id, 1).await.unwrap();
    let pay = |day: &str, amount: &str| domain::agreement::PaymentForm {
        paid_on: day.into(),
        amount: amount.into(),
        purpose: "Tukihenkilöpalkkiot".into(),
        reference: "VNT-1".into(),
    };
    // A day in the future (the clock is at 24.11.2026), a zero amount, a day before the
    // agreement: refused next to their fields.
    assert_eq!(
        invalid(
            svc.record_agreement_payment(&controller, id, &pay("2026-12-01", "0"), Lang::Fi)
                .await
        ),
        [
            ("paid_on".to_owned(), "date-in-future".to_owned()),
            ("amount".to_owned(), "amount-positive".to_owned())
        ]
    );
    assert_eq!(
        invalid(
            svc.record_agreement_payment(&controller, id, &pay("2025-12-31", "10"), Lang::Fi)
                .await
        ),
        [("paid_on".to_owned(), "outside-agreement".to_owned())]
    );
    svc.record_agreement_payment(&controller, id, &pay("2026-03-31", "5 550,00"), Lang::Fi)
        .await
        .unwrap();
    svc.record_agreement_payment(&controller, id, &pay("2026-06-30", "5 550,00"), Lang::Fi)
        .await
        .unwrap();
    // The provider's signatory sees the payments but records none; a social worker neither.
    let seen = svc.agreement_payments(&signer, id).await.unwrap();
    assert_eq!(seen.payments.len(), 2);
    assert!(!seen.may_pay);
    assert_eq!(
        seen.years,
        [(2026, Money::from_cents(1_110_000), Some(value))]
    );
    assert!(matches!(
        svc.record_agreement_payment(&signer, id, &pay("2026-06-30", "1"), Lang::Fi)
            .await,
        Err(ServiceError::Denied(_))
    ));
    assert!(matches!(
        svc.agreement_payments(&social, id).await,
        Err(ServiceError::Denied(_))
    ));
    assert!(
        svc.agreement_payments(&controller, id)
            .await
            .unwrap()
            .may_pay
    );
}
