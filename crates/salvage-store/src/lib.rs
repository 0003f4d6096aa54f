//! Storage backends of salvage. SQL lives here and only here; the rules that decide what to do
//! live in `salvage-core`, which drives the `Store` traits. Both backends run the one SQL
//! implementation of those traits (`sql`), each with its own driver, connection setup and
//! dialect (`sqlite`, `postgres`).

mod database;
pub mod postgres;
mod query;
mod rows;
mod sql;
pub mod sqlite;
mod stored_names;
#[doc(hidden)]
pub mod testing;
pub mod transfer;

pub use database::Database;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
