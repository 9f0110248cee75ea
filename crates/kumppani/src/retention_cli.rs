//! `kumppani retention`: the retention run of client documents (Client Data Act 703/2023,
//! 23–24 §). `run` lists what is due and keeps the list as a run; `run --approve RUN
//! --approver NAME` destroys what that run listed and is still due, and checks the access log
//! afterwards; `log` prints the destruction log.

use anyhow::{Context, Result};
use service::Service;
use uuid::Uuid;

pub async fn run(svc: &Service, approve: Option<Uuid>, approver: Option<String>) -> Result<()> {
    let setup = svc.setup();
    let Some(run) = approve else {
        let p = setup
            .retention_proposal()
            .await
            .context("listing what is due")?;
        let names = svc.organisation_names().await.context("organisations")?;
        println!("retention run {} on {}", p.run, svc.today());
        if p.due.is_empty() {
            println!("nothing is due for destruction");
        } else {
            println!("due for destruction ({}):", p.due.len());
            for d in &p.due {
                println!(
                    "  client {}  register {}  rule {}  {} {}  due since {}  with {} guardian(s)",
                    d.client,
                    names.get(&d.owner).cloned().unwrap_or_default(),
                    d.rule(),
                    d.trigger.code(),
                    d.from,
                    d.since,
                    d.with.len()
                );
            }
        }
        for (why, n) in &p.kept {
            println!("kept: {why} {n}");
        }
        println!("kept: guardians with their children {}", p.guardians);
        if !p.due.is_empty() {
            println!(
                "nothing was destroyed; to destroy these, a named approver runs:\n  kumppani retention run --approve {} --approver \"NAME\"",
                p.run
            );
        }
        return Ok(());
    };
    let approver = approver.context("--approve needs --approver NAME: who approved the list")?;
    let a = match setup.approve_retention(run, &approver).await {
        Ok(a) => a,
        Err(service::ServiceError::NotFound) => anyhow::bail!("no retention run {run}"),
        Err(service::ServiceError::Invalid(e)) => {
            anyhow::bail!("retention run {run} refused: {}", codes(&e))
        }
        Err(e) => return Err(e).context("carrying out the retention run"),
    };
    for d in &a.destroyed {
        println!(
            "destroyed client {}  rule {}  {}",
            d.client_id, d.rule, d.documents
        );
    }
    println!(
        "retention run {run} approved by {approver}: {} client(s) destroyed, {} no longer due",
        a.destroyed.len(),
        a.no_longer_due
    );
    let v = svc
        .audit_verify()
        .await
        .context("verifying the access log")?;
    match v.first_break {
        None => println!("access log intact: {} entries verified", v.checked),
        Some(b) => {
            println!("access log BROKEN after {} intact entries: {b}", v.checked);
            std::process::exit(1);
        }
    }
    Ok(())
}

fn codes(e: &domain::validate::FieldErrors) -> String {
    e.0.iter()
        .map(|x| format!("{}: {}", x.field, x.code))
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn log(svc: &Service) -> Result<()> {
    let log = svc
        .setup()
        .destruction_log()
        .await
        .context("reading the destruction log")?;
    if log.is_empty() {
        println!("the destruction log is empty");
    }
    for d in log {
        println!(
            "{}  run {}  approved by {}  register {}  client {}  {}  trigger {}  due since {}  {}",
            d.destroyed_at.format("%Y-%m-%d %H:%M:%S UTC"),
            d.run_id,
            d.approved_by,
            d.register_owner,
            d.client_id,
            d.rule,
            d.trigger_date,
            d.due_since,
            d.documents
        );
    }
    Ok(())
}
