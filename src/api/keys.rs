//! API keys of a list (owners only). The secret is returned once, at creation.

use super::{Json, blocking, org, parse_id};
use crate::AppState;
use crate::auth::User;
use crate::error::{ApiError, ApiResult};
use crate::model::{KeyId, ListId, Timestamp, UserRef};
use crate::store::{ApiKeyRecord, NewApiKey};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/lists/{list}/api-keys", get(list_keys).post(create_key))
        .route("/api/v1/lists/{list}/api-keys/{id}", delete(revoke_key))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct KeyView {
    id: KeyId,
    name: String,
    prefix: String,
    created_at: Timestamp,
    created_by: UserRef,
    last_used_at: Option<Timestamp>,
    /// Made before keys carried a MAC of their organization: still accepted, but the owner
    /// should rotate it (create a new key, update the flow, revoke this one).
    legacy: bool,
}

impl From<ApiKeyRecord> for KeyView {
    fn from(k: ApiKeyRecord) -> Self {
        Self {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            created_at: k.created_at,
            created_by: k.created_by,
            last_used_at: k.last_used_at,
            legacy: k.legacy,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct KeyViews {
    items: Vec<KeyView>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedKey {
    key: KeyView,
    /// Shown once; only a hash is kept.
    secret: String,
}

#[utoipa::path(get, path = "/api/v1/lists/{list}/api-keys", tag = "api-keys", params(("list" = String, Path)),
    responses((status = 200, body = KeyViews), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn list_keys(
    State(state): State<AppState>,
    p: User,
    Path(list): Path<String>,
) -> ApiResult<axum::Json<KeyViews>> {
    let list: ListId = parse_id(&list, "list")?;
    let store = org(&state, &p.access).await?;
    let items = blocking(move || Ok(store.api_keys(&p.actor(), list)?)).await?;
    Ok(axum::Json(KeyViews { items: items.into_iter().map(Into::into).collect() }))
}

#[utoipa::path(post, path = "/api/v1/lists/{list}/api-keys", tag = "api-keys", params(("list" = String, Path)), request_body = NewKey,
    responses((status = 201, body = CreatedKey), (status = 403), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn create_key(
    State(state): State<AppState>,
    p: User,
    Path(list): Path<String>,
    Json(k): Json<NewKey>,
) -> ApiResult<(StatusCode, axum::Json<CreatedKey>)> {
    let list: ListId = parse_id(&list, "list")?;
    let name = k.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::field("name", "must be 1 to 100 printable characters"));
    }
    let g = state.auth.keys.generate(p.org());
    let secret = g.secret.clone();
    let store = org(&state, &p.access).await?;
    let now = state.clock.now();
    let rec = blocking(move || {
        Ok(store.create_api_key(&p.actor(), list, NewApiKey { id: g.id, name, prefix: g.prefix, hash: g.hash }, now)?)
    })
    .await?;
    Ok((StatusCode::CREATED, axum::Json(CreatedKey { key: rec.into(), secret })))
}

#[utoipa::path(delete, path = "/api/v1/lists/{list}/api-keys/{id}", tag = "api-keys", params(("list" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn revoke_key(
    State(state): State<AppState>,
    p: User,
    Path((list, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let list: ListId = parse_id(&list, "list")?;
    let id: KeyId = parse_id(&id, "API key")?;
    let store = org(&state, &p.access).await?;
    blocking(move || Ok(store.revoke_api_key(&p.actor(), list, id)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}
