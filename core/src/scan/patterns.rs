//! What every QR code looks like regardless of its content: finder, separator, timing and alignment
//! patterns. The grid fitter scores a candidate geometry by how well the image matches these modules.

/// The module size of a version (1..=40).
pub(crate) const fn size_of_version(v: usize) -> usize {
    17 + 4 * v
}

/// The version of a grid size, if it is a valid QR size.
pub(crate) fn version_of_size(s: usize) -> Option<usize> {
    ((21..=177).contains(&s) && (s - 17).is_multiple_of(4)).then(|| (s - 17) / 4)
}

/// Centre coordinates (module index) of the alignment patterns of a version, per axis (ISO 18004 Annex E).
pub(crate) fn alignment_positions(version: usize) -> Vec<usize> {
    if !(2..=40).contains(&version) {
        return Vec::new();
    }
    let size = size_of_version(version);
    let n = version / 7 + 2;
    let step = if version == 32 {
        26
    } else {
        (version * 4 + n * 2 + 1) / (n * 2 - 2) * 2
    };
    let mut out = vec![6usize];
    let mut tail: Vec<usize> = (0..n - 1).map(|i| size - 7 - i * step).collect();
    tail.reverse();
    out.extend(tail);
    out
}

/// Centres of the alignment patterns that exist (those not overlapping a finder pattern).
pub(crate) fn alignment_centres(version: usize) -> Vec<(usize, usize)> {
    let pos = alignment_positions(version);
    let Some(&last) = pos.last() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for &y in &pos {
        for &x in &pos {
            let top_left = x == 6 && y == 6;
            let top_right = x == last && y == 6;
            let bottom_left = x == 6 && y == last;
            let on_finder = top_left || top_right || bottom_left;
            if !on_finder {
                out.push((x, y));
            }
        }
    }
    out
}

/// One module whose colour is known in advance: `(column, row, dark)`.
pub(crate) type Known = (u16, u16, bool);

/// The known modules of a grid of `size` modules: three finders with their separators, the two timing
/// patterns and every alignment pattern.
pub(crate) fn known_modules(size: usize) -> Vec<Known> {
    let mut out = Vec::with_capacity(3 * 64 + 2 * size + 25 * 50);
    let s = size as i32;
    for (ox, oy) in [(0i32, 0i32), (s - 7, 0), (0, s - 7)] {
        for dy in -1..=7i32 {
            for dx in -1..=7i32 {
                let (x, y) = (ox + dx, oy + dy);
                if x < 0 || y < 0 || x >= s || y >= s {
                    continue;
                }
                let ring = dx.min(dy).min(6 - dx).min(6 - dy);
                let dark = ring == 0 || ring >= 2;
                out.push((x as u16, y as u16, dark));
            }
        }
    }
    for i in 8..size.saturating_sub(8) {
        out.push((i as u16, 6, i % 2 == 0));
        out.push((6, i as u16, i % 2 == 0));
    }
    if let Some(v) = version_of_size(size) {
        for (cx, cy) in alignment_centres(v) {
            for dy in -2..=2i32 {
                for dx in -2..=2i32 {
                    let ring = dx.abs().max(dy.abs());
                    out.push(((cx as i32 + dx) as u16, (cy as i32 + dy) as u16, ring != 1));
                }
            }
        }
    }
    out
}

/// The function-module mask of a grid (row-major, `true` = not a data module).
pub(crate) fn function_mask(size: usize) -> Vec<bool> {
    let mut mask = vec![false; size * size];
    let s = size;
    for y in 0..s {
        for x in 0..s {
            let finders = (x < 9 || x + 8 >= s) && y < 9 || x < 9 && y + 8 >= s;
            let fixed = finders || x == 6 || y == 6;
            if let Some(m) = mask.get_mut(y * s + x) {
                *m = fixed;
            }
        }
    }
    if let Some(v) = version_of_size(size) {
        if v >= 7 {
            for a in 0..6 {
                for b in s - 11..s - 8 {
                    for idx in [a * s + b, b * s + a] {
                        if let Some(m) = mask.get_mut(idx) {
                            *m = true;
                        }
                    }
                }
            }
        }
        for (cx, cy) in alignment_centres(v) {
            for y in cy.saturating_sub(2)..=cy + 2 {
                for x in cx.saturating_sub(2)..=cx + 2 {
                    if let Some(m) = mask.get_mut(y * s + x) {
                        *m = true;
                    }
                }
            }
        }
    }
    mask
}

/// Whether module `(x, y)` belongs to a function pattern or format/version area (not data).
#[cfg(test)]
pub(crate) fn is_function_module(size: usize, x: usize, y: usize) -> bool {
    let s = size;
    let finders = (x < 9 || x >= s - 8) && y < 9 || x < 9 && y >= s - 8;
    if finders || x == 6 || y == 6 {
        return true;
    }
    if let Some(v) = version_of_size(size) {
        if v >= 7 && ((x >= s - 11 && y < 6) || (y >= s - 11 && x < 6)) {
            return true;
        }
        return alignment_centres(v)
            .iter()
            .any(|&(cx, cy)| x.abs_diff(cx) <= 2 && y.abs_diff(cy) <= 2);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_table_matches_the_standard() {
        assert_eq!(alignment_positions(1), Vec::<usize>::new());
        assert_eq!(alignment_positions(2), vec![6, 18]);
        assert_eq!(alignment_positions(7), vec![6, 22, 38]);
        assert_eq!(alignment_positions(15), vec![6, 26, 48, 70]);
        assert_eq!(alignment_positions(32), vec![6, 34, 60, 86, 112, 138]);
        assert_eq!(alignment_positions(36), vec![6, 24, 50, 76, 102, 128, 154]);
        assert_eq!(alignment_positions(40), vec![6, 30, 58, 86, 114, 142, 170]);
    }

    #[test]
    fn function_mask_agrees_with_the_predicate() {
        for v in [1, 2, 7, 14, 40] {
            let s = size_of_version(v);
            let m = function_mask(s);
            for y in 0..s {
                for x in 0..s {
                    assert_eq!(m[y * s + x], is_function_module(s, x, y), "v{v} ({x},{y})");
                }
            }
            // Data modules: 8 * codewords plus remainder bits (0, 3, 4 or 7).
            let data = m.iter().filter(|f| !**f).count();
            assert!(
                data >= 8 * crate::scan::rs::total_codewords(v)
                    && data - 8 * crate::scan::rs::total_codewords(v) <= 7
            );
        }
    }

    #[test]
    fn known_modules_of_version_1() {
        let k = known_modules(21);
        // Finder centre dark, first ring dark, second ring light, separator light.
        assert!(k.contains(&(3, 3, true)));
        assert!(k.contains(&(0, 0, true)));
        assert!(k.contains(&(1, 1, false)));
        assert!(k.contains(&(7, 7, false)));
        assert!(k.contains(&(8, 6, true)));
        assert!(k.contains(&(9, 6, false)));
    }
}
