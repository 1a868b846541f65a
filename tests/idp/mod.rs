//! A local stand-in for Entra ID, Microsoft Graph and a generic OpenID Connect issuer: JWKS (v2 and
//! v1 paths), OIDC discovery, the On-Behalf-Of token endpoint and Graph `/v1.0/me`, with RSA keys
//! generated at test time. Tests change what it publishes and answers while the server runs.
#![allow(dead_code)]

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use contactpro::clock::Clock;
use contactpro::model::Timestamp;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use parking_lot::Mutex;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

pub const CLIENT_ID: &str = "11111111-2222-4333-8444-555555555555";
pub const SCOPE: &str = "access_as_user";

pub struct Key {
    pub kid: String,
    pub encoding: EncodingKey,
    n: String,
    e: String,
    /// The public key as PEM text: what an attacker would use as an HMAC secret (alg confusion).
    pub public_pem: String,
}

/// Three RSA-2048 keys, generated once per test binary (generation is the slow part).
pub fn keys() -> &'static [Key] {
    static KEYS: OnceLock<Vec<Key>> = OnceLock::new();
    KEYS.get_or_init(|| {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        use rsa::pkcs8::EncodePublicKey;
        use rsa::traits::PublicKeyParts;
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        (1..=3)
            .map(|i| {
                let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
                let pem = private.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).unwrap();
                Key {
                    kid: format!("key-{i}"),
                    encoding: EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
                    n: b64(&private.n().to_bytes_be()),
                    e: b64(&private.e().to_bytes_be()),
                    public_pem: private.to_public_key().to_public_key_pem(rsa::pkcs8::LineEnding::LF).unwrap(),
                }
            })
            .collect()
    })
}

pub fn key(kid: &str) -> &'static Key {
    keys().iter().find(|k| k.kid == kid).unwrap()
}

#[derive(Clone, Debug)]
pub enum TokenReply {
    Ok,
    /// invalid_grant with AADSTS65001: the user or admin has not consented.
    ConsentMissing,
    InteractionRequired,
    ServerError,
}

#[derive(Clone, Debug)]
pub enum GraphReply {
    Me(Value),
    Down,
}

pub struct IdpState {
    pub url: String,
    pub published: Mutex<Vec<String>>,
    pub jwks_hits: AtomicUsize,
    /// The key set endpoint answers 503 (the provider is down).
    pub jwks_down: std::sync::atomic::AtomicBool,
    /// Delay before the key set is answered (a slow provider).
    pub jwks_delay_ms: std::sync::atomic::AtomicU64,
    pub token_reply: Mutex<TokenReply>,
    pub graph_reply: Mutex<GraphReply>,
    /// (tenant in the path, form fields) of every token request.
    pub token_requests: Mutex<Vec<(String, HashMap<String, String>)>>,
    pub graph_auth: Mutex<Vec<String>>,
    /// The issuer the discovery document names (OIDC).
    pub discovery_issuer: Mutex<String>,
    /// The directory Graph `/v1.0/users?$search` searches (Graph user objects).
    pub directory: Mutex<Vec<Value>>,
    /// (`$search`, `ConsistencyLevel` header) of every directory search.
    pub directory_requests: Mutex<Vec<(String, String)>>,
}

pub struct Idp {
    pub url: String,
    pub state: Arc<IdpState>,
}

impl Idp {
    pub async fn start(published: &[&str]) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(IdpState {
            url: url.clone(),
            published: Mutex::new(published.iter().map(|s| (*s).to_owned()).collect()),
            jwks_hits: AtomicUsize::new(0),
            jwks_delay_ms: std::sync::atomic::AtomicU64::new(0),
            jwks_down: std::sync::atomic::AtomicBool::new(false),
            token_reply: Mutex::new(TokenReply::Ok),
            graph_reply: Mutex::new(GraphReply::Down),
            token_requests: Mutex::new(Vec::new()),
            graph_auth: Mutex::new(Vec::new()),
            discovery_issuer: Mutex::new(url.clone()),
            directory: Mutex::new(Vec::new()),
            directory_requests: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route("/common/discovery/v2.0/keys", get(jwks))
            .route("/common/discovery/keys", get(jwks))
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/{tid}/oauth2/v2.0/token", post(token))
            .route("/v1.0/me", get(me))
            .route("/v1.0/users", get(users))
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, state }
    }

    pub fn publish(&self, kids: &[&str]) {
        *self.state.published.lock() = kids.iter().map(|s| (*s).to_owned()).collect();
    }

    pub fn jwks_hits(&self) -> usize {
        self.state.jwks_hits.load(Ordering::SeqCst)
    }

    pub fn v2_issuer(&self, tid: &str) -> String {
        format!("{}/{tid}/v2.0", self.url)
    }
}

async fn jwks(State(s): State<Arc<IdpState>>) -> Result<Json<Value>, StatusCode> {
    s.jwks_hits.fetch_add(1, Ordering::SeqCst);
    if s.jwks_down.load(Ordering::SeqCst) {
        return Err(StatusCode::SERVICE_UNAVAILABLE);
    }
    let delay = s.jwks_delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    }
    let published = s.published.lock().clone();
    let keys: Vec<Value> = published
        .iter()
        .map(|kid| {
            let k = key(kid);
            json!({"kty": "RSA", "use": "sig", "kid": k.kid, "x5t": k.kid, "n": k.n, "e": k.e})
        })
        .collect();
    // An encryption key and an EC key in the set must be ignored, not break parsing.
    let mut keys = keys;
    keys.push(json!({"kty": "RSA", "use": "enc", "kid": "enc-1", "n": key("key-3").n, "e": key("key-3").e}));
    keys.push(json!({"kty": "EC", "kid": "ec-1", "crv": "P-256", "x": "AA", "y": "AA"}));
    Ok(Json(json!({ "keys": keys })))
}

async fn discovery(State(s): State<Arc<IdpState>>) -> Json<Value> {
    Json(json!({
        "issuer": *s.discovery_issuer.lock(),
        "jwks_uri": format!("{}/common/discovery/v2.0/keys", s.url),
        "authorization_endpoint": format!("{}/authorize", s.url),
        "token_endpoint": format!("{}/token", s.url),
    }))
}

async fn token(
    State(s): State<Arc<IdpState>>,
    Path(tid): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    s.token_requests.lock().push((tid, form.clone()));
    let reply = s.token_reply.lock().clone();
    match reply {
        TokenReply::Ok => (
            StatusCode::OK,
            Json(json!({"token_type": "Bearer", "expires_in": 3600,
                        "access_token": format!("graph-token-for-{}", form.get("client_id").cloned().unwrap_or_default())})),
        ),
        TokenReply::ConsentMissing => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant", "error_codes": [65001],
                "error_description": "AADSTS65001: The user or administrator has not consented to use the application with ID '...'.\r\nTrace ID: x"})),
        ),
        TokenReply::InteractionRequired => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "interaction_required", "error_description": "AADSTS50076: MFA required"})),
        ),
        TokenReply::ServerError => {
            (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"error": "temporarily_unavailable"})))
        }
    }
}

async fn me(State(s): State<Arc<IdpState>>, headers: HeaderMap) -> (StatusCode, Json<Value>) {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    s.graph_auth.lock().push(auth.clone());
    if auth != format!("Bearer graph-token-for-{CLIENT_ID}") {
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": {"code": "InvalidAuthenticationToken"}})));
    }
    let reply = s.graph_reply.lock().clone();
    match reply {
        GraphReply::Me(v) => (StatusCode::OK, Json(v)),
        GraphReply::Down => (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"error": {"code": "serviceNotAvailable"}}))),
    }
}

/// Graph's `/users` with `$search="displayName:x" OR "mail:x" OR ...`: every clause is a
/// case-insensitive substring match here (Graph tokenizes; close enough for the server's use).
async fn users(
    State(s): State<Arc<IdpState>>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    s.graph_auth.lock().push(auth.clone());
    let search = q.get("$search").cloned().unwrap_or_default();
    let level = headers.get("consistencylevel").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    s.directory_requests.lock().push((search.clone(), level.clone()));
    if auth != format!("Bearer graph-token-for-{CLIENT_ID}") {
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": {"code": "InvalidAuthenticationToken"}})));
    }
    if matches!(*s.graph_reply.lock(), GraphReply::Down) {
        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"error": {"code": "serviceNotAvailable"}})));
    }
    if level != "eventual" {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": {"code": "Request_UnsupportedQuery"}})));
    }
    let clauses: Vec<(String, String)> = search
        .split(" OR ")
        .filter_map(|c| c.trim().trim_matches('"').split_once(':').map(|(k, v)| (k.to_owned(), v.to_lowercase())))
        .collect();
    let top = q.get("$top").and_then(|t| t.parse::<usize>().ok()).unwrap_or(100);
    let found: Vec<Value> = s
        .directory
        .lock()
        .iter()
        .filter(|u| clauses.iter().any(|(k, v)| u[k.as_str()].as_str().is_some_and(|x| x.to_lowercase().contains(v))))
        .take(top)
        .cloned()
        .collect();
    (StatusCode::OK, Json(json!({ "value": found })))
}

/// Sign `claims` with RS256 under `kid` (the key's own private key).
pub fn sign(kid: &str, claims: &Value) -> String {
    sign_with(kid, &key(kid).encoding, claims)
}

/// Sign with any key while claiming `kid` in the header (a forgery when the key does not match).
pub fn sign_with(kid: &str, encoding: &EncodingKey, claims: &Value) -> String {
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&h, claims, encoding).unwrap()
}

pub fn b64(s: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

/// A clock the test moves by hand (starts at the wall clock so tokens look current).
pub struct ManualClock(pub AtomicI64);

impl ManualClock {
    pub fn new() -> Arc<Self> {
        Arc::new(Self(AtomicI64::new(contactpro::clock::SystemClock.now().millis())))
    }
    pub fn secs(&self) -> i64 {
        self.0.load(Ordering::SeqCst) / 1000
    }
    pub fn advance_secs(&self, s: i64) {
        self.0.fetch_add(s * 1000, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}
