//! Verifiers for the external identity providers: Entra ID (multi-tenant, v1 and v2 tokens) and any
//! OpenID Connect issuer. Both verify RS256 tokens with keys from a [`JwksCache`].

use super::jwks::{BACKGROUND_REFRESH, JwksCache, Source};
use super::jwt::{IssuerRule, KeySource, Verifier};
use super::{Auth, ClaimNames, apikey::KeyAuth};
use crate::clock::SharedClock;
use crate::config::{EntraConfig, OidcConfig};
use crate::model::OrgId;
use jsonwebtoken::Algorithm;

/// The scope Teams SSO tokens carry for this app (the Entra app registration exposes it).
pub const ENTRA_SCOPE: &str = "access_as_user";
/// v1 tokens are always issued by sts.windows.net, whatever the authority.
pub const ENTRA_V1_ISSUER: &str = "https://sts.windows.net/{tid}/";

pub fn entra(
    cfg: &EntraConfig,
    http: &reqwest::Client,
    clock: SharedClock,
    leeway_secs: i64,
    keys: KeyAuth,
) -> Result<Auth, String> {
    let authority = cfg.authority.trim_end_matches('/');
    if cfg.client_id.is_empty() || authority.is_empty() {
        return Err("auth mode entra needs auth.entra.client_id and auth.entra.authority".into());
    }
    let allowed_orgs = cfg
        .allowed_tenants
        .iter()
        .map(|t| {
            // Tenant ids are case-insensitive GUIDs; tokens carry them in lowercase.
            OrgId::parse(&t.trim().to_ascii_lowercase())
                .ok_or_else(|| format!("auth.entra.allowed_tenants: {t:?} is not a tenant id (a GUID)"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let cache = JwksCache::new(
        Source::Urls(vec![
            format!("{authority}/common/discovery/v2.0/keys"),
            format!("{authority}/common/discovery/keys"),
        ]),
        http.clone(),
        clock,
    );
    cache.start_background_refresh(BACKGROUND_REFRESH);
    let mut audiences = vec![cfg.client_id.clone()];
    if !cfg.app_id_uri.is_empty() {
        audiences.push(cfg.app_id_uri.clone());
    }
    let verifier = Verifier {
        alg: Algorithm::RS256,
        keys: KeySource::Jwks(cache),
        issuer: IssuerRule::PerTenant(vec![format!("{authority}/{{tid}}/v2.0"), ENTRA_V1_ISSUER.into()]),
        audiences,
        required_scope: Some(ENTRA_SCOPE.into()),
        leeway_secs,
    };
    Ok(Auth {
        verifier,
        claims: ClaimNames::default(),
        fixed_org: None,
        allowed_orgs,
        demo_secret: None,
        keys,
        directory: Default::default(),
    })
}

pub fn oidc(
    cfg: &OidcConfig,
    http: &reqwest::Client,
    clock: SharedClock,
    leeway_secs: i64,
    keys: KeyAuth,
) -> Result<Auth, String> {
    if cfg.issuer.is_empty() || cfg.audience.is_empty() {
        return Err("auth mode oidc needs auth.oidc.issuer and auth.oidc.audience".into());
    }
    let fixed_org = if cfg.fixed_org.is_empty() {
        None
    } else {
        Some(OrgId::parse(&cfg.fixed_org).ok_or("auth.oidc.fixed_org must be a lowercase GUID")?)
    };
    if fixed_org.is_none() && cfg.org_claim.is_empty() {
        return Err("auth.oidc needs org_claim or fixed_org".into());
    }
    // Discovery happens in the background task started here (and on first use if that failed), so
    // startup does not depend on the issuer being reachable at that very moment.
    let cache = JwksCache::new(Source::Discovery { issuer: cfg.issuer.clone() }, http.clone(), clock);
    cache.start_background_refresh(BACKGROUND_REFRESH);
    let verifier = Verifier {
        alg: Algorithm::RS256,
        keys: KeySource::Jwks(cache),
        issuer: IssuerRule::Exact(cfg.issuer.clone()),
        audiences: vec![cfg.audience.clone()],
        required_scope: None,
        leeway_secs,
    };
    let claims = ClaimNames {
        org: cfg.org_claim.clone(),
        user_id: cfg.user_id_claim.clone(),
        name: cfg.name_claim.clone(),
        username: cfg.username_claim.clone(),
    };
    Ok(Auth {
        verifier,
        claims,
        fixed_org,
        allowed_orgs: Vec::new(),
        demo_secret: None,
        keys,
        directory: Default::default(),
    })
}
