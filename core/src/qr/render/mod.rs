//! Rendering (feature `render`): QR images as SVG and PNG, the A4 checkpoint poster and the personal
//! QR card, each as PDF (vector: modules as rectangles, text as glyph outlines) and PNG. Posters use EC
//! level Q. Text is set in DejaVu Sans (subset with every Vietnamese letter, `core/data/fonts/`).
//!
//! - `matrix.rs`: the QR module matrix, `qr_svg`, `qr_png`, `qr_version`.
//! - `font.rs`: the embedded fonts, text measuring and word wrapping.
//! - `layout.rs`: the poster and card layouts, as page-independent drawing operations in millimetres.
//! - `raster.rs`: operations → grey pixels → PNG; `pdf.rs`: operations → PDF.

mod font;
mod layout;
mod matrix;
mod pdf;
mod raster;
#[cfg(test)]
mod tests;

use thiserror::Error;

use crate::i18n::{Localized, Msg};

use super::payload::{CheckpointCode, PersonalCode};

/// The embedded TrueType fonts, for other renderers (the server's captcha draws some of its glyphs with them).
pub use font::{BOLD as FONT_SANS_BOLD, REGULAR as FONT_SANS};
pub use layout::PosterText;
pub use matrix::{QUIET_ZONE, QrMatrix, qr_matrix, qr_png, qr_svg, qr_version};

/// Why an image or a document could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum RenderError {
    /// The text does not fit in a QR code.
    #[error("text too long for a QR code")]
    TooLong,
    /// A resolution outside 50..=1200 dpi, or a module size outside 1..=100 px.
    #[error("resolution out of range")]
    Resolution,
    /// The embedded font could not be read (a build defect).
    #[error("embedded font unreadable")]
    Font,
    /// The PNG encoder failed.
    #[error("PNG encoding failed")]
    Png,
}

impl Localized for RenderError {
    fn code(&self) -> &'static str {
        match self {
            Self::TooLong => "render_too_long",
            Self::Resolution => "render_resolution",
            Self::Font => "render_font",
            Self::Png => "render_png",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::TooLong => Msg::new(
                "Nội dung quá dài để tạo mã QR.",
                "The content is too long for a QR code.",
            ),
            Self::Resolution => Msg::new("Độ phân giải không hợp lệ.", "The resolution is out of range."),
            Self::Font | Self::Png => Msg::new("Không tạo được hình ảnh.", "The image could not be made."),
        }
    }
}

fn check_dpi(dpi: u32) -> Result<f32, RenderError> {
    if (50..=1200).contains(&dpi) {
        Ok(dpi as f32)
    } else {
        Err(RenderError::Resolution)
    }
}

/// The A4 poster of a checkpoint code as a one-page PDF.
pub fn poster_pdf(code: &CheckpointCode, text: &PosterText) -> Result<Vec<u8>, RenderError> {
    let page = layout::poster(code, text)?;
    pdf::render(&page, "tokhai poster")
}

/// The A4 poster of a checkpoint code as a PNG at `dpi` (150 is a good screen/preview value).
pub fn poster_png(code: &CheckpointCode, text: &PosterText, dpi: u32) -> Result<Vec<u8>, RenderError> {
    let page = layout::poster(code, text)?;
    raster::png(&page, check_dpi(dpi)?)
}

/// The personal QR card (ID-1 size, 85.6 × 54 mm) as a one-page PDF, for people without a smartphone.
pub fn personal_card_pdf(code: &PersonalCode) -> Result<Vec<u8>, RenderError> {
    let page = layout::card(code)?;
    pdf::render(&page, "tokhai personal QR card")
}

/// The personal QR card as a PNG at `dpi` (300 for printing).
pub fn personal_card_png(code: &PersonalCode, dpi: u32) -> Result<Vec<u8>, RenderError> {
    let page = layout::card(code)?;
    raster::png(&page, check_dpi(dpi)?)
}
