//! API keys for automation, verified before any storage is touched.
//!
//! A key is `cpk_<key id, 32 hex>_<organization GUID>_<MAC, 64 hex>`, where the MAC is
//! HMAC-SHA256 under the server's key (`data/server-key`) of the organization and key id. A forged
//! or mistyped key fails the MAC check in memory: no database is opened, created or evicted. Only a
//! key whose MAC verifies is looked up in its organization's database, to see that it was not
//! revoked and which list it reaches. The organization sits in clear text (it is not a secret: it is
//! the tenant id in every token) so that a proxy can route the request to the node that holds the
//! organization without knowing any secret.
//!
//! Keys made before this format (`cpk_` + base64url of 64 bytes) keep working: the server keeps a
//! list of their MACs ([`legacy`]), built once from every organization's keys at the first start
//! after the upgrade, and checks a legacy key against that list before any storage access. Owners
//! see such keys flagged `legacy` with a prompt to rotate them.
//!
//! A client address that keeps presenting bad keys is refused (429) before its key is even
//! parsed (a plain map under a lock, exact: a cache with deferred bookkeeping let a burst through
//! under load); a valid key is limited per key.

pub mod legacy;

use super::{ListKey, OrgAccess};
use crate::AppState;
use crate::error::ApiError;
use crate::model::{KeyId, OrgId};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use hmac::{Hmac, Mac};
use parking_lot::Mutex;
use sha2::Sha256;
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;
use uuid::Uuid;

pub const PREFIX: &str = "cpk_";
const FAILURE_WINDOW: Duration = Duration::from_secs(60);
const MAX_TRACKED_CLIENTS: usize = 100_000;
const MAC_DOMAIN: &[u8] = b"contactpro api key v2\0";

pub struct KeyAuth {
    server_key: Vec<u8>,
    per_key: DefaultKeyedRateLimiter<KeyId>,
    /// Failed attempts per client address in its current minute: (count, window start). Bounded
    /// by `MAX_TRACKED_CLIENTS`; windows older than a minute are pruned.
    failures: Mutex<HashMap<IpAddr, (u32, Instant)>>,
    max_failures: u32,
    /// When each key's last_used_at was last written, so a busy key is not a write per request.
    last_touch: Mutex<HashMap<KeyId, i64>>,
    legacy: legacy::LegacyKeys,
}

pub struct Generated {
    pub id: KeyId,
    pub secret: String,
    pub prefix: String,
    pub hash: [u8; 32],
}

/// What a well-formed key names, before its MAC is checked.
struct Claimed<'a> {
    org: OrgId,
    id: KeyId,
    mac_hex: &'a str,
}

pub(crate) fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC-SHA256 takes keys of any length; new_from_slice cannot fail for it.
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else { return [0; 32] };
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

fn parse_v2(key: &str) -> Option<Claimed<'_>> {
    let rest = key.strip_prefix(PREFIX)?;
    // Keys are issued in lowercase; hex and GUID parsers also take uppercase, so "...A" would carry
    // the same MAC as "...a" and pass as genuine, then fail the stored hash uncounted.
    if rest.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let (id, rest) = rest.split_once('_')?;
    let (org, mac_hex) = rest.split_once('_')?;
    if id.len() != 32 || mac_hex.len() != 64 {
        return None;
    }
    let id = KeyId(Uuid::try_parse(id).ok()?);
    Some(Claimed { org: OrgId::parse(org)?, id, mac_hex })
}

impl KeyAuth {
    pub fn new(server_key: Vec<u8>, per_minute: u32, legacy: legacy::LegacyKeys) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN));
        Self {
            server_key,
            per_key: RateLimiter::keyed(quota),
            failures: Mutex::new(HashMap::new()),
            max_failures: per_minute.clamp(1, 60),
            last_touch: Mutex::new(HashMap::new()),
            legacy,
        }
    }

    /// The keyed hash stored for a key (all formats), compared in constant time.
    pub fn hash(&self, secret: &str) -> [u8; 32] {
        hmac(&self.server_key, &[secret.as_bytes()])
    }

    /// The server's MAC key (app passwords use it under their own domain).
    pub(crate) fn server_key(&self) -> &[u8] {
        &self.server_key
    }

    fn mac(&self, org: &OrgId, id: KeyId) -> [u8; 32] {
        let org = Uuid::parse_str(org.as_str()).unwrap_or_default();
        hmac(&self.server_key, &[MAC_DOMAIN, org.as_bytes(), id.0.as_bytes()])
    }

    pub fn generate(&self, org: &OrgId) -> Generated {
        let id = KeyId::new_random();
        let secret = format!("{PREFIX}{}_{}_{}", id.0.simple(), org.as_str(), hex::encode(self.mac(org, id)));
        // The start of the key id: tells keys apart, reveals nothing.
        let prefix = secret.chars().take(12).collect();
        let hash = self.hash(&secret);
        Generated { id, secret, prefix, hash }
    }

    /// Check a presented key without touching storage: the organization and key id it names,
    /// or None when it is forged, mistyped or unknown.
    fn verify_offline(&self, key: &str) -> Option<(OrgId, KeyId)> {
        if let Some(c) = parse_v2(key) {
            let mut given = [0u8; 32];
            hex::decode_to_slice(c.mac_hex, &mut given).ok()?;
            let ok: bool = self.mac(&c.org, c.id).ct_eq(&given).into();
            return ok.then_some((c.org, c.id));
        }
        self.legacy.find(&self.hash(key))
    }

    pub(crate) fn client_blocked(&self, client: Option<IpAddr>) -> Result<(), ApiError> {
        let Some(ip) = client else { return Ok(()) };
        match self.failures.lock().get(&ip) {
            Some((n, start)) if *n >= self.max_failures && start.elapsed() < FAILURE_WINDOW => {
                let left = FAILURE_WINDOW.saturating_sub(start.elapsed()).as_secs().max(1);
                Err(ApiError::RateLimited { retry_after_secs: left })
            }
            _ => Ok(()),
        }
    }

    pub(crate) fn failed(&self, client: Option<IpAddr>) {
        if let Some(ip) = client {
            let mut map = self.failures.lock();
            if map.len() >= MAX_TRACKED_CLIENTS && !map.contains_key(&ip) {
                map.retain(|_, (_, start)| start.elapsed() < FAILURE_WINDOW);
                if map.len() >= MAX_TRACKED_CLIENTS {
                    return;
                }
            }
            let e = map.entry(ip).or_insert((0, Instant::now()));
            if e.1.elapsed() >= FAILURE_WINDOW {
                *e = (0, Instant::now());
            }
            e.0 = e.0.saturating_add(1);
        }
    }

    fn limited(&self, id: KeyId) -> Result<(), ApiError> {
        self.per_key.check_key(&id).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
            ApiError::RateLimited { retry_after_secs: wait.as_secs().max(1) }
        })
    }

    /// Forget rate-limit state of keys not seen for a while (called periodically).
    pub fn prune(&self) {
        self.per_key.retain_recent();
        self.per_key.shrink_to_fit();
        self.failures.lock().retain(|_, (_, start)| start.elapsed() < FAILURE_WINDOW);
    }

    /// Is `hash` the stored hash of a key made before the self-describing format?
    pub fn is_legacy(&self, hash: &[u8; 32]) -> bool {
        self.legacy.find(hash).is_some()
    }
}

pub async fn authenticate(state: &AppState, key: &str, client: Option<IpAddr>) -> Result<ListKey, ApiError> {
    let auth = &state.auth.keys;
    let bad = || ApiError::Unauthorized("invalid API key".into());
    auth.client_blocked(client)?;
    let Some((org, id)) = (key.len() <= 256).then(|| auth.verify_offline(key)).flatten() else {
        auth.failed(client);
        return Err(bad());
    };
    auth.limited(id)?;
    // The key is genuine (its MAC verified): only now is its organization's database opened, to
    // see whether the key was revoked and which list it reaches.
    let access = OrgAccess::verified(org);
    let store = match state.registry.acquire(&access).await {
        Ok(s) => s,
        Err(crate::store::StoreError::NoOrganization) => return Err(bad()),
        Err(e) => return Err(e.into()),
    };
    let hash = auth.hash(key);
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
    let rec = tokio::task::spawn_blocking(move || {
        let rec = store.get_api_key(id)?;
        if touch
            && rec.is_some()
            && let Err(e) = store.touch_api_key(id, now)
        {
            tracing::warn!(error = %e, "could not record API key use");
        }
        Ok::<_, crate::store::StoreError>(rec)
    })
    .await
    .map_err(ApiError::internal)??;
    let Some(rec) = rec.filter(|r| bool::from(hash.ct_eq(&r.hash))) else {
        // Revoked (or a legacy key whose record is gone): genuine once, so not counted as forgery.
        return Err(bad());
    };
    Ok(ListKey { access, id, list: rec.list, name: rec.name })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth() -> KeyAuth {
        KeyAuth::new(vec![7; 32], 600, legacy::LegacyKeys::empty())
    }

    #[test]
    fn a_generated_key_verifies_offline_and_a_changed_one_does_not() {
        let a = auth();
        let org = OrgId::parse("11111111-2222-3333-4444-555555555555").unwrap();
        let g = a.generate(&org);
        assert_eq!(a.verify_offline(&g.secret), Some((org.clone(), g.id)));
        // The organization is readable by a proxy: the third `_`-separated field.
        assert_eq!(g.secret.split('_').nth(2), Some(org.as_str()));
        let other = OrgId::parse("99999999-2222-3333-4444-555555555555").unwrap();
        let moved = g.secret.replace(org.as_str(), other.as_str());
        assert_eq!(a.verify_offline(&moved), None, "the MAC covers the organization");
        let mut flipped = g.secret.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(a.verify_offline(std::str::from_utf8(&flipped).unwrap()), None);
        // Another letter case of the same key is a different key (a forgery), refused offline.
        let upper = format!("cpk_{}", g.secret["cpk_".len()..].to_uppercase());
        assert_eq!(a.verify_offline(&upper), None, "case variants are not the issued key");
        let other_server = KeyAuth::new(vec![8; 32], 600, legacy::LegacyKeys::empty());
        assert_eq!(other_server.verify_offline(&g.secret), None, "another server key");
        assert_eq!(a.verify_offline("cpk_"), None);
        assert_eq!(a.verify_offline("cpk_x_y_z"), None);
    }

    #[test]
    fn a_client_that_keeps_failing_is_blocked_before_verification() {
        let a = KeyAuth::new(vec![7; 32], 5, legacy::LegacyKeys::empty());
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..5 {
            assert!(a.client_blocked(Some(ip)).is_ok());
            a.failed(Some(ip));
        }
        assert!(matches!(a.client_blocked(Some(ip)), Err(ApiError::RateLimited { .. })));
        assert!(a.client_blocked(Some("10.0.0.2".parse().unwrap())).is_ok());
    }
}
