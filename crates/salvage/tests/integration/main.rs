//! The `salvage` binary end to end: real `salvage` processes (the command line, `salvage serve`)
//! on temporary data directories, driven over the network by real clients.
//!
//! One test binary, as the other crates have one: every module is a topic, compiled and linked
//! once. Its tests run in parallel threads of one process, so nothing here may rely on being a
//! process of its own: no test sets an environment variable of this process (a child gets its
//! settings through `Command::env`), every server listens on a port the system picks, and the
//! few tests that load the whole machine or wait on bounded timers take `support::alone()`.
//!
//! Run one topic with a filter, e.g. `cargo test --workspace --test integration cli::`.

mod backup;
mod browser;
mod cli;
mod crash;
mod migrate;
mod openapi_clients;
mod serve;
mod several_servers;
mod stress;
mod support;
mod wsdl_clients;
