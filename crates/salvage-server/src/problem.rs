//! RFC 9457 problem details: how the REST face reports every core error. The `type` is stable
//! per core error (`urn:salvage:problem:<code>`), so clients can branch on it.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use salvage_core::Error;
use serde::Serialize;
use utoipa::{ToResponse, ToSchema};

/// An RFC 9457 `application/problem+json` body.
#[derive(Debug, Serialize, ToSchema, ToResponse)]
#[response(
    description = "The request failed; `type` and `code` say why",
    content_type = "application/problem+json"
)]
pub struct Problem {
    /// `urn:salvage:problem:<code>`, one per kind of error.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The stable machine-readable code, also the suffix of `type`.
    pub code: String,
}

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
        let body = Problem {
            kind: format!("urn:salvage:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code.to_owned(),
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
