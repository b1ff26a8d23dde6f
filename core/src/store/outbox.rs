//! The outbox: every change that must reach the server, written in the same transaction as the change.
//!
//! An entry is a client-generated id (the server's idempotency key: a retried upload is recorded once),
//! and a sealed body holding the kind of change, when it was made and the changed record. The sync client
//! (`sync/`) lists pending entries oldest first, uploads them and marks them sent; the retention
//! purge deletes sent ones.

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::error::StoreError;
use super::rows::{OUTBOX, Tx};
use crate::declaration::DeclarationRecord;
use crate::health::{DailyReport, QuarantineEpisode};
use crate::ids::OutboxId;
use crate::visit::Visit;

/// A change the server must learn about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
pub enum OutboxEvent {
    /// A new declaration, or a new version of one (an update names the version it supersedes).
    DeclarationSaved(Box<DeclarationRecord>),
    /// A check-in.
    VisitCheckedIn(Visit),
    /// A check-out: by tap, automatic, or by the next check-in.
    VisitCheckedOut(Visit),
    /// Times corrected by hand.
    VisitEdited(Visit),
    /// A quarantine episode started or changed.
    QuarantineSaved(QuarantineEpisode),
    /// A daily health report made or corrected.
    DailyReportSaved(DailyReport),
}

impl OutboxEvent {
    /// The kind as a stable `snake_case` name (the `kind` field of the serialised form).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::DeclarationSaved(_) => "declaration_saved",
            Self::VisitCheckedIn(_) => "visit_checked_in",
            Self::VisitCheckedOut(_) => "visit_checked_out",
            Self::VisitEdited(_) => "visit_edited",
            Self::QuarantineSaved(_) => "quarantine_saved",
            Self::DailyReportSaved(_) => "daily_report_saved",
        }
    }
}

/// One outbox entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Client-generated id; the idempotency key on the server.
    pub id: OutboxId,
    /// When the change was made.
    pub created_at: DateTime<Utc>,
    /// The change.
    pub event: OutboxEvent,
}

impl Tx<'_> {
    /// Records `event` in the outbox (in this transaction, with the change itself).
    pub(crate) fn enqueue(&self, event: OutboxEvent, now: DateTime<Utc>) -> Result<OutboxEntry, StoreError> {
        let entry = OutboxEntry {
            id: OutboxId::random(),
            created_at: now,
            event,
        };
        let id = entry.id.as_uuid();
        let body = self.seal(OUTBOX, id, &entry)?;
        self.sql()
            .prepare_cached("INSERT INTO outbox (id, body) VALUES (?1, ?2)")?
            .execute(params![id.as_bytes(), body])?;
        Ok(entry)
    }

    /// Entries not yet sent (and not refused by the server), oldest first, at most `limit`.
    pub(crate) fn pending(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.rows(
            OUTBOX,
            "SELECT id, body FROM outbox WHERE sent = 0 AND id NOT IN (SELECT id FROM outbox_failed)
             ORDER BY seq LIMIT ?1",
            [limit],
        )
    }

    /// Every entry with its sent flag, oldest first (for the retention purge and export).
    pub(crate) fn outbox(&self) -> Result<Vec<(OutboxEntry, bool)>, StoreError> {
        let mut stmt = self
            .sql()
            .prepare_cached("SELECT id, body, sent FROM outbox ORDER BY seq")?;
        let raw = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, bool>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter()
            .map(|(id, body, sent)| Ok((self.open(OUTBOX, &id, body)?, sent)))
            .collect()
    }

    /// Marks `ids` as received by the server; returns how many were pending.
    pub(crate) fn mark_sent(&self, ids: &[OutboxId]) -> Result<usize, StoreError> {
        let mut stmt = self
            .sql()
            .prepare_cached("UPDATE outbox SET sent = 1 WHERE id = ?1 AND sent = 0")?;
        let mut n = 0;
        for id in ids {
            n += stmt.execute([id.as_uuid().as_bytes()])?;
        }
        Ok(n)
    }

    pub(crate) fn delete_outbox(&self, id: OutboxId) -> Result<bool, StoreError> {
        Ok(self
            .sql()
            .prepare_cached("DELETE FROM outbox WHERE id = ?1")?
            .execute([id.as_uuid().as_bytes()])?
            > 0)
    }

    /// How many entries wait to be sent (refused ones do not wait).
    pub(crate) fn pending_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self.sql().query_row(
            "SELECT count(*) FROM outbox WHERE sent = 0 AND id NOT IN (SELECT id FROM outbox_failed)",
            [],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}
