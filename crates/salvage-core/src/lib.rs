//! salvage's core: the domain model, the permission policy and the trash engine. It knows
//! nothing of HTTP, SQL or XML; storage and protocols sit at the edges (DESIGN.md §1).

pub mod acl;
mod audit;
pub mod auth;
pub mod blob;
mod check;
pub mod clock;
pub mod error;
mod levels;
pub mod model;
pub mod name;
pub mod params;
mod repository;
pub mod sort;
pub mod store;
pub mod throttle;
pub mod trash;
mod visibility;

pub use error::{Error, Result};
pub use levels::Destination;
pub use repository::{split_path, Config, InitReport, Page, Repository, TrashTotals, DEFAULT_ADMIN, DEFAULT_TENANT};
