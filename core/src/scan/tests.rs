//! Tests of the scan entry points on generated codes, and a diagnostic helper for development.

use super::file::load_gray;
use super::pipeline::{Rung, ScanOptions};

/// Development aid: `TOKHAI_DIAG_FILE=path cargo test -p tokhai-core --features scan diagnose -- --ignored
/// --nocapture` prints what each rung locates and reads.
#[test]
#[ignore = "development diagnostic"]
fn diagnose() {
    let Ok(path) = std::env::var("TOKHAI_DIAG_FILE") else { return };
    let bytes = std::fs::read(&path).unwrap();
    let (g, o) = load_gray(&bytes).unwrap();
    println!("{path}: {}x{} orientation {o}", g.width(), g.height());
    for &rung in Rung::DEFAULT {
        let opts = ScanOptions { rungs: vec![rung], exhaustive: true, ..ScanOptions::default() };
        let t = std::time::Instant::now();
        let (codes, diag) = super::pipeline::scan_gray_diag(&g, &opts);
        println!("{rung:?}: {:.1} ms, {diag}", t.elapsed().as_secs_f64() * 1e3);
        for c in codes {
            println!("   read v{} {:?} resampled={} {:?}", c.version, c.ecc, c.resampled, c.text.chars().take(40).collect::<String>());
        }
    }
}
