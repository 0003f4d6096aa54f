//! The orders of the folder and trash listings, paged by keyset cursor. Every order must visit
//! each item exactly once and in the right place, with ties on the sort key (same deletion
//! time, same size, names differing only in case) broken the same way on every backend: by id,
//! reversed with the rest of a descending order.

use crate::support::*;
use chrono::Duration;
use salvage_core::model::*;
use salvage_core::name::key;
use salvage_core::store::{ChildCursor, ChildOrder, ChildSort, TrashCursor, TrashFilter, TrashOrder, TrashSort};
use salvage_core::Error;
use std::cmp::Ordering;
use std::collections::HashSet;

/// Every record of a listing, page by page; each cursor goes through its text form, as it does
/// through a URL.
async fn trash_pages(w: &World, actor: &Actor, filter: &TrashFilter, sort: TrashSort, limit: u32) -> Vec<RecordId> {
    let mut seen = Vec::new();
    let mut after: Option<TrashCursor> = None;
    loop {
        let page = w
            .repo
            .trash(actor, filter, sort, after.as_ref(), limit)
            .await
            .unwrap_or_else(|e| panic!("{} after {after:?}: {e}", sort.as_str()));
        assert!(page.items.len() <= limit as usize);
        seen.extend(page.items.iter().map(|r| r.id));
        assert!(seen.len() <= 1000, "{}: paging does not end", sort.as_str());
        match page.next {
            Some(next) => after = Some(next.to_string().parse().expect("a cursor reads back")),
            None => return seen,
        }
    }
}

/// Which records a listing must give, worked out here from the records themselves.
type Wanted<'a> = Box<dyn Fn(&TrashRecord) -> bool + 'a>;

/// The order of a trash listing, worked out here from the records themselves.
fn trash_order(sort: TrashSort, a: &TrashRecord, b: &TrashRecord) -> Ordering {
    let by_key = match sort.by {
        TrashOrder::DeletedAt => a.deleted_at.cmp(&b.deleted_at),
        TrashOrder::Name => key(&a.name).cmp(&key(&b.name)),
        TrashOrder::Size => a.total_size.cmp(&b.total_size),
    };
    let ascending = by_key.then(a.id.cmp(&b.id));
    if sort.descending {
        ascending.reverse()
    } else {
        ascending
    }
}

#[tokio::test]
async fn every_trash_order_pages_through_ties_once_each_with_filters() {
    let w = world().await;
    let lib = w.library("L").await;
    let inside = w.folder(&w.admin, &lib, "In").await;
    let deeper = w.folder(&w.admin, &inside, "deeper").await;
    let outside = w.folder(&w.admin, &lib, "Out").await;
    let bob = w.user("bob", Role::IpsUser).await;

    // (folder, name, content, deleted by bob). Names repeat in other cases, sizes repeat, and several
    // deletions share a millisecond: the clock moves only after every third one.
    let plan: [(&Node, &str, &str, bool); 16] = [
        (&inside, "Report.pdf", "abc", false),
        (&deeper, "report.pdf", "abc", false),
        (&outside, "report.pdf", "abc", false),
        (&inside, "REPORT.pdf", "abc", true),
        (&inside, "\u{c4}pfel.txt", "abcde", false),
        (&inside, "zeta", "abcde", true),
        (&deeper, "Zeta", "", false),
        (&inside, "b", "", false),
        (&outside, "a", "abcde", false),
        (&inside, "a", "abcdefgh", true),
        (&inside, "A", "abcdefgh", false),
        (&inside, "a b", "abc", false),
        (&inside, "a.b", "abc", true),
        (&inside, "a_b", "abc", false),
        (&deeper, "Mid", "abcde", false),
        (&inside, "mid", "abcde", false),
    ];
    let mut records = Vec::new();
    for (i, (folder, name, content, by_bob)) in plan.iter().enumerate() {
        let actor = if *by_bob { &bob } else { &w.admin };
        let doc = w.doc(&w.admin, folder, name, content).await;
        records.push(w.repo.delete(actor, doc.id).await.unwrap());
        if i % 3 == 2 {
            w.clock.advance(Duration::milliseconds(1));
        }
    }
    // A whole folder, deleted in the same millisecond as the documents before it.
    let folder = w.folder(&w.admin, &inside, "Folder").await;
    w.doc(&w.admin, &folder, "x", "abcdefgh").await;
    records.push(w.repo.delete(&w.admin, folder.id).await.unwrap());
    let records: Vec<TrashRecord> = {
        let mut read = Vec::new();
        for r in &records {
            read.push(w.repo.trash_record(&w.admin, r.id).await.unwrap());
        }
        read
    };

    let below_in = TrashFilter {
        path_prefix: Some("/L/In".into()),
        ..TrashFilter::default()
    };
    let documents_of_3_to_5_bytes = TrashFilter {
        kind: Some(NodeKind::Document),
        min_size: Some(3),
        max_size: Some(5),
        ..TrashFilter::default()
    };
    // (what, who lists, the filter, which records it must give)
    let cases: [(&str, &Actor, TrashFilter, Wanted); 4] = [
        ("everything", &w.admin, TrashFilter::default(), Box::new(|_| true)),
        (
            "below /L/In",
            &w.admin,
            below_in,
            Box::new(|r| r.original_path.starts_with("/L/In/")),
        ),
        (
            "documents of 3 to 5 bytes",
            &w.admin,
            documents_of_3_to_5_bytes,
            Box::new(|r| r.kind == NodeKind::Document && (3..=5).contains(&r.total_size)),
        ),
        (
            "bob's own",
            &bob,
            TrashFilter::default(),
            Box::new(|r| r.deleted_by == bob.user_id),
        ),
    ];
    for (what, actor, filter, wanted) in &cases {
        let mut expected_set: Vec<&TrashRecord> = records.iter().filter(|r| wanted(r)).collect();
        assert!(
            expected_set.len() >= 4,
            "{what}: a filter that leaves something to page through"
        );
        for sort in TrashSort::ALL {
            expected_set.sort_by(|a, b| trash_order(sort, a, b));
            let expected: Vec<RecordId> = expected_set.iter().map(|r| r.id).collect();
            for limit in [1, 3, 100] {
                let seen = trash_pages(&w, actor, filter, sort, limit).await;
                assert_eq!(
                    seen.iter().collect::<HashSet<_>>().len(),
                    seen.len(),
                    "{what}, {}: no record twice",
                    sort.as_str()
                );
                assert_eq!(seen, expected, "{what}, {}, pages of {limit}", sort.as_str());
            }
        }
    }
}

#[tokio::test]
async fn a_trash_cursor_only_continues_its_own_order() {
    let w = world().await;
    let lib = w.library("L").await;
    for name in ["a", "b", "c"] {
        let doc = w.doc(&w.admin, &lib, name, name).await;
        w.repo.delete(&w.admin, doc.id).await.unwrap();
    }
    let filter = TrashFilter::default();
    let page = w.repo.trash(&w.admin, &filter, TrashSort::NAME, None, 1).await.unwrap();
    let cursor = page.next.expect("more than one page");
    for other in TrashSort::ALL.into_iter().filter(|s| *s != TrashSort::NAME) {
        let refused = w.repo.trash(&w.admin, &filter, other, Some(&cursor), 1).await;
        assert!(
            matches!(refused, Err(Error::InvalidInput(_))),
            "{}: {refused:?}",
            other.as_str()
        );
    }
    let next = w
        .repo
        .trash(&w.admin, &filter, TrashSort::NAME, Some(&cursor), 1)
        .await
        .unwrap();
    assert_eq!(next.items[0].name, "b");
}

/// Every item of a folder, page by page, in the order `sort`.
async fn child_pages(w: &World, parent: &Node, sort: ChildSort, limit: u32) -> Vec<NodeId> {
    let mut seen = Vec::new();
    let mut after: Option<ChildCursor> = None;
    loop {
        let page = w
            .repo
            .children_sorted(&w.admin, Some(parent.id), sort, after.as_ref(), limit)
            .await
            .unwrap_or_else(|e| panic!("{} after {after:?}: {e}", sort.as_str()));
        seen.extend(page.items.iter().map(|n| n.id));
        assert!(seen.len() <= 1000, "{}: paging does not end", sort.as_str());
        match page.next {
            Some(next) => after = Some(next.to_string().parse().expect("a cursor reads back")),
            None => return seen,
        }
    }
}

fn child_order(sort: ChildSort, a: &Node, b: &Node) -> Ordering {
    let rank = |n: &Node| (n.kind == NodeKind::Document) as u8;
    let by_key = match sort.by {
        ChildOrder::Name => key(&a.name).cmp(&key(&b.name)),
        ChildOrder::Modified => a.modified_at.cmp(&b.modified_at),
        ChildOrder::Size => a.size.cmp(&b.size),
        ChildOrder::Type => (rank(a), key(&a.name)).cmp(&(rank(b), key(&b.name))),
    };
    let ascending = by_key.then(a.id.cmp(&b.id));
    if sort.descending {
        ascending.reverse()
    } else {
        ascending
    }
}

#[tokio::test]
async fn every_folder_order_pages_through_ties_once_each() {
    let w = world().await;
    let lib = w.library("L").await;
    let here = w.folder(&w.admin, &lib, "Here").await;
    // Folders and documents, names in mixed case, sizes and modification times repeating:
    // the clock moves only after every second item.
    let plan: [(&str, Option<&str>); 12] = [
        ("beta", None),
        ("Alpha", None),
        ("report.pdf", Some("abc")),
        ("Report-2.pdf", Some("abc")),
        ("zeta.txt", Some("")),
        ("Zed", None),
        ("\u{c4}pfel.txt", Some("abcdefgh")),
        ("a.txt", Some("abcdefgh")),
        ("a b.txt", Some("abc")),
        ("a_b.txt", Some("a")),
        ("M", Some("abcde")),
        ("m.d", None),
    ];
    let mut ids = Vec::new();
    for (i, (name, content)) in plan.iter().enumerate() {
        let node = match content {
            Some(content) => w.doc(&w.admin, &here, name, content).await,
            None => w.folder(&w.admin, &here, name).await,
        };
        ids.push(node.id);
        if i % 2 == 1 {
            w.clock.advance(Duration::milliseconds(1));
        }
    }
    // A new version moves a document's modification time and size.
    w.doc(&w.admin, &here, "zeta.txt", "abcdefghij").await;
    // Deleted items are not listed in any order.
    let gone = w.doc(&w.admin, &here, "gone.txt", "abc").await;
    w.repo.delete(&w.admin, gone.id).await.unwrap();
    let mut nodes = Vec::new();
    for id in &ids {
        nodes.push(w.repo.node(&w.admin, *id).await.unwrap());
    }

    for by in ChildOrder::ALL {
        for sort in [ChildSort::new(by, false), ChildSort::new(by, true)] {
            nodes.sort_by(|a, b| child_order(sort, a, b));
            let expected: Vec<NodeId> = nodes.iter().map(|n| n.id).collect();
            for limit in [1, 5, 100] {
                assert_eq!(
                    child_pages(&w, &here, sort, limit).await,
                    expected,
                    "{}, pages of {limit}",
                    sort.as_str()
                );
            }
        }
    }

    // The name-key paging of the other faces goes on as before.
    let mut by_name = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = w
            .repo
            .children(&w.admin, Some(here.id), after.as_deref(), 4)
            .await
            .unwrap();
        by_name.extend(page.items.iter().map(|n| n.id));
        assert!(by_name.len() <= 1000, "paging by name key does not end");
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(by_name, child_pages(&w, &here, ChildSort::NAME, 100).await);

    // A cursor only continues its own order.
    let page = w
        .repo
        .children_sorted(&w.admin, Some(here.id), ChildSort::new(ChildOrder::Size, true), None, 2)
        .await
        .unwrap();
    let cursor = page.next.expect("more than one page");
    let refused = w
        .repo
        .children_sorted(&w.admin, Some(here.id), ChildSort::NAME, Some(&cursor), 2)
        .await;
    assert!(matches!(refused, Err(Error::InvalidInput(_))), "{refused:?}");
}

#[tokio::test]
async fn libraries_sort_too() {
    let w = world().await;
    for name in ["b", "A", "c"] {
        w.library(name).await;
    }
    let names = |nodes: Vec<Node>| nodes.into_iter().map(|n| n.name).collect::<Vec<_>>();
    let desc = w
        .repo
        .children_sorted(&w.admin, None, ChildSort::new(ChildOrder::Name, true), None, 2)
        .await
        .unwrap();
    assert_eq!(names(desc.items), ["c", "b"]);
    let rest = w
        .repo
        .children_sorted(
            &w.admin,
            None,
            ChildSort::new(ChildOrder::Name, true),
            desc.next.as_ref(),
            2,
        )
        .await
        .unwrap();
    assert_eq!(names(rest.items), ["A"]);
    assert!(rest.next.is_none());
}
