//! The trigram table of the trash name search (`trash_name_trigrams`, an FTS5 index over
//! `trash_records.name_key`) follows the records: filled from the records a database already
//! holds when it is upgraded, and kept in step by triggers on every insert, rename and delete.
//! Checked with FTS5's own integrity check (which compares the index with the records) and by
//! what lookups find.

use super::SqliteStore;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use std::borrow::Cow;
use std::path::Path;

async fn exec(pool: &SqlitePool, sql: &str) {
    sqlx::query(sql)
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A tenant, a user and a record named `name` (one statement each).
async fn insert_record(pool: &SqlitePool, id: i64, name: &str) {
    sqlx::query(
        "INSERT INTO trash_records (id, tenant_id, root_node_id, kind, name, name_key, original_parent_id, \
             original_path, deleted_by, deleted_at, item_count, total_size, stage, stage_changed_at) \
         VALUES (?1, 1, 100 + ?1, 'document', ?2, lower(?2), NULL, '/L/' || ?2, 1, ?1, 1, 1, 0, ?1)",
    )
    .bind(id)
    .bind(name)
    .execute(pool)
    .await
    .unwrap();
}

async fn insert_owners(pool: &SqlitePool) {
    exec(
        pool,
        "INSERT INTO tenants (id, name, user_bin_days, system_bin_days, names_reserved, restore_policy, created_at) \
         VALUES (1, 'default', 30, 30, 0, 'deleter', 0)",
    )
    .await;
    exec(
        pool,
        "INSERT INTO users (id, username, username_key, email, email_key, first_name, last_name, password_hash, \
         enabled, is_system_admin, created_at) VALUES (1, 'admin', 'admin', '', '', '', '', '', 1, 1, 0)",
    )
    .await;
}

/// Fails unless the index holds exactly the records' name keys.
async fn assert_in_step(pool: &SqlitePool) {
    exec(
        pool,
        "INSERT INTO trash_name_trigrams (trash_name_trigrams, rank) VALUES ('integrity-check', 1)",
    )
    .await;
}

/// The ids the index gives for a text (the index alone, not the records).
async fn lookup(pool: &SqlitePool, text: &str) -> Vec<i64> {
    sqlx::query_scalar("SELECT rowid FROM trash_name_trigrams WHERE trash_name_trigrams MATCH ? ORDER BY rowid")
        .bind(format!("\"{}\"", text.replace('"', "\"\"")))
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_trigram_table_follows_every_change_of_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("names.db")).await.unwrap();
    let pool = &store.writer;
    insert_owners(pool).await;
    for (id, name) in [
        (1, "Budget 2024.xlsx"),
        (2, "budget 2025.xlsx"),
        (3, "Notes.txt"),
        (4, "say \"hi\".txt"),
    ] {
        insert_record(pool, id, name).await;
    }
    assert_in_step(pool).await;
    assert_eq!(lookup(pool, "budget").await, [1, 2]);
    assert_eq!(lookup(pool, "\"hi\"").await, [4]);

    // Renamed: found by the new name only.
    exec(
        pool,
        "UPDATE trash_records SET name = 'Plans.txt', name_key = 'plans.txt' WHERE id = 2",
    )
    .await;
    // Changed otherwise (the system bin): still found.
    exec(
        pool,
        "UPDATE trash_records SET stage = 1, stage_changed_at = 99 WHERE id = 3",
    )
    .await;
    // Gone (restored or purged).
    exec(pool, "DELETE FROM trash_records WHERE id IN (1, 4)").await;
    assert_in_step(pool).await;
    assert_eq!(lookup(pool, "budget").await, Vec::<i64>::new());
    assert_eq!(lookup(pool, "plans").await, [2]);
    assert_eq!(lookup(pool, "notes").await, [3]);
    assert_eq!(lookup(pool, "\"hi\"").await, Vec::<i64>::new());

    // Case does not matter to the index either (the LIKE decides on the rest).
    assert_eq!(lookup(pool, "NOTES.T").await, [3]);
    store.close().await;
}

#[tokio::test]
async fn upgrading_a_database_indexes_the_records_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.db");
    // The schema before the trigram table, with records in it.
    {
        let pool = SqlitePool::connect_with(
            SqliteConnectOptions::new()
                .filename(Path::new(&file))
                .create_if_missing(true),
        )
        .await
        .unwrap();
        let mut before = sqlx::migrate!("./migrations/sqlite");
        before.migrations = Cow::Owned(before.migrations.iter().filter(|m| m.version < 5).cloned().collect());
        before.run(&pool).await.unwrap();
        insert_owners(&pool).await;
        for (id, name) in [(1, "Old Report.pdf"), (2, "older report.pdf"), (3, "Other.txt")] {
            insert_record(&pool, id, name).await;
        }
        pool.close().await;
    }

    let store = SqliteStore::open(&file).await.unwrap();
    assert_in_step(&store.writer).await;
    assert_eq!(lookup(&store.writer, "report").await, [1, 2]);
    assert_eq!(lookup(&store.writer, "other").await, [3]);
    store.close().await;
}
