//! An exposure the health office publishes reaches the device and reads well: one language at a time,
//! the advice once, the overlap in minutes with the right plural, the times stated as Vietnam time.

use chrono::Duration;
use serde_json::json;
use tokhai_core::{Clock as _, SystemClock};
use tokhai_e2e::{Db, TestServer};

use crate::Home;

#[test]
fn a_published_exposure_reaches_the_device_in_one_language() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(TestServer::start(Db::Sqlite)).unwrap();
    // The CLI reads the real clock; so does the server here.
    let now = SystemClock.now();
    server.clock.set(now);
    let view = rt.block_on(server.register_view("0900000008", "Chợ Bến Thành"));
    let checkpoint = view["id"].as_i64().unwrap();
    let code = view["code"].as_str().unwrap().to_owned();
    let url = server.url();

    // A citizen signs in, checks in at the market and stays (the visit is open).
    let home = Home::new();
    home.ok(&["--server", &url, "login", "0912000444"]);
    let otp = server.last_code("0912000444");
    home.ok(&["--server", &url, "login", "0912000444", "--code", &otp]);
    home.ok(&["--server", &url, "sync"]);
    home.ok(&["checkin", "--payload", &code]);
    home.ok(&["--server", &url, "sync"]);

    // A case (another person) was at the market from an hour ago until four minutes from now.
    let officer = rt.block_on(server.officer("0900000009"));
    rt.block_on(server.sign_in("0912000555"));
    let (s, case) = rt.block_on(server.call(
        reqwest::Method::POST,
        "/v1/cases",
        Some(&officer),
        Some(json!({ "phone": "0912000555", "province": 79, "ward": 26743,
            "test_date": now.date_naive(), "symptom_onset": null, "purpose": "case_investigation: ca F0 tại chợ" })),
    ));
    assert_eq!(s, 201, "{case}");
    let advice = "Theo dõi sức khỏe 14 ngày; gọi 1900 9095 nếu có triệu chứng.";
    let (s, body) = rt.block_on(server.call(
        reqwest::Method::POST,
        &format!("/v1/cases/{}/exposures", case["id"]),
        Some(&officer),
        Some(
            json!({ "checkpoint": checkpoint, "starts_at": now - Duration::hours(1),
            "ends_at": now + Duration::minutes(4), "advice": advice }),
        ),
    ));
    assert_eq!(s, 201, "{body}");

    // The next sync brings the window; the device matches it against its own visits.
    home.ok(&["--server", &url, "sync"]);
    let en = home.ok(&["--lang", "en", "alerts"]);
    let vi = home.ok(&["--lang", "vi", "alerts"]);
    let both = home.ok(&["alerts"]);
    for (out, own, other) in [
        (&en, "Vietnam time, UTC+7", "giờ Việt Nam"),
        (&vi, "giờ Việt Nam, UTC+7", "Vietnam time"),
    ] {
        assert_eq!(out.lines().filter(|l| !l.trim().is_empty()).count(), 1, "{out}");
        assert!(out.contains(own), "{out}");
        assert!(!out.contains(other), "{out}");
        assert!(out.contains("Chợ Bến Thành"), "{out}");
    }
    // The health office's advice once, in its own words.
    assert_eq!(vi.matches(advice).count(), 1, "{vi}");
    assert_eq!(en.matches(advice).count(), 1, "{en}");
    // The open visit counts until now (seconds ago), rounded up to one minute: singular, not "1 minutes".
    assert!(
        en.contains(" 1 minute while") || en.contains(" 2 minutes while"),
        "{en}"
    );
    assert!(!en.contains("1 minutes"), "{en}");
    assert!(vi.contains("trùng 1 phút") || vi.contains("trùng 2 phút"), "{vi}");
    // Without --lang (both), alerts read in Vietnamese only.
    assert_eq!(both, vi);
}
