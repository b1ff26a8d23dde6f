//! The engine (feature `store`): the one facade every front end uses. It validates, applies the rules,
//! seals, stores, and records the outbox entry, in one transaction per call.
//!
//! - `facade.rs`: `Engine`: open, persons, outbox access for the sync client, integrity check, wipe.
//! - `declarations.rs`: declare and update (for oneself and dependants), latest version, `Freshness`.
//! - `visits.rs`: check in (`CheckIn`), one-tap and automatic check-out, history newest first, edits.
//! - `health.rs`: quarantine episodes (`NewEpisode`) and daily reports (`ReportInput`).
//! - `data.rs`: retention purge (`PurgeReport`) and export of all the person's data (`Export`).
//! - `policy.rs`: `Policy`: freshness window, retention, default stay, repeat-scan window.
//! - `error.rs`: `EngineError`, the public error (each variant `Localized`), with `Missing`, `Rejection`.
//! - `provisional.rs`: stand-in visit and retention rules until the domain rules land.
//! - `tests.rs`, `crash_tests.rs`: the invariant tests through the facade.

mod data;
mod declarations;
mod error;
mod facade;
mod health;
mod policy;
mod provisional;
mod visits;

pub use data::{EpisodeExport, Export, OutboxExport, PersonExport, PurgeReport};
pub use declarations::Freshness;
pub use error::{Cause, EngineError, Missing, Rejection};
pub use facade::Engine;
pub use health::{NewEpisode, ReportInput};
pub use policy::Policy;
pub use visits::CheckIn;

#[cfg(test)]
mod crash_tests;
#[cfg(test)]
mod tests;
