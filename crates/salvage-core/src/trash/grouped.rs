//! Single-item restores through the group commit (`group`): restores that arrive together share
//! one transaction, with their plain restores done set-based.
//!
//! Each restore keeps its own outcome: the items go through the same per-item rules as any
//! batch, each refusal in its own savepoint.

use super::request::{blocked, BatchReport, ItemResult, RestoreOptions, TrashItem};
use crate::error::{Error, Result};
use crate::model::{Actor, Tenant, TenantId};
use crate::repository::Repository;
use std::collections::HashMap;

/// A single-item restore waiting for the next transaction.
pub(crate) type QueuedRestore = (Actor, TrashItem, RestoreOptions);

impl Repository {
    /// Restores one item, sharing a transaction with the single-item restores made at the same
    /// time.
    pub(super) async fn restore_grouped(
        &self,
        actor: &Actor,
        item: TrashItem,
        options: RestoreOptions,
    ) -> Result<BatchReport> {
        let repo = self.clone();
        self.restores
            .submit((actor.clone(), item, options), move |group| {
                Box::pin(async move { repo.write_group(&group).await })
            })
            .await
    }

    /// One transaction for the whole group; consecutive requests of the same caller with the
    /// same options are restored as one batch. `Err` only when the transaction itself fails.
    async fn write_group(&self, group: &[QueuedRestore]) -> Result<Vec<Result<BatchReport>>> {
        let mut tx = self.store.write().await?;
        let now = self.clock.now();
        let mut tenants: HashMap<TenantId, Option<Tenant>> = HashMap::new();
        let mut reports = Vec::with_capacity(group.len());
        for run in group.chunk_by(|a, b| a.0 == b.0 && a.2 == b.2) {
            let (actor, options) = (&run[0].0, &run[0].2);
            let tenant = match tenants.get(&actor.tenant_id) {
                Some(known) => known.clone(),
                None => {
                    let found = tx.tenant(actor.tenant_id).await?;
                    tenants.insert(actor.tenant_id, found.clone());
                    found
                }
            };
            let Some(tenant) = tenant else {
                reports.extend(run.iter().map(|_| Err(Error::not_found("tenant"))));
                continue;
            };
            let items: Vec<TrashItem> = run.iter().map(|r| r.1).collect();
            let results = self
                .restore_items(tx.as_mut(), actor, &tenant, &items, options, now)
                .await?;
            reports.extend(results.into_iter().map(|result| Ok(single_report(result, options))));
        }
        tx.commit().await?;
        Ok(reports)
    }
}

/// The report of a one-item batch. A failed item changed nothing (its savepoint was rolled
/// back), so committing the group beside it is the same as rolling back its own batch.
fn single_report(result: ItemResult, options: &RestoreOptions) -> BatchReport {
    let results = vec![result];
    BatchReport {
        applied: !blocked(&results, options),
        results,
        dry_run: false,
    }
}
