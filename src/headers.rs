//! Response headers every response of a kind must carry, added in one outer layer so errors,
//! timeouts (408) and fallbacks get them too: `X-Content-Type-Options: nosniff` everywhere,
//! `Cache-Control: no-store` on the API (answers hold personal data and tokens), and HSTS when this
//! server terminates TLS itself (behind a proxy, the proxy sets it).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// One year, without `includeSubDomains`: other hosts of the domain are not ours to pin.
const HSTS: &str = "max-age=31536000";

#[derive(Clone, Copy)]
pub struct Policy {
    hsts: bool,
}

impl Policy {
    pub fn new(config: &crate::config::Config) -> Self {
        Self { hsts: config.server.tls.is_some() }
    }

    /// For a listener without TLS (`metrics.listen`): HSTS over plain HTTP means nothing.
    pub fn plain() -> Self {
        Self { hsts: false }
    }
}

pub async fn apply(State(policy): State<Policy>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let api = path == "/api" || path.starts_with("/api/") || path == "/metrics";
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if api {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if policy.hsts {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    res
}
