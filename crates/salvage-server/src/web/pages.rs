//! Signing in and out, and browsing libraries and folders.

use super::body::Form;
use super::notice::{notice, Notice, NoticeQuery};
use super::session::Viewer;
use super::sorting::SortHeader;
use crate::client::ClientInfo;
use crate::cookie::{clear_cookie, set_cookie};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use salvage_core::model::{path_ids, Node, NodeKind};
use salvage_core::store::{ChildCursor, ChildOrder, ChildSort};
use salvage_core::Error;
use serde::Deserialize;

/// Items on one page of a folder.
const PAGE_SIZE: u32 = 100;

/// Renders a template, or a plain error page if rendering itself fails.
pub(super) fn page(template: impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page could not be rendered");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be rendered; please try again.",
            )
                .into_response()
        }
    }
}

// --- signing in ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    error: Option<String>,
    login: String,
    tenant: String,
}

pub async fn login_form() -> Response {
    page(
        LoginPage {
            error: None,
            login: String::new(),
            tenant: String::new(),
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    #[serde(default)]
    tenant: String,
}

/// After repeated failures the sign-in is refused for a while without checking the password
/// (429, with `Retry-After`).
pub async fn login(State(state): State<AppState>, client: ClientInfo, Form(form): Form<LoginForm>) -> Response {
    let tenant = Some(form.tenant.trim()).filter(|t| !t.is_empty());
    let login = state
        .repo
        .login(tenant, form.login.trim(), &form.password, client.address)
        .await;
    match login {
        Ok((ticket, _)) => ([(header::SET_COOKIE, set_cookie(&ticket, &client))], Redirect::to("/")).into_response(),
        Err(Error::TooManyAttempts { retry_after_secs }) => {
            let again = LoginPage {
                error: Some(format!(
                    "Too many failed attempts to sign in. Wait {retry_after_secs} seconds, then try again."
                )),
                login: form.login,
                tenant: form.tenant,
            };
            let mut response = page(again, StatusCode::TOO_MANY_REQUESTS);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after_secs.into());
            response
        }
        Err(e) => {
            let error = match e {
                Error::AuthenticationFailed => {
                    "The user name or password is wrong. Check them and try again.".to_owned()
                }
                Error::PermissionDenied(why) => format!("You cannot sign in here: {why}."),
                other => format!("Signing in failed: {other}. Try again in a moment."),
            };
            page(
                LoginPage {
                    error: Some(error),
                    login: form.login,
                    tenant: form.tenant,
                },
                StatusCode::UNAUTHORIZED,
            )
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    client: ClientInfo,
    viewer: Viewer,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !viewer.check(&form.csrf) {
        return forbidden();
    }
    if let Err(e) = state.repo.logout(&viewer.ticket).await {
        tracing::warn!(error = %e, "could not end a session");
    }
    ([(header::SET_COOKIE, clear_cookie(&client))], Redirect::to("/login")).into_response()
}

pub(super) fn forbidden() -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "This form has expired or came from another site. Go back, reload the page and try again.",
    )
}

/// A page that says what happened and what to do, with a way back.
pub(super) fn message_page(status: StatusCode, message: &str) -> Response {
    let message = askama::filters::escape(message, askama::filters::Html)
        .map(|m| m.to_string())
        .unwrap_or_default();
    (
        status,
        Html(format!(
            "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>salvage</title><link rel=\"stylesheet\" href=\"/static/salvage.css\"><main><h1>Not done</h1><p role=\"alert\">{message}</p><p><a href=\"/\">Back to the libraries</a> · <a href=\"/trash\">Recycle bin</a></p></main></html>"
        )),
    )
        .into_response()
}

// --- browsing -----------------------------------------------------------------------------------

struct Crumb {
    id: i64,
    name: String,
}

/// One row of a folder listing.
struct Row {
    id: i64,
    name: String,
    kind: &'static str,
    is_container: bool,
    size: String,
    modified: String,
    modified_iso: String,
}

impl Row {
    fn of(node: &Node) -> Row {
        Row {
            id: node.id,
            name: node.name.clone(),
            kind: match node.kind {
                NodeKind::Library => "Library",
                NodeKind::Folder => "Folder",
                NodeKind::Document => "Document",
            },
            is_container: node.kind.is_container(),
            size: if node.kind.is_container() {
                String::new()
            } else {
                human_size(node.size)
            },
            modified: node.modified_at.format("%Y-%m-%d %H:%M").to_string(),
            modified_iso: node.modified_at.to_rfc3339(),
        }
    }
}

/// A time field of a filter form, read in the parameter language every face shares (a date as
/// `<input type="date">` sends it, RFC 3339, a time today or an age); empty is no bound. A date
/// alone is its whole day: from its first moment, or up to its last for an upper bound.
pub(super) fn form_time(
    field: &str,
    value: &str,
    bound: salvage_core::params::Bound,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    salvage_core::params::parse_time(field, value, bound, now)
        .map(Some)
        .map_err(input_message)
}

/// A refusal of what the user typed, as a sentence for the form (without the error's category).
pub(super) fn input_message(error: salvage_core::Error) -> String {
    match error {
        salvage_core::Error::InvalidInput(message) => format!("{message}."),
        other => other.to_string(),
    }
}

pub(super) fn human_size(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// The sortable columns of a folder table.
struct BrowseHeaders {
    name: SortHeader,
    kind: SortHeader,
    size: SortHeader,
    modified: SortHeader,
}

impl BrowseHeaders {
    /// Name and type start A to Z and folders first; size and modified start with the largest
    /// and the newest, as people look for those first.
    fn new(here: &str, current: ChildSort) -> BrowseHeaders {
        let header = |label, by, first_descending: bool| {
            let first = ChildSort::new(by, first_descending);
            SortHeader::new(
                label,
                current,
                first,
                first.reversed(),
                |s: ChildSort| s.descending,
                order_words,
                |s: ChildSort| format!("{here}?sort={}", s.as_str()),
            )
        };
        BrowseHeaders {
            name: header("Name", ChildOrder::Name, false),
            kind: header("Type", ChildOrder::Type, false),
            size: header("Size", ChildOrder::Size, true).numeric(),
            modified: header("Modified", ChildOrder::Modified, true),
        }
    }
}

/// A folder order in words, as the end of "sorted by ...".
fn order_words(sort: ChildSort) -> &'static str {
    match (sort.by, sort.descending) {
        (ChildOrder::Name, false) => "name, A to Z",
        (ChildOrder::Name, true) => "name, Z to A",
        (ChildOrder::Type, false) => "type, folders first",
        (ChildOrder::Type, true) => "type, documents first",
        (ChildOrder::Size, true) => "size, largest first",
        (ChildOrder::Size, false) => "size, smallest first",
        (ChildOrder::Modified, true) => "last modified, newest first",
        (ChildOrder::Modified, false) => "last modified, oldest first",
    }
}

#[derive(Template)]
#[template(path = "browse.html")]
struct BrowsePage {
    viewer: Viewer,
    title: String,
    crumbs: Vec<Crumb>,
    items: Vec<Row>,
    /// The address of the next page, in the same order.
    next: Option<String>,
    /// The folder shown (none for the list of libraries).
    folder_id: Option<i64>,
    /// This page's address, to come back to after an undo.
    here: String,
    notice: Option<Notice>,
    headers: BrowseHeaders,
    /// The order, in words.
    sorted_by: &'static str,
}

#[derive(Deserialize)]
pub struct PageQuery {
    /// The order: `name` (default), `name-desc`, `type`, `size-desc`, ... Unknown ones are the
    /// default.
    sort: Option<String>,
    /// Where the page starts: the `next` cursor of the page before, in the same order.
    after: Option<String>,
    /// What an action just did: a notice code and the ids it is about, never words.
    #[serde(flatten)]
    notice: NoticeQuery,
}

impl PageQuery {
    fn sort(&self) -> ChildSort {
        self.sort.as_deref().and_then(ChildSort::parse).unwrap_or_default()
    }

    /// The cursor, if it is one of this page's order. Links come back from browsers, so a
    /// damaged one, or one from another order, is not followed: the page starts at the top
    /// (`Err` says so).
    fn cursor(&self) -> Result<Option<ChildCursor>, ()> {
        match self.after.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            None => Ok(None),
            Some(text) => match text.parse::<ChildCursor>() {
                Ok(cursor) if cursor.sort() == self.sort() => Ok(Some(cursor)),
                _ => Err(()),
            },
        }
    }
}

/// `/`: the libraries the viewer can see.
pub async fn libraries(State(state): State<AppState>, viewer: Viewer, Query(q): Query<PageQuery>) -> Response {
    listing(&state, viewer, None, q).await
}

/// `/browse/{id}`: one library or folder.
pub async fn folder(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Response {
    listing(&state, viewer, Some(id), q).await
}

async fn listing(state: &AppState, viewer: Viewer, id: Option<i64>, q: PageQuery) -> Response {
    let sort = q.sort();
    let (after, notice) = match q.cursor() {
        Ok(after) => (after, notice(state, &viewer, id, &q.notice).await),
        Err(()) => (
            None,
            Some(Notice::plain(
                "That page link is damaged or belongs to another order, so the first page is shown.",
            )),
        ),
    };
    let actor = viewer.actor.clone();
    let (title, crumbs) = match id {
        None => ("Libraries".to_owned(), Vec::new()),
        Some(id) => match breadcrumbs(state, &viewer, id).await {
            Ok(found) => found,
            Err(response) => return response,
        },
    };
    let page_of = match state
        .repo
        .children_sorted(&actor, id, sort, after.as_ref(), PAGE_SIZE)
        .await
    {
        Ok(p) => p,
        Err(e) => return failure(&e),
    };
    let here = id.map_or_else(|| "/".to_owned(), |id| format!("/browse/{id}"));
    let next = page_of.next.map(|cursor| {
        let query = [("sort", sort.as_str().to_owned()), ("after", cursor.to_string())];
        format!("{here}?{}", serde_urlencoded::to_string(query).unwrap_or_default())
    });
    page(
        BrowsePage {
            viewer,
            title,
            crumbs,
            items: page_of.items.iter().map(Row::of).collect(),
            next,
            folder_id: id,
            headers: BrowseHeaders::new(&here, sort),
            sorted_by: order_words(sort),
            here,
            notice,
        },
        StatusCode::OK,
    )
}

/// The folder's title and the path to it, one link per level.
async fn breadcrumbs(state: &AppState, viewer: &Viewer, id: i64) -> Result<(String, Vec<Crumb>), Response> {
    let node = state.repo.node(&viewer.actor, id).await.map_err(|e| failure(&e))?;
    if !node.kind.is_container() {
        return Err(Redirect::to(&format!("/api/v1/documents/{id}/content")).into_response());
    }
    let path = state
        .repo
        .path_of(&viewer.actor, &node)
        .await
        .map_err(|e| failure(&e))?;
    let names = path.split('/').filter(|s| !s.is_empty());
    let crumbs = path_ids(&node.path)
        .into_iter()
        .zip(names)
        .map(|(id, name)| Crumb {
            id,
            name: name.to_owned(),
        })
        .collect();
    Ok((node.name, crumbs))
}

/// An error page that says what happened and what to do.
fn failure(e: &Error) -> Response {
    let (status, message) = match e {
        Error::NotFound(_) => (
            StatusCode::NOT_FOUND,
            "This item does not exist, is in the recycle bin, or you may not see it. Go back to the libraries and look for it there.",
        ),
        Error::PermissionDenied(_) => (
            StatusCode::FORBIDDEN,
            "You may not open this folder. Ask its owner or an administrator for access.",
        ),
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on the server. Try again in a moment; if it keeps happening, tell your administrator.",
        ),
    };
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        tracing::error!(error = %e, "a page failed");
    }
    message_page(status, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 MB");
    }
}
