//! The camera path in the real window: a video of a checkpoint's poster, made from a real photo, plays as
//! the webview's camera; the app's own frame grabber sends its frames to core over IPC and the check-in
//! happens (issue 15: "the camera path is exercised with real video").

use serde_json::json;
use tokhai_e2e::app::{App, can_run};

use super::support::{
    Person, Server, camera_frames, first_run, play_as_camera, sign_in_and_declare, sync_now,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_of_the_poster_checks_in_through_the_apps_frame_grabber() {
    let Some(bin) = can_run() else { return };
    let _one = super::ONE_AT_A_TIME.lock().await;
    let server = Server::start().await;
    let cp = server
        .server
        .register_view("0900000012", "Nhà sách Phương Nam")
        .await;
    let cp_id = cp["id"].as_u64().unwrap();
    let manager = server.server.sign_in("0900000012").await;
    let poster = server.poster_png(cp_id, &manager).await;
    let frames = camera_frames(&poster, 24);
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(
        &bin,
        &[
            (
                "TOKHAI_APP_DATA_DIR",
                dir.path().join("app").display().to_string(),
            ),
            ("TOKHAI_SERVER", server.url()),
        ],
    )
    .await;
    first_run(&app, "mua xuân trên phố cổ 1975").await;
    sign_in_and_declare(
        &app,
        &server,
        &Person {
            name: "Trần Văn An",
            id_number: Some("079080001235"),
            birth_year: "1980",
            sex: "male",
            phone: "0912345670",
        },
    )
    .await;
    // The deployment's keys come with the first sync.
    sync_now(&app).await;

    app.go("/scan").await;
    app.wait("#camera-start").await;
    play_as_camera(&app, &frames, 12).await;
    app.click("#camera-start").await;
    let start = std::time::Instant::now();
    while !app.has("#verdict-ok").await {
        if app.has("#camera-error").await {
            let why = app.attr("#camera-error", "data-error").await;
            panic!("the camera did not open: {why:?}");
        }
        assert!(
            start.elapsed() < tokhai_e2e::app::STEP,
            "no check-in from the camera's frames"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(app.text("#verdict-place").await, "Nhà sách Phương Nam");
    let drawn = app.exec("return window.__tokhaiCameraFrames()", json!([])).await;
    assert!(drawn.as_u64().unwrap_or(0) >= 1, "frames drawn: {drawn}");
    // The camera is off once the decision is shown, and the visit is the app's open one.
    app.click("#verdict-home").await;
    app.wait("#open-visit").await;
    app.quit().await;
}
