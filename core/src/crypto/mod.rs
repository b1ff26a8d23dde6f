//! Sealing at rest: the sealed-record envelope, the key hierarchy and the key providers.
//!
//! Always compiled (no feature gate): the phone seals its local store with it and the server reuses it to
//! seal at rest. The normative format is `docs/protocol/sealed-record.md`; the decisions are
//! `docs/adr/0002-encryption-at-rest.md`.
//!
//! - `envelope.rs`: the envelope format (v1), `Plaintext` and `Sealed` (distinct types), `SealContext`
//!   (the associated data that binds a ciphertext to its table, row and column), `SealingKey`.
//! - `keys.rs`: the key hierarchy: key-encryption key → wrapped data key → HKDF subkeys (sealing, look-up),
//!   the canary that detects a wrong key, `LookupKey` and `LookupTag` (HMAC-SHA256 for look-up columns).
//! - `provider.rs`: the `KeyProvider` trait and its passphrase (PBKDF2), platform callback and fixed
//!   implementations, and the parameters a provider stores beside the wrapped key.
//! - `keyring.rs` (feature `keyring`): the desktop operating system's key store.
//! - `hex.rs`: lower-case hex for the few binary values written as text.
//! - `error.rs`: `CryptoError` (envelope) and `KeyProviderError` (keys and providers).

mod envelope;
mod error;
mod hex;
#[cfg(feature = "keyring")]
mod keyring;
mod keys;
mod provider;
mod strength;

pub use envelope::{Plaintext, SealContext, Sealed, SealingKey};
pub use error::{CryptoError, KeyProviderError};
#[cfg(feature = "keyring")]
pub use keyring::OsKeyStoreProvider;
pub use keys::{KeyEncryptionKey, KeyRecord, LookupKey, LookupTag, StoreKeys};
pub use provider::{
    FixedKeyProvider, KekParams, KeyProvider, PBKDF2_MIN_ITERATIONS, PassphraseProvider, PlatformKeyError,
    PlatformKeyProvider, PlatformKeyStore, ProviderKind,
};
pub use strength::{MIN_PASSPHRASE_CHARS, PassphraseWeakness, check_new_passphrase};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;
