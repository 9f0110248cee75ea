//! Validation of what Kumppani writes against the published XML schemas in
//! `../shared/data` (Finvoice 3.0, UBL 2.1), with xmllint, libxml2's validator.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `../shared/data/<sub>` beside the repository; `None` (the test is skipped, loudly) where it
/// is missing outside CI, a failure in CI.
pub fn shared_data(sub: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(sub);
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "../shared/data/{sub} not found at {}: CI must have it",
        p.display()
    );
    eprintln!("SKIPPED: ../shared/data/{sub} not found");
    None
}

/// Validates `xml` against `xsd` with xmllint; `None` (skipped, loudly) where xmllint is
/// missing outside CI. The error is xmllint's report.
pub fn validate(xml: &str, xsd: &Path) -> Option<Result<(), String>> {
    let dir = std::env::temp_dir().join(format!("kumppani-xsd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{}.xml", uuid::Uuid::now_v7().simple()));
    std::fs::write(&file, xml).unwrap();
    let out = match Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(xsd)
        .arg(&file)
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "xmllint could not run ({e}): CI must have it (scripts/test installs libxml2-utils)"
            );
            eprintln!("SKIPPED: xmllint not found ({e})");
            let _ = std::fs::remove_file(&file);
            return None;
        }
    };
    let _ = std::fs::remove_file(&file);
    if out.status.success() {
        Some(Ok(()))
    } else {
        Some(Err(String::from_utf8_lossy(&out.stderr).into_owned()))
    }
}

/// The schemas of the e-invoices Kumppani writes, under `../shared/data/einvoice`: Finvoice
/// 3.0, the UBL 2.1 invoice and the UBL 2.1 credit note.
pub struct EinvoiceSchemas {
    pub finvoice: PathBuf,
    pub ubl_invoice: PathBuf,
    pub ubl_credit_note: PathBuf,
}

pub fn einvoice_schemas() -> Option<EinvoiceSchemas> {
    let shared = shared_data("einvoice")?;
    Some(EinvoiceSchemas {
        finvoice: shared.join("finvoice-schema/tawasta-edi-17.0/Finvoice3.0.xsd"),
        ubl_invoice: shared.join("ubl-2.1-xsd/xsd/maindoc/UBL-Invoice-2.1.xsd"),
        ubl_credit_note: shared.join("ubl-2.1-xsd/xsd/maindoc/UBL-CreditNote-2.1.xsd"),
    })
}
