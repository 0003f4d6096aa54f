//! Blobs on local disk.
//!
//! Layout under the root: `ab/cd/abcd…` (the SHA-256 in hex, fanned out over two directory
//! levels so no directory grows huge) and `staging/` for uploads in progress. Content is written
//! to staging while it is hashed, flushed to disk, then renamed into place: a reader never sees
//! a partial blob, and the same content is stored once.

use async_trait::async_trait;
use salvage_core::blob::{BlobReader, BlobStore, StagedBlob};
use salvage_core::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use tokio::fs;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

const CHUNK: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub struct LocalBlobStore {
    root: PathBuf,
}

fn blob_error(context: &str, e: std::io::Error) -> Error {
    Error::Blob(format!("{context}: {e}"))
}

impl LocalBlobStore {
    /// Opens (creating if needed) a blob store rooted at `root`.
    pub async fn open(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        fs::create_dir_all(root.join("staging"))
            .await
            .map_err(|e| blob_error(&format!("cannot create {}", root.display()), e))?;
        Ok(LocalBlobStore { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, sha256: &str) -> Result<PathBuf> {
        Ok(self.root.join(crate::fan_out(sha256)?))
    }

    fn staging_path(&self, key: &str) -> PathBuf {
        self.root.join("staging").join(key)
    }
}

#[async_trait]
impl BlobStore for LocalBlobStore {
    async fn stage(&self, reader: &mut (dyn AsyncRead + Unpin + Send)) -> Result<StagedBlob> {
        let key = crate::staging_key();
        let path = self.staging_path(&key);
        let mut file = fs::File::create(&path)
            .await
            .map_err(|e| blob_error("cannot create a staging file", e))?;
        let mut hasher = Sha256::new();
        let mut size: i64 = 0;
        let mut buf = vec![0u8; CHUNK];
        let written: std::io::Result<()> = async {
            loop {
                let n = reader.read(&mut buf).await?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                file.write_all(&buf[..n]).await?;
                size += n as i64;
            }
            file.flush().await?;
            file.sync_all().await
        }
        .await;
        if let Err(e) = written {
            let _ = fs::remove_file(&path).await;
            return Err(blob_error("cannot store the upload", e));
        }
        Ok(StagedBlob {
            sha256: hex::encode(hasher.finalize()),
            size,
            staging_key: key,
        })
    }

    async fn promote(&self, staged: StagedBlob) -> Result<()> {
        let target = self.path_of(&staged.sha256)?;
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir)
                .await
                .map_err(|e| blob_error("cannot create a blob directory", e))?;
        }
        fs::rename(self.staging_path(&staged.staging_key), &target)
            .await
            .map_err(|e| blob_error("cannot move a blob into place", e))
    }

    async fn discard(&self, staged: StagedBlob) {
        if let Err(e) = fs::remove_file(self.staging_path(&staged.staging_key)).await {
            tracing::warn!(key = staged.staging_key, error = %e, "could not remove a staging file");
        }
    }

    async fn open(&self, sha256: &str) -> Result<BlobReader> {
        let file = fs::File::open(self.path_of(sha256)?)
            .await
            .map_err(|e| blob_error(&format!("cannot open blob {sha256}"), e))?;
        Ok(Box::new(file))
    }

    async fn open_at(&self, sha256: &str, offset: u64) -> Result<BlobReader> {
        use tokio::io::AsyncSeekExt;
        let mut file = fs::File::open(self.path_of(sha256)?)
            .await
            .map_err(|e| blob_error(&format!("cannot open blob {sha256}"), e))?;
        file.seek(std::io::SeekFrom::Start(offset))
            .await
            .map_err(|e| blob_error(&format!("cannot seek in blob {sha256}"), e))?;
        Ok(Box::new(file))
    }

    async fn exists(&self, sha256: &str) -> Result<bool> {
        fs::try_exists(self.path_of(sha256)?)
            .await
            .map_err(|e| blob_error("cannot look for a blob", e))
    }

    async fn delete(&self, sha256: &str) -> Result<()> {
        match fs::remove_file(self.path_of(sha256)?).await {
            Err(e) if e.kind() != ErrorKind::NotFound => Err(blob_error(&format!("cannot delete blob {sha256}"), e)),
            _ => Ok(()),
        }
    }
}
