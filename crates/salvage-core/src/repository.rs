//! The repository service: the one entry point every face calls. Each public method is one
//! transaction and checks the caller's rights before it changes anything.

use crate::acl::{AclEntry, Right};
use crate::auth;
use crate::blob::{BlobReader, BlobStore};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::model::*;
use crate::name;
use crate::sort::check_order;
use crate::store::{ChildCursor, ChildSort, SortKey, Store, StoreTx};
use crate::visibility::{live_node, right_on, Scopes};
use chrono::Duration;
use std::net::IpAddr;
use std::sync::Arc;
use tokio::io::AsyncRead;

pub const DEFAULT_TENANT: &str = "default";
pub const DEFAULT_ADMIN: &str = "admin";

#[derive(Debug, Clone)]
pub struct Config {
    /// Sliding lifetime of a session since its last use.
    pub session_ttl: Duration,
    /// Absolute lifetime of a session since it was opened, however much it is used.
    pub session_max_age: Duration,
    /// How long an unreferenced blob's bytes are kept before they are removed.
    pub blob_grace: Duration,
    /// When failed logins are refused or slowed (see `throttle`).
    pub login_throttle: crate::throttle::ThrottlePolicy,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            session_ttl: Duration::hours(8),
            session_max_age: Duration::days(7),
            blob_grace: Duration::hours(24),
            login_throttle: Default::default(),
        }
    }
}

#[derive(Clone)]
pub struct Repository {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) blobs: Arc<dyn BlobStore>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) config: Config,
    /// Single-item restores waiting to share a transaction (group commit).
    pub(crate) restores: Arc<crate::trash::RestoreQueue>,
}

/// What `init` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InitReport {
    pub tenant_created: bool,
    pub admin_created: bool,
    /// Set only when the administrator was created with a generated password.
    pub generated_password: Option<String>,
}

/// One page of a listing plus where the next one starts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T, C> {
    pub items: Vec<T>,
    pub next: Option<C>,
}

/// How many items one tenant has in the trash (see `Repository::trash_totals`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrashTotals {
    pub tenant: String,
    pub user_bin: i64,
    pub system_bin: i64,
}

impl Repository {
    pub fn new(store: Arc<dyn Store>, blobs: Arc<dyn BlobStore>, clock: Arc<dyn Clock>, config: Config) -> Self {
        Repository {
            store,
            blobs,
            clock,
            config,
            restores: Arc::default(),
        }
    }

    /// Whether the database answers (for readiness probes).
    pub async fn ready(&self) -> Result<()> {
        self.store.read().await?.tenants().await.map(|_| ())
    }

    /// Items in the trash of each tenant, in user bins and in the system bin, for metrics.
    pub async fn trash_totals(&self) -> Result<Vec<TrashTotals>> {
        use crate::store::TrashFilter;
        let mut tx = self.store.read().await?;
        let in_stage = |stage| TrashFilter {
            stage: Some(stage),
            ..TrashFilter::default()
        };
        let mut totals = Vec::new();
        for tenant in tx.tenants().await? {
            totals.push(TrashTotals {
                user_bin: tx.count_records(tenant.id, &in_stage(Stage::UserBin)).await?,
                system_bin: tx.count_records(tenant.id, &in_stage(Stage::SystemBin)).await?,
                tenant: tenant.name,
            });
        }
        Ok(totals)
    }

    /// How long a session lives without use.
    pub fn session_ttl(&self) -> Duration {
        self.config.session_ttl
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    // --- setup and administration ---------------------------------------------------------

    /// Creates tenant `default` and the administrator `admin` unless they exist. Safe to run
    /// any number of times.
    pub async fn init(&self, admin_password: Option<&str>) -> Result<InitReport> {
        let now = self.clock.now();
        let mut tx = self.store.write().await?;
        let (tenant, tenant_created) = match tx.tenant_by_name(DEFAULT_TENANT).await? {
            Some(t) => (t, false),
            None => (
                tx.insert_tenant(DEFAULT_TENANT, TrashSettings::default(), now).await?,
                true,
            ),
        };
        let admins = ensure_admin_group(tx.as_mut(), tenant.id).await?;
        let mut report = InitReport {
            tenant_created,
            admin_created: false,
            generated_password: None,
        };
        if tx.user_by_login(DEFAULT_ADMIN).await?.is_none() {
            let (password, generated) = match admin_password {
                Some(p) if !p.is_empty() => (p.to_owned(), false),
                _ => (auth::generate_password(), true),
            };
            let new = NewUser {
                username: DEFAULT_ADMIN.into(),
                email: "admin@localhost".into(),
                first_name: "System".into(),
                last_name: "Administrator".into(),
                password: password.clone(),
                is_system_admin: true,
            };
            let user = tx.insert_user(&new, &auth::hash_password(&password)?, now).await?;
            tx.upsert_membership(&Membership {
                user_id: user.id,
                tenant_id: tenant.id,
                role: Role::IpsAdmin,
            })
            .await?;
            tx.add_group_member(admins.id, user.id).await?;
            report.admin_created = true;
            report.generated_password = generated.then_some(password);
        }
        tx.commit().await?;
        Ok(report)
    }

    pub async fn create_tenant(&self, actor: &Actor, name: &str) -> Result<Tenant> {
        self.create_tenant_with(actor, name, TrashSettings::default()).await
    }

    /// Creates a tenant with its own trash policy (a system administrator's task).
    pub async fn create_tenant_with(&self, actor: &Actor, name: &str, settings: TrashSettings) -> Result<Tenant> {
        self.require_system_admin(actor).await?;
        let name = name::normalize(name)?;
        let mut tx = self.store.write().await?;
        if tx.tenant_by_name(&name).await?.is_some() {
            return Err(Error::NameConflict(name));
        }
        let tenant = tx.insert_tenant(&name, settings, self.clock.now()).await?;
        ensure_admin_group(tx.as_mut(), tenant.id).await?;
        tx.commit().await?;
        Ok(tenant)
    }

    pub async fn tenants(&self, actor: &Actor) -> Result<Vec<Tenant>> {
        self.require_system_admin(actor).await?;
        self.store.read().await?.tenants().await
    }

    pub async fn tenant(&self, actor: &Actor) -> Result<Tenant> {
        let mut tx = self.store.read().await?;
        tx.tenant(actor.tenant_id)
            .await?
            .ok_or_else(|| Error::not_found("tenant"))
    }

    pub async fn set_trash_settings(&self, actor: &Actor, settings: TrashSettings) -> Result<()> {
        require_admin(actor)?;
        let mut tx = self.store.write().await?;
        tx.update_tenant_settings(actor.tenant_id, settings).await?;
        tx.commit().await
    }

    /// Creates a user and makes them a member of the caller's tenant with `role`.
    pub async fn create_user(&self, actor: &Actor, new: &NewUser, role: Role) -> Result<User> {
        require_admin(actor)?;
        if new.is_system_admin {
            self.require_system_admin(actor).await?;
        }
        let new = &NewUser {
            username: name::normalize(&new.username)?,
            email: name::nfc(&new.email),
            ..new.clone()
        };
        if new.password.len() < 8 {
            return Err(Error::InvalidInput("a password must have at least 8 characters".into()));
        }
        let password_hash = auth::hash_password_off_thread(new.password.clone()).await?;
        let mut tx = self.store.write().await?;
        for login in [&new.username, &new.email] {
            if !login.is_empty() && tx.user_by_login(login).await?.is_some() {
                return Err(Error::NameConflict(login.clone()));
            }
        }
        let user = tx.insert_user(new, &password_hash, self.clock.now()).await?;
        tx.upsert_membership(&Membership {
            user_id: user.id,
            tenant_id: actor.tenant_id,
            role,
        })
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Gives an existing user a role in another tenant (a system administrator's task).
    pub async fn add_membership(&self, actor: &Actor, user: UserId, tenant: &str, role: Role) -> Result<()> {
        self.require_system_admin(actor).await?;
        let mut tx = self.store.write().await?;
        let tenant = tx
            .tenant_by_name(&name::nfc(tenant))
            .await?
            .ok_or_else(|| Error::not_found(format!("tenant {tenant:?}")))?;
        tx.user(user).await?.ok_or_else(|| Error::not_found("user"))?;
        tx.upsert_membership(&Membership {
            user_id: user,
            tenant_id: tenant.id,
            role,
        })
        .await?;
        tx.commit().await
    }

    pub async fn users(&self, actor: &Actor) -> Result<Vec<User>> {
        require_admin(actor)?;
        tenant_members(self.store.read().await?.as_mut(), actor.tenant_id).await
    }

    /// The usernames of the tenant's members, which every member may see: access lists name
    /// users, and whoever manages a folder's security must be able to read and write them.
    pub async fn member_names(&self, actor: &Actor) -> Result<Vec<(UserId, String)>> {
        let members = tenant_members(self.store.read().await?.as_mut(), actor.tenant_id).await?;
        Ok(members.into_iter().map(|u| (u.id, u.username)).collect())
    }

    /// The caller's own user record.
    pub async fn user_of(&self, actor: &Actor) -> Result<User> {
        self.store
            .read()
            .await?
            .user(actor.user_id)
            .await?
            .ok_or_else(|| Error::not_found("user"))
    }

    /// A member of the caller's tenant by username or e-mail (administrators only).
    pub async fn find_user(&self, actor: &Actor, login: &str) -> Result<User> {
        require_admin(actor)?;
        let mut tx = self.store.read().await?;
        match tx.user_by_login(login).await? {
            Some(u) if tx.membership(u.id, actor.tenant_id).await?.is_some() => Ok(u),
            _ => Err(Error::not_found(format!("user {login:?}"))),
        }
    }

    pub async fn create_group(&self, actor: &Actor, name: &str) -> Result<Group> {
        require_admin(actor)?;
        let name = name::normalize(name)?;
        let mut tx = self.store.write().await?;
        if tx.group_by_name(actor.tenant_id, &name).await?.is_some() {
            return Err(Error::NameConflict(name));
        }
        let group = tx.insert_group(actor.tenant_id, &name, false).await?;
        tx.commit().await?;
        Ok(group)
    }

    pub async fn add_group_member(&self, actor: &Actor, group: &str, user: UserId) -> Result<()> {
        require_admin(actor)?;
        let mut tx = self.store.write().await?;
        let group = tx
            .group_by_name(actor.tenant_id, group)
            .await?
            .ok_or_else(|| Error::not_found("group"))?;
        if tx.membership(user, actor.tenant_id).await?.is_none() {
            return Err(Error::not_found("user"));
        }
        tx.add_group_member(group.id, user).await?;
        tx.commit().await
    }

    pub async fn groups(&self, actor: &Actor) -> Result<Vec<Group>> {
        self.store.read().await?.groups(actor.tenant_id).await
    }

    async fn require_system_admin(&self, actor: &Actor) -> Result<()> {
        let mut tx = self.store.read().await?;
        match tx.user(actor.user_id).await? {
            Some(u) if u.is_system_admin => Ok(()),
            _ => Err(Error::PermissionDenied(
                "only a system administrator may do this".into(),
            )),
        }
    }

    // --- who is calling -------------------------------------------------------------------

    /// The actor for `username` in tenant `tenant` (the CLI's `--as`).
    pub async fn actor_by_name(&self, tenant: &str, username: &str) -> Result<Actor> {
        let mut tx = self.store.read().await?;
        let tenant = tx
            .tenant_by_name(&name::nfc(tenant))
            .await?
            .ok_or_else(|| Error::not_found(format!("tenant {tenant:?}")))?;
        let user = tx
            .user_by_login(username)
            .await?
            .ok_or_else(|| Error::not_found(format!("user {username:?}")))?;
        actor_in(tx.as_mut(), &user, tenant.id).await
    }

    /// Checks a login from the client address `from` (throttled: see `throttle`) and opens a
    /// session. Returns the ticket (shown once, never stored). The password is checked outside
    /// any transaction, on the blocking pool.
    pub async fn login(
        &self,
        tenant: Option<&str>,
        login: &str,
        password: &str,
        from: Option<IpAddr>,
    ) -> Result<(String, Actor)> {
        let user = self.verify_login(login, password, from).await?;
        if !user.enabled {
            return Err(Error::AuthenticationFailed);
        }
        let mut tx = self.store.write().await?;
        let tenant_id = match tenant {
            Some(name) => {
                tx.tenant_by_name(&name::nfc(name))
                    .await?
                    .ok_or(Error::AuthenticationFailed)?
                    .id
            }
            None => {
                tx.tenant_by_name(DEFAULT_TENANT)
                    .await?
                    .ok_or(Error::AuthenticationFailed)?
                    .id
            }
        };
        let actor = actor_in(tx.as_mut(), &user, tenant_id)
            .await
            .map_err(|_| Error::AuthenticationFailed)?;
        let ticket = auth::new_ticket();
        let now = self.clock.now();
        let session = Session {
            user_id: user.id,
            tenant_id,
            created_at: now,
            expires_at: now + self.config.session_ttl.min(self.config.session_max_age),
        };
        tx.insert_session(&auth::ticket_hash(&ticket), &session).await?;
        tx.commit().await?;
        Ok((ticket, actor))
    }

    /// Checks a login from the client address `from` without opening a session, for protocols
    /// that send credentials with every request (throttled: see `throttle`). Unknown users and
    /// wrong passwords are one failure; a disabled account is refused with `PermissionDenied`,
    /// but only once its password was right.
    pub async fn check_login(&self, login: &str, password: &str, from: Option<IpAddr>) -> Result<User> {
        let user = self.verify_login(login, password, from).await?;
        if user.enabled {
            Ok(user)
        } else {
            Err(Error::PermissionDenied("this account is disabled".into()))
        }
    }

    /// The actor for `user` in `tenant`: "not found" unless the tenant exists and the user is a
    /// member of it (or a system administrator), so other tenants look like unknown ones.
    pub async fn actor_for(&self, user: &User, tenant: TenantId) -> Result<Actor> {
        let mut tx = self.store.read().await?;
        if tx.tenant(tenant).await?.is_none() {
            return Err(Error::not_found("tenant"));
        }
        actor_in(tx.as_mut(), user, tenant).await.map_err(|e| match e {
            Error::PermissionDenied(_) => Error::not_found("tenant"),
            e => e,
        })
    }

    /// The tenants a user may act in, with the role in each (every tenant, for a system
    /// administrator), in the order of their creation.
    pub async fn memberships_of(&self, user: &User) -> Result<Vec<(Tenant, Role)>> {
        let mut tx = self.store.read().await?;
        let mut found = Vec::new();
        for tenant in tx.tenants().await? {
            match tx.membership(user.id, tenant.id).await? {
                Some(m) => found.push((tenant, m.role)),
                None if user.is_system_admin => found.push((tenant, Role::IpsAdmin)),
                None => {}
            }
        }
        Ok(found)
    }

    /// Resolves a ticket to its actor and slides the session's expiry forward, never past the
    /// session's absolute lifetime (`session_max_age` since it was opened). Only an expired
    /// session or a due extension takes the write lock; the common case is a read.
    pub async fn authenticate(&self, ticket: &str) -> Result<Actor> {
        let hash = auth::ticket_hash(ticket);
        let now = self.clock.now();
        let (session, actor) = {
            let mut tx = self.store.read().await?;
            let session = tx.session(&hash).await?.ok_or(Error::InvalidTicket)?;
            let user = tx.user(session.user_id).await?.ok_or(Error::InvalidTicket)?;
            let actor = actor_in(tx.as_mut(), &user, session.tenant_id)
                .await
                .map_err(|_| Error::InvalidTicket)?;
            (session, actor)
        };
        let end_of_life = session.created_at + self.config.session_max_age;
        if session.expires_at <= now || end_of_life <= now {
            let mut tx = self.store.write().await?;
            tx.delete_session(&hash).await?;
            tx.commit().await?;
            return Err(Error::InvalidTicket);
        }
        // Extend once a minute at most, so a busy client does not write on every call.
        let expires_at = (now + self.config.session_ttl).min(end_of_life);
        if expires_at - session.expires_at > Duration::minutes(1) {
            let mut tx = self.store.write().await?;
            tx.extend_session(&hash, expires_at).await?;
            tx.commit().await?;
        }
        Ok(actor)
    }

    pub async fn logout(&self, ticket: &str) -> Result<()> {
        let mut tx = self.store.write().await?;
        tx.delete_session(&auth::ticket_hash(ticket)).await?;
        tx.commit().await
    }

    // --- the tree -------------------------------------------------------------------------

    pub async fn create_library(&self, actor: &Actor, name: &str) -> Result<Node> {
        require_admin(actor)?;
        let mut tx = self.store.write().await?;
        let node = self
            .insert_child(tx.as_mut(), actor, None, NodeKind::Library, name)
            .await?;
        tx.commit().await?;
        Ok(node)
    }

    pub async fn create_folder(&self, actor: &Actor, parent: NodeId, name: &str) -> Result<Node> {
        let mut tx = self.store.write().await?;
        let parent = live_node(tx.as_mut(), actor, parent).await?;
        let node = self
            .insert_child(tx.as_mut(), actor, Some(&parent), NodeKind::Folder, name)
            .await?;
        tx.commit().await?;
        Ok(node)
    }

    /// Resolves `/Library/a/b`, creating every missing folder (and the library) on the way.
    pub async fn ensure_folder_path(&self, actor: &Actor, path: &str) -> Result<Node> {
        let mut tx = self.store.write().await?;
        let node = self.ensure_path(tx.as_mut(), actor, &split_path(path)?).await?;
        tx.commit().await?;
        Ok(node)
    }

    pub(crate) async fn ensure_path(&self, tx: &mut dyn StoreTx, actor: &Actor, names: &[String]) -> Result<Node> {
        let mut parent: Option<Node> = None;
        for segment in names {
            let existing = tx
                .unmarked_child(actor.tenant_id, parent.as_ref().map(|p| p.id), &name::key(segment))
                .await?;
            // An existing item the caller may not see is a clash like any other, never a
            // way into it.
            let next = match existing {
                Some(n) if n.kind.is_container() && right_on(tx, actor, &n).await?.can_list() => n,
                Some(_) => return Err(Error::NameConflict(segment.clone())),
                None => {
                    let kind = if parent.is_none() {
                        NodeKind::Library
                    } else {
                        NodeKind::Folder
                    };
                    if kind == NodeKind::Library {
                        require_admin(actor)?;
                    }
                    self.insert_child(tx, actor, parent.as_ref(), kind, segment).await?
                }
            };
            parent = Some(next);
        }
        parent.ok_or_else(|| Error::InvalidInput("a folder path needs at least a library name".into()))
    }

    /// Inserts a new child after checking the name, the caller's right and name clashes.
    pub(crate) async fn insert_child(
        &self,
        tx: &mut dyn StoreTx,
        actor: &Actor,
        parent: Option<&Node>,
        kind: NodeKind,
        name: &str,
    ) -> Result<Node> {
        let name = name::normalize(name)?;
        if let Some(parent) = parent {
            if !parent.kind.is_container() {
                return Err(Error::InvalidTarget(format!(
                    "{:?} is a document, not a folder",
                    parent.name
                )));
            }
            if !right_on(tx, actor, parent).await?.can_add() {
                return Err(Error::PermissionDenied(format!(
                    "you may not add items to {:?}",
                    parent.name
                )));
            }
        }
        self.check_name_free(tx, actor.tenant_id, parent.map(|p| p.id), &name)
            .await?;
        let now = self.clock.now();
        tx.insert_node(&NewNode {
            tenant_id: actor.tenant_id,
            parent_id: parent.map(|p| p.id),
            kind,
            name,
            created_by: actor.user_id,
            created_at: now,
        })
        .await
    }

    /// A new or moved item may not take a live sibling's name, nor (when the tenant reserves
    /// them) the name of a sibling waiting in the trash.
    pub(crate) async fn check_name_free(
        &self,
        tx: &mut dyn StoreTx,
        tenant: TenantId,
        parent: Option<NodeId>,
        name: &str,
    ) -> Result<()> {
        let key = name::key(name);
        if tx.unmarked_child(tenant, parent, &key).await?.is_some() {
            return Err(Error::NameConflict(name.to_owned()));
        }
        let reserved = tx.tenant(tenant).await?.is_some_and(|t| t.settings.names_reserved);
        if reserved && tx.marked_child_exists(tenant, parent, &key).await? {
            return Err(Error::NameConflict(name.to_owned()));
        }
        Ok(())
    }

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

    /// Resolves a path by names (`/Library/folder/doc.pdf`) among live items.
    pub async fn resolve(&self, actor: &Actor, path: &str) -> Result<Node> {
        let names = split_path(path)?;
        let mut tx = self.store.read().await?;
        let mut current: Option<Node> = None;
        for segment in &names {
            let child = tx
                .unmarked_child(actor.tenant_id, current.as_ref().map(|n| n.id), &name::key(segment))
                .await?;
            current = Some(child.ok_or_else(|| Error::not_found(format!("path {path:?}")))?);
        }
        let node = current.ok_or_else(|| Error::not_found("path \"/\""))?;
        if !right_on(tx.as_mut(), actor, &node).await?.can_list() {
            return Err(Error::not_found(format!("path {path:?}")));
        }
        Ok(node)
    }

    /// A live item by id, if the caller may at least list it; otherwise "not found", exactly as
    /// for an unknown id.
    pub async fn node(&self, actor: &Actor, id: NodeId) -> Result<Node> {
        live_node(self.store.read().await?.as_mut(), actor, id).await
    }

    /// The path by names of a live node, e.g. `/Finance/Reports/q1.pdf`.
    pub async fn path_of(&self, actor: &Actor, node: &Node) -> Result<String> {
        let mut tx = self.store.read().await?;
        name_path(tx.as_mut(), actor.tenant_id, node).await
    }

    /// Live children of a folder (`None`: the libraries), by name, keyset-paginated on the name.
    pub async fn children(
        &self,
        actor: &Actor,
        parent: Option<NodeId>,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Page<Node, String>> {
        let after = after.map(ChildSort::after_name);
        let page = self
            .children_sorted(actor, parent, ChildSort::NAME, after.as_ref(), limit)
            .await?;
        Ok(Page {
            items: page.items,
            // A cursor of the name order holds the name key.
            next: page.next.and_then(|c| match c.key() {
                SortKey::Text(key) => Some(key.clone()),
                _ => None,
            }),
        })
    }

    /// The items of a folder (`None`: the libraries) the caller may list, in the order `sort`,
    /// after `after` (a cursor from an earlier page in the same order).
    pub async fn children_sorted(
        &self,
        actor: &Actor,
        parent: Option<NodeId>,
        sort: ChildSort,
        after: Option<&ChildCursor>,
        limit: u32,
    ) -> Result<Page<Node, ChildCursor>> {
        check_order(sort, after.map(ChildCursor::sort), ChildSort::as_str)?;
        let mut tx = self.store.read().await?;
        if let Some(parent) = parent {
            live_node(tx.as_mut(), actor, parent).await?;
        }
        let limit = limit.clamp(1, 10_000);
        let mut items = tx
            .unmarked_children(actor.tenant_id, parent, sort, after, limit + 1)
            .await?;
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|n| sort.cursor_after(n))
        } else {
            None
        };
        // The cursor comes from what was read, so a page thinned by access lists still leads on.
        let scopes = Scopes::read(tx.as_mut(), actor).await?;
        items.retain(|n| scopes.can_see(n));
        Ok(Page { items, next })
    }

    /// Whether a document of the tenant other than `except`, live or in the trash, has `stem`
    /// as its name without the extension (in any case). For faces whose asset names are unique
    /// per tenant, not per folder. It answers only yes or no: the clashing document may be one
    /// the caller may not see, and nothing of it is given away.
    pub async fn document_stem_taken(&self, actor: &Actor, stem: &str, except: Option<NodeId>) -> Result<bool> {
        let key = name::key(stem);
        let mut tx = self.store.read().await?;
        let found = tx.documents_named(actor.tenant_id, &key, 1000).await?;
        Ok(found
            .iter()
            .any(|n| Some(n.id) != except && name::key(name::stem(&n.name)) == key))
    }

    /// Every live item below `root` the caller may see, in path order (at most `limit` are
    /// considered, before those hidden by access lists are left out).
    pub async fn descendants(&self, actor: &Actor, root: NodeId, limit: u32) -> Result<Vec<Node>> {
        let mut tx = self.store.read().await?;
        let root = live_node(tx.as_mut(), actor, root).await?;
        let mut nodes = tx.unmarked_below(actor.tenant_id, &root, limit).await?;
        let scopes = Scopes::read(tx.as_mut(), actor).await?;
        nodes.retain(|n| scopes.can_see(n));
        Ok(nodes)
    }

    pub async fn rename(&self, actor: &Actor, id: NodeId, new_name: &str) -> Result<Node> {
        self.update_node(actor, id, Some(new_name), None).await
    }

    pub async fn move_node(&self, actor: &Actor, id: NodeId, new_parent: NodeId) -> Result<Node> {
        self.update_node(actor, id, None, Some(new_parent)).await
    }

    /// Renames and/or moves an item in one transaction, so that both happen or neither, and the
    /// name is checked in the folder the item ends up in under the name it ends up with.
    pub async fn update_node(
        &self,
        actor: &Actor,
        id: NodeId,
        new_name: Option<&str>,
        new_parent: Option<NodeId>,
    ) -> Result<Node> {
        let new_name = new_name.map(name::normalize).transpose()?;
        let new_name = new_name.as_deref();
        let mut tx = self.store.write().await?;
        let node = live_node(tx.as_mut(), actor, id).await?;
        let target = match new_parent {
            Some(parent) => self.move_target(tx.as_mut(), actor, &node, parent).await?,
            None => None,
        };
        if new_name.is_some() {
            if node.kind == NodeKind::Library {
                require_admin(actor)?;
            }
            if !right_on(tx.as_mut(), actor, &node).await?.can_change() {
                return Err(Error::PermissionDenied(format!("you may not rename {:?}", node.name)));
            }
        }
        let final_name = new_name.unwrap_or(&node.name);
        if target.is_some() || name::key(final_name) != name::key(&node.name) {
            let parent = target.as_ref().map_or(node.parent_id, |t| Some(t.id));
            self.check_name_free(tx.as_mut(), actor.tenant_id, parent, final_name)
                .await?;
        }
        let now = self.clock.now();
        match (target, new_name) {
            (Some(target), Some(name)) => {
                // Live sibling names are unique at every statement, and the old name may be
                // taken in the new folder or the new name in the old one: park the item under
                // a name no item can have ('/' is refused in names) while it moves.
                tx.rename_node(node.id, &format!("/{}", node.id), now).await?;
                tx.move_subtree(&node, Some(&target), node.kind, now).await?;
                tx.rename_node(node.id, name, now).await?;
            }
            (Some(target), None) => tx.move_subtree(&node, Some(&target), node.kind, now).await?,
            (None, Some(name)) => tx.rename_node(node.id, name, now).await?,
            (None, None) => {}
        }
        let node = tx
            .node(actor.tenant_id, id)
            .await?
            .ok_or_else(|| Error::not_found("item"))?;
        tx.commit().await?;
        Ok(node)
    }

    /// The live folder `parent` that `node` may move into, or `None` when it is already there.
    async fn move_target(
        &self,
        tx: &mut dyn StoreTx,
        actor: &Actor,
        node: &Node,
        parent: NodeId,
    ) -> Result<Option<Node>> {
        let target = live_node(tx, actor, parent).await?;
        if node.kind == NodeKind::Library {
            return Err(Error::InvalidTarget("a library cannot be moved into a folder".into()));
        }
        check_container_outside(&target, node)?;
        if !right_on(tx, actor, node).await?.can_change() {
            return Err(Error::PermissionDenied(format!("you may not move {:?}", node.name)));
        }
        if !right_on(tx, actor, &target).await?.can_add() {
            return Err(Error::PermissionDenied(format!(
                "you may not add items to {:?}",
                target.name
            )));
        }
        Ok((node.parent_id != Some(target.id)).then_some(target))
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

    /// The caller's effective right on an item. An item the caller may not even list is not
    /// found, as everywhere else.
    pub async fn right_on(&self, actor: &Actor, id: NodeId) -> Result<Right> {
        let mut tx = self.store.read().await?;
        let node = live_node(tx.as_mut(), actor, id).await?;
        right_on(tx.as_mut(), actor, &node).await
    }

    /// A folder's effective access list and whether it is inherited.
    pub async fn access_list(&self, actor: &Actor, id: NodeId) -> Result<(bool, Vec<AclEntry>)> {
        let mut tx = self.store.read().await?;
        let node = live_node(tx.as_mut(), actor, id).await?;
        let ids = crate::model::path_ids(&node.path);
        let entries = tx
            .nearest_access_list(actor.tenant_id, &ids)
            .await?
            .map(|(_, e)| e)
            .unwrap_or_default();
        Ok((node.acl_inherited, entries))
    }

    /// Sets a folder's own access list (or, with `inherit`, drops it). With `apply_to_tree` every
    /// folder below drops its own list and inherits this one.
    pub async fn set_access_list(
        &self,
        actor: &Actor,
        id: NodeId,
        inherit: bool,
        entries: &[AclEntry],
        apply_to_tree: bool,
    ) -> Result<()> {
        let mut tx = self.store.write().await?;
        let node = live_node(tx.as_mut(), actor, id).await?;
        if !node.kind.is_container() {
            return Err(Error::InvalidTarget(
                "access lists are set on libraries and folders".into(),
            ));
        }
        if !right_on(tx.as_mut(), actor, &node).await?.can_manage_access() {
            return Err(Error::PermissionDenied(format!(
                "you may not change the security of {:?}",
                node.name
            )));
        }
        tx.set_access_list(node.id, inherit, entries).await?;
        if apply_to_tree {
            tx.inherit_below(&node).await?;
        }
        tx.commit().await
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

// --- helpers shared by the service modules --------------------------------------------------

pub(crate) fn require_admin(actor: &Actor) -> Result<()> {
    if actor.is_admin {
        Ok(())
    } else {
        Err(Error::PermissionDenied("only an administrator may do this".into()))
    }
}

/// Builds an actor from a user's membership and groups in a tenant.
pub(crate) async fn actor_in(tx: &mut dyn StoreTx, user: &User, tenant: TenantId) -> Result<Actor> {
    if !user.enabled {
        return Err(Error::PermissionDenied("this account is disabled".into()));
    }
    let membership = tx.membership(user.id, tenant).await?;
    let role = match membership {
        Some(m) => m.role,
        None if user.is_system_admin => Role::IpsAdmin,
        None => {
            return Err(Error::PermissionDenied(
                "the user is not a member of this tenant".into(),
            ))
        }
    };
    let groups = tx.user_groups(tenant, user.id).await?;
    let in_admin_group = groups.iter().any(|g| g.builtin && g.name == ADMINISTRATORS_GROUP);
    Ok(Actor {
        user_id: user.id,
        username: user.username.clone(),
        tenant_id: tenant,
        role,
        groups: groups.iter().map(|g| g.id).collect(),
        is_admin: user.is_system_admin || in_admin_group || role.administers_tenant(),
    })
}

async fn tenant_members(tx: &mut dyn StoreTx, tenant: TenantId) -> Result<Vec<User>> {
    let members: Vec<UserId> = tx
        .memberships_of_tenant(tenant)
        .await?
        .iter()
        .map(|m| m.user_id)
        .collect();
    Ok(tx
        .users()
        .await?
        .into_iter()
        .filter(|u| members.contains(&u.id))
        .collect())
}

async fn ensure_admin_group(tx: &mut dyn StoreTx, tenant: TenantId) -> Result<Group> {
    match tx.group_by_name(tenant, ADMINISTRATORS_GROUP).await? {
        Some(g) => Ok(g),
        None => tx.insert_group(tenant, ADMINISTRATORS_GROUP, true).await,
    }
}

/// Splits `/Library/a/b` (or `\Library\a\b`, as infoRouter clients write it) into names, each
/// checked and in NFC (`name::normalize`). Every face that reads a path splits it here.
pub fn split_path(path: &str) -> Result<Vec<String>> {
    path.split(['/', '\\'])
        .filter(|s| !s.is_empty())
        .map(name::normalize)
        .collect()
}

pub(crate) async fn name_path(tx: &mut dyn StoreTx, tenant: TenantId, node: &Node) -> Result<String> {
    let names = tx.names_of(tenant, &crate::model::path_ids(&node.path)).await?;
    Ok(format!("/{}", names.join("/")))
}

async fn library_of(tx: &mut dyn StoreTx, node: &Node) -> Result<Node> {
    let lib = crate::model::path_ids(&node.path)[0];
    tx.node(node.tenant_id, lib)
        .await?
        .ok_or_else(|| Error::not_found("library"))
}

/// Refuses to put `node` inside itself or its own subtree, or into a document.
pub(crate) fn check_container_outside(target: &Node, node: &Node) -> Result<()> {
    if !target.kind.is_container() {
        return Err(Error::InvalidTarget(format!(
            "{:?} is a document, not a folder",
            target.name
        )));
    }
    if target.path.starts_with(&node.path) {
        return Err(Error::InvalidTarget("an item cannot be put inside itself".into()));
    }
    Ok(())
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
