use async_trait::async_trait;

use super::{SqlStore, first, placeholders};
use crate::store::api::AccountStore;
use crate::store::types::*;
use crate::store::{Dialect, Row, StoreError, Value, params};

type R<T> = Result<T, StoreError>;

const ACCOUNT_COLS: &str = "id, phone_hash, phone_sealed, subject, is_admin, created_at";

fn account(r: &Row) -> R<AccountRow> {
    Ok(AccountRow {
        id: r.i64(0)?,
        phone_hash: r.bytes(1)?,
        phone_sealed: r.bytes(2)?,
        subject: r.bytes(3)?,
        is_admin: r.bool(4)?,
        created_at: r.i64(5)?,
    })
}

#[async_trait]
impl AccountStore for SqlStore {
    fn kind(&self) -> &'static str {
        match self.dialect() {
            crate::store::Dialect::Sqlite => "sqlite",
            crate::store::Dialect::Postgres => "postgres",
        }
    }

    async fn ping(&self) -> R<()> {
        self.query("SELECT 1", vec![]).await.map(|_| ())
    }

    async fn meta(&self, key: &str) -> R<Option<Vec<u8>>> {
        self.query_opt("SELECT value FROM meta WHERE key = $1", params![key])
            .await?
            .map(|r| r.bytes(0))
            .transpose()
    }

    async fn meta_insert_or_get(&self, key: &str, value: Vec<u8>) -> R<Vec<u8>> {
        let mut tx = self.begin().await?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            params![key, value],
        )
        .await?;
        let row = first(
            tx.query("SELECT value FROM meta WHERE key = $1", params![key])
                .await?,
        )?;
        tx.commit().await?;
        row.bytes(0)
    }

    async fn account_for_phone(
        &self,
        phone_hash: &[u8],
        phone_sealed: Vec<u8>,
        subject: Vec<u8>,
        now: Millis,
    ) -> R<AccountRow> {
        let mut tx = self.begin().await?;
        tx.execute(
            "INSERT INTO accounts (phone_hash, phone_sealed, subject, is_admin, created_at) \
             VALUES ($1, $2, $3, FALSE, $4) ON CONFLICT (phone_hash) DO NOTHING",
            params![phone_hash, phone_sealed, subject, now],
        )
        .await?;
        let sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE phone_hash = $1");
        let row = first(tx.query(&sql, params![phone_hash]).await?)?;
        tx.commit().await?;
        account(&row)
    }

    async fn account_by_phone(&self, phone_hash: &[u8]) -> R<Option<AccountRow>> {
        let sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE phone_hash = $1");
        self.query_opt(&sql, params![phone_hash])
            .await?
            .as_ref()
            .map(account)
            .transpose()
    }

    async fn account(&self, id: i64) -> R<Option<AccountRow>> {
        let sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE id = $1");
        self.query_opt(&sql, params![id])
            .await?
            .as_ref()
            .map(account)
            .transpose()
    }

    async fn account_by_subject(&self, subject: &[u8]) -> R<Option<AccountRow>> {
        let sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE subject = $1");
        self.query_opt(&sql, params![subject])
            .await?
            .as_ref()
            .map(account)
            .transpose()
    }

    async fn accounts_by_subjects(&self, subjects: &[Vec<u8>]) -> R<Vec<AccountRow>> {
        let mut out = Vec::with_capacity(subjects.len());
        for chunk in subjects.chunks(500) {
            let sql = format!(
                "SELECT {ACCOUNT_COLS} FROM accounts WHERE subject IN ({})",
                placeholders(1, chunk.len())
            );
            let p = chunk.iter().map(|s| Value::Bytes(s.clone())).collect();
            for r in self.query(&sql, p).await? {
                out.push(account(&r)?);
            }
        }
        Ok(out)
    }

    async fn set_admin(&self, id: i64, admin: bool) -> R<()> {
        let n = self
            .execute(
                "UPDATE accounts SET is_admin = $2 WHERE id = $1",
                params![id, admin],
            )
            .await?;
        if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn set_scopes(&self, id: i64, scopes: &[Scope]) -> R<()> {
        let mut tx = self.begin().await?;
        tx.execute("DELETE FROM officer_scopes WHERE account_id = $1", params![id])
            .await?;
        for s in scopes {
            tx.execute(
                "INSERT INTO officer_scopes (account_id, province, ward) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                params![id, s.province, s.ward],
            )
            .await?;
        }
        tx.commit().await
    }

    async fn scopes(&self, id: i64) -> R<Vec<Scope>> {
        let rows = self
            .query(
                "SELECT province, ward FROM officer_scopes WHERE account_id = $1 ORDER BY province, ward",
                params![id],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Scope {
                    province: r.i64(0)?,
                    ward: r.i64(1)?,
                })
            })
            .collect()
    }

    async fn delete_account_data(&self, account: &AccountRow) -> R<AccountDeletion> {
        let id = account.id;
        let mut tx = self.begin().await?;
        let reports = tx
            .execute("DELETE FROM reports WHERE account_id = $1", params![id])
            .await?;
        let episodes = tx
            .execute("DELETE FROM episodes WHERE account_id = $1", params![id])
            .await?;
        let pseudonyms = tx
            .execute("DELETE FROM pseudonyms WHERE account_id = $1", params![id])
            .await?;
        let declarations = tx
            .execute("DELETE FROM declarations WHERE account_id = $1", params![id])
            .await?;
        if self.dialect() == Dialect::Postgres {
            tx.execute(
                "DELETE FROM visit_keys WHERE id IN \
                 (SELECT id FROM visits WHERE account_id = $1 OR subject = $2)",
                params![id, account.subject.clone()],
            )
            .await?;
        }
        let visits = tx
            .execute(
                "DELETE FROM visits WHERE account_id = $1 OR subject = $2",
                params![id, account.subject.clone()],
            )
            .await?;
        let sessions = tx
            .execute("DELETE FROM sessions WHERE account_id = $1", params![id])
            .await?;
        tx.execute(
            "DELETE FROM otp_challenges WHERE phone_hash = $1",
            params![account.phone_hash.clone()],
        )
        .await?;
        let roles = first(
            tx.query(
                "SELECT \
                   (SELECT COUNT(*) FROM checkpoints WHERE manager_id = $1) \
                 + (SELECT COUNT(*) FROM officer_scopes WHERE account_id = $1) \
                 + (SELECT COUNT(*) FROM cases WHERE officer_id = $1) \
                 + (SELECT COUNT(*) FROM accounts WHERE id = $1 AND is_admin)",
                params![id],
            )
            .await?,
        )?
        .i64(0)?;
        let account_removed = roles == 0
            && tx
                .execute("DELETE FROM accounts WHERE id = $1", params![id])
                .await?
                == 1;
        tx.commit().await?;
        Ok(AccountDeletion {
            declarations,
            visits,
            episodes,
            reports,
            pseudonyms,
            sessions,
            account_removed,
        })
    }

    async fn take_limits(&self, takes: &[LimitTake]) -> R<Option<usize>> {
        let mut tx = self.begin().await?;
        for (i, t) in takes.iter().enumerate() {
            if t.max <= 0 {
                return Ok(Some(i));
            }
            // The row is locked by the upsert until the transaction ends (PostgreSQL), or the whole
            // database is (SQLite's one writer): the check and the increment are one step.
            let rows = tx
                .query(
                    "INSERT INTO rate_counters (bucket, window_start, hits) VALUES ($1, $2, 1) \
                     ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + 1 \
                     WHERE rate_counters.hits < $3 RETURNING hits",
                    params![t.bucket.clone(), t.window_start, t.max],
                )
                .await?;
            if rows.is_empty() {
                // Dropped without a commit: the counters taken before this one roll back.
                return Ok(Some(i));
            }
        }
        tx.commit().await?;
        Ok(None)
    }

    async fn insert_otp(&self, otp: NewOtp) -> R<i64> {
        let mut tx = self.begin().await?;
        let row = first(
            tx.query(
                "INSERT INTO otp_challenges (phone_hash, client_hash, code_hash, created_at, expires_at, attempts, used) \
                 VALUES ($1, $2, $3, $4, $5, 0, FALSE) RETURNING id",
                params![otp.phone_hash, otp.client_hash, otp.code_hash, otp.created_at, otp.expires_at],
            )
            .await?,
        )?;
        tx.commit().await?;
        row.i64(0)
    }

    async fn latest_otp(&self, phone_hash: &[u8]) -> R<Option<OtpRow>> {
        let row = self
            .query_opt(
                "SELECT id, code_hash, expires_at, attempts, used FROM otp_challenges \
                 WHERE phone_hash = $1 ORDER BY id DESC LIMIT 1",
                params![phone_hash],
            )
            .await?;
        row.map(|r| {
            Ok(OtpRow {
                id: r.i64(0)?,
                code_hash: r.bytes(1)?,
                expires_at: r.i64(2)?,
                attempts: r.i64(3)?,
                used: r.bool(4)?,
            })
        })
        .transpose()
    }

    async fn otp_take_attempt(&self, id: i64, max_attempts: i64, now: Millis) -> R<bool> {
        let n = self
            .execute(
                "UPDATE otp_challenges SET attempts = attempts + 1 \
                 WHERE id = $1 AND NOT used AND attempts < $2 AND expires_at > $3",
                params![id, max_attempts, now],
            )
            .await?;
        Ok(n == 1)
    }

    async fn otp_mark_used(&self, id: i64) -> R<bool> {
        let n = self
            .execute(
                "UPDATE otp_challenges SET used = TRUE WHERE id = $1 AND NOT used",
                params![id],
            )
            .await?;
        Ok(n == 1)
    }

    async fn insert_session(
        &self,
        token_hash: &[u8],
        account_id: i64,
        now: Millis,
        expires_at: Millis,
    ) -> R<()> {
        self.execute(
            "INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            params![token_hash, account_id, now, expires_at],
        )
        .await
        .map(|_| ())
    }

    async fn session_account(&self, token_hash: &[u8], now: Millis) -> R<Option<i64>> {
        self.query_opt(
            "SELECT account_id FROM sessions WHERE token_hash = $1 AND expires_at > $2",
            params![token_hash, now],
        )
        .await?
        .map(|r| r.i64(0))
        .transpose()
    }

    async fn delete_session(&self, token_hash: &[u8]) -> R<bool> {
        Ok(self
            .execute("DELETE FROM sessions WHERE token_hash = $1", params![token_hash])
            .await?
            > 0)
    }

    async fn delete_sessions_of(&self, account_id: i64) -> R<u64> {
        self.execute("DELETE FROM sessions WHERE account_id = $1", params![account_id])
            .await
    }

    async fn insert_captcha(&self, id: &[u8], answer_hash: &[u8], expires_at: Millis) -> R<()> {
        self.execute(
            "INSERT INTO captchas (id, answer_hash, expires_at, used) VALUES ($1, $2, $3, FALSE)",
            params![id, answer_hash, expires_at],
        )
        .await
        .map(|_| ())
    }

    async fn take_captcha(&self, id: &[u8], now: Millis) -> R<Option<Vec<u8>>> {
        let mut tx = self.begin().await?;
        let rows = tx
            .query(
                "UPDATE captchas SET used = TRUE WHERE id = $1 AND NOT used AND expires_at > $2 RETURNING answer_hash",
                params![id, now],
            )
            .await?;
        tx.commit().await?;
        rows.first().map(|r| r.bytes(0)).transpose()
    }
}
