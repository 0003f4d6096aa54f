//! The listings' query plans: every order of the folder and trash listings, with and without the
//! deleter filter every user who is not an administrator has, reads an index in that order and
//! stops after a page. None sorts the whole folder or bin, so a page of a bin of millions costs
//! a page.

use super::tx::PARENT_KEY;
use super::SqliteStore;
use crate::query::{push_children_listing, push_trash_listing};
use salvage_core::store::{ChildCursor, ChildOrder, ChildSort, TrashCursor, TrashFilter, TrashOrder, TrashSort};
use sqlx::{QueryBuilder, Row, Sqlite};

async fn plan(store: &SqliteStore, mut q: QueryBuilder<'_, Sqlite>) -> String {
    let rows = q.build().fetch_all(&store.reader).await.expect("explain");
    rows.iter()
        .map(|r| r.get::<String, _>("detail"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_reads_in_order(plan: &str, index: &str, what: &str) {
    assert!(
        plan.contains(&format!("INDEX {index} ")),
        "{what} should read {index}:\n{plan}"
    );
    assert!(!plan.contains("TEMP B-TREE"), "{what} sorts:\n{plan}");
}

#[tokio::test]
async fn every_listing_order_reads_an_index_in_that_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("plans.db")).await.unwrap();
    let by_deleter = TrashFilter {
        deleted_by: Some(7),
        ..TrashFilter::default()
    };
    for sort in TrashSort::ALL {
        let (index, key) = match sort.by {
            TrashOrder::DeletedAt => ("trash_by_time", "1772355600000"),
            TrashOrder::Name => ("trash_by_name", "report.pdf"),
            TrashOrder::Size => ("trash_by_size", "4096"),
        };
        let cursor: TrashCursor = format!("{}.5.{key}", sort.as_str()).parse().unwrap();
        for (filter, index) in [
            (&TrashFilter::default(), index.to_owned()),
            (
                &by_deleter,
                index.replace("trash_by_", "trash_by_deleter_").replace("_time", ""),
            ),
        ] {
            for after in [None, Some(&cursor)] {
                let mut q = QueryBuilder::new("EXPLAIN QUERY PLAN ");
                push_trash_listing(&mut q, 1, filter, sort, after, 51).unwrap();
                let what = format!("the bin by {} ({filter:?}, after {after:?})", sort.as_str());
                assert_reads_in_order(&plan(&store, q).await, &index, &what);
            }
        }
    }
    for by in ChildOrder::ALL {
        let (index, key) = match by {
            ChildOrder::Name => ("nodes_live_names", "report.pdf"),
            ChildOrder::Modified => ("nodes_live_by_modified", "1772355600000"),
            ChildOrder::Size => ("nodes_live_by_size", "4096"),
            ChildOrder::Type => ("nodes_live_by_type", "1.report.pdf"),
        };
        for sort in [ChildSort::new(by, false), ChildSort::new(by, true)] {
            let cursor: ChildCursor = format!("{}.5.{key}", sort.as_str()).parse().unwrap();
            for after in [None, Some(&cursor)] {
                let mut q = QueryBuilder::new("EXPLAIN QUERY PLAN ");
                push_children_listing(&mut q, PARENT_KEY, 1, Some(3), sort, after, 101).unwrap();
                let what = format!("a folder by {} (after {after:?})", sort.as_str());
                assert_reads_in_order(&plan(&store, q).await, index, &what);
            }
        }
    }
}

#[tokio::test]
async fn the_names_a_restore_would_clash_with_are_one_seek_each() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("plans.db")).await.unwrap();
    let names = vec![(Some(3), "a.pdf".to_owned()), (None, "b.pdf".to_owned())];
    let mut q = QueryBuilder::new("EXPLAIN QUERY PLAN ");
    crate::sets::push_names_taken(&mut q, 1, &names, PARENT_KEY);
    let plan = plan(&store, q).await;
    let (outer, inner) = plan.split_once("SEARCH nodes").expect("nodes are searched");
    assert!(outer.contains("wanted"), "the wanted names are the outer loop:\n{plan}");
    assert!(
        inner.starts_with(" USING INDEX nodes_live_names (tenant_id=? AND <expr>=? AND name_key=?)"),
        "each wanted name should be a seek in the index of live names:\n{plan}"
    );
}

#[tokio::test]
async fn reading_many_records_and_their_marks_seeks_each() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("plans.db")).await.unwrap();
    for (sql, index) in [
        (
            crate::sets::nodes_marked_by(&[4, 5, 6]),
            "USING INDEX nodes_by_record (trash_record_id=?)",
        ),
        (
            crate::sets::nodes_by_ids(1, &[4, 5, 6]),
            "USING INTEGER PRIMARY KEY (rowid=?)",
        ),
        (
            crate::sets::records_by_ids(1, &[4, 5, 6]),
            "USING INTEGER PRIMARY KEY (rowid=?)",
        ),
    ] {
        let plan = plan(&store, QueryBuilder::new(format!("EXPLAIN QUERY PLAN {sql}"))).await;
        assert!(plan.contains(index), "{sql}\nshould seek {index}:\n{plan}");
        assert!(!plan.contains("SCAN"), "{sql}\nscans:\n{plan}");
    }
}
