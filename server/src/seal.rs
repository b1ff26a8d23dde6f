//! Sealing personal data at rest, through `tokhai_core`'s crypto (`docs/protocol/sealed-record.md`): the
//! key-encryption key (from `TOKHAI_KEK` or the key file) wraps a random data key whose `KeyRecord` lives
//! in the database (`meta.key_record`); records are sealed with the data key's sealing subkey (AES-256-GCM,
//! associated data = table, row, column) and look-up columns are keyed hashes under its look-up subkey.
//! A wrong key-encryption key fails the record's canary and the server refuses to start.

use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use tokhai_core::{
    FixedKeyProvider, KekParams, KeyProviderError, KeyRecord, Plaintext, SealContext, Sealed, StoreKeys,
};
use zeroize::{Zeroize, Zeroizing};

use crate::store::Store;

/// The column name bound into every server ciphertext's associated data.
const COLUMN: &str = "sealed";
const RECORD_KEY: &str = "key_record";

/// Errors of sealing and opening.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    /// Wrong key, or the value was altered or moved to another row.
    #[error("sealed value does not open with this key")]
    Open,
    /// The key-encryption key does not open this database's keys.
    #[error("the key-encryption key does not open this database")]
    WrongKey,
    /// The system random generator failed.
    #[error("random generator failed")]
    Random,
    /// The key-encryption key or the stored key record is malformed.
    #[error("key material is malformed")]
    KeyFormat,
}

/// The key-encryption key (32 bytes). Never printed.
pub struct Kek(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for Kek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Kek(..)")
    }
}

impl Kek {
    /// A fresh random key.
    pub fn generate() -> Result<Self, SealError> {
        let mut k = Zeroizing::new([0u8; 32]);
        SystemRandom::new()
            .fill(k.as_mut())
            .map_err(|_| SealError::Random)?;
        Ok(Self(k))
    }

    /// Reads the base64 text form (whitespace ignored).
    pub fn from_base64(text: &str) -> Result<Self, SealError> {
        use base64::Engine as _;
        let clean: Zeroizing<String> = Zeroizing::new(text.chars().filter(|c| !c.is_whitespace()).collect());
        let mut bytes = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(clean.as_bytes())
                .map_err(|_| SealError::KeyFormat)?,
        );
        let arr: [u8; 32] = bytes.as_slice().try_into().map_err(|_| SealError::KeyFormat)?;
        bytes.zeroize();
        Ok(Self(Zeroizing::new(arr)))
    }

    /// The base64 text form (for writing a generated key file).
    pub fn to_base64(&self) -> Zeroizing<String> {
        use base64::Engine as _;
        Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(self.0.as_ref()))
    }

    fn provider(&self) -> FixedKeyProvider {
        FixedKeyProvider::new(*self.0)
    }
}

/// The stored form of a `KeyRecord` (public values only).
#[derive(Serialize, Deserialize)]
struct StoredRecord {
    store_id: Vec<u8>,
    generation: u32,
    params: String,
    canary: Vec<u8>,
    wrapped: Vec<u8>,
}

impl StoredRecord {
    fn of(r: &KeyRecord) -> Self {
        Self {
            store_id: r.store_id.to_vec(),
            generation: r.generation,
            params: r.params.encode(),
            canary: r.canary.to_vec(),
            wrapped: r.wrapped.as_bytes().to_vec(),
        }
    }

    fn record(&self) -> Result<KeyRecord, SealError> {
        Ok(KeyRecord {
            store_id: self
                .store_id
                .as_slice()
                .try_into()
                .map_err(|_| SealError::KeyFormat)?,
            generation: self.generation,
            params: KekParams::decode(&self.params).map_err(|_| SealError::KeyFormat)?,
            canary: self
                .canary
                .as_slice()
                .try_into()
                .map_err(|_| SealError::KeyFormat)?,
            wrapped: Sealed::from_bytes(self.wrapped.clone()).map_err(|_| SealError::KeyFormat)?,
        })
    }
}

/// Seals and opens records, computes look-up hashes. Keys never leave it.
pub struct Sealer {
    keys: StoreKeys,
    rng: SystemRandom,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// Unlocks the database's keys with `kek`, creating them on first start.
    pub async fn open_or_create(store: &dyn Store, kek: &Kek) -> Result<Self, crate::error::Error> {
        let provider = kek.provider();
        let fresh = match store.meta(RECORD_KEY).await? {
            Some(_) => None,
            None => {
                let mut store_id = [0u8; 16];
                SystemRandom::new()
                    .fill(&mut store_id)
                    .map_err(|_| SealError::Random)?;
                let (record, _) = KeyRecord::create(&provider, store_id).map_err(|_| SealError::KeyFormat)?;
                Some(serde_json::to_vec(&StoredRecord::of(&record)).map_err(|_| SealError::KeyFormat)?)
            }
        };
        let stored = match fresh {
            // Several servers may start at once: whichever record was stored first is the one.
            Some(bytes) => store.meta_insert_or_get(RECORD_KEY, bytes).await?,
            None => store.meta(RECORD_KEY).await?.ok_or(SealError::KeyFormat)?,
        };
        let record: StoredRecord = serde_json::from_slice(&stored).map_err(|_| SealError::KeyFormat)?;
        let keys = record.record()?.unlock(&provider).map_err(|e| match e {
            KeyProviderError::WrongKey => SealError::WrongKey,
            _ => SealError::KeyFormat,
        })?;
        Ok(Self {
            keys,
            rng: SystemRandom::new(),
        })
    }

    /// A sealer with keys that are not kept anywhere (unit tests).
    pub fn ephemeral() -> Result<Self, SealError> {
        Ok(Self {
            keys: StoreKeys::ephemeral().map_err(|_| SealError::Random)?,
            rng: SystemRandom::new(),
        })
    }

    /// Seals `plain` for row `row` of `table`.
    pub fn seal(&self, table: &str, row: &[u8], plain: &[u8]) -> Result<Vec<u8>, SealError> {
        let sealed = self
            .keys
            .sealing()
            .seal(
                &SealContext::new(table, row, COLUMN),
                &Plaintext::new(plain.to_vec()),
            )
            .map_err(|_| SealError::Random)?;
        Ok(sealed.into_bytes())
    }

    /// Opens a value sealed for row `row` of `table`.
    pub fn open(&self, table: &str, row: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealError> {
        let sealed = Sealed::from_bytes(sealed.to_vec()).map_err(|_| SealError::Open)?;
        let plain = self
            .keys
            .sealing()
            .open(&SealContext::new(table, row, COLUMN), &sealed)
            .map_err(|_| SealError::Open)?;
        Ok(Zeroizing::new(plain.as_bytes().to_vec()))
    }

    /// Keyed hash of `value` in look-up domain `domain` (e.g. "phone"), for equality look-ups.
    pub fn lookup(&self, domain: &str, value: &[u8]) -> Vec<u8> {
        self.keys.lookup().tag(domain, value).as_bytes().to_vec()
    }

    /// Whether `tag` is `lookup(domain, value)`, compared in constant time.
    pub fn lookup_matches(&self, domain: &str, value: &[u8], tag: &[u8]) -> bool {
        let mine = self.lookup(domain, value);
        mine.len() == tag.len() && mine.iter().zip(tag).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }

    /// Random bytes.
    pub fn random<const N: usize>(&self) -> Result<[u8; N], SealError> {
        let mut b = [0u8; N];
        self.rng.fill(&mut b).map_err(|_| SealError::Random)?;
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_binds_table_and_row() {
        let s = Sealer::ephemeral().unwrap();
        let sealed = s.seal("accounts", b"row1", b"+84912345678").unwrap();
        assert_eq!(
            s.open("accounts", b"row1", &sealed).unwrap().as_slice(),
            b"+84912345678"
        );
        assert_eq!(s.open("accounts", b"row2", &sealed).unwrap_err(), SealError::Open);
        assert_eq!(s.open("visits", b"row1", &sealed).unwrap_err(), SealError::Open);
        let other = Sealer::ephemeral().unwrap();
        assert_eq!(
            other.open("accounts", b"row1", &sealed).unwrap_err(),
            SealError::Open
        );
        assert_eq!(
            s.open("accounts", b"row1", b"short").unwrap_err(),
            SealError::Open
        );
    }

    #[test]
    fn lookup_is_keyed_and_domain_separated() {
        let s = Sealer::ephemeral().unwrap();
        assert_eq!(s.lookup("phone", b"x"), s.lookup("phone", b"x"));
        assert_ne!(s.lookup("phone", b"x"), s.lookup("id", b"x"));
        assert!(s.lookup_matches("phone", b"x", &s.lookup("phone", b"x")));
        assert!(!s.lookup_matches("phone", b"y", &s.lookup("phone", b"x")));
        let other = Sealer::ephemeral().unwrap();
        assert_ne!(s.lookup("phone", b"x"), other.lookup("phone", b"x"));
    }

    #[test]
    fn kek_text_round_trip() {
        let k = Kek::generate().unwrap();
        let back = Kek::from_base64(&k.to_base64()).unwrap();
        assert_eq!(k.0.as_ref(), back.0.as_ref());
        assert!(Kek::from_base64("c2hvcnQ=").is_err());
    }
}
