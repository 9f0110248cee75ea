//! Costs shared between municipalities after seed 002 (Länsi-Pohja): Tornio hosts, six
//! municipalities share by the seed's percentages (99.9 % in all), Tornio recharges the other
//! five quarterly, and each sees only its own invoice.

use domain::access::Denial;
use domain::agreement::Period;
use domain::audit::{AuditAction, Outcome, RecordKind};
use domain::cost_sharing::{BasisForm, CostForm, SharingForm};
use domain::ident::BusinessId;
use domain::locale::Lang;
use domain::org::Actor;
use service::ServiceError;
use testkit::{org_form, user_form, World};
use uuid::Uuid;

const NAMES: [&str; 6] = [
    "Kemin kaupunki",
    "Keminmaan kunta",
    "Simon kunta",
    "Tervolan kunta",
    "Tornion kaupunki",
    "Ylitornion kunta",
];
const PERCENT: [&str; 6] = ["34,6", "13,2", "5,6", "5,6", "33", "7,9"];
const TORNIO: usize = 4;

struct Region {
    w: World,
    orgs: Vec<Uuid>,
    tornio: Actor,
    kemi: Actor,
    keminmaa: Actor,
    id: Uuid,
}

fn q(s: &str) -> Period {
    Period::parse(s).unwrap()
}

fn cost(kind: &str, date: &str, amount: &str) -> CostForm {
    CostForm {
        kind: kind.into(),
        description: format!("{kind} {date}"),
        counterparty: if kind == "provider_invoice" {
            "Pelastakaa Lapset ry".into()
        } else {
            String::new()
        },
        document: if kind == "provider_invoice" {
            "PL-1".into()
        } else {
            String::new()
        },
        date: date.into(),
        amount: amount.into(),
    }
}

fn percent_basis(from: &str, figures: &[&str]) -> BasisForm {
    BasisForm {
        from: from.into(),
        to: String::new(),
        kind: "percent".into(),
        figures: figures.iter().map(|s| (*s).to_owned()).collect(),
        population_date: String::new(),
        reason: "Uusi peruste".into(),
    }
}

fn sharing_form(parties: &[Uuid]) -> SharingForm {
    SharingForm {
        title: "Länsi-Pohjan erityissosiaalityö".into(),
        description: String::new(),
        parties: parties.iter().map(Uuid::to_string).collect(),
        valid_from: "2026-01-01".into(),
        valid_to: "2027-12-31".into(),
        remainder: "normalise".into(),
        expected: vec![
            ("provider_invoice".into(), String::new()),
            ("salary".into(), String::new()),
        ],
        account: "FI49 5000 9420 0287 30".into(),
        bic: "OKOYFIHH".into(),
        payment_days: "21".into(),
    }
}

/// The six municipalities, a controller in Tornio, Kemi and Keminmaa, and Tornio's agreement
/// with the seed's percentages from the start of 2026.
async fn region() -> Region {
    let w = World::new().await;
    let mut orgs = Vec::new();
    for (i, n) in NAMES.iter().enumerate() {
        let bid = (0..11)
            .find_map(|k| BusinessId::from_digits(9_800_000 + i as u32 * 11 + k))
            .unwrap();
        orgs.push(
            w.service
                .setup()
                .bootstrap_organisation(&org_form("municipality", n, bid.as_str()))
                .await
                .unwrap(),
        );
    }
    for (org, name) in [
        (orgs[TORNIO], "tornio.controller"),
        (orgs[0], "kemi.controller"),
        (orgs[1], "keminmaa.controller"),
    ] {
        w.service
            .setup()
            .bootstrap_user(org, &user_form(name, "controller"))
            .await
            .unwrap();
    }
    let tornio = w.actor("tornio.controller").await;
    let kemi = w.actor("kemi.controller").await;
    let keminmaa = w.actor("keminmaa.controller").await;
    let id = w
        .service
        .create_cost_sharing(&tornio, &sharing_form(&orgs))
        .await
        .unwrap();
    w.service
        .add_sharing_basis(&tornio, id, &percent_basis("2026-01-01", &PERCENT))
        .await
        .unwrap();
    Region {
        w,
        orgs,
        tornio,
        kemi,
        keminmaa,
        id,
    }
}

async fn enter_q3(r: &Region) {
    for c in [
        cost("provider_invoice", "2026-09-30", "16 450,00"),
        cost("salary", "2026-09-30", "17 380,00"),
        cost("overhead", "2026-08-15", "2 140,55"),
        cost("funding", "2026-09-01", "3 000,00"),
    ] {
        r.w.service
            .add_shared_cost(&r.tornio, r.id, q("2026-Q3"), &c, Lang::Fi)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_quarter_is_recharged_to_the_cent_and_each_party_sees_only_its_own() {
    let r = region().await;
    enter_q3(&r).await;
    let v =
        r.w.service
            .shared_quarter(&r.tornio, r.id, q("2026-Q3"))
            .await
            .unwrap();
    let c = v.computation.clone().unwrap();
    // 16 450 + 17 380 + 2 140,55 − 3 000 = 32 970,55 €, normalised over 99.9 %.
    assert_eq!(c.cost - c.funding, 3_297_055);
    assert_eq!(c.shares.iter().sum::<i64>(), 3_297_055);
    assert_eq!(
        c.shares,
        [1_141_923, 435_647, 184_820, 184_820, 1_089_117, 260_728]
    );
    let ids =
        r.w.service
            .issue_recharges(&r.tornio, r.id, q("2026-Q3"))
            .await
            .unwrap();
    assert_eq!(ids.len(), 5);
    let mut invoiced = 0;
    let mut recipients = Vec::new();
    for id in &ids {
        let d = r.w.service.recharge(&r.tornio, *id).await.unwrap();
        assert!(!d.data.credit);
        invoiced += d.data.amount;
        recipients.push(d.data.recipient.org);
        assert_eq!(d.data.computation, c);
        assert!(domain::ident::ReferenceNumber::parse(&d.data.reference).is_ok());
    }
    assert!(!recipients.contains(&r.orgs[TORNIO]));
    // The five invoices and Tornio's own share are the quarter's cost to the cent.
    assert_eq!(invoiced + c.shares[TORNIO], c.cost - c.funding);

    // Kemi sees its own invoice and the computation, and not Keminmaa's.
    let kemi_view = r.w.service.cost_sharing(&r.kemi, r.id).await.unwrap();
    assert_eq!(kemi_view.recharges.len(), 1);
    assert_eq!(kemi_view.recharges[0].data.recipient.org, r.orgs[0]);
    assert_eq!(kemi_view.recharges[0].data.amount, 1_141_923);
    assert!(!kemi_view.may_update && !kemi_view.may_issue);
    let keminmaa_view = r.w.service.cost_sharing(&r.keminmaa, r.id).await.unwrap();
    let theirs = keminmaa_view.recharges[0].id;
    assert!(matches!(
        r.w.service.recharge(&r.kemi, theirs).await,
        Err(ServiceError::Denied(Denial::OtherOrganisation))
    ));
    let log = crate::log(&r.w).await;
    assert!(log
        .iter()
        .any(|e| e.record_kind == RecordKind::Recharge.code()
            && e.record_id == Some(theirs)
            && e.outcome == Outcome::Denied.code()
            && e.actor_id == Some(r.kemi.user_id)));
    // Every invoice made is in the log as written by Tornio's controller.
    for id in &ids {
        assert!(log.iter().any(|e| e.record_id == Some(*id)
            && e.action == AuditAction::Create.code()
            && e.outcome == Outcome::Ok.code()));
    }
    // A party cannot enter costs or issue; nor can another organisation read the agreement.
    assert!(matches!(
        r.w.service
            .add_shared_cost(
                &r.kemi,
                r.id,
                q("2026-Q3"),
                &cost("salary", "2026-09-30", "1,00"),
                Lang::Fi
            )
            .await,
        Err(ServiceError::Denied(Denial::MissingRole))
    ));
    let vantaa = r.w.actor("city.admin").await;
    assert!(matches!(
        r.w.service.cost_sharing(&vantaa, r.id).await,
        Err(ServiceError::Denied(Denial::OtherOrganisation))
    ));
}

#[tokio::test]
async fn a_share_change_on_the_first_of_september_splits_the_quarter_by_days() {
    let r = region().await;
    // The new basis from 1.9. ends the one in force the day before.
    r.w.service
        .add_sharing_basis(
            &r.tornio,
            r.id,
            &percent_basis("1.9.2026", &["30", "15", "6", "6", "35", "8"]),
        )
        .await
        .unwrap();
    enter_q3(&r).await;
    let v =
        r.w.service
            .shared_quarter(&r.tornio, r.id, q("2026-Q3"))
            .await
            .unwrap();
    let c = v.computation.unwrap();
    // 62 days (July, August) under the seed's shares, 30 (September) under the new ones; the
    // cost and the funding are each split by days first.
    assert_eq!(c.spans.len(), 2);
    assert_eq!((c.spans[0].days, c.spans[1].days), (62, 30));
    assert_eq!((c.spans[0].cost, c.spans[1].cost), (2_424_102, 1_172_953));
    assert_eq!((c.spans[0].funding, c.spans[1].funding), (202_174, 97_826));
    assert_eq!(
        c.spans[0].shares,
        [769_557, 293_588, 124_553, 124_552, 733_970, 175_708]
    );
    assert_eq!(
        c.spans[1].shares,
        [322_538, 161_269, 64_508, 64_508, 376_294, 86_010]
    );
    assert_eq!(
        c.shares,
        [1_092_095, 454_857, 189_061, 189_060, 1_110_264, 261_718]
    );
    assert_eq!(c.shares.iter().sum::<i64>(), 3_297_055);
    let view = r.w.service.cost_sharing(&r.tornio, r.id).await.unwrap();
    assert_eq!(
        view.sharing.bases[0].to,
        chrono::NaiveDate::from_ymd_opt(2026, 8, 31)
    );
}

#[tokio::test]
async fn a_correction_after_the_recharge_credits_the_invoice_and_issues_a_new_one() {
    let r = region().await;
    enter_q3(&r).await;
    let first =
        r.w.service
            .issue_recharges(&r.tornio, r.id, q("2026-Q3"))
            .await
            .unwrap();
    // Nothing changed: nothing to correct.
    assert!(matches!(
        r.w.service.issue_recharges(&r.tornio, r.id, q("2026-Q3")).await,
        Err(ServiceError::Invalid(e)) if e.get("quarter") == Some("nothing-to-correct")
    ));
    r.w.service
        .add_shared_cost(
            &r.tornio,
            r.id,
            q("2026-Q3"),
            &cost("other", "2026-09-30", "999,00"),
            Lang::Fi,
        )
        .await
        .unwrap();
    let second =
        r.w.service
            .issue_recharges(&r.tornio, r.id, q("2026-Q3"))
            .await
            .unwrap();
    // Five credit notes and five new invoices.
    assert_eq!(second.len(), 10);
    let v =
        r.w.service
            .shared_quarter(&r.tornio, r.id, q("2026-Q3"))
            .await
            .unwrap();
    let c = v.computation.unwrap();
    let mut live = 0;
    for d in &v.recharges {
        if first.contains(&d.id) {
            assert_eq!(d.status, "credited");
        } else if d.data.credit {
            let credited = v
                .recharges
                .iter()
                .find(|o| Some(&o.data.number) == d.data.credits.as_ref())
                .unwrap();
            assert_eq!(d.data.amount, credited.data.amount);
            assert!(first.contains(&credited.id));
        } else {
            assert_eq!(d.data.round, 2);
            live += d.data.amount;
        }
    }
    assert_eq!(live + c.shares[TORNIO], c.cost - c.funding);
    assert_eq!(c.cost - c.funding, 3_297_055 + 99_900);
}

#[tokio::test]
async fn bad_input_is_refused_next_to_its_field_and_nothing_is_saved() {
    let r = region().await;
    let s = &r.w.service;
    let refused = |res: Result<(), ServiceError>, field: &str, code: &str| match res {
        Err(ServiceError::Invalid(e)) => assert_eq!(e.get(field), Some(code), "{e:?}"),
        other => panic!("{field} {code}: {other:?}"),
    };
    // Shares over 100 % in all, one negative, one over 100, one missing population.
    refused(
        s.add_sharing_basis(
            &r.tornio,
            r.id,
            &percent_basis("2027-01-01", &["50", "20", "10", "10", "10", "1"]),
        )
        .await,
        "figures",
        "shares-over-100",
    );
    refused(
        s.add_sharing_basis(
            &r.tornio,
            r.id,
            &percent_basis("2027-01-01", &["-5", "20", "10", "10", "10", "1"]),
        )
        .await,
        "figure-0",
        "share-negative",
    );
    refused(
        s.add_sharing_basis(
            &r.tornio,
            r.id,
            &percent_basis("2027-01-01", &["101", "0", "0", "0", "0", "0"]),
        )
        .await,
        "figure-0",
        "share-over-100",
    );
    refused(
        s.add_sharing_basis(
            &r.tornio,
            r.id,
            &percent_basis("2027-01-01", &["0", "0", "0", "0", "0", "0"]),
        )
        .await,
        "figures",
        "shares-zero",
    );
    let mut pop = percent_basis(
        "2027-01-01",
        &["21000", "8300", "", "3100", "21800", "4000"],
    );
    pop.kind = "population".into();
    pop.population_date = "2026-12-31".into();
    refused(
        s.add_sharing_basis(&r.tornio, r.id, &pop).await,
        "figure-2",
        "population-missing",
    );
    // A version that overlaps one that has an end, or starts on the same day as another.
    let mut closed = percent_basis("2027-01-01", &PERCENT);
    closed.to = "2027-06-30".into();
    s.add_sharing_basis(&r.tornio, r.id, &closed).await.unwrap();
    refused(
        s.add_sharing_basis(&r.tornio, r.id, &percent_basis("2027-03-01", &PERCENT))
            .await,
        "from",
        "version-overlaps",
    );
    refused(
        s.add_sharing_basis(&r.tornio, r.id, &percent_basis("2026-01-01", &PERCENT))
            .await,
        "from",
        "version-overlaps",
    );
    // A party twice.
    let mut twice = sharing_form(&r.orgs);
    twice.parties.push(r.orgs[0].to_string());
    match s.create_cost_sharing(&r.tornio, &twice).await {
        Err(ServiceError::Invalid(e)) => assert_eq!(e.get("parties"), Some("party-twice")),
        other => panic!("{other:?}"),
    }
    // A recharge for a quarter whose costs are not complete, or which has not ended.
    s.add_shared_cost(
        &r.tornio,
        r.id,
        q("2026-Q3"),
        &cost("salary", "2026-09-30", "17 380,00"),
        Lang::Fi,
    )
    .await
    .unwrap();
    assert!(matches!(
        s.issue_recharges(&r.tornio, r.id, q("2026-Q3")).await,
        Err(ServiceError::Invalid(e)) if e.get("quarter") == Some("costs-incomplete")
    ));
    assert!(matches!(
        s.issue_recharges(&r.tornio, r.id, q("2026-Q4")).await,
        Err(ServiceError::Invalid(e)) if e.get("quarter") == Some("quarter-not-ended")
    ));
    // A cost dated outside its quarter, and a zero amount.
    match s
        .add_shared_cost(
            &r.tornio,
            r.id,
            q("2026-Q3"),
            &cost("salary", "2026-10-01", "0"),
            Lang::Fi,
        )
        .await
    {
        Err(ServiceError::Invalid(e)) => {
            assert_eq!(e.get("date"), Some("date-outside-quarter"));
            assert_eq!(e.get("amount"), Some("amount-positive"));
        }
        other => panic!("{other:?}"),
    }
    // Nothing of the refused input was kept: one basis version from the start and the
    // closed one, one cost, no recharge; each refusal is in the log.
    let v = s.cost_sharing(&r.tornio, r.id).await.unwrap();
    assert_eq!(v.sharing.bases.len(), 2);
    assert!(v.recharges.is_empty());
    let q3 = s
        .shared_quarter(&r.tornio, r.id, q("2026-Q3"))
        .await
        .unwrap();
    assert_eq!(q3.items.len(), 1);
    let failed = crate::log(&r.w)
        .await
        .into_iter()
        .filter(|e| {
            e.record_kind == RecordKind::CostSharing.code() && e.outcome == Outcome::Failed.code()
        })
        .count();
    assert!(failed >= 10, "{failed}");
}

#[tokio::test]
async fn recharge_invoices_and_credit_notes_validate_against_finvoice_and_ubl() {
    let r = region().await;
    enter_q3(&r).await;
    r.w.service
        .issue_recharges(&r.tornio, r.id, q("2026-Q3"))
        .await
        .unwrap();
    r.w.service
        .add_shared_cost(
            &r.tornio,
            r.id,
            q("2026-Q3"),
            &cost("other", "2026-09-30", "10,00"),
            Lang::Fi,
        )
        .await
        .unwrap();
    r.w.service
        .issue_recharges(&r.tornio, r.id, q("2026-Q3"))
        .await
        .unwrap();
    let v =
        r.w.service
            .shared_quarter(&r.tornio, r.id, q("2026-Q3"))
            .await
            .unwrap();
    let Some(schemas) = testkit::xsd::einvoice_schemas() else {
        return;
    };
    let mut checked = 0;
    for d in &v.recharges {
        let ubl_xsd = if d.data.credit {
            &schemas.ubl_credit_note
        } else {
            &schemas.ubl_invoice
        };
        for (xml, xsd) in [
            (
                service::cost_sharing::finvoice_of(&d.data),
                &schemas.finvoice,
            ),
            (service::cost_sharing::ubl_of(&d.data), ubl_xsd),
        ] {
            let Some(result) = testkit::xsd::validate(&xml, xsd) else {
                return;
            };
            if let Err(e) = result {
                panic!("{} does not validate:\n{e}\n{xml}", xsd.display());
            }
            // Read back by Kumppani's own reader: the EN 16931 rules hold, the amount is the
            // share.
            let back = einvoice::read(xml.as_bytes(), "recharge.xml").unwrap();
            assert!(back.findings.is_empty(), "{:?}", back.findings);
            assert_eq!(back.invoice.number, d.data.number);
            assert_eq!(
                back.invoice.totals.payable.map(|p| p.abs()),
                Some(einvoice::Decimal::new(d.data.amount, 2))
            );
            checked += 1;
        }
    }
    // Five invoices, five credit notes, five new invoices, each in both syntaxes.
    assert_eq!(checked, 30);
}

#[tokio::test]
async fn the_regional_steering_group_follows_the_costs_by_party_and_quarter() {
    let r = region().await;
    enter_q3(&r).await;
    r.w.service
        .add_shared_cost(
            &r.tornio,
            r.id,
            q("2026-Q1"),
            &cost("salary", "2026-03-31", "10 000,00"),
            Lang::Fi,
        )
        .await
        .unwrap();
    // Every party's followers read the quarter's follow-up; only the host's keeper records.
    let v =
        r.w.service
            .steering_meeting(&r.kemi, r.id, q("2026-Q3"))
            .await
            .unwrap();
    assert!(!v.may_record);
    let quarters: Vec<String> = v.quarters.iter().map(|(p, _)| p.code()).collect();
    assert_eq!(quarters, ["2026-Q1", "2026-Q2", "2026-Q3"]);
    let q1 = v.quarters[0].1.as_ref().unwrap();
    assert_eq!(q1.shares.iter().sum::<i64>(), 1_000_000);
    assert_eq!(
        v.quarters[2].1.as_ref().unwrap().shares.iter().sum::<i64>(),
        3_297_055
    );
    let item = |key: &str| domain::agreement::MeetingItem {
        key: key.into(),
        comment: format!("{key}: käsitelty"),
        decision: String::new(),
    };
    assert!(matches!(
        r.w.service
            .record_steering_meeting(
                &r.kemi,
                r.id,
                q("2026-Q3"),
                "2026-10-06",
                "Sosiaalijohtaja, Kemi",
                &[item("costs")]
            )
            .await,
        Err(ServiceError::Denied(Denial::MissingRole))
    ));
    // Without a day and members: refused next to those fields.
    match r
        .w
        .service
        .record_steering_meeting(&r.tornio, r.id, q("2026-Q3"), "", "  ", &[])
        .await
    {
        Err(ServiceError::Invalid(e)) => {
            assert_eq!(e.get("held_on"), Some("date-format"));
            assert_eq!(e.get("members"), Some("required"));
        }
        other => panic!("{other:?}"),
    }
    r.w.service
        .record_steering_meeting(
            &r.tornio,
            r.id,
            q("2026-Q3"),
            "2026-10-06",
            "Perusturvajohtaja, Tornio\nSosiaalijohtaja, Kemi",
            &[item("costs"), item("registers"), item("unknown")],
        )
        .await
        .unwrap();
    let m =
        r.w.service
            .steering_meeting(&r.keminmaa, r.id, q("2026-Q3"))
            .await
            .unwrap()
            .meeting
            .unwrap();
    let keys: Vec<&str> = m.items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, domain::cost_sharing::STEERING_AGENDA);
    assert_eq!(m.items[0].comment, "costs: käsitelty");
    assert_eq!(m.members.len(), 2);
}
