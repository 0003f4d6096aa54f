//! The recycle bin's listings over REST: filters (read in the parameter language every face
//! shares), keyset pagination, the "deleted in this folder" view, one deletion and what it holds.

use super::super::auth::Caller;
use super::super::extract::{Json, Path, Query};
use super::super::names::{StageName, TrashSortName};
use super::super::problem::{ApiError, ApiResult, Problem};
use super::super::views::{KindFilter, NodeView, TrashItemView};
use crate::state::AppState;
use axum::extract::State;
use salvage_core::model::{Actor, Stage};
use salvage_core::params::{parse_time, Bound};
use salvage_core::store::{TrashCursor, TrashFilter, TrashSort};
use salvage_core::Repository;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Which deleted items: every filter given narrows the set.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilterParams {
    /// Deleted by this user: a user name, an e-mail address or a user id.
    pub deleted_by: Option<UserParam>,
    /// Deleted at or after this time: RFC 3339, a date (its first moment), `2026-03-01 10:00`
    /// (UTC), `10:00` (today, UTC) or an age such as `2h` or `7d`.
    pub since: Option<String>,
    /// Deleted at or before this time, in the forms of `since` (a date: up to its last moment).
    pub until: Option<String>,
    /// Name contains this, in any case.
    pub name: Option<String>,
    /// Original path is this folder or below, e.g. `/Finance`.
    pub path_prefix: Option<String>,
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: Option<KindFilter>,
    /// Total size at least this many bytes.
    pub min_size: Option<i64>,
    /// Total size at most this many bytes.
    pub max_size: Option<i64>,
    #[schema(value_type = Option<StageName>)]
    pub stage: Option<String>,
    /// Deleted from this folder (the "deleted in this folder" view).
    pub folder: Option<i64>,
}

/// A user named the way a person would: by user name or e-mail address (a string) or by id (a
/// number, or a string of digits).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum UserParam {
    Id(i64),
    Name(String),
}

impl UserParam {
    fn text(&self) -> String {
        match self {
            UserParam::Id(id) => id.to_string(),
            UserParam::Name(name) => name.clone(),
        }
    }
}

impl FilterParams {
    /// The filter, with its users and times read in the parameter language every face shares.
    pub(crate) async fn to_filter(&self, repo: &Repository, actor: &Actor) -> ApiResult<TrashFilter> {
        let mut filter = self.to_filter_at(repo.clock().now())?;
        if let Some(user) = &self.deleted_by {
            filter.deleted_by = Some(repo.user_param(actor, "deleted_by", &user.text()).await?);
        }
        Ok(filter)
    }

    /// Everything of the filter but whose deletions: times read relative to `now`.
    pub(crate) fn to_filter_at(&self, now: chrono::DateTime<chrono::Utc>) -> ApiResult<TrashFilter> {
        let time = |param: &str, text: &Option<String>, bound: Bound| {
            text.as_deref().map(|t| parse_time(param, t, bound, now)).transpose()
        };
        let stage = match self.stage.as_deref() {
            None => None,
            Some(name) => Some(Stage::parse(name).ok_or_else(|| {
                ApiError::bad_request(format!("stage must be user-bin or system-bin; {name:?} is not"))
            })?),
        };
        let filter = TrashFilter {
            since: time("since", &self.since, Bound::From)?,
            until: time("until", &self.until, Bound::Until)?,
            name_contains: self.name.clone(),
            kind: self.kind.map(Into::into),
            min_size: self.min_size,
            max_size: self.max_size,
            stage,
            original_parent: self.folder,
            ..TrashFilter::default()
        };
        Ok(filter.under(self.path_prefix.as_deref().unwrap_or_default()))
    }
}

/// The listing's query string: the filters, plus where the page starts and its size. (Spelled
/// out rather than flattened: flattening loses the types of query-string values.)
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Deleted by this user: a user id or a user name.
    pub deleted_by: Option<String>,
    /// Deleted at or after this time: RFC 3339, a date (its first moment), `2026-03-01 10:00`
    /// (UTC), `10:00` (today, UTC) or an age such as `2h` or `7d`.
    pub since: Option<String>,
    /// Deleted at or before this time, in the forms of `since` (a date: up to its last moment).
    pub until: Option<String>,
    /// Name contains this, in any case.
    pub name: Option<String>,
    /// Original path is this folder or below, e.g. `/Finance`.
    pub path_prefix: Option<String>,
    /// Only documents, or only folders.
    #[serde(rename = "type")]
    #[param(rename = "type", value_type = Option<KindFilter>)]
    pub kind: Option<KindFilter>,
    /// Total size at least this many bytes.
    pub min_size: Option<i64>,
    /// Total size at most this many bytes.
    pub max_size: Option<i64>,
    #[param(value_type = Option<StageName>)]
    pub stage: Option<String>,
    /// Deleted from this folder.
    pub folder: Option<i64>,
    /// The order (default `newest`). Later pages may leave it out: their cursor knows it.
    #[param(value_type = Option<TrashSortName>)]
    pub sort: Option<String>,
    /// The `next` value of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    pub limit: Option<u32>,
}

impl ListQuery {
    fn filter(&self) -> FilterParams {
        FilterParams {
            deleted_by: self.deleted_by.clone().map(UserParam::Name),
            since: self.since.clone(),
            until: self.until.clone(),
            name: self.name.clone(),
            path_prefix: self.path_prefix.clone(),
            kind: self.kind,
            min_size: self.min_size,
            max_size: self.max_size,
            stage: self.stage.clone(),
            folder: self.folder,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrashPage {
    pub items: Vec<TrashItemView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// The order asked for, else the order of the cursor, else newest first.
fn sort_of(sort: Option<&str>, cursor: Option<&TrashCursor>) -> ApiResult<TrashSort> {
    match sort {
        Some(name) => TrashSort::parse(name)
            .ok_or_else(|| ApiError::bad_request(format!("sort must be one of {}, not {name:?}", TrashSort::names()))),
        None => Ok(cursor.map_or_else(TrashSort::default, TrashCursor::sort)),
    }
}

async fn page(
    state: &AppState,
    actor: &Actor,
    filter: TrashFilter,
    sort: Option<&str>,
    cursor: Option<&str>,
    limit: Option<u32>,
) -> ApiResult<TrashPage> {
    let limit = match limit.unwrap_or(100) {
        l @ 1..=1000 => l,
        other => {
            return Err(ApiError::bad_request(format!(
                "limit must be between 1 and 1000, not {other}"
            )))
        }
    };
    let after = cursor.map(str::parse::<TrashCursor>).transpose()?;
    let sort = sort_of(sort, after.as_ref())?;
    let page = state.repo.trash(actor, &filter, sort, after.as_ref(), limit).await?;
    Ok(TrashPage {
        items: page.items.iter().map(TrashItemView::from).collect(),
        next: page.next.map(|c| c.to_string()),
    })
}

/// Deleted items visible to the caller (administrators see everyone's), newest first unless
/// `sort` says otherwise.
#[utoipa::path(get, path = "/trash", operation_id = "listTrash", tag = "trash", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = TrashPage), (status = 400, response = Problem), (status = 403, response = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<TrashPage>> {
    Ok(Json(
        page(
            &state,
            &actor,
            q.filter().to_filter(&state.repo, &actor).await?,
            q.sort.as_deref(),
            q.cursor.as_deref(),
            q.limit,
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FolderTrashQuery {
    /// The order, as for `GET /trash`.
    #[param(value_type = Option<TrashSortName>)]
    pub sort: Option<String>,
    /// The `next` value of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    pub limit: Option<u32>,
}

/// Items deleted from this folder.
#[utoipa::path(get, path = "/nodes/{id}/trash", operation_id = "listFolderTrash", tag = "trash", security(("bearer" = [])), params(("id" = i64, Path), FolderTrashQuery),
    responses((status = 200, body = TrashPage), (status = 404, response = Problem)))]
pub async fn deleted_in_folder(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
    Query(q): Query<FolderTrashQuery>,
) -> ApiResult<Json<TrashPage>> {
    state.repo.node(&actor, id).await?;
    let filter = TrashFilter {
        original_parent: Some(id),
        ..TrashFilter::default()
    };
    Ok(Json(
        page(&state, &actor, filter, q.sort.as_deref(), q.cursor.as_deref(), q.limit).await?,
    ))
}

/// One deleted item.
#[utoipa::path(get, path = "/trash/{id}", operation_id = "getTrashItem", tag = "trash", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = TrashItemView), (status = 404, response = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<TrashItemView>> {
    Ok(Json(TrashItemView::from(&state.repo.trash_record(&actor, id).await?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrashContents {
    /// Each node the deletion holds; any of them can be restored alone with `nodes: [id]`.
    pub nodes: Vec<NodeView>,
}

/// What a deleted item holds (at most 1000 nodes).
#[utoipa::path(get, path = "/trash/{id}/contents", operation_id = "getTrashContents", tag = "trash", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = TrashContents), (status = 404, response = Problem)))]
pub async fn contents(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<TrashContents>> {
    let record = state.repo.trash_record(&actor, id).await?;
    let nodes = state.repo.trash_contents(&actor, id, 1000).await?;
    // Paths inside a deletion are given relative to where it was deleted from.
    let base = record
        .original_path
        .rsplit_once('/')
        .map(|(p, _)| p.to_owned())
        .unwrap_or_default();
    let mut paths: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    let views = nodes
        .iter()
        .map(|n| {
            let parent = n
                .parent_id
                .and_then(|p| paths.get(&p).cloned())
                .unwrap_or_else(|| base.clone());
            let path = format!("{parent}/{}", n.name);
            paths.insert(n.id, path.clone());
            NodeView::new(n, path)
        })
        .collect();
    Ok(Json(TrashContents { nodes: views }))
}
