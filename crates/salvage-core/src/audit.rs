//! Reading the audit log.

use crate::error::{Error, Result};
use crate::model::{Actor, AuditEvent};
use crate::repository::Repository;
use crate::sort::Page;
use crate::store::AuditFilter;

impl Repository {
    /// Audit events newest first. Administrators see the whole tenant; anyone else only their
    /// own actions.
    pub async fn audit(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Page<AuditEvent, i64>> {
        let mut filter = filter.clone();
        // Compared with stored paths byte by byte: in their form (NFC).
        filter.path_prefix = filter.path_prefix.as_deref().map(crate::name::nfc);
        if !actor.is_admin {
            match filter.actor_id {
                Some(other) if other != actor.user_id => {
                    return Err(Error::PermissionDenied(
                        "only an administrator may read other users' audit events".into(),
                    ));
                }
                _ => filter.actor_id = Some(actor.user_id),
            }
        }
        let limit = limit.clamp(1, 10_000);
        let mut tx = self.store.read().await?;
        let mut items = tx.events(actor.tenant_id, &filter, before_id, limit + 1).await?;
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|e| e.id)
        } else {
            None
        };
        Ok(Page { items, next })
    }
}
