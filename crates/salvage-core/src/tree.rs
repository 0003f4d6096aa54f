//! The tree: libraries and folders, paths by names, listings, renames and moves.

use crate::access::{require_admin, require_capability};
use crate::error::{Error, Result};
use crate::model::*;
use crate::name;
use crate::repository::Repository;
use crate::sort::{check_order, Page};
use crate::store::{ChildCursor, ChildSort, SortKey, StoreTx};
use crate::visibility::{live_node, right_on, Scopes};

impl Repository {
    pub async fn create_library(&self, actor: &Actor, name: &str) -> Result<Node> {
        require_admin(actor)?;
        let mut tx = self.store.write().await?;
        let node = self
            .insert_child(tx.as_mut(), actor, None, NodeKind::Library, name)
            .await?;
        tx.commit().await?;
        Ok(node)
    }

    pub async fn create_folder(&self, actor: &Actor, parent: NodeId, name: &str) -> Result<Node> {
        let mut tx = self.store.write().await?;
        let parent = live_node(tx.as_mut(), actor, parent).await?;
        let node = self
            .insert_child(tx.as_mut(), actor, Some(&parent), NodeKind::Folder, name)
            .await?;
        tx.commit().await?;
        Ok(node)
    }

    /// Resolves `/Library/a/b`, creating every missing folder (and the library) on the way.
    pub async fn ensure_folder_path(&self, actor: &Actor, path: &str) -> Result<Node> {
        let mut tx = self.store.write().await?;
        let node = self.ensure_path(tx.as_mut(), actor, &split_path(path)?).await?;
        tx.commit().await?;
        Ok(node)
    }

    pub(crate) async fn ensure_path(&self, tx: &mut dyn StoreTx, actor: &Actor, names: &[String]) -> Result<Node> {
        let mut parent: Option<Node> = None;
        for segment in names {
            let existing = tx
                .unmarked_child(actor.tenant_id, parent.as_ref().map(|p| p.id), &name::key(segment))
                .await?;
            // An existing item the caller may not see is a clash like any other, never a
            // way into it.
            let next = match existing {
                Some(n) if n.kind.is_container() && right_on(tx, actor, &n).await?.can_list() => n,
                Some(_) => return Err(Error::NameConflict(segment.clone())),
                None => {
                    let kind = if parent.is_none() {
                        NodeKind::Library
                    } else {
                        NodeKind::Folder
                    };
                    if kind == NodeKind::Library {
                        require_admin(actor)?;
                    }
                    self.insert_child(tx, actor, parent.as_ref(), kind, segment).await?
                }
            };
            parent = Some(next);
        }
        parent.ok_or_else(|| Error::InvalidInput("a folder path needs at least a library name".into()))
    }

    /// Inserts a new child after checking the name, the caller's right and name clashes.
    pub(crate) async fn insert_child(
        &self,
        tx: &mut dyn StoreTx,
        actor: &Actor,
        parent: Option<&Node>,
        kind: NodeKind,
        name: &str,
    ) -> Result<Node> {
        let name = name::normalize(name)?;
        match kind {
            NodeKind::Document => require_capability(actor, Capability::Upload, "upload documents")?,
            _ => require_capability(actor, Capability::Write, "create folders")?,
        }
        if let Some(parent) = parent {
            if !parent.kind.is_container() {
                return Err(Error::InvalidTarget(format!(
                    "{:?} is a document, not a folder",
                    parent.name
                )));
            }
            if !right_on(tx, actor, parent).await?.can_add() {
                return Err(Error::PermissionDenied(format!(
                    "you may not add items to {:?}",
                    parent.name
                )));
            }
        }
        self.check_name_free(tx, actor.tenant_id, parent.map(|p| p.id), &name)
            .await?;
        let now = self.clock.now();
        tx.insert_node(&NewNode {
            tenant_id: actor.tenant_id,
            parent_id: parent.map(|p| p.id),
            kind,
            name,
            created_by: actor.user_id,
            created_at: now,
        })
        .await
    }

    /// A new or moved item may not take a live sibling's name, nor (when the tenant reserves
    /// them) the name of a sibling waiting in the trash.
    pub(crate) async fn check_name_free(
        &self,
        tx: &mut dyn StoreTx,
        tenant: TenantId,
        parent: Option<NodeId>,
        name: &str,
    ) -> Result<()> {
        let key = name::key(name);
        if tx.unmarked_child(tenant, parent, &key).await?.is_some() {
            return Err(Error::NameConflict(name.to_owned()));
        }
        let reserved = tx.tenant(tenant).await?.is_some_and(|t| t.settings.names_reserved);
        if reserved && tx.marked_child_exists(tenant, parent, &key).await? {
            return Err(Error::NameConflict(name.to_owned()));
        }
        Ok(())
    }

    /// Resolves a path by names (`/Library/folder/doc.pdf`) among live items.
    pub async fn resolve(&self, actor: &Actor, path: &str) -> Result<Node> {
        resolve_in(self.store.read().await?.as_mut(), actor, path).await
    }

    /// A live item by id, if the caller may at least list it; otherwise "not found", exactly as
    /// for an unknown id.
    pub async fn node(&self, actor: &Actor, id: NodeId) -> Result<Node> {
        live_node(self.store.read().await?.as_mut(), actor, id).await
    }

    /// The path by names of a live node, e.g. `/Finance/Reports/q1.pdf`.
    pub async fn path_of(&self, actor: &Actor, node: &Node) -> Result<String> {
        let mut tx = self.store.read().await?;
        name_path(tx.as_mut(), actor.tenant_id, node).await
    }

    /// Live children of a folder (`None`: the libraries), by name, keyset-paginated on the name.
    pub async fn children(
        &self,
        actor: &Actor,
        parent: Option<NodeId>,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Page<Node, String>> {
        let after = after.map(ChildSort::after_name);
        let page = self
            .children_sorted(actor, parent, ChildSort::NAME, after.as_ref(), limit)
            .await?;
        Ok(Page {
            items: page.items,
            // A cursor of the name order holds the name key.
            next: page.next.and_then(|c| match c.key() {
                SortKey::Text(key) => Some(key.clone()),
                _ => None,
            }),
        })
    }

    /// The items of a folder (`None`: the libraries) the caller may list, in the order `sort`,
    /// after `after` (a cursor from an earlier page in the same order).
    pub async fn children_sorted(
        &self,
        actor: &Actor,
        parent: Option<NodeId>,
        sort: ChildSort,
        after: Option<&ChildCursor>,
        limit: u32,
    ) -> Result<Page<Node, ChildCursor>> {
        check_order(sort, after.map(ChildCursor::sort), ChildSort::as_str)?;
        let mut tx = self.store.read().await?;
        if let Some(parent) = parent {
            live_node(tx.as_mut(), actor, parent).await?;
        }
        let limit = limit.clamp(1, 10_000);
        let mut items = tx
            .unmarked_children(actor.tenant_id, parent, sort, after, limit + 1)
            .await?;
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|n| sort.cursor_after(n))
        } else {
            None
        };
        // The cursor comes from what was read, so a page thinned by access lists still leads on.
        let scopes = Scopes::read(tx.as_mut(), actor).await?;
        items.retain(|n| scopes.can_see(n));
        Ok(Page { items, next })
    }

    /// Whether a document of the tenant other than `except`, live or in the trash, has `stem`
    /// as its name without the extension (in any case). For faces whose asset names are unique
    /// per tenant, not per folder. It answers only yes or no: the clashing document may be one
    /// the caller may not see, and nothing of it is given away.
    pub async fn document_stem_taken(&self, actor: &Actor, stem: &str, except: Option<NodeId>) -> Result<bool> {
        let key = name::key(stem);
        let mut tx = self.store.read().await?;
        let found = tx.documents_named(actor.tenant_id, &key, 1000).await?;
        Ok(found
            .iter()
            .any(|n| Some(n.id) != except && name::key(name::stem(&n.name)) == key))
    }

    /// Every live item below `root` the caller may see, in path order (at most `limit` are
    /// considered, before those hidden by access lists are left out).
    pub async fn descendants(&self, actor: &Actor, root: NodeId, limit: u32) -> Result<Vec<Node>> {
        let mut tx = self.store.read().await?;
        let root = live_node(tx.as_mut(), actor, root).await?;
        let mut nodes = tx.unmarked_below(actor.tenant_id, &root, limit).await?;
        let scopes = Scopes::read(tx.as_mut(), actor).await?;
        nodes.retain(|n| scopes.can_see(n));
        Ok(nodes)
    }

    pub async fn rename(&self, actor: &Actor, id: NodeId, new_name: &str) -> Result<Node> {
        self.update_node(actor, id, Some(new_name), None).await
    }

    pub async fn move_node(&self, actor: &Actor, id: NodeId, new_parent: NodeId) -> Result<Node> {
        self.update_node(actor, id, None, Some(new_parent)).await
    }

    /// Renames and/or moves an item in one transaction, so that both happen or neither, and the
    /// name is checked in the folder the item ends up in under the name it ends up with.
    pub async fn update_node(
        &self,
        actor: &Actor,
        id: NodeId,
        new_name: Option<&str>,
        new_parent: Option<NodeId>,
    ) -> Result<Node> {
        let new_name = new_name.map(name::normalize).transpose()?;
        let new_name = new_name.as_deref();
        let mut tx = self.store.write().await?;
        let node = live_node(tx.as_mut(), actor, id).await?;
        require_capability(actor, Capability::Write, "rename or move items")?;
        let target = match new_parent {
            Some(parent) => self.move_target(tx.as_mut(), actor, &node, parent).await?,
            None => None,
        };
        if new_name.is_some() {
            if node.kind == NodeKind::Library {
                require_admin(actor)?;
            }
            if !right_on(tx.as_mut(), actor, &node).await?.can_change() {
                return Err(Error::PermissionDenied(format!("you may not rename {:?}", node.name)));
            }
        }
        let final_name = new_name.unwrap_or(&node.name);
        if target.is_some() || name::key(final_name) != name::key(&node.name) {
            let parent = target.as_ref().map_or(node.parent_id, |t| Some(t.id));
            self.check_name_free(tx.as_mut(), actor.tenant_id, parent, final_name)
                .await?;
        }
        let now = self.clock.now();
        match (target, new_name) {
            (Some(target), Some(name)) => {
                // Live sibling names are unique at every statement, and the old name may be
                // taken in the new folder or the new name in the old one: park the item under
                // a name no item can have ('/' is refused in names) while it moves.
                tx.rename_node(node.id, &format!("/{}", node.id), now).await?;
                tx.move_subtree(&node, Some(&target), node.kind, now).await?;
                tx.rename_node(node.id, name, now).await?;
            }
            (Some(target), None) => tx.move_subtree(&node, Some(&target), node.kind, now).await?,
            (None, Some(name)) => tx.rename_node(node.id, name, now).await?,
            (None, None) => {}
        }
        let node = tx
            .node(actor.tenant_id, id)
            .await?
            .ok_or_else(|| Error::not_found("item"))?;
        tx.commit().await?;
        Ok(node)
    }

    /// The live folder `parent` that `node` may move into, or `None` when it is already there.
    async fn move_target(
        &self,
        tx: &mut dyn StoreTx,
        actor: &Actor,
        node: &Node,
        parent: NodeId,
    ) -> Result<Option<Node>> {
        let target = live_node(tx, actor, parent).await?;
        if node.kind == NodeKind::Library {
            return Err(Error::InvalidTarget("a library cannot be moved into a folder".into()));
        }
        check_container_outside(&target, node)?;
        if !right_on(tx, actor, node).await?.can_change() {
            return Err(Error::PermissionDenied(format!("you may not move {:?}", node.name)));
        }
        if !right_on(tx, actor, &target).await?.can_add() {
            return Err(Error::PermissionDenied(format!(
                "you may not add items to {:?}",
                target.name
            )));
        }
        Ok((node.parent_id != Some(target.id)).then_some(target))
    }
}

/// A live item by its path by names (`/Library/a/b`), if the caller may list it; "not found"
/// otherwise, as for a path that names nothing. Runs in the caller's transaction, so a restore
/// can find its target folder inside its own.
pub(crate) async fn resolve_in(tx: &mut dyn StoreTx, actor: &Actor, path: &str) -> Result<Node> {
    let names = split_path(path)?;
    let mut current: Option<Node> = None;
    for segment in &names {
        let child = tx
            .unmarked_child(actor.tenant_id, current.as_ref().map(|n| n.id), &name::key(segment))
            .await?;
        current = Some(child.ok_or_else(|| Error::not_found(format!("path {path:?}")))?);
    }
    let node = current.ok_or_else(|| Error::not_found("path \"/\""))?;
    if !right_on(tx, actor, &node).await?.can_list() {
        return Err(Error::not_found(format!("path {path:?}")));
    }
    Ok(node)
}

/// Splits `/Library/a/b` (or `\Library\a\b`, as infoRouter clients write it) into names, each
/// checked and in NFC (`name::normalize`). Every face that reads a path splits it here.
pub fn split_path(path: &str) -> Result<Vec<String>> {
    path.split(['/', '\\'])
        .filter(|s| !s.is_empty())
        .map(name::normalize)
        .collect()
}

pub(crate) async fn name_path(tx: &mut dyn StoreTx, tenant: TenantId, node: &Node) -> Result<String> {
    let names = tx.names_of(tenant, &crate::model::path_ids(&node.path)).await?;
    Ok(format!("/{}", names.join("/")))
}

/// Refuses to put `node` inside itself or its own subtree, or into a document.
pub(crate) fn check_container_outside(target: &Node, node: &Node) -> Result<()> {
    if !target.kind.is_container() {
        return Err(Error::InvalidTarget(format!(
            "{:?} is a document, not a folder",
            target.name
        )));
    }
    if target.path.starts_with(&node.path) {
        return Err(Error::InvalidTarget("an item cannot be put inside itself".into()));
    }
    Ok(())
}
