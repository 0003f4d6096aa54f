//! RFC 9457 problem details (`application/problem+json`): the one error format of the JSON API,
//! and of what the whole application answers outside any face (an unknown route, a request that
//! timed out, a database that does not answer). It lives here, not in `rest`, so `ops` can write
//! it without reaching into a face; `rest::problem` maps the core's errors onto it.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
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

/// A problem document for `status`, with the stable `code` and a `Retry-After` header when
/// `retry_after` (seconds) is given.
pub fn response(status: StatusCode, code: &str, detail: impl Into<String>, retry_after: Option<i64>) -> Response {
    let body = Problem {
        kind: format!("urn:salvage:problem:{code}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: detail.into(),
        code: code.to_owned(),
    };
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}
