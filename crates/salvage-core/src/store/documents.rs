//! Documents: versions and their blob references, published versions, document types.

use crate::error::Result;
use crate::model::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
pub trait DocumentsTx: Send {
    /// Adds a version pointing at blob `sha256` and takes a reference on that blob (creating
    /// its row on first use). The version's number is the document's next one; the document's
    /// size and modification time become the version's.
    async fn insert_version(
        &mut self,
        node: NodeId,
        sha256: &str,
        size: i64,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<Version>;
    /// The document's versions, oldest first.
    async fn versions(&mut self, node: NodeId) -> Result<Vec<Version>>;
    /// Sets which version is published (0: none).
    async fn set_published_version(&mut self, node: NodeId, version: i64) -> Result<()>;
    /// Sets or clears a document's type.
    async fn set_doc_type(&mut self, node: NodeId, doc_type: Option<DocTypeId>) -> Result<()>;
    /// Sets whether a library requires its documents to have a type.
    async fn set_requires_doc_type(&mut self, library: NodeId, required: bool) -> Result<()>;
    /// Creates a document type of the tenant.
    async fn insert_doc_type(&mut self, tenant: TenantId, name: &str) -> Result<DocType>;
    /// The tenant's document types, by name.
    async fn doc_types(&mut self, tenant: TenantId) -> Result<Vec<DocType>>;
    /// infoRouter rule: documents of the subtree without a document type lose their published
    /// version (reset to 0); items below it that belong to other deletions are left alone.
    /// Called when the subtree lands in a library that requires a type. Returns how many.
    async fn reset_untyped_published(&mut self, subtree: &Node) -> Result<u64>;
}
