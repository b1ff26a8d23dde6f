//! The minimum strength of a **new** passphrase (an existing store opens with whatever it was made with).
//!
//! The passphrase is stretched with PBKDF2 but guarded by nothing else on a lost phone, so a guessable one
//! is refused: fewer than [`MIN_PASSPHRASE_CHARS`] characters, one character repeated, a run such as
//! `12345678` or `abcdefgh`, or one of the passphrases people pick most (Vietnamese and English, compared
//! without case, spaces or diacritics). A zxcvbn-style estimator was considered and left out: its
//! dictionaries would add about a megabyte to every phone build for a gain this short list mostly covers.

use thiserror::Error;
use unicode_normalization::UnicodeNormalization;

use crate::i18n::{Localized, Msg};

/// The fewest characters (Unicode scalar values after NFC) a new passphrase may have.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Passphrases too common to protect anything, folded (lower case, no spaces, no diacritics, đ → d).
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password123",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "987654321",
    "0123456789",
    "12341234",
    "12121212",
    "123123123",
    "11223344",
    "147258369",
    "123654789",
    "qwertyui",
    "qwertyuiop",
    "qwerty123",
    "1qaz2wsx",
    "1q2w3e4r",
    "asdfghjk",
    "zxcvbnm1",
    "abc12345",
    "abcd1234",
    "iloveyou",
    "admin123",
    "welcome1",
    "sunshine",
    "football",
    "princess",
    "matkhau",
    "matkhau1",
    "matkhau123",
    "matkhaucuatoi",
    "matkhaumoi",
    "anhyeuem",
    "emyeuanh",
    "yeuemnhieu",
    "vietnam1",
    "vietnam123",
    "hanoi123",
    "saigon123",
    "tokhai123",
    "tokhai2026",
    "khaibaoyte",
    "covid19vn",
];

/// Why a new passphrase is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PassphraseWeakness {
    /// Fewer than [`MIN_PASSPHRASE_CHARS`] characters.
    #[error("passphrase too short")]
    TooShort,
    /// One character repeated, or a run of consecutive characters (`12345678`, `abcdefgh`, `87654321`).
    #[error("passphrase is a repetition or a run")]
    Pattern,
    /// One of the most common passphrases.
    #[error("passphrase too common")]
    Common,
}

impl Localized for PassphraseWeakness {
    fn code(&self) -> &'static str {
        match self {
            Self::TooShort => "passphrase_too_short",
            Self::Pattern => "passphrase_pattern",
            Self::Common => "passphrase_common",
        }
    }

    fn msg(&self) -> Msg {
        let advice_vi =
            "Hãy chọn ít nhất 8 ký tự, tốt nhất là vài từ dễ nhớ (ví dụ: \"mèo vàng ăn xôi sáng\").";
        let advice_en = "Choose at least 8 characters, best a few words easy to remember (e.g. \"yellow cat eats rice\").";
        let (vi, en) = match self {
            Self::TooShort => ("Mật khẩu quá ngắn.", "The passphrase is too short."),
            Self::Pattern => (
                "Mật khẩu chỉ là một ký tự lặp lại hoặc một dãy liên tiếp, rất dễ đoán.",
                "The passphrase is one repeated character or a run, easy to guess.",
            ),
            Self::Common => (
                "Mật khẩu này quá phổ biến, rất dễ đoán.",
                "This passphrase is among the most common, easy to guess.",
            ),
        };
        Msg::owned(format!("{vi} {advice_vi}"), format!("{en} {advice_en}"))
    }
}

/// Checks a passphrase chosen for a new store.
pub fn check_new_passphrase(passphrase: &str) -> Result<(), PassphraseWeakness> {
    let nfc: String = passphrase.nfc().collect();
    if nfc.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(PassphraseWeakness::TooShort);
    }
    let folded = fold(&nfc);
    if is_pattern(&folded) {
        return Err(PassphraseWeakness::Pattern);
    }
    if COMMON.contains(&folded.as_str()) {
        return Err(PassphraseWeakness::Common);
    }
    Ok(())
}

/// Lower case, without white space, diacritics (combining marks after NFD) or the stroke of đ.
fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !c.is_whitespace() && !('\u{300}'..='\u{36f}').contains(c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// One character repeated, or every step between neighbours the same +1 or -1 (`12345678`, `hgfedcba`).
fn is_pattern(folded: &str) -> bool {
    let codes: Vec<i64> = folded.chars().map(|c| i64::from(u32::from(c))).collect();
    let steps: Vec<i64> = codes
        .iter()
        .zip(codes.iter().skip(1))
        .map(|(a, b)| b - a)
        .collect();
    let Some(first) = steps.first() else {
        return true;
    };
    [-1, 0, 1].contains(first) && steps.iter().all(|s| s == first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_repeated_runs_and_common_passphrases_are_refused() {
        assert_eq!(check_new_passphrase("abc"), Err(PassphraseWeakness::TooShort));
        assert_eq!(check_new_passphrase("mật khẩ"), Err(PassphraseWeakness::TooShort));
        assert_eq!(
            check_new_passphrase("aaaaaaaaaa"),
            Err(PassphraseWeakness::Pattern)
        );
        assert_eq!(check_new_passphrase("12345678"), Err(PassphraseWeakness::Pattern));
        assert_eq!(check_new_passphrase("hgfedcba"), Err(PassphraseWeakness::Pattern));
        assert_eq!(check_new_passphrase("Password1"), Err(PassphraseWeakness::Common));
        assert_eq!(
            check_new_passphrase("Mật Khẩu 123"),
            Err(PassphraseWeakness::Common)
        );
        assert_eq!(
            check_new_passphrase("Anh yêu em"),
            Err(PassphraseWeakness::Common)
        );
        assert_eq!(PassphraseWeakness::TooShort.code(), "passphrase_too_short");
        assert!(PassphraseWeakness::TooShort.msg().vi.contains("ít nhất 8 ký tự"));
    }

    #[test]
    fn a_few_words_or_eight_mixed_characters_are_enough() {
        for ok in [
            "mật khẩu đủ dài",
            "mèo vàng ăn xôi",
            "k7#Qm2x!",
            "secret words",
            "đúng mật khẩu",
        ] {
            assert_eq!(check_new_passphrase(ok), Ok(()), "{ok}");
        }
        // Eight characters counted after NFC: Vietnamese typed with combining marks counts the same.
        assert_eq!(check_new_passphrase("ngo\u{302}i nha\u{300}"), Ok(()));
        assert_eq!(
            check_new_passphrase("ngo\u{302}i nh"),
            Err(PassphraseWeakness::TooShort)
        );
        assert_eq!(check_new_passphrase("mật khẩu"), Err(PassphraseWeakness::Common));
    }
}
