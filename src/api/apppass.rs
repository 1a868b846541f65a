//! App passwords of the signed-in person (CardDAV sign-in). The password is returned once.

use super::{Json, blocking, org, parse_id};
use crate::AppState;
use crate::auth::User;
use crate::error::{ApiError, ApiResult};
use crate::model::Timestamp;
use crate::store::apppass::AppPasswordRecord;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me/app-passwords", get(list_app_passwords).post(create_app_password))
        .route("/api/v1/me/app-passwords/{id}", delete(revoke_app_password))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AppPasswordView {
    id: uuid::Uuid,
    name: String,
    created_at: Timestamp,
}

impl From<AppPasswordRecord> for AppPasswordView {
    fn from(r: AppPasswordRecord) -> Self {
        Self { id: r.id, name: r.name, created_at: r.created_at }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AppPasswordViews {
    items: Vec<AppPasswordView>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAppPassword {
    name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedAppPassword {
    id: uuid::Uuid,
    name: String,
    /// Shown once; only a keyed hash is kept. Use it with the user name `username` on `/dav/`.
    password: String,
    created_at: Timestamp,
    /// The user name to sign in to CardDAV with (the UPN, else the user id).
    username: String,
    /// The CardDAV server path (prefix it with the server's address).
    dav_path: String,
}

#[utoipa::path(get, path = "/api/v1/me/app-passwords", tag = "app-passwords",
    responses((status = 200, body = AppPasswordViews), (status = 401)), security(("bearer" = [])))]
pub async fn list_app_passwords(State(state): State<AppState>, p: User) -> ApiResult<axum::Json<AppPasswordViews>> {
    let store = org(&state, &p.access).await?;
    let items = blocking(move || Ok(store.app_passwords(&p.id)?)).await?;
    Ok(axum::Json(AppPasswordViews { items: items.into_iter().map(Into::into).collect() }))
}

#[utoipa::path(post, path = "/api/v1/me/app-passwords", tag = "app-passwords", request_body = NewAppPassword,
    responses((status = 201, body = CreatedAppPassword), (status = 401), (status = 422)), security(("bearer" = [])))]
pub async fn create_app_password(
    State(state): State<AppState>,
    p: User,
    Json(b): Json<NewAppPassword>,
) -> ApiResult<(StatusCode, axum::Json<CreatedAppPassword>)> {
    let name = b.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::field("name", "must be 1 to 100 printable characters"));
    }
    let (id, password, hash) = crate::auth::apppass::generate(&state.auth.keys, p.org());
    let rec = AppPasswordRecord {
        id,
        user: p.id.clone(),
        upn: p.upn.clone(),
        display_name: p.name.clone(),
        name,
        hash,
        created_at: state.clock.now(),
    };
    let username = if p.upn.is_empty() { p.id.0.clone() } else { p.upn.clone() };
    let dav_path = format!("/dav/principals/{}/", crate::dav::path_segment(&p.id.0));
    let store = org(&state, &p.access).await?;
    let rec = blocking(move || {
        store.create_app_password(&rec)?;
        Ok(rec)
    })
    .await?;
    let body = CreatedAppPassword { id, name: rec.name, password, created_at: rec.created_at, username, dav_path };
    Ok((StatusCode::CREATED, axum::Json(body)))
}

#[utoipa::path(delete, path = "/api/v1/me/app-passwords/{id}", tag = "app-passwords", params(("id" = String, Path)),
    responses((status = 204), (status = 401), (status = 404)), security(("bearer" = [])))]
pub async fn revoke_app_password(
    State(state): State<AppState>,
    p: User,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id: uuid::Uuid = parse_id(&id, "app password")?;
    let store = org(&state, &p.access).await?;
    blocking(move || Ok(store.revoke_app_password(&p.id, id)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}
