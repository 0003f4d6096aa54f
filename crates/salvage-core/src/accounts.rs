//! Tenants, users, memberships and groups: setting the house up and administering it.

use crate::access::require_admin;
use crate::auth;
use crate::error::{Error, Result};
use crate::model::*;
use crate::name;
use crate::repository::Repository;
use crate::store::StoreTx;

pub const DEFAULT_TENANT: &str = "default";
pub const DEFAULT_ADMIN: &str = "admin";
/// What `init` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InitReport {
    pub tenant_created: bool,
    pub admin_created: bool,
    /// Set only when the administrator was created with a generated password.
    pub generated_password: Option<String>,
}

impl Repository {
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
