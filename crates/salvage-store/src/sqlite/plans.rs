//! The listings' query plans on SQLite: the shared cases (`sql::plans`) read as SQLite explains
//! them, and SQLite's own name search: a search for a rare name reads the trigram table first
//! and only the records it names; a common one reads the bin in order.

use super::dialect::DIALECT;
use super::SqliteStore;
use crate::query::{push_trash_filter, push_trash_listing, trash_source, NameSearch};
use crate::rows::Columns;
use crate::sql::plans::{self, Planner};
use crate::sql::restore_sets::{nodes_by_ids, nodes_marked_by, push_names_taken, records_by_ids};
use crate::sql::trash::TRIGRAM_CANDIDATES;
use crate::sql::{Dialect, Sql, SqlTx};
use salvage_core::store::{TrashCursor, TrashFilter, TrashOrder, TrashSort, TrashTx};

struct Sqlite(SqliteStore);

impl Planner for Sqlite {
    const EXPLAIN: &'static str = "EXPLAIN QUERY PLAN ";
    const DIALECT: &'static Dialect = &DIALECT;

    async fn plan(&self, sql: Sql) -> String {
        let mut tx = SqlTx::sqlite(self.0.reader().begin().await.expect("begin"));
        let rows = tx.rows(sql).await.expect("explain");
        rows.iter().map(|r| r.text("detail")).collect::<Vec<_>>().join("\n")
    }

    fn assert_reads_in_order(plan: &str, index: &str, what: &str) {
        assert!(
            plan.contains(&format!("INDEX {index} ")),
            "{what} should read {index}:\n{plan}"
        );
        assert!(!plan.contains("TEMP B-TREE"), "{what} sorts:\n{plan}");
    }
}

async fn plan(store: &SqliteStore, sql: Sql) -> String {
    Sqlite(store.clone()).plan(sql).await
}

fn explain(text: impl Into<String>) -> Sql {
    let mut sql = Sql::new(&DIALECT, "EXPLAIN QUERY PLAN ");
    sql.push(text.into());
    sql
}

#[tokio::test]
async fn every_listing_order_reads_an_index_in_that_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("plans.db")).await.unwrap();
    plans::every_listing_order_reads_an_index_in_that_order(&Sqlite(store.clone())).await;
    store.close().await;
}

/// The trigram table names the candidates before any record is read, and the records are read
/// by id: no index of the bin's orders, no scan. (With a deleter filter, SQLite may look that
/// one user up before the records; that is one row by its key.)
fn assert_reads_trigrams_first(plan: &str, what: &str) {
    assert!(
        plan.contains("SEARCH r USING INTEGER PRIMARY KEY (rowid=?)"),
        "{what} should read the records by id:\n{plan}"
    );
    assert!(
        plan.contains("LIST SUBQUERY") && plan.contains("SCAN trash_name_trigrams VIRTUAL TABLE"),
        "{what} should take the ids from the trigram table:\n{plan}"
    );
    assert!(
        !plan.contains("INDEX trash_by") && !plan.contains("SCAN r") && !plan.contains("SCAN u"),
        "{what} reads the bin:\n{plan}"
    );
}

#[tokio::test]
async fn a_name_search_by_trigrams_reads_the_trigram_table_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("plans.db")).await.unwrap();
    let name = TrashFilter {
        name_contains: Some("Report-07".into()),
        ..TrashFilter::default()
    };
    let by_deleter = TrashFilter {
        deleted_by: Some(7),
        ..name.clone()
    };
    let everything = TrashFilter {
        since: Some(chrono::DateTime::from_timestamp_millis(1_772_355_600_000).unwrap()),
        path_prefix: Some("/Archive".into()),
        stage: Some(salvage_core::model::Stage::UserBin),
        original_parent: Some(3),
        ..by_deleter.clone()
    };
    for sort in TrashSort::ALL {
        let key = match sort.by {
            TrashOrder::DeletedAt => "1772355600000",
            TrashOrder::Name => "report.pdf",
            TrashOrder::Size => "4096",
        };
        let cursor: TrashCursor = format!("{}.5.{key}", sort.as_str()).parse().unwrap();
        for filter in [&name, &by_deleter, &everything] {
            for after in [None, Some(&cursor)] {
                let mut q = explain("");
                push_trash_listing(&mut q, 1, filter, NameSearch::Trigrams, sort, after, 51).unwrap();
                let what = format!("the bin by {} ({filter:?}, after {after:?})", sort.as_str());
                assert_reads_trigrams_first(&plan(&store, q).await, &what);
            }
        }
    }
    for filter in [&name, &by_deleter, &everything] {
        let mut q = explain(format!(
            "SELECT count(*) FROM {}",
            trash_source(filter, NameSearch::Trigrams)
        ));
        push_trash_filter(&mut q, 1, filter, NameSearch::Trigrams);
        assert_reads_trigrams_first(&plan(&store, q).await, &format!("counting {filter:?}"));
    }

    // Two characters hold no trigram: the bin is read in its order, with the LIKE alone.
    let short = TrashFilter {
        name_contains: Some("R-".into()),
        ..TrashFilter::default()
    };
    let mut q = explain("");
    push_trash_listing(&mut q, 1, &short, NameSearch::Trigrams, TrashSort::default(), None, 51).unwrap();
    let short_plan = plan(&store, q).await;
    Sqlite::assert_reads_in_order(&short_plan, "trash_by_time", "a two-character search");
    assert!(!short_plan.contains("trash_name_trigrams"), "{short_plan}");
    store.close().await;
}

#[tokio::test]
async fn rare_names_are_searched_by_trigrams_and_common_ones_in_the_ordered_bin() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("choice.db")).await.unwrap();
    // More records holding "report" than the trigram table is asked to give, each with a name
    // of its own.
    let records = TRIGRAM_CANDIDATES + 100;
    for sql in [
        "INSERT INTO tenants (id, name, user_bin_days, system_bin_days, names_reserved, restore_policy, created_at) \
         VALUES (1, 'default', 30, 30, 0, 'deleter', 0)"
            .to_owned(),
        "INSERT INTO users (id, username, username_key, email, email_key, first_name, last_name, password_hash, \
         enabled, is_system_admin, created_at) VALUES (1, 'admin', 'admin', '', '', '', '', '', 1, 1, 0)"
            .to_owned(),
        format!(
            "WITH RECURSIVE s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s WHERE k < {records} - 1) \
             INSERT INTO trash_records (tenant_id, root_node_id, kind, name, name_key, original_parent_id, \
                 original_path, deleted_by, deleted_at, item_count, total_size, stage, stage_changed_at) \
             SELECT 1, 100 + k, 'document', 'Report-' || k || '.pdf', 'report-' || k || '.pdf', NULL, \
                 '/Archive/Report-' || k || '.pdf', 1, k, 1, 1024, 0, k FROM s"
        ),
    ] {
        sqlx::query(&sql).execute(store.writer()).await.unwrap();
    }

    let mut tx = SqlTx::sqlite(store.reader().begin().await.unwrap());
    for (text, search, found) in [
        ("REPORT-12345.", NameSearch::Trigrams, 1),
        ("-1234", NameSearch::Trigrams, 11),
        ("report", NameSearch::Like, records),
        ("T-", NameSearch::Like, records),
        ("t\"-", NameSearch::Trigrams, 0),
    ] {
        let filter = TrashFilter {
            name_contains: Some(text.into()),
            ..TrashFilter::default()
        };
        assert_eq!(tx.name_search(&filter).await.unwrap(), search, "{text}");
        assert_eq!(tx.count_records(1, &filter).await.unwrap(), found, "{text}");
        let page = tx.records(1, &filter, TrashSort::default(), None, 20).await.unwrap();
        assert_eq!(page.len() as i64, found.min(20), "{text}");
        assert!(
            page.iter()
                .all(|r| r.name.to_lowercase().contains(&text.to_lowercase())),
            "{text}: {page:?}"
        );
        assert!(
            page.windows(2).all(|w| w[0].deleted_at >= w[1].deleted_at),
            "{text}: newest first"
        );
    }
    drop(tx);
    store.close().await;
}

#[tokio::test]
async fn the_names_a_restore_would_clash_with_are_one_seek_each() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("plans.db")).await.unwrap();
    let names = vec![(Some(3), "a.pdf".to_owned()), (None, "b.pdf".to_owned())];
    let mut q = explain("");
    push_names_taken(&mut q, 1, &names, DIALECT.parent_key);
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
            nodes_marked_by(&[4, 5, 6]),
            "USING INDEX nodes_by_record (trash_record_id=?)",
        ),
        (nodes_by_ids(1, &[4, 5, 6]), "USING INTEGER PRIMARY KEY (rowid=?)"),
        (records_by_ids(1, &[4, 5, 6]), "USING INTEGER PRIMARY KEY (rowid=?)"),
    ] {
        let plan = plan(&store, explain(sql.as_str())).await;
        assert!(plan.contains(index), "{sql}\nshould seek {index}:\n{plan}");
        assert!(!plan.contains("SCAN"), "{sql}\nscans:\n{plan}");
    }
}
