//! Duplicate contacts of a list (`search::dups`): read-only, for any member who can read the list.
//! Merging needs the trash of the change log and is not here yet.

use super::{blocking, org, parse_id};
use crate::AppState;
use crate::auth::User;
use crate::error::ApiResult;
use crate::model::{ContactId, ListId};
use crate::search::dups::{Duplicates, Reason};
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/lists/{list}/duplicates", get(list_duplicates))
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
    let clusters = blocking(move || {
        let region = crate::search::phone::default_region();
        let mut d = Duplicates::new(region.as_deref());
        store.scan_contacts(list, |c| d.add(&c))?;
        Ok(d.clusters())
    })
    .await?;
    let clusters: Vec<ClusterView> =
        clusters.into_iter().map(|c| ClusterView { ids: c.ids, reasons: c.reasons }).collect();
    Ok(axum::Json(DuplicatesView { total: clusters.len(), clusters }))
}
