//! Vietnamese phone numbers: the forms people type ("0912 345 678", "+84912345678", "84 912 345 678",
//! "(+84) 912-345-678", "0084 912 345 678") normalised to E.164 ("+84912345678").
//!
//! A number is a national significant number (NSN, the digits after +84) of one of two shapes:
//! - mobile: 9 digits starting 3, 5, 7, 8 or 9 (written 03x…, 05x…, 07x…, 08x…, 09x… at home);
//! - landline: 10 digits starting 2 (02xx… at home: a two- or three-digit area code and the subscriber).
//!
//! Only the prefix block is checked, not which carrier holds which sub-prefix: allocations change, and a
//! real number refused is worse than a rare unallocated one accepted (the OTP check proves the number).
//! The old 11-digit mobile numbers (01xx…), converted to 10 digits in 2018, get their own error.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::i18n::{Localized, Msg};

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

/// Why a text is not a Vietnamese phone number. Never carries the text itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Nothing was typed.
    #[error("empty phone number")]
    Empty,
    /// Letters among the digits.
    #[error("letters in a phone number")]
    Letters,
    /// Symbols other than spaces, `+`, `(`, `)`, `.`, `-`, or a `+` that is not at the start.
    #[error("unexpected symbols in a phone number")]
    Characters,
    /// A country code other than +84.
    #[error("not a Vietnamese number")]
    NotVietnamese,
    /// The old 11-digit mobile form (01xx…), replaced in 2018.
    #[error("old 11-digit mobile number")]
    OldMobileNumber,
    /// The first digits are no mobile or landline prefix.
    #[error("unknown phone prefix")]
    Prefix,
    /// Too few or too many digits for the prefix.
    #[error("wrong number of digits")]
    Length {
        /// Digits expected after the leading 0 (9 for a mobile, 10 for a landline).
        expected: usize,
    },
}

impl Localized for PhoneError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "phone_empty",
            Self::Letters => "phone_letters",
            Self::Characters => "phone_characters",
            Self::NotVietnamese => "phone_not_vietnamese",
            Self::OldMobileNumber => "phone_old_mobile_number",
            Self::Prefix => "phone_prefix",
            Self::Length { .. } => "phone_length",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::Empty => Msg::new("Vui lòng nhập số điện thoại.", "Please enter a phone number."),
            Self::Letters => Msg::new(
                "Số điện thoại chỉ gồm chữ số, không có chữ cái.",
                "A phone number has digits only, no letters.",
            ),
            Self::Characters => Msg::new(
                "Số điện thoại chỉ gồm chữ số, dấu cách, dấu + ở đầu, ( ) . -",
                "A phone number has only digits, spaces, a leading +, and ( ) . -",
            ),
            Self::NotVietnamese => Msg::new(
                "Chỉ nhận số điện thoại Việt Nam (mã +84).",
                "Only Vietnamese phone numbers (+84) are accepted.",
            ),
            Self::OldMobileNumber => Msg::new(
                "Số di động 11 số (01xx) đã đổi sang 10 số từ năm 2018; vui lòng nhập số mới.",
                "11-digit mobile numbers (01xx) changed to 10 digits in 2018; please enter the new number.",
            ),
            Self::Prefix => Msg::new(
                "Đầu số không hợp lệ: số di động bắt đầu bằng 03, 05, 07, 08, 09; số cố định bằng 02.",
                "Unknown prefix: mobile numbers start with 03, 05, 07, 08, 09; landlines with 02.",
            ),
            Self::Length { expected } => Msg::owned(
                format!(
                    "Số điện thoại phải có {} chữ số (kể cả số 0 ở đầu).",
                    expected + 1
                ),
                format!(
                    "The phone number must have {} digits (counting the leading 0).",
                    expected + 1
                ),
            ),
        }
    }
}

/// Longest input looked at; anything longer is certainly not a phone number.
const MAX_INPUT_CHARS: usize = 64;

impl Phone {
    /// Parses a Vietnamese number in any common written form.
    pub fn parse(text: &str) -> Result<Self, PhoneError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(PhoneError::Empty);
        }
        if text.chars().nth(MAX_INPUT_CHARS).is_some() {
            return Err(PhoneError::Length { expected: 9 });
        }
        let (plus, digits) = digits_of(text)?;
        let nsn = national_number(plus, &digits)?;
        let expected = match nsn.as_bytes().first() {
            None => return Err(PhoneError::Length { expected: 9 }),
            Some(b'1') if nsn.len() == 10 => return Err(PhoneError::OldMobileNumber),
            Some(b'3' | b'5' | b'7' | b'8' | b'9') => 9,
            Some(b'2') => 10,
            Some(_) => return Err(PhoneError::Prefix),
        };
        if nsn.len() != expected {
            return Err(PhoneError::Length { expected });
        }
        Ok(Self(format!("+84{nsn}")))
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

/// The digits of `text`, and whether it began with `+`. Separators are dropped.
fn digits_of(text: &str) -> Result<(bool, String), PhoneError> {
    let mut digits = String::with_capacity(text.len());
    let mut plus = false;
    for c in text.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if digits.is_empty() && !plus => plus = true,
            '(' | ')' | '.' | '-' => {}
            c if c.is_whitespace() => {}
            c if c.is_alphabetic() => return Err(PhoneError::Letters),
            _ => return Err(PhoneError::Characters),
        }
    }
    if digits.is_empty() {
        return Err(PhoneError::Empty);
    }
    Ok((plus, digits))
}

/// Strips the country code (+84, 0084, or a bare 84 in front of a full-length number) or the trunk 0.
fn national_number(plus: bool, digits: &str) -> Result<String, PhoneError> {
    let international = if plus {
        Some(digits.strip_prefix("84").ok_or(PhoneError::NotVietnamese)?)
    } else if let Some(rest) = digits.strip_prefix("00") {
        Some(rest.strip_prefix("84").ok_or(PhoneError::NotVietnamese)?)
    } else {
        None
    };
    let nsn = match international {
        // People often keep the trunk 0 after the country code: "+84 0912 345 678".
        Some(rest) => rest.strip_prefix('0').unwrap_or(rest),
        None => match digits.strip_prefix('0') {
            Some(rest) => rest,
            // "84 912 345 678": a country code without "+" in front of a full-length number.
            None if digits.len() >= 11 => digits.strip_prefix("84").unwrap_or(digits),
            // "912 345 678": the national number without its trunk 0.
            None => digits,
        },
    };
    Ok(nsn.to_owned())
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
