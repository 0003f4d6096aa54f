//! The invariants behind `salvage check`, each one query over the whole database, the same on
//! both backends; then the stored names' own check (`stored_names::check`).

use super::SqlTx;
use crate::rows::Columns;
use salvage_core::store::Violation;
use salvage_core::Result;

/// Runs every invariant query and the stored names' check.
pub(crate) async fn run(tx: &mut SqlTx) -> Result<Vec<Violation>> {
    let mut violations = Vec::new();
    for (invariant, sql) in CHECKS {
        let rows = tx.rows(tx.sql(*sql)).await?;
        violations.extend(rows.iter().map(|r| Violation {
            invariant,
            detail: r.text("detail"),
        }));
    }
    violations.extend(crate::stored_names::check(&mut tx.conn.stored_names()).await?);
    Ok(violations)
}

/// (invariant, query returning one `detail` text column per violation)
pub(crate) const CHECKS: &[(&str, &str)] = &[
    (
        "every live node's ancestors are live",
        "SELECT 'item ' || n.id || ' has a parent ' || n.parent_id || ' that does not exist' AS detail
         FROM nodes n LEFT JOIN nodes p ON p.id = n.parent_id
         WHERE n.parent_id IS NOT NULL AND p.id IS NULL",
    ),
    (
        "every live node's ancestors are live",
        "SELECT 'item ' || id || ' (' || kind || ') has no parent but is neither a library nor a deleted item' AS detail
         FROM nodes WHERE parent_id IS NULL AND kind <> 'library' AND trash_record_id IS NULL",
    ),
    (
        "libraries are at the top level",
        "SELECT 'library ' || id || ' has a parent' AS detail FROM nodes WHERE kind = 'library' AND parent_id IS NOT NULL",
    ),
    (
        "documents have no children",
        "SELECT 'item ' || n.id || ' is inside document ' || p.id AS detail
         FROM nodes n JOIN nodes p ON p.id = n.parent_id WHERE p.kind = 'document'",
    ),
    (
        "paths and depths agree with parents",
        "SELECT 'item ' || n.id || ' has path ' || n.path || ' depth ' || n.depth || ' under ' || p.path || ' depth ' || p.depth AS detail
         FROM nodes n JOIN nodes p ON p.id = n.parent_id
         WHERE n.path <> p.path || n.id || '/' OR n.depth <> p.depth + 1 OR n.tenant_id <> p.tenant_id",
    ),
    (
        "paths and depths agree with parents",
        "SELECT 'top-level item ' || id || ' has path ' || path || ' depth ' || depth AS detail
         FROM nodes WHERE parent_id IS NULL AND (path <> '/' || id || '/' OR depth <> 0)",
    ),
    (
        "live sibling names are unique",
        "SELECT count(*) || ' live items named ' || min(name) || ' in folder ' || coalesce(parent_id, 0) AS detail
         FROM nodes WHERE trash_record_id IS NULL GROUP BY tenant_id, coalesce(parent_id, 0), name_key HAVING count(*) > 1",
    ),
    (
        "every trashed node belongs to a trash record",
        "SELECT 'item ' || n.id || ' is marked by missing trash record ' || n.trash_record_id AS detail
         FROM nodes n LEFT JOIN trash_records r ON r.id = n.trash_record_id
         WHERE n.trash_record_id IS NOT NULL AND (r.id IS NULL OR r.tenant_id <> n.tenant_id)",
    ),
    (
        "every trash record holds items",
        "SELECT 'trash record ' || r.id || ' (' || r.name || ') marks no item' AS detail
         FROM trash_records r WHERE NOT EXISTS (SELECT 1 FROM nodes n WHERE n.trash_record_id = r.id)",
    ),
    (
        "blob reference counts match versions",
        "SELECT 'blob ' || b.sha256 || ' counts ' || b.refcount || ' references but ' || count(v.node_id) || ' versions use it' AS detail
         FROM blobs b LEFT JOIN versions v ON v.blob_sha256 = b.sha256
         GROUP BY b.sha256 HAVING b.refcount <> count(v.node_id)",
    ),
    (
        "blob reference counts match versions",
        "SELECT 'version ' || v.number || ' of item ' || v.node_id || ' uses unknown blob ' || v.blob_sha256 AS detail
         FROM versions v LEFT JOIN blobs b ON b.sha256 = v.blob_sha256 WHERE b.sha256 IS NULL",
    ),
    (
        "documents point at their latest version",
        "SELECT 'document ' || n.id || ' says version ' || n.current_version || ' but has ' || coalesce(max(v.number), 0) AS detail
         FROM nodes n LEFT JOIN versions v ON v.node_id = n.id WHERE n.kind = 'document'
         GROUP BY n.id HAVING n.current_version <> coalesce(max(v.number), 0)",
    ),
    (
        "paths are unique",
        "SELECT count(*) || ' items share path ' || path AS detail FROM nodes GROUP BY path HAVING count(*) > 1",
    ),
];

#[cfg(test)]
pub(crate) mod tests {
    use crate::testing::ScratchDatabase;
    use crate::{PgStore, SqliteStore};
    use salvage_blob::LocalBlobStore;
    use salvage_core::clock::SystemClock;
    use salvage_core::store::Store;
    use salvage_core::{Config, Repository};
    use std::future::Future;
    use std::path::Path;
    use std::sync::Arc;

    #[tokio::test]
    async fn check_reports_each_broken_invariant_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("db")).await.unwrap();
        let writer = store.writer().clone();
        reports_each_broken_invariant(store, dir.path(), move |sql| {
            let writer = writer.clone();
            async move {
                sqlx::query(&sql).execute(&writer).await.unwrap();
            }
        })
        .await;
    }

    #[tokio::test]
    async fn check_reports_each_broken_invariant_on_postgres() {
        let Some(db) = ScratchDatabase::for_test().await else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let store = PgStore::connect(&db.url).await.unwrap();
        let writer = store.writer().clone();
        reports_each_broken_invariant(store.clone(), dir.path(), move |sql| {
            let writer = writer.clone();
            async move {
                sqlx::query(&sql).execute(&writer).await.unwrap();
            }
        })
        .await;
        store.close().await;
    }

    /// Breaks the database behind the repository's back (`execute` runs raw SQL on `store`'s
    /// database) and expects `check` to name each break.
    async fn reports_each_broken_invariant<F, Fut>(store: impl Store + 'static, dir: &Path, execute: F)
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = ()>,
    {
        let blobs = LocalBlobStore::open(dir.join("blobs")).await.unwrap();
        let repo = Repository::new(
            Arc::new(store),
            Arc::new(blobs),
            Arc::new(SystemClock),
            Config::default(),
        );
        repo.init(Some("pw")).await.unwrap();
        let admin = repo.actor_by_name("default", "admin").await.unwrap();
        let lib = repo.create_library(&admin, "L").await.unwrap();
        let folder = repo.create_folder(&admin, lib.id, "F").await.unwrap();
        let (doc, version) = repo
            .upload(&admin, folder.id, "d.txt", &mut &b"content"[..])
            .await
            .unwrap();
        let gone = repo
            .upload(&admin, folder.id, "e.txt", &mut &b"other"[..])
            .await
            .unwrap()
            .0;
        repo.delete(&admin, gone.id).await.unwrap();
        assert!(repo.check().await.unwrap().is_empty());

        let sql = [
            format!("UPDATE nodes SET path = '/{}/999/' WHERE id = {}", lib.id, folder.id),
            format!("UPDATE blobs SET refcount = 5 WHERE sha256 = '{}'", version.blob_sha256),
            format!("UPDATE nodes SET trash_record_id = NULL WHERE id = {}", gone.id),
            format!("UPDATE nodes SET current_version = 7 WHERE id = {}", doc.id),
        ];
        for statement in sql {
            execute(statement).await;
        }
        let sha = &version.blob_sha256;
        std::fs::remove_file(dir.join("blobs").join(&sha[0..2]).join(&sha[2..4]).join(sha)).unwrap();

        let found: Vec<&str> = repo.check().await.unwrap().iter().map(|v| v.invariant).collect();
        for expected in [
            "paths and depths agree with parents",
            "blob reference counts match versions",
            "every trash record holds items",
            "documents point at their latest version",
            "blob files exist",
        ] {
            assert!(found.contains(&expected), "{expected:?} not reported; found {found:?}");
        }
    }
}
