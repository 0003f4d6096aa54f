//! The JSON shapes of the REST API. They are built from core types here, at the edge, so the
//! core stays free of HTTP concerns.

use super::names::{AuditActionName, NodeKindName, StageName};
use chrono::{DateTime, Utc};
use salvage_core::model::{AuditEvent, Node, NodeKind, TrashRecord, User, Version};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct NodeView {
    pub id: i64,
    #[schema(value_type = NodeKindName)]
    pub kind: String,
    pub name: String,
    /// Path by names, e.g. `/Finance/Reports/q1.pdf`.
    pub path: String,
    pub parent_id: Option<i64>,
    /// Bytes of the current version (documents).
    pub size: i64,
    pub current_version: i64,
    pub published_version: i64,
    pub doc_type_id: Option<i64>,
    pub requires_doc_type: bool,
    pub acl_inherited: bool,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

impl NodeView {
    pub fn new(node: &Node, path: String) -> Self {
        NodeView {
            id: node.id,
            kind: node.kind.as_str().to_owned(),
            name: node.name.clone(),
            path,
            parent_id: node.parent_id,
            size: node.size,
            current_version: node.current_version,
            published_version: node.published_version,
            doc_type_id: node.doc_type_id,
            requires_doc_type: node.requires_doc_type,
            acl_inherited: node.acl_inherited,
            created_by: node.created_by,
            created_at: node.created_at,
            modified_at: node.modified_at,
        }
    }

    /// A child listed under a parent whose path is known.
    pub fn child(node: &Node, parent_path: &str) -> Self {
        NodeView::new(node, format!("{parent_path}/{}", node.name))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NodePage {
    pub items: Vec<NodeView>,
    /// Pass as `after` to get the next page; absent on the last page.
    pub next: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    pub number: i64,
    pub size: i64,
    pub sha256: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

impl From<&Version> for VersionView {
    fn from(v: &Version) -> Self {
        VersionView {
            number: v.number,
            size: v.size,
            sha256: v.blob_sha256.clone(),
            created_by: v.created_by,
            created_at: v.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrashItemView {
    pub id: i64,
    #[schema(value_type = NodeKindName)]
    pub kind: String,
    pub name: String,
    pub original_path: String,
    pub original_parent_id: Option<i64>,
    pub root_node_id: i64,
    pub deleted_by: i64,
    pub deleted_by_name: String,
    pub deleted_at: DateTime<Utc>,
    pub item_count: i64,
    pub total_size: i64,
    #[schema(value_type = StageName)]
    pub stage: String,
    pub stage_changed_at: DateTime<Utc>,
}

impl From<&TrashRecord> for TrashItemView {
    fn from(r: &TrashRecord) -> Self {
        TrashItemView {
            id: r.id,
            kind: r.kind.as_str().to_owned(),
            name: r.name.clone(),
            original_path: r.original_path.clone(),
            original_parent_id: r.original_parent_id,
            root_node_id: r.root_node_id,
            deleted_by: r.deleted_by,
            deleted_by_name: r.deleted_by_name.clone(),
            deleted_at: r.deleted_at,
            item_count: r.item_count,
            total_size: r.total_size,
            stage: r.stage.as_str().to_owned(),
            stage_changed_at: r.stage_changed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub enabled: bool,
    pub is_system_admin: bool,
    pub created_at: DateTime<Utc>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            username: u.username.clone(),
            email: u.email.clone(),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            enabled: u.enabled,
            is_system_admin: u.is_system_admin,
            created_at: u.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// Who did it; absent when salvage did it itself (retention, renames it made).
    pub actor_id: Option<i64>,
    #[schema(value_type = AuditActionName)]
    pub action: String,
    pub trash_item_id: Option<i64>,
    pub node_id: Option<i64>,
    #[schema(value_type = NodeKindName)]
    pub kind: String,
    pub name: String,
    pub from_path: String,
    pub to_path: String,
}

impl From<&AuditEvent> for AuditEventView {
    fn from(e: &AuditEvent) -> Self {
        AuditEventView {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            action: e.action.as_str().to_owned(),
            trash_item_id: e.record_id,
            node_id: e.node_id,
            kind: e.kind.as_str().to_owned(),
            name: e.name.clone(),
            from_path: e.from_path.clone(),
            to_path: e.to_path.clone(),
        }
    }
}

/// `document` or `folder` in filters.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum KindFilter {
    Document,
    Folder,
}

impl From<KindFilter> for NodeKind {
    fn from(k: KindFilter) -> Self {
        match k {
            KindFilter::Document => NodeKind::Document,
            KindFilter::Folder => NodeKind::Folder,
        }
    }
}
