//! What readiness probes and metrics read: whether the database answers, and how much each
//! tenant holds in its bins.

use crate::error::Result;
use crate::model::Stage;
use crate::repository::Repository;
use crate::store::TrashFilter;

/// How many items one tenant has in the trash (see `Repository::trash_totals`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrashTotals {
    pub tenant: String,
    pub user_bin: i64,
    pub system_bin: i64,
}

impl Repository {
    /// Whether the database answers (for readiness probes).
    pub async fn ready(&self) -> Result<()> {
        self.store.read().await?.tenants().await.map(|_| ())
    }

    /// Items in the trash of each tenant, in user bins and in the system bin, for metrics.
    pub async fn trash_totals(&self) -> Result<Vec<TrashTotals>> {
        let mut tx = self.store.read().await?;
        let in_stage = |stage| TrashFilter {
            stage: Some(stage),
            ..TrashFilter::default()
        };
        let mut totals = Vec::new();
        for tenant in tx.tenants().await? {
            totals.push(TrashTotals {
                user_bin: tx.count_records(tenant.id, &in_stage(Stage::UserBin)).await?,
                system_bin: tx.count_records(tenant.id, &in_stage(Stage::SystemBin)).await?,
                tenant: tenant.name,
            });
        }
        Ok(totals)
    }
}
