//! The ways back: the trash of contacts, lists and groups, contact history and revert, and undo
//! of an import. Rights are checked by the store in the transaction that acts.

use super::{Json, blocking, org, parse_id};
use crate::AppState;
use crate::auth::{Caller, User};
use crate::error::{ApiError, ApiResult};
use crate::model::{Contact, ContactFields, ContactId, GroupId, ListId, Timestamp, UserRef};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, get, post};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/lists/trash", get(list_trash))
        .route("/api/v1/lists/{list}/restore", post(restore_list))
        .route("/api/v1/lists/{list}/trash", get(trash))
        .route("/api/v1/lists/{list}/trash/{id}/restore", post(restore_contact))
        .route("/api/v1/lists/{list}/trash/{id}", delete(purge_contact))
        .route("/api/v1/lists/{list}/groups/{id}/restore", post(restore_group))
        .route("/api/v1/lists/{list}/contacts/{id}/history", get(history))
        .route("/api/v1/lists/{list}/contacts/{id}/revert", post(revert))
        .route("/api/v1/jobs/{id}/undo", post(undo_job))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TrashItemView {
    id: ContactId,
    full_name: String,
    deleted_at: Timestamp,
    deleted_by: UserRef,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TrashView {
    items: Vec<TrashItemView>,
    total: usize,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct TrashParams {
    /// From 1.
    page: Option<String>,
    /// 1 to 500, default 100.
    per_page: Option<String>,
}

fn number(field: &str, v: Option<&str>, default: usize, max: usize) -> ApiResult<usize> {
    match v.map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::field(field, format!("must be a whole number from 1 to {max}"))),
        },
    }
}

/// The list's trash, newest first (members who may delete, and owners).
#[utoipa::path(get, path = "/api/v1/lists/{list}/trash", tag = "trash", params(("list" = String, Path), TrashParams),
    responses((status = 200, body = TrashView), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn trash(
    State(state): State<AppState>,
    p: User,
    Path(list): Path<String>,
    super::Query(params): super::Query<TrashParams>,
) -> ApiResult<axum::Json<TrashView>> {
    let list: ListId = parse_id(&list, "list")?;
    let page = number("page", params.page.as_deref(), 1, 1_000_000)?;
    let per_page = number("per_page", params.per_page.as_deref(), 100, 500)?;
    let store = org(&state, &p.access).await?;
    let (items, total) =
        blocking(move || Ok(store.trash(&p.actor(), list, (page - 1).saturating_mul(per_page), per_page)?)).await?;
    Ok(axum::Json(TrashView {
        items: items
            .into_iter()
            .map(|t| TrashItemView {
                id: t.id,
                full_name: t.full_name,
                deleted_at: t.deleted_at,
                deleted_by: t.deleted_by,
            })
            .collect(),
        total,
    }))
}

/// Give a deleted contact back, with its id and the groups that still exist.
#[utoipa::path(post, path = "/api/v1/lists/{list}/trash/{id}/restore", tag = "trash", params(("list" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Contact), (status = 403), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn restore_contact(
    State(state): State<AppState>,
    p: User,
    Path((list, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Contact>> {
    let list: ListId = parse_id(&list, "list")?;
    let id: ContactId = parse_id(&id, "contact")?;
    let store = org(&state, &p.access).await?;
    let (max, now) = (state.config.limits.max_contacts_per_list, state.clock.now());
    let c = blocking(move || Ok(store.restore_contact(&p.actor(), list, id, max, now)?)).await?;
    Ok(axum::Json(c))
}

/// Purge a trashed contact now (owners).
#[utoipa::path(delete, path = "/api/v1/lists/{list}/trash/{id}", tag = "trash", params(("list" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn purge_contact(
    State(state): State<AppState>,
    p: User,
    Path((list, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let list: ListId = parse_id(&list, "list")?;
    let id: ContactId = parse_id(&id, "contact")?;
    let store = org(&state, &p.access).await?;
    blocking(move || Ok(store.purge_contact(&p.actor(), list, id)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DeletedListView {
    id: ListId,
    name: String,
    deleted_at: Timestamp,
    deleted_by: UserRef,
    contact_count: u64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DeletedListsView {
    items: Vec<DeletedListView>,
}

/// Deleted lists the caller owned, newest first.
#[utoipa::path(get, path = "/api/v1/lists/trash", tag = "trash",
    responses((status = 200, body = DeletedListsView)), security(("bearer" = [])))]
pub async fn list_trash(State(state): State<AppState>, p: User) -> ApiResult<axum::Json<DeletedListsView>> {
    let store = match org(&state, &p.access).await {
        Ok(s) => s,
        // An organization without data has no deleted lists either.
        Err(ApiError::NotFound(_)) => return Ok(axum::Json(DeletedListsView { items: Vec::new() })),
        Err(e) => return Err(e),
    };
    let items = blocking(move || Ok(store.deleted_lists(&p.actor())?)).await?;
    Ok(axum::Json(DeletedListsView {
        items: items
            .into_iter()
            .map(|t| DeletedListView {
                id: t.list.id,
                name: t.list.name,
                deleted_at: t.deleted_at,
                deleted_by: t.deleted_by,
                contact_count: t.contact_count,
            })
            .collect(),
    }))
}

/// Restore a deleted list with everything in it (its owners).
#[utoipa::path(post, path = "/api/v1/lists/{list}/restore", tag = "trash", params(("list" = String, Path)),
    responses((status = 200, body = super::lists::ListView), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn restore_list(
    State(state): State<AppState>,
    p: User,
    Path(list): Path<String>,
) -> ApiResult<axum::Json<super::lists::ListView>> {
    let id: ListId = parse_id(&list, "list")?;
    let store = org(&state, &p.access).await?;
    let max = state.config.limits.max_lists_per_org;
    let v = blocking(move || {
        let l = store.restore_list(&p.actor(), id, max)?;
        let n = store.contact_count(id)?;
        Ok(super::lists::view(l, &p, n))
    })
    .await?;
    Ok(axum::Json(v))
}

/// Undo a group deletion: the group with its id and name, and its members that still exist.
#[utoipa::path(post, path = "/api/v1/lists/{list}/groups/{id}/restore", tag = "trash", params(("list" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = crate::model::Group), (status = 403), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn restore_group(
    State(state): State<AppState>,
    p: User,
    Path((list, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<crate::model::Group>> {
    let list: ListId = parse_id(&list, "list")?;
    let id: GroupId = parse_id(&id, "group")?;
    let store = org(&state, &p.access).await?;
    let now = state.clock.now();
    let g = blocking(move || Ok(store.restore_group(&p.actor(), list, id, now)?)).await?;
    Ok(axum::Json(g))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldChange {
    from: serde_json::Value,
    to: serde_json::Value,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct VersionItem {
    version: u64,
    at: Timestamp,
    by: UserRef,
    /// created | updated | deleted | restored | imported | merged
    action: &'static str,
    /// The fields this version changed, by the Contact JSON's names (address parts as
    /// `address.city`...; groups as group ids).
    changes: BTreeMap<String, FieldChange>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct HistoryView {
    items: Vec<VersionItem>,
}

/// The fields that differ between two versions, as JSON values by field name.
fn diff(before: &ContactFields, after: &ContactFields) -> BTreeMap<String, FieldChange> {
    fn flat(f: &ContactFields) -> BTreeMap<String, serde_json::Value> {
        let mut out = BTreeMap::new();
        if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(f) {
            for (k, v) in m {
                match v {
                    serde_json::Value::Object(inner) => {
                        for (ik, iv) in inner {
                            out.insert(format!("{k}.{ik}"), iv);
                        }
                    }
                    v => {
                        out.insert(k, v);
                    }
                }
            }
        }
        out
    }
    let (b, a) = (flat(before), flat(after));
    a.into_iter()
        .filter_map(|(k, to)| {
            let from = b.get(&k).cloned().unwrap_or(serde_json::Value::Null);
            (from != to).then_some((k, FieldChange { from, to }))
        })
        .collect()
}

/// A contact's kept versions, newest first, with the fields each changed (works for a contact
/// in the trash too). API keys may read their list's contacts' history.
#[utoipa::path(get, path = "/api/v1/lists/{list}/contacts/{id}/history", tag = "trash", params(("list" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = HistoryView), (status = 404)), security(("bearer" = []), ("api_key" = [])))]
pub async fn history(
    State(state): State<AppState>,
    c: Caller,
    Path((list, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<HistoryView>> {
    let list = c.list(&list)?;
    let id: ContactId = parse_id(&id, "contact")?;
    let store = org(&state, c.access()).await?;
    let versions = blocking(move || Ok(store.history(list, id)?)).await?;
    Ok(axum::Json(HistoryView {
        items: versions
            .into_iter()
            .map(|v| VersionItem {
                version: v.version,
                at: v.at,
                by: v.by,
                action: v.action.as_str(),
                changes: diff(&v.before, &v.after),
            })
            .collect(),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevertRequest {
    /// The version whose fields become the contact's new version.
    version: u64,
}

/// Write the fields of an earlier version as a new version (needs Modify). `If-Match` like PATCH.
#[utoipa::path(post, path = "/api/v1/lists/{list}/contacts/{id}/revert", tag = "trash", params(("list" = String, Path), ("id" = String, Path)),
    request_body = RevertRequest,
    responses((status = 200, body = Contact), (status = 403), (status = 404), (status = 412)), security(("bearer" = []), ("api_key" = [])))]
pub async fn revert(
    State(state): State<AppState>,
    c: Caller,
    Path((list, id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(req): Json<RevertRequest>,
) -> ApiResult<axum::Json<Contact>> {
    let list = c.list(&list)?;
    let id: ContactId = parse_id(&id, "contact")?;
    let expected = super::contacts::if_match(&headers)?;
    let store = org(&state, c.access()).await?;
    let (actor, now) = (c.actor(), state.clock.now());
    let contact = blocking(move || Ok(store.revert_contact(&actor, list, id, req.version, expected, now)?)).await?;
    Ok(axum::Json(contact))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UndoSkipped {
    id: ContactId,
    full_name: String,
    reason: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UndoView {
    /// Contacts the import created, now in the trash.
    trashed: usize,
    /// Contacts the import updated, back to their version before it.
    reverted: usize,
    /// Contacts changed or deleted since the import: left as they are.
    skipped: Vec<UndoSkipped>,
}

/// Undo an import: trash the contacts it created, give the ones it updated their previous
/// version back, except those changed since (reported in `skipped`). 409 while it runs or once undone.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/undo", tag = "import-export", params(("id" = String, Path)),
    responses((status = 200, body = UndoView), (status = 403), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn undo_job(
    State(state): State<AppState>,
    p: User,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<UndoView>> {
    let id: uuid::Uuid = parse_id(&id, "job")?;
    let store = org(&state, &p.access).await?;
    let now = state.clock.now();
    let jobs = state.clone();
    let r = blocking(move || {
        if store.job(id.as_u128())?.is_none() {
            return Err(ApiError::NotFound("job"));
        }
        let actor = p.actor();
        store.check_undo(&actor, id.as_u128())?;
        if jobs.jobs.is_live(id) {
            return Err(ApiError::Conflict { code: "job_running", message: "the import is still running".into() });
        }
        Ok(store.undo_job(&actor, id.as_u128(), now)?)
    })
    .await?;
    Ok(axum::Json(UndoView {
        trashed: r.trashed,
        reverted: r.reverted,
        skipped: r.skipped.into_iter().map(|(id, full_name, reason)| UndoSkipped { id, full_name, reason }).collect(),
    }))
}
