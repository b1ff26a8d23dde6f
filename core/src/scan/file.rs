//! Image files (JPEG, PNG): decoding to grayscale, EXIF orientation, and mapping corners back to the
//! file's raw pixel coordinates.

use std::io::Cursor;
use std::path::Path;
use std::time::Instant;

use image::{ImageFormat, ImageReader, Limits};

use super::contain::contained;
use super::error::ScanError;
use super::geometry::Pt;
use super::gray::Gray;
use super::input::{MAX_PIXELS, MAX_SIDE, check_dims};
use super::pipeline::{ScanOptions, ScannedCode, scan_gray};

/// The result of scanning one image file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageScan {
    /// Every code found, corners in the file's raw pixel coordinates (EXIF orientation not applied).
    pub codes: Vec<ScannedCode>,
    /// Milliseconds spent decoding, after the file was loaded and converted to grayscale.
    pub decode_ms: f64,
    /// The EXIF orientation (1..=8) the image was decoded in; 1 when absent.
    pub orientation: u8,
    /// Raw width and height of the image in pixels.
    pub size: (u32, u32),
}

/// Scans an image file (JPEG or PNG).
pub fn scan_image_file(path: &Path, opts: &ScanOptions) -> Result<ImageScan, ScanError> {
    let bytes = std::fs::read(path).map_err(|e| ScanError::Io(e.kind()))?;
    scan_image_bytes(&bytes, opts)
}

/// Scans an encoded image (JPEG or PNG) held in memory.
pub fn scan_image_bytes(bytes: &[u8], opts: &ScanOptions) -> Result<ImageScan, ScanError> {
    let (raw, orientation) = load_gray(bytes)?;
    let upright = orient(&raw, orientation);
    let t = Instant::now();
    let mut codes = scan_gray(&upright, opts);
    let decode_ms = t.elapsed().as_secs_f64() * 1000.0;
    let (w, h) = (raw.width() as f64, raw.height() as f64);
    for c in &mut codes {
        for p in &mut c.corners {
            let r = raw_from_display(orientation, w, h, Pt::new(f64::from(p[0]), f64::from(p[1])));
            *p = [r.x as f32, r.y as f32];
        }
    }
    let size = (
        u32::try_from(raw.width()).unwrap_or(0),
        u32::try_from(raw.height()).unwrap_or(0),
    );
    Ok(ImageScan {
        codes,
        decode_ms,
        orientation,
        size,
    })
}

/// Decodes JPEG or PNG bytes to grayscale, with the EXIF orientation (1 when absent or invalid).
pub(crate) fn load_gray(bytes: &[u8]) -> Result<(Gray, u8), ScanError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ScanError::UndecodableImage)?;
    match reader.format() {
        Some(ImageFormat::Png | ImageFormat::Jpeg) => {}
        Some(_) => return Err(ScanError::UnsupportedFormat),
        None => return Err(ScanError::UndecodableImage),
    }
    let (w, h) = reader
        .into_dimensions()
        .map_err(|_| ScanError::UndecodableImage)?;
    check_dims(w as usize, h as usize)?;
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ScanError::UndecodableImage)?;
    let mut limits = Limits::default();
    limits.max_image_width = u32::try_from(MAX_SIDE).ok();
    limits.max_image_height = u32::try_from(MAX_SIDE).ok();
    limits.max_alloc = Some((MAX_PIXELS as u64) * 8);
    reader.limits(limits);
    let decoded = contained(|| reader.decode()).ok_or(ScanError::UndecodableImage)?;
    let luma = decoded.map_err(|_| ScanError::UndecodableImage)?.into_luma8();
    let (w, h) = (luma.width() as usize, luma.height() as usize);
    let gray = Gray::new(w, h, luma.into_raw()).ok_or(ScanError::UndecodableImage)?;
    Ok((gray, exif_orientation(bytes)))
}

/// The EXIF orientation tag, 1 when missing or out of range.
fn exif_orientation(bytes: &[u8]) -> u8 {
    let read = contained(|| exif::Reader::new().read_from_container(&mut Cursor::new(bytes)));
    let Some(Ok(data)) = read else { return 1 };
    data.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u8::try_from(v).ok())
        .filter(|v| (1..=8).contains(v))
        .unwrap_or(1)
}

/// Whether an orientation swaps width and height.
fn swaps(orientation: u8) -> bool {
    (5..=8).contains(&orientation)
}

/// Maps a point of the upright (displayed) image to the raw image of size `w` x `h`.
pub(crate) fn raw_from_display(orientation: u8, w: f64, h: f64, p: Pt) -> Pt {
    let (x, y) = (p.x, p.y);
    match orientation {
        2 => Pt::new(w - x, y),
        3 => Pt::new(w - x, h - y),
        4 => Pt::new(x, h - y),
        5 => Pt::new(y, x),
        6 => Pt::new(y, h - x),
        7 => Pt::new(w - y, h - x),
        8 => Pt::new(w - y, x),
        _ => p,
    }
}

/// The upright image for an orientation.
pub(crate) fn orient(raw: &Gray, orientation: u8) -> Gray {
    if !(2..=8).contains(&orientation) {
        return raw.clone();
    }
    let (w, h) = (raw.width(), raw.height());
    let (dw, dh) = if swaps(orientation) { (h, w) } else { (w, h) };
    let mut px = Vec::with_capacity(w * h);
    for y in 0..dh {
        for x in 0..dw {
            let r = raw_from_display(
                orientation,
                w as f64,
                h as f64,
                Pt::new(x as f64 + 0.5, y as f64 + 0.5),
            );
            px.push(raw.at(r.x.max(0.0) as usize, r.y.max(0.0) as usize));
        }
    }
    Gray::new(dw, dh, px).unwrap_or_else(|| raw.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orientation_round_trip_on_pixels() {
        // 3x2 raw image; every orientation's upright image maps each pixel back to its raw source.
        let raw = Gray::new(3, 2, vec![1, 2, 3, 4, 5, 6]).unwrap();
        for o in 1..=8u8 {
            let up = orient(&raw, o);
            for y in 0..up.height() {
                for x in 0..up.width() {
                    let r = raw_from_display(o, 3.0, 2.0, Pt::new(x as f64 + 0.5, y as f64 + 0.5));
                    assert_eq!(up.at(x, y), raw.at(r.x as usize, r.y as usize));
                }
            }
        }
        assert_eq!(orient(&raw, 6).pixels(), &[4, 1, 5, 2, 6, 3]);
        assert_eq!(orient(&raw, 8).pixels(), &[3, 6, 2, 5, 1, 4]);
    }

    #[test]
    fn garbage_is_undecodable() {
        assert_eq!(
            load_gray(b"not an image").unwrap_err(),
            ScanError::UndecodableImage
        );
        let png_head = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(load_gray(png_head).unwrap_err(), ScanError::UndecodableImage);
    }
}
