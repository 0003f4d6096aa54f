//! One test (at least) per rule of the trash contract, DESIGN.md §3, a file per group of rules:
//! `deletion` (rules 1 and 2), `targets` (3 to 5), `by_path` (3, with targets named by path and
//! items by class), `batches` (6 to 8), `stages` (9), `rights` (10 and 11), and `listing` (the
//! listing's pages, and rules 7 and 9 item by item).

mod batches;
mod by_path;
mod deletion;
mod listing;
mod rights;
mod stages;
mod targets;
