//! The bin's listing page: the filter form (read into the core's filter), the sortable columns
//! and keyset pages.

use super::super::pages::{form_time, human_size, input_message, page};
use super::super::session::Viewer;
use super::super::sorting::SortHeader;
use super::Options;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use salvage_core::model::{NodeKind, Stage, TrashRecord};
use salvage_core::params::Bound;
use salvage_core::store::{TrashCursor, TrashFilter, TrashOrder, TrashSort};
use salvage_core::trash::OnConflict;
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
    pub(super) fn is_filtered(&self) -> bool {
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
    pub(super) async fn filter(&self, state: &AppState, viewer: &Viewer) -> Result<TrashFilter, String> {
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
    pub(super) fn fields(&self) -> Vec<(&'static str, String)> {
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
