//! The one integration-test binary of `kumppani`: the command line, run as a real process against a
//! real database (SQLite, or PostgreSQL when `KUMPPANI_TEST_DATABASE_URL` names a server).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ocds;
mod registers;
mod retention;
mod route_walk;

use std::process::Command;

fn kumppani(db_url: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kumppani"))
        .arg("--database")
        .arg(db_url)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("KUMPPANI_LOG", "warn")
        .output()
        .expect("running kumppani");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test]
async fn audit_verify_passes_untouched_and_names_the_edited_entry() {
    let w = testkit::World::new().await;
    // Some ordinary use on top of the set-up: sign-ins, a list view, a refused attempt.
    let admin = w.actor("county.admin").await;
    w.service.users(&admin, w.county).await.unwrap();
    let city = w.actor("city.admin").await;
    w.service.users(&city, w.county).await.unwrap_err();
    let url = w.test_db.url.clone();

    let (code, out) = kumppani(&url, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("access log intact"), "{out}");

    testkit::tamper_with_log(
        &w.test_db.db,
        "UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 7",
    )
    .await;
    let (code, out) = kumppani(&url, &["audit", "verify"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("entry 7 has been altered"), "{out}");
    assert!(out.contains("after 6 intact entries"), "{out}");
}

#[tokio::test]
async fn migrate_is_idempotent() {
    let t = testkit::empty_db().await;
    let (code, out) = kumppani(&t.url, &["migrate"]);
    assert_eq!(code, 0, "{out}");
    let all = format!("{} migration(s) applied", db::migrate_count());
    assert!(out.contains(&all), "{out}");
    let (code, out) = kumppani(&t.url, &["migrate"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 migration(s) applied"), "{out}");
}

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../notice/tests/fixtures/hilma"
);

#[tokio::test]
async fn notice_show_prints_text_in_the_chosen_language_and_json_in_the_documented_schema() {
    let t = testkit::migrated_db().await;
    let file = format!("{FIXTURES}/social_contract.json");
    let (code, out) = kumppani(&t.url, &["notice", "show", &file, "--lang", "sv"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Huvudklassificering: 85300000"), "{out}");
    assert!(
        out.contains("Del (anbudsområde) 1: Tehostettu perhetyö"),
        "{out}"
    );
    let (code, out) = kumppani(&t.url, &["notice", "show", &file, "--json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["notice"]["schema"], "kumppani-notice/1");
    assert_eq!(v["notice"]["lots"].as_array().unwrap().len(), 2);
    assert_eq!(v["notice"]["buyers"][0]["national_id"], "9909901-1");
    assert!(v["warnings"].is_array());
}

#[tokio::test]
async fn notice_coverage_reports_per_file_and_fails_on_an_unreadable_file() {
    let t = testkit::migrated_db().await;
    let (code, out) = kumppani(&t.url, &["notice", "coverage", FIXTURES]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("total: 2 files, 2 read, 0 could not be read"),
        "{out}"
    );
    assert!(out.contains("buyer_name"), "{out}");
    let dir = std::env::temp_dir().join(format!("kumppani-cov-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("ok.json"),
        std::fs::read(format!("{FIXTURES}/social_award.json")).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("broken.xml"),
        "<TED_EXPORT>\n<CODED_DATA_SECTION>\n</TED_EXPORT>",
    )
    .unwrap();
    let (code, out) = kumppani(&t.url, &["notice", "coverage", dir.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("broken.xml:3 in /TED_EXPORT/CODED_DATA_SECTION"),
        "{out}"
    );
    assert!(out.contains("1 could not be read"), "{out}");
}

#[tokio::test]
async fn notice_import_creates_then_updates_and_links() {
    let w = testkit::World::new().await;
    let url = w.test_db.url.clone();
    let contract = format!("{FIXTURES}/social_contract.json");
    // The fixtures' buyer is not registered in this world: name the purchaser.
    let (code, out) = kumppani(&url, &["notice", "import", &contract]);
    assert_eq!(code, 1, "{out}");
    // Its buyer is another organisation: only on its behalf.
    let (code, out) = kumppani(
        &url,
        &["notice", "import", &contract, "--purchaser", "3221311-5"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("buyer is another organisation (Kuvitteellinen hyvinvointialue (9909901-1))"),
        "{out}"
    );
    let (code, out) = kumppani(
        &url,
        &[
            "notice",
            "import",
            &contract,
            "--purchaser",
            "3221311-5",
            "--on-behalf",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("created"), "{out}");
    assert!(out.contains("2 lots"), "{out}");
    assert!(out.contains("on behalf of the notice's buyer"), "{out}");
    let (code, out) = kumppani(
        &url,
        &[
            "notice",
            "import",
            FIXTURES,
            "--purchaser",
            "3221311-5",
            "--on-behalf",
        ],
    );
    assert_eq!(code, 0, "{out}");
    let actions: Vec<&str> = out
        .lines()
        .filter(|l| !l.trim_start().starts_with("note:"))
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    // The directory is read in name order: the award first (linked), then the contract again.
    assert_eq!(actions, ["linked", "updated"], "{out}");
    let admin = w.actor("county.admin").await;
    assert_eq!(w.service.procurements(&admin).await.unwrap().len(), 1);
}

const INVOICE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../einvoice/tests/fixtures/finvoice30-perhetyo-lokakuu.xml"
);

#[tokio::test]
async fn invoices_show_prints_what_was_read_and_json_in_the_documented_schema() {
    let t = testkit::migrated_db().await;
    let (code, out) = kumppani(&t.url, &["invoices", "show", INVOICE, "--lang", "en"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Invoice 2026-1042 — Finvoice 3.0, ISO-8859-15"),
        "{out}"
    );
    assert!(
        out.contains("Seller: Perhetyö Pähkinä Oy (2468013-7)"),
        "{out}"
    );
    assert!(out.contains("The invoice's sums and VAT agree"), "{out}");
    let (code, out) = kumppani(&t.url, &["invoices", "show", INVOICE, "--json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema"], "kumppani-invoice/1");
    assert_eq!(v["invoice"]["totals"]["payable"], "1158.50");
    assert_eq!(v["invoice"]["lines"].as_array().unwrap().len(), 3);
    assert!(v["findings"].as_array().unwrap().is_empty());
    // A broken file is an error naming its line.
    let dir = std::env::temp_dir().join(format!("kumppani-inv-show-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.xml");
    std::fs::write(
        &broken,
        "<Finvoice Version=\"3.0\">\n<InvoiceDetails>\n</Finvoice>",
    )
    .unwrap();
    let (code, out) = kumppani(&t.url, &["invoices", "show", broken.to_str().unwrap()]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("broken.xml:3"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn invoices_import_takes_in_the_drop_folder_and_moves_each_file_by_its_outcome() {
    let w = testkit::World::new().await;
    let dir = std::env::temp_dir().join(format!("kumppani-inv-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The world's provider bills the county with no commitment number: kept aside. The
    // fixture's own seller is no organisation here (its buyer, Vantaa, is): kept aside too.
    let mut inv = einvoice::read(&std::fs::read(INVOICE).unwrap(), "f.xml")
        .unwrap()
        .invoice;
    inv.seller.business_id = Some("0737546-2".into());
    inv.seller.legal_id = None;
    inv.seller.vat_id = None;
    inv.buyer.business_id = Some("3221311-5".into());
    inv.buyer.legal_id = None;
    std::fs::write(dir.join("a.xml"), einvoice::write::finvoice(&inv)).unwrap();
    std::fs::copy(INVOICE, dir.join("b.xml")).unwrap();
    std::fs::write(dir.join("c.xml"), "not xml").unwrap();
    std::fs::write(dir.join("notes.txt"), "not an invoice").unwrap();
    let (code, out) = kumppani(
        &w.test_db.url,
        &["invoices", "import", dir.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{out}");
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.ends_with(")") || l.contains(": "))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("a.xml: kept aside (unknown-commitment)")),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("b.xml: kept aside (unknown-seller)")),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("c.xml: refused (invoice-unreadable)")),
        "{out}"
    );
    assert!(dir.join("done/a.xml").is_file());
    assert!(dir.join("done/b.xml").is_file());
    assert!(dir.join("refused/c.xml").is_file());
    assert!(dir.join("notes.txt").is_file());
    // Run again: nothing new to take in.
    let (code, out) = kumppani(
        &w.test_db.url,
        &["invoices", "import", dir.to_str().unwrap()],
    );
    assert_eq!((code, out.trim()), (0, ""), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `../shared/data` beside the checkout: CI always has it; elsewhere its tests say loudly that
/// they were skipped.
fn shared_data() -> Option<std::path::PathBuf> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if p.is_dir() {
        return Some(p);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is missing, and CI always has it",
        p.display()
    );
    eprintln!("\n*** SKIPPED: ../shared/data not found beside the checkout ***\n");
    None
}

#[tokio::test]
async fn notice_coverage_reads_every_real_and_synthetic_notice_in_the_shared_data() {
    let Some(data) = shared_data() else { return };
    let t = testkit::migrated_db().await;
    for dir in [
        "ted-xml-real",
        "ted-xml-synthetic/output/samples",
        "hilma-sdk/examples",
        "hilma-legacy/Hilma.MigrationExample",
    ] {
        let path = data.join(dir);
        let (code, out) = kumppani(&t.url, &["notice", "coverage", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{dir}: {out}");
        assert!(out.contains(", 0 could not be read"), "{dir}: {out}");
    }
    // The eForms examples include INVALID_* files on purpose: only those may fail, and the
    // command says so with its exit status.
    for dir in ["eforms-sdk/examples", "eforms-sdk/older-versions"] {
        let path = data.join(dir);
        let (code, out) = kumppani(&t.url, &["notice", "coverage", path.to_str().unwrap()]);
        let failed: Vec<&str> = out.lines().filter(|l| l.starts_with("FAILED")).collect();
        assert!(
            !failed.is_empty(),
            "{dir}: the INVALID_* examples without a CustomizationID fail"
        );
        assert_eq!(code, 1, "{dir}");
        for f in &failed {
            assert!(
                f.contains("INVALID_"),
                "{dir}: only INVALID_* files fail: {f}"
            );
        }
        let read = out.lines().filter(|l| l.starts_with("read ")).count();
        assert!(read > 80, "{dir}: {read} read");
    }
}

#[tokio::test]
async fn signed_checkpoints_find_entries_removed_with_the_head_rewritten() {
    let w = testkit::World::new().await;
    let admin = w.actor("county.admin").await;
    w.service.users(&admin, w.county).await.unwrap();
    let url = w.test_db.url.clone();
    let dir = std::env::temp_dir().join(format!("kumppani-cp-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("checkpoint.key");
    let cps = dir.join("checkpoints.txt");
    let (k, p) = (key.to_str().unwrap(), cps.to_str().unwrap());
    let (code, out) = kumppani(&url, &["audit", "keygen", "--key", k]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = kumppani(
        &url,
        &["audit", "checkpoint", "--key", k, "--checkpoints", p],
    );
    assert_eq!(code, 0, "{out}");
    let log = testkit::audit_log(&w.test_db.db).await;
    let last = log.last().unwrap().seq;
    assert!(out.contains(&format!("entry {last} signed")), "{out}");
    let (code, out) = kumppani(&url, &["audit", "verify", "--checkpoints", p, "--key", k]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 signed checkpoint(s) hold"), "{out}");

    // Someone with the owner's rights removes the three newest entries and sets the head row
    // to the entry left last: the chain alone still verifies …
    let keep = &log[log.len() - 4];
    testkit::tamper_with_log(
        &w.test_db.db,
        &format!(
            "DELETE FROM audit_log WHERE seq > {}; UPDATE audit_head SET seq = {}, hash = '{}'",
            keep.seq, keep.seq, keep.hash
        ),
    )
    .await;
    let (code, out) = kumppani(&url, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
    // … but not against the signed checkpoint, which names the first missing entry.
    let (code, out) = kumppani(&url, &["audit", "verify", "--checkpoints", p, "--key", k]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("entry {} is missing", keep.seq + 1)),
        "{out}"
    );
    // A checkpoints file signed with another key is refused.
    let other = dir.join("other.key");
    kumppani(&url, &["audit", "keygen", "--key", other.to_str().unwrap()]);
    let (code, out) = kumppani(
        &url,
        &[
            "audit",
            "verify",
            "--checkpoints",
            p,
            "--key",
            other.to_str().unwrap(),
        ],
    );
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("not signed with this key"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The demo's invoices show the controllers every case: a match, a disputed visit billed, a
/// credit note, a month held for its report, hours over the commitment, and a paid month that
/// a new commitment version made to be corrected.
#[tokio::test]
async fn the_demo_has_a_month_of_invoices_with_every_case() {
    use domain::invoice::{InvoiceKind, InvoiceStatus};
    let t = testkit::migrated_db().await;
    let svc = service::Service::new(
        t.db.clone(),
        testkit::TestClock::new(testkit::start_time()),
        service::Settings::default(),
    );
    let creds = kumppani::demo::populate(&svc).await.unwrap();
    let controller = creds
        .iter()
        .find(|c| c.username == "kymenlaakso.controller")
        .unwrap();
    let actor = svc
        .sign_in(&controller.username, &controller.password)
        .await
        .unwrap()
        .session
        .actor;
    let list = svc.invoices(&actor).await.unwrap();
    let get = |n: &str| {
        list.iter()
            .find(|d| d.data.number == n)
            .unwrap_or_else(|| panic!("demo invoice {n}"))
    };
    let codes = |n: &str| {
        get(n)
            .data
            .discrepancies
            .iter()
            .map(|d| d.code.code())
            .collect::<Vec<_>>()
    };
    let paid = get("KP-DEMO-1");
    assert_eq!(paid.data.status, InvoiceStatus::Approved);
    assert!(paid.data.discrepancies.is_empty());
    assert!(
        codes("KP-DEMO-2").contains(&"disputed-billed"),
        "{:?}",
        codes("KP-DEMO-2")
    );
    let credit = get("KP-DEMO-3");
    assert_eq!(credit.data.kind, InvoiceKind::CreditNote);
    assert_eq!(credit.data.credited, vec![get("KP-DEMO-2").id]);
    assert_eq!(get("KP-DEMO-4").data.status, InvoiceStatus::Held);
    assert!(
        codes("KP-DEMO-5").contains(&"over-commitment"),
        "{:?}",
        codes("KP-DEMO-5")
    );
    let due = svc.corrections(&actor).await.unwrap().due;
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0].outcome, domain::correction::Outcome::CreditRequest);
    assert!(due[0].difference.cents() < 0);

    // Vantaa's work activity: Tukiverkko bills the hours and the work participation money,
    // 2 € for each attended hour, and the match finds nothing to say.
    let vantaa = creds
        .iter()
        .find(|c| c.username == "vantaa.controller")
        .unwrap();
    let vantaa = svc
        .sign_in(&vantaa.username, &vantaa.password)
        .await
        .unwrap()
        .session
        .actor;
    let list = svc.invoices(&vantaa).await.unwrap();
    assert_eq!(list.len(), 1);
    let d = &list[0].data;
    assert_eq!(d.number, "TV-DEMO-1");
    assert_eq!(d.status, InvoiceStatus::ToCheck);
    assert!(d.discrepancies.is_empty(), "{:?}", d.discrepancies);
    let money = &d.lines[1];
    assert_eq!(money.item, domain::work_money::ITEM_ID);
    let hours: i64 = money
        .quantity
        .parse::<f64>()
        .map(|h| (h * 60.0).round() as i64)
        .unwrap();
    assert!(hours > 0);
    assert_eq!(money.net.cents(), hours * 200 / 60);
    // Vantaa's budget line: the invoice waits for checking, and the forecast adds the
    // commitment's days after the billed month to the end of the year.
    let budget = svc.budget(&vantaa).await.unwrap();
    assert_eq!(budget.len(), 1);
    let b = &budget[0];
    assert_eq!(b.invoiced, d.payable);
    assert!(b.forecast.expected > b.invoiced, "{:?}", b.forecast);
}
