//! The sealed-record envelope, format version 1 (normative text: `docs/protocol/sealed-record.md`).
//!
//! ```text
//! offset  size  field
//!      0     4  magic "TKSR"
//!      4     1  format version (1)
//!      5     4  key generation, unsigned big-endian
//!      9    12  nonce (96 random bits from the operating system)
//!     21     n  ciphertext (AES-256-GCM)
//!   21+n    16  tag
//! ```
//!
//! Associated data (authenticated, not stored): the 21 header bytes, then the table, the row id and the
//! column, each preceded by its length as an unsigned 16-bit big-endian integer.

use std::fmt;

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use serde::Serialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use super::error::CryptoError;

/// The four bytes every sealed record starts with.
pub(crate) const MAGIC: [u8; 4] = *b"TKSR";
/// The envelope format this build writes.
pub(crate) const FORMAT_V1: u8 = 1;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// Magic, version, key generation and nonce.
pub(crate) const HEADER_LEN: usize = 4 + 1 + 4 + NONCE_LEN;
/// Bytes a sealed record adds to its plaintext.
pub(crate) const OVERHEAD: usize = HEADER_LEN + TAG_LEN;

/// Where a sealed value lives. It is authenticated with the value, so a sealed value copied to another
/// table, row or column (or a record of another format version) fails to open.
#[derive(Debug, Clone, Copy)]
pub struct SealContext<'a> {
    /// Table (or record type), e.g. `"visits"`.
    pub table: &'a str,
    /// The row's id, e.g. the 16 bytes of a random UUID.
    pub row: &'a [u8],
    /// Column (or field), e.g. `"body"`.
    pub column: &'a str,
}

impl<'a> SealContext<'a> {
    /// The context of `column` in row `row` of `table`.
    pub const fn new(table: &'a str, row: &'a [u8], column: &'a str) -> Self {
        Self { table, row, column }
    }

    /// The associated data for a record with this header.
    fn associated_data(&self, header: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut ad =
            Vec::with_capacity(header.len() + 6 + self.table.len() + self.row.len() + self.column.len());
        ad.extend_from_slice(header);
        for field in [self.table.as_bytes(), self.row, self.column.as_bytes()] {
            let len = u16::try_from(field.len()).map_err(|_| CryptoError::ContextTooLong)?;
            ad.extend_from_slice(&len.to_be_bytes());
            ad.extend_from_slice(field);
        }
        Ok(ad)
    }
}

/// Bytes before sealing or after opening. Zeroised on drop; its `Debug` shows only the length.
/// It cannot be written to a store or sent: only `Sealed` can.
pub struct Plaintext(Zeroizing<Vec<u8>>);

impl Plaintext {
    /// Takes ownership of `bytes`.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Plaintext(<{} bytes>)", self.0.len())
    }
}

/// A sealed record: the only form in which personal data may be written to disk or handed on.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed(Vec<u8>);

impl Sealed {
    /// Accepts bytes read back from storage after checking the envelope's outer shape (length, magic,
    /// version). Integrity is checked when it is opened.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, CryptoError> {
        parse_header(&bytes)?;
        Ok(Self(bytes))
    }

    /// The envelope's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The envelope's bytes, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// The data-key generation the record was sealed under.
    pub fn key_generation(&self) -> Option<u32> {
        parse_header(&self.0).ok().map(|h| h.generation)
    }
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealed(<{} bytes>)", self.0.len())
    }
}

struct Header {
    generation: u32,
    nonce: [u8; NONCE_LEN],
}

fn parse_header(bytes: &[u8]) -> Result<Header, CryptoError> {
    if bytes.len() < OVERHEAD {
        return Err(CryptoError::Malformed("shorter than the envelope"));
    }
    let (magic, rest) = bytes
        .split_first_chunk::<4>()
        .ok_or(CryptoError::Malformed("no magic"))?;
    if *magic != MAGIC {
        return Err(CryptoError::Malformed("wrong magic"));
    }
    let (&[version], rest) = rest
        .split_first_chunk::<1>()
        .ok_or(CryptoError::Malformed("no version"))?;
    if version != FORMAT_V1 {
        return Err(CryptoError::UnsupportedVersion(version));
    }
    let (generation, rest) = rest
        .split_first_chunk::<4>()
        .ok_or(CryptoError::Malformed("no key generation"))?;
    let (nonce, _) = rest
        .split_first_chunk::<NONCE_LEN>()
        .ok_or(CryptoError::Malformed("no nonce"))?;
    Ok(Header {
        generation: u32::from_be_bytes(*generation),
        nonce: *nonce,
    })
}

/// An AES-256-GCM key that seals and opens envelopes. Built only from derived key material (see
/// `keys.rs`); never printed, never cloned.
pub struct SealingKey {
    key: LessSafeKey,
    generation: u32,
    rng: SystemRandom,
}

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SealingKey(generation {}, <redacted>)", self.generation)
    }
}

impl SealingKey {
    /// A sealing key for `generation` from key material ring derived or holds.
    pub(crate) fn new(key: UnboundKey, generation: u32) -> Self {
        Self {
            key: LessSafeKey::new(key),
            generation,
            rng: SystemRandom::new(),
        }
    }

    /// A sealing key from 32 raw bytes (test vectors).
    #[cfg(test)]
    pub(crate) fn from_raw(bytes: &[u8; 32], generation: u32) -> Result<Self, CryptoError> {
        let key = UnboundKey::new(&ring::aead::AES_256_GCM, bytes).map_err(|_| CryptoError::Derivation)?;
        Ok(Self::new(key, generation))
    }

    /// The data-key generation this key belongs to.
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// Seals `plaintext` for `ctx` with a fresh random nonce.
    pub fn seal(&self, ctx: &SealContext<'_>, plaintext: &Plaintext) -> Result<Sealed, CryptoError> {
        self.seal_bytes(ctx, plaintext.as_bytes())
    }

    pub(crate) fn seal_bytes(&self, ctx: &SealContext<'_>, plaintext: &[u8]) -> Result<Sealed, CryptoError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| CryptoError::Random)?;
        self.seal_with_nonce(ctx, plaintext, nonce)
    }

    /// Seals with a given nonce: only for the frozen test vectors (a nonce must never repeat under a key).
    pub(super) fn seal_with_nonce(
        &self,
        ctx: &SealContext<'_>,
        plaintext: &[u8],
        nonce: [u8; NONCE_LEN],
    ) -> Result<Sealed, CryptoError> {
        let mut out = Vec::with_capacity(OVERHEAD + plaintext.len());
        out.extend_from_slice(&MAGIC);
        out.push(FORMAT_V1);
        out.extend_from_slice(&self.generation.to_be_bytes());
        out.extend_from_slice(&nonce);
        let ad = ctx.associated_data(&out)?;
        out.extend_from_slice(plaintext);
        let (_, body) = out
            .split_at_mut_checked(HEADER_LEN)
            .ok_or(CryptoError::Malformed("header"))?;
        let tag = self
            .key
            .seal_in_place_separate_tag(Nonce::assume_unique_for_key(nonce), Aad::from(ad), body)
            .map_err(|_| CryptoError::Encode)?;
        out.extend_from_slice(tag.as_ref());
        Ok(Sealed(out))
    }

    /// Opens `sealed`, which must have been sealed for exactly `ctx`.
    pub fn open(&self, ctx: &SealContext<'_>, sealed: &Sealed) -> Result<Plaintext, CryptoError> {
        let bytes = sealed.as_bytes();
        let header = parse_header(bytes)?;
        if header.generation != self.generation {
            return Err(CryptoError::KeyGeneration {
                found: header.generation,
                expected: self.generation,
            });
        }
        let (head, body) = bytes
            .split_at_checked(HEADER_LEN)
            .ok_or(CryptoError::Malformed("header"))?;
        let ad = ctx.associated_data(head)?;
        let mut buf = Zeroizing::new(body.to_vec());
        let len = self
            .key
            .open_in_place(
                Nonce::assume_unique_for_key(header.nonce),
                Aad::from(ad),
                &mut buf,
            )
            .map_err(|_| CryptoError::Integrity)?
            .len();
        buf.truncate(len);
        Ok(Plaintext(buf))
    }

    /// Serialises `value` as JSON (in a buffer zeroised afterwards) and seals it.
    pub fn seal_json<T: Serialize + ?Sized>(
        &self,
        ctx: &SealContext<'_>,
        value: &T,
    ) -> Result<Sealed, CryptoError> {
        let json = Zeroizing::new(serde_json::to_vec(value).map_err(|_| CryptoError::Encode)?);
        self.seal_bytes(ctx, &json)
    }

    /// Opens `sealed` and deserialises the JSON inside.
    pub fn open_json<T: DeserializeOwned>(
        &self,
        ctx: &SealContext<'_>,
        sealed: &Sealed,
    ) -> Result<T, CryptoError> {
        let plain = self.open(ctx, sealed)?;
        serde_json::from_slice(plain.as_bytes()).map_err(|e| CryptoError::decode(&e))
    }
}
