//! What `SqlStore` needs from a database: queries with `Value` parameters, interactive transactions, and
//! the dialect's migrations. Implemented by `Sqlite` (rusqlite on worker threads) and `Postgres`
//! (tokio-postgres through a deadpool pool).

use async_trait::async_trait;

use super::{Row, StoreError, Value};

/// The SQL dialect, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Dialect {
    /// The numbered migrations of this dialect, oldest first.
    pub fn migrations(self) -> &'static [(i64, &'static str)] {
        match self {
            Self::Sqlite => &[
                (1, include_str!("../../migrations/sqlite/0001_init.sql")),
                (
                    2,
                    include_str!("../../migrations/sqlite/0002_covering_visit_indexes.sql"),
                ),
                (
                    3,
                    include_str!("../../migrations/sqlite/0003_official_ward_codes.sql"),
                ),
                (4, include_str!("../../migrations/sqlite/0004_rate_counters.sql")),
                (5, include_str!("../../migrations/sqlite/0005_visit_person.sql")),
                (6, include_str!("../../migrations/sqlite/0006_scan_binding.sql")),
            ],
            Self::Postgres => &[
                (1, include_str!("../../migrations/postgres/0001_init.sql")),
                (
                    2,
                    include_str!("../../migrations/postgres/0002_covering_visit_indexes.sql"),
                ),
                (
                    3,
                    include_str!("../../migrations/postgres/0003_official_ward_codes.sql"),
                ),
                (
                    4,
                    include_str!("../../migrations/postgres/0004_rate_counters.sql"),
                ),
                (5, include_str!("../../migrations/postgres/0005_visit_person.sql")),
                (6, include_str!("../../migrations/postgres/0006_scan_binding.sql")),
                (
                    7,
                    include_str!("../../migrations/postgres/0007_visits_by_day.sql"),
                ),
                (8, include_str!("../../migrations/postgres/0008_visit_keys.sql")),
            ],
        }
    }
}

/// A database connection source. SQL uses PostgreSQL-style `$1` placeholders in both dialects.
#[async_trait]
pub trait Backend: Send + Sync + std::fmt::Debug + 'static {
    /// Which dialect this backend speaks.
    fn dialect(&self) -> Dialect;
    /// Runs one read-only statement outside any transaction.
    async fn query(&self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, StoreError>;
    /// Starts a write transaction. Dropping it without `commit` rolls it back.
    async fn begin(&self) -> Result<Box<dyn Tx>, StoreError>;
}

/// An open write transaction.
#[async_trait]
pub trait Tx: Send {
    /// Runs a statement that returns rows.
    async fn query(&mut self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, StoreError>;
    /// Runs a statement and returns the number of rows it changed.
    async fn execute(&mut self, sql: &str, params: Vec<Value>) -> Result<u64, StoreError>;
    /// Runs a script of statements without parameters (migrations).
    async fn batch(&mut self, sql: &str) -> Result<(), StoreError>;
    /// Serialises writers of the download feed until this transaction ends, so that the feed's sequence
    /// numbers are committed in order (a reader never sees seq N+1 before N).
    async fn lock_feed(&mut self) -> Result<(), StoreError>;
    /// Commits.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// Brings the schema up to date: applies every numbered migration not yet recorded.
pub async fn migrate(backend: &dyn Backend) -> Result<(), StoreError> {
    let mut tx = backend.begin().await?;
    tx.lock_feed().await?;
    tx.batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied BIGINT NOT NULL)",
    )
    .await?;
    let applied = tx.query("SELECT version FROM schema_migrations", vec![]).await?;
    let applied: Vec<i64> = applied.iter().map(|r| r.i64(0)).collect::<Result<_, _>>()?;
    for (version, sql) in backend.dialect().migrations() {
        if applied.contains(version) {
            continue;
        }
        tx.batch(sql).await?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied) VALUES ($1, 1)",
            vec![Value::I64(*version)],
        )
        .await?;
    }
    tx.commit().await
}
