//! A state-machine test of the trash contract (DESIGN.md §2–3) and the visibility rule (§3 rule
//! 12).
//!
//! proptest generates random sequences of operations by the administrator and three ordinary
//! users (one of them may only read the `Shared` folder, another may only drop new items into
//! it): set and drop access lists, create libraries and folders, upload documents and new
//! versions, move, rename, delete,
//! restore (whole deletions or single items inside trashed folders, with every target, missing
//! parent and conflict policy, alone or in batches), preflight, purge, empty, and advance the
//! clock followed by a retention sweep. Operations pick their targets among every id the model
//! knows, live, trashed or purged, so refusals are exercised as much as successes.
//!
//! A plain in-memory model (a tree of nodes with parent, name, kind, versions, trash mark and
//! access list, plus the trash records) predicts every outcome, down to the ids the repository
//! hands out (ids are never reused, so the next one is always known). After every step the
//! test checks that `check` finds no violation, that the live tree (walked with `children`,
//! contents read with `open_version`) and the trash listings equal the model's, that `node`,
//! `descendants` and `resolve` agree with it, and that the outcome was the predicted one. Each
//! user's own view — the libraries, everything below them (`descendants`), the trash listing
//! and each deletion's contents — must hold exactly what the model says that user may see, so
//! no listing, preflight or restore ever shows or gives a user anything hidden from them.

use crate::support::*;
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use salvage_core::acl::{AclEntry, Principal, Right};
use salvage_core::model::*;
use salvage_core::store::{TrashFilter, TrashSort};
use salvage_core::trash::{BatchReport, MissingParent, OnConflict, Outcome, RestoreOptions, Target, TrashItem};
use salvage_core::Error;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use tokio::io::AsyncReadExt;

// --- what proptest generates ------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Admin,
    /// Full control in `Shared`.
    U1,
    /// May only add items in `Shared` (a drop box).
    U2,
    /// May only read in `Shared`.
    U3,
}

/// Which ids a pick chooses among, resolved against the model when the step runs.
#[derive(Debug, Clone, Copy)]
enum Pool {
    Live,
    LiveContainer,
    /// Nodes that exist but are not live (trashed, or inside something trashed).
    Trashed,
    /// Unmarked nodes inside something trashed (what single-item restore takes out).
    InsideTrash,
    /// Live folders and libraries closest to something trashed (where it came from).
    TrashEdge,
    /// Every node id ever handed out, purged ones included.
    Any,
    /// An id that never existed.
    Bogus,
}

/// `Few` chooses among the first (oldest) four of the pool only, so that items meet in the same
/// folders and their names clash.
#[derive(Debug, Clone, Copy)]
enum Spread {
    Few,
    All,
}

#[derive(Debug, Clone, Copy)]
struct Pick(Pool, Spread, Index);

#[derive(Debug, Clone, Copy)]
enum RecPool {
    /// Records the caller deleted (every record, for the administrator).
    Mine,
    /// Records that mark several nodes, are nested in or hold another deletion, or were left
    /// without a parent by a purge.
    Entangled,
    Current,
    Any,
    Bogus,
}

#[derive(Debug, Clone, Copy)]
enum ItemPick {
    Record(RecPool, Index),
    Node(Pick),
}

#[derive(Debug, Clone, Copy)]
enum TargetPick {
    Original,
    Folder(Pick),
}

#[derive(Debug, Clone, Copy)]
enum MissingPick {
    Error,
    Recreate,
    Fallback(Pick),
}

#[derive(Debug, Clone, Copy)]
struct OptsPick {
    target: TargetPick,
    missing: MissingPick,
    conflict: OnConflict,
    all_or_nothing: bool,
}

#[derive(Debug, Clone)]
enum Op {
    CreateLibrary {
        who: Who,
        name: &'static str,
    },
    CreateFolder {
        who: Who,
        parent: Pick,
        name: &'static str,
    },
    Upload {
        who: Who,
        parent: Pick,
        name: &'static str,
        content: &'static str,
    },
    /// Someone creates a new item under a trashed item's name in the nearest live folder
    /// above it (where it came from): an upload, or a new folder for a trashed folder.
    Reoccupy {
        who: Who,
        trashed: Pick,
        content: &'static str,
    },
    Move {
        who: Who,
        node: Pick,
        to: Pick,
    },
    Rename {
        who: Who,
        node: Pick,
        name: &'static str,
    },
    Delete {
        who: Who,
        node: Pick,
    },
    Restore {
        who: Who,
        items: Vec<ItemPick>,
        opts: OptsPick,
    },
    Preflight {
        who: Who,
        items: Vec<ItemPick>,
        opts: OptsPick,
    },
    Purge {
        who: Who,
        items: Vec<ItemPick>,
    },
    Empty {
        who: Who,
        everyone: bool,
    },
    /// Advance the clock, then run one retention sweep.
    Sweep {
        hours: i64,
    },
    /// Give a folder an access list of its own, or let it inherit again.
    SetAcl {
        who: Who,
        folder: Pick,
        /// `None`: inherit; otherwise the rights of u1, u2 and u3 (no entry for `None`).
        acl: Option<[Option<Right>; 3]>,
    },
}

/// Per-case tenant settings.
#[derive(Debug, Clone, Copy)]
struct Params {
    user_bin_days: u32,
    system_bin_days: u32,
    names_reserved: bool,
    policy: RestorePolicy,
}

const BOGUS: i64 = 987_654;

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        4 => Just(Who::Admin),
        2 => Just(Who::U1),
        2 => Just(Who::U2),
        2 => Just(Who::U3),
    ]
}

/// Mostly valid names that clash often (case-insensitively, and with the "(restored)" series),
/// sometimes invalid ones.
fn name() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        12 => prop::sample::select(vec![
            "a", "A", "b", "b", "c.txt", "c.txt", "C.TXT", "c (restored).txt", "d.x.y", "Shared",
        ]),
        1 => prop::sample::select(vec!["", "x/y", " pad"]),
    ]
}

fn library_name() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["Alpha", "beta", "Gamma", "a", "c.txt", ""])
}

/// Contents of different sizes (one empty) shared between documents, so blobs are shared too.
fn content() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", "1", "22", "333", "4444"])
}

fn pick(main: Pool) -> impl Strategy<Value = Pick> {
    (
        prop_oneof![
            12 => Just(main),
            2 => Just(Pool::Any),
            1 => Just(Pool::Bogus),
        ],
        prop_oneof![Just(Spread::Few), Just(Spread::All)],
        any::<Index>(),
    )
        .prop_map(|(pool, spread, i)| Pick(pool, spread, i))
}

fn item() -> impl Strategy<Value = ItemPick> {
    prop_oneof![
        6 => (
            prop_oneof![
                8 => Just(RecPool::Mine),
                3 => Just(RecPool::Entangled),
                4 => Just(RecPool::Current),
                1 => Just(RecPool::Any),
                1 => Just(RecPool::Bogus)
            ],
            any::<Index>()
        )
            .prop_map(|(p, i)| ItemPick::Record(p, i)),
        4 => pick(Pool::InsideTrash).prop_map(ItemPick::Node),
        2 => pick(Pool::Trashed).prop_map(ItemPick::Node),
        1 => pick(Pool::Live).prop_map(ItemPick::Node),
    ]
}

fn items() -> impl Strategy<Value = Vec<ItemPick>> {
    prop_oneof![
        4 => prop::collection::vec(item(), 1..=1),
        1 => prop::collection::vec(item(), 2..=3),
    ]
}

fn opts() -> impl Strategy<Value = OptsPick> {
    let folder = || prop_oneof![pick(Pool::LiveContainer), pick(Pool::TrashEdge)];
    let target = prop_oneof![
        3 => Just(TargetPick::Original),
        2 => folder().prop_map(TargetPick::Folder),
    ];
    let missing = prop_oneof![
        1 => Just(MissingPick::Error),
        2 => Just(MissingPick::Recreate),
        1 => folder().prop_map(MissingPick::Fallback),
    ];
    let conflict = prop_oneof![Just(OnConflict::Fail), Just(OnConflict::Rename), Just(OnConflict::Skip)];
    (target, missing, conflict, prop::bool::weighted(0.2)).prop_map(|(target, missing, conflict, all_or_nothing)| {
        OptsPick {
            target,
            missing,
            conflict,
            all_or_nothing,
        }
    })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (library_name()).prop_map(|name| Op::CreateLibrary { who: Who::Admin, name }),
        1 => (who(), library_name()).prop_map(|(who, name)| Op::CreateLibrary { who, name }),
        10 => (who(), pick(Pool::LiveContainer), name())
            .prop_map(|(who, parent, name)| Op::CreateFolder { who, parent, name }),
        15 => (who(), pick(Pool::LiveContainer), name(), content())
            .prop_map(|(who, parent, name, content)| Op::Upload { who, parent, name, content }),
        5 => (who(), pick(Pool::Trashed), content())
            .prop_map(|(who, trashed, content)| Op::Reoccupy { who, trashed, content }),
        6 => (who(), pick(Pool::Live), pick(Pool::LiveContainer))
            .prop_map(|(who, node, to)| Op::Move { who, node, to }),
        5 => (who(), pick(Pool::Live), name()).prop_map(|(who, node, name)| Op::Rename { who, node, name }),
        12 => (who(), pick(Pool::Live)).prop_map(|(who, node)| Op::Delete { who, node }),
        // Deleting the folder an item was deleted from nests deletions.
        6 => (who(), pick(Pool::TrashEdge)).prop_map(|(who, node)| Op::Delete { who, node }),
        15 => (who(), items(), opts()).prop_map(|(who, items, opts)| Op::Restore { who, items, opts }),
        4 => (who(), items(), opts()).prop_map(|(who, items, opts)| Op::Preflight { who, items, opts }),
        2 => items().prop_map(|items| Op::Purge { who: Who::Admin, items }),
        1 => (who(), items()).prop_map(|(who, items)| Op::Purge { who, items }),
        3 => (who(), prop::bool::weighted(0.3)).prop_map(|(who, everyone)| Op::Empty { who, everyone }),
        4 => prop::sample::select(vec![0i64, 1, 1, 3, 3, 12, 23, 25, 49]).prop_map(|hours| Op::Sweep { hours }),
        2 => (pick(Pool::LiveContainer), acl()).prop_map(|(folder, acl)| Op::SetAcl { who: Who::Admin, folder, acl }),
        1 => (who(), pick(Pool::LiveContainer), acl()).prop_map(|(who, folder, acl)| Op::SetAcl { who, folder, acl }),
        // Deletions from folders that are then hidden.
        1 => (pick(Pool::TrashEdge), acl()).prop_map(|(folder, acl)| Op::SetAcl { who: Who::Admin, folder, acl }),
    ]
}

fn acl() -> impl Strategy<Value = Option<[Option<Right>; 3]>> {
    let right = prop_oneof![
        2 => Just(None),
        1 => Just(Some(Right::NoAccess)),
        1 => Just(Some(Right::List)),
        1 => Just(Some(Right::Read)),
        1 => Just(Some(Right::Add)),
        2 => Just(Some(Right::Change)),
        1 => Just(Some(Right::FullControl)),
    ];
    prop_oneof![
        1 => Just(None),
        3 => [right.clone(), right.clone(), right].prop_map(Some),
    ]
}

fn params() -> impl Strategy<Value = Params> {
    (
        prop::sample::select(vec![0u32, 1, 2]),
        prop::sample::select(vec![0u32, 1, 2]),
        prop::bool::weighted(0.3),
        prop_oneof![
            3 => Just(RestorePolicy::DeleterOrAdministrator),
            1 => Just(RestorePolicy::AnyTrashRole),
        ],
    )
        .prop_map(|(user_bin_days, system_bin_days, names_reserved, policy)| Params {
            user_bin_days,
            system_bin_days,
            names_reserved,
            policy,
        })
}

// --- the model --------------------------------------------------------------------------------

/// Why an operation is refused, as far as the test tells refusals apart.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    NotFound,
    InvalidName,
    InvalidInput,
    NameConflict(String),
    PermissionDenied,
    AccessDenied,
    InsufficientRights,
    NotInTrash(Option<NodeKind>),
    ParentMissing,
    TargetNotFound,
    InvalidTarget,
    WouldGrantAccess,
    /// Never predicted: storage and blob failures, authentication.
    Other(String),
}

fn refusal(e: &Error) -> Refusal {
    match e {
        Error::NotFound(_) => Refusal::NotFound,
        Error::InvalidName { .. } => Refusal::InvalidName,
        Error::InvalidInput(_) => Refusal::InvalidInput,
        Error::NameConflict(n) => Refusal::NameConflict(n.clone()),
        Error::PermissionDenied(_) => Refusal::PermissionDenied,
        Error::AccessDenied => Refusal::AccessDenied,
        Error::InsufficientRights => Refusal::InsufficientRights,
        Error::NotInTrash(k) => Refusal::NotInTrash(*k),
        Error::OriginalLocationMissing => Refusal::ParentMissing,
        Error::TargetNotFound => Refusal::TargetNotFound,
        Error::InvalidTarget(_) => Refusal::InvalidTarget,
        Error::WouldGrantAccess(_) => Refusal::WouldGrantAccess,
        other => Refusal::Other(format!("{other:?}")),
    }
}

type Res<T> = std::result::Result<T, Refusal>;

/// Who calls, as the model sees it.
#[derive(Debug, Clone, Copy)]
struct Caller {
    id: UserId,
    admin: bool,
}

#[derive(Debug, Clone)]
struct MNode {
    parent: Option<NodeId>,
    kind: NodeKind,
    name: String,
    /// Contents of every version, oldest first.
    versions: Vec<&'static str>,
    mark: Option<RecordId>,
    /// An access list of its own: (user, right).
    acl: Option<Vec<(UserId, Right)>>,
}

#[derive(Debug, Clone)]
struct MRecord {
    root: NodeId,
    kind: NodeKind,
    name: String,
    original_parent: Option<NodeId>,
    original_path: String,
    deleted_by: UserId,
    deleted_at: DateTime<Utc>,
    item_count: i64,
    total_size: i64,
    stage: Stage,
    stage_changed_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
struct MBlob {
    refcount: i64,
    zero_since: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct MRestored {
    node_id: NodeId,
    kind: NodeKind,
    name: String,
    path: String,
    renamed_from: Option<String>,
}

enum Placement {
    Done(MRestored),
    Skipped(Refusal),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum MOutcome {
    Restored(MRestored),
    Skipped(Refusal),
    Failed(Refusal),
}

#[derive(Debug, Clone)]
struct Model {
    nodes: BTreeMap<NodeId, MNode>,
    records: BTreeMap<RecordId, MRecord>,
    /// By content (the test's contents stand for their hashes).
    blobs: BTreeMap<&'static str, MBlob>,
    next_node: NodeId,
    next_record: RecordId,
    now: DateTime<Utc>,
    params: Params,
}

fn key(name: &str) -> String {
    salvage_core::name::key(name)
}

fn valid_name(name: &str) -> Res<()> {
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
fn restored_candidate(name: &str, n: u32) -> String {
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
    fn node(&self, id: NodeId) -> &MNode {
        &self.nodes[&id]
    }

    fn node_mut(&mut self, id: NodeId) -> &mut MNode {
        self.nodes.get_mut(&id).expect("model node")
    }

    /// The node and its ancestors, itself first.
    fn chain(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            out.push(c);
            cur = self.node(c).parent;
        }
        out
    }

    /// The materialized id path `/lib/.../id/`.
    fn path(&self, id: NodeId) -> String {
        let ids: Vec<String> = self.chain(id).iter().rev().map(|i| i.to_string()).collect();
        format!("/{}/", ids.join("/"))
    }

    fn name_path(&self, id: NodeId) -> String {
        let names: Vec<&str> = self
            .chain(id)
            .iter()
            .rev()
            .map(|i| self.node(*i).name.as_str())
            .collect();
        format!("/{}", names.join("/"))
    }

    fn is_live(&self, id: NodeId) -> bool {
        if !self.nodes.contains_key(&id) {
            return false;
        }
        let chain = self.chain(id);
        let top = *chain.last().expect("chain");
        chain.iter().all(|c| self.node(*c).mark.is_none()) && self.node(top).kind == NodeKind::Library
    }

    fn children(&self, parent: Option<NodeId>) -> Vec<NodeId> {
        self.nodes
            .iter()
            .filter(|(_, n)| n.parent == parent)
            .map(|(id, _)| *id)
            .collect()
    }

    fn unmarked_child(&self, parent: Option<NodeId>, name_key: &str) -> Option<NodeId> {
        self.nodes
            .iter()
            .find(|(_, n)| n.parent == parent && n.mark.is_none() && key(&n.name) == name_key)
            .map(|(id, _)| *id)
    }

    /// A trashed item waiting in `parent` under that name (for reserved names). At the top
    /// level only trashed libraries count: items left without a folder by a purge (detached)
    /// were never there and never come back there.
    fn marked_child_exists(&self, parent: Option<NodeId>, name_key: &str) -> bool {
        self.nodes.values().any(|n| {
            n.parent == parent
                && n.mark.is_some()
                && key(&n.name) == name_key
                && (parent.is_some() || n.kind == NodeKind::Library)
        })
    }

    fn right(&self, c: Caller, id: NodeId) -> Right {
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
    fn visible(&self, c: Caller, id: NodeId) -> bool {
        self.right(c, id).can_list()
    }

    /// Whether the caller sees a deletion: one the policy shows them (every user here has a
    /// role that works the trash), holding an item they see where it was.
    fn record_visible(&self, c: Caller, rid: RecordId) -> bool {
        let r = &self.records[&rid];
        let deleter = c.admin || self.params.policy == RestorePolicy::AnyTrashRole || r.deleted_by == c.id;
        deleter && self.marked_by(rid).iter().any(|m| self.visible(c, *m))
    }

    /// A live node the caller sees, or "not found".
    fn live_for(&self, c: Caller, id: NodeId) -> Res<()> {
        if self.is_live(id) && self.visible(c, id) {
            Ok(())
        } else {
            Err(Refusal::NotFound)
        }
    }

    fn size(&self, id: NodeId) -> i64 {
        let n = self.node(id);
        match (n.kind, n.versions.last()) {
            (NodeKind::Document, Some(c)) => c.len() as i64,
            _ => 0,
        }
    }

    /// The node and its descendants that no trash mark separates from it.
    fn members(&self, id: NodeId) -> Vec<NodeId> {
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

    fn stats(&self, id: NodeId) -> (i64, i64) {
        let m = self.members(id);
        (m.len() as i64, m.iter().map(|i| self.size(*i)).sum())
    }

    /// Nodes a record marks, in materialized-path order.
    fn marked_by(&self, rid: RecordId) -> Vec<NodeId> {
        let mut ids: Vec<NodeId> = self
            .nodes
            .iter()
            .filter(|(_, n)| n.mark == Some(rid))
            .map(|(id, _)| *id)
            .collect();
        ids.sort_by_key(|id| self.path(*id));
        ids
    }

    fn refresh(&mut self, rid: RecordId) {
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

    fn check_name_free(&self, parent: Option<NodeId>, name: &str) -> Res<()> {
        let k = key(name);
        if self.unmarked_child(parent, &k).is_some()
            || (self.params.names_reserved && self.marked_child_exists(parent, &k))
        {
            return Err(Refusal::NameConflict(name.to_owned()));
        }
        Ok(())
    }

    fn insert_child(&mut self, c: Caller, parent: Option<NodeId>, kind: NodeKind, name: &str) -> Res<NodeId> {
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

    fn create_library(&mut self, c: Caller, name: &str) -> Res<NodeId> {
        if !c.admin {
            return Err(Refusal::PermissionDenied);
        }
        self.insert_child(c, None, NodeKind::Library, name)
    }

    fn create_folder(&mut self, c: Caller, parent: NodeId, name: &str) -> Res<NodeId> {
        self.live_for(c, parent)?;
        self.insert_child(c, Some(parent), NodeKind::Folder, name)
    }

    /// The document and its new version number.
    fn upload(&mut self, c: Caller, parent: NodeId, name: &str, content: &'static str) -> Res<(NodeId, i64)> {
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

    fn move_node(&mut self, c: Caller, id: NodeId, to: NodeId) -> Res<()> {
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

    fn rename(&mut self, c: Caller, id: NodeId, name: &str) -> Res<()> {
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

    fn set_acl(&mut self, c: Caller, id: NodeId, acl: Option<Vec<(UserId, Right)>>) -> Res<()> {
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

    fn delete(&mut self, c: Caller, id: NodeId) -> Res<RecordId> {
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

    fn restore_batch(&mut self, c: Caller, items: &[TrashItem], opts: RestoreOptions, dry_run: bool) -> Vec<MOutcome> {
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

    fn restore_item(&mut self, c: Caller, item: TrashItem, opts: RestoreOptions) -> Res<Placement> {
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

    fn place_marked(&mut self, c: Caller, rid: RecordId, m: NodeId, opts: RestoreOptions) -> Res<Placement> {
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
    fn target_for(&mut self, c: Caller, rid: RecordId, m: NodeId, opts: RestoreOptions) -> Res<Option<NodeId>> {
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

    fn purge(&mut self, c: Caller, items: &[TrashItem]) -> Res<Vec<Res<RecordId>>> {
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

    fn empty(&mut self, c: Caller, everyone: bool) -> Res<u64> {
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
    fn sweep(&mut self) -> (u64, u64, u64) {
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

    fn pick(&self, p: Pick) -> NodeId {
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

    fn nearest_live_ancestor(&self, id: NodeId) -> Option<NodeId> {
        if !self.nodes.contains_key(&id) {
            return None;
        }
        self.chain(id).into_iter().skip(1).find(|a| self.is_live(*a))
    }

    fn pick_item(&self, c: Caller, p: ItemPick) -> TrashItem {
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

    fn pick_opts(&self, o: OptsPick) -> RestoreOptions {
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
    fn tree_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut libs: Vec<NodeId> = self.children(None).into_iter().filter(|i| self.is_live(*i)).collect();
        libs.sort_by_key(|i| key(&self.node(*i).name));
        for lib in libs {
            self.walk(lib, &mut out);
        }
        out
    }

    fn walk(&self, id: NodeId, out: &mut Vec<String>) {
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
    fn sorted_records(&self, by: Option<UserId>) -> Vec<(RecordId, &MRecord)> {
        let mut v: Vec<(RecordId, &MRecord)> = self
            .records
            .iter()
            .filter(|(_, r)| by.is_none_or(|u| r.deleted_by == u))
            .map(|(id, r)| (*id, r))
            .collect();
        v.sort_by_key(|(id, r)| std::cmp::Reverse((r.deleted_at, *id)));
        v
    }

    fn record_lines(&self) -> Vec<String> {
        self.sorted_records(None)
            .into_iter()
            .map(|(id, r)| record_line(id, r))
            .collect()
    }
}

fn node_line(path: &str, id: NodeId, kind: NodeKind, versions: i64, size: i64, content: Option<&str>) -> String {
    match content {
        Some(c) => format!("{path} #{id} {} v{versions} {size}B {c:?}", kind.as_str()),
        None => format!("{path} #{id} {}", kind.as_str()),
    }
}

fn record_line(id: RecordId, r: &MRecord) -> String {
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
fn model_record(r: &TrashRecord) -> MRecord {
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

fn outcome_of(o: &Outcome) -> MOutcome {
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

// --- the harness -----------------------------------------------------------------------------

struct Harness {
    w: World,
    /// Admin, u1, u2, u3.
    actors: Vec<Actor>,
    model: Model,
    log: Vec<String>,
}

type Check = std::result::Result<(), String>;

fn expect_same<T: std::fmt::Debug + PartialEq>(what: &str, actual: T, predicted: T) -> Check {
    if actual == predicted {
        Ok(())
    } else {
        Err(format!(
            "{what}:\n  repository: {actual:?}\n  model:      {predicted:?}"
        ))
    }
}

fn diff_lines(what: &str, actual: &[String], predicted: &[String]) -> Check {
    if actual == predicted {
        return Ok(());
    }
    let mut s = format!("{what} differs\n  repository:\n");
    for l in actual {
        let _ = writeln!(s, "    {}{l}", if predicted.contains(l) { "  " } else { "+ " });
    }
    s.push_str("  model:\n");
    for l in predicted {
        let _ = writeln!(s, "    {}{l}", if actual.contains(l) { "  " } else { "- " });
    }
    Err(s)
}

impl Harness {
    async fn new(params: Params) -> Harness {
        let w = world().await;
        let u1 = w.user("u1", Role::IpsUser).await;
        let u2 = w.user("u2", Role::IpsUser).await;
        let u3 = w.user("u3", Role::IpsUser).await;
        w.repo
            .set_trash_settings(
                &w.admin,
                TrashSettings {
                    user_bin_days: params.user_bin_days,
                    system_bin_days: params.system_bin_days,
                    names_reserved: params.names_reserved,
                    restore_policy: params.policy,
                },
            )
            .await
            .expect("settings");
        let alpha = w.library("Alpha").await;
        let beta = w.library("Beta").await;
        let shared = w.folder(&w.admin, &alpha, "Shared").await;
        let acl = vec![
            (u1.user_id, Right::FullControl),
            (u2.user_id, Right::Add),
            (u3.user_id, Right::Read),
        ];
        let entries: Vec<AclEntry> = acl
            .iter()
            .map(|(u, r)| AclEntry {
                principal: Principal::User(*u),
                right: *r,
            })
            .collect();
        w.repo
            .set_access_list(&w.admin, shared.id, false, &entries, false)
            .await
            .expect("access list");
        let now = w.repo.clock().now();
        let mut nodes = BTreeMap::new();
        for (n, acl) in [(&alpha, None), (&beta, None), (&shared, Some(acl))] {
            nodes.insert(
                n.id,
                MNode {
                    parent: n.parent_id,
                    kind: n.kind,
                    name: n.name.clone(),
                    versions: Vec::new(),
                    mark: None,
                    acl,
                },
            );
        }
        let model = Model {
            next_node: shared.id + 1,
            nodes,
            records: BTreeMap::new(),
            blobs: BTreeMap::new(),
            next_record: 1,
            now,
            params,
        };
        let mut h = Harness {
            actors: vec![w.admin.clone(), u1, u2, u3],
            w,
            model,
            log: Vec::new(),
        };
        // A few levels with documents, so that deletions of folders take whole subtrees from
        // the first step on. These steps go through the same checks as the generated ones.
        for (parent, name, content) in [
            (shared.id, "a", Some("1")),
            (shared.id, "Inbox", None),
            (alpha.id, "Projects", None),
            (-1, "Q1", None),
            (-1, "c.txt", Some("22")),
            (-2, "b", Some("333")),
            (-3, "Drafts", None),
            (-1, "a", Some("")),
            (-6, "d.x.y", Some("1")),
            (beta.id, "Archive", None),
            (-1, "Old", None),
            (-1, "c.txt", Some("4444")),
            (beta.id, "b", Some("22")),
        ] {
            // A negative parent counts back from the newest node.
            let parent = if parent < 0 { h.model.next_node + parent } else { parent };
            let next = h.model.clone();
            let done = match content {
                Some(c) => h.upload(next, Who::Admin, parent, name, c).await,
                None => h.create_folder(next, Who::Admin, parent, name).await,
            };
            done.expect("setup");
        }
        h
    }

    fn actor(&self, who: Who) -> (Actor, Caller) {
        let a = self.actors[who as usize].clone();
        (
            a.clone(),
            Caller {
                id: a.user_id,
                admin: a.is_admin,
            },
        )
    }

    /// Runs one step against both the repository and the model and compares the outcomes.
    async fn step(&mut self, op: &Op) -> Check {
        let repo = self.w.repo.clone();
        let mut next = self.model.clone();
        match *op {
            Op::CreateLibrary { who, name } => {
                let (actor, c) = self.actor(who);
                let predicted = next.create_library(c, name);
                self.note(format!("{who:?} create library {name:?} -> {predicted:?}"));
                let actual = repo.create_library(&actor, name).await;
                let actual = actual.map(|n| n.id).map_err(|e| refusal(&e));
                self.settle(next, "create library", actual, predicted)
            }
            Op::CreateFolder { who, parent, name } => {
                let parent = next.pick(parent);
                self.create_folder(next, who, parent, name).await
            }
            Op::Upload {
                who,
                parent,
                name,
                content,
            } => {
                let parent = next.pick(parent);
                self.upload(next, who, parent, name, content).await
            }
            Op::Reoccupy { who, trashed, content } => {
                let trashed = next.pick(trashed);
                let parent = next.nearest_live_ancestor(trashed).unwrap_or(BOGUS);
                match next.nodes.get(&trashed).map(|n| (n.kind, n.name.clone())) {
                    Some((NodeKind::Document, name)) => self.upload(next, who, parent, &name, content).await,
                    Some((_, name)) => self.create_folder(next, who, parent, &name).await,
                    None => {
                        self.note(format!("{who:?} reoccupy #{trashed}: it is gone, nothing to do"));
                        Ok(())
                    }
                }
            }
            Op::Move { who, node, to } => {
                let (actor, c) = self.actor(who);
                let (node, to) = (next.pick(node), next.pick(to));
                let predicted = next.move_node(c, node, to);
                self.note(format!("{who:?} move #{node} into #{to} -> {predicted:?}"));
                let actual = repo
                    .move_node(&actor, node, to)
                    .await
                    .map(|_| ())
                    .map_err(|e| refusal(&e));
                self.settle(next, "move", actual, predicted)
            }
            Op::Rename { who, node, name } => {
                let (actor, c) = self.actor(who);
                let node = next.pick(node);
                let predicted = next.rename(c, node, name);
                self.note(format!("{who:?} rename #{node} to {name:?} -> {predicted:?}"));
                let actual = repo
                    .rename(&actor, node, name)
                    .await
                    .map(|_| ())
                    .map_err(|e| refusal(&e));
                self.settle(next, "rename", actual, predicted)
            }
            Op::Delete { who, node } => {
                let (actor, c) = self.actor(who);
                let node = next.pick(node);
                let predicted = next.delete(c, node);
                self.note(format!("{who:?} delete #{node} -> {predicted:?}"));
                let actual = repo.delete(&actor, node).await;
                if let (Ok(r), Ok(_)) = (&actual, &predicted) {
                    // The returned record must be the one the listing shows (checked later).
                    expect_same("deleted record root", r.root_node_id, node)?;
                }
                let actual = actual.map(|r| r.id).map_err(|e| refusal(&e));
                self.settle(next, "delete", actual, predicted)
            }
            Op::Restore { who, ref items, opts } | Op::Preflight { who, ref items, opts } => {
                let dry_run = matches!(op, Op::Preflight { .. });
                let (actor, c) = self.actor(who);
                let items: Vec<TrashItem> = items.iter().map(|i| next.pick_item(c, *i)).collect();
                let options = next.pick_opts(opts);
                let predicted = next.restore_batch(c, &items, options, dry_run);
                let failed = predicted.iter().any(|o| matches!(o, MOutcome::Failed(_)));
                let applied = !(dry_run || options.all_or_nothing && failed);
                self.note(format!(
                    "{who:?} {} {items:?} with {options:?} -> {predicted:?}",
                    if dry_run { "preflight" } else { "restore" }
                ));
                let report: BatchReport = if dry_run {
                    repo.preflight(&actor, &items, options).await
                } else {
                    repo.restore(&actor, &items, options).await
                }
                .map_err(|e| format!("restore call failed as a whole: {e:?}"))?;
                let actual: Vec<MOutcome> = report.results.iter().map(|r| outcome_of(&r.outcome)).collect();
                let items_back: Vec<TrashItem> = report.results.iter().map(|r| r.item).collect();
                expect_same("restore items echoed", items_back, items)?;
                expect_same("restore outcomes", actual, predicted)?;
                expect_same(
                    "restore applied / dry run",
                    (report.applied, report.dry_run),
                    (applied, dry_run),
                )?;
                self.model = next;
                Ok(())
            }
            Op::Purge { who, ref items } => {
                let (actor, c) = self.actor(who);
                let items: Vec<TrashItem> = items.iter().map(|i| next.pick_item(c, *i)).collect();
                let predicted = next.purge(c, &items);
                self.note(format!("{who:?} purge {items:?} -> {predicted:?}"));
                let actual = match repo.purge(&actor, &items).await {
                    Ok(results) => Ok(results
                        .iter()
                        .map(|r| r.outcome.as_ref().map(|rec| rec.id).map_err(refusal))
                        .collect::<Vec<_>>()),
                    Err(e) => Err(refusal(&e)),
                };
                self.settle(next, "purge", actual, predicted)
            }
            Op::Empty { who, everyone } => {
                let (actor, c) = self.actor(who);
                let predicted = next.empty(c, everyone);
                self.note(format!("{who:?} empty (everyone: {everyone}) -> {predicted:?}"));
                let actual = repo.empty(&actor, everyone).await.map_err(|e| refusal(&e));
                self.settle(next, "empty", actual, predicted)
            }
            Op::Sweep { hours } => {
                self.w.later(hours);
                next.now += Duration::hours(hours);
                let predicted = next.sweep();
                self.note(format!(
                    "{hours} hours later, sweep -> (to system bin, purged, blobs removed) {predicted:?}"
                ));
                let r = repo.sweep().await.map_err(|e| format!("sweep failed: {e:?}"))?;
                expect_same("sessions expired", r.sessions_expired, 0)?;
                let actual = (r.moved_to_system_bin, r.purged, r.blobs_removed);
                self.settle(next, "sweep", Ok::<_, Refusal>(actual), Ok(predicted))
            }
            Op::SetAcl { who, folder, acl } => {
                let (actor, c) = self.actor(who);
                let folder = next.pick(folder);
                let acl: Option<Vec<(UserId, Right)>> = acl.map(|rights| {
                    self.actors[1..]
                        .iter()
                        .zip(rights)
                        .filter_map(|(u, r)| r.map(|r| (u.user_id, r)))
                        .collect()
                });
                let predicted = next.set_acl(c, folder, acl.clone());
                self.note(format!(
                    "{who:?} set the access list of #{folder} to {acl:?} -> {predicted:?}"
                ));
                let entries: Vec<AclEntry> = acl
                    .iter()
                    .flatten()
                    .map(|(u, r)| AclEntry {
                        principal: Principal::User(*u),
                        right: *r,
                    })
                    .collect();
                let actual = repo
                    .set_access_list(&actor, folder, acl.is_none(), &entries, false)
                    .await
                    .map_err(|e| refusal(&e));
                self.settle(next, "set access list", actual, predicted)
            }
        }
    }

    async fn create_folder(&mut self, mut next: Model, who: Who, parent: NodeId, name: &str) -> Check {
        let (actor, c) = self.actor(who);
        let predicted = next.create_folder(c, parent, name);
        self.note(format!("{who:?} create folder {name:?} in #{parent} -> {predicted:?}"));
        let actual = self.w.repo.create_folder(&actor, parent, name).await;
        let actual = actual.map(|n| n.id).map_err(|e| refusal(&e));
        self.settle(next, "create folder", actual, predicted)
    }

    async fn upload(&mut self, mut next: Model, who: Who, parent: NodeId, name: &str, content: &'static str) -> Check {
        let (actor, c) = self.actor(who);
        let predicted = next.upload(c, parent, name, content);
        self.note(format!(
            "{who:?} upload {name:?} = {content:?} into #{parent} -> {predicted:?}"
        ));
        let actual = self.w.repo.upload(&actor, parent, name, &mut content.as_bytes()).await;
        let actual = actual.map(|(n, v)| (n.id, v.number)).map_err(|e| refusal(&e));
        self.settle(next, "upload", actual, predicted)
    }

    fn note(&mut self, line: String) {
        let n = self.log.len() + 1;
        self.log.push(format!("{n:>3}. {line}"));
    }

    /// Compares an outcome; on success the model moves on to its predicted state.
    fn settle<T: std::fmt::Debug + PartialEq>(
        &mut self,
        next: Model,
        what: &str,
        actual: Res<T>,
        predicted: Res<T>,
    ) -> Check {
        expect_same(&format!("outcome of {what}"), &actual, &predicted)?;
        if predicted.is_ok() {
            self.model = next;
        }
        Ok(())
    }

    /// Everything the repository shows must be what the model says.
    async fn verify(&self) -> Check {
        let repo = &self.w.repo;
        let admin = &self.w.admin;
        let m = &self.model;

        let violations = repo.check().await.map_err(|e| format!("check failed: {e:?}"))?;
        if !violations.is_empty() {
            return Err(format!("invariants broken: {violations:#?}"));
        }

        // The live tree, walked from the top with `children` (paths by names as the walk goes;
        // `resolve` checks them the other way round below).
        let mut actual = Vec::new();
        let mut stack: Vec<(String, Node)> = Vec::new();
        let libs = repo
            .children(admin, None, None, 10_000)
            .await
            .map_err(|e| format!("children of the top: {e:?}"))?
            .items;
        stack.extend(libs.into_iter().rev().map(|n| (String::new(), n)));
        while let Some((parent_path, n)) = stack.pop() {
            let path = format!("{parent_path}/{}", n.name);
            if n.kind == NodeKind::Document {
                let (version, mut reader) = repo
                    .open_version(admin, n.id, None)
                    .await
                    .map_err(|e| format!("open #{}: {e:?}", n.id))?;
                let mut content = String::new();
                reader.read_to_string(&mut content).await.map_err(|e| e.to_string())?;
                expect_same("current version number", version.number, n.current_version)?;
                actual.push(node_line(
                    &path,
                    n.id,
                    n.kind,
                    n.current_version,
                    n.size,
                    Some(&content),
                ));
            } else {
                actual.push(node_line(&path, n.id, n.kind, 0, 0, None));
                let kids = repo
                    .children(admin, Some(n.id), None, 10_000)
                    .await
                    .map_err(|e| format!("children of #{}: {e:?}", n.id))?
                    .items;
                for k in &kids {
                    expect_same("parent of a listed child", k.parent_id, Some(n.id))?;
                }
                stack.extend(kids.into_iter().rev().map(|k| (path.clone(), k)));
            }
        }
        diff_lines("live tree", &actual, &m.tree_lines())?;

        // A record counts exactly its members: its marked nodes and what lies beneath them
        // without a mark of its own (the model keeps the counts the way the repository does,
        // so this holds both to the rule).
        for (rid, r) in &m.records {
            let marked = m.marked_by(*rid);
            let members = marked
                .iter()
                .map(|n| m.stats(*n))
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
            expect_same(
                &format!("record {rid}: recorded (items, bytes) against its members"),
                (r.item_count, r.total_size),
                members,
            )?;
        }

        // The trash, as the administrator and as each user sees it.
        let records = repo
            .trash(admin, &TrashFilter::default(), TrashSort::default(), None, 10_000)
            .await
            .map_err(|e| format!("trash listing: {e:?}"))?
            .items;
        let actual: Vec<String> = records.iter().map(|r| record_line(r.id, &model_record(r))).collect();
        diff_lines("trash listing", &actual, &m.record_lines())?;
        for user in &self.actors[1..] {
            self.verify_view_of(user).await?;
        }

        // Every id ever handed out: a live node resolves by its path (by names), anything else
        // is not found by id.
        for id in (1..m.next_node).chain([BOGUS]) {
            if m.is_live(id) {
                let path = m.name_path(id);
                let by_path = repo.resolve(admin, &path).await.map(|n| n.id);
                expect_same(&format!("resolve {path:?}"), by_path, Ok(id))?;
            } else {
                match repo.node(admin, id).await {
                    Err(Error::NotFound(_)) => {}
                    other => {
                        return Err(format!(
                            "node #{id} is not live in the model, but `node` gives {other:?}"
                        ))
                    }
                }
            }
        }

        // `descendants` (one range query) agrees with the walk.
        for lib in m.children(None).into_iter().filter(|l| m.is_live(*l)) {
            let actual: Vec<NodeId> = repo
                .descendants(admin, lib, 10_000)
                .await
                .map_err(|e| format!("descendants of #{lib}: {e:?}"))?
                .iter()
                .map(|n| n.id)
                .collect();
            let mut predicted: Vec<(String, NodeId)> = m
                .nodes
                .keys()
                .filter(|i| **i != lib && m.is_live(**i) && m.chain(**i).contains(&lib))
                .map(|i| (m.path(*i), *i))
                .collect();
            predicted.sort();
            let predicted: Vec<NodeId> = predicted.into_iter().map(|(_, i)| i).collect();
            expect_same(&format!("descendants of #{lib}"), actual, predicted)?;
        }
        Ok(())
    }
}

impl Harness {
    /// What one user sees must be exactly what the model says that user may see: the trash
    /// and each deletion's contents, the libraries and everything below them.
    async fn verify_view_of(&self, user: &Actor) -> Check {
        let (repo, m) = (&self.w.repo, &self.model);
        let c = Caller {
            id: user.user_id,
            admin: user.is_admin,
        };
        let who = &user.username;
        let ids = |nodes: Vec<Node>| nodes.iter().map(|n| n.id).collect::<Vec<_>>();
        let in_path_order = |mut v: Vec<NodeId>| {
            v.sort_by_key(|i| m.path(*i));
            v
        };

        let listed: Vec<RecordId> = repo
            .trash(user, &TrashFilter::default(), TrashSort::default(), None, 10_000)
            .await
            .map_err(|e| format!("trash listing of {who}: {e:?}"))?
            .items
            .iter()
            .map(|r| r.id)
            .collect();
        let predicted: Vec<RecordId> = m
            .sorted_records(None)
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| m.record_visible(c, *id))
            .collect();
        expect_same(&format!("trash listing of {who}"), &listed, &predicted)?;
        for rid in predicted {
            let actual = repo
                .trash_contents(user, rid, 10_000)
                .await
                .map_err(|e| format!("contents of record {rid} for {who}: {e:?}"))?;
            let mut seen = Vec::new();
            for marked in m.marked_by(rid) {
                seen.extend(
                    in_path_order(m.members(marked))
                        .into_iter()
                        .filter(|x| m.visible(c, *x)),
                );
            }
            expect_same(&format!("contents of record {rid} for {who}"), ids(actual), seen)?;
        }

        let libraries = repo
            .children(user, None, None, 10_000)
            .await
            .map_err(|e| format!("libraries of {who}: {e:?}"))?
            .items;
        let mut predicted: Vec<NodeId> = m
            .children(None)
            .into_iter()
            .filter(|l| m.is_live(*l) && m.visible(c, *l))
            .collect();
        predicted.sort_by_key(|l| key(&m.node(*l).name));
        expect_same(&format!("libraries of {who}"), ids(libraries), predicted.clone())?;
        for lib in predicted {
            let below = repo
                .descendants(user, lib, 10_000)
                .await
                .map_err(|e| format!("descendants of #{lib} for {who}: {e:?}"))?;
            let seen: Vec<NodeId> = m
                .nodes
                .keys()
                .copied()
                .filter(|i| *i != lib && m.is_live(*i) && m.chain(*i).contains(&lib) && m.visible(c, *i))
                .collect();
            expect_same(
                &format!("descendants of #{lib} for {who}"),
                ids(below),
                in_path_order(seen),
            )?;
        }
        Ok(())
    }
}

async fn run(params: Params, ops: Vec<Op>) -> Check {
    let mut h = Harness::new(params).await;
    let result: Check = async {
        h.verify().await.map_err(|e| format!("before the first step: {e}"))?;
        for op in &ops {
            h.step(op).await?;
            h.verify().await?;
        }
        Ok(())
    }
    .await;
    result.map_err(|e| format!("{params:?}\nsteps:\n{}\nafter the last step: {e}", h.log.join("\n")))
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(crate::BACKEND.state_machine_cases()),
        // The shrunk case is printed in full; no regression file is written beside the tests.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_repository_behaves_like_the_model(params in params(), ops in prop::collection::vec(op(), 20..=60)) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        if let Err(report) = rt.block_on(run(params, ops)) {
            return Err(TestCaseError::fail(report));
        }
    }
}
