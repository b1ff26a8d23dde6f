//! Plane geometry for grid sampling: points and homographies (perspective transforms).
//!
//! A `Homography` maps QR module coordinates `(u, v)` (origin at the outer corner of the top-left finder, one
//! unit per module) to image pixel coordinates `(x, y)`.

/// A point in floating-point pixel (or module) coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Pt {
    pub(crate) x: f64,
    pub(crate) y: f64,
}

impl Pt {
    pub(crate) const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }

    pub(crate) fn dist(self, o: Pt) -> f64 {
        ((self.x - o.x).powi(2) + (self.y - o.y).powi(2)).sqrt()
    }
}

/// A 3x3 projective transform with `m[8] == 1`, mapping `(u, v)` to `(x, y)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Homography {
    m: [f64; 9],
}

impl Homography {
    /// The transform mapping the unit-free square `(0,0),(s,0),(s,s),(0,s)` onto the quadrilateral `q`
    /// (in that order). `None` when the quadrilateral is degenerate.
    pub(crate) fn square_to_quad(s: f64, q: [Pt; 4]) -> Option<Self> {
        let [p0, p1, p2, p3] = q;
        // Heckbert's closed form for the unit square, then scale u and v by 1/s.
        let dx1 = p1.x - p2.x;
        let dx2 = p3.x - p2.x;
        let dy1 = p1.y - p2.y;
        let dy2 = p3.y - p2.y;
        let sx = p0.x - p1.x + p2.x - p3.x;
        let sy = p0.y - p1.y + p2.y - p3.y;
        let den = dx1 * dy2 - dx2 * dy1;
        if den.abs() < 1e-9 || !s.is_finite() || s <= 0.0 {
            return None;
        }
        let g = (sx * dy2 - dx2 * sy) / den;
        let h = (dx1 * sy - sx * dy1) / den;
        let a = p1.x - p0.x + g * p1.x;
        let b = p3.x - p0.x + h * p3.x;
        let d = p1.y - p0.y + g * p1.y;
        let e = p3.y - p0.y + h * p3.y;
        let m = [a / s, b / s, p0.x, d / s, e / s, p0.y, g / s, h / s, 1.0];
        m.iter().all(|v| v.is_finite()).then_some(Self { m })
    }

    /// Maps module coordinates to pixel coordinates.
    pub(crate) fn map(&self, u: f64, v: f64) -> Pt {
        let [a, b, c, d, e, f, g, h, i] = self.m;
        let w = g * u + h * v + i;
        let w = if w.abs() < 1e-12 { 1e-12 } else { w };
        Pt::new((a * u + b * v + c) / w, (d * u + e * v + f) / w)
    }

    /// The approximate size of one module, in pixels, around module point `(u, v)`.
    pub(crate) fn module_size_at(&self, u: f64, v: f64) -> f64 {
        let p = self.map(u, v);
        let px = self.map(u + 1.0, v);
        let py = self.map(u, v + 1.0);
        (p.dist(px) + p.dist(py)) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_to_quad_maps_corners() {
        let q = [
            Pt::new(10.0, 20.0),
            Pt::new(110.0, 25.0),
            Pt::new(120.0, 130.0),
            Pt::new(5.0, 118.0),
        ];
        let h = Homography::square_to_quad(25.0, q).unwrap();
        for (p, (u, v)) in q.iter().zip([(0.0, 0.0), (25.0, 0.0), (25.0, 25.0), (0.0, 25.0)]) {
            assert!(h.map(u, v).dist(*p) < 1e-6);
        }
    }

    #[test]
    fn degenerate_quad_is_refused() {
        let p = Pt::new(1.0, 1.0);
        assert!(Homography::square_to_quad(10.0, [p, p, p, p]).is_none());
    }
}
