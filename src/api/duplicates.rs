//! Duplicate contacts of a list (`search::dups`), for any member who can read the list, and
//! merging them (the merged-away contacts go to the trash; the kept one records "merged").

use super::{Json, blocking, org, parse_id};
use crate::AppState;
use crate::auth::{Caller, User};
use crate::error::{ApiError, ApiResult};
use crate::model::{ContactId, ListId};
use crate::search::dups::{Duplicates, Reason};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::get;
use serde::Deserialize;
use serde::Serialize;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/lists/{list}/duplicates", get(list_duplicates))
        .route("/api/v1/lists/{list}/contacts/{id}/merge", axum::routing::post(merge))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ClusterView {
    /// The contacts that look like one person, by name.
    ids: Vec<ContactId>,
    /// What they share: the same e-mail, the same phone number (after normalisation), or very
    /// similar names at the same company.
    reasons: Vec<Reason>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DuplicatesView {
    clusters: Vec<ClusterView>,
    total: usize,
}

/// Groups of contacts that are probably the same person.
#[utoipa::path(get, path = "/api/v1/lists/{list}/duplicates", tag = "contacts", params(("list" = String, Path)),
    responses((status = 200, body = DuplicatesView), (status = 404)), security(("bearer" = [])))]
pub async fn list_duplicates(
    State(state): State<AppState>,
    p: User,
    Path(list): Path<String>,
) -> ApiResult<axum::Json<DuplicatesView>> {
    let list: ListId = parse_id(&list, "list")?;
    let store = org(&state, &p.access).await?;
    let region = crate::search::phone::region_for(p.org().as_str());
    let clusters = blocking(move || {
        let mut d = Duplicates::new(region.as_deref());
        store.scan_contacts(list, |c| d.add(&c))?;
        Ok(d.clusters())
    })
    .await?;
    let clusters: Vec<ClusterView> =
        clusters.into_iter().map(|c| ClusterView { ids: c.ids, reasons: c.reasons }).collect();
    Ok(axum::Json(DuplicatesView { total: clusters.len(), clusters }))
}

/// Most contacts one merge takes in.
pub const MAX_MERGED: usize = 50;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The contacts merged into this one (1 to 50); they go to the trash.
    others: Vec<ContactId>,
    /// For a field, the contact (this one or one of `others`) whose value to keep. Fields not
    /// named keep this contact's value, or the first other's when this one is empty; notes are
    /// all kept; groups are united.
    #[serde(default)]
    fields: BTreeMap<String, ContactId>,
}

/// Merge duplicates into this contact (needs Modify and Delete). `If-Match` like PATCH.
#[utoipa::path(post, path = "/api/v1/lists/{list}/contacts/{id}/merge", tag = "contacts", params(("list" = String, Path), ("id" = String, Path)),
    request_body = MergeRequest,
    responses((status = 200, body = crate::model::Contact), (status = 403), (status = 404), (status = 412), (status = 422)),
    security(("bearer" = []), ("api_key" = [])))]
pub async fn merge(
    State(state): State<AppState>,
    c: Caller,
    Path((list, id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(req): Json<MergeRequest>,
) -> ApiResult<axum::Json<crate::model::Contact>> {
    let list = c.list(&list)?;
    let id: ContactId = parse_id(&id, "contact")?;
    let mut others = req.others;
    others.sort();
    others.dedup();
    if others.is_empty() || others.len() > MAX_MERGED {
        return Err(ApiError::field("others", format!("must name 1 to {MAX_MERGED} contacts")));
    }
    if others.contains(&id) {
        return Err(ApiError::field("others", "must not contain the contact merged into"));
    }
    let expected = super::contacts::if_match(&headers)?;
    let store = org(&state, c.access()).await?;
    let (actor, now, max_notes) = (c.actor(), state.clock.now(), state.config.limits.max_notes_len);
    let merged =
        blocking(move || Ok(store.merge_contacts(&actor, list, id, &others, &req.fields, expected, max_notes, now)?))
            .await?;
    Ok(axum::Json(merged))
}
