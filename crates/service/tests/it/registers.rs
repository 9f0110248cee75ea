//! Registers of people after seed 002: a register that rests on consent refuses an entry
//! without one; the stemmed search finds a Swedish-speaking work supervisor near Kemi; a
//! person sees and corrects their own entry with their personal code and withdraws the
//! consent, after which only the name and the consent's dates are kept; wrong codes are
//! counted per address.

use domain::org::Role;
use domain::register::{EntryForm, Grant, Register, RegisterKind};
use service::ServiceError;
use testkit::{user_form, World};

fn supervisors(controller: uuid::Uuid, reader_org: uuid::Uuid) -> Register {
    Register {
        kind: RegisterKind::WorkSupervisors,
        name: "Työnohjaajarekisteri".into(),
        controller,
        controller_name: "Testin hyvinvointialue".into(),
        purpose: "Työnohjauksen järjestäminen".into(),
        legal_basis: "Suostumus".into(),
        consent_required: true,
        retention_years: 1,
        grants: vec![Grant {
            org: reader_org,
            org_name: "Vantaan kaupunki".into(),
            roles: vec![Role::LeadingSocialWorker],
        }],
    }
}

fn person(name: &str, langs: &[&str], areas: &str, consent: bool) -> EntryForm {
    EntryForm {
        name: name.into(),
        languages: langs.iter().map(|s| (*s).to_owned()).collect(),
        areas: areas.into(),
        qualification: "Työnohjaajakoulutus".into(),
        expertise: "Ratkaisukeskeinen työnohjaus".into(),
        email: "ohjaaja@example.fi".into(),
        consent_given_on: if consent {
            "2026-01-15".into()
        } else {
            String::new()
        },
        consent_document: if consent {
            "Kirjaamo 12/2026".into()
        } else {
            String::new()
        },
        ..EntryForm::default()
    }
}

#[tokio::test]
async fn a_register_on_consent_its_search_and_the_persons_own_entry() {
    let w = World::new().await;
    let keeper = w.actor("county.admin").await;
    w.service
        .setup()
        .bootstrap_user(w.city, &user_form("city.lead", "leading_social_worker"))
        .await
        .unwrap();
    let reader = w.actor("city.lead").await;
    let outsider = w.actor("city.admin").await;
    let id = w
        .service
        .create_register(&keeper, &supervisors(w.county, w.city))
        .await
        .unwrap();

    // Without the consent the register rests on: refused next to its fields, nothing saved.
    match w
        .service
        .add_register_entry(
            &keeper,
            id,
            &person("Sara Forsström", &["sv", "fi"], "Kemi, Tornio", false),
        )
        .await
    {
        Err(ServiceError::Invalid(e)) => {
            assert_eq!(e.get("consent_given_on"), Some("consent-required"));
            assert_eq!(e.get("consent_document"), Some("consent-required"));
        }
        other => panic!("{other:?}"),
    }
    assert!(w
        .service
        .people_register(&keeper, id, "")
        .await
        .unwrap()
        .entries
        .is_empty());

    let (sara, code) = w
        .service
        .add_register_entry(
            &keeper,
            id,
            &person("Sara Forsström", &["sv", "fi"], "Kemi, Tornio", true),
        )
        .await
        .unwrap();
    w.service
        .add_register_entry(
            &keeper,
            id,
            &person("Eero Lappalainen", &["fi"], "Ylitornio", true),
        )
        .await
        .unwrap();
    w.service
        .add_register_entry(&keeper, id, &person("Anna Berg", &["sv"], "Vaasa", true))
        .await
        .unwrap();

    // An entry of a register that does not rest on consent has no consent to withdraw.
    let mut experts = supervisors(w.county, w.city);
    experts.kind = RegisterKind::Experts;
    experts.consent_required = false;
    let experts = w.service.create_register(&keeper, &experts).await.unwrap();
    let (_, expert_code) = w
        .service
        .add_register_entry(
            &keeper,
            experts,
            &person("Oskari Vaaranen", &["fi"], "Tornio", false),
        )
        .await
        .unwrap();
    match w
        .service
        .withdraw_own_consent(&expert_code, "10.0.0.2")
        .await
    {
        Err(ServiceError::Invalid(e)) => assert_eq!(e.get("withdraw"), Some("consent-none")),
        other => panic!("{other:?}"),
    }
    assert!(w
        .service
        .own_register_entry(&expert_code, "10.0.0.2")
        .await
        .unwrap()
        .entry
        .data
        .active());

    // A work supervisor who speaks Swedish near Kemi, in Finnish words as people type them.
    let found = w
        .service
        .people_register(&reader, id, "ruotsia kemissä")
        .await
        .unwrap();
    let names: Vec<&str> = found.entries.iter().map(|e| e.data.name.as_str()).collect();
    assert_eq!(names, ["Sara Forsström"]);
    let found = w
        .service
        .people_register(&reader, id, "svenska")
        .await
        .unwrap();
    assert_eq!(found.entries.len(), 2);
    assert!(!found.may_keep);
    // A role no grant names reads nothing.
    assert!(matches!(
        w.service.people_register(&outsider, id, "").await,
        Err(ServiceError::Denied(_))
    ));
    assert!(matches!(
        w.service.register_entry(&outsider, sara).await,
        Err(ServiceError::Denied(_))
    ));

    // The person's own entry by the code; a correction keeps the consent.
    let own = w
        .service
        .own_register_entry(&code, "10.0.0.1")
        .await
        .unwrap();
    assert_eq!(own.entry.id, sara);
    let mut fix = domain::register::EntryForm::of(&own.entry.data);
    fix.phone = "+358 40 000 9999".into();
    fix.areas = "Kemi, Tornio, Keminmaa".into();
    // Another consent date typed in is ignored: the one on record stays.
    fix.consent_given_on = "2020-01-01".into();
    w.service
        .correct_own_entry(&code, "10.0.0.1", &fix)
        .await
        .unwrap();
    let after = w.service.register_entry(&keeper, sara).await.unwrap();
    assert_eq!(after.entry.data.areas, ["Kemi", "Tornio", "Keminmaa"]);
    assert_eq!(
        after
            .entry
            .data
            .consent
            .as_ref()
            .unwrap()
            .given_on
            .to_string(),
        "2026-01-15"
    );

    // Withdrawing the consent ends the entry at once and keeps only the name and the dates.
    w.service
        .withdraw_own_consent(&code, "10.0.0.1")
        .await
        .unwrap();
    let gone = w.service.register_entry(&keeper, sara).await.unwrap();
    let e = &gone.entry.data;
    assert!(!e.active());
    assert!(e.email.is_empty() && e.areas.is_empty() && e.languages.is_empty());
    assert!(e.consent.as_ref().unwrap().withdrawn_on.is_some());
    let search = w.service.people_register(&reader, id, "").await.unwrap();
    assert!(search.entries.iter().all(|x| x.id != sara));
    assert!(
        search.ended.is_empty(),
        "a reader does not see ended entries"
    );
    // The code no longer works; wrong codes are limited per address.
    assert!(matches!(
        w.service.own_register_entry(&code, "10.0.0.1").await,
        Err(ServiceError::Invalid(e)) if e.get("code") == Some("register-code-invalid")
    ));
    let mut throttled = false;
    for _ in 0..50 {
        if let Err(ServiceError::Throttled) = w
            .service
            .own_register_entry("0000-0000-0000-0000", "10.0.0.9")
            .await
        {
            throttled = true;
            break;
        }
    }
    assert!(throttled);
    // The person's own reads and changes are in the log, on the entry.
    let log = crate::log(&w).await;
    let own_rows = log
        .iter()
        .filter(|e| e.record_id == Some(sara) && e.actor_id.is_none())
        .count();
    // The read, the correction and the withdrawal.
    assert_eq!(own_rows, 3);
    // The refused codes too, without a record to name.
    assert!(log.iter().any(|e| e.record_kind == "register_entry"
        && e.actor_id.is_none()
        && e.outcome == "failed"
        && e.details.contains("register-code-invalid")));
}
