//! Contact lists: one per Teams tab. Every member of the organization reads every list; only
//! owners change settings or delete.

use super::{Json, blocking, org, parse_id};
use crate::AppState;
use crate::auth::User;
use crate::error::ApiResult;
use crate::model::{ContactList, ListId, ListPatch, NewList, UserRef};
use crate::store::{Rights, StoreError};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/lists", get(list_lists).post(create_list))
        .route("/api/v1/lists/{list}", get(get_list).patch(patch_list).delete(delete_list))
        .route("/api/v1/lists/{list}/about", get(about))
}

/// A list as the API shows it: the stored list plus the caller's rights and the contact count.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ListView {
    #[serde(flatten)]
    list: ContactList,
    rights: Rights,
    contact_count: usize,
}

pub(crate) fn view(list: ContactList, p: &User, contact_count: usize) -> ListView {
    // A user has rights on every list of the organization (at least reading).
    let rights = Rights::of(&list, &p.actor()).unwrap_or_default();
    ListView { list, rights, contact_count }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ListViews {
    items: Vec<ListView>,
}

/// The organization's lists.
#[utoipa::path(get, path = "/api/v1/lists", tag = "lists", responses((status = 200, body = ListViews)), security(("bearer" = [])))]
pub async fn list_lists(State(state): State<AppState>, p: User) -> ApiResult<axum::Json<ListViews>> {
    // Before the organization's first sign-in there is no database: no lists yet.
    let store = match state.registry.acquire(&p.access).await {
        Err(StoreError::NoOrganization) => return Ok(axum::Json(ListViews { items: Vec::new() })),
        other => other?,
    };
    let items = blocking(move || {
        let lists = store.lists()?;
        let mut out = Vec::with_capacity(lists.len());
        for l in lists {
            let n = store.contact_count(l.id)?;
            out.push(view(l, &p, n));
        }
        Ok(out)
    })
    .await?;
    Ok(axum::Json(ListViews { items }))
}

/// Create a list; the caller becomes its first owner.
#[utoipa::path(post, path = "/api/v1/lists", tag = "lists", request_body = NewList,
    responses((status = 201, body = ListView), (status = 409, description = "limits.max_lists_per_org reached"), (status = 422)), security(("bearer" = [])))]
pub async fn create_list(
    State(state): State<AppState>,
    p: User,
    Json(new): Json<NewList>,
) -> ApiResult<(StatusCode, axum::Json<ListView>)> {
    let store = org(&state, &p.access).await?;
    let now = state.clock.now();
    let max = state.config.limits.max_lists_per_org;
    let l = blocking(move || Ok(store.create_list(&p.actor(), new, max, now).map(|l| view(l, &p, 0))?)).await?;
    Ok((StatusCode::CREATED, axum::Json(l)))
}

#[utoipa::path(get, path = "/api/v1/lists/{list}", tag = "lists", params(("list" = String, Path)),
    responses((status = 200, body = ListView), (status = 404)), security(("bearer" = [])))]
pub async fn get_list(
    State(state): State<AppState>,
    p: User,
    Path(list): Path<String>,
) -> ApiResult<axum::Json<ListView>> {
    let id: ListId = parse_id(&list, "list")?;
    let store = org(&state, &p.access).await?;
    let v = blocking(move || {
        let l = store.get_list(id)?;
        let n = store.contact_count(id)?;
        Ok(view(l, &p, n))
    })
    .await?;
    Ok(axum::Json(v))
}

/// Change settings, owners or permissions (owners only).
#[utoipa::path(patch, path = "/api/v1/lists/{list}", tag = "lists", params(("list" = String, Path)), request_body = ListPatch,
    responses((status = 200, body = ListView), (status = 403), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn patch_list(
    State(state): State<AppState>,
    p: User,
    Path(list): Path<String>,
    Json(patch): Json<ListPatch>,
) -> ApiResult<axum::Json<ListView>> {
    let id: ListId = parse_id(&list, "list")?;
    let store = org(&state, &p.access).await?;
    let now = state.clock.now();
    let v = blocking(move || {
        let l = store.patch_list(&p.actor(), id, patch, now)?;
        let n = store.contact_count(id)?;
        Ok(view(l, &p, n))
    })
    .await?;
    Ok(axum::Json(v))
}

/// Delete a list with everything in it (owners only): it goes to the list trash, restorable by
/// its owners for `retention.trash_days`.
#[utoipa::path(delete, path = "/api/v1/lists/{list}", tag = "lists", params(("list" = String, Path)),
    responses((status = 204), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn delete_list(State(state): State<AppState>, p: User, Path(list): Path<String>) -> ApiResult<StatusCode> {
    let id: ListId = parse_id(&list, "list")?;
    let store = org(&state, &p.access).await?;
    let now = state.clock.now();
    blocking(move || Ok(store.delete_list(&p.actor(), id, now)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct About {
    version: &'static str,
    id: ListId,
    created_by: UserRef,
}

#[utoipa::path(get, path = "/api/v1/lists/{list}/about", tag = "lists", params(("list" = String, Path)),
    responses((status = 200, body = About), (status = 404)), security(("bearer" = [])))]
pub async fn about(State(state): State<AppState>, p: User, Path(list): Path<String>) -> ApiResult<axum::Json<About>> {
    let id: ListId = parse_id(&list, "list")?;
    let store = org(&state, &p.access).await?;
    let l = blocking(move || Ok(store.get_list(id)?)).await?;
    Ok(axum::Json(About { version: crate::VERSION, id: l.id, created_by: l.created_by }))
}
