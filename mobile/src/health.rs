//! The daily health log of a person in quarantine: episodes, one report per day, each day's status and
//! the next reminder. Every rule (one open episode per person, the grace period, the temperature range,
//! the reminder hours) is core's; days are Vietnam's calendar, as the CLI's.

use std::time::SystemTime;

use tokhai_core as core;

use crate::error::{TokhaiError, guard};
use crate::health_records::{DailyReport, DayState, Episode, NewEpisode, QuarantineStart, ReportInput};
use crate::{Tokhai, ids};

#[uniffi::export]
impl Tokhai {
    /// Starts a quarantine for a person, or extends their open one to cover the new order.
    pub fn start_quarantine(&self, new: NewEpisode) -> Result<QuarantineStart, TokhaiError> {
        guard(|| {
            let started = self.engine()?.start_quarantine(core::NewEpisode {
                person: ids::person(&new.person_id)?,
                kind: new.kind.into(),
                place: new.place.filter(|p| !p.trim().is_empty()),
                start: ids::day(&new.start)?,
                expected_end: ids::day(&new.expected_end)?,
                utc_offset_minutes: core::VIETNAM_UTC_OFFSET_MINUTES,
            })?;
            Ok(QuarantineStart {
                episode: (&started.episode).into(),
                extended: started.extended,
            })
        })
    }

    /// The episode a report for `day` (`YYYY-MM-DD`; none: today) goes to, if the person has any.
    pub fn current_episode(
        &self,
        person_id: String,
        day: Option<String>,
    ) -> Result<Option<Episode>, TokhaiError> {
        guard(|| {
            let found = self
                .engine()?
                .current_episode(ids::person(&person_id)?, ids::maybe_day(day.as_deref())?)?;
            Ok(found.as_ref().map(Episode::from))
        })
    }

    /// Every kept episode of a person, in the order they were started.
    pub fn episodes(&self, person_id: String) -> Result<Vec<Episode>, TokhaiError> {
        guard(|| {
            let all = self.engine()?.episodes(ids::person(&person_id)?)?;
            Ok(all.iter().map(Episode::from).collect())
        })
    }

    /// Extends an episode to a later expected last day (`YYYY-MM-DD`).
    pub fn extend_quarantine(&self, episode_id: String, new_end: String) -> Result<Episode, TokhaiError> {
        guard(|| {
            let e = self
                .engine()?
                .extend_quarantine(ids::episode(&episode_id)?, ids::day(&new_end)?)?;
            Ok((&e).into())
        })
    }

    /// Ends an episode early, `last_day` (`YYYY-MM-DD`) being its last day.
    pub fn end_quarantine(&self, episode_id: String, last_day: String) -> Result<Episode, TokhaiError> {
        guard(|| {
            let e = self
                .engine()?
                .end_quarantine(ids::episode(&episode_id)?, ids::day(&last_day)?)?;
            Ok((&e).into())
        })
    }

    /// Records a day's report; a second report for the same day replaces the first.
    pub fn report_day(&self, episode_id: String, input: ReportInput) -> Result<DailyReport, TokhaiError> {
        guard(|| {
            let report = self.engine()?.report_day(
                ids::episode(&episode_id)?,
                &core::ReportInput {
                    day: ids::maybe_day(input.day.as_deref())?,
                    temperature: input.temperature,
                    symptoms: input.symptoms.into(),
                    note: input.note,
                },
            )?;
            Ok((&report).into())
        })
    }

    /// The reports of an episode, by day.
    pub fn reports(&self, episode_id: String) -> Result<Vec<DailyReport>, TokhaiError> {
        guard(|| {
            let all = self.engine()?.reports(ids::episode(&episode_id)?)?;
            Ok(all.iter().map(DailyReport::from).collect())
        })
    }

    /// Each day of an episode with its status (upcoming, due, done, done late, late, missed, expired).
    pub fn day_statuses(&self, episode_id: String) -> Result<Vec<DayState>, TokhaiError> {
        guard(|| {
            let days = self.engine()?.day_statuses(ids::episode(&episode_id)?)?;
            Ok(days.iter().map(DayState::from).collect())
        })
    }

    /// When to remind the person to report next, if a day still needs a report.
    pub fn next_reminder(&self, episode_id: String) -> Result<Option<SystemTime>, TokhaiError> {
        guard(|| {
            let at = self.engine()?.next_reminder(ids::episode(&episode_id)?)?;
            Ok(at.map(Into::into))
        })
    }
}
