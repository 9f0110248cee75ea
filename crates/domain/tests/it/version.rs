//! Versions of client documents: their reasons and the order they are shown in.

#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use domain::version::{newest_first, Change, Reason, Version};
use std::collections::HashSet;

#[test]
fn every_reason_has_its_own_code_and_reads_back() {
    let codes: HashSet<&str> = Reason::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(codes.len(), Reason::ALL.len());
    for r in Reason::ALL {
        assert_eq!(Reason::parse(r.code()), Some(r));
    }
    assert_eq!(Reason::parse("overwritten"), None);
}

#[test]
fn the_newest_version_is_shown_first_and_a_note_is_bounded() {
    let at = |h| Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0).unwrap();
    let v = |number: u32| Version {
        number,
        status: "submitted".into(),
        content: number,
        written_at: at(number),
        replaced_at: at(number + 1),
        replaced_by: "Kaisa Esimerkki".into(),
        reason: Reason::Returned,
        note: String::new(),
    };
    let shown: Vec<u32> = newest_first(vec![v(1), v(3), v(2)])
        .into_iter()
        .map(|x| x.number)
        .collect();
    assert_eq!(shown, vec![3, 2, 1]);
    let c = Change::new("Kaisa", Reason::Returned).with_note(&"x".repeat(5000));
    assert_eq!(c.note.chars().count(), 4000);
}
