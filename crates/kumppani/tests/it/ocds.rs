//! OCDS out: every release package Kumppani writes validates against the OCDS 1.1 release
//! package schema (`data/ocds`, with the release schema it refers to), format assertions on.

use crate::{kumppani, shared_data, FIXTURES};
use std::path::{Path, PathBuf};

const SCHEMAS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ocds");
const PACKAGE_ID: &str =
    "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json";
const RELEASE_ID: &str = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json";

pub struct Validator {
    schemas: boon::Schemas,
    package: boon::SchemaIndex,
}

impl Validator {
    pub fn new() -> Validator {
        let load = |name: &str| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(Path::new(SCHEMAS).join(name)).unwrap())
                .unwrap()
        };
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        compiler
            .add_resource(RELEASE_ID, load("release-schema.json"))
            .unwrap();
        compiler
            .add_resource(PACKAGE_ID, load("release-package-schema.json"))
            .unwrap();
        let mut schemas = boon::Schemas::new();
        let package = compiler.compile(PACKAGE_ID, &mut schemas).unwrap();
        Validator { schemas, package }
    }

    /// Panics with every violation, naming `what`.
    pub fn check(&self, what: &str, package: &serde_json::Value) {
        if let Err(e) = self.schemas.validate(package, self.package) {
            panic!("{what}: not a valid OCDS 1.1 release package:\n{e:#}");
        }
    }
}

fn notices(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            notices(&p, out);
        } else if matches!(p.extension().and_then(|x| x.to_str()), Some("xml" | "json"))
            && !p.to_string_lossy().contains("INVALID_")
        {
            out.push(p);
        }
    }
}

fn package_of(n: &notice::Notice) -> serde_json::Value {
    let release = notice::ocds::release(n, "ocds-test", "2026-12-07T10:00:00Z").unwrap();
    let p = notice::ocds::package(
        "urn:kumppani:test",
        "2026-12-07T10:00:00Z",
        notice::ocds::Publisher {
            name: "Kumppani".into(),
            scheme: None,
            uid: None,
        },
        vec![release],
    );
    serde_json::to_value(&p).unwrap()
}

#[test]
fn a_notices_release_validates_and_carries_its_parties_lots_and_awards() {
    let v = Validator::new();
    // The project's own fixtures: a contract notice and its award.
    for f in ["social_contract.json", "social_award.json"] {
        let r = notice::read_file(&Path::new(FIXTURES).join(f)).unwrap();
        let p = package_of(&r.notice);
        v.check(f, &p);
        let rel = &p["releases"][0];
        assert_eq!(rel["parties"][0]["roles"][0], "buyer", "{f}");
        assert_eq!(
            rel["parties"][0]["identifier"]["scheme"], "FI-PRO",
            "{f}: a Finnish business ID"
        );
        assert!(
            rel["ocid"].as_str().unwrap().starts_with("ocds-test-"),
            "{f}"
        );
    }
    let award = notice::read_file(&Path::new(FIXTURES).join("social_award.json")).unwrap();
    let p = package_of(&award.notice);
    let rel = &p["releases"][0];
    assert_eq!(rel["tag"][0], "award");
    let awards = rel["awards"].as_array().unwrap();
    assert!(!awards.is_empty());
    let supplier = awards
        .iter()
        .find_map(|a| a["suppliers"].as_array().and_then(|s| s.first()))
        .unwrap();
    let party = rel["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == supplier["id"])
        .unwrap();
    assert!(party["roles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == "supplier"));
    // Each lot is in tender.lots, its CPV an item related to it.
    let contract = notice::read_file(&Path::new(FIXTURES).join("social_contract.json")).unwrap();
    let p = package_of(&contract.notice);
    let tender = &p["releases"][0]["tender"];
    let lots: Vec<&str> = tender["lots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(lots.len(), contract.notice.lots.len());
    for item in tender["items"].as_array().unwrap() {
        assert_eq!(item["classification"]["scheme"], "CPV");
        assert!(lots.contains(&item["relatedLot"].as_str().unwrap()));
    }
}

/// Every notice of the shared data that reads has a release that validates.
#[test]
fn every_notice_of_the_shared_data_has_a_valid_release() {
    let Some(data) = shared_data() else { return };
    let v = Validator::new();
    let mut files = Vec::new();
    for dir in [
        "ted-xml-real",
        "ted-xml-synthetic/output/samples",
        "eforms-sdk/examples/notices",
        "hilma-sdk/examples",
    ] {
        notices(&data.join(dir), &mut files);
    }
    let mut checked = 0;
    for f in &files {
        let Ok(r) = notice::read_file(f) else {
            continue;
        };
        let p = package_of(&r.notice);
        v.check(&f.display().to_string(), &p);
        checked += 1;
    }
    // Every file of these folders reads (the INVALID_* examples are left out above).
    assert_eq!(checked, files.len());
    assert!(checked > 250, "only {checked} notices checked");
    eprintln!("OCDS: {checked} notices' releases validate");
}

/// `kumppani notice show FILE --ocds`: the command prints the package.
#[tokio::test]
async fn notice_show_ocds_prints_a_valid_package() {
    let t = testkit::migrated_db().await;
    let f = format!("{FIXTURES}/social_contract.json");
    let (code, out) = kumppani(
        &t.url,
        &[
            "notice",
            "show",
            &f,
            "--ocds",
            "--ocid-prefix",
            "ocds-abc123",
        ],
    );
    assert_eq!(code, 0, "{out}");
    let p: serde_json::Value = serde_json::from_str(&out).unwrap();
    Validator::new().check("notice show --ocds", &p);
    assert_eq!(p["version"], "1.1");
    assert!(p["releases"][0]["ocid"]
        .as_str()
        .unwrap()
        .starts_with("ocds-abc123-"));
}

/// The demo's open contracting data: valid, naming no person, and with no call-off or payment
/// cell of fewer than five clients. The demo has months of a lot with five clients or more and
/// lots and months with fewer; with the smallest cell lowered to one, the same demo shows the
/// small cells that the rule withholds.
#[tokio::test]
async fn the_demos_open_contracting_data_is_valid_names_no_person_and_withholds_small_cells() {
    let t = testkit::migrated_db().await;
    let svc = service::Service::new(
        t.db.clone(),
        testkit::TestClock::new(testkit::start_time()),
        service::Settings::default(),
    );
    kumppani::demo::populate(&svc).await.unwrap();
    let v = Validator::new();
    let opts = |smallest_cell| service::ocds::OcdsOptions {
        uri: "urn:kumppani:ocds:test".into(),
        smallest_cell,
    };

    let package = svc
        .ocds_package(&opts(service::ocds::SMALLEST_CELL))
        .await
        .unwrap();
    let json = serde_json::to_value(&package).unwrap();
    v.check("the demo's package", &json);
    let text = serde_json::to_string(&json).unwrap();
    // No client, guardian, identity code, address or phone of a client.
    for family in kumppani::demo_clients::FAMILIES.iter().flatten() {
        for name in [family.0, family.1, family.2] {
            assert!(!text.contains(name), "{name} is in the package");
        }
    }
    assert!(domain::ident::identity_code_offsets(text.as_bytes()).is_empty());
    for s in ["Kuvitelmakatu", "040 000 0000", "turvakielto"] {
        assert!(!text.contains(s), "{s} is in the package");
    }
    let releases = json["releases"].as_array().unwrap();
    assert!(!releases.is_empty());
    // Each demo procurement, with its buyer and the providers it admitted.
    assert!(releases
        .iter()
        .all(|r| r["parties"][0]["roles"][0] == "buyer"));
    assert!(releases
        .iter()
        .any(|r| r["awards"].as_array().is_some_and(|a| !a.is_empty())));
    let contracts = |j: &serde_json::Value| -> Vec<serde_json::Value> {
        j["releases"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["contracts"].as_array().cloned().unwrap_or_default())
            .collect()
    };
    let clients = |c: &serde_json::Value| -> usize {
        let d = c["description"].as_str().unwrap();
        d.rsplit(": ")
            .next()
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let published = contracts(&json);
    assert!(
        !published.is_empty(),
        "the demo has cells of five clients or more"
    );
    assert!(published
        .iter()
        .all(|c| clients(c) >= service::ocds::SMALLEST_CELL));

    // The same demo with every cell shown: the small cells were there, with their clients and
    // payments, and none of them is in the published package.
    let all = serde_json::to_value(svc.ocds_package(&opts(1)).await.unwrap()).unwrap();
    v.check("every cell", &all);
    let cells = contracts(&all);
    let small: Vec<&serde_json::Value> = cells
        .iter()
        .filter(|c| clients(c) < service::ocds::SMALLEST_CELL)
        .collect();
    assert!(
        !small.is_empty(),
        "the demo has lots of fewer than five clients"
    );
    for c in &small {
        assert!(
            !published.iter().any(|p| p["id"] == c["id"]),
            "{} has {} clients and is published",
            c["id"],
            clients(c)
        );
    }
    assert_eq!(published.len() + small.len(), cells.len());
    assert!(
        cells
            .iter()
            .any(|c| c["implementation"]["transactions"][0]["value"]["amount"].is_number()),
        "the demo's approved invoices are payments of a cell"
    );
}

/// `kumppani export ocds` and `GET /api/v1/ocds` give the package.
#[tokio::test]
async fn export_ocds_writes_the_package() {
    let t = testkit::migrated_db().await;
    let (code, out) = kumppani(&t.url, &["export", "ocds"]);
    assert_eq!(code, 0, "{out}");
    let p: serde_json::Value = serde_json::from_str(&out).unwrap();
    Validator::new().check("export ocds", &p);
}
