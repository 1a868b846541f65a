//! Authentication: who is calling. The [`Principal`] extractor is the only way a handler learns
//! the caller's organization, so every store access starts from a verified identity.

pub mod apikey;
pub mod demo;
pub mod graph;
pub mod jwks;
pub mod jwt;
pub mod providers;

use crate::AppState;
use crate::error::ApiError;
use crate::model::{KeyId, ListId, OrgId, UserId, UserRef};
use crate::store::Actor;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde_json::{Map, Value};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("{0}")]
    Invalid(&'static str),
    #[error("the signing keys could not be fetched")]
    KeysUnavailable,
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        ApiError::Unauthorized(e.to_string())
    }
}

/// A verified caller: a user from a token, or an API key bound to one list.
#[derive(Clone, Debug)]
pub struct Principal {
    pub org: OrgId,
    pub user: UserId,
    pub name: String,
    pub upn: String,
    pub email: String,
    /// Set when the caller is an API key: (key id, the one list it reaches).
    pub key: Option<(KeyId, ListId)>,
    /// The bearer token as received (for On-Behalf-Of profile refresh).
    pub token: Option<String>,
}

impl Principal {
    pub fn actor(&self) -> Actor {
        Actor {
            user: self.user.clone(),
            display: UserRef { id: self.user.0.clone(), name: self.name.clone() },
            key_list: self.key.map(|(_, l)| l),
        }
    }

    /// Routes other than a list's contacts are for people, not API keys.
    pub fn require_user(&self) -> Result<(), ApiError> {
        if self.key.is_some() {
            return Err(ApiError::Unauthorized("API keys reach only their list's contacts".into()));
        }
        Ok(())
    }

    /// Build a principal from verified claims (Entra v1/v2 and demo names).
    pub fn from_claims(
        claims: &Map<String, Value>,
        names: &ClaimNames,
        fixed_org: Option<&OrgId>,
        token: &str,
    ) -> Result<Self, AuthError> {
        let get = |k: &str| claims.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
        let org = match fixed_org {
            Some(o) => o.clone(),
            None => OrgId::parse(&get(&names.org)).ok_or(AuthError::Invalid("token has no valid tenant id"))?,
        };
        let user = get(&names.user_id);
        if user.is_empty() || user.len() > 128 {
            return Err(AuthError::Invalid("token has no valid user id"));
        }
        let mut upn = get(&names.username);
        if upn.is_empty() {
            upn = get("upn");
        }
        let email = {
            let e = get("email");
            if e.is_empty() && upn.contains('@') { upn.clone() } else { e }
        };
        let mut name = get(&names.name);
        if name.is_empty() {
            name = if upn.is_empty() { user.clone() } else { upn.clone() };
        }
        Ok(Self {
            org,
            user: UserId(user),
            name: name.chars().take(200).collect(),
            upn: upn.chars().take(200).collect(),
            email: email.chars().take(200).collect(),
            key: None,
            token: Some(token.to_owned()),
        })
    }
}

/// Which claims hold the organization, the user id, the display name and the user name.
#[derive(Clone, Debug)]
pub struct ClaimNames {
    pub org: String,
    pub user_id: String,
    pub name: String,
    pub username: String,
}

impl Default for ClaimNames {
    fn default() -> Self {
        Self { org: "tid".into(), user_id: "oid".into(), name: "name".into(), username: "preferred_username".into() }
    }
}

/// The configured way of verifying callers.
pub struct Auth {
    pub verifier: jwt::Verifier,
    pub claims: ClaimNames,
    pub fixed_org: Option<OrgId>,
    /// Organizations allowed to sign in (Entra `allowed_tenants`); empty = any.
    pub allowed_orgs: Vec<OrgId>,
    /// Present in demo mode only: the secret the server signs its own tokens with.
    pub demo_secret: Option<Vec<u8>>,
    pub keys: apikey::KeyAuth,
}

fn bearer(parts: &Parts) -> Option<&str> {
    let v = parts.headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(key) = parts.headers.get("x-api-key") {
            let key = key.to_str().map_err(|_| ApiError::Unauthorized("invalid API key".into()))?;
            let client = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
            return apikey::authenticate(state, key, client).await;
        }
        let token = bearer(parts).ok_or_else(|| ApiError::Unauthorized("missing bearer token".into()))?;
        let auth = &state.auth;
        let claims = auth.verifier.verify(token, state.clock.now()).await?;
        let p = Principal::from_claims(&claims, &auth.claims, auth.fixed_org.as_ref(), token)?;
        // Checked after the signature, so only a genuine token from another tenant gets here.
        if !auth.allowed_orgs.is_empty() && !auth.allowed_orgs.contains(&p.org) {
            return Err(AuthError::Invalid("this organization is not allowed to use this server").into());
        }
        Ok(p)
    }
}

/// Refresh a profile from the directory where configured (Entra + client secret: Graph `/me`
/// through On-Behalf-Of). Without a directory the token's claims are the profile.
pub async fn refresh_profile(
    state: &AppState,
    p: &Principal,
    from_claims: crate::profiles::Profile,
) -> Result<crate::profiles::Profile, ApiError> {
    if state.config.auth.mode != crate::config::AuthMode::Entra || p.key.is_some() {
        return Ok(from_claims);
    }
    graph::refresh(state, p, from_claims).await
}
