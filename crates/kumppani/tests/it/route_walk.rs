//! The route walk: every route of the router, as every user of the demo, on records that user
//! must not reach. The routes come from `web::routes()`, the table the router is built from, so a
//! new route is walked without this file changing.
//!
//! For each user the people they must not reach are worked out from the records themselves, not
//! from the access policy (which is what is under test):
//!
//! - a family account: every person outside its own family;
//! - a purchaser's staff: every person registered by another organisation;
//! - a provider's staff: every person in a family that has never had a commitment with that
//!   provider.
//!
//! Each path parameter gets ids of such records (a client, a need, a commitment and its number,
//! a visit; and for the organisation's own records — users, units, staff, applications, keys —
//! those of other organisations). Every form, multipart and JSON body carries the same ids in
//! the fields the application reads ids from, and every query string in its parameters. Then:
//!
//! 1. no answer, whatever its status, names such a person (identity code, full name, or last
//!    name as a quoted value);
//! 2. every refusal (403 or 404) has written a `denied` row to the access log;
//! 3. a refusal looks the same whether the record exists or not: where a random id is refused,
//!    a client's record (client, need, commitment, visit) gets the same status.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use domain::access::{Action, Resource};
use domain::audit::Outcome;
use domain::org::{Actor, Role};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use tower::ServiceExt;
use uuid::Uuid;

/// One person in the demo's client register, with what would show them on a page.
struct Person {
    id: Uuid,
    owner: Uuid,
    family: Uuid,
    markers: Vec<String>,
}

/// What the demo holds, read behind the application's back.
struct Records {
    people: Vec<Person>,
    /// Family → the providers it has had a commitment with (in any state).
    providers_of_family: HashMap<Uuid, HashSet<Uuid>>,
    /// (id, owner, family) of the needs; (id, owner, family, number, status) of the commitments.
    needs: Vec<(Uuid, Uuid, Uuid)>,
    commitments: Vec<(Uuid, Uuid, Uuid, String, String)>,
    /// (id, family, month) of the visits.
    visits: Vec<(Uuid, Uuid, String)>,
    /// Records of an organisation, by the path segment that names them: (id, owner).
    owned: BTreeMap<&'static str, Vec<(Uuid, Uuid)>>,
}

fn str_of(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn uuid_of(v: &Value, k: &str) -> Option<Uuid> {
    v.get(k)
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
}

async fn read_records(db: &db::Db) -> Records {
    use db::doc::{self, Doc, Filter, Table};
    let mut tx = db.begin_read().await.unwrap();
    // The register is read with the policy's grant for a social worker of each purchaser: the
    // only key `db::client` takes.
    let mut grants = Vec::new();
    for o in db::organisation::list(&mut tx).await.unwrap() {
        let worker = Actor {
            user_id: Uuid::nil(),
            username: "walk".into(),
            display_name: "walk".into(),
            org_id: o.id,
            org_kind: o.kind,
            roles: vec![Role::SocialWorker],
            person: None,
            key: None,
            team: String::new(),
            unit: None,
        };
        let resource = Resource::Clients { org_id: o.id };
        #[allow(clippy::disallowed_methods)] // reading behind the application's back
        if let Ok(g) = domain::access::grant(&worker, Action::List, resource) {
            grants.push(g);
        }
    }
    let mut clients: Vec<Doc<Value>> = Vec::new();
    for g in &grants {
        clients.extend(db::client::list(&mut tx, g, None).await.unwrap());
    }
    let mut people = Vec::new();
    for c in &clients {
        let (first, last) = (str_of(&c.data, "first_name"), str_of(&c.data, "last_name"));
        let markers = vec![
            format!("{first} {last}"),
            format!("{last} {first}"),
            format!("\"{last}\""),
        ];
        people.push(Person {
            id: c.id,
            owner: c.owner_id,
            family: uuid_of(&c.data, "family").unwrap_or(c.id),
            markers,
        });
    }
    // A guardian belongs to the family of the child whose guardian they are.
    for c in &clients {
        let Some(family) = uuid_of(&c.data, "family") else {
            continue;
        };
        let guardians: Vec<Uuid> = c
            .data
            .get("guardians")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|g| g.as_str()?.parse().ok()).collect())
            .unwrap_or_default();
        for p in people.iter_mut().filter(|p| guardians.contains(&p.id)) {
            p.family = family;
        }
    }
    // The identity code is a column of its own, not in the document.
    for g in &grants {
        for (id, code) in db::client::identity_codes(&mut tx, g).await.unwrap() {
            if let Some(p) = people.iter_mut().find(|p| p.id == id) {
                p.markers.push(code);
            }
        }
    }
    let family_of: HashMap<Uuid, Uuid> = people.iter().map(|p| (p.id, p.family)).collect();
    let fam = |client: Option<Uuid>| {
        client
            .and_then(|c| family_of.get(&c).copied())
            .unwrap_or_default()
    };

    let needs: Vec<Doc<Value>> = doc::list(&mut tx, Table::ServiceNeeds, Filter::default())
        .await
        .unwrap();
    let needs = needs
        .iter()
        .map(|n| (n.id, n.owner_id, fam(uuid_of(&n.data, "client"))))
        .collect();
    let cs: Vec<Doc<Value>> = doc::list(&mut tx, Table::Commitments, Filter::default())
        .await
        .unwrap();
    let mut providers_of_family: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    let mut commitments = Vec::new();
    for c in &cs {
        let family = fam(uuid_of(&c.data, "client"));
        if let Some(p) = uuid_of(&c.data, "provider") {
            providers_of_family.entry(family).or_default().insert(p);
        }
        commitments.push((
            c.id,
            c.owner_id,
            family,
            str_of(&c.data, "number"),
            c.status.clone(),
        ));
    }
    let ids: Vec<Uuid> = people.iter().map(|p| p.id).collect();
    let from = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let visits = db::visit::for_clients(&mut tx, &ids, from)
        .await
        .unwrap()
        .into_iter()
        .map(|s| {
            (
                s.id,
                fam(Some(s.record.client)),
                s.record.visit.date.format("%Y-%m").to_string(),
            )
        })
        .collect();

    let mut owned: BTreeMap<&'static str, Vec<(Uuid, Uuid)>> = BTreeMap::new();
    let orgs = db::organisation::list(&mut tx).await.unwrap();
    for o in &orgs {
        owned.entry("organisations").or_default().push((o.id, o.id));
        for u in db::user::list_for(&mut tx, o.id).await.unwrap() {
            owned.entry("users").or_default().push((u.id, o.id));
        }
        for u in db::unit::list_for(&mut tx, o.id).await.unwrap() {
            owned.entry("units").or_default().push((u.id, o.id));
        }
        for k in db::api_key::list_for(&mut tx, o.id).await.unwrap() {
            owned.entry("api-keys").or_default().push((k.id, o.id));
        }
    }
    for (segment, table) in [
        ("procurements", Table::Procurements),
        ("lots", Table::Lots),
        ("applications", Table::Applications),
        ("staff", Table::StaffMembers),
        ("budget", Table::BudgetLines),
    ] {
        let docs: Vec<Doc<Value>> = doc::list(&mut tx, table, Filter::default()).await.unwrap();
        owned
            .entry(segment)
            .or_default()
            .extend(docs.iter().map(|d| (d.id, d.owner_id)));
    }
    tx.rollback().await.unwrap();
    Records {
        people,
        providers_of_family,
        needs,
        commitments,
        visits,
        owned,
    }
}

/// The families a user must not reach, by the rules in the module comment.
fn foreign_families(r: &Records, actor: Option<&Actor>) -> HashSet<Uuid> {
    let all = r.people.iter().map(|p| p.family);
    let Some(a) = actor else {
        return all.collect();
    };
    if let Some(me) = a.person {
        let mine = r.people.iter().find(|p| p.id == me).map(|p| p.family);
        return all.filter(|f| Some(*f) != mine).collect();
    }
    if a.org_kind.is_purchaser() {
        return r
            .people
            .iter()
            .filter(|p| p.owner != a.org_id)
            .map(|p| p.family)
            .collect();
    }
    all.filter(|f| {
        !r.providers_of_family
            .get(f)
            .is_some_and(|ps| ps.contains(&a.org_id))
    })
    .collect()
}

/// Ids to put in the place of each kind of parameter, for one user: at most two of each.
struct Candidates {
    by_segment: BTreeMap<String, Vec<String>>,
    months: Vec<String>,
    /// The first of every kind: for a parameter the walk does not recognise.
    any: Vec<String>,
    markers: Vec<String>,
    /// Form and JSON fields that carry ids, with a foreign value each.
    fields: Vec<(&'static str, String)>,
}

fn candidates(r: &Records, actor: Option<&Actor>) -> Candidates {
    let foreign = foreign_families(r, actor);
    let org = actor.map(|a| a.org_id).unwrap_or_default();
    let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        let e = by.entry(k.to_owned()).or_default();
        if e.len() < 2 && !e.contains(&v) {
            e.push(v);
        }
    };
    let mut children: Vec<&Person> = r
        .people
        .iter()
        .filter(|p| foreign.contains(&p.family))
        .collect();
    // Prefer people with a commitment in force: the ones most worth protecting.
    children.sort_by_key(|p| {
        !r.commitments
            .iter()
            .any(|c| c.2 == p.family && c.4 == "accepted")
    });
    for p in &children {
        put("clients", p.id.to_string());
    }
    for n in r.needs.iter().filter(|n| foreign.contains(&n.2)) {
        put("needs", n.0.to_string());
        put("competitions", n.0.to_string());
    }
    let mut cs: Vec<_> = r
        .commitments
        .iter()
        .filter(|c| foreign.contains(&c.2))
        .collect();
    cs.sort_by_key(|c| c.4 != "accepted");
    for c in &cs {
        put("commitments", c.0.to_string());
        put("number", c.3.clone());
    }
    let mut months = Vec::new();
    for v in r.visits.iter().filter(|v| foreign.contains(&v.1)) {
        put("visits", v.0.to_string());
        if !months.contains(&v.2) && months.len() < 2 {
            months.push(v.2.clone());
        }
    }
    if months.is_empty() {
        months.push("2026-10".into());
    }
    for (segment, rows) in &r.owned {
        for (id, owner) in rows {
            if *owner != org {
                put(segment, id.to_string());
            }
        }
    }
    let first = |k: &str| {
        by.get(k)
            .and_then(|v| v.first())
            .cloned()
            .unwrap_or_else(|| Uuid::now_v7().to_string())
    };
    let code = r
        .people
        .iter()
        .find(|p| foreign.contains(&p.family))
        .and_then(|p| p.markers.last().cloned())
        .unwrap_or_default();
    let fields = vec![
        ("id", first("clients")),
        ("client", first("clients")),
        ("person", first("clients")),
        ("need", first("needs")),
        ("commitment", first("number")),
        ("number", first("number")),
        ("visit", first("visits")),
        ("lot", first("lots")),
        ("application", first("applications")),
        ("unit", first("units")),
        ("unit_id", first("units")),
        ("budget_line", first("budget")),
        ("user", first("users")),
        ("organisation", first("organisations")),
        ("worker", first("staff")),
        ("workers", first("staff")),
        ("roster", first("staff")),
        ("record", first("clients")),
        ("identity_code", code.clone()),
        ("q", code.clone()),
        ("month", months[0].clone()),
    ];
    let any = by.values().filter_map(|v| v.first().cloned()).collect();
    // The code the requests send is left out: a form may show back what was typed into it.
    let markers = r
        .people
        .iter()
        .filter(|p| foreign.contains(&p.family))
        .flat_map(|p| p.markers.iter().cloned())
        .filter(|m| *m != code)
        .collect();
    Candidates {
        by_segment: by,
        months,
        any,
        markers,
        fields,
    }
}

/// The values to try for each parameter of a path, by the segment before it.
/// Also tells whether every parameter is one of a client's records, which the user may not
/// even know exists (an organisation's records, such as a public lot, may be known to them).
fn fill(path: &str, c: &Candidates) -> (Vec<String>, String, bool) {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut paths = vec![String::new()];
    let mut random = String::new();
    let mut strict = true;
    for (i, s) in segments.iter().enumerate() {
        let options: Vec<String> = if s.starts_with('{') {
            let before = if i > 0 { segments[i - 1] } else { "" };
            let key = match *s {
                "{number}" => "number",
                "{month}" => "month",
                "{index}" => "index",
                // A quarter (`2026-Q3`) names no record: one value is enough.
                "{period}" => "period",
                _ => before,
            };
            let random_value = match key {
                "month" => c.months[0].clone(),
                "index" => "0".into(),
                "period" => "2026-Q3".into(),
                "number" => "2026-999999".into(),
                _ => Uuid::now_v7().to_string(),
            };
            random.push('/');
            random.push_str(&random_value);
            strict &= PERSONAL.contains(&key) || matches!(key, "month" | "index" | "period");
            match key {
                "month" => c.months.clone(),
                "index" => vec!["0".into()],
                "period" => vec!["2026-Q3".into()],
                k => c
                    .by_segment
                    .get(k)
                    .cloned()
                    .unwrap_or_else(|| c.any.clone()),
            }
        } else {
            random.push('/');
            random.push_str(s);
            vec![(*s).to_owned()]
        };
        paths = paths
            .iter()
            .flat_map(|p| options.iter().map(move |o| format!("{p}/{o}")))
            .collect();
    }
    (paths, random, strict)
}

/// The path segments whose records belong to a client.
const PERSONAL: [&str; 6] = [
    "clients",
    "needs",
    "competitions",
    "commitments",
    "number",
    "visits",
];

struct Walker {
    app: axum::Router,
    svc: service::Service,
    db: db::Db,
    cookie: String,
    csrf: String,
}

struct Answer {
    status: StatusCode,
    body: String,
    signed_out: bool,
}

const BOUNDARY: &str = "walkboundary7d1c";

impl Walker {
    async fn sign_in(&mut self, username: &str, password: &str) -> Actor {
        let s = self.svc.sign_in(username, password).await.unwrap();
        self.cookie = format!("{}={}", web::SESSION_COOKIE, s.token);
        self.csrf = s.session.csrf_token.clone();
        s.session.actor
    }

    fn request(&self, route: &web::routes::Route, path: &str, c: &Candidates) -> Request<Body> {
        let query: Vec<(&str, String)> = c
            .fields
            .iter()
            .filter(|(k, _)| matches!(*k, "commitment" | "month" | "record" | "lot"))
            .cloned()
            .collect();
        let api = path.starts_with("/api/");
        let mut b = Request::builder()
            .method(route.method.clone())
            .header(header::HOST, "kumppani.test")
            .header("origin", "http://kumppani.test")
            .header("x-csrf-token", self.csrf.clone());
        if !self.cookie.is_empty() {
            b = b.header(header::COOKIE, self.cookie.clone());
        }
        if route.method == Method::GET {
            let mut s = form_urlencoded::Serializer::new(String::new());
            for (k, v) in &query {
                s.append_pair(k, v);
            }
            return b
                .uri(format!("{path}?{}", s.finish()))
                .body(Body::empty())
                .unwrap();
        }
        let b = b.uri(path);
        if route.upload {
            let mut body = format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n",
                self.csrf
            );
            for (k, v) in &c.fields {
                body.push_str(&format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                ));
            }
            body.push_str(&format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 walk\r\n--{BOUNDARY}--\r\n"
            ));
            return b
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(body))
                .unwrap();
        }
        if api {
            let object: serde_json::Map<String, Value> = c
                .fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), json!(v)))
                .collect();
            // A bulk endpoint reads an array of rows; every other one an object.
            let body = if path.ends_with("visits") {
                json!([object])
            } else {
                Value::Object(object)
            };
            return b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap();
        }
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("csrf", &self.csrf);
        for (k, v) in &c.fields {
            s.append_pair(k, v);
        }
        b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(s.finish()))
            .unwrap()
    }

    async fn send(&self, req: Request<Body>) -> Answer {
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let signed_out = resp
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.starts_with(web::SESSION_COOKIE) && v.contains("Max-Age=0"));
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            signed_out,
        }
    }

    /// The newest entry of the access log.
    async fn head(&self) -> i64 {
        db::audit::head(&self.db).await.unwrap().0
    }

    /// Whether a `denied` row was written after `seq`, and the newest entry now: one small
    /// query after each request, which also gives the next request its starting point.
    async fn denied_after(&self, seq: i64) -> (bool, i64) {
        let rows = db::audit::outcomes_after(&self.db, seq).await.unwrap();
        let denied = rows.iter().any(|(_, o)| o == Outcome::Denied.code());
        (denied, rows.last().map_or(seq, |r| r.0))
    }
}

fn body_hash(body: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    h.finish()
}

fn is_refusal(s: StatusCode) -> bool {
    s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND
}

#[tokio::test]
async fn every_route_as_every_demo_user_on_what_they_must_not_reach() {
    let t = testkit::migrated_db().await;
    let mut settings = service::Settings::default();
    // The walk sends thousands of requests from one address; the limits have their own tests.
    settings.throttle.code_from_address.failures = 1_000_000;
    settings.throttle.code_from_all.failures = 1_000_000;
    settings.throttle.sign_in_from_address.failures = 1_000_000;
    let svc = service::Service::new(
        t.db.clone(),
        testkit::TestClock::new(testkit::start_time()),
        settings,
    );
    let creds = kumppani::demo::populate(&svc).await.unwrap();
    let records = read_records(&t.db).await;
    let routes = web::routes();
    assert!(routes.len() > 100, "the route table has {}", routes.len());

    let mut w = Walker {
        app: web::router(svc.clone(), web::WebConfig::default()),
        svc: svc.clone(),
        db: t.db.clone(),
        cookie: String::new(),
        csrf: String::new(),
    };
    let mut users: Vec<Option<(String, String)>> = vec![None]; // signed out first
    users.extend(
        creds
            .iter()
            .map(|c| Some((c.username.clone(), c.password.clone()))),
    );
    let (mut requests, mut refusals, mut leaks, mut unlogged, mut telling) =
        (0usize, 0usize, Vec::new(), Vec::new(), Vec::new());
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for user in &users {
        let actor = match user {
            Some((u, p)) => Some(w.sign_in(u, p).await),
            None => {
                w.cookie.clear();
                w.csrf.clear();
                None
            }
        };
        let who = user.as_ref().map_or("(signed out)", |u| u.0.as_str());
        let c = candidates(&records, actor.as_ref());
        assert!(
            !c.markers.is_empty(),
            "{who}: the demo has nobody this user must not reach"
        );
        // The bodies this user's answers had, searched once each: most refusals are the
        // same page.
        let mut searched: HashSet<u64> = HashSet::new();
        let mut head = w.head().await;
        for route in &routes {
            let (paths, random, strict) = fill(route.path, &c);
            let mut refused_random = None;
            if route.path.contains('{') {
                let a = w.send(w.request(route, &random, &c)).await;
                let (denied, now) = w.denied_after(head).await;
                head = now;
                if is_refusal(a.status) {
                    refused_random = Some(a.status);
                    if actor.is_some() && !denied {
                        unlogged.push(format!("{who} {} {random}: {}", route.method, a.status));
                    }
                }
            }
            for path in paths {
                let a = w.send(w.request(route, &path, &c)).await;
                let (denied, now) = w.denied_after(head).await;
                head = now;
                requests += 1;
                *statuses.entry(a.status.as_u16()).or_default() += 1;
                if searched.insert(body_hash(&a.body)) {
                    for m in &c.markers {
                        if a.body.contains(m.as_str()) {
                            leaks.push(format!(
                                "{who} {} {path}: {} shows {m}",
                                route.method, a.status
                            ));
                        }
                    }
                }
                if a.status.is_server_error() {
                    failures.push(format!("{who} {} {path}: {}", route.method, a.status));
                }
                if is_refusal(a.status) {
                    refusals += 1;
                    if actor.is_some() && !denied {
                        unlogged.push(format!("{who} {} {path}: {}", route.method, a.status));
                    }
                }
                if let (Some(r), true) = (refused_random, strict) {
                    if a.status.is_client_error() && a.status != r {
                        telling.push(format!(
                            "{who} {} {path}: {} where a missing record gets {r}",
                            route.method, a.status
                        ));
                    }
                }
                if a.signed_out {
                    if let Some((u, p)) = user {
                        w.sign_in(u, p).await;
                        head = w.head().await;
                    }
                }
            }
        }
    }
    println!(
        "route walk: {} routes × {} users (and signed out) = {requests} requests, {refusals} refusals; statuses {statuses:?}",
        routes.len(),
        users.len() - 1,
    );
    let mut problems = Vec::new();
    for (what, list) in [
        ("server errors", &failures),
        ("leaks", &leaks),
        ("refusals without a denied row", &unlogged),
        ("answers that tell a record exists", &telling),
    ] {
        if !list.is_empty() {
            problems.push(format!("{} {what}:\n{}", list.len(), list.join("\n")));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    assert!(
        refusals > 1000,
        "only {refusals} refusals: the walk reached too little"
    );
}
