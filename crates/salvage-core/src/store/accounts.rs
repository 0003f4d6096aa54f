//! Tenants, users, memberships and groups; sessions and the login throttle's counters.

use crate::error::Result;
use crate::model::*;
use crate::throttle::{CounterKey, LoginCounter};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
pub trait AccountsTx: Send {
    /// Creates a tenant with these trash settings and returns it with its new id (never one
    /// handed out before). Fails if the name is taken.
    async fn insert_tenant(&mut self, name: &str, settings: TrashSettings, now: DateTime<Utc>) -> Result<Tenant>;
    /// The tenant with this id, if it exists.
    async fn tenant(&mut self, id: TenantId) -> Result<Option<Tenant>>;
    /// The tenant with exactly this name, if it exists.
    async fn tenant_by_name(&mut self, name: &str) -> Result<Option<Tenant>>;
    /// Every tenant, by id.
    async fn tenants(&mut self) -> Result<Vec<Tenant>>;
    /// Replaces a tenant's trash settings (all of them); a missing tenant is no error.
    async fn update_tenant_settings(&mut self, id: TenantId, settings: TrashSettings) -> Result<()>;

    /// Creates an enabled user with this password hash, storing the name keys of its username
    /// and e-mail address; fails if either key is taken (an empty address is never taken).
    async fn insert_user(&mut self, user: &NewUser, password_hash: &str, now: DateTime<Utc>) -> Result<User>;
    /// The user with this id, if it exists.
    async fn user(&mut self, id: UserId) -> Result<Option<User>>;
    /// By username or e-mail address, case-insensitively (by name key, after trimming); a
    /// username match wins over an e-mail match.
    async fn user_by_login(&mut self, login: &str) -> Result<Option<User>>;
    /// Every user, by id.
    async fn users(&mut self) -> Result<Vec<User>>;
    /// Replaces a user's password hash; a missing user is no error.
    async fn set_password_hash(&mut self, id: UserId, hash: &str) -> Result<()>;

    /// Makes the user a member of the tenant with this role, replacing the role of an existing
    /// membership.
    async fn upsert_membership(&mut self, m: &Membership) -> Result<()>;
    /// The user's membership of the tenant, if any.
    async fn membership(&mut self, user: UserId, tenant: TenantId) -> Result<Option<Membership>>;
    /// Every membership of the tenant, in no particular order.
    async fn memberships_of_tenant(&mut self, tenant: TenantId) -> Result<Vec<Membership>>;

    /// Creates a group of the tenant; fails if the tenant has a group of that name key.
    async fn insert_group(&mut self, tenant: TenantId, name: &str, builtin: bool) -> Result<Group>;
    /// The tenant's group whose name key is that of `name`, if any.
    async fn group_by_name(&mut self, tenant: TenantId, name: &str) -> Result<Option<Group>>;
    /// The tenant's groups, by name key.
    async fn groups(&mut self, tenant: TenantId) -> Result<Vec<Group>>;
    /// Adds the user to the group; adding a member again changes nothing.
    async fn add_group_member(&mut self, group: GroupId, user: UserId) -> Result<()>;
    /// The tenant's groups the user belongs to, in no particular order.
    async fn user_groups(&mut self, tenant: TenantId, user: UserId) -> Result<Vec<Group>>;
}

#[async_trait]
pub trait SessionsTx: Send {
    /// Stores a session under the hash of its ticket (the ticket itself is never stored).
    async fn insert_session(&mut self, ticket_hash: &str, session: &Session) -> Result<()>;
    /// The session with this ticket hash, expired or not (the caller judges expiry).
    async fn session(&mut self, ticket_hash: &str) -> Result<Option<Session>>;
    /// Moves a session's expiry; a missing session is no error.
    async fn extend_session(&mut self, ticket_hash: &str, expires_at: DateTime<Utc>) -> Result<()>;
    /// Ends a session; a missing session is no error.
    async fn delete_session(&mut self, ticket_hash: &str) -> Result<()>;
    /// Deletes every session expired by `now` (`expires_at` passed); returns how many.
    async fn delete_expired_sessions(&mut self, now: DateTime<Utc>) -> Result<u64>;

    // The login throttle's counters (see `throttle`).
    /// The counters among `keys` that exist, forgotten ones included, in no particular order.
    async fn login_counters(&mut self, keys: &[CounterKey]) -> Result<Vec<LoginCounter>>;
    /// Inserts the counters, or replaces those with the same keys, in one statement.
    async fn put_login_counters(&mut self, counters: &[LoginCounter]) -> Result<()>;
    /// Deletes the counter with this key; a missing counter is no error.
    async fn delete_login_counter(&mut self, key: &CounterKey) -> Result<()>;
    /// Deletes the counters forgotten by `now` (`expires_at` passed); returns how many.
    async fn delete_expired_login_counters(&mut self, now: DateTime<Utc>) -> Result<u64>;
    /// Deletes the `n` counters that expire soonest; returns how many went.
    async fn delete_soonest_login_counters(&mut self, n: u64) -> Result<u64>;
    /// How many counters are stored, forgotten ones included.
    async fn count_login_counters(&mut self) -> Result<u64>;
}
