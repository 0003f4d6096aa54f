//! The listings' query plans on PostgreSQL: the shared cases (`sql::plans`) on empty tables, where
//! the planner is told that sorting is out of the question (`enable_sort = off`), so a plan that
//! still sorts means no index serves the order; and a search for a rare name, on a bin large
//! enough for the planner to care, reads the trigram index.

use super::dialect::DIALECT;
use super::PgStore;
use crate::query::{push_trash_filter, push_trash_listing, NameSearch};
use crate::sql::plans::{self, Planner};
use crate::sql::{Dialect, Sql, SqlTx};
use crate::testing::ScratchDatabase;
use salvage_core::store::{TrashFilter, TrashSort};

struct Postgres(PgStore);

impl Planner for Postgres {
    const EXPLAIN: &'static str = "EXPLAIN ";
    const DIALECT: &'static Dialect = &DIALECT;

    /// The tables here are empty, so the planner is told that sorting is out of the question.
    async fn plan(&self, sql: Sql) -> String {
        let mut tx = SqlTx::postgres(self.0.reader().begin().await.expect("begin"));
        for setting in ["SET LOCAL enable_sort = off", "SET LOCAL enable_seqscan = off"] {
            tx.rows(Sql::new(&DIALECT, setting)).await.expect("set");
        }
        let rows = tx.rows(sql).await.expect("explain");
        rows.iter().map(|r| r.text_at(0)).collect::<Vec<_>>().join("\n")
    }

    fn assert_reads_in_order(plan: &str, index: &str, what: &str) {
        assert!(
            plan.contains(&format!(" {index} ")),
            "{what} should read {index}:\n{plan}"
        );
        assert!(!plan.contains("Sort"), "{what} sorts:\n{plan}");
    }
}

#[tokio::test]
async fn every_listing_order_reads_an_index_in_that_order() {
    let Some(database) = ScratchDatabase::for_test().await else {
        return;
    };
    let store = PgStore::connect(&database.url).await.unwrap();
    plans::every_listing_order_reads_an_index_in_that_order(&Postgres(store.clone())).await;
    store.close().await;
}

/// The plan PostgreSQL chooses by itself, from its statistics.
async fn chosen_plan(store: &PgStore, sql: Sql) -> String {
    let mut tx = SqlTx::postgres(store.reader().begin().await.expect("begin"));
    let rows = tx.rows(sql).await.expect("explain");
    rows.iter().map(|r| r.text_at(0)).collect::<Vec<_>>().join("\n")
}

fn explain(text: &str) -> Sql {
    Sql::new(&DIALECT, format!("EXPLAIN {text}"))
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
    .fetch_one(store.writer())
    .await
    .unwrap();
    let users: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO users (username, username_key, email, email_key, first_name, last_name, password_hash, \
         enabled, is_system_admin, created_at) \
         SELECT 'u' || k, 'u' || k, '', '', '', '', '', true, false, 0 FROM generate_series(0, 9) AS k RETURNING id",
    )
    .fetch_all(store.writer())
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
    .execute(store.writer())
    .await
    .unwrap();
    sqlx::query("ANALYZE trash_records")
        .execute(store.writer())
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
            let mut q = explain("");
            push_trash_listing(&mut q, tenant, filter, NameSearch::Like, sort, None, 51).unwrap();
            let plan = chosen_plan(&store, q).await;
            assert!(
                plan.contains("Bitmap Index Scan on trash_by_name_trigrams"),
                "the bin by {} ({filter:?}) should read the trigram index:\n{plan}",
                sort.as_str()
            );
        }
    }
    let mut q = explain("SELECT count(*) FROM trash_records r");
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
    let mut q = explain("");
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
