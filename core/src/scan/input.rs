//! Inputs: grayscale frames with a stride, camera/webview frames in common pixel formats, and their
//! conversion to one packed grayscale image (validated: never a panic on bad sizes).

use super::error::ScanError;
use super::gray::Gray;

/// Largest accepted side, in pixels.
pub const MAX_SIDE: usize = 16_384;
/// Largest accepted pixel count (about 64 megapixels).
pub const MAX_PIXELS: usize = 64 * 1024 * 1024;

/// A borrowed 8-bit grayscale frame: `height` rows of `width` pixels, rows `stride` bytes apart.
#[derive(Debug, Clone, Copy)]
pub struct GrayFrame<'a> {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Bytes from the start of one row to the next (at least `width`).
    pub stride: usize,
    /// The pixels; the last row needs only `width` bytes.
    pub data: &'a [u8],
}

/// Pixel layouts of camera and webview frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PixelFormat {
    /// 4 bytes per pixel, R G B A (a canvas `ImageData` from `getUserMedia`).
    Rgba,
    /// 4 bytes per pixel, B G R A.
    Bgra,
    /// 3 bytes per pixel, R G B.
    Rgb,
    /// Android camera default: full-resolution Y plane, then interleaved V/U at half resolution.
    Nv21,
    /// Y plane, then interleaved U/V at half resolution.
    Nv12,
    /// Y plane, then U and V planes at half resolution.
    I420,
    /// 1 byte per pixel.
    Gray8,
}

impl PixelFormat {
    /// Bytes per pixel of packed formats; `None` for planar YUV.
    const fn packed_bpp(self) -> Option<usize> {
        match self {
            Self::Rgba | Self::Bgra => Some(4),
            Self::Rgb => Some(3),
            Self::Gray8 => Some(1),
            Self::Nv21 | Self::Nv12 | Self::I420 => None,
        }
    }
}

/// Checks dimensions against the limits.
pub(crate) fn check_dims(width: usize, height: usize) -> Result<usize, ScanError> {
    if width == 0 || height == 0 {
        return Err(ScanError::ZeroDimension { width, height });
    }
    let pixels = width.saturating_mul(height);
    if width > MAX_SIDE || height > MAX_SIDE || pixels > MAX_PIXELS {
        return Err(ScanError::TooLarge {
            width,
            height,
            max_side: MAX_SIDE,
            max_pixels: MAX_PIXELS,
        });
    }
    Ok(pixels)
}

/// Bytes needed for `rows` rows of `row_bytes` bytes `stride` apart (the last row needs no padding).
fn needed(stride: usize, row_bytes: usize, rows: usize) -> usize {
    stride
        .saturating_mul(rows.saturating_sub(1))
        .saturating_add(row_bytes)
}

impl GrayFrame<'_> {
    /// A packed copy of the frame, after validation.
    pub(crate) fn to_gray(self) -> Result<Gray, ScanError> {
        check_dims(self.width, self.height)?;
        if self.stride < self.width {
            return Err(ScanError::StrideTooSmall {
                stride: self.stride,
                row_bytes: self.width,
            });
        }
        let need = needed(self.stride, self.width, self.height);
        if self.data.len() < need {
            return Err(ScanError::BufferTooShort {
                len: self.data.len(),
                needed: need,
            });
        }
        let mut px = Vec::with_capacity(self.width * self.height);
        for y in 0..self.height {
            let start = y * self.stride;
            let row = self
                .data
                .get(start..start + self.width)
                .ok_or(ScanError::BufferTooShort {
                    len: self.data.len(),
                    needed: need,
                })?;
            px.extend_from_slice(row);
        }
        Gray::new(self.width, self.height, px).ok_or(ScanError::ZeroDimension {
            width: self.width,
            height: self.height,
        })
    }
}

/// Luma (ITU-R BT.601 weights, integer) of one RGB pixel.
#[inline]
pub(crate) fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b) + 128) >> 8) as u8
}

/// Converts a frame of `format` (packed rows `stride` bytes apart; for YUV formats `stride` is the Y
/// plane's stride and the chroma planes follow the Y plane tightly) to grayscale.
pub(crate) fn frame_to_gray(
    data: &[u8],
    width: usize,
    height: usize,
    stride: usize,
    format: PixelFormat,
) -> Result<Gray, ScanError> {
    check_dims(width, height)?;
    let bpp = format.packed_bpp().unwrap_or(1);
    let row_bytes = width.saturating_mul(bpp);
    if stride < row_bytes {
        return Err(ScanError::StrideTooSmall { stride, row_bytes });
    }
    let need = match format.packed_bpp() {
        Some(_) => needed(stride, row_bytes, height),
        None => {
            // Y plane plus two chroma planes of ceil(w/2) x ceil(h/2) samples.
            let chroma = width
                .div_ceil(2)
                .saturating_mul(height.div_ceil(2))
                .saturating_mul(2);
            stride.saturating_mul(height).saturating_add(chroma)
        }
    };
    if data.len() < need {
        return Err(ScanError::BufferTooShort {
            len: data.len(),
            needed: need,
        });
    }
    // For YUV the luma plane is the image: chroma is ignored.
    let mut px = Vec::with_capacity(width * height);
    for y in 0..height {
        let start = y * stride;
        let row = data
            .get(start..start + row_bytes)
            .ok_or(ScanError::BufferTooShort {
                len: data.len(),
                needed: need,
            })?;
        match format {
            PixelFormat::Rgba => px.extend(row.chunks_exact(4).map(|c| rgb_of(c, 0, 1, 2))),
            PixelFormat::Bgra => px.extend(row.chunks_exact(4).map(|c| rgb_of(c, 2, 1, 0))),
            PixelFormat::Rgb => px.extend(row.chunks_exact(3).map(|c| rgb_of(c, 0, 1, 2))),
            PixelFormat::Gray8 | PixelFormat::Nv21 | PixelFormat::Nv12 | PixelFormat::I420 => {
                px.extend_from_slice(row)
            }
        }
    }
    Gray::new(width, height, px).ok_or(ScanError::ZeroDimension { width, height })
}

fn rgb_of(c: &[u8], r: usize, g: usize, b: usize) -> u8 {
    let at = |i: usize| c.get(i).copied().unwrap_or(0);
    luma(at(r), at(g), at(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stride_and_length_are_checked() {
        let data = [0u8; 10];
        let f = GrayFrame {
            width: 4,
            height: 3,
            stride: 3,
            data: &data,
        };
        assert!(matches!(f.to_gray(), Err(ScanError::StrideTooSmall { .. })));
        let f = GrayFrame {
            width: 4,
            height: 3,
            stride: 5,
            data: &data,
        };
        assert!(matches!(
            f.to_gray(),
            Err(ScanError::BufferTooShort { len: 10, needed: 14 })
        ));
        let f = GrayFrame {
            width: 0,
            height: 3,
            stride: 5,
            data: &data,
        };
        assert!(matches!(f.to_gray(), Err(ScanError::ZeroDimension { .. })));
        let f = GrayFrame {
            width: 1 << 20,
            height: 1 << 20,
            stride: 1 << 20,
            data: &data,
        };
        assert!(matches!(f.to_gray(), Err(ScanError::TooLarge { .. })));
    }

    #[test]
    fn strided_frame_is_packed() {
        let data = [1u8, 2, 99, 3, 4];
        let g = GrayFrame {
            width: 2,
            height: 2,
            stride: 3,
            data: &data,
        }
        .to_gray()
        .unwrap();
        assert_eq!(g.pixels(), &[1, 2, 3, 4]);
    }

    #[test]
    fn pixel_formats_convert() {
        let rgba = [255u8, 255, 255, 0, 0, 0, 0, 255];
        let g = frame_to_gray(&rgba, 2, 1, 8, PixelFormat::Rgba).unwrap();
        assert_eq!(g.pixels(), &[255, 0]);
        let bgra = [0u8, 0, 255, 0];
        let g = frame_to_gray(&bgra, 1, 1, 4, PixelFormat::Bgra).unwrap();
        assert_eq!(g.pixels(), &[luma(255, 0, 0)]);
        // NV21 2x2: four Y bytes then one V/U pair.
        let nv21 = [10u8, 20, 30, 40, 128, 128];
        let g = frame_to_gray(&nv21, 2, 2, 2, PixelFormat::Nv21).unwrap();
        assert_eq!(g.pixels(), &[10, 20, 30, 40]);
        assert!(matches!(
            frame_to_gray(&nv21[..5], 2, 2, 2, PixelFormat::I420),
            Err(ScanError::BufferTooShort { .. })
        ));
    }
}
