//! The daily health log: quarantine episodes, one report per day, day statuses and reminders — the
//! domain's `health` rules, stored with their outbox entries in one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::error::{EngineError, Missing};
use super::events::EngineEvent;
use super::facade::Engine;
use crate::calendar::{VIETNAM_UTC_OFFSET_MINUTES, local_day};
use crate::health::{
    DailyReport, DayState, QuarantineEpisode, QuarantineKind, ReportInput, StartPlan, current_episode,
    day_statuses, next_reminder, plan_report, plan_start,
};
use crate::ids::{EpisodeId, PersonId, ReportId};
use crate::store::{OutboxEvent, Tx};

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

/// What `start_quarantine` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineStart {
    /// The episode now open.
    pub episode: QuarantineEpisode,
    /// The person already had an open episode, which was extended (same id) instead of opening another.
    pub extended: bool,
}

fn episode(tx: &Tx<'_>, id: EpisodeId) -> Result<QuarantineEpisode, EngineError> {
    tx.episode(id)?.ok_or(EngineError::NotFound(Missing::Episode))
}

fn save_episode(
    tx: &Tx<'_>,
    episode: QuarantineEpisode,
    now: DateTime<Utc>,
) -> Result<QuarantineEpisode, EngineError> {
    tx.put_episode(&episode)?;
    tx.enqueue(OutboxEvent::QuarantineSaved(episode.clone()), now)?;
    Ok(episode)
}

impl Engine {
    /// Starts a quarantine, or, when the person already has an open one, extends that one to cover the
    /// new order (`health::plan_start`: one open episode per person). Refused when it would leave a gap
    /// after the open episode or cover days of an earlier one.
    pub fn start_quarantine(&self, new: NewEpisode) -> Result<QuarantineStart, EngineError> {
        let episode = QuarantineEpisode::new(
            new.person,
            new.kind,
            new.place.as_deref(),
            new.start,
            new.expected_end,
            new.utc_offset_minutes,
        )?;
        let now = self.now();
        self.write(|tx| {
            tx.person(new.person)?
                .ok_or(EngineError::NotFound(Missing::Person))?;
            let theirs: Vec<QuarantineEpisode> = tx
                .episodes()?
                .into_iter()
                .filter(|e| e.person == new.person)
                .collect();
            let plan = plan_start(&theirs, episode, now)?;
            let extended = matches!(plan, StartPlan::Extended(_));
            let episode = match plan {
                StartPlan::New(e) | StartPlan::Extended(e) => e,
            };
            Ok(QuarantineStart {
                episode: save_episode(tx, episode, now)?,
                extended,
            })
        })
        .inspect(|_| self.emit(EngineEvent::HealthChanged { person: new.person }))
    }

    /// The episode a report for `day` (today when `None`) goes to: the person's episode covering that
    /// day, else their open one, else their latest (`health::current_episode`).
    pub fn current_episode(
        &self,
        person: PersonId,
        day: Option<NaiveDate>,
    ) -> Result<Option<QuarantineEpisode>, EngineError> {
        let now = self.now();
        let day = day.unwrap_or_else(|| local_day(now, VIETNAM_UTC_OFFSET_MINUTES));
        let episodes = self.episodes(person)?;
        Ok(current_episode(&episodes, person, day, now).cloned())
    }

    /// Extends an episode to a later expected end.
    pub fn extend_quarantine(
        &self,
        id: EpisodeId,
        new_end: NaiveDate,
    ) -> Result<QuarantineEpisode, EngineError> {
        let now = self.now();
        self.write(|tx| save_episode(tx, episode(tx, id)?.extend(new_end)?, now))
            .inspect(|e| self.emit(EngineEvent::HealthChanged { person: e.person }))
    }

    /// Ends an episode early, `last_day` being its last day.
    pub fn end_quarantine(
        &self,
        id: EpisodeId,
        last_day: NaiveDate,
    ) -> Result<QuarantineEpisode, EngineError> {
        let now = self.now();
        self.write(|tx| save_episode(tx, episode(tx, id)?.end_early(last_day)?, now))
            .inspect(|e| self.emit(EngineEvent::HealthChanged { person: e.person }))
    }

    /// Every kept episode of `person`, in the order they were started.
    pub fn episodes(&self, person: PersonId) -> Result<Vec<QuarantineEpisode>, EngineError> {
        let all = self.read(|tx| Ok(tx.episodes()?))?;
        Ok(all.into_iter().filter(|e| e.person == person).collect())
    }

    /// Records the report of a day (today when `input.day` is `None`); a second report for the same day
    /// replaces the first but keeps its first submission time.
    pub fn report_day(&self, episode_id: EpisodeId, input: &ReportInput) -> Result<DailyReport, EngineError> {
        let now = self.now();
        self.write(|tx| {
            let episode = episode(tx, episode_id)?;
            let reports = tx.reports(episode_id)?;
            let plan = plan_report(
                &episode,
                &reports,
                input,
                ReportId::random(),
                now,
                &self.policy().health,
            )?;
            let report = plan.report().clone();
            tx.put_report(&report)?;
            tx.enqueue(OutboxEvent::DailyReportSaved(report.clone()), now)?;
            Ok((report, episode.person))
        })
        .map(|(report, person)| {
            self.emit(EngineEvent::HealthChanged { person });
            report
        })
    }

    /// The reports of an episode, by day.
    pub fn reports(&self, episode_id: EpisodeId) -> Result<Vec<DailyReport>, EngineError> {
        let mut reports = self.read(|tx| {
            episode(tx, episode_id)?;
            Ok(tx.reports(episode_id)?)
        })?;
        reports.sort_by_key(|r| r.day);
        Ok(reports)
    }

    /// Each day of an episode: upcoming, due, done, done late, late, missed or expired.
    pub fn day_statuses(&self, episode_id: EpisodeId) -> Result<Vec<DayState>, EngineError> {
        let (episode, reports) = self.read(|tx| Ok((episode(tx, episode_id)?, tx.reports(episode_id)?)))?;
        Ok(day_statuses(
            &episode,
            &reports,
            self.now(),
            &self.policy().health,
        ))
    }

    /// When to remind the person to report next, if a day still needs a report.
    pub fn next_reminder(&self, episode_id: EpisodeId) -> Result<Option<DateTime<Utc>>, EngineError> {
        let (episode, reports) = self.read(|tx| Ok((episode(tx, episode_id)?, tx.reports(episode_id)?)))?;
        Ok(next_reminder(
            &episode,
            &reports,
            self.now(),
            &self.policy().health,
        ))
    }
}
