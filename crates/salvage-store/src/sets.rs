//! Statements over many rows at once, shared by both backends: what the set-based restore reads
//! and writes for a whole window of items in a handful of statements instead of a dozen per item.
//!
//! Ids are integers and go into the SQL as literal lists; text goes through `QueryBuilder` binds.

use salvage_core::model::{NewAuditEvent, NodeId, RecordId, TenantId};
use sqlx::{Database, Encode, QueryBuilder, Type};

use crate::query::id_list;
use crate::rows::{ms, NODE_COLUMNS, RECORD_COLUMNS};

pub(crate) fn records_by_ids(tenant: TenantId, ids: &[RecordId]) -> String {
    format!(
        "SELECT {RECORD_COLUMNS} FROM trash_records r JOIN users u ON u.id = r.deleted_by WHERE r.id IN ({}) AND r.tenant_id = {tenant}",
        id_list(ids)
    )
}

pub(crate) fn nodes_by_ids(tenant: TenantId, ids: &[NodeId]) -> String {
    format!(
        "SELECT {NODE_COLUMNS} FROM nodes WHERE id IN ({}) AND tenant_id = {tenant}",
        id_list(ids)
    )
}

/// In no particular order: ordering them by path would have the planner walk every marked node
/// in path order instead of seeking each record's.
pub(crate) fn nodes_marked_by(records: &[RecordId]) -> String {
    format!(
        "SELECT {NODE_COLUMNS} FROM nodes WHERE trash_record_id IN ({})",
        id_list(records)
    )
}

pub(crate) fn unmark_nodes(ids: &[NodeId]) -> String {
    format!("UPDATE nodes SET trash_record_id = NULL WHERE id IN ({})", id_list(ids))
}

pub(crate) fn delete_records(ids: &[RecordId]) -> String {
    format!("DELETE FROM trash_records WHERE id IN ({})", id_list(ids))
}

/// Which of the wanted (parent, name key) pairs an unmarked node holds, as `(parent or 0, key)`
/// rows. `parent_key` is the backend's spelling of the expression its unique index of live names
/// is built on, so that each pair is one seek in that index.
pub(crate) fn push_names_taken<'a, DB>(
    q: &mut QueryBuilder<'a, DB>,
    tenant: TenantId,
    names: &'a [(Option<NodeId>, String)],
    parent_key: &str,
) where
    DB: Database,
    i64: Encode<'a, DB> + Type<DB>,
    &'a str: Encode<'a, DB> + Type<DB>,
{
    q.push("WITH wanted (want_parent, want_key) AS (");
    q.push_values(names, |mut row, (parent, key)| {
        row.push_bind(parent.unwrap_or(0)).push_bind(key.as_str());
    });
    // CROSS JOIN: SQLite then keeps `wanted` as the outer loop, one index seek per pair. Left
    // to choose, it walks every live child of the folder instead, which grows with the folder.
    q.push(format!(
        ") SELECT want_parent, want_key FROM wanted CROSS JOIN nodes WHERE tenant_id = {tenant} AND {parent_key} = want_parent AND name_key = want_key AND trash_record_id IS NULL"
    ));
}

/// One multi-row INSERT of audit events, in their order.
pub(crate) fn insert_events<'a, DB>(events: &'a [NewAuditEvent]) -> QueryBuilder<'a, DB>
where
    DB: Database,
    i64: Encode<'a, DB> + Type<DB>,
    Option<i64>: Encode<'a, DB> + Type<DB>,
    &'a str: Encode<'a, DB> + Type<DB>,
{
    let mut q = QueryBuilder::new(
        "INSERT INTO audit_events (tenant_id, at, actor_id, action, record_id, node_id, kind, name, from_path, to_path) ",
    );
    q.push_values(events, |mut row, e| {
        row.push_bind(e.tenant_id)
            .push_bind(ms(e.at))
            .push_bind(e.actor_id)
            .push_bind(e.action.as_str())
            .push_bind(e.record_id)
            .push_bind(e.node_id)
            .push_bind(e.kind.as_str())
            .push_bind(e.name.as_str())
            .push_bind(e.from_path.as_str())
            .push_bind(e.to_path.as_str());
    });
    q
}
