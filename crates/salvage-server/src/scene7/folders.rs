//! getFolders, getFolderTree, createFolder, deleteFolder, moveFolder and renameFolder (spec §13).
//! A deleted folder goes to the trash with everything in it.

use super::auth::{Access, Company};
use super::faults::Fault;
use super::handles;
use super::tree::{self, Folder, Placed};
use super::xml::{boolean, date_time, Out};
use super::{Call, Operation};
use salvage_core::model::Node;
use salvage_core::{Destination, Error};

pub const OPERATIONS: &[Operation] = &[
    Operation {
        name: "getFolders",
        access: Access::Read,
    },
    Operation {
        name: "getFolderTree",
        access: Access::Read,
    },
    Operation {
        name: "createFolder",
        access: Access::Write,
    },
    Operation {
        name: "deleteFolder",
        access: Access::Write,
    },
    Operation {
        name: "moveFolder",
        access: Access::Write,
    },
    Operation {
        name: "renameFolder",
        access: Access::Write,
    },
];

pub async fn run(call: &Call<'_>) -> Option<Result<Out, Fault>> {
    Some(match call.op.name {
        "getFolders" => get_folders(call).await,
        "getFolderTree" => get_folder_tree(call).await,
        "createFolder" => create_folder(call).await,
        "deleteFolder" => delete_folder(call).await,
        "moveFolder" => move_folder(call).await,
        "renameFolder" => rename_folder(call).await,
        _ => return None,
    })
}

/// The folder `param` names, the company root when it is absent.
async fn folder_param(call: &Call<'_>, company: &Company, param: &str) -> Result<Folder, Fault> {
    match call.params.optional(param) {
        Some(handle) => tree::folder(call.state, company, param, handle).await,
        None => Ok(Folder {
            node: None,
            names: Vec::new(),
        }),
    }
}

/// A folder that must not be the company root.
async fn real_folder(call: &Call<'_>, company: &Company, param: &str) -> Result<(Node, Vec<String>), Fault> {
    let handle = call.params.required(param)?;
    let folder = tree::folder(call.state, company, param, handle).await?;
    match folder.node {
        Some(node) => Ok((node, folder.names)),
        None => Err(Fault::invalid(param, "the company root folder cannot be changed")),
    }
}

/// `Folder{folderHandle, path, lastModified?, hasSubfolders, subfolderArray?}`.
fn folder_out(element: &str, company: &str, node: Option<&Node>, names: &[String], has_subfolders: bool) -> Out {
    let mut out = Out::new(element)
        .field("folderHandle", handles::folder(company, names))
        .field("path", handles::folder_path(company, names));
    if let Some(n) = node {
        out = out.field("lastModified", date_time(n.modified_at));
    }
    out.field("hasSubfolders", boolean(has_subfolders))
}

/// The folders below `folder`, with their folder names (their own included).
async fn subfolders(call: &Call<'_>, company: &Company, folder: &Folder) -> Result<Vec<(Node, Vec<String>)>, Fault> {
    let below = tree::live_below(call.state, company, folder)
        .await
        .map_err(|e| Fault::from_core(&e, "folder"))?;
    Ok(below
        .into_iter()
        .filter(|p| p.node.kind.is_container())
        .map(|Placed { node, mut folders }| {
            folders.push(node.name.clone());
            (node, folders)
        })
        .collect())
}

/// getFolders(companyHandle, folderPath?): the folder and every folder below it, flat.
async fn get_folders(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let folder = folder_param(call, &company, "folderPath").await?;
    let below = subfolders(call, &company, &folder).await?;
    let has_children = |names: &[String]| {
        below
            .iter()
            .any(|(_, n)| n.len() == names.len() + 1 && n.starts_with(names))
    };
    let mut items = vec![folder_out(
        "items",
        company.name(),
        folder.node.as_ref(),
        &folder.names,
        has_children(&folder.names),
    )];
    items.extend(
        below
            .iter()
            .map(|(node, names)| folder_out("items", company.name(), Some(node), names, has_children(names))),
    );
    Ok(call.reply().with(Out::array("folderArray", items)))
}

/// getFolderTree(companyHandle, folderPath?, depth): the folder with its subfolders nested
/// `depth` levels deep (a negative depth: all of them). The root is one `Folder`, as the schema
/// says (spec §18 #15).
async fn get_folder_tree(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let depth = call.params.int("depth")?.ok_or_else(|| Fault::missing("depth"))?;
    let folder = folder_param(call, &company, "folderPath").await?;
    let below = subfolders(call, &company, &folder).await?;
    let limit = usize::try_from(depth).unwrap_or(usize::MAX);
    let root = nest(
        company.name(),
        folder.node.as_ref(),
        &folder.names,
        &below,
        limit,
        "folders",
    );
    Ok(call.reply().with(root))
}

fn nest(
    company: &str,
    node: Option<&Node>,
    names: &[String],
    all: &[(Node, Vec<String>)],
    depth: usize,
    element: &str,
) -> Out {
    let children: Vec<&(Node, Vec<String>)> = all
        .iter()
        .filter(|(_, n)| n.len() == names.len() + 1 && n.starts_with(names))
        .collect();
    let mut out = folder_out(element, company, node, names, !children.is_empty());
    if depth > 0 && !children.is_empty() {
        let items = children
            .iter()
            .map(|(n, child_names)| nest(company, Some(n), child_names, all, depth - 1, "items"));
        out.push(Out::array("subfolderArray", items));
    }
    out
}

/// The names below the company root of a `folderPath` as createFolder takes it: `/SpinSets`,
/// `SpinSets` and `Company/SpinSets/` all name the same folder. The company is matched in NFC,
/// the form names are stored in; the names come from the core's `split_path`, which refuses a
/// name no item may have.
pub(super) fn relative_names(company: &str, path: &str) -> Result<Vec<String>, Error> {
    let path = salvage_core::name::nfc(path.trim().trim_start_matches("f|"));
    let path = match path.strip_prefix(company) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
        _ => &path,
    };
    salvage_core::split_path(path)
}

/// createFolder(companyHandle, folderPath): creates the folder (and any missing parents).
async fn create_folder(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let path = call.params.required("folderPath")?;
    let names = relative_names(company.name(), path).map_err(|e| Fault::from_core(&e, "folder path"))?;
    if names.is_empty() {
        return Err(Fault::invalid("folderPath", "the company root folder already exists"));
    }
    let absolute = format!("/{}", names.join("/"));
    match call.state.repo.resolve(&company.actor, &absolute).await {
        Ok(_) => return Err(Fault::from_core(&Error::NameConflict(path.to_owned()), "folder")),
        Err(Error::NotFound(_)) => {}
        Err(e) => return Err(Fault::from_core(&e, "folder path")),
    }
    let node = call
        .state
        .repo
        .ensure_folder_path(&company.actor, &absolute)
        .await
        .map_err(|e| Fault::from_core(&e, "folder path"))?;
    let names = match call.state.repo.path_of(&company.actor, &node).await {
        Ok(p) => p.split('/').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        Err(_) => names,
    };
    Ok(call
        .reply()
        .field("folderHandle", handles::folder(company.name(), &names)))
}

/// deleteFolder(companyHandle, folderHandle): the folder, its assets and subfolders go to the
/// trash as one deletion.
async fn delete_folder(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let (node, _) = real_folder(call, &company, "folderHandle").await?;
    call.state
        .repo
        .delete(&company.actor, node.id)
        .await
        .map_err(|e| Fault::from_core(&e, "folder handle"))?;
    Ok(call.reply())
}

/// moveFolder(companyHandle, folderHandle, destFolderHandle): returns the moved folder's new
/// handle. Any folder may go anywhere, the company root included: a first-level folder is a
/// library of the core, which `move_folder` turns into a folder and back as it crosses the top
/// level (IPS has no libraries).
async fn move_folder(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let (node, _) = real_folder(call, &company, "folderHandle").await?;
    let dest = tree::folder(
        call.state,
        &company,
        "destFolderHandle",
        call.params.required("destFolderHandle")?,
    )
    .await?;
    let to = match &dest.node {
        Some(target) => Destination::Into(target.id),
        None => Destination::TopLevel,
    };
    let moved = call
        .state
        .repo
        .move_folder(&company.actor, node.id, to)
        .await
        .map_err(|e| Fault::from_core(&e, "folder handle"))?;
    let mut names = dest.names;
    names.push(moved.name);
    Ok(call
        .reply()
        .field("folderHandle", handles::folder(company.name(), &names)))
}

/// renameFolder(companyHandle, folderHandle, folderName): returns the new handle.
async fn rename_folder(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let (node, mut names) = real_folder(call, &company, "folderHandle").await?;
    let new_name = call.params.required("folderName")?;
    let renamed = call
        .state
        .repo
        .rename(&company.actor, node.id, new_name)
        .await
        .map_err(|e| Fault::from_core(&e, "folder name"))?;
    names.pop();
    names.push(renamed.name);
    Ok(call
        .reply()
        .field("folderHandle", handles::folder(company.name(), &names)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_folder_paths_are_below_the_company_root() {
        for p in ["/SpinSets", "SpinSets", "Acme/SpinSets/", "f|Acme/SpinSets/"] {
            assert_eq!(relative_names("Acme", p), Ok(vec!["SpinSets".to_owned()]), "{p}");
        }
        assert_eq!(
            relative_names("Acme", "/AcmeX/a"),
            Ok(vec!["AcmeX".to_owned(), "a".to_owned()])
        );
        assert_eq!(
            relative_names("Caf\u{e9}", "Cafe\u{301}/Spin\u{202e}Sets"),
            Err(Error::InvalidName {
                name: "Spin\u{202e}Sets".to_owned(),
                rule: salvage_core::name::FORMAT_CHARACTER_RULE,
            })
        );
    }
}
