//! Our own finder-pattern locator: a fast block-mean threshold, a row scan for the 1:1:3:1:1 runs of
//! finder patterns with a vertical cross-check, clustering, and triples that form a right isosceles
//! corner. Each triple gives a first geometry for our grid fit; decoding stays with rqrr's decoder.
//! It exists because rqrr's own detector spends milliseconds per located code and misses codes with
//! small modules.

use super::geometry::{Homography, Pt};
use super::gray::Gray;

/// A finder-pattern candidate: centre (pixels), module size, and how many rows saw it.
#[derive(Debug, Clone, Copy)]
struct Finder {
    c: Pt,
    module: f64,
    hits: u32,
}

/// A located code: the module-to-pixel map (module (0,0) at the outer corner) and its estimated size.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    pub(crate) h: Homography,
    pub(crate) size: usize,
}

/// Dark/light by comparison with the mean of the surrounding 3x3 blocks of 8x8 pixels; a block area
/// with little contrast counts as light (no edges to find there).
fn binarize(img: &Gray) -> Vec<bool> {
    const B: usize = 8;
    let (w, h) = (img.width(), img.height());
    let (bw, bh) = (w.div_ceil(B), h.div_ceil(B));
    let mut sum = vec![0u32; bw * bh];
    let mut lo = vec![255u8; bw * bh];
    let mut hi = vec![0u8; bw * bh];
    for (y, row) in img.pixels().chunks_exact(w).enumerate() {
        let base = (y / B) * bw;
        for (bx, chunk) in row.chunks(B).enumerate() {
            let (mut s0, mut l0, mut m0) = (0u32, 255u8, 0u8);
            for &p in chunk {
                s0 += u32::from(p);
                l0 = l0.min(p);
                m0 = m0.max(p);
            }
            let i = base + bx;
            if let (Some(s), Some(l), Some(m)) = (sum.get_mut(i), lo.get_mut(i), hi.get_mut(i)) {
                *s += s0;
                *l = (*l).min(l0);
                *m = (*m).max(m0);
            }
        }
    }
    let mean_of = |bx: usize, by: usize| {
        let cw = (B.min(w - bx * B)) as u32;
        let ch = (B.min(h - by * B)) as u32;
        sum.get(by * bw + bx).copied().unwrap_or(0) / (cw * ch).max(1)
    };
    let mut thr = vec![0u32; bw * bh];
    for by in 0..bh {
        for bx in 0..bw {
            let (mut s, mut n) = (0u32, 0u32);
            for ny in by.saturating_sub(1)..=(by + 1).min(bh - 1) {
                for nx in bx.saturating_sub(1)..=(bx + 1).min(bw - 1) {
                    s += mean_of(nx, ny);
                    n += 1;
                }
            }
            let i = by * bw + bx;
            let contrast = hi
                .get(i)
                .copied()
                .unwrap_or(0)
                .saturating_sub(lo.get(i).copied().unwrap_or(0));
            if let Some(t) = thr.get_mut(i) {
                *t = if contrast < 20 { 0 } else { s / n.max(1) };
            }
        }
    }
    let mut out = Vec::with_capacity(w * h);
    for (y, row) in img.pixels().chunks_exact(w).enumerate() {
        let base = (y / B) * bw;
        for (bx, chunk) in row.chunks(B).enumerate() {
            let t = thr.get(base + bx).copied().unwrap_or(0);
            out.extend(chunk.iter().map(|&p| u32::from(p) < t));
        }
    }
    out
}

/// Whether five runs are in the ratio 1:1:3:1:1 (each within half a module), and the module size.
fn finder_ratio(runs: [usize; 5]) -> Option<f64> {
    let total: usize = runs.iter().sum();
    if total < 7 {
        return None;
    }
    let m = total as f64 / 7.0;
    let tol = m / 2.0 + 0.5;
    let [a, b, c, d, e] = runs.map(|r| r as f64);
    let ok = (a - m).abs() < tol
        && (b - m).abs() < tol
        && (c - 3.0 * m).abs() < 1.5 * m
        && (d - m).abs() < tol
        && (e - m).abs() < tol;
    ok.then_some(m)
}

/// Vertical cross-check at column `x` around row `y`: the centre row and module size, if the column
/// shows the same pattern.
fn cross_check(bits: &[bool], w: usize, h: usize, x: usize, y: usize, max_run: usize) -> Option<(f64, f64)> {
    let at = |yy: usize| bits.get(yy * w + x).copied().unwrap_or(false);
    if !at(y) {
        return None;
    }
    // Runs upwards: centre dark, light, dark; downwards the same.
    let mut up = [0usize; 3];
    let mut yy = y as isize;
    for (run, want) in up.iter_mut().zip([true, false, true]) {
        while yy >= 0 && at(yy as usize) == want && *run <= max_run {
            *run += 1;
            yy -= 1;
        }
    }
    let mut down = [0usize; 3];
    let mut yy = y + 1;
    for (run, want) in down.iter_mut().zip([true, false, true]) {
        while yy < h && at(yy) == want && *run <= max_run {
            *run += 1;
            yy += 1;
        }
    }
    let [u0, u1, u2] = up;
    let [d0, d1, d2] = down;
    let runs = [u2, u1, u0 + d0, d1, d2];
    if runs.contains(&0) {
        return None;
    }
    let m = finder_ratio(runs)?;
    let top = y as f64 - u0 as f64 + 1.0;
    let centre = top + (u0 + d0) as f64 / 2.0;
    Some((centre, m))
}

fn find_finders(bits: &[bool], w: usize, h: usize) -> Vec<Finder> {
    let mut found: Vec<Finder> = Vec::new();
    let max_run = w.max(h) / 4;
    for y in 0..h {
        let row = bits.get(y * w..(y + 1) * w).unwrap_or(&[]);
        // Run lengths of the row, starting with light.
        let mut runs: Vec<(bool, usize, usize)> = Vec::new(); // (dark, start, len)
        for (x, &b) in row.iter().enumerate() {
            match runs.last_mut() {
                Some(r) if r.0 == b => r.2 += 1,
                _ => runs.push((b, x, 1)),
            }
        }
        for win in runs.windows(5) {
            let &[r0, r1, r2, r3, r4] = win else { continue };
            if !r0.0 {
                continue;
            }
            let Some(m) = finder_ratio([r0.2, r1.2, r2.2, r3.2, r4.2]) else {
                continue;
            };
            let cx = r2.1 as f64 + r2.2 as f64 / 2.0;
            let Some((cy, mv)) = cross_check(bits, w, h, cx as usize, y, max_run) else {
                continue;
            };
            if (mv - m).abs() > m.max(mv) * 0.5 {
                continue;
            }
            let module = (m + mv) / 2.0;
            let c = Pt::new(cx + 0.0, cy);
            if let Some(f) = found
                .iter_mut()
                .find(|f| f.c.dist(c) < f.module * 2.5 && (f.module - module).abs() < f.module * 0.5)
            {
                let n = f64::from(f.hits);
                f.c = Pt::new((f.c.x * n + c.x) / (n + 1.0), (f.c.y * n + c.y) / (n + 1.0));
                f.module = (f.module * n + module) / (n + 1.0);
                f.hits += 1;
            } else {
                found.push(Finder { c, module, hits: 1 });
            }
        }
    }
    found.retain(|f| f.hits >= 2 || f.module < 2.0);
    found.sort_by_key(|f| std::cmp::Reverse(f.hits));
    found.truncate(MAX_FINDERS);
    found
}

/// At most this many finder candidates are combined (the best seen): a sheet of 60 codes has 180.
const MAX_FINDERS: usize = 240;
/// At most this many codes are returned.
const MAX_CODES: usize = 90;
/// Each finder is paired with at most this many nearest finders of a similar module size.
const NEIGHBOURS: usize = 10;
/// Up to this many finders every pair is tried.
const ALL_PAIRS_UP_TO: usize = 16;

/// What the locator saw: candidate codes (best first) and every finder candidate's centre.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sighting {
    pub(crate) codes: Vec<Located>,
    pub(crate) finders: Vec<Pt>,
}

/// Locates codes in an image, from finder patterns of at least `min_module` pixels per module.
/// Coordinates are the image's pixels (centres at +0.5).
pub(crate) fn locate(img: &Gray, min_module: f64) -> Sighting {
    let (w, h) = (img.width(), img.height());
    let bits = binarize(img);
    let mut finders = find_finders(&bits, w, h);
    let seen: Vec<Pt> = finders.iter().map(|f| f.c).collect();
    finders.retain(|f| f.module >= min_module);
    let mut out: Vec<(f64, Located)> = Vec::new();
    for (i, a) in finders.iter().enumerate() {
        // The nearest finders of a similar module size: a code's other two finders are among them.
        let mut near: Vec<(f64, usize)> = finders
            .iter()
            .enumerate()
            .filter(|&(j, b)| {
                j != i && b.module < a.module * 1.6 && a.module < b.module * 1.6 && {
                    let d = a.c.dist(b.c) / a.module;
                    (10.0..=190.0).contains(&d)
                }
            })
            .map(|(j, b)| (a.c.dist(b.c), j))
            .collect();
        near.sort_by(|x, y| x.0.total_cmp(&y.0));
        // Few finders: every pair (a single code among false finders); many: the nearest.
        if finders.len() > ALL_PAIRS_UP_TO {
            near.truncate(NEIGHBOURS);
        }
        for (x, &(_, j)) in near.iter().enumerate() {
            for &(_, k) in near.iter().skip(x + 1) {
                let (Some(b), Some(c)) = (finders.get(j), finders.get(k)) else {
                    continue;
                };
                if let Some(l) = triple(a, b, c) {
                    out.push(l);
                }
            }
        }
    }
    out.sort_by(|x, y| x.0.total_cmp(&y.0));
    Sighting {
        codes: out.into_iter().take(MAX_CODES).map(|(_, l)| l).collect(),
        finders: seen,
    }
}

/// A triple with `a` at the right angle: the code's geometry and a badness score (lower is better).
fn triple(a: &Finder, b: &Finder, c: &Finder) -> Option<(f64, Located)> {
    let ms = [a.module, b.module, c.module];
    let (mmin, mmax) = ms
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), &m| (l.min(m), h.max(m)));
    if mmax > mmin * 1.6 {
        return None;
    }
    let (ab, ac) = (a.c.dist(b.c), a.c.dist(c.c));
    let ratio = ab.max(ac) / ab.min(ac).max(1e-9);
    if ratio > 1.4 {
        return None;
    }
    let (ux, uy) = (b.c.x - a.c.x, b.c.y - a.c.y);
    let (vx, vy) = (c.c.x - a.c.x, c.c.y - a.c.y);
    let cos = (ux * vx + uy * vy) / (ab * ac).max(1e-9);
    if cos.abs() > 0.35 {
        return None;
    }
    // Orientation: b along the code's top edge, c down its left edge (clockwise in image coordinates).
    let (b, c) = if ux * vy - uy * vx > 0.0 { (b, c) } else { (c, b) };
    let module = (a.module + b.module + c.module) / 3.0;
    let span = (ab + ac) / 2.0 / module;
    let size = (((span + 7.0 - 17.0) / 4.0).round() * 4.0 + 17.0).clamp(21.0, 177.0);
    let inner = size - 7.0;
    let d = Pt::new(b.c.x + c.c.x - a.c.x, b.c.y + c.c.y - a.c.y);
    // Finder centres sit at modules (3.5, 3.5), (size - 3.5, 3.5), (3.5, size - 3.5).
    let centres = Homography::square_to_quad(inner, [a.c, b.c, d, c.c])?;
    let outer = [
        centres.map(-3.5, -3.5),
        centres.map(inner + 3.5, -3.5),
        centres.map(inner + 3.5, inner + 3.5),
        centres.map(-3.5, inner + 3.5),
    ];
    let h = Homography::square_to_quad(size, outer)?;
    let badness = (ratio - 1.0) + cos.abs() + (mmax / mmin - 1.0);
    Some((
        badness,
        Located {
            h,
            size: size as usize,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finder_ratio_accepts_1_1_3_1_1() {
        assert!(finder_ratio([4, 4, 12, 4, 4]).is_some());
        assert!(finder_ratio([3, 5, 11, 4, 4]).is_some());
        assert!(finder_ratio([4, 4, 4, 4, 4]).is_none());
        assert!(finder_ratio([1, 1, 1, 1, 1]).is_none());
    }
}
