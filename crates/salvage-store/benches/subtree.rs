//! Deletes a large folder tree to the trash and restores it, on SQLite, printing each step's
//! time and peak memory as `bench <scenario>.<figure> <value> <unit>` lines.
//!
//!     cargo bench -p salvage-store --bench subtree                 # 100,000 nodes
//!     SALVAGE_BENCH_NODES=1000000 cargo bench -p salvage-store --bench subtree
//!
//! The tree (one folder, 10 subfolders, 100 leaf folders, documents spread over the leaves, each
//! with one version of shared 1 KiB content) is bulk-loaded with SQL in one transaction: building
//! it through the API would measure uploads, not the trash. Delete and restore go through the
//! real `Repository`. The "floor" is the same set-based work done directly in SQL.

use salvage_blob::LocalBlobStore;
use salvage_core::blob::BlobStore;
use salvage_core::clock::SystemClock;
use salvage_core::trash::{RestoreOptions, TrashItem};
use salvage_core::{Config, Repository};
use salvage_store::SqliteStore;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};
use std::sync::Arc;
use std::time::Instant;

const DOC_SIZE: i64 = 1024;

#[tokio::main]
async fn main() {
    let nodes: usize = std::env::var("SALVAGE_BENCH_NODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("salvage.db");
    let store = SqliteStore::open(&db).await.expect("open store");
    let blobs = LocalBlobStore::open(dir.path().join("blobs"))
        .await
        .expect("open blobs");
    let repo = Repository::new(
        Arc::new(store.clone()),
        Arc::new(blobs.clone()),
        Arc::new(SystemClock),
        Config::default(),
    );
    repo.init(Some("bench")).await.expect("init");
    let admin = repo.actor_by_name("default", "admin").await.expect("admin");
    let lib = repo.create_library(&admin, "Bench").await.expect("library");
    let sha = {
        let staged = blobs
            .stage(&mut &vec![b'x'; DOC_SIZE as usize][..])
            .await
            .expect("stage");
        let sha = staged.sha256.clone();
        blobs.promote(staged).await.expect("promote");
        sha
    };
    let scenario = format!("subtree_{nodes}");

    let started = Instant::now();
    let root_id = build_tree(&db, lib.id, &lib.path, admin.user_id, nodes, &sha).await;
    report(&scenario, "build", started);

    reset_peak_rss();
    let started = Instant::now();
    let record = repo.delete(&admin, root_id).await.expect("delete");
    report(&scenario, "delete", started);
    peak(&scenario, "delete");
    assert_eq!(record.item_count as usize, nodes, "every node counted once");

    reset_peak_rss();
    let started = Instant::now();
    repo.restore_one(&admin, TrashItem::Record(record.id), RestoreOptions::default())
        .await
        .expect("restore");
    report(&scenario, "restore", started);
    peak(&scenario, "restore");

    let started = Instant::now();
    let violations = repo.check().await.expect("check");
    report(&scenario, "check", started);
    assert!(violations.is_empty(), "{violations:?}");

    floor(&db, &scenario, root_id).await;
    store.close().await;
}

/// Inserts `nodes` nodes below the library in one transaction and returns the root folder's id.
async fn build_tree(db: &std::path::Path, lib: i64, lib_path: &str, user: i64, nodes: usize, sha: &str) -> i64 {
    let mut conn = SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(db))
        .await
        .expect("connect");
    let mut tx = conn.begin().await.expect("begin");
    let first: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) + 1 FROM nodes")
        .fetch_one(&mut *tx)
        .await
        .expect("next id");
    let now = chrono::Utc::now().timestamp_millis();
    let mut next = first;
    let mut insert = |parent: i64, parent_path: &str, depth: i64, kind: &str, name: String| {
        let id = next;
        next += 1;
        let path = format!("{parent_path}{id}/");
        (id, path.clone(), sqlx::query("INSERT INTO nodes (id, tenant_id, parent_id, kind, name, name_key, path, depth, size, current_version, created_by, created_at, modified_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(id).bind(parent).bind(kind.to_owned()).bind(name.clone()).bind(name.to_lowercase()).bind(path).bind(depth)
            .bind(if kind == "document" { DOC_SIZE } else { 0 }).bind(if kind == "document" { 1 } else { 0 }).bind(user).bind(now).bind(now))
    };
    let documents = nodes.saturating_sub(111);
    sqlx::query("INSERT INTO blobs (sha256, size, refcount) VALUES (?, ?, ?)")
        .bind(sha)
        .bind(DOC_SIZE)
        .bind(documents as i64)
        .execute(&mut *tx)
        .await
        .expect("blob");
    let (root, root_path, q) = insert(lib, lib_path, 1, "folder", "root".into());
    q.execute(&mut *tx).await.expect("insert");
    let mut leaves = Vec::new();
    for i in 0..10 {
        let (mid, mid_path, q) = insert(root, &root_path, 2, "folder", format!("part {i}"));
        q.execute(&mut *tx).await.expect("insert");
        for j in 0..10 {
            let (leaf, leaf_path, q) = insert(mid, &mid_path, 3, "folder", format!("section {j}"));
            q.execute(&mut *tx).await.expect("insert");
            leaves.push((leaf, leaf_path));
        }
    }
    for k in 0..documents {
        let (leaf, leaf_path) = &leaves[k % leaves.len()];
        let (doc, _, q) = insert(*leaf, leaf_path, 4, "document", format!("document {k}.txt"));
        q.execute(&mut *tx).await.expect("insert");
        sqlx::query("INSERT INTO versions (node_id, number, blob_sha256, size, created_by, created_at) VALUES (?, 1, ?, ?, ?, ?)")
            .bind(doc).bind(sha).bind(DOC_SIZE).bind(user).bind(now)
            .execute(&mut *tx).await.expect("version");
    }
    tx.commit().await.expect("commit");
    sqlx::query("ANALYZE").execute(&mut conn).await.expect("analyze");
    root
}

/// The same set-based statements a delete and a restore need, run directly: the aggregate over
/// the subtree range, inserting the record and setting the mark; clearing the mark and removing
/// the record.
async fn floor(db: &std::path::Path, scenario: &str, root: i64) {
    let mut conn = SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(db))
        .await
        .expect("connect");
    let path: String = sqlx::query_scalar("SELECT path FROM nodes WHERE id = ?")
        .bind(root)
        .fetch_one(&mut conn)
        .await
        .expect("path");
    let end = format!("{}0", &path[..path.len() - 1]);
    let started = Instant::now();
    let mut tx = conn.begin().await.expect("begin");
    let _: (i64, i64) =
        sqlx::query_as("SELECT count(*), coalesce(sum(size), 0) FROM nodes WHERE path >= ? AND path < ?")
            .bind(&path)
            .bind(&end)
            .fetch_one(&mut *tx)
            .await
            .expect("aggregate");
    let record: i64 = sqlx::query_scalar("INSERT INTO trash_records (tenant_id, root_node_id, kind, name, name_key, original_parent_id, original_path, deleted_by, deleted_at, item_count, total_size, stage, stage_changed_at) VALUES (1, ?, 'folder', 'root', 'root', NULL, '/Bench/root', 1, 0, 0, 0, 0, 0) RETURNING id")
        .bind(root).fetch_one(&mut *tx).await.expect("record");
    sqlx::query("UPDATE nodes SET trash_record_id = ? WHERE id = ?")
        .bind(record)
        .bind(root)
        .execute(&mut *tx)
        .await
        .expect("mark");
    tx.commit().await.expect("commit");
    report(scenario, "floor_delete", started);
    let started = Instant::now();
    let mut tx = conn.begin().await.expect("begin");
    sqlx::query("UPDATE nodes SET trash_record_id = NULL WHERE id = ?")
        .bind(root)
        .execute(&mut *tx)
        .await
        .expect("unmark");
    sqlx::query("DELETE FROM trash_records WHERE id = ?")
        .bind(record)
        .execute(&mut *tx)
        .await
        .expect("unrecord");
    tx.commit().await.expect("commit");
    report(scenario, "floor_restore", started);
}

fn report(scenario: &str, figure: &str, started: Instant) {
    println!(
        "bench {scenario}.{figure} {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
}

/// Resets the kernel's peak-RSS counter so each step reports its own peak (Linux).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak(scenario: &str, figure: &str) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(kb) = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
    {
        println!("bench {scenario}.{figure}_peak_rss {:.1} MB", kb / 1024.0);
    }
}
