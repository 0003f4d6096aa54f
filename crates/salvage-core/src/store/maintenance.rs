//! Housekeeping: dead blobs, and the invariants `salvage check` verifies.

use super::Violation;
use crate::error::Result;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
pub trait MaintenanceTx: Send {
    /// Claims (deletes the rows of) blobs unreferenced since before `before`, at most `limit`;
    /// returns their hashes so the caller removes the files before committing.
    async fn claim_dead_blobs(&mut self, before: DateTime<Utc>, limit: u32) -> Result<Vec<String>>;
    /// The hashes of referenced blobs after `after`, in order, at most `limit` (for `check`).
    async fn blob_hashes(&mut self, after: Option<&str>, limit: u32) -> Result<Vec<String>>;
    /// Every broken invariant of the database; empty when all hold.
    async fn check_invariants(&mut self) -> Result<Vec<Violation>>;
}
