//! The rest of a trash item's life: empty (to the system bin), purge, the retention sweeper and
//! the blob garbage collector (DESIGN.md §3 rule 9).

use super::request::TrashItem;
use crate::access::require_admin;
use crate::error::{Error, Result};
use crate::model::*;
use crate::repository::Repository;
use crate::visibility::Scopes;
use chrono::{DateTime, Duration, Utc};

/// The outcome of purging one item: the deletion that was removed, or why not.
#[derive(Debug, Clone)]
pub struct PurgeResult {
    pub item: TrashItem,
    pub outcome: Result<TrashRecord>,
}

/// What one retention sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SweepReport {
    pub moved_to_system_bin: u64,
    pub purged: u64,
    pub sessions_expired: u64,
    pub login_counters_expired: u64,
    pub blobs_removed: u64,
}

impl Repository {
    /// Moves the caller's own bin to the system bin (infoRouter `EmptyRecycleBin`, Scene7
    /// `emptyAssetsFromTrash`); administrators can still restore from there until retention
    /// purges. With `everyone`, an administrator empties every user's bin.
    pub async fn empty(&self, actor: &Actor, everyone: bool) -> Result<u64> {
        if everyone {
            require_admin(actor)?;
        } else if !actor.role.may_work_trash() {
            return Err(Error::PermissionDenied(format!(
                "the role {} may not empty the trash",
                actor.role.as_str()
            )));
        }
        let deleted_by = (!everyone).then_some(actor.user_id);
        let mut tx = self.store.write().await?;
        // One's own deletions from places one may no longer see stay where they are.
        let hidden = Scopes::read(tx.as_mut(), actor).await?.hidden_ranges();
        let n = tx
            .move_to_system_bin(
                actor.tenant_id,
                None,
                deleted_by,
                None,
                &hidden,
                Some(actor.user_id),
                AuditAction::Empty,
                self.clock.now(),
            )
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Permanently removes trash items (whole deletions). An administrator right.
    pub async fn purge(&self, actor: &Actor, items: &[TrashItem]) -> Result<Vec<PurgeResult>> {
        require_admin(actor)?;
        let now = self.clock.now();
        let mut tx = self.store.write().await?;
        let mut results = Vec::with_capacity(items.len());
        for &item in items {
            let outcome = match self.purge_item(tx.as_mut(), actor, item, now).await {
                Err(e @ (Error::Storage(_) | Error::Blob(_))) => return Err(e),
                outcome => outcome,
            };
            results.push(PurgeResult { item, outcome });
        }
        tx.commit().await?;
        Ok(results)
    }

    async fn purge_item(
        &self,
        tx: &mut dyn crate::store::StoreTx,
        actor: &Actor,
        item: TrashItem,
        now: DateTime<Utc>,
    ) -> Result<TrashRecord> {
        let record = match item {
            TrashItem::Record(id) => tx.record(actor.tenant_id, id).await?.ok_or(Error::NotInTrash(None))?,
            TrashItem::Node(id) => {
                let node = tx.node(actor.tenant_id, id).await?.ok_or(Error::NotInTrash(None))?;
                let Some(record_id) = node.trash_record_id else {
                    return Err(Error::InvalidInput(
                        "only a deleted item as a whole can be purged, not an item inside a deleted folder".into(),
                    ));
                };
                tx.record(actor.tenant_id, record_id)
                    .await?
                    .ok_or(Error::NotInTrash(Some(node.kind)))?
            }
        };
        self.purge_record(tx, &record, Some(actor.user_id), AuditAction::Purge, now)
            .await?;
        Ok(record)
    }

    async fn purge_record(
        &self,
        tx: &mut dyn crate::store::StoreTx,
        record: &TrashRecord,
        actor: Option<UserId>,
        action: AuditAction,
        now: DateTime<Utc>,
    ) -> Result<()> {
        tx.purge_record(record, now).await?;
        tx.insert_event(&NewAuditEvent {
            tenant_id: record.tenant_id,
            at: now,
            actor_id: actor,
            action,
            record_id: Some(record.id),
            node_id: Some(record.root_node_id),
            kind: record.kind,
            name: record.name.clone(),
            from_path: record.original_path.clone(),
            to_path: String::new(),
        })
        .await?;
        tracing::info!(record = record.id, items = record.item_count, ?action, "purged");
        Ok(())
    }

    /// One pass of retention: user bins older than the tenant's limit go to the system bin,
    /// system-bin items past theirs are purged, expired sessions, forgotten login counters and
    /// unreferenced blob files past the grace delay are removed. Each step is its own short
    /// transaction, and a record is claimed inside the transaction that purges it, so several
    /// servers may sweep at once.
    pub async fn sweep(&self) -> Result<SweepReport> {
        let now = self.clock.now();
        let mut report = SweepReport::default();
        let tenants = self.store.read().await?.tenants().await?;
        for tenant in tenants {
            let s = tenant.settings;
            if s.user_bin_days > 0 {
                let mut tx = self.store.write().await?;
                let before = now - Duration::days(s.user_bin_days.into());
                report.moved_to_system_bin += tx
                    .move_to_system_bin(
                        tenant.id,
                        None,
                        None,
                        Some(before),
                        &[],
                        None,
                        AuditAction::MoveToSystemBin,
                        now,
                    )
                    .await?;
                tx.commit().await?;
            }
            if s.system_bin_days > 0 {
                let before = now - Duration::days(s.system_bin_days.into());
                loop {
                    let mut tx = self.store.write().await?;
                    let due = tx.records_due_for_purge(tenant.id, before, 100).await?;
                    if due.is_empty() {
                        break;
                    }
                    for id in due {
                        if let Some(record) = tx.record(tenant.id, id).await? {
                            self.purge_record(tx.as_mut(), &record, None, AuditAction::AutoPurge, now)
                                .await?;
                            report.purged += 1;
                        }
                    }
                    tx.commit().await?;
                }
            }
        }
        let mut tx = self.store.write().await?;
        report.sessions_expired = tx.delete_expired_sessions(now).await?;
        report.login_counters_expired = tx.delete_expired_login_counters(now).await?;
        tx.commit().await?;
        report.blobs_removed = self.collect_garbage().await?;
        Ok(report)
    }

    /// Removes blob files that no version has referenced for longer than the grace delay. The
    /// rows are claimed and the files deleted inside one transaction, so an upload of the same
    /// content waits for it and then stores the file again.
    pub async fn collect_garbage(&self) -> Result<u64> {
        let before = self.clock.now() - self.config.blob_grace;
        let mut removed = 0;
        loop {
            let mut tx = self.store.write().await?;
            let dead = tx.claim_dead_blobs(before, 500).await?;
            if dead.is_empty() {
                break;
            }
            for sha in &dead {
                self.blobs.delete(sha).await?;
            }
            tx.commit().await?;
            removed += dead.len() as u64;
        }
        Ok(removed)
    }
}
