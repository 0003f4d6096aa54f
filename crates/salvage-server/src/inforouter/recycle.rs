//! The recycle-bin operations, each a translation of core calls and core errors into the
//! strings and codes infoRouter clients expect (spec §6 and the RestoreRecycleBinItem page).

use super::auth::{caller, require, Unauthenticated};
use super::binding::{Answer, Call};
use super::errors::{self, system_error, AUTH_FAILED, INVALID_TICKET};
use super::xml::XmlNode;
use super::Operation;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt};
use salvage_core::model::{Actor, NodeKind, RecordId, Stage, TrashRecord};
use salvage_core::params::{parse_time, Bound};
use salvage_core::store::{TrashCursor, TrashFilter, TrashSort};
use salvage_core::trash::{ItemClass, RestoreOptions, Target, TrashItem};
use salvage_core::Error;
use salvage_core::Page;

pub const OPERATIONS: &[Operation] = &[
    Operation {
        name: "DeleteDocument",
        params: &["AuthenticationTicket", "Path"],
    },
    Operation {
        name: "DeleteFolder",
        params: &["AuthenticationTicket", "Path"],
    },
    Operation {
        name: "GetRecycleBinContent",
        params: &["AuthenticationTicket"],
    },
    Operation {
        name: "SearchRecycledItems",
        params: &[
            "authenticationTicket",
            "objectName",
            "dateDeletedMinDate",
            "dateDeletedMaxDate",
            "minSize",
            "maxSize",
            "deletedByUsername",
        ],
    },
    Operation {
        name: "RestoreRecycleBinItem",
        params: &["AuthenticationTicket", "ItemHandler", "RestorePath"],
    },
    Operation {
        name: "PurgeRecycleBinItem",
        params: &["AuthenticationTicket", "ItemHandler"],
    },
    Operation {
        name: "EmptyRecycleBin",
        params: &["AuthenticationTicket"],
    },
];

/// Runs the call if it is one of this module's operations.
pub async fn run(state: &AppState, call: &Call) -> Option<Answer> {
    Some(match call.operation.as_str() {
        "DeleteDocument" => delete_document(state, call).await.into(),
        "DeleteFolder" => delete_folder(state, call).await.into(),
        "GetRecycleBinContent" => get_recycle_bin_content(state, call).await,
        "SearchRecycledItems" => search_recycled_items(state, call).await,
        "RestoreRecycleBinItem" => restore_recycle_bin_item(state, call).await.into(),
        "PurgeRecycleBinItem" => purge_recycle_bin_item(state, call).await.into(),
        "EmptyRecycleBin" => empty_recycle_bin(state, call).await.into(),
        _ => return None,
    })
}

pub(crate) const ONLY_ADMIN: &str = "Only the system administrator can perform this operation.";
const INVALID_HANDLER: &str = "Invalid ItemHandler";

/// What a handler names: a deleted document or folder, by trash record id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handler {
    pub document: bool,
    pub record: RecordId,
}

/// `D{id}` or `F{id}`, the prefix in any case.
pub fn parse_handler(s: &str) -> Option<Handler> {
    let s = s.trim();
    let (prefix, id) = s.split_at_checked(1)?;
    let document = match prefix {
        "D" | "d" => true,
        "F" | "f" => false,
        _ => return None,
    };
    let record: RecordId = id.parse().ok().filter(|&n| n > 0)?;
    Some(Handler { document, record })
}

impl std::fmt::Display for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let prefix = if self.document { 'D' } else { 'F' };
        write!(f, "{prefix}{}", self.record)
    }
}

fn handler_of(r: &TrashRecord) -> String {
    Handler {
        document: r.kind == NodeKind::Document,
        record: r.id,
    }
    .to_string()
}

fn not_in_bin(document: bool) -> &'static str {
    if document {
        "Document is no longer in the recycle bin."
    } else {
        "Folder is no longer in the recycle bin."
    }
}

/// The folder an item was deleted from, in infoRouter's backslash form (`\Finance\Reports`).
fn delete_path(original_path: &str) -> String {
    let folder = original_path.rsplit_once('/').map_or("", |(f, _)| f);
    folder.replace('/', "\\")
}

/// One `<document …/>` or `<folder …/>`, attributes in the documented order.
fn item(r: &TrashRecord) -> XmlNode {
    let (status, label) = match r.stage {
        Stage::UserBin => ("0", "In User Recycle Bin"),
        Stage::SystemBin => ("1", "In System Recycle Bin"),
    };
    XmlNode::new(if r.kind == NodeKind::Document {
        "document"
    } else {
        "folder"
    })
    .attr("Name", r.name.clone())
    .attr("DateDeleted", r.deleted_at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
    .attr("TotalSize", r.total_size.to_string())
    .attr("OriginalFolderId", r.original_parent_id.unwrap_or(0).to_string())
    .attr("DeletePath", delete_path(&r.original_path))
    .attr("DeletedById", r.deleted_by.to_string())
    .attr("DeletedByName", r.deleted_by_name.clone())
    .attr("RecycledItemStatusId", status)
    .attr("RecycledItemStatus", label)
    .attr("Handler", handler_of(r))
}

/// Records per page of a streamed listing: few round trips, and a page's text stays a few
/// hundred kilobytes.
const LISTING_PAGE: u32 = 1000;

/// Every record matching `filter` as a `<response>` list, newest first, read and sent a page at
/// a time so that memory does not grow with the bin. The first page is read before anything is
/// sent, so a failure there is still an ordinary error answer.
async fn listing(state: &AppState, actor: &Actor, filter: &TrashFilter) -> Answer {
    let repo = state.repo.clone();
    let first = match repo
        .trash(actor, filter, TrashSort::NEWEST_FIRST, None, LISTING_PAGE)
        .await
    {
        Ok(page) => page,
        Err(e) => return system_error("response", &e).into(),
    };
    if first.items.is_empty() {
        return XmlNode::ok("response").into();
    }
    let (actor, filter) = (actor.clone(), filter.clone());
    let pages = stream::try_unfold(Next::Page(first), move |next| {
        let (repo, actor, filter) = (repo.clone(), actor.clone(), filter.clone());
        async move {
            let page = match next {
                Next::Done => return Ok(None),
                Next::Page(page) => page,
                Next::After(cursor) => {
                    repo.trash(&actor, &filter, TrashSort::NEWEST_FIRST, Some(&cursor), LISTING_PAGE)
                        .await?
                }
            };
            let mut text = String::new();
            for r in &page.items {
                item(r).render(&mut text, false);
            }
            let next = page.next.map_or(Next::Done, Next::After);
            Ok(Some((text, next)))
        }
    });
    Answer::Listing {
        root: XmlNode::ok("response"),
        items: pages.boxed(),
    }
}

/// Where a streamed listing goes on from.
enum Next {
    Page(Page<TrashRecord, TrashCursor>),
    After(TrashCursor),
    Done,
}

/// GetRecycleBinContent(AuthenticationTicket): the caller's own bin, both stages.
pub async fn get_recycle_bin_content(state: &AppState, call: &Call) -> Answer {
    let actor = match require(
        state,
        call,
        "response",
        (AUTH_FAILED, 4010),
        (&format!("{INVALID_TICKET}."), 4010),
    )
    .await
    {
        Ok(a) => a,
        Err(refusal) => return refusal.into(),
    };
    listing(
        state,
        &actor,
        &TrashFilter {
            deleted_by: Some(actor.user_id),
            ..TrashFilter::default()
        },
    )
    .await
}

/// A date parameter (`yyyy-MM-dd`, or a `dateTime` as SOAP clients send it: UTC unless a zone
/// is given), read by the parser every face shares; empty is no bound. A refusal is worded as
/// infoRouter's .NET server words it.
pub(crate) fn date_param(value: &str, end_of_day: bool, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let bound = if end_of_day { Bound::Until } else { Bound::From };
    parse_time("date", v, bound, now)
        .map(Some)
        .map_err(|_| format!("String '{v}' was not recognized as a valid DateTime."))
}

fn size_param(value: &str) -> Result<Option<i64>, String> {
    match value.trim() {
        "" | "0" => Ok(None),
        v => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("Input string '{v}' was not in a correct format.")),
    }
}

/// SearchRecycledItems: every user's items and the system bin, administrators only.
pub async fn search_recycled_items(state: &AppState, call: &Call) -> Answer {
    let actor = match require(state, call, "response", (AUTH_FAILED, 4010), (INVALID_TICKET, 4010)).await {
        Ok(a) => a,
        Err(refusal) => return refusal.into(),
    };
    if !actor.is_admin {
        return XmlNode::failure("response", ONLY_ADMIN, 4030).into();
    }
    let now = state.repo.clock().now();
    let parsed = (|| {
        Ok::<_, String>(TrashFilter {
            name_contains: Some(call.param("objectName").trim().to_owned()).filter(|s| !s.is_empty()),
            since: date_param(call.param("dateDeletedMinDate"), false, now)?,
            until: date_param(call.param("dateDeletedMaxDate"), true, now)?,
            min_size: size_param(call.param("minSize"))?,
            max_size: size_param(call.param("maxSize"))?,
            ..TrashFilter::default()
        })
    })();
    let mut filter = match parsed {
        Ok(f) => f,
        Err(message) => return XmlNode::failure("response", &message, 4000).into(),
    };
    let username = call.param("deletedByUsername").trim();
    if !username.is_empty() {
        match state.repo.find_user(&actor, username).await {
            Ok(u) => filter.deleted_by = Some(u.id),
            Err(_) => return XmlNode::failure("response", "User not found", 4041).into(),
        }
    }
    listing(state, &actor, &filter).await
}

/// RestoreRecycleBinItem(AuthenticationTicket, ItemHandler, RestorePath), as its page says.
pub async fn restore_recycle_bin_item(state: &AppState, call: &Call) -> XmlNode {
    let actor = match require(state, call, "response", (AUTH_FAILED, 4000), (INVALID_TICKET, 4010)).await {
        Ok(a) => a,
        Err(refusal) => return refusal,
    };
    let Some(handler) = parse_handler(call.param("ItemHandler")) else {
        return XmlNode::failure("response", INVALID_HANDLER, 4000);
    };
    // One transaction: the core finds the folder of a `RestorePath` inside the restore, after
    // the item's own checks (not in the bin, access, then the target), and treats a handler of
    // the wrong kind as naming nothing in the bin.
    let restore_path = call.param("RestorePath").trim();
    let options = RestoreOptions {
        target: match restore_path {
            "" => Target::Original,
            path => Target::Path(path.to_owned()),
        },
        only: Some(if handler.document {
            ItemClass::Document
        } else {
            ItemClass::Container
        }),
        ..RestoreOptions::default()
    };
    match state
        .repo
        .restore_one(&actor, TrashItem::Record(handler.record), options)
        .await
    {
        Ok(_) => XmlNode::ok("response"),
        Err(e) => errors::RESTORE
            .not_in_trash(not_in_bin(handler.document))
            .failure(&e)
            .node("response"),
    }
}

/// PurgeRecycleBinItem(AuthenticationTicket, ItemHandler): administrators only; purging a
/// handler that is no longer in the bin succeeds (idempotent, spec §12 #5).
pub async fn purge_recycle_bin_item(state: &AppState, call: &Call) -> XmlNode {
    let actor = match require(state, call, "response", (AUTH_FAILED, 4010), (INVALID_TICKET, 4010)).await {
        Ok(a) => a,
        Err(refusal) => return refusal,
    };
    let Some(handler) = parse_handler(call.param("ItemHandler")) else {
        return XmlNode::failure("response", INVALID_HANDLER, 4000);
    };
    if !actor.is_admin {
        return XmlNode::failure("response", ONLY_ADMIN, 4030);
    }
    match state.repo.trash_record(&actor, handler.record).await {
        Ok(r) if (r.kind == NodeKind::Document) == handler.document => {}
        _ => return XmlNode::ok("response"),
    }
    match state.repo.purge(&actor, &[TrashItem::Record(handler.record)]).await {
        Ok(results) => match results.into_iter().next().map(|r| r.outcome) {
            Some(Err(e)) if !matches!(e, Error::NotInTrash(_)) => system_error("response", &e),
            _ => XmlNode::ok("response"),
        },
        Err(e) => system_error("response", &e),
    }
}

/// EmptyRecycleBin(AuthenticationTicket): the caller's bin moves to the system bin, where
/// administrators can still restore it until retention purges it.
pub async fn empty_recycle_bin(state: &AppState, call: &Call) -> XmlNode {
    let actor = match require(state, call, "response", (AUTH_FAILED, 4010), (INVALID_TICKET, 4010)).await {
        Ok(a) => a,
        Err(refusal) => return refusal,
    };
    match state.repo.empty(&actor, false).await {
        Ok(_) => XmlNode::ok("response"),
        // A role that may not work the trash is refused like any other missing right, not
        // reported as a failure of the server.
        Err(e) => errors::EMPTY_RECYCLE_BIN.failure(&e).node("response"),
    }
}

/// DeleteDocument(AuthenticationTicket, Path): to the caller's recycle bin.
pub async fn delete_document(state: &AppState, call: &Call) -> XmlNode {
    // A documented quirk: no ticket at all reads "User not found".
    let actor = match require(state, call, "root", ("User not found", 4041), (INVALID_TICKET, 4010)).await {
        Ok(a) => a,
        Err(refusal) => return refusal,
    };
    let node = match state.repo.resolve(&actor, call.param("Path")).await {
        Ok(n) if n.kind == NodeKind::Document => n,
        _ => return XmlNode::failure("root", "Document not found", 4041),
    };
    match state.repo.delete(&actor, node.id).await {
        Ok(_) => XmlNode::new("root").attr("success", "true"),
        // Deleted (or moved away) by someone else since the path was resolved.
        Err(e) => errors::DELETE_DOCUMENT.failure(&e).node("root"),
    }
}

/// DeleteFolder(AuthenticationTicket, Path): the folder and everything in it, to the bin. Its
/// documented errors carry no `success` attribute.
pub async fn delete_folder(state: &AppState, call: &Call) -> XmlNode {
    let failure = |error: &str, code: u16| {
        XmlNode::new("response")
            .attr("error", error)
            .attr("errorCode", code.to_string())
    };
    let actor = match caller(state, call).await {
        Ok(a) => a,
        Err(Unauthenticated::Missing) => return failure("User not found", 4041),
        Err(Unauthenticated::Invalid) => return failure(INVALID_TICKET, 4010),
    };
    let node = match state.repo.resolve(&actor, call.param("Path")).await {
        Ok(n) if n.kind == NodeKind::Library => return failure("Top-level domain cannot be deleted", 4030),
        Ok(n) if n.kind == NodeKind::Folder => n,
        _ => return failure("Folder not found.", 4041),
    };
    match state.repo.delete(&actor, node.id).await {
        Ok(_) => XmlNode::new("response").attr("success", "true"),
        // Deleted (or moved away) by someone else since the path was resolved.
        Err(e) => errors::DELETE_FOLDER.failure(&e).bare(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_the_forms_clients_send() {
        let now = Utc::now();
        let at = |v: &str| date_param(v, false, now).unwrap().unwrap().to_rfc3339();
        assert_eq!(at("2024-01-15"), "2024-01-15T00:00:00+00:00");
        assert_eq!(at("2024-01-15T10:23:45"), "2024-01-15T10:23:45+00:00");
        assert_eq!(at("2024-01-15T10:23:45.5"), "2024-01-15T10:23:45.500+00:00");
        assert_eq!(at("2024-01-15 10:23:45"), "2024-01-15T10:23:45+00:00");
        assert_eq!(at("2024-01-15T10:23:45+02:00"), "2024-01-15T08:23:45+00:00");
        assert_eq!(
            date_param("2024-01-15", true, now).unwrap().unwrap().to_rfc3339(),
            "2024-01-15T23:59:59.999+00:00"
        );
        assert_eq!(date_param(" ", false, now), Ok(None));
        assert!(date_param("yesterday", false, now).is_err());
    }

    #[test]
    fn handlers_parse_in_any_case_and_refuse_the_rest() {
        assert_eq!(
            parse_handler("D9871"),
            Some(Handler {
                document: true,
                record: 9871
            })
        );
        assert_eq!(
            parse_handler("f4312"),
            Some(Handler {
                document: false,
                record: 4312
            })
        );
        for bad in ["", "D", "X12", "D-1", "D0", "Dabc", "9871", "D 1", "é1"] {
            assert_eq!(parse_handler(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn delete_paths_are_the_containing_folder_with_backslashes() {
        assert_eq!(delete_path("/Finance/Reports/Q1.pdf"), "\\Finance\\Reports");
        assert_eq!(delete_path("/Finance"), "");
    }
}
