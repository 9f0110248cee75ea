use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use chrono::Duration;
use http_body_util::BodyExt;
use std::collections::HashMap;
use testkit::{World, PASSWORD};
use tower::ServiceExt;

struct Client {
    app: Router,
    cookies: HashMap<String, String>,
    csrf: String,
}

struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

fn csrf_in(html: &str) -> Option<String> {
    let i = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(html[i..i + 64].to_owned())
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

impl Client {
    fn new(w: &World) -> Client {
        Client {
            app: web::router(w.service.clone(), web::WebConfig::default()),
            cookies: HashMap::new(),
            csrf: String::new(),
        }
    }

    async fn send(&mut self, mut req: Request<Body>) -> Resp {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        if !cookie.is_empty() {
            req.headers_mut()
                .insert(header::COOKIE, cookie.parse().unwrap());
        }
        req.headers_mut()
            .insert(header::HOST, "kumppani.test".parse().unwrap());
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        for c in headers.get_all(header::SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (kv, _) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = kv.split_once('=').unwrap();
            if c.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        let body = String::from_utf8(
            resp.into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes()
                .to_vec(),
        )
        .unwrap();
        if let Some(t) = csrf_in(&body) {
            self.csrf = t;
        }
        Resp {
            status,
            headers,
            body,
        }
    }

    async fn get(&mut self, path: &str) -> Resp {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    async fn post(&mut self, path: &str, pairs: &[(&str, &str)]) -> Resp {
        let mut all = vec![("csrf", self.csrf.clone())];
        all.extend(pairs.iter().map(|(k, v)| (*k, v.to_string())));
        let refs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("origin", "http://kumppani.test")
                .body(Body::from(form(&refs)))
                .unwrap(),
        )
        .await
    }

    async fn json(&mut self, method: Method, path: &str, body: serde_json::Value) -> Resp {
        let csrf = self.csrf.clone();
        self.send(
            Request::builder()
                .method(method)
                .uri(path)
                .header(header::CONTENT_TYPE, "application/json")
                .header("x-csrf-token", csrf)
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    async fn sign_in(&mut self, username: &str) -> Resp {
        self.get("/login").await;
        let r = self
            .post(
                "/login",
                &[
                    ("username", username),
                    ("password", PASSWORD),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let home = self.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        home
    }
}

#[tokio::test]
async fn the_sign_in_page_speaks_the_browsers_language_and_sends_security_headers() {
    let w = World::new().await;
    let mut c = Client::new(&w);
    let r = c.get("/login").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<html lang=\"fi\">"));
    assert!(r.body.contains("Kirjaudu sisään"));
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(r.headers.contains_key(h), "{h}");
    }
    let set = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    assert!(set.iter().any(|c| c.starts_with("kumppani_csrf=")
        && c.contains("HttpOnly")
        && c.contains("SameSite=Lax")));
    let r = c
        .send(
            Request::get("/login")
                .header(header::ACCEPT_LANGUAGE, "sv-FI,sv;q=0.9,en;q=0.5")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(r.body.contains("<html lang=\"sv\">"), "{}", &r.body[..200]);
    // The switch is remembered in a cookie and wins over the browser's wish.
    let r = c
        .post("/language", &[("lang", "en"), ("next", "/login")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = c
        .send(
            Request::get("/login")
                .header(header::ACCEPT_LANGUAGE, "sv")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(r.body.contains("<html lang=\"en\">"));
    assert!(r.body.contains("Sign in"));
}

#[tokio::test]
async fn unsafe_requests_need_the_token_and_the_same_origin() {
    let w = World::new().await;
    let mut c = Client::new(&w);
    c.get("/login").await;
    let good = c.csrf.clone();
    c.csrf = "0".repeat(64);
    let r = c
        .post(
            "/login",
            &[("username", "county.admin"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    c.csrf = good;
    let r = c
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("origin", "https://evil.example")
                .body(Body::from(form(&[
                    ("csrf", &c.csrf.clone()),
                    ("username", "county.admin"),
                    ("password", PASSWORD),
                ])))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // No session was made by either.
    assert!(!c.cookies.contains_key(web::SESSION_COOKIE));
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_page() {
    let w = World::new().await;
    let mut c = Client::new(&w);
    c.get("/login").await;
    let a = c
        .post(
            "/login",
            &[("username", "county.admin"), ("password", "wrong wrong")],
        )
        .await;
    let b = c
        .post(
            "/login",
            &[("username", "no.such.user"), ("password", "wrong wrong")],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(b.status, StatusCode::UNAUTHORIZED);
    let msg = "Kirjautuminen epäonnistui.";
    assert!(a.body.contains(msg) && b.body.contains(msg));
}

#[tokio::test]
async fn an_admin_of_one_organisation_cannot_reach_anothers_users_by_link_or_api() {
    let w = World::new().await;
    let mut c = Client::new(&w);
    let home = c.sign_in("city.admin").await;
    assert!(home.body.contains("city.admin"));
    assert!(!home.body.contains("county.worker"));

    let r = c.get(&format!("/users/{}", w.social_worker)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.body.contains("county.worker"));
    let r = c.get(&format!("/organisations/{}", w.county)).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the organisation itself is public"
    );
    assert!(!r.body.contains("county.worker"), "but not its users");
    let r = c
        .post(
            &format!("/users/{}/active", w.social_worker),
            &[("active", "false")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = c.get("/api/v1/session").await;
    let s: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    c.csrf = s["csrf_token"].as_str().unwrap().to_owned();
    let r = c
        .get(&format!("/api/v1/organisations/{}/users", w.county))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let e: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(e["error"]["code"], "access-other-organisation");
    let r = c
        .json(
            Method::PUT,
            &format!("/api/v1/users/{}", w.social_worker),
            serde_json::json!({"username": "county.worker", "display_name": "X", "roles": ["purchaser_admin"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = c.get(&format!("/api/v1/users/{}", w.social_worker)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let denied: Vec<_> = crate::http::log(&w)
        .await
        .into_iter()
        .filter(|e| e.outcome == "denied")
        .collect();
    let actions: Vec<_> = denied.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["read", "deactivate", "list", "update", "read"],
        "{denied:#?}"
    );
    assert!(denied
        .iter()
        .all(|e| e.actor_id == Some(w.city_admin) && e.register_owner == Some(w.county)));
}

pub async fn log(w: &World) -> Vec<domain::audit::AuditEntry> {
    testkit::audit_log(w.service.db()).await
}

#[tokio::test]
async fn bad_input_comes_back_with_messages_next_to_the_fields() {
    let w = World::new().await;
    let mut c = Client::new(&w);
    c.sign_in("county.admin").await;
    c.get(&format!("/organisations/{}/users/new", w.county))
        .await;
    let r = c
        .post(
            &format!("/organisations/{}/users", w.county),
            &[
                ("username", "county.worker"),
                ("display_name", ""),
                ("language", "fi"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("id=\"e-username\">Käyttäjätunnus on jo käytössä."),
        "{}",
        r.body
    );
    assert!(r.body.contains("id=\"e-display_name\">Täytä tämä kenttä."));
    assert!(r
        .body
        .contains("id=\"e-roles\">Valitse vähintään yksi rooli."));
    assert!(
        r.body.contains("href=\"#f-username\""),
        "the summary links to the field"
    );
    assert!(
        r.body.contains("value=\"county.worker\""),
        "what was typed is kept"
    );
    let users = c
        .get(&format!("/api/v1/organisations/{}/users", w.county))
        .await;
    let list: serde_json::Value = serde_json::from_str(&users.body).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn an_expired_session_keeps_the_form_through_sign_in() {
    let w = World::new().await;
    let mut c = Client::new(&w);
    c.sign_in("county.admin").await;
    c.get(&format!("/organisations/{}/users/new", w.county))
        .await;
    w.clock.advance(Duration::minutes(45));
    let r = c
        .post(
            &format!("/organisations/{}/users", w.county),
            &[
                ("username", "new.person"),
                ("display_name", "Uusi Henkilö"),
                ("roles", "controller"),
                ("roles", "social_worker"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("id=\"login-form\""));
    assert!(
        r.body
            .contains("name=\"resume:display_name\" value=\"Uusi Henkilö\""),
        "{}",
        r.body
    );
    assert!(r
        .body
        .contains("name=\"resume:roles\" value=\"social_worker\""));
    // Sign in from that page: the form comes back, ready to send.
    let resume: Vec<(String, String)> = vec![
        ("resume:username".into(), "new.person".into()),
        ("resume:display_name".into(), "Uusi Henkilö".into()),
        ("resume:roles".into(), "controller".into()),
        ("resume:roles".into(), "social_worker".into()),
    ];
    let next = format!("/organisations/{}/users", w.county);
    let mut pairs: Vec<(&str, &str)> = vec![
        ("username", "county.admin"),
        ("password", PASSWORD),
        ("next", next.as_str()),
    ];
    pairs.extend(resume.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = c.post("/login", &pairs).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&format!("action=\"{next}\"")));
    assert!(r
        .body
        .contains("name=\"display_name\" value=\"Uusi Henkilö\""));
    // Sending it now reaches the use case (which asks for the missing password).
    let r = c
        .post(
            &next,
            &[
                ("username", "new.person"),
                ("display_name", "Uusi Henkilö"),
                ("roles", "controller"),
                ("password", "long enough password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn every_documented_api_operation_is_routed() {
    let w = World::new().await;
    let mut c = Client::new(&w);
    c.sign_in("provider.admin").await;
    let r = c.get("/api/v1/session").await;
    let s: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    c.csrf = s["csrf_token"].as_str().unwrap().to_owned();
    let unit = c
        .json(
            Method::POST,
            &format!("/api/v1/organisations/{}/units", w.provider),
            serde_json::json!({"name": "Yksikkö", "street_address": "Katu 1", "postal_code": "00100", "city": "Helsinki", "municipality": "Helsinki", "languages": ["fi"]}),
        )
        .await;
    assert_eq!(unit.status, StatusCode::CREATED, "{}", unit.body);
    let unit_id = serde_json::from_str::<serde_json::Value>(&unit.body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A procurement with an open lot, and the provider's draft application to it.
    let mut lot = domain::procurement::Lot::empty(1);
    lot.open = true;
    let procurement: domain::procurement::Procurement = toml::from_str(
        "kind = 'dynamic_purchasing_system'\nstarts_on = '2026-01-01'\nends_on = '2027-12-31'\n\
         cpv_main = '85300000'\nnuts = 'FI1C7'\n[title]\nfi = 'Hankinta'\n",
    )
    .unwrap();
    #[allow(clippy::disallowed_methods)] // the test's own set-up, as the test kit's
    let procurement_id = w
        .service
        .setup()
        .bootstrap_procurement(w.county, &procurement, &[lot])
        .await
        .unwrap();
    let admin = w.actor("provider.admin").await;
    let lot_id = w
        .service
        .procurement(&admin, procurement_id)
        .await
        .unwrap()
        .lots[0]
        .id;
    let application_id = w.service.start_application(&admin, lot_id).await.unwrap();
    let social_worker = w.actor("county.worker").await;
    let code = domain::ident::PersonalIdentityCode::new_made_up(
        chrono::NaiveDate::from_ymd_opt(2014, 5, 3).unwrap(),
        915,
    )
    .unwrap();
    let client_id = w
        .service
        .register_client(
            &social_worker,
            &domain::client::ClientForm {
                identity_code: code.as_str().into(),
                first_name: "Veeti".into(),
                last_name: "Kuvitelma".into(),
                home_municipality: "Kotka".into(),
                language: "fi".into(),
                ..Default::default()
            },
            &[],
        )
        .await
        .unwrap();
    let doc = c.get("/api/openapi.json").await;
    let doc: serde_json::Value = serde_json::from_str(&doc.body).unwrap();
    let ops = web::openapi::operations();
    assert_eq!(
        doc["paths"].as_object().unwrap().len(),
        ops.iter()
            .map(|o| o.path)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );
    // Every reference in the document names a schema it has.
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                    out.push(r.to_owned());
                }
                m.values().for_each(|x| refs(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 20, "{} references", all.len());
    for r in &all {
        // The open contracting data is described by the standard's own published schema.
        if r.starts_with("https://standard.open-contracting.org/schema/") {
            continue;
        }
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{r} is not in the components"
        );
    }
    let mut answered = 0;
    for op in ops {
        let id = if op.path.starts_with("/api/v1/units") {
            unit_id.clone()
        } else if op.path.starts_with("/api/v1/procurements") {
            procurement_id.to_string()
        } else if op.path.starts_with("/api/v1/lots") {
            lot_id.to_string()
        } else if op.path.starts_with("/api/v1/applications") {
            application_id.to_string()
        } else if op.path.starts_with("/api/v1/clients") {
            client_id.to_string()
        } else if op.path.starts_with("/api/v1/users") {
            w.provider_admin.to_string()
        } else {
            w.provider.to_string()
        };
        let path = op.path.replace("{id}", &id);
        let method = Method::from_bytes(op.method.to_uppercase().as_bytes()).unwrap();
        let r = c.json(method, &path, serde_json::json!({})).await;
        assert_ne!(
            r.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{} {path}",
            op.method
        );
        assert_ne!(
            r.status,
            StatusCode::NOT_FOUND,
            "{} {path}: {}",
            op.method,
            r.body
        );
        // What is sent has no field the document does not name.
        if r.status == StatusCode::OK {
            // The open contracting data is checked against the standard's own schema in the
            // kumppani tests (tests/it/ocds.rs), not by this walk.
            let external = op.response.as_ref().is_some_and(|s| {
                s["$ref"]
                    .as_str()
                    .is_some_and(|r| r.starts_with("https://"))
            });
            if let Some(schema) = op.response.as_ref().filter(|_| !external) {
                let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
                if let Err(e) = conforms(&doc, schema, &body, "") {
                    panic!("{} {path}: {e}\n{}", op.method, r.body);
                }
            }
        }
        answered += usize::from(r.status == StatusCode::OK && op.response.is_some());
    }
    assert!(
        answered >= 5,
        "only {answered} documented answers were checked"
    );
}

/// Whether `value` keeps to `schema`'s shape: an object has only the properties the schema
/// names (where it names any), and each is checked in turn; array items likewise. References
/// are resolved in the document's components; of `anyOf` branches, one must fit.
fn conforms(
    doc: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
    at: &str,
) -> Result<(), String> {
    if let Some(r) = schema.get("$ref").and_then(|r| r.as_str()) {
        let name = r.trim_start_matches("#/components/schemas/");
        let target = &doc["components"]["schemas"][name];
        if target.is_null() {
            return Err(format!("{at}: {r} is not in the components"));
        }
        return conforms(doc, target, value, at);
    }
    if let Some(any) = schema.get("anyOf").or_else(|| schema.get("oneOf")) {
        let branches = any.as_array().cloned().unwrap_or_default();
        return if branches.iter().any(|b| conforms(doc, b, value, at).is_ok()) {
            Ok(())
        } else {
            Err(format!("{at}: no branch of {any} fits {value}"))
        };
    }
    match value {
        serde_json::Value::Object(m) => {
            if let Some(props) = schema.get("properties").and_then(|p| p.as_object()) {
                for (k, v) in m {
                    let Some(p) = props.get(k) else {
                        return Err(format!("{at}/{k} is sent but not documented"));
                    };
                    conforms(doc, p, v, &format!("{at}/{k}"))?;
                }
            }
            Ok(())
        }
        serde_json::Value::Array(items) => match schema.get("items") {
            Some(s) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| conforms(doc, s, v, &format!("{at}/{i}"))),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

#[tokio::test]
async fn health_and_readiness() {
    let w = World::new().await;
    let mut c = Client::new(&w);
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(c.get("/readyz").await.status, StatusCode::OK);
    let r = c.get("/organisations").await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "signed-out users are sent to sign in"
    );
}

#[tokio::test]
async fn sign_in_never_redirects_to_another_site_nor_fails_on_a_broken_next() {
    let w = World::new().await;
    for next in [
        "/\t/evil.example/",
        "/\n/evil.example",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example/",
        "/ok\r\nSet-Cookie: x=y",
    ] {
        let mut c = Client::new(&w);
        c.get("/login").await;
        let r = c
            .post(
                "/login",
                &[
                    ("username", "county.admin"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}: {}", r.body);
        assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/", "{next:?}");
        // The sign-in page itself carries only a safe `next`.
        let page = c.get(&format!("/login?{}", form(&[("next", next)]))).await;
        assert!(page.status == StatusCode::OK || page.status == StatusCode::SEE_OTHER);
        if let Some(l) = page.headers.get(header::LOCATION) {
            assert_eq!(l, "/", "{next:?}");
        }
    }
}

#[tokio::test]
async fn the_api_hides_addresses_and_phones_under_turvakielto_as_the_page_does() {
    let w = World::new().await;
    let social = w.actor("county.worker").await;
    let person = |code: String, first: &str, street: &str, phone: &str, tk: bool| {
        domain::client::ClientForm {
            identity_code: code,
            first_name: first.into(),
            last_name: "Salainen".into(),
            home_municipality: "Kotka".into(),
            language: "fi".into(),
            street_address: street.into(),
            postal_code: "48210".into(),
            city: "Piilola".into(),
            phone: phone.into(),
            turvakielto: if tk { "yes".into() } else { String::new() },
            service_task: "Lastensuojelun avohuolto".into(),
            legal_basis: String::new(),
        }
    };
    let code = |y, n| {
        domain::ident::PersonalIdentityCode::new_made_up(
            chrono::NaiveDate::from_ymd_opt(y, 3, 3).unwrap(),
            n,
        )
        .unwrap()
        .as_str()
        .to_owned()
    };
    let id = w
        .service
        .register_client(
            &social,
            &person(code(2013, 981), "Aino", "Salakuja 7", "040 111 2222", true),
            &[person(
                code(1984, 982),
                "Pekka",
                "Salakuja 7 B",
                "050 333 4444",
                false,
            )],
        )
        .await
        .unwrap();
    let mut c = Client::new(&w);
    c.sign_in("county.worker").await;
    let api = c.get(&format!("/api/v1/clients/{id}")).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let page = c.get(&format!("/clients/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for secret in [
        "Salakuja",
        "48210",
        "Piilola",
        "040 111 2222",
        "050 333 4444",
    ] {
        assert!(
            !api.body.contains(secret),
            "API shows {secret}: {}",
            api.body
        );
        assert!(!page.body.contains(secret), "page shows {secret}");
    }
    assert!(api.body.contains("Aino Salainen") && api.body.contains("Pekka Salainen"));
    assert!(api.body.contains("\"turvakielto\":true"));
}

/// Twenty people at once on the embedded database: sessions are read without the write lock
/// and touched only when their expiry moves, so nobody waits for the lock or gets a 5xx.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_clients_get_no_server_errors() {
    let w = World::new().await;
    let mut clients = Vec::new();
    for _ in 0..20 {
        let mut c = Client::new(&w);
        c.sign_in("county.worker").await;
        clients.push(c);
    }
    let before = testkit::audit_log(&w.test_db.db).await.len();
    let mut tasks = Vec::new();
    for mut c in clients {
        tasks.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            for path in ["/clients", "/commitments", "/", "/clients", "/procurements"] {
                statuses.push(c.get(path).await.status);
            }
            statuses
        }));
    }
    let mut n = 0;
    for t in tasks {
        for s in t.await.unwrap() {
            assert_eq!(s, StatusCode::OK);
            n += 1;
        }
    }
    assert_eq!(n, 100);
    // Every list view of client data is in the log: two of /clients and one of /commitments
    // per person.
    let log = testkit::audit_log(&w.test_db.db).await;
    let lists = log[before..]
        .iter()
        .filter(|e| {
            e.action == "list" && (e.record_kind == "client" || e.record_kind == "commitment")
        })
        .count();
    assert_eq!(lists, 60);
}

#[tokio::test]
async fn a_provider_system_calls_the_api_with_a_scoped_key_instead_of_a_session() {
    let w = World::new().await;
    let mut admin = Client::new(&w);
    admin.sign_in("provider.admin").await;
    let page = admin.get("/api-keys").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // More than a year is refused next to the field.
    let r = admin
        .post(
            "/api-keys",
            &[
                ("name", "Liian pitkä"),
                ("operations", "visits.write"),
                ("valid_days", "400"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"e-valid_days\""), "{}", r.body);
    let secret_of = |body: &str| {
        let i = body.find("kpk_").expect("the secret is shown once");
        body[i..i + 4 + 64].to_owned()
    };
    let r = admin
        .post(
            "/api-keys",
            &[
                ("name", "Toiminnanohjaus"),
                ("operations", "visits.write"),
                ("valid_days", "365"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let writer = secret_of(&r.body);
    // Shown once: the list does not show it again.
    assert!(!admin.get("/api-keys").await.body.contains(&writer));
    let r = admin
        .post(
            "/api-keys",
            &[
                ("name", "Raportointi"),
                ("operations", "commitments.read"),
                ("valid_days", "30"),
            ],
        )
        .await;
    let reader = secret_of(&r.body);

    let call = |method: Method, path: &str, key: &str, body: Option<serde_json::Value>| {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .header(header::HOST, "kumppani.test");
        if body.is_some() {
            b = b.header(header::CONTENT_TYPE, "application/json");
        }
        b.body(Body::from(body.map(|v| v.to_string()).unwrap_or_default()))
            .unwrap()
    };
    let mut system = Client::new(&w);
    // Visits without a session cookie or CSRF token: each row gets its result.
    let rows = serde_json::json!({ "visits": [{ "commitment": "MS-2026-0000000", "id": "x1",
        "date": "2026-11-20", "start": "09:00", "end": "10:00", "kind": "home_visit",
        "status": "done", "workers": [] }] });
    let r = system
        .send(call(
            Method::POST,
            "/api/v1/visits",
            &writer,
            Some(rows.clone()),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("visit-commitment-unknown"), "{}", r.body);
    // Outside its operations the key is refused, and the refusal is logged with the key.
    let r = system
        .send(call(Method::GET, "/api/v1/commitments", &writer, None))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("access-key-scope"));
    let r = system
        .send(call(Method::GET, "/api/v1/commitments", &reader, None))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = system
        .send(call(
            Method::POST,
            "/api/v1/visits",
            &reader,
            Some(rows.clone()),
        ))
        .await;
    assert!(r.body.contains("access-key-scope"), "{}", r.body);
    let log = testkit::audit_log(&w.test_db.db).await;
    assert!(log
        .iter()
        .any(|e| e.actor_name == "api-key:Toiminnanohjaus" && e.outcome == "denied"));
    assert!(log
        .iter()
        .any(|e| e.actor_name == "api-key:Raportointi" && e.action == "list" && e.outcome == "ok"));
    assert!(!log.iter().any(|e| e.details.contains(&writer[4..])));

    // A revoked key, an unknown one and pages are all refused.
    let keys = w
        .service
        .api_keys(&w.actor("provider.admin").await)
        .await
        .unwrap();
    let id = keys.iter().find(|k| k.name == "Raportointi").unwrap().id;
    let r = admin.post(&format!("/api-keys/{id}/revoke"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = system
        .send(call(Method::GET, "/api/v1/commitments", &reader, None))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = system
        .send(call(
            Method::GET,
            "/api/v1/commitments",
            &format!("kpk_{}", "0".repeat(64)),
            None,
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Only the provider's administrator keeps keys.
    let mut social = Client::new(&w);
    social.sign_in("county.worker").await;
    assert_eq!(social.get("/api-keys").await.status, StatusCode::FORBIDDEN);
}

/// A made-up e-invoice from the world's provider to the county, naming no commitment.
fn invoice_xml(number: &str) -> String {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../einvoice/tests/fixtures/finvoice30-perhetyo-lokakuu.xml"
    );
    let mut inv = einvoice::read(&std::fs::read(fixture).unwrap(), "f.xml")
        .unwrap()
        .invoice;
    inv.number = number.into();
    inv.seller.business_id = Some("0737546-2".into());
    inv.seller.legal_id = None;
    inv.seller.vat_id = None;
    inv.buyer.business_id = Some("3221311-5".into());
    inv.buyer.legal_id = None;
    einvoice::write::ubl(&inv)
}

#[tokio::test]
async fn a_provider_sends_invoices_by_api_key_and_on_the_page_and_sees_where_they_stand() {
    let w = World::new().await;
    let mut admin = Client::new(&w);
    admin.sign_in("provider.admin").await;
    let mut keys = Vec::new();
    for ops in ["invoices.write", "visits.write"] {
        admin.get("/api-keys").await;
        let r = admin
            .post(
                "/api-keys",
                &[("name", ops), ("operations", ops), ("valid_days", "30")],
            )
            .await;
        let i = r.body.find("kpk_").expect("the secret is shown once");
        keys.push(r.body[i..i + 4 + 64].to_owned());
    }
    let call = |method: Method, key: &str, body: String| {
        Request::builder()
            .method(method)
            .uri("/api/v1/invoices")
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .header(header::CONTENT_TYPE, "application/xml")
            .body(Body::from(body))
            .unwrap()
    };
    let mut system = Client::new(&w);
    // No commitment number: kept aside for the county, with the reason in the caller's language.
    let r = system
        .send(call(Method::POST, &keys[0], invoice_xml("A-1")))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["result"], "quarantined");
    assert_eq!(v["reason"], "unknown-commitment");
    assert!(!v["message"].as_str().unwrap().is_empty());
    // The same number again is refused, and nothing is kept.
    let r = system
        .send(call(Method::POST, &keys[0], invoice_xml("A-1")))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("invoice-duplicate"), "{}", r.body);
    // Not XML at all: refused with the reader's line.
    let r = system
        .send(call(Method::POST, &keys[0], "<Invoice>".into()))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("invoice-unreadable"), "{}", r.body);
    // A key without invoices.write is refused.
    let r = system
        .send(call(Method::POST, &keys[1], invoice_xml("A-2")))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("access-key-scope"), "{}", r.body);
    let r = system
        .send(call(Method::GET, &keys[0], String::new()))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["number"], "A-1");
    assert_eq!(list[0]["status"], "quarantined");

    // The page lists it with the reason and opens it; the upload form refuses an empty file.
    let page = admin.get("/invoices").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("A-1"), "{}", page.body);
    assert!(page.body.contains("action=\"/invoices\""));
    let id = list[0]["id"].as_str().unwrap();
    let one = admin.get(&format!("/invoices/{id}")).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert!(one.body.contains("SHA-256"), "{}", one.body);
    let boundary = "kumppaniboundary";
    let upload = |csrf: &str, content: &str| {
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lasku.xml\"\r\nContent-Type: application/xml\r\n\r\n{content}\r\n--{boundary}--\r\n"
        );
        Request::post("/invoices")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("origin", "http://kumppani.test")
            .body(Body::from(body))
            .unwrap()
    };
    let csrf = admin.csrf.clone();
    let r = admin.send(upload(&csrf, "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("id=\"e-file\""), "{}", r.body);
    let csrf = admin.csrf.clone();
    let r = admin.send(upload(&csrf, &invoice_xml("B-1"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    let kept = admin.get(&to).await;
    assert!(kept.body.contains("B-1"), "{}", kept.body);

    // The county's social worker has no invoices page.
    let mut social = Client::new(&w);
    social.sign_in("county.worker").await;
    assert_eq!(social.get("/invoices").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        social.get(&format!("/invoices/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
}

/// Open contracting data is public: no sign-in, and its making is in the access log.
#[tokio::test]
async fn open_contracting_data_needs_no_sign_in() {
    let w = World::new().await;
    let mut c = Client::new(&w);
    let r = c.get("/api/v1/ocds").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["version"], "1.1");
    assert!(v["releases"].is_array());
    let last = log(&w).await.pop().unwrap();
    assert_eq!(last.actor_name, "system");
    assert!(
        last.details.starts_with("open contracting data"),
        "{}",
        last.details
    );
}
