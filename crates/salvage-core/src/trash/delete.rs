//! Deleting: one record and one mark per deletion, whatever the size of the subtree (DESIGN.md
//! §3 rule 1).

use super::rules::require_trash_role;
use crate::access::require_admin;
use crate::error::{Error, Result};
use crate::model::*;
use crate::repository::Repository;
use crate::store::StoreTx;
use crate::tree::name_path;
use crate::visibility::{live_node, right_on};

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
}
