//! Tenants, users, memberships and groups.

use super::SqlTx;
use crate::rows::{self, ms};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use salvage_core::model::*;
use salvage_core::name;
use salvage_core::store::AccountsTx;
use salvage_core::Result;

#[async_trait]
impl AccountsTx for SqlTx {
    async fn insert_tenant(&mut self, name: &str, s: TrashSettings, now: DateTime<Utc>) -> Result<Tenant> {
        let sql = self
            .sql(
                "INSERT INTO tenants (name, user_bin_days, system_bin_days, names_reserved, restore_policy, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
            )
            .arg(name)
            .arg(i64::from(s.user_bin_days))
            .arg(i64::from(s.system_bin_days))
            .arg(s.names_reserved)
            .arg(s.restore_policy.as_str())
            .arg(ms(now));
        rows::tenant(&self.one(sql).await?)
    }

    async fn tenant(&mut self, id: TenantId) -> Result<Option<Tenant>> {
        let sql = self.sql("SELECT * FROM tenants WHERE id = $1").arg(id);
        self.row(sql).await?.as_ref().map(rows::tenant).transpose()
    }

    async fn tenant_by_name(&mut self, name: &str) -> Result<Option<Tenant>> {
        let sql = self.sql("SELECT * FROM tenants WHERE name = $1").arg(name);
        self.row(sql).await?.as_ref().map(rows::tenant).transpose()
    }

    async fn tenants(&mut self) -> Result<Vec<Tenant>> {
        let sql = self.sql("SELECT * FROM tenants ORDER BY id");
        self.rows(sql).await?.iter().map(rows::tenant).collect()
    }

    async fn update_tenant_settings(&mut self, id: TenantId, s: TrashSettings) -> Result<()> {
        let sql = self
            .sql(
                "UPDATE tenants SET user_bin_days = $1, system_bin_days = $2, names_reserved = $3, restore_policy = $4 \
                 WHERE id = $5",
            )
            .arg(i64::from(s.user_bin_days))
            .arg(i64::from(s.system_bin_days))
            .arg(s.names_reserved)
            .arg(s.restore_policy.as_str())
            .arg(id);
        self.run(sql).await.map(drop)
    }

    async fn insert_user(&mut self, u: &NewUser, password_hash: &str, now: DateTime<Utc>) -> Result<User> {
        let sql = self
            .sql(
                "INSERT INTO users (username, username_key, email, email_key, first_name, last_name, password_hash, \
                 enabled, is_system_admin, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $9) RETURNING *",
            )
            .arg(&u.username)
            .arg(name::key(&u.username))
            .arg(&u.email)
            .arg(name::key(&u.email))
            .arg(&u.first_name)
            .arg(&u.last_name)
            .arg(password_hash)
            .arg(u.is_system_admin)
            .arg(ms(now));
        Ok(rows::user(&self.one(sql).await?))
    }

    async fn user(&mut self, id: UserId) -> Result<Option<User>> {
        let sql = self.sql("SELECT * FROM users WHERE id = $1").arg(id);
        Ok(self.row(sql).await?.as_ref().map(rows::user))
    }

    async fn user_by_login(&mut self, login: &str) -> Result<Option<User>> {
        let sql = self
            .sql(
                "SELECT * FROM users WHERE username_key = $1 OR (email_key = $1 AND email_key <> '') \
                 ORDER BY username_key = $1 DESC LIMIT 1",
            )
            .arg(name::key(login.trim()));
        Ok(self.row(sql).await?.as_ref().map(rows::user))
    }

    async fn users(&mut self) -> Result<Vec<User>> {
        let sql = self.sql("SELECT * FROM users ORDER BY id");
        Ok(self.rows(sql).await?.iter().map(rows::user).collect())
    }

    async fn set_password_hash(&mut self, id: UserId, hash: &str) -> Result<()> {
        let sql = self
            .sql("UPDATE users SET password_hash = $1 WHERE id = $2")
            .arg(hash)
            .arg(id);
        self.run(sql).await.map(drop)
    }

    async fn upsert_membership(&mut self, m: &Membership) -> Result<()> {
        let sql = self
            .sql(
                "INSERT INTO memberships (user_id, tenant_id, role) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, tenant_id) DO UPDATE SET role = excluded.role",
            )
            .arg(m.user_id)
            .arg(m.tenant_id)
            .arg(m.role.as_str());
        self.run(sql).await.map(drop)
    }

    async fn membership(&mut self, user: UserId, tenant: TenantId) -> Result<Option<Membership>> {
        let sql = self
            .sql("SELECT * FROM memberships WHERE user_id = $1 AND tenant_id = $2")
            .arg(user)
            .arg(tenant);
        self.row(sql).await?.as_ref().map(rows::membership).transpose()
    }

    async fn memberships_of_tenant(&mut self, tenant: TenantId) -> Result<Vec<Membership>> {
        let sql = self.sql("SELECT * FROM memberships WHERE tenant_id = $1").arg(tenant);
        self.rows(sql).await?.iter().map(rows::membership).collect()
    }

    async fn insert_group(&mut self, tenant: TenantId, name: &str, builtin: bool) -> Result<Group> {
        let sql = self
            .sql("INSERT INTO groups (tenant_id, name, name_key, builtin) VALUES ($1, $2, $3, $4) RETURNING *")
            .arg(tenant)
            .arg(name)
            .arg(name::key(name))
            .arg(builtin);
        Ok(rows::group(&self.one(sql).await?))
    }

    async fn group_by_name(&mut self, tenant: TenantId, name: &str) -> Result<Option<Group>> {
        let sql = self
            .sql("SELECT * FROM groups WHERE tenant_id = $1 AND name_key = $2")
            .arg(tenant)
            .arg(name::key(name));
        Ok(self.row(sql).await?.as_ref().map(rows::group))
    }

    async fn groups(&mut self, tenant: TenantId) -> Result<Vec<Group>> {
        let sql = self
            .sql("SELECT * FROM groups WHERE tenant_id = $1 ORDER BY name_key")
            .arg(tenant);
        Ok(self.rows(sql).await?.iter().map(rows::group).collect())
    }

    async fn add_group_member(&mut self, group: GroupId, user: UserId) -> Result<()> {
        let sql = self
            .sql("INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .arg(group)
            .arg(user);
        self.run(sql).await.map(drop)
    }

    async fn user_groups(&mut self, tenant: TenantId, user: UserId) -> Result<Vec<Group>> {
        let sql = self
            .sql(
                "SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id \
                 WHERE g.tenant_id = $1 AND m.user_id = $2",
            )
            .arg(tenant)
            .arg(user);
        Ok(self.rows(sql).await?.iter().map(rows::group).collect())
    }
}
