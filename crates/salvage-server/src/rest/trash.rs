//! The recycle bin over REST: listing with filters and keyset pagination, the "deleted in this
//! folder" view, preflight, restore (items or by filter), purge, empty and retention settings.

use super::auth::Caller;
use super::extract::{Json, Path, Query};
use super::names::{string_enum, RestorePolicyName, StageName, TrashSortName};
use super::problem::{status_of, ApiError, ApiResult, Problem};
use super::views::{KindFilter, NodeView, TrashItemView};
use crate::state::AppState;
use axum::extract::State;
use salvage_core::model::{Actor, RestorePolicy, Stage, TrashSettings};
use salvage_core::params::{parse_time, Bound};
use salvage_core::store::{TrashCursor, TrashFilter, TrashSort};
use salvage_core::trash::{
    BatchReport, FilterRestore, ItemResult, ItemStatus, JobState, MissingParentPolicy, OnConflict, Outcome, RestoreJob,
    RestoreOptions, RunAs, Target, TrashItem,
};
use salvage_core::Repository;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, PartialSchema, ToSchema};

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
    pub(super) async fn to_filter(&self, repo: &Repository, actor: &Actor) -> ApiResult<TrashFilter> {
        let mut filter = self.to_filter_at(repo.clock().now())?;
        if let Some(user) = &self.deleted_by {
            filter.deleted_by = Some(repo.user_param(actor, "deleted_by", &user.text()).await?);
        }
        Ok(filter)
    }

    /// Everything of the filter but whose deletions: times read relative to `now`.
    pub(super) fn to_filter_at(&self, now: chrono::DateTime<chrono::Utc>) -> ApiResult<TrashFilter> {
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

/// The core's conflict policies, described to OpenAPI by their names.
pub struct ConflictPolicyName;

impl PartialSchema for ConflictPolicyName {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "What to do when the target holds an item of the same name: fail, restore under a new \
             name, or skip the item.",
            OnConflict::ALL.map(OnConflict::as_str),
        )
    }
}

impl ToSchema for ConflictPolicyName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ConflictPolicy")
    }
}

/// The core's missing-parent policies, described to OpenAPI by their names.
pub struct MissingParentPolicyName;

impl PartialSchema for MissingParentPolicyName {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "What to do when the original folder is gone: fail, recreate it, or restore into \
             `fallback_folder_id`.",
            MissingParentPolicy::ALL.map(MissingParentPolicy::as_str),
        )
    }
}

impl ToSchema for MissingParentPolicyName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("MissingParentPolicy")
    }
}

/// The core's item statuses, described to OpenAPI by their names.
pub struct ItemStatusName;

impl PartialSchema for ItemStatusName {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "What happened to one item: `restored` (or would be, in a preflight), `skipped` or \
             `failed`.",
            ItemStatus::ALL.map(ItemStatus::as_str),
        )
    }
}

impl ToSchema for ItemStatusName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ItemStatus")
    }
}

/// How to restore.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreOptionsBody {
    /// Restore into this folder instead of the original one.
    pub target_folder_id: Option<i64>,
    #[serde(default)]
    #[schema(value_type = ConflictPolicyName)]
    pub on_conflict: OnConflict,
    #[serde(default)]
    #[schema(value_type = MissingParentPolicyName)]
    pub missing_parent: MissingParentPolicy,
    /// With `missing_parent: fallback`, the folder to use.
    pub fallback_folder_id: Option<i64>,
    /// Restore nothing unless every item can be restored.
    #[serde(default)]
    pub all_or_nothing: bool,
}

impl RestoreOptionsBody {
    pub(super) fn to_options(&self) -> ApiResult<RestoreOptions> {
        let missing_parent = self
            .missing_parent
            .with_fallback(self.fallback_folder_id)
            .ok_or_else(|| ApiError::bad_request("missing_parent fallback needs fallback_folder_id"))?;
        Ok(RestoreOptions {
            target: self.target_folder_id.map_or(Target::Original, Target::Folder),
            missing_parent,
            on_conflict: self.on_conflict,
            all_or_nothing: self.all_or_nothing,
        })
    }
}

/// Most items one request may name.
const MAX_ITEMS: usize = 10_000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreRequest {
    /// Trash item ids (whole deletions).
    #[serde(default)]
    pub items: Vec<i64>,
    /// Node ids inside deleted folders, each restored on its own.
    #[serde(default)]
    pub nodes: Vec<i64>,
    #[serde(default)]
    pub options: RestoreOptionsBody,
}

impl RestoreRequest {
    pub(super) fn items(&self) -> ApiResult<Vec<TrashItem>> {
        let n = self.items.len() + self.nodes.len();
        if n == 0 {
            return Err(ApiError::bad_request("name at least one trash item in items or nodes"));
        }
        if n > MAX_ITEMS {
            return Err(ApiError::bad_request(format!(
                "at most {MAX_ITEMS} items per request; restore the rest by filter or in several requests"
            )));
        }
        Ok(self
            .items
            .iter()
            .map(|&id| TrashItem::Record(id))
            .chain(self.nodes.iter().map(|&id| TrashItem::Node(id)))
            .collect())
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemProblem {
    #[serde(rename = "type")]
    pub kind: String,
    pub code: String,
    pub status: u16,
    pub detail: String,
}

/// Which item a result is about: a whole deletion (`record`, a trash item id) or a node inside
/// one (`node`).
#[derive(ToSchema)]
#[allow(dead_code)] // Only its schema is used: the core's `TrashItem` is what is written.
pub struct ItemRef {
    #[schema(rename = "type")]
    kind: ItemRefKind,
    id: i64,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
enum ItemRefKind {
    Record,
    Node,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemResultView {
    #[schema(value_type = ItemRef)]
    pub item: TrashItem,
    #[schema(value_type = ItemStatusName)]
    pub status: ItemStatus,
    pub node_id: Option<i64>,
    pub path: Option<String>,
    pub renamed_from: Option<String>,
    pub problem: Option<ItemProblem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RestoreReport {
    /// Whether anything was committed (false for a preflight or a refused all-or-nothing batch).
    pub applied: bool,
    pub dry_run: bool,
    pub restored: usize,
    pub skipped: usize,
    pub failed: usize,
    pub results: Vec<ItemResultView>,
}

fn item_problem(e: &salvage_core::Error) -> ItemProblem {
    ItemProblem {
        kind: format!("urn:salvage:problem:{}", e.code()),
        code: e.code().to_owned(),
        status: status_of(e).as_u16(),
        detail: e.to_string(),
    }
}

fn item_view(x: &ItemResult) -> ItemResultView {
    let done = match &x.outcome {
        Outcome::Restored(done) => Some(done),
        Outcome::Skipped(_) | Outcome::Failed(_) => None,
    };
    ItemResultView {
        item: x.item,
        status: x.outcome.status(),
        node_id: done.map(|d| d.node_id),
        path: done.map(|d| d.path.clone()),
        renamed_from: done.and_then(|d| d.renamed_from.clone()),
        problem: x.outcome.error().map(item_problem),
    }
}

fn report(r: BatchReport) -> RestoreReport {
    let (restored, skipped, failed) = r.counts();
    let results = r.results.iter().map(item_view).collect();
    RestoreReport {
        applied: r.applied,
        dry_run: r.dry_run,
        restored,
        skipped,
        failed,
        results,
    }
}

/// Say per item whether a restore with these options would succeed, and why not. Changes nothing.
#[utoipa::path(post, path = "/trash/preflight", operation_id = "preflightRestore", tag = "trash", security(("bearer" = [])),
    request_body(content = RestoreRequest, example = json!({"items": [42], "nodes": [], "options": {"on_conflict": "rename", "missing_parent": "recreate"}})),
    responses((status = 200, body = RestoreReport), (status = 400, response = Problem)))]
pub async fn preflight(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Json(req): Json<RestoreRequest>,
) -> ApiResult<Json<RestoreReport>> {
    let report_ = state
        .repo
        .preflight(&actor, &req.items()?, req.options.to_options()?)
        .await?;
    Ok(Json(report(report_)))
}

/// Restore items, reporting each one.
#[utoipa::path(post, path = "/trash/restore", operation_id = "restoreTrash", tag = "trash", security(("bearer" = [])),
    request_body(content = RestoreRequest, example = json!({"items": [42, 43], "options": {"on_conflict": "rename", "missing_parent": "recreate", "all_or_nothing": false}})),
    responses((status = 200, body = RestoreReport), (status = 400, response = Problem)))]
pub async fn restore(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Json(req): Json<RestoreRequest>,
) -> ApiResult<Json<RestoreReport>> {
    let report_ = state
        .repo
        .restore(&actor, &req.items()?, req.options.to_options()?)
        .await?;
    Ok(Json(report(report_)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreByFilterRequest {
    pub filter: FilterParams,
    #[serde(default)]
    pub options: RestoreOptionsBody,
    /// Only preflight.
    #[serde(default)]
    pub dry_run: bool,
    /// Run as a background job (`202` and a job to follow). By default a restore of more than
    /// 1,000 items runs as a job; a preflight never does.
    pub background: Option<bool>,
}

/// The core's job states, described to OpenAPI by their names.
pub struct JobStateName;

impl PartialSchema for JobStateName {
    fn schema() -> RefOr<Schema> {
        string_enum("Where a background job is.", JobState::ALL.map(JobState::as_str))
    }
}

impl ToSchema for JobStateName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("JobState")
    }
}

/// What a background job has done so far, and every item's outcome once it is over.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobView {
    pub id: String,
    #[schema(value_type = JobStateName)]
    #[serde(serialize_with = "job_state")]
    pub state: JobState,
    /// Items to process.
    pub total: usize,
    /// Items processed so far.
    pub done: usize,
    pub restored: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Why the job stopped, when it failed as a whole.
    pub error: Option<String>,
    /// Every item's outcome, once the job is over.
    pub results: Option<Vec<ItemResultView>>,
}

fn job_state<S: serde::Serializer>(state: &JobState, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(state.as_str())
}

impl From<&RestoreJob> for JobView {
    fn from(j: &RestoreJob) -> Self {
        JobView {
            id: j.id.clone(),
            state: j.state,
            total: j.total,
            done: j.done,
            restored: j.restored,
            skipped: j.skipped,
            failed: j.failed,
            error: j.error.clone(),
            results: j.results.as_ref().map(|r| r.iter().map(item_view).collect()),
        }
    }
}

/// Restore everything matching a filter ("everything bob deleted under /Finance since 10:00"),
/// at once or as a background job (by default, when more than 1,000 items match).
#[utoipa::path(post, path = "/trash/restore-by-filter", operation_id = "restoreTrashByFilter", tag = "trash", security(("bearer" = [])),
    request_body(content = RestoreByFilterRequest, example = json!({"filter": {"deleted_by": "bob", "path_prefix": "/Finance", "since": "2026-03-01T10:00:00Z"}, "options": {"on_conflict": "skip"}, "dry_run": false})),
    responses((status = 200, description = "Done at once (or only preflighted)", body = RestoreReport),
        (status = 202, description = "Running as a job; follow the Location header", body = JobView,
            headers(("Location" = String, description = "The job: `/api/v1/jobs/{id}`"))),
        (status = 400, response = Problem), (status = 403, response = Problem)))]
pub async fn restore_by_filter(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Json(req): Json<RestoreByFilterRequest>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let filter = req.filter.to_filter(&state.repo, &actor).await?;
    let options = req.options.to_options()?;
    let run = match (req.dry_run, req.background) {
        (true, _) => RunAs::Preflight,
        (false, Some(true)) => RunAs::Job,
        (false, Some(false)) => RunAs::Now,
        (false, None) => RunAs::Auto,
    };
    let job = match state.repo.restore_by_filter(&actor, &filter, options, run).await? {
        FilterRestore::Done(done) => return Ok(Json(report(done)).into_response()),
        FilterRestore::Started(job) => job,
    };
    let mut response = (axum::http::StatusCode::ACCEPTED, Json(JobView::from(&job))).into_response();
    let location = format!("/api/v1/jobs/{}", job.id);
    response.headers_mut().insert(
        axum::http::header::LOCATION,
        axum::http::HeaderValue::from_str(&location).expect("ascii"),
    );
    Ok(response)
}

/// A background job's progress and, once it is over, every item's outcome.
#[utoipa::path(get, path = "/jobs/{id}", operation_id = "getJob", tag = "trash", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = JobView), (status = 404, response = Problem)))]
pub async fn job(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<JobView>> {
    Ok(Json(JobView::from(&state.repo.restore_job(&actor, &id)?)))
}

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
