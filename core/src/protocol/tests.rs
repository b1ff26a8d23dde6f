//! The frozen vectors (`docs/protocol/vectors/sync-v1.json`) decode into the protocol types and encode
//! to exactly the same JSON; a renamed field in them fails; strict requests and lenient answers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{Value, json};

use super::*;
use crate::qr::QrError;

struct Vector {
    name: String,
    type_name: String,
    newer_peer: bool,
    body: Value,
}

fn vectors() -> Vec<Vector> {
    let file: Value = serde_json::from_str(VECTORS_V1).unwrap();
    file["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| Vector {
            name: v["name"].as_str().unwrap().to_owned(),
            type_name: v["type"].as_str().unwrap().to_owned(),
            newer_peer: v["newer_peer"].as_bool().unwrap_or(false),
            body: v["body"].clone(),
        })
        .collect()
}

#[test]
fn every_vector_decodes_and_encodes_to_the_same_json() {
    let all = vectors();
    assert!(all.len() >= 10);
    for v in &all {
        roundtrip(&v.type_name, &v.body).unwrap_or_else(|e| panic!("{}: {e}", v.name));
    }
}

#[test]
fn the_vectors_cover_every_kind_status_and_feed_kind() {
    let all = vectors();
    let frozen = || all.iter().filter(|v| !v.newer_peer);
    let mut kinds = Vec::new();
    let mut statuses = Vec::new();
    for v in frozen().filter(|v| v.type_name == "UploadResult") {
        let r: UploadResult = serde_json::from_value(v.body.clone()).unwrap();
        for i in r.items {
            assert!(i.kind.is_known() && i.status.is_known(), "{}", v.name);
            assert_eq!(i.code.is_some(), i.status == ItemStatus::Refused, "{}", v.name);
            kinds.push(i.kind);
            statuses.push(i.status);
        }
    }
    for k in ItemKind::KNOWN {
        assert!(kinds.contains(k), "no answer item of kind {k}");
    }
    for s in ItemStatus::KNOWN {
        assert!(statuses.contains(s), "no answer item with status {s}");
    }
    let mut feed = Vec::new();
    for v in frozen().filter(|v| v.type_name == "PullResult") {
        let p: PullResult = serde_json::from_value(v.body.clone()).unwrap();
        for e in &p.items {
            let body = e.decode().unwrap().expect("a known kind");
            assert_eq!(body.kind(), e.kind);
            if let FeedBody::Checkpoint(d) = &body {
                // The fallback code is the checkpoint's own, as the server makes it.
                let code = crate::qr::FallbackCode::new(crate::ids::CheckpointId(d.id)).to_string();
                assert_eq!(d.fallback_code, code, "{}", v.name);
            }
            feed.push(e.kind.clone());
        }
    }
    for k in FeedKind::KNOWN {
        assert!(feed.contains(k), "no feed entry of kind {k}");
    }
    let upload = frozen().find(|v| v.type_name == "UploadBatch").unwrap();
    let b: UploadBatch = serde_json::from_value(upload.body.clone()).unwrap();
    assert!(!b.declarations.is_empty() && !b.episodes.is_empty() && !b.visits.is_empty());
    assert!(!b.reports.is_empty() && b.client_time.is_some());
    for t in [
        "ScanBatch",
        "SignRequest",
        "SignedCode",
        "ErrorBody",
        "OtpRequest",
        "OtpSent",
        "SessionRequest",
        "SessionCreated",
        "Me",
        "AccountDeleted",
    ] {
        assert!(frozen().any(|v| v.type_name == t), "no vector of {t}");
    }
}

/// Every object key at every depth of `v`, as paths of keys (array elements by index).
fn key_paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                at.push(k.clone());
                out.push(at.clone());
                key_paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (n, child) in items.iter().enumerate() {
                at.push(n.to_string());
                key_paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// `v` with the key at `path` renamed to `<key>_renamed`.
fn renamed(v: &Value, path: &[String]) -> Value {
    let mut v = v.clone();
    let (last, parents) = path.split_last().unwrap();
    let mut node = &mut v;
    for p in parents {
        node = match node {
            Value::Object(map) => map.get_mut(p).unwrap(),
            Value::Array(items) => items.get_mut(p.parse::<usize>().unwrap()).unwrap(),
            _ => unreachable!(),
        };
    }
    let map = node.as_object_mut().unwrap();
    let child = map.remove(last).unwrap();
    map.insert(format!("{last}_renamed"), child);
    v
}

/// A serde name changed on either side (a field renamed in the types, or in what the other side sends)
/// fails the round trip: every field name of every frozen vector is pinned, feed entry bodies included
/// (a renamed exposure field would otherwise switch off alerts with every test green).
#[test]
fn a_renamed_field_fails_the_vectors() {
    let mut checked = 0;
    for v in vectors().iter().filter(|v| !v.newer_peer) {
        // The vector itself passes: each failure below is the rename's.
        roundtrip(&v.type_name, &v.body).unwrap();
        let mut paths = Vec::new();
        key_paths(&v.body, &mut Vec::new(), &mut paths);
        assert!(!paths.is_empty());
        for path in paths {
            let mutated = renamed(&v.body, &path);
            assert!(
                roundtrip(&v.type_name, &mutated).is_err(),
                "{}: renaming {} went unnoticed",
                v.name,
                path.join(".")
            );
            checked += 1;
        }
    }
    assert!(checked > 150, "{checked}");
}

#[test]
fn values_of_a_newer_peer_are_kept_as_they_came() {
    let all = vectors();
    let result = all
        .iter()
        .find(|v| v.newer_peer && v.type_name == "UploadResult")
        .unwrap();
    let r: UploadResult = serde_json::from_value(result.body.clone()).unwrap();
    assert_eq!(r.items[0].kind, ItemKind::Unknown("vaccination".into()));
    assert_eq!(r.items[0].status, ItemStatus::Unknown("deferred".into()));
    assert_eq!(
        r.items[1].code,
        Some(RefusalCode::Unknown("checkpoint_closed_for_repairs".into()))
    );
    let pull = all
        .iter()
        .find(|v| v.newer_peer && v.type_name == "PullResult")
        .unwrap();
    let p: PullResult = serde_json::from_value(pull.body.clone()).unwrap();
    assert_eq!(p.items[0].kind, FeedKind::Unknown("vaccination_site".into()));
    assert_eq!(p.items[0].decode().unwrap(), None);
}

#[test]
fn requests_are_strict_and_answers_lenient() {
    for v in vectors().iter().filter(|v| !v.newer_peer) {
        let mut extra = v.body.clone();
        extra
            .as_object_mut()
            .unwrap()
            .insert("added_later".into(), json!(1));
        let strict = matches!(
            v.type_name.as_str(),
            "UploadBatch"
                | "ScanBatch"
                | "SignRequest"
                | "OtpRequest"
                | "SessionRequest"
                | "QuarantineOrder"
                | "WebReport"
        );
        let decoded = match v.type_name.as_str() {
            "UploadBatch" => serde_json::from_value::<UploadBatch>(extra).is_ok(),
            "ScanBatch" => serde_json::from_value::<ScanBatch>(extra).is_ok(),
            "SignRequest" => serde_json::from_value::<SignRequest>(extra).is_ok(),
            "UploadResult" => serde_json::from_value::<UploadResult>(extra).is_ok(),
            "PullResult" => serde_json::from_value::<PullResult>(extra).is_ok(),
            "SignedCode" => serde_json::from_value::<SignedCode>(extra).is_ok(),
            "ErrorBody" => serde_json::from_value::<ErrorBody>(extra).is_ok(),
            "OtpRequest" => serde_json::from_value::<OtpRequest>(extra).is_ok(),
            "SessionRequest" => serde_json::from_value::<SessionRequest>(extra).is_ok(),
            "OtpSent" => serde_json::from_value::<OtpSent>(extra).is_ok(),
            "SessionCreated" => serde_json::from_value::<SessionCreated>(extra).is_ok(),
            "Me" => serde_json::from_value::<Me>(extra).is_ok(),
            "AccountDeleted" => serde_json::from_value::<AccountDeleted>(extra).is_ok(),
            "QuarantineOrder" => serde_json::from_value::<QuarantineOrder>(extra).is_ok(),
            "QuarantineStarted" => serde_json::from_value::<QuarantineStarted>(extra).is_ok(),
            "MyQuarantine" => serde_json::from_value::<MyQuarantine>(extra).is_ok(),
            "WebReport" => serde_json::from_value::<WebReport>(extra).is_ok(),
            "ReportFiled" => serde_json::from_value::<ReportFiled>(extra).is_ok(),
            other => panic!("{other}"),
        };
        assert_eq!(decoded, !strict, "{}", v.name);
    }
    // A scan with a field added is refused too (the item, not only the batch).
    let scan = json!({ "scans": [{ "id": "1a2b3c4d-5e6f-4071-8293-a4b5c6d7e8f9", "checkpoint": 1, "code": "x",
        "scanned_at": "2026-05-20T08:05:00Z", "checked_out_at": null, "person": "someone" }] });
    assert!(serde_json::from_value::<ScanBatch>(scan).is_err());
    // A feed body with a field added still reads.
    let body = json!({ "checkpoint": 4, "revoked_at": "2026-05-20T06:00:00Z", "reason": "closed" });
    assert!(matches!(
        FeedBody::decode(&FeedKind::Revocation, &body),
        Ok(Some(FeedBody::Revocation(_)))
    ));
}

#[test]
fn a_known_kind_with_a_body_it_cannot_read_is_an_error_not_an_unknown_kind() {
    let body = json!({ "id": 7, "checkpoint": 42, "starts": "2026-05-19T09:00:00Z" });
    assert!(FeedBody::decode(&FeedKind::Exposure, &body).is_err());
}

#[test]
fn codes_have_one_wire_text_each() {
    for k in ItemKind::KNOWN {
        assert_eq!(&ItemKind::parse(k.as_str()), k);
    }
    for s in ItemStatus::KNOWN {
        assert_eq!(&ItemStatus::parse(s.as_str()), s);
    }
    for c in RefusalCode::KNOWN {
        assert_eq!(&RefusalCode::parse(c.as_str()), c);
        assert_eq!(serde_json::to_value(c).unwrap(), json!(c.as_str()));
    }
    for f in FeedKind::KNOWN {
        assert_eq!(&FeedKind::parse(f.as_str()), f);
    }
    // A staff scan's refusal is the verification error's own code.
    use crate::i18n::Localized as _;
    let errors = [
        QrError::NotTokhai,
        QrError::UnknownKey,
        QrError::KeyNotValid,
        QrError::BadSignature,
        QrError::NotYetValid,
        QrError::Expired,
        QrError::Revoked,
        QrError::Pending,
    ];
    for e in errors {
        let code = RefusalCode::from(&e);
        assert!(code.is_known());
        assert_eq!(code.as_str(), e.code());
    }
}

#[test]
fn a_day_status_has_the_same_text_on_the_wire_as_in_core() {
    use crate::health::DayStatus;
    use crate::i18n::Localized as _;
    let all = [
        DayStatus::Upcoming,
        DayStatus::Due,
        DayStatus::Done,
        DayStatus::DoneLate,
        DayStatus::Late,
        DayStatus::Missed,
        DayStatus::Expired,
    ];
    assert_eq!(all.len(), DayStatusCode::KNOWN.len());
    for s in all {
        let code = DayStatusCode::from(s);
        assert!(code.is_known());
        assert_eq!(serde_json::to_value(s).unwrap(), json!(code.as_str()));
        assert_eq!(s.code(), code.as_str());
        assert_eq!(DayStatusCode::parse(code.as_str()), code);
    }
    assert_eq!(
        DayStatusCode::parse("excused"),
        DayStatusCode::Unknown("excused".into())
    );
}

#[test]
fn a_web_report_is_strict_and_becomes_cores_input() {
    let body = json!({ "episode": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", "temperature": "36,8" });
    let r: WebReport = serde_json::from_value(body.clone()).unwrap();
    let input = r.input();
    assert_eq!(input.day, None);
    assert_eq!(input.temperature, "36,8");
    assert!(!input.symptoms.any());
    let mut extra = body;
    extra["pulse"] = json!(80);
    assert!(serde_json::from_value::<WebReport>(extra).is_err());
}
