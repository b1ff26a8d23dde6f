//! The scan entry points on arbitrary input: the bytes as an image file (JPEG/PNG decoding, EXIF, the
//! whole ladder), and as a camera frame whose dimensions, stride and pixel format come from the first
//! bytes. Every input must give a result or an error, never a panic or a hang.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use tokhai_core::{GrayFrame, PixelFormat, ScanOptions, scan_gray_frame, scan_image_bytes, scan_pixels};

const FORMATS: [PixelFormat; 7] = [
    PixelFormat::Rgba,
    PixelFormat::Bgra,
    PixelFormat::Rgb,
    PixelFormat::Nv21,
    PixelFormat::Nv12,
    PixelFormat::I420,
    PixelFormat::Gray8,
];

fuzz_target!(|data: &[u8]| {
    // A small allowance keeps executions fast; the code paths are the same as with the default.
    let opts = ScanOptions { budget: Duration::from_millis(50), effort: 2_000_000, ..ScanOptions::default() };
    let _ = scan_image_bytes(data, &opts);
    if let [w, h, s, f, rest @ ..] = data {
        let (width, height) = (usize::from(*w), usize::from(*h));
        let stride = width * 4 + usize::from(*s % 8);
        let format = FORMATS[usize::from(*f) % FORMATS.len()];
        let _ = scan_pixels(rest, width, height, stride, format, &opts);
        let _ = scan_gray_frame(GrayFrame { width, height, stride: width + usize::from(*s % 8), data: rest }, &opts);
    }
});
