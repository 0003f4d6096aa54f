//! One test (at least) per rule of the trash contract, DESIGN.md §3, in the rules' order.

mod batches;
mod bins;
mod restore;
