//! Group commit of single-item restores. When many people restore one item each at the same
//! moment, the restores that arrive while a transaction is being written wait for it, then go
//! together in the next one: one transaction (one fsync) for all of them, with their plain
//! restores done set-based. A restore that arrives alone goes at once, so nobody waits for
//! company.
//!
//! Each restore keeps its own outcome: the items go through the same per-item rules as any
//! batch, each refusal in its own savepoint, and a caller hears back only once the transaction
//! holding its restore has committed.

use super::restore::{blocked, BatchReport, ItemResult, RestoreOptions, TrashItem};
use crate::error::{Error, Result};
use crate::model::{Actor, Tenant, TenantId};
use crate::repository::Repository;
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::oneshot;

/// Restores waiting for the next transaction, and the right to write it.
#[derive(Default)]
pub(crate) struct RestoreQueue {
    waiting: Mutex<Vec<Request>>,
    /// Held while a group is written; whoever gets it next takes every restore waiting then.
    writing: tokio::sync::Mutex<()>,
}

struct Request {
    actor: Actor,
    item: TrashItem,
    options: RestoreOptions,
    reply: oneshot::Sender<Result<BatchReport>>,
}

impl Repository {
    /// Restores one item, sharing a transaction with the single-item restores made at the same
    /// time.
    pub(super) async fn restore_grouped(
        &self,
        actor: &Actor,
        item: TrashItem,
        options: RestoreOptions,
    ) -> Result<BatchReport> {
        let (reply, answer) = oneshot::channel();
        let request = Request {
            actor: actor.clone(),
            item,
            options,
            reply,
        };
        // On a task of its own, so that a caller who goes away (a closed connection drops its
        // request's future) never abandons a group it took on for others.
        let repo = self.clone();
        let queued = tokio::spawn(async move { repo.queue_and_write(request).await });
        queued
            .await
            .map_err(|e| Error::Storage(format!("the restore was interrupted: {e}")))?;
        answer
            .await
            .map_err(|_| Error::Storage("the restore was interrupted".into()))?
    }

    async fn queue_and_write(&self, request: Request) {
        self.restores.waiting.lock().expect("restore queue").push(request);
        let _writing = self.restores.writing.lock().await;
        let group = std::mem::take(&mut *self.restores.waiting.lock().expect("restore queue"));
        if group.is_empty() {
            // An earlier writer took this restore with its group, and has answered it.
            return;
        }
        tracing::debug!(restores = group.len(), "restoring a group in one transaction");
        match self.write_group(&group).await {
            Ok(reports) => {
                for (request, report) in group.into_iter().zip(reports) {
                    let _ = request.reply.send(report);
                }
            }
            Err(e) => {
                for request in group {
                    let _ = request.reply.send(Err(e.clone()));
                }
            }
        }
    }

    /// One transaction for the whole group; consecutive requests of the same caller with the
    /// same options are restored as one batch. `Err` only when the transaction itself fails.
    async fn write_group(&self, group: &[Request]) -> Result<Vec<Result<BatchReport>>> {
        let mut tx = self.store.write().await?;
        let now = self.clock.now();
        let mut tenants: HashMap<TenantId, Option<Tenant>> = HashMap::new();
        let mut reports = Vec::with_capacity(group.len());
        for run in group.chunk_by(|a, b| a.actor == b.actor && a.options == b.options) {
            let (actor, options) = (&run[0].actor, run[0].options);
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
            let items: Vec<TrashItem> = run.iter().map(|r| r.item).collect();
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
fn single_report(result: ItemResult, options: RestoreOptions) -> BatchReport {
    let results = vec![result];
    BatchReport {
        applied: !blocked(&results, options),
        results,
        dry_run: false,
    }
}
