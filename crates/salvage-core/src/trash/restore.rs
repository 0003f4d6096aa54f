//! Restore and preflight (DESIGN.md §3 rules 2–8).
//!
//! Plain restores of a batch take the set-based path of `plain`; every other item goes on the
//! per-item path here.
//!
//! A batch runs in one transaction and each item in a savepoint of its own, so one refused item
//! never leaves half a change behind and never aborts the others. A preflight is the very same
//! run, rolled back: what it predicts is exactly what a restore would do.

use super::by_filter::{FilterRestore, RunAs};
use super::plain;
use super::request::*;
use super::rules::may_restore;
use crate::access::require_admin;
use crate::documents::library_requires_doc_type;
use crate::error::{Error, Result};
use crate::model::*;
use crate::name;
use crate::repository::Repository;
use crate::store::{StoreTx, TrashFilter, TrashSort};
use crate::tree::{check_container_outside, name_path, resolve_in, split_path};
use crate::visibility::{can_see, can_see_record, is_live, right_on, Scopes};
use chrono::{DateTime, Utc};

/// The result of placing one item.
enum Placement {
    Done(Restored),
    Skipped(Error),
}

/// A trash item found: its record, and the node asked for with its nearest marked ancestor.
struct Located {
    record: TrashRecord,
    node: Option<(Node, Node)>,
}

impl Repository {
    pub async fn restore(&self, actor: &Actor, items: &[TrashItem], options: RestoreOptions) -> Result<BatchReport> {
        self.run_restore(actor, items, options, false).await
    }

    /// Says per item whether a restore with these options would succeed, changing nothing.
    pub async fn preflight(&self, actor: &Actor, items: &[TrashItem], options: RestoreOptions) -> Result<BatchReport> {
        self.run_restore(actor, items, options, true).await
    }

    /// Restores a single item, turning a refusal into an error.
    pub async fn restore_one(&self, actor: &Actor, item: TrashItem, options: RestoreOptions) -> Result<Restored> {
        let report = self.restore(actor, &[item], options).await?;
        match report.results.into_iter().next().map(|r| r.outcome) {
            Some(Outcome::Restored(r)) => Ok(r),
            Some(Outcome::Skipped(e)) | Some(Outcome::Failed(e)) => Err(e),
            None => Err(Error::NotInTrash(None)),
        }
    }

    /// Bulk restore of every visible deletion matching `filter` ("everything X deleted under
    /// /Finance since 10:00"), or its preflight when `dry_run`.
    pub async fn restore_matching(
        &self,
        actor: &Actor,
        filter: &TrashFilter,
        options: RestoreOptions,
        dry_run: bool,
    ) -> Result<BatchReport> {
        let run = if dry_run { RunAs::Preflight } else { RunAs::Now };
        match self.restore_by_filter(actor, filter, options, run).await? {
            FilterRestore::Done(report) => Ok(report),
            FilterRestore::Started(_) => unreachable!("a restore asked to run now is never a job"),
        }
    }

    /// The deletions matching `filter` that the caller may see, oldest first, so that when two
    /// of them clash the earlier one keeps its name.
    pub async fn matching_items(&self, actor: &Actor, filter: &TrashFilter) -> Result<Vec<TrashItem>> {
        let mut items = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .trash(actor, filter, TrashSort::OLDEST_FIRST, after.as_ref(), 10_000)
                .await?;
            items.extend(page.items.iter().map(|r| TrashItem::Record(r.id)));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        Ok(items)
    }

    /// Restores many items in transactions of `chunk` items, calling `progress` with the
    /// results so far after each, so a long restore can be followed while it runs. An
    /// all-or-nothing restore is one transaction whatever `chunk` says.
    pub async fn restore_in_chunks(
        &self,
        actor: &Actor,
        items: &[TrashItem],
        options: RestoreOptions,
        chunk: usize,
        progress: &(dyn Fn(&[ItemResult]) + Send + Sync),
    ) -> Result<BatchReport> {
        if options.all_or_nothing || items.len() <= chunk {
            let report = self.run_restore(actor, items, options, false).await?;
            progress(&report.results);
            return Ok(report);
        }
        let mut results = Vec::with_capacity(items.len());
        for part in items.chunks(chunk.max(1)) {
            results.extend(self.run_restore(actor, part, options.clone(), false).await?.results);
            progress(&results);
        }
        Ok(BatchReport {
            results,
            applied: true,
            dry_run: false,
        })
    }

    async fn run_restore(
        &self,
        actor: &Actor,
        items: &[TrashItem],
        options: RestoreOptions,
        dry_run: bool,
    ) -> Result<BatchReport> {
        if let ([item], false) = (items, dry_run) {
            return self.restore_grouped(actor, *item, options).await;
        }
        let mut tx = self.store.write().await?;
        let tenant = tx
            .tenant(actor.tenant_id)
            .await?
            .ok_or_else(|| Error::not_found("tenant"))?;
        let now = self.clock.now();
        let results = self
            .restore_items(tx.as_mut(), actor, &tenant, items, &options, now)
            .await?;
        let applied = !dry_run && !blocked(&results, &options);
        if applied {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(BatchReport {
            results,
            applied,
            dry_run,
        })
    }

    /// Restores `items` in order inside `tx`: runs of plain restores set-based, the others one
    /// by one, each in a savepoint of its own.
    pub(super) async fn restore_items(
        &self,
        tx: &mut dyn StoreTx,
        actor: &Actor,
        tenant: &Tenant,
        items: &[TrashItem],
        options: &RestoreOptions,
        now: DateTime<Utc>,
    ) -> Result<Vec<ItemResult>> {
        let mut results = Vec::with_capacity(items.len());
        let mut window = plain::MAX_WINDOW;
        let mut next = 0;
        while next < items.len() {
            let end = (next + window).min(items.len());
            let mut plan = plain::plan(tx, actor, tenant, &items[next..end], options).await?;
            let run: Vec<_> = plan.iter_mut().map_while(Option::take).collect();
            let plain_count = run.len();
            if !run.is_empty() {
                let restored = plain::apply(tx, actor, run, now).await?;
                results.extend(items[next..].iter().zip(restored).map(|(&item, r)| ItemResult {
                    item,
                    // A plain restore puts a deletion back under the name it was deleted with.
                    name: Some(r.name.clone()),
                    outcome: Outcome::Restored(r),
                }));
                next += plain_count;
            }
            // The items after that go one by one up to the next plain one. What they do can
            // change what the plan saw for the items after them, so it is made again from there.
            let others = plan[plain_count..].iter().take_while(|p| p.is_none()).count();
            for &item in &items[next..next + others] {
                let (name, outcome) = self.restore_in_savepoint(tx, actor, tenant, item, options, now).await?;
                results.push(ItemResult { item, name, outcome });
            }
            next += others;
            window = (2 * plain_count).clamp(plain::MIN_WINDOW, plain::MAX_WINDOW);
        }
        Ok(results)
    }

    /// Restores one item on the per-item path, in a savepoint so a refusal leaves nothing behind.
    /// Returns the item's name too, once it was found among what the caller may see.
    async fn restore_in_savepoint(
        &self,
        tx: &mut dyn StoreTx,
        actor: &Actor,
        tenant: &Tenant,
        item: TrashItem,
        options: &RestoreOptions,
        now: DateTime<Utc>,
    ) -> Result<(Option<String>, Outcome)> {
        tx.savepoint().await?;
        let mut name = None;
        let outcome = match self
            .restore_item(tx, actor, tenant, item, options, now, &mut name)
            .await
        {
            Ok(Placement::Done(r)) => Outcome::Restored(r),
            Ok(Placement::Skipped(e)) => Outcome::Skipped(e),
            // The database itself failing is not an item's fault: give up on the batch.
            Err(e @ (Error::Storage(_) | Error::Blob(_))) => return Err(e),
            Err(e) => Outcome::Failed(e),
        };
        if matches!(outcome, Outcome::Restored(_)) {
            tx.release_savepoint().await?;
        } else {
            tx.rollback_to_savepoint().await?;
        }
        Ok((name, outcome))
    }

    /// Restores one item; `name` is set to its name as soon as it is found.
    #[allow(clippy::too_many_arguments)]
    async fn restore_item(
        &self,
        tx: &mut dyn StoreTx,
        actor: &Actor,
        tenant: &Tenant,
        item: TrashItem,
        options: &RestoreOptions,
        now: DateTime<Utc>,
        name: &mut Option<String>,
    ) -> Result<Placement> {
        let located = locate(tx, actor, tenant.settings.restore_policy, item).await?;
        let record = located.record;
        if !ItemClass::admits(options.only, record.kind) {
            return Err(Error::NotInTrash(None));
        }
        *name = Some(match &located.node {
            Some((node, _)) => node.name.clone(),
            None => record.name.clone(),
        });
        if !may_restore(actor, &record, tenant.settings.restore_policy) {
            return Err(Error::AccessDenied);
        }
        let (placement, from_path) = match located.node {
            None => {
                let mut first = None;
                for marked in tx.marked_nodes(record.id).await? {
                    match self.place_marked(tx, actor, &record, &marked, options, now).await? {
                        Placement::Done(r) => {
                            first.get_or_insert(r);
                        }
                        skipped => return Ok(skipped),
                    }
                }
                let done = first.ok_or(Error::NotInTrash(Some(record.kind)))?;
                (Placement::Done(done), record.original_path.clone())
            }
            Some((node, marked)) => {
                let from_path = name_path(tx, actor.tenant_id, &node).await?;
                let placement = if node.id == marked.id {
                    self.place_marked(tx, actor, &record, &node, options, now).await?
                } else {
                    self.extract(tx, actor, &record, &marked, &node, options, now).await?
                };
                (placement, from_path)
            }
        };
        if let Placement::Done(restored) = &placement {
            if tx.marked_nodes(record.id).await?.is_empty() {
                tx.delete_record(record.id).await?;
            } else {
                tx.refresh_record_stats(record.id).await?;
            }
            tx.insert_event(&NewAuditEvent {
                tenant_id: actor.tenant_id,
                at: now,
                actor_id: Some(actor.user_id),
                action: AuditAction::Restore,
                record_id: Some(record.id),
                node_id: Some(restored.node_id),
                kind: restored.kind,
                name: restored.name.clone(),
                from_path,
                to_path: restored.path.clone(),
            })
            .await?;
        }
        Ok(placement)
    }

    /// Puts a node that carries the record's mark back (rule 2–4).
    async fn place_marked(
        &self,
        tx: &mut dyn StoreTx,
        actor: &Actor,
        record: &TrashRecord,
        node: &Node,
        options: &RestoreOptions,
        now: DateTime<Utc>,
    ) -> Result<Placement> {
        let parent = self.target_for(tx, actor, record, node, options).await?;
        self.put(tx, actor, node, parent.as_ref(), options.on_conflict, now)
            .await
    }

    /// Takes one item out of a trashed folder (rule 5).
    #[allow(clippy::too_many_arguments)]
    async fn extract(
        &self,
        tx: &mut dyn StoreTx,
        actor: &Actor,
        record: &TrashRecord,
        marked: &Node,
        node: &Node,
        options: &RestoreOptions,
        now: DateTime<Utc>,
    ) -> Result<Placement> {
        let chosen = match (&options.target, options.missing_parent) {
            (Target::Original, MissingParent::Fallback(f)) => Some(live_target(tx, actor, f).await?),
            (Target::Original, MissingParent::Error) => return Err(Error::OriginalLocationMissing),
            (Target::Original, MissingParent::Recreate) => None,
            (target, _) => chosen_target(tx, actor, target).await?,
        };
        if let Some(parent) = chosen {
            // Give the item the record's mark first, so it is placed like any deleted item:
            // unmarked, it is bound by the unique index of live names, and moving it before
            // `put` renames it would clash with the very name the rename avoids.
            tx.set_mark(node.id, Some(record.id)).await?;
            let node = Node {
                trash_record_id: Some(record.id),
                ..node.clone()
            };
            return self
                .put(tx, actor, &node, Some(&parent), options.on_conflict, now)
                .await;
        }
        // Bring back the chain of folders from the deleted one down to the item, and leave
        // everything else of that deletion in the trash, still restorable as one.
        let ids = path_ids(&node.path);
        let start = ids
            .iter()
            .position(|&id| id == marked.id)
            .ok_or(Error::NotInTrash(Some(node.kind)))?;
        for pair in ids[start..].windows(2) {
            tx.mark_children_except(pair[0], pair[1], record.id).await?;
        }
        let chain_options = RestoreOptions {
            target: Target::Original,
            missing_parent: MissingParent::Recreate,
            ..options.clone()
        };
        match self
            .place_marked(tx, actor, record, marked, &chain_options, now)
            .await?
        {
            Placement::Done(_) => {
                let node = tx
                    .node(actor.tenant_id, node.id)
                    .await?
                    .ok_or(Error::NotInTrash(Some(node.kind)))?;
                let path = name_path(tx, actor.tenant_id, &node).await?;
                Ok(Placement::Done(Restored {
                    node_id: node.id,
                    kind: node.kind,
                    name: node.name.clone(),
                    path,
                    renamed_from: None,
                }))
            }
            skipped => Ok(skipped),
        }
    }

    /// The folder a marked node goes back into (`None`: the top level, for libraries).
    async fn target_for(
        &self,
        tx: &mut dyn StoreTx,
        actor: &Actor,
        record: &TrashRecord,
        node: &Node,
        options: &RestoreOptions,
    ) -> Result<Option<Node>> {
        if node.kind == NodeKind::Library {
            if options.target != Target::Original {
                return Err(Error::InvalidTarget(
                    "a library is always restored at the top level".into(),
                ));
            }
            return require_admin(actor)
                .map(|_| None)
                .map_err(|_| Error::InsufficientRights);
        }
        if let Some(folder) = chosen_target(tx, actor, &options.target).await? {
            return Ok(Some(folder));
        }
        if let Some(parent) = node.parent_id {
            if let Some(parent) = tx.node(actor.tenant_id, parent).await? {
                if is_live(tx, &parent).await? {
                    return Ok(Some(parent));
                }
            }
        }
        match options.missing_parent {
            MissingParent::Error => Err(Error::OriginalLocationMissing),
            MissingParent::Fallback(folder) => live_target(tx, actor, folder).await.map(Some),
            MissingParent::Recreate => {
                let names = if node.id == record.root_node_id {
                    let mut names = split_path(&record.original_path)?;
                    names.pop();
                    names
                } else if node.parent_id.is_none() {
                    // A member left without folders by the purge of a later deletion that held
                    // them: those folders are gone for good, so it goes back into (a recreation
                    // of) the folder its own deletion took away, the nearest place still known.
                    split_path(&record.original_path)?
                } else {
                    tx.names_of(actor.tenant_id, &node.ancestor_ids()).await?
                };
                if names.is_empty() {
                    return Err(Error::OriginalLocationMissing);
                }
                self.ensure_path(tx, actor, &names).await.map(Some)
            }
        }
    }

    /// Places `node` under `parent`: checks the caller may add there, settles a name clash,
    /// moves it if needed and clears its mark.
    async fn put(
        &self,
        tx: &mut dyn StoreTx,
        actor: &Actor,
        node: &Node,
        parent: Option<&Node>,
        on_conflict: OnConflict,
        now: DateTime<Utc>,
    ) -> Result<Placement> {
        if let Some(parent) = parent {
            check_container_outside(parent, node)?;
            if !right_on(tx, actor, parent).await?.can_add() {
                return Err(Error::InsufficientRights);
            }
        }
        let parent_id = parent.map(|p| p.id);
        if parent_id != node.parent_id {
            grants_nothing(tx, actor, node).await?;
        }
        let Some(new_name) = free_name(tx, actor.tenant_id, parent_id, node, on_conflict).await? else {
            return Ok(Placement::Skipped(Error::NameConflict(node.name.clone())));
        };
        if let Some(parent) = parent {
            if node.parent_id != Some(parent.id) {
                tx.move_subtree(node, Some(parent), node.kind, now).await?;
            }
        }
        if new_name != node.name {
            tx.rename_node(node.id, &new_name, now).await?;
        }
        if node.trash_record_id.is_some() {
            tx.set_mark(node.id, None).await?;
        }
        let original_name = node.name.clone();
        let node = tx
            .node(actor.tenant_id, node.id)
            .await?
            .ok_or(Error::NotInTrash(Some(node.kind)))?;
        if library_requires_doc_type(tx, &node).await? {
            tx.reset_untyped_published(&node).await?;
        }
        let path = name_path(tx, actor.tenant_id, &node).await?;
        Ok(Placement::Done(Restored {
            node_id: node.id,
            kind: node.kind,
            name: node.name.clone(),
            path,
            renamed_from: (new_name != original_name).then_some(original_name),
        }))
    }
}

/// The name `node` can take under `parent` under the conflict policy; `None` means skip.
async fn free_name(
    tx: &mut dyn StoreTx,
    tenant: TenantId,
    parent: Option<NodeId>,
    node: &Node,
    policy: OnConflict,
) -> Result<Option<String>> {
    if !name_taken(tx, tenant, parent, &node.name, node.id).await? {
        return Ok(Some(node.name.clone()));
    }
    match policy {
        OnConflict::Fail => Err(Error::NameConflict(node.name.clone())),
        OnConflict::Skip => Ok(None),
        OnConflict::Rename => {
            for n in 1..=10_000 {
                let candidate = name::restored_candidate(&node.name, n);
                let candidate = name::normalize(&candidate)?;
                if !name_taken(tx, tenant, parent, &candidate, node.id).await? {
                    return Ok(Some(candidate));
                }
            }
            Err(Error::NameConflict(node.name.clone()))
        }
    }
}

/// Whether a live sibling other than `me` holds `candidate`.
async fn name_taken(
    tx: &mut dyn StoreTx,
    tenant: TenantId,
    parent: Option<NodeId>,
    candidate: &str,
    me: NodeId,
) -> Result<bool> {
    Ok(tx
        .unmarked_child(tenant, parent, &name::key(candidate))
        .await?
        .is_some_and(|c| c.id != me))
}

/// A live folder or library the caller may see, to restore into, or "target folder not found".
/// The live folder a restore was told to use (`None`: the original location). A folder named by
/// a path is found here, inside the restore's transaction; a path that names nothing the
/// caller may list, or names a document, is a target that does not exist.
async fn chosen_target(tx: &mut dyn StoreTx, actor: &Actor, target: &Target) -> Result<Option<Node>> {
    match target {
        Target::Original => Ok(None),
        Target::Folder(id) => live_target(tx, actor, *id).await.map(Some),
        Target::Path(path) => match resolve_in(tx, actor, path).await {
            Ok(folder) => live_target(tx, actor, folder.id).await.map(Some),
            // The database failing is not the path's fault; anything else (no such path, a
            // name no item may have) means no such folder.
            Err(e @ (Error::Storage(_) | Error::Blob(_))) => Err(e),
            Err(_) => Err(Error::TargetNotFound),
        },
    }
}

async fn live_target(tx: &mut dyn StoreTx, actor: &Actor, id: NodeId) -> Result<Node> {
    match tx.node(actor.tenant_id, id).await? {
        Some(n) if n.kind.is_container() && is_live(tx, &n).await? && can_see(tx, actor, &n).await? => Ok(n),
        _ => Err(Error::TargetNotFound),
    }
}

/// Refuses to restore `node` anywhere but where it was deleted from when that would let the
/// caller read what they may not read there (DESIGN.md §3 rule 12). What inherits its access
/// list through `node` takes the new folder's list, so the caller needs Read on `node` where it
/// was; a folder below it with a list of its own keeps that list, so it changes nobody's access
/// — but one the caller may not see must not be carried off by them either, so such a
/// deletion can only go back to its place (or be restored by an administrator).
async fn grants_nothing(tx: &mut dyn StoreTx, actor: &Actor, node: &Node) -> Result<()> {
    if actor.is_admin {
        return Ok(());
    }
    if !right_on(tx, actor, node).await?.can_read() {
        return Err(Error::WouldGrantAccess(format!(
            "you may not read {:?} where it was deleted from",
            node.name
        )));
    }
    if Scopes::read(tx, actor).await?.hides_below(node) {
        return Err(Error::WouldGrantAccess(format!(
            "{:?} holds items you may not see",
            node.name
        )));
    }
    Ok(())
}

/// Finds a trash item the caller may see. Unknown ids, other tenants' ids, deletions the
/// caller may not see and items hidden from them where they were deleted from all answer
/// alike, without a name or a kind.
async fn locate(tx: &mut dyn StoreTx, actor: &Actor, policy: RestorePolicy, item: TrashItem) -> Result<Located> {
    let tenant = actor.tenant_id;
    let (record, node) = match item {
        TrashItem::Record(id) => (tx.record(tenant, id).await?, None),
        TrashItem::Node(id) => {
            let node = match tx.node(tenant, id).await? {
                Some(node) if can_see(tx, actor, &node).await? => node,
                _ => return Err(Error::NotInTrash(None)),
            };
            let not_in_trash = Error::NotInTrash(Some(node.kind));
            let marked = tx
                .nearest_marked(tenant, &path_ids(&node.path))
                .await?
                .ok_or(not_in_trash.clone())?;
            let record_id = marked.trash_record_id.ok_or(not_in_trash)?;
            (tx.record(tenant, record_id).await?, Some((node, marked)))
        }
    };
    match record {
        Some(record) if can_see_record(tx, actor, &record, policy).await? => Ok(Located { record, node }),
        _ => Err(Error::NotInTrash(None)),
    }
}
