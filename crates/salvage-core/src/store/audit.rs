//! The audit trail: append-only events, newest first.

use super::AuditFilter;
use crate::error::Result;
use crate::model::*;
use async_trait::async_trait;

#[async_trait]
pub trait AuditTx: Send {
    /// Appends one audit event; its id is higher than every earlier event's.
    async fn insert_event(&mut self, event: &NewAuditEvent) -> Result<()>;
    /// Appends audit events in their order (ids increasing with it), in one statement.
    async fn insert_events(&mut self, events: &[NewAuditEvent]) -> Result<()>;
    /// The tenant's events matching `filter`, newest (highest id) first, with ids below
    /// `before_id`, at most `limit`.
    async fn events(
        &mut self,
        tenant: TenantId,
        filter: &AuditFilter,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>>;
}
