//! Signed checkpoints of the access log's head: lines that verify only with their key, and
//! what comparing them with the log finds.

#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use domain::checkpoint::{check, line, parse_key, read, Checkpoint, CheckpointError, Finding};

fn cp(seq: i64, hash: &str) -> Checkpoint {
    Checkpoint {
        seq,
        hash: hash.into(),
        at: Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).unwrap(),
    }
}

#[test]
fn a_checkpoint_line_reads_back_with_its_key_only() {
    let key = parse_key(&"ab".repeat(32)).unwrap();
    let other = parse_key(&"cd".repeat(32)).unwrap();
    let text = format!(
        "{}\n\n{}\n",
        line(&key, &cp(7, "aa")).unwrap(),
        line(&key, &cp(9, "bb")).unwrap()
    );
    assert_eq!(read(&key, &text).unwrap(), vec![cp(7, "aa"), cp(9, "bb")]);
    assert_eq!(read(&other, &text), Err(CheckpointError::Signature(1)));
    // Any change to the line breaks its signature.
    let forged = text.replacen("7 aa", "8 aa", 1);
    assert_eq!(read(&key, &forged), Err(CheckpointError::Signature(1)));
    assert_eq!(read(&key, "1 2 3"), Err(CheckpointError::Format(1)));
    assert_eq!(parse_key("abcd"), Err(CheckpointError::Key));
}

#[test]
fn checkpoints_find_a_shortened_or_rewritten_log() {
    let cps = [cp(3, "h3"), cp(6, "h6")];
    let log = |s: i64| Some(format!("h{s}"));
    assert_eq!(check(&cps, 6, log), None);
    // The log ends at 4: entry 5 is the first missing.
    assert_eq!(
        check(&cps, 4, log),
        Some(Finding::Missing {
            first: 5,
            checkpoint: 6
        })
    );
    // Entry 6 has a new hash: rewritten somewhere after the checkpoint at 3 that still holds.
    let rewritten = |s: i64| Some(if s == 6 { "x".into() } else { format!("h{s}") });
    assert_eq!(
        check(&cps, 6, rewritten),
        Some(Finding::Rewritten { seq: 6, after: 3 })
    );
}
