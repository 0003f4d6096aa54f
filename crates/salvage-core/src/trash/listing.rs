//! Reading the trash by deletion: listings with filters and keyset pagination, counts, one
//! record and what it holds.

use super::rules::{restore_policy, visible_record};
use crate::error::{Error, Result};
use crate::model::*;
use crate::repository::Repository;
use crate::sort::{check_order, Page};
use crate::store::{TrashCursor, TrashFilter, TrashSort};
use crate::visibility::{visible_trash_filter, Scopes};

impl Repository {
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
        let policy = restore_policy(tx.as_mut(), actor).await?;
        let filter = visible_trash_filter(tx.as_mut(), actor, filter, policy).await?;
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
        let policy = restore_policy(tx.as_mut(), actor).await?;
        let filter = visible_trash_filter(tx.as_mut(), actor, filter, policy).await?;
        tx.count_records(actor.tenant_id, &filter).await
    }

    /// One trash record, if the caller may see it.
    pub async fn trash_record(&self, actor: &Actor, id: RecordId) -> Result<TrashRecord> {
        let mut tx = self.store.read().await?;
        visible_record(tx.as_mut(), actor, id)
            .await?
            .ok_or_else(|| Error::not_found(format!("trash item {id}")))
    }

    /// What a deletion holds: each node it marks followed by the rest of its subtree that went
    /// with it (at most `limit` nodes are read), so one item can be picked out and restored on
    /// its own. Members the caller may not see where they were are left out.
    pub async fn trash_contents(&self, actor: &Actor, id: RecordId, limit: u32) -> Result<Vec<Node>> {
        let mut tx = self.store.read().await?;
        let record = visible_record(tx.as_mut(), actor, id)
            .await?
            .ok_or_else(|| Error::not_found(format!("trash item {id}")))?;
        let scopes = Scopes::read(tx.as_mut(), actor).await?;
        let mut nodes = Vec::new();
        let mut read = 0;
        for marked in tx.marked_nodes(record.id).await? {
            let remaining = limit.saturating_sub(read);
            if remaining == 0 {
                break;
            }
            let below = tx.unmarked_below(actor.tenant_id, &marked, remaining - 1).await?;
            read += 1 + below.len() as u32;
            nodes.extend(std::iter::once(marked).chain(below).filter(|n| scopes.can_see(n)));
        }
        Ok(nodes)
    }
}
