//! The desktop binary started where there is no display (over SSH, from a service): one clear sentence in
//! both languages and exit status 1, not a GTK panic. Being an integration test of this package, it also
//! makes `cargo test --workspace` build the app's binary, which the real-window tests (`tests/tests/app`)
//! then drive.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use std::process::Command;

#[test]
fn without_a_display_the_app_says_so_and_stops() {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tokhai-app"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("GDK_BACKEND")
        .env("TOKHAI_APP_DATA_DIR", data.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("không có màn hình"), "{stderr}");
    assert!(stderr.contains("no display"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Nothing was created: the data folder is opened only once a window is up.
    assert_eq!(std::fs::read_dir(data.path()).unwrap().count(), 0);
}
