//! People search in the organization's directory (Microsoft Graph `/users?$search`), so an owner can
//! grant rights to a colleague who has never opened the tab.
//!
//! Decisions:
//! - On-Behalf-Of with `User.ReadBasic.All` (delegated; Graph answers with what the signed-in user may
//!   see anyway). Without the organization's consent the exchange fails and the picker silently keeps
//!   to people who signed in; the response says `directory: "consent_required"` for the admin.
//! - Graph tokens are cached per user for 10 minutes (they live 60-90) so typing in a picker costs one
//!   token exchange, not one per keystroke; a refused consent is remembered for 2 minutes.
//! - People found there are offered as `upn:name@domain`, the same pending id the pickers already use
//!   for an e-mail typed by hand: resolved to the object id at that person's first sign-in.
//! - The lookup is bounded (3 s, 10 people, 256 KiB); any failure leaves the local results alone.

use super::User;
use super::graph::{Failure, on_behalf_of, read_limited};
use crate::AppState;
use crate::model::{OrgId, UserId, pending_id};
use crate::profiles::Profile;
use moka::sync::Cache;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

const PERMISSION: &str = "User.ReadBasic.All";
const MAX_RESULTS: usize = 10;
const MAX_BODY_BYTES: usize = 256 * 1024;
const TIMEOUT: Duration = Duration::from_secs(3);
const NO_CONSENT_FOR: Duration = Duration::from_secs(120);

/// What the directory search did, as the response's `directory` field says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Searched {
    /// Graph was asked; directory people are among the items.
    Searched,
    /// Not configured (no Entra client secret, `directory_search = false`, another sign-in mode) or
    /// the query is shorter than 2 characters.
    Off,
    /// The organization has not consented to `User.ReadBasic.All`.
    ConsentRequired,
    /// Graph or the token endpoint failed or was too slow; only people who signed in are listed.
    Unavailable,
}

#[derive(Clone)]
enum Grant {
    Token(String),
    NoConsent(Instant),
}

/// Graph tokens for the directory search, per (organization, user).
#[derive(Clone)]
pub struct Tokens(Cache<(OrgId, UserId), Grant>);

impl Default for Tokens {
    fn default() -> Self {
        Self(Cache::builder().max_capacity(10_000).time_to_live(Duration::from_secs(600)).build())
    }
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    value: Vec<Person>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Person {
    display_name: Option<String>,
    mail: Option<String>,
    user_principal_name: Option<String>,
    job_title: Option<String>,
}

/// The query as Graph's `$search` takes it: quotes and backslashes would end the phrase early.
fn clean(q: &str) -> String {
    q.chars().filter(|c| !matches!(c, '"' | '\\') && !c.is_control()).take(64).collect::<String>().trim().to_owned()
}

/// People of the directory matching `q`, as profiles whose `oid` is their pending id.
pub async fn search(state: &AppState, p: &User, q: &str) -> (Searched, Vec<Profile>) {
    let cfg = &state.config.auth.entra;
    let q = clean(q);
    if state.config.auth.mode != crate::config::AuthMode::Entra
        || cfg.client_secret.0.is_empty()
        || !cfg.directory_search
        || q.chars().count() < 2
    {
        return (Searched::Off, Vec::new());
    }
    match tokio::time::timeout(TIMEOUT, lookup(state, p, &q)).await {
        Ok(Ok(found)) => (Searched::Searched, found),
        Ok(Err(Failure::Consent)) => (Searched::ConsentRequired, Vec::new()),
        Ok(Err(Failure::Other(e))) => {
            tracing::warn!(org = %p.org(), error = %e, "directory search failed; listing people who signed in only");
            (Searched::Unavailable, Vec::new())
        }
        Err(_) => {
            tracing::warn!(org = %p.org(), "directory search took more than 3 s; listing people who signed in only");
            (Searched::Unavailable, Vec::new())
        }
    }
}

async fn lookup(state: &AppState, p: &User, q: &str) -> Result<Vec<Profile>, Failure> {
    let tokens = &state.auth.directory.0;
    let key = (p.org().clone(), p.id.clone());
    let token = match tokens.get(&key) {
        Some(Grant::Token(t)) => t,
        Some(Grant::NoConsent(at)) if at.elapsed() < NO_CONSENT_FOR => return Err(Failure::Consent),
        _ => match on_behalf_of(state, p, &p.token, PERMISSION).await {
            Ok(t) => {
                tokens.insert(key.clone(), Grant::Token(t.clone()));
                t
            }
            Err(Failure::Consent) => {
                tokens.insert(key, Grant::NoConsent(Instant::now()));
                return Err(Failure::Consent);
            }
            Err(e) => return Err(e),
        },
    };
    let graph = state.config.auth.entra.graph_url.trim_end_matches('/');
    let search = format!("\"displayName:{q}\" OR \"mail:{q}\" OR \"userPrincipalName:{q}\"");
    let top = MAX_RESULTS.to_string();
    let resp = state
        .http
        .get(format!("{graph}/v1.0/users"))
        .query(&[
            ("$search", search.as_str()),
            ("$select", "displayName,mail,userPrincipalName,jobTitle"),
            ("$top", top.as_str()),
        ])
        .header("ConsistencyLevel", "eventual")
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| Failure::Other(e.to_string()))?;
    let status = resp.status();
    if status == reqwest::StatusCode::UNAUTHORIZED {
        // An expired or revoked token: the next search exchanges a new one.
        tokens.invalidate(&key);
    }
    if status == reqwest::StatusCode::FORBIDDEN {
        tokens.insert(key, Grant::NoConsent(Instant::now()));
        return Err(Failure::Consent);
    }
    if !status.is_success() {
        return Err(Failure::Other(format!("Graph /users answered {status}")));
    }
    let body = read_limited(resp, MAX_BODY_BYTES).await.map_err(Failure::Other)?;
    let page: Page = serde_json::from_slice(&body).map_err(|e| Failure::Other(format!("Graph /users: {e}")))?;
    Ok(page.value.into_iter().filter_map(profile).take(MAX_RESULTS).collect())
}

fn profile(person: Person) -> Option<Profile> {
    let short = |v: Option<String>| v.map(|v| v.trim().chars().take(200).collect::<String>()).unwrap_or_default();
    let upn = short(person.user_principal_name).to_lowercase();
    if upn.contains("#ext#") {
        return None; // a guest: their sign-in name is not this UPN
    }
    let id = pending_id(&upn)?;
    let mail = short(person.mail);
    let display_name = short(person.display_name);
    Some(Profile {
        oid: id.0,
        display_name: if display_name.is_empty() { upn.clone() } else { display_name },
        email: if mail.is_empty() { upn.clone() } else { mail },
        upn,
        job_title: short(person.job_title),
        last_login: crate::model::Timestamp::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_cannot_break_out_of_the_search_phrase() {
        assert_eq!(clean(" ad\"èle\\ "), "adèle");
        assert_eq!(clean("a\u{0}b\nc"), "abc");
        assert_eq!(clean(&"x".repeat(500)).len(), 64);
    }

    #[test]
    fn directory_people_become_pending_ids() {
        let p = profile(Person {
            display_name: Some("Lee Gu".into()),
            mail: None,
            user_principal_name: Some("Lee.Gu@Contoso.example".into()),
            job_title: Some("Director".into()),
        })
        .unwrap();
        assert_eq!(
            (p.oid.as_str(), p.email.as_str(), p.upn.as_str()),
            ("upn:lee.gu@contoso.example", "lee.gu@contoso.example", "lee.gu@contoso.example")
        );
        let guest = Person {
            display_name: Some("Guest".into()),
            mail: Some("g@fabrikam.example".into()),
            user_principal_name: Some("g_fabrikam.example#EXT#@contoso.example".into()),
            job_title: None,
        };
        assert!(profile(guest).is_none());
    }
}
