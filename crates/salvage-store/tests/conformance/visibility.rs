//! The visibility rule (DESIGN.md §3 rule 12): what a caller cannot see where it is, or where it
//! was deleted from, is answered exactly like what does not exist, and a restore never grants
//! access.

use crate::support::*;
use salvage_core::acl::{AclEntry, Principal, Right};
use salvage_core::model::*;
use salvage_core::store::{TrashFilter, TrashSort};
use salvage_core::trash::{ItemState, RestoreOptions, Target, TrashItem};
use salvage_core::Error;

fn only(user: &Actor, right: Right) -> Vec<AclEntry> {
    vec![AclEntry {
        principal: Principal::User(user.user_id),
        right,
    }]
}

/// A tenant where `/Projects/Alpha/Secret` is hidden from alice (only bob may use it) while
/// alice may change everything else, and alice has a folder of her own, `/Home`.
struct Hidden {
    w: World,
    alice: Actor,
    bob: Actor,
    alpha: Node,
    secret: Node,
    salary: Node,
    notes: Node,
    home: Node,
}

async fn hidden() -> Hidden {
    let w = world().await;
    let alice = w.user("alice", Role::IpsUser).await;
    let bob = w.user("bob", Role::IpsUser).await;
    let projects = w.library("Projects").await;
    let alpha = w.folder(&w.admin, &projects, "Alpha").await;
    let secret = w.folder(&w.admin, &alpha, "Secret").await;
    w.repo
        .set_access_list(&w.admin, secret.id, false, &only(&bob, Right::Change), false)
        .await
        .unwrap();
    let salary = w.doc(&w.admin, &secret, "salary-2026.txt", "confidential").await;
    let notes = w.doc(&w.admin, &alpha, "notes.txt", "open").await;
    let home = w.library("Home").await;
    Hidden {
        w,
        alice,
        bob,
        alpha,
        secret,
        salary,
        notes,
        home,
    }
}

/// The error text with every number as `#`, so the answers for two ids can be compared.
fn shape(e: &Error) -> String {
    let text = e.to_string();
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    format!("{} {out}", e.code())
}

const UNKNOWN: NodeId = 987_654;

#[tokio::test]
async fn a_deletion_never_opens_the_way_to_a_hidden_member() {
    let h = hidden().await;
    let (w, alice) = (&h.w, &h.alice);
    let record = w.repo.delete(alice, h.alpha.id).await.expect("alice may delete Alpha");

    // The deletion's contents leave out what alice may not see where it was.
    let contents: Vec<NodeId> = w
        .repo
        .trash_contents(alice, record.id, 100)
        .await
        .unwrap()
        .iter()
        .map(|n| n.id)
        .collect();
    assert_eq!(contents, vec![h.alpha.id, h.notes.id]);
    let all: Vec<NodeId> = w
        .repo
        .trash_contents(&w.admin, record.id, 100)
        .await
        .unwrap()
        .iter()
        .map(|n| n.id)
        .collect();
    assert!(all.contains(&h.salary.id), "the administrator sees everything");

    // Picking the hidden document out into her own folder is answered as for an unknown id,
    // by restore and preflight alike, and changes nothing.
    let to_home = RestoreOptions {
        target: Target::Folder(h.home.id),
        ..opts()
    };
    for item in [TrashItem::Node(h.salary.id), TrashItem::Node(h.secret.id)] {
        let hidden = w.repo.restore_one(alice, item, to_home.clone()).await.unwrap_err();
        let unknown = w
            .repo
            .restore_one(alice, TrashItem::Node(UNKNOWN), to_home.clone())
            .await
            .unwrap_err();
        assert_eq!(shape(&hidden), shape(&unknown));
        let report = w.repo.preflight(alice, &[item], to_home.clone()).await.unwrap();
        let predicted = refusal(&report.results[0].outcome).unwrap();
        assert_eq!(shape(predicted), shape(&unknown));
    }
    assert!(w.repo.locate_items(alice, &[h.salary.id]).await.unwrap()[0].is_none());

    // The whole deletion may not go elsewhere either: Secret would go with it.
    let refused = w
        .repo
        .restore_one(alice, rec(&record), to_home.clone())
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::WouldGrantAccess(_)), "{refused:?}");
    // A visible member alone may.
    let notes = w
        .repo
        .restore_one(alice, TrashItem::Node(h.notes.id), to_home)
        .await
        .unwrap();
    assert_eq!(notes.path, "/Home/notes.txt");

    // In place it changes nobody's access, and stays allowed to the deleter.
    w.repo.restore_one(alice, rec(&record), opts()).await.unwrap();
    assert!(w.exists("/Projects/Alpha/Secret/salary-2026.txt").await);
    let opened = w.repo.open_version(alice, h.salary.id, None).await;
    assert!(matches!(opened, Err(Error::NotFound(_))));
    assert_eq!(w.content(&h.bob, h.salary.id).await, "confidential");
    w.assert_consistent().await;
}

#[tokio::test]
async fn the_any_trash_role_policy_widens_who_may_restore_never_what_they_see() {
    let h = hidden().await;
    let (w, alice, bob) = (&h.w, &h.alice, &h.bob);
    let mut settings = w.repo.tenant(&w.admin).await.unwrap().settings;
    settings.restore_policy = RestorePolicy::AnyTrashRole;
    w.repo.set_trash_settings(&w.admin, settings).await.unwrap();
    let hidden = w.repo.delete(bob, h.salary.id).await.unwrap();
    let visible = w.repo.delete(bob, h.notes.id).await.unwrap();

    let everything = TrashFilter::default();
    let listed: Vec<RecordId> = w
        .repo
        .trash(alice, &everything, TrashSort::default(), None, 100)
        .await
        .unwrap()
        .items
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(
        listed,
        vec![visible.id],
        "bob's deletion she may see, and only that one"
    );
    assert_eq!(w.repo.trash_count(alice, &everything).await.unwrap(), 1);
    assert_eq!(w.repo.trash_count(bob, &everything).await.unwrap(), 2);
    let by_name = TrashFilter {
        name_contains: Some("salary".into()),
        ..TrashFilter::default()
    };
    let report = w.repo.restore_matching(alice, &by_name, opts(), true).await.unwrap();
    assert!(report.results.is_empty(), "a filter never reaches what she may not see");
    assert!(matches!(
        w.repo.trash_record(alice, hidden.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(w.repo.trash_contents(alice, hidden.id, 10).await.is_err());
    let members = w.repo.trash_members(alice, None, 100).await.unwrap();
    assert!(members.iter().all(|m| m.node.id != h.salary.id));

    // Restoring, emptying: as for an unknown item.
    let unknown = w
        .repo
        .restore_one(alice, TrashItem::Record(UNKNOWN), opts())
        .await
        .unwrap_err();
    for item in [rec(&hidden), TrashItem::Node(h.salary.id)] {
        let refused = w.repo.restore_one(alice, item, opts()).await.unwrap_err();
        assert_eq!(shape(&refused), shape(&unknown));
    }
    let emptied = w.repo.empty_items(alice, &[h.salary.id, UNKNOWN]).await.unwrap();
    assert_eq!(
        shape(emptied[0].as_ref().unwrap_err()),
        shape(emptied[1].as_ref().unwrap_err())
    );
    // Emptying her whole bin leaves bob's items alone, as ever.
    w.repo.empty(alice, false).await.unwrap();
    assert_eq!(w.repo.trash_record(bob, hidden.id).await.unwrap().stage, Stage::UserBin);

    // What she may see, she may restore: the policy widens who.
    w.repo.restore_one(alice, rec(&visible), opts()).await.unwrap();
    w.repo.restore_one(bob, rec(&hidden), opts()).await.unwrap();
    w.assert_consistent().await;
}

#[tokio::test]
async fn hidden_live_items_answer_like_unknown_ones() {
    let h = hidden().await;
    let (w, alice) = (&h.w, &h.alice);
    let (hidden, folder) = (h.salary.id, h.secret.id);
    let pairs: Vec<(&str, Error, Error)> = vec![
        (
            "node",
            w.repo.node(alice, hidden).await.unwrap_err(),
            w.repo.node(alice, UNKNOWN).await.unwrap_err(),
        ),
        (
            "rename",
            w.repo.rename(alice, hidden, "x.txt").await.unwrap_err(),
            w.repo.rename(alice, UNKNOWN, "x.txt").await.unwrap_err(),
        ),
        (
            "move away",
            w.repo.move_node(alice, hidden, h.home.id).await.unwrap_err(),
            w.repo.move_node(alice, UNKNOWN, h.home.id).await.unwrap_err(),
        ),
        (
            "move into",
            w.repo.move_node(alice, h.notes.id, folder).await.unwrap_err(),
            w.repo.move_node(alice, h.notes.id, UNKNOWN).await.unwrap_err(),
        ),
        (
            "delete",
            w.repo.delete(alice, hidden).await.unwrap_err(),
            w.repo.delete(alice, UNKNOWN).await.unwrap_err(),
        ),
        (
            "versions",
            w.repo.versions(alice, hidden).await.unwrap_err(),
            w.repo.versions(alice, UNKNOWN).await.unwrap_err(),
        ),
        (
            "download",
            w.repo.open_version(alice, hidden, None).await.err().unwrap(),
            w.repo.open_version(alice, UNKNOWN, None).await.err().unwrap(),
        ),
        (
            "access list",
            w.repo.access_list(alice, folder).await.unwrap_err(),
            w.repo.access_list(alice, UNKNOWN).await.unwrap_err(),
        ),
        (
            "set access list",
            w.repo
                .set_access_list(alice, folder, true, &[], false)
                .await
                .unwrap_err(),
            w.repo
                .set_access_list(alice, UNKNOWN, true, &[], false)
                .await
                .unwrap_err(),
        ),
        (
            "new folder inside",
            w.repo.create_folder(alice, folder, "x").await.unwrap_err(),
            w.repo.create_folder(alice, UNKNOWN, "x").await.unwrap_err(),
        ),
        (
            "upload inside",
            w.repo.upload(alice, folder, "x.txt", &mut &b"x"[..]).await.unwrap_err(),
            w.repo
                .upload(alice, UNKNOWN, "x.txt", &mut &b"x"[..])
                .await
                .unwrap_err(),
        ),
        (
            "children",
            w.repo.children(alice, Some(folder), None, 10).await.unwrap_err(),
            w.repo.children(alice, Some(UNKNOWN), None, 10).await.unwrap_err(),
        ),
        (
            "publish",
            w.repo.publish(alice, hidden, 1).await.unwrap_err(),
            w.repo.publish(alice, UNKNOWN, 1).await.unwrap_err(),
        ),
        (
            "resolve",
            w.repo
                .resolve(alice, "/Projects/Alpha/Secret/salary-2026.txt")
                .await
                .unwrap_err(),
            w.repo
                .resolve(alice, "/Projects/Alpha/Secret/salary-2027.txt")
                .await
                .unwrap_err(),
        ),
    ];
    for (what, hidden, unknown) in pairs {
        assert_eq!(shape(&hidden), shape(&unknown), "{what}");
        if what == "resolve" {
            continue; // it repeats the path the caller typed, nothing more
        }
        assert!(!hidden.to_string().contains("salary"), "{what}: {hidden}");
        assert!(!hidden.to_string().contains("Secret"), "{what}: {hidden}");
    }
    // Listings leave it out.
    let alpha = w.repo.children(alice, Some(h.alpha.id), None, 10).await.unwrap();
    assert_eq!(
        alpha.items.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
        ["notes.txt"]
    );
    let below = w.repo.descendants(alice, h.alpha.id, 100).await.unwrap();
    assert!(below.iter().all(|n| n.id != hidden && n.id != folder));
    assert!(w
        .repo
        .locate_items(alice, &[hidden, folder])
        .await
        .unwrap()
        .iter()
        .all(Option::is_none));
    w.assert_consistent().await;
}

#[tokio::test]
async fn a_clash_with_a_hidden_name_says_only_that_the_name_is_taken() {
    let h = hidden().await;
    let (w, alice) = (&h.w, &h.alice);
    for e in [
        w.repo.create_folder(alice, h.alpha.id, "Secret").await.unwrap_err(),
        w.repo.create_folder(alice, h.alpha.id, "SECRET").await.unwrap_err(),
        w.repo
            .ensure_folder_path(alice, "/Projects/Alpha/Secret/Inner")
            .await
            .unwrap_err(),
        w.repo
            .upload(alice, h.alpha.id, "Secret", &mut &b"x"[..])
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(e, Error::NameConflict(_)), "{e:?}");
        assert!(!e.to_string().contains(&h.secret.id.to_string()), "{e}");
    }
    // Nothing was made inside it.
    let inside = w.repo.children(&h.bob, Some(h.secret.id), None, 10).await.unwrap();
    assert_eq!(inside.items.len(), 1);
}

#[tokio::test]
async fn restoring_elsewhere_needs_read_where_the_item_was() {
    let w = world().await;
    let alice = w.user("alice", Role::IpsUser).await;
    let bob = w.user("bob", Role::IpsUser).await;
    let mut settings = w.repo.tenant(&w.admin).await.unwrap().settings;
    settings.restore_policy = RestorePolicy::AnyTrashRole;
    w.repo.set_trash_settings(&w.admin, settings).await.unwrap();
    let lib = w.library("Lib").await;
    // alice may only list the drop folder; bob may change it.
    let drop = w.folder(&w.admin, &lib, "Drop").await;
    let acl = vec![
        AclEntry {
            principal: Principal::User(alice.user_id),
            right: Right::List,
        },
        AclEntry {
            principal: Principal::User(bob.user_id),
            right: Right::Change,
        },
    ];
    w.repo
        .set_access_list(&w.admin, drop.id, false, &acl, false)
        .await
        .unwrap();
    let mine = w.folder(&w.admin, &lib, "Mine").await;
    let doc = w.doc(&bob, &drop, "plan.txt", "unreadable for alice").await;
    let record = w.repo.delete(&bob, doc.id).await.unwrap();

    // She sees it (List where it was) but may neither put it back there (no right to add)…
    let in_place = w.repo.restore_one(&alice, rec(&record), opts()).await.unwrap_err();
    assert_eq!(in_place, Error::InsufficientRights);
    // …nor take it where she could read it.
    let to_mine = RestoreOptions {
        target: Target::Folder(mine.id),
        ..opts()
    };
    let elsewhere = w
        .repo
        .restore_one(&alice, rec(&record), to_mine.clone())
        .await
        .unwrap_err();
    assert!(matches!(elsewhere, Error::WouldGrantAccess(_)), "{elsewhere:?}");
    let fallback = RestoreOptions {
        missing_parent: salvage_core::trash::MissingParent::Fallback(mine.id),
        ..to_mine.clone()
    };
    assert!(
        w.repo
            .preflight(&alice, &[rec(&record)], fallback)
            .await
            .unwrap()
            .counts()
            .2
            == 1
    );
    // The administrator may.
    let moved = w.repo.restore_one(&w.admin, rec(&record), to_mine).await.unwrap();
    assert_eq!(moved.path, "/Lib/Mine/plan.txt");
    w.assert_consistent().await;
}

#[tokio::test]
async fn an_item_cut_off_by_a_purge_keeps_the_access_list_it_inherited() {
    let h = hidden().await;
    let (w, alice, bob) = (&h.w, &h.alice, &h.bob);
    let mut settings = w.repo.tenant(&w.admin).await.unwrap().settings;
    settings.restore_policy = RestorePolicy::AnyTrashRole;
    w.repo.set_trash_settings(&w.admin, settings).await.unwrap();
    // bob deletes the salary file on its own, then its folder goes for good.
    let own = w.repo.delete(bob, h.salary.id).await.unwrap();
    let folder = w.repo.delete(&w.admin, h.secret.id).await.unwrap();
    w.repo.purge(&w.admin, &[rec(&folder)]).await.unwrap();

    // Without its folder it is still hidden from alice, still bob's.
    assert!(matches!(
        w.repo.trash_record(alice, own.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(w.repo.locate_items(alice, &[h.salary.id]).await.unwrap()[0].is_none());
    let located = w.repo.locate_items(bob, &[h.salary.id]).await.unwrap();
    assert!(matches!(
        located[0].as_ref().map(|l| l.state),
        Some(ItemState::Trashed(Stage::UserBin))
    ));
    w.assert_consistent().await;
}

#[tokio::test]
async fn a_folder_that_shows_itself_again_inside_a_hidden_one_is_seen() {
    let h = hidden().await;
    let (w, alice, bob) = (&h.w, &h.alice, &h.bob);
    let mut settings = w.repo.tenant(&w.admin).await.unwrap().settings;
    settings.restore_policy = RestorePolicy::AnyTrashRole;
    w.repo.set_trash_settings(&w.admin, settings).await.unwrap();
    let shared = w.folder(&w.admin, &h.secret, "Shared").await;
    let acl = vec![
        AclEntry {
            principal: Principal::Members,
            right: Right::Change,
        },
        AclEntry {
            principal: Principal::User(bob.user_id),
            right: Right::Change,
        },
    ];
    w.repo
        .set_access_list(&w.admin, shared.id, false, &acl, false)
        .await
        .unwrap();
    let open = w.doc(bob, &shared, "open.txt", "for everyone").await;
    let closed = w.doc(bob, &h.secret, "closed.txt", "for bob").await;
    let open_record = w.repo.delete(bob, open.id).await.unwrap();
    w.repo.delete(bob, closed.id).await.unwrap();
    let seen: Vec<RecordId> = w
        .repo
        .trash(alice, &TrashFilter::default(), TrashSort::default(), None, 100)
        .await
        .unwrap()
        .items
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(seen, vec![open_record.id]);
    w.repo.restore_one(alice, rec(&open_record), opts()).await.unwrap();
    assert_eq!(w.content(alice, open.id).await, "for everyone");
}
