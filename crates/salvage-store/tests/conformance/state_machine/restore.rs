//! The model's trash: restores (every target, missing parent and conflict policy), purges,
//! emptying, the retention sweep; and how a step picks its targets.

use super::*;

impl Model {
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
            let outcome = match self.restore_item(c, item, opts) {
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

    pub(super) fn restore_item(&mut self, c: Caller, item: TrashItem, opts: RestoreOptions) -> Res<Placement> {
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

    pub(super) fn place_marked(&mut self, c: Caller, rid: RecordId, m: NodeId, opts: RestoreOptions) -> Res<Placement> {
        let parent = self.target_for(c, rid, m, opts)?;
        self.put(c, m, parent, opts.on_conflict)
    }

    pub(super) fn live_target(&self, c: Caller, id: NodeId) -> Res<NodeId> {
        if self.is_live(id) && self.node(id).kind.is_container() && self.visible(c, id) {
            Ok(id)
        } else {
            Err(Refusal::TargetNotFound)
        }
    }

    /// The folder a marked node goes back into (`None`: the top level).
    pub(super) fn target_for(
        &mut self,
        c: Caller,
        rid: RecordId,
        m: NodeId,
        opts: RestoreOptions,
    ) -> Res<Option<NodeId>> {
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

    pub(super) fn ensure_path(&mut self, c: Caller, names: &[String]) -> Res<NodeId> {
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

    pub(super) fn put(
        &mut self,
        c: Caller,
        id: NodeId,
        parent: Option<NodeId>,
        on_conflict: OnConflict,
    ) -> Res<Placement> {
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

    pub(super) fn name_taken(&self, parent: Option<NodeId>, candidate: &str, me: NodeId) -> bool {
        self.unmarked_child(parent, &key(candidate)).is_some_and(|c| c != me)
    }

    pub(super) fn free_name(
        &self,
        parent: Option<NodeId>,
        me: NodeId,
        name: &str,
        policy: OnConflict,
    ) -> Res<Option<String>> {
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
    pub(super) fn extract(
        &mut self,
        c: Caller,
        rid: RecordId,
        marked: NodeId,
        id: NodeId,
        opts: RestoreOptions,
    ) -> Res<Placement> {
        let fallback = match (opts.target, opts.missing_parent) {
            (Target::Folder(t), _) => Some(t),
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
            ..opts
        };
        match self.place_marked(c, rid, marked, chain_opts)? {
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

    pub(super) fn purge_item(&mut self, item: TrashItem) -> Res<RecordId> {
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
    pub(super) fn purge_record(&mut self, rid: RecordId) {
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

    // --- picking targets ---

    pub(super) fn pick(&self, p: Pick) -> NodeId {
        let all: Vec<NodeId> = (1..self.next_node).collect();
        let list: Vec<NodeId> = match p.0 {
            Pool::Live => self.nodes.keys().copied().filter(|i| self.is_live(*i)).collect(),
            Pool::LiveContainer => self
                .nodes
                .keys()
                .copied()
                .filter(|i| self.is_live(*i) && self.node(*i).kind.is_container())
                .collect(),
            Pool::Trashed => self.nodes.keys().copied().filter(|i| !self.is_live(*i)).collect(),
            Pool::InsideTrash => self
                .nodes
                .iter()
                .filter(|(i, n)| n.mark.is_none() && !self.is_live(**i))
                .map(|(i, _)| *i)
                .collect(),
            Pool::TrashEdge => {
                let mut edge: Vec<NodeId> = self
                    .nodes
                    .keys()
                    .filter(|i| !self.is_live(**i))
                    .filter_map(|i| self.nearest_live_ancestor(*i))
                    .collect();
                edge.sort();
                edge.dedup();
                if edge.is_empty() {
                    return self.pick(Pick(Pool::LiveContainer, p.1, p.2));
                }
                edge
            }
            Pool::Any => all.clone(),
            Pool::Bogus => return BOGUS,
        };
        let fallback = match p.0 {
            Pool::InsideTrash => self.pick(Pick(Pool::Trashed, p.1, p.2)),
            _ => BOGUS,
        };
        let list = match (list.is_empty(), fallback) {
            (false, _) => list,
            (true, BOGUS) => all,
            (true, id) => return id,
        };
        let n = match p.1 {
            Spread::Few => list.len().min(4),
            Spread::All => list.len(),
        };
        if list.is_empty() {
            BOGUS
        } else {
            list[p.2.index(n)]
        }
    }

    pub(super) fn entangled(&self, rid: RecordId) -> bool {
        let marked = self.marked_by(rid);
        marked.len() > 1
            || marked.iter().any(|m| {
                let n = self.node(*m);
                (n.parent.is_none() && n.kind != NodeKind::Library)
                    || self.chain(*m)[1..].iter().any(|a| self.node(*a).mark.is_some())
                    || self
                        .members(*m)
                        .iter()
                        .any(|x| self.children(Some(*x)).iter().any(|c| self.node(*c).mark.is_some()))
            })
    }

    pub(super) fn nearest_live_ancestor(&self, id: NodeId) -> Option<NodeId> {
        if !self.nodes.contains_key(&id) {
            return None;
        }
        self.chain(id).into_iter().skip(1).find(|a| self.is_live(*a))
    }

    pub(super) fn pick_item(&self, c: Caller, p: ItemPick) -> TrashItem {
        match p {
            ItemPick::Node(p) => TrashItem::Node(self.pick(p)),
            ItemPick::Record(pool, i) => {
                let all: Vec<RecordId> = (1..self.next_record).collect();
                let list: Vec<RecordId> = match pool {
                    RecPool::Mine => self
                        .records
                        .iter()
                        .filter(|(_, r)| c.admin || r.deleted_by == c.id)
                        .map(|(id, _)| *id)
                        .collect(),
                    RecPool::Current => self.records.keys().copied().collect(),
                    RecPool::Entangled => self.records.keys().copied().filter(|r| self.entangled(*r)).collect(),
                    RecPool::Any => all.clone(),
                    RecPool::Bogus => return TrashItem::Record(BOGUS),
                };
                if list.is_empty() {
                    if let RecPool::Mine | RecPool::Entangled = pool {
                        return self.pick_item(c, ItemPick::Record(RecPool::Current, i));
                    }
                }
                let list = if list.is_empty() { all } else { list };
                TrashItem::Record(if list.is_empty() {
                    BOGUS
                } else {
                    list[i.index(list.len())]
                })
            }
        }
    }

    pub(super) fn pick_opts(&self, o: OptsPick) -> RestoreOptions {
        RestoreOptions {
            target: match o.target {
                TargetPick::Original => Target::Original,
                TargetPick::Folder(p) => Target::Folder(self.pick(p)),
            },
            missing_parent: match o.missing {
                MissingPick::Error => MissingParent::Error,
                MissingPick::Recreate => MissingParent::Recreate,
                MissingPick::Fallback(p) => MissingParent::Fallback(self.pick(p)),
            },
            on_conflict: o.conflict,
            all_or_nothing: o.all_or_nothing,
        }
    }

    // --- what the repository must show ---

    /// The live tree, depth first, children by name key: one line per node.
    pub(super) fn tree_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut libs: Vec<NodeId> = self.children(None).into_iter().filter(|i| self.is_live(*i)).collect();
        libs.sort_by_key(|i| key(&self.node(*i).name));
        for lib in libs {
            self.walk(lib, &mut out);
        }
        out
    }

    pub(super) fn walk(&self, id: NodeId, out: &mut Vec<String>) {
        let n = self.node(id);
        let content = (n.kind == NodeKind::Document).then(|| n.versions.last().copied().unwrap_or_default());
        out.push(node_line(
            &self.name_path(id),
            id,
            n.kind,
            n.versions.len() as i64,
            self.size(id),
            content,
        ));
        let mut kids: Vec<NodeId> = self
            .children(Some(id))
            .into_iter()
            .filter(|c| self.node(*c).mark.is_none())
            .collect();
        kids.sort_by_key(|c| key(&self.node(*c).name));
        for c in kids {
            self.walk(c, out);
        }
    }

    /// Trash records newest first, as `trash` lists them.
    pub(super) fn sorted_records(&self, by: Option<UserId>) -> Vec<(RecordId, &MRecord)> {
        let mut v: Vec<(RecordId, &MRecord)> = self
            .records
            .iter()
            .filter(|(_, r)| by.is_none_or(|u| r.deleted_by == u))
            .map(|(id, r)| (*id, r))
            .collect();
        v.sort_by_key(|(id, r)| std::cmp::Reverse((r.deleted_at, *id)));
        v
    }

    pub(super) fn record_lines(&self) -> Vec<String> {
        self.sorted_records(None)
            .into_iter()
            .map(|(id, r)| record_line(id, r))
            .collect()
    }
}

pub(super) fn node_line(
    path: &str,
    id: NodeId,
    kind: NodeKind,
    versions: i64,
    size: i64,
    content: Option<&str>,
) -> String {
    match content {
        Some(c) => format!("{path} #{id} {} v{versions} {size}B {c:?}", kind.as_str()),
        None => format!("{path} #{id} {}", kind.as_str()),
    }
}

pub(super) fn record_line(id: RecordId, r: &MRecord) -> String {
    format!(
        "record {id}: root #{} {} {:?} from {:?} (parent {:?}) by user {} at {} | {} items {}B | {:?} since {}",
        r.root,
        r.kind.as_str(),
        r.name,
        r.original_path,
        r.original_parent,
        r.deleted_by,
        r.deleted_at,
        r.item_count,
        r.total_size,
        r.stage,
        r.stage_changed_at,
    )
}

/// The repository's record in the model's terms.
pub(super) fn model_record(r: &TrashRecord) -> MRecord {
    MRecord {
        root: r.root_node_id,
        kind: r.kind,
        name: r.name.clone(),
        original_parent: r.original_parent_id,
        original_path: r.original_path.clone(),
        deleted_by: r.deleted_by,
        deleted_at: r.deleted_at,
        item_count: r.item_count,
        total_size: r.total_size,
        stage: r.stage,
        stage_changed_at: r.stage_changed_at,
    }
}

pub(super) fn outcome_of(o: &Outcome) -> MOutcome {
    match o {
        Outcome::Restored(r) => MOutcome::Restored(MRestored {
            node_id: r.node_id,
            kind: r.kind,
            name: r.name.clone(),
            path: r.path.clone(),
            renamed_from: r.renamed_from.clone(),
        }),
        Outcome::Skipped(e) => MOutcome::Skipped(refusal(e)),
        Outcome::Failed(e) => MOutcome::Failed(refusal(e)),
    }
}
