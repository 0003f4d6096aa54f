//! What the operation modules share: the caller, path and item lookups, and the formats
//! infoRouter writes dates, paths and file types in. (Error texts and codes are in `errors`.)

use super::auth::{caller, Unauthenticated};
use super::binding::Call;
use super::errors::{AUTH_FAILED, INVALID_TICKET};
use super::xml::XmlNode;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use salvage_core::model::{path_ids, Actor, Node as Item, NodeKind, UserId};
use salvage_core::Error;

pub(super) const INVALID_IDENTIFIER: &str = "InvalidDocumentIdentifer";
pub(super) const ROOT_LEVEL: &str = "Root level folders cannot be created";

/// The caller, or the node for the authentication failure built by `fail`.
pub(super) async fn actor(
    state: &AppState,
    call: &Call,
    fail: impl Fn(&str, u16) -> XmlNode,
) -> Result<Actor, XmlNode> {
    match caller(state, call).await {
        Ok(a) => Ok(a),
        Err(Unauthenticated::Missing) => Err(fail(AUTH_FAILED, 4010)),
        Err(Unauthenticated::Invalid) => Err(fail(INVALID_TICKET, 4010)),
    }
}

/// The names of a path, `/A/b` or `\A\b`, each checked and in NFC: the core's `split_path`, so
/// a path names here exactly what it names everywhere else.
pub(super) fn segments(path: &str) -> Result<Vec<String>, Error> {
    salvage_core::split_path(path)
}

/// `/Finance/Reports` → `\Finance\Reports`.
pub(super) fn backslashed(path: &str) -> String {
    path.replace('/', "\\")
}

pub(super) fn date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

pub(super) fn date_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

pub(super) fn library_id(item: &Item) -> i64 {
    path_ids(&item.path).first().copied().unwrap_or(item.id)
}

/// A lenient `bool` parameter: `true`/`false` in any case, `1`/`0` (spec §12 #9); anything else
/// (missing included) is `false`.
pub(super) fn flag(call: &Call, name: &str) -> bool {
    let v = call.param(name).trim();
    v.eq_ignore_ascii_case("true") || v == "1"
}

/// A folder (or library) the caller can see, by path.
pub(super) async fn folder_at(state: &AppState, actor: &Actor, path: &str) -> Option<Item> {
    match state.repo.resolve(actor, path).await {
        Ok(n) if n.kind.is_container() => Some(n),
        _ => None,
    }
}

/// Why a document path does not name a document.
#[derive(Debug)]
pub(super) enum Missing {
    NotFound,
    BadIdentifier,
}

/// A document by full path or by short id (`~D1051`, `~D1051.pdf`). A short id goes through
/// its path, so the caller's right to see the document is checked the same way.
pub(super) async fn document_at(state: &AppState, actor: &Actor, path: &str) -> Result<Item, Missing> {
    let path = path.trim();
    let path = if let Some(id) = short_id(path) {
        let id = id?;
        let node = state.repo.node(actor, id).await.map_err(|_| Missing::NotFound)?;
        state.repo.path_of(actor, &node).await.map_err(|_| Missing::NotFound)?
    } else {
        path.to_owned()
    };
    match state.repo.resolve(actor, &path).await {
        Ok(n) if n.kind == NodeKind::Document => Ok(n),
        _ => Err(Missing::NotFound),
    }
}

/// The document id of a short id (`~D1051`, `~D1051.pdf`), `None` for a full path.
pub(super) fn short_id(path: &str) -> Option<Result<i64, Missing>> {
    let short = path.trim().strip_prefix('~')?;
    let Some(rest) = short.strip_prefix('D').or_else(|| short.strip_prefix('d')) else {
        return Some(Err(Missing::BadIdentifier));
    };
    let digits = rest.split_once('.').map_or(rest, |(id, _)| id);
    Some(digits.parse().map_err(|_| Missing::BadIdentifier))
}

/// Every live child of a container, by name.
pub(super) async fn all_children(state: &AppState, actor: &Actor, parent: i64) -> Result<Vec<Item>, Error> {
    let mut items = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = state.repo.children(actor, Some(parent), after.as_deref(), 1000).await?;
        items.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(items),
        }
    }
}

/// A user's display name, where the caller may know it: their own, or anyone's for an
/// administrator. Otherwise empty.
pub(super) async fn user_name(state: &AppState, actor: &Actor, id: UserId) -> String {
    let user = if id == actor.user_id {
        state.repo.user_of(actor).await.ok()
    } else if actor.is_admin {
        state
            .repo
            .users(actor)
            .await
            .ok()
            .and_then(|us| us.into_iter().find(|u| u.id == id))
    } else {
        None
    };
    user.map(|u| {
        let full = format!("{} {}", u.first_name, u.last_name).trim().to_owned();
        if full.is_empty() {
            u.username
        } else {
            full
        }
    })
    .unwrap_or_default()
}

/// What a file is, from its extension (`dformat`, `Type`).
pub(super) fn format_of(name: &str) -> String {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let known = match ext.as_str() {
        "pdf" => "PDF Document",
        "txt" => "Text Document",
        "doc" | "docx" => "Microsoft Word Document",
        "xls" | "xlsx" => "Microsoft Excel Worksheet",
        "ppt" | "pptx" => "Microsoft PowerPoint Presentation",
        "htm" | "html" => "HTML Document",
        "xml" => "XML Document",
        "csv" => "CSV File",
        "rtf" => "Rich Text Document",
        "jpg" | "jpeg" => "JPEG Image",
        "png" => "PNG Image",
        "gif" => "GIF Image",
        "tif" | "tiff" => "TIFF Image",
        "zip" => "ZIP Archive",
        "msg" | "eml" => "E-mail Message",
        "" => "File",
        _ => return format!("{} File", ext.to_ascii_uppercase()),
    };
    known.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_the_extension() {
        assert_eq!(format_of("a.PDF"), "PDF Document");
        assert_eq!(format_of("a.xyz"), "XYZ File");
        assert_eq!(format_of("README"), "File");
    }

    #[test]
    fn paths_split_on_either_slash() {
        assert_eq!(segments("\\A\\b/c/").unwrap(), vec!["A", "b", "c"]);
        assert_eq!(segments("/Caf\u{65}\u{301}").unwrap(), vec!["Caf\u{e9}"]);
        assert!(matches!(segments("/A/b\u{202e}c"), Err(Error::InvalidName { .. })));
        assert_eq!(backslashed("/A/b"), "\\A\\b");
    }
}
