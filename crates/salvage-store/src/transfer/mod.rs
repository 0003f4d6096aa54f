//! Moving an installation's metadata from one database to another (SQLite to PostgreSQL, or
//! back): `salvage migrate`.
//!
//! The source is read from one snapshot, so what is copied is a consistent state even if
//! someone writes meanwhile. The target is written in one transaction, rows keep their ids, the
//! id counters carry over (an id a purged item once had is never handed out again), and before
//! committing every table is read back in the same order and compared with the source by
//! SHA-256 digest. A failed or refused migration leaves the target as it was.

mod batch;
mod tables;

use crate::query::storage_error;
use crate::Database;
use batch::Batch;
use futures_util::TryStreamExt;
use salvage_core::{Error, Result};
use sha2::{Digest, Sha256};
use sqlx::{Postgres, Row, Sqlite, Transaction};
use tables::{Table, TABLES};

/// Rows per write: large enough that a million rows are a few hundred statements, small enough
/// that a batch of wide rows stays a few megabytes.
const BATCH_ROWS: usize = 2_000;

/// A transaction on either backend.
enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// How many rows one table holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableCount {
    pub table: &'static str,
    pub rows: u64,
}

/// A blob the metadata refers to (or did, until its delayed deletion).
#[derive(Debug, Clone)]
pub struct BlobRow {
    pub sha256: String,
    pub size: i64,
    pub refcount: i64,
}

/// A consistent, read-only view of a source database.
pub struct Snapshot {
    tx: Tx,
}

impl Snapshot {
    pub async fn begin(source: &Database) -> Result<Snapshot> {
        let tx = match source {
            Database::Sqlite(store) => Tx::Sqlite(store.reader().begin().await.map_err(storage_error)?),
            Database::Postgres(store) => Tx::Postgres(
                store
                    .reader()
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await
                    .map_err(storage_error)?,
            ),
        };
        Ok(Snapshot { tx })
    }

    /// Rows per table, in copy order.
    pub async fn row_counts(&mut self) -> Result<Vec<TableCount>> {
        let mut counts = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            let sql = format!("SELECT count(*) FROM {}", table.name);
            counts.push(TableCount {
                table: table.name,
                rows: self.tx.scalar(&sql).await? as u64,
            });
        }
        Ok(counts)
    }

    /// Up to `limit` blobs after `after` in hash order.
    pub async fn blobs(&mut self, after: Option<&str>, limit: u32) -> Result<Vec<BlobRow>> {
        let sql = "SELECT sha256, size, refcount FROM blobs WHERE sha256 > $1 ORDER BY sha256 LIMIT $2";
        let after = after.unwrap_or("");
        let rows: Vec<(String, i64, i64)> = match &mut self.tx {
            Tx::Sqlite(tx) => sqlx::query(sql)
                .bind(after)
                .bind(limit as i64)
                .fetch_all(&mut **tx)
                .await
                .map_err(storage_error)?
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect(),
            Tx::Postgres(tx) => sqlx::query(sql)
                .bind(after)
                .bind(limit as i64)
                .fetch_all(&mut **tx)
                .await
                .map_err(storage_error)?
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect(),
        };
        Ok(rows
            .into_iter()
            .map(|(sha256, size, refcount)| BlobRow { sha256, size, refcount })
            .collect())
    }

    /// Copies every table into `target`, which must hold no salvage data yet, verifies the
    /// copy and commits it. `progress` is told the number of rows written as they are. The
    /// snapshot ends here, giving its connection back to the source's pool.
    pub async fn copy_into(mut self, target: &Database, progress: &(dyn Fn(u64) + Sync)) -> Result<Vec<TableCount>> {
        let mut out = Tx::begin_write(target).await?;
        out.refuse_unless_empty().await?;
        let mut copied = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            let (rows, digest) = copy_table(&mut self.tx, &mut out, table, progress).await?;
            let (rows_back, digest_back) = digest_table(&mut out, table).await?;
            if (rows_back, digest_back) != (rows, digest) {
                return Err(Error::Storage(format!(
                    "the copy of table {} does not match its source ({rows} rows read, {rows_back} found \
                     in the target); nothing was committed",
                    table.name
                )));
            }
            if table.id_counter {
                let high_water = self.tx.id_high_water(table.name).await?;
                out.set_id_high_water(table.name, high_water).await?;
            }
            copied.push(TableCount {
                table: table.name,
                rows,
            });
        }
        out.commit().await?;
        Ok(copied)
    }
}

/// Streams one table from `source` into `target` in batches; returns its row count and digest.
async fn copy_table(
    source: &mut Tx,
    target: &mut Tx,
    table: &Table,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(u64, [u8; 32])> {
    let sql = table.select();
    let mut batch = Batch::new(table);
    let mut digest = Sha256::new();
    let mut rows = 0u64;
    macro_rules! flush {
        () => {{
            batch.digest_into(&mut digest);
            target.write(&batch).await?;
            rows += batch.len() as u64;
            progress(batch.len() as u64);
            batch.clear();
        }};
    }
    match source {
        Tx::Sqlite(tx) => {
            let mut stream = sqlx::query(&sql).fetch(&mut **tx);
            while let Some(row) = stream.try_next().await.map_err(storage_error)? {
                batch.push_sqlite(&row)?;
                if batch.len() == BATCH_ROWS {
                    flush!();
                }
            }
        }
        Tx::Postgres(tx) => {
            let mut stream = sqlx::query(&sql).fetch(&mut **tx);
            while let Some(row) = stream.try_next().await.map_err(storage_error)? {
                batch.push_postgres(&row)?;
                if batch.len() == BATCH_ROWS {
                    flush!();
                }
            }
        }
    }
    flush!();
    Ok((rows, digest.finalize().into()))
}

/// A table's row count and digest, read in copy order.
async fn digest_table(tx: &mut Tx, table: &Table) -> Result<(u64, [u8; 32])> {
    let sql = table.select();
    let mut batch = Batch::new(table);
    let mut digest = Sha256::new();
    let mut rows = 0u64;
    match tx {
        Tx::Sqlite(tx) => {
            let mut stream = sqlx::query(&sql).fetch(&mut **tx);
            while let Some(row) = stream.try_next().await.map_err(storage_error)? {
                batch.push_sqlite(&row)?;
                if batch.len() == BATCH_ROWS {
                    batch.digest_into(&mut digest);
                    rows += batch.len() as u64;
                    batch.clear();
                }
            }
        }
        Tx::Postgres(tx) => {
            let mut stream = sqlx::query(&sql).fetch(&mut **tx);
            while let Some(row) = stream.try_next().await.map_err(storage_error)? {
                batch.push_postgres(&row)?;
                if batch.len() == BATCH_ROWS {
                    batch.digest_into(&mut digest);
                    rows += batch.len() as u64;
                    batch.clear();
                }
            }
        }
    }
    batch.digest_into(&mut digest);
    rows += batch.len() as u64;
    Ok((rows, digest.finalize().into()))
}

impl Tx {
    /// A write transaction that keeps every other writer out: SQLite's `BEGIN IMMEDIATE`, or
    /// the PostgreSQL writer lock servers take. Foreign keys on SQLite are checked at commit,
    /// so rows may arrive in any order within the transaction.
    async fn begin_write(target: &Database) -> Result<Tx> {
        match target {
            Database::Sqlite(store) => {
                let mut tx = store
                    .writer()
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(storage_error)?;
                sqlx::query("PRAGMA defer_foreign_keys = ON")
                    .execute(&mut *tx)
                    .await
                    .map_err(storage_error)?;
                Ok(Tx::Sqlite(tx))
            }
            Database::Postgres(store) => {
                let mut tx = store.writer().begin().await.map_err(storage_error)?;
                crate::postgres::take_writer_lock(&mut tx).await?;
                Ok(Tx::Postgres(tx))
            }
        }
    }

    async fn scalar(&mut self, sql: &str) -> Result<i64> {
        match self {
            Tx::Sqlite(tx) => sqlx::query_scalar(sql).fetch_one(&mut **tx).await,
            Tx::Postgres(tx) => sqlx::query_scalar(sql).fetch_one(&mut **tx).await,
        }
        .map_err(storage_error)
    }

    /// A migration fills a new database; it never merges two installations.
    async fn refuse_unless_empty(&mut self) -> Result<()> {
        let tenants = self.scalar("SELECT count(*) FROM tenants").await?;
        let users = self.scalar("SELECT count(*) FROM users").await?;
        let nodes = self.scalar("SELECT count(*) FROM nodes").await?;
        if tenants + users + nodes > 0 {
            return Err(Error::InvalidInput(format!(
                "the target database already holds salvage data ({tenants} tenants, {users} users, {nodes} \
                 items); migrate into a new, empty database (a server started on it creates a tenant and \
                 an administrator, so migrate before the first start)"
            )));
        }
        Ok(())
    }

    async fn write(&mut self, batch: &Batch<'_>) -> Result<()> {
        if batch.len() == 0 {
            return Ok(());
        }
        match self {
            Tx::Sqlite(tx) => batch.write_sqlite(tx).await,
            Tx::Postgres(tx) => batch.write_postgres(tx).await,
        }
    }

    /// The highest id the table has ever handed out: its counter (which remembers the ids of
    /// rows since deleted) or its largest id, whichever is higher.
    async fn id_high_water(&mut self, table: &str) -> Result<i64> {
        let largest = self
            .scalar(&format!("SELECT coalesce(max(id), 0) FROM {table}"))
            .await?;
        let counter: Option<i64> = match self {
            Tx::Sqlite(tx) => sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = $1")
                .bind(table)
                .fetch_optional(&mut **tx)
                .await
                .map_err(storage_error)?,
            Tx::Postgres(tx) => crate::postgres::id_high_water(tx, table).await?,
        };
        Ok(largest.max(counter.unwrap_or(0)))
    }

    async fn set_id_high_water(&mut self, table: &str, high_water: i64) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => {
                let updated = sqlx::query("UPDATE sqlite_sequence SET seq = $2 WHERE name = $1")
                    .bind(table)
                    .bind(high_water)
                    .execute(&mut **tx)
                    .await
                    .map_err(storage_error)?;
                if updated.rows_affected() == 0 {
                    sqlx::query("INSERT INTO sqlite_sequence (name, seq) VALUES ($1, $2)")
                        .bind(table)
                        .bind(high_water)
                        .execute(&mut **tx)
                        .await
                        .map_err(storage_error)?;
                }
                Ok(())
            }
            Tx::Postgres(tx) => crate::postgres::set_id_high_water(tx, table, high_water).await,
        }
    }

    async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
        .map_err(storage_error)
    }
}
