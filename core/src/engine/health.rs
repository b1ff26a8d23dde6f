//! The daily health log: quarantine episodes and one report per day.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::error::{EngineError, Missing, Rejection};
use super::facade::Engine;
use crate::declaration::Symptoms;
use crate::health::{DailyReport, QuarantineEpisode, QuarantineKind};
use crate::ids::{EpisodeId, PersonId, ReportId};
use crate::store::OutboxEvent;

/// A quarantine to start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEpisode {
    /// Who.
    pub person: PersonId,
    /// Where.
    pub kind: QuarantineKind,
    /// Facility name or area, as the person was told.
    pub place: Option<String>,
    /// First day.
    pub start: NaiveDate,
    /// Expected last day (inclusive).
    pub expected_end: NaiveDate,
    /// Offset from UTC, in minutes, that defines the calendar days (+420 for Vietnam).
    pub utc_offset_minutes: i32,
}

/// One day's report as the person fills it in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportInput {
    /// The day reported on; `None` for today (in the episode's time zone).
    pub day: Option<NaiveDate>,
    /// Body temperature in tenths of a degree Celsius.
    pub temperature_decidegrees: Option<u16>,
    /// Symptoms today.
    pub symptoms: Symptoms,
    /// A note.
    pub note: Option<String>,
}

impl Engine {
    /// Starts a quarantine episode.
    pub fn start_quarantine(&self, new: NewEpisode) -> Result<QuarantineEpisode, EngineError> {
        if new.expected_end < new.start {
            return Err(Rejection::EpisodeEndsBeforeStart.into());
        }
        let now = self.now();
        let episode = QuarantineEpisode {
            id: EpisodeId::random(),
            person: new.person,
            kind: new.kind,
            place: new.place,
            start: new.start,
            expected_end: new.expected_end,
            ended_on: None,
            utc_offset_minutes: new.utc_offset_minutes,
        };
        self.write(|tx| {
            tx.person(new.person)?
                .ok_or(EngineError::NotFound(Missing::Person))?;
            tx.put_episode(&episode)?;
            tx.enqueue(OutboxEvent::QuarantineSaved(episode.clone()), now)?;
            Ok(episode)
        })
    }

    /// Ends an episode on `day` (early release, or the real end of an extended one).
    pub fn end_quarantine(&self, id: EpisodeId, day: NaiveDate) -> Result<QuarantineEpisode, EngineError> {
        let now = self.now();
        self.write(|tx| {
            let mut episode = tx.episode(id)?.ok_or(EngineError::NotFound(Missing::Episode))?;
            if day < episode.start {
                return Err(Rejection::EpisodeEndsBeforeStart.into());
            }
            episode.ended_on = Some(day);
            tx.put_episode(&episode)?;
            tx.enqueue(OutboxEvent::QuarantineSaved(episode.clone()), now)?;
            Ok(episode)
        })
    }

    /// Every kept episode of `person`, in the order they were started.
    pub fn episodes(&self, person: PersonId) -> Result<Vec<QuarantineEpisode>, EngineError> {
        let all = self.read(|tx| Ok(tx.episodes()?))?;
        Ok(all.into_iter().filter(|e| e.person == person).collect())
    }

    /// Records the report of a day; a second report for the same day replaces the first.
    pub fn report_day(&self, episode: EpisodeId, input: ReportInput) -> Result<DailyReport, EngineError> {
        let now = self.now();
        self.write(|tx| {
            let ep = tx
                .episode(episode)?
                .ok_or(EngineError::NotFound(Missing::Episode))?;
            let today = (now + Duration::minutes(i64::from(ep.utc_offset_minutes))).date_naive();
            let day = input.day.unwrap_or(today);
            if day > today {
                return Err(Rejection::DayInFuture.into());
            }
            let last = ep.ended_on.unwrap_or(ep.expected_end);
            if day < ep.start || day > last {
                return Err(Rejection::DayOutsideEpisode.into());
            }
            let id = tx
                .report_for_day(episode, day)?
                .map_or_else(ReportId::random, |r| r.id);
            let report = DailyReport {
                id,
                episode,
                day,
                reported_at: now,
                temperature_decidegrees: input.temperature_decidegrees,
                symptoms: input.symptoms,
                note: input.note,
            };
            tx.put_report(&report)?;
            tx.enqueue(OutboxEvent::DailyReportSaved(report.clone()), now)?;
            Ok(report)
        })
    }

    /// The reports of an episode, by day.
    pub fn reports(&self, episode: EpisodeId) -> Result<Vec<DailyReport>, EngineError> {
        let mut reports = self.read(|tx| {
            tx.episode(episode)?
                .ok_or(EngineError::NotFound(Missing::Episode))?;
            Ok(tx.reports(episode)?)
        })?;
        reports.sort_by_key(|r| r.day);
        Ok(reports)
    }
}
