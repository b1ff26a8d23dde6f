//! QR payloads: signed checkpoint codes, personal codes, fallback codes, offline verification, and
//! (feature `render`) QR images, posters and cards. Normative spec: `docs/protocol/qr.md`.
//!
//! - `payload.rs`: what the codes carry (`CheckpointPayload`, `PersonalPayload`) and the encoded codes.
//! - `codec.rs`: text ↔ payload: scheme prefix, version dispatch, base45; pending personal codes.
//! - `v1/`: the frozen byte layouts of format version 1.
//! - `wire.rs`: varints, text (UTF-8 / VISCII), times; `viscii.rs`: the VISCII table; `base45.rs`.
//! - `keys.rs`: key ids, the `Signer`, the development key; `trust.rs`: `TrustStore` and verification.
//! - `fallback.rs`: the human-typable fallback code.
//! - `error.rs`: `QrError` (what verification answers), `Malformed`, encode and key errors.
//! - `render/` (feature `render`): SVG/PNG QR images, A4 posters and personal cards as PDF/PNG.
//! - `tests.rs`, `tamper_tests.rs`, `vectors.rs`: round trips, negative and tamper tests, test vectors.

mod base45;
mod codec;
mod error;
mod fallback;
mod keys;
mod payload;
mod trust;
mod v1;
mod viscii;
mod wire;

#[cfg(feature = "render")]
pub mod render;

#[cfg(test)]
mod tamper_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;

#[cfg(feature = "sync")]
pub(crate) use codec::signed_personal_from_server;
pub use codec::{Decoded, Unverified, decode, decode_checkpoint, decode_personal, encode_pending_personal};
pub use error::{CodeKind, EncodeError, Field, KeyError, Malformed, QrError};
pub use fallback::{FallbackCode, FallbackError};
#[cfg(any(test, feature = "dev-key"))]
#[cfg_attr(not(feature = "dev-key"), allow(unreachable_pub))]
pub use keys::dev;
pub use keys::{KeyId, SignError, Signer};
pub use payload::{
    CheckpointCode, CheckpointPayload, PersonalCode, PersonalPayload, PersonalStatus, Pseudonym,
};
pub use trust::{
    CLOCK_SKEW_MINUTES, TrustList, TrustStore, TrustedKey, VerifiedCheckpoint, VerifiedPersonal,
};
pub use wire::floor_to_minute;
