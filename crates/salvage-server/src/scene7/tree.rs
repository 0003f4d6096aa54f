//! A company's folder tree as IPS sees it: the company root `Company/` is the tenant's top level,
//! its first-level folders are the tenant's libraries (DESIGN.md §4). Resolves folder handles and
//! lists what lies below a folder, each item with the names of the folders above it.

use super::auth::Company;
use super::faults::Fault;
use super::handles;
use crate::state::AppState;
use salvage_core::model::{Node, NodeId};
use salvage_core::Error;
use std::collections::HashMap;

/// Most items one listing reads (IPS documents 100,000 folders for getFolders).
pub const MAX_ITEMS: u32 = 100_000;

/// A live item with the names of its folders below the company root.
#[derive(Debug, Clone)]
pub struct Placed {
    pub node: Node,
    pub folders: Vec<String>,
}

/// A folder named by a handle: the company root (`None`) or a live folder, with its names.
pub struct Folder {
    pub node: Option<Node>,
    pub names: Vec<String>,
}

/// Resolves a folder handle (or plain path) of `company`. Unknown folders, other companies'
/// and documents are all an invalid parameter.
pub async fn folder(state: &AppState, company: &Company, param: &str, handle: &str) -> Result<Folder, Fault> {
    let invalid = || Fault::invalid(param, format!("no folder '{handle}'"));
    let names = handles::parse_folder(handle, company.name()).ok_or_else(invalid)?;
    if names.is_empty() {
        return Ok(Folder { node: None, names });
    }
    let node = state
        .repo
        .resolve(&company.actor, &format!("/{}", names.join("/")))
        .await
        .map_err(|e| match e {
            Error::NotFound(_) | Error::InvalidName { .. } => invalid(),
            e => Fault::from_core(&e, "folder"),
        })?;
    if !node.kind.is_container() {
        return Err(invalid());
    }
    // The stored spelling, not the client's (names are matched without regard to case).
    let names = match state.repo.path_of(&company.actor, &node).await {
        Ok(path) => path.split('/').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        Err(_) => names,
    };
    Ok(Folder {
        node: Some(node),
        names,
    })
}

/// Every live item below `folder` (not the folder itself), in path order. At most
/// `MAX_ITEMS` per library.
pub async fn live_below(state: &AppState, company: &Company, folder: &Folder) -> Result<Vec<Placed>, Error> {
    let mut placed = Vec::new();
    match &folder.node {
        Some(node) => placed.extend(descendants(state, company, node, &folder.names).await?),
        None => {
            for library in libraries(state, company).await? {
                let names = vec![library.name.clone()];
                let below = descendants(state, company, &library, &names).await?;
                placed.push(Placed {
                    node: library,
                    folders: Vec::new(),
                });
                placed.extend(below);
            }
        }
    }
    Ok(placed)
}

/// The live items directly in `folder`.
pub async fn live_children(state: &AppState, company: &Company, folder: &Folder) -> Result<Vec<Placed>, Error> {
    let parent: Option<NodeId> = folder.node.as_ref().map(|n| n.id);
    let mut children = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = state
            .repo
            .children(&company.actor, parent, after.as_deref(), 10_000)
            .await?;
        children.extend(page.items.into_iter().map(|node| Placed {
            node,
            folders: folder.names.clone(),
        }));
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(children),
        }
    }
}

async fn libraries(state: &AppState, company: &Company) -> Result<Vec<Node>, Error> {
    let root = Folder {
        node: None,
        names: Vec::new(),
    };
    Ok(live_children(state, company, &root)
        .await?
        .into_iter()
        .map(|p| p.node)
        .collect())
}

/// The live descendants of `root` (whose folder names are `names`), each with its folders'
/// names, worked out from the listing itself: every folder between `root` and an item is in it.
async fn descendants(state: &AppState, company: &Company, root: &Node, names: &[String]) -> Result<Vec<Placed>, Error> {
    let below = state.repo.descendants(&company.actor, root.id, MAX_ITEMS).await?;
    let mut by_id: HashMap<NodeId, String> = below.iter().map(|n| (n.id, n.name.clone())).collect();
    by_id.insert(root.id, root.name.clone());
    let above = root.ancestor_ids().len();
    Ok(below
        .into_iter()
        .map(|node| {
            let mut folders = names.to_vec();
            folders.extend(
                node.ancestor_ids()
                    .iter()
                    .skip(above + 1)
                    .filter_map(|id| by_id.get(id).cloned()),
            );
            Placed { node, folders }
        })
        .collect())
}
