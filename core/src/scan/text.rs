//! Turning a code's bytes into text. QR byte segments carry no charset unless an ECI designator says so;
//! the standard default is ISO-8859-1, Kanji segments are Shift_JIS, and in practice most codes are UTF-8.

use serde::{Deserialize, Serialize};

/// The character set a code's bytes were read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Charset {
    /// UTF-8 (includes plain ASCII).
    Utf8,
    /// Shift_JIS (Japanese; QR Kanji mode).
    ShiftJis,
    /// ISO-8859-1, the QR standard's default.
    Latin1,
}

/// ECI designator values that name a charset we read (ISO/IEC 18004 and AIM ECI table).
pub(crate) fn charset_of_eci(eci: u32) -> Option<Charset> {
    match eci {
        1 | 3 => Some(Charset::Latin1),
        20 => Some(Charset::ShiftJis),
        26 => Some(Charset::Utf8),
        _ => None,
    }
}

/// Decodes `bytes`: in the charset an ECI designator named, else UTF-8 if valid, else Shift_JIS if the
/// bytes are well-formed Shift_JIS with double-byte characters, else ISO-8859-1.
pub(crate) fn decode_text(bytes: &[u8], eci: Option<u32>) -> (String, Charset) {
    if let Some((s, cs)) = eci
        .and_then(charset_of_eci)
        .and_then(|cs| decode_as(bytes, cs).map(|s| (s, cs)))
    {
        return (s, cs);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_owned(), Charset::Utf8);
    }
    if let Some(s) = looks_like_shift_jis(bytes)
        .then(|| decode_as(bytes, Charset::ShiftJis))
        .flatten()
    {
        return (s, Charset::ShiftJis);
    }
    (latin1(bytes), Charset::Latin1)
}

fn decode_as(bytes: &[u8], cs: Charset) -> Option<String> {
    match cs {
        Charset::Utf8 => std::str::from_utf8(bytes).ok().map(str::to_owned),
        Charset::Latin1 => Some(latin1(bytes)),
        Charset::ShiftJis => {
            let (s, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
            (!had_errors).then(|| s.into_owned())
        }
    }
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Well-formed Shift_JIS in which double-byte characters make up a fair share of the non-ASCII bytes
/// (so that stray Latin-1 accents are not misread as Japanese).
fn looks_like_shift_jis(bytes: &[u8]) -> bool {
    let (mut i, mut double, mut single_kana, mut high) = (0usize, 0usize, 0usize, 0usize);
    let (mut kana_run, mut max_kana_run) = (0usize, 0usize);
    while let Some(&b) = bytes.get(i) {
        if !(0xa1..=0xdf).contains(&b) {
            kana_run = 0;
        }
        match b {
            0x00..=0x7f => i += 1,
            0xa1..=0xdf => {
                single_kana += 1;
                high += 1;
                kana_run += 1;
                max_kana_run = max_kana_run.max(kana_run);
                i += 1;
            }
            0x81..=0x9f | 0xe0..=0xef => {
                let Some(&t) = bytes.get(i + 1) else { return false };
                if !(0x40..=0xfc).contains(&t) || t == 0x7f {
                    return false;
                }
                double += 1;
                high += 2;
                i += 2;
            }
            _ => return false,
        }
    }
    // Half-width katakana words (three or more in a row) are Japanese; so are double-byte characters
    // making up at least half of the non-ASCII bytes.
    max_kana_run >= 3 || (double > 0 && double * 2 >= high / 2 && single_kana <= double * 2 + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_first() {
        assert_eq!(
            decode_text("Tờ khai".as_bytes(), None),
            ("Tờ khai".to_owned(), Charset::Utf8)
        );
    }

    #[test]
    fn shift_jis_is_recognised() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("こんにちは世界");
        assert_eq!(
            decode_text(&bytes, None),
            ("こんにちは世界".to_owned(), Charset::ShiftJis)
        );
    }

    #[test]
    fn half_width_katakana_is_shift_jis() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("ﾃﾞｻﾞｲﾝQR");
        assert_eq!(
            decode_text(&bytes, None),
            ("ﾃﾞｻﾞｲﾝQR".to_owned(), Charset::ShiftJis)
        );
        // Two isolated Latin-1 capitals with accents stay Latin-1.
        assert_eq!(decode_text(&[0xc0, 0x20, 0xc9], None).1, Charset::Latin1);
    }

    #[test]
    fn latin1_fallback_and_eci() {
        assert_eq!(
            decode_text(&[0x63, 0x61, 0x66, 0xe9], None),
            ("café".to_owned(), Charset::Latin1)
        );
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("日本");
        assert_eq!(decode_text(&bytes, Some(3)).1, Charset::Latin1);
        assert_eq!(decode_text(&bytes, Some(20)).0, "日本");
    }
}
