//! Records of the quarantine health log (core's `QuarantineEpisode`, `DailyReport`, `DayState`). Calendar
//! days cross as `YYYY-MM-DD` text, instants as timestamps.

use std::time::SystemTime;

use tokhai_core as core;

use crate::records::Symptoms;

/// Where a person is in quarantine (core's `QuarantineKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum QuarantineKind {
    /// Cách ly tập trung: a quarantine facility.
    Facility,
    /// Cách ly tại nhà: at home.
    Home,
    /// Khu vực phong tỏa: a locked-down area.
    LockedDownArea,
}

impl From<QuarantineKind> for core::QuarantineKind {
    fn from(k: QuarantineKind) -> Self {
        match k {
            QuarantineKind::Facility => Self::Facility,
            QuarantineKind::Home => Self::Home,
            QuarantineKind::LockedDownArea => Self::LockedDownArea,
        }
    }
}

impl From<core::QuarantineKind> for QuarantineKind {
    fn from(k: core::QuarantineKind) -> Self {
        match k {
            core::QuarantineKind::Facility => Self::Facility,
            core::QuarantineKind::Home => Self::Home,
            core::QuarantineKind::LockedDownArea => Self::LockedDownArea,
        }
    }
}

/// A quarantine to start (core's `NewEpisode`, on Vietnam's calendar).
#[derive(Debug, Clone, uniffi::Record)]
pub struct NewEpisode {
    /// Who (a person's id from `family`).
    pub person_id: String,
    /// Where.
    pub kind: QuarantineKind,
    /// Facility name or area, as the person was told.
    pub place: Option<String>,
    /// First day, `YYYY-MM-DD`.
    pub start: String,
    /// Expected last day (inclusive), `YYYY-MM-DD`.
    pub expected_end: String,
}

/// One period of quarantine (core's `QuarantineEpisode`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct Episode {
    /// The episode's id.
    pub id: String,
    /// Who.
    pub person_id: String,
    /// Where.
    pub kind: QuarantineKind,
    /// The kind in Vietnamese.
    pub kind_vi: String,
    /// The kind in English.
    pub kind_en: String,
    /// Facility name or area.
    pub place: Option<String>,
    /// First day.
    pub start: String,
    /// Expected last day (inclusive).
    pub expected_end: String,
    /// The day it ended early, if it did.
    pub ended_on: Option<String>,
    /// Offset from UTC, in minutes, of its calendar days.
    pub utc_offset_minutes: i32,
}

impl From<&core::QuarantineEpisode> for Episode {
    fn from(e: &core::QuarantineEpisode) -> Self {
        let label = e.kind.label();
        Self {
            id: e.id.to_string(),
            person_id: e.person.to_string(),
            kind: e.kind.into(),
            kind_vi: label.vi.into_owned(),
            kind_en: label.en.into_owned(),
            place: e.place.clone(),
            start: e.start.to_string(),
            expected_end: e.expected_end.to_string(),
            ended_on: e.ended_on.map(|d| d.to_string()),
            utc_offset_minutes: e.utc_offset_minutes,
        }
    }
}

/// What `start_quarantine` did (core's `QuarantineStart`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct QuarantineStart {
    /// The episode now open.
    pub episode: Episode,
    /// An open episode was extended (same id) instead of a second one opened.
    pub extended: bool,
}

/// One day's report as typed (core's `ReportInput`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct ReportInput {
    /// The day reported on, `YYYY-MM-DD`; none: today.
    pub day: Option<String>,
    /// Body temperature as typed ("37.5", "37,5"); blank when not measured.
    pub temperature: String,
    /// Symptoms today.
    pub symptoms: Symptoms,
    /// A note.
    pub note: String,
}

/// One day's health report (core's `DailyReport`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct DailyReport {
    /// The report's id.
    pub id: String,
    /// Its episode.
    pub episode_id: String,
    /// The day it reports on.
    pub day: String,
    /// When it was first submitted.
    pub reported_at: SystemTime,
    /// When it was last replaced.
    pub updated_at: Option<SystemTime>,
    /// Body temperature in tenths of a degree Celsius (365 = 36.5 °C).
    pub temperature_decidegrees: Option<u16>,
    /// Symptoms.
    pub symptoms: Symptoms,
    /// The note.
    pub note: Option<String>,
}

impl From<&core::DailyReport> for DailyReport {
    fn from(r: &core::DailyReport) -> Self {
        Self {
            id: r.id.to_string(),
            episode_id: r.episode.to_string(),
            day: r.day.to_string(),
            reported_at: r.reported_at.into(),
            updated_at: r.updated_at.map(Into::into),
            temperature_decidegrees: r.temperature_decidegrees,
            symptoms: r.symptoms.clone().into(),
            note: r.note.clone(),
        }
    }
}

/// The state of one day of an episode (core's `DayState`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct DayState {
    /// The day.
    pub day: String,
    /// Its status, as its wire name: "upcoming", "due", "done", "done_late", "late", "missed", "expired".
    pub status: String,
    /// The status in Vietnamese.
    pub status_vi: String,
    /// The status in English.
    pub status_en: String,
    /// Its report's id, if any.
    pub report_id: Option<String>,
}

impl From<&core::DayState> for DayState {
    fn from(d: &core::DayState) -> Self {
        let label = d.status.label();
        Self {
            day: d.day.to_string(),
            status: crate::records::wire_name(&d.status),
            status_vi: label.vi.into_owned(),
            status_en: label.en.into_owned(),
            report_id: d.report.as_ref().map(ToString::to_string),
        }
    }
}
