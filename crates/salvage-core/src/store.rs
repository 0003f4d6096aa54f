//! The storage contract. A backend (SQLite, PostgreSQL) implements these traits with SQL; the
//! rules that decide *what* to do live in the core, which drives a transaction through them.
//!
//! Methods are at the level of domain operations ("mark this subtree with that record", "move a
//! subtree"), so that each backend can do subtree work in one or a few set-based statements.

use crate::acl::AclEntry;
use crate::error::Result;
use crate::model::*;
use crate::throttle::{CounterKey, LoginCounter};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use crate::sort::{ChildCursor, ChildOrder, ChildSort, SortKey, TrashCursor, TrashOrder, TrashSort};

#[async_trait]
pub trait Store: Send + Sync {
    /// A transaction that may write. Backends serialise writers; every core operation is one
    /// such transaction, so nothing is ever left half done.
    async fn write(&self) -> Result<Box<dyn StoreTx>>;
    /// A read-only snapshot.
    async fn read(&self) -> Result<Box<dyn StoreTx>>;
}

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

#[async_trait]
pub trait StoreTx: Send {
    async fn commit(self: Box<Self>) -> Result<()>;
    async fn rollback(self: Box<Self>) -> Result<()>;
    /// Opens a savepoint; one batch item runs inside it.
    async fn savepoint(&mut self) -> Result<()>;
    async fn release_savepoint(&mut self) -> Result<()>;
    /// Undoes everything since the savepoint and closes it.
    async fn rollback_to_savepoint(&mut self) -> Result<()>;

    // --- tenants, users, groups, sessions -------------------------------------------------
    async fn insert_tenant(&mut self, name: &str, settings: TrashSettings, now: DateTime<Utc>) -> Result<Tenant>;
    async fn tenant(&mut self, id: TenantId) -> Result<Option<Tenant>>;
    async fn tenant_by_name(&mut self, name: &str) -> Result<Option<Tenant>>;
    async fn tenants(&mut self) -> Result<Vec<Tenant>>;
    async fn update_tenant_settings(&mut self, id: TenantId, settings: TrashSettings) -> Result<()>;

    async fn insert_user(&mut self, user: &NewUser, password_hash: &str, now: DateTime<Utc>) -> Result<User>;
    async fn user(&mut self, id: UserId) -> Result<Option<User>>;
    /// By username or e-mail address, case-insensitively.
    async fn user_by_login(&mut self, login: &str) -> Result<Option<User>>;
    async fn users(&mut self) -> Result<Vec<User>>;
    async fn set_password_hash(&mut self, id: UserId, hash: &str) -> Result<()>;

    async fn upsert_membership(&mut self, m: &Membership) -> Result<()>;
    async fn membership(&mut self, user: UserId, tenant: TenantId) -> Result<Option<Membership>>;
    async fn memberships_of_tenant(&mut self, tenant: TenantId) -> Result<Vec<Membership>>;

    async fn insert_group(&mut self, tenant: TenantId, name: &str, builtin: bool) -> Result<Group>;
    async fn group_by_name(&mut self, tenant: TenantId, name: &str) -> Result<Option<Group>>;
    async fn groups(&mut self, tenant: TenantId) -> Result<Vec<Group>>;
    async fn add_group_member(&mut self, group: GroupId, user: UserId) -> Result<()>;
    async fn user_groups(&mut self, tenant: TenantId, user: UserId) -> Result<Vec<Group>>;

    async fn insert_session(&mut self, ticket_hash: &str, session: &Session) -> Result<()>;
    async fn session(&mut self, ticket_hash: &str) -> Result<Option<Session>>;
    async fn extend_session(&mut self, ticket_hash: &str, expires_at: DateTime<Utc>) -> Result<()>;
    async fn delete_session(&mut self, ticket_hash: &str) -> Result<()>;
    async fn delete_expired_sessions(&mut self, now: DateTime<Utc>) -> Result<u64>;

    // --- the login throttle's counters (see `throttle`) ----------------------------------
    /// The counters among `keys` that exist, forgotten ones included, in no particular order.
    async fn login_counters(&mut self, keys: &[CounterKey]) -> Result<Vec<LoginCounter>>;
    /// Inserts the counters, or replaces those with the same keys.
    async fn put_login_counters(&mut self, counters: &[LoginCounter]) -> Result<()>;
    async fn delete_login_counter(&mut self, key: &CounterKey) -> Result<()>;
    /// Deletes the counters forgotten by `now` (`expires_at` passed); returns how many.
    async fn delete_expired_login_counters(&mut self, now: DateTime<Utc>) -> Result<u64>;
    /// Deletes the `n` counters that expire soonest; returns how many went.
    async fn delete_soonest_login_counters(&mut self, n: u64) -> Result<u64>;
    async fn count_login_counters(&mut self) -> Result<u64>;

    // --- the tree -------------------------------------------------------------------------
    /// Inserts a node under `parent_id` (which the core has checked is a live container),
    /// computing its materialized path and depth.
    async fn insert_node(&mut self, node: &NewNode) -> Result<Node>;
    async fn node(&mut self, tenant: TenantId, id: NodeId) -> Result<Option<Node>>;
    /// The unmarked child of `parent` (`None`: a library) whose name key is `name_key`.
    async fn unmarked_child(
        &mut self,
        tenant: TenantId,
        parent: Option<NodeId>,
        name_key: &str,
    ) -> Result<Option<Node>>;
    /// Whether a *marked* child of `parent` has that name key (for reserved trashed names).
    async fn marked_child_exists(&mut self, tenant: TenantId, parent: Option<NodeId>, name_key: &str) -> Result<bool>;
    /// Unmarked children of a node (`None`: the libraries) in the order `sort`, after `after`
    /// (a cursor of that same order).
    async fn unmarked_children(
        &mut self,
        tenant: TenantId,
        parent: Option<NodeId>,
        sort: ChildSort,
        after: Option<&ChildCursor>,
        limit: u32,
    ) -> Result<Vec<Node>>;
    /// The nearest node among `ids` (ancestors and self, root first) that carries a trash mark.
    async fn nearest_marked(&mut self, tenant: TenantId, ids: &[NodeId]) -> Result<Option<Node>>;
    /// Names of the nodes `ids`, in the given order (to build a path by names).
    async fn names_of(&mut self, tenant: TenantId, ids: &[NodeId]) -> Result<Vec<String>>;
    async fn rename_node(&mut self, id: NodeId, name: &str, now: DateTime<Utc>) -> Result<()>;
    /// Moves a node (and so its whole subtree) under `new_parent` (`None`: to the top level),
    /// where it is `kind` (a container changes kind between the top level, where libraries are,
    /// and the folders): one set-based path rewrite.
    async fn move_subtree(
        &mut self,
        node: &Node,
        new_parent: Option<&Node>,
        kind: NodeKind,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// The nodes below `root` that belong with it: not marked and with no marked node between
    /// them and `root`, ordered by path. Below a live node these are its live descendants;
    /// below a marked node, the rest of that deletion.
    async fn unmarked_below(&mut self, tenant: TenantId, root: &Node, limit: u32) -> Result<Vec<Node>>;

    /// Documents of the tenant, live or in the trash, whose name key is `stem_key` or starts
    /// with `stem_key` followed by a dot (at most `limit`), by id.
    async fn documents_named(&mut self, tenant: TenantId, stem_key: &str, limit: u32) -> Result<Vec<Node>>;

    // --- documents ------------------------------------------------------------------------
    /// Adds a version pointing at blob `sha256` and takes a reference on that blob.
    async fn insert_version(
        &mut self,
        node: NodeId,
        sha256: &str,
        size: i64,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<Version>;
    async fn versions(&mut self, node: NodeId) -> Result<Vec<Version>>;
    async fn set_published_version(&mut self, node: NodeId, version: i64) -> Result<()>;
    async fn set_doc_type(&mut self, node: NodeId, doc_type: Option<DocTypeId>) -> Result<()>;
    async fn set_requires_doc_type(&mut self, library: NodeId, required: bool) -> Result<()>;
    async fn insert_doc_type(&mut self, tenant: TenantId, name: &str) -> Result<DocType>;
    async fn doc_types(&mut self, tenant: TenantId) -> Result<Vec<DocType>>;
    /// infoRouter rule: documents of the subtree without a document type lose their published
    /// version (reset to 0). Called when the subtree lands in a library that requires a type.
    async fn reset_untyped_published(&mut self, subtree: &Node) -> Result<u64>;

    // --- access lists ---------------------------------------------------------------------
    /// The access list of the nearest node among `ids` (root first) that does not inherit.
    async fn nearest_access_list(
        &mut self,
        tenant: TenantId,
        ids: &[NodeId],
    ) -> Result<Option<(NodeId, Vec<AclEntry>)>>;
    async fn access_list(&mut self, node: NodeId) -> Result<Vec<AclEntry>>;
    /// Replaces a node's own access list; `inherit` true drops it and inherits again.
    async fn set_access_list(&mut self, node: NodeId, inherit: bool, entries: &[AclEntry]) -> Result<()>;
    /// Drops the own access list of every node strictly below `root`, so the whole subtree
    /// inherits `root`'s again (one statement over the path range).
    async fn inherit_below(&mut self, root: &Node) -> Result<()>;
    /// The id path and access list of every node of the tenant that sets a list of its own,
    /// live or in the trash (one statement; the visibility rule judges many nodes with them).
    async fn access_scopes(&mut self, tenant: TenantId) -> Result<Vec<(String, Vec<AclEntry>)>>;

    // --- trash ----------------------------------------------------------------------------
    /// Count and size of the items a deletion of `root` removes: its subtree, less anything
    /// beneath it that is already marked by a deletion of its own.
    async fn subtree_stats(&mut self, root: &Node) -> Result<SubtreeStats>;
    async fn insert_record(&mut self, record: &NewTrashRecord) -> Result<TrashRecord>;
    async fn record(&mut self, tenant: TenantId, id: RecordId) -> Result<Option<TrashRecord>>;
    /// Records matching `filter` in the order `sort`, after `after` (a cursor of that same
    /// order).
    async fn records(
        &mut self,
        tenant: TenantId,
        filter: &TrashFilter,
        sort: TrashSort,
        after: Option<&TrashCursor>,
        limit: u32,
    ) -> Result<Vec<TrashRecord>>;
    async fn count_records(&mut self, tenant: TenantId, filter: &TrashFilter) -> Result<i64>;
    async fn delete_record(&mut self, id: RecordId) -> Result<()>;
    /// Recomputes a record's item count and size from its marked nodes.
    async fn refresh_record_stats(&mut self, id: RecordId) -> Result<()>;
    async fn set_mark(&mut self, node: NodeId, record: Option<RecordId>) -> Result<()>;
    async fn marked_nodes(&mut self, record: RecordId) -> Result<Vec<Node>>;
    /// Marks every unmarked child of `parent` except `keep` with `record` (restoring one item
    /// out of a trashed folder leaves its siblings in the same deletion).
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
    /// Ids of system-bin records that entered it before `before`.
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

    // --- many items at once (the set-based restore) --------------------------------------
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
    async fn delete_records(&mut self, ids: &[RecordId]) -> Result<()>;
    /// Appends audit events in their order, in one statement.
    async fn insert_events(&mut self, events: &[NewAuditEvent]) -> Result<()>;

    // --- blobs ----------------------------------------------------------------------------
    /// Claims (deletes the rows of) blobs unreferenced since before `before`; returns their
    /// hashes so the caller removes the files before committing.
    async fn claim_dead_blobs(&mut self, before: DateTime<Utc>, limit: u32) -> Result<Vec<String>>;
    /// Every blob hash with a row, for `check`.
    async fn blob_hashes(&mut self, after: Option<&str>, limit: u32) -> Result<Vec<String>>;

    // --- audit ----------------------------------------------------------------------------
    async fn insert_event(&mut self, event: &NewAuditEvent) -> Result<()>;
    async fn events(
        &mut self,
        tenant: TenantId,
        filter: &AuditFilter,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>>;

    // --- invariants -----------------------------------------------------------------------
    async fn check_invariants(&mut self) -> Result<Vec<Violation>>;
}
