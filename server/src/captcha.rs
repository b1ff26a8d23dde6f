//! The registration captcha: a distorted image of five characters, rendered here (5×7 bitmap glyphs,
//! scaled, rotated and warped, over noise lines and dots) and encoded as PNG. The answer is kept only as a
//! keyed hash; a captcha is single use and expires after ten minutes.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};

use crate::error::Error;

/// The answer's characters: none that a person can mistake for another in this font, even enlarged.
/// Left out: 0/O/Q, 1/I/L (and a typed `l`), 2/Z, 5/S, 6/G, 8/B, and U/V and E/F, which differ in one or
/// two rows of a 5×7 glyph. Twenty characters, five of them: 3.2 million answers.
const ALPHABET: &[u8] = b"3479ACDEHJKMNPRTUWXY";
/// Characters a person could read as another one (a typed lowercase `l` reads as `L`), or as one kept
/// in its place (U for V, E for F); none is in [`ALPHABET`].
#[cfg(test)]
const LOOK_ALIKES: &[u8] = b"0OQ1IL2Z5S6G8BVF";
/// Length of an answer.
pub(crate) const LEN: usize = 5;
/// Random bytes drawn for one answer: each character takes one byte, bytes at or above the largest
/// multiple of the alphabet's size are skipped (so the draw is unbiased); 32 bytes leave 27 spare.
pub(crate) const DRAW: usize = 32;
const WIDTH: u32 = 300;
const HEIGHT: u32 = 100;

/// 5×7 glyphs, one row per entry, the leftmost pixel in bit 4; in `ALPHABET` order.
const GLYPHS: [[u8; 7]; 20] = [
    [0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e], // 3
    [0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02], // 4
    [0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08], // 7
    [0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c], // 9
    [0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11], // A
    [0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e], // C
    [0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c], // D
    [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f], // E
    [0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11], // H
    [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c], // J
    [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11], // K
    [0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11], // M
    [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11], // N
    [0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10], // P
    [0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11], // R
    [0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04], // T
    [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e], // U
    [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a], // W
    [0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11], // X
    [0x11, 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04], // Y
];

/// A small generator for the drawing noise (seeded from the system generator; the answer itself is drawn
/// from the system generator directly).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u32) -> u32 {
        u32::try_from(self.next() % u64::from(n.max(1))).unwrap_or(0)
    }

    fn unit(&mut self) -> f32 {
        #[allow(clippy::cast_precision_loss)]
        let v = (self.next() >> 40) as f32 / (1u64 << 24) as f32;
        v
    }
}

/// Picks the answer from `random` bytes, one accepted byte per character (rejection sampling, so every
/// character is equally likely). `None` in the (astronomically unlikely) case that too few bytes were
/// accepted: draw again.
pub(crate) fn answer_from(random: &[u8]) -> Option<String> {
    let n = ALPHABET.len();
    let limit = 256 - 256 % n;
    let answer: String = random
        .iter()
        .map(|b| usize::from(*b))
        .filter(|b| *b < limit)
        .take(LEN)
        .filter_map(|b| ALPHABET.get(b % n).map(|c| char::from(*c)))
        .collect();
    (answer.len() == LEN).then_some(answer)
}

/// Normalises a typed answer for comparison.
pub(crate) fn normalize_answer(typed: &str) -> String {
    typed.trim().to_ascii_uppercase()
}

fn glyph(c: char) -> Option<&'static [u8; 7]> {
    let i = ALPHABET.iter().position(|&a| char::from(a) == c)?;
    GLYPHS.get(i)
}

fn glyph_bit(g: &[u8; 7], gx: i32, gy: i32) -> bool {
    if !(0..5).contains(&gx) {
        return false;
    }
    usize::try_from(gy)
        .ok()
        .and_then(|y| g.get(y))
        .is_some_and(|row| row & (0x10 >> gx) != 0)
}

/// Renders `answer` as a PNG image.
pub(crate) fn render_png(answer: &str, seed: u64) -> Result<Vec<u8>, Error> {
    let mut rng = Noise(seed | 1);
    let mut img = RgbImage::from_fn(WIDTH, HEIGHT, |_, _| Rgb([235, 238, 242]));
    // Background dots.
    for _ in 0..900 {
        let (x, y) = (rng.below(WIDTH), rng.below(HEIGHT));
        let shade = u8::try_from(150 + rng.below(80)).unwrap_or(200);
        img.put_pixel(x, y, Rgb([shade, shade, shade]));
    }
    let scale = 7.5f32;
    let phase = rng.unit() * std::f32::consts::TAU;
    let amp = 2.0 + rng.unit() * 3.0;
    for (i, c) in answer.chars().enumerate() {
        let Some(g) = glyph(c) else {
            return Err(Error::Render);
        };
        let angle = (rng.unit() - 0.5) * 0.6;
        let (sin, cos) = angle.sin_cos();
        #[allow(clippy::cast_precision_loss)]
        let cx = 36.0 + i as f32 * 56.0 + (rng.unit() - 0.5) * 8.0;
        let cy = 50.0 + (rng.unit() - 0.5) * 14.0;
        let color = Rgb([
            u8::try_from(rng.below(90)).unwrap_or(0),
            u8::try_from(rng.below(90)).unwrap_or(0),
            u8::try_from(60 + rng.below(100)).unwrap_or(90),
        ]);
        for py in 0..HEIGHT {
            for px in 0..WIDTH {
                #[allow(clippy::cast_precision_loss)]
                let (fx, fy) = (px as f32, py as f32);
                // Warp, then undo the glyph's rotation about its centre.
                let wy = fy + amp * (fx / 17.0 + phase).sin();
                let (dx, dy) = (fx - cx, wy - cy);
                let (gx, gy) = (
                    (dx * cos + dy * sin) / scale + 2.5,
                    (-dx * sin + dy * cos) / scale + 3.5,
                );
                #[allow(clippy::cast_possible_truncation)]
                if gx >= 0.0 && gy >= 0.0 && glyph_bit(g, gx.floor() as i32, gy.floor() as i32) {
                    img.put_pixel(px, py, color);
                }
            }
        }
    }
    // Lines across the text.
    for _ in 0..5 {
        #[allow(clippy::cast_precision_loss)]
        let (x0, y0, x1, y1) = (
            rng.below(WIDTH / 3) as f32,
            rng.below(HEIGHT) as f32,
            (WIDTH - rng.below(WIDTH / 3)) as f32,
            rng.below(HEIGHT) as f32,
        );
        let steps = 400;
        for s in 0..=steps {
            #[allow(clippy::cast_precision_loss)]
            let t = s as f32 / steps as f32;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let (x, y) = ((x0 + (x1 - x0) * t) as u32, (y0 + (y1 - y0) * t) as u32);
            if x < WIDTH && y < HEIGHT {
                img.put_pixel(x, y, Rgb([90, 90, 110]));
            }
        }
    }
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .map_err(|_| Error::Render)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_png_with_ink_for_every_answer_character() {
        let answer = answer_from(&[0, 9, 17, 25, 19]).unwrap();
        assert_eq!(answer, "3JWCY");
        let png = render_png(&answer, 42).unwrap();
        let img = image::load_from_memory(&png).unwrap().to_rgb8();
        assert_eq!((img.width(), img.height()), (WIDTH, HEIGHT));
        let dark = img.pixels().filter(|p| p.0[0] < 100 && p.0[1] < 100).count();
        assert!(dark > 800, "text pixels: {dark}");
        // Different seeds give different images for the same answer.
        assert_ne!(png, render_png(&answer, 100).unwrap());
    }

    #[test]
    fn the_alphabet_has_no_look_alikes() {
        for &c in LOOK_ALIKES {
            assert!(
                !ALPHABET.contains(&c),
                "{} can be mistaken for another character",
                char::from(c)
            );
        }
        assert!(
            ALPHABET
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        let mut sorted = ALPHABET.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ALPHABET.len(), "no character twice");
        // Every answer is drawn from the alphabet, and a typed answer (any case) normalises to it.
        for seed in 0..=255u8 {
            let bytes: Vec<u8> = (0..DRAW)
                .map(|i| seed.wrapping_mul(31).wrapping_add(u8::try_from(i).unwrap() * 7))
                .collect();
            if let Some(a) = answer_from(&bytes) {
                assert!(a.bytes().all(|c| ALPHABET.contains(&c)), "{a}");
                assert_eq!(normalize_answer(&a.to_lowercase()), a);
            }
        }
    }

    #[test]
    fn the_draw_is_unbiased_and_skips_bytes_past_the_last_full_round() {
        // 240 = 12 × 20: bytes 240..=255 would favour the first characters, so they are skipped.
        assert_eq!(answer_from(&[250, 0, 255, 1, 2, 240, 3, 4]).unwrap(), "3479A");
        assert_eq!(answer_from(&[239, 20, 40, 60, 80]).unwrap(), "Y3333");
        assert_eq!(
            answer_from(&[0, 1, 2, 250]),
            None,
            "too few accepted bytes: draw again"
        );
        let mut counts = [0usize; 256];
        for b in 0..=255u8 {
            if let Some(a) = answer_from(&[b; LEN]) {
                counts[usize::from(a.as_bytes()[0])] += 1;
            }
        }
        let used: Vec<usize> = counts.iter().copied().filter(|n| *n > 0).collect();
        assert_eq!(used.len(), ALPHABET.len());
        assert!(used.iter().all(|n| *n == 12), "{used:?}");
    }

    #[test]
    fn every_alphabet_character_has_a_glyph() {
        for &c in ALPHABET {
            assert!(glyph(char::from(c)).is_some());
        }
        assert_eq!(normalize_answer(" ac3x "), "AC3X");
    }
}
