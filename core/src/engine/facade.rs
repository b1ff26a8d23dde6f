//! `Engine`: opening, persons, the outbox, and the lock around the one store connection.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};

use super::error::EngineError;
use super::events::{EngineEvent, EngineListener, Listeners, Subscription};
use super::policy::Policy;
use super::trust::Deployment;
use crate::clock::Clock;
use crate::crypto::KeyProvider;
use crate::declaration::{Person, Relation};
use crate::ids::{OutboxId, PersonId};
use crate::store::{OutboxEntry, Store, Tx};

/// The offline engine: the one facade every front end (CLI, desktop and mobile apps) uses.
///
/// Thread-safe: calls are serialised on the store's one connection, the one writer. Every call that
/// changes something is one transaction, together with its outbox entry.
#[derive(Debug)]
pub struct Engine {
    /// `None` once wiped: every later call answers `EngineError::Wiped`.
    store: Mutex<Option<Store>>,
    provider: Arc<dyn KeyProvider>,
    clock: Arc<dyn Clock>,
    policy: Policy,
    deployment: Deployment,
    listeners: Listeners,
    dir: PathBuf,
}

impl Engine {
    /// Opens (creating if needed) the store in folder `dir`, unlocking it with `provider`, with the
    /// default policy.
    pub fn open(
        dir: impl AsRef<Path>,
        provider: impl KeyProvider + 'static,
        clock: impl Clock + 'static,
    ) -> Result<Self, EngineError> {
        Self::open_with(
            dir.as_ref(),
            Arc::new(provider),
            Arc::new(clock),
            Policy::default(),
        )
    }

    /// Whether folder `dir` already holds a store (to ask a new passphrase twice, not an old one).
    pub fn exists(dir: impl AsRef<Path>) -> bool {
        dir.as_ref().join(crate::store::FILE_NAME).is_file()
    }

    /// Opens with shared provider and clock and an explicit policy (for bindings and tests), for the
    /// deployment this build was made for (its built-in issuer keys).
    pub fn open_with(
        dir: &Path,
        provider: Arc<dyn KeyProvider>,
        clock: Arc<dyn Clock>,
        policy: Policy,
    ) -> Result<Self, EngineError> {
        Self::open_for(dir, provider, clock, policy, Deployment::built_in()?)
    }

    /// Opens for an explicit deployment (its built-in issuer keys): tests, and tools serving several.
    pub fn open_for(
        dir: &Path,
        provider: Arc<dyn KeyProvider>,
        clock: Arc<dyn Clock>,
        policy: Policy,
        deployment: Deployment,
    ) -> Result<Self, EngineError> {
        // The deployment's list must be usable before any data is touched.
        crate::qr::TrustStore::from_list(deployment.trusted_keys.clone()).map_err(EngineError::TrustList)?;
        let store = Store::open(dir, provider.as_ref())?;
        let engine = Self {
            store: Mutex::new(Some(store)),
            provider,
            clock,
            policy,
            deployment,
            listeners: Listeners::default(),
            dir: dir.to_path_buf(),
        };
        // Visits whose stay ran out while the app was closed are closed on opening.
        engine.settle()?;
        Ok(engine)
    }

    /// The deployment this engine verifies codes for.
    pub fn deployment(&self) -> &Deployment {
        &self.deployment
    }

    // ---- events ----

    /// Subscribes `listener` to the engine's events (ADR 0018) until `unsubscribe`.
    pub fn subscribe(&self, listener: Arc<dyn EngineListener>) -> Subscription {
        self.listeners.add(listener)
    }

    /// Ends a subscription; false when it was not (any more) subscribed.
    pub fn unsubscribe(&self, subscription: Subscription) -> bool {
        self.listeners.remove(subscription)
    }

    pub(crate) fn emit(&self, event: EngineEvent) {
        self.listeners.emit(&event);
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The folder holding the store.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    fn lock(&self) -> MutexGuard<'_, Option<Store>> {
        // A panic while holding the lock cannot leave a half-written transaction (SQLite rolls it
        // back), so a poisoned lock still guards a consistent store.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` in one read transaction.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, EngineError>,
    ) -> Result<T, EngineError> {
        self.lock().as_mut().ok_or(EngineError::Wiped)?.read(f)
    }

    /// Runs `f` in one write transaction: committed together with everything it wrote (the change and
    /// its outbox entry), or rolled back entirely on any error, including a rule's refusal.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, EngineError>,
    ) -> Result<T, EngineError> {
        self.lock().as_mut().ok_or(EngineError::Wiped)?.write(f)
    }

    // ---- persons ----

    /// Adds a person: the account holder (`Relation::Myself`) or a dependant declared on their behalf.
    pub fn add_person(&self, relation: Relation) -> Result<Person, EngineError> {
        let person = Person {
            id: PersonId::random(),
            relation,
            created_at: self.now(),
        };
        self.write(|tx| Ok(tx.insert_person(&person)?))?;
        self.emit(EngineEvent::PersonsChanged);
        Ok(person)
    }

    /// Everyone on this device, in the order they were added.
    pub fn persons(&self) -> Result<Vec<Person>, EngineError> {
        self.read(|tx| Ok(tx.persons()?))
    }

    /// The account holder, once added.
    pub fn account_holder(&self) -> Result<Option<Person>, EngineError> {
        Ok(self
            .persons()?
            .into_iter()
            .find(|p| p.relation == Relation::Myself))
    }

    /// The account holder, added now if there is none yet.
    pub fn account_holder_or_add(&self) -> Result<Person, EngineError> {
        match self.account_holder()? {
            Some(me) => Ok(me),
            None => self.add_person(Relation::Myself),
        }
    }

    /// Removes a dependant with their declarations, episodes and reports. Changes already queued for
    /// the server stay queued. The account holder is refused: wiping the data deletes everything.
    pub fn remove_person(&self, id: PersonId) -> Result<(), EngineError> {
        self.write(|tx| {
            if tx
                .persons()?
                .iter()
                .any(|p| p.id == id && p.relation == Relation::Myself)
            {
                return Err(EngineError::Rejected(
                    super::error::Rejection::RemoveAccountHolder,
                ));
            }
            if tx.delete_person(id)? {
                Ok(())
            } else {
                Err(EngineError::NotFound(super::error::Missing::Person))
            }
        })?;
        self.emit(EngineEvent::PersonsChanged);
        Ok(())
    }

    // ---- outbox (for the sync client) ----

    /// Changes not yet received by the server, oldest first, at most `limit`.
    pub fn pending_outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>, EngineError> {
        self.read(|tx| Ok(tx.pending(limit)?))
    }

    /// How many changes wait to reach the server.
    pub fn pending_outbox_count(&self) -> Result<usize, EngineError> {
        self.read(|tx| Ok(tx.pending_count()?))
    }

    /// Records that the server has received `ids`; returns how many were pending.
    pub fn mark_outbox_sent(&self, ids: &[OutboxId]) -> Result<usize, EngineError> {
        self.write(|tx| Ok(tx.mark_sent(ids)?))
    }

    // ---- the whole store ----

    /// SQLite's structural check of the file: `"ok"` when sound.
    pub fn integrity_check(&self) -> Result<String, EngineError> {
        Ok(self
            .lock()
            .as_ref()
            .ok_or(EngineError::Wiped)?
            .integrity_check()?)
    }

    /// Deletes everything: all records, the database file with its `-wal` and `-shm`, and the key
    /// material the provider holds. Every later call on this engine answers `EngineError::Wiped`.
    pub fn wipe(&self) -> Result<(), EngineError> {
        let store = self.lock().take().ok_or(EngineError::Wiped)?;
        store.wipe(self.provider.as_ref())?;
        self.emit(EngineEvent::Purged);
        Ok(())
    }

    /// Runs `f` on the raw connection: tests inject failures and tamper with rows through it.
    #[cfg(test)]
    pub(crate) fn with_conn<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> T) -> T {
        let guard = self.lock();
        let store = guard.as_ref().unwrap_or_else(|| panic!("wiped"));
        f(store.conn())
    }

    /// Path of the database file (tests and diagnostics).
    pub fn database_path(&self) -> PathBuf {
        self.dir.join(crate::store::FILE_NAME)
    }
}
