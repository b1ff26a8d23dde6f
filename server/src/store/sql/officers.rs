use async_trait::async_trait;
use tokhai_core::protocol::{FeedKind, SafetyLevelEntry};

use super::{SqlStore, append_feed, first};
use crate::feed;
use crate::store::api::OfficerStore;
use crate::store::types::*;
use crate::store::{Dialect, Row, StoreError, params};

type R<T> = Result<T, StoreError>;

const DAY_MS: i64 = 86_400_000;

fn case(r: &Row) -> R<CaseRow> {
    Ok(CaseRow {
        id: r.i64(0)?,
        officer_id: r.i64(1)?,
        subject: r.bytes(2)?,
        province: r.i64(3)?,
        ward: r.i64(4)?,
        test_day: r.i64(5)?,
        onset_day: r.opt_i64(6)?,
        created_at: r.i64(7)?,
    })
}

#[async_trait]
impl OfficerStore for SqlStore {
    async fn insert_case(&self, c: CaseRow, same_infection_days: i64) -> R<Result<CaseRow, i64>> {
        let mut tx = self.begin().await?;
        // Case writers are rare: the feed's lock serialises them too (SQLite: the write lock).
        tx.lock_feed().await?;
        let existing = tx
            .query(
                "SELECT id FROM cases WHERE subject = $1 AND test_day > $2 AND test_day < $3 ORDER BY id LIMIT 1",
                params![
                    c.subject.clone(),
                    c.test_day - same_infection_days,
                    c.test_day + same_infection_days
                ],
            )
            .await?;
        if let Some(row) = existing.first() {
            return Ok(Err(row.i64(0)?));
        }
        let id = first(
            tx.query(
                "INSERT INTO cases (officer_id, subject, province, ward, test_day, onset_day, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                params![
                    c.officer_id,
                    c.subject.clone(),
                    c.province,
                    c.ward,
                    c.test_day,
                    c.onset_day,
                    c.created_at
                ],
            )
            .await?,
        )?
        .i64(0)?;
        tx.commit().await?;
        Ok(Ok(CaseRow { id, ..c }))
    }

    async fn case(&self, id: i64) -> R<Option<CaseRow>> {
        self.query_opt(
            "SELECT id, officer_id, subject, province, ward, test_day, onset_day, created_at FROM cases WHERE id = $1",
            params![id],
        )
        .await?
        .as_ref()
        .map(case)
        .transpose()
    }

    async fn cases_of_subject(&self, subject: &[u8]) -> R<Vec<CaseRow>> {
        self.query(
            "SELECT id, officer_id, subject, province, ward, test_day, onset_day, created_at FROM cases \
             WHERE subject = $1 ORDER BY id",
            params![subject.to_vec()],
        )
        .await?
        .iter()
        .map(case)
        .collect()
    }

    async fn insert_exposure(&self, e: ExposureRow) -> R<ExposureRow> {
        let mut tx = self.begin().await?;
        tx.lock_feed().await?;
        let id = first(
            tx.query(
                "INSERT INTO exposures (case_id, checkpoint_id, starts_at, ends_at, advice, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                params![
                    e.case_id,
                    e.checkpoint_id,
                    e.starts_at,
                    e.ends_at,
                    e.advice.clone(),
                    e.created_at
                ],
            )
            .await?,
        )?
        .i64(0)?;
        let row = ExposureRow { id, ..e };
        append_feed(
            &mut tx,
            FeedKind::Exposure.as_str(),
            &id.to_string(),
            feed::body(&feed::exposure_entry(&row)),
            row.created_at,
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn set_safety_level(
        &self,
        province: i64,
        ward: i64,
        level: i64,
        officer_id: i64,
        now: Millis,
    ) -> R<()> {
        let mut tx = self.begin().await?;
        tx.lock_feed().await?;
        tx.execute(
            "INSERT INTO safety_levels (ward, province, level, officer_id, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (ward) DO UPDATE SET province = $2, level = $3, officer_id = $4, updated_at = $5",
            params![ward, province, level, officer_id, now],
        )
        .await?;
        let entry = SafetyLevelEntry {
            province,
            ward,
            level,
            updated_at: feed::ts(now),
        };
        append_feed(
            &mut tx,
            FeedKind::SafetyLevel.as_str(),
            &ward.to_string(),
            feed::body(&entry),
            now,
        )
        .await?;
        tx.commit().await
    }

    async fn quarantine_status(&self, scope: Scope, day: i64) -> R<Vec<EpisodeStatus>> {
        let rows = self
            .query(
                "SELECT e.id, e.account_id, e.person_id, e.kind, e.province, e.ward, e.start_day, e.expected_end_day, \
                 e.ended_on, e.utc_offset_minutes, e.sealed, e.received_at, \
                 (SELECT MAX(r.day) FROM reports r WHERE r.episode_id = e.id), \
                 (SELECT COUNT(*) FROM reports r WHERE r.episode_id = e.id AND r.has_symptoms) \
                 FROM episodes e WHERE e.province = $1 AND (e.ward = $2 OR $2 = 0) AND e.start_day <= $3 \
                 AND COALESCE(e.ended_on, e.expected_end_day) >= $3 ORDER BY e.start_day, e.id",
                params![scope.province, scope.ward, day],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(EpisodeStatus {
                    episode: EpisodeRow {
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
                    },
                    last_report_day: r.opt_i64(12)?,
                    symptomatic_reports: r.i64(13)?,
                })
            })
            .collect()
    }

    async fn change_scope(&self, account_id: i64, scope: Scope, grant: bool, a: AuditRow) -> R<bool> {
        let mut tx = self.begin().await?;
        let sql = if grant {
            "INSERT INTO officer_scopes (account_id, province, ward) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM officer_scopes WHERE account_id = $1 AND province = $2 AND ward = $3"
        };
        let changed = tx
            .execute(sql, params![account_id, scope.province, scope.ward])
            .await?
            > 0;
        if changed {
            tx.execute(
                "INSERT INTO audit_log (at, officer_id, case_id, action, purpose, row_count) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                params![a.at, a.officer_id, a.case_id, a.action, a.purpose, a.rows],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn append_audit(&self, a: AuditRow) -> R<i64> {
        let mut tx = self.begin().await?;
        let id = first(
            tx.query(
                "INSERT INTO audit_log (at, officer_id, case_id, action, purpose, row_count) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                params![a.at, a.officer_id, a.case_id, a.action, a.purpose, a.rows],
            )
            .await?,
        )?
        .i64(0)?;
        tx.commit().await?;
        Ok(id)
    }

    async fn safety_levels(&self) -> R<Vec<(i64, i64, i64, Millis)>> {
        let rows = self
            .query(
                "SELECT province, ward, level, updated_at FROM safety_levels ORDER BY province, ward",
                params![],
            )
            .await?;
        rows.iter()
            .map(|r| Ok((r.i64(0)?, r.i64(1)?, r.i64(2)?, r.i64(3)?)))
            .collect()
    }

    async fn audit_log(&self, after: i64, limit: i64) -> R<Vec<AuditRow>> {
        let rows = self
            .query(
                "SELECT id, at, officer_id, case_id, action, purpose, row_count FROM audit_log WHERE id > $1 \
                 ORDER BY id LIMIT $2",
                params![after, limit],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRow {
                    id: r.i64(0)?,
                    at: r.i64(1)?,
                    officer_id: r.i64(2)?,
                    case_id: r.opt_i64(3)?,
                    action: r.text(4)?,
                    purpose: r.text(5)?,
                    rows: r.i64(6)?,
                })
            })
            .collect()
    }

    async fn aggregates(
        &self,
        scope: Scope,
        from: Millis,
        to: Millis,
        utc_offset_minutes: i64,
    ) -> R<Vec<AggregateRow>> {
        let offset = utc_offset_minutes * 60_000;
        let rows = self
            .query(
                "SELECT day, province, ward, CAST(SUM(decl) AS BIGINT), CAST(SUM(sym) AS BIGINT), \
                 CAST(SUM(ci) AS BIGINT), CAST(SUM(act) AS BIGINT) FROM ( \
                   SELECT (declared_at + $5) / $6 AS day, province, ward, 1 AS decl, \
                          CASE WHEN has_symptoms THEN 1 ELSE 0 END AS sym, 0 AS ci, 0 AS act \
                   FROM declarations WHERE declared_at >= $1 AND declared_at < $2 AND province = $3 \
                        AND (ward = $4 OR $4 = 0) \
                   UNION ALL \
                   SELECT day, province, ward, 0, 0, COUNT(*), 1 FROM ( \
                     SELECT (v.checked_in_at + $5) / $6 AS day, c.province AS province, c.ward AS ward, \
                            v.checkpoint_id AS cp \
                     FROM visits v JOIN checkpoints c ON c.id = v.checkpoint_id \
                     WHERE v.checked_in_at >= $1 AND v.checked_in_at < $2 AND c.province = $3 \
                           AND (c.ward = $4 OR $4 = 0)) per_visit \
                   GROUP BY day, province, ward, cp \
                 ) counts GROUP BY day, province, ward ORDER BY day, province, ward",
                params![from, to, scope.province, scope.ward, offset, DAY_MS],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AggregateRow {
                    day: r.i64(0)?,
                    province: r.i64(1)?,
                    ward: r.i64(2)?,
                    declarations: r.i64(3)?,
                    with_symptoms: r.i64(4)?,
                    check_ins: r.i64(5)?,
                    active_checkpoints: r.i64(6)?,
                })
            })
            .collect()
    }

    async fn purge(&self, cutoff: Millis, now: Millis) -> R<PurgeCounts> {
        let cutoff_day = cutoff.div_euclid(DAY_MS);
        let pg_visits = match self.dialect() {
            Dialect::Postgres => Some(super::partitions::purge_visits(self.db.as_ref(), cutoff).await?),
            Dialect::Sqlite => None,
        };
        let mut tx = self.begin().await?;
        tx.lock_feed().await?;
        let visits = match pg_visits {
            Some(n) => n,
            None => {
                tx.execute("DELETE FROM visits WHERE ends_at < $1", params![cutoff])
                    .await?
            }
        };
        let declarations = tx
            .execute("DELETE FROM declarations WHERE declared_at < $1", params![cutoff])
            .await?;
        let reports = tx
            .execute("DELETE FROM reports WHERE reported_at < $1", params![cutoff])
            .await?;
        tx.execute("DELETE FROM pseudonyms WHERE signed_at < $1", params![cutoff])
            .await?;
        let episodes = tx
            .execute(
                "DELETE FROM episodes WHERE COALESCE(ended_on, expected_end_day) < $1",
                params![cutoff_day],
            )
            .await?;
        let mut expired = tx
            .execute(
                "DELETE FROM otp_challenges WHERE created_at < $1",
                params![now - DAY_MS],
            )
            .await?;
        expired += tx
            .execute("DELETE FROM captchas WHERE expires_at < $1", params![now])
            .await?;
        // Rate-limit windows are an hour at most; a day back keeps nothing that still counts.
        expired += tx
            .execute(
                "DELETE FROM rate_counters WHERE window_start < $1",
                params![now - DAY_MS],
            )
            .await?;
        expired += tx
            .execute("DELETE FROM sessions WHERE expires_at < $1", params![now])
            .await?;
        tx.execute("DELETE FROM exposures WHERE ends_at < $1", params![cutoff])
            .await?;
        tx.execute(
            "DELETE FROM feed WHERE kind = $1 AND created_at < $2",
            params![FeedKind::Exposure.as_str(), cutoff],
        )
        .await?;
        tx.commit().await?;
        Ok(PurgeCounts {
            visits,
            declarations,
            reports,
            episodes,
            expired,
        })
    }

    async fn prepare_partitions(&self, from: Millis, to: Millis) -> R<u64> {
        match self.dialect() {
            Dialect::Postgres => super::partitions::prepare(self.db.as_ref(), from, to).await,
            Dialect::Sqlite => Ok(0),
        }
    }

    async fn freshness(&self) -> R<Option<Freshness>> {
        if self.dialect() == Dialect::Sqlite {
            return Ok(None);
        }
        let row = first(
            self.query(
                "SELECT pg_is_in_recovery(), \
                 CAST(EXTRACT(EPOCH FROM pg_last_xact_replay_timestamp()) * 1000 AS BIGINT), \
                 COALESCE(pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn(), TRUE), \
                 CAST(EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp())) * 1000 AS BIGINT)",
                vec![],
            )
            .await?,
        )?;
        if !row.bool(0)? {
            return Ok(None);
        }
        Ok(Some(Freshness {
            replayed_at: row.opt_i64(1)?,
            caught_up: row.bool(2)?,
            lag_ms: row.opt_i64(3)?,
        }))
    }
}
