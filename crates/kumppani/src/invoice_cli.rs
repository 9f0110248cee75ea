//! `kumppani invoices show`: an e-invoice on the command line, as read and as checked.

use anyhow::{Context, Result};
use domain::locale::Lang;
use einvoice::{DocumentKind, Reading, Syntax};
use std::fmt::Write as _;
use std::path::Path;
use web::i18n::Tr;

fn opt_date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "-".into())
}

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map(|v| v.to_string())
        .unwrap_or_else(|| "-".into())
}

/// The invoice as text in `lang`: parties, references, lines, totals, then every rule broken
/// (by its EN 16931 id) and every part not read.
pub fn render(r: &Reading, lang: Lang) -> String {
    let t = Tr::new(lang);
    let inv = &r.invoice;
    let mut o = String::new();
    let kind = match inv.kind {
        DocumentKind::Invoice => t.t("invoice-kind-invoice"),
        DocumentKind::CreditNote => t.t("invoice-kind-credit-note"),
    };
    let syntax = match &r.syntax {
        Syntax::Finvoice {
            version,
            soap_frame,
        } => format!(
            "Finvoice {version}{}",
            if *soap_frame { " (SOAP)" } else { "" }
        ),
        Syntax::Ubl { customization } => format!("UBL {}", customization.as_deref().unwrap_or("")),
    };
    let _ = writeln!(o, "{kind} {} — {syntax}, {}", inv.number, r.encoding);
    let _ = writeln!(o, "SHA-256 {}", r.sha256);
    for (label, p) in [
        ("invoice-seller", &inv.seller),
        ("invoice-buyer", &inv.buyer),
    ] {
        let _ = writeln!(
            o,
            "{}: {} ({})",
            t.t(label),
            p.name,
            p.business_id.as_deref().unwrap_or("-")
        );
    }
    let _ = writeln!(
        o,
        "{}: {}  {}: {}",
        t.t("invoice-issued"),
        opt_date(inv.issue_date),
        t.t("invoice-due"),
        opt_date(inv.due_date)
    );
    if let Some(p) = &inv.period {
        let _ = writeln!(
            o,
            "{}: {} – {}",
            t.t("invoice-period"),
            opt_date(p.start),
            opt_date(p.end)
        );
    }
    let refs: Vec<String> = [
        ("BT-10", &inv.buyer_reference),
        ("BT-13", &inv.order_reference),
        ("BT-12", &inv.contract_reference),
    ]
    .iter()
    .filter_map(|(bt, v)| v.as_ref().map(|v| format!("{bt} {v}")))
    .chain(
        inv.preceding_invoices
            .iter()
            .map(|p| format!("BT-25 {}", p.number)),
    )
    .collect();
    if !refs.is_empty() {
        let _ = writeln!(o, "{}: {}", t.t("invoice-references"), refs.join(", "));
    }
    let _ = writeln!(o, "\n{}:", t.t("invoice-lines"));
    for l in &inv.lines {
        let _ = writeln!(
            o,
            "  {:>3}  {:<32} {:>8} {:<4} × {:>9} = {:>10}  {} {}%  {}",
            l.id,
            l.name.as_deref().unwrap_or("-"),
            opt(&l.quantity),
            l.unit.as_deref().unwrap_or(""),
            opt(&l.net_price),
            opt(&l.net_amount),
            l.vat_category.as_deref().unwrap_or("-"),
            opt(&l.vat_rate),
            l.order_reference
                .as_deref()
                .or(l.buyer_reference.as_deref())
                .unwrap_or("")
        );
    }
    let cur = inv.currency.as_deref().unwrap_or("");
    let _ = writeln!(
        o,
        "\n{}: {} {cur}  {}: {} {cur}  {}: {} {cur}",
        t.t("invoice-total-net"),
        opt(&inv.totals.tax_exclusive),
        t.t("invoice-total-vat"),
        opt(&inv.totals.vat_total),
        t.t("invoice-total-payable"),
        opt(&inv.totals.payable)
    );
    if r.findings.is_empty() {
        let _ = writeln!(o, "\n{}", t.t("invoice-consistent"));
    } else {
        let _ = writeln!(
            o,
            "\n{}:",
            t.tn("invoice-findings", "count", r.findings.len() as i64)
        );
        for f in &r.findings {
            let _ = writeln!(o, "  {} {}: {}", f.rule, f.location, f.message);
        }
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(
            o,
            "\n{}:",
            t.tn("invoice-warnings", "count", r.warnings.len() as i64)
        );
        for w in &r.warnings {
            let line = w.line.map(|l| format!(":{l}")).unwrap_or_default();
            let _ = writeln!(o, "  {}{line}: {}", w.location, w.message);
        }
    }
    o
}

/// Prints what was read from `path`, as text or as JSON (schema `kumppani-invoice/1`); a file
/// that cannot be read is an error naming its line and element.
pub fn show(path: &Path, lang: Lang, json: bool) -> Result<()> {
    let (_, reading) = einvoice::read_path(path)?;
    let r = reading?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&r).context("serialising the invoice")?
        );
    } else {
        print!("{}", render(&r, lang));
    }
    Ok(())
}

/// Takes in every `.xml` file directly under `dir` as the operator, and moves it to
/// `dir/done` (kept: received or kept aside) or `dir/refused`, so that running it again takes
/// in only new files. Prints one line per file; false if any was refused.
pub async fn import(svc: &service::Service, dir: &Path) -> Result<bool> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .collect();
    files.sort();
    let (done, refused) = (dir.join("done"), dir.join("refused"));
    let mut all_kept = true;
    // Read first (a file over the limit is refused without being read whole), then take the
    // readable ones in together, in name order.
    let mut batch: Vec<(String, Vec<u8>)> = Vec::new();
    let mut paths = Vec::new();
    for f in files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match einvoice::file_bytes(&f) {
            Ok(bytes) => {
                batch.push((name, bytes));
                paths.push(f);
            }
            Err(e) => {
                println!("{name}: refused: {}", e.kind);
                move_to(&f, &refused)?;
                all_kept = false;
            }
        }
    }
    let receipts = svc
        .setup()
        .import_invoices(&batch)
        .await
        .map_err(|e| anyhow::anyhow!("taking in {}: {e}", dir.display()))?;
    use service::invoice::Intake;
    for ((name, _), (r, f)) in batch.iter().zip(receipts.iter().zip(&paths)) {
        let (line, to) = match &r.outcome {
            Intake::Received => (format!("received as {}", r.number), &done),
            Intake::Quarantined(q) => (format!("kept aside ({}) {}", q.code(), r.detail), &done),
            Intake::Refused(x) => {
                all_kept = false;
                (format!("refused ({}) {}", x.code(), r.detail), &refused)
            }
        };
        println!("{name}: {}", line.trim_end());
        move_to(f, to)?;
    }
    Ok(all_kept)
}

fn move_to(file: &Path, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = file.file_name().context("a file without a name")?;
    std::fs::rename(file, dir.join(name))
        .with_context(|| format!("moving {} to {}", file.display(), dir.display()))
}
