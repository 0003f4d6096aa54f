//! The repository service: the one entry point every face calls. Each public method is one
//! transaction and checks the caller's rights before it changes anything.
//!
//! This file holds only the service itself and how it is built. Its methods live beside the
//! area they serve, each module an `impl Repository` block: `accounts` (tenants, users,
//! groups), `sessions` (login, tickets, who is calling), `tree` (folders, paths, listings,
//! moves), `documents` (uploads, versions, types, publishing), `access` (access lists),
//! `health` (readiness and metrics), `trash` (the trash engine), `audit`, `levels`, `check`.

use crate::blob::BlobStore;
use crate::clock::Clock;
use crate::model::Actor;
use crate::store::Store;
use crate::trash::group::GroupCommit;
use crate::trash::jobs::RestoreJobs;
use crate::trash::request::{BatchReport, RestoreOptions, TrashItem};
use chrono::Duration;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Config {
    /// Sliding lifetime of a session since its last use.
    pub session_ttl: Duration,
    /// Absolute lifetime of a session since it was opened, however much it is used.
    pub session_max_age: Duration,
    /// How long an unreferenced blob's bytes are kept before they are removed.
    pub blob_grace: Duration,
    /// When failed logins are refused or slowed (see `throttle`).
    pub login_throttle: crate::throttle::ThrottlePolicy,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            session_ttl: Duration::hours(8),
            session_max_age: Duration::days(7),
            blob_grace: Duration::hours(24),
            login_throttle: Default::default(),
        }
    }
}

#[derive(Clone)]
pub struct Repository {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) blobs: Arc<dyn BlobStore>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) config: Config,
    /// Single-item restores waiting to share a transaction (group commit).
    pub(crate) restores: Arc<GroupCommit<(Actor, TrashItem, RestoreOptions), BatchReport>>,
    /// Restores running in the background on this server.
    pub(crate) jobs: Arc<RestoreJobs>,
}

impl Repository {
    pub fn new(store: Arc<dyn Store>, blobs: Arc<dyn BlobStore>, clock: Arc<dyn Clock>, config: Config) -> Self {
        Repository {
            store,
            blobs,
            clock,
            config,
            restores: Arc::default(),
            jobs: Arc::default(),
        }
    }

    /// The clock the service reads the time from (faces read relative times with it).
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }
}
