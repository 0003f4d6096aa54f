//! salvage's core: the domain model, the permission policy and the trash engine. It knows
//! nothing of HTTP, SQL or XML; storage and protocols sit at the edges (DESIGN.md §1).
//!
//! The service is `Repository` (`repository.rs`), its methods kept by area: `accounts`,
//! `sessions`, `tree`, `documents`, `access`, `health`, `audit`, `levels`, `check` and the
//! trash engine in `trash/`. What faces would otherwise rebuild is offered here once: the
//! names of every closed set (`parse`/`as_str`/`ALL`), `Outcome::status`, `TrashFilter::under`,
//! restore by filter and its jobs (`Repository::restore_by_filter`, `restore_job`).
//!
//! # Where the rules are tested
//!
//! - Pure rules, beside their code: names and case folding (`name`), access-list resolution
//!   (`acl`), the visibility rule (`visibility`), orders and cursors (`sort`), the parameter
//!   language (`params`), the login throttle (`throttle`), tickets and hashes (`auth`).
//! - Every rule that needs a database, against every backend: the store's conformance suite,
//!   `crates/salvage-store/tests/conformance` — one test per trash rule (`trash_rules.rs`),
//!   the tree, visibility, sorting, names and the throttle, and a proptest state machine
//!   (`state_machine.rs`) that checks the repository against an in-memory model after every
//!   step. It runs on SQLite and on PostgreSQL.
//! - Through the faces: `crates/salvage-server/tests/api` (REST, web, infoRouter and Scene7
//!   end to end; `authz_matrix.rs` calls every operation as every kind of caller and compares
//!   the whole database after each refusal), and the CLI, crash, stress and several-server
//!   runs in `crates/salvage/tests`.

mod access;
mod accounts;
pub mod acl;
mod audit;
pub mod auth;
pub mod blob;
mod check;
pub mod clock;
mod documents;
pub mod error;
mod health;
mod levels;
pub mod model;
pub mod name;
pub mod params;
mod repository;
mod sessions;
pub mod sort;
pub mod store;
pub mod throttle;
pub mod trash;
mod tree;
mod visibility;

pub use accounts::{InitReport, DEFAULT_ADMIN, DEFAULT_TENANT};
pub use error::{Error, Result};
pub use health::TrashTotals;
pub use levels::Destination;
pub use repository::{Config, Repository};
pub use sort::Page;
pub use tree::split_path;
