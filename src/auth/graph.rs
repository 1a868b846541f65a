//! Profile refresh from Microsoft Graph through On-Behalf-Of (entra mode with a client secret).
//!
//! The user's SSO token is exchanged for a Graph token, then `/v1.0/me` gives the display name, mail,
//! job title and UPN. Graph being down must not stop people from signing in, so every failure except
//! missing consent keeps the token's claims and is logged; missing consent is answered 403
//! `consent_required` so the tab can ask for consent (getAuthToken with silent:false) and retry.

use super::User;
pub(super) use super::jwks::read_limited;
use crate::AppState;
use crate::error::ApiError;
use crate::profiles::Profile;
use serde::Deserialize;

const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    #[serde(default)]
    error_codes: Vec<i64>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Me {
    display_name: Option<String>,
    mail: Option<String>,
    job_title: Option<String>,
    user_principal_name: Option<String>,
}

pub(super) enum Failure {
    Consent,
    Other(String),
}

/// Refresh `profile` from Graph; `Ok(profile)` unchanged when Graph is not configured or fails.
pub async fn refresh(state: &AppState, p: &User, profile: Profile) -> Result<Profile, ApiError> {
    let cfg = &state.config.auth.entra;
    let token = p.token.as_str();
    if cfg.client_secret.0.is_empty() {
        return Ok(profile);
    }
    match fetch_me(state, p, token).await {
        Ok(me) => Ok(merge(profile, me)),
        Err(Failure::Consent) => Err(ApiError::ConsentRequired(
            "this app needs your consent to read your profile: sign in again and accept".into(),
        )),
        Err(Failure::Other(e)) => {
            tracing::warn!(org = %p.org(), error = %e, "Graph profile refresh failed; using the token's claims");
            Ok(profile)
        }
    }
}

fn merge(mut profile: Profile, me: Me) -> Profile {
    let set = |field: &mut String, v: Option<String>| {
        if let Some(v) = v.map(|v| v.trim().chars().take(200).collect::<String>())
            && !v.is_empty()
        {
            *field = v;
        }
    };
    set(&mut profile.display_name, me.display_name);
    set(&mut profile.email, me.mail);
    set(&mut profile.job_title, me.job_title);
    set(&mut profile.upn, me.user_principal_name);
    profile
}

async fn fetch_me(state: &AppState, p: &User, token: &str) -> Result<Me, Failure> {
    let graph = state.config.auth.entra.graph_url.trim_end_matches('/');
    let access = on_behalf_of(state, p, token, "User.Read").await?;
    let resp = state
        .http
        .get(format!("{graph}/v1.0/me"))
        .bearer_auth(access)
        .send()
        .await
        .map_err(|e| Failure::Other(e.to_string()))?;
    if !resp.status().is_success() {
        return Err(Failure::Other(format!("Graph /me answered {}", resp.status())));
    }
    let body = read_limited(resp, MAX_BODY_BYTES).await.map_err(Failure::Other)?;
    serde_json::from_slice(&body).map_err(|e| Failure::Other(format!("Graph /me: {e}")))
}

/// Exchange the user's SSO token for a Graph token with `permission` (On-Behalf-Of).
pub(super) async fn on_behalf_of(state: &AppState, p: &User, token: &str, permission: &str) -> Result<String, Failure> {
    let cfg = &state.config.auth.entra;
    let authority = cfg.authority.trim_end_matches('/');
    let graph = cfg.graph_url.trim_end_matches('/');
    let scope = format!("{graph}/{permission}");
    let form = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
        ("client_id", cfg.client_id.as_str()),
        ("client_secret", cfg.client_secret.0.as_str()),
        ("assertion", token),
        ("scope", scope.as_str()),
        ("requested_token_use", "on_behalf_of"),
    ];
    // The tenant comes from the verified token (a GUID), so it is safe in the URL path.
    let url = format!("{authority}/{}/oauth2/v2.0/token", p.org());
    let resp = state.http.post(&url).form(&form).send().await.map_err(|e| Failure::Other(e.to_string()))?;
    let status = resp.status();
    let body = read_limited(resp, MAX_BODY_BYTES).await.map_err(Failure::Other)?;
    let tr: TokenResponse =
        serde_json::from_slice(&body).map_err(|e| Failure::Other(format!("token endpoint answered {status}: {e}")))?;
    match (tr.access_token, tr.error) {
        (Some(t), None) if status.is_success() => Ok(t),
        (_, Some(err)) => {
            let desc = tr.error_description.unwrap_or_default();
            let consent = err == "interaction_required"
                || err == "consent_required"
                || (err == "invalid_grant" && (desc.contains("AADSTS65001") || tr.error_codes.contains(&65001)));
            if consent {
                return Err(Failure::Consent);
            }
            // error_description names the AADSTS code and carries no secret.
            Err(Failure::Other(format!("token endpoint: {err}: {}", desc.lines().next().unwrap_or(""))))
        }
        _ => Err(Failure::Other(format!("token endpoint answered {status} without a token"))),
    }
}
