//! What the folder pages' forms do: create a folder, upload documents, rename, move, delete (to
//! the recycle bin, with an undo right after), and the undo itself. Each answers with a redirect
//! back to the folder with the notice's code and ids in its address (see `notice`), or a page
//! that says what went wrong and what to do.

use super::body::Form;
use super::notice::{Done, Report};
use super::pages::{forbidden, message_page};
use super::session::Viewer;
use crate::state::AppState;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use futures_util::TryStreamExt;
use salvage_core::model::Node;
use salvage_core::trash::{RestoreOptions, TrashItem};
use salvage_core::Error;
use serde::Deserialize;
use tokio_util::io::StreamReader;

#[derive(Deserialize)]
pub struct NameForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    target: String,
}

#[derive(Deserialize)]
pub struct CsrfQuery {
    #[serde(default)]
    csrf: String,
}

#[derive(Deserialize)]
pub struct UndoForm {
    #[serde(default)]
    csrf: String,
    item: i64,
    #[serde(default)]
    back: String,
}

/// The folder page of `parent` (the libraries for none), with the notice of `report`.
fn back_to(parent: Option<i64>, report: &Report) -> Response {
    let base = parent.map_or_else(|| "/".to_owned(), |id| format!("/browse/{id}"));
    Redirect::to(&format!("{base}?{}", report.query())).into_response()
}

/// Why an action was refused, and what the user can do.
fn refused(e: &Error) -> Response {
    let (status, what_to_do) = match e {
        Error::NameConflict(_) => (
            StatusCode::CONFLICT,
            "Choose another name, or rename the item that has it.",
        ),
        Error::InvalidName { .. } => (
            StatusCode::BAD_REQUEST,
            "Choose a name without slashes or control characters.",
        ),
        Error::PermissionDenied(_) | Error::InsufficientRights | Error::AccessDenied => (
            StatusCode::FORBIDDEN,
            "Ask the folder's owner or an administrator for the right to do this.",
        ),
        Error::NotFound(_) | Error::TargetNotFound => (
            StatusCode::NOT_FOUND,
            "It may have been moved or deleted meanwhile; reload the folder.",
        ),
        Error::InvalidTarget(_) => (StatusCode::BAD_REQUEST, "Choose another folder."),
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Try again; if it keeps failing, tell your administrator.",
        ),
    };
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        tracing::error!(error = %e, "a page action failed");
    }
    message_page(status, &format!("That did not work: {e}. {what_to_do}"))
}

/// `POST /browse/{id}/folders`
pub async fn create_folder(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(parent): Path<i64>,
    Form(form): Form<NameForm>,
) -> Response {
    if !viewer.check(&form.csrf) {
        return forbidden();
    }
    match state.repo.create_folder(&viewer.actor, parent, form.name.trim()).await {
        Ok(folder) => back_to(Some(parent), &Report::of(Done::FolderCreated, folder.id)),
        Err(e) => refused(&e),
    }
}

/// `POST /browse/{id}/upload?csrf=…`: every file part is streamed into the repository (a new
/// document, or a new version of one with the same name).
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(parent): Path<i64>,
    Query(q): Query<CsrfQuery>,
    mut form: Multipart,
) -> Response {
    if !viewer.check(&q.csrf) {
        return forbidden();
    }
    let mut stored = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                return message_page(
                    StatusCode::BAD_REQUEST,
                    &format!("The upload was cut off ({e}). Try again."),
                )
            }
        };
        let Some(name) = field
            .file_name()
            .map(|n| n.rsplit(['/', '\\']).next().unwrap_or_default().to_owned())
        else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let mut content = StreamReader::new(field.map_err(std::io::Error::other));
        match state.repo.upload(&viewer.actor, parent, &name, &mut content).await {
            Ok((doc, _)) => stored.push(doc.id),
            Err(e) => return refused(&e),
        }
    }
    if stored.is_empty() {
        return message_page(
            StatusCode::BAD_REQUEST,
            "No file was chosen. Choose one or more files and try again.",
        );
    }
    back_to(Some(parent), &Report::uploaded(&stored))
}

async fn item(state: &AppState, viewer: &Viewer, id: i64) -> Result<Node, Response> {
    state.repo.node(&viewer.actor, id).await.map_err(|e| refused(&e))
}

/// `POST /nodes/{id}/rename`
pub async fn rename(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<NameForm>,
) -> Response {
    if !viewer.check(&form.csrf) {
        return forbidden();
    }
    match state.repo.rename(&viewer.actor, id, form.name.trim()).await {
        Ok(node) => back_to(node.parent_id, &Report::of(Done::Renamed, node.id)),
        Err(e) => refused(&e),
    }
}

/// `POST /nodes/{id}/move`: into the folder at a path.
pub async fn move_item(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> Response {
    if !viewer.check(&form.csrf) {
        return forbidden();
    }
    let node = match item(&state, &viewer, id).await {
        Ok(n) => n,
        Err(r) => return r,
    };
    let target = match state.repo.resolve(&viewer.actor, form.target.trim()).await {
        Ok(t) => t,
        Err(_) => {
            return message_page(
                StatusCode::NOT_FOUND,
                &format!("There is no folder \u{201c}{}\u{201d} you can see. Check the path (for example /Finance/Reports) and try again.", form.target.trim()),
            )
        }
    };
    match state.repo.move_node(&viewer.actor, id, target.id).await {
        Ok(moved) => {
            let mut report = Report::of(Done::Moved, moved.id);
            report.to = Some(target.id);
            back_to(node.parent_id, &report)
        }
        Err(e) => refused(&e),
    }
}

/// `POST /nodes/{id}/delete`: to the recycle bin; the folder page then offers to undo it.
pub async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<CsrfQuery>,
) -> Response {
    if !viewer.check(&form.csrf) {
        return forbidden();
    }
    let node = match item(&state, &viewer, id).await {
        Ok(n) => n,
        Err(r) => return r,
    };
    match state.repo.delete(&viewer.actor, id).await {
        Ok(record) => back_to(node.parent_id, &Report::of(Done::Deleted, record.id)),
        Err(e) => refused(&e),
    }
}

/// `POST /trash/undo`: puts one just-deleted item back where it was.
pub async fn undo(State(state): State<AppState>, viewer: Viewer, Form(form): Form<UndoForm>) -> Response {
    if !viewer.check(&form.csrf) {
        return forbidden();
    }
    let back = if form.back.starts_with('/') && !form.back.starts_with("//") {
        form.back.clone()
    } else {
        "/".to_owned()
    };
    match state
        .repo
        .restore_one(&viewer.actor, TrashItem::Record(form.item), RestoreOptions::default())
        .await
    {
        Ok(restored) => {
            let report = Report::of(Done::Back, restored.node_id);
            Redirect::to(&format!("{back}?{}", report.query())).into_response()
        }
        Err(e) => message_page(
            StatusCode::CONFLICT,
            &format!(
                "It could not be put back: {e}. Open the recycle bin to restore it elsewhere or under another name."
            ),
        ),
    }
}
