//! The filters and ranges the contract's listings take, and what `check` reports.

use crate::model::*;
use chrono::{DateTime, Utc};

/// Filters of trash listings and bulk restores. Every field narrows the set.
#[derive(Debug, Clone, Default)]
pub struct TrashFilter {
    pub deleted_by: Option<UserId>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Original path (by names) equal to this or below it: `/Finance` matches `/Finance/a.pdf`
    /// but not `/Finance-old`.
    pub path_prefix: Option<String>,
    /// Substring of the item name, compared by name key (`name::key`): in any case and either
    /// normalization form.
    pub name_contains: Option<String>,
    pub kind: Option<NodeKind>,
    pub min_size: Option<i64>,
    pub max_size: Option<i64>,
    pub stage: Option<Stage>,
    /// "Deleted in this folder": the folder the item was deleted from.
    pub original_parent: Option<NodeId>,
    /// Deletions all of whose items (the nodes they mark) have id paths in these ranges are
    /// left out: the parts of the tree the caller may not see. Set by the core's visibility
    /// rule; faces leave it empty.
    pub hidden: Vec<PathRange>,
}

/// Materialized id paths from `start` (included) to `end` (excluded): a subtree, or part of one.
/// Id paths hold only digits and slashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRange {
    pub start: String,
    pub end: String,
}

impl PathRange {
    pub fn new(start: String, end: String) -> PathRange {
        PathRange { start, end }
    }

    /// Every path at or below `path` (`/1/5/`): from `/1/5/` up to `/1/50`, as '0' follows '/'.
    pub fn subtree(path: &str) -> PathRange {
        let mut end = path[..path.len() - 1].to_owned();
        end.push('0');
        PathRange::new(path.to_owned(), end)
    }
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<UserId>,
    pub action: Option<AuditAction>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub path_prefix: Option<String>,
}

/// One broken invariant found by `check`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    pub invariant: &'static str,
    pub detail: String,
}
