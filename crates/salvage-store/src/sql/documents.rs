//! Documents: versions and the blob references they hold, published versions, types.

use super::SqlTx;
use crate::query::{push_outside, subtree_end};
use crate::rows::{self, ms, Columns};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use salvage_core::model::*;
use salvage_core::store::DocumentsTx;
use salvage_core::Result;

#[async_trait]
impl DocumentsTx for SqlTx {
    async fn insert_version(
        &mut self,
        node: NodeId,
        sha256: &str,
        size: i64,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<Version> {
        let blob = self
            .sql(
                "INSERT INTO blobs (sha256, size, refcount, zero_since) VALUES ($1, $2, 1, NULL) \
                 ON CONFLICT (sha256) DO UPDATE SET refcount = blobs.refcount + 1, zero_since = NULL",
            )
            .arg(sha256)
            .arg(size);
        self.run(blob).await?;
        let bump = self
            .sql(
                "UPDATE nodes SET current_version = current_version + 1, size = $1, modified_at = $2 WHERE id = $3 \
                 RETURNING current_version",
            )
            .arg(size)
            .arg(ms(now))
            .arg(node);
        let number = self.one(bump).await?.int("current_version");
        let version = self
            .sql(
                "INSERT INTO versions (node_id, number, blob_sha256, size, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
            )
            .arg(node)
            .arg(number)
            .arg(sha256)
            .arg(size)
            .arg(by)
            .arg(ms(now));
        Ok(rows::version(&self.one(version).await?))
    }

    async fn versions(&mut self, node: NodeId) -> Result<Vec<Version>> {
        let sql = self
            .sql("SELECT * FROM versions WHERE node_id = $1 ORDER BY number")
            .arg(node);
        Ok(self.rows(sql).await?.iter().map(rows::version).collect())
    }

    async fn set_published_version(&mut self, node: NodeId, version: i64) -> Result<()> {
        let sql = self
            .sql("UPDATE nodes SET published_version = $1 WHERE id = $2")
            .arg(version)
            .arg(node);
        self.run(sql).await.map(drop)
    }

    async fn set_doc_type(&mut self, node: NodeId, doc_type: Option<DocTypeId>) -> Result<()> {
        let sql = self
            .sql("UPDATE nodes SET doc_type_id = $1 WHERE id = $2")
            .arg(doc_type)
            .arg(node);
        self.run(sql).await.map(drop)
    }

    async fn set_requires_doc_type(&mut self, library: NodeId, required: bool) -> Result<()> {
        let sql = self
            .sql("UPDATE nodes SET requires_doc_type = $1 WHERE id = $2")
            .arg(required)
            .arg(library);
        self.run(sql).await.map(drop)
    }

    async fn insert_doc_type(&mut self, tenant: TenantId, name: &str) -> Result<DocType> {
        let sql = self
            .sql("INSERT INTO doc_types (tenant_id, name) VALUES ($1, $2) RETURNING id")
            .arg(tenant)
            .arg(name);
        Ok(DocType {
            id: self.one(sql).await?.int("id"),
            tenant_id: tenant,
            name: name.to_owned(),
        })
    }

    async fn doc_types(&mut self, tenant: TenantId) -> Result<Vec<DocType>> {
        let sql = self
            .sql("SELECT * FROM doc_types WHERE tenant_id = $1 ORDER BY name")
            .arg(tenant);
        Ok(self
            .rows(sql)
            .await?
            .iter()
            .map(|r| DocType {
                id: r.int("id"),
                tenant_id: r.int("tenant_id"),
                name: r.text("name"),
            })
            .collect())
    }

    async fn reset_untyped_published(&mut self, subtree: &Node) -> Result<u64> {
        let excluded = self.topmost_marked_inside(subtree).await?;
        let mut sql = self.sql(
            "UPDATE nodes SET published_version = 0 WHERE kind = 'document' AND doc_type_id IS NULL \
             AND published_version <> 0 AND path >= ",
        );
        sql.push_bind(&subtree.path)
            .push(" AND path < ")
            .push_bind(subtree_end(&subtree.path));
        push_outside(&mut sql, &excluded);
        self.run(sql).await
    }
}
