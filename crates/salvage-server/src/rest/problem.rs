//! How the REST face reports every core error: a status per error and the error's stable code,
//! written as an RFC 9457 problem document (`crate::problem_details`). The `type` is stable per
//! core error (`urn:salvage:problem:<code>`), so clients can branch on it.

use crate::problem_details;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use salvage_core::Error;

pub use crate::problem_details::Problem;

/// An error on its way out of a REST handler.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
    /// Seconds for a `Retry-After` header.
    retry_after: Option<i64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            detail: detail.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid-input", detail)
    }

    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", detail)
    }

    /// A request refused because the server holds as many request bodies as it may: 503 with
    /// `Retry-After`.
    pub fn busy(retry_after_secs: u64) -> Self {
        ApiError {
            retry_after: Some(retry_after_secs as i64),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "server-busy",
                format!("the server is busy reading other requests; try again in {retry_after_secs} seconds"),
            )
        }
    }
}

/// The HTTP status of each core error.
pub fn status_of(e: &Error) -> StatusCode {
    match e {
        Error::NotFound(_) | Error::TargetNotFound => StatusCode::NOT_FOUND,
        Error::InvalidName { .. } | Error::InvalidTarget(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::InvalidInput(_) => StatusCode::BAD_REQUEST,
        Error::NameConflict(_) | Error::OriginalLocationMissing => StatusCode::CONFLICT,
        Error::PermissionDenied(_) | Error::AccessDenied | Error::InsufficientRights | Error::WouldGrantAccess(_) => {
            StatusCode::FORBIDDEN
        }
        Error::NotInTrash(_) => StatusCode::GONE,
        Error::AuthenticationFailed | Error::InvalidTicket => StatusCode::UNAUTHORIZED,
        Error::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Storage(_) | Error::Blob(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let status = status_of(&e);
        if status.is_server_error() {
            tracing::error!(error = %e, "request failed");
        }
        ApiError {
            status,
            code: e.code(),
            detail: e.to_string(),
            // A login refused by the throttle says when to try again.
            retry_after: match e {
                Error::TooManyAttempts { retry_after_secs } => Some(retry_after_secs),
                _ => None,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = problem_details::response(self.status, self.code, self.detail, self.retry_after);
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
