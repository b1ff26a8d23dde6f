//! End-to-end test harness: the real tokhai-server in process (`server.rs`), a fault-injecting TCP proxy
//! (`proxy.rs`), and simulated devices running the sync client of tokhai-core (`device.rs`). The tests
//! are in `tests/e2e/`, the benchmark in `benches/sync.rs`. `app.rs` drives the real app in a real window
//! (Xvfb, tauri-driver, WebKitWebDriver) for `tests/app/`.

// Test harness: a failed unwrap is a failed test, and tests report what they skipped on stderr.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr
)]

pub mod app;
mod device;
mod proxy;
mod server;

pub use device::{Device, Routed, checkpoint};
pub use proxy::{Fault, Proxy, Stats};
pub use server::{Db, TestServer, t0};

/// Runs `$name(db)` against SQLite and PostgreSQL as two tests.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    super::$name($crate::Db::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    super::$name($crate::Db::Postgres).await;
                }
            }
        )*
    };
}

/// A temporary folder, in memory (`/dev/shm`) when the machine has one: thousands of fsyncs of the
/// devices' stores would otherwise dominate the tests' time.
pub fn fast_tempdir() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().unwrap()
}

/// Visits of `devices` by id: (checked in, checked out, end) in milliseconds and `snake_case`.
pub fn local_visits(devices: &[&Device]) -> std::collections::HashMap<Vec<u8>, (i64, Option<i64>, String)> {
    let mut all = std::collections::HashMap::new();
    for d in devices {
        for v in d.engine.visits().unwrap() {
            let end = serde_json::to_value(v.end).unwrap().as_str().unwrap().to_owned();
            let prev = all.insert(
                v.id.as_uuid().as_bytes().to_vec(),
                (
                    v.checked_in_at.timestamp_millis(),
                    v.checked_out_at.map(|t| t.timestamp_millis()),
                    end,
                ),
            );
            assert!(prev.is_none(), "a visit id on two devices");
        }
    }
    all
}

/// Asserts that the server holds exactly the visits of `devices` at `checkpoints`, each once, in the
/// devices' newest version; returns how many.
pub async fn assert_same_visits(server: &TestServer, devices: &[&Device], checkpoints: &[u64]) -> usize {
    let local = local_visits(devices);
    let rows = server.visits(checkpoints).await;
    let mut seen = std::collections::HashSet::new();
    for r in &rows {
        assert!(seen.insert(r.id.clone()), "a visit stored twice");
        let mine = local.get(&r.id).expect("the server holds a visit no device made");
        assert_eq!(
            (&r.checked_in_at, &r.checked_out_at, &r.end_kind),
            (&mine.0, &mine.1, &mine.2),
            "the server's version differs from the device's"
        );
    }
    assert_eq!(rows.len(), local.len(), "visits missing on the server");
    rows.len()
}
