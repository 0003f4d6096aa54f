//! The audit log over REST.

use super::auth::Caller;
use super::extract::{Json, Query};
use super::problem::{ApiError, ApiResult, Problem};
use super::views::AuditEventView;
use crate::state::AppState;
use axum::extract::State;
use salvage_core::model::AuditAction;
use salvage_core::params::{parse_time, Bound};
use salvage_core::store::AuditFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only what this user did: a user id or a user name.
    pub actor: Option<String>,
    /// Only what the user with this id did (as `actor`, kept for older clients).
    pub actor_id: Option<i64>,
    #[param(value_type = Option<super::names::AuditActionName>)]
    pub action: Option<String>,
    /// At or after this time: RFC 3339, a date (its first moment), `2026-03-01 10:00` (UTC),
    /// `10:00` (today, UTC) or an age such as `2h` or `7d`.
    pub since: Option<String>,
    /// At or before this time, in the forms of `since` (a date: up to its last moment).
    pub until: Option<String>,
    /// Events whose item was at or below this path.
    pub path_prefix: Option<String>,
    /// The `next` value of the previous page.
    pub before: Option<i64>,
    /// Page size, 1 to 1000 (default 100).
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEventView>,
    pub next: Option<i64>,
}

/// Audit events, newest first (administrators see everyone's; others their own).
#[utoipa::path(get, path = "/audit", operation_id = "listAudit", tag = "audit", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 400, response = Problem), (status = 403, response = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    let action = match q.action.as_deref() {
        None => None,
        Some(a) => Some(AuditAction::parse(a).ok_or_else(|| ApiError::bad_request(format!("unknown action {a:?}")))?),
    };
    let limit = match q.limit.unwrap_or(100) {
        l @ 1..=1000 => l,
        other => {
            return Err(ApiError::bad_request(format!(
                "limit must be between 1 and 1000, not {other}"
            )))
        }
    };
    let actor_id = match (&q.actor, q.actor_id) {
        (Some(_), Some(_)) => return Err(ApiError::bad_request("give actor or actor_id, not both")),
        (Some(user), None) => Some(state.repo.user_param(&actor, "actor", user).await?),
        (None, id) => id,
    };
    let now = state.repo.clock().now();
    let time = |param: &str, text: &Option<String>, bound: Bound| {
        text.as_deref().map(|t| parse_time(param, t, bound, now)).transpose()
    };
    let filter = AuditFilter {
        actor_id,
        action,
        since: time("since", &q.since, Bound::From)?,
        until: time("until", &q.until, Bound::Until)?,
        path_prefix: q.path_prefix,
    };
    let page = state.repo.audit(&actor, &filter, q.before, limit).await?;
    Ok(Json(AuditPage {
        items: page.items.iter().map(AuditEventView::from).collect(),
        next: page.next,
    }))
}
