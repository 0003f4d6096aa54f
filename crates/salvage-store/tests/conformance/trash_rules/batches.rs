//! Rules 6 to 8: preflight, batches that report per item (set-based where they can be, in order
//! where items depend on each other, grouped when concurrent), and restore by filter.

use crate::support::*;
use salvage_core::model::*;
use salvage_core::store::{AuditFilter, TrashFilter};
use salvage_core::trash::{MissingParent, Outcome, RestoreOptions, TrashItem};
use salvage_core::Error;

// Rule 6: preflight.
#[tokio::test]
async fn preflight_states_each_item_and_changes_nothing() {
    let w = world().await;
    let bob = w.user("bob", Role::IpsUser).await;
    let lib = w.library("L").await;
    let gone = w.folder(&w.admin, &lib, "Gone").await;
    let ok = w.doc(&w.admin, &lib, "ok.txt", "1").await;
    let clash = w.doc(&w.admin, &lib, "clash.txt", "2").await;
    let orphan = w.doc(&w.admin, &gone, "orphan.txt", "3").await;
    let admins = w.doc(&w.admin, &lib, "admins.txt", "4").await;
    let live = w.doc(&w.admin, &lib, "live.txt", "5").await;
    let emptied = w.doc(&w.admin, &lib, "emptied.txt", "6").await;

    let ok_r = w.repo.delete(&bob, ok.id).await.unwrap();
    let clash_r = w.repo.delete(&bob, clash.id).await.unwrap();
    w.doc(&w.admin, &lib, "clash.txt", "new").await;
    let orphan_r = w.repo.delete(&bob, orphan.id).await.unwrap();
    w.repo.delete(&w.admin, gone.id).await.unwrap();
    let admins_r = w.repo.delete(&w.admin, admins.id).await.unwrap();
    let emptied_r = w.repo.delete(&bob, emptied.id).await.unwrap();
    w.repo.empty_items(&bob, &[emptied.id]).await.unwrap();
    let items = [
        rec(&ok_r),
        rec(&clash_r),
        rec(&orphan_r),
        // Bob's own, in the system bin: he sees it, but only an administrator may restore it.
        rec(&emptied_r),
        // Someone else's: bob may not even see it, so it answers as an unknown item would.
        rec(&admins_r),
        TrashItem::Node(live.id),
        TrashItem::Record(99_999),
    ];

    let before = w.all_trash().await;
    let report = w.repo.preflight(&bob, &items, opts()).await.unwrap();
    assert!(report.dry_run && !report.applied);
    let states: Vec<_> = report
        .results
        .iter()
        .map(|r| refusal(&r.outcome).map(|e| e.code()))
        .collect();
    assert_eq!(
        states,
        vec![
            None,
            Some("name-conflict"),
            Some("parent-missing"),
            Some("access-denied"),
            Some("not-in-trash"),
            Some("not-in-trash"),
            Some("not-in-trash")
        ]
    );
    assert_eq!(w.all_trash().await, before, "nothing changed");
    assert!(!w.exists("/L/ok.txt").await);
    let events = w
        .repo
        .audit(
            &w.admin,
            &AuditFilter {
                action: Some(AuditAction::Restore),
                ..Default::default()
            },
            None,
            100,
        )
        .await
        .unwrap();
    assert!(events.items.is_empty(), "a preflight leaves no audit trail of restores");
}

// Rule 7: batches report per item; one bad item does not abort the good ones.
#[tokio::test]
async fn a_mixed_batch_reports_each_item_and_keeps_the_good_ones() {
    let w = world().await;
    let lib = w.library("L").await;
    let mut records = Vec::new();
    for name in ["a", "b", "c"] {
        let d = w.doc(&w.admin, &lib, name, name).await;
        records.push(w.repo.delete(&w.admin, d.id).await.unwrap());
    }
    w.doc(&w.admin, &lib, "b", "blocker").await;
    let items: Vec<_> = records.iter().map(rec).chain([TrashItem::Record(12345)]).collect();

    let strict = RestoreOptions {
        all_or_nothing: true,
        ..opts()
    };
    let report = w.repo.restore(&w.admin, &items, strict).await.unwrap();
    assert!(!report.applied);
    assert_eq!(report.counts(), (2, 0, 2));
    assert_eq!(w.all_trash().await.len(), 3, "all or nothing: nothing");

    let report = w.repo.restore(&w.admin, &items, opts()).await.unwrap();
    assert!(report.applied);
    assert_eq!(report.counts(), (2, 0, 2));
    assert!(w.exists("/L/a").await && w.exists("/L/c").await);
    assert_eq!(w.all_trash().await.len(), 1);
    assert!(matches!(
        refusal(&report.results[1].outcome),
        Some(Error::NameConflict(_))
    ));
    assert!(matches!(
        refusal(&report.results[3].outcome),
        Some(Error::NotInTrash(None))
    ));
    w.assert_consistent().await;
}

// Plain restores of a batch are done together, set-based; everything else one by one, in
// order. Items whose fate depends on an earlier item of the same batch must see its effect.
#[tokio::test]
async fn a_long_batch_restores_in_order_whichever_path_each_item_takes() {
    let w = world().await;
    let lib = w.library("L").await;
    let folder = w.folder(&w.admin, &lib, "F").await;
    let inside = w.doc(&w.admin, &folder, "inside", "i").await;
    let inside_record = w.repo.delete(&w.admin, inside.id).await.unwrap();
    let folder_record = w.repo.delete(&w.admin, folder.id).await.unwrap();
    let mut plain = Vec::new();
    for i in 0..1200 {
        let d = w.doc(&w.admin, &lib, &format!("d{i}"), "x").await;
        plain.push(w.repo.delete(&w.admin, d.id).await.unwrap());
    }
    let twin = w.doc(&w.admin, &lib, "D5", "twin").await;
    let twin_record = w.repo.delete(&w.admin, twin.id).await.unwrap();

    // The deletion inside F comes before F itself: F is still in the trash then, so it fails;
    // after F (a plain restore) the same item goes back. "D5" clashes with "d5" restored just
    // before it; a record twice is restored once.
    let mut items: Vec<TrashItem> = plain[..600].iter().map(rec).collect();
    items.push(rec(&inside_record));
    items.push(rec(&folder_record));
    items.push(rec(&inside_record));
    items.push(rec(&twin_record));
    items.push(rec(&plain[0]));
    // The rest by node, as Scene7 names them.
    items.extend(plain[600..].iter().map(|r| TrashItem::Node(r.root_node_id)));
    let located = w.repo.locate_items(&w.admin, &[plain[700].root_node_id]).await.unwrap();
    assert_eq!(located[0].as_ref().unwrap().folders, ["L"]);
    let report = w.repo.restore(&w.admin, &items, opts()).await.unwrap();

    assert_eq!(report.results.len(), items.len());
    for (result, item) in report.results.iter().zip(&items) {
        assert_eq!(result.item, *item, "results come in the order of the items");
    }
    assert!(matches!(
        refusal(&report.results[600].outcome),
        Some(Error::OriginalLocationMissing)
    ));
    assert!(matches!(report.results[601].outcome, Outcome::Restored(_)));
    match &report.results[602].outcome {
        Outcome::Restored(r) => assert_eq!(r.path, "/L/F/inside"),
        other => panic!("the item inside F goes back once F is back: {other:?}"),
    }
    assert!(matches!(
        refusal(&report.results[603].outcome),
        Some(Error::NameConflict(_))
    ));
    assert!(matches!(
        refusal(&report.results[604].outcome),
        Some(Error::NotInTrash(None))
    ));
    assert_eq!(report.counts(), (1202, 0, 3));
    match &report.results[1000].outcome {
        Outcome::Restored(r) => {
            assert_eq!(r.path, "/L/d995");
            assert_eq!(r.renamed_from, None);
        }
        other => panic!("a plain restore: {other:?}"),
    }
    for i in [0, 599, 600, 1199] {
        assert!(w.exists(&format!("/L/d{i}")).await);
    }
    let trash = w.all_trash().await;
    assert_eq!(trash.len(), 1, "only the clashing twin stays");
    assert_eq!(trash[0].id, twin_record.id);

    let restores = w
        .repo
        .audit(
            &w.admin,
            &AuditFilter {
                action: Some(AuditAction::Restore),
                ..Default::default()
            },
            None,
            2000,
        )
        .await
        .unwrap()
        .items;
    assert_eq!(restores.len(), 1202, "one audit event per restored item");
    let last = &restores[0];
    assert_eq!(last.from_path, "/L/d1199");
    assert_eq!(last.to_path, "/L/d1199");
    w.assert_consistent().await;
}

// Single restores made at the same moment share transactions (group commit); each keeps its
// own outcome, as if it had been alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_single_restores_each_get_their_own_outcome() {
    let w = world().await;
    let lib = w.library("L").await;
    let bob = w.user("bob", Role::IpsUser).await;
    let first = w.doc(&w.admin, &lib, "d0", "first").await;
    let first = w.repo.delete(&w.admin, first.id).await.unwrap();
    let twin = w.doc(&w.admin, &lib, "D0", "twin").await;
    let twin = w.repo.delete(&w.admin, twin.id).await.unwrap();
    let mut records = Vec::new();
    for i in 1..60 {
        let d = w.doc(&w.admin, &lib, &format!("d{i}"), "x").await;
        records.push(w.repo.delete(&w.admin, d.id).await.unwrap());
    }
    let bobs = w.doc(&bob, &lib, "bob's", "b").await;
    let bobs = w.repo.delete(&bob, bobs.id).await.unwrap();

    // One caller gives up at once: whatever became of its restore, nobody else suffers.
    let gone = {
        let repo = w.repo.clone();
        let (admin, item) = (w.admin.clone(), rec(&records[0]));
        tokio::spawn(async move { repo.restore_one(&admin, item, opts()).await })
    };
    gone.abort();
    let mut calls = tokio::task::JoinSet::new();
    let mut asks: Vec<(Actor, TrashRecord)> = vec![
        (w.admin.clone(), first.clone()),
        (w.admin.clone(), twin.clone()),
        (w.user("carol", Role::IpsUser).await, bobs.clone()),
    ];
    asks.extend(records[1..].iter().map(|r| (w.admin.clone(), r.clone())));
    for (actor, record) in asks {
        let repo = w.repo.clone();
        calls.spawn(async move { (record.id, repo.restore_one(&actor, rec(&record), opts()).await) });
    }
    let mut outcomes = std::collections::HashMap::new();
    while let Some(done) = calls.join_next().await {
        let (id, outcome) = done.unwrap();
        outcomes.insert(id, outcome);
    }

    let clashes = [&outcomes[&first.id], &outcomes[&twin.id]];
    assert_eq!(
        clashes.iter().filter(|o| o.is_ok()).count(),
        1,
        "one of two same-named items goes back: {clashes:?}"
    );
    assert!(clashes
        .iter()
        .any(|o| matches!(o, Err(Error::NameConflict(name)) if name.eq_ignore_ascii_case("d0"))));
    // Bob's deletion is not the caller's to see: as an unknown item.
    assert_eq!(outcomes[&bobs.id].as_ref().unwrap_err(), &Error::NotInTrash(None));
    for r in &records[1..] {
        let restored = outcomes[&r.id].as_ref().expect("a plain restore");
        assert_eq!(restored.path, r.original_path);
    }
    let left: Vec<RecordId> = w.all_trash().await.iter().map(|r| r.id).collect();
    assert!(left.contains(&bobs.id));
    assert_eq!(left.len(), 2 + usize::from(left.contains(&records[0].id)), "{left:?}");
    w.repo.restore(&w.admin, &[rec(&records[0])], opts()).await.unwrap();
    assert!(w.exists("/L/d1").await && w.exists("/L/d59").await);
    w.assert_consistent().await;
}

// An item left in a deletion when another item was taken out of it, then cut off from its
// folders by the purge of a later deletion of those folders, can still be recreated: it goes
// back into the folder its own deletion took away.
#[tokio::test]
async fn a_member_cut_off_by_a_purge_is_recreated_where_its_deletion_began() {
    let w = world().await;
    let lib = w.library("L").await;
    let f = w.folder(&w.admin, &lib, "F").await;
    let g = w.folder(&w.admin, &f, "G").await;
    let a = w.doc(&w.admin, &g, "a", "a").await;
    let b = w.doc(&w.admin, &g, "b", "b").await;
    let first = w.repo.delete(&w.admin, f.id).await.unwrap();
    let recreate = RestoreOptions {
        missing_parent: MissingParent::Recreate,
        ..opts()
    };
    // Taking `a` out brings F and G back and leaves `b` alone in the first deletion.
    w.repo
        .restore_one(&w.admin, TrashItem::Node(a.id), recreate.clone())
        .await
        .unwrap();
    let second = w.repo.delete(&w.admin, f.id).await.unwrap();
    w.repo.purge(&w.admin, &[rec(&second)]).await.unwrap();

    let restored = w.repo.restore_one(&w.admin, rec(&first), recreate).await.unwrap();
    assert_eq!(restored.node_id, b.id);
    assert_eq!(restored.path, "/L/F/b");
    assert_eq!(w.content(&w.admin, b.id).await, "b");
    assert_eq!(
        w.repo.restore_one(&w.admin, rec(&first), opts()).await.unwrap_err(),
        Error::NotInTrash(None)
    );
    w.assert_consistent().await;
}

#[tokio::test]
async fn restoring_twice_says_it_is_no_longer_in_the_trash() {
    let w = world().await;
    let lib = w.library("L").await;
    let d = w.doc(&w.admin, &lib, "d", "x").await;
    let r = w.repo.delete(&w.admin, d.id).await.unwrap();
    w.repo.restore_one(&w.admin, rec(&r), opts()).await.unwrap();
    assert_eq!(
        w.repo.restore_one(&w.admin, rec(&r), opts()).await.unwrap_err(),
        Error::NotInTrash(None)
    );
    assert_eq!(
        w.repo
            .restore_one(&w.admin, TrashItem::Node(d.id), opts())
            .await
            .unwrap_err(),
        Error::NotInTrash(Some(NodeKind::Document))
    );
}

// Rule 8: bulk restore by filter.
#[tokio::test]
async fn bulk_restore_by_filter_takes_only_what_matches() {
    let w = world().await;
    let mallory = w.user("mallory", Role::IpsUser).await;
    let alice = w.user("alice", Role::IpsUser).await;
    let fin = w.library("Finance").await;
    let hr = w.library("HR").await;
    let mut early = Vec::new();
    for i in 0..3 {
        let d = w.doc(&w.admin, &fin, &format!("early{i}.xls"), "x").await;
        early.push(w.repo.delete(&mallory, d.id).await.unwrap());
    }
    w.later(1);
    let since = w.repo.clock().now();
    for i in 0..5 {
        let d = w.doc(&w.admin, &fin, &format!("sheet{i}.xls"), "x").await;
        w.repo.delete(&mallory, d.id).await.unwrap();
    }
    let hr_doc = w.doc(&w.admin, &hr, "people.xls", "x").await;
    w.repo.delete(&mallory, hr_doc.id).await.unwrap();
    let alices = w.doc(&w.admin, &fin, "alice.xls", "x").await;
    w.repo.delete(&alice, alices.id).await.unwrap();
    let folder = w.folder(&w.admin, &fin, "sheets folder").await;
    w.repo.delete(&mallory, folder.id).await.unwrap();

    let filter = TrashFilter {
        deleted_by: Some(mallory.user_id),
        since: Some(since),
        path_prefix: Some("/Finance".into()),
        name_contains: Some("SHEET".into()),
        kind: Some(NodeKind::Document),
        ..Default::default()
    };
    let dry = w.repo.restore_matching(&w.admin, &filter, opts(), true).await.unwrap();
    assert_eq!(dry.counts(), (5, 0, 0));
    assert_eq!(w.all_trash().await.len(), 11, "the dry run changed nothing");
    let done = w.repo.restore_matching(&w.admin, &filter, opts(), false).await.unwrap();
    assert_eq!(done.counts(), (5, 0, 0));
    for i in 0..5 {
        assert!(w.exists(&format!("/Finance/sheet{i}.xls")).await);
    }
    assert_eq!(
        w.all_trash().await.len(),
        6,
        "early ones, HR, alice's and the folder stay"
    );
    w.assert_consistent().await;
}
