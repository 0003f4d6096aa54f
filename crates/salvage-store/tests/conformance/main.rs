//! The conformance suite: every storage backend must pass it unchanged. It speaks only to the
//! core's `Repository`, never to SQL.
//!
//! This test binary runs it on SQLite; `postgres.rs` compiles the same modules into a second
//! binary that runs them on PostgreSQL. `support::world` opens the backend named here.

mod name_search;
mod names;
mod sorting;
mod state_machine;
mod support;
mod throttle;
mod trash_rules;
mod tree;
mod visibility;

const BACKEND: support::Backend = support::Backend::Sqlite;
