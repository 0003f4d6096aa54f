//! Runs the invariant queries behind `salvage check` on SQLite.

use crate::checks::CHECKS;
use crate::query::storage_error;
use crate::stored_names::{self, Conn};
use salvage_core::store::Violation;
use salvage_core::Result;
use sqlx::{Row, Sqlite, Transaction};

pub(crate) async fn run(tx: &mut Transaction<'static, Sqlite>) -> Result<Vec<Violation>> {
    let mut violations = Vec::new();
    for (invariant, sql) in CHECKS {
        let rows = sqlx::query(sql).fetch_all(&mut **tx).await.map_err(storage_error)?;
        violations.extend(rows.iter().map(|r| Violation {
            invariant,
            detail: r.get("detail"),
        }));
    }
    violations.extend(stored_names::check(&mut Conn::Sqlite(tx)).await?);
    Ok(violations)
}

#[cfg(test)]
mod tests {
    use crate::SqliteStore;

    #[tokio::test]
    async fn check_reports_each_broken_invariant() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db")).await.unwrap();
        let writer = store.writer.clone();
        crate::checks::tests::reports_each_broken_invariant(store, dir.path(), move |sql| {
            let writer = writer.clone();
            async move {
                sqlx::query(&sql).execute(&writer).await.unwrap();
            }
        })
        .await;
    }
}
