use db::schema::describe;

/// The two migration folders must give the same tables, columns, types (PostgreSQL types mapped
/// to their SQLite twins), nullability, keys and indexes.
#[tokio::test]
async fn both_backends_have_the_same_schema() {
    let Some(pg) = testkit::postgres_url() else {
        eprintln!(
            "SKIPPED both_backends_have_the_same_schema: set {} to a PostgreSQL server (scripts/test does)",
            testkit::ENV
        );
        return;
    };
    let lite = testkit::sqlite_db().await;
    lite.db.migrate().await.unwrap();
    let pg = testkit::postgres_db(&pg).await;
    pg.db.migrate().await.unwrap();
    let a = describe(&lite.db).await.unwrap();
    let b = describe(&pg.db).await.unwrap();
    assert!(a.len() > 50, "schema description looks too small: {a:?}");
    let only_sqlite: Vec<_> = a.iter().filter(|x| !b.contains(x)).collect();
    let only_pg: Vec<_> = b.iter().filter(|x| !a.contains(x)).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "schemas differ\nonly in SQLite: {only_sqlite:#?}\nonly in PostgreSQL: {only_pg:#?}"
    );
}

#[tokio::test]
async fn migrating_twice_applies_nothing_the_second_time() {
    let t = testkit::empty_db().await;
    let first = t.db.migrate().await.unwrap();
    assert!(!first.is_empty());
    let second = t.db.migrate().await.unwrap();
    assert!(second.is_empty());
}

/// A unique violation is recognised on both backends; on PostgreSQL it also aborts the
/// transaction, which is why use cases check before they insert and roll back on error.
#[tokio::test]
async fn unique_violation_is_recognised() {
    let t = testkit::migrated_db().await;
    let data = testkit::org_form("county", "A", "3221311-5")
        .validate()
        .unwrap();
    let now = chrono::Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    db::organisation::insert(&mut tx, uuid::Uuid::now_v7(), &data, now)
        .await
        .unwrap();
    let err = db::organisation::insert(&mut tx, uuid::Uuid::now_v7(), &data, now)
        .await
        .unwrap_err();
    assert!(err.is_unique_violation(), "{err}");
    tx.rollback().await.unwrap();
    let mut tx = t.db.begin().await.unwrap();
    assert!(db::organisation::list(&mut tx).await.unwrap().is_empty());
}
