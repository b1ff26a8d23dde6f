//! The person's data as a whole: retention purge and export.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::EngineError;
use super::facade::Engine;
use super::provisional::retention;
use crate::declaration::{DeclarationRecord, Person};
use crate::health::{DailyReport, QuarantineEpisode};
use crate::store::OutboxEntry;
use crate::visit::Visit;

/// How many records a purge deleted, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeReport {
    /// Declaration versions.
    pub declarations: usize,
    /// Visits.
    pub visits: usize,
    /// Quarantine episodes (their reports go with them).
    pub episodes: usize,
    /// Daily reports.
    pub reports: usize,
    /// Outbox entries (sent ones, and unsent ones past retention).
    pub outbox: usize,
}

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
    /// Deletes what is older than the retention period, and outbox entries the server already has, in
    /// one transaction. Times are sealed, so every row is opened to decide.
    pub fn purge(&self) -> Result<PurgeReport, EngineError> {
        let now = self.now();
        let cutoff = now - self.policy().retention;
        let cutoff_day = cutoff.date_naive();
        self.write(|tx| {
            let mut report = PurgeReport::default();
            for d in tx.all_declarations()? {
                if retention::declaration(&d, cutoff) && tx.delete_declaration(d.id)? {
                    report.declarations += 1;
                }
            }
            for v in tx.visits()? {
                if retention::visit(&v, cutoff) && tx.delete_visit(v.id)? {
                    report.visits += 1;
                }
            }
            for r in tx.all_reports()? {
                if retention::report(&r, cutoff_day) && tx.delete_report(r.id)? {
                    report.reports += 1;
                }
            }
            for e in tx.episodes()? {
                if retention::episode(&e, cutoff_day) {
                    report.reports += tx.reports(e.id)?.len();
                    if tx.delete_episode(e.id)? {
                        report.episodes += 1;
                    }
                }
            }
            for (entry, sent) in tx.outbox()? {
                if retention::outbox(&entry, sent, cutoff) && tx.delete_outbox(entry.id)? {
                    report.outbox += 1;
                }
            }
            Ok(report)
        })
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
        export.visits.sort_by_key(|v| std::cmp::Reverse(v.checked_in_at));
        for ep in &mut export.quarantine {
            ep.reports.sort_by_key(|r| r.day);
        }
        Ok(export)
    }
}
