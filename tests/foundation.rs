//! Server foundation: sign-in, profiles, tenants, token attacks, the registry bound, shutdown.

mod common;
use common::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

#[tokio::test]
async fn demo_token_login_me_and_profile_survives_restart() {
    let app = TestApp::start().await;
    let c = app.as_user(ADELE).await;
    let (s, me) = c.get("/api/v1/me").await;
    assert_eq!(s, 200);
    assert_eq!(me["user"]["display_name"], "Adèle Vance");
    assert_eq!(me["user"]["upn"], "adele@contoso.example");
    assert_eq!(me["org"]["id"], CONTOSO);
    let token = app.token(ADELE).await;

    let dir = app.stop().await;
    let app = TestApp::start_in(dir, |_| {}).await;
    // A fresh process has an empty cache: /me must come from the store.
    let c2 = Client { url: app.url.clone(), http: app.http.clone(), auth: Auth::Bearer(token) };
    let (s, me) = c2.get("/api/v1/me").await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["user"]["display_name"], "Adèle Vance");

    // The next login with a changed claim refreshes the profile.
    let renamed = Person { name: "Adèle Vance-Dupont", ..ADELE };
    let c3 = app.as_user(renamed).await;
    let (_, me) = c3.get("/api/v1/me").await;
    assert_eq!(me["user"]["display_name"], "Adèle Vance-Dupont");
    let (_, me) = c2.get("/api/v1/me").await;
    assert_eq!(me["user"]["display_name"], "Adèle Vance-Dupont");
}

#[tokio::test]
async fn two_tenants_two_files_and_no_crossing() {
    let app = TestApp::start().await;
    let a = app.as_user(ADELE).await;
    let b = app.as_user(NESTOR).await;
    let list = a.create_list("Contoso suppliers").await;
    a.create_contact(&list, json!({"full_name": "Secret Supplier"})).await;
    assert_eq!(app.orgs_on_disk(), vec![format!("{CONTOSO}.redb"), format!("{FABRIKAM}.redb")]);
    let (s, v) = b.get("/api/v1/lists").await;
    assert_eq!(s, 200);
    assert_eq!(v["items"].as_array().unwrap().len(), 0);
    for path in [
        format!("/api/v1/lists/{list}"),
        format!("/api/v1/lists/{list}/contacts"),
        format!("/api/v1/lists/{list}/about"),
    ] {
        let (s, v) = b.get(&path).await;
        assert_eq!(s, 404, "{path}: {v}");
    }
}

fn forge(secret: &[u8], alg: Algorithm, claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).unwrap()
}

fn now() -> i64 {
    #[allow(clippy::disallowed_methods)]
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    i64::try_from(d.as_secs()).unwrap()
}

fn good_claims() -> Value {
    json!({"iss": "contactpro-demo", "aud": "contactpro", "tid": CONTOSO, "oid": "eve", "name": "Eve",
           "preferred_username": "eve@contoso.example", "nbf": now() - 10, "exp": now() + 600})
}

#[tokio::test]
async fn bad_tokens_are_refused_with_401_and_create_nothing() {
    let app = TestApp::start().await;
    let secret = app.demo_secret();
    // Sanity: the forged good token works, so each case below fails for its own reason.
    let good = forge(&secret, Algorithm::HS256, &good_claims());
    let with = |k: &str, v: Value| {
        let mut c = good_claims();
        c[k] = v;
        forge(&secret, Algorithm::HS256, &c)
    };
    let without = |k: &str| {
        let mut c = good_claims();
        c.as_object_mut().unwrap().remove(k);
        forge(&secret, Algorithm::HS256, &c)
    };
    let b64 = |s: &str| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    };
    let parts: Vec<&str> = good.split('.').collect();
    let tampered = {
        let mut c = good_claims();
        c["tid"] = json!(FABRIKAM);
        format!("{}.{}.{}", parts[0], b64(&c.to_string()), parts[2])
    };
    let alg_none = format!("{}.{}.", b64(r#"{"alg":"none","typ":"JWT"}"#), b64(&good_claims().to_string()));
    let mut bad_sig = good.clone();
    bad_sig.pop();
    bad_sig.push(if good.ends_with('A') { 'B' } else { 'A' });
    let cases: Vec<(&str, Option<String>)> = vec![
        ("no header", None),
        ("garbage", Some("garbage".into())),
        ("bad signature", Some(bad_sig)),
        ("tampered payload", Some(tampered)),
        ("expired", Some(with("exp", json!(now() - 3600)))),
        ("nbf in the future", Some(with("nbf", json!(now() + 3600)))),
        ("wrong aud", Some(with("aud", json!("someone-else")))),
        ("wrong iss", Some(with("iss", json!("https://evil.example")))),
        ("alg none", Some(alg_none)),
        ("other secret", Some(forge(b"another secret entirely, 32 bytes!", Algorithm::HS256, &good_claims()))),
        ("HS512", Some(forge(&secret, Algorithm::HS512, &good_claims()))),
        ("tid not a guid", Some(with("tid", json!("../../x")))),
        ("no aud", Some(without("aud"))),
        ("no exp", Some(without("exp"))),
    ];
    for (name, token) in cases {
        let mut r = app.http.post(format!("{}/api/v1/login", app.url));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        let resp = r.send().await.unwrap();
        assert_eq!(resp.status(), 401, "{name}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(error_code(&v), "unauthorized", "{name}: {v}");
    }
    assert!(app.orgs_on_disk().is_empty(), "a refused token created {:?}", app.orgs_on_disk());
    let c = Client { url: app.url.clone(), http: app.http.clone(), auth: Auth::Bearer(good) };
    assert_eq!(c.post("/api/v1/login", &json!({})).await.0, 200);
}

#[tokio::test]
async fn demo_token_refuses_bad_tenant_ids() {
    let app = TestApp::start().await;
    for tid in ["../../x", "not-a-guid", "6E5A1C1E-4B1D-4C1F-9A55-0C0A7E1D2B01", ""] {
        let (s, v) =
            app.anonymous().post("/api/v1/demo/token", &json!({"tid": tid, "oid": "x", "name": "x", "upn": "x"})).await;
        assert_eq!(s, 400, "{tid}: {v}");
    }
    assert!(app.orgs_on_disk().is_empty());
    assert!(!app.data_dir().join("x").exists());
}

#[tokio::test]
async fn demo_endpoints_do_not_exist_outside_demo_mode() {
    // The demo secret and endpoints exist only in demo mode; entra mode without its settings
    // refuses to start rather than silently falling back to demo.
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = test_config(dir.path());
    cfg.auth.mode = contactpro::config::AuthMode::Entra;
    assert!(contactpro::AppState::new(cfg, contactpro::clock::system()).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_logins_across_tenants_stay_within_the_open_handle_bound() {
    let app = TestApp::start_with(|c| c.storage.max_open_orgs = 8).await;
    let tenants: Vec<String> = (0..50).map(|i| format!("00000000-0000-4000-8000-{i:012}")).collect();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let tid = tenants[i % 50].clone();
        let http = app.http.clone();
        let url = app.url.clone();
        tasks.push(tokio::spawn(async move {
            let t: Value = http
                .post(format!("{url}/api/v1/demo/token"))
                .json(&json!({"tid": tid, "oid": format!("user{i}"), "name": "U", "upn": "u@x.example"}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let r = http
                .post(format!("{url}/api/v1/login"))
                .bearer_auth(t["access_token"].as_str().unwrap())
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap_or_default())
        }));
    }
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(app.orgs_on_disk().len(), 50);
    assert!(app.state.registry.peak_open() <= 8, "peak {}", app.state.registry.peak_open());
    assert!(app.state.registry.peak_open() >= 2);
}

#[tokio::test]
async fn health_ready_metrics() {
    let app = TestApp::start().await;
    let c = app.anonymous();
    assert_eq!(c.get("/healthz").await.0, 200);
    let (s, v) = c.get("/readyz").await;
    assert_eq!(s, 200, "{v}");
    app.as_user(ADELE).await.get("/api/v1/me").await;
    let text = app.http.get(format!("{}/metrics", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(
        text.contains(r#"contactpro_http_requests_total{route="/api/v1/login",method="POST",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains("contactpro_open_org_databases 1"), "{text}");
    assert!(text.contains("contactpro_profile_cache_hits_total 1"), "{text}");
}

#[tokio::test]
async fn web_headers_and_spa_fallback() {
    let app = TestApp::start().await;
    let r = app.http.get(format!("{}/lists/some-id", app.url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors 'self' teams.microsoft.com *.teams.microsoft.com"), "{csp}");
    assert!(r.headers().get("x-frame-options").is_none());
    assert!(r.text().await.unwrap().contains("<html"));
    let r = app.http.get(format!("{}/api/v1/nope", app.url)).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let v: Value = r.json().await.unwrap();
    assert_eq!(error_code(&v), "not_found");
    assert_eq!(app.http.get(format!("{}/missing.js", app.url)).send().await.unwrap().status(), 404);
}

/// Owners name a colleague who has never signed in by sign-in name (`upn:`): the rights apply
/// from that person's first sign-in, when the name becomes their id; bad names are refused.
#[tokio::test]
async fn rights_given_before_a_first_sign_in_apply_at_it() {
    let app = TestApp::start().await;
    let a = app.as_user(ADELE).await;
    let list = a.create_list("Crew").await;
    let path = format!("/api/v1/lists/{list}");
    for (body, field) in [
        (
            json!({"permissions": {"mode": "custom", "members": [{"oid": "upn:not-an-address", "add": true}]}}),
            "permissions.members",
        ),
        (json!({"owners": ["upn:megan@contoso.example"]}), "owners"),
        (json!({"owners": ["adele", "upn:"]}), "owners"),
    ] {
        let (s, v) = a.patch(&path, &body).await;
        assert_eq!(s, 422, "{body}: {v}");
        assert_eq!(error_fields(&v), [field], "{v}");
    }
    let (s, v) = a
        .patch(
            &path,
            &json!({"owners": ["adele", "upn:Megan@Contoso.example"],
                    "permissions": {"mode": "custom", "members": [{"oid": "upn:ALEX@contoso.example", "add": true, "modify": true}]}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["owners"], json!(["adele", "upn:megan@contoso.example"]), "normalised");
    assert_eq!(v["permissions"]["members"][0]["oid"], "upn:alex@contoso.example");

    // Alex signs in for the first time: the rights are his.
    let x = app.as_user(ALEX).await;
    let (_, l) = a.get(&path).await;
    assert_eq!(l["permissions"]["members"], json!([{"oid": "alex", "add": true, "modify": true, "delete": false}]));
    let (s, _) = x.post(&format!("{path}/contacts"), &json!({"full_name": "Added by Alex"})).await;
    assert_eq!(s, 201);
    let (s, _) = x.patch(&path, &json!({"name": "Not an owner"})).await;
    assert_eq!(s, 403);
    // Megan signs in: she is an owner.
    let m = app.as_user(MEGAN).await;
    let (s, v) = m.patch(&path, &json!({"name": "Crew 2026"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["owners"], json!(["adele", "megan"]));
    // Someone of another organization with the same sign-in name gets nothing here.
    let (s, _) = app.as_user(NESTOR).await.get(&path).await;
    assert_eq!(s, 404);
}
