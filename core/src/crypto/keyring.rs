//! The desktop operating system's key store (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows) through the `keyring` crate (v4, `v1` API). On a headless machine without a Secret
//! Service this fails with `KeyProviderError::Unavailable`, never silently falls back.

use zeroize::Zeroizing;

use super::error::KeyProviderError;
use super::keys::KeyEncryptionKey;
use super::provider::{KekParams, KeyProvider, ProviderKind};

/// Keeps a random key-encryption key per store in the OS key store, under service `service` (default
/// `"tokhai"`) and the store's label as the account name.
#[derive(Debug, Clone)]
pub struct OsKeyStoreProvider {
    service: String,
}

impl Default for OsKeyStoreProvider {
    fn default() -> Self {
        Self {
            service: "tokhai".to_owned(),
        }
    }
}

impl OsKeyStoreProvider {
    /// A provider under another service name (e.g. to keep test keys apart).
    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, label: &str) -> Result<keyring::Entry, KeyProviderError> {
        keyring::Entry::new(&self.service, label).map_err(map_error)
    }
}

fn map_error(err: keyring::Error) -> KeyProviderError {
    match err {
        keyring::Error::NoEntry => KeyProviderError::NotFound,
        keyring::Error::NoDefaultStore
        | keyring::Error::NoStorageAccess(_)
        | keyring::Error::PlatformFailure(_) => KeyProviderError::Unavailable(err.to_string()),
        other => KeyProviderError::Platform(other.to_string()),
    }
}

impl KeyProvider for OsKeyStoreProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::OsKeyStore
    }

    fn create(&self, label: &str) -> Result<(KeyEncryptionKey, KekParams), KeyProviderError> {
        let kek = KeyEncryptionKey::random()?;
        self.entry(label)?.set_secret(kek.expose()).map_err(map_error)?;
        Ok((kek, KekParams::OsKeyStore))
    }

    fn unlock(&self, label: &str, params: &KekParams) -> Result<KeyEncryptionKey, KeyProviderError> {
        if *params != KekParams::OsKeyStore {
            return Err(KeyProviderError::ProviderMismatch {
                stored: params.kind(),
                given: self.kind(),
            });
        }
        let secret = Zeroizing::new(self.entry(label)?.get_secret().map_err(map_error)?);
        KeyEncryptionKey::from_bytes(&secret)
    }

    fn destroy(&self, label: &str) -> Result<(), KeyProviderError> {
        match self.entry(label)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(map_error(err)),
        }
    }
}
