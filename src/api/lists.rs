//! Contact lists: one per Teams tab. Every member of the organization reads every list; only
//! owners change settings or delete.

use super::{Json, blocking, org, parse_id};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::model::{Action, ContactList, ListId, ListPatch, NewList, UserRef};
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

#[derive(Serialize, utoipa::ToSchema)]
pub struct Rights {
    owner: bool,
    add: bool,
    modify: bool,
    delete: bool,
}

/// A list as the API shows it: the stored list plus the caller's rights and the contact count.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ListView {
    #[serde(flatten)]
    list: ContactList,
    rights: Rights,
    contact_count: usize,
}

fn view(list: ContactList, p: &Principal, contact_count: usize) -> ListView {
    let u = &p.user;
    let rights = Rights {
        owner: list.is_owner(u),
        add: list.allows(u, Action::Add),
        modify: list.allows(u, Action::Modify),
        delete: list.allows(u, Action::Delete),
    };
    ListView { list, rights, contact_count }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ListViews {
    items: Vec<ListView>,
}

/// The organization's lists.
#[utoipa::path(get, path = "/api/v1/lists", tag = "lists", responses((status = 200, body = ListViews)), security(("bearer" = [])))]
pub async fn list_lists(State(state): State<AppState>, p: Principal) -> ApiResult<axum::Json<ListViews>> {
    p.require_user()?;
    let store = org(&state, &p).await?;
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
    p: Principal,
    Json(new): Json<NewList>,
) -> ApiResult<(StatusCode, axum::Json<ListView>)> {
    p.require_user()?;
    let store = org(&state, &p).await?;
    let now = state.clock.now();
    let max = state.config.limits.max_lists_per_org;
    let l = blocking(move || Ok(store.create_list(&p.actor(), new, max, now).map(|l| view(l, &p, 0))?)).await?;
    Ok((StatusCode::CREATED, axum::Json(l)))
}

#[utoipa::path(get, path = "/api/v1/lists/{list}", tag = "lists", params(("list" = String, Path)),
    responses((status = 200, body = ListView), (status = 404)), security(("bearer" = [])))]
pub async fn get_list(
    State(state): State<AppState>,
    p: Principal,
    Path(list): Path<String>,
) -> ApiResult<axum::Json<ListView>> {
    p.require_user()?;
    let id: ListId = parse_id(&list, "list")?;
    let store = org(&state, &p).await?;
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
    p: Principal,
    Path(list): Path<String>,
    Json(patch): Json<ListPatch>,
) -> ApiResult<axum::Json<ListView>> {
    p.require_user()?;
    let id: ListId = parse_id(&list, "list")?;
    let store = org(&state, &p).await?;
    let v = blocking(move || {
        let l = store.patch_list(&p.actor(), id, patch)?;
        let n = store.contact_count(id)?;
        Ok(view(l, &p, n))
    })
    .await?;
    Ok(axum::Json(v))
}

/// Delete a list with everything in it (owners only).
#[utoipa::path(delete, path = "/api/v1/lists/{list}", tag = "lists", params(("list" = String, Path)),
    responses((status = 204), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn delete_list(
    State(state): State<AppState>,
    p: Principal,
    Path(list): Path<String>,
) -> ApiResult<StatusCode> {
    p.require_user()?;
    let id: ListId = parse_id(&list, "list")?;
    let store = org(&state, &p).await?;
    blocking(move || Ok(store.delete_list(&p.actor(), id)?)).await?;
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
pub async fn about(
    State(state): State<AppState>,
    p: Principal,
    Path(list): Path<String>,
) -> ApiResult<axum::Json<About>> {
    p.require_user()?;
    let id: ListId = parse_id(&list, "list")?;
    let store = org(&state, &p).await?;
    let l = blocking(move || Ok(store.get_list(id)?)).await?;
    Ok(axum::Json(About { version: crate::VERSION, id: l.id, created_by: l.created_by }))
}
