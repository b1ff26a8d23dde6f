//! 1,000+ tampered checkpoint codes, all of which must be rejected: bit flips in the base45 text and in
//! the bytes, fields changed and re-encoded without re-signing, codes signed by a wrong key, expired
//! codes and revoked codes.

use chrono::Duration;

use super::tests::{checkpoint, dev_store, t};
use super::*;
use crate::clock::FixedClock;
use crate::ids::CheckpointId;
use crate::visit::CheckpointKind;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const B45: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

fn reencode_unsigned(p: &CheckpointPayload, key: KeyId, sig: &[u8]) -> String {
    let mut body = v1::checkpoint::encode_signed_part(p, key).unwrap();
    body.extend_from_slice(sig);
    format!("TKC1:{}", base45::encode(&body))
}

#[test]
fn a_thousand_tampered_checkpoint_codes_are_all_rejected() {
    let signer = dev::signer().unwrap();
    let mut store = dev_store();
    let clock = FixedClock::new(t(2025, 8, 1, 12, 0));
    let good = signer.sign_checkpoint(&checkpoint()).unwrap();
    assert!(store.verify_checkpoint(good.as_str(), &clock).is_ok());
    let body = good.as_str().strip_prefix("TKC1:").unwrap().as_bytes().to_vec();
    let bytes = base45::decode(good.as_str().strip_prefix("TKC1:").unwrap()).unwrap();
    let sig = bytes[bytes.len() - 64..].to_vec();
    let mut rng = Rng(0x7061_7465_6e74_2131);
    let mut tampered: Vec<(String, &str)> = Vec::new();

    // 300 changes of one base45 character (a QR misread or a sticker over the poster).
    while tampered.iter().filter(|(_, k)| *k == "text").count() < 300 {
        let mut b = body.clone();
        let i = rng.below(b.len());
        let c = B45[rng.below(B45.len())];
        if b[i] == c {
            continue;
        }
        b[i] = c;
        tampered.push((format!("TKC1:{}", String::from_utf8(b).unwrap()), "text"));
    }
    // 300 single or double bit flips in the bytes.
    for n in 0..300 {
        let mut b = bytes.clone();
        for _ in 0..(1 + n % 2) {
            let i = rng.below(b.len());
            b[i] ^= 1 << rng.below(8);
        }
        if b == bytes {
            b[0] ^= 0x40;
        }
        tampered.push((format!("TKC1:{}", base45::encode(&b)), "bits"));
    }
    // 200 fields changed and re-encoded with the old signature.
    for n in 0..200 {
        let mut p = checkpoint();
        match n % 10 {
            0 => p.id = CheckpointId(p.id.0 + 1 + rng.next() % 1000),
            1 => {
                p.parent = if n % 20 == 1 {
                    None
                } else {
                    Some(CheckpointId(rng.next() % 100_000))
                }
            }
            2 => p.name = format!("{} {}", p.name, n),
            3 => {
                p.kind = [
                    CheckpointKind::Market,
                    CheckpointKind::Office,
                    CheckpointKind::Event,
                ][n % 3]
            }
            4 => p.ward = rng.next() as u32 % 99_999,
            5 => p.street = format!("{} {}", n, p.street),
            6 => p.default_stay_minutes = Some(1 + (rng.next() % 600) as u16),
            7 => p.issued_at += Duration::minutes(1 + (rng.next() % 10_000) as i64),
            8 => {
                p.valid_until = if n % 20 == 8 {
                    None
                } else {
                    Some(t(2030, 1, 1, 0, 0))
                }
            }
            _ => p.valid_from = None,
        }
        tampered.push((reencode_unsigned(&p, dev::DEV_KEY_ID, &sig), "field"));
    }
    // 100 signed by another key claiming the dev key's id, and 50 by an unknown key.
    for n in 0..150u8 {
        let id = if n < 100 {
            dev::DEV_KEY_ID
        } else {
            KeyId(u32::from(n))
        };
        let wrong = Signer::from_seed(id, &[n; 32]).unwrap();
        let mut p = checkpoint();
        p.id = CheckpointId(u64::from(n));
        tampered.push((wrong.sign_checkpoint(&p).unwrap().as_str().to_owned(), "key"));
    }
    // 50 expired (validity ended before "now").
    for n in 0..50 {
        let mut p = checkpoint();
        p.id = CheckpointId(10_000 + n);
        p.valid_until = Some(t(2025, 7, 2, 0, 0) + Duration::hours(12 * n as i64));
        tampered.push((signer.sign_checkpoint(&p).unwrap().as_str().to_owned(), "expired"));
    }
    // 50 revoked.
    for n in 0..50 {
        let mut p = checkpoint();
        p.id = CheckpointId(20_000 + n);
        store.revoke_checkpoint(p.id);
        tampered.push((signer.sign_checkpoint(&p).unwrap().as_str().to_owned(), "revoked"));
    }

    assert!(tampered.len() >= 1000, "{}", tampered.len());
    let mut reasons = std::collections::BTreeMap::<String, usize>::new();
    for (text, kind) in &tampered {
        match store.verify_checkpoint(text, &clock) {
            Ok(v) => panic!("tampered code ({kind}) accepted: {:?}", v.payload()),
            Err(e) => {
                *reasons
                    .entry(format!("{kind}:{}", crate::i18n::Localized::code(&e)))
                    .or_default() += 1
            }
        }
    }
    // Each family fails for the expected reasons.
    for (k, n) in &reasons {
        let ok = match k.split_once(':').unwrap() {
            ("text" | "bits", r) => [
                "qr_bad_signature",
                "qr_malformed",
                "qr_unknown_key",
                "qr_not_tokhai",
            ]
            .contains(&r),
            ("field", r) => r == "qr_bad_signature",
            ("key", r) => r == "qr_bad_signature" || r == "qr_unknown_key",
            ("expired", r) => r == "qr_expired",
            ("revoked", r) => r == "qr_revoked",
            _ => false,
        };
        assert!(ok, "{k}: {n}");
    }
}
