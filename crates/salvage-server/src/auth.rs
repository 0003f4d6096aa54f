//! The caller of a REST request, from its `Authorization: Bearer <token>` header.

use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use salvage_core::model::Actor;

/// An authenticated caller. Extracting it validates the token and slides its expiry.
pub struct Caller(pub Actor);

/// The bearer token of a request, if it carries one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or_else(|| {
            ApiError::unauthenticated(
                "send an Authorization: Bearer <token> header; get a token from POST /api/v1/sessions",
            )
        })?;
        let actor = state.repo.authenticate(token).await?;
        Ok(Caller(actor))
    }
}
