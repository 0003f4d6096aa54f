//! The folder and document operations (spec §7 and §8): creating, listing and finding folders and
//! documents, moving items, and uploading and downloading content. Every rule is the core's; this
//! module turns paths, core results and core errors into infoRouter's strings and codes.

use super::auth::{caller, Unauthenticated, AUTH_FAILED, INVALID_TICKET};
use super::binding::{Binding, Call};
use super::xml::Node;
use super::Operation;
use crate::state::AppState;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use salvage_core::model::{path_ids, Actor, Node as Item, NodeKind, UserId};
use salvage_core::Error;
use tokio::io::AsyncReadExt;

pub const OPERATIONS: &[Operation] = &[
    Operation {
        name: "CreateFolder",
        params: &["AuthenticationTicket", "Path"],
    },
    Operation {
        name: "CreateFolder1",
        params: &[
            "AuthenticationTicket",
            "ParentFolderPath",
            "NewFolderName",
            "Description",
        ],
    },
    Operation {
        name: "FolderExists",
        params: &["AuthenticationTicket", "Path"],
    },
    Operation {
        name: "GetFolder",
        params: &[
            "AuthenticationTicket",
            "Path",
            "WithRules",
            "withPropertySets",
            "withSecurity",
            "withOwner",
        ],
    },
    Operation {
        name: "GetFolders",
        params: &[
            "AuthenticationTicket",
            "Path",
            "WithRules",
            "withPropertySets",
            "withSecurity",
            "withOwner",
        ],
    },
    Operation {
        name: "GetFolders1",
        params: &["AuthenticationTicket", "Path"],
    },
    Operation {
        name: "GetDocuments1",
        params: &["AuthenticationTicket", "Path"],
    },
    Operation {
        name: "GetFoldersAndDocuments1",
        params: &["AuthenticationTicket", "Path"],
    },
    Operation {
        name: "GetDocument",
        params: &[
            "AuthenticationTicket",
            "Path",
            "withPropertySets",
            "withSecurity",
            "withOwner",
            "withVersions",
        ],
    },
    Operation {
        name: "DocumentExists",
        params: &["AuthenticationTicket", "Path"],
    },
    Operation {
        name: "Move",
        params: &["AuthenticationTicket", "SourcePath", "DestinationPath"],
    },
    Operation {
        name: "UploadDocument",
        params: &["AuthenticationTicket", "Path", "FileContent"],
    },
    Operation {
        name: "UploadDocument1",
        params: &["AuthenticationTicket", "Path", "FileContent", "VersionComment"],
    },
    Operation {
        name: "DownloadDocument",
        params: &["AuthenticationTicket", "Path"],
    },
];

/// Runs the call if it is one of this module's operations.
pub async fn run(state: &AppState, call: &Call) -> Option<Node> {
    Some(match call.operation.as_str() {
        "CreateFolder" => create_folder(state, call).await,
        "CreateFolder1" => create_folder1(state, call).await,
        "FolderExists" => folder_exists(state, call).await,
        "GetFolder" => get_folder(state, call).await,
        "GetFolders" => get_folders(state, call).await,
        "GetFolders1" => get_folders1(state, call).await,
        "GetDocuments1" => listing(state, call, false, true).await,
        "GetFoldersAndDocuments1" => listing(state, call, true, true).await,
        "GetDocument" => get_document(state, call).await,
        "DocumentExists" => document_exists(state, call).await,
        "Move" => move_item(state, call).await,
        "UploadDocument" | "UploadDocument1" => upload_document(state, call).await,
        "DownloadDocument" => download_document(state, call).await,
        _ => return None,
    })
}

const FOLDER_NOT_FOUND: &str = "Folder not found";
const DOCUMENT_NOT_FOUND: &str = "Document not found";
const INVALID_IDENTIFIER: &str = "InvalidDocumentIdentifer";
const ROOT_LEVEL: &str = "Root level folders cannot be created";

/// `<response error="…" errorCode="…" />`: the documented failure shape without `success`
/// (CreateFolder, FolderExists, GetFolder, GetFolders1; spec §12 #24).
fn bare_failure(error: &str, code: u16) -> Node {
    Node::new("response")
        .attr("error", error)
        .attr("errorCode", code.to_string())
}

fn system_error(root: &'static str, e: &Error) -> Node {
    Node::failure(root, &format!("SystemError:{e}"), 5000)
}

fn conflict(name: &str) -> String {
    format!("An item named \"{name}\" already exists in the target folder.")
}

/// The caller, or the node for the authentication failure built by `fail`.
async fn actor(state: &AppState, call: &Call, fail: impl Fn(&str, u16) -> Node) -> Result<Actor, Node> {
    match caller(state, call).await {
        Ok(a) => Ok(a),
        Err(Unauthenticated::Missing) => Err(fail(AUTH_FAILED, 4010)),
        Err(Unauthenticated::Invalid) => Err(fail(INVALID_TICKET, 4010)),
    }
}

/// The names of a path, `/A/b` or `\A\b`.
fn segments(path: &str) -> Vec<&str> {
    path.split(['/', '\\']).filter(|s| !s.is_empty()).collect()
}

/// `/Finance/Reports` → `\Finance\Reports`.
fn backslashed(path: &str) -> String {
    path.replace('/', "\\")
}

fn date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

fn date_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn library_id(item: &Item) -> i64 {
    path_ids(&item.path).first().copied().unwrap_or(item.id)
}

/// A lenient `bool` parameter: `true`/`false` in any case, `1`/`0` (spec §12 #9); anything else
/// (missing included) is `false`.
fn flag(call: &Call, name: &str) -> bool {
    let v = call.param(name).trim();
    v.eq_ignore_ascii_case("true") || v == "1"
}

/// A folder (or library) the caller can see, by path.
async fn folder_at(state: &AppState, actor: &Actor, path: &str) -> Option<Item> {
    match state.repo.resolve(actor, path).await {
        Ok(n) if n.kind.is_container() => Some(n),
        _ => None,
    }
}

/// Why a document path does not name a document.
enum Missing {
    NotFound,
    BadIdentifier,
}

/// A document by full path or by short id (`~D1051`, `~D1051.pdf`). A short id goes through
/// its path, so the caller's right to see the document is checked the same way.
async fn document_at(state: &AppState, actor: &Actor, path: &str) -> Result<Item, Missing> {
    let path = path.trim();
    let path = if let Some(short) = path.strip_prefix('~') {
        let rest = short
            .strip_prefix('D')
            .or_else(|| short.strip_prefix('d'))
            .ok_or(Missing::BadIdentifier)?;
        let digits = rest.split_once('.').map_or(rest, |(id, _)| id);
        let id: i64 = digits.parse().map_err(|_| Missing::BadIdentifier)?;
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

/// Every live child of a container, by name.
async fn all_children(state: &AppState, actor: &Actor, parent: i64) -> Result<Vec<Item>, Error> {
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
async fn user_name(state: &AppState, actor: &Actor, id: UserId) -> String {
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
fn format_of(name: &str) -> String {
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

// --- folders ------------------------------------------------------------------------------------

fn created_folder(folder: &Item) -> Node {
    Node::new("response")
        .attr("success", "true")
        .attr("FolderId", folder.id.to_string())
        .attr("FolderName", folder.name.clone())
}

fn create_error(e: &Error) -> Node {
    match e {
        Error::NotFound(_) | Error::InvalidTarget(_) => bare_failure(&format!("{FOLDER_NOT_FOUND}."), 4041),
        Error::PermissionDenied(_) => bare_failure("Access denied", 4030),
        Error::InvalidName { name, .. } => bare_failure(&format!("Invalid folder name: \"{name}\""), 4000),
        Error::NameConflict(name) => bare_failure(&conflict(name), 4090),
        e => system_error("response", e),
    }
}

/// CreateFolder(AuthenticationTicket, Path): every missing folder on the path; the library must
/// exist. An existing folder is returned as created (the core's `ensure_folder_path`).
async fn create_folder(state: &AppState, call: &Call) -> Node {
    let actor = match actor(state, call, bare_failure).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let path = call.param("Path");
    let names = segments(path);
    if names.len() < 2 {
        return bare_failure(ROOT_LEVEL, 4030);
    }
    if folder_at(state, &actor, names[0]).await.is_none() {
        return bare_failure(&format!("{FOLDER_NOT_FOUND}."), 4041);
    }
    match state.repo.ensure_folder_path(&actor, &names.join("/")).await {
        Ok(folder) => created_folder(&folder),
        Err(e) => create_error(&e),
    }
}

/// CreateFolder1(ParentFolderPath, NewFolderName, Description): one folder in an existing one.
/// The core keeps no folder description, so `Description` is accepted and not stored.
async fn create_folder1(state: &AppState, call: &Call) -> Node {
    let actor = match actor(state, call, bare_failure).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let parent_path = call.param("ParentFolderPath");
    if segments(parent_path).is_empty() {
        return bare_failure(ROOT_LEVEL, 4030);
    }
    let Some(parent) = folder_at(state, &actor, parent_path).await else {
        return bare_failure(&format!("{FOLDER_NOT_FOUND}."), 4041);
    };
    match state
        .repo
        .create_folder(&actor, parent.id, call.param("NewFolderName").trim())
        .await
    {
        Ok(folder) => created_folder(&folder),
        Err(e) => create_error(&e),
    }
}

/// FolderExists(AuthenticationTicket, Path).
async fn folder_exists(state: &AppState, call: &Call) -> Node {
    let actor = match actor(state, call, bare_failure).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    match folder_at(state, &actor, call.param("Path")).await {
        Some(_) => Node::new("response").attr("success", "true"),
        None => bare_failure(&format!("{FOLDER_NOT_FOUND}."), 4041),
    }
}

/// `<folder FolderID ParentID Name Path Description CreationDate OwnerName DomainID />`, the
/// real 8.0 shape (spec §12 #17).
async fn folder_node(state: &AppState, actor: &Actor, folder: &Item, with_parent: bool) -> Node {
    let path = state.repo.path_of(actor, folder).await.unwrap_or_default();
    let mut node = Node::new("folder").attr("FolderID", folder.id.to_string());
    if with_parent {
        node = node.attr("ParentID", folder.parent_id.unwrap_or(0).to_string());
    }
    node = node
        .attr("Name", folder.name.clone())
        .attr("Path", backslashed(&path))
        .attr("Description", "")
        .attr("CreationDate", date_time(folder.created_at))
        .attr("OwnerName", user_name(state, actor, folder.created_by).await);
    if with_parent {
        node = node.attr("DomainID", library_id(folder).to_string());
    }
    node
}

/// GetFolder(AuthenticationTicket, Path, WithRules, withPropertySets, withSecurity, withOwner).
/// salvage keeps no rules or property sets; the flags are read and add nothing.
async fn get_folder(state: &AppState, call: &Call) -> Node {
    let actor = match actor(state, call, bare_failure).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let Some(folder) = folder_at(state, &actor, call.param("Path")).await else {
        return bare_failure(&format!("{FOLDER_NOT_FOUND}."), 4041);
    };
    let mut node = Node::ok("response");
    node.push(folder_node(state, &actor, &folder, true).await);
    node
}

/// GetFolders(AuthenticationTicket, Path, …): the subfolders of a folder (LEGACY 8.0 shape).
async fn get_folders(state: &AppState, call: &Call) -> Node {
    let actor = match actor(state, call, |e, c| Node::failure("response", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let Some(folder) = folder_at(state, &actor, call.param("Path")).await else {
        return Node::failure("response", FOLDER_NOT_FOUND, 4041);
    };
    let children = match all_children(state, &actor, folder.id).await {
        Ok(c) => c,
        Err(Error::PermissionDenied(_)) => return Node::failure("response", "Access denied", 4030),
        Err(e) => return system_error("response", &e),
    };
    let mut node = Node::ok("response");
    for child in children.iter().filter(|c| c.kind.is_container()) {
        node.push(folder_node(state, &actor, child, false).await);
    }
    node
}

/// GetFolders1(AuthenticationTicket, Path): `<f id n/>` items and `itemcount` (spec §12 #18).
async fn get_folders1(state: &AppState, call: &Call) -> Node {
    let actor = match actor(state, call, bare_failure).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let Some(folder) = folder_at(state, &actor, call.param("Path")).await else {
        return bare_failure(&format!("{FOLDER_NOT_FOUND}."), 4041);
    };
    let children = match all_children(state, &actor, folder.id).await {
        Ok(c) => c,
        Err(Error::PermissionDenied(_)) => return bare_failure("Access denied", 4030),
        Err(e) => return system_error("response", &e),
    };
    let folders: Vec<&Item> = children.iter().filter(|c| c.kind.is_container()).collect();
    let mut node = Node::new("response")
        .attr("success", "true")
        .attr("itemcount", folders.len().to_string());
    for f in folders {
        node.push(short_folder(f));
    }
    node
}

fn short_folder(f: &Item) -> Node {
    Node::new("f").attr("id", f.id.to_string()).attr("n", f.name.clone())
}

fn short_document(d: &Item) -> Node {
    Node::new("d")
        .attr("id", d.id.to_string())
        .attr("n", d.name.clone())
        .attr("mdate", date(d.modified_at))
        .attr("cdate", date(d.created_at))
        .attr("size", d.size.to_string())
        .attr("dformat", format_of(&d.name))
        .attr("chkoutbyusername", "")
        .attr("chkoutbyfullname", "")
        .attr("version", d.current_version.to_string())
        .attr("publishedversion", d.published_version.to_string())
        .attr("regdate", date(d.created_at))
        .attr("dtype", d.doc_type_id.unwrap_or(0).to_string())
}

/// GetDocuments1 and GetFoldersAndDocuments1 (AuthenticationTicket, Path): folders (`<f/>`)
/// first, then documents (`<d/>`), under the documented root attributes.
async fn listing(state: &AppState, call: &Call, folders: bool, documents: bool) -> Node {
    let actor = match actor(state, call, |e, c| Node::failure("response", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let Some(folder) = folder_at(state, &actor, call.param("Path")).await else {
        return Node::failure("response", FOLDER_NOT_FOUND, 4041);
    };
    let children = match all_children(state, &actor, folder.id).await {
        Ok(c) => c,
        Err(Error::PermissionDenied(_)) => return Node::failure("response", "Access denied", 4030),
        Err(e) => return system_error("response", &e),
    };
    let path = match state.repo.path_of(&actor, &folder).await {
        Ok(p) => p,
        Err(e) => return system_error("response", &e),
    };
    let mut items: Vec<Node> = Vec::new();
    if folders {
        items.extend(children.iter().filter(|c| c.kind.is_container()).map(short_folder));
    }
    if documents {
        items.extend(
            children
                .iter()
                .filter(|c| c.kind == NodeKind::Document)
                .map(short_document),
        );
    }
    let mut node = Node::ok("response")
        .attr("folderid", folder.id.to_string())
        .attr("parentid", folder.parent_id.unwrap_or(0).to_string())
        .attr("name", folder.name.clone())
        .attr("path", path)
        .attr("folderfilter", "")
        .attr("documentfilter", "")
        .attr("itemcount", items.len().to_string());
    for item in items {
        node.push(item);
    }
    node
}

// --- documents ----------------------------------------------------------------------------------

fn missing_document(m: Missing, period: bool) -> Node {
    match m {
        Missing::NotFound if period => Node::failure("response", &format!("{DOCUMENT_NOT_FOUND}."), 4041),
        Missing::NotFound => Node::failure("response", DOCUMENT_NOT_FOUND, 4041),
        Missing::BadIdentifier => Node::failure("response", INVALID_IDENTIFIER, 4000),
    }
}

/// GetDocument(AuthenticationTicket, Path, withPropertySets, withSecurity, withOwner,
/// withVersions): the documented attributes salvage has values for, in the documented order.
async fn get_document(state: &AppState, call: &Call) -> Node {
    let actor = match actor(state, call, |e, c| Node::failure("response", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let doc = match document_at(state, &actor, call.param("Path")).await {
        Ok(d) => d,
        Err(m) => return missing_document(m, true),
    };
    let full_path = match state.repo.path_of(&actor, &doc).await {
        Ok(p) => p,
        Err(e) => return system_error("response", &e),
    };
    let folder_path = full_path.rsplit_once('/').map_or("", |(f, _)| f);
    let library = match state.repo.node(&actor, library_id(&doc)).await {
        Ok(l) => l,
        Err(e) => return system_error("response", &e),
    };
    let folder_name = folder_path.rsplit_once('/').map_or("", |(_, n)| n).to_owned();
    let doc_type_name = match doc.doc_type_id {
        Some(t) => state
            .repo
            .doc_types(&actor)
            .await
            .ok()
            .and_then(|ts| ts.into_iter().find(|d| d.id == t))
            .map(|d| d.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let versions = match state.repo.versions(&actor, doc.id).await {
        Ok(v) => v,
        Err(e) => return system_error("response", &e),
    };
    let owner = user_name(state, &actor, doc.created_by).await;
    let mut document = Node::new("document")
        .attr("DocumentID", doc.id.to_string())
        .attr("Name", doc.name.clone())
        .attr("Path", backslashed(folder_path))
        .attr("Description", "")
        .attr("UpdateInstructions", "")
        .attr("CreationDate", date_time(doc.created_at))
        .attr("ModificationDate", date_time(doc.modified_at))
        .attr("CheckoutDate", "")
        .attr("CheckoutBy", "")
        .attr("CheckoutByUserName", "")
        .attr("Size", doc.size.to_string())
        .attr("Type", format_of(&doc.name))
        .attr("PercentComplete", "0")
        .attr("CompletionDate", "")
        .attr("Importance", "0")
        .attr("RetentionDate", "")
        .attr("DispositionDate", "")
        .attr("CutoffDate", "")
        .attr("RDDefId", "0")
        .attr("ExpirationDate", "")
        .attr("RegisterDate", date_time(doc.created_at))
        .attr("RegisteredBy", owner.clone())
        .attr("DocTypeID", doc.doc_type_id.unwrap_or(0).to_string())
        .attr("DocTypeName", doc_type_name)
        .attr("VersionNumber", doc.current_version.to_string())
        .attr("PublishedVersionNumber", doc.published_version.to_string())
        .attr("PublishingRule", "")
        .attr("OwnerName", owner)
        .attr("WorkflowId", "0")
        .attr("DomainId", library.id.to_string())
        .attr("DomainName", library.name.clone())
        .attr("FolderId", doc.parent_id.unwrap_or(0).to_string())
        .attr("Foldername", folder_name)
        .attr("IsShortcut", "FALSE")
        .attr("VersionCount", versions.len().to_string())
        .attr("UserViewStatus", "");
    if flag(call, "withVersions") {
        let mut list = Node::new("Versions");
        for v in &versions {
            list.push(
                Node::new("Version")
                    .attr("VersionId", (v.number * 1_000_000).to_string())
                    .attr("VersionNumber", v.number.to_string())
                    .attr("Size", v.size.to_string())
                    .attr("CreationDate", date_time(v.created_at))
                    .attr("AuthorName", user_name(state, &actor, v.created_by).await),
            );
        }
        document.push(list);
    }
    let mut node = Node::ok("response");
    node.push(document);
    node
}

/// The CRC-32 (IEEE) of a version's content.
async fn crc32_of(state: &AppState, actor: &Actor, doc: &Item, number: i64) -> Result<u32, Error> {
    let (_, mut reader) = state.repo.open_version(actor, doc.id, Some(number)).await?;
    let mut hasher = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buf).await.map_err(|e| Error::Blob(e.to_string()))?;
        if n == 0 {
            return Ok(hasher.finalize());
        }
        hasher.update(&buf[..n]);
    }
}

/// DocumentExists(AuthenticationTicket, Path): `CRC32LASTVERSION` is the latest version's
/// checksum, `CRC32` the published version's (the latest's when nothing is published).
async fn document_exists(state: &AppState, call: &Call) -> Node {
    let actor = match actor(state, call, |e, c| Node::failure("response", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let doc = match document_at(state, &actor, call.param("Path")).await {
        Ok(d) => d,
        Err(m) => return missing_document(m, false),
    };
    let last = match crc32_of(state, &actor, &doc, doc.current_version).await {
        Ok(c) => c,
        Err(e) => return system_error("response", &e),
    };
    let published = if doc.published_version > 0 && doc.published_version != doc.current_version {
        match crc32_of(state, &actor, &doc, doc.published_version).await {
            Ok(c) => c,
            Err(e) => return system_error("response", &e),
        }
    } else {
        last
    };
    Node::new("response")
        .attr("success", "true")
        .attr("CRC32LASTVERSION", format!("{last:08x}"))
        .attr("CRC32", format!("{published:08x}"))
}

/// Move(AuthenticationTicket, SourcePath, DestinationPath): a document or folder into a folder.
async fn move_item(state: &AppState, call: &Call) -> Node {
    let actor = match actor(state, call, |e, c| Node::failure("response", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let Ok(source) = state.repo.resolve(&actor, call.param("SourcePath")).await else {
        return Node::failure("response", "Source not found.", 4041);
    };
    let Ok(target) = state.repo.resolve(&actor, call.param("DestinationPath")).await else {
        return Node::failure("response", "Destination folder not found.", 4041);
    };
    match state.repo.move_node(&actor, source.id, target.id).await {
        Ok(_) => Node::ok("response"),
        Err(Error::NotFound(_)) => Node::failure("response", "Source not found.", 4041),
        Err(Error::NameConflict(name)) => Node::failure("response", &conflict(&name), 4090),
        Err(Error::PermissionDenied(_)) => Node::failure("response", "Access denied.", 4030),
        Err(Error::InvalidTarget(why)) => Node::failure("response", &format!("Invalid destination: {why}."), 4000),
        Err(e) => system_error("response", &e),
    }
}

/// `FileContent`: base64, from SOAP (`base64Binary`, possibly folded over lines) or a form
/// (where an unescaped `+` arrives as a space).
fn file_content(call: &Call) -> Option<Vec<u8>> {
    let raw = call.param("FileContent");
    let cleaned: String = match call.binding {
        Binding::Get | Binding::Post => raw
            .chars()
            .filter(|c| !matches!(c, '\r' | '\n' | '\t'))
            .map(|c| if c == ' ' { '+' } else { c })
            .collect(),
        Binding::Soap(_) => raw.chars().filter(|c| !c.is_ascii_whitespace()).collect(),
    };
    STANDARD.decode(cleaned).ok()
}

/// UploadDocument(AuthenticationTicket, Path, FileContent) and UploadDocument1 (+
/// VersionComment, which the core does not keep): a new document, or a new version of the one
/// at `Path`. The folder must exist.
async fn upload_document(state: &AppState, call: &Call) -> Node {
    let actor = match actor(state, call, |e, c| Node::failure("root", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let path = call.param("Path");
    let names = segments(path);
    let Some((name, folder)) = names.split_last() else {
        return Node::failure("root", FOLDER_NOT_FOUND, 4041);
    };
    if folder.is_empty() {
        return Node::failure("root", FOLDER_NOT_FOUND, 4041);
    }
    let Some(parent) = folder_at(state, &actor, &folder.join("/")).await else {
        return Node::failure("root", FOLDER_NOT_FOUND, 4041);
    };
    let Some(content) = file_content(call) else {
        return Node::failure("root", "FileContent is not valid base64.", 4000);
    };
    match state
        .repo
        .upload(&actor, parent.id, name, &mut content.as_slice())
        .await
    {
        Ok((doc, version)) => Node::new("root")
            .attr("success", "true")
            .attr("DocumentId", doc.id.to_string())
            .attr("VersionId", (version.number * 1_000_000).to_string()),
        Err(Error::NotFound(_)) | Err(Error::InvalidTarget(_)) => Node::failure("root", FOLDER_NOT_FOUND, 4041),
        Err(Error::PermissionDenied(_)) => Node::failure("root", "Access denied", 4030),
        Err(Error::NameConflict(n)) => Node::failure("root", &conflict(&n), 4090),
        Err(Error::InvalidName { name, .. }) => {
            Node::failure("root", &format!("Invalid document name: \"{name}\""), 4000)
        }
        Err(e) => system_error("root", &e),
    }
}

/// DownloadDocument(AuthenticationTicket, Path): the latest version as `byte[]`, which ASMX
/// writes as `<base64Binary xmlns="http://tempuri.org/">` (spec §12 #21). Any error is an empty
/// array, as documented.
async fn download_document(state: &AppState, call: &Call) -> Node {
    let empty = || Node::scalar("base64Binary", "");
    let Ok(actor) = caller(state, call).await else {
        return empty();
    };
    let Ok(doc) = document_at(state, &actor, call.param("Path")).await else {
        return empty();
    };
    let Ok((_, mut reader)) = state.repo.open_version(&actor, doc.id, None).await else {
        return empty();
    };
    let mut content = Vec::new();
    if reader.read_to_end(&mut content).await.is_err() {
        return empty();
    }
    Node::scalar("base64Binary", STANDARD.encode(content))
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
        assert_eq!(segments("\\A\\b/c/"), vec!["A", "b", "c"]);
        assert_eq!(backslashed("/A/b"), "\\A\\b");
    }
}
