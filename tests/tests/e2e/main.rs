//! End-to-end: the real tokhai-server on 127.0.0.1:0 (SQLite and PostgreSQL), devices running the sync
//! client of tokhai-core, and the fault-injecting proxy between them (`tokhai-e2e`'s harness).
//!
//! - `agree.rs`: after "check out everyone" or a refused edit, the device takes the server's version.
//! - `cuts.rs`: 1,000 random cuts during uploads → local set = server set, each item once.
//! - `faults.rs`: each storing step of an upload failed in turn (before it runs, after it ran): every
//!   record on the server exactly once after recovery, none refused.
//! - `restart.rs`: the server killed and restarted in the middle of batches.
//! - `fleet.rs`: 200 devices × 50 visits through random faults → exactly 10,000 visits.
//! - `cluster.rs`: three instances on one PostgreSQL behind a random-instance proxy: 10,000 visits with one
//!   instance drained midway, limits across instances, a key rotated at A honoured at C.
//! - `cursor.rs`: pulls while other writers commit never skip a feed entry.
//! - `clock.rs`: device clocks 24 h ahead or behind, or 22 days behind.
//! - `replica.rs`: officers' traces read on a `pg_basebackup` standby match the primary's once caught up.
//! - `tracing.rs`: tracing names the person who checked in, not a dependant declared on the same phone.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr
)] // Test code: a failed unwrap is a failed test.

mod agree;
mod clock;
mod cluster;
mod cursor;
mod cuts;
mod faults;
mod fleet;
mod replica;
mod restart;
mod tracing;
