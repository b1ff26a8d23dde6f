//! Retention on the device: which records are past the retention period (21 days by default) at "now".
//!
//! Pure decisions over the records; the store deletes what [`plan_purge`] names, in one transaction.
//! What counts as a record's age (see `docs/adr/0003-retention-on-the-device.md`):
//! - a **visit** by its end (check-out), or its check-in while it has none;
//! - a **declaration version** by the time it stopped being current (the `declared_at` of the version that
//!   superseded it); the newest version of each person is always kept, whatever its age;
//! - a **daily report** by the end of the calendar day it reports on, in its episode's offset;
//! - a **quarantine episode** once it has ended, by the end of its last day (or of its last report's day,
//!   if later), so that no report outlives its episode.
//!
//! Persons (the account holder and dependants) are not purged: they are removed only by the user.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{VIETNAM_UTC_OFFSET_MINUTES, day_end};
use crate::declaration::{DeclarationRecord, newest_declaration};
use crate::health::{DailyReport, QuarantineEpisode};
use crate::ids::{DeclarationId, EpisodeId, PersonId, ReportId, VisitId};
use crate::visit::Visit;

mod report;

pub use report::PurgeReport;

/// The default retention period, in days.
pub const DEFAULT_RETENTION_DAYS: i64 = 21;

/// How long records are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    /// A record is purged once it is older than this.
    pub period: Duration,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        Self {
            period: Duration::days(DEFAULT_RETENTION_DAYS),
        }
    }
}

impl RetentionPolicy {
    /// Whether something whose age counts from `since` is past the period at `now`.
    pub fn expired(&self, since: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        since
            .checked_add_signed(self.period)
            .is_some_and(|until| until <= now)
    }

    /// Whether records about calendar day `day` (at `offset_minutes` from UTC) are past the period at `now`.
    pub fn day_expired(&self, day: NaiveDate, offset_minutes: i32, now: DateTime<Utc>) -> bool {
        self.expired(day_end(day, offset_minutes), now)
    }
}

/// What a purge deletes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PurgePlan {
    /// Visits to delete.
    pub visits: Vec<VisitId>,
    /// Declaration versions to delete.
    pub declarations: Vec<DeclarationId>,
    /// Daily reports to delete.
    pub reports: Vec<ReportId>,
    /// Quarantine episodes to delete.
    pub episodes: Vec<EpisodeId>,
}

impl PurgePlan {
    /// Whether there is nothing to delete.
    pub fn is_empty(&self) -> bool {
        self.visits.is_empty()
            && self.declarations.is_empty()
            && self.reports.is_empty()
            && self.episodes.is_empty()
    }
}

/// Visits whose end (or check-in, while open) is past the period.
pub fn expired_visits(visits: &[Visit], now: DateTime<Utc>, policy: &RetentionPolicy) -> Vec<VisitId> {
    visits
        .iter()
        .filter(|v| {
            policy.expired(
                v.checked_out_at.unwrap_or(v.checked_in_at).max(v.checked_in_at),
                now,
            )
        })
        .map(|v| v.id)
        .collect()
}

/// Old declaration versions that stopped being current more than the period ago. The newest version of
/// each person is never in the list.
pub fn expired_declarations(
    records: &[DeclarationRecord],
    now: DateTime<Utc>,
    policy: &RetentionPolicy,
) -> Vec<DeclarationId> {
    // When each version was superseded: the earliest `declared_at` among the versions naming it.
    let mut replaced_at: HashMap<DeclarationId, DateTime<Utc>> = HashMap::new();
    for r in records {
        if let Some(old) = r.supersedes {
            let at = replaced_at.entry(old).or_insert(r.declared_at);
            *at = (*at).min(r.declared_at);
        }
    }
    let mut newest: HashMap<PersonId, Option<&DeclarationRecord>> = HashMap::new();
    records
        .iter()
        .filter(|r| {
            let head = *newest
                .entry(r.person)
                .or_insert_with(|| newest_declaration(records, r.person));
            let Some(head) = head else { return false };
            if head.id == r.id {
                return false;
            }
            // A second head (two offline updates of one version) stopped being current when the winner came.
            let replaced = replaced_at.get(&r.id).copied().unwrap_or(head.declared_at);
            policy.expired(replaced.max(r.declared_at), now)
        })
        .map(|r| r.id)
        .collect()
}

fn offsets(episodes: &[QuarantineEpisode]) -> HashMap<EpisodeId, i32> {
    episodes.iter().map(|e| (e.id, e.utc_offset_minutes)).collect()
}

/// Daily reports whose day ended more than the period ago (in their episode's offset; Vietnam's when the
/// episode is unknown).
pub fn expired_reports(
    episodes: &[QuarantineEpisode],
    reports: &[DailyReport],
    now: DateTime<Utc>,
    policy: &RetentionPolicy,
) -> Vec<ReportId> {
    let offsets = offsets(episodes);
    reports
        .iter()
        .filter(|r| {
            let offset = offsets
                .get(&r.episode)
                .copied()
                .unwrap_or(VIETNAM_UTC_OFFSET_MINUTES);
            policy.day_expired(r.day, offset, now)
        })
        .map(|r| r.id)
        .collect()
}

/// Ended episodes whose last day (and last report's day) ended more than the period ago.
pub fn expired_episodes(
    episodes: &[QuarantineEpisode],
    reports: &[DailyReport],
    now: DateTime<Utc>,
    policy: &RetentionPolicy,
) -> Vec<EpisodeId> {
    episodes
        .iter()
        .filter(|e| {
            let last_report = reports.iter().filter(|r| r.episode == e.id).map(|r| r.day).max();
            let last = last_report.map_or(e.last_day(), |d| d.max(e.last_day()));
            policy.day_expired(last, e.utc_offset_minutes, now)
        })
        .map(|e| e.id)
        .collect()
}

/// Everything past the period at `now`.
pub fn plan_purge(
    visits: &[Visit],
    declarations: &[DeclarationRecord],
    episodes: &[QuarantineEpisode],
    reports: &[DailyReport],
    now: DateTime<Utc>,
    policy: &RetentionPolicy,
) -> PurgePlan {
    PurgePlan {
        visits: expired_visits(visits, now, policy),
        declarations: expired_declarations(declarations, now, policy),
        reports: expired_reports(episodes, reports, now, policy),
        episodes: expired_episodes(episodes, reports, now, policy),
    }
}

#[cfg(test)]
mod tests;
