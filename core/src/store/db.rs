//! The store: one SQLite file in a folder, one connection (the one writer), every write one transaction.
//! Decisions: `docs/adr/0001-local-storage.md`.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use super::error::StoreError;
use super::rows::Tx;
use super::{keys, remap, schema};
use crate::crypto::{KeyProvider, KeyRecord, StoreKeys};

/// The database file's name inside the store's folder.
pub(crate) const FILE_NAME: &str = "tokhai.db";
/// SQLite's companion files, removed with the database on wipe.
const COMPANIONS: [&str; 3] = ["-wal", "-shm", "-journal"];
/// How long a write waits for another connection (e.g. a second process) to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open, unlocked store.
#[derive(Debug)]
pub(crate) struct Store {
    conn: Connection,
    keys: StoreKeys,
    record: KeyRecord,
    path: PathBuf,
}

impl Store {
    /// Opens (or creates) the store in folder `dir` and unlocks it with `provider`.
    pub(crate) fn open(dir: &Path, provider: &dyn KeyProvider) -> Result<Self, StoreError> {
        fs::create_dir_all(dir)?;
        let path = dir.join(FILE_NAME);
        if !path.exists() {
            provider.check_new()?;
        }
        let mut conn = Connection::open(&path)?;
        configure(&conn)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        schema::migrate(&tx)?;
        let (record, keys) = keys::unlock_or_create(&tx, provider)?;
        // Data migrations that need the key run in the same transaction as the schema's.
        let tx = Tx::new(tx, &keys);
        remap::run(&tx)?;
        tx.commit()?;
        Ok(Self {
            conn,
            keys,
            record,
            path,
        })
    }

    /// Runs `f` in a read transaction (one consistent snapshot).
    pub(crate) fn read<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(StoreError::from)?;
        let tx = Tx::new(tx, &self.keys);
        f(&tx)
        // Dropping the transaction ends it; nothing was written.
    }

    /// Runs `f` in one write transaction: everything it does is committed together or not at all (an
    /// error from `f` rolls it all back).
    pub(crate) fn write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let tx = Tx::new(tx, &self.keys);
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// SQLite's own check of the file's structure: `"ok"` when sound.
    pub(crate) fn integrity_check(&self) -> Result<String, StoreError> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let lines = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(lines.join("\n"))
    }

    /// Path of the database file.
    #[cfg(test)]
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Deletes everything: the wrapped key inside the file, the file and its companions, and the key
    /// material `provider` holds for this store.
    pub(crate) fn wipe(mut self, provider: &dyn KeyProvider) -> Result<(), StoreError> {
        let label = self.record.label();
        // Overwrite the wrapped key in place first (secure_delete is on) and fold the WAL back into the
        // file, so even a copy of a half-deleted file cannot be opened.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        keys::forget(&tx)?;
        tx.commit()?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        self.conn.close().map_err(|(_, err)| err)?;
        remove_files(&self.path)?;
        provider.destroy(&label)?;
        Ok(())
    }

    #[cfg(test)]
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// Removes the database file and its companions; files already absent are fine.
fn remove_files(path: &Path) -> Result<(), StoreError> {
    let mut paths = vec![path.to_path_buf()];
    for suffix in COMPANIONS {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        paths.push(PathBuf::from(name));
    }
    for p in paths {
        match fs::remove_file(&p) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(())
}

/// Connection settings, applied on every open.
fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL: readers never block the writer, and a commit is one append + fsync.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Setup("the file system does not support WAL"));
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cell_size_check = ON;
         PRAGMA trusted_schema = OFF;",
    )?;
    Ok(())
}
