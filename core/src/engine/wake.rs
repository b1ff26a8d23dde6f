//! Time-driven work the engine does by itself: automatic check-out when a stay runs out, and the daily
//! health reminders. `next_wakeup` tells a shell or a phone's background scheduler when to call `wake`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::EngineError;
use super::events::EngineEvent;
use super::facade::Engine;
use crate::health::next_reminder;
use crate::ids::EpisodeId;
use crate::store::Slot;
use crate::visit::Visit;

/// Why the engine wants to be woken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WakeReason {
    /// The open visit's stay runs out: the engine checks it out.
    AutoCheckOut,
    /// A daily health report's reminder time.
    HealthReminder,
}

/// The next time the engine has something to do by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wakeup {
    /// When.
    pub at: DateTime<Utc>,
    /// What for.
    pub reason: WakeReason,
}

/// A reminder that fell due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderDue {
    /// The quarantine episode to report for.
    pub episode: EpisodeId,
    /// The reminder time that passed.
    pub at: DateTime<Utc>,
}

/// What `wake` did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WakeReport {
    /// The visit checked out automatically, if its stay ran out.
    pub auto_checked_out: Option<Visit>,
    /// Reminders whose time passed since the last wake-up (each told once).
    pub reminders_due: Vec<ReminderDue>,
    /// When to wake the engine next.
    pub next: Option<Wakeup>,
}

impl Engine {
    /// Applies the automatic check-out if the open visit's stay ran out. Every call that reads or
    /// changes visits does it first, so no front end has to.
    pub(crate) fn settle(&self) -> Result<(), EngineError> {
        self.auto_check_out().map(|_| ())
    }

    /// Does what is due: the automatic check-out, the reminders whose time passed since the last
    /// wake-up (told once each, as events too). Call it when `next_wakeup` comes, or on start.
    pub fn wake(&self) -> Result<WakeReport, EngineError> {
        let auto_checked_out = self.auto_check_out()?;
        let now = self.now();
        let since: Option<DateTime<Utc>> = self.read(|tx| Ok(tx.get_slot(Slot::LastWake)?))?;
        let mut reminders_due = Vec::new();
        if let Some(since) = since {
            for (episode, reports) in self.active_episodes()? {
                if let Some(at) = next_reminder(&episode, &reports, since, &self.policy().health)
                    && at <= now
                {
                    reminders_due.push(ReminderDue {
                        episode: episode.id,
                        at,
                    });
                }
            }
        }
        self.write(|tx| Ok(tx.put_slot(Slot::LastWake, &now)?))?;
        for r in &reminders_due {
            self.emit(EngineEvent::ReminderDue {
                episode: r.episode,
                at: r.at,
            });
        }
        Ok(WakeReport {
            auto_checked_out,
            reminders_due,
            next: self.next_wakeup()?,
        })
    }

    /// The next automatic check-out or health reminder, whichever comes first.
    pub fn next_wakeup(&self) -> Result<Option<Wakeup>, EngineError> {
        let mut next = self.next_auto_check_out()?.map(|at| Wakeup {
            at,
            reason: WakeReason::AutoCheckOut,
        });
        let now = self.now();
        for (episode, reports) in self.active_episodes()? {
            if let Some(at) = next_reminder(&episode, &reports, now, &self.policy().health)
                && next.is_none_or(|n| at < n.at)
            {
                next = Some(Wakeup {
                    at,
                    reason: WakeReason::HealthReminder,
                });
            }
        }
        Ok(next)
    }

    /// Every person's episode still running, with its reports.
    fn active_episodes(
        &self,
    ) -> Result<Vec<(crate::health::QuarantineEpisode, Vec<crate::health::DailyReport>)>, EngineError> {
        let now = self.now();
        let mut out = Vec::new();
        for person in self.persons()? {
            for e in self.episodes(person.id)? {
                if e.is_active(now) {
                    let reports = self.reports(e.id)?;
                    out.push((e, reports));
                }
            }
        }
        Ok(out)
    }
}
