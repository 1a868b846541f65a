//! Generic OpenID Connect sign-in (Keycloak, ADFS, Authentik...) against the local stand-in:
//! discovery, exact issuer, configured audience and claim names, fixed organization or org claim.

mod common;
mod idp;
use common::*;
use idp::*;
use serde_json::{Value, json};
use std::sync::Arc;

const AUDIENCE: &str = "contactpro-web";

async fn start(idp: &Idp, clock: Arc<ManualClock>, f: impl FnOnce(&mut contactpro::config::Config)) -> TestApp {
    let issuer = idp.url.clone();
    TestApp::start_with_clock(clock, move |c| {
        c.auth.mode = contactpro::config::AuthMode::Oidc;
        c.auth.oidc.issuer = issuer;
        c.auth.oidc.audience = AUDIENCE.into();
        c.auth.oidc.user_id_claim = "sub".into();
        c.auth.oidc.name_claim = "name".into();
        c.auth.oidc.username_claim = "preferred_username".into();
        f(c);
    })
    .await
}

fn claims(idp: &Idp, clock: &ManualClock) -> Value {
    let now = clock.secs();
    json!({"iss": idp.url, "aud": AUDIENCE, "sub": "f:3c1e:jane", "name": "Jane Doe",
           "preferred_username": "jane@corp.example", "iat": now - 5, "nbf": now - 5, "exp": now + 600})
}

async fn login(app: &TestApp, token: &str) -> (reqwest::StatusCode, Value) {
    app.with_token(token).post("/api/v1/login", &json!({})).await
}

#[tokio::test]
async fn fixed_organization() {
    let idp = Idp::start(&["key-1"]).await;
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), |c| c.auth.oidc.fixed_org = CONTOSO.into()).await;
    let good = claims(&idp, &clock);
    let (s, v) = login(&app, &sign("key-1", &good)).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["org"]["id"], CONTOSO);
    assert_eq!(v["user"]["oid"], "f:3c1e:jane");
    assert_eq!(v["user"]["upn"], "jane@corp.example");
    assert_eq!(v["user"]["display_name"], "Jane Doe");

    let with = |k: &str, val: Value| {
        let mut c = good.clone();
        c[k] = val;
        sign("key-1", &c)
    };
    for (name, token) in [
        ("wrong aud", with("aud", json!("other-client"))),
        ("wrong iss", with("iss", json!(format!("{}/realms/other", idp.url)))),
        ("issuer with a trailing slash", with("iss", json!(format!("{}/", idp.url)))),
        ("expired", with("exp", json!(clock.secs() - 3600))),
        ("no subject", {
            let mut c = good.clone();
            c.as_object_mut().unwrap().remove("sub");
            sign("key-1", &c)
        }),
        ("unknown key", sign_with("key-1", &key("key-2").encoding, &good)),
    ] {
        let (s, v) = login(&app, &token).await;
        assert_eq!(s, 401, "{name}: {v}");
    }
    assert_eq!(app.orgs_on_disk(), vec![format!("{CONTOSO}.redb")]);
}

#[tokio::test]
async fn organization_from_a_claim() {
    let idp = Idp::start(&["key-1"]).await;
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), |c| c.auth.oidc.org_claim = "org_id".into()).await;
    let mut c = claims(&idp, &clock);
    c["org_id"] = json!(FABRIKAM);
    let (s, v) = login(&app, &sign("key-1", &c)).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["org"]["id"], FABRIKAM);
    for bad in [json!(FABRIKAM.to_uppercase()), json!("../etc"), json!(null)] {
        c["org_id"] = bad.clone();
        let (s, v) = login(&app, &sign("key-1", &c)).await;
        assert_eq!(s, 401, "{bad}: {v}");
    }
    assert_eq!(app.orgs_on_disk(), vec![format!("{FABRIKAM}.redb")]);
}

/// A provider whose keys cannot be fetched is a 503 `auth_unavailable` with Retry-After, not a
/// 401 (which would sign every browser out); once it is back, the same token works. Tokens without
/// an audience or an expiry are refused.
#[tokio::test]
async fn keys_unreachable_is_503_and_tokens_need_aud_and_exp() {
    let idp = Idp::start(&["key-1"]).await;
    idp.state.jwks_down.store(true, std::sync::atomic::Ordering::SeqCst);
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), |c| c.auth.oidc.fixed_org = CONTOSO.into()).await;
    let token = sign("key-1", &claims(&idp, &clock));
    let r =
        app.with_token(&token).request(reqwest::Method::POST, "/api/v1/login").json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.headers().get("retry-after").is_some());
    let v: Value = r.json().await.unwrap();
    assert_eq!(error_code(&v), "auth_unavailable", "{v}");
    assert!(app.orgs_on_disk().is_empty());
    idp.state.jwks_down.store(false, std::sync::atomic::Ordering::SeqCst);
    clock.advance_secs(60);
    let (s, v) = login(&app, &token).await;
    assert_eq!(s, 200, "{v}");
    for claim in ["aud", "exp"] {
        let mut c = claims(&idp, &clock);
        c.as_object_mut().unwrap().remove(claim);
        let (s, v) = login(&app, &sign("key-1", &c)).await;
        assert_eq!(s, 401, "token without {claim}: {v}");
    }
}

#[tokio::test]
async fn discovery_naming_another_issuer_is_not_trusted() {
    let idp = Idp::start(&["key-1"]).await;
    *idp.state.discovery_issuer.lock() = "https://evil.example".into();
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), |c| c.auth.oidc.fixed_org = CONTOSO.into()).await;
    let (s, v) = login(&app, &sign("key-1", &claims(&idp, &clock))).await;
    // No trusted keys: nothing can be verified, so the sign-in service is unavailable (503).
    assert_eq!((s.as_u16(), error_code(&v)), (503, "auth_unavailable"), "{v}");
    assert!(app.orgs_on_disk().is_empty());
    assert_eq!(idp.jwks_hits(), 0, "keys are not fetched from an unverified discovery document");
}

#[tokio::test]
async fn bad_oidc_settings_refuse_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = test_config(dir.path());
    cfg.auth.mode = contactpro::config::AuthMode::Oidc;
    cfg.auth.oidc.issuer = "https://id.example".into();
    cfg.auth.oidc.audience = AUDIENCE.into();
    cfg.auth.oidc.fixed_org = "Not-A-Guid".into();
    assert!(contactpro::AppState::new(cfg, contactpro::clock::system()).is_err());
}

/// An in-house CA for the identity provider: a file that is missing or holds no certificate stops
/// the start with the setting's name; a real PEM certificate is accepted.
#[tokio::test]
async fn the_extra_ca_file_is_checked_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = |ca: &std::path::Path| {
        let mut cfg = test_config(dir.path());
        cfg.auth.mode = contactpro::config::AuthMode::Oidc;
        cfg.auth.oidc.issuer = "https://id.example".into();
        cfg.auth.oidc.audience = AUDIENCE.into();
        cfg.auth.oidc.fixed_org = CONTOSO.into();
        cfg.auth.ca_file = ca.to_owned();
        cfg
    };
    let missing = dir.path().join("missing.pem");
    let err = contactpro::AppState::new(config(&missing), contactpro::clock::system()).err().unwrap().to_string();
    assert!(err.contains("auth.ca_file") && err.contains("missing.pem"), "{err}");
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    let err = contactpro::AppState::new(config(&junk), contactpro::clock::system()).err().unwrap().to_string();
    assert!(err.contains("auth.ca_file"), "{err}");
    let good = dir.path().join("ca.pem");
    let ca = rcgen::generate_simple_self_signed(vec!["id.example".into()]).unwrap();
    std::fs::write(&good, ca.cert.pem()).unwrap();
    assert!(contactpro::AppState::new(config(&good), contactpro::clock::system()).is_ok());
}

/// The browser signs in outside Teams: it needs the issuer, client id and scopes before sign-in,
/// and the page's CSP must let it reach the issuer (and nothing else new).
#[tokio::test]
async fn the_browser_learns_how_to_sign_in() {
    let idp = Idp::start(&["key-1"]).await;
    let app = start(&idp, ManualClock::new(), |c| {
        c.auth.oidc.fixed_org = CONTOSO.into();
        c.auth.oidc.client_id = "contactpro-spa".into();
        c.auth.oidc.scopes = "openid profile contactpro".into();
    })
    .await;
    let (s, v) = app.anonymous().get("/api/v1/info").await;
    assert_eq!(s, 200);
    assert_eq!(v["auth_mode"], "oidc");
    assert_eq!(
        v["oidc"],
        json!({"issuer": idp.url, "client_id": "contactpro-spa", "scopes": "openid profile contactpro"})
    );

    let r = reqwest::get(format!("{}/auth/callback?code=x&state=y", app.url)).await.unwrap();
    assert_eq!(r.status(), 200, "the callback route is the web app");
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    let connect = csp.split(';').find(|d| d.trim_start().starts_with("connect-src")).unwrap();
    let origin = reqwest::Url::parse(&idp.url).unwrap().origin().ascii_serialization();
    assert!(connect.split_whitespace().any(|s| s == origin), "{csp}");
    assert!(!csp.contains(&format!("{origin}/")), "an origin, not a URL: {csp}");
}
