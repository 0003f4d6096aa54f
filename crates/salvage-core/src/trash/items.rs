//! The trash item by item, for faces whose clients think in single items rather than deletions
//! (Scene7's `trashState` on every asset, `emptyAssetsFromTrash` on a list of assets): where an
//! item is, what the trash holds node by node, and emptying single items to the system bin.

use super::rules::{require_trash_role, restore_policy};
use crate::error::{Error, Result};
use crate::model::*;
use crate::repository::Repository;
use crate::store::{StoreTx, TrashFilter};
use crate::tree::name_path;
use crate::visibility::{can_see, can_see_record, record_in_sight, visible_trash_filter, Scopes};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

/// Where an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    Live,
    /// In the trash (itself deleted, or inside a deleted folder), in this bin.
    Trashed(Stage),
}

/// An item with where it is and the names of the folders above it, root first: where it lives,
/// or where it was when it was deleted.
#[derive(Debug, Clone)]
pub struct LocatedItem {
    pub node: Node,
    pub state: ItemState,
    pub folders: Vec<String>,
}

/// How many items `locate_items` reads at once.
const LOCATE_CHUNK: usize = 500;

impl Repository {
    /// Items by id, live or in the trash, in one read transaction. `None` for an id that is
    /// unknown, of another tenant, hidden from the caller by an access list (where it is, or
    /// where it was deleted from), or in a deletion the caller may not see: all look alike.
    pub async fn locate_items(&self, actor: &Actor, ids: &[NodeId]) -> Result<Vec<Option<LocatedItem>>> {
        let mut tx = self.store.read().await?;
        let policy = restore_policy(tx.as_mut(), actor).await?;
        let scopes = Scopes::read(tx.as_mut(), actor).await?;
        let mut found = Vec::with_capacity(ids.len());
        // A few statements per chunk, whatever the number of items: their nodes, every node
        // above them (marks and folder names), and the deletions that hold them.
        for chunk in ids.chunks(LOCATE_CHUNK) {
            let mut known: HashMap<NodeId, Node> = tx
                .nodes_by_ids(actor.tenant_id, chunk)
                .await?
                .into_iter()
                .map(|n| (n.id, n))
                .collect();
            let above: HashSet<NodeId> = known
                .values()
                .flat_map(Node::ancestor_ids)
                .filter(|id| !known.contains_key(id))
                .collect();
            let above: Vec<NodeId> = above.into_iter().collect();
            known.extend(
                tx.nodes_by_ids(actor.tenant_id, &above)
                    .await?
                    .into_iter()
                    .map(|n| (n.id, n)),
            );
            // The deletion an item is in: the mark nearest to it, itself included.
            let nearest_mark = |node: &Node| {
                path_ids(&node.path)
                    .iter()
                    .rev()
                    .find_map(|id| known.get(id).and_then(|n| n.trash_record_id))
            };
            let record_ids: Vec<RecordId> = chunk
                .iter()
                .filter_map(|id| known.get(id).and_then(nearest_mark))
                .collect();
            let records: HashMap<RecordId, TrashRecord> = tx
                .records_by_ids(actor.tenant_id, &record_ids)
                .await?
                .into_iter()
                .map(|r| (r.id, r))
                .collect();
            // A deletion is judged by the items it marks.
            let record_ids: Vec<RecordId> = records.keys().copied().collect();
            let mut marked: HashMap<RecordId, Vec<Node>> = HashMap::new();
            for node in tx.nodes_marked_by(&record_ids).await? {
                if let Some(r) = node.trash_record_id {
                    marked.entry(r).or_default().push(node);
                }
            }
            for id in chunk {
                let Some(node) = known.get(id) else {
                    found.push(None);
                    continue;
                };
                let state = match nearest_mark(node) {
                    _ if !scopes.can_see(node) => None,
                    None => Some(ItemState::Live),
                    Some(r) => records
                        .get(&r)
                        .filter(|r| {
                            let marks = marked.get(&r.id).into_iter().flatten();
                            record_in_sight(&scopes, actor, r, marks, policy)
                        })
                        .map(|r| ItemState::Trashed(r.stage)),
                };
                let Some(state) = state else {
                    found.push(None);
                    continue;
                };
                let folders = node
                    .ancestor_ids()
                    .iter()
                    .map(|a| {
                        known
                            .get(a)
                            .map(|n| n.name.clone())
                            .ok_or_else(|| Error::not_found(format!("item {a}")))
                    })
                    .collect::<Result<Vec<_>>>()?;
                found.push(Some(LocatedItem {
                    node: node.clone(),
                    state,
                    folders,
                }));
            }
        }
        Ok(found)
    }

    /// Every item in the trash the caller may see (`stage`: in that bin only), deletion by
    /// deletion, newest deletion first: each deleted item followed by what went with it. At
    /// most `limit` items, in one read transaction.
    pub async fn trash_members(&self, actor: &Actor, stage: Option<Stage>, limit: u32) -> Result<Vec<LocatedItem>> {
        let mut tx = self.store.read().await?;
        let policy = restore_policy(tx.as_mut(), actor).await?;
        let filter = TrashFilter {
            stage,
            ..TrashFilter::default()
        };
        let filter = visible_trash_filter(tx.as_mut(), actor, &filter, policy).await?;
        let scopes = Scopes::read(tx.as_mut(), actor).await?;
        let mut items = Vec::new();
        let mut after = None;
        'pages: loop {
            let sort = crate::store::TrashSort::NEWEST_FIRST;
            let records = tx.records(actor.tenant_id, &filter, sort, after.as_ref(), 1000).await?;
            let Some(last) = records.last() else { break };
            after = Some(sort.cursor_after(last));
            for record in &records {
                for marked in tx.marked_nodes(record.id).await? {
                    let room = limit.saturating_sub(items.len() as u32);
                    if room == 0 {
                        break 'pages;
                    }
                    let above = tx.names_of(actor.tenant_id, &marked.ancestor_ids()).await?;
                    let below = tx.unmarked_below(actor.tenant_id, &marked, room - 1).await?;
                    // Everything between the deleted item and a member is itself a member, so
                    // the names of a member's folders are the ones above the deleted item and
                    // then those of the members on its path.
                    let names: HashMap<NodeId, String> = std::iter::once(&marked)
                        .chain(&below)
                        .map(|n| (n.id, n.name.clone()))
                        .collect();
                    let state = ItemState::Trashed(record.stage);
                    for node in std::iter::once(marked.clone()).chain(below) {
                        if !scopes.can_see(&node) {
                            continue;
                        }
                        let mut folders = above.clone();
                        folders.extend(
                            node.ancestor_ids()
                                .iter()
                                .skip(above.len())
                                .filter_map(|id| names.get(id).cloned()),
                        );
                        items.push(LocatedItem { node, state, folders });
                    }
                }
            }
        }
        Ok(items)
    }

    /// Moves single items from the user bin to the system bin, in one transaction, each in a
    /// savepoint of its own. An item deleted together with others (inside a deleted folder) is
    /// first split off into a deletion of its own, so the rest stays where it is and can still
    /// be restored as one. An item already in the system bin is left there.
    pub async fn empty_items(&self, actor: &Actor, ids: &[NodeId]) -> Result<Vec<Result<()>>> {
        require_trash_role(actor, "empty the trash")?;
        let mut tx = self.store.write().await?;
        let policy = restore_policy(tx.as_mut(), actor).await?;
        let now = self.clock.now();
        let mut results = Vec::with_capacity(ids.len());
        for &id in ids {
            tx.savepoint().await?;
            match empty_item(tx.as_mut(), actor, policy, id, now).await {
                Ok(()) => {
                    tx.release_savepoint().await?;
                    results.push(Ok(()));
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
}

async fn empty_item(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    policy: RestorePolicy,
    id: NodeId,
    now: DateTime<Utc>,
) -> Result<()> {
    let node = match tx.node(actor.tenant_id, id).await? {
        Some(node) if can_see(tx, actor, &node).await? => node,
        _ => return Err(Error::NotInTrash(None)),
    };
    let marked = tx
        .nearest_marked(actor.tenant_id, &path_ids(&node.path))
        .await?
        .ok_or(Error::NotInTrash(Some(node.kind)))?;
    let record = match marked.trash_record_id {
        Some(r) => tx.record(actor.tenant_id, r).await?,
        None => None,
    };
    // A deletion, or an item of one, that the caller may not see is as unknown as an id that
    // never existed.
    let record = match record {
        Some(r) if can_see_record(tx, actor, &r, policy).await? => r,
        _ => return Err(Error::NotInTrash(None)),
    };
    if record.stage == Stage::SystemBin {
        return Ok(());
    }
    let alone = marked.id == node.id && tx.marked_nodes(record.id).await?.len() == 1;
    let record = if alone {
        record
    } else {
        split_off(tx, &record, &node).await?
    };
    tx.move_to_system_bin(
        actor.tenant_id,
        Some(record.id),
        None,
        None,
        &[],
        Some(actor.user_id),
        AuditAction::Empty,
        now,
    )
    .await?;
    Ok(())
}

/// Gives `node`, a member of `record`, a deletion of its own with the same deleter and time.
async fn split_off(tx: &mut dyn StoreTx, record: &TrashRecord, node: &Node) -> Result<TrashRecord> {
    let stats = tx.subtree_stats(node).await?;
    let original_path = name_path(tx, record.tenant_id, node).await?;
    let own = tx
        .insert_record(&NewTrashRecord {
            tenant_id: record.tenant_id,
            root_node_id: node.id,
            kind: node.kind,
            name: node.name.clone(),
            original_parent_id: node.parent_id,
            original_path,
            deleted_by: record.deleted_by,
            deleted_at: record.deleted_at,
            item_count: stats.item_count,
            total_size: stats.total_size,
        })
        .await?;
    tx.set_mark(node.id, Some(own.id)).await?;
    if tx.marked_nodes(record.id).await?.is_empty() {
        tx.delete_record(record.id).await?;
    } else {
        tx.refresh_record_stats(record.id).await?;
    }
    Ok(own)
}
