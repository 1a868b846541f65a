//! Signing keys fetched from JWKS endpoints (Entra, OIDC), picked by `kid`.
//!
//! Identity providers rotate keys without notice, so keys are cached (24 h) and refreshed in the
//! background every hour; a token with an unknown kid triggers at most one refresh per 5 minutes, so
//! forged kids cannot make the server hammer the provider. Requests whose kid is cached never wait
//! for the network: the key map sits behind a short synchronous lock that is never held across an
//! await, and refreshes are single-flight (one fetch at a time, others reuse its result).

use super::AuthError;
use crate::clock::SharedClock;
use crate::model::Timestamp;
use jsonwebtoken::DecodingKey;
use parking_lot::RwLock;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// Keys older than this are not used (the background refresh normally replaces them hourly).
pub const KEY_TTL_MS: i64 = 24 * 3600 * 1000;
/// At most one refresh caused by an unknown kid per this period.
pub const UNKNOWN_KID_REFRESH_MS: i64 = 5 * 60 * 1000;
/// With no usable keys at all, a failed fetch is retried at most this often (requests fail fast meanwhile).
pub const COLD_RETRY_MS: i64 = 10 * 1000;
/// Background refresh period.
pub const BACKGROUND_REFRESH: Duration = Duration::from_secs(3600);
/// Key sets larger than this are refused (a JWKS is a few KiB).
const MAX_BODY_BYTES: usize = 1024 * 1024;
const MAX_KEYS_PER_URL: usize = 100;

/// Where the key set URLs come from.
pub enum Source {
    /// Fixed JWKS URLs (Entra: v2 and v1 endpoints).
    Urls(Vec<String>),
    /// OpenID Connect discovery: `jwks_uri` from `{issuer}/.well-known/openid-configuration`, whose
    /// `issuer` must equal the configured one (OIDC Discovery 1.0, section 4.3).
    Discovery { issuer: String },
}

struct KeySet {
    /// Keys by kid, per URL: a failed fetch of one URL keeps that URL's previous keys.
    by_url: HashMap<String, HashMap<String, DecodingKey>>,
    fetched_at: Option<Timestamp>,
}

pub struct JwksCache {
    source: Source,
    http: reqwest::Client,
    clock: SharedClock,
    keys: RwLock<KeySet>,
    /// Resolved JWKS URLs (discovery is done once, on the first successful refresh).
    urls: RwLock<Option<Vec<String>>>,
    last_unknown_kid_refresh: parking_lot::Mutex<Option<Timestamp>>,
    last_failure: parking_lot::Mutex<Option<Timestamp>>,
    /// Single-flight: held while one refresh runs; `generation` tells waiters a refresh finished.
    refresh_lock: tokio::sync::Mutex<()>,
    generation: std::sync::atomic::AtomicU64,
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kty: String,
    kid: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    alg: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

impl JwksCache {
    pub fn new(source: Source, http: reqwest::Client, clock: SharedClock) -> Arc<Self> {
        let urls = match &source {
            Source::Urls(u) => Some(u.clone()),
            Source::Discovery { .. } => None,
        };
        Arc::new(Self {
            source,
            http,
            clock,
            keys: RwLock::new(KeySet { by_url: HashMap::new(), fetched_at: None }),
            urls: RwLock::new(urls),
            last_unknown_kid_refresh: parking_lot::Mutex::new(None),
            last_failure: parking_lot::Mutex::new(None),
            refresh_lock: tokio::sync::Mutex::new(()),
            generation: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// Refresh now and then every `period`, until the cache is dropped (the task holds a `Weak`).
    /// Does nothing outside a tokio runtime (keys are then fetched on first use).
    pub fn start_background_refresh(self: &Arc<Self>, period: Duration) {
        let Ok(rt) = tokio::runtime::Handle::try_current() else { return };
        let weak: Weak<Self> = Arc::downgrade(self);
        rt.spawn(async move {
            let mut tick = tokio::time::interval(period);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(cache) = weak.upgrade() else { break };
                if let Err(e) = cache.refresh().await {
                    tracing::warn!(error = %e, "refreshing the token signing keys failed; keeping the cached keys");
                }
            }
        });
    }

    /// The verification key for `kid`. Known kids are answered from memory.
    pub async fn key(&self, kid: Option<&str>) -> Result<DecodingKey, AuthError> {
        let kid = kid.ok_or(AuthError::Invalid("token has no key id"))?;
        if let Some(k) = self.cached(kid) {
            return Ok(k);
        }
        let fresh = self.keys.read().fetched_at.is_some_and(|t| !self.expired(t));
        if fresh {
            // An unknown kid with a fresh key set: a rotation we have not seen yet, or a forgery.
            // Refresh at most once per period so forged kids cannot flood the provider.
            let now = self.clock.now();
            {
                let mut last = self.last_unknown_kid_refresh.lock();
                if last.is_some_and(|t| now.millis() - t.millis() < UNKNOWN_KID_REFRESH_MS) {
                    return Err(AuthError::Invalid("unknown signing key"));
                }
                *last = Some(now);
            }
        } else if self.last_failure.lock().is_some_and(|t| self.clock.now().millis() - t.millis() < COLD_RETRY_MS) {
            // No keys and the provider just failed: do not make every request wait for it again.
            return Err(AuthError::KeysUnavailable);
        }
        let before = self.generation.load(std::sync::atomic::Ordering::Acquire);
        if let Err(e) = self.refresh_once(before).await {
            tracing::warn!(error = %e, "fetching the token signing keys failed");
        }
        if self.keys.read().fetched_at.is_none() {
            return Err(AuthError::KeysUnavailable);
        }
        self.cached(kid).ok_or(AuthError::Invalid("unknown signing key"))
    }

    fn expired(&self, fetched_at: Timestamp) -> bool {
        self.clock.now().millis() - fetched_at.millis() > KEY_TTL_MS
    }

    fn cached(&self, kid: &str) -> Option<DecodingKey> {
        let set = self.keys.read();
        if set.fetched_at.is_none_or(|t| self.expired(t)) {
            return None;
        }
        set.by_url.values().find_map(|m| m.get(kid)).cloned()
    }

    /// Refresh unless another refresh completed since `seen_generation` (single-flight).
    async fn refresh_once(&self, seen_generation: u64) -> Result<(), String> {
        let _guard = self.refresh_lock.lock().await;
        if self.generation.load(std::sync::atomic::Ordering::Acquire) != seen_generation {
            return Ok(());
        }
        self.refresh_locked().await
    }

    /// Fetch every key set now (waits for a refresh already running, then fetches again).
    pub async fn refresh(&self) -> Result<(), String> {
        let _guard = self.refresh_lock.lock().await;
        self.refresh_locked().await
    }

    async fn refresh_locked(&self) -> Result<(), String> {
        let result = self.fetch_all().await;
        *self.last_failure.lock() = result.as_ref().err().map(|_| self.clock.now());
        self.generation.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        result
    }

    async fn fetch_all(&self) -> Result<(), String> {
        let urls = self.resolve_urls().await?;
        let mut errors = Vec::new();
        let mut fetched = Vec::new();
        for url in &urls {
            match self.fetch(url).await {
                Ok(keys) => fetched.push((url.clone(), keys)),
                Err(e) => errors.push(format!("{url}: {e}")),
            }
        }
        if !fetched.is_empty() {
            let now = self.clock.now();
            let mut set = self.keys.write();
            for (url, keys) in fetched {
                set.by_url.insert(url, keys);
            }
            set.fetched_at = Some(now);
        }
        if errors.is_empty() { Ok(()) } else { Err(errors.join("; ")) }
    }

    async fn resolve_urls(&self) -> Result<Vec<String>, String> {
        if let Some(u) = self.urls.read().clone() {
            return Ok(u);
        }
        let Source::Discovery { issuer } = &self.source else { return Ok(Vec::new()) };
        let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
        let doc: Discovery = get_json(&self.http, &url).await?;
        if doc.issuer != *issuer {
            return Err(format!("discovery document names issuer {:?}, expected {issuer:?}", doc.issuer));
        }
        let urls = vec![doc.jwks_uri];
        *self.urls.write() = Some(urls.clone());
        Ok(urls)
    }

    async fn fetch(&self, url: &str) -> Result<HashMap<String, DecodingKey>, String> {
        let jwks: Jwks = get_json(&self.http, url).await?;
        let mut out = HashMap::new();
        for k in jwks.keys.into_iter().take(MAX_KEYS_PER_URL) {
            // Only RSA signing keys: encryption keys and other algorithms are never used to verify.
            if k.kty != "RSA" || k.use_.as_deref().is_some_and(|u| u != "sig") {
                continue;
            }
            if k.alg.as_deref().is_some_and(|a| a != "RS256") {
                continue;
            }
            let (Some(kid), Some(n), Some(e)) = (k.kid, k.n, k.e) else { continue };
            match DecodingKey::from_rsa_components(&n, &e) {
                Ok(key) => {
                    out.insert(kid, key);
                }
                Err(err) => tracing::warn!(%url, %kid, error = %err, "ignoring an unusable key"),
            }
        }
        if out.is_empty() {
            return Err("no usable RSA signing key".into());
        }
        Ok(out)
    }
}

/// GET a JSON document with a size limit (the client has a short timeout).
pub async fn get_json<T: serde::de::DeserializeOwned>(http: &reqwest::Client, url: &str) -> Result<T, String> {
    let resp = http.get(url).send().await.map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let body = read_limited(resp, MAX_BODY_BYTES).await?;
    serde_json::from_slice(&body).map_err(|e| e.to_string())
}

/// Read a response body, refusing bodies larger than `limit`.
pub async fn read_limited(mut resp: reqwest::Response, limit: usize) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > limit {
            return Err("response too large".into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
