//! The person's data as a whole: retention purge and export.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::EngineError;
use super::facade::Engine;
use crate::declaration::{DeclarationRecord, Person};
use crate::health::{DailyReport, QuarantineEpisode};
use crate::retention::{PurgeReport, plan_purge};
use crate::store::OutboxEntry;
use crate::visit::{Visit, visit_history};

/// Everything the device holds about its people, opened, as one JSON-serialisable value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    /// Version of this export's shape.
    pub format: u32,
    /// When it was made.
    pub exported_at: DateTime<Utc>,
    /// Each person with their declaration versions (oldest first).
    pub persons: Vec<PersonExport>,
    /// Visits, newest first.
    pub visits: Vec<Visit>,
    /// Quarantine episodes with their reports.
    pub quarantine: Vec<EpisodeExport>,
    /// Changes waiting for (or already received by) the server.
    pub outbox: Vec<OutboxExport>,
}

/// One person and their declarations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonExport {
    /// The person.
    pub person: Person,
    /// Declaration versions, oldest first.
    pub declarations: Vec<DeclarationRecord>,
}

/// One episode and its reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpisodeExport {
    /// The episode.
    pub episode: QuarantineEpisode,
    /// Reports, by day.
    pub reports: Vec<DailyReport>,
}

/// One outbox entry and whether the server has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxExport {
    /// The entry.
    pub entry: OutboxEntry,
    /// Received by the server.
    pub sent: bool,
}

impl Engine {
    /// Deletes what the retention rules (`retention::plan_purge`) name as expired, and outbox entries the
    /// server already has, in one transaction. Times are sealed, so every row is opened to decide.
    pub fn purge(&self) -> Result<PurgeReport, EngineError> {
        let now = self.now();
        let retention = self.policy().retention;
        let report = self.write(|tx| {
            let visits = tx.visits()?;
            let declarations = tx.all_declarations()?;
            let episodes = tx.episodes()?;
            let reports = tx.all_reports()?;
            let plan = plan_purge(&visits, &declarations, &episodes, &reports, now, &retention);
            let mut report = PurgeReport::new(&retention);
            for id in &plan.declarations {
                report.declarations += usize::from(tx.delete_declaration(*id)?);
            }
            for id in &plan.visits {
                report.visits += usize::from(tx.delete_visit(*id)?);
            }
            for id in &plan.reports {
                report.reports += usize::from(tx.delete_report(*id)?);
            }
            for id in &plan.episodes {
                // Reports go with their episode (the plan names them too, so they are already gone).
                report.reports += tx.reports(*id)?.len();
                report.episodes += usize::from(tx.delete_episode(*id)?);
            }
            // The outbox: what the server has, and what waited past the retention period unsent (the
            // server would purge it on arrival; least data, least time).
            for (entry, sent) in tx.outbox()? {
                if sent {
                    report.outbox_sent += usize::from(tx.delete_outbox(entry.id)?);
                } else if retention.expired(entry.created_at, now) {
                    report.outbox_expired += usize::from(tx.delete_outbox(entry.id)?);
                }
            }
            Ok(report)
        })?;
        // Staff scans are other people's visits: they leave with the same period.
        self.purge_staff_scans()?;
        self.emit(super::events::EngineEvent::Purged);
        Ok(report)
    }

    /// All of the device's data, opened, for the person to take away (`tokhai export`).
    pub fn export(&self) -> Result<Export, EngineError> {
        let exported_at = self.now();
        let mut export = self.read(|tx| {
            let persons = tx
                .persons()?
                .into_iter()
                .map(|person| {
                    Ok(PersonExport {
                        declarations: tx.declarations(person.id)?,
                        person,
                    })
                })
                .collect::<Result<Vec<_>, EngineError>>()?;
            let quarantine = tx
                .episodes()?
                .into_iter()
                .map(|episode| {
                    Ok(EpisodeExport {
                        reports: tx.reports(episode.id)?,
                        episode,
                    })
                })
                .collect::<Result<Vec<_>, EngineError>>()?;
            let outbox = tx
                .outbox()?
                .into_iter()
                .map(|(entry, sent)| OutboxExport { entry, sent })
                .collect();
            Ok(Export {
                format: 1,
                exported_at,
                persons,
                visits: tx.visits()?,
                quarantine,
                outbox,
            })
        })?;
        export.visits = visit_history(&export.visits).into_iter().cloned().collect();
        for ep in &mut export.quarantine {
            ep.reports.sort_by_key(|r| r.day);
        }
        Ok(export)
    }
}
