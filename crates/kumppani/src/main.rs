//! The `kumppani` binary: configuration, the command line and wiring.

mod config;
mod invoice_bench;
mod invoice_cli;
mod notice_cli;
mod page_bench;
mod retention_cli;
mod visit_bench;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use config::Config;
use kumppani::demo;
use service::{Service, SystemClock};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "kumppani",
    version,
    about = "Purchased social services, from the procurement notice to the paid invoice"
)]
struct Cli {
    /// Configuration file (TOML). Environment variables override it; flags override both.
    #[arg(long, global = true, env = "KUMPPANI_CONFIG")]
    config: Option<PathBuf>,
    /// Database: a SQLite file path or sqlite:// URL (the default), or postgres://…
    #[arg(long, global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the application.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<String>,
        /// Do not apply pending migrations at start.
        #[arg(long)]
        no_migrate: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate {
        /// On PostgreSQL, then give this existing role what the server needs to run as it:
        /// every table, but only SELECT and INSERT on the access log. Serve as that role with
        /// --no-migrate; migrate as the owner.
        #[arg(long, value_name = "ROLE")]
        grant_to: Option<String>,
    },
    /// Create a fresh demo database from the seeds and serve it on 127.0.0.1.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Write the demo users and their passwords to this JSON file too.
        #[arg(long)]
        credentials_file: Option<PathBuf>,
    },
    /// The access and audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// E-invoices: Finvoice and Peppol BIS Billing 3.0 (UBL).
    Invoices {
        #[command(subcommand)]
        command: InvoicesCommand,
    },
    /// Procurement notices: eForms, TED XML and legacy Hilma JSON.
    Notice {
        #[command(subcommand)]
        command: NoticeCommand,
    },
    /// The signed-in pages under load.
    Pages {
        #[command(subcommand)]
        command: PagesCommand,
    },
    /// Visits under payment commitments.
    Visits {
        #[command(subcommand)]
        command: VisitsCommand,
    },
    /// Public data out.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Retention of client documents (703/2023 23–24 §): what is due, its destruction after
    /// approval, and the destruction log.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// List the clients whose documents are due for destruction today and keep the list as a
    /// run. Nothing is destroyed until the run is approved with --approve and --approver.
    Run {
        /// Destroy what this run listed and is still due, then check the access log.
        #[arg(long, value_name = "RUN")]
        approve: Option<uuid::Uuid>,
        /// Who approved the list (the county's records officer), for the destruction log.
        #[arg(long, requires = "approve")]
        approver: Option<String>,
    },
    /// Print the destruction log.
    Log,
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Every purchaser's procurements, admissions, call-offs and payments as an OCDS 1.1
    /// release package (docs/ocds.md): call-offs and payments only as cells of five clients or
    /// more. The ocid prefix is KUMPPANI_OCID_PREFIX.
    Ocds {
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum VisitsCommand {
    /// Send a month of visits for a large county through the bulk API into a fresh database
    /// (the demo plus one commitment per family) and print visits per second. SQLite by
    /// default (kumppani-bench.db, recreated); with --database postgres://… an empty database.
    Bench {
        #[arg(long, default_value_t = 100_000)]
        visits: usize,
        /// Rows per request (at most 5000).
        #[arg(long, default_value_t = 1000)]
        batch: usize,
    },
}

#[derive(Subcommand)]
enum PagesCommand {
    /// The main signed-in pages under concurrent load (wrk), beside the same bytes as a static
    /// file served by nginx: requests/s, p50 and p99, and the ratio. Into a fresh demo database:
    /// SQLite by default (kumppani-pages.db, recreated); with --database postgres://… an empty
    /// database.
    Bench {
        #[arg(long, default_value_t = 200)]
        connections: u32,
        #[arg(long, default_value_t = 10)]
        seconds: u32,
        #[arg(long, default_value_t = 2)]
        threads: u32,
    },
}

#[derive(Subcommand)]
enum InvoicesCommand {
    /// Print what was read from an e-invoice and every EN 16931 rule it breaks, as text or
    /// with --json as the model (schema kumppani-invoice/1, docs/invoice-json.md).
    Show {
        file: PathBuf,
        /// fi, sv or en.
        #[arg(long, default_value = "fi")]
        lang: String,
        #[arg(long)]
        json: bool,
    },
    /// A large county's month: commitments, confirmed visits and approved reports, then
    /// invoices read (invoices/s) and taken in and matched (the whole month's match). SQLite by
    /// default (kumppani-invoice-bench.db, recreated); with --database postgres://… an empty
    /// database.
    Bench {
        #[arg(long, default_value_t = 5_000)]
        invoices: usize,
        /// Lines per invoice, each billing its own commitment.
        #[arg(long, default_value_t = 4)]
        lines: usize,
        /// Visits per commitment in the month.
        #[arg(long, default_value_t = 10)]
        visits: usize,
    },
    /// Take in every e-invoice under DIR (the county's e-invoice operator's drop folder): each
    /// is linked to its commitments, kept aside with the reason, or refused. Files taken in
    /// (received or kept aside) move to DIR/done, refused ones to DIR/refused.
    Import { dir: PathBuf },
}

#[derive(Subcommand)]
enum NoticeCommand {
    /// Print a notice as text, or with --json as the normalized model (schema kumppani-notice/1).
    Show {
        file: PathBuf,
        /// fi, sv or en.
        #[arg(long, default_value = "fi")]
        lang: String,
        #[arg(long)]
        json: bool,
        /// Print an OCDS 1.1 release package with the notice's release instead.
        #[arg(long, conflicts_with = "json")]
        ocds: bool,
        /// The publisher's ocid prefix, registered with the Open Contracting Partnership.
        #[arg(long, default_value = notice_cli::OCID_PREFIX)]
        ocid_prefix: String,
    },
    /// Read every notice under DIR and print what was read; non-zero exit if any file failed.
    Coverage { dir: PathBuf },
    /// Time reading the notices under DIR against a bare XML tokenizer pass on the same bytes.
    Bench {
        dir: PathBuf,
        #[arg(long, default_value_t = 5)]
        rounds: u32,
    },
    /// Create or update procurements from notices (a file or every notice under a directory).
    Import {
        path: PathBuf,
        /// The purchaser's business ID; by default the notice's buyer.
        #[arg(long)]
        purchaser: Option<String>,
        /// Import for --purchaser even where the notice's buyer is another organisation: the
        /// purchaser procures on its behalf (a central purchasing body, a joint procurement).
        #[arg(long)]
        on_behalf: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain of the whole log; exits non-zero and names the first broken entry.
    /// With signed checkpoints it also finds entries removed from the end of the log or
    /// rewritten together with the head row.
    Verify {
        /// A checkpoints file written by `audit checkpoint`.
        #[arg(long, requires = "key")]
        checkpoints: Option<PathBuf>,
        /// The checkpoint key (from `audit keygen`), kept outside the database.
        #[arg(long)]
        key: Option<PathBuf>,
    },
    /// Sign the log's head (sequence number and hash) with a key kept outside the database and
    /// append it to a checkpoints file, also kept outside it (run it from cron, say hourly).
    Checkpoint {
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        checkpoints: PathBuf,
    },
    /// Write a new random checkpoint key to a file (readable by its owner only).
    Keygen {
        #[arg(long)]
        key: PathBuf,
    },
}

fn main() -> Result<()> {
    let started = Instant::now();
    let cli = Cli::parse();
    let mut cfg = Config::load(cli.config.as_deref())?;
    if let Some(db) = &cli.database {
        cfg.database_url = db.clone();
    }
    config::init_tracing(&cfg);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(run(cli.command, cfg, started))
}

async fn connect(cfg: &Config) -> Result<service::Db> {
    service::Db::connect(&cfg.database_url)
        .await
        .with_context(|| format!("connecting to the database {}", cfg.database_display()))
}

fn make_service(db: service::Db, cfg: &Config) -> Service {
    Service::new(db, Arc::new(SystemClock), cfg.service_settings())
}

async fn run(command: Command, mut cfg: Config, started: Instant) -> Result<()> {
    match command {
        Command::Migrate { grant_to } => {
            let db = connect(&cfg).await?;
            let applied = db.migrate().await.context("applying migrations")?;
            println!("{} migration(s) applied", applied.len());
            if let Some(role) = grant_to {
                db::role::grant_app_role(&db, &role)
                    .await
                    .with_context(|| format!("granting the application's rights to {role}"))?;
                println!("{role} may serve: every table, the access log only read and appended to");
            }
            Ok(())
        }
        Command::Serve { listen, no_migrate } => {
            if let Some(l) = listen {
                cfg.listen = l;
            }
            let db = connect(&cfg).await?;
            if !no_migrate && cfg.migrate_on_start {
                db.migrate().await.context("applying migrations")?;
            }
            serve(make_service(db, &cfg), &cfg, started).await
        }
        Command::Demo {
            listen,
            credentials_file,
        } => {
            cfg.listen = listen;
            if cfg.database_url == config::DEFAULT_DATABASE {
                cfg.database_url = "kumppani-demo.db".into();
            }
            demo::remove_sqlite_files(&cfg.database_url)?;
            let db = connect(&cfg).await?;
            db.migrate().await.context("applying migrations")?;
            let svc = make_service(db, &cfg);
            let creds = demo::populate(&svc)
                .await
                .context("creating the demo data")?;
            demo::print_credentials(&creds, &cfg.listen);
            if let Some(path) = credentials_file {
                demo::write_credentials(&creds, &path)?;
            }
            serve(svc, &cfg, started).await
        }
        Command::Notice { command } => notice_command(command, &cfg).await,
        Command::Export {
            command: ExportCommand::Ocds { out },
        } => {
            let db = connect(&cfg).await?;
            db.migrate().await.context("applying migrations")?;
            let svc = make_service(db, &cfg);
            let package = svc
                .ocds_package(&service::ocds::OcdsOptions::new(&svc))
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let json = serde_json::to_string_pretty(&package).context("serialising the package")?;
            match out {
                Some(path) => std::fs::write(&path, json)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => println!("{json}"),
            }
            Ok(())
        }
        Command::Invoices { command } => match command {
            InvoicesCommand::Show { file, lang, json } => {
                let lang = domain::locale::Lang::parse(&lang)
                    .with_context(|| format!("unknown language {lang:?}: use fi, sv or en"))?;
                invoice_cli::show(&file, lang, json)
            }
            InvoicesCommand::Bench {
                invoices,
                lines,
                visits,
            } => {
                anyhow::ensure!(
                    invoices > 0 && (1..=100).contains(&lines) && (1..=28).contains(&visits),
                    "--invoices above 0, --lines 1–100, --visits 1–28"
                );
                let mut cfg = cfg.clone();
                let backend = if cfg.database_url.starts_with("postgres") {
                    "PostgreSQL"
                } else {
                    if cfg.database_url == config::DEFAULT_DATABASE {
                        cfg.database_url = "kumppani-invoice-bench.db".into();
                    }
                    demo::remove_sqlite_files(&cfg.database_url)?;
                    "SQLite"
                };
                let db = connect(&cfg).await?;
                db.migrate().await.context("applying migrations")?;
                let svc = make_service(db, &cfg);
                invoice_bench::run(
                    svc,
                    invoice_bench::Options {
                        invoices,
                        lines,
                        visits_per_line: visits,
                    },
                    backend,
                )
                .await
            }
            InvoicesCommand::Import { dir } => {
                let db = connect(&cfg).await?;
                db.migrate().await.context("applying migrations")?;
                let svc = make_service(db, &cfg);
                if !invoice_cli::import(&svc, &dir).await? {
                    std::process::exit(1);
                }
                Ok(())
            }
        },
        Command::Visits {
            command: VisitsCommand::Bench { visits, batch },
        } => {
            anyhow::ensure!(
                (1..=web::MAX_VISIT_ROWS).contains(&batch),
                "--batch must be 1–{}",
                web::MAX_VISIT_ROWS
            );
            let backend = if cfg.database_url.starts_with("postgres") {
                "PostgreSQL"
            } else {
                if cfg.database_url == config::DEFAULT_DATABASE {
                    cfg.database_url = "kumppani-bench.db".into();
                }
                demo::remove_sqlite_files(&cfg.database_url)?;
                "SQLite"
            };
            let db = connect(&cfg).await?;
            db.migrate().await.context("applying migrations")?;
            let svc = make_service(db, &cfg);
            visit_bench::run(svc, visit_bench::Options { visits, batch }, backend).await
        }
        Command::Pages {
            command:
                PagesCommand::Bench {
                    connections,
                    seconds,
                    threads,
                },
        } => {
            let backend = if cfg.database_url.starts_with("postgres") {
                "PostgreSQL"
            } else {
                if cfg.database_url == config::DEFAULT_DATABASE {
                    cfg.database_url = "kumppani-pages.db".into();
                }
                demo::remove_sqlite_files(&cfg.database_url)?;
                "SQLite"
            };
            let db = connect(&cfg).await?;
            db.migrate().await.context("applying migrations")?;
            let svc = make_service(db, &cfg);
            let o = page_bench::Options {
                connections,
                seconds,
                threads,
            };
            page_bench::run(svc, o, backend).await
        }
        Command::Audit { command } => audit_command(command, &cfg).await,
        Command::Retention { command } => {
            let db = connect(&cfg).await?;
            db.migrate().await.context("applying migrations")?;
            let svc = make_service(db, &cfg);
            match command {
                RetentionCommand::Run { approve, approver } => {
                    retention_cli::run(&svc, approve, approver).await
                }
                RetentionCommand::Log => retention_cli::log(&svc).await,
            }
        }
    }
}

fn read_key(path: &std::path::Path) -> Result<Vec<u8>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the checkpoint key {}", path.display()))?;
    domain::checkpoint::parse_key(&text).with_context(|| format!("{}", path.display()))
}

async fn audit_command(command: AuditCommand, cfg: &Config) -> Result<()> {
    match command {
        AuditCommand::Keygen { key } => {
            let token = service::password::random_token().context("making a random key")?;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let mut f = opts
                .open(&key)
                .with_context(|| format!("creating {} (it must not exist yet)", key.display()))?;
            std::io::Write::write_all(&mut f, format!("{token}\n").as_bytes())
                .with_context(|| format!("writing {}", key.display()))?;
            println!("checkpoint key written to {}", key.display());
            Ok(())
        }
        AuditCommand::Checkpoint { key, checkpoints } => {
            let k = read_key(&key)?;
            let svc = make_service(connect(cfg).await?, cfg);
            let cp = match svc.audit_checkpoint().await.context("reading the log")? {
                Ok(cp) => cp,
                Err(b) => {
                    println!("access log BROKEN, no checkpoint written: {b}");
                    std::process::exit(1);
                }
            };
            let line = domain::checkpoint::line(&k, &cp).context("signing")?;
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(&checkpoints)
                .with_context(|| format!("opening {}", checkpoints.display()))?;
            std::io::Write::write_all(&mut f, format!("{line}\n").as_bytes())
                .with_context(|| format!("writing {}", checkpoints.display()))?;
            println!("checkpoint: entry {} signed", cp.seq);
            Ok(())
        }
        AuditCommand::Verify { checkpoints, key } => {
            let svc = make_service(connect(cfg).await?, cfg);
            let v = svc
                .audit_verify()
                .await
                .context("verifying the access log")?;
            if let Some(b) = v.first_break {
                println!("access log BROKEN after {} intact entries: {b}", v.checked);
                std::process::exit(1);
            }
            if let (Some(file), Some(key)) = (checkpoints, key) {
                let k = read_key(&key)?;
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?;
                let cps = domain::checkpoint::read(&k, &text)
                    .with_context(|| format!("{}", file.display()))?;
                match svc
                    .audit_check_checkpoints(&cps)
                    .await
                    .context("comparing with the checkpoints")?
                {
                    None => println!(
                        "access log intact: {} entries verified, {} signed checkpoint(s) hold",
                        v.checked,
                        cps.len()
                    ),
                    Some(f) => {
                        println!("access log BROKEN: {f}");
                        std::process::exit(1);
                    }
                }
            } else {
                println!("access log intact: {} entries verified", v.checked);
            }
            Ok(())
        }
    }
}

async fn notice_command(command: NoticeCommand, cfg: &Config) -> Result<()> {
    match command {
        NoticeCommand::Show {
            file,
            lang,
            json,
            ocds,
            ocid_prefix,
        } => {
            let lang = domain::locale::Lang::parse(&lang)
                .with_context(|| format!("unknown language {lang:?}: use fi, sv or en"))?;
            if ocds {
                notice_cli::show_ocds(&file, &ocid_prefix)
            } else {
                notice_cli::show(&file, lang, json)
            }
        }
        NoticeCommand::Coverage { dir } => {
            if !notice_cli::coverage(&dir)? {
                std::process::exit(1);
            }
            Ok(())
        }
        NoticeCommand::Bench { dir, rounds } => notice_cli::bench(&dir, rounds),
        NoticeCommand::Import {
            path,
            purchaser,
            on_behalf,
        } => {
            let db = connect(cfg).await?;
            db.migrate().await.context("applying migrations")?;
            let svc = make_service(db, cfg);
            let purchaser = match purchaser {
                Some(b) => Some(
                    svc.organisation_by_business_id(&b)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?
                        .with_context(|| format!("no organisation with business ID {b}"))?,
                ),
                None => None,
            };
            let mut failed = 0;
            for f in notice_cli::files(&path)? {
                let r = match notice_cli::read_file(&f)? {
                    Ok(r) => r,
                    Err(e) => {
                        failed += 1;
                        println!("FAILED   {e}");
                        continue;
                    }
                };
                match svc
                    .import_notice(None, purchaser, &r.notice, on_behalf)
                    .await
                {
                    Ok(o) => {
                        println!(
                            "{:<8} procurement {}  {} lots  {}",
                            o.action.code(),
                            o.procurement_id,
                            o.lots,
                            f.display()
                        );
                        for note in o.notes {
                            println!("         note: {note}");
                        }
                    }
                    Err(service::ServiceError::Invalid(e)) if e.get("on_behalf").is_some() => {
                        failed += 1;
                        let n = &r.notice;
                        let buyers: Vec<String> = n
                            .buyers
                            .iter()
                            .map(|b| {
                                let name = notice::Notice::text_in(&b.name, "fi", &n.languages)
                                    .unwrap_or_default();
                                format!("{name} ({})", b.national_id.as_deref().unwrap_or("-"))
                            })
                            .collect();
                        println!(
                            "FAILED   {}: the notice's buyer is another organisation ({}); \
                             --on-behalf imports it for --purchaser",
                            f.display(),
                            buyers.join(", ")
                        );
                    }
                    Err(e) => {
                        failed += 1;
                        println!("FAILED   {}: {e}", f.display());
                    }
                }
            }
            if failed > 0 {
                std::process::exit(1);
            }
            Ok(())
        }
    }
}

async fn serve(svc: Service, cfg: &Config, started: Instant) -> Result<()> {
    let app = web::router(
        svc.clone(),
        web::WebConfig {
            secure_cookies: cfg.secure_cookies,
        },
    );
    let listener = tokio::net::TcpListener::bind(&cfg.listen)
        .await
        .with_context(|| format!("listening on {}", cfg.listen))?;
    let addr = listener.local_addr().context("reading the local address")?;
    tracing::info!(%addr, ready_in_ms = started.elapsed().as_millis() as u64, "serving");
    println!(
        "Kumppani is serving on http://{addr} (ready in {} ms)",
        started.elapsed().as_millis()
    );
    // Expired sessions are removed now and then; any instance may do it.
    let purge = svc.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = purge.purge_sessions().await {
                tracing::warn!(error = %e, "purging sessions failed");
            }
        }
    });
    // The peer's address is what the guessing limits of sign-in and one-time codes count per.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving")?;
    svc.db().close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, let requests in flight finish, close the pool.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
