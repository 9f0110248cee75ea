//! `kumppani notice show|coverage|bench|import`: procurement notices on the command line.

use anyhow::{bail, Context, Result};
use domain::codes::{cpv, notice_label, nuts};
use domain::locale::Lang;
use notice::{Notice, Reading};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Notice files under `path`: the file itself, or every `.xml` and `.json` below a directory,
/// in a stable order.
pub fn files(path: &Path) -> Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_owned()]);
    }
    let mut out = Vec::new();
    let mut dirs = vec![path.to_owned()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let p = e
                .with_context(|| format!("reading {}", d.display()))?
                .path();
            if p.is_dir() {
                dirs.push(p);
            } else if matches!(p.extension().and_then(|x| x.to_str()), Some("xml" | "json")) {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A notice file read, refused by its size before it is read; a file that cannot be opened is
/// an error of the command, not a refused notice.
pub fn read_file(path: &Path) -> Result<std::result::Result<Reading, notice::NoticeError>> {
    match notice::read_file(path) {
        Err(e) if matches!(e.kind, notice::ErrorKind::Io(_)) => {
            Err(anyhow::Error::new(e).context(format!("reading {}", path.display())))
        }
        r => Ok(r),
    }
}

fn label(key: &str, lang: Lang, fallback: &str) -> String {
    notice_label(key, lang).unwrap_or(fallback).to_owned()
}

fn text<'t>(t: &'t notice::Text, lang: Lang, n: &Notice) -> Option<&'t str> {
    Notice::text_in(t, lang.code(), &n.languages)
}

fn code_line(list: &domain::codes::CodeList, code: &str, lang: Lang) -> String {
    match list.get(code) {
        Some(c) => format!("{code} {}", c.label(lang)),
        None => code.to_owned(),
    }
}

fn amount(a: &notice::Amount) -> String {
    format!("{} {}", a.value, a.currency)
}

/// The notice as text in `lang`, with the eForms SDK's labels.
pub fn render(r: &Reading, lang: Lang) -> String {
    let n = &r.notice;
    let mut o = String::new();
    let l = |key: &str, fb: &str| label(key, lang, fb);
    let subtype_name = notice_label(&format!("notice:{}", n.subtype), lang)
        .map(str::to_owned)
        .unwrap_or_else(|| n.subtype.clone());
    let _ = writeln!(o, "{}", text(&n.title, lang, n).unwrap_or("(no title)"));
    let _ = writeln!(
        o,
        "{}: {subtype_name}",
        l("business-term:BT-02", "Notice type")
    );
    if let Some(x) = &n.identifiers.notice_number {
        let _ = writeln!(o, "{}: {x}", l("business-term:BT-701", "Notice identifier"));
    }
    if let Some(x) = &n.identifiers.ted_number {
        let _ = writeln!(o, "TED: {x}");
    }
    if let Some(x) = &n.identifiers.procedure_id {
        let _ = writeln!(
            o,
            "{}: {x}",
            l("business-term:BT-04", "Procedure identifier")
        );
    }
    if let Some(x) = &n.dates.issued {
        let _ = writeln!(
            o,
            "{}: {x}",
            l("business-term:BT-05", "Notice dispatch date")
        );
    }
    if let Some(x) = &n.dates.submission_deadline {
        let _ = writeln!(
            o,
            "{}: {x}",
            l("business-term:BT-131", "Deadline for receipt of tenders")
        );
    }
    for b in &n.buyers {
        let name = text(&b.name, lang, n).unwrap_or("");
        let id = b
            .national_id
            .as_deref()
            .map(|i| format!(" ({i})"))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "{}: {name}{id}",
            l("business-term:BT-500", "Official name")
        );
        let addr: Vec<&str> = [&b.address.street, &b.address.postal_code, &b.address.city]
            .into_iter()
            .filter_map(|x| x.as_deref())
            .collect();
        if !addr.is_empty() {
            let _ = writeln!(o, "  {}", addr.join(", "));
        }
        if let Some(u) = &b.url {
            let _ = writeln!(o, "  {u}");
        }
    }
    if let Some(p) = &n.procedure.kind {
        let _ = writeln!(
            o,
            "{}: {}",
            l("business-term:BT-105", "Type of procedure"),
            label(&format!("code:procurement-procedure-type.{p}"), lang, p)
        );
    }
    if let Some(c) = &n.main_cpv {
        let _ = writeln!(
            o,
            "{}: {}",
            l("business-term:BT-262", "Main classification"),
            code_line(cpv(), c, lang)
        );
    }
    for c in &n.additional_cpv {
        let _ = writeln!(
            o,
            "{}: {}",
            l("business-term:BT-263", "Additional classification"),
            code_line(cpv(), c, lang)
        );
    }
    for c in &n.nuts {
        let _ = writeln!(
            o,
            "{}: {}",
            l("business-term:BT-5071", "Country subdivision (NUTS)"),
            code_line(nuts(), c, lang)
        );
    }
    if let Some(v) = &n.estimated_value {
        let _ = writeln!(
            o,
            "{}: {}",
            l("business-term:BT-27", "Estimated value excluding VAT"),
            amount(v)
        );
    }
    if let Some(v) = &n.total_value {
        let _ = writeln!(
            o,
            "{}: {}",
            l("business-term:BT-161", "Value of all contracts"),
            amount(v)
        );
    }
    if n.framework_agreement {
        let _ = writeln!(
            o,
            "{}",
            l("business-term:BT-765", "Framework agreement is involved")
        );
    }
    if n.dynamic_purchasing_system {
        let _ = writeln!(
            o,
            "{}",
            l("business-term:BT-766", "Dynamic purchasing system")
        );
    }
    for (key, fallback, url) in [
        (
            "business-term:BT-15",
            "Address of the procurement documents",
            &n.documents_url,
        ),
        (
            "business-term:BT-18",
            "Address for submission",
            &n.participation_url,
        ),
    ] {
        if let Some(u) = url {
            let _ = writeln!(o, "{}: {u}", l(key, fallback));
        }
    }
    if let Some(r) = &n.review_body {
        let _ = writeln!(
            o,
            "{}: {}",
            l("field:OPT-301-Lot-ReviewOrg", "Review organisation"),
            text(&r.name, lang, n).unwrap_or("")
        );
    }
    if let Some(d) = text(&n.description, lang, n) {
        let _ = writeln!(o, "\n{d}");
    }
    if let Some(d) = text(&n.additional_info, lang, n) {
        let _ = writeln!(
            o,
            "\n{}:\n{d}",
            l("business-term:BT-300", "Additional information")
        );
    }
    for lot in &n.lots {
        let _ = writeln!(
            o,
            "\n{} {}: {}",
            l("business-term:BT-137", "Lot"),
            lot.id,
            text(&lot.title, lang, n).unwrap_or("")
        );
        if let Some(c) = &lot.main_cpv {
            let _ = writeln!(
                o,
                "  {}: {}",
                l("business-term:BT-262", "Main classification"),
                code_line(cpv(), c, lang)
            );
        }
        if let Some(v) = &lot.estimated_value {
            let _ = writeln!(
                o,
                "  {}: {}",
                l("business-term:BT-27", "Estimated value"),
                amount(v)
            );
        }
        if let Some(d) = &lot.duration {
            let unit = label(
                &format!("code:duration-unit.{}", d.unit.to_uppercase()),
                lang,
                &d.unit,
            );
            let _ = writeln!(
                o,
                "  {}: {} × {}",
                l("business-term:BT-36", "Duration"),
                d.value,
                unit.to_lowercase()
            );
        }
        for c in &lot.award_criteria {
            let name = text(&c.name, lang, n).unwrap_or("");
            let weight = c
                .weight
                .as_deref()
                .map(|w| format!(" ({w})"))
                .unwrap_or_default();
            let kind = label(
                &format!("code:award-criterion-type.{}", c.kind),
                lang,
                &c.kind,
            );
            let _ = writeln!(o, "  {kind}: {name}{weight}");
        }
        if let Some(d) = text(&lot.description, lang, n) {
            let _ = writeln!(o, "  {}", d.replace('\n', "\n  "));
        }
        if let Some(d) = text(&lot.additional_info, lang, n) {
            let _ = writeln!(
                o,
                "  {}: {}",
                l("business-term:BT-300", "Additional information"),
                d.replace('\n', "\n  ")
            );
        }
    }
    for res in &n.results {
        let _ = writeln!(
            o,
            "\n{} {}: {}",
            l("business-term:BT-142", "Winner selection status"),
            res.lot_ids.join(", "),
            if res.awarded {
                label("code:winner-selection-status.selec-w", lang, "awarded")
            } else {
                label("code:winner-selection-status.clos-nw", lang, "not awarded")
            }
        );
        for w in &res.winners {
            let _ = writeln!(
                o,
                "  {}{}",
                text(&w.name, lang, n).unwrap_or(""),
                w.national_id
                    .as_deref()
                    .map(|i| format!(" ({i})"))
                    .unwrap_or_default()
            );
        }
        if let Some(v) = &res.value {
            let _ = writeln!(
                o,
                "  {}: {}",
                l("business-term:BT-720", "Value of the tender"),
                amount(v)
            );
        }
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(o, "\n{} warning(s):", r.warnings.len());
        for w in &r.warnings {
            let line = w.line.map(|l| format!(":{l}")).unwrap_or_default();
            let _ = writeln!(o, "  {}{line}: {}", w.location, w.message);
        }
    }
    o
}

pub fn show(path: &Path, lang: Lang, json: bool) -> Result<()> {
    match read_file(path)? {
        Ok(r) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&r).context("serialising the notice")?
                );
            } else {
                print!("{}", render(&r, lang));
            }
            Ok(())
        }
        Err(e) => bail!("{e}"),
    }
}

/// The ocid prefix written when none is given: a placeholder until the publisher registers its
/// own with the Open Contracting Partnership.
pub const OCID_PREFIX: &str = "ocds-kumppani";

/// Prints an OCDS 1.1 release package holding the notice's release.
pub fn show_ocds(path: &Path, ocid_prefix: &str) -> Result<()> {
    let r = match read_file(path)? {
        Ok(r) => r,
        Err(e) => bail!("{e}"),
    };
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let release = notice::ocds::release(&r.notice, ocid_prefix, &now)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let uri = notice::ocds::uri(&format!("urn:kumppani:notice:{}", release.id))
        .context("the release's identifier makes no URI")?;
    let package = notice::ocds::package(
        &uri,
        &now,
        notice::ocds::Publisher {
            name: "Kumppani".into(),
            scheme: None,
            uid: None,
        },
        vec![release],
    );
    println!(
        "{}",
        serde_json::to_string_pretty(&package).context("serialising the release")?
    );
    Ok(())
}

/// Reads every file and prints per file and in total what was read; false if any failed.
pub fn coverage(path: &Path) -> Result<bool> {
    let files = files(path)?;
    let mut fields: BTreeMap<&'static str, usize> = BTreeMap::new();
    let (mut read, mut failed, mut warnings) = (0usize, 0usize, 0usize);
    for f in &files {
        match read_file(f)? {
            Ok(r) => {
                read += 1;
                warnings += r.warnings.len();
                let filled = r.notice.filled();
                for x in &filled {
                    *fields.entry(x).or_default() += 1;
                }
                println!(
                    "read    {}  {} lots, {} warnings  [{}]",
                    f.display(),
                    r.notice.lots.len(),
                    r.warnings.len(),
                    filled.join(" ")
                );
            }
            Err(e) => {
                failed += 1;
                println!("FAILED  {e}");
            }
        }
    }
    println!(
        "\ntotal: {} files, {read} read, {failed} could not be read, {warnings} warnings",
        files.len()
    );
    for (k, v) in &fields {
        println!("  {k:<22} {v:>5} of {read}");
    }
    Ok(failed == 0)
}

/// Reads every notice under `path` `rounds` times on one thread, and beside it a bare
/// quick-xml pass over the same bytes; prints notices per second and MB per second for both.
pub fn bench(path: &Path, rounds: u32) -> Result<()> {
    let mut docs = Vec::new();
    for f in files(path)? {
        if f.extension().and_then(|x| x.to_str()) == Some("xml") {
            docs.push(std::fs::read(&f).with_context(|| format!("reading {}", f.display()))?);
        }
    }
    let bytes: usize = docs.iter().map(Vec::len).sum();
    let mb = bytes as f64 / 1_000_000.0;
    let rounds = rounds.max(1);
    // Warm the caches and the code lists once, so that neither pass pays for them.
    for d in &docs {
        let _ = notice::tokenize_only(d);
        let _ = notice::read(d, "warm-up");
    }
    let mut best_bare = f64::MAX;
    let mut best_read = f64::MAX;
    let mut failed = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        let mut events = 0usize;
        for d in &docs {
            events += notice::tokenize_only(d).unwrap_or(0);
        }
        std::hint::black_box(events);
        best_bare = best_bare.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        failed = 0;
        for d in &docs {
            match notice::read(d, "bench") {
                Ok(r) => {
                    std::hint::black_box(&r);
                }
                Err(_) => failed += 1,
            }
        }
        best_read = best_read.min(t.elapsed().as_secs_f64());
    }
    let n = docs.len() as f64;
    println!(
        "{} XML notices, {:.1} MB, best of {rounds} rounds on one thread",
        docs.len(),
        mb
    );
    println!(
        "bare quick-xml pass:  {:>8.1} ms  {:>8.0} notices/s  {:>7.1} MB/s",
        best_bare * 1000.0,
        n / best_bare,
        mb / best_bare
    );
    println!(
        "normalized reading:   {:>8.1} ms  {:>8.0} notices/s  {:>7.1} MB/s  ({failed} could not be read)",
        best_read * 1000.0,
        n / best_read,
        mb / best_read
    );
    println!(
        "reading runs at {:.0} % of the bare pass's speed",
        100.0 * best_bare / best_read
    );
    Ok(())
}
