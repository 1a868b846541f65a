//! Every route of the OpenAPI document, called by every kind of principal. The table below says
//! what each route accepts; a route in the document without an entry here fails the test, so a
//! new route cannot be added without deciding who may call it.

mod common;
use common::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{Value, json};

/// Who may call a route, and so what each kind of caller must get.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// No credential needed (demo sign-in, client configuration).
    Public,
    /// People of any organization, about their own organization (their lists, profile, sign-in).
    OrgUser,
    /// People, about one object of their organization that is not in a list (a job).
    OrgObject,
    /// People reading a list (every member may).
    ListRead,
    /// People changing a list's groups or importing (needs a right the rights-less member lacks).
    ListWrite,
    /// Owners only (settings, permissions, API keys).
    Owner,
    /// A list's contacts, reading: people and that list's API key.
    ContactsRead,
    /// A list's contacts, writing: people with the right, and that list's API key.
    ContactsWrite,
}

const ROUTES: &[(&str, &str, Kind)] = &[
    ("GET", "/api/v1/demo/personas", Kind::Public),
    ("POST", "/api/v1/demo/token", Kind::Public),
    ("GET", "/api/v1/info", Kind::Public),
    ("GET", "/api/v1/jobs/{id}", Kind::OrgObject),
    ("POST", "/api/v1/jobs/{id}/undo", Kind::ListWrite),
    ("GET", "/api/v1/lists", Kind::OrgUser),
    ("POST", "/api/v1/lists", Kind::OrgUser),
    ("GET", "/api/v1/lists/trash", Kind::OrgUser),
    ("POST", "/api/v1/lists/{list}/restore", Kind::Owner),
    ("GET", "/api/v1/lists/{list}/trash", Kind::ListWrite),
    ("POST", "/api/v1/lists/{list}/trash/{id}/restore", Kind::ListWrite),
    ("DELETE", "/api/v1/lists/{list}/trash/{id}", Kind::Owner),
    ("POST", "/api/v1/lists/{list}/groups/{id}/restore", Kind::ListWrite),
    ("GET", "/api/v1/lists/{list}/contacts/{id}/history", Kind::ContactsRead),
    ("POST", "/api/v1/lists/{list}/contacts/{id}/revert", Kind::ContactsWrite),
    ("POST", "/api/v1/lists/{list}/contacts/{id}/merge", Kind::ContactsWrite),
    ("GET", "/api/v1/lists/{list}/changes", Kind::ContactsRead),
    ("GET", "/api/v1/lists/{list}/events", Kind::ContactsRead),
    ("GET", "/api/v1/lists/{list}", Kind::ListRead),
    ("DELETE", "/api/v1/lists/{list}", Kind::Owner),
    ("PATCH", "/api/v1/lists/{list}", Kind::Owner),
    ("GET", "/api/v1/lists/{list}/about", Kind::ListRead),
    ("GET", "/api/v1/lists/{list}/api-keys", Kind::Owner),
    ("POST", "/api/v1/lists/{list}/api-keys", Kind::Owner),
    ("DELETE", "/api/v1/lists/{list}/api-keys/{id}", Kind::Owner),
    ("GET", "/api/v1/lists/{list}/contacts", Kind::ContactsRead),
    ("POST", "/api/v1/lists/{list}/contacts", Kind::ContactsWrite),
    ("GET", "/api/v1/lists/{list}/contacts/{id}", Kind::ContactsRead),
    ("PUT", "/api/v1/lists/{list}/contacts/{id}", Kind::ContactsWrite),
    ("DELETE", "/api/v1/lists/{list}/contacts/{id}", Kind::ContactsWrite),
    ("PATCH", "/api/v1/lists/{list}/contacts/{id}", Kind::ContactsWrite),
    ("GET", "/api/v1/lists/{list}/duplicates", Kind::ListRead),
    ("GET", "/api/v1/lists/{list}/export", Kind::ListRead),
    ("GET", "/api/v1/lists/{list}/groups", Kind::ListRead),
    ("POST", "/api/v1/lists/{list}/groups", Kind::ListWrite),
    ("GET", "/api/v1/lists/{list}/groups/{id}", Kind::ListRead),
    ("DELETE", "/api/v1/lists/{list}/groups/{id}", Kind::ListWrite),
    ("PATCH", "/api/v1/lists/{list}/groups/{id}", Kind::ListWrite),
    ("GET", "/api/v1/lists/{list}/import/template.xlsx", Kind::ListRead),
    ("POST", "/api/v1/lists/{list}/imports", Kind::ListWrite),
    ("POST", "/api/v1/login", Kind::OrgUser),
    ("GET", "/api/v1/me", Kind::OrgUser),
    ("GET", "/api/v1/users", Kind::OrgUser),
];

/// The callers, in the order of [`expected`]'s columns.
const CALLERS: [&str; 7] = [
    "none",
    "garbage token",
    "forged key of another org",
    "expired token",
    "user of another org",
    "member without rights",
    "key of another list",
];

/// Expected status per caller: `2` means any 2xx.
fn expected(kind: Kind) -> Option<[u16; 7]> {
    Some(match kind {
        Kind::Public => return None,
        Kind::OrgUser => [401, 401, 401, 401, 2, 2, 403],
        Kind::OrgObject | Kind::ListRead => [401, 401, 401, 401, 404, 2, 403],
        Kind::ListWrite | Kind::Owner => [401, 401, 401, 401, 404, 403, 403],
        Kind::ContactsRead => [401, 401, 401, 401, 404, 2, 404],
        Kind::ContactsWrite => [401, 401, 401, 401, 404, 403, 404],
    })
}

fn expired_token(secret: &[u8]) -> String {
    #[allow(clippy::disallowed_methods)]
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let claims = json!({"iss": "contactpro-demo", "aud": "contactpro", "tid": CONTOSO, "oid": "megan",
        "name": "Megan", "preferred_username": "megan@contoso.example", "exp": now - 3600});
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret)).unwrap()
}

/// A key in the current format naming another organization, with a MAC made without the server key.
fn forged_key(org: &str) -> String {
    format!("cpk_{}_{org}_{}", uuid::Uuid::new_v4().simple(), hex::encode(rand::random::<[u8; 32]>()))
}

struct World {
    list: String,
    contact: String,
    group: String,
    key_id: String,
    job: String,
}

async fn world(app: &TestApp, owner: &Client) -> (World, String) {
    let list = owner.create_list("Suppliers").await;
    // Custom permissions with nobody listed: members read, and may do nothing else.
    let (s, v) =
        owner.patch(&format!("/api/v1/lists/{list}"), &json!({"permissions": {"mode": "custom", "members": []}})).await;
    assert_eq!(s, 200, "{v}");
    let contact =
        owner.create_contact(&list, json!({"full_name": "Clément Laurent"})).await["id"].as_str().unwrap().to_owned();
    let group = owner.create_group(&list, "Crew").await;
    let (s, v) = owner.post(&format!("/api/v1/lists/{list}/api-keys"), &json!({"name": "flow"})).await;
    assert_eq!(s, 201, "{v}");
    let key_id = v["key"]["id"].as_str().unwrap().to_owned();
    let other = owner.create_list("Other").await;
    let (_, v) = owner.post(&format!("/api/v1/lists/{other}/api-keys"), &json!({"name": "other"})).await;
    let other_key = v["secret"].as_str().unwrap().to_owned();
    let r = owner
        .request(Method::POST, &format!("/api/v1/lists/{list}/imports"))
        .header("content-type", "text/csv")
        .body("Full Name\nImported One\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let job = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let _ = app;
    (World { list, contact, group, key_id, job }, other_key)
}

fn body_for(method: &str, path: &str) -> Option<(Value, &'static str)> {
    let json = |v: Value| Some((v, "application/json"));
    match (method, path) {
        ("POST", "/api/v1/lists") => json(json!({"name": "New"})),
        ("PATCH", "/api/v1/lists/{list}") => json(json!({"name": "Renamed"})),
        ("POST", "/api/v1/lists/{list}/api-keys") => json(json!({"name": "k"})),
        ("POST", "/api/v1/lists/{list}/contacts") => json(json!({"full_name": "Someone"})),
        ("PUT", "/api/v1/lists/{list}/contacts/{id}") => json(json!({"full_name": "Replaced"})),
        ("PATCH", "/api/v1/lists/{list}/contacts/{id}") => json(json!({"job_title": "Changed"})),
        ("POST", "/api/v1/lists/{list}/groups") => json(json!({"name": "Another"})),
        ("PATCH", "/api/v1/lists/{list}/groups/{id}") => json(json!({"name": "Renamed"})),
        ("POST", "/api/v1/lists/{list}/contacts/{id}/revert") => json(json!({"version": 1})),
        ("POST", "/api/v1/lists/{list}/contacts/{id}/merge") => json(json!({"others": [uuid::Uuid::nil()]})),
        ("POST", "/api/v1/lists/{list}/imports") => Some((Value::String("Full Name\nX\n".into()), "text/csv")),
        ("POST", "/api/v1/login") => json(json!({})),
        _ => None,
    }
}

fn concrete(path: &str, w: &World) -> String {
    let id = if path.contains("/contacts/") {
        &w.contact
    } else if path.contains("/groups/") {
        &w.group
    } else if path.contains("/api-keys/") {
        &w.key_id
    } else {
        &w.job
    };
    path.replace("{list}", &w.list).replace("{id}", id)
}

#[tokio::test]
async fn every_route_answers_every_kind_of_caller_as_its_table_says() {
    let app = TestApp::start().await;
    let owner = app.as_user(ADELE).await;
    let (w, other_key) = world(&app, &owner).await;
    let nestor = app.as_user(NESTOR).await;
    let megan = app.as_user(MEGAN).await;
    let callers = [
        app.anonymous(),
        app.with_token("garbage"),
        app.with_key(&forged_key(FABRIKAM)),
        app.with_token(&expired_token(&app.demo_secret())),
        nestor,
        megan,
        app.with_key(&other_key),
    ];

    let (s, doc) = app.anonymous().get("/api/openapi.json").await;
    assert_eq!(s, 200);
    let mut documented = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    for (m, p) in &documented {
        assert!(
            ROUTES.iter().any(|(rm, rp, _)| rm == m && rp == p),
            "{m} {p} is in the OpenAPI document but not in this table: decide who may call it"
        );
    }
    let files_before = app.orgs_on_disk();
    let mut failures = Vec::new();
    for (method, path, kind) in ROUTES {
        assert!(documented.iter().any(|(m, p)| m == method && p == path), "{method} {path} is not documented");
        let Some(want) = expected(*kind) else { continue };
        let url = concrete(path, &w);
        for (i, caller) in callers.iter().enumerate() {
            let mut r = caller.request(Method::from_bytes(method.as_bytes()).unwrap(), &url);
            if let Some((body, ctype)) = body_for(method, path) {
                r = match body {
                    Value::String(s) => r.header("content-type", ctype).body(s),
                    v => r.json(&v),
                };
            }
            // A live-update stream that was accepted never ends: its status is the answer.
            let (got, v) = if path.ends_with("/events") {
                (r.send().await.unwrap().status(), Value::Null)
            } else {
                caller.send(r).await
            };
            let ok = if want[i] == 2 { got.is_success() } else { got.as_u16() == want[i] };
            if !ok {
                failures.push(format!("{method} {path} as {}: got {got}, want {} ({v})", CALLERS[i], want[i]));
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    // Nobody above created an organization's database: the two that signed in are all there is.
    assert_eq!(files_before, app.orgs_on_disk());
    let mut want_files = vec![format!("{CONTOSO}.redb"), format!("{FABRIKAM}.redb")];
    want_files.sort();
    assert_eq!(app.orgs_on_disk(), want_files);
    // And nothing the refused callers tried changed the list.
    let (_, c) = owner.get(&format!("/api/v1/lists/{}/contacts/{}", w.list, w.contact)).await;
    assert_eq!((c["full_name"].as_str(), c["version"].as_u64()), (Some("Clément Laurent"), Some(1)));
    let (s, _) = owner.get(&format!("/api/v1/lists/{}", w.list)).await;
    assert_eq!(s, 200, "the list was not deleted");
}

/// A flood of forged keys (new format with random organizations and MACs, old format with random
/// bytes) is refused without touching storage: no file appears, no database is opened or evicted.
#[tokio::test]
async fn forged_keys_create_nothing_open_nothing_and_evict_nothing() {
    let app = TestApp::start_with(|c| {
        c.storage.max_open_orgs = 2;
        c.api_keys.rate_limit_per_minute = 100_000;
    })
    .await;
    let owner = app.as_user(ADELE).await;
    let list = owner.create_list("Real").await;
    owner.create_contact(&list, json!({"full_name": "Real Person"})).await;
    let files = app.orgs_on_disk();
    let open = app.state.registry.open_count();
    let peak = app.state.registry.peak_open();
    let mut statuses = std::collections::BTreeMap::new();
    for i in 0..2000 {
        let key = if i % 2 == 0 {
            forged_key(&uuid::Uuid::new_v4().to_string())
        } else {
            use base64::Engine;
            let raw: Vec<u8> = (0..64).map(|_| rand::random::<u8>()).collect();
            format!("cpk_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw))
        };
        let r =
            app.with_key(&key).request(Method::GET, &format!("/api/v1/lists/{list}/contacts")).send().await.unwrap();
        *statuses.entry(r.status().as_u16()).or_insert(0) += 1;
    }
    assert!(statuses.keys().all(|s| *s == 401 || *s == 429), "{statuses:?}");
    assert_eq!(app.orgs_on_disk(), files, "a forged key created a database");
    assert_eq!(app.state.registry.open_count(), open, "a forged key opened a database");
    assert_eq!(app.state.registry.peak_open(), peak, "a forged key took a database slot");
    // The real organization is still served from its open database.
    assert_eq!(owner.names(&list, "q=real").await, vec!["Real Person"]);
}

/// A client address that keeps failing is refused before its keys are verified, and only it.
#[tokio::test]
async fn a_failing_client_is_refused_before_verification() {
    let app = TestApp::start_with(|c| c.api_keys.rate_limit_per_minute = 5).await;
    let owner = app.as_user(ADELE).await;
    let list = owner.create_list("A").await;
    let path = format!("/api/v1/lists/{list}/contacts");
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let r = app.with_key(&forged_key(CONTOSO)).request(Method::GET, &path).send().await.unwrap();
        statuses.push(r.status().as_u16());
        if r.status() == 429 {
            assert!(r.headers().get("retry-after").is_some());
        }
    }
    assert_eq!(statuses, vec![401, 401, 401, 401, 401, 429, 429, 429]);
    // People with tokens are not affected by the key limiter.
    assert_eq!(owner.get(&path).await.0, 200);
}

/// When every open database is in use, a request waits at most `storage.max_wait_secs`, then gets
/// 503 `busy` with Retry-After (it does not hang, and nothing is closed under a request).
#[tokio::test]
async fn waiting_for_a_database_slot_is_bounded() {
    use contactpro::auth::OrgAccess;
    use contactpro::model::OrgId;
    let app = TestApp::start_with(|c| {
        c.storage.max_open_orgs = 1;
        c.storage.max_wait_secs = 1;
    })
    .await;
    let _adele = app.as_user(ADELE).await;
    let nestor = app.as_user(NESTOR).await;
    let held = app.state.registry.acquire(&OrgAccess::operator(OrgId::parse(CONTOSO).unwrap())).await.unwrap();
    let r = nestor.request(Method::GET, "/api/v1/lists").send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "1");
    let v: Value = r.json().await.unwrap();
    assert_eq!(error_code(&v), "busy", "{v}");
    drop(held);
    assert_eq!(nestor.get("/api/v1/lists").await.0, 200);
}
