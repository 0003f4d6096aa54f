//! The recycle bin pages: the listing with its filters, the preflight of a restore (the same
//! run the restore would make, rolled back, so it predicts exactly) and the restore itself.

use super::body::FormBody;
use super::pages::{forbidden, form_time, human_size, input_message, message_page, page};
use super::session::Viewer;
use super::sorting::SortHeader;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use salvage_core::model::{NodeKind, Stage, TrashRecord};
use salvage_core::params::Bound;
use salvage_core::store::{TrashCursor, TrashFilter, TrashOrder, TrashSort};
use salvage_core::trash::{
    BatchReport, FilterRestore, JobState, MissingParent, OnConflict, Outcome, RestoreOptions, RunAs, Target, TrashItem,
};
use salvage_core::Error;
use serde::Deserialize;

const PAGE_SIZE: u32 = 50;

/// The filter form, as the browser sends it: every field a string, empty when unused.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TrashQuery {
    name: String,
    deleted_by: String,
    since: String,
    until: String,
    path: String,
    #[serde(rename = "type")]
    kind: String,
    stage: String,
    min_kb: String,
    /// "Deleted items in this folder": the folder's id.
    folder: String,
    /// The order (`newest`, `oldest`, `name`, `name-desc`, `largest`, `smallest`); unknown
    /// ones are the default, newest first.
    sort: String,
    cursor: String,
}

impl TrashQuery {
    fn is_filtered(&self) -> bool {
        [
            &self.name,
            &self.deleted_by,
            &self.since,
            &self.until,
            &self.path,
            &self.kind,
            &self.stage,
            &self.min_kb,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
    }

    /// The core's filter, or what is wrong with the form in words the user can act on.
    async fn filter(&self, state: &AppState, viewer: &Viewer) -> Result<TrashFilter, String> {
        let deleted_by = match self.deleted_by.trim() {
            "" => None,
            user => Some(
                state
                    .repo
                    .user_param(&viewer.actor, "Deleted by", user)
                    .await
                    .map_err(input_message)?,
            ),
        };
        let now = state.repo.clock().now();
        let min_size = match self.min_kb.trim() {
            "" => None,
            kb => Some(
                kb.parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .map(|n| n * 1024)
                    .ok_or_else(|| format!("\"{kb}\" is not a size in KB; give a whole number."))?,
            ),
        };
        let filter = TrashFilter {
            deleted_by,
            since: form_time("since", &self.since, Bound::From, now)?,
            until: form_time("until", &self.until, Bound::Until, now)?,
            name_contains: Some(self.name.trim().to_owned()).filter(|n| !n.is_empty()),
            // Anything but a document or a folder (an empty field included) is no filter.
            kind: NodeKind::parse(&self.kind).filter(|k| *k != NodeKind::Library),
            min_size,
            max_size: None,
            stage: Stage::parse(&self.stage),
            original_parent: match self.folder.trim() {
                "" => None,
                id => Some(id.parse().map_err(|_| format!("\"{id}\" is not a folder id."))?),
            },
            ..TrashFilter::default()
        };
        Ok(filter.under(&self.path))
    }

    fn sort(&self) -> TrashSort {
        TrashSort::parse(self.sort.trim()).unwrap_or_default()
    }

    /// The cursor, if it is one of this page's order. Links come back from browsers, so a
    /// damaged one, or one from another order, is not followed: the page starts at the top
    /// (`Err` says so).
    fn cursor(&self) -> Result<Option<TrashCursor>, ()> {
        match self.cursor.trim() {
            "" => Ok(None),
            text => match text.parse::<TrashCursor>() {
                Ok(cursor) if cursor.sort() == self.sort() => Ok(Some(cursor)),
                _ => Err(()),
            },
        }
    }

    /// The filters that are set, as (form field, value).
    fn fields(&self) -> Vec<(&'static str, String)> {
        let pairs = [
            ("name", self.name.as_str()),
            ("deleted_by", &self.deleted_by),
            ("since", &self.since),
            ("until", &self.until),
            ("path", &self.path),
            ("type", &self.kind),
            ("stage", &self.stage),
            ("min_kb", &self.min_kb),
            ("folder", &self.folder),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, v.to_string()))
            .collect()
    }

    /// This query's address in the order `sort`, from `cursor` on (or from the top).
    fn link(&self, sort: TrashSort, cursor: Option<&TrashCursor>) -> String {
        let mut query = self.fields();
        if sort != TrashSort::default() {
            query.push(("sort", sort.as_str().to_owned()));
        }
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor.to_string()));
        }
        match serde_urlencoded::to_string(query).unwrap_or_default() {
            query if query.is_empty() => "/trash".to_owned(),
            query => format!("/trash?{query}"),
        }
    }

    /// The sortable columns: name A to Z first, deleted and size newest and largest first.
    fn headers(&self) -> TrashHeaders {
        let current = self.sort();
        let header = |label, first: TrashSort| {
            SortHeader::new(
                label,
                current,
                first,
                first.reversed(),
                |s: TrashSort| s.descending,
                trash_order_words,
                |s| self.link(s, None),
            )
        };
        TrashHeaders {
            name: header("Name", TrashSort::NAME),
            deleted: header("Deleted", TrashSort::NEWEST_FIRST),
            size: header("Size", TrashSort::LARGEST_FIRST).numeric(),
        }
    }
}

/// A bin order in words, as the end of "sorted by ...".
fn trash_order_words(sort: TrashSort) -> &'static str {
    match (sort.by, sort.descending) {
        (TrashOrder::DeletedAt, true) => "deletion, newest first",
        (TrashOrder::DeletedAt, false) => "deletion, oldest first",
        (TrashOrder::Name, false) => "name, A to Z",
        (TrashOrder::Name, true) => "name, Z to A",
        (TrashOrder::Size, true) => "size, largest first",
        (TrashOrder::Size, false) => "size, smallest first",
    }
}

/// The sortable columns of the bin's table.
struct TrashHeaders {
    name: SortHeader,
    deleted: SortHeader,
    size: SortHeader,
}

struct Row {
    id: i64,
    name: String,
    kind: &'static str,
    from: String,
    deleted_by: String,
    deleted: String,
    deleted_iso: String,
    count: i64,
    size: String,
    stage: &'static str,
}

impl Row {
    fn of(r: &TrashRecord) -> Row {
        Row {
            id: r.id,
            name: r.name.clone(),
            kind: if r.kind == NodeKind::Document {
                "document"
            } else {
                "folder"
            },
            from: r.original_path.rsplit_once('/').map_or("/", |(f, _)| f).to_owned(),
            deleted_by: r.deleted_by_name.clone(),
            deleted: r.deleted_at.format("%Y-%m-%d %H:%M").to_string(),
            deleted_iso: r.deleted_at.to_rfc3339(),
            count: r.item_count,
            size: human_size(r.total_size),
            stage: match r.stage {
                Stage::UserBin => "user's bin",
                Stage::SystemBin => "system bin",
            },
        }
    }
}

/// The restore choices, as the forms carry them.
#[derive(Default)]
pub(super) struct Options {
    target: String,
    conflict: String,
    recreate: bool,
}

#[derive(Template)]
#[template(path = "trash.html")]
struct TrashPage {
    viewer: Viewer,
    q: TrashQuery,
    filtered: bool,
    error: Option<String>,
    items: Vec<Row>,
    next: Option<String>,
    options: Options,
    /// The filters as form fields, for "restore everything that matches".
    filter_fields: Vec<(&'static str, String)>,
    headers: TrashHeaders,
    /// The order, in words.
    sorted_by: &'static str,
    /// Said when a page link could not be followed.
    notice: Option<&'static str>,
}

/// `GET /trash`: the bin, filtered, sorted (newest first unless asked otherwise) and paged.
pub async fn list(State(state): State<AppState>, viewer: Viewer, Query(q): Query<TrashQuery>) -> Response {
    let sort = q.sort();
    let (after, notice) = match q.cursor() {
        Ok(after) => (after, None),
        Err(()) => (
            None,
            Some("That page link is damaged or belongs to another order, so the first page is shown."),
        ),
    };
    let (items, next, error) = match q.filter(&state, &viewer).await {
        Err(message) => (Vec::new(), None, Some(message)),
        Ok(filter) => match state
            .repo
            .trash(&viewer.actor, &filter, sort, after.as_ref(), PAGE_SIZE)
            .await
        {
            Ok(p) => (
                p.items.iter().map(Row::of).collect(),
                p.next.map(|c| q.link(sort, Some(&c))),
                None,
            ),
            Err(e) => (
                Vec::new(),
                None,
                Some(format!("The recycle bin could not be read: {e}.")),
            ),
        },
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    page(
        TrashPage {
            filtered: q.is_filtered(),
            filter_fields: q.fields(),
            headers: q.headers(),
            sorted_by: trash_order_words(sort),
            notice,
            viewer,
            q,
            error,
            items,
            next,
            options: Options {
                conflict: OnConflict::default().as_str().into(),
                ..Default::default()
            },
        },
        status,
    )
}

pub(super) struct OutcomeRow {
    pub(super) name: String,
    pub(super) result: &'static str,
    pub(super) details: String,
    pub(super) class: &'static str,
}

#[derive(Template)]
#[template(path = "outcome.html")]
pub(super) struct OutcomePage {
    pub(super) viewer: Viewer,
    pub(super) heading: &'static str,
    pub(super) summary: String,
    pub(super) rows: Vec<OutcomeRow>,
    pub(super) dry_run: bool,
    /// Where the confirmation of a dry run posts, with `ids` or `filter_fields`.
    pub(super) confirm_action: &'static str,
    pub(super) ids: Vec<i64>,
    pub(super) filter_fields: Vec<(&'static str, String)>,
    pub(super) options: Options,
}

/// A submitted restore form: the selected records and the choices.
pub(super) struct RestoreForm {
    pub(super) csrf: String,
    pub(super) ids: Vec<i64>,
    options: Options,
}

impl RestoreForm {
    pub(super) fn parse(body: &[u8]) -> Result<RestoreForm, String> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(body).map_err(|_| "The form could not be read.".to_owned())?;
        let mut form = RestoreForm {
            csrf: String::new(),
            ids: Vec::new(),
            options: Options {
                conflict: OnConflict::default().as_str().into(),
                ..Default::default()
            },
        };
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => form.csrf = v,
                "item" => form
                    .ids
                    .push(v.parse().map_err(|_| format!("\"{v}\" is not an item of the bin."))?),
                "target" => form.options.target = v.trim().to_owned(),
                "conflict" => form.options.conflict = v,
                "recreate" => form.options.recreate = true,
                _ => {}
            }
        }
        Ok(form)
    }

    async fn restore_options(&self, state: &AppState, viewer: &Viewer) -> Result<RestoreOptions, String> {
        let target = match self.options.target.as_str() {
            "" => Target::Original,
            path => match state.repo.resolve(&viewer.actor, path).await {
                Ok(folder) if folder.kind.is_container() => Target::Folder(folder.id),
                _ => return Err(format!("There is no folder \"{path}\" you can see. Check the path, or leave it empty to restore where the items were.")),
            },
        };
        Ok(RestoreOptions {
            target,
            missing_parent: if self.options.recreate {
                MissingParent::Recreate
            } else {
                MissingParent::Error
            },
            on_conflict: OnConflict::parse(&self.options.conflict).unwrap_or_default(),
            all_or_nothing: false,
        })
    }
}

/// What the user can do about a refusal.
pub(super) fn advice(e: &Error) -> String {
    let what_to_do = match e {
        Error::NameConflict(_) => "Choose \"restore it under a new name\", or restore it to another folder.",
        Error::OriginalLocationMissing => "Tick \"re-create the original folder\", or restore it to another folder.",
        Error::InsufficientRights => "Restore it to a folder where you may add items, or ask an administrator.",
        Error::AccessDenied => "Ask the person who deleted it, or an administrator, to restore it.",
        Error::NotInTrash(_) => "It was restored or purged meanwhile; reload the recycle bin.",
        Error::TargetNotFound => "Check the folder path.",
        _ => "Try again; if it keeps failing, tell your administrator.",
    };
    format!("{e}. {what_to_do}")
}

/// A trash item's name among `names`, or its number for one the viewer cannot see.
pub(super) fn item_name(item: TrashItem, names: &[(i64, String)]) -> String {
    match item {
        TrashItem::Record(id) => names
            .iter()
            .find(|(i, _)| *i == id)
            .map_or_else(|| format!("item {id}"), |(_, n)| n.clone()),
        TrashItem::Node(id) => format!("item {id}"),
    }
}

fn rows(report: &BatchReport) -> Vec<OutcomeRow> {
    report
        .results
        .iter()
        .map(|r| {
            let name = r.name.clone().unwrap_or_else(|| item_name(r.item, &[]));
            match &r.outcome {
                Outcome::Restored(done) => OutcomeRow {
                    name,
                    result: if report.dry_run { "Can be restored" } else { "Restored" },
                    details: match &done.renamed_from {
                        Some(_) => format!("to {} (renamed: the name was taken)", done.path),
                        None => format!("to {}", done.path),
                    },
                    class: "",
                },
                Outcome::Skipped(e) => OutcomeRow {
                    name,
                    result: "Skipped",
                    details: e.to_string(),
                    class: "",
                },
                Outcome::Failed(e) => OutcomeRow {
                    name,
                    result: if report.dry_run {
                        "Cannot be restored"
                    } else {
                        "Not restored"
                    },
                    details: advice(e),
                    class: "refused",
                },
            }
        })
        .collect()
}

fn summary(report: &BatchReport) -> String {
    let (restored, skipped, failed) = report.counts();
    if report.dry_run {
        format!("{restored} can be restored, {skipped} would be skipped, {failed} cannot be restored. Nothing has changed yet.")
    } else {
        format!("{restored} restored, {skipped} skipped, {failed} not restored.")
    }
}

/// `POST /trash/preflight` and `POST /trash/restore`: the same run, rolled back or kept.
pub async fn preflight(state: State<AppState>, viewer: Viewer, body: FormBody) -> Response {
    run(state, viewer, body, true).await
}

pub async fn restore(state: State<AppState>, viewer: Viewer, body: FormBody) -> Response {
    run(state, viewer, body, false).await
}

async fn run(State(state): State<AppState>, viewer: Viewer, body: FormBody, dry_run: bool) -> Response {
    let form = match RestoreForm::parse(&body) {
        Ok(f) => f,
        Err(message) => return message_page(StatusCode::BAD_REQUEST, &message),
    };
    if !viewer.check(&form.csrf) {
        return forbidden();
    }
    if form.ids.is_empty() {
        return message_page(
            StatusCode::BAD_REQUEST,
            "No item was selected. Go back, tick the items to restore, and try again.",
        );
    }
    let options = match form.restore_options(&state, &viewer).await {
        Ok(o) => o,
        Err(message) => return message_page(StatusCode::BAD_REQUEST, &message),
    };
    let items: Vec<TrashItem> = form.ids.iter().map(|id| TrashItem::Record(*id)).collect();
    let report = if dry_run {
        state.repo.preflight(&viewer.actor, &items, options).await
    } else {
        state.repo.restore(&viewer.actor, &items, options).await
    };
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            return message_page(
                StatusCode::BAD_REQUEST,
                &format!("The restore could not run: {}", advice(&e)),
            )
        }
    };
    let summary = summary(&report);
    page(
        OutcomePage {
            viewer,
            heading: if dry_run {
                "Check before restoring"
            } else {
                "Restore finished"
            },
            summary,
            rows: rows(&report),
            dry_run,
            confirm_action: "/trash/restore",
            ids: form.ids,
            filter_fields: Vec::new(),
            options: form.options,
        },
        StatusCode::OK,
    )
}

// --- everything that matches a filter -----------------------------------------------------------

/// `POST /trash/by-filter/preflight` and `…/restore`: the filters travel as form fields.
pub async fn by_filter_preflight(state: State<AppState>, viewer: Viewer, body: FormBody) -> Response {
    by_filter(state, viewer, body, true).await
}

pub async fn by_filter_restore(state: State<AppState>, viewer: Viewer, body: FormBody) -> Response {
    by_filter(state, viewer, body, false).await
}

async fn by_filter(State(state): State<AppState>, viewer: Viewer, body: FormBody, dry_run: bool) -> Response {
    let (form, q) = match (
        RestoreForm::parse(&body),
        serde_urlencoded::from_bytes::<TrashQuery>(&body),
    ) {
        (Ok(f), Ok(q)) => (f, q),
        _ => {
            return message_page(
                StatusCode::BAD_REQUEST,
                "The form could not be read. Go back and try again.",
            )
        }
    };
    if !viewer.check(&form.csrf) {
        return forbidden();
    }
    let filter = match q.filter(&state, &viewer).await {
        Ok(f) => f,
        Err(message) => return message_page(StatusCode::BAD_REQUEST, &message),
    };
    let options = match form.restore_options(&state, &viewer).await {
        Ok(o) => o,
        Err(message) => return message_page(StatusCode::BAD_REQUEST, &message),
    };
    // A long restore runs in the background; its page shows the progress.
    let run = if dry_run { RunAs::Preflight } else { RunAs::Auto };
    let report = match state.repo.restore_by_filter(&viewer.actor, &filter, options, run).await {
        Ok(FilterRestore::Done(report)) => report,
        Ok(FilterRestore::Started(job)) => {
            return axum::response::Redirect::to(&format!("/trash/jobs/{}", job.id)).into_response()
        }
        Err(e) => return message_page(StatusCode::BAD_REQUEST, &advice(&e)),
    };
    if report.results.is_empty() {
        return message_page(StatusCode::OK, "Nothing in the recycle bin matches these filters.");
    }
    page(
        OutcomePage {
            summary: summary(&report),
            rows: rows(&report),
            heading: if dry_run {
                "Check before restoring"
            } else {
                "Restore finished"
            },
            dry_run,
            confirm_action: "/trash/by-filter/restore",
            ids: Vec::new(),
            filter_fields: q.fields(),
            options: form.options,
            viewer,
        },
        StatusCode::OK,
    )
}

/// The names of trash records, for the outcome table (one listing page per 1,000 items, never
/// a lookup per item).
pub(super) async fn record_names(state: &AppState, viewer: &Viewer, items: &[TrashItem]) -> Vec<(i64, String)> {
    let wanted: std::collections::HashSet<i64> = items
        .iter()
        .filter_map(|i| match i {
            TrashItem::Record(id) => Some(*id),
            TrashItem::Node(_) => None,
        })
        .collect();
    let mut names = Vec::new();
    let mut after = None;
    loop {
        let Ok(p) = state
            .repo
            .trash(
                &viewer.actor,
                &TrashFilter::default(),
                TrashSort::default(),
                after.as_ref(),
                1000,
            )
            .await
        else {
            return names;
        };
        names.extend(
            p.items
                .iter()
                .filter(|r| wanted.contains(&r.id))
                .map(|r| (r.id, r.name.clone())),
        );
        match p.next {
            Some(next) if names.len() < wanted.len() => after = Some(next),
            _ => return names,
        }
    }
}

#[derive(Template)]
#[template(path = "job.html")]
struct JobPage {
    running: bool,
    total: usize,
    done: usize,
    restored: usize,
    skipped: usize,
    failed: usize,
    error: Option<String>,
}

/// `GET /trash/jobs/{id}`: a background restore's progress; the page refreshes itself.
pub async fn job(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Response {
    let Ok(job) = state.repo.restore_job(&viewer.actor, &id) else {
        return message_page(StatusCode::NOT_FOUND, "There is no such restore. It may have been started on another server, or the server restarted since; check the recycle bin.");
    };
    page(
        JobPage {
            running: job.state == JobState::Running,
            total: job.total,
            done: job.done,
            restored: job.restored,
            skipped: job.skipped,
            failed: job.failed,
            error: job.error,
        },
        StatusCode::OK,
    )
}
