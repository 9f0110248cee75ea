//! The one integration-test binary of `einvoice`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod read;
mod rules;
mod shared;
mod write;

use std::path::{Path, PathBuf};

pub fn fixture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The fixture as UTF-8 text (the Finvoice fixture is ISO-8859-15).
pub fn fixture_text(name: &str) -> String {
    let bytes = fixture(name);
    match std::str::from_utf8(&bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|b| char::from(*b)).collect(),
    }
}

/// `../shared/data/einvoice`; `None` (the test is skipped, loudly) where it is missing outside
/// CI.
pub fn shared_einvoice() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/einvoice");
    if p.is_dir() {
        return Some(p);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "../shared/data/einvoice not found at {}: CI must have it",
        p.display()
    );
    eprintln!("SKIPPED: ../shared/data/einvoice not found");
    None
}
