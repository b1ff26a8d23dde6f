//! What the daily health log records.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::declaration::Symptoms;
use crate::i18n::Msg;
use crate::ids::{EpisodeId, PersonId, ReportId};

/// Where a person is quarantined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuarantineKind {
    /// Cách ly tập trung: a quarantine facility.
    Facility,
    /// Cách ly tại nhà: at home.
    Home,
    /// Khu vực phong tỏa: a locked-down area.
    LockedDownArea,
}

impl QuarantineKind {
    /// The kind as people read it.
    pub fn label(self) -> Msg {
        match self {
            Self::Facility => Msg::new("Cách ly tập trung", "Quarantine facility"),
            Self::Home => Msg::new("Cách ly tại nhà", "Home quarantine"),
            Self::LockedDownArea => Msg::new("Khu vực phong tỏa", "Locked-down area"),
        }
    }
}

/// One period of quarantine of one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineEpisode {
    /// The episode.
    pub id: EpisodeId,
    /// Who is in quarantine.
    pub person: PersonId,
    /// Where.
    pub kind: QuarantineKind,
    /// Facility name or area, as the person was told.
    pub place: Option<String>,
    /// First day (local calendar day).
    pub start: NaiveDate,
    /// Expected last day (inclusive).
    pub expected_end: NaiveDate,
    /// The episode ended early (or was extended and ended) on this day.
    pub ended_on: Option<NaiveDate>,
    /// Offset from UTC, in minutes, that defines the episode's calendar days (+420 for Vietnam).
    pub utc_offset_minutes: i32,
}

/// One day's health report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyReport {
    /// The report.
    pub id: ReportId,
    /// The episode it belongs to.
    pub episode: EpisodeId,
    /// The calendar day it reports on.
    pub day: NaiveDate,
    /// When it was first submitted (decides whether the day was reported on time).
    pub reported_at: DateTime<Utc>,
    /// When it was last replaced by a new version for the same day (`None` until then).
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// Body temperature in tenths of a degree Celsius (365 = 36.5 °C).
    pub temperature_decidegrees: Option<u16>,
    /// Symptoms today.
    pub symptoms: Symptoms,
    /// A note in the person's words.
    pub note: Option<String>,
}
