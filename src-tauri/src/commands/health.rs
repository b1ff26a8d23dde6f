//! The quarantine health log: episodes, daily reports, the calendar.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tauri::State;
use tokhai_core::sync_client::Trigger;
use tokhai_core::{DailyReport, DayState, EpisodeId, NewEpisode, QuarantineEpisode, ReportInput};

use super::id;
use crate::error::AppError;
use crate::state::AppState;

/// One episode with its calendar.
#[derive(Debug, Serialize)]
pub(crate) struct EpisodeView {
    episode: QuarantineEpisode,
    days: Vec<DayState>,
    reports: Vec<DailyReport>,
    next_reminder: Option<DateTime<Utc>>,
}

#[tauri::command(async)]
pub(crate) fn episodes(state: State<'_, AppState>, person: String) -> Result<Vec<EpisodeView>, AppError> {
    let engine = state.engine()?;
    engine
        .episodes(id(&person)?)?
        .into_iter()
        .map(|episode| {
            Ok(EpisodeView {
                days: engine.day_statuses(episode.id)?,
                reports: engine.reports(episode.id)?,
                next_reminder: engine.next_reminder(episode.id)?,
                episode,
            })
        })
        .collect()
}

#[tauri::command(async)]
pub(crate) fn start_quarantine(
    state: State<'_, AppState>,
    episode: NewEpisode,
) -> Result<QuarantineEpisode, AppError> {
    let started = state.engine()?.start_quarantine(episode)?;
    state.trigger_sync(Trigger::LocalWrite);
    Ok(started.episode)
}

#[tauri::command(async)]
pub(crate) fn report_day(
    state: State<'_, AppState>,
    episode: String,
    report: ReportInput,
) -> Result<DailyReport, AppError> {
    let episode: EpisodeId = episode.parse().map_err(|_| AppError::bad_request("episode id"))?;
    let report = state.engine()?.report_day(episode, &report)?;
    state.trigger_sync(Trigger::LocalWrite);
    Ok(report)
}
