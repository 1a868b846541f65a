//! Liveness, readiness, metrics, client configuration and the OpenAPI document.

use crate::AppState;
use crate::config::AuthMode;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/api/v1/info", get(info))
        .route("/api/openapi.json", get(openapi))
}

async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// Ready when the data directory accepts a write (and so new organizations can be created).
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let dir = state.config.storage.data_dir.join("orgs");
    let probe = dir.join(".ready-probe");
    let ok =
        tokio::task::spawn_blocking(move || std::fs::write(&probe, b"ok").and_then(|()| std::fs::remove_file(&probe)))
            .await
            .is_ok_and(|r| r.is_ok());
    let open = state.registry.open_count();
    if ok {
        (StatusCode::OK, Json(json!({ "status": "ready", "open_orgs": open })))
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "data directory is not writable" })))
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render())
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Info {
    version: &'static str,
    auth_mode: AuthMode,
    entra: Option<serde_json::Value>,
    oidc: Option<serde_json::Value>,
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
    })
}

async fn openapi() -> impl IntoResponse {
    Json(super::openapi::document())
}
