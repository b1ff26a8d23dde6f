//! VISCII (RFC 1456): the 8-bit Vietnamese character set. Every Vietnamese letter is one byte, so a
//! Vietnamese name costs a third of its UTF-8 size in a QR code. VISCII keeps ASCII except six control
//! positions, and puts 128 more letters in the upper half. The table was generated from glibc `iconv`.

/// Characters of bytes 0x80..=0xFF, in byte order.
const UPPER: [&str; 8] = [
    "ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐ",
    "ỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲ",
    "Õắằặấầẩậẽẹếềểễệố",
    "ồổỗỠƠộờởịỰỨỪỬơớƯ",
    "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳ",
    "ĐứÒÓÔạỷừửÙÚỹỵÝỡư",
    "àáâãảăữẫèéêẻìíĩỉ",
    "đựòóôõỏọụùúũủýợỮ",
];

/// The six control positions that VISCII gives to letters.
const LOW: [(u8, char); 6] = [
    (0x02, 'Ẳ'),
    (0x05, 'Ẵ'),
    (0x06, 'Ẫ'),
    (0x14, 'Ỷ'),
    (0x19, 'Ỹ'),
    (0x1E, 'Ỵ'),
];

/// The character of a VISCII byte; `None` for the control characters that VISCII leaves as controls.
pub(crate) fn to_char(b: u8) -> Option<char> {
    if b >= 0x80 {
        let row = UPPER.get(usize::from((b - 0x80) / 16))?;
        return row.chars().nth(usize::from(b % 16));
    }
    if let Some(&(_, c)) = LOW.iter().find(|(byte, _)| *byte == b) {
        return Some(c);
    }
    (b >= 0x20 && b != 0x7F).then_some(char::from(b))
}

/// The VISCII byte of a character, if it has one (printable ASCII or a Vietnamese letter).
pub(crate) fn from_char(c: char) -> Option<u8> {
    if (' '..='~').contains(&c) {
        return u8::try_from(c).ok();
    }
    if let Some(&(b, _)) = LOW.iter().find(|(_, l)| *l == c) {
        return Some(b);
    }
    for (r, row) in (0u8..).zip(UPPER.iter()) {
        if let Some(i) = row.chars().position(|x| x == c) {
            return u8::try_from(i).ok().map(|i| 0x80 + r * 16 + i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_a_bijection_on_letters() {
        let mut seen = std::collections::HashSet::new();
        for b in 0u8..=255 {
            if let Some(c) = to_char(b) {
                assert!(seen.insert(c), "{c} twice");
                assert_eq!(from_char(c), Some(b));
            }
        }
        // 95 printable ASCII + 6 + 128 letters.
        assert_eq!(seen.len(), 95 + 6 + 128);
        assert_eq!(UPPER.iter().map(|r| r.chars().count()).sum::<usize>(), 128);
    }

    #[test]
    fn all_vietnamese_letters_fit() {
        let vowels = "aăâeêioôơuưy";
        let tones = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
        use unicode_normalization::UnicodeNormalization;
        for v in vowels.chars().chain(vowels.to_uppercase().chars()) {
            assert!(from_char(v).is_some(), "{v}");
            for t in tones {
                let c: String = [v, t].iter().collect::<String>().nfc().collect();
                let mut it = c.chars();
                let one = it.next().unwrap();
                assert!(it.next().is_none());
                assert!(from_char(one).is_some(), "{c}");
            }
        }
        assert_eq!(from_char('đ'), Some(0xF0));
        assert_eq!(from_char('Đ'), Some(0xD0));
        assert_eq!(from_char('€'), None);
        assert_eq!(to_char(0x01), None);
    }
}
