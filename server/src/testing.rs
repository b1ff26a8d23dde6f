//! Test support shared by the server's integration tests and the end-to-end crate (feature `testing`,
//! never in a release build): a throw-away PostgreSQL database at `127.0.0.1:5432`.
//!
//! PostgreSQL tests report themselves skipped when PostgreSQL does not answer, except under CI
//! (`TOKHAI_CI=1`), where a missing PostgreSQL fails them.
#![allow(
    clippy::print_stderr,
    clippy::expect_used,
    reason = "test support: a skip is said on stderr, and a failure to set up fails the test"
)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// The maintenance database the throw-away databases are created from.
const ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A uniquely named PostgreSQL database, dropped (with its connections) on drop.
#[derive(Debug)]
pub struct PgTestDb {
    name: String,
}

impl PgTestDb {
    /// Creates one, named `<prefix>_<process>_<n>_<random>`; `None` (reported as skipped) when PostgreSQL
    /// does not answer within 3 seconds outside CI.
    ///
    /// # Panics
    /// Under `TOKHAI_CI=1` when PostgreSQL does not answer, or when the database cannot be created.
    pub async fn create(prefix: &str) -> Option<Self> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let connect = tokio::time::timeout(
            Duration::from_secs(3),
            tokio_postgres::connect(ADMIN_URL, tokio_postgres::NoTls),
        )
        .await;
        let Ok(Ok((client, conn))) = connect else {
            assert!(
                std::env::var("TOKHAI_CI").as_deref() != Ok("1"),
                "TOKHAI_CI=1 but PostgreSQL is not reachable at 127.0.0.1:5432"
            );
            eprintln!("SKIPPED: PostgreSQL not reachable at 127.0.0.1:5432");
            return None;
        };
        tokio::spawn(conn);
        let name = format!(
            "{prefix}_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            uuid::Uuid::new_v4().simple()
        );
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("CREATE DATABASE");
        Some(Self { name })
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its connection URL.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:5432/{}", self.name)
    }
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        // A runtime of its own: drop may run inside or outside a test's runtime.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async move {
                if let Ok((client, conn)) = tokio_postgres::connect(ADMIN_URL, tokio_postgres::NoTls).await {
                    tokio::spawn(conn);
                    let _ = client
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                }
            });
        })
        .join();
    }
}
