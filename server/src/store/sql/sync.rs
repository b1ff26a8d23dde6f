use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::{mpsc, oneshot};

use super::VisitJob;
use super::registry::id_list;
use super::{SqlStore, placeholders};
use crate::store::api::SyncStore;
use crate::store::types::*;
use crate::store::{Backend, Dialect, MAX_VISIT_MS, Row, StoreError, Tx, Value, params};

type R<T> = Result<T, StoreError>;

/// The `meta` row that migration 3 leaves for `src/units.rs`.
const PENDING_WARD_CODES: &str = "pending.ward_codes_2025";

const VISIT_COLS: &str = "id, account_id, subject, checkpoint_id, checked_in_at, checked_out_at, ends_at, end_kind, edited, source, received_at, person_id, scanned_by";

fn visit(r: &Row) -> R<VisitRow> {
    Ok(VisitRow {
        id: r.bytes(0)?,
        account_id: r.opt_i64(1)?,
        subject: r.bytes(2)?,
        checkpoint_id: r.i64(3)?,
        checked_in_at: r.i64(4)?,
        checked_out_at: r.opt_i64(5)?,
        ends_at: r.i64(6)?,
        end_kind: r.text(7)?,
        edited: r.bool(8)?,
        source: r.text(9)?,
        received_at: r.i64(10)?,
        person_id: r.opt_bytes(11)?,
        scanned_by: r.opt_i64(12)?,
    })
}

const DECLARATION_COLS: &str = "id, account_id, person_id, declared_at, received_at, province, ward, has_symptoms, id_hash, phone_hash, sealed";

fn declaration(r: &Row) -> R<DeclarationRow> {
    Ok(DeclarationRow {
        id: r.bytes(0)?,
        account_id: r.i64(1)?,
        person_id: r.bytes(2)?,
        declared_at: r.i64(3)?,
        received_at: r.i64(4)?,
        province: r.i64(5)?,
        ward: r.i64(6)?,
        has_symptoms: r.bool(7)?,
        id_hash: r.bytes(8)?,
        phone_hash: r.bytes(9)?,
        sealed: r.bytes(10)?,
    })
}

/// What to do with an uploaded visit whose id is already stored.
pub(crate) fn merge_visit(existing: &VisitRow, incoming: &VisitRow) -> Upsert {
    // A visit id is bound to who uploaded it: the person's account, or for a staff scan the scanning staff
    // account and its checkpoint (a manager elsewhere reusing the id cannot move the visit).
    if existing.subject != incoming.subject
        || existing.account_id != incoming.account_id
        || existing.source != incoming.source
        || existing.scanned_by != incoming.scanned_by
        || (existing.source == "staff" && existing.checkpoint_id != incoming.checkpoint_id)
    {
        return Upsert::Conflict;
    }
    let same = existing.checkpoint_id == incoming.checkpoint_id
        && existing.checked_in_at == incoming.checked_in_at
        && existing.checked_out_at == incoming.checked_out_at
        && existing.end_kind == incoming.end_kind
        && existing.edited == incoming.edited;
    if same {
        return Upsert::Duplicate;
    }
    // The manager checked everyone out: a client copy that is still open does not reopen the visit.
    if existing.end_kind == "by_checkpoint" && incoming.checked_out_at.is_none() {
        return Upsert::Kept;
    }
    Upsert::Updated
}

/// Inserts rows with a multi-row `INSERT … ON CONFLICT (id) DO NOTHING RETURNING id`. Returns, per input
/// row, whether this statement inserted it (false: stored before, or repeated earlier in the batch).
async fn insert_new(
    tx: &mut Box<dyn Tx>,
    table_cols: &str,
    ncols: usize,
    rows: Vec<(Vec<u8>, Vec<Value>)>,
) -> R<Vec<bool>> {
    let mut inserted: HashSet<Vec<u8>> = HashSet::new();
    for chunk in rows.chunks(200) {
        let mut groups = Vec::with_capacity(chunk.len());
        let mut params = Vec::with_capacity(chunk.len() * ncols);
        for (i, (_, values)) in chunk.iter().enumerate() {
            groups.push(format!("({})", placeholders(i * ncols + 1, ncols)));
            params.extend(values.iter().cloned());
        }
        let sql = format!(
            "INSERT INTO {table_cols} VALUES {} ON CONFLICT (id) DO NOTHING RETURNING id",
            groups.join(", ")
        );
        for r in tx.query(&sql, params).await? {
            inserted.insert(r.bytes(0)?);
        }
    }
    let mut seen: HashSet<&[u8]> = HashSet::new();
    Ok(rows
        .iter()
        .map(|(id, _)| seen.insert(id.as_slice()) && inserted.contains(id))
        .collect())
}

fn visit_values(v: &VisitRow) -> Vec<Value> {
    params![
        v.id.clone(),
        v.account_id,
        v.subject.clone(),
        v.checkpoint_id,
        v.checked_in_at,
        v.checked_out_at,
        v.ends_at,
        v.end_kind.clone(),
        v.edited,
        v.source.clone(),
        v.received_at,
        v.person_id.clone(),
        v.scanned_by
    ]
}

#[async_trait]
impl SyncStore for SqlStore {
    async fn upsert_visits(&self, mut rows: Vec<VisitRow>) -> R<Vec<Upsert>> {
        if rows.is_empty() {
            return Ok(vec![]);
        }
        // The bound that overlap queries rely on holds for every stored row, whoever built it.
        for v in &mut rows {
            v.ends_at = v.ends_at.min(v.checked_in_at.saturating_add(MAX_VISIT_MS));
        }
        let (reply, answer) = oneshot::channel();
        self.visits
            .send((rows, reply))
            .await
            .map_err(|_| StoreError::Unavailable)?;
        answer.await.map_err(|_| StoreError::Unavailable)?
    }

    async fn visits_overlapping(
        &self,
        checkpoints: &[i64],
        from: Millis,
        to: Millis,
        limit: i64,
    ) -> R<Vec<VisitRow>> {
        if checkpoints.is_empty() {
            return Ok(vec![]);
        }
        let (list, mut params) = id_list(5, checkpoints);
        let sql = format!(
            "SELECT {VISIT_COLS} FROM visits WHERE checkpoint_id IN ({list}) AND checked_in_at >= $1 \
             AND checked_in_at < $2 AND ends_at > $3 ORDER BY checked_in_at LIMIT $4"
        );
        let mut p = params![from - MAX_VISIT_MS, to, from, limit];
        p.append(&mut params);
        self.query(&sql, p).await?.iter().map(visit).collect()
    }

    async fn overlap_contacts(
        &self,
        subjects: &[(Vec<u8>, Millis)],
        to: Millis,
        now: Millis,
        buffer: Millis,
        building: bool,
        limit: i64,
    ) -> R<Vec<ContactPart>> {
        if subjects.is_empty() {
            return Ok(vec![]);
        }
        // The followed people with their own starts, as a table: only their visits from that start on are
        // read (through `visits_by_subject`). Each is joined with the visits at its place that overlap it
        // ± buffer; visits last at most `MAX_VISIT_MS`, so these lie in the bounded range
        // `checked_in_at ∈ [start - buffer - MAX_VISIT_MS, end + buffer)` of `visits_by_checkpoint`. Both
        // indexes cover the columns read (migration 2), so the table itself is not touched, and the pairs
        // are summed in the database: one row per (person met, checkpoint) comes back, not one per pair.
        // The overlap of a pair is `contact::overlap_ms`; the join condition makes it positive. No stay
        // counts past `now` ($5): an open visit's assumed end may lie in the future.
        let (bytes, int, least, greatest) = match self.dialect() {
            Dialect::Sqlite => ("", "", "MIN", "MAX"),
            Dialect::Postgres => ("::bytea", "::bigint", "LEAST", "GREATEST"),
        };
        let rows: Vec<String> = (0..subjects.len())
            .map(|i| format!("(${}{bytes}, ${}{int})", 6 + 2 * i, 7 + 2 * i))
            .collect();
        let place = if building {
            "JOIN checkpoints cs ON cs.id = s.checkpoint_id JOIN checkpoints co ON co.root_id = cs.root_id \
             JOIN visits o ON o.checkpoint_id = co.id"
        } else {
            "JOIN visits o ON o.checkpoint_id = s.checkpoint_id"
        };
        // One row per contact interval (each pair of overlapping stays): the
        // caller merges each person's intervals before adding them up, so that overlapping stays of one
        // person (the same visit uploaded a hundred times, or the case's own overlapping visits) count
        // the time they cover once (issue 14, item 6).
        let sql = format!(
            "WITH f (subject, start) AS (VALUES {}) \
             SELECT o.subject, o.checkpoint_id, \
                    {greatest}(s.checked_in_at - $2, o.checked_in_at), \
                    {least}(s.ends_at + $2, o.ends_at, $5) \
             FROM f JOIN visits s ON s.subject = f.subject AND s.checked_in_at >= f.start AND s.checked_in_at < $1 \
             {place} AND o.checked_in_at >= s.checked_in_at - $2 - $3 AND o.checked_in_at < s.ends_at + $2 \
             AND o.ends_at > s.checked_in_at - $2 AND o.subject <> s.subject \
             AND o.checked_in_at < $5 AND s.checked_in_at - $2 < $5 \
             LIMIT $4",
            rows.join(", ")
        );
        let mut p = params![to, buffer, MAX_VISIT_MS, limit, now];
        for (subject, start) in subjects {
            p.push(Value::Bytes(subject.clone()));
            p.push(Value::I64(*start));
        }
        self.query(&sql, p)
            .await?
            .iter()
            .map(|r| {
                let (start, end) = (r.i64(2)?, r.i64(3)?);
                Ok(ContactPart {
                    subject: r.bytes(0)?,
                    checkpoint_id: r.i64(1)?,
                    overlap_ms: end - start,
                    first_contact: start,
                })
            })
            .collect()
    }

    async fn visits_by_ids(&self, ids: &[Vec<u8>]) -> R<Vec<VisitRow>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT {VISIT_COLS} FROM visits WHERE id IN ({})",
                placeholders(1, chunk.len())
            );
            let p = chunk.iter().map(|id| Value::Bytes(id.clone())).collect();
            for r in self.query(&sql, p).await? {
                out.push(visit(&r)?);
            }
        }
        Ok(out)
    }

    async fn visits_of_subject(&self, subject: &[u8], from: Millis, to: Millis) -> R<Vec<VisitRow>> {
        let sql = format!(
            "SELECT {VISIT_COLS} FROM visits WHERE subject = $1 AND checked_in_at >= $2 AND checked_in_at < $3 \
             ORDER BY checked_in_at"
        );
        self.query(&sql, params![subject, from, to])
            .await?
            .iter()
            .map(visit)
            .collect()
    }

    async fn visits_of_subject_at(&self, subject: &[u8], times: &[Millis]) -> R<Vec<VisitRow>> {
        let mut out = Vec::new();
        for chunk in times.chunks(500) {
            let sql = format!(
                "SELECT {VISIT_COLS} FROM visits WHERE subject = $1 AND checked_in_at IN ({})",
                placeholders(2, chunk.len())
            );
            let mut p = params![subject];
            p.extend(chunk.iter().map(|&t| Value::I64(t)));
            for r in self.query(&sql, p).await? {
                out.push(visit(&r)?);
            }
        }
        Ok(out)
    }

    async fn occupancy(&self, checkpoints: &[i64]) -> R<i64> {
        if checkpoints.is_empty() {
            return Ok(0);
        }
        let (list, params) = id_list(1, checkpoints);
        let sql =
            format!("SELECT COUNT(*) FROM visits WHERE checkpoint_id IN ({list}) AND checked_out_at IS NULL");
        self.query(&sql, params)
            .await?
            .first()
            .map_or(Ok(0), |r| r.i64(0))
    }

    async fn check_out_all(&self, checkpoints: &[i64], at: Millis) -> R<u64> {
        if checkpoints.is_empty() {
            return Ok(0);
        }
        // A visit left open for days still ends, for overlap queries, at most `MAX_VISIT_MS` after arrival.
        let (list, mut params) = id_list(3, checkpoints);
        let sql = format!(
            "UPDATE visits SET checked_out_at = $1, \
             ends_at = CASE WHEN $1 > checked_in_at + $2 THEN checked_in_at + $2 ELSE $1 END, \
             end_kind = 'by_checkpoint' \
             WHERE checkpoint_id IN ({list}) AND checked_out_at IS NULL AND checked_in_at <= $1"
        );
        let mut p = params![at, MAX_VISIT_MS];
        p.append(&mut params);
        self.execute(&sql, p).await
    }

    async fn checkout_share(&self, checkpoints: &[i64], from: Millis, to: Millis) -> R<(i64, i64)> {
        if checkpoints.is_empty() {
            return Ok((0, 0));
        }
        let (list, mut params) = id_list(3, checkpoints);
        let sql = format!(
            "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN end_kind = 'checked_out' THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM visits WHERE checkpoint_id IN ({list}) AND checked_in_at >= $1 AND checked_in_at < $2"
        );
        let mut p = params![from, to];
        p.append(&mut params);
        let rows = self.query(&sql, p).await?;
        let r = rows.first().ok_or(StoreError::NotFound)?;
        Ok((r.i64(0)?, r.i64(1)?))
    }

    async fn upsert_declarations(&self, rows: Vec<DeclarationRow>) -> R<Vec<Upsert>> {
        let mut tx = self.begin().await?;
        let values = rows
            .iter()
            .map(|d| {
                let v = params![
                    d.id.clone(),
                    d.account_id,
                    d.person_id.clone(),
                    d.declared_at,
                    d.received_at,
                    d.province,
                    d.ward,
                    d.has_symptoms,
                    d.id_hash.clone(),
                    d.phone_hash.clone(),
                    d.sealed.clone()
                ];
                (d.id.clone(), v)
            })
            .collect();
        let cols = "declarations (id, account_id, person_id, declared_at, received_at, province, ward, has_symptoms, \
                    id_hash, phone_hash, sealed)";
        let fresh = insert_new(&mut tx, cols, 11, values).await?;
        let mut out = Vec::with_capacity(rows.len());
        for (d, fresh) in rows.iter().zip(fresh) {
            // A declaration version never changes once made: a repeat is a duplicate of its owner's copy.
            out.push(if fresh {
                Upsert::Inserted
            } else {
                owned_repeat(&mut tx, "declarations", &d.id, d.account_id).await?
            });
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn latest_declaration(&self, account_id: i64) -> R<Option<DeclarationRow>> {
        Ok(self.declarations_of(account_id).await?.into_iter().next())
    }

    async fn latest_declarations(&self, account_ids: &[i64]) -> R<Vec<DeclarationRow>> {
        // Every declaration made at its account's latest time; ties go to the smallest id, as in
        // `declarations_of`'s order.
        let mut newest: std::collections::HashMap<i64, DeclarationRow> = std::collections::HashMap::new();
        for chunk in account_ids.chunks(500) {
            let (list, p) = id_list(1, chunk);
            let sql = format!(
                "SELECT {DECLARATION_COLS} FROM declarations d WHERE d.account_id IN ({list}) \
                 AND d.declared_at = (SELECT MAX(m.declared_at) FROM declarations m WHERE m.account_id = d.account_id)"
            );
            for r in self.query(&sql, p).await? {
                let d = declaration(&r)?;
                match newest.get(&d.account_id) {
                    Some(kept) if kept.id <= d.id => {}
                    _ => {
                        newest.insert(d.account_id, d);
                    }
                }
            }
        }
        Ok(newest.into_values().collect())
    }

    async fn latest_declarations_per_person(&self, account_ids: &[i64]) -> R<Vec<DeclarationRow>> {
        let mut newest: std::collections::HashMap<(i64, Vec<u8>), DeclarationRow> =
            std::collections::HashMap::new();
        for chunk in account_ids.chunks(500) {
            let (list, p) = id_list(1, chunk);
            let sql = format!(
                "SELECT {DECLARATION_COLS} FROM declarations d WHERE d.account_id IN ({list}) \
                 AND d.declared_at = (SELECT MAX(m.declared_at) FROM declarations m \
                 WHERE m.account_id = d.account_id AND m.person_id = d.person_id)"
            );
            for r in self.query(&sql, p).await? {
                let d = declaration(&r)?;
                let key = (d.account_id, d.person_id.clone());
                match newest.get(&key) {
                    Some(kept) if kept.id <= d.id => {}
                    _ => {
                        newest.insert(key, d);
                    }
                }
            }
        }
        Ok(newest.into_values().collect())
    }

    async fn visit_persons(
        &self,
        subjects: &[Vec<u8>],
        from: Millis,
        to: Millis,
    ) -> R<Vec<(Vec<u8>, Vec<u8>)>> {
        let mut latest: std::collections::HashMap<Vec<u8>, (Millis, Vec<u8>)> =
            std::collections::HashMap::new();
        for chunk in subjects.chunks(500) {
            let sql = format!(
                "SELECT subject, person_id, checked_in_at FROM visits WHERE subject IN ({}) \
                 AND checked_in_at >= $1 AND checked_in_at < $2 AND person_id IS NOT NULL",
                placeholders(3, chunk.len())
            );
            let mut p = params![from, to];
            p.extend(chunk.iter().map(|s| Value::Bytes(s.clone())));
            for r in self.query(&sql, p).await? {
                let (subject, person, at) = (r.bytes(0)?, r.bytes(1)?, r.i64(2)?);
                match latest.get(&subject) {
                    Some((kept, kept_person)) if (*kept, kept_person) >= (at, &person) => {}
                    _ => {
                        latest.insert(subject, (at, person));
                    }
                }
            }
        }
        Ok(latest.into_iter().map(|(s, (_, p))| (s, p)).collect())
    }

    async fn declarations_of(&self, account_id: i64) -> R<Vec<DeclarationRow>> {
        let sql = format!(
            "SELECT {DECLARATION_COLS} FROM declarations WHERE account_id = $1 ORDER BY declared_at DESC, id"
        );
        let rows = self.query(&sql, params![account_id]).await?;
        rows.iter().map(declaration).collect()
    }

    async fn insert_pseudonym(
        &self,
        pseudonym: &[u8],
        account_id: i64,
        declaration_id: &[u8],
        at: Millis,
    ) -> R<bool> {
        let mut tx = self.begin().await?;
        tx.execute(
            "INSERT INTO pseudonyms (pseudonym, account_id, declaration_id, signed_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (pseudonym) DO NOTHING",
            params![pseudonym, account_id, declaration_id, at],
        )
        .await?;
        let rows = tx
            .query(
                "SELECT account_id FROM pseudonyms WHERE pseudonym = $1",
                params![pseudonym],
            )
            .await?;
        tx.commit().await?;
        Ok(rows.first().map(|r| r.i64(0)).transpose()? == Some(account_id))
    }

    async fn pseudonym_account(&self, pseudonym: &[u8]) -> R<Option<i64>> {
        self.query_opt(
            "SELECT account_id FROM pseudonyms WHERE pseudonym = $1",
            params![pseudonym],
        )
        .await?
        .map(|r| r.i64(0))
        .transpose()
    }

    async fn accounts_by_id_hash(&self, id_hash: &[u8]) -> R<Vec<i64>> {
        let rows = self
            .query(
                "SELECT DISTINCT account_id FROM declarations WHERE id_hash = $1 ORDER BY account_id",
                params![id_hash],
            )
            .await?;
        rows.iter().map(|r| r.i64(0)).collect()
    }

    async fn upsert_episodes(&self, rows: Vec<EpisodeRow>) -> R<Vec<Upsert>> {
        let mut tx = self.begin().await?;
        let values = rows
            .iter()
            .map(|e| {
                let v = params![
                    e.id.clone(),
                    e.account_id,
                    e.person_id.clone(),
                    e.kind.clone(),
                    e.province,
                    e.ward,
                    e.start_day,
                    e.expected_end_day,
                    e.ended_on,
                    e.utc_offset_minutes,
                    e.sealed.clone(),
                    e.received_at
                ];
                (e.id.clone(), v)
            })
            .collect();
        let cols = "episodes (id, account_id, person_id, kind, province, ward, start_day, expected_end_day, ended_on, \
                    utc_offset_minutes, sealed, received_at)";
        let fresh = insert_new(&mut tx, cols, 12, values).await?;
        let mut out = Vec::with_capacity(rows.len());
        for (e, fresh) in rows.into_iter().zip(fresh) {
            if fresh {
                out.push(Upsert::Inserted);
                continue;
            }
            let found = tx
                .query(
                    "SELECT account_id, kind, start_day, expected_end_day, ended_on FROM episodes WHERE id = $1",
                    params![e.id.clone()],
                )
                .await?;
            let r = found.first().ok_or(StoreError::NotFound)?;
            if r.i64(0)? != e.account_id {
                out.push(Upsert::Conflict);
            } else if r.text(1)? == e.kind
                && r.i64(2)? == e.start_day
                && r.i64(3)? == e.expected_end_day
                && r.opt_i64(4)? == e.ended_on
            {
                out.push(Upsert::Duplicate);
            } else {
                tx.execute(
                    "UPDATE episodes SET kind = $2, start_day = $3, expected_end_day = $4, ended_on = $5, \
                     sealed = $6, received_at = $7 WHERE id = $1",
                    params![
                        e.id,
                        e.kind,
                        e.start_day,
                        e.expected_end_day,
                        e.ended_on,
                        e.sealed,
                        e.received_at
                    ],
                )
                .await?;
                out.push(Upsert::Updated);
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn ward_codes_pending(&self) -> R<bool> {
        Ok(self
            .query_opt("SELECT key FROM meta WHERE key = $1", params![PENDING_WARD_CODES])
            .await?
            .is_some())
    }

    async fn declarations_in_wards(&self, wards: &[i64]) -> R<Vec<DeclarationRow>> {
        let (list, p) = id_list(1, wards);
        let sql = format!("SELECT {DECLARATION_COLS} FROM declarations WHERE ward IN ({list}) ORDER BY id");
        self.query(&sql, p).await?.iter().map(declaration).collect()
    }

    async fn episodes_in_wards(&self, wards: &[i64]) -> R<Vec<(Vec<u8>, i64, i64, i64)>> {
        let (list, p) = id_list(1, wards);
        let sql =
            format!("SELECT id, account_id, province, ward FROM episodes WHERE ward IN ({list}) ORDER BY id");
        self.query(&sql, p)
            .await?
            .iter()
            .map(|r| Ok((r.bytes(0)?, r.i64(1)?, r.i64(2)?, r.i64(3)?)))
            .collect()
    }

    async fn finish_ward_codes(
        &self,
        declarations: Vec<(Vec<u8>, i64, Vec<u8>)>,
        episodes: Vec<(Vec<u8>, i64)>,
    ) -> R<()> {
        let mut tx = self.begin().await?;
        for (id, ward, sealed) in declarations {
            tx.execute(
                "UPDATE declarations SET ward = $2, sealed = $3 WHERE id = $1",
                params![id, ward, sealed],
            )
            .await?;
        }
        for (id, ward) in episodes {
            tx.execute("UPDATE episodes SET ward = $2 WHERE id = $1", params![id, ward])
                .await?;
        }
        tx.execute("DELETE FROM meta WHERE key = $1", params![PENDING_WARD_CODES])
            .await?;
        tx.commit().await
    }

    async fn episode_owner(&self, id: &[u8]) -> R<Option<i64>> {
        self.query_opt("SELECT account_id FROM episodes WHERE id = $1", params![id])
            .await?
            .map(|r| r.i64(0))
            .transpose()
    }

    async fn upsert_reports(&self, rows: Vec<ReportRow>) -> R<Vec<Upsert>> {
        let mut tx = self.begin().await?;
        let values = rows
            .iter()
            .map(|r| {
                let v = params![
                    r.id.clone(),
                    r.account_id,
                    r.episode_id.clone(),
                    r.day,
                    r.reported_at,
                    r.has_symptoms,
                    r.sealed.clone(),
                    r.received_at
                ];
                (r.id.clone(), v)
            })
            .collect();
        let cols =
            "reports (id, account_id, episode_id, day, reported_at, has_symptoms, sealed, received_at)";
        let fresh = insert_new(&mut tx, cols, 8, values).await?;
        let mut out = Vec::with_capacity(rows.len());
        for (r, fresh) in rows.iter().zip(fresh) {
            out.push(if fresh {
                Upsert::Inserted
            } else {
                owned_repeat(&mut tx, "reports", &r.id, r.account_id).await?
            });
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn episodes_of(&self, account_id: i64) -> R<Vec<EpisodeRow>> {
        let sql = format!("SELECT {EPISODE_COLS} FROM episodes WHERE account_id = $1 ORDER BY start_day, id");
        self.query(&sql, params![account_id])
            .await?
            .iter()
            .map(episode_from)
            .collect()
    }

    async fn reports_of(&self, account_id: i64) -> R<Vec<ReportRow>> {
        self.query(
            "SELECT id, account_id, episode_id, day, reported_at, has_symptoms, sealed, received_at \
             FROM reports WHERE account_id = $1 ORDER BY day, id",
            params![account_id],
        )
        .await?
        .iter()
        .map(report_from)
        .collect()
    }
}

/// The columns `episode_from` reads, in its order.
const EPISODE_COLS: &str = "id, account_id, person_id, kind, province, ward, start_day, expected_end_day, ended_on, \
                            utc_offset_minutes, sealed, received_at";

fn episode_from(r: &Row) -> R<EpisodeRow> {
    Ok(EpisodeRow {
        id: r.bytes(0)?,
        account_id: r.i64(1)?,
        person_id: r.bytes(2)?,
        kind: r.text(3)?,
        province: r.i64(4)?,
        ward: r.i64(5)?,
        start_day: r.i64(6)?,
        expected_end_day: r.i64(7)?,
        ended_on: r.opt_i64(8)?,
        utc_offset_minutes: r.i64(9)?,
        sealed: r.bytes(10)?,
        received_at: r.i64(11)?,
    })
}

fn report_from(r: &Row) -> R<ReportRow> {
    Ok(ReportRow {
        id: r.bytes(0)?,
        account_id: r.i64(1)?,
        episode_id: r.bytes(2)?,
        day: r.i64(3)?,
        reported_at: r.i64(4)?,
        has_symptoms: r.bool(5)?,
        sealed: r.bytes(6)?,
        received_at: r.i64(7)?,
    })
}

/// An immutable record uploaded again: a duplicate for its owner, a conflict for anyone else.
async fn owned_repeat(tx: &mut Box<dyn Tx>, table: &str, id: &[u8], account: i64) -> R<Upsert> {
    let sql = format!("SELECT account_id FROM {table} WHERE id = $1");
    let rows = tx.query(&sql, params![id]).await?;
    let owner = rows.first().ok_or(StoreError::NotFound)?.i64(0)?;
    Ok(if owner == account {
        Upsert::Duplicate
    } else {
        Upsert::Conflict
    })
}

/// Most visits written in one combined transaction.
const COMBINE_MAX_ROWS: usize = 1000;

/// Group commit for visit uploads: concurrent `upsert_visits` calls are queued, and whatever is waiting
/// when a writer is free is written in one transaction (up to `COMBINE_MAX_ROWS` rows), so that many
/// small uploads share one commit (one fsync). Each caller gets the outcomes of its own rows, in order.
/// `writers` of these run at once over one queue: one on SQLite (which has one writer anyway), several
/// on PostgreSQL, where the visit keys (`claim_keys`) make concurrent writers of one id wait for each
/// other; the result is the same as writing the calls one after the other in some order.
pub(super) async fn combine_visits(db: Arc<dyn Backend>, jobs: mpsc::Receiver<VisitJob>, writers: usize) {
    let jobs = Arc::new(tokio::sync::Mutex::new(jobs));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..writers.max(1) {
        tasks.spawn(visit_writer(db.clone(), jobs.clone()));
    }
    while tasks.join_next().await.is_some() {}
}

async fn visit_writer(db: Arc<dyn Backend>, jobs: Arc<tokio::sync::Mutex<mpsc::Receiver<VisitJob>>>) {
    loop {
        let mut batch = {
            let mut queue = jobs.lock().await;
            let Some(first) = queue.recv().await else {
                return;
            };
            let mut batch = vec![first];
            let mut rows = batch.iter().map(|j| j.0.len()).sum::<usize>();
            while rows < COMBINE_MAX_ROWS {
                match queue.try_recv() {
                    Ok(job) => {
                        rows += job.0.len();
                        batch.push(job);
                    }
                    Err(_) => break,
                }
            }
            batch
        };
        let sizes: Vec<usize> = batch.iter().map(|j| j.0.len()).collect();
        let all: Vec<VisitRow> = batch.iter_mut().flat_map(|j| std::mem::take(&mut j.0)).collect();
        match write_visits(db.as_ref(), all).await {
            Ok(outcomes) => {
                let mut outcomes = outcomes.into_iter();
                for ((_, reply), size) in batch.into_iter().zip(sizes) {
                    let _ = reply.send(Ok(outcomes.by_ref().take(size).collect()));
                }
            }
            Err(e) => {
                for (_, reply) in batch {
                    let _ = reply.send(Err(e.clone()));
                }
            }
        }
    }
}

/// Inserts `rows` into `visits` with multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING id`; returns
/// the ids this statement inserted.
async fn insert_visits(tx: &mut Box<dyn Tx>, rows: &[&VisitRow]) -> R<HashSet<Vec<u8>>> {
    let mut inserted = HashSet::new();
    for chunk in rows.chunks(200) {
        let mut groups = Vec::with_capacity(chunk.len());
        let mut params = Vec::with_capacity(chunk.len() * 13);
        for (i, v) in chunk.iter().enumerate() {
            groups.push(format!("({})", placeholders(i * 13 + 1, 13)));
            params.extend(visit_values(v));
        }
        let sql = format!(
            "INSERT INTO visits ({VISIT_COLS}) VALUES {} ON CONFLICT DO NOTHING RETURNING id",
            groups.join(", ")
        );
        for r in tx.query(&sql, params).await? {
            inserted.insert(r.bytes(0)?);
        }
    }
    Ok(inserted)
}

/// PostgreSQL: claims the ids of `rows` in `visit_keys` (migration 8) with `INSERT … ON CONFLICT (id)
/// DO NOTHING RETURNING id`; returns the ids claimed now (never stored before). The key table is not
/// partitioned, so its primary key makes an id unique across the day partitions of `visits` (whose own
/// key must hold the partition key), and a writer claiming an id another writer holds waits for that
/// one's commit: several writers can run at once. Rows come sorted by id, so two writers take the
/// key locks in the same order and never deadlock.
async fn claim_keys(tx: &mut Box<dyn Tx>, rows: &[&VisitRow]) -> R<HashSet<Vec<u8>>> {
    let mut claimed = HashSet::new();
    for chunk in rows.chunks(500) {
        let groups: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
            .collect();
        let params = chunk
            .iter()
            .flat_map(|v| [Value::Bytes(v.id.clone()), Value::I64(v.checked_in_at)])
            .collect();
        let sql = format!(
            "INSERT INTO visit_keys (id, checked_in_at) VALUES {} ON CONFLICT (id) DO NOTHING RETURNING id",
            groups.join(", ")
        );
        for r in tx.query(&sql, params).await? {
            claimed.insert(r.bytes(0)?);
        }
    }
    Ok(claimed)
}

/// The stored versions of visits `ids` (`ids` sorted; all known to be stored, or on PostgreSQL claimed
/// in `visit_keys`). On PostgreSQL the arrival times come from `visit_keys` first (their keys locked
/// until the transaction ends), so that only the day partitions holding them are read.
async fn stored_visits(
    tx: &mut Box<dyn Tx>,
    dialect: Dialect,
    ids: &[&Vec<u8>],
) -> R<std::collections::HashMap<Vec<u8>, VisitRow>> {
    let mut known = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let p: Vec<Value> = chunk.iter().map(|id| Value::Bytes((*id).clone())).collect();
        let rows = match dialect {
            Dialect::Sqlite => {
                let sql = format!(
                    "SELECT {VISIT_COLS} FROM visits WHERE id IN ({})",
                    placeholders(1, chunk.len())
                );
                tx.query(&sql, p).await?
            }
            Dialect::Postgres => {
                // Locked in id order, like the claims: two writers merging the same visits take their
                // turns instead of deadlocking.
                let sql = format!(
                    "SELECT checked_in_at FROM visit_keys WHERE id IN ({}) ORDER BY id FOR UPDATE",
                    placeholders(1, chunk.len())
                );
                let mut times = Vec::new();
                for r in tx.query(&sql, p.clone()).await? {
                    let t = r.i64(0)?;
                    if !times.contains(&Value::I64(t)) {
                        times.push(Value::I64(t));
                    }
                }
                if times.is_empty() {
                    continue;
                }
                let sql = format!(
                    "SELECT {VISIT_COLS} FROM visits WHERE id IN ({}) AND checked_in_at IN ({})",
                    placeholders(1, chunk.len()),
                    placeholders(chunk.len() + 1, times.len())
                );
                let mut params = p;
                params.extend(times);
                tx.query(&sql, params).await?
            }
        };
        for r in rows {
            let v = visit(&r)?;
            known.insert(v.id.clone(), v);
        }
    }
    Ok(known)
}

/// Writes visits in one transaction: new ids inserted, known ids merged (`merge_visit`). The first copy
/// of each id in the batch is tried as new: on SQLite it is inserted with `ON CONFLICT (id) DO NOTHING`;
/// on PostgreSQL, where visits are partitioned by arrival day and the key is (id, arrival), its id is
/// claimed in `visit_keys` first (`claim_keys`) and only claimed rows are inserted. Ids that were not
/// new are then read (only those: a batch of new visits reads nothing) and merged, and later copies in
/// the batch merge with the first. A key whose visit is gone (the account's data deleted, the day
/// purged) takes the incoming visit as new.
async fn write_visits(db: &dyn Backend, rows: Vec<VisitRow>) -> R<Vec<Upsert>> {
    let dialect = db.dialect();
    let mut tx = db.begin().await?;
    let mut seen: HashSet<&[u8]> = HashSet::new();
    let mut firsts: Vec<&VisitRow> = rows.iter().filter(|v| seen.insert(v.id.as_slice())).collect();
    firsts.sort_by(|a, b| a.id.cmp(&b.id));
    let mut inserted = match dialect {
        Dialect::Sqlite => insert_visits(&mut tx, &firsts).await?,
        Dialect::Postgres => {
            let claimed = claim_keys(&mut tx, &firsts).await?;
            let new: Vec<&VisitRow> = firsts
                .iter()
                .copied()
                .filter(|v| claimed.contains(&v.id))
                .collect();
            insert_visits(&mut tx, &new).await?
        }
    };
    let others: Vec<&Vec<u8>> = firsts
        .iter()
        .filter(|v| !inserted.contains(&v.id))
        .map(|v| &v.id)
        .collect();
    let mut known = stored_visits(&mut tx, dialect, &others).await?;
    if dialect == Dialect::Postgres {
        // Keys without a visit: the visit went (deleted with its account's data, or purged with its day
        // while its key waits for the key purge); the incoming one is stored as new, under its own time.
        let orphans: Vec<&VisitRow> = firsts
            .iter()
            .copied()
            .filter(|v| !inserted.contains(&v.id) && !known.contains_key(&v.id))
            .collect();
        for v in &orphans {
            tx.execute(
                "UPDATE visit_keys SET checked_in_at = $2 WHERE id = $1",
                params![v.id.clone(), v.checked_in_at],
            )
            .await?;
        }
        inserted.extend(insert_visits(&mut tx, &orphans).await?);
    }
    let mut out = Vec::with_capacity(rows.len());
    for incoming in rows {
        if inserted.remove(&incoming.id) {
            known.insert(incoming.id.clone(), incoming);
            out.push(Upsert::Inserted);
            continue;
        }
        // Not inserted: stored before (read above), or an earlier copy in this batch.
        let existing = known.get(&incoming.id).cloned().ok_or(StoreError::NotFound)?;
        let decision = merge_visit(&existing, &incoming);
        if decision == Upsert::Updated {
            tx.execute(
                "UPDATE visits SET checkpoint_id = $3, checked_in_at = $4, checked_out_at = $5, \
                 ends_at = $6, end_kind = $7, edited = $8, received_at = $9 WHERE id = $1 AND checked_in_at = $2",
                params![
                    incoming.id.clone(),
                    existing.checked_in_at,
                    incoming.checkpoint_id,
                    incoming.checked_in_at,
                    incoming.checked_out_at,
                    incoming.ends_at,
                    incoming.end_kind.clone(),
                    incoming.edited,
                    incoming.received_at
                ],
            )
            .await?;
            if dialect == Dialect::Postgres && incoming.checked_in_at != existing.checked_in_at {
                // The visit moved to another day's partition: its key follows.
                tx.execute(
                    "UPDATE visit_keys SET checked_in_at = $2 WHERE id = $1",
                    params![incoming.id.clone(), incoming.checked_in_at],
                )
                .await?;
            }
            let merged = VisitRow {
                checkpoint_id: incoming.checkpoint_id,
                checked_in_at: incoming.checked_in_at,
                checked_out_at: incoming.checked_out_at,
                ends_at: incoming.ends_at,
                end_kind: incoming.end_kind,
                edited: incoming.edited,
                received_at: incoming.received_at,
                ..existing
            };
            known.insert(merged.id.clone(), merged);
        } else {
            known.insert(existing.id.clone(), existing);
        }
        out.push(decision);
    }
    tx.commit().await?;
    Ok(out)
}
