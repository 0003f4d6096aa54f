//! Documents: uploads (content streamed to the blob store before the transaction), versions,
//! document types and publishing.

use crate::access::{require_admin, require_capability};
use crate::blob::BlobReader;
use crate::error::{Error, Result};
use crate::model::*;
use crate::name;
use crate::repository::Repository;
use crate::store::StoreTx;
use crate::visibility::{live_node, right_on};
use tokio::io::AsyncRead;

impl Repository {
    /// Stores a document: a new one, or a new version when a live document of that name exists.
    /// The content is streamed to the blob store before the transaction starts, so a slow or
    /// large upload never holds the database.
    pub async fn upload(
        &self,
        actor: &Actor,
        parent: NodeId,
        name: &str,
        content: &mut (dyn AsyncRead + Unpin + Send),
    ) -> Result<(Node, Version)> {
        let name = &name::normalize(name)?;
        self.check_upload_target(actor, parent, name).await?;
        // A new version of an existing document is an upload too.
        require_capability(actor, Capability::Upload, "upload documents")?;
        let staged = self.blobs.stage(content).await?;
        match self.record_upload(actor, parent, name, &staged).await {
            Ok((tx, node, version)) => {
                // Promote inside the transaction: the garbage collector deletes files inside its
                // own, so the two can never interleave between "referenced" and "present".
                let (sha, size) = (staged.sha256.clone(), staged.size);
                self.blobs.promote(staged).await?;
                tx.commit().await?;
                tracing::debug!(node = node.id, sha, size, "stored document version");
                Ok((node, version))
            }
            Err(e) => {
                self.blobs.discard(staged).await;
                Err(e)
            }
        }
    }

    /// Refuses an upload that cannot succeed before its content is read. The transaction that
    /// records the upload checks again.
    async fn check_upload_target(&self, actor: &Actor, parent: NodeId, name: &str) -> Result<()> {
        let mut tx = self.store.read().await?;
        let parent = live_node(tx.as_mut(), actor, parent).await?;
        if !parent.kind.is_container() {
            return Err(Error::InvalidTarget(format!(
                "{:?} is a document, not a folder",
                parent.name
            )));
        }
        match tx
            .unmarked_child(actor.tenant_id, Some(parent.id), &name::key(name))
            .await?
        {
            Some(existing) => existing_document(tx.as_mut(), actor, existing, name).await.map(|_| ()),
            None if !right_on(tx.as_mut(), actor, &parent).await?.can_add() => Err(Error::PermissionDenied(format!(
                "you may not add items to {:?}",
                parent.name
            ))),
            _ => Ok(()),
        }
    }

    async fn record_upload(
        &self,
        actor: &Actor,
        parent: NodeId,
        name: &str,
        staged: &crate::blob::StagedBlob,
    ) -> Result<(Box<dyn StoreTx>, Node, Version)> {
        let mut tx = self.store.write().await?;
        let parent = live_node(tx.as_mut(), actor, parent).await?;
        let now = self.clock.now();
        let node = match tx
            .unmarked_child(actor.tenant_id, Some(parent.id), &name::key(name))
            .await?
        {
            Some(existing) => existing_document(tx.as_mut(), actor, existing, name).await?,
            None => {
                self.insert_child(tx.as_mut(), actor, Some(&parent), NodeKind::Document, name)
                    .await?
            }
        };
        let version = tx
            .insert_version(node.id, &staged.sha256, staged.size, actor.user_id, now)
            .await?;
        let node = tx
            .node(actor.tenant_id, node.id)
            .await?
            .ok_or_else(|| Error::not_found("document"))?;
        Ok((tx, node, version))
    }

    pub async fn versions(&self, actor: &Actor, id: NodeId) -> Result<Vec<Version>> {
        let mut tx = self.store.read().await?;
        let node = readable_document(tx.as_mut(), actor, id).await?;
        tx.versions(node.id).await
    }

    /// Opens a version's content (`None`: the current one) for streaming.
    pub async fn open_version(&self, actor: &Actor, id: NodeId, number: Option<i64>) -> Result<(Version, BlobReader)> {
        self.open_version_at(actor, id, number, 0).await
    }

    /// Like `open_version`, reading from byte `offset` on.
    pub async fn open_version_at(
        &self,
        actor: &Actor,
        id: NodeId,
        number: Option<i64>,
        offset: u64,
    ) -> Result<(Version, BlobReader)> {
        let version = {
            let mut tx = self.store.read().await?;
            let node = readable_document(tx.as_mut(), actor, id).await?;
            let number = number.unwrap_or(node.current_version);
            let versions = tx.versions(node.id).await?;
            versions
                .into_iter()
                .find(|v| v.number == number)
                .ok_or_else(|| Error::not_found(format!("version {number}")))?
        };
        let reader = self.blobs.open_at(&version.blob_sha256, offset).await?;
        Ok((version, reader))
    }

    pub async fn create_doc_type(&self, actor: &Actor, name: &str) -> Result<DocType> {
        require_admin(actor)?;
        let name = name::normalize(name)?;
        let mut tx = self.store.write().await?;
        if tx
            .doc_types(actor.tenant_id)
            .await?
            .iter()
            .any(|t| name::key(&t.name) == name::key(&name))
        {
            return Err(Error::NameConflict(name));
        }
        let t = tx.insert_doc_type(actor.tenant_id, &name).await?;
        tx.commit().await?;
        Ok(t)
    }

    pub async fn doc_types(&self, actor: &Actor) -> Result<Vec<DocType>> {
        self.store.read().await?.doc_types(actor.tenant_id).await
    }

    pub async fn set_doc_type(&self, actor: &Actor, id: NodeId, doc_type: Option<DocTypeId>) -> Result<()> {
        let mut tx = self.store.write().await?;
        let node = changeable_document(tx.as_mut(), actor, id).await?;
        if let Some(t) = doc_type {
            if !tx.doc_types(actor.tenant_id).await?.iter().any(|d| d.id == t) {
                return Err(Error::not_found("document type"));
            }
        }
        tx.set_doc_type(node.id, doc_type).await?;
        tx.commit().await
    }

    pub async fn set_requires_doc_type(&self, actor: &Actor, library: NodeId, required: bool) -> Result<()> {
        require_admin(actor)?;
        let mut tx = self.store.write().await?;
        let node = live_node(tx.as_mut(), actor, library).await?;
        if node.kind != NodeKind::Library {
            return Err(Error::InvalidTarget("only a library sets the publishing rule".into()));
        }
        tx.set_requires_doc_type(node.id, required).await?;
        tx.commit().await
    }

    /// Publishes a version (`0` withdraws publication). A library that requires a document type
    /// refuses to publish a document without one.
    pub async fn publish(&self, actor: &Actor, id: NodeId, version: i64) -> Result<()> {
        let mut tx = self.store.write().await?;
        let node = changeable_document(tx.as_mut(), actor, id).await?;
        if version < 0 || version > node.current_version {
            return Err(Error::not_found(format!("version {version}")));
        }
        if version > 0 && node.doc_type_id.is_none() && library_of(tx.as_mut(), &node).await?.requires_doc_type {
            return Err(Error::InvalidInput(
                "this library requires a document type before a document can be published".into(),
            ));
        }
        tx.set_published_version(node.id, version).await?;
        tx.commit().await
    }
}

async fn library_of(tx: &mut dyn StoreTx, node: &Node) -> Result<Node> {
    let lib = crate::model::path_ids(&node.path)[0];
    tx.node(node.tenant_id, lib)
        .await?
        .ok_or_else(|| Error::not_found("library"))
}

/// The live document `existing` that an upload named `name` would give a new version, if the
/// caller may change it. One the caller may not see is a clash like any other, never a way in.
async fn existing_document(tx: &mut dyn StoreTx, actor: &Actor, existing: Node, name: &str) -> Result<Node> {
    let right = right_on(tx, actor, &existing).await?;
    if existing.kind != NodeKind::Document || !right.can_list() {
        return Err(Error::NameConflict(name.to_owned()));
    }
    if !right.can_change() {
        return Err(Error::PermissionDenied(format!("you may not change {name:?}")));
    }
    Ok(existing)
}

async fn readable_document(tx: &mut dyn StoreTx, actor: &Actor, id: NodeId) -> Result<Node> {
    let node = live_node(tx, actor, id).await?;
    if node.kind != NodeKind::Document {
        return Err(Error::InvalidTarget(format!("{:?} is not a document", node.name)));
    }
    if !right_on(tx, actor, &node).await?.can_read() {
        return Err(Error::PermissionDenied(format!("you may not read {:?}", node.name)));
    }
    Ok(node)
}

async fn changeable_document(tx: &mut dyn StoreTx, actor: &Actor, id: NodeId) -> Result<Node> {
    let node = live_node(tx, actor, id).await?;
    if node.kind != NodeKind::Document {
        return Err(Error::InvalidTarget(format!("{:?} is not a document", node.name)));
    }
    if !right_on(tx, actor, &node).await?.can_change() {
        return Err(Error::PermissionDenied(format!("you may not change {:?}", node.name)));
    }
    Ok(node)
}

/// The library node of a (possibly trashed) node, for the publishing rule.
pub(crate) async fn library_requires_doc_type(tx: &mut dyn StoreTx, node: &Node) -> Result<bool> {
    Ok(library_of(tx, node).await?.requires_doc_type)
}
