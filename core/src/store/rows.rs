//! Typed access to the sealed tables inside one transaction.
//!
//! Every body is the JSON of a model value sealed with `SealContext(table, row id, "body")`, so a body
//! copied to another row or table fails its integrity check. Only `Sealed` values and plaintext ids,
//! keyed hashes and sequence numbers are ever bound to SQL.

use chrono::NaiveDate;
use rusqlite::types::{ToSql, ToSqlOutput, ValueRef};
use rusqlite::{OptionalExtension, Params, Transaction, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::error::{Conflict, StoreError};
use crate::crypto::{LookupTag, SealContext, Sealed, StoreKeys};
use crate::declaration::{DeclarationRecord, Person};
use crate::health::{DailyReport, QuarantineEpisode};
use crate::ids::{DeclarationId, EpisodeId, PersonId, ReportId, VisitId};
use crate::visit::Visit;

pub(crate) const PERSONS: &str = "persons";
pub(crate) const DECLARATIONS: &str = "declarations";
pub(crate) const VISITS: &str = "visits";
pub(crate) const EPISODES: &str = "quarantine_episodes";
pub(crate) const REPORTS: &str = "daily_reports";
pub(crate) const OUTBOX: &str = "outbox";
/// The one sealed column of every table.
pub(crate) const BODY: &str = "body";

/// Look-up domains of the keyed hashes.
const DOC_TAG_DOMAIN: &str = "persons.doc_tag";
const DAY_TAG_DOMAIN: &str = "daily_reports.day_tag";

/// Only a sealed value may be bound to a body column.
impl ToSql for Sealed {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Blob(self.as_bytes())))
    }
}

/// One transaction of the store, with the keys to seal and open its rows.
pub(crate) struct Tx<'a> {
    tx: Transaction<'a>,
    keys: &'a StoreKeys,
}

impl std::fmt::Debug for Tx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tx")
    }
}

impl<'a> Tx<'a> {
    pub(crate) fn new(tx: Transaction<'a>, keys: &'a StoreKeys) -> Self {
        Self { tx, keys }
    }

    pub(crate) fn commit(self) -> Result<(), StoreError> {
        Ok(self.tx.commit()?)
    }

    pub(crate) fn sql(&self) -> &Transaction<'a> {
        &self.tx
    }

    pub(crate) fn seal<T: Serialize>(
        &self,
        table: &'static str,
        id: &Uuid,
        value: &T,
    ) -> Result<Sealed, StoreError> {
        let ctx = SealContext::new(table, id.as_bytes(), BODY);
        self.keys
            .sealing()
            .seal_json(&ctx, value)
            .map_err(StoreError::crypto(table))
    }

    /// Seals `value` for row `id` of `table` when the row id is not a UUID (a keyed hash).
    #[cfg_attr(not(feature = "sync"), allow(dead_code))]
    pub(crate) fn seal_at<T: Serialize>(
        &self,
        table: &'static str,
        id: &[u8],
        value: &T,
    ) -> Result<Sealed, StoreError> {
        let ctx = SealContext::new(table, id, BODY);
        self.keys
            .sealing()
            .seal_json(&ctx, value)
            .map_err(StoreError::crypto(table))
    }

    pub(crate) fn open<T: DeserializeOwned>(
        &self,
        table: &'static str,
        id: &[u8],
        body: Vec<u8>,
    ) -> Result<T, StoreError> {
        let ctx = SealContext::new(table, id, BODY);
        let sealed = Sealed::from_bytes(body).map_err(StoreError::crypto(table))?;
        self.keys
            .sealing()
            .open_json(&ctx, &sealed)
            .map_err(StoreError::crypto(table))
    }

    /// Runs `sql`, which selects `(id, body)`, and opens every row.
    pub(crate) fn rows<T: DeserializeOwned>(
        &self,
        table: &'static str,
        sql: &str,
        params: impl Params,
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.tx.prepare_cached(sql)?;
        let raw = stmt
            .query_map(params, |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter()
            .map(|(id, body)| self.open(table, &id, body))
            .collect()
    }

    fn row<T: DeserializeOwned>(
        &self,
        table: &'static str,
        sql: &str,
        params: impl Params,
    ) -> Result<Option<T>, StoreError> {
        let raw = self
            .tx
            .prepare_cached(sql)?
            .query_row(params, |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?)))
            .optional()?;
        raw.map(|(id, body)| self.open(table, &id, body)).transpose()
    }

    fn upsert<T: Serialize>(&self, table: &'static str, id: &Uuid, value: &T) -> Result<(), StoreError> {
        let body = self.seal(table, id, value)?;
        let sql = format!(
            "INSERT INTO {table} (id, body) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET body = excluded.body"
        );
        self.tx
            .prepare_cached(&sql)?
            .execute(params![id.as_bytes(), body])?;
        Ok(())
    }

    fn delete(&self, table: &'static str, id: &Uuid) -> Result<bool, StoreError> {
        let sql = format!("DELETE FROM {table} WHERE id = ?1");
        Ok(self.tx.prepare_cached(&sql)?.execute([id.as_bytes()])? > 0)
    }

    pub(crate) fn tag(&self, domain: &str, value: &[u8]) -> LookupTag {
        self.keys.lookup().tag(domain, value)
    }

    // ---- persons ----

    pub(crate) fn insert_person(&self, person: &Person) -> Result<(), StoreError> {
        let id = person.id.as_uuid();
        let body = self.seal(PERSONS, id, person)?;
        self.tx
            .prepare_cached("INSERT INTO persons (id, body) VALUES (?1, ?2)")?
            .execute(params![id.as_bytes(), body])?;
        Ok(())
    }

    /// Everyone on this device, in the order they were added.
    pub(crate) fn persons(&self) -> Result<Vec<Person>, StoreError> {
        self.rows(PERSONS, "SELECT id, body FROM persons ORDER BY seq", [])
    }

    pub(crate) fn person(&self, id: PersonId) -> Result<Option<Person>, StoreError> {
        self.row(
            PERSONS,
            "SELECT id, body FROM persons WHERE id = ?1",
            [id.as_uuid().as_bytes()],
        )
    }

    /// Records the keyed hash of `person`'s identity document; `Conflict` when another person on this
    /// device already has it.
    pub(crate) fn set_document(&self, person: PersonId, document: &[u8]) -> Result<(), StoreError> {
        let tag = self.tag(DOC_TAG_DOMAIN, document);
        let owner: Option<Vec<u8>> = self
            .tx
            .prepare_cached("SELECT id FROM persons WHERE doc_tag = ?1")?
            .query_row([&tag.as_bytes()[..]], |r| r.get(0))
            .optional()?;
        match owner {
            Some(owner) if owner != person.as_uuid().as_bytes() => {
                Err(StoreError::Conflict(Conflict::Document))
            }
            _ => {
                let n = self
                    .tx
                    .prepare_cached("UPDATE persons SET doc_tag = ?2 WHERE id = ?1")?
                    .execute(params![person.as_uuid().as_bytes(), &tag.as_bytes()[..]])?;
                if n == 0 {
                    Err(StoreError::NotFound("person"))
                } else {
                    Ok(())
                }
            }
        }
    }

    pub(crate) fn delete_person(&self, id: PersonId) -> Result<bool, StoreError> {
        self.delete(PERSONS, id.as_uuid())
    }

    // ---- declarations (immutable versions) ----

    pub(crate) fn insert_declaration(&self, record: &DeclarationRecord) -> Result<(), StoreError> {
        let id = record.id.as_uuid();
        let body = self.seal(DECLARATIONS, id, record)?;
        self.tx
            .prepare_cached("INSERT INTO declarations (id, person, body) VALUES (?1, ?2, ?3)")?
            .execute(params![id.as_bytes(), record.person.as_uuid().as_bytes(), body])?;
        Ok(())
    }

    #[cfg(test)]
    /// The most recently stored version of `person`'s declaration.
    pub(crate) fn latest_declaration(
        &self,
        person: PersonId,
    ) -> Result<Option<DeclarationRecord>, StoreError> {
        self.row(
            DECLARATIONS,
            "SELECT id, body FROM declarations WHERE person = ?1 ORDER BY seq DESC LIMIT 1",
            [person.as_uuid().as_bytes()],
        )
    }

    /// Every stored version of `person`'s declaration, oldest first.
    pub(crate) fn declarations(&self, person: PersonId) -> Result<Vec<DeclarationRecord>, StoreError> {
        self.rows(
            DECLARATIONS,
            "SELECT id, body FROM declarations WHERE person = ?1 ORDER BY seq",
            [person.as_uuid().as_bytes()],
        )
    }

    pub(crate) fn all_declarations(&self) -> Result<Vec<DeclarationRecord>, StoreError> {
        self.rows(DECLARATIONS, "SELECT id, body FROM declarations ORDER BY seq", [])
    }

    pub(crate) fn delete_declaration(&self, id: DeclarationId) -> Result<bool, StoreError> {
        self.delete(DECLARATIONS, id.as_uuid())
    }

    // ---- visits ----

    /// Inserts `visit`, or replaces the stored one with the same id.
    pub(crate) fn put_visit(&self, visit: &Visit) -> Result<(), StoreError> {
        self.upsert(VISITS, visit.id.as_uuid(), visit)
    }

    /// The `n` most recently checked-in visits, newest first (a check-in with dependants stores their
    /// visits just before the holder's).
    pub(crate) fn recent_visits(&self, n: usize) -> Result<Vec<Visit>, StoreError> {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        self.rows(
            VISITS,
            "SELECT id, body FROM visits ORDER BY seq DESC LIMIT ?1",
            [n],
        )
    }

    /// The most recently checked-in visit (by insertion, not by its possibly edited times).
    #[cfg(any(test, feature = "sync"))]
    pub(crate) fn last_visit(&self) -> Result<Option<Visit>, StoreError> {
        self.row(
            VISITS,
            "SELECT id, body FROM visits ORDER BY seq DESC LIMIT 1",
            [],
        )
    }

    #[cfg(any(test, feature = "sync"))]
    pub(crate) fn visit(&self, id: VisitId) -> Result<Option<Visit>, StoreError> {
        self.row(
            VISITS,
            "SELECT id, body FROM visits WHERE id = ?1",
            [id.as_uuid().as_bytes()],
        )
    }

    /// Every visit, most recently inserted first (callers sort by time after opening).
    pub(crate) fn visits(&self) -> Result<Vec<Visit>, StoreError> {
        self.rows(VISITS, "SELECT id, body FROM visits ORDER BY seq DESC", [])
    }

    pub(crate) fn delete_visit(&self, id: VisitId) -> Result<bool, StoreError> {
        self.delete(VISITS, id.as_uuid())
    }

    // ---- quarantine episodes and daily reports ----

    /// Inserts `episode`, or replaces the stored one with the same id.
    pub(crate) fn put_episode(&self, episode: &QuarantineEpisode) -> Result<(), StoreError> {
        let id = episode.id.as_uuid();
        let body = self.seal(EPISODES, id, episode)?;
        self.tx
            .prepare_cached(
                "INSERT INTO quarantine_episodes (id, person, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            )?
            .execute(params![id.as_bytes(), episode.person.as_uuid().as_bytes(), body])?;
        Ok(())
    }

    pub(crate) fn episode(&self, id: EpisodeId) -> Result<Option<QuarantineEpisode>, StoreError> {
        self.row(
            EPISODES,
            "SELECT id, body FROM quarantine_episodes WHERE id = ?1",
            [id.as_uuid().as_bytes()],
        )
    }

    /// Every episode, in the order they were started.
    pub(crate) fn episodes(&self) -> Result<Vec<QuarantineEpisode>, StoreError> {
        self.rows(
            EPISODES,
            "SELECT id, body FROM quarantine_episodes ORDER BY seq",
            [],
        )
    }

    pub(crate) fn delete_episode(&self, id: EpisodeId) -> Result<bool, StoreError> {
        self.delete(EPISODES, id.as_uuid())
    }

    fn day_tag(&self, episode: EpisodeId, day: NaiveDate) -> LookupTag {
        let mut value = episode.as_uuid().as_bytes().to_vec();
        value.extend_from_slice(day.to_string().as_bytes());
        self.tag(DAY_TAG_DOMAIN, &value)
    }

    /// Inserts `report`, or replaces the stored one with the same id; `Conflict` when another report
    /// already covers the same episode and day.
    pub(crate) fn put_report(&self, report: &DailyReport) -> Result<(), StoreError> {
        let id = report.id.as_uuid();
        let tag = self.day_tag(report.episode, report.day);
        if let Some(other) = self.report_id_for_day(&tag)?
            && other != *id.as_bytes()
        {
            return Err(StoreError::Conflict(Conflict::ReportDay));
        }
        let body = self.seal(REPORTS, id, report)?;
        self.tx
            .prepare_cached(
                "INSERT INTO daily_reports (id, episode, day_tag, body) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET day_tag = excluded.day_tag, body = excluded.body",
            )?
            .execute(params![
                id.as_bytes(),
                report.episode.as_uuid().as_bytes(),
                &tag.as_bytes()[..],
                body
            ])?;
        Ok(())
    }

    fn report_id_for_day(&self, tag: &LookupTag) -> Result<Option<[u8; 16]>, StoreError> {
        let id: Option<Vec<u8>> = self
            .tx
            .prepare_cached("SELECT id FROM daily_reports WHERE day_tag = ?1")?
            .query_row([&tag.as_bytes()[..]], |r| r.get(0))
            .optional()?;
        id.map(|id| {
            id.try_into().map_err(|_| StoreError::Column {
                table: REPORTS,
                column: "id",
            })
        })
        .transpose()
    }

    #[cfg(test)]
    /// The report of `episode` for `day`, found by its keyed hash.
    pub(crate) fn report_for_day(
        &self,
        episode: EpisodeId,
        day: NaiveDate,
    ) -> Result<Option<DailyReport>, StoreError> {
        let tag = self.day_tag(episode, day);
        self.row(
            REPORTS,
            "SELECT id, body FROM daily_reports WHERE day_tag = ?1",
            [&tag.as_bytes()[..]],
        )
    }

    /// The reports of `episode`, in the order they were first made.
    pub(crate) fn reports(&self, episode: EpisodeId) -> Result<Vec<DailyReport>, StoreError> {
        self.rows(
            REPORTS,
            "SELECT id, body FROM daily_reports WHERE episode = ?1 ORDER BY seq",
            [episode.as_uuid().as_bytes()],
        )
    }

    pub(crate) fn all_reports(&self) -> Result<Vec<DailyReport>, StoreError> {
        self.rows(REPORTS, "SELECT id, body FROM daily_reports ORDER BY seq", [])
    }

    pub(crate) fn delete_report(&self, id: ReportId) -> Result<bool, StoreError> {
        self.delete(REPORTS, id.as_uuid())
    }
}
