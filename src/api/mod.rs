//! HTTP handlers by resource. Handlers parse and check input, call the store through an
//! organization guard obtained from the verified principal, and shape responses. They never
//! open a database themselves.

mod changes;
mod connector;
mod contacts;
mod duplicates;
mod export_stream;
mod groups;
mod io;
mod keys;
mod lists;
pub mod openapi;
mod session;
mod system;
mod trash;

use crate::AppState;
use crate::auth::OrgAccess;
use crate::error::{ApiError, ApiResult};
use crate::store::OrgGuard;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

pub fn routes(state: AppState) -> Router<AppState> {
    let json_limit = state.config.server.max_body_bytes;
    let upload_limit = state.config.server.max_upload_bytes;
    Router::new()
        .merge(system::routes(state.config.metrics.listen.is_none()))
        .merge(session::routes())
        .merge(lists::routes())
        .merge(contacts::routes())
        .merge(groups::routes())
        .merge(duplicates::routes())
        .merge(keys::routes())
        .merge(changes::routes())
        .merge(trash::routes())
        .route("/api/v1/connector/swagger.json", axum::routing::get(connector::swagger))
        .route("/api/v1/lists/{list}/triggers/{event}", axum::routing::get(connector::trigger))
        .layer(DefaultBodyLimit::max(json_limit))
        .merge(io::routes().layer(DefaultBodyLimit::max(upload_limit)))
}

pub use system::metrics_routes;

/// The caller's organization database, for a verified caller only. The only way handlers reach a store.
pub async fn org(state: &AppState, access: &OrgAccess) -> ApiResult<OrgGuard> {
    Ok(state.registry.acquire(access).await?)
}

/// Run blocking store work off the async threads. If the request is cancelled (request timeout,
/// client gone), the await is dropped but the closure runs to its end: a blocking thread cannot be
/// interrupted, so long work should use [`crate::cancel::run_blocking`] and check its flag.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> ApiResult<T> + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(ApiError::internal)?
}

/// A JSON body whose errors use the API's error format: 415 without a JSON content type,
/// 413 when too large, 400 when not JSON, 422 naming the field when a value has the wrong type.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime::Mime>().ok())
            .is_some_and(|m| m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON));
        if !is_json {
            return Err(ApiError::UnsupportedMediaType("send the body as application/json".into()));
        }
        let bytes = body_bytes(req, state).await?;
        parse_json(&bytes).map(Json)
    }
}

pub async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> ApiResult<Bytes> {
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge("the request body is too large".into())
        } else {
            ApiError::BadRequest("could not read the request body".into())
        }
    })
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let msg = inner.to_string();
                // serde's message ends with " at line L column C"; the field name says more.
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
                let field = if path == "." || path.is_empty() { unknown_field(&msg) } else { path };
                ApiError::field(&field, msg)
            }
            _ => ApiError::BadRequest(format!("malformed JSON: {inner}")),
        }
    })
}

/// `unknown field `foo`, expected ...` -> `foo`.
fn unknown_field(msg: &str) -> String {
    msg.strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
        .map_or_else(|| "body".to_owned(), str::to_owned)
}

pub fn parse_id<T: std::str::FromStr>(s: &str, what: &'static str) -> ApiResult<T> {
    s.parse().map_err(|_| ApiError::NotFound(what))
}

/// Query-string extractor whose errors use the API's error format.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, ApiError> {
        let q = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        serde_path_to_error::deserialize(de).map(Query).map_err(|e| {
            let path = e.path().to_string();
            ApiError::field(&path, e.into_inner().to_string())
        })
    }
}
