//! Retention: personal records older than the retention period (21 days by default) are purged on a
//! schedule and on demand.

use std::time::Duration;

use crate::error::Error;
use crate::state::AppState;
use crate::store::PurgeCounts;

/// Purges now.
pub(crate) async fn purge_now(state: &AppState) -> Result<PurgeCounts, Error> {
    let now = state.now_ms();
    let cutoff = now - state.config().retention.num_milliseconds();
    let counts = state.store().purge(cutoff, now).await?;
    tracing::info!(
        visits = counts.visits,
        declarations = counts.declarations,
        reports = counts.reports,
        episodes = counts.episodes,
        expired = counts.expired,
        "retention purge"
    );
    Ok(counts)
}

/// Runs the purge every `interval` until `stop` resolves.
pub(crate) async fn schedule(state: AppState, interval: Duration, stop: tokio::sync::watch::Receiver<bool>) {
    let mut stop = stop;
    let mut tick = tokio::time::interval(interval);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Err(e) = purge_now(&state).await {
                    tracing::warn!(error = %e, "retention purge failed");
                }
            }
            _ = stop.changed() => return,
        }
    }
}
