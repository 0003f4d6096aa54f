//! Extractors whose rejections are problem+json errors that say what is wrong with the request.

use super::params;
use super::problem::ApiError;
use crate::budget::BodyError;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

/// A JSON body, read within `max_body_bytes` and the body budget (whose share goes back as soon
/// as the body is parsed). Unknown fields are refused where a request type says
/// `deny_unknown_fields`.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let (parts, body) = request.into_parts();
        let limit = state.limits.max_body_bytes as u64;
        let read = state.budget.read(&parts.headers, body, limit).await?;
        // axum's own reader then checks the content type and parses, as it always has.
        let request = Request::from_parts(parts, Body::from(read.bytes));
        let axum::Json(value) = axum::Json::<T>::from_request(request, state).await?;
        Ok(Json(value))
    }
}

impl From<BodyError> for ApiError {
    fn from(e: BodyError) -> Self {
        match e {
            BodyError::TimedOut => ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "timeout",
                "the request body stopped arriving; send it without pausing",
            ),
            BodyError::TooLarge { .. } => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body-too-large", e.to_string()),
            BodyError::Busy { retry_after } => ApiError::busy(retry_after),
            BodyError::Broken(_) => ApiError::new(StatusCode::BAD_REQUEST, "invalid-json", e.to_string()),
        }
    }
}

/// Query parameters. A refusal names the parameter, what it accepts and what was given —
/// never the deserializer's own words.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs = form_urlencoded::parse(query.as_bytes());
        serde_path_to_error::deserialize(serde_urlencoded::Deserializer::new(pairs))
            .map(Query)
            .map_err(|e| {
                let param = e.path().to_string();
                let given = form_urlencoded::parse(query.as_bytes())
                    .find(|(name, _)| *name == param)
                    .map(|(_, value)| value.into_owned());
                let message = params::refusal(&param, given.as_deref(), &e.inner().to_string());
                ApiError::new(StatusCode::BAD_REQUEST, "invalid-query", message)
            })
    }
}

/// Path parameters, refused like query parameters: `GET /nodes/abc` says that the node id in
/// the path is a whole number, and that `abc` is not one.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => {
                let template = parts.extensions.get::<MatchedPath>().map(|m| m.as_str().to_owned());
                Err(params::path_refusal(rejection, template.as_deref()))
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        if crate::ops::body_timed_out(&r) {
            return ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "timeout",
                "the request body stopped arriving; send it without pausing",
            );
        }
        let status = r.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "body-too-large"
        } else {
            "invalid-json"
        };
        ApiError::new(status, code, r.body_text())
    }
}

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}
