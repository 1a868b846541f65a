//! Demo sign-in: the server signs HS256 tokens with a random secret kept in the data dir (0600),
//! with the same claim names as Entra v2 tokens, so the rest of the server cannot tell the difference.

use super::AuthError;
use super::jwt::{IssuerRule, KeySource, Verifier};
use crate::model::Timestamp;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

pub const ISSUER: &str = "contactpro-demo";
pub const AUDIENCE: &str = "contactpro";

/// Read the demo secret, creating it (32 random bytes, hex, mode 0600) on first start.
pub fn load_or_create_secret(data_dir: &Path) -> std::io::Result<Vec<u8>> {
    secret_file(data_dir, "demo-secret")
}

/// A random per-installation secret stored in `data_dir/name` with mode 0600.
pub fn secret_file(data_dir: &Path, name: &str) -> std::io::Result<Vec<u8>> {
    let path = data_dir.join(name);
    if let Ok(s) = std::fs::read_to_string(&path) {
        if let Ok(b) = hex::decode(s.trim())
            && b.len() >= 32
        {
            return Ok(b);
        }
        return Err(std::io::Error::other(format!("{} is not a valid secret file", path.display())));
    }
    std::fs::create_dir_all(data_dir)?;
    let secret: [u8; 32] = rand::random();
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&path)?;
    f.write_all(hex::encode(secret).as_bytes())?;
    f.sync_all()?;
    Ok(secret.to_vec())
}

pub fn verifier(secret: &[u8], leeway_secs: i64) -> Verifier {
    Verifier {
        alg: Algorithm::HS256,
        keys: KeySource::Static(DecodingKey::from_secret(secret)),
        issuer: IssuerRule::Exact(ISSUER.into()),
        audiences: vec![AUDIENCE.into()],
        required_scope: None,
        leeway_secs,
    }
}

#[derive(Serialize)]
struct DemoClaims<'a> {
    iss: &'a str,
    aud: &'a str,
    tid: &'a str,
    oid: &'a str,
    name: &'a str,
    preferred_username: &'a str,
    iat: i64,
    nbf: i64,
    exp: i64,
}

pub fn issue(
    secret: &[u8],
    tid: &str,
    oid: &str,
    name: &str,
    upn: &str,
    now: Timestamp,
    ttl_secs: i64,
) -> Result<String, AuthError> {
    let now_s = now.millis() / 1000;
    let claims = DemoClaims {
        iss: ISSUER,
        aud: AUDIENCE,
        tid,
        oid,
        name,
        preferred_username: upn,
        iat: now_s,
        nbf: now_s,
        exp: now_s + ttl_secs,
    };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret))
        .map_err(|_| AuthError::Invalid("could not sign token"))
}

/// People to sign in as in the demo: two organizations, so tenant isolation can be tried by hand.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Persona {
    pub tid: &'static str,
    pub oid: &'static str,
    pub name: &'static str,
    pub upn: &'static str,
    pub job_title: &'static str,
    pub org_name: &'static str,
}

pub const CONTOSO: &str = "6e5a1c1e-4b1d-4c1f-9a55-0c0a7e1d2b01";
pub const FABRIKAM: &str = "9b2f7d3a-8c4e-4f6a-b1d2-3e4f5a6b7c02";

pub const PERSONAS: &[Persona] = &[
    Persona {
        tid: CONTOSO,
        oid: "a1d3f6b0-0001-4000-8000-000000000001",
        name: "Adèle Vance",
        upn: "adele.vance@contoso.example",
        job_title: "Office manager",
        org_name: "Contoso",
    },
    Persona {
        tid: CONTOSO,
        oid: "a1d3f6b0-0002-4000-8000-000000000002",
        name: "Alex Wilber",
        upn: "alex.wilber@contoso.example",
        job_title: "Sales representative",
        org_name: "Contoso",
    },
    Persona {
        tid: CONTOSO,
        oid: "a1d3f6b0-0003-4000-8000-000000000003",
        name: "Megan Bowen",
        upn: "megan.bowen@contoso.example",
        job_title: "Marketing manager",
        org_name: "Contoso",
    },
    Persona {
        tid: FABRIKAM,
        oid: "b2e4a7c1-0001-4000-8000-000000000001",
        name: "Nestor Wilke",
        upn: "nestor.wilke@fabrikam.example",
        job_title: "Director of operations",
        org_name: "Fabrikam",
    },
];
