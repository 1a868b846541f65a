//! App passwords: how phones, Outlook and Thunderbird sign in to `/dav/` (HTTP Basic).
//!
//! A password is `cpa_<id, 32 hex>_<organization GUID>_<MAC, 64 hex>`, the MAC being HMAC-SHA256
//! under the server's key of a domain of its own, the organization and the id: like an API key,
//! a forged or mistyped one fails in memory, before any storage access, and counts against the
//! client address's failure budget (shared with API keys). Only a genuine one is looked up, to see
//! that it was not revoked and whom it signs in as; the Basic user name must be that person's UPN
//! or user id.

use super::{OrgAccess, apikey};
use crate::AppState;
use crate::error::ApiError;
use crate::model::{OrgId, UserId, UserRef};
use crate::store::Actor;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use subtle::ConstantTimeEq;
use uuid::Uuid;

pub const PREFIX: &str = "cpa_";
const MAC_DOMAIN: &[u8] = b"contactpro app password v1\0";
/// What a client sees in its password prompt.
pub const REALM: &str = "Basic realm=\"contactpro\", charset=\"UTF-8\"";

fn mac(keys: &apikey::KeyAuth, org: &OrgId, id: Uuid) -> [u8; 32] {
    let org = Uuid::parse_str(org.as_str()).unwrap_or_default();
    apikey::hmac(keys.server_key(), &[MAC_DOMAIN, org.as_bytes(), id.as_bytes()])
}

/// A new app password for `org`: (id, secret, keyed hash of the secret to store).
pub fn generate(keys: &apikey::KeyAuth, org: &OrgId) -> (Uuid, String, [u8; 32]) {
    let id = Uuid::new_v4();
    let secret = format!("{PREFIX}{}_{}_{}", id.simple(), org.as_str(), hex::encode(mac(keys, org, id)));
    let hash = keys.hash(&secret);
    (id, secret, hash)
}

/// The organization and id a presented password names when its MAC verifies; no storage.
pub fn verify_offline(keys: &apikey::KeyAuth, secret: &str) -> Option<(OrgId, Uuid)> {
    let rest = secret.strip_prefix(PREFIX)?;
    // Issued in lowercase; an uppercase variant would carry the same MAC (see apikey::parse_v2).
    if rest.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let (id, rest) = rest.split_once('_')?;
    let (org, mac_hex) = rest.split_once('_')?;
    if id.len() != 32 || mac_hex.len() != 64 {
        return None;
    }
    let id = Uuid::try_parse(id).ok()?;
    let org = OrgId::parse(org)?;
    let mut given = [0u8; 32];
    hex::decode_to_slice(mac_hex, &mut given).ok()?;
    bool::from(mac(keys, &org, id).ct_eq(&given)).then_some((org, id))
}

/// A person signed in to `/dav/` with an app password. The only extractor of the DAV routes.
#[derive(Clone, Debug)]
pub struct DavUser {
    pub access: OrgAccess,
    pub id: UserId,
    pub name: String,
    pub upn: String,
}

impl DavUser {
    pub fn actor(&self) -> Actor {
        Actor::user(self.id.clone(), UserRef { id: self.id.0.clone(), name: self.name.clone() })
    }
}

/// A refused DAV sign-in: 401 with the Basic challenge (clients then ask for the password), or
/// 429 / 503 as the API would answer.
#[derive(Debug)]
pub struct DavAuthError(pub ApiError);

impl IntoResponse for DavAuthError {
    fn into_response(self) -> Response {
        let unauthorized = matches!(self.0, ApiError::Unauthorized(_));
        let mut r = self.0.into_response();
        if unauthorized {
            *r.status_mut() = StatusCode::UNAUTHORIZED;
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(REALM));
        }
        // Refused before its body was read: the client must not reuse this connection.
        r.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        r
    }
}

fn basic(parts: &Parts) -> Option<(String, String)> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, b64) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") || b64.len() > 1024 {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((user.to_owned(), pass.to_owned()))
}

pub async fn authenticate(parts: &Parts, state: &AppState) -> Result<DavUser, ApiError> {
    let keys = &state.auth.keys;
    let bad = || ApiError::Unauthorized("sign in with your user name and an app password".into());
    let Some((user, secret)) = basic(parts) else { return Err(bad()) };
    let client = super::client_ip(parts);
    keys.client_blocked(client)?;
    let Some((org, id)) = (secret.len() <= 256).then(|| verify_offline(keys, &secret)).flatten() else {
        keys.failed(client);
        return Err(bad());
    };
    // Genuine (the MAC verified): only now is the organization's database opened.
    let access = OrgAccess::verified(org);
    let store = match state.registry.acquire(&access).await {
        Ok(s) => s,
        Err(crate::store::StoreError::NoOrganization) => return Err(bad()),
        Err(e) => return Err(e.into()),
    };
    let rec = tokio::task::spawn_blocking(move || store.get_app_password(id)).await.map_err(ApiError::internal)??;
    let hash = keys.hash(&secret);
    let Some(rec) = rec.filter(|r| bool::from(hash.ct_eq(&r.hash))) else {
        // Revoked: refused at once.
        return Err(bad());
    };
    let user = user.trim();
    let upn_matches = !rec.upn.is_empty() && user.eq_ignore_ascii_case(&rec.upn);
    if !upn_matches && user != rec.user.0 {
        keys.failed(client);
        return Err(ApiError::Unauthorized("the user name does not match this app password".into()));
    }
    Ok(DavUser { access, id: rec.user, name: rec.display_name, upn: rec.upn })
}

impl FromRequestParts<AppState> for DavUser {
    type Rejection = DavAuthError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        authenticate(parts, state).await.map_err(DavAuthError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_password_verifies_offline_and_a_changed_one_does_not() {
        let keys = apikey::KeyAuth::new(vec![7; 32], 600, apikey::legacy::LegacyKeys::empty());
        let org = OrgId::parse("11111111-2222-3333-4444-555555555555").unwrap();
        let (id, secret, _) = generate(&keys, &org);
        assert_eq!(verify_offline(&keys, &secret), Some((org.clone(), id)));
        let other = OrgId::parse("99999999-2222-3333-4444-555555555555").unwrap();
        assert_eq!(verify_offline(&keys, &secret.replace(org.as_str(), other.as_str())), None);
        // An API key's MAC is not an app password's (different domains).
        let key = keys.generate(&org).secret;
        assert_eq!(verify_offline(&keys, &key.replacen("cpk_", PREFIX, 1)), None);
        assert_eq!(verify_offline(&keys, "cpa_x_y_z"), None);
    }
}
