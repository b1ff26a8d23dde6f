//! The fallback code printed under a poster's QR, for typing when the camera cannot read it: the
//! checkpoint id in Crockford base32 (at least 7 digits), one Luhn mod 32 check character, grouped by
//! four (`0003-RJ0T`). Reading is tolerant of case, spaces, hyphens and O/0, I/L/1 confusions.
//!
//! The fallback code is not signed: it yields a checkpoint id only, never a `CheckpointRef`.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::i18n::{Localized, Msg};
use crate::ids::CheckpointId;

/// Crockford's base32 alphabet (no I, L, O, U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Minimum number of id digits (32^7 ≈ 3.4e10 ids), so every printed code has at least 8 characters.
const MIN_DIGITS: usize = 7;
/// 13 digits hold any u64.
const MAX_DIGITS: usize = 13;

/// A checkpoint's fallback code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FallbackCode(CheckpointId);

/// Why a typed fallback code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum FallbackError {
    /// Too few or too many characters.
    #[error("wrong length")]
    Length,
    /// A character that is not in the alphabet.
    #[error("invalid character")]
    Char,
    /// The check character does not match: a character was mistyped.
    #[error("check character does not match")]
    Check,
}

impl Localized for FallbackError {
    fn code(&self) -> &'static str {
        match self {
            Self::Length => "fallback_length",
            Self::Char => "fallback_char",
            Self::Check => "fallback_check",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::Length => Msg::new(
                "Mã điểm không đủ hoặc thừa ký tự. Hãy nhập đúng mã in dưới mã QR (ví dụ 0003-RJ0T).",
                "The code has too few or too many characters. Type the code printed under the QR (e.g. 0003-RJ0T).",
            ),
            Self::Char => Msg::new(
                "Mã điểm có ký tự không hợp lệ. Chỉ dùng chữ số và chữ cái in dưới mã QR.",
                "The code has an invalid character. Use only the digits and letters printed under the QR.",
            ),
            Self::Check => Msg::new(
                "Mã điểm bị nhập sai một ký tự. Hãy kiểm tra lại.",
                "A character of the code was mistyped. Please check it.",
            ),
        }
    }
}

fn value(c: u8) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        b'O' => b'0',
        b'I' | b'L' => b'1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .and_then(|p| u32::try_from(p).ok())
}

fn symbol(v: u32) -> char {
    ALPHABET.get(v as usize).map_or('0', |&b| char::from(b))
}

/// Luhn mod 32 sum over `digits` (rightmost digit has factor `first_factor`).
fn luhn_sum(digits: &[u32], first_factor: u32) -> u32 {
    let mut factor = first_factor;
    let mut sum = 0;
    for &d in digits.iter().rev() {
        let addend = factor * d;
        sum += addend / 32 + addend % 32;
        factor = if factor == 2 { 1 } else { 2 };
    }
    sum % 32
}

impl FallbackCode {
    /// The fallback code of a checkpoint.
    pub fn new(id: CheckpointId) -> Self {
        Self(id)
    }

    /// The checkpoint it names.
    pub fn id(&self) -> CheckpointId {
        self.0
    }

    fn digits(&self) -> Vec<u32> {
        let mut v = self.0.0;
        let mut digits = Vec::with_capacity(MAX_DIGITS + 1);
        while v > 0 || digits.len() < MIN_DIGITS {
            digits.push((v % 32) as u32);
            v /= 32;
        }
        digits.reverse();
        let check = (32 - luhn_sum(&digits, 2)) % 32;
        digits.push(check);
        digits
    }

    /// Reads a typed code; case, spaces, hyphens and dots are ignored, O reads as 0 and I/L as 1.
    pub fn parse(text: &str) -> Result<Self, FallbackError> {
        let mut digits = Vec::with_capacity(16);
        for c in text.bytes() {
            if matches!(c, b' ' | b'-' | b'.' | b'\t') {
                continue;
            }
            if digits.len() > MAX_DIGITS {
                return Err(FallbackError::Length);
            }
            digits.push(value(c).ok_or(FallbackError::Char)?);
        }
        if digits.len() < MIN_DIGITS + 1 {
            return Err(FallbackError::Length);
        }
        if luhn_sum(&digits, 1) != 0 {
            return Err(FallbackError::Check);
        }
        let mut id: u64 = 0;
        for &d in digits.iter().take(digits.len() - 1) {
            id = id
                .checked_mul(32)
                .and_then(|x| x.checked_add(u64::from(d)))
                .ok_or(FallbackError::Length)?;
        }
        Ok(Self(CheckpointId(id)))
    }
}

impl fmt::Display for FallbackCode {
    /// Groups of four, joined by hyphens.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.digits().into_iter().enumerate() {
            if i > 0 && i % 4 == 0 {
                f.write_str("-")?;
            }
            write!(f, "{}", symbol(d))?;
        }
        Ok(())
    }
}

impl FromStr for FallbackCode {
    type Err = FallbackError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
