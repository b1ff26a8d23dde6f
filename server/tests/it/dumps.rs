//! Sealed at rest: after storing known marker strings (name, phone, ID number, address, answers, notes,
//! places), neither the SQLite file (with its WAL) nor a `pg_dump` of the database contains any of them.

use chrono::Duration;
use serde_json::json;
use uuid::Uuid;

use crate::support::{Db, Env, both, declaration, t0};

const MARKERS: [&str; 6] = [
    "MARKERNAMEQZX",
    "0918765432",
    "079190456789",
    "MARKERSTREETQZX",
    "MARKERSYMPTOMQZX",
    "MARKERNOTEQZX",
];

both!(dump_contains_no_marker);

async fn dump_contains_no_marker(env: Env) {
    let token = env.sign_in("0918765432").await;
    let person = Uuid::new_v4();
    let episode = Uuid::new_v4();
    let day = t0().date_naive();
    let batch = json!({
        "declarations": [declaration(Uuid::new_v4(), person, t0() - Duration::hours(1), MARKERS[0], MARKERS[1], MARKERS[2], MARKERS[3], MARKERS[4])],
        "episodes": [{ "id": episode, "person": person, "kind": "facility", "place": MARKERS[3], "start": day,
                       "expected_end": day + Duration::days(13), "ended_on": null, "utc_offset_minutes": 420 }],
        "reports": [{ "id": Uuid::new_v4(), "episode": episode, "day": day, "reported_at": t0(), "temperature_decidegrees": 370,
              "symptoms": { "fever": false, "cough": false, "shortness_of_breath": false, "pneumonia": false,
                            "sore_throat": false, "fatigue": false, "loss_of_taste_or_smell": false, "other": MARKERS[4] },
              "note": MARKERS[5] }]
    });
    let (s, r) = env.post("/v1/sync/upload", Some(&token), batch).await;
    assert_eq!(s, axum::http::StatusCode::OK);
    assert!(
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["status"] == "accepted"),
        "{r}"
    );
    // The same phone registered as a checkpoint's and as staff.
    let cp = env.register("0918765432", "Nhà văn hóa").await;
    let manager = env.sign_in("0918765432").await;
    env.post(
        &format!("/v1/checkpoints/{}/staff", cp["id"]),
        Some(&manager),
        json!({ "phone": MARKERS[1] }),
    )
    .await;

    let dump: Vec<u8> = match env.db {
        Db::Sqlite => {
            let mut all = Vec::new();
            for name in ["t.sqlite3", "t.sqlite3-wal", "t.sqlite3-journal"] {
                if let Ok(bytes) = std::fs::read(env.dir.path().join(name)) {
                    all.extend(bytes);
                }
            }
            assert!(all.len() > 10_000, "the database was written");
            all
        }
        Db::Postgres => {
            let pg = env.pg.as_ref().unwrap();
            let out = std::process::Command::new("pg_dump")
                .args(["--data-only", "--inserts"])
                .arg(pg.url())
                .output()
                .expect("pg_dump runs");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            assert!(String::from_utf8_lossy(&out.stdout).contains("INSERT INTO public.declarations"));
            out.stdout
        }
    };
    let text = String::from_utf8_lossy(&dump);
    for m in MARKERS {
        assert!(!text.contains(m), "marker {m} found in the dump");
        // Also the E.164 and national forms of the phone.
        assert!(!text.contains("+84918765432"));
        assert!(!text.contains("84918765432"));
    }
}
