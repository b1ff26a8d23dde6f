//! Local-store benchmark (not a test): prints a table of figures for `docs/benchmarks.md`.
//!
//!     cargo bench -p tokhai-core --bench store
//!
//! - check-in commit latency (p50/p99/max) with `synchronous=FULL`, on the disk holding the temp dir
//!   (`TMPDIR` chooses it);
//! - opening the store and listing 500 (and 5,000) visits, sorted newest first after opening;
//! - sealing and opening throughput of the envelope beside raw ring AES-256-GCM on the same bytes;
//! - PBKDF2-HMAC-SHA256 key derivation (600,000 iterations).

// A benchmark is a program that reports: printing is its job, and a failed step should stop it.
#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeZone;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use tokhai_core::{
    CheckpointId, CheckpointKind, CheckpointRef, Clock, Engine, FixedClock, FixedKeyProvider, KeyRecord,
    PassphraseProvider, Plaintext, Policy, SealContext, StoreKeys, SystemClock,
};

fn checkpoint(id: u64) -> CheckpointRef {
    CheckpointRef {
        id: CheckpointId(id),
        parent: Some(CheckpointId(7)),
        name: "Chợ Bến Thành — cổng số 3, khu hàng khô".to_owned(),
        kind: CheckpointKind::Market,
        ward: 26734,
        street: "Lê Lợi, phường Bến Thành".to_owned(),
        default_stay_minutes: Some(60),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    percentile(&samples, 0.5)
}

fn check_in_latency() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path(), FixedKeyProvider::new([1; 32]), SystemClock).unwrap();
    // Warm up: the first check-ins create pages.
    for i in 0..50 {
        engine.check_in(checkpoint(i)).unwrap();
    }
    let mut samples = Vec::with_capacity(1000);
    for i in 0..1000 {
        let start = Instant::now();
        engine.check_in(checkpoint(1000 + i)).unwrap();
        samples.push(start.elapsed());
    }
    samples.sort();
    println!(
        "| check-in commit (close previous + new visit + 2 outbox entries, synchronous=FULL), n=1000 | p50 {} · p99 {} · max {} |",
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.99)),
        ms(*samples.last().unwrap())
    );
}

fn open_and_list(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let start = chrono::Utc.with_ymd_and_hms(2021, 5, 20, 7, 0, 0).unwrap();
    let clock = Arc::new(FixedClock::new(start));
    {
        let engine = Engine::open_with(
            dir.path(),
            Arc::new(FixedKeyProvider::new([2; 32])),
            clock.clone(),
            Policy::default(),
        )
        .unwrap();
        for i in 0..n as u64 {
            engine.check_in(checkpoint(i)).unwrap();
            clock.advance(chrono::Duration::minutes(50));
        }
    }
    let mut open = Vec::new();
    let mut list = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        let engine = Engine::open(
            dir.path(),
            FixedKeyProvider::new([2; 32]),
            FixedClock::new(clock.now()),
        )
        .unwrap();
        open.push(t.elapsed());
        let t = Instant::now();
        let visits = engine.visits().unwrap();
        list.push(t.elapsed());
        assert_eq!(visits.len(), n);
    }
    let (open, list) = (median(open), median(list));
    println!(
        "| open store (fixed key) + list {n} visits newest first (open, decrypt, sort) | {} + {} = {} |",
        ms(open),
        ms(list),
        ms(open + list)
    );
}

fn sealing_throughput() {
    let keys = StoreKeys::ephemeral().unwrap();
    let raw = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &[3; 32]).unwrap());
    let row = [9u8; 16];
    let ctx = SealContext::new("visits", &row, "body");
    for size in [256usize, 4096, 65536] {
        let total = 64 << 20;
        let count = total / size;
        let data = vec![0x5au8; size];

        let t = Instant::now();
        let mut sealed = None;
        for _ in 0..count {
            sealed = Some(keys.sealing().seal(&ctx, &Plaintext::new(data.clone())).unwrap());
        }
        let seal = t.elapsed();

        let sealed = sealed.unwrap();
        let t = Instant::now();
        for _ in 0..count {
            let opened = keys.sealing().open(&ctx, &sealed).unwrap();
            assert_eq!(opened.as_bytes().len(), size);
        }
        let open = t.elapsed();

        let t = Instant::now();
        for counter in 0..count as u64 {
            let mut buf = data.clone();
            let mut nonce = [0u8; 12];
            nonce[..8].copy_from_slice(&counter.to_le_bytes());
            let tag = raw
                .seal_in_place_separate_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut buf)
                .unwrap();
            buf.extend_from_slice(tag.as_ref());
            std::hint::black_box(&buf);
        }
        let bare = t.elapsed();

        let mbs = |d: Duration| (count * size) as f64 / d.as_secs_f64() / 1e6;
        println!(
            "| seal {size} B records: envelope {:.0} MB/s · raw ring AES-256-GCM {:.0} MB/s · ratio {:.2} · open {:.0} MB/s |",
            mbs(seal),
            mbs(bare),
            mbs(bare) / mbs(seal),
            mbs(open)
        );
    }
}

fn pbkdf2() {
    let provider = PassphraseProvider::new("một mật khẩu đủ dài").unwrap();
    let samples: Vec<Duration> = (0..3u8)
        .map(|i| {
            let t = Instant::now();
            KeyRecord::create(&provider, [i; 16]).unwrap();
            t.elapsed()
        })
        .collect();
    println!(
        "| PBKDF2-HMAC-SHA256, 600,000 iterations (create a passphrase store's keys), median of 3 | {} |",
        ms(median(samples))
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing useful: run either way.
    println!("| measurement | result |");
    println!("|---|---|");
    check_in_latency();
    open_and_list(500);
    open_and_list(5000);
    sealing_throughput();
    pbkdf2();
}
