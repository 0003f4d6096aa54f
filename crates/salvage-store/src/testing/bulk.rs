//! Bulk fixtures for the benchmarks: large trees and large recycle bins written with a few
//! set-based statements, and the "floor" of a delete and a restore (the same set-based work done
//! directly in SQL, without salvage). Building a million items through the repository would
//! measure uploads, not the trash.
//!
//! Statements carry their (trusted, numeric or path) values as literals, so the same text runs
//! on both backends. The rows written are exactly what the repository would write (`salvage
//! check` is clean afterwards), so the repository can delete and restore them as usual.

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, PgConnection, SqliteConnection};
use std::path::Path;
use std::time::{Duration, Instant};

/// A plain connection to a salvage database, for SQL the repository does not speak.
pub enum Sql {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// A recycle bin to load: `items` documents in one live folder, each deleted on its own (one
/// trash record each), by the deleters in turn, at times spread evenly over `span_ms` from
/// `since_ms` (item `k` is deleted after item `k - 1`).
pub struct BinSpec<'a> {
    pub tenant: i64,
    /// The live folder the documents were deleted from: its id, materialized id path and path
    /// by names (`/Library/Folder`).
    pub folder: i64,
    pub folder_path: &'a str,
    pub folder_names: &'a str,
    pub deleters: &'a [i64],
    pub items: usize,
    pub since_ms: i64,
    pub span_ms: i64,
    /// Content every document's one version points at (its blob row must exist).
    pub sha: &'a str,
}

/// What `load_bin` wrote: records `first_record..first_record + items` mark nodes
/// `first_node..first_node + items`, in the same order.
#[derive(Debug, Clone, Copy)]
pub struct LoadedBin {
    pub first_record: i64,
    pub first_node: i64,
}

/// The name of bin document `k`: unique, with a number a search can look for.
pub fn bin_document_name(k: usize) -> String {
    format!("report-{k:07}.pdf")
}

/// The size of bin document `k`: varied, so the size orders have work to do.
pub fn bin_document_size(k: usize) -> i64 {
    1024 + (k as i64 * 7919) % 100_000
}

/// Size of each document of a loaded tree.
pub const TREE_DOCUMENT_SIZE: i64 = 1024;

impl Sql {
    pub async fn open_sqlite(file: &Path) -> Result<Sql, sqlx::Error> {
        let options = SqliteConnectOptions::new().filename(file).foreign_keys(true);
        Ok(Sql::Sqlite(SqliteConnection::connect_with(&options).await?))
    }

    pub async fn open_postgres(url: &str) -> Result<Sql, sqlx::Error> {
        Ok(Sql::Postgres(PgConnection::connect(url).await?))
    }

    pub async fn exec(&mut self, sql: &str) {
        match self {
            Sql::Sqlite(c) => sqlx::raw_sql(sql).execute(c).await.map(drop),
            Sql::Postgres(c) => sqlx::raw_sql(sql).execute(c).await.map(drop),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    pub async fn int(&mut self, sql: &str) -> i64 {
        match self {
            Sql::Sqlite(c) => sqlx::query_scalar(sql).fetch_one(c).await,
            Sql::Postgres(c) => sqlx::query_scalar(sql).fetch_one(c).await,
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    pub async fn text(&mut self, sql: &str) -> String {
        match self {
            Sql::Sqlite(c) => sqlx::query_scalar(sql).fetch_one(c).await,
            Sql::Postgres(c) => sqlx::query_scalar(sql).fetch_one(c).await,
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// `WITH` clause of a table `s(k)` holding `0..n`.
    fn series(&self, n: i64) -> String {
        match self {
            Sql::Sqlite(_) => {
                format!("WITH RECURSIVE s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s WHERE k < {n} - 1)")
            }
            Sql::Postgres(_) => format!("WITH s(k) AS (SELECT generate_series(0, {n} - 1)::BIGINT)"),
        }
    }

    /// The next free id of a table whose ids the store hands out.
    async fn next_id(&mut self, table: &str) -> i64 {
        match self {
            Sql::Sqlite(_) => {
                self.int(&format!(
                    "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0) + 1"
                ))
                .await
            }
            Sql::Postgres(_) => {
                self.int(&format!("SELECT last_id + 1 FROM id_counters WHERE name = '{table}'"))
                    .await
            }
        }
    }

    /// Moves the id counter of `table` past `last`, so the store's next id is above the loaded
    /// rows.
    async fn claim_ids(&mut self, table: &str, last: i64) {
        match self {
            Sql::Sqlite(_) => {
                self.exec(&format!(
                    "UPDATE sqlite_sequence SET seq = max(seq, {last}) WHERE name = '{table}'"
                ))
                .await
            }
            Sql::Postgres(_) => {
                self.exec(&format!(
                    "UPDATE id_counters SET last_id = greatest(last_id, {last}) WHERE name = '{table}'"
                ))
                .await
            }
        }
    }

    /// Adds `refs` references to the content `sha` of `size` bytes.
    async fn reference_blob(&mut self, sha: &str, size: i64, refs: i64) {
        self.exec(&format!(
            "INSERT INTO blobs (sha256, size, refcount) VALUES ('{sha}', {size}, {refs}) \
             ON CONFLICT (sha256) DO UPDATE SET refcount = blobs.refcount + excluded.refcount, zero_since = NULL"
        ))
        .await;
    }

    /// Inserts a folder tree of `nodes` nodes below the library in one transaction, a few
    /// statements in all, and returns the root folder's id. The tree: the root, its 10 parts,
    /// their 100 sections, then documents of `TREE_DOCUMENT_SIZE` bytes with content `sha`,
    /// spread round-robin over the sections.
    pub async fn load_tree(
        &mut self,
        tenant: i64,
        library: i64,
        library_path: &str,
        user: i64,
        nodes: usize,
        sha: &str,
    ) -> i64 {
        let f = self.next_id("nodes").await;
        let now = chrono::Utc::now().timestamp_millis();
        let documents = nodes.saturating_sub(111) as i64;
        let root = format!("{library_path}{f}/");
        let columns = "id, tenant_id, parent_id, kind, name, name_key, path, depth, size, current_version, created_by, created_at, modified_at";
        let size = TREE_DOCUMENT_SIZE;
        self.exec("BEGIN").await;
        self.exec(&format!(
            "INSERT INTO nodes ({columns}) VALUES ({f}, {tenant}, {library}, 'folder', 'root', 'root', '{root}', 1, 0, 0, {user}, {now}, {now})"
        ))
        .await;
        let parts = self.series(10);
        self.exec(&format!(
            "{parts} INSERT INTO nodes ({columns}) \
             SELECT {f} + 1 + k, {tenant}, {f}, 'folder', 'part ' || k, 'part ' || k, '{root}' || ({f} + 1 + k) || '/', 2, 0, 0, {user}, {now}, {now} FROM s"
        ))
        .await;
        let sections = self.series(100);
        self.exec(&format!(
            "{sections} INSERT INTO nodes ({columns}) \
             SELECT {f} + 11 + k, {tenant}, {f} + 1 + k / 10, 'folder', 'section ' || (k % 10), 'section ' || (k % 10), \
                    '{root}' || ({f} + 1 + k / 10) || '/' || ({f} + 11 + k) || '/', 3, 0, 0, {user}, {now}, {now} FROM s"
        ))
        .await;
        if documents > 0 {
            let docs = self.series(documents);
            self.exec(&format!(
                "{docs} INSERT INTO nodes ({columns}) \
                 SELECT {f} + 111 + k, {tenant}, {f} + 11 + k % 100, 'document', 'document ' || k || '.txt', 'document ' || k || '.txt', \
                        '{root}' || ({f} + 1 + (k % 100) / 10) || '/' || ({f} + 11 + k % 100) || '/' || ({f} + 111 + k) || '/', \
                        4, {size}, 1, {user}, {now}, {now} FROM s"
            ))
            .await;
            self.exec(&format!(
                "INSERT INTO versions (node_id, number, blob_sha256, size, created_by, created_at) \
                 SELECT id, 1, '{sha}', {size}, {user}, {now} FROM nodes WHERE kind = 'document' AND id > {f}"
            ))
            .await;
            self.reference_blob(sha, size, documents).await;
        }
        self.claim_ids("nodes", f + 110 + documents).await;
        self.exec("COMMIT").await;
        self.analyze().await;
        f
    }

    /// Writes a recycle bin of `spec.items` documents deleted one by one, in one transaction.
    pub async fn load_bin(&mut self, spec: &BinSpec<'_>) -> LoadedBin {
        let n0 = self.next_id("nodes").await;
        let r0 = self.next_id("trash_records").await;
        let items = spec.items as i64;
        let (tenant, folder, sha) = (spec.tenant, spec.folder, spec.sha);
        let deleters = spec.deleters.len() as i64;
        // The deleter of item k: the k-th of the list, in turn.
        let deleter = spec
            .deleters
            .iter()
            .enumerate()
            .map(|(i, id)| format!("WHEN {i} THEN {id}"))
            .collect::<Vec<_>>()
            .join(" ");
        let deleted_at = format!("{} + k * {} / {items}", spec.since_ms, spec.span_ms);
        let name = "'report-' || substr('000000' || k, -7, 7) || '.pdf'";
        let name_pg = "'report-' || lpad(k::TEXT, 7, '0') || '.pdf'";
        let name = if matches!(self, Sql::Postgres(_)) {
            name_pg
        } else {
            name
        };
        let size = "1024 + (k * 7919) % 100000";
        let s = self.series(items);
        self.exec("BEGIN").await;
        self.exec(&format!(
            "{s} INSERT INTO trash_records (id, tenant_id, root_node_id, kind, name, name_key, original_parent_id, \
                 original_path, deleted_by, deleted_at, item_count, total_size, stage, stage_changed_at) \
             SELECT {r0} + k, {tenant}, {n0} + k, 'document', {name}, {name}, {folder}, '{names}/' || {name}, \
                    CASE k % {deleters} {deleter} END, {deleted_at}, 1, {size}, 0, {deleted_at} FROM s",
            names = spec.folder_names,
        ))
        .await;
        let s = self.series(items);
        self.exec(&format!(
            "{s} INSERT INTO nodes (id, tenant_id, parent_id, kind, name, name_key, path, depth, trash_record_id, size, \
                 current_version, created_by, created_at, modified_at) \
             SELECT {n0} + k, {tenant}, {folder}, 'document', {name}, {name}, '{path}' || ({n0} + k) || '/', {depth}, {r0} + k, \
                    {size}, 1, CASE k % {deleters} {deleter} END, {since}, {since} FROM s",
            path = spec.folder_path,
            depth = spec.folder_path.matches('/').count() - 1,
            since = spec.since_ms,
        ))
        .await;
        self.exec(&format!(
            "INSERT INTO versions (node_id, number, blob_sha256, size, created_by, created_at) \
             SELECT id, 1, '{sha}', size, created_by, created_at FROM nodes WHERE id >= {n0} AND id < {n0} + {items}"
        ))
        .await;
        let shared_size = self
            .int(&format!("SELECT size FROM blobs WHERE sha256 = '{sha}'"))
            .await;
        self.reference_blob(sha, shared_size, items).await;
        self.claim_ids("nodes", n0 + items - 1).await;
        self.claim_ids("trash_records", r0 + items - 1).await;
        self.exec("COMMIT").await;
        self.analyze().await;
        LoadedBin {
            first_record: r0,
            first_node: n0,
        }
    }

    /// The floor of deleting and restoring the subtree at `root`: the aggregate over the subtree
    /// range, inserting the record and setting the mark; clearing the mark and removing the
    /// record — each in its own transaction, timed.
    pub async fn floor(&mut self, tenant: i64, user: i64, root: i64) -> (Duration, Duration) {
        let path = self.text(&format!("SELECT path FROM nodes WHERE id = {root}")).await;
        let end = format!("{}0", &path[..path.len() - 1]);
        let record = self.next_id("trash_records").await;
        let started = Instant::now();
        self.exec("BEGIN").await;
        self.int(&format!(
            "SELECT CAST(count(*) + coalesce(sum(size), 0) AS BIGINT) FROM nodes WHERE path >= '{path}' AND path < '{end}'"
        ))
        .await;
        self.exec(&format!(
            "INSERT INTO trash_records (id, tenant_id, root_node_id, kind, name, name_key, original_parent_id, original_path, deleted_by, deleted_at, item_count, total_size, stage, stage_changed_at) \
             VALUES ({record}, {tenant}, {root}, 'folder', 'root', 'root', NULL, '/floor/root', {user}, 0, 0, 0, 0, 0)"
        ))
        .await;
        self.exec(&format!(
            "UPDATE nodes SET trash_record_id = {record} WHERE id = {root}"
        ))
        .await;
        self.exec("COMMIT").await;
        let delete = started.elapsed();
        let started = Instant::now();
        self.exec("BEGIN").await;
        self.exec(&format!("UPDATE nodes SET trash_record_id = NULL WHERE id = {root}"))
            .await;
        self.exec(&format!("DELETE FROM trash_records WHERE id = {record}"))
            .await;
        self.exec("COMMIT").await;
        let restore = started.elapsed();
        // Ids are never reused: the record id the floor took stays taken.
        self.claim_ids("trash_records", record).await;
        (delete, restore)
    }

    /// Gathers planner statistics where the installation would have them: PostgreSQL's
    /// autovacuum analyses a table after a bulk load, salvage never runs ANALYZE on SQLite (its
    /// queries are planned from the schema alone, and STAT4 statistics would make SQLite
    /// re-prepare every statement whose parameters change).
    async fn analyze(&mut self) {
        if let Sql::Postgres(_) = self {
            self.exec("ANALYZE").await;
        }
    }

    pub async fn close(self) {
        let _ = match self {
            Sql::Sqlite(c) => c.close().await,
            Sql::Postgres(c) => c.close().await,
        };
    }
}
