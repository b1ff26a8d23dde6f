//! Reading QR codes from photographs and camera frames (feature `scan`).
//!
//! rqrr finds and decodes codes; around it sit a pre-processing ladder, our own grid re-fit and
//! re-sampling, panic containment and a time budget. `docs/adr/0005-qr-decoding-pipeline.md` explains
//! the design and `docs/benchmarks.md` its measured figures.
//!
//! - `input.rs`: grayscale frames with a stride, pixel formats of cameras and webviews, validation.
//! - `file.rs`: JPEG/PNG files, EXIF orientation, corners in raw file coordinates.
//! - `pipeline.rs`: the ladder of rungs, deduplication, the public result types.
//! - `grid.rs`: our grid fitter and module sampler, feeding rqrr's decoder.
//! - `refit.rs`: one located grid re-fitted (neighbouring sizes, best fit first) and re-sampled.
//! - `locate.rs`: our own finder-pattern locator (fast threshold, 1:1:3:1:1 runs, triples).
//! - `patterns.rs`: the function patterns every QR code has (finders, timing, alignment).
//! - `geometry.rs`: homographies. `gray.rs`: the grayscale image and thresholding.
//! - `data.rs`, `rs.rs`: our own codeword reading, Reed-Solomon and segment parser (ECI, Hanzi, ...),
//!   used after rqrr's decoder.
//! - `read.rs`: decoding one decided grid (rqrr, then our reader).
//! - `text.rs`: UTF-8, Shift_JIS, Latin-1 and ECI.
//! - `budget.rs`: the deterministic work allowance and wall-clock backstop, and the share of both set
//!   aside for the fallback.
//! - `contain.rs`: turning rqrr's panics into misses, silently.
//! - `report.rs`: the JSON line of `tokhai scan --json`.
//! - `stream.rs`: the live-stream helper (worker thread, latest-frame slot).
//! - `camera.rs` (feature `camera`): a desktop camera frame source through nokhwa.
//! - `pyramid.rs`: the levels a large photo is scanned at (the ladder on a working level of at most
//!   1280x960, finer levels climbed by our locator only while finder candidates remain unexplained).
//! - `fallback.rs` (feature `scan-zxing`, or `scan-rxing`): zxing-cpp (or rxing) after the ladder, when
//!   it left something unread; its work is set aside before the ladder starts, so a ladder that used up
//!   the allowance still leaves it its turn.
//! - `error.rs`: the boundary error.

mod budget;
#[cfg(feature = "camera")]
mod camera;
mod contain;
mod data;
mod error;
#[cfg(any(feature = "scan-rxing", feature = "scan-zxing"))]
mod fallback;
mod file;
mod geometry;
mod gray;
mod grid;
mod input;
mod locate;
mod patterns;
mod pipeline;
mod pyramid;
mod read;
mod refit;
mod report;
mod rs;
mod stream;
mod text;

#[cfg(test)]
mod tests;

#[cfg(feature = "camera")]
pub use camera::{CameraDevice, CameraError, DesktopCamera, list_cameras};
pub use error::ScanError;
pub use file::{ImageScan, scan_image_bytes, scan_image_file};
pub use input::{GrayFrame, MAX_PIXELS, MAX_SIDE, PixelFormat};
pub use pipeline::{DEFAULT_EFFORT, Ecc, Rung, ScanMode, ScanOptions, ScannedCode};
pub use report::{ReportCode, ScanReport};
pub use stream::{Frame, LiveScanner, StreamEvent, StreamStats, Submitted};
pub use text::Charset;

/// Scans a grayscale frame for every QR code in it.
pub fn scan_gray_frame(frame: GrayFrame<'_>, opts: &ScanOptions) -> Result<Vec<ScannedCode>, ScanError> {
    let gray = frame.to_gray()?;
    Ok(pipeline::scan_gray(&gray, opts))
}

/// Scans a camera or webview frame: `data` holds `height` rows `stride` bytes apart in `format` (for YUV
/// formats `stride` is the luma plane's, and the chroma planes follow it).
pub fn scan_pixels(
    data: &[u8],
    width: usize,
    height: usize,
    stride: usize,
    format: PixelFormat,
    opts: &ScanOptions,
) -> Result<Vec<ScannedCode>, ScanError> {
    let gray = input::frame_to_gray(data, width, height, stride, format)?;
    Ok(pipeline::scan_gray(&gray, opts))
}
