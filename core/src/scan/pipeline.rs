//! The decoding pipeline: a ladder of pre-processing rungs around rqrr's detector, our own grid re-fit and
//! re-sampling for located codes that rqrr's own sampling fails to decode, a time budget, and deduplication.

use std::time::Duration;

use rqrr::{BitGrid, PreparedImage};
use serde::{Deserialize, Serialize};

use super::budget::Budget;
use super::contain::contained;
use super::geometry::{Homography, Pt};
use super::gray::Gray;
use super::pyramid::{Pyramid, rescale};
use super::read::decode_grid;
use super::refit::{corners_of, make_code, resample};
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
    /// Not a rung of the ladder: rxing's reader, after the ladder (feature `scan-rxing` without
    /// `scan-zxing`).
    Rxing,
    /// Not a rung of the ladder: zxing-cpp's reader, after the ladder (feature `scan-zxing`).
    Zxing,
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
    /// With feature `scan-zxing` (or `scan-rxing`): after the ladder, when it left something unread, let
    /// zxing-cpp (or rxing) read the image too (ignored without either).
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
            budget: Duration::from_millis(700),
            effort: DEFAULT_EFFORT,
            rungs: Rung::DEFAULT.to_vec(),
            refine: true,
            mode: ScanMode::Thorough,
            fallback: true,
        }
    }
}

impl ScanOptions {
    /// The preset for live camera frames: `ScanMode::Fast`, a 50 ms backstop and half a photo's
    /// allowance (the next frame comes in a few dozen milliseconds).
    pub fn live() -> Self {
        Self {
            mode: ScanMode::Fast,
            budget: Duration::from_millis(50),
            effort: LIVE_EFFORT,
            ..Self::default()
        }
    }
}

/// The default work allowance of a photo (about 100 ms of work on the reference machine; codes read
/// raise it, up to four times).
pub const DEFAULT_EFFORT: u64 = 10_000_000;

/// The work allowance of a live camera frame.
const LIVE_EFFORT: u64 = 5_000_000;

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
    let pyramid = Pyramid::new(img);
    let work = pyramid.work();
    let level = pyramid.level(work);
    let budget = Budget::new(opts.budget, opts.effort);
    // The fallback's share is set aside before the ladder starts: a ladder that climbs every rung without
    // reading anything uses the whole allowance, and the fallback would never run exactly where it is needed.
    #[cfg(any(feature = "scan-rxing", feature = "scan-zxing"))]
    if opts.fallback {
        budget.reserve(
            super::fallback::cost(img.width() * img.height()),
            opts.budget / FALLBACK_WALL_SHARE,
        );
    }
    let mut found: Vec<ScannedCode> = Vec::new();
    let mut inverted: Option<Gray> = None;
    let mut tried: Vec<[Pt; 4]> = Vec::new();
    let mut loose: Vec<Pt> = Vec::new();
    #[cfg(any(feature = "scan-rxing", feature = "scan-zxing"))]
    let mut fell_back = false;
    // Large frames first at half resolution: a code that fills a fair part of the frame is read there in a
    // quarter of the time.
    let mut rungs = opts.rungs.clone();
    if level.width().min(level.height()) >= HALF_FIRST_MIN_SIDE {
        let (half, full): (Vec<Rung>, Vec<Rung>) = rungs
            .iter()
            .partition(|r| matches!(r, Rung::Half | Rung::LocateHalf));
        rungs = half.into_iter().chain(full).collect();
    }
    for rung in rungs {
        if budget.exhausted() {
            break;
        }
        if matches!(rung, Rung::Rxing | Rung::Zxing) {
            continue; // Not a rung of the ladder; see `ScanOptions::fallback`.
        }
        let (located, read) = run_rung(
            level,
            &mut inverted,
            rung,
            opts,
            &budget,
            &mut found,
            &mut tried,
            &mut loose,
            &mut diag,
        );
        explain(&mut loose, &found);
        // A camera frame in which our locator saw no finder candidate gets no further rung, only a quick
        // look by zxing-cpp at its half (with `scan-zxing`; otherwise the fallback's one turn): the next
        // frame comes in a few milliseconds, and this is the steady cost of a scanner pointed at nothing.
        if opts.mode == ScanMode::Fast && rung == Rung::LocateHalf && read == 0 && loose.len() < 2 {
            diag.push_str("[no finder candidates: no further rung] ");
            #[cfg(feature = "scan-zxing")]
            if opts.fallback {
                fell_back = true;
                quick_look(level, &budget, &mut found, &mut diag);
            }
            break;
        }
        // On a camera frame the fallback's turn comes after the first, cheap rung (our locator with rqrr's
        // decoder), instead of the costly ones: they read nothing more on the hard frames and cost three
        // times zxing-cpp's time on frames without a code (docs/benchmarks.md); the next frame comes soon.
        #[cfg(any(feature = "scan-rxing", feature = "scan-zxing"))]
        if opts.fallback
            && opts.mode == ScanMode::Fast
            && rung == Rung::LocateHalf
            && found.is_empty()
            && !fell_back
        {
            fell_back = true;
            // On the working level: the codes found so far are in its coordinates (a frame larger than
            // 1280x960 is read at its half, as the ladder is).
            fallback(level, opts, &budget, &mut found, &mut diag);
            break;
        }
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
    // Climbing: finer levels of a large photo, by our locator, while finder candidates remain that no
    // read code explains (or nothing was read at all).
    let mut at = work;
    while at > 0
        && opts.mode != ScanMode::Fast
        && !budget.exhausted()
        && (!loose.is_empty() || found.is_empty())
    {
        rescale(&mut found, &mut tried, &mut loose, 2.0);
        at -= 1;
        let finer = pyramid.level(at);
        budget.spend(rung_cost(Rung::Locate, finer.width() * finer.height()));
        loose.clear();
        run_locator(
            finer,
            Rung::Locate,
            opts,
            &budget,
            &mut found,
            &mut tried,
            &mut loose,
            &mut diag,
        );
        explain(&mut loose, &found);
    }
    rescale(&mut found, &mut tried, &mut loose, f64::from(1u32 << at.min(16)));
    // Its work and time were set aside: it runs whenever the ladder left something unread (nothing read,
    // or, on photos, finder candidates no read code explains), even after a ladder step that overran the
    // deadline, so that whether it runs never depends on the machine's load.
    #[cfg(any(feature = "scan-rxing", feature = "scan-zxing"))]
    if opts.fallback && !fell_back && (found.is_empty() || (opts.mode != ScanMode::Fast && !loose.is_empty()))
    {
        fallback(img, opts, &budget, &mut found, &mut diag);
    }
    diag.push_str(&format!("work {}", budget.used()));
    (found, diag)
}

/// The second decoder's turn on the whole image: the codes it reads that the ladder did not are added.
#[cfg(any(feature = "scan-rxing", feature = "scan-zxing"))]
fn fallback(
    img: &Gray,
    opts: &ScanOptions,
    budget: &Budget,
    found: &mut Vec<ScannedCode>,
    diag: &mut String,
) {
    budget.release();
    budget.spend(super::fallback::cost(img.width() * img.height()));
    let codes = super::fallback::read(img, opts.mode == ScanMode::Fast);
    diag.push_str(&format!("[fallback read {}] ", codes.len()));
    for code in codes {
        push_unique(found, code);
    }
}

/// A camera frame in which our locator saw nothing like a code: one quick look by zxing-cpp at its half
/// (blurred or dim codes our locator's threshold misses), at a quarter of the cost of the fallback.
#[cfg(feature = "scan-zxing")]
fn quick_look(level: &Gray, budget: &Budget, found: &mut Vec<ScannedCode>, diag: &mut String) {
    budget.release();
    let half = level.downscale(2);
    budget.spend(super::fallback::cost(half.width() * half.height()));
    let codes = super::fallback::read_quick(&half);
    diag.push_str(&format!("[quick look read {}] ", codes.len()));
    for mut code in codes {
        for c in &mut code.corners {
            *c = [c[0] * 2.0, c[1] * 2.0];
        }
        push_unique(found, code);
    }
}

/// Drops the finder candidates that a read code explains (inside it or just around it).
fn explain(loose: &mut Vec<Pt>, found: &[ScannedCode]) {
    loose.retain(|p| !found.iter().any(|f| f.centre().dist(*p) < 1.3 * f.radius()));
}

/// Work units of one rung on an image of `pixels` pixels (preparation plus rqrr's detection).
fn rung_cost(rung: Rung, pixels: usize) -> u64 {
    let per_pixel = match rung {
        Rung::Half => 1,
        Rung::Native | Rung::Inverted | Rung::Padded | Rung::Otsu => 3,
        Rung::Blur | Rung::Adaptive | Rung::AdaptiveFine => 5,
        Rung::Stretch => 6,
        Rung::Rxing | Rung::Zxing => 0,
        Rung::Locate => 1,
        Rung::LocateHalf => 1,
    };
    (pixels as u64).saturating_mul(per_pixel)
}

/// With a fallback compiled in, 1/this of the wall-clock backstop is kept for it.
#[cfg(any(feature = "scan-rxing", feature = "scan-zxing"))]
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
        Rung::Rxing | Rung::Zxing | Rung::Locate | Rung::LocateHalf => Prepared::Same(img),
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
    loose: &mut Vec<Pt>,
    diag: &mut String,
) -> (usize, usize) {
    budget.spend(rung_cost(rung, img.width() * img.height()));
    if matches!(rung, Rung::Locate | Rung::LocateHalf) {
        return run_locator(img, rung, opts, budget, found, tried, loose, diag);
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
            budget.grant(PER_CODE_GRANT);
            push_unique(found, code);
        }
    }
    (located, read)
}

/// Our own locator as a rung: every located candidate goes to our fit and rqrr's decoder; every finder
/// candidate it saw is added to `loose`. Returns (located, read), counting a rung that read something as
/// settled (false triples are expected).
#[allow(clippy::too_many_arguments)] // Private; the state of one scan.
fn run_locator(
    img: &Gray,
    rung: Rung,
    opts: &ScanOptions,
    budget: &Budget,
    found: &mut Vec<ScannedCode>,
    tried: &mut Vec<[Pt; 4]>,
    loose: &mut Vec<Pt>,
    diag: &mut String,
) -> (usize, usize) {
    let (sighting, scale) =
        if rung == Rung::LocateHalf && img.width().min(img.height()) >= 2 * MIN_LOCATE_SIDE {
            // At half resolution only finders of 1.5 px modules or more, and codes up to version 10:
            // smaller or denser ones are left to the full-resolution rungs (fitting a dense code located at
            // half resolution costs more than it reads).
            (super::locate::locate(&img.downscale(2), 1.5), 2.0)
        } else {
            (super::locate::locate(img, 1.0), 1.0)
        };
    loose.extend(sighting.finders.iter().map(|p| Pt::new(p.x * scale, p.y * scale)));
    let mut located = sighting.codes;
    // A camera frame: the code aimed at is the one nearest the frame's centre (a frame of a sheet or a
    // poster shows its neighbours too, and a live scan stops at the first code read): of the best few
    // candidates, the nearest the centre are fitted first.
    if opts.mode == ScanMode::Fast {
        located.truncate(2 * LIVE_FITS);
        let mid = Pt::new(img.width() as f64 / 2.0, img.height() as f64 / 2.0);
        let off = |l: &super::locate::Located| {
            let c = corners_of(&l.h, l.size).map(|p| Pt::new(p.x * scale, p.y * scale));
            centre(&c).dist(mid)
        };
        located.sort_by(|a, b| off(a).total_cmp(&off(b)));
    }
    let mut read = 0;
    // A camera frame fits only the best few candidates: false triples are common in clutter, and the
    // next frame comes soon.
    let fits = if opts.mode == ScanMode::Fast {
        LIVE_FITS
    } else {
        // Photos: as many as the finders seen could make codes (a sheet of 60 codes: 180 finders), at
        // least the eight best.
        (sighting.finders.len() / 2).max(8)
    };
    let mut fitted = 0;
    for l in &located {
        if !opts.refine || budget.exhausted() || fitted >= fits {
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
        fitted += 1;
        diag.push_str(&format!(
            "[located size {} corners {:?}] ",
            l.size,
            corners.map(|p| (p.x as i32, p.y as i32))
        ));
        if let Some(code) = resample(img, &h, l.size, rung, opts.mode != ScanMode::Fast, budget, diag) {
            read += 1;
            budget.grant(PER_CODE_GRANT);
            push_unique(found, code);
            if opts.mode == ScanMode::Fast {
                break;
            }
        }
    }
    (if read > 0 { read } else { located.len() }, read)
}

/// Candidates of our locator fitted per rung on a camera frame.
const LIVE_FITS: usize = 4;

/// Each code read raises the work allowance by this much (about 5 ms), so that a photo of 60 codes gets
/// 60 small decodes rather than one image's share (bounded by `Budget`'s cap).
const PER_CODE_GRANT: u64 = 500_000;

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

fn push_unique(found: &mut Vec<ScannedCode>, code: ScannedCode) {
    let c = code.centre();
    let dup = found
        .iter()
        .any(|f| f.bytes == code.bytes && f.centre().dist(c) < f.radius().max(code.radius()));
    if !dup {
        found.push(code);
    }
}
