//! Runs the invariant queries behind `salvage check` on PostgreSQL.

use crate::checks::CHECKS;
use crate::query::storage_error;
use crate::stored_names::{self, Conn};
use salvage_core::store::Violation;
use salvage_core::Result;
use sqlx::{Postgres, Row, Transaction};

pub(crate) async fn run(tx: &mut Transaction<'static, Postgres>) -> Result<Vec<Violation>> {
    let mut violations = Vec::new();
    for (invariant, sql) in CHECKS {
        let rows = sqlx::query(sql).fetch_all(&mut **tx).await.map_err(storage_error)?;
        violations.extend(rows.iter().map(|r| Violation {
            invariant,
            detail: r.get("detail"),
        }));
    }
    violations.extend(stored_names::check(&mut Conn::Postgres(tx)).await?);
    Ok(violations)
}

#[cfg(test)]
mod tests {
    use crate::testing::ScratchDatabase;
    use crate::PgStore;

    #[tokio::test]
    async fn check_reports_each_broken_invariant() {
        let Some(db) = ScratchDatabase::for_test().await else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let store = PgStore::connect(&db.url).await.unwrap();
        let writer = store.writer.clone();
        crate::checks::tests::reports_each_broken_invariant(store.clone(), dir.path(), move |sql| {
            let writer = writer.clone();
            async move {
                sqlx::query(&sql).execute(&writer).await.unwrap();
            }
        })
        .await;
        store.close().await;
    }
}
