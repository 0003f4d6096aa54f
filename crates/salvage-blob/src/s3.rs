//! Blobs in an S3-compatible object store (AWS S3, MinIO, Ceph, moto…), through `object_store`.
//!
//! An upload streams into `staging/<random>` as a multipart upload while it is hashed, so memory
//! does not depend on its size; promoting copies it under its hash and removes the staged
//! object. Object stores have no rename, and a copy of content-addressed bytes onto an existing
//! key writes the same bytes, so a promote is idempotent and safe beside other servers.

use async_trait::async_trait;
use futures_util::TryStreamExt;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::buffered::BufWriter;
use object_store::path::Path as ObjectPath;
use object_store::prefix::PrefixStore;
use object_store::{GetOptions, GetRange, ObjectStore};
use salvage_core::blob::{BlobReader, BlobStore, StagedBlob};
use salvage_core::{Error, Result};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio_util::io::StreamReader;

/// Bytes read from an upload at a time; the multipart writer buffers parts of its own.
const CHUNK: usize = 64 * 1024;

#[derive(Clone)]
pub struct S3BlobStore {
    store: Arc<dyn ObjectStore>,
    /// `s3://bucket/prefix`, for messages.
    url: String,
}

impl std::fmt::Debug for S3BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3BlobStore").field("url", &self.url).finish()
    }
}

fn s3_error(context: &str, e: object_store::Error) -> Error {
    Error::Blob(format!("{context}: {e}"))
}

/// `s3://bucket/some/prefix/` → (`bucket`, `some/prefix`).
fn bucket_and_prefix(url: &str) -> Result<(&str, &str)> {
    let rest = url
        .strip_prefix("s3://")
        .ok_or_else(|| Error::InvalidInput(format!("{url:?} is not an s3:// URL")))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(Error::InvalidInput(format!(
            "{url:?} names no bucket: write s3://bucket or s3://bucket/prefix"
        )));
    }
    Ok((bucket, prefix.trim_matches('/')))
}

impl S3BlobStore {
    /// The store at `s3://bucket/prefix`, configured from the usual `AWS_*` variables
    /// (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_ALLOW_HTTP` for a plain-HTTP endpoint). Nothing is contacted until first use.
    pub fn from_env(url: &str) -> Result<Self> {
        Self::configured(url, &[])
    }

    /// Like `from_env`, with `settings` (`AWS_*` names and values) taking precedence over the
    /// environment.
    pub fn configured(url: &str, settings: &[(&str, &str)]) -> Result<Self> {
        let (bucket, prefix) = bucket_and_prefix(url)?;
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        for (name, value) in settings {
            let key: AmazonS3ConfigKey = name
                .to_ascii_lowercase()
                .parse()
                .map_err(|e| s3_error(&format!("unknown S3 setting {name}"), e))?;
            builder = builder.with_config(key, *value);
        }
        let s3 = builder.build().map_err(|e| s3_error(&format!("cannot use {url}"), e))?;
        Ok(Self::with_store(Arc::new(s3), prefix, url))
    }

    /// The store over any `object_store` backend, under `prefix`.
    pub fn with_store(store: Arc<dyn ObjectStore>, prefix: &str, url: &str) -> Self {
        let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
            store
        } else {
            Arc::new(PrefixStore::new(store, prefix))
        };
        S3BlobStore {
            store,
            url: url.to_owned(),
        }
    }

    fn blob_path(sha256: &str) -> Result<ObjectPath> {
        Ok(ObjectPath::from(crate::fan_out(sha256)?))
    }

    fn staging_path(key: &str) -> ObjectPath {
        ObjectPath::from(format!("staging/{key}"))
    }

    async fn get(&self, sha256: &str, range: Option<GetRange>) -> Result<BlobReader> {
        let options = GetOptions {
            range,
            ..Default::default()
        };
        let found = self
            .store
            .get_opts(&Self::blob_path(sha256)?, options)
            .await
            .map_err(|e| s3_error(&format!("cannot open blob {sha256} in {}", self.url), e))?;
        let stream = found.into_stream().map_err(std::io::Error::other);
        Ok(Box::new(StreamReader::new(stream)))
    }
}

#[async_trait]
impl BlobStore for S3BlobStore {
    async fn stage(&self, reader: &mut (dyn AsyncRead + Unpin + Send)) -> Result<StagedBlob> {
        let key = crate::staging_key();
        let mut upload = BufWriter::new(self.store.clone(), Self::staging_path(&key));
        let mut hasher = Sha256::new();
        let mut size: i64 = 0;
        let mut buf = vec![0u8; CHUNK];
        let copied: std::io::Result<()> = async {
            loop {
                let n = reader.read(&mut buf).await?;
                if n == 0 {
                    return Ok(());
                }
                hasher.update(&buf[..n]);
                upload.write_all(&buf[..n]).await?;
                size += n as i64;
            }
        }
        .await;
        let failed = |e: std::io::Error| Error::Blob(format!("cannot store the upload in {}: {e}", self.url));
        if let Err(e) = copied {
            // Parts already sent would otherwise linger as an incomplete multipart upload.
            if let Err(abort) = upload.abort().await {
                tracing::warn!(key, error = %abort, "could not abort a staged upload");
            }
            return Err(failed(e));
        }
        upload.shutdown().await.map_err(failed)?;
        Ok(StagedBlob {
            sha256: hex::encode(hasher.finalize()),
            size,
            staging_key: key,
        })
    }

    async fn promote(&self, staged: StagedBlob) -> Result<()> {
        let from = Self::staging_path(&staged.staging_key);
        self.store
            .copy(&from, &Self::blob_path(&staged.sha256)?)
            .await
            .map_err(|e| s3_error("cannot move a blob into place", e))?;
        if let Err(e) = self.store.delete(&from).await {
            tracing::warn!(key = staged.staging_key, error = %e, "could not remove a staged object");
        }
        Ok(())
    }

    async fn discard(&self, staged: StagedBlob) {
        if let Err(e) = self.store.delete(&Self::staging_path(&staged.staging_key)).await {
            tracing::warn!(key = staged.staging_key, error = %e, "could not remove a staged object");
        }
    }

    async fn open(&self, sha256: &str) -> Result<BlobReader> {
        self.get(sha256, None).await
    }

    async fn open_at(&self, sha256: &str, offset: u64) -> Result<BlobReader> {
        // A range starting at the end of an object is refused by S3; nothing is left to read.
        let size = self
            .store
            .head(&Self::blob_path(sha256)?)
            .await
            .map_err(|e| s3_error(&format!("cannot open blob {sha256} in {}", self.url), e))?
            .size;
        if offset >= size {
            return Ok(Box::new(tokio::io::empty()));
        }
        let range = (offset > 0).then_some(GetRange::Offset(offset));
        self.get(sha256, range).await
    }

    async fn exists(&self, sha256: &str) -> Result<bool> {
        match self.store.head(&Self::blob_path(sha256)?).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(s3_error(&format!("cannot look for blob {sha256}"), e)),
        }
    }

    async fn delete(&self, sha256: &str) -> Result<()> {
        match self.store.delete(&Self::blob_path(sha256)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(s3_error(&format!("cannot delete blob {sha256}"), e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_a_bucket_and_an_optional_prefix() {
        assert_eq!(bucket_and_prefix("s3://b").unwrap(), ("b", ""));
        assert_eq!(bucket_and_prefix("s3://b/p/q/").unwrap(), ("b", "p/q"));
        assert!(bucket_and_prefix("s3:///p").is_err());
        assert!(bucket_and_prefix("http://b").is_err());
    }
}
