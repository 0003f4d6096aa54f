//! The recycle bin over REST, one module per job: `listing` (filters, pages, one deletion and
//! its contents), `restore` (preflight, restore, restore by filter, jobs) and `purge` (purge,
//! empty, retention settings). The rules are the core's; these modules only read requests and
//! write answers.

mod listing;
mod purge;
mod restore;

pub use listing::*;
pub use purge::*;
pub use restore::*;

/// Most items one request may name.
const MAX_ITEMS: usize = 10_000;
