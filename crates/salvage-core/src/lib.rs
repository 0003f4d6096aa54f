//! salvage's core: the domain model, the permission policy and the trash engine. It knows
//! nothing of HTTP, SQL or XML; storage and protocols sit at the edges (DESIGN.md §1).

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
