//! A list's change feed: `GET .../changes` for pollers (Power Automate triggers, scripts) and
//! `GET .../events` (Server-Sent Events) for open browser tabs. Both read the store's change log,
//! the one source of what changed (see `store::log`); API keys may read their own list's feed.

use super::{blocking, org};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::model::{ListId, Timestamp, UserRef};
use crate::store::log::{Change, ChangesError};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use std::convert::Infallible;
use std::time::Duration;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/lists/{list}/changes", get(changes)).route("/api/v1/lists/{list}/events", get(events))
}

pub const MAX_CHANGES_PER_PAGE: usize = 1000;
/// A stream ends after this long; the client reconnects with Last-Event-ID, which re-checks its
/// credential (an expired token or a revoked key stops receiving).
const STREAM_LIFETIME: Duration = Duration::from_secs(15 * 60);

#[derive(Serialize, utoipa::ToSchema)]
pub struct ChangeView {
    seq: u64,
    /// contact.created | contact.updated | contact.deleted | contact.restored | group.created |
    /// group.updated | group.deleted | list.updated
    kind: &'static str,
    /// The contact, group or list changed.
    id: uuid::Uuid,
    /// Its name at that moment (contact full name, group or list name).
    name: String,
    at: Timestamp,
    by: UserRef,
}

impl From<Change> for ChangeView {
    fn from(c: Change) -> Self {
        Self { seq: c.seq, kind: c.kind.as_str(), id: uuid::Uuid::from_u128(c.id), name: c.name, at: c.at, by: c.by }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ChangePageView {
    items: Vec<ChangeView>,
    /// Pass as `since` next time.
    next: u64,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct ChangeParams {
    /// Changes after this seq (default 0: from the oldest kept).
    since: Option<String>,
    /// 1 to 1000, default 100.
    limit: Option<String>,
}

fn parse_seq(field: &str, v: Option<&str>) -> ApiResult<Option<u64>> {
    match v.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| ApiError::field(field, "must be a whole number (a seq)")),
    }
}

fn store_err(e: ChangesError) -> ApiError {
    match e {
        ChangesError::Compacted { oldest } => ApiError::ChangesCompacted { oldest },
        ChangesError::Store(e) => e.into(),
    }
}

/// The list's changes after `since`, oldest first. 410 `changes_compacted` (with `oldest`) when
/// `since` is older than the retention kept: read the list again, then continue from `oldest - 1`.
#[utoipa::path(get, path = "/api/v1/lists/{list}/changes", tag = "changes", params(("list" = String, Path), ChangeParams),
    responses((status = 200, body = ChangePageView), (status = 404), (status = 410), (status = 422)),
    security(("bearer" = []), ("api_key" = [])))]
pub async fn changes(
    State(state): State<AppState>,
    c: Caller,
    Path(list): Path<String>,
    super::Query(params): super::Query<ChangeParams>,
) -> ApiResult<axum::Json<ChangePageView>> {
    let list = c.list(&list)?;
    let since = parse_seq("since", params.since.as_deref())?.unwrap_or(0);
    let limit = match parse_seq("limit", params.limit.as_deref())? {
        None => 100,
        Some(n @ 1..=1000) => usize::try_from(n).unwrap_or(MAX_CHANGES_PER_PAGE),
        Some(_) => return Err(ApiError::field("limit", "must be between 1 and 1000")),
    };
    let store = org(&state, c.access()).await?;
    let page = blocking(move || store.changes(list, since, limit).map_err(store_err)).await?;
    Ok(axum::Json(ChangePageView { items: page.items.into_iter().map(Into::into).collect(), next: page.next }))
}

/// Live changes as Server-Sent Events: `event: change`, `id: <seq>`, `data: <the same item as
/// /changes>`. Resumes after `Last-Event-ID` (or `?since=`); without either, starts at the
/// current head. `event: reset` when the resume point was compacted away (reload the list).
/// Heartbeat comments keep proxies from closing an idle stream; a stream ends after 15 minutes
/// and the client reconnects.
#[utoipa::path(get, path = "/api/v1/lists/{list}/events", tag = "changes", params(("list" = String, Path)),
    responses((status = 200, content_type = "text/event-stream"), (status = 404), (status = 429)),
    security(("bearer" = []), ("api_key" = [])))]
pub async fn events(
    State(state): State<AppState>,
    c: Caller,
    Path(list): Path<String>,
    headers: HeaderMap,
    super::Query(params): super::Query<ChangeParams>,
) -> ApiResult<axum::response::Response> {
    let list = c.list(&list)?;
    let resume = match headers.get("last-event-id").and_then(|v| v.to_str().ok()) {
        Some(v) => parse_seq("Last-Event-ID", Some(v))?,
        None => parse_seq("since", params.since.as_deref())?,
    };
    let org_id = c.access().org().clone();
    let who = format!("{}/{}", org_id.as_str(), c.actor().display.id);
    let ev = &state.config.events;
    let heartbeat = ev.heartbeat_secs.max(1);
    let hub = state.registry.hub().clone();
    let slot = hub.open_stream(who, ev.max_streams_per_user, ev.max_streams).ok_or_else(|| {
        ApiError::TooManyStreams("too many open live-update streams; close a tab or try later".into())
    })?;
    // Subscribe before reading the head: a change between the two is then never missed.
    let mut wake = hub.subscribe(&org_id, list);
    let store = org(&state, c.access()).await?;
    let start = match resume {
        Some(s) => s,
        None => blocking(move || Ok(store.log_head(list)?)).await?,
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Event, Infallible>>(16);
    let access = c.access().clone();
    tokio::spawn(async move {
        let _slot = slot;
        let deadline = tokio::time::Instant::now() + STREAM_LIFETIME;
        let mut since = start;
        loop {
            let more = match read_after(&state, &access, list, since).await {
                Ok((items, more)) => {
                    for item in items {
                        since = item.seq;
                        let data = serde_json::to_string(&ChangeView::from(item)).unwrap_or_default();
                        let e = Event::default().event("change").id(since.to_string()).data(data);
                        if tx.send(Ok(e)).await.is_err() {
                            return;
                        }
                    }
                    more
                }
                Err(ApiError::ChangesCompacted { oldest }) => {
                    let e = Event::default().event("reset").data(format!("{{\"oldest\":{oldest}}}"));
                    let _ = tx.send(Ok(e)).await;
                    return;
                }
                // The list is gone, the organization is busy or closed: end; the client retries.
                Err(_) => return,
            };
            if more {
                continue;
            }
            tokio::select! {
                r = wake.changed() => if r.is_err() { return },
                () = tx.closed() => return,
                () = tokio::time::sleep_until(deadline) => return,
            }
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx);
    let keep = KeepAlive::new().interval(Duration::from_secs(heartbeat)).text("ping");
    let mut resp = axum::response::IntoResponse::into_response(Sse::new(stream).keep_alive(keep));
    // Proxies (nginx) must not buffer the stream.
    resp.headers_mut().insert("x-accel-buffering", axum::http::HeaderValue::from_static("no"));
    Ok(resp)
}

/// The changes after `since` (at most ten pages; `true` when there are more), opening the
/// organization only while reading.
async fn read_after(
    state: &AppState,
    access: &crate::auth::OrgAccess,
    list: ListId,
    since: u64,
) -> ApiResult<(Vec<Change>, bool)> {
    let store = org(state, access).await?;
    blocking(move || {
        let mut out = Vec::new();
        let mut from = since;
        loop {
            let page = store.changes(list, from, MAX_CHANGES_PER_PAGE).map_err(store_err)?;
            let n = page.items.len();
            from = page.next;
            out.extend(page.items);
            if n < MAX_CHANGES_PER_PAGE {
                return Ok((out, false));
            }
            if out.len() >= 10 * MAX_CHANGES_PER_PAGE {
                return Ok((out, true));
            }
        }
    })
    .await
}
