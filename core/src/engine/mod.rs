//! The engine (feature `store`): the one facade every front end uses. It validates, applies the domain's
//! rules (pure plans from `declaration`, `visit`, `health`, `retention`), seals, stores, and records the
//! outbox entry, in one transaction per call.
//!
//! - `facade.rs`: `Engine`: open, persons, outbox access for the sync client, integrity check, wipe.
//! - `declarations.rs`: declare (validate the form) and update, for oneself and dependants; latest version,
//!   prefilled form, freshness.
//! - `checkin.rs`: the check-in use cases: from a code's text, from the codes of a photo or frame
//!   (`pick_checkpoint`: which code is the checkpoint), from a fallback code; with dependants.
//! - `visits.rs`: check in (`CheckIn`), one-tap and automatic check-out, history newest first, edits.
//! - `trust.rs`: the engine-owned trust store (built-in keys of the `Deployment`, the pulled feed, keys
//!   added by hand, all sealed).
//! - `staff.rs`: a checkpoint's staff device: verified personal codes recorded as sealed, queued scans.
//! - `wake.rs`: automatic check-out and health reminders by the engine itself; `next_wakeup`, `wake`.
//! - `events.rs`: `EngineEvent`, `EngineListener`: what changed, told to the front ends (ADR 0018).
//! - `health.rs`: quarantine episodes (`NewEpisode`), daily reports, day statuses, reminders.
//! - `personal.rs`: the personal QR code (the server-signed one once synced, pending before).
//! - `data.rs`: retention purge (its `retention::PurgeReport`) and export of all the person's data (`Export`).
//! - `policy.rs`: `Policy`: the domain's freshness, visit, health and retention policies together.
//! - `error.rs`: `EngineError`, the public error (each variant `Localized`), with `Missing`, `Rejection`.
//! - `tests.rs`, `crash_tests.rs`: the invariant tests through the facade.

mod checkin;
mod data;
mod declarations;
mod error;
mod events;
mod facade;
mod health;
mod personal;
mod policy;
mod staff;
mod trust;
mod visits;
mod wake;

pub use checkin::pick_checkpoint;
pub use data::{EpisodeExport, Export, OutboxExport, PersonExport};
pub use error::{Cause, EngineError, Missing, Rejection};
pub use events::{EngineEvent, EngineListener, Subscription};
pub use facade::Engine;
pub use health::{NewEpisode, QuarantineStart};
pub use policy::Policy;
pub use staff::StaffScan;
pub use trust::Deployment;
pub use visits::{CheckIn, MAX_COMPANIONS};
pub use wake::{ReminderDue, WakeReason, WakeReport, Wakeup};

#[cfg(test)]
mod crash_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod use_case_tests;
