//! Retention: personal records older than the retention period (21 days by default) are purged on a
//! schedule and on demand.

use std::time::Duration;

use crate::config::Config;
use crate::error::Error;
use crate::state::AppState;
use crate::store::{Millis, PurgeCounts, Store};

/// Days ahead of today whose visit partitions exist (PostgreSQL).
const PARTITION_DAYS_AHEAD: i64 = 3;

/// PostgreSQL: makes sure the visits' day partitions exist from the retention cutoff's day to
/// `PARTITION_DAYS_AHEAD` days ahead (at start-up and before every purge). SQLite: nothing.
pub(crate) async fn prepare_partitions(store: &dyn Store, config: &Config, now: Millis) -> Result<(), Error> {
    let day = 86_400_000;
    let from = now - config.retention.num_milliseconds();
    let created = store
        .prepare_partitions(from, now + PARTITION_DAYS_AHEAD * day)
        .await?;
    if created > 0 {
        tracing::info!(created, "visit day partitions created");
    }
    Ok(())
}

/// Purges now (after preparing the coming days' partitions).
pub(crate) async fn purge_now(state: &AppState) -> Result<PurgeCounts, Error> {
    let now = state.now_ms();
    prepare_partitions(state.store().as_ref(), state.config(), now).await?;
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
