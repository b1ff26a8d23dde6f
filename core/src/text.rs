//! Text that reaches someone else's screen or terminal: checkpoint names, exposure advice. Control
//! characters (ESC sequences, BEL, NUL) act on a terminal; bidirectional controls reorder what is shown
//! (U+202E turns `exe.txt` into `txt.exe`). Servers refuse them in published text; front ends show them
//! escaped when they arrive anyway (from an older server or another source).

use std::borrow::Cow;

/// Whether `c` acts on a terminal or on the order of the text around it instead of being read: a control
/// character (C0, DEL, C1) or a bidirectional mark, embedding, override or isolate.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// Whether published text holds none of [`is_unsafe_char`], line breaks aside when `multiline`.
pub fn is_plain_text(text: &str, multiline: bool) -> bool {
    !text
        .chars()
        .any(|c| is_unsafe_char(c) && !(multiline && c == '\n'))
}

/// The text with every [`is_unsafe_char`] (line breaks aside when `multiline`) shown as `\u{…}`, so that
/// it is seen and does nothing.
pub fn escape_unsafe(text: &str, multiline: bool) -> Cow<'_, str> {
    if is_plain_text(text, multiline) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_char(c) && !(multiline && c == '\n') {
            out.push_str(&format!("\\u{{{:04X}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_escaped() {
        assert_eq!(escape_unsafe("Chợ Bến Thành", false), "Chợ Bến Thành");
        assert_eq!(escape_unsafe("a\u{202E}txt.exe", false), "a\\u{202E}txt.exe");
        assert_eq!(escape_unsafe("\u{1b}[2J\u{7}", false), "\\u{001B}[2J\\u{0007}");
        assert_eq!(escape_unsafe("hai\ndòng", true), "hai\ndòng");
        assert_eq!(escape_unsafe("hai\ndòng", false), "hai\\u{000A}dòng");
        assert!(is_plain_text("Ở nhà.\nGọi 115.", true));
        assert!(!is_plain_text("\u{2066}x", true));
    }
}
