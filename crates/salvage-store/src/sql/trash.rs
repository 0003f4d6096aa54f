//! The trash: deletion records, the marks they put on nodes, the listings of the bins, the move
//! to the system bin and the purge.

use super::{name_conflict, SqlTx};
use crate::query::{
    outside_hidden, push_trash_filter, push_trash_listing, subtree_end, trash_source, trigram_phrase, NameSearch,
};
use crate::rows::{self, ms, Columns, NODE_COLUMNS, RECORD_COLUMNS};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use salvage_core::model::*;
use salvage_core::name;
use salvage_core::store::{AccessTx, PathRange, TrashCursor, TrashFilter, TrashSort, TrashTx};
use salvage_core::{Error, Result};

/// Up to how many records holding a searched name a listing reads them by the trigram table
/// (and sorts them) rather than reading the bin in its order. Fetching and sorting 20,000
/// records takes tens of milliseconds; with more matches than that, a page of the ordered bin
/// fills after a few reads per item, where sorting every match of a common word ("report" in
/// a bin of a million) would take seconds.
pub(crate) const TRIGRAM_CANDIDATES: i64 = 20_000;

impl SqlTx {
    async fn range_stats(&mut self, path: &str) -> Result<SubtreeStats> {
        let sql = self
            .sql(
                "SELECT count(*) AS n, CAST(coalesce(sum(size), 0) AS BIGINT) AS bytes FROM nodes \
                 WHERE path >= $1 AND path < $2",
            )
            .arg(path)
            .arg(subtree_end(path));
        let row = self.one(sql).await?;
        Ok(SubtreeStats {
            item_count: row.int("n"),
            total_size: row.int("bytes"),
        })
    }

    /// How to find the records of a filter's name search. Where the backend has a trigram
    /// table and no statistics to choose by (SQLite), this asks the table how many records
    /// hold the text, counting no further than the limit: cheap for a rare text and for a
    /// common one alike. PostgreSQL's planner chooses between its trigram index and the
    /// ordered bin from its statistics; the query is the same either way.
    pub(crate) async fn name_search(&mut self, filter: &TrashFilter) -> Result<NameSearch> {
        let phrase = match trigram_phrase(filter) {
            Some(phrase) if self.dialect.trigram_table => phrase,
            _ => return Ok(NameSearch::Like),
        };
        let sql = self
            .sql(
                "SELECT count(*) FROM (SELECT 1 FROM trash_name_trigrams WHERE trash_name_trigrams MATCH $1 LIMIT $2) AS c",
            )
            .arg(phrase)
            .arg(TRIGRAM_CANDIDATES + 1);
        let candidates = self.ints(sql).await?.first().copied().unwrap_or(0);
        Ok(if candidates <= TRIGRAM_CANDIDATES {
            NameSearch::Trigrams
        } else {
            NameSearch::Like
        })
    }
}

#[async_trait]
impl TrashTx for SqlTx {
    async fn subtree_stats(&mut self, root: &Node) -> Result<SubtreeStats> {
        let mut stats = self.range_stats(&root.path).await?;
        for inner in self.topmost_marked_inside(root).await? {
            let excluded = self.range_stats(&inner.path).await?;
            stats.item_count -= excluded.item_count;
            stats.total_size -= excluded.total_size;
        }
        Ok(stats)
    }

    async fn insert_record(&mut self, r: &NewTrashRecord) -> Result<TrashRecord> {
        let sql = self
            .sql(self.dialect.insert_record)
            .arg(r.tenant_id)
            .arg(r.root_node_id)
            .arg(r.kind.as_str())
            .arg(&r.name)
            .arg(name::key(&r.name))
            .arg(r.original_parent_id)
            .arg(&r.original_path)
            .arg(r.deleted_by)
            .arg(ms(r.deleted_at))
            .arg(r.item_count)
            .arg(r.total_size);
        let id = self.one(sql).await?.int("id");
        self.record(r.tenant_id, id)
            .await?
            .ok_or_else(|| Error::Storage("inserted trash record vanished".into()))
    }

    async fn record(&mut self, tenant: TenantId, id: RecordId) -> Result<Option<TrashRecord>> {
        let sql = self
            .sql(format!(
                "SELECT {RECORD_COLUMNS} FROM trash_records r JOIN users u ON u.id = r.deleted_by \
                 WHERE r.id = $1 AND r.tenant_id = $2"
            ))
            .arg(id)
            .arg(tenant);
        self.row(sql).await?.as_ref().map(rows::record).transpose()
    }

    async fn records(
        &mut self,
        tenant: TenantId,
        filter: &TrashFilter,
        sort: TrashSort,
        after: Option<&TrashCursor>,
        limit: u32,
    ) -> Result<Vec<TrashRecord>> {
        let search = self.name_search(filter).await?;
        let mut sql = self.sql("");
        push_trash_listing(&mut sql, tenant, filter, search, sort, after, limit)?;
        self.rows(sql).await?.iter().map(rows::record).collect()
    }

    async fn count_records(&mut self, tenant: TenantId, filter: &TrashFilter) -> Result<i64> {
        let search = self.name_search(filter).await?;
        let mut sql = self.sql(format!("SELECT count(*) FROM {}", trash_source(filter, search)));
        push_trash_filter(&mut sql, tenant, filter, search);
        Ok(self.ints(sql).await?.first().copied().unwrap_or(0))
    }

    async fn delete_record(&mut self, id: RecordId) -> Result<()> {
        self.run(self.sql("DELETE FROM trash_records WHERE id = $1").arg(id))
            .await
            .map(drop)
    }

    async fn refresh_record_stats(&mut self, id: RecordId) -> Result<()> {
        let mut total = SubtreeStats::default();
        for marked in self.marked_nodes(id).await? {
            let s = self.subtree_stats(&marked).await?;
            total.item_count += s.item_count;
            total.total_size += s.total_size;
        }
        let sql = self
            .sql("UPDATE trash_records SET item_count = $1, total_size = $2 WHERE id = $3")
            .arg(total.item_count)
            .arg(total.total_size)
            .arg(id);
        self.run(sql).await.map(drop)
    }

    async fn set_mark(&mut self, node: NodeId, record: Option<RecordId>) -> Result<()> {
        let sql = self
            .sql("UPDATE nodes SET trash_record_id = $1 WHERE id = $2")
            .arg(record)
            .arg(node);
        self.conn
            .execute(&sql)
            .await
            .map_err(|e| name_conflict(e, &format!("item {node}")))
            .map(drop)
    }

    async fn marked_nodes(&mut self, record: RecordId) -> Result<Vec<Node>> {
        let sql = self
            .sql(format!(
                "SELECT {NODE_COLUMNS} FROM nodes WHERE trash_record_id = $1 ORDER BY path"
            ))
            .arg(record);
        self.nodes(sql).await
    }

    async fn mark_children_except(&mut self, parent: NodeId, keep: NodeId, record: RecordId) -> Result<u64> {
        let sql = self
            .sql("UPDATE nodes SET trash_record_id = $1 WHERE parent_id = $2 AND id <> $3 AND trash_record_id IS NULL")
            .arg(record)
            .arg(parent)
            .arg(keep);
        self.run(sql).await
    }

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
    ) -> Result<u64> {
        let condition = format!(
            "tenant_id = $1 AND stage = 0 AND (CAST($2 AS BIGINT) IS NULL OR deleted_by = $2) \
             AND (CAST($3 AS BIGINT) IS NULL OR deleted_at < $3) AND (CAST($4 AS BIGINT) IS NULL OR id = $4){}",
            outside_hidden("trash_records.id", hidden)
        );
        let audit = self
            .sql(format!(
                "INSERT INTO audit_events (tenant_id, at, actor_id, action, record_id, node_id, kind, name, from_path, to_path) \
                 SELECT tenant_id, $5, $6, $7, id, root_node_id, kind, name, original_path, '' FROM trash_records WHERE {condition}"
            ))
            .arg(tenant)
            .arg(deleted_by)
            .arg(deleted_before.map(ms))
            .arg(record)
            .arg(ms(now))
            .arg(actor)
            .arg(action.as_str());
        self.run(audit).await?;
        let stage = self
            .sql(format!(
                "UPDATE trash_records SET stage = 1, stage_changed_at = $5 WHERE {condition}"
            ))
            .arg(tenant)
            .arg(deleted_by)
            .arg(deleted_before.map(ms))
            .arg(record)
            .arg(ms(now));
        self.run(stage).await
    }

    async fn records_due_for_purge(
        &mut self,
        tenant: TenantId,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<RecordId>> {
        let sql = self
            .sql(
                "SELECT id FROM trash_records WHERE tenant_id = $1 AND stage = 1 AND stage_changed_at < $2 \
                 ORDER BY stage_changed_at LIMIT $3",
            )
            .arg(tenant)
            .arg(ms(before))
            .arg(limit);
        self.ints(sql).await
    }

    async fn purge_record(&mut self, record: &TrashRecord, now: DateTime<Utc>) -> Result<()> {
        for member_root in self.marked_nodes(record.id).await? {
            // Items deleted earlier on their own keep their own trash records: move them out of
            // the way (they become detached roots) before the subtree goes.
            for other in self.topmost_marked_inside(&member_root).await? {
                if other.trash_record_id == Some(record.id) {
                    continue;
                }
                // Its folders go: it keeps the access list it inherited from them, so it stays
                // visible to exactly whom it was visible before.
                if other.acl_inherited {
                    if let Some((_, entries)) = self.nearest_access_list(other.tenant_id, &other.ancestor_ids()).await?
                    {
                        self.set_access_list(other.id, false, &entries).await?;
                    }
                }
                let new_prefix = format!("/{}/", other.id);
                self.rewrite_paths(&other.path, &new_prefix, -other.depth).await?;
                self.run(
                    self.sql("UPDATE nodes SET parent_id = NULL WHERE id = $1")
                        .arg(other.id),
                )
                .await?;
            }
            let (start, end) = (member_root.path.clone(), subtree_end(&member_root.path));
            let release = self
                .sql(
                    "UPDATE blobs SET refcount = refcount - d.n, \
                     zero_since = CASE WHEN refcount - d.n <= 0 THEN $1 ELSE zero_since END \
                     FROM (SELECT v.blob_sha256 AS sha, count(*) AS n FROM versions v JOIN nodes n ON n.id = v.node_id \
                     WHERE n.path >= $2 AND n.path < $3 GROUP BY v.blob_sha256) AS d \
                     WHERE blobs.sha256 = d.sha",
                )
                .arg(ms(now))
                .arg(&start)
                .arg(&end);
            self.run(release).await?;
            self.run(
                self.sql("DELETE FROM nodes WHERE path >= $1 AND path < $2")
                    .arg(start)
                    .arg(end),
            )
            .await?;
        }
        self.delete_record(record.id).await
    }
}
