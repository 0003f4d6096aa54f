//! The content store contract: immutable blobs addressed by their SHA-256. Reference counts live
//! in the database (see `StoreTx::insert_version` / `purge_record`); a blob store only holds bytes.

use crate::error::Result;
use async_trait::async_trait;
use tokio::io::AsyncRead;

pub type BlobReader = Box<dyn AsyncRead + Unpin + Send>;

/// Content written to staging and hashed, not yet visible under its hash.
#[derive(Debug)]
pub struct StagedBlob {
    pub sha256: String,
    pub size: i64,
    /// Backend-specific handle of the staged bytes (a temporary file path, an upload key).
    pub staging_key: String,
}

#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Streams `reader` into staging while hashing it; memory use does not depend on its size.
    async fn stage(&self, reader: &mut (dyn AsyncRead + Unpin + Send)) -> Result<StagedBlob>;
    /// Makes a staged blob readable under its hash. Idempotent: the same content twice is
    /// stored once.
    async fn promote(&self, staged: StagedBlob) -> Result<()>;
    /// Drops a staged blob that will not be promoted.
    async fn discard(&self, staged: StagedBlob);
    async fn open(&self, sha256: &str) -> Result<BlobReader>;
    /// Opens a blob to be read from byte `offset` on (for HTTP `Range` requests).
    async fn open_at(&self, sha256: &str, offset: u64) -> Result<BlobReader>;
    async fn exists(&self, sha256: &str) -> Result<bool>;
    /// Removes a blob's bytes. Removing one that is already gone is not an error.
    async fn delete(&self, sha256: &str) -> Result<()>;
}
