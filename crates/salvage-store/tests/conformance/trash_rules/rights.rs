//! Rules 10 and 11: who may restore, and the audit of every transition.

use crate::support::*;
use salvage_core::acl::{AclEntry, Principal, Right};
use salvage_core::model::*;
use salvage_core::store::{AuditFilter, TrashFilter, TrashSort};
use salvage_core::trash::{RestoreOptions, Target};
use salvage_core::Error;

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
