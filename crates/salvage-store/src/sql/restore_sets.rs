//! Statements over many rows at once: what the set-based restore reads and writes for a whole
//! window of items in a handful of statements instead of a dozen per item.
//!
//! Ids are integers and go into the SQL as literal lists; text goes in as arguments.

use super::{Sql, SqlTx};
use crate::query::id_list;
use crate::rows::{self, NODE_COLUMNS, RECORD_COLUMNS};
use crate::sql::stmt::Arg;
use async_trait::async_trait;
use salvage_core::model::*;
use salvage_core::store::RestoreSetTx;
use salvage_core::Result;

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

/// Which of the wanted (parent, name key) pairs an unmarked node holds, as `(parent or 0, key)`
/// rows. `parent_key` is the backend's spelling of the expression its unique index of live
/// names is built on, so that each pair is one seek in that index.
pub(crate) fn push_names_taken(q: &mut Sql, tenant: TenantId, names: &[(Option<NodeId>, String)], parent_key: &str) {
    q.push("WITH wanted (want_parent, want_key) AS (");
    q.values(names, |(parent, key)| {
        vec![Arg::from(parent.unwrap_or(0)), Arg::from(key)]
    });
    // CROSS JOIN: SQLite then keeps `wanted` as the outer loop, one index seek per pair. Left
    // to choose, it walks every live child of the folder instead, which grows with the folder.
    q.push(format!(
        ") SELECT want_parent, want_key FROM wanted CROSS JOIN nodes WHERE tenant_id = {tenant} AND {parent_key} = want_parent AND name_key = want_key AND trash_record_id IS NULL"
    ));
}

#[async_trait]
impl RestoreSetTx for SqlTx {
    async fn records_by_ids(&mut self, tenant: TenantId, ids: &[RecordId]) -> Result<Vec<TrashRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = self.sql(records_by_ids(tenant, ids));
        self.rows(sql).await?.iter().map(rows::record).collect()
    }

    async fn nodes_by_ids(&mut self, tenant: TenantId, ids: &[NodeId]) -> Result<Vec<Node>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.nodes(self.sql(nodes_by_ids(tenant, ids))).await
    }

    async fn nodes_marked_by(&mut self, records: &[RecordId]) -> Result<Vec<Node>> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        self.nodes(self.sql(nodes_marked_by(records))).await
    }

    async fn names_taken(
        &mut self,
        tenant: TenantId,
        names: &[(Option<NodeId>, String)],
    ) -> Result<Vec<(Option<NodeId>, String)>> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = self.sql("");
        push_names_taken(&mut sql, tenant, names, self.dialect.parent_key);
        Ok(self
            .rows(sql)
            .await?
            .iter()
            .map(|r| {
                let parent = r.int_at(0);
                ((parent != 0).then_some(parent), r.text_at(1))
            })
            .collect())
    }

    async fn unmark_nodes(&mut self, nodes: &[NodeId]) -> Result<()> {
        if nodes.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "UPDATE nodes SET trash_record_id = NULL WHERE id IN ({})",
            id_list(nodes)
        );
        self.run(self.sql(sql)).await.map(drop)
    }

    async fn delete_records(&mut self, ids: &[RecordId]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let sql = format!("DELETE FROM trash_records WHERE id IN ({})", id_list(ids));
        self.run(self.sql(sql)).await.map(drop)
    }
}
