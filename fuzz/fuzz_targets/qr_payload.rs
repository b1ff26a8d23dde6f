//! The QR payload parser and verifier on arbitrary input: as text, and as bytes wrapped in each
//! tokhai prefix (so the fuzzer reaches the binary decoders without having to learn base45 first).
#![no_main]

use std::sync::OnceLock;

use chrono::TimeZone;
use libfuzzer_sys::fuzz_target;
use tokhai_core::{FallbackCode, FixedClock, TrustStore, decode_qr};

const B45: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

fn base45(bytes: &[u8]) -> String {
    let mut out = String::new();
    for pair in bytes.chunks(2) {
        let (mut v, n) = match *pair {
            [a, b] => (usize::from(a) * 256 + usize::from(b), 3),
            [a] => (usize::from(a), 2),
            _ => continue,
        };
        for _ in 0..n {
            out.push(char::from(B45[v % 45]));
            v /= 45;
        }
    }
    out
}

fn store() -> &'static TrustStore {
    static STORE: OnceLock<TrustStore> = OnceLock::new();
    STORE.get_or_init(|| TrustStore::development().unwrap())
}

fuzz_target!(|data: &[u8]| {
    let clock = FixedClock::new(chrono::Utc.with_ymd_and_hms(2025, 8, 1, 0, 0, 0).unwrap());
    let text = String::from_utf8_lossy(data);
    let _ = decode_qr(&text);
    let _ = FallbackCode::parse(&text);
    let _ = store().verify_checkpoint(&text, &clock);
    let wrapped = base45(data);
    for prefix in ["TKC1:", "TKP1:"] {
        let t = format!("{prefix}{wrapped}");
        let _ = decode_qr(&t);
        let _ = store().verify_checkpoint(&t, &clock);
        let _ = store().verify_personal(&t, &clock);
    }
});
