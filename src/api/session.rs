//! Sign-in: demo tokens and personas, login (profile refresh), me, known users.

use super::{Json, blocking, org};
use crate::AppState;
use crate::auth::demo::{self, Persona};
use crate::auth::{SignIn, User};
use crate::error::{ApiError, ApiResult};
use crate::model::OrgId;
use crate::profiles::Profile;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/demo/token", post(demo_token))
        .route("/api/v1/demo/personas", get(personas))
        .route("/api/v1/login", post(login))
        .route("/api/v1/me", get(me))
        .route("/api/v1/users", get(users))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemoTokenRequest {
    tid: String,
    oid: String,
    name: String,
    upn: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
}

/// Issue a demo token (demo mode only; 404 otherwise).
#[utoipa::path(post, path = "/api/v1/demo/token", tag = "session", request_body = DemoTokenRequest,
    responses((status = 200, body = TokenResponse), (status = 400), (status = 404)))]
pub async fn demo_token(
    State(state): State<AppState>,
    Json(req): Json<DemoTokenRequest>,
) -> ApiResult<axum::Json<TokenResponse>> {
    let secret = state.auth.demo_secret.as_ref().ok_or(ApiError::NotFound("route"))?;
    if OrgId::parse(&req.tid).is_none() {
        return Err(ApiError::BadRequest("tid must be a lowercase GUID".into()));
    }
    let bounded = |v: &str, field: &str| -> ApiResult<()> {
        if v.trim().is_empty() || v.chars().count() > 128 || v.chars().any(char::is_control) {
            return Err(ApiError::field(field, "must be 1 to 128 printable characters"));
        }
        Ok(())
    };
    bounded(&req.oid, "oid")?;
    bounded(&req.name, "name")?;
    bounded(&req.upn, "upn")?;
    let ttl = state.config.auth.demo_token_ttl_secs;
    let token = demo::issue(
        secret,
        &req.tid,
        &req.oid,
        &req.name,
        &req.upn,
        state.clock.now(),
        i64::try_from(ttl).unwrap_or(3600),
    )?;
    Ok(axum::Json(TokenResponse { access_token: token, token_type: "Bearer", expires_in: ttl }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Personas {
    items: Vec<Persona>,
}

/// People to sign in as (demo mode only).
#[utoipa::path(get, path = "/api/v1/demo/personas", tag = "session", responses((status = 200, body = Personas), (status = 404)))]
pub async fn personas(State(state): State<AppState>) -> ApiResult<axum::Json<Personas>> {
    state.auth.demo_secret.as_ref().ok_or(ApiError::NotFound("route"))?;
    Ok(axum::Json(Personas { items: demo::PERSONAS.to_vec() }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrgRef {
    id: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Session {
    user: Profile,
    org: OrgRef,
}

/// Refresh the caller's profile from the token (and the directory when configured).
#[utoipa::path(post, path = "/api/v1/login", tag = "session",
    responses((status = 200, body = Session), (status = 401), (status = 403, description = "consent_required: the user must grant consent (Entra)")),
    security(("bearer" = [])))]
pub async fn login(State(state): State<AppState>, SignIn(p): SignIn) -> ApiResult<axum::Json<Session>> {
    let profile = Profile {
        oid: p.id.0.clone(),
        upn: p.upn.clone(),
        display_name: p.name.clone(),
        email: p.email.clone(),
        job_title: String::new(),
        last_login: state.clock.now(),
    };
    let profile = crate::auth::refresh_profile(&state, &p, profile).await?;
    // The one place an organization's database is created: a verified user signing in.
    let sign_in = SignIn(p);
    let store = state.registry.open_or_create(&sign_in).await?;
    let p = sign_in.0;
    let stored = profile.clone();
    let (now, by) = (state.clock.now(), p.actor().display);
    blocking(move || {
        store.put_profile(&stored)?;
        // Lists that named this person by sign-in name before their first sign-in now name them.
        store.resolve_pending(&stored.upn, &crate::model::UserId(stored.oid.clone()), &by, now)?;
        Ok(())
    })
    .await?;
    state.profiles.put(p.org(), profile.clone());
    Ok(axum::Json(Session { user: profile, org: OrgRef { id: p.org().to_string() } }))
}

/// The caller's profile, from memory when possible.
#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, body = Session), (status = 401)),
    security(("bearer" = [])))]
pub async fn me(State(state): State<AppState>, p: User) -> ApiResult<axum::Json<Session>> {
    let profile = match state.profiles.get_cached(p.org(), p.id.as_str()) {
        Some(pr) => pr,
        None => {
            let store = org(&state, &p.access).await?;
            let oid = p.id.0.clone();
            let found = blocking(move || Ok(store.get_profile(&oid)?)).await?;
            match found {
                Some(pr) => {
                    state.profiles.put(p.org(), pr.clone());
                    pr
                }
                None => return Err(ApiError::NotFound("profile (call /api/v1/login first)")),
            }
        }
    };
    Ok(axum::Json(Session { user: profile, org: OrgRef { id: p.org().to_string() } }))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct UserQuery {
    #[serde(default)]
    q: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Users {
    /// People who signed in first, then directory people (`oid` is `upn:name@domain`).
    items: Vec<Profile>,
    directory: crate::auth::directory::Searched,
}

/// People of the caller's organization (for permissions and owners): those who signed in, then
/// (Entra with a client secret and the organization's consent) matches from its directory.
#[utoipa::path(get, path = "/api/v1/users", tag = "session", params(UserQuery), responses((status = 200, body = Users)),
    security(("bearer" = [])))]
pub async fn users(State(state): State<AppState>, p: User, Query(q): Query<UserQuery>) -> ApiResult<axum::Json<Users>> {
    let store = org(&state, &p.access).await?;
    let text: String = q.q.chars().take(100).collect();
    let local = {
        let text = text.clone();
        blocking(move || Ok(store.find_users(&text, 50)?))
    };
    let (local, (directory, found)) = tokio::join!(local, crate::auth::directory::search(&state, &p, &text));
    let mut items = local?;
    let known: std::collections::HashSet<String> =
        items.iter().flat_map(|u| [u.upn.to_lowercase(), u.email.to_lowercase()]).filter(|s| !s.is_empty()).collect();
    items.extend(found.into_iter().filter(|d| !known.contains(&d.upn) && !known.contains(&d.email.to_lowercase())));
    Ok(axum::Json(Users { items, directory }))
}
