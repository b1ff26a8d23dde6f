//! Feature `scan-rxing`: rxing (a port of ZXing) as a fallback *after* our rqrr pipeline, only when the
//! pipeline found nothing. Its work (and a fifth of the wall-clock backstop) is set aside before the
//! ladder starts (`Budget::reserve`), so that a ladder that climbed every rung without reading anything,
//! and so used the whole allowance, still leaves it its turn. Measured in `docs/benchmarks.md`: it reads
//! codes rqrr's locator never finds (small modules, dense high versions), in a few milliseconds.

use std::collections::HashSet;

use rxing::{BarcodeFormat, DecodeHints, RXingResult, RXingResultMetadataType, RXingResultMetadataValue};

use super::contain::contained;
use super::geometry::Pt;
use super::gray::Gray;
use super::pipeline::{Ecc, Rung, ScannedCode};
use super::text::{Charset, decode_text};

/// Reads every code rxing finds (its multiple-code reader, QR only) in the grayscale image as the ladder
/// received it; empty when it finds none (or panics). Not "trying harder": on the benchmark sets that mode
/// read no more codes and raised the median decode time by a third (docs/benchmarks.md).
pub(crate) fn read(img: &Gray) -> Vec<ScannedCode> {
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
    results.iter().map(|r| to_code(img, r)).collect()
}

fn to_code(img: &Gray, found: &RXingResult) -> ScannedCode {
    let ecc = match found
        .getRXingResultMetadata()
        .get(&RXingResultMetadataType::ERROR_CORRECTION_LEVEL)
    {
        Some(RXingResultMetadataValue::ErrorCorrectionLevel(l)) => match l.as_str() {
            "L" => Ecc::L,
            "M" => Ecc::M,
            "Q" => Ecc::Q,
            _ => Ecc::H,
        },
        _ => Ecc::M,
    };
    // rxing reports the content's bytes, the text and the outer corners (top-left, top-right,
    // bottom-left, bottom-right); the version comes from the finder patterns seen along the diagonals.
    let raw = found.getRawBytes();
    let text = found.getText().to_owned();
    let bytes = if raw.is_empty() {
        text.as_bytes().to_vec()
    } else {
        raw.to_vec()
    };
    let charset = if bytes == text.as_bytes() {
        Charset::Utf8
    } else {
        decode_text(&bytes, None).1
    };
    let corners = match found.getPoints() {
        [tl, tr, bl, br, ..] => [tl, tr, br, bl].map(|p| Pt::new(f64::from(p.x), f64::from(p.y))),
        _ => [Pt::default(); 4],
    };
    let version = estimate_version(img, &corners);
    ScannedCode {
        text,
        bytes,
        corners: corners.map(|p| [p.x as f32, p.y as f32]),
        version: version.and_then(|v| u8::try_from(v).ok()).unwrap_or(0),
        ecc,
        charset,
        found_by: Rung::Rxing,
        resampled: false,
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
