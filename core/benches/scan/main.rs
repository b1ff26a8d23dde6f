//! QR decoding benchmark: plain rqrr, tokhai's pipeline and rxing (a ZXing port) on the same images.
//!
//! Run: `cargo bench -p tokhai-core --bench scan --features scan,scan-zxing`
//!
//! Sets: the zxing photos, 1280x720 and 640x480 frames cut from them, the no-code photos, the older
//! synthetic set (640x480 and 1280x720), the hard photo set (`photo.rs`: up to 12 MP, by condition),
//! 1280x720 camera frames cut from the hard photos, and 1280x720 frames with no code. Prints, per set,
//! condition and decoder, the share of codes read with the exact expected text and the median / p90 /
//! max thread CPU time per image (grayscale conversion excluded).
//! Environment: `TOKHAI_QR_PHOTOS` (data folder), `TOKHAI_BENCH_SETS` (comma list: zxing,frames720,
//! frames480,nocode,synth,hard,hard720,empty720), `TOKHAI_BENCH_DECODERS` (rqrr,rqrr640,pipeline,
//! fallback,rxing,zxing), `TOKHAI_BENCH_VERBOSE=1` (list misses), `TOKHAI_BENCH_SYNTH_PER` (samples per
//! synthetic category, default 20), `TOKHAI_BENCH_HARD_PER` (photos per hard condition, default 12),
//! `TOKHAI_BENCH_CATS` (comma list of hard conditions), `TOKHAI_BENCH_BACKSTOP=1` (keep the shipped
//! wall-clock backstop), `TOKHAI_BENCH_ZXING` (variants of zxing-cpp alone, see `zxing_cpp`).
#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod photo;
mod synth;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tokhai_core::{GrayFrame, ScanOptions, scan_gray_frame};

struct Item {
    name: String,
    w: usize,
    h: usize,
    px: Vec<u8>,
    expected: Vec<String>,
    category: &'static str,
}

fn data_dir() -> Option<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let named = std::env::var("TOKHAI_QR_PHOTOS").ok().map(PathBuf::from);
    named
        .into_iter()
        .chain([
            repo.join("../shared/data/qr-photos"),
            PathBuf::from("/work/shared/data/qr-photos"),
        ])
        .find(|p| p.join("zxing").is_dir())
}

fn load_gray(path: &Path) -> (usize, usize, Vec<u8>) {
    let img = image::open(path).unwrap().into_luma8();
    (img.width() as usize, img.height() as usize, img.into_raw())
}

fn zxing(dir: &Path) -> Vec<Item> {
    let mut out = Vec::new();
    for set in 1..=6 {
        let d = dir.join(format!("zxing/qrcode-{set}"));
        let mut files: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for p in files
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "png"))
        {
            let expected = std::fs::read_to_string(p.with_extension("txt")).unwrap();
            let (w, h, px) = load_gray(&p);
            out.push(Item {
                name: format!("qrcode-{set}/{}", p.file_name().unwrap().to_string_lossy()),
                w,
                h,
                px,
                expected: vec![expected],
                category: "zxing",
            });
        }
    }
    out
}

fn nocode(dir: &Path) -> Vec<Item> {
    let d = dir.join("nocode/zxing-falsepositives");
    let mut files: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .map(|p| {
            let (w, h, px) = load_gray(&p);
            Item {
                name: p.file_name().unwrap().to_string_lossy().into(),
                w,
                h,
                px,
                expected: vec![],
                category: "nocode",
            }
        })
        .collect()
}

/// A `fw` x `fh` frame with the photo scaled to 60% of the frame height, placed off-centre on a flat
/// background of the photo's mean gray (bilinear resampling; ground truth unchanged).
fn frame_of(item: &Item, fw: usize, fh: usize, seed: usize) -> Item {
    let scale = 0.6 * fh as f64 / item.h as f64;
    let (sw, sh) = (
        ((item.w as f64) * scale) as usize,
        ((item.h as f64) * scale) as usize,
    );
    let (sw, sh) = (sw.min(fw), sh.min(fh));
    let mean = (item.px.iter().map(|&p| p as u64).sum::<u64>() / item.px.len() as u64) as u8;
    let mut px = vec![mean; fw * fh];
    let ox = (fw - sw) / 2 + (seed * 37) % ((fw - sw) / 4 + 1);
    let oy = (fh - sh) / 2;
    for y in 0..sh {
        for x in 0..sw {
            let fx = ((x as f64 + 0.5) / scale - 0.5).clamp(0.0, (item.w - 1) as f64);
            let fy = ((y as f64 + 0.5) / scale - 0.5).clamp(0.0, (item.h - 1) as f64);
            let (x0, y0) = (fx as usize, fy as usize);
            let (x1, y1) = ((x0 + 1).min(item.w - 1), (y0 + 1).min(item.h - 1));
            let (tx, ty) = (fx - x0 as f64, fy - y0 as f64);
            let p = |x: usize, y: usize| item.px[y * item.w + x] as f64;
            let top = p(x0, y0) * (1.0 - tx) + p(x1, y0) * tx;
            let bot = p(x0, y1) * (1.0 - tx) + p(x1, y1) * tx;
            px[(oy + y) * fw + ox + x] = (top * (1.0 - ty) + bot * ty).round() as u8;
        }
    }
    Item {
        name: item.name.clone(),
        w: fw,
        h: fh,
        px,
        expected: item.expected.clone(),
        category: item.category,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Decoder {
    Rqrr,
    /// Plain rqrr on the image shrunk (box filter) so that its long side is at most 640 px.
    Rqrr640,
    /// The rqrr ladder alone (`ScanOptions::fallback` off).
    Pipeline,
    /// The shipped configuration: the ladder, then the compiled-in fallback (feature `scan-zxing`).
    Fallback,
    Rxing,
    Zxing,
}

impl Decoder {
    fn name(self) -> &'static str {
        match self {
            Decoder::Rqrr => "rqrr (plain)",
            Decoder::Rqrr640 => "rqrr on a 640-px shrink",
            Decoder::Pipeline => "tokhai rqrr ladder",
            Decoder::Fallback => "ladder + zxing-cpp fallback",
            Decoder::Rxing => "rxing",
            Decoder::Zxing => "zxing-cpp",
        }
    }
}

/// The image shrunk by box averaging so that its long side is at most `side` (unchanged if smaller).
fn shrink(item: &Item, side: usize) -> (usize, usize, Vec<u8>) {
    let long = item.w.max(item.h);
    if long <= side {
        return (item.w, item.h, item.px.clone());
    }
    let s = long as f64 / side as f64;
    let (w, h) = (((item.w as f64) / s) as usize, ((item.h as f64) / s) as usize);
    let taps = s.ceil() as usize;
    let mut px = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0u32;
            for j in 0..taps {
                for i in 0..taps {
                    let sx = (((x as f64 + (i as f64 + 0.5) / taps as f64) * s) as usize).min(item.w - 1);
                    let sy = (((y as f64 + (j as f64 + 0.5) / taps as f64) * s) as usize).min(item.h - 1);
                    acc += u32::from(item.px[sy * item.w + sx]);
                }
            }
            px.push((acc / (taps * taps) as u32) as u8);
        }
    }
    (w, h, px)
}

thread_local! {
    /// Set while a decoder under test runs: its panics are counted, not printed.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Codes returned by the pipeline per (decoder, rung that found them), for `TOKHAI_BENCH_VERBOSE`.
    static FOUND_BY: std::cell::RefCell<BTreeMap<(&'static str, String), usize>> =
        const { std::cell::RefCell::new(BTreeMap::new()) };
}

/// `catch_unwind` with the panic message silenced.
fn quietly<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> std::thread::Result<T> {
    QUIET.with(|q| q.set(true));
    let r = std::panic::catch_unwind(f);
    QUIET.with(|q| q.set(false));
    r
}

fn plain_rqrr(w: usize, h: usize, px: &[u8]) -> (Vec<String>, bool) {
    let r = quietly(|| {
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| px[y * w + x]);
        let grids = img.detect_grids();
        grids
            .iter()
            .filter_map(|g| g.decode().ok().map(|(_, s)| s))
            .collect::<Vec<_>>()
    });
    match r {
        Ok(v) => (v, false),
        Err(_) => (vec![], true),
    }
}

#[cfg(feature = "scan-zxing")]
fn zxing_cpp(item: &Item) -> (Vec<String>, bool) {
    // TOKHAI_BENCH_ZXING=half,easy,nodown,noinvert varies zxing-cpp alone (development aid): on the 2x2
    // means of the image, without "try harder", without its own downscaling, without inverted images.
    let flags = std::env::var("TOKHAI_BENCH_ZXING").unwrap_or_default();
    let has = |f: &str| flags.split(',').any(|x| x.trim() == f);
    let halved;
    let (px, w, h) = if has("half") {
        let (w, h) = (item.w / 2, item.h / 2);
        halved = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| {
                let p = |dx: usize, dy: usize| u32::from(item.px[(2 * y + dy) * item.w + 2 * x + dx]);
                ((p(0, 0) + p(1, 0) + p(0, 1) + p(1, 1) + 2) / 4) as u8
            })
            .collect::<Vec<u8>>();
        (&halved[..], w, h)
    } else {
        (&item.px[..], item.w, item.h)
    };
    let Ok(view) = zxingcpp::ImageView::from_slice(px, w, h, zxingcpp::ImageFormat::Lum) else {
        return (vec![], false);
    };
    let mut reader = zxingcpp::read().formats(zxingcpp::BarcodeFormat::QRCode);
    if has("easy") {
        reader = reader.try_harder(false);
    }
    if has("nodown") {
        reader = reader.try_downscale(false);
    }
    if has("noinvert") {
        reader = reader.try_invert(false);
    }
    let mut texts: Vec<String> = match reader.from(view) {
        Ok(v) => v.iter().map(|b| b.text()).collect(),
        Err(_) => vec![],
    };
    // tiles: also on overlapping tiles of a quarter of the image each way (3x3 of half size each).
    if has("tiles") {
        let (tw, th) = (w / 2, h / 2);
        for j in 0..3 {
            for i in 0..3 {
                let (x0, y0) = (i * tw / 2, j * th / 2);
                let tile: Vec<u8> = (y0..y0 + th)
                    .flat_map(|y| px[y * w + x0..y * w + x0 + tw].iter().copied())
                    .collect();
                if let Ok(v) = zxingcpp::ImageView::from_slice(&tile, tw, th, zxingcpp::ImageFormat::Lum) {
                    for b in reader.from(v).unwrap_or_default() {
                        let t = b.text();
                        if !texts.contains(&t) {
                            texts.push(t);
                        }
                    }
                }
            }
        }
    }
    (texts, false)
}

#[cfg(not(feature = "scan-zxing"))]
fn zxing_cpp(_: &Item) -> (Vec<String>, bool) {
    (vec![], false)
}

/// Decoded texts, and whether the decoder panicked.
fn run(dec: Decoder, item: &Item, opts: &ScanOptions) -> (Vec<String>, bool) {
    match dec {
        Decoder::Rqrr => plain_rqrr(item.w, item.h, &item.px),
        Decoder::Rqrr640 => {
            let (w, h, px) = shrink(item, 640);
            plain_rqrr(w, h, &px)
        }
        Decoder::Zxing => zxing_cpp(item),
        Decoder::Pipeline | Decoder::Fallback => {
            let opts = ScanOptions {
                fallback: dec == Decoder::Fallback,
                ..opts.clone()
            };
            let f = GrayFrame {
                width: item.w,
                height: item.h,
                stride: item.w,
                data: &item.px,
            };
            let codes = scan_gray_frame(f, &opts).unwrap();
            FOUND_BY.with(|m| {
                let mut m = m.borrow_mut();
                for c in &codes {
                    *m.entry((dec.name(), format!("{:?}", c.found_by))).or_insert(0) += 1;
                }
            });
            (codes.into_iter().map(|c| c.text).collect(), false)
        }
        Decoder::Rxing => {
            let r = quietly(|| {
                if item.expected.len() > 1 {
                    rxing::helpers::detect_multiple_in_luma(item.px.clone(), item.w as u32, item.h as u32)
                        .map(|v| v.into_iter().map(|r| r.getText().to_owned()).collect())
                        .unwrap_or_default()
                } else {
                    rxing::helpers::detect_in_luma(
                        item.px.clone(),
                        item.w as u32,
                        item.h as u32,
                        Some(rxing::BarcodeFormat::QR_CODE),
                    )
                    .map(|r| vec![r.getText().to_owned()])
                    .unwrap_or_default()
                }
            });
            match r {
                Ok(v) => (v, false),
                Err(_) => (vec![], true),
            }
        }
    }
}

#[derive(Default)]
struct Stats {
    codes: usize,
    read: usize,
    images: usize,
    false_positive_images: usize,
    panics: usize,
    times: Vec<f64>,
    max_wall: f64,
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn bench_set(label: &str, items: &[Item], decoders: &[Decoder], verbose: bool, mut opts: ScanOptions) {
    // The machine is shared: the wall-clock backstop would bind under other people's load and make the
    // rates depend on it. The deterministic work allowance (`effort`) still bounds every scan; the
    // times printed are CPU times of this thread.
    // TOKHAI_BENCH_BACKSTOP=1 keeps the shipped backstop instead (to see the slowest wall time with the
    // shipped settings, in the "max wall ms" column).
    if std::env::var("TOKHAI_BENCH_BACKSTOP").is_err() {
        opts.budget = std::time::Duration::from_secs(10);
    }
    // TOKHAI_BENCH_RUNGS=half,native,... measures a ladder of one's choice (snake_case rung names).
    if let Ok(r) = std::env::var("TOKHAI_BENCH_RUNGS") {
        opts.rungs = r
            .split(',')
            .map(|n| serde_json::from_str(&format!("\"{}\"", n.trim())).unwrap())
            .collect();
    }
    if let Ok(e) = std::env::var("TOKHAI_BENCH_EFFORT") {
        opts.effort = e.parse().unwrap();
    }
    // Development aid: TOKHAI_BENCH_DUMP=dir writes every image of the set as PNG.
    if let Ok(dir) = std::env::var("TOKHAI_BENCH_DUMP") {
        for (i, item) in items.iter().enumerate() {
            let name = format!(
                "{dir}/{}-{i}-{}.png",
                label.split(' ').next().unwrap_or("set"),
                item.name.replace('/', "_")
            );
            image::GrayImage::from_raw(item.w as u32, item.h as u32, item.px.clone())
                .unwrap()
                .save(name)
                .unwrap();
        }
    }
    let mut by_cat: BTreeMap<(&'static str, Decoder), Stats> = BTreeMap::new();
    for item in items {
        for &dec in decoders {
            // Thread CPU time: the machine is shared, and wall time would measure the neighbours.
            let t = cpu_time::ThreadTime::now();
            let wall = std::time::Instant::now();
            let (texts, panicked) = run(dec, item, &opts);
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            let wall_ms = wall.elapsed().as_secs_f64() * 1000.0;
            for cat in [item.category, "ALL"] {
                let s = by_cat.entry((cat, dec)).or_default();
                s.images += 1;
                s.times.push(ms);
                s.max_wall = s.max_wall.max(wall_ms);
                s.panics += usize::from(panicked);
                s.codes += item.expected.len();
                let hits = item
                    .expected
                    .iter()
                    .filter(|e| texts.iter().any(|t| t == *e))
                    .count();
                s.read += hits;
                if texts.iter().any(|t| !item.expected.contains(t)) {
                    s.false_positive_images += 1;
                }
            }
            if verbose && matches!(dec, Decoder::Pipeline | Decoder::Fallback) {
                let hits = item
                    .expected
                    .iter()
                    .filter(|e| texts.iter().any(|t| t == *e))
                    .count();
                if hits < item.expected.len() || texts.len() > item.expected.len() {
                    println!(
                        "  miss {label} {} {} [{}] read {hits}/{} (+{} other) {ms:.1} ms",
                        dec.name(),
                        item.name,
                        item.category,
                        item.expected.len(),
                        texts.len().saturating_sub(hits)
                    );
                    if std::env::var("TOKHAI_BENCH_VERBOSE_TEXT").is_ok() {
                        for t in texts.iter().filter(|t| !item.expected.contains(t)) {
                            println!("    got {t:?}");
                        }
                    }
                }
            }
        }
    }
    if verbose {
        for ((d, r), n) in FOUND_BY.with(|m| std::mem::take(&mut *m.borrow_mut())) {
            println!("  found by {r}: {n} ({d})");
        }
    }
    println!("\n### {label} ({} images)\n", items.len());
    println!(
        "| set | decoder | codes read | rate | wrong/extra | panics | median ms | p90 ms | max ms | max wall ms |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut keys: Vec<_> = by_cat.keys().copied().collect();
    keys.sort_by_key(|(c, d)| (*c == "ALL", *c, *d));
    for key in keys {
        let s = by_cat.get_mut(&key).unwrap();
        let rate = if s.codes > 0 {
            format!("{:.1}%", 100.0 * s.read as f64 / s.codes as f64)
        } else {
            "-".into()
        };
        let (med, p90, max) = (
            pct(&mut s.times, 0.5),
            pct(&mut s.times, 0.9),
            pct(&mut s.times, 1.0),
        );
        println!(
            "| {} | {} | {}/{} | {rate} | {} | {} | {med:.2} | {p90:.2} | {max:.1} | {:.1} |",
            key.0,
            key.1.name(),
            s.read,
            s.codes,
            s.false_positive_images,
            s.panics,
            s.max_wall
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments. Plain rqrr and rxing panics are counted, not printed.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !QUIET.with(std::cell::Cell::get) {
            previous(info);
        }
    }));
    let sets = std::env::var("TOKHAI_BENCH_SETS")
        .unwrap_or_else(|_| "zxing,frames720,frames480,nocode,synth,hard,hard720,empty720".into());
    let decoders: Vec<Decoder> = std::env::var("TOKHAI_BENCH_DECODERS")
        .unwrap_or_else(|_| "rqrr,rqrr640,pipeline,fallback,rxing,zxing".into())
        .split(',')
        .filter_map(|d| match d.trim() {
            "rqrr" => Some(Decoder::Rqrr),
            "rqrr640" => Some(Decoder::Rqrr640),
            "pipeline" => Some(Decoder::Pipeline),
            "fallback" => Some(Decoder::Fallback),
            "rxing" => Some(Decoder::Rxing),
            "zxing" => Some(Decoder::Zxing),
            _ => None,
        })
        .collect();
    let verbose = std::env::var("TOKHAI_BENCH_VERBOSE").is_ok_and(|v| v == "1");
    let per: usize = std::env::var("TOKHAI_BENCH_SYNTH_PER")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let want = |s: &str| sets.split(',').any(|x| x.trim() == s);
    let dir = data_dir();
    if dir.is_none() {
        println!("qr-photos not found (set TOKHAI_QR_PHOTOS); photo sets skipped");
    }
    let photos = dir.as_deref().map(zxing).unwrap_or_default();
    if want("zxing") && !photos.is_empty() {
        bench_set(
            "zxing photos",
            &photos,
            &decoders,
            verbose,
            ScanOptions::default(),
        );
    }
    if want("frames720") && !photos.is_empty() {
        let frames: Vec<_> = photos
            .iter()
            .enumerate()
            .map(|(i, p)| frame_of(p, 1280, 720, i))
            .collect();
        bench_set(
            "1280x720 frames from the zxing photos",
            &frames,
            &decoders,
            verbose,
            ScanOptions::live(),
        );
    }
    if want("frames480") && !photos.is_empty() {
        let frames: Vec<_> = photos
            .iter()
            .enumerate()
            .map(|(i, p)| frame_of(p, 640, 480, i))
            .collect();
        bench_set(
            "640x480 frames from the zxing photos",
            &frames,
            &decoders,
            verbose,
            ScanOptions::live(),
        );
    }
    if let Some(d) = dir.as_deref().filter(|_| want("nocode")) {
        bench_set(
            "no-code photos (any read is wrong)",
            &nocode(d),
            &decoders,
            verbose,
            ScanOptions::default(),
        );
    }
    if want("synth") {
        let items: Vec<Item> = synth::hard_set(per)
            .into_iter()
            .enumerate()
            .map(|(i, s)| Item {
                name: format!("{}#{i}", s.category),
                w: s.w,
                h: s.h,
                px: s.px,
                expected: s.expected,
                category: s.category,
            })
            .collect();
        bench_set(
            "synthetic hard set",
            &items,
            &decoders,
            verbose,
            ScanOptions::default(),
        );
    }
    let hard_per: usize = std::env::var("TOKHAI_BENCH_HARD_PER")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    if want("hard") || want("hard720") || want("empty720") {
        // TOKHAI_BENCH_CATS=lots,close: only those conditions of the hard set (development aid).
        let cats = std::env::var("TOKHAI_BENCH_CATS").ok();
        let photos = photo::hard_photos(hard_per, |c| {
            cats.as_deref()
                .is_none_or(|l| l.split(',').any(|x| x.trim() == c))
        });
        if want("hard") {
            let items: Vec<Item> = photos
                .iter()
                .enumerate()
                .map(|(i, p)| Item {
                    name: format!("{}#{i}", p.category),
                    w: p.w,
                    h: p.h,
                    px: p.px.clone(),
                    expected: p.expected.clone(),
                    category: p.category,
                })
                .collect();
            bench_set(
                "hard photos (up to 12 MP; ScanOptions::default())",
                &items,
                &decoders,
                verbose,
                ScanOptions::default(),
            );
        }
        if want("hard720") {
            let mut rng = synth::Rng::new(720);
            let items: Vec<Item> = photos
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let k = (rng.next() % p.expected.len() as u64) as usize;
                    let (px, text) = photo::frame_around(p, k, 1280, 720, &mut rng);
                    Item {
                        name: format!("{}#{i}", p.category),
                        w: 1280,
                        h: 720,
                        px,
                        expected: vec![text],
                        category: p.category,
                    }
                })
                .collect();
            bench_set(
                "1280x720 frames cut from the hard photos (ScanOptions::live())",
                &items,
                &decoders,
                verbose,
                ScanOptions::live(),
            );
        }
        if want("empty720") {
            let mut frames: Vec<Item> = photo::empty_frames(&photos, 1280, 720, 60)
                .into_iter()
                .enumerate()
                .map(|(i, (px, category))| Item {
                    name: format!("empty#{i}"),
                    w: 1280,
                    h: 720,
                    px,
                    expected: vec![],
                    category,
                })
                .collect();
            if let Some(d) = dir.as_deref() {
                for (i, n) in nocode(d).iter().enumerate() {
                    let scaled = frame_of(n, 1280, 720, i);
                    frames.push(Item {
                        category: "zxing no-code photos",
                        ..scaled
                    });
                }
            }
            bench_set(
                "1280x720 frames with no code (ScanOptions::live(); any read is wrong)",
                &frames,
                &decoders,
                verbose,
                ScanOptions::live(),
            );
        }
    }
}
