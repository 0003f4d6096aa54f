//! Administration: tenants, users, groups and memberships (administrators only; the core
//! enforces who may).

use super::auth::Caller;
use super::extract::{Json, Path};
use super::problem::{ApiError, ApiResult, Problem};
use super::views::UserView;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use salvage_core::model::{Group, NewUser, Role, Tenant};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct TenantView {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl From<&Tenant> for TenantView {
    fn from(t: &Tenant) -> Self {
        TenantView {
            id: t.id,
            name: t.name.clone(),
            created_at: t.created_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTenantRequest {
    pub name: String,
}

/// Every tenant (system administrators).
#[utoipa::path(get, path = "/tenants", operation_id = "listTenants", tag = "administration", security(("bearer" = [])),
    responses((status = 200, body = [TenantView]), (status = 403, response = Problem)))]
pub async fn list_tenants(State(state): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<Vec<TenantView>>> {
    Ok(Json(
        state.repo.tenants(&actor).await?.iter().map(TenantView::from).collect(),
    ))
}

/// Create a tenant (system administrators).
#[utoipa::path(post, path = "/tenants", operation_id = "createTenant", tag = "administration", security(("bearer" = [])), request_body = CreateTenantRequest,
    responses((status = 201, body = TenantView), (status = 403, response = Problem), (status = 409, response = Problem)))]
pub async fn create_tenant(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Json(req): Json<CreateTenantRequest>,
) -> ApiResult<(StatusCode, Json<TenantView>)> {
    let t = state.repo.create_tenant(&actor, &req.name).await?;
    Ok((StatusCode::CREATED, Json(TenantView::from(&t))))
}

fn role(s: &str) -> ApiResult<Role> {
    Role::parse(s).ok_or_else(|| {
        let all: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        ApiError::bad_request(format!("unknown role {s:?}; use one of {}", all.join(", ")))
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    pub username: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    /// At least 8 characters; stored only as an argon2id hash.
    pub password: String,
    /// The user's role in the caller's tenant (default `IpsUser`).
    #[schema(value_type = Option<super::names::RoleName>)]
    pub role: Option<String>,
    #[serde(default)]
    pub is_system_admin: bool,
}

/// The members of the caller's tenant (administrators).
#[utoipa::path(get, path = "/users", operation_id = "listUsers", tag = "administration", security(("bearer" = [])),
    responses((status = 200, body = [UserView]), (status = 403, response = Problem)))]
pub async fn list_users(State(state): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<Vec<UserView>>> {
    Ok(Json(
        state.repo.users(&actor).await?.iter().map(UserView::from).collect(),
    ))
}

/// Create a user in the caller's tenant (administrators).
#[utoipa::path(post, path = "/users", operation_id = "createUser", tag = "administration", security(("bearer" = [])),
    request_body(content = CreateUserRequest, example = json!({"username": "bob", "password": "password 123", "role": "IpsUser"})),
    responses((status = 201, body = UserView), (status = 400, response = Problem), (status = 403, response = Problem), (status = 409, response = Problem)))]
pub async fn create_user(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Json(req): Json<CreateUserRequest>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    let role = role(req.role.as_deref().unwrap_or("IpsUser"))?;
    let new = NewUser {
        username: req.username,
        email: req.email,
        first_name: req.first_name,
        last_name: req.last_name,
        password: req.password,
        is_system_admin: req.is_system_admin,
    };
    let user = state.repo.create_user(&actor, &new, role).await?;
    Ok((StatusCode::CREATED, Json(UserView::from(&user))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipRequest {
    pub user_id: i64,
    /// Tenant name.
    pub tenant: String,
    #[schema(value_type = super::names::RoleName)]
    pub role: String,
}

/// Give a user a role in a tenant (system administrators).
#[utoipa::path(post, path = "/memberships", operation_id = "addMembership", tag = "administration", security(("bearer" = [])), request_body = MembershipRequest,
    responses((status = 204), (status = 400, response = Problem), (status = 403, response = Problem), (status = 404, response = Problem)))]
pub async fn add_membership(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Json(req): Json<MembershipRequest>,
) -> ApiResult<StatusCode> {
    state
        .repo
        .add_membership(&actor, req.user_id, &req.tenant, role(&req.role)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupView {
    pub id: i64,
    pub name: String,
    /// The built-in Administrators group.
    pub builtin: bool,
}

impl From<&Group> for GroupView {
    fn from(g: &Group) -> Self {
        GroupView {
            id: g.id,
            name: g.name.clone(),
            builtin: g.builtin,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroupRequest {
    pub name: String,
}

/// The tenant's groups.
#[utoipa::path(get, path = "/groups", operation_id = "listGroups", tag = "administration", security(("bearer" = [])), responses((status = 200, body = [GroupView])))]
pub async fn list_groups(State(state): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<Vec<GroupView>>> {
    Ok(Json(
        state.repo.groups(&actor).await?.iter().map(GroupView::from).collect(),
    ))
}

/// Create a group (administrators).
#[utoipa::path(post, path = "/groups", operation_id = "createGroup", tag = "administration", security(("bearer" = [])), request_body = CreateGroupRequest,
    responses((status = 201, body = GroupView), (status = 403, response = Problem), (status = 409, response = Problem)))]
pub async fn create_group(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Json(req): Json<CreateGroupRequest>,
) -> ApiResult<(StatusCode, Json<GroupView>)> {
    let g = state.repo.create_group(&actor, &req.name).await?;
    Ok((StatusCode::CREATED, Json(GroupView::from(&g))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupMemberRequest {
    pub user_id: i64,
}

/// Add a user to a group (administrators); the Administrators group makes them administrators.
#[utoipa::path(post, path = "/groups/{name}/members", operation_id = "addGroupMember", tag = "administration", security(("bearer" = [])), params(("name" = String, Path)), request_body = GroupMemberRequest,
    responses((status = 204), (status = 403, response = Problem), (status = 404, response = Problem)))]
pub async fn add_group_member(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(name): Path<String>,
    Json(req): Json<GroupMemberRequest>,
) -> ApiResult<StatusCode> {
    state.repo.add_group_member(&actor, &name, req.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
