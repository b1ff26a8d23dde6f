//! Base45 (RFC 9285): two bytes become three characters of the QR alphanumeric set, so a QR code can
//! carry binary data in its dense alphanumeric mode.

use super::error::Malformed;

/// The 45 characters, in value order (RFC 9285, table 1).
const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Encodes bytes as base45 text.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(2) * 3);
    for pair in bytes.chunks(2) {
        let (value, digits) = match *pair {
            [a, b] => (usize::from(a) * 256 + usize::from(b), 3),
            [a] => (usize::from(a), 2),
            _ => continue,
        };
        let mut v = value;
        for _ in 0..digits {
            let d = ALPHABET.get(v % 45).copied().unwrap_or(b'0');
            out.push(char::from(d));
            v /= 45;
        }
    }
    out
}

/// The value of one base45 character.
fn digit(c: u8) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// Decodes base45 text; rejects characters outside the alphabet, a dangling single character and
/// groups whose value does not fit (RFC 9285 section 4.2).
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, Malformed> {
    let raw = text.as_bytes();
    if raw.len() % 3 == 1 {
        return Err(Malformed::Base45);
    }
    let mut out = Vec::with_capacity(raw.len() / 3 * 2 + 1);
    for group in raw.chunks(3) {
        let mut value: u32 = 0;
        for &c in group.iter().rev() {
            value = value * 45 + digit(c).ok_or(Malformed::Base45)?;
        }
        match group.len() {
            3 => {
                let v = u16::try_from(value).map_err(|_| Malformed::Base45)?;
                out.extend_from_slice(&v.to_be_bytes());
            }
            _ => out.push(u8::try_from(value).map_err(|_| Malformed::Base45)?),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9285_examples() {
        assert_eq!(encode(b"AB"), "BB8");
        assert_eq!(encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(decode("QED8WEX0").unwrap(), b"ietf!");
        assert_eq!(decode("").unwrap(), b"");
    }

    #[test]
    fn rejects_bad_text() {
        assert_eq!(decode("GGW"), Err(Malformed::Base45)); // 65536 does not fit two bytes
        assert_eq!(decode("A"), Err(Malformed::Base45));
        assert_eq!(decode("ab8"), Err(Malformed::Base45)); // lower case is not base45
        assert_eq!(decode("Ễ12"), Err(Malformed::Base45));
        assert_eq!(decode(":6"), Err(Malformed::Base45)); // 44 + 6*45 = 314 > 255
    }
}
