//! The model's tree: names, paths, access rights, and the operations on live items.

use super::*;

pub(super) fn key(name: &str) -> String {
    salvage_core::name::key(name)
}

pub(super) fn valid_name(name: &str) -> Res<()> {
    let bad = name.is_empty()
        || name == "."
        || name == ".."
        || name.contains('/')
        || name.contains('\\')
        || name.chars().any(char::is_control)
        || name.chars().any(salvage_core::name::is_format_character)
        || name.len() > 255
        || name.trim() != name;
    if bad {
        Err(Refusal::InvalidName)
    } else {
        Ok(())
    }
}

/// `a.txt` -> `a (restored).txt`, `a (restored 2).txt`, ...
pub(super) fn restored_candidate(name: &str, n: u32) -> String {
    let suffix = if n <= 1 {
        " (restored)".to_owned()
    } else {
        format!(" (restored {n})")
    };
    match name.rfind('.') {
        Some(dot) if dot > 0 => format!("{}{suffix}{}", &name[..dot], &name[dot..]),
        _ => format!("{name}{suffix}"),
    }
}

impl Model {
    pub(super) fn node(&self, id: NodeId) -> &MNode {
        &self.nodes[&id]
    }

    pub(super) fn node_mut(&mut self, id: NodeId) -> &mut MNode {
        self.nodes.get_mut(&id).expect("model node")
    }

    /// The node and its ancestors, itself first.
    pub(super) fn chain(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            out.push(c);
            cur = self.node(c).parent;
        }
        out
    }

    /// The materialized id path `/lib/.../id/`.
    pub(super) fn path(&self, id: NodeId) -> String {
        let ids: Vec<String> = self.chain(id).iter().rev().map(|i| i.to_string()).collect();
        format!("/{}/", ids.join("/"))
    }

    pub(super) fn name_path(&self, id: NodeId) -> String {
        let names: Vec<&str> = self
            .chain(id)
            .iter()
            .rev()
            .map(|i| self.node(*i).name.as_str())
            .collect();
        format!("/{}", names.join("/"))
    }

    pub(super) fn is_live(&self, id: NodeId) -> bool {
        if !self.nodes.contains_key(&id) {
            return false;
        }
        let chain = self.chain(id);
        let top = *chain.last().expect("chain");
        chain.iter().all(|c| self.node(*c).mark.is_none()) && self.node(top).kind == NodeKind::Library
    }

    pub(super) fn children(&self, parent: Option<NodeId>) -> Vec<NodeId> {
        self.nodes
            .iter()
            .filter(|(_, n)| n.parent == parent)
            .map(|(id, _)| *id)
            .collect()
    }

    pub(super) fn unmarked_child(&self, parent: Option<NodeId>, name_key: &str) -> Option<NodeId> {
        self.nodes
            .iter()
            .find(|(_, n)| n.parent == parent && n.mark.is_none() && key(&n.name) == name_key)
            .map(|(id, _)| *id)
    }

    /// A trashed item waiting in `parent` under that name (for reserved names). At the top
    /// level only trashed libraries count: items left without a folder by a purge (detached)
    /// were never there and never come back there.
    pub(super) fn marked_child_exists(&self, parent: Option<NodeId>, name_key: &str) -> bool {
        self.nodes.values().any(|n| {
            n.parent == parent
                && n.mark.is_some()
                && key(&n.name) == name_key
                && (parent.is_some() || n.kind == NodeKind::Library)
        })
    }

    pub(super) fn right(&self, c: Caller, id: NodeId) -> Right {
        if c.admin {
            return Right::FullControl;
        }
        for x in self.chain(id) {
            if let Some(acl) = &self.node(x).acl {
                return acl
                    .iter()
                    .filter(|(u, _)| *u == c.id)
                    .map(|(_, r)| *r)
                    .max()
                    .unwrap_or(Right::NoAccess);
            }
        }
        Right::Change
    }

    /// The visibility rule: the caller sees a node (live, or in the trash where it was deleted
    /// from) when its right there includes List.
    pub(super) fn visible(&self, c: Caller, id: NodeId) -> bool {
        self.right(c, id).can_list()
    }

    /// Whether the caller sees a deletion: one the policy shows them (every user here has a
    /// role that works the trash), holding an item they see where it was.
    pub(super) fn record_visible(&self, c: Caller, rid: RecordId) -> bool {
        let r = &self.records[&rid];
        let deleter = c.admin || self.params.policy == RestorePolicy::AnyTrashRole || r.deleted_by == c.id;
        deleter && self.marked_by(rid).iter().any(|m| self.visible(c, *m))
    }

    /// A live node the caller sees, or "not found".
    pub(super) fn live_for(&self, c: Caller, id: NodeId) -> Res<()> {
        if self.is_live(id) && self.visible(c, id) {
            Ok(())
        } else {
            Err(Refusal::NotFound)
        }
    }

    pub(super) fn size(&self, id: NodeId) -> i64 {
        let n = self.node(id);
        match (n.kind, n.versions.last()) {
            (NodeKind::Document, Some(c)) => c.len() as i64,
            _ => 0,
        }
    }

    /// The node and its descendants that no trash mark separates from it.
    pub(super) fn members(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = vec![id];
        let mut i = 0;
        while i < out.len() {
            for c in self.children(Some(out[i])) {
                if self.node(c).mark.is_none() {
                    out.push(c);
                }
            }
            i += 1;
        }
        out
    }

    pub(super) fn stats(&self, id: NodeId) -> (i64, i64) {
        let m = self.members(id);
        (m.len() as i64, m.iter().map(|i| self.size(*i)).sum())
    }

    /// Nodes a record marks, in materialized-path order.
    pub(super) fn marked_by(&self, rid: RecordId) -> Vec<NodeId> {
        let mut ids: Vec<NodeId> = self
            .nodes
            .iter()
            .filter(|(_, n)| n.mark == Some(rid))
            .map(|(id, _)| *id)
            .collect();
        ids.sort_by_key(|id| self.path(*id));
        ids
    }

    pub(super) fn refresh(&mut self, rid: RecordId) {
        let (mut count, mut size) = (0, 0);
        for m in self.marked_by(rid) {
            let (c, s) = self.stats(m);
            count += c;
            size += s;
        }
        let r = self.records.get_mut(&rid).expect("record");
        r.item_count = count;
        r.total_size = size;
    }

    pub(super) fn check_name_free(&self, parent: Option<NodeId>, name: &str) -> Res<()> {
        let k = key(name);
        if self.unmarked_child(parent, &k).is_some()
            || (self.params.names_reserved && self.marked_child_exists(parent, &k))
        {
            return Err(Refusal::NameConflict(name.to_owned()));
        }
        Ok(())
    }

    pub(super) fn insert_child(
        &mut self,
        c: Caller,
        parent: Option<NodeId>,
        kind: NodeKind,
        name: &str,
    ) -> Res<NodeId> {
        valid_name(name)?;
        if let Some(p) = parent {
            if !self.node(p).kind.is_container() {
                return Err(Refusal::InvalidTarget);
            }
            if !self.right(c, p).can_add() {
                return Err(Refusal::PermissionDenied);
            }
        }
        self.check_name_free(parent, name)?;
        let id = self.next_node;
        self.next_node += 1;
        self.nodes.insert(
            id,
            MNode {
                parent,
                kind,
                name: name.to_owned(),
                versions: Vec::new(),
                mark: None,
                acl: None,
            },
        );
        Ok(id)
    }

    // --- the tree ---

    pub(super) fn create_library(&mut self, c: Caller, name: &str) -> Res<NodeId> {
        if !c.admin {
            return Err(Refusal::PermissionDenied);
        }
        self.insert_child(c, None, NodeKind::Library, name)
    }

    pub(super) fn create_folder(&mut self, c: Caller, parent: NodeId, name: &str) -> Res<NodeId> {
        self.live_for(c, parent)?;
        self.insert_child(c, Some(parent), NodeKind::Folder, name)
    }

    /// The document and its new version number.
    pub(super) fn upload(
        &mut self,
        c: Caller,
        parent: NodeId,
        name: &str,
        content: &'static str,
    ) -> Res<(NodeId, i64)> {
        valid_name(name)?;
        self.live_for(c, parent)?;
        let id = match self.unmarked_child(Some(parent), &key(name)) {
            Some(existing) if self.node(existing).kind == NodeKind::Document && self.visible(c, existing) => {
                if !self.right(c, existing).can_change() {
                    return Err(Refusal::PermissionDenied);
                }
                existing
            }
            Some(_) => return Err(Refusal::NameConflict(name.to_owned())),
            None => self.insert_child(c, Some(parent), NodeKind::Document, name)?,
        };
        self.node_mut(id).versions.push(content);
        let blob = self.blobs.entry(content).or_insert(MBlob {
            refcount: 0,
            zero_since: None,
        });
        blob.refcount += 1;
        blob.zero_since = None;
        Ok((id, self.node(id).versions.len() as i64))
    }

    pub(super) fn move_node(&mut self, c: Caller, id: NodeId, to: NodeId) -> Res<()> {
        self.live_for(c, id)?;
        self.live_for(c, to)?;
        if self.node(id).kind == NodeKind::Library
            || !self.node(to).kind.is_container()
            || self.path(to).starts_with(&self.path(id))
        {
            return Err(Refusal::InvalidTarget);
        }
        if !self.right(c, id).can_change() || !self.right(c, to).can_add() {
            return Err(Refusal::PermissionDenied);
        }
        if self.node(id).parent != Some(to) {
            self.check_name_free(Some(to), &self.node(id).name.clone())?;
            self.node_mut(id).parent = Some(to);
        }
        Ok(())
    }

    pub(super) fn rename(&mut self, c: Caller, id: NodeId, name: &str) -> Res<()> {
        valid_name(name)?;
        self.live_for(c, id)?;
        if self.node(id).kind == NodeKind::Library && !c.admin {
            return Err(Refusal::PermissionDenied);
        }
        if !self.right(c, id).can_change() {
            return Err(Refusal::PermissionDenied);
        }
        if key(name) != key(&self.node(id).name) {
            self.check_name_free(self.node(id).parent, name)?;
        }
        self.node_mut(id).name = name.to_owned();
        Ok(())
    }

    pub(super) fn set_acl(&mut self, c: Caller, id: NodeId, acl: Option<Vec<(UserId, Right)>>) -> Res<()> {
        self.live_for(c, id)?;
        if !self.node(id).kind.is_container() {
            return Err(Refusal::InvalidTarget);
        }
        if !self.right(c, id).can_manage_access() {
            return Err(Refusal::PermissionDenied);
        }
        self.node_mut(id).acl = acl;
        Ok(())
    }

    // --- the trash ---

    pub(super) fn delete(&mut self, c: Caller, id: NodeId) -> Res<RecordId> {
        self.live_for(c, id)?;
        if self.node(id).kind == NodeKind::Library && !c.admin {
            return Err(Refusal::PermissionDenied);
        }
        if !self.right(c, id).can_change() {
            return Err(Refusal::PermissionDenied);
        }
        let (item_count, total_size) = self.stats(id);
        let rid = self.next_record;
        self.next_record += 1;
        let n = self.node(id);
        self.records.insert(
            rid,
            MRecord {
                root: id,
                kind: n.kind,
                name: n.name.clone(),
                original_parent: n.parent,
                original_path: self.name_path(id),
                deleted_by: c.id,
                deleted_at: self.now,
                item_count,
                total_size,
                stage: Stage::UserBin,
                stage_changed_at: self.now,
            },
        );
        self.node_mut(id).mark = Some(rid);
        Ok(rid)
    }

    pub(super) fn may_restore(&self, c: Caller, r: &MRecord) -> bool {
        if c.admin {
            return true;
        }
        if r.stage == Stage::SystemBin {
            return false;
        }
        match self.params.policy {
            RestorePolicy::DeleterOrAdministrator => r.deleted_by == c.id,
            RestorePolicy::AnyTrashRole => true,
        }
    }
}
