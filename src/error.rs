//! The one error type at the HTTP edge. Every failure becomes
//! `{"error": {"code", "message", "fields"?}}` with a fitting status; 5xx details go to the log only.

use crate::model::FieldErrors;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// 403 with code `consent_required`: the user (or an admin) must grant the app consent first.
    #[error("{0}")]
    ConsentRequired(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("the contact was changed by someone else")]
    VersionMismatch { current: Box<serde_json::Value> },
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("some fields are invalid")]
    Validation(FieldErrors),
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    /// Every open database is in use: try again shortly (503 `busy`, Retry-After).
    #[error("the server is busy, try again shortly")]
    Busy,
    /// The identity provider's keys cannot be fetched (503 `auth_unavailable`, Retry-After). Not
    /// a 401: the caller's credential may be fine, and a 401 signs the web app out.
    #[error("the sign-in service cannot be reached; try again shortly")]
    AuthUnavailable { retry_after_secs: u64 },
    /// 410 `changes_compacted`: the change log no longer holds what came after the caller's seq.
    #[error("changes before seq {oldest} are no longer kept; read the list again and continue from there")]
    ChangesCompacted { oldest: u64 },
    /// 429 `too_many_streams`: over the per-user or per-server number of live-update streams.
    #[error("{0}")]
    TooManyStreams(String),
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn field(name: &str, reason: impl Into<String>) -> Self {
        let mut f = FieldErrors::new();
        f.insert(name.to_owned(), reason.into());
        Self::Validation(f)
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }

    fn status_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            Self::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::ConsentRequired(_) => (StatusCode::FORBIDDEN, "consent_required"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            Self::VersionMismatch { .. } => (StatusCode::PRECONDITION_FAILED, "version_mismatch"),
            Self::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            Self::UnsupportedMediaType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            Self::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            Self::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            Self::Busy => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            Self::AuthUnavailable { .. } => (StatusCode::SERVICE_UNAVAILABLE, "auth_unavailable"),
            Self::ChangesCompacted { .. } => (StatusCode::GONE, "changes_compacted"),
            Self::TooManyStreams(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_streams"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_code();
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let mut err = json!({ "code": code, "message": self.to_string() });
        match &self {
            Self::Validation(fields) => err["fields"] = json!(fields),
            Self::VersionMismatch { current } => err["current"] = (**current).clone(),
            Self::ChangesCompacted { oldest } => err["oldest"] = json!(oldest),
            _ => {}
        }
        let mut resp = (status, axum::Json(json!({ "error": err }))).into_response();
        let retry_after = match self {
            Self::RateLimited { retry_after_secs } | Self::AuthUnavailable { retry_after_secs } => {
                Some(retry_after_secs)
            }
            Self::Busy => Some(1),
            Self::TooManyStreams(_) => Some(30),
            _ => None,
        };
        if let Some(secs) = retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        use crate::store::StoreError as S;
        match e {
            S::Busy => Self::Busy,
            S::NoOrganization => Self::NotFound("organization (sign in first)"),
            S::NotFound(what) => Self::NotFound(what),
            S::Conflict { code, message } => Self::Conflict { code, message },
            S::VersionMismatch(c) => {
                Self::VersionMismatch { current: Box::new(serde_json::to_value(*c).unwrap_or_default()) }
            }
            S::Validation(f) => Self::Validation(f),
            S::Forbidden(m) => Self::Forbidden(m),
            S::LimitReached(m) => Self::Conflict { code: "limit_reached", message: m },
            S::TooNew(v) => Self::Internal(format!("database schema {v} is newer than this server")),
            other @ (S::Db(_) | S::Codec(_)) => Self::Internal(other.to_string()),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
