//! tokhai-server integration tests, one binary: the store conformance suite and the API and security
//! suites, each run against SQLite and PostgreSQL (`both!`). PostgreSQL tests use a throw-away cluster of
//! their own (`tokhai_server::testing`); without PostgreSQL's server programs they report themselves
//! skipped, and with `TOKHAI_CI=1` they fail.

// The whole binary is test code (suites are plain async fns called from the `both!` tests): a failed
// unwrap is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr
)]

mod support;

mod account;
mod admin;
mod api;
mod attack;
mod citizen;
mod connections;
mod dumps;
mod officer;
mod security;
mod store;
mod units;
mod vectors;
mod web_health;
