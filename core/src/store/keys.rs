//! The key record in the `meta` table: created with a new store, unlocked on every open.
//!
//! Rows: `key.store_id` (16 random bytes), `key.generation` (integer), `key.params` (the provider's
//! public parameters, text), `key.canary` (32 bytes), `key.wrapped` (the sealed data key).

use rusqlite::{OptionalExtension, Transaction, params};

use super::error::StoreError;
use crate::crypto::{KekParams, KeyProvider, KeyRecord, Sealed, StoreKeys};

const STORE_ID: &str = "key.store_id";
const GENERATION: &str = "key.generation";
const PARAMS: &str = "key.params";
const CANARY: &str = "key.canary";
const WRAPPED: &str = "key.wrapped";

/// Unlocks the store's keys with `provider`, or creates them when the store is new.
pub(crate) fn unlock_or_create(
    tx: &Transaction<'_>,
    provider: &dyn KeyProvider,
) -> Result<(KeyRecord, StoreKeys), StoreError> {
    match load(tx)? {
        Some(record) => {
            let keys = record.unlock(provider)?;
            Ok((record, keys))
        }
        None => {
            if holds_records(tx)? {
                return Err(StoreError::KeyRecord("missing while the store holds records"));
            }
            let mut store_id = [0u8; 16];
            ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut store_id)
                .map_err(|_| StoreError::KeyRecord("no randomness for a store id"))?;
            let (record, keys) = KeyRecord::create(provider, store_id)?;
            save(tx, &record)?;
            Ok((record, keys))
        }
    }
}

fn holds_records(tx: &Transaction<'_>) -> Result<bool, StoreError> {
    Ok(tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM persons) OR EXISTS (SELECT 1 FROM visits)
             OR EXISTS (SELECT 1 FROM outbox) OR EXISTS (SELECT 1 FROM quarantine_episodes)",
        [],
        |r| r.get(0),
    )?)
}

fn get_blob(tx: &Transaction<'_>, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(tx
        .query_row("SELECT value FROM meta WHERE name = ?1", [name], |r| r.get(0))
        .optional()?)
}

fn load(tx: &Transaction<'_>) -> Result<Option<KeyRecord>, StoreError> {
    let Some(store_id) = get_blob(tx, STORE_ID)? else {
        return Ok(None);
    };
    let bad = StoreError::KeyRecord;
    let store_id: [u8; 16] = store_id.try_into().map_err(|_| bad("store id"))?;
    let generation: Option<i64> = tx
        .query_row("SELECT value FROM meta WHERE name = ?1", [GENERATION], |r| {
            r.get(0)
        })
        .optional()?;
    let generation = generation
        .and_then(|g| u32::try_from(g).ok())
        .ok_or(bad("generation"))?;
    let params: Option<String> = tx
        .query_row("SELECT value FROM meta WHERE name = ?1", [PARAMS], |r| r.get(0))
        .optional()?;
    let params = KekParams::decode(&params.ok_or(bad("params"))?)?;
    let canary: [u8; 32] = get_blob(tx, CANARY)?
        .and_then(|c| c.try_into().ok())
        .ok_or(bad("canary"))?;
    let wrapped = get_blob(tx, WRAPPED)?.ok_or(bad("wrapped key"))?;
    let wrapped = Sealed::from_bytes(wrapped).map_err(|_| bad("wrapped key"))?;
    Ok(Some(KeyRecord {
        store_id,
        generation,
        params,
        canary,
        wrapped,
    }))
}

fn save(tx: &Transaction<'_>, record: &KeyRecord) -> Result<(), StoreError> {
    let mut put = tx.prepare("INSERT INTO meta (name, value) VALUES (?1, ?2)")?;
    put.execute(params![STORE_ID, &record.store_id[..]])?;
    put.execute(params![GENERATION, i64::from(record.generation)])?;
    put.execute(params![PARAMS, record.params.encode()])?;
    put.execute(params![CANARY, &record.canary[..]])?;
    put.execute(params![WRAPPED, record.wrapped.as_bytes()])?;
    Ok(())
}

/// Forgets the wrapped data key (first step of a wipe): without it the sealed records cannot be opened.
pub(crate) fn forget(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute("DELETE FROM meta WHERE name LIKE 'key.%'", [])?;
    Ok(())
}
