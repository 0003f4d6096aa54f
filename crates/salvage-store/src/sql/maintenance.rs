//! Housekeeping: claiming dead blobs, listing live ones, and the invariants of `check`.

use super::SqlTx;
use crate::rows::ms;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use salvage_core::store::{MaintenanceTx, Violation};
use salvage_core::Result;

#[async_trait]
impl MaintenanceTx for SqlTx {
    async fn claim_dead_blobs(&mut self, before: DateTime<Utc>, limit: u32) -> Result<Vec<String>> {
        let sql = self
            .sql(
                "DELETE FROM blobs WHERE sha256 IN \
                 (SELECT sha256 FROM blobs WHERE refcount <= 0 AND zero_since < $1 LIMIT $2) RETURNING sha256",
            )
            .arg(ms(before))
            .arg(limit);
        self.texts(sql).await
    }

    async fn blob_hashes(&mut self, after: Option<&str>, limit: u32) -> Result<Vec<String>> {
        let sql = self
            .sql("SELECT sha256 FROM blobs WHERE sha256 > $1 AND refcount > 0 ORDER BY sha256 LIMIT $2")
            .arg(after.unwrap_or(""))
            .arg(limit);
        self.texts(sql).await
    }

    async fn check_invariants(&mut self) -> Result<Vec<Violation>> {
        super::check::run(self).await
    }
}
