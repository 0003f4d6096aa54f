//! Logging in and out, and who the caller is.

use super::auth::{bearer, Caller};
use super::extract::Json;
use super::problem::{ApiError, ApiResult, Problem};
use crate::client::ClientInfo;
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use salvage_core::model::Actor;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Username or e-mail address.
    pub login: String,
    pub password: String,
    /// Tenant to work in; `default` when absent.
    pub tenant: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Always `Bearer`.
    #[schema(value_type = String, example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds of inactivity after which the token expires; every use extends it.
    pub expires_in: i64,
    pub me: MeView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub user_id: i64,
    pub username: String,
    pub tenant_id: i64,
    pub tenant: String,
    /// The Scene7 role of the membership.
    #[schema(value_type = super::names::RoleName)]
    pub role: String,
    pub is_admin: bool,
}

async fn me_view(state: &AppState, actor: &Actor) -> ApiResult<MeView> {
    let tenant = state.repo.tenant(actor).await?;
    Ok(MeView {
        user_id: actor.user_id,
        username: actor.username.clone(),
        tenant_id: tenant.id,
        tenant: tenant.name,
        role: actor.role.as_str().to_owned(),
        is_admin: actor.is_admin,
    })
}

/// Log in with a username (or e-mail) and password.
/// After repeated failures of one account from one address, that address is refused for that
/// account for a while without checking the password: `429` with code `too-many-attempts` and
/// `Retry-After`.
#[utoipa::path(post, path = "/sessions", operation_id = "login", tag = "sessions",
    request_body(content = LoginRequest, example = json!({"login": "alice", "password": "correct horse battery staple", "tenant": "default"})),
    responses((status = 201, body = SessionView), (status = 401, response = Problem),
        (status = 429, response = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    client: ClientInfo,
    Json(req): Json<LoginRequest>,
) -> ApiResult<(StatusCode, Json<SessionView>)> {
    let (token, actor) = state
        .repo
        .login(req.tenant.as_deref(), &req.login, &req.password, client.address)
        .await?;
    let me = me_view(&state, &actor).await?;
    let expires_in = state.repo.session_ttl().num_seconds();
    Ok((
        StatusCode::CREATED,
        Json(SessionView {
            token,
            token_type: "Bearer",
            expires_in,
            me,
        }),
    ))
}

/// Log out: the token stops working at once.
#[utoipa::path(delete, path = "/sessions/current", operation_id = "logout", tag = "sessions", security(("bearer" = [])),
    responses((status = 204), (status = 401, response = Problem)))]
pub async fn logout(State(state): State<AppState>, _caller: Caller, headers: HeaderMap) -> ApiResult<StatusCode> {
    let token = bearer(&headers).ok_or_else(|| ApiError::unauthenticated("no bearer token"))?;
    state.repo.logout(token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller: user, tenant, role.
#[utoipa::path(get, path = "/me", operation_id = "getMe", tag = "sessions", security(("bearer" = [])),
    responses((status = 200, body = MeView), (status = 401, response = Problem)))]
pub async fn me(State(state): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<MeView>> {
    Ok(Json(me_view(&state, &actor).await?))
}
