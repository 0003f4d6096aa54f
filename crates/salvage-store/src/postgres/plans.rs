//! The listings' query plans: every order of the folder and trash listings, with and without the
//! deleter filter every user who is not an administrator has, can be read from an index in that
//! order. The tables here are empty, so the planner is told that sorting is out of the question
//! (`enable_sort = off`): a plan that still sorts means no index serves the order. A search for
//! a rare name, on a bin large enough for the planner to care, reads the trigram index.

use super::tx::PARENT_KEY;
use super::PgStore;
use crate::query::{push_children_listing, push_trash_filter, push_trash_listing, NameSearch};
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
                push_trash_listing(&mut q, 1, filter, NameSearch::Like, sort, after, 51).unwrap();
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

/// The plan PostgreSQL chooses by itself, from its statistics.
async fn chosen_plan(store: &PgStore, mut q: QueryBuilder<'_, Postgres>) -> String {
    let rows = q.build().fetch_all(&store.reader).await.expect("explain");
    rows.iter()
        .map(|r| r.get::<String, _>(0))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_rare_name_is_searched_through_the_trigram_index() {
    let Some(database) = ScratchDatabase::for_test().await else {
        return;
    };
    let store = PgStore::connect(&database.url).await.unwrap();
    // A bin of 50,000 records by 10 deleters, analysed as autovacuum would after such a load.
    let tenant: i64 = sqlx::query_scalar(
        "INSERT INTO tenants (name, user_bin_days, system_bin_days, names_reserved, restore_policy, created_at) \
         VALUES ('default', 30, 30, false, 'deleter', 0) RETURNING id",
    )
    .fetch_one(&store.writer)
    .await
    .unwrap();
    let users: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO users (username, username_key, email, email_key, first_name, last_name, password_hash, \
         enabled, is_system_admin, created_at) \
         SELECT 'u' || k, 'u' || k, '', '', '', '', '', true, false, 0 FROM generate_series(0, 9) AS k RETURNING id",
    )
    .fetch_all(&store.writer)
    .await
    .unwrap();
    let first_user = users.iter().min().copied().unwrap();
    sqlx::query(
        "INSERT INTO trash_records (id, tenant_id, root_node_id, kind, name, name_key, original_parent_id, \
             original_path, deleted_by, deleted_at, item_count, total_size, stage, stage_changed_at) \
         SELECT k, $1, 100 + k, 'document', 'Report-' || lpad(k::TEXT, 7, '0') || '.pdf', \
             'report-' || lpad(k::TEXT, 7, '0') || '.pdf', NULL, '/Archive/Report-' || k || '.pdf', \
             $2 + k % 10, k, 1, 1024 + k % 1000, 0, k \
         FROM generate_series(1, 50000) AS k",
    )
    .bind(tenant)
    .bind(first_user)
    .execute(&store.writer)
    .await
    .unwrap();
    sqlx::query("ANALYZE trash_records")
        .execute(&store.writer)
        .await
        .unwrap();

    let rare = TrashFilter {
        name_contains: Some("Report-0012345".into()),
        ..TrashFilter::default()
    };
    let by_deleter = TrashFilter {
        deleted_by: Some(first_user + 5),
        ..rare.clone()
    };
    for sort in TrashSort::ALL {
        for filter in [&rare, &by_deleter] {
            let mut q = QueryBuilder::new("EXPLAIN ");
            push_trash_listing(&mut q, tenant, filter, NameSearch::Like, sort, None, 51).unwrap();
            let plan = chosen_plan(&store, q).await;
            assert!(
                plan.contains("Bitmap Index Scan on trash_by_name_trigrams"),
                "the bin by {} ({filter:?}) should read the trigram index:\n{plan}",
                sort.as_str()
            );
        }
    }
    let mut q = QueryBuilder::new("EXPLAIN SELECT count(*) FROM trash_records r");
    push_trash_filter(&mut q, tenant, &rare, NameSearch::Like);
    let plan = chosen_plan(&store, q).await;
    assert!(
        plan.contains("Bitmap Index Scan on trash_by_name_trigrams"),
        "counting should read the trigram index:\n{plan}"
    );

    // A text every record holds: a page of the bin in its order is the cheaper plan.
    let common = TrashFilter {
        name_contains: Some("report".into()),
        ..TrashFilter::default()
    };
    let mut q = QueryBuilder::new("EXPLAIN ");
    push_trash_listing(
        &mut q,
        tenant,
        &common,
        NameSearch::Like,
        TrashSort::default(),
        None,
        51,
    )
    .unwrap();
    let plan = chosen_plan(&store, q).await;
    assert!(
        plan.contains(" trash_by_time ") && !plan.contains("trash_by_name_trigrams"),
        "a common text should read the bin newest first:\n{plan}"
    );
    store.close().await;
}
