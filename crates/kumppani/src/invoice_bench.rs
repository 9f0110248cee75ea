//! `kumppani invoices bench`: a large county's month of settlement into a fresh database. The
//! set-up is the demo, then one accepted commitment per invoice line (written straight to the
//! database, as the visits bench does), ten confirmed one-hour visits on each in the previous
//! month, and each month's report approved: what the match reads. Then as many Finvoice files
//! as asked, each billing four commitments, are read by the `einvoice` crate (invoices read per
//! second) and taken in through the operator's intake, each linked, matched line by line and
//! logged (the time of the whole month's match).

use anyhow::{anyhow, bail, Context, Result};
use chrono::{Duration, Months, NaiveTime, Utc};
use db::doc::{self, Table};
use domain::delivery::{month_end, MonthlyReport, ReportStatus};
use domain::visit::{
    Confirmation, ConfirmationState, ConfirmationWay, Visit, VisitKind, VisitRecord, VisitStatus,
};
use einvoice::Invoice;
use kumppani::invoice_file::Billed;
use service::invoice::Intake;
use service::Service;
use std::time::Instant;
use uuid::Uuid;

pub struct Options {
    pub invoices: usize,
    pub lines: usize,
    pub visits_per_line: usize,
}

/// One invoice of `lines` lines, each billing one commitment's month of hours at the contract
/// price; every tenth invoice bills an hour more on its first line, so that the match has
/// something to find.
fn invoice(
    template: &Invoice,
    i: usize,
    lines: &[(String, i64)],
    price_cents: i64,
    month: chrono::NaiveDate,
) -> Invoice {
    let billed: Vec<Billed> = lines
        .iter()
        .enumerate()
        .map(|(j, (number, hours))| {
            let extra = i64::from(i.is_multiple_of(10) && j == 0);
            Billed::hours(number, month, (hours + extra) * 60, price_cents)
        })
        .collect();
    kumppani::invoice_file::invoice(template, &format!("BENCH-{i:06}"), &billed)
}

/// Ten confirmed visits and an approved report per commitment, written straight to the
/// database in one transaction: the month as the match will find it.
async fn delivered(
    svc: &Service,
    made: &crate::visit_bench::Made,
    month: chrono::NaiveDate,
    per_line: usize,
) -> Result<()> {
    let mut tx = svc.db().begin().await?;
    let now = Utc::now();
    let days: Vec<chrono::NaiveDate> = month.iter_days().take(28).collect();
    let mut records = Vec::with_capacity(made.commitments.len() * per_line);
    for (i, (number, id, client)) in made.commitments.iter().enumerate() {
        for j in 0..per_line {
            let start = NaiveTime::from_hms_opt(8 + ((i + j) % 8) as u32, 0, 0).unwrap_or_default();
            records.push((
                Uuid::now_v7(),
                VisitRecord {
                    visit: Visit {
                        commitment: *id,
                        date: days[(j * 2 + i) % days.len()],
                        start,
                        end: start + Duration::minutes(60),
                        kind: VisitKind::HomeVisit,
                        status: VisitStatus::Done,
                        workers: vec![made.roster[(i + j) % made.roster.len()]],
                        participants: 1,
                        place: "Koti".into(),
                        description: "Arjen tuki".into(),
                    },
                    commitment_number: number.clone(),
                    client: *client,
                    purchaser: made.purchaser,
                    provider: made.provider,
                    provider_ref: Some(format!("bench-{i}-{j}")),
                    flags: Vec::new(),
                    confirmation: Confirmation {
                        state: ConfirmationState::Confirmed,
                        way: Some(ConfirmationWay::Account),
                        by: "Huoltaja".into(),
                        on: Some(month_end(month)),
                        reason: String::new(),
                        document: None,
                    },
                    logged_by: "bench".into(),
                },
            ));
        }
        let report = MonthlyReport {
            commitment_number: number.clone(),
            client: *client,
            provider: made.provider,
            month,
            status: ReportStatus::Approved,
            progress: Vec::new(),
            gone_through_with_family: true,
            summary: "Kuukausi sujui.".into(),
            deadline: month_end(month),
            submitted_on: Some(month_end(month)),
            unconfirmed_at_submission: Vec::new(),
            comments: String::new(),
            history: Vec::new(),
        };
        doc::insert(
            &mut tx,
            Table::MonthlyReports,
            Uuid::now_v7(),
            made.purchaser,
            Some(*client),
            ReportStatus::Approved.code(),
            &report,
            now,
        )
        .await?;
    }
    let refs: Vec<(Uuid, &VisitRecord)> = records.iter().map(|(id, r)| (*id, r)).collect();
    db::visit::insert_many(&mut tx, &refs, now).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn run(svc: Service, opts: Options, backend: &str) -> Result<()> {
    let existing = svc.organisation_names().await.map_err(|e| anyhow!("{e}"))?;
    if !existing.is_empty() {
        bail!(
            "the database is not empty ({} organisations): give the benchmark an empty one",
            existing.len()
        );
    }
    let t0 = Instant::now();
    let creds = crate::demo::populate(&svc)
        .await
        .context("creating the demo data the benchmark builds on")?;
    let month = domain::delivery::month_of(svc.today())
        .checked_sub_months(Months::new(1))
        .context("previous month")?;
    let families = opts.invoices * opts.lines;
    let made = crate::visit_bench::commitments(&svc, families, month).await?;
    delivered(&svc, &made, month, opts.visits_per_line).await?;
    let seller = {
        let mut tx = svc.db().begin_read().await?;
        let org = db::organisation::get(&mut tx, made.provider)
            .await?
            .context("the provider")?;
        tx.commit().await?;
        org.business_id.as_str().to_owned()
    };
    println!(
        "{backend}: {} commitments, {} visits confirmed in {} and their reports approved; set-up took {:.1} s",
        families,
        families * opts.visits_per_line,
        month.format("%Y-%m"),
        t0.elapsed().as_secs_f64()
    );

    // The files a provider's billing system would send.
    let template = kumppani::invoice_file::template(&seller, "3221311-5")?;
    let files: Vec<Vec<u8>> = made
        .commitments
        .chunks(opts.lines)
        .enumerate()
        .map(|(i, chunk)| {
            let lines: Vec<(String, i64)> = chunk
                .iter()
                .map(|(n, _, _)| (n.clone(), opts.visits_per_line as i64))
                .collect();
            einvoice::write::finvoice(&invoice(
                &template,
                i,
                &lines,
                made.unit_price.cents(),
                month,
            ))
            .into_bytes()
        })
        .collect();
    let bytes: usize = files.iter().map(Vec::len).sum();

    // Reading alone.
    let t = Instant::now();
    let mut lines_read = 0;
    for (i, f) in files.iter().enumerate() {
        let r = einvoice::read(f, &format!("bench-{i}.xml")).map_err(|e| anyhow!("{e}"))?;
        lines_read += r.invoice.lines.len();
        if !r.findings.is_empty() {
            bail!("bench-{i}.xml breaks {:?}", r.findings);
        }
    }
    let read = t.elapsed().as_secs_f64();
    println!(
        "read:   {} invoices, {} lines, {:.1} MB in {:.2} s = {:.0} invoices/s, {:.1} MB/s",
        files.len(),
        lines_read,
        bytes as f64 / 1e6,
        read,
        files.len() as f64 / read,
        bytes as f64 / 1e6 / read
    );

    // Taken in, linked and matched as the drop folder is, every invoice in the access log.
    let named: Vec<(String, Vec<u8>)> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (format!("bench-{i}.xml"), f.clone()))
        .collect();
    let t = Instant::now();
    let receipts = svc
        .setup()
        .import_invoices(&named)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let took = t.elapsed().as_secs_f64();
    let (mut matched, mut with_discrepancies) = (0usize, 0usize);
    for (i, r) in receipts.iter().enumerate() {
        if r.outcome != Intake::Received
            || r.status != Some(domain::invoice::InvoiceStatus::ToCheck)
        {
            bail!(
                "bench-{i}.xml was not matched: {:?} {}",
                r.outcome,
                r.detail
            );
        }
        matched += 1;
        if i % 10 == 0 {
            with_discrepancies += 1;
        }
    }
    println!(
        "match:  {matched} invoices, {lines_read} lines against {} visits taken in and matched in {:.2} s = {:.0} invoices/s, {:.0} lines/s ({} with a discrepancy by design)",
        families * opts.visits_per_line,
        took,
        matched as f64 / took,
        lines_read as f64 / took,
        with_discrepancies
    );
    follow_up_pages(&svc, &creds, month).await?;
    let v = svc.audit_verify().await.map_err(|e| anyhow!("{e}"))?;
    println!(
        "access log: {} entries, chain {}",
        v.checked,
        if v.first_break.is_none() {
            "intact"
        } else {
            "BROKEN"
        }
    );
    Ok(())
}

/// `runs` timings of `f`, as (p50, p95, max) in milliseconds.
async fn timed<F, Fut, T>(runs: usize, mut f: F) -> Result<(f64, f64, f64)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = service::ServiceResult<T>>,
{
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await.map_err(|e| anyhow!("{e}"))?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| ms[((ms.len() as f64 * q).ceil() as usize).clamp(1, ms.len()) - 1];
    Ok((at(0.5), at(0.95), at(1.0)))
}

/// The follow-up pages of the county the month was billed to, on its data as it now is:
/// the budget with each line's forecast, the processing times, the provider scorecard, and an
/// agreement's quarterly follow-up. Each is the use case behind its page, asked 20 times in a
/// row as one user would; the figures are its time to answer (rendering the page adds little).
async fn follow_up_pages(
    svc: &Service,
    creds: &[crate::demo::Credential],
    month: chrono::NaiveDate,
) -> Result<()> {
    use chrono::Datelike;
    let password = |u: &str| {
        creds
            .iter()
            .find(|c| c.username == u)
            .map(|c| c.password.clone())
            .with_context(|| format!("demo user {u}"))
    };
    let sign_in = |u: &'static str| async move {
        let p = password(u)?;
        svc.sign_in(u, &p)
            .await
            .map(|s| s.session.actor)
            .map_err(|e| anyhow!("{u}: {e}"))
    };
    let controller = sign_in("kymenlaakso.controller").await?;
    let buyer = sign_in("kymenlaakso.procurement-specialist").await?;
    let year = month.year();
    let lines = svc.budget(&controller).await.map_err(|e| anyhow!("{e}"))?;
    let (p50, p95, max) = timed(20, || svc.budget(&controller)).await?;
    println!(
        "forecast: the budget page's {} lines and their forecasts: p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms",
        lines.len()
    );
    let (p50, p95, max) = timed(20, || svc.processing_times(&controller, year)).await?;
    println!("processing times {year}: p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms");
    let (p50, p95, max) = timed(20, || svc.scorecard(&controller, year)).await?;
    println!("scorecard {year}: p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms");
    // An agreement like seed 003's, with its twelve months reported, followed up at Q3.
    let file: toml::Value = toml::from_str(include_str!("../../../data/demo/agreements.toml"))
        .context("data/demo/agreements.toml")?;
    let products: Vec<domain::agreement::Product> = file
        .get("agreement")
        .and_then(|a| a.get(0))
        .and_then(|a| a.get("products"))
        .cloned()
        .context("the demo agreement's products")?
        .try_into()
        .context("the demo agreement's products")?;
    let provider = {
        let mut tx = svc.db().begin_read().await?;
        let orgs = db::organisation::list(&mut tx).await?;
        tx.commit().await?;
        orgs.into_iter()
            .find(|o| o.name == "Perhetuki Aallokko Oy")
            .context("the demo provider")?
            .id
    };
    let start = chrono::NaiveDate::from_ymd_opt(year, 1, 1).context("year")?;
    let mut prices = products.clone();
    for p in &mut prices {
        for x in &mut p.prices {
            x.year = year;
        }
    }
    let orders = prices
        .iter()
        .map(|p| domain::agreement::Order {
            year,
            product: p.code.clone(),
            volume: 1000,
        })
        .collect();
    let a = domain::agreement::Agreement {
        title: "Mittaussopimus".into(),
        kind: domain::agreement::AgreementKind::FixedPurchase,
        provider,
        procurement: None,
        purchaser_contact: String::new(),
        provider_contact: String::new(),
        valid_from: start,
        valid_to: chrono::NaiveDate::from_ymd_opt(year, 12, 31),
        inspection_right: true,
        products: prices.clone(),
        orders,
        version: 0,
        change_reason: String::new(),
        proposed: domain::agreement::Signature {
            name: String::new(),
            at: Utc::now(),
        },
        agreed: None,
    };
    let id = svc
        .create_agreement(&buyer, &a)
        .await
        .map_err(|e| anyhow!("{e:?}"))?;
    let signer = sign_in("aallokko.provider-signatory").await?;
    svc.agree_to_agreement(&signer, id, 1)
        .await
        .map_err(|e| anyhow!("{e:?}"))?;
    let mut rows = vec![vec!["product".to_owned(), "period".into(), "count".into()]];
    for p in &prices {
        for m in 1..=12 {
            rows.push(vec![p.code.clone(), format!("{year}-{m:02}"), "80".into()]);
        }
    }
    let manager = sign_in("aallokko.service-manager").await?;
    svc.report_file(&manager, id, &rows, domain::locale::Lang::Fi)
        .await
        .map_err(|e| anyhow!("{e:?}"))?;
    let q3 = domain::agreement::Period::Quarter { year, quarter: 3 };
    let (p50, p95, max) = timed(20, || svc.agreement_follow_up(&buyer, id, q3)).await?;
    println!(
        "agreement follow-up {}: {} products, {} monthly reports: p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms",
        q3.code(),
        prices.len(),
        rows.len() - 1
    );
    Ok(())
}
