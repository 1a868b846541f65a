//! Authentication: who is calling. Routes state the kind of caller they accept in their signature
//! ([`User`], [`ListKey`], [`Caller`] for either, [`SignIn`] for `POST /login`); each extractor
//! verifies its credential before anything touches storage and yields an [`OrgAccess`], the only
//! value the store's registry opens a database for.

pub mod apikey;
pub mod apppass;
pub mod demo;
pub mod directory;
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

pub use apppass::DavUser;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("{0}")]
    Invalid(&'static str),
    /// The identity provider's signing keys could not be fetched: nothing can be verified, but
    /// the caller's credential may be fine, so this is a 503 that does not sign anyone out.
    #[error("the sign-in service cannot be reached; try again shortly")]
    KeysUnavailable,
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::KeysUnavailable => ApiError::AuthUnavailable { retry_after_secs: 5 },
            AuthError::Invalid(_) => ApiError::Unauthorized(e.to_string()),
        }
    }
}

/// Proof that a credential naming this organization was verified (a token's signature, an API
/// key's MAC). Only this module makes one, and the store's registry hands out databases only
/// for one, so no unverified input can open, create or evict an organization's database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgAccess {
    org: OrgId,
}

impl OrgAccess {
    fn verified(org: OrgId) -> Self {
        Self { org }
    }

    /// The operator's own access: command-line tools, demo seeding and backups run by the
    /// server on its own data. Never call it with a value that came from a request.
    pub fn operator(org: OrgId) -> Self {
        Self { org }
    }

    pub fn org(&self) -> &OrgId {
        &self.org
    }
}

/// A signed-in person (a verified bearer token). Routes for people take this extractor: an API
/// key on such a route gets 403, no credential 401.
#[derive(Clone, Debug)]
pub struct User {
    pub access: OrgAccess,
    pub id: UserId,
    pub name: String,
    pub upn: String,
    pub email: String,
    /// The bearer token as received (for On-Behalf-Of profile refresh).
    pub token: String,
}

impl User {
    pub fn org(&self) -> &OrgId {
        &self.access.org
    }

    pub fn actor(&self) -> Actor {
        Actor::user(self.id.clone(), UserRef { id: self.id.0.clone(), name: self.name.clone() })
    }

    /// Build a user from verified claims (Entra v1/v2 and demo names).
    fn from_claims(
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
        if user.is_empty() || user.len() > 128 || user.starts_with("key:") {
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
            access: OrgAccess::verified(org),
            id: UserId(user),
            name: name.chars().take(200).collect(),
            upn: upn.chars().take(200).collect(),
            email: email.chars().take(200).collect(),
            token: token.to_owned(),
        })
    }
}

/// The extractor of `POST /login` alone: the one caller allowed to create its organization's
/// database (`Registry::open_or_create`). Every other route opens existing databases only.
pub struct SignIn(pub User);

/// An API key: it reaches one list's contacts (and that list's change feed), nothing else.
#[derive(Clone, Debug)]
pub struct ListKey {
    pub access: OrgAccess,
    pub id: KeyId,
    pub list: ListId,
    pub name: String,
}

impl ListKey {
    pub fn actor(&self) -> Actor {
        Actor::key(self.id, self.list, UserRef { id: format!("key:{}", self.id), name: self.name.clone() })
    }
}

/// Either kind of caller, for the routes both may use (a list's contacts).
#[derive(Clone, Debug)]
pub enum Caller {
    User(User),
    Key(ListKey),
}

impl Caller {
    pub fn access(&self) -> &OrgAccess {
        match self {
            Self::User(u) => &u.access,
            Self::Key(k) => &k.access,
        }
    }

    pub fn actor(&self) -> Actor {
        match self {
            Self::User(u) => u.actor(),
            Self::Key(k) => k.actor(),
        }
    }

    /// Parse a list id from the path; for an API key, every other list does not exist (404).
    pub fn list(&self, raw: &str) -> Result<ListId, ApiError> {
        let id: ListId = raw.parse().map_err(|_| ApiError::NotFound("list"))?;
        match self {
            Self::Key(k) if k.list != id => Err(ApiError::NotFound("list")),
            _ => Ok(id),
        }
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
    /// Graph tokens of the directory people search.
    pub directory: directory::Tokens,
}

fn bearer(parts: &Parts) -> Option<&str> {
    let v = parts.headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

fn client_ip(parts: &Parts) -> Option<std::net::IpAddr> {
    parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip())
}

async fn verify_user(parts: &Parts, state: &AppState) -> Result<User, ApiError> {
    let token = bearer(parts).ok_or_else(|| ApiError::Unauthorized("missing bearer token".into()))?;
    let auth = &state.auth;
    let claims = auth.verifier.verify(token, state.clock.now()).await?;
    let u = User::from_claims(&claims, &auth.claims, auth.fixed_org.as_ref(), token)?;
    // Checked after the signature, so only a genuine token from another tenant gets here.
    if !auth.allowed_orgs.is_empty() && !auth.allowed_orgs.contains(u.org()) {
        return Err(AuthError::Invalid("this organization is not allowed to use this server").into());
    }
    Ok(u)
}

async fn verify_key(parts: &Parts, state: &AppState) -> Option<Result<ListKey, ApiError>> {
    let key = parts.headers.get("x-api-key")?;
    Some(match key.to_str() {
        Ok(k) => apikey::authenticate(state, k, client_ip(parts)).await,
        Err(_) => Err(ApiError::Unauthorized("invalid API key".into())),
    })
}

impl FromRequestParts<AppState> for User {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // A key is verified first, so a forged one is 401 here as everywhere; a genuine one is 403.
        if let Some(k) = verify_key(parts, state).await {
            k?;
            return Err(ApiError::Forbidden(
                "this route is for signed-in people; an API key reaches only its list's contacts".into(),
            ));
        }
        verify_user(parts, state).await
    }
}

impl FromRequestParts<AppState> for SignIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        User::from_request_parts(parts, state).await.map(SignIn)
    }
}

impl FromRequestParts<AppState> for ListKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        verify_key(parts, state).await.unwrap_or_else(|| Err(ApiError::Unauthorized("missing X-API-Key".into())))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(k) = verify_key(parts, state).await {
            return k.map(Caller::Key);
        }
        verify_user(parts, state).await.map(Caller::User)
    }
}

/// Refresh a profile from the directory where configured (Entra + client secret: Graph `/me`
/// through On-Behalf-Of). Without a directory the token's claims are the profile.
pub async fn refresh_profile(
    state: &AppState,
    p: &User,
    from_claims: crate::profiles::Profile,
) -> Result<crate::profiles::Profile, ApiError> {
    if state.config.auth.mode != crate::config::AuthMode::Entra {
        return Ok(from_claims);
    }
    graph::refresh(state, p, from_claims).await
}
