//! Tests of the scan entry points on generated codes, and a diagnostic helper for development.

use super::file::load_gray;
use super::pipeline::{Rung, ScanOptions};

/// Development aid: `TOKHAI_DIAG_FILE=path cargo test -p tokhai-core --features scan diagnose -- --ignored
/// --nocapture` prints what each rung locates and reads.
#[test]
#[ignore = "development diagnostic"]
fn diagnose() {
    let Ok(path) = std::env::var("TOKHAI_DIAG_FILE") else {
        return;
    };
    let bytes = std::fs::read(&path).unwrap();
    let (g, o) = load_gray(&bytes).unwrap();
    println!("{path}: {}x{} orientation {o}", g.width(), g.height());
    let only: Option<Rung> = std::env::var("TOKHAI_DIAG_RUNG")
        .ok()
        .and_then(|r| serde_json::from_str(&format!("\"{r}\"")).ok());
    for &rung in Rung::DEFAULT.iter().filter(|r| only.is_none_or(|o| o == **r)) {
        let opts = ScanOptions {
            rungs: vec![rung],
            exhaustive: true,
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
