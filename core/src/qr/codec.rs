//! From text to payload and back: the scheme prefix, version dispatch and base45. Decoding here checks
//! structure only; `trust.rs` checks signatures.

use super::base45;
use super::error::{CodeKind, EncodeError, Malformed, QrError};
use super::keys::KeyId;
use super::payload::{CheckpointPayload, PersonalCode, PersonalPayload};
use super::v1;
use super::wire::floor_to_minute;

/// Longer texts are refused before any decoding (a v1 checkpoint code is at most ~620 characters).
pub(crate) const MAX_TEXT: usize = 1200;

/// A code that has been read but whose signature has not been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unverified<T> {
    payload: T,
    pub(crate) sig: Option<SigParts>,
}

/// The signature of a decoded code and the exact message it must cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SigParts {
    pub(crate) key: KeyId,
    pub(crate) message: Vec<u8>,
    pub(crate) signature: [u8; 64],
}

impl<T> Unverified<T> {
    /// The payload, NOT verified: for display with an "unverified" label, never for a decision.
    pub fn payload_unverified(&self) -> &T {
        &self.payload
    }

    /// The key the code claims to be signed by (None for a pending personal code).
    pub fn claimed_key(&self) -> Option<KeyId> {
        self.sig.as_ref().map(|s| s.key)
    }

    pub(crate) fn into_payload(self) -> T {
        self.payload
    }
}

/// A decoded tokhai code of either kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// A checkpoint code.
    Checkpoint(Unverified<CheckpointPayload>),
    /// A personal code (signed or pending).
    Personal(Unverified<PersonalPayload>),
}

/// Splits `TK<kind><version>:<base45>`; anything not starting like a tokhai code is `NotTokhai`.
fn split(text: &str) -> Result<(CodeKind, &str, &str), QrError> {
    let rest = text.strip_prefix("TK").ok_or(QrError::NotTokhai)?;
    let (kind, rest) = if let Some(r) = rest.strip_prefix('C') {
        (CodeKind::Checkpoint, r)
    } else if let Some(r) = rest.strip_prefix('P') {
        (CodeKind::Personal, r)
    } else {
        return Err(QrError::NotTokhai);
    };
    if !rest.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(QrError::NotTokhai);
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (version, after) = rest.split_at(digits);
    let body = after.strip_prefix(':').ok_or(Malformed::Header)?;
    if digits > 3 {
        return Err(Malformed::Header.into());
    }
    Ok((kind, version, body))
}

/// Reads a tokhai code of either kind, without checking its signature.
pub fn decode(text: &str) -> Result<Decoded, QrError> {
    let (kind, version, body) = split(text)?;
    if text.len() > MAX_TEXT {
        return Err(Malformed::Length.into());
    }
    if version != v1::VERSION {
        return Err(Malformed::Version.into());
    }
    let bytes = base45::decode(body)?;
    Ok(match kind {
        CodeKind::Checkpoint => {
            let b = v1::checkpoint::decode(&bytes)?;
            Decoded::Checkpoint(unverified(b, &bytes, v1::checkpoint::CONTEXT))
        }
        CodeKind::Personal => {
            let b = v1::personal::decode(&bytes)?;
            Decoded::Personal(unverified(b, &bytes, v1::personal::CONTEXT))
        }
    })
}

fn unverified<T>(b: v1::Body<T>, bytes: &[u8], context: &[u8]) -> Unverified<T> {
    let sig = b.signature.map(|s| SigParts {
        key: s.key,
        message: v1::signing_input(context, bytes.get(..s.signed_len).unwrap_or_default()),
        signature: s.bytes,
    });
    Unverified {
        payload: b.payload,
        sig,
    }
}

/// Reads a checkpoint code, without checking its signature.
pub fn decode_checkpoint(text: &str) -> Result<Unverified<CheckpointPayload>, QrError> {
    match decode(text)? {
        Decoded::Checkpoint(c) => Ok(c),
        Decoded::Personal(_) => Err(QrError::WrongKind {
            expected: CodeKind::Checkpoint,
            found: CodeKind::Personal,
        }),
    }
}

/// Reads a personal code, without checking its signature.
pub fn decode_personal(text: &str) -> Result<Unverified<PersonalPayload>, QrError> {
    match decode(text)? {
        Decoded::Personal(p) => Ok(p),
        Decoded::Checkpoint(_) => Err(QrError::WrongKind {
            expected: CodeKind::Personal,
            found: CodeKind::Checkpoint,
        }),
    }
}

/// The unsigned "pending" personal code the app shows until the declaration has synced. Verification
/// answers `QrError::Pending` for it.
pub fn encode_pending_personal(p: &PersonalPayload) -> Result<PersonalCode, EncodeError> {
    let body = v1::personal::encode_signed_part(p, None)?;
    let text = format!("{}{}", v1::personal::PREFIX, base45::encode(&body));
    Ok(PersonalCode {
        text,
        payload: normalized_personal(p),
        key: None,
    })
}

/// A signed personal code received from the server, kept as it came: decoded (not verified here; the
/// server that signed it sent it over an authenticated connection) and refused when unsigned.
#[cfg(feature = "sync")]
pub(crate) fn signed_personal_from_server(text: &str) -> Result<PersonalCode, QrError> {
    let code = decode_personal(text)?;
    let key = code.sig.as_ref().map(|s| s.key).ok_or(QrError::Pending)?;
    Ok(PersonalCode {
        text: text.to_owned(),
        payload: code.into_payload(),
        key: Some(key),
    })
}

/// The payload as decoding will return it (times to the minute).
pub(crate) fn normalized_personal(p: &PersonalPayload) -> PersonalPayload {
    PersonalPayload {
        issued_at: floor_to_minute(p.issued_at),
        declared_at: floor_to_minute(p.declared_at),
        expires_at: floor_to_minute(p.expires_at),
        ..p.clone()
    }
}
