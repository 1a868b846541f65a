//! Keys fetched from a JWKS endpoint (Entra, OIDC). Filled in by the Entra/OIDC work; until then
//! no verifier is built with this source.

use super::AuthError;
use jsonwebtoken::DecodingKey;

pub struct JwksCache {
    _private: (),
}

impl JwksCache {
    pub async fn key(&self, _kid: Option<&str>) -> Result<DecodingKey, AuthError> {
        Err(AuthError::Invalid("unknown signing key"))
    }
}
