//! The embedded web app: files from `frontend/dist` (built and committed), the SPA fallback, and
//! the headers a Teams tab needs.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;
use tower_http::set_header::SetResponseHeaderLayer;

#[derive(RustEmbed)]
#[folder = "frontend/dist/"]
#[allow_missing = true]
struct Assets;

/// Teams and Microsoft 365 hosts that may frame the tab (TEAMS.md).
pub const FRAME_ANCESTORS: &str = "frame-ancestors 'self' teams.microsoft.com *.teams.microsoft.com *.cloud.microsoft *.microsoft365.com *.office.com outlook.office.com outlook.office365.com";

/// The Content-Security-Policy of every page. `connect_src` adds the identity provider's origin in
/// entra and oidc modes: the browser signs in by calling its discovery and token endpoints.
pub fn csp(connect_src: &[String]) -> String {
    let extra: String = connect_src.iter().map(|o| format!(" {o}")).collect();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
         font-src 'self' data:; connect-src 'self' https://res.cdn.office.net https://login.microsoftonline.com{extra}; \
         object-src 'none'; base-uri 'self'; form-action 'self'; {FRAME_ANCESTORS}"
    )
}

/// The origin (`scheme://host[:port]`) of an identity provider URL, for the CSP; None if it is not
/// an http(s) URL or holds characters a header cannot.
pub fn origin_of(url: &str) -> Option<String> {
    let u = reqwest::Url::parse(url).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    let origin = u.origin().ascii_serialization();
    origin.bytes().all(|b| b.is_ascii_graphic() && b != b';' && b != b',').then_some(origin)
}

/// Every page and asset gets the same CSP, set once here rather than by each response builder.
pub fn routes<S: Clone + Send + Sync + 'static>(csp: String) -> Router<S> {
    let csp = HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    Router::new().fallback(serve_asset).layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, csp))
}

const PLACEHOLDER: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>contactpro</title></head>\
<body><h1>contactpro</h1><p>The web app has not been built into this binary. Run <code>npm ci &amp;&amp; npm run build</code> \
in <code>frontend/</code> and rebuild. The API is at <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p></body></html>";

async fn serve_asset(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path == "api" || path.starts_with("api/") {
        return crate::error::ApiError::NotFound("route").into_response();
    }
    if let Some(file) = (!path.is_empty()).then(|| Assets::get(path)).flatten() {
        let immutable = path.starts_with("assets/");
        return file_response(file.data.into_owned(), file.metadata.mimetype(), immutable);
    }
    // A path with an extension is a missing file; anything else is a client-side route.
    let last = path.rsplit('/').next().unwrap_or("");
    if last.contains('.') {
        return html(StatusCode::NOT_FOUND, "<!doctype html><title>Not found</title><p>Not found</p>".into());
    }
    match Assets::get("index.html") {
        Some(f) => file_response(f.data.into_owned(), "text/html; charset=utf-8", false),
        None => html(StatusCode::OK, PLACEHOLDER.into()),
    }
}

fn html(status: StatusCode, body: String) -> Response {
    with_headers((status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response(), false)
}

fn file_response(data: Vec<u8>, mime: &str, immutable: bool) -> Response {
    let mut r = Response::new(Body::from(data));
    if let Ok(v) = HeaderValue::from_str(mime) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    with_headers(r, immutable)
}

fn with_headers(mut r: Response, immutable: bool) -> Response {
    let h = r.headers_mut();
    // Hashed assets never change; everything else (index.html) must be revalidated so a new
    // release is picked up.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if immutable { "public, max-age=31536000, immutable" } else { "no-cache" }),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    r
}
