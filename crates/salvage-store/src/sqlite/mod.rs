//! The embedded default: one SQLite database file in WAL mode with foreign keys on.
//!
//! Writers go through a pool of one connection that opens every transaction with
//! `BEGIN IMMEDIATE`, so writers queue instead of failing with "database is locked"; readers
//! have their own pool and see consistent snapshots while a write is in progress. The WAL is
//! checkpointed by a task of the store on a connection of its own, not by the commits of the
//! writer (see `checkpoint`).

mod checkpoint;
pub(crate) mod dialect;
#[cfg(test)]
mod name_index;
#[cfg(test)]
mod plans;

use crate::query::storage_error;
use crate::sql::SqlTx;
use crate::stored_names::{self, Conn};
use async_trait::async_trait;
use checkpoint::{Checkpointer, Policy, WriterValve};
use salvage_core::store::{Store, StoreTx};
use salvage_core::{Error, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    /// `None` for a database without a WAL (in memory).
    checkpointer: Option<Arc<Checkpointer>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(file: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::new().filename(file);
        Self::open_with(options, Policy::default()).await
    }

    /// Opens a `sqlite://` URL.
    pub async fn open_url(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url).map_err(storage_error)?;
        Self::open_with(options, Policy::default()).await
    }

    async fn open_with(options: SqliteConnectOptions, checkpoints: Policy) -> Result<Self> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory");
        // The writer does not checkpoint as it commits (the checkpoint task does, off the
        // request path) unless the valve finds the WAL too long; the WAL file is cut back to
        // the valve's size when it starts over.
        let valve = Arc::new(WriterValve::new(checkpoints.valve_bytes));
        // Neither pool pings a connection before lending it (sqlx does by default): a
        // connection to a local file does not drop the way a network one does, and the ping is
        // one more round trip to the connection's thread for every transaction.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .test_before_acquire(false)
            .before_acquire({
                let valve = valve.clone();
                move |conn, _| {
                    let valve = valve.clone();
                    Box::pin(async move {
                        valve.check(conn).await;
                        Ok(true)
                    })
                }
            })
            .connect_with(
                options
                    .clone()
                    .pragma("wal_autocheckpoint", "0")
                    .pragma("journal_size_limit", checkpoints.valve_bytes.to_string()),
            )
            .await
            .map_err(storage_error)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&writer)
            .await
            .map_err(|e| Error::Storage(format!("cannot migrate the database: {e}")))?;
        let mut tx = writer.begin_with("BEGIN IMMEDIATE").await.map_err(storage_error)?;
        stored_names::bring_under_rule_13(&mut Conn::Sqlite(&mut tx)).await?;
        tx.commit().await.map_err(storage_error)?;
        let wal = {
            let mut conn = writer.acquire().await.map_err(storage_error)?;
            checkpoint::wal_file(&mut conn).await.map_err(storage_error)?
        };
        let checkpointer = match wal {
            Some(wal) => {
                valve.watch(wal.clone());
                let checkpointer = Checkpointer::start(&options, wal, valve.clone(), checkpoints)
                    .await
                    .map_err(|e| Error::Storage(format!("cannot open the WAL checkpoint connection: {e}")))?;
                Some(Arc::new(checkpointer))
            }
            None => None,
        };
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await
            .map_err(storage_error)?;
        Ok(SqliteStore {
            writer,
            reader,
            checkpointer,
        })
    }

    /// Stops the checkpoint task, closes the readers, checkpoints the whole WAL and closes the
    /// writer. Closing the last connection to a database would checkpoint too, but a reader
    /// handed back to its pool while it closes can stay open after it, and a read-only
    /// connection that closes last leaves the WAL as it is.
    pub async fn close(&self) {
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.stop().await;
        }
        self.reader.close().await;
        if self.checkpointer.is_some() && !self.writer.is_closed() {
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.writer)
                .await
            {
                tracing::warn!(error = %e, "checkpointing the WAL at close failed");
            }
        }
        self.writer.close().await;
    }

    pub(crate) fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    pub(crate) fn writer(&self) -> &SqlitePool {
        &self.writer
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn write(&self) -> Result<Box<dyn StoreTx>> {
        let tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(storage_error)?;
        Ok(Box::new(SqlTx::sqlite(tx)))
    }

    async fn read(&self) -> Result<Box<dyn StoreTx>> {
        let tx = self.reader.begin().await.map_err(storage_error)?;
        Ok(Box::new(SqlTx::sqlite(tx)))
    }
}
