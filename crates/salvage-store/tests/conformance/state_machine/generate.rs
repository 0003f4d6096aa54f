//! What proptest generates: who acts, the tenant's settings, and the operations with their
//! picks, resolved against the model only when a step runs.

use super::*;

pub(super) fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        4 => Just(Who::Admin),
        2 => Just(Who::U1),
        2 => Just(Who::U2),
        2 => Just(Who::U3),
    ]
}

/// Mostly valid names that clash often (case-insensitively, and with the "(restored)" series),
/// sometimes invalid ones.
pub(super) fn name() -> impl Strategy<Value = &'static str> {
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
pub(super) fn content() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", "1", "22", "333", "4444"])
}

pub(super) fn pick(main: Pool) -> impl Strategy<Value = Pick> {
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

pub(super) fn item() -> impl Strategy<Value = ItemPick> {
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

pub(super) fn items() -> impl Strategy<Value = Vec<ItemPick>> {
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

pub(super) fn op() -> impl Strategy<Value = Op> {
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

pub(super) fn acl() -> impl Strategy<Value = Option<[Option<Right>; 3]>> {
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

pub(super) fn params() -> impl Strategy<Value = Params> {
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
