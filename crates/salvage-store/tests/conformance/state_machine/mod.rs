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

// --- the harness -----------------------------------------------------------------------------

struct Harness {
    w: World,
    /// Admin, u1, u2, u3.
    actors: Vec<Actor>,
    model: Model,
    log: Vec<String>,
}

type Check = std::result::Result<(), String>;

mod harness;
mod model;
mod restore;
mod verify;

use harness::*;
use model::*;
use restore::*;

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
