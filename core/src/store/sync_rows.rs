//! The sync client's tables (feature `sync`; migration 0003): sealed named slots, refused outbox entries,
//! the public download feed, sealed exposure alerts and visit clock flags.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::error::StoreError;
use super::rows::Tx;
use crate::ids::{OutboxId, VisitId};

const SYNC_STATE: &str = "sync_state";
const ALERTS: &str = "alerts";
const ALERT_TAG_DOMAIN: &str = "alerts.tag";

/// A named slot of `sync_state`; the id is fixed per slot and bound into the seal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// The download cursor (server-issued, opaque).
    Cursor,
    /// The session token and its expiry.
    Session,
    /// The sync status: last success, last error, failures in a row, next attempt, clock offset.
    Status,
    /// Signed personal codes, by pseudonym.
    PersonalCodes,
}

impl Slot {
    fn id(self) -> Uuid {
        let n: u128 = match self {
            Self::Cursor => 1,
            Self::Session => 2,
            Self::Status => 3,
            Self::PersonalCodes => 4,
        };
        Uuid::from_u128(0x746f_6b68_6169_0000_0000_0000_0000_0000 | n)
    }
}

impl Tx<'_> {
    pub(crate) fn get_slot<T: DeserializeOwned>(&self, slot: Slot) -> Result<Option<T>, StoreError> {
        let id = slot.id();
        let body: Option<Vec<u8>> = self
            .sql()
            .prepare_cached("SELECT body FROM sync_state WHERE id = ?1")?
            .query_row([id.as_bytes()], |r| r.get(0))
            .optional()?;
        body.map(|b| self.open(SYNC_STATE, id.as_bytes(), b)).transpose()
    }

    pub(crate) fn put_slot<T: Serialize>(&self, slot: Slot, value: &T) -> Result<(), StoreError> {
        let id = slot.id();
        let body = self.seal(SYNC_STATE, &id, value)?;
        self.sql()
            .prepare_cached(
                "INSERT INTO sync_state (id, body) VALUES (?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            )?
            .execute(params![id.as_bytes(), body])?;
        Ok(())
    }

    pub(crate) fn clear_slot(&self, slot: Slot) -> Result<(), StoreError> {
        self.sql()
            .prepare_cached("DELETE FROM sync_state WHERE id = ?1")?
            .execute([slot.id().as_bytes()])?;
        Ok(())
    }

    /// Marks `id` as refused by the server with `code`; it stops being pending.
    pub(crate) fn mark_failed(&self, id: OutboxId, code: &str) -> Result<(), StoreError> {
        self.sql()
            .prepare_cached(
                "INSERT INTO outbox_failed (id, code) SELECT id, ?2 FROM outbox WHERE id = ?1 AND sent = 0
                 ON CONFLICT (id) DO UPDATE SET code = excluded.code",
            )?
            .execute(params![id.as_uuid().as_bytes(), code])?;
        Ok(())
    }

    /// Refused entries: (outbox id, refusal code), oldest first.
    pub(crate) fn failed(&self) -> Result<Vec<(OutboxId, String)>, StoreError> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT f.id, f.code FROM outbox_failed f JOIN outbox o ON o.id = f.id ORDER BY o.seq",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, code)| Uuid::from_slice(&id).ok().map(|u| (OutboxId::from_uuid(u), code)))
            .collect())
    }

    /// Stores a feed entry (a later one with the same kind and key replaces the earlier).
    pub(crate) fn put_feed(&self, kind: &str, key: &str, body: &str) -> Result<(), StoreError> {
        self.sql()
            .prepare_cached(
                "INSERT INTO feed (kind, key, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body",
            )?
            .execute(params![kind, key, body])?;
        Ok(())
    }

    /// Every stored feed body of `kind`.
    pub(crate) fn feed(&self, kind: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .sql()
            .prepare_cached("SELECT body FROM feed WHERE kind = ?1 ORDER BY key")?;
        let rows = stmt
            .query_map([kind], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Inserts or updates the alert for `(window, visit)`; returns true when it is new.
    pub(crate) fn put_alert<T: Serialize>(
        &self,
        window: i64,
        visit: VisitId,
        alert: &T,
    ) -> Result<bool, StoreError> {
        let mut key = window.to_be_bytes().to_vec();
        key.extend_from_slice(visit.as_uuid().as_bytes());
        let tag = self.tag(ALERT_TAG_DOMAIN, &key);
        let existing: Option<Vec<u8>> = self
            .sql()
            .prepare_cached("SELECT id FROM alerts WHERE tag = ?1")?
            .query_row([&tag.as_bytes()[..]], |r| r.get(0))
            .optional()?;
        match existing.and_then(|id| Uuid::from_slice(&id).ok()) {
            Some(id) => {
                let body = self.seal(ALERTS, &id, alert)?;
                self.sql()
                    .prepare_cached("UPDATE alerts SET body = ?2 WHERE id = ?1")?
                    .execute(params![id.as_bytes(), body])?;
                Ok(false)
            }
            None => {
                let id = Uuid::new_v4();
                let body = self.seal(ALERTS, &id, alert)?;
                self.sql()
                    .prepare_cached("INSERT INTO alerts (id, tag, body) VALUES (?1, ?2, ?3)")?
                    .execute(params![id.as_bytes(), &tag.as_bytes()[..], body])?;
                Ok(true)
            }
        }
    }

    /// Every alert, oldest first.
    pub(crate) fn alerts<T: DeserializeOwned>(&self) -> Result<Vec<T>, StoreError> {
        self.rows(ALERTS, "SELECT id, body FROM alerts ORDER BY seq", [])
    }

    /// Every alert with its row id, oldest first.
    pub(crate) fn alerts_with_ids<T: DeserializeOwned>(&self) -> Result<Vec<(Uuid, T)>, StoreError> {
        let mut stmt = self
            .sql()
            .prepare_cached("SELECT id, body FROM alerts ORDER BY seq")?;
        let raw = stmt
            .query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter()
            .filter_map(|(id, body)| Uuid::from_slice(&id).ok().map(|u| (u, body)))
            .map(|(id, body)| Ok((id, self.open(ALERTS, id.as_bytes(), body)?)))
            .collect()
    }

    pub(crate) fn delete_alert(&self, id: &Uuid) -> Result<(), StoreError> {
        self.sql()
            .prepare_cached("DELETE FROM alerts WHERE id = ?1")?
            .execute([id.as_bytes()])?;
        Ok(())
    }

    /// Flags `visit` as recorded under a clock off by `offset_ms`.
    pub(crate) fn flag_visit(&self, visit: VisitId, offset_ms: i64) -> Result<(), StoreError> {
        self.sql()
            .prepare_cached(
                "INSERT INTO visit_flags (id, offset_ms) SELECT id, ?2 FROM visits WHERE id = ?1
                 ON CONFLICT (id) DO UPDATE SET offset_ms = excluded.offset_ms",
            )?
            .execute(params![visit.as_uuid().as_bytes(), offset_ms])?;
        Ok(())
    }

    /// Flagged visits with the clock offset seen when they were uploaded.
    pub(crate) fn visit_flags(&self) -> Result<Vec<(VisitId, i64)>, StoreError> {
        let mut stmt = self
            .sql()
            .prepare_cached("SELECT id, offset_ms FROM visit_flags")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, ms)| Uuid::from_slice(&id).ok().map(|u| (VisitId::from_uuid(u), ms)))
            .collect())
    }
}
