//! A batch of rows of one table, held column by column, read from either backend and written
//! to either in one statement per batch.

use super::tables::{Kind, Table};
use crate::query::storage_error;
use salvage_core::Result;
use sha2::{Digest, Sha256};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{PgConnection, QueryBuilder, Row, Sqlite, SqliteConnection};

/// Flags are carried as 0/1 integers whatever the backend, so both sides digest alike.
enum Column {
    Int(Vec<Option<i64>>),
    Text(Vec<Option<String>>),
}

pub(crate) struct Batch<'t> {
    table: &'t Table,
    columns: Vec<Column>,
    len: usize,
}

impl<'t> Batch<'t> {
    pub fn new(table: &'t Table) -> Self {
        let columns = table
            .columns
            .iter()
            .map(|(_, kind)| match kind {
                Kind::Int | Kind::Bool => Column::Int(Vec::new()),
                Kind::Text => Column::Text(Vec::new()),
            })
            .collect();
        Batch { table, columns, len: 0 }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn clear(&mut self) {
        for column in &mut self.columns {
            match column {
                Column::Int(values) => values.clear(),
                Column::Text(values) => values.clear(),
            }
        }
        self.len = 0;
    }

    pub fn push_sqlite(&mut self, row: &SqliteRow) -> Result<()> {
        for (i, column) in self.columns.iter_mut().enumerate() {
            match column {
                Column::Int(values) => values.push(row.try_get(i).map_err(storage_error)?),
                Column::Text(values) => values.push(row.try_get(i).map_err(storage_error)?),
            }
        }
        self.len += 1;
        Ok(())
    }

    pub fn push_postgres(&mut self, row: &PgRow) -> Result<()> {
        for (i, (column, (_, kind))) in self.columns.iter_mut().zip(self.table.columns).enumerate() {
            match column {
                Column::Int(values) if *kind == Kind::Bool => {
                    let flag: Option<bool> = row.try_get(i).map_err(storage_error)?;
                    values.push(flag.map(i64::from));
                }
                Column::Int(values) => values.push(row.try_get(i).map_err(storage_error)?),
                Column::Text(values) => values.push(row.try_get(i).map_err(storage_error)?),
            }
        }
        self.len += 1;
        Ok(())
    }

    /// Adds the batch's rows, in order, to a digest of the table's content.
    pub fn digest_into(&self, digest: &mut Sha256) {
        for row in 0..self.len {
            for column in &self.columns {
                match column {
                    Column::Int(values) => match values[row] {
                        Some(v) => {
                            digest.update([1]);
                            digest.update(v.to_le_bytes());
                        }
                        None => digest.update([0]),
                    },
                    Column::Text(values) => match &values[row] {
                        Some(v) => {
                            digest.update([2]);
                            digest.update((v.len() as u64).to_le_bytes());
                            digest.update(v.as_bytes());
                        }
                        None => digest.update([0]),
                    },
                }
            }
        }
    }

    /// One `INSERT … SELECT FROM UNNEST(arrays)` for the whole batch: one round trip and one
    /// statement however many rows. Ids are given explicitly (`OVERRIDING SYSTEM VALUE` lets
    /// them into identity columns).
    pub async fn write_postgres(&self, conn: &mut PgConnection) -> Result<()> {
        let arrays = self
            .table
            .columns
            .iter()
            .enumerate()
            .map(|(i, (_, kind))| {
                let sql_type = match kind {
                    Kind::Int => "bigint",
                    Kind::Bool => "boolean",
                    Kind::Text => "text",
                };
                format!("${}::{sql_type}[]", i + 1)
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE SELECT * FROM UNNEST({arrays})",
            self.table.name,
            self.table.column_list()
        );
        let mut query = sqlx::query(&sql);
        for (column, (_, kind)) in self.columns.iter().zip(self.table.columns) {
            query = match column {
                Column::Int(values) if *kind == Kind::Bool => {
                    query.bind(values.iter().map(|v| v.map(|v| v != 0)).collect::<Vec<_>>())
                }
                Column::Int(values) => query.bind(values),
                Column::Text(values) => query.bind(values),
            };
        }
        query.execute(conn).await.map_err(storage_error)?;
        Ok(())
    }

    /// Multi-row `INSERT … VALUES` statements, as many rows each as SQLite's limit on bound
    /// parameters allows.
    pub async fn write_sqlite(&self, conn: &mut SqliteConnection) -> Result<()> {
        const MAX_PARAMETERS: usize = 32_766;
        let per_statement = (MAX_PARAMETERS / self.columns.len()).min(1000);
        let mut start = 0;
        while start < self.len {
            let end = (start + per_statement).min(self.len);
            let mut builder: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
                "INSERT INTO {} ({}) ",
                self.table.name,
                self.table.column_list()
            ));
            builder.push_values(start..end, |mut row, i| {
                for column in &self.columns {
                    match column {
                        Column::Int(values) => row.push_bind(values[i]),
                        Column::Text(values) => row.push_bind(values[i].clone()),
                    };
                }
            });
            builder.build().execute(&mut *conn).await.map_err(storage_error)?;
            start = end;
        }
        Ok(())
    }
}
