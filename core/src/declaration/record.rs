//! Versions of a person's declaration, and their freshness.
//!
//! - An **update** is a new [`DeclarationRecord`] that names the version it replaces (`supersedes`); old
//!   versions stay until retention purges them (see `retention.rs`), so that a trace can see what was
//!   declared when.
//! - The **newest** version of a person is the one no other version supersedes (the head of the chain);
//!   if there are several heads (e.g. two devices declared while offline), the latest `declared_at` wins.
//!   The chain, not the clock, decides, so a device clock set back cannot resurrect an old version.
//! - **Freshness**: a declaration is good for a window (24 h by default) after `declared_at`; then the
//!   app asks for a new one.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::model::{Declaration, DeclarationRecord};
use crate::ids::{DeclarationId, PersonId};
use crate::qr::Pseudonym;

/// The default freshness window, in hours.
pub const DEFAULT_FRESHNESS_HOURS: i64 = 24;

impl DeclarationRecord {
    /// The first declaration of `person`, made at `now`.
    pub fn new(person: PersonId, declaration: Declaration, now: DateTime<Utc>) -> Self {
        let id = DeclarationId::random();
        Self {
            id,
            person,
            declared_at: now,
            supersedes: None,
            pseudonym: Pseudonym::of_declaration(&id),
            declaration,
        }
    }

    /// A new version of this declaration, made at `now`, that supersedes this one.
    pub fn update(&self, declaration: Declaration, now: DateTime<Utc>) -> Self {
        let id = DeclarationId::random();
        Self {
            id,
            person: self.person,
            declared_at: now,
            supersedes: Some(self.id),
            pseudonym: Pseudonym::of_declaration(&id),
            declaration,
        }
    }
}

/// The current version of `person`'s declaration among `records` (which may hold other people's too).
pub fn newest_declaration(records: &[DeclarationRecord], person: PersonId) -> Option<&DeclarationRecord> {
    let superseded: HashSet<DeclarationId> = records
        .iter()
        .filter(|r| r.person == person)
        .filter_map(|r| r.supersedes)
        .collect();
    records
        .iter()
        .filter(|r| r.person == person && !superseded.contains(&r.id))
        .max_by_key(|r| (r.declared_at, r.id))
}

/// How long a declaration stays good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreshnessPolicy {
    /// The window after `declared_at` during which no new declaration is asked for.
    pub window: Duration,
}

impl Default for FreshnessPolicy {
    fn default() -> Self {
        Self {
            window: Duration::hours(DEFAULT_FRESHNESS_HOURS),
        }
    }
}

/// Whether a person's declaration is still good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Freshness {
    /// The person has never declared: ask for a declaration.
    Missing,
    /// Good until `stale_at`.
    Fresh {
        /// The current version.
        declaration: DeclarationId,
        /// When the app must ask again.
        stale_at: DateTime<Utc>,
    },
    /// Stale since `since`: ask for a new declaration.
    Stale {
        /// The current (stale) version, to prefill the new form.
        declaration: DeclarationId,
        /// When it went stale.
        since: DateTime<Utc>,
    },
}

impl Freshness {
    /// Whether the app must ask for a (new) declaration.
    pub fn must_declare(&self) -> bool {
        !matches!(self, Self::Fresh { .. })
    }
}

/// The freshness of `person`'s newest declaration at `now`. A declaration dated in the future (a clock
/// set back since) counts as made now, so it cannot stay fresh for longer than one window from now.
pub fn freshness(
    records: &[DeclarationRecord],
    person: PersonId,
    now: DateTime<Utc>,
    policy: &FreshnessPolicy,
) -> Freshness {
    let Some(record) = newest_declaration(records, person) else {
        return Freshness::Missing;
    };
    let declared = record.declared_at.min(now);
    let stale_at = declared.checked_add_signed(policy.window).unwrap_or(declared);
    if now < stale_at {
        Freshness::Fresh {
            declaration: record.id,
            stale_at,
        }
    } else {
        Freshness::Stale {
            declaration: record.id,
            since: stale_at,
        }
    }
}
