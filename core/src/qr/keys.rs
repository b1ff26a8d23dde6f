//! Issuer keys: the `Signer` the server signs with (an Ed25519 PKCS#8 key held in zeroizing memory) and
//! the key ids that name keys in codes. Trusted public keys live in `trust.rs`.

use std::fmt;

use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::error::{EncodeError, KeyError};
use super::payload::{CheckpointCode, CheckpointPayload, PersonalCode, PersonalPayload};
use super::v1;

/// The id of an issuer key, as codes name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KeyId(pub u32);

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An issuer's signing key. The PKCS#8 document is kept in zeroizing memory and the key pair is rebuilt
/// for each signature, so no long-lived copy of the private key exists outside it. `Debug` shows the key
/// id and the public key only; the type is deliberately not `Clone`.
pub struct Signer {
    key_id: KeyId,
    pkcs8: Zeroizing<Vec<u8>>,
    public: [u8; 32],
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("key_id", &self.key_id)
            .field("public_key", &hex(&self.public))
            .field("private_key", &"<redacted>")
            .finish()
    }
}

impl Signer {
    /// A signer from an Ed25519 PKCS#8 document (v2 as `ring` writes it, or v1 as `openssl genpkey`
    /// writes it). The caller's buffer is left to the caller; pass a `Zeroizing` one.
    pub fn from_pkcs8(key_id: KeyId, pkcs8: &[u8]) -> Result<Self, KeyError> {
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8).map_err(|_| KeyError::Pkcs8)?;
        let mut public = [0u8; 32];
        public.copy_from_slice(pair.public_key().as_ref());
        Ok(Self {
            key_id,
            pkcs8: Zeroizing::new(pkcs8.to_vec()),
            public,
        })
    }

    /// A fresh random key; returns the signer and its PKCS#8 document (to store in a key store).
    pub fn generate(key_id: KeyId) -> Result<(Self, Zeroizing<Vec<u8>>), KeyError> {
        let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| KeyError::Rng)?;
        let pkcs8 = Zeroizing::new(doc.as_ref().to_vec());
        let signer = Self::from_pkcs8(key_id, &pkcs8)?;
        Ok((signer, pkcs8))
    }

    /// A signer from a 32-byte Ed25519 seed (wrapped into a PKCS#8 v1 document, RFC 8410).
    pub fn from_seed(key_id: KeyId, seed: &[u8; 32]) -> Result<Self, KeyError> {
        const V1_PREFIX: [u8; 16] = [
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
        ];
        let mut doc = Zeroizing::new(Vec::with_capacity(48));
        doc.extend_from_slice(&V1_PREFIX);
        doc.extend_from_slice(seed);
        Self::from_pkcs8(key_id, &doc)
    }

    /// The id codes signed by this key carry.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The Ed25519 public key, to publish in trust lists.
    pub fn public_key(&self) -> [u8; 32] {
        self.public
    }

    fn sign(&self, message: &[u8]) -> Result<[u8; 64], KeyError> {
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&self.pkcs8).map_err(|_| KeyError::Pkcs8)?;
        let mut out = [0u8; 64];
        out.copy_from_slice(pair.sign(message).as_ref());
        Ok(out)
    }

    /// Signs a checkpoint code (format v1). A code whose validity ends at or before its issue time is
    /// refused: it would be printed and posted already expired, and every check-in at it refused.
    pub fn sign_checkpoint(&self, p: &CheckpointPayload) -> Result<CheckpointCode, SignError> {
        if p.valid_until.is_some_and(|until| until <= p.issued_at) {
            return Err(SignError::ExpiredAtIssue);
        }
        let mut body = v1::checkpoint::encode_signed_part(p, self.key_id)?;
        let sig = self.sign(&v1::signing_input(v1::checkpoint::CONTEXT, &body))?;
        body.extend_from_slice(&sig);
        let text = format!("{}{}", v1::checkpoint::PREFIX, super::base45::encode(&body));
        Ok(CheckpointCode {
            text,
            id: p.id,
            name: p.name.clone(),
        })
    }

    /// Signs a personal code (format v1), once its declaration has reached the server.
    pub fn sign_personal(&self, p: &PersonalPayload) -> Result<PersonalCode, SignError> {
        let mut body = v1::personal::encode_signed_part(p, Some(self.key_id))?;
        let sig = self.sign(&v1::signing_input(v1::personal::CONTEXT, &body))?;
        body.extend_from_slice(&sig);
        let text = format!("{}{}", v1::personal::PREFIX, super::base45::encode(&body));
        let payload = super::codec::normalized_personal(p);
        Ok(PersonalCode {
            text,
            payload,
            key: Some(self.key_id),
        })
    }
}

/// Why signing failed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// The payload does not fit the format.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// The key could not be used.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The code's validity ends at or before its issue time (an end date in the past).
    #[error("the validity ends before the code is issued")]
    ExpiredAtIssue,
}

impl crate::i18n::Localized for SignError {
    fn code(&self) -> &'static str {
        match self {
            Self::Encode(e) => e.code(),
            Self::Key(e) => e.code(),
            Self::ExpiredAtIssue => "qr_expired_at_issue",
        }
    }

    fn msg(&self) -> crate::i18n::Msg {
        match self {
            Self::Encode(e) => e.msg(),
            Self::Key(e) => e.msg(),
            Self::ExpiredAtIssue => crate::i18n::Msg::new(
                "Ngày hết hạn đã qua: mã sẽ hết hạn ngay khi in ra và mọi lượt check-in đều bị từ chối. Hãy chọn \
                 ngày hết hạn từ hôm nay trở đi (giờ Việt Nam).",
                "The end date has passed: the code would be expired as soon as it is printed, and every check-in \
                 refused. Choose an end date of today or later (Vietnam time).",
            ),
        }
    }
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        for nibble in [b >> 4, b & 15] {
            s.push(char::from(
                DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    s
}

/// Exactly `N` bytes from hex (either case).
pub(crate) fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let raw = s.as_bytes();
    if raw.len() != N * 2 {
        return None;
    }
    let mut out = [0u8; N];
    for (o, pair) in out.iter_mut().zip(raw.chunks(2)) {
        let text = std::str::from_utf8(pair).ok()?;
        *o = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}

/// The development key: its seed is public (SHA-256 of a fixed sentence), so it must never be trusted
/// by a production build. Only built for tests and with the `dev-key` feature.
#[cfg(any(test, feature = "dev-key"))]
#[cfg_attr(not(feature = "dev-key"), allow(unreachable_pub))]
pub mod dev {
    use super::{KeyError, KeyId, Signer};

    /// The development key's id; production keys use small ids from 1.
    pub const DEV_KEY_ID: KeyId = KeyId(65_000);

    const SEED_SENTENCE: &[u8] = b"tokhai development signing key - public, never trust in production";

    /// The development signer (deterministic: same key on every machine).
    pub fn signer() -> Result<Signer, KeyError> {
        let digest = ring::digest::digest(&ring::digest::SHA256, SEED_SENTENCE);
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(digest.as_ref());
        Signer::from_seed(DEV_KEY_ID, &seed)
    }
}
