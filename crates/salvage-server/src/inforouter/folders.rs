//! The folder operations (spec §7): creating, finding and listing folders, and moving items.
//! Every rule is the core's; this module turns paths, core results and core errors into
//! infoRouter's strings and codes.

use super::binding::Call;
use super::errors::{self, bare_failure, system_error, FOLDER_NOT_FOUND};
use super::shared::*;
use super::xml::XmlNode;
use super::Operation;
use crate::state::AppState;
use salvage_core::model::{Actor, Node as Item, NodeKind};

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
        name: "Move",
        params: &["AuthenticationTicket", "SourcePath", "DestinationPath"],
    },
];

/// Runs the call if it is one of this module's operations.
pub async fn run(state: &AppState, call: &Call) -> Option<XmlNode> {
    Some(match call.operation.as_str() {
        "CreateFolder" => create_folder(state, call).await,
        "CreateFolder1" => create_folder1(state, call).await,
        "FolderExists" => folder_exists(state, call).await,
        "GetFolder" => get_folder(state, call).await,
        "GetFolders" => get_folders(state, call).await,
        "GetFolders1" => get_folders1(state, call).await,
        "GetDocuments1" => listing(state, call, false, true).await,
        "GetFoldersAndDocuments1" => listing(state, call, true, true).await,
        "Move" => move_item(state, call).await,
        _ => return None,
    })
}

fn created_folder(folder: &Item) -> XmlNode {
    XmlNode::new("response")
        .attr("success", "true")
        .attr("FolderId", folder.id.to_string())
        .attr("FolderName", folder.name.clone())
}

/// CreateFolder(AuthenticationTicket, Path): every missing folder on the path; the library must
/// exist. An existing folder is returned as created (the core's `ensure_folder_path`).
async fn create_folder(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, bare_failure).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let names = match segments(call.param("Path")) {
        Ok(names) => names,
        Err(e) => return errors::CREATE_FOLDER.failure(&e).bare(),
    };
    if names.len() < 2 {
        return bare_failure(ROOT_LEVEL, 4030);
    }
    if folder_at(state, &actor, &names[0]).await.is_none() {
        return bare_failure(&format!("{FOLDER_NOT_FOUND}."), 4041);
    }
    match state.repo.ensure_folder_path(&actor, &names.join("/")).await {
        Ok(folder) => created_folder(&folder),
        Err(e) => errors::CREATE_FOLDER.failure(&e).bare(),
    }
}

/// CreateFolder1(ParentFolderPath, NewFolderName, Description): one folder in an existing one.
/// The core keeps no folder description, so `Description` is accepted and not stored.
async fn create_folder1(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, bare_failure).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let parent_path = call.param("ParentFolderPath");
    if segments(parent_path).is_ok_and(|names| names.is_empty()) {
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
        Err(e) => errors::CREATE_FOLDER.failure(&e).bare(),
    }
}

/// FolderExists(AuthenticationTicket, Path).
async fn folder_exists(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, bare_failure).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    match folder_at(state, &actor, call.param("Path")).await {
        Some(_) => XmlNode::new("response").attr("success", "true"),
        None => bare_failure(&format!("{FOLDER_NOT_FOUND}."), 4041),
    }
}

/// `<folder FolderID ParentID Name Path Description CreationDate OwnerName DomainID />`, the
/// real 8.0 shape (spec §12 #17).
async fn folder_node(state: &AppState, actor: &Actor, folder: &Item, with_parent: bool) -> XmlNode {
    let path = state.repo.path_of(actor, folder).await.unwrap_or_default();
    let mut node = XmlNode::new("folder").attr("FolderID", folder.id.to_string());
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
async fn get_folder(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, bare_failure).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let Some(folder) = folder_at(state, &actor, call.param("Path")).await else {
        return bare_failure(&format!("{FOLDER_NOT_FOUND}."), 4041);
    };
    let mut node = XmlNode::ok("response");
    node.push(folder_node(state, &actor, &folder, true).await);
    node
}

/// GetFolders(AuthenticationTicket, Path, …): the subfolders of a folder (LEGACY 8.0 shape).
async fn get_folders(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, |e, c| XmlNode::failure("response", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let Some(folder) = folder_at(state, &actor, call.param("Path")).await else {
        return XmlNode::failure("response", FOLDER_NOT_FOUND, 4041);
    };
    let children = match all_children(state, &actor, folder.id).await {
        Ok(c) => c,
        Err(e) => return errors::LIST_FOLDER.failure(&e).node("response"),
    };
    let mut node = XmlNode::ok("response");
    for child in children.iter().filter(|c| c.kind.is_container()) {
        node.push(folder_node(state, &actor, child, false).await);
    }
    node
}

/// GetFolders1(AuthenticationTicket, Path): `<f id n/>` items and `itemcount` (spec §12 #18).
async fn get_folders1(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, bare_failure).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let Some(folder) = folder_at(state, &actor, call.param("Path")).await else {
        return bare_failure(&format!("{FOLDER_NOT_FOUND}."), 4041);
    };
    let children = match all_children(state, &actor, folder.id).await {
        Ok(c) => c,
        Err(e) => return errors::LIST_FOLDER.failure(&e).bare(),
    };
    let folders: Vec<&Item> = children.iter().filter(|c| c.kind.is_container()).collect();
    let mut node = XmlNode::new("response")
        .attr("success", "true")
        .attr("itemcount", folders.len().to_string());
    for f in folders {
        node.push(short_folder(f));
    }
    node
}

fn short_folder(f: &Item) -> XmlNode {
    XmlNode::new("f").attr("id", f.id.to_string()).attr("n", f.name.clone())
}

fn short_document(d: &Item) -> XmlNode {
    XmlNode::new("d")
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
async fn listing(state: &AppState, call: &Call, folders: bool, documents: bool) -> XmlNode {
    let actor = match actor(state, call, |e, c| XmlNode::failure("response", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let Some(folder) = folder_at(state, &actor, call.param("Path")).await else {
        return XmlNode::failure("response", FOLDER_NOT_FOUND, 4041);
    };
    let children = match all_children(state, &actor, folder.id).await {
        Ok(c) => c,
        Err(e) => return errors::LIST_FOLDER.failure(&e).node("response"),
    };
    let path = match state.repo.path_of(&actor, &folder).await {
        Ok(p) => p,
        Err(e) => return system_error("response", &e),
    };
    let mut items: Vec<XmlNode> = Vec::new();
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
    let mut node = XmlNode::ok("response")
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

/// Move(AuthenticationTicket, SourcePath, DestinationPath): a document or folder into a folder.
async fn move_item(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, |e, c| XmlNode::failure("response", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let Ok(source) = state.repo.resolve(&actor, call.param("SourcePath")).await else {
        return XmlNode::failure("response", "Source not found.", 4041);
    };
    let Ok(target) = state.repo.resolve(&actor, call.param("DestinationPath")).await else {
        return XmlNode::failure("response", "Destination folder not found.", 4041);
    };
    match state.repo.move_node(&actor, source.id, target.id).await {
        Ok(_) => XmlNode::ok("response"),
        Err(e) => errors::MOVE.failure(&e).node("response"),
    }
}
