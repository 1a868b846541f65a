//! API keys for automation: `cpk_` + base64url(org id | key id | 32 random bytes).
//!
//! The organization and key id are inside the key, so a request finds its record with one lookup;
//! the stored record holds only an HMAC-SHA256 of the whole key under the server's key, compared
//! in constant time. Every key (and every client presenting bad keys) is rate limited.

use super::Principal;
use crate::AppState;
use crate::error::ApiError;
use crate::model::{KeyId, OrgId, UserId};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use hmac::{Hmac, Mac};
use parking_lot::Mutex;
use sha2::Sha256;
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use subtle::ConstantTimeEq;
use uuid::Uuid;

pub const PREFIX: &str = "cpk_";

pub struct KeyAuth {
    server_key: Vec<u8>,
    limiter: DefaultKeyedRateLimiter<String>,
    /// When each key's last_used_at was last written, so a busy key is not a write per request.
    last_touch: Mutex<HashMap<KeyId, i64>>,
}

pub struct Generated {
    pub id: KeyId,
    pub secret: String,
    pub prefix: String,
    pub hash: [u8; 32],
}

impl KeyAuth {
    pub fn new(server_key: Vec<u8>, per_minute: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN));
        Self { server_key, limiter: RateLimiter::keyed(quota), last_touch: Mutex::new(HashMap::new()) }
    }

    fn hash(&self, secret: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.server_key).unwrap_or_else(|_| unreachable_hmac());
        mac.update(secret.as_bytes());
        mac.finalize().into_bytes().into()
    }

    pub fn generate(&self, org: &OrgId) -> Generated {
        let id = KeyId::new_random();
        let org_uuid = Uuid::parse_str(org.as_str()).unwrap_or_default();
        let random: [u8; 32] = rand::random();
        let mut raw = Vec::with_capacity(64);
        raw.extend_from_slice(org_uuid.as_bytes());
        raw.extend_from_slice(id.0.as_bytes());
        raw.extend_from_slice(&random);
        let secret = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(raw));
        let prefix = secret.chars().take(12).collect();
        let hash = self.hash(&secret);
        Generated { id, secret, prefix, hash }
    }

    fn limited(&self, key: String) -> Result<(), ApiError> {
        self.limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
            ApiError::RateLimited { retry_after_secs: wait.as_secs().max(1) }
        })
    }
}

#[allow(clippy::panic)]
fn unreachable_hmac() -> Hmac<Sha256> {
    // HMAC accepts keys of any length; this cannot happen.
    panic!("HMAC rejected its key")
}

fn parse(key: &str) -> Option<(OrgId, KeyId)> {
    let raw = URL_SAFE_NO_PAD.decode(key.strip_prefix(PREFIX)?).ok()?;
    if raw.len() != 64 {
        return None;
    }
    let org = Uuid::from_slice(&raw[..16]).ok()?.hyphenated().to_string();
    let id = Uuid::from_slice(&raw[16..32]).ok()?;
    Some((OrgId::parse(&org)?, KeyId(id)))
}

pub async fn authenticate(state: &AppState, key: &str, client: Option<IpAddr>) -> Result<Principal, ApiError> {
    let auth = &state.auth.keys;
    let bad = || ApiError::Unauthorized("invalid API key".into());
    let client_key = format!("ip:{}", client.map(|c| c.to_string()).unwrap_or_default());
    let Some((org, id)) = parse(key) else {
        auth.limited(client_key)?;
        return Err(bad());
    };
    auth.limited(format!("k:{id}"))?;
    let store = state.registry.acquire(&org).await?;
    // A point read: microseconds, fine on the async thread.
    let rec = store.get_api_key(id)?;
    let Some(rec) = rec else {
        auth.limited(client_key)?;
        return Err(bad());
    };
    if !bool::from(auth.hash(key).ct_eq(&rec.hash)) {
        auth.limited(client_key)?;
        return Err(bad());
    }
    let now = state.clock.now();
    let touch = {
        let mut t = auth.last_touch.lock();
        let last = t.get(&id).copied().unwrap_or(i64::MIN);
        if now.millis().saturating_sub(last) > 60_000 {
            t.insert(id, now.millis());
            true
        } else {
            false
        }
    };
    if touch && let Err(e) = store.touch_api_key(id, now) {
        tracing::warn!(error = %e, "could not record API key use");
    }
    Ok(Principal {
        org,
        user: UserId(format!("key:{id}")),
        name: rec.name.clone(),
        upn: String::new(),
        email: String::new(),
        key: Some((id, rec.list)),
        token: None,
    })
}
