//! `TKP1:` personal codes. Layout (after base45 decoding):
//!
//! | field | encoding |
//! |---|---|
//! | flags | u8: bit 0 signed, bit 1 birth year; others 0 |
//! | pseudonym | 16 bytes |
//! | issued at | varint minutes since 2020-01-01T00:00Z |
//! | declared at | varint minutes |
//! | status | u8, 0..=3 |
//! | expires at | varint minutes (after issued-at) |
//! | initials | text, ≤ 4 characters, ≤ 16 bytes |
//! | birth year | varint, 1900..=2100, if flag |
//! | key id | varint (u32), if signed |
//! | signature | 64 bytes Ed25519 over `signing_input(CONTEXT, everything before)`, if signed |
//!
//! A pending (unsigned) code ends after the birth year.

use crate::qr::error::{EncodeError, Field, Malformed};
use crate::qr::keys::KeyId;
use crate::qr::payload::{PersonalPayload, PersonalStatus, Pseudonym};
use crate::qr::wire::{Reader, minutes, put_text, put_time, put_varint};

use super::{Body, SIG_LEN, Signature};

/// Scheme prefix.
pub(crate) const PREFIX: &str = "TKP1:";
/// Domain-separation context of the signature.
pub(crate) const CONTEXT: &[u8] = b"tokhai-qr-personal-v1";

const F_SIGNED: u8 = 1;
const F_BIRTH: u8 = 2;
const INITIALS_CHARS: usize = 4;
const INITIALS_MAX: usize = 16;
const BIRTH_YEARS: std::ops::RangeInclusive<u16> = 1900..=2100;

const STATUSES: [PersonalStatus; 4] = [
    PersonalStatus::NoSymptoms,
    PersonalStatus::Symptoms,
    PersonalStatus::Exposure,
    PersonalStatus::InQuarantine,
];

fn status_code(s: PersonalStatus) -> u8 {
    (0u8..).zip(STATUSES).find(|(_, x)| *x == s).map_or(0, |(i, _)| i)
}

/// The body of a pending code (`key` = None), or the signed part of a signed one (up to the key id).
pub(crate) fn encode_signed_part(p: &PersonalPayload, key: Option<KeyId>) -> Result<Vec<u8>, EncodeError> {
    if p.initials.chars().count() > INITIALS_CHARS {
        return Err(EncodeError::TooLong(Field::Initials));
    }
    if let Some(y) = p.birth_year
        && !BIRTH_YEARS.contains(&y)
    {
        return Err(EncodeError::OutOfRange(Field::BirthYear));
    }
    if minutes(p.expires_at, Field::Time)? <= minutes(p.issued_at, Field::Time)? {
        return Err(EncodeError::OutOfRange(Field::Window));
    }
    let mut flags = 0;
    if key.is_some() {
        flags |= F_SIGNED;
    }
    if p.birth_year.is_some() {
        flags |= F_BIRTH;
    }
    let mut out = Vec::with_capacity(48);
    out.push(flags);
    out.extend_from_slice(&p.pseudonym.0);
    put_time(&mut out, p.issued_at, Field::Time)?;
    put_time(&mut out, p.declared_at, Field::Time)?;
    out.push(status_code(p.status));
    put_time(&mut out, p.expires_at, Field::Time)?;
    put_text(&mut out, &p.initials, Field::Initials, INITIALS_MAX)?;
    if let Some(y) = p.birth_year {
        put_varint(&mut out, u64::from(y));
    }
    if let Some(k) = key {
        put_varint(&mut out, u64::from(k.0));
    }
    Ok(out)
}

/// Decodes a body; never panics.
pub(crate) fn decode(bytes: &[u8]) -> Result<Body<PersonalPayload>, Malformed> {
    let mut r = Reader::new(bytes);
    let flags = r.u8()?;
    if flags & !(F_SIGNED | F_BIRTH) != 0 {
        return Err(Malformed::Field(Field::Flags));
    }
    let mut pseudonym = [0u8; 16];
    pseudonym.copy_from_slice(r.bytes(16)?);
    let issued_at = r.time()?;
    let declared_at = r.time()?;
    let status = *STATUSES
        .get(usize::from(r.u8()?))
        .ok_or(Malformed::Field(Field::Status))?;
    let expires_at = r.time()?;
    if expires_at <= issued_at {
        return Err(Malformed::Field(Field::Window));
    }
    let initials = r.text(Field::Initials, INITIALS_MAX)?;
    if initials.chars().count() > INITIALS_CHARS {
        return Err(Malformed::Field(Field::Initials));
    }
    let birth_year = if flags & F_BIRTH != 0 {
        let y = u16::try_from(r.varint()?).map_err(|_| Malformed::Field(Field::BirthYear))?;
        if !BIRTH_YEARS.contains(&y) {
            return Err(Malformed::Field(Field::BirthYear));
        }
        Some(y)
    } else {
        None
    };
    let signature = if flags & F_SIGNED != 0 {
        let key = KeyId(r.varint_u32(Field::KeyId)?);
        let signed_len = bytes.len() - r.remaining();
        let mut sig = [0u8; SIG_LEN];
        sig.copy_from_slice(r.bytes(SIG_LEN)?);
        Some(Signature {
            key,
            signed_len,
            bytes: sig,
        })
    } else {
        None
    };
    if r.remaining() != 0 {
        return Err(Malformed::Length);
    }
    let payload = PersonalPayload {
        pseudonym: Pseudonym(pseudonym),
        issued_at,
        declared_at,
        status,
        expires_at,
        initials,
        birth_year,
    };
    Ok(Body { payload, signature })
}
