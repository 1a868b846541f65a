//! CardDAV: every list a person can read is an address book on their phone, Outlook or
//! Thunderbird, with the list's permissions enforced and advertised.
//!
//! Layout (after Stalwart's `dav-proto` / `dav` split, in small files): [`xml`] reads request
//! bodies into typed requests, [`props`] writes multistatus responses, [`propfind`], [`report`]
//! and [`card`] handle the methods, [`vcard`] splits a client's card into the fields contactpro
//! models and the lines it keeps as they came, [`stream`] sends large answers in chunks.
//!
//! URLs: `/dav/principals/{user}/`, `/dav/books/{user}/` (home), `/dav/books/{user}/{list}/`
//! (a book), `/dav/books/{user}/{list}/{name}.vcf` (a card). Every route takes [`DavUser`]
//! (HTTP Basic with an app password), except OPTIONS and the well-known redirect.

mod card;
mod propfind;
mod props;
mod report;
mod stream;
pub mod vcard;
pub mod xml;

use crate::AppState;
use crate::auth::DavUser;
use crate::error::ApiError;
use crate::model::ListId;
use crate::store::StoreError;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;

/// Largest XML request body: vdirsyncer asks for a whole book in one multiget (about 110 bytes
/// per href, so 10,000 cards are 1.1 MB); 8 MiB holds some 70,000 hrefs.
const MAX_XML_BYTES: usize = 8 << 20;
const DAV_HEADER: &str = "1, 3, addressbook";
const ALLOW: &str = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, REPORT";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/.well-known/carddav", any(well_known))
        .route("/dav", any(handle).options(options))
        .route("/dav/", any(handle).options(options))
        .route("/dav/{*rest}", any(handle).options(options))
}

async fn well_known(req: Request) -> Response {
    // Read (and drop) a PROPFIND's body first: a connection left with an unread body is closed
    // by the server, and clients that reuse it see "server disconnected".
    let _ = axum::body::to_bytes(req.into_body(), 64 * 1024).await;
    (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/dav/")]).into_response()
}

/// DAV methods sent outside `/dav/` (clients given the server's root URL start with a PROPFIND
/// on `/`): the root redirects to `/dav/`, anything else is 404; the body is read first so the
/// connection stays usable. Every other request goes on untouched.
pub async fn outside(req: Request, next: axum::middleware::Next) -> Response {
    let path = req.uri().path();
    let dav_method = matches!(req.method().as_str(), "PROPFIND" | "REPORT" | "PROPPATCH" | "MKCOL");
    if !dav_method || path.starts_with("/dav") || path.starts_with("/.well-known/") {
        return next.run(req).await;
    }
    let root = path == "/";
    let _ = axum::body::to_bytes(req.into_body(), 64 * 1024).await;
    if root {
        (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/dav/")]).into_response()
    } else {
        text(StatusCode::NOT_FOUND, "CardDAV lives under /dav/".into())
    }
}

async fn options() -> Response {
    (StatusCode::OK, [("dav", DAV_HEADER), (header::ALLOW.as_str(), ALLOW)]).into_response()
}

/// Percent-encode one path segment (a user id or a card name).
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~@!$&'()*+,;=:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a request path names, for the signed-in person.
#[derive(Clone, Debug)]
pub(crate) enum Target {
    Root,
    Principal,
    Home,
    Book(ListId),
    Card(ListId, String),
}

/// The URLs of one person's DAV space.
#[derive(Clone, Debug)]
pub(crate) struct Urls {
    user: String,
}

impl Urls {
    pub fn new(u: &DavUser) -> Self {
        Self { user: path_segment(&u.id.0) }
    }
    pub fn principal(&self) -> String {
        format!("/dav/principals/{}/", self.user)
    }
    pub fn home(&self) -> String {
        format!("/dav/books/{}/", self.user)
    }
    pub fn book(&self, list: ListId) -> String {
        format!("/dav/books/{}/{list}/", self.user)
    }
    pub fn card(&self, list: ListId, name: &str) -> String {
        format!("/dav/books/{}/{list}/{}.vcf", self.user, path_segment(name))
    }
}

/// Another person's space, an unknown list or anything else is simply not there (404).
pub(crate) fn target(path: &str, user: &DavUser) -> Result<Target, DavError> {
    let nf = || DavError::NotFound(format!("{path} does not exist"));
    let rest = path.strip_prefix("/dav").ok_or_else(nf)?;
    let segs: Vec<String> =
        rest.split('/').filter(|s| !s.is_empty()).map(percent_decode).collect::<Option<_>>().ok_or_else(nf)?;
    let me = |s: &String| if *s == user.id.0 { Ok(()) } else { Err(nf()) };
    let list = |s: &String| s.parse::<ListId>().map_err(|_| nf());
    match segs.as_slice() {
        [] => Ok(Target::Root),
        [p, u] if p == "principals" => me(u).map(|()| Target::Principal),
        [b, u] if b == "books" => me(u).map(|()| Target::Home),
        [b, u, l] if b == "books" => {
            me(u)?;
            Ok(Target::Book(list(l)?))
        }
        [b, u, l, card] if b == "books" => {
            me(u)?;
            let name = card.strip_suffix(".vcf").filter(|n| !n.is_empty() && n.len() <= 200).ok_or_else(nf)?;
            Ok(Target::Card(list(l)?, name.to_owned()))
        }
        _ => Err(nf()),
    }
}

/// A DAV failure, answered as DAV clients expect (plain text or a DAV:error body).
#[derive(Debug)]
pub enum DavError {
    NotFound(String),
    BadRequest(String),
    Forbidden(String),
    /// 403 with `<need-privileges>`: the list's permissions say no.
    NeedPrivileges {
        href: String,
        privilege: &'static str,
    },
    PreconditionFailed,
    /// 403 with `<valid-sync-token>`.
    InvalidSyncToken,
    MethodNotAllowed,
    UnsupportedMediaType(String),
    TooLarge(String),
    Api(ApiError),
}

impl From<ApiError> for DavError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl From<StoreError> for DavError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(format!("{what} not found")),
            StoreError::Conflict { code: crate::store::dav::PRECONDITION_FAILED, .. } => Self::PreconditionFailed,
            StoreError::Forbidden(m) => Self::Forbidden(m),
            e => Self::Api(e.into()),
        }
    }
}

impl From<xml::XmlError> for DavError {
    fn from(e: xml::XmlError) -> Self {
        Self::BadRequest(e.0)
    }
}

fn text(status: StatusCode, msg: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], msg).into_response()
}

fn dav_error(status: StatusCode, inner: &str) -> Response {
    let body = format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:error xmlns:d=\"DAV:\">{inner}</d:error>\n");
    (status, [(header::CONTENT_TYPE, "application/xml; charset=utf-8")], body).into_response()
}

impl IntoResponse for DavError {
    fn into_response(self) -> Response {
        match self {
            Self::NotFound(m) => text(StatusCode::NOT_FOUND, m),
            Self::BadRequest(m) => text(StatusCode::BAD_REQUEST, m),
            Self::Forbidden(m) => text(StatusCode::FORBIDDEN, m),
            Self::NeedPrivileges { href, privilege } => dav_error(
                StatusCode::FORBIDDEN,
                &format!(
                    "<d:need-privileges><d:resource><d:href>{}</d:href><d:privilege><d:{privilege}/></d:privilege></d:resource></d:need-privileges>",
                    props::esc(&href)
                ),
            ),
            Self::PreconditionFailed => {
                text(StatusCode::PRECONDITION_FAILED, "the card's ETag does not match If-Match / If-None-Match".into())
            }
            Self::InvalidSyncToken => dav_error(StatusCode::FORBIDDEN, "<d:valid-sync-token/>"),
            Self::MethodNotAllowed => {
                let mut r = text(StatusCode::METHOD_NOT_ALLOWED, "this method is not supported here".into());
                r.headers_mut().insert(header::ALLOW, HeaderValue::from_static(ALLOW));
                r
            }
            Self::UnsupportedMediaType(m) => text(StatusCode::UNSUPPORTED_MEDIA_TYPE, m),
            Self::TooLarge(m) => text(StatusCode::PAYLOAD_TOO_LARGE, m),
            Self::Api(e) => e.into_response(),
        }
    }
}

pub(crate) type DavResult = Result<Response, DavError>;

pub(crate) async fn body(req: Request, limit: usize) -> Result<axum::body::Bytes, DavError> {
    axum::body::to_bytes(req.into_body(), limit)
        .await
        .map_err(|_| DavError::TooLarge(format!("the request body is larger than {} KiB", limit / 1024)))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Depth {
    Zero,
    One,
}

fn depth(req: &Request) -> Result<Depth, DavError> {
    match req.headers().get("depth").map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase()) {
        None => Ok(Depth::One),
        Some(d) if d == "0" => Ok(Depth::Zero),
        Some(d) if d == "1" || d == "infinity" => Ok(Depth::One),
        Some(d) => Err(DavError::BadRequest(format!("Depth must be 0, 1 or infinity, not `{d}`"))),
    }
}

async fn handle(State(state): State<AppState>, user: DavUser, req: Request) -> Response {
    let r = async {
        // An unsupported method is 405 wherever it is sent (MKCOL of a collection inside a book
        // included), before the path is looked at: it reveals nothing about what exists.
        if !matches!(req.method().as_str(), "PROPFIND" | "REPORT" | "GET" | "HEAD" | "PUT" | "DELETE") {
            return Err(DavError::MethodNotAllowed);
        }
        let target = target(req.uri().path(), &user)?;
        match req.method().as_str() {
            "PROPFIND" => {
                let d = depth(&req)?;
                let b = body(req, MAX_XML_BYTES).await?;
                propfind::handle(&state, &user, target, d, &b).await
            }
            "REPORT" => {
                let b = body(req, MAX_XML_BYTES).await?;
                report::handle(&state, &user, target, &b).await
            }
            "GET" | "HEAD" => card::get(&state, &user, target, req.headers()).await,
            "PUT" => card::put(&state, &user, target, req).await,
            "DELETE" => card::delete(&state, &user, target, req.headers()).await,
            _ => Err(DavError::MethodNotAllowed),
        }
    }
    .await;
    let mut resp = r.unwrap_or_else(IntoResponse::into_response);
    resp.headers_mut().insert("dav", HeaderValue::from_static(DAV_HEADER));
    if resp.status().is_client_error() {
        // The request's body may be unread: say so rather than let a client reuse the connection.
        resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    resp
}

/// A 207 body built in memory (small answers: a principal, a home, one card).
pub(crate) fn multistatus(body: String) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::MULTI_STATUS;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/xml; charset=utf-8"));
    r
}
