//! The sync client's tables (feature `sync`; migrations 0003, 0005): refused outbox entries, the sealed
//! download feed, sealed exposure alerts and visit clock flags. The named slots are in `slots.rs`.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::error::StoreError;
use super::rows::Tx;
use crate::ids::{OutboxId, VisitId};

const ALERTS: &str = "alerts";
const ALERT_TAG_DOMAIN: &str = "alerts.tag";
const FEED: &str = "feed";
const FEED_ID_DOMAIN: &str = "feed.id";
const FEED_KIND_DOMAIN: &str = "feed.kind_tag";

impl Tx<'_> {
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

    /// Stores a feed entry sealed (a later one with the same kind and key replaces the earlier). The row
    /// is found by keyed hashes of (kind, key) and of kind: no kind, key or body is readable without the key.
    pub(crate) fn put_feed(&self, kind: &str, key: &str, body: &str) -> Result<(), StoreError> {
        let id = self.feed_id(kind, key);
        let kind_tag = self.tag(FEED_KIND_DOMAIN, kind.as_bytes());
        let body = self.seal_at(FEED, id.as_bytes(), &body)?;
        self.sql()
            .prepare_cached(
                "INSERT INTO feed (id, kind_tag, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            )?
            .execute(params![&id.as_bytes()[..], &kind_tag.as_bytes()[..], body])?;
        Ok(())
    }

    /// Every stored feed body of `kind`, in the order stored.
    pub(crate) fn feed(&self, kind: &str) -> Result<Vec<String>, StoreError> {
        let kind_tag = self.tag(FEED_KIND_DOMAIN, kind.as_bytes());
        self.rows(
            FEED,
            "SELECT id, body FROM feed WHERE kind_tag = ?1 ORDER BY seq",
            [&kind_tag.as_bytes()[..]],
        )
    }

    fn feed_id(&self, kind: &str, key: &str) -> crate::crypto::LookupTag {
        let mut name = Vec::with_capacity(kind.len() + key.len() + 1);
        name.extend_from_slice(kind.as_bytes());
        name.push(0);
        name.extend_from_slice(key.as_bytes());
        self.tag(FEED_ID_DOMAIN, &name)
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
