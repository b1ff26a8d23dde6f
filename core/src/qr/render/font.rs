//! The embedded fonts: DejaVu Sans and DejaVu Sans Bold, subset to Latin and every Vietnamese letter
//! (see `core/data/fonts/README.md`). Text is NFC-normalised first, so each Vietnamese letter is one
//! precomposed glyph and no mark positioning is needed.

use ab_glyph::{Font, FontRef, GlyphId};
use unicode_normalization::UnicodeNormalization;

use super::RenderError;

/// DejaVu Sans, subset (TrueType).
pub const REGULAR: &[u8] = include_bytes!("../../../data/fonts/DejaVuSans-vi.ttf");
/// DejaVu Sans Bold, subset (TrueType).
pub const BOLD: &[u8] = include_bytes!("../../../data/fonts/DejaVuSans-Bold-vi.ttf");

/// Which face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

/// Both faces, parsed.
#[derive(Debug)]
pub(crate) struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

/// One glyph placed on a line: its id and its pen position in em from the line start.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed {
    pub(crate) id: GlyphId,
    pub(crate) x_em: f32,
}

impl Fonts {
    pub(crate) fn load() -> Result<Self, RenderError> {
        Ok(Self {
            regular: FontRef::try_from_slice(REGULAR).map_err(|_| RenderError::Font)?,
            bold: FontRef::try_from_slice(BOLD).map_err(|_| RenderError::Font)?,
        })
    }

    pub(crate) fn face(&self, face: Face) -> &FontRef<'static> {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    /// Glyphs of one line, with kerning; and the line's advance width in em.
    pub(crate) fn shape(&self, face: Face, text: &str) -> (Vec<Placed>, f32) {
        let font = self.face(face);
        let upem = font.units_per_em().unwrap_or(2048.0);
        let mut out = Vec::with_capacity(text.len());
        let mut x = 0.0;
        let mut prev: Option<GlyphId> = None;
        for c in text.nfc() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                x += font.kern_unscaled(p, id) / upem;
            }
            out.push(Placed { id, x_em: x });
            x += font.h_advance_unscaled(id) / upem;
            prev = Some(id);
        }
        (out, x)
    }

    /// Advance width of a line in em.
    pub(crate) fn width_em(&self, face: Face, text: &str) -> f32 {
        self.shape(face, text).1
    }

    /// Breaks `text` into lines no wider than `max_em` (in em of the font size), at spaces; a word
    /// wider than a line is cut. At most `max_lines` lines: the last one ends with "…" if text is left.
    pub(crate) fn wrap(&self, face: Face, text: &str, max_em: f32, max_lines: usize) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        for word in text.split_whitespace() {
            let candidate = if current.is_empty() {
                word.to_owned()
            } else {
                format!("{current} {word}")
            };
            if self.width_em(face, &candidate) <= max_em {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            current = word.to_owned();
            while self.width_em(face, &current) > max_em && current.chars().count() > 1 {
                let cut = self.fit_prefix(face, &current, max_em);
                lines.push(current.chars().take(cut).collect());
                current = current.chars().skip(cut).collect();
            }
        }
        if !current.is_empty() {
            lines.push(current);
        }
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                let mut s = format!("{last}…");
                while self.width_em(face, &s) > max_em && s.chars().count() > 1 {
                    let mut chars: Vec<char> = s.chars().collect();
                    chars.truncate(chars.len().saturating_sub(2));
                    s = chars.into_iter().collect::<String>().trim_end().to_owned() + "…";
                }
                *last = s;
            }
        }
        lines
    }

    /// How many leading characters of `s` fit in `max_em` (at least 1).
    fn fit_prefix(&self, face: Face, s: &str, max_em: f32) -> usize {
        let n = s.chars().count();
        (1..=n)
            .rev()
            .find(|&k| self.width_em(face, &s.chars().take(k).collect::<String>()) <= max_em)
            .unwrap_or(1)
    }
}
