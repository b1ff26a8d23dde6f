//! The sealed local store (feature `store`): SQLite through rusqlite, every personal value sealed.
//! Decisions: `docs/adr/0001-local-storage.md` and `docs/adr/0002-encryption-at-rest.md`.
//!
//! - `db.rs`: `Store`: open (folder, key provider), connection settings (WAL, synchronous=FULL, …),
//!   read and write transactions, integrity check, wipe.
//! - `schema.rs`: schema versions: `schema.sql` (fresh) and `migrations/000N_*.sql` (upgrades), with the
//!   migrated-equals-fresh test.
//! - `keys.rs`: the key record in the `meta` table: created with the store, unlocked on every open.
//! - `rows.rs`: `Tx`: typed, sealed access to persons, declarations, visits, quarantine episodes and daily
//!   reports; keyed-hash look-ups.
//! - `outbox.rs`: the outbox: `OutboxEvent`, `OutboxEntry`, enqueue in the change's transaction, pending,
//!   mark sent.
//! - `slots.rs`: sealed named slots (sync cursor, session, status, signed codes; keys added by hand; last
//!   wake-up).
//! - `staff_scans.rs`: personal codes a checkpoint's staff scanned, sealed and queued for upload.
//! - `sync_rows.rs` (feature `sync`): refused outbox entries, the sealed feed, sealed exposure alerts,
//!   visit clock flags.
//! - `remap.rs`: the one-time rewrite of sealed bodies to the official 2025 ward codes (migration 0004).
//! - `error.rs`: `StoreError`, the detailed internal error.
//! - `tests.rs`: the store's invariant tests (sealed at rest, tamper, wrong key, outbox atomicity).

mod db;
mod error;
mod keys;
mod outbox;
mod remap;
mod rows;
mod schema;
mod slots;
mod staff_scans;
#[cfg(feature = "sync")]
mod sync_rows;

pub(crate) use db::{FILE_NAME, Store};
pub(crate) use error::{Conflict, StoreError};
pub use outbox::{OutboxEntry, OutboxEvent};
pub(crate) use rows::Tx;
pub(crate) use slots::Slot;

#[cfg(test)]
mod tests;
