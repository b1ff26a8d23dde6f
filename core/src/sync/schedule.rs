//! When to sync (pure), and the background loop that follows it.
//!
//! Triggers: the app starts, a local write (debounced: a burst of check-ins gives one sync), the network
//! comes back, and a periodic timer. After a failure the backoff's next attempt is respected, except
//! when the network comes back after an "offline" failure (the failure was the network, not the server).

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::backoff::OsJitter;
use super::client::SyncOptions;
use super::transport::Transport;
use crate::engine::Engine;

/// What asks for a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The app started.
    Start,
    /// Something was recorded locally.
    LocalWrite,
    /// The network came back.
    Connectivity,
    /// The periodic timer fired.
    Timer,
}

/// The debounce after a local write.
pub const DEBOUNCE: Duration = Duration::seconds(3);

/// When to run after `trigger` at `now`. `backoff_until` is the next attempt the last failure set
/// (`None` after a success); `offline` whether that failure was the network being unreachable.
pub fn due(
    trigger: Trigger,
    now: DateTime<Utc>,
    backoff_until: Option<DateTime<Utc>>,
    offline: bool,
) -> DateTime<Utc> {
    let earliest = match trigger {
        Trigger::LocalWrite => now + DEBOUNCE,
        Trigger::Start | Trigger::Connectivity | Trigger::Timer => now,
    };
    match backoff_until {
        Some(_) if trigger == Trigger::Connectivity && offline => earliest,
        Some(b) => earliest.max(b),
        None => earliest,
    }
}

/// Runs syncs in the background until `triggers` closes: at start, debounced after local writes, when
/// the network comes back, periodically, with backoff after failures.
pub async fn run_background<T: Transport>(
    engine: Arc<Engine>,
    transport: T,
    options: SyncOptions,
    mut triggers: tokio::sync::mpsc::Receiver<Trigger>,
) {
    let mut next = Some(engine_now(&engine));
    loop {
        let sleep = match next {
            Some(at) => (at - engine_now(&engine)).to_std().unwrap_or_default(),
            None => std::time::Duration::from_secs(3600),
        };
        tokio::select! {
            t = triggers.recv() => {
                let Some(t) = t else { return };
                let (until, offline) = match engine.sync_status() {
                    Ok(s) => (s.next_attempt.filter(|_| s.last_error.is_some()),
                              s.last_error.as_ref().is_some_and(|f| f.code == "offline")),
                    Err(_) => (None, false),
                };
                let at = due(t, engine_now(&engine), until, offline);
                next = Some(match (next, t) {
                    // A new write pushes the debounced run back; other triggers only bring it forward.
                    (_, Trigger::LocalWrite) => at,
                    (Some(n), _) => n.min(at),
                    (None, _) => at,
                });
            }
            () = tokio::time::sleep(sleep) => {
                let _ = engine.sync(&transport, &options, &mut OsJitter).await;
                next = engine.sync_status().ok().and_then(|s| s.next_attempt);
            }
        }
    }
}

fn engine_now(engine: &Engine) -> DateTime<Utc> {
    engine.now()
}
