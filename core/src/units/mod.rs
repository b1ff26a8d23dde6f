//! Vietnam's administrative units: the 2025 two-level list (province, ward) and the 2021 three-level list
//! (province, district, ward), from the General Statistics Office's lists (see `core/data/README.md`).
//!
//! - `data.rs`: the embedded lists, parsed once on first use; look-up by code, children, display names.
//! - `address.rs`: whether an address's codes exist and nest.
//! - `fold.rs`: folding Vietnamese text for matching (no diacritics, no case, đ → d).
//! - `search.rs`: search by name, ranked, optionally within a unit.
//! - `tests.rs`: counts, look-ups, address checks and search.

mod address;
mod data;
mod fold;
mod search;

#[cfg(test)]
mod tests;

pub use address::AddressError;
pub use data::{Unit, UnitKey, UnitKind, UnitLevel, Units, units};
pub(crate) use fold::fold;
pub use search::{DEFAULT_SEARCH_LIMIT, MatchRank, SearchHit, SearchOptions};
