//! A deterministic synthetic "hard" set: codes rendered with the `qrcode` crate, then degraded the way
//! real photographs are (perspective, blur, noise, low contrast, glare, shadow, damage, curvature, screens,
//! several codes per image, large versions, small modules).

use qrcode::{Color, EcLevel, QrCode, Version};

/// One synthetic image and the texts of the codes in it.
pub(crate) struct Sample {
    pub(crate) category: &'static str,
    pub(crate) w: usize,
    pub(crate) h: usize,
    pub(crate) px: Vec<u8>,
    pub(crate) expected: Vec<String>,
}

/// xorshift64*: deterministic, no dependency.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(crate) fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub(crate) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f()
    }
    pub(crate) fn gauss(&mut self) -> f64 {
        let u1 = self.f().max(1e-12);
        let u2 = self.f();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

pub(crate) fn text_of(rng: &mut Rng, len: usize) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    let mut s = String::from("https://tokhai.example/c/");
    while s.len() < len {
        s.push(A[(rng.next() % A.len() as u64) as usize] as char);
    }
    s
}

/// Modules of a code (row-major, true = dark) and its width.
pub(crate) fn modules(text: &str, version: Option<i16>, ec: EcLevel) -> (Vec<bool>, usize) {
    let code = match version {
        Some(v) => QrCode::with_version(text, Version::Normal(v), ec).unwrap(),
        None => QrCode::with_error_correction_level(text, ec).unwrap(),
    };
    let n = code.width();
    (
        code.to_colors().into_iter().map(|c| c == Color::Dark).collect(),
        n,
    )
}

/// Projective map from the unit square to a quad (x, y pairs), Heckbert's form.
#[derive(Clone, Copy)]
pub(crate) struct Proj([f64; 9]);

impl Proj {
    pub(crate) fn square_to_quad(q: [(f64, f64); 4]) -> Proj {
        let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q;
        let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
        let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
        let den = dx1 * dy2 - dx2 * dy1;
        let g = (sx * dy2 - dx2 * sy) / den;
        let h = (dx1 * sy - sx * dy1) / den;
        Proj([
            x1 - x0 + g * x1,
            x3 - x0 + h * x3,
            x0,
            y1 - y0 + g * y1,
            y3 - y0 + h * y3,
            y0,
            g,
            h,
            1.0,
        ])
    }
    pub(crate) fn inverse(&self) -> Proj {
        let [a, b, c, d, e, f, g, h, i] = self.0;
        let m = [
            e * i - f * h,
            c * h - b * i,
            b * f - c * e,
            f * g - d * i,
            a * i - c * g,
            c * d - a * f,
            d * h - e * g,
            b * g - a * h,
            a * e - b * d,
        ];
        let s = m[8];
        Proj(m.map(|v| v / s))
    }
    pub(crate) fn map(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f, g, h, i] = self.0;
        let w = g * x + h * y + i;
        ((a * x + b * y + c) / w, (d * x + e * y + f) / w)
    }
}

/// How a code is laid on the canvas.
enum Placement {
    /// Outer quad of the code including a 4-module quiet zone.
    Quad([(f64, f64); 4]),
    /// On a vertical cylinder: centre x, top y, width, height, half angle.
    Cylinder {
        cx: f64,
        top: f64,
        width: f64,
        height: f64,
        half_angle: f64,
    },
}

/// Draws a code (dark = `dark` value, light = `light`) onto a float canvas, 2x2 supersampled.
fn draw(
    canvas: &mut [f64],
    w: usize,
    h: usize,
    code: &(Vec<bool>, usize),
    place: &Placement,
    dark: f64,
    light: f64,
) {
    let (mods, n) = code;
    let total = (*n + 8) as f64;
    let inv = match place {
        Placement::Quad(q) => Some(Proj::square_to_quad(*q).inverse()),
        Placement::Cylinder { .. } => None,
    };
    let to_uv = |x: f64, y: f64| -> Option<(f64, f64)> {
        match place {
            Placement::Quad(_) => {
                let (u, v) = inv?.map(x, y);
                Some((u * total, v * total))
            }
            Placement::Cylinder {
                cx,
                top,
                width,
                height,
                half_angle,
            } => {
                let r = width / 2.0 / half_angle.sin();
                let s = (x - cx) / r;
                if s.abs() > half_angle.sin() {
                    return None;
                }
                let phi = s.asin();
                let u = (phi + half_angle) / (2.0 * half_angle);
                // A slight vertical perspective: nearer (centre) rows appear a little taller.
                let v = (y - top) / height;
                Some((u * total, v * total))
            }
        }
    };
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0.0;
            let mut hits = 0;
            for (sx, sy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                if let Some((u, v)) = to_uv(x as f64 + sx, y as f64 + sy)
                    && u >= 0.0
                    && v >= 0.0
                    && u < total
                    && v < total
                {
                    {
                        hits += 1;
                        let (mu, mv) = (u as isize - 4, v as isize - 4);
                        let is_dark = mu >= 0
                            && mv >= 0
                            && (mu as usize) < *n
                            && (mv as usize) < *n
                            && mods[mv as usize * n + mu as usize];
                        acc += if is_dark { dark } else { light };
                    }
                }
            }
            if hits > 0 {
                let c = &mut canvas[y * w + x];
                *c = (*c * (4 - hits) as f64 + acc) / 4.0;
            }
        }
    }
}

fn background(rng: &mut Rng, w: usize, h: usize) -> Vec<f64> {
    let base = rng.range(90.0, 200.0);
    let gx = rng.range(-40.0, 40.0) / w as f64;
    let gy = rng.range(-40.0, 40.0) / h as f64;
    (0..w * h)
        .map(|i| base + gx * (i % w) as f64 + gy * (i / w) as f64 + rng.gauss() * 6.0)
        .collect()
}

fn box_blur(c: &mut [f64], w: usize, h: usize, r: usize) {
    if r == 0 {
        return;
    }
    let mut tmp = vec![0.0; w * h];
    for y in 0..h {
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(r), (x + r).min(w - 1));
            tmp[y * w + x] = (x0..=x1).map(|i| c[y * w + i]).sum::<f64>() / (x1 - x0 + 1) as f64;
        }
    }
    for y in 0..h {
        for x in 0..w {
            let (y0, y1) = (y.saturating_sub(r), (y + r).min(h - 1));
            c[y * w + x] = (y0..=y1).map(|i| tmp[i * w + x]).sum::<f64>() / (y1 - y0 + 1) as f64;
        }
    }
}

/// A random convex quad of about `side` pixels around `(cx, cy)` with perspective `tilt` (0..1).
fn quad(rng: &mut Rng, cx: f64, cy: f64, side: f64, tilt: f64) -> [(f64, f64); 4] {
    let a = rng.range(0.0, std::f64::consts::TAU);
    let (s, c) = a.sin_cos();
    let half = side / 2.0;
    let mut pts = [(-half, -half), (half, -half), (half, half), (-half, half)];
    // Perspective: shrink one edge.
    let shrink = 1.0 - tilt * rng.range(0.5, 1.0);
    let edge = (rng.next() % 4) as usize;
    for k in [edge, (edge + 1) % 4] {
        pts[k].0 *= shrink;
        pts[k].1 *= shrink;
    }
    let mut out = [(0.0, 0.0); 4];
    for (o, (x, y)) in out.iter_mut().zip(pts) {
        let jx = rng.range(-0.04, 0.04) * side;
        let jy = rng.range(-0.04, 0.04) * side;
        *o = (cx + x * c - y * s + jx, cy + x * s + y * c + jy);
    }
    out
}

fn finish(c: Vec<f64>) -> Vec<u8> {
    c.into_iter().map(|v| v.round().clamp(0.0, 255.0) as u8).collect()
}

/// The categories of the hard set, `per` samples each.
pub(crate) fn hard_set(per: usize) -> Vec<Sample> {
    let mut out = Vec::new();
    let cats: [&'static str; 12] = [
        "perspective",
        "blur",
        "noise",
        "low_contrast",
        "glare",
        "shadow",
        "damage",
        "curved",
        "screen",
        "multi",
        "high_version",
        "small",
    ];
    for (ci, &cat) in cats.iter().enumerate() {
        for i in 0..per {
            let mut rng = Rng::new((ci * 1000 + i) as u64 + 7);
            out.push(make(cat, &mut rng));
        }
    }
    out
}

fn make(cat: &'static str, rng: &mut Rng) -> Sample {
    let (w, h) = if matches!(cat, "multi" | "small" | "high_version") {
        (1280, 720)
    } else {
        (640, 480)
    };
    let mut c = background(rng, w, h);
    let mut expected = Vec::new();
    let (dark, light) = if cat == "low_contrast" {
        let mid = rng.range(90.0, 170.0);
        let spread = rng.range(18.0, 30.0);
        (mid - spread, mid + spread)
    } else {
        (rng.range(10.0, 60.0), rng.range(190.0, 250.0))
    };
    let ec = match cat {
        "damage" => EcLevel::H,
        "high_version" => EcLevel::L,
        _ => [EcLevel::L, EcLevel::M, EcLevel::Q][(rng.next() % 3) as usize],
    };
    let count = if cat == "multi" {
        2 + (rng.next() % 3) as usize
    } else {
        1
    };
    for k in 0..count {
        let (text, version) = match cat {
            "high_version" => {
                let v = 15 + (rng.next() % 26) as i16;
                (text_of(rng, 40 + v as usize * 12), Some(v))
            }
            _ => {
                let len = 30 + (rng.next() % 60) as usize;
                (text_of(rng, len), None)
            }
        };
        let code = modules(&text, version, ec);
        let total = (code.1 + 8) as f64;
        let side = match cat {
            "small" => total * rng.range(2.2, 3.0),
            "high_version" => (total * rng.range(3.2, 4.2)).min(700.0),
            "multi" => total * rng.range(3.0, 5.0),
            _ => (total * rng.range(4.0, 8.0)).min(420.0),
        };
        let (cx, cy) = if cat == "multi" {
            let slot = (w as f64) / count as f64;
            (slot * (k as f64 + 0.5), h as f64 / 2.0 + rng.range(-60.0, 60.0))
        } else {
            (
                w as f64 / 2.0 + rng.range(-60.0, 60.0),
                h as f64 / 2.0 + rng.range(-40.0, 40.0),
            )
        };
        let side = if cat == "multi" {
            side.min(w as f64 / count as f64 * 0.8)
        } else {
            side
        };
        let place = if cat == "curved" {
            let half = rng.range(0.6, 1.0);
            Placement::Cylinder {
                cx,
                top: cy - side / 2.0,
                width: side,
                height: side,
                half_angle: half,
            }
        } else {
            let tilt = match cat {
                "perspective" => rng.range(0.25, 0.5),
                "multi" | "high_version" | "small" => rng.range(0.0, 0.1),
                _ => rng.range(0.0, 0.2),
            };
            Placement::Quad(quad(rng, cx, cy, side, tilt))
        };
        draw(&mut c, w, h, &code, &place, dark, light);
        expected.push(text);
        if cat == "damage" {
            // A blot covering about a tenth of the code, light or dark.
            let r = side * rng.range(0.12, 0.18);
            let (bx, by) = (
                cx + rng.range(-0.25, 0.25) * side,
                cy + rng.range(-0.25, 0.25) * side,
            );
            let val = if rng.f() < 0.5 { light } else { dark };
            for y in 0..h {
                for x in 0..w {
                    let d = ((x as f64 - bx).powi(2) + (y as f64 - by).powi(2)).sqrt();
                    if d < r {
                        c[y * w + x] = val;
                    }
                }
            }
        }
        if cat == "glare" {
            let (gx, gy) = (cx + rng.range(-0.3, 0.3) * side, cy + rng.range(-0.3, 0.3) * side);
            let sigma = side * rng.range(0.12, 0.22);
            let strength = rng.range(0.7, 0.95);
            for y in 0..h {
                for x in 0..w {
                    let d2 = (x as f64 - gx).powi(2) + (y as f64 - gy).powi(2);
                    let k = strength * (-d2 / (sigma * sigma)).exp();
                    let v = &mut c[y * w + x];
                    *v += (255.0 - *v) * k;
                }
            }
        }
        if cat == "shadow" {
            let a = rng.range(0.0, std::f64::consts::TAU);
            let (s, co) = a.sin_cos();
            let depth = rng.range(0.55, 0.75);
            for y in 0..h {
                for x in 0..w {
                    let t = ((x as f64 - cx) * co + (y as f64 - cy) * s) / side;
                    let f = if t > 0.0 {
                        1.0 - depth * (t * 4.0).min(1.0)
                    } else {
                        1.0
                    };
                    c[y * w + x] *= f;
                }
            }
        }
    }
    match cat {
        "blur" => box_blur(&mut c, w, h, 1 + (rng.next() % 3) as usize),
        "noise" => {
            let sigma = rng.range(25.0, 45.0);
            for v in &mut c {
                *v += rng.gauss() * sigma;
            }
        }
        "low_contrast" => {
            box_blur(&mut c, w, h, 1);
            for v in &mut c {
                *v += rng.gauss() * 4.0;
            }
        }
        "screen" => {
            // A monitor's sub-pixel grid photographed: a fine periodic pattern (moiré) plus slight blur.
            let period = rng.range(2.6, 3.6);
            let angle = rng.range(-0.3, 0.3);
            let (s, co) = angle.sin_cos();
            for y in 0..h {
                for x in 0..w {
                    let (u, v) = (x as f64 * co - y as f64 * s, x as f64 * s + y as f64 * co);
                    let m = 0.8
                        + 0.2
                            * ((u / period * std::f64::consts::TAU).cos()
                                * (v / period * std::f64::consts::TAU).cos());
                    c[y * w + x] = c[y * w + x] * m + 10.0;
                }
            }
            box_blur(&mut c, w, h, 1);
        }
        _ => {
            for v in &mut c {
                *v += rng.gauss() * 3.0;
            }
        }
    }
    Sample {
        category: cat,
        w,
        h,
        px: finish(c),
        expected,
    }
}
