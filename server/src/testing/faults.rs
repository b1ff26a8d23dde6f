//! A fault-injecting database backend: the real one (SQLite or PostgreSQL) underneath, and one chosen
//! storing step made to fail. A *storing step* is a statement that writes (`INSERT`, `UPDATE`, `DELETE`)
//! inside a write transaction, or the `COMMIT` of a transaction that ran one; the n-th one counted since the plan was armed fails, either
//! before it runs (the database never sees it) or after it ran (the database did it, the server hears an
//! error: a commit whose answer was lost). Reads are never made to fail: a failed read is a failed
//! request like any other, and the interesting cases are the half-done writes.
//!
//! Used by the end-to-end fault test (`tests/tests/e2e/faults.rs`): every record a device uploads must
//! reach the server exactly once after recovery, whichever step failed.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use async_trait::async_trait;

use crate::store::{
    Backend, Dialect, Postgres, Row, SqlStore, Sqlite, Store, StoreError, StoreUrl, Tx, Value,
};

/// When the chosen step fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultMode {
    /// The step is not run: the error comes instead of it.
    Before,
    /// The step runs, then the error comes (for a `COMMIT`: the transaction is committed).
    After,
}

/// Which storing step fails, shared by the test and the backend.
#[derive(Debug, Default)]
pub struct Faults {
    armed: AtomicBool,
    /// Storing steps counted since `arm`/`count`.
    seen: AtomicU64,
    /// The step (1-based) to fail; 0: none.
    target: AtomicU64,
    mode: Mutex<Option<FaultMode>>,
    fired: AtomicU64,
    /// The steps seen since the plan was armed, for the test's messages (statement's first words).
    log: Mutex<Vec<String>>,
    /// The backend underneath (never failing), for the test's own reads.
    plain: OnceLock<Arc<dyn Backend>>,
}

impl Faults {
    /// A plan that fails nothing and counts nothing.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Counts storing steps from now on without failing any (to learn how many a request makes).
    pub fn count(&self) {
        self.reset(0, None);
    }

    /// Fails the `step`-th storing step from now on (1-based), in `mode`; later steps run normally.
    pub fn arm(&self, step: u64, mode: FaultMode) {
        self.reset(step, Some(mode));
    }

    /// Stops counting and failing.
    pub fn disarm(&self) {
        self.armed.store(false, Ordering::SeqCst);
        self.target.store(0, Ordering::SeqCst);
    }

    /// The storing steps counted since the last `count`/`arm`.
    pub fn steps(&self) -> u64 {
        self.seen.load(Ordering::SeqCst)
    }

    /// How many faults were injected since the last `count`/`arm` (0 or 1).
    pub fn fired(&self) -> u64 {
        self.fired.load(Ordering::SeqCst)
    }

    /// The steps counted since the last `count`/`arm`, each as its statement's first words.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The ids of `table`'s rows whose id is one of `ids`, one entry per stored row (a record stored
    /// twice shows twice), read on the backend underneath (never failed).
    ///
    /// # Errors
    /// When the store was not opened through `open_faulty_store`, or the read fails.
    pub async fn stored_ids(&self, table: &str, ids: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, StoreError> {
        let db = self.plain.get().ok_or(StoreError::Config)?;
        let mut out = Vec::new();
        for id in ids {
            let rows = db
                .query(
                    &format!("SELECT id FROM {table} WHERE id = $1"),
                    vec![Value::Bytes(id.clone())],
                )
                .await?;
            for r in rows {
                out.push(r.bytes(0)?);
            }
        }
        Ok(out)
    }

    fn reset(&self, step: u64, mode: Option<FaultMode>) {
        self.armed.store(false, Ordering::SeqCst);
        self.seen.store(0, Ordering::SeqCst);
        self.fired.store(0, Ordering::SeqCst);
        if let Ok(mut l) = self.log.lock() {
            l.clear();
        }
        if let Ok(mut m) = self.mode.lock() {
            *m = mode;
        }
        self.target.store(step, Ordering::SeqCst);
        self.armed.store(true, Ordering::SeqCst);
    }

    /// Counts one storing step; `Some(mode)` when this one is to fail.
    fn step(&self, sql: &str) -> Option<FaultMode> {
        if !self.armed.load(Ordering::SeqCst) {
            return None;
        }
        let n = self.seen.fetch_add(1, Ordering::SeqCst) + 1;
        if let Ok(mut l) = self.log.lock() {
            l.push(sql.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
        }
        if n != self.target.load(Ordering::SeqCst) {
            return None;
        }
        self.fired.fetch_add(1, Ordering::SeqCst);
        self.mode.lock().ok().and_then(|m| *m)
    }
}

fn is_write(sql: &str) -> bool {
    let head = sql.trim_start().get(..6).unwrap_or_default().to_ascii_uppercase();
    matches!(head.as_str(), "INSERT" | "UPDATE" | "DELETE")
}

/// The injected error: what a lost connection or a failed disk looks like to the store.
fn fault() -> StoreError {
    StoreError::Unavailable
}

/// A backend that fails the storing step its `Faults` chooses.
#[derive(Debug)]
pub struct FaultyBackend {
    inner: Arc<dyn Backend>,
    faults: Arc<Faults>,
}

impl FaultyBackend {
    /// `inner`, with `faults` deciding which storing step fails.
    pub fn new(inner: Arc<dyn Backend>, faults: Arc<Faults>) -> Self {
        Self { inner, faults }
    }
}

#[async_trait]
impl Backend for FaultyBackend {
    fn dialect(&self) -> Dialect {
        self.inner.dialect()
    }

    async fn query(&self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, StoreError> {
        self.inner.query(sql, params).await
    }

    async fn begin(&self) -> Result<Box<dyn Tx>, StoreError> {
        Ok(Box::new(FaultyTx {
            inner: self.inner.begin().await?,
            faults: self.faults.clone(),
            wrote: false,
        }))
    }
}

struct FaultyTx {
    inner: Box<dyn Tx>,
    faults: Arc<Faults>,
    /// Whether a write statement ran in it: only then is its commit a storing step (the server's own
    /// schema work, such as creating day partitions, runs scripts and is not counted).
    wrote: bool,
}

#[async_trait]
impl Tx for FaultyTx {
    async fn query(&mut self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, StoreError> {
        let plan = if is_write(sql) {
            self.wrote = true;
            self.faults.step(sql)
        } else {
            None
        };
        match plan {
            Some(FaultMode::Before) => Err(fault()),
            Some(FaultMode::After) => self.inner.query(sql, params).await.and(Err(fault())),
            None => self.inner.query(sql, params).await,
        }
    }

    async fn execute(&mut self, sql: &str, params: Vec<Value>) -> Result<u64, StoreError> {
        let plan = if is_write(sql) {
            self.wrote = true;
            self.faults.step(sql)
        } else {
            None
        };
        match plan {
            Some(FaultMode::Before) => Err(fault()),
            Some(FaultMode::After) => self.inner.execute(sql, params).await.and(Err(fault())),
            None => self.inner.execute(sql, params).await,
        }
    }

    async fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.inner.batch(sql).await
    }

    async fn lock_feed(&mut self) -> Result<(), StoreError> {
        self.inner.lock_feed().await
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        let plan = if self.wrote {
            self.faults.step("COMMIT")
        } else {
            None
        };
        match plan {
            // Dropped without commit: rolled back.
            Some(FaultMode::Before) => Err(fault()),
            Some(FaultMode::After) => self.inner.commit().await.and(Err(fault())),
            None => self.inner.commit().await,
        }
    }
}

/// Opens the store at `url` (migrating it) on a backend whose storing steps `faults` may fail.
///
/// # Errors
/// As `open_store`.
pub async fn open_faulty_store(
    url: &StoreUrl,
    max_connections: usize,
    faults: Arc<Faults>,
) -> Result<Arc<dyn Store>, StoreError> {
    let inner: Arc<dyn Backend> = match url {
        StoreUrl::Sqlite(path) => Arc::new(Sqlite::open(path)?),
        StoreUrl::Postgres(url) => Arc::new(Postgres::connect(url, max_connections)?),
    };
    let _ = faults.plain.set(inner.clone());
    Ok(Arc::new(
        SqlStore::new(Arc::new(FaultyBackend::new(inner, faults))).await?,
    ))
}
