//! Liveness, readiness, metrics, client configuration and the OpenAPI document.

use crate::AppState;
use crate::config::AuthMode;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::json;
use subtle::ConstantTimeEq;

/// `with_metrics` is false when `/metrics` has its own address (`metrics.listen`).
pub fn routes(with_metrics: bool) -> Router<AppState> {
    let r = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/api/v1/info", get(info))
        .route("/api/openapi.json", get(openapi));
    if with_metrics {
        r.merge(metrics_routes())
    } else {
        // Served at `metrics.listen` only; without this route the web app's fallback would answer.
        r.route("/metrics", get(|| async { StatusCode::NOT_FOUND }))
    }
}

/// `/metrics` alone, for the main listener or the one at `metrics.listen`.
pub fn metrics_routes() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// Ready when the data directory accepts a write (and so new organizations can be created). Each
/// probe writes and removes its own uniquely named file, so any number of probes can run at once.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let probe = state.config.storage.data_dir.join("orgs").join(format!(".ready-{}", uuid::Uuid::new_v4().simple()));
    let ok = tokio::task::spawn_blocking(move || {
        let written = crate::files::private_file_options()
            .write(true)
            .create_new(true)
            .open(&probe)
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"ok"));
        let removed = std::fs::remove_file(&probe);
        written.and(removed)
    })
    .await
    .is_ok_and(|r| r.is_ok());
    let open = state.registry.open_count();
    if ok {
        (StatusCode::OK, Json(json!({ "status": "ready", "open_orgs": open })))
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "data directory is not writable" })))
    }
}

/// With `metrics.token` set, only a scraper presenting it (compared in constant time) gets the metrics.
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let want = state.config.metrics.token.0.as_bytes();
    if !want.is_empty() {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !bool::from(given.as_bytes().ct_eq(want)) {
            return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")], "metrics token required\n")
                .into_response();
        }
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render()).into_response()
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Info {
    version: &'static str,
    auth_mode: AuthMode,
    entra: Option<serde_json::Value>,
    oidc: Option<serde_json::Value>,
    /// The address link of contact cards: `{address}` is replaced by the URL-encoded address; empty
    /// = no map links.
    map: serde_json::Value,
}

/// What the web app needs to know before sign-in.
#[utoipa::path(get, path = "/api/v1/info", tag = "system", responses((status = 200, body = Info)))]
pub async fn info(State(state): State<AppState>) -> Json<Info> {
    let a = &state.config.auth;
    Json(Info {
        version: crate::VERSION,
        auth_mode: a.mode,
        // The browser signs in against one tenant when only one is allowed, else any work account.
        entra: (a.mode == AuthMode::Entra).then(|| {
            let tenant = match a.entra.allowed_tenants.as_slice() {
                [one] => one.as_str(),
                _ => "organizations",
            };
            json!({ "client_id": a.entra.client_id, "authority": a.entra.authority, "app_id_uri": a.entra.app_id_uri,
                    "tenant": tenant })
        }),
        oidc: (a.mode == AuthMode::Oidc)
            .then(|| json!({ "issuer": a.oidc.issuer, "client_id": a.oidc.client_id, "scopes": a.oidc.scopes })),
        map: json!({ "url": state.config.web.map_url.trim(), "name": state.config.web.map_name.trim() }),
    })
}

async fn openapi() -> impl IntoResponse {
    Json(super::openapi::document())
}
