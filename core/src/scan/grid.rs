//! Our own module sampler. rqrr locates a code (finder patterns, grid size, a rough perspective) but then
//! reads each module from one pixel of its own binarised image; most of its misses on real photographs
//! are decode failures after that point. Here the located grid is re-fitted on the grayscale image and
//! re-sampled, and rqrr's decoder runs on the result (through its `BitGrid` trait):
//!
//! 1. the four outer corners are adjusted by coordinate descent to maximise the correlation between the
//!    image and every module whose colour is known in advance (finders, separators, timing, alignment);
//! 2. each alignment pattern is then searched locally and the residual displacement is interpolated over
//!    the code (for curved surfaces and large versions, where one homography is not enough);
//! 3. each module is read as the mean of five points around its centre;
//! 4. modules are classified with several thresholds (global midpoint between the known dark and light
//!    modules, a local mean over neighbouring modules), each giving one grid for the decoder to try.

use super::budget::Budget;
use super::geometry::{Homography, Pt};
use super::gray::Gray;
use super::patterns::{Known, alignment_centres, known_modules, version_of_size};

/// A fitted geometry: a homography plus a displacement field from local alignment-pattern refinement.
#[derive(Debug, Clone)]
pub(crate) struct Geometry {
    pub(crate) size: usize,
    pub(crate) h: Homography,
    /// Control points of the residual field: module-space position and pixel displacement.
    field: Vec<(Pt, Pt)>,
    /// A global shift in pixels (for re-sampling a near miss a fraction of a module aside).
    shift: Pt,
}

impl Geometry {
    pub(crate) fn new(size: usize, h: Homography) -> Self {
        Self {
            size,
            h,
            field: Vec::new(),
            shift: Pt::default(),
        }
    }

    /// The same geometry moved by `(dx, dy)` modules (measured at the centre).
    pub(crate) fn shifted(&self, dx: f64, dy: f64) -> Self {
        let c = self.size as f64 / 2.0;
        let m = self.h.module_size_at(c, c);
        let mut g = self.clone();
        g.shift = Pt::new(self.shift.x + dx * m, self.shift.y + dy * m);
        g
    }

    /// The pixel position of module-space point `(u, v)`.
    pub(crate) fn map(&self, u: f64, v: f64) -> Pt {
        let p = self.h.map(u, v);
        let p = Pt::new(p.x + self.shift.x, p.y + self.shift.y);
        if self.field.is_empty() {
            return p;
        }
        // Inverse-distance weighting of the nearest control displacements (smooth, exact at controls).
        let (mut wx, mut wy, mut wsum) = (0.0, 0.0, 0.0);
        for (c, d) in &self.field {
            let d2 = (c.x - u).powi(2) + (c.y - v).powi(2);
            let w = 1.0 / (d2 * d2 + 1.0);
            wx += w * d.x;
            wy += w * d.y;
            wsum += w;
        }
        if wsum > 0.0 {
            Pt::new(p.x + wx / wsum, p.y + wy / wsum)
        } else {
            p
        }
    }

    /// The outer corners of the code in pixels: top-left, top-right, bottom-right, bottom-left.
    pub(crate) fn corners(&self) -> [Pt; 4] {
        let s = self.size as f64;
        [
            self.map(0.0, 0.0),
            self.map(s, 0.0),
            self.map(s, s),
            self.map(0.0, s),
        ]
    }
}

/// Offsets (in modules) of the points averaged for one module: five when modules are large enough for
/// the outer taps to stay inside the module, else the centre alone.
const TAPS: [(f64, f64); 5] = [(0.5, 0.5), (0.3, 0.3), (0.7, 0.3), (0.3, 0.7), (0.7, 0.7)];
const CENTRE: [(f64, f64); 1] = [(0.5, 0.5)];

fn taps_for(module_px: f64) -> &'static [(f64, f64)] {
    if module_px >= 3.0 { &TAPS } else { &CENTRE }
}

fn module_value(img: &Gray, g: &Geometry, x: usize, y: usize, taps: &[(f64, f64)]) -> f32 {
    let mut s = 0.0;
    for &(du, dv) in taps {
        let p = g.map(x as f64 + du, y as f64 + dv);
        s += img.sample(p.x, p.y);
    }
    s / taps.len().max(1) as f32
}

fn module_value_h(img: &Gray, h: &Homography, x: u16, y: u16, taps: &[(f64, f64)]) -> f32 {
    let mut s = 0.0;
    for &(du, dv) in taps {
        let p = h.map(f64::from(x) + du, f64::from(y) + dv);
        s += img.sample(p.x, p.y);
    }
    s / taps.len().max(1) as f32
}

/// Pearson correlation between "expected dark" and "measured darkness" over the known modules.
fn fitness(img: &Gray, h: &Homography, known: &[Known], taps: &[(f64, f64)]) -> f64 {
    let n = known.len() as f64;
    if n == 0.0 {
        return 0.0;
    }
    let (mut sx, mut sy, mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(x, y, dark) in known {
        let a = if dark { 1.0 } else { -1.0 };
        let b = 255.0 - f64::from(module_value_h(img, h, x, y, taps));
        sx += a;
        sy += b;
        sxx += a * a;
        syy += b * b;
        sxy += a * b;
    }
    let cov = sxy / n - (sx / n) * (sy / n);
    let va = sxx / n - (sx / n).powi(2);
    let vb = syy / n - (sy / n).powi(2);
    if va <= 0.0 || vb <= 1e-6 {
        0.0
    } else {
        cov / (va * vb).sqrt()
    }
}

/// Re-fits the four outer corners (initially `h.map` of the square corners) on the grayscale image.
pub(crate) fn fit(
    img: &Gray,
    size: usize,
    h: Homography,
    start_step: f64,
    precise: bool,
    budget: &Budget,
) -> Option<(Geometry, f64)> {
    let s = size as f64;
    let known = known_modules(size);
    let mut corners = [h.map(0.0, 0.0), h.map(s, 0.0), h.map(s, s), h.map(0.0, s)];
    let mut best_h = Homography::square_to_quad(s, corners)?;
    let module = best_h.module_size_at(s / 2.0, s / 2.0).max(0.5);
    let fine_taps = taps_for(module);
    let mut taps: &[(f64, f64)] = &CENTRE;
    let mut best = fitness(img, &best_h, &known, taps);
    // Coarse to fine: from `start_step` modules (1.5 for rqrr's rough geometry) down to about a tenth,
    // each level until no coordinate improves (bounded).
    let mut step = module * start_step;
    let levels = if start_step > 1.0 { 5 } else { 4 };
    for _level in 0..levels {
        if budget.exhausted() {
            break;
        }
        // Coarse steps score the module centres only; when `precise`, the finest step the five taps of
        // the final sampling (better on photos, about a millisecond more on a camera frame).
        if precise && step < module * 0.15 && taps.len() != fine_taps.len() {
            taps = fine_taps;
            best = fitness(img, &best_h, &known, taps);
        }
        let mut improved = true;
        let mut rounds = 0;
        while improved && rounds < 12 {
            improved = false;
            rounds += 1;
            for i in 0..8 {
                for dir in [1.0, -1.0] {
                    let mut trial = corners;
                    if let Some(c) = trial.get_mut(i / 2) {
                        if i % 2 == 0 {
                            c.x += dir * step;
                        } else {
                            c.y += dir * step;
                        }
                    }
                    let Some(th) = Homography::square_to_quad(s, trial) else {
                        continue;
                    };
                    let f = fitness(img, &th, &known, taps);
                    budget.spend((known.len() * taps.len()) as u64);
                    if f > best {
                        best = f;
                        best_h = th;
                        corners = trial;
                        improved = true;
                        break;
                    }
                }
            }
        }
        step *= 0.5;
    }
    if taps.len() != fine_taps.len() {
        best = fitness(img, &best_h, &known, fine_taps);
    }
    let mut g = Geometry::new(size, best_h);
    refine_alignment(img, &mut g);
    Some((g, best))
}

/// Searches each alignment pattern around its predicted place and records the residual displacement.
const REFINE_FINDERS: bool = false;
const MIN_ALIGNMENT_FOR_FIELD: usize = 1;

fn refine_alignment(img: &Gray, g: &mut Geometry) {
    let Some(v) = version_of_size(g.size) else { return };
    let centres = alignment_centres(v);
    if centres.len() < MIN_ALIGNMENT_FOR_FIELD {
        return;
    }
    let s = g.size as f64;
    let mut field = Vec::with_capacity(centres.len() + 3);
    // Finder centres: a 7x7 template (ring, gap, 3x3 core).
    let finder: Vec<(i32, i32, bool)> = (-3i32..=3)
        .flat_map(|dy| (-3i32..=3).map(move |dx| (dx, dy, dx.abs().max(dy.abs()) != 2)))
        .collect();
    for (u, v) in [(3.5, 3.5), (s - 3.5, 3.5), (3.5, s - 3.5)] {
        let d = if REFINE_FINDERS {
            search(img, g, u, v, &finder, 4).map_or(Pt::default(), |(_, d)| d)
        } else {
            Pt::default()
        };
        field.push((Pt::new(u, v), d));
    }
    let align: Vec<(i32, i32, bool)> = (-2i32..=2)
        .flat_map(|dy| (-2i32..=2).map(move |dx| (dx, dy, dx.abs().max(dy.abs()) != 1)))
        .collect();
    for (cx, cy) in centres {
        let (u, v) = (cx as f64 + 0.5, cy as f64 + 0.5);
        if let Some((_, d)) = search(img, g, u, v, &align, 6).filter(|(score, _)| *score > 0.5) {
            field.push((Pt::new(u, v), d));
        }
    }
    if field.len() > 3 {
        g.field = field;
    }
}

/// The displacement (in quarter-module steps up to `steps`) at which `template` centred on module point
/// `(u, v)` correlates best with the image; small displacements win ties.
fn search(
    img: &Gray,
    g: &Geometry,
    u: f64,
    v: f64,
    template: &[(i32, i32, bool)],
    steps: i32,
) -> Option<(f64, Pt)> {
    let m = g.h.module_size_at(u, v);
    if !m.is_finite() {
        return None;
    }
    let mut best: Option<(f64, Pt)> = None;
    for iy in -steps..=steps {
        for ix in -steps..=steps {
            let d = Pt::new(f64::from(ix) * m / 4.0, f64::from(iy) * m / 4.0);
            let score = local_score(img, g, u, v, d, template) - 0.002 * f64::from(ix.abs() + iy.abs());
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, d));
            }
        }
    }
    best
}

fn local_score(img: &Gray, g: &Geometry, u: f64, v: f64, d: Pt, template: &[(i32, i32, bool)]) -> f64 {
    let (mut sx, mut sy, mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let n = template.len() as f64;
    for &(dx, dy, dark) in template {
        let p = g.h.map(u + f64::from(dx), v + f64::from(dy));
        let b = 255.0 - f64::from(img.sample(p.x + d.x, p.y + d.y));
        let a = if dark { 1.0 } else { -1.0 };
        sx += a;
        sy += b;
        sxx += a * a;
        syy += b * b;
        sxy += a * b;
    }
    let cov = sxy / n - (sx / n) * (sy / n);
    let va = sxx / n - (sx / n).powi(2);
    let vb = syy / n - (sy / n).powi(2);
    if va <= 0.0 || vb <= 1e-6 {
        0.0
    } else {
        cov / (va * vb).sqrt()
    }
}

/// The module values (0 = black .. 255 = white) of a fitted grid, row-major.
pub(crate) fn sample_modules(img: &Gray, g: &Geometry) -> Vec<f32> {
    let n = g.size;
    let taps = taps_for(g.h.module_size_at(n as f64 / 2.0, n as f64 / 2.0));
    let mut out = Vec::with_capacity(n * n);
    for y in 0..n {
        for x in 0..n {
            out.push(module_value(img, g, x, y, taps));
        }
    }
    out
}

/// Thresholding strategies for module values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Classify {
    /// Midpoint between the mean known-dark and mean known-light module values.
    KnownMidpoint,
    /// Mean of the module values within `r` modules.
    LocalMean(usize),
}

/// Dark/light per module (row-major, `true` = dark).
pub(crate) fn classify(values: &[f32], size: usize, how: Classify) -> Vec<bool> {
    match how {
        Classify::KnownMidpoint => {
            let known = known_modules(size);
            let (mut d, mut nd, mut l, mut nl) = (0.0f64, 0usize, 0.0f64, 0usize);
            for &(x, y, dark) in &known {
                let val = f64::from(
                    values
                        .get(usize::from(y) * size + usize::from(x))
                        .copied()
                        .unwrap_or(0.0),
                );
                if dark {
                    d += val;
                    nd += 1;
                } else {
                    l += val;
                    nl += 1;
                }
            }
            let t = if nd > 0 && nl > 0 {
                (d / nd as f64 + l / nl as f64) / 2.0
            } else {
                128.0
            };
            values.iter().map(|&v| f64::from(v) < t).collect()
        }
        Classify::LocalMean(r) => {
            // Summed-area table over module values.
            let w = size + 1;
            let mut sat = vec![0.0f64; w * w];
            for y in 0..size {
                let mut row = 0.0;
                for x in 0..size {
                    row += f64::from(values.get(y * size + x).copied().unwrap_or(0.0));
                    let above = sat.get(y * w + x + 1).copied().unwrap_or(0.0);
                    if let Some(c) = sat.get_mut((y + 1) * w + x + 1) {
                        *c = above + row;
                    }
                }
            }
            let at = |x: usize, y: usize| sat.get(y * w + x).copied().unwrap_or(0.0);
            let mut out = Vec::with_capacity(size * size);
            for y in 0..size {
                for x in 0..size {
                    let (x0, y0) = (x.saturating_sub(r), y.saturating_sub(r));
                    let (x1, y1) = ((x + r + 1).min(size), (y + r + 1).min(size));
                    let area = ((x1 - x0) * (y1 - y0)).max(1) as f64;
                    let mean = (at(x1, y1) + at(x0, y0) - at(x1, y0) - at(x0, y1)) / area;
                    let v = f64::from(values.get(y * size + x).copied().unwrap_or(0.0));
                    out.push(v < mean);
                }
            }
            out
        }
    }
}

/// A decided grid of modules, for rqrr's decoder.
#[derive(Debug, Clone)]
pub(crate) struct ModuleGrid {
    pub(crate) size: usize,
    pub(crate) dark: Vec<bool>,
}

impl rqrr::BitGrid for ModuleGrid {
    fn size(&self) -> usize {
        self.size
    }

    fn bit(&self, y: usize, x: usize) -> bool {
        self.dark.get(y * self.size + x).copied().unwrap_or(false)
    }
}
