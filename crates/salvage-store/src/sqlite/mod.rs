//! The embedded default: one SQLite database file in WAL mode with foreign keys on.
//!
//! Writers go through a pool of one connection that opens every transaction with
//! `BEGIN IMMEDIATE`, so writers queue instead of failing with "database is locked"; readers
//! have their own pool and see consistent snapshots while a write is in progress.

mod check;
#[cfg(test)]
mod name_index;
#[cfg(test)]
mod plans;
mod tx;

use crate::query::storage_error;
use async_trait::async_trait;
use salvage_core::store::{Store, StoreTx};
use salvage_core::{Error, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(file: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::new().filename(file);
        Self::open_with(options).await
    }

    /// Opens a `sqlite://` URL.
    pub async fn open_url(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url).map_err(storage_error)?;
        Self::open_with(options).await
    }

    async fn open_with(options: SqliteConnectOptions) -> Result<Self> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(storage_error)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&writer)
            .await
            .map_err(|e| Error::Storage(format!("cannot migrate the database: {e}")))?;
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.read_only(true))
            .await
            .map_err(storage_error)?;
        Ok(SqliteStore { writer, reader })
    }

    /// Closes both pools, checkpointing the WAL.
    pub async fn close(&self) {
        self.reader.close().await;
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
        Ok(Box::new(tx::SqliteTx::new(tx)))
    }

    async fn read(&self) -> Result<Box<dyn StoreTx>> {
        let tx = self.reader.begin().await.map_err(storage_error)?;
        Ok(Box::new(tx::SqliteTx::new(tx)))
    }
}
