//! The store's detailed errors. None carries personal data: SQL is always parameterised (values never
//! appear in messages) and crypto errors never quote plaintext.

use crate::crypto::{CryptoError, KeyProviderError};

/// What went wrong inside the store.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    /// SQLite failed (I/O, full disk, locked file, corrupt file, constraint).
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A file operation around the database failed (creating the folder, wiping).
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    /// A sealed value in `table` could not be sealed or opened.
    #[error("sealed record in {table}: {source}")]
    Crypto {
        /// The table.
        table: &'static str,
        /// Why.
        #[source]
        source: CryptoError,
    },
    /// The keys could not be created or unlocked.
    #[error("keys: {0}")]
    Key(#[from] KeyProviderError),
    /// The file was written by a newer build with a schema this one does not know.
    #[error("schema version {found} is newer than this build's {known}")]
    NewerSchema {
        /// Version in the file.
        found: i64,
        /// Latest version this build knows.
        known: i64,
    },
    /// The key record is incomplete or unreadable, or missing while the store holds records.
    #[error("key record: {0}")]
    KeyRecord(&'static str),
    /// A row id or look-up value in a plaintext column has the wrong shape.
    #[error("malformed column {column} in {table}")]
    Column {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
    },
    /// The database cannot be set up as required (e.g. the file system refuses WAL mode).
    #[error("setup: {0}")]
    Setup(&'static str),
    /// A referenced row does not exist.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// A uniqueness rule was broken.
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
}

/// Which uniqueness rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conflict {
    /// The identity document is already declared for another person on this device.
    Document,
    /// Another report already covers this episode and day.
    ReportDay,
}

impl StoreError {
    pub(crate) fn crypto(table: &'static str) -> impl FnOnce(CryptoError) -> Self {
        move |source| Self::Crypto { table, source }
    }

    /// Whether the error means the stored data was altered or damaged (as opposed to I/O or a wrong key).
    pub(crate) fn is_integrity(&self) -> bool {
        match self {
            Self::Crypto { source, .. } => !matches!(source, CryptoError::Random | CryptoError::Encode),
            Self::Key(KeyProviderError::Crypto(_)) | Self::KeyRecord(_) | Self::Column { .. } => true,
            Self::Sqlite(err) => {
                matches!(
                    err.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
                )
            }
            _ => false,
        }
    }
}
