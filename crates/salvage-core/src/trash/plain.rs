//! The set-based path of a restore, for plain restores: a whole deletion whose one marked node
//! goes straight back into its original folder, which is live, under its own name, by a caller
//! who may restore it and add there. That is nearly every restore there is, and for a window of
//! such items the work is a handful of statements in all (records, marks, parents and their
//! ancestors, clashing names; then the unmarks, record removals and audit events) instead of a
//! dozen or so per item.
//!
//! A plan only ever says "plain" when the per-item path would restore the item in place under
//! its own name; everything else (a clash, a missing folder, a library, a chosen target, an item
//! inside a deleted folder, a refusal) is left to the per-item path, which decides and words it.
//! The two paths therefore give identical results.

use super::request::{ItemClass, RestoreOptions, Restored, Target, TrashItem};
use super::rules::may_restore;
use crate::error::Result;
use crate::model::*;
use crate::name;
use crate::store::StoreTx;
use crate::visibility::right_on;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

/// The most items one plan covers: enough to make the statements' fixed costs vanish, few
/// enough to keep the id lists and bound values of each statement small.
pub(super) const MAX_WINDOW: usize = 500;
/// The smallest window, after a plan found few plain items in a row.
pub(super) const MIN_WINDOW: usize = 8;

/// A plain restore, planned: what to write and what to report.
pub(super) struct PlainRestore {
    record: TrashRecord,
    node: Node,
    /// Where the node will be, by names.
    path: String,
    /// Where the audit trail says it was.
    from_path: String,
}

/// The deletion an item names, and the node when it was asked for by node.
#[derive(Clone, Copy)]
struct Asked {
    record: RecordId,
    node: Option<NodeId>,
}

/// Per item, the deletion it names: a record, or a node that carries a record's mark itself.
/// A node inside a deleted folder is not a plain restore (`None`).
async fn asked(tx: &mut dyn StoreTx, tenant: TenantId, items: &[TrashItem]) -> Result<Vec<Option<Asked>>> {
    let node_ids: Vec<NodeId> = items
        .iter()
        .filter_map(|item| match item {
            TrashItem::Node(id) => Some(*id),
            TrashItem::Record(_) => None,
        })
        .collect();
    let marks: HashMap<NodeId, RecordId> = tx
        .nodes_by_ids(tenant, &node_ids)
        .await?
        .into_iter()
        .filter_map(|n| Some((n.id, n.trash_record_id?)))
        .collect();
    Ok(items
        .iter()
        .map(|item| match *item {
            TrashItem::Record(record) => Some(Asked { record, node: None }),
            TrashItem::Node(id) => marks.get(&id).map(|&record| Asked { record, node: Some(id) }),
        })
        .collect())
}

/// Per item of `items`, `Some` when it is a plain restore in the state the transaction is in
/// now. Items sharing a record or a (folder, name) pair are plain only the first time: the
/// per-item path words what happens to the others.
pub(super) async fn plan(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    tenant: &Tenant,
    items: &[TrashItem],
    options: &RestoreOptions,
) -> Result<Vec<Option<PlainRestore>>> {
    let mut plan: Vec<Option<PlainRestore>> = items.iter().map(|_| None).collect();
    if options.target != Target::Original {
        return Ok(plan);
    }
    let asked = asked(tx, actor.tenant_id, items).await?;
    let record_ids: Vec<RecordId> = asked.iter().flatten().map(|a| a.record).collect();
    if record_ids.is_empty() {
        return Ok(plan);
    }
    let records: HashMap<RecordId, TrashRecord> = tx
        .records_by_ids(actor.tenant_id, &record_ids)
        .await?
        .into_iter()
        .filter(|r| may_restore(actor, r, tenant.settings.restore_policy) && ItemClass::admits(options.only, r.kind))
        .map(|r| (r.id, r))
        .collect();
    let marks = single_marks(tx.nodes_marked_by(&records.keys().copied().collect::<Vec<_>>()).await?);
    let folders = Folders::read(tx, actor.tenant_id, marks.values()).await?;

    let mut rights: HashMap<NodeId, bool> = HashMap::new();
    let mut seen_records = HashSet::new();
    let mut wanted_names = HashSet::new();
    let mut candidates = Vec::new();
    for (i, asked) in asked.iter().enumerate() {
        let Some(target) = asked else { continue };
        if !seen_records.insert(target.record) {
            continue;
        }
        let (Some(record), Some(node)) = (records.get(&target.record), marks.get(&target.record)) else {
            continue;
        };
        if target.node.is_some_and(|asked| asked != node.id) {
            continue;
        }
        // The deletion is judged by its deleted item where it was; one that inherits its list
        // has its folder's right, which `may_add` below asks (adding implies listing). The
        // rest take the per-item path, which asks the visibility rule itself.
        if node.id != record.root_node_id || !(node.acl_inherited || actor.is_admin) {
            continue;
        }
        let Some(parent) = node.parent_id.and_then(|p| folders.live_target(p)) else {
            continue;
        };
        if !may_add(tx, actor, parent, &mut rights).await? {
            continue;
        }
        let key = (Some(parent.id), name::key(&node.name));
        if !wanted_names.insert(key.clone()) {
            continue;
        }
        candidates.push((i, target.node.is_some(), record, node, parent, key));
    }

    let wanted: Vec<(Option<NodeId>, String)> = candidates.iter().map(|c| c.5.clone()).collect();
    let taken: HashSet<(Option<NodeId>, String)> =
        tx.names_taken(actor.tenant_id, &wanted).await?.into_iter().collect();
    for (i, by_node, record, node, parent, key) in candidates {
        if taken.contains(&key) {
            continue;
        }
        let path = format!("{}/{}", folders.name_path(parent), node.name);
        plan[i] = Some(PlainRestore {
            // A node asked for by itself was, as the per-item path sees it, where it goes back
            // to; a deletion was where its record says.
            from_path: if by_node {
                path.clone()
            } else {
                record.original_path.clone()
            },
            record: record.clone(),
            node: node.clone(),
            path,
        });
    }
    Ok(plan)
}

/// Restores planned items: three statements whatever their number.
pub(super) async fn apply(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    run: Vec<PlainRestore>,
    now: DateTime<Utc>,
) -> Result<Vec<Restored>> {
    let nodes: Vec<NodeId> = run.iter().map(|p| p.node.id).collect();
    let records: Vec<RecordId> = run.iter().map(|p| p.record.id).collect();
    tx.unmark_nodes(&nodes).await?;
    tx.delete_records(&records).await?;
    let events: Vec<NewAuditEvent> = run
        .iter()
        .map(|p| NewAuditEvent {
            tenant_id: actor.tenant_id,
            at: now,
            actor_id: Some(actor.user_id),
            action: AuditAction::Restore,
            record_id: Some(p.record.id),
            node_id: Some(p.node.id),
            kind: p.node.kind,
            name: p.node.name.clone(),
            from_path: p.from_path.clone(),
            to_path: p.path.clone(),
        })
        .collect();
    tx.insert_events(&events).await?;
    Ok(run
        .into_iter()
        .map(|p| Restored {
            node_id: p.node.id,
            kind: p.node.kind,
            name: p.node.name,
            path: p.path,
            renamed_from: None,
        })
        .collect())
}

/// Of marked nodes, by record, the one node of each record that marks exactly one, unless it
/// is a library (which goes back at the top level, by its own rules).
fn single_marks(marked: Vec<Node>) -> HashMap<RecordId, Node> {
    let mut by_record: HashMap<RecordId, Vec<Node>> = HashMap::new();
    for node in marked {
        if let Some(record) = node.trash_record_id {
            by_record.entry(record).or_default().push(node);
        }
    }
    by_record
        .into_iter()
        .filter_map(|(record, mut nodes)| {
            let node = nodes.pop().filter(|_| nodes.is_empty())?;
            (node.kind != NodeKind::Library).then_some((record, node))
        })
        .collect()
}

/// The original folders of a window's items with every node above them, read in one statement.
struct Folders {
    nodes: HashMap<NodeId, Node>,
}

impl Folders {
    async fn read(tx: &mut dyn StoreTx, tenant: TenantId, marked: impl Iterator<Item = &Node>) -> Result<Self> {
        // A node's id path names its ancestors and itself, so the parents' ancestors are the
        // marked nodes' path ids less their own.
        let ids: HashSet<NodeId> = marked.flat_map(|n| n.ancestor_ids()).collect();
        let ids: Vec<NodeId> = ids.into_iter().collect();
        let nodes = tx.nodes_by_ids(tenant, &ids).await?;
        Ok(Folders {
            nodes: nodes.into_iter().map(|n| (n.id, n)).collect(),
        })
    }

    /// The folder `id` when it is a live container in a library that does not require document
    /// types (restoring there resets publications: the per-item path does that).
    fn live_target(&self, id: NodeId) -> Option<&Node> {
        let folder = self.nodes.get(&id)?;
        if !folder.kind.is_container() {
            return None;
        }
        let mut chain = path_ids(&folder.path).into_iter().map(|a| self.nodes.get(&a));
        let library = chain.next()??;
        let top_level = library.kind == NodeKind::Library && library.parent_id.is_none();
        let unmarked = path_ids(&folder.path)
            .iter()
            .all(|a| self.nodes.get(a).is_some_and(|n| n.trash_record_id.is_none()));
        (top_level && unmarked && !library.requires_doc_type).then_some(folder)
    }

    /// `/Library/…/folder` for a folder `live_target` accepted (so every node above it is here).
    fn name_path(&self, folder: &Node) -> String {
        path_ids(&folder.path)
            .iter()
            .filter_map(|id| self.nodes.get(id))
            .fold(String::new(), |mut path, n| {
                path.push('/');
                path.push_str(&n.name);
                path
            })
    }
}

/// Whether the caller may add to `folder`, asked once per folder of a window.
async fn may_add(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    folder: &Node,
    known: &mut HashMap<NodeId, bool>,
) -> Result<bool> {
    if let Some(&allowed) = known.get(&folder.id) {
        return Ok(allowed);
    }
    let allowed = right_on(tx, actor, folder).await?.can_add();
    known.insert(folder.id, allowed);
    Ok(allowed)
}
