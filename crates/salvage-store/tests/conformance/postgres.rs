//! The conformance suite on PostgreSQL: the same modules as `main.rs`, each test in a database
//! of its own (`salvage_test_<random>`, dropped afterwards).
//!
//! PostgreSQL is found at `SALVAGE_TEST_DATABASE_URL` (default: the local server). When it
//! cannot be reached, the first test to need it says so and this binary stops there, passing —
//! unless `SALVAGE_REQUIRE_POSTGRES=1`, which makes that a failure (CI sets it).

mod name_search;
mod names;
mod sorting;
mod state_machine;
mod support;
mod throttle;
mod trash_rules;
mod tree;
mod visibility;

const BACKEND: support::Backend = support::Backend::Postgres;
