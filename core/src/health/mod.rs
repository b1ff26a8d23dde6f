//! The daily health log of people in quarantine.
//!
//! - `model.rs`: quarantine episodes and daily reports.
//! - `episode.rs`: starting (one open episode per person), extending and ending an episode early; its days.
//! - `log.rs`: reports (one per day, validation, replacement), the status of each day, reminders.
//! - `tests.rs`: table tests across days and time zones.

mod episode;
mod log;
mod model;

#[cfg(test)]
mod tests;

pub use episode::{
    EPISODE_PLACE_MAX, EpisodeError, MAX_EPISODE_DAYS, StartPlan, current_episode, open_episode, plan_start,
};
pub use log::{
    DEFAULT_GRACE_HOURS, DayState, DayStatus, HealthPolicy, REPORT_NOTE_MAX, REPORT_OTHER_SYMPTOMS_MAX,
    ReportError, ReportInput, ReportPlan, TEMPERATURE_RANGE_DECIDEGREES, day_statuses, next_reminder,
    parse_temperature, plan_report,
};
pub use model::{DailyReport, QuarantineEpisode, QuarantineKind};
