//! Groups of a list, with member counts. Not reachable with API keys.

use super::{Json, blocking, org, parse_id};
use crate::AppState;
use crate::auth::User;
use crate::error::ApiResult;
use crate::model::{ContactId, Group, GroupId, ListId, Timestamp, UserRef};
use crate::store::GroupWithCount;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/lists/{list}/groups", get(list_groups).post(create_group))
        .route("/api/v1/lists/{list}/groups/{id}", get(get_group).patch(patch_group).delete(delete_group))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct GroupView {
    id: GroupId,
    name: String,
    member_count: usize,
    created_at: Timestamp,
    created_by: UserRef,
}

impl From<GroupWithCount> for GroupView {
    fn from(g: GroupWithCount) -> Self {
        Self {
            id: g.group.id,
            name: g.group.name,
            member_count: g.member_count,
            created_at: g.group.created_at,
            created_by: g.group.created_by,
        }
    }
}

impl GroupView {
    fn new(g: Group, member_count: usize) -> Self {
        GroupWithCount { group: g, member_count }.into()
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct GroupViews {
    items: Vec<GroupView>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    name: String,
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct GroupPatch {
    name: Option<String>,
    add_members: Vec<ContactId>,
    remove_members: Vec<ContactId>,
}

fn ids(_: &User, list: &str) -> ApiResult<ListId> {
    parse_id(list, "list")
}

#[utoipa::path(get, path = "/api/v1/lists/{list}/groups", tag = "groups", params(("list" = String, Path)),
    responses((status = 200, body = GroupViews), (status = 404)), security(("bearer" = [])))]
pub async fn list_groups(
    State(state): State<AppState>,
    p: User,
    Path(list): Path<String>,
) -> ApiResult<axum::Json<GroupViews>> {
    let list = ids(&p, &list)?;
    let store = org(&state, &p.access).await?;
    let items = blocking(move || Ok(store.groups(list)?)).await?;
    Ok(axum::Json(GroupViews { items: items.into_iter().map(Into::into).collect() }))
}

#[utoipa::path(post, path = "/api/v1/lists/{list}/groups", tag = "groups", params(("list" = String, Path)), request_body = NewGroup,
    responses((status = 201, body = GroupView), (status = 403), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn create_group(
    State(state): State<AppState>,
    p: User,
    Path(list): Path<String>,
    Json(g): Json<NewGroup>,
) -> ApiResult<(StatusCode, axum::Json<GroupView>)> {
    let list = ids(&p, &list)?;
    let store = org(&state, &p.access).await?;
    let now = state.clock.now();
    let max = state.config.limits.max_groups_per_list;
    let g = blocking(move || Ok(store.create_group(&p.actor(), list, &g.name, max, now)?)).await?;
    Ok((StatusCode::CREATED, axum::Json(GroupView::new(g, 0))))
}

#[utoipa::path(get, path = "/api/v1/lists/{list}/groups/{id}", tag = "groups", params(("list" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = GroupView), (status = 404)), security(("bearer" = [])))]
pub async fn get_group(
    State(state): State<AppState>,
    p: User,
    Path((list, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<GroupView>> {
    let list = ids(&p, &list)?;
    let id: GroupId = parse_id(&id, "group")?;
    let store = org(&state, &p.access).await?;
    let g = blocking(move || Ok(store.get_group(list, id)?)).await?;
    Ok(axum::Json(g.into()))
}

/// Rename and add or remove members, in one transaction.
#[utoipa::path(patch, path = "/api/v1/lists/{list}/groups/{id}", tag = "groups", params(("list" = String, Path), ("id" = String, Path)),
    request_body = GroupPatch, responses((status = 200, body = GroupView), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn patch_group(
    State(state): State<AppState>,
    p: User,
    Path((list, id)): Path<(String, String)>,
    Json(patch): Json<GroupPatch>,
) -> ApiResult<axum::Json<GroupView>> {
    let list = ids(&p, &list)?;
    let id: GroupId = parse_id(&id, "group")?;
    if patch.add_members.len() + patch.remove_members.len() > 10_000 {
        return Err(crate::error::ApiError::field("add_members", "at most 10000 members per request"));
    }
    let store = org(&state, &p.access).await?;
    let now = state.clock.now();
    let g = blocking(move || {
        store.patch_group(
            &p.actor(),
            list,
            id,
            patch.name.as_deref(),
            &patch.add_members,
            &patch.remove_members,
            now,
        )?;
        Ok(store.get_group(list, id)?)
    })
    .await?;
    Ok(axum::Json(g.into()))
}

/// Delete a group; its contacts stay.
#[utoipa::path(delete, path = "/api/v1/lists/{list}/groups/{id}", tag = "groups", params(("list" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn delete_group(
    State(state): State<AppState>,
    p: User,
    Path((list, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let list = ids(&p, &list)?;
    let id: GroupId = parse_id(&id, "group")?;
    let store = org(&state, &p.access).await?;
    let now = state.clock.now();
    blocking(move || Ok(store.delete_group(&p.actor(), list, id, now)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}
