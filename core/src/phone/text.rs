//! Folding of pasted phone text: what a copied web page, a contact card or a Japanese/Chinese keyboard
//! puts around or inside the digits.
//!
//! - full-width forms (U+FF01–U+FF5E: `０９１２`, `＋`, `（`, `－`) become their ASCII letters;
//! - dashes and the minus sign (U+2010–U+2015, U+2212, U+FE58, U+FE63) become `-`;
//! - invisible format characters (zero-width space and joiners, bidi marks and embeddings, word joiner,
//!   BOM, soft hyphen, Mongolian vowel separator) are dropped;
//! - every Unicode space (no-break, ideographic, thin, …) is a space.

/// One character of the input as the parser sees it; `None` drops it.
pub(super) fn fold(c: char) -> Option<char> {
    let code = u32::from(c);
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(code - 0xFEE0),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' => Some('-'),
        '\u{00AD}'
        | '\u{061C}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' => None,
        c if c.is_whitespace() => Some(' '),
        c => Some(c),
    }
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds() {
        let text: String = "\u{FEFF}\u{202A}０９１２\u{2011}345\u{2212}678\u{200B}\u{3000}\u{00AD}＋（）"
            .chars()
            .filter_map(fold)
            .collect();
        assert_eq!(text, "0912-345-678 +()");
    }
}
