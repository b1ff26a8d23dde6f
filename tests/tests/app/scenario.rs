//! The scenario in the real window, against the real server.

use std::time::{Duration, Instant};

use serde_json::json;
use tokhai_core::{Clock as _, SystemClock};
use tokhai_e2e::app::{App, STEP, can_run};

use super::support::{
    Person, Server, declare, expired_png, first_run, forged_png, sign_in_and_declare, sync_now,
};

const PASSPHRASE: &str = "mua xuân trên phố cổ 1975";
const PHONE: &str = "0912345678";
const MANAGER: &str = "0900000011";

/// Imports `png` as a poster photo on the scan screen and returns the verdict element's id.
async fn import(app: &App, png: &[u8]) -> &'static str {
    app.go("/scan").await;
    app.choose_file("#photo", "poster.png", "image/png", png).await;
    let start = Instant::now();
    loop {
        if app.has("#verdict-ok").await {
            return "#verdict-ok";
        }
        if app.has("#verdict-bad").await {
            return "#verdict-bad";
        }
        assert!(start.elapsed() < STEP, "no verdict after importing the photo");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the server holds `n` visits at `checkpoint`, all checked out; returns them.
async fn server_visits(server: &Server, checkpoint: u64, n: usize) -> Vec<tokhai_server::store::VisitRow> {
    let start = Instant::now();
    loop {
        let rows = server.server.visits(&[checkpoint]).await;
        if rows.len() >= n && rows.iter().all(|r| r.checked_out_at.is_some()) {
            return rows;
        }
        assert!(
            start.elapsed() < STEP,
            "the server has {} of {n} visits",
            rows.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_declares_checks_in_and_out_offline_too_and_gets_the_alert() {
    let Some(bin) = can_run() else { return };
    let _one = super::ONE_AT_A_TIME.lock().await;
    let mut server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    // A checkpoint registered by its manager, and its printed poster.
    let cp = server.server.register_view(MANAGER, "Chợ Bến Thành").await;
    let cp_id = cp["id"].as_u64().unwrap();
    let code = cp["code"].as_str().unwrap().to_owned();
    let manager = server.server.sign_in(MANAGER).await;
    let poster = server.poster_png(cp_id, &manager).await;
    let trust_file = dir.path().join("deployment-trust.json");
    let expired = expired_png(&code, &trust_file);
    let data = dir.path().join("app");
    let app = App::start(
        &bin,
        &[
            ("TOKHAI_APP_DATA_DIR", data.display().to_string()),
            ("TOKHAI_SERVER", server.url()),
            ("TOKHAI_TRUST_FILE", trust_file.display().to_string()),
        ],
    )
    .await;

    // First run → sign in → declare for oneself and a grandchild.
    first_run(&app, PASSPHRASE).await;
    sign_in_and_declare(
        &app,
        &server,
        &Person {
            name: "Nguyễn Văn Ba",
            id_number: Some("079080001234"),
            birth_year: "1980",
            sex: "male",
            phone: PHONE,
        },
    )
    .await;
    assert_eq!(app.text("#personal-qr .who strong").await, "NVB");
    app.go("/family").await;
    app.click("#add-dependant").await;
    declare(
        &app,
        &Person {
            name: "Nguyễn Thị Bé",
            id_number: None,
            birth_year: "2016",
            sex: "female",
            phone: "",
        },
    )
    .await;
    assert_eq!(app.text("#personal-qr .who strong").await, "NTB");
    // The feed (issuer keys, the directory) and the signed personal code come with a sync.
    sync_now(&app).await;

    // Check in by importing the poster photo: the green confirmation names the place.
    assert_eq!(import(&app, &poster).await, "#verdict-ok");
    assert_eq!(app.text("#verdict-place").await, "Chợ Bến Thành");
    app.click("#verdict-home").await;
    app.wait("#open-visit").await;
    assert!(
        app.has("#auto-checkout").await,
        "the automatic check-out time is shown"
    );
    // One tap checks out.
    app.click("#check-out").await;
    app.wait("#checked-out").await;

    // The day's health report.
    app.go("/health").await;
    app.click("#start-quarantine").await;
    app.fill("#temperature", "37,2").await;
    app.click("#send-report").await;
    app.wait("#report-saved").await;

    // Sync: the visit reaches the manager's arrivals.
    sync_now(&app).await;
    let rows = server_visits(&server, cp_id, 1).await;
    assert_eq!(rows.len(), 1);
    let (s, arrivals) = server
        .get(&format!("/v1/checkpoints/{cp_id}/visits"), &manager)
        .await;
    assert_eq!(s, 200, "{arrivals}");
    assert_eq!(arrivals.as_array().map(Vec::len), Some(1), "{arrivals}");
    assert_eq!(arrivals[0]["end"], "checked_out", "{arrivals}");

    // An officer publishes an exposure at the checkpoint covering the visit; the app shows the alert.
    let officer = server.server.officer("0900000099").await;
    server.server.sign_in("0900000077").await;
    let today = SystemClock.now().date_naive();
    let (s, case) = server
        .post(
            "/v1/cases",
            &officer,
            json!({ "phone": "0900000077", "province": 79, "ward": 26743, "test_date": today,
                    "symptom_onset": null, "purpose": "case_investigation: ca F0 tại chợ" }),
        )
        .await;
    assert_eq!(s, 201, "{case}");
    let (s, window) = server
        .post(
            &format!("/v1/cases/{}/exposures", case["id"]),
            &officer,
            json!({ "checkpoint": cp_id, "starts_at": SystemClock.now() - chrono::Duration::hours(1),
                    "ends_at": SystemClock.now() - chrono::Duration::seconds(1),
                    "advice": "Theo dõi sức khỏe 14 ngày." }),
        )
        .await;
    assert_eq!(s, 201, "{window}");
    sync_now(&app).await;
    app.go("/home").await;
    app.wait("#home-alerts").await;
    app.go("/alerts").await;
    let alerts = app.text("#alert-list").await;
    assert!(alerts.contains("Chợ Bến Thành"), "{alerts}");

    // Offline: the server is stopped; check in and out still work.
    server.stop();
    assert_eq!(import(&app, &poster).await, "#verdict-ok");
    app.click("#verdict-home").await;
    app.click("#check-out").await;
    app.wait("#checked-out").await;
    // Back: each record reaches it exactly once.
    server.restart().await;
    sync_now(&app).await;
    let rows = server_visits(&server, cp_id, 2).await;
    assert_eq!(rows.len(), 2, "each visit once");
    assert_ne!(rows[0].id, rows[1].id);

    // Refused codes, each with its red screen and reason.
    assert_eq!(import(&app, &forged_png(&code)).await, "#verdict-bad");
    assert_eq!(
        app.attr("#verdict-reason", "data-code").await.as_deref(),
        Some("qr_bad_signature")
    );
    app.click("#verdict-again").await;
    assert_eq!(import(&app, &expired).await, "#verdict-bad");
    assert_eq!(
        app.attr("#verdict-reason", "data-code").await.as_deref(),
        Some("qr_expired")
    );
    app.click("#verdict-again").await;
    let (s, _) = server
        .post(
            &format!("/v1/checkpoints/{cp_id}/deactivate"),
            &manager,
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    sync_now(&app).await;
    assert_eq!(import(&app, &poster).await, "#verdict-bad");
    assert_eq!(
        app.attr("#verdict-reason", "data-code").await.as_deref(),
        Some("qr_revoked")
    );
    app.quit().await;
}
