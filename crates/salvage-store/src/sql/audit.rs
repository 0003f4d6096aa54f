//! The audit trail.

use super::stmt::Arg;
use super::SqlTx;
use crate::query::push_audit_listing;
use crate::rows::{self, ms};
use async_trait::async_trait;
use salvage_core::model::*;
use salvage_core::store::{AuditFilter, AuditTx};
use salvage_core::Result;

const EVENT_COLUMNS: &str = "tenant_id, at, actor_id, action, record_id, node_id, kind, name, from_path, to_path";

fn event_args(e: &NewAuditEvent) -> Vec<Arg> {
    vec![
        Arg::from(e.tenant_id),
        Arg::from(ms(e.at)),
        Arg::from(e.actor_id),
        Arg::from(e.action.as_str()),
        Arg::from(e.record_id),
        Arg::from(e.node_id),
        Arg::from(e.kind.as_str()),
        Arg::from(&e.name),
        Arg::from(&e.from_path),
        Arg::from(&e.to_path),
    ]
}

#[async_trait]
impl AuditTx for SqlTx {
    async fn insert_event(&mut self, e: &NewAuditEvent) -> Result<()> {
        self.insert_events(std::slice::from_ref(e)).await
    }

    async fn insert_events(&mut self, events: &[NewAuditEvent]) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut sql = self.sql(format!("INSERT INTO audit_events ({EVENT_COLUMNS}) "));
        sql.values(events, event_args);
        self.run(sql).await.map(drop)
    }

    async fn events(
        &mut self,
        tenant: TenantId,
        f: &AuditFilter,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>> {
        let mut sql = self.sql("");
        push_audit_listing(&mut sql, tenant, f, before_id, limit);
        self.rows(sql).await?.iter().map(rows::event).collect()
    }
}
