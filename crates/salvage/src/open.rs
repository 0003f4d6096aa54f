//! Wiring: the embedded default is a SQLite database and a blob directory inside the data
//! directory.

use anyhow::{bail, Context, Result};
use salvage_blob::LocalBlobStore;
use salvage_core::blob::BlobStore;
use salvage_core::clock::SystemClock;
use salvage_core::{Config, Repository};
use salvage_store::SqliteStore;
use std::path::Path;
use std::sync::Arc;

const DATABASE_FILE: &str = "salvage.db";
const BLOB_DIR: &str = "blobs";

/// Opens the repository in `data_dir` (its database at `database_url` and its blobs at
/// `blob_url` when given). With `create`, makes the directory first; otherwise a missing data
/// directory is an error that says how to make one.
pub async fn repository(
    data_dir: &Path,
    database_url: Option<&str>,
    blob_url: Option<&str>,
    create: bool,
) -> Result<(Repository, SqliteStore)> {
    let database = data_dir.join(DATABASE_FILE);
    if let Some(url) = database_url {
        if !url.starts_with("sqlite:") {
            bail!("cannot use database {url:?}: this build of salvage stores its data in SQLite (sqlite:///path/to/salvage.db)");
        }
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
        let store = SqliteStore::open_url(url)
            .await
            .with_context(|| format!("cannot open {url}"))?;
        return Ok((wire(store.clone(), data_dir, blob_url).await?, store));
    }
    if create {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    } else if !database.exists() {
        bail!(
            "no salvage data in {} — run `salvage init` first, or point --data-dir (or SALVAGE_DATA_DIR) at an existing data directory",
            data_dir.display()
        );
    }
    let store = SqliteStore::open(&database)
        .await
        .with_context(|| format!("cannot open {}", database.display()))?;
    Ok((wire(store.clone(), data_dir, blob_url).await?, store))
}

/// The repository over `store`, with its blobs at `blob_url` or in the data directory.
async fn wire(store: SqliteStore, data_dir: &Path, blob_url: Option<&str>) -> Result<Repository> {
    let blobs: Arc<dyn BlobStore> = match blob_url {
        Some(url) => salvage_blob::open_url(url)
            .await
            .with_context(|| format!("cannot use the blob store {url}"))?,
        None => Arc::new(LocalBlobStore::open(data_dir.join(BLOB_DIR)).await?),
    };
    Ok(Repository::new(
        Arc::new(store),
        blobs,
        Arc::new(SystemClock),
        Config::default(),
    ))
}
