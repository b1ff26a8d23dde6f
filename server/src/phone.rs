//! Phone numbers to E.164.
//!
//! TEMPORARY ADAPTER: stands in for the domain module's phone normalisation (being built on the "domain"
//! branch) and will be replaced by it.

/// Normalises a phone number to E.164 (`+84912345678`). Accepts Vietnamese national forms (`0912 345 678`,
/// `84912345678`) and international `+CC…`; spaces, dots, dashes and parentheses are ignored.
pub(crate) fn normalize(input: &str) -> Option<String> {
    if input.len() > 32 {
        return None;
    }
    let trimmed = input.trim();
    let plus = trimmed.starts_with('+');
    let mut digits = String::with_capacity(16);
    for (i, c) in trimmed.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' | '(' | ')' => {}
            '+' if i == 0 => {}
            _ => return None,
        }
    }
    let e164 = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix('0') {
        format!("84{rest}")
    } else if digits.starts_with("84") {
        digits
    } else {
        return None;
    };
    if let Some(national) = e164.strip_prefix("84") {
        // Vietnamese mobile and landline numbers: 9 or 10 digits after the country code, no leading 0.
        if !(9..=10).contains(&national.len()) || national.starts_with('0') {
            return None;
        }
    }
    if !(8..=15).contains(&e164.len()) || e164.starts_with('0') {
        return None;
    }
    Some(format!("+{e164}"))
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn vietnamese_forms_become_e164() {
        assert_eq!(normalize("0912 345 678").as_deref(), Some("+84912345678"));
        assert_eq!(normalize("84912345678").as_deref(), Some("+84912345678"));
        assert_eq!(normalize("+84 912-345-678").as_deref(), Some("+84912345678"));
        assert_eq!(normalize("+1 (202) 555-0101").as_deref(), Some("+12025550101"));
    }

    #[test]
    fn junk_is_refused() {
        for bad in [
            "",
            "abc",
            "0912",
            "+0912345678",
            "0912345678901234",
            "+84012345678",
            "09123x5678",
        ] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }
}
