//! Tests of the scan entry points: generated codes through every input path, errors, the report line,
//! the live-stream helper, the zxing photo regression set, property tests; and development diagnostics.

use std::path::PathBuf;
use std::time::Duration;

use proptest::prelude::*;
use qrcode::{EcLevel, QrCode, Version};

use super::file::load_gray;
use super::gray::Gray;
use super::pipeline::{Rung, ScanMode, ScanOptions};
use super::*;
use crate::i18n::Localized;

/// Options for tests: the default work allowance and a wall-clock backstop that never binds, so that
/// results do not depend on the machine's load.
fn test_opts() -> ScanOptions {
    ScanOptions {
        budget: Duration::from_secs(30),
        ..ScanOptions::default()
    }
}

/// Renders a code: `m` pixels per module, a 4-module quiet zone, dark 20 / light 230.
fn render(code: &QrCode, m: usize) -> Gray {
    let n = code.width();
    let colors = code.to_colors();
    let side = (n + 8) * m;
    let mut px = vec![230u8; side * side];
    for y in 0..n {
        for x in 0..n {
            if colors[y * n + x] == qrcode::Color::Dark {
                for dy in 0..m {
                    let row = ((y + 4) * m + dy) * side;
                    px[row + (x + 4) * m..row + (x + 5) * m].fill(20);
                }
            }
        }
    }
    Gray::new(side, side, px).unwrap()
}

fn scan(g: &Gray) -> Vec<ScannedCode> {
    let f = GrayFrame {
        width: g.width(),
        height: g.height(),
        stride: g.width(),
        data: g.pixels(),
    };
    scan_gray_frame(f, &test_opts()).unwrap()
}

#[test]
fn reads_generated_codes_of_many_versions() {
    for (text, v, ec) in [
        ("tokhai:v1", 1, EcLevel::L),
        ("https://tokhai.example/c/0123456789", 4, EcLevel::M),
        (
            "Tờ khai y tế — điểm kiểm tra số 7, phường Bến Nghé",
            10,
            EcLevel::Q,
        ),
        (&"0123456789ABCDEF".repeat(40)[..], 25, EcLevel::L),
        (&"tokhai-".repeat(150)[..], 40, EcLevel::H),
    ] {
        let code = QrCode::with_version(text.as_bytes(), Version::Normal(v), ec).unwrap();
        let m = if v >= 25 { 3 } else { 5 };
        let codes = scan(&render(&code, m));
        assert_eq!(codes.len(), 1, "version {v}");
        let c = &codes[0];
        assert_eq!(c.text, text);
        assert_eq!(c.bytes, text.as_bytes());
        assert_eq!(usize::from(c.version), v as usize);
        let want_ecc = match ec {
            EcLevel::L => Ecc::L,
            EcLevel::M => Ecc::M,
            EcLevel::Q => Ecc::Q,
            EcLevel::H => Ecc::H,
        };
        assert_eq!(c.ecc, want_ecc);
        // Outer corners: the code starts after the 4-module quiet zone.
        let (lo, hi) = ((4 * m) as f32, ((code.width() + 4) * m) as f32);
        let mut xs: Vec<f32> = c.corners.iter().map(|p| p[0]).collect();
        xs.sort_by(f32::total_cmp);
        assert!(
            (xs[0] - lo).abs() < 2.0 * m as f32 && (xs[3] - hi).abs() < 2.0 * m as f32,
            "{:?}",
            c.corners
        );
    }
}

#[test]
fn reads_light_on_dark_and_mirrored_codes() {
    let code = QrCode::with_error_correction_level("inverted", EcLevel::M).unwrap();
    let g = render(&code, 6);
    let inv = Gray::new(
        g.width(),
        g.height(),
        g.pixels().iter().map(|&p| 255 - p).collect(),
    )
    .unwrap();
    assert_eq!(scan(&inv)[0].text, "inverted");
    let code = QrCode::with_error_correction_level("mirrored", EcLevel::M).unwrap();
    let g = render(&code, 6);
    let w = g.width();
    let mirrored: Vec<u8> = (0..g.height())
        .flat_map(|y| (0..w).rev().map(move |x| (x, y)))
        .map(|(x, y)| g.at(x, y))
        .collect();
    assert_eq!(
        scan(&Gray::new(w, g.height(), mirrored).unwrap())[0].text,
        "mirrored"
    );
}

#[test]
fn reads_every_code_of_an_image() {
    let a = render(&QrCode::new("first code").unwrap(), 5);
    let b = render(&QrCode::new("second code, a little longer").unwrap(), 4);
    let (w, h) = (a.width() + b.width() + 40, a.height().max(b.height()) + 20);
    let mut px = vec![230u8; w * h];
    for y in 0..a.height() {
        for x in 0..a.width() {
            px[(y + 10) * w + x + 10] = a.at(x, y);
        }
    }
    for y in 0..b.height() {
        for x in 0..b.width() {
            px[(y + 10) * w + x + a.width() + 30] = b.at(x, y);
        }
    }
    let opts = ScanOptions {
        mode: ScanMode::Exhaustive,
        ..test_opts()
    };
    let codes = scan_gray_frame(
        GrayFrame {
            width: w,
            height: h,
            stride: w,
            data: &px,
        },
        &opts,
    )
    .unwrap();
    let mut texts: Vec<_> = codes.iter().map(|c| c.text.as_str()).collect();
    texts.sort_unstable();
    assert_eq!(texts, ["first code", "second code, a little longer"]);
}

#[test]
fn camera_pixel_formats() {
    let g = render(&QrCode::new("pixel formats").unwrap(), 5);
    let (w, h) = (g.width(), g.height());
    let rgba: Vec<u8> = g.pixels().iter().flat_map(|&p| [p, p, p, 255]).collect();
    let rgb: Vec<u8> = g.pixels().iter().flat_map(|&p| [p, p, p]).collect();
    let mut yuv = g.pixels().to_vec();
    yuv.extend(std::iter::repeat_n(128u8, w.div_ceil(2) * h.div_ceil(2) * 2));
    for (data, stride, format) in [
        (&rgba, w * 4, PixelFormat::Rgba),
        (&rgba, w * 4, PixelFormat::Bgra),
        (&rgb, w * 3, PixelFormat::Rgb),
        (&yuv, w, PixelFormat::Nv21),
        (&yuv, w, PixelFormat::Nv12),
        (&yuv, w, PixelFormat::I420),
        (&g.pixels().to_vec(), w, PixelFormat::Gray8),
    ] {
        let codes = scan_pixels(data, w, h, stride, format, &test_opts()).unwrap();
        assert_eq!(codes[0].text, "pixel formats", "{format:?}");
    }
    // A padded stride.
    let padded: Vec<u8> = g
        .pixels()
        .chunks(w)
        .flat_map(|r| r.iter().copied().chain([0u8; 3]))
        .collect();
    assert_eq!(
        scan_pixels(&padded, w, h, w + 3, PixelFormat::Gray8, &test_opts())
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn bad_input_is_a_precise_error() {
    let o = test_opts();
    let data = [0u8; 64];
    assert!(matches!(
        scan_pixels(&data, 0, 8, 8, PixelFormat::Gray8, &o),
        Err(ScanError::ZeroDimension { .. })
    ));
    assert!(matches!(
        scan_pixels(&data, 1 << 40, 1 << 40, 1 << 40, PixelFormat::Rgba, &o),
        Err(ScanError::TooLarge { .. })
    ));
    assert!(matches!(
        scan_pixels(&data, 8, 8, 7, PixelFormat::Gray8, &o),
        Err(ScanError::StrideTooSmall { .. })
    ));
    assert!(matches!(
        scan_pixels(&data, 8, 8, 8, PixelFormat::Rgba, &o),
        Err(ScanError::StrideTooSmall { .. })
    ));
    assert!(matches!(
        scan_pixels(&data, 8, 9, 8, PixelFormat::Gray8, &o),
        Err(ScanError::BufferTooShort { .. })
    ));
    assert!(matches!(
        scan_pixels(&data, 8, 8, 8, PixelFormat::Nv21, &o),
        Err(ScanError::BufferTooShort { .. })
    ));
    assert_eq!(
        scan_image_bytes(b"hello", &o).unwrap_err(),
        ScanError::UndecodableImage
    );
    assert_eq!(
        scan_image_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", &o).unwrap_err(),
        ScanError::UnsupportedFormat
    );
    let missing = scan_image_file(std::path::Path::new("/nonexistent/tokhai.png"), &o).unwrap_err();
    assert_eq!(missing, ScanError::Io(std::io::ErrorKind::NotFound));
    for e in [
        ScanError::ZeroDimension { width: 0, height: 1 },
        ScanError::StrideTooSmall {
            stride: 1,
            row_bytes: 2,
        },
        ScanError::BufferTooShort { len: 1, needed: 2 },
        ScanError::UndecodableImage,
        ScanError::UnsupportedFormat,
        ScanError::Io(std::io::ErrorKind::NotFound),
    ] {
        assert!(e.code().starts_with("scan_"));
        assert!(!e.msg().vi.is_empty() && !e.msg().en.is_empty() && e.msg().vi != e.msg().en);
    }
}

/// Pastes `code` rendered at `m` pixels a module into a `w` x `h` light image at `(x0, y0)`.
fn paste(px: &mut [u8], w: usize, code: &Gray, x0: usize, y0: usize) {
    for y in 0..code.height() {
        for x in 0..code.width() {
            px[(y + y0) * w + x + x0] = code.at(x, y);
        }
    }
}

/// A 12 MP close-up (a version 2 code filling the frame, 100 px a module) is read by the rqrr ladder
/// alone: the ladder works on the pyramid's 1000x750 level. Before the pyramid the first rung used the
/// whole allowance on the full image and nothing was read.
#[test]
fn reads_a_close_up_that_fills_a_12_mp_frame() {
    let code = QrCode::with_version("close-up", Version::Normal(2), EcLevel::M).unwrap();
    let g = render(&code, 90);
    let (w, h) = (4000, 3000);
    let mut px = vec![230u8; w * h];
    paste(&mut px, w, &g, (w - g.width()) / 2, 0);
    let opts = ScanOptions {
        fallback: false,
        ..test_opts()
    };
    let f = GrayFrame {
        width: w,
        height: h,
        stride: w,
        data: &px,
    };
    let codes = scan_gray_frame(f, &opts).unwrap();
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert_eq!(codes[0].text, "close-up");
    // Corners in the input's pixels: the code's top-left module is 4 modules into the rendered image.
    let x0 = ((w - g.width()) / 2 + 4 * 90) as f32;
    assert!(
        (codes[0].corners[0][0] - x0).abs() < 20.0,
        "{:?}",
        codes[0].corners
    );
    assert!(
        (codes[0].corners[0][1] - 360.0).abs() < 20.0,
        "{:?}",
        codes[0].corners
    );
}

/// A sheet of 24 codes in one 1600x1200 image: every code is read by the rqrr ladder alone (the
/// allowance grows with each code read; the locator pairs finders with their neighbours).
#[test]
fn reads_every_code_of_a_sheet_of_24() {
    let (w, h) = (1600, 1200);
    let mut px = vec![230u8; w * h];
    let mut want = Vec::new();
    for r in 0..4 {
        for k in 0..6 {
            let text = format!("sheet {r}-{k}");
            let g = render(
                &QrCode::with_version(text.as_str(), Version::Normal(1), EcLevel::M).unwrap(),
                7,
            );
            paste(&mut px, w, &g, 20 + k * 260, 30 + r * 290);
            want.push(text);
        }
    }
    let opts = ScanOptions {
        fallback: false,
        ..test_opts()
    };
    let f = GrayFrame {
        width: w,
        height: h,
        stride: w,
        data: &px,
    };
    let mut got: Vec<String> = scan_gray_frame(f, &opts)
        .unwrap()
        .into_iter()
        .map(|c| c.text)
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn nothing_in_a_blank_or_noisy_frame() {
    let blank = Gray::new(320, 240, vec![128; 320 * 240]).unwrap();
    assert!(scan(&blank).is_empty());
    let mut x = 12345u32;
    let noise: Vec<u8> = (0..320 * 240)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    assert!(scan(&Gray::new(320, 240, noise).unwrap()).is_empty());
}

fn png_bytes(g: &Gray) -> Vec<u8> {
    let img = image::GrayImage::from_raw(g.width() as u32, g.height() as u32, g.pixels().to_vec()).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A JPEG with an EXIF APP1 segment holding only the Orientation tag.
fn jpeg_with_orientation(g: &Gray, orientation: u16) -> Vec<u8> {
    let img = image::GrayImage::from_raw(g.width() as u32, g.height() as u32, g.pixels().to_vec()).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
        .encode_image(&img)
        .unwrap();
    let jpeg = out.into_inner();
    let mut tiff = vec![b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1];
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let len = (app1.len() + 2) as u16;
    let mut with = jpeg[..2].to_vec();
    with.extend_from_slice(&[0xff, 0xe1]);
    with.extend_from_slice(&len.to_be_bytes());
    with.extend_from_slice(&app1);
    with.extend_from_slice(&jpeg[2..]);
    with
}

#[test]
fn image_files_and_exif_orientation() {
    let code = QrCode::new("exif orientation").unwrap();
    let square = render(&code, 5);
    // Put the code off-centre in a wider image so that orientations move it.
    let (w, h) = (square.width() + 120, square.height() + 30);
    let mut px = vec![230u8; w * h];
    for y in 0..square.height() {
        for x in 0..square.width() {
            px[(y + 20) * w + x + 100] = square.at(x, y);
        }
    }
    let g = Gray::new(w, h, px).unwrap();
    let png = scan_image_bytes(&png_bytes(&g), &test_opts()).unwrap();
    assert_eq!((png.orientation, png.size), (1, (w as u32, h as u32)));
    let reference = &png.codes[0];
    for o in [1u16, 3, 6, 8] {
        let scan = scan_image_bytes(&jpeg_with_orientation(&g, o), &test_opts()).unwrap();
        assert_eq!(scan.orientation, o as u8);
        let c = &scan.codes[0];
        assert_eq!(c.text, "exif orientation");
        // Raw coordinates: the same corner points as the un-rotated scan (in some order).
        for p in reference.corners {
            let near = c
                .corners
                .iter()
                .any(|q| (q[0] - p[0]).abs() < 4.0 && (q[1] - p[1]).abs() < 4.0);
            assert!(
                near,
                "orientation {o}: {:?} vs {:?}",
                c.corners, reference.corners
            );
        }
    }
    let report = ScanReport::new("poster.png", &Ok(png));
    let line = report.to_json_line();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["codes", "decode_ms", "error", "file"]);
    assert_eq!(v["codes"][0]["text"], "exif orientation");
    assert_eq!(v["codes"][0]["bytes_hex"], "65786966206f7269656e746174696f6e");
    assert_eq!(v["codes"][0]["corners"].as_array().unwrap().len(), 4);
    assert!(v["error"].is_null());
}

#[test]
fn eci_kanji_and_guessed_charsets() {
    // ECI 20 (Shift_JIS) before a single half-width katakana, which the guess alone would read as Latin-1.
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("ｱ tokhai");
    let mut bits = qrcode::bits::Bits::new(Version::Normal(2));
    bits.push_eci_designator(20).unwrap();
    bits.push_byte_data(&sjis).unwrap();
    bits.push_terminator(EcLevel::M).unwrap();
    let c = &scan(&render(&QrCode::with_bits(bits, EcLevel::M).unwrap(), 5))[0];
    assert_eq!((c.text.as_str(), c.charset), ("ｱ tokhai", Charset::ShiftJis));
    assert_eq!(c.bytes, sjis.as_ref());
    // Kanji mode.
    let (kanji, _, _) = encoding_rs::SHIFT_JIS.encode("点検");
    let mut bits = qrcode::bits::Bits::new(Version::Normal(1));
    bits.push_kanji_data(&kanji).unwrap();
    bits.push_terminator(EcLevel::M).unwrap();
    let c = &scan(&render(&QrCode::with_bits(bits, EcLevel::M).unwrap(), 5))[0];
    assert_eq!((c.text.as_str(), c.charset), ("点検", Charset::ShiftJis));
    // Latin-1 without ECI.
    let c = &scan(&render(&QrCode::new([b'c', b'a', b'f', 0xe9]).unwrap(), 5))[0];
    assert_eq!((c.text.as_str(), c.charset), ("café", Charset::Latin1));
}

#[test]
fn live_scanner_drops_frames_and_stops_at_the_accepted_code() {
    let frame_of = |text: &str| {
        let g = render(&QrCode::new(text).unwrap(), 4);
        Frame {
            data: g.pixels().to_vec(),
            width: g.width(),
            height: g.height(),
            stride: g.width(),
            format: PixelFormat::Gray8,
        }
    };
    let foreign = frame_of("https://example.com/not-a-checkpoint");
    let checkpoint = frame_of("TK1:checkpoint");
    let scanner = LiveScanner::start(test_opts(), |c: &ScannedCode| c.text.starts_with("TK1:")).unwrap();
    // A burst while the worker is busy: later frames replace waiting ones.
    let results: Vec<Submitted> = (0..50).map(|_| scanner.submit(foreign.clone())).collect();
    assert!(results.contains(&Submitted::ReplacedOlder));
    let first = scanner.events().recv_timeout(Duration::from_secs(60)).unwrap();
    assert!(matches!(first, StreamEvent::Refused(ref c) if c.text.starts_with("https://")));
    let bad = Frame {
        data: vec![0; 3],
        width: 4,
        height: 4,
        stride: 4,
        format: PixelFormat::Gray8,
    };
    // Wait for an empty slot, so that the bad frame is not itself replaced.
    while scanner.stats().scanned + scanner.stats().dropped < scanner.stats().submitted {
        std::thread::yield_now();
    }
    scanner.submit(bad);
    loop {
        match scanner.events().recv_timeout(Duration::from_secs(60)).unwrap() {
            StreamEvent::BadFrame(e) => {
                assert!(matches!(e, ScanError::BufferTooShort { .. }));
                break;
            }
            StreamEvent::Refused(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
    scanner.submit(checkpoint);
    let accepted = loop {
        match scanner.events().recv_timeout(Duration::from_secs(60)).unwrap() {
            StreamEvent::Accepted(c) => break c,
            StreamEvent::Refused(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!(accepted.text, "TK1:checkpoint");
    while !scanner.is_stopped() {
        std::thread::yield_now();
    }
    assert_eq!(scanner.submit(foreign), Submitted::Stopped);
    let stats = scanner.stop();
    assert_eq!(stats.submitted, stats.scanned + stats.dropped);
    assert!(stats.dropped > 0);
}

#[test]
fn live_scanner_stops_cleanly_when_idle() {
    let scanner = LiveScanner::start(test_opts(), |_: &ScannedCode| true).unwrap();
    let stats = scanner.stop();
    assert_eq!(stats, StreamStats::default());
}

/// The qr-photos folder: `TOKHAI_QR_PHOTOS`, else beside the repository, else the shared one.
fn photos_dir() -> Option<PathBuf> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let named = std::env::var("TOKHAI_QR_PHOTOS").ok().map(PathBuf::from);
    named
        .into_iter()
        .chain([
            repo.join("../shared/data/qr-photos"),
            PathBuf::from("/work/shared/data/qr-photos"),
        ])
        .find(|p| p.join("zxing").is_dir())
}

fn photos_or_skip() -> Option<PathBuf> {
    match photos_dir() {
        Some(d) => Some(d),
        None if std::env::var("TOKHAI_CI").is_ok_and(|v| v == "1") => {
            panic!("qr-photos not found and TOKHAI_CI=1")
        }
        None => {
            eprintln!("qr-photos not found (set TOKHAI_QR_PHOTOS): photo regression skipped");
            None
        }
    }
}

fn pngs(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    v.sort();
    v
}

/// The zxing photographs: at least 95% read with the exact expected text (rates, not timings).
#[test]
fn zxing_photos_regression() {
    let Some(dir) = photos_or_skip() else { return };
    let (mut total, mut exact, mut misses) = (0, 0, Vec::new());
    for set in 1..=6 {
        for p in pngs(&dir.join(format!("zxing/qrcode-{set}"))) {
            let expected = std::fs::read_to_string(p.with_extension("txt")).unwrap();
            let scan = scan_image_file(&p, &test_opts()).unwrap();
            total += 1;
            if scan.codes.iter().any(|c| c.text == expected) {
                exact += 1;
            } else {
                misses.push(p.strip_prefix(&dir).unwrap().display().to_string());
            }
        }
    }
    assert_eq!(total, 179);
    let rate = exact as f64 / total as f64;
    eprintln!(
        "zxing photos: {exact}/{total} ({:.1}%), missed {misses:?}",
        rate * 100.0
    );
    assert!(rate >= 0.95, "{exact}/{total} read; missed {misses:?}");
}

/// Photographs without a code: nothing is returned.
#[test]
fn nocode_photos_return_nothing() {
    let Some(dir) = photos_or_skip() else { return };
    let files = pngs(&dir.join("nocode/zxing-falsepositives"));
    assert_eq!(files.len(), 22);
    for p in files {
        let scan = scan_image_file(&p, &test_opts()).unwrap();
        assert!(scan.codes.is_empty(), "{}: {:?}", p.display(), scan.codes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Arbitrary bytes as an image file: an error or a result, never a panic.
    #[test]
    fn arbitrary_file_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = scan_image_bytes(&bytes, &test_opts());
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&bytes);
        let _ = scan_image_bytes(&png, &test_opts());
        let mut jpeg = vec![0xff, 0xd8, 0xff, 0xe1];
        jpeg.extend_from_slice(&bytes);
        let _ = scan_image_bytes(&jpeg, &test_opts());
    }

    /// Arbitrary frames (sizes, strides, formats, contents): an error or a result, never a panic.
    #[test]
    fn arbitrary_frames_never_panic(
        width in prop_oneof![0usize..80, Just(usize::MAX), Just(1usize << 33)],
        height in prop_oneof![0usize..80, Just(usize::MAX)],
        stride_extra in prop_oneof![0usize..8, Just(usize::MAX / 2)],
        format in prop_oneof![
            Just(PixelFormat::Rgba), Just(PixelFormat::Bgra), Just(PixelFormat::Rgb), Just(PixelFormat::Nv21),
            Just(PixelFormat::Nv12), Just(PixelFormat::I420), Just(PixelFormat::Gray8)
        ],
        data in proptest::collection::vec(any::<u8>(), 0..30_000),
    ) {
        let bpp = match format { PixelFormat::Rgba | PixelFormat::Bgra => 4, PixelFormat::Rgb => 3, _ => 1 };
        let stride = width.saturating_mul(bpp).saturating_add(stride_extra);
        let _ = scan_pixels(&data, width, height, stride, format, &test_opts());
        let _ = scan_gray_frame(GrayFrame { width, height, stride, data: &data }, &test_opts());
    }
}

/// Development aid: `TOKHAI_DIAG_FILE=path cargo test -p tokhai-core --features scan diagnose -- --ignored
/// --nocapture` prints what each rung locates and reads (`TOKHAI_DIAG_RUNG=native` one rung alone;
/// `TOKHAI_DIAG_LADDER=1` first the whole default ladder, thorough, without the rxing fallback, with a
/// wall-clock backstop that never binds).
#[test]
#[ignore = "development diagnostic"]
fn diagnose() {
    let Ok(path) = std::env::var("TOKHAI_DIAG_FILE") else {
        return;
    };
    let bytes = std::fs::read(&path).unwrap();
    let (g, o) = load_gray(&bytes).unwrap();
    println!("{path}: {}x{} orientation {o}", g.width(), g.height());
    if std::env::var("TOKHAI_DIAG_LADDER").is_ok() {
        let opts = ScanOptions {
            fallback: false,
            ..test_opts()
        };
        let (codes, diag) = super::pipeline::scan_gray_diag(&g, &opts);
        println!("ladder: {diag}");
        for c in codes {
            println!(
                "   read v{} by {:?} resampled={}",
                c.version, c.found_by, c.resampled
            );
        }
    }
    let only: Option<Rung> = std::env::var("TOKHAI_DIAG_RUNG")
        .ok()
        .and_then(|r| serde_json::from_str(&format!("\"{r}\"")).ok());
    for rung in only.map_or_else(|| Rung::DEFAULT.to_vec(), |o| vec![o]) {
        let opts = ScanOptions {
            rungs: vec![rung],
            mode: ScanMode::Exhaustive,
            ..ScanOptions::default()
        };
        let t = cpu_time::ThreadTime::now();
        let (codes, diag) = super::pipeline::scan_gray_diag(&g, &opts);
        println!("{rung:?}: {:.1} ms, {diag}", t.elapsed().as_secs_f64() * 1e3);
        for c in codes {
            println!(
                "   read v{} {:?} resampled={} {:?}",
                c.version,
                c.ecc,
                c.resampled,
                c.text.chars().take(40).collect::<String>()
            );
        }
    }
}

/// Development aid: timing of the detection stages on `TOKHAI_DIAG_FILE`.
#[test]
#[ignore = "development diagnostic"]
fn stage_timing() {
    let Ok(path) = std::env::var("TOKHAI_DIAG_FILE") else {
        return;
    };
    let (g, _) = load_gray(&std::fs::read(&path).unwrap()).unwrap();
    let t = |label: &str, f: &mut dyn FnMut()| {
        let s = cpu_time::ThreadTime::now();
        for _ in 0..10 {
            f();
        }
        println!("{label}: {:.2} ms", s.elapsed().as_secs_f64() * 100.0);
    };
    let half = g.downscale(2);
    t("downscale", &mut || drop(g.downscale(2)));
    t("locate half", &mut || drop(super::locate::locate(&half, 2.0)));
    t("scan live (whole pipeline)", &mut || {
        drop(super::pipeline::scan_gray(&g, &ScanOptions::live()))
    });
    t("rqrr prepare half", &mut || {
        drop(rqrr::PreparedImage::prepare_from_greyscale(
            half.width(),
            half.height(),
            |x, y| half.at(x, y),
        ))
    });
    t("rqrr prepare+detect half", &mut || {
        let mut p =
            rqrr::PreparedImage::prepare_from_greyscale(half.width(), half.height(), |x, y| half.at(x, y));
        let _ = p.detect_grids().len();
    });
    t("adaptive half", &mut || {
        drop(half.adaptive(half.height() / 16, 3))
    });
    let bits = half.adaptive(half.height() / 16, 3);
    let w = half.width();
    t("bitmap+detect half", &mut || {
        let mut p = rqrr::PreparedImage::prepare_from_bitmap(w, half.height(), |x, y| bits[y * w + x]);
        let _ = p.detect_grids().len();
    });
    t("rqrr prepare+detect full", &mut || {
        let mut p = rqrr::PreparedImage::prepare_from_greyscale(g.width(), g.height(), |x, y| g.at(x, y));
        let _ = p.detect_grids().len();
    });
}

/// What the compiled-in fallback reports as `found_by`.
#[cfg(feature = "scan-zxing")]
const FALLBACK_RUNG: Rung = Rung::Zxing;
#[cfg(all(feature = "scan-rxing", not(feature = "scan-zxing")))]
const FALLBACK_RUNG: Rung = Rung::Rxing;

/// The fallback alone (zxing-cpp, or rxing) on a generated code: text, version, level and outer corners.
#[cfg(any(feature = "scan-rxing", feature = "scan-zxing"))]
#[test]
fn fallback_reads_a_code_with_corners() {
    let code = QrCode::with_version("fallback", Version::Normal(3), EcLevel::Q).unwrap();
    let g = render(&code, 5);
    let codes = super::fallback::read(&g, false);
    assert_eq!(codes.len(), 1);
    let c = &codes[0];
    assert_eq!(
        (c.text.as_str(), c.version, c.ecc, c.found_by),
        ("fallback", 3, Ecc::Q, FALLBACK_RUNG)
    );
    let (lo, hi) = (20.0f32, ((29 + 4) * 5) as f32);
    assert!(
        (c.corners[0][0] - lo).abs() < 3.0 && (c.corners[0][1] - lo).abs() < 3.0,
        "{:?}",
        c.corners
    );
    assert!(
        (c.corners[2][0] - hi).abs() < 3.0 && (c.corners[2][1] - hi).abs() < 3.0,
        "{:?}",
        c.corners
    );
}

/// The fallback's share is kept from the ladder: a ladder that spends the whole allowance without reading
/// anything (here one rung that cannot read a dark-on-light code) still leaves the fallback its turn.
#[cfg(any(feature = "scan-rxing", feature = "scan-zxing"))]
#[test]
fn fallback_runs_after_a_ladder_that_used_the_allowance() {
    let code = QrCode::with_version("after the ladder", Version::Normal(5), EcLevel::M).unwrap();
    let g = render(&code, 4);
    let pixels = (g.width() * g.height()) as u64;
    let opts = ScanOptions {
        rungs: vec![Rung::Inverted],
        refine: false,
        // Exactly what the inverted rung costs (three units a pixel).
        effort: 3 * pixels,
        ..test_opts()
    };
    let f = GrayFrame {
        width: g.width(),
        height: g.height(),
        stride: g.width(),
        data: g.pixels(),
    };
    let codes = scan_gray_frame(f, &opts).unwrap();
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert_eq!(
        (codes[0].text.as_str(), codes[0].found_by),
        ("after the ladder", FALLBACK_RUNG)
    );
    let ladder_only = scan_gray_frame(
        f,
        &ScanOptions {
            fallback: false,
            ..opts
        },
    )
    .unwrap();
    assert!(ladder_only.is_empty(), "{ladder_only:?}");
}
