//! `StoreTx` on PostgreSQL: the statements of the SQLite backend in PostgreSQL's dialect.
//! Subtree work is a handful of statements over an index range of the materialized path,
//! whatever the subtree's size. Writers hold the writer lock (see the module above), so the
//! read-then-write sequences the core drives never interleave.

use crate::counters;
use crate::query::{
    self, id_list, outside_hidden, push_children_listing, push_outside, push_trash_filter, push_trash_listing,
    storage_error, subtree_end, topmost, NameSearch,
};
use crate::rows::{self, ms, time, NODE_COLUMNS, RECORD_COLUMNS};
use crate::sets;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use salvage_core::acl::AclEntry;
use salvage_core::model::*;
use salvage_core::name;
use salvage_core::store::*;
use salvage_core::throttle::{CounterKey, LoginCounter};
use salvage_core::{Error, Result};
use sqlx::{Postgres, QueryBuilder, Row, Transaction};

/// The parent expression of the children indexes, as the listing queries must spell it.
pub(crate) const PARENT_KEY: &str = "coalesce(parent_id, 0)";

pub(crate) struct PgTx {
    tx: Transaction<'static, Postgres>,
}

impl PgTx {
    pub(crate) fn new(tx: Transaction<'static, Postgres>) -> Self {
        PgTx { tx }
    }

    async fn exec(&mut self, sql: &str) -> Result<()> {
        sqlx::query(sql).execute(&mut *self.tx).await.map_err(storage_error)?;
        Ok(())
    }

    /// Marked nodes strictly inside `root`'s subtree, topmost only (a marked node below
    /// another one is already excluded with it). Uses the partial index on marked paths, so it
    /// costs the number of marked nodes inside, not the size of the subtree.
    async fn topmost_marked_inside(&mut self, root: &Node) -> Result<Vec<Node>> {
        let rows = sqlx::query(&format!(
            "SELECT {NODE_COLUMNS} FROM nodes WHERE path > $1 AND path < $2 AND trash_record_id IS NOT NULL ORDER BY path"
        ))
        .bind(&root.path)
        .bind(subtree_end(&root.path))
        .fetch_all(&mut *self.tx)
        .await
        .map_err(storage_error)?;
        let marked = rows.iter().map(rows::node).collect::<Result<Vec<_>>>()?;
        Ok(topmost(marked))
    }

    async fn range_stats(&mut self, path: &str) -> Result<SubtreeStats> {
        let row = sqlx::query(
            "SELECT count(*) AS n, coalesce(sum(size), 0)::bigint AS bytes FROM nodes WHERE path >= $1 AND path < $2",
        )
        .bind(path)
        .bind(subtree_end(path))
        .fetch_one(&mut *self.tx)
        .await
        .map_err(storage_error)?;
        Ok(SubtreeStats {
            item_count: row.get("n"),
            total_size: row.get("bytes"),
        })
    }

    /// Re-roots a subtree at `new_prefix` (one statement over the path range).
    async fn rewrite_paths(&mut self, old_prefix: &str, new_prefix: &str, depth_delta: i64) -> Result<()> {
        sqlx::query("UPDATE nodes SET path = $1 || substr(path, $2::integer), depth = depth + $3 WHERE path >= $4 AND path < $5")
            .bind(new_prefix)
            .bind(old_prefix.len() as i64 + 1)
            .bind(depth_delta)
            .bind(old_prefix)
            .bind(subtree_end(old_prefix))
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn fetch_nodes(&mut self, sql: &str, binds: &[i64]) -> Result<Vec<Node>> {
        let mut q = sqlx::query(sql);
        for b in binds {
            q = q.bind(*b);
        }
        let rows = q.fetch_all(&mut *self.tx).await.map_err(storage_error)?;
        rows.iter().map(rows::node).collect()
    }
}

#[async_trait]
impl StoreTx for PgTx {
    async fn commit(self: Box<Self>) -> Result<()> {
        self.tx.commit().await.map_err(storage_error)
    }

    async fn rollback(self: Box<Self>) -> Result<()> {
        self.tx.rollback().await.map_err(storage_error)
    }

    async fn savepoint(&mut self) -> Result<()> {
        self.exec("SAVEPOINT item").await
    }

    async fn release_savepoint(&mut self) -> Result<()> {
        self.exec("RELEASE item").await
    }

    async fn rollback_to_savepoint(&mut self) -> Result<()> {
        self.exec("ROLLBACK TO item").await?;
        self.exec("RELEASE item").await
    }

    // --- tenants, users, groups, sessions -------------------------------------------------

    async fn insert_tenant(&mut self, name: &str, s: TrashSettings, now: DateTime<Utc>) -> Result<Tenant> {
        let row = sqlx::query("INSERT INTO tenants (name, user_bin_days, system_bin_days, names_reserved, restore_policy, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *")
            .bind(name)
            .bind(s.user_bin_days as i64)
            .bind(s.system_bin_days as i64)
            .bind(s.names_reserved)
            .bind(s.restore_policy.as_str())
            .bind(ms(now))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        rows::tenant(&row)
    }

    async fn tenant(&mut self, id: TenantId) -> Result<Option<Tenant>> {
        let row = sqlx::query("SELECT * FROM tenants WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        row.as_ref().map(rows::tenant).transpose()
    }

    async fn tenant_by_name(&mut self, name: &str) -> Result<Option<Tenant>> {
        let row = sqlx::query("SELECT * FROM tenants WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        row.as_ref().map(rows::tenant).transpose()
    }

    async fn tenants(&mut self) -> Result<Vec<Tenant>> {
        let rows = sqlx::query("SELECT * FROM tenants ORDER BY id")
            .fetch_all(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        rows.iter().map(rows::tenant).collect()
    }

    async fn update_tenant_settings(&mut self, id: TenantId, s: TrashSettings) -> Result<()> {
        sqlx::query("UPDATE tenants SET user_bin_days = $1, system_bin_days = $2, names_reserved = $3, restore_policy = $4 WHERE id = $5")
            .bind(s.user_bin_days as i64)
            .bind(s.system_bin_days as i64)
            .bind(s.names_reserved)
            .bind(s.restore_policy.as_str())
            .bind(id)
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn insert_user(&mut self, u: &NewUser, password_hash: &str, now: DateTime<Utc>) -> Result<User> {
        let row = sqlx::query("INSERT INTO users (username, username_key, email, email_key, first_name, last_name, password_hash, enabled, is_system_admin, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $9) RETURNING *")
            .bind(&u.username)
            .bind(name::key(&u.username))
            .bind(&u.email)
            .bind(name::key(&u.email))
            .bind(&u.first_name)
            .bind(&u.last_name)
            .bind(password_hash)
            .bind(u.is_system_admin)
            .bind(ms(now))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(rows::user(&row))
    }

    async fn user(&mut self, id: UserId) -> Result<Option<User>> {
        let row = sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(row.as_ref().map(rows::user))
    }

    async fn user_by_login(&mut self, login: &str) -> Result<Option<User>> {
        let key = name::key(login.trim());
        let row = sqlx::query("SELECT * FROM users WHERE username_key = $1 OR (email_key = $1 AND email_key <> '') ORDER BY username_key = $1 DESC LIMIT 1")
            .bind(key)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(row.as_ref().map(rows::user))
    }

    async fn users(&mut self) -> Result<Vec<User>> {
        let rows = sqlx::query("SELECT * FROM users ORDER BY id")
            .fetch_all(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(rows.iter().map(rows::user).collect())
    }

    async fn set_password_hash(&mut self, id: UserId, hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id)
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn upsert_membership(&mut self, m: &Membership) -> Result<()> {
        sqlx::query("INSERT INTO memberships (user_id, tenant_id, role) VALUES ($1, $2, $3) ON CONFLICT (user_id, tenant_id) DO UPDATE SET role = excluded.role")
            .bind(m.user_id)
            .bind(m.tenant_id)
            .bind(m.role.as_str())
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn membership(&mut self, user: UserId, tenant: TenantId) -> Result<Option<Membership>> {
        let row = sqlx::query("SELECT * FROM memberships WHERE user_id = $1 AND tenant_id = $2")
            .bind(user)
            .bind(tenant)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        row.as_ref().map(rows::membership).transpose()
    }

    async fn memberships_of_tenant(&mut self, tenant: TenantId) -> Result<Vec<Membership>> {
        let rows = sqlx::query("SELECT * FROM memberships WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        rows.iter().map(rows::membership).collect()
    }

    async fn insert_group(&mut self, tenant: TenantId, name: &str, builtin: bool) -> Result<Group> {
        let row =
            sqlx::query("INSERT INTO groups (tenant_id, name, name_key, builtin) VALUES ($1, $2, $3, $4) RETURNING *")
                .bind(tenant)
                .bind(name)
                .bind(name::key(name))
                .bind(builtin)
                .fetch_one(&mut *self.tx)
                .await
                .map_err(storage_error)?;
        Ok(rows::group(&row))
    }

    async fn group_by_name(&mut self, tenant: TenantId, name: &str) -> Result<Option<Group>> {
        let row = sqlx::query("SELECT * FROM groups WHERE tenant_id = $1 AND name_key = $2")
            .bind(tenant)
            .bind(name::key(name))
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(row.as_ref().map(rows::group))
    }

    async fn groups(&mut self, tenant: TenantId) -> Result<Vec<Group>> {
        let rows = sqlx::query("SELECT * FROM groups WHERE tenant_id = $1 ORDER BY name_key")
            .bind(tenant)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(rows.iter().map(rows::group).collect())
    }

    async fn add_group_member(&mut self, group: GroupId, user: UserId) -> Result<()> {
        sqlx::query("INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(group)
            .bind(user)
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn user_groups(&mut self, tenant: TenantId, user: UserId) -> Result<Vec<Group>> {
        let rows = sqlx::query("SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id WHERE g.tenant_id = $1 AND m.user_id = $2")
            .bind(tenant)
            .bind(user)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(rows.iter().map(rows::group).collect())
    }

    async fn insert_session(&mut self, ticket_hash: &str, s: &Session) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (ticket_hash, user_id, tenant_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(ticket_hash)
        .bind(s.user_id)
        .bind(s.tenant_id)
        .bind(ms(s.created_at))
        .bind(ms(s.expires_at))
        .execute(&mut *self.tx)
        .await
        .map_err(storage_error)?;
        Ok(())
    }

    async fn session(&mut self, ticket_hash: &str) -> Result<Option<Session>> {
        let row = sqlx::query("SELECT * FROM sessions WHERE ticket_hash = $1")
            .bind(ticket_hash)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(row.map(|r| Session {
            user_id: r.get("user_id"),
            tenant_id: r.get("tenant_id"),
            created_at: time(r.get("created_at")),
            expires_at: time(r.get("expires_at")),
        }))
    }

    async fn extend_session(&mut self, ticket_hash: &str, expires_at: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE sessions SET expires_at = $1 WHERE ticket_hash = $2")
            .bind(ms(expires_at))
            .bind(ticket_hash)
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn delete_session(&mut self, ticket_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE ticket_hash = $1")
            .bind(ticket_hash)
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn delete_expired_sessions(&mut self, now: DateTime<Utc>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(ms(now))
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(done.rows_affected())
    }

    // --- the login throttle's counters ----------------------------------------------------

    async fn login_counters(&mut self, keys: &[CounterKey]) -> Result<Vec<LoginCounter>> {
        let rows = counters::select(keys)
            .build()
            .fetch_all(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(rows.iter().map(counters::counter).collect())
    }

    async fn put_login_counters(&mut self, new: &[LoginCounter]) -> Result<()> {
        if new.is_empty() {
            return Ok(());
        }
        counters::upsert(new)
            .build()
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn delete_login_counter(&mut self, key: &CounterKey) -> Result<()> {
        counters::delete(key)
            .build()
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn delete_expired_login_counters(&mut self, now: DateTime<Utc>) -> Result<u64> {
        let done = counters::delete_expired(now)
            .build()
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(done.rows_affected())
    }

    async fn delete_soonest_login_counters(&mut self, n: u64) -> Result<u64> {
        let done = counters::delete_soonest(n)
            .build()
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(done.rows_affected())
    }

    async fn count_login_counters(&mut self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar(counters::COUNT)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(n as u64)
    }

    // --- the tree -------------------------------------------------------------------------

    async fn insert_node(&mut self, n: &NewNode) -> Result<Node> {
        let (parent_path, depth) = match n.parent_id {
            Some(p) => {
                let row = sqlx::query("SELECT path, depth FROM nodes WHERE id = $1")
                    .bind(p)
                    .fetch_optional(&mut *self.tx)
                    .await
                    .map_err(storage_error)?;
                let row = row.ok_or_else(|| Error::not_found("parent folder"))?;
                (row.get::<String, _>("path"), row.get::<i64, _>("depth") + 1)
            }
            None => ("/".to_owned(), 0),
        };
        // The id comes from the counter row (never reused, rolled back with the transaction);
        // the path ends with it.
        let row = sqlx::query(&format!(
            "WITH next AS (UPDATE id_counters SET last_id = last_id + 1 WHERE name = 'nodes' RETURNING last_id) \
             INSERT INTO nodes (id, tenant_id, parent_id, kind, name, name_key, path, depth, created_by, created_at, modified_at) \
             SELECT last_id, $1, $2, $3, $4, $5, $6 || last_id || '/', $7, $8, $9, $9 FROM next RETURNING {NODE_COLUMNS}"
        ))
        .bind(n.tenant_id)
        .bind(n.parent_id)
        .bind(n.kind.as_str())
        .bind(&n.name)
        .bind(name::key(&n.name))
        .bind(parent_path)
        .bind(depth)
        .bind(n.created_by)
        .bind(ms(n.created_at))
        .fetch_one(&mut *self.tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(db) if db.is_unique_violation() => Error::NameConflict(n.name.clone()),
            e => storage_error(e),
        })?;
        rows::node(&row)
    }

    async fn node(&mut self, tenant: TenantId, id: NodeId) -> Result<Option<Node>> {
        let row = sqlx::query(&format!(
            "SELECT {NODE_COLUMNS} FROM nodes WHERE id = $1 AND tenant_id = $2"
        ))
        .bind(id)
        .bind(tenant)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(storage_error)?;
        row.as_ref().map(rows::node).transpose()
    }

    async fn unmarked_child(
        &mut self,
        tenant: TenantId,
        parent: Option<NodeId>,
        name_key: &str,
    ) -> Result<Option<Node>> {
        let row = sqlx::query(&format!(
            "SELECT {NODE_COLUMNS} FROM nodes WHERE tenant_id = $1 AND coalesce(parent_id, 0) = $2 AND name_key = $3 AND trash_record_id IS NULL"
        ))
        .bind(tenant)
        .bind(parent.unwrap_or(0))
        .bind(name_key)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(storage_error)?;
        row.as_ref().map(rows::node).transpose()
    }

    async fn marked_child_exists(&mut self, tenant: TenantId, parent: Option<NodeId>, name_key: &str) -> Result<bool> {
        // `parent_id IS NOT DISTINCT FROM $2` would say the same but no index serves it.
        // At the top level only trashed libraries count: items a purge left without a parent
        // (detached, `parent_id` NULL) were never there and can never come back there.
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1::bigint FROM nodes WHERE tenant_id = $1 AND (parent_id = $2 OR (parent_id IS NULL AND $2 IS NULL)) AND name_key = $3 AND trash_record_id IS NOT NULL AND (parent_id IS NOT NULL OR kind = 'library') LIMIT 1",
        )
        .bind(tenant)
        .bind(parent)
        .bind(name_key)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(storage_error)?;
        Ok(found.is_some())
    }

    async fn unmarked_children(
        &mut self,
        tenant: TenantId,
        parent: Option<NodeId>,
        sort: ChildSort,
        after: Option<&ChildCursor>,
        limit: u32,
    ) -> Result<Vec<Node>> {
        let mut q = QueryBuilder::<Postgres>::new("");
        push_children_listing(&mut q, PARENT_KEY, tenant, parent, sort, after, limit)?;
        let rows = q.build().fetch_all(&mut *self.tx).await.map_err(storage_error)?;
        rows.iter().map(rows::node).collect()
    }

    async fn nearest_marked(&mut self, tenant: TenantId, ids: &[NodeId]) -> Result<Option<Node>> {
        if ids.is_empty() {
            return Ok(None);
        }
        let sql = format!(
            "SELECT {NODE_COLUMNS} FROM nodes WHERE id IN ({}) AND tenant_id = $1 AND trash_record_id IS NOT NULL ORDER BY depth DESC LIMIT 1",
            id_list(ids)
        );
        Ok(self.fetch_nodes(&sql, &[tenant]).await?.into_iter().next())
    }

    async fn names_of(&mut self, tenant: TenantId, ids: &[NodeId]) -> Result<Vec<String>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, name FROM nodes WHERE id IN ({}) AND tenant_id = $1",
            id_list(ids)
        );
        let rows = sqlx::query(&sql)
            .bind(tenant)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        let by_id: std::collections::HashMap<i64, String> = rows.iter().map(|r| (r.get("id"), r.get("name"))).collect();
        ids.iter()
            .map(|id| {
                by_id
                    .get(id)
                    .cloned()
                    .ok_or_else(|| Error::not_found(format!("item {id}")))
            })
            .collect()
    }

    async fn rename_node(&mut self, id: NodeId, new_name: &str, now: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE nodes SET name = $1, name_key = $2, modified_at = $3 WHERE id = $4")
            .bind(new_name)
            .bind(name::key(new_name))
            .bind(ms(now))
            .bind(id)
            .execute(&mut *self.tx)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(db) if db.is_unique_violation() => Error::NameConflict(new_name.to_owned()),
                e => storage_error(e),
            })?;
        Ok(())
    }

    async fn move_subtree(
        &mut self,
        node: &Node,
        new_parent: Option<&Node>,
        kind: NodeKind,
        now: DateTime<Utc>,
    ) -> Result<()> {
        // The top level is depth 0 under the path `/`.
        let (parent_path, parent_depth) = new_parent.map_or(("/", -1), |p| (p.path.as_str(), p.depth));
        let new_prefix = format!("{parent_path}{}/", node.id);
        self.rewrite_paths(&node.path, &new_prefix, parent_depth + 1 - node.depth)
            .await?;
        sqlx::query("UPDATE nodes SET parent_id = $1, kind = $2, modified_at = $3 WHERE id = $4")
            .bind(new_parent.map(|p| p.id))
            .bind(kind.as_str())
            .bind(ms(now))
            .bind(node.id)
            .execute(&mut *self.tx)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(db) if db.is_unique_violation() => Error::NameConflict(node.name.clone()),
                e => storage_error(e),
            })?;
        Ok(())
    }

    async fn documents_named(&mut self, tenant: TenantId, stem_key: &str, limit: u32) -> Result<Vec<Node>> {
        // `name.` .. `name/` is the range of keys that continue with a dot ('/' follows '.').
        let rows = sqlx::query(&format!(
            "SELECT {NODE_COLUMNS} FROM nodes WHERE tenant_id = $1 AND kind = 'document' \
             AND (name_key = $2 OR (name_key >= $3 AND name_key < $4)) ORDER BY id LIMIT $5"
        ))
        .bind(tenant)
        .bind(stem_key)
        .bind(format!("{stem_key}."))
        .bind(format!("{stem_key}/"))
        .bind(limit as i64)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(storage_error)?;
        rows.iter().map(rows::node).collect()
    }

    async fn unmarked_below(&mut self, tenant: TenantId, root: &Node, limit: u32) -> Result<Vec<Node>> {
        let excluded = self.topmost_marked_inside(root).await?;
        let mut q = QueryBuilder::<Postgres>::new(format!("SELECT {NODE_COLUMNS} FROM nodes WHERE tenant_id = "));
        q.push_bind(tenant)
            .push(" AND path > ")
            .push_bind(root.path.clone())
            .push(" AND path < ")
            .push_bind(subtree_end(&root.path));
        push_outside(&mut q, &excluded);
        q.push(" ORDER BY path LIMIT ").push_bind(limit as i64);
        let rows = q.build().fetch_all(&mut *self.tx).await.map_err(storage_error)?;
        rows.iter().map(rows::node).collect()
    }

    // --- documents ------------------------------------------------------------------------

    async fn insert_version(
        &mut self,
        node: NodeId,
        sha256: &str,
        size: i64,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<Version> {
        sqlx::query("INSERT INTO blobs (sha256, size, refcount, zero_since) VALUES ($1, $2, 1, NULL) ON CONFLICT (sha256) DO UPDATE SET refcount = blobs.refcount + 1, zero_since = NULL")
            .bind(sha256)
            .bind(size)
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        let number: i64 = sqlx::query_scalar("UPDATE nodes SET current_version = current_version + 1, size = $1, modified_at = $2 WHERE id = $3 RETURNING current_version")
            .bind(size)
            .bind(ms(now))
            .bind(node)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        let row = sqlx::query("INSERT INTO versions (node_id, number, blob_sha256, size, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *")
            .bind(node)
            .bind(number)
            .bind(sha256)
            .bind(size)
            .bind(by)
            .bind(ms(now))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(rows::version(&row))
    }

    async fn versions(&mut self, node: NodeId) -> Result<Vec<Version>> {
        let rows = sqlx::query("SELECT * FROM versions WHERE node_id = $1 ORDER BY number")
            .bind(node)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(rows.iter().map(rows::version).collect())
    }

    async fn set_published_version(&mut self, node: NodeId, version: i64) -> Result<()> {
        sqlx::query("UPDATE nodes SET published_version = $1 WHERE id = $2")
            .bind(version)
            .bind(node)
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn set_doc_type(&mut self, node: NodeId, doc_type: Option<DocTypeId>) -> Result<()> {
        sqlx::query("UPDATE nodes SET doc_type_id = $1 WHERE id = $2")
            .bind(doc_type)
            .bind(node)
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn set_requires_doc_type(&mut self, library: NodeId, required: bool) -> Result<()> {
        sqlx::query("UPDATE nodes SET requires_doc_type = $1 WHERE id = $2")
            .bind(required)
            .bind(library)
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn insert_doc_type(&mut self, tenant: TenantId, name: &str) -> Result<DocType> {
        let id: i64 = sqlx::query_scalar("INSERT INTO doc_types (tenant_id, name) VALUES ($1, $2) RETURNING id")
            .bind(tenant)
            .bind(name)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(DocType {
            id,
            tenant_id: tenant,
            name: name.to_owned(),
        })
    }

    async fn doc_types(&mut self, tenant: TenantId) -> Result<Vec<DocType>> {
        let rows = sqlx::query("SELECT * FROM doc_types WHERE tenant_id = $1 ORDER BY name")
            .bind(tenant)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(rows
            .iter()
            .map(|r| DocType {
                id: r.get("id"),
                tenant_id: r.get("tenant_id"),
                name: r.get("name"),
            })
            .collect())
    }

    async fn reset_untyped_published(&mut self, subtree: &Node) -> Result<u64> {
        let excluded = self.topmost_marked_inside(subtree).await?;
        let mut q = QueryBuilder::<Postgres>::new("UPDATE nodes SET published_version = 0 WHERE kind = 'document' AND doc_type_id IS NULL AND published_version <> 0 AND path >= ");
        q.push_bind(subtree.path.clone())
            .push(" AND path < ")
            .push_bind(subtree_end(&subtree.path));
        push_outside(&mut q, &excluded);
        let done = q.build().execute(&mut *self.tx).await.map_err(storage_error)?;
        Ok(done.rows_affected())
    }

    // --- access lists ---------------------------------------------------------------------

    async fn nearest_access_list(
        &mut self,
        tenant: TenantId,
        ids: &[NodeId],
    ) -> Result<Option<(NodeId, Vec<AclEntry>)>> {
        if ids.is_empty() {
            return Ok(None);
        }
        let sql = format!(
            "SELECT id FROM nodes WHERE id IN ({}) AND tenant_id = $1 AND NOT acl_inherited ORDER BY depth DESC LIMIT 1",
            id_list(ids)
        );
        let owner: Option<i64> = sqlx::query_scalar(&sql)
            .bind(tenant)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        match owner {
            Some(id) => Ok(Some((id, self.access_list(id).await?))),
            None => Ok(None),
        }
    }

    async fn access_list(&mut self, node: NodeId) -> Result<Vec<AclEntry>> {
        let rows = sqlx::query("SELECT * FROM acl_entries WHERE node_id = $1 ORDER BY principal_kind, principal_id")
            .bind(node)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        rows.iter().map(rows::acl_entry).collect()
    }

    async fn set_access_list(&mut self, node: NodeId, inherit: bool, entries: &[AclEntry]) -> Result<()> {
        sqlx::query("DELETE FROM acl_entries WHERE node_id = $1")
            .bind(node)
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        if !inherit {
            for e in entries {
                let (kind, id) = rows::principal_parts(e.principal);
                sqlx::query("INSERT INTO acl_entries (node_id, principal_kind, principal_id, access_right) VALUES ($1, $2, $3, $4) ON CONFLICT (node_id, principal_kind, principal_id) DO UPDATE SET access_right = greatest(acl_entries.access_right, excluded.access_right)")
                    .bind(node)
                    .bind(kind)
                    .bind(id)
                    .bind(e.right as i64)
                    .execute(&mut *self.tx)
                    .await
                    .map_err(storage_error)?;
            }
        }
        sqlx::query("UPDATE nodes SET acl_inherited = $1 WHERE id = $2")
            .bind(inherit)
            .bind(node)
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn access_scopes(&mut self, tenant: TenantId) -> Result<Vec<(String, Vec<AclEntry>)>> {
        let rows = sqlx::query(&query::access_scopes(tenant))
            .fetch_all(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        rows::access_scopes(&rows)
    }

    async fn inherit_below(&mut self, root: &Node) -> Result<()> {
        sqlx::query("DELETE FROM acl_entries WHERE node_id IN (SELECT id FROM nodes WHERE path > $1 AND path < $2)")
            .bind(&root.path)
            .bind(subtree_end(&root.path))
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        sqlx::query("UPDATE nodes SET acl_inherited = TRUE WHERE path > $1 AND path < $2 AND NOT acl_inherited")
            .bind(&root.path)
            .bind(subtree_end(&root.path))
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    // --- trash ----------------------------------------------------------------------------

    async fn subtree_stats(&mut self, root: &Node) -> Result<SubtreeStats> {
        let mut stats = self.range_stats(&root.path).await?;
        for inner in self.topmost_marked_inside(root).await? {
            let excluded = self.range_stats(&inner.path).await?;
            stats.item_count -= excluded.item_count;
            stats.total_size -= excluded.total_size;
        }
        Ok(stats)
    }

    async fn insert_record(&mut self, r: &NewTrashRecord) -> Result<TrashRecord> {
        // The id comes from the counter row, as for nodes.
        let id: i64 = sqlx::query_scalar(
            "WITH next AS (UPDATE id_counters SET last_id = last_id + 1 WHERE name = 'trash_records' RETURNING last_id) \
             INSERT INTO trash_records (id, tenant_id, root_node_id, kind, name, name_key, original_parent_id, original_path, deleted_by, deleted_at, item_count, total_size, stage, stage_changed_at) \
             SELECT last_id, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12 FROM next RETURNING id",
        )
            .bind(r.tenant_id)
            .bind(r.root_node_id)
            .bind(r.kind.as_str())
            .bind(&r.name)
            .bind(name::key(&r.name))
            .bind(r.original_parent_id)
            .bind(&r.original_path)
            .bind(r.deleted_by)
            .bind(ms(r.deleted_at))
            .bind(r.item_count)
            .bind(r.total_size)
            .bind(ms(r.deleted_at))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        self.record(r.tenant_id, id)
            .await?
            .ok_or_else(|| Error::Storage("inserted trash record vanished".into()))
    }

    async fn record(&mut self, tenant: TenantId, id: RecordId) -> Result<Option<TrashRecord>> {
        let row = sqlx::query(&format!("SELECT {RECORD_COLUMNS} FROM trash_records r JOIN users u ON u.id = r.deleted_by WHERE r.id = $1 AND r.tenant_id = $2"))
            .bind(id)
            .bind(tenant)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        row.as_ref().map(rows::record).transpose()
    }

    async fn records(
        &mut self,
        tenant: TenantId,
        filter: &TrashFilter,
        sort: TrashSort,
        after: Option<&TrashCursor>,
        limit: u32,
    ) -> Result<Vec<TrashRecord>> {
        let mut q = QueryBuilder::<Postgres>::new("");
        // The planner chooses between the trigram index and the ordered bin from its
        // statistics; the query is the same either way.
        push_trash_listing(&mut q, tenant, filter, NameSearch::Like, sort, after, limit)?;
        let rows = q.build().fetch_all(&mut *self.tx).await.map_err(storage_error)?;
        rows.iter().map(rows::record).collect()
    }

    async fn count_records(&mut self, tenant: TenantId, filter: &TrashFilter) -> Result<i64> {
        let mut q = QueryBuilder::<Postgres>::new("SELECT count(*) FROM trash_records r");
        push_trash_filter(&mut q, tenant, filter, NameSearch::Like);
        q.build_query_scalar()
            .fetch_one(&mut *self.tx)
            .await
            .map_err(storage_error)
    }

    async fn delete_record(&mut self, id: RecordId) -> Result<()> {
        sqlx::query("DELETE FROM trash_records WHERE id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn refresh_record_stats(&mut self, id: RecordId) -> Result<()> {
        let mut total = SubtreeStats::default();
        for marked in self.marked_nodes(id).await? {
            let s = self.subtree_stats(&marked).await?;
            total.item_count += s.item_count;
            total.total_size += s.total_size;
        }
        sqlx::query("UPDATE trash_records SET item_count = $1, total_size = $2 WHERE id = $3")
            .bind(total.item_count)
            .bind(total.total_size)
            .bind(id)
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn set_mark(&mut self, node: NodeId, record: Option<RecordId>) -> Result<()> {
        sqlx::query("UPDATE nodes SET trash_record_id = $1 WHERE id = $2")
            .bind(record)
            .bind(node)
            .execute(&mut *self.tx)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(db) if db.is_unique_violation() => Error::NameConflict(format!("item {node}")),
                e => storage_error(e),
            })?;
        Ok(())
    }

    async fn marked_nodes(&mut self, record: RecordId) -> Result<Vec<Node>> {
        self.fetch_nodes(
            &format!("SELECT {NODE_COLUMNS} FROM nodes WHERE trash_record_id = $1 ORDER BY path"),
            &[record],
        )
        .await
    }

    async fn mark_children_except(&mut self, parent: NodeId, keep: NodeId, record: RecordId) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE nodes SET trash_record_id = $1 WHERE parent_id = $2 AND id <> $3 AND trash_record_id IS NULL",
        )
        .bind(record)
        .bind(parent)
        .bind(keep)
        .execute(&mut *self.tx)
        .await
        .map_err(storage_error)?;
        Ok(done.rows_affected())
    }

    async fn move_to_system_bin(
        &mut self,
        tenant: TenantId,
        record: Option<RecordId>,
        deleted_by: Option<UserId>,
        deleted_before: Option<DateTime<Utc>>,
        hidden: &[PathRange],
        actor: Option<UserId>,
        action: AuditAction,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let condition = format!(
            "tenant_id = $1 AND stage = 0 AND ($2::BIGINT IS NULL OR deleted_by = $2) \
             AND ($3::BIGINT IS NULL OR deleted_at < $3) AND ($4::BIGINT IS NULL OR id = $4){}",
            outside_hidden("trash_records.id", hidden)
        );
        sqlx::query(&format!(
            "INSERT INTO audit_events (tenant_id, at, actor_id, action, record_id, node_id, kind, name, from_path, to_path) SELECT tenant_id, $5, $6, $7, id, root_node_id, kind, name, original_path, '' FROM trash_records WHERE {condition}"
        ))
        .bind(tenant)
        .bind(deleted_by)
        .bind(deleted_before.map(ms))
        .bind(record)
        .bind(ms(now))
        .bind(actor)
        .bind(action.as_str())
        .execute(&mut *self.tx)
        .await
        .map_err(storage_error)?;
        let done = sqlx::query(&format!(
            "UPDATE trash_records SET stage = 1, stage_changed_at = $5 WHERE {condition}"
        ))
        .bind(tenant)
        .bind(deleted_by)
        .bind(deleted_before.map(ms))
        .bind(record)
        .bind(ms(now))
        .execute(&mut *self.tx)
        .await
        .map_err(storage_error)?;
        Ok(done.rows_affected())
    }

    async fn records_due_for_purge(
        &mut self,
        tenant: TenantId,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<RecordId>> {
        sqlx::query_scalar("SELECT id FROM trash_records WHERE tenant_id = $1 AND stage = 1 AND stage_changed_at < $2 ORDER BY stage_changed_at LIMIT $3")
            .bind(tenant)
            .bind(ms(before))
            .bind(limit as i64)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(storage_error)
    }

    async fn purge_record(&mut self, record: &TrashRecord, now: DateTime<Utc>) -> Result<()> {
        for member_root in self.marked_nodes(record.id).await? {
            // Items deleted earlier on their own keep their own trash records: move them out of
            // the way (they become detached roots) before the subtree goes.
            for other in self.topmost_marked_inside(&member_root).await? {
                if other.trash_record_id == Some(record.id) {
                    continue;
                }
                // Its folders go: it keeps the access list it inherited from them, so it stays
                // visible to exactly whom it was visible before.
                if other.acl_inherited {
                    if let Some((_, entries)) = self.nearest_access_list(other.tenant_id, &other.ancestor_ids()).await?
                    {
                        self.set_access_list(other.id, false, &entries).await?;
                    }
                }
                let new_prefix = format!("/{}/", other.id);
                self.rewrite_paths(&other.path, &new_prefix, -other.depth).await?;
                sqlx::query("UPDATE nodes SET parent_id = NULL WHERE id = $1")
                    .bind(other.id)
                    .execute(&mut *self.tx)
                    .await
                    .map_err(storage_error)?;
            }
            let (start, end) = (member_root.path.clone(), subtree_end(&member_root.path));
            sqlx::query(
                "UPDATE blobs SET refcount = refcount - d.n, zero_since = CASE WHEN refcount - d.n <= 0 THEN $1 ELSE zero_since END \
                 FROM (SELECT v.blob_sha256 AS sha, count(*) AS n FROM versions v JOIN nodes n ON n.id = v.node_id WHERE n.path >= $2 AND n.path < $3 GROUP BY v.blob_sha256) AS d \
                 WHERE blobs.sha256 = d.sha",
            )
            .bind(ms(now))
            .bind(&start)
            .bind(&end)
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
            sqlx::query("DELETE FROM nodes WHERE path >= $1 AND path < $2")
                .bind(&start)
                .bind(&end)
                .execute(&mut *self.tx)
                .await
                .map_err(storage_error)?;
        }
        self.delete_record(record.id).await
    }

    // --- many items at once ---------------------------------------------------------------

    async fn records_by_ids(&mut self, tenant: TenantId, ids: &[RecordId]) -> Result<Vec<TrashRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(&sets::records_by_ids(tenant, ids))
            .fetch_all(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        rows.iter().map(rows::record).collect()
    }

    async fn nodes_by_ids(&mut self, tenant: TenantId, ids: &[NodeId]) -> Result<Vec<Node>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.fetch_nodes(&sets::nodes_by_ids(tenant, ids), &[]).await
    }

    async fn nodes_marked_by(&mut self, records: &[RecordId]) -> Result<Vec<Node>> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        self.fetch_nodes(&sets::nodes_marked_by(records), &[]).await
    }

    async fn names_taken(
        &mut self,
        tenant: TenantId,
        names: &[(Option<NodeId>, String)],
    ) -> Result<Vec<(Option<NodeId>, String)>> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = QueryBuilder::new("");
        sets::push_names_taken(&mut q, tenant, names, PARENT_KEY);
        let rows = q.build().fetch_all(&mut *self.tx).await.map_err(storage_error)?;
        Ok(rows
            .iter()
            .map(|r| {
                let parent: i64 = r.get(0);
                ((parent != 0).then_some(parent), r.get(1))
            })
            .collect())
    }

    async fn unmark_nodes(&mut self, nodes: &[NodeId]) -> Result<()> {
        if nodes.is_empty() {
            return Ok(());
        }
        self.exec(&sets::unmark_nodes(nodes)).await
    }

    async fn delete_records(&mut self, ids: &[RecordId]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        self.exec(&sets::delete_records(ids)).await
    }

    async fn insert_events(&mut self, events: &[NewAuditEvent]) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        sets::insert_events(events)
            .build()
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    // --- blobs ----------------------------------------------------------------------------

    async fn claim_dead_blobs(&mut self, before: DateTime<Utc>, limit: u32) -> Result<Vec<String>> {
        sqlx::query_scalar("DELETE FROM blobs WHERE sha256 IN (SELECT sha256 FROM blobs WHERE refcount <= 0 AND zero_since < $1 LIMIT $2) RETURNING sha256")
            .bind(ms(before))
            .bind(limit as i64)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(storage_error)
    }

    async fn blob_hashes(&mut self, after: Option<&str>, limit: u32) -> Result<Vec<String>> {
        sqlx::query_scalar("SELECT sha256 FROM blobs WHERE sha256 > $1 AND refcount > 0 ORDER BY sha256 LIMIT $2")
            .bind(after.unwrap_or(""))
            .bind(limit as i64)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(storage_error)
    }

    // --- audit ----------------------------------------------------------------------------

    async fn insert_event(&mut self, e: &NewAuditEvent) -> Result<()> {
        sqlx::query("INSERT INTO audit_events (tenant_id, at, actor_id, action, record_id, node_id, kind, name, from_path, to_path) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind(e.tenant_id)
            .bind(ms(e.at))
            .bind(e.actor_id)
            .bind(e.action.as_str())
            .bind(e.record_id)
            .bind(e.node_id)
            .bind(e.kind.as_str())
            .bind(&e.name)
            .bind(&e.from_path)
            .bind(&e.to_path)
            .execute(&mut *self.tx)
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    async fn events(
        &mut self,
        tenant: TenantId,
        f: &AuditFilter,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>> {
        let mut q = query::audit_query::<Postgres>(tenant, f, before_id, limit);
        let rows = q.build().fetch_all(&mut *self.tx).await.map_err(storage_error)?;
        rows.iter().map(rows::event).collect()
    }

    async fn check_invariants(&mut self) -> Result<Vec<Violation>> {
        super::check::run(&mut self.tx).await
    }
}
