//! Reading one decided grid: rqrr's decoder first; then our own reader (`data.rs`) to learn the ECI
//! charset of what rqrr read, or to read codes in modes rqrr refuses (Hanzi, structured append, FNC1).

use rqrr::BitGrid;

use super::contain::contained;
use super::data::read_payload;
use super::pipeline::Ecc;
use super::text::{Charset, decode_text};

/// What a grid holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decoded {
    pub(crate) bytes: Vec<u8>,
    pub(crate) text: String,
    pub(crate) charset: Charset,
    pub(crate) version: u8,
    pub(crate) ecc: Ecc,
}

/// A borrowed grid as an owned `BitGrid` (rqrr's `Grid` takes its grid by value).
struct Dyn<'a>(&'a dyn BitGrid);

impl BitGrid for Dyn<'_> {
    fn size(&self) -> usize {
        self.0.size()
    }
    fn bit(&self, y: usize, x: usize) -> bool {
        self.0.bit(y, x)
    }
}

/// The grid seen in a mirror (rows and columns swapped).
struct Transposed<'a>(&'a dyn BitGrid);

impl BitGrid for Transposed<'_> {
    fn size(&self) -> usize {
        self.0.size()
    }
    fn bit(&self, y: usize, x: usize) -> bool {
        self.0.bit(x, y)
    }
}

/// Table index (L, M, Q, H = 0..3) of the two format bits rqrr reports (01 L, 00 M, 11 Q, 10 H).
fn level_index(bits: u16) -> usize {
    match bits & 3 {
        1 => 0,
        0 => 1,
        3 => 2,
        _ => 3,
    }
}

fn ecc_of(bits: u16) -> Ecc {
    match level_index(bits) {
        0 => Ecc::L,
        1 => Ecc::M,
        2 => Ecc::Q,
        _ => Ecc::H,
    }
}

/// Decodes a grid, or `None`.
pub(crate) fn decode_grid(grid: &dyn BitGrid) -> Option<Decoded> {
    let size = grid.size();
    let mut bytes = Vec::new();
    let rq = rqrr::Grid::new(Dyn(grid));
    let outcome = contained(|| rq.decode_to(&mut bytes));
    if let Some(Ok(meta)) = outcome {
        let level = level_index(meta.ecc_level);
        let ours = [grid, &Transposed(grid) as &dyn BitGrid]
            .into_iter()
            .find_map(|g| {
                read_payload(size, level, meta.mask, |y, x| g.bit(y, x)).filter(|p| p.bytes == bytes)
            });
        let (text, charset) = match ours {
            Some(p) => (p.text, p.charset),
            None => decode_text(&bytes, None),
        };
        let version = u8::try_from(meta.version.0).unwrap_or(0);
        return Some(Decoded {
            bytes,
            text,
            charset,
            version,
            ecc: ecc_of(meta.ecc_level),
        });
    }
    // rqrr corrected the codewords but refused a segment (Hanzi, structured append, FNC1, ...): our own
    // reader, as seen and mirrored. Other failures (format or Reed-Solomon) would fail there too.
    let refused_segment = matches!(
        outcome,
        Some(Err(rqrr::DeQRError::UnknownDataType
            | rqrr::DeQRError::DataUnderflow
            | rqrr::DeQRError::DataOverflow))
    );
    if !refused_segment {
        return None;
    }
    for g in [grid, &Transposed(grid) as &dyn BitGrid] {
        let Some(Ok((meta, _))) = contained(|| rqrr::Grid::new(Dyn(g)).get_raw_data()) else {
            continue;
        };
        if let Some(p) = read_payload(size, level_index(meta.ecc_level), meta.mask, |y, x| g.bit(y, x)) {
            let version = u8::try_from(meta.version.0).unwrap_or(0);
            return Some(Decoded {
                bytes: p.bytes,
                text: p.text,
                charset: p.charset,
                version,
                ecc: ecc_of(meta.ecc_level),
            });
        }
    }
    None
}
