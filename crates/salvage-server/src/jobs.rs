//! Background jobs: a long bulk restore answers `202 Accepted` at once and is followed through a
//! job resource that reports progress and, at the end, the outcome of every item. Jobs live in
//! the memory of the server that runs them.

use salvage_core::model::{Actor, TenantId, UserId};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Running,
    Done,
    Failed,
}

/// What a background job has done so far, and every item's outcome once it is over.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobStatus<T> {
    pub id: String,
    pub state: JobState,
    /// Items to process.
    pub total: usize,
    /// Items processed so far.
    pub done: usize,
    pub restored: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Why the job stopped, when it failed as a whole.
    pub error: Option<String>,
    /// Every item's outcome, once the job is over.
    pub results: Option<Vec<T>>,
    #[serde(skip)]
    pub owner: UserId,
    #[serde(skip)]
    pub tenant: TenantId,
}

/// The jobs of this server, by id.
#[derive(Clone)]
pub struct Jobs<T> {
    jobs: Arc<Mutex<HashMap<String, JobStatus<T>>>>,
}

impl<T: Clone> Default for Jobs<T> {
    fn default() -> Self {
        Jobs {
            jobs: Arc::new(Mutex::new(HashMap::new())),
        }
    }
}

impl<T: Clone> Jobs<T> {
    /// Registers a running job and returns its id.
    pub fn start(&self, owner: &Actor, total: usize) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        let status = JobStatus {
            id: id.clone(),
            state: JobState::Running,
            total,
            done: 0,
            restored: 0,
            skipped: 0,
            failed: 0,
            error: None,
            results: None,
            owner: owner.user_id,
            tenant: owner.tenant_id,
        };
        self.jobs.lock().expect("jobs lock").insert(id.clone(), status);
        id
    }

    pub fn update(&self, id: &str, change: impl FnOnce(&mut JobStatus<T>)) {
        if let Some(job) = self.jobs.lock().expect("jobs lock").get_mut(id) {
            change(job);
        }
    }

    /// A job, if `caller` started it or administers its tenant.
    pub fn get(&self, id: &str, caller: &Actor) -> Option<JobStatus<T>> {
        let jobs = self.jobs.lock().expect("jobs lock");
        jobs.get(id)
            .filter(|j| j.tenant == caller.tenant_id && (caller.is_admin || j.owner == caller.user_id))
            .cloned()
    }
}
