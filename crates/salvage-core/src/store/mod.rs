//! The storage contract. A backend (SQLite, PostgreSQL) implements these traits with SQL; the
//! rules that decide *what* to do live in the core, which drives a transaction through them.
//!
//! Methods are at the level of domain operations ("mark this subtree with that record", "move a
//! subtree"), so that each backend can do subtree work in one or a few set-based statements.
//!
//! A transaction ([`StoreTx`]) is the sum of one trait per area, each in its own file:
//! [`Lifecycle`] (commit, savepoints), [`AccountsTx`] (tenants, users, groups), [`SessionsTx`]
//! (sessions and the login throttle's counters), [`TreeTx`], [`DocumentsTx`], [`AccessTx`]
//! (access lists), [`TrashTx`], [`RestoreSetTx`] (many trash items at once), [`AuditTx`] and
//! [`MaintenanceTx`] (blobs and `check`). Callers hold a `Box<dyn StoreTx>` or a `T: StoreTx`
//! and call any area's methods on it without importing the area traits; `use
//! salvage_core::store::*` brings them all for code that names a concrete backend type.

mod access;
mod accounts;
mod audit;
mod documents;
mod filters;
mod lifecycle;
mod maintenance;
mod trash;
mod tree;

use crate::error::Result;
use async_trait::async_trait;

pub use crate::sort::{ChildCursor, ChildOrder, ChildSort, SortKey, TrashCursor, TrashOrder, TrashSort};
pub use access::AccessTx;
pub use accounts::{AccountsTx, SessionsTx};
pub use audit::AuditTx;
pub use documents::DocumentsTx;
pub use filters::{AuditFilter, PathRange, TrashFilter, Violation};
pub use lifecycle::Lifecycle;
pub use maintenance::MaintenanceTx;
pub use trash::{RestoreSetTx, TrashTx};
pub use tree::TreeTx;

#[async_trait]
pub trait Store: Send + Sync {
    /// A transaction that may write. Backends serialise writers; every core operation is one
    /// such transaction, so nothing is ever left half done.
    async fn write(&self) -> Result<Box<dyn StoreTx>>;
    /// A read-only snapshot.
    async fn read(&self) -> Result<Box<dyn StoreTx>>;
}

/// One transaction of a backend: every area of the contract. Implemented for every type that
/// implements all the area traits; nothing to write by hand.
pub trait StoreTx:
    Lifecycle + AccountsTx + SessionsTx + TreeTx + DocumentsTx + AccessTx + TrashTx + RestoreSetTx + AuditTx + MaintenanceTx
{
}

impl<T> StoreTx for T where
    T: ?Sized
        + Lifecycle
        + AccountsTx
        + SessionsTx
        + TreeTx
        + DocumentsTx
        + AccessTx
        + TrashTx
        + RestoreSetTx
        + AuditTx
        + MaintenanceTx
{
}
