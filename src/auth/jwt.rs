//! One token verifier, parameterised by its key source, algorithm, issuer rule and audiences.
//! Demo mode (HS256, the server's own secret) and RS256 with a JWKS (Entra, OIDC) share this path.
//!
//! The algorithm is pinned per verifier, so `none` and HS/RS confusion are refused before any key
//! is used. exp and nbf are checked here against the injected clock (not jsonwebtoken's wall clock).

use super::AuthError;
use crate::model::Timestamp;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};
use std::sync::Arc;

pub enum KeySource {
    /// One fixed key (demo mode's HMAC secret).
    Static(DecodingKey),
    /// Keys fetched from a JWKS endpoint and picked by `kid`.
    Jwks(Arc<super::jwks::JwksCache>),
}

pub enum IssuerRule {
    Exact(String),
    /// Templates containing `{tid}`, substituted with the token's tenant id; one must match exactly.
    PerTenant(Vec<String>),
}

pub struct Verifier {
    pub alg: Algorithm,
    pub keys: KeySource,
    pub issuer: IssuerRule,
    pub audiences: Vec<String>,
    /// A scope that `scp` must contain (Entra: `access_as_user`).
    pub required_scope: Option<String>,
    pub leeway_secs: i64,
}

impl Verifier {
    /// Verify signature, algorithm, issuer, audience, exp, nbf (and scope) and return the claims.
    pub async fn verify(&self, token: &str, now: Timestamp) -> Result<Map<String, Value>, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::Invalid("malformed token"))?;
        if header.alg != self.alg {
            return Err(AuthError::Invalid("unexpected token algorithm"));
        }
        let key = match &self.keys {
            KeySource::Static(k) => std::borrow::Cow::Borrowed(k),
            KeySource::Jwks(cache) => std::borrow::Cow::Owned(cache.key(header.kid.as_deref()).await?),
        };
        let mut v = Validation::new(self.alg);
        v.validate_exp = false;
        v.validate_nbf = false;
        // Every mode requires both: a token without an audience could be meant for any app, and
        // one without an expiry would be valid forever.
        v.set_required_spec_claims(&["exp", "aud"]);
        v.set_audience(&self.audiences);
        v.validate_aud = true;
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &v).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            match e.kind() {
                K::InvalidAudience => AuthError::Invalid("wrong audience"),
                K::MissingRequiredClaim(c) if c == "aud" => AuthError::Invalid("token has no aud"),
                K::MissingRequiredClaim(c) if c == "exp" => AuthError::Invalid("token has no exp"),
                K::InvalidSignature => AuthError::Invalid("bad signature"),
                K::InvalidAlgorithm => AuthError::Invalid("unexpected token algorithm"),
                _ => AuthError::Invalid("invalid token"),
            }
        })?;
        let claims = data.claims;
        let now_s = now.millis() / 1000;
        let exp = claims.get("exp").and_then(Value::as_i64).ok_or(AuthError::Invalid("token has no exp"))?;
        if exp + self.leeway_secs < now_s {
            return Err(AuthError::Invalid("token expired"));
        }
        if let Some(nbf) = claims.get("nbf") {
            let nbf = nbf.as_i64().ok_or(AuthError::Invalid("invalid nbf"))?;
            if nbf - self.leeway_secs > now_s {
                return Err(AuthError::Invalid("token not yet valid"));
            }
        }
        let iss = claims.get("iss").and_then(Value::as_str).ok_or(AuthError::Invalid("token has no iss"))?;
        let ok = match &self.issuer {
            IssuerRule::Exact(s) => iss == s,
            IssuerRule::PerTenant(templates) => {
                let tid = claims.get("tid").and_then(Value::as_str).unwrap_or_default();
                crate::model::OrgId::parse(tid).is_some() && templates.iter().any(|t| t.replace("{tid}", tid) == iss)
            }
        };
        if !ok {
            return Err(AuthError::Invalid("wrong issuer"));
        }
        if let Some(scope) = &self.required_scope {
            let scp = claims.get("scp").and_then(Value::as_str).unwrap_or_default();
            if !scp.split(' ').any(|s| s == scope) {
                return Err(AuthError::Invalid("token lacks the required scope"));
            }
        }
        Ok(claims)
    }
}
