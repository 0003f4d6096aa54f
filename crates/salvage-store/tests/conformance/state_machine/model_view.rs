//! Picking targets for a step among every id the model knows, and what the repository must show
//! (the live tree and the trash records as lines to compare).

use super::*;

impl Model {
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

    fn entangled(&self, rid: RecordId) -> bool {
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
            only: None,
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
