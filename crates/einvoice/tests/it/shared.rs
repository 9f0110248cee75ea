//! Every example in `../shared/data/einvoice` is read, or refused with a reason.

use crate::shared_einvoice;
use einvoice::ErrorKind;
use std::path::{Path, PathBuf};

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            xml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "xml") {
            out.push(p);
        }
    }
}

#[test]
fn every_shared_example_is_read_or_refused_with_a_reason() {
    let Some(dir) = shared_einvoice() else { return };
    let mut files = Vec::new();
    xml_files(&dir, &mut files);
    files.sort();
    assert!(files.len() > 60, "{} files", files.len());
    let (mut read, mut consistent) = (0, 0);
    for f in &files {
        let name = f.strip_prefix(&dir).unwrap().display().to_string();
        let (_, r) = einvoice::read_path(f).unwrap();
        // The official examples of Peppol BIS 3.0 and the Finvoice 3.0 example are valid: the
        // rules must find nothing in them.
        let valid = name.starts_with("peppol-bis-billing-3/rules/")
            || name.starts_with("finvoice-gobl-fi-finvoice/");
        let is_invoice_syntax = name.contains("finvoice_")
            || name.contains("ubl")
            || name.contains("peppol_bis")
            || name.contains("ehf");
        match r {
            Ok(r) => {
                read += 1;
                if valid {
                    assert!(r.findings.is_empty(), "{name}: {:?}", r.findings);
                    consistent += 1;
                }
            }
            Err(e) => {
                assert!(!valid, "{name}: {e}");
                // Refused only for what it is, never for a reader's failure on a real invoice.
                assert!(
                    matches!(e.kind, ErrorKind::UnknownFormat(_) | ErrorKind::Dtd),
                    "{name}: {e}"
                );
                if is_invoice_syntax {
                    assert!(
                        name.contains("svefaktura") || name.contains("oioubl"),
                        "{name}: {e}"
                    );
                }
                assert!(e.line >= 1);
            }
        }
    }
    eprintln!(
        "{read} of {} read, {consistent} official examples consistent",
        files.len()
    );
    assert!(consistent >= 20, "{consistent}");
    assert!(read >= 40, "{read}");
}
