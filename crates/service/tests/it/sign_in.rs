use chrono::Duration;
use service::ServiceError;
use testkit::{World, PASSWORD};

#[tokio::test]
async fn wrong_password_and_unknown_user_fail_alike_and_are_logged() {
    let w = World::new().await;
    let a = w
        .service
        .sign_in("county.admin", "wrong password!")
        .await
        .unwrap_err();
    let b = w
        .service
        .sign_in("nobody.here", "wrong password!")
        .await
        .unwrap_err();
    assert!(matches!(a, ServiceError::SignInFailed));
    assert!(matches!(b, ServiceError::SignInFailed));
    assert_eq!(a.code(), b.code());
    let log = crate::log(&w).await;
    let failures: Vec<_> = log
        .iter()
        .filter(|e| e.action == "sign_in" && e.outcome == "failed")
        .collect();
    assert_eq!(failures.len(), 2);
    assert_eq!(failures[0].actor_id, Some(w.county_admin));
    assert_eq!(failures[1].actor_id, None);
    assert_eq!(failures[1].actor_name, "nobody.here");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let w = World::new().await;
    for _ in 0..5 {
        w.service
            .sign_in("county.admin", "not the password")
            .await
            .unwrap_err();
    }
    // Locked: even the right password fails, with the same error.
    let e = w
        .service
        .sign_in("county.admin", PASSWORD)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::SignInFailed));
    w.clock.advance(Duration::minutes(16));
    let s = w.service.sign_in("county.admin", PASSWORD).await.unwrap();
    assert_eq!(s.session.actor.user_id, w.county_admin);
}

#[tokio::test]
async fn sessions_are_new_at_each_sign_in_and_expire_when_idle() {
    let w = World::new().await;
    let a = w.service.sign_in("county.admin", PASSWORD).await.unwrap();
    let b = w.service.sign_in("county.admin", PASSWORD).await.unwrap();
    assert_ne!(a.token, b.token);
    assert_ne!(a.session.csrf_token, b.session.csrf_token);
    assert!(w.service.session(&a.token).await.unwrap().is_some());
    w.clock.advance(Duration::minutes(29));
    assert!(
        w.service.session(&a.token).await.unwrap().is_some(),
        "use slides the expiry"
    );
    w.clock.advance(Duration::minutes(29));
    assert!(w.service.session(&a.token).await.unwrap().is_some());
    w.clock.advance(Duration::minutes(31));
    assert!(w.service.session(&a.token).await.unwrap().is_none());
    w.service.sign_out(&b.token).await.unwrap();
    assert!(w.service.session(&b.token).await.unwrap().is_none());
}

#[tokio::test]
async fn a_deactivated_user_is_signed_out_and_cannot_sign_in() {
    let w = World::new().await;
    let admin = w.actor("county.admin").await;
    let worker = w.service.sign_in("county.worker", PASSWORD).await.unwrap();
    w.service
        .set_user_active(&admin, w.social_worker, false)
        .await
        .unwrap();
    assert!(w.service.session(&worker.token).await.unwrap().is_none());
    assert!(matches!(
        w.service
            .sign_in("county.worker", PASSWORD)
            .await
            .unwrap_err(),
        ServiceError::SignInFailed
    ));
}

#[tokio::test]
async fn wrong_passwords_during_a_lock_do_not_extend_it() {
    let w = World::new().await;
    for _ in 0..5 {
        w.service
            .sign_in("county.admin", "not the password")
            .await
            .unwrap_err();
    }
    // An attacker keeps trying through the lock, every few minutes.
    for _ in 0..5 {
        w.clock.advance(Duration::minutes(3));
        w.service
            .sign_in("county.admin", "still guessing")
            .await
            .unwrap_err();
    }
    // 16 minutes after the lock began it is over, whatever was tried meanwhile.
    w.clock.advance(Duration::minutes(1));
    let s = w.service.sign_in("county.admin", PASSWORD).await.unwrap();
    assert_eq!(s.session.actor.user_id, w.county_admin);
}

#[tokio::test]
async fn after_a_lock_one_wrong_password_does_not_lock_again() {
    let w = World::new().await;
    for _ in 0..5 {
        w.service
            .sign_in("county.admin", "not the password")
            .await
            .unwrap_err();
    }
    w.clock.advance(Duration::minutes(16));
    // The count starts from nothing once the lock has run out.
    w.service
        .sign_in("county.admin", "one more mistake")
        .await
        .unwrap_err();
    let s = w.service.sign_in("county.admin", PASSWORD).await.unwrap();
    assert_eq!(s.session.actor.user_id, w.county_admin);
}

#[tokio::test]
async fn an_identity_code_typed_as_the_user_name_is_not_logged_in_full() {
    let w = World::new().await;
    let code = domain::ident::PersonalIdentityCode::new_made_up(
        chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap(),
        955,
    )
    .unwrap();
    w.service
        .sign_in(code.as_str(), "whatever")
        .await
        .unwrap_err();
    let log = crate::log(&w).await;
    let failed = log
        .iter()
        .rfind(|e| e.action == "sign_in" && e.outcome == "failed")
        .unwrap();
    assert!(!failed.actor_name.to_uppercase().contains(code.as_str()));
    assert_eq!(failed.actor_name.to_uppercase(), code.masked());
}
