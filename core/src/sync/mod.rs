//! The sync client (feature `sync`): drains the outbox to the server and pulls what the device needs
//! offline. Protocol: `docs/protocol/sync.md`; conflicts: `docs/adr/0008-sync-conflicts.md`.
//!
//! Sans I/O where possible: planning, merging, backoff, clock checks, exposure matching and scheduling
//! are pure functions over values; the network sits behind `Transport`.
//!
//! - The protocol's bodies, the account requests' included, are `crate::protocol` (shared with the
//!   server).
//! - `plan.rs`: outbox → batches of ≤ 500 distinct items, each knowing which entries it covers.
//! - `merge.rs`: per-item statuses → done / failed / take the server's version.
//! - `backoff.rs`: exponential backoff with full jitter (injected `Jitter`), `Retry-After`.
//! - `skew.rs`: `ClockCheck`: the device clock against the server's (10 minutes).
//! - `exposure.rs`: `match_exposures`: local visits × published windows → `Alert`s.
//! - `schedule.rs`: triggers (start, debounced write, connectivity, timer) and the background loop.
//! - `transport.rs`: the `Transport` trait and `TransportError`; `http.rs`: `HttpTransport` (reqwest).
//! - `client.rs`: the run on the `Engine`: sign-in, upload, pull (cursor saved with its entries),
//!   alerts, personal-code signature, `SyncStatus`.
//! - `status.rs`: `SyncStatus`, `SyncError` and their words in Vietnamese and English.
//! - `tests.rs`: unit tests of every pure piece and of a run over an in-memory transport.

mod backoff;
mod client;
mod exposure;
mod handle;
mod http;
mod merge;
mod plan;
mod safety;
mod scans;
mod schedule;
mod skew;
mod status;
mod transport;

pub use crate::protocol::{AccountDeleted, DeletedCounts, KeptRecord, SessionCreated};
pub use backoff::{BackoffPolicy, Jitter, OsJitter, SeededJitter, parse_retry_after};
pub(crate) use client::feed_trust;
pub use client::{SyncOptions, SyncReport};
pub use exposure::{Alert, match_exposures, visit_interval};
pub use handle::SyncClient;
pub use http::{DEFAULT_TIMEOUT, HttpTransport};
pub use merge::{Merge, merge};
pub use plan::{Batch, Covered, MAX_BATCH, plan_batches};
pub use safety::{AreaSafety, safety_level_words};
pub use schedule::{DEBOUNCE, Trigger, due, run_background};
pub use skew::{ClockCheck, MAX_CLOCK_OFFSET_MS};
pub use status::{
    FlaggedVisit, Refusal, SyncError, SyncFailure, SyncStatus, refusal_msg, skipped_entries_msg,
};
pub use transport::{Transport, TransportError};

#[cfg(test)]
mod tests;
