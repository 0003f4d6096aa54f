//! The tree: nodes, their materialized id paths, listings of children, moves. Subtree work is
//! a handful of statements over an index range of the path, whatever the subtree's size.

use super::{name_conflict, SqlTx};
use crate::query::{id_list, push_children_listing, push_outside, subtree_end, topmost};
use crate::rows::{self, ms, Columns, NODE_COLUMNS};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use salvage_core::model::*;
use salvage_core::name;
use salvage_core::store::{ChildCursor, ChildSort, TreeTx};
use salvage_core::{Error, Result};

impl SqlTx {
    /// Marked nodes strictly inside `root`'s subtree, topmost only (a marked node below
    /// another one is already excluded with it). Uses the partial index on marked paths, so it
    /// costs the number of marked nodes inside, not the size of the subtree.
    pub(super) async fn topmost_marked_inside(&mut self, root: &Node) -> Result<Vec<Node>> {
        let sql = self
            .sql(format!(
                "SELECT {NODE_COLUMNS} FROM nodes WHERE path > $1 AND path < $2 AND trash_record_id IS NOT NULL ORDER BY path"
            ))
            .arg(&root.path)
            .arg(subtree_end(&root.path));
        Ok(topmost(self.nodes(sql).await?))
    }

    /// Re-roots a subtree at `new_prefix` (one statement over the path range).
    pub(super) async fn rewrite_paths(&mut self, old_prefix: &str, new_prefix: &str, depth_delta: i64) -> Result<()> {
        let sql = self
            .sql(
                "UPDATE nodes SET path = $1 || substr(path, CAST($2 AS INTEGER)), depth = depth + $3 \
                 WHERE path >= $4 AND path < $5",
            )
            .arg(new_prefix)
            .arg(old_prefix.len() as i64 + 1)
            .arg(depth_delta)
            .arg(old_prefix)
            .arg(subtree_end(old_prefix));
        self.run(sql).await.map(drop)
    }
}

#[async_trait]
impl TreeTx for SqlTx {
    async fn insert_node(&mut self, n: &NewNode) -> Result<Node> {
        let (parent_path, depth) = match n.parent_id {
            Some(p) => {
                let sql = self.sql("SELECT path, depth FROM nodes WHERE id = $1").arg(p);
                let row = self.row(sql).await?.ok_or_else(|| Error::not_found("parent folder"))?;
                (row.text("path"), row.int("depth") + 1)
            }
            None => ("/".to_owned(), 0),
        };
        let insert = self
            .sql(self.dialect.insert_node)
            .arg(n.tenant_id)
            .arg(n.parent_id)
            .arg(n.kind.as_str())
            .arg(&n.name)
            .arg(name::key(&n.name))
            .arg(parent_path)
            .arg(depth)
            .arg(n.created_by)
            .arg(ms(n.created_at));
        let row = self
            .conn
            .fetch_optional(&insert)
            .await
            .map_err(|e| name_conflict(e, &n.name))?
            .ok_or_else(|| Error::Storage("the id counter of nodes is missing".into()))?;
        let row = match self.dialect.node_path {
            // The path ends with the node's own id, known only now.
            Some(node_path) => self.one(self.sql(node_path).arg(row.int("id"))).await?,
            None => row,
        };
        rows::node(&row)
    }

    async fn node(&mut self, tenant: TenantId, id: NodeId) -> Result<Option<Node>> {
        let sql = self
            .sql(format!(
                "SELECT {NODE_COLUMNS} FROM nodes WHERE id = $1 AND tenant_id = $2"
            ))
            .arg(id)
            .arg(tenant);
        Ok(self.nodes(sql).await?.into_iter().next())
    }

    async fn unmarked_child(
        &mut self,
        tenant: TenantId,
        parent: Option<NodeId>,
        name_key: &str,
    ) -> Result<Option<Node>> {
        let sql = self
            .sql(format!(
                "SELECT {NODE_COLUMNS} FROM nodes WHERE tenant_id = $1 AND {} = $2 AND name_key = $3 \
                 AND trash_record_id IS NULL",
                self.dialect.parent_key
            ))
            .arg(tenant)
            .arg(parent.unwrap_or(0))
            .arg(name_key);
        Ok(self.nodes(sql).await?.into_iter().next())
    }

    async fn marked_child_exists(&mut self, tenant: TenantId, parent: Option<NodeId>, name_key: &str) -> Result<bool> {
        // At the top level only trashed libraries count: items a purge left without a parent
        // (detached, `parent_id` NULL) were never there and can never come back there.
        let sql = self
            .sql(format!(
                "SELECT id FROM nodes WHERE tenant_id = $1 AND {} AND name_key = $3 AND trash_record_id IS NOT NULL \
                 AND (parent_id IS NOT NULL OR kind = 'library') LIMIT 1",
                self.dialect.same_parent
            ))
            .arg(tenant)
            .arg(parent)
            .arg(name_key);
        Ok(self.row(sql).await?.is_some())
    }

    async fn unmarked_children(
        &mut self,
        tenant: TenantId,
        parent: Option<NodeId>,
        sort: ChildSort,
        after: Option<&ChildCursor>,
        limit: u32,
    ) -> Result<Vec<Node>> {
        let mut sql = self.sql("");
        push_children_listing(&mut sql, self.dialect.parent_key, tenant, parent, sort, after, limit)?;
        self.nodes(sql).await
    }

    async fn nearest_marked(&mut self, tenant: TenantId, ids: &[NodeId]) -> Result<Option<Node>> {
        if ids.is_empty() {
            return Ok(None);
        }
        let sql = self
            .sql(format!(
                "SELECT {NODE_COLUMNS} FROM nodes WHERE id IN ({}) AND tenant_id = $1 AND trash_record_id IS NOT NULL \
                 ORDER BY depth DESC LIMIT 1",
                id_list(ids)
            ))
            .arg(tenant);
        Ok(self.nodes(sql).await?.into_iter().next())
    }

    async fn names_of(&mut self, tenant: TenantId, ids: &[NodeId]) -> Result<Vec<String>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = self
            .sql(format!(
                "SELECT id, name FROM nodes WHERE id IN ({}) AND tenant_id = $1",
                id_list(ids)
            ))
            .arg(tenant);
        let rows = self.rows(sql).await?;
        let by_id: std::collections::HashMap<i64, String> =
            rows.iter().map(|r| (r.int("id"), r.text("name"))).collect();
        ids.iter()
            .map(|id| {
                by_id
                    .get(id)
                    .cloned()
                    .ok_or_else(|| Error::not_found(format!("item {id}")))
            })
            .collect()
    }

    async fn rename_node(&mut self, id: NodeId, new_name: &str, now: DateTime<Utc>) -> Result<()> {
        let sql = self
            .sql("UPDATE nodes SET name = $1, name_key = $2, modified_at = $3 WHERE id = $4")
            .arg(new_name)
            .arg(name::key(new_name))
            .arg(ms(now))
            .arg(id);
        self.run_naming(sql, new_name).await.map(drop)
    }

    async fn move_subtree(
        &mut self,
        node: &Node,
        new_parent: Option<&Node>,
        kind: NodeKind,
        now: DateTime<Utc>,
    ) -> Result<()> {
        // The top level is depth 0 under the path `/`.
        let (parent_path, parent_depth) = new_parent.map_or(("/", -1), |p| (p.path.as_str(), p.depth));
        let new_prefix = format!("{parent_path}{}/", node.id);
        self.rewrite_paths(&node.path, &new_prefix, parent_depth + 1 - node.depth)
            .await?;
        let sql = self
            .sql("UPDATE nodes SET parent_id = $1, kind = $2, modified_at = $3 WHERE id = $4")
            .arg(new_parent.map(|p| p.id))
            .arg(kind.as_str())
            .arg(ms(now))
            .arg(node.id);
        self.run_naming(sql, &node.name).await.map(drop)
    }

    async fn unmarked_below(&mut self, tenant: TenantId, root: &Node, limit: u32) -> Result<Vec<Node>> {
        let excluded = self.topmost_marked_inside(root).await?;
        let mut sql = self.sql(format!("SELECT {NODE_COLUMNS} FROM nodes WHERE tenant_id = "));
        sql.push_bind(tenant)
            .push(" AND path > ")
            .push_bind(&root.path)
            .push(" AND path < ")
            .push_bind(subtree_end(&root.path));
        push_outside(&mut sql, &excluded);
        sql.push(" ORDER BY path LIMIT ").push_bind(limit);
        self.nodes(sql).await
    }

    async fn documents_named(&mut self, tenant: TenantId, stem_key: &str, limit: u32) -> Result<Vec<Node>> {
        // `name.` .. `name/` is the range of keys that continue with a dot ('/' follows '.').
        let sql = self
            .sql(format!(
                "SELECT {NODE_COLUMNS} FROM nodes WHERE tenant_id = $1 AND kind = 'document' \
                 AND (name_key = $2 OR (name_key >= $3 AND name_key < $4)) ORDER BY id LIMIT $5"
            ))
            .arg(tenant)
            .arg(stem_key)
            .arg(format!("{stem_key}."))
            .arg(format!("{stem_key}/"))
            .arg(limit);
        self.nodes(sql).await
    }
}
