//! Storage backends of salvage. SQL lives here and only here; the rules that decide what to do
//! live in `salvage-core`, which drives the `Store` traits implemented by each backend.

pub mod sqlite;

pub use sqlite::SqliteStore;
