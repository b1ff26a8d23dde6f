//! Test vectors of format v1 (`docs/protocol/vectors/qr-v1.json`) and the golden test that proves the
//! frozen vectors still decode, verify, and re-encode byte for byte.
//!
//! Regenerate (only when adding vectors; never to "fix" a failing golden test):
//! `cargo test -p tokhai-core qr::vectors::write_vectors -- --ignored`

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::tests::{checkpoint, personal, t};
use super::*;
use crate::clock::FixedClock;
use crate::i18n::Localized;
use crate::ids::CheckpointId;
use crate::visit::CheckpointKind;

fn path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/protocol/vectors/qr-v1.json")
}

#[derive(Serialize, Deserialize)]
struct File {
    description: String,
    key: Key,
    vectors: Vec<Vector>,
}

#[derive(Serialize, Deserialize)]
struct Key {
    id: u32,
    seed_hex: String,
    public_key_hex: String,
}

#[derive(Serialize, Deserialize)]
struct Vector {
    name: String,
    text: String,
    /// Decoded base45 body, hex (absent when the text is not a tokhai code or not base45).
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes_hex: Option<String>,
    /// `checkpoint` or `personal` payload, as JSON (absent for invalid texts).
    #[serde(skip_serializing_if = "Option::is_none")]
    checkpoint: Option<CheckpointPayload>,
    #[serde(skip_serializing_if = "Option::is_none")]
    personal: Option<PersonalPayload>,
    verify_at: String,
    /// `valid`, or the `QrError` code; for malformed texts `qr_malformed/<reason>`.
    expect: String,
}

fn seed() -> [u8; 32] {
    let d = ring::digest::digest(
        &ring::digest::SHA256,
        b"tokhai development signing key - public, never trust in production",
    );
    d.as_ref().try_into().unwrap()
}

fn outcome(store: &TrustStore, text: &str, at: &str) -> String {
    let clock = FixedClock::new(at.parse().unwrap());
    let r = match decode(text) {
        Ok(Decoded::Checkpoint(_)) => store.verify_checkpoint(text, &clock).map(|_| ()),
        Ok(Decoded::Personal(_)) => store.verify_personal(text, &clock).map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => "valid".to_owned(),
        Err(QrError::Malformed(m)) => format!("qr_malformed/{}", m.code()),
        Err(e) => e.code().to_owned(),
    }
}

fn body_hex(text: &str) -> Option<String> {
    let body = text.split_once(':')?.1;
    base45::decode(body).ok().map(|b| keys::hex(&b))
}

fn build() -> File {
    let signer = dev::signer().unwrap();
    let store = TrustStore::development().unwrap();
    let mut vs = Vec::new();
    let mut push_c = |name: &str, p: CheckpointPayload, at: &str| {
        let text = signer.sign_checkpoint(&p).unwrap().as_str().to_owned();
        let expect = outcome(&store, &text, at);
        vs.push(Vector {
            name: name.to_owned(),
            bytes_hex: body_hex(&text),
            text,
            checkpoint: Some(p),
            personal: None,
            verify_at: at.to_owned(),
            expect,
        });
    };
    push_c(
        "checkpoint, all fields, Vietnamese text in VISCII",
        checkpoint(),
        "2025-08-01T12:00:00Z",
    );
    let minimal = CheckpointPayload {
        id: CheckpointId(1),
        parent: None,
        name: "Cho Ben Thanh".to_owned(),
        kind: CheckpointKind::Market,
        ward: 26_743,
        street: "Le Loi".to_owned(),
        default_stay_minutes: None,
        issued_at: t(2025, 7, 1, 0, 0),
        valid_from: None,
        valid_until: None,
    };
    push_c(
        "checkpoint, no optional field, ASCII text",
        minimal.clone(),
        "2030-01-01T00:00:00Z",
    );
    let mut utf8 = minimal.clone();
    utf8.id = CheckpointId(u64::MAX);
    utf8.name = "Quán cà phê “Góc Phố” №3".to_owned();
    utf8.kind = CheckpointKind::Restaurant;
    push_c(
        "checkpoint, largest id, text outside VISCII in UTF-8",
        utf8,
        "2025-08-01T00:00:00Z",
    );
    push_c("checkpoint, expired", checkpoint(), "2026-07-01T00:00:00Z");
    push_c("checkpoint, not yet valid", checkpoint(), "2025-06-30T00:00:00Z");

    let signed = signer.sign_personal(&personal()).unwrap().as_str().to_owned();
    let pending = encode_pending_personal(&personal()).unwrap().as_str().to_owned();
    for (name, text, at) in [
        ("personal, signed", signed.clone(), "2025-07-03T00:00:00Z"),
        ("personal, signed, expired", signed, "2025-07-09T09:30:00Z"),
        ("personal, pending (unsigned)", pending, "2025-07-03T00:00:00Z"),
    ] {
        let expect = outcome(&store, &text, at);
        vs.push(Vector {
            name: name.to_owned(),
            bytes_hex: body_hex(&text),
            text,
            checkpoint: None,
            personal: Some(personal()),
            verify_at: at.to_owned(),
            expect,
        });
    }
    let good = signer.sign_checkpoint(&checkpoint()).unwrap().as_str().to_owned();
    let flipped = {
        let mut b = base45::decode(good.strip_prefix("TKC1:").unwrap()).unwrap();
        b[20] ^= 1;
        format!("TKC1:{}", base45::encode(&b))
    };
    for (name, text) in [
        ("one bit flipped in the name", flipped),
        ("unknown version", good.replacen("TKC1:", "TKC2:", 1)),
        ("damaged header", good.replacen("TKC1:", "TKC1", 1)),
        ("not base45", "TKC1:abc".to_owned()),
        (
            "payment code (EMVCo / VietQR)",
            "00020101021138570010A000000727012700069704360113".to_owned(),
        ),
        (
            "EU digital COVID certificate",
            "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOA+I".to_owned(),
        ),
        ("URL", "https://example.com/".to_owned()),
    ] {
        let at = "2025-08-01T12:00:00Z";
        let expect = outcome(&store, &text, at);
        vs.push(Vector {
            name: name.to_owned(),
            bytes_hex: if text.starts_with("TK") {
                body_hex(&text)
            } else {
                None
            },
            text,
            checkpoint: None,
            personal: None,
            verify_at: at.to_owned(),
            expect,
        });
    }
    File {
        description: "tokhai QR format v1 test vectors (docs/protocol/qr.md). Signed by the public development \
                      key: its seed is SHA-256 of 'tokhai development signing key - public, never trust in production'."
            .to_owned(),
        key: Key { id: dev::DEV_KEY_ID.0, seed_hex: keys::hex(&seed()), public_key_hex: keys::hex(&signer.public_key()) },
        vectors: vs,
    }
}

#[test]
#[ignore = "writes docs/protocol/vectors/qr-v1.json"]
fn write_vectors() {
    let json = serde_json::to_string_pretty(&build()).unwrap();
    std::fs::create_dir_all(path().parent().unwrap()).unwrap();
    std::fs::write(path(), json + "\n").unwrap();
}

#[test]
fn frozen_vectors_decode_verify_and_reencode() {
    let text = std::fs::read_to_string(path()).expect("docs/protocol/vectors/qr-v1.json");
    let file: File = serde_json::from_str(&text).unwrap();
    let signer = Signer::from_seed(
        KeyId(file.key.id),
        &keys::unhex::<32>(&file.key.seed_hex).unwrap(),
    )
    .unwrap();
    assert_eq!(keys::hex(&signer.public_key()), file.key.public_key_hex);
    // The verifier trusts the public key from the file, nothing else.
    let store: TrustStore = TrustStore::from_json(
        &serde_json::json!({"keys": [{"id": file.key.id, "public_key": file.key.public_key_hex,
            "not_before": "2020-01-01T00:00:00Z", "not_after": Value::Null}]})
        .to_string(),
    )
    .unwrap();
    assert!(file.vectors.len() >= 15);
    for v in &file.vectors {
        assert_eq!(outcome(&store, &v.text, &v.verify_at), v.expect, "{}", v.name);
        if let Some(h) = &v.bytes_hex {
            assert_eq!(body_hex(&v.text).as_ref(), Some(h), "{}", v.name);
        }
        if let Some(p) = &v.checkpoint {
            assert_eq!(
                decode_checkpoint(&v.text).unwrap().payload_unverified(),
                p,
                "{}",
                v.name
            );
            assert_eq!(signer.sign_checkpoint(p).unwrap().as_str(), v.text, "{}", v.name);
        }
        if let Some(p) = &v.personal {
            assert_eq!(
                decode_personal(&v.text).unwrap().payload_unverified(),
                p,
                "{}",
                v.name
            );
            let again = if v.name.contains("pending") {
                encode_pending_personal(p).unwrap()
            } else {
                signer.sign_personal(p).unwrap()
            };
            assert_eq!(again.as_str(), v.text, "{}", v.name);
        }
    }
    // Every verification outcome that v1 can give is covered by a vector.
    let seen: std::collections::BTreeSet<_> = file.vectors.iter().map(|v| v.expect.as_str()).collect();
    for e in [
        "valid",
        "qr_expired",
        "qr_not_yet_valid",
        "qr_pending",
        "qr_bad_signature",
        "qr_not_tokhai",
    ] {
        assert!(seen.contains(e), "{e}");
    }
}
