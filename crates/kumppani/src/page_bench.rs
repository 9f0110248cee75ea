//! `kumppani pages bench`: the main signed-in pages under concurrent load, beside the same
//! bytes served as a static file by nginx, so that the figures say how far the application is
//! from what the machine can serve at all. Uses the load generator `wrk` and `nginx` from the
//! machine (Debian: `apt-get install wrk nginx`).

use anyhow::{anyhow, bail, Context, Result};
use service::Service;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub struct Options {
    pub connections: u32,
    pub seconds: u32,
    pub threads: u32,
}

/// What wrk measured for one path.
struct Figures {
    requests_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
}

/// Reads wrk's `--latency` report.
fn parse_wrk(out: &str) -> Result<Figures> {
    let ms = |v: &str| -> Option<f64> {
        let v = v.trim();
        if let Some(x) = v.strip_suffix("us") {
            x.parse::<f64>().ok().map(|x| x / 1000.0)
        } else if let Some(x) = v.strip_suffix("ms") {
            x.parse().ok()
        } else if let Some(x) = v.strip_suffix('s') {
            x.parse::<f64>().ok().map(|x| x * 1000.0)
        } else {
            None
        }
    };
    let mut f = Figures {
        requests_per_s: 0.0,
        p50_ms: 0.0,
        p99_ms: 0.0,
        non_2xx: 0,
    };
    for line in out.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", v] => f.requests_per_s = v.parse().unwrap_or(0.0),
            ["50%", v] => f.p50_ms = ms(v).unwrap_or(0.0),
            ["99%", v] => f.p99_ms = ms(v).unwrap_or(0.0),
            ["Non-2xx", "or", "3xx", "responses:", n] => f.non_2xx = n.parse().unwrap_or(0),
            _ => {}
        }
    }
    if f.requests_per_s == 0.0 {
        bail!("wrk printed no figures:\n{out}");
    }
    Ok(f)
}

fn wrk(o: &Options, url: &str, cookie: Option<&str>) -> Result<Figures> {
    let mut c = Command::new("wrk");
    c.arg(format!("-t{}", o.threads))
        .arg(format!("-c{}", o.connections))
        .arg(format!("-d{}s", o.seconds))
        .arg("--latency");
    if let Some(k) = cookie {
        c.arg("-H").arg(format!("Cookie: {k}"));
    }
    let out = c
        .arg(url)
        .output()
        .context("running wrk (Debian: apt-get install wrk)")?;
    parse_wrk(&String::from_utf8_lossy(&out.stdout))
}

/// nginx serving `dir` on `port`, stopped (master and workers) when dropped.
struct Nginx(std::process::Child, std::path::PathBuf);

impl Drop for Nginx {
    fn drop(&mut self) {
        let dir = &self.1;
        let _ = Command::new("nginx")
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .arg("-p")
            .arg(dir)
            .args(["-s", "stop"])
            .stderr(std::process::Stdio::null())
            .status();
        let _ = self.0.wait();
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn nginx(dir: &Path, port: u16) -> Result<Nginx> {
    let conf = dir.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "daemon off; worker_processes auto; pid {pid}; error_log {dir}/error.log;\n\
             events {{ worker_connections 4096; }}\n\
             http {{ access_log off; client_body_temp_path {dir}; proxy_temp_path {dir};\n\
             fastcgi_temp_path {dir}; uwsgi_temp_path {dir}; scgi_temp_path {dir};\n\
             server {{ listen 127.0.0.1:{port}; root {dir}; default_type text/html; }} }}\n",
            pid = dir.join("nginx.pid").display(),
            dir = dir.display(),
        ),
    )?;
    let child = Command::new("nginx")
        .arg("-c")
        .arg(&conf)
        .arg("-p")
        .arg(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .context("starting nginx (Debian: apt-get install nginx)")?;
    std::thread::sleep(Duration::from_millis(500));
    Ok(Nginx(child, dir.to_owned()))
}

/// Serves the populated service on a free port, measures each page signed in as the demo's
/// social worker, and the same bytes from nginx.
pub async fn run(svc: Service, o: Options, backend: &str) -> Result<()> {
    let creds = kumppani::demo::populate(&svc).await?;
    let worker = creds
        .iter()
        .find(|c| c.username == "kymenlaakso.social-worker")
        .ok_or_else(|| anyhow!("the demo has no kymenlaakso.social-worker"))?;
    let signed = svc
        .sign_in(&worker.username, &worker.password)
        .await
        .map_err(|e| anyhow!("signing in: {e}"))?;
    let cookie = format!("{}={}", web::SESSION_COOKIE, signed.token);
    let app = web::router(svc.clone(), web::WebConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let dir =
        std::env::temp_dir().join(format!("kumppani-pages-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir)?;
    let static_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0")?;
        l.local_addr()?.port()
    };
    println!(
        "{backend}: {} connections, {} s per page, {} wrk threads, signed in as {}",
        o.connections, o.seconds, o.threads, worker.username
    );
    println!(
        "{:<16} {:>10} {:>9} {:>9} {:>7} | {:>10} {:>9} {:>9} | {:>6}",
        "page", "req/s", "p50 ms", "p99 ms", "non-2xx", "nginx r/s", "p50 ms", "p99 ms", "ratio"
    );
    let mut server = None;
    for (name, path) in [
        ("clients", "/clients"),
        ("procurements", "/procurements"),
        ("commitments", "/commitments"),
        ("reports", "/reports"),
        ("home", "/"),
    ] {
        // The same bytes as a static file: what serving them costs without the application.
        let page = reqwest_like(addr, path, &cookie).await?;
        std::fs::write(dir.join(format!("{name}.html")), &page)?;
        if server.is_none() {
            server = Some(nginx(&dir, static_port)?);
        }
        let app = wrk(&o, &format!("http://{addr}{path}"), Some(&cookie))?;
        let stat = wrk(
            &o,
            &format!("http://127.0.0.1:{static_port}/{name}.html"),
            None,
        )?;
        println!(
            "{:<16} {:>10.0} {:>9.1} {:>9.1} {:>7} | {:>10.0} {:>9.1} {:>9.1} | {:>5.0}x",
            path,
            app.requests_per_s,
            app.p50_ms,
            app.p99_ms,
            app.non_2xx,
            stat.requests_per_s,
            stat.p50_ms,
            stat.p99_ms,
            stat.requests_per_s / app.requests_per_s
        );
    }
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

/// One GET with the session cookie over a plain TCP connection (HTTP/1.0, so the server closes
/// it), returning the body.
async fn reqwest_like(addr: std::net::SocketAddr, path: &str, cookie: &str) -> Result<Vec<u8>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    s.write_all(
        format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\nCookie: {cookie}\r\n\r\n").as_bytes(),
    )
    .await?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await?;
    let head_end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| anyhow!("no HTTP answer for {path}"))?;
    let head = String::from_utf8_lossy(&buf[..head_end]);
    if !head.starts_with("HTTP/1.0 200") && !head.starts_with("HTTP/1.1 200") {
        bail!("{path} answered {}", head.lines().next().unwrap_or(""));
    }
    Ok(buf[head_end + 4..].to_vec())
}
