use domain::access::Denial;
use domain::org::UserForm;
use service::audit::AuditQuery;
use service::ServiceError;
use testkit::{org_form, user_form, World};

#[tokio::test]
async fn an_admin_cannot_see_or_change_another_organisations_users_and_each_attempt_is_logged() {
    let w = World::new().await;
    let city_admin = w.actor("city.admin").await;

    let e = w.service.users(&city_admin, w.county).await.unwrap_err();
    assert!(matches!(e, ServiceError::Denied(Denial::OtherOrganisation)));
    let e = w
        .service
        .user(&city_admin, w.county_admin)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Denied(Denial::OtherOrganisation)));
    let mut f = user_form("county.admin", "purchaser_admin");
    f.display_name = "Hijacked".into();
    let e = w
        .service
        .update_user(&city_admin, w.county_admin, &f)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Denied(_)));
    let e = w
        .service
        .create_user(
            &city_admin,
            w.county,
            &user_form("intruder", "purchaser_admin"),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Denied(_)));
    let e = w
        .service
        .set_user_active(&city_admin, w.social_worker, false)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Denied(_)));

    // Nothing changed.
    let county_admin = w.actor("county.admin").await;
    let v = w.service.user(&county_admin, w.county_admin).await.unwrap();
    assert_eq!(v.user.display_name, "Test county.admin");
    assert!(w
        .service
        .user_id_by_username("intruder")
        .await
        .unwrap()
        .is_none());

    // Five refusals, each with who, what and whose register.
    let denied: Vec<_> = crate::log(&w)
        .await
        .into_iter()
        .filter(|e| e.outcome == "denied")
        .collect();
    assert_eq!(denied.len(), 5, "{denied:#?}");
    for e in &denied {
        assert_eq!(e.actor_id, Some(w.city_admin));
        assert_eq!(e.actor_org, Some(w.city));
        assert_eq!(e.register_owner, Some(w.county));
        assert_eq!(e.record_kind, "user");
    }
    let actions: Vec<_> = denied.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["list", "read", "update", "create", "deactivate"]);
}

#[tokio::test]
async fn reads_and_list_views_of_users_are_logged() {
    let w = World::new().await;
    let admin = w.actor("county.admin").await;
    let users = w.service.users(&admin, w.county).await.unwrap();
    assert_eq!(users.len(), 3);
    w.service.user(&admin, w.social_worker).await.unwrap();
    let log = crate::log(&w).await;
    let list = log
        .iter()
        .find(|e| e.action == "list" && e.record_kind == "user")
        .unwrap();
    assert_eq!(list.actor_id, Some(w.county_admin));
    assert_eq!(list.register_owner, Some(w.county));
    assert!(list.details.contains("3 shown"), "{}", list.details);
    let read = log
        .iter()
        .find(|e| e.action == "read" && e.record_kind == "user")
        .unwrap();
    assert_eq!(read.record_id, Some(w.social_worker));
    assert_eq!(read.subject_id, Some(w.social_worker));
    assert_eq!(read.outcome, "ok");
}

#[tokio::test]
async fn bad_input_names_each_field_and_saves_nothing() {
    let w = World::new().await;
    let admin = w.actor("county.admin").await;
    let form = UserForm {
        username: "x".into(),
        display_name: " ".into(),
        email: "not-an-email".into(),
        language: "de".into(),
        roles: vec!["worker".into(), "wizard".into()],
        password: "short".into(),
        team: "x".repeat(81),
        unit: String::new(),
    };
    let Err(ServiceError::Invalid(errs)) = w.service.create_user(&admin, w.county, &form).await
    else {
        panic!("expected invalid input");
    };
    for (field, code) in [
        ("username", "username-format"),
        ("display_name", "required"),
        ("email", "email-format"),
        ("language", "language-unknown"),
        ("roles", "role-wrong-organisation-kind"),
        ("password", "password-too-short"),
        ("team", "too-long"),
    ] {
        assert_eq!(errs.get(field), Some(code), "{field}: {errs:?}");
    }
    assert_eq!(w.service.users(&admin, w.county).await.unwrap().len(), 3);
    let failed = crate::log(&w)
        .await
        .into_iter()
        .filter(|e| e.outcome == "failed" && e.action == "create")
        .count();
    assert_eq!(failed, 1);

    let dup = user_form("county.worker", "social_worker");
    let Err(ServiceError::Invalid(errs)) = w.service.create_user(&admin, w.county, &dup).await
    else {
        panic!("expected a duplicate to be refused");
    };
    assert_eq!(errs.get("username"), Some("username-taken"));

    let Err(ServiceError::Invalid(errs)) = w
        .service
        .create_organisation(&admin, &org_form("ngo", "Dup ry", "0737546-2"))
        .await
    else {
        panic!("expected a duplicate business ID to be refused");
    };
    assert_eq!(errs.get("business_id"), Some("business-id-taken"));
    let Err(ServiceError::Invalid(errs)) = w
        .service
        .create_organisation(&admin, &org_form("ngo", "Bad ry", "0737546-3"))
        .await
    else {
        panic!("expected a wrong check digit to be refused");
    };
    assert_eq!(errs.get("business_id"), Some("business-id-checksum"));
}

#[tokio::test]
async fn role_changes_are_kept_as_history() {
    let w = World::new().await;
    let admin = w.actor("county.admin").await;
    let mut f = user_form("county.worker", "social_worker");
    f.password = String::new();
    f.roles = vec!["leading_social_worker".into(), "controller".into()];
    w.service
        .update_user(&admin, w.social_worker, &f)
        .await
        .unwrap();
    let v = w.service.user(&admin, w.social_worker).await.unwrap();
    let h: Vec<(String, bool)> = v
        .history
        .iter()
        .map(|c| (c.role.code().to_owned(), c.granted))
        .collect();
    assert!(h.contains(&("social_worker".into(), true)));
    assert!(h.contains(&("social_worker".into(), false)));
    assert!(h.contains(&("leading_social_worker".into(), true)));
    assert!(h.contains(&("controller".into(), true)));
    let by_admin = v
        .history
        .iter()
        .filter(|c| c.changed_by == Some(w.county_admin))
        .count();
    assert_eq!(by_admin, 3);
    // The password was left empty: the old one still works.
    w.actor("county.worker").await;
}

#[tokio::test]
async fn a_provider_role_cannot_be_given_in_a_purchaser_organisation() {
    let w = World::new().await;
    let admin = w.actor("county.admin").await;
    let Err(ServiceError::Invalid(errs)) = w
        .service
        .create_user(
            &admin,
            w.county,
            &user_form("new.one", "provider_signatory"),
        )
        .await
    else {
        panic!("expected refusal");
    };
    assert_eq!(errs.get("roles"), Some("role-wrong-organisation-kind"));
}

#[tokio::test]
async fn the_auditor_sees_only_their_own_organisations_log_and_the_search_is_logged() {
    let w = World::new().await;
    let city_admin = w.actor("city.admin").await;
    w.service.users(&city_admin, w.city).await.unwrap();
    w.service.users(&city_admin, w.county).await.unwrap_err();
    let auditor = w.actor("county.auditor").await;
    let rows = w
        .service
        .audit_search(
            &auditor,
            &AuditQuery {
                actor: Some(w.city_admin),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // The city admin's refused look at the county's users is in the county's log; their own
    // list view of the city's users is not the county's business.
    assert!(rows
        .iter()
        .any(|e| e.outcome == "denied" && e.register_owner == Some(w.county)));
    assert!(rows
        .iter()
        .all(|e| e.register_owner == Some(w.county) || e.actor_org == Some(w.county)));
    assert!(!rows.iter().any(|e| e.action == "list" && e.outcome == "ok"));

    let worker = w.actor("county.worker").await;
    assert!(matches!(
        w.service
            .audit_search(&worker, &AuditQuery::default())
            .await
            .unwrap_err(),
        ServiceError::Denied(Denial::MissingRole)
    ));
    let log = crate::log(&w).await;
    assert!(log
        .iter()
        .any(|e| e.action == "search" && e.actor_id == Some(w.auditor) && e.outcome == "ok"));
    assert!(log.iter().any(|e| e.action == "search"
        && e.actor_id == Some(w.social_worker)
        && e.outcome == "denied"));
    let v = w.service.audit_verify().await.unwrap();
    assert_eq!(v.first_break, None);
}

#[tokio::test]
async fn a_family_account_cannot_be_given_a_staff_role_through_the_user_form() {
    use crate::clients::{hetu, person_form};
    let w = World::new().await;
    let s = &w.service;
    let social = w.actor("county.worker").await;
    let admin = w.actor("county.admin").await;
    let client = s
        .register_client(
            &social,
            &person_form(&hetu(2016, 4, 4, 961), "Oona", "Kuvitelma"),
            &[person_form(&hetu(1986, 6, 6, 972), "Olli", "Kuvitelma")],
        )
        .await
        .unwrap();
    let guardian = s.client(&social, client).await.unwrap().client.guardians[0];
    let uid = s
        .create_person_account(&social, guardian, "olli.k", testkit::PASSWORD)
        .await
        .unwrap();
    let view = s.user(&admin, uid).await.unwrap();
    let mut f = UserForm::from(&view.user);
    f.roles = vec!["auditor".into()];
    let e = s.update_user(&admin, uid, &f).await.unwrap_err();
    assert!(
        matches!(e, ServiceError::Denied(Denial::FamilyAccount)),
        "{e:?}"
    );
    let after = s.user(&admin, uid).await.unwrap().user;
    assert_eq!(after.roles, vec![domain::org::Role::ClientOrGuardian]);
    let log = testkit::audit_log(&w.test_db.db).await;
    assert!(log
        .iter()
        .any(|e| e.outcome == "denied" && e.record_id == Some(uid)));
    // The administrator may still close the account.
    s.set_user_active(&admin, uid, false).await.unwrap();
}

#[tokio::test]
async fn list_views_and_guardians_are_logged_with_every_person_shown() {
    use crate::clients::{hetu, person_form};
    let w = World::new().await;
    let s = &w.service;
    let social = w.actor("county.worker").await;
    let a = s
        .register_client(
            &social,
            &person_form(&hetu(2012, 2, 2, 983), "Eero", "Luettelo"),
            &[person_form(&hetu(1982, 2, 2, 984), "Emma", "Luettelo")],
        )
        .await
        .unwrap();
    let b = s
        .register_client(
            &social,
            &person_form(&hetu(2013, 3, 3, 985), "Aada", "Luettelo"),
            &[],
        )
        .await
        .unwrap();
    let guardian = s.client(&social, a).await.unwrap().guardians[0].0;
    s.clients(&social).await.unwrap();
    let log = testkit::audit_log(&w.test_db.db).await;
    // The list names every client it showed, guardians included (they are in the register).
    let list = log
        .iter()
        .rfind(|e| e.action == "list" && e.record_kind == "client")
        .unwrap();
    for id in [a, b, guardian] {
        assert!(
            list.subjects.contains(&id),
            "{id} not in {:?}",
            list.subjects
        );
    }
    // The client's page names the guardian it showed.
    let read = log
        .iter()
        .rfind(|e| e.action == "read" && e.subject_id == Some(a))
        .unwrap();
    assert_eq!(read.subjects, vec![guardian]);
    // The auditor finds both by the guardian.
    let auditor = w.actor("county.auditor").await;
    let found = s
        .audit_search(
            &auditor,
            &AuditQuery {
                record: Some(guardian),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(found.iter().any(|e| e.seq == list.seq));
    assert!(found.iter().any(|e| e.seq == read.seq));
    // The chain covers the subjects.
    assert_eq!(db::audit::verify(s.db()).await.unwrap().first_break, None);
    testkit::tamper_with_log(
        &w.test_db.db,
        &format!(
            "UPDATE audit_log SET subjects = '' WHERE seq = {}",
            read.seq
        ),
    )
    .await;
    assert!(db::audit::verify(s.db())
        .await
        .unwrap()
        .first_break
        .is_some());
}
