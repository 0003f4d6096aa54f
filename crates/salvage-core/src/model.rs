//! The domain model (DESIGN.md §2). Ids are database integers that never change: not by move,
//! rename, trash or restore.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub type TenantId = i64;
pub type UserId = i64;
pub type GroupId = i64;
pub type NodeId = i64;
pub type RecordId = i64;
pub type DocTypeId = i64;

#[derive(Debug, Clone, Serialize)]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
    pub settings: TrashSettings,
    pub created_at: DateTime<Utc>,
}

/// Per-tenant trash policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashSettings {
    /// Days an item stays in its deleter's bin before it moves to the system bin; 0 = never.
    pub user_bin_days: u32,
    /// Days an item stays in the system bin before it is purged; 0 = never.
    pub system_bin_days: u32,
    /// Whether a trashed item's name stays reserved in its folder (Scene7 behaviour) so that no
    /// new item can take it while the old one could still come back.
    pub names_reserved: bool,
    pub restore_policy: RestorePolicy,
}

impl Default for TrashSettings {
    fn default() -> Self {
        TrashSettings {
            user_bin_days: 30,
            system_bin_days: 60,
            names_reserved: false,
            restore_policy: RestorePolicy::DeleterOrAdministrator,
        }
    }
}

/// Who may restore an item out of the trash (DESIGN.md §3 rule 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RestorePolicy {
    /// The user who deleted it, and administrators (infoRouter).
    DeleterOrAdministrator,
    /// Any member whose role may work the trash (Scene7's documented rule).
    AnyTrashRole,
}

impl RestorePolicy {
    pub const ALL: [RestorePolicy; 2] = [RestorePolicy::DeleterOrAdministrator, RestorePolicy::AnyTrashRole];

    pub fn as_str(self) -> &'static str {
        match self {
            RestorePolicy::DeleterOrAdministrator => "deleter-or-administrator",
            RestorePolicy::AnyTrashRole => "any-trash-role",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "deleter-or-administrator" => Some(RestorePolicy::DeleterOrAdministrator),
            "any-trash-role" => Some(RestorePolicy::AnyTrashRole),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub enabled: bool,
    /// infoRouter `[Administrators]` across the installation, Scene7 `IpsAdmin`.
    pub is_system_admin: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub password: String,
    pub is_system_admin: bool,
}

/// Scene7 user roles; a membership gives a user one role in one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    IpsAdmin,
    IpsCompanyAdmin,
    IpsUser,
    WebServiceUser,
    TrialSiteAdmin,
    TrialSiteUser,
    ImagePortalAdmin,
    ImagePortalUser,
    ImagePortalContrib,
    ImagePortalContribUser,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::IpsAdmin,
        Role::IpsCompanyAdmin,
        Role::IpsUser,
        Role::WebServiceUser,
        Role::TrialSiteAdmin,
        Role::TrialSiteUser,
        Role::ImagePortalAdmin,
        Role::ImagePortalUser,
        Role::ImagePortalContrib,
        Role::ImagePortalContribUser,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::IpsAdmin => "IpsAdmin",
            Role::IpsCompanyAdmin => "IpsCompanyAdmin",
            Role::IpsUser => "IpsUser",
            Role::WebServiceUser => "WebServiceUser",
            Role::TrialSiteAdmin => "TrialSiteAdmin",
            Role::TrialSiteUser => "TrialSiteUser",
            Role::ImagePortalAdmin => "ImagePortalAdmin",
            Role::ImagePortalUser => "ImagePortalUser",
            Role::ImagePortalContrib => "ImagePortalContrib",
            Role::ImagePortalContribUser => "ImagePortalContribUser",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Roles that may delete, restore and empty (the Scene7 per-operation table).
    pub fn may_work_trash(self) -> bool {
        self.may(Capability::Write)
    }

    /// Whether the role allows `capability` (the role capability matrix, below).
    pub fn may(self, capability: Capability) -> bool {
        capability.allows(self)
    }

    /// Roles that administer the whole tenant.
    pub fn administers_tenant(self) -> bool {
        matches!(self, Role::IpsAdmin | Role::IpsCompanyAdmin)
    }
}

/// What a role may do: the role capability matrix of Scene7's per-operation table (its spec
/// §8.2, with the recommendations of §8.2 and §18). It lives in the core so that every face
/// reads one table; the core itself checks `Write` on every trash operation for every face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// Reads: every role.
    Read,
    /// Changes to folders and documents, and the trash.
    Write,
    /// Uploads: every role but ImagePortalUser and WebServiceUser (§18 #19).
    Upload,
    /// Creating a tenant (Scene7's addCompany): IpsAdmin, ImagePortalAdmin and TrialSiteAdmin.
    AddCompany,
}

impl Capability {
    pub fn allows(self, role: Role) -> bool {
        match self {
            Capability::Read => true,
            Capability::Write => !matches!(
                role,
                Role::ImagePortalUser | Role::TrialSiteAdmin | Role::TrialSiteUser | Role::WebServiceUser
            ),
            Capability::Upload => !matches!(role, Role::ImagePortalUser | Role::WebServiceUser),
            Capability::AddCompany => matches!(role, Role::IpsAdmin | Role::ImagePortalAdmin | Role::TrialSiteAdmin),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Membership {
    pub user_id: UserId,
    pub tenant_id: TenantId,
    pub role: Role,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub id: GroupId,
    pub tenant_id: TenantId,
    pub name: String,
    /// The built-in `Administrators` group cannot be removed and makes its members administrators.
    pub builtin: bool,
}

pub const ADMINISTRATORS_GROUP: &str = "Administrators";

/// Who is calling, resolved once per request from a session or the CLI's `--as`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: UserId,
    pub username: String,
    pub tenant_id: TenantId,
    pub role: Role,
    pub groups: Vec<GroupId>,
    pub is_admin: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// A top-level folder (infoRouter "domain"/library).
    Library,
    Folder,
    /// A document (Scene7 "asset").
    Document,
}

impl NodeKind {
    pub const ALL: [NodeKind; 3] = [NodeKind::Library, NodeKind::Folder, NodeKind::Document];

    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Library => "library",
            NodeKind::Folder => "folder",
            NodeKind::Document => "document",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "library" => Some(NodeKind::Library),
            "folder" => Some(NodeKind::Folder),
            "document" => Some(NodeKind::Document),
            _ => None,
        }
    }

    pub fn is_container(self) -> bool {
        !matches!(self, NodeKind::Document)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    pub id: NodeId,
    pub tenant_id: TenantId,
    pub parent_id: Option<NodeId>,
    pub kind: NodeKind,
    pub name: String,
    /// Materialized id path: `/lib/…/self/`. A subtree is the range of paths with this prefix.
    #[serde(rename = "id_path")]
    pub path: String,
    pub depth: i64,
    /// The trash record that marks this node, if it was deleted explicitly.
    pub trash_record_id: Option<RecordId>,
    /// Size in bytes of the current version (documents); 0 for containers.
    pub size: i64,
    pub current_version: i64,
    pub published_version: i64,
    pub doc_type_id: Option<DocTypeId>,
    /// Libraries only: a document must have a document type before it can be published.
    pub requires_doc_type: bool,
    /// Whether the node inherits its access list from its parent.
    pub acl_inherited: bool,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

impl Node {
    /// Ids of this node's ancestors, root first, not including itself.
    pub fn ancestor_ids(&self) -> Vec<NodeId> {
        let mut ids = path_ids(&self.path);
        ids.pop();
        ids
    }
}

/// Parses a materialized id path (`/1/5/9/`) into its ids.
pub fn path_ids(path: &str) -> Vec<NodeId> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect()
}

#[derive(Debug, Clone)]
pub struct NewNode {
    pub tenant_id: TenantId,
    pub parent_id: Option<NodeId>,
    pub kind: NodeKind,
    pub name: String,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Version {
    pub node_id: NodeId,
    pub number: i64,
    pub blob_sha256: String,
    pub size: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocType {
    pub id: DocTypeId,
    pub tenant_id: TenantId,
    pub name: String,
}

/// Where a deleted item is: in its deleter's bin, or in the system bin (after the user-bin
/// retention, or after the deleter emptied their bin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    UserBin,
    SystemBin,
}

impl Stage {
    /// Every stage, in the order items pass through them.
    pub const ALL: [Stage; 2] = [Stage::UserBin, Stage::SystemBin];

    /// The stage's name on every face: `user-bin` or `system-bin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::UserBin => "user-bin",
            Stage::SystemBin => "system-bin",
        }
    }

    /// The stage a name names, as `as_str` writes it.
    pub fn parse(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn as_i64(self) -> i64 {
        match self {
            Stage::UserBin => 0,
            Stage::SystemBin => 1,
        }
    }

    pub fn from_i64(v: i64) -> Stage {
        if v == 0 {
            Stage::UserBin
        } else {
            Stage::SystemBin
        }
    }
}

/// One explicit deletion (DESIGN.md §2 "Trash record").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrashRecord {
    pub id: RecordId,
    pub tenant_id: TenantId,
    pub root_node_id: NodeId,
    pub kind: NodeKind,
    pub name: String,
    pub original_parent_id: Option<NodeId>,
    /// The deleted item's path by names at the moment of deletion, e.g. `/Finance/Q1/report.pdf`.
    pub original_path: String,
    pub deleted_by: UserId,
    pub deleted_by_name: String,
    pub deleted_at: DateTime<Utc>,
    pub item_count: i64,
    pub total_size: i64,
    pub stage: Stage,
    pub stage_changed_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewTrashRecord {
    pub tenant_id: TenantId,
    pub root_node_id: NodeId,
    pub kind: NodeKind,
    pub name: String,
    pub original_parent_id: Option<NodeId>,
    pub original_path: String,
    pub deleted_by: UserId,
    pub deleted_at: DateTime<Utc>,
    pub item_count: i64,
    pub total_size: i64,
}

/// Count and size of the items one deletion removes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SubtreeStats {
    pub item_count: i64,
    pub total_size: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuditAction {
    Recycle,
    Restore,
    Purge,
    AutoPurge,
    Empty,
    MoveToSystemBin,
    /// An item got another name, in the same folder. The event's `name` is the new name,
    /// `from_path` the item's path by names under the old name and `to_path` under the new one
    /// (so the old name is the last segment of `from_path`). `actor_id` is `None` when salvage
    /// renamed the item itself, as when stored names were brought under rule 13.
    Rename,
}

impl AuditAction {
    pub const ALL: [AuditAction; 7] = [
        AuditAction::Recycle,
        AuditAction::Restore,
        AuditAction::Purge,
        AuditAction::AutoPurge,
        AuditAction::Empty,
        AuditAction::MoveToSystemBin,
        AuditAction::Rename,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Recycle => "recycle",
            AuditAction::Restore => "restore",
            AuditAction::Purge => "purge",
            AuditAction::AutoPurge => "auto-purge",
            AuditAction::Empty => "empty",
            AuditAction::MoveToSystemBin => "move-to-system-bin",
            AuditAction::Rename => "rename",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEvent {
    pub id: i64,
    pub tenant_id: TenantId,
    pub at: DateTime<Utc>,
    /// `None` for the retention sweeper.
    pub actor_id: Option<UserId>,
    pub action: AuditAction,
    pub record_id: Option<RecordId>,
    pub node_id: Option<NodeId>,
    /// What kind of item the event is about.
    pub kind: NodeKind,
    pub name: String,
    pub from_path: String,
    pub to_path: String,
}

#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub tenant_id: TenantId,
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    pub action: AuditAction,
    pub record_id: Option<RecordId>,
    pub node_id: Option<NodeId>,
    pub kind: NodeKind,
    pub name: String,
    pub from_path: String,
    pub to_path: String,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: UserId,
    pub tenant_id: TenantId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}
