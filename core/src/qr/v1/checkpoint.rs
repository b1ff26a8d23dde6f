//! `TKC1:` checkpoint codes. Layout (all after base45 decoding):
//!
//! | field | encoding |
//! |---|---|
//! | flags | u8: bit 0 parent, bit 1 default stay, bit 2 valid-from, bit 3 valid-until; others 0 |
//! | id | varint |
//! | parent | varint, if flag |
//! | kind | u8, 0..=11 |
//! | ward | varint (u32) |
//! | name | text, ≤ 180 bytes |
//! | street | text, ≤ 120 bytes |
//! | default stay | varint (u16) minutes, if flag |
//! | issued at | varint minutes since 2020-01-01T00:00Z |
//! | valid from | varint minutes, if flag |
//! | valid until | varint minutes, if flag (after valid-from) |
//! | key id | varint (u32) |
//! | signature | 64 bytes Ed25519 over `signing_input(CONTEXT, everything before)` |

use crate::ids::CheckpointId;
use crate::qr::error::{EncodeError, Field, Malformed};
use crate::qr::keys::KeyId;
use crate::qr::payload::CheckpointPayload;
use crate::qr::wire::{Reader, minutes, put_text, put_time, put_varint};
use crate::visit::CheckpointKind;

use super::{Body, SIG_LEN, Signature};

/// Scheme prefix.
pub(crate) const PREFIX: &str = "TKC1:";
/// Domain-separation context of the signature.
pub(crate) const CONTEXT: &[u8] = b"tokhai-qr-checkpoint-v1";

const F_PARENT: u8 = 1;
const F_STAY: u8 = 2;
const F_FROM: u8 = 4;
const F_UNTIL: u8 = 8;
const NAME_MAX: usize = 180;
const STREET_MAX: usize = 120;

/// The 12 kinds, in code order (code = index).
const KINDS: [CheckpointKind; 12] = [
    CheckpointKind::Office,
    CheckpointKind::School,
    CheckpointKind::Clinic,
    CheckpointKind::Market,
    CheckpointKind::Supermarket,
    CheckpointKind::Restaurant,
    CheckpointKind::Lodging,
    CheckpointKind::Transport,
    CheckpointKind::Factory,
    CheckpointKind::Worship,
    CheckpointKind::Event,
    CheckpointKind::Other,
];

fn kind_code(kind: CheckpointKind) -> u8 {
    (0u8..)
        .zip(KINDS)
        .find(|(_, k)| *k == kind)
        .map_or(11, |(i, _)| i)
}

/// The body up to and including the key id: the bytes the signature covers.
pub(crate) fn encode_signed_part(p: &CheckpointPayload, key: KeyId) -> Result<Vec<u8>, EncodeError> {
    let mut flags = 0;
    for (set, bit) in [
        (p.parent.is_some(), F_PARENT),
        (p.default_stay_minutes.is_some(), F_STAY),
        (p.valid_from.is_some(), F_FROM),
        (p.valid_until.is_some(), F_UNTIL),
    ] {
        if set {
            flags |= bit;
        }
    }
    if let (Some(from), Some(until)) = (p.valid_from, p.valid_until)
        && minutes(until, Field::Window)? <= minutes(from, Field::Window)?
    {
        return Err(EncodeError::OutOfRange(Field::Window));
    }
    let mut out = Vec::with_capacity(128);
    out.push(flags);
    put_varint(&mut out, p.id.0);
    if let Some(parent) = p.parent {
        put_varint(&mut out, parent.0);
    }
    out.push(kind_code(p.kind));
    put_varint(&mut out, u64::from(p.ward));
    put_text(&mut out, &p.name, Field::Name, NAME_MAX)?;
    put_text(&mut out, &p.street, Field::Street, STREET_MAX)?;
    if let Some(stay) = p.default_stay_minutes {
        put_varint(&mut out, u64::from(stay));
    }
    put_time(&mut out, p.issued_at, Field::Time)?;
    if let Some(from) = p.valid_from {
        put_time(&mut out, from, Field::Time)?;
    }
    if let Some(until) = p.valid_until {
        put_time(&mut out, until, Field::Time)?;
    }
    put_varint(&mut out, u64::from(key.0));
    Ok(out)
}

/// Decodes a body; never panics.
pub(crate) fn decode(bytes: &[u8]) -> Result<Body<CheckpointPayload>, Malformed> {
    let mut r = Reader::new(bytes);
    let flags = r.u8()?;
    if flags & !(F_PARENT | F_STAY | F_FROM | F_UNTIL) != 0 {
        return Err(Malformed::Field(Field::Flags));
    }
    let id = CheckpointId(r.varint()?);
    let parent = if flags & F_PARENT != 0 {
        Some(CheckpointId(r.varint()?))
    } else {
        None
    };
    let kind = *KINDS
        .get(usize::from(r.u8()?))
        .ok_or(Malformed::Field(Field::Kind))?;
    let ward = r.varint_u32(Field::Ward)?;
    let name = r.text(Field::Name, NAME_MAX)?;
    let street = r.text(Field::Street, STREET_MAX)?;
    let default_stay_minutes = if flags & F_STAY != 0 {
        Some(u16::try_from(r.varint()?).map_err(|_| Malformed::Field(Field::Stay))?)
    } else {
        None
    };
    let issued_at = r.time()?;
    let valid_from = if flags & F_FROM != 0 {
        Some(r.time()?)
    } else {
        None
    };
    let valid_until = if flags & F_UNTIL != 0 {
        Some(r.time()?)
    } else {
        None
    };
    if let (Some(from), Some(until)) = (valid_from, valid_until)
        && until <= from
    {
        return Err(Malformed::Field(Field::Window));
    }
    let key = KeyId(r.varint_u32(Field::KeyId)?);
    let signed_len = bytes.len() - r.remaining();
    let sig = r.bytes(SIG_LEN)?;
    if r.remaining() != 0 {
        return Err(Malformed::Length);
    }
    let mut sig_bytes = [0u8; SIG_LEN];
    sig_bytes.copy_from_slice(sig);
    let payload = CheckpointPayload {
        id,
        parent,
        name,
        kind,
        ward,
        street,
        default_stay_minutes,
        issued_at,
        valid_from,
        valid_until,
    };
    Ok(Body {
        payload,
        signature: Some(Signature {
            key,
            signed_len,
            bytes: sig_bytes,
        }),
    })
}
