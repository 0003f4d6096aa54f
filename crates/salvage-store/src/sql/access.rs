//! Access lists: a node inherits its parent's or sets its own (`acl_entries`).

use super::SqlTx;
use crate::query::{self, id_list, subtree_end};
use crate::rows;
use async_trait::async_trait;
use salvage_core::acl::AclEntry;
use salvage_core::model::*;
use salvage_core::store::AccessTx;
use salvage_core::Result;

#[async_trait]
impl AccessTx for SqlTx {
    async fn nearest_access_list(
        &mut self,
        tenant: TenantId,
        ids: &[NodeId],
    ) -> Result<Option<(NodeId, Vec<AclEntry>)>> {
        if ids.is_empty() {
            return Ok(None);
        }
        let sql = self
            .sql(format!(
                "SELECT id FROM nodes WHERE id IN ({}) AND tenant_id = $1 AND NOT acl_inherited \
                 ORDER BY depth DESC LIMIT 1",
                id_list(ids)
            ))
            .arg(tenant);
        match self.ints(sql).await?.first() {
            Some(&id) => Ok(Some((id, self.access_list(id).await?))),
            None => Ok(None),
        }
    }

    async fn access_list(&mut self, node: NodeId) -> Result<Vec<AclEntry>> {
        let sql = self
            .sql("SELECT * FROM acl_entries WHERE node_id = $1 ORDER BY principal_kind, principal_id")
            .arg(node);
        self.rows(sql).await?.iter().map(rows::acl_entry).collect()
    }

    async fn set_access_list(&mut self, node: NodeId, inherit: bool, entries: &[AclEntry]) -> Result<()> {
        self.run(self.sql("DELETE FROM acl_entries WHERE node_id = $1").arg(node))
            .await?;
        if !inherit {
            for e in entries {
                let (kind, id) = rows::principal_parts(e.principal);
                let sql = self
                    .sql(
                        "INSERT INTO acl_entries (node_id, principal_kind, principal_id, access_right) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (node_id, principal_kind, principal_id) DO UPDATE \
                         SET access_right = CASE WHEN excluded.access_right > acl_entries.access_right \
                         THEN excluded.access_right ELSE acl_entries.access_right END",
                    )
                    .arg(node)
                    .arg(kind)
                    .arg(id)
                    .arg(e.right as i64);
                self.run(sql).await?;
            }
        }
        let sql = self
            .sql("UPDATE nodes SET acl_inherited = $1 WHERE id = $2")
            .arg(inherit)
            .arg(node);
        self.run(sql).await.map(drop)
    }

    async fn inherit_below(&mut self, root: &Node) -> Result<()> {
        let (start, end) = (root.path.clone(), subtree_end(&root.path));
        let entries = self
            .sql("DELETE FROM acl_entries WHERE node_id IN (SELECT id FROM nodes WHERE path > $1 AND path < $2)")
            .arg(&start)
            .arg(&end);
        self.run(entries).await?;
        let flags = self
            .sql("UPDATE nodes SET acl_inherited = TRUE WHERE path > $1 AND path < $2 AND NOT acl_inherited")
            .arg(start)
            .arg(end);
        self.run(flags).await.map(drop)
    }

    async fn access_scopes(&mut self, tenant: TenantId) -> Result<Vec<(String, Vec<AclEntry>)>> {
        let sql = self.sql(query::access_scopes(tenant));
        rows::access_scopes(&self.rows(sql).await?)
    }
}
