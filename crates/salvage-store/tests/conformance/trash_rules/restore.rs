//! Rules 1–6: one atomic deletion, restores that bring back exactly what went, targets,
//! conflicts, one item out of a trashed folder, preflight.

use crate::support::*;
use salvage_core::acl::{AclEntry, Principal, Right};
use salvage_core::model::*;
use salvage_core::store::AuditFilter;
use salvage_core::trash::{MissingParent, OnConflict, Outcome, RestoreOptions, Target, TrashItem};
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

// Rule 3: targets.
#[tokio::test]
async fn restore_to_an_explicit_folder() {
    let w = world().await;
    let lib = w.library("L").await;
    let archive = w.folder(&w.admin, &lib, "Archive").await;
    let doc = w.doc(&w.admin, &lib, "d.txt", "x").await;
    let record = w.repo.delete(&w.admin, doc.id).await.unwrap();
    let r = w
        .repo
        .restore_one(
            &w.admin,
            rec(&record),
            RestoreOptions {
                target: Target::Folder(archive.id),
                ..opts()
            },
        )
        .await
        .unwrap();
    assert_eq!(r.path, "/L/Archive/d.txt");
    assert_eq!(w.repo.resolve(&w.admin, "/L/Archive/d.txt").await.unwrap().id, doc.id);
    w.assert_consistent().await;
}

#[tokio::test]
async fn missing_original_parent_errors_recreates_or_falls_back() {
    let w = world().await;
    let lib = w.library("L").await;
    let a = w.folder(&w.admin, &lib, "A").await;
    let b = w.folder(&w.admin, &a, "B").await;
    let doc = w.doc(&w.admin, &b, "d.txt", "x").await;
    let fallback = w.folder(&w.admin, &lib, "Lost and found").await;
    let doc_record = w.repo.delete(&w.admin, doc.id).await.unwrap();
    let folder_record = w.repo.delete(&w.admin, a.id).await.unwrap();

    // error
    let err = w
        .repo
        .restore_one(&w.admin, rec(&doc_record), opts())
        .await
        .unwrap_err();
    assert_eq!(err, Error::OriginalLocationMissing);
    // an explicit target that is itself in the trash is "not found"
    let err = w
        .repo
        .restore_one(
            &w.admin,
            rec(&doc_record),
            RestoreOptions {
                target: Target::Folder(b.id),
                ..opts()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err, Error::TargetNotFound);
    // fallback
    let options = RestoreOptions {
        missing_parent: MissingParent::Fallback(fallback.id),
        ..opts()
    };
    let report = w.repo.preflight(&w.admin, &[rec(&doc_record)], options).await.unwrap();
    assert!(matches!(&report.results[0].outcome, Outcome::Restored(r) if r.path == "/L/Lost and found/d.txt"));
    // recreate: new folders along the original path; the deleted folder stays in the trash
    let options = RestoreOptions {
        missing_parent: MissingParent::Recreate,
        ..opts()
    };
    let r = w.repo.restore_one(&w.admin, rec(&doc_record), options).await.unwrap();
    assert_eq!(r.path, "/L/A/B/d.txt");
    let recreated_a = w.repo.resolve(&w.admin, "/L/A").await.unwrap();
    assert_ne!(recreated_a.id, a.id, "a new folder was made");
    assert_eq!(w.all_trash().await.len(), 1);
    // the old folder comes back beside it, renamed, when asked
    let r = w
        .repo
        .restore_one(
            &w.admin,
            rec(&folder_record),
            RestoreOptions {
                on_conflict: OnConflict::Rename,
                ..opts()
            },
        )
        .await
        .unwrap();
    assert_eq!(r.path, "/L/A (restored)");
    w.assert_consistent().await;
}

// Rule 4: conflicts.
#[tokio::test]
async fn name_conflicts_fail_rename_or_skip_and_never_overwrite() {
    let w = world().await;
    let lib = w.library("L").await;
    let old = w.doc(&w.admin, &lib, "report.pdf", "old").await;
    let record = w.repo.delete(&w.admin, old.id).await.unwrap();
    let new = w.doc(&w.admin, &lib, "REPORT.pdf", "new").await;

    let err = w.repo.restore_one(&w.admin, rec(&record), opts()).await.unwrap_err();
    assert_eq!(err, Error::NameConflict("report.pdf".into()));

    let skip = RestoreOptions {
        on_conflict: OnConflict::Skip,
        ..opts()
    };
    let report = w.repo.restore(&w.admin, &[rec(&record)], skip).await.unwrap();
    assert!(matches!(
        report.results[0].outcome,
        Outcome::Skipped(Error::NameConflict(_))
    ));
    assert_eq!(w.all_trash().await.len(), 1, "skipped items stay in the trash");

    // a second, older "report (restored).pdf" is in the way too
    w.doc(&w.admin, &lib, "report (restored).pdf", "in the way").await;
    let rename = RestoreOptions {
        on_conflict: OnConflict::Rename,
        ..opts()
    };
    let r = w.repo.restore_one(&w.admin, rec(&record), rename).await.unwrap();
    assert_eq!(r.name, "report (restored 2).pdf");
    assert_eq!(r.renamed_from.as_deref(), Some("report.pdf"));
    assert_eq!(
        w.content(&w.admin, new.id).await,
        "new",
        "the live document is untouched"
    );
    assert_eq!(w.content(&w.admin, old.id).await, "old");
    w.assert_consistent().await;
}

// Rule 5: one item out of a trashed folder.
#[tokio::test]
async fn one_item_out_of_a_trashed_folder_to_another_folder() {
    let w = world().await;
    let lib = w.library("L").await;
    let f = w.folder(&w.admin, &lib, "F").await;
    let sub = w.folder(&w.admin, &f, "Sub").await;
    let a = w.doc(&w.admin, &sub, "a.txt", "aa").await;
    w.doc(&w.admin, &sub, "b.txt", "b").await;
    let record = w.repo.delete(&w.admin, f.id).await.unwrap();
    assert_eq!(record.item_count, 4);

    let r = w
        .repo
        .restore_one(
            &w.admin,
            TrashItem::Node(a.id),
            RestoreOptions {
                target: Target::Folder(lib.id),
                ..opts()
            },
        )
        .await
        .unwrap();
    assert_eq!(r.path, "/L/a.txt");
    let left = w.repo.trash_record(&w.admin, record.id).await.unwrap();
    assert_eq!(
        (left.item_count, left.total_size),
        (3, 1),
        "a moved out of the deletion"
    );
    w.repo.restore_one(&w.admin, rec(&record), opts()).await.unwrap();
    assert!(w.exists("/L/F/Sub/b.txt").await);
    assert!(!w.exists("/L/F/Sub/a.txt").await);
    w.assert_consistent().await;
}

#[tokio::test]
async fn one_item_out_of_a_trashed_folder_with_its_ancestors_leaves_the_rest_restorable_as_one() {
    let w = world().await;
    let lib = w.library("L").await;
    let f = w.folder(&w.admin, &lib, "F").await;
    let sub = w.folder(&w.admin, &f, "Sub").await;
    let other = w.folder(&w.admin, &f, "Other").await;
    let a = w.doc(&w.admin, &sub, "a.txt", "a").await;
    w.doc(&w.admin, &sub, "b.txt", "b").await;
    w.doc(&w.admin, &other, "c.txt", "c").await;
    w.doc(&w.admin, &f, "top.txt", "t").await;
    let record = w.repo.delete(&w.admin, f.id).await.unwrap();

    let recreate = RestoreOptions {
        missing_parent: MissingParent::Recreate,
        ..opts()
    };
    let r = w
        .repo
        .restore_one(&w.admin, TrashItem::Node(a.id), recreate)
        .await
        .unwrap();
    assert_eq!(r.path, "/L/F/Sub/a.txt");
    assert_eq!(
        w.repo.resolve(&w.admin, "/L/F").await.unwrap().id,
        f.id,
        "the same folders came back"
    );
    assert_eq!(w.repo.resolve(&w.admin, "/L/F/Sub").await.unwrap().id, sub.id);
    assert!(!w.exists("/L/F/Sub/b.txt").await);
    assert!(!w.exists("/L/F/Other").await);
    assert!(!w.exists("/L/F/top.txt").await);
    let left = w.repo.trash_record(&w.admin, record.id).await.unwrap();
    assert_eq!(left.item_count, 4, "b, Other, c and top.txt stay in the same deletion");
    w.assert_consistent().await;

    w.repo.restore_one(&w.admin, rec(&record), opts()).await.unwrap();
    for p in ["/L/F/Sub/b.txt", "/L/F/Other/c.txt", "/L/F/top.txt", "/L/F/Sub/a.txt"] {
        assert!(w.exists(p).await, "{p}");
    }
    assert!(w.all_trash().await.is_empty());
    w.assert_consistent().await;
}

#[tokio::test]
async fn an_item_inside_a_trashed_folder_without_recreate_reports_the_missing_parent() {
    let w = world().await;
    let lib = w.library("L").await;
    let f = w.folder(&w.admin, &lib, "F").await;
    let a = w.doc(&w.admin, &f, "a.txt", "a").await;
    w.repo.delete(&w.admin, f.id).await.unwrap();
    let err = w
        .repo
        .restore_one(&w.admin, TrashItem::Node(a.id), opts())
        .await
        .unwrap_err();
    assert_eq!(err, Error::OriginalLocationMissing);
}

// Found by the state-machine test: an item inside a trashed folder carries no mark of its own,
// and moving it under its old name before renaming it broke the unique index of live names.
#[tokio::test]
async fn one_item_out_of_a_trashed_folder_is_renamed_when_its_name_is_taken_at_the_target() {
    let w = world().await;
    let lib = w.library("L").await;
    let f = w.folder(&w.admin, &lib, "F").await;
    let a = w.doc(&w.admin, &f, "a.txt", "old").await;
    w.doc(&w.admin, &f, "b.txt", "b").await;
    let live = w.doc(&w.admin, &lib, "A.txt", "new").await;
    let record = w.repo.delete(&w.admin, f.id).await.unwrap();

    for options in [
        RestoreOptions {
            target: Target::Folder(lib.id),
            on_conflict: OnConflict::Rename,
            ..opts()
        },
        RestoreOptions {
            missing_parent: MissingParent::Fallback(lib.id),
            on_conflict: OnConflict::Rename,
            ..opts()
        },
    ] {
        let report = w
            .repo
            .preflight(&w.admin, &[TrashItem::Node(a.id)], options)
            .await
            .unwrap();
        assert!(
            matches!(&report.results[0].outcome, Outcome::Restored(r) if r.name == "a (restored).txt"),
            "{:?}",
            report.results[0].outcome
        );
    }
    let r = w
        .repo
        .restore_one(
            &w.admin,
            TrashItem::Node(a.id),
            RestoreOptions {
                target: Target::Folder(lib.id),
                on_conflict: OnConflict::Rename,
                ..opts()
            },
        )
        .await
        .unwrap();
    assert_eq!((r.node_id, r.path.as_str()), (a.id, "/L/a (restored).txt"));
    assert_eq!(r.renamed_from.as_deref(), Some("a.txt"));
    assert_eq!(w.content(&w.admin, a.id).await, "old");
    assert_eq!(
        w.content(&w.admin, live.id).await,
        "new",
        "the live document is untouched"
    );
    let left = w.repo.trash_record(&w.admin, record.id).await.unwrap();
    assert_eq!(left.item_count, 2, "the folder and b.txt stay in the trash");
    w.assert_consistent().await;
}

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
