//! End-to-end tests of the HTTP server: the real server on a free loopback port, a real client.

mod admin;
mod architecture;
mod authz_matrix;
mod budget;
mod contract;
mod contract_sweep;
mod credentials;
mod hostile;
mod inforouter;
mod inforouter_admin;
mod inforouter_documents;
mod inforouter_folders;
mod inforouter_security;
mod names;
mod params;
mod scene7;
mod scene7_folders;
mod scene7_trash;
mod security;
mod story;
mod support;
mod throttle;
mod trust;
mod visibility;
mod web;
mod web_notices;
