//! Issuing keys: Ed25519 keys (`tokhai_core::Signer`) created at first start, stored sealed under the
//! key-encryption key, rotated with overlap, published as a `TrustList` (`/v1/keys` and the sync feed).
//!
//! Key ids are small integers from 1 upward, never reused (ADR 0004). A key's period — from its creation
//! to its retirement — is the period in which it may *issue* codes; verifiers compare it with a code's
//! issue time, so codes signed before a rotation stay valid after it (the overlap), while new codes are
//! signed by the new key only.

use std::sync::{Arc, RwLock};

use tokhai_core::{CheckpointId, KeyId, Signer, TrustList};

use crate::error::Error;
use crate::feed::trusted_key;
use crate::seal::Sealer;
use crate::store::{IssuerKeyRow, Millis, Store};

const TABLE: &str = "issuer_keys";

/// The key that signs now, and the start of its period.
#[derive(Debug)]
pub(crate) struct Current {
    pub(crate) signer: Signer,
    pub(crate) not_before: Millis,
}

/// The server's issuing keys.
#[derive(Clone)]
pub struct IssuerKeys {
    current: Arc<RwLock<Arc<Current>>>,
}

impl std::fmt::Debug for IssuerKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IssuerKeys(..)")
    }
}

fn key_id(id: i64) -> Result<KeyId, Error> {
    u32::try_from(id)
        .map(KeyId)
        .map_err(|_| Error::Keys("key id out of range"))
}

fn open_signer(sealer: &Sealer, row: &IssuerKeyRow) -> Result<Current, Error> {
    let pkcs8 = sealer.open(TABLE, &row.key_id.to_be_bytes(), &row.sealed_private)?;
    let signer =
        Signer::from_pkcs8(key_id(row.key_id)?, &pkcs8).map_err(|_| Error::Keys("stored key unreadable"))?;
    if signer.public_key().as_slice() != row.public_key.as_slice() {
        return Err(Error::Keys("stored key does not match its public key"));
    }
    Ok(Current {
        signer,
        not_before: row.created_at,
    })
}

async fn create(store: &dyn Store, sealer: &Sealer, now: Millis) -> Result<Current, Error> {
    let next = store
        .issuer_keys()
        .await?
        .iter()
        .map(|k| k.key_id)
        .max()
        .unwrap_or(0)
        + 1;
    let (signer, pkcs8) = Signer::generate(key_id(next)?).map_err(|_| Error::Keys("key generation"))?;
    let sealed_private = sealer.seal(TABLE, &next.to_be_bytes(), &pkcs8)?;
    store
        .insert_issuer_key(IssuerKeyRow {
            key_id: next,
            public_key: signer.public_key().to_vec(),
            sealed_private,
            created_at: now,
            retired_at: None,
        })
        .await?;
    Ok(Current {
        signer,
        not_before: now,
    })
}

impl IssuerKeys {
    /// Loads the newest active key, creating the first one if there is none.
    pub(crate) async fn load_or_create(
        store: &dyn Store,
        sealer: &Sealer,
        now: Millis,
    ) -> Result<Self, Error> {
        let rows = store.issuer_keys().await?;
        let current = match rows.iter().rev().find(|r| r.retired_at.is_none()) {
            Some(row) => open_signer(sealer, row)?,
            None => create(store, sealer, now).await?,
        };
        Ok(Self {
            current: Arc::new(RwLock::new(Arc::new(current))),
        })
    }

    /// Creates a new key, retires the others (their period ends now), and signs with the new one from
    /// now on. Returns the new key's id.
    pub(crate) async fn rotate(&self, store: &dyn Store, sealer: &Sealer, now: Millis) -> Result<u32, Error> {
        let old: Vec<i64> = store
            .issuer_keys()
            .await?
            .into_iter()
            .filter(|r| r.retired_at.is_none())
            .map(|r| r.key_id)
            .collect();
        let current = create(store, sealer, now).await?;
        for id in old {
            store.retire_issuer_key(id, now).await?;
        }
        let id = current.signer.key_id().0;
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(current);
        Ok(id)
    }

    /// The signing key.
    pub(crate) fn current(&self) -> Arc<Current> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// The trust list clients verify codes with: every key and its period, and the revoked checkpoints.
pub(crate) async fn trust_list(store: &dyn Store) -> Result<TrustList, Error> {
    let keys = store
        .issuer_keys()
        .await?
        .iter()
        .filter_map(trusted_key)
        .collect();
    let revoked_checkpoints = store
        .revoked_checkpoints()
        .await?
        .into_iter()
        .filter_map(|id| u64::try_from(id).ok().map(CheckpointId))
        .collect();
    Ok(TrustList {
        keys,
        revoked_checkpoints,
        revoked_personal: vec![],
    })
}
