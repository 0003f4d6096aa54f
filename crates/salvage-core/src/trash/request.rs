//! What a restore is asked to do and what it reports: the request (items, target, policies)
//! and the outcome of each item. Plain data, shared by the restore paths, the group commit and
//! every face, so it depends on nothing but the model and the error type.

use crate::error::Error;
use crate::model::*;
use serde::Serialize;

/// What to take out of the trash: a whole deletion, or any node inside one (a deleted item, or
/// one item inside a deleted folder).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "id", rename_all = "lowercase")]
pub enum TrashItem {
    Record(RecordId),
    Node(NodeId),
}

/// Where the item goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// The folder it was deleted from.
    #[default]
    Original,
    /// A chosen live folder.
    Folder(NodeId),
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

/// What to do when the target already holds a live item of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnConflict {
    #[default]
    Fail,
    /// `name (restored).ext`, then `name (restored 2).ext`, ...
    Rename,
    Skip,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RestoreOptions {
    pub target: Target,
    pub missing_parent: MissingParent,
    pub on_conflict: OnConflict,
    /// Restore nothing unless every item can be restored.
    pub all_or_nothing: bool,
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

#[derive(Debug, Clone)]
pub struct ItemResult {
    pub item: TrashItem,
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
        let mut c = (0, 0, 0);
        for r in &self.results {
            match r.outcome {
                Outcome::Restored(_) => c.0 += 1,
                Outcome::Skipped(_) => c.1 += 1,
                Outcome::Failed(_) => c.2 += 1,
            }
        }
        c
    }
}

/// Whether an all-or-nothing batch must be rolled back.
pub(crate) fn blocked(results: &[ItemResult], options: RestoreOptions) -> bool {
    options.all_or_nothing && results.iter().any(|r| matches!(r.outcome, Outcome::Failed(_)))
}
