//! Vietnam's administrative units: the 2025 two-level list (province, ward) and the 2021 three-level list
//! (province, district, ward), from the General Statistics Office's lists (see `core/data/README.md`).
//!
//! - `data.rs`: the embedded lists, parsed once on first use; look-up by code, children, display names.
//! - `address.rs`: whether an address's codes exist and nest.
//! - `fold.rs`: folding Vietnamese text for matching (no diacritics, no case, đ → d).
//! - `query.rs`: a typed query prepared for matching (kind words and abbreviations, glued numbers).
//! - `search.rs`: search by name, ranked, optionally within a unit.
//! - `remap.rs`: the 2025 ward codes tokhai used before the official ones, and their official codes.
//! - `tests.rs`: counts, look-ups, address checks and search.

mod address;
mod data;
mod fold;
mod query;
mod remap;
mod search;

#[cfg(test)]
mod tests;

pub use address::AddressError;
pub use data::{Unit, UnitKey, UnitKind, UnitLevel, Units, units};
pub(crate) use fold::fold;
pub use remap::{official_ward_code_2025, ward_code_changes_2025};
pub use search::{DEFAULT_SEARCH_LIMIT, MatchRank, SearchHit, SearchOptions};
