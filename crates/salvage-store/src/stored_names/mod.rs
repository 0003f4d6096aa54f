//! Stored names and DESIGN.md rule 13 (names are Unicode NFC, sibling names are unique by full
//! case folding, invisible format characters are refused): the one-time data migration that
//! brings a database written under the earlier rules into line (`migration`), and the part of
//! `salvage check` that verifies every stored name and name key (`check`).
//!
//! SQL cannot normalize or fold case, so both read the rows and do the Unicode work in Rust with
//! the core's `name` module — the very functions that produce names and keys on input — and
//! write back only what changes. Their SQL is common to both backends (`$n` parameters, which
//! SQLite reads too); the parent expression of the live-names index is the backend's own.

mod check;
mod migration;

use crate::query::storage_error;
use salvage_core::Result;
use sqlx::{PgConnection, Row, SqliteConnection};

pub(crate) use check::check;
pub(crate) use migration::{bring_under_rule_13, MIGRATION};

/// Rows read per page: large enough that a million nodes are a thousand reads, small enough
/// that a page of long names stays well under a megabyte.
const PAGE: i64 = 1_000;

/// A connection of either backend, inside a transaction the caller owns.
pub(crate) enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// Runs `$body` with `$c` bound to the connection of whichever backend `$conn` is: the same
/// code, type-checked once per backend.
macro_rules! on_either {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            Conn::Sqlite($c) => $body,
            Conn::Postgres($c) => $body,
        }
    };
}
use on_either;

/// One name of a row (and its stored key, where the table keeps one), with the scope in which
/// it must be unique.
#[derive(Debug, Clone)]
struct NamedRow {
    id: i64,
    scope: i64,
    name: String,
    key: String,
}

/// A node as the migration and the check read it.
#[derive(Debug, Clone)]
struct NodeRow {
    id: i64,
    tenant_id: i64,
    parent_id: Option<i64>,
    name: String,
    name_key: String,
    marked: bool,
}

const NODE_PAGE: &str = "SELECT id, tenant_id, parent_id, name, name_key, trash_record_id FROM nodes \
                         WHERE id > $1 ORDER BY id LIMIT $2";

impl Conn<'_> {
    /// The backend's spelling of the parent expression of the live-names index, so that a
    /// lookup by (parent, name key) is one index seek.
    fn parent_key(&self) -> &'static str {
        match self {
            Conn::Sqlite(_) => crate::sqlite::dialect::DIALECT.parent_key,
            Conn::Postgres(_) => crate::postgres::dialect::DIALECT.parent_key,
        }
    }

    /// The `n`-th parameter (from 1) of a statement: SQLite binds numbered `$n` parameters by
    /// looking each one's number up by name, which is slow for the thousands of a batch, so
    /// there they are plain `?`s in order.
    fn parameter(&self, n: usize) -> String {
        match self {
            Conn::Sqlite(_) => "?".to_owned(),
            Conn::Postgres(_) => format!("${n}"),
        }
    }

    async fn execute(&mut self, sql: &str) -> Result<u64> {
        on_either!(self, c => sqlx::query(sql).execute(&mut **c).await.map(|r| r.rows_affected()))
            .map_err(storage_error)
    }

    /// `(id, scope, name, key)` rows of a query with those four columns and one parameter,
    /// the id to read after.
    async fn named_rows(&mut self, sql: &str, after: i64) -> Result<Vec<NamedRow>> {
        on_either!(self, c => {
            let rows = sqlx::query(sql).bind(after).bind(PAGE).fetch_all(&mut **c).await;
            rows.and_then(|rows| {
                rows.iter()
                    .map(|r| {
                        Ok(NamedRow {
                            id: r.try_get(0)?,
                            scope: r.try_get(1)?,
                            name: r.try_get(2)?,
                            key: r.try_get(3)?,
                        })
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()
            })
        })
        .map_err(storage_error)
    }

    /// Every `(id, scope, name, key)` row of such a query, page by page.
    async fn all_named_rows(&mut self, sql: &str) -> Result<Vec<NamedRow>> {
        let mut all = Vec::new();
        loop {
            let page = self.named_rows(sql, all.last().map_or(0, |r: &NamedRow| r.id)).await?;
            let done = (page.len() as i64) < PAGE;
            all.extend(page);
            if done {
                return Ok(all);
            }
        }
    }

    /// The nodes with ids above `after`, a page of them in id order.
    async fn node_page(&mut self, after: i64) -> Result<Vec<NodeRow>> {
        on_either!(self, c => {
            let rows = sqlx::query(NODE_PAGE).bind(after).bind(PAGE).fetch_all(&mut **c).await;
            rows.and_then(|rows| {
                rows.iter()
                    .map(|r| {
                        Ok(NodeRow {
                            id: r.try_get(0)?,
                            tenant_id: r.try_get(1)?,
                            parent_id: r.try_get(2)?,
                            name: r.try_get(3)?,
                            name_key: r.try_get(4)?,
                            marked: r.try_get::<Option<i64>, _>(5)?.is_some(),
                        })
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()
            })
        })
        .map_err(storage_error)
    }

    /// The unmarked children of `parent` (`None`: the top level) whose stored name key is at
    /// least `from` and below `to`, as `(id, name)`.
    async fn live_children_keyed(
        &mut self,
        tenant: i64,
        parent: Option<i64>,
        from: &str,
        to: &str,
    ) -> Result<Vec<(i64, String)>> {
        let sql = format!(
            "SELECT id, name FROM nodes WHERE tenant_id = $1 AND {} = $2 AND name_key >= $3 AND name_key < $4 \
             AND trash_record_id IS NULL ORDER BY id",
            self.parent_key()
        );
        on_either!(self, c => {
            sqlx::query_as::<_, (i64, String)>(&sql)
                .bind(tenant)
                .bind(parent.unwrap_or(0))
                .bind(from)
                .bind(to)
                .fetch_all(&mut **c)
                .await
        })
        .map_err(storage_error)
    }

    /// The unmarked child of `parent` whose stored name key is `key`, as `(id, name)`.
    async fn live_child(&mut self, tenant: i64, parent: Option<i64>, key: &str) -> Result<Option<(i64, String)>> {
        let sql = format!(
            "SELECT id, name FROM nodes WHERE tenant_id = $1 AND {} = $2 AND name_key = $3 AND trash_record_id IS NULL",
            self.parent_key()
        );
        on_either!(self, c => {
            sqlx::query_as::<_, (i64, String)>(&sql)
                .bind(tenant)
                .bind(parent.unwrap_or(0))
                .bind(key)
                .fetch_optional(&mut **c)
                .await
        })
        .map_err(storage_error)
    }
}
