//! Deletes a large folder tree to the trash and restores it, on SQLite and on PostgreSQL,
//! printing each step's time and peak memory as `bench <scenario>.<figure> <value> <unit>`
//! lines (scenario `subtree_<nodes>` on SQLite, `subtree_<nodes>_postgres` on PostgreSQL).
//!
//!     cargo bench -p salvage-store --bench subtree                 # 100,000 nodes
//!     SALVAGE_BENCH_NODES=1000000 cargo bench -p salvage-store --bench subtree
//!
//! PostgreSQL runs in a scratch database created (and dropped) on the server at
//! `SALVAGE_BENCH_DATABASE_URL` (any database on it), else on the local server when it is
//! reachable; otherwise that half is skipped with a note. Peak memory is the benchmark
//! process's own, not the database server's.
//!
//! The tree (one folder, 10 subfolders, 100 leaf folders, documents spread over the leaves, each
//! with one version of shared 1 KiB content) is bulk-loaded with set-based SQL: building it
//! through the API would measure uploads, not the trash. Delete and restore go through the real
//! `Repository`. The "floor" is the same set-based work done directly in SQL.

use salvage_blob::LocalBlobStore;
use salvage_core::blob::BlobStore;
use salvage_core::clock::SystemClock;
use salvage_core::store::Store;
use salvage_core::trash::{RestoreOptions, TrashItem};
use salvage_core::{Config, Repository};
use salvage_store::testing::{ScratchDatabase, DEFAULT_SERVER_URL};
use salvage_store::{PgStore, SqliteStore};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, PgConnection, SqliteConnection};
use std::path::Path;
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
    let sql = Sql::Sqlite(
        SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(&db))
            .await
            .expect("connect"),
    );
    run(
        &format!("subtree_{nodes}"),
        Arc::new(store.clone()),
        sql,
        &dir.path().join("blobs"),
        nodes,
    )
    .await;
    store.close().await;

    let server = std::env::var("SALVAGE_BENCH_DATABASE_URL").unwrap_or_else(|_| DEFAULT_SERVER_URL.to_owned());
    match ScratchDatabase::create(&server).await {
        Ok(scratch) => {
            let store = PgStore::connect(&scratch.url).await.expect("open store");
            let sql = Sql::Postgres(PgConnection::connect(&scratch.url).await.expect("connect"));
            let blobs = dir.path().join("blobs-postgres");
            run(
                &format!("subtree_{nodes}_postgres"),
                Arc::new(store.clone()),
                sql,
                &blobs,
                nodes,
            )
            .await;
            store.close().await;
        }
        Err(e) => {
            println!("bench: PostgreSQL skipped, no scratch database on {server}: {e} (set SALVAGE_BENCH_DATABASE_URL)")
        }
    }
}

/// Builds the tree, deletes it and restores it through the repository, checks, and measures
/// the floor.
async fn run(scenario: &str, store: Arc<dyn Store>, mut sql: Sql, blob_dir: &Path, nodes: usize) {
    let blobs = LocalBlobStore::open(blob_dir).await.expect("open blobs");
    let repo = Repository::new(store, Arc::new(blobs.clone()), Arc::new(SystemClock), Config::default());
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

    let started = Instant::now();
    let root_id = build_tree(&mut sql, lib.id, &lib.path, admin.user_id, nodes, &sha).await;
    report(scenario, "build", started);

    reset_peak_rss();
    let started = Instant::now();
    let record = repo.delete(&admin, root_id).await.expect("delete");
    report(scenario, "delete", started);
    peak(scenario, "delete");
    assert_eq!(record.item_count as usize, nodes, "every node counted once");

    reset_peak_rss();
    let started = Instant::now();
    repo.restore_one(&admin, TrashItem::Record(record.id), RestoreOptions::default())
        .await
        .expect("restore");
    report(scenario, "restore", started);
    peak(scenario, "restore");

    let started = Instant::now();
    let violations = repo.check().await.expect("check");
    report(scenario, "check", started);
    assert!(violations.is_empty(), "{violations:?}");

    floor(&mut sql, scenario, root_id).await;
}

/// A plain connection to the benchmark's database, for SQL the repository does not speak.
/// Statements carry their (trusted, numeric or path) values as literals, so the same text runs
/// on both backends.
enum Sql {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl Sql {
    async fn exec(&mut self, sql: &str) {
        match self {
            Sql::Sqlite(c) => sqlx::raw_sql(sql).execute(c).await.map(drop),
            Sql::Postgres(c) => sqlx::raw_sql(sql).execute(c).await.map(drop),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    async fn int(&mut self, sql: &str) -> i64 {
        match self {
            Sql::Sqlite(c) => sqlx::query_scalar(sql).fetch_one(c).await,
            Sql::Postgres(c) => sqlx::query_scalar(sql).fetch_one(c).await,
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    async fn text(&mut self, sql: &str) -> String {
        match self {
            Sql::Sqlite(c) => sqlx::query_scalar(sql).fetch_one(c).await,
            Sql::Postgres(c) => sqlx::query_scalar(sql).fetch_one(c).await,
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

/// Inserts `nodes` nodes below the library in one transaction, a few statements in all, and
/// returns the root folder's id. Ids: the root `f`, its 10 parts `f+1..`, their 100 sections
/// `f+11..` (section `j` of part `i` is `f+11+10i+j`), then the documents, spread round-robin.
async fn build_tree(sql: &mut Sql, lib: i64, lib_path: &str, user: i64, nodes: usize, sha: &str) -> i64 {
    let f = sql.int("SELECT coalesce(max(id), 0) + 1 FROM nodes").await;
    let now = chrono::Utc::now().timestamp_millis();
    let documents = nodes.saturating_sub(111) as i64;
    let last = f + 110 + documents;
    let root = format!("{lib_path}{f}/");
    let columns = "id, tenant_id, parent_id, kind, name, name_key, path, depth, size, current_version, created_by, created_at, modified_at";
    sql.exec("BEGIN").await;
    sql.exec(&format!(
        "INSERT INTO blobs (sha256, size, refcount) VALUES ('{sha}', {DOC_SIZE}, {documents})"
    ))
    .await;
    sql.exec(&format!(
        "INSERT INTO nodes ({columns}) VALUES ({f}, 1, {lib}, 'folder', 'root', 'root', '{root}', 1, 0, 0, {user}, {now}, {now})"
    ))
    .await;
    sql.exec(&format!(
        "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 9) \
         INSERT INTO nodes ({columns}) \
         SELECT {f} + 1 + i, 1, {f}, 'folder', 'part ' || i, 'part ' || i, '{root}' || ({f} + 1 + i) || '/', 2, 0, 0, {user}, {now}, {now} FROM s"
    ))
    .await;
    sql.exec(&format!(
        "WITH RECURSIVE s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s WHERE k < 99) \
         INSERT INTO nodes ({columns}) \
         SELECT {f} + 11 + k, 1, {f} + 1 + k / 10, 'folder', 'section ' || (k % 10), 'section ' || (k % 10), \
                '{root}' || ({f} + 1 + k / 10) || '/' || ({f} + 11 + k) || '/', 3, 0, 0, {user}, {now}, {now} FROM s"
    ))
    .await;
    if documents > 0 {
        sql.exec(&format!(
            "WITH RECURSIVE s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s WHERE k < {documents} - 1) \
             INSERT INTO nodes ({columns}) \
             SELECT {f} + 111 + k, 1, {f} + 11 + k % 100, 'document', 'document ' || k || '.txt', 'document ' || k || '.txt', \
                    '{root}' || ({f} + 1 + (k % 100) / 10) || '/' || ({f} + 11 + k % 100) || '/' || ({f} + 111 + k) || '/', \
                    4, {DOC_SIZE}, 1, {user}, {now}, {now} FROM s"
        ))
        .await;
        sql.exec(&format!(
            "INSERT INTO versions (node_id, number, blob_sha256, size, created_by, created_at) \
             SELECT id, 1, '{sha}', {DOC_SIZE}, {user}, {now} FROM nodes WHERE kind = 'document' AND id > {f}"
        ))
        .await;
    }
    if let Sql::Postgres(_) = sql {
        // PostgreSQL hands out item ids from a counter row; move it past the loaded ones.
        sql.exec(&format!("UPDATE id_counters SET last_id = {last} WHERE name = 'nodes'"))
            .await;
    }
    sql.exec("COMMIT").await;
    sql.exec("ANALYZE").await;
    f
}

/// The same set-based statements a delete and a restore need, run directly: the aggregate over
/// the subtree range, inserting the record and setting the mark; clearing the mark and removing
/// the record.
async fn floor(sql: &mut Sql, scenario: &str, root: i64) {
    let path = sql.text(&format!("SELECT path FROM nodes WHERE id = {root}")).await;
    let end = format!("{}0", &path[..path.len() - 1]);
    let started = Instant::now();
    sql.exec("BEGIN").await;
    sql.int(&format!(
        "SELECT CAST(count(*) + coalesce(sum(size), 0) AS BIGINT) FROM nodes WHERE path >= '{path}' AND path < '{end}'"
    ))
    .await;
    let record = sql.int("SELECT coalesce(max(id), 0) + 1 FROM trash_records").await;
    sql.exec(&format!(
        "INSERT INTO trash_records (id, tenant_id, root_node_id, kind, name, name_key, original_parent_id, original_path, deleted_by, deleted_at, item_count, total_size, stage, stage_changed_at) \
         VALUES ({record}, 1, {root}, 'folder', 'root', 'root', NULL, '/Bench/root', 1, 0, 0, 0, 0, 0)"
    ))
    .await;
    sql.exec(&format!(
        "UPDATE nodes SET trash_record_id = {record} WHERE id = {root}"
    ))
    .await;
    sql.exec("COMMIT").await;
    report(scenario, "floor_delete", started);
    let started = Instant::now();
    sql.exec("BEGIN").await;
    sql.exec(&format!("UPDATE nodes SET trash_record_id = NULL WHERE id = {root}"))
        .await;
    sql.exec(&format!("DELETE FROM trash_records WHERE id = {record}"))
        .await;
    sql.exec("COMMIT").await;
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
