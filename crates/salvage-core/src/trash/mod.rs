//! The trash engine (DESIGN.md §3). A deletion inserts one record and marks one node, whatever
//! the size of the subtree beneath it; a restore unmarks. Nothing is copied and no id changes.

mod group;
mod items;
mod lifecycle;
mod plain;
mod restore;

pub(crate) use group::RestoreQueue;
pub use items::{ItemState, LocatedItem};
pub use lifecycle::{PurgeResult, SweepReport};
pub use restore::{
    BatchReport, ItemResult, MissingParent, OnConflict, Outcome, RestoreOptions, Restored, Target, TrashItem,
};

use crate::error::{Error, Result};
use crate::model::*;
use crate::name;
use crate::repository::{live_node, name_path, require_admin, right_on, Page, Repository};
use crate::sort::check_order;
use crate::store::{StoreTx, TrashCursor, TrashFilter, TrashSort};

impl Repository {
    /// Moves a document or folder (with everything beneath it) to the caller's recycle bin.
    pub async fn delete(&self, actor: &Actor, id: NodeId) -> Result<TrashRecord> {
        require_trash_role(actor, "delete")?;
        let mut tx = self.store.write().await?;
        let record = self.delete_in(tx.as_mut(), actor, id).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Deletes many items in one transaction, each in a savepoint of its own, so a refused item
    /// changes nothing and never stops the others (DESIGN.md §3 rule 7).
    pub async fn delete_many(&self, actor: &Actor, ids: &[NodeId]) -> Result<Vec<Result<TrashRecord>>> {
        require_trash_role(actor, "delete")?;
        let mut tx = self.store.write().await?;
        let mut results = Vec::with_capacity(ids.len());
        for &id in ids {
            tx.savepoint().await?;
            match self.delete_in(tx.as_mut(), actor, id).await {
                Ok(record) => {
                    tx.release_savepoint().await?;
                    results.push(Ok(record));
                }
                Err(e @ (Error::Storage(_) | Error::Blob(_))) => return Err(e),
                Err(e) => {
                    tx.rollback_to_savepoint().await?;
                    results.push(Err(e));
                }
            }
        }
        tx.commit().await?;
        Ok(results)
    }

    async fn delete_in(&self, tx: &mut dyn StoreTx, actor: &Actor, id: NodeId) -> Result<TrashRecord> {
        let node = live_node(tx, actor, id).await?;
        if node.kind == NodeKind::Library {
            require_admin(actor)?;
        }
        if !right_on(tx, actor, &node).await?.can_change() {
            return Err(Error::PermissionDenied(format!("you may not delete {:?}", node.name)));
        }
        let now = self.clock.now();
        let stats = tx.subtree_stats(&node).await?;
        let original_path = name_path(tx, actor.tenant_id, &node).await?;
        let record = tx
            .insert_record(&NewTrashRecord {
                tenant_id: actor.tenant_id,
                root_node_id: node.id,
                kind: node.kind,
                name: node.name.clone(),
                original_parent_id: node.parent_id,
                original_path: original_path.clone(),
                deleted_by: actor.user_id,
                deleted_at: now,
                item_count: stats.item_count,
                total_size: stats.total_size,
            })
            .await?;
        tx.set_mark(node.id, Some(record.id)).await?;
        tx.insert_event(&NewAuditEvent {
            tenant_id: actor.tenant_id,
            at: now,
            actor_id: Some(actor.user_id),
            action: AuditAction::Recycle,
            record_id: Some(record.id),
            node_id: Some(node.id),
            kind: node.kind,
            name: node.name.clone(),
            from_path: original_path,
            to_path: String::new(),
        })
        .await?;
        tracing::info!(
            record = record.id,
            node = node.id,
            items = stats.item_count,
            "moved to the recycle bin"
        );
        Ok(record)
    }

    /// Trash records visible to the caller in the order `sort`, after `after` (a cursor from an
    /// earlier page in the same order). Administrators see every user's items; everyone else
    /// sees only what they deleted.
    pub async fn trash(
        &self,
        actor: &Actor,
        filter: &TrashFilter,
        sort: TrashSort,
        after: Option<&TrashCursor>,
        limit: u32,
    ) -> Result<Page<TrashRecord, TrashCursor>> {
        check_order(sort, after.map(TrashCursor::sort), TrashSort::as_str)?;
        let limit = limit.clamp(1, 10_000);
        let mut tx = self.store.read().await?;
        let filter = visible_filter(actor, filter, restore_policy(tx.as_mut(), actor).await?)?;
        let mut items = tx.records(actor.tenant_id, &filter, sort, after, limit + 1).await?;
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|r| sort.cursor_after(r))
        } else {
            None
        };
        Ok(Page { items, next })
    }

    pub async fn trash_count(&self, actor: &Actor, filter: &TrashFilter) -> Result<i64> {
        let mut tx = self.store.read().await?;
        let filter = visible_filter(actor, filter, restore_policy(tx.as_mut(), actor).await?)?;
        tx.count_records(actor.tenant_id, &filter).await
    }

    /// One trash record, if the caller may see it.
    pub async fn trash_record(&self, actor: &Actor, id: RecordId) -> Result<TrashRecord> {
        let mut tx = self.store.read().await?;
        let policy = restore_policy(tx.as_mut(), actor).await?;
        match tx.record(actor.tenant_id, id).await? {
            Some(r) if may_see(actor, &r, policy) => Ok(r),
            _ => Err(Error::not_found(format!("trash item {id}"))),
        }
    }

    /// What a deletion holds: each node it marks followed by the rest of its subtree that went
    /// with it (at most `limit` nodes), so one item can be picked out and restored on its own.
    pub async fn trash_contents(&self, actor: &Actor, id: RecordId, limit: u32) -> Result<Vec<Node>> {
        let record = self.trash_record(actor, id).await?;
        let mut tx = self.store.read().await?;
        let mut nodes = Vec::new();
        for marked in tx.marked_nodes(record.id).await? {
            let remaining = limit.saturating_sub(nodes.len() as u32);
            if remaining == 0 {
                break;
            }
            let below = tx.unmarked_below(actor.tenant_id, &marked, remaining - 1).await?;
            nodes.push(marked);
            nodes.extend(below);
        }
        Ok(nodes)
    }
}

fn require_trash_role(actor: &Actor, what: &str) -> Result<()> {
    if actor.role.may_work_trash() {
        Ok(())
    } else {
        Err(Error::PermissionDenied(format!(
            "the role {} may not {what}",
            actor.role.as_str()
        )))
    }
}

/// The restore policy of the caller's tenant.
pub(crate) async fn restore_policy(tx: &mut dyn StoreTx, actor: &Actor) -> Result<RestorePolicy> {
    Ok(tx
        .tenant(actor.tenant_id)
        .await?
        .ok_or_else(|| Error::not_found("tenant"))?
        .settings
        .restore_policy)
}

/// Whether everyone who may work the trash sees every deletion: where anyone may restore
/// anything, hiding other users' deletions would only hide what they may restore.
fn sees_whole_trash(actor: &Actor, policy: RestorePolicy) -> bool {
    actor.is_admin || (policy == RestorePolicy::AnyTrashRole && actor.role.may_work_trash())
}

/// Whether the caller may see one deletion.
pub(crate) fn may_see(actor: &Actor, record: &TrashRecord, policy: RestorePolicy) -> bool {
    sees_whole_trash(actor, policy) || record.deleted_by == actor.user_id
}

/// Narrows a filter to what the caller may see. Its path prefix is compared with stored paths
/// byte by byte, so it is brought to their form (NFC) here, once for every face.
fn visible_filter(actor: &Actor, filter: &TrashFilter, policy: RestorePolicy) -> Result<TrashFilter> {
    let mut filter = filter.clone();
    filter.path_prefix = filter.path_prefix.as_deref().map(name::nfc);
    if !sees_whole_trash(actor, policy) {
        match filter.deleted_by {
            Some(other) if other != actor.user_id => {
                return Err(Error::PermissionDenied(
                    "only an administrator may see other users' deleted items".into(),
                ));
            }
            _ => filter.deleted_by = Some(actor.user_id),
        }
    }
    Ok(filter)
}

/// Whether `actor` may take `record` out of the trash (DESIGN.md §3 rule 10).
pub(crate) fn may_restore(actor: &Actor, record: &TrashRecord, policy: RestorePolicy) -> bool {
    if actor.is_admin {
        return true;
    }
    if record.stage == Stage::SystemBin || !actor.role.may_work_trash() {
        return false;
    }
    match policy {
        RestorePolicy::DeleterOrAdministrator => record.deleted_by == actor.user_id,
        RestorePolicy::AnyTrashRole => true,
    }
}
