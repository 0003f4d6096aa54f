//! The model's trash: delete, restore (every target, missing parent and conflict policy), purge,
//! empty and the retention sweep, each predicting the repository's outcome.

use super::*;

impl Model {
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

    fn may_restore(&self, c: Caller, r: &MRecord) -> bool {
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

    pub(super) fn restore_batch(
        &mut self,
        c: Caller,
        items: &[TrashItem],
        opts: RestoreOptions,
        dry_run: bool,
    ) -> Vec<MOutcome> {
        let start = self.clone();
        let mut results = Vec::new();
        for &item in items {
            let savepoint = self.clone();
            let outcome = match self.restore_item(c, item, &opts) {
                Ok(Placement::Done(r)) => MOutcome::Restored(r),
                Ok(Placement::Skipped(e)) => MOutcome::Skipped(e),
                Err(e) => MOutcome::Failed(e),
            };
            if !matches!(outcome, MOutcome::Restored(_)) {
                *self = savepoint;
            }
            results.push(outcome);
        }
        let failed = results.iter().any(|r| matches!(r, MOutcome::Failed(_)));
        if dry_run || (opts.all_or_nothing && failed) {
            *self = start;
        }
        results
    }

    fn restore_item(&mut self, c: Caller, item: TrashItem, opts: &RestoreOptions) -> Res<Placement> {
        // Unknown, and not the caller's to see, answer alike.
        let (rid, selected) = match item {
            TrashItem::Record(id) => {
                if !self.records.contains_key(&id) {
                    return Err(Refusal::NotInTrash(None));
                }
                (id, None)
            }
            TrashItem::Node(id) => {
                if !self.nodes.contains_key(&id) || !self.visible(c, id) {
                    return Err(Refusal::NotInTrash(None));
                }
                let kind = self.node(id).kind;
                let Some(marked) = self.chain(id).into_iter().find(|x| self.node(*x).mark.is_some()) else {
                    return Err(Refusal::NotInTrash(Some(kind)));
                };
                (self.node(marked).mark.expect("marked"), Some((id, marked)))
            }
        };
        if !self.record_visible(c, rid) {
            return Err(Refusal::NotInTrash(None));
        }
        let record = self.records[&rid].clone();
        if !self.may_restore(c, &record) {
            return Err(Refusal::AccessDenied);
        }
        let placement = match selected {
            None => {
                let mut first = None;
                for m in self.marked_by(rid) {
                    match self.place_marked(c, rid, m, opts)? {
                        Placement::Done(r) => {
                            first.get_or_insert(r);
                        }
                        skipped => return Ok(skipped),
                    }
                }
                Placement::Done(first.ok_or(Refusal::NotInTrash(Some(record.kind)))?)
            }
            Some((n, m)) if n == m => self.place_marked(c, rid, n, opts)?,
            Some((n, m)) => self.extract(c, rid, m, n, opts)?,
        };
        if let Placement::Done(_) = placement {
            if self.marked_by(rid).is_empty() {
                self.records.remove(&rid);
            } else {
                self.refresh(rid);
            }
        }
        Ok(placement)
    }

    fn place_marked(&mut self, c: Caller, rid: RecordId, m: NodeId, opts: &RestoreOptions) -> Res<Placement> {
        let parent = self.target_for(c, rid, m, opts)?;
        self.put(c, m, parent, opts.on_conflict)
    }

    fn live_target(&self, c: Caller, id: NodeId) -> Res<NodeId> {
        if self.is_live(id) && self.node(id).kind.is_container() && self.visible(c, id) {
            Ok(id)
        } else {
            Err(Refusal::TargetNotFound)
        }
    }

    /// The folder a marked node goes back into (`None`: the top level).
    fn target_for(&mut self, c: Caller, rid: RecordId, m: NodeId, opts: &RestoreOptions) -> Res<Option<NodeId>> {
        if self.node(m).kind == NodeKind::Library {
            if let Target::Folder(_) = opts.target {
                return Err(Refusal::InvalidTarget);
            }
            return if c.admin {
                Ok(None)
            } else {
                Err(Refusal::InsufficientRights)
            };
        }
        if let Target::Folder(f) = opts.target {
            return self.live_target(c, f).map(Some);
        }
        if let Some(p) = self.node(m).parent {
            if self.is_live(p) {
                return Ok(Some(p));
            }
        }
        match opts.missing_parent {
            MissingParent::Error => Err(Refusal::ParentMissing),
            MissingParent::Fallback(f) => self.live_target(c, f).map(Some),
            MissingParent::Recreate => {
                let names: Vec<String> = if m == self.records[&rid].root {
                    let mut names: Vec<String> = self.records[&rid]
                        .original_path
                        .split('/')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect();
                    names.pop();
                    names
                } else if self.node(m).parent.is_none() {
                    // Detached by a purge: back into the folder its deletion took away.
                    self.records[&rid]
                        .original_path
                        .split('/')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                } else {
                    let mut chain = self.chain(m);
                    chain.remove(0);
                    chain.iter().rev().map(|i| self.node(*i).name.clone()).collect()
                };
                if names.is_empty() {
                    return Err(Refusal::ParentMissing);
                }
                self.ensure_path(c, &names).map(Some)
            }
        }
    }

    fn ensure_path(&mut self, c: Caller, names: &[String]) -> Res<NodeId> {
        let mut parent: Option<NodeId> = None;
        for segment in names {
            let next = match self.unmarked_child(parent, &key(segment)) {
                Some(n) if self.node(n).kind.is_container() && self.visible(c, n) => n,
                Some(_) => return Err(Refusal::NameConflict(segment.clone())),
                None => {
                    let kind = if parent.is_none() {
                        if !c.admin {
                            return Err(Refusal::PermissionDenied);
                        }
                        NodeKind::Library
                    } else {
                        NodeKind::Folder
                    };
                    self.insert_child(c, parent, kind, segment)?
                }
            };
            parent = Some(next);
        }
        Ok(parent.expect("at least one name"))
    }

    fn put(&mut self, c: Caller, id: NodeId, parent: Option<NodeId>, on_conflict: OnConflict) -> Res<Placement> {
        if let Some(p) = parent {
            if !self.node(p).kind.is_container() || self.path(p).starts_with(&self.path(id)) {
                return Err(Refusal::InvalidTarget);
            }
            if !self.right(c, p).can_add() {
                return Err(Refusal::InsufficientRights);
            }
        }
        // Anywhere but where it was, a restore may not make readable what was not.
        if parent != self.node(id).parent && !c.admin {
            let hidden_below = self
                .nodes
                .iter()
                .any(|(x, n)| *x != id && n.acl.is_some() && self.chain(*x).contains(&id) && !self.visible(c, *x));
            if !self.right(c, id).can_read() || hidden_below {
                return Err(Refusal::WouldGrantAccess);
            }
        }
        let name = self.node(id).name.clone();
        let Some(new_name) = self.free_name(parent, id, &name, on_conflict)? else {
            return Ok(Placement::Skipped(Refusal::NameConflict(name)));
        };
        let n = self.node_mut(id);
        if parent.is_some() {
            n.parent = parent;
        }
        n.name = new_name.clone();
        n.mark = None;
        let kind = n.kind;
        Ok(Placement::Done(MRestored {
            node_id: id,
            kind,
            path: self.name_path(id),
            renamed_from: (new_name != name).then_some(name),
            name: new_name,
        }))
    }

    fn name_taken(&self, parent: Option<NodeId>, candidate: &str, me: NodeId) -> bool {
        self.unmarked_child(parent, &key(candidate)).is_some_and(|c| c != me)
    }

    fn free_name(&self, parent: Option<NodeId>, me: NodeId, name: &str, policy: OnConflict) -> Res<Option<String>> {
        if !self.name_taken(parent, name, me) {
            return Ok(Some(name.to_owned()));
        }
        match policy {
            OnConflict::Fail => Err(Refusal::NameConflict(name.to_owned())),
            OnConflict::Skip => Ok(None),
            OnConflict::Rename => {
                for n in 1..=10_000 {
                    let candidate = restored_candidate(name, n);
                    valid_name(&candidate)?;
                    if !self.name_taken(parent, &candidate, me) {
                        return Ok(Some(candidate));
                    }
                }
                Err(Refusal::NameConflict(name.to_owned()))
            }
        }
    }

    /// One item out of a trashed folder (rule 5).
    fn extract(
        &mut self,
        c: Caller,
        rid: RecordId,
        marked: NodeId,
        id: NodeId,
        opts: &RestoreOptions,
    ) -> Res<Placement> {
        let fallback = match (&opts.target, opts.missing_parent) {
            (Target::Folder(t), _) => Some(*t),
            (Target::Path(_), _) => unreachable!("the model names target folders by id"),
            (Target::Original, MissingParent::Fallback(f)) => Some(f),
            (Target::Original, MissingParent::Error) => return Err(Refusal::ParentMissing),
            (Target::Original, MissingParent::Recreate) => None,
        };
        if let Some(f) = fallback {
            let p = self.live_target(c, f)?;
            return self.put(c, id, Some(p), opts.on_conflict);
        }
        let mut chain = self.chain(id);
        chain.reverse();
        let start = chain.iter().position(|x| *x == marked).expect("marked is an ancestor");
        for pair in chain[start..].windows(2) {
            for child in self.children(Some(pair[0])) {
                if child != pair[1] && self.node(child).mark.is_none() {
                    self.node_mut(child).mark = Some(rid);
                }
            }
        }
        let chain_opts = RestoreOptions {
            target: Target::Original,
            missing_parent: MissingParent::Recreate,
            ..opts.clone()
        };
        match self.place_marked(c, rid, marked, &chain_opts)? {
            Placement::Done(_) => {
                let n = self.node(id);
                Ok(Placement::Done(MRestored {
                    node_id: id,
                    kind: n.kind,
                    name: n.name.clone(),
                    path: self.name_path(id),
                    renamed_from: None,
                }))
            }
            skipped => Ok(skipped),
        }
    }

    pub(super) fn purge(&mut self, c: Caller, items: &[TrashItem]) -> Res<Vec<Res<RecordId>>> {
        if !c.admin {
            return Err(Refusal::PermissionDenied);
        }
        Ok(items.iter().map(|item| self.purge_item(*item)).collect())
    }

    fn purge_item(&mut self, item: TrashItem) -> Res<RecordId> {
        let rid = match item {
            TrashItem::Record(id) => {
                if !self.records.contains_key(&id) {
                    return Err(Refusal::NotInTrash(None));
                }
                id
            }
            TrashItem::Node(id) => {
                let Some(n) = self.nodes.get(&id) else {
                    return Err(Refusal::NotInTrash(None));
                };
                let Some(rid) = n.mark else {
                    return Err(Refusal::InvalidInput);
                };
                rid
            }
        };
        self.purge_record(rid);
        Ok(rid)
    }

    /// Removes a record and its members; items deleted earlier on their own inside it are
    /// detached (left without a parent) and kept with their own records.
    fn purge_record(&mut self, rid: RecordId) {
        for m in self.marked_by(rid) {
            let mut stack = self.children(Some(m));
            while let Some(x) = stack.pop() {
                match self.node(x).mark {
                    Some(r) if r == rid => {}
                    Some(_) => {
                        // Cut off from its folders, it keeps the access list it inherited.
                        if self.node(x).acl.is_none() {
                            let inherited = self.chain(x)[1..].iter().find_map(|a| self.node(*a).acl.clone());
                            self.node_mut(x).acl = inherited;
                        }
                        self.node_mut(x).parent = None;
                    }
                    None => stack.extend(self.children(Some(x))),
                }
            }
            let mut doomed = vec![m];
            let mut i = 0;
            while i < doomed.len() {
                doomed.extend(self.children(Some(doomed[i])));
                i += 1;
            }
            for x in doomed {
                let n = self.nodes.remove(&x).expect("doomed node");
                for v in n.versions {
                    let blob = self.blobs.get_mut(v).expect("blob of a version");
                    blob.refcount -= 1;
                    if blob.refcount <= 0 {
                        blob.zero_since = Some(self.now);
                    }
                }
            }
        }
        self.records.remove(&rid);
    }

    pub(super) fn empty(&mut self, c: Caller, everyone: bool) -> Res<u64> {
        if everyone && !c.admin {
            return Err(Refusal::PermissionDenied);
        }
        let now = self.now;
        // One's own deletions from places one may no longer see stay where they are.
        let due: Vec<RecordId> = self
            .records
            .iter()
            .filter(|(_, r)| r.stage == Stage::UserBin)
            .filter(|(rid, r)| everyone || (r.deleted_by == c.id && self.record_visible(c, **rid)))
            .map(|(rid, _)| *rid)
            .collect();
        for rid in &due {
            let r = self.records.get_mut(rid).expect("record");
            r.stage = Stage::SystemBin;
            r.stage_changed_at = now;
        }
        Ok(due.len() as u64)
    }

    /// (moved to the system bin, purged, blobs removed)
    pub(super) fn sweep(&mut self) -> (u64, u64, u64) {
        let now = self.now;
        let (mut moved, mut purged, mut removed) = (0, 0, 0);
        if self.params.user_bin_days > 0 {
            let before = now - Duration::days(self.params.user_bin_days.into());
            for r in self.records.values_mut() {
                if r.stage == Stage::UserBin && r.deleted_at < before {
                    r.stage = Stage::SystemBin;
                    r.stage_changed_at = now;
                    moved += 1;
                }
            }
        }
        if self.params.system_bin_days > 0 {
            let before = now - Duration::days(self.params.system_bin_days.into());
            let mut due: Vec<(DateTime<Utc>, RecordId)> = self
                .records
                .iter()
                .filter(|(_, r)| r.stage == Stage::SystemBin && r.stage_changed_at < before)
                .map(|(id, r)| (r.stage_changed_at, *id))
                .collect();
            due.sort();
            for (_, rid) in due {
                self.purge_record(rid);
                purged += 1;
            }
        }
        let before = now - Duration::hours(GRACE_HOURS);
        self.blobs.retain(|_, b| {
            let dead = b.refcount <= 0 && b.zero_since.is_some_and(|z| z < before);
            removed += u64::from(dead);
            !dead
        });
        (moved, purged, removed)
    }
}
