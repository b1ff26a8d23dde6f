//! Frozen test vectors of the sealed-record format and the key hierarchy
//! (`docs/protocol/vectors/sealed-record-v1.json`, described in `docs/protocol/sealed-record.md`).
//! If one of these fails, a change broke the format of every store in the field: do not update the
//! vectors; add a new format version instead.

use serde::Deserialize;

use super::hex;
use super::*;

const VECTORS: &str = include_str!("../../../docs/protocol/vectors/sealed-record-v1.json");

#[derive(Deserialize)]
struct Vectors {
    envelope: Vec<EnvelopeVector>,
    derived: Vec<DerivedVector>,
    key_records: Vec<KeyRecordVector>,
}

/// A record sealed with a raw AES-256-GCM key and a given nonce.
#[derive(Deserialize)]
struct EnvelopeVector {
    key: String,
    generation: u32,
    nonce: String,
    table: String,
    row: String,
    column: String,
    plaintext: String,
    sealed: String,
}

/// A record sealed with the sealing key derived from a data key, and a look-up tag.
#[derive(Deserialize)]
struct DerivedVector {
    data_key: String,
    generation: u32,
    nonce: String,
    table: String,
    row: String,
    column: String,
    plaintext: String,
    sealed: String,
    lookup_domain: String,
    lookup_value: String,
    lookup_tag: String,
}

/// A stored key record and what unlocks it; the unlocked keys must open `sealed`.
#[derive(Deserialize)]
struct KeyRecordVector {
    provider: String,
    secret: String,
    store_id: String,
    generation: u32,
    params: String,
    canary: String,
    wrapped: String,
    table: String,
    row: String,
    column: String,
    plaintext: String,
    sealed: String,
}

fn bytes(text: &str) -> Vec<u8> {
    hex::decode(text).unwrap()
}

fn vectors() -> Vectors {
    serde_json::from_str(VECTORS).unwrap()
}

#[test]
fn frozen_envelopes_seal_and_open() {
    for v in vectors().envelope {
        let key = SealingKey::from_raw(&bytes(&v.key).try_into().unwrap(), v.generation).unwrap();
        let row = bytes(&v.row);
        let ctx = SealContext::new(&v.table, &row, &v.column);
        let sealed = key
            .seal_with_nonce(&ctx, &bytes(&v.plaintext), bytes(&v.nonce).try_into().unwrap())
            .unwrap();
        assert_eq!(hex::encode(sealed.as_bytes()), v.sealed);
        let frozen = Sealed::from_bytes(bytes(&v.sealed)).unwrap();
        assert_eq!(key.open(&ctx, &frozen).unwrap().as_bytes(), bytes(&v.plaintext));
    }
}

#[test]
fn frozen_derivations_hold() {
    for v in vectors().derived {
        let keys = StoreKeys::from_data_key(bytes(&v.data_key).try_into().unwrap(), v.generation).unwrap();
        let row = bytes(&v.row);
        let ctx = SealContext::new(&v.table, &row, &v.column);
        let sealed = keys
            .sealing()
            .seal_with_nonce(&ctx, &bytes(&v.plaintext), bytes(&v.nonce).try_into().unwrap())
            .unwrap();
        assert_eq!(hex::encode(sealed.as_bytes()), v.sealed);
        let tag = keys.lookup().tag(&v.lookup_domain, v.lookup_value.as_bytes());
        assert_eq!(hex::encode(tag.as_bytes()), v.lookup_tag);
    }
}

#[test]
fn frozen_key_records_unlock() {
    for v in vectors().key_records {
        let provider: Box<dyn KeyProvider> = match v.provider.as_str() {
            "fixed" => Box::new(FixedKeyProvider::new(bytes(&v.secret).try_into().unwrap())),
            "passphrase" => Box::new(PassphraseProvider::new(v.secret.clone()).unwrap()),
            other => panic!("unknown provider {other}"),
        };
        let record = KeyRecord {
            store_id: bytes(&v.store_id).try_into().unwrap(),
            generation: v.generation,
            params: KekParams::decode(&v.params).unwrap(),
            canary: bytes(&v.canary).try_into().unwrap(),
            wrapped: Sealed::from_bytes(bytes(&v.wrapped)).unwrap(),
        };
        let keys = record.unlock(provider.as_ref()).unwrap();
        let row = bytes(&v.row);
        let sealed = Sealed::from_bytes(bytes(&v.sealed)).unwrap();
        let opened = keys
            .sealing()
            .open(&SealContext::new(&v.table, &row, &v.column), &sealed)
            .unwrap();
        assert_eq!(opened.as_bytes(), bytes(&v.plaintext));
    }
}

/// Prints a fresh set of vectors (run once, by hand, when a new format version is added).
#[test]
#[ignore = "generator, run by hand"]
fn generate() {
    let envelope_key: [u8; 32] = std::array::from_fn(|i| i as u8);
    let nonce: [u8; 12] = std::array::from_fn(|i| 0xa0 + i as u8);
    let row: [u8; 16] = std::array::from_fn(|i| 1 + i as u8);
    let plaintext = "tờ khai y tế".as_bytes();
    let ctx = SealContext::new("visits", &row, "body");
    let key = SealingKey::from_raw(&envelope_key, 1).unwrap();
    let sealed = key.seal_with_nonce(&ctx, plaintext, nonce).unwrap();
    println!("envelope sealed {}", hex::encode(sealed.as_bytes()));
    let empty = key
        .seal_with_nonce(&SealContext::new("outbox", &row, "body"), b"", nonce)
        .unwrap();
    println!("envelope empty {}", hex::encode(empty.as_bytes()));

    let keys = StoreKeys::from_data_key([0x42; 32], 1).unwrap();
    let sealed = keys.sealing().seal_with_nonce(&ctx, plaintext, nonce).unwrap();
    println!("derived sealed {}", hex::encode(sealed.as_bytes()));
    let tag = keys.lookup().tag("persons.doc_tag", b"cccd:079187654321");
    println!("derived tag {}", hex::encode(tag.as_bytes()));

    for (name, provider) in [
        (
            "fixed",
            Box::new(FixedKeyProvider::new([0x11; 32])) as Box<dyn KeyProvider>,
        ),
        (
            "passphrase",
            Box::new(PassphraseProvider::new("tokhai mật khẩu").unwrap()),
        ),
    ] {
        let (record, keys) = KeyRecord::create(provider.as_ref(), [0x77; 16]).unwrap();
        let sealed = keys.sealing().seal_bytes(&ctx, plaintext).unwrap();
        println!(
            "{name}: params {} canary {} wrapped {} sealed {}",
            record.params.encode(),
            hex::encode(&record.canary),
            hex::encode(record.wrapped.as_bytes()),
            hex::encode(sealed.as_bytes())
        );
    }
}
