//! `kumppani visits bench`: a month of visits for a large county sent through the bulk API
//! (`POST /api/v1/visits`, the whole web stack in process: session, CSRF, JSON, every check and
//! an access-log row per visit) into a fresh database, and the visits per second it took.
//!
//! The set-up is the demo (organisations, an admitted provider on a lot) and then one accepted
//! payment commitment per family, written straight to the database because the steering-group
//! flow per family is not what is measured. Each family gets eight visits in the previous month,
//! twice a week on Tuesdays and Thursdays.

use anyhow::{anyhow, bail, Context, Result};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use chrono::{Datelike, Duration, Months, NaiveDate, NaiveTime, Utc};
use db::doc::{self, Doc, Filter, Table};
use domain::application::Application;
use domain::client::Client;
use domain::commitment::{commitment_number, Commitment, CommitmentStatus};
use domain::ident::PersonalIdentityCode;
use domain::org::Role;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use service::Service;
use std::time::Instant;
use tower::ServiceExt;
use uuid::Uuid;

/// Visits per family in the month.
const PER_FAMILY: usize = 8;

pub struct Options {
    pub visits: usize,
    pub batch: usize,
}

struct Fixture {
    worker: String,
    password: String,
    numbers: Vec<String>,
    roster: Vec<Uuid>,
}

/// What [`commitments`] made: the purchaser and provider, each commitment's number, id and
/// client, and the provider's admitted roster.
pub(crate) struct Made {
    pub purchaser: Uuid,
    pub provider: Uuid,
    pub commitments: Vec<(String, Uuid, Uuid)>,
    pub roster: Vec<Uuid>,
    pub unit_price: domain::money::Money,
}

/// Writes `families` accepted commitments like an existing one of the demo (same purchaser,
/// lot, provider and price), each for a made-up child, in one transaction.
pub(crate) async fn commitments(svc: &Service, families: usize, month: NaiveDate) -> Result<Made> {
    let mut tx = svc.db().begin().await?;
    let all: Vec<Doc<Commitment>> = doc::list(
        &mut tx,
        Table::Commitments,
        Filter {
            status: Some(CommitmentStatus::Accepted.code()),
            ..Filter::default()
        },
    )
    .await?;
    let model = all
        .into_iter()
        .next()
        .context("the demo has no accepted commitment to copy")?;
    let app: Doc<Application> = doc::get(&mut tx, Table::Applications, model.data.application)
        .await?
        .context("the commitment's application")?;
    // Set-up, not a use case: the copies go into the register with the policy's grant for a
    // social worker of the commitment's purchaser, the key `db::client` asks for.
    let set_up = domain::org::Actor {
        user_id: Uuid::nil(),
        username: "visits-bench".into(),
        display_name: "visits bench".into(),
        org_id: model.owner_id,
        org_kind: domain::org::OrgKind::County,
        roles: vec![Role::SocialWorker],
        person: None,
        key: None,
        team: String::new(),
        unit: None,
    };
    let resource = domain::access::Resource::Clients {
        org_id: model.owner_id,
    };
    #[allow(clippy::disallowed_methods)] // set-up of the bench, outside any use case
    let grant = domain::access::grant(&set_up, domain::access::Action::Create, resource)
        .map_err(|d| anyhow!("the bench's grant: {}", d.code()))?;
    let client: Doc<Client> = db::client::get(&mut tx, &grant, model.data.client)
        .await?
        .context("the commitment's client")?;
    let now = Utc::now();
    let ends = month
        .checked_add_months(Months::new(6))
        .context("commitment end")?;
    let mut made = Vec::with_capacity(families);
    for i in 0..families {
        // Made-up identity codes: birth dates over twelve years, individual numbers 900–999.
        let birth = NaiveDate::from_ymd_opt(2010, 1, 1).context("birth")?
            + Duration::days((i / 100) as i64);
        let code = PersonalIdentityCode::new_made_up(birth, 900 + (i % 100) as u16)
            .map_err(|e| anyhow!("made-up identity code: {e}"))?;
        let mut c = client.data.clone();
        c.first_name = format!("Lapsi{i}");
        c.last_name = "Mittaus".into();
        c.birth_date = birth;
        c.masked_code = code.masked();
        c.guardians = Vec::new();
        c.family = None;
        let client_id = Uuid::now_v7();
        db::client::insert(&mut tx, &grant, client_id, code.as_str(), &c, now).await?;
        let number = commitment_number(month.year(), 900_000 + i as u32);
        let mut k = model.data.clone();
        k.number = number.clone();
        k.version = 1;
        k.client = client_id;
        k.family = None;
        k.starts_on = month;
        k.ends_on = ends;
        k.quantity_per_week = 3;
        let id = Uuid::now_v7();
        doc::insert(
            &mut tx,
            Table::Commitments,
            id,
            model.owner_id,
            Some(client_id),
            CommitmentStatus::Accepted.code(),
            &k,
            now,
        )
        .await?;
        db::client::set_commitment_keys(&mut tx, id, &number, k.provider).await?;
        made.push((number, id, client_id));
    }
    tx.commit().await?;
    Ok(Made {
        purchaser: model.owner_id,
        provider: model.data.provider,
        commitments: made,
        roster: app.data.roster,
        unit_price: model.data.unit_price,
    })
}

fn rows(f: &Fixture, month: NaiveDate, families: usize) -> Vec<Value> {
    let mut days =
        kumppani::demo_delivery::visit_days(month, month, domain::delivery::month_end(month));
    days.truncate(PER_FAMILY);
    let mut out = Vec::with_capacity(families * PER_FAMILY);
    for (i, number) in f.numbers.iter().enumerate().take(families) {
        for (j, d) in days.iter().enumerate() {
            // Families take turns through the day so that workers' hours spread.
            let start = NaiveTime::from_hms_opt(8 + ((i + j) % 8) as u32, 0, 0).unwrap_or_default();
            let end = start + Duration::minutes(90);
            out.push(json!({
                "id": format!("bench-{i}-{j}"),
                "commitment": number,
                "date": d.to_string(),
                "start": start.format("%H:%M").to_string(),
                "end": end.format("%H:%M").to_string(),
                "kind": "home_visit",
                "status": "done",
                "workers": [f.roster[(i + j) % f.roster.len()]],
                "participants": 1,
                "place": "Koti",
                "description": "Arjen tuki",
            }));
        }
    }
    out
}

/// Sends the rows in batches and returns the seconds it took and the summary counts.
async fn send(
    app: &axum::Router,
    cookie: &str,
    csrf: &str,
    rows: &[Value],
    batch: usize,
) -> Result<(f64, [usize; 4])> {
    let mut counts = [0usize; 4];
    let t0 = Instant::now();
    for chunk in rows.chunks(batch) {
        let body = serde_json::to_vec(&json!({ "visits": chunk }))?;
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/visits")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, cookie)
            .header("x-csrf-token", csrf)
            .body(Body::from(body))?;
        let resp = app.clone().oneshot(req).await?;
        let status = resp.status();
        let bytes = resp.into_body().collect().await?.to_bytes();
        if status != StatusCode::OK {
            bail!(
                "the API answered {status}: {}",
                String::from_utf8_lossy(&bytes)
            );
        }
        let v: Value = serde_json::from_slice(&bytes)?;
        for (k, name) in ["created", "unchanged", "updated", "refused"]
            .iter()
            .enumerate()
        {
            counts[k] += v["summary"][name].as_u64().unwrap_or(0) as usize;
        }
        if v["summary"]["refused"].as_u64().unwrap_or(0) > 0 {
            let first = v["results"]
                .as_array()
                .and_then(|r| r.iter().find(|x| x["result"] == "refused"))
                .cloned()
                .unwrap_or_default();
            bail!("rows were refused, e.g. {first}");
        }
    }
    Ok((t0.elapsed().as_secs_f64(), counts))
}

pub async fn run(svc: Service, opts: Options, backend: &str) -> Result<()> {
    let families = opts.visits.div_ceil(PER_FAMILY);
    // The benchmark fills the database with the demo and made-up families: never a live one.
    let existing = svc.organisation_names().await.map_err(|e| anyhow!("{e}"))?;
    if !existing.is_empty() {
        bail!(
            "the database is not empty ({} organisations): give the benchmark an empty one",
            existing.len()
        );
    }
    let t0 = Instant::now();
    let creds = kumppani::demo::populate(&svc)
        .await
        .context("creating the demo data the benchmark builds on")?;
    let month = domain::delivery::month_of(svc.today())
        .checked_sub_months(Months::new(1))
        .context("previous month")?;
    let made = commitments(&svc, families, month).await?;
    let (provider, roster) = (made.provider, made.roster);
    let numbers: Vec<String> = made.commitments.into_iter().map(|(n, _, _)| n).collect();
    // Sign in as a worker of the provider the commitments went to.
    let mut worker = None;
    for c in creds.iter().filter(|c| c.username.ends_with(".worker")) {
        if let Ok(s) = svc.sign_in(&c.username, &c.password).await {
            if s.session.actor.org_id == provider && s.session.actor.has(Role::Worker) {
                worker = Some((c.username.clone(), c.password.clone()));
                break;
            }
        }
    }
    let (worker, password) = worker.context("no worker user for the provider")?;
    let f = Fixture {
        worker,
        password,
        numbers,
        roster,
    };
    let rows = rows(&f, month, families);
    let rows = &rows[..opts.visits.min(rows.len())];
    println!(
        "{backend}: {} families, {} visits in {}, batches of {}; set-up took {:.1} s",
        families,
        rows.len(),
        month.format("%Y-%m"),
        opts.batch,
        t0.elapsed().as_secs_f64()
    );
    let session = svc
        .sign_in(&f.worker, &f.password)
        .await
        .map_err(|e| anyhow!("signing in as {}: {e}", f.worker))?;
    let cookie = format!("{}={}", web::SESSION_COOKIE, session.token);
    let csrf = session.session.csrf_token.clone();
    let app = web::router(
        svc.clone(),
        web::WebConfig {
            secure_cookies: false,
        },
    );
    let log_before = svc
        .audit_verify()
        .await
        .map_err(|e| anyhow!("{e}"))?
        .checked;
    let (secs, counts) = send(&app, &cookie, &csrf, rows, opts.batch).await?;
    let log_after = svc.audit_verify().await.map_err(|e| anyhow!("{e}"))?;
    println!(
        "first send:  {} created in {:.2} s = {:.0} visits/s; access log +{} rows, chain {}",
        counts[0],
        secs,
        rows.len() as f64 / secs,
        log_after.checked - log_before,
        if log_after.first_break.is_none() {
            "intact"
        } else {
            "BROKEN"
        }
    );
    let (secs2, counts2) = send(&app, &cookie, &csrf, rows, opts.batch).await?;
    println!(
        "sent again:  {} unchanged, {} created in {:.2} s = {:.0} visits/s (nothing counted twice)",
        counts2[1],
        counts2[0],
        secs2,
        rows.len() as f64 / secs2
    );
    if counts[0] != rows.len() || counts2[1] != rows.len() || log_after.first_break.is_some() {
        bail!("the benchmark's data did not come through as sent");
    }
    Ok(())
}
