//! Rules 9–11: the two bins, retention and purge; who may restore; the audit trail; reserved
//! names, listings and large subtrees.

use crate::support::*;
use salvage_core::acl::{AclEntry, Principal, Right};
use salvage_core::model::*;
use salvage_core::store::{AuditFilter, TrashFilter, TrashSort};
use salvage_core::trash::{MissingParent, RestoreOptions, Target, TrashItem};
use salvage_core::Error;

// Rule 9: two stages, retention, purge.
#[tokio::test]
async fn retention_moves_to_the_system_bin_then_purges_on_time() {
    let w = world().await;
    let lib = w.library("L").await;
    let settings = TrashSettings {
        user_bin_days: 2,
        system_bin_days: 3,
        ..TrashSettings::default()
    };
    w.repo.set_trash_settings(&w.admin, settings).await.unwrap();
    let d = w.doc(&w.admin, &lib, "d.txt", "content").await;
    let r = w.repo.delete(&w.admin, d.id).await.unwrap();

    w.later(47);
    assert_eq!(w.repo.sweep().await.unwrap().moved_to_system_bin, 0);
    w.later(2);
    let report = w.repo.sweep().await.unwrap();
    assert_eq!(report.moved_to_system_bin, 1);
    assert_eq!(
        w.repo.trash_record(&w.admin, r.id).await.unwrap().stage,
        Stage::SystemBin
    );

    w.later(3 * 24 - 1);
    assert_eq!(w.repo.sweep().await.unwrap().purged, 0);
    w.later(2);
    assert_eq!(w.repo.sweep().await.unwrap().purged, 1);
    assert!(w.all_trash().await.is_empty());
    let events = w
        .repo
        .audit(&w.admin, &AuditFilter::default(), None, 100)
        .await
        .unwrap()
        .items;
    let actions: Vec<_> = events.iter().rev().map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec![
            AuditAction::Recycle,
            AuditAction::MoveToSystemBin,
            AuditAction::AutoPurge
        ]
    );
    w.assert_consistent().await;
}

#[tokio::test]
async fn purge_frees_blob_files_only_after_the_grace_delay() {
    let w = world().await;
    let lib = w.library("L").await;
    let f = w.folder(&w.admin, &lib, "F").await;
    let d = w.doc(&w.admin, &f, "d.txt", "unique content").await;
    w.doc(&w.admin, &lib, "same.txt", "shared content").await;
    w.doc(&w.admin, &f, "same-too.txt", "shared content").await;
    let sha = w.repo.versions(&w.admin, d.id).await.unwrap()[0].blob_sha256.clone();
    let shared = w.repo.resolve(&w.admin, "/L/same.txt").await.unwrap();
    let shared_sha = w.repo.versions(&w.admin, shared.id).await.unwrap()[0]
        .blob_sha256
        .clone();
    let file = w.dir.path().join("blobs").join(&sha[0..2]).join(&sha[2..4]).join(&sha);
    let shared_file = w
        .dir
        .path()
        .join("blobs")
        .join(&shared_sha[0..2])
        .join(&shared_sha[2..4])
        .join(&shared_sha);
    assert!(file.exists());

    let r = w.repo.delete(&w.admin, f.id).await.unwrap();
    let purged = w.repo.purge(&w.admin, &[rec(&r)]).await.unwrap();
    assert!(purged[0].outcome.is_ok());
    assert_eq!(w.repo.collect_garbage().await.unwrap(), 0);
    assert!(file.exists(), "kept during the grace delay");
    w.later(GRACE_HOURS + 1);
    assert_eq!(w.repo.collect_garbage().await.unwrap(), 1);
    assert!(!file.exists());
    assert!(shared_file.exists(), "still used by a live document");
    w.assert_consistent().await;
}

#[tokio::test]
async fn purging_a_folder_keeps_items_deleted_from_it_earlier() {
    let w = world().await;
    let lib = w.library("L").await;
    let f = w.folder(&w.admin, &lib, "F").await;
    let early = w.doc(&w.admin, &f, "early.txt", "e").await;
    w.doc(&w.admin, &f, "late.txt", "l").await;
    let early_r = w.repo.delete(&w.admin, early.id).await.unwrap();
    let folder_r = w.repo.delete(&w.admin, f.id).await.unwrap();
    w.repo.purge(&w.admin, &[rec(&folder_r)]).await.unwrap();
    w.assert_consistent().await;

    assert_eq!(w.all_trash().await.len(), 1);
    let err = w.repo.restore_one(&w.admin, rec(&early_r), opts()).await.unwrap_err();
    assert_eq!(err, Error::OriginalLocationMissing);
    let r = w
        .repo
        .restore_one(
            &w.admin,
            rec(&early_r),
            RestoreOptions {
                missing_parent: MissingParent::Recreate,
                ..opts()
            },
        )
        .await
        .unwrap();
    assert_eq!(r.path, "/L/F/early.txt");
    assert_eq!(w.content(&w.admin, early.id).await, "e");
    w.assert_consistent().await;
}

#[tokio::test]
async fn emptying_moves_only_the_callers_items_to_the_system_bin() {
    let w = world().await;
    let bob = w.user("bob", Role::IpsUser).await;
    let carol = w.user("carol", Role::IpsUser).await;
    let lib = w.library("L").await;
    let b = w.doc(&w.admin, &lib, "b", "b").await;
    let c = w.doc(&w.admin, &lib, "c", "c").await;
    let br = w.repo.delete(&bob, b.id).await.unwrap();
    let cr = w.repo.delete(&carol, c.id).await.unwrap();
    assert_eq!(w.repo.empty(&bob, false).await.unwrap(), 1);
    assert_eq!(
        w.repo.trash_record(&w.admin, br.id).await.unwrap().stage,
        Stage::SystemBin
    );
    assert_eq!(
        w.repo.trash_record(&w.admin, cr.id).await.unwrap().stage,
        Stage::UserBin
    );
    assert_eq!(
        w.repo.restore_one(&bob, rec(&br), opts()).await.unwrap_err(),
        Error::AccessDenied,
        "the system bin is for administrators"
    );
    w.repo.restore_one(&w.admin, rec(&br), opts()).await.unwrap();
    assert!(matches!(
        w.repo.empty(&bob, true).await,
        Err(Error::PermissionDenied(_))
    ));
}

// Rule 10: who may.
#[tokio::test]
async fn only_the_deleter_or_an_administrator_may_restore() {
    let w = world().await;
    let bob = w.user("bob", Role::IpsUser).await;
    let eve = w.user("eve", Role::IpsUser).await;
    let lib = w.library("L").await;
    let d = w.doc(&w.admin, &lib, "d", "x").await;
    let r = w.repo.delete(&bob, d.id).await.unwrap();

    assert_eq!(
        w.repo.restore_one(&eve, rec(&r), opts()).await.unwrap_err(),
        Error::NotInTrash(None),
        "eve does not even see it: it answers as an unknown item would"
    );
    assert!(w.repo.trash_record(&eve, r.id).await.is_err());

    assert!(w
        .repo
        .trash(&eve, &TrashFilter::default(), TrashSort::default(), None, 100)
        .await
        .unwrap()
        .items
        .is_empty());
    assert!(
        matches!(w.repo.purge(&bob, &[rec(&r)]).await, Err(Error::PermissionDenied(_))),
        "purge is an administrator right"
    );
    assert!(!w.exists("/L/d").await, "refused calls changed nothing");
    w.repo.restore_one(&bob, rec(&r), opts()).await.unwrap();
    assert!(w.exists("/L/d").await);
    // Bob sees his own deletion in the system bin, but only an administrator takes it out.
    let r = w.repo.delete(&bob, d.id).await.unwrap();
    w.repo.empty(&bob, false).await.unwrap();
    assert_eq!(
        w.repo.restore_one(&bob, rec(&r), opts()).await.unwrap_err(),
        Error::AccessDenied
    );
}

#[tokio::test]
async fn restoring_needs_the_right_to_add_in_the_target_folder() {
    let w = world().await;
    let bob = w.user("bob", Role::IpsUser).await;
    let lib = w.library("L").await;
    let mine = w.folder(&w.admin, &lib, "Mine").await;
    let locked = w.folder(&w.admin, &lib, "Locked").await;
    w.repo
        .set_access_list(
            &w.admin,
            locked.id,
            false,
            &[AclEntry {
                principal: Principal::Members,
                right: Right::Read,
            }],
            false,
        )
        .await
        .unwrap();
    let d = w.doc(&bob, &mine, "d", "x").await;
    let r = w.repo.delete(&bob, d.id).await.unwrap();
    let err = w
        .repo
        .restore_one(
            &bob,
            rec(&r),
            RestoreOptions {
                target: Target::Folder(locked.id),
                ..opts()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err, Error::InsufficientRights);
    w.repo.restore_one(&bob, rec(&r), opts()).await.unwrap();
}

#[tokio::test]
async fn the_any_trash_role_policy_lets_colleagues_restore() {
    let w = world().await;
    let bob = w.user("bob", Role::IpsUser).await;
    let eve = w.user("eve", Role::ImagePortalContrib).await;
    let viewer = w.user("viewer", Role::ImagePortalUser).await;
    let lib = w.library("L").await;
    let d = w.doc(&w.admin, &lib, "d", "x").await;
    let r = w.repo.delete(&bob, d.id).await.unwrap();
    let settings = TrashSettings {
        restore_policy: RestorePolicy::AnyTrashRole,
        ..TrashSettings::default()
    };
    w.repo.set_trash_settings(&w.admin, settings).await.unwrap();
    // A role that may not work the trash sees no one else's deletions under the policy either.
    assert_eq!(
        w.repo.restore_one(&viewer, rec(&r), opts()).await.unwrap_err(),
        Error::NotInTrash(None)
    );
    w.repo.restore_one(&eve, rec(&r), opts()).await.unwrap();
}

// Rule 11: audit.
#[tokio::test]
async fn every_transition_is_audited() {
    let w = world().await;
    let lib = w.library("L").await;
    let archive = w.folder(&w.admin, &lib, "Archive").await;
    let d = w.doc(&w.admin, &lib, "d", "x").await;
    let e = w.doc(&w.admin, &lib, "e", "x").await;
    let r = w.repo.delete(&w.admin, d.id).await.unwrap();
    w.repo
        .restore_one(
            &w.admin,
            rec(&r),
            RestoreOptions {
                target: Target::Folder(archive.id),
                ..opts()
            },
        )
        .await
        .unwrap();
    let r2 = w.repo.delete(&w.admin, e.id).await.unwrap();
    w.repo.empty(&w.admin, false).await.unwrap();
    w.repo.purge(&w.admin, &[rec(&r2)]).await.unwrap();

    let events = w
        .repo
        .audit(&w.admin, &AuditFilter::default(), None, 100)
        .await
        .unwrap()
        .items;
    let summary: Vec<_> = events
        .iter()
        .rev()
        .map(|e| (e.action, e.from_path.as_str(), e.to_path.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (AuditAction::Recycle, "/L/d", ""),
            (AuditAction::Restore, "/L/d", "/L/Archive/d"),
            (AuditAction::Recycle, "/L/e", ""),
            (AuditAction::Empty, "/L/e", ""),
            (AuditAction::Purge, "/L/e", ""),
        ]
    );
    assert!(events.iter().all(|e| e.actor_id == Some(w.admin.user_id)));
    let only_restores = w
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
    assert_eq!(only_restores.items.len(), 1);
}

#[tokio::test]
async fn reserved_names_block_new_items_while_the_old_one_is_in_the_trash() {
    let w = world().await;
    let lib = w.library("L").await;
    let d = w.doc(&w.admin, &lib, "logo.png", "x").await;
    w.repo.delete(&w.admin, d.id).await.unwrap();
    w.repo
        .set_trash_settings(
            &w.admin,
            TrashSettings {
                names_reserved: true,
                ..TrashSettings::default()
            },
        )
        .await
        .unwrap();
    let err = w
        .repo
        .upload(&w.admin, lib.id, "LOGO.png", &mut &b"y"[..])
        .await
        .unwrap_err();
    assert_eq!(err, Error::NameConflict("LOGO.png".into()));
}

// Found by the state-machine test: purging a folder leaves items deleted from it earlier without
// a parent; they are not at the top level and must not reserve library names there.
#[tokio::test]
async fn items_left_without_a_folder_by_a_purge_reserve_no_library_name() {
    let w = world().await;
    w.repo
        .set_trash_settings(
            &w.admin,
            TrashSettings {
                names_reserved: true,
                ..TrashSettings::default()
            },
        )
        .await
        .unwrap();
    let lib = w.library("L").await;
    let f = w.folder(&w.admin, &lib, "F").await;
    let d = w.doc(&w.admin, &f, "Reports", "x").await;
    let early = w.repo.delete(&w.admin, d.id).await.unwrap();
    let folder = w.repo.delete(&w.admin, f.id).await.unwrap();
    w.repo.purge(&w.admin, &[rec(&folder)]).await.unwrap();
    assert_eq!(w.all_trash().await.len(), 1, "the document keeps its own deletion");

    w.repo.create_library(&w.admin, "reports").await.unwrap();
    // A trashed library still reserves its name.
    let old = w.library("Old").await;
    w.repo.delete(&w.admin, old.id).await.unwrap();
    assert_eq!(
        w.repo.create_library(&w.admin, "OLD").await.unwrap_err(),
        Error::NameConflict("OLD".into())
    );
    let r = w
        .repo
        .restore_one(
            &w.admin,
            rec(&early),
            RestoreOptions {
                missing_parent: MissingParent::Recreate,
                ..opts()
            },
        )
        .await
        .unwrap();
    assert_eq!(r.path, "/L/F/Reports");
    w.assert_consistent().await;
}

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
