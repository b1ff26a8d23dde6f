//! Opening a store from configuration.

use std::path::PathBuf;
use std::sync::Arc;

use super::{Backend, Dialect, Postgres, SqlStore, Sqlite, Store, StoreError};

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

impl StoreUrl {
    /// Where the data lives, for messages: the SQLite file, or the PostgreSQL URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("SQLite {}", path.display()),
            Self::Postgres(url) => {
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
                let rest = match rest.rsplit_once('@') {
                    Some((user, host)) => {
                        let user = user.split_once(':').map_or(user, |(u, _)| u);
                        format!("{user}@{host}")
                    }
                    None => rest.to_owned(),
                };
                // Query parameters may carry a password too.
                let rest = rest.split_once('?').map_or(rest.as_str(), |(r, _)| r).to_owned();
                format!("PostgreSQL {scheme}://{rest}")
            }
        }
    }
}

/// Opens an existing tokhai database (and brings its schema up to date) but never creates one: a missing
/// SQLite file, or a database without tokhai's schema, is `StoreError::NoDatabase`. For the admin
/// commands, which must change the server's database and no other.
pub async fn open_existing_store(
    url: &StoreUrl,
    max_connections: usize,
) -> Result<Arc<dyn Store>, StoreError> {
    let backend: Arc<dyn Backend> = match url {
        StoreUrl::Sqlite(path) => {
            if !path.is_file() {
                return Err(StoreError::NoDatabase);
            }
            Arc::new(Sqlite::open(path)?)
        }
        StoreUrl::Postgres(url) => Arc::new(Postgres::connect(url, max_connections)?),
    };
    let sql = match backend.dialect() {
        Dialect::Sqlite => {
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        }
        Dialect::Postgres => {
            "SELECT count(*) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
        }
    };
    let found = backend.query(sql, vec![]).await?;
    if found.first().map(|r| r.i64(0)).transpose()?.unwrap_or(0) == 0 {
        return Err(StoreError::NoDatabase);
    }
    Ok(Arc::new(SqlStore::new(backend).await?))
}

/// Opens the store (and migrates its schema).
pub async fn open_store(url: &StoreUrl, max_connections: usize) -> Result<Arc<dyn Store>, StoreError> {
    let store = match url {
        StoreUrl::Sqlite(path) => SqlStore::new(Arc::new(Sqlite::open(path)?)).await?,
        StoreUrl::Postgres(url) => SqlStore::new(Arc::new(Postgres::connect(url, max_connections)?)).await?,
    };
    Ok(Arc::new(store))
}

/// Opens a read replica: a streaming-replication standby of a PostgreSQL store's database, for reads
/// only (no migration: the primary's schema arrives by replication; the store's write methods would
/// be refused by the standby, and the server never calls them on it).
pub async fn open_replica(url: &str, max_connections: usize) -> Result<Arc<dyn Store>, StoreError> {
    let backend = Arc::new(Postgres::connect(url, max_connections)?);
    Ok(Arc::new(SqlStore::read_only(backend).await?))
}
