//! Storage: one `Store` trait, two databases.
//!
//! - `api.rs`: the `Store` trait, made of one part per concern (accounts, registry, sync, officers).
//! - `types.rs`: the rows it reads and writes (personal data only sealed or keyed-hashed).
//! - `value.rs`: backend-neutral SQL values and rows.
//! - `backend.rs`: what a database must offer (`Backend`, `Tx`), numbered migrations.
//! - `sqlite.rs`: embedded SQLite on rusqlite worker threads (WAL).
//! - `postgres.rs`: PostgreSQL on tokio-postgres + deadpool.
//! - `sql/`: `SqlStore`, the one implementation of `Store` over either backend.
//! - `open.rs`: opening a store from a database URL or file path.

mod api;
mod backend;
mod open;
mod postgres;
mod sql;
mod sqlite;
mod types;
mod value;

pub use api::{AccountStore, OfficerStore, RegistryStore, Store, SyncStore};
pub use backend::{Backend, Dialect, Tx, migrate};
pub use open::{StoreUrl, open_existing_store, open_replica, open_store};
pub use postgres::Postgres;
pub use sql::SqlStore;
pub use sqlite::Sqlite;
pub use types::*;
pub(crate) use value::params;
pub use value::{Row, Value};

/// What can go wrong in storage. Messages never carry values (which may be personal data).
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or is busy.
    #[error("database unavailable")]
    Unavailable,
    /// A uniqueness or reference constraint refused the write.
    #[error("constraint conflict")]
    Conflict,
    /// The database URL or file is unusable.
    #[error("database configuration invalid")]
    Config,
    /// A stored value did not have the expected shape.
    #[error("stored value not decodable: {0}")]
    Decode(&'static str),
    /// The database reported an error.
    #[error("database error: {0}")]
    Backend(&'static str),
    /// A row that must exist does not.
    #[error("row not found")]
    NotFound,
    /// No tokhai database where one must already exist (no such SQLite file, or no tokhai schema).
    #[error("no tokhai database there")]
    NoDatabase,
}

/// The longest a visit counts for in overlap queries (24 hours); longer stays are clamped on upload.
pub const MAX_VISIT_MS: Millis = 24 * 3_600_000;
