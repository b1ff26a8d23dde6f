//! The hard photo set: codes photographed the way phones photograph them, at up to 12 megapixels.
//!
//! Each image goes through a small camera model: a scene of reflectances (paper, ink, a desk, a screen's
//! emission), lit unevenly (gradient, vignetting, shadow, glare), blurred by the lens (defocus, motion),
//! exposed, given sensor noise (shot and read noise), clipped and JPEG-compressed. Conditions follow the
//! ones real phone photos are measured in: close-ups that fill a 12 MP frame, codes on LCD and OLED
//! screens (sub-pixel grids sampled by the camera: moiré), A4 sheets of 24-60 codes, several codes at
//! every rotation, nominal, blurred, glare and bright spots, dark and washed-out exposure, strong
//! perspective. Deterministic (seeded).

use qrcode::EcLevel;

use super::synth::{Proj, Rng, modules, text_of};

/// One photo, the texts of its codes and where each code is (outer corners, quiet zone excluded).
pub(crate) struct Photo {
    pub(crate) category: &'static str,
    pub(crate) w: usize,
    pub(crate) h: usize,
    pub(crate) px: Vec<u8>,
    pub(crate) expected: Vec<String>,
    pub(crate) quads: Vec<[(f64, f64); 4]>,
}

/// The categories, in the order they are reported.
pub(crate) const CATEGORIES: [&str; 10] = [
    "close",
    "monitor",
    "lots",
    "rotations",
    "nominal",
    "blurred",
    "glare",
    "bright_spots",
    "brightness",
    "perspective",
];

/// `per` photos of each category (of those `want` accepts; the same photos whichever are wanted).
pub(crate) fn hard_photos(per: usize, want: impl Fn(&str) -> bool) -> Vec<Photo> {
    let mut out = Vec::new();
    for (ci, &cat) in CATEGORIES.iter().enumerate() {
        if !want(cat) {
            continue;
        }
        for i in 0..per {
            let mut rng = Rng::new((ci * 7919 + i * 31) as u64 + 1234);
            out.push(make(cat, &mut rng));
        }
    }
    out
}

/// A float image (linear light, 0..1 reflectance or emission before exposure).
struct Img {
    w: usize,
    h: usize,
    v: Vec<f32>,
}

impl Img {
    fn new(w: usize, h: usize, fill: f32) -> Self {
        Self {
            w,
            h,
            v: vec![fill; w * h],
        }
    }
}

/// A code's modules and the map from image pixels to its module space.
struct Placed {
    mods: Vec<bool>,
    n: usize,
    inv: Proj,
    quad: [(f64, f64); 4],
}

impl Placed {
    fn new(text: &str, version: Option<i16>, ec: EcLevel, quad: [(f64, f64); 4]) -> Self {
        let (mods, n) = modules(text, version, ec);
        Self {
            mods,
            n,
            inv: Proj::square_to_quad(quad).inverse(),
            quad,
        }
    }

    /// Module coordinates of an image point.
    fn uv(&self, x: f64, y: f64) -> (f64, f64) {
        let (u, v) = self.inv.map(x, y);
        (u * self.n as f64, v * self.n as f64)
    }

    /// `Some(dark)` inside the code and its 4-module quiet zone, `None` outside.
    fn at(&self, x: f64, y: f64) -> Option<bool> {
        let (u, v) = self.uv(x, y);
        let n = self.n as f64;
        if u < -4.0 || v < -4.0 || u >= n + 4.0 || v >= n + 4.0 {
            return None;
        }
        if u < 0.0 || v < 0.0 || u >= n || v >= n {
            return Some(false);
        }
        Some(self.mods[v as usize * self.n + u as usize])
    }

    /// The bounding box of the code with its quiet zone, in pixels.
    fn bbox(&self, w: usize, h: usize) -> (usize, usize, usize, usize) {
        let q = 4.0 / self.n as f64;
        let c = centre(&self.quad);
        let grow = |p: (f64, f64)| {
            (
                p.0 + (p.0 - c.0) * 2.0 * q * 1.05,
                p.1 + (p.1 - c.1) * 2.0 * q * 1.05,
            )
        };
        bbox_of(&self.quad.map(grow), w, h)
    }
}

fn centre(q: &[(f64, f64); 4]) -> (f64, f64) {
    (
        q.iter().map(|p| p.0).sum::<f64>() / 4.0,
        q.iter().map(|p| p.1).sum::<f64>() / 4.0,
    )
}

fn bbox_of(q: &[(f64, f64)], w: usize, h: usize) -> (usize, usize, usize, usize) {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in q {
        x0 = x0.min(p.0);
        y0 = y0.min(p.1);
        x1 = x1.max(p.0);
        y1 = y1.max(p.1);
    }
    let cl = |v: f64, hi: usize| (v.max(0.0) as usize).min(hi);
    (cl(x0 - 2.0, w), cl(y0 - 2.0, h), cl(x1 + 3.0, w), cl(y1 + 3.0, h))
}

/// Sets each pixel of the box to the mean of `f` over `ss` x `ss` sub-samples (`None` keeps the pixel's
/// value for that sub-sample).
fn paint(img: &mut Img, bb: (usize, usize, usize, usize), ss: usize, f: impl Fn(f64, f64) -> Option<f32>) {
    let (x0, y0, x1, y1) = bb;
    let step = 1.0 / ss as f64;
    for y in y0..y1 {
        for x in x0..x1 {
            let old = img.v[y * img.w + x];
            let mut acc = 0.0f32;
            for j in 0..ss {
                for i in 0..ss {
                    let (sx, sy) = (
                        x as f64 + (i as f64 + 0.5) * step,
                        y as f64 + (j as f64 + 0.5) * step,
                    );
                    acc += f(sx, sy).unwrap_or(old);
                }
            }
            img.v[y * img.w + x] = acc / (ss * ss) as f32;
        }
    }
}

/// A convex quad of side `side` around `c`, rotated by `angle`, one edge shortened by `tilt` (0..1).
fn quad(rng: &mut Rng, c: (f64, f64), side: f64, angle: f64, tilt: f64) -> [(f64, f64); 4] {
    let (s, co) = angle.sin_cos();
    let half = side / 2.0;
    let mut pts = [(-half, -half), (half, -half), (half, half), (-half, half)];
    let shrink = 1.0 - tilt;
    let edge = (rng.next() % 4) as usize;
    for k in [edge, (edge + 1) % 4] {
        pts[k].0 *= shrink;
        pts[k].1 *= shrink;
    }
    pts.map(|(x, y)| {
        let jx = rng.range(-0.02, 0.02) * side;
        let jy = rng.range(-0.02, 0.02) * side;
        (c.0 + x * co - y * s + jx, c.1 + x * s + y * co + jy)
    })
}

fn ec_of(rng: &mut Rng) -> EcLevel {
    [EcLevel::L, EcLevel::M, EcLevel::M, EcLevel::Q, EcLevel::H][(rng.next() % 5) as usize]
}

/// A text that makes a code of about `version` (1..): the length grows with the version.
fn text_for(rng: &mut Rng, version: usize) -> String {
    let len = 26 + version * 9 + (rng.next() % 10) as usize;
    text_of(rng, len)
}

/// Frame sizes phones save (12 MP, 7 MP, 3 MP, 2 MP), landscape.
fn frame(rng: &mut Rng, big: bool) -> (usize, usize) {
    let sizes: &[(usize, usize)] = if big {
        &[(4000, 3000), (4000, 3000), (3264, 2448)]
    } else {
        &[(4000, 3000), (3264, 2448), (2048, 1536), (1920, 1080)]
    };
    let (w, h) = sizes[(rng.next() % sizes.len() as u64) as usize];
    if rng.f() < 0.3 { (h, w) } else { (w, h) }
}

/// Some dark blocks like lines of printed text, outside `keep` boxes.
fn text_lines(img: &mut Img, rng: &mut Rng, ink: f32, keep: &[(usize, usize, usize, usize)], count: usize) {
    let (w, h) = (img.w, img.h);
    let unit = (w.min(h) as f64 / 120.0).max(3.0);
    for _ in 0..count {
        let (x, y) = (rng.range(0.0, w as f64), rng.range(0.0, h as f64));
        let lw = rng.range(6.0, 30.0) * unit;
        let lh = rng.range(0.6, 1.4) * unit;
        let bb = (
            x as usize,
            y as usize,
            ((x + lw) as usize).min(w),
            ((y + lh) as usize).min(h),
        );
        let hits = keep
            .iter()
            .any(|k| bb.0 < k.2 && k.0 < bb.2 && bb.1 < k.3 && k.1 < bb.3);
        if hits {
            continue;
        }
        // Words: gaps every few units.
        let word = rng.range(2.0, 5.0) * unit;
        paint(img, bb, 1, |sx, _| ((sx - x) % word < word * 0.8).then_some(ink));
    }
}

/// Illumination: a linear gradient times vignetting, optionally a soft shadow edge.
fn light(img: &mut Img, rng: &mut Rng, grad: f64, vignette: f64, shadow: f64) {
    let (w, h) = (img.w as f64, img.h as f64);
    let a = rng.range(0.0, std::f64::consts::TAU);
    let (sa, ca) = a.sin_cos();
    let sh_a = rng.range(0.0, std::f64::consts::TAU);
    let (ss, cs) = sh_a.sin_cos();
    let sh_off = rng.range(-0.3, 0.3);
    let diag = (w * w + h * h).sqrt() / 2.0;
    for y in 0..img.h {
        for x in 0..img.w {
            let (dx, dy) = ((x as f64 - w / 2.0) / diag, (y as f64 - h / 2.0) / diag);
            let g = 1.0 - grad * (0.5 + 0.5 * (dx * ca + dy * sa));
            let r2 = dx * dx + dy * dy;
            let vig = 1.0 - vignette * r2;
            let t = (dx * cs + dy * ss - sh_off) * 12.0;
            let shade = 1.0 - shadow * (1.0 / (1.0 + (-t).exp()));
            img.v[y * img.w + x] *= (g * vig * shade) as f32;
        }
    }
}

/// A Gaussian blur of `sigma` pixels (three box passes each way); `sx`/`sy` scale it per axis.
fn blur(img: &mut Img, sigma_x: f64, sigma_y: f64) {
    for (sigma, horizontal) in [(sigma_x, true), (sigma_y, false)] {
        if sigma < 0.3 {
            continue;
        }
        let r = (((12.0 * sigma * sigma / 3.0 + 1.0).sqrt() - 1.0) / 2.0)
            .round()
            .max(1.0) as usize;
        for _ in 0..3 {
            box_pass(img, r, horizontal);
        }
    }
}

/// A box blur of length `len` pixels along one axis (motion).
fn motion(img: &mut Img, len: f64, horizontal: bool) {
    let r = (len / 2.0).round().max(1.0) as usize;
    box_pass(img, r, horizontal);
}

fn box_pass(img: &mut Img, r: usize, horizontal: bool) {
    let (w, h) = (img.w, img.h);
    let (lines, len, stride, step) = if horizontal { (h, w, w, 1) } else { (w, h, 1, w) };
    let mut buf = vec![0.0f32; len];
    for l in 0..lines {
        let base = l * stride;
        let get = |i: isize| img.v[base + (i.clamp(0, len as isize - 1) as usize) * step];
        let mut acc: f32 = (-(r as isize)..=r as isize).map(get).sum();
        let norm = 1.0 / (2 * r + 1) as f32;
        for (i, b) in buf.iter_mut().enumerate() {
            *b = acc * norm;
            let i = i as isize;
            acc += get(i + r as isize + 1) - get(i - r as isize);
        }
        for (i, b) in buf.iter().enumerate() {
            img.v[base + i * step] = *b;
        }
    }
}

/// Exposure, sensor noise (shot + read), clipping and JPEG: the bytes a phone saves, as 8-bit gray.
fn develop(img: Img, rng: &mut Rng, gain: f64, shot: f64, read: f64, quality: u8) -> (usize, usize, Vec<u8>) {
    let px: Vec<u8> = img
        .v
        .iter()
        .map(|&v| {
            let e = f64::from(v) * gain;
            let n = rng.gauss() * (shot * e.max(0.0) + read * read).sqrt();
            (e + n).round().clamp(0.0, 255.0) as u8
        })
        .collect();
    let mut bytes = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality);
    image::ImageEncoder::write_image(enc, &px, img.w as u32, img.h as u32, image::ExtendedColorType::L8)
        .unwrap();
    let back = image::load_from_memory(&bytes).unwrap().into_luma8();
    (img.w, img.h, back.into_raw())
}

/// A glare spot: added light with a Gaussian fall-off (clips to white at its core).
fn glare(img: &mut Img, c: (f64, f64), sigma: f64, strength: f32) {
    let r = (sigma * 3.0) as isize;
    let (cx, cy) = (c.0 as isize, c.1 as isize);
    for y in (cy - r).max(0)..(cy + r).min(img.h as isize) {
        for x in (cx - r).max(0)..(cx + r).min(img.w as isize) {
            let d2 = ((x - cx).pow(2) + (y - cy).pow(2)) as f64;
            let k = (-d2 / (2.0 * sigma * sigma)).exp() as f32;
            img.v[y as usize * img.w + x as usize] += strength * k;
        }
    }
}

/// A random placement of one code in a frame: centre, side (code without quiet zone), angle.
fn one_code(
    rng: &mut Rng,
    w: usize,
    h: usize,
    frac: (f64, f64),
    any_angle: f64,
    tilt: f64,
    version: usize,
) -> Placed {
    let short = w.min(h) as f64;
    let side = short * rng.range(frac.0, frac.1);
    let total = side * (1.0 + 8.0 / (17.0 + 4.0 * version as f64));
    let slack_x = ((w as f64 - total) / 2.0).max(0.0) * 0.8;
    let slack_y = ((h as f64 - total) / 2.0).max(0.0) * 0.8;
    let c = (
        w as f64 / 2.0 + rng.range(-slack_x, slack_x),
        h as f64 / 2.0 + rng.range(-slack_y, slack_y),
    );
    let angle = if rng.f() < any_angle {
        rng.range(0.0, std::f64::consts::TAU)
    } else {
        rng.gauss() * 0.12
    };
    // The whole code (quiet zone and rotation included) stays inside the frame.
    let reach = total * (angle.cos().abs() + angle.sin().abs());
    let side = if reach > short * 0.97 {
        side * short * 0.97 / reach
    } else {
        side
    };
    let q = quad(rng, c, side, angle, tilt);
    let ec = ec_of(rng);
    let text = text_for(rng, version);
    Placed::new(&text, None, ec, q)
}

fn make(cat: &'static str, rng: &mut Rng) -> Photo {
    match cat {
        "monitor" => monitor(rng),
        "lots" => sheet(rng),
        _ => paper(cat, rng),
    }
}

/// Codes printed on paper (a poster, a card): every category but screens and sheets.
fn paper(cat: &'static str, rng: &mut Rng) -> Photo {
    let (w, h) = frame(rng, matches!(cat, "close" | "rotations"));
    let paper = rng.range(0.72, 0.92) as f32;
    let ink = rng.range(0.03, 0.12) as f32;
    let mut img = Img::new(w, h, paper);
    let mut codes: Vec<(Placed, String)> = Vec::new();
    let count = if cat == "rotations" {
        2 + (rng.next() % 4) as usize
    } else {
        1
    };
    let mut tries = 0;
    while codes.len() < count && tries < 200 {
        tries += 1;
        let v = 1 + (rng.next() % 6) as usize;
        let (frac, any, tilt) = match cat {
            "close" => ((0.55, 0.9), 0.25, rng.range(0.0, 0.2)),
            "rotations" => ((0.12, 0.26), 1.0, rng.range(0.0, 0.15)),
            "perspective" => ((0.2, 0.45), 0.2, rng.range(0.35, 0.6)),
            "nominal" => ((0.12, 0.4), 0.1, rng.range(0.0, 0.2)),
            _ => ((0.18, 0.45), 0.15, rng.range(0.0, 0.2)),
        };
        let text = text_for(rng, v);
        let tmp = one_code(rng, w, h, frac, any, tilt, v);
        let p = Placed::new(&text, None, ec_of(rng), tmp.quad);
        // Codes of one photo do not overlap (quiet zones included).
        let c = centre(&p.quad);
        let r = side_of(&p.quad) * 0.75;
        if codes
            .iter()
            .any(|(o, _)| dist(centre(&o.quad), c) < r + side_of(&o.quad) * 0.75)
        {
            continue;
        }
        codes.push((p, text));
    }
    let keep: Vec<_> = codes.iter().map(|(p, _)| p.bbox(w, h)).collect();
    let lines = if cat == "close" { 4 } else { 30 };
    text_lines(&mut img, rng, ink, &keep, lines);
    for (p, _) in &codes {
        let bb = p.bbox(w, h);
        let ss = if side_of(&p.quad) / (p.n as f64) < 6.0 {
            2
        } else {
            1
        };
        paint(&mut img, bb, ss, |x, y| {
            p.at(x, y).map(|d| if d { ink } else { paper })
        });
    }
    let grad = rng.range(0.0, 0.4);
    let shadow = if rng.f() < 0.2 { rng.range(0.2, 0.5) } else { 0.0 };
    let vig = rng.range(0.1, 0.4);
    light(&mut img, rng, grad, vig, shadow);
    let module = codes
        .iter()
        .map(|(p, _)| side_of(&p.quad) / p.n as f64)
        .fold(f64::MAX, f64::min);
    let mut gain = rng.range(230.0, 290.0);
    let (mut shot, mut read) = (rng.range(0.2, 1.0), rng.range(1.5, 4.0));
    match cat {
        "close" => {
            let s = module * rng.range(0.03, 0.3);
            blur(&mut img, s, s);
        }
        "blurred" => {
            if rng.f() < 0.6 {
                let s = module * rng.range(0.25, 0.55);
                blur(&mut img, s, s);
            } else {
                let s = rng.range(0.5, 1.5);
                blur(&mut img, s, s);
                motion(&mut img, module * rng.range(0.6, 1.5), rng.f() < 0.5);
            }
        }
        "glare" | "bright_spots" => {
            // Bright spots: 3-6 small reflections (a glossy print, a laminated card), saturating at their
            // core. The real photos of this kind read 29 % with zxing-cpp: they are large and
            // strong enough to wipe out a finder or a run of codewords.
            let spots = if cat == "glare" {
                1
            } else {
                3 + (rng.next() % 4) as usize
            };
            for _ in 0..spots {
                let (p, _) = &codes[(rng.next() % codes.len() as u64) as usize];
                let side = side_of(&p.quad);
                let c = centre(&p.quad);
                let at = (
                    c.0 + rng.range(-0.4, 0.4) * side,
                    c.1 + rng.range(-0.4, 0.4) * side,
                );
                let sigma = side
                    * if cat == "glare" {
                        rng.range(0.12, 0.25)
                    } else {
                        rng.range(0.05, 0.11)
                    };
                let strength = if cat == "glare" {
                    rng.range(0.6, 1.4)
                } else {
                    rng.range(1.2, 2.5)
                };
                glare(&mut img, at, sigma, strength as f32);
            }
            let s = rng.range(0.5, 1.5);
            blur(&mut img, s, s);
        }
        "brightness" => {
            // The real photos of this kind read 80 % with zxing-cpp: dim enough that the sensor
            // noise is a large part of the ink-to-paper step, or washed out until little of it is left.
            if rng.f() < 0.6 {
                // Dim: little light, high sensor gain (noise grows with it).
                gain = rng.range(18.0, 40.0);
                shot = rng.range(2.0, 4.0);
                read = rng.range(4.0, 8.0);
            } else {
                // Washed out: overexposed, the paper clips and the ink turns light gray.
                gain = rng.range(380.0, 560.0);
                for v in &mut img.v {
                    *v = *v * 0.6 + 0.3;
                }
            }
            let s = rng.range(0.5, 1.5);
            blur(&mut img, s, s);
        }
        _ => {
            let s = rng.range(0.4, 1.6);
            blur(&mut img, s, s);
        }
    }
    let quality = 70 + (rng.next() % 23) as u8;
    let (w, h, px) = develop(img, rng, gain, shot, read, quality);
    Photo {
        category: cat,
        w,
        h,
        px,
        quads: codes.iter().map(|(p, _)| p.quad).collect(),
        expected: codes.into_iter().map(|(_, t)| t).collect(),
    }
}

fn side_of(q: &[(f64, f64); 4]) -> f64 {
    (dist(q[0], q[1]) + dist(q[1], q[2]) + dist(q[2], q[3]) + dist(q[3], q[0])) / 4.0
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// An A4 sheet of 24-60 small codes on a desk, photographed with perspective.
fn sheet(rng: &mut Rng) -> Photo {
    let (w, h) = frame(rng, true);
    let (cols, rows) = [(4, 6), (5, 7), (5, 8), (6, 8), (6, 10)][(rng.next() % 5) as usize];
    let desk = rng.range(0.2, 0.45) as f32;
    let mut img = Img::new(w, h, desk);
    // Desk texture: low-frequency blotches.
    for _ in 0..40 {
        let c = (rng.range(0.0, w as f64), rng.range(0.0, h as f64));
        let r = rng.range(0.02, 0.1) * w as f64;
        let d = rng.range(-0.06, 0.06) as f32;
        let bb = bbox_of(&[(c.0 - r, c.1 - r), (c.0 + r, c.1 + r)], w, h);
        paint(&mut img, bb, 1, |x, y| (dist((x, y), c) < r).then_some(desk + d));
    }
    // The page: 210 x 297 mm; its quad in the frame.
    let page_h = h as f64 * rng.range(0.62, 0.95);
    let page_w = page_h * 210.0 / 297.0;
    let (page_w, page_h) = if page_w > w as f64 * 0.95 {
        (w as f64 * 0.95, w as f64 * 0.95 * 297.0 / 210.0)
    } else {
        (page_w, page_h)
    };
    let angle = if rng.f() < 0.25 {
        rng.range(0.0, std::f64::consts::TAU)
    } else {
        rng.gauss() * 0.08
    };
    let c = (w as f64 / 2.0 + rng.range(-0.03, 0.03) * w as f64, h as f64 / 2.0);
    let side = page_w.max(page_h);
    // A square of the page's long side mapped with perspective; the page sits inside it.
    let tilt = rng.range(0.0, 0.3);
    let sq = quad(rng, c, side, angle, tilt);
    let page_map = Proj::square_to_quad(sq);
    let to_img = |mm_x: f64, mm_y: f64| {
        // Page millimetres to the unit square (the page centred in a 297 x 297 square).
        page_map.map((mm_x + 43.5) / 297.0, mm_y / 297.0)
    };
    let page_quad = [
        to_img(0.0, 0.0),
        to_img(210.0, 0.0),
        to_img(210.0, 297.0),
        to_img(0.0, 297.0),
    ];
    let inv = page_map.inverse();
    let paper = rng.range(0.75, 0.9) as f32;
    let ink = rng.range(0.04, 0.12) as f32;
    let margin = 12.0;
    let cell_w = (210.0 - 2.0 * margin) / cols as f64;
    let cell_h = (297.0 - 2.0 * margin) / rows as f64;
    let mut placed = Vec::new();
    let version = 1 + (rng.next() % 3) as i16;
    let ec = [EcLevel::L, EcLevel::M, EcLevel::Q][(rng.next() % 3) as usize];
    let n = 17 + 4 * version as usize;
    let code_mm = cell_w.min(cell_h) * 0.92 * n as f64 / (n + 8) as f64;
    for r in 0..rows {
        for k in 0..cols {
            let x0 = margin + k as f64 * cell_w + (cell_w - code_mm) / 2.0;
            let y0 = margin + r as f64 * cell_h + (cell_h - code_mm) / 2.0;
            let q = [
                to_img(x0, y0),
                to_img(x0 + code_mm, y0),
                to_img(x0 + code_mm, y0 + code_mm),
                to_img(x0, y0 + code_mm),
            ];
            // Short texts: a version 1 code at level Q holds 11 bytes.
            const A: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
            let len = [8usize, 16, 26][version as usize - 1];
            let mut text = format!("{:02}", r * cols + k);
            while text.len() < len {
                text.push(A[(rng.next() % A.len() as u64) as usize] as char);
            }
            placed.push((Placed::new(&text, Some(version), ec, q), text, (x0, y0)));
        }
    }
    let bb = bbox_of(&page_quad, w, h);
    let module_mm = code_mm / n as f64;
    paint(&mut img, bb, 2, |x, y| {
        let (u, v) = inv.map(x, y);
        let (mx, my) = (u * 297.0 - 43.5, v * 297.0);
        if !(0.0..210.0).contains(&mx) || !(0.0..297.0).contains(&my) {
            return None;
        }
        let k = ((mx - margin) / cell_w).floor();
        let r = ((my - margin) / cell_h).floor();
        if k < 0.0 || r < 0.0 || k >= cols as f64 || r >= rows as f64 {
            return Some(paper);
        }
        let (_, _, (x0, y0)) = &placed[r as usize * cols + k as usize];
        let (cu, cv) = ((mx - x0) / module_mm, (my - y0) / module_mm);
        if cu < 0.0 || cv < 0.0 || cu >= n as f64 || cv >= n as f64 {
            return Some(paper);
        }
        let (p, _, _) = &placed[r as usize * cols + k as usize];
        Some(if p.mods[cv as usize * n + cu as usize] {
            ink
        } else {
            paper
        })
    });
    let shadow = if rng.f() < 0.3 { rng.range(0.2, 0.45) } else { 0.0 };
    let (grad, vig) = (rng.range(0.0, 0.35), rng.range(0.1, 0.35));
    light(&mut img, rng, grad, vig, shadow);
    let s = rng.range(0.5, 1.8);
    blur(&mut img, s, s);
    let quality = 72 + (rng.next() % 20) as u8;
    let gain = rng.range(230.0, 290.0);
    let (shot, read) = (rng.range(0.2, 1.0), rng.range(1.5, 4.0));
    let (w, h, px) = develop(img, rng, gain, shot, read, quality);
    Photo {
        category: "lots",
        w,
        h,
        px,
        quads: placed.iter().map(|(p, _, _)| p.quad).collect(),
        expected: placed.into_iter().map(|(_, t, _)| t).collect(),
    }
}

/// A code shown on an LCD (RGB stripes) or OLED (diamond pentile) screen, photographed at a slight
/// angle: the camera samples the sub-pixel grid, which aliases into moiré.
fn monitor(rng: &mut Rng) -> Photo {
    let (w, h) = frame(rng, true);
    let oled = rng.f() < 0.45;
    let version = 1 + (rng.next() % 6) as usize;
    let text = text_for(rng, version);
    let ec = ec_of(rng);
    let (mods, n) = modules(&text, None, ec);
    let short = w.min(h) as f64;
    // Screen pixels per module (integer, as UIs draw codes) and camera pixels per screen pixel.
    let target = short * rng.range(0.25, 0.7);
    let mut p = 3 + (rng.next() % 8) as usize;
    let mut r = target / (n * p) as f64;
    while r > 3.2 && p < 16 {
        p += 1;
        r = target / (n * p) as f64;
    }
    while r < 0.7 && p > 2 {
        p -= 1;
        r = target / (n * p) as f64;
    }
    let code_px = (n * p) as f64; // in screen pixels
    let side = code_px * r; // in camera pixels
    let c = (
        w as f64 / 2.0 + rng.range(-0.1, 0.1) * w as f64,
        h as f64 / 2.0 + rng.range(-0.1, 0.1) * h as f64,
    );
    let (angle, tilt) = (rng.gauss() * 0.07, rng.range(0.0, 0.15));
    let q = quad(rng, c, side, angle, tilt);
    // Module space of the code: screen pixel = module coordinate * p.
    let inv = Proj::square_to_quad(q).inverse();
    let (scr_w, scr_h) = if rng.f() < 0.5 {
        (1080.0, 2340.0)
    } else {
        (1920.0, 1080.0)
    };
    let (ox, oy) = (
        rng.range(0.3, 0.7) * (scr_w - code_px).max(0.0),
        rng.range(0.3, 0.7) * (scr_h - code_px).max(0.0),
    );
    let panel = (4 + 2 + (rng.next() % 4) as usize) as f64 * p as f64;
    let black = rng.range(0.01, 0.06) as f32;
    let ui = rng.range(0.35, 0.8) as f32;
    let fill = rng.range(0.5, 0.85);
    let weights = [0.3f32, 0.59, 0.11];
    // Emission at a screen point (screen pixels, origin at the code's top-left).
    let content = |sx: f64, sy: f64| -> f32 {
        let (ax, ay) = (sx + ox, sy + oy);
        if ax < 0.0 || ay < 0.0 || ax >= scr_w || ay >= scr_h {
            return -1.0; // bezel
        }
        let (pxx, pyy) = (sx.floor(), sy.floor());
        let (mu, mv) = (pxx / p as f64, pyy / p as f64);
        if mu >= 0.0 && mv >= 0.0 && mu < n as f64 && mv < n as f64 {
            if mods[mv as usize * n + mu as usize] {
                black
            } else {
                1.0
            }
        } else if sx > -panel && sy > -panel && sx < code_px + panel && sy < code_px + panel {
            1.0
        } else {
            ui
        }
    };
    let emit = |sx: f64, sy: f64| -> f32 {
        let c = content(sx, sy);
        if c < 0.0 {
            return 0.015;
        }
        let (fx, fy) = (sx - sx.floor(), sy - sy.floor());
        let (ix, iy) = (sx.floor() as i64, sy.floor() as i64);
        let sub = if oled {
            // Green at every pixel's lower half; red or blue alternating at the upper half.
            let (g, rb) = (
                (fx - 0.5).powi(2) + (fy - 0.72).powi(2) < 0.04 * fill,
                (fx - 0.5).powi(2) + (fy - 0.27).powi(2) < 0.06 * fill,
            );
            if g {
                weights[1] / (0.04 * fill * std::f64::consts::PI) as f32 / 0.795
            } else if rb {
                let wgt = if (ix + iy) % 2 == 0 {
                    weights[0]
                } else {
                    weights[2]
                };
                wgt / (0.06 * fill * std::f64::consts::PI) as f32 / 0.795
            } else {
                0.0
            }
        } else {
            let s = (fx * 3.0).floor() as usize;
            let inside = fx * 3.0 - s as f64 <= fill && fy < 0.9;
            if inside {
                weights[s.min(2)] * 3.0 / (fill as f32 * 0.9)
            } else {
                0.0
            }
        };
        black * 0.5 + c * sub
    };
    let desk = rng.range(0.05, 0.3) as f32;
    let mut img = Img::new(w, h, desk);
    // The screen's corners in the camera image.
    let fwd = Proj::square_to_quad(q);
    let sc = |x: f64, y: f64| fwd.map(x / code_px, y / code_px);
    let screen_quad = [
        sc(-ox - 40.0, -oy - 40.0),
        sc(scr_w - ox + 40.0, -oy - 40.0),
        sc(scr_w - ox + 40.0, scr_h - oy + 40.0),
        sc(-ox - 40.0, scr_h - oy + 40.0),
    ];
    let bb = bbox_of(&screen_quad, w, h);
    let ss = if r < 2.0 { 4 } else { 3 };
    paint(&mut img, bb, ss, |x, y| {
        let (u, v) = inv.map(x, y);
        let (sx, sy) = (u * code_px, v * code_px);
        if sx < -ox - 40.0 || sy < -oy - 40.0 || sx > scr_w - ox + 40.0 || sy > scr_h - oy + 40.0 {
            return None;
        }
        Some(emit(sx, sy))
    });
    // A reflection of the room on the glass: a broad soft glow.
    if rng.f() < 0.5 {
        let at = (rng.range(0.0, w as f64), rng.range(0.0, h as f64));
        glare(
            &mut img,
            at,
            short * rng.range(0.2, 0.5),
            rng.range(0.05, 0.25) as f32,
        );
    }
    let s = rng.range(0.2, 0.9);
    blur(&mut img, s, s);
    let gain = rng.range(200.0, 260.0);
    let (shot, read) = (rng.range(0.3, 1.2), rng.range(1.5, 4.0));
    let quality = 78 + (rng.next() % 15) as u8;
    let (w, h, px) = develop(img, rng, gain, shot, read, quality);
    Photo {
        category: "monitor",
        w,
        h,
        px,
        expected: vec![text],
        quads: vec![q],
    }
}

/// A `fw` x `fh` camera frame cut from a photo around its code number `k`: the code fills a share of
/// the frame's height as a person aiming a camera would frame it, downscaled by area averaging (never
/// upscaled), off-centre. Areas outside the photo are its edge pixels.
pub(crate) fn frame_around(p: &Photo, k: usize, fw: usize, fh: usize, rng: &mut Rng) -> (Vec<u8>, String) {
    let q = p.quads[k];
    let (x0, y0, x1, y1) = bbox_of(&q, p.w, p.h);
    let (bw, bh) = ((x1 - x0) as f64, (y1 - y0) as f64);
    let share = rng.range(0.3, 0.8);
    let ch = (bh.max(bw * fh as f64 / fw as f64) / share).max(fh as f64);
    let cw = ch * fw as f64 / fh as f64;
    let c = centre(&q);
    let (cx, cy) = (
        c.0 + rng.range(-0.2, 0.2) * (cw - bw).max(0.0),
        c.1 + rng.range(-0.2, 0.2) * (ch - bh).max(0.0),
    );
    (
        resample(p, cx - cw / 2.0, cy - ch / 2.0, cw, ch, fw, fh),
        p.expected[k].clone(),
    )
}

/// A frame from a photo's area `(x, y, cw, ch)` (may reach outside), box-averaged to `fw` x `fh`.
pub(crate) fn resample(p: &Photo, x: f64, y: f64, cw: f64, ch: f64, fw: usize, fh: usize) -> Vec<u8> {
    let scale = cw / fw as f64;
    let taps = scale.ceil().max(1.0) as usize;
    let mut out = Vec::with_capacity(fw * fh);
    for oy in 0..fh {
        for ox in 0..fw {
            let mut acc = 0u32;
            for j in 0..taps {
                for i in 0..taps {
                    let sx = x + (ox as f64 + (i as f64 + 0.5) / taps as f64) * scale;
                    let sy = y + (oy as f64 + (j as f64 + 0.5) / taps as f64) * scale;
                    let (sx, sy) = (
                        (sx.max(0.0) as usize).min(p.w - 1),
                        (sy.max(0.0) as usize).min(p.h - 1),
                    );
                    acc += u32::from(p.px[sy * p.w + sx]);
                }
            }
            out.push((acc / (taps * taps) as u32) as u8);
        }
    }
    let _ = ch;
    out
}

/// Frames with no code: crops of the hard photos away from every code, and cluttered scenes.
pub(crate) fn empty_frames(
    photos: &[Photo],
    fw: usize,
    fh: usize,
    count: usize,
) -> Vec<(Vec<u8>, &'static str)> {
    let mut rng = Rng::new(99);
    let mut out = Vec::new();
    let mut tries = 0;
    while out.len() < count / 2 && tries < count * 20 && !photos.is_empty() {
        tries += 1;
        let p = &photos[(rng.next() % photos.len() as u64) as usize];
        let ch = rng.range(fh as f64, (p.h as f64).max(fh as f64 + 1.0));
        let cw = ch * fw as f64 / fh as f64;
        if cw > p.w as f64 {
            continue;
        }
        let (x, y) = (rng.range(0.0, p.w as f64 - cw), rng.range(0.0, p.h as f64 - ch));
        let hits = p.quads.iter().any(|q| {
            let (a, b, c, d) = bbox_of(q, p.w, p.h);
            let m = ((c - a) as f64) * 0.3;
            (a as f64) - m < x + cw && x < c as f64 + m && (b as f64) - m < y + ch && y < d as f64 + m
        });
        if !hits {
            out.push((resample(p, x, y, cw, ch, fw, fh), "photo crops"));
        }
    }
    while out.len() < count {
        out.push((clutter(&mut rng, fw, fh), "clutter"));
    }
    out
}

/// A cluttered scene without a code: rectangles, text lines, a checkerboard, a keyboard-like grid.
fn clutter(rng: &mut Rng, w: usize, h: usize) -> Vec<u8> {
    let mut img = Img::new(w, h, rng.range(0.2, 0.8) as f32);
    for _ in 0..30 {
        let (x, y) = (rng.range(0.0, w as f64), rng.range(0.0, h as f64));
        let (bw, bh) = (rng.range(10.0, 400.0), rng.range(10.0, 300.0));
        let v = rng.range(0.02, 0.95) as f32;
        let bb = bbox_of(&[(x, y), (x + bw, y + bh)], w, h);
        paint(&mut img, bb, 1, |_, _| Some(v));
    }
    let ink = rng.range(0.02, 0.2) as f32;
    text_lines(&mut img, rng, ink, &[], 40);
    // A checkerboard or a grid of keys.
    let (x, y) = (rng.range(0.0, w as f64 * 0.6), rng.range(0.0, h as f64 * 0.6));
    let cell = rng.range(6.0, 40.0);
    let bb = bbox_of(&[(x, y), (x + cell * 10.0, y + cell * 8.0)], w, h);
    let keys = rng.f() < 0.5;
    paint(&mut img, bb, 2, |sx, sy| {
        let (i, j) = (((sx - x) / cell).floor() as i64, ((sy - y) / cell).floor() as i64);
        if keys {
            let (fx, fy) = ((sx - x) / cell - i as f64, (sy - y) / cell - j as f64);
            Some(if fx > 0.15 && fy > 0.15 { 0.1 } else { 0.6 })
        } else {
            Some(if (i + j) % 2 == 0 { 0.08 } else { 0.85 })
        }
    });
    let grad = rng.range(0.0, 0.4);
    light(&mut img, rng, grad, 0.3, 0.0);
    let s = rng.range(0.5, 2.0);
    blur(&mut img, s, s);
    let gain = rng.range(150.0, 280.0);
    let (_, _, px) = develop(img, rng, gain, 0.8, 3.0, 85);
    px
}
