//! Background sync: at start (once unlocked), after each local change (debounced), when the network
//! comes back (the webview's `online` event asks through `sync_now`), and on the timer core sets after
//! each run (its period after a success, its backoff after a failure). When to run is core's rule
//! (`sync_client::due`); this loop only sleeps until then and tells the UI what happened (`sync` with
//! the status after each run, `changed` when the run brought something new).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tauri::{AppHandle, Emitter, Manager};
use tokhai_core::Engine;
use tokhai_core::sync_client::{HttpTransport, OsJitter, SyncOptions, SyncReport, Trigger, due};

use crate::error::AppError;
use crate::state::AppState;

/// How long one request to the server may take.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(15);

/// The transport to the configured server.
pub(crate) fn transport(state: &AppState) -> Result<HttpTransport, AppError> {
    HttpTransport::new(&state.settings().server, TIMEOUT).map_err(|_| {
        AppError::new(
            "bad_server",
            "Địa chỉ máy chủ không dùng được.",
            "The server address cannot be used.",
        )
    })
}

/// Starts the loop; commands reach it through `AppState::trigger_sync`.
pub(crate) fn spawn(app: &AppHandle) {
    let (tx, rx) = tokio::sync::mpsc::channel(32);
    app.state::<AppState>().set_sync_sender(tx);
    let app = app.clone();
    tauri::async_runtime::spawn(run(app, rx));
}

async fn run(app: AppHandle, mut triggers: tokio::sync::mpsc::Receiver<Trigger>) {
    // Nothing is due until the data is unlocked (the unlock sends `Start`).
    let mut next: Option<DateTime<Utc>> = None;
    loop {
        let state = app.state::<AppState>();
        let now = state.clock.now();
        let sleep = next.map_or(Duration::from_secs(3600), |at| {
            (at - now).to_std().unwrap_or_default()
        });
        tokio::select! {
            t = triggers.recv() => {
                let Some(t) = t else { return };
                let Ok(engine) = state.engine() else { continue };
                let (until, offline) = match engine.sync_status() {
                    Ok(s) => (
                        s.next_attempt.filter(|_| s.last_error.is_some()),
                        s.last_error.as_ref().is_some_and(|f| f.code == "offline"),
                    ),
                    Err(_) => (None, false),
                };
                let at = due(t, state.clock.now(), until, offline);
                next = Some(match (next, t) {
                    // A new write pushes the debounced run back; other triggers only bring it forward.
                    (_, Trigger::LocalWrite) => at,
                    (Some(n), _) => n.min(at),
                    (None, _) => at,
                });
            }
            () = tokio::time::sleep(sleep) => {
                if next.is_none() {
                    continue;
                }
                let Ok(engine) = state.engine() else {
                    next = None;
                    continue;
                };
                let _ = sync_once(&app, &engine).await;
                next = engine.sync_status().ok().and_then(|s| s.next_attempt);
            }
        }
    }
}

/// One sync run (one at a time), then the events for the UI.
pub(crate) async fn sync_once(app: &AppHandle, engine: &Arc<Engine>) -> Result<SyncReport, AppError> {
    let state = app.state::<AppState>();
    let _one = state.sync_lock.lock().await;
    let closed = engine.auto_check_out()?.is_some();
    let transport = transport(&state)?;
    let result = engine
        .sync(&transport, &SyncOptions::default(), &mut OsJitter)
        .await;
    let _ = app.emit("sync", engine.sync_status().ok());
    let news = result
        .as_ref()
        .is_ok_and(|r| r.pulled > 0 || r.new_alerts > 0 || r.signed_codes > 0 || r.kept > 0 || r.sent > 0);
    if closed || news {
        let _ = app.emit("changed", ());
    }
    Ok(result?)
}
