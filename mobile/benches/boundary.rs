//! The Rust side of the boundary benchmark (not a test): the same `Tokhai` calls the Python and Kotlin
//! bindings make, called from Rust, so that the difference is the cost of crossing the boundary (lowering
//! the arguments, lifting the records, the foreign runtime's call). `mobile/bench.sh` prepares the inputs
//! (a trust list, two signed checkpoint codes and their QR codes as NV21 frames, made by the real CLI),
//! runs this and then the same steps through Python, and prints both tables.
//!
//!     mobile/bench.sh                       # both sides; figures in docs/benchmarks.md
//!     TOKHAI_BENCH_INPUT=dir cargo bench -p tokhai-mobile --bench boundary

// A benchmark is a program that reports: printing is its job, and a failed step should stop it.
#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokhai_mobile::{CameraFrame, DeclarationForm, KeyStore, KeyStoreError, PixelFormat, Tokhai};

#[derive(Default)]
struct Memory(Mutex<HashMap<String, Vec<u8>>>);

impl KeyStore for Memory {
    fn load(&self, name: String) -> Result<Option<Vec<u8>>, KeyStoreError> {
        Ok(self.0.lock().unwrap().get(&name).cloned())
    }
    fn save(&self, name: String, secret: Vec<u8>) -> Result<(), KeyStoreError> {
        self.0.lock().unwrap().insert(name, secret);
        Ok(())
    }
    fn delete(&self, name: String) -> Result<(), KeyStoreError> {
        self.0.lock().unwrap().remove(&name);
        Ok(())
    }
}

fn input() -> PathBuf {
    PathBuf::from(std::env::var("TOKHAI_BENCH_INPUT").expect("TOKHAI_BENCH_INPUT: run mobile/bench.sh"))
}

fn frame(n: u32) -> CameraFrame {
    let dir = input();
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(format!("frame{n}.json"))).unwrap()).unwrap();
    let size = |k: &str| u32::try_from(meta[k].as_u64().unwrap()).unwrap();
    CameraFrame {
        data: std::fs::read(dir.join(format!("frame{n}.nv21"))).unwrap(),
        width: size("width"),
        height: size("height"),
        stride: size("width"),
        format: PixelFormat::Nv21,
    }
}

fn form() -> DeclarationForm {
    let json = std::fs::read_to_string(input().join("form.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let s = |k: &str| v[k].as_str().unwrap().to_owned();
    let mut f = DeclarationForm {
        full_name: s("full_name"),
        id_number: s("id_number"),
        birth_year: s("birth_year"),
        sex: s("sex"),
        phone: s("phone"),
        ..DeclarationForm::default()
    };
    f.address.province = s("province");
    f.address.ward = s("ward");
    f.address.street = s("street");
    f
}

fn open() -> (tempfile::TempDir, std::sync::Arc<Tokhai>) {
    let dir = tempfile::tempdir().unwrap();
    let t = Tokhai::open(
        dir.path().join("data").to_string_lossy().into_owned(),
        Box::new(Memory::default()),
    )
    .unwrap();
    t.add_trust_list(std::fs::read_to_string(input().join("trust.json")).unwrap())
        .unwrap();
    t.declare(form()).unwrap();
    (dir, t)
}

fn line(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "| {what} | {} | {:.0} µs | {:.0} µs |",
        samples.len(),
        us(at(0.5)),
        us(at(0.99))
    );
}

fn main() {
    let rounds: usize = std::env::var("TOKHAI_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(200);
    println!("| Rust, no boundary | n | p50 | p99 |\n|---|---|---|---|");

    // Check-in from a 2-frame rotation: each call decodes an NV21 frame, verifies the code, and records
    // a new visit (closing the previous one) in one transaction.
    let (_d, t) = open();
    let frames = [frame(1), frame(2)];
    for f in &frames {
        t.check_in_frame(f.clone()).unwrap();
    }
    let mut samples = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let f = frames[i % 2].clone();
        let start = Instant::now();
        let r = t.check_in_frame(f).unwrap();
        samples.push(start.elapsed());
        assert!(!r.repeat);
    }
    line("check_in_frame (NV21, new visit)", samples);

    // Listing 500 visits.
    let (_d, t) = open();
    let codes = [
        std::fs::read_to_string(input().join("code1.txt")).unwrap(),
        std::fs::read_to_string(input().join("code2.txt")).unwrap(),
    ];
    for i in 0..500 {
        t.check_in_code(codes[i % 2].clone()).unwrap();
    }
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        let v = t.visits().unwrap();
        samples.push(start.elapsed());
        assert_eq!(v.len(), 500);
    }
    line("visits() with 500 visits", samples);

    // A call that does almost nothing: the floor of a crossing.
    let mut samples = Vec::with_capacity(rounds * 10);
    for _ in 0..rounds * 10 {
        let start = Instant::now();
        let n = t.pending_changes().unwrap();
        samples.push(start.elapsed());
        assert!(n > 0);
    }
    line("pending_changes()", samples);
}
