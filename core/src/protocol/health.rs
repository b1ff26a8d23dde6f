//! The daily health log on the web portal, for people without a smartphone (`/v1/me/quarantine`,
//! `/v1/me/reports`, `docs/protocol/sync.md` §8): a quarantine order as the person was told it, the
//! account's episodes with the state of each day, and a day's report. The rules are core's
//! (`health::plan_start`, `health::plan_report`); the server applies them and stores the results as it
//! stores the app's uploads, so officers' quarantine monitoring counts web reports like the app's.
//! Requests are strict, answers lenient.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::codes::{DayStatusCode, ItemStatus};
use crate::declaration::Symptoms;
use crate::health::{QuarantineEpisode, QuarantineKind, ReportInput};
use crate::ids::{EpisodeId, PersonId, ReportId};

/// `POST /v1/me/quarantine`: a quarantine order for a person of the account (the holder or a dependant),
/// as the health authority gave it. While the person has an open quarantine, a new order extends it
/// (`health::plan_start`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuarantineOrder {
    /// A person of the account (`GET /v1/me/people`).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub person: PersonId,
    /// Where: `facility`, `home` or `locked_down_area`.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub kind: QuarantineKind,
    /// The facility's name or the area, as the person was told (one line).
    #[serde(default)]
    pub place: Option<String>,
    /// First day (Vietnam's calendar).
    pub start: NaiveDate,
    /// Expected last day (inclusive).
    pub expected_end: NaiveDate,
}

/// The answer to a quarantine order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuarantineStarted {
    /// The episode as stored.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub episode: QuarantineEpisode,
    /// The person's open quarantine was extended (same id, reports kept) instead of a new one opened.
    pub extended: bool,
}

/// One day of an episode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EpisodeDay {
    /// The calendar day (the episode's offset).
    pub day: NaiveDate,
    /// Its state now.
    pub status: DayStatusCode,
    /// When its report was made, if there is one.
    #[serde(default)]
    pub reported_at: Option<DateTime<Utc>>,
}

/// One quarantine episode of a person of the account (in `MyQuarantine`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyEpisode {
    /// The person's name as last declared.
    pub full_name: String,
    /// The episode.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub episode: QuarantineEpisode,
    /// Open now (not ended, last day not over): reports are due.
    pub open: bool,
    /// Today in the episode's calendar.
    pub today: NaiveDate,
    /// The days a report can be made for now, none made yet (`DayStatus::is_reportable`: today, and late
    /// days still in their grace period), newest first.
    #[serde(default)]
    pub reportable: Vec<NaiveDate>,
    /// Every day of the episode, first first.
    pub days: Vec<EpisodeDay>,
}

/// `GET /v1/me/quarantine`: the server's calendar day and the account's episodes. The page takes "today"
/// from here, not from the computer's clock (an office PC's may be wrong).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyQuarantine {
    /// Today in Vietnam, by the server's clock.
    pub today: NaiveDate,
    /// The episodes of the account's people: open ones first, then the newest first.
    pub episodes: Vec<MyEpisode>,
}

/// `POST /v1/me/reports`: a day's health report for an episode of the account, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebReport {
    /// The episode (`GET /v1/me/quarantine`).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub episode: EpisodeId,
    /// The day reported on; absent for today.
    #[serde(default)]
    pub day: Option<NaiveDate>,
    /// Body temperature as typed ("36,8"); blank when not measured.
    #[serde(default)]
    pub temperature: String,
    /// Symptoms today.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub symptoms: Symptoms,
    /// A note in the person's words.
    #[serde(default)]
    pub note: String,
}

impl WebReport {
    /// The answers as core's report input.
    pub fn input(&self) -> ReportInput {
        ReportInput {
            day: self.day,
            temperature: self.temperature.clone(),
            symptoms: self.symptoms.clone(),
            note: self.note.clone(),
        }
    }
}

/// The stored report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportFiled {
    /// The report's id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ReportId,
    /// Its episode.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub episode: EpisodeId,
    /// The day it reports on.
    pub day: NaiveDate,
    /// When it was made.
    pub reported_at: DateTime<Utc>,
    /// `accepted` (stored now) or `duplicate` (the same report was stored before).
    pub status: ItemStatus,
    /// The day's state now (`done` or `done_late`).
    pub day_status: DayStatusCode,
}
