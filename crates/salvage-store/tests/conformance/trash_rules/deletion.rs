//! Rules 1 and 2: a deletion is one atomic step, the same for one document as for a folder tree,
//! and a restore brings back exactly what it removed, ids intact.

use crate::support::*;
use salvage_core::acl::{AclEntry, Principal, Right};
use salvage_core::model::*;
use salvage_core::trash::{RestoreOptions, Target};
use salvage_core::Error;

// Rule 1: one atomic step, the same for one document as for a folder tree.
#[tokio::test]
async fn deleting_a_folder_records_one_deletion_with_its_counts() {
    let w = world().await;
    let lib = w.library("Finance").await;
    let reports = w.folder(&w.admin, &lib, "Reports").await;
    let q1 = w.folder(&w.admin, &reports, "Q1").await;
    w.doc(&w.admin, &q1, "a.pdf", "aaaa").await;
    w.doc(&w.admin, &reports, "b.pdf", "bb").await;

    let record = w.repo.delete(&w.admin, reports.id).await.unwrap();
    assert_eq!(record.item_count, 4, "folder, subfolder and two documents");
    assert_eq!(record.total_size, 6);
    assert_eq!(record.original_path, "/Finance/Reports");
    assert_eq!(record.original_parent_id, Some(lib.id));
    assert_eq!(record.stage, Stage::UserBin);
    assert!(!w.exists("/Finance/Reports").await);
    assert!(!w.exists("/Finance/Reports/Q1/a.pdf").await);
    assert!(
        w.repo.node(&w.admin, q1.id).await.is_err(),
        "descendants are out of the live tree"
    );
    assert_eq!(w.all_trash().await.len(), 1, "one record, not one per node");
    w.assert_consistent().await;
}

// Rule 2: restore brings back exactly what the deletion removed, ids intact.
#[tokio::test]
async fn restoring_a_folder_does_not_bring_back_what_was_deleted_before_on_its_own() {
    let w = world().await;
    let lib = w.library("L").await;
    let f = w.folder(&w.admin, &lib, "F").await;
    let a = w.doc(&w.admin, &f, "a.txt", "a").await;
    let b = w.doc(&w.admin, &f, "b.txt", "b").await;

    let first = w.repo.delete(&w.admin, a.id).await.unwrap();
    let second = w.repo.delete(&w.admin, f.id).await.unwrap();
    assert_eq!(second.item_count, 2, "the folder and b; a belongs to its own deletion");

    w.repo.restore_one(&w.admin, rec(&second), opts()).await.unwrap();
    assert!(w.exists("/L/F/b.txt").await);
    assert!(!w.exists("/L/F/a.txt").await, "a stays in the trash");
    assert_eq!(w.repo.resolve(&w.admin, "/L/F/b.txt").await.unwrap().id, b.id);
    let trash = w.all_trash().await;
    assert_eq!(trash.len(), 1);
    assert_eq!(trash[0].id, first.id);

    w.repo.restore_one(&w.admin, rec(&first), opts()).await.unwrap();
    assert_eq!(w.repo.resolve(&w.admin, "/L/F/a.txt").await.unwrap().id, a.id);
    assert!(w.all_trash().await.is_empty());
    w.assert_consistent().await;
}

#[tokio::test]
async fn restore_keeps_ids_versions_access_lists_and_metadata() {
    let w = world().await;
    let bob = w.user("bob", Role::IpsUser).await;
    let lib = w.library("L").await;
    let f = w.folder(&w.admin, &lib, "F").await;
    let doc = w.doc(&w.admin, &f, "d.txt", "one").await;
    w.doc(&w.admin, &f, "d.txt", "two").await;
    let acl = vec![
        AclEntry {
            principal: Principal::Members,
            right: Right::Read,
        },
        AclEntry {
            principal: Principal::User(bob.user_id),
            right: Right::FullControl,
        },
    ];
    w.repo
        .set_access_list(&w.admin, f.id, false, &acl, false)
        .await
        .unwrap();
    let invoice = w.repo.create_doc_type(&w.admin, "Invoice").await.unwrap();
    w.repo.set_doc_type(&w.admin, doc.id, Some(invoice.id)).await.unwrap();
    w.repo.publish(&w.admin, doc.id, 1).await.unwrap();
    let before = w.repo.node(&w.admin, doc.id).await.unwrap();

    let record = w.repo.delete(&w.admin, f.id).await.unwrap();
    w.later(5);
    w.repo.restore_one(&w.admin, rec(&record), opts()).await.unwrap();

    let after = w.repo.node(&w.admin, doc.id).await.unwrap();
    assert_eq!(after, before, "same id, versions, type, published version, dates");
    let versions = w.repo.versions(&w.admin, doc.id).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(w.content(&w.admin, doc.id).await, "two");
    let (inherited, entries) = w.repo.access_list(&w.admin, f.id).await.unwrap();
    assert!(!inherited);
    assert_eq!(entries.len(), 2);
    assert_eq!(w.repo.node(&w.admin, f.id).await.unwrap().id, f.id);
    w.assert_consistent().await;
}

#[tokio::test]
async fn restore_resets_the_published_version_of_untyped_documents_where_the_library_requires_a_type() {
    let w = world().await;
    let strict = w.library("Strict").await;
    let relaxed = w.library("Relaxed").await;
    let doc = w.doc(&w.admin, &relaxed, "d.txt", "x").await;
    w.repo.publish(&w.admin, doc.id, 1).await.unwrap();
    w.repo.set_requires_doc_type(&w.admin, strict.id, true).await.unwrap();
    assert!(matches!(
        w.repo
            .publish(&w.admin, w.doc(&w.admin, &strict, "e.txt", "y").await.id, 1)
            .await,
        Err(Error::InvalidInput(_))
    ));

    let record = w.repo.delete(&w.admin, doc.id).await.unwrap();
    let options = RestoreOptions {
        target: Target::Folder(strict.id),
        ..opts()
    };
    w.repo.restore_one(&w.admin, rec(&record), options).await.unwrap();
    assert_eq!(w.repo.node(&w.admin, doc.id).await.unwrap().published_version, 0);
}
