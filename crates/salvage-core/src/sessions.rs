//! Who is calling: logins (throttled, see `throttle`), session tickets and the actor a user
//! is in a tenant.

use crate::accounts::DEFAULT_TENANT;
use crate::auth;
use crate::error::{Error, Result};
use crate::model::*;
use crate::name;
use crate::repository::Repository;
use crate::store::StoreTx;
use crate::throttle::{AttemptKeys, Verdict};
use chrono::Duration;
use std::net::IpAddr;

impl Repository {
    /// How long a session lives without use.
    pub fn session_ttl(&self) -> Duration {
        self.config.session_ttl
    }

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
    /// The user whose password `password` is, throttled: the attempt may be refused
    /// (`TooManyAttempts`) or made to wait before the password is checked, and a failure is
    /// counted. Unknown users and wrong passwords are one failure (`AuthenticationFailed`);
    /// whether the user may log in (enabled, member) is for the caller to say.
    pub(crate) async fn verify_login(&self, login: &str, password: &str, from: Option<IpAddr>) -> Result<User> {
        let policy = &self.config.login_throttle;
        let (user, keys, counters) = {
            let mut tx = self.store.read().await?;
            let user = tx.user_by_login(login).await?;
            let keys = AttemptKeys::new(user.as_ref(), login, from);
            let counters = tx.login_counters(&keys.all()).await?;
            (user, keys, counters)
        };
        match policy.judge(&keys, &counters, self.clock.now()) {
            Verdict::Refuse { retry_after_secs } => {
                tracing::info!(address = %keys.pair.address, "login refused: too many failures");
                return Err(Error::TooManyAttempts { retry_after_secs });
            }
            Verdict::Check { delay } if delay > Duration::zero() => {
                tracing::info!(address = %keys.pair.address, delay_ms = delay.num_milliseconds(), "login slowed");
                self.clock.sleep(delay).await;
            }
            Verdict::Check { .. } => {}
        }
        let hash = user
            .as_ref()
            .map_or(auth::decoy_hash(), |u| u.password_hash.as_str())
            .to_owned();
        let ok = auth::verify_password_off_thread(password.to_owned(), hash).await;
        match user {
            Some(user) if ok => {
                if counters.iter().any(|c| c.key == keys.pair) {
                    let mut tx = self.store.write().await?;
                    tx.delete_login_counter(&keys.pair).await?;
                    tx.commit().await?;
                }
                Ok(user)
            }
            _ => {
                tracing::info!(address = %keys.pair.address, "failed login");
                self.count_login_failure(&keys).await?;
                Err(Error::AuthenticationFailed)
            }
        }
    }

    /// Counts a failure under the write lock, so that failures on several servers at once all
    /// count, and forgets what is past its window.
    async fn count_login_failure(&self, keys: &AttemptKeys) -> Result<()> {
        let policy = &self.config.login_throttle;
        let now = self.clock.now();
        let mut tx = self.store.write().await?;
        let old = tx.login_counters(&keys.all()).await?;
        let new = policy.count_failure(keys, &old, now);
        if new.is_empty() {
            return tx.rollback().await;
        }
        tx.delete_expired_login_counters(now).await?;
        tx.put_login_counters(&new).await?;
        tx.commit().await?;
        // Only a new key can take the table past its bound: count then, and outside the write
        // lock (counting a full table takes milliseconds on PostgreSQL), which is taken again
        // only when there is something to delete.
        if new.iter().any(|c| !old.iter().any(|o| o.key == c.key)) {
            let kept = self.store.read().await?.count_login_counters().await?;
            if kept > policy.max_entries {
                let mut tx = self.store.write().await?;
                tx.delete_soonest_login_counters(kept - policy.max_entries).await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// How many login counters are kept (for operations and tests).
    pub async fn login_counter_count(&self) -> Result<u64> {
        self.store.read().await?.count_login_counters().await
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
