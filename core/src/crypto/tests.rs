use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use proptest::prelude::*;

use super::*;

fn ctx(row: &[u8]) -> SealContext<'_> {
    SealContext::new("visits", row, "body")
}

#[test]
fn seal_then_open_round_trips() {
    let keys = StoreKeys::ephemeral().unwrap();
    let row = [7u8; 16];
    let sealed = keys
        .sealing()
        .seal(&ctx(&row), &Plaintext::new(b"NGUYEN VAN A".to_vec()))
        .unwrap();
    assert_eq!(sealed.as_bytes().len(), 12 + 37);
    assert_eq!(&sealed.as_bytes()[..5], b"TKSR\x01");
    assert_eq!(sealed.key_generation(), Some(1));
    let opened = keys.sealing().open(&ctx(&row), &sealed).unwrap();
    assert_eq!(opened.as_bytes(), b"NGUYEN VAN A");
}

#[test]
fn equal_plaintexts_seal_differently() {
    let keys = StoreKeys::ephemeral().unwrap();
    let plain = Plaintext::new(b"same".to_vec());
    let a = keys.sealing().seal(&ctx(b"r"), &plain).unwrap();
    let b = keys.sealing().seal(&ctx(b"r"), &plain).unwrap();
    assert_ne!(a, b, "fresh nonce each time");
}

#[test]
fn another_table_row_or_column_fails_integrity() {
    let keys = StoreKeys::ephemeral().unwrap();
    let sealed = keys.sealing().seal_json(&ctx(b"row-a"), &"answer").unwrap();
    for other in [
        SealContext::new("visits", b"row-b", "body"),
        SealContext::new("persons", b"row-a", "body"),
        SealContext::new("visits", b"row-a", "other"),
        // Length prefixes keep field boundaries: moving a byte between fields changes the data.
        SealContext::new("visits", b"row-", "abody"),
    ] {
        let err = keys.sealing().open_json::<String>(&other, &sealed).unwrap_err();
        assert!(matches!(err, CryptoError::Integrity), "{err:?}");
    }
    assert_eq!(
        keys.sealing()
            .open_json::<String>(&ctx(b"row-a"), &sealed)
            .unwrap(),
        "answer"
    );
}

#[test]
fn every_flipped_byte_is_refused() {
    let keys = StoreKeys::ephemeral().unwrap();
    let sealed = keys
        .sealing()
        .seal(&ctx(b"row"), &Plaintext::new(b"0912345678".to_vec()))
        .unwrap();
    for i in 0..sealed.as_bytes().len() {
        let mut bytes = sealed.as_bytes().to_vec();
        bytes[i] ^= 0x01;
        let result = Sealed::from_bytes(bytes).and_then(|s| keys.sealing().open(&ctx(b"row"), &s));
        let err = result.unwrap_err();
        let expected = match i {
            0..=3 => matches!(err, CryptoError::Malformed(_)),
            4 => matches!(err, CryptoError::UnsupportedVersion(0)),
            5..=8 => matches!(err, CryptoError::KeyGeneration { .. }),
            _ => matches!(err, CryptoError::Integrity),
        };
        assert!(expected, "byte {i}: {err:?}");
    }
}

#[test]
fn truncated_records_are_malformed() {
    let keys = StoreKeys::ephemeral().unwrap();
    let sealed = keys
        .sealing()
        .seal(&ctx(b"row"), &Plaintext::new(Vec::new()))
        .unwrap();
    assert_eq!(
        sealed.as_bytes().len(),
        37,
        "empty plaintext still has a full envelope"
    );
    for len in 0..37 {
        let err = Sealed::from_bytes(sealed.as_bytes()[..len].to_vec()).unwrap_err();
        assert!(matches!(err, CryptoError::Malformed(_)), "{len}: {err:?}");
    }
}

#[test]
fn another_key_fails_integrity() {
    let a = StoreKeys::ephemeral().unwrap();
    let b = StoreKeys::ephemeral().unwrap();
    let sealed = a
        .sealing()
        .seal(&ctx(b"row"), &Plaintext::new(b"x".to_vec()))
        .unwrap();
    assert!(matches!(
        b.sealing().open(&ctx(b"row"), &sealed),
        Err(CryptoError::Integrity)
    ));
}

#[test]
fn decode_errors_do_not_quote_the_data() {
    let keys = StoreKeys::ephemeral().unwrap();
    let sealed = keys
        .sealing()
        .seal_json(&ctx(b"row"), &"NGUYEN VAN SECRET")
        .unwrap();
    let err = keys
        .sealing()
        .open_json::<u32>(&ctx(b"row"), &sealed)
        .unwrap_err();
    assert!(matches!(err, CryptoError::Decode("data")));
    assert!(!format!("{err} {err:?}").contains("SECRET"));
}

#[test]
fn lookup_tags_are_keyed_and_domain_separated() {
    let a = StoreKeys::ephemeral().unwrap();
    let b = StoreKeys::ephemeral().unwrap();
    let t1 = a.lookup().tag("person.id_number", b"012345678901");
    assert_eq!(t1, a.lookup().tag("person.id_number", b"012345678901"));
    assert_ne!(t1, a.lookup().tag("person.phone", b"012345678901"));
    assert_ne!(t1, a.lookup().tag("person.id_number", b"012345678902"));
    assert_ne!(t1, b.lookup().tag("person.id_number", b"012345678901"));
    assert_eq!(format!("{t1:?}"), "LookupTag(<redacted>)");
}

#[test]
fn fixed_key_record_unlocks_and_detects_wrong_key() {
    let right = FixedKeyProvider::new([1; 32]);
    let (record, keys) = KeyRecord::create(&right, [9; 16]).unwrap();
    assert_eq!(record.params, KekParams::Fixed);
    assert_eq!(record.label(), format!("tokhai-store-{}", "09".repeat(16)));
    let sealed = keys.sealing().seal_json(&ctx(b"row"), &42u32).unwrap();

    let unlocked = record.unlock(&right).unwrap();
    assert_eq!(
        unlocked
            .sealing()
            .open_json::<u32>(&ctx(b"row"), &sealed)
            .unwrap(),
        42
    );
    assert_eq!(unlocked.lookup().tag("d", b"v"), keys.lookup().tag("d", b"v"));

    let wrong = FixedKeyProvider::new([2; 32]);
    assert!(matches!(record.unlock(&wrong), Err(KeyProviderError::WrongKey)));
}

#[test]
fn tampered_key_record_is_refused_clearly() {
    let provider = FixedKeyProvider::new([1; 32]);
    let (record, _) = KeyRecord::create(&provider, [3; 16]).unwrap();

    let mut wrapped = record.wrapped.as_bytes().to_vec();
    *wrapped.last_mut().unwrap() ^= 0x80;
    let bad_wrap = KeyRecord {
        wrapped: Sealed::from_bytes(wrapped).unwrap(),
        ..record.clone()
    };
    assert!(matches!(
        bad_wrap.unlock(&provider),
        Err(KeyProviderError::Crypto(CryptoError::Integrity))
    ));

    let mut canary = record.canary;
    canary[0] ^= 1;
    let bad_canary = KeyRecord {
        canary,
        ..record.clone()
    };
    assert!(matches!(
        bad_canary.unlock(&provider),
        Err(KeyProviderError::WrongKey)
    ));

    // Moving a key record to another store id: the canary binds the id.
    let moved = KeyRecord {
        store_id: [4; 16],
        ..record.clone()
    };
    assert!(matches!(moved.unlock(&provider), Err(KeyProviderError::WrongKey)));

    let pass = PassphraseProvider::new("x").unwrap();
    assert!(matches!(
        record.unlock(&pass),
        Err(KeyProviderError::ProviderMismatch {
            stored: ProviderKind::Fixed,
            given: ProviderKind::Passphrase
        })
    ));
}

#[test]
fn passphrase_unlocks_in_any_normal_form_and_refuses_another() {
    // "Hà Tĩnh" typed precomposed (NFC) and decomposed (NFD).
    let nfc = PassphraseProvider::new("m\u{1EAD}t kh\u{1EA9}u H\u{E0} T\u{129}nh").unwrap();
    let nfd = PassphraseProvider::new("ma\u{323}\u{302}t kha\u{302}\u{309}u Ha\u{300} Ti\u{303}nh").unwrap();
    let (record, keys) = KeyRecord::create(&nfc, [5; 16]).unwrap();
    match &record.params {
        KekParams::Passphrase { iterations, salt } => {
            assert_eq!(*iterations, PBKDF2_MIN_ITERATIONS);
            assert_ne!(salt, &[0; 16]);
        }
        other => panic!("{other:?}"),
    }
    let unlocked = record.unlock(&nfd).unwrap();
    assert_eq!(unlocked.lookup().tag("d", b"v"), keys.lookup().tag("d", b"v"));
    let wrong = PassphraseProvider::new("mat khau Ha Tinh").unwrap();
    assert!(matches!(record.unlock(&wrong), Err(KeyProviderError::WrongKey)));
}

#[test]
fn passphrase_rules() {
    assert!(matches!(
        PassphraseProvider::new(""),
        Err(KeyProviderError::EmptyPassphrase)
    ));
    let p = PassphraseProvider::new("secret words").unwrap();
    assert!(matches!(
        p.with_iterations(100_000),
        Err(KeyProviderError::BadParameters(_))
    ));
    let p = PassphraseProvider::new("secret words").unwrap();
    let weak = KekParams::Passphrase {
        salt: [1; 16],
        iterations: 1_000,
    };
    assert!(matches!(
        p.unlock("l", &weak),
        Err(KeyProviderError::BadParameters(_))
    ));
    assert!(!format!("{p:?}").contains("secret"));
    assert!(matches!(
        PassphraseProvider::from_env("TOKHAI_TEST_SURELY_UNSET_VARIABLE"),
        Err(KeyProviderError::EmptyPassphrase)
    ));
}

#[test]
fn kek_params_text_form() {
    let p = KekParams::Passphrase {
        salt: [0xab; 16],
        iterations: 600_000,
    };
    let text = p.encode();
    assert_eq!(
        text,
        format!("passphrase pbkdf2-hmac-sha256 600000 {}", "ab".repeat(16))
    );
    assert_eq!(KekParams::decode(&text).unwrap(), p);
    for simple in [KekParams::OsKeyStore, KekParams::Platform, KekParams::Fixed] {
        assert_eq!(KekParams::decode(&simple.encode()).unwrap(), simple);
    }
    for bad in [
        "",
        "passphrase",
        "passphrase pbkdf2-hmac-sha256 x abab",
        "passphrase pbkdf2-hmac-sha256 600000 abab",
        "passphrase scrypt 600000 abababababababababababababababab",
        "fixed extra",
        "keychain",
    ] {
        assert!(
            matches!(KekParams::decode(bad), Err(KeyProviderError::BadParameters(_))),
            "{bad:?}"
        );
    }
}

/// A platform key store in memory, with a switch that makes it unavailable.
#[derive(Debug, Default)]
struct MemoryPlatform {
    secrets: Mutex<HashMap<String, Vec<u8>>>,
    locked: Mutex<bool>,
}

impl PlatformKeyStore for MemoryPlatform {
    fn load(&self, name: String) -> Result<Option<Vec<u8>>, PlatformKeyError> {
        if *self.locked.lock().unwrap() {
            return Err(PlatformKeyError::Unavailable("device locked".into()));
        }
        Ok(self.secrets.lock().unwrap().get(&name).cloned())
    }
    fn save(&self, name: String, secret: Vec<u8>) -> Result<(), PlatformKeyError> {
        self.secrets.lock().unwrap().insert(name, secret);
        Ok(())
    }
    fn delete(&self, name: String) -> Result<(), PlatformKeyError> {
        self.secrets.lock().unwrap().remove(&name);
        Ok(())
    }
}

#[test]
fn platform_provider_keeps_destroys_and_reports_unavailable() {
    let platform = Arc::new(MemoryPlatform::default());
    let provider = PlatformKeyProvider::new(platform.clone());
    let (record, _) = KeyRecord::create(&provider, [6; 16]).unwrap();
    assert_eq!(platform.secrets.lock().unwrap()[&record.label()].len(), 32);
    record.unlock(&provider).unwrap();

    *platform.locked.lock().unwrap() = true;
    assert!(matches!(
        record.unlock(&provider),
        Err(KeyProviderError::Unavailable(_))
    ));
    *platform.locked.lock().unwrap() = false;

    provider.destroy(&record.label()).unwrap();
    assert!(matches!(
        record.unlock(&provider),
        Err(KeyProviderError::NotFound)
    ));
}

#[test]
fn secrets_are_never_printed() {
    let keys = StoreKeys::ephemeral().unwrap();
    assert_eq!(format!("{keys:?}"), "StoreKeys(generation 1, <redacted>)");
    assert_eq!(
        format!("{:?}", FixedKeyProvider::new([0x41; 32])),
        "FixedKeyProvider(<redacted>)"
    );
    assert_eq!(
        format!("{:?}", KeyEncryptionKey::from_bytes(&[0x41; 32]).unwrap()),
        "KeyEncryptionKey(<redacted>)"
    );
    assert_eq!(
        format!("{:?}", Plaintext::new(b"secret".to_vec())),
        "Plaintext(<6 bytes>)"
    );
    assert!(KeyEncryptionKey::from_bytes(&[0; 31]).is_err());
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_open_or_panic(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
        let keys = StoreKeys::ephemeral().unwrap();
        if let Ok(sealed) = Sealed::from_bytes(bytes) {
            prop_assert!(keys.sealing().open(&ctx(b"row"), &sealed).is_err());
        }
    }

    #[test]
    fn any_plaintext_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..2048), row in any::<[u8; 16]>()) {
        let keys = StoreKeys::ephemeral().unwrap();
        let sealed = keys.sealing().seal(&ctx(&row), &Plaintext::new(bytes.clone())).unwrap();
        prop_assert_eq!(sealed.as_bytes().len(), bytes.len() + 37);
        let opened = keys.sealing().open(&ctx(&row), &sealed).unwrap();
        prop_assert_eq!(opened.as_bytes(), &bytes[..]);
    }
}

/// On a desktop with a key store this round-trips a key; on a headless machine (like CI) it must fail
/// with a clear "unavailable", never fall back silently.
#[cfg(feature = "keyring")]
#[test]
fn os_key_store_round_trips_or_says_unavailable() {
    let provider = OsKeyStoreProvider::with_service("tokhai-test");
    match KeyRecord::create(&provider, [8; 16]) {
        Ok((record, keys)) => {
            let unlocked = record.unlock(&provider).unwrap();
            assert_eq!(unlocked.lookup().tag("d", b"v"), keys.lookup().tag("d", b"v"));
            provider.destroy(&record.label()).unwrap();
            assert!(matches!(
                record.unlock(&provider),
                Err(KeyProviderError::NotFound)
            ));
        }
        Err(err) => {
            assert!(matches!(err, KeyProviderError::Unavailable(_)), "{err:?}");
            eprintln!("OS key store unavailable here, as expected on a headless machine: {err}");
        }
    }
}
