//! Our own reading of a decided module grid: zigzag codeword order, unmasking, Reed-Solomon correction
//! (`rs.rs`) and every segment mode, including those rqrr does not read (ECI designators, GB 2312 Hanzi,
//! structured append, FNC1). Used after rqrr's decoder: to learn the ECI charset of a code rqrr read, and
//! to read codes whose modes rqrr refuses.

use super::patterns::{function_mask, version_of_size};
use super::rs::{correct_codewords, total_codewords};
use super::text::{Charset, charset_of_eci, decode_text};

/// The content of a code as segments yield it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Payload {
    /// All segment bytes in order (Kanji as Shift_JIS, Hanzi as GB 2312), as rqrr's `decode_to` writes them.
    pub(crate) bytes: Vec<u8>,
    /// The text.
    pub(crate) text: String,
    /// The charset of the byte segments (or of the whole when uniform).
    pub(crate) charset: Charset,
}

/// Mask condition of pattern `mask` at row `y`, column `x`.
fn masked(mask: u16, y: usize, x: usize) -> bool {
    match mask {
        0 => (y + x).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (y + x).is_multiple_of(3),
        4 => (y / 2 + x / 3).is_multiple_of(2),
        5 => (y * x) % 2 + (y * x) % 3 == 0,
        6 => ((y * x) % 2 + (y * x) % 3).is_multiple_of(2),
        _ => ((y + x) % 2 + (y * x) % 3).is_multiple_of(2),
    }
}

/// Reads the codewords of a grid (`dark(row, col)`) in zigzag order, unmasked.
pub(crate) fn read_codewords(size: usize, mask: u16, dark: impl Fn(usize, usize) -> bool) -> Option<Vec<u8>> {
    let version = version_of_size(size)?;
    let total = total_codewords(version);
    let functions = function_mask(size);
    let mut out = Vec::with_capacity(total);
    let (mut acc, mut nbits) = (0u8, 0);
    let mut right = size as isize - 1;
    let mut upward = true;
    while right >= 1 {
        if right == 6 {
            right = 5;
        }
        for i in 0..size {
            let y = if upward { size - 1 - i } else { i };
            for dx in 0..2 {
                let x = (right - dx) as usize;
                if functions.get(y * size + x).copied().unwrap_or(true) {
                    continue;
                }
                acc = (acc << 1) | u8::from(dark(y, x) ^ masked(mask, y, x));
                nbits += 1;
                if nbits == 8 {
                    out.push(acc);
                    acc = 0;
                    nbits = 0;
                }
            }
        }
        upward = !upward;
        right -= 2;
    }
    (out.len() >= total).then_some(out)
}

/// Reads and corrects the payload of a grid with a known level (0..=3 for L, M, Q, H) and mask.
pub(crate) fn read_payload(
    size: usize,
    level: usize,
    mask: u16,
    dark: impl Fn(usize, usize) -> bool,
) -> Option<Payload> {
    let version = version_of_size(size)?;
    let raw = read_codewords(size, mask, dark)?;
    let data = correct_codewords(&raw, version, level)?;
    parse_segments(&data, version)
}

struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn left(&self) -> usize {
        (self.data.len() * 8).saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize) -> Option<u32> {
        if n > 32 || self.left() < n {
            return None;
        }
        let mut v = 0u32;
        for _ in 0..n {
            let byte = *self.data.get(self.pos / 8)?;
            v = (v << 1) | u32::from((byte >> (7 - self.pos % 8)) & 1);
            self.pos += 1;
        }
        Some(v)
    }
}

const ALNUM: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Parses the segments of corrected data codewords.
pub(crate) fn parse_segments(data: &[u8], version: usize) -> Option<Payload> {
    let class = if version <= 9 {
        0
    } else if version <= 26 {
        1
    } else {
        2
    };
    let pick = |widths: [usize; 3]| widths.get(class).copied().unwrap_or(16);
    let mut bits = Bits { data, pos: 0 };
    let mut bytes = Vec::new();
    let mut text = String::new();
    let mut eci: Option<u32> = None;
    let mut charset = Charset::Utf8;
    while bits.left() >= 4 {
        let mode = bits.take(4)?;
        match mode {
            0 => break,
            1 => {
                let count = bits.take(pick([10, 12, 14]))? as usize;
                let mut left = count;
                while left > 0 {
                    let (nb, digits) = match left {
                        1 => (4, 1),
                        2 => (7, 2),
                        _ => (10, 3),
                    };
                    let v = bits.take(nb)?;
                    let s = format!("{v:0digits$}");
                    if s.len() != digits {
                        return None;
                    }
                    bytes.extend_from_slice(s.as_bytes());
                    text.push_str(&s);
                    left -= digits;
                }
            }
            2 => {
                let count = bits.take(pick([9, 11, 13]))? as usize;
                let mut left = count;
                while left > 0 {
                    let (nb, chars) = if left >= 2 { (11, 2) } else { (6, 1) };
                    let v = bits.take(nb)? as usize;
                    let pair = if chars == 2 {
                        [v / 45, v % 45].to_vec()
                    } else {
                        vec![v]
                    };
                    for c in pair {
                        let ch = *ALNUM.get(c)?;
                        bytes.push(ch);
                        text.push(char::from(ch));
                    }
                    left -= chars;
                }
            }
            4 => {
                let count = bits.take(pick([8, 16, 16]))? as usize;
                let mut seg = Vec::with_capacity(count);
                for _ in 0..count {
                    seg.push(bits.take(8)? as u8);
                }
                let (s, cs) = decode_text(&seg, eci);
                charset = cs;
                text.push_str(&s);
                bytes.extend_from_slice(&seg);
            }
            8 => {
                let count = bits.take(pick([8, 10, 12]))? as usize;
                let mut seg = Vec::with_capacity(count * 2);
                for _ in 0..count {
                    let v = bits.take(13)?;
                    let w = ((v / 0xc0) << 8) | (v % 0xc0);
                    let sj = if w + 0x8140 <= 0x9ffc {
                        w + 0x8140
                    } else {
                        w + 0xc140
                    };
                    seg.extend_from_slice(&[(sj >> 8) as u8, sj as u8]);
                }
                let (s, _) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(&seg);
                text.push_str(&s);
                bytes.extend_from_slice(&seg);
                charset = Charset::ShiftJis;
            }
            13 => {
                // GB 2312 Hanzi (GB/T 18284): a 4-bit subset, then 13 bits per character.
                let subset = bits.take(4)?;
                let count = bits.take(pick([8, 10, 12]))? as usize;
                if subset != 1 {
                    return None;
                }
                let mut seg = Vec::with_capacity(count * 2);
                for _ in 0..count {
                    let v = bits.take(13)?;
                    let w = ((v / 0x60) << 8) | (v % 0x60);
                    let gb = if w < 0xa00 { w + 0xa1a1 } else { w + 0xa6a1 };
                    seg.extend_from_slice(&[(gb >> 8) as u8, gb as u8]);
                }
                let (s, _) = encoding_rs::GB18030.decode_without_bom_handling(&seg);
                text.push_str(&s);
                bytes.extend_from_slice(&seg);
            }
            7 => {
                let first = bits.take(8)?;
                let value = if first & 0x80 == 0 {
                    first
                } else if first & 0xc0 == 0x80 {
                    ((first & 0x3f) << 8) | bits.take(8)?
                } else if first & 0xe0 == 0xc0 {
                    ((first & 0x1f) << 16) | bits.take(16)?
                } else {
                    return None;
                };
                eci = Some(value);
                if let Some(cs) = charset_of_eci(value) {
                    charset = cs;
                }
            }
            3 => {
                // Structured append: sequence and parity; the content of this symbol follows.
                bits.take(16)?;
            }
            5 => {}
            9 => {
                bits.take(8)?;
            }
            _ => return None,
        }
    }
    Some(Payload { bytes, text, charset })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(bits: &mut Vec<bool>, v: u32, n: usize) {
        for i in (0..n).rev() {
            bits.push((v >> i) & 1 == 1);
        }
    }

    fn pack(bits: &[bool]) -> Vec<u8> {
        bits.chunks(8)
            .map(|c| {
                c.iter()
                    .enumerate()
                    .fold(0u8, |a, (i, &b)| a | (u8::from(b) << (7 - i)))
            })
            .collect()
    }

    #[test]
    fn eci_and_modes() {
        let mut b = Vec::new();
        push(&mut b, 7, 4);
        push(&mut b, 26, 8); // ECI 26: UTF-8
        push(&mut b, 4, 4);
        let s = "Tờ".as_bytes();
        push(&mut b, s.len() as u32, 8);
        for &c in s {
            push(&mut b, u32::from(c), 8);
        }
        push(&mut b, 1, 4); // numeric "12"
        push(&mut b, 2, 10);
        push(&mut b, 12, 7);
        push(&mut b, 2, 4); // alphanumeric "A1"
        push(&mut b, 2, 9);
        push(&mut b, 10 * 45 + 1, 11);
        push(&mut b, 0, 4);
        let p = parse_segments(&pack(&b), 1).unwrap();
        assert_eq!(p.text, "Tờ12A1");
        assert_eq!(p.charset, Charset::Utf8);
    }

    #[test]
    fn hanzi_mode() {
        // "阿" is GB 2312 0xB0A2: (0xB0A2 - 0xA6A1) = 0x0A01 -> 0x0A * 0x60 + 0x01.
        let mut b = Vec::new();
        push(&mut b, 13, 4);
        push(&mut b, 1, 4);
        push(&mut b, 1, 8);
        push(&mut b, 0x0a * 0x60 + 0x01, 13);
        push(&mut b, 0, 4);
        assert_eq!(parse_segments(&pack(&b), 1).unwrap().text, "阿");
    }
}
