//! API keys: lifecycle, reach (one list's contacts only), rate limits, the Power Automate connector.

mod common;
use common::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn key_for(owner: &Client, list: &str, name: &str) -> (String, String) {
    let (s, v) = owner.post(&format!("/api/v1/lists/{list}/api-keys"), &json!({"name": name})).await;
    assert_eq!(s, 201, "{v}");
    (v["key"]["id"].as_str().unwrap().to_owned(), v["secret"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn lifecycle_five_actions_and_revocation() {
    let app = TestApp::start().await;
    let owner = app.as_user(ADELE).await;
    let list = owner.create_list("CRM sync").await;
    let (kid, secret) = key_for(&owner, &list, "Power Automate").await;
    assert!(secret.starts_with("cpk_") && secret.len() >= 4 + 43, "at least 256 bits: {secret}");
    let (_, v) = owner.get(&format!("/api/v1/lists/{list}/api-keys")).await;
    assert_eq!(v["items"][0]["name"], "Power Automate");
    assert!(v["items"][0]["last_used_at"].is_null());
    assert!(!v.to_string().contains(&secret), "the secret is shown once only");
    assert!(v["items"][0]["prefix"].as_str().is_some_and(|p| secret.starts_with(p)));

    let k = app.with_key(&secret);
    let base = format!("/api/v1/lists/{list}/contacts");
    let (s, c) = k.post(&base, &json!({"full_name": "From a form", "email": "form@example.com"})).await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(c["created_by"]["name"], "Power Automate", "writes are attributed to the key's name");
    let id = c["id"].as_str().unwrap();
    let (s, v) = k.get(&format!("{base}?q=form")).await;
    assert_eq!((s.as_u16(), v["total"].as_u64()), (200, Some(1)));
    let (s, _) = k.get(&format!("{base}/{id}")).await;
    assert_eq!(s, 200);
    let (s, v) = k.patch(&format!("{base}/{id}"), &json!({"job_title": "Lead"})).await;
    assert_eq!((s.as_u16(), v["updated_by"]["name"].as_str()), (200, Some("Power Automate")));
    let (s, v) = k.post(&base, &json!({"email": "no name"})).await;
    assert_eq!(s, 422, "same validation as the user API: {v}");
    let (s, _) = k.delete(&format!("{base}/{id}")).await;
    assert_eq!(s, 204);
    let (_, v) = owner.get(&format!("/api/v1/lists/{list}/api-keys")).await;
    assert!(v["items"][0]["last_used_at"].is_string(), "{v}");

    assert_eq!(owner.delete(&format!("/api/v1/lists/{list}/api-keys/{kid}")).await.0, 204);
    let (s, v) = k.get(&base).await;
    assert_eq!(s, 401, "a revoked key is refused at once: {v}");
}

#[tokio::test]
async fn a_key_reaches_its_own_list_contacts_and_nothing_else() {
    let app = TestApp::start().await;
    let owner = app.as_user(ADELE).await;
    let a = owner.create_list("A").await;
    let b = owner.create_list("B").await;
    owner.create_contact(&b, json!({"full_name": "In B"})).await;
    let (_, secret) = key_for(&owner, &a, "k").await;
    let k = app.with_key(&secret);
    let other_org = app.as_user(NESTOR).await;
    let foreign = other_org.create_list("Fabrikam list").await;
    let cases = [
        (Method::GET, format!("/api/v1/lists/{b}/contacts"), 404),
        (Method::POST, format!("/api/v1/lists/{b}/contacts"), 404),
        (Method::GET, format!("/api/v1/lists/{foreign}/contacts"), 404),
        (Method::GET, "/api/v1/lists".to_owned(), 403),
        (Method::POST, "/api/v1/lists".to_owned(), 403),
        (Method::GET, format!("/api/v1/lists/{a}"), 403),
        (Method::PATCH, format!("/api/v1/lists/{a}"), 403),
        (Method::DELETE, format!("/api/v1/lists/{a}"), 403),
        (Method::GET, format!("/api/v1/lists/{a}/groups"), 403),
        (Method::POST, format!("/api/v1/lists/{a}/groups"), 403),
        (Method::GET, format!("/api/v1/lists/{a}/api-keys"), 403),
        (Method::POST, format!("/api/v1/lists/{a}/api-keys"), 403),
        (Method::GET, "/api/v1/me".to_owned(), 403),
        (Method::POST, "/api/v1/login".to_owned(), 403),
        (Method::GET, "/api/v1/users".to_owned(), 403),
    ];
    // A genuine key on a route for people: 403 (it is authenticated, and not allowed there).
    for (m, path, want) in cases {
        let r = k.request(m.clone(), &path);
        let body = if path.ends_with("/contacts") { json!({"full_name": "x"}) } else { json!({"name": "x"}) };
        let r = if m == Method::GET || m == Method::DELETE { r } else { r.json(&body) };
        let (s, v) = k.send(r).await;
        assert_eq!(s.as_u16(), want, "{m} {path}: {v}");
    }
    assert_eq!(owner.search(&b, "").await["total"], 1);
    assert_eq!(other_org.search(&foreign, "").await["total"], 0);
}

#[tokio::test]
async fn only_owners_manage_keys() {
    let app = TestApp::start().await;
    let owner = app.as_user(ADELE).await;
    let list = owner.create_list("A").await;
    let alex = app.as_user(ALEX).await;
    let (s, _) = alex.post(&format!("/api/v1/lists/{list}/api-keys"), &json!({"name": "mine"})).await;
    assert_eq!(s, 403);
    assert_eq!(alex.get(&format!("/api/v1/lists/{list}/api-keys")).await.0, 403);
    let (kid, _) = key_for(&owner, &list, "k").await;
    assert_eq!(alex.delete(&format!("/api/v1/lists/{list}/api-keys/{kid}")).await.0, 403);
    let (s, v) = owner.post(&format!("/api/v1/lists/{list}/api-keys"), &json!({"name": ""})).await;
    assert_eq!((s.as_u16(), error_fields(&v)), (422, vec!["name".to_owned()]));
}

#[tokio::test]
async fn forged_and_brute_force_keys_are_refused_then_rate_limited() {
    let app = TestApp::start_with(|c| c.api_keys.rate_limit_per_minute = 5).await;
    let owner = app.as_user(ADELE).await;
    let list = owner.create_list("A").await;
    let (_, secret) = key_for(&owner, &list, "k").await;
    // Same org and key id, different random part: the hash does not match.
    let mut forged = secret.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let path = format!("/api/v1/lists/{list}/contacts");
    let mut statuses = Vec::new();
    for i in 0..8 {
        let key = if i % 2 == 0 { forged.clone() } else { format!("cpk_garbage{i}") };
        let r = app.with_key(&key).request(Method::GET, &path).send().await.unwrap();
        statuses.push(r.status().as_u16());
        if r.status() == 429 {
            assert!(r.headers().get("retry-after").is_some());
        }
    }
    assert!(statuses[..4].iter().all(|s| *s == 401), "{statuses:?}");
    assert!(statuses.contains(&429), "bad keys from one client get rate limited: {statuses:?}");
    // A valid key is limited on its own budget too.
    let k = app.with_key(&secret);
    let mut got_429 = false;
    for _ in 0..8 {
        let r = k.request(Method::GET, &path).send().await.unwrap();
        if r.status() == 429 {
            got_429 = true;
            let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
            assert!(wait >= 1);
        }
    }
    assert!(got_429);
}

#[tokio::test]
async fn connector_definition_is_valid_swagger_2_with_the_five_actions() {
    let app = TestApp::start().await;
    let (s, doc) = app.anonymous().get("/api/v1/connector/swagger.json").await;
    assert_eq!(s, 200);
    assert_eq!(doc["swagger"], "2.0");
    let mut ops: Vec<String> = Vec::new();
    for (_, item) in doc["paths"].as_object().unwrap() {
        for (_, op) in item.as_object().unwrap() {
            ops.push(op["operationId"].as_str().unwrap().to_owned());
            assert!(op["summary"].is_string() && op["x-ms-visibility"].is_string());
        }
    }
    ops.sort();
    assert_eq!(
        ops,
        [
            "CreateContact",
            "DeleteContact",
            "GetAllContacts",
            "GetContact",
            "OnContactChanged",
            "OnContactCreated",
            "UpdateContact"
        ]
    );
    // The two polling triggers are batch triggers on the change feed.
    for t in ["created", "changed"] {
        assert_eq!(doc["paths"][format!("/lists/{{list}}/triggers/{t}")]["get"]["x-ms-trigger"], "batch");
    }
    assert_eq!(doc["securityDefinitions"]["api_key"]["name"], "X-API-Key");
    // A real OpenAPI 2.0 validator (openapi-spec-validator from PyPI; .ci/test installs it).
    let file = app.data_dir().join("swagger.json");
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-c", "import json,sys; from openapi_spec_validator import validate; from openapi_spec_validator.validation import OpenAPIV2SpecValidator; validate(json.load(open(sys.argv[1])), cls=OpenAPIV2SpecValidator); print('valid')"])
        .arg(&file)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "validator: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _: Value = doc;
}

/// A key made before keys carried a MAC (old format, record version 1) keeps working after the
/// upgrade, verified against the server's list of legacy keys; owners see it flagged `legacy`.
#[tokio::test]
async fn keys_made_before_the_upgrade_keep_working_and_are_flagged() {
    use base64::Engine;
    use contactpro::model::{KeyId, ListId, Timestamp, UserRef};
    use hmac::Mac;

    #[derive(serde::Serialize)]
    struct ApiKeyRecordV1 {
        id: KeyId,
        list: ListId,
        name: String,
        prefix: String,
        hash: [u8; 32],
        created_at: Timestamp,
        created_by: UserRef,
        last_used_at: Option<Timestamp>,
    }

    let app = TestApp::start().await;
    let owner = app.as_user(ADELE).await;
    let list = owner.create_list("Old flows").await;
    let (_, new_secret) = key_for(&owner, &list, "new").await;
    let dir = app.stop().await;
    // Write an old key the way the old server did.
    let server_key = hex::decode(std::fs::read_to_string(dir.path().join("server-key")).unwrap().trim()).unwrap();
    let org = uuid::Uuid::parse_str(CONTOSO).unwrap();
    let id = KeyId::new_random();
    let mut raw = org.as_bytes().to_vec();
    raw.extend_from_slice(id.0.as_bytes());
    raw.extend_from_slice(&rand::random::<[u8; 32]>());
    let secret = format!("cpk_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&server_key).unwrap();
    mac.update(secret.as_bytes());
    let rec = ApiKeyRecordV1 {
        id,
        list: list.parse().unwrap(),
        name: "Old flow".into(),
        prefix: secret.chars().take(12).collect(),
        hash: mac.finalize().into_bytes().into(),
        created_at: Timestamp(1_790_000_000_000),
        created_by: UserRef { id: "adele".into(), name: "Adèle Vance".into() },
        last_used_at: None,
    };
    let mut bytes = vec![1u8];
    bytes.extend(postcard::to_stdvec(&rec).unwrap());
    {
        let db = redb::Database::open(dir.path().join("orgs").join(format!("{CONTOSO}.redb"))).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut t = txn.open_table(redb::TableDefinition::<u128, &[u8]>::new("api_keys")).unwrap();
            t.insert(id.as_u128(), bytes.as_slice()).unwrap();
        }
        txn.commit().unwrap();
    }
    // The first start after the upgrade: no list of legacy keys yet.
    std::fs::remove_file(dir.path().join("legacy-api-keys")).unwrap();
    let app = TestApp::start_in(dir, |_| {}).await;
    let k = app.with_key(&secret);
    let (s, v) = k.get(&format!("/api/v1/lists/{list}/contacts")).await;
    assert_eq!(s, 200, "the old key still works: {v}");
    let owner = app.as_user(ADELE).await;
    let (_, v) = owner.get(&format!("/api/v1/lists/{list}/api-keys")).await;
    let legacy: Vec<(String, bool)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["name"].as_str().unwrap().to_owned(), k["legacy"].as_bool().unwrap()))
        .collect();
    assert!(legacy.contains(&("Old flow".into(), true)), "{legacy:?}");
    assert!(legacy.contains(&("new".into(), false)), "{legacy:?}");
    assert_eq!(app.with_key(&new_secret).get(&format!("/api/v1/lists/{list}/contacts")).await.0, 200);
    // Revoking it works as for any key.
    assert_eq!(owner.delete(&format!("/api/v1/lists/{list}/api-keys/{id}")).await.0, 204);
    assert_eq!(k.get(&format!("/api/v1/lists/{list}/contacts")).await.0, 401);
}
