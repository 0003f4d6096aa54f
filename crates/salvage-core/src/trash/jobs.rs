//! Restores too long to wait for: a bulk restore of more than `BACKGROUND_ABOVE` items runs as
//! a job, in transactions of `JOB_CHUNK` items that each commit on their own, and is followed
//! through its progress. Every face that offers a long restore (REST, the web pages) starts and
//! reads jobs here, so the threshold, the chunking and who may see a job are decided once.
//!
//! This module holds the jobs and who may see them; `by_filter` starts and runs them.
//!
//! Jobs live in the memory of the server that runs them: a job is a task of this process, and
//! nothing of it outlives the process. (A server that restarts mid-job leaves the committed
//! chunks restored and the rest in the trash, where a new restore finds them.)

use super::request::ItemResult;
use crate::model::{Actor, TenantId, UserId};
use std::collections::HashMap;
use std::sync::Mutex;

/// Items above which a bulk restore runs as a job unless the caller says otherwise.
pub const BACKGROUND_ABOVE: usize = 1000;
/// Items per transaction in a job.
pub const JOB_CHUNK: usize = 500;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Running,
    Done,
    Failed,
}

impl JobState {
    pub const ALL: [JobState; 3] = [JobState::Running, JobState::Done, JobState::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|j| j.as_str() == s)
    }
}

/// What a job has done so far, and every item's outcome once it is over.
#[derive(Debug, Clone)]
pub struct RestoreJob {
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
    pub results: Option<Vec<ItemResult>>,
    owner: UserId,
    tenant: TenantId,
}

impl RestoreJob {
    /// Who may follow a job: whoever started it, and the administrators of its tenant.
    pub fn visible_to(&self, actor: &Actor) -> bool {
        self.tenant == actor.tenant_id && (actor.is_admin || self.owner == actor.user_id)
    }
}

/// The jobs of this process, by id.
#[derive(Default)]
pub(crate) struct RestoreJobs {
    jobs: Mutex<HashMap<String, RestoreJob>>,
}

impl RestoreJobs {
    pub(crate) fn start(&self, owner: &Actor, total: usize) -> RestoreJob {
        let job = RestoreJob {
            id: new_job_id(),
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
        self.jobs.lock().expect("jobs lock").insert(job.id.clone(), job.clone());
        job
    }

    pub(crate) fn update(&self, id: &str, change: impl FnOnce(&mut RestoreJob)) {
        if let Some(job) = self.jobs.lock().expect("jobs lock").get_mut(id) {
            change(job);
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<RestoreJob> {
        self.jobs.lock().expect("jobs lock").get(id).cloned()
    }
}

/// A random (version 4) UUID, the form job ids have always had: unguessable, so an id alone
/// never leads anyone to a job (who may follow one is checked besides).
fn new_job_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
