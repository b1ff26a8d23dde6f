//! `SqlStore`: the one implementation of `Store`, over either backend. Queries are written once with `$n`
//! placeholders; the few dialect differences are explicit.
//!
//! - `accounts.rs`: metadata, accounts, one-time codes, sessions, captchas.
//! - `registry.rs`: checkpoints, staff, issuing keys, feed.
//! - `sync.rs`: visits, declarations, episodes, reports.
//! - `officers.rs`: cases, exposure windows, safety levels, quarantine, audit, aggregates, purge.
//! - `partitions.rs`: PostgreSQL's day partitions of visits (created ahead, dropped by the purge).

mod accounts;
mod officers;
mod partitions;
mod registry;
mod sync;

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::backend::{Backend, Dialect, Tx, migrate};
use super::{Row, StoreError, Upsert, Value, VisitRow};

type VisitJob = (Vec<VisitRow>, oneshot::Sender<Result<Vec<Upsert>, StoreError>>);

/// Visit writers running at once on PostgreSQL (`sync::combine_visits`): enough to keep its cores busy
/// while one of them waits for its commit, few enough to leave the pool to the requests' reads.
const VISIT_WRITERS_POSTGRES: usize = 4;

/// The store over a SQL backend.
#[derive(Debug, Clone)]
pub struct SqlStore {
    db: Arc<dyn Backend>,
    /// Visit uploads waiting to be written together (see `sync::combine_visits`).
    visits: mpsc::Sender<VisitJob>,
}

impl SqlStore {
    /// Wraps a backend and brings its schema up to date. Starts the visit-write combiner on the current
    /// tokio runtime.
    pub async fn new(db: Arc<dyn Backend>) -> Result<Self, StoreError> {
        migrate(db.as_ref()).await?;
        let (visits, rx) = mpsc::channel(1024);
        let writers = match db.dialect() {
            Dialect::Sqlite => 1,
            Dialect::Postgres => VISIT_WRITERS_POSTGRES,
        };
        tokio::spawn(sync::combine_visits(db.clone(), rx, writers));
        Ok(Self { db, visits })
    }

    /// Wraps a read-only backend (a standby) without touching its schema; checks that it answers.
    pub async fn read_only(db: Arc<dyn Backend>) -> Result<Self, StoreError> {
        db.query("SELECT 1", vec![]).await?;
        let (visits, rx) = mpsc::channel(1);
        tokio::spawn(sync::combine_visits(db.clone(), rx, 1));
        Ok(Self { db, visits })
    }

    /// The backend.
    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.db
    }

    fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    async fn query(&self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, StoreError> {
        self.db.query(sql, params).await
    }

    async fn query_opt(&self, sql: &str, params: Vec<Value>) -> Result<Option<Row>, StoreError> {
        Ok(self.db.query(sql, params).await?.into_iter().next())
    }

    /// Runs one write statement in its own transaction.
    async fn execute(&self, sql: &str, params: Vec<Value>) -> Result<u64, StoreError> {
        let mut tx = self.db.begin().await?;
        let n = tx.execute(sql, params).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn begin(&self) -> Result<Box<dyn Tx>, StoreError> {
        self.db.begin().await
    }
}

/// `$first, $first+1, …` for `n` values: the inside of an `IN (…)` list.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Appends a feed entry inside `tx` (which must hold the feed lock).
async fn append_feed(
    tx: &mut Box<dyn Tx>,
    kind: &str,
    key: &str,
    body: String,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO feed (kind, item_key, body, created_at) VALUES ($1, $2, $3, $4)",
        vec![kind.into(), key.into(), body.into(), now.into()],
    )
    .await?;
    Ok(())
}

fn first(rows: Vec<Row>) -> Result<Row, StoreError> {
    rows.into_iter().next().ok_or(StoreError::NotFound)
}
