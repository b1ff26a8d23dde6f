//! The engine (feature `store`): the one facade every front end uses. It validates, applies the domain's
//! rules (pure plans from `declaration`, `visit`, `health`, `retention`), seals, stores, and records the
//! outbox entry, in one transaction per call.
//!
//! - `facade.rs`: `Engine`: open, persons, outbox access for the sync client, integrity check, wipe.
//! - `declarations.rs`: declare (validate the form) and update, for oneself and dependants; latest version,
//!   prefilled form, freshness.
//! - `visits.rs`: check in (`CheckIn`), one-tap and automatic check-out, history newest first, edits.
//! - `health.rs`: quarantine episodes (`NewEpisode`), daily reports, day statuses, reminders.
//! - `personal.rs`: the personal QR code's payload (pending until the server signs it).
//! - `data.rs`: retention purge (its `retention::PurgeReport`) and export of all the person's data (`Export`).
//! - `policy.rs`: `Policy`: the domain's freshness, visit, health and retention policies together.
//! - `error.rs`: `EngineError`, the public error (each variant `Localized`), with `Missing`, `Rejection`.
//! - `tests.rs`, `crash_tests.rs`: the invariant tests through the facade.

mod data;
mod declarations;
mod error;
mod facade;
mod health;
mod personal;
mod policy;
mod visits;

pub use data::{EpisodeExport, Export, OutboxExport, PersonExport};
pub use error::{Cause, EngineError, Missing, Rejection};
pub use facade::Engine;
pub use health::{NewEpisode, QuarantineStart};
pub use policy::Policy;
pub use visits::CheckIn;

#[cfg(test)]
mod crash_tests;
#[cfg(test)]
mod tests;
