//! Bilingual messages. Every message a person can see exists in Vietnamese (first) and English.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A language the product speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Tiếng Việt: the first language of every screen.
    #[default]
    Vi,
    /// English.
    En,
}

/// A message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Msg {
    /// Vietnamese text.
    pub vi: Cow<'static, str>,
    /// English text.
    pub en: Cow<'static, str>,
}

impl Msg {
    /// A message from two static texts.
    pub const fn new(vi: &'static str, en: &'static str) -> Self {
        Self {
            vi: Cow::Borrowed(vi),
            en: Cow::Borrowed(en),
        }
    }

    /// A message from two computed texts.
    pub fn owned(vi: String, en: String) -> Self {
        Self {
            vi: Cow::Owned(vi),
            en: Cow::Owned(en),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

impl fmt::Display for Msg {
    /// Both languages, Vietnamese first: "Vietnamese / English".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.vi, self.en)
    }
}

/// An error or state that a person may be shown: a stable machine-readable code and a bilingual message.
pub trait Localized {
    /// A stable, machine-readable code (`snake_case`), for the UI to branch on and for tests.
    fn code(&self) -> &'static str;
    /// The message for a person, in both languages. Never contains personal data.
    fn msg(&self) -> Msg;
}

/// "1 visit", "2 visits": an English count with its noun in the right number (Vietnamese nouns do not
/// change: "1 lượt", "2 lượt").
pub fn en_count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 || n == -1 { one } else { many })
}

/// A count as an `i64` for [`en_count`] (saturating).
pub(crate) fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_counts_agree_with_their_noun() {
        assert_eq!(en_count(0, "minute", "minutes"), "0 minutes");
        assert_eq!(en_count(1, "minute", "minutes"), "1 minute");
        assert_eq!(en_count(2, "entry", "entries"), "2 entries");
        assert_eq!(count(3), 3);
    }
}
