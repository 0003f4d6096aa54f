//! Form bodies of the pages, read within `max_body_bytes` and the body budget, and refused with
//! a page that says why (uploads stream and do not come here).

use super::pages::message_page;
use crate::budget::{BodyError, Buffered, Reservation};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// A url-encoded form, parsed as `axum::Form` does; the budget's share goes back once it is.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Form<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let read = read(state, &parts.headers, body).await?;
        let request = Request::from_parts(parts, Body::from(read.bytes));
        let axum::Form(value) = axum::Form::<T>::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Form(value))
    }
}

/// A form body as it came, holding its share of the budget until it is dropped.
pub struct FormBody {
    bytes: Bytes,
    _held: Reservation,
}

impl std::ops::Deref for FormBody {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

impl FromRequest<AppState> for FormBody {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let read = read(state, &parts.headers, body).await?;
        Ok(FormBody {
            bytes: read.bytes,
            _held: read.reservation,
        })
    }
}

async fn read(state: &AppState, headers: &axum::http::HeaderMap, body: Body) -> Result<Buffered, Response> {
    state
        .budget
        .read(headers, body, state.limits.max_body_bytes as u64)
        .await
        .map_err(|e| refused(&e))
}

/// The page for a form that could not be read.
fn refused(e: &BodyError) -> Response {
    match e {
        BodyError::Busy { retry_after } => {
            let mut response = message_page(
                StatusCode::SERVICE_UNAVAILABLE,
                &format!("The server is busy. Wait {retry_after} seconds, then send the form again."),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, (*retry_after).into());
            response
        }
        BodyError::TooLarge { .. } => message_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The form is larger than this server accepts. Send less at once.",
        ),
        BodyError::TimedOut => message_page(StatusCode::REQUEST_TIMEOUT, "The form stopped arriving. Send it again."),
        BodyError::Broken(_) => message_page(StatusCode::BAD_REQUEST, "The form could not be read. Send it again."),
    }
}
