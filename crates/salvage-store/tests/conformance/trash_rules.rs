//! One test (at least) per rule of the trash contract, DESIGN.md §3.

use crate::support::*;
use salvage_core::acl::{AclEntry, Principal, Right};
use salvage_core::model::*;
use salvage_core::store::{AuditFilter, TrashFilter, TrashSort};
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
        .restore_one(&w.admin, TrashItem::Node(a.id), recreate)
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
