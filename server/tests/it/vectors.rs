//! The sync vectors (`docs/protocol/vectors/sync-v1.json`) on the server's side: they decode into the
//! types the server answers and reads with (core's `protocol`, here with the server's feature set,
//! `openapi` included) and encode to exactly the same JSON; renaming any field name fails them; the
//! OpenAPI document names every body. That the server's real answers have these shapes is checked in
//! the API suite (`support::assert_protocol` on uploads, scans, pulls, the personal code and errors).

use serde_json::Value;
use tokhai_server::protocol::{self, PullResult, UploadBatch, UploadResult};
use utoipa::OpenApi as _;

fn vectors() -> Vec<(String, String, bool, Value)> {
    let file: Value = serde_json::from_str(protocol::VECTORS_V1).unwrap();
    file["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap().to_owned(),
                v["type"].as_str().unwrap().to_owned(),
                v["newer_peer"].as_bool().unwrap_or(false),
                v["body"].clone(),
            )
        })
        .collect()
}

#[test]
fn the_vectors_decode_and_encode_to_the_same_json() {
    for (name, type_name, _, body) in vectors() {
        if let Err(e) = protocol::roundtrip(&type_name, &body) {
            panic!("{name}: {e}");
        }
    }
    // The upload the server reads is the one the vectors freeze, with every record kind in it.
    let (_, _, _, upload) = vectors()
        .into_iter()
        .find(|(_, t, _, _)| t == "UploadBatch")
        .unwrap();
    let batch: UploadBatch = serde_json::from_value(upload).unwrap();
    assert_eq!(
        (
            batch.declarations.len(),
            batch.episodes.len(),
            batch.visits.len(),
            batch.reports.len()
        ),
        (1, 1, 2, 1)
    );
}

/// Renames the key at `path` (object keys; array elements by index) to `<key>_renamed`.
fn rename(v: &mut Value, path: &[String]) {
    let (last, parents) = path.split_last().unwrap();
    let mut node = v;
    for p in parents {
        node = match node {
            Value::Array(items) => &mut items[p.parse::<usize>().unwrap()],
            other => &mut other[p.as_str()],
        };
    }
    let map = node.as_object_mut().unwrap();
    let child = map.remove(last).unwrap();
    map.insert(format!("{last}_renamed"), child);
}

fn paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                at.push(k.clone());
                out.push(at.clone());
                paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (n, child) in items.iter().enumerate() {
                at.push(n.to_string());
                paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// A field renamed on either side changes a serde name, and the vector no longer round-trips: every key
/// of every frozen vector is tried, feed entry bodies (an exposure window's times…) included.
#[test]
fn renaming_any_field_fails_the_vectors() {
    let mut tried = 0;
    for (name, type_name, newer_peer, body) in vectors() {
        if newer_peer {
            continue;
        }
        // The vector itself passes: each failure below is the rename's.
        protocol::roundtrip(&type_name, &body).unwrap();
        let mut all = Vec::new();
        paths(&body, &mut Vec::new(), &mut all);
        for path in all {
            let mut mutated = body.clone();
            rename(&mut mutated, &path);
            assert!(
                protocol::roundtrip(&type_name, &mutated).is_err(),
                "{name}: renaming {} went unnoticed",
                path.join(".")
            );
            tried += 1;
        }
    }
    assert!(tried > 150, "{tried}");
}

#[test]
fn a_newer_servers_values_survive_on_an_older_client() {
    for (name, type_name, newer_peer, body) in vectors() {
        if !newer_peer {
            continue;
        }
        match type_name.as_str() {
            "UploadResult" => {
                let r: UploadResult = serde_json::from_value(body.clone()).unwrap();
                assert!(r.items.iter().any(|i| !i.status.is_known()), "{name}");
            }
            "PullResult" => {
                let p: PullResult = serde_json::from_value(body.clone()).unwrap();
                assert!(p.items.iter().all(|e| e.decode().unwrap().is_none()), "{name}");
            }
            other => panic!("{other}"),
        }
        // Kept as they came: re-encoded unchanged.
        assert!(protocol::roundtrip(&type_name, &body).is_ok(), "{name}");
    }
}

#[test]
fn the_openapi_document_names_every_protocol_body() {
    let doc = serde_json::to_value(tokhai_server::ApiDoc::openapi()).unwrap();
    let schemas = &doc["components"]["schemas"];
    for name in [
        "UploadBatch",
        "UploadResult",
        "ItemResult",
        "ItemKind",
        "ItemStatus",
        "RefusalCode",
        "ScanBatch",
        "ScanItem",
        "PullResult",
        "FeedEntry",
        "FeedKind",
        "DirectoryEntry",
        "RevocationEntry",
        "ExposureEntry",
        "SafetyLevelEntry",
        "SignRequest",
        "SignedCode",
        "ErrorBody",
        "ErrorDetail",
        "QuarantineOrder",
        "QuarantineStarted",
        "MyQuarantine",
        "MyEpisode",
        "EpisodeDay",
        "DayStatusCode",
        "WebReport",
        "ReportFiled",
    ] {
        assert!(schemas[name].is_object(), "no schema {name}");
    }
    let statuses: Vec<&str> = schemas["ItemStatus"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["accepted", "duplicate", "updated", "kept", "refused"]);
    assert!(
        schemas["RefusalCode"]["enum"]
            .as_array()
            .unwrap()
            .contains(&Value::from("qr_pending"))
    );
    let upload = &doc["paths"]["/v1/sync/upload"]["post"];
    assert_eq!(
        upload["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/UploadBatch"
    );
}

/// Issue 14, item 14: the document states 401 on every operation with a session, 404 on every
/// operation by id, and the bounds the server enforces (at 721cdf9 schemathesis found 54 mismatches).
#[test]
fn the_openapi_document_states_statuses_and_bounds() {
    let doc = serde_json::to_value(tokhai_server::ApiDoc::openapi()).unwrap();
    let mut with_session = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                with_session += 1;
                assert!(responses.contains_key("401"), "{method} {path}: no 401");
            }
            if path.contains('{') {
                assert!(responses.contains_key("404"), "{method} {path}: no 404");
            }
        }
    }
    assert!(with_session > 30, "{with_session}");
    let param = |path: &str, name: &str| {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["schema"]
            .clone()
    };
    let trace = "/v1/cases/{id}/trace";
    assert_eq!(param(trace, "buffer_minutes")["maximum"], 240);
    assert_eq!(param(trace, "buffer_minutes")["minimum"], 0);
    assert_eq!(param(trace, "depth")["minimum"], 1);
    assert_eq!(param(trace, "depth")["maximum"], 2);
    assert_eq!(param("/v1/admin/audit", "limit")["maximum"], 1000);
    assert_eq!(param("/v1/admin/audit", "after")["minimum"], 0);
    assert_eq!(param("/v1/sync/pull", "limit")["minimum"], 1);
    assert!(param("/v1/sync/pull", "cursor")["pattern"].is_string());
}
