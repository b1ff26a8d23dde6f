//! The key hierarchy (decisions: `docs/adr/0002-encryption-at-rest.md`).
//!
//! ```text
//! KeyProvider ──► key-encryption key (KEK, 32 bytes: PBKDF2 of a passphrase, or a key-store secret)
//!                  ├─ HKDF "tokhai/v1/kek/wrap"   ─► wrapping key: seals the data key (the wrapped key)
//!                  └─ HKDF "tokhai/v1/kek/canary" ─► canary key: HMAC of the store id (detects a wrong key)
//! data key (DEK, 32 random bytes, generation n)
//!                  ├─ HKDF "tokhai/v1/dek/seal"   ─► sealing key (AES-256-GCM): every sealed record
//!                  └─ HKDF "tokhai/v1/dek/lookup" ─► look-up key (HMAC-SHA256): keyed hashes
//! ```
//!
//! Only the wrapped data key, the canary, the store id and the provider's public parameters are stored.

use std::fmt;

use ring::aead::{AES_256_GCM, UnboundKey};
use ring::hkdf::{HKDF_SHA256, Prk, Salt};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use super::envelope::{SealContext, Sealed, SealingKey};
use super::error::{CryptoError, KeyProviderError};
use super::provider::{KekParams, KeyProvider};

/// HKDF salt: fixed, public, and distinct from any other use of these keys.
const HKDF_SALT: &[u8] = b"tokhai key hierarchy v1";
const INFO_WRAP: &[u8] = b"tokhai/v1/kek/wrap";
const INFO_CANARY: &[u8] = b"tokhai/v1/kek/canary";
const INFO_SEAL: &[u8] = b"tokhai/v1/dek/seal";
const INFO_LOOKUP: &[u8] = b"tokhai/v1/dek/lookup";
const CANARY_MESSAGE: &[u8] = b"tokhai/v1/canary";

/// Length of every key in the hierarchy.
pub(crate) const KEY_LEN: usize = 32;

fn prk(key: &[u8; KEY_LEN]) -> Prk {
    Salt::new(HKDF_SHA256, HKDF_SALT).extract(key)
}

fn derive_aead(prk: &Prk, info: &[u8], generation: u32) -> Result<SealingKey, CryptoError> {
    let info = [info];
    let okm = prk
        .expand(&info, &AES_256_GCM)
        .map_err(|_| CryptoError::Derivation)?;
    Ok(SealingKey::new(UnboundKey::from(okm), generation))
}

fn derive_hmac(prk: &Prk, info: &[u8]) -> Result<hmac::Key, CryptoError> {
    let info = [info];
    let okm = prk
        .expand(&info, hmac::HMAC_SHA256)
        .map_err(|_| CryptoError::Derivation)?;
    Ok(hmac::Key::from(okm))
}

fn random_key(rng: &SystemRandom) -> Result<Zeroizing<[u8; KEY_LEN]>, CryptoError> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    rng.fill(key.as_mut()).map_err(|_| CryptoError::Random)?;
    Ok(key)
}

/// The key-encryption key a `KeyProvider` yields. Zeroised on drop, never printed, never cloned.
pub struct KeyEncryptionKey(Zeroizing<[u8; KEY_LEN]>);

impl fmt::Debug for KeyEncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyEncryptionKey(<redacted>)")
    }
}

impl KeyEncryptionKey {
    /// A key from exactly 32 bytes (e.g. a secret a platform key store returned). The caller zeroises
    /// its own copy.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyProviderError> {
        let array: [u8; KEY_LEN] = bytes
            .try_into()
            .map_err(|_| KeyProviderError::BadParameters("key length"))?;
        Ok(Self(Zeroizing::new(array)))
    }

    /// 32 fresh random bytes.
    pub(crate) fn random() -> Result<Self, CryptoError> {
        random_key(&SystemRandom::new()).map(Self)
    }

    pub(crate) fn from_array(bytes: Zeroizing<[u8; KEY_LEN]>) -> Self {
        Self(bytes)
    }

    /// The raw bytes, for a provider that must hand them to a key store.
    pub(crate) fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    fn canary(&self, store_id: &[u8]) -> Result<(hmac::Key, Vec<u8>), CryptoError> {
        let key = derive_hmac(&prk(&self.0), INFO_CANARY)?;
        let mut message = CANARY_MESSAGE.to_vec();
        message.extend_from_slice(store_id);
        Ok((key, message))
    }
}

/// Everything stored about a store's keys: public parameters and the wrapped data key, nothing secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// Random id of the store; names its key in a key store and binds the wrapped key and the canary.
    pub store_id: [u8; 16],
    /// Generation of the data key (1 for the first).
    pub generation: u32,
    /// What the provider needs to find or re-derive the key-encryption key (e.g. salt, iterations).
    pub params: KekParams,
    /// HMAC of the store id under a key derived from the key-encryption key.
    pub canary: [u8; 32],
    /// The data key, sealed under a key derived from the key-encryption key.
    pub wrapped: Sealed,
}

const WRAP_TABLE: &str = "key";
const WRAP_COLUMN: &str = "data_key";

impl KeyRecord {
    /// Creates the keys of a new store: asks `provider` for a key-encryption key, draws a data key and
    /// wraps it.
    pub fn create(
        provider: &dyn KeyProvider,
        store_id: [u8; 16],
    ) -> Result<(Self, StoreKeys), KeyProviderError> {
        let generation = 1;
        let (kek, params) = provider.create(&Self::label_of(&store_id))?;
        let (canary_key, message) = kek.canary(&store_id)?;
        let tag = hmac::sign(&canary_key, &message);
        let canary: [u8; 32] = tag.as_ref().try_into().map_err(|_| CryptoError::Derivation)?;
        let dek = random_key(&SystemRandom::new())?;
        let wrapping = derive_aead(&prk(kek.expose()), INFO_WRAP, generation)?;
        let wrapped = wrapping.seal_bytes(
            &SealContext::new(WRAP_TABLE, &store_id, WRAP_COLUMN),
            dek.as_ref(),
        )?;
        let keys = StoreKeys::derive(&dek, generation)?;
        Ok((
            Self {
                store_id,
                generation,
                params,
                canary,
                wrapped,
            },
            keys,
        ))
    }

    /// Unlocks an existing store's keys with `provider`. A key that does not match the canary is
    /// `KeyProviderError::WrongKey`; a wrapped key that fails to open under the right key is an integrity error.
    pub fn unlock(&self, provider: &dyn KeyProvider) -> Result<StoreKeys, KeyProviderError> {
        let stored = self.params.kind();
        if stored != provider.kind() {
            return Err(KeyProviderError::ProviderMismatch {
                stored,
                given: provider.kind(),
            });
        }
        let kek = provider.unlock(&self.label(), &self.params)?;
        let (canary_key, message) = kek.canary(&self.store_id)?;
        hmac::verify(&canary_key, &message, &self.canary).map_err(|_| KeyProviderError::WrongKey)?;
        let wrapping = derive_aead(&prk(kek.expose()), INFO_WRAP, self.generation)?;
        let plain = wrapping.open(
            &SealContext::new(WRAP_TABLE, &self.store_id, WRAP_COLUMN),
            &self.wrapped,
        )?;
        let dek: [u8; KEY_LEN] = plain
            .as_bytes()
            .try_into()
            .map_err(|_| CryptoError::Malformed("data key length"))?;
        let dek = Zeroizing::new(dek);
        Ok(StoreKeys::derive(&dek, self.generation)?)
    }

    /// The name under which a key store keeps this store's key: `tokhai-store-<hex store id>`.
    pub fn label(&self) -> String {
        Self::label_of(&self.store_id)
    }

    fn label_of(store_id: &[u8; 16]) -> String {
        format!("tokhai-store-{}", super::hex::encode(store_id))
    }
}

/// The working keys of an unlocked store. Never printed, never cloned; ring holds the expanded keys.
pub struct StoreKeys {
    sealing: SealingKey,
    lookup: LookupKey,
}

impl fmt::Debug for StoreKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "StoreKeys(generation {}, <redacted>)",
            self.sealing.generation()
        )
    }
}

impl StoreKeys {
    fn derive(dek: &Zeroizing<[u8; KEY_LEN]>, generation: u32) -> Result<Self, CryptoError> {
        let prk = prk(dek);
        Ok(Self {
            sealing: derive_aead(&prk, INFO_SEAL, generation)?,
            lookup: LookupKey(derive_hmac(&prk, INFO_LOOKUP)?),
        })
    }

    /// Keys derived from given data-key bytes (test vectors).
    #[cfg(test)]
    pub(crate) fn from_data_key(dek: [u8; KEY_LEN], generation: u32) -> Result<Self, CryptoError> {
        Self::derive(&Zeroizing::new(dek), generation)
    }

    /// Keys derived from a random data key that is not kept anywhere: for tests and benchmarks.
    pub fn ephemeral() -> Result<Self, CryptoError> {
        Self::derive(&random_key(&SystemRandom::new())?, 1)
    }

    /// The key that seals and opens records.
    pub fn sealing(&self) -> &SealingKey {
        &self.sealing
    }

    /// The key for keyed hashes of look-up columns.
    pub fn lookup(&self) -> &LookupKey {
        &self.lookup
    }
}

/// HMAC-SHA256 key for look-up columns: equal inputs give equal tags, and without the key a tag reveals
/// nothing about its input (no dictionary of phone or ID numbers can be built).
pub struct LookupKey(hmac::Key);

impl fmt::Debug for LookupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LookupKey(<redacted>)")
    }
}

impl LookupKey {
    /// A look-up key from 32 raw bytes (the server derives its own; the caller zeroises its copy).
    pub fn from_bytes(bytes: &[u8; KEY_LEN]) -> Self {
        Self(hmac::Key::new(hmac::HMAC_SHA256, bytes))
    }

    /// The tag of `value` in `domain` (e.g. `"person.id_number"`); domains keep equal values of different
    /// meaning apart.
    pub fn tag(&self, domain: &str, value: &[u8]) -> LookupTag {
        let mut ctx = hmac::Context::with_key(&self.0);
        // Length-prefixed so that ("ab", "c") and ("a", "bc") differ; domains are short constants.
        ctx.update(&(domain.len() as u64).to_be_bytes());
        ctx.update(domain.as_bytes());
        ctx.update(value);
        let mut out = [0u8; 32];
        for (o, b) in out.iter_mut().zip(ctx.sign().as_ref()) {
            *o = *b;
        }
        LookupTag(out)
    }
}

/// A keyed hash stored in a look-up column.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LookupTag([u8; 32]);

impl LookupTag {
    /// The tag's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for LookupTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LookupTag(<redacted>)")
    }
}
