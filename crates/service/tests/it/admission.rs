use chrono::NaiveDate;
use domain::access::Denial;
use domain::application::AppStatus;
use domain::evidence::EvidenceForm;
use domain::org::{Actor, ServiceUnitForm};
use domain::procurement::{Lot, PriceModel, Procurement, ProcurementKind, Regime};
use domain::requirement::{LocalText, Reason, Requirement, Rule, Status, Subject};
use domain::staff::{Area, StaffForm, StaffRole};
use service::application::{ApplicationForm, StepForm};
use service::procurement::RegisterQuery;
use service::ServiceError;
use testkit::{org_form, user_form, World};
use uuid::Uuid;

pub(crate) fn procurement(kind: ProcurementKind) -> Procurement {
    Procurement {
        kind,
        title: LocalText::fi("Lasten ja perheiden tukitoimet"),
        description: LocalText::default(),
        starts_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        ends_on: NaiveDate::from_ymd_opt(2029, 12, 31).unwrap(),
        option_years: vec![1, 1],
        estimated_value: None,
        cpv_main: "85300000".into(),
        cpv_additional: vec![],
        nuts: "FI1C7".into(),
        regime: Regime::default(),
        notice_number: String::new(),
        notice_url: String::new(),
        procedure_id: String::new(),
        notices: vec![],
    }
}

fn req(rule: Rule) -> Requirement {
    Requirement {
        text: LocalText {
            fi: format!("vaatimus {}", rule.kind_code()),
            sv: String::new(),
            en: String::new(),
        },
        rule,
    }
}

pub(crate) fn lot(number: u32, title: &str, open: bool) -> Lot {
    let mut l = Lot::empty(number);
    l.title = LocalText::fi(title);
    l.open = open;
    l.price_model = PriceModel::PerHour;
    l.price_cap = Some(domain::money::Money::from_cents(8500));
    l.requirements = vec![
        req(Rule::Experience {
            roles: vec![StaffRole::ResponsiblePerson, StaffRole::Worker],
            areas: vec![Area::ChildWelfare],
            min_months: 24,
        }),
        req(Rule::ResponsibleManagement {
            more_than_employees: 3,
            min_months: 12,
        }),
        req(Rule::Evidence {
            kinds: vec![domain::evidence::EvidenceKind::TaxCertificate],
        }),
        req(Rule::CriminalRecord),
    ];
    l
}

pub(crate) fn person(name: &str, role: &str, child_welfare_years: &str) -> StaffForm {
    StaffForm {
        name: name.into(),
        role: role.into(),
        degrees: "Sosionomi (AMK)".into(),
        experience: [
            (Area::ChildWelfare, child_welfare_years.to_owned()),
            (Area::Management, "2".to_owned()),
        ]
        .into_iter()
        .collect(),
        trainings: vec![],
        other_training: String::new(),
        languages: vec!["fi".into()],
        supervision: "yes".into(),
        criminal_record_checked_on: "2026-06-01".into(),
    }
}

pub(crate) fn step(s: &str, note: &str) -> StepForm {
    StepForm {
        step: s.into(),
        note: note.into(),
        quality_points: String::new(),
        extend: String::new(),
    }
}

/// A provider with a unit in Kotka, a tax certificate and the given staff.
pub(crate) async fn provider(
    w: &World,
    org: Uuid,
    username: &str,
    staff: &[StaffForm],
) -> (Actor, Uuid, Vec<Uuid>) {
    w.service
        .setup()
        .bootstrap_user(org, &user_form(username, "provider_signatory"))
        .await
        .unwrap();
    let a = w.actor(username).await;
    let unit = w
        .service
        .setup()
        .bootstrap_service_unit(
            org,
            &ServiceUnitForm {
                name: format!("{username} yksikkö"),
                street_address: "Satamakatu 1".into(),
                postal_code: "48100".into(),
                city: "Kotka".into(),
                municipality: "Kotka".into(),
                languages: vec!["fi".into()],
                served_municipalities: "Kotka, Hamina".into(),
                free_capacity: "2".into(),
                capacity: "10".into(),
                soteri_number: format!("S-{}", username.replace('.', "-")),
                soteri_registered: "2020-01-02".into(),
                ..ServiceUnitForm::default()
            },
        )
        .await
        .unwrap();
    w.service
        .add_evidence(
            &a,
            &EvidenceForm {
                kind: "tax_certificate".into(),
                issued_on: "2026-11-01".into(),
                valid_until: "2027-01-31".into(),
                reference: String::new(),
            },
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for s in staff {
        ids.push(w.service.save_staff_member(&a, None, s).await.unwrap());
    }
    (a, unit, ids)
}

pub(crate) fn app_form(unit: Uuid, roster: &[Uuid], price: &str) -> ApplicationForm {
    ApplicationForm {
        unit_id: unit.to_string(),
        roster: roster.iter().map(Uuid::to_string).collect(),
        price: price.into(),
        employees: "5".into(),
        note: String::new(),
    }
}

#[tokio::test]
async fn a_provider_applies_is_told_why_fixes_it_and_is_admitted_and_no_one_else_sees_it() {
    let w = World::new().await;
    w.service
        .setup()
        .bootstrap_user(
            w.county,
            &user_form("county.buyer", "procurement_specialist"),
        )
        .await
        .unwrap();
    let buyer = w.actor("county.buyer").await;
    let pid = w
        .service
        .setup()
        .bootstrap_procurement(
            w.county,
            &procurement(ProcurementKind::DynamicPurchasingSystem),
            &[
                lot(1, "Tehostettu perhetyö", true),
                lot(2, "Suljettu osa", false),
            ],
        )
        .await
        .unwrap();
    let view = w.service.procurement(&buyer, pid).await.unwrap();
    let (lot1, lot2) = (view.lots[0].id, view.lots[1].id);

    let (p, unit, staff) = provider(
        &w,
        w.provider,
        "provider.signer",
        &[
            person("Kaisa Esimerkki", "responsible_person", "5"),
            person("Tiina Kuvitelma", "worker", "1"),
        ],
    )
    .await;

    // A closed lot takes no applications.
    let e = w.service.start_application(&p, lot2).await.unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("lot") == Some("lot-closed")),
        "{e:?}"
    );

    let app = w.service.start_application(&p, lot1).await.unwrap();
    // A second application to the same lot while one is open is refused.
    let e = w.service.start_application(&p, lot1).await.unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("lot").is_some()),
        "{e:?}"
    );

    // Incomplete applications cannot be submitted, and say what is missing.
    let e = w
        .service
        .application_step(&p, app, &step("submit", ""))
        .await
        .unwrap_err();
    let ServiceError::Invalid(f) = e else {
        panic!("{e:?}")
    };
    let fields: Vec<&str> = f.0.iter().map(|x| x.field.as_str()).collect();
    assert_eq!(fields, ["roster", "price", "employees"], "{f:?}");

    // A price over the cap is refused; nothing is saved.
    let e = w
        .service
        .save_application(
            &p,
            app,
            &app_form(unit, &staff, "99,00"),
            domain::locale::Lang::Fi,
        )
        .await
        .unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("price") == Some("price-over-cap")));
    assert!(w
        .service
        .application(&p, app)
        .await
        .unwrap()
        .application
        .roster
        .is_empty());

    w.service
        .save_application(
            &p,
            app,
            &app_form(unit, &staff, "80,00"),
            domain::locale::Lang::Fi,
        )
        .await
        .unwrap();
    w.service
        .application_step(&p, app, &step("submit", ""))
        .await
        .unwrap();
    let v = w.service.application(&p, app).await.unwrap();
    assert_eq!(v.application.status, AppStatus::Submitted);
    let not_met: Vec<_> = v
        .evaluation
        .results
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.status == Status::NotMet)
        .collect();
    assert_eq!(not_met.len(), 1, "{:?}", v.evaluation);
    assert_eq!(
        not_met[0].subject,
        Subject::Worker {
            index: 2,
            of: 2,
            name: "Tiina Kuvitelma".into()
        }
    );
    assert_eq!(
        not_met[0].reason,
        Reason::ExperienceShort {
            months: 12,
            needed: 24,
            areas: vec![Area::ChildWelfare]
        }
    );
    // Submitted Tuesday 24.11.2026; ten working days later (6.12. is Independence Day, a Sunday).
    assert_eq!(
        v.application.decision_due(),
        NaiveDate::from_ymd_opt(2026, 12, 8)
    );

    // Another provider, another purchaser: refused by every use case, and logged.
    let other_org = w
        .service
        .setup()
        .bootstrap_organisation(&org_form("ngo", "Toinen yhdistys ry", "0201256-6"))
        .await
        .unwrap();
    let (other, other_unit, _) = provider(&w, other_org, "other.signer", &[]).await;
    for e in [
        w.service.application(&other, app).await.err(),
        w.service
            .save_application(
                &other,
                app,
                &app_form(other_unit, &[], "1,00"),
                domain::locale::Lang::Fi,
            )
            .await
            .err(),
        w.service
            .application_step(&other, app, &step("withdraw", ""))
            .await
            .err(),
    ] {
        assert!(
            matches!(e, Some(ServiceError::Denied(Denial::OtherOrganisation))),
            "{e:?}"
        );
    }
    assert!(w.service.applications(&other).await.unwrap().is_empty());
    let city = w.actor("city.admin").await;
    assert!(matches!(
        w.service.application(&city, app).await,
        Err(ServiceError::Denied(Denial::OtherOrganisation))
    ));
    // The provider cannot decide on its own application.
    assert!(matches!(
        w.service
            .application_step(&p, app, &step("admit", ""))
            .await,
        Err(ServiceError::Denied(_))
    ));

    // The purchaser cannot admit while a requirement is not met; asking for more needs a note.
    let e = w
        .service
        .application_step(&buyer, app, &step("admit", ""))
        .await
        .unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.0[0].code == "admit-unmet-requirements"));
    assert!(matches!(
        w.service
            .application_step(&buyer, app, &step("ask_info", ""))
            .await,
        Err(ServiceError::Invalid(_))
    ));
    assert_eq!(
        w.service
            .application_step(&buyer, app, &step("ask_info", "Tiinan kokemus ei riitä."))
            .await
            .unwrap(),
        AppStatus::InfoRequested
    );

    // The provider corrects the record and resubmits; the new evaluation passes.
    w.service
        .save_staff_member(
            &p,
            Some(staff[1]),
            &person("Tiina Kuvitelma", "worker", "2,5"),
        )
        .await
        .unwrap();
    w.service
        .application_step(&p, app, &step("submit", ""))
        .await
        .unwrap();
    let v = w.service.application(&buyer, app).await.unwrap();
    assert_eq!(v.evaluation.overall(), Status::Met, "{:?}", v.evaluation);
    assert!(v.may_decide);
    // A unit not (yet) in Soteri is not admitted: the number without the day is refused on the
    // unit's form, and a registration dated after today does not count (741/2023 5 §).
    let mut form = ServiceUnitForm::from(&w.service.service_unit(&p, unit).await.unwrap().0);
    form.soteri_registered = String::new();
    let e = w
        .service
        .update_service_unit(&p, unit, &form)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("soteri_registered") == Some("soteri-incomplete"))
    );
    form.soteri_registered = "2026-12-24".into();
    w.service
        .update_service_unit(&p, unit, &form)
        .await
        .unwrap();
    let e = w
        .service
        .application_step(&buyer, app, &step("admit", "Täyttää vaatimukset."))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("step") == Some("unit-not-in-soteri")),
        "{e:?}"
    );
    form.soteri_registered = "2026-11-02".into();
    w.service
        .update_service_unit(&p, unit, &form)
        .await
        .unwrap();
    assert_eq!(
        w.service
            .application_step(&buyer, app, &step("admit", "Täyttää vaatimukset."))
            .await
            .unwrap(),
        AppStatus::Admitted
    );

    // An admission is not applied for twice.
    let e = w.service.start_application(&p, lot1).await.unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("lot") == Some("already-admitted")));

    // The register finds it by a word in another form, and filters by municipality.
    let find = |words: &str, municipality: &str| RegisterQuery {
        words: words.into(),
        municipality: municipality.into(),
        ..RegisterQuery::default()
    };
    let rows = w
        .service
        .register(&buyer, &find("perhetyötä", ""))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].application_id, app);
    assert_eq!(
        w.service
            .register(&buyer, &find("perhetyö", "Hamina"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(w
        .service
        .register(&buyer, &find("perhetyö", "Kerava"))
        .await
        .unwrap()
        .is_empty());
    assert!(w
        .service
        .register(&buyer, &find("kotihoito", ""))
        .await
        .unwrap()
        .is_empty());

    // The log holds the refusals and the reads, by kind.
    let log = crate::log(&w).await;
    let denied = log
        .iter()
        .filter(|e| e.outcome == "denied" && e.record_kind == "application")
        .count();
    assert_eq!(
        denied, 5,
        "three by the other provider, one by the city, one by the provider"
    );
    assert!(log.iter().any(|e| e.record_kind == "application"
        && e.action == "read"
        && e.actor_name == "county.buyer"));
    assert!(log
        .iter()
        .any(|e| e.record_kind == "provider_register" && e.action == "search"));
}

#[tokio::test]
async fn a_framework_lot_orders_admitted_providers_by_price_and_quality() {
    let w = World::new().await;
    w.service
        .setup()
        .bootstrap_user(
            w.county,
            &user_form("county.buyer", "procurement_specialist"),
        )
        .await
        .unwrap();
    let buyer = w.actor("county.buyer").await;
    let mut l = lot(1, "Ammatillinen tukihenkilötyö", true);
    l.price_weight = 70;
    let pid = w
        .service
        .setup()
        .bootstrap_procurement(
            w.county,
            &procurement(ProcurementKind::FrameworkAgreement),
            &[l],
        )
        .await
        .unwrap();
    let lot_id = w.service.procurement(&buyer, pid).await.unwrap().lots[0].id;
    let second = w
        .service
        .setup()
        .bootstrap_organisation(&org_form("ngo", "Toinen yhdistys ry", "0201256-6"))
        .await
        .unwrap();
    let team = [
        person("Kaisa Esimerkki", "responsible_person", "5"),
        person("Mikko Malli", "worker", "3"),
    ];
    // Cheaper with fewer quality points vs dearer with more: 70/30 puts the dearer first.
    for (org, user, price, quality) in [
        (w.provider, "a.signer", "57,50", "60"),
        (second, "b.signer", "61,00", "85"),
    ] {
        let (p, unit, staff) = provider(&w, org, user, &team).await;
        let app = w.service.start_application(&p, lot_id).await.unwrap();
        w.service
            .save_application(
                &p,
                app,
                &app_form(unit, &staff, price),
                domain::locale::Lang::Fi,
            )
            .await
            .unwrap();
        w.service
            .application_step(&p, app, &step("submit", ""))
            .await
            .unwrap();
        // Admission to a framework needs quality points.
        let e = w
            .service
            .application_step(&buyer, app, &step("admit", ""))
            .await
            .unwrap_err();
        assert!(matches!(&e, ServiceError::Invalid(f) if f.get("quality_points").is_some()));
        let mut s = step("admit", "");
        s.quality_points = quality.into();
        w.service.application_step(&buyer, app, &s).await.unwrap();
    }
    let v = w.service.lot(&buyer, lot_id).await.unwrap();
    let order: Vec<(&str, u32)> = v
        .ranking
        .iter()
        .map(|r| (r.provider_name.as_str(), r.quality_points))
        .collect();
    assert_eq!(
        order,
        [("Toinen yhdistys ry", 85), ("Testituottaja Oy", 60)]
    );
    assert!(
        (v.ranking[0].points - 91.48).abs() < 0.01,
        "{}",
        v.ranking[0].points
    );
    assert!(
        (v.ranking[1].points - 88.0).abs() < 0.01,
        "{}",
        v.ranking[1].points
    );
}

#[tokio::test]
async fn a_provider_registers_itself_and_bad_input_is_named_field_by_field() {
    let w = World::new().await;
    let mut org = org_form("company", "Uusi Perhepalvelu Oy", "9909900-3");
    let mut user = user_form("oona.uusi", "purchaser_admin");
    // A purchaser cannot register itself, a taken business ID and user name are named, and the
    // user's fields are told apart from the organisation's.
    org.kind = "county".into();
    org.business_id = "3221311-5".into();
    user.username = "county.admin".into();
    user.password = "short".into();
    let e = w.service.register_provider(&org, &user).await.unwrap_err();
    let ServiceError::Invalid(f) = e else {
        panic!("{e:?}")
    };
    let got: Vec<(&str, &str)> =
        f.0.iter()
            .map(|x| (x.field.as_str(), x.code.as_str()))
            .collect();
    for want in [
        ("kind", "invalid-choice"),
        ("business_id", "business-id-taken"),
        ("user_username", "username-taken"),
        ("user_password", "password-too-short"),
    ] {
        assert!(got.contains(&want), "{want:?} in {got:?}");
    }
    // Nothing was half-saved.
    assert!(w
        .service
        .user_id_by_username("oona.uusi")
        .await
        .unwrap()
        .is_none());

    org.kind = "company".into();
    org.business_id = "9909900-3".into();
    user.username = "oona.uusi".into();
    user.password = testkit::PASSWORD.into();
    let id = w.service.register_provider(&org, &user).await.unwrap();
    let a = w.actor("oona.uusi").await;
    assert_eq!(a.org_id, id);
    assert_eq!(a.roles, [domain::org::Role::ProviderSignatory]);
    // The role asked for in the form is ignored: the first user is the signatory.
    assert!(crate::log(&w)
        .await
        .iter()
        .any(|e| e.details.starts_with("self-registration company 9909900-3")));
}

const HILMA_CONTRACT: &[u8] =
    include_bytes!("../../../notice/tests/fixtures/hilma/social_contract.json");
const HILMA_AWARD: &[u8] = include_bytes!("../../../notice/tests/fixtures/hilma/social_award.json");

#[tokio::test]
async fn a_notice_becomes_a_procurement_once_and_later_notices_are_linked_to_it() {
    use service::import::ImportAction;
    let w = World::new().await;
    w.service
        .setup()
        .bootstrap_user(
            w.county,
            &user_form("county.buyer", "procurement_specialist"),
        )
        .await
        .unwrap();
    let buyer = w.actor("county.buyer").await;
    let contract = notice::read(HILMA_CONTRACT, "contract.json")
        .unwrap()
        .notice;

    // The notice's buyer is another organisation (9909901-1): refused, nothing created, unless
    // the specialist says the county procures on its behalf.
    let e = w
        .service
        .import_notice(Some(&buyer), None, &contract, false)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("on_behalf") == Some("notice-buyer-other")),
        "{e:?}"
    );
    assert!(w.service.procurements(&buyer).await.unwrap().is_empty());
    let first = w
        .service
        .import_notice(Some(&buyer), None, &contract, true)
        .await
        .unwrap();
    assert_eq!(first.buyer, service::import::BuyerCheck::OnBehalf);
    assert_eq!(first.action, ImportAction::Created);
    assert_eq!(first.lots, 2);
    let v = w
        .service
        .procurement(&buyer, first.procurement_id)
        .await
        .unwrap();
    assert_eq!(v.data.kind, ProcurementKind::DynamicPurchasingSystem);
    assert_eq!(v.data.title.fi, "Lasten, nuorten ja perheiden tukitoimet");
    assert_eq!(v.data.cpv_main, "85300000");
    assert_eq!(v.data.nuts, "FI1C7");
    assert_eq!(
        v.data.estimated_value,
        Some(domain::money::Money::from_cents(1_000_000_000))
    );
    // The period comes from the lots' dates.
    assert_eq!(
        v.data.starts_on,
        NaiveDate::from_ymd_opt(2023, 4, 4).unwrap()
    );
    assert_eq!(
        v.data.ends_on,
        NaiveDate::from_ymd_opt(2027, 12, 31).unwrap()
    );
    let titles: Vec<&str> = v.lots.iter().map(|l| l.data.title.fi.as_str()).collect();
    assert_eq!(titles, ["Tehostettu perhetyö", "Perhetyö"]);
    assert!(v.lots[0].data.sections[0]
        .text
        .fi
        .starts_with("Tehostettua perhetyötä"));
    assert!(v.lots.iter().all(|l| l.data.open));

    // The specialist completes a lot; importing the same notice again keeps that and does not
    // make a second procurement.
    w.service
        .add_requirement(
            &buyer,
            v.lots[0].id,
            &domain::requirement::RequirementForm {
                kind: "supervision".into(),
                text_fi: "Työnohjaus".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let again = w
        .service
        .import_notice(Some(&buyer), None, &contract, true)
        .await
        .unwrap();
    assert_eq!(
        (again.action, again.procurement_id),
        (ImportAction::Updated, first.procurement_id)
    );
    let v = w
        .service
        .procurement(&buyer, first.procurement_id)
        .await
        .unwrap();
    assert_eq!(v.lots.len(), 2);
    let lot = w.service.lot(&buyer, v.lots[0].id).await.unwrap();
    assert_eq!(
        lot.lot.requirements.len(),
        1,
        "the specialist's requirement is kept"
    );

    // The award notice of the same procedure is linked, not imported as another procurement.
    let award = notice::read(HILMA_AWARD, "award.json").unwrap().notice;
    let linked = w
        .service
        .import_notice(Some(&buyer), None, &award, true)
        .await
        .unwrap();
    assert_eq!(
        (linked.action, linked.procurement_id),
        (ImportAction::Linked, first.procurement_id)
    );
    let v = w
        .service
        .procurement(&buyer, first.procurement_id)
        .await
        .unwrap();
    let kinds: Vec<&str> = v.data.notices.iter().map(|n| n.kind.as_str()).collect();
    assert_eq!(kinds, ["contract_notice", "contract_award"]);
    assert_eq!(w.service.procurements(&buyer).await.unwrap().len(), 1);

    // A provider may not import; the command line finds the purchaser by the buyer's ID.
    let (p, _, _) = provider(&w, w.provider, "provider.signer", &[]).await;
    assert!(matches!(
        w.service
            .import_notice(Some(&p), None, &contract, false)
            .await,
        Err(ServiceError::Denied(_))
    ));
    let e = w
        .service
        .import_notice(None, None, &contract, false)
        .await
        .unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("purchaser") == Some("buyer-unknown")));
}

/// A notice is the procurement of its buyer: the organisation whose business ID it names is
/// the one it is imported for; a notice that names no Finnish business ID is imported with a
/// note to check.
#[tokio::test]
async fn a_notice_is_imported_for_its_own_buyer_and_one_without_a_business_id_is_flagged() {
    use service::import::BuyerCheck;
    let w = World::new().await;
    let buyer_org = w
        .service
        .setup()
        .bootstrap_organisation(&testkit::org_form(
            "county",
            "Kuvitteellinen hyvinvointialue",
            "9909901-1",
        ))
        .await
        .unwrap();
    w.service
        .setup()
        .bootstrap_user(buyer_org, &user_form("own.buyer", "procurement_specialist"))
        .await
        .unwrap();
    let own = w.actor("own.buyer").await;
    let mut contract = notice::read(HILMA_CONTRACT, "contract.json")
        .unwrap()
        .notice;
    let o = w
        .service
        .import_notice(Some(&own), None, &contract, false)
        .await
        .unwrap();
    assert_eq!(o.buyer, BuyerCheck::Ours);
    assert!(o.notes.is_empty(), "{:?}", o.notes);

    for b in &mut contract.buyers {
        b.national_id = None;
    }
    contract.identifiers.notice_number = Some("2023-999999".into());
    contract.identifiers.procedure_id = Some("other-procedure".into());
    let o = w
        .service
        .import_notice(Some(&own), None, &contract, false)
        .await
        .unwrap();
    assert_eq!(o.buyer, BuyerCheck::Unchecked);
    assert!(
        o.notes[0].contains("no buyer by a Finnish business ID"),
        "{:?}",
        o.notes
    );
    let last = crate::log(&w).await.pop().unwrap();
    assert!(
        last.details.ends_with("buyer unchecked"),
        "{}",
        last.details
    );
}
