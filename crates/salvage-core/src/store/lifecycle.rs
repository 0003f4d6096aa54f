//! How a transaction ends, and the savepoints one batch item runs in.

use crate::error::Result;
use async_trait::async_trait;

#[async_trait]
pub trait Lifecycle: Send {
    /// Makes everything the transaction wrote durable and visible to later transactions, all
    /// of it or (on error) none of it.
    async fn commit(self: Box<Self>) -> Result<()>;
    /// Discards everything the transaction wrote. Dropping a transaction does the same.
    async fn rollback(self: Box<Self>) -> Result<()>;
    /// Opens a savepoint; one batch item runs inside it. Savepoints do not nest: each is
    /// released or rolled back before the next opens.
    async fn savepoint(&mut self) -> Result<()>;
    /// Closes the savepoint, keeping what was written since it opened.
    async fn release_savepoint(&mut self) -> Result<()>;
    /// Undoes everything since the savepoint and closes it; what came before it stays.
    async fn rollback_to_savepoint(&mut self) -> Result<()>;
}
