//! Our re-fit and re-sampling of one located grid, for the grids rqrr's own sampling cannot decode:
//! neighbouring sizes fitted too (rqrr's size count is often off on photographs), tried best-first, each
//! sampled and decoded under several module classifications, near misses a quarter module aside.

use super::budget::Budget;
use super::geometry::{Homography, Pt};
use super::gray::Gray;
use super::grid::{self, Classify, ModuleGrid};
use super::patterns::version_of_size;
use super::pipeline::{Rung, ScannedCode};
use super::read::{Decoded, decode_grid};

pub(crate) fn corners_of(h: &Homography, size: usize) -> [Pt; 4] {
    let s = size as f64;
    [h.map(0.0, 0.0), h.map(s, 0.0), h.map(s, s), h.map(0.0, s)]
}

/// Our own re-fit and re-sampling of a located grid. rqrr's size estimate (from counting timing-pattern
/// transitions) is often off on photographs, so neighbouring sizes are fitted too and tried best-first.
pub(crate) fn resample(
    src: &Gray,
    h0: &Homography,
    size: usize,
    rung: Rung,
    precise: bool,
    budget: &Budget,
    diag: &mut String,
) -> Option<ScannedCode> {
    let outer = corners_of(h0, size);
    // rqrr's own size first, decoded at once when it fits well; the neighbours only if that fails.
    let mut fits = Vec::with_capacity(5);
    // Our locator's size estimate (from module size and finder distance) is closer than rqrr's count.
    let ours = matches!(rung, Rung::Locate | Rung::LocateHalf);
    let tries = if ours { 3 } else { 5 };
    // It is also closer in position: a shorter first step of the corner search.
    let start_step = if ours { 0.75 } else { 1.5 };
    for (k, s) in [
        size,
        size + 4,
        size.wrapping_sub(4),
        size + 8,
        size.wrapping_sub(8),
    ]
    .into_iter()
    .take(tries)
    .enumerate()
    {
        if version_of_size(s).is_none() || budget.exhausted() {
            continue;
        }
        let Some(h) = Homography::square_to_quad(s as f64, outer) else {
            continue;
        };
        let Some((geom, fitness)) = grid::fit(src, s, h, start_step, precise, budget) else {
            continue;
        };
        diag.push_str(&format!("(fit s={s} f={fitness:.2}) "));
        if fitness < MIN_FITNESS {
            continue;
        }
        if k == 0 && fitness >= GOOD_FITNESS {
            if let Some(code) = read_fitted(src, &geom, rung, true, budget) {
                return Some(code);
            }
            continue;
        }
        fits.push((fitness, geom));
    }
    fits.sort_by(|a, b| b.0.total_cmp(&a.0));
    fits.iter()
        .take(3)
        .find_map(|(f, geom)| read_fitted(src, geom, rung, *f >= GOOD_FITNESS, budget))
}

/// Samples a fitted grid and decodes it under each module classification; then, for a near miss, the
/// same a quarter module aside in each direction (when `jitter`, for well-fitted grids).
fn read_fitted(
    src: &Gray,
    geom: &grid::Geometry,
    rung: Rung,
    jitter: bool,
    budget: &Budget,
) -> Option<ScannedCode> {
    const JITTER: [(f64, f64); 9] = [
        (0.0, 0.0),
        (0.25, 0.0),
        (-0.25, 0.0),
        (0.0, 0.25),
        (0.0, -0.25),
        (0.25, 0.25),
        (-0.25, -0.25),
        (0.25, -0.25),
        (-0.25, 0.25),
    ];
    let s = geom.size;
    let tries = if jitter { JITTER.len() } else { 1 };
    JITTER.iter().take(tries).find_map(|&(dx, dy)| {
        if dx != 0.0 && budget.exhausted() {
            return None;
        }
        // Sampling (five taps a module) and three decodes.
        budget.spend((s * s * 8) as u64);
        let g = if dx == 0.0 && dy == 0.0 {
            geom.clone()
        } else {
            geom.shifted(dx, dy)
        };
        let values = grid::sample_modules(src, &g);
        [
            Classify::KnownMidpoint,
            Classify::LocalMean(4),
            Classify::LocalMean(8),
        ]
        .into_iter()
        .find_map(|how| {
            let mg = ModuleGrid {
                size: s,
                dark: grid::classify(&values, s, how),
            };
            decode_grid(&mg).map(|d| make_code(d, geom.corners(), rung, true))
        })
    })
}

/// A fit this good at rqrr's own size is decoded before other sizes are fitted.
const GOOD_FITNESS: f64 = 0.7;

/// Below this correlation with the known modules a fitted grid is not worth sampling.
const MIN_FITNESS: f64 = 0.3;

pub(crate) fn make_code(d: Decoded, corners: [Pt; 4], rung: Rung, resampled: bool) -> ScannedCode {
    ScannedCode {
        text: d.text,
        bytes: d.bytes,
        corners: corners.map(|p| [p.x as f32, p.y as f32]),
        version: d.version,
        ecc: d.ecc,
        charset: d.charset,
        found_by: rung,
        resampled,
    }
}
