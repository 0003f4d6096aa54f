//! The shared backend: one PostgreSQL database that several salvage servers use at once.
//!
//! How writers are kept apart. The core checks its rules and then writes, inside one
//! transaction: a name is free, so the item goes in; a record still marks a node, so restoring
//! unmarks it. SQLite makes that safe by running one writer at a time. Here every write
//! transaction starts by taking one transaction-scoped advisory lock ([`WRITER_LOCK`]), so
//! writers — from every server on the database — run one after another just as on SQLite, and
//! each of their statements (READ COMMITTED) sees everything committed before the lock was
//! granted. Two servers restoring and purging the same trash item therefore give it exactly one
//! outcome: the second one sees what the first did.
//!
//! Why one lock and not one per tenant or row locks (`SELECT … FOR UPDATE`): `Store::write` is
//! not told which tenant a transaction is for, and users, sessions, blobs and the id counters
//! are shared by all tenants anyway; row locks would have to be taken by every read-then-write
//! the core does, and a missed one would be a silent race. Why not SERIALIZABLE: conflicting
//! transactions would fail with serialization errors that every caller would have to retry;
//! waiting in line never fails. Write transactions are short — subtree work is a few set-based
//! statements whatever the subtree's size — so the lock is held for milliseconds.
//!
//! Readers take no lock: each read transaction is one REPEATABLE READ snapshot, like a SQLite
//! reader in WAL mode.

pub(crate) mod dialect;
#[cfg(test)]
mod plans;

use crate::query::storage_error;
use crate::sql::SqlTx;
use crate::stored_names::{self, Conn};
use async_trait::async_trait;
use salvage_core::store::{Store, StoreTx};
use salvage_core::{Error, Result};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{Connection, Postgres, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// The advisory lock key every write transaction holds ("salvage" in ASCII). Advisory locks
/// belong to one database, so installations in other databases of the server do not contend.
const WRITER_LOCK: i64 = 0x0073_616c_7661_6765;

/// How long a writer waits for the lock (or a row lock) before giving up, like SQLite's busy
/// timeout.
const LOCK_TIMEOUT: &str = "30s";

#[derive(Clone)]
pub struct PgStore {
    writer: PgPool,
    reader: PgPool,
}

impl PgStore {
    /// Connects to a `postgres://` or `postgresql://` URL and brings the schema up to date.
    /// Several servers may do this at once: migrations take a lock of their own.
    pub async fn connect(url: &str) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| Error::Storage(format!("cannot read the database URL: {e}")))?
            .application_name("salvage")
            .options([("lock_timeout", LOCK_TIMEOUT)]);
        // One plain connection first: a pool would retry until its timeout and then report
        // only that, where this says at once why the server refused.
        PgConnection::connect_with(&options)
            .await
            .map_err(|e| unreachable_error(&options, e))?
            .close()
            .await
            .map_err(storage_error)?;
        let writer = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await
            .map_err(|e| unreachable_error(&options, e))?;
        sqlx::migrate!("./migrations/postgres")
            .run(&writer)
            .await
            .map_err(|e| Error::Storage(format!("cannot migrate the database: {e}")))?;
        // Under the writer lock, so of several servers starting at once one migrates the names
        // and the others find it done.
        let mut tx = writer.begin().await.map_err(storage_error)?;
        take_writer_lock(&mut tx).await?;
        stored_names::bring_under_rule_13(&mut Conn::Postgres(&mut tx)).await?;
        tx.commit().await.map_err(storage_error)?;
        let reader = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_lazy_with(options);
        Ok(PgStore { writer, reader })
    }

    /// Closes both pools.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    pub(crate) fn reader(&self) -> &PgPool {
        &self.reader
    }

    pub(crate) fn writer(&self) -> &PgPool {
        &self.writer
    }
}

/// Makes `tx` the only writer on the database until it ends.
pub(crate) async fn take_writer_lock(tx: &mut Transaction<'static, Postgres>) -> Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(WRITER_LOCK)
        .execute(&mut **tx)
        .await
        .map_err(storage_error)?;
    Ok(())
}

/// Tables whose ids come from `id_counters`; the others use identity columns.
const COUNTED_TABLES: [&str; 2] = ["nodes", "trash_records"];

/// The last id `table` handed out, if any.
pub(crate) async fn id_high_water(tx: &mut Transaction<'static, Postgres>, table: &str) -> Result<Option<i64>> {
    let sql = if COUNTED_TABLES.contains(&table) {
        "SELECT last_id FROM id_counters WHERE name = $1"
    } else {
        "SELECT last_value FROM pg_sequences \
         WHERE format('%I.%I', schemaname, sequencename) = pg_get_serial_sequence($1, 'id')"
    };
    let value: Option<Option<i64>> = sqlx::query_scalar(sql)
        .bind(table)
        .fetch_optional(&mut **tx)
        .await
        .map_err(storage_error)?;
    Ok(value.flatten())
}

/// Makes `table` hand out ids above `high_water` from now on.
pub(crate) async fn set_id_high_water(
    tx: &mut Transaction<'static, Postgres>,
    table: &str,
    high_water: i64,
) -> Result<()> {
    if COUNTED_TABLES.contains(&table) {
        sqlx::query("UPDATE id_counters SET last_id = $2 WHERE name = $1")
            .bind(table)
            .bind(high_water)
            .execute(&mut **tx)
            .await
            .map_err(storage_error)?;
    } else if high_water > 0 {
        sqlx::query("SELECT setval(pg_get_serial_sequence($1, 'id'), $2)")
            .bind(table)
            .bind(high_water)
            .execute(&mut **tx)
            .await
            .map_err(storage_error)?;
    }
    Ok(())
}

/// Names the server and database (never the password) and says what to check.
fn unreachable_error(options: &PgConnectOptions, e: sqlx::Error) -> Error {
    Error::Storage(format!(
        "cannot connect to PostgreSQL database {:?} at {}:{} as {:?}: {e}. Is the server running, \
         and do the host, port, user, password and database name in the database URL match it?",
        options.get_database().unwrap_or(options.get_username()),
        options.get_host(),
        options.get_port(),
        options.get_username(),
    ))
}

#[async_trait]
impl Store for PgStore {
    async fn write(&self) -> Result<Box<dyn StoreTx>> {
        let mut tx = self.writer.begin().await.map_err(storage_error)?;
        take_writer_lock(&mut tx).await?;
        Ok(Box::new(SqlTx::postgres(tx)))
    }

    async fn read(&self) -> Result<Box<dyn StoreTx>> {
        let tx = self
            .reader
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await
            .map_err(storage_error)?;
        Ok(Box::new(SqlTx::postgres(tx)))
    }
}
