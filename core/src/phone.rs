//! Vietnamese phone numbers: the forms people type and paste ("0912 345 678", "+84912345678",
//! "84 912 345 678", "(+84) 912-345-678", "0084 912 345 678", "84 0912 345 678", "(84) 0912…",
//! full-width digits, Unicode dashes, invisible characters from a copied web page) normalised to E.164
//! ("+84912345678").
//!
//! - `text.rs`: folding of pasted text (full-width forms, dashes, spaces, invisible format characters);
//! - `plan.rs`: the numbering plan (mobile blocks, area codes, the 2018 conversion) with its sources;
//! - here: the country code and trunk 0, the length, the error of each refusal.
//!
//! A number is a national significant number (NSN, the digits after +84): a mobile is 9 digits in a
//! block a network holds, a fixed line 10 digits under a province's area code. The old 11-digit mobile
//! numbers (01xx…), converted to 10 digits in 2018, get their own error with the new prefix.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

mod error;
mod plan;
mod text;

pub use error::PhoneError;
use plan::{Block, LANDLINE_NSN_DIGITS, MOBILE_NSN_DIGITS};

/// A Vietnamese phone number in E.164 form ("+84912345678"). Only [`Phone::parse`] makes one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

/// What kind of line a number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    /// Di động: 03x, 05x, 07x, 08x, 09x.
    Mobile,
    /// Cố định: 02xx.
    Landline,
}

/// Longest input looked at; anything longer is certainly not a phone number.
const MAX_INPUT_CHARS: usize = 64;

impl Phone {
    /// Parses a Vietnamese number in any common written or pasted form.
    pub fn parse(text: &str) -> Result<Self, PhoneError> {
        if text.chars().nth(MAX_INPUT_CHARS).is_some() {
            return Err(PhoneError::Length {
                expected: MOBILE_NSN_DIGITS,
            });
        }
        let (plus, digits) = digits_of(text)?;
        let nsn = national_number(plus, &digits)?;
        let expected = match plan::block(nsn) {
            Block::Mobile => MOBILE_NSN_DIGITS,
            Block::Landline => LANDLINE_NSN_DIGITS,
            Block::TooShort => {
                let landline = nsn.starts_with('2');
                return Err(PhoneError::Length {
                    expected: if landline {
                        LANDLINE_NSN_DIGITS
                    } else {
                        MOBILE_NSN_DIGITS
                    },
                });
            }
            Block::Converted(old, new) => {
                return Err(PhoneError::OldMobileNumber { old, new });
            }
            Block::Service => return Err(PhoneError::ServiceNumber),
            Block::Unassigned => return Err(PhoneError::Unassigned),
            Block::Unknown => return Err(PhoneError::Prefix),
        };
        if nsn.len() != expected {
            return Err(PhoneError::Length { expected });
        }
        Ok(Self(format!("+84{nsn}")))
    }

    /// Parses a number that must receive an SMS (a one-time code): a landline is refused with
    /// [`PhoneError::NotMobile`].
    pub fn parse_mobile(text: &str) -> Result<Self, PhoneError> {
        let phone = Self::parse(text)?;
        match phone.kind() {
            PhoneKind::Mobile => Ok(phone),
            PhoneKind::Landline => Err(PhoneError::NotMobile),
        }
    }

    /// The number in E.164 form: "+84912345678".
    pub fn as_e164(&self) -> &str {
        &self.0
    }

    /// The national significant number: the digits after "+84".
    fn nsn(&self) -> &str {
        self.0.get(3..).unwrap_or_default()
    }

    /// Mobile or landline.
    pub fn kind(&self) -> PhoneKind {
        if self.nsn().starts_with('2') {
            PhoneKind::Landline
        } else {
            PhoneKind::Mobile
        }
    }

    /// The number as written at home, grouped: "0912 345 678", "024 3825 1234", "0203 382 5123".
    pub fn national(&self) -> String {
        let nsn = self.nsn();
        let cut = |a: usize, b: usize| {
            let (head, rest) = nsn.split_at_checked(a).unwrap_or((nsn, ""));
            let (mid, tail) = rest.split_at_checked(b).unwrap_or((rest, ""));
            format!("0{head} {mid} {tail}")
        };
        match self.kind() {
            PhoneKind::Mobile => cut(3, 3),
            // Hà Nội (24) and Hồ Chí Minh City (28) have two-digit area codes and 8-digit subscribers.
            PhoneKind::Landline if nsn.starts_with("24") || nsn.starts_with("28") => cut(2, 4),
            PhoneKind::Landline => cut(3, 3),
        }
    }
}

/// The digits of `text` (folded: see `text.rs`), and whether it began with `+`. Separators are dropped.
fn digits_of(text: &str) -> Result<(bool, String), PhoneError> {
    let mut digits = String::with_capacity(text.len());
    let mut plus = false;
    for c in text.chars().filter_map(text::fold) {
        match c {
            '0'..='9' => digits.push(c),
            '+' if digits.is_empty() && !plus => plus = true,
            '(' | ')' | '.' | '-' | '/' | ' ' => {}
            c if c.is_alphabetic() => return Err(PhoneError::Letters),
            _ => return Err(PhoneError::Characters),
        }
    }
    if digits.is_empty() {
        return Err(PhoneError::Empty);
    }
    Ok((plus, digits))
}

/// Strips the country code (+84, 0084, or a bare 84 in front of a full-length number) and the trunk 0,
/// which people often keep after the country code ("+84 0912…", "84 0912…", "(84) 0912…").
fn national_number(plus: bool, digits: &str) -> Result<&str, PhoneError> {
    let international = if plus {
        Some(digits.strip_prefix("84").ok_or(PhoneError::NotVietnamese)?)
    } else if let Some(rest) = digits.strip_prefix("00") {
        Some(rest.strip_prefix("84").ok_or(PhoneError::NotVietnamese)?)
    } else if digits.len() > MOBILE_NSN_DIGITS + 1 && !digits.starts_with('0') {
        // "84 912 345 678", "84 0912 345 678": a country code without "+" in front of a number at
        // least as long as a full mobile NSN. (No NSN of 11 or more digits starts with 84.)
        digits.strip_prefix("84")
    } else {
        None
    };
    Ok(match international {
        Some(rest) => rest.strip_prefix('0').unwrap_or(rest),
        None => digits.strip_prefix('0').unwrap_or(digits),
    })
}

impl FromStr for Phone {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Phone {
    type Error = PhoneError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Phone> for String {
    fn from(phone: Phone) -> Self {
        phone.0
    }
}

impl fmt::Display for Phone {
    /// E.164.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests;
