//! The decoding pipeline: a ladder of pre-processing rungs around rqrr's detector, our own grid re-fit and
//! re-sampling for located codes that rqrr's own sampling fails to decode, a time budget, and deduplication.

use std::time::Duration;

use rqrr::{BitGrid, PreparedImage};
use serde::{Deserialize, Serialize};

use super::budget::Budget;
use super::contain::contained;
use super::geometry::{Homography, Pt};
use super::gray::Gray;
use super::grid::{self, Classify, ModuleGrid};
use super::patterns::version_of_size;
use super::read::{Decoded, decode_grid};
use super::text::Charset;

/// One pre-processing step of the ladder: how the image is prepared before rqrr looks for finder patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rung {
    /// rqrr's own preparation (a running-mean threshold along rows).
    Native,
    /// Local adaptive threshold from an integral image (window about 1/8 of the short side).
    Adaptive,
    /// One global Otsu threshold.
    Otsu,
    /// Light and dark swapped, then rqrr's preparation (light-on-dark codes).
    Inverted,
    /// A 3x3 box blur, then rqrr's preparation (noise, moiré, print dots).
    Blur,
    /// Half resolution, then rqrr's preparation (large, blurred or noisy codes).
    Half,
    /// Contrast stretched to the 1st..99th percentiles, then a fine local threshold.
    Stretch,
    /// A small-window adaptive threshold (for small codes in large frames).
    AdaptiveFine,
    /// A light border added around the image, then rqrr's preparation (codes cropped without quiet zone).
    Padded,
    /// Our own finder-pattern locator at full resolution (small modules rqrr's detector misses).
    Locate,
    /// Our own finder-pattern locator at half resolution (fast, for camera frames).
    LocateHalf,
    /// Not a rung of the ladder: rxing's reader, after the ladder found nothing (feature `scan-rxing`).
    Rxing,
}

impl Rung {
    /// The default ladder, ordered by codes gained per millisecond on our benchmark sets.
    pub const DEFAULT: &'static [Rung] = &[
        Rung::LocateHalf,
        Rung::Half,
        Rung::Native,
        Rung::Adaptive,
        Rung::Otsu,
        Rung::Blur,
        Rung::Inverted,
        Rung::AdaptiveFine,
        Rung::Stretch,
        Rung::Padded,
        Rung::Locate,
    ];
}

/// Tuning of one scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Wall-clock backstop: after this no further step starts (a step in progress finishes).
    pub budget: Duration,
    /// Deterministic work allowance, in units of about 10 ns on the reference machine (a pixel prepared
    /// for detection, a point sampled while fitting a grid). What a scan finds depends on this, not on
    /// the machine's load, as long as the wall-clock backstop is not reached first.
    pub effort: u64,
    /// The rungs to try, in order.
    pub rungs: Vec<Rung>,
    /// Re-fit and re-sample located grids that rqrr's own sampling cannot decode.
    pub refine: bool,
    /// When the ladder stops.
    pub mode: ScanMode,
    /// With feature `scan-rxing`: when the ladder found nothing, let rxing try (ignored without it).
    pub fallback: bool,
}

/// When the ladder stops climbing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanMode {
    /// After the first rung, at any resolution, that read everything it located (camera frames: the next
    /// frame comes in a few milliseconds anyway).
    Fast,
    /// After the first full-resolution rung that read everything it located (photos and files: a code
    /// too small for the half-resolution rung is not missed because a larger one was read there).
    #[default]
    Thorough,
    /// Every rung, within the budget (to find every code in busy images).
    Exhaustive,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            budget: Duration::from_millis(150),
            effort: DEFAULT_EFFORT,
            rungs: Rung::DEFAULT.to_vec(),
            refine: true,
            mode: ScanMode::Thorough,
            fallback: true,
        }
    }
}

impl ScanOptions {
    /// The preset for live camera frames: `ScanMode::Fast`.
    pub fn live() -> Self {
        Self {
            mode: ScanMode::Fast,
            ..Self::default()
        }
    }
}

/// The default work allowance (about 100 ms of work on the reference machine).
pub const DEFAULT_EFFORT: u64 = 10_000_000;

/// Error-correction level of a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Ecc {
    /// About 7% recoverable.
    L,
    /// About 15%.
    M,
    /// About 25%.
    Q,
    /// About 30%.
    H,
}

/// One code found in an image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScannedCode {
    /// The content as text (see `charset`).
    pub text: String,
    /// The content's bytes exactly as encoded.
    pub bytes: Vec<u8>,
    /// The code's outer corners in the input's pixel coordinates (x right, y down; a pixel's centre is at
    /// +0.5): top-left, top-right, bottom-right, bottom-left as the code reads.
    pub corners: [[f32; 2]; 4],
    /// QR version (1..=40).
    pub version: u8,
    /// Error-correction level.
    pub ecc: Ecc,
    /// The charset the text was read in.
    pub charset: Charset,
    /// The ladder rung that located it.
    pub found_by: Rung,
    /// Whether our own re-sampling (rather than rqrr's) read it.
    pub resampled: bool,
}

impl ScannedCode {
    fn centre(&self) -> Pt {
        let (sx, sy) = self
            .corners
            .iter()
            .fold((0.0, 0.0), |(a, b), c| (a + c[0], b + c[1]));
        Pt::new(f64::from(sx) / 4.0, f64::from(sy) / 4.0)
    }

    fn radius(&self) -> f64 {
        let [a, _, c, _] = self.corners;
        Pt::new(f64::from(a[0]), f64::from(a[1])).dist(Pt::new(f64::from(c[0]), f64::from(c[1]))) / 2.0
    }
}

/// Decodes every code in `img` within the options' budget.
pub(crate) fn scan_gray(img: &Gray, opts: &ScanOptions) -> Vec<ScannedCode> {
    scan_gray_diag(img, opts).0
}

/// `scan_gray`, plus a development log of what was located and how it went.
pub(crate) fn scan_gray_diag(img: &Gray, opts: &ScanOptions) -> (Vec<ScannedCode>, String) {
    let mut diag = String::new();
    let budget = Budget::new(opts.budget, opts.effort);
    // The fallback's share is set aside before the ladder starts: a ladder that climbs every rung without
    // reading anything uses the whole allowance, and the fallback would never run exactly where it is needed.
    #[cfg(feature = "scan-rxing")]
    if opts.fallback {
        budget.reserve(
            rung_cost(Rung::Rxing, img.width() * img.height()),
            opts.budget / FALLBACK_WALL_SHARE,
        );
    }
    let mut found: Vec<ScannedCode> = Vec::new();
    let mut inverted: Option<Gray> = None;
    let mut tried: Vec<[Pt; 4]> = Vec::new();
    // Large frames first at half resolution: a code that fills a fair part of the frame is read there in a
    // quarter of the time.
    let mut rungs = opts.rungs.clone();
    if img.width().min(img.height()) >= HALF_FIRST_MIN_SIDE {
        let (half, full): (Vec<Rung>, Vec<Rung>) = rungs
            .iter()
            .partition(|r| matches!(r, Rung::Half | Rung::LocateHalf));
        rungs = half.into_iter().chain(full).collect();
    }
    for rung in rungs {
        if budget.exhausted() {
            break;
        }
        if rung == Rung::Rxing {
            continue; // Not a rung of the ladder; see `ScanOptions::fallback`.
        }
        let (located, read) = run_rung(
            img,
            &mut inverted,
            rung,
            opts,
            &budget,
            &mut found,
            &mut tried,
            &mut diag,
        );
        let settled = read > 0 && read >= located;
        let stop = match opts.mode {
            ScanMode::Fast => settled,
            ScanMode::Thorough => settled && !matches!(rung, Rung::Half | Rung::LocateHalf),
            ScanMode::Exhaustive => false,
        };
        if stop {
            break;
        }
    }
    #[cfg(feature = "scan-rxing")]
    if opts.fallback {
        budget.release();
        // Its work and time were set aside, and it is short (a few milliseconds): it always runs when the
        // ladder found nothing, even after a ladder step that overran the deadline, so that whether it
        // runs never depends on the machine's load.
        if found.is_empty() {
            budget.spend(rung_cost(Rung::Rxing, img.width() * img.height()));
            let codes = super::fallback::read(img);
            diag.push_str(&format!("[rxing read {}] ", codes.len()));
            for code in codes {
                push_unique(&mut found, code);
            }
        }
    }
    diag.push_str(&format!("work {}", budget.used()));
    (found, diag)
}

/// Work units of one rung on an image of `pixels` pixels (preparation plus rqrr's detection).
fn rung_cost(rung: Rung, pixels: usize) -> u64 {
    let per_pixel = match rung {
        Rung::Half => 1,
        Rung::Native | Rung::Inverted | Rung::Padded | Rung::Otsu => 3,
        Rung::Blur | Rung::Adaptive | Rung::AdaptiveFine => 5,
        Rung::Stretch => 6,
        Rung::Rxing => 2,
        Rung::Locate => 1,
        Rung::LocateHalf => 1,
    };
    (pixels as u64).saturating_mul(per_pixel)
}

/// With feature `scan-rxing`, 1/this of the wall-clock backstop is kept for the fallback.
#[cfg(feature = "scan-rxing")]
const FALLBACK_WALL_SHARE: u32 = 5;

/// Short side from which the half-resolution rung runs first.
const HALF_FIRST_MIN_SIDE: usize = 480;

/// Binary or grayscale input for rqrr's detector, with the factor from its pixels to the input's.
enum Prepared<'a> {
    Same(&'a Gray),
    Gray(Gray, f64),
    Padded(Gray, usize),
    Bits(usize, usize, Vec<bool>, f64),
}

fn prepare<'a>(img: &'a Gray, inverted: &'a mut Option<Gray>, rung: Rung) -> Prepared<'a> {
    let short = img.width().min(img.height());
    match rung {
        Rung::Native => Prepared::Same(img),
        Rung::Adaptive => Prepared::Bits(
            img.width(),
            img.height(),
            img.adaptive((short / 16).max(4), 3),
            1.0,
        ),
        Rung::AdaptiveFine => Prepared::Bits(
            img.width(),
            img.height(),
            img.adaptive((short / 48).max(3), 2),
            1.0,
        ),
        Rung::Otsu => Prepared::Bits(img.width(), img.height(), img.otsu(), 1.0),
        Rung::Inverted => Prepared::Same(inverted.get_or_insert_with(|| img.inverted())),
        Rung::Blur => Prepared::Gray(img.blurred(1), 1.0),
        Rung::Half => Prepared::Gray(img.downscale(2), 2.0),
        Rung::Padded => {
            let pad = (short / 8).max(8);
            Prepared::Padded(img.padded(pad), pad)
        }
        Rung::Rxing | Rung::Locate | Rung::LocateHalf => Prepared::Same(img),
        Rung::Stretch => {
            let s = img.stretched();
            Prepared::Bits(s.width(), s.height(), s.adaptive((short / 32).max(3), 1), 1.0)
        }
    }
}

#[allow(clippy::too_many_arguments)] // One private call site; the state of one scan.
/// Runs one rung; returns (grids located, codes read) including duplicates of earlier finds.
fn run_rung(
    img: &Gray,
    inverted: &mut Option<Gray>,
    rung: Rung,
    opts: &ScanOptions,
    budget: &Budget,
    found: &mut Vec<ScannedCode>,
    tried: &mut Vec<[Pt; 4]>,
    diag: &mut String,
) -> (usize, usize) {
    budget.spend(rung_cost(rung, img.width() * img.height()));
    if matches!(rung, Rung::Locate | Rung::LocateHalf) {
        return run_locator(img, rung, opts, budget, found, tried, diag);
    }
    let mut offset = 0.0;
    let (mut rimg, scale) = match prepare(img, inverted, rung) {
        Prepared::Same(g) => {
            let (w, h) = (g.width(), g.height());
            (
                PreparedImage::prepare_from_greyscale(w, h, |x, y| g.at(x, y)),
                1.0,
            )
        }
        Prepared::Gray(g, s) => {
            let (w, h) = (g.width(), g.height());
            (PreparedImage::prepare_from_greyscale(w, h, |x, y| g.at(x, y)), s)
        }
        Prepared::Padded(g, pad) => {
            offset = pad as f64;
            let (w, h) = (g.width(), g.height());
            (
                PreparedImage::prepare_from_greyscale(w, h, |x, y| g.at(x, y)),
                1.0,
            )
        }
        Prepared::Bits(w, h, bits, s) => (
            PreparedImage::prepare_from_bitmap(w, h, |x, y| bits.get(y * w + x).copied().unwrap_or(false)),
            s,
        ),
    };
    let source: &Gray = if rung == Rung::Inverted {
        inverted.as_ref().unwrap_or(img)
    } else {
        img
    };
    let rref = &mut rimg;
    let Some(grids) = contained(move || rref.detect_grids()) else {
        return (0, 0);
    };
    let (mut located, mut read) = (0, 0);
    for g in &grids {
        located += 1;
        let size = g.grid.size();
        // rqrr's detector already spent time on this grid: its perspective search scores nine points of
        // every known module about 160 times.
        budget.spend(super::patterns::known_modules(size).len() as u64 * RQRR_GRID_COST);
        // rqrr's bounds map module (0,0) and (size+1, size+1); pixel centres are at integers there.
        let b = g.bounds.map(|p| {
            Pt::new(
                (f64::from(p.x) + 0.5) * scale - offset,
                (f64::from(p.y) + 0.5) * scale - offset,
            )
        });
        let Some(h0) = Homography::square_to_quad(size as f64 + 1.0, b) else {
            continue;
        };
        let native = decode_grid(&g.grid);
        diag.push_str(&format!(
            "[grid size {size} bounds {:?} native {}] ",
            g.bounds.map(|p| (p.x, p.y)),
            native.is_some()
        ));
        let corners = corners_of(&h0, size);
        // The same grid located again by a later rung (within a pixel or two) is not re-fitted.
        let seen = tried
            .iter()
            .any(|t| t.iter().zip(corners.iter()).all(|(a, b)| a.dist(*b) < 2.5));
        let code = match native {
            Some(d) => Some(make_code(d, corners, rung, false)),
            None if opts.refine && !seen && !budget.exhausted() => {
                tried.push(corners);
                resample(source, &h0, size, rung, opts.mode != ScanMode::Fast, budget, diag)
            }
            None => None,
        };
        if let Some(code) = code {
            read += 1;
            push_unique(found, code);
        }
    }
    (located, read)
}

/// Our own locator as a rung: every located candidate goes to our fit and rqrr's decoder. Returns
/// (located, read), counting a rung that read something as settled (false triples are expected).
fn run_locator(
    img: &Gray,
    rung: Rung,
    opts: &ScanOptions,
    budget: &Budget,
    found: &mut Vec<ScannedCode>,
    tried: &mut Vec<[Pt; 4]>,
    diag: &mut String,
) -> (usize, usize) {
    let (located, scale) = if rung == Rung::LocateHalf && img.width().min(img.height()) >= 2 * MIN_LOCATE_SIDE
    {
        // At half resolution only finders of 1.5 px modules or more, and codes up to version 10:
        // smaller or denser ones are left to the full-resolution rungs (fitting a dense code located at
        // half resolution costs more than it reads).
        (super::locate::locate(&img.downscale(2), 1.5), 2.0)
    } else {
        (super::locate::locate(img, 1.0), 1.0)
    };
    let mut read = 0;
    for l in &located {
        if !opts.refine || budget.exhausted() {
            break;
        }
        if scale > 1.0 && l.size > HALF_LOCATE_MAX_SIZE {
            continue;
        }
        let corners = corners_of(&l.h, l.size).map(|p| Pt::new(p.x * scale, p.y * scale));
        // A candidate inside a code already read is that code, or a false triple from its modules.
        if found
            .iter()
            .any(|f| f.centre().dist(centre(&corners)) < 1.5 * f.radius())
        {
            continue;
        }
        let seen = tried
            .iter()
            .any(|t| t.iter().zip(corners.iter()).all(|(a, b)| a.dist(*b) < 2.5));
        let Some(h) = Homography::square_to_quad(l.size as f64, corners) else {
            continue;
        };
        if seen {
            continue;
        }
        tried.push(corners);
        diag.push_str(&format!(
            "[located size {} corners {:?}] ",
            l.size,
            corners.map(|p| (p.x as i32, p.y as i32))
        ));
        if let Some(code) = resample(img, &h, l.size, rung, opts.mode != ScanMode::Fast, budget, diag) {
            read += 1;
            push_unique(found, code);
            if opts.mode == ScanMode::Fast {
                break;
            }
        }
    }
    (if read > 0 { read } else { located.len() }, read)
}

/// Work units rqrr's detector spends per known module of a grid it locates.
const RQRR_GRID_COST: u64 = 1500;

/// Largest code size (version 10) the half-resolution locator fits.
const HALF_LOCATE_MAX_SIZE: usize = 57;

/// Below this short side the half-resolution locator works on the full image.
const MIN_LOCATE_SIDE: usize = 240;

fn centre(c: &[Pt; 4]) -> Pt {
    Pt::new(
        c.iter().map(|p| p.x).sum::<f64>() / 4.0,
        c.iter().map(|p| p.y).sum::<f64>() / 4.0,
    )
}

fn corners_of(h: &Homography, size: usize) -> [Pt; 4] {
    let s = size as f64;
    [h.map(0.0, 0.0), h.map(s, 0.0), h.map(s, s), h.map(0.0, s)]
}

/// Our own re-fit and re-sampling of a located grid. rqrr's size estimate (from counting timing-pattern
/// transitions) is often off on photographs, so neighbouring sizes are fitted too and tried best-first.
fn resample(
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

fn make_code(d: Decoded, corners: [Pt; 4], rung: Rung, resampled: bool) -> ScannedCode {
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

fn push_unique(found: &mut Vec<ScannedCode>, code: ScannedCode) {
    let c = code.centre();
    let dup = found
        .iter()
        .any(|f| f.bytes == code.bytes && f.centre().dist(c) < f.radius().max(code.radius()));
    if !dup {
        found.push(code);
    }
}
