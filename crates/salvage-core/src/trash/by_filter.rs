//! Restore by filter ("everything X deleted under /Finance since 10:00", DESIGN.md §3 rule 8):
//! one call for every face, which finds the matching deletions, oldest first, and restores them
//! at once, says what a restore would do, or runs them as a job (`jobs`).

use super::jobs::{JobState, RestoreJob, BACKGROUND_ABOVE, JOB_CHUNK};
use super::request::{counts, BatchReport, ItemResult, RestoreOptions, TrashItem};
use crate::error::{Error, Result};
use crate::model::Actor;
use crate::repository::Repository;
use crate::store::TrashFilter;

/// How a restore by filter is to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunAs {
    /// Only say what a restore would do (never a job).
    Preflight,
    /// At once, however many items match.
    Now,
    /// As a job, however few items match.
    Job,
    /// As a job when more than `BACKGROUND_ABOVE` items match, else at once.
    Auto,
}

/// What a restore by filter did: finished (or preflighted) at once, or started a job.
#[derive(Debug, Clone)]
pub enum FilterRestore {
    Done(BatchReport),
    Started(RestoreJob),
}

impl Repository {
    /// Restores every visible deletion matching `filter` ("everything X deleted under /Finance
    /// since 10:00"), oldest first, or says what that would do: at once, or as a job (`run`).
    pub async fn restore_by_filter(
        &self,
        actor: &Actor,
        filter: &TrashFilter,
        options: RestoreOptions,
        run: RunAs,
    ) -> Result<FilterRestore> {
        let items = self.matching_items(actor, filter).await?;
        let as_job = match run {
            RunAs::Preflight | RunAs::Now => false,
            RunAs::Job => true,
            RunAs::Auto => items.len() > BACKGROUND_ABOVE,
        };
        if as_job {
            return Ok(FilterRestore::Started(self.start_restore_job(actor, items, options)));
        }
        let report = if run == RunAs::Preflight {
            self.preflight(actor, &items, options).await?
        } else {
            self.restore(actor, &items, options).await?
        };
        Ok(FilterRestore::Done(report))
    }

    /// Starts restoring `items` as a job, in chunks that each commit on their own; progress is
    /// counted as the chunks finish.
    pub fn start_restore_job(&self, actor: &Actor, items: Vec<TrashItem>, options: RestoreOptions) -> RestoreJob {
        let job = self.jobs.start(actor, items.len());
        let (repo, id, owner) = (self.clone(), job.id.clone(), actor.clone());
        tokio::spawn(async move {
            let progress = |so_far: &[ItemResult]| {
                let (restored, skipped, failed) = counts(so_far);
                repo.jobs.update(&id, |j| {
                    j.done = so_far.len();
                    j.restored = restored;
                    j.skipped = skipped;
                    j.failed = failed;
                });
            };
            let outcome = repo
                .restore_in_chunks(&owner, &items, options, JOB_CHUNK, &progress)
                .await;
            repo.jobs.update(&id, |j| match outcome {
                Ok(report) => {
                    j.state = JobState::Done;
                    j.results = Some(report.results);
                    if !report.applied {
                        j.restored = 0;
                    }
                }
                Err(e) => {
                    tracing::error!(job = id, error = %e, "background restore failed");
                    j.state = JobState::Failed;
                    j.error = Some(e.to_string());
                }
            });
        });
        job
    }

    /// A job, if the caller may follow it; one they may not is not found, like an unknown one.
    pub fn restore_job(&self, actor: &Actor, id: &str) -> Result<RestoreJob> {
        self.jobs
            .get(id)
            .filter(|j| j.visible_to(actor))
            .ok_or_else(|| Error::not_found(format!("job {id}")))
    }
}
