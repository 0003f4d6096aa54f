//! Libraries, folders and documents: create, look up, list, rename, move, delete, access lists,
//! document types and publishing.

use super::auth::Caller;
use super::extract::{Json, Path, Query};
use super::problem::{ApiError, ApiResult, Problem};
use super::views::{NodePage, NodeView, TrashItemView};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use salvage_core::acl::{AclEntry, Principal, Right};
use salvage_core::model::{Actor, DocType, Node};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

async fn view(state: &AppState, actor: &Actor, node: &Node) -> ApiResult<NodeView> {
    Ok(NodeView::new(node, state.repo.path_of(actor, node).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NameRequest {
    pub name: String,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    /// The `next` value of the previous page.
    pub after: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    pub limit: Option<u32>,
}

fn page_limit(limit: Option<u32>) -> ApiResult<u32> {
    match limit.unwrap_or(100) {
        l @ 1..=1000 => Ok(l),
        other => Err(ApiError::bad_request(format!(
            "limit must be between 1 and 1000, not {other}"
        ))),
    }
}

async fn children_page(state: &AppState, actor: &Actor, parent: Option<&Node>, q: PageQuery) -> ApiResult<NodePage> {
    let limit = page_limit(q.limit)?;
    let page = state
        .repo
        .children(actor, parent.map(|p| p.id), q.after.as_deref(), limit)
        .await?;
    let parent_path = match parent {
        Some(p) => state.repo.path_of(actor, p).await?,
        None => String::new(),
    };
    Ok(NodePage {
        items: page.items.iter().map(|n| NodeView::child(n, &parent_path)).collect(),
        next: page.next,
    })
}

/// The libraries (top-level folders).
#[utoipa::path(get, path = "/libraries", operation_id = "listLibraries", tag = "repository", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = NodePage)))]
pub async fn list_libraries(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<NodePage>> {
    Ok(Json(children_page(&state, &actor, None, q).await?))
}

/// Create a library (administrators).
#[utoipa::path(post, path = "/libraries", operation_id = "createLibrary", tag = "repository", security(("bearer" = [])), request_body = NameRequest,
    responses((status = 201, body = NodeView), (status = 403, response = Problem), (status = 409, response = Problem), (status = 422, response = Problem)))]
pub async fn create_library(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Json(req): Json<NameRequest>,
) -> ApiResult<(StatusCode, Json<NodeView>)> {
    let node = state.repo.create_library(&actor, &req.name).await?;
    Ok((StatusCode::CREATED, Json(view(&state, &actor, &node).await?)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ResolveQuery {
    /// A path by names, e.g. `/Finance/Reports/q1.pdf`.
    pub path: String,
}

/// Look up a live item by its path.
#[utoipa::path(get, path = "/resolve", operation_id = "resolvePath", tag = "repository", security(("bearer" = [])), params(ResolveQuery),
    responses((status = 200, body = NodeView), (status = 404, response = Problem)))]
pub async fn resolve(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<ResolveQuery>,
) -> ApiResult<Json<NodeView>> {
    let node = state.repo.resolve(&actor, &q.path).await?;
    Ok(Json(view(&state, &actor, &node).await?))
}

/// One live item.
#[utoipa::path(get, path = "/nodes/{id}", operation_id = "getNode", tag = "repository", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = NodeView), (status = 404, response = Problem)))]
pub async fn get_node(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<NodeView>> {
    let node = state.repo.node(&actor, id).await?;
    Ok(Json(view(&state, &actor, &node).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateNodeRequest {
    /// New name.
    pub name: Option<String>,
    /// New parent folder (a move).
    pub parent_id: Option<i64>,
}

/// Rename and/or move an item: both happen or neither.
#[utoipa::path(patch, path = "/nodes/{id}", operation_id = "updateNode", tag = "repository", security(("bearer" = [])), params(("id" = i64, Path)), request_body = UpdateNodeRequest,
    responses((status = 200, body = NodeView), (status = 404, response = Problem), (status = 409, response = Problem), (status = 422, response = Problem)))]
pub async fn update_node(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
    Json(req): Json<UpdateNodeRequest>,
) -> ApiResult<Json<NodeView>> {
    if req.name.is_none() && req.parent_id.is_none() {
        return Err(ApiError::bad_request("give a new name, a new parent_id, or both"));
    }
    let node = state
        .repo
        .update_node(&actor, id, req.name.as_deref(), req.parent_id)
        .await?;
    Ok(Json(view(&state, &actor, &node).await?))
}

/// Move an item (and everything in it) to the caller's recycle bin.
#[utoipa::path(delete, path = "/nodes/{id}", operation_id = "deleteNode", tag = "repository", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "The trash item the deletion created", body = TrashItemView), (status = 403, response = Problem), (status = 404, response = Problem)))]
pub async fn delete_node(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<TrashItemView>> {
    let record = state.repo.delete(&actor, id).await?;
    Ok(Json(TrashItemView::from(&record)))
}

/// A folder's live children, by name.
#[utoipa::path(get, path = "/nodes/{id}/children", operation_id = "listChildren", tag = "repository", security(("bearer" = [])), params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = NodePage), (status = 404, response = Problem)))]
pub async fn children(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<NodePage>> {
    let parent = state.repo.node(&actor, id).await?;
    Ok(Json(children_page(&state, &actor, Some(&parent), q).await?))
}

/// Create a folder inside a folder or library.
#[utoipa::path(post, path = "/nodes/{id}/folders", operation_id = "createFolder", tag = "repository", security(("bearer" = [])), params(("id" = i64, Path)), request_body = NameRequest,
    responses((status = 201, body = NodeView), (status = 403, response = Problem), (status = 404, response = Problem), (status = 409, response = Problem), (status = 422, response = Problem)))]
pub async fn create_folder(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
    Json(req): Json<NameRequest>,
) -> ApiResult<(StatusCode, Json<NodeView>)> {
    let node = state.repo.create_folder(&actor, id, &req.name).await?;
    Ok((StatusCode::CREATED, Json(view(&state, &actor, &node).await?)))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AclEntryView {
    #[schema(value_type = super::names::PrincipalName)]
    pub principal: String,
    /// Group or user id (for `group` and `user`).
    pub id: Option<i64>,
    /// 0 No Access, 1 List, 2 Read, 3 Add, 4 Add & Read, 5 Change, 6 Full Control.
    #[schema(minimum = 0, maximum = 6)]
    pub right: u8,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessListView {
    /// Whether the list is inherited from the parent folder.
    pub inherited: bool,
    pub entries: Vec<AclEntryView>,
}

fn entry_view(e: &AclEntry) -> AclEntryView {
    let (principal, id) = match e.principal {
        Principal::Anonymous => ("anonymous", None),
        Principal::Members => ("members", None),
        Principal::Group(g) => ("group", Some(g)),
        Principal::User(u) => ("user", Some(u)),
    };
    AclEntryView {
        principal: principal.to_owned(),
        id,
        right: e.right as u8,
    }
}

pub(super) fn entry(v: &AclEntryView) -> ApiResult<AclEntry> {
    let principal = match (v.principal.as_str(), v.id) {
        ("anonymous", _) => Principal::Anonymous,
        ("members", _) => Principal::Members,
        ("group", Some(id)) => Principal::Group(id),
        ("user", Some(id)) => Principal::User(id),
        ("group" | "user", None) => return Err(ApiError::bad_request(format!("a {} entry needs an id", v.principal))),
        (other, _) => {
            return Err(ApiError::bad_request(format!(
                "unknown principal {other:?}: use anonymous, members, group or user"
            )))
        }
    };
    let right = Right::from_u8(v.right)
        .ok_or_else(|| ApiError::bad_request(format!("right must be 0 to 6, not {}", v.right)))?;
    Ok(AclEntry { principal, right })
}

/// A folder's effective access list.
#[utoipa::path(get, path = "/nodes/{id}/acl", operation_id = "getAccessList", tag = "repository", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = AccessListView), (status = 404, response = Problem)))]
pub async fn get_acl(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<AccessListView>> {
    let (inherited, entries) = state.repo.access_list(&actor, id).await?;
    Ok(Json(AccessListView {
        inherited,
        entries: entries.iter().map(entry_view).collect(),
    }))
}

/// Set a folder's own access list, or (`inherited: true`) go back to inheriting.
#[utoipa::path(put, path = "/nodes/{id}/acl", operation_id = "setAccessList", tag = "repository", security(("bearer" = [])), params(("id" = i64, Path)), request_body = AccessListView,
    responses((status = 204), (status = 403, response = Problem), (status = 404, response = Problem)))]
pub async fn set_acl(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
    Json(req): Json<AccessListView>,
) -> ApiResult<StatusCode> {
    let entries = req.entries.iter().map(entry).collect::<ApiResult<Vec<_>>>()?;
    state
        .repo
        .set_access_list(&actor, id, req.inherited, &entries, false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocTypeView {
    pub id: i64,
    pub name: String,
}

impl From<&DocType> for DocTypeView {
    fn from(t: &DocType) -> Self {
        DocTypeView {
            id: t.id,
            name: t.name.clone(),
        }
    }
}

/// The tenant's document types.
#[utoipa::path(get, path = "/document-types", operation_id = "listDocumentTypes", tag = "repository", security(("bearer" = [])), responses((status = 200, body = [DocTypeView])))]
pub async fn list_doc_types(State(state): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<Vec<DocTypeView>>> {
    Ok(Json(
        state
            .repo
            .doc_types(&actor)
            .await?
            .iter()
            .map(DocTypeView::from)
            .collect(),
    ))
}

/// Create a document type (administrators).
#[utoipa::path(post, path = "/document-types", operation_id = "createDocumentType", tag = "repository", security(("bearer" = [])), request_body = NameRequest,
    responses((status = 201, body = DocTypeView), (status = 403, response = Problem), (status = 409, response = Problem)))]
pub async fn create_doc_type(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Json(req): Json<NameRequest>,
) -> ApiResult<(StatusCode, Json<DocTypeView>)> {
    let t = state.repo.create_doc_type(&actor, &req.name).await?;
    Ok((StatusCode::CREATED, Json(DocTypeView::from(&t))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocTypeRequest {
    /// A document type id, or null to clear it.
    pub doc_type_id: Option<i64>,
}

/// Set or clear a document's type.
#[utoipa::path(put, path = "/documents/{id}/document-type", operation_id = "setDocumentType", tag = "repository", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DocTypeRequest,
    responses((status = 204), (status = 404, response = Problem), (status = 422, response = Problem)))]
pub async fn set_doc_type(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
    Json(req): Json<DocTypeRequest>,
) -> ApiResult<StatusCode> {
    state.repo.set_doc_type(&actor, id, req.doc_type_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// Version to publish; 0 withdraws publication.
    pub version: i64,
}

/// Publish a version of a document.
#[utoipa::path(post, path = "/documents/{id}/publish", operation_id = "publishDocument", tag = "repository", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PublishRequest,
    responses((status = 204), (status = 400, response = Problem), (status = 404, response = Problem)))]
pub async fn publish(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
    Json(req): Json<PublishRequest>,
) -> ApiResult<StatusCode> {
    state.repo.publish(&actor, id, req.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishingRuleRequest {
    /// Whether documents need a document type before they can be published.
    pub requires_doc_type: bool,
}

/// Set a library's publishing rule (administrators).
#[utoipa::path(put, path = "/libraries/{id}/publishing-rule", operation_id = "setPublishingRule", tag = "repository", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PublishingRuleRequest,
    responses((status = 204), (status = 403, response = Problem), (status = 404, response = Problem), (status = 422, response = Problem)))]
pub async fn set_publishing_rule(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
    Json(req): Json<PublishingRuleRequest>,
) -> ApiResult<StatusCode> {
    state
        .repo
        .set_requires_doc_type(&actor, id, req.requires_doc_type)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
