//! The conformance suite: every storage backend must pass it unchanged. It speaks only to the
//! core's `Repository`, never to SQL.

mod state_machine;
mod support;
mod trash_rules;
mod tree;
