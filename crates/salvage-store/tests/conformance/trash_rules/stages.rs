//! Rule 9: the two stages, retention and purge (blob files freed after the grace delay, names
//! reserved while an item is in the trash, and released when a purge leaves it without a folder).

use crate::support::*;
use salvage_core::model::*;
use salvage_core::store::AuditFilter;
use salvage_core::trash::{MissingParent, RestoreOptions};
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
