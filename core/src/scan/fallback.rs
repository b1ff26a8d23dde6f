//! A second decoder *after* our rqrr ladder: zxing-cpp (feature `scan-zxing`, the C++ ZXing through its
//! official Rust wrapper) or, without it, rxing (feature `scan-rxing`, a Rust port of ZXing). It runs when
//! the ladder left something unread (nothing read, or, for photos, finder candidates no read code
//! explains) and returns every code it finds; the pipeline keeps only those the ladder did not read. Its
//! work (and a fifth of the wall-clock backstop) is set aside before the ladder starts
//! (`Budget::reserve`), so that a ladder that used the whole allowance still leaves it its turn.
//! Measured in `docs/benchmarks.md`; the choice in `docs/adr/0012-qr-pyramid-and-zxing-fallback.md`.

use super::geometry::Pt;
use super::gray::Gray;
use super::pipeline::{Ecc, Rung, ScannedCode};
use super::text::{Charset, decode_text};

/// Work units the fallback is charged for an image of `pixels` pixels.
pub(crate) fn cost(pixels: usize) -> u64 {
    (pixels as u64).saturating_mul(2)
}

/// A quick look by zxing-cpp at one level of a camera frame (none of its own downscaled levels, no
/// inverted image), in that level's coordinates.
#[cfg(feature = "scan-zxing")]
pub(crate) fn read_quick(img: &Gray) -> Vec<ScannedCode> {
    zxing::read_with(img, true, false)
}

/// Every code the fallback reads in the image (empty when it reads none, or fails).
pub(crate) fn read(img: &Gray, fast: bool) -> Vec<ScannedCode> {
    #[cfg(feature = "scan-zxing")]
    {
        zxing::read(img, fast)
    }
    #[cfg(not(feature = "scan-zxing"))]
    {
        let _ = fast;
        rxing_reader::read(img)
    }
}

/// A code as the fallback reports it: content, outer corners (top-left, top-right, bottom-right,
/// bottom-left), error-correction level if known.
fn to_code(
    img: &Gray,
    found_by: Rung,
    text: String,
    raw: Vec<u8>,
    corners: [Pt; 4],
    ecc: Option<Ecc>,
    version: Option<usize>,
) -> ScannedCode {
    let bytes = if raw.is_empty() {
        text.as_bytes().to_vec()
    } else {
        raw
    };
    let (text, charset) = if bytes == text.as_bytes() {
        (text, Charset::Utf8)
    } else if text.is_empty() {
        decode_text(&bytes, None)
    } else {
        (text, decode_text(&bytes, None).1)
    };
    let version = version.or_else(|| estimate_version(img, &corners));
    ScannedCode {
        text,
        bytes,
        corners: corners.map(|p| [p.x as f32, p.y as f32]),
        version: version.and_then(|v| u8::try_from(v).ok()).unwrap_or(0),
        ecc: ecc.unwrap_or(Ecc::M),
        charset,
        found_by,
        resampled: false,
    }
}

fn ecc_named(name: &str) -> Option<Ecc> {
    match name {
        "L" => Some(Ecc::L),
        "M" => Some(Ecc::M),
        "Q" => Some(Ecc::Q),
        "H" => Some(Ecc::H),
        _ => None,
    }
}

#[cfg(feature = "scan-zxing")]
mod zxing {
    use zxingcpp::{BarcodeFormat, ImageFormat, ImageView};

    use super::super::contain::contained;
    use super::super::geometry::Pt;
    use super::super::gray::Gray;
    use super::super::pipeline::{Rung, ScannedCode};
    use super::{ecc_named, to_code};

    /// zxing-cpp's reader, QR only, "trying harder"; for photos also on the inverted image (camera
    /// frames, `fast`, leave light-on-dark codes to the ladder's inverted rung).
    pub(super) fn read(img: &Gray, fast: bool) -> Vec<ScannedCode> {
        read_with(img, fast, true)
    }

    /// `read`, with zxing-cpp's own downscaled levels or without (`downscale`).
    pub(super) fn read_with(img: &Gray, fast: bool, downscale: bool) -> Vec<ScannedCode> {
        let Ok(view) = ImageView::from_slice(img.pixels(), img.width(), img.height(), ImageFormat::Lum)
        else {
            return Vec::new();
        };
        let reader = zxingcpp::read()
            .formats(BarcodeFormat::QRCode)
            .try_harder(true)
            .try_invert(!fast)
            .try_downscale(downscale)
            .try_rotate(false);
        let Some(Ok(found)) = contained(|| reader.from(view)) else {
            return Vec::new();
        };
        found
            .iter()
            .filter(|b| b.is_valid())
            .map(|b| {
                let p = b.position();
                let corners = [p.top_left, p.top_right, p.bottom_right, p.bottom_left]
                    .map(|q| Pt::new(f64::from(q.x) + 0.5, f64::from(q.y) + 0.5));
                let ecc = ecc_named(&b.extra_with_key("ECLevel"));
                let version = b.extra_with_key("Version").parse::<usize>().ok();
                to_code(img, Rung::Zxing, b.text(), b.bytes(), corners, ecc, version)
            })
            .collect()
    }
}

#[cfg(all(feature = "scan-rxing", not(feature = "scan-zxing")))]
mod rxing_reader {
    use std::collections::HashSet;

    use rxing::{BarcodeFormat, DecodeHints, RXingResultMetadataType, RXingResultMetadataValue};

    use super::super::contain::contained;
    use super::super::geometry::Pt;
    use super::super::gray::Gray;
    use super::super::pipeline::{Rung, ScannedCode};
    use super::{ecc_named, to_code};

    /// rxing's multiple-code reader, QR only (not "trying harder": it read no more on the benchmark
    /// sets and cost a third more time).
    pub(super) fn read(img: &Gray) -> Vec<ScannedCode> {
        let (Ok(w), Ok(h)) = (u32::try_from(img.width()), u32::try_from(img.height())) else {
            return Vec::new();
        };
        let luma = img.pixels().to_vec();
        let mut hints = DecodeHints {
            PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
            ..DecodeHints::default()
        };
        let Some(Ok(results)) =
            contained(move || rxing::helpers::detect_multiple_in_luma_with_hints(luma, w, h, &mut hints))
        else {
            return Vec::new();
        };
        results
            .iter()
            .map(|r| {
                let ecc = match r
                    .getRXingResultMetadata()
                    .get(&RXingResultMetadataType::ERROR_CORRECTION_LEVEL)
                {
                    Some(RXingResultMetadataValue::ErrorCorrectionLevel(l)) => ecc_named(l.as_str()),
                    _ => None,
                };
                // rxing reports the outer corners as top-left, top-right, bottom-left, bottom-right.
                let corners = match r.getPoints() {
                    [tl, tr, bl, br, ..] => [tl, tr, br, bl].map(|p| Pt::new(f64::from(p.x), f64::from(p.y))),
                    _ => [Pt::default(); 4],
                };
                to_code(
                    img,
                    Rung::Rxing,
                    r.getText().to_owned(),
                    r.getRawBytes().to_vec(),
                    corners,
                    ecc,
                    None,
                )
            })
            .collect()
    }
}

/// The version from the finder patterns: walking a diagonal inwards from a finder's outer corner, the
/// fifth light/dark change is the finder's inner edge, 7 modules in; the whole diagonal is `size` modules.
fn estimate_version(img: &Gray, corners: &[Pt; 4]) -> Option<usize> {
    let [tl, tr, br, bl] = *corners;
    let mut sizes = Vec::new();
    for (from, to) in [(tl, br), (tr, bl), (bl, tr)] {
        let diag = from.dist(to);
        if diag < 21.0 {
            continue;
        }
        let (dx, dy) = ((to.x - from.x) / diag, (to.y - from.y) / diag);
        let n = (diag * 2.0) as usize; // quarter-pixel steps over half the diagonal
        let values: Vec<f32> = (1..n)
            .map(|i| img.sample(from.x + dx * i as f64 * 0.25, from.y + dy * i as f64 * 0.25))
            .collect();
        let (lo, hi) = values
            .iter()
            .fold((f32::MAX, f32::MIN), |(l, h), &v| (l.min(v), h.max(v)));
        let t = (lo + hi) / 2.0;
        // Reported corners may sit half a pixel outside the code: start at the first dark sample.
        let Some(first) = values.iter().position(|&v| v < t) else {
            continue;
        };
        let mut dark = true;
        let mut changes = 0;
        for (i, &v) in values.iter().enumerate().skip(first) {
            if (v < t) != dark {
                dark = v < t;
                changes += 1;
                if changes == 5 {
                    let seven = (i + 1) as f64 * 0.25;
                    sizes.push(7.0 * diag / seven);
                    break;
                }
            }
        }
    }
    if sizes.is_empty() {
        return None;
    }
    let size = sizes.iter().sum::<f64>() / sizes.len() as f64;
    let v = ((size - 17.0) / 4.0).round();
    (1.0..=40.0).contains(&v).then_some(v as usize)
}
