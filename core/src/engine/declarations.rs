//! Declaring (for oneself or on behalf of a dependant), updating, and the freshness of the latest one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::{EngineError, Missing};
use super::facade::Engine;
use crate::declaration::{Declaration, DeclarationRecord, IdNumber};
use crate::ids::{DeclarationId, PersonId};
use crate::store::OutboxEvent;

/// Whether a person's latest declaration is still fresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Freshness {
    /// The person has not declared yet.
    Missing,
    /// The latest declaration is fresh until `until`.
    Fresh {
        /// When it stops being fresh.
        until: DateTime<Utc>,
    },
    /// The latest declaration is older than the freshness window: ask for a new one.
    Stale {
        /// When it stopped being fresh.
        since: DateTime<Utc>,
    },
}

/// The bytes whose keyed hash marks an identity document as taken on this device.
#[allow(dead_code)] // Called by `declare(form)` once the domain's validation lands.
fn document_key(id: &IdNumber) -> Vec<u8> {
    let (kind, number) = match id {
        IdNumber::Cmnd(n) => ("cmnd", n),
        IdNumber::Cccd(n) => ("cccd", n),
        IdNumber::Passport(n) => ("passport", n),
    };
    format!("{kind}:{}", number.to_uppercase()).into_bytes()
}

impl Engine {
    /// Stores a validated declaration as `person`'s newest version (superseding the previous one) and
    /// queues it for the server, in one transaction.
    #[allow(dead_code)] // Called by `declare(form)` once the domain's validation lands.
    pub(crate) fn save_declaration(
        &self,
        person: PersonId,
        declaration: Declaration,
    ) -> Result<DeclarationRecord, EngineError> {
        let now = self.now();
        self.write(|tx| {
            tx.person(person)?.ok_or(EngineError::NotFound(Missing::Person))?;
            let previous = tx.latest_declaration(person)?;
            let record = DeclarationRecord {
                id: DeclarationId::random(),
                person,
                declared_at: now,
                supersedes: previous.map(|p| p.id),
                declaration,
            };
            tx.set_document(person, &document_key(&record.declaration.id_number))?;
            tx.insert_declaration(&record)?;
            tx.enqueue(OutboxEvent::DeclarationSaved(record.clone()), now)?;
            Ok(record)
        })
    }

    /// `person`'s latest declaration, if any.
    pub fn latest_declaration(&self, person: PersonId) -> Result<Option<DeclarationRecord>, EngineError> {
        self.read(|tx| {
            tx.person(person)?.ok_or(EngineError::NotFound(Missing::Person))?;
            Ok(tx.latest_declaration(person)?)
        })
    }

    /// Every kept version of `person`'s declaration, oldest first.
    pub fn declaration_history(&self, person: PersonId) -> Result<Vec<DeclarationRecord>, EngineError> {
        self.read(|tx| Ok(tx.declarations(person)?))
    }

    /// Whether `person`'s latest declaration is still within the freshness window.
    pub fn freshness(&self, person: PersonId) -> Result<Freshness, EngineError> {
        let latest = self.latest_declaration(person)?;
        Ok(freshness_of(latest.as_ref(), self.policy().freshness, self.now()))
    }
}

pub(crate) fn freshness_of(
    latest: Option<&DeclarationRecord>,
    window: chrono::Duration,
    now: DateTime<Utc>,
) -> Freshness {
    match latest {
        None => Freshness::Missing,
        Some(record) => {
            let until = record.declared_at + window;
            if now < until {
                Freshness::Fresh { until }
            } else {
                Freshness::Stale { since: until }
            }
        }
    }
}
