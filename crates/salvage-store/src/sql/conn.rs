//! The executor: one transaction of either backend, running the shared statements with its
//! native sqlx driver. Each statement's arguments are bound here, by the backend's own types,
//! and rows come back as [`Row`], read through `rows::Columns` by either.

use super::stmt::{Arg, Sql};
use crate::rows::Columns;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Postgres, Row as _, Sqlite, Transaction};

/// A transaction of either backend.
pub(crate) enum Conn {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A result row of either backend.
pub(crate) enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

/// `sqlx::query` of the statement with every argument bound: the same code for either driver.
macro_rules! bound {
    ($sql:expr) => {{
        let mut q = sqlx::query(&$sql.text);
        for arg in &$sql.args {
            q = match arg {
                Arg::Int(v) => q.bind(*v),
                Arg::OptInt(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.as_str()),
                Arg::OptText(v) => q.bind(v.as_deref()),
                Arg::Bool(v) => q.bind(*v),
            };
        }
        q
    }};
}

impl Conn {
    /// Runs a statement; returns how many rows it changed.
    pub(crate) async fn execute(&mut self, sql: &Sql) -> sqlx::Result<u64> {
        Ok(match self {
            Conn::Sqlite(tx) => bound!(sql).execute(&mut **tx).await?.rows_affected(),
            Conn::Postgres(tx) => bound!(sql).execute(&mut **tx).await?.rows_affected(),
        })
    }

    pub(crate) async fn fetch_all(&mut self, sql: &Sql) -> sqlx::Result<Vec<Row>> {
        Ok(match self {
            Conn::Sqlite(tx) => bound!(sql)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(Row::Sqlite)
                .collect(),
            Conn::Postgres(tx) => bound!(sql)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(Row::Postgres)
                .collect(),
        })
    }

    pub(crate) async fn fetch_optional(&mut self, sql: &Sql) -> sqlx::Result<Option<Row>> {
        Ok(match self {
            Conn::Sqlite(tx) => bound!(sql).fetch_optional(&mut **tx).await?.map(Row::Sqlite),
            Conn::Postgres(tx) => bound!(sql).fetch_optional(&mut **tx).await?.map(Row::Postgres),
        })
    }

    pub(crate) async fn commit(self) -> sqlx::Result<()> {
        match self {
            Conn::Sqlite(tx) => tx.commit().await,
            Conn::Postgres(tx) => tx.commit().await,
        }
    }

    pub(crate) async fn rollback(self) -> sqlx::Result<()> {
        match self {
            Conn::Sqlite(tx) => tx.rollback().await,
            Conn::Postgres(tx) => tx.rollback().await,
        }
    }

    /// The connection, for the code that still speaks to it directly (`stored_names`).
    pub(crate) fn stored_names(&mut self) -> crate::stored_names::Conn<'_> {
        match self {
            Conn::Sqlite(tx) => crate::stored_names::Conn::Sqlite(tx),
            Conn::Postgres(tx) => crate::stored_names::Conn::Postgres(tx),
        }
    }
}

/// Reads a column of either row with the same Rust type.
macro_rules! get {
    ($row:expr, $column:expr) => {
        match $row {
            Row::Sqlite(r) => r.get($column),
            Row::Postgres(r) => r.get($column),
        }
    };
}

impl Row {
    /// The integer in the `i`-th column (from 0).
    pub(crate) fn int_at(&self, i: usize) -> i64 {
        get!(self, i)
    }

    /// The text in the `i`-th column (from 0).
    pub(crate) fn text_at(&self, i: usize) -> String {
        get!(self, i)
    }
}

impl Columns for Row {
    fn int(&self, column: &str) -> i64 {
        get!(self, column)
    }
    fn opt_int(&self, column: &str) -> Option<i64> {
        get!(self, column)
    }
    fn text(&self, column: &str) -> String {
        get!(self, column)
    }
    fn opt_text(&self, column: &str) -> Option<String> {
        get!(self, column)
    }
    fn flag(&self, column: &str) -> bool {
        get!(self, column)
    }
}
