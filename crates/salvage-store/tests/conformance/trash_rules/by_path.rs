//! Rule 3, for clients that name things the way infoRouter does: a target folder by its path,
//! found inside the restore's own transaction, and a deletion restored only if it is of the
//! class the client's handle names (`only`). Both answer exactly as the id forms do.

use crate::support::*;
use salvage_core::model::Role;
use salvage_core::trash::{ItemClass, RestoreOptions, Target, TrashItem};
use salvage_core::Error;

fn to_path(path: &str) -> RestoreOptions {
    RestoreOptions {
        target: Target::Path(path.to_owned()),
        ..opts()
    }
}

#[tokio::test]
async fn a_target_named_by_path_is_found_inside_the_restore() {
    let w = world().await;
    let lib = w.library("L").await;
    let archive = w.folder(&w.admin, &lib, "Archive").await;
    let a = w.doc(&w.admin, &lib, "a.txt", "a").await;
    let b = w.doc(&w.admin, &lib, "b.txt", "b").await;
    let a_record = w.repo.delete(&w.admin, a.id).await.unwrap();
    let b_record = w.repo.delete(&w.admin, b.id).await.unwrap();

    // Either separator, any case: the path is read as every face reads one.
    let r = w
        .repo
        .restore_one(&w.admin, rec(&a_record), to_path("\\l\\ARCHIVE"))
        .await
        .unwrap();
    assert_eq!(r.path, "/L/Archive/a.txt");
    assert_eq!(w.repo.resolve(&w.admin, "/L/Archive/a.txt").await.unwrap().id, a.id);

    // No such folder, a document, a name no item may have: a target that does not exist.
    for path in ["/L/Nowhere", "/L/Archive/a.txt", "/L/bad\u{200B}name"] {
        let err = w
            .repo
            .restore_one(&w.admin, rec(&b_record), to_path(path))
            .await
            .unwrap_err();
        assert_eq!(err, Error::TargetNotFound, "{path}");
    }
    // A folder in the trash is no target either, as by id.
    w.repo.delete(&w.admin, archive.id).await.unwrap();
    let err = w
        .repo
        .restore_one(&w.admin, rec(&b_record), to_path("/L/Archive"))
        .await
        .unwrap_err();
    assert_eq!(err, Error::TargetNotFound);
    // The item's own checks come first: an item not in the bin is that, whatever the path.
    let err = w
        .repo
        .restore_one(&w.admin, rec(&a_record), to_path("/L/Nowhere"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotInTrash(_)), "{err:?}");
    w.assert_consistent().await;
}

#[tokio::test]
async fn a_folder_the_caller_may_not_see_is_no_target_by_path_either() {
    let w = world().await;
    let lib = w.library("L").await;
    let hidden = w.folder(&w.admin, &lib, "Hidden").await;
    w.repo
        .set_access_list(&w.admin, hidden.id, false, &[], false)
        .await
        .unwrap();
    let alice = w.user("alice", Role::IpsUser).await;
    let doc = w.doc(&alice, &lib, "d.txt", "x").await;
    let record = w.repo.delete(&alice, doc.id).await.unwrap();

    let hidden_err = w
        .repo
        .restore_one(&alice, rec(&record), to_path("/L/Hidden"))
        .await
        .unwrap_err();
    let unknown_err = w
        .repo
        .restore_one(&alice, rec(&record), to_path("/L/Unknown"))
        .await
        .unwrap_err();
    assert_eq!(hidden_err, unknown_err);
    assert_eq!(hidden_err, Error::TargetNotFound);
    w.assert_consistent().await;
}

#[tokio::test]
async fn a_deletion_of_another_class_is_not_in_the_trash_for_that_request() {
    let w = world().await;
    let lib = w.library("L").await;
    let folder = w.folder(&w.admin, &lib, "F").await;
    let doc = w.doc(&w.admin, &lib, "d.txt", "x").await;
    let folder_record = w.repo.delete(&w.admin, folder.id).await.unwrap();
    let doc_record = w.repo.delete(&w.admin, doc.id).await.unwrap();
    let only = |class| RestoreOptions {
        only: Some(class),
        ..opts()
    };

    // One by one (the per-item path) and as a batch (the set-based path) alike.
    let err = w
        .repo
        .restore_one(&w.admin, rec(&folder_record), only(ItemClass::Document))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotInTrash(_)), "{err:?}");
    let report = w
        .repo
        .restore(
            &w.admin,
            &[rec(&folder_record), rec(&doc_record)],
            only(ItemClass::Document),
        )
        .await
        .unwrap();
    assert!(refusal(&report.results[0].outcome).is_some_and(|e| matches!(e, Error::NotInTrash(_))));
    assert!(refusal(&report.results[1].outcome).is_none(), "{:?}", report.results[1]);
    assert!(w.exists("/L/d.txt").await && !w.exists("/L/F").await);

    let r = w
        .repo
        .restore_one(
            &w.admin,
            TrashItem::Record(folder_record.id),
            only(ItemClass::Container),
        )
        .await
        .unwrap();
    assert_eq!(r.path, "/L/F");
    w.assert_consistent().await;
}
