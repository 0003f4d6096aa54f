//! Wiring: the embedded default is a SQLite database and a blob directory inside the data
//! directory; a database URL selects another SQLite file or a PostgreSQL database (document
//! contents stay in the data directory).

use anyhow::{bail, Context, Result};
use salvage_blob::LocalBlobStore;
use salvage_core::blob::BlobStore;
use salvage_core::clock::SystemClock;
use salvage_core::{Config, Repository};
pub use salvage_store::Database;
use salvage_store::{PgStore, SqliteStore};
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
) -> Result<(Repository, Database)> {
    let database = database(data_dir, database_url, create).await?;
    let blobs = blobs(data_dir, blob_url).await?;
    Ok((wire(&database, blobs), database))
}

/// The database at `database_url`, else the data directory's SQLite file.
pub async fn database(data_dir: &Path, database_url: Option<&str>, create: bool) -> Result<Database> {
    let file = data_dir.join(DATABASE_FILE);
    if let Some(url) = database_url {
        let database = open_url(url).await?;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
        return Ok(database);
    }
    if create {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    } else if !file.exists() {
        bail!(
            "no salvage data in {} — run `salvage init` first, or point --data-dir (or SALVAGE_DATA_DIR) at an existing data directory",
            data_dir.display()
        );
    }
    let store = SqliteStore::open(&file)
        .await
        .with_context(|| format!("cannot open {}", file.display()))?;
    Ok(Database::Sqlite(store))
}

/// The backend is chosen by the URL's scheme.
pub async fn open_url(url: &str) -> Result<Database> {
    let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
    match scheme {
        "sqlite" => Ok(Database::Sqlite(
            SqliteStore::open_url(url)
                .await
                .with_context(|| format!("cannot open {url}"))?,
        )),
        // The store's error names host, port and database but never the password in the URL.
        "postgres" | "postgresql" => Ok(Database::Postgres(PgStore::connect(url).await?)),
        _ => bail!(
            "cannot use database URL {:?}: salvage stores its data in SQLite (sqlite:///path/to/salvage.db) \
             or PostgreSQL (postgres://user:password@host:5432/database)",
            redacted(url)
        ),
    }
}

/// The URL without a password, for messages.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if start + 3 < at => {
            let credentials = &url[start + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..start + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The blob store at `blob_url`, else the data directory's `blobs/`.
pub async fn blobs(data_dir: &Path, blob_url: Option<&str>) -> Result<Arc<dyn BlobStore>> {
    Ok(match blob_url {
        Some(url) => salvage_blob::open_url(url)
            .await
            .with_context(|| format!("cannot use the blob store {url}"))?,
        None => Arc::new(LocalBlobStore::open(data_dir.join(BLOB_DIR)).await?),
    })
}

/// The repository over `database` and `blobs`.
pub fn wire(database: &Database, blobs: Arc<dyn BlobStore>) -> Repository {
    wire_with(database, blobs, Config::default())
}

/// `wire` with the settings `config`.
pub fn wire_with(database: &Database, blobs: Arc<dyn BlobStore>, config: Config) -> Repository {
    Repository::new(database.store(), blobs, Arc::new(SystemClock), config)
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn passwords_are_left_out_of_messages() {
        assert_eq!(redacted("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redacted("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redacted("mysql://h/db"), "mysql://h/db");
    }
}
