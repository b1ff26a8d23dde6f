//! The image pyramid a scan works on: the full image, then halves of it (2x2 means) down to a short side
//! of `MIN_SIDE`. A large photo is scanned first where it is cheap: the ladder runs on the *working
//! level*, the finest one of at most `WORK_PIXELS` pixels (a 12 MP photo: 1000x750, where a close-up's
//! modules are a few dozen pixels and a screen's sub-pixel grid is averaged away; its half, which the
//! ladder's half-resolution rungs use, is the 500x375 shrink where plain rqrr reads close-ups). Finer
//! levels are climbed only by our finder locator, and only while it saw finder candidates that no code
//! read so far explains (small codes: the sheets of many codes).

use super::geometry::Pt;
use super::gray::Gray;
use super::pipeline::ScannedCode;

/// The ladder's working level has at most this many pixels (a 1280x960 frame is worked on as it is).
pub(crate) const WORK_PIXELS: usize = 1280 * 960;

/// No level with a short side below this is made.
const MIN_SIDE: usize = 120;

/// The levels of one image: level 0 is the image, level `k` is halved `k` times.
pub(crate) struct Pyramid<'a> {
    base: &'a Gray,
    halves: Vec<Gray>,
}

impl<'a> Pyramid<'a> {
    /// Levels from the image down to the working level (finer levels are the image's own).
    pub(crate) fn new(img: &'a Gray) -> Self {
        let mut halves: Vec<Gray> = Vec::new();
        loop {
            let last = halves.last().unwrap_or(img);
            if last.width() * last.height() <= WORK_PIXELS || last.width().min(last.height()) < 2 * MIN_SIDE {
                break;
            }
            let next = last.downscale(2);
            halves.push(next);
        }
        Self { base: img, halves }
    }

    /// The working level's index (the coarsest level made).
    pub(crate) fn work(&self) -> usize {
        self.halves.len()
    }

    /// Level `k` (clamped to the levels made).
    pub(crate) fn level(&self, k: usize) -> &Gray {
        match k.checked_sub(1) {
            None => self.base,
            Some(i) => self.halves.get(i).or(self.halves.last()).unwrap_or(self.base),
        }
    }
}

/// Moves a scan's finds from one level's coordinates to another's: every point is multiplied by `f`
/// (pixel centres sit at +0.5, so halving is exactly a factor of 2).
pub(crate) fn rescale(found: &mut [ScannedCode], tried: &mut [[Pt; 4]], loose: &mut [Pt], f: f64) {
    for c in found {
        for p in &mut c.corners {
            *p = [(f64::from(p[0]) * f) as f32, (f64::from(p[1]) * f) as f32];
        }
    }
    for t in tried {
        for p in t {
            *p = Pt::new(p.x * f, p.y * f);
        }
    }
    for p in loose {
        *p = Pt::new(p.x * f, p.y * f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_stop_at_the_working_size() {
        let g = Gray::new(4000, 3000, vec![128; 12_000_000]).unwrap();
        let p = Pyramid::new(&g);
        assert_eq!(p.work(), 2);
        assert_eq!((p.level(2).width(), p.level(2).height()), (1000, 750));
        assert_eq!(p.level(0).width(), 4000);
        let small = Gray::new(1280, 720, vec![0; 1280 * 720]).unwrap();
        assert_eq!(Pyramid::new(&small).work(), 0);
    }
}
