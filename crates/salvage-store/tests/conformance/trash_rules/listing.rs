//! The trash listing's pages and filters, a large subtree deleted and restored whole, and single
//! items deleted, located and emptied on their own (rules 7 and 9 item by item).

use crate::support::*;
use salvage_core::model::*;
use salvage_core::store::{TrashFilter, TrashSort};
use salvage_core::trash::{RestoreOptions, TrashItem};
use salvage_core::Error;

#[tokio::test]
async fn trash_listing_pages_by_keyset_newest_first_with_filters() {
    let w = world().await;
    let lib = w.library("L").await;
    let big = w.folder(&w.admin, &lib, "big").await;
    for i in 0..25 {
        let d = w.doc(&w.admin, &lib, &format!("d{i:02}"), &"x".repeat(i)).await;
        w.repo.delete(&w.admin, d.id).await.unwrap();
        if i % 10 == 0 {
            w.later(1);
        }
    }
    w.repo.delete(&w.admin, big.id).await.unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = w
            .repo
            .trash(
                &w.admin,
                &TrashFilter::default(),
                TrashSort::default(),
                after.as_ref(),
                7,
            )
            .await
            .unwrap();
        seen.extend(page.items.iter().map(|r| r.name.clone()));
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 26);
    assert_eq!(seen[0], "big");
    assert_eq!(seen[25], "d00");
    let sized = TrashFilter {
        min_size: Some(10),
        max_size: Some(12),
        ..Default::default()
    };
    assert_eq!(w.repo.trash_count(&w.admin, &sized).await.unwrap(), 3);
    let folders = TrashFilter {
        kind: Some(NodeKind::Folder),
        ..Default::default()
    };
    assert_eq!(w.repo.trash_count(&w.admin, &folders).await.unwrap(), 1);
    let here = TrashFilter {
        original_parent: Some(lib.id),
        ..Default::default()
    };
    assert_eq!(
        w.repo.trash_count(&w.admin, &here).await.unwrap(),
        26,
        "deleted in this folder"
    );
}

#[tokio::test]
async fn a_large_subtree_is_deleted_and_restored_whole() {
    let w = world().await;
    let lib = w.library("L").await;
    let root = w.folder(&w.admin, &lib, "root").await;
    let mut count = 1;
    for i in 0..10 {
        let f = w.folder(&w.admin, &root, &format!("f{i}")).await;
        count += 1;
        for j in 0..10 {
            w.doc(&w.admin, &f, &format!("d{j}"), "x").await;
            count += 1;
        }
    }
    let r = w.repo.delete(&w.admin, root.id).await.unwrap();
    assert_eq!(r.item_count, count);
    assert_eq!(r.total_size, 100);
    w.repo.restore_one(&w.admin, rec(&r), opts()).await.unwrap();
    assert_eq!(
        w.repo.descendants(&w.admin, root.id, 10_000).await.unwrap().len() as i64,
        count - 1
    );
    w.assert_consistent().await;
}

// Rules 7 and 9 item by item: a batch delete reports per item; a single item emptied out of a
// deleted folder goes to the system bin alone, and the rest of that deletion stays restorable.
#[tokio::test]
async fn single_items_are_deleted_located_and_emptied_on_their_own() {
    let w = world().await;
    let lib = w.library("L").await;
    let folder = w.folder(&w.admin, &lib, "F").await;
    let a = w.doc(&w.admin, &folder, "a.jpg", "aa").await;
    let b = w.doc(&w.admin, &folder, "b.jpg", "bbb").await;
    let c = w.doc(&w.admin, &lib, "c.jpg", "c").await;

    let results = w.repo.delete_many(&w.admin, &[c.id, 987_654, c.id]).await.unwrap();
    assert!(results[0].is_ok());
    assert!(matches!(results[1], Err(Error::NotFound(_))));
    assert!(matches!(results[2], Err(Error::NotFound(_))), "already in the trash");
    w.repo.delete(&w.admin, folder.id).await.unwrap();

    let located = w
        .repo
        .locate_items(&w.admin, &[a.id, c.id, lib.id, 987_654])
        .await
        .unwrap();
    let states: Vec<_> = located.iter().map(|l| l.as_ref().map(|l| l.state)).collect();
    use salvage_core::trash::ItemState::*;
    assert_eq!(
        states,
        [
            Some(Trashed(Stage::UserBin)),
            Some(Trashed(Stage::UserBin)),
            Some(Live),
            None
        ]
    );
    assert_eq!(located[0].as_ref().unwrap().folders, ["L", "F"]);
    let members = w.repo.trash_members(&w.admin, None, 100).await.unwrap();
    let mut ids: Vec<NodeId> = members.iter().map(|m| m.node.id).collect();
    ids.sort();
    assert_eq!(ids, [folder.id, a.id, b.id, c.id]);

    let emptied = w.repo.empty_items(&w.admin, &[a.id, lib.id, 987_654]).await.unwrap();
    assert!(emptied[0].is_ok());
    assert!(matches!(emptied[1], Err(Error::NotInTrash(Some(_)))));
    assert!(matches!(emptied[2], Err(Error::NotInTrash(None))));
    let located = w.repo.locate_items(&w.admin, &[a.id, b.id]).await.unwrap();
    assert_eq!(located[0].as_ref().unwrap().state, Trashed(Stage::SystemBin));
    assert_eq!(located[1].as_ref().unwrap().state, Trashed(Stage::UserBin));
    assert_eq!(
        w.all_trash().await.len(),
        3,
        "the emptied item has a deletion of its own"
    );

    // Restoring the folder's deletion brings it back without the emptied item.
    let folder_record = w
        .all_trash()
        .await
        .into_iter()
        .find(|r| r.root_node_id == folder.id)
        .unwrap();
    w.repo
        .restore_one(&w.admin, TrashItem::Record(folder_record.id), RestoreOptions::default())
        .await
        .unwrap();
    assert!(w.exists("/L/F/b.jpg").await);
    assert!(!w.exists("/L/F/a.jpg").await);
    w.assert_consistent().await;
}
