//! Issuing keys: Ed25519 keys (`tokhai_core::Signer`) created at first start, stored sealed under the
//! key-encryption key, rotated with overlap, published as a `TrustList` (`/v1/keys` and the sync feed).
//!
//! Key ids are small integers from 1 upward, never reused (ADR 0004). A key's period — from its creation
//! to its retirement — is the period in which it may *issue* codes; verifiers compare it with a code's
//! issue time, so codes signed before a rotation stay valid after it (the overlap), while new codes are
//! signed by the new key only.
//!
//! Several server instances share one database (ADR 0024): each keeps the signing key in memory and
//! re-reads the keys every `Config::key_refresh` (`refresh`, run by `AppState`'s background task), so a
//! rotation made through one instance is signed with by every other within that time. So that the codes
//! an instance signs meanwhile with the old key stay valid, a rotation ends the old key's period only
//! `rotation_overlap` after now (codes carry whole minutes, rounded up: hence the extra minute).

use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokhai_core::{CheckpointId, KeyId, Signer, TrustList};

use crate::error::Error;
use crate::feed::trusted_key;
use crate::seal::Sealer;
use crate::store::{IssuerKeyRow, Millis, Store, StoreError};

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

pub(crate) fn open_signer(sealer: &Sealer, row: &IssuerKeyRow) -> Result<Current, Error> {
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

/// How long after a rotation the old keys may still issue codes: twice the refresh interval of the
/// other instances, plus the minute that codes' issue times are rounded up to, on a whole minute.
pub(crate) fn rotation_overlap(refresh: Duration) -> Millis {
    let refresh_ms = Millis::try_from(refresh.as_millis()).unwrap_or(Millis::MAX / 4);
    refresh_ms.saturating_mul(2).saturating_add(60_000)
}

/// The newest key whose period has not been ended (by a rotation).
fn newest_active(rows: &[IssuerKeyRow]) -> Option<&IssuerKeyRow> {
    rows.iter()
        .filter(|r| r.retired_at.is_none())
        .max_by_key(|r| r.key_id)
}

impl IssuerKeys {
    /// Loads the newest active key, creating the first one if there is none. Instances starting together
    /// on an empty database may race to create it: the loser loads the winner's.
    pub(crate) async fn load_or_create(
        store: &dyn Store,
        sealer: &Sealer,
        now: Millis,
    ) -> Result<Self, Error> {
        let rows = store.issuer_keys().await?;
        let current = match newest_active(&rows) {
            Some(row) => open_signer(sealer, row)?,
            None => match create(store, sealer, now).await {
                Err(Error::Store(StoreError::Conflict)) => {
                    let rows = store.issuer_keys().await?;
                    open_signer(sealer, newest_active(&rows).ok_or(Error::Keys("no active key"))?)?
                }
                other => other?,
            },
        };
        Ok(Self {
            current: Arc::new(RwLock::new(Arc::new(current))),
        })
    }

    /// Re-reads the keys and signs with the newest active one from now on (a rotation made through
    /// another instance). Returns the new key's id when it changed.
    pub(crate) async fn refresh(&self, store: &dyn Store, sealer: &Sealer) -> Result<Option<u32>, Error> {
        let rows = store.issuer_keys().await?;
        let Some(row) = newest_active(&rows) else {
            return Ok(None);
        };
        if i64::from(self.current().signer.key_id().0) == row.key_id {
            return Ok(None);
        }
        let next = open_signer(sealer, row)?;
        let id = next.signer.key_id().0;
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(next);
        Ok(Some(id))
    }

    /// Creates a new key, ends the others' periods `overlap` from now (`rotation_overlap`), and signs
    /// with the new one from now on. Returns the new key's id.
    pub(crate) async fn rotate(
        &self,
        store: &dyn Store,
        sealer: &Sealer,
        now: Millis,
        overlap: Millis,
    ) -> Result<u32, Error> {
        let old: Vec<i64> = store
            .issuer_keys()
            .await?
            .into_iter()
            .filter(|r| r.retired_at.is_none())
            .map(|r| r.key_id)
            .collect();
        let current = create(store, sealer, now).await?;
        let until = (now + overlap + 59_999).div_euclid(60_000) * 60_000;
        for id in old {
            store.retire_issuer_key(id, until).await?;
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
