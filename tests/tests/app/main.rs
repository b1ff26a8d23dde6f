//! The real app (release build, bundled UI) in a real window under Xvfb, driven through tauri-driver and
//! WebKitWebDriver, against the real tokhai-server (in process, behind a TCP proxy so that it can be
//! stopped and started again on the same address). Skipped where the app or the drivers are missing,
//! required under `TOKHAI_APP_E2E=1` (`./dev test` sets it). Run: `cargo test -p tokhai-e2e --test app`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod bench;
mod camera;
mod scenario;
mod screenshots;
mod support;

/// The tests share the machine's two cores: one window at a time.
pub(crate) static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

use tokhai_e2e::app::{App, can_run};

/// The window opens on the first-run screen, which offers both languages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smoke_the_window_opens_on_the_first_run_screen() {
    let Some(bin) = can_run() else { return };
    let _one = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(
        &bin,
        &[
            ("TOKHAI_APP_DATA_DIR", dir.path().display().to_string()),
            ("TOKHAI_SERVER", "http://127.0.0.1:9".to_owned()),
        ],
    )
    .await;
    let vi = app.text("#lang-vi").await;
    let en = app.text("#lang-en").await;
    assert_eq!((vi.as_str(), en.as_str()), ("Tiếng Việt", "English"));
    // The language chosen carries on to the next screen, in that language.
    app.click("#lang-en").await;
    app.wait("#setup-continue").await;
    let heading = app.text("h1").await;
    assert!(!heading.is_empty());
    assert!(app.has("#method-passphrase").await);
    app.quit().await;
}
