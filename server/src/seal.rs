//! Sealing personal data at rest and keyed hashes for look-up columns.
//!
//! TEMPORARY ADAPTER: a thin stand-in for `tokhai_core::crypto` (being built on the "store" branch). It
//! keeps the same envelope idea — magic, version, nonce, AES-256-GCM ciphertext from `ring`, associated data
//! binding each ciphertext to its table and row — and will be replaced by the core module when it lands.
//!
//! Envelope: `"TKS1"` ‖ nonce (12) ‖ ciphertext ‖ tag (16). Associated data:
//! `"tokhai-server/seal/v1" ‖ 0 ‖ table ‖ 0 ‖ row key`.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hkdf::{HKDF_SHA256, KeyType, Salt};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::{Zeroize, Zeroizing};

const MAGIC: &[u8; 4] = b"TKS1";

/// Errors of sealing and opening.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    /// Not an envelope of this version.
    #[error("sealed value has an unknown header")]
    Header,
    /// Wrong key, or the value was altered or moved to another row.
    #[error("sealed value does not open with this key")]
    Open,
    /// The system random generator failed.
    #[error("random generator failed")]
    Random,
    /// The key-encryption key is malformed.
    #[error("key-encryption key must be 32 bytes (base64)")]
    KeyFormat,
}

/// The key-encryption key (32 bytes) from which every server key is derived. Never printed.
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
}

struct Len(usize);
impl KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

fn derive(kek: &Kek, label: &[u8]) -> Result<Zeroizing<[u8; 32]>, SealError> {
    let prk = Salt::new(HKDF_SHA256, b"tokhai-server/kdf/v1").extract(kek.0.as_ref());
    let info = [label];
    let okm = prk.expand(&info, Len(32)).map_err(|_| SealError::KeyFormat)?;
    let mut out = Zeroizing::new([0u8; 32]);
    okm.fill(out.as_mut()).map_err(|_| SealError::KeyFormat)?;
    Ok(out)
}

/// Seals and opens records, computes look-up hashes. Keys are derived from the KEK and never leave here.
pub struct Sealer {
    aead: LessSafeKey,
    lookup: hmac::Key,
    rng: SystemRandom,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

fn aad(table: &str, row: &[u8]) -> Vec<u8> {
    let mut a = Vec::with_capacity(32 + table.len() + row.len());
    a.extend_from_slice(b"tokhai-server/seal/v1\0");
    a.extend_from_slice(table.as_bytes());
    a.push(0);
    a.extend_from_slice(row);
    a
}

impl Sealer {
    /// The sealer of a KEK.
    pub fn new(kek: &Kek) -> Result<Self, SealError> {
        let data = derive(kek, b"data-key")?;
        let lookup = derive(kek, b"lookup-key")?;
        let aead =
            LessSafeKey::new(UnboundKey::new(&AES_256_GCM, data.as_ref()).map_err(|_| SealError::KeyFormat)?);
        Ok(Self {
            aead,
            lookup: hmac::Key::new(hmac::HMAC_SHA256, lookup.as_ref()),
            rng: SystemRandom::new(),
        })
    }

    /// Seals `plain` for row `row` of `table`.
    pub fn seal(&self, table: &str, row: &[u8], plain: &[u8]) -> Result<Vec<u8>, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| SealError::Random)?;
        let mut buf = Vec::with_capacity(MAGIC.len() + NONCE_LEN + plain.len() + 16);
        buf.extend_from_slice(MAGIC);
        buf.extend_from_slice(&nonce);
        let mut body = plain.to_vec();
        self.aead
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(table, row)),
                &mut body,
            )
            .map_err(|_| SealError::Open)?;
        buf.extend_from_slice(&body);
        body.zeroize();
        Ok(buf)
    }

    /// Opens a value sealed for row `row` of `table`.
    pub fn open(&self, table: &str, row: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealError> {
        let rest = sealed.strip_prefix(MAGIC.as_slice()).ok_or(SealError::Header)?;
        if rest.len() < NONCE_LEN + 16 {
            return Err(SealError::Header);
        }
        let (nonce, ct) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Header)?;
        let mut buf = Zeroizing::new(ct.to_vec());
        let n = self
            .aead
            .open_in_place(nonce, Aad::from(aad(table, row)), buf.as_mut_slice())
            .map_err(|_| SealError::Open)?
            .len();
        buf.truncate(n);
        Ok(buf)
    }

    /// Keyed hash of `value` in look-up domain `domain` (e.g. "phone"), for equality look-ups.
    pub fn lookup(&self, domain: &str, value: &[u8]) -> Vec<u8> {
        let mut ctx = hmac::Context::with_key(&self.lookup);
        ctx.update(domain.as_bytes());
        ctx.update(&[0]);
        ctx.update(value);
        ctx.sign().as_ref().to_vec()
    }

    /// Verifies in constant time that `tag` is `lookup(domain, value)`.
    pub fn lookup_matches(&self, domain: &str, value: &[u8], tag: &[u8]) -> bool {
        let mut msg = Vec::with_capacity(domain.len() + 1 + value.len());
        msg.extend_from_slice(domain.as_bytes());
        msg.push(0);
        msg.extend_from_slice(value);
        hmac::verify(&self.lookup, &msg, tag).is_ok()
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
        let s = Sealer::new(&Kek::generate().unwrap()).unwrap();
        let sealed = s.seal("accounts", b"row1", b"+84912345678").unwrap();
        assert_eq!(
            s.open("accounts", b"row1", &sealed).unwrap().as_slice(),
            b"+84912345678"
        );
        assert_eq!(s.open("accounts", b"row2", &sealed).unwrap_err(), SealError::Open);
        assert_eq!(s.open("visits", b"row1", &sealed).unwrap_err(), SealError::Open);
        let other = Sealer::new(&Kek::generate().unwrap()).unwrap();
        assert_eq!(
            other.open("accounts", b"row1", &sealed).unwrap_err(),
            SealError::Open
        );
        assert_eq!(
            s.open("accounts", b"row1", b"TKS1short").unwrap_err(),
            SealError::Header
        );
    }

    #[test]
    fn lookup_is_keyed_and_domain_separated() {
        let s = Sealer::new(&Kek::generate().unwrap()).unwrap();
        assert_eq!(s.lookup("phone", b"x"), s.lookup("phone", b"x"));
        assert_ne!(s.lookup("phone", b"x"), s.lookup("id", b"x"));
        assert!(s.lookup_matches("phone", b"x", &s.lookup("phone", b"x")));
        let other = Sealer::new(&Kek::generate().unwrap()).unwrap();
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
