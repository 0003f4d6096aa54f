//! The tree of libraries, folders and documents: materialized id paths, unique live names.

use super::{ChildCursor, ChildSort};
use crate::error::Result;
use crate::model::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
pub trait TreeTx: Send {
    /// Inserts a node under `parent_id` (which the core has checked is a live container),
    /// computing its materialized path and depth. Its id is never one handed out before.
    /// Fails with `NameConflict` if a live sibling has the same name key, and with `NotFound`
    /// if the parent does not exist.
    async fn insert_node(&mut self, node: &NewNode) -> Result<Node>;
    /// The tenant's node with this id, live or in the trash, if it exists.
    async fn node(&mut self, tenant: TenantId, id: NodeId) -> Result<Option<Node>>;
    /// The unmarked child of `parent` (`None`: a library) whose name key is `name_key`; there
    /// is at most one.
    async fn unmarked_child(
        &mut self,
        tenant: TenantId,
        parent: Option<NodeId>,
        name_key: &str,
    ) -> Result<Option<Node>>;
    /// Whether a *marked* child of `parent` has that name key (for reserved trashed names). At
    /// the top level only trashed libraries count, not items a purge left detached.
    async fn marked_child_exists(&mut self, tenant: TenantId, parent: Option<NodeId>, name_key: &str) -> Result<bool>;
    /// Unmarked children of a node (`None`: the libraries) in the order `sort`, after `after`
    /// (a cursor of that same order), at most `limit`. Fails with `InvalidInput` if the cursor
    /// belongs to another order.
    async fn unmarked_children(
        &mut self,
        tenant: TenantId,
        parent: Option<NodeId>,
        sort: ChildSort,
        after: Option<&ChildCursor>,
        limit: u32,
    ) -> Result<Vec<Node>>;
    /// The nearest node among `ids` (ancestors and self, root first) that carries a trash mark:
    /// the deepest marked one.
    async fn nearest_marked(&mut self, tenant: TenantId, ids: &[NodeId]) -> Result<Option<Node>>;
    /// Names of the nodes `ids`, in the given order (to build a path by names). Fails with
    /// `NotFound` if any of them does not exist.
    async fn names_of(&mut self, tenant: TenantId, ids: &[NodeId]) -> Result<Vec<String>>;
    /// Renames a node (name and name key) and stamps its modification time. Fails with
    /// `NameConflict` if a live sibling has the new name key.
    async fn rename_node(&mut self, id: NodeId, name: &str, now: DateTime<Utc>) -> Result<()>;
    /// Moves a node (and so its whole subtree) under `new_parent` (`None`: to the top level),
    /// where it is `kind` (a container changes kind between the top level, where libraries are,
    /// and the folders): one set-based path rewrite. Fails with `NameConflict` if a live node
    /// there has its name key.
    async fn move_subtree(
        &mut self,
        node: &Node,
        new_parent: Option<&Node>,
        kind: NodeKind,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// The nodes below `root` that belong with it: not marked and with no marked node between
    /// them and `root`, ordered by path, at most `limit`. Below a live node these are its live
    /// descendants; below a marked node, the rest of that deletion.
    async fn unmarked_below(&mut self, tenant: TenantId, root: &Node, limit: u32) -> Result<Vec<Node>>;
    /// Documents of the tenant, live or in the trash, whose name key is `stem_key` or starts
    /// with `stem_key` followed by a dot (at most `limit`), by id.
    async fn documents_named(&mut self, tenant: TenantId, stem_key: &str, limit: u32) -> Result<Vec<Node>>;
}
