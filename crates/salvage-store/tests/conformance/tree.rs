//! The repository around the trash: names, paths, moves, sessions and tenant isolation.

use crate::support::*;
use salvage_core::acl::{AclEntry, Principal, Right};
use salvage_core::model::*;
use salvage_core::{Destination, Error};

#[tokio::test]
async fn bad_names_are_refused_with_the_rule() {
    let w = world().await;
    let lib = w.library("L").await;
    for bad in ["", ".", "..", "a/b", "a\\b", "bell\u{7}", &"n".repeat(256)] {
        let err = w.repo.create_folder(&w.admin, lib.id, bad).await.unwrap_err();
        assert!(matches!(err, Error::InvalidName { .. }), "{bad:?} gave {err:?}");
        assert!(err.to_string().contains("name"), "{err}");
    }
    assert!(
        w.repo.descendants(&w.admin, lib.id, 100).await.unwrap().is_empty(),
        "nothing was created"
    );
}

#[tokio::test]
async fn unknown_paths_and_ids_are_not_found() {
    let w = world().await;
    w.library("L").await;
    assert!(matches!(
        w.repo.resolve(&w.admin, "/L/nope").await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(w.repo.node(&w.admin, 424242).await, Err(Error::NotFound(_))));
    assert!(matches!(w.repo.delete(&w.admin, 424242).await, Err(Error::NotFound(_))));
}

#[tokio::test]
async fn siblings_cannot_share_a_name_in_any_case() {
    let w = world().await;
    let lib = w.library("L").await;
    w.folder(&w.admin, &lib, "Reports").await;
    assert_eq!(
        w.repo.create_folder(&w.admin, lib.id, "REPORTS").await.unwrap_err(),
        Error::NameConflict("REPORTS".into())
    );
    let d = w.doc(&w.admin, &lib, "a.txt", "1").await;
    assert_eq!(
        w.repo.rename(&w.admin, d.id, "reports").await.unwrap_err(),
        Error::NameConflict("reports".into())
    );
    w.repo.rename(&w.admin, d.id, "A.TXT").await.unwrap();
}

#[tokio::test]
async fn uploading_the_same_name_adds_a_version() {
    let w = world().await;
    let lib = w.library("L").await;
    let first = w.doc(&w.admin, &lib, "a.txt", "1").await;
    let second = w.doc(&w.admin, &lib, "a.txt", "22").await;
    assert_eq!(first.id, second.id);
    assert_eq!(second.current_version, 2);
    assert_eq!(second.size, 2);
    let (v, _) = w.repo.open_version(&w.admin, first.id, Some(1)).await.unwrap();
    assert_eq!(v.size, 1);
}

#[tokio::test]
async fn moving_a_folder_moves_its_subtree_and_refuses_cycles() {
    let w = world().await;
    let lib = w.library("L").await;
    let a = w.folder(&w.admin, &lib, "A").await;
    let b = w.folder(&w.admin, &a, "B").await;
    let c = w.folder(&w.admin, &lib, "C").await;
    w.doc(&w.admin, &b, "d.txt", "x").await;
    assert!(matches!(
        w.repo.move_node(&w.admin, a.id, b.id).await,
        Err(Error::InvalidTarget(_))
    ));
    w.repo.move_node(&w.admin, a.id, c.id).await.unwrap();
    assert!(w.exists("/L/C/A/B/d.txt").await);
    assert!(!w.exists("/L/A").await);
    w.assert_consistent().await;
}

#[tokio::test]
async fn a_folder_moves_across_the_top_level_and_changes_kind() {
    let w = world().await;
    let bob = w.user("bob", Role::IpsUser).await;
    let images = w.library("Images").await;
    let video = w.library("Video").await;
    let spring = w.folder(&w.admin, &images, "Spring").await;
    w.doc(&w.admin, &spring, "hat.jpg", "x").await;
    // The plain move keeps libraries at the top level.
    assert!(matches!(
        w.repo.move_node(&w.admin, images.id, video.id).await,
        Err(Error::InvalidTarget(_))
    ));
    // Adding or taking away a library is an administrator's.
    for to in [Destination::Into(video.id), Destination::TopLevel] {
        let id = if to == Destination::TopLevel {
            spring.id
        } else {
            images.id
        };
        assert!(matches!(
            w.repo.move_folder(&bob, id, to).await,
            Err(Error::PermissionDenied(_))
        ));
    }
    let moved = w
        .repo
        .move_folder(&w.admin, images.id, Destination::Into(video.id))
        .await
        .unwrap();
    assert_eq!(
        (moved.id, moved.kind, moved.parent_id),
        (images.id, NodeKind::Folder, Some(video.id))
    );
    assert!(w.exists("/Video/Images/Spring/hat.jpg").await);
    w.assert_consistent().await;
    let moved = w
        .repo
        .move_folder(&w.admin, spring.id, Destination::TopLevel)
        .await
        .unwrap();
    assert_eq!((moved.kind, moved.parent_id, moved.depth), (NodeKind::Library, None, 0));
    assert!(w.exists("/Spring/hat.jpg").await);
    // A name taken at the top level, and a folder put inside itself.
    let other = w.folder(&w.admin, &video, "Spring").await;
    assert_eq!(
        w.repo
            .move_folder(&w.admin, other.id, Destination::TopLevel)
            .await
            .unwrap_err(),
        Error::NameConflict("Spring".into())
    );
    assert!(matches!(
        w.repo
            .move_folder(&w.admin, video.id, Destination::Into(images.id))
            .await,
        Err(Error::InvalidTarget(_))
    ));
    w.assert_consistent().await;
}

#[tokio::test]
async fn access_lists_are_inherited_until_a_folder_sets_its_own() {
    let w = world().await;
    let bob = w.user("bob", Role::IpsUser).await;
    let lib = w.library("L").await;
    let closed = w.folder(&w.admin, &lib, "Closed").await;
    let inner = w.folder(&w.admin, &closed, "Inner").await;
    let open = w.folder(&w.admin, &inner, "Open").await;
    w.repo
        .set_access_list(
            &w.admin,
            closed.id,
            false,
            &[AclEntry {
                principal: Principal::Members,
                right: Right::List,
            }],
            false,
        )
        .await
        .unwrap();
    w.repo
        .set_access_list(
            &w.admin,
            open.id,
            false,
            &[AclEntry {
                principal: Principal::User(bob.user_id),
                right: Right::Change,
            }],
            false,
        )
        .await
        .unwrap();
    assert!(matches!(
        w.repo.create_folder(&bob, inner.id, "x").await,
        Err(Error::PermissionDenied(_))
    ));
    w.repo.create_folder(&bob, open.id, "x").await.unwrap();
    let (inherited, entries) = w.repo.access_list(&bob, inner.id).await.unwrap();
    assert!(inherited);
    assert_eq!(
        entries,
        vec![AclEntry {
            principal: Principal::Members,
            right: Right::List
        }]
    );
    assert!(matches!(
        w.repo.delete(&bob, inner.id).await,
        Err(Error::PermissionDenied(_))
    ));
}

#[tokio::test]
async fn sessions_slide_expire_and_end_at_logout() {
    let w = world().await;
    assert_eq!(
        w.repo.login(None, "admin", "wrong", None).await.unwrap_err(),
        Error::AuthenticationFailed
    );
    assert_eq!(
        w.repo.login(None, "nobody", "admin-password", None).await.unwrap_err(),
        Error::AuthenticationFailed
    );
    let (ticket, actor) = w.repo.login(None, "ADMIN", "admin-password", None).await.unwrap();
    assert!(actor.is_admin);
    w.later(7);
    w.repo.authenticate(&ticket).await.unwrap();
    w.later(7);
    w.repo.authenticate(&ticket).await.expect("use slides the expiry");
    w.later(9);
    assert_eq!(w.repo.authenticate(&ticket).await.unwrap_err(), Error::InvalidTicket);

    let (ticket, _) = w
        .repo
        .login(None, "admin@localhost", "admin-password", None)
        .await
        .unwrap();
    w.repo.logout(&ticket).await.unwrap();
    assert_eq!(w.repo.authenticate(&ticket).await.unwrap_err(), Error::InvalidTicket);
}

#[tokio::test]
async fn init_is_idempotent_and_generates_a_password_once() {
    let w = world().await;
    let again = w.repo.init(None).await.unwrap();
    assert!(!again.tenant_created && !again.admin_created && again.generated_password.is_none());
    let users = w.repo.users(&w.admin).await.unwrap();
    assert_eq!(users.len(), 1);
    let groups = w.repo.groups(&w.admin).await.unwrap();
    assert!(groups.iter().any(|g| g.builtin && g.name == ADMINISTRATORS_GROUP));
}

#[tokio::test]
async fn another_tenants_ids_behave_like_unknown_ones() {
    let w = world().await;
    let lib = w.library("L").await;
    let d = w.doc(&w.admin, &lib, "d", "x").await;
    let r = w.repo.delete(&w.admin, d.id).await.unwrap();
    w.repo.create_tenant(&w.admin, "other").await.unwrap();
    let new = NewUser {
        username: "stranger".into(),
        email: String::new(),
        first_name: String::new(),
        last_name: String::new(),
        password: "password123".into(),
        is_system_admin: false,
    };
    let stranger = w.repo.create_user(&w.admin, &new, Role::IpsUser).await.unwrap();
    w.repo
        .add_membership(&w.admin, stranger.id, "other", Role::IpsCompanyAdmin)
        .await
        .unwrap();
    let outsider = w.repo.actor_by_name("other", "stranger").await.unwrap();
    assert!(outsider.is_admin, "an administrator, but of the other tenant");
    assert!(matches!(w.repo.node(&outsider, lib.id).await, Err(Error::NotFound(_))));
    assert_eq!(
        w.repo.restore_one(&outsider, rec(&r), opts()).await.unwrap_err(),
        Error::NotInTrash(None)
    );
    assert!(matches!(
        w.repo.trash_record(&outsider, r.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(w
        .repo
        .trash(&outsider, &Default::default(), Default::default(), None, 10)
        .await
        .unwrap()
        .items
        .is_empty());
    let purged = w.repo.purge(&outsider, &[rec(&r)]).await.unwrap();
    assert_eq!(purged[0].outcome.as_ref().unwrap_err(), &Error::NotInTrash(None));
    assert_eq!(w.all_trash().await.len(), 1, "nothing changed");
}

#[tokio::test]
async fn items_behind_no_access_are_not_found_by_id() {
    let w = world().await;
    let bob = w.user("bob", Role::IpsUser).await;
    let lib = w.library("L").await;
    let secret = w.folder(&w.admin, &lib, "Secret").await;
    let doc = w.doc(&w.admin, &secret, "plan.txt", "x").await;
    w.repo
        .set_access_list(
            &w.admin,
            secret.id,
            false,
            &[AclEntry {
                principal: Principal::Members,
                right: Right::NoAccess,
            }],
            false,
        )
        .await
        .unwrap();
    assert!(matches!(w.repo.node(&bob, secret.id).await, Err(Error::NotFound(_))));
    assert!(matches!(w.repo.node(&bob, doc.id).await, Err(Error::NotFound(_))));
    assert!(matches!(
        w.repo.resolve(&bob, "/L/Secret").await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(w.repo.node(&w.admin, doc.id).await.unwrap().id, doc.id);
}

#[tokio::test]
async fn listings_leave_out_what_the_caller_may_not_list() {
    let w = world().await;
    let bob = w.user("bob", Role::IpsUser).await;
    let lib = w.library("L").await;
    let open = w.folder(&w.admin, &lib, "Open").await;
    let closed = w.folder(&w.admin, &lib, "Closed").await;
    let reopened = w.folder(&w.admin, &closed, "Reopened").await;
    w.doc(&w.admin, &open, "a.txt", "a").await;
    w.doc(&w.admin, &closed, "secret.txt", "s").await;
    w.doc(&w.admin, &reopened, "shared.txt", "r").await;
    let only = |principal, right| [AclEntry { principal, right }];
    w.repo
        .set_access_list(
            &w.admin,
            closed.id,
            false,
            &only(Principal::Members, Right::NoAccess),
            false,
        )
        .await
        .unwrap();
    w.repo
        .set_access_list(
            &w.admin,
            reopened.id,
            false,
            &only(Principal::User(bob.user_id), Right::Read),
            false,
        )
        .await
        .unwrap();
    let names = |nodes: Vec<Node>| nodes.into_iter().map(|n| n.name).collect::<Vec<_>>();
    let seen = names(w.repo.descendants(&bob, lib.id, 100).await.unwrap());
    assert!(seen.contains(&"a.txt".to_owned()), "{seen:?}");
    assert!(!seen.contains(&"Closed".to_owned()), "{seen:?}");
    assert!(!seen.contains(&"secret.txt".to_owned()), "{seen:?}");
    assert!(
        seen.contains(&"Reopened".to_owned()) && seen.contains(&"shared.txt".to_owned()),
        "{seen:?}"
    );
    assert_eq!(names(w.repo.descendants(&w.admin, lib.id, 100).await.unwrap()).len(), 6);
    // Listing one level leaves them out the same way.
    let children = names(w.repo.children(&bob, Some(lib.id), None, 100).await.unwrap().items);
    assert_eq!(children, vec!["Open".to_owned()]);
    // A root the caller may not list is not found, as everywhere else.
    assert!(matches!(
        w.repo.descendants(&bob, closed.id, 100).await,
        Err(Error::NotFound(_))
    ));
}

#[tokio::test]
async fn documents_are_found_by_name_across_the_tenant_until_purged() {
    let w = world().await;
    let lib = w.library("L").await;
    let a = w.folder(&w.admin, &lib, "A").await;
    let b = w.folder(&w.admin, &lib, "B").await;
    let live = w.doc(&w.admin, &a, "Shoe.jpg", "1").await;
    let trashed = w.doc(&w.admin, &b, "shoe.png", "2").await;
    w.doc(&w.admin, &b, "shoe.box.png", "3").await;
    w.doc(&w.admin, &b, "shoes.png", "4").await;
    let record = w.repo.delete(&w.admin, trashed.id).await.unwrap();
    let taken = |stem: &'static str, except: Option<i64>| {
        let repo = w.repo.clone();
        let admin = w.admin.clone();
        async move { repo.document_stem_taken(&admin, stem, except).await.unwrap() }
    };
    // Live and trashed, in any case, by the name without its extension.
    assert!(taken("SHOE", Some(live.id)).await, "the trashed one holds it");
    assert!(taken("SHOE", Some(trashed.id)).await, "the live one holds it");
    assert!(taken("shoe.box", None).await, "shoe.box.png has its own stem");
    assert!(!taken("sho", None).await, "a part of a stem is not a stem");
    w.repo.purge(&w.admin, &[rec(&record)]).await.unwrap();
    assert!(taken("shoe", None).await);
    assert!(
        !taken("shoe", Some(live.id)).await,
        "purged, the trashed one no longer holds it"
    );
}
