//! Errors of sealing and of key management. None carries key material or plaintext.

use super::provider::ProviderKind;

/// Why a record could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// The bytes are not a sealed record at all (too short, wrong magic, bad length field).
    #[error("sealed record is malformed: {0}")]
    Malformed(&'static str),
    /// The record uses an envelope format version this build does not know.
    #[error("sealed record format version {0} is not supported")]
    UnsupportedVersion(u8),
    /// The record was sealed under another data-key generation than the key at hand.
    #[error("record was sealed with key generation {found}, the key at hand is generation {expected}")]
    KeyGeneration {
        /// Generation written in the record.
        found: u32,
        /// Generation of the key used to open it.
        expected: u32,
    },
    /// Authentication failed: the record was altered, moved to another row or column, or damaged.
    #[error("sealed record failed its integrity check (altered, moved or damaged)")]
    Integrity,
    /// A table, column or row name is longer than the format allows (a programming error).
    #[error("sealing context field too long")]
    ContextTooLong,
    /// The operating system's random number generator failed.
    #[error("random number generator failed")]
    Random,
    /// A key could not be built or derived.
    #[error("key derivation failed")]
    Derivation,
    /// The contents opened correctly but are not the structure expected (a programming or version error).
    /// Carries only serde's error category, never the text, which could quote personal data.
    #[error("sealed contents could not be decoded ({0})")]
    Decode(&'static str),
    /// A value could not be encoded before sealing.
    #[error("value could not be encoded for sealing")]
    Encode,
}

impl CryptoError {
    /// Maps a serde_json error to `Decode` without keeping its message (which may quote the data).
    pub(crate) fn decode(err: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        Self::Decode(match err.classify() {
            Category::Io => "io",
            Category::Syntax => "syntax",
            Category::Data => "data",
            Category::Eof => "eof",
        })
    }
}

/// Why keys could not be created, unlocked or destroyed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyProviderError {
    /// The key (passphrase, key-store secret, fixed key) does not open this store: the canary did not match.
    #[error("the key does not open this store")]
    WrongKey,
    /// The store was locked by another kind of provider than the one given.
    #[error("the store is locked with a {stored} key, not a {given} key")]
    ProviderMismatch {
        /// The kind recorded in the store.
        stored: ProviderKind,
        /// The kind of the provider given.
        given: ProviderKind,
    },
    /// The key store (operating system or platform) cannot be reached on this machine or right now.
    #[error("key store unavailable: {0}")]
    Unavailable(String),
    /// The key store is reachable but holds no key for this store.
    #[error("key store holds no key for this store")]
    NotFound,
    /// An empty passphrase was given, or the passphrase variable is unset.
    #[error("no passphrase given")]
    EmptyPassphrase,
    /// A passphrase chosen for a new store is too weak (an existing store opens with any).
    #[error(transparent)]
    WeakPassphrase(#[from] super::PassphraseWeakness),
    /// Stored key parameters are unreadable or below the minimum strength.
    #[error("stored key parameters are invalid: {0}")]
    BadParameters(&'static str),
    /// The platform's key store answered with an error.
    #[error("platform key store failed: {0}")]
    Platform(String),
    /// Sealing or opening failed while wrapping or unwrapping the data key.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}
