//! Folding of Vietnamese text for matching: no diacritics, no case, `đ`/`Đ` → `d`, punctuation → space.
//!
//! "Thành phố Hồ Chí Minh" and "thanh pho ho chi minh" fold to the same key; so do "Hoà Bình" and
//! "Hòa Bình" (old and new tone-mark placement), and "Bà Rịa - Vũng Tàu" and "ba ria vung tau".

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The longest input (in characters) that folding looks at; the rest is ignored, so a huge query costs
/// no more than this.
pub(crate) const MAX_FOLD_CHARS: usize = 200;

/// Folds `text` into a search key: lowercase ASCII-ish words separated by single spaces. Numbers lose
/// their leading zeros ("Phường 01" and "Phường 1" are the same key).
pub(crate) fn fold(text: &str) -> String {
    let folded = fold_chars(text);
    let padded = |t: &str| t.len() > 1 && t.starts_with('0') && t.bytes().all(|b| b.is_ascii_digit());
    if !folded.split(' ').any(padded) {
        return folded;
    }
    let words: Vec<&str> = folded
        .split(' ')
        .map(|t| {
            if padded(t) {
                Some(t.trim_start_matches('0'))
                    .filter(|t| !t.is_empty())
                    .unwrap_or("0")
            } else {
                t
            }
        })
        .collect();
    words.join(" ")
}

/// The search key of a name or query: [`fold`], then spellings that name the same place made equal —
/// `k` before a, o, u or ending a syllable after its vowel as `c` ("Bắc Kạn"/"Bắc Cạn", "Đắk Lắk"/"Đắc Lắc",
/// "Kon Tum"), and a final `y` after a consonant as `i` ("Quy Nhơn"/"Qui Nhơn", "Phú Quý"/"Phú Quí").
/// Applied to both sides, it never hides an exact match.
pub(crate) fn search_key(text: &str) -> String {
    let folded = fold(text);
    let mut out = String::with_capacity(folded.len());
    for (i, word) in folded.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let chars: Vec<char> = word.chars().collect();
        for (j, &c) in chars.iter().enumerate() {
            let at = |k: usize| chars.get(k).copied();
            let next = at(j + 1);
            let prev = j.checked_sub(1).and_then(at);
            let before_prev = j.checked_sub(2).and_then(at);
            let c = match c {
                'k' if matches!(next, Some('a' | 'o' | 'u'))
                    || (next.is_none() && prev.is_some_and(|p| "aeiouy".contains(p))) =>
                {
                    'c'
                }
                'y' if next.is_none()
                    && (prev.is_some_and(|p| !"aeiouy".contains(p))
                        || (prev == Some('u') && before_prev == Some('q'))) =>
                {
                    'i'
                }
                c => c,
            };
            out.push(c);
        }
    }
    out
}

fn fold_chars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars().take(MAX_FOLD_CHARS).nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{fold, search_key};

    #[test]
    fn search_keys_make_old_spellings_equal() {
        for (a, b) in [
            ("Bắc Kạn", "Bắc Cạn"),
            ("Đắk Lắk", "Đắc Lắc"),
            ("Quy Nhơn", "Qui Nhơn"),
            ("Phú Quý", "Phú Quí"),
            ("Mỹ Tho", "Mĩ Tho"),
        ] {
            assert_eq!(search_key(a), search_key(b), "{a} {b}");
        }
        // Different names stay different.
        assert_ne!(search_key("Thủy"), search_key("Thùi Thũi"));
        assert_eq!(search_key("Khánh Hòa"), "khanh hoa");
        assert_eq!(search_key("Huy"), "huy");
    }

    #[test]
    fn folds_vietnamese() {
        let cases = [
            ("Hà Tĩnh", "ha tinh"),
            ("  ĐẮK   LẮK ", "dak lak"),
            ("Thành phố Hồ Chí Minh", "thanh pho ho chi minh"),
            ("TP.HCM", "tp hcm"),
            ("Bà Rịa - Vũng Tàu", "ba ria vung tau"),
            ("Hoà Bình", "hoa binh"),
            ("Hòa Bình", "hoa binh"),
            ("Phường 1", "phuong 1"),
            ("Phường 01", "phuong 1"),
            ("Xã 000", "xa 0"),
            ("0912 0", "912 0"),
            ("", ""),
            ("--", ""),
            // Decomposed input (as some keyboards send it) folds the same as precomposed.
            ("Ha\u{300} Ti\u{303}nh", "ha tinh"),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), want, "{input:?}");
        }
    }
}
