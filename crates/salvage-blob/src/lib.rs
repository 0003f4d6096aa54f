//! Content-addressed blob storage: local files (the default) or an S3-compatible object store.
//!
//! Both keep the same layout under their root: `ab/cd/abcd…` (the SHA-256 in hex, fanned out
//! over two levels so no directory or listing grows huge) and `staging/` for uploads in
//! progress. Content is written to staging while it is hashed, then moved into place: a reader
//! never sees a partial blob, and the same content is stored once. Reference counts live in the
//! database; a blob store only holds bytes.

mod local;
mod s3;

pub use local::LocalBlobStore;
pub use s3::S3BlobStore;

use rand::RngCore;
use salvage_core::blob::BlobStore;
use salvage_core::{Error, Result};
use std::path::Path;
use std::sync::Arc;

/// Opens the blob store named by `url`: `s3://bucket/prefix` (endpoint, region and credentials
/// from the usual `AWS_*` variables), or `file:///path` / a plain path for local files.
pub async fn open_url(url: &str) -> Result<Arc<dyn BlobStore>> {
    if url.starts_with("s3://") {
        return Ok(Arc::new(S3BlobStore::from_env(url)?));
    }
    let path = url.strip_prefix("file://").unwrap_or(url);
    if path.contains("://") {
        return Err(Error::InvalidInput(format!(
            "cannot use blob store {url:?}: give s3://bucket/prefix or a local directory"
        )));
    }
    Ok(Arc::new(LocalBlobStore::open(Path::new(path)).await?))
}

/// `ab/cd/abcd…` for a SHA-256 in lower-case hex; anything else is refused, so a name can never
/// reach outside the store.
pub(crate) fn fan_out(sha256: &str) -> Result<String> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
        return Err(Error::Blob(format!("{sha256:?} is not a SHA-256 in lower-case hex")));
    }
    Ok(format!("{}/{}/{sha256}", &sha256[0..2], &sha256[2..4]))
}

/// A fresh random name for a staged upload.
pub(crate) fn staging_key() -> String {
    let mut random = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut random);
    hex::encode(random)
}

/// Copies the blob `sha256` from one store to another unless the target has it already, and
/// returns the bytes copied. The content is hashed on its way in, so damaged source content is
/// refused rather than stored under a hash it does not have.
pub async fn copy(from: &dyn BlobStore, to: &dyn BlobStore, sha256: &str) -> Result<u64> {
    if to.exists(sha256).await? {
        return Ok(0);
    }
    let mut reader = from.open(sha256).await?;
    let staged = to.stage(&mut reader).await?;
    if staged.sha256 != sha256 {
        let found = staged.sha256.clone();
        to.discard(staged).await;
        return Err(Error::Blob(format!(
            "blob {sha256} is damaged in the source store: its content hashes to {found}"
        )));
    }
    let size = staged.size as u64;
    to.promote(staged).await?;
    Ok(size)
}
