//! Issuing keys: Ed25519 key pairs created at first start, stored sealed under the key-encryption key,
//! rotated with overlap (a retired key stops signing but stays published so codes it signed still verify),
//! public halves published in `/v1/keys` and the sync feed.

use std::sync::{Arc, RwLock};

use ring::digest::{SHA256, digest};
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use zeroize::Zeroizing;

use crate::error::Error;
use crate::feed::IssuerKeyEntry;
use crate::seal::Sealer;
use crate::store::{IssuerKeyRow, Millis, Store};

const TABLE: &str = "issuer_keys";

/// The key that signs now.
struct Signer {
    key_id: String,
    pair: Ed25519KeyPair,
}

/// The server's issuing keys.
#[derive(Clone)]
pub struct IssuerKeys {
    current: Arc<RwLock<Arc<Signer>>>,
}

impl std::fmt::Debug for IssuerKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IssuerKeys(..)")
    }
}

fn key_id_of(public: &[u8]) -> String {
    digest(&SHA256, public)
        .as_ref()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn open_signer(sealer: &Sealer, row: &IssuerKeyRow) -> Result<Signer, Error> {
    let pkcs8 = sealer.open(TABLE, row.key_id.as_bytes(), &row.sealed_private)?;
    let pair = Ed25519KeyPair::from_pkcs8(&pkcs8).map_err(|_| Error::Keys("stored key unreadable"))?;
    if pair.public_key().as_ref() != row.public_key.as_slice() {
        return Err(Error::Keys("stored key does not match its public key"));
    }
    Ok(Signer {
        key_id: row.key_id.clone(),
        pair,
    })
}

async fn create(store: &dyn Store, sealer: &Sealer, now: Millis) -> Result<Signer, Error> {
    let pkcs8 = Zeroizing::new(
        Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .map_err(|_| Error::Keys("key generation"))?
            .as_ref()
            .to_vec(),
    );
    let pair = Ed25519KeyPair::from_pkcs8(&pkcs8).map_err(|_| Error::Keys("key generation"))?;
    let public = pair.public_key().as_ref().to_vec();
    let key_id = key_id_of(&public);
    let sealed_private = sealer.seal(TABLE, key_id.as_bytes(), &pkcs8)?;
    store
        .insert_issuer_key(IssuerKeyRow {
            key_id: key_id.clone(),
            public_key: public,
            sealed_private,
            created_at: now,
            retired_at: None,
        })
        .await?;
    Ok(Signer { key_id, pair })
}

impl IssuerKeys {
    /// Loads the newest active key, creating the first one if there is none.
    pub async fn load_or_create(store: &dyn Store, sealer: &Sealer, now: Millis) -> Result<Self, Error> {
        let rows = store.issuer_keys().await?;
        let signer = match rows.iter().rev().find(|r| r.retired_at.is_none()) {
            Some(row) => open_signer(sealer, row)?,
            None => create(store, sealer, now).await?,
        };
        Ok(Self {
            current: Arc::new(RwLock::new(Arc::new(signer))),
        })
    }

    /// Creates a new key, retires the others, and signs with the new one from now on. Returns its id.
    pub async fn rotate(&self, store: &dyn Store, sealer: &Sealer, now: Millis) -> Result<String, Error> {
        let old: Vec<String> = store
            .issuer_keys()
            .await?
            .into_iter()
            .filter(|r| r.retired_at.is_none())
            .map(|r| r.key_id)
            .collect();
        let signer = create(store, sealer, now).await?;
        for id in old {
            store.retire_issuer_key(&id, now).await?;
        }
        let id = signer.key_id.clone();
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(signer);
        Ok(id)
    }

    /// Signs `msg`; returns the key id and the signature.
    pub fn sign(&self, msg: &[u8]) -> (String, Vec<u8>) {
        let signer = self
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        (signer.key_id.clone(), signer.pair.sign(msg).as_ref().to_vec())
    }

    /// The id and public key of the signing key.
    pub fn current_public(&self) -> (String, Vec<u8>) {
        let signer = self
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        (signer.key_id.clone(), signer.pair.public_key().as_ref().to_vec())
    }
}

/// The keys to publish: every key not retired more than `overlap` ago.
pub(crate) fn published(
    rows: &[IssuerKeyRow],
    now: Millis,
    overlap: chrono::Duration,
) -> Vec<IssuerKeyEntry> {
    rows.iter()
        .filter(|r| r.retired_at.is_none_or(|t| t + overlap.num_milliseconds() > now))
        .map(IssuerKeyEntry::of)
        .collect()
}
