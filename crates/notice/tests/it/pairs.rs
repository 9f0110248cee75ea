//! TED XML notices and their eForms conversions (`ted-xml-real/converter-test-notices/`): the two
//! readings of one notice must agree on buyer, title, CPV, NUTS, lot count and values.

use notice::{read, Notice};
use std::path::Path;

fn data() -> Option<std::path::PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if p.is_dir() {
        return Some(p);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "../shared/data is missing, and CI always has it"
    );
    eprintln!("\n*** SKIPPED: ../shared/data not found ***\n");
    None
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn first_title(n: &Notice) -> String {
    norm(
        Notice::text_in(
            &n.title,
            n.languages.first().map(String::as_str).unwrap_or("en"),
            &n.languages,
        )
        .unwrap_or(""),
    )
}

fn buyer(n: &Notice) -> String {
    n.buyers
        .first()
        .and_then(|b| Notice::text_in(&b.name, "en", &n.languages))
        .map(norm)
        .unwrap_or_default()
}

fn agree(ted: &Notice, ef: &Notice, name: &str) {
    assert_eq!(buyer(ted), buyer(ef), "{name}: buyer");
    assert_eq!(first_title(ted), first_title(ef), "{name}: title");
    assert_eq!(ted.main_cpv, ef.main_cpv, "{name}: main CPV");
    let mut a = ted.nuts.clone();
    let mut b = ef.nuts.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "{name}: NUTS");
    assert_eq!(ted.lots.len(), ef.lots.len(), "{name}: lot count");
    assert_eq!(
        ted.estimated_value.as_ref().and_then(|v| v.cents()),
        ef.estimated_value.as_ref().and_then(|v| v.cents()),
        "{name}: estimated value"
    );
    let values = |n: &Notice| -> Vec<Option<i64>> {
        n.lots
            .iter()
            .map(|l| l.estimated_value.as_ref().and_then(|v| v.cents()))
            .collect()
    };
    assert_eq!(values(ted), values(ef), "{name}: lot values");
}

#[test]
fn ted_xml_and_its_eforms_conversion_agree() {
    let Some(data) = data() else { return };
    let dir = data.join("ted-xml-real/converter-test-notices");
    let mut pairs = 0;
    let mut ted_files = 0;
    for e in std::fs::read_dir(dir.join("ted-xml")).unwrap() {
        let p = e.unwrap().path();
        ted_files += 1;
        let ted = read(&std::fs::read(&p).unwrap(), &p.display().to_string()).unwrap();
        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
        // A conversion is named after the TED file, with or without the -EXP suffix.
        let candidates = [
            dir.join("eforms-xml").join(format!("{stem}.xml")),
            dir.join("eforms-xml")
                .join(format!("{}.xml", stem.trim_end_matches("-EXP"))),
        ];
        let Some(ef) = candidates.iter().find(|c| c.is_file()) else {
            continue;
        };
        let ef = read(&std::fs::read(ef).unwrap(), &ef.display().to_string()).unwrap();
        agree(&ted.notice, &ef.notice, &stem);
        pairs += 1;
    }
    assert!(ted_files >= 6, "the converter's TED notices are there");
    // The published release has no eForms conversions yet (its eforms-xml folder holds only a
    // placeholder, and its README says the work is in progress): every pair present is checked.
    eprintln!("converter pairs compared: {pairs} of {ted_files} TED notices");
}
