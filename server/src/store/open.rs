//! Opening a store from configuration.

use std::path::PathBuf;
use std::sync::Arc;

use super::{Postgres, SqlStore, Sqlite, Store, StoreError};

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl StoreUrl {
    /// Reads `postgres://…`/`postgresql://…`, `sqlite://PATH` or a plain file path.
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(Self::Postgres(s.to_owned()))
        } else if let Some(path) = s.strip_prefix("sqlite://") {
            if path.is_empty() {
                Err(StoreError::Config)
            } else {
                Ok(Self::Sqlite(PathBuf::from(path)))
            }
        } else if s.is_empty() || s.contains("://") {
            Err(StoreError::Config)
        } else {
            Ok(Self::Sqlite(PathBuf::from(s)))
        }
    }
}

/// Opens the store (and migrates its schema).
pub async fn open_store(url: &StoreUrl, max_connections: usize) -> Result<Arc<dyn Store>, StoreError> {
    let store = match url {
        StoreUrl::Sqlite(path) => SqlStore::new(Arc::new(Sqlite::open(path)?)).await?,
        StoreUrl::Postgres(url) => SqlStore::new(Arc::new(Postgres::connect(url, max_connections)?)).await?,
    };
    Ok(Arc::new(store))
}
