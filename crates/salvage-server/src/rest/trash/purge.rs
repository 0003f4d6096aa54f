//! Destroying and ageing over REST: purge (administrators), emptying a bin into the system bin,
//! and the tenant's retention settings.

use super::super::auth::Caller;
use super::super::extract::Json;
use super::super::names::RestorePolicyName;
use super::super::problem::{ApiError, ApiResult, Problem};
use super::restore::{item_problem, ItemProblem};
use super::MAX_ITEMS;
use crate::state::AppState;
use axum::extract::State;
use salvage_core::model::{RestorePolicy, TrashSettings};
use salvage_core::trash::TrashItem;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PurgeRequest {
    pub items: Vec<i64>,
}

/// Whether a trash item was purged.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PurgeStatus {
    Purged,
    Failed,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PurgeResultView {
    pub id: i64,
    pub status: PurgeStatus,
    pub problem: Option<ItemProblem>,
}

/// Delete trash items permanently (administrators).
#[utoipa::path(post, path = "/trash/purge", operation_id = "purgeTrash", tag = "trash", security(("bearer" = [])),
    request_body(content = PurgeRequest, example = json!({"items": [42]})),
    responses((status = 200, body = [PurgeResultView]), (status = 403, response = Problem)))]
pub async fn purge(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Json(req): Json<PurgeRequest>,
) -> ApiResult<Json<Vec<PurgeResultView>>> {
    if req.items.is_empty() || req.items.len() > MAX_ITEMS {
        return Err(ApiError::bad_request(format!(
            "name between 1 and {MAX_ITEMS} trash items"
        )));
    }
    let items: Vec<_> = req.items.iter().map(|&id| TrashItem::Record(id)).collect();
    let results = state.repo.purge(&actor, &items).await?;
    Ok(Json(
        results
            .iter()
            .zip(&req.items)
            .map(|(r, &id)| match &r.outcome {
                Ok(_) => PurgeResultView {
                    id,
                    status: PurgeStatus::Purged,
                    problem: None,
                },
                Err(e) => PurgeResultView {
                    id,
                    status: PurgeStatus::Failed,
                    problem: Some(item_problem(e)),
                },
            })
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmptyRequest {
    /// Empty every user's bin (administrators).
    #[serde(default)]
    pub everyone: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmptyView {
    /// How many items moved to the system bin.
    pub moved_to_system_bin: u64,
}

/// Move the caller's bin (or, for administrators, everyone's) to the system bin.
#[utoipa::path(post, path = "/trash/empty", operation_id = "emptyTrash", tag = "trash", security(("bearer" = [])), request_body = EmptyRequest,
    responses((status = 200, body = EmptyView), (status = 403, response = Problem)))]
pub async fn empty(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Json(req): Json<EmptyRequest>,
) -> ApiResult<Json<EmptyView>> {
    Ok(Json(EmptyView {
        moved_to_system_bin: state.repo.empty(&actor, req.everyone).await?,
    }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrashSettingsView {
    /// Days before a user's deleted items move to the system bin; 0 = never.
    pub user_bin_days: u32,
    /// Days items stay in the system bin before they are purged; 0 = never.
    pub system_bin_days: u32,
    /// Whether a deleted item's name stays reserved in its folder.
    pub names_reserved: bool,
    #[schema(value_type = RestorePolicyName)]
    pub restore_policy: String,
}

/// The tenant's retention settings.
#[utoipa::path(get, path = "/settings/trash", operation_id = "getTrashSettings", tag = "trash", security(("bearer" = [])), responses((status = 200, body = TrashSettingsView)))]
pub async fn get_settings(State(state): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<TrashSettingsView>> {
    let s = state.repo.tenant(&actor).await?.settings;
    Ok(Json(TrashSettingsView {
        user_bin_days: s.user_bin_days,
        system_bin_days: s.system_bin_days,
        names_reserved: s.names_reserved,
        restore_policy: s.restore_policy.as_str().to_owned(),
    }))
}

/// Change the tenant's retention settings (administrators).
#[utoipa::path(put, path = "/settings/trash", operation_id = "setTrashSettings", tag = "trash", security(("bearer" = [])),
    request_body(content = TrashSettingsView, description = "Every setting: a partial body is refused (422)",
        example = json!({"user_bin_days": 30, "system_bin_days": 30, "names_reserved": false, "restore_policy": "deleter-or-administrator"})),
    responses((status = 204), (status = 400, response = Problem), (status = 403, response = Problem)))]
pub async fn set_settings(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Json(req): Json<TrashSettingsView>,
) -> ApiResult<axum::http::StatusCode> {
    let restore_policy = RestorePolicy::parse(&req.restore_policy).ok_or_else(|| {
        ApiError::bad_request(format!(
            "restore_policy must be deleter-or-administrator or any-trash-role, not {:?}",
            req.restore_policy
        ))
    })?;
    let settings = TrashSettings {
        user_bin_days: req.user_bin_days,
        system_bin_days: req.system_bin_days,
        names_reserved: req.names_reserved,
        restore_policy,
    };
    state.repo.set_trash_settings(&actor, settings).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
