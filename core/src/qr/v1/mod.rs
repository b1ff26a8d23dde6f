//! Format version 1 (FROZEN: `docs/protocol/qr.md` describes it; `docs/protocol/vectors/qr-v1.json`
//! holds vectors that the golden test decodes). Never edit the byte layout here: a change is a new
//! version in a new module.
//!
//! - `checkpoint.rs`: the checkpoint poster code (`TKC1:`).
//! - `personal.rs`: the personal code (`TKP1:`), signed or pending.

pub(crate) mod checkpoint;
pub(crate) mod personal;

use super::keys::KeyId;

/// Version digits after `TKC`/`TKP`.
pub(crate) const VERSION: &str = "1";

/// Length of an Ed25519 signature.
pub(crate) const SIG_LEN: usize = 64;

/// A decoded body: the payload and, when signed, the signing key, the signature and the length of the
/// signed bytes.
#[derive(Debug)]
pub(crate) struct Body<T> {
    pub(crate) payload: T,
    pub(crate) signature: Option<Signature>,
}

/// A signature and what it covers.
#[derive(Debug)]
pub(crate) struct Signature {
    pub(crate) key: KeyId,
    /// Bytes of the body that the signature covers (all before it).
    pub(crate) signed_len: usize,
    pub(crate) bytes: [u8; SIG_LEN],
}

/// The message that is signed: the domain-separation context, a zero byte, then the body bytes before
/// the signature. The context names the code kind and version, so a signature never transfers between
/// kinds or versions.
pub(crate) fn signing_input(context: &[u8], signed_body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(context.len() + 1 + signed_body.len());
    m.extend_from_slice(context);
    m.push(0);
    m.extend_from_slice(signed_body);
    m
}
