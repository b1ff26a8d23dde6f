//! The embedded SQLite backend: rusqlite connections on dedicated threads (one writer, a few readers),
//! WAL mode, `synchronous=FULL`, one transaction per write. WAL checkpoints run on a thread of their own
//! (`Checkpointer`), so that a commit never waits for pages to be copied back into the database file.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use async_trait::async_trait;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags};
use tokio::sync::oneshot;

use super::backend::{Backend, Dialect, Tx};
use super::{Row, StoreError, Value};

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// A connection living on its own thread.
#[derive(Debug)]
struct Worker {
    jobs: mpsc::Sender<Job>,
}

impl Worker {
    fn start(conn: Connection, name: &str) -> Result<Self, StoreError> {
        let (jobs, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let mut conn = conn;
                while let Ok(job) = rx.recv() {
                    job(&mut conn);
                }
            })
            .map_err(|_| StoreError::Unavailable)?;
        Ok(Self { jobs })
    }

    async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Box::new(move |conn| {
                let _ = tx.send(f(conn));
            }))
            .map_err(|_| StoreError::Unavailable)?;
        rx.await.map_err(|_| StoreError::Unavailable)?
    }
}

/// The SQLite backend.
#[derive(Debug)]
pub struct Sqlite {
    path: PathBuf,
    writer: Worker,
    readers: Vec<Worker>,
    next_reader: AtomicUsize,
    /// Wakes the checkpoint thread after a commit; dropping every copy stops it.
    checkpoint: mpsc::SyncSender<()>,
}

const READERS: usize = 2;
/// Page cache per connection, in KiB (SQLite's default is 2 MiB).
const CACHE_KIB: i64 = 32 * 1024;

/// Starts the checkpoint thread: after each commit (signalled through the returned sender, which never
/// blocks) it runs `PRAGMA wal_checkpoint(PASSIVE)` on its own connection, until every sender is gone.
/// A passive checkpoint never blocks the writer or the readers: it copies what no reader still needs,
/// and the WAL restarts from its beginning once everything has been copied. The writer's own automatic
/// checkpoint is off, so a commit costs the WAL append and its `fsync` only, while the database file is
/// written and synced here, a commit's worth at a time, alongside the next transaction. (With SQLite's
/// default, the commit that crosses 1,000 WAL pages copies them itself, which at 50 visits per request
/// was most commits, and the slowest ones.)
fn start_checkpointer(path: &Path) -> Result<mpsc::SyncSender<()>, StoreError> {
    let conn = open_conn(path, false)?;
    let (signal, rx) = mpsc::sync_channel::<()>(1);
    std::thread::Builder::new()
        .name("tokhai-sqlite-ckpt".to_owned())
        .spawn(move || {
            while rx.recv().is_ok() {
                // Busy (another checkpoint) or failed: the next commit tries again; nothing is lost.
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            }
        })
        .map_err(|_| StoreError::Unavailable)?;
    Ok(signal)
}

impl Sqlite {
    /// Opens (creating if needed) the database file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        private_file(path).map_err(|_| StoreError::Unavailable)?;
        let writer = open_conn(path, true)?;
        // Checkpoints are the checkpoint thread's job (`start_checkpointer`).
        writer
            .pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(map_err)?;
        // After a restart the WAL file is cut back to this size (bytes) rather than kept at its peak.
        writer
            .pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)
            .map_err(map_err)?;
        let writer = Worker::start(writer, "tokhai-sqlite-w")?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            readers.push(Worker::start(open_conn(path, false)?, "tokhai-sqlite-r")?);
        }
        Ok(Self {
            path: path.to_owned(),
            writer,
            readers,
            next_reader: AtomicUsize::new(0),
            checkpoint: start_checkpointer(path)?,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Creates the database's folder (0700) and file (0600) for the server's user only, before SQLite opens
/// it: SQLite gives its WAL and shared-memory files the database file's permissions. An existing
/// folder or file keeps what it has (an operator's choice).
fn private_file(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
        && !dir.exists()
    {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt as _;
            b.mode(0o700);
        }
        b.create(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    opts.open(path).map(drop)
}

fn open_conn(path: &Path, write: bool) -> Result<Connection, StoreError> {
    let flags =
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(map_err)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(map_err)?;
    conn.set_prepared_statement_cache_capacity(128);
    if write {
        conn.pragma_update(None, "journal_mode", "WAL").map_err(map_err)?;
    }
    conn.pragma_update(None, "synchronous", "FULL").map_err(map_err)?;
    conn.pragma_update(None, "cache_size", -CACHE_KIB)
        .map_err(map_err)?;
    // Sorting and grouping (tracing sums per person) in memory, not in temporary files.
    conn.pragma_update(None, "temp_store", "MEMORY")
        .map_err(map_err)?;
    conn.pragma_update(None, "foreign_keys", "ON").map_err(map_err)?;
    // Deleted personal data is overwritten, not left in free pages.
    conn.pragma_update(None, "secure_delete", "ON").map_err(map_err)?;
    Ok(conn)
}

fn map_err(e: rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            StoreError::Conflict
        }
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ) =>
        {
            StoreError::Unavailable
        }
        // The message may quote SQL but never parameter values; keep only the category.
        other => StoreError::Backend(sqlite_category(&other)),
    }
}

fn sqlite_category(e: &rusqlite::Error) -> &'static str {
    match e {
        rusqlite::Error::SqliteFailure(..) => "sqlite failure",
        rusqlite::Error::InvalidColumnType(..) => "sqlite column type",
        rusqlite::Error::InvalidParameterCount(..) => "sqlite parameter count",
        _ => "sqlite error",
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::I64(v) => ValueRef::Integer(*v),
            Value::F64(v) => ValueRef::Real(*v),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Bytes(b) => ValueRef::Blob(b),
            Value::Bool(b) => ValueRef::Integer(i64::from(*b)),
        }))
    }
}

/// SQL is written with `$n` placeholders; SQLite reads `?n` the same way.
fn translate(sql: &str) -> String {
    sql.replace('$', "?")
}

fn run_query(conn: &Connection, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
    let mut stmt = conn.prepare_cached(&translate(sql)).map_err(map_err)?;
    let n = stmt.column_count();
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params.iter()))
        .map_err(map_err)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(map_err)? {
        let mut values = Vec::with_capacity(n);
        for i in 0..n {
            values.push(match row.get_ref(i).map_err(map_err)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(v) => Value::I64(v),
                ValueRef::Real(v) => Value::F64(v),
                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
            });
        }
        out.push(Row(values));
    }
    Ok(out)
}

fn run_execute(conn: &Connection, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
    let mut stmt = conn.prepare_cached(&translate(sql)).map_err(map_err)?;
    let n = stmt
        .execute(rusqlite::params_from_iter(params.iter()))
        .map_err(map_err)?;
    Ok(n as u64)
}

enum TxMsg {
    Query(String, Vec<Value>, oneshot::Sender<Result<Vec<Row>, StoreError>>),
    Execute(String, Vec<Value>, oneshot::Sender<Result<u64, StoreError>>),
    Batch(String, oneshot::Sender<Result<(), StoreError>>),
    Commit(oneshot::Sender<Result<(), StoreError>>),
}

/// A transaction running on the writer thread; the thread serves this transaction's statements until it
/// is committed or its handle is dropped (then it rolls back).
struct SqliteTx {
    msgs: mpsc::Sender<TxMsg>,
}

#[async_trait]
impl Backend for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    async fn query(&self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, StoreError> {
        let i = self.next_reader.fetch_add(1, Ordering::Relaxed) % READERS;
        let worker = self.readers.get(i).unwrap_or(&self.writer);
        let sql = sql.to_owned();
        worker.call(move |conn| run_query(conn, &sql, &params)).await
    }

    async fn begin(&self) -> Result<Box<dyn Tx>, StoreError> {
        let (msgs, rx) = mpsc::channel::<TxMsg>();
        let (started_tx, started_rx) = oneshot::channel();
        let checkpoint = self.checkpoint.clone();
        self.writer
            .jobs
            .send(Box::new(move |conn| serve_tx(conn, &rx, started_tx, &checkpoint)))
            .map_err(|_| StoreError::Unavailable)?;
        started_rx.await.map_err(|_| StoreError::Unavailable)??;
        Ok(Box::new(SqliteTx { msgs }))
    }
}

fn serve_tx(
    conn: &mut Connection,
    rx: &mpsc::Receiver<TxMsg>,
    started: oneshot::Sender<Result<(), StoreError>>,
    checkpoint: &mpsc::SyncSender<()>,
) {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        let _ = started.send(Err(map_err(e)));
        return;
    }
    let _ = started.send(Ok(()));
    while let Ok(msg) = rx.recv() {
        match msg {
            TxMsg::Query(sql, params, reply) => {
                let _ = reply.send(run_query(conn, &sql, &params));
            }
            TxMsg::Execute(sql, params, reply) => {
                let _ = reply.send(run_execute(conn, &sql, &params));
            }
            TxMsg::Batch(sql, reply) => {
                let _ = reply.send(conn.execute_batch(&sql).map_err(map_err));
            }
            TxMsg::Commit(reply) => {
                let result = conn.execute_batch("COMMIT").map_err(map_err);
                if result.is_err() {
                    let _ = conn.execute_batch("ROLLBACK");
                }
                let _ = reply.send(result);
                // Full: a checkpoint is already due and will copy this commit too.
                let _ = checkpoint.try_send(());
                return;
            }
        }
    }
    // The handle was dropped without a commit.
    let _ = conn.execute_batch("ROLLBACK");
}

impl SqliteTx {
    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> TxMsg) -> Result<T, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.msgs.send(make(tx)).map_err(|_| StoreError::Unavailable)?;
        rx.await.map_err(|_| StoreError::Unavailable)
    }
}

#[async_trait]
impl Tx for SqliteTx {
    async fn query(&mut self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, StoreError> {
        let sql = sql.to_owned();
        self.ask(|r| TxMsg::Query(sql, params, r)).await?
    }

    async fn execute(&mut self, sql: &str, params: Vec<Value>) -> Result<u64, StoreError> {
        let sql = sql.to_owned();
        self.ask(|r| TxMsg::Execute(sql, params, r)).await?
    }

    async fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        let sql = sql.to_owned();
        self.ask(|r| TxMsg::Batch(sql, r)).await?
    }

    async fn lock_feed(&mut self) -> Result<(), StoreError> {
        // BEGIN IMMEDIATE already holds SQLite's single write lock.
        Ok(())
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.ask(TxMsg::Commit).await?
    }
}
