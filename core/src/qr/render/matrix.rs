//! The QR module matrix (through the `qrcode` crate) and plain QR images.

use qrcode::{Color, EcLevel, QrCode, Version};

use super::RenderError;

/// Modules of quiet zone around a symbol (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE: usize = 4;

/// A QR symbol: `width × width` modules, row by row, `true` for dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    version: u8,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Modules per side (without quiet zone).
    pub fn width(&self) -> usize {
        self.width
    }

    /// The QR version (1..=40).
    pub fn version(&self) -> u8 {
        self.version
    }

    /// Whether the module at column `x`, row `y` is dark (false outside the symbol).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }
}

/// The QR symbol of `text` at error-correction level Q (the `qrcode` crate picks the smallest version
/// and the densest modes; tokhai codes are all alphanumeric).
pub fn qr_matrix(text: &str) -> Result<QrMatrix, RenderError> {
    let code =
        QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q).map_err(|_| RenderError::TooLong)?;
    let version = match code.version() {
        Version::Normal(v) | Version::Micro(v) => u8::try_from(v).map_err(|_| RenderError::TooLong)?,
    };
    let dark = code.to_colors().into_iter().map(|c| c == Color::Dark).collect();
    Ok(QrMatrix {
        width: code.width(),
        version,
        dark,
    })
}

/// The QR version (1..=40) `text` needs at level Q.
pub fn qr_version(text: &str) -> Result<u8, RenderError> {
    qr_matrix(text).map(|m| m.version)
}

/// An SVG image of the QR code, one user unit per module, quiet zone included; scales to any size.
pub fn qr_svg(text: &str) -> Result<String, RenderError> {
    let m = qr_matrix(text)?;
    let size = m.width + 2 * QUIET_ZONE;
    let mut path = String::with_capacity(m.width * m.width * 4);
    for y in 0..m.width {
        let mut x = 0;
        while x < m.width {
            if m.is_dark(x, y) {
                let start = x;
                while x < m.width && m.is_dark(x, y) {
                    x += 1;
                }
                path.push_str(&format!(
                    "M{} {}h{}v1h-{}z",
                    start + QUIET_ZONE,
                    y + QUIET_ZONE,
                    x - start,
                    x - start
                ));
            } else {
                x += 1;
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>\n"
    ))
}

/// A PNG of the QR code, `module_px` pixels per module, quiet zone included.
pub fn qr_png(text: &str, module_px: u32) -> Result<Vec<u8>, RenderError> {
    if !(1..=100).contains(&module_px) {
        return Err(RenderError::Resolution);
    }
    let m = qr_matrix(text)?;
    let px = module_px as usize;
    let side = (m.width + 2 * QUIET_ZONE) * px;
    let mut pixels = vec![255u8; side * side];
    for (i, p) in pixels.iter_mut().enumerate() {
        let (x, y) = ((i % side) / px, (i / side) / px);
        if x >= QUIET_ZONE && y >= QUIET_ZONE && m.is_dark(x - QUIET_ZONE, y - QUIET_ZONE) {
            *p = 0;
        }
    }
    super::raster::encode_png(side, side, pixels)
}
