//! The platform key store, implemented on the phone (Android Keystore, iOS Keychain) and handed to
//! `Tokhai::open`. It is core's `PlatformKeyStore` seam as a uniffi callback interface: bytes in, bytes out,
//! one random 32-byte key per name. Which key wraps the data key, and what a missing or wrong key means,
//! stays in core.

use std::fmt;

use tokhai_core::{PlatformKeyError, PlatformKeyStore};

/// Why the platform key store could not do what was asked. The platform code raises it (a Kotlin or
/// Swift exception, a Python exception); any other exception arrives as `Failed`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum KeyStoreError {
    /// The key store cannot be used now (device locked, before first unlock, no hardware).
    #[error("unavailable: {reason}")]
    Unavailable {
        /// Free text for logs; must hold no personal data.
        reason: String,
    },
    /// Any other failure.
    #[error("failed: {reason}")]
    Failed {
        /// Free text for logs; must hold no personal data.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for KeyStoreError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Failed { reason: e.reason }
    }
}

/// What the phone implements: keep, return and delete one secret per name.
#[uniffi::export(callback_interface)]
pub trait KeyStore: Send + Sync {
    /// The secret stored under `name`, or none.
    fn load(&self, name: String) -> Result<Option<Vec<u8>>, KeyStoreError>;
    /// Stores `secret` under `name`, replacing any previous one.
    fn save(&self, name: String, secret: Vec<u8>) -> Result<(), KeyStoreError>;
    /// Deletes the secret under `name` (no error when there is none).
    fn delete(&self, name: String) -> Result<(), KeyStoreError>;
}

/// Core's seam on top of the callback.
pub(crate) struct Platform(pub(crate) Box<dyn KeyStore>);

impl fmt::Debug for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Platform(<key store callback>)")
    }
}

fn to_core(e: KeyStoreError) -> PlatformKeyError {
    match e {
        KeyStoreError::Unavailable { reason } => PlatformKeyError::Unavailable(reason),
        KeyStoreError::Failed { reason } => PlatformKeyError::Failed(reason),
    }
}

impl PlatformKeyStore for Platform {
    fn load(&self, name: String) -> Result<Option<Vec<u8>>, PlatformKeyError> {
        self.0.load(name).map_err(to_core)
    }

    fn save(&self, name: String, secret: Vec<u8>) -> Result<(), PlatformKeyError> {
        self.0.save(name, secret).map_err(to_core)
    }

    fn delete(&self, name: String) -> Result<(), PlatformKeyError> {
        self.0.delete(name).map_err(to_core)
    }
}
