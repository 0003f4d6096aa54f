//! The REST API's JSON request bodies driven by the fuzz targets (see `crate::fuzzing`): each
//! request type read as the `Json` extractor reads it, then checked as its handler checks it.

use super::admin::{CreateGroupRequest, CreateTenantRequest, CreateUserRequest, GroupMemberRequest, MembershipRequest};
use super::nodes::{entry, AccessListView, DocTypeRequest, NameRequest, PublishRequest, PublishingRuleRequest};
use super::problem::ApiError;
use super::sessions::LoginRequest;
use super::trash::{EmptyRequest, PurgeRequest, RestoreByFilterRequest, RestoreRequest, TrashSettingsView};
use axum::response::IntoResponse;
use salvage_core::model::RestorePolicy;
use serde::de::DeserializeOwned;

/// Reads `body` as every request type of the API.
pub fn json(body: &[u8]) {
    read::<LoginRequest>(body);
    read::<CreateTenantRequest>(body);
    read::<CreateUserRequest>(body);
    read::<MembershipRequest>(body);
    read::<CreateGroupRequest>(body);
    read::<GroupMemberRequest>(body);
    read::<NameRequest>(body);
    read::<DocTypeRequest>(body);
    read::<PublishRequest>(body);
    read::<PublishingRuleRequest>(body);
    read::<PurgeRequest>(body);
    read::<EmptyRequest>(body);
    if let Some(req) = read::<AccessListView>(body) {
        for e in &req.entries {
            let _ = entry(e);
        }
    }
    if let Some(req) = read::<RestoreRequest>(body) {
        let _ = req.items();
        let _ = req.options.to_options();
    }
    if let Some(req) = read::<RestoreByFilterRequest>(body) {
        let _ = req.filter.to_filter_at(chrono::Utc::now());
        let _ = req.options.to_options();
    }
    if let Some(req) = read::<TrashSettingsView>(body) {
        let _ = RestorePolicy::parse(&req.restore_policy);
    }
}

/// The body as `T`, or `None` after turning the refusal into its problem response.
fn read<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    match axum::Json::<T>::from_bytes(body) {
        Ok(axum::Json(value)) => Some(value),
        Err(rejection) => {
            let _ = ApiError::from(rejection).into_response();
            None
        }
    }
}
