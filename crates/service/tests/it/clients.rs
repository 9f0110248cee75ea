//! From a client and a service need, through the steering group's order of choice and the
//! decision, to an accepted payment commitment, its budget reservation, and access that follows
//! the commitment.

use crate::admission::{app_form, lot, person, procurement, provider, step};
use chrono::NaiveDate;
use domain::access::Denial;
use domain::client::ClientForm;
use domain::commitment::{valid_commitment_number, BudgetLine, CommitmentStatus};
use domain::ident::PersonalIdentityCode;
use domain::money::Money;
use domain::procurement::ProcurementKind;
use service::commitment::CommitmentForm;
use service::need::{NeedForm, RecommendForm};
use service::ServiceError;
use testkit::{org_form, user_form, World};

pub(crate) fn hetu(y: i32, m: u32, d: u32, n: u16) -> String {
    PersonalIdentityCode::new_made_up(NaiveDate::from_ymd_opt(y, m, d).unwrap(), n)
        .unwrap()
        .as_str()
        .to_owned()
}

pub(crate) fn person_form(code: &str, first: &str, last: &str) -> ClientForm {
    ClientForm {
        identity_code: code.into(),
        first_name: first.into(),
        last_name: last.into(),
        home_municipality: "Kotka".into(),
        language: "fi".into(),
        street_address: "Kuvitelmakatu 3".into(),
        postal_code: "48100".into(),
        city: "Kotka".into(),
        phone: "040 000 0000".into(),
        turvakielto: String::new(),
        service_task: "Lastensuojelun avohuolto".into(),
        legal_basis: "LSL 36 §".into(),
    }
}

#[tokio::test]
async fn a_need_becomes_an_accepted_commitment_and_access_follows_it() {
    let w = World::new().await;
    let s = &w.service;
    for (u, r) in [
        ("county.buyer", "procurement_specialist"),
        ("county.lead", "leading_social_worker"),
        ("county.controller", "controller"),
    ] {
        s.setup()
            .bootstrap_user(w.county, &user_form(u, r))
            .await
            .unwrap();
    }
    let (buyer, worker, lead, controller) = (
        w.actor("county.buyer").await,
        w.actor("county.worker").await,
        w.actor("county.lead").await,
        w.actor("county.controller").await,
    );
    // A framework lot with two admitted providers: A first in the order, B second.
    let mut l = lot(1, "Tehostettu perhetyö", true);
    l.price_weight = 100;
    let pid = s
        .setup()
        .bootstrap_procurement(
            w.county,
            &procurement(ProcurementKind::FrameworkAgreement),
            &[l],
        )
        .await
        .unwrap();
    let lot_id = s.procurement(&buyer, pid).await.unwrap().lots[0].id;
    let second = s
        .setup()
        .bootstrap_organisation(&org_form("ngo", "Toinen yhdistys ry", "0201256-6"))
        .await
        .unwrap();
    let team = [
        person("Kaisa Esimerkki", "responsible_person", "5"),
        person("Mikko Malli", "worker", "3"),
    ];
    let mut providers = Vec::new();
    for (org, user, price) in [
        (w.provider, "a.signer", "60,00"),
        (second, "b.signer", "70,00"),
    ] {
        let (p, unit, staff) = provider(&w, org, user, &team).await;
        let app = s.start_application(&p, lot_id).await.unwrap();
        s.save_application(
            &p,
            app,
            &app_form(unit, &staff, price),
            domain::locale::Lang::Fi,
        )
        .await
        .unwrap();
        s.application_step(&p, app, &step("submit", ""))
            .await
            .unwrap();
        let mut a = step("admit", "");
        a.quality_points = "50".into();
        s.application_step(&buyer, app, &a).await.unwrap();
        s.setup()
            .bootstrap_user(org, &user_form(&format!("{user}.worker"), "worker"))
            .await
            .unwrap();
        let worker = w.actor(&format!("{user}.worker")).await;
        providers.push((p, worker, app, unit));
    }
    let (a_signer, a_worker, a_app, _) = &providers[0];
    let (b_signer, b_worker, b_app, b_unit) = &providers[1];

    // The social worker registers a child with two guardians; the family is a unit.
    let child_code = hetu(2014, 5, 3, 915);
    let mut child = person_form(&child_code, "Veeti", "Kuvitelma");
    child.turvakielto = "yes".into();
    let guardians = [
        person_form(&hetu(1985, 2, 11, 926), "Saara", "Kuvitelma"),
        person_form(&hetu(1983, 9, 30, 937), "Tero", "Kuvitelma"),
    ];
    let client = s
        .register_client(&worker, &child, &guardians)
        .await
        .unwrap();
    // Duplicates and a guardian who is the client are refused, naming the field.
    let e = s.register_client(&worker, &child, &[]).await.unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("identity_code") == Some("identity-code-taken"))
    );
    let mut other = person_form(&hetu(2016, 1, 1, 944), "Aino", "Kuvitelma");
    other.identity_code = hetu(2016, 1, 1, 944);
    let e = s
        .register_client(
            &worker,
            &other,
            &[person_form(&other.identity_code, "Aino", "Kuvitelma")],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("guardian1_identity_code") == Some("guardian-is-client"))
    );
    assert_eq!(
        s.find_client(&worker, &child_code).await.unwrap(),
        Some(client)
    );
    let view = s.client(&worker, client).await.unwrap();
    assert_eq!(view.guardians.len(), 2);
    assert!(view.client.family.is_some());

    // The need goes to the next Tuesday's agenda (the world's clock is Tuesday 24.11.2026).
    let need = s
        .create_need(
            &worker,
            client,
            &NeedForm {
                lot: lot_id.to_string(),
                justification: "Perheen tilanne vaatii tehostettua tukea.".into(),
                urgent: String::new(),
                requested_start: "2026-12-01".into(),
                hours_per_week: "4".into(),
            },
        )
        .await
        .unwrap();
    let tuesday = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let agenda = s.agenda(&worker, tuesday).await.unwrap();
    assert_eq!(agenda.len(), 1);
    let order: Vec<_> = agenda[0].2.iter().map(|o| o.application).collect();
    assert_eq!(order, [*a_app, *b_app]);

    // Choosing the second provider needs a reason for skipping the first.
    let mut rec = RecommendForm {
        kind: "ordered_provider".into(),
        application: b_app.to_string(),
        skips: vec![],
        note: String::new(),
    };
    let e = s.recommend(&worker, need, &rec).await.unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("skip_1") == Some("skip-reason-required"))
    );
    rec.skips = vec![(a_app.to_string(), "Ei vapaata kapasiteettia.".into())];
    s.recommend(&worker, need, &rec).await.unwrap();

    // Only a leading social worker decides.
    assert!(matches!(
        s.decide_need(&worker, need, true, "Myönnetään").await,
        Err(ServiceError::Denied(Denial::MissingRole))
    ));
    s.decide_need(&lead, need, true, "Myönnetään tehostettu perhetyö.")
        .await
        .unwrap();

    // The commitment, within the procurement's period and at the contract price.
    let line = s
        .add_budget_line(
            &controller,
            &BudgetLine {
                cost_centre: "4100".into(),
                service: "Perhetyö".into(),
                year: 2026,
                amount: Money::from_cents(10_000_000),
            },
        )
        .await
        .unwrap();
    let mut cf = CommitmentForm {
        starts_on: "2026-12-01".into(),
        ends_on: "2035-12-31".into(),
        cost_centre: "4100".into(),
        budget_line: line.to_string(),
    };
    let e = s.send_commitment(&worker, need, &cf).await.unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("ends_on") == Some("commitment-outside-period"))
    );
    cf.ends_on = "2027-02-28".into();
    // Another purchaser's budget line is refused, and the refusal is logged.
    let city_admin = w.actor("city.admin").await;
    let foreign = s
        .add_budget_line(
            &city_admin,
            &BudgetLine {
                cost_centre: "9900".into(),
                service: "Vantaan perhetyö".into(),
                year: 2026,
                amount: Money::from_cents(1_000_000),
            },
        )
        .await
        .unwrap();
    let e = s
        .send_commitment(
            &worker,
            need,
            &CommitmentForm {
                budget_line: foreign.to_string(),
                ..cf.clone()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Denied(_)), "{e:?}");
    let log = testkit::audit_log(&w.test_db.db).await;
    assert!(log
        .iter()
        .any(|e| e.outcome == "denied" && e.record_id == Some(foreign)));
    // Before sending, its effect on the line: December's 31 days of 4 hours a week at 70,00 €
    // (1 240,00 €) in the year's forecast, its 13 weeks (3 640,00 €) reserved. Nothing is sent.
    let count = s.commitments(&worker).await.unwrap().len();
    let effect = s
        .commitment_effect(&worker, need, &cf)
        .await
        .unwrap()
        .unwrap();
    let read = crate::log(&w).await.pop().unwrap();
    assert_eq!(
        (read.action.as_str(), read.subject_id),
        ("read", Some(client))
    );
    assert_eq!(effect.before.id, line);
    assert_eq!(
        effect.after.forecast.expected.cents() - effect.before.forecast.expected.cents(),
        124_000
    );
    assert_eq!(
        effect.after.reserved.cents() - effect.before.reserved.cents(),
        13 * 4 * 7000
    );
    assert_eq!(effect.after.forecast.runs_out, None);
    assert_eq!(s.commitments(&worker).await.unwrap().len(), count);
    // No budget line named: no effect to show.
    let none = CommitmentForm {
        budget_line: String::new(),
        ..cf.clone()
    };
    assert!(s
        .commitment_effect(&worker, need, &none)
        .await
        .unwrap()
        .is_none());
    // The unit's Soteri registration lapsed (a day ahead): nothing can be sent to it.
    let mut unit_form =
        domain::org::ServiceUnitForm::from(&s.service_unit(b_signer, *b_unit).await.unwrap().0);
    let registered = unit_form.soteri_registered.clone();
    unit_form.soteri_registered = "2026-11-25".into();
    s.update_service_unit(b_signer, *b_unit, &unit_form)
        .await
        .unwrap();
    let e = s.send_commitment(&worker, need, &cf).await.unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("application") == Some("unit-not-in-soteri")),
        "{e:?}"
    );
    unit_form.soteri_registered = registered;
    s.update_service_unit(b_signer, *b_unit, &unit_form)
        .await
        .unwrap();
    let cid = s.send_commitment(&worker, need, &cf).await.unwrap();
    let sent = s.commitments(&worker).await.unwrap();
    let c = &sent.iter().find(|c| c.id == cid).unwrap().data;
    assert!(valid_commitment_number(&c.number), "{}", c.number);
    assert_eq!(c.unit_price, Money::from_cents(7000));
    // 1.12.2026–28.2.2027 is 90 days: 13 weeks of 4 hours at 70,00 €.
    assert_eq!(c.max_total, Money::from_cents(13 * 4 * 7000));

    // A commitment only sent has no delivery: every page of it is refused and logged, for the
    // provider it was sent to as for the purchaser, and looks to another provider like any
    // commitment of others.
    let month = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let before = crate::log(&w).await.len();
    for (who, want) in [
        (b_worker, Denial::NotInForce),
        (&worker, Denial::NotInForce),
        (a_worker, Denial::OtherOrganisation),
    ] {
        let e = s.delivery(who, &c.number, month).await.unwrap_err();
        assert!(
            matches!(&e, ServiceError::Denied(d) if *d == want),
            "{}: {e:?}",
            who.username
        );
    }
    let e = s
        .delivery(b_worker, "MS-2026-9999990", month)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Denied(Denial::OtherOrganisation)));
    let log = crate::log(&w).await;
    assert_eq!(
        log[before..]
            .iter()
            .filter(|e| e.outcome == "denied")
            .count(),
        4
    );
    // Before acceptance the provider sees nothing; the other provider cannot answer for it.
    assert!(matches!(
        s.client_minimal(b_worker, client).await,
        Err(ServiceError::Denied(Denial::OtherOrganisation))
    ));
    assert!(matches!(
        s.answer_commitment(a_signer, cid, true, "").await,
        Err(ServiceError::Denied(Denial::OtherOrganisation))
    ));
    s.answer_commitment(b_signer, cid, true, "").await.unwrap();
    assert!(s
        .commitments(b_signer)
        .await
        .unwrap()
        .iter()
        .any(|c| c.id == cid && c.data.status == CommitmentStatus::Accepted));
    assert!(s.commitments(a_signer).await.unwrap().is_empty());

    let reserved_then = s.budget(&controller).await.unwrap()[0].reserved;
    // Access follows the commitment's follow period: once accepted, from 30 days before the
    // start on 1.12.2026, so that B can arrange the start meeting …
    let early = s.client_minimal(b_worker, client).await.unwrap();
    assert_eq!(early.name, "Veeti Kuvitelma");
    w.clock.advance(chrono::Duration::days(8));
    // … then B's worker sees the minimal data, without the address (turvakielto); A's worker
    // sees nothing.
    let m = s.client_minimal(b_worker, client).await.unwrap();
    assert_eq!(m.name, "Veeti Kuvitelma");
    assert_eq!(m.age, 12);
    assert_eq!(m.address, None);
    assert_eq!(m.guardians.len(), 2);
    assert!(matches!(
        s.client_minimal(a_worker, client).await,
        Err(ServiceError::Denied(Denial::OtherOrganisation))
    ));
    // A provider never gets the purchaser's full view.
    assert!(s.client(b_worker, client).await.is_err());
    // A change is a new version with the same number; the old one holds until it is accepted.
    use service::commitment::ChangeForm;
    let change = ChangeForm {
        kind: "change".into(),
        ends_on: "2027-03-31".into(),
        hours_per_week: "3".into(),
        reason: String::new(),
    };
    let e = s
        .change_commitment(&worker, cid, &change)
        .await
        .unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("reason") == Some("reasons-required")));
    let v2 = s
        .change_commitment(
            &worker,
            cid,
            &ChangeForm {
                reason: "Jatketaan maaliskuun loppuun.".into(),
                ..change
            },
        )
        .await
        .unwrap();
    assert!(
        s.client_minimal(b_worker, client).await.is_ok(),
        "version 1 still in force"
    );
    s.answer_commitment(b_signer, v2, true, "").await.unwrap();
    let versions = s.commitments(&worker).await.unwrap();
    let v1 = versions.iter().find(|c| c.id == cid).unwrap();
    let v2d = versions.iter().find(|c| c.id == v2).unwrap();
    assert_eq!(v1.data.status, CommitmentStatus::Superseded);
    assert_eq!(
        (v2d.data.version, v2d.data.status),
        (2, CommitmentStatus::Accepted)
    );
    assert_eq!(v2d.data.number, v1.data.number);
    // A termination ends the period the day before; the provider still finishes the last
    // month's report, until 30 days after its deadline, and then sees the client no more.
    s.change_commitment(
        &worker,
        v2,
        &ChangeForm {
            kind: "terminate".into(),
            reason: "Perhe muutti pois alueelta.".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // The client page and the delivery pages answer alike: one rule decides both.
    assert!(s.client_minimal(b_worker, client).await.is_ok());
    let number = v1.data.number.clone();
    assert!(s.delivery(b_worker, &number, month).await.is_ok());
    // Terminated on 2.12.2026, so the period ended 1.12.: December's report is due 5.1.2027,
    // and the finishing time ends 30 days later, on 4.2.2027.
    w.clock.advance(chrono::Duration::days(64));
    assert!(s.client_minimal(b_worker, client).await.is_ok());
    w.clock.advance(chrono::Duration::days(1));
    assert!(matches!(
        s.client_minimal(b_worker, client).await,
        Err(ServiceError::Denied(Denial::OutsidePeriod))
    ));
    assert!(matches!(
        s.delivery(b_worker, &number, month).await,
        Err(ServiceError::Denied(Denial::OutsidePeriod))
    ));
    // The purchaser's social worker still follows it.
    assert!(s.delivery(&worker, &number, month).await.is_ok());
    w.clock.advance(chrono::Duration::days(-65));

    // The budget line showed the reservation while the commitment was in force, and releases
    // it when the commitment is terminated.
    assert_eq!(reserved_then, Money::from_cents(13 * 4 * 7000));
    let b = s.budget(&controller).await.unwrap();
    assert_eq!(b[0].reserved, Money::ZERO);
    assert_eq!(b[0].free, Money::from_cents(10_000_000));

    // The log holds the reads and the refusals about this client, and never the identity code.
    let log = crate::log(&w).await;
    let about: Vec<_> = log
        .iter()
        .filter(|e| e.subject_id == Some(client))
        .collect();
    assert!(about
        .iter()
        .any(|e| e.action == "read" && e.actor_name == "b.signer.worker" && e.outcome == "ok"));
    assert!(about
        .iter()
        .any(|e| e.actor_name == "a.signer.worker" && e.outcome == "denied"));
    assert!(about.iter().any(|e| e.action == "search"));
    for e in &log {
        let all = format!("{e:?}");
        assert!(
            !all.contains(&child_code),
            "identity code in the log: {all}"
        );
    }
}

#[tokio::test]
async fn the_steering_group_meets_on_its_own_day_and_only_a_leading_social_worker_sets_it() {
    use service::steering_group::{next_meeting, SteeringGroup};
    let w = World::new().await;
    w.service
        .setup()
        .bootstrap_user(w.county, &user_form("county.lead", "leading_social_worker"))
        .await
        .unwrap();
    let (worker, lead) = (w.actor("county.worker").await, w.actor("county.lead").await);
    // Tuesday by default (Vantaa's practice in seed 004).
    let g = w.service.steering_group(&worker).await.unwrap();
    assert_eq!(g.weekday, 2);
    let thursday = SteeringGroup {
        name: "Lasten ja perheiden asiakasohjausryhmä".into(),
        weekday: 4,
        time: "13:30".into(),
        chair: "Aino Laaksonen".into(),
        members: vec!["Elias Virtanen".into(), " ".into()],
    };
    assert!(matches!(
        w.service.save_steering_group(&worker, &thursday).await,
        Err(ServiceError::Denied(Denial::MissingRole))
    ));
    let bad = SteeringGroup {
        time: "puoli kaksi".into(),
        ..thursday.clone()
    };
    let e = w
        .service
        .save_steering_group(&lead, &bad)
        .await
        .unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("time") == Some("time-format")));
    w.service
        .save_steering_group(&lead, &thursday)
        .await
        .unwrap();
    let g = w.service.steering_group(&worker).await.unwrap();
    assert_eq!((g.weekday, g.members.len()), (4, 1));
    // From Tuesday 24.11.2026 the next Thursday meeting is 26.11.
    assert_eq!(
        next_meeting(&g, NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()),
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    );
}

#[tokio::test]
async fn a_competition_goes_to_every_admitted_provider_without_personal_data() {
    let w = World::new().await;
    let s = &w.service;
    for (u, r) in [
        ("county.buyer", "procurement_specialist"),
        ("county.lead", "leading_social_worker"),
    ] {
        s.setup()
            .bootstrap_user(w.county, &user_form(u, r))
            .await
            .unwrap();
    }
    let (buyer, worker, lead) = (
        w.actor("county.buyer").await,
        w.actor("county.worker").await,
        w.actor("county.lead").await,
    );
    let pid = s
        .setup()
        .bootstrap_procurement(
            w.county,
            &procurement(ProcurementKind::DynamicPurchasingSystem),
            &[lot(1, "Perhetyö", true)],
        )
        .await
        .unwrap();
    let lot_id = s.procurement(&buyer, pid).await.unwrap().lots[0].id;
    let second = s
        .setup()
        .bootstrap_organisation(&org_form("ngo", "Toinen yhdistys ry", "0201256-6"))
        .await
        .unwrap();
    let team = [
        person("Kaisa Esimerkki", "responsible_person", "5"),
        person("Mikko Malli", "worker", "3"),
    ];
    let mut signers = Vec::new();
    for (org, user) in [(w.provider, "a.signer"), (second, "b.signer")] {
        let (p, unit, staff) = provider(&w, org, user, &team).await;
        let app = s.start_application(&p, lot_id).await.unwrap();
        s.save_application(
            &p,
            app,
            &app_form(unit, &staff, "70,00"),
            domain::locale::Lang::Fi,
        )
        .await
        .unwrap();
        s.application_step(&p, app, &step("submit", ""))
            .await
            .unwrap();
        s.application_step(&buyer, app, &step("admit", ""))
            .await
            .unwrap();
        signers.push((p, app));
    }
    let client = s
        .register_client(
            &worker,
            &person_form(&hetu(2013, 6, 6, 971), "Ronja", "Kuvitelma"),
            &[],
        )
        .await
        .unwrap();
    let need = s
        .create_need(
            &worker,
            client,
            &NeedForm {
                lot: lot_id.to_string(),
                justification: "Tarvitaan perhetyötä.".into(),
                urgent: String::new(),
                requested_start: "2026-12-01".into(),
                hours_per_week: "3".into(),
            },
        )
        .await
        .unwrap();
    s.recommend(
        &worker,
        need,
        &RecommendForm {
            kind: "competition".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // Both admitted providers see the need, without the client's name or identity code.
    for (p, _) in &signers {
        let list = s.competitions(p).await.unwrap();
        assert_eq!(list.len(), 1);
        let json = serde_json::to_string(&list[0]).unwrap();
        assert!(
            !json.contains("Ronja") && !json.contains("Kuvitelma"),
            "{json}"
        );
        assert_eq!(
            (list[0].age_group.as_str(), list[0].municipality.as_str()),
            ("13–17", "Kotka")
        );
    }
    s.offer(
        &signers[1].0,
        need,
        "2026-12-07",
        "Voimme aloittaa viikolla 50.",
    )
    .await
    .unwrap();
    // Only an offer can win.
    assert!(s.choose_winner(&worker, need, signers[0].1).await.is_err());
    s.choose_winner(&worker, need, signers[1].1).await.unwrap();
    s.decide_need(&lead, need, true, "Myönnetään.")
        .await
        .unwrap();
    let cid = s
        .send_commitment(
            &worker,
            need,
            &CommitmentForm {
                starts_on: "2026-12-07".into(),
                ends_on: "2027-02-28".into(),
                cost_centre: "4100".into(),
                budget_line: String::new(),
            },
        )
        .await
        .unwrap();
    let c = s.commitments(&worker).await.unwrap();
    assert_eq!(
        c.iter().find(|x| x.id == cid).unwrap().data.application,
        signers[1].1,
        "the winner gets the commitment"
    );
    assert!(
        s.competitions(&signers[0].0).await.unwrap().is_empty(),
        "decided: no longer open"
    );
}
