//! `salvage check`: the invariants every state must satisfy, verified against the database and
//! the blob store.

use crate::error::Result;
use crate::repository::Repository;
use crate::store::Violation;

impl Repository {
    /// Every violation found; an empty list means the repository is consistent.
    pub async fn check(&self) -> Result<Vec<Violation>> {
        let mut tx = self.store.read().await?;
        let mut violations = tx.check_invariants().await?;
        let mut after: Option<String> = None;
        loop {
            let page = tx.blob_hashes(after.as_deref(), 1000).await?;
            for sha in &page {
                if !self.blobs.exists(sha).await? {
                    violations.push(Violation {
                        invariant: "blob files exist",
                        detail: format!("blob {sha} is referenced but its file is missing"),
                    });
                }
            }
            match page.last() {
                Some(last) if page.len() == 1000 => after = Some(last.clone()),
                _ => break,
            }
        }
        Ok(violations)
    }
}
