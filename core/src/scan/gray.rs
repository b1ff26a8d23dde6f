//! An owned 8-bit grayscale image and the pre-processing steps of the ladder: downscaling, inversion,
//! contrast stretching, box blur, Otsu and local adaptive (integral-image) thresholding.

/// An owned grayscale image, rows packed (`stride == width`). Dimensions are never zero.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Gray {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl std::fmt::Debug for Gray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Gray({}x{})", self.w, self.h)
    }
}

impl Gray {
    /// An image from packed pixels; `None` if the sizes disagree or a side is zero.
    pub(crate) fn new(w: usize, h: usize, px: Vec<u8>) -> Option<Self> {
        (w > 0 && h > 0 && w.checked_mul(h) == Some(px.len())).then_some(Self { w, h, px })
    }

    pub(crate) fn width(&self) -> usize {
        self.w
    }

    pub(crate) fn height(&self) -> usize {
        self.h
    }

    pub(crate) fn pixels(&self) -> &[u8] {
        &self.px
    }

    /// The pixel at `(x, y)`, clamped to the image.
    #[inline]
    pub(crate) fn at(&self, x: usize, y: usize) -> u8 {
        let x = x.min(self.w - 1);
        let y = y.min(self.h - 1);
        self.px.get(y * self.w + x).copied().unwrap_or(0)
    }

    /// Bilinear interpolation at a real position (pixel centres at integer + 0.5), clamped to the image.
    #[inline]
    pub(crate) fn sample(&self, x: f64, y: f64) -> f32 {
        let fx = (x - 0.5).clamp(0.0, (self.w - 1) as f64);
        let fy = (y - 0.5).clamp(0.0, (self.h - 1) as f64);
        let x0 = fx as usize;
        let y0 = fy as usize;
        let tx = (fx - x0 as f64) as f32;
        let ty = (fy - y0 as f64) as f32;
        let p00 = f32::from(self.at(x0, y0));
        let p10 = f32::from(self.at(x0 + 1, y0));
        let p01 = f32::from(self.at(x0, y0 + 1));
        let p11 = f32::from(self.at(x0 + 1, y0 + 1));
        let top = p00 + (p10 - p00) * tx;
        let bottom = p01 + (p11 - p01) * tx;
        top + (bottom - top) * ty
    }

    /// The image shrunk by an integer `factor` (box filter: each output pixel is the mean of a block).
    pub(crate) fn downscale(&self, factor: usize) -> Gray {
        let factor = factor.max(1);
        if factor == 2 && self.w >= 2 && self.h >= 2 {
            return self.half();
        }
        let w = (self.w / factor).max(1);
        let h = (self.h / factor).max(1);
        let mut px = Vec::with_capacity(w * h);
        let area = (factor * factor) as u32;
        for oy in 0..h {
            for ox in 0..w {
                let mut sum = 0u32;
                for dy in 0..factor {
                    let row = (oy * factor + dy).min(self.h - 1) * self.w;
                    let start = row + (ox * factor).min(self.w - 1);
                    let end = (start + factor).min(row + self.w);
                    sum += self
                        .px
                        .get(start..end)
                        .map_or(0, |s| s.iter().map(|&p| u32::from(p)).sum());
                }
                px.push((sum / area) as u8);
            }
        }
        Gray { w, h, px }
    }

    /// The image inside a border of `pad` pixels of its 95th-percentile (paper) brightness.
    pub(crate) fn padded(&self, pad: usize) -> Gray {
        let hist = self.histogram();
        let light = percentile(&hist, self.px.len() as u64 * 95 / 100);
        let (w, h) = (self.w + 2 * pad, self.h + 2 * pad);
        let mut px = vec![light; w * h];
        for (y, row) in self.px.chunks_exact(self.w).enumerate() {
            let start = (y + pad) * w + pad;
            if let Some(dst) = px.get_mut(start..start + self.w) {
                dst.copy_from_slice(row);
            }
        }
        Gray { w, h, px }
    }

    /// Half size by 2x2 means (the fast path of `downscale(2)`).
    fn half(&self) -> Gray {
        let (w, h) = (self.w / 2, self.h / 2);
        let mut px = Vec::with_capacity(w * h);
        for pair in self.px.chunks_exact(self.w * 2).take(h) {
            let (top, bottom) = pair.split_at(self.w);
            for (t, b) in top.chunks_exact(2).zip(bottom.chunks_exact(2)).take(w) {
                let sum = t.iter().chain(b.iter()).map(|&p| u16::from(p)).sum::<u16>();
                px.push(((sum + 2) / 4) as u8);
            }
        }
        Gray { w, h, px }
    }

    /// Light and dark swapped (for light-on-dark codes).
    pub(crate) fn inverted(&self) -> Gray {
        Gray {
            w: self.w,
            h: self.h,
            px: self.px.iter().map(|&p| 255 - p).collect(),
        }
    }

    /// Values stretched so that the 1st and 99th percentiles become 0 and 255.
    pub(crate) fn stretched(&self) -> Gray {
        let hist = self.histogram();
        let total = self.px.len() as u64;
        let lo = percentile(&hist, total / 100);
        let hi = percentile(&hist, total - total / 100);
        let span = u32::from(hi.saturating_sub(lo)).max(1);
        let px = self
            .px
            .iter()
            .map(|&p| (u32::from(p.saturating_sub(lo)) * 255 / span).min(255) as u8)
            .collect();
        Gray {
            w: self.w,
            h: self.h,
            px,
        }
    }

    /// A box blur of radius `r` (a mild low-pass against noise and moiré).
    pub(crate) fn blurred(&self, r: usize) -> Gray {
        let ii = Integral::new(self);
        let px = (0..self.h)
            .flat_map(|y| (0..self.w).map(move |x| (x, y)))
            .map(|(x, y)| ii.mean(x, y, r) as u8)
            .collect();
        Gray {
            w: self.w,
            h: self.h,
            px,
        }
    }

    /// A 256-bin histogram of the pixel values.
    pub(crate) fn histogram(&self) -> [u64; 256] {
        let mut hist = [0u64; 256];
        for &p in &self.px {
            if let Some(b) = hist.get_mut(usize::from(p)) {
                *b += 1;
            }
        }
        hist
    }

    /// Binarised with one global threshold chosen by Otsu's method: `true` is dark.
    pub(crate) fn otsu(&self) -> Vec<bool> {
        let t = otsu_threshold(&self.histogram());
        self.px.iter().map(|&p| p <= t).collect()
    }

    /// Binarised with a local threshold: a pixel is dark when it is below the mean of the
    /// `(2r+1)^2` window around it by more than `bias` (out of 255).
    pub(crate) fn adaptive(&self, r: usize, bias: i32) -> Vec<bool> {
        let ii = Integral::new(self);
        let mut out = Vec::with_capacity(self.px.len());
        for y in 0..self.h {
            for x in 0..self.w {
                let mean = ii.mean(x, y, r) as i32;
                out.push(i32::from(self.at(x, y)) < mean - bias);
            }
        }
        out
    }
}

/// The value below which `rank` pixels lie.
fn percentile(hist: &[u64; 256], rank: u64) -> u8 {
    let mut acc = 0u64;
    for (v, &n) in hist.iter().enumerate() {
        acc += n;
        if acc > rank {
            return v as u8;
        }
    }
    255
}

/// Otsu's threshold over a histogram: the value maximising the between-class variance.
pub(crate) fn otsu_threshold(hist: &[u64]) -> u8 {
    let total: u64 = hist.iter().sum();
    let sum_all: f64 = hist.iter().enumerate().map(|(i, &n)| i as f64 * n as f64).sum();
    let (mut w0, mut sum0, mut best, mut best_t) = (0u64, 0.0f64, -1.0f64, 127u8);
    for (t, &n) in hist.iter().enumerate() {
        w0 += n;
        if w0 == 0 {
            continue;
        }
        let w1 = total - w0;
        if w1 == 0 {
            break;
        }
        sum0 += t as f64 * n as f64;
        let m0 = sum0 / w0 as f64;
        let m1 = (sum_all - sum0) / w1 as f64;
        let between = w0 as f64 * w1 as f64 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t.min(255) as u8;
        }
    }
    best_t
}

/// A summed-area table for constant-time window means.
#[derive(Debug)]
pub(crate) struct Integral {
    w: usize,
    h: usize,
    sums: Vec<u64>,
}

impl Integral {
    pub(crate) fn new(g: &Gray) -> Self {
        let (w, h) = (g.w, g.h);
        let mut sums = vec![0u64; (w + 1) * (h + 1)];
        for y in 0..h {
            let mut row = 0u64;
            for x in 0..w {
                row += u64::from(g.at(x, y));
                let above = sums.get(y * (w + 1) + x + 1).copied().unwrap_or(0);
                if let Some(s) = sums.get_mut((y + 1) * (w + 1) + x + 1) {
                    *s = above + row;
                }
            }
        }
        Self { w, h, sums }
    }

    fn at(&self, x: usize, y: usize) -> u64 {
        self.sums.get(y * (self.w + 1) + x).copied().unwrap_or(0)
    }

    /// The mean over the window of radius `r` around `(x, y)`, clipped to the image.
    pub(crate) fn mean(&self, x: usize, y: usize, r: usize) -> u64 {
        let x0 = x.saturating_sub(r);
        let y0 = y.saturating_sub(r);
        let x1 = (x + r + 1).min(self.w);
        let y1 = (y + r + 1).min(self.h);
        let area = ((x1 - x0) * (y1 - y0)).max(1) as u64;
        let s = self.at(x1, y1) + self.at(x0, y0) - self.at(x1, y0) - self.at(x0, y1);
        s / area
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otsu_splits_two_levels() {
        let g = Gray::new(4, 1, vec![10, 20, 200, 210]).unwrap();
        assert_eq!(g.otsu(), vec![true, true, false, false]);
    }

    #[test]
    fn downscale_averages_blocks() {
        let g = Gray::new(4, 2, vec![0, 2, 10, 10, 4, 6, 10, 10]).unwrap();
        assert_eq!(g.downscale(2).pixels(), &[3, 10]);
        let g = Gray::new(5, 3, (0..15).collect()).unwrap();
        assert_eq!(g.downscale(2).pixels(), &[3, 5]);
        assert_eq!(g.downscale(3).pixels(), &[6]);
    }

    #[test]
    fn integral_mean_matches_brute_force() {
        let px: Vec<u8> = (0..35u8).map(|i| i.wrapping_mul(37)).collect();
        let g = Gray::new(7, 5, px).unwrap();
        let ii = Integral::new(&g);
        let mut sum = 0u64;
        for y in 1..4 {
            for x in 2..5 {
                sum += u64::from(g.at(x, y));
            }
        }
        assert_eq!(ii.mean(3, 2, 1), sum / 9);
    }
}
