//! What a restore is asked to do and what it reports: the request (items, target, policies)
//! and the outcome of each item. Plain data, shared by the restore paths, the group commit and
//! every face, so it depends on nothing but the model and the error type.

use crate::error::Error;
use crate::model::*;
use serde::{Deserialize, Serialize};

/// What to take out of the trash: a whole deletion, or any node inside one (a deleted item, or
/// one item inside a deleted folder).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "id", rename_all = "lowercase")]
pub enum TrashItem {
    Record(RecordId),
    Node(NodeId),
}

/// Where the item goes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Target {
    /// The folder it was deleted from.
    #[default]
    Original,
    /// A chosen live folder.
    Folder(NodeId),
    /// A chosen live folder named by its path (`/Library/a/b`), found inside the restore's own
    /// transaction, so a client that names folders by path (infoRouter's `RestorePath`) needs
    /// no lookup before it. A path that names no folder the caller may list is a target that
    /// does not exist, reported after the item's own checks, exactly as an unknown id is.
    Path(String),
}

/// What to do when the original folder is no longer there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingParent {
    /// Refuse (infoRouter).
    #[default]
    Error,
    /// Recreate the original path (Scene7, SharePoint).
    Recreate,
    /// Restore into this folder instead (Box).
    Fallback(NodeId),
}

impl MissingParent {
    /// The policy, without the fallback folder.
    pub fn policy(self) -> MissingParentPolicy {
        match self {
            MissingParent::Error => MissingParentPolicy::Error,
            MissingParent::Recreate => MissingParentPolicy::Recreate,
            MissingParent::Fallback(_) => MissingParentPolicy::Fallback,
        }
    }
}

/// The missing-parent policies by name, as faces read them (`error`, `recreate`, `fallback`);
/// `fallback` needs a folder besides (`with_fallback`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingParentPolicy {
    #[default]
    Error,
    Recreate,
    Fallback,
}

impl MissingParentPolicy {
    pub const ALL: [MissingParentPolicy; 3] = [
        MissingParentPolicy::Error,
        MissingParentPolicy::Recreate,
        MissingParentPolicy::Fallback,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MissingParentPolicy::Error => "error",
            MissingParentPolicy::Recreate => "recreate",
            MissingParentPolicy::Fallback => "fallback",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The policy with its fallback folder; `None` when `fallback` names none.
    pub fn with_fallback(self, folder: Option<NodeId>) -> Option<MissingParent> {
        match (self, folder) {
            (MissingParentPolicy::Error, _) => Some(MissingParent::Error),
            (MissingParentPolicy::Recreate, _) => Some(MissingParent::Recreate),
            (MissingParentPolicy::Fallback, Some(f)) => Some(MissingParent::Fallback(f)),
            (MissingParentPolicy::Fallback, None) => None,
        }
    }
}

/// What to do when the target already holds a live item of the same name. Faces read and
/// write it by its names (`fail`, `rename`, `skip`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnConflict {
    #[default]
    Fail,
    /// `name (restored).ext`, then `name (restored 2).ext`, ...
    Rename,
    Skip,
}

impl OnConflict {
    pub const ALL: [OnConflict; 3] = [OnConflict::Fail, OnConflict::Rename, OnConflict::Skip];

    pub fn as_str(self) -> &'static str {
        match self {
            OnConflict::Fail => "fail",
            OnConflict::Rename => "rename",
            OnConflict::Skip => "skip",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoreOptions {
    pub target: Target,
    pub missing_parent: MissingParent,
    pub on_conflict: OnConflict,
    /// Restore nothing unless every item can be restored.
    pub all_or_nothing: bool,
    /// Restore a deletion only if it is of this class; any other is not in the trash for this
    /// request. For clients whose handles name the kind with the item (infoRouter's `D…` and
    /// `F…`), checked inside the restore rather than by a read before it.
    pub only: Option<ItemClass>,
}

/// Documents, or containers (folders and libraries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemClass {
    Document,
    Container,
}

impl ItemClass {
    pub fn of(kind: NodeKind) -> ItemClass {
        if kind == NodeKind::Document {
            ItemClass::Document
        } else {
            ItemClass::Container
        }
    }

    /// Whether a deletion of `kind` may be restored under `only`.
    pub fn admits(only: Option<ItemClass>, kind: NodeKind) -> bool {
        only.is_none() || only == Some(ItemClass::of(kind))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub node_id: NodeId,
    pub kind: NodeKind,
    pub name: String,
    /// Where it is now, by names.
    pub path: String,
    /// The name it had, when it had to be renamed to avoid a clash.
    pub renamed_from: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    Restored(Restored),
    /// Left in the trash because the caller asked to skip name clashes.
    Skipped(Error),
    Failed(Error),
}

impl Outcome {
    /// What happened, by name: the status every face reports (REST's `status`, the CLI's,
    /// the web page's counts).
    pub fn status(&self) -> ItemStatus {
        match self {
            Outcome::Restored(_) => ItemStatus::Restored,
            Outcome::Skipped(_) => ItemStatus::Skipped,
            Outcome::Failed(_) => ItemStatus::Failed,
        }
    }

    /// Why the item was skipped or failed.
    pub fn error(&self) -> Option<&Error> {
        match self {
            Outcome::Restored(_) => None,
            Outcome::Skipped(e) | Outcome::Failed(e) => Some(e),
        }
    }
}

/// What happened to one item: `restored` (or would be, in a preflight), `skipped` or `failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemStatus {
    Restored,
    Skipped,
    Failed,
}

impl ItemStatus {
    pub const ALL: [ItemStatus; 3] = [ItemStatus::Restored, ItemStatus::Skipped, ItemStatus::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Restored => "restored",
            ItemStatus::Skipped => "skipped",
            ItemStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct ItemResult {
    pub item: TrashItem,
    /// The item's name (a deletion's: the name of what was deleted), when the caller may see
    /// it; `None` for an item that is unknown or hidden, which is answered without one.
    pub name: Option<String>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone)]
pub struct BatchReport {
    pub results: Vec<ItemResult>,
    /// Whether the changes were committed (false for a preflight, or an all-or-nothing batch
    /// with a failure).
    pub applied: bool,
    pub dry_run: bool,
}

impl BatchReport {
    /// (succeeded, skipped, failed)
    pub fn counts(&self) -> (usize, usize, usize) {
        counts(&self.results)
    }
}

/// How many of `results` were (restored, skipped, failed).
pub fn counts(results: &[ItemResult]) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for r in results {
        match r.outcome.status() {
            ItemStatus::Restored => c.0 += 1,
            ItemStatus::Skipped => c.1 += 1,
            ItemStatus::Failed => c.2 += 1,
        }
    }
    c
}

/// Whether an all-or-nothing batch must be rolled back.
pub(crate) fn blocked(results: &[ItemResult], options: &RestoreOptions) -> bool {
    options.all_or_nothing && results.iter().any(|r| matches!(r.outcome, Outcome::Failed(_)))
}
