//! The trash: deletion records, the marks they put on nodes, the two bins, purging; and the
//! statements over many items at once that the set-based restore reads and writes with.

use super::{PathRange, TrashCursor, TrashFilter, TrashSort};
use crate::error::Result;
use crate::model::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
pub trait TrashTx: Send {
    /// Count and size of the items a deletion of `root` removes: its subtree, less anything
    /// beneath it that is already marked by a deletion of its own.
    async fn subtree_stats(&mut self, root: &Node) -> Result<SubtreeStats>;
    /// Creates a record in the user bin (stage 0, entered at its deletion time) and returns it
    /// with its new id (never one handed out before).
    async fn insert_record(&mut self, record: &NewTrashRecord) -> Result<TrashRecord>;
    /// The tenant's record with this id, if it exists.
    async fn record(&mut self, tenant: TenantId, id: RecordId) -> Result<Option<TrashRecord>>;
    /// Records matching `filter` in the order `sort`, after `after` (a cursor of that same
    /// order), at most `limit`. Fails with `InvalidInput` if the cursor belongs to another
    /// order.
    async fn records(
        &mut self,
        tenant: TenantId,
        filter: &TrashFilter,
        sort: TrashSort,
        after: Option<&TrashCursor>,
        limit: u32,
    ) -> Result<Vec<TrashRecord>>;
    /// How many records match `filter`: exactly those `records` would list, all pages.
    async fn count_records(&mut self, tenant: TenantId, filter: &TrashFilter) -> Result<i64>;
    /// Deletes a record (its nodes must no longer carry its mark).
    async fn delete_record(&mut self, id: RecordId) -> Result<()>;
    /// Recomputes a record's item count and size from its marked nodes.
    async fn refresh_record_stats(&mut self, id: RecordId) -> Result<()>;
    /// Puts the mark of `record` on a node, or clears it (`None`). Fails with `NameConflict`
    /// if clearing it would give the node the name key of a live sibling.
    async fn set_mark(&mut self, node: NodeId, record: Option<RecordId>) -> Result<()>;
    /// The nodes that carry the record's mark, by path.
    async fn marked_nodes(&mut self, record: RecordId) -> Result<Vec<Node>>;
    /// Marks every unmarked child of `parent` except `keep` with `record` (restoring one item
    /// out of a trashed folder leaves its siblings in the same deletion); returns how many.
    async fn mark_children_except(&mut self, parent: NodeId, keep: NodeId, record: RecordId) -> Result<u64>;
    /// Moves matching user-bin records (`record`: only that one) to the system bin, auditing
    /// each, but none all of whose marked nodes have id paths in `hidden`; returns how many.
    #[allow(clippy::too_many_arguments)]
    async fn move_to_system_bin(
        &mut self,
        tenant: TenantId,
        record: Option<RecordId>,
        deleted_by: Option<UserId>,
        deleted_before: Option<DateTime<Utc>>,
        hidden: &[PathRange],
        actor: Option<UserId>,
        action: AuditAction,
        now: DateTime<Utc>,
    ) -> Result<u64>;
    /// Ids of system-bin records that entered it before `before`, longest there first, at most
    /// `limit`.
    async fn records_due_for_purge(
        &mut self,
        tenant: TenantId,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<RecordId>>;
    /// Permanently removes a record and its members, releasing their blob references. Nodes
    /// under its subtree that belong to other records are detached and kept; one that
    /// inherited its access list is given a copy of the list it inherited, so it stays visible
    /// to exactly whom it was visible before.
    async fn purge_record(&mut self, record: &TrashRecord, now: DateTime<Utc>) -> Result<()>;
}

/// Many items at once: what the set-based restore reads and writes for a whole window of items
/// in a handful of statements instead of a dozen per item.
#[async_trait]
pub trait RestoreSetTx: Send {
    /// The tenant's records among `ids`, in no particular order.
    async fn records_by_ids(&mut self, tenant: TenantId, ids: &[RecordId]) -> Result<Vec<TrashRecord>>;
    /// The tenant's nodes among `ids`, in no particular order.
    async fn nodes_by_ids(&mut self, tenant: TenantId, ids: &[NodeId]) -> Result<Vec<Node>>;
    /// Every node that carries the mark of one of `records`, in no particular order.
    async fn nodes_marked_by(&mut self, records: &[RecordId]) -> Result<Vec<Node>>;
    /// Of the wanted (parent, name key) pairs (`None`: the top level), those an unmarked node
    /// holds.
    async fn names_taken(
        &mut self,
        tenant: TenantId,
        names: &[(Option<NodeId>, String)],
    ) -> Result<Vec<(Option<NodeId>, String)>>;
    /// Clears the marks of `nodes`, in one statement.
    async fn unmark_nodes(&mut self, nodes: &[NodeId]) -> Result<()>;
    /// Deletes the records `ids`, in one statement.
    async fn delete_records(&mut self, ids: &[RecordId]) -> Result<()>;
}
