//! The listings' query plans: every order of the folder and trash listings, with and without the
//! deleter filter every user who is not an administrator has, can be read from an index in that
//! order. The tables here are empty, so the planner is told that sorting is out of the question
//! (`enable_sort = off`): a plan that still sorts means no index serves the order.

use super::tx::PARENT_KEY;
use super::PgStore;
use crate::query::{push_children_listing, push_trash_listing};
use crate::testing::ScratchDatabase;
use salvage_core::store::{ChildCursor, ChildOrder, ChildSort, TrashCursor, TrashFilter, TrashOrder, TrashSort};
use sqlx::{Postgres, QueryBuilder, Row};

async fn plan(store: &PgStore, mut q: QueryBuilder<'_, Postgres>) -> String {
    let mut tx = store.reader.begin().await.expect("begin");
    for setting in ["SET LOCAL enable_sort = off", "SET LOCAL enable_seqscan = off"] {
        sqlx::query(setting).execute(&mut *tx).await.expect("set");
    }
    let rows = q.build().fetch_all(&mut *tx).await.expect("explain");
    rows.iter()
        .map(|r| r.get::<String, _>(0))
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_reads_in_order(plan: &str, index: &str, what: &str) {
    assert!(
        plan.contains(&format!(" {index} ")),
        "{what} should read {index}:\n{plan}"
    );
    assert!(!plan.contains("Sort"), "{what} sorts:\n{plan}");
}

#[tokio::test]
async fn every_listing_order_reads_an_index_in_that_order() {
    let Some(database) = ScratchDatabase::for_test().await else {
        return;
    };
    let store = PgStore::connect(&database.url).await.unwrap();
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
                let mut q = QueryBuilder::new("EXPLAIN ");
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
                let mut q = QueryBuilder::new("EXPLAIN ");
                push_children_listing(&mut q, PARENT_KEY, 1, Some(3), sort, after, 101).unwrap();
                let what = format!("a folder by {} (after {after:?})", sort.as_str());
                assert_reads_in_order(&plan(&store, q).await, index, &what);
            }
        }
    }
    store.close().await;
}
