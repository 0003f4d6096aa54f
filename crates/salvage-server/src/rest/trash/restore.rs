//! Restores over REST: preflight, restore of named items, restore by filter (at once or as a
//! background job, as the core decides) and following a job. The policies are the core's
//! enums, read by serde under the core's names and described to OpenAPI from the core's lists.

use super::super::auth::Caller;
use super::super::extract::{Json, Path};
use super::super::names::string_enum;
use super::super::problem::{status_of, ApiError, ApiResult, Problem};
use super::listing::FilterParams;
use super::MAX_ITEMS;
use crate::state::AppState;
use axum::extract::State;
use salvage_core::trash::{
    BatchReport, FilterRestore, ItemResult, ItemStatus, JobState, MissingParentPolicy, OnConflict, Outcome, RestoreJob,
    RestoreOptions, RunAs, Target, TrashItem,
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

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
    pub(crate) fn to_options(&self) -> ApiResult<RestoreOptions> {
        let missing_parent = self
            .missing_parent
            .with_fallback(self.fallback_folder_id)
            .ok_or_else(|| ApiError::bad_request("missing_parent fallback needs fallback_folder_id"))?;
        Ok(RestoreOptions {
            target: self.target_folder_id.map_or(Target::Original, Target::Folder),
            missing_parent,
            on_conflict: self.on_conflict,
            all_or_nothing: self.all_or_nothing,
            only: None,
        })
    }
}

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
    pub(crate) fn items(&self) -> ApiResult<Vec<TrashItem>> {
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

pub(super) fn item_problem(e: &salvage_core::Error) -> ItemProblem {
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
