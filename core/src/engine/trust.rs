//! The engine's trust store: the issuer keys and revocations a code is verified against, offline.
//!
//! Three sources, merged on every verification (a key id given two public keys is refused):
//! 1. **Built in**: the deployment's keys, fixed when the client is built (`Deployment::built_in`, from
//!    `TOKHAI_TRUSTED_KEYS_JSON` at build time; ADR 0004, `docs/deployment.md`). A fresh install that has
//!    never been online verifies the codes of the deployment it was built for.
//! 2. **Pulled**: the issuer keys and revocations of the sync feed (sealed in the `feed` table).
//! 3. **Added by hand**: lists the user trusted (`tokhai trust add`), sealed in a slot.
//!
//! Nothing of it is a plaintext file: a data folder holds only the sealed store.

use serde::{Deserialize, Serialize};

use super::error::EngineError;
use super::facade::Engine;
use crate::qr::{KeyError, TrustList, TrustStore};
use crate::store::Slot;

/// What a client build is configured for: the one place a deployment sets at build time.
///
/// `TOKHAI_TRUSTED_KEYS_JSON` (a `TrustList` in JSON, as `tokhai qr keygen --trust-out` or
/// `tokhai-server admin trust-list` write it), set in the environment of `cargo build`, becomes
/// [`Deployment::built_in`]'s keys; without it the build carries `core/data/trust/trusted-keys.json`,
/// which holds no key (fail closed). `./dev run` builds the CLI with the local server's key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    /// The issuer keys (and revocations) trusted from the first minute.
    pub trusted_keys: TrustList,
}

impl Deployment {
    /// The deployment this build was made for.
    pub fn built_in() -> Result<Self, EngineError> {
        Ok(Self {
            trusted_keys: TrustStore::builtin().map_err(EngineError::TrustList)?.to_list(),
        })
    }
}

impl Engine {
    /// The trust in force now: built-in keys, the keys and revocations pulled by sync, and the lists the
    /// user added.
    pub fn trust_store(&self) -> Result<TrustStore, EngineError> {
        let mut store =
            TrustStore::from_list(self.deployment().trusted_keys.clone()).map_err(EngineError::TrustList)?;
        let (added, pulled) = self.read(|tx| {
            let added: Option<TrustList> = tx.get_slot(Slot::UserTrust)?;
            Ok((added, self.pulled_trust(tx)?))
        })?;
        if let Some(list) = pulled {
            store.merge(list).map_err(EngineError::TrustList)?;
        }
        if let Some(list) = added {
            store.merge(list).map_err(EngineError::TrustList)?;
        }
        Ok(store)
    }

    /// The trust in force as a list (what `tokhai trust show` prints).
    pub fn trust_list(&self) -> Result<TrustList, EngineError> {
        Ok(self.trust_store()?.to_list())
    }

    /// Trusts the keys and revocations of `list` from now on (kept sealed). Refused, with nothing added,
    /// when it gives a key id already trusted another public key. Returns how many keys the list held.
    pub fn add_trust_list(&self, list: TrustList) -> Result<usize, EngineError> {
        let keys = list.keys.len();
        // The whole trust in force must still merge: a clash with a built-in or pulled key is refused too.
        let mut check = self.trust_store()?;
        check.merge(list.clone()).map_err(EngineError::TrustList)?;
        self.write(|tx| {
            let mut added = match tx.get_slot::<TrustList>(Slot::UserTrust)? {
                Some(l) => TrustStore::from_list(l).map_err(EngineError::TrustList)?,
                None => TrustStore::new(),
            };
            added.merge(list).map_err(EngineError::TrustList)?;
            Ok(tx.put_slot(Slot::UserTrust, &added.to_list())?)
        })?;
        self.emit(super::events::EngineEvent::TrustChanged);
        Ok(keys)
    }

    /// Trusts the list in `json` (a `TrustList`); see [`Engine::add_trust_list`].
    pub fn add_trust_json(&self, json: &str) -> Result<usize, EngineError> {
        let list: TrustList =
            serde_json::from_str(json).map_err(|e| EngineError::TrustList(KeyError::Json(e)))?;
        self.add_trust_list(list)
    }

    #[cfg(feature = "sync")]
    fn pulled_trust(&self, tx: &crate::store::Tx<'_>) -> Result<Option<TrustList>, EngineError> {
        crate::sync::feed_trust(tx).map(Some)
    }

    #[cfg(not(feature = "sync"))]
    fn pulled_trust(&self, _tx: &crate::store::Tx<'_>) -> Result<Option<TrustList>, EngineError> {
        Ok(None)
    }
}
