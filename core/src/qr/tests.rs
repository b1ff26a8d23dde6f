//! Round trips, one negative test per verification error, foreign codes, fallback codes and property
//! tests of the payload parser.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::clock::FixedClock;
use crate::i18n::Localized;
use crate::ids::CheckpointId;
use crate::visit::{CheckpointKind, CheckpointRef};

pub(crate) fn t(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

pub(crate) fn checkpoint() -> CheckpointPayload {
    CheckpointPayload {
        id: CheckpointId(123_456),
        parent: Some(CheckpointId(123_000)),
        name: "Bệnh viện Đa khoa Quận 1 - Khoa Khám bệnh, tầng 2".to_owned(),
        kind: CheckpointKind::Clinic,
        ward: 26_740,
        street: "338 Hai Bà Trưng, Tân Định".to_owned(),
        default_stay_minutes: Some(90),
        issued_at: t(2025, 7, 1, 8, 0),
        valid_from: Some(t(2025, 7, 1, 0, 0)),
        valid_until: Some(t(2026, 7, 1, 0, 0)),
    }
}

pub(crate) fn personal() -> PersonalPayload {
    PersonalPayload {
        pseudonym: Pseudonym([7; 16]),
        issued_at: t(2025, 7, 2, 9, 30),
        declared_at: t(2025, 7, 2, 9, 0),
        status: PersonalStatus::NoSymptoms,
        expires_at: t(2025, 7, 9, 9, 30),
        initials: "NVĂ".to_owned(),
        birth_year: Some(1958),
    }
}

pub(crate) fn dev_store() -> TrustStore {
    TrustStore::development().unwrap()
}

fn at(when: DateTime<Utc>) -> FixedClock {
    FixedClock::new(when)
}

#[test]
fn checkpoint_round_trip_and_checkpoint_ref() {
    let signer = dev::signer().unwrap();
    let code = signer.sign_checkpoint(&checkpoint()).unwrap();
    assert!(code.as_str().starts_with("TKC1:"));
    assert!(
        code.as_str()
            .bytes()
            .all(|b| b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".contains(&b))
    );
    let v = dev_store()
        .verify_checkpoint(code.as_str(), &at(t(2025, 8, 1, 12, 0)))
        .unwrap();
    assert_eq!(v.payload(), &checkpoint());
    assert_eq!(v.key_id(), dev::DEV_KEY_ID);
    let r: CheckpointRef = v.clone().into();
    assert_eq!(r, v.checkpoint_ref());
    assert_eq!(r.name, checkpoint().name);
    assert_eq!(r.parent, Some(CheckpointId(123_000)));
    assert_eq!(v.code(), code);
}

#[test]
fn personal_round_trip_signed_and_pending() {
    let signer = dev::signer().unwrap();
    let code = signer.sign_personal(&personal()).unwrap();
    assert!(code.is_signed());
    let v = dev_store()
        .verify_personal(code.as_str(), &at(t(2025, 7, 3, 0, 0)))
        .unwrap();
    assert_eq!(v.payload(), &personal());
    let pending = encode_pending_personal(&personal()).unwrap();
    assert!(!pending.is_signed());
    assert_eq!(
        dev_store().verify_personal(pending.as_str(), &at(t(2025, 7, 3, 0, 0))),
        Err(QrError::Pending)
    );
    let d = decode_personal(pending.as_str()).unwrap();
    assert_eq!(d.payload_unverified(), &personal());
    assert_eq!(d.claimed_key(), None);
}

#[test]
fn a_personal_code_holds_no_phone_or_id_and_debug_hides_initials() {
    let p = personal();
    let dbg = format!("{p:?}");
    assert!(!dbg.contains("NVĂ") && !dbg.contains("1958"));
    // The signed part is exactly: flags, pseudonym, three times, status, initials, birth year, key id.
    let body = v1::personal::encode_signed_part(&p, Some(KeyId(1))).unwrap();
    assert!(body.len() <= 1 + 16 + 3 * 4 + 1 + 1 + 4 * 3 + 2 + 1);
}

#[test]
fn signer_debug_is_redacted_and_pkcs8_round_trips() {
    let (signer, pkcs8) = Signer::generate(KeyId(3)).unwrap();
    let dbg = format!("{signer:?}");
    assert!(dbg.contains("redacted"));
    assert!(!dbg.contains(&keys::hex(&pkcs8[16..48]))); // the seed
    assert!(dbg.contains(&keys::hex(&signer.public_key())));
    let again = Signer::from_pkcs8(KeyId(3), &pkcs8).unwrap();
    assert_eq!(again.public_key(), signer.public_key());
    assert!(matches!(
        Signer::from_pkcs8(KeyId(3), b"not a key"),
        Err(KeyError::Pkcs8)
    ));
}

// ---- one negative test per error ----

#[test]
fn foreign_codes_are_not_tokhai() {
    for text in [
        "https://example.com/checkin?id=42",
        "00020101021138570010A00000072701270006970436011300123456789010208QRIBFTTA53037045802VN6304ABCD",
        "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOA+I",
        "UKC19TRACING:1:eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9",
        "NZCOVIDTRACER:eyJnbG4iOiI5NDE2NTQ3",
        "WIFI:S:cafe;T:WPA;P:secret;;",
        "",
        "TK",
        "TKX1:ABC",
        "TKCHECK",
        "tkc1:abc",
        "BEGIN:VCARD",
        "Ễ",
    ] {
        assert_eq!(decode(text), Err(QrError::NotTokhai), "{text}");
        assert_eq!(
            dev_store()
                .verify_checkpoint(text, &at(t(2025, 8, 1, 0, 0)))
                .unwrap_err()
                .code(),
            "qr_not_tokhai"
        );
    }
}

#[test]
fn malformed_reasons() {
    let signer = dev::signer().unwrap();
    let good = signer.sign_checkpoint(&checkpoint()).unwrap();
    let body = good.as_str().strip_prefix("TKC1:").unwrap();
    let mal = |s: &str| match decode(s) {
        Err(QrError::Malformed(m)) => m,
        other => panic!("{s}: {other:?}"),
    };
    assert_eq!(mal("TKC1"), Malformed::Header);
    assert_eq!(mal("TKC1234:AB"), Malformed::Header);
    assert_eq!(mal(&format!("TKC2:{body}")), Malformed::Version);
    assert_eq!(mal("TKP01:00"), Malformed::Version);
    assert_eq!(mal("TKC1:abc"), Malformed::Base45);
    assert_eq!(mal("TKC1:"), Malformed::Length);
    assert_eq!(
        mal(&format!("TKC1:{}", &body[..body.len() - 3])),
        Malformed::Length
    );
    let mut long = good.as_str().to_owned();
    long.push_str(&"0".repeat(codec::MAX_TEXT));
    assert_eq!(mal(&long), Malformed::Length);
    // Bytes after the signature.
    let mut bytes = base45::decode(body).unwrap();
    bytes.push(0);
    assert_eq!(
        mal(&format!("TKC1:{}", base45::encode(&bytes))),
        Malformed::Length
    );
    // Unknown flag, kind out of range, overlong varint, bad UTF-8.
    let mut b = base45::decode(body).unwrap();
    b[0] |= 0x80;
    assert_eq!(
        mal(&format!("TKC1:{}", base45::encode(&b))),
        Malformed::Field(Field::Flags)
    );
    let enc = |bytes: &[u8]| format!("TKC1:{}", base45::encode(bytes));
    assert_eq!(mal(&enc(&[0, 1, 12])), Malformed::Field(Field::Kind));
    assert_eq!(mal(&enc(&[0, 0x81, 0x00])), Malformed::Varint);
    assert_eq!(mal(&enc(&[0, 1, 0, 1, 2, 0xC3, 0x28])), Malformed::Utf8);
    assert_eq!(mal(&enc(&[0, 1, 0, 1, 3, 0x01])), Malformed::Field(Field::Name));
    for m in [Malformed::Header, Malformed::Version, Malformed::Length] {
        let e = QrError::Malformed(m);
        assert_eq!(e.code(), "qr_malformed");
        assert!(!e.msg().vi.is_empty() && !e.msg().en.is_empty());
    }
}

#[test]
fn wrong_kind() {
    let signer = dev::signer().unwrap();
    let p = signer.sign_personal(&personal()).unwrap();
    let c = signer.sign_checkpoint(&checkpoint()).unwrap();
    let clock = at(t(2025, 7, 3, 0, 0));
    assert_eq!(
        dev_store().verify_checkpoint(p.as_str(), &clock),
        Err(QrError::WrongKind {
            expected: CodeKind::Checkpoint,
            found: CodeKind::Personal
        })
    );
    assert_eq!(
        dev_store().verify_personal(c.as_str(), &clock),
        Err(QrError::WrongKind {
            expected: CodeKind::Personal,
            found: CodeKind::Checkpoint
        })
    );
}

#[test]
fn unknown_key_and_rotation() {
    let old = Signer::from_seed(KeyId(1), &[1; 32]).unwrap();
    let new = Signer::from_seed(KeyId(2), &[2; 32]).unwrap();
    let mut store = TrustStore::new();
    store
        .add_key(TrustedKey {
            id: KeyId(1),
            public_key: old.public_key(),
            not_before: t(2024, 1, 1, 0, 0),
            not_after: Some(t(2025, 6, 30, 0, 0)),
        })
        .unwrap();
    let clock = at(t(2025, 8, 1, 0, 0));
    let mut early = checkpoint();
    early.issued_at = t(2025, 1, 1, 0, 0);
    let old_code = old.sign_checkpoint(&early).unwrap();
    let new_code = new.sign_checkpoint(&checkpoint()).unwrap();
    assert_eq!(
        store.verify_checkpoint(new_code.as_str(), &clock),
        Err(QrError::UnknownKey)
    );
    // Rotation with overlap: both keys trusted; codes of the retired key still verify.
    let new_key = TrustedKey {
        id: KeyId(2),
        public_key: new.public_key(),
        not_before: t(2025, 6, 1, 0, 0),
        not_after: None,
    };
    store.add_key(new_key.clone()).unwrap();
    assert!(store.verify_checkpoint(new_code.as_str(), &clock).is_ok());
    assert!(store.verify_checkpoint(old_code.as_str(), &clock).is_ok());
    assert!(matches!(store.add_key(new_key), Err(KeyError::DuplicateKeyId(2))));
    // Through JSON, as sync would deliver it.
    let json = serde_json::to_string(&store.to_list()).unwrap();
    let again = TrustStore::from_json(&json).unwrap();
    assert_eq!(again, store);
    assert_eq!(
        again
            .verify_checkpoint(new_code.as_str(), &clock)
            .unwrap()
            .key_id(),
        KeyId(2)
    );
    // Dropping the old key (compromise) turns its codes into "unknown key".
    let mut list = store.to_list();
    list.keys.retain(|k| k.id != KeyId(1));
    store.refresh(list).unwrap();
    assert_eq!(
        store.verify_checkpoint(old_code.as_str(), &clock),
        Err(QrError::UnknownKey)
    );
}

#[test]
fn key_not_valid_for_issue_time() {
    let signer = Signer::from_seed(KeyId(1), &[1; 32]).unwrap();
    let mut store = TrustStore::new();
    store
        .add_key(TrustedKey {
            id: KeyId(1),
            public_key: signer.public_key(),
            not_before: t(2025, 1, 1, 0, 0),
            not_after: Some(t(2025, 6, 30, 0, 0)),
        })
        .unwrap();
    let clock = at(t(2025, 8, 1, 0, 0));
    let late = signer.sign_checkpoint(&checkpoint()).unwrap(); // issued 2025-07-01: after not_after
    assert_eq!(
        store.verify_checkpoint(late.as_str(), &clock),
        Err(QrError::KeyNotValid)
    );
    let mut before = checkpoint();
    before.issued_at = t(2024, 12, 1, 0, 0);
    before.valid_from = None;
    let early = signer.sign_checkpoint(&before).unwrap();
    assert_eq!(
        store.verify_checkpoint(early.as_str(), &clock),
        Err(QrError::KeyNotValid)
    );
}

#[test]
fn bad_signature() {
    let forger = Signer::from_seed(dev::DEV_KEY_ID, &[9; 32]).unwrap();
    let forged = forger.sign_checkpoint(&checkpoint()).unwrap();
    assert_eq!(
        dev_store().verify_checkpoint(forged.as_str(), &at(t(2025, 8, 1, 0, 0))),
        Err(QrError::BadSignature)
    );
    let forged_p = forger.sign_personal(&personal()).unwrap();
    assert_eq!(
        dev_store().verify_personal(forged_p.as_str(), &at(t(2025, 7, 3, 0, 0))),
        Err(QrError::BadSignature)
    );
}

#[test]
fn not_yet_valid_and_expired() {
    let signer = dev::signer().unwrap();
    let store = dev_store();
    let c = signer.sign_checkpoint(&checkpoint()).unwrap();
    // valid_from 2025-07-01 00:00, issued 08:00, valid_until 2026-07-01.
    assert_eq!(
        store.verify_checkpoint(c.as_str(), &at(t(2025, 7, 1, 7, 0))),
        Err(QrError::NotYetValid)
    );
    assert!(
        store
            .verify_checkpoint(c.as_str(), &at(t(2025, 7, 1, 7, 55)))
            .is_ok()
    ); // within the skew
    assert!(
        store
            .verify_checkpoint(c.as_str(), &at(t(2026, 6, 30, 23, 59)))
            .is_ok()
    );
    assert_eq!(
        store.verify_checkpoint(c.as_str(), &at(t(2026, 7, 1, 0, 0))),
        Err(QrError::Expired)
    );
    let mut open = checkpoint();
    open.valid_from = Some(t(2025, 9, 1, 0, 0));
    open.valid_until = None;
    let o = signer.sign_checkpoint(&open).unwrap();
    assert_eq!(
        store.verify_checkpoint(o.as_str(), &at(t(2025, 8, 1, 0, 0))),
        Err(QrError::NotYetValid)
    );
    assert!(
        store
            .verify_checkpoint(o.as_str(), &at(t(2035, 1, 1, 0, 0)))
            .is_ok()
    );

    let p = signer.sign_personal(&personal()).unwrap();
    assert_eq!(
        store.verify_personal(p.as_str(), &at(t(2025, 7, 2, 9, 0))),
        Err(QrError::NotYetValid)
    );
    assert_eq!(
        store.verify_personal(p.as_str(), &at(t(2025, 7, 9, 9, 30))),
        Err(QrError::Expired)
    );
    assert!(
        store
            .verify_personal(p.as_str(), &at(t(2025, 7, 9, 9, 29)))
            .is_ok()
    );
}

#[test]
fn revoked() {
    let signer = dev::signer().unwrap();
    let mut store = dev_store();
    let clock = at(t(2025, 7, 3, 0, 0));
    let c = signer.sign_checkpoint(&checkpoint()).unwrap();
    let p = signer.sign_personal(&personal()).unwrap();
    store.revoke_checkpoint(CheckpointId(123_456));
    store.revoke_personal(Pseudonym([7; 16]));
    assert_eq!(store.verify_checkpoint(c.as_str(), &clock), Err(QrError::Revoked));
    assert_eq!(store.verify_personal(p.as_str(), &clock), Err(QrError::Revoked));
    // Revoking the building does not revoke its rooms.
    let mut s2 = dev_store();
    s2.revoke_checkpoint(CheckpointId(123_000));
    assert!(s2.verify_checkpoint(c.as_str(), &clock).is_ok());
}

#[test]
fn every_error_has_a_distinct_code_and_both_languages() {
    let all = [
        QrError::NotTokhai,
        QrError::Malformed(Malformed::Header),
        QrError::WrongKind {
            expected: CodeKind::Checkpoint,
            found: CodeKind::Personal,
        },
        QrError::UnknownKey,
        QrError::KeyNotValid,
        QrError::BadSignature,
        QrError::NotYetValid,
        QrError::Expired,
        QrError::Revoked,
        QrError::Pending,
    ];
    let codes: std::collections::HashSet<_> = all.iter().map(|e| e.code()).collect();
    assert_eq!(codes.len(), all.len());
    for e in all {
        let m = e.msg();
        assert!(!m.vi.is_empty() && !m.en.is_empty() && m.vi != m.en);
    }
}

#[test]
fn encode_errors() {
    let signer = dev::signer().unwrap();
    let mut p = checkpoint();
    p.name = "x".repeat(181);
    assert!(matches!(
        signer.sign_checkpoint(&p),
        Err(SignError::Encode(EncodeError::TooLong(Field::Name)))
    ));
    let mut p = checkpoint();
    p.street = "a\u{0}b".to_owned();
    assert!(matches!(
        signer.sign_checkpoint(&p),
        Err(SignError::Encode(EncodeError::ControlChar(Field::Street)))
    ));
    let mut p = checkpoint();
    p.valid_from = Some(t(2026, 1, 1, 0, 0));
    p.valid_until = p.valid_from;
    assert!(matches!(
        signer.sign_checkpoint(&p),
        Err(SignError::Encode(EncodeError::OutOfRange(Field::Window)))
    ));
    // A validity that ends before (or at) the issue time: the poster would be born expired.
    for until in [t(2025, 7, 1, 7, 59), t(2025, 7, 1, 8, 0)] {
        let mut p = checkpoint();
        p.valid_until = Some(until);
        let err = signer.sign_checkpoint(&p).unwrap_err();
        assert!(matches!(err, SignError::ExpiredAtIssue), "{err:?}");
        assert_eq!(err.code(), "qr_expired_at_issue");
    }
    let mut p = checkpoint();
    p.valid_until = Some(t(2025, 7, 1, 8, 1));
    assert!(
        signer.sign_checkpoint(&p).is_ok(),
        "a minute after issue is still valid"
    );
    let mut p = checkpoint();
    p.issued_at = t(2019, 1, 1, 0, 0);
    assert!(matches!(
        signer.sign_checkpoint(&p),
        Err(SignError::Encode(EncodeError::OutOfRange(Field::Time)))
    ));
    let mut q = personal();
    q.initials = "ABCDE".to_owned();
    assert_eq!(
        encode_pending_personal(&q),
        Err(EncodeError::TooLong(Field::Initials))
    );
    let mut q = personal();
    q.birth_year = Some(1850);
    assert_eq!(
        encode_pending_personal(&q),
        Err(EncodeError::OutOfRange(Field::BirthYear))
    );
    let mut q = personal();
    q.expires_at = q.issued_at;
    assert_eq!(
        encode_pending_personal(&q),
        Err(EncodeError::OutOfRange(Field::Window))
    );
}

#[test]
fn builtin_trust_list_loads_and_does_not_trust_the_dev_key() {
    let store = TrustStore::builtin().unwrap();
    let code = dev::signer().unwrap().sign_checkpoint(&checkpoint()).unwrap();
    assert_eq!(
        store.verify_checkpoint(code.as_str(), &at(t(2025, 8, 1, 0, 0))),
        Err(QrError::UnknownKey)
    );
}

// ---- fallback codes ----

#[test]
fn fallback_codes() {
    let f = FallbackCode::new(CheckpointId(123_456));
    let s = f.to_string();
    // The examples of docs/protocol/qr.md.
    assert_eq!(s, "0003-RJ0T");
    assert_eq!(FallbackCode::new(CheckpointId(1)).to_string(), "0000-001Y");
    assert_eq!(
        FallbackCode::new(CheckpointId(u64::MAX)).to_string(),
        "FZZZ-ZZZZ-ZZZZ-ZE"
    );
    assert_eq!(s.len(), 9);
    assert_eq!(s.as_bytes()[4], b'-');
    assert_eq!(FallbackCode::parse(&s), Ok(f));
    let lower = s.to_lowercase().replace('-', " ");
    assert_eq!(FallbackCode::parse(&lower), Ok(f));
    assert_eq!(
        FallbackCode::parse("0000-0000"),
        Ok(FallbackCode::new(CheckpointId(0)))
    );
    assert_eq!(
        FallbackCode::parse("oooo oooo"),
        Ok(FallbackCode::new(CheckpointId(0)))
    );
    let one = FallbackCode::new(CheckpointId(1)).to_string();
    assert_eq!(
        FallbackCode::parse(&one.replace('1', "l")),
        Ok(FallbackCode::new(CheckpointId(1)))
    );
    assert_eq!(
        FallbackCode::parse(&one.replace('1', "I")),
        Ok(FallbackCode::new(CheckpointId(1)))
    );
    assert_eq!(FallbackCode::parse("0000-00U0"), Err(FallbackError::Char));
    assert_eq!(FallbackCode::parse("000-000"), Err(FallbackError::Length));
    assert_eq!(FallbackCode::parse(&"1".repeat(15)), Err(FallbackError::Length));
    let max = FallbackCode::new(CheckpointId(u64::MAX));
    assert_eq!(FallbackCode::parse(&max.to_string()), Ok(max));
    assert_eq!(max.to_string().len(), 14 + 3);
    assert_eq!(FallbackError::Check.code(), "fallback_check");
}

#[test]
fn fallback_check_catches_every_single_substitution_and_adjacent_swap() {
    const A: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    for id in [0u64, 1, 31, 32, 123_456, 987_654_321, 34_359_738_367] {
        let s: Vec<u8> = FallbackCode::new(CheckpointId(id))
            .to_string()
            .bytes()
            .filter(|&b| b != b'-')
            .collect();
        for i in 0..s.len() {
            for &c in A {
                if c == s[i] {
                    continue;
                }
                let mut m = s.clone();
                m[i] = c;
                assert_eq!(
                    FallbackCode::parse(std::str::from_utf8(&m).unwrap()),
                    Err(FallbackError::Check)
                );
            }
            if i + 1 < s.len() && s[i] != s[i + 1] {
                let mut m = s.clone();
                m.swap(i, i + 1);
                let pair = [s[i], s[i + 1]];
                // Luhn mod 32 misses only a swap of 0 and Z (values 0 and 31).
                if pair != *b"0Z" && pair != *b"Z0" {
                    assert_eq!(
                        FallbackCode::parse(std::str::from_utf8(&m).unwrap()),
                        Err(FallbackError::Check)
                    );
                }
            }
        }
    }
}

// ---- property tests ----

fn arb_time() -> impl Strategy<Value = DateTime<Utc>> {
    (0u32..20_000_000).prop_map(wire::from_minutes)
}

fn arb_kind() -> impl Strategy<Value = CheckpointKind> {
    (0usize..12).prop_map(|i| {
        [
            CheckpointKind::Office,
            CheckpointKind::School,
            CheckpointKind::Clinic,
            CheckpointKind::Market,
            CheckpointKind::Supermarket,
            CheckpointKind::Restaurant,
            CheckpointKind::Lodging,
            CheckpointKind::Transport,
            CheckpointKind::Factory,
            CheckpointKind::Worship,
            CheckpointKind::Event,
            CheckpointKind::Other,
        ][i]
    })
}

prop_compose! {
    fn arb_checkpoint()(
        id in any::<u64>(), parent in proptest::option::of(any::<u64>()), name in "\\PC{0,40}", kind in arb_kind(),
        ward in any::<u32>(), street in "[a-zA-Z0-9 ,ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐ]{0,40}",
        stay in proptest::option::of(any::<u16>()), issued in arb_time(), from in proptest::option::of(arb_time()),
        len in proptest::option::of(1u32..1_000_000),
    ) -> CheckpointPayload {
        let valid_until = len.map(|l| from.unwrap_or(issued) + Duration::minutes(i64::from(l)));
        let valid_from = if valid_until.is_some() { from.filter(|f| Some(*f) < valid_until) } else { from };
        CheckpointPayload {
            id: CheckpointId(id), parent: parent.map(CheckpointId), name, kind, ward, street,
            default_stay_minutes: stay, issued_at: issued, valid_from, valid_until,
        }
    }
}

prop_compose! {
    fn arb_personal()(
        bytes in any::<[u8; 16]>(), issued in arb_time(), declared in arb_time(), status in 0usize..4,
        life in 1u32..100_000, initials in "\\PC{0,4}", birth in proptest::option::of(1900u16..=2100),
    ) -> PersonalPayload {
        PersonalPayload {
            pseudonym: Pseudonym(bytes), issued_at: issued, declared_at: declared,
            status: [PersonalStatus::NoSymptoms, PersonalStatus::Symptoms, PersonalStatus::Exposure, PersonalStatus::InQuarantine][status],
            expires_at: issued + Duration::minutes(i64::from(life)), initials, birth_year: birth,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn checkpoint_decode_encode_round_trip(p in arb_checkpoint()) {
        let signer = dev::signer().unwrap();
        match signer.sign_checkpoint(&p) {
            Ok(code) => {
                let d = decode_checkpoint(code.as_str()).unwrap();
                prop_assert_eq!(d.payload_unverified(), &p);
            }
            Err(SignError::Encode(EncodeError::ControlChar(_))) => {
                prop_assert!(p.name.chars().any(char::is_control));
            }
            Err(SignError::Encode(EncodeError::TooLong(Field::Name))) => prop_assert!(p.name.len() > 180),
            Err(SignError::ExpiredAtIssue) => prop_assert!(p.valid_until.is_some_and(|u| u <= p.issued_at)),
            Err(e) => prop_assert!(false, "{e:?}"),
        }
    }

    #[test]
    fn personal_decode_encode_round_trip(p in arb_personal()) {
        match encode_pending_personal(&p) {
            Ok(code) => {
                let d = decode_personal(code.as_str()).unwrap();
                prop_assert_eq!(d.payload_unverified(), &p);
            }
            Err(EncodeError::ControlChar(_)) => prop_assert!(p.initials.chars().any(char::is_control)),
            Err(e) => prop_assert!(false, "{e:?}"),
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_parser(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let b45 = base45::encode(&bytes);
        for prefix in ["TKC1:", "TKP1:"] {
            let _ = decode(&format!("{prefix}{b45}"));
        }
        let _ = v1::checkpoint::decode(&bytes);
        let _ = v1::personal::decode(&bytes);
        let _ = decode(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_strings_never_panic_the_parser(s in "\\PC{0,300}", tk in "TK[CP][0-9]{0,4}:?[0-9A-Z $%*+./:-]{0,300}") {
        let _ = decode(&s);
        let _ = decode(&tk);
        let _ = FallbackCode::parse(&s);
        let store = dev_store();
        let clock = at(t(2025, 1, 1, 0, 0));
        let _ = store.verify_checkpoint(&tk, &clock);
        let _ = store.verify_personal(&tk, &clock);
    }

    #[test]
    fn fallback_round_trip(id in any::<u64>()) {
        let f = FallbackCode::new(CheckpointId(id));
        prop_assert_eq!(FallbackCode::parse(&f.to_string()), Ok(f));
    }
}

/// Merging trust lists (a list added by hand, then the server's feed): the same key counts once, a
/// known id with another public key is refused and changes nothing, revocations add up.
#[test]
fn trust_lists_merge() {
    let a = Signer::from_seed(KeyId(1), &[1; 32]).unwrap();
    let b = Signer::from_seed(KeyId(1), &[2; 32]).unwrap();
    let key = |s: &Signer| TrustedKey {
        id: KeyId(1),
        public_key: s.public_key(),
        not_before: t(2024, 1, 1, 0, 0),
        not_after: None,
    };
    let mut store = TrustStore::new();
    let list = TrustList {
        keys: vec![key(&a)],
        revoked_checkpoints: vec![CheckpointId(7)],
        revoked_personal: Vec::new(),
    };
    store.merge(list.clone()).unwrap();
    store.merge(list).unwrap();
    assert_eq!(store.to_list().keys.len(), 1);
    assert_eq!(store.to_list().revoked_checkpoints, vec![CheckpointId(7)]);
    let before = store.clone();
    // A new key before the clash in the same list is not added either.
    let c = Signer::from_seed(KeyId(2), &[3; 32]).unwrap();
    let new_key = TrustedKey {
        id: KeyId(2),
        ..key(&c)
    };
    let clash = TrustList {
        keys: vec![new_key, key(&b)],
        revoked_checkpoints: Vec::new(),
        revoked_personal: Vec::new(),
    };
    assert!(matches!(store.merge(clash), Err(KeyError::DuplicateKeyId(1))));
    assert_eq!(store, before);
}
