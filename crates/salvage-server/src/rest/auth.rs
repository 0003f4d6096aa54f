//! The caller of a REST request, from its `Authorization: Bearer <token>` header.

use super::problem::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
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
        // A signed-in browser may read (downloads linked from the web pages) with its session
        // cookie; anything that changes data needs the bearer token, so a cookie can never be
        // used by another site to act for the user.
        let safe = parts.method == Method::GET || parts.method == Method::HEAD;
        let cookie = if safe {
            crate::cookie::session_cookie(&parts.headers)
        } else {
            None
        };
        let token = bearer(&parts.headers).or(cookie.as_deref()).ok_or_else(|| {
            ApiError::unauthenticated(
                "send an Authorization: Bearer <token> header; get a token from POST /api/v1/sessions",
            )
        })?;
        let actor = state.repo.authenticate(token).await?;
        Ok(Caller(actor))
    }
}
