//! Where the key-encryption key comes from.
//!
//! A `KeyProvider` yields the 32-byte key-encryption key (KEK) of a store and can destroy whatever it
//! holds for it. Implementations here: a passphrase (PBKDF2-HMAC-SHA256), a platform key store reached
//! through a callback (Android Keystore, iOS Keychain), and a fixed key for tests. The desktop key store
//! is in `keyring.rs` behind the `keyring` feature.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;

use ring::pbkdf2;
use ring::rand::{SecureRandom, SystemRandom};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use super::error::{CryptoError, KeyProviderError};
use super::hex;
use super::keys::{KEY_LEN, KeyEncryptionKey};

/// The least number of PBKDF2-HMAC-SHA256 iterations accepted, for new and for existing stores
/// (OWASP's 2023 recommendation).
pub const PBKDF2_MIN_ITERATIONS: u32 = 600_000;
const SALT_LEN: usize = 16;

/// Which kind of provider locked a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    /// A passphrase the person types (or a script passes in an environment variable).
    Passphrase,
    /// The desktop operating system's key store (Secret Service, Keychain, Credential Manager).
    OsKeyStore,
    /// A mobile platform's key store, reached through `PlatformKeyStore`.
    Platform,
    /// A key the caller holds (tests, or a caller managing keys itself).
    Fixed,
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Passphrase => "passphrase",
            Self::OsKeyStore => "os_key_store",
            Self::Platform => "platform",
            Self::Fixed => "fixed",
        })
    }
}

/// What a provider stores beside the wrapped key to find or re-derive the key-encryption key. Public
/// values only: never a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KekParams {
    /// PBKDF2-HMAC-SHA256 of the passphrase (Unicode NFC) with this salt and iteration count.
    Passphrase {
        /// 16 random bytes drawn when the store was created.
        salt: [u8; SALT_LEN],
        /// Iterations (at least `PBKDF2_MIN_ITERATIONS`).
        iterations: u32,
    },
    /// A random key kept in the operating system's key store under the store's label.
    OsKeyStore,
    /// A random key kept by the mobile platform under the store's label.
    Platform,
    /// A key the caller supplies each time.
    Fixed,
}

impl KekParams {
    /// The kind of provider these parameters belong to.
    pub fn kind(&self) -> ProviderKind {
        match self {
            Self::Passphrase { .. } => ProviderKind::Passphrase,
            Self::OsKeyStore => ProviderKind::OsKeyStore,
            Self::Platform => ProviderKind::Platform,
            Self::Fixed => ProviderKind::Fixed,
        }
    }

    /// The text form kept in a store: `passphrase pbkdf2-hmac-sha256 <iterations> <hex salt>`,
    /// `os_key_store`, `platform` or `fixed`.
    pub fn encode(&self) -> String {
        match self {
            Self::Passphrase { salt, iterations } => {
                format!("passphrase pbkdf2-hmac-sha256 {iterations} {}", hex::encode(salt))
            }
            other => other.kind().to_string(),
        }
    }

    /// Parses the text form written by `encode`.
    pub fn decode(text: &str) -> Result<Self, KeyProviderError> {
        let mut words = text.split(' ');
        match (
            words.next(),
            words.next(),
            words.next(),
            words.next(),
            words.next(),
        ) {
            (Some("passphrase"), Some("pbkdf2-hmac-sha256"), Some(iterations), Some(salt), None) => {
                let iterations = iterations
                    .parse()
                    .map_err(|_| KeyProviderError::BadParameters("iterations"))?;
                let salt = hex::decode(salt)
                    .and_then(|s| <[u8; SALT_LEN]>::try_from(s).ok())
                    .ok_or(KeyProviderError::BadParameters("salt"))?;
                Ok(Self::Passphrase { salt, iterations })
            }
            (Some("os_key_store"), None, ..) => Ok(Self::OsKeyStore),
            (Some("platform"), None, ..) => Ok(Self::Platform),
            (Some("fixed"), None, ..) => Ok(Self::Fixed),
            _ => Err(KeyProviderError::BadParameters("unknown key provider")),
        }
    }
}

/// A source of key-encryption keys. Object-safe: stores take `&dyn KeyProvider`.
pub trait KeyProvider: Send + Sync + fmt::Debug {
    /// The kind of provider, recorded in the store.
    fn kind(&self) -> ProviderKind;

    /// Makes the key-encryption key of a new store named `label`, and the parameters to store with it.
    fn create(&self, label: &str) -> Result<(KeyEncryptionKey, KekParams), KeyProviderError>;

    /// Finds or re-derives the key-encryption key of the existing store `label` from its `params`.
    fn unlock(&self, label: &str, params: &KekParams) -> Result<KeyEncryptionKey, KeyProviderError>;

    /// Deletes whatever key material the provider itself holds for `label` (nothing for a passphrase).
    fn destroy(&self, label: &str) -> Result<(), KeyProviderError>;

    /// Whether this provider may lock a **new** store (a passphrase must be strong enough); asked before
    /// anything is written, so a refusal leaves no file behind.
    fn check_new(&self) -> Result<(), KeyProviderError> {
        Ok(())
    }
}

/// A passphrase stretched with PBKDF2-HMAC-SHA256. The passphrase is normalised to Unicode NFC so that
/// Vietnamese typed with different input methods gives the same key.
pub struct PassphraseProvider {
    passphrase: Zeroizing<String>,
    iterations: u32,
}

impl fmt::Debug for PassphraseProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PassphraseProvider(<redacted>, {} iterations)",
            self.iterations
        )
    }
}

impl PassphraseProvider {
    /// A provider for `passphrase`, with `PBKDF2_MIN_ITERATIONS` iterations for new stores.
    pub fn new(passphrase: impl Into<String>) -> Result<Self, KeyProviderError> {
        let raw = Zeroizing::new(passphrase.into());
        if raw.is_empty() {
            return Err(KeyProviderError::EmptyPassphrase);
        }
        let passphrase = Zeroizing::new(raw.nfc().collect::<String>());
        Ok(Self {
            passphrase,
            iterations: PBKDF2_MIN_ITERATIONS,
        })
    }

    /// A provider for the passphrase in environment variable `var` (for scripts and tests). Unset,
    /// empty or non-Unicode is `KeyProviderError::EmptyPassphrase`.
    pub fn from_env(var: &str) -> Result<Self, KeyProviderError> {
        let value = std::env::var_os(var).ok_or(KeyProviderError::EmptyPassphrase)?;
        let text = value
            .into_string()
            .map_err(|_| KeyProviderError::EmptyPassphrase)?;
        Self::new(text)
    }

    /// Uses `iterations` for new stores (at least `PBKDF2_MIN_ITERATIONS`).
    pub fn with_iterations(mut self, iterations: u32) -> Result<Self, KeyProviderError> {
        if iterations < PBKDF2_MIN_ITERATIONS {
            return Err(KeyProviderError::BadParameters("iterations below the minimum"));
        }
        self.iterations = iterations;
        Ok(self)
    }

    fn derive(&self, salt: &[u8; SALT_LEN], iterations: u32) -> Result<KeyEncryptionKey, KeyProviderError> {
        if iterations < PBKDF2_MIN_ITERATIONS {
            return Err(KeyProviderError::BadParameters("iterations below the minimum"));
        }
        let rounds = NonZeroU32::new(iterations).ok_or(KeyProviderError::BadParameters("iterations"))?;
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        pbkdf2::derive(
            pbkdf2::PBKDF2_HMAC_SHA256,
            rounds,
            salt,
            self.passphrase.as_bytes(),
            key.as_mut(),
        );
        Ok(KeyEncryptionKey::from_array(key))
    }
}

impl KeyProvider for PassphraseProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Passphrase
    }

    fn check_new(&self) -> Result<(), KeyProviderError> {
        Ok(super::check_new_passphrase(&self.passphrase)?)
    }

    fn create(&self, _label: &str) -> Result<(KeyEncryptionKey, KekParams), KeyProviderError> {
        self.check_new()?;
        let mut salt = [0u8; SALT_LEN];
        SystemRandom::new()
            .fill(&mut salt)
            .map_err(|_| CryptoError::Random)?;
        let kek = self.derive(&salt, self.iterations)?;
        Ok((
            kek,
            KekParams::Passphrase {
                salt,
                iterations: self.iterations,
            },
        ))
    }

    fn unlock(&self, _label: &str, params: &KekParams) -> Result<KeyEncryptionKey, KeyProviderError> {
        match params {
            KekParams::Passphrase { salt, iterations } => self.derive(salt, *iterations),
            other => Err(KeyProviderError::ProviderMismatch {
                stored: other.kind(),
                given: self.kind(),
            }),
        }
    }

    fn destroy(&self, _label: &str) -> Result<(), KeyProviderError> {
        // The passphrase is in the person's head; the wrapped key goes with the store's file.
        Ok(())
    }
}

/// Why a platform key store call failed. Simple on purpose: mobile bindings map their errors to it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformKeyError {
    /// The key store cannot be used now (locked device, no hardware, permission refused).
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Any other failure.
    #[error("failed: {0}")]
    Failed(String),
}

/// What a mobile platform implements (Android Keystore, iOS Keychain): keep, return and delete one
/// secret per name. Bytes in, bytes out; the secrets are random 32-byte keys.
pub trait PlatformKeyStore: Send + Sync + fmt::Debug {
    /// The secret stored under `name`, or `None` when there is none.
    fn load(&self, name: String) -> Result<Option<Vec<u8>>, PlatformKeyError>;
    /// Stores `secret` under `name`, replacing any previous one.
    fn save(&self, name: String, secret: Vec<u8>) -> Result<(), PlatformKeyError>;
    /// Deletes the secret under `name` (no error when there is none).
    fn delete(&self, name: String) -> Result<(), PlatformKeyError>;
}

fn platform_error(err: PlatformKeyError) -> KeyProviderError {
    match err {
        PlatformKeyError::Unavailable(why) => KeyProviderError::Unavailable(why),
        PlatformKeyError::Failed(why) => KeyProviderError::Platform(why),
    }
}

/// A random key-encryption key kept by the mobile platform.
#[derive(Debug, Clone)]
pub struct PlatformKeyProvider {
    store: Arc<dyn PlatformKeyStore>,
}

impl PlatformKeyProvider {
    /// A provider that keeps its keys in `store`.
    pub fn new(store: Arc<dyn PlatformKeyStore>) -> Self {
        Self { store }
    }
}

impl KeyProvider for PlatformKeyProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Platform
    }

    fn create(&self, label: &str) -> Result<(KeyEncryptionKey, KekParams), KeyProviderError> {
        let kek = KeyEncryptionKey::random()?;
        self.store
            .save(label.to_owned(), kek.expose().to_vec())
            .map_err(platform_error)?;
        Ok((kek, KekParams::Platform))
    }

    fn unlock(&self, label: &str, params: &KekParams) -> Result<KeyEncryptionKey, KeyProviderError> {
        if *params != KekParams::Platform {
            return Err(KeyProviderError::ProviderMismatch {
                stored: params.kind(),
                given: self.kind(),
            });
        }
        let secret = self
            .store
            .load(label.to_owned())
            .map_err(platform_error)?
            .ok_or(KeyProviderError::NotFound)?;
        let secret = Zeroizing::new(secret);
        KeyEncryptionKey::from_bytes(&secret)
    }

    fn destroy(&self, label: &str) -> Result<(), KeyProviderError> {
        self.store.delete(label.to_owned()).map_err(platform_error)
    }
}

/// A key the caller holds: for tests, and for callers that manage their own keys.
pub struct FixedKeyProvider {
    key: Zeroizing<[u8; KEY_LEN]>,
}

impl fmt::Debug for FixedKeyProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FixedKeyProvider(<redacted>)")
    }
}

impl FixedKeyProvider {
    /// A provider that always yields `key`.
    pub fn new(key: [u8; KEY_LEN]) -> Self {
        Self {
            key: Zeroizing::new(key),
        }
    }

    fn kek(&self) -> KeyEncryptionKey {
        KeyEncryptionKey::from_array(Zeroizing::new(*self.key))
    }
}

impl KeyProvider for FixedKeyProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Fixed
    }

    fn create(&self, _label: &str) -> Result<(KeyEncryptionKey, KekParams), KeyProviderError> {
        Ok((self.kek(), KekParams::Fixed))
    }

    fn unlock(&self, _label: &str, params: &KekParams) -> Result<KeyEncryptionKey, KeyProviderError> {
        if *params != KekParams::Fixed {
            return Err(KeyProviderError::ProviderMismatch {
                stored: params.kind(),
                given: self.kind(),
            });
        }
        Ok(self.kek())
    }

    fn destroy(&self, _label: &str) -> Result<(), KeyProviderError> {
        Ok(())
    }
}
