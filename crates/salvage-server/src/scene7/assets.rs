//! searchAssets, getAssets, getAssetsByName, getAssetCounts, moveAsset, moveAssets and
//! renameAsset (spec §11 and §14), and the `Asset` element every one of them writes.
//!
//! An asset is a salvage document. Its IPS `name` is the file name without its extension, its
//! `fileName` the whole name; its `type` comes from the extension.

use super::auth::{Access, Company};
use super::batch::Batch;
use super::faults::{self, Fault};
use super::handles;
use super::tree::{self, Folder, Placed, MAX_ITEMS};
use super::xml::{boolean, date_time, Out, Params};
use super::{Call, Operation};
use salvage_core::model::{Node, NodeKind, Stage};
use salvage_core::name::key;
use salvage_core::trash::ItemState;
use salvage_core::Error;
use std::cmp::Ordering;
use std::collections::BTreeMap;

pub const OPERATIONS: &[Operation] = &[
    Operation {
        name: "searchAssets",
        access: Access::Read,
    },
    Operation {
        name: "getAssets",
        access: Access::Read,
    },
    Operation {
        name: "getAssetsByName",
        access: Access::Read,
    },
    Operation {
        name: "getAssetCounts",
        access: Access::Read,
    },
    Operation {
        name: "moveAsset",
        access: Access::Write,
    },
    Operation {
        name: "moveAssets",
        access: Access::Write,
    },
    Operation {
        name: "renameAsset",
        access: Access::Write,
    },
];

pub async fn run(call: &Call<'_>) -> Option<Result<Out, Fault>> {
    Some(match call.op.name {
        "searchAssets" => search_assets(call).await,
        "getAssets" => get_assets(call).await,
        "getAssetsByName" => get_assets_by_name(call).await,
        "getAssetCounts" => get_asset_counts(call).await,
        "moveAsset" => move_asset(call).await,
        "moveAssets" => move_assets(call).await,
        "renameAsset" => rename_asset(call).await,
        _ => return None,
    })
}

/// An asset and where it is.
pub struct Asset {
    pub node: Node,
    pub folders: Vec<String>,
    pub state: ItemState,
}

impl Asset {
    fn live(p: Placed) -> Self {
        Asset {
            node: p.node,
            folders: p.folders,
            state: ItemState::Live,
        }
    }

    /// The IPS name: the file name without its extension.
    pub fn name(&self) -> &str {
        stem(&self.node.name)
    }

    pub fn asset_type(&self) -> &'static str {
        asset_type(&self.node.name)
    }

    /// `Asset`, its fields in schema order.
    pub fn render(&self, company: &str) -> Out {
        let n = &self.node;
        Out::new("items")
            .field("assetHandle", handles::asset(n.id))
            .field("type", self.asset_type())
            .field("name", self.name())
            .field("fileName", n.name.clone())
            .field("folder", handles::folder_path(company, &self.folders))
            .field("folderHandle", handles::folder(company, &self.folders))
            .field("readyForPublish", boolean(n.published_version > 0))
            .field("trashState", trash_state(self.state))
            .field("created", date_time(n.created_at))
            .field("lastModified", date_time(n.modified_at))
    }
}

pub fn trash_state(state: ItemState) -> &'static str {
    match state {
        ItemState::Live => "NotInTrash",
        ItemState::Trashed(Stage::UserBin) => "InTrash",
        ItemState::Trashed(Stage::SystemBin) => "InEmptiedTrash",
    }
}

fn stem(name: &str) -> &str {
    match name.rfind('.') {
        Some(dot) if dot > 0 => &name[..dot],
        _ => name,
    }
}

fn extension(name: &str) -> &str {
    match name.rfind('.') {
        Some(dot) if dot > 0 => &name[dot..],
        _ => "",
    }
}

/// The IPS asset type (spec §11.2) of a file name.
pub fn asset_type(name: &str) -> &'static str {
    let ext = extension(name).trim_start_matches('.').to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" | "png" | "gif" | "tif" | "tiff" | "bmp" | "webp" | "heic" => "Image",
        "psd" => "PsdTemplate",
        "svg" => "Svg",
        "pdf" => "Pdf",
        "ai" => "Illustrator",
        "eps" | "ps" => "PostScript",
        "indd" => "InDesign",
        "mp4" | "mov" | "m4v" | "avi" | "wmv" | "webm" | "mkv" => "Video",
        "mp3" | "wav" | "aac" | "m4a" | "ogg" => "Audio",
        "doc" | "docx" | "rtf" => "Word",
        "xls" | "xlsx" => "Excel",
        "ppt" | "pptx" => "PowerPoint",
        "swf" => "Flash",
        "zip" => "Zip",
        "xml" => "Xml",
        "xsl" | "xslt" => "Xsl",
        "css" | "js" | "html" | "htm" | "txt" | "md" | "csv" | "json" => "Asset",
        "ttf" | "otf" => "Font",
        "icc" | "icm" => "IccProfile",
        _ => "Asset",
    }
}

/// A live asset of the company by handle, or an invalid parameter.
async fn live_asset(call: &Call<'_>, company: &Company, param: &str, handle: &str) -> Result<Node, Fault> {
    let invalid = || Fault::invalid(param, format!("no asset '{handle}'"));
    let id = handles::parse_asset(handle).ok_or_else(invalid)?;
    match call.state.repo.node(&company.actor, id).await {
        Ok(node) if node.kind == NodeKind::Document => Ok(node),
        Ok(_) | Err(Error::NotFound(_)) => Err(invalid()),
        Err(e) => Err(Fault::from_core(&e, "asset handle")),
    }
}

/// A destination folder for an asset: a live folder (assets do not sit at the company root).
async fn destination(call: &Call<'_>, company: &Company, param: &str, handle: &str) -> Result<Node, Fault> {
    let folder = tree::folder(call.state, company, param, handle).await?;
    folder
        .node
        .ok_or_else(|| Fault::invalid(param, "assets are kept in folders, not at the company root"))
}

/// Every live asset of the company (the scans of getAssetsByName and getAssetCounts).
async fn all_live_assets(call: &Call<'_>, company: &Company) -> Result<Vec<Asset>, Fault> {
    let root = Folder {
        node: None,
        names: Vec::new(),
    };
    let below = tree::live_below(call.state, company, &root)
        .await
        .map_err(|e| Fault::from_core(&e, "company"))?;
    Ok(below
        .into_iter()
        .filter(|p| p.node.kind == NodeKind::Document)
        .map(Asset::live)
        .collect())
}

/// The asset types a call asks for and excludes.
struct TypeFilter {
    only: Option<Vec<String>>,
    except: Vec<String>,
}

impl TypeFilter {
    fn read(params: &Params<'_>) -> Self {
        let lower = |v: Vec<&str>| v.into_iter().map(str::to_ascii_lowercase).collect::<Vec<_>>();
        TypeFilter {
            only: params.items("assetTypeArray").map(lower).filter(|v| !v.is_empty()),
            except: params.items("excludeAssetTypeArray").map(lower).unwrap_or_default(),
        }
    }

    fn accepts(&self, asset: &Asset) -> bool {
        let t = asset.asset_type().to_ascii_lowercase();
        self.only.as_ref().is_none_or(|only| only.contains(&t)) && !self.except.contains(&t)
    }
}

/// A condition on a system field: salvage searches the name and the file name.
struct NameCondition {
    file_name: bool,
    op: String,
    value: String,
}

impl NameCondition {
    fn matches(&self, asset: &Asset) -> bool {
        // Names are compared as everywhere else: by name key (any case, either normalization).
        let subject = if self.file_name {
            key(&asset.node.name)
        } else {
            key(asset.name())
        };
        let v = key(&self.value);
        match self.op.as_str() {
            "Equals" => subject == v,
            "NotEquals" => subject != v,
            "Contains" => subject.contains(&v),
            "NotContains" => !subject.contains(&v),
            "StartsWith" => subject.starts_with(&v),
            _ => subject.ends_with(&v),
        }
    }
}

fn name_conditions(params: &Params<'_>) -> Result<Vec<NameCondition>, Fault> {
    let Some(array) = params.element("systemFieldConditionArray") else {
        return Ok(Vec::new());
    };
    array
        .children_named("items")
        .map(|item| {
            let p = Params(item);
            let field = p.required("field")?;
            let op = p.required("op")?;
            let file_name = match field {
                "Name" => false,
                "FileName" => true,
                other => {
                    return Err(Fault::invalid(
                        "systemFieldConditionArray",
                        format!("searching the field '{other}' is not supported; Name and FileName are"),
                    ))
                }
            };
            if ![
                "Equals",
                "NotEquals",
                "Contains",
                "NotContains",
                "StartsWith",
                "EndsWith",
            ]
            .contains(&op)
            {
                return Err(Fault::invalid(
                    "systemFieldConditionArray",
                    format!("unknown op '{op}'"),
                ));
            }
            Ok(NameCondition {
                file_name,
                op: op.to_owned(),
                value: p.optional("value").unwrap_or_default().to_owned(),
            })
        })
        .collect()
}

/// Refuses search criteria salvage cannot apply: ignoring them would return assets the client
/// did not ask for, which a script might then delete.
fn refuse_unsupported(params: &Params<'_>) -> Result<(), Fault> {
    for array in [
        "keywordArray",
        "tagConditionArray",
        "metadataConditionArray",
        "excludeByproductArray",
        "assetSubTypeArray",
    ] {
        if params.items(array).is_some_and(|i| !i.is_empty()) {
            return Err(Fault::invalid(array, "this search criterion is not supported"));
        }
    }
    if params.optional("projectHandle").is_some() {
        return Err(Fault::invalid("projectHandle", "projects are not supported"));
    }
    Ok(())
}

/// searchAssets(companyHandle, folder?, includeSubfolders?, publishState?, trashState?,
/// systemFieldConditionArray?, assetTypeArray?, excludeAssetTypeArray?, recordsPerPage?,
/// resultsPage?, sortBy?, sortDirection?).
async fn search_assets(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let p = call.params;
    refuse_unsupported(&p)?;
    let subfolders = p.bool("includeSubfolders")?.unwrap_or(false);
    // `Any` is everything but the emptied trash, which only getAssets shows (spec §18 #8).
    let (live, trashed) = match p.optional("trashState") {
        None | Some("NotInTrash") => (true, false),
        Some("InTrash") => (false, true),
        Some("Any") => (true, true),
        Some(other) => {
            return Err(Fault::invalid(
                "trashState",
                format!("'{other}'; use Any, NotInTrash or InTrash"),
            ))
        }
    };
    let published = match p.optional("publishState") {
        None => None,
        Some("MarkedForPublish") => Some(true),
        Some("NotMarkedForPublish") => Some(false),
        Some(other) => return Err(Fault::invalid("publishState", format!("'{other}'"))),
    };
    let match_any = match p.optional("systemFieldMatchMode") {
        None | Some("MatchAll") => false,
        Some("MatchAny") => true,
        Some(other) => return Err(Fault::invalid("systemFieldMatchMode", format!("'{other}'"))),
    };
    let conditions = name_conditions(&p)?;
    let types = TypeFilter::read(&p);
    let per_page = p.int("recordsPerPage")?.unwrap_or(1000);
    let page = p.int("resultsPage")?.unwrap_or(1);
    if !(1..=10_000).contains(&per_page) {
        return Err(Fault::invalid("recordsPerPage", "must be between 1 and 10000"));
    }
    if page < 1 {
        return Err(Fault::invalid("resultsPage", "pages are numbered from 1"));
    }
    let sort = Sort::read(&p)?;
    let folder = match p.optional("folder") {
        Some(h) => tree::folder(call.state, &company, "folder", h).await?,
        None => Folder {
            node: None,
            names: Vec::new(),
        },
    };

    let mut found: Vec<Asset> = Vec::new();
    if live {
        let items = if subfolders {
            tree::live_below(call.state, &company, &folder).await
        } else {
            tree::live_children(call.state, &company, &folder).await
        }
        .map_err(|e| Fault::from_core(&e, "folder"))?;
        found.extend(
            items
                .into_iter()
                .filter(|p| p.node.kind == NodeKind::Document)
                .map(Asset::live),
        );
    }
    if trashed {
        let members = call
            .state
            .repo
            .trash_members(&company.actor, Some(Stage::UserBin), MAX_ITEMS)
            .await
            .map_err(|e| Fault::from_core(&e, "company"))?;
        found.extend(
            members
                .into_iter()
                .filter(|m| m.node.kind == NodeKind::Document)
                .filter(|m| {
                    m.folders.starts_with(&folder.names) && (subfolders || m.folders.len() == folder.names.len())
                })
                .map(|m| Asset {
                    node: m.node,
                    folders: m.folders,
                    state: m.state,
                }),
        );
    }
    found.retain(|a| {
        types.accepts(a)
            && published.is_none_or(|want| (a.node.published_version > 0) == want)
            && (conditions.is_empty()
                || if match_any {
                    conditions.iter().any(|c| c.matches(a))
                } else {
                    conditions.iter().all(|c| c.matches(a))
                })
    });
    if let Some(sort) = sort {
        found.sort_by(|a, b| sort.compare(a, b));
    }
    let total = found.len();
    let skip = usize::try_from((page - 1) * per_page).unwrap_or(usize::MAX);
    let items: Vec<Out> = found
        .iter()
        .skip(skip)
        .take(per_page as usize)
        .map(|a| a.render(company.name()))
        .collect();
    Ok(call
        .reply()
        .field("totalRows", total.to_string())
        .with(Out::array("assetArray", items)))
}

struct Sort {
    by: &'static str,
    descending: bool,
}

impl Sort {
    fn read(p: &Params<'_>) -> Result<Option<Sort>, Fault> {
        let descending = match p.optional("sortDirection") {
            None | Some("Ascending") => false,
            Some("Descending") => true,
            Some(other) => return Err(Fault::invalid("sortDirection", format!("'{other}'"))),
        };
        let by = match p.optional("sortBy") {
            None => return Ok(None),
            Some(by) => ["Created", "Modified", "Name", "AssetType", "FileSize"]
                .into_iter()
                .find(|k| *k == by)
                .ok_or_else(|| Fault::invalid("sortBy", format!("'{by}'")))?,
        };
        Ok(Some(Sort { by, descending }))
    }

    fn compare(&self, a: &Asset, b: &Asset) -> Ordering {
        let order = match self.by {
            "Created" => a.node.created_at.cmp(&b.node.created_at),
            "Modified" => a.node.modified_at.cmp(&b.node.modified_at),
            "AssetType" => a.asset_type().cmp(b.asset_type()),
            "FileSize" => a.node.size.cmp(&b.node.size),
            _ => key(a.name()).cmp(&key(b.name())),
        };
        let order = order.then(a.node.id.cmp(&b.node.id));
        if self.descending {
            order.reverse()
        } else {
            order
        }
    }
}

/// getAssets(companyHandle, assetHandleArray): the assets the handles name, whatever their
/// trash state, so a client can follow an asset through delete and restore (spec §18 #7).
/// Unknown handles are left out.
async fn get_assets(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let ids: Vec<_> = call
        .params
        .required_items("assetHandleArray")?
        .into_iter()
        .filter_map(handles::parse_asset)
        .collect();
    let located = call
        .state
        .repo
        .locate_items(&company.actor, &ids)
        .await
        .map_err(|e| Fault::from_core(&e, "asset handle"))?;
    let items: Vec<Out> = located
        .into_iter()
        .flatten()
        .filter(|l| l.node.kind == NodeKind::Document)
        .map(|l| {
            Asset {
                node: l.node,
                folders: l.folders,
                state: l.state,
            }
            .render(company.name())
        })
        .collect();
    Ok(call.reply().with(Out::array("assetArray", items)))
}

/// getAssetsByName(companyHandle, nameArray, assetTypeArray?, excludeAssetTypeArray?): live
/// assets whose name (or file name) is one of the names, without regard to case.
async fn get_assets_by_name(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let names: Vec<String> = call.params.required_items("nameArray")?.into_iter().map(key).collect();
    let types = TypeFilter::read(&call.params);
    let items: Vec<Out> = all_live_assets(call, &company)
        .await?
        .into_iter()
        .filter(|a| types.accepts(a) && (names.contains(&key(a.name())) || names.contains(&key(&a.node.name))))
        .map(|a| a.render(company.name()))
        .collect();
    Ok(call.reply().with(Out::array("assetArray", items)))
}

/// getAssetCounts(companyHandle): live assets per type.
async fn get_asset_counts(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for a in all_live_assets(call, &company).await? {
        *counts.entry(a.asset_type()).or_default() += 1;
    }
    let items = counts
        .into_iter()
        .map(|(t, n)| Out::new("items").field("assetType", t).field("count", n.to_string()));
    Ok(call.reply().with(Out::array("countArray", items)))
}

async fn move_one(call: &Call<'_>, company: &Company, asset: &str, folder: &str) -> Result<(), Fault> {
    let node = live_asset(call, company, "assetHandle", asset).await?;
    let target = destination(call, company, "folderHandle", folder).await?;
    call.state
        .repo
        .move_node(&company.actor, node.id, target.id)
        .await
        .map_err(|e| Fault::from_core(&e, "asset handle"))?;
    Ok(())
}

/// moveAsset(companyHandle, assetHandle, folderHandle).
async fn move_asset(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let asset = call.params.required("assetHandle")?;
    let folder = call.params.required("folderHandle")?;
    move_one(call, &company, asset, folder).await?;
    Ok(call.reply())
}

/// moveAssets(companyHandle, assetMoveArray): each item with its own destination. Moves are
/// one core call each; the core has no set operation for moves to different folders.
async fn move_assets(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let array = call
        .params
        .element("assetMoveArray")
        .ok_or_else(|| Fault::missing("assetMoveArray"))?;
    let mut batch = Batch::default();
    for item in array.children_named("items") {
        let p = Params(item);
        let handle = p.optional("assetHandle").unwrap_or_default();
        let outcome = match (p.optional("assetHandle"), p.optional("folderHandle")) {
            (None, _) => Err(Fault::missing("assetHandle")),
            (_, None) => Err(Fault::missing("folderHandle")),
            (Some(asset), Some(folder)) => move_one(call, &company, asset, folder).await,
        };
        match outcome {
            Ok(()) => batch.success(),
            Err(f) => batch.error(handle, f),
        }
    }
    Ok(batch.render(call.reply()))
}

/// renameAsset(companyHandle, assetHandle, newName, validateName): the file name follows the
/// new name and keeps its extension. The core always refuses a name taken in the folder (or
/// reserved there by a trashed item); `validateName` also asks that the IPS name be unique in
/// the whole company, live and trashed assets alike, as IPS asset IDs are.
async fn rename_asset(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let node = live_asset(call, &company, "assetHandle", call.params.required("assetHandle")?).await?;
    let new_name = call.params.required("newName")?;
    if call.params.bool("validateName")?.unwrap_or(false) {
        let taken = call
            .state
            .repo
            .document_stem_taken(&company.actor, new_name, Some(node.id))
            .await
            .map_err(|e| Fault::from_core(&e, "asset"))?;
        if taken {
            return Err(Fault::ips(
                faults::EXCEPTION,
                format!("Asset ID '{new_name}' is already in use."),
            ));
        }
    }
    let ext = extension(&node.name);
    let file_name = if ext.is_empty() || key(new_name).ends_with(&key(ext)) {
        new_name.to_owned()
    } else {
        format!("{new_name}{ext}")
    };
    call.state
        .repo
        .rename(&company.actor, node.id, &file_name)
        .await
        .map_err(|e| match e {
            Error::NameConflict(_) => {
                Fault::ips(faults::EXCEPTION, format!("Asset ID '{new_name}' is already in use."))
            }
            e => Fault::from_core(&e, "asset name"),
        })?;
    Ok(call.reply())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_types_come_from_the_file_name() {
        assert_eq!(stem("banner.png"), "banner");
        assert_eq!(stem(".profile"), ".profile");
        assert_eq!(extension("a.tar.gz"), ".gz");
        assert_eq!(asset_type("Hat.JPG"), "Image");
        assert_eq!(asset_type("report.pdf"), "Pdf");
        assert_eq!(asset_type("README"), "Asset");
    }
}
