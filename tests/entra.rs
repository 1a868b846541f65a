//! Entra ID sign-in against a local stand-in (tests/idp): v1 and v2 tokens, key rotation, allowed
//! tenants, the token attack matrix, and the On-Behalf-Of profile refresh from Graph.

mod common;
mod idp;
use common::*;
use idp::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use std::sync::Arc;

const APP_ID_URI: &str = "api://contacts.example.com/11111111-2222-4333-8444-555555555555";

async fn start(idp: &Idp, clock: Arc<ManualClock>, f: impl FnOnce(&mut contactpro::config::Config)) -> TestApp {
    let authority = idp.url.clone();
    TestApp::start_with_clock(clock, move |c| {
        c.auth.mode = contactpro::config::AuthMode::Entra;
        c.auth.entra.client_id = CLIENT_ID.into();
        c.auth.entra.app_id_uri = APP_ID_URI.into();
        c.auth.entra.authority = authority.clone();
        c.auth.entra.graph_url = authority;
        f(c);
    })
    .await
}

fn v2_claims(idp: &Idp, clock: &ManualClock, tid: &str, oid: &str) -> Value {
    let now = clock.secs();
    json!({"iss": idp.v2_issuer(tid), "aud": CLIENT_ID, "tid": tid, "oid": oid, "name": "Adèle Vance",
           "preferred_username": "adele@contoso.example", "scp": "access_as_user", "ver": "2.0",
           "iat": now - 10, "nbf": now - 10, "exp": now + 3600})
}

fn v1_claims(clock: &ManualClock, tid: &str, oid: &str) -> Value {
    let now = clock.secs();
    json!({"iss": format!("https://sts.windows.net/{tid}/"), "aud": APP_ID_URI, "tid": tid, "oid": oid,
           "name": "Alex Wilber", "upn": "alex@contoso.example", "scp": "User.Read access_as_user", "ver": "1.0",
           "iat": now - 10, "nbf": now - 10, "exp": now + 3600})
}

async fn login(app: &TestApp, token: &str) -> (reqwest::StatusCode, Value) {
    app.with_token(token).post("/api/v1/login", &json!({})).await
}

#[tokio::test]
async fn v1_and_v2_tokens_are_accepted() {
    let idp = Idp::start(&["key-1"]).await;
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), |_| {}).await;

    let v2 = sign("key-1", &v2_claims(&idp, &clock, CONTOSO, "oid-adele"));
    let (s, v) = login(&app, &v2).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["user"]["upn"], "adele@contoso.example");
    assert_eq!(v["org"]["id"], CONTOSO);

    let v1 = sign("key-1", &v1_claims(&clock, CONTOSO, "oid-alex"));
    let (s, v) = login(&app, &v1).await;
    assert_eq!(s, 200, "{v}");
    let (s, me) = app.with_token(&v1).get("/api/v1/me").await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["user"]["upn"], "alex@contoso.example", "v1 tokens carry upn, not preferred_username");
    assert_eq!(me["user"]["display_name"], "Alex Wilber");
    assert_eq!(app.orgs_on_disk(), vec![format!("{CONTOSO}.redb")]);
}

#[tokio::test]
async fn rotated_keys_are_picked_up_and_removed_keys_refused() {
    let idp = Idp::start(&["key-1"]).await;
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), |_| {}).await;
    let t1 = sign("key-1", &v2_claims(&idp, &clock, CONTOSO, "u1"));
    let t2 = sign("key-2", &v2_claims(&idp, &clock, CONTOSO, "u2"));
    let t3 = sign("key-3", &v2_claims(&idp, &clock, CONTOSO, "u3"));
    assert_eq!(login(&app, &t1).await.0, 200);
    // key-2 is not published yet: refused (this unknown kid spends the refresh allowance).
    assert_eq!(login(&app, &t2).await.0, 401);

    // Rotation: the provider starts publishing key-2. Within 5 minutes of the last unknown-kid
    // refresh, nothing is fetched, whatever kids callers send.
    idp.publish(&["key-1", "key-2"]);
    let hits = idp.jwks_hits();
    for _ in 0..20 {
        assert_eq!(login(&app, &t2).await.0, 401);
    }
    assert_eq!(idp.jwks_hits(), hits, "unknown kids must not trigger more than one refresh per 5 minutes");

    clock.advance_secs(5 * 60 + 1);
    let t2 = sign("key-2", &v2_claims(&idp, &clock, CONTOSO, "u2"));
    let (s, v) = login(&app, &t2).await;
    assert_eq!(s, 200, "a new kid is accepted after the refresh it triggers: {v}");
    assert!(idp.jwks_hits() > hits);
    assert_eq!(login(&app, &t1).await.0, 200, "known kids keep working");

    // key-1 is withdrawn; the next refresh (hourly in the background, or an unknown kid after the
    // rate-limit window) forgets it.
    idp.publish(&["key-2"]);
    clock.advance_secs(5 * 60 + 1);
    let t1 = sign("key-1", &v2_claims(&idp, &clock, CONTOSO, "u1"));
    let t2 = sign("key-2", &v2_claims(&idp, &clock, CONTOSO, "u2"));
    let t3b = sign("key-3", &v2_claims(&idp, &clock, CONTOSO, "u3"));
    assert_eq!(login(&app, &t3b).await.0, 401, "key-3 is never published");
    assert_eq!(login(&app, &t1).await.0, 401, "a removed kid is refused after a refresh");
    assert_eq!(login(&app, &t2).await.0, 200);
    drop(t3);
}

#[tokio::test]
async fn keys_older_than_a_day_are_not_used() {
    let idp = Idp::start(&["key-1"]).await;
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), |_| {}).await;
    assert_eq!(login(&app, &sign("key-1", &v2_claims(&idp, &clock, CONTOSO, "u"))).await.0, 200);
    idp.publish(&["key-2"]);
    clock.advance_secs(24 * 3600 + 60);
    // The cached key-1 expired, so the server fetches again and finds it withdrawn.
    assert_eq!(login(&app, &sign("key-1", &v2_claims(&idp, &clock, CONTOSO, "u"))).await.0, 401);
    assert_eq!(login(&app, &sign("key-2", &v2_claims(&idp, &clock, CONTOSO, "u"))).await.0, 200);
}

#[tokio::test]
async fn tenants_outside_allowed_tenants_are_refused() {
    let idp = Idp::start(&["key-1"]).await;
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), |c| c.auth.entra.allowed_tenants = vec![CONTOSO.into()]).await;
    assert_eq!(login(&app, &sign("key-1", &v2_claims(&idp, &clock, CONTOSO, "u"))).await.0, 200);
    let (s, v) = login(&app, &sign("key-1", &v2_claims(&idp, &clock, FABRIKAM, "u"))).await;
    assert_eq!(s, 401, "{v}");
    assert_eq!(error_code(&v), "unauthorized");
    assert_eq!(app.orgs_on_disk(), vec![format!("{CONTOSO}.redb")]);
    // Outside Teams the browser signs in against that one tenant.
    let (_, info) = app.anonymous().get("/api/v1/info").await;
    assert_eq!(info["entra"]["tenant"], CONTOSO, "{info}");
}

#[tokio::test]
async fn the_browser_signs_in_to_any_work_account_when_any_tenant_is_allowed() {
    let idp = Idp::start(&["key-1"]).await;
    let app = start(&idp, ManualClock::new(), |_| {}).await;
    let (s, info) = app.anonymous().get("/api/v1/info").await;
    assert_eq!(s, 200);
    assert_eq!(info["auth_mode"], "entra");
    assert_eq!(info["entra"]["tenant"], "organizations", "{info}");
    assert_eq!(info["entra"]["authority"], idp.url.as_str());
    assert_eq!(info["map"]["url"], "https://www.openstreetmap.org/search?query={address}", "{info}");
    assert_eq!(info["map"]["name"], "OpenStreetMap");
    let r = reqwest::get(format!("{}/", app.url)).await.unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    let origin = reqwest::Url::parse(&idp.url).unwrap().origin().ascii_serialization();
    assert!(csp.split([' ', ';']).any(|s| s == origin), "{csp}");
}

#[tokio::test]
async fn token_attacks_are_refused_with_401() {
    let idp = Idp::start(&["key-1"]).await;
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), |_| {}).await;
    let good_claims = v2_claims(&idp, &clock, CONTOSO, "eve");
    let good = sign("key-1", &good_claims);
    // The positive case first: every refusal below is then for its own reason.
    assert_eq!(login(&app, &good).await.0, 200);
    let with = |k: &str, v: Value| {
        let mut c = good_claims.clone();
        c[k] = v;
        sign("key-1", &c)
    };
    let without = |k: &str| {
        let mut c = good_claims.clone();
        c.as_object_mut().unwrap().remove(k);
        sign("key-1", &c)
    };
    let now = clock.secs();
    let parts: Vec<&str> = good.split('.').collect();
    let tampered = {
        let mut c = good_claims.clone();
        c["oid"] = json!("admin");
        format!("{}.{}.{}", parts[0], b64(&c.to_string()), parts[2])
    };
    let alg_none = format!("{}.{}.", b64(r#"{"alg":"none","typ":"JWT","kid":"key-1"}"#), b64(&good_claims.to_string()));
    // HS256 "signed" with the server's own public key: the classic RS/HS confusion.
    let hs_with_public_key = {
        let mut h = Header::new(Algorithm::HS256);
        h.kid = Some("key-1".into());
        jsonwebtoken::encode(&h, &good_claims, &EncodingKey::from_secret(key("key-1").public_pem.as_bytes())).unwrap()
    };
    let no_kid = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &good_claims, &key("key-1").encoding).unwrap();
    let cases: Vec<(&str, String)> = vec![
        ("alg none", alg_none),
        ("HS256 signed with the public key", hs_with_public_key),
        ("wrong kid", sign_with("no-such-key", &key("key-1").encoding, &good_claims)),
        ("unpublished key claiming a published kid", sign_with("key-1", &key("key-2").encoding, &good_claims)),
        ("no kid", no_kid),
        ("wrong aud", with("aud", json!("00000000-0000-4000-8000-000000000000"))),
        ("wrong iss", with("iss", json!(format!("https://evil.example/{CONTOSO}/v2.0")))),
        ("tid/iss mismatch", with("iss", json!(idp.v2_issuer(FABRIKAM)))),
        ("v1 issuer of another tenant", with("iss", json!(format!("https://sts.windows.net/{FABRIKAM}/")))),
        ("tid not a GUID", {
            let mut c = good_claims.clone();
            c["tid"] = json!("common");
            c["iss"] = json!(idp.v2_issuer("common"));
            sign("key-1", &c)
        }),
        ("expired", with("exp", json!(now - 3600))),
        ("nbf in the future", with("nbf", json!(now + 3600))),
        ("missing scp", without("scp")),
        ("other scope only", with("scp", json!("User.Read"))),
        ("app-only token (roles, no scp)", {
            let mut c = good_claims.clone();
            c.as_object_mut().unwrap().remove("scp");
            c["roles"] = json!(["access_as_user"]);
            sign("key-1", &c)
        }),
        ("tampered payload", tampered),
    ];
    for (name, token) in cases {
        let (s, v) = login(&app, &token).await;
        assert_eq!(s, 401, "{name}: {v}");
        assert_eq!(error_code(&v), "unauthorized", "{name}: {v}");
    }
    assert_eq!(app.orgs_on_disk(), vec![format!("{CONTOSO}.redb")], "a refused token created a database");
}

fn obo_config(c: &mut contactpro::config::Config) {
    c.auth.entra.client_secret = contactpro::config::Secret("s3cret".into());
}

#[tokio::test]
async fn login_refreshes_the_profile_from_graph_on_behalf_of_the_user() {
    let idp = Idp::start(&["key-1"]).await;
    *idp.state.graph_reply.lock() = GraphReply::Me(json!({
        "displayName": "Adèle Vance (Graph)", "mail": "adele.vance@contoso.example",
        "jobTitle": "Office manager", "userPrincipalName": "adele.vance@contoso.example"}));
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), obo_config).await;
    let token = sign("key-1", &v2_claims(&idp, &clock, CONTOSO, "oid-adele"));
    let (s, v) = login(&app, &token).await;
    assert_eq!(s, 200, "{v}");
    let (s, me) = app.with_token(&token).get("/api/v1/me").await;
    assert_eq!(s, 200);
    assert_eq!(me["user"]["display_name"], "Adèle Vance (Graph)");
    assert_eq!(me["user"]["job_title"], "Office manager");
    assert_eq!(me["user"]["email"], "adele.vance@contoso.example");
    assert_eq!(me["user"]["upn"], "adele.vance@contoso.example");

    let reqs = idp.state.token_requests.lock().clone();
    assert_eq!(reqs.len(), 1);
    let (tid, form) = &reqs[0];
    assert_eq!(tid, CONTOSO, "the token endpoint of the user's own tenant");
    assert_eq!(form["grant_type"], "urn:ietf:params:oauth:grant-type:jwt-bearer");
    assert_eq!(form["client_id"], CLIENT_ID);
    assert_eq!(form["client_secret"], "s3cret");
    assert_eq!(form["assertion"], token);
    assert_eq!(form["scope"], format!("{}/User.Read", idp.url));
    assert_eq!(form["requested_token_use"], "on_behalf_of");
}

#[tokio::test]
async fn missing_consent_answers_403_consent_required() {
    let idp = Idp::start(&["key-1"]).await;
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), obo_config).await;
    let token = sign("key-1", &v2_claims(&idp, &clock, CONTOSO, "oid-adele"));
    *idp.state.graph_reply.lock() = GraphReply::Me(json!({"displayName": "A"}));
    assert_eq!(login(&app, &token).await.0, 200, "with consent the same login works");
    for reply in [TokenReply::ConsentMissing, TokenReply::InteractionRequired] {
        *idp.state.token_reply.lock() = reply.clone();
        let (s, v) = login(&app, &token).await;
        assert_eq!(s, 403, "{reply:?}: {v}");
        assert_eq!(error_code(&v), "consent_required", "{reply:?}: {v}");
    }
}

#[tokio::test]
async fn graph_or_token_endpoint_down_keeps_the_claims() {
    let idp = Idp::start(&["key-1"]).await;
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), obo_config).await;
    let token = sign("key-1", &v2_claims(&idp, &clock, CONTOSO, "oid-adele"));
    // Graph answers 503.
    let (s, v) = login(&app, &token).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["user"]["display_name"], "Adèle Vance");
    assert_eq!(v["user"]["job_title"], "");
    assert_eq!(idp.state.graph_auth.lock().len(), 1, "Graph was called (and failed)");
    // The token endpoint fails.
    *idp.state.token_reply.lock() = TokenReply::ServerError;
    let (s, v) = login(&app, &token).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["user"]["upn"], "adele@contoso.example");
}

#[tokio::test]
async fn without_a_secret_graph_is_not_called() {
    let idp = Idp::start(&["key-1"]).await;
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), |_| {}).await;
    let (s, v) = login(&app, &sign("key-1", &v2_claims(&idp, &clock, CONTOSO, "u"))).await;
    assert_eq!(s, 200, "{v}");
    assert!(idp.state.token_requests.lock().is_empty());
}

#[tokio::test]
async fn key_endpoint_down_refuses_quickly() {
    // A key endpoint that is unreachable: requests are refused at once with 503 auth_unavailable
    // (not 401, which would sign browsers out), not hung.
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let clock = ManualClock::new();
    let app = TestApp::start_with_clock(clock.clone(), move |c| {
        c.auth.mode = contactpro::config::AuthMode::Entra;
        c.auth.entra.client_id = CLIENT_ID.into();
        c.auth.entra.authority = dead_url;
    })
    .await;
    let token = sign("key-1", &json!({"iss": "x", "aud": CLIENT_ID, "exp": clock.secs() + 60}));
    let started = std::time::Instant::now();
    for _ in 0..5 {
        let (s, v) = login(&app, &token).await;
        assert_eq!((s.as_u16(), error_code(&v)), (503, "auth_unavailable"), "{v}");
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
}

#[tokio::test]
async fn the_algorithm_is_checked_before_any_key_lookup() {
    let idp = Idp::start(&["key-1"]).await;
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), |_| {}).await;
    let claims = v2_claims(&idp, &clock, CONTOSO, "eve");
    assert_eq!(login(&app, &sign("key-1", &claims)).await.0, 200);
    let hits = idp.jwks_hits();
    // HS256 with an unknown kid: were the key looked up first, the unknown kid would trigger a refresh.
    let mut h = Header::new(Algorithm::HS256);
    h.kid = Some("fresh-kid".into());
    let hs = jsonwebtoken::encode(&h, &claims, &EncodingKey::from_secret(key("key-1").public_pem.as_bytes())).unwrap();
    assert_eq!(login(&app, &hs).await.0, 401);
    assert_eq!(idp.jwks_hits(), hits, "an HS256 token reached the key lookup");
    // The same unknown kid under RS256 does reach it (so the assertion above can fail).
    assert_eq!(login(&app, &sign_with("fresh-kid", &key("key-1").encoding, &claims)).await.0, 401);
    assert!(idp.jwks_hits() > hits);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn known_kids_never_wait_for_a_slow_key_endpoint() {
    let idp = Idp::start(&["key-1"]).await;
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), |_| {}).await;
    let good = sign("key-1", &v2_claims(&idp, &clock, CONTOSO, "u"));
    assert_eq!(login(&app, &good).await.0, 200);
    // The provider becomes slow (3 s, under the 5 s client timeout) and an unknown kid starts a refresh.
    idp.state.jwks_delay_ms.store(3000, std::sync::atomic::Ordering::SeqCst);
    let unknown = sign_with("rotated", &key("key-1").encoding, &v2_claims(&idp, &clock, CONTOSO, "u"));
    let client = app.with_token(&unknown);
    let refresh = tokio::spawn(async move { client.post("/api/v1/login", &json!({})).await.0 });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    for _ in 0..5 {
        assert_eq!(login(&app, &good).await.0, 200);
    }
    assert!(
        started.elapsed() < std::time::Duration::from_millis(1500),
        "known kids waited for the refresh: {:?}",
        started.elapsed()
    );
    assert!(!refresh.is_finished(), "the refresh was expected to be still running");
    assert_eq!(refresh.await.unwrap(), 401);
}

fn colleagues() -> Vec<Value> {
    vec![
        json!({"displayName": "Lee Gu", "mail": "Lee.Gu@contoso.example", "userPrincipalName": "LeeG@contoso.example", "jobTitle": "Director"}),
        json!({"displayName": "Adèle Vance", "mail": "adele@contoso.example", "userPrincipalName": "adele@contoso.example"}),
        json!({"displayName": "Lee Guest", "mail": "lee@fabrikam.example", "userPrincipalName": "lee_fabrikam.example#EXT#@contoso.example"}),
    ]
}

/// An owner finds a colleague who never signed in through Graph's directory; that person comes as a
/// pending `upn:` id the permissions take, and people who signed in are not listed twice.
#[tokio::test]
async fn pickers_find_colleagues_in_the_directory() {
    let idp = Idp::start(&["key-1"]).await;
    *idp.state.graph_reply.lock() = GraphReply::Me(json!({"displayName": "Adèle Vance"}));
    *idp.state.directory.lock() = colleagues();
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), obo_config).await;
    let token = sign("key-1", &v2_claims(&idp, &clock, CONTOSO, "oid-adele"));
    assert_eq!(login(&app, &token).await.0, 200);

    let (s, v) = app.with_token(&token).get("/api/v1/users?q=lee").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["directory"], "searched", "{v}");
    let ids: Vec<&str> = v["items"].as_array().unwrap().iter().map(|u| u["oid"].as_str().unwrap()).collect();
    assert_eq!(ids, ["upn:leeg@contoso.example"], "the guest is left out: {v}");
    assert_eq!(v["items"][0]["display_name"], "Lee Gu");
    assert_eq!(v["items"][0]["job_title"], "Director");

    // Adèle signed in: she is listed once, under her object id.
    let (_, v) = app.with_token(&token).get("/api/v1/users?q=adele").await;
    let ids: Vec<&str> = v["items"].as_array().unwrap().iter().map(|u| u["oid"].as_str().unwrap()).collect();
    assert_eq!(ids, ["oid-adele"], "{v}");

    // The search phrase cannot be broken out of, and the ConsistencyLevel header Graph needs is sent.
    let (s, _) = app.with_token(&token).get("/api/v1/users?q=le%22e%5C").await;
    assert_eq!(s, 200);
    let reqs = idp.state.directory_requests.lock().clone();
    assert_eq!(reqs.last().unwrap().0, r#""displayName:lee" OR "mail:lee" OR "userPrincipalName:lee""#);
    assert!(reqs.iter().all(|(_, level)| level == "eventual"));

    // One token exchange for all those searches (plus the login's): the Graph token is cached.
    let scopes: Vec<String> = idp.state.token_requests.lock().iter().map(|(_, f)| f["scope"].clone()).collect();
    assert_eq!(scopes.iter().filter(|s| s.ends_with("/User.ReadBasic.All")).count(), 1, "{scopes:?}");

    // The pending id is accepted as a member and resolved when Lee signs in.
    let c = app.with_token(&token);
    let (s, list) = c.post("/api/v1/lists", &json!({"name": "Crew"})).await;
    assert_eq!(s, 201, "{list}");
    let id = list["id"].as_str().unwrap();
    let perms = json!({"mode": "custom", "members": [{"oid": "upn:leeg@contoso.example", "add": true}]});
    let (s, v) = c.patch(&format!("/api/v1/lists/{id}"), &json!({"permissions": perms})).await;
    assert!(s.is_success(), "{s} {v}");
}

/// Without the organization's consent, or with Graph down, the picker still lists people who
/// signed in, and says why the directory is missing; a one-letter query does not reach Graph.
#[tokio::test]
async fn the_directory_search_degrades_to_people_who_signed_in() {
    let idp = Idp::start(&["key-1"]).await;
    *idp.state.graph_reply.lock() = GraphReply::Me(json!({"displayName": "Adèle Vance"}));
    *idp.state.directory.lock() = colleagues();
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), obo_config).await;
    let token = sign("key-1", &v2_claims(&idp, &clock, CONTOSO, "oid-adele"));
    assert_eq!(login(&app, &token).await.0, 200);

    let (_, v) = app.with_token(&token).get("/api/v1/users?q=a").await;
    assert_eq!(v["directory"], "off", "{v}");
    assert!(idp.state.directory_requests.lock().is_empty());

    *idp.state.graph_reply.lock() = GraphReply::Down;
    let (s, v) = app.with_token(&token).get("/api/v1/users?q=ad").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["directory"], "unavailable", "{v}");
    assert_eq!(v["items"][0]["oid"], "oid-adele");

    // A second user of the same organization whose consent is missing.
    *idp.state.token_reply.lock() = TokenReply::ConsentMissing;
    let other = sign("key-1", &v2_claims(&idp, &clock, CONTOSO, "oid-other"));
    for _ in 0..3 {
        let (s, v) = app.with_token(&other).get("/api/v1/users?q=ad").await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["directory"], "consent_required", "{v}");
    }
    let refused = idp.state.token_requests.lock().iter().filter(|(_, f)| f["assertion"] == other).count();
    assert_eq!(refused, 1, "a refused consent is remembered, not asked on every keystroke");
}

#[tokio::test]
async fn without_a_secret_the_directory_is_not_searched() {
    let idp = Idp::start(&["key-1"]).await;
    *idp.state.directory.lock() = colleagues();
    let clock = ManualClock::new();
    let app = start(&idp, clock.clone(), |_| {}).await;
    let token = sign("key-1", &v2_claims(&idp, &clock, CONTOSO, "oid-adele"));
    assert_eq!(login(&app, &token).await.0, 200);
    let (_, v) = app.with_token(&token).get("/api/v1/users?q=lee").await;
    assert_eq!(v["directory"], "off", "{v}");
    assert_eq!(v["items"].as_array().unwrap().len(), 0);
    assert!(idp.state.directory_requests.lock().is_empty() && idp.state.token_requests.lock().is_empty());
}
