//! The trash engine (DESIGN.md §3). A deletion inserts one record and marks one node, whatever
//! the size of the subtree beneath it; a restore unmarks. Nothing is copied and no id changes.
//!
//! One module per job: `delete`, `listing`, `items` (the trash item by item), `lifecycle`
//! (empty, purge, retention), `restore` (the per-item rules) with `plain` (the set-based path)
//! and `grouped` (single restores sharing a transaction through `group`), `by_filter` (bulk
//! restores, at once or as a job kept in `jobs`); `request` holds the plain data of a restore
//! and `rules` who may do what. Imports run one way only: `request`, `rules`, `group` and
//! `jobs` depend on no other module here.

mod by_filter;
mod delete;
pub(crate) mod group;
mod grouped;
mod items;
pub(crate) mod jobs;
mod lifecycle;
mod listing;
mod plain;
pub(crate) mod request;
mod restore;
mod rules;

pub use by_filter::{FilterRestore, RunAs};
pub use items::{ItemState, LocatedItem};
pub use jobs::{JobState, RestoreJob, BACKGROUND_ABOVE, JOB_CHUNK};
pub use lifecycle::{PurgeResult, SweepReport};
pub use request::{
    counts, BatchReport, ItemClass, ItemResult, ItemStatus, MissingParent, MissingParentPolicy, OnConflict, Outcome,
    RestoreOptions, Restored, Target, TrashItem,
};
