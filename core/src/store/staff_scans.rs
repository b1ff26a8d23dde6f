//! Personal codes scanned by a checkpoint's staff device (migration 0005): each verified scan sealed
//! (it names a person's initials, status and where they were) and queued until the server received it.

use rusqlite::params;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::error::StoreError;
use super::rows::Tx;

const STAFF_SCANS: &str = "staff_scans";

impl Tx<'_> {
    /// Stores a scan (sealed) as not yet sent.
    pub(crate) fn put_staff_scan<T: Serialize>(&self, id: &Uuid, scan: &T) -> Result<(), StoreError> {
        let body = self.seal(STAFF_SCANS, id, scan)?;
        self.sql()
            .prepare_cached(
                "INSERT INTO staff_scans (id, sent, body) VALUES (?1, 0, ?2)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            )?
            .execute(params![id.as_bytes(), body])?;
        Ok(())
    }

    /// Scans the server has not confirmed, oldest first, at most `limit`.
    #[cfg_attr(not(feature = "sync"), allow(dead_code))]
    pub(crate) fn pending_staff_scans<T: DeserializeOwned>(
        &self,
        limit: usize,
    ) -> Result<Vec<T>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.rows(
            STAFF_SCANS,
            "SELECT id, body FROM staff_scans WHERE sent = 0 ORDER BY seq LIMIT ?1",
            [limit],
        )
    }

    /// Every kept scan, oldest first.
    pub(crate) fn staff_scans<T: DeserializeOwned>(&self) -> Result<Vec<T>, StoreError> {
        self.rows(STAFF_SCANS, "SELECT id, body FROM staff_scans ORDER BY seq", [])
    }

    /// How many scans wait for the server.
    pub(crate) fn pending_staff_scan_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self
            .sql()
            .prepare_cached("SELECT count(*) FROM staff_scans WHERE sent = 0")?
            .query_row([], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Marks scans as received by the server (a refused one too: sending it again changes nothing).
    #[cfg_attr(not(feature = "sync"), allow(dead_code))]
    pub(crate) fn mark_staff_scans_sent(&self, ids: &[Uuid]) -> Result<usize, StoreError> {
        let mut stmt = self
            .sql()
            .prepare_cached("UPDATE staff_scans SET sent = 1 WHERE id = ?1 AND sent = 0")?;
        let mut n = 0;
        for id in ids {
            n += stmt.execute([id.as_bytes()])?;
        }
        Ok(n)
    }

    /// Removes scans by id (retention).
    pub(crate) fn delete_staff_scans(&self, ids: &[Uuid]) -> Result<usize, StoreError> {
        let mut stmt = self
            .sql()
            .prepare_cached("DELETE FROM staff_scans WHERE id = ?1")?;
        let mut n = 0;
        for id in ids {
            n += stmt.execute([id.as_bytes()])?;
        }
        Ok(n)
    }
}
