//! Helpers for the tests that drive a real `salvage serve`. Each test binary uses some of them.
#![allow(dead_code)]

pub mod clients;
pub mod server;
